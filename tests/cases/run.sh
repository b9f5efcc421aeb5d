#!/bin/sh
# Golden cases: every tests/cases/**/*.case (format in tests/cases/README.md).
set -eu
cd "$(dirname "$0")/../.."
command -v python3 >/dev/null || { echo "cases: SKIP (python3 is missing; make deps installs it)"; exit 0; }
exec python3 tests/cases/run.py "$@"
