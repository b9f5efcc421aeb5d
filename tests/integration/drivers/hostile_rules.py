#!/usr/bin/env python3
"""Driver for tests/integration/test_hostile_rules.sh: writes a pack of N hostile rules into a
folder, runs `parapet check --no-builtin-rules --rules DIR --format json` on a one-bucket
template, and prints one JSON line: exit code, finding counts by status, the first messages,
wall and CPU seconds, and the child's peak RSS (getrusage ru_maxrss, KB).

Kinds (the per-rule budget is 32 MiB, engine/base/limits.h):
  plain  allocates nothing: the footprint of the rule set itself
  near   builds 27 strings of 1 MiB (about 88% of the budget) and drops them; even rules FAIL,
         odd rules PASS
  over   every tenth rule grows 1 MiB at a time past the budget, the others ask for 64 MiB at
         once; every rule must be an ERROR
  hoard  keeps its 27 MiB in a table of its own chunk, so what the rules hold adds up; the
         rule set's ceiling (256 MiB) must stop it
"""
import collections
import json
import os
import resource
import subprocess
import sys
import time

MiB = 1 << 20
BODY = {
    "plain": """
    if %(i)d %% 2 == 0 then return ctx.fail("even rule fails") end
""",
    "near": """
    local t = {}
    local one = string.rep("x", %(piece)d)
    for k = 1, 27 do t[k] = one .. k end
    if #t[27] > 0 and %(i)d %% 2 == 0 then return ctx.fail("even rule fails") end
""",
    "over": """
    local t = {}
    if %(i)d %% 10 == 0 then
      local one = string.rep("x", %(piece)d)
      for k = 1, 64 do t[k] = one .. k end
    else
      t[1] = string.rep("x", 64 * 1024 * 1024)
    end
""",
    "hoard": """
    local one = string.rep("x", %(piece)d)
    for k = 1, 27 do hoard[#hoard + 1] = one .. k end
""",
}


def main():
    kind, n, folder, parapet, template = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        with open(os.path.join(folder, "r%04d.lua" % i), "w") as f:
            f.write('local hoard = {}\nreturn {\n  id = "hostile-%s-%04d",\n'
                    '  title = "allocates close to its budget",\n  severity = "low",\n'
                    '  types = { "AWS::S3::Bucket" },\n  packs = { "hostile" },\n'
                    '  check = function(r, ctx)%s  end,\n}\n'
                    % (kind, i, BODY[kind] % {"piece": MiB - 64, "i": i}))
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    # glibc hands 1 MiB blocks back after each rule and faults them in again for the next,
    # which only costs system time; a high trim threshold keeps the run short on a loaded
    # machine and can only make the measured peak higher, never lower.
    env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.mmap_threshold=4194304:"
               "glibc.malloc.trim_threshold=1073741824")
    p = subprocess.run([parapet, "check", "--no-builtin-rules", "--rules", folder,
                        "--show-passed", "--format", "json", template],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = {"kind": kind, "rules": n, "exit": p.returncode, "wall_s": round(wall, 1),
           "cpu_s": round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 1),
           "peak_rss_kb": r1.ru_maxrss, "stderr": p.stderr.decode(errors="replace")[-300:]}
    try:
        d = json.loads(p.stdout)
        st = collections.Counter(f["status"] for f in d["findings"])
        out["summary"] = d["summary"]
        out["status"] = dict(st)
        errs = [f["message"] for f in d["findings"] if f["status"] == "ERROR"]
        out["first_error"] = errs[0] if errs else None
        out["ceiling_errors"] = sum(1 for f in d["findings"] if "memory ceiling" in f["message"])
        out["budget_errors"] = sum(1 for f in d["findings"] if "memory budget (" in f["message"])
    except ValueError:
        out["status"] = None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
