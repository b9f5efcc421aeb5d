#!/bin/sh
# Golden cases for `parapet explain`: each NAME.json / NAME.jsonl here is an input and
# NAME.expect says what explain must find. Usage: PARAPET=build/parapet sh tests/cases/explain/run.sh
#
# NAME.expect lines (any order; '#' starts a comment):
#   exit N                      exit status of explain
#   root KB_ID [key=value]...   the next root cause, in order: its kb_id (or kind), and values of
#                               event fields or captures (logical_id=Registry name=hello-world-app)
#   roots N                     number of root causes
#   cascades N                  number of cascade events
#   unmatched N                 number of unmatched failures
#   stderr TEXT                 stderr contains TEXT
#   template LINE [POINTER]     the last root's template_location (explain --template): its line
#                               and JSON pointer
#   confidence C / source S     the last root's confidence / source (kb, fts, anatomy)
#   fix-has TEXT                one of the last root's fix steps contains TEXT
# NAME.args holds extra arguments (split like a shell would); @DIR@ stands for this folder.
# The KB is $PARAPET_KB, else the one next to the binary.
set -u
: "${PARAPET:?set PARAPET to the parapet binary}"
dir=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0
tmp=${TMPDIR:-/tmp}/parapet-explain-cases.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
for exp in "$dir"/*.expect; do
    name=$(basename "$exp" .expect)
    input=""
    for ext in json jsonl txt; do
        [ -f "$dir/$name.$ext" ] && input="$dir/$name.$ext"
    done
    if [ -z "$input" ]; then
        echo "FAIL $name: no input file"; fail=$((fail + 1)); continue
    fi
    args=""
    [ -f "$dir/$name.args" ] && args=$(sed "s#@DIR@#$dir#g" "$dir/$name.args")
    # shellcheck disable=SC2086
    "$PARAPET" explain --format json $args "$input" >"$tmp/out.json" 2>"$tmp/err.txt"
    echo $? >"$tmp/rc"
    if python3 - "$exp" "$tmp" "$name" <<'PY'
import json, sys
exp, tmp, name = sys.argv[1], sys.argv[2], sys.argv[3]
rc = int(open(tmp + "/rc").read())
err = open(tmp + "/err.txt", errors="replace").read()
try:
    out = json.load(open(tmp + "/out.json"))
except Exception:
    out = None
problems = []
roots_seen = 0
for raw in open(exp):
    line = raw.split("#", 1)[0].strip()
    if not line:
        continue
    word, _, rest = line.partition(" ")
    if word == "exit":
        if rc != int(rest):
            problems.append(f"exit {rc}, expected {rest}")
    elif word == "stderr":
        if rest not in err:
            problems.append(f"stderr lacks {rest!r}: {err.strip()!r}")
    elif out is None:
        problems.append(f"no JSON output (exit {rc}): {err.strip()!r}")
        break
    elif word in ("roots", "cascades", "unmatched"):
        key = "root_causes" if word == "roots" else word
        if len(out[key]) != int(rest):
            problems.append(f"{word} {len(out[key])}, expected {rest}")
    elif word == "root":
        parts = rest.split()
        rcs = out["root_causes"]
        if roots_seen >= len(rcs):
            problems.append(f"root {parts[0]}: only {len(rcs)} root causes")
            continue
        r = rcs[roots_seen]
        roots_seen += 1
        if parts[0] not in (r["kb_id"], r["kind"]):
            problems.append(f"root {roots_seen}: {r['kb_id']} ({r['kind']}), expected {parts[0]}")
        for kv in parts[1:]:
            k, _, v = kv.partition("=")
            got = r["captures"].get(k, r["event"].get(k))
            if str(got) != v:
                problems.append(f"root {roots_seen}: {k}={got!r}, expected {v!r}")
    elif word in ("template", "confidence", "source", "fix-has"):
        if not roots_seen:
            problems.append(f"{word}: no root expected before it")
            continue
        r = out["root_causes"][roots_seen - 1]
        if word == "template":
            loc = r.get("template_location")
            parts = rest.split()
            if not loc:
                problems.append("no template_location")
            elif str(loc["line"]) != parts[0] or (len(parts) > 1 and loc["pointer"] != parts[1]):
                problems.append(f"template {loc['line']} {loc['pointer']}, expected {rest}")
        elif word == "fix-has":
            if not any(rest in f for f in r["fix"]):
                problems.append(f"no fix step has {rest!r}: {r['fix']}")
        elif r.get(word) != rest:
            problems.append(f"{word} {r.get(word)!r}, expected {rest!r}")
    else:
        problems.append(f"unknown expectation {word!r}")
for p in problems:
    print(f"FAIL {name}: {p}")
sys.exit(1 if problems else 0)
PY
    then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "explain cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
