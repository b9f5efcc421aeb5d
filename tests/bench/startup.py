#!/usr/bin/env python3
"""make bench-startup: what a process start costs (issue 20, "Proof").

Task clock of `/bin/true`, `parapet --version` and `parapet check one.yaml` (one
AWS::EC2::SecurityGroup, all packs, the built-in rules cache) from `perf stat -r 15 -e
task-clock`, ROUNDS rounds one after the other, and the instructions of each (valgrind
--tool=callgrind, `Collected`: independent of the machine's load, which moves every task clock
here). Also the instructions of a hook request in one process (`parapet hook
tests/bench/hook_sg.req.json`) and of `rules list`. With --baseline B, binary B is measured in the
same rounds (interleaved), same files. Rewrites the "startup" section of docs/benchmarks.md and
build/bench/summary/startup.tsv. Never fails on speed; a tool that is missing (perf, valgrind)
leaves its column out and says so.

usage: startup.py [--baseline OTHER_PARAPET] [--no-doc] PARAPET
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROUNDS = 3
ONE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
"""


def task_clock(cmd):
    """perf stat -r 15 task-clock of cmd in ms, or None."""
    r = subprocess.run(["perf", "stat", "-r", "15", "-x", ",", "-e", "task-clock"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        parts = line.split(",")
        if len(parts) > 2 and "task-clock" in line:
            try:
                return float(parts[0])
            except ValueError:
                return None
    return None


def instructions(cmd):
    """callgrind's Collected for cmd, or None."""
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : *(\d+)", r.stderr)
    return int(m.group(1)) if m else None


def fmt_m(n):
    return "%.2f M" % (n / 1e6) if n is not None else "—"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("parapet")
    ap.add_argument("--baseline", default=None)
    ap.add_argument("--no-doc", action="store_true")
    a = ap.parse_args()
    os.chdir(ROOT)
    have_perf = shutil.which("perf") is not None
    have_vg = shutil.which("valgrind") is not None
    tmp = tempfile.mkdtemp(prefix="pp-startup-")
    one = os.path.join(tmp, "one.yaml")
    with open(one, "w") as f:
        f.write(ONE)
    hook = os.path.join(ROOT, "tests", "bench", "hook_sg.req.json")
    bins = [("this", a.parapet)] + ([("baseline", a.baseline)] if a.baseline else [])
    cmds = [("`parapet --version`", ["--version"]),
            ("`parapet check one.yaml` (one `AWS::EC2::SecurityGroup`, all packs, built-in cache)",
             ["check", one])]
    load0 = open("/proc/loadavg").read().split()[0]
    clock = {}   # (bin, cmd) -> [ms per round]
    true_ms = []
    for _ in range(ROUNDS if have_perf else 0):
        true_ms.append(task_clock(["/bin/true"]))
        for bname, b in bins:
            for label, args in cmds:
                clock.setdefault((bname, label), []).append(task_clock([b] + args))
    load1 = open("/proc/loadavg").read().split()[0]
    instr = {}
    if have_vg:
        more = [("`parapet hook tests/bench/hook_sg.req.json` (one request, one process)",
                 ["hook", hook]),
                ("`parapet rules list --format json`", ["rules", "list", "--format", "json"])]
        instr["/bin/true"] = {"this": instructions(["/bin/true"])}
        for label, args in cmds + more:
            instr[label] = {bname: instructions([b] + args) for bname, b in bins}
    shutil.rmtree(tmp, ignore_errors=True)

    def ms(v):
        v = [x for x in v if x is not None]
        return " / ".join("%.2f" % x for x in v) + " ms" if v else "—"

    rows = []
    head = "| command | task clock, %d rounds (this) |" % ROUNDS
    sep = "|---|---|"
    if a.baseline:
        head += " task clock (baseline) |"
        sep += "---|"
    head += " instructions (this) |" + (" instructions (baseline) |" if a.baseline else "")
    sep += "---|" + ("---|" if a.baseline else "")
    rows.append("| `/bin/true` | %s |%s %s |%s" % (
        ms(true_ms), " |" if a.baseline else "", fmt_m(instr.get("/bin/true", {}).get("this")),
        " |" if a.baseline else ""))
    labels = [l for l, _ in cmds] + [l for l in instr if l not in ("/bin/true",) and
                                     l not in [c for c, _ in cmds]]
    for label in labels:
        line = "| %s | %s |" % (label, ms(clock.get(("this", label), [])))
        if a.baseline:
            line += " %s |" % ms(clock.get(("baseline", label), []))
        line += " %s |" % fmt_m(instr.get(label, {}).get("this"))
        if a.baseline:
            line += " %s |" % fmt_m(instr.get(label, {}).get("baseline"))
        rows.append(line)
    for r in rows:
        print("bench-startup: " + r)
    check_label = cmds[1][0]
    best_true = min([x for x in true_ms if x is not None], default=None)
    best_check = min([x for x in clock.get(("this", check_label), []) if x is not None],
                     default=None)
    gap = "%.2f ms" % (best_check - best_true) if best_true and best_check else "not measured"
    os.makedirs("build/bench/summary", exist_ok=True)
    with open("build/bench/summary/startup.tsv", "w") as f:
        f.write("check of a one-resource template over /bin/true (task clock, best of %d rounds)"
                "\t%s (bar: 3 ms)\t`make bench-startup`\n" % (ROUNDS, gap))
    if a.no_doc:
        return 0
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    section = (
        "<!-- bench:startup -->\n## Start-up (issue 20, \"Proof\")\n\n"
        "Command: `make bench-startup` (tests/bench/startup.py%s). Machine: %d cores, %s, %s %s; "
        "load average %s at the start, %s after the task-clock rounds. Date: %s.\n"
        "Task clock: `perf stat -r 15 -e task-clock`, one figure per round, the rounds one after "
        "the other%s. Instructions: `valgrind --tool=callgrind`, whole process (independent of "
        "the load). The check of the one-resource template is **%s over `/bin/true`** (best "
        "rounds; bar: within 3 ms).%s\n\n%s\n%s\n%s\n<!-- /bench:startup -->\n" % (
            ", `BENCH_BASELINE=%s`" % a.baseline if a.baseline else "", os.cpu_count(), cpu,
            os.uname().sysname, os.uname().release, load0, load1,
            time.strftime("%Y-%m-%d", time.gmtime()),
            ", this binary and the baseline interleaved" if a.baseline else "", gap,
            "" if have_perf else " perf is missing: no task clock.",
            head, sep, "\n".join(rows)))
    doc = "docs/benchmarks.md"
    text = open(doc, encoding="utf-8").read()
    pat = re.compile(r"<!-- bench:startup -->.*?<!-- /bench:startup -->\n?", re.S)
    if pat.search(text):
        text = pat.sub(lambda m: section, text)
    else:
        anchor = "## Start-up, libraries and report writers"
        i = text.find(anchor)
        text = text[:i] + section + "\n" + text[i:] if i >= 0 else text.rstrip("\n") + "\n\n" + section
    open(doc, "w", encoding="utf-8").write(text)
    print("bench-startup: wrote %s" % doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
