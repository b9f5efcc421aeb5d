# lib.sh — helpers for the integration tests (sourced). Every server binds 127.0.0.1 only.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
FAKE="$HERE/fake"
RULES="$HERE/rules"
: "${PARAPET:?PARAPET must name the parapet binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/parapet-it.XXXXXX")
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    [ -n "${KEEP_T:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT INT TERM

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
need_python() { command -v python3 >/dev/null 2>&1 || skip "python3 not found: test skipped"; }
need_curl() { command -v curl >/dev/null 2>&1 || skip "curl not found: test skipped"; }
# need_kb: the KB database `make all` builds beside $PARAPET → KB, exported as PARAPET_KB
need_kb() {
    KB="$(dirname "$PARAPET")/kb.db"
    [ -f "$KB" ] || skip "$KB not found (make all builds it): test skipped"
    export PARAPET_KB="$KB"
}

# wait_file FILE [TENTHS]: waits until FILE exists and is not empty.
wait_file() {
    n=0
    while [ ! -s "$1" ]; do
        n=$((n + 1)); [ $n -gt "${2:-100}" ] && return 1
        sleep 0.1
    done
}

# start_payload_server DIR → sets PAYLOAD (base URL) and PAYLOAD_LOG (one requested path per line)
start_payload_server() {
    PAYLOAD_LOG="$T/payload.log"; : > "$PAYLOAD_LOG"
    python3 "$FAKE/payload_server.py" "$1" "$T/payload.port" "$PAYLOAD_LOG" 2>"$T/payload.err" &
    PIDS="$PIDS $!"
    wait_file "$T/payload.port" || fail "payload server did not start: $(cat "$T/payload.err")"
    PAYLOAD="http://127.0.0.1:$(cat "$T/payload.port")"
}

# start_serve ARGS… → sets SERVE (base URL) and SERVE_PID; stderr in $T/serve.err
start_serve() {
    # the child truncates serve.err only after the fork: remove it first, or the wait loop
    # below may read the previous server's "listening on" line
    rm -f "$T/serve.err"
    "$PARAPET" serve --listen 127.0.0.1:0 "$@" 2>"$T/serve.err" &
    SERVE_PID=$!
    PIDS="$PIDS $SERVE_PID"
    n=0
    while ! grep -q 'listening on' "$T/serve.err" 2>/dev/null; do
        n=$((n + 1)); [ $n -gt 100 ] && fail "serve did not start: $(cat "$T/serve.err")"
        kill -0 "$SERVE_PID" 2>/dev/null || fail "serve exited: $(cat "$T/serve.err")"
        sleep 0.1
    done
    SERVE=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$T/serve.err" | head -n 1)
}

# json_get FILE EXPR: prints a value from a JSON file with python3 (EXPR in Python on `d`)
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# start_chat_server → sets CHAT (base URL) and CHAT_LOG (folder with delivered.jsonl and
# received.log; see fake/chat_server.py)
start_chat_server() {
    CHAT_LOG="$T/chat"; mkdir -p "$CHAT_LOG"; : > "$CHAT_LOG/delivered.jsonl"
    : > "$CHAT_LOG/received.log"
    python3 "$FAKE/chat_server.py" "$T/chat.port" "$CHAT_LOG" 2>"$T/chat.err" &
    PIDS="$PIDS $!"
    wait_file "$T/chat.port" || fail "chat server did not start: $(cat "$T/chat.err")"
    CHAT="http://127.0.0.1:$(cat "$T/chat.port")"
}

# delivered_count [PATH-SUBSTRING]: messages the chat stand-in accepted
delivered_count() { grep -c -- "${1:-}" "$CHAT_LOG/delivered.jsonl" || true; }

# sanitized_build: true when $PARAPET was built with AddressSanitizer (make asan), whose shadow
# memory and quarantine make resident-memory figures meaningless
sanitized_build() { grep -q __asan_init "$PARAPET" 2>/dev/null; }
# under_valgrind: true under `make valgrind` (every parapet runs in memcheck: 20-50 times slower,
# its resident memory is valgrind's)
under_valgrind() { [ -n "${PARAPET_VALGRIND_BIN:-}" ]; }

# launch_moto → starts moto_server on a free 127.0.0.1 port and sets MPORT and MOTO (base URL)
# once it answers; the caller has checked that moto_server exists
launch_moto() {
    MPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    moto_server -H 127.0.0.1 -p "$MPORT" > "$T/moto.log" 2>&1 &
    PIDS="$PIDS $!"
    MOTO="http://127.0.0.1:$MPORT"
    n=0; until python3 -c "import urllib.request; urllib.request.urlopen('$MOTO/moto-api/')" 2>/dev/null; do
        n=$((n + 1)); [ $n -gt 150 ] && fail "moto_server did not start: $(tail -3 "$T/moto.log")"
        sleep 0.2
    done
}

# start_moto → launch_moto, then DynamoDB calls go there through AWS_ENDPOINT_URL_DYNAMODB, with
# fake credentials; skips the test (exit 77) when moto_server or boto3 is missing.
start_moto() {
    command -v moto_server >/dev/null 2>&1 || skip "moto_server not found: test skipped"
    python3 -c 'import boto3, yaml' 2>/dev/null || skip "python3 boto3/yaml not found: test skipped"
    launch_moto
    export AWS_ENDPOINT_URL_DYNAMODB="$MOTO" AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=AKIDTEST
    # the fake key the SigV4-checking stand-ins (fake/bedrock_server.py) also know
    export AWS_SECRET_ACCESS_KEY='test/SECRET+key0123456789abcdefghijklmn'
    unset AWS_SESSION_TOKEN AWS_PROFILE
}

# make_table NAME: creates the state table on moto from the deploy template's schema
make_table() {
    python3 "$FAKE/ddb_table.py" "$MOTO" "$1" "$HERE/../../hooks/deploy/parapet-hook.yaml" ||
        fail "could not create table $1 on moto"
}
