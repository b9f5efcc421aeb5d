#!/bin/sh
# test_lazy_libs.sh — issue 20, "libraries loaded by need": check, rules, explain (without
# --ai/--stack), kb and --version never map the network stack (libcurl and everything it pulls
# in, libmicrohttpd, libcrypto), and check, rules and --version not SQLite; serve, hook and
# notify open what they need at first use, kb and the state store SQLite (engine/net/lazy.c). Evidence: the dynamic loader's own log (LD_DEBUG=files names every
# file it maps, linked or dlopen'ed), one file per process.
. "$(dirname "$0")/lib.sh"
under_valgrind && skip "under valgrind the loader log is valgrind's: test skipped"
NET='file=[^ ]*(libcurl|libmicrohttpd|libcrypto|libssl|libnghttp2|libgnutls)\.so'

# loaded NAME CMD...: runs CMD with the loader log in $T/ld.NAME.*; prints the network
# libraries it mapped, one a line (nothing when none).
loaded() {
    name=$1; shift
    LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld.$name" "$@" >"$T/out.$name" 2>"$T/err.$name"
    ls "$T/ld.$name".* >/dev/null 2>&1 || fail "$name: LD_DEBUG_OUTPUT wrote nothing"
    grep -hoE "$NET" "$T/ld.$name".* | sort -u
}

# The loader log is read, not guessed: a linked library shows up in it.
loaded version-libc "$PARAPET" --version >/dev/null
grep -q 'file=libc\.so' "$T"/ld.version-libc.* || \
    fail "the loader log does not name libc: LD_DEBUG is not working here"

TPL="$T/one.yaml"
cat > "$TPL" <<'EOF'
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
EOF
EV="$HERE/../cases/explain/circuit-breaker.json"
[ -f "$EV" ] || fail "missing $EV"

check_none() {
    name=$1; shift
    libs=$(loaded "$name" "$@")
    [ -z "$libs" ] || fail "$name mapped the network stack: $libs"
}
check_none version "$PARAPET" --version
check_none check "$PARAPET" check "$TPL"
grep -q 'SecurityGroup' "$T/out.check" || fail "check did not report: $(head -5 "$T/out.check")"
check_none check-sarif "$PARAPET" check --format sarif "$TPL"   # SHA-256 fingerprints
grep -q 'partialFingerprints' "$T/out.check-sarif" || fail "no SARIF fingerprints"
check_none check-all "$PARAPET" check --format json "$HERE/../../examples/web-stack.yaml"
check_none rules "$PARAPET" rules list
check_none explain "$PARAPET" explain "$EV"
[ -s "$T/out.explain" ] || fail "explain printed nothing: $(cat "$T/err.explain")"
KB="$(dirname "$PARAPET")/kb.db"
if [ -f "$KB" ]; then
    check_none kb "$PARAPET" kb search --kb "$KB" "rate exceeded"
    [ -s "$T/out.kb" ] || fail "kb search printed nothing: $(cat "$T/err.kb")"
fi

# SQLite (lazy.c too): what opens no database does not map it; the KB and the state store do.
for name in version check rules; do
    grep -qE 'file=[^ ]*libsqlite3' "$T/ld.$name".* && fail "$name mapped libsqlite3"
done
if [ -f "$KB" ]; then
    grep -qE 'file=[^ ]*libsqlite3' "$T"/ld.kb.* || fail "kb search did not open libsqlite3"
fi

# hook, notify and serve do open what they need.
libs=$(loaded hook "$PARAPET" hook --rules "$RULES" "$HERE/hook/resource_create_fail.req.json")
echo "$libs" | grep -q libcurl || fail "hook did not open libcurl: $libs $(cat "$T/err.hook")"
libs=$(loaded notify "$PARAPET" notify --to webhook --url "http://127.0.0.1:9/x" --max-attempts 1 --quiet \
    --state-db "$T/state.db" "$EV")
echo "$libs" | grep -q libcurl || fail "notify did not open libcurl: $libs $(cat "$T/err.notify")"
grep -qE 'file=[^ ]*libsqlite3' "$T"/ld.notify.* || fail "notify --state-db did not open libsqlite3"

# (the loader log of every process start_serve runs; only serve maps these)
export LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld.serve"
start_serve --rules "$RULES"
unset LD_DEBUG LD_DEBUG_OUTPUT
libs=$(grep -hoE "$NET" "$T/ld.serve".* | sort -u)
echo "$libs" | grep -q libmicrohttpd || fail "serve did not open libmicrohttpd: $libs"
echo "$libs" | grep -q libcurl || fail "serve did not open libcurl: $libs"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
echo "lazy libraries: check, rules, explain, kb map no network library; hook, notify, serve do;"\
    "check, rules and --version do not map SQLite"
