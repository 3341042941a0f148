#!/usr/bin/env bash
# Builds the two floor proxies (bench/floors/*.java) against the Netty and Vert.x jars of edge-proxy's own
# packaged application, so that a floor stands on exactly the layer edge-proxy stands on:
#   target/bench-classes/floors                 the classes (JVM targets floor-vertx-jvm, floor-netty-jvm)
#   target/floors/vertx-floor, netty-floor      native binaries (targets floor-*-native), with --native and
#                                               GRAALVM_HOME set (the same native-image as edge-proxy's build;
#                                               built again only when its source is newer)
#
#   bench/floors/build.sh [--native]
#
# Needs target/quarkus-app (./mvnw package); prints the class path for java -cp on its last line.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIB=$ROOT/target/quarkus-app/lib/main
[[ -d $LIB ]] || { echo "no $LIB: run ./mvnw package first" >&2; exit 2; }

# Netty (codecs, epoll), Vert.x core and the JSON parser Vert.x loads: nothing of Quarkus
cp=()
for jar in "$LIB"/io.netty.netty-*.jar "$LIB"/io.vertx.vertx-core-*.jar "$LIB"/com.fasterxml.jackson.core.jackson-core-*.jar; do
    case $jar in *tcnative*) continue ;; esac   # TLS is not part of the floors
    cp+=("$jar")
done
CP=$(IFS=:; echo "${cp[*]}")
CLASSES=$ROOT/target/bench-classes/floors
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"
mkdir -p "$CLASSES"
"$JAVAC" -nowarn -d "$CLASSES" -cp "$CP" "$HERE"/*.java

if [[ ${1:-} == --native ]]; then
    [[ -x ${GRAALVM_HOME:-}/bin/native-image ]] || { echo "--native needs GRAALVM_HOME with native-image" >&2; exit 2; }
    mkdir -p "$ROOT/target/floors"
    for main in VertxFloor NettyFloor; do
        name=$(sed -E 's/Floor$//; s/.*/\L&/' <<<"$main")-floor
        # built once: again only when its source is newer
        [[ $ROOT/target/floors/$name -nt $HERE/$main.java ]] && continue
        echo "native-image $main -> target/floors/$name" >&2
        (cd "$ROOT/target/floors" && "$GRAALVM_HOME/bin/native-image" --no-fallback -cp "$CLASSES:$CP" "$main" "$name" \
            >"$name.build.log" 2>&1) || { tail -30 "$ROOT/target/floors/$name.build.log" >&2; exit 1; }
    done
fi
echo "$CLASSES:$CP"
