#!/bin/sh
# SigV4: the C signer (engine/net/sigv4.c, through a small driver linked against libparapet.a)
# and an independent Python implementation (fake/sigv4.py) agree on 500 random requests,
# paths with ':' (Bedrock model ids), spaces, UTF-8, dot segments; queries; session tokens.
. "$(dirname "$0")/lib.sh"
need_python
LIB="$(dirname "$PARAPET")/libparapet.a"
[ -f "$LIB" ] || skip "$LIB not found: test skipped"
# make asan exports PARAPET_TEST_CC / PARAPET_TEST_SAN so the driver links the sanitized library
CC=${PARAPET_TEST_CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "$CC not found: test skipped"
command -v pkg-config >/dev/null 2>&1 || skip "pkg-config not found: test skipped"
# shellcheck disable=SC2046
"$CC" ${PARAPET_TEST_SAN:-} -std=c11 -D_GNU_SOURCE -I"$ROOT" $(pkg-config --cflags jansson) -o "$T/driver" \
   "$HERE/drivers/sigv4_driver.c" "$LIB" $(pkg-config --libs jansson libcrypto libcurl sqlite3 \
   libpcre2-8 lua5.4 yaml-0.1 libmicrohttpd) -lpthread -lm 2>"$T/cc.err" ||
   skip "cannot build the driver (sanitizer build?): $(head -3 "$T/cc.err")"
SEED=${SIGV4_SEED:-$(date +%s)}
(cd "$FAKE" && python3 sigv4_random.py "$SEED" 500 "$T/py.sig") > "$T/reqs.jsonl" ||
    fail "generator failed"
"$T/driver" < "$T/reqs.jsonl" > "$T/c.sig" || fail "driver failed"
n=$(wc -l < "$T/py.sig")
[ "$n" -eq 501 ] || fail "expected 501 signatures, python wrote $n"
if ! cmp -s "$T/py.sig" "$T/c.sig"; then
    line=$(paste -d' ' "$T/py.sig" "$T/c.sig" | awk '$1 != $2 { print NR; exit }')
    fail "seed $SEED: signatures differ first at request $line: $(sed -n "${line}p" "$T/reqs.jsonl")"
fi
echo "sigv4: 501 signatures agree (seed $SEED)"
