#!/bin/sh
# Start-up of two builds of harden on one small file, alternating run by run so that a machine whose
# speed drifts slows both alike. Each jar runs through this checkout's ./harden launcher in a folder
# of its own, so each gets the launcher's JVM options and an AppCDS archive made from its own classes.
# CPU time (user + system, in GNU time's 10 ms steps, hence also its mean) is printed beside wall
# time: on a busy machine it varies less.
# Needs GNU time (/usr/bin/time). Usage: src/test/sh/bench-startup.sh BEFORE.jar AFTER.jar [RUNS]   (default 31)
set -e
cd "$(dirname "$0")/../../.."
before=$1
after=$2
runs=${3:-31}
if [ ! -f "$before" ] || [ ! -f "$after" ]; then
    echo "usage: $0 BEFORE.jar AFTER.jar [RUNS]" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small=$(pwd)/examples/compose/shop/compose.yaml
for side in before after; do
    mkdir -p "$work/$side/target"
    cp harden "$work/$side/harden"
    ln -s "$(pwd)/examples" "$work/$side/examples"
done
cp "$before" "$work/before/target/harden.jar"
cp "$after" "$work/after/target/harden.jar"
for side in before after; do
    "$work/$side/harden" --version >/dev/null   # makes the AppCDS archive outside the measurement
done

once() { # launcher, then harden's arguments: prints the wall time (nanosecond clocks) and the CPU time (user + system), in seconds
    start=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000 )) $(tail -n 1 "$work/time.txt")" | awk '{ printf "%.3f %.3f\n", $1 / 1e6, $2 + $3 }'
}

summary() { # label, file of "wall cpu" lines
    sort -n "$2" | awk -v label="$1" '{ t[NR] = $1 } END { printf "%-28s wall median %6.3f s  best %6.3f s", label, t[int((NR + 1) / 2)], t[1] }'
    sort -n -k2 "$2" | awk '{ c[NR] = $2; s += $2 } END { printf "   CPU median %6.3f s  mean %6.3f s\n", c[int((NR + 1) / 2)], s / NR }'
}

echo "$runs runs each of one file ($small), the two builds alternating"
for cmd in "check" "fix --diff"; do
    : >"$work/before.txt"; : >"$work/after.txt"
    for i in $(seq "$runs"); do
        # shellcheck disable=SC2086
        once "$work/before/harden" $cmd "$small" >>"$work/before.txt"
        # shellcheck disable=SC2086
        once "$work/after/harden" $cmd "$small" >>"$work/after.txt"
    done
    summary "before: harden $cmd" "$work/before.txt"
    summary "after:  harden $cmd" "$work/after.txt"
done
