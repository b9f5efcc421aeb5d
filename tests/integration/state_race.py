#!/usr/bin/env python3
"""state_race.py PARAPET RULES TABLE — the race test of issue 18 (run by test_state_race.sh,
which starts moto_server and creates TABLE from the deploy template).

N `parapet lambda` processes share one DynamoDB state table. Each has its own stand-in
Runtime API (standard library, 127.0.0.1) that hands out what the driver queues for it. A
webhook receiver answers 500 or 429 (Retry-After: 0) at random before it accepts a message.

  1. the resource-failure events (the cause) of F stacks, each also sent again (same event id)
     to other processes, in a shuffled order;
  2. the stack-failure events (ROLLBACK_IN_PROGRESS, a duplicate of it, ROLLBACK_COMPLETE),
     never on the process that received the stack's resource event, all queued at once so
     the processes race; then exactly one message per stack must have been accepted, each
     with the root cause from its resource event;
  3. a process is killed while it posts (it has claimed the row; the receiver holds the
     request and never answers): a flush by another process within the lease posts nothing,
     one after the lease has expired posts the message, once.
Credentials (fake) and the webhook URL must appear in no output and nowhere in the table.
"""
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import boto3

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake"))
import standin  # noqa: E402

PARAPET, RULES, TABLE = sys.argv[1:4]
N = 8
F = 6
LEASE = int(os.environ.get("PARAPET_STATE_LEASE_SECONDS", "5"))
SEED = int(os.environ.get("RACE_SEED", str(int(time.time()))))
rng = random.Random(SEED)
ACCOUNT = "111122223333"
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]


PROCS = []   # every parapet process started, stopped on any failure


def fail(msg):
    print("FAIL (RACE_SEED=%d): %s" % (SEED, msg))
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    sys.exit(1)


def stack_arn(name):
    return "arn:aws:cloudformation:eu-west-1:%s:stack/%s/0a1b" % (ACCOUNT, name)


def ev_resource(name):
    return {"version": "0", "id": "res-" + name, "detail-type": "CloudFormation Resource Status Change",
            "source": "aws.cloudformation", "account": ACCOUNT, "time": "2024-05-01T10:00:00Z",
            "region": "eu-west-1", "resources": [stack_arn(name)],
            "detail": {"stack-id": stack_arn(name), "logical-resource-id": "Assets",
                       "physical-resource-id": "", "resource-type": "AWS::S3::Bucket",
                       "status-details": {"status": "CREATE_FAILED", "status-reason":
                                          "assets-%s already exists (Service: Amazon S3; Status Code: 409; "
                                          "Error Code: BucketAlreadyExists)" % name},
                       "client-request-token": "tok"}}


def ev_stack(name, status, eid):
    return {"version": "0", "id": eid, "detail-type": "CloudFormation Stack Status Change",
            "source": "aws.cloudformation", "account": ACCOUNT, "time": "2024-05-01T10:00:09Z",
            "region": "eu-west-1", "resources": [stack_arn(name)],
            "detail": {"stack-id": stack_arn(name), "status-details": {
                "status": status, "status-reason":
                "The following resource(s) failed to create: [Assets]. Rollback requested by user."},
                "client-request-token": "tok"}}


# ---- the webhook receiver -------------------------------------------------------------------

class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = {}      # scope -> [bodies]
        self.refusals = {}      # scope -> refusals still to give
        self.refused = 0
        self.hang_scope = None  # the first POST for this scope is held, never answered
        self.hanging = threading.Event()
        self.release = threading.Event()


R = Receiver()


class Hook(standin.Handler):
    def answer(self, code, headers=()):
        self.reply(code, b"ok" if code == 200 else b"try later", headers)

    def do_POST(self):
        raw = self.body()
        try:
            body = json.loads(raw)
            scope = body["scope"]
        except Exception:
            return self.answer(400)
        with R.lock:
            hang = scope == R.hang_scope and not R.hanging.is_set()
            if hang:
                R.hanging.set()
            if not hang:
                left = R.refusals.setdefault(scope, rng.randint(0, 2))
                if left > 0:
                    R.refusals[scope] = left - 1
                    R.refused += 1
                    code = rng.choice([500, 429])
        if hang:
            R.release.wait(60)
            self.close_connection = True
            return   # no answer: the poster was killed meanwhile
        if left > 0:
            return self.answer(code, [("Retry-After", "0")] if code == 429 else [])
        with R.lock:
            R.accepted.setdefault(scope, []).append(body)
        self.answer(200)


# ---- one stand-in Runtime API per process ------------------------------------------------------

class Runtime:
    def __init__(self, k):
        self.k = k
        self.q = queue.Queue()
        self.done = queue.Queue()   # (request id, "response"|"error", body)
        self.seq = 0
        rt = self

        class H(standin.Handler):
            def do_GET(self):
                if self.path != standin.RUNTIME_PREFIX + "invocation/next":
                    return self.reply(404)
                ev = rt.q.get()
                if ev is None:
                    return self.reply(500, b'{"errorMessage":"done","errorType":"X"}')
                rt.seq += 1
                self.reply(200, json.dumps(ev).encode(),
                           standin.next_headers("p%d-req-%d" % (rt.k, rt.seq), "eu-west-1", trace=False))

            def do_POST(self):
                body = self.body()
                what = standin.runtime_post(self.path)
                if what is None:
                    return self.reply(404)
                rt.done.put(what + (body,))
                self.reply(202, b'{"status":"OK"}')

        self.srv = standin.start(H)
        self.port = self.srv.server_address[1]

    def wait_answers(self, n, what):
        got = []
        for _ in range(n):
            try:
                got.append(self.done.get(timeout=90))
            except queue.Empty:
                fail("process %d answered %d of %d %s" % (self.k, len(got), n, what))
        return got


def dead_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    hook = standin.start(Hook)
    url = "http://127.0.0.1:%d/hook/%s" % (hook.server_address[1], "secret-path-token")
    rts = [Runtime(k) for k in range(N + 1)]
    tmp = os.environ.get("T", "/tmp")
    env = dict(os.environ)
    env.update({"PARAPET_STATE": "dynamodb://" + TABLE, "PARAPET_NOTIFY_URL": url,
                "PARAPET_NOTIFY_TO": "webhook", "PARAPET_STATE_LEASE_SECONDS": str(LEASE),
                # a failed join must not reach out: every other AWS endpoint is a dead port
                "AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % dead_port()})
    for k in ("PARAPET_STATE_DB", "XDG_STATE_HOME", "PARAPET_AI"):
        env.pop(k, None)
    procs, errs = PROCS, []
    for rt in rts:
        e = dict(env, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % rt.port)
        ef = open(os.path.join(tmp, "lambda-%d.err" % rt.k), "w+")
        errs.append(ef)
        procs.append(subprocess.Popen([PARAPET, "lambda", "--no-builtin-rules", "--rules", RULES],
                                      env=e, stdout=subprocess.DEVNULL, stderr=ef))
    names = ["web%d" % i for i in range(F)]
    home = {}

    # 1. resource events, with duplicates on other processes, shuffled
    plan = {k: [] for k in range(N)}
    for name in names:
        ks = rng.sample(range(N), 3)
        home[name] = ks[0]
        for k in ks[: rng.randint(1, 3)]:
            plan[k].append(ev_resource(name))
    for k in range(N):
        rng.shuffle(plan[k])
        for ev in plan[k]:
            rts[k].q.put(ev)
    for k in range(N):
        for rid, kind, body in rts[k].wait_answers(len(plan[k]), "resource events"):
            if json.loads(body).get("handled") != "stored":
                fail("process %d: resource event not stored: %s" % (k, body[:300]))

    # 2. stack events, never on the stack's home process, all at once
    plan = {k: [] for k in range(N)}
    for name in names:
        others = [k for k in range(N) if k != home[name]]
        ks = rng.sample(others, 3)
        plan[ks[0]].append(ev_stack(name, "ROLLBACK_IN_PROGRESS", "stk-%s-1" % name))
        plan[ks[1]].append(ev_stack(name, "ROLLBACK_IN_PROGRESS", "stk-%s-1" % name))
        plan[ks[2]].append(ev_stack(name, "ROLLBACK_COMPLETE", "stk-%s-2" % name))
    for k in range(N):
        rng.shuffle(plan[k])
    for k in range(N):
        for ev in plan[k]:
            rts[k].q.put(ev)
    for k in range(N):
        rts[k].wait_answers(len(plan[k]), "stack events")
    # a message left pending by a process whose deliveries all met refusals goes out with
    # the next invocation anywhere: one more round of a harmless event for everyone
    for k in range(N):
        rts[k].q.put(ev_stack("unrelated", "CREATE_COMPLETE", "ok-%d" % k))
    for k in range(N):
        rts[k].wait_answers(1, "the flush round")
    with R.lock:
        acc = {s: list(v) for s, v in R.accepted.items()}
    for name in names:
        got = acc.get(name, [])
        if len(got) != 1:
            fail("%s: %d messages accepted, expected exactly 1" % (name, len(got)))
        roots = got[0].get("root_causes", []) + got[0].get("unmatched", [])
        if not roots:
            fail("%s: message without a root cause: %s" % (name, json.dumps(got[0])[:400]))
        ev = roots[0].get("event", roots[0])
        if ev.get("logical_id") != "Assets" or "assets-%s already exists" % name not in ev.get("reason", ""):
            fail("%s: root cause is not the resource event's: %s" % (name, json.dumps(roots[0])[:400]))
    if set(acc) - set(names):
        fail("unexpected messages for %s" % sorted(set(acc) - set(names)))
    print("race: %d processes, %d failures, %d refusals by the receiver: one message each"
          % (N, F, R.refused))

    # 3. a process killed while it posts
    victim, early, late, home_k = N - 1, 1, 2, 0
    R.hang_scope = "killme"
    rts[home_k].q.put(ev_resource("killme"))
    rts[home_k].wait_answers(1, "the killme resource event")
    rts[victim].q.put(ev_stack("killme", "ROLLBACK_IN_PROGRESS", "stk-killme-1"))
    if not R.hanging.wait(30):
        fail("the victim never posted killme")
    t_kill = time.time()
    procs[victim].send_signal(signal.SIGKILL)
    procs[victim].wait()
    R.release.set()
    rts[early].q.put(ev_stack("unrelated", "CREATE_COMPLETE", "ok-early"))
    rts[early].wait_answers(1, "the early flush")
    with R.lock:
        n_early = len(R.accepted.get("killme", []))
    if time.time() < t_kill + LEASE - 1 and n_early != 0:
        fail("killme was posted again while the dead process's lease still held")
    time.sleep(max(0.0, t_kill + LEASE + 1.5 - time.time()))
    rts[late].q.put(ev_stack("unrelated", "CREATE_COMPLETE", "ok-late"))
    rts[late].wait_answers(1, "the late flush")
    with R.lock:
        got = R.accepted.get("killme", [])
    if len(got) != 1:
        fail("killme: %d messages accepted after the lease, expected 1" % len(got))
    print("race: the killed process's row was delivered once by another after the %d s lease" % LEASE)

    # the processes end; nothing of the credentials or the URL anywhere
    for k, rt in enumerate(rts):
        if k != victim:
            rt.q.put(None)
    for k, p in enumerate(procs):
        if k != victim:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                fail("process %d did not exit" % k)
    out = ""
    for ef in errs:
        ef.seek(0)
        out += ef.read()
    if "AddressSanitizer" in out or "runtime error:" in out:
        fail("a sanitizer report: %s" % out[-2000:])
    for secret in (SECRET, "secret-path-token"):
        if secret in out:
            fail("a secret reached the logs")
    ddb = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"],
                       region_name="eu-west-1", aws_access_key_id="AKIDTEST",
                       aws_secret_access_key="x")
    items = []
    for page in ddb.get_paginator("scan").paginate(TableName=TABLE):
        items += page["Items"]
    dump = json.dumps(items)
    for secret in (SECRET, "secret-path-token", "AKIDTEST"):
        if secret in dump:
            fail("a secret (%s…) is stored in the table" % secret[:4])
    pending = [i for i in items if i["sk"]["S"].startswith("pending#")]
    if pending:
        fail("%d rows still pending" % len(pending))
    print("race: ok (RACE_SEED=%d)" % SEED)


main()
