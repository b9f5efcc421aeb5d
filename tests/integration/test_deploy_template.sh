#!/bin/sh
# hooks/deploy/parapet-hook.yaml, the template that installs the hook, passes `parapet check`
# with every built-in pack (each suppression carries its reason) and, when cfn-lint is on the
# machine, cfn-lint. A stale suppression (a rule id that no longer exists) or a new control the
# template breaks makes this fail.
. "$(dirname "$0")/lib.sh"
need_python
ROOT=$(cd "$HERE/../.." && pwd)
TPL="$ROOT/hooks/deploy/parapet-hook.yaml"
"$PARAPET" check --format json "$TPL" > "$T/out.json"; rc=$?
[ $rc = 0 ] || fail "parapet check exited $rc: $(cat "$T/out.json")"
python3 - "$T/out.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
bad = [f for f in d["findings"] if f["status"] in ("FAIL", "UNKNOWN", "ERROR")]
if bad:
    sys.exit("FAIL: findings: %s" % [(f["rule_id"], f["resource"]) for f in bad])
sup = [f for f in d["findings"] if f["status"] == "SUPPRESSED"]
# the three documented suppressions, and each one is used (a stale id would leave a FAIL
# above or a suppression that matches nothing here)
want = {("ct-lambda-pr-3", "Function"), ("ct-cloudwatch-pr-2", "LogGroup"),
        ("ct-cloudwatch-pr-3", "LogGroup")}
got = {(f["rule_id"], f["resource"]) for f in sup}
if got != want:
    sys.exit("FAIL: suppressed %s, expected %s" % (sorted(got), sorted(want)))
for f in sup:
    if not f.get("suppress_reason", "").strip():
        sys.exit("FAIL: suppression without a reason: %s" % f)
PY
if command -v cfn-lint >/dev/null 2>&1; then
    cfn-lint "$TPL" > "$T/lint.out" 2>&1 || fail "cfn-lint: $(cat "$T/lint.out")"
else
    echo "cfn-lint not found: the cfn-lint half of this test was skipped"
fi
exit 0
