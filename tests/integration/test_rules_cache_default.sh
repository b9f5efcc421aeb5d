#!/bin/sh
# test_rules_cache_default.sh — the built-in rules' own cache (build/rules.cache, installed
# beside the rules) is used without being named, gives the same report as compiling the text,
# is ignored when others may write it (a replaced cache would be a way out of the sandbox), and
# --no-rules-cache turns it off.
. "$(dirname "$0")/lib.sh"
need_python
B=$(cd "$(dirname "$PARAPET")" && pwd)
[ -f "$B/rules.cache" ] || skip "no $B/rules.cache (make all builds it): test skipped"
TOP=$HERE/../..
"$PARAPET" check --verbose --format json "$TOP/examples/web-stack.yaml" > "$T/c.json" 2> "$T/c.err"
grep -q "rules cache: $B/rules.cache" "$T/c.err" || fail "the built-in cache is not used: $(grep cache "$T/c.err")"
"$PARAPET" check --no-rules-cache --verbose --format json "$TOP/examples/web-stack.yaml" > "$T/n.json" 2> "$T/n.err"
grep -q "rules cache: none" "$T/n.err" || fail "--no-rules-cache still uses a cache"
cmp -s "$T/c.json" "$T/n.json" || fail "the report differs with and without the cache"
# a copy of the binary beside a group-writable cache does not use it
mkdir -p "$T/bin"
cp "$PARAPET" "$T/bin/parapet"
cp "$B/rules.cache" "$T/bin/rules.cache"
ln -s "$TOP/rules" "$T/rules"   # the copy's built-in folder: ../rules
chmod 664 "$T/bin/rules.cache"
"$T/bin/parapet" check --verbose "$TOP/examples/web-stack.yaml" 2> "$T/w.err" >/dev/null
grep -q "rules cache: none" "$T/w.err" || fail "a group-writable cache was used: $(grep cache "$T/w.err")"
chmod 644 "$T/bin/rules.cache"
"$T/bin/parapet" check --verbose "$TOP/examples/web-stack.yaml" 2> "$T/o.err" >/dev/null
grep -q "rules cache: $T/bin/rules.cache" "$T/o.err" || fail "a cache only its owner writes was not used: $(grep cache "$T/o.err")"
echo "rules cache default: all checks passed"
