#!/usr/bin/env python3
"""make bench-guard: Parapet's control-tower pack against cfn-guard 3.1.1.

1. The EC2, ECS and RDS controls (about 62) on one generated 500-resource template:
   cfn-guard (`-o json`, every Guard file of those controls in one invocation) against
   `parapet check --only 'CT.EC2.*' --only 'CT.ECS.*' --only 'CT.RDS.*' --format json`,
   best of N wall-clock runs each, and the ratio.
2. The whole control-tower pack on a 5,000-resource template (Parapet only): best of N
   and peak RSS.
Rewrites the "Control Tower" section of docs/benchmarks.md. Never fails on speed.

Templates are generated (seeded) by the difftest generator from the Guard files, with
the values each rule compares against, so every control has work to do; resources on
which cfn-guard stops with an evaluation error are dropped so that Guard evaluates the
whole file. They are kept under build/bench/ and reused.
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "difftest"))
import gen  # noqa: E402

GUARD = "tests/.cache/cfnguard/package/bin/ubuntu/x86_64/cfn-guard"
SERVICES = ("CT.EC2.*", "CT.ECS.*", "CT.RDS.*")


def build_template(controls, n, seed, guard, path):
    """n resources drawn round-robin from the controls' generators, Guard-clean."""
    if os.path.exists(path):
        return path
    gens = [gen.Gen(c, seed, 1) for c in controls]
    for g in gens:
        g.force_near = True
    resources, helpers = {}, {}
    i = 0
    while True:
        while len(resources) < n:
            g = gens[i % len(gens)]
            g.peer_ids = []
            types = g.c["types"] or ["AWS::CloudFormation::WaitConditionHandle"]
            lid, res, _ = g.resource(0, g.rng.choice(types))
            lid = "B%05d%s" % (i, re.sub(r"^R\d\d", "", lid))[:60]
            resources[lid] = res
            helpers.update(g.helpers())
            i += 1
        tpl = {"AWSTemplateFormatVersion": "2010-09-09",
               "Description": "bench-guard: %d resources for %d controls" % (n, len(controls)),
               "Resources": dict(resources)}
        for hid, t in helpers.items():
            tpl["Resources"][hid] = {"Type": t, "Properties": {}}
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(tpl, f)
        if guard is None:
            break
        bad = guard_errors(guard, controls, path + ".tmp")
        if not bad:
            break
        for lid in bad:
            resources.pop(lid, None)
    os.replace(path + ".tmp", path)
    return path


def guard_errors(guard, controls, path):
    """Logical ids on which some control's Guard evaluation stops with an error."""
    bad = set()
    for c in controls:
        for _ in range(200):
            p = subprocess.run([guard, "validate", "-r", c["guard"], "-d", path, "-o", "json",
                                "-z", "-S", "none"], capture_output=True, text=True)
            if p.returncode in (0, 19):
                break
            m = re.search(r"/Resources/([A-Za-z0-9]+)", p.stderr + p.stdout)
            if not m:
                raise SystemExit("bench-guard: cfn-guard failed: %s" % p.stderr[:300])
            bad.add(m.group(1))
            with open(path, encoding="utf-8") as f:
                tpl = json.load(f)
            del tpl["Resources"][m.group(1)]
            with open(path, "w", encoding="utf-8") as f:
                json.dump(tpl, f)
    return bad


def best_of(cmd, runs):
    best = None
    rc = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        rc = p.returncode
        best = dt if best is None or dt < best else best
    return best, rc


def peak_rss_kb(cmd):
    if os.access("/usr/bin/time", os.X_OK):
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        last = p.stderr.strip().splitlines()[-1:] or ["?"]
        return last[0].strip()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))


def parapet_rules(parapet, patterns, sel=()):
    cmd = [parapet, "rules", "list", "--format", "json"] + list(sel)
    for p in patterns:
        cmd += ["--only", p]
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return len(json.loads(p.stdout))
    except ValueError:
        return 0


def controls_covered(parapet, sel):
    p = subprocess.run([parapet, "rules", "list", "--pack", "control-tower", "--format", "json"]
                       + list(sel), capture_output=True, text=True)
    try:
        rules = json.loads(p.stdout)
    except ValueError:
        return set()
    return {c for r in rules for c in (r.get("controls") or []) if c.startswith("CT.")}


def machine():
    cpu = ""
    if shutil.which("lscpu"):
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"^Model name:\s*(.+)$", out, re.M)
        cpu = m.group(1).strip() if m else ""
    return "%s cores (`nproc`), %s (`lscpu | grep 'Model name'`), %s %s, load average %.1f " \
        "at the start (other work on the machine inflates every figure)" % (
            os.cpu_count(), cpu or "unknown CPU", platform.system(), platform.release(),
            os.getloadavg()[0])


def write_doc(section):
    doc = os.path.join(ROOT, "docs", "benchmarks.md")
    if os.path.exists(doc):
        with open(doc, encoding="utf-8") as f:
            text = f.read()
    else:
        text = "# Benchmarks\n\nFigures from `make bench*` on the machine named in each section. " \
               "CI never fails on speed.\n"
    pat = re.compile(r"<!-- bench:control-tower -->.*?<!-- /bench:control-tower -->\n?", re.S)
    text = pat.sub(lambda m: section, text) if pat.search(text) else \
        text.rstrip("\n") + "\n\n" + section
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parapet", default="build/parapet")
    ap.add_argument("--guard", default=GUARD)
    ap.add_argument("--ct", default=gen.DEFAULT_CT)
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--guard-runs", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline", default=None,
                    help="another parapet binary (e.g. main's) timed in the same run, same files")
    ap.add_argument("--rules", default=None,
                    help="rule folder instead of the built-in rules (--no-builtin-rules --rules DIR)")
    ap.add_argument("--no-doc", action="store_true")
    a = ap.parse_args()
    os.chdir(ROOT)
    where = machine()

    allc = gen.load_controls(a.ct)
    sub = gen.select(allc, ",".join(SERVICES))
    t500 = build_template(sub, 500, a.seed, a.guard, os.path.join(a.out, "ct-ec2-ecs-rds-500.json"))
    t5k = build_template(allc, 5000, a.seed, None, os.path.join(a.out, "ct-all-5000.json"))

    gcmd = [a.guard, "validate", "-o", "json", "-S", "none", "-d", t500]
    for c in sub:
        gcmd += ["-r", c["guard"]]
    only = []
    for s in SERVICES:
        only += ["--only", s]
    sel = ["--no-builtin-rules", "--rules", a.rules] if a.rules else []
    pcmd = [a.parapet, "check"] + sel + only + ["--format", "json", t500]
    nrules = parapet_rules(a.parapet, SERVICES, sel)

    print("bench-guard: %d Guard files (%s), %d Parapet rules, template %s" % (
        len(sub), " ".join(SERVICES), nrules, t500))
    g, grc = best_of(gcmd, a.guard_runs)
    print("  cfn-guard validate -o json (%d -r files), 500 resources: best of %d %.3f s (exit %d)"
          % (len(sub), a.guard_runs, g, grc))
    p, prc = best_of(pcmd, a.runs)
    print("  parapet check --only CT.EC2.* --only CT.ECS.* --only CT.RDS.*, 500 resources: "
          "best of %d %.1f ms (exit %d)" % (a.runs, p * 1000, prc))
    ratio = g / p if p > 0 else float("inf")
    print("  ratio: parapet is %.0fx faster" % ratio)

    fcmd = [a.parapet, "check"] + sel + ["--pack", "control-tower", "--format", "json", t5k]
    nall = len(json.loads(subprocess.run([a.parapet, "rules", "list", "--pack", "control-tower",
                                          "--format", "json"] + sel, capture_output=True,
                                         text=True).stdout or "[]"))
    f, frc = best_of(fcmd, a.runs)
    rss = peak_rss_kb(fcmd)
    print("  parapet check --pack control-tower (%d rules), 5000 resources: best of %d %.1f ms, "
          "peak RSS %s KB (exit %d)" % (nall, a.runs, f * 1000, rss, frc))

    base_rows = ""
    if a.baseline:
        bp, _ = best_of([a.baseline] + pcmd[1:], a.runs)
        bf, _ = best_of([a.baseline] + fcmd[1:], a.runs)
        print("  baseline %s: 500 resources %.1f ms (%.0fx cfn-guard), 5000 resources %.1f ms; "
              "this binary %.2fx and %.2fx faster" % (a.baseline, bp * 1000, g / bp, bf * 1000,
                                                      bp / p, bf / f))
        base_rows = ("| baseline `%s`, same two commands | same files | %d | %.1f ms (500) · "
                     "%.1f ms (5,000) | |\n\nBaseline in the same run: %.0f× cfn-guard; this binary "
                     "is %.2f× faster on 500 resources and %.2f× on 5,000.\n\n" % (
                         a.baseline, a.runs, bp * 1000, bf * 1000, g / bp, bp / p, bf / f))
    if a.no_doc:
        return 0
    size500, size5k = os.path.getsize(t500), os.path.getsize(t5k)
    with open(t500, encoding="utf-8") as fh:
        n500 = len(json.load(fh)["Resources"])
    with open(t5k, encoding="utf-8") as fh:
        n5k = len(json.load(fh)["Resources"])
    selstr = "--no-builtin-rules --rules %s " % a.rules if a.rules else ""
    ncov = len(controls_covered(a.parapet, sel))
    note = "" if ncov >= len(allc) else (
        "The pack is not complete (%d of %d controls have a rule), so the Parapet figures cover "
        "only those rules.\n\n" % (ncov, len(allc)))
    cmdline = "make bench-guard" if not a.rules else \
        "python3 tests/bench/guard.py --rules %s" % a.rules
    section = (
        "<!-- bench:control-tower -->\n## Control Tower\n\n"
        "Command: `%s`. Machine: %s. Date: %s.\n"
        "Templates generated (seed %s) by the difftest generator from the Guard files, with the "
        "values each rule compares against; resources on which cfn-guard stops with an evaluation "
        "error are left out so that Guard evaluates the whole file. Wall time of the whole process "
        "(`time.perf_counter` around `subprocess.run`), best of N. Peak RSS from "
        "`/usr/bin/time -f %%M`.\n\n"
        "| command | input | runs | wall (best) | peak RSS |\n|---|---|---|---|---|\n"
        "| `cfn-guard validate -o json -S none -d T %s` (cfn-guard 3.1.1, %d EC2/ECS/RDS Guard files) "
        "| %d resources (JSON, %d bytes) | %d | %.3f s | |\n"
        "| `parapet check %s--only 'CT.EC2.*' --only 'CT.ECS.*' --only 'CT.RDS.*' --format json T` "
        "(%d rules) | same file | %d | %.1f ms | |\n"
        "| `parapet check %s--pack control-tower --format json T` (%d rules, %d of %d controls) "
        "| %d resources (JSON, %d bytes) | %d | %.1f ms | %s KB |\n%s\n%s"
        "Ratio on the same work (EC2, ECS, RDS controls, 500 resources): **Parapet %.0f× faster** "
        "than cfn-guard (bar 500×, goal 1,000×).\n<!-- /bench:control-tower -->\n" % (
            cmdline, where, time.strftime("%Y-%m-%d", time.gmtime()), a.seed,
            "-r ct-ec2-pr-1.guard -r …", len(sub), n500, size500, a.guard_runs, g, selstr, nrules,
            a.runs, p * 1000, selstr, nall, ncov, len(allc), n5k, size5k, a.runs, f * 1000, rss,
            base_rows, note, ratio))
    print("bench-guard: wrote %s" % write_doc(section))
    if not a.rules:
        os.makedirs(os.path.join(a.out, "summary"), exist_ok=True)
        with open(os.path.join(a.out, "summary", "guard.tsv"), "w", encoding="utf-8") as fh:
            fh.write("check vs cfn-guard (EC2/ECS/RDS controls, %d resources)\t**%.0f× faster**: "
                     "%.1f ms against %.2f s (best of %d / %d)\t`make bench-guard`\n"
                     % (n500, ratio, p * 1000, g, a.runs, a.guard_runs))
            fh.write("check on 5,000 resources (control-tower pack, %d rules)\t%.1f ms wall (best "
                     "of %d), peak RSS %s KB\t`make bench-guard`\n" % (nall, f * 1000, a.runs, rss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
