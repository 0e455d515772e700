#!/bin/sh
# Bulk benchmark: harden bulk plan and a dry run of harden bulk run (clone and fix, no push) over N repositories
# on the real git server of the PR tests (lighttpd + git-http-backend), one JVM per size; then harden bulk plan
# over the same campaign file as a whole process, its peak RSS from /usr/bin/time.
# Usage: src/test/sh/bench-bulk.sh [SIZES...]        (default: 250 500 1000)
set -e
cd "$(dirname "$0")/../../.."
mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
out=target/bench-bulk
mkdir -p "$out"
[ $# -gt 0 ] || set -- 250 500 1000
echo "$(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "$@"; do
    java -cp "$cp" dev.harden.bench.BulkBenchmark "$n" "$out"
done
for n in "$@"; do
    /usr/bin/time -f "$n repositories  harden bulk plan (whole process)  %e s  peak RSS %M KB" \
        java -cp "$cp" dev.harden.cli.Main bulk plan "$out/bench-$n.yaml" --journal "$out/none.jsonl" > /dev/null
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
