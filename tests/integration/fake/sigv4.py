"""sigv4.py — a second, independent AWS Signature V4 implementation (Python stdlib only).

Used by the integration tests to check Parapet's C signer (engine/net/sigv4.c): as a command it
reads requests as JSON lines and prints one signature per line; as a module the Bedrock
stand-in uses verify() to check the Authorization header of what it receives.

Written from the SigV4 description, not from the C code: the path is the wire path,
normalised like posixpath.normpath (a trailing slash kept), then quoted with
urllib.parse.quote(safe='/~'); the query is decoded with unquote and re-quoted (safe='~').
"""
import hashlib
import hmac
import json
import posixpath
import sys
from urllib.parse import quote, unquote_to_bytes


def _canonical_path(path):
    if not path:
        return "/"
    norm = posixpath.normpath(path)
    if norm.startswith("//"):          # normpath keeps a leading '//' (POSIX)
        norm = "/" + norm.lstrip("/")
    if norm == ".":
        norm = "/"
    if path.endswith("/") and norm != "/":
        norm += "/"
    return quote(norm, safe="/~")


def _canonical_query(query):
    if not query:
        return ""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        pairs.append((quote(unquote_to_bytes(k), safe="~"), quote(unquote_to_bytes(v), safe="~")))
    pairs.sort()
    return "&".join(k + "=" + v for k, v in pairs)


def _trim(v):
    return " ".join(v.strip().split())


def canonical_request(method, path, query, headers, body):
    """headers: list of (name, value) including host and x-amz-date."""
    merged = {}
    for name, value in headers:
        merged.setdefault(name.lower(), []).append(_trim(value))
    names = sorted(merged)
    lines = "".join(n + ":" + ",".join(merged[n]) + "\n" for n in names)
    signed = ";".join(names)
    return "\n".join([method, _canonical_path(path), _canonical_query(query), lines, signed,
                      hashlib.sha256(body).hexdigest()]), signed


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signature(secret, amz_date, region, service, creq):
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode("utf-8")).hexdigest()])
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    k = _hmac(k, "aws4_request")
    return hmac.new(k, sts.encode("utf-8"), hashlib.sha256).hexdigest(), scope


def verify(method, raw_path, headers, body, secrets, service=None):
    """Checks an incoming request. headers: list of (name, value) as received; secrets: dict
    access key id → secret. Returns (ok, reason)."""
    auth = None
    for n, v in headers:
        if n.lower() == "authorization":
            auth = v
    if not auth or not auth.startswith("AWS4-HMAC-SHA256 "):
        return False, "no AWS4-HMAC-SHA256 Authorization header"
    fields = {}
    for item in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = item.strip().partition("=")
        fields[k] = v
    try:
        akid, date, region, svc, term = fields["Credential"].split("/")
    except (KeyError, ValueError):
        return False, "malformed Credential"
    if term != "aws4_request" or akid not in secrets:
        return False, "unknown access key or scope"
    if service and svc != service:
        return False, f"service is {svc}, expected {service}"
    signed = fields.get("SignedHeaders", "").split(";")
    if "host" not in signed or "x-amz-date" not in signed:
        return False, "host and x-amz-date must be signed"
    chosen = [(n, v) for n, v in headers if n.lower() in signed]
    amz_date = next((v for n, v in headers if n.lower() == "x-amz-date"), "")
    if amz_date[:8] != date:
        return False, "x-amz-date does not match the credential scope"
    path, _, query = raw_path.partition("?")
    creq, _ = canonical_request(method, path, query, chosen, body)
    want, _ = signature(secrets[akid], amz_date, region, svc, creq)
    if not hmac.compare_digest(want, fields.get("Signature", "")):
        return False, "signature mismatch; canonical request was:\n" + creq
    return True, "ok"


def main():
    # one JSON object per line: {method, path, query, headers: [[n, v]...], body, secret,
    # region, service, amz_date}; prints the signature per line
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        creq, _ = canonical_request(r["method"], r["path"], r.get("query", ""),
                                    [tuple(h) for h in r["headers"]],
                                    r.get("body", "").encode("utf-8"))
        sig, _ = signature(r["secret"], r["amz_date"], r["region"], r["service"], creq)
        print(sig)


if __name__ == "__main__":
    main()
