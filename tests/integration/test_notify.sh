#!/bin/sh
# parapet notify against a loopback chat stand-in (fake/chat_server.py): throttled then
# accepted → delivered once; two runs → one post; killed mid-send → delivered once by the next
# run; a 4xx is permanent and reported once; Slack, Teams and webhook bodies; Block Kit limits.
. "$(dirname "$0")/lib.sh"
need_python
need_kb
EV="$ROOT/tests/cases/explain/s001-ecr-already-exists.json"
start_chat_server

# 1. throttled twice (Retry-After: 1), then accepted: one delivery, about 2 s of waiting
DB="$T/s1.db"
t0=$(date +%s)
"$PARAPET" notify --to slack --url "$CHAT/throttle/2/1/a" --state-db "$DB" "$EV" 2>"$T/e1"
rc=$?; t1=$(date +%s)
[ $rc -eq 0 ] || fail "throttled run exited $rc: $(cat "$T/e1")"
[ "$(delivered_count /throttle/2/1/a)" -eq 1 ] || fail "throttled: not delivered exactly once"
[ "$(grep -c '/throttle/2/1/a 429' "$CHAT_LOG/received.log")" -eq 2 ] || fail "expected two 429s"
[ $((t1 - t0)) -ge 2 ] || fail "Retry-After was not honoured ($((t1 - t0)) s)"
grep -q 'retrying in 1000 ms' "$T/e1" || fail "no retry line: $(cat "$T/e1")"

# 2. the same failure again, same destination: nothing posted, exit 0
"$PARAPET" notify --to slack --url "$CHAT/throttle/2/1/a" --state-db "$DB" "$EV" 2>"$T/e2" ||
    fail "second run exited $?: $(cat "$T/e2")"
[ "$(delivered_count /throttle/2/1/a)" -eq 1 ] || fail "the second run posted again"
grep -q 'already delivered' "$T/e2" || fail "second run did not say why: $(cat "$T/e2")"

# 3. killed mid-send (the receiver holds the request open): the next run delivers it once
DB3="$T/s3.db"
"$PARAPET" notify --to webhook --url "$CHAT/hangonce/k" --state-db "$DB3" "$EV" 2>"$T/e3" &
NPID=$!
n=0; while ! grep -q '/hangonce/k hang' "$CHAT_LOG/received.log"; do
    n=$((n + 1)); [ $n -gt 100 ] && fail "the message never reached the stand-in"; sleep 0.1
done
kill -9 $NPID; wait $NPID 2>/dev/null
[ "$(delivered_count /hangonce/k)" -eq 0 ] || fail "nothing should be delivered yet"
"$PARAPET" notify --to webhook --url "$CHAT/hangonce/k" --state-db "$DB3" --flush 2>"$T/e4" ||
    fail "flush exited $?: $(cat "$T/e4")"
[ "$(delivered_count /hangonce/k)" -eq 1 ] || fail "killed run: not delivered once after flush"
"$PARAPET" notify --to webhook --url "$CHAT/hangonce/k" --state-db "$DB3" "$EV" 2>"$T/e5" ||
    fail "rerun exited $?"
[ "$(delivered_count /hangonce/k)" -eq 1 ] || fail "killed run: delivered twice"

# 4. a 404 is permanent: one attempt, exit 1, reported; a rerun does not retry it
DB4="$T/s4.db"
"$PARAPET" notify --to slack --url "$CHAT/status/404/x" --state-db "$DB4" "$EV" 2>"$T/e6"
[ $? -eq 1 ] || fail "404 should exit 1"
[ "$(grep -c '/status/404/x' "$CHAT_LOG/received.log")" -eq 1 ] || fail "404 was retried"
grep -q 'refused a message for good' "$T/e6" || fail "404 not reported: $(cat "$T/e6")"
"$PARAPET" notify --to slack --url "$CHAT/status/404/x" --state-db "$DB4" "$EV" 2>"$T/e7"
[ "$(grep -c '/status/404/x' "$CHAT_LOG/received.log")" -eq 1 ] || fail "404 retried by a rerun"

# 5. bodies: Slack Block Kit, Teams Adaptive Card in the Workflows envelope, webhook JSON
"$PARAPET" notify --to teams --url "$CHAT/ok/teams" --state-db "$DB" "$EV" 2>/dev/null ||
    fail "teams run failed"
"$PARAPET" notify --to webhook --url "$CHAT/ok/hook" --state-db "$DB" "$EV" 2>/dev/null ||
    fail "webhook run failed"
python3 - "$CHAT_LOG/delivered.jsonl" <<'PY' || fail "message bodies are wrong"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def body(path):
    return json.loads(next(r for r in rows if r["path"].startswith(path))["body"])
s = body("/throttle/2/1/a")
assert s["text"].startswith("Deployment failed: hello-world-docker-repository"), s["text"]
assert s["blocks"][0]["type"] == "header" and len(s["blocks"]) <= 50
assert any("*Fix*" in b.get("text", {}).get("text", "") for b in s["blocks"])
t = body("/ok/teams")
assert t["type"] == "message"
att = t["attachments"][0]
assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
assert att["content"]["type"] == "AdaptiveCard" and att["content"]["version"] == "1.4"
w = body("/ok/hook")
assert w["scope"] == "hello-world-docker-repository"
assert w["root_causes"][0]["kb_id"] == "resource-already-exists"
for r in rows:
    assert r["headers"].get("Idempotency-Key"), "no Idempotency-Key"
PY

# 6. Block Kit limits: a 20,000-character message and 60 failing resources fit
python3 - "$T/big.json" <<'PY'
import json, sys
ev = []
for i in range(60):
    ev.append({"StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/big/1",
               "EventId": "e%d" % i, "StackName": "big", "LogicalResourceId": "R%d" % i,
               "ResourceType": "AWS::S3::Bucket", "Timestamp": "2024-01-01T00:00:00Z",
               "ResourceStatus": "CREATE_FAILED",
               "ResourceStatusReason": ("bucket%d already exists " % i) + "x" * 20000})
json.dump({"StackEvents": ev}, open(sys.argv[1], "w"))
PY
"$PARAPET" notify --to slack --url "$CHAT/ok/big" --state-db "$DB" "$T/big.json" 2>"$T/e8" ||
    fail "big message not delivered: $(tail -3 "$T/e8")"
python3 - "$CHAT_LOG/delivered.jsonl" <<'PY' || fail "Block Kit limits not honoured"
import json, sys
m = [json.loads(json.loads(l)["body"]) for l in open(sys.argv[1]) if '"/ok/big"' in l][0]
assert len(m["blocks"]) <= 50, len(m["blocks"])
for b in m["blocks"]:
    if b["type"] == "header":
        assert len(b["text"]["text"]) <= 150
    if b["type"] == "section":
        assert len(b["text"]["text"]) <= 3000
assert any(b["type"] == "section" and b["text"]["text"].endswith("\u2026") for b in m["blocks"])
PY

# 7. usage and input errors: exit 2, nothing sent
"$PARAPET" notify --to slack --url "$CHAT/ok/bad" --state-db "$DB" "$T/nope.json" 2>/dev/null
[ $? -eq 2 ] || fail "missing input should exit 2"
"$PARAPET" notify --to irc --url "$CHAT/ok/bad" "$EV" 2>/dev/null
[ $? -eq 2 ] || fail "bad --to should exit 2"
"$PARAPET" notify --to slack --url "http://example.com/x" "$EV" 2>/dev/null
[ $? -eq 2 ] || fail "plain http to a remote host should be refused"
[ "$(delivered_count /ok/bad)" -eq 0 ] || fail "an input error posted something"
echo "notify: ok"
