#!/bin/sh
# test_junit_schema.sh — `check --format junit` is valid under the Jenkins junit-10 schema
# (tests/fixtures/junit/jenkins-junit-10.xsd, checked with xmllint) for a failing run, a run
# with suppressed and skipped verdicts, a clean run and several files; its totals are the JSON
# summary's (tests = every verdict, failures = failed + unknown, errors, skipped = skipped +
# suppressed); and a clean run is passing test cases, not an empty tests="0" report.
. "$(dirname "$0")/lib.sh"
need_python
command -v xmllint >/dev/null 2>&1 || skip "xmllint not found (Debian: libxml2-utils): test skipped"
XSD="$HERE/../fixtures/junit/jenkins-junit-10.xsd"
IN="$HERE/../cases/check/inputs"
TOP="$HERE/../.."
printf 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSubnetGroupName: private\n      PubliclyAccessible: false\n' > "$T/clean.yaml"

run() { # run NAME ARGS… → $T/NAME.xml and $T/NAME.json
    n=$1; shift
    "$PARAPET" check --format junit "$@" > "$T/$n.xml"
    "$PARAPET" check --format json "$@" > "$T/$n.json"
    xmllint --noout --schema "$XSD" "$T/$n.xml" 2> "$T/$n.err" ||
        fail "$n: not valid junit-10: $(cat "$T/$n.err")"
    python3 - "$T/$n.xml" "$T/$n.json" "$n" <<'PY' || fail "$n: JUnit totals differ from the summary"
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
s = json.load(open(sys.argv[2]))["summary"]
cases = root.findall("./testsuite/testcase")
want = {"tests": s["failed"] + s["passed"] + s["skipped"] + s["suppressed"] + s["errors"] + s["unknown"] + s["input_errors"],
        "failures": s["failed"] + s["unknown"], "errors": s["errors"] + s["input_errors"]}
got = {k: int(root.get(k)) for k in want}
skipped = sum(int(ts.get("skipped")) for ts in root.findall("testsuite"))
ok = got == want and len(cases) == want["tests"] and skipped == s["skipped"] + s["suppressed"]
ok = ok and want["tests"] > 0
if not ok:
    print(sys.argv[3], "junit", got, "cases", len(cases), "skipped", skipped, "summary", s)
    sys.exit(1)
PY
}
run failing "$TOP/examples/web-stack.yaml"
run suppressed --pack network "$IN/suppress.yaml"
run clean --pack network "$T/clean.yaml"
[ "$(json_get "$T/clean.json" 'd["summary"]["failed"]')" = 0 ] || fail "clean template has failures"
grep -q '<failure' "$T/clean.xml" && fail "clean run has a failure element"
run several "$TOP/examples/web-stack.yaml" "$TOP/examples/private-stack.json"
[ "$(grep -c '<testsuite ' "$T/several.xml")" = 2 ] || fail "several files: one testsuite each"
# A malformed template is an errored test case (and the report is still written).
printf 'Resources: [unclosed\n' > "$T/bad.yaml"
run bad "$T/bad.yaml" "$TOP/examples/web-stack.yaml"
grep -q 'name="input"' "$T/bad.xml" || fail "bad input: no errored test case"
run onlybad "$T/bad.yaml"
[ "$(python3 -c 'import sys,xml.etree.ElementTree as E; print(E.parse(sys.argv[1]).getroot().get("errors"))' "$T/onlybad.xml")" = 1 ] ||
    fail "one bad file: the report does not count it"
echo "junit schema: all checks passed"
