#!/bin/sh
# make install puts the binary, the rules, the knowledge base and the docs under DESTDIR/PREFIX,
# and the installed binary finds its rules and kb.db there (run from a folder outside the source
# tree, with a PREFIX other than the compiled-in default): check, rules list, explain, kb search.
set -u
command -v make >/dev/null || { echo "make is missing"; exit 77; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
build=$(dirname "$PARAPET")
make -s install BUILD="$build" DESTDIR="$d" PREFIX=/opt/pp >/dev/null 2>&1 || { echo "make install failed"; exit 1; }
[ -x "$d/opt/pp/bin/parapet" ] || { echo "no binary"; exit 1; }
[ -f "$d/opt/pp/share/doc/parapet/cli.md" ] || { echo "no docs"; exit 1; }
[ -d "$d/opt/pp/share/parapet/rules/aws" ] || { echo "no rules"; exit 1; }
top=$(pwd)
cd "$d" || exit 1
n=$("$d/opt/pp/bin/parapet" rules list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" -ge 12 ] || { echo "installed binary sees $n rules"; exit 1; }
"$d/opt/pp/bin/parapet" check "$top/examples/web-stack.yaml" >/dev/null
[ $? -eq 1 ] || { echo "installed check: want exit 1"; exit 1; }
[ -f "$d/opt/pp/share/parapet/kb.db" ] || { echo "no kb.db"; exit 1; }
[ -f "$d/opt/pp/share/man/man1/parapet.1" ] || { echo "no parapet(1)"; exit 1; }
[ -f "$d/opt/pp/share/bash-completion/completions/parapet" ] || { echo "no bash completion"; exit 1; }
[ -f "$d/opt/pp/share/zsh/vendor-completions/_parapet" ] || { echo "no zsh completion"; exit 1; }
out=$("$d/opt/pp/bin/parapet" explain --format json --message \
    "The bucket you tried to delete is not empty (Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty)" 2>&1)
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["root_causes"][0]["kb_id"] == "bucket-not-empty", d' \
    || { echo "installed explain did not use the installed kb.db: $out"; exit 1; }
out=$("$d/opt/pp/bin/parapet" kb search bucket not empty 2>&1) || { echo "installed kb search failed: $out"; exit 1; }
echo "$out" | grep -q bucket-not-empty || { echo "installed kb search: $out"; exit 1; }
exit 0
