#!/bin/sh
# make install puts the binary, the rules and the docs under DESTDIR/PREFIX, and the installed
# binary finds its rules there (run from a folder outside the source tree).
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
exit 0
