#!/usr/bin/env bash
# The whole-corpus sweep for each shipped profile: fix in place, then check (no fixable finding may
# remain), fix again (nothing may change), and fix --diff applied with git apply (the same tree).
# Usage: corpus-sweep.sh JAR [CORPUS]   (CORPUS defaults to ../shared/corpus beside the checkout)
JAR=$(readlink -f "$1")
CORPUS=$(readlink -f "${2:-$(dirname "$0")/../../../../shared/corpus}")
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 2; }
H="java -Dharden.loopbackRegistriesOnly=true -jar $JAR"
for p in baseline restricted strict; do
  W=$(mktemp -d); cp -r "$CORPUS" "$W/a"; chmod -R u+w "$W/a"; cp -r "$W/a" "$W/b"
  (cd "$W/a" && git init -q && git add -A && git -c user.email=a@b -c user.name=a commit -qm base)
  (cd "$W/a" && $H fix --profile $p . >/dev/null 2>&1; echo "fix rc=$?" ) > "$W/log"
  fixable=$(cd "$W/a" && $H check --profile $p . 2>/dev/null | grep -c "(fixable)")
  (cd "$W/a" && git add -A && git -c user.email=a@b -c user.name=a commit -qm fixed)
  (cd "$W/a" && $H fix --profile $p . >/dev/null 2>&1); second=$(cd "$W/a" && git status --porcelain | wc -l)
  (cd "$W/b" && git init -q && git add -A && git -c user.email=a@b -c user.name=a commit -qm base && $H fix --diff --profile $p . > ../p.patch 2>/dev/null; git apply --whitespace=nowarn ../p.patch && git add -A)
  same=$(diff -r -x .git "$W/a" "$W/b" >/dev/null && echo same || echo DIFFERENT)
  echo "$p: $(cat $W/log); open fixable after fix: $fixable; files changed by second fix: $second; diff+apply vs in-place: $same"
  rm -rf "$W"
done
