#!/bin/sh
# Registry facts benchmark: ImageFactsSource over 20 images in Debian's docker-registry on loopback, cold and cached.
# Usage: src/test/sh/bench-registry-facts.sh [ROUNDS]
set -e
cd "$(dirname "$0")/../../.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.harden.bench.RegistryFactsBenchmark "${1:-7}"
