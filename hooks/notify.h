/* notify.h — queue explanations as chat messages in the state database's outbox and deliver
 * them with retries. Shared by `parapet notify` (hooks/cli_notify.c) and Lambda mode
 * (hooks/lambda_events.c).
 *
 * Data flow: explain JSON → pp_notify_queue (hooks/chat.h splits it per stack/service and
 * renders it; each message is committed to the outbox under its dedup key before anything is
 * sent; the scope's explanation is stored for the slash command) → pp_notify_flush (claims the
 * pending rows of this destination, posts each, marks it delivered on 2xx).
 *
 * Delivery rules: a 2xx is accepted; 429 waits for Retry-After (seconds or an HTTP date,
 * capped by max_retry_after_s and the deadline) and retries; 5xx and transport failures retry
 * with exponential backoff from backoff_ms; any other 4xx is permanent (row `failed`, reported
 * once, never retried). Attempts stop at max_attempts or the deadline, leaving the row pending
 * for a later run. Each post carries `Idempotency-Key: <dedup key>` so that a receiver that
 * honours it can drop the duplicate a crash between "accepted" and "marked" would cause.
 */
#ifndef PP_NOTIFY_H
#define PP_NOTIFY_H

#include <jansson.h>
#include <stdint.h>

#include "engine/net/http.h"
#include "engine/store/state.h"
#include "hooks/chat.h"

typedef struct pp_notify_cfg {
    pp_chat_target target;
    const char *url;              /* borrowed; a credential: never printed in full */
    unsigned max_attempts;        /* per message per run; default 6 */
    long timeout_ms;              /* per attempt; default 10000 */
    unsigned backoff_ms;          /* first backoff; default 500 */
    unsigned max_retry_after_s;   /* longest Retry-After honoured; default 60 */
    uint64_t deadline_ms;         /* absolute pp_now_ms() for the whole flush; 0 = none */
    int quiet;                    /* no progress lines on stderr */
} pp_notify_cfg;

typedef struct pp_notify_result {
    size_t queued;      /* new rows */
    size_t duplicate;   /* already queued or delivered earlier (not posted again) */
    size_t delivered;   /* accepted by the receiver in this run */
    size_t failed;      /* permanent failures in this run */
    size_t pending;     /* still undelivered for this destination after the run */
} pp_notify_result;

/* Fills defaults for zero fields. */
void pp_notify_cfg_defaults(pp_notify_cfg *c);

/* 0 when url may be posted to: https anywhere, http only to a loopback address (stand-ins,
 * local relays). Otherwise -1 with *err (caller frees). */
int pp_notify_url_ok(const char *url, char **err);

/* The outbox destination key for url (SHA-256 of target and URL; 65 bytes). */
void pp_notify_dest(const pp_notify_cfg *c, char out[65]);

/* Queues one message per failing scope of `explain` (see above) and stores each scope's
 * explanation. Adds to *r. PP_OK, or PP_E_DB / PP_E_NOMEM / PP_E_LIMIT with *err. */
pp_status pp_notify_queue(pp_state *st, const pp_notify_cfg *c, json_t *explain,
                          pp_notify_result *r, char **err);

/* Stores each failing scope's explanation (for the slash command) without queueing anything.
 * PP_OK or PP_E_DB / PP_E_NOMEM with *err. */
pp_status pp_notify_record(pp_state *st, json_t *explain, char **err);

/* Delivers every pending message for this destination (see above). Adds to *r, including the
 * final pending count. PP_OK unless the database failed (PP_E_DB); delivery failures are
 * counts, not errors. `http` may be NULL. */
pp_status pp_notify_flush(pp_state *st, const pp_notify_cfg *c, pp_http_client *http,
                          pp_notify_result *r, char **err);

/* Retry-After value → milliseconds (seconds or an HTTP date); -1 when unusable. */
long pp_notify_retry_after_ms(const char *v);

#endif
