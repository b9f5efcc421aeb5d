"""cfn_server.py — a stand-in for CloudFormation's DescribeStackEvents and GetTemplate (query
protocol, XML), on 127.0.0.1 only. Checks each request's SigV4 signature with sigv4.py (service
"cloudformation"); DescribeStackEvents answers with two pages built from EVENTS (a JSON list of
StackEvents), GetTemplate with TEMPLATES[StackName] (a JSON object, optional) or, for a stack
it does not hold, CloudFormation's ValidationError.

usage: cfn_server.py PORTFILE LOGFILE EVENTS [TEMPLATES]
LOGFILE gets one JSON line per request: form fields and the signature verdict.
"""
import json
import sys
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import sigv4
import standin

SECRETS = {"AKIDTEST": "test/SECRET+key0123456789abcdefghijklmn"}
portfile, logfile, eventsfile = sys.argv[1:4]
EVENTS = json.load(open(eventsfile))
TEMPLATES = json.load(open(sys.argv[4])) if len(sys.argv) > 4 else {}


class Handler(standin.Handler):
    def do_POST(self):
        body = self.body()
        ok, why = sigv4.verify("POST", self.path, list(self.headers.items()), body, SECRETS,
                               service="cloudformation")
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with open(logfile, "a") as f:
            f.write(json.dumps({"form": form, "signature_ok": ok, "why": why}) + "\n")
        if not ok:
            out = b"<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>"
            code = 403
        elif form.get("Action") == "GetTemplate":
            name = form.get("StackName", "")
            if name in TEMPLATES:
                out = ("<GetTemplateResponse><GetTemplateResult><TemplateBody>%s</TemplateBody>"
                       "</GetTemplateResult></GetTemplateResponse>"
                       % escape(TEMPLATES[name])).encode()
                code = 200
            else:
                out = ("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>"
                       "<Message>Stack with id %s does not exist</Message></Error>"
                       "</ErrorResponse>" % escape(name)).encode()
                code = 400
        else:
            half = len(EVENTS) // 2
            page = EVENTS[half:] if form.get("NextToken") == "p2" else EVENTS[:half]
            members = "".join("<member>" + "".join("<%s>%s</%s>" % (k, escape(str(v)), k)
                                                   for k, v in e.items()) + "</member>"
                              for e in page)
            nxt = "" if form.get("NextToken") == "p2" else "<NextToken>p2</NextToken>"
            out = ("<DescribeStackEventsResponse xmlns=\"http://cloudformation.amazonaws.com/doc/"
                   "2010-05-15/\"><DescribeStackEventsResult><StackEvents>%s</StackEvents>%s"
                   "</DescribeStackEventsResult></DescribeStackEventsResponse>"
                   % (members, nxt)).encode()
            code = 200
        self.reply(code, out, ctype="text/xml")


standin.run(Handler, portfile)
