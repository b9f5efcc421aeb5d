#!/bin/sh
# The race test (issue 18): 8 `parapet lambda` processes on one DynamoDB state table
# (moto_server on loopback, the table made from the deploy template's schema), duplicates,
# reordering, resource and stack events on different processes, a receiver that answers 500
# and 429 at random: exactly one message per failure, with the root cause from the resource
# event; a process killed while it posts leaves a row another delivers after the lease.
# tests/integration/state_race.py has the details; RACE_SEED=N replays one shuffle.
. "$(dirname "$0")/lib.sh"
need_python
need_kb
start_moto
make_table race
export T
# The lease must outlast the slowest delivery. 5 s was too short under AddressSanitizer on a
# loaded 2-core machine (a second message once, at load 9-11); under memcheck everything is
# 20-50 times slower.
LEASE=15; under_valgrind && LEASE=60
PARAPET_STATE_LEASE_SECONDS=$LEASE python3 "$HERE/state_race.py" "$PARAPET" "$RULES" race ||
    fail "state race: $(tail -5 "$T"/lambda-*.err 2>/dev/null | tail -20)"
