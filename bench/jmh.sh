#!/usr/bin/env bash
# JMH microbenchmarks of the hot paths (src/jmh/java/dev/edgeproxy/bench).
#
#   bench/jmh.sh                      # every benchmark, defaults: 1 fork, 3 x 1 s warmup, 5 x 1 s measurement
#   bench/jmh.sh TokenVerification    # a regex of benchmark names
#   bench/jmh.sh Cel -f 2 -wi 5 -i 10 # any JMH option (bench/jmh.sh -h lists them)
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/jmh.sh   # build and run on another JDK
#
# Compiles main, test and benchmark classes with the Maven profile `jmh` (off by default, so
# `./mvnw verify` never sees it), writes the test class path to target/jmh-classpath.txt, then runs
# org.openjdk.jmh.Main. Results are also written to target/jmh-result.txt unless -rff/-o is given.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -Pjmh test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" \
    org.openjdk.jmh.Main "$@"
