#!/usr/bin/env python3
"""Load driver for tests/integration/test_serve_stress.sh (Python stdlib, 127.0.0.1 only).

Holds CONNS connections to `parapet serve` open at once, of five kinds:
  trickle    headers and most of a hook request at once, then the last TRICKLE bytes one every
             100 ms; must get 200 with its own clientRequestToken and verdict
  slow       headers and half of a hook request, then nothing until every connection is open,
             then the rest; must get 200
  slowloris  headers announcing a 1 MB body, then a byte every 100 ms for ever; the server must
             close it after --request-timeout-s, not before
  big        Content-Length 7 MiB; must get 413 before sending the body
  chunked    7 MiB chunked, no Content-Length; must get 413 (over the limit) or 503 (the shared
             body buffer is full)
Meanwhile FLOOD keep-alive connections each send REQS requests one after the other
(GET /healthz and POST /hook alternately), and a probe opens a fresh connection every 250 ms
for GET /healthz, POST /hook and GET /metrics (the server's own count of open connections).
The server's VmRSS/VmHWM are read from /proc before, during and after.

Prints one JSON object with the figures; exits 1 with the reasons when a check fails.
"""

import argparse
import asyncio
import json
import os
import re
import sys
import time

HOST = "127.0.0.1"


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out


def proc_fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


def hook_body(template, token):
    return re.sub(rb'"tok-[a-z-]*"', b'"' + token.encode() + b'"', template, count=1)


def request(method, path, body=b"", extra=""):
    head = "%s %s HTTP/1.1\r\nHost: %s\r\n%s" % (method, path, HOST, extra)
    if method == "POST":
        head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    return head.encode() + b"\r\n" + body


async def read_response(reader):
    """(status, headers dict lower-cased, body) of one response with a Content-Length."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for ln in lines[1:]:
        if ":" in ln:
            k, _, v = ln.partition(":")
            hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0"))
    body = await reader.readexactly(n) if n else b""
    return status, hdrs, body


class Run:
    def __init__(self, a):
        self.a = a
        self.errors = []
        self.opened = 0
        self.all_open = asyncio.Event()
        self.go = asyncio.Event()       # set once the server's count was read with all open
        self.done = False
        self.results = {k: [] for k in ("trickle", "slow", "slowloris", "big", "chunked")}
        self.probe_lat = {"healthz": [], "hook": []}
        self.max_conns_server = 0
        self.max_fds = 0
        self.flood_ok = 0
        self.pass_tpl = open(a.pass_req, "rb").read()
        self.fail_tpl = open(a.fail_req, "rb").read()

    def err(self, msg):
        if len(self.errors) < 40:
            self.errors.append(msg)

    async def connect(self):
        return await asyncio.open_connection(HOST, self.a.port, limit=1 << 20)

    def opened_one(self):
        self.opened += 1
        if self.opened == self.a.conns:
            self.all_open.set()

    def check_hook(self, what, status, body, token, want):
        if status != 200:
            self.err("%s: HTTP %d %r" % (what, status, body[:200]))
            return False
        try:
            d = json.loads(body)
        except ValueError:
            self.err("%s: not JSON %r" % (what, body[:200]))
            return False
        if d.get("clientRequestToken") != token or d.get("hookStatus") != want:
            self.err("%s: wrong answer %r" % (what, body[:200]))
            return False
        return True

    async def hold(self, i, kind):
        w = None
        t_head = None
        try:
            r, w = await self.connect()
            if kind in ("trickle", "slow"):
                ok = i % 2 == 0
                token = "tok-%s-%d" % (kind, i)
                body = hook_body(self.pass_tpl if ok else self.fail_tpl, token)
                cut = len(body) - self.a.trickle if kind == "trickle" else len(body) // 2
                w.write(request("POST", "/hook", body)[: -(len(body) - cut)])
                await w.drain()
                self.opened_one()
                await self.go.wait()
                if kind == "trickle":
                    for b in range(cut, len(body)):
                        w.write(body[b:b + 1])
                        await w.drain()
                        await asyncio.sleep(0.1)
                else:
                    await asyncio.sleep(1.0)
                    w.write(body[cut:])
                    await w.drain()
                st, _, rb = await asyncio.wait_for(read_response(r), 60)
                self.results[kind].append(
                    self.check_hook(kind, st, rb, token, "SUCCESS" if ok else "FAILED"))
            elif kind == "slowloris":
                w.write(("POST /hook HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                         "Content-Length: 1000000\r\n\r\n{" % HOST).encode())
                await w.drain()
                t_head = time.monotonic()
                self.opened_one()
                closed_at = None
                while closed_at is None:
                    if time.monotonic() - t_head > self.a.request_timeout + 40:
                        break
                    try:
                        w.write(b" ")
                        await w.drain()
                        got = await asyncio.wait_for(r.read(4096), 0.1)
                        if got == b"":
                            closed_at = time.monotonic()
                    except asyncio.TimeoutError:
                        pass
                    except (ConnectionError, OSError):
                        closed_at = time.monotonic()
                self.results[kind].append(None if closed_at is None else closed_at - t_head)
            elif kind == "big":
                self.opened_one()
                await self.go.wait()
                w.write(("POST /hook HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                         "Content-Length: %d\r\n\r\n" % (HOST, 7 << 20)).encode())
                await w.drain()
                st, _, _ = await asyncio.wait_for(read_response(r), 60)
                self.results[kind].append(st)
            elif kind == "chunked":
                w.write(("POST /hook HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n" % HOST).encode())
                await w.drain()
                self.opened_one()
                await self.go.wait()
                piece = b" " * 65536
                chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
                for _ in range((7 << 20) // len(piece)):
                    w.write(chunk)
                    await w.drain()
                w.write(b"0\r\n\r\n")
                await w.drain()
                st, _, _ = await asyncio.wait_for(read_response(r), 60)
                self.results[kind].append(st)
        except Exception as e:  # noqa: BLE001 - any failure of one client is a finding
            if kind != "slowloris":
                self.err("%s %d: %s: %s" % (kind, i, type(e).__name__, e))
            if kind not in ("slowloris",):
                self.results[kind].append(False)
            else:
                self.results[kind].append(None if t_head is None else time.monotonic() - t_head)
        finally:
            if w is not None:
                w.close()

    async def flood(self, n):
        try:
            r, w = await self.connect()
            for j in range(self.a.reqs):
                if j % 2:
                    token = "tok-flood-%d-%d" % (n, j)
                    w.write(request("POST", "/hook", hook_body(self.pass_tpl, token)))
                    await w.drain()
                    st, _, rb = await asyncio.wait_for(read_response(r), 60)
                    if self.check_hook("flood", st, rb, token, "SUCCESS"):
                        self.flood_ok += 1
                else:
                    w.write(request("GET", "/healthz"))
                    await w.drain()
                    st, _, rb = await asyncio.wait_for(read_response(r), 60)
                    if st == 200 and b'"ok"' in rb:
                        self.flood_ok += 1
                    else:
                        self.err("flood /healthz: HTTP %d" % st)
            w.close()
        except Exception as e:  # noqa: BLE001
            self.err("flood %d: %s: %s" % (n, type(e).__name__, e))

    async def one(self, req):
        r, w = await self.connect()
        try:
            w.write(req)
            await w.drain()
            return await asyncio.wait_for(read_response(r), 60)
        finally:
            w.close()

    async def probe(self):
        k = 0
        while not self.done:
            k += 1
            try:
                t0 = time.monotonic()
                st, _, rb = await self.one(request("GET", "/healthz", extra="Connection: close\r\n"))
                self.probe_lat["healthz"].append(time.monotonic() - t0)
                if st != 200:
                    self.err("probe /healthz: HTTP %d" % st)
                token = "tok-probe-%d" % k
                t0 = time.monotonic()
                st, _, rb = await self.one(request("POST", "/hook", hook_body(self.fail_tpl, token),
                                                   extra="Connection: close\r\n"))
                self.probe_lat["hook"].append(time.monotonic() - t0)
                self.check_hook("probe /hook", st, rb, token, "FAILED")
                st, _, rb = await self.one(request("GET", "/metrics", extra="Connection: close\r\n"))
                m = re.search(rb"^parapet_http_connections (\d+)", rb, re.M)
                if m:
                    self.max_conns_server = max(self.max_conns_server, int(m.group(1)))
            except Exception as e:  # noqa: BLE001
                self.err("probe: %s: %s" % (type(e).__name__, e))
            await asyncio.sleep(0.25)

    async def sample(self, pid):
        while not self.done:
            self.max_fds = max(self.max_fds, proc_fds(pid))
            await asyncio.sleep(0.1)


async def main_async(a):
    run = Run(a)
    # warm-up: every worker thread builds its rule set, so "before" includes the Lua states
    for k in range(4 * a.threads):
        st, _, rb = await run.one(request("POST", "/hook", hook_body(run.pass_tpl, "tok-warm-%d" % k)))
        run.check_hook("warm-up", st, rb, "tok-warm-%d" % k, "SUCCESS")
    await asyncio.sleep(0.5)
    before = proc_status(a.pid)
    t0 = time.monotonic()
    kinds = (["big"] * a.big + ["chunked"] * a.chunked + ["slowloris"] * a.slowloris +
             ["trickle"] * a.trickle_conns)
    kinds += ["slow"] * (a.conns - len(kinds))
    bg = [asyncio.ensure_future(run.probe()), asyncio.ensure_future(run.sample(a.pid))]
    holds = [asyncio.ensure_future(run.hold(i, k)) for i, k in enumerate(kinds)]
    floods = [asyncio.ensure_future(run.flood(n)) for n in range(a.flood)]
    try:
        await asyncio.wait_for(run.all_open.wait(), 40)
    except asyncio.TimeoutError:
        run.err("only %d of %d connections opened in 40 s" % (run.opened, a.conns))
    t_open = time.monotonic() - t0
    # the server's own count with every client connected (accept may lag the client's connect)
    for _ in range(20):
        st, _, rb = await run.one(request("GET", "/metrics"))
        m = re.search(rb"^parapet_http_connections (\d+)", rb, re.M)
        if m:
            run.max_conns_server = max(run.max_conns_server, int(m.group(1)))
        if run.max_conns_server > a.conns:
            break
        await asyncio.sleep(0.25)
    during = proc_status(a.pid)
    run.go.set()
    await asyncio.gather(*holds, *floods)
    run.done = True
    await asyncio.gather(*bg)
    elapsed = time.monotonic() - t0
    await asyncio.sleep(a.settle)   # serve trims its heap within 2 s of the burst draining
    st, _, _ = await run.one(request("GET", "/healthz"))
    if st != 200:
        run.err("/healthz after the run: HTTP %d" % st)
    after = proc_status(a.pid)

    res = run.results
    sl = [x for x in res["slowloris"] if x is not None]

    def pct(xs, q):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0

    lat = run.probe_lat["healthz"] + run.probe_lat["hook"]
    out = {
        "connections": a.conns, "seconds_to_open_all": round(t_open, 2),
        "max_open_server": run.max_conns_server, "max_fds": run.max_fds,
        "trickle_ok": sum(1 for x in res["trickle"] if x), "trickle": len(res["trickle"]),
        "slow_ok": sum(1 for x in res["slow"] if x), "slow": len(res["slow"]),
        "slowloris_closed": len(sl), "slowloris": len(res["slowloris"]),
        "slowloris_closed_after_s": [round(min(sl), 1), round(max(sl), 1)] if sl else None,
        "big_413": res["big"].count(413), "big": len(res["big"]),
        "chunked_413": res["chunked"].count(413), "chunked_503": res["chunked"].count(503),
        "chunked": len(res["chunked"]),
        "flood_ok": run.flood_ok, "flood": a.flood * a.reqs,
        "probes": len(lat), "probe_p50_ms": round(pct(lat, 0.5) * 1000, 1),
        "probe_max_ms": round(max(lat) * 1000, 1) if lat else None,
        "rss_before_kb": before["VmRSS"], "rss_during_kb": during["VmRSS"],
        "rss_after_kb": after["VmRSS"], "hwm_kb": after["VmHWM"],
        "elapsed_s": round(elapsed, 1),
    }
    # the checks
    if out["trickle_ok"] != out["trickle"] or out["slow_ok"] != out["slow"]:
        run.err("slow clients not all answered correctly")
    if out["big_413"] != out["big"]:
        run.err("Content-Length 7 MiB: %r" % res["big"])
    if out["chunked_413"] + out["chunked_503"] != out["chunked"]:
        run.err("chunked 7 MiB: %r" % res["chunked"])
    if out["slowloris_closed"] != out["slowloris"]:
        run.err("slowloris connections still open after %d s" % (a.request_timeout + 40))
    elif sl and min(sl) < a.request_timeout - 1:
        run.err("a slowloris connection closed after %.1f s, before --request-timeout-s" % min(sl))
    if out["flood_ok"] != out["flood"]:
        run.err("keep-alive flood: %d of %d answered" % (out["flood_ok"], out["flood"]))
    if out["max_open_server"] < a.conns:
        run.err("the server never held %d connections at once (max %d)"
                % (a.conns, out["max_open_server"]))
    if not lat:
        run.err("no probe answered")
    elif max(lat) > a.probe_bound:
        run.err("a healthy request took %.1f s (bound %.0f s)" % (max(lat), a.probe_bound))
    if out["hwm_kb"] > a.hwm_bound_kb:
        run.err("peak RSS %d KB over the bound %d KB" % (out["hwm_kb"], a.hwm_bound_kb))
    if out["rss_after_kb"] - out["rss_before_kb"] > a.growth_bound_kb:
        run.err("RSS grew by %d KB (bound %d KB)"
                % (out["rss_after_kb"] - out["rss_before_kb"], a.growth_bound_kb))
    print(json.dumps(out))
    for e in run.errors:
        print("error:", e)
    return 1 if run.errors else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--pass-req", required=True)
    p.add_argument("--fail-req", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--conns", type=int, default=1000)
    p.add_argument("--trickle-conns", type=int, default=300)
    p.add_argument("--trickle", type=int, default=30, help="bytes trickled at 100 ms each")
    p.add_argument("--slowloris", type=int, default=80)
    p.add_argument("--big", type=int, default=25)
    p.add_argument("--chunked", type=int, default=25)
    p.add_argument("--flood", type=int, default=20)
    p.add_argument("--reqs", type=int, default=250)
    p.add_argument("--request-timeout", type=float, default=15)
    p.add_argument("--probe-bound", type=float, default=10.0)
    p.add_argument("--hwm-bound-kb", type=int, default=256 << 10)
    p.add_argument("--growth-bound-kb", type=int, default=32 << 10)
    p.add_argument("--settle", type=float, default=5.0)
    a = p.parse_args()
    sys.exit(asyncio.run(main_async(a)))


if __name__ == "__main__":
    main()
