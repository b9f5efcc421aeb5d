#!/bin/sh
# test_github_action.sh — hooks/ci/github/action.yml: the file is a composite action with the
# inputs its steps use, and its shell steps, run as a runner would run them (GITHUB_ENV,
# GITHUB_OUTPUT, the step's env), write the SARIF, report the exit code as an output, and fail
# the verdict step on findings only. The upload step is GitHub's own action and is not run.
. "$(dirname "$0")/lib.sh"
need_python
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml not found: test skipped"
command -v bash >/dev/null 2>&1 || skip "bash not found: test skipped"
TOP=$(cd "$HERE/../.." && pwd)
BIN=$(cd "$(dirname "$PARAPET")" && pwd)/$(basename "$PARAPET")
mkdir -p "$T/bin" "$T/ws"
ln -s "$BIN" "$T/bin/parapet"
cp "$TOP/examples/web-stack.yaml" "$T/ws/"
printf 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSubnetGroupName: private\n      PubliclyAccessible: false\n' > "$T/ok.yaml"
python3 - "$TOP/hooks/ci/github/action.yml" "$T" <<'PY' || fail "action.yml is not a composite action with those steps"
import json, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
assert a["runs"]["using"] == "composite"
ids = [s.get("id") for s in a["runs"]["steps"]]
assert "check" in ids and any("upload-sarif" in s.get("uses", "") for s in a["runs"]["steps"])
for i, s in enumerate(a["runs"]["steps"]):
    if "run" in s:
        open(f"{sys.argv[2]}/step{i}.sh", "w").write(s["run"])
        env = {k: v for k, v in (s.get("env") or {}).items()}
        json.dump(env, open(f"{sys.argv[2]}/step{i}.env.json", "w"))
json.dump(sorted(a["inputs"]), open(f"{sys.argv[2]}/inputs.json", "w"))
PY
for f in "$T"/step*.sh; do bash -n "$f" || fail "$f: bash syntax"; done
run_step() { # run_step N PATHS → exit code; env from the step's env with inputs filled in
    n=$1; paths=$2
    ( cd "$T/ws" && export PATH="$T/bin:$PATH" GITHUB_ENV="$T/env" GITHUB_OUTPUT="$T/out" \
        GITHUB_ACTION_PATH="$TOP/hooks/ci/github" PATHS="$paths" ARGS="" SARIF="parapet.sarif" \
        RC="$(sed -n 's/^exit-code=//p' "$T/out" | tail -n 1)" && . "$T/env.sh" &&
      bash -e "$T/step$n.sh" ) > "$T/step$n.log" 2>&1
}
: > "$T/env"; : > "$T/out"; : > "$T/env.sh"
run_step 0 . || fail "build step: $(cat "$T/step0.log")"
grep -q "^PARAPET=$T/bin/parapet" "$T/env" || fail "build step did not find parapet on PATH: $(cat "$T/env")"
sed 's/^\(PARAPET\)=\(.*\)$/export \1="\2"/' "$T/env" > "$T/env.sh"
run_step 1 . || fail "check step failed: $(cat "$T/step1.log")"
grep -q '^exit-code=1$' "$T/out" || fail "check step: exit-code output: $(cat "$T/out")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"][0]["results"]' "$T/ws/parapet.sarif" ||
    fail "check step: no SARIF with results"
if run_step 3 .; then fail "verdict step passed with findings"; fi
# A clean run: exit-code 0 and the verdict passes.
cp "$T/ok.yaml" "$T/ws/clean.yaml"; rm "$T/ws/web-stack.yaml"
: > "$T/out"
run_step 1 clean.yaml || fail "check step (clean) failed: $(cat "$T/step1.log")"
grep -q '^exit-code=0$' "$T/out" || fail "clean check: exit-code output: $(cat "$T/out")"
run_step 3 . || fail "verdict step failed on a clean run: $(cat "$T/step3.log")"
echo "github action: all checks passed"
