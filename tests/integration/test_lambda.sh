#!/bin/sh
# test_lambda.sh — `parapet lambda` against a fake Runtime API on 127.0.0.1: event 1 is a
# hook request (→ /response with the hook response), event 2 is not (→ /error with an error
# type header, and the loop goes on), event 3 is a non-compliant request (→ /response); then
# /next answers 500 and the runtime must exit non-zero. A rules folder that fails to load must
# be reported on /runtime/init/error.
. "$(dirname "$0")/lib.sh"
need_python
G="$HERE/hook"
mkdir -p "$T/out"
printf '{"not":"a hook request"}' > "$T/bad.json"
python3 "$FAKE/runtime_api.py" "$T/api.port" "$T/out" "$G/resource_create_pass.req.json" \
    "$T/bad.json" "$G/resource_update_string_values.req.json" 2>"$T/api.err" &
PIDS="$PIDS $!"
wait_file "$T/api.port" || fail "fake Runtime API did not start: $(cat "$T/api.err")"
API="127.0.0.1:$(cat "$T/api.port")"

AWS_LAMBDA_RUNTIME_API=$API timeout 20 "$PARAPET" lambda --no-builtin-rules --rules "$RULES" \
    2>"$T/lambda.err"
rc=$?
[ $rc = 124 ] && fail "lambda did not exit after the 500"
[ $rc != 0 ] || fail "lambda exited 0 after a 500 from the Runtime API"
grep -q 'answered 500' "$T/lambda.err" || fail "no 500 message: $(cat "$T/lambda.err")"

[ -f "$T/out/req-1.response" ] || fail "no response for req-1: $(ls "$T/out")"
[ "$(json_get "$T/out/req-1.response" 'd["hookStatus"] + " " + d["clientRequestToken"]')" = \
  "SUCCESS tok-create-pass" ] || fail "req-1: $(cat "$T/out/req-1.response")"
[ -f "$T/out/req-2.error" ] || fail "no error post for the bad event"
[ "$(cat "$T/out/req-2.error.type")" = Parapet.InvalidHookRequest ] || fail "error type header"
[ "$(json_get "$T/out/req-2.error" 'd["errorType"]')" = Parapet.InvalidHookRequest ] || \
    fail "error body: $(cat "$T/out/req-2.error")"
[ -f "$T/out/req-3.response" ] || fail "the loop did not go on after the bad event"
[ "$(json_get "$T/out/req-3.response" 'd["errorCode"]')" = NonCompliant ] || fail "req-3"

# Init error: a rule that does not load.
mkdir -p "$T/badrules"
printf 'return {' > "$T/badrules/broken.lua"
rm -f "$T/out"/*
AWS_LAMBDA_RUNTIME_API=$API timeout 20 "$PARAPET" lambda --no-builtin-rules \
    --rules "$T/badrules" 2>"$T/lambda2.err"
rc=$?
[ $rc = 2 ] || fail "broken rules: exit $rc"
[ -f "$T/out/init.error" ] || fail "no /runtime/init/error post: $(cat "$T/lambda2.err")"
[ "$(cat "$T/out/init.error.type")" = Runtime.ConfigInvalid ] || fail "init error type"

# Without AWS_LAMBDA_RUNTIME_API: a usage error, not a crash.
env -u AWS_LAMBDA_RUNTIME_API "$PARAPET" lambda --no-builtin-rules --rules "$RULES" 2>/dev/null
[ $? = 2 ] || fail "missing AWS_LAMBDA_RUNTIME_API: not exit 2"
echo "lambda: all checks passed"
