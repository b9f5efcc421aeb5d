/* lambda_events.h — Lambda mode for EventBridge failure events: keep what arrives, explain a
 * failure when it is complete, post it through the outbox (hooks/notify.h).
 *
 * Data flow: hooks/lambda.c (Runtime API loop) → an event with "detail-type" and "source" →
 * pp_lambda_events_handle, which keeps only the transport: whether the event is kept, triggers
 * an explanation or is ignored, and whether the kept events need a live fetch, is the
 * advisor's (advisor/triage.h, with explain's own classification). This file stores what the
 * triage keeps (state database), asks AWS when the triage says more events are needed
 * (advisor/live.h: CloudFormation DescribeStackEvents, or ECS DescribeServices + ListTasks +
 * DescribeTasks; SigV4, --endpoint-url or AWS_ENDPOINT_URL for a test server), and queues and
 * delivers the result (the same failure is never posted twice: the outbox's dedup key).
 * Every invocation first delivers what earlier ones left pending. A trigger whose message stays
 * undelivered is answered as a function error, so that EventBridge's asynchronous invoke
 * retries it (the retry finds it in the outbox).
 *
 * Configuration (environment, else a JSON config file named by PARAPET_NOTIFY_CONFIG or
 * --notify-config: {"to": "slack|teams|webhook", "url": "…", "url_file": "…",
 * "state": "…", "ai": "bedrock", "bedrock_model": "…"}):
 *   PARAPET_NOTIFY_URL, PARAPET_NOTIFY_TO (default webhook), PARAPET_STATE (a file or
 *   dynamodb://TABLE: the table is what makes dedup and joins hold across execution
 *   environments; PARAPET_STATE_DB / "state_db" are older names; default $XDG_STATE_HOME/…,
 *   else /tmp/parapet/state.db, Lambda's only writable folder, one per environment),
 *   PARAPET_AI=bedrock, PARAPET_BEDROCK_MODEL.
 */
#ifndef PP_LAMBDA_EVENTS_H
#define PP_LAMBDA_EVENTS_H

#include <jansson.h>
#include <stdint.h>

#include "advisor/ai.h"
#include "advisor/kb.h"
#include "engine/net/http.h"
#include "engine/store/state.h"
#include "hooks/notify.h"

typedef struct pp_lambda_events {
    pp_notify_cfg notify;
    char *url;            /* owned; NULL: explain only, nothing posted */
    char *state_path;     /* owned */
    char *endpoint;       /* owned; AWS endpoint override or NULL */
    char *model;          /* owned copy for ai.model */
    pp_ai_cfg ai;
    pp_state *state;
    pp_kb *kb;
} pp_lambda_events;

/* Reads the configuration (see above). `config_file`, `endpoint` and `state` (--state: a
 * file or dynamodb://TABLE; before PARAPET_STATE, "state", PARAPET_STATE_DB, "state_db")
 * from the command line may be NULL. Opens the state store and the KB. Returns 0, or -1 with *err (caller
 * frees); the caller frees with pp_lambda_events_free either way. */
int pp_lambda_events_init(pp_lambda_events *le, const char *config_file, const char *endpoint,
                          const char *state, char **err);
void pp_lambda_events_free(pp_lambda_events *le);

/* 1 when ev looks like an EventBridge event ("detail-type", "source", "detail"). */
int pp_lambda_is_eventbridge(json_t *ev);

/* Handles one EventBridge event before deadline_ms (pp_now_ms()). Returns the response JSON
 * (malloc'd, caller frees) and sets *is_error when it must be posted as a function error. */
char *pp_lambda_events_handle(pp_lambda_events *le, pp_http_client *http, json_t *ev,
                              uint64_t deadline_ms, int *is_error);

#endif
