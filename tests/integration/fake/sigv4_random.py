"""sigv4_random.py SEED COUNT — prints COUNT random signing requests as JSON lines (for the C
driver) and writes the Python implementation's signatures to the file named by argv[3]."""
import json
import random
import sys
from urllib.parse import quote

import sigv4

SEGS = ["model", "anthropic.claude-3-5-sonnet-20240620-v1:0", "converse", "a b", "\u1234",
        "..", ".", "", "x~y", "ex_am-ple", "100%", "q=1", "caf\u00e9", "+plus", "a*b", "(c)"]
WORDS = ["a", "B", "value", "x y", "\u00e9t\u00e9", "~", "1+1", "%", "=", "Z-._~"]
HDRS = ["Content-Type", "X-Amz-Target", "My-Header", "x-custom", "Accept"]


def rand_req(rnd, i):
    segs = [rnd.choice(SEGS) for _ in range(rnd.randint(0, 5))]
    path = "/" + "/".join(quote(s, safe="") if rnd.random() < 0.8 else s for s in segs)
    if rnd.random() < 0.3:
        path += "/"
    query = "&".join(quote(rnd.choice(WORDS), safe="") + "=" + quote(rnd.choice(WORDS), safe="")
                     for _ in range(rnd.randint(0, 4)))
    headers = []
    for _ in range(rnd.randint(0, 4)):
        headers.append([rnd.choice(HDRS), "  " + " ".join(rnd.choice(WORDS) for _ in range(3)) + " "])
    headers.append(["X-Amz-Date", "2024%02d%02dT%02d%02d%02dZ" % (rnd.randint(1, 12),
                   rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59))])
    body = "".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 20)))
    token = rnd.choice(["", "", "FwoGZXIvYXdzEBYaD" + str(i)])
    return {"method": rnd.choice(["GET", "POST", "PUT"]),
            "host": rnd.choice(["bedrock-runtime.us-east-1.amazonaws.com", "127.0.0.1:8443",
                                "ecs.eu-west-1.amazonaws.com"]),
            "path": path, "query": query, "headers": headers, "body": body,
            "access_key": "AKIDEXAMPLE%d" % i, "secret": "s3cr3t/%d+KEY" % rnd.randint(0, 10**9),
            "token": token, "region": rnd.choice(["us-east-1", "eu-central-1"]),
            "service": rnd.choice(["bedrock", "ecs", "cloudformation"])}


def main():
    rnd = random.Random(int(sys.argv[1]))
    out = open(sys.argv[3], "w")
    reqs = [rand_req(rnd, i) for i in range(int(sys.argv[2]))]
    # the Bedrock Converse case the brief names, always present
    reqs.append({"method": "POST", "host": "bedrock-runtime.us-west-2.amazonaws.com",
                 "path": "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
                 "query": "", "headers": [["Content-Type", "application/json"],
                                          ["X-Amz-Date", "20250101T000000Z"]],
                 "body": '{"messages":[]}', "access_key": "AKIDEXAMPLE",
                 "secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": "tok",
                 "region": "us-west-2", "service": "bedrock"})
    for r in reqs:
        print(json.dumps(r))
        hdrs = [tuple(h) for h in r["headers"]] + [("host", r["host"])]
        if r["token"]:
            hdrs.append(("x-amz-security-token", r["token"]))
        amz = [v for n, v in r["headers"] if n.lower() == "x-amz-date"][0]
        creq, _ = sigv4.canonical_request(r["method"], r["path"], r["query"], hdrs,
                                          r["body"].encode("utf-8"))
        sig, _ = sigv4.signature(r["secret"], amz, r["region"], r["service"], creq)
        out.write(sig + "\n")


if __name__ == "__main__":
    main()
