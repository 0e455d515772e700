#!/usr/bin/env bash
# Every output harden gives over the whole corpus (rules text/markdown/each rule; check text, JSON,
# SARIF, Markdown; fix --diff; fix in place with the tree's hashes; the re-check), for each shipped
# profile, so that a change meant to keep output identical can be proven byte for byte:
#   src/test/sh/corpus-outputs.sh before.jar /tmp/before && src/test/sh/corpus-outputs.sh target/harden.jar /tmp/after
#   diff -r /tmp/before /tmp/after
# Usage: corpus-outputs.sh JAR OUTDIR [CORPUS]   (CORPUS defaults to ../shared/corpus beside the checkout)
set -u
JAR=$(readlink -f "$1"); OUT=$(readlink -m "$2")
rm -rf "$OUT"; mkdir -p "$OUT"
CORPUS=$(readlink -f "${3:-$(dirname "$0")/../../../../shared/corpus}")
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 2; }
W=$(mktemp -d /tmp/corpus-outputs.XXXX)
H="java -Dharden.loopbackRegistriesOnly=true -jar $JAR"
norm() { sed -E 's/\(commit [0-9a-f]+\)//g; s/"version": *"[^"]*"/"version":"X"/g; s/"semanticVersion": *"[^"]*"/"semanticVersion":"X"/g'; }
java -jar "$JAR" rules > "$OUT/rules.txt" 2>&1; echo "rc=$?" >> "$OUT/rules.txt"
java -jar "$JAR" rules --format markdown > "$OUT/rules.md" 2>&1
for r in $(grep -oE "^[a-z0-9]+(-[a-z0-9]+)+" "$OUT/rules.txt" | sort -u); do
  java -jar "$JAR" rules "$r" > "$OUT/rule-$r.txt" 2>&1
done
for p in baseline restricted strict; do
  rm -rf "$W/c"; cp -r "$CORPUS" "$W/c"; chmod -R u+w "$W/c"; cd "$W/c"
  for f in text json sarif markdown; do
    $H check --profile $p --format $f . 2>"$OUT/check-$p.$f.err" | norm > "$OUT/check-$p.$f"; echo "rc=${PIPESTATUS[0]}" >> "$OUT/check-$p.$f.err"
  done
  $H fix --diff --profile $p . > "$OUT/fixdiff-$p.patch" 2>"$OUT/fixdiff-$p.err"; echo "rc=$?" >> "$OUT/fixdiff-$p.err"
  $H fix --profile $p . > "$OUT/fix-$p.out" 2>&1; echo "rc=$?" >> "$OUT/fix-$p.out"
  (cd "$W/c" && find . -type f | sort | xargs sha256sum) > "$OUT/tree-$p.sha"
  $H check --profile $p --format json . 2>&1 | norm > "$OUT/recheck-$p.json"
  cd /; done
rm -rf "$W"
