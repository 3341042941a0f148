#!/usr/bin/env bash
# Soak test: edge-proxy (the JVM jar, or the native binary with EDGE_NATIVE=path) under a mixed load at 70 % of
# its measured peak for DURATION seconds (10 minutes by default), while its route file is rewritten every 30 s,
# its signing key is rotated and its origin resets 1 % of responses. Prints a line every 10 s and a summary;
# exits non-zero when any answer was unexpected or RSS or open file descriptors grew. See bench/README.md "Soak".
#
#   bench/soak.sh                                         # 10 minutes against target/quarkus-app/quarkus-run.jar
#   DURATION=90 bench/soak.sh                             # a short run
#   EDGE_NATIVE=target/edge-proxy-0.1.0-SNAPSHOT-runner bench/soak.sh
#
# Loopback only. Needs node and curl (INSTALL=1 installs what is missing with apt, as root) and a JDK 17+ (javac too).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")

DURATION=${DURATION:-600}         # seconds of soak (after the check, warm-up and peak measurement)
WARMUP=${WARMUP:-20}              # seconds of full load before the peak is measured (the JIT needs it)
PEAK_SECONDS=${PEAK_SECONDS:-15}  # seconds of full load whose rate is the peak
LOAD=${LOAD:-0.7}                 # the soak's rate as a fraction of the measured peak
RATE=${RATE:-0}                   # a fixed soak rate in req/s instead (the peak is still measured and shown)
CONNS=${CONNS:-32}                # connections (one worker each)
RELOAD_EVERY=${RELOAD_EVERY:-30}  # seconds between route file rewrites
REPORT_EVERY=${REPORT_EVERY:-10}  # seconds between progress lines
RESET_EVERY=${RESET_EVERY:-100}   # the origin resets one response in this many (0: none)
TOKENS=${TOKENS:-10500}           # distinct tokens per key for the fresh-token class; more than the proxy's cache
SERVER_CPU=${SERVER_CPU:-0}       # the proxy and the origin are pinned here
CLIENT_CPU=${CLIENT_CPU:-1}       # the load generator is pinned here
JAVA=${JAVA:-java}
EDGE_JAVA_OPTS=${EDGE_JAVA_OPTS:-"-XX:+UseSerialGC -Xmx96m -Xmn48m"}
EDGE_NATIVE=${EDGE_NATIVE:-}      # path of a native binary: soak it instead of the jar
# more -D options of edge-proxy for either build, e.g. the Netty data path:
# EDGE_EXTRA_OPTS="-Dgateway.listener.dataPath=netty -Dquarkus.http.host-enabled=false"
EDGE_EXTRA_OPTS=${EDGE_EXTRA_OPTS:-}

ISSUER=soak.edge-proxy.dev
AUDIENCE=edge-proxy-soak
EDGE_CACHE_CAPACITY=10000         # dev.edgeproxy.jwt.TokenVerifier.CACHE_CAPACITY
TOKEN_LIFETIME=3600               # bench/TokenGen.java: exp an hour after minting
P_ORIGIN=18100 P_EDGE=18103 P_EDGE_MGMT=18104

LOG_TAG=soak
# shellcheck source=lib.sh
. "$HERE/lib.sh"

install_missing curl=curl node=nodejs
command -v "$JAVA" >/dev/null || die "no java ($JAVA)"
JAVAC=$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac
[[ -x $JAVAC ]] || die "no javac beside $JAVA (a JDK is needed, not a JRE)"
check_cpus "$SERVER_CPU" "$CLIENT_CPU"
((TOKENS > EDGE_CACHE_CAPACITY)) || die "TOKENS must exceed edge-proxy's token cache ($EDGE_CACHE_CAPACITY)"
# the valid tokens must outlive minting, warm-up, peak measurement and soak
((DURATION + WARMUP + PEAK_SECONDS + 600 < TOKEN_LIFETIME)) || die "DURATION too long for the tokens' one-hour lifetime"
((DURATION >= 30)) || die "DURATION must be at least 30 s"

if [[ -n $EDGE_NATIVE ]]; then
    [[ -x $EDGE_NATIVE ]] || die "EDGE_NATIVE $EDGE_NATIVE is not an executable"
    LABEL="edge-proxy native ($EDGE_NATIVE)"
else
    ensure_jar "$ROOT"
    JAR=$ROOT/target/quarkus-app/quarkus-run.jar
    LABEL="edge-proxy JVM ($("$JAVA" -version 2>&1 | head -1), $EDGE_JAVA_OPTS)"
fi
check_ports_free $P_ORIGIN $P_EDGE $P_EDGE_MGMT

OUT=$HERE/results/soak-$(date +%Y%m%d-%H%M%S)
WORK=$OUT/work
CONF=$WORK/conf
mkdir -p "$CONF"
log "results in $OUT"

cleanup() {
    stop_servers
    rm -f "$WORK"/k?/*.tokens 2>/dev/null || true   # several MB each; regenerated every run
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------ keys, tokens, routes
# two keys for the rotation: k1 signs from the start, k2 replaces it; distinct kids so both can be published
log "minting two RSA-2048 keys and $TOKENS tokens each (about a minute)"
mint_tokens "$JAVA" "$WORK/k1" "$TOKENS" "$ISSUER" "$AUDIENCE" -k1 &
m1=$!
mint_tokens "$JAVA" "$WORK/k2" "$TOKENS" "$ISSUER" "$AUDIENCE" -k2 &
m2=$!
wait $m1 || die "minting k1 failed"
wait $m2 || die "minting k2 failed"
cp "$WORK/k1/jwks.json" "$CONF/jwks.json"
# bench/templates/soak-routes.yaml.tmpl: @GEN@ stays in routes.template, for the load generator's rewrites
render_template soak-routes.yaml.tmpl ORIGIN_PORT=$P_ORIGIN ISSUER=$ISSUER AUDIENCE=$AUDIENCE \
    JWKS="$CONF/jwks.json" GEN >"$WORK/routes.template"
sed -e 's|@GEN@|0|g' "$WORK/routes.template" >"$CONF/routes.yaml"

log "compiling the load generator (bench/soak/*.java)"
"$JAVAC" -d "$WORK/classes" "$HERE"/soak/*.java

# ------------------------------------------------------------------------------------ origin and proxy
# started as "taskset ... &" so that $! is the server's own pid (taskset execs the command)
log "starting the origin (node bench/soak/upstream.js) :$P_ORIGIN, resetting 1 response in $RESET_EVERY"
taskset -c "$SERVER_CPU" node "$HERE/soak/upstream.js" "$P_ORIGIN" "$RESET_EVERY" >"$WORK/origin.log" 2>&1 &
PIDS+=($!)

# WARN, except the reload lines the summary counts (reloaded / refused)
EDGE_OPTS=(-Dquarkus.config.locations="$CONF/routes.yaml" -Dquarkus.log.level=WARN
    '-Dquarkus.log.category."dev.edgeproxy.reload".level=INFO'
    -Dquarkus.http.port=$P_EDGE -Dquarkus.management.port=$P_EDGE_MGMT)
read -r -a extra_opts <<<"$EDGE_EXTRA_OPTS"
EDGE_OPTS+=("${extra_opts[@]}")
log "starting $LABEL :$P_EDGE${EDGE_EXTRA_OPTS:+ ($EDGE_EXTRA_OPTS)}"
if [[ -n $EDGE_NATIVE ]]; then
    taskset -c "$SERVER_CPU" "$EDGE_NATIVE" "${EDGE_OPTS[@]}" >"$WORK/edge.log" 2>&1 &
else
    read -r -a jvm_opts <<<"$EDGE_JAVA_OPTS"
    taskset -c "$SERVER_CPU" "$JAVA" "${jvm_opts[@]}" "${EDGE_OPTS[@]}" -jar "$JAR" >"$WORK/edge.log" 2>&1 &
fi
EDGE_PID=$!
PIDS+=("$EDGE_PID")
for p in $P_ORIGIN $P_EDGE; do
    wait_port "$p" 60 || { tail -20 "$WORK"/*.log >&2 || true; die "nothing answers on :$p"; }
done

# ------------------------------------------------------------------------------------ load and verdict
log "load generator on CPU $CLIENT_CPU; proxy and origin on CPU $SERVER_CPU; output also in $OUT/soak.txt"
taskset -c "$CLIENT_CPU" "$JAVA" -XX:+UseParallelGC -Xmx1g -cp "$WORK/classes" Soak \
    port=$P_EDGE origin-port=$P_ORIGIN pid=$EDGE_PID proxy-log="$WORK/edge.log" work="$WORK" conf="$CONF" \
    routes-template="$WORK/routes.template" label="$LABEL" duration="$DURATION" warmup="$WARMUP" \
    peak-seconds="$PEAK_SECONDS" load="$LOAD" rate="$RATE" conns="$CONNS" reload-every="$RELOAD_EVERY" \
    report-every="$REPORT_EVERY" clk-tck="$CLK_TCK" > >(tee "$OUT/soak.txt") 2>&1 &
GEN_PID=$!
PIDS=("$GEN_PID" "${PIDS[@]}")
rc=0
wait "$GEN_PID" || rc=$?
sleep 0.2   # let tee print the last lines
log "proxy log: $(grep -c -E ' (WARN|ERROR) ' "$WORK/edge.log" || true) WARN/ERROR lines ($WORK/edge.log); origin: $(curl -s "http://127.0.0.1:$P_ORIGIN/__soak/stats")"
exit "$rc"
