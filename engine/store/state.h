/* state.h — the state store: the chat-ops outbox and its dedup keys, the Bedrock answer
 * cache, the latest explanation per stack or service (for the Slack slash command) and the
 * failure events Lambda mode receives.
 *
 * Data flow: hooks/cli_notify.c, hooks/lambda.c, hooks/serve.c and advisor/ai.c open it with
 * pp_state_open; nothing here knows Slack, Teams or Bedrock: rows are keys and bodies.
 *
 * Two backends behind one interface (state_impl.h), chosen by the location given to
 * pp_state_open: a file path is a SQLite database (WAL; state_sqlite.c), `dynamodb://TABLE`
 * an Amazon DynamoDB table shared by every process and machine (state_ddb.c; the item
 * layout, TTLs and failure modes are in docs/chatops.md).
 *
 * Default path: $XDG_STATE_HOME/parapet/state.db, else ~/.local/state/parapet/state.db
 * (pp_state_default_path). Missing folders are created 0700; the file is created 0600.
 * A webhook URL is a credential: the outbox keeps only its SHA-256 (`dest`), so a pending
 * message is resent only by a run that is given the same URL again.
 *
 * Outbox invariants:
 *   - a row is written (committed) before its message is sent, and marked `delivered` only
 *     after the receiver answered 2xx; so a killed process leaves it `pending` and the next
 *     run for that destination sends it;
 *   - `dedup` (destination + stack or service + root event id) is UNIQUE: the same failure is
 *     queued once per destination, ever; a second run finds it delivered and posts nothing;
 *   - `failed` is final (a 4xx other than 429): reported once, never retried by itself;
 *   - a sender claims a row for a lease (PP_STATE_CLAIM_SECONDS) before posting, so two
 *     processes on one state file do not send the same row at the same time; a claim by a
 *     process that no longer exists is void at once.
 * On DynamoDB the same invariants hold across machines: the dedup key is a conditional put,
 * a claim is a conditional update carrying a lease (owner, expiry) and delivered/failed are
 * conditional transitions that only the lease holder can make. A claim there is void only
 * when its lease expires (a process on another machine cannot be asked whether it lives):
 * PARAPET_STATE_LEASE_SECONDS, default PP_STATE_CLAIM_SECONDS. A sender renews its claim
 * before each retry of a delivery (pp_state_outbox_renew) and stops when it was lost, so
 * retries and their backoff never outlast the lease: only one post at a time can.
 * One pp_state per thread (SQLite connections and HTTP handles are not shared).
 */
#ifndef PP_STATE_H
#define PP_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/status.h"

#define PP_STATE_CLAIM_SECONDS 120
#define PP_STATE_MAX_BODY (4u << 20)   /* one queued message or cached answer */

typedef struct pp_state pp_state;

/* The default path (malloc'd; caller frees) or NULL when neither XDG_STATE_HOME nor HOME is
 * set, or on NOMEM. */
char *pp_state_default_path(void);

/* Where the state lives when no --state option is given: $PARAPET_STATE when set, else
 * pp_state_default_path(). malloc'd (caller frees), NULL as pp_state_default_path. */
char *pp_state_default_location(void);

/* 1 when `location` names a DynamoDB table (dynamodb://TABLE), else 0. */
int pp_state_is_ddb(const char *location);

/* Opens the store at `location`. A file path: creates folders, file and schema as needed.
 * dynamodb://TABLE: sets up the AWS client (region, credentials, endpoint from the standard
 * chain: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL…) and checks that the table exists
 * (DescribeTable). PP_OK with *out (caller frees with pp_state_close); PP_E_USAGE for a bad
 * location, PP_E_DB, PP_E_IO, PP_E_DENIED or PP_E_HTTP with *err (caller frees). */
pp_status pp_state_open(const char *location, pp_state **out, char **err);
void pp_state_close(pp_state *s);   /* NULL is a no-op */

/* "sqlite" or "dynamodb". */
const char *pp_state_backend(const pp_state *s);

typedef enum pp_outbox_state {
    PP_OUTBOX_PENDING = 0,
    PP_OUTBOX_DELIVERED = 1,
    PP_OUTBOX_FAILED = 2
} pp_outbox_state;

/* Queues a message unless `dedup` is already known. On PP_OK *id is the row and *existing is
 * -1 when the row was added now, else the pp_outbox_state the earlier row is in. */
pp_status pp_state_outbox_add(pp_state *s, const char *dedup, const char *dest,
                              const char *target, const char *body, int64_t *id, int *existing,
                              char **err);

typedef struct pp_outbox_row {
    int64_t id;
    char *dedup;      /* owned */
    char *target;     /* owned */
    char *body;       /* owned */
    int attempts;
} pp_outbox_row;

/* Claims up to `max` pending rows for `dest` with an id above `after` (oldest first) that no
 * live process holds, for PP_STATE_CLAIM_SECONDS. *rows (caller frees with
 * pp_state_rows_free) and *n are set. The DynamoDB backend takes at most one row per call
 * (its lease then covers one delivery); a caller loops on `after` until *n is 0. */
pp_status pp_state_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
                                pp_outbox_row **rows, size_t *n, char **err);
void pp_state_rows_free(pp_outbox_row *rows, size_t n);

/* Records the outcome of one attempt and releases the claim. `error` may be NULL. */
pp_status pp_state_outbox_mark(pp_state *s, int64_t id, pp_outbox_state st, long http_status,
                               const char *error, char **err);

/* Extends this process's claim on row id by the claim period from now, before another attempt
 * at delivering it. *held is 0 when the claim was lost (it lapsed and another sender took the
 * row, or the row is no longer pending, or this process never claimed it): the caller must not
 * post the row again, and must not mark it. */
pp_status pp_state_outbox_renew(pp_state *s, int64_t id, int *held, char **err);

/* Counts rows for dest in a state (dest NULL: all destinations). */
pp_status pp_state_outbox_count(pp_state *s, const char *dest, pp_outbox_state st, size_t *n,
                                char **err);

/* Bedrock answers, keyed by a hash of the normalised cause. *answer is malloc'd (caller frees)
 * or NULL when not cached. */
pp_status pp_state_cache_get(pp_state *s, const char *key, char **answer, char **err);
pp_status pp_state_cache_put(pp_state *s, const char *key, const char *model, const char *answer,
                             char **err);

/* Latest explanation per scope (a stack or service name). `json` is the explain JSON text,
 * `text` a rendering for chat. get: *json / *text malloc'd or NULL when unknown; *when is the
 * epoch second it was stored. */
pp_status pp_state_explanation_put(pp_state *s, const char *scope, const char *json,
                                   const char *text, char **err);
pp_status pp_state_explanation_get(pp_state *s, const char *scope, char **json, char **text,
                                   int64_t *when, char **err);

/* Failure events received for a scope (Lambda mode). add: *added is 0 when `key` (the
 * EventBridge event id) was seen already. list: every body for the scope, oldest first, as
 * JSON lines in *lines (malloc'd, caller frees; "" when none). */
pp_status pp_state_event_add(pp_state *s, const char *scope, const char *key, const char *body,
                             int *added, char **err);
pp_status pp_state_event_list(pp_state *s, const char *scope, char **lines, char **err);

/* ---- migration (parapet state migrate) ------------------------------------------------ */

typedef enum pp_state_record_kind {
    PP_REC_OUTBOX = 0,
    PP_REC_CACHE,
    PP_REC_EXPLANATION,
    PP_REC_EVENT
} pp_state_record_kind;

/* One stored record, every string borrowed for the duration of a callback. */
typedef struct pp_state_record {
    pp_state_record_kind kind;
    const char *key;        /* outbox: dedup; cache: key; explanation: scope; event: its key */
    const char *scope;      /* outbox: dest; event: scope */
    const char *target;     /* outbox: target; cache: model */
    const char *body;       /* outbox body, cached answer, explanation JSON, event body */
    const char *text;       /* explanation text, may be NULL */
    int state;              /* outbox: pp_outbox_state */
    int attempts;
    long last_status;
    const char *last_error; /* may be NULL */
    int64_t created;        /* epoch seconds (updated_at for an explanation) */
    int64_t delivered;      /* outbox: epoch seconds, 0 when not delivered */
} pp_state_record;

typedef pp_status (*pp_state_record_fn)(void *ctx, const pp_state_record *r, char **err);

typedef struct pp_state_migrate_stats {
    size_t seen[4], copied[4];   /* indexed by pp_state_record_kind */
} pp_state_migrate_stats;

/* Copies every record of `from` (a SQLite store) into `to` (a DynamoDB store). Idempotent: a
 * record the target has already (same dedup key, cache key, event key; an explanation at
 * least as new) is not written again, so a second run copies nothing. Outbox rows keep their
 * state: pending rows stay deliverable, delivered and failed ones only block duplicates.
 * PP_E_USAGE when the backends cannot be source and target; else the first store error. */
pp_status pp_state_migrate(pp_state *from, pp_state *to, pp_state_migrate_stats *stats,
                           char **err);

/* Hex SHA-256 of s, for dest and cache keys (out: 65 bytes). */
void pp_state_hash(const char *s, char out[65]);

#endif
