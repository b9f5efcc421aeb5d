#!/usr/bin/env python3
"""template_corpus.py — wrong refusals on a corpus of real templates (issue 15).

Usage: python3 tests/bench/template_corpus.py [CORPUS_DIR] [--parapet BIN] [--rules DIR] [--out FILE]
                                             [--lint-cache FILE]

Every file under CORPUS_DIR (default /work/corpus-templates) that looks like a CloudFormation
template (a YAML or JSON map with a Resources section) is linted by cfn-lint and checked by
`parapet check`. A template is *structurally valid* when cfn-lint reports no error of the
template-structure classes (E0xxx: parse and transform, E1xxx: functions and sections, E2xxx:
parameters, E3001: resource shape, E3006: unknown resource type, e.g. SAM types without the
# SAM transform); property-level errors (other E3xxx) do not count, since
Parapet does not validate property schemas. A *wrong refusal* is a structurally valid template
that parapet refuses (exit 2). The script prints the counts and each wrong refusal with
parapet's message; --out writes them as JSON. --lint-cache keeps cfn-lint's verdicts (by path)
between runs, since cfn-lint takes most of the time.

Not part of `make test`: the corpus is fetched by hand and never committed (docs/benchmarks.md
says which repositories and commits). Skips (exit 77) when the corpus or cfn-lint is missing.
"""
import json
import os
import re
import shutil
import subprocess
import sys

STRUCTURAL = re.compile(r"^E(0\d{3}|1\d{3}|2\d{3}|3001|3006)$")


def looks_like_template(path):
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    text = head.decode("utf-8", "replace")
    return re.search(r'(^|\n)\s*"?Resources"?\s*:', text) is not None


def main():
    args = sys.argv[1:]
    corpus, parapet, out, cache = "/work/corpus-templates", "build/parapet", None, None
    rules = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "rules")
    while args:
        a = args.pop(0)
        if a == "--parapet":
            parapet = args.pop(0)
        elif a == "--out":
            out = args.pop(0)
        elif a == "--rules":
            rules = args.pop(0)
        elif a == "--lint-cache":
            cache = args.pop(0)
        else:
            corpus = a
    if not os.path.isdir(corpus):
        print(f"skip: no corpus at {corpus} (fetch template repositories there first)")
        return 77
    lint = shutil.which("cfn-lint")
    if not lint:
        print("skip: cfn-lint is not installed")
        return 77
    files = []
    for root, _dirs, names in os.walk(corpus):
        for n in names:
            if re.search(r"\.(ya?ml|json|template)$", n):
                p = os.path.join(root, n)
                if looks_like_template(p):
                    files.append(p)
    files.sort()
    # cfn-lint in batches (one process per file costs a second each)
    errors = {f: set() for f in files}
    cached = {}
    if cache and os.path.exists(cache):
        with open(cache) as f:
            cached = json.load(f)
    todo = [f for f in files if f not in cached]
    for f in files:
        if f in cached:
            errors[f] = set(cached[f])
    for i in range(0, len(todo), 100):
        batch = todo[i:i + 100]
        r = subprocess.run([lint, "--format", "json", "--non-zero-exit-code", "none", "--"] + batch,
                           capture_output=True, text=True)
        try:
            found = json.loads(r.stdout or "[]")
        except ValueError:
            found = []
            for f in batch:   # one bad file spoils the batch's JSON: lint them one by one
                r1 = subprocess.run([lint, "--format", "json", "--non-zero-exit-code", "none",
                                     "--", f], capture_output=True, text=True)
                try:
                    found += json.loads(r1.stdout or "[]")
                except ValueError:
                    errors[f].add("E0000")
        for m in found:
            rid = m.get("Rule", {}).get("Id", "")
            fn = m.get("Filename", "")
            if fn in errors and rid.startswith("E"):
                errors[fn].add(rid)   # every error kept (the cache too); filtered below
    if cache:
        cached.update({f: sorted(errors[f]) for f in files})
        with open(cache, "w") as f:
            json.dump(cached, f)
    errors = {f: {e for e in errors[f] if STRUCTURAL.match(e)} for f in files}
    valid = [f for f in files if not errors[f]]
    codes = {}
    wrong = []
    totals = {"resources": 0, "unjudged": 0, "sam": 0, "sam_judged": 0, "sam_findings": 0,
              "url_none_fail": 0}
    for f in files:
        r = subprocess.run([parapet, "check", "--format", "json", "--rules", rules, f],
                           capture_output=True, text=True, timeout=120)
        codes[r.returncode] = codes.get(r.returncode, 0) + 1
        try:
            j = json.loads(r.stdout) if r.returncode in (0, 1) else None
        except ValueError:
            j = None
        if j:
            totals["resources"] += j["summary"].get("resources", 0)
            totals["unjudged"] += j["summary"].get("unjudged", 0)
            with open(f, "rb") as fh:
                is_sam = b"AWS::Serverless-2016-10-31" in fh.read(1 << 20)
            if is_sam:
                totals["sam"] += 1
                # findings (FAIL/UNKNOWN) on what the serverless resources are, or became
                mine = [x for x in j["findings"] if x["resource_type"].startswith(
                    ("AWS::Serverless::", "AWS::Lambda::", "AWS::ApiGateway", "AWS::StepFunctions::",
                     "AWS::DynamoDB::", "AWS::IAM::Role"))]
                totals["sam_findings"] += len(mine)
                totals["sam_judged"] += 1 if mine else 0
                totals["url_none_fail"] += 1 if any(
                    x["rule_id"] == "lambda-url-requires-auth" and x["status"] == "FAIL"
                    for x in j["findings"]) else 0
        if r.returncode == 2 and not errors[f]:
            wrong.append({"file": os.path.relpath(f, corpus),
                          "message": (r.stderr.strip().splitlines() or [""])[0]})
    print(f"templates: {len(files)}; cfn-lint structurally valid: {len(valid)}")
    print("parapet exit codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    print("resources checked: {resources}, unjudged: {unjudged}; SAM templates checked: {sam}, "
          "with findings on serverless resources or what they became: {sam_judged} "
          "({sam_findings} findings), with a failing public function URL: {url_none_fail}"
          .format(**totals))
    print(f"wrong refusals (valid for cfn-lint, exit 2 from parapet): {len(wrong)}")
    for w in wrong:
        print(f"  {w['file']}: {w['message'][:300]}")
    if out:
        with open(out, "w") as f:
            json.dump({"templates": len(files), "valid": len(valid), "exit_codes": codes,
                       "totals": totals,
                       "wrong_refusals": wrong,
                       "lint_errors": {os.path.relpath(k, corpus): sorted(v)
                                       for k, v in errors.items() if v}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
