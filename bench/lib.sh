# Shell pieces shared by bench/run.sh (load benchmark), bench/soak.sh (soak test) and native/measure.sh.
# Sourced, not run. The sourcing script sets LOG_TAG (the prefix of its log lines) and PIDS+=(...) for every
# server it starts.

LOG_TAG=${LOG_TAG:-bench}
PIDS=()
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf '[%s %(%H:%M:%S)T] %s\n' "$LOG_TAG" -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# install_missing command=package ...: what is not on the PATH is installed with apt (Debian, as root) only
# when INSTALL=1; otherwise the script stops and prints the command that would install it.
install_missing() {
    local pair need=()
    for pair in "$@"; do
        command -v "${pair%%=*}" >/dev/null || need+=("${pair#*=}")
    done
    ((${#need[@]})) || return 0
    if [[ ${INSTALL:-0} != 1 ]]; then
        die "missing ${need[*]}: install with 'apt-get install -y ${need[*]}' (as root), or rerun with INSTALL=1 to let this script do it"
    fi
    log "installing ${need[*]} (apt, INSTALL=1)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
}

# render_template name [NAME=value | NAME]...: bench/templates/<name> on stdout, every @NAME@ replaced by its
# value (one line, taken literally). A bare NAME leaves @NAME@ as it is, for a later step to fill in. Stops
# when the template holds a placeholder that is not named, so a misspelt one never reaches a server.
render_template() {
    local tmpl=$BENCH_DIR/templates/$1 arg name value left sed_args=(-e '')
    local -A named=()
    shift
    [[ -f $tmpl ]] || die "no template $tmpl"
    for arg in "$@"; do
        name=${arg%%=*}
        named[$name]=1
        [[ $arg == *=* ]] || continue
        value=${arg#*=}
        [[ $value != *$'\n'* ]] || die "render_template: the value of $name spans lines"
        # \ & and the | delimiter are special in a sed replacement: escape them
        value=$(printf '%s' "$value" | sed 's/[\\&|]/\\&/g')
        sed_args+=(-e "s|@$name@|$value|g")
    done
    for left in $(grep -o '@[A-Z][A-Z0-9_]*@' "$tmpl" | tr -d @ | sort -u); do
        [[ -n ${named[$left]:-} ]] || die "template $tmpl: no value for @$left@"
    done
    sed "${sed_args[@]}" "$tmpl"
}

# median [printf-format]: the median of the numbers on stdin, one a line; nothing when there are none. The
# median itself is bench/stats.awk's, the one implementation every script uses.
median() {
    awk -v fmt="${1:-}" -f "$BENCH_DIR/stats.awk" -f <(printf '%s\n' '{ v[++n] = $1 }' \
        'END { if (n) { m = median(v, n); if (fmt == "") print m; else printf fmt "\n", m } }')
}

# check_cpus server-cpu client-cpu: both exist and differ (servers and the load generator never share a CPU)
check_cpus() {
    command -v taskset >/dev/null || die "taskset (util-linux) is missing"
    local ncpu
    ncpu=$(nproc --all)
    (($1 < ncpu && $2 < ncpu)) || die "SERVER_CPU/CLIENT_CPU must be below $ncpu"
    [[ $1 != "$2" ]] || die "SERVER_CPU and CLIENT_CPU must differ"
}

# ensure_jar root [directory maven-option...]: the packaged JVM application in target/quarkus-app (or in
# target/<directory>, packaged with those options), built when missing
ensure_jar() {
    local root=$1 dir=${2:-quarkus-app}
    shift $(($# > 1 ? 2 : 1))
    if [[ ! -f $root/target/$dir/quarkus-run.jar ]]; then
        log "building the edge-proxy jar into target/$dir"
        (cd "$root" && ./mvnw -q -B package -DskipTests "$@")
    fi
}

# check_ports_free port...: dies when something already listens on one of them
check_ports_free() {
    local p
    for p in "$@"; do
        if ss -Htln "sport = :$p" | grep -q .; then die "port $p is in use"; fi
    done
}

# stop_servers: TERM to every started server, then KILL to the ones still there after 5 s. The EXIT trap of
# the sourcing script calls it (with its own clean-up).
stop_servers() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
}

# wait_port port timeout-seconds: until something answers HTTP there; fails early if a server has exited
wait_port() {
    local i p
    for i in $(seq 1 $(($2 * 10))); do
        for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || return 1; done
        # any answer counts, even a TLS port's refusal of plain HTTP: only "connection refused" (7) means not yet
        local rc=0
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" 2>/dev/null || rc=$?
        ((rc != 7 && rc != 28)) && return 0
        sleep 0.1
    done
    return 1
}

# await_first_200 pid url token: polls url with the bearer token every 2 ms until it answers 2xx; fails (returns 1)
# as soon as process pid has exited. native/measure.sh and bench/warmup.sh time a start with it.
await_first_200() {
    until curl -fs -o /dev/null -H "Authorization: Bearer $3" "$2"; do
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.002
    done
}

# mint_tokens java outdir count issuer audience [kid-suffix]: RSA-2048 and EC P-256 keys, a JWKS of both, and
# tokens (bench/TokenGen.java, compiled with the tests' minter, src/test/java/dev/edgeproxy/testing/JwsMinter.java);
# then per algorithm the first token alone (*.same.tokens) and that token with
# one character of its signature changed (*.badsig.token)
mint_tokens() {
    local alg
    local javac=javac classes="$2/.tokengen"
    [[ $1 == */* ]] && javac="${1%/*}/javac"
    "$javac" -d "$classes" "$BENCH_DIR/TokenGen.java" "$BENCH_DIR/../src/test/java/dev/edgeproxy/testing/JwsMinter.java"
    "$1" -cp "$classes" TokenGen "${@:2}"
    for alg in rs256 es256; do
        head -1 "$2/$alg.tokens" >"$2/$alg.same.tokens"
        awk -F. 'NR==1 { s=$3; m=int(length(s)/2); c=substr(s,m,1); r=(c=="A")?"B":"A";
                         print $1"."$2"."substr(s,1,m-1) r substr(s,m+1) }' "$2/$alg.tokens" >"$2/$alg.badsig.token"
    done
}

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # pids... -> utime+stime summed (fields 14 and 15 of /proc/<pid>/stat)
    local p t=0 v
    for p in "$@"; do
        # strip "pid (comm) " first: the fields then start at 3 (state), so utime is $12 and stime $13
        v=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')
        t=$((t + v))
    done
    echo "$t"
}
rss_kib() { # pids... -> VmRSS summed
    local p t=0 v
    for p in "$@"; do
        v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
        t=$((t + ${v:-0}))
    done
    echo "$t"
}
