"""The failure corpus: real AWS failure messages quoted from public material, one record each.

Records live in tests/corpus/messages/*.json (a JSON array per file). Each record:
  id           unique, "<DOMAIN>-NNNN"
  message      the failure text, verbatim from the source
  resource_type, status   the CloudFormation context when the source shows it, else null
  source_kind  cfn_stack_event | ecs_stopped_task | ecs_service_event | cdk_output | sam_output |
               cli_error | terraform_error | hook_annotation | doc
  kind         the root-cause kind (kebab-case): why it failed; KB entries carry the same kind
  fix          the right fix, in the project's own words
  source       the URL the message was read at
  cascade      true for summaries that carry no cause

The split. A record is in the *holdout* part when the SHA-256 of its normalised source URL,
read as a number, is 0, 1 or 2 modulo 10 (about 30%); otherwise in *train*. Splitting by URL
keeps every message of one page on the same side, so a holdout message never has a sibling
from the same thread in train. One refinement: an issue mirrored or migrated between
repositories carries the same text under two URLs, so records whose messages are identical
(after trimming white space) are split by the first of their URLs in sort order, and land on
the same side. KB entries and their patterns are written from train only:
`corpus.py train` prints that part and nothing else; the holdout is read only by the scorer
(tests/cases/explain/score.py).

  python3 tests/corpus/corpus.py check            validate every record (exit 1 on a problem)
  python3 tests/corpus/corpus.py stats            counts by split, domain and kind
  python3 tests/corpus/corpus.py train [--domain D] [--kind K]   train records, JSON lines
  python3 tests/corpus/corpus.py kinds            train kinds with their counts
  python3 tests/corpus/corpus.py side URL...      which side a source URL would land on, and
                                                  whether the corpus already quotes it (no text)
  python3 tests/corpus/corpus.py lock             rewrite holdout.ids (only when the holdout
                                                  is meant to change: say so in the commit)

The holdout is pinned: holdout.ids lists the ids of the holdout records (ids only, no text),
and `check` fails when the computed holdout differs from it. Records added later land on
whichever side their URL hashes to; a writer who adds train records cannot move a holdout
record to train unnoticed (an identical message under an earlier-sorting URL would), and a
harvester who adds holdout records has to say so by running `lock`.
"""
import glob
import hashlib
import json
import os
import re
import sys
from urllib.parse import urlsplit, urlunsplit

HERE = os.path.dirname(os.path.abspath(__file__))
MESSAGES = os.path.join(HERE, "messages")
SOURCE_KINDS = {"cfn_stack_event", "ecs_stopped_task", "ecs_service_event", "cdk_output",
                "sam_output", "cli_error", "terraform_error", "hook_annotation", "doc"}
KIND_RE = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
HOLDOUT_MOD, HOLDOUT_BELOW = 10, 3
LOCK = os.path.join(HERE, "holdout.ids")


def norm_url(u):
    """Scheme and host lower-cased, fragment and trailing slash dropped: the same page hashes
    the same however it was quoted."""
    p = urlsplit(u.strip())
    path = p.path.rstrip("/") or "/"
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), path, p.query, ""))


def url_side(url):
    h = int(hashlib.sha256(norm_url(url).encode()).hexdigest(), 16)
    return "holdout" if h % HOLDOUT_MOD < HOLDOUT_BELOW else "train"


def split_of(rec):
    return rec.get("_split") or url_side(rec["source"])


def _assign_splits(recs):
    first = {}
    for r in recs:
        key = " ".join(str(r.get("message", "")).split())
        u = norm_url(str(r.get("source", "")))
        if key not in first or u < first[key]:
            first[key] = u
    for r in recs:
        r["_split"] = url_side(first[" ".join(str(r.get("message", "")).split())])


def load(folder=MESSAGES):
    recs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        domain = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for r in data:
            r["_domain"] = domain
            r["_file"] = os.path.relpath(path)
            recs.append(r)
    _assign_splits(recs)
    return recs


def problems(recs):
    out, ids, seen = [], set(), set()
    for r in recs:
        where = f"{r.get('_file')}: {r.get('id', '?')}"
        for k in ("id", "message", "source_kind", "kind", "fix", "source"):
            if not isinstance(r.get(k), str) or not r[k].strip():
                out.append(f"{where}: expected a non-empty string '{k}'")
        if r.get("id") in ids:
            out.append(f"{where}: duplicate id")
        ids.add(r.get("id"))
        if isinstance(r.get("source"), str) and not r["source"].startswith(("https://", "http://")):
            out.append(f"{where}: expected an http(s) source URL, got {r['source']!r}")
        if r.get("source_kind") not in SOURCE_KINDS:
            out.append(f"{where}: unknown source_kind {r.get('source_kind')!r}")
        if isinstance(r.get("kind"), str) and not KIND_RE.match(r["kind"]):
            out.append(f"{where}: kind {r['kind']!r} is not kebab-case")
        for k in ("resource_type", "status"):
            if r.get(k) is not None and not isinstance(r[k], str):
                out.append(f"{where}: expected '{k}' to be a string or null")
        key = (r.get("message"), norm_url(r.get("source") or ""))
        if key in seen:
            out.append(f"{where}: the same message from the same source twice")
        seen.add(key)
    return out


def holdout_ids(recs):
    return sorted(r["id"] for r in recs if split_of(r) == "holdout" and isinstance(r.get("id"), str))


def lock_problems(recs):
    try:
        with open(LOCK, encoding="utf-8") as f:
            pinned = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except FileNotFoundError:
        return [f"{os.path.relpath(LOCK)}: missing (run `corpus.py lock` once)"]
    now = holdout_ids(recs)
    out = []
    gone, new = sorted(set(pinned) - set(now)), sorted(set(now) - set(pinned))
    if gone:
        out.append(f"{os.path.relpath(LOCK)}: {len(gone)} pinned holdout record(s) are no longer "
                   f"in the holdout: {', '.join(gone[:10])}")
    if new:
        out.append(f"{os.path.relpath(LOCK)}: {len(new)} record(s) joined the holdout: "
                   f"{', '.join(new[:10])} (`corpus.py lock` if that is meant)")
    return out


def public(r):
    return {k: v for k, v in r.items() if not k.startswith("_")}


def main(argv):
    recs = load()
    cmd = argv[1] if len(argv) > 1 else "stats"
    if cmd == "check":
        bad = problems(recs) + lock_problems(recs)
        for b in bad:
            print(b)
        print(f"corpus check: {len(recs)} records, {len(bad)} problems")
        return 1 if bad else 0
    if cmd == "stats":
        by = {"train": [], "holdout": []}
        for r in recs:
            by[split_of(r)].append(r)
        kinds = {r["kind"] for r in recs}
        urls = {norm_url(r["source"]) for r in recs}
        print(f"records {len(recs)}, kinds {len(kinds)}, source URLs {len(urls)}")
        for s, rs in by.items():
            ks = {r["kind"] for r in rs}
            print(f"  {s}: {len(rs)} records, {len(ks)} kinds")
        hk = {r["kind"] for r in by["holdout"]}
        tk = {r["kind"] for r in by["train"]}
        print(f"  holdout kinds also in train: {len(hk & tk)} of {len(hk)}")
        doms = sorted({r["_domain"] for r in recs})
        for d in doms:
            print(f"  {d}: {sum(1 for r in recs if r['_domain'] == d)}")
        return 0
    if cmd == "lock":
        ids = holdout_ids(recs)
        with open(LOCK, "w", encoding="utf-8") as f:
            f.write("# ids of the holdout records (tests/corpus/corpus.py): never read their text\n")
            f.write("".join(i + "\n" for i in ids))
        print(f"corpus lock: {len(ids)} holdout ids pinned in {os.path.relpath(LOCK)}")
        return 0
    if cmd == "side":
        if len(argv) < 3:
            print("corpus.py side: expected one or more URLs", file=sys.stderr)
            return 2
        quoted = {norm_url(r["source"]) for r in recs if isinstance(r.get("source"), str)}
        for u in argv[2:]:
            print(f"{url_side(u)}\t{'in corpus' if norm_url(u) in quoted else 'new'}\t{u}")
        return 0
    if cmd in ("train", "kinds"):
        dom = kind = None
        a = argv[2:]
        while a:
            if a[0] == "--domain" and len(a) > 1:
                dom, a = a[1], a[2:]
            elif a[0] == "--kind" and len(a) > 1:
                kind, a = a[1], a[2:]
            else:
                print(f"corpus.py: unknown option {a[0]!r}", file=sys.stderr)
                return 2
        rs = [r for r in recs if split_of(r) == "train" and (dom is None or r["_domain"] == dom)
              and (kind is None or r["kind"] == kind)]
        if cmd == "train":
            for r in rs:
                print(json.dumps(public(r), ensure_ascii=False))
        else:
            counts = {}
            for r in rs:
                counts[r["kind"]] = counts.get(r["kind"], 0) + 1
            for k in sorted(counts):
                print(f"{counts[k]:3d} {k}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
