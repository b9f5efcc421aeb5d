"""How well `parapet explain` keeps its answer when a message it answers reaches it the way
users paste it: wrapped by a terminal, JSON-escaped inside a log line, with HTML entities or
typographic quotes from a web page, with runs of spaces, inside CloudFormation's handler
wrapper; and, apart, with its last third cut off (a quote that stopped early), and as the same
failure seen in another account, region or partition (other ids). A measure of the matcher's
robustness, not of the KB's knowledge: only train records are used, and only those answered
right as they are.

For each such record and each transformation that changes its text, the transformed message
is explained and counted as kept (the same entry id as the original answer) or lost.

  python3 tests/cases/explain/robust.py [--sample N] [--show-lost]
N (default 400) records are taken at a fixed stride through the train part, so runs compare.
--show-lost prints the lost (transformation, record id) pairs: train ids only.
"""
import concurrent.futures
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


def wrap80(s):
    """A terminal's hard wrap at 80 columns (CDK's console output, copied)."""
    return "\n".join(s[i:i + 80] for i in range(0, len(s), 80))


def json_escaped(s):
    """The message as it sits inside a JSON string of a log line, quotes escaped."""
    return json.dumps(s)[1:-1]


def html_entities(s):
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;") \
            .replace("<", "&lt;").replace(">", "&gt;")


def curly(s):
    """Typographic quotes, as a web page or a chat client renders them."""
    s = re.sub(r"'(?=\w)", "\u2018", s)
    s = s.replace("'", "\u2019")
    s = re.sub(r'"(?=\w)', "\u201c", s)
    return s.replace('"', "\u201d")


def spaces(s):
    """Runs of spaces after punctuation, as in a column-aligned log."""
    return re.sub(r"([:;,.]) ", r"\1   ", s)


def cfn_wrapped(s):
    """Inside CloudFormation's handler wrapper, when it is not there already."""
    if "Resource handler returned message" in s:
        return s
    return (f'Resource handler returned message: "{s}" (RequestToken: '
            '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0, HandlerErrorCode: InvalidRequest)')


def cut_tail(s):
    """The last third cut off, at a space: a quote that stopped early, a truncated preview."""
    n = len(s) * 2 // 3
    k = s.rfind(" ", 0, n)
    return s[:k] if k > 20 else s


TRANSFORMS = (("wrap80", wrap80), ("json-escaped", json_escaped),
              ("html-entities", html_entities), ("curly-quotes", curly), ("spaces", spaces),
              ("cfn-wrapped", cfn_wrapped))
_AWSID = re.compile(r"\b(sg|subnet|vpc|i|ami|eni|rtb|igw|nat|acl|vol|snap|lt|vpce|tgw|pcx|eipalloc|"
                    r"fs|fsmt|db)-([0-9a-f]{8,17})\b")
_ACCT = re.compile(r"(?<!\d)\d{12}(?!\d)")
_REGION = re.compile(r"\b(?:us|eu|ap|ca|sa|me|af|il|mx)-(?:east|west|north|south|central|northeast|"
                     r"southeast|southwest|northwest)-\d\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def other_ids(s):
    """The same failure in another account: other resource ids (the other id length),
    account number, region and request ids. A pattern that wrote one sample's values in
    loses these."""
    s = _AWSID.sub(lambda m: m.group(1) + "-" + ("0badc0ffee1234567" if len(m.group(2)) == 8
                                                 else "a1b2c3d4"), s)
    s = _ACCT.sub(lambda m: "123456789012" if m.group(0) != "123456789012" else "210987654321", s)
    s = _REGION.sub(lambda m: "eu-central-1" if m.group(0) != "eu-central-1" else "ap-southeast-2", s)
    return _UUID.sub("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", s)


def other_partition(s):
    """The same failure in the China or GovCloud partition (arn:aws-cn:, arn:aws-us-gov:)."""
    return s.replace("arn:aws:", "arn:aws-us-gov:")


# Forms that lose text: reported apart (a pattern that needs the whole message loses these;
# one written on the stable core keeps them), not in the "all" line.
LOSSY = (("cut-tail", cut_tail),)
# The same failure elsewhere (other ids, account, region, partition): reported apart too, as a
# measure of how far the patterns are written for the kind rather than for one sample.
ELSEWHERE = (("other-ids", other_ids), ("other-partition", other_partition))


def explain(msg, rtype):
    args = [PARAPET, "explain", "--format", "json", "--message", msg]
    if rtype:
        args += ["--resource-type", rtype]
    p = subprocess.run(args, capture_output=True, timeout=60)
    try:
        rcs = json.loads(p.stdout).get("root_causes") or []
    except ValueError:
        return None
    return rcs[0] if rcs else None


def main(argv):
    sample, show = 400, False
    a = argv[1:]
    while a:
        if a[0] == "--sample" and len(a) > 1:
            sample, a = int(a[1]), a[2:]
        elif a[0] == "--show-lost":
            show, a = True, a[1:]
        else:
            print(f"robust.py: unknown option {a[0]!r}", file=sys.stderr)
            return 2
    train = [r for r in corpus.load() if corpus.split_of(r) == "train" and not r.get("cascade")]
    if not train:
        print("robust: SKIP (no train records)")
        return 77
    step = max(1, len(train) // sample)
    recs = train[::step][:sample]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    base = list(pool.map(lambda r: explain(r["message"], r.get("resource_type")), recs))
    kept = [(r, b) for r, b in zip(recs, base)
            if b and b.get("source") == "kb" and r["kind"] in (b.get("kb_id"), b.get("kind"))]
    print(f"robust: {len(kept)} of {len(recs)} sampled train records answered right as written")
    total_k = total_n = 0
    for name, fn in TRANSFORMS + LOSSY + ELSEWHERE:
        jobs = [(r, b, fn(r["message"])) for r, b in kept]
        jobs = [j for j in jobs if j[2] != j[0]["message"]]
        got = list(pool.map(lambda j: explain(j[2], j[0].get("resource_type")), jobs))
        k = sum(1 for (r, b, _), g in zip(jobs, got)
                if g and g.get("source") == "kb" and g.get("kb_id") == b.get("kb_id"))
        if (name, fn) in TRANSFORMS:
            total_k, total_n = total_k + k, total_n + len(jobs)
        pct = 100.0 * k / len(jobs) if jobs else 100.0
        print(f"robust: {name:14} {k:4} of {len(jobs):4} kept ({pct:.1f}%)")
        if show:
            for (r, b, _), g in zip(jobs, got):
                if not (g and g.get("source") == "kb" and g.get("kb_id") == b.get("kb_id")):
                    print(f"  lost {name} {r['id']} {b.get('kb_id')} -> "
                          f"{g.get('kb_id') if g else None}/{g.get('source') if g else None}")
    pct = 100.0 * total_k / total_n if total_n else 100.0
    print(f"robust: all but lossy  {total_k:4} of {total_n:4} kept ({pct:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
