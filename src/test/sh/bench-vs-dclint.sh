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

# Runs two commands alternately, $runs times each, so that a machine whose speed drifts slows both
# alike; prints each one's median wall time, its best time and its largest peak RSS (GNU time).
measure_pair() { # label1, label2, then the two commands as strings
    label1=$1; label2=$2; cmd1=$3; cmd2=$4
    : >"$tools/t1.txt"; : >"$tools/t2.txt"
    for i in $(seq "$runs"); do
        once "$cmd1" >>"$tools/t1.txt"
        once "$cmd2" >>"$tools/t2.txt"
    done
    summary "$label1" "$tools/t1.txt"
    summary "$label2" "$tools/t2.txt"
}

once() { # command as a string: prints its wall time in seconds (from nanosecond clocks) and peak RSS in KB
    start=$(date +%s%N)
    # shellcheck disable=SC2086
    /usr/bin/time -f "%M" $1 >/dev/null 2>"$tools/time.txt" || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000 )) $(tail -n 1 "$tools/time.txt")" | awk '{ printf "%.3f %s\n", $1 / 1e6, $2 }'
}

summary() { # label, file of "seconds kilobytes" lines
    sort -n "$2" | awk -v label="$1" '{ t[NR] = $1; if ($2 > m) m = $2 }
        END { printf "%-28s median %6.3f s   best %6.3f s   peak %7.1f MB\n", label, t[int((NR + 1) / 2)], t[1], m / 1024 }'
}

echo "$(echo "$files" | wc -l) files from $corpus, $runs runs each, the two tools alternating"
all=$(echo "$files" | tr '\n' ' ')
measure_pair "harden fix --diff (all)" "dclint --fix-dry-run (all)" \
    "./harden fix --diff --profile strict $all" "$dclint --fix-dry-run $all"
measure_pair "harden fix --diff (one)" "dclint --fix-dry-run (one)" \
    "./harden fix --diff --profile strict $small" "$dclint --fix-dry-run $small"
