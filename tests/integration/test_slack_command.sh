#!/bin/sh
# POST /slack/command on parapet serve: Slack's v0 signature (HMAC-SHA256 over
# "v0:TS:BODY") is checked; a bad signature, a stale timestamp and a missing signature get
# 401; `/parapet why STACK` answers with the explanation notify recorded in the state database,
# fast; the bearer token of the other routes is not asked of Slack.
. "$(dirname "$0")/lib.sh"
need_python
need_curl
need_kb
DB="$T/state.db"
SECRET=8f742231b10e8888abcd99yyyzzz85a5
printf '%s\n' "$SECRET" > "$T/slack.secret"
printf 'tok123\n' > "$T/token"
start_chat_server
"$PARAPET" notify --to slack --url "$CHAT/ok/s" --state-db "$DB" \
    "$ROOT/tests/cases/explain/s001-ecr-already-exists.json" 2>/dev/null || fail "notify failed"
start_serve --state-db "$DB" --slack-signing-secret-file "$T/slack.secret" --token-file "$T/token"

# post BODY TS SIG → HTTP status in $T/code, body in $T/resp
post() {
    curl -s -o "$T/resp" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/x-www-form-urlencoded' \
        ${2:+-H "X-Slack-Request-Timestamp: $2"} ${3:+-H "X-Slack-Signature: $3"} \
        --data-binary "$1" "$SERVE/slack/command" > "$T/code"
}
sign() {   # TS BODY
    python3 -c 'import hmac,hashlib,sys; print("v0=" + hmac.new(sys.argv[1].encode(), ("v0:%s:%s" % (sys.argv[2], sys.argv[3])).encode(), hashlib.sha256).hexdigest())' "$SECRET" "$1" "$2"
}
BODY='token=x&team_id=T1&command=%2Fparapet&text=why+hello-world-docker-repository&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1'
NOW=$(date +%s)

post "$BODY" "$NOW" "$(sign "$NOW" "$BODY")"
[ "$(cat "$T/code")" = 200 ] || fail "good signature: $(cat "$T/code") $(cat "$T/resp")"
python3 - "$T/resp" <<'PY' || fail "answer is not the recorded explanation: $(cat "$T/resp")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["response_type"] == "ephemeral"
assert d["blocks"][0]["type"] == "header"
assert "already exists" in json.dumps(d["blocks"])
PY

post "$BODY" "$NOW" "v0=$(printf '0%.0s' $(seq 64))"
[ "$(cat "$T/code")" = 401 ] || fail "bad signature: $(cat "$T/code")"
OLD=$((NOW - 301))
post "$BODY" "$OLD" "$(sign "$OLD" "$BODY")"
[ "$(cat "$T/code")" = 401 ] || fail "stale timestamp: $(cat "$T/code")"
post "$BODY" "$NOW" ""
[ "$(cat "$T/code")" = 401 ] || fail "missing signature: $(cat "$T/code")"
post "$BODY" "" "$(sign "$NOW" "$BODY")"
[ "$(cat "$T/code")" = 401 ] || fail "missing timestamp: $(cat "$T/code")"
# the signature covers the body: a changed body with the old signature fails
post "${BODY}x" "$NOW" "$(sign "$NOW" "$BODY")"
[ "$(cat "$T/code")" = 401 ] || fail "tampered body: $(cat "$T/code")"

B2='command=%2Fparapet&text=why+nosuchstack'
post "$B2" "$NOW" "$(sign "$NOW" "$B2")"
[ "$(cat "$T/code")" = 200 ] && grep -q 'No failure recorded' "$T/resp" || fail "unknown stack answer"
B3='command=%2Fparapet&text=help'
post "$B3" "$NOW" "$(sign "$NOW" "$B3")"
grep -q 'Usage' "$T/resp" || fail "usage answer"

# within Slack's 3 seconds, many times over
python3 - "$SERVE" "$SECRET" "$BODY" <<'PY' || fail "slash command too slow"
import hashlib, hmac, sys, time, urllib.request
url, secret, body = sys.argv[1] + "/slack/command", sys.argv[2], sys.argv[3]
worst = 0
for _ in range(50):
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(secret.encode(), ("v0:%s:%s" % (ts, body)).encode(), hashlib.sha256).hexdigest()
    req = urllib.request.Request(url, data=body.encode(), headers={
        "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig,
        "Content-Type": "application/x-www-form-urlencoded"})
    t0 = time.time()
    urllib.request.urlopen(req, timeout=5).read()
    worst = max(worst, time.time() - t0)
assert worst < 3, worst
PY
# the other routes still want the bearer token
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data '{}' "$SERVE/v1/check")
[ "$code" = 401 ] || fail "/v1/check without token: $code"
echo "slack command: ok"
