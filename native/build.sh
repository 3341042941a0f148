#!/usr/bin/env bash
# Builds the native executable target/edge-proxy-<version>-runner.
#
#   native/build.sh            # picks what this machine has, in this order:
#                              #   1. GRAALVM_HOME (GraalVM or Mandrel), 2. native-image on PATH,
#                              #   3. a container build with Docker or Podman (no local GraalVM needed)
#   native/build.sh --verify   # also runs the *IT black-box tests against the binary
set -euo pipefail
cd "$(dirname "$0")/.."

goal=package
extra=(-DskipTests)
if [[ "${1:-}" == "--verify" ]]; then
  goal=verify
  extra=()
fi

if [[ -n "${GRAALVM_HOME:-}" && -x "$GRAALVM_HOME/bin/native-image" ]]; then
  echo "native build with GRAALVM_HOME=$GRAALVM_HOME"
  exec ./mvnw -B "$goal" -Dnative "${extra[@]}"
elif command -v native-image >/dev/null 2>&1; then
  home=$(dirname "$(dirname "$(readlink -f "$(command -v native-image)")")")
  echo "native build with native-image from PATH ($home)"
  GRAALVM_HOME="$home" exec ./mvnw -B "$goal" -Dnative "${extra[@]}"
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 \
  || command -v podman >/dev/null 2>&1; then
  echo "native build in a container (Mandrel builder image)"
  exec ./mvnw -B "$goal" -Dnative -Dquarkus.native.container-build=true "${extra[@]}"
else
  echo "no GraalVM/Mandrel (GRAALVM_HOME or native-image on PATH) and no Docker/Podman found" >&2
  echo "on this project's build machines: bash ../shared/native-toolchain/setup.sh \"\$HOME/.cache/native-toolchain/home\"" >&2
  echo "then: GRAALVM_HOME=\$HOME/.cache/native-toolchain/home native/build.sh" >&2
  exit 2
fi
