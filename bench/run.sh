#!/usr/bin/env bash
# Load benchmark: direct-to-upstream, nginx plain proxy, HAProxy with jwt_verify + equivalent ACLs, the floors
# (a bare Vert.x proxy and a bare Netty proxy, bench/floors, on the JVM and native) and edge-proxy (JVM; native
# too if target/*-runner exists) with strict JWT + one CEL rule, tuned (access log off, log level WARN) and in
# its default configuration, all measured in one run with the same request bytes. See bench/README.md.
#
#   bench/run.sh                                  # defaults: DURATION=10 CONNS=32 REPEATS=3
#   DURATION=8 REPEATS=2 bench/run.sh
#   TLS=1 bench/run.sh                            # every proxy terminates TLS (a P-256 certificate made here);
#                                                 # workloads: same token over keep-alive, and newconn (one
#                                                 # request per connection: a full TLS handshake each)
#
# Loopback only. Needs wrk, nginx and haproxy (INSTALL=1 installs what is missing with apt, as root) and a JDK 17+.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")

DURATION=${DURATION:-10}        # seconds per measured run
CONNS=${CONNS:-32}              # wrk connections
THREADS=${THREADS:-1}           # wrk threads (all on CLIENT_CPU)
REPEATS=${REPEATS:-3}           # runs per cell; the table shows the median
WARMUP=${WARMUP:-60}            # seconds of load on each JVM target (edge-proxy, floors) before measuring
NATIVE_WARMUP=${NATIVE_WARMUP:-8}  # ... and on each native one (no JIT: only caches and heap sizing settle)
TOKENS=${TOKENS:-20000}         # distinct tokens per algorithm for the fresh-token workload
TLS=${TLS:-0}                   # 1: the proxies terminate TLS (nginx, HAProxy, edge-proxy); the upstream stays plain
ALGS=${ALGS:-"RS256 ES256"}
if ((TLS)); then WORKLOADS=${WORKLOADS:-"same newconn"}; else WORKLOADS=${WORKLOADS:-"same fresh"}; fi
SCHEME=http; ((TLS)) && SCHEME=https
SERVER_CPU=${SERVER_CPU:-0}     # every server (upstream and proxies) is pinned here
CLIENT_CPU=${CLIENT_CPU:-1}     # wrk is pinned here
JAVA=${JAVA:-java}
# JVM options for edge-proxy: what the README recommends for a one-CPU, small-memory node (a bounded heap
# instead of a quarter of the machine's memory; Serial GC, which the JVM picks for one CPU anyway)
EDGE_JAVA_OPTS=${EDGE_JAVA_OPTS:-"-XX:+UseSerialGC -Xmx96m -Xmn48m"}
# a second edge-proxy JVM, target edge-jvm-b, with other options (an A/B of JVM or edge-proxy settings in
# one run), e.g. EDGE_B_JAVA_OPTS="$EDGE_JAVA_OPTS -Dquarkus.vertx.prefer-native-transport=false"
EDGE_B_JAVA_OPTS=${EDGE_B_JAVA_OPTS:-}
# ... or another build of edge-proxy (a quarkus-run.jar) for target edge-jvm-b, to compare two builds in one run
EDGE_B_JAR=${EDGE_B_JAR:-}
# run-time options of the native binary (e.g. -Xmx64m -Xmn16m), and, when set, a second native process with
# these options instead, target edge-native-b (an A/B of native run-time settings in one run)
NATIVE_OPTS=${NATIVE_OPTS:-}
NATIVE_B_OPTS=${NATIVE_B_OPTS:-}
# ... or another native binary (another build) for target edge-native-b, with NATIVE_B_OPTS or else NATIVE_OPTS
NATIVE_B_BIN=${NATIVE_B_BIN:-}
# 1: the floors too (bench/floors/build.sh; their native binaries are built once, in target/floors, when
# GRAALVM_HOME has native-image); plain HTTP only, so not with TLS=1
FLOORS=${FLOORS:-1}
# 1: edge-proxy in its default configuration too (access log on, log level INFO, the same JVM options):
# targets edge-jvm-default and edge-native-default
DEFAULTS=${DEFAULTS:-1}
ONLY=${ONLY:-}                  # a subset of targets (direct nginx haproxy-jwt floor-netty-jvm floor-vertx-jvm edge-jvm
                                # edge-jvm-default edge-jvm-b floor-netty-native floor-vertx-native edge-native
                                # edge-native-default edge-native-b); all when empty
RATE_LATENCY=${RATE_LATENCY:-1} # 1: also measure latency at half of edge-proxy's peak rate (hey, constant rate)
# 1: run an OTLP/HTTP sink (otlp-sink.py) on 127.0.0.1:18011, on the load generator's CPU, for targets whose
# options turn tracing on (-Dquarkus.otel.exporter.otlp.traces.endpoint=http://127.0.0.1:18011 ...)
OTLP_SINK=${OTLP_SINK:-0}

ISSUER=bench.edge-proxy.dev
AUDIENCE=edge-proxy-bench
PATH_=/bench
# edge-proxy keeps up to 10,000 verified tokens (dev.edgeproxy.jwt.TokenVerifier.CACHE_CAPACITY): the
# fresh-token set must be larger, or that workload would measure the cache instead of verification.
EDGE_CACHE_CAPACITY=10000

P_UP=18000 P_NGINX=18001 P_HAPROXY=18002 P_EDGE=18003 P_EDGE_MGMT=18004 P_NATIVE=18005 P_NATIVE_MGMT=18006 P_EDGE_B=18007 P_EDGE_B_MGMT=18008 P_NATIVE_B=18009 P_NATIVE_B_MGMT=18010 P_OTLP=18011
P_VX=18012 P_NETTY=18013 P_VX_NATIVE=18014 P_NETTY_NATIVE=18015 P_EDGE_D=18016 P_EDGE_D_MGMT=18017 P_NATIVE_D=18018 P_NATIVE_D_MGMT=18019

LOG_TAG=bench
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# ---------------------------------------------------------------------------------------------- tools
tools=(wrk=wrk nginx=nginx-light haproxy=haproxy curl=curl)
((TLS)) && tools+=(openssl=openssl)
((RATE_LATENCY)) && tools+=(hey=hey)
install_missing "${tools[@]}"
command -v "$JAVA" >/dev/null || die "no java ($JAVA)"
((TOKENS > EDGE_CACHE_CAPACITY)) || die "TOKENS must exceed edge-proxy's token cache ($EDGE_CACHE_CAPACITY)"
check_cpus "$SERVER_CPU" "$CLIENT_CPU"

ensure_jar "$ROOT"
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
NATIVE=$(ls "$ROOT"/target/*-runner 2>/dev/null | head -1 || true)
if [[ -z $NATIVE ]]; then
    log "WARNING: no native binary (target/*-runner): the table will have no edge-proxy native rows; build it with native/build.sh"
fi

((TLS && FLOORS)) && { log "TLS=1: the floors speak plain HTTP only, so they are left out"; FLOORS=0; }
FLOOR_CP= FLOOR_NATIVE=
if ((FLOORS)); then
    floor_args=()
    if [[ -x ${GRAALVM_HOME:-}/bin/native-image ]]; then
        floor_args=(--native)
        log "building the floors (bench/floors/build.sh --native: a few minutes the first time)"
    else
        log "WARNING: no GRAALVM_HOME with native-image: the floors run on the JVM only"
    fi
    FLOOR_CP=$("$HERE/floors/build.sh" "${floor_args[@]}" | tail -1)
    [[ -x $ROOT/target/floors/vertx-floor && -x $ROOT/target/floors/netty-floor ]] && FLOOR_NATIVE=$ROOT/target/floors
fi

check_ports_free $P_UP $P_NGINX $P_HAPROXY $P_EDGE $P_EDGE_MGMT $P_NATIVE $P_NATIVE_MGMT $P_EDGE_B $P_EDGE_B_MGMT \
    $P_NATIVE_B $P_NATIVE_B_MGMT $P_VX $P_NETTY $P_VX_NATIVE $P_NETTY_NATIVE $P_EDGE_D $P_EDGE_D_MGMT $P_NATIVE_D $P_NATIVE_D_MGMT

TS=$(date +%Y%m%d-%H%M%S)
OUT=$HERE/results/$TS
WORK=$OUT/work
RAW=$OUT/raw
mkdir -p "$WORK" "$RAW"
log "results in $OUT"

# ------------------------------------------------------------------------------------ processes, cleanup
cleanup() {
    stop_servers
    rm -f "$WORK"/*.tokens 2>/dev/null || true   # 10+ MB each; regenerated every run
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------ keys and tokens
log "generating RSA-2048 and EC P-256 keys and $TOKENS tokens per algorithm"
mint_tokens "$JAVA" "$WORK" "$TOKENS" "$ISSUER" "$AUDIENCE"

# ------------------------------------------------------------------------------------ TLS certificate
LISTEN_TLS= NGINX_TLS= BIND_TLS= EDGE_TLS_OPTS=()
if ((TLS)); then
    # one ECDSA P-256 certificate for every proxy, as an edge node would present (and the cheaper handshake)
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null \
        || die "openssl could not make the test certificate"
    cat "$WORK/tls.crt" "$WORK/tls.key" >"$WORK/tls.pem"
    LISTEN_TLS=" ssl"
    NGINX_TLS="ssl_certificate $WORK/tls.crt; ssl_certificate_key $WORK/tls.key; ssl_protocols TLSv1.2 TLSv1.3;"
    BIND_TLS=" ssl crt $WORK/tls.pem alpn http/1.1"
    EDGE_TLS_OPTS=(-Dquarkus.tls.key-store.pem.0.cert="$WORK/tls.crt" -Dquarkus.tls.key-store.pem.0.key="$WORK/tls.key"
        -Dquarkus.http.insecure-requests=disabled)
fi
# edge_listen port management-port: the -D options that make edge-proxy serve its routes on port (HTTPS with TLS=1)
edge_listen() {
    if ((TLS)); then
        echo "-Dquarkus.http.ssl-port=$1 -Dquarkus.http.port=$(($1 + 100)) -Dquarkus.management.port=$2"
    else
        echo "-Dquarkus.http.port=$1 -Dquarkus.management.port=$2"
    fi
}

# ------------------------------------------------------------------------------------ configurations
BODY='edge-proxy benchmark upstream: a fixed small body of about one hundred bytes, always the same.'
mkdir -p "$WORK/nginx-up" "$WORK/nginx-proxy"
# the templates are bench/templates/*.tmpl
render_template nginx-upstream.conf.tmpl PREFIX="$WORK/nginx-up" PORT=$P_UP BODY="$BODY" >"$WORK/nginx-up/nginx.conf"
render_template nginx-proxy.conf.tmpl PREFIX="$WORK/nginx-proxy" PORT=$P_NGINX UPSTREAM_PORT=$P_UP \
    LISTEN_TLS="$LISTEN_TLS" TLS_DIRECTIVES="$NGINX_TLS" >"$WORK/nginx-proxy/nginx.conf"
render_template haproxy-jwt.cfg.tmpl PORT=$P_HAPROXY BIND_TLS="$BIND_TLS" UPSTREAM_PORT=$P_UP ISSUER=$ISSUER AUDIENCE=$AUDIENCE \
    RSA_PUB="$WORK/rsa-pub.pem" EC_PUB="$WORK/ec-pub.pem" >"$WORK/haproxy.cfg"
render_template edge-bench.yaml.tmpl UPSTREAM_PORT=$P_UP ISSUER=$ISSUER AUDIENCE=$AUDIENCE JWKS="$WORK/jwks.json" \
    ACCESS_LOG=false >"$WORK/edge.yaml"
render_template edge-bench.yaml.tmpl UPSTREAM_PORT=$P_UP ISSUER=$ISSUER AUDIENCE=$AUDIENCE JWKS="$WORK/jwks.json" \
    ACCESS_LOG=true >"$WORK/edge-default.yaml"

# ------------------------------------------------------------------------------------ start servers
# started as "taskset ... &" (not through a shell function) so that $! is the server's own pid: taskset
# execs the command

log "starting upstream nginx :$P_UP, nginx proxy :$P_NGINX, HAProxy :$P_HAPROXY"
taskset -c "$SERVER_CPU" nginx -p "$WORK/nginx-up" -c "$WORK/nginx-up/nginx.conf" -e "$WORK/nginx-up/error.log" &
UP_PID=$!; PIDS+=("$UP_PID")
taskset -c "$SERVER_CPU" nginx -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf" -e "$WORK/nginx-proxy/error.log" &
NGINX_PID=$!; PIDS+=("$NGINX_PID")
haproxy -c -q -f "$WORK/haproxy.cfg" || die "HAProxy refuses its configuration"
taskset -c "$SERVER_CPU" haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!; PIDS+=("$HAPROXY_PID")

read -r -a EDGE_JVM_OPTS <<<"$EDGE_JAVA_OPTS"
if ((FLOORS)); then
    # the same JVM options as edge-proxy's: a floor differs from it only in what it does per request
    log "starting the floors on the JVM: Vert.x :$P_VX, Netty :$P_NETTY"
    taskset -c "$SERVER_CPU" "$JAVA" "${EDGE_JVM_OPTS[@]}" -cp "$FLOOR_CP" VertxFloor $P_VX $P_UP >"$WORK/floor-vertx-jvm.log" 2>&1 &
    VX_PID=$!; PIDS+=("$VX_PID")
    taskset -c "$SERVER_CPU" "$JAVA" "${EDGE_JVM_OPTS[@]}" -cp "$FLOOR_CP" NettyFloor $P_NETTY $P_UP >"$WORK/floor-netty-jvm.log" 2>&1 &
    NETTY_PID=$!; PIDS+=("$NETTY_PID")
    if [[ -n $FLOOR_NATIVE ]]; then
        log "starting the native floors: Vert.x :$P_VX_NATIVE, Netty :$P_NETTY_NATIVE"
        taskset -c "$SERVER_CPU" "$FLOOR_NATIVE/vertx-floor" $P_VX_NATIVE $P_UP >"$WORK/floor-vertx-native.log" 2>&1 &
        VX_NATIVE_PID=$!; PIDS+=("$VX_NATIVE_PID")
        taskset -c "$SERVER_CPU" "$FLOOR_NATIVE/netty-floor" $P_NETTY_NATIVE $P_UP >"$WORK/floor-netty-native.log" 2>&1 &
        NETTY_NATIVE_PID=$!; PIDS+=("$NETTY_NATIVE_PID")
    fi
fi

if ((OTLP_SINK)); then
    log "starting the OTLP sink :$P_OTLP"
    taskset -c "$CLIENT_CPU" python3 "$HERE/otlp-sink.py" "$P_OTLP" >"$WORK/otlp-sink.log" 2>&1 &
    PIDS+=("$!")
fi

# WARN, except the startup lines that say which signature provider, network transport and tracing are in use
EDGE_OPTS=(-Dquarkus.config.locations="$WORK/edge.yaml" -Dquarkus.log.level=WARN
    '-Dquarkus.log.category."dev.edgeproxy.crypto.SignatureProvider".level=INFO'
    '-Dquarkus.log.category."dev.edgeproxy.server.GatewayRoutes".level=INFO' "${EDGE_TLS_OPTS[@]}")
# the default configuration: the same routes with the access log on, and Quarkus' log level (INFO)
EDGE_DEFAULT_OPTS=(-Dquarkus.config.locations="$WORK/edge-default.yaml" "${EDGE_TLS_OPTS[@]}")
log "starting edge-proxy (JVM, $("$JAVA" -version 2>&1 | head -1)) :$P_EDGE"
# shellcheck disable=SC2046 # edge_listen's words are separate options
taskset -c "$SERVER_CPU" "$JAVA" "${EDGE_JVM_OPTS[@]}" "${EDGE_OPTS[@]}" $(edge_listen $P_EDGE $P_EDGE_MGMT) \
    -jar "$JAR" >"$WORK/edge-jvm.log" 2>&1 &
EDGE_PID=$!; PIDS+=("$EDGE_PID")
if ((DEFAULTS)); then
    log "starting edge-proxy (JVM, default configuration) :$P_EDGE_D"
    # shellcheck disable=SC2046
    taskset -c "$SERVER_CPU" "$JAVA" "${EDGE_JVM_OPTS[@]}" "${EDGE_DEFAULT_OPTS[@]}" $(edge_listen $P_EDGE_D $P_EDGE_D_MGMT) \
        -jar "$JAR" >"$WORK/edge-jvm-default.log" 2>&1 &
    EDGE_D_PID=$!; PIDS+=("$EDGE_D_PID")
fi
EDGE_B=
if [[ -n $EDGE_B_JAVA_OPTS || -n $EDGE_B_JAR ]]; then
    EDGE_B=1
    read -r -a EDGE_B_OPTS <<<"${EDGE_B_JAVA_OPTS:-$EDGE_JAVA_OPTS}"
    [[ -z $EDGE_B_JAR || -f $EDGE_B_JAR ]] || die "EDGE_B_JAR $EDGE_B_JAR does not exist"
    log "starting edge-proxy (JVM, B: ${EDGE_B_OPTS[*]} -jar ${EDGE_B_JAR:-$JAR}) :$P_EDGE_B"
    # shellcheck disable=SC2046
    taskset -c "$SERVER_CPU" "$JAVA" "${EDGE_B_OPTS[@]}" "${EDGE_OPTS[@]}" $(edge_listen $P_EDGE_B $P_EDGE_B_MGMT) \
        -jar "${EDGE_B_JAR:-$JAR}" >"$WORK/edge-jvm-b.log" 2>&1 &
    EDGE_B_PID=$!; PIDS+=("$EDGE_B_PID")
fi
NATIVE_B=
if [[ -n $NATIVE ]]; then
    read -r -a NATIVE_RUN_OPTS <<<"$NATIVE_OPTS"
    log "starting edge-proxy (native, $NATIVE ${NATIVE_RUN_OPTS[*]}) :$P_NATIVE"
    # shellcheck disable=SC2046
    taskset -c "$SERVER_CPU" "$NATIVE" "${NATIVE_RUN_OPTS[@]}" "${EDGE_OPTS[@]}" $(edge_listen $P_NATIVE $P_NATIVE_MGMT) \
        >"$WORK/edge-native.log" 2>&1 &
    NATIVE_PID=$!; PIDS+=("$NATIVE_PID")
    if ((DEFAULTS)); then
        log "starting edge-proxy (native, default configuration) :$P_NATIVE_D"
        # shellcheck disable=SC2046
        taskset -c "$SERVER_CPU" "$NATIVE" "${NATIVE_RUN_OPTS[@]}" "${EDGE_DEFAULT_OPTS[@]}" $(edge_listen $P_NATIVE_D $P_NATIVE_D_MGMT) \
            >"$WORK/edge-native-default.log" 2>&1 &
        NATIVE_D_PID=$!; PIDS+=("$NATIVE_D_PID")
    fi
    if [[ -n $NATIVE_B_OPTS || -n $NATIVE_B_BIN ]]; then
        NATIVE_B=1
        [[ -z $NATIVE_B_BIN || -x $NATIVE_B_BIN ]] || die "NATIVE_B_BIN $NATIVE_B_BIN is not an executable"
        read -r -a NATIVE_B_RUN_OPTS <<<"${NATIVE_B_OPTS:-$NATIVE_OPTS}"
        log "starting edge-proxy (native, B: ${NATIVE_B_BIN:-$NATIVE} ${NATIVE_B_RUN_OPTS[*]}) :$P_NATIVE_B"
        # shellcheck disable=SC2046
        taskset -c "$SERVER_CPU" "${NATIVE_B_BIN:-$NATIVE}" "${NATIVE_B_RUN_OPTS[@]}" "${EDGE_OPTS[@]}" $(edge_listen $P_NATIVE_B $P_NATIVE_B_MGMT) \
            >"$WORK/edge-native-b.log" 2>&1 &
        NATIVE_B_PID=$!; PIDS+=("$NATIVE_B_PID")
    fi
fi

# targets: name port pids-to-measure(function) auth?
TARGETS=(direct nginx haproxy-jwt)
((TLS)) && TARGETS=(nginx haproxy-jwt)   # the upstream itself speaks plain HTTP
((FLOORS)) && TARGETS+=(floor-netty-jvm floor-vertx-jvm)
TARGETS+=(edge-jvm)
((DEFAULTS)) && TARGETS+=(edge-jvm-default)
[[ -n $EDGE_B ]] && TARGETS+=(edge-jvm-b)
[[ -n $FLOOR_NATIVE ]] && TARGETS+=(floor-netty-native floor-vertx-native)
[[ -n $NATIVE ]] && TARGETS+=(edge-native)
[[ -n $NATIVE && $DEFAULTS == 1 ]] && TARGETS+=(edge-native-default)
[[ -n $NATIVE_B ]] && TARGETS+=(edge-native-b)
if [[ -n $ONLY ]]; then
    kept=()
    for t in "${TARGETS[@]}"; do [[ " $ONLY " == *" $t "* ]] && kept+=("$t"); done
    TARGETS=("${kept[@]}")
    ((${#TARGETS[@]})) || die "ONLY names none of the targets"
fi
declare -A PORT=([direct]=$P_UP [nginx]=$P_NGINX [haproxy-jwt]=$P_HAPROXY [edge-jvm]=$P_EDGE [edge-jvm-b]=$P_EDGE_B
                 [edge-native]=$P_NATIVE [edge-native-b]=$P_NATIVE_B [floor-vertx-jvm]=$P_VX [floor-netty-jvm]=$P_NETTY
                 [floor-vertx-native]=$P_VX_NATIVE [floor-netty-native]=$P_NETTY_NATIVE [edge-jvm-default]=$P_EDGE_D
                 [edge-native-default]=$P_NATIVE_D)
declare -A LABEL=([direct]="direct (upstream nginx)¹" [nginx]="nginx proxy, no auth" [haproxy-jwt]="HAProxy jwt_verify + ACLs"
                  [edge-jvm]="edge-proxy JVM" [edge-jvm-b]="edge-proxy JVM (B)" [edge-native]="edge-proxy native"
                  [edge-native-b]="edge-proxy native (B)" [floor-vertx-jvm]="floor: bare Vert.x, JVM"
                  [floor-netty-jvm]="floor: bare Netty, JVM" [floor-vertx-native]="floor: bare Vert.x, native"
                  [floor-netty-native]="floor: bare Netty, native" [edge-jvm-default]="edge-proxy JVM, default config"
                  [edge-native-default]="edge-proxy native, default config")
for t in "${TARGETS[@]}"; do
    wait_port "${PORT[$t]}" 60 || { tail -20 "$WORK"/*.log "$WORK"/*/error.log 2>/dev/null >&2 || true; die "nothing answers on :${PORT[$t]} ($t)"; }
done
# the processes whose CPU and memory count for a target
measured_pids() {
    case $1 in
        direct) echo "$UP_PID $(pgrep -P "$UP_PID" | tr '\n' ' ')" ;;
        nginx) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
        haproxy-jwt) echo "$HAPROXY_PID" ;;
        edge-jvm) echo "$EDGE_PID" ;;
        edge-jvm-b) echo "$EDGE_B_PID" ;;
        edge-native) echo "$NATIVE_PID" ;;
        edge-native-b) echo "$NATIVE_B_PID" ;;
        edge-jvm-default) echo "$EDGE_D_PID" ;;
        edge-native-default) echo "$NATIVE_D_PID" ;;
        floor-vertx-jvm) echo "$VX_PID" ;;
        floor-netty-jvm) echo "$NETTY_PID" ;;
        floor-vertx-native) echo "$VX_NATIVE_PID" ;;
        floor-netty-native) echo "$NETTY_NATIVE_PID" ;;
    esac
}

# ------------------------------------------------------------------------------------ correctness gate
status_of() { # port token-file-or-empty
    if [[ -n $2 ]]; then
        curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -1 "$2")" "$SCHEME://127.0.0.1:$1$PATH_"
    else
        curl -sk -o /dev/null -w '%{http_code}' "$SCHEME://127.0.0.1:$1$PATH_"
    fi
}
fail=0
check() { # target what port token-file expected
    local got
    got=$(status_of "$3" "$4")
    if [[ $got == "$5" ]]; then
        log "check $1: $2 -> $got"
    else
        log "CHECK FAILED $1: $2 -> $got, expected $5"
        fail=1
    fi
}
for t in "${TARGETS[@]}"; do
    port=${PORT[$t]}
    for alg in $ALGS; do
        a=${alg,,}
        check "$t" "valid $alg token" "$port" "$WORK/$a.same.tokens" 200
        check "$t" "valid $alg token (last of the set)" "$port" <(tail -1 "$WORK/$a.tokens") 200
        case $t in
            haproxy-jwt | edge-*)
                check "$t" "$alg token with groups [users]" "$port" "$WORK/$a.users.token" 403
                check "$t" "$alg token with a broken signature" "$port" "$WORK/$a.badsig.token" 401
                ;;
        esac
    done
    case $t in
        haproxy-jwt | edge-*) check "$t" "no token" "$port" "" 401 ;;
    esac
    body=$(curl -sk -H "Authorization: Bearer $(head -1 "$WORK/rs256.same.tokens")" "$SCHEME://127.0.0.1:$port$PATH_")
    [[ $body == "$BODY" ]] || { log "CHECK FAILED $t: body '$body'"; fail=1; }
done
((fail == 0)) || die "a target does not authenticate as required; nothing measured"

# ------------------------------------------------------------------------------------ load
declare -A NEXT   # target/alg/workload -> next token index (runs continue the walk through the token file)
# run_wrk target workload alg seconds outfile -> sets RUN="requests p50_us p99_us non2xx sockerr cpu_ticks rss_kib duration_us"
# (not run in a subshell: it updates NEXT)
RUN=
run_wrk() {
    local t=$1 w=$2 alg=$3 secs=$4 outf=$5 a=${3,,} key="$1/$3/$2" pids before after res
    local tokens=$WORK/$a.$w.tokens close=()
    [[ $w == same ]] && tokens=$WORK/$a.same.tokens
    [[ $w == fresh ]] && tokens=$WORK/$a.tokens
    # newconn: the same token, one request per connection (wrk reconnects after each Connection: close)
    [[ $w == newconn ]] && tokens=$WORK/$a.same.tokens close=(-H "Connection: close")
    local start=${NEXT[$key]:-0}
    read -r -a pids <<<"$(measured_pids "$t")"
    before=$(cpu_ticks "${pids[@]}")
    taskset -c "$CLIENT_CPU" wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --timeout 5s "${close[@]}" -s "$HERE/tokens.lua" \
        "$SCHEME://127.0.0.1:${PORT[$t]}$PATH_" -- "$tokens" "$start" "$THREADS" >"$outf" 2>&1 || true
    after=$(cpu_ticks "${pids[@]}")
    res=$(grep '^RESULT' "$outf" || true)
    [[ -n $res ]] || { cat "$outf" >&2; die "wrk failed against $t"; }
    local requests p50 p99 non2xx sockerr dur steps n
    requests=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$res")
    dur=$(sed -E 's/.* duration_us=([0-9]+).*/\1/' <<<"$res")
    p50=$(sed -E 's/.* p50_us=([0-9]+).*/\1/' <<<"$res")
    p99=$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$res")
    non2xx=$(sed -E 's/.* non2xx=([0-9]+).*/\1/' <<<"$res")
    sockerr=$(awk '{for(i=1;i<=NF;i++){split($i,kv,"="); if(kv[1]~/^(connect|read|write|timeout)$/) s+=kv[2]}} END{print s+0}' <<<"$res")
    steps=$(sed -E 's/.* next_steps=([0-9]+).*/\1/' <<<"$res")
    n=$(wc -l <"$tokens")
    NEXT[$key]=$(((start + steps * THREADS + THREADS) % n))
    RUN="$requests $p50 $p99 $non2xx $sockerr $((after - before)) $(rss_kib "${pids[@]}") $dur"
}

log "warm-up: ${WARMUP}s on each JVM target, ${NATIVE_WARMUP}s on each native one, 1 s per cell on the others"
ncells=$(($(wc -w <<<"$ALGS") * $(wc -w <<<"$WORKLOADS")))
for t in "${TARGETS[@]}"; do
    for alg in $ALGS; do
        for w in $WORKLOADS; do
            case $t in
                edge-jvm* | floor-*-jvm) secs=$(((WARMUP + ncells - 1) / ncells)) ;;
                edge-native* | floor-*-native) secs=$(((NATIVE_WARMUP + ncells - 1) / ncells)) ;;
                *) secs=1 ;;
            esac
            run_wrk "$t" "$w" "$alg" "$secs" "$RAW/warmup-$t-$alg-$w.txt"
        done
    done
done

cells=0
for w in $WORKLOADS; do for alg in $ALGS; do for t in "${TARGETS[@]}"; do cells=$((cells + 1)); done; done; done
log "measuring: $cells cells x $REPEATS repeats x ${DURATION}s, $CONNS connections, $THREADS wrk thread(s);" \
    "servers on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU"
RES=$OUT/runs.tsv
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'repeat\ttarget\tworkload\talg\trequests\tp50_us\tp99_us\tnon2xx\tsocket_errors\tcpu_ticks\trss_kib\tduration_us\n' >"$RES"
for r in $(seq 1 "$REPEATS"); do
    for w in $WORKLOADS; do
        for alg in $ALGS; do
            for t in "${TARGETS[@]}"; do
                run_wrk "$t" "$w" "$alg" "$DURATION" "$RAW/$t-$w-$alg-r$r.txt"
                read -r req p50 p99 non2xx sockerr ticks rss dur <<<"$RUN"
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$w" "$alg" \
                    $req $p50 $p99 $non2xx $sockerr $ticks $rss $dur >>"$RES"
                log "r$r $w $alg $t: $(awk -v q="$req" -v d="$dur" 'BEGIN{printf "%.0f", q/(d/1e6)}') req/s," \
                    "p99 ${p99} µs, non-2xx $non2xx, socket errors $sockerr"
                sleep 1
            done
        done
    done
done

# ------------------------------------------------------------------------------------ table
TABLE=$OUT/table.md
{
    echo "| target | workload | alg | req/s | p50 ms | p99 ms | CPU-µs/req | RSS MiB | ÷ HAProxy-JWT | ÷ nginx |"
    echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for w in $WORKLOADS; do
        for alg in $ALGS; do
            for t in "${TARGETS[@]}"; do
                awk -F'\t' -v t="$t" -v w="$w" -v alg="$alg" -v label="${LABEL[$t]}" -v tck="$CLK_TCK" \
                    -f "$HERE/stats.awk" -f "$HERE/table-row.awk" "$RES"
            done
        done
    done
    if ((FLOORS)); then
        echo
        echo "How far edge-proxy is from the floor of the layer it stands on: req/s (CPU-µs per request), medians as above."
        echo
        echo "| build | workload | alg | bare Netty | bare Vert.x | edge-proxy tuned | edge-proxy default | Vert.x ÷ Netty CPU | tuned ÷ Vert.x CPU | default ÷ tuned CPU |"
        echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        for b in jvm native; do
            for w in $WORKLOADS; do
                for alg in $ALGS; do
                    awk -F'\t' -v b="$b" -v w="$w" -v alg="$alg" -v tck="$CLK_TCK" \
                        -f "$HERE/stats.awk" -f "$HERE/floor-table.awk" "$RES"
                done
            done
        done
    fi
    echo
    echo "Median of $REPEATS runs of ${DURATION}s each; wrk $THREADS thread(s), $CONNS connections, on CPU $CLIENT_CPU;"
    echo "upstream and proxies on CPU $SERVER_CPU. Latency at that fixed connection count (closed loop, no wrk2)."
    echo "CPU-µs/req and RSS are the proxy's own process(es); ¹ for *direct*, the upstream nginx's."
    echo "same = one token on every request; fresh = a walk through $TOKENS distinct tokens per algorithm"
    echo "(more than edge-proxy's $EDGE_CACHE_CAPACITY-entry verified-token cache, so each is verified again);"
    echo "newconn = the same token, one request per connection (Connection: close), so req/s is new connections/s."
    ((TLS)) && echo "TLS: every proxy terminates TLS with one ECDSA P-256 certificate (TLS 1.3 negotiated by wrk's OpenSSL); the upstream is plain HTTP."
    echo "Load average before measuring: $LOAD_START; after: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc --all) CPUs)."
    echo "$(uname -srm); $(lscpu | sed -n 's/^Model name: *//p' | head -1); edge-proxy on $("$JAVA" -version 2>&1 | head -1)."
    echo "edge-proxy JVM options: $EDGE_JAVA_OPTS${EDGE_B:+; (B): ${EDGE_B_OPTS[*]}${EDGE_B_JAR:+ with $EDGE_B_JAR}}."
    [[ -n $NATIVE ]] && echo "edge-proxy native options: ${NATIVE_OPTS:-none}${NATIVE_B:+; (B): ${NATIVE_B_RUN_OPTS[*]:-none}${NATIVE_B_BIN:+ with $NATIVE_B_BIN}}."
    grep -h -o 'token signatures are checked by .*' "$WORK/edge-jvm.log" | head -1 | sed 's/^/edge-proxy JVM: /;s/$/./' || true
    grep -h -o 'network transport: .*' "$WORK/edge-jvm.log" | head -1 | sed 's/^/edge-proxy JVM: /;s/$/./' || true
    for target in edge-jvm edge-jvm-b edge-native edge-native-b; do
        [[ -f $WORK/$target.log ]] || continue
        grep -h -o 'tracing: .*' "$WORK/$target.log" | head -1 | sed "s/^/$target: /;s/\$/./" || true
    done
} >"$TABLE"
# ------------------------------------------------------------------------------------ latency at a fixed rate
# wrk is a closed loop: its latency is latency at saturation. Here every target gets the same constant offered
# rate, half of an edge-proxy build's measured peak (same token, first algorithm), from hey (its -q paces each
# worker): one table at half of the JVM's peak and one at half of the native binary's, each build's own half.
if ((RATE_LATENCY)); then
  alg0=${ALGS%% *}
  for peak_target in edge-jvm edge-native; do
    [[ " ${TARGETS[*]} " == *" $peak_target "* ]] || continue
    peak=$(awk -F'\t' -v t="$peak_target" -v alg="$alg0" \
        'NR > 1 && $2 == t && $3 == "same" && $4 == alg { printf "%.6f\n", $5 / ($12 / 1e6) }' "$RES" | median %.0f)
    if [[ -n $peak ]]; then
        workers=16
        rate=$((peak / 2))
        per_worker=$(((rate + workers - 1) / workers))
        log "latency at a constant $rate req/s (half of $peak_target's same-token $alg0 peak), hey, ${DURATION}s per target"
        token=$(head -1 "$WORK/${alg0,,}.same.tokens")
        LAT=$OUT/rate-latency-$peak_target.tsv
        printf 'target\trequests_per_s\tp50_ms\tp90_ms\tp99_ms\tnon200\tcpu_us_per_req\n' >"$LAT"
        for t in "${TARGETS[@]}"; do
            read -r -a pids <<<"$(measured_pids "$t")"
            before=$(cpu_ticks "${pids[@]}")
            GOMAXPROCS=1 taskset -c "$CLIENT_CPU" hey -z "${DURATION}s" -c "$workers" -q "$per_worker" \
                -H "Authorization: Bearer $token" "$SCHEME://127.0.0.1:${PORT[$t]}$PATH_" >"$RAW/rate-$peak_target-$t.txt" 2>&1 || true
            after=$(cpu_ticks "${pids[@]}")
            awk -v t="$t" -v ticks=$((after - before)) -v tck="$CLK_TCK" '
                /Requests\/sec:/ { rps = $2 }
                /^ *50% in/ { p50 = $3 * 1000 } /^ *90% in/ { p90 = $3 * 1000 } /^ *99% in/ { p99 = $3 * 1000 }
                /^ *\[[0-9]+\]/ { code = substr($1, 2, length($1) - 2); n = $2; total += n; if (code != "200") bad += n }
                END { printf "%s\t%.0f\t%.3f\t%.3f\t%.3f\t%d\t%.1f\n", t, rps, p50, p90, p99, bad + 0,
                      total ? ticks * 1e6 / tck / total : 0 }' "$RAW/rate-$peak_target-$t.txt" >>"$LAT"
            log "rate $t: $(tail -1 "$LAT" | cut -f2-6 | tr '\t' ' ')"
            sleep 1
        done
        {
            echo
            echo "Latency at a constant $rate req/s (half of $peak_target's same-token $alg0 peak above), hey with $workers"
            echo "paced workers on CPU $CLIENT_CPU, ${DURATION}s per target, one run:"
            echo
            echo "| target | req/s | p50 ms | p90 ms | p99 ms | p99 − direct p99 | CPU-µs/req | non-200 |"
            echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            awk -F'\t' -v keys="$(IFS='|'; echo "${!LABEL[*]}")" -v labels="$(IFS='|'; echo "${LABEL[*]}" | tr -d '¹')" '
                NR > 1 { n++; t[n] = $1; r[n] = $2; a[n] = $3; b[n] = $4; c[n] = $5; bad[n] = $6; cpu[n] = $7
                         if ($1 == "direct") d = $5 }
                END { for (i = 1; i <= n; i++)
                        printf "| %s | %s | %.2f | %.2f | %.2f | %s | %.1f | %d |\n", lbl[t[i]], r[i], a[i], b[i], c[i],
                            (d == "") ? "-" : sprintf("%+.2f ms", c[i] - d), cpu[i], bad[i] }
                BEGIN { nk = split(keys, k, "|"); split(labels, v, "|"); for (i = 1; i <= nk; i++) lbl[k[i]] = v[i] }' "$LAT"
        } >>"$TABLE"
    fi
  done
fi

echo
cat "$TABLE"
echo
log "raw wrk outputs and runs.tsv in $OUT"
