/* serve_int.h — what the files of `parapet serve` share (serve.c: connections, start-up and
 * options; serve_routes.c: responses and the /hook and /v1/check routes; serve_slack.c: the
 * slash command's transport; serve_metrics.c: counters and /metrics; serve_body.c: the shared
 * body budget). The server is read-only after start but for the atomic counters and the body
 * budget; a worker belongs to its thread; a connection to its request.
 */
#ifndef PP_SERVE_INT_H
#define PP_SERVE_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "advisor/kb.h"
#include "engine/net/http.h"
#include "engine/store/state.h"
#include "engine/base/util.h"
#include "hooks/hook_opts.h"
#include "hooks/serve_lanes.h"

#define PP_SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
#define PP_SERVE_MAX_THREADS 256
#define PP_SERVE_DEFAULT_DEADLINE_MS 25000
#define PP_SERVE_IDLE_TIMEOUT_S 30
#define PP_SERVE_REQUEST_TIMEOUT_S 30
#define PP_SERVE_MAX_CONNECTIONS 2048
#define PP_SERVE_MAX_CONNECTIONS_CAP 65536
#define PP_SERVE_BODY_MEMORY_MIB 256
#define PP_SERVE_SLACK_LIVE_MS 2500           /* Slack wants an answer within 3 s */
#define PP_SERVE_BODY_FREE (64u << 10)  /* per body, outside the shared budget */
#define PP_SERVE_TRIM_EVERY_S 2         /* how often the main thread looks at the load */
#define PP_SERVE_TRIM_MIN_PEAK 64       /* bursts smaller than this are not worth a trim */
#define PP_SERVE_FD_RESERVE 64          /* descriptors kept for the listener, files, curl */
#define PP_SERVE_TOKEN_MAX 4096
#define PP_SLACK_MAX_BODY (64u << 10)

enum { R_HOOK, R_CHECK, R_HEALTHZ, R_METRICS, R_SLACK, R_OTHER, R_COUNT };
enum { D_REQUEST_TIMEOUT, D_BODY_MEMORY, D_COUNT };   /* why a request was turned away early */
#define N_CODES 9   /* the status codes serve_metrics.c counts, and a slot for any other */
#define N_LAT 15    /* latency buckets of serve_metrics.c, and +Inf */

typedef struct pp_serve_metrics {
    atomic_ullong req[R_COUNT][N_CODES];
    atomic_ullong lat[2][N_LAT];     /* [R_HOOK or R_CHECK][bucket], not cumulative */
    atomic_ullong lat_sum_us[2];
    atomic_ullong rule_errors;
    atomic_ullong verdicts[3];       /* pp_hook_verdict */
    atomic_ullong rulesets;          /* worker rule sets built */
    atomic_ullong dropped[D_COUNT];  /* requests closed (timeout) or answered 503 (memory) */
} pp_serve_metrics;

typedef struct pp_server {
    pp_hook_opts opts;
    char *token;                      /* NULL: no authentication */
    size_t token_len;
    char *slack_secret;               /* NULL: /slack/command answers 404 */
    size_t slack_secret_len;
    char *state_path;                 /* state database for /slack/command */
    int slack_live;                   /* --slack-live: fetch from AWS when nothing is recorded */
    long deadline_ms;
    size_t max_body;
    long request_timeout_s;
    /* Body bytes buffered beyond PP_SERVE_BODY_FREE per request, over all connections; never
     * above body_budget (charged before the buffer grows, released when the request ends). */
    atomic_size_t body_bytes;
    size_t body_budget;
    pp_lanes *_Atomic lanes;          /* for the connection gauge; set once after start,
                                          while workers may already answer /metrics */
    unsigned idle_s, lane_conns;      /* per lane (MHD_OPTION_CONNECTION_TIMEOUT, _LIMIT) */
    pthread_key_t key;
    pp_serve_metrics m;
} pp_server;

/* Per-thread state: the thread's own rule set (Lua state) and HTTP client. */
typedef struct pp_serve_worker {
    pp_ruleset *rs;
    pp_http_client *http;
    pp_state *state;        /* opened on the first slash command of this thread */
    pp_kb *kb;              /* opened on the first live slash command of this thread */
} pp_serve_worker;

/* Per-connection state (one request). */
typedef struct pp_serve_conn {
    int route;
    int responded;      /* a response was already queued (early 401/404/405/413) */
    int evaluated;      /* the answer comes from an evaluation (counted in the histogram) */
    int too_big;
    int busy;           /* the shared body budget was exhausted: 503 once the upload ends */
    uint64_t t0_us;
    size_t charged;     /* bytes of s->body_bytes this request holds */
    pp_buf body;
} pp_serve_conn;

/* ---- serve_metrics.c ---- */
void pp_serve_count_request(pp_server *s, int route, unsigned code);
void pp_serve_count_latency(pp_server *s, int route, uint64_t us);
/* The Prometheus text of /metrics, malloc'd (caller frees), NULL on NOMEM. */
char *pp_serve_metrics_text(pp_server *s);

/* ---- serve_body.c ---- */
/* Takes one piece of an upload: buffers it, or marks the request too big (413) or busy (503)
 * and drops the body from then on. */
void pp_serve_body_take(pp_server *s, pp_serve_conn *k, const char *upload, size_t n);
/* Frees k's body and gives its charge back to the shared budget. */
void pp_serve_body_release(pp_server *s, pp_serve_conn *k);

/* ---- serve_routes.c ---- */
void pp_serve_worker_free(void *p);   /* the thread key's destructor; NULL is a no-op */
/* This thread's worker with its rule set, built on first use; NULL (*err may say why). */
pp_serve_worker *pp_serve_get_worker(pp_server *s, char **err);
/* Queues `body` (malloc'd, taken; NULL: MHD_NO) with status `code` and counts it. */
enum MHD_Result pp_serve_reply(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c,
                               unsigned code, const char *ctype, char *body, const char *hname,
                               const char *hval);
/* {"error": {"code", "message"}}, malloc'd, NULL on NOMEM. */
char *pp_serve_error_body(const char *code, const char *message);
enum MHD_Result pp_serve_reply_error(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c,
                                     unsigned code, const char *ecode, const char *msg);
int pp_serve_route_of(const char *url);
int pp_serve_authorized(pp_server *s, struct MHD_Connection *c);
enum MHD_Result pp_serve_do_hook(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c);
enum MHD_Result pp_serve_do_check(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c);

/* ---- serve_slack.c ---- */
enum MHD_Result pp_serve_do_slack(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c);

#endif
