#!/usr/bin/env python3
"""make bench, last step: one summary table at the top of docs/benchmarks.md.

Reads the one-line figures each benchmark of this run left in build/bench/summary/*.tsv
(benchmark, figure, command; tab-separated) and writes the <!-- bench:summary --> section with
the machine: cores (nproc), CPU model (/proc/cpuinfo), kernel, load average when `make bench`
started, date. A benchmark that did not run this time says so. Never fails on speed.

usage: summary.py [DIR]
"""
import os
import re
import sys
import time

ORDER = [("guard", "check vs cfn-guard", "`make bench-guard`"),
         ("check", "check on 5,000 resources", "`make bench-check`"),
         ("serve", "serve: POST /hook throughput", "`make bench-serve`"),
         ("lambda", "Lambda init", "`make bench-lambda`"),
         ("startup", "check of a one-resource template over /bin/true", "`make bench-startup`"),
         ("explain", "explain throughput", "`make bench-explain`"),
         ("state", "state store: queue + claim + deliver", "`make bench-state`")]


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "build/bench/summary"
    rows = []
    for name, what, cmd in ORDER:
        p = os.path.join(d, name + ".tsv")
        if os.path.exists(p):
            for line in open(p, encoding="utf-8"):
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3:   # a stray tab inside the figure must not drop the row
                    rows.append("| %s | %s | %s |" % (parts[0], " ".join(parts[1:-1]), parts[-1]))
        else:
            rows.append("| %s | not run this time (see the output of `make bench`) | %s |" % (what, cmd))
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = "?"
    lp = os.path.join(d, "loadavg")
    if os.path.exists(lp):
        load = open(lp).read().split()[0]
    u = os.uname()
    section = (
        "<!-- bench:summary -->\n## Summary\n\n"
        "`make bench`, %s UTC. Machine: %d cores (`nproc`), %s, %s %s; load average %s when the "
        "run started (other work on the machine inflates every figure). Details and method in the "
        "sections below.\n\n"
        "| benchmark | figure | command |\n|---|---|---|\n%s\n<!-- /bench:summary -->\n"
        % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), os.cpu_count(), cpu, u.sysname,
           u.release, load, "\n".join(rows)))
    doc = "docs/benchmarks.md"
    text = open(doc, encoding="utf-8").read()
    pat = re.compile(r"<!-- bench:summary -->.*?<!-- /bench:summary -->\n?", re.S)
    if pat.search(text):
        text = pat.sub(lambda m: section, text)
    else:  # right after the title paragraph, before the first section
        i = text.find("<!-- bench:")
        text = text[:i] + section + "\n" + text[i:] if i >= 0 else text.rstrip("\n") + "\n\n" + section
    open(doc, "w", encoding="utf-8").write(text)
    print("bench: summary written to %s" % doc)
    for r in rows:
        print(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
