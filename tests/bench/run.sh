#!/bin/sh
# make bench-check (and make bench): the check benchmarks. Generates 500- and 5,000-resource templates, times
# `parapet check --pack network` (best of 7 wall-clock runs) and reads peak RSS, then
# rewrites the "check" section of docs/benchmarks.md. Never fails on speed.
set -eu
PARAPET=${1:-build/parapet}
out=build/bench
mkdir -p "$out"
command -v python3 >/dev/null || { echo "bench: python3 is missing"; exit 1; }
machine="$(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(uname -sr)"
rows=""
for n in 500 5000; do
  t="$out/network-$n.json"
  # regenerate when the generator changed since the file was made
  [ -f "$t" ] && [ "$t" -nt tests/bench/gen_network.py ] || python3 tests/bench/gen_network.py "$n" "$t"
  read -r best cpu <<EOF2
$(python3 - "$PARAPET" "$t" <<'PY'
import resource, subprocess, sys, time
best = cpu = None
for _ in range(7):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.argv[1], "check", "--pack", "network", "--format", "json", sys.argv[2]],
                   stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    dc = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    best = dt if best is None or dt < best else best
    cpu = dc if cpu is None or dc < cpu else cpu
print(f"{best * 1000:.1f} {cpu * 1000:.1f}")
PY
)
EOF2
  rss=$( { /usr/bin/time -f '%M' "$PARAPET" check --pack network --format json "$t" >/dev/null; } 2>&1 | tail -1 )
  size=$(wc -c < "$t")
  # instructions (valgrind's count) do not depend on what else the machine is doing
  ins="n/a"
  if command -v valgrind >/dev/null 2>&1; then
    ins=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$PARAPET" check --pack network \
          --format json "$t" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ',')
    ins=$(python3 -c "print(f'{int(\"$ins\") / 1e6:.0f} M')" 2>/dev/null || echo n/a)
  fi
  echo "check --pack network, $n resources ($size bytes): best ${best} ms wall, ${cpu} ms CPU, ${ins} instructions, peak RSS ${rss} KB"
  rows="$rows| \`parapet check --pack network --format json\` | $n resources (JSON, $size bytes) | ${best} ms | ${cpu} ms | ${ins} | ${rss} KB |
"
  if [ "$n" = 5000 ]; then
    mkdir -p "$out/summary"
    printf 'check on 5,000 resources (network pack)\t%s ms wall (best of 7), %s ms CPU, peak RSS %s KB\t`make bench-check`\n' \
      "$best" "$cpu" "$rss" > "$out/summary/check.tsv"
  fi
done
doc=docs/benchmarks.md
[ -f "$doc" ] || printf '# Benchmarks\n\nFigures from `make bench*` on the machine named in each section. CI never fails on speed.\n' > "$doc"
section=$(printf '<!-- bench:check -->\n## check (network pack)\n\nCommand: `make bench-check` (tests/bench/run.sh). Machine: %s. Date: %s.\nWhole process (start-up, rule compilation, load, resolve, evaluate, JSON report), best of 7 runs; CPU time is less sensitive than wall time to other load on the machine. Peak RSS from `/usr/bin/time -f %%M`.\n\n| command | input | wall (best of 7) | CPU user+sys (best of 7) | instructions (callgrind) | peak RSS |\n|---|---|---|---|---|---|\n%s<!-- /bench:check -->\n' "$machine" "$(date -u +%Y-%m-%d)" "$rows")
python3 - "$doc" "$section" <<'PY'
import re, sys
path, section = sys.argv[1], sys.argv[2]
section = section.rstrip("\n") + "\n"   # $(...) drops the newline after the end marker
text = open(path, encoding="utf-8").read()
pat = re.compile(r"<!-- bench:check -->.*?<!-- /bench:check -->\n?", re.S)
text = pat.sub(lambda m: section, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w", encoding="utf-8").write(text)
PY
echo "bench: wrote $doc"
