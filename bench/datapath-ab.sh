#!/usr/bin/env bash
# The two data paths of the proxy port, gateway.listener.dataPath vertx (Quarkus' HTTP server and Vert.x's client)
# and netty (dev.edgeproxy.datapath), the same build started twice with the same configuration and loaded in turn.
# The route is native/measure.sh's (strict JWT, one CEL rule, demo keys), the upstream nginx; wrk on CLIENT_CPU,
# everything else on SERVER_CPU; CPU time of the edge-proxy process from /proc/<pid>/stat.
#
#   bench/datapath-ab.sh                 # the jar (WARMUP 60 s), 3 rounds of 10 s per data path
#   BUILD=native bench/datapath-ab.sh    # target/*-runner (WARMUP 5 s)
#   ACCESS_LOG=false bench/datapath-ab.sh   # the access log off (default: on, the shipped default)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
LOG_TAG=datapath
. "$HERE/lib.sh"
BUILD=${BUILD:-jvm}
ROUNDS=${ROUNDS:-3} SECS=${SECS:-10} CONNS=${CONNS:-32}
SERVER_CPU=${SERVER_CPU:-0} CLIENT_CPU=${CLIENT_CPU:-1}
JAVA_OPTS=${JAVA_OPTS:-"-XX:+UseSerialGC -Xmx96m -Xmn48m"}
P_UP=18200 P_VERTX=18201 P_NETTY=18202 ACCESS_LOG=${ACCESS_LOG:-true}
install_missing wrk=wrk nginx=nginx-light curl=curl
check_cpus "$SERVER_CPU" "$CLIENT_CPU"
check_ports_free $P_UP $P_VERTX $P_NETTY
WORK=$(mktemp -d)
trap 'stop_servers; rm -rf "$WORK"' EXIT
token=$(cat "$ROOT/samples/demo-keys/admin.token")
render_template measure-gateway.yaml.tmpl UPSTREAM_PORT=$P_UP JWKS_JSON="$(tr -d '\n' <"$ROOT/samples/demo-keys/demo-jwks.json")" \
    >"$WORK/gateway.yaml"
mkdir -p "$WORK/up"
render_template nginx-upstream.conf.tmpl PREFIX="$WORK/up" PORT=$P_UP BODY="datapath upstream" >"$WORK/up/nginx.conf"
taskset -c "$SERVER_CPU" nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -e "$WORK/up/error.log" &
PIDS+=("$!")
wait_port $P_UP 10 || die "the upstream nginx does not answer"
common=(-Dquarkus.config.locations="$WORK/gateway.yaml" -Dquarkus.management.port=0 -Dquarkus.log.level=WARN
    -Dgateway.accessLog.enabled="$ACCESS_LOG")
if [[ $BUILD == native ]]; then
    bin=$(ls "$ROOT"/target/*-runner | head -1)
    start_edge() { exec taskset -c "$SERVER_CPU" "$bin" "${common[@]}" "$@"; }
    WARMUP=${WARMUP:-5}
else
    ensure_jar "$ROOT"
    read -r -a opts <<<"$JAVA_OPTS"
    start_edge() { exec taskset -c "$SERVER_CPU" java "${opts[@]}" "${common[@]}" "$@" -jar "$ROOT/target/quarkus-app/quarkus-run.jar"; }
    WARMUP=${WARMUP:-60}
fi
# exec: the pids are the servers themselves, whose CPU time is read. The access log goes to stdout by default:
# written to a file here, as a log collector would take it.
start_edge -Dquarkus.http.port=$P_VERTX >"$WORK/vertx.log" 2>&1 &
pid_vertx=$!
start_edge -Dquarkus.http.port=$P_NETTY -Dgateway.listener.dataPath=netty -Dquarkus.http.host-enabled=false \
    >"$WORK/netty.log" 2>&1 &
pid_netty=$!
PIDS+=("$pid_vertx" "$pid_netty")
await_first_200 "$pid_vertx" "http://127.0.0.1:$P_VERTX/" "$token" || { cat "$WORK/vertx.log" >&2; die "edge-proxy (vertx) did not start"; }
await_first_200 "$pid_netty" "http://127.0.0.1:$P_NETTY/" "$token" || { cat "$WORK/netty.log" >&2; die "edge-proxy (netty) did not start"; }
load() { taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"$2"s -H "Authorization: Bearer $token" "http://127.0.0.1:$1/"; }
log "warm-up: ${WARMUP} s on each data path (access log: $ACCESS_LOG)"
for p in $P_VERTX $P_NETTY; do load $p "$WARMUP" >/dev/null; done
printf '| round | data path | req/s | CPU-µs/req | non-2xx |\n| --- | --- | ---: | ---: | ---: |\n'
for r in $(seq "$ROUNDS"); do
    for p in $P_VERTX $P_NETTY; do
        pid=$pid_vertx name=vertx
        [[ $p == "$P_NETTY" ]] && pid=$pid_netty name=netty
        before=$(cpu_ticks "$pid")
        out=$(load $p "$SECS")
        after=$(cpu_ticks "$pid")
        n=$(awk '/requests in/ {print $1}' <<<"$out")
        rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
        non=$(awk '/Non-2xx/ {print $4}' <<<"$out")
        printf '| %s | %s | %s | %s | %s |\n' "$r" "$name" "$rps" "$(awk -v t=$((after - before)) -v n="$n" \
            -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t * 1e6 / hz / n}')" "${non:-0}"
    done
done
