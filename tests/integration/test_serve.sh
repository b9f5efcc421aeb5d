#!/bin/sh
# test_serve.sh — `parapet serve` on 127.0.0.1 (random port): POST /hook good, non-compliant,
# malformed (400 + JSON error), oversize (413, with and without Content-Length), 10 MB;
# POST /v1/check; /healthz; /metrics; 404/405; 64 concurrent clients; bearer token; refusal to
# listen on 0.0.0.0 without --token-file (never actually bound); SIGTERM stops it with 0;
# the limit flags (usage errors, 503 when the shared body budget is spent).
. "$(dirname "$0")/lib.sh"
need_python
need_curl
G="$HERE/hook"
start_serve --no-builtin-rules --rules "$RULES" --threads 4

post() { # post PATH FILE → body in $T/body, status echoed
    curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @"$2" "$SERVE$1"
}
code=$(post /hook "$G/resource_create_pass.req.json")
[ "$code" = 200 ] || fail "good request: HTTP $code"
[ "$(json_get "$T/body" 'd["hookStatus"]')" = SUCCESS ] || fail "good request: $(cat "$T/body")"
[ "$(json_get "$T/body" 'd["clientRequestToken"]')" = tok-create-pass ] || fail "token not echoed"

code=$(post /hook "$G/resource_update_string_values.req.json")
[ "$code" = 200 ] || fail "non-compliant request: HTTP $code"
[ "$(json_get "$T/body" 'd["errorCode"]')" = NonCompliant ] || fail "expected NonCompliant"

code=$(post /hook "$G/malformed_json.req.json")
[ "$code" = 400 ] || fail "malformed JSON: HTTP $code"
[ "$(json_get "$T/body" 'd["error"]["code"]')" = bad_request ] || fail "400 body: $(cat "$T/body")"
printf '{"clientRequestToken":"x","requestData":{"targetType":7}}' > "$T/wrong.json"
code=$(post /hook "$T/wrong.json")
[ "$code" = 400 ] || fail "wrong types: HTTP $code"
printf '[]' > "$T/arr.json"
[ "$(post /hook "$T/arr.json")" = 400 ] || fail "array body: not 400"
: > "$T/empty.json"
[ "$(post /hook "$T/empty.json")" = 400 ] || fail "empty body: not 400"

# Oversize: 7 MiB with Content-Length, 10 MB, and 7 MiB chunked (no Content-Length).
head -c 7340032 /dev/zero | tr '\0' ' ' > "$T/big.json"
code=$(post /hook "$T/big.json")
[ "$code" = 413 ] || fail "7 MiB body: HTTP $code"
head -c 10000000 /dev/zero | tr '\0' ' ' > "$T/big10.json"
code=$(post /hook "$T/big10.json")
[ "$code" = 413 ] || fail "10 MB body: HTTP $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T/big.json" "$SERVE/hook")
[ "$code" = 413 ] || fail "chunked 7 MiB body: HTTP $code"
kill -0 "$SERVE_PID" || fail "serve died"

# /v1/check: a template in, the check json out.
printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n' > "$T/t.yaml"
code=$(post /v1/check "$T/t.yaml")
[ "$code" = 200 ] || fail "/v1/check: HTTP $code $(cat "$T/body")"
[ "$(json_get "$T/body" 'd["findings"][0]["rule_id"]')" = test-s3-versioning ] || \
    fail "/v1/check body: $(cat "$T/body")"
[ "$(json_get "$T/body" 'd["summary"]["failed"]')" = 1 ] || fail "/v1/check summary"
printf 'Resources: [unclosed' > "$T/bad.yaml"
[ "$(post /v1/check "$T/bad.yaml")" = 400 ] || fail "/v1/check bad template: not 400"

[ "$(curl -s -o "$T/body" -w '%{http_code}' "$SERVE/healthz")" = 200 ] || fail "/healthz"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE/nope")" = 404 ] || fail "404"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE/hook")" = 405 ] || fail "GET /hook not 405"

# 64 concurrent clients, each checking its own answer.
i=0
while [ $i -lt 64 ]; do
    if [ $((i % 2)) = 0 ]; then f=resource_create_pass; want=SUCCESS; else f=resource_create_fail; want=FAILED; fi
    sed "s/\"tok-[a-z-]*\"/\"tok-par-$i\"/" "$G/$f.req.json" > "$T/par-$i.json"
    echo "$i $want" >> "$T/par.list"
    i=$((i + 1))
done
while read -r i want; do
    ( c=$(curl -s -o "$T/par-$i.out" -w '%{http_code}' --data-binary @"$T/par-$i.json" "$SERVE/hook")
      echo "$i $want $c" > "$T/par-$i.res" ) &
done < "$T/par.list"
wait_n=0
while [ "$(ls "$T"/par-*.res 2>/dev/null | wc -l)" -lt 64 ]; do
    wait_n=$((wait_n + 1)); [ $wait_n -gt 300 ] && fail "concurrent clients did not finish"
    sleep 0.1
done
for r in "$T"/par-*.res; do
    read -r i want c < "$r"
    [ "$c" = 200 ] || fail "client $i: HTTP $c"
    got=$(json_get "$T/par-$i.out" 'd["hookStatus"] + " " + d["clientRequestToken"]')
    [ "$got" = "$want tok-par-$i" ] || fail "client $i: got '$got', expected '$want tok-par-$i'"
done

curl -s "$SERVE/metrics" > "$T/metrics"
grep -q 'parapet_http_requests_total{route="/hook",code="200"} 6[6-9]' "$T/metrics" || \
    fail "metrics: hook 200 count: $(grep requests_total "$T/metrics")"
grep -q 'parapet_http_requests_total{route="/hook",code="413"} 3' "$T/metrics" || fail "metrics 413"
grep -q 'parapet_http_requests_total{route="/hook",code="400"} 4' "$T/metrics" || fail "metrics 400"
grep -q 'parapet_evaluation_seconds_bucket{route="/hook",le="+Inf"}' "$T/metrics" || fail "histogram"
grep -q '^parapet_rule_errors_total 0' "$T/metrics" || fail "rule errors counter"
# One rule set per worker thread at most (4 threads), however many requests.
nrs=$(sed -n 's/^parapet_rulesets_loaded_total //p' "$T/metrics")
[ -n "$nrs" ] && [ "$nrs" -ge 1 ] && [ "$nrs" -le 4 ] || fail "rule sets built: '$nrs' (4 threads)"

# The /hook histogram counts the evaluated answers (200, and 400 for a malformed request the
# hook handler read), never the early 405 and 413 answers.
python3 - "$T/metrics" <<'PY' || fail "histogram counts early answers: $(grep -E 'route="/hook"' "$T/metrics")"
import re, sys
m = open(sys.argv[1]).read()
def v(pat):
    x = re.search(pat, m, re.M)
    return int(x.group(1)) if x else 0
hist = v(r'^parapet_evaluation_seconds_count\{route="/hook"\} (\d+)$')
ok = v(r'^parapet_http_requests_total\{route="/hook",code="200"\} (\d+)$')
bad = v(r'^parapet_http_requests_total\{route="/hook",code="400"\} (\d+)$')
early = v(r'^parapet_http_requests_total\{route="/hook",code="413"\} (\d+)$') + \
        v(r'^parapet_http_requests_total\{route="/hook",code="405"\} (\d+)$')
sys.exit(0 if early > 0 and hist == ok + bad else 1)
PY
grep -q '^parapet_build_info{version="[0-9][^"]*"} 1$' "$T/metrics" || fail "parapet_build_info"
# Prometheus' own linter (Debian: prometheus) when it is installed.
if command -v promtool >/dev/null 2>&1; then
    promtool check metrics < "$T/metrics" > "$T/promtool.out" 2>&1 ||
        fail "promtool check metrics: $(cat "$T/promtool.out")"
else
    echo "promtool not found (Debian: prometheus): metrics lint skipped"
fi

# Graceful stop.
kill -TERM "$SERVE_PID"
n=0
while kill -0 "$SERVE_PID" 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 50 ] && fail "serve did not stop on SIGTERM"
    sleep 0.1
done
wait "$SERVE_PID"; rc=$?
[ $rc = 0 ] || fail "serve exited $rc after SIGTERM"

# A non-loopback address needs a token: refused before binding.
"$PARAPET" serve --listen 0.0.0.0:0 --no-builtin-rules --rules "$RULES" 2>"$T/refuse.err" &
rp=$!
n=0
while kill -0 $rp 2>/dev/null; do
    n=$((n + 1))
    if [ $n -gt 50 ]; then kill $rp; fail "serve started on 0.0.0.0 without a token"; fi
    sleep 0.1
done
wait $rp; rc=$?
[ $rc = 2 ] || fail "refusal exit status $rc"
grep -q 'token-file is required' "$T/refuse.err" || fail "refusal message: $(cat "$T/refuse.err")"

# With a token (on loopback): 401 without it, 200 with it; /healthz stays open.
printf 's3cret-token\n' > "$T/token"
start_serve --no-builtin-rules --rules "$RULES" --token-file "$T/token"
[ "$(post /hook "$G/resource_create_pass.req.json")" = 401 ] || fail "no token: not 401"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Authorization: Bearer wrong' \
    --data-binary @"$G/resource_create_pass.req.json" "$SERVE/hook")
[ "$code" = 401 ] || fail "wrong token: HTTP $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Authorization: Bearer s3cret-token' \
    --data-binary @"$G/resource_create_pass.req.json" "$SERVE/hook")
[ "$code" = 200 ] || fail "right token: HTTP $code"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE/healthz")" = 200 ] || fail "healthz with token"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE/metrics")" = 401 ] || fail "metrics without token"

# Limits: bad values are usage errors; with no shared body budget, a body over the 64 KiB
# allowance gets 503 (busy, Retry-After) while a normal request still gets 200.
for bad in "--max-connections 0" "--idle-timeout-s 0" "--request-timeout-s x" \
           "--max-body-memory-mib -1"; do
    # shellcheck disable=SC2086
    "$PARAPET" serve --listen 127.0.0.1:0 --no-builtin-rules --rules "$RULES" $bad 2>/dev/null
    [ $? = 2 ] || fail "serve $bad: not a usage error"
done
start_serve --no-builtin-rules --rules "$RULES" --max-body-memory-mib 0 --max-connections 64
grep -q '64 connections' "$T/serve.err" || fail "connection limit not reported: $(cat "$T/serve.err")"
head -c 200000 /dev/zero | tr '\0' ' ' > "$T/mid.json"
code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' --data-binary @"$T/mid.json" "$SERVE/hook")
[ "$code" = 503 ] || fail "200 KB body without a body budget: HTTP $code"
[ "$(json_get "$T/body" 'd["error"]["code"]')" = busy ] || fail "503 body: $(cat "$T/body")"
grep -qi '^Retry-After: 1' "$T/hdr" || fail "503 without Retry-After"
[ "$(post /hook "$G/resource_create_pass.req.json")" = 200 ] || fail "small body after a 503"
curl -s "$SERVE/metrics" | grep -q 'parapet_http_dropped_total{reason="body_memory"} 1$' ||
    fail "body_memory drop not counted"
curl -s "$SERVE/metrics" | grep -q '^parapet_http_connections [1-9]' || fail "connection gauge"
echo "serve: all checks passed"
