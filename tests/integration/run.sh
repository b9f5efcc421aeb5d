#!/bin/sh
# run.sh — runs every tests/integration/test_*.sh with $PARAPET set to the binary under test.
# A test exits 0 (pass), 77 (skipped, e.g. python3 missing) or anything else (fail).
# Prints "N passed, N failed" (and skips) and exits non-zero when a test failed.
here=$(cd "$(dirname "$0")" && pwd)
: "${PARAPET:=$here/../../build/parapet}"
export PARAPET
pass=0 fail=0 skip=0
for t in "$here"/test_*.sh; do
    [ -e "$t" ] || continue
    name=$(basename "$t" .sh)
    out=$(sh "$t" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); echo "ok   $name"
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1)); echo "skip $name: $(printf '%s\n' "$out" | tail -n 1)"
    else
        fail=$((fail + 1)); echo "FAIL $name (exit $rc)"
        printf '%s\n' "$out" | tail -n 30 | sed 's/^/     /'
    fi
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail -eq 0 ]
