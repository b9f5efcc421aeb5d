"""Verdict extraction and comparison for the differential harness (no subprocesses here,
so selftest.sh can drive it on canned outputs).

Guard (`cfn-guard validate -o json -z -S none`, one entry per data file): a resource is
non-compliant when a failing clause anywhere under `not_compliant` has a value path
`/Resources/<id>/…` (the `from` side of a comparison, the `traversed_to` of an unresolved
query, a block's `unresolved`). Paths on the `to` side (the expected value, which may live
in another resource) are ignored, and only resources of the control's evaluated types count.

Parapet (`check --format json --show-passed`): a resource is non-compliant when it has a
finding with status FAIL for the control; ERROR findings are reported as disagreements of
their own (a rule must not raise on a concrete template).
"""

import fnmatch
import json
import re


def guard_noncompliant(guard_json, types_by_file):
    """{file basename: set(logical ids)} from cfn-guard's structured JSON output.

    guard_json: the parsed list (or a single object); types_by_file: {basename: {id: type}}
    restricted to the control's evaluated types (None = no restriction).
    """
    return guard_noncompliant_ex(guard_json, types_by_file)[0]


def guard_noncompliant_ex(guard_json, types_by_file):
    """As guard_noncompliant, plus the set of files with a failing clause that names no
    resource (e.g. `%var not empty` on a variable: Guard reports `UnResolvedContext` and no
    path); for those the caller must find the failing resources another way."""
    docs = guard_json if isinstance(guard_json, list) else [guard_json]
    out, unattributed = {}, set()
    for doc in docs:
        name = doc.get("name", "")
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        ids = set()
        _walk(doc.get("not_compliant", []), ids)
        if _pathless(doc.get("not_compliant", [])):
            unattributed.add(base)
        allowed = types_by_file.get(base) if types_by_file is not None else None
        if allowed is not None:
            ids = {i for i in ids if i in allowed}
        out[base] = ids
    return out, unattributed


def _pathless(node):
    """True when some failing Clause/Block has no /Resources path in its subtree."""
    if isinstance(node, list):
        return any(_pathless(v) for v in node)
    if not isinstance(node, dict):
        return False
    for k in ("Clause", "Block"):
        if k in node:
            ids = set()
            _walk(node[k], ids)
            if not ids:
                return True
    return any(_pathless(v) for k, v in node.items() if k not in ("messages", "to"))


_RES = re.compile(r"^/Resources/([^/]+)")


def _walk(node, ids, under_to=False):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "to":
                continue
            if k == "path" and isinstance(v, str):
                m = _RES.match(v)
                if m:
                    ids.add(m.group(1))
            elif k in ("messages", "context"):
                continue
            else:
                _walk(v, ids)
    elif isinstance(node, list):
        for v in node:
            _walk(v, ids)


def parapet_verdicts(parapet_json, control_id):
    """({basename: set(FAIL ids)}, {basename: {id: message}} for ERROR findings)."""
    fails, errors = {}, {}
    for f in parapet_json.get("findings", []):
        if control_id not in (f.get("controls") or []):
            continue
        base = (f.get("file") or "").replace("\\", "/").rsplit("/", 1)[-1]
        st = f.get("status")
        if st == "FAIL":
            fails.setdefault(base, set()).add(f.get("resource"))
        elif st == "ERROR":
            errors.setdefault(base, {})[f.get("resource")] = f.get("message")
        else:
            fails.setdefault(base, set())
    return fails, errors


def load_known(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return []
    return data.get("known", data) if isinstance(data, dict) else data


def explain(known, control, logical_id, case, guard_fail, parapet_fail):
    """The reason of the first known.json entry matching this disagreement, or None.

    Entry fields: control (glob), id (regex on the logical id), tag (a case tag from
    cases.json, e.g. "getatt-string"), choice (regex on one of the case's path:tag choices),
    verdict ("guard-only" = Guard fails and Parapet passes, "parapet-only"), reason.
    """
    side = "guard-only" if guard_fail and not parapet_fail else "parapet-only"
    for k in known:
        if not fnmatch.fnmatchcase(control, k.get("control", "*")):
            continue
        if k.get("verdict") and k["verdict"] != side:
            continue
        if k.get("id") and not re.search(k["id"], logical_id):
            continue
        if k.get("tag") and k["tag"] not in (case or {}).get("tags", []):
            continue
        if k.get("choice") and not any(re.search(k["choice"], c)
                                       for c in (case or {}).get("choices", [])):
            continue
        return k.get("reason", "known difference")
    return None


def compare(control, files, gfail, pfail, perrors, cases, known):
    """Per-resource comparison of one control.

    files: {basename: {logical id: type}} of the evaluated resources.
    Returns dict(resources, agree, explained, disagree: [dict], errors: [dict]).
    """
    res = {"resources": 0, "agree": 0, "explained": 0, "disagree": [], "explained_list": []}
    for base in sorted(files):
        g = gfail.get(base, set())
        p = pfail.get(base, set())
        e = perrors.get(base, {})
        for lid in sorted(files[base]):
            res["resources"] += 1
            gv, pv = lid in g, lid in p
            if lid in e:
                res["disagree"].append({"file": base, "id": lid, "guard": "FAIL" if gv else "PASS",
                                        "parapet": "ERROR: %s" % e[lid]})
                continue
            if gv == pv:
                res["agree"] += 1
                continue
            case = (cases or {}).get(base, {}).get(lid)
            why = explain(known, control, lid, case, gv, pv)
            row = {"file": base, "id": lid, "guard": "FAIL" if gv else "PASS",
                   "parapet": "FAIL" if pv else "PASS"}
            if why:
                res["explained"] += 1
                row["reason"] = why
                res["explained_list"].append(row)
            else:
                res["disagree"].append(row)
    return res


def main(argv=None):
    """Compare canned outputs: compare.py CONTROL TYPES TEMPLATE GUARD.json PARAPET.json [KNOWN]
    (TYPES comma separated). Prints one line per disagreement; exit 1 on an unexplained one."""
    import sys
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (5, 6):
        print(main.__doc__, file=sys.stderr)
        return 2
    control, types, template, gpath, ppath = args[:5]
    known = load_known(args[5]) if len(args) == 6 else []
    with open(template, encoding="utf-8") as f:
        tpl = json.load(f)
    base = template.replace("\\", "/").rsplit("/", 1)[-1]
    tset = set(types.split(","))
    files = {base: {lid: r.get("Type") for lid, r in tpl.get("Resources", {}).items()
                    if r.get("Type") in tset}}
    with open(gpath, encoding="utf-8") as f:
        gfail = guard_noncompliant(json.load(f), files)
    with open(ppath, encoding="utf-8") as f:
        pfail, perr = parapet_verdicts(json.load(f), control)
    res = compare(control, files, gfail, pfail, perr, {}, known)
    for d in res["explained_list"]:
        print("explained %s %s guard=%s parapet=%s: %s" % (d["file"], d["id"], d["guard"],
                                                          d["parapet"], d["reason"]))
    for d in res["disagree"]:
        print("DISAGREE %s %s guard=%s parapet=%s" % (d["file"], d["id"], d["guard"], d["parapet"]))
    print("%s: %d resources, %d agree, %d explained, %d disagree" % (
        control, res["resources"], res["agree"], res["explained"], len(res["disagree"])))
    return 1 if res["disagree"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
