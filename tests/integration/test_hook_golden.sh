#!/bin/sh
# test_hook_golden.sh — `parapet hook` on every hook/NAME.req.json; the response must equal
# hook/NAME.resp.json byte for byte and the exit status must follow the verdict (0 SUCCESS,
# 1 NonCompliant, 2 InternalFailure). "@PAYLOAD@" in a request is replaced by the URL of a
# loopback payload server serving hook/payloads/, which --allow-payload-url-prefix admits.
# Requests under hook/ run with the test rules of rules/; those under hook/network/ with the
# built-in network pack (--pack network), so the shipped rules' annotations are pinned too.
# UPDATE_GOLDEN=1 rewrites the .resp.json files instead of comparing.
. "$(dirname "$0")/lib.sh"
need_python
start_payload_server "$HERE/hook/payloads"
n=0
for req in "$HERE"/hook/*.req.json "$HERE"/hook/network/*.req.json; do
    name=$(basename "$req" .req.json)
    dir=$(dirname "$req")
    exp="$dir/$name.resp.json"
    case "$dir" in
        */network) set -- --pack network ;;
        *) set -- --no-builtin-rules --rules "$RULES" ;;
    esac
    sed "s#@PAYLOAD@#$PAYLOAD#g" "$req" > "$T/req.json"
    "$PARAPET" hook "$@" --allow-payload-url-prefix "$PAYLOAD/" \
        --deadline-ms 5000 "$T/req.json" > "$T/out.json" 2>"$T/err.txt"
    rc=$?
    # The payload URL varies per run: put the placeholder back.
    sed "s#$PAYLOAD#@PAYLOAD@#g" "$T/out.json" > "$T/got.json"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$T/got.json" "$exp"
    fi
    [ -f "$exp" ] || fail "$name: no expected response $exp"
    if ! cmp -s "$T/got.json" "$exp"; then
        echo "--- expected"; cat "$exp"; echo "--- got"; cat "$T/got.json"; cat "$T/err.txt"
        fail "$name: response differs"
    fi
    want=$(json_get "$T/got.json" '{"SUCCESS":0}.get(d["hookStatus"], 1 if d.get("errorCode") == "NonCompliant" else 2)')
    [ "$rc" = "$want" ] || fail "$name: exit status $rc, expected $want"
    n=$((n + 1))
done
# The disallowed URL was never fetched: only payload-server paths appear in its log.
grep -q example.com "$PAYLOAD_LOG" && fail "a disallowed URL reached the payload server"
echo "$n golden hook responses match"
