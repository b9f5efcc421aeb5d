#!/bin/sh
# The differential harness's comparison logic on canned outputs (no cfn-guard, no parapet
# run, no network): a cfn-guard 3.1.1 JSON result for CT.RDS.PR.23 on a 4-resource template,
# and three Parapet results — agreeing, disagreeing, and disagreeing with the difference
# listed in a known-differences file. Asserts the exit codes and the extracted verdicts.
set -u
here=$(cd "$(dirname "$0")" && pwd)
d="$here/selftest"
cmp="python3 $here/compare.py CT.RDS.PR.23 AWS::RDS::DBInstance $d/template.json $d/guard.json"
fail=0
expect() {   # expect NAME WANTED_EXIT GREP_PATTERN -- command...
  name=$1 want=$2 pat=$3; shift 4
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ]; then echo "selftest: $name: exit $rc, wanted $want"; echo "$out"; fail=1; return; fi
  if ! printf '%s\n' "$out" | grep -q -- "$pat"; then
    echo "selftest: $name: output lacks '$pat'"; echo "$out"; fail=1; return; fi
  echo "selftest: $name ok"
}
# Guard's non-compliant set is {StringFalse, Unset}; the KMS key is not an evaluated type.
expect agree 0 '3 resources, 3 agree, 0 explained, 0 disagree' -- $cmp "$d/parapet-agree.json"
expect disagree 1 'DISAGREE template.json StringFalse guard=FAIL parapet=PASS' -- $cmp "$d/parapet-disagree.json"
expect explained 0 '1 explained, 0 disagree' -- $cmp "$d/parapet-disagree.json" "$d/known-explains.json"
expect usage 2 'usage\|compare.py' -- python3 "$here/compare.py"
[ $fail = 0 ] && echo "difftest selftest: all passed"
exit $fail
