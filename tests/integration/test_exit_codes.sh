#!/bin/sh
# Exit codes of the contract: 0 nothing failing, 1 failing findings, 2 usage/input error.
set -u
"$PARAPET" check --pack network examples/private-stack.json >/dev/null; [ $? -eq 0 ] || { echo "compliant template: want 0"; exit 1; }
"$PARAPET" check examples/web-stack.yaml >/dev/null; [ $? -eq 1 ] || { echo "failing template: want 1"; exit 1; }
"$PARAPET" check --no-such-option x >/dev/null 2>&1; [ $? -eq 2 ] || { echo "bad option: want 2"; exit 1; }
"$PARAPET" check >/dev/null 2>&1; [ $? -eq 2 ] || { echo "no file: want 2"; exit 1; }
"$PARAPET" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || { echo "unknown command: want 2"; exit 1; }
d=$(mktemp -d); printf 'return {id = "x"}\n' > "$d/bad.lua"
err=$("$PARAPET" check --rules "$d" examples/private-stack.json 2>&1 >/dev/null); rc=$?
rm -rf "$d"
[ $rc -eq 2 ] || { echo "bad rule file: want 2, got $rc"; exit 1; }
case "$err" in *bad.lua*"expected a 'title'"*) ;; *) echo "rule load error should name the file: $err"; exit 1;; esac
"$PARAPET" check --help | grep -q -- '--fail-on' || { echo "--help lists options"; exit 1; }
"$PARAPET" help check | grep -q -- '--params-file' || { echo "help check works"; exit 1; }
exit 0
