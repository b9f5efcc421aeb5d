/* sigv4.h — AWS Signature Version 4 (AWS4-HMAC-SHA256); its hashes are engine/base/crypto.h.
 *
 * Data flow: a caller that talks to an AWS API (engine/net/aws.c: Bedrock Converse, CloudFormation,
 * ECS) builds a pp_sigv4_req → pp_sigv4_sign → the headers it returns are added to the request
 * sent with engine/net/http.h. We sign ourselves rather than use CURLOPT_AWS_SIGV4 because Debian
 * 12's libcurl mis-encodes paths that contain '%' (every Bedrock model id has a ':').
 *
 * Canonical request, as the service computes it (non-S3 services):
 *   - the path is taken as it goes on the wire (already percent-encoded by the caller: a model
 *     id "a:0" travels as "a%3A0"), dot segments and empty segments are removed, and every
 *     segment is URI-encoded once more ("%3A" → "%253A"): AWS's "encode twice" counted from
 *     the raw value. A path given raw (the test suite's "/example space/") is encoded once.
 *   - the query is split on '&' and '=', each name and value is percent-decoded and re-encoded
 *     (unreserved characters only stay literal), pairs are sorted by name then value.
 *   - header names are lower-cased, values trimmed with inner runs of spaces collapsed,
 *     duplicate names joined with ',' in order, sorted by name; `host` and `x-amz-date` are
 *     always signed, `x-amz-security-token` when a session token is given.
 *   - the payload hash is the hex SHA-256 of the body.
 * Verified against AWS's published test-suite vectors (tests/unit/test_sigv4.c) and a second,
 * independent implementation (tests/integration/fake/sigv4.py, test_sigv4_compare.sh).
 */
#ifndef PP_SIGV4_H
#define PP_SIGV4_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/base/crypto.h"
#include "engine/base/status.h"

#define PP_SIGV4_MAX_HEADERS 32   /* headers a caller may ask to be signed */

/* Credentials. `session_token` may be NULL or "" (long-term keys). Borrowed. */
typedef struct pp_aws_creds {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
} pp_aws_creds;

/* One request to sign. Every pointer is borrowed.
 *   host     the Host header value: "bedrock-runtime.us-east-1.amazonaws.com", or
 *            "127.0.0.1:5000" when the port is not the scheme's default;
 *   path     as sent on the wire ("" means "/"); query without the '?', NULL for none;
 *   headers  "Name: value" lines to sign besides host/x-amz-date/x-amz-security-token (say
 *            "Content-Type: application/json"); a caller-supplied X-Amz-Date is used as the
 *            signing time instead of `when` (the test suite does that);
 *   when     signing time (UTC seconds since the epoch). */
typedef struct pp_sigv4_req {
    const char *method;
    const char *host;
    const char *path;
    const char *query;
    const char *const *headers;
    size_t nheaders;
    const void *body;
    size_t body_len;
    const char *region;
    const char *service;
    time_t when;
} pp_sigv4_req;

/* The signature and the headers to send. Every char * is owned; free with pp_sigv4_sig_free.
 * `add` holds the lines to add to the request as-is: "X-Amz-Date: …", then
 * "X-Amz-Security-Token: …" when a token was given, then "Authorization: …". */
typedef struct pp_sigv4_sig {
    char amz_date[17];             /* 20150830T123600Z */
    char signature[65];
    char *canonical_request;
    char *string_to_sign;
    char *signed_headers;          /* "content-type;host;x-amz-date" */
    char *authorization;           /* the Authorization header value */
    char *add[3];
    size_t nadd;
} pp_sigv4_sig;

/* Signs r with c. Returns PP_OK with *out filled (caller frees with pp_sigv4_sig_free);
 * PP_E_USAGE with *err (caller frees) for a missing field, a header line without ':', more
 * than PP_SIGV4_MAX_HEADERS headers or a malformed X-Amz-Date; PP_E_NOMEM; PP_E_INTERNAL when
 * libcrypto fails. */
pp_status pp_sigv4_sign(const pp_sigv4_req *r, const pp_aws_creds *c, pp_sigv4_sig *out,
                        char **err);
void pp_sigv4_sig_free(pp_sigv4_sig *s);   /* resets *s; safe on a zeroed struct */

/* The canonical URI of a wire path (see the file comment). malloc'd, NULL on NOMEM. */
char *pp_sigv4_canonical_uri(const char *path);
/* The canonical query string ("" for NULL or empty). malloc'd, NULL on NOMEM. */
char *pp_sigv4_canonical_query(const char *query);
/* Percent-encodes s for a URL path segment or query value: every byte but A-Z a-z 0-9 - . _ ~
 * becomes %XX (upper-case hex). malloc'd, NULL on NOMEM. */
char *pp_uri_encode(const char *s, size_t n);

#endif
