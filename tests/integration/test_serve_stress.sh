#!/bin/sh
# test_serve_stress.sh — `parapet serve` under hostile load on 127.0.0.1 (drivers/serve_stress.py):
# 1,000 connections open at once (slow clients trickling a body a byte every 100 ms, clients
# that stall half-way, slowloris bodies that never end, 7 MiB bodies with and without
# Content-Length), 20 keep-alive connections sending 250 requests each, and a probe every
# 250 ms. Checks: every slow client gets its own correct answer; slowloris connections are
# closed after --request-timeout-s (not before); oversize bodies get 413 (or 503 when the
# shared body buffer is full); /healthz and /hook probes are each answered within 10 s; the
# server held all 1,000 connections at once; peak RSS (VmHWM) stays under the bound of
# docs/hook.md ("Limits") for these settings, and RSS 5 s after the run is within 32 MiB of
# before (serve hands freed memory back once a burst drains). Takes about 25 s.
. "$(dirname "$0")/lib.sh"
under_valgrind && skip "valgrind: the stress run's deadlines and memory bounds mean nothing under memcheck (test_serve covers serve there)"
need_python
CONNS=1000
# the driver holds CONNS sockets too, and serve raises its own limit if the hard one allows
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNS + 200)) ]; then
    ulimit -n $((CONNS + 200)) 2>/dev/null ||
        skip "ulimit -n is $(ulimit -n) and cannot be raised to $((CONNS + 200)) (hard limit $(ulimit -Hn)): test skipped"
fi
REQ_TIMEOUT=15
BODY_MIB=64
start_serve --no-builtin-rules --rules "$RULES" --threads 2 --request-timeout-s $REQ_TIMEOUT \
    --max-body-memory-mib $BODY_MIB
port=${SERVE##*:}
# The bound (docs/hook.md): the process before the run + connections x (32 KiB MHD pool +
# 64 KiB body allowance) + the shared body budget + 32 MiB of allocator slack.
base_kb=$(sed -n 's/^VmRSS: *\([0-9]*\) kB/\1/p' "/proc/$SERVE_PID/status")
bound_kb=$((base_kb + (CONNS + 100) * 96 + BODY_MIB * 1024 + 32 * 1024))
growth_kb=$((32 * 1024))
if sanitized_build; then
    echo "AddressSanitizer build: memory bounds not checked"
    bound_kb=$((64 * 1024 * 1024)); growth_kb=$bound_kb
fi
timeout 85 python3 "$HERE/drivers/serve_stress.py" --port "$port" --pid "$SERVE_PID" \
    --pass-req "$HERE/hook/resource_create_pass.req.json" \
    --fail-req "$HERE/hook/resource_create_fail.req.json" --threads 2 --conns $CONNS \
    --request-timeout $REQ_TIMEOUT --hwm-bound-kb $bound_kb --growth-bound-kb $growth_kb \
    >"$T/stress.out" 2>&1
rc=$?
cat "$T/stress.out"
echo "peak RSS bound: $bound_kb KB"
[ $rc = 0 ] || fail "serve stress (driver exit $rc)"
kill -0 "$SERVE_PID" 2>/dev/null || fail "serve died"
if command -v curl >/dev/null 2>&1; then
    curl -s "$SERVE/metrics" > "$T/metrics"
    grep -q 'parapet_http_dropped_total{reason="request_timeout"} 80$' "$T/metrics" ||
        fail "metrics: 80 requests closed for request_timeout expected: $(grep dropped "$T/metrics")"
fi
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "serve did not exit 0 after SIGTERM"
echo "serve stress: all checks passed"
