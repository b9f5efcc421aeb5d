#!/bin/sh
# Advisor benchmarks (issue 5): a 100,000-event describe-stack-events file explained end to end,
# and KB matching throughput. Usage: sh tests/bench/explain.sh build/parapet
# Needs python3 (to generate the synthetic inputs) and the KB built next to the binary.
set -eu
PARAPET=${1:-build/parapet}
BUILD=$(dirname "$PARAPET")
tmp=${TMPDIR:-/tmp}/parapet-bench.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import json, sys, glob, re
out = sys.argv[1]
ev = []
for i in range(100000):
    st = "CREATE_IN_PROGRESS" if i % 3 else "CREATE_COMPLETE"
    ev.append({"StackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/big/u", "EventId": f"e{i}",
               "StackName": "big", "LogicalResourceId": f"R{i % 5000}", "PhysicalResourceId": f"p{i}",
               "ResourceType": "AWS::SQS::Queue",
               "Timestamp": f"2023-11-14T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000:03d}000+00:00",
               "ResourceStatus": st, "ResourceStatusReason": "Resource creation Initiated" if st.endswith("PROGRESS") else ""})
ev[99990].update(ResourceStatus="CREATE_FAILED", ResourceStatusReason="Resource handler returned message: \"Resource of type 'AWS::SQS::Queue' with identifier 'jobs' already exists.\" (RequestToken: x, HandlerErrorCode: AlreadyExists)")
for k in range(99991, 100000):
    ev[k].update(ResourceStatus="CREATE_FAILED", ResourceStatusReason="Resource creation cancelled")
json.dump({"StackEvents": list(reversed(ev))}, open(out + "/events-100k.json", "w"), indent=1)
# every KB example message, one per line (single-quoted YAML scalars only: no YAML parser needed)
msgs = []
for f in sorted(glob.glob("kb/*.yaml")):
    in_examples = False
    for line in open(f):
        if not line.startswith(" "):
            in_examples = line.startswith("examples:")
            continue
        m = re.match(r"  - (?:message: )?'(.*)'\s*$", line)
        if in_examples and m:
            msgs.append(m.group(1).replace("''", "'"))
open(out + "/messages.txt", "w").write("\n".join(msgs) + "\n")
PY
size=$(wc -c <"$tmp/events-100k.json")
echo "explain: 100,000 describe-stack-events records ($size bytes)"
best=""
for i in 1 2 3; do
  start=$(date +%s%N)
  "$PARAPET" explain --format json "$tmp/events-100k.json" >"$tmp/out.json"
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
cpu=$( { /usr/bin/time -f '%U %S' "$PARAPET" explain --format json "$tmp/events-100k.json" >/dev/null; } 2>&1 | tail -1 | awk '{printf "%d", ($1 + $2) * 1000}')
echo "explain: best ${best} ms wall, ${cpu} ms CPU"
cc -std=c11 -D_GNU_SOURCE -O2 -I. tests/bench/bench_kb_match.c "$BUILD/libparapet.a" \
   $(pkg-config --cflags --libs jansson yaml-0.1 libpcre2-8 sqlite3) -lm -o "$tmp/bench_kb_match"
match=$("$tmp/bench_kb_match" "$BUILD/kb.db" "$tmp/messages.txt" 50)
echo "$match"
rate=$(echo "$match" | grep -o '[0-9][0-9]*  *messages/s' | head -1)
mkdir -p build/bench/summary
printf 'explain throughput\t100,000 stack events in %s ms (best of 3; %s ms CPU); KB matching %s\t`make bench-explain`\n' \
  "$best" "$cpu" "${rate:-n/a}" > build/bench/summary/explain.tsv
machine="$(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(uname -sr)"
doc=docs/benchmarks.md
[ -f "$doc" ] || printf '# Benchmarks\n\nFigures from `make bench*` on the machine named in each section. CI never fails on speed.\n' > "$doc"
section=$(printf '<!-- bench:explain -->\n## explain (advisor)\n\nCommand: `make bench-explain` (tests/bench/explain.sh). Machine: %s. Date: %s.\n\n| work | figure |\n|---|---|\n| `parapet explain --format json` on 100,000 describe-stack-events records (%s bytes) | best of 3: %s ms wall; %s ms CPU |\n| KB matching, every KB example against the whole KB, 50 rounds | %s |\n<!-- /bench:explain -->\n' "$machine" "$(date -u +%Y-%m-%d)" "$size" "$best" "$cpu" "${rate:-see output}")
python3 - "$doc" "$section" <<'PY2'
import re, sys
path, section = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
pat = re.compile(r"<!-- bench:explain -->.*?<!-- /bench:explain -->\n?", re.S)
text = pat.sub(lambda m: section, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w", encoding="utf-8").write(text)
PY2
echo "bench-explain: wrote $doc"
