#!/bin/sh
# test_rules_cache.sh — `parapet rules compile` and --rules-cache (engine/rules_cache.h):
# the cached bytecode is what runs (a cached chunk names its file relative to the folder it
# was compiled from, a text chunk by its full path); the built-in rules load to the same
# rule set and the same verdicts with and without the cache; a file whose text changed is
# compiled from its text; a chunk this Lua cannot load falls back to the text; and a damaged
# or foreign cache file is refused with its name and the byte offset.
. "$(dirname "$0")/lib.sh"
need_python
SRC_RULES=$(cd "$HERE/../../rules" && pwd)
EX=$(cd "$HERE/../../examples" && pwd)

# 1. The built-in rules: same list, same findings.
"$PARAPET" rules compile "$SRC_RULES" -o "$T/all.cache" > "$T/compile.out" 2>&1 || \
    fail "rules compile: $(cat "$T/compile.out")"
n=$(find "$SRC_RULES" -name '*.lua' | wc -l)
grep -q "^rules compile: $n files of " "$T/compile.out" || \
    fail "expected '$n files' in: $(cat "$T/compile.out")"
"$PARAPET" rules list --format json > "$T/list.txt" || fail "rules list"
"$PARAPET" rules list --format json --rules-cache "$T/all.cache" > "$T/list.cache" || \
    fail "rules list --rules-cache"
cmp -s "$T/list.txt" "$T/list.cache" || fail "rule list differs with the cache"
for f in web-stack.yaml private-stack.json cdk-synth.json; do
    "$PARAPET" check --format json "$EX/$f" > "$T/check.txt"; a=$?
    "$PARAPET" check --format json --rules-cache "$T/all.cache" "$EX/$f" > "$T/check.cache"; b=$?
    [ "$a" = "$b" ] || fail "$f: exit $a without the cache, $b with it"
    cmp -s "$T/check.txt" "$T/check.cache" || fail "$f: findings differ with the cache"
done

# 2. The bytecode is what runs: a rule that raises an error names its chunk.
mkdir -p "$T/probe"
cat > "$T/probe/probe.lua" <<'EOF'
return {
  id = "cache-probe", title = "probe", severity = "low", types = { "AWS::S3::Bucket" },
  check = function(r, ctx)
    error("boom")
  end,
}
EOF
echo '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {}}}}' > "$T/t.json"
"$PARAPET" rules compile "$T/probe" -o "$T/probe.cache" >/dev/null || fail "compile probe"
run_probe() {
    "$PARAPET" check --no-builtin-rules --rules "$T/probe" --format json "$@" "$T/t.json" \
        > "$T/probe.out" 2>"$T/probe.err"
    json_get "$T/probe.out" 'd["findings"][0]["message"]'
}
m=$(run_probe) || fail "probe run: $(cat "$T/probe.err")"
case "$m" in *"$T/probe/probe.lua:4: boom"*) ;; *) fail "text chunk message: $m";; esac
m=$(run_probe --rules-cache "$T/probe.cache")
case "$m" in *"rule raised an error: probe/probe.lua:4: boom"*) ;;
    *) fail "cached chunk not used: $m";; esac

# 3. Changed text: compiled from the text (the error moves to line 5).
sed -i '1i -- edited after the cache was built' "$T/probe/probe.lua"
m=$(run_probe --rules-cache "$T/probe.cache")
case "$m" in *"$T/probe/probe.lua:5: boom"*) ;; *) fail "stale entry used: $m";; esac

# 4. A chunk this Lua cannot load (its signature damaged): the text again.
sed -i '1d' "$T/probe/probe.lua"
python3 - "$T/probe.cache" "$T/sig.cache" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"\x1bLua")
b[i + 1:i + 4] = b"Xyz"
open(sys.argv[2], "wb").write(bytes(b))
PY
m=$(run_probe --rules-cache "$T/sig.cache") || true
case "$m" in *"$T/probe/probe.lua:4: boom"*) ;; *) fail "bad chunk not refused: $m";; esac

# 5. Damaged, foreign and oversized cache files: exit 2, file and offset named.
expect_refused() {  # FILE EXPECTED-TEXT
    "$PARAPET" check --no-builtin-rules --rules "$T/probe" --rules-cache "$1" "$T/t.json" \
        > /dev/null 2>"$T/refused.err"
    rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, expected 2 ($(cat "$T/refused.err"))"
    grep -q "$1: $2" "$T/refused.err" || fail "$1: expected '$2' in: $(cat "$T/refused.err")"
}
head -c 30 "$T/probe.cache" > "$T/short.cache"
expect_refused "$T/short.cache" "byte 12: expected entry 1 of 1"
printf 'not a cache at all' > "$T/foreign.cache"
expect_refused "$T/foreign.cache" "byte 0: expected a Parapet rules cache"
python3 - "$T/probe.cache" "$T" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
v = bytearray(b); v[5] = 9                       # another Lua version
open(sys.argv[2] + "/version.cache", "wb").write(bytes(v))
c = bytearray(b); c[8:12] = struct.pack("<I", 100001)   # past the entry limit
open(sys.argv[2] + "/count.cache", "wb").write(bytes(c))
t = bytes(b) + b"x"                              # trailing byte
open(sys.argv[2] + "/trail.cache", "wb").write(t)
# two entries in the wrong order: the one entry twice (then the index); an entry is its path
# (u32 length, the bytes, a NUL), two u64 and the bytecode (u32 length, the bytes)
plen = struct.unpack_from("<I", b, 12)[0]
clen = struct.unpack_from("<I", b, 16 + plen + 1 + 16)[0]
end = 16 + plen + 1 + 16 + 4 + clen
body = bytes(b[12:end])
d = bytes(b[:8]) + struct.pack("<I", 2) + body + body + bytes(b[end:])
open(sys.argv[2] + "/dup.cache", "wb").write(d)
PY
expect_refused "$T/version.cache" "byte 4: expected format 3 for Lua 5.4"
expect_refused "$T/count.cache" "byte 8: 100001 entries, more than the limit of 100000"
expect_refused "$T/trail.cache" "byte [0-9]*: expected the end of the file after 1 entries"
expect_refused "$T/dup.cache" "entry 2: expected paths in ascending order"
truncate -s 65M "$T/huge.cache"
expect_refused "$T/huge.cache" "input larger than the 67108864-byte limit"
"$PARAPET" check --rules-cache "$T/missing.cache" "$T/t.json" >/dev/null 2>"$T/missing.err"
[ $? = 2 ] && grep -q "missing.cache: cannot open" "$T/missing.err" || \
    fail "missing cache: $(cat "$T/missing.err")"

# 6. A folder with a rule that does not compile: no cache, the file and line named.
mkdir -p "$T/broken"
printf 'return {\n  id = \n' > "$T/broken/bad.lua"
"$PARAPET" rules compile "$T/broken" -o "$T/broken.cache" 2>"$T/broken.err"
[ $? = 2 ] || fail "compile of a broken rule did not fail"
grep -q "broken/bad.lua:3:" "$T/broken.err" || fail "broken rule: $(cat "$T/broken.err")"
[ -e "$T/broken.cache" ] && fail "a cache was written for a broken folder"
echo "rules cache: bytecode used, same rules and findings, stale and damaged entries handled"
