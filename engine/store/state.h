/* state.h — the state database (SQLite, WAL): the chat-ops outbox and its dedup keys, the
 * Bedrock answer cache, the latest explanation per stack or service (for the Slack slash
 * command) and the failure events Lambda mode receives.
 *
 * Data flow: hooks/cli_notify.c, hooks/lambda.c, hooks/serve.c and advisor/ai.c open it with
 * pp_state_open; nothing here knows Slack, Teams or Bedrock: rows are keys and bodies.
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
 * One pp_state per thread (SQLite connections are not shared).
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

/* Opens (creating folders, file and schema as needed) the database at `path`. PP_OK with *out
 * (caller frees with pp_state_close); PP_E_DB or PP_E_IO with *err (caller frees). */
pp_status pp_state_open(const char *path, pp_state **out, char **err);
void pp_state_close(pp_state *s);   /* NULL is a no-op */

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
 * pp_state_rows_free) and *n are set. */
pp_status pp_state_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
                                pp_outbox_row **rows, size_t *n, char **err);
void pp_state_rows_free(pp_outbox_row *rows, size_t n);

/* Records the outcome of one attempt and releases the claim. `error` may be NULL. */
pp_status pp_state_outbox_mark(pp_state *s, int64_t id, pp_outbox_state st, long http_status,
                               const char *error, char **err);

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

/* Hex SHA-256 of s, for dest and cache keys (out: 65 bytes). */
void pp_state_hash(const char *s, char out[65]);

#endif
