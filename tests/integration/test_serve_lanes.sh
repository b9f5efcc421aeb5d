#!/bin/sh
# test_serve_lanes.sh — `parapet serve` on 127.0.0.1: connections are spread evenly over the
# worker threads (the accepting thread hands each to the one holding the fewest; with
# libmicrohttpd's own pool a burst could land on one worker and leave a core idle), and
# --max-connections holds: one connection past it waits in the listen queue, unanswered, until
# another closes (drivers/serve_lanes.py).
. "$(dirname "$0")/lib.sh"
need_python
start_serve --no-builtin-rules --rules "$RULES" --threads 2 --max-connections 10
port=${SERVE##*:}
timeout 60 python3 "$HERE/drivers/serve_lanes.py" "$port" 10 2 || fail "serve lanes (driver exit $?)"
kill -0 "$SERVE_PID" 2>/dev/null || fail "serve died"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "serve did not exit 0 after SIGTERM"
echo "serve lanes: all checks passed"
