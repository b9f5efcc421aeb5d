"""The open corpus (../shared/corpus/failures-open.json, or $PARAPET_CORPUS): every message is
explained with its root cause. (The corpus scenarios are golden cases in this folder, converted
to the CLI shapes explain reads: s001-*, s002-*, s005-*.)

A message marked "cascade" (a summary such as "The following resource(s) failed…") carries no
cause in its text: it must be recognised as a cascade pointing to where the cause is, not
explained as a cause. Exit 77 (skip) when the corpus is not on this machine.
"""
import json
import os
import subprocess
import sys

PARAPET = os.environ.get("PARAPET", "build/parapet")
HERE = os.path.dirname(os.path.abspath(__file__))
# $PARAPET_CORPUS, else the shared folder beside the checkout (../shared), else the
# workplace's shared folder.
_CANDIDATES = [os.environ.get("PARAPET_CORPUS", ""),
               os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus", "failures-open.json"),
               "/work/shared/corpus/failures-open.json"]
CORPUS = next((c for c in _CANDIDATES if c and os.path.exists(c)), _CANDIDATES[1])


def explain(args, stdin=None):
    p = subprocess.run([PARAPET, "explain", "--format", "json"] + args, input=stdin,
                       capture_output=True, timeout=60)
    try:
        return p.returncode, json.loads(p.stdout)
    except ValueError:
        return p.returncode, None


def main():
    if not os.path.exists(CORPUS):
        print(f"corpus: SKIP ({CORPUS} not found; set PARAPET_CORPUS)")
        return 0
    corpus = json.load(open(CORPUS, encoding="utf-8"))
    bad = []
    for m in corpus["messages"]:
        args = ["--message", m["message"]]
        if m.get("resource_type"):
            args += ["--resource-type", m["resource_type"]]
        rc, j = explain(args)
        rcs = (j or {}).get("root_causes", [])
        got = [(r.get("kb_id"), r.get("kind"), r.get("cascade", False)) for r in rcs]
        ok = bool(rcs) and (
            any(m["root_cause"] in (k, kind) for k, kind, _ in got) or
            (m.get("cascade") and all(c for _, _, c in got)))
        if not ok:
            bad.append(f"{m['id']}: want {m['root_cause']}{' (cascade)' if m.get('cascade') else ''}, got {got}")
    n = len(corpus["messages"])
    for b in bad:
        print("FAIL corpus " + b)
    print(f"corpus: {n - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
