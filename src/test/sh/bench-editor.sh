#!/bin/sh
# Editor throughput benchmark: harden's load+edit+verify against snakeyaml-engine on the same bytes.
# Usage: src/test/sh/bench-editor.sh [CORPUS_DIR] [ROUNDS]
set -e
cd "$(dirname "$0")/../../.."
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xms512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.harden.bench.EditorBenchmark "${1:-../shared/corpus}" "${2:-10}"
