"""Scores `parapet explain` on the failure corpus (tests/corpus), train and holdout apart.

Each record's message is explained alone (`explain --message M --resource-type T`) and the
first root cause is put in one of four classes:
  right    a knowledge-base pattern answer (source "kb") whose entry id or kind is the
           record's kind; for a cascade record, every root cause marked cascade
  generic  an answer that says it is not specific: the anatomy decoder's guidance, a broad
           entry (`broad: true`) at low confidence, or a text-search hint (source "fts")
  wrong    any other answer: a specific entry of another kind, or any answer claiming high
           confidence that is not right
  none     no answer at all
and "high wrong" counts answers at confidence high that are not right. The holdout figure is
the one to report: its records were never read while entries were written. Of the holdout
misses only counts are printed, by id prefix and by whether the KB has an entry of the kind:
they say where to work without showing what the holdout holds.

  python3 tests/cases/explain/score.py [--details FILE] [--only train|holdout]
                                       [--min-holdout-right PCT] [--max-holdout-high-wrong PCT]
People writing entries use `--only train` (with --details, the train misses to work on); the
holdout lines are for the report.
Holdout records the knowledge base has seen are set aside, not scored, and counted: a record
whose message is one of a KB entry's examples, or whose source page is the source of one
(an example's `source:`, or, for an example from the project's open set, that message's page:
tests/corpus/open-set-sources.json). The first entries (before the split existed) were written from the project's
open set; when a harvester later quoted the same page, its messages landed on whichever side
their URL hashes to, so a few holdout pages had fed an entry. Scoring them would flatter the
holdout figure.
Exit 1 when a --min/--max bound is not met (make cases sets them as regression floors).
Exit 77 (skip) when the corpus folder is empty.
"""
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "corpus"))
import corpus  # noqa: E402

PARAPET = os.environ.get("PARAPET", os.path.join(ROOT, "build", "parapet"))
CLASSES = ("right", "generic", "wrong", "none")
# The open set's messages the first KB entries were written from, with their pages.
SEEN_SOURCES = [os.path.join(ROOT, "tests", "corpus", "open-set-sources.json")]


def broad_ids(kbdir=os.path.join(ROOT, "kb")):
    out = set()
    for p in glob.glob(os.path.join(kbdir, "*.yaml")):
        with open(p, encoding="utf-8") as f:
            text = f.read()
        if re.search(r"^broad:\s*true\s*$", text, re.M):
            m = re.search(r"^id:\s*'?([\w.-]+)", text, re.M)
            if m:
                out.add(m.group(1))
    return out


def _norm(s):
    return " ".join(str(s).split())


def seen_by_kb():
    """(messages, source URLs) the KB was written from: every example's message and source,
    plus the open set's source of an example that came from it. Read from the built kb.db
    (SQLite, the examples column as JSON), so no YAML library is needed."""
    import sqlite3
    msgs, urls = set(), set()
    db = os.environ.get("PARAPET_KB") or os.path.join(os.path.dirname(PARAPET), "kb.db")
    if os.path.exists(db):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        for (ex,) in con.execute("SELECT examples FROM entries"):
            for e in json.loads(ex or "[]"):
                m = e.get("message") if isinstance(e, dict) else e
                if m:
                    msgs.add(_norm(m))
                if isinstance(e, dict) and e.get("source"):
                    urls.add(corpus.norm_url(e["source"]))
        con.close()
    for path in SEEN_SOURCES:
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for m in data.get("messages", []):
            if _norm(m.get("message", "")) in msgs and m.get("source"):
                urls.add(corpus.norm_url(m["source"]))
    return msgs, urls


def kinds_in_kb():
    """The entry ids and kinds of the built kb.db."""
    import sqlite3
    out = set()
    db = os.environ.get("PARAPET_KB") or os.path.join(os.path.dirname(PARAPET), "kb.db")
    if os.path.exists(db):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        cols = [r[1] for r in con.execute("PRAGMA table_info(entries)")]
        for row in con.execute("SELECT id" + (", kind" if "kind" in cols else "") +
                               " FROM entries"):
            out.update(x for x in row if x)
        con.close()
    return out


def explain(rec):
    args = [PARAPET, "explain", "--format", "json", "--message", rec["message"]]
    if rec.get("resource_type"):
        args += ["--resource-type", rec["resource_type"]]
    p = subprocess.run(args, capture_output=True, timeout=60)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return None


def classify(rec, j, broad):
    rcs = (j or {}).get("root_causes") or []
    if not rcs:
        return "none", False, None
    top = rcs[0]
    conf = top.get("confidence")
    src = top.get("source")
    kid, kind = top.get("kb_id"), top.get("kind")
    if rec.get("cascade"):
        ok = all(r.get("cascade") for r in rcs)
        return ("right" if ok else "wrong"), (conf == "high" and not ok), top
    match = rec["kind"] in (kid, kind)
    if src == "kb" and match:
        return "right", False, top
    high_wrong = conf == "high"
    if high_wrong:
        return "wrong", True, top
    if src in ("anatomy", "fts") or (kid in broad and conf == "low"):
        return "generic", False, top
    return "wrong", False, top


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main(argv):
    details = None
    only = None
    floors = {}
    a = argv[1:]
    while a:
        if a[0] == "--details" and len(a) > 1:
            details, a = a[1], a[2:]
        elif a[0] == "--only" and len(a) > 1 and a[1] in ("train", "holdout"):
            only, a = a[1], a[2:]
        elif a[0] in ("--min-holdout-right", "--max-holdout-high-wrong") and len(a) > 1:
            floors[a[0]], a = float(a[1]), a[2:]
        else:
            print(f"score.py: unknown option {a[0]!r}", file=sys.stderr)
            return 2
    recs = corpus.load()
    if not recs:
        print("corpus score: SKIP (tests/corpus/messages is empty)")
        return 77
    broad = broad_ids()
    seen_msgs, seen_urls = seen_by_kb()
    set_aside = 0
    kb_kinds = kinds_in_kb()
    misses = {}   # holdout misses by (id prefix, whether the KB has the kind): counts only
    tally = {s: {c: 0 for c in CLASSES} for s in ("train", "holdout")}
    high = {s: [0, 0] for s in ("train", "holdout")}   # answers at high, of which wrong
    lines = []
    for r in recs:
        s = corpus.split_of(r)
        if only and s != only:
            continue
        if s == "holdout" and (_norm(r["message"]) in seen_msgs or
                               corpus.norm_url(r["source"]) in seen_urls):
            set_aside += 1
            lines.append(f"{s}\tset-aside\t{r['id']}")
            continue
        j = explain(r)
        cls, hw, top = classify(r, j, broad)
        tally[s][cls] += 1
        if top and top.get("confidence") == "high":
            high[s][0] += 1
            high[s][1] += 1 if hw else 0
        if s == "holdout" and cls != "right":
            dom = r["id"].split("-")[0]
            has = "has" if r["kind"] in kb_kinds else "lacks"
            misses[(dom, has)] = misses.get((dom, has), 0) + 1
        got = f"{top.get('kb_id')}/{top.get('source')}/{top.get('confidence')}" if top else "-"
        lines.append(f"{s}\t{cls}\t{r['id']}\twant {r['kind']}\tgot {got}")
    rc = 0
    for s in ("train", "holdout"):
        if only and s != only:
            continue
        t = tally[s]
        n = sum(t.values())
        print(f"corpus {s}: {n} messages: right {t['right']} ({pct(t['right'], n):.1f}%), "
              f"generic {t['generic']}, wrong {t['wrong']}, none {t['none']}; "
              f"high confidence {high[s][0]}, of which wrong {high[s][1]} "
              f"({pct(high[s][1], n):.1f}% of messages; precision "
              f"{pct(high[s][0] - high[s][1], high[s][0]):.1f}%)"
              + (f"; {set_aside} set aside (their page fed a KB entry)"
                 if s == "holdout" and set_aside else ""))
    if misses:
        # Counts only (no kind, no message): where the holdout misses are, so that the next
        # entries go to the right domain and to new kinds or to wider patterns.
        doms = sorted({d for d, _ in misses})
        print("corpus holdout misses (not right), by id prefix: " + ", ".join(
            f"{d} {misses.get((d, 'has'), 0)} of kinds the KB has + "
            f"{misses.get((d, 'lacks'), 0)} it lacks" for d in doms))
    t, n = tally["holdout"], max(1, sum(tally["holdout"].values()))
    lo = floors.get("--min-holdout-right")
    if lo is not None and pct(t["right"], n) < lo:
        print(f"FAIL corpus holdout: right {pct(t['right'], n):.1f}% is under the floor {lo}%")
        rc = 1
    hi = floors.get("--max-holdout-high-wrong")
    if hi is not None and pct(high["holdout"][1], n) > hi:
        print(f"FAIL corpus holdout: high-confidence wrong {pct(high['holdout'][1], n):.1f}% "
              f"is over the ceiling {hi}%")
        rc = 1
    if details:
        with open(details, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
