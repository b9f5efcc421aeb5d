#!/bin/sh
# The demo run (check on examples/) is valgrind-clean: no invalid access, no leak.
# Skipped under sanitizers (they replace the allocator) and when valgrind is missing.
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 77; }
case "$PARAPET" in *asan*) echo "not under ASan (valgrind and ASan exclude each other)"; exit 77;; esac
[ -n "${PARAPET_VALGRIND_BIN:-}" ] && { echo "make valgrind runs every test under memcheck already"; exit 77; }
log=$(mktemp)
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect -q "$PARAPET" check examples/web-stack.yaml \
  examples/private-stack.json examples/cdk-synth.json >/dev/null 2>"$log"
rc=$?
if [ "$rc" -ne 1 ]; then cat "$log"; rm -f "$log"; echo "expected exit 1 (findings), got $rc"; exit 1; fi
rm -f "$log"
