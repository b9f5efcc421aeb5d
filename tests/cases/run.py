"""Runs the golden case files under tests/cases (see tests/cases/README.md).

Each *.case file names a parapet command line and what must hold of its result: the exit
code, substrings of stdout/stderr, and Python expressions over the parsed JSON output.
"""
import glob
import json
import os
import shlex
import subprocess
import sys

PARAPET = os.environ.get("PARAPET", "build/parapet")
ENV = dict(os.environ, NO_COLOR="1")
ENV.pop("PARAPET_RULES", None)


def parse(path):
    case = {"cmd": None, "rc": None, "stdin": None, "checks": []}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, val = line.partition(":")
            if not sep:
                raise SystemExit(f"{path}:{n}: expected 'key: value'")
            key, val = key.strip(), val.strip()
            if key in ("cmd", "stdin"):
                case[key] = val
            elif key == "rc":
                case["rc"] = int(val)
            elif key in ("has", "lacks", "err-has", "err-lacks", "py"):
                case["checks"].append((n, key, val))
            else:
                raise SystemExit(f"{path}:{n}: unknown key '{key}'")
    if case["cmd"] is None:
        raise SystemExit(f"{path}: no 'cmd:' line")
    return case


def run(path):
    case = parse(path)
    argv = [PARAPET] + shlex.split(case["cmd"])
    stdin = open(case["stdin"], "rb") if case["stdin"] else subprocess.DEVNULL
    try:
        p = subprocess.run(argv, stdin=stdin, capture_output=True, timeout=60, env=ENV)
    except subprocess.TimeoutExpired:
        return [f"timed out: {case['cmd']}"]
    finally:
        if case["stdin"]:
            stdin.close()
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    problems = []
    if case["rc"] is not None and p.returncode != case["rc"]:
        problems.append(f"exit code {p.returncode}, expected {case['rc']}")
    j = None
    try:
        j = json.loads(out)
    except ValueError:
        pass
    for n, key, val in case["checks"]:
        ok = True
        if key == "has":
            ok = val in out
        elif key == "lacks":
            ok = val not in out
        elif key == "err-has":
            ok = val in err
        elif key == "err-lacks":
            ok = val not in err
        elif key == "py":
            env = {"j": j, "out": out, "err": err,
                   "st": lambda rid: sorted({f["status"] for f in (j or {}).get("findings", [])
                                              if f["resource"] == rid})}
            try:
                ok = bool(eval(val, env))  # test expressions written by us, not input
            except Exception as e:  # noqa: BLE001 - report any failure as a case failure
                ok = False
                val = f"{val}  ({type(e).__name__}: {e})"
        if not ok:
            problems.append(f"line {n}: {key}: {val}")
    if problems:
        problems.append("stdout: " + out[:1500])
        problems.append("stderr: " + err[:800])
    return problems


def main():
    files = sorted(glob.glob("tests/cases/**/*.case", recursive=True))
    if len(sys.argv) > 1:
        files = [f for f in files if any(a in f for a in sys.argv[1:])]
    failed = 0
    for f in files:
        problems = run(f)
        if problems:
            failed += 1
            print(f"FAIL {f}")
            for line in problems:
                print("    " + line)
    print(f"cases: {len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
