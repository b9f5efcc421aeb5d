#!/bin/sh
# parapet watch STACK against the loopback AWS stand-in (fake/aws_stub.py, whose "watch"
# stacks answer DescribeStackEvents with a deployment that moves on at each poll):
#  A. under a pseudo-terminal (python3 pty): coloured progress lines per resource, the
#     explanation printed when the bucket fails, exit 1 at ROLLBACK_COMPLETE, and the
#     explanation posted once through the outbox with --notify webhook;
#  B. without a terminal: plain lines, exit 0 at CREATE_COMPLETE; --format json: one record
#     per event, an explanation record, a result record;
#  C. Ctrl-C under the pty: exit 130 and a clean line; usage errors exit 2.
. "$(dirname "$0")/lib.sh"
need_python
need_kb
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset PARAPET_AI NO_COLOR
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_REGION=eu-west-1
export AWS_SECRET_ACCESS_KEY='test/SECRET+key0123456789abcdefghijklmn'
export AWS_EC2_METADATA_DISABLED=true HOME="$T" PARAPET_STATE_DB="$T/state.db"

start_stub() {
    rm -f "$T/stub.port"
    python3 "$FAKE/live_scenario.py" "$T/scen.json" || fail "scenario"
    : > "$T/stub.log"
    python3 "$FAKE/aws_stub.py" "$T/stub.port" "$T/stub.log" "$T/scen.json" 2>"$T/stub.err" &
    STUB_PID=$!
    PIDS="$PIDS $STUB_PID"
    wait_file "$T/stub.port" || fail "aws stub did not start: $(cat "$T/stub.err")"
    export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$T/stub.port")"
}
stop_stub() { kill "$STUB_PID" 2>/dev/null; wait "$STUB_PID" 2>/dev/null; }

PTY_RUN="$HERE/drivers/pty_run.py"   # OUT [--interrupt-after TEXT] -- ARGS…

# A: a failing deployment on a terminal, with --notify
start_chat_server
start_stub
rc=$(python3 "$PTY_RUN" "$T/a.out" -- "$PARAPET" watch progress --interval 0.1 \
        --notify webhook --url "$CHAT/ok/watch")
[ "$rc" = 1 ] || fail "A: exit $rc, expected 1: $(cat "$T/a.out")"
python3 - "$T/a.out" <<'PY' || fail "A: $(cat -v "$T/a.out")"
import sys
o = open(sys.argv[1], "rb").read().decode()
red = "\x1b[31mx Assets"
assert red in o, "no red progress line for the failed bucket"
assert "\x1b[36m~ Assets" in o, "no in-progress line"
assert "\x1b[32m+ progress" not in o
assert "\r\x1b[K" in o, "the live status line is not wiped"
i_fail, i_expl = o.index(red), o.index("Root cause 1 of 1: The S3 bucket name is already taken")
i_rb = o.index("ROLLBACK_COMPLETE")
assert i_fail < i_expl < i_rb, "the explanation must come when the failure appears, before the rollback ends"
assert "(template change) Drop BucketName" in o, "fix label"
assert o.count("Root cause 1 of 1") == 1, "explained more than once"
assert "progress: the operation failed" in o
PY
[ "$(delivered_count /ok/watch)" -eq 1 ] || fail "A: expected one post, got $(delivered_count /ok/watch)"
python3 - "$CHAT_LOG/delivered.jsonl" <<'PY' || fail "A: posted body"
import json, sys
b = json.loads(json.loads(open(sys.argv[1]).readline())["body"])
assert b["root_causes"][0]["kb_id"] == "bucket-name-taken", b
PY
stop_stub

# B: plain lines without a terminal; JSON records
start_stub
"$PARAPET" watch fine --interval 0.1 > "$T/b.out" 2>"$T/b.err"
rc=$?
[ $rc -eq 0 ] || fail "B: exit $rc: $(cat "$T/b.out" "$T/b.err")"
LC_ALL=C grep -q "$(printf '\033')" "$T/b.out" && fail "B: escape codes without a terminal"
grep -q '^2024-05-01T10:00:02.000Z Topic AWS::SNS::Topic CREATE_COMPLETE$' "$T/b.out" || fail "B: $(cat "$T/b.out")"
tail -n 1 "$T/b.out" | grep -q '^fine: the operation completed$' || fail "B: last line: $(tail -n 1 "$T/b.out")"
stop_stub
start_stub
"$PARAPET" watch progress --interval 0.1 --format json > "$T/b.json" 2>"$T/b.err"
rc=$?
[ $rc -eq 1 ] || fail "B json: exit $rc: $(cat "$T/b.err")"
python3 - "$T/b.json" <<'PY' || fail "B json: $(cat "$T/b.json")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
types = [r["type"] for r in recs]
assert types[-1] == "result" and recs[-1] == {"type": "result", "status": "failed", "exit": 1}, recs[-1]
assert types.count("explanation") == 1, types
ev = [r for r in recs if r["type"] == "event"]
assert [e["status"] for e in ev] == ["CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_FAILED",
                                     "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"], ev
x = recs[types.index("explanation")]
assert types.index("explanation") == 3, types
assert x["explain"]["root_causes"][0]["kb_id"] == "bucket-name-taken", x
PY
stop_stub

# C: Ctrl-C while the operation runs; usage errors
start_stub
rc=$(python3 "$PTY_RUN" "$T/c.out" --interrupt-after "UPDATE_IN_PROGRESS" -- "$PARAPET" watch slow --interval 0.2)
[ "$rc" = 130 ] || fail "C: exit $rc, expected 130: $(cat -v "$T/c.out")"
grep -q 'interrupted: stopped watching slow (the operation goes on)' "$T/c.out" || fail "C: $(cat -v "$T/c.out")"
stop_stub
"$PARAPET" watch > /dev/null 2>&1; [ $? -eq 2 ] || fail "watch without STACK"
"$PARAPET" watch s --notify slack > /dev/null 2>"$T/u.err"; [ $? -eq 2 ] || fail "--notify without --url"
grep -q 'needs --url' "$T/u.err" || fail "$(cat "$T/u.err")"
"$PARAPET" watch s --format xml > /dev/null 2>&1; [ $? -eq 2 ] || fail "--format xml"
echo "watch: A-C passed"
