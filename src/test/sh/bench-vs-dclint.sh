#!/bin/sh
# Whole-process speed and peak memory of `harden fix --diff` against DCLint's `--fix-dry-run`
# (npm package dclint 3.1.0) on the same files. Needs node/npm and GNU time (/usr/bin/time).
# Usage: src/test/sh/bench-vs-dclint.sh [COMPOSE_DIR] [RUNS]
set -e
cd "$(dirname "$0")/../../.."
corpus=${1:-../shared/corpus/compose}
runs=${2:-5}
tools=${HARDEN_BENCH_DIR:-target/bench-tools}
if [ ! -x "$tools/node_modules/.bin/dclint" ]; then
    mkdir -p "$tools"
    (cd "$tools" && npm install --no-audit --no-fund --silent dclint@3.1.0 >/dev/null)
fi
dclint="$tools/node_modules/.bin/dclint"
./harden --version >/dev/null   # builds the jar and the AppCDS archive outside the measurement
files=$(find "$corpus" -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
small=examples/compose/shop/compose.yaml

measure() { # label, command...: prints the median wall time and the largest peak RSS of $runs runs
    label=$1; shift
    for i in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$tools/time.txt" || true
        tail -n 1 "$tools/time.txt"
    done | sort -n | awk -v label="$label" '{ t[NR] = $1; if ($2 > m) m = $2 } END { printf "%-28s median %6.2f s   peak %7.1f MB\n", label, t[int((NR + 1) / 2)], m / 1024 }'
}

echo "$(echo "$files" | wc -l) files from $corpus, $runs runs each"
# shellcheck disable=SC2086
measure "harden fix --diff (all)" ./harden fix --diff --profile strict $files
# shellcheck disable=SC2086
measure "dclint --fix-dry-run (all)" "$dclint" --fix-dry-run $files
measure "harden fix --diff (one)" ./harden fix --diff --profile strict "$small"
measure "dclint --fix-dry-run (one)" "$dclint" --fix-dry-run "$small"
