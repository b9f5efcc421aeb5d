#!/usr/bin/env python3
"""The shape checker fails where it should: a 121-line function, a 901-line file, a stale
allowlist entry; and passes a 120-line function in a 900-line file. Fixtures are written to a
temporary directory at run time."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = os.path.join(HERE, 'shape.py')


def c_function(name, total):
    """A function of exactly `total` lines, signature to closing brace."""
    body = ['    x++;'] * (total - 4)
    return ['static int', '%s(int x)' % name, '{'] + body + ['}']


def write(path, lines):
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


def run(args):
    p = subprocess.run([sys.executable, SHAPE] + args, capture_output=True, text=True)
    return p.returncode, p.stdout


def main():
    bad = 0

    def check(cond, what, out):
        nonlocal bad
        if not cond:
            bad += 1
            print('FAIL: %s\n%s' % (what, out))
        else:
            print('ok: %s' % what)

    with tempfile.TemporaryDirectory() as d:
        empty = os.path.join(d, 'empty.allow')
        write(empty, ['# nothing allowed'])

        fit = os.path.join(d, 'fit.c')
        lines = c_function('just_fits', 120)
        lines += ['/* pad */'] * (900 - len(lines))
        write(fit, lines)
        rc, out = run(['--allow', empty, fit])
        check(rc == 0, 'a 120-line function in a 900-line file passes', out)

        long_fn = os.path.join(d, 'longfn.c')
        write(long_fn, ['/* header */', ''] + c_function('too_long', 121))
        rc, out = run(['--allow', empty, long_fn])
        check(rc == 1 and '%s:3: function too_long has 121 lines' % long_fn in out,
              'a 121-line function fails, naming file:line and the count', out)

        same_line = os.path.join(d, 'brace.c')
        write(same_line, ['int brace_on_sig(void) {'] + ['    ;'] * 119 + ['}'])
        rc, out = run(['--allow', empty, same_line])
        check(rc == 1 and 'function brace_on_sig has 121 lines' in out,
              'a 121-line function with `{` on the signature line fails', out)

        big = os.path.join(d, 'big.c')
        write(big, ['/* line */'] * 901)
        rc, out = run(['--allow', empty, big])
        check(rc == 1 and '%s:1: file has 901 lines' % big in out,
              'a 901-line file fails, naming the file and the count', out)

        allow = os.path.join(d, 'ok.allow')
        write(allow, ['%s:too_long  # shrinking elsewhere' % os.path.normpath(long_fn)])
        rc, out = run(['--allow', allow, long_fn])
        check(rc == 0, 'an allowlisted function passes', out)

        rc, out = run(['--allow', allow, fit])
        check(rc == 1 and 'no longer over the limit' in out,
              'a stale allowlist entry fails', out)

    rc, out = run([])
    check(rc == 0, 'the tree itself is within shape', out)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
