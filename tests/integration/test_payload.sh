#!/bin/sh
# test_payload.sh — STACK payload fetching against hostile or broken payload servers:
# a server that stalls (InternalFailure within the deadline, never a hang), one that answers
# 500 (retried, then InternalFailure), one that sends 40 MB (cut at the cap), a payload that
# is not JSON, and URLs outside the allowed set (never fetched).
. "$(dirname "$0")/lib.sh"
need_python
mkdir -p "$T/p"
printf 'not json at all' > "$T/p/notjson.json"
printf '{"template": "Resources: [unclosed"}' > "$T/p/badyaml.json"
start_payload_server "$T/p"

req() { # req URL → $T/req.json
    cat > "$T/req.json" <<EOR
{"clientRequestToken":"tok-p","stackId":"arn:aws:cloudformation:us-east-1:1:stack/S/x",
 "actionInvocationPoint":"CREATE_PRE_PROVISION",
 "requestData":{"targetName":"STACK","targetType":"STACK","targetLogicalId":"S","payload":"$1"}}
EOR
}
run() { # run [--deadline-ms N] → response in $T/out.json, exit status echoed
    "$PARAPET" hook --no-builtin-rules --rules "$RULES" --allow-payload-url-prefix "$PAYLOAD/" \
        "$@" "$T/req.json" > "$T/out.json" 2>"$T/err.txt"
    echo $?
}
expect_internal() { # expect_internal WHAT PATTERN
    [ "$(json_get "$T/out.json" 'd["errorCode"]')" = InternalFailure ] || \
        fail "$1: not InternalFailure: $(cat "$T/out.json")"
    [ "$(json_get "$T/out.json" 'd["clientRequestToken"]')" = tok-p ] || fail "$1: token"
    grep -q "$2" "$T/out.json" || fail "$1: message lacks '$2': $(cat "$T/out.json")"
}

req "$PAYLOAD/stall"
t0=$(date +%s)
rc=$(run --deadline-ms 2000)
t1=$(date +%s)
[ "$rc" = 2 ] || fail "stall: exit $rc"
[ $((t1 - t0)) -le 6 ] || fail "stall: took $((t1 - t0)) s"
expect_internal stall "payload not fetched"

req "$PAYLOAD/fail500"
: > "$PAYLOAD_LOG"
rc=$(run)
[ "$rc" = 2 ] || fail "500: exit $rc"
expect_internal 500 "HTTP 500"
[ "$(grep -c fail500 "$PAYLOAD_LOG")" = 3 ] || fail "500: expected 3 attempts, log: $(cat "$PAYLOAD_LOG")"

req "$PAYLOAD/big"
rc=$(run)
[ "$rc" = 2 ] || fail "big: exit $rc"
expect_internal big "larger than"

req "$PAYLOAD/notjson.json"
rc=$(run)
expect_internal notjson "not JSON"
req "$PAYLOAD/badyaml.json"
rc=$(run)
expect_internal badyaml "could not evaluate"

# Outside the allowed set: never fetched, whatever the trick.
port=${PAYLOAD##*:}
: > "$PAYLOAD_LOG"
for u in "http://127.0.0.1:$port/notjson.json#no-prefix" \
         "https://bucket.s3.amazonaws.com.evil.example/p" \
         "http://bucket.s3.amazonaws.com/p" \
         "file:///etc/passwd" \
         "http://127.0.0.1:$port@evil.example/p"; do
    req "$u"
    "$PARAPET" hook --no-builtin-rules --rules "$RULES" "$T/req.json" > "$T/out.json" 2>/dev/null
    expect_internal "denied $u" "payload not fetched"
done
[ -s "$PAYLOAD_LOG" ] && fail "a denied URL was fetched: $(cat "$PAYLOAD_LOG")"
echo "payload: all checks passed"
