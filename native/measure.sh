#!/usr/bin/env bash
# Measures, for the JVM build and the native binary (whichever exist):
#   - time from process start to the first proxied 200 (a strict-JWT route with a CEL rule), and
#   - resident memory (VmRSS) after 1,000 proxied requests.
# Each figure is the median of RUNS runs (default 5). Needs curl and python3 (the upstream).
#
#   ./mvnw package -DskipTests && native/measure.sh          # JVM only
#   native/build.sh && native/measure.sh                      # native only (jar disabled by -Dnative)
#   NATIVE_OPTS="-Xmx64m" native/measure.sh                   # extra run-time options for the binary
#   BUILDS=native RUNS=3 native/measure.sh                    # only some builds, fewer runs
set -euo pipefail
cd "$(dirname "$0")/.."
# render_template (bench/templates/measure-gateway.yaml.tmpl), median (bench/stats.awk) and await_first_200
. bench/lib.sh
RUNS=${RUNS:-5}
PORT=${PORT:-18080}
UPSTREAM_PORT=${UPSTREAM_PORT:-18090}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

token=$(cat samples/demo-keys/admin.token)
jwks=$(tr -d '\n' < samples/demo-keys/demo-jwks.json)
render_template measure-gateway.yaml.tmpl UPSTREAM_PORT="$UPSTREAM_PORT" JWKS_JSON="$jwks" >"$work/gateway.yaml"
mkdir -p "$work/www" && echo ok > "$work/www/index.html"
python3 -m http.server "$UPSTREAM_PORT" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/" && break; sleep 0.05; done

props=(-Dquarkus.config.locations="$work/gateway.yaml" -Dquarkus.http.port="$PORT" -Dquarkus.management.port=0
       -Dquarkus.log.level=WARN)

measure() { # name, command...
  local name=$1; shift
  local starts=() rsss=()
  for _ in $(seq "$RUNS"); do
    local t0 pid t1
    t0=$(date +%s%N)
    "$@" > "$work/$name.log" 2>&1 &
    pid=$!
    await_first_200 "$pid" "http://127.0.0.1:$PORT/" "$token" || { cat "$work/$name.log"; exit 1; }
    t1=$(date +%s%N)
    starts+=($(( (t1 - t0) / 1000000 )))
    urls=()
    for i in $(seq 1000); do urls+=("http://127.0.0.1:$PORT/?i=$i"); done
    curl -fs --no-progress-meter --parallel --parallel-max 8 -H "Authorization: Bearer $token" -o /dev/null "${urls[@]}" >/dev/null
    rsss+=($(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"))
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  printf '| %-6s | %6s ms | %4s MiB | %s |\n' "$name" \
    "$(printf '%s\n' "${starts[@]}" | median)" "$(printf '%s\n' "${rsss[@]}" | median)" \
    "starts: ${starts[*]} ms; RSS: ${rsss[*]} MiB"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576)}' /proc/meminfo) GiB, $(uname -m), $(date -u +%F)"
echo "| build  | first proxied 200 | RSS after 1,000 requests | runs |"
echo "| ---    | ---: | ---: | --- |"
jar=target/quarkus-app/quarkus-run.jar
BUILDS=${BUILDS:-jvm native}
if [[ $BUILDS == *jvm* && -f $jar ]]; then measure jvm java "${props[@]}" -jar "$jar"; fi
runner=$(ls target/*-runner 2>/dev/null | head -1 || true)
if [[ $BUILDS == *native* && -n $runner ]]; then measure native "$runner" "${props[@]}" ${NATIVE_OPTS:-}; fi
