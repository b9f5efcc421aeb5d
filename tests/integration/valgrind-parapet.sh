#!/bin/sh
# valgrind-parapet.sh — `make valgrind` runs the integration tests with this as $PARAPET: every
# parapet they start runs under memcheck (errors and definite or indirect leaks make it exit 99
# and are logged in $PARAPET_VALGRIND_LOGS, one file per process, which the target then reads).
# The real binary is $PARAPET_VALGRIND_BIN.
: "${PARAPET_VALGRIND_BIN:?PARAPET_VALGRIND_BIN must name the parapet binary}"
: "${PARAPET_VALGRIND_LOGS:?PARAPET_VALGRIND_LOGS must name a folder for the logs}"
# PCRE2's JIT code reads subjects a word at a time past their end, which memcheck reports
# (PCRE2 itself must be built --enable-valgrind to say otherwise): the interpreter here.
PARAPET_PCRE2_JIT=0
export PARAPET_PCRE2_JIT
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --trace-children=no \
    --log-file="$PARAPET_VALGRIND_LOGS/%p.log" "$PARAPET_VALGRIND_BIN" "$@"
