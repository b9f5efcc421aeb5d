#!/bin/sh
# Integration tests: every tests/integration/test_*.sh, given $PARAPET (the binary under
# test). A test exits 0 (pass), 77 (skipped: it prints what is missing) or anything else (fail).
set -u
cd "$(dirname "$0")/../.."
: "${PARAPET:=build/parapet}"
export PARAPET
pass=0; fail=0; skip=0
for t in tests/integration/test_*.sh; do
  [ -e "$t" ] || continue
  out=$(sh "$t" 2>&1); rc=$?
  case $rc in
    0) pass=$((pass + 1)) ;;
    77) skip=$((skip + 1)); echo "SKIP $t: $out" ;;
    *) fail=$((fail + 1)); echo "FAIL $t (exit $rc)"; echo "$out" | sed 's/^/    /' | tail -40 ;;
  esac
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
