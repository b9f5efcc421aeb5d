#!/bin/sh
# The AWS credential chain (engine/net/creds.c), one source at a time, against the loopback
# stand-in fake/aws_stub.py, which checks every SigV4 signature against the keys it knows and
# the keys it issued. Each case runs `parapet explain --stack ok --verbose` and asserts which
# access key signed the CloudFormation call:
#   environment; env beats AWS_PROFILE; --profile beats env; static keys of a profile;
#   role_arn + source_profile → STS AssumeRole (external_id, duration_seconds,
#   role_session_name); mfa_serial refused; web identity; credential_process (and bad JSON:
#   exit 2, the output not echoed); SSO token cache → portal; an expired SSO token; the
#   container endpoint (token file; a FULL_URI host outside the allowed list); IMDSv2 (PUT
#   token first); AWS_EC2_METADATA_DISABLED; expiry refresh; per-service endpoint variables;
#   and no secret in any output, --verbose included, or in the state database.
. "$(dirname "$0")/lib.sh"
need_python
need_kb
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset PARAPET_AI

ENV_SECRET='envSECRET/abcdefghijklmnopqrstuvwxyz0123'
PROF_SECRET='profSECRET/abcdefghijklmnopqrstuvwxyz012'
PROC_SECRET='procSECRET/abcdefghijklmnopqrstuvwxyz012'
ARN='arn:aws:cloudformation:eu-west-1:111122223333:stack/ok/1'
python3 - "$T/scen.json" "$ARN" "$ENV_SECRET" "$PROF_SECRET" "$PROC_SECRET" <<'PY'
import json, sys
out, arn, es, ps, cs = sys.argv[1:6]
def ev(i, lid, typ, st, why=None):
    e = dict(StackId=arn, EventId="ok-%d" % i, StackName="ok", LogicalResourceId=lid,
             PhysicalResourceId=lid, ResourceType=typ, Timestamp="2024-05-01T10:00:%02dZ" % i,
             ResourceStatus=st)
    if why: e["ResourceStatusReason"] = why
    return e
json.dump({"keys": {"AKIDENV": es, "AKIDPROFILE": ps, "AKIDPROC": cs},
           "sso_token": "sso-access-token-VALUE", "container_token": "container-auth-VALUE",
           "web_token": "web-identity-jwt-VALUE", "page_size": 2,
           "stacks": {"ok": [ev(9, "ok", "AWS::CloudFormation::Stack", "CREATE_COMPLETE"),
                             ev(5, "Bucket", "AWS::S3::Bucket", "CREATE_COMPLETE"),
                             ev(1, "ok", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS",
                                "User Initiated")]}}, open(out, "w"))
PY
: > "$T/stub.log"
python3 "$FAKE/aws_stub.py" "$T/stub.port" "$T/stub.log" "$T/scen.json" 2>"$T/stub.err" &
PIDS="$PIDS $!"
wait_file "$T/stub.port" || fail "aws stub did not start: $(cat "$T/stub.err")"
STUB="http://127.0.0.1:$(cat "$T/stub.port")"

mkdir -p "$T/home/.aws/sso/cache"
export HOME="$T/home" AWS_REGION=eu-west-1 AWS_ENDPOINT_URL="$STUB"
export AWS_CONFIG_FILE="$T/config" AWS_SHARED_CREDENTIALS_FILE="$T/credentials"
export AWS_EC2_METADATA_DISABLED=true PARAPET_STATE_DB="$T/state.db"
cat > "$T/credentials" <<EOF
[static]
aws_access_key_id = AKIDPROFILE
aws_secret_access_key = $PROF_SECRET
EOF
: > "$T/config"

N=0
# run [ENV=VALUE…] -- [parapet args…]: explain --stack ok; output in $T/out.N / $T/err.N
run() {
    N=$((N + 1))
    envs=""
    while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
    shift
    # shellcheck disable=SC2086
    env $envs "$PARAPET" explain --stack ok --verbose "$@" > "$T/out.$N" 2> "$T/err.$N"
    RC=$?
    cat "$T/out.$N" "$T/err.$N" >> "$T/all-output"
}
# signer: the access key id of the last DescribeStackEvents request (with its verdict)
signer() {
    python3 - "$T/stub.log" <<'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[1]) if '"DescribeStackEvents"' in l][-1]
print(last["akid"] if last["sig_ok"] else "BAD-SIGNATURE:" + last["why"])
PY
}
expect_signer() {   # CASE PREFIX
    [ "$RC" -eq 0 ] || fail "$1: exit $RC: $(cat "$T/err.$N")"
    s=$(signer)
    case "$s" in "$2"*) ;; *) fail "$1: signed by '$s', expected $2…: $(cat "$T/err.$N")" ;; esac
}

# 1. environment
run AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY="$ENV_SECRET" --
expect_signer environment AKIDENV
grep -q 'No failure found' "$T/out.$N" || fail "environment: $(cat "$T/out.$N")"
grep -q 'credentials from environment' "$T/err.$N" || fail "verbose names the source: $(cat "$T/err.$N")"

# 2. env beats AWS_PROFILE; an explicit --profile beats env (the AWS CLI's rules)
run AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY="$ENV_SECRET" AWS_PROFILE=static --
expect_signer "env beats AWS_PROFILE" AKIDENV
run AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY="$ENV_SECRET" -- --profile static
expect_signer "--profile beats env" AKIDPROFILE

# 3. static keys of a profile; a profile that does not exist
run AWS_PROFILE=static --
expect_signer "static profile" AKIDPROFILE
grep -q 'profile static (static keys)' "$T/err.$N" || fail "static: $(cat "$T/err.$N")"
run -- --profile nosuch
[ "$RC" -eq 2 ] && grep -q "profile 'nosuch' is in neither" "$T/err.$N" || fail "missing profile: $RC $(cat "$T/err.$N")"

# 4. assume role through source_profile
cat > "$T/config" <<'EOF'
[profile deploy]
role_arn = arn:aws:iam::111122223333:role/deployer
source_profile = static
external_id = ext-42
duration_seconds = 1800
role_session_name = parapet-test
region = eu-west-1

[profile mfa]
role_arn = arn:aws:iam::111122223333:role/admin
source_profile = static
mfa_serial = arn:aws:iam::111122223333:mfa/me

[profile loop1]
role_arn = arn:aws:iam::111122223333:role/a
source_profile = loop2

[profile loop2]
role_arn = arn:aws:iam::111122223333:role/b
source_profile = loop1
EOF
run -- --profile deploy
expect_signer "assume role" ASIAROLE
python3 - "$T/stub.log" <<'PY' || fail "AssumeRole request: $(grep AssumeRole "$T/stub.log")"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if '"AssumeRole"' in l][-1]
p = a["params"]
assert a["akid"] == "AKIDPROFILE" and a["sig_ok"], a
assert p["RoleArn"] == "arn:aws:iam::111122223333:role/deployer", p
assert p["ExternalId"] == "ext-42" and p["DurationSeconds"] == "1800", p
assert p["RoleSessionName"] == "parapet-test", p
PY
grep -q 'session token' "$T/err.$N" && fail "verbose mentions a token"
run -- --profile mfa
[ "$RC" -eq 2 ] && grep -q 'MFA code (mfa_serial)' "$T/err.$N" || fail "mfa_serial: $RC $(cat "$T/err.$N")"
run -- --profile loop1
[ "$RC" -eq 2 ] && grep -q 'loops back' "$T/err.$N" || fail "source_profile loop: $RC $(cat "$T/err.$N")"

# 5. web identity from the environment
printf 'web-identity-jwt-VALUE\n' > "$T/web.token"
run AWS_WEB_IDENTITY_TOKEN_FILE="$T/web.token" AWS_ROLE_ARN=arn:aws:iam::111122223333:role/ci --
expect_signer "web identity" ASIAWEB
grep -q 'web identity (arn:aws:iam::111122223333:role/ci)' "$T/err.$N" || fail "web identity source: $(cat "$T/err.$N")"

# 6. credential_process, and one printing bad JSON
cat > "$T/proc.sh" <<EOF
#!/bin/sh
echo run >> "$T/proc.count"
printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s", "Expiration": "%s"}\n' '$PROC_SECRET' "\$(cat "$T/proc.exp")"
EOF
cat > "$T/bad.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "%s",\n' '$PROC_SECRET'
EOF
chmod +x "$T/proc.sh" "$T/bad.sh"
cat >> "$T/config" <<EOF

[profile proc]
credential_process = "$T/proc.sh" --some 'quoted arg'

[profile badproc]
credential_process = $T/bad.sh
EOF
date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ > "$T/proc.exp"
: > "$T/proc.count"
run -- --profile proc
expect_signer credential_process AKIDPROC
[ "$(wc -l < "$T/proc.count")" -eq 1 ] || fail "credential_process ran $(wc -l < "$T/proc.count") times for credentials valid 2 hours"
run -- --profile badproc
[ "$RC" -eq 2 ] || fail "bad credential_process JSON: exit $RC, expected 2"
grep -q 'credential_process of profile badproc: the output is not JSON' "$T/err.$N" || fail "bad JSON message: $(cat "$T/err.$N")"

# 7. expiry refresh: credentials that expire within the refresh window are fetched again
#    before each use (explain --stack makes two DescribeStackEvents calls here: 2 pages)
date -u -d '+60 seconds' +%Y-%m-%dT%H:%M:%SZ > "$T/proc.exp"
: > "$T/proc.count"
run -- --profile proc
expect_signer "refresh" AKIDPROC
[ "$(wc -l < "$T/proc.count")" -ge 2 ] || fail "credentials expiring in 60 s were not refreshed ($(wc -l < "$T/proc.count") runs)"

# 8. IAM Identity Center: sso_session + the CLI's token cache → the portal
cat >> "$T/config" <<'EOF'

[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
EOF
H=$(printf 'corp' | sha1sum | cut -d' ' -f1)
printf '{"accessToken": "sso-access-token-VALUE", "expiresAt": "%s"}' \
    "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" > "$HOME/.aws/sso/cache/$H.json"
run -- --profile sso
expect_signer "sso" ASIASSO
grep '"op": "sso"' "$T/stub.log" | tail -1 | grep -q '"account_id": "111122223333", "role_name": "ReadOnly"}, "token_ok": true' ||
    fail "SSO request: $(grep '"sso"' "$T/stub.log")"
printf '{"accessToken": "sso-access-token-VALUE", "expiresAt": "2020-01-01T00:00:00Z"}' > "$HOME/.aws/sso/cache/$H.json"
run -- --profile sso
[ "$RC" -eq 2 ] && grep -q 'SSO session has expired: run `aws sso login --profile sso`' "$T/err.$N" ||
    fail "expired SSO token: $RC $(cat "$T/err.$N")"

# 9. the ECS container endpoint (FULL_URI on loopback, token file), and a host not allowed
printf 'container-auth-VALUE\n' > "$T/ctoken"
run AWS_CONTAINER_CREDENTIALS_FULL_URI="$STUB/container-creds" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T/ctoken" --
expect_signer container ASIAECS
run AWS_CONTAINER_CREDENTIALS_FULL_URI="http://169.254.169.254.example.com/creds" --
[ "$RC" -eq 2 ] && grep -q 'FULL_URI must use https, or http to a loopback address' "$T/err.$N" ||
    fail "container host check: $RC $(cat "$T/err.$N")"

# 10. IMDSv2: the token is asked for (PUT) before the role's credentials
: > "$T/stub.log"
run AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$STUB" --
expect_signer imds ASIAIMDS
python3 - "$T/stub.log" <<'PY' || fail "IMDS order: $(cat "$T/stub.log")"
import json, sys
ops = [json.loads(l) for l in open(sys.argv[1])]
names = [o["op"] for o in ops]
assert names[:3] == ["imds-token", "imds-get", "imds-get"], names
assert ops[0]["ttl"] == "21600" and all(o["token_ok"] for o in ops[1:3]), ops
PY
run --
[ "$RC" -eq 2 ] && grep -q 'no AWS credentials found.*not instance metadata (AWS_EC2_METADATA_DISABLED)' "$T/err.$N" ||
    fail "nothing configured: $RC $(cat "$T/err.$N")"

# 11. per-service endpoint variables beat AWS_ENDPOINT_URL
run AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ENDPOINT_URL_CLOUDFORMATION="$STUB" AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY="$ENV_SECRET" --
expect_signer "AWS_ENDPOINT_URL_CLOUDFORMATION" AKIDENV
run AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY="$ENV_SECRET" -- --endpoint-url "$STUB"
expect_signer "--endpoint-url" AKIDENV

# 12. no secret anywhere: outputs (with --verbose), the state database
for s in "$ENV_SECRET" "$PROF_SECRET" "$PROC_SECRET" issued- TOKEN- sso-access-token-VALUE \
         container-auth-VALUE web-identity-jwt-VALUE IMDSTOKEN; do
    grep -qF -- "$s" "$T/all-output" && fail "a secret reached the output: $s"
    for f in "$T"/state.db*; do
        [ -e "$f" ] && grep -qaF -- "$s" "$f" && fail "a secret reached $f: $s"
    done
done
echo "credential chain: $N runs passed"
