#!/bin/sh
# test_check_same.sh — the one check pipeline (engine/check.h): `parapet check --format F` and
# `serve`'s POST /v1/check?format=F give the same document for the same input and options.
# Regression for two drifts: under --unknown pass the CLI counted an UNKNOWN as passed while
# /v1/check still listed it; and only the CLI's text output had source lines, so SARIF columns
# from /v1/check were bytes where the file declares code points.
. "$(dirname "$0")/lib.sh"
need_python
need_curl
IN="$HERE/../cases/check/inputs"
start_serve --pack network --unknown pass --threads 1

post() { # post QUERY FILE → body in $T/body, status echoed
    curl -s -o "$T/body" -w '%{http_code}' --data-binary @"$2" "$SERVE/v1/check$1"
}
# The file names differ by design ("request" for a request body, the path for a file), and
# so do what is made of them: SARIF's %SRCROOT% (each process's working directory) and the
# result fingerprints (a hash over the file name among others).
same() { # same CLI-OUTPUT SERVE-OUTPUT WHAT
    python3 - "$1" "$2" "$3" <<'PY' || fail "$3: check and /v1/check differ"
import json, sys
a, b = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
a = a.replace(sys.argv[3], "request")
def drop_root(t):
    try:
        d = json.loads(t)
    except ValueError:
        return t
    for run in d.get("runs", []) if isinstance(d, dict) else []:
        run.pop("originalUriBaseIds", None)
        for res in run.get("results", []):
            res.pop("partialFingerprints", None)
    return json.dumps(d, indent=1, ensure_ascii=False)
a, b = drop_root(a), drop_root(b)
if a != b:
    print(sys.argv[3] + ":\n--- check\n" + a[:2000] + "\n--- /v1/check\n" + b[:2000])
    sys.exit(1)
PY
}

# 1. --unknown pass: the UNKNOWN of ecs-service-no-public-ip is a pass in both.
f="$IN/ecs-public-ip-if.yaml"
(cd "$IN" && "$PARAPET" check --pack network --unknown pass --format json \
    ecs-public-ip-if.yaml) > "$T/cli.json"
[ "$(post '?format=json' "$f")" = 200 ] || fail "/v1/check: HTTP $(cat "$T/body")"
cp "$T/body" "$T/serve.json"
[ "$(json_get "$T/serve.json" 'd["summary"]["unknown"]')" = 0 ] || \
    fail "/v1/check under --unknown pass still counts an UNKNOWN: $(cat "$T/serve.json")"
[ "$(json_get "$T/serve.json" 'len(d["findings"])')" = 0 ] || \
    fail "/v1/check under --unknown pass lists the UNKNOWN: $(cat "$T/serve.json")"
same "$T/cli.json" "$T/serve.json" ecs-public-ip-if.yaml

# 2. SARIF on a line with non-ASCII text: the same columns, counted in code points.
f="$IN/sg-open-utf8.yaml"
(cd "$IN" && "$PARAPET" check --pack network --format sarif sg-open-utf8.yaml) > "$T/cli.sarif"
[ "$(post '?format=sarif' "$f")" = 200 ] || fail "/v1/check sarif: HTTP $(cat "$T/body")"
cp "$T/body" "$T/serve.sarif"
same "$T/cli.sarif" "$T/serve.sarif" sg-open-utf8.yaml
echo "check-same: all checks passed"
