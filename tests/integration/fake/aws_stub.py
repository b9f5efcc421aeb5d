"""aws_stub.py — one loopback stand-in for the AWS endpoints `parapet explain --stack` and
`parapet watch` talk to, for what moto_server does not do (or not realistically): recorded
Describe answers of a failed deployment, throttling, access errors, and the credential
sources (STS, the IAM Identity Center portal, the ECS container endpoint, IMDSv2).

usage: aws_stub.py PORTFILE LOGFILE SCENARIO.json

Every signed request is checked with sigv4.py against the secrets the scenario declares
("keys": {akid: secret}) plus every key this stub issued; a bad signature gets 403.
LOGFILE gets one JSON line per request: {"op", "akid", "sig_ok", "why", "params"}.

Scenario (all optional):
  keys        {akid: secret} accepted for signing
  expire_in   seconds until issued credentials expire (default 3600)
  sso_token   accessToken the portal accepts; container_token likewise for the container
  web_token   WebIdentityToken STS accepts
  stacks      {name or ARN: [StackEvents, newest first]}; page_size (default 3)
  watch       {name: [[events…], [events…]]}: successive DescribeStackEvents answers (the
              last one repeats) — a deployment that progresses while it is watched
  ecs         {"services": {name: service}, "tasks": [task], "taskdefs": {arn: taskdef}}
  logs        {"group|stream": [messages]}
  trail       {resource name: [LookupEvents Events[]]}
  templates   {name or ARN: template text} for GetTemplate; a stack without one gets
              '{"Resources": {}}' (a stand-in, so scenarios that do not care stay quiet)
  template_pad {name: n}: n bytes of YAML comment appended to that stack's template
  throttle    {op: n}: the first n calls of op answer 400 Throttling
  deny        [op]: these answer 400 AccessDeniedException
"""
import json
import sys
import threading
import time
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import sigv4
import standin

portfile, logfile, scenfile = sys.argv[1:4]
S = json.load(open(scenfile))
SECRETS = dict(S.get("keys", {}))
LOCK = threading.Lock()
COUNT = {}
ISSUED = [0]
WATCH_POS = {}


def issue(kind):
    with LOCK:
        ISSUED[0] += 1
        n = ISSUED[0]
    akid = "ASIA%s%04d" % (kind.upper()[:8], n)
    secret = "issued-%s-%d-SECRETVALUE/+" % (kind, n)
    token = "TOKEN-%s-%d-SESSIONVALUE" % (kind, n)
    SECRETS[akid] = secret
    exp = time.gmtime(time.time() + S.get("expire_in", 3600))
    return akid, secret, token, time.strftime("%Y-%m-%dT%H:%M:%SZ", exp)


def counted(op):
    with LOCK:
        COUNT[op] = COUNT.get(op, 0) + 1
        return COUNT[op]


class Handler(standin.Handler):
    def log(self, **kw):
        with LOCK, open(logfile, "a") as f:
            f.write(json.dumps(kw) + "\n")

    def send(self, code, body, ctype="application/json", headers=()):
        self.reply(code, body, headers, ctype)

    # ---- IMDSv2 and the container endpoint (GET/PUT) ----
    def do_PUT(self):
        self.body()
        if self.path == "/latest/api/token":
            self.log(op="imds-token", ttl=self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"))
            return self.send(200, "IMDSTOKEN-123", "text/plain")
        self.send(404, "no")

    def do_GET(self):
        u = urlparse(self.path)
        if u.path.startswith("/latest/meta-data/iam/security-credentials/"):
            tok = self.headers.get("X-aws-ec2-metadata-token")
            self.log(op="imds-get", path=u.path, token_ok=tok == "IMDSTOKEN-123")
            if tok != "IMDSTOKEN-123":
                return self.send(401, "token required", "text/plain")
            role = u.path.rsplit("/", 1)[1]
            if not role:
                return self.send(200, "imds-role\n", "text/plain")
            akid, sk, tk, exp = issue("imds")
            return self.send(200, {"Code": "Success", "AccessKeyId": akid,
                                   "SecretAccessKey": sk, "Token": tk, "Expiration": exp})
        if u.path == "/container-creds":
            auth = self.headers.get("Authorization")
            self.log(op="container", auth_ok=auth == S.get("container_token"))
            if auth != S.get("container_token"):
                return self.send(403, {"message": "bad token"})
            akid, sk, tk, exp = issue("ecs")
            return self.send(200, {"AccessKeyId": akid, "SecretAccessKey": sk, "Token": tk,
                                   "Expiration": exp, "RoleArn": "arn:aws:iam::1:role/task"})
        if u.path == "/federation/credentials":
            q = {k: v[0] for k, v in parse_qs(u.query).items()}
            tok = self.headers.get("x-amz-sso_bearer_token")
            self.log(op="sso", params=q, token_ok=tok == S.get("sso_token"))
            if tok != S.get("sso_token"):
                return self.send(401, {"message": "Session token not found or invalid"})
            akid, sk, tk, exp = issue("sso")
            return self.send(200, {"roleCredentials": {
                "accessKeyId": akid, "secretAccessKey": sk, "sessionToken": tk,
                "expiration": int(time.time() + S.get("expire_in", 3600)) * 1000}})
        self.send(404, {"message": "not here"})

    # ---- signed APIs (POST) ----
    def do_POST(self):
        body = self.body()
        target = self.headers.get("X-Amz-Target", "")
        form = {}
        if not target:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            op = form.get("Action", "?")
        else:
            op = target.rsplit(".", 1)[-1]
        auth = self.headers.get("Authorization", "")
        akid = auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else None
        if op == "AssumeRoleWithWebIdentity":
            ok, why = True, "unsigned"
        else:
            ok, why = sigv4.verify("POST", self.path, list(self.headers.items()), body, SECRETS)
        params = dict(form) if form else (json.loads(body or b"{}") if target else {})
        params.pop("WebIdentityToken", None)
        self.log(op=op, akid=akid, sig_ok=ok, why=why.split("\n")[0], params=params,
                 token=self.headers.get("X-Amz-Security-Token"))
        if not ok:
            return self.error(403, "SignatureDoesNotMatch", why.split("\n")[0], xml=not target)
        if op in S.get("deny", []):
            return self.error(400, "AccessDeniedException" if target else "AccessDenied",
                              "User: arn:aws:sts::111122223333:assumed-role/reader/x is not "
                              "authorized to perform: %s" % op, xml=not target)
        n = counted(op)
        if n <= S.get("throttle", {}).get(op, 0):
            return self.error(400, "ThrottlingException" if target else "Throttling",
                              "Rate exceeded", xml=not target)
        fn = getattr(self, "op_" + op, None)
        if not fn:
            return self.error(400, "InvalidAction", "not in this stub: " + op, xml=not target)
        fn(form if not target else json.loads(body or b"{}"))

    def error(self, code, name, msg, xml=False):
        if xml:
            return self.send(code, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>"
                             "<Message>%s</Message></Error></ErrorResponse>"
                             % (name, escape(msg)), "text/xml")
        self.send(code, {"__type": name, "message": msg}, "application/x-amz-json-1.1",
                  [("x-amzn-ErrorType", name + ":")])

    def xml_creds(self, op, kind):
        akid, sk, tk, exp = issue(kind)
        self.send(200, "<%sResponse><%sResult><Credentials><AccessKeyId>%s</AccessKeyId>"
                  "<SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken>"
                  "<Expiration>%s</Expiration></Credentials></%sResult></%sResponse>"
                  % (op, op, akid, escape(sk), tk, exp, op, op), "text/xml")

    def op_AssumeRole(self, f):
        self.xml_creds("AssumeRole", "role")

    def op_AssumeRoleWithWebIdentity(self, f):
        if f.get("WebIdentityToken") != S.get("web_token"):
            return self.error(400, "InvalidIdentityToken", "bad token", xml=True)
        self.xml_creds("AssumeRoleWithWebIdentity", "web")

    def op_DescribeStackEvents(self, f):
        name = f.get("StackName")
        if name in S.get("watch", {}):
            seq = S["watch"][name]
            with LOCK:
                i = WATCH_POS.get(name, 0)
                WATCH_POS[name] = i + 1
            evs = seq[min(i, len(seq) - 1)]
        elif name in S.get("stacks", {}):
            evs = S["stacks"][name]
        else:
            return self.error(400, "ValidationError", "Stack with id %s does not exist" % name,
                              xml=True)
        size = S.get("page_size", 3)
        start = int(f.get("NextToken", "0"))
        page = evs[start:start + size]
        nxt = "<NextToken>%d</NextToken>" % (start + size) if start + size < len(evs) else ""
        members = "".join("<member>" + "".join("<%s>%s</%s>" % (k, escape(str(v)), k)
                                               for k, v in e.items()) + "</member>" for e in page)
        self.send(200, "<DescribeStackEventsResponse><DescribeStackEventsResult><StackEvents>"
                  "%s</StackEvents>%s</DescribeStackEventsResult></DescribeStackEventsResponse>"
                  % (members, nxt), "text/xml")

    def op_GetTemplate(self, f):
        name = f.get("StackName")
        if name not in S.get("stacks", {}) and name not in S.get("watch", {}):
            return self.error(400, "ValidationError", "Stack with id %s does not exist" % name,
                              xml=True)
        body = S.get("templates", {}).get(name, '{"Resources": {}}')
        pad = S.get("template_pad", {}).get(name, 0)
        if pad:
            body += "\n#" + "x" * (pad - 2)
        self.send(200, "<GetTemplateResponse><GetTemplateResult><TemplateBody>%s</TemplateBody>"
                  "<StagesAvailable><member>Original</member><member>Processed</member>"
                  "</StagesAvailable></GetTemplateResult></GetTemplateResponse>" % escape(body),
                  "text/xml")

    def op_DescribeServices(self, b):
        svcs = S.get("ecs", {}).get("services", {})
        self.send(200, {"services": [svcs[n] for n in b.get("services", []) if n in svcs],
                        "failures": []})

    def op_ListTasks(self, b):
        tasks = [t["taskArn"] for t in S.get("ecs", {}).get("tasks", [])
                 if t.get("group") == "service:" + b.get("serviceName", "")]
        self.send(200, {"taskArns": tasks})

    def op_DescribeTasks(self, b):
        want = set(b.get("tasks", []))
        self.send(200, {"tasks": [t for t in S.get("ecs", {}).get("tasks", [])
                                  if t["taskArn"] in want], "failures": []})

    def op_DescribeTaskDefinition(self, b):
        td = S.get("ecs", {}).get("taskdefs", {}).get(b.get("taskDefinition"))
        if not td:
            return self.error(400, "ClientException", "Unable to describe task definition.")
        self.send(200, {"taskDefinition": td})

    def op_GetLogEvents(self, b):
        key = "%s|%s" % (b.get("logGroupName"), b.get("logStreamName"))
        lines = S.get("logs", {}).get(key)
        if lines is None:
            return self.error(400, "ResourceNotFoundException",
                              "The specified log stream does not exist.")
        lim = b.get("limit", 10000)
        self.send(200, {"events": [{"timestamp": 1714557600000 + i, "message": m}
                                   for i, m in enumerate(lines)][-lim:]})

    def op_LookupEvents(self, b):
        attrs = b.get("LookupAttributes", [{}])
        name = attrs[0].get("AttributeValue")
        self.send(200, {"Events": S.get("trail", {}).get(name, [])})


standin.run(Handler, portfile)
