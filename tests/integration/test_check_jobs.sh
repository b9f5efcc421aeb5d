#!/bin/sh
# check --jobs N: a large template evaluated by several rule sets on their own threads gives
# byte for byte the report of one rule set, in every format and with --show-passed; stale-
# suppression warnings appear once; bad --jobs values are usage errors.
. "$(dirname "$0")/lib.sh"
need_python
python3 "$ROOT/tests/bench/gen_network.py" 1300 "$T/big.json" || fail "generator"
# one resource with a suppression naming no rule, in the last part
python3 - "$T/big.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
d["Resources"]["ZzLast"] = {"Type": "AWS::S3::Bucket", "Metadata": {"parapet": {"suppress": [
    {"rule": "no-such-rule", "reason": "stale"}]}}}
json.dump(d, open(sys.argv[1], "w"))
PY
for fmt in text json sarif junit; do
    for extra in "" "--show-passed"; do
        "$PARAPET" check --jobs 1 $extra --format "$fmt" "$T/big.json" > "$T/one.out" 2> "$T/one.err"
        rc1=$?
        "$PARAPET" check --jobs 4 $extra --format "$fmt" "$T/big.json" > "$T/four.out" 2> "$T/four.err"
        rc4=$?
        [ $rc1 = $rc4 ] || fail "$fmt $extra: exit $rc1 with one rule set, $rc4 with four"
        cmp -s "$T/one.out" "$T/four.out" || fail "$fmt $extra: reports differ"
        cmp -s "$T/one.err" "$T/four.err" || fail "$fmt $extra: stderr differs: $(diff "$T/one.err" "$T/four.err" | head -5)"
    done
done
"$PARAPET" check --jobs 4 "$T/big.json" > "$T/four.txt" 2>&1
[ "$(grep -c "suppression of 'no-such-rule' matches no rule" "$T/four.txt")" = 1 ] ||
    fail "stale suppression warning: $(grep -i warn "$T/four.txt")"
"$PARAPET" check --jobs 4 --verbose "$T/big.json" > /dev/null 2> "$T/verbose.err"
grep -q "1301 resources in 4 parts" "$T/verbose.err" || fail "not split: $(cat "$T/verbose.err")"
"$PARAPET" check --jobs 1 --verbose "$T/big.json" > /dev/null 2> "$T/verbose.err"
! grep -q "parts" "$T/verbose.err" || fail "--jobs 1 split the work: $(cat "$T/verbose.err")"
# all resources counted, findings from every part
"$PARAPET" check --jobs 4 --format json "$T/big.json" > "$T/four.json"
python3 - "$T/four.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
if d["summary"]["resources"] != 1301:
    sys.exit("FAIL: resources %d" % d["summary"]["resources"])
ids = {f["resource"] for f in d["findings"]}
if len(ids) < 300:
    sys.exit("FAIL: only %d resources with findings" % len(ids))
PY
for bad in 0 9 x ""; do
    "$PARAPET" check --jobs "$bad" "$T/big.json" > /dev/null 2> "$T/bad.err"; rc=$?
    [ $rc = 2 ] || fail "--jobs '$bad' exited $rc"
    grep -q -- "--jobs" "$T/bad.err" || fail "--jobs '$bad': $(cat "$T/bad.err")"
done
exit 0
