#!/bin/sh
# The DynamoDB state backend against moto_server on loopback (the table made from the deploy
# template's KeySchema/AttributeDefinitions):
#  1. notify --state dynamodb://TABLE: posted once; a second run (another "replica") finds it
#     delivered; PARAPET_STATE works the same; a 404 is final and never retried;
#  2. serve --state dynamodb://TABLE answers `/parapet why` from what notify recorded;
#  3. an explanation over DynamoDB's 400 KB item limit is stored and posted with its long
#     strings cut (docs/chatops.md);
#  4. parapet state migrate copies a SQLite file (delivered and pending rows, explanations,
#     events) and a second run copies nothing; a migrated delivered row still blocks a
#     duplicate, a migrated pending row is delivered by the next flush;
#  5. the Bedrock answer cache (a loopback stand-in): the second explain is answered from the
#     table, and the cached item carries its TTL;
#  6. errors: a missing table, a bad location; the fake credentials appear in no output and
#     nowhere in the table.
. "$(dirname "$0")/lib.sh"
need_python
need_curl
need_kb
unset PARAPET_STATE PARAPET_STATE_DB XDG_STATE_HOME
start_moto
make_table sta
start_chat_server
EV="$ROOT/tests/cases/explain/s001-ecr-already-exists.json"

# 1
"$PARAPET" notify --to slack --url "$CHAT/ok/a" --state dynamodb://sta "$EV" 2>"$T/e1" ||
    fail "notify: $(cat "$T/e1")"
PARAPET_STATE=dynamodb://sta "$PARAPET" notify --to slack --url "$CHAT/ok/a" "$EV" 2>"$T/e2" ||
    fail "notify again: $(cat "$T/e2")"
grep -q 'already delivered, not posted again' "$T/e2" || fail "second run: $(cat "$T/e2")"
[ "$(delivered_count /ok/a)" -eq 1 ] || fail "expected 1 post, got $(delivered_count /ok/a)"
"$PARAPET" notify --to slack --url "$CHAT/status/404/x" --state-db dynamodb://sta "$EV" 2>"$T/e3"
[ $? -eq 1 ] || fail "a 404 should exit 1: $(cat "$T/e3")"
"$PARAPET" notify --to slack --url "$CHAT/status/404/x" --state dynamodb://sta "$EV" 2>"$T/e4"
grep -q 'refused by the receiver' "$T/e4" || fail "404 not final: $(cat "$T/e4")"
[ "$(grep -c '/status/404/x' "$CHAT_LOG/received.log")" -eq 1 ] || fail "a refused message was retried"

# 2
SECRET=8f742231b10e8888abcd99yyyzzz85a5
printf '%s\n' "$SECRET" > "$T/slack.secret"
start_serve --state dynamodb://sta --slack-signing-secret-file "$T/slack.secret"
BODY='command=%2Fparapet&text=why+hello-world-docker-repository'
NOW=$(date +%s)
SIG=$(python3 -c 'import hmac,hashlib,sys; print("v0=" + hmac.new(sys.argv[1].encode(), ("v0:%s:%s" % (sys.argv[2], sys.argv[3])).encode(), hashlib.sha256).hexdigest())' "$SECRET" "$NOW" "$BODY")
curl -s -o "$T/resp" -X POST -H "X-Slack-Request-Timestamp: $NOW" -H "X-Slack-Signature: $SIG" \
    --data-binary "$BODY" "$SERVE/slack/command" || fail "serve did not answer"
grep -q 'already exists' "$T/resp" || fail "slash command from the table: $(cat "$T/resp")"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null

# 3
python3 - "$T/big.json" <<'PY'
import json, sys
ev = [{"StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/big/1",
       "EventId": "e%d" % i, "StackName": "big", "LogicalResourceId": "R%d" % i,
       "ResourceType": "AWS::S3::Bucket", "Timestamp": "2024-01-01T00:00:00Z",
       "ResourceStatus": "CREATE_FAILED",
       "ResourceStatusReason": ("bucket%d already exists " % i) + "x" * 20000} for i in range(40)]
json.dump({"StackEvents": ev}, open(sys.argv[1], "w"))
PY
"$PARAPET" notify --to webhook --url "$CHAT/ok/big" --state dynamodb://sta "$T/big.json" 2>"$T/e5" ||
    fail "big: $(cat "$T/e5")"
python3 - "$CHAT_LOG/delivered.jsonl" <<'PY' || fail "big message"
import json, sys
m = [json.loads(json.loads(l)["body"]) for l in open(sys.argv[1]) if '"/ok/big"' in l]
assert len(m) == 1, len(m)
assert m[0]["scope"] == "big" and m[0].get("parapet_state_cut") is True, list(m[0])
t = json.dumps(m[0], ensure_ascii=False)
assert "bucket0 already exists" in t and "\u2026 [cut]" in t
PY

# 4
DB="$T/old.db"
"$PARAPET" notify --to slack --url "$CHAT/ok/m" --state "$DB" "$EV" 2>/dev/null || fail "sqlite notify"
# the receiver answers 429 once: the row stays pending in the file
"$PARAPET" notify --to slack --url "$CHAT/throttle/1/0/p" --max-attempts 1 --state "$DB" "$EV" 2>/dev/null
[ "$(delivered_count /ok/m)" -eq 1 ] || fail "setup: one delivery"
"$PARAPET" state migrate --from "$DB" --to dynamodb://sta > "$T/m1" 2>&1 || fail "migrate: $(cat "$T/m1")"
grep -q '2 of 2 outbox rows, 0 of 0 cached answers, 1 of 1 explanations' "$T/m1" || fail "migrate 1: $(cat "$T/m1")"
"$PARAPET" state migrate --from "$DB" --to dynamodb://sta > "$T/m2" 2>&1 || fail "migrate 2: $(cat "$T/m2")"
grep -q '0 of 2 outbox rows, 0 of 0 cached answers, 0 of 1 explanations' "$T/m2" || fail "migrate is not idempotent: $(cat "$T/m2")"
"$PARAPET" notify --to slack --url "$CHAT/ok/m" --state dynamodb://sta "$EV" 2>"$T/e6"
grep -q 'already delivered' "$T/e6" || fail "migrated delivered row: $(cat "$T/e6")"
[ "$(delivered_count /ok/m)" -eq 1 ] || fail "migrated row posted again"
# the pending row, now in the table, goes out with the next flush for its destination
"$PARAPET" notify --to slack --url "$CHAT/throttle/1/0/p" --flush --state dynamodb://sta 2>"$T/e7"
grep -q '1 delivered, 0 refused, 0 pending' "$T/e7" || fail "migrated pending row: $(cat "$T/e7")"
[ "$(delivered_count /throttle/1/0/p)" -eq 1 ] || fail "migrated pending row not delivered once"
"$PARAPET" state migrate --from "$DB" --to dynamodb://sta > "$T/m3" 2>&1 || fail "migrate 3"
"$PARAPET" notify --to slack --url "$CHAT/throttle/1/0/p" --flush --state dynamodb://sta 2>"$T/e7b"
[ "$(delivered_count /throttle/1/0/p)" -eq 1 ] || fail "a re-run of migrate made a delivered row pending again"
"$PARAPET" state migrate --from "$T/none.db" --to dynamodb://sta 2>"$T/e8"; [ $? -eq 2 ] || fail "missing source"
"$PARAPET" state migrate --from "$DB" --to "$T/x.db" 2>"$T/e9"; [ $? -eq 2 ] || fail "file target"

# 5
mkdir -p "$T/bedrock"; : > "$T/bedrock/requests.jsonl"
python3 "$FAKE/bedrock_server.py" "$T/bedrock.port" "$T/bedrock" ok 2>"$T/bedrock.err" &
PIDS="$PIDS $!"
wait_file "$T/bedrock.port" || fail "bedrock stand-in did not start"
AI="--ai bedrock --bedrock-model anthropic.claude-3-5-sonnet-20240620-v1:0 --bedrock-endpoint http://127.0.0.1:$(cat "$T/bedrock.port")"
"$PARAPET" explain --format json $AI --state dynamodb://sta "$EV" > "$T/ai1.json" 2>"$T/e12" || fail "explain --ai: $(cat "$T/e12")"
n1=$(wc -l < "$T/bedrock/requests.jsonl")
[ "$n1" -ge 1 ] || fail "explain --ai asked nothing"
"$PARAPET" explain --format json $AI --state dynamodb://sta "$EV" > "$T/ai2.json" 2>"$T/e13" || fail "explain --ai 2"
[ "$(wc -l < "$T/bedrock/requests.jsonl")" -eq "$n1" ] || fail "the cached answer was asked again"
[ "$(json_get "$T/ai2.json" 'd["root_causes"][0]["ai"]["cached"]')" = True ] || fail "not marked cached"

# 6
"$PARAPET" notify --to slack --url "$CHAT/ok/a" --state dynamodb://nosuchtable "$EV" 2>"$T/e10"
[ $? -eq 2 ] && grep -q 'state table nosuchtable does not exist in eu-west-1' "$T/e10" ||
    fail "missing table: $(cat "$T/e10")"
"$PARAPET" notify --to slack --url "$CHAT/ok/a" --state 'dynamodb://no' "$EV" 2>"$T/e11"
[ $? -eq 2 ] && grep -q '3 to 255' "$T/e11" || fail "bad table name: $(cat "$T/e11")"
cat "$T"/e* "$T"/m* > "$T/all.out"
grep -q "$AWS_SECRET_ACCESS_KEY" "$T/all.out" && fail "the secret key reached the output"
python3 - "$MOTO" "$AWS_SECRET_ACCESS_KEY" "$CHAT" <<'PY' || fail "table content"
import json, sys, boto3
ddb = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="eu-west-1",
                   aws_access_key_id="AKIDTEST", aws_secret_access_key="x")
items = ddb.scan(TableName="sta")["Items"]
dump = json.dumps(items)
assert sys.argv[2] not in dump and "AKIDTEST" not in dump, "credentials in the table"
assert sys.argv[3] not in dump, "a webhook URL in the table"
kinds = {i["pk"]["S"].split("#")[0] for i in items}
assert {"outbox", "explanation", "cache"} <= kinds, kinds
import time
for i in items:
    if i["pk"]["S"].startswith("cache#"):
        left = int(i["expires_at"]["N"]) - time.time()
        assert 29 * 86400 < left <= 30 * 86400, left
        assert i["answer"]["S"].startswith("AI: ")
PY
echo "state ddb: ok"
