#!/bin/sh
# `/parapet why STACK` on `parapet serve --slack-live` when nothing is recorded: the stack is
# fetched from AWS through the same code as `explain --stack` (here the loopback stand-in
# fake/aws_stub.py: a vague "Internal Failure" that CloudTrail explains), answered in Slack
# blocks, and recorded, so that the next ask is answered from the state database.
. "$(dirname "$0")/lib.sh"
need_python
need_curl
need_kb
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_REGION=eu-west-1
export AWS_SECRET_ACCESS_KEY='test/SECRET+key0123456789abcdefghijklmn'
export AWS_EC2_METADATA_DISABLED=true HOME="$T"
python3 "$FAKE/live_scenario.py" "$T/scen.json" || fail "scenario"
: > "$T/stub.log"
python3 "$FAKE/aws_stub.py" "$T/stub.port" "$T/stub.log" "$T/scen.json" 2>"$T/stub.err" &
PIDS="$PIDS $!"
wait_file "$T/stub.port" || fail "aws stub did not start: $(cat "$T/stub.err")"
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$T/stub.port")"
SECRET=0123456789abcdef0123456789abcdef
printf '%s\n' "$SECRET" > "$T/slack.secret"
start_serve --state-db "$T/state.db" --slack-signing-secret-file "$T/slack.secret" --slack-live
ask() {   # STACK → $T/resp
    body="command=%2Fparapet&text=why+$1"
    ts=$(date +%s)
    sig=$(python3 -c 'import hmac,hashlib,sys; print("v0=" + hmac.new(sys.argv[1].encode(), ("v0:%s:%s" % (sys.argv[2], sys.argv[3])).encode(), hashlib.sha256).hexdigest())' "$SECRET" "$ts" "$body")
    curl -s -o "$T/resp" -w '%{http_code}' -X POST -H "X-Slack-Request-Timestamp: $ts" \
        -H "X-Slack-Signature: $sig" --data-binary "$body" "$SERVE/slack/command" > "$T/code"
    [ "$(cat "$T/code")" = 200 ] || fail "why $1: HTTP $(cat "$T/code") $(cat "$T/resp")"
}
ask vague
grep -q 'explicit deny in a service control policy' "$T/resp" || fail "live answer: $(cat "$T/resp")"
grep -q 'Fetched from AWS' "$T/resp" || fail "live answer not marked as fetched: $(cat "$T/resp")"
[ "$(grep -c '"LookupEvents"' "$T/stub.log")" -eq 1 ] || fail "CloudTrail not asked once"
ask vague
grep -q 'Recorded ' "$T/resp" || fail "second ask not from the record: $(cat "$T/resp")"
[ "$(grep -c '"DescribeStackEvents"' "$T/stub.log")" -eq 2 ] || fail "the second ask fetched again"
ask nosuch
grep -q 'No failure recorded' "$T/resp" || fail "unknown stack: $(cat "$T/resp")"
grep -q 'live fetch for nosuch: CloudFormation DescribeStackEvents: ValidationError' "$T/serve.err" ||
    fail "the failed fetch is not logged: $(cat "$T/serve.err")"
grep -q "$AWS_SECRET_ACCESS_KEY" "$T/serve.err" "$T"/state.db* && fail "the secret reached the log or the state"
echo "slack live: passed"
