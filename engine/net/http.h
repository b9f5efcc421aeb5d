/* http.h — a small libcurl client with the limits every outbound call of Parapet needs.
 *
 * Data flow: front ends (hook payload fetch, Lambda Runtime API, chat-ops posts) → pp_http_get /
 * pp_http_post → libcurl. Protocol-neutral: this file knows URLs, headers, timeouts, retries and
 * a host policy, nothing about CloudFormation or Lambda.
 *
 * Safety defaults (each one a field of pp_http_opts):
 *   - a URL is checked against a pp_http_policy *before* any connection is made; a URL outside
 *     the policy is never fetched (PP_E_DENIED);
 *   - redirects are never followed (a 3xx is returned to the caller as a status);
 *   - the body is capped (PP_E_LIMIT, the transfer is aborted as soon as the cap is passed);
 *   - connect and total timeouts, and an absolute deadline across all retries;
 *   - retries with exponential backoff on 5xx answers and on connection failures only.
 *
 * Call pp_http_global_init once, before any thread starts.
 */
#ifndef PP_HTTP_H
#define PP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/status.h"

/* Which URLs may be fetched.
 *   - `prefixes`: a URL starting with one of these strings (exact byte prefix) is allowed, over
 *     http or https; the URL's scheme, host and port must also equal the prefix's (so that
 *     "http://127.0.0.1:8000" does not admit "http://127.0.0.1:8000@evil.example/").
 *   - `allow_s3`: https URLs on the default port whose host is an Amazon S3 endpoint:
 *     [BUCKET.]s3.amazonaws.com, BUCKET.s3.REGION.amazonaws.com, s3.REGION.amazonaws.com,
 *     [BUCKET.]s3.dualstack.REGION.amazonaws.com, [BUCKET.]s3-REGION.amazonaws.com, and the same
 *     under amazonaws.com.cn. No user info, no IP addresses.
 *   - `allow_any`: no check at all (for a caller that built the URL itself, e.g. the Lambda
 *     Runtime API from its environment). */
typedef struct pp_http_policy {
    const char *const *prefixes;
    size_t nprefixes;
    int allow_s3;
    int allow_any;
} pp_http_policy;

typedef struct pp_http_opts {
    const pp_http_policy *policy; /* required; NULL is treated as "deny everything" */
    const char *const *headers;   /* "Name: value" lines, borrowed */
    size_t nheaders;
    long connect_timeout_ms;      /* 0 = libcurl default */
    long timeout_ms;              /* per attempt; 0 = none (the Runtime API's /next) */
    uint64_t deadline_ms;         /* absolute pp_now_ms() across attempts; 0 = none */
    size_t max_body;              /* response body cap; 0 = PP_HTTP_DEFAULT_MAX_BODY */
    unsigned retries;             /* extra attempts after a 5xx or a connect failure */
    unsigned backoff_ms;          /* first backoff; doubles each retry */
    long low_speed_bytes;         /* abort when slower than this for low_speed_secs; 0 = off */
    long low_speed_secs;
} pp_http_opts;

#define PP_HTTP_DEFAULT_MAX_BODY (16u << 20)

/* A response header, as received (name without the colon, value trimmed). */
typedef struct pp_http_header {
    char *name;
    char *value;
} pp_http_header;

typedef struct pp_http_resp {
    long status;            /* HTTP status of the last attempt (0 when none completed) */
    char *body;             /* NUL-terminated, owned; never NULL after PP_OK */
    size_t len;
    pp_http_header *hdr;    /* headers of the last attempt, owned */
    size_t nhdr;
    unsigned attempts;      /* how many requests were sent */
} pp_http_resp;

/* Reusable connection (keep-alive). Not thread-safe: one per thread. */
typedef struct pp_http_client pp_http_client;

/* Initialises libcurl and picks a CA bundle when libcurl's built-in path does not exist (a
 * Debian-built libcurl running on Amazon Linux). Returns PP_OK or PP_E_HTTP. Idempotent. */
pp_status pp_http_global_init(void);

/* NULL on NOMEM. Opens nothing: libcurl is initialised by the client's first request. */
pp_http_client *pp_http_client_new(void);
void pp_http_client_free(pp_http_client *c);    /* NULL is a no-op */

/* 0 when `url` may be fetched under `p`; otherwise PP_E_DENIED and *err (caller frees) says
 * why. Never touches the network. */
pp_status pp_http_check_url(const pp_http_policy *p, const char *url, char **err);

/* 1 when `host` (no port) is an Amazon S3 endpoint name as described above. */
int pp_http_is_s3_host(const char *host);

/* GET / POST. `c` may be NULL (a one-shot handle is used). On PP_OK *out holds the answer of
 * the last attempt whatever its status (the caller judges 4xx/5xx); the caller frees it with
 * pp_http_resp_free. Errors: PP_E_DENIED (policy; nothing was sent), PP_E_LIMIT (body over the
 * cap), PP_E_HTTP (transport failure or timeout, after retries), PP_E_NOMEM; *err explains.
 * `body` of a POST is sent as-is with an explicit Content-Length. */
pp_status pp_http_get(pp_http_client *c, const char *url, const pp_http_opts *o,
                      pp_http_resp *out, char **err);
pp_status pp_http_post(pp_http_client *c, const char *url, const char *content_type,
                       const void *body, size_t len, const pp_http_opts *o, pp_http_resp *out,
                       char **err);

/* PUT, otherwise as pp_http_post (the IMDSv2 token request). */
pp_status pp_http_put(pp_http_client *c, const char *url, const char *content_type,
                      const void *body, size_t len, const pp_http_opts *o, pp_http_resp *out,
                      char **err);

/* Case-insensitive header lookup in a response; borrowed value or NULL. */
const char *pp_http_resp_header(const pp_http_resp *r, const char *name);
void pp_http_resp_free(pp_http_resp *r);        /* resets *r; safe on a zeroed struct */

#endif
