#!/usr/bin/env python3
"""make bench-lambda: `parapet lambda` start-up and invocation latency against a stand-in
Runtime API on 127.0.0.1 (the same protocol as tests/integration/fake/runtime_api.py).

Per run (a fresh process each time, RUNS runs): init = from just before the process is
started until its first GET /runtime/invocation/next arrives (binary and library loading, rule
compilation, the client set-up); first invocation = from the moment the stand-in hands out the
first event until the hook response is posted; then WARM more events, median latency. The
events are tests/bench/hook_sg.req.json (NonCompliant: the rules run). Rules: the built-in
rules, all packs, with the built-in rules cache a plain run uses by default; the same with a
cache named (--rules-cache, what the Lambda zip's bootstrap runs: `make lambda-zip` builds
rules.cache); and --pack network.

Rewrites the "lambda" section of docs/benchmarks.md and build/bench/summary/lambda.tsv.
Never fails on speed.

usage: lambda.py PARAPET
"""
import os
import re
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration", "fake"))
import standin  # noqa: E402

RUNS, WARM = 7, 50
EVENT = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hook_sg.req.json"), "rb").read()


class Api:
    def __init__(self):
        self.reset(0)

    def reset(self, n):
        self.n, self.i = n, 0
        self.first_next = None
        self.handed = {}     # request id -> time handed out
        self.answered = {}   # request id -> time the response arrived
        self.done = threading.Event()


api = Api()


class Handler(standin.Handler):
    disable_nagle_algorithm = True   # headers and body go out in two writes

    def do_GET(self):
        if self.path != standin.RUNTIME_PREFIX + "invocation/next":
            return self.reply(404)
        if api.first_next is None:
            api.first_next = time.perf_counter()
        if api.i >= api.n:
            api.done.set()
            return self.reply(500, b'{"errorMessage":"done","errorType":"X"}')
        api.i += 1
        rid = "req-%d" % api.i
        api.handed[rid] = time.perf_counter()
        self.reply(200, EVENT, standin.next_headers(rid))

    def do_POST(self):
        self.body()
        what = standin.runtime_post(self.path)
        if what and what[0] != "init":
            api.answered[what[0]] = time.perf_counter()
        self.reply(202, b'{"status":"OK"}')


def one_run(parapet, port, extra):
    api.reset(1 + WARM)
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % port)
    t0 = time.perf_counter()
    p = subprocess.Popen([parapet, "lambda"] + extra, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        return None
    if api.first_next is None or "req-1" not in api.answered:
        return None
    init = api.first_next - t0
    first = api.answered["req-1"] - api.handed["req-1"]
    warm = [api.answered[r] - api.handed[r] for r in api.handed if r != "req-1" and r in api.answered]
    return init, first, statistics.median(warm) if warm else float("nan")


def main():
    parapet = sys.argv[1] if len(sys.argv) > 1 else "build/parapet"
    srv = standin.start(Handler)
    port = srv.server_address[1]
    rows, summary = [], None
    cache = "build/bench/rules.cache"
    os.makedirs("build/bench", exist_ok=True)
    if subprocess.run([parapet, "rules", "compile", "-o", cache], stdout=subprocess.DEVNULL).returncode:
        print("bench-lambda: not run: `parapet rules compile` failed")
        return 0
    configs = (("built-in rules, all packs (the built-in rules cache, as by default)", []),
               ("built-in rules, all packs, `--rules-cache` (the zip's bootstrap)",
                ["--rules-cache", cache]),
               ("`--pack network`", ["--pack", "network"]))
    for label, extra in configs:
        res = [r for r in (one_run(parapet, port, extra) for _ in range(RUNS)) if r]
        if not res:
            print("bench-lambda: not run: parapet lambda never answered the stand-in")
            return 0
        init = sorted(r[0] for r in res)
        first = sorted(r[1] for r in res)
        warm = sorted(r[2] for r in res)
        fig = (init[0] * 1000, statistics.median(init) * 1000, statistics.median(first) * 1000,
               statistics.median(warm) * 1000)
        print("bench-lambda: %s: init best %.1f ms, median %.1f ms; first invocation %.2f ms; "
              "warm invocation %.2f ms" % ((label,) + fig))
        rows.append("| %s | %d | %.1f ms | %.1f ms | %.2f ms | %.2f ms |" % ((label, len(res)) + fig))
        if extra[:1] == ["--rules-cache"]:
            summary = fig
    os.makedirs("build/bench/summary", exist_ok=True)
    with open("build/bench/summary/lambda.tsv", "w") as f:
        f.write("Lambda init (built-in rules, precompiled as in the zip)\t%.0f ms to the first `next` (median of %d); first "
                "invocation %.1f ms, warm %.1f ms\t`make bench-lambda`\n"
                % (summary[1], RUNS, summary[2], summary[3]))
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    machine = "%d cores, %s, %s %s, load average %s at the start" % (
        os.cpu_count(), cpu, os.uname().sysname, os.uname().release,
        open("/proc/loadavg").read().split()[0])
    section = (
        "<!-- bench:lambda -->\n## Lambda (custom runtime)\n\n"
        "Command: `make bench-lambda` (tests/bench/lambda.py). Machine: %s. Date: %s.\n"
        "`parapet lambda` against a stand-in Runtime API on 127.0.0.1 (Python, in the benchmark "
        "process), a fresh process per run, %d runs. Init: from just before the process starts "
        "until its first `GET /runtime/invocation/next` (no bootstrap script, libraries from the "
        "system; a real cold start adds Lambda's own sandbox and zip extraction). Invocation: from "
        "the event handed out to the response posted (tests/bench/hook_sg.req.json, NonCompliant); "
        "warm: median of the %d events after the first.\n\n"
        "| rules | runs | init (best) | init (median) | first invocation (median) | warm invocation (median) |\n"
        "|---|---|---|---|---|---|\n%s\n<!-- /bench:lambda -->\n"
        % (machine, time.strftime("%Y-%m-%d", time.gmtime()), RUNS, WARM, "\n".join(rows)))
    doc = "docs/benchmarks.md"
    text = open(doc, encoding="utf-8").read()
    pat = re.compile(r"<!-- bench:lambda -->.*?<!-- /bench:lambda -->\n?", re.S)
    text = pat.sub(lambda m: section, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + section
    open(doc, "w", encoding="utf-8").write(text)
    print("bench-lambda: wrote %s" % doc)
    srv.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
