#!/bin/sh
# test_manual.sh — parapet(1) and the completions (generated from --help by docs/man/mkman.py):
# the page passes `mandoc -Tlint` and lists every long option of every command; the bash
# completion completes commands, options and option values in a real bash; the zsh one
# parses in zsh.
. "$(dirname "$0")/lib.sh"
need_python
M="$(dirname "$PARAPET")/man"
[ -f "$M/parapet.1" ] || fail "no $M/parapet.1 (make all builds it)"
if command -v mandoc >/dev/null 2>&1; then
    mandoc -Tlint -W warning "$M/parapet.1" > "$T/lint" 2>&1 || fail "mandoc -Tlint: $(cat "$T/lint")"
else
    echo "mandoc not found (Debian: mandoc): lint skipped"
fi
for c in check rules hook serve lambda explain notify kb state; do
    for o in $("$PARAPET" $c --help 2>&1 | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$M/parapet.1" ||
            fail "parapet(1) lacks $c $o"
        grep -q -- "$o" "$M/parapet.bash" || fail "bash completion lacks $c $o"
        grep -q -- "'$o\[" "$M/_parapet" || fail "zsh completion lacks $c $o"
    done
done
command -v bash >/dev/null 2>&1 || skip "bash not found: completion run skipped"
complete_words() { # complete_words WORD... → the completions of the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _parapet; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$M/parapet.bash" "$@"
}
complete_words parapet ch | grep -qx check || fail "bash: 'parapet ch' does not complete to check"
complete_words parapet check --fo | grep -qx -- --format || fail "bash: check --fo"
[ "$(complete_words parapet check --format '' | sort | tr '\n' ' ')" = "codequality json junit sarif text " ] ||
    fail "bash: check --format values: $(complete_words parapet check --format '')"
complete_words parapet rules '' | grep -qx test || fail "bash: rules sub-commands"
if command -v zsh >/dev/null 2>&1; then
    zsh -n "$M/_parapet" || fail "zsh: the completion does not parse"
fi
echo "manual: all checks passed"
