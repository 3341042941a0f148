#!/usr/bin/env bash
# Mints an RS256 token signed with the DEMO private key in this folder (openssl only).
# DEMO ONLY: this key is public in the repository; never trust it outside the built-in sample.
#
#   samples/demo-keys/mint-token.sh alice admins          # sub=alice, groups=[admins]
#   samples/demo-keys/mint-token.sh bob users 3600        # expires in an hour (default: year 2100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sub=${1:-alice}
group=${2:-admins}
ttl=${3:-}
now=$(date +%s)
exp=$([ -n "$ttl" ] && echo $((now + ttl)) || echo 4102444800)
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"RS256","typ":"JWT","kid":"edge-proxy-demo"}' | b64url)
payload=$(printf '{"iss":"demo.edge-proxy.dev","aud":"edge-proxy-demo","sub":"%s","groups":["%s"],"iat":%d,"exp":%d}' \
  "$sub" "$group" "$now" "$exp" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$here/demo-private-key.pem" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
