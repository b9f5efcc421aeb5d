/* ddb.h — the Amazon DynamoDB JSON 1.0 protocol as the DynamoDB state backend
 * (state_ddb.c) speaks it: attribute-value encoding, item sizes, error classification and
 * the retry policy. Separate from the backend so unit tests can drive each piece with a
 * scripted transport and an injected clock and random source.
 *
 * Data flow: state_ddb.c builds a request (jansson) → pp_ddb_call → send (by default a
 * pp_aws_client of engine/net/aws.h: SigV4, endpoint, credential chain; one attempt each,
 * the retries are here) → classified answer.
 *
 * Attribute values are the wire format: {"S": "text"}, {"N": "123"} (a decimal string).
 */
#ifndef PP_DDB_H
#define PP_DDB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/status.h"
#include "engine/net/http.h"

#define PP_DDB_MAX_ITEM (400u * 1024u)   /* DynamoDB's item size limit, names included */
#define PP_DDB_MAX_MESSAGE 300           /* bytes of an AWS error message quoted in *err */
#define PP_DDB_MAX_PAGES 10000           /* Query/Scan pages followed by one call */

/* {"S": v} / {"N": "v"} as new references; NULL on NOMEM (or v NULL for pp_ddb_s). */
json_t *pp_ddb_s(const char *v);
json_t *pp_ddb_n(int64_t v);

/* The string of attribute `name` of `item` when it is an S (borrowed), else NULL. */
const char *pp_ddb_item_s(const json_t *item, const char *name);
/* The number of attribute `name` when it is an N holding a decimal integer that fits in
 * int64_t: 0 and *out set; -1 otherwise (absent, not N, fraction, exponent, overflow). */
int pp_ddb_item_n(const json_t *item, const char *name, int64_t *out);

/* The size DynamoDB counts for an item (attribute names + values: UTF-8 bytes of an S, and
 * for an N one byte per two significant digits plus one; other types as their JSON text, an
 * overestimate). Compare with PP_DDB_MAX_ITEM. */
size_t pp_ddb_item_size(const json_t *item);

/* Fits a JSON text into `budget` bytes, for a value bound for one item: *out NULL when `text`
 * fits as it is; else *out (caller frees) is a copy whose strings longer than a cut (16 KiB,
 * then 4 KiB, 1 KiB, 256, 64 bytes: the first that fits) end at a UTF-8 boundary with
 * "… [cut]", and an object gains "parapet_state_cut": true. PP_E_LIMIT with *err naming
 * `what` when the text is not JSON or does not fit even so. */
pp_status pp_ddb_fit_json(const char *text, size_t budget, char **out, const char *what,
                          char **err);

/* What an answer means for the caller. */
typedef enum pp_ddb_outcome {
    PP_DDB_DONE = 0,       /* 200 */
    PP_DDB_CONDITIONAL,    /* a condition did not hold: someone else has it (not an error) */
    PP_DDB_RETRY,          /* throttled, 5xx, a transaction conflict: try again later */
    PP_DDB_FAILED          /* anything else: the caller reports it */
} pp_ddb_outcome;

/* Classifies an answer. `code` (n bytes, may be NULL) gets the AWS error name: the part of
 * "__type" after '#' ("ConditionalCheckFailedException"), "" for a 200. A
 * TransactionCanceledException is CONDITIONAL when a CancellationReasons entry (or, when the
 * answer has none, the message) names ConditionalCheckFailed and none names a conflict or
 * throttling (which make it RETRY). */
pp_ddb_outcome pp_ddb_classify(const pp_http_resp *r, char *code, size_t n);

/* The retry policy: up to max_attempts attempts; before attempt k+1 a full-jitter wait drawn
 * uniformly from [0, min(cap_ms, base_ms * 2^k)] (the AWS SDKs' rule: replicas that were
 * throttled together do not come back together), never past deadline_ms. The hooks are
 * injected (tests); NULL means the real clock, sleep and a random source. */
typedef struct pp_ddb_retry {
    unsigned max_attempts;   /* 0 = 8 */
    unsigned base_ms;        /* 0 = 25 */
    unsigned cap_ms;         /* 0 = 2000 */
    uint64_t deadline_ms;    /* absolute now_ms(); 0 = none */
    uint64_t (*rand64)(void *ctx);
    void (*sleep_ms)(void *ctx, unsigned ms);
    uint64_t (*now_ms)(void *ctx);
    void *ctx;
} pp_ddb_retry;

/* The wait before attempt `attempt` + 1 (attempt counts from 0). */
unsigned pp_ddb_backoff_ms(const pp_ddb_retry *r, unsigned attempt);

/* One HTTP exchange: POST `body` with X-Amz-Target `target`. PP_OK with *out whatever its
 * status (caller frees); PP_E_HTTP for a transport failure (retried), anything else is
 * final (credentials, NOMEM). */
typedef pp_status (*pp_ddb_send_fn)(void *ctx, const char *target, const char *body,
                                    pp_http_resp *out, char **err);

typedef struct pp_ddb {
    pp_ddb_send_fn send;
    void *send_ctx;
    pp_ddb_retry retry;
    const char *table;       /* for messages; borrowed */
    /* what the last call met (reset by each call) */
    char code[96];
    long http_status;
    /* over the handle's life */
    unsigned retried, throttled;
} pp_ddb;

/* Calls DynamoDB_20120810.`op` with `req` (borrowed) under the retry policy.
 * PP_OK: *out is the answer (new reference) and *conditional 0; or, for a condition that did
 * not hold, *out NULL and *conditional 1 (conditional may be NULL only for calls without a
 * condition, which then report it as an error). Errors, *err "DynamoDB OP on TABLE: CODE
 * (HTTP n): message" with the AWS message cleaned for a terminal and cut to
 * PP_DDB_MAX_MESSAGE: PP_E_NOTFOUND (ResourceNotFoundException: no such table),
 * PP_E_DENIED (access), PP_E_HTTP (transport, after the retries), PP_E_DB (the rest,
 * throttling that outlived the retries included), PP_E_NOMEM. Never quotes credentials: the
 * request is not echoed. */
pp_status pp_ddb_call(pp_ddb *d, const char *op, json_t *req, json_t **out, int *conditional,
                      char **err);

#endif
