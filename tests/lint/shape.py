#!/usr/bin/env python3
"""Shape check: no C file over MAX_FILE lines, no function over MAX_FUNC lines.

Scans the .c and .h files under the given directories (default engine/ advisor/ hooks/) and
prints one line per failure, `path:line: what (count)`, then exits 1; exits 0 when every file
and function is within the limits or is named in the allowlist. The allowlist
(tests/lint/shape.allow) holds one `path:function` per line for a function another branch is
still shrinking, or `path` alone for a whole file's length; `#` starts a comment. An allowlist
entry that no longer matches anything over the limit is reported too, so the list only shrinks.

A function is counted the way the project lays them out (docs/internals.md): its signature
starts in column 0, its body opens with `{` (alone in column 0, or ending the signature line)
and closes with `}` in column 0; the count runs from the signature's first line to that brace.
"""
import os
import re
import sys

MAX_FILE = 900
MAX_FUNC = 120
IDENT_BEFORE_PAREN = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*\(')


def is_type_line(line):
    s = line.rstrip()
    return bool(s) and (s[0].isalpha() or s[0] == '_') and '(' not in s \
        and not s.endswith((';', '}', '*/', ',', '{')) and '=' not in s


def functions(lines):
    """Yield (name, first_line, last_line), 1-based, for each function definition."""
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        start = None
        if line.startswith('{'):
            j = i - 1
            while j >= 0 and lines[j][:1] in (' ', '\t') and lines[j].strip():
                j -= 1
            if j >= 0 and lines[j].strip() and lines[j][:1] not in ('#', '/', '*', '}'):
                # a return type alone on the line above (`static int` / `name(...)`)
                while j > 0 and is_type_line(lines[j - 1]):
                    j -= 1
                start = j
        elif (line[:1].isalpha() or line[:1] == '_') and line.rstrip().endswith('{') \
                and '(' in line and '=' not in line.split('(')[0]:
            start = i
        if start is None:
            i += 1
            continue
        sig = ' '.join(l.strip() for l in lines[start:i + 1])
        if '=' in sig.split('(')[0] or '(' not in sig:
            i += 1
            continue
        m = IDENT_BEFORE_PAREN.search(sig)
        name = m.group(1) if m else '?'
        end = i + 1
        while end < n and not lines[end].startswith('}'):
            end += 1
        yield name, start + 1, end + 1
        i = end + 1


def load_allow(path):
    allow = {}
    if not path or not os.path.exists(path):
        return allow
    with open(path, encoding='utf-8') as f:
        for num, raw in enumerate(f, 1):
            entry = raw.split('#', 1)[0].strip()
            if entry:
                allow[entry] = num
    return allow


def scan(paths, allow):
    failures, used = [], set()
    files = []
    for p in paths:
        if os.path.isfile(p):
            files.append(p)
            continue
        for root, dirs, names in os.walk(p):
            dirs.sort()
            for nm in sorted(names):
                if nm.endswith(('.c', '.h')):
                    files.append(os.path.join(root, nm))
    for path in files:
        rel = os.path.normpath(path)
        with open(path, encoding='utf-8', errors='replace') as f:
            lines = f.read().split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        if len(lines) > MAX_FILE:
            if rel in allow:
                used.add(rel)
            else:
                failures.append('%s:1: file has %d lines (limit %d)' % (rel, len(lines), MAX_FILE))
        for name, first, last in functions(lines):
            count = last - first + 1
            if count <= MAX_FUNC:
                continue
            key = '%s:%s' % (rel, name)
            if key in allow:
                used.add(key)
            else:
                failures.append('%s:%d: function %s has %d lines (limit %d)'
                                % (rel, first, name, count, MAX_FUNC))
    return failures, used


def main(argv):
    allow_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'shape.allow')
    args = []
    it = iter(argv)
    for a in it:
        if a == '--allow':
            allow_path = next(it, '')
        else:
            args.append(a)
    paths = args or ['engine', 'advisor', 'hooks']
    allow = load_allow(allow_path)
    failures, used = scan(paths, allow)
    for entry, num in sorted(allow.items(), key=lambda kv: kv[1]):
        if entry not in used:
            failures.append('%s:%d: allowlist entry %s is no longer over the limit; remove it'
                            % (os.path.relpath(allow_path), num, entry))
    for f in failures:
        print(f)
    if failures:
        print('shape: %d failure(s)' % len(failures))
        return 1
    print('shape: ok (files <= %d lines, functions <= %d lines, %d allowlisted)'
          % (MAX_FILE, MAX_FUNC, len(used)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
