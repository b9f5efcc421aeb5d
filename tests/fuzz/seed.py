#!/usr/bin/env python3
"""seed.py — (re)builds the seed corpora tests/fuzz/corpus/<target>/ from the test fixtures.

Run from the repository root: python3 tests/fuzz/seed.py. Files are named by the SHA-1 of their
content (as libFuzzer names them), so re-running adds nothing twice. Inputs over MAX bytes are
skipped to keep the corpora small; the fuzzer's own finds are only added by an explicit merge
(tests/fuzz/README.md)."""
import glob, hashlib, json, os

MAX = 24 * 1024
ROOT = "tests/fuzz/corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX:
        return
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def files(*patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(p))
    return [f for f in out if os.path.isfile(f) and os.path.getsize(f) <= MAX]


def read(f):
    with open(f, "rb") as h:
        return h.read()


templates_json = files("tests/fixtures/loader/*.json", "tests/cases/check/inputs/*.json",
                       "examples/*.json", "tests/difftest/selftest/template.json")
templates_yaml = files("tests/fixtures/loader/*.yaml", "tests/cases/check/inputs/*.yaml",
                       "examples/*.yaml")
for f in templates_json:
    put("doc_json", read(f))
    put("template", read(f))
for f in templates_yaml:
    put("doc_yaml", read(f))
    put("template", read(f))
for f in files("tests/cases/check/inputs/*.bin"):
    put("doc_yaml", read(f))

# Hook requests as recorded, and the STACK / CHANGE_SET ones again with their payload inline
# (requestData.targetModel), which is what the target evaluates.
payloads = {os.path.basename(f)[:-5]: json.loads(read(f))
            for f in files("tests/integration/hook/payloads/*.json")}
for f in files("tests/integration/hook/*.req.json"):
    put("hook", read(f))
    try:
        req = json.loads(read(f))
    except ValueError:
        continue
    rd = req.get("requestData") if isinstance(req, dict) else None
    if not isinstance(rd, dict) or "payload" not in rd:
        continue
    for name, pl in payloads.items():
        if (rd.get("targetType") or rd.get("targetName")) in ("STACK", "CHANGE_SET"):
            r2 = json.loads(json.dumps(req))
            r2["requestData"].pop("payload", None)
            r2["requestData"]["targetModel"] = pl
            put("hook", json.dumps(r2, indent=1))

for f in files("tests/cases/explain/*.json", "tests/cases/explain/*.jsonl"):
    put("events", read(f))

# KB entries: a spread of real ones (every 6th file: the whole kb/ is ~700 KB) and bad ones.
for f in files("kb/*.yaml")[::6]:
    put("kb", read(f))
tail = "title: t\nservice: s\nexplanation: e\nfix: [f]\n"
put("kb", "id: bad_id\n" + tail + "pattern: 'x'\nexamples: [x]\n")
put("kb", "id: e1\n" + tail + "pattern: '(unclosed'\nexamples: [x]\n")
put("kb", "id: e2\n" + tail + "pattern: 'needs (?<what>\\w+)'\nexamples:\n"
    "  - message: needs coffee\n    captures: {what: coffee}\n    status: CREATE_FAILED\n")

# Anatomy: failure messages, the KB's real examples (every 3rd entry) and cut or wrapped forms.
for f in files("kb/*.yaml")[::3]:
    # the examples are the last key of an entry: "  - 'message'" or "  - message: 'message'"
    text = read(f).decode()
    for line in text[text.find("\nexamples:"):].splitlines()[1:]:
        t = line.strip()
        if t.startswith("- message: '") or t.startswith("- '"):
            put("anatomy", t.split("'", 1)[1].rsplit("'", 1)[0].replace("''", "'"))
for m in [
    'Resource handler returned message: "The maximum number of addresses has been reached. '
    '(Service: Ec2, Status Code: 400, Request ID: 6b8cf3d3-1afc-40de-91d7-4ac4c55bfc32)" (RequestTo',
    'Resource handler returned message: "Invalid request provided: Create TaskDefinition: No '
    'Fargate configuration exists for given values: 512 CPU\n, 512 memory. (Service: AmazonECS; '
    'Status Code: 400; Error Code: ClientException; Reque',
    "2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must "
    "have length greater than or equal to 6; Value at 'password' failed to satisfy constraint: M",
    "Properties validation failed for resource Svc with message: [#/NetworkConfiguration/"
    "AwsvpcConfiguration/Subnets: expected type: JSONArray, found: String, #/LaunchType: #: only 1 "
    "subschema matches out of 2, #/Protocol: failed validation constraint for keyword [enum]]",
    "User: arn:aws:iam::767397689800:user/dev\nis not authorized to perform: iam:CreatePolicyVersion "
    "on resource:\npolicy arn:aws:iam::767397689800:policy/p\nwith an explicit deny in a "
    "permissions boundary: arn:aws:iam::767397689800:policy/DeveloperBoundary",
    "Property validation failure: [Value of property {/Subnets} does not match type {Array}]",
]:
    put("anatomy", m.replace("\\n", "\n"))

# Slack: TIMESTAMP \n SIGNATURE \n BODY (Slack's documented example first).
body = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
        "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977008"
        "85554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c4"
        "47fce8b6703c")
put("slack", "1531420618\nv0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503\n"
    + body)
put("slack", "1531420618\nv0=00\ncommand=%2Fparapet&text=why+my-stack&user_id=U1")
put("slack", "1531420000\nv0=\ntext=why%20my%2Dstack%zz%4&text=x")
put("slack", "x\n\ntext=+why\tstack+extra")

# SigV4: PATH \n QUERY \n METHOD \n HOST \n HEADER... \n \n BODY (AWS's test-suite shapes).
for v in [
    ("/", "", "GET", "example.amazonaws.com", [], ""),
    ("/", "Param1=value2&Param1=Value1", "GET", "example.amazonaws.com", [], ""),
    ("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
     "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789", "GET",
     "example.amazonaws.com", [], ""),
    ("/\u1234", "\u1234=bar", "GET", "example.amazonaws.com", [], ""),
    ("/example space/", "", "GET", "example.amazonaws.com", [], ""),
    ("/", "", "GET", "example.amazonaws.com",
     ["My-Header1: value2", "My-Header1: value2", "My-Header1: value1"], ""),
    ("/", "", "GET", "example.amazonaws.com", ["My-Header1:  value1  a   b  "], ""),
    ("/", "", "POST", "example.amazonaws.com", ["X-Amz-Date: 20150830T123600Z"], "Param1=value1"),
    ("/example1/example2/../..", "", "GET", "example.amazonaws.com", [], ""),
    ("//example//./a/%2F%41", "a=%zz&b&=c&&d=%41", "GET", "127.0.0.1:5000", [], ""),
    ("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse", "", "POST",
     "bedrock-runtime.us-east-1.amazonaws.com", ["Content-Type: application/json"],
     '{"messages":[]}'),
]:
    path, query, method, host, headers, b = v
    put("sigv4", "\n".join([path, query, method, host] + headers + ["", b]))
