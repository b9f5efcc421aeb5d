"""standin.py — what the loopback HTTP stand-ins of the tests share (standard library only).

Handler     a quiet HTTP/1.1 request handler with body() (reads Content-Length bytes) and
            reply(code, body, headers, ctype) (bytes, str, or a dict/list sent as JSON)
start(H)    a threading server for handler class H on 127.0.0.1 (an ephemeral port), running
            in a daemon thread; returns the server (.server_address[1] is the port)
run(H, PORTFILE)  the same in the foreground, for a stand-in process: writes the port to
            PORTFILE (atomically, by rename) once listening, then serves until killed
Lambda Runtime API pieces, for the stand-ins of `parapet lambda`: RUNTIME_PREFIX,
next_headers(request id, ...) and runtime_post(path).

Scripts beside this file import it directly (their folder is on sys.path); others add
tests/integration/fake to sys.path first.
"""
import http.server
import json
import os
import threading
import time

RUNTIME_PREFIX = "/2018-06-01/runtime/"
TRACE_ID = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

    def reply(self, code, body=b"", headers=(), ctype=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _listen(handler):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    return srv


def start(handler):
    srv = _listen(handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def run(handler, portfile):
    srv = _listen(handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


def next_headers(request_id, region="us-east-1", trace=True):
    """The headers of an answer to GET …/invocation/next: the request id, a deadline 20 s
    ahead (the header name in lower case, as a client must accept), the trace id (unless trace is False) and the function ARN."""
    h = [("Lambda-Runtime-Aws-Request-Id", request_id),
         ("lambda-runtime-deadline-ms", str(int(time.time() * 1000) + 20000))]
    if trace:
        h.append(("Lambda-Runtime-Trace-Id", TRACE_ID))
    h.append(("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:%s:1:function:p" % region))
    return h


def runtime_post(path):
    """What a POST to the Runtime API names: ("init", "error") for /runtime/init/error,
    (request id, "response" or "error") for an invocation's answer, None for anything else."""
    if not path.startswith(RUNTIME_PREFIX):
        return None
    parts = path[len(RUNTIME_PREFIX):].split("/")
    if parts == ["init", "error"]:
        return ("init", "error")
    if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
        return (parts[1], parts[2])
    return None
