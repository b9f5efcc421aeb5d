#!/usr/bin/env python3
"""Seeded template generator for the Control Tower differential harness.

For one control: read the Guard file (guardscan.py gives the property paths it
queries, the literals compared against each path, every literal and every
resource type the file names) and the metadata's EvaluatedResourceTypes, then
write N JSON templates of R resources each. Each resource draws, per property
path, one of: absent, a compared literal (typed or string form: "true"/true,
"443"/443), another literal of the file, a regex match or near miss, a generic
scalar, an empty list, a nested list, an empty struct, a wrong type (string
where a list belongs, number where a struct belongs), or a Ref/GetAtt to a
helper resource of a type the rule names (right type) or of an unrelated type
(wrong type). Logical ids encode the case tags (R07AbsRefStr…); cases.json
beside the templates lists each resource's choices path by path.

Deterministic: the same seed, control and counts give byte-identical files.

  gen.py --out build/difftest --seed 1 [--only 'CT.EC2.*'] [--templates 5] [--resources 40]
"""

import argparse
import fnmatch
import hashlib
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guardscan  # noqa: E402

try:
    import re._parser as sre_parse          # Python >= 3.11
    import re._constants as sre_c
except ImportError:                          # pragma: no cover
    import sre_parse                         # type: ignore
    import sre_constants as sre_c            # type: ignore

DEFAULT_CT = "tests/.cache/cfnguard/package/rules/control-tower"
SPECIAL = {"*", "Ref"}


def special(name):
    """Keys the generator never writes as plain properties: list markers and intrinsics."""
    return name in SPECIAL or name.startswith("Fn::")
# Unrelated resource types for "Ref to the wrong type".
WRONG_TYPES = ["AWS::SNS::Topic", "AWS::Logs::LogGroup", "AWS::SSM::Parameter",
               "AWS::IAM::Role", "AWS::KMS::Key", "AWS::S3::Bucket"]

TAGS = {
    "absent": "Abs", "literal": "Lit", "string-form": "Str", "typed-form": "Typ",
    "neighbour": "Nb", "other-literal": "Oth", "regex-match": "Rx", "regex-miss": "Rxn",
    "scalar": "Sc", "empty-string": "Es", "empty-list": "El", "list": "Lst",
    "nested-list": "Nl", "empty-struct": "Eo", "wrong-type": "Wt", "ref": "Ref",
    "ref-wrong-type": "Rw", "getatt": "Ga", "getatt-wrong-type": "Gw",
    "getatt-string": "Gs", "no-properties": "Np", "empty-properties": "Ep",
    "ref-peer": "Rp", "join": "Jn",
}


# --------------------------------------------------------------------- controls
def load_controls(ct_dir=DEFAULT_CT):
    """Every control: id, guard path, metadata, evaluated types, Guard rule name."""
    out = []
    mroot = os.path.join(ct_dir, "metadata")
    for svc in sorted(os.listdir(mroot)):
        for fn in sorted(os.listdir(os.path.join(mroot, svc))):
            if not fn.endswith(".metadata.json"):
                continue
            base = fn[: -len(".metadata.json")]
            with open(os.path.join(mroot, svc, fn), encoding="utf-8") as f:
                meta = json.load(f)
            guard = os.path.join(ct_dir, "cfn-guard", svc, base + ".guard")
            with open(guard, encoding="utf-8") as f:
                text = f.read()
            m = re.search(r"Rule (?:Identifier|Name):\s*\n#\s*(\S+)", text)
            out.append({
                "id": meta["Id"], "base": base, "service_dir": svc, "guard": guard,
                "types": meta.get("EvaluatedResourceTypes", []),
                "severity": meta.get("Severity"), "guard_name": m.group(1) if m else None,
                "text": text,
            })
    out.sort(key=lambda c: control_sort_key(c["id"]))
    return out


def control_sort_key(cid):
    parts = cid.split(".")
    return (parts[1], int(parts[-1]) if parts[-1].isdigit() else 0)


def select(controls, patterns):
    if not patterns:
        return controls
    pats = [p.strip() for p in re.split(r"[,\s]+", patterns) if p.strip()]
    return [c for c in controls if any(fnmatch.fnmatchcase(c["id"], p) or
                                       fnmatch.fnmatchcase(c["base"], p) for p in pats)]


# --------------------------------------------------------------------- regexes
def _compile(rx):
    pat = rx.replace(r"\z", r"\Z")
    flags = 0
    if "(?i)" in pat:
        pat = pat.replace("(?i)", "")
        flags = re.I
    return re.compile(pat, flags), pat, flags


def _sample(tree, rng, depth=0):
    out = []
    for op, av in tree:
        if op is sre_c.LITERAL:
            out.append(chr(av))
        elif op is sre_c.NOT_LITERAL:
            out.append("x" if chr(av) != "x" else "y")
        elif op is sre_c.ANY:
            out.append(rng.choice("abc1-"))
        elif op is sre_c.IN:
            out.append(_sample_in(av, rng))
        elif op is sre_c.BRANCH:
            out.append(_sample(rng.choice(av[1]), rng, depth + 1))
        elif op is sre_c.SUBPATTERN:
            out.append(_sample(av[-1], rng, depth + 1))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            lo, hi, sub = av
            hi = min(hi, lo + 3)
            out.append("".join(_sample(sub, rng, depth + 1) for _ in range(rng.randint(lo, hi))))
        elif op is sre_c.CATEGORY:
            out.append(_cat(av, rng))
        # AT (anchors), GROUPREF, ASSERT: nothing
    return "".join(out)


def _cat(av, rng):
    name = str(av)
    if "DIGIT" in name:
        return rng.choice("0123456789") if "NOT" not in name else "a"
    if "WORD" in name:
        return rng.choice("abz09_") if "NOT" not in name else "-"
    if "SPACE" in name:
        return " " if "NOT" not in name else "a"
    return "a"


def _sample_in(items, rng):
    neg = any(op is sre_c.NEGATE for op, _ in items)
    if neg:
        bad = set()
        for op, av in items:
            if op is sre_c.LITERAL:
                bad.add(chr(av))
        for ch in "xyzq0":
            if ch not in bad:
                return ch
        return "#"
    op, av = rng.choice([x for x in items if x[0] is not sre_c.NEGATE])
    if op is sre_c.LITERAL:
        return chr(av)
    if op is sre_c.RANGE:
        return chr(rng.randint(av[0], av[1]))
    if op is sre_c.CATEGORY:
        return _cat(av, rng)
    return "a"


def regex_match(rx, rng):
    try:
        comp, pat, flags = _compile(rx)
        tree = sre_parse.parse(pat, flags)
    except Exception:
        return None
    for _ in range(8):
        try:
            s = _sample(tree, rng)
        except Exception:
            return None
        if comp.search(s):
            return s
    return None


def regex_miss(rx, rng, hit):
    """A near miss: the match with its last character changed, or a fixed word."""
    try:
        comp, _, _ = _compile(rx)
    except Exception:
        return "nomatch"
    cands = []
    if hit:
        cands += [hit[:-1], hit + "!", "x" + hit, hit.upper(), hit[:-1] + "#"]
    cands += ["nomatch", "x"]
    for c in cands:
        if not comp.search(c):
            return c
    return "nomatch"


# --------------------------------------------------------------------- schema
class Node:
    __slots__ = ("name", "children", "compares")

    def __init__(self, name):
        self.name = name
        self.children = {}
        self.compares = []


def build_schema(scan):
    root = Node("Properties")
    for p in sorted(scan.paths, key=len):
        node = root
        for name in p[1:]:
            node = node.children.setdefault(name, Node(name))
        node.compares = list(scan.compares.get(p, []))
    return root


def flat_literals(v):
    if isinstance(v, (list, tuple)):
        for x in v:
            yield from flat_literals(x)
    elif v is not None:
        yield v


def other_form(v):
    """The string form of a typed scalar, or the typed form of a string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        if v.lower() in ("true", "false"):
            return v.lower() == "true"
        if re.fullmatch(r"-?\d+", v):
            return int(v)
        if re.fullmatch(r"-?\d+\.\d+", v):
            return float(v)
    return None


# --------------------------------------------------------------------- generator
class Gen:
    def __init__(self, control, seed, resources=40):
        self.c = control
        self.near = False
        self.force_near = False
        self.valid = False
        self.peer_ids = []
        self.scan = guardscan.Scan(control["text"])
        self.schema = build_schema(self.scan)
        h = hashlib.sha256(("%s:%s" % (seed, control["id"])).encode()).hexdigest()
        self.rng = random.Random(int(h[:16], 16))
        self.nres = resources
        self.pool = [v for v in self.scan.literals
                     if not (isinstance(v, str) and (v.startswith("AWS::") or "\n" in v))]
        named = sorted(t for t in self.scan.types if t not in control["types"])
        self.right_types = named or []
        self.wrong_types = [t for t in WRONG_TYPES if t not in self.scan.types][:3]

    # helpers: one per named type ("right") and per unrelated type ("wrong")
    def helpers(self):
        hs = {}
        for t in self.right_types:
            hs["H" + re.sub(r"[^A-Za-z0-9]", "", t[5:])] = t
        for t in self.wrong_types:
            hs["W" + re.sub(r"[^A-Za-z0-9]", "", t[5:])] = t
        return hs

    def ref_value(self, tags, path):
        r = self.rng
        right = ["H" + re.sub(r"[^A-Za-z0-9]", "", t[5:]) for t in self.right_types]
        wrong = ["W" + re.sub(r"[^A-Za-z0-9]", "", t[5:]) for t in self.wrong_types]
        peers = self.peer_ids
        pick = r.random()
        if right and pick < 0.5:
            target, good = r.choice(right), True
        elif peers and pick < 0.6:
            target, good = r.choice(peers), None
        else:
            target, good = r.choice(wrong), False
        form = r.random()
        if form < 0.5:
            tag = "ref" if good else ("ref-peer" if good is None else "ref-wrong-type")
            v = {"Ref": target}
        elif form < 0.9:
            tag = "getatt" if good else "getatt-wrong-type"
            v = {"Fn::GetAtt": [target, "Arn"]}
        else:
            tag = "getatt-string"
            v = {"Fn::GetAtt": target + ".Arn"}
        tags.append((path, tag))
        return v

    def leaf(self, node, tags, path, in_list=False):
        r = self.rng
        cands = []          # (tag, value)
        good = []           # values that satisfy a comparison of the rule
        for op, val in node.compares:
            neg = op in ("!=", "not in", "not IN")
            for lit in flat_literals(val):
                if isinstance(lit, guardscan.Regex):
                    hit = regex_match(lit, r)
                    if hit is not None:
                        cands.append(("regex-match", hit))
                    miss = regex_miss(lit, r, hit)
                    cands.append(("regex-miss", miss))
                    if neg:
                        good.append(("regex-miss", miss))
                    elif hit is not None:
                        good.append(("regex-match", hit))
                    continue
                cands.append(("literal", lit))
                if neg:
                    good.append(("neighbour", "%sx" % (lit,)))
                else:
                    good.append(("literal", lit))
                o = other_form(lit)
                if o is not None:
                    cands.append(("string-form" if isinstance(o, str) else "typed-form", o))
                if isinstance(lit, (int, float)) and not isinstance(lit, bool):
                    cands.append(("neighbour", lit + r.choice((-1, 1))))
                if isinstance(lit, str) and lit and not other_form(lit):
                    cands.append(("neighbour", r.choice((lit.lower(), lit.upper(), lit + "x"))))
            if op in ("is_list", "not is_list", "empty", "not empty") and not in_list \
                    and r.random() < 0.5:
                return self.list_of_leaves(node, tags, path)
        x = r.random()
        if self.valid:
            if good:
                tag, v = r.choice(good)
                tags.append((path, tag))
                return v
        if cands and (x < 0.6 or (self.near and r.random() < 0.8)):
            tag, v = r.choice(cands)
        elif self.pool and x < 0.72:
            v = r.choice(self.pool)
            if isinstance(v, guardscan.Regex):
                v = regex_match(v, r) or "x"
            tag = "other-literal"
        elif x < 0.82:
            tag, v = r.choice([("scalar", "abc"), ("scalar", True), ("scalar", False),
                               ("scalar", "true"), ("scalar", "false"), ("scalar", 0),
                               ("scalar", 1), ("scalar", "1"), ("scalar", 443),
                               ("scalar", "443"), ("empty-string", ""), ("empty-string", " "),
                               # Unicode white space: Guard's \s and blank tests count it
                               ("empty-string", "\u00a0"), ("empty-string", "\t\u2003")])
        elif x < 0.9:
            return self.ref_value(tags, path)
        else:
            tag, v = r.choice([("empty-list", []), ("empty-struct", {}),
                               ("wrong-type", {"Key": "abc"}), ("list", None)])
            if tag == "list":
                if in_list:
                    tag, v = "nested-list", [r.choice(self.pool or ["abc"])]
                else:
                    return self.list_of_leaves(node, tags, path)
        tags.append((path, tag))
        return v

    def list_of_leaves(self, node, tags, path):
        n = self.rng.choice((0, 1, 1, 2, 3))
        if n == 0:
            tags.append((path, "empty-list"))
            return []
        tags.append((path, "list"))
        # leaves inside a list: draw without recording list-level tags again
        return [self.leaf(node, tags, "%s[%d]" % (path, i), True) for i in range(n)]

    def struct(self, node, tags, path, density):
        out = {}
        for name in sorted(node.children):
            if special(name):
                continue
            child = node.children[name]
            if self.rng.random() < density:
                out[name] = self.value(child, tags, path + "." + name, density)
            else:
                tags.append((path + "." + name, "absent"))
        if list(out) == ["Condition"] and not isinstance(out["Condition"], dict):
            # {"Condition": "x"} alone reads as a condition reference, not a property
            del out["Condition"]
            tags.append((path + ".Condition", "absent"))
        return out

    def value(self, node, tags, path, density):
        r = self.rng
        kids = {k for k in node.children if not special(k)}
        if "Fn::Join" in node.children and r.random() < 0.3:
            # a well-formed join (a malformed intrinsic makes the whole template invalid)
            parts = [r.choice(["arn:aws:kms:us-east-1:123456789012:key/", "a", ""])]
            if r.random() < 0.6:
                parts.append(self.ref_value(tags, path + ".Fn::Join[1]"))
            tags.append((path, "join"))
            return {"Fn::Join": ["", parts]}
        if ("Ref" in node.children or "Fn::GetAtt" in node.children) and r.random() < 0.35:
            return self.ref_value(tags, path)
        if "*" in node.children:
            elem = node.children["*"]
            x = r.random()
            if self.near:
                x = 0.3 + 0.7 * x
            if x < 0.08:
                tags.append((path, "wrong-type"))
                return r.choice(["abc", 1, {"Key": "abc"}])
            if x < 0.16:
                tags.append((path, "empty-list"))
                return []
            if x < 0.24 and (elem.children or kids):
                tags.append((path, "nested-list"))
                return [[self.value(elem, tags, path + "[0][0]", density)]]
            n = r.choice((1, 1, 2, 3))
            if kids and x < 0.3:        # also read as a struct somewhere
                tags.append((path, "wrong-type"))
                return self.struct(node, tags, path, density)
            return [self.value(elem, tags, "%s[%d]" % (path, i), density) for i in range(n)]
        if kids:
            x = r.random()
            if self.near:
                x = 0.16 + 0.84 * x
            if x < 0.06:
                tags.append((path, "empty-struct"))
                return {}
            if x < 0.11:
                tags.append((path, "empty-list"))
                return []
            if x < 0.16:
                tags.append((path, "wrong-type"))
                return r.choice(["abc", 7, True])
            if x < 0.26:
                tags.append((path, "list"))
                return [self.struct(node, tags, path + "[0]", density)
                        for _ in range(r.choice((1, 2)))]
            return self.struct(node, tags, path, density)
        return self.leaf(node, tags, path)

    def resource(self, idx, rtype):
        r = self.rng
        tags = []
        density = r.choice((0.35, 0.6, 0.85, 1.0))
        # "near" resources mostly use the values the rule compares against, so both
        # sides of each check are hit; the others draw freely (wrong types and all)
        self.near = r.random() < 0.45 or self.force_near
        # "valid" resources: every property present, with exactly the compared values
        self.valid = self.near and r.random() < 0.35
        if self.valid:
            density = 1.0
        x = r.random()
        res = {"Type": rtype}
        if x < 0.04:
            tags.append(("Properties", "no-properties"))
        elif x < 0.08:
            tags.append(("Properties", "empty-properties"))
            res["Properties"] = {}
        else:
            res["Properties"] = self.struct(self.schema, tags, "Properties", density)
        short = []
        for _, t in tags:
            a = TAGS[t]
            if a not in short:
                short.append(a)
        lid = "R%02d%s" % (idx, "".join(sorted(short)))[:200]
        return lid, res, tags

    def template(self, k):
        types = self.c["types"] or ["AWS::CloudFormation::WaitConditionHandle"]
        resources = {}
        cases = {}
        helpers = self.helpers()
        # a peer of every evaluated type, referenced by Ref/GetAtt ("Rp")
        self.peer_ids = ["P%d%s" % (i, re.sub(r"[^A-Za-z0-9]", "", t[5:])) for i, t in enumerate(types)]
        for i in range(self.nres):
            rtype = types[i % len(types)] if self.rng.random() < 0.8 else self.rng.choice(types)
            lid, res, tags = self.resource(i, rtype)
            resources[lid] = res
            cases[lid] = {"type": rtype, "tags": sorted({t for _, t in tags}),
                          "choices": ["%s:%s" % (p, t) for p, t in tags]}
        for pid, t in zip(self.peer_ids, types):
            resources[pid] = {"Type": t, "Properties": {}}
            cases[pid] = {"type": t, "tags": ["peer"], "choices": []}
        for hid, t in helpers.items():
            resources[hid] = {"Type": t, "Properties": {}}
            cases[hid] = {"type": t, "tags": ["helper"], "choices": []}
        tpl = {"AWSTemplateFormatVersion": "2010-09-09",
               "Description": "difftest %s template %d" % (self.c["id"], k),
               "Resources": resources}
        return tpl, cases


def generate(control, outdir, seed=1, templates=5, resources=40):
    """Write templates for one control; returns (list of template paths, cases by file)."""
    g = Gen(control, seed, resources)
    d = os.path.join(outdir, control["id"])
    os.makedirs(d, exist_ok=True)
    paths, allcases = [], {}
    for k in range(templates):
        tpl, cases = g.template(k)
        p = os.path.join(d, "t%02d.json" % k)
        with open(p, "w", encoding="utf-8") as f:
            json.dump(tpl, f, indent=1, sort_keys=False)
            f.write("\n")
        paths.append(p)
        allcases[os.path.basename(p)] = cases
    with open(os.path.join(d, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(allcases, f, indent=1)
    return paths, allcases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ct", default=DEFAULT_CT)
    ap.add_argument("--out", default="build/difftest")
    ap.add_argument("--seed", default=os.environ.get("DIFFTEST_SEED", "1"))
    ap.add_argument("--only", default=os.environ.get("DIFFTEST_ONLY", ""))
    ap.add_argument("--templates", type=int, default=5)
    ap.add_argument("--resources", type=int, default=40)
    ap.add_argument("--dump-schema", action="store_true")
    a = ap.parse_args()
    for c in select(load_controls(a.ct), a.only):
        if a.dump_schema:
            s = guardscan.Scan(c["text"])
            print(c["id"], c["types"])
            for p in sorted(s.paths):
                print("   ", ".".join(p), s.compares.get(p, ""))
            continue
        paths, _ = generate(c, a.out, a.seed, a.templates, a.resources)
        print(c["id"], len(paths), "templates")


if __name__ == "__main__":
    main()
