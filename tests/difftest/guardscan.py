"""Read a Control Tower Guard rule file well enough to know what it looks at.

Not a Guard interpreter: a tokenizer and a scope-tracking walk that collects
  - the property paths the rules query (relative to a resource, e.g.
    ("Properties", "LaunchTemplateData", "MetadataOptions", "HttpTokens")),
    with "*" for list elements ("Foo[*]"),
  - the literal values and regexes compared against each path,
  - every literal in the file (a pool for random values),
  - the resource types the file names (for Ref/GetAtt targets).
Parameterized rules are walked once per distinct binding of their parameters
at the call sites, so `check(%resources.Properties)` followed by
`rule check(x) { %x { Foo { Bar exists } } }` yields Properties.Foo.Bar.
"""

import re

KEYWORDS = {
    "when", "or", "OR", "not", "NOT", "some", "exists", "empty", "this", "let", "rule",
    "is_string", "is_list", "is_struct", "is_bool", "is_int", "is_float", "is_null",
    "is_regex", "is_char_range", "is_int_range", "is_float_range", "in", "IN", "keys",
    "true", "false", "True", "False", "and", "AND", "null", "count", "exists",
}
COMPARE_OPS = {"==", "!=", "<", ">", "<=", ">=", "in", "IN"}
UNARY_OPS = {"exists", "empty", "is_string", "is_list", "is_struct", "is_bool", "is_int",
             "is_float", "is_null"}


class Regex(str):
    """A Guard regex literal (the text between the slashes)."""


def freeze(v):
    return tuple(freeze(x) for x in v) if isinstance(v, list) else v


def tokenize(text):
    text = re.sub(r"<<.*?>>", " ", text, flags=re.S)      # custom messages
    toks = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c in "\"'":
            j = i + 1
            buf = []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j + 1])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            toks.append(("str", "".join(buf)))
            i = j + 1
        elif c == "/":
            j = i + 1
            while j < n and text[j] != "/":
                if text[j] == "\\":
                    j += 1
                j += 1
            toks.append(("re", Regex(text[i + 1:j])))
            i = j + 1
        elif c.isdigit() or (c == "-" and i + 1 < n and text[i + 1].isdigit()):
            m = re.match(r"-?\d+(\.\d+)?", text[i:])
            s = m.group(0)
            toks.append(("num", float(s) if "." in s else int(s)))
            i += len(s)
        elif c.isalpha() or c in "_%":
            m = re.match(r"%?[A-Za-z_][A-Za-z0-9_:\-]*", text[i:])
            s = m.group(0)
            # identifiers never end in ':' or '-' in these files
            s = s.rstrip(":-")
            toks.append(("id", s))
            i += len(s)
        else:
            two = text[i:i + 2]
            if two in ("==", "!=", "<=", ">=", "<<", ">>"):
                toks.append(("op", two))
                i += 2
            else:
                toks.append(("op", c))
                i += 1
    return toks


class Scan:
    def __init__(self, text):
        self.toks = tokenize(text)
        self.consts = {}          # top-level let NAME -> literal value or ("query", tokens)
        self.rules = {}           # name -> list of (params, body_tokens, when_tokens)
        self.paths = set()        # tuples
        self.compares = {}        # path -> list of (op, value)
        self.literals = []        # every literal seen
        self.types = set()        # AWS::X::Y strings
        self._parse_top()
        self._walk_all()

    # ---------------------------------------------------------------- top level
    def _match(self, toks, i, open_, close):
        depth = 0
        for j in range(i, len(toks)):
            t = toks[j]
            if t == ("op", open_):
                depth += 1
            elif t == ("op", close):
                depth -= 1
                if depth == 0:
                    return j
        return len(toks) - 1

    def _parse_top(self):
        t = self.toks
        i = 0
        for kind, v in t:
            if kind in ("str", "num", "re"):
                self.literals.append(v)
                if kind == "str" and re.match(r"^AWS::\w+::\w+$", v):
                    self.types.add(v)
        while i < len(t):
            kind, v = t[i]
            if kind == "id" and v == "let" and i + 2 < len(t) and t[i + 2] == ("op", "="):
                name = t[i + 1][1]
                j = i + 3
                val, j = self._literal(t, j)
                if val is not None:
                    self.consts[name] = val
                else:
                    # a query: up to the next top-level let/rule
                    k = j
                    while k < len(t) and not (t[k][0] == "id" and t[k][1] in ("let", "rule")):
                        if t[k] == ("op", "["):
                            k = self._match(t, k, "[", "]")
                        k += 1
                    self.consts[name] = ("query", t[j:k])
                    j = k
                i = j
            elif kind == "id" and v == "rule" and i + 1 < len(t):
                name = t[i + 1][1]
                j = i + 2
                params = []
                if j < len(t) and t[j] == ("op", "("):
                    k = self._match(t, j, "(", ")")
                    params = [x[1] for x in t[j + 1:k] if x[0] == "id"]
                    j = k + 1
                # when-clause up to the body's '{'
                k = j
                while k < len(t) and t[k] != ("op", "{"):
                    if t[k] == ("op", "("):
                        k = self._match(t, k, "(", ")")
                    k += 1
                when = t[j:k]
                end = self._match(t, k, "{", "}")
                self.rules.setdefault(name, []).append((params, t[k + 1:end], when))
                i = end + 1
            else:
                i += 1

    def _literal(self, t, i):
        """A literal at t[i]: scalar, regex or list of literals. (value, next) or (None, i)."""
        if i >= len(t):
            return None, i
        kind, v = t[i]
        if kind in ("str", "num", "re"):
            return v, i + 1
        if kind == "id" and v in ("true", "false", "True", "False"):
            return v.lower() == "true", i + 1
        if t[i] == ("op", "["):
            end = self._match(t, i, "[", "]")
            items = []
            j = i + 1
            while j < end:
                val, k = self._literal(t, j)
                if val is None:
                    return None, i
                items.append(val)
                j = k
                if j < end and t[j] == ("op", ","):
                    j += 1
            return items, end + 1
        return None, i

    # ---------------------------------------------------------------- walking
    def _walk_all(self):
        self.pending = []
        self.done = set()
        for name, defs in self.rules.items():
            for params, body, when in defs:
                if not params:
                    self._walk(when, [("DOC",)], {})
                    self._walk(body, [("DOC",)], {})
        guard = 0
        while self.pending and guard < 2000:
            guard += 1
            name, binds, caller = self.pending.pop()
            for params, body, when in self.rules.get(name, []):
                env = {p: b for p, b in zip(params, binds)}
                # bare queries in a parameterized rule read the caller's context
                self._walk(when, list(caller), env)
                self._walk(body, list(caller), env)

    def _add_path(self, p):
        if p and p[0] == "Properties":
            for k in range(1, len(p) + 1):
                self.paths.add(p[:k])

    def _resolve_var(self, name, env):
        if name in env:
            return env[name]
        c = self.consts.get(name)
        if isinstance(c, tuple) and c and c[0] == "query":
            toks = [x[1] for x in c[1]]
            if "Resources" in toks:
                return [("RES",)]
            return []
        if name == "INPUT_DOCUMENT":
            return [("DOC",)]
        if c is not None:
            return [("LIT", freeze(c))]
        return []

    def _query(self, t, i, scopes, env):
        """Parse a query at t[i]; returns (list of absolute paths or LIT, next index)."""
        kind, v = t[i]
        if kind == "id" and v.startswith("%"):
            cur = list(self._resolve_var(v[1:], env))
        elif kind == "id" and v == "this":
            cur = list(scopes)
        elif kind in ("id", "str"):
            cur = [self._join(s, v) for s in scopes]
        else:
            return [], i + 1
        i += 1
        while i < len(t):
            if t[i] == ("op", ".") and i + 1 < len(t):
                k2, v2 = t[i + 1]
                if k2 == "id" and v2.startswith("%"):
                    # %DOC.%TYPE.resourceProperties  (hook document)
                    cur = [("RES",) if c == ("DOC",) else c for c in cur]
                    i += 2
                    continue
                if v2 == "*" or (k2 == "op" and v2 == "*"):
                    cur = [self._join(c, "*") for c in cur]
                else:
                    cur = [self._join(c, str(v2)) for c in cur]
                i += 2
            elif t[i] == ("op", "["):
                end = self._match(t, i, "[", "]")
                inner = t[i + 1:end]
                if inner in ([("op", "*")], []) or (len(inner) == 1 and inner[0][0] == "num"):
                    cur = [self._join(c, "*") for c in cur]
                else:
                    # a filter: applies to the struct, or to each element of a list
                    self._walk(inner, cur, env)
                i = end + 1
            else:
                break
        cur = [c for c in cur if c]
        for c in cur:
            self._add_path(c)
        return cur, i

    @staticmethod
    def _join(base, name):
        if not base or base[0] == "LIT":
            return ()
        if base == ("DOC",):
            if name == "Resources":
                return ("DOCRES",)
            return ()
        if base == ("DOCRES",):
            return ("RES",) if name == "*" else ()
        if base == ("RES",):
            if name in ("Properties", "resourceProperties"):
                return ("Properties",)
            return ()
        if name == "resourceProperties":
            return ("Properties",)
        return base + (name,)

    def _walk(self, t, scopes, env):
        i = 0
        n = len(t)
        last_paths = []
        while i < n:
            kind, v = t[i]
            if kind == "id" and v == "let" and i + 2 < n and t[i + 2] == ("op", "="):
                name = t[i + 1][1]
                val, j = self._literal(t, i + 3)
                if val is not None:
                    env = dict(env, **{name: [("LIT", freeze(val))]})
                    i = j
                    continue
                if i + 3 < n:
                    paths, j = self._query(t, i + 3, scopes, env)
                    env = dict(env, **{name: paths})
                    i = j
                    continue
                i += 3
                continue
            if kind == "op" and v in COMPARE_OPS or (kind == "id" and v in ("in", "IN")):
                # comparison with the last query
                val, j = self._literal(t, i + 1)
                if val is None and i + 1 < n and t[i + 1][0] == "id" and t[i + 1][1].startswith("%"):
                    r = self._resolve_var(t[i + 1][1][1:], env)
                    lits = [x[1] for x in r if x and x[0] == "LIT"]
                    val = lits[0] if lits else None
                    j = i + 2
                if val is not None:
                    if v in ("in", "IN") and i > 0 and t[i - 1][0] == "id" and t[i - 1][1] in ("not", "NOT"):
                        v = "not in"
                    for p in last_paths:
                        self.compares.setdefault(p, []).append((v, val))
                    i = j
                    continue
                i += 1
                continue
            if kind == "id" and v in UNARY_OPS:
                neg = i > 0 and t[i - 1] == ("id", "not")
                for p in last_paths:
                    self.compares.setdefault(p, []).append((("not " if neg else "") + v, None))
                i += 1
                continue
            if kind == "id" and v in KEYWORDS and v != "this":
                i += 1
                continue
            if kind == "id" and not v.startswith("%") and i + 1 < n and t[i + 1] == ("op", "(") \
                    and v in self.rules:
                end = self._match(t, i + 1, "(", ")")
                args = []
                j = i + 2
                while j < end:
                    if t[j] == ("op", ","):
                        j += 1
                        continue
                    if t[j][0] == "id" and t[j][1] not in ("true", "false", "True", "False"):
                        paths, j2 = self._query(t, j, scopes, env)
                        args.append(tuple(sorted(set(paths), key=repr)))
                        j = max(j2, j + 1)
                    else:
                        val, j2 = self._literal(t, j)
                        args.append(((("LIT", freeze(val)),) if val is not None else ()))
                        j = max(j2, j + 1)
                key = (v, tuple(args), tuple(sorted(set(scopes), key=repr)))
                if key not in self.done:
                    self.done.add(key)
                    self.pending.append((v, [list(a) for a in args], key[2]))
                i = end + 1
                last_paths = []
                continue
            if kind == "id" and v in self.rules and not v.startswith("%"):
                i += 1          # a named rule used as a clause
                continue
            if kind in ("id", "str") and (kind == "id" or (i + 1 < n and t[i + 1] in (("op", "{"), ("op", ".")))
                                          or (kind == "str" and i + 1 < n and t[i + 1][0] == "id"
                                              and t[i + 1][1] in UNARY_OPS | {"not"})):
                paths, j = self._query(t, i, scopes, env)
                last_paths = paths
                if j < n and t[j] == ("op", "{"):
                    end = self._match(t, j, "{", "}")
                    inner_scopes = [p for p in paths if p and p[0] != "LIT"]
                    self._walk(t[j + 1:end], inner_scopes or [()], env)
                    i = end + 1
                    continue
                i = j
                continue
            if t[i] == ("op", "{"):
                end = self._match(t, i, "{", "}")
                self._walk(t[i + 1:end], scopes, env)
                i = end + 1
                continue
            i += 1


def scan_file(path):
    with open(path, encoding="utf-8") as f:
        return Scan(f.read())


if __name__ == "__main__":
    import sys
    s = scan_file(sys.argv[1])
    for p in sorted(s.paths):
        print(".".join(p), s.compares.get(p, ""))
    print("types:", sorted(s.types))
