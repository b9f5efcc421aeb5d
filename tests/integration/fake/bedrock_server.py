"""bedrock_server.py — a stand-in for Bedrock Runtime's Converse API, on 127.0.0.1 only.

usage: bedrock_server.py PORTFILE LOGDIR MODE
Every request's SigV4 signature is checked with the independent Python signer (sigv4.py,
service "bedrock", the test's access key AKIDTEST / secret below). A bad signature gets 403
InvalidSignatureException, as AWS answers. MODE:
  ok        200 with a Converse answer ("AI: <first line of the prompt>")
  slow:S    waits S seconds, then answers like ok
  throttle  429 ThrottlingException
  error     500 InternalServerException
LOGDIR/requests.jsonl gets one line per request: path, raw body, signature verdict.
"""
import json
import os
import sys
import threading
import time

import sigv4
import standin

SECRETS = {"AKIDTEST": "test/SECRET+key0123456789abcdefghijklmn"}
portfile, logdir, mode = sys.argv[1:4]
lock = threading.Lock()


class Handler(standin.Handler):
    def answer(self, code, obj, etype=None):
        headers = [("x-amzn-ErrorType", etype + ":http://internal.amazon.com/coral/")] if etype else []
        self.reply(code, obj, headers, "application/json")

    def do_POST(self):
        body = self.body()
        ok, why = sigv4.verify("POST", self.path, list(self.headers.items()), body, SECRETS,
                               service="bedrock")
        with lock, open(os.path.join(logdir, "requests.jsonl"), "a") as f:
            f.write(json.dumps({"path": self.path, "body": body.decode("utf-8", "replace"),
                                "signature_ok": ok, "why": why,
                                "token": self.headers.get("X-Amz-Security-Token")}) + "\n")
        if not ok:
            self.answer(403, {"message": "The request signature we calculated does not match "
                                        "the signature you provided. " + why},
                       "InvalidSignatureException")
            return
        if not self.path.endswith("/converse") or not self.path.startswith("/model/"):
            self.answer(404, {"message": "no such operation"}, "ResourceNotFoundException")
            return
        if mode.startswith("slow:"):
            time.sleep(float(mode.split(":")[1]))
        if mode == "throttle":
            self.answer(429, {"message": "Too many requests"}, "ThrottlingException")
            return
        if mode == "error":
            self.answer(500, {"message": "boom"}, "InternalServerException")
            return
        req = json.loads(body)
        first = req["messages"][0]["content"][0]["text"].splitlines()[0]
        self.answer(200, {"output": {"message": {"role": "assistant", "content": [
            {"text": "AI: the bucket name is taken; " + first}]}},
            "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1,
                                                "totalTokens": 2},
            "metrics": {"latencyMs": 1}})


standin.run(Handler, portfile)
