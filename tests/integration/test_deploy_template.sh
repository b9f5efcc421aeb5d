#!/bin/sh
# hooks/deploy/parapet-hook.yaml, the template that installs the hook, passes `parapet check`
# with every built-in pack (each suppression carries its reason) and, when cfn-lint is on the
# machine, cfn-lint. A stale suppression (a rule id that no longer exists) or a new control the
# template breaks makes this fail.
. "$(dirname "$0")/lib.sh"
need_python
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
python3 - "$TPL" "$ROOT"/engine/store/state_ddb*.c <<'PY' || fail "state table"
import re, sys, yaml
class L(yaml.SafeLoader):
    pass
L.add_multi_constructor("!", lambda l, suffix, n: {"!" + suffix: l.construct_scalar(n) if isinstance(n, yaml.ScalarNode) else l.construct_sequence(n) if isinstance(n, yaml.SequenceNode) else l.construct_mapping(n)})
t = yaml.load(open(sys.argv[1]), Loader=L)
r = t["Resources"]
tab = r["StateTable"]
assert tab["Type"] == "AWS::DynamoDB::Table" and tab["Condition"] == "Notify"
p = tab["Properties"]
assert p["BillingMode"] == "PAY_PER_REQUEST", p
assert p["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
assert p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
assert p["SSESpecification"]["SSEEnabled"] is True
assert {k["AttributeName"]: k["KeyType"] for k in p["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
env = r["Function"]["Properties"]["Environment"]["Variables"]
assert "${StateTable}" in str(env["PARAPET_STATE"]) and "dynamodb://" in str(env["PARAPET_STATE"]), env
# the actions the backend calls (TransactWriteItems is authorised per item as Put/Update/Delete)
src = "".join(open(f).read() for f in sys.argv[2:])   # state_ddb.c and state_ddb_outbox.c
ops = set(re.findall(r'"(DescribeTable|GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|TransactWriteItems|BatchWriteItem|BatchGetItem)"', src))
ops |= {x + "Item" for x in re.findall(r'"(Put|Update|Delete|ConditionCheck)"', src)}
ops.discard("TransactWriteItems")
ops.discard("Scan")   # only pp_state_outbox_count over every destination, which Lambda mode never asks
stmts = [s for pol in r["FunctionRole"]["Properties"]["Policies"] if isinstance(pol, dict) and "!If" in pol
         for s in [pol["!If"][1]] if isinstance(s, dict) and s.get("PolicyName") == "state-table"]
assert len(stmts) == 1, "no state-table policy"
st = stmts[0]["PolicyDocument"]["Statement"]
granted = {a.split(":", 1)[1] for x in st for a in x["Action"]}
assert granted == ops, (sorted(granted), sorted(ops))
assert all(x["Resource"] == {"!GetAtt": "StateTable.Arn"} for x in st), st
PY
if command -v cfn-lint >/dev/null 2>&1; then
    cfn-lint "$TPL" > "$T/lint.out" 2>&1 || fail "cfn-lint: $(cat "$T/lint.out")"
else
    echo "cfn-lint not found: the cfn-lint half of this test was skipped"
fi
exit 0
