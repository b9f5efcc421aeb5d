#!/usr/bin/env python3
"""serve_lanes.py PORT MAX_CONNS WORKERS — how `parapet serve` spreads connections over its
worker threads and holds its connection limit (test_serve_lanes.sh).

1. Balance: 6 keep-alive connections each make a request and stay open; a 7th reads
   /metrics. parapet_http_worker_connections must add up to 7 and differ by at most one
   between workers (each new connection goes to the worker holding the fewest).
2. Limit: connections are opened until MAX_CONNS are held. One more is accepted by the
   kernel (listen queue) but its request gets no answer while the others stay open; once
   one of them closes, it is answered. The connection gauge never exceeds MAX_CONNS.
Exits 0 when every check holds, 1 with a message otherwise.
"""
import re
import socket
import sys
import time

PORT, MAX_CONNS, WORKERS = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
REQ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def read_response(s):
    """One HTTP/1.1 response with Content-Length from s; returns (status, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the headers")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    need = int(m.group(1)) if m else 0
    while len(body) < need:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the body")
        body += chunk
    return int(head.split(b" ", 2)[1]), body


def open_conn():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    s.sendall(REQ)
    status, _ = read_response(s)
    if status != 200:
        fail("/healthz answered %d" % status)
    return s


def metrics(s):
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    status, body = read_response(s)
    if status != 200:
        fail("/metrics answered %d" % status)
    text = body.decode()
    workers = {int(w): int(n) for w, n in
               re.findall(r'^parapet_http_worker_connections\{worker="(\d+)"\} (\d+)$', text, re.M)}
    total = re.search(r"^parapet_http_connections (\d+)$", text, re.M)
    return workers, int(total.group(1)) if total else -1


held = [open_conn() for _ in range(6)]
probe = open_conn()
workers, total = metrics(probe)
print("balance: per worker %s, total %d" % (workers, total))
if len(workers) != WORKERS:
    fail("expected %d workers in /metrics, got %s" % (WORKERS, workers))
if sum(workers.values()) != 7 or total != 7:
    fail("7 connections open, /metrics counts %d (workers %s)" % (total, workers))
if max(workers.values()) - min(workers.values()) > 1:
    fail("connections not spread evenly: %s" % workers)

while len(held) + 1 < MAX_CONNS:
    held.append(open_conn())
workers, total = metrics(probe)
if total != MAX_CONNS:
    fail("%d connections held, gauge says %d" % (MAX_CONNS, total))
extra = socket.create_connection(("127.0.0.1", PORT), timeout=10)  # the kernel's queue takes it
extra.sendall(REQ)
extra.settimeout(1.5)
try:
    extra.recv(1)
    fail("a connection beyond --max-connections %d was served" % MAX_CONNS)
except socket.timeout:
    pass
workers, total = metrics(probe)
if total > MAX_CONNS:
    fail("gauge %d above the limit %d" % (total, MAX_CONNS))
held.pop().close()
extra.settimeout(10)
t0 = time.monotonic()
status, _ = read_response(extra)
if status != 200:
    fail("the queued connection got %d" % status)
print("limit: queued connection answered %.2f s after a slot freed" % (time.monotonic() - t0))
workers, total = metrics(probe)
if total != MAX_CONNS:
    fail("after the swap %d connections are held, gauge says %d" % (MAX_CONNS, total))
print("serve lanes: all checks passed")
