#!/usr/bin/env bash
# Checks the two helpers of bench/lib.sh that the benchmark scripts share: median (bench/stats.awk) and
# render_template (bench/templates). Needs nothing but bash, sed and awk; prints one line per check.
#
#   bench/test-lib.sh
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

failed=0
expect() { # what expected actual
    if [[ $3 == "$2" ]]; then
        echo "ok   $1"
    else
        echo "FAIL $1: expected '$2', got '$3'"
        failed=1
    fi
}

# ------------------------------------------------------------------------------------ median
expect "median of one number" 7 "$(echo 7 | median)"
expect "median of an odd count, unsorted" 3 "$(printf '%s\n' 5 1 3 | median)"
expect "median of an even count: mean of the middle two" 2.5 "$(printf '%s\n' 4 1 3 2 | median)"
expect "median sorts numerically, not as text" 10 "$(printf '%s\n' 100 9 10 | median)"
expect "median of decimals" 1.25 "$(printf '%s\n' 1.5 1.0 | median)"
expect "median of repeated values" 2 "$(printf '%s\n' 2 2 9 1 2 | median)"
expect "median with a printf format" 1235 "$(printf '%s\n' 1234.4 1235.6 1234.9 | median %.0f)"
expect "median of no numbers is empty" "" "$(median </dev/null)"
expect "stats.awk median() from another awk program" "3 2.5" \
    "$(awk -f "$BENCH_DIR/stats.awk" -f <(echo 'BEGIN { split("9 3 1", a, " "); split("4 1 3 2", b, " ");
        printf "%s %s", median(a, 3), median(b, 4) }'))"

# ------------------------------------------------------------------------------------ render_template
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/templates"
printf 'listen @HOST@:@PORT@;\nbody "@BODY@";\nlater @GEN@ @GEN@\n' >"$tmp/templates/t.tmpl"
render() { (BENCH_DIR=$tmp render_template "$@") 2>"$tmp/err"; }
expect "render_template fills every placeholder" $'listen 127.0.0.1:8080;\nbody "a|b & c\\\\d/e";\nlater 0 0' \
    "$(render t.tmpl HOST=127.0.0.1 PORT=8080 BODY='a|b & c\\d/e' GEN=0)"
expect "render_template leaves a bare NAME's placeholder" "later @GEN@ @GEN@" \
    "$(render t.tmpl HOST=h PORT=1 BODY=b GEN | tail -1)"
expect "render_template stops at a placeholder with no value" "1 no value for @PORT@" \
    "$(render t.tmpl HOST=h BODY=b GEN >/dev/null && echo 0 || echo "1 $(grep -o 'no value for @[A-Z]*@' "$tmp/err")")"
expect "render_template stops at a missing template" 1 "$(render nothing.tmpl >/dev/null && echo 0 || echo 1)"

# every real template renders completely with the names its script gives (values made up here)
w=/w/x
rendered() { # template NAME=value... -> "complete" and the placeholders left, or why render_template stopped
    render_template "$@" >"$tmp/out" 2>"$tmp/err" || { echo "stopped: $(cat "$tmp/err")"; return; }
    [[ $(wc -l <"$tmp/out") == $(wc -l <"$BENCH_DIR/templates/$1") ]] && printf complete || printf 'lines differ'
    grep -o '@[A-Z][A-Z0-9_]*@' "$tmp/out" | sort -u | sed 's/^/ /' | tr -d '\n'
}
expect "nginx-upstream.conf.tmpl renders" "complete" "$(rendered nginx-upstream.conf.tmpl PREFIX=$w PORT=1 BODY=b)"
expect "nginx-proxy.conf.tmpl renders" "complete" "$(rendered nginx-proxy.conf.tmpl PREFIX=$w PORT=1 UPSTREAM_PORT=2 LISTEN_TLS= TLS_DIRECTIVES=)"
expect "haproxy-jwt.cfg.tmpl renders" "complete" "$(rendered haproxy-jwt.cfg.tmpl PORT=1 BIND_TLS= UPSTREAM_PORT=2 ISSUER=i AUDIENCE=a \
    RSA_PUB=$w/r.pem EC_PUB=$w/e.pem)"
expect "edge-bench.yaml.tmpl renders" "complete" "$(rendered edge-bench.yaml.tmpl UPSTREAM_PORT=2 ISSUER=i AUDIENCE=a \
    JWKS=$w/jwks.json ACCESS_LOG=false)"
expect "soak-routes.yaml.tmpl renders, keeping @GEN@" "complete @GEN@" "$(rendered soak-routes.yaml.tmpl ORIGIN_PORT=1 \
    ISSUER=i AUDIENCE=a JWKS=$w/jwks.json GEN)"
expect "measure-gateway.yaml.tmpl renders" "complete" "$(rendered measure-gateway.yaml.tmpl UPSTREAM_PORT=2 \
    JWKS_JSON='{"keys":[]}')"

((failed == 0)) && echo "all checks passed" || { echo "some checks FAILED"; exit 1; }
