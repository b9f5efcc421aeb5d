#!/bin/sh
# test_cli_conventions.sh — what users of any CLI expect (issue 19, item 7): --help on every
# command and sub-command prints its usage and exits 0 (kb search --help does not search for
# "--help"); colour only on a terminal, off for a non-empty NO_COLOR (no-color.org: an empty one
# does not count) and for TERM=dumb; `check` reads a pipe without '-'; `check DIR` walks it.
. "$(dirname "$0")/lib.sh"
need_python
for c in check rules "rules list" "rules test" "rules compile" explain notify kb "kb build" \
         "kb lint" "kb search" "kb stats" hook serve lambda; do
    # shellcheck disable=SC2086
    "$PARAPET" $c --help > "$T/help.out" 2> "$T/help.err" || fail "'parapet $c --help' exits $?: $(cat "$T/help.err")"
    grep -q '^usage: parapet' "$T/help.out" || fail "'parapet $c --help' prints no usage on stdout"
done
"$PARAPET" kb lint --help | grep -q 'parapet kb lint' || fail "kb lint --help: not the kb usage"
"$PARAPET" kb search --help | grep -q 'parapet kb search' || fail "kb search --help searched"
printf 'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: d\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n' > "$T/sg.yaml"
# colour on a pseudo-terminal, per environment
tty_out() { # tty_out ENV-ASSIGNMENTS… → ESC or PLAIN: whether `check` wrote colour on a pty
    env -u NO_COLOR -u TERM TERM=xterm "$@" \
        python3 "$HERE/drivers/pty_run.py" "$T/tty.out" -- "$PARAPET" check --pack network "$T/sg.yaml" >/dev/null
    if LC_ALL=C grep -q "$(printf '\033')\[" "$T/tty.out"; then echo ESC; else echo PLAIN; fi
}
[ "$(tty_out)" = ESC ] || fail "no colour on a terminal"
[ "$(tty_out NO_COLOR=)" = ESC ] || fail "an empty NO_COLOR turned colour off"
[ "$(tty_out NO_COLOR=1)" = PLAIN ] || fail "NO_COLOR=1 kept colour"
[ "$(tty_out TERM=dumb)" = PLAIN ] || fail "TERM=dumb got colour"
# a pipe, without '-'
out=$(cat "$T/sg.yaml" | "$PARAPET" check --pack network --format json)
[ $? = 1 ] || fail "check from a pipe: want exit 1"
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["summary"]["failed"] > 0' ||
    fail "check from a pipe: no findings"
echo "cli conventions: all checks passed"
