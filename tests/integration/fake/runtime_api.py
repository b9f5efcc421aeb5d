"""runtime_api.py — a stand-in for the AWS Lambda Runtime API, on 127.0.0.1 only.

usage: runtime_api.py PORTFILE OUTDIR EVENT…
GET /2018-06-01/runtime/invocation/next hands out the EVENT files in order, with the request
id req-1, req-2, …, a deadline 20 s ahead and a trace id; once they are used up it answers
500 (the runtime must then exit). POSTs to …/{id}/response, …/{id}/error and
/runtime/init/error are saved as OUTDIR/{id}.response, OUTDIR/{id}.error, OUTDIR/init.error,
with the Lambda-Runtime-Function-Error-Type header in a matching .type file; answer 202.
"""
import http.server
import os
import sys
import time

portfile, outdir, events = sys.argv[1], sys.argv[2], sys.argv[3:]
state = {"next": 0}
PREFIX = "/2018-06-01/runtime/"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != PREFIX + "invocation/next":
            return self.reply(404)
        i = state["next"]
        state["next"] += 1
        if i >= len(events):
            return self.reply(500, b'{"errorMessage":"container broken","errorType":"X"}')
        body = open(events[i], "rb").read()
        self.reply(200, body, [
            ("Lambda-Runtime-Aws-Request-Id", "req-%d" % (i + 1)),
            ("lambda-runtime-deadline-ms", str(int(time.time() * 1000) + 20000)),
            ("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1"),
            ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:1:function:p"),
        ])

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        rest = self.path[len(PREFIX):] if self.path.startswith(PREFIX) else ""
        parts = rest.split("/")
        if rest == "init/error":
            name = "init.error"
        elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            name = "%s.%s" % (parts[1], parts[2])
        else:
            return self.reply(404)
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(body)
        et = self.headers.get("Lambda-Runtime-Function-Error-Type")
        if et is not None:
            with open(os.path.join(outdir, name + ".type"), "w") as f:
                f.write(et)
        self.reply(202, b'{"status":"OK"}')


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
