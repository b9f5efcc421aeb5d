#!/bin/sh
# test_lambda_zip.sh — build/parapet-lambda.zip (make lambda-zip): its layout; no glibc
# symbol newer than 2.34 (Amazon Linux 2023, provided.al2023) in the binary or the bundled
# libraries; every non-glibc library resolves from the zip's lib/; and the unpacked bootstrap,
# in a clean environment, serves a fake Runtime API.
. "$(dirname "$0")/lib.sh"
ZIP="$(dirname "$PARAPET")/parapet-lambda.zip"
[ -f "$ZIP" ] || skip "$ZIP not found (make lambda-zip): test skipped"
command -v unzip >/dev/null 2>&1 || skip "unzip not found: test skipped"
command -v objdump >/dev/null 2>&1 || skip "objdump not found: test skipped"
need_python
D="$T/zip"
mkdir -p "$D"
unzip -q "$ZIP" -d "$D" || fail "unzip failed"
for f in bootstrap parapet; do [ -x "$D/$f" ] || fail "$f missing or not executable"; done
[ -d "$D/lib" ] && [ -d "$D/rules" ] || fail "lib/ or rules/ missing"
# The precompiled rules (bootstrap passes --rules-cache) match the zip's rules.
[ -s "$D/rules.cache" ] || fail "rules.cache missing"
PARAPET_RULES="$D/rules" "$D/parapet" rules list --format json --rules-cache "$D/rules.cache" \
    > "$T/zl.cache" 2>&1 || fail "rules list --rules-cache: $(cat "$T/zl.cache")"
PARAPET_RULES="$D/rules" "$D/parapet" rules list --format json > "$T/zl.txt" 2>&1 || \
    fail "rules list: $(cat "$T/zl.txt")"
cmp -s "$T/zl.txt" "$T/zl.cache" || fail "the zip's rules.cache lists other rules"
# A sanitizer build links libasan/libgcc_s from the build host: not a shippable zip.
objdump -T "$D/parapet" 2>/dev/null | grep -q '__asan_init\|__ubsan_' && \
    skip "sanitizer build: zip checks skipped"

# glibc symbol versions: nothing newer than GLIBC_2.34.
for f in "$D/parapet" "$D"/lib/*; do
    objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sort -u | while read -r v; do
        n=${v#GLIBC_}
        maj=${n%%.*}; rest=${n#*.}; min=${rest%%.*}
        if [ "$maj" -gt 2 ] || { [ "$maj" -eq 2 ] && [ "$min" -gt 34 ]; }; then
            echo "$(basename "$f") needs $v"
        fi
    done
done > "$T/newer"
[ -s "$T/newer" ] && fail "glibc newer than 2.34 required: $(cat "$T/newer")"
# No glibc library itself in the zip.
ls "$D/lib" | grep -Eq '^(libc|libm|libpthread|libdl|librt|ld-linux[^.]*)\.so' && \
    fail "glibc bundled: $(ls "$D/lib")"

# Every library that is not glibc's comes from the zip.
if command -v ldd >/dev/null 2>&1; then
    LD_LIBRARY_PATH="$D/lib" ldd "$D/parapet" > "$T/ldd" 2>&1 || fail "ldd: $(cat "$T/ldd")"
    grep -q 'not found' "$T/ldd" && fail "unresolved: $(cat "$T/ldd")"
    awk '$2 == "=>" { print $1, $3 }' "$T/ldd" | \
        grep -Ev '^(linux-vdso|ld-linux|libc\.so|libm\.so|libpthread|libdl\.so|librt\.so|libresolv|libutil\.so|libanl|libmvec|libnss_)' | \
        while read -r so path; do
            case "$path" in "$D"/lib/*) ;; *) echo "$so from $path";; esac
        done > "$T/outside"
    [ -s "$T/outside" ] && fail "libraries outside the zip: $(cat "$T/outside")"
    # libcurl is not linked but opened at first use (engine/net/lazy.c): payload URLs and
    # EventBridge events need it, so it is in lib/ and so is everything it needs.
    set -- "$D"/lib/libcurl.so.*
    [ -f "$1" ] || fail "libcurl missing from the zip's lib/ (payload URLs and EventBridge events open it)"
    LD_LIBRARY_PATH="$D/lib" ldd "$1" > "$T/ldd.curl" 2>&1 || fail "ldd libcurl: $(cat "$T/ldd.curl")"
    grep -q 'not found' "$T/ldd.curl" && fail "libcurl's dependencies unresolved: $(cat "$T/ldd.curl")"
    awk '$2 == "=>" { print $1, $3 }' "$T/ldd.curl" | \
        grep -Ev '^(linux-vdso|ld-linux|libc\.so|libm\.so|libpthread|libdl\.so|librt\.so|libresolv|libutil\.so|libanl|libmvec|libnss_)' | \
        while read -r so path; do
            case "$path" in "$D"/lib/*) ;; *) echo "$so from $path";; esac
        done > "$T/outside.curl"
    [ -s "$T/outside.curl" ] && fail "libcurl's libraries outside the zip: $(cat "$T/outside.curl")"
fi

# The unpacked bootstrap answers a fake Runtime API, in a clean environment.
mkdir -p "$T/out"
python3 "$FAKE/runtime_api.py" "$T/api.port" "$T/out" "$HERE/hook/resource_create_fail.req.json" \
    2>"$T/api.err" &
PIDS="$PIDS $!"
wait_file "$T/api.port" || fail "fake Runtime API did not start"
env -i PATH=/usr/bin:/bin AWS_LAMBDA_RUNTIME_API="127.0.0.1:$(cat "$T/api.port")" \
    LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld" \
    PARAPET_ARGS="--rules $RULES" timeout 20 "$D/bootstrap" 2>"$T/boot.err"
rc=$?
[ $rc = 124 ] && fail "bootstrap did not exit after the 500"
[ -f "$T/out/req-1.response" ] || fail "no response from bootstrap: $(cat "$T/boot.err")"
[ "$(json_get "$T/out/req-1.response" 'd["clientRequestToken"]')" = tok-create-fail ] || \
    fail "bootstrap response: $(cat "$T/out/req-1.response")"
# ... without opening libcurl: the Runtime API is spoken over a socket (hooks/lambda_rt.h) and
# a hook request without a payload URL needs nothing else (LD_DEBUG=files names each file).
ls "$T"/ld.* >/dev/null 2>&1 || fail "LD_DEBUG_OUTPUT wrote nothing"
grep -h 'file=.*libcurl' "$T"/ld.* | grep -q . && \
    fail "bootstrap opened libcurl for a hook request: $(grep -h 'libcurl' "$T"/ld.* | head -3)"
# What does need it (here a live explain, as an EventBridge event's) opens the zip's libcurl
# under the bootstrap's library path.
rm -f "$T"/ld.*
env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$D/lib" LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld" \
    AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret AWS_MAX_ATTEMPTS=1 \
    timeout 20 "$D/parapet" explain --stack s1 --region us-east-1 --endpoint-url http://127.0.0.1:9 \
    >/dev/null 2>"$T/live.err"
grep -h 'file=.*libcurl' "$T"/ld.* 2>/dev/null | grep -q "$D/lib/libcurl" || \
    fail "the zip's libcurl was not the one opened: $(grep -h 'libcurl' "$T"/ld.* | head -3)"
echo "lambda zip: all checks passed"
