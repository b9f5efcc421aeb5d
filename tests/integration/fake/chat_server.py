"""chat_server.py — a stand-in for Slack / Teams / generic webhook receivers, on 127.0.0.1 only.

usage: chat_server.py PORTFILE LOGDIR
Behaviour per request path (the test chooses it through the URL it gives parapet):
  /ok/…            200 "ok" (Slack's answer; Teams' 202 is also a 2xx)
  /throttle/N/S/…  the first N requests on this path answer 429 with Retry-After: S, then 200
  /hang/…          reads the request, records it as unanswered, never answers
  /hangonce/…      the first request on this path hangs like /hang, later ones get 200
  /status/CODE/…   answers CODE
Files in LOGDIR: delivered.jsonl (one JSON line per request answered 2xx: path, headers,
body), received.log (one line per request: the path and the status given, or "hang").
The chosen port is written to PORTFILE once listening.
"""
import json
import os
import sys
import threading
import time

import standin

portfile, logdir = sys.argv[1:3]
lock = threading.Lock()
counts = {}


def log(name, line):
    with lock, open(os.path.join(logdir, name), "a") as f:
        f.write(line + "\n")


def seen(path):
    """How many requests this path has had, this one included."""
    with lock:
        counts[path] = counts.get(path, 0) + 1
        return counts[path]


class Handler(standin.Handler):
    def do_POST(self):
        body = self.body()
        parts = self.path.split("/")
        kind = parts[1] if len(parts) > 1 else ""
        if kind == "hangonce" and seen(self.path) == 1:
            kind = "hang"
        if kind == "hang":
            log("received.log", self.path + " hang")
            time.sleep(3600)
            return
        code = 200
        headers = ()
        if kind == "throttle":
            limit, wait = int(parts[2]), parts[3]
            if seen(self.path) <= limit:
                code, headers = 429, (("Retry-After", wait),)
        elif kind == "status":
            code = int(parts[2])
        log("received.log", "%s %d" % (self.path, code))
        if 200 <= code < 300:
            log("delivered.jsonl", json.dumps({"path": self.path, "headers": dict(self.headers),
                                               "body": body.decode("utf-8")}))
            self.reply(code, b"ok")
        else:
            self.reply(code, b"rate_limited" if code == 429 else b"invalid_payload", headers)


standin.run(Handler, portfile)
