#!/bin/sh
# test_pre_commit.sh — .pre-commit-hooks.yaml with the real pre-commit framework (Debian:
# pre-commit): `pre-commit try-repo` of this checkout runs the parapet-check hook in a scratch
# repository; a non-compliant template fails the hook and names the rule, package.json and a
# CI YAML file are skipped (not failed), a compliant template passes.
. "$(dirname "$0")/lib.sh"
command -v pre-commit >/dev/null 2>&1 || skip "pre-commit not found (Debian: pre-commit): test skipped"
command -v git >/dev/null 2>&1 || skip "git not found: test skipped"
TOP=$(cd "$HERE/../.." && pwd)
git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1 || skip "$TOP is not a git checkout: test skipped"
BIN=$(cd "$(dirname "$PARAPET")" && pwd)
# the hook runs `parapet`: the binary under test, first on PATH
mkdir -p "$T/bin"
ln -s "$BIN/$(basename "$PARAPET")" "$T/bin/parapet"
export PATH="$T/bin:$PATH" PRE_COMMIT_HOME="$T/pc" GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global user.email t@example.com
git config --global user.name t
git config --global init.defaultBranch main
R="$T/repo"
mkdir -p "$R" && cd "$R" && git init -q .
printf '{"name": "web", "version": "1.0.0"}\n' > package.json
printf 'steps:\n  - run: make\n' > ci.yml
printf 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSubnetGroupName: private\n      PubliclyAccessible: false\n' > ok.yaml
git add . && git commit -qm init
pre-commit try-repo "$TOP" parapet-check --all-files > "$T/pass.out" 2>&1 ||
    fail "compliant files: hook failed: $(tail -20 "$T/pass.out")"
printf 'Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSubnetGroupName: private\n      PubliclyAccessible: true\n' > bad.yaml
git add bad.yaml
if pre-commit try-repo "$TOP" parapet-check --all-files > "$T/fail.out" 2>&1; then
    fail "public database: hook passed: $(tail -20 "$T/fail.out")"
fi
grep -q 'rds-instance-not-public\|PubliclyAccessible' "$T/fail.out" ||
    fail "the failing hook does not name the rule: $(tail -20 "$T/fail.out")"
grep -q 'package.json: skipped' "$T/fail.out" || fail "package.json not skipped: $(tail -20 "$T/fail.out")"
echo "pre-commit: all checks passed"
