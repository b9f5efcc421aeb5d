"""runtime_api.py — a stand-in for the AWS Lambda Runtime API, on 127.0.0.1 only.

usage: runtime_api.py PORTFILE OUTDIR EVENT…
GET /2018-06-01/runtime/invocation/next hands out the EVENT files in order, with the request
id req-1, req-2, …, a deadline 20 s ahead and a trace id; once they are used up it answers
500 (the runtime must then exit). POSTs to …/{id}/response, …/{id}/error and
/runtime/init/error are saved as OUTDIR/{id}.response, OUTDIR/{id}.error, OUTDIR/init.error,
with the Lambda-Runtime-Function-Error-Type header in a matching .type file; answer 202.
"""
import os
import sys

import standin

portfile, outdir, events = sys.argv[1], sys.argv[2], sys.argv[3:]
state = {"next": 0}


class Handler(standin.Handler):
    def do_GET(self):
        if self.path != standin.RUNTIME_PREFIX + "invocation/next":
            return self.reply(404)
        i = state["next"]
        state["next"] += 1
        if i >= len(events):
            return self.reply(500, b'{"errorMessage":"container broken","errorType":"X"}')
        body = open(events[i], "rb").read()
        self.reply(200, body, standin.next_headers("req-%d" % (i + 1)))

    def do_POST(self):
        body = self.body()
        what = standin.runtime_post(self.path)
        if what is None:
            return self.reply(404)
        name = "%s.%s" % what
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(body)
        et = self.headers.get("Lambda-Runtime-Function-Error-Type")
        if et is not None:
            with open(os.path.join(outdir, name + ".type"), "w") as f:
                f.write(et)
        self.reply(202, b'{"status":"OK"}')


standin.run(Handler, portfile)
