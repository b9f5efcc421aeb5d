#!/bin/sh
# test_cli_options.sh — one option table for every command (hooks/opt.h, issue 14 step 4):
# on every command and sub-command, --help and -h print that command's usage on stdout and
# exit 0 (and `parapet help CMD` prints the same); an unknown option, an option left without
# its value, and a flag given a value are each one line in one wording on stderr with exit 2;
# "--" ends the options; the environment fallbacks still apply.
. "$(dirname "$0")/lib.sh"
CMDS="check|rules list|rules test|rules compile|hook|serve|lambda|explain|watch|notify|kb build|kb lint|kb search|kb stats|state migrate"
GROUPS="rules kb state"

# every command named by `parapet --help` is covered here
"$PARAPET" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' > "$T/top"
[ -s "$T/top" ] || fail "parapet --help lists no command"
while read -r c; do
    echo "|$CMDS|" | grep -q "|$c[ |]" || fail "command '$c' is not covered by this test"
done < "$T/top"

IFS='|'
for c in $CMDS; do
    unset IFS
    # shellcheck disable=SC2086
    set -- $c
    "$PARAPET" "$@" --help < /dev/null > "$T/help" 2> "$T/help.err" ||
        fail "'parapet $c --help' exits $?"
    [ -s "$T/help.err" ] && fail "'parapet $c --help' wrote on stderr: $(cat "$T/help.err")"
    head -1 "$T/help" | grep -q "^usage: parapet $c " || fail "'parapet $c --help': $(head -1 "$T/help")"
    grep -q '^  -h, --help ' "$T/help" || fail "'parapet $c --help' does not list --help"
    "$PARAPET" "$@" -h < /dev/null > "$T/h" 2>&1 || fail "'parapet $c -h' exits $?"
    cmp -s "$T/help" "$T/h" || fail "'parapet $c -h' differs from --help"
    # --help wins wherever it is, even after a bad option
    "$PARAPET" "$@" --no-such-option --help < /dev/null > "$T/h" 2>&1 ||
        fail "'parapet $c --no-such-option --help' exits $?"
    cmp -s "$T/help" "$T/h" || fail "'parapet $c --no-such-option --help' is not the usage"

    "$PARAPET" "$@" --no-such-option < /dev/null > "$T/out" 2> "$T/err"
    rc=$?
    [ $rc = 2 ] || fail "'parapet $c --no-such-option' exits $rc, not 2"
    [ -s "$T/out" ] && fail "'parapet $c --no-such-option' wrote on stdout"
    printf "parapet %s: unknown option '--no-such-option' (see parapet %s --help)\n" "$c" "$c" > "$T/want"
    cmp -s "$T/want" "$T/err" || fail "'parapet $c --no-such-option' said: $(cat "$T/err")"

    "$PARAPET" "$@" -Z < /dev/null > /dev/null 2> "$T/err"
    [ $? = 2 ] || fail "'parapet $c -Z' is not a usage error"
    printf "parapet %s: unknown option '-Z' (see parapet %s --help)\n" "$c" "$c" > "$T/want"
    cmp -s "$T/want" "$T/err" || fail "'parapet $c -Z' said: $(cat "$T/err")"

    # the first option of the usage that takes a value, given without one
    opt=$(sed -n 's/^  [- ][a-z ][ ,] \(--[a-z][a-z0-9-]*\) [^ ].*/\1/p' "$T/help" | head -1)
    [ -n "$opt" ] || fail "'parapet $c --help' lists no option with a value"
    "$PARAPET" "$@" "$opt" < /dev/null > /dev/null 2> "$T/err"
    [ $? = 2 ] || fail "'parapet $c $opt' (no value) is not a usage error"
    printf "parapet %s: %s needs a value\n" "$c" "$opt" > "$T/want"
    cmp -s "$T/want" "$T/err" || fail "'parapet $c $opt' said: $(cat "$T/err")"
    "$PARAPET" "$@" --help=1 < /dev/null > /dev/null 2> "$T/err"
    [ $? = 2 ] || fail "'parapet $c --help=1' is not a usage error"
    printf "parapet %s: --help takes no value\n" "$c" > "$T/want"
    cmp -s "$T/want" "$T/err" || fail "'parapet $c --help=1' said: $(cat "$T/err")"
    IFS='|'
done
unset IFS

# the commands with sub-commands: the usage of them all, and the same wording for a bad word
for g in $GROUPS; do
    "$PARAPET" "$g" --help > "$T/help" 2>&1 || fail "'parapet $g --help' exits $?"
    head -1 "$T/help" | grep -q "^usage: parapet $g " || fail "'parapet $g --help': $(head -1 "$T/help")"
    "$PARAPET" help "$g" > "$T/h" 2>&1 || fail "'parapet help $g' exits $?"
    cmp -s "$T/help" "$T/h" || fail "'parapet help $g' differs from '$g --help'"
    "$PARAPET" "$g" > /dev/null 2>&1
    [ $? = 2 ] || fail "'parapet $g' without a sub-command is not a usage error"
    "$PARAPET" "$g" --no-such-option > /dev/null 2> "$T/err"
    [ $? = 2 ] || fail "'parapet $g --no-such-option' is not a usage error"
    printf "parapet %s: unknown option '--no-such-option' (see parapet %s --help)\n" "$g" "$g" > "$T/want"
    cmp -s "$T/want" "$T/err" || fail "'parapet $g --no-such-option' said: $(cat "$T/err")"
    "$PARAPET" "$g" no-such-sub > /dev/null 2> "$T/err"
    [ $? = 2 ] || fail "'parapet $g no-such-sub' is not a usage error"
    printf "parapet %s: unknown subcommand 'no-such-sub' (see parapet %s --help)\n" "$g" "$g" > "$T/want"
    cmp -s "$T/want" "$T/err" || fail "'parapet $g no-such-sub' said: $(cat "$T/err")"
done
"$PARAPET" help check > "$T/h" 2>&1 && "$PARAPET" check --help > "$T/help" 2>&1 &&
    cmp -s "$T/help" "$T/h" || fail "'parapet help check' differs from 'check --help'"
"$PARAPET" --no-such-option > /dev/null 2> "$T/err"
[ $? = 2 ] || fail "'parapet --no-such-option' is not a usage error"
grep -qx "parapet: unknown option '--no-such-option' (see parapet --help)" "$T/err" ||
    fail "'parapet --no-such-option' said: $(cat "$T/err")"

# values checked by the table, in one wording
"$PARAPET" check --format=xml x.yaml 2> "$T/err"
[ $? = 2 ] || fail "check --format=xml is not a usage error"
grep -qx "parapet check: --format expects text, json, sarif, junit or codequality, not 'xml'" "$T/err" ||
    fail "check --format=xml said: $(cat "$T/err")"
"$PARAPET" serve --threads 0 2> "$T/err"
[ $? = 2 ] || fail "serve --threads 0 is not a usage error"
grep -qx "parapet serve: --threads expects a number from 1 to 256, not '0'" "$T/err" ||
    fail "serve --threads 0 said: $(cat "$T/err")"

# "--" ends the options: a template named like an option is read as a file
printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n' > "$T/--show-passed"
(cd "$T" && "$PARAPET" check --no-builtin-rules --rules "$RULES" --format json -- --show-passed) > "$T/out" 2> "$T/err"
grep -q '"files": 1' "$T/out" || fail "check -- --show-passed did not read the file: $(cat "$T/err")"
# "--state-db" is "--state"; PARAPET_KB is still the fallback of --kb
PARAPET_KB="$T/no-such.db" "$PARAPET" kb stats > /dev/null 2> "$T/err"
[ $? = 2 ] && grep -q "no-such.db" "$T/err" || fail "kb stats ignores PARAPET_KB: $(cat "$T/err")"
"$PARAPET" kb stats --kb "$T/other.db" > /dev/null 2> "$T/err"
grep -q "other.db" "$T/err" || fail "kb stats --kb: $(cat "$T/err")"
echo "cli options: --help, -h and the usage errors agree on every command"
