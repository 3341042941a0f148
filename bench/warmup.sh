#!/usr/bin/env bash
# Time to peak: each build of edge-proxy is started cold, pinned to one CPU, and put under full load (wrk,
# same token, 32 connections) from its first proxied 200 on, in one-second slices; the curve is req/s per
# slice. Builds, whichever exist:
#   jvm        the jar on JAVA (default java: the JDK 17 the README's test command uses)
#   jvm25      the jar on JAVA25 (default: the Temurin 25 JDK of this machine)
#   jvm25-aot  the jar on JAVA25 with an AOT cache (JEP 483/515) made first by a training run of TRAIN
#              seconds under the same load (-XX:AOTCacheOutput), then used (-XX:AOTCache)
#   jvm25-aotjar  the same with Quarkus' aot-jar packaging (target/aot, built here when missing), whose
#              classes are on the application class path, so the cache can hold them and their profiles
#   native     target/*-runner
# Route: strict JWT (RS256, the demo keys) and one CEL rule, access log off; the upstream is nginx.
#
#   bench/warmup.sh                         # SECONDS_=60 slices per build
#   BUILDS="jvm native" SECONDS_=30 bench/warmup.sh
#
# Loopback only; needs wrk, nginx (INSTALL=1 installs them with apt, as root), curl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LOG_TAG=warmup
. "$HERE/lib.sh"

SECONDS_=${SECONDS_:-60}
TRAIN=${TRAIN:-60}
CONNS=${CONNS:-32}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
JAVA=${JAVA:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAVA_OPTS=${JAVA_OPTS:-"-XX:+UseSerialGC -Xmx96m -Xmn48m"}
BUILDS=${BUILDS:-"jvm jvm25 jvm25-aot jvm25-aotjar native"}
P_UP=18100 P_EDGE=18101

install_missing wrk=wrk nginx=nginx-light curl=curl
check_cpus "$SERVER_CPU" "$CLIENT_CPU"
check_ports_free $P_UP $P_EDGE
ensure_jar "$ROOT"
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
AOT_JAR=$ROOT/target/aot/quarkus-run.jar
NATIVE=$(ls "$ROOT"/target/*-runner 2>/dev/null | head -1 || true)

OUT=$HERE/results/warmup-$(date +%Y%m%d-%H%M%S)
WORK=$OUT/work
mkdir -p "$WORK/nginx-up"
trap stop_servers EXIT
trap 'exit 130' INT TERM
log "results in $OUT"

token=$(cat "$ROOT/samples/demo-keys/admin.token")
render_template measure-gateway.yaml.tmpl UPSTREAM_PORT=$P_UP JWKS_JSON="$(tr -d '\n' <"$ROOT/samples/demo-keys/demo-jwks.json")" \
    >"$WORK/gateway.yaml"
render_template nginx-upstream.conf.tmpl PREFIX="$WORK/nginx-up" PORT=$P_UP BODY="warm-up upstream" >"$WORK/nginx-up/nginx.conf"
taskset -c "$SERVER_CPU" nginx -p "$WORK/nginx-up" -c "$WORK/nginx-up/nginx.conf" -e "$WORK/nginx-up/error.log" &
PIDS+=("$!")
wait_port $P_UP 10 || die "the upstream nginx does not answer"

EDGE_PROPS=(-Dquarkus.config.locations="$WORK/gateway.yaml" -Dquarkus.http.port=$P_EDGE -Dquarkus.management.port=0
    -Dquarkus.log.level=WARN -Dgateway.accessLog.enabled=false)

# start name command...: the process pinned to SERVER_CPU; sets EDGE_PID and FIRST_MS (start to first 200)
start() {
    local name=$1 t0 t1
    shift
    t0=$(date +%s%N)
    taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 &
    EDGE_PID=$!
    PIDS+=("$EDGE_PID")
    await_first_200 "$EDGE_PID" "http://127.0.0.1:$P_EDGE/" "$token" || { tail -20 "$WORK/$name.log" >&2; die "$name exited"; }
    t1=$(date +%s%N)
    FIRST_MS=$(((t1 - t0) / 1000000))
}

stop() { kill "$EDGE_PID" 2>/dev/null || true; wait "$EDGE_PID" 2>/dev/null || true; }

# load seconds: full load for that long, in one-second wrk runs; prints req/s of each, one a line
load() {
    local i
    for i in $(seq 1 "$1"); do
        taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d1s -H "Authorization: Bearer $token" "http://127.0.0.1:$P_EDGE/" \
            | awk '/^Requests\/sec/ { printf "%.0f\n", $2 }'
    done
}

CURVES=$OUT/curves.tsv
: >"$CURVES"
run() { # name command...
    local name=$1
    shift
    log "$name: start, then ${SECONDS_} s of load"
    start "$name" "$@"
    load "$SECONDS_" >"$WORK/$name.curve"
    stop
    printf '%s\t%s\t%s\n' "$name" "$FIRST_MS" "$(paste -sd, "$WORK/$name.curve")" >>"$CURVES"
    log "$name: first 200 after $FIRST_MS ms; req/s by second: $(paste -sd' ' "$WORK/$name.curve")"
}

read -r -a opts <<<"$JAVA_OPTS"
for b in $BUILDS; do
    case $b in
        jvm) run jvm "$JAVA" "${opts[@]}" "${EDGE_PROPS[@]}" -jar "$JAR" ;;
        jvm25 | jvm25-aot | jvm25-aotjar)
            [[ -x $JAVA25 ]] || { log "no JDK 25 at $JAVA25: $b skipped"; continue; }
            if [[ $b == jvm25 ]]; then
                run jvm25 "$JAVA25" "${opts[@]}" "${EDGE_PROPS[@]}" -jar "$JAR"
                continue
            fi
            jar=$JAR
            if [[ $b == jvm25-aotjar ]]; then
                # an aot-jar older than the jar is packaged again
                [[ $JAR -nt $AOT_JAR ]] && rm -f "$AOT_JAR"
                ensure_jar "$ROOT" aot -Dquarkus.package.jar.type=aot-jar -Dquarkus.package.output-directory=aot
                jar=$AOT_JAR
            fi
            log "$b: training run, $TRAIN s under load, writing $WORK/$b.aot"
            start "train-$b" "$JAVA25" "${opts[@]}" -XX:AOTCacheOutput="$WORK/$b.aot" "${EDGE_PROPS[@]}" -jar "$jar"
            load "$TRAIN" >/dev/null
            stop
            [[ -f $WORK/$b.aot ]] || { tail -20 "$WORK/train-$b.log" >&2; die "the training run wrote no AOT cache"; }
            log "$b: cache of $(du -m "$WORK/$b.aot" | cut -f1) MB"
            run "$b" "$JAVA25" "${opts[@]}" -XX:AOTCache="$WORK/$b.aot" "${EDGE_PROPS[@]}" -jar "$jar"
            ;;
        native)
            [[ -n $NATIVE ]] || { log "no native binary (target/*-runner): native skipped"; continue; }
            run native "$NATIVE" "${EDGE_PROPS[@]}"
            ;;
        *) die "unknown build $b" ;;
    esac
done

# the table: req/s at some seconds, the peak (median of the last ten slices) and when 90 % of it was first reached
TABLE=$OUT/table.md
{
    echo "| build | first 200 ms | 1 s | 2 s | 3 s | 5 s | 10 s | 20 s | 30 s | 60 s | peak req/s | 90 % of peak at |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk -F'\t' -f "$HERE/stats.awk" -f <(cat <<'AWK'
{
    n = split($3, v, ",")
    k = 0; for (i = (n > 10 ? n - 9 : 1); i <= n; i++) tail[++k] = v[i]
    peak = median(tail, k)
    at = "-"; for (i = 1; i <= n; i++) if (v[i] >= 0.9 * peak) { at = i " s"; break }
    row = sprintf("| %s | %s |", $1, $2)
    split("1 2 3 5 10 20 30 60", s, " ")
    for (j = 1; j <= 8; j++) row = row sprintf(" %s |", (s[j] <= n) ? v[s[j]] : "-")
    printf "%s %.0f | %s |\n", row, peak, at
}
AWK
) "$CURVES"
    echo
    echo "One-second wrk slices (1 thread, $CONNS connections, same RS256 token) from the first proxied 200 on;"
    echo "edge-proxy on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU. JVM options: $JAVA_OPTS. $(date -u +%F)."
} >"$TABLE"
cat "$TABLE"
