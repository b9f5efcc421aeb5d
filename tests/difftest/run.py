#!/usr/bin/env python3
"""Differential harness: Parapet's control-tower pack against cfn-guard 3.1.1.

For every Control Tower control (or those DIFFTEST_ONLY selects, e.g. 'CT.EC2.*'):
generate seeded templates (gen.py) under build/difftest/<control>/, run cfn-guard with
that control's Guard file alone and `parapet check --only <control>` on the same files,
compare the set of non-compliant resources, print a table and the first disagreements.

Environment:
  DIFFTEST_ONLY            control globs, comma or space separated ('CT.EC2.*,CT.S3.PR.1')
  DIFFTEST_ALLOW_MISSING=1 controls without a Parapet rule do not fail the run
  DIFFTEST_SEED            generator seed (default 1)
  DIFFTEST_TEMPLATES       templates per control (default 6)
  DIFFTEST_RESOURCES       evaluated resources per template (default 40)
  DIFFTEST_JOBS            parallel controls (default: number of CPUs)
  DIFFTEST_SHOW            disagreements printed per control (default 5)
Exit status: 0 all agree (or explained), 1 unexplained disagreement, error or missing rule.
"""

import argparse
import concurrent.futures as cf
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
import gen      # noqa: E402

GUARD = "tests/.cache/cfnguard/package/bin/ubuntu/x86_64/cfn-guard"


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def parapet_controls(parapet, rules):
    """{control id: [rule ids]} from `parapet rules list`."""
    p = subprocess.run([parapet, "rules", "list", "--no-builtin-rules", "--rules", rules,
                        "--format", "json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("parapet rules list failed: %s" % p.stderr.strip())
    out = {}
    for r in json.loads(p.stdout or "[]"):
        for c in r.get("controls") or []:
            out.setdefault(c, []).append(r["id"])
    return out


def _guard(guard, control, paths):
    cmd = [guard, "validate", "-r", control["guard"], "-o", "json", "-z", "-S", "none"]
    for p in paths:
        cmd += ["-d", p]
    p = subprocess.run(cmd, capture_output=True, text=True)
    # 0: all pass or skip, 19: something failed; anything else is an evaluation error
    if p.returncode in (0, 19):
        return json.loads(p.stdout), None
    return None, (p.stderr or p.stdout).strip()


def run_guard(guard, control, paths):
    """cfn-guard's JSON over all files. Guard aborts a whole file on a type error
    ("Attempting EMPTY operation on type int ... at /Resources/X/..."): such a resource
    gets no verdict from Guard, so it is taken out of the template (for both tools)
    and reported as a Guard error. Returns (json list, {basename: {id: message}})."""
    out, err = _guard(guard, control, paths)
    gerr = {}
    if err is None:
        return out, gerr
    out = []
    for path in paths:
        base = os.path.basename(path)
        for _ in range(60):
            doc, err = _guard(guard, control, [path])
            if err is None:
                out += doc
                break
            m = re.search(r"/Resources/([A-Za-z0-9]+)", err)
            with open(path, encoding="utf-8") as f:
                tpl = json.load(f)
            if not m or m.group(1) not in tpl["Resources"]:
                raise RuntimeError("cfn-guard: %s: %s" % (path, err[:400]))
            gerr.setdefault(base, {})[m.group(1)] = err.split("`")[1] if "`" in err else err[:200]
            del tpl["Resources"][m.group(1)]
            with open(path, "w", encoding="utf-8") as f:
                json.dump(tpl, f, indent=1)
                f.write("\n")
        else:
            raise RuntimeError("cfn-guard: %s: too many evaluation errors" % path)
    return out, gerr


def _refs(node, out):
    """Logical ids a resource references with Ref / Fn::GetAtt (both forms)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "Ref" and isinstance(v, str):
                out.add(v)
            elif k == "Fn::GetAtt":
                if isinstance(v, list) and v and isinstance(v[0], str):
                    out.add(v[0])
                elif isinstance(v, str):
                    out.add(v.split(".")[0])
            _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)
    return out


def guard_per_resource(guard, control, path, evaluated, only=None):
    """Guard's verdict per evaluated resource, for files where a failing clause names no
    resource: one template per resource, with every resource that is not evaluated and the
    evaluated ones it references (so references resolve). In such a template the resource
    fails if a failing clause names it, or if the template fails without a clause naming any
    resource (a path-less clause, or none at all) and every evaluated resource it references
    passes on its own. `only`: judge just these resources (and run the ones they reference).
    Returns (fails, ambiguous)."""
    with open(path, encoding="utf-8") as f:
        tpl = json.load(f)
    res = tpl["Resources"]
    others = {k: v for k, v in res.items() if k not in evaluated}
    d = os.path.join(os.path.dirname(path), "split")
    os.makedirs(d, exist_ok=True)
    refs = {lid: sorted(x for x in _refs(res[lid], set()) if x in evaluated and x != lid)
            for lid in evaluated}
    judged = set(evaluated) if only is None else set(only) & set(evaluated)
    run = set(judged)
    for lid in judged:
        run.update(refs[lid])
    files = []
    for lid in sorted(run):
        keep = dict(others)
        for x in refs[lid] + [lid]:
            keep[x] = res[x]
        p = os.path.join(d, "%s-%s.json" % (os.path.basename(path)[:-5], lid))
        with open(p, "w", encoding="utf-8") as f:
            json.dump(dict(tpl, Resources=keep), f)
        files.append((lid, p))
    attributed, pathless, status = {}, {}, {}
    for i in range(0, len(files), 50):
        chunk = files[i:i + 50]
        doc, err = _guard(guard, control, [p for _, p in chunk])
        if err is not None:
            raise RuntimeError("cfn-guard on split templates: %s" % err[:300])
        byname = {os.path.basename(x["name"]): x for x in doc}
        for lid, p in chunk:
            x = byname.get(os.path.basename(p), {})
            status[lid] = x.get("status")
            ids, unattr = compare.guard_noncompliant_ex([x], None)
            attributed[lid] = set().union(*ids.values()) if ids else set()
            pathless[lid] = bool(unattr)
    fails, ambiguous = set(), set()
    for lid in judged:
        if status[lid] != "FAIL":
            continue
        if lid in attributed[lid]:
            fails.add(lid)
        elif pathless[lid] or not attributed[lid]:
            # alone it fails, or its referenced peers all pass alone: the failure is its own
            if all(status.get(x) != "FAIL" for x in refs[lid]):
                fails.add(lid)
            else:
                ambiguous.add(lid)
    return fails, ambiguous


def run_parapet(parapet, rules, control, paths):
    cmd = [parapet, "check", "--no-builtin-rules", "--rules", rules, "--only", control["id"],
           "--format", "json", "--unknown=pass", "--show-passed"] + paths
    p = subprocess.run(cmd, capture_output=True, text=True)
    try:
        return json.loads(p.stdout)
    except ValueError:
        raise RuntimeError("parapet exit %d, no JSON: %s" % (p.returncode, p.stderr[:400]))


def one(control, a, known, have_rule):
    t0 = time.perf_counter()
    paths, cases = gen.generate(control, a.out, a.seed, a.templates, a.resources)
    types = set(control["types"])
    files = {}
    for base, cs in cases.items():
        files[base] = {lid: c["type"] for lid, c in cs.items() if c["type"] in types}
    row = {"control": control["id"], "guard_name": control["guard_name"],
           "dir": os.path.join(a.out, control["id"]), "resources": sum(len(v) for v in files.values())}
    try:
        gj, gerr = run_guard(a.guard, control, paths)
        for base, ids in gerr.items():
            for lid in ids:
                files.get(base, {}).pop(lid, None)
        row["guard_errors"] = [{"file": b, "id": i, "message": m}
                               for b, ids in sorted(gerr.items()) for i, m in sorted(ids.items())]
        row["resources"] = sum(len(v) for v in files.values())
        gfail, unattr = compare.guard_noncompliant_ex(gj, files)
        for base in sorted(unattr):
            fails, amb = guard_per_resource(a.guard, control, os.path.join(row["dir"], base),
                                            set(files.get(base, {})))
            gfail[base] = fails
            for lid in sorted(amb):      # no verdict we can attribute: left out, like errors
                files[base].pop(lid, None)
                row["guard_errors"].append({"file": base, "id": lid,
                                            "message": "ambiguous: a failing Guard clause names "
                                                       "no resource"})
        row["guard_split"] = sorted(unattr)
        row["resources"] = sum(len(v) for v in files.values())
        row["guard_fail"] = sum(len(v) for v in gfail.values())
        if not have_rule:
            row["status"] = "no parapet rule"
            row["seconds"] = round(time.perf_counter() - t0, 2)
            return row
        pj = run_parapet(a.parapet, a.rules, control, paths)
        pfail, perr = compare.parapet_verdicts(pj, control["id"])
        # Guard can fail a resource without recording any clause for it (`some L[*] == "x"`
        # where an entry of L is an empty list), so a file's report may not name it. Where
        # Parapet fails a resource that Guard's report does not name, ask Guard about that
        # resource alone.
        recheck = {}
        for base in sorted(files):
            if base in unattr:
                continue
            extra = (pfail.get(base, set()) - gfail.get(base, set())) & set(files[base])
            if not extra:
                continue
            fails, amb = guard_per_resource(a.guard, control, os.path.join(row["dir"], base),
                                            set(files[base]), only=extra)
            gfail.setdefault(base, set()).update(fails)
            if fails:
                recheck[base] = sorted(fails)
        row["guard_recheck"] = recheck
        row["guard_fail"] = sum(len(v) for v in gfail.values())
        row["parapet_fail"] = sum(len(v) for v in pfail.values())
        res = compare.compare(control["id"], files, gfail, pfail, perr, cases, known)
        row.update(res)
        for d in row["disagree"] + row["explained_list"]:
            case = cases.get(d["file"], {}).get(d["id"], {})
            d["path"] = os.path.join(row["dir"], d["file"])
            d["choices"] = case.get("choices", [])
        row["status"] = "DISAGREE" if row["disagree"] else "ok"
    except Exception as e:          # noqa: BLE001 - reported per control
        row["status"] = "ERROR"
        row["error"] = str(e)
    row["seconds"] = round(time.perf_counter() - t0, 2)
    return row


def main():
    ap = argparse.ArgumentParser(description="Parapet vs cfn-guard differential harness")
    ap.add_argument("--parapet", default="build/parapet")
    ap.add_argument("--rules", default="rules")
    ap.add_argument("--guard", default=GUARD)
    ap.add_argument("--ct", default=gen.DEFAULT_CT)
    ap.add_argument("--out", default="build/difftest")
    ap.add_argument("--known", default=os.path.join(HERE, "known.json"))
    ap.add_argument("--only", default=os.environ.get("DIFFTEST_ONLY", ""))
    ap.add_argument("--seed", default=os.environ.get("DIFFTEST_SEED", "1"))
    ap.add_argument("--templates", type=int, default=env_int("DIFFTEST_TEMPLATES", 6))
    ap.add_argument("--resources", type=int, default=env_int("DIFFTEST_RESOURCES", 40))
    ap.add_argument("--jobs", type=int, default=env_int("DIFFTEST_JOBS", os.cpu_count() or 2))
    ap.add_argument("--show", type=int, default=env_int("DIFFTEST_SHOW", 5))
    ap.add_argument("--allow-missing", action="store_true",
                    default=os.environ.get("DIFFTEST_ALLOW_MISSING", "") not in ("", "0"))
    a = ap.parse_args()

    for exe in (a.guard, a.parapet):
        if not os.access(exe, os.X_OK):
            raise SystemExit("difftest: %s is missing (make all ct-ref)" % exe)
    controls = gen.select(gen.load_controls(a.ct), a.only)
    if not controls:
        raise SystemExit("difftest: no control matches %r" % a.only)
    known = compare.load_known(a.known)
    have = parapet_controls(a.parapet, a.rules)
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        rows = list(ex.map(lambda c: one(c, a, known, c["id"] in have), controls))
    elapsed = time.perf_counter() - t0

    hdr = "%-22s %9s %5s %6s %6s %7s %9s %8s  %s" % (
        "control", "resources", "g-err", "g-fail", "p-fail", "agree", "explained", "disagree",
        "status")
    print(hdr)
    print("-" * len(hdr))
    tot = {"resources": 0, "agree": 0, "explained": 0, "disagree": 0}
    missing, errors, bad = [], [], []
    for r in rows:
        nd = len(r.get("disagree", []))
        print("%-22s %9d %5s %6s %6s %7s %9s %8s  %s" % (
            r["control"], r["resources"], len(r.get("guard_errors", [])), r.get("guard_fail", "-"), r.get("parapet_fail", "-"),
            r.get("agree", "-"), r.get("explained", "-"), nd if "agree" in r else "-", r["status"]))
        if r["status"] == "no parapet rule":
            missing.append(r["control"])
            continue
        if r["status"] == "ERROR":
            errors.append(r)
            continue
        tot["resources"] += r["resources"]
        tot["agree"] += r["agree"]
        tot["explained"] += r["explained"]
        tot["disagree"] += nd
        if nd:
            bad.append(r)

    for r in bad:
        print("\n%s (%s): %d disagreement(s), templates in %s" % (
            r["control"], r["guard_name"], len(r["disagree"]), r["dir"]))
        for d in r["disagree"][: a.show]:
            print("  %s  %-40s guard=%s parapet=%s" % (d["path"], d["id"], d["guard"], d["parapet"]))
            ch = [c for c in d.get("choices", []) if not c.endswith(":absent")]
            if ch:
                print("      " + "; ".join(ch)[:300])
    for r in errors:
        print("\n%s: ERROR %s" % (r["control"], r.get("error")))
    if missing:
        print("\nno parapet rule (%d): %s" % (len(missing), " ".join(missing)))

    checked = len(rows) - len(missing) - len(errors)
    print("\ndifftest: %d controls (%d compared, %d without a rule, %d errors), %d resources: "
          "%d agree, %d explained, %d disagree  [%.1fs, %d jobs, seed %s]" % (
              len(rows), checked, len(missing), len(errors), tot["resources"], tot["agree"],
              tot["explained"], tot["disagree"], elapsed, a.jobs, a.seed))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "report.json"), "w", encoding="utf-8") as f:
        json.dump({"rows": rows, "totals": tot, "missing": missing}, f, indent=1)
    fail = bool(bad or errors or (missing and not a.allow_missing))
    if missing and not a.allow_missing:
        print("difftest: FAIL — %d control(s) have no Parapet rule "
              "(DIFFTEST_ALLOW_MISSING=1 to compare only the rules that exist)" % len(missing))
    elif fail:
        print("difftest: FAIL")
    else:
        print("difftest: ok")
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
