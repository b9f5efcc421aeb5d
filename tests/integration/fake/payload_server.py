"""payload_server.py — a stand-in for S3 presigned payload URLs, on 127.0.0.1 only.

usage: payload_server.py ROOT PORTFILE LOGFILE
GET /NAME serves ROOT/NAME. Special paths: /stall… accepts and never answers (30 s),
/fail500… answers 500, /big… answers 40 MB. Every request path is appended to LOGFILE.
The chosen port is written to PORTFILE once listening.
"""
import os
import sys
import time

import standin

root, portfile, logfile = sys.argv[1:4]


class Handler(standin.Handler):
    protocol_version = "HTTP/1.0"   # the connection ends with each answer

    def do_GET(self):
        with open(logfile, "a") as f:
            f.write(self.path + "\n")
        path = self.path.split("?")[0]
        if path.startswith("/stall"):
            time.sleep(30)
            return
        if path.startswith("/fail500"):
            return self.reply(500)
        if path.startswith("/big"):
            n = 40 << 20
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b" " * (1 << 20)
            try:
                for _ in range(40):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        p = os.path.normpath(os.path.join(root, path.lstrip("/")))
        if not p.startswith(os.path.abspath(root)) or not os.path.isfile(p):
            return self.reply(404)
        self.reply(200, open(p, "rb").read(), ctype="application/json")


standin.run(Handler, portfile)
