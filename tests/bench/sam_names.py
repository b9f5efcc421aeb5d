#!/usr/bin/env python3
"""sam_names.py — does Parapet's SAM transform (engine/sam.c) make the resources SAM makes?

Usage: python3 tests/bench/sam_names.py GIT_DIR_OF_SAM [--parapet BIN]

GIT_DIR_OF_SAM is a git directory of aws/serverless-application-model (a fetched mirror; never
committed here). For every translator test that has an input and an expected output
(tests/translator/input/X.yaml, tests/translator/output/X.json; the error_ ones left out), the
input is checked by parapet (with the SAM Transform line added when the test omits it), and the
logical ids of the judged types in SAM's own output are compared with the resources parapet's
findings name. Ids with SAM's 10-hex-digit content hash are compared without it (parapet does
not compute SAM's hashes). Prints the counts and the ids most often missing or extra.
Not part of `make test`; skips (exit 77) without the repository.
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

TYPES = {"AWS::Lambda::Function", "AWS::IAM::Role", "AWS::Lambda::Url", "AWS::Lambda::Alias",
         "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Api",
         "AWS::ApiGatewayV2::Stage", "AWS::DynamoDB::Table", "AWS::StepFunctions::StateMachine",
         "AWS::Lambda::LayerVersion"}


def main():
    args = sys.argv[1:]
    if not args or not os.path.isdir(args[0]):
        print("skip: pass the git directory of a fetched aws/serverless-application-model")
        return 77
    gd, parapet = args[0], "build/parapet"
    if "--parapet" in args:
        parapet = args[args.index("--parapet") + 1]
    rules = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "rules")

    def git(*a):
        return subprocess.run(["git", "--git-dir=" + gd] + list(a), capture_output=True,
                              text=True).stdout

    outs = [p for p in git("ls-tree", "-r", "--name-only", "HEAD",
                           "tests/translator/output").splitlines()
            if re.match(r"tests/translator/output/[^/]+\.json$", p) and "/error_" not in p]
    stats, miss, extra = collections.Counter(), collections.Counter(), collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.yaml")
        for o in outs:
            name = os.path.basename(o)[:-5]
            text = git("show", f"HEAD:tests/translator/input/{name}.yaml")
            if not text:
                continue
            try:
                res = json.loads(git("show", "HEAD:" + o)).get("Resources", {})
            except ValueError:
                continue
            if "Transform" not in text:
                text = "Transform: AWS::Serverless-2016-10-31\n" + text
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run([parapet, "check", "--format", "json", "--show-passed", "--rules",
                                rules, path], capture_output=True, text=True)
            if r.returncode == 2:
                stats["refused"] += 1
                continue
            stats["checked"] += 1
            found = json.loads(r.stdout)["findings"]
            seen_types = {f["resource_type"] for f in found}
            got = {f["resource"] for f in found if f["resource_type"] in TYPES}
            want = {re.sub(r"[0-9a-f]{10}$", "", k) for k, v in res.items()
                    if isinstance(v.get("Type"), str) and v["Type"] in TYPES
                    and v["Type"] in seen_types}
            stats["expected"] += len(want)
            stats["made"] += len(want & got)
            miss.update(want - got)
            extra.update(got - want)
    print(f"translator tests checked: {stats['checked']}, refused: {stats['refused']}")
    print(f"resources of judged types SAM makes: {stats['expected']}, "
          f"of which parapet makes the same id: {stats['made']}")
    print("missing:", ", ".join(f"{k} ({v})" for k, v in miss.most_common(12)))
    print("extra:", ", ".join(f"{k} ({v})" for k, v in extra.most_common(12)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
