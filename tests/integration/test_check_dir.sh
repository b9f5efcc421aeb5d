#!/bin/sh
# test_check_dir.sh — `parapet check DIR`: the folder is walked for templates in sorted order;
# JSON/YAML that is not CloudFormation is skipped with a note; node_modules and hidden folders
# are not entered; a cdk.out cloud assembly contributes only the stacks its manifest lists
# (nested assemblies followed); .parapet.yaml `exclude` globs leave paths out; a folder with no
# template exits 2.
. "$(dirname "$0")/lib.sh"
need_python
D="$T/repo"
mkdir -p "$D/infra/net" "$D/node_modules/pkg" "$D/.git" "$D/cdk.out/assembly-Stage" "$D/legacy"
sg='{"Resources":{"Sg":{"Type":"AWS::EC2::SecurityGroup","Properties":{"GroupDescription":"d","SecurityGroupIngress":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":"0.0.0.0/0"}]}}}}'
printf '%s\n' "$sg" > "$D/infra/net/sg.json"
printf 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n' > "$D/infra/bucket.yaml"
printf '%s\n' "$sg" > "$D/infra/app.template"
printf '{"name": "web", "version": "1.0.0"}\n' > "$D/package.json"
printf 'steps:\n  - run: make\n' > "$D/infra/ci.yml"
printf '%s\n' "$sg" > "$D/node_modules/pkg/t.json"
printf '%s\n' "$sg" > "$D/.git/t.json"
printf '%s\n' "$sg" > "$D/legacy/old.json"
printf '%s\n' "$sg" > "$D/cdk.out/Api.template.json"
printf '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}, "note": "an asset"}\n' > "$D/cdk.out/asset.abc.json"
printf '{"version":"36.0.0","artifacts":{"Api":{"type":"aws:cloudformation:stack","properties":{"templateFile":"Api.template.json"}},"assembly-Stage":{"type":"cdk:cloud-assembly","properties":{"directoryName":"assembly-Stage"}},"Tree":{"type":"cdk:tree","properties":{"file":"tree.json"}}}}\n' > "$D/cdk.out/manifest.json"
printf '%s\n' "$sg" > "$D/cdk.out/assembly-Stage/StageDb.template.json"
printf '{"version":"36.0.0","artifacts":{"StageDb":{"type":"aws:cloudformation:stack","properties":{"templateFile":"StageDb.template.json"}}}}\n' > "$D/cdk.out/assembly-Stage/manifest.json"
printf 'exclude: [legacy/]\n' > "$D/.parapet.yaml"

(cd "$D" && "$PARAPET" check --pack network --format json .) > "$T/out.json" 2> "$T/err"
rc=$?
[ $rc = 1 ] || fail "check DIR: exit $rc, want 1 (findings): $(cat "$T/err")"
python3 - "$T/out.json" <<'PY' || fail "check DIR: wrong set of files: $(cat "$T/out.json" | head -c 600)"
import json, sys
d = json.load(open(sys.argv[1]))
files = sorted({f["file"] for f in d["findings"]})
want = ["./cdk.out/Api.template.json", "./cdk.out/assembly-Stage/StageDb.template.json",
        "./infra/app.template", "./infra/net/sg.json"]
ok = files == want and d["summary"]["files"] == 5   # bucket.yaml has no finding in the pack
if not ok:
    print(files, d["summary"])
sys.exit(0 if ok else 1)
PY
grep -q 'package.json: skipped' "$T/err" || fail "package.json not noted as skipped: $(cat "$T/err")"
grep -q 'ci.yml: skipped' "$T/err" || fail "ci.yml not noted as skipped"
grep -q 'node_modules\|\.git/\|legacy\|asset\.abc' "$T/err" "$T/out.json" && fail "walked into a folder it must not"
# A named file is checked even if it does not look like a template (here: an input error).
"$PARAPET" check "$D/package.json" > /dev/null 2>&1
[ $? = 2 ] || fail "named non-template file: want exit 2"
mkdir -p "$T/empty"
printf '{"a": 1}\n' > "$T/empty/x.json"
"$PARAPET" check "$T/empty" > /dev/null 2> "$T/err2"
[ $? = 2 ] || fail "folder without templates: want exit 2"
grep -q 'no template was checked' "$T/err2" || fail "folder without templates: $(cat "$T/err2")"
echo "check-dir: all checks passed"
