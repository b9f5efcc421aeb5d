#!/bin/sh
# pre-commit-build.sh — the parapet-check-build hook (.pre-commit-hooks.yaml): builds parapet
# in the hook's clone of this repository the first time (make; the libraries must be
# installed: `make deps`), then runs it with the hook's arguments and the staged files.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -x "$here/build/parapet" ]; then
    echo "parapet: building in $here (first use of the hook)" >&2
    make -C "$here" -s all >&2
fi
exec "$here/build/parapet" "$@"
