#!/bin/sh
# test_hostile_rules.sh — rule packs that press on the sandbox's memory limits, generated into a
# temporary folder (drivers/hostile_rules.py), run by `parapet check` on a one-bucket template:
#   plain  1,000 rules that allocate nothing: the footprint of the rule set (the baseline)
#   near   1,000 rules that each allocate ~88% of the 32 MiB per-rule budget and drop it: every
#          rule PASSes or FAILs as it decides (no ERROR), peak RSS under 128 MiB and under the
#          baseline + 2 x 32 MiB + 16 MiB (garbage of at most two rules at once, whatever the
#          number of rules)
#   over   1,000 rules that each go past the budget: 1,000 ERRORs, peak RSS under 128 MiB
#   hoard  1,000 rules that each keep ~27 MiB: the rule set's ceiling (256 MiB) turns the rest
#          into ERRORs, peak RSS under 320 MiB
# The ceilings and why are in docs/internals.md ("Memory ceiling"). About 20 s of CPU.
. "$(dirname "$0")/lib.sh"
need_python
# Under AddressSanitizer the 30 GB of allocations take minutes and RSS says nothing.
sanitized_build && skip "AddressSanitizer build: hostile-rule memory test skipped (run it on make all)"
under_valgrind && skip "valgrind: hostile-rule memory test skipped (hours under memcheck; run it on make all)"
printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n' > "$T/t.yaml"
D="$HERE/drivers/hostile_rules.py"
run() { # run KIND N → JSON line in $T/KIND-N.json
    python3 "$D" "$1" "$2" "$T/$1-$2" "$PARAPET" "$T/t.yaml" > "$T/$1-$2.json" ||
        fail "driver $1 $2: $(cat "$T/$1-$2.json")"
    rm -rf "${T:?}/$1-$2"
    cat "$T/$1-$2.json"
}
# get FILE EXPR: a value of the driver's JSON line
get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
MiB=1024

run plain 1000
run near 1000
f="$T/near-1000.json"
[ "$(get "$f" 'd["exit"]')" = 1 ] || fail "near: exit $(get "$f" 'd["exit"]') (1 expected: findings)"
[ "$(get "$f" 'd["status"]')" = "{'FAIL': 500, 'PASS': 500}" ] ||
    fail "near: $(get "$f" 'd["status"]'), 500 FAIL and 500 PASS expected; $(get "$f" 'd.get("first_error")')"
peak=$(get "$f" 'd["peak_rss_kb"]'); base=$(get "$T/plain-1000.json" 'd["peak_rss_kb"]')
[ "$peak" -lt $((128 * MiB)) ] || fail "near: peak RSS $peak KB, ceiling 128 MiB"
[ "$peak" -lt $((base + 80 * MiB)) ] ||
    fail "near: peak RSS $peak KB, more than the rule set ($base KB) + 80 MiB"

run over 1000
f="$T/over-1000.json"
[ "$(get "$f" 'd["status"]')" = "{'ERROR': 1000}" ] || fail "over: $(get "$f" 'd["status"]')"
[ "$(get "$f" 'd["budget_errors"]')" = 1000 ] || fail "over: not all 'memory budget' errors"
peak=$(get "$f" 'd["peak_rss_kb"]')
[ "$peak" -lt $((128 * MiB)) ] || fail "over: peak RSS $peak KB, ceiling 128 MiB"

run hoard 1000
f="$T/hoard-1000.json"
[ "$(get "$f" 'd["summary"]["rules"]')" = 1000 ] || fail "hoard: did not run every rule"
[ "$(get "$f" 'd["ceiling_errors"]')" -ge 900 ] ||
    fail "hoard: $(get "$f" 'd["ceiling_errors"]') rules stopped by the ceiling, 900 or more expected"
peak=$(get "$f" 'd["peak_rss_kb"]')
[ "$peak" -lt $((320 * MiB)) ] || fail "hoard: peak RSS $peak KB, ceiling 320 MiB"
echo "hostile rules: all checks passed"
