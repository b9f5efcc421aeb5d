/* serve.c — `parapet serve`: the hook endpoint and the check API over HTTP (libmicrohttpd).
 *
 * Routes: POST /hook (Lambda-hook request → hook response), POST /v1/check (template → check
 * json), POST /slack/command (Slack slash command `/parapet why STACK`, answered from the state
 * database; authenticated by Slack's request signature, not the bearer token), GET /healthz,
 * GET /metrics (Prometheus text). Data flow per request: the main thread accepts the
 * connection and hands it to the worker (serve_lanes.c) holding the fewest → that worker's
 * MHD daemon → body collected under a 6 MiB cap → that thread's own pp_ruleset (built on its
 * first request, freed when the thread ends) → cfn_hook / engine → response.
 *
 * Shared state is read-only after start (options, token) except the metrics, which are
 * atomic counters. A bearer token is required on every route but /healthz when one is
 * configured, and serve refuses to listen on a non-loopback address without one. SIGTERM or
 * SIGINT stop accepting, let running requests finish and exit 0.
 *
 * Hostile clients (docs/hook.md, "Limits"): at most --max-connections open at once (the
 * accepting thread stops beyond, the kernel's backlog holds the rest); a connection idle for
 * --idle-timeout-s is closed; a request whose body has not fully arrived --request-timeout-s
 * after its headers is closed (a body trickled a byte at a time never goes idle); every body
 * may buffer PP_SERVE_BODY_FREE bytes, and beyond that draws from one shared budget
 * (--max-body-memory-mib) or gets 503. Memory is therefore bounded by
 * connections x (MHD's 32 KiB + PP_SERVE_BODY_FREE) + the body budget + one Lua state per thread.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "advisor/kb.h"
#include "engine/check.h"
#include "engine/doc.h"
#include "engine/net/http.h"
#include "engine/base/json_write.h"
#include "engine/net/sigv4.h"
#include "engine/store/state.h"
#include "engine/template.h"
#include "engine/base/util.h"
#include "hooks/cfn_hook.h"
#include "hooks/chat.h"
#include "hooks/cli.h"
#include "hooks/cli_live.h"
#include "hooks/notify.h"
#include "hooks/hook_opts.h"
#include "hooks/serve_lanes.h"
#include "hooks/slack.h"

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

/* ---- metrics --------------------------------------------------------------------------- */

enum { R_HOOK, R_CHECK, R_HEALTHZ, R_METRICS, R_SLACK, R_OTHER, R_COUNT };
static const char *const route_name[R_COUNT] = { "/hook", "/v1/check", "/healthz", "/metrics",
                                                 "/slack/command", "other" };
static const unsigned codes[] = { 200, 400, 401, 404, 405, 413, 500, 503 };
enum { D_REQUEST_TIMEOUT, D_BODY_MEMORY, D_COUNT };   /* why a request was turned away early */
static const char *const drop_name[D_COUNT] = { "request_timeout", "body_memory" };
#define N_CODES (PP_ARRAY_LEN(codes) + 1)  /* last slot: any other code */
/* Evaluation latency buckets, in microseconds (rendered in seconds). */
static const unsigned long long lat_us[] = { 250, 500, 1000, 2500, 5000, 10000, 25000, 50000,
                                             100000, 250000, 500000, 1000000, 2500000,
                                             10000000 };
#define N_LAT (PP_ARRAY_LEN(lat_us) + 1)

typedef struct metrics {
    atomic_ullong req[R_COUNT][N_CODES];
    atomic_ullong lat[2][N_LAT];     /* [R_HOOK or R_CHECK][bucket], not cumulative */
    atomic_ullong lat_sum_us[2];
    atomic_ullong rule_errors;
    atomic_ullong verdicts[3];       /* pp_hook_verdict */
    atomic_ullong rulesets;          /* worker rule sets built */
    atomic_ullong dropped[D_COUNT];  /* requests closed (timeout) or answered 503 (memory) */
} metrics;

typedef struct server {
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
    metrics m;
} server;

/* Per-thread state: the thread's own rule set (Lua state) and HTTP client. */
typedef struct worker {
    pp_ruleset *rs;
    pp_http_client *http;
    pp_state *state;        /* opened on the first slash command of this thread */
    pp_kb *kb;              /* opened on the first live slash command of this thread */
} worker;

/* Per-connection state (one request). */
typedef struct conn {
    int route;
    int responded;      /* a response was already queued (early 401/404/405/413) */
    int evaluated;      /* the answer comes from an evaluation (counted in the histogram) */
    int too_big;
    int busy;           /* the shared body budget was exhausted: 503 once the upload ends */
    uint64_t t0_us;
    size_t charged;     /* bytes of s->body_bytes this request holds */
    pp_buf body;
} conn;

static void count_request(server *s, int route, unsigned code)
{
    size_t ci = N_CODES - 1;
    for (size_t i = 0; i < PP_ARRAY_LEN(codes); i++)
        if (codes[i] == code)
            ci = i;
    atomic_fetch_add_explicit(&s->m.req[route][ci], 1, memory_order_relaxed);
}

static void count_latency(server *s, int route, uint64_t us)
{
    if (route != R_HOOK && route != R_CHECK)
        return;
    int r = route == R_HOOK ? 0 : 1;
    size_t b = N_LAT - 1;
    for (size_t i = 0; i < PP_ARRAY_LEN(lat_us); i++) {
        if (us <= lat_us[i]) {
            b = i;
            break;
        }
    }
    atomic_fetch_add_explicit(&s->m.lat[r][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->m.lat_sum_us[r], us, memory_order_relaxed);
}

static char *render_metrics(server *s)
{
    pp_buf b;
    pp_buf_init(&b, 1u << 20);
    pp_buf_puts(&b, "# HELP parapet_http_requests_total HTTP requests by route and status.\n"
                    "# TYPE parapet_http_requests_total counter\n");
    for (int r = 0; r < R_COUNT; r++) {
        for (size_t c = 0; c < N_CODES; c++) {
            unsigned long long v = atomic_load_explicit(&s->m.req[r][c], memory_order_relaxed);
            if (!v && !(r == R_HOOK && c == 0))
                continue;
            if (c < PP_ARRAY_LEN(codes))
                pp_buf_printf(&b, "parapet_http_requests_total{route=\"%s\",code=\"%u\"} %llu\n",
                              route_name[r], codes[c], v);
            else
                pp_buf_printf(&b, "parapet_http_requests_total{route=\"%s\",code=\"other\"} "
                              "%llu\n", route_name[r], v);
        }
    }
    pp_buf_puts(&b, "# HELP parapet_evaluation_seconds Time to answer POST /hook and "
                    "POST /v1/check requests that were evaluated (not early 4xx answers).\n"
                    "# TYPE parapet_evaluation_seconds histogram\n");
    for (int r = 0; r < 2; r++) {
        const char *rn = route_name[r == 0 ? R_HOOK : R_CHECK];
        unsigned long long cum = 0;
        for (size_t i = 0; i < N_LAT; i++) {
            cum += atomic_load_explicit(&s->m.lat[r][i], memory_order_relaxed);
            if (i < PP_ARRAY_LEN(lat_us))
                pp_buf_printf(&b, "parapet_evaluation_seconds_bucket{route=\"%s\",le=\"%g\"} "
                              "%llu\n", rn, (double)lat_us[i] / 1e6, cum);
            else
                pp_buf_printf(&b, "parapet_evaluation_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                              "%llu\n", rn, cum);
        }
        pp_buf_printf(&b, "parapet_evaluation_seconds_sum{route=\"%s\"} %.6f\n", rn,
                      (double)atomic_load(&s->m.lat_sum_us[r]) / 1e6);
        pp_buf_printf(&b, "parapet_evaluation_seconds_count{route=\"%s\"} %llu\n", rn, cum);
    }
    pp_buf_printf(&b, "# HELP parapet_rule_errors_total Rule evaluations that ended in ERROR.\n"
                      "# TYPE parapet_rule_errors_total counter\n"
                      "parapet_rule_errors_total %llu\n",
                  (unsigned long long)atomic_load(&s->m.rule_errors));
    static const char *const vn[3] = { "success", "noncompliant", "internal_failure" };
    pp_buf_puts(&b, "# HELP parapet_hook_verdicts_total Hook responses by verdict.\n"
                    "# TYPE parapet_hook_verdicts_total counter\n");
    for (int v = 0; v < 3; v++)
        pp_buf_printf(&b, "parapet_hook_verdicts_total{verdict=\"%s\"} %llu\n", vn[v],
                      (unsigned long long)atomic_load(&s->m.verdicts[v]));
    pp_buf_puts(&b, "# HELP parapet_http_dropped_total Requests closed because their body was "
                    "too slow (request_timeout) or answered 503 because the shared body buffer "
                    "was full (body_memory).\n# TYPE parapet_http_dropped_total counter\n");
    for (int r = 0; r < D_COUNT; r++)
        pp_buf_printf(&b, "parapet_http_dropped_total{reason=\"%s\"} %llu\n", drop_name[r],
                      (unsigned long long)atomic_load(&s->m.dropped[r]));
    pp_lanes *lanes = atomic_load(&s->lanes);   /* NULL before start and while stopping */
    pp_buf_printf(&b, "# HELP parapet_http_connections Open connections.\n"
                      "# TYPE parapet_http_connections gauge\nparapet_http_connections %u\n"
                      "# HELP parapet_http_body_buffer_bytes Request body bytes buffered beyond "
                      "the per-request allowance.\n# TYPE parapet_http_body_buffer_bytes gauge\n"
                      "parapet_http_body_buffer_bytes %zu\n",
                  pp_lanes_connections(lanes), atomic_load(&s->body_bytes));
    pp_buf_puts(&b, "# HELP parapet_http_worker_connections Open connections by worker thread "
                    "(each new connection goes to the worker holding the fewest).\n"
                    "# TYPE parapet_http_worker_connections gauge\n");
    for (unsigned i = 0; i < pp_lanes_count(lanes); i++)
        pp_buf_printf(&b, "parapet_http_worker_connections{worker=\"%u\"} %u\n", i,
                      pp_lanes_lane_connections(lanes, i));
    pp_buf_printf(&b, "# HELP parapet_rulesets_loaded_total Rule sets built by worker threads.\n"
                      "# TYPE parapet_rulesets_loaded_total counter\n"
                      "parapet_rulesets_loaded_total %llu\n",
                  (unsigned long long)atomic_load(&s->m.rulesets));
    pp_buf_puts(&b, "# HELP parapet_build_info The running build; the value is always 1.\n"
                    "# TYPE parapet_build_info gauge\n"
                    "parapet_build_info{version=\"" PARAPET_VERSION "\"} 1\n");
    return pp_buf_steal(&b);
}

/* ---- workers --------------------------------------------------------------------------- */

static void worker_free(void *p)
{
    worker *w = p;
    if (!w)
        return;
    pp_ruleset_free(w->rs);
    pp_http_client_free(w->http);
    pp_state_close(w->state);
    pp_kb_free(w->kb);
    free(w);
}

static worker *get_worker(server *s, char **err)
{
    worker *w = pthread_getspecific(s->key);
    if (w && w->rs)
        return w;
    if (w) {
        /* a thread that so far only answered slash commands */
        if (!(w->rs = pp_hook_opts_reload(&s->opts, err)))
            return NULL;
        if (!w->http && !(w->http = pp_http_client_new()))
            return NULL;
        atomic_fetch_add(&s->m.rulesets, 1);
        return w;
    }
    w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->rs = pp_hook_opts_reload(&s->opts, err);
    w->http = pp_http_client_new();
    if (!w->rs || !w->http || pthread_setspecific(s->key, w) != 0) {
        worker_free(w);
        return NULL;
    }
    atomic_fetch_add(&s->m.rulesets, 1);
    return w;
}

/* ---- responses ------------------------------------------------------------------------- */

/* Queues `body` (malloc'd, taken) with status `code`. */
static enum MHD_Result reply(server *s, conn *k, struct MHD_Connection *c, unsigned code,
                             const char *ctype, char *body, const char *hname,
                             const char *hval)
{
    if (!body)
        return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    if (hname)
        MHD_add_response_header(r, hname, hval);
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    k->responded = 1;
    count_request(s, k->route, code);
    if (k->evaluated)
        count_latency(s, k->route, pp_now_us() - k->t0_us);
    return ret;
}

static char *error_body(const char *code, const char *message)
{
    json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
                          message ? message : "");
    if (!o) /* a message that is not UTF-8 */
        o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", "(unprintable)");
    char *s = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

static enum MHD_Result reply_error(server *s, conn *k, struct MHD_Connection *c, unsigned code,
                                   const char *ecode, const char *msg)
{
    return reply(s, k, c, code, "application/json", error_body(ecode, msg),
                 code == MHD_HTTP_UNAUTHORIZED ? MHD_HTTP_HEADER_WWW_AUTHENTICATE : NULL,
                 "Bearer");
}

/* ---- routes ---------------------------------------------------------------------------- */

static int route_of(const char *url)
{
    if (strcmp(url, "/hook") == 0)
        return R_HOOK;
    if (strcmp(url, "/v1/check") == 0)
        return R_CHECK;
    if (strcmp(url, "/healthz") == 0)
        return R_HEALTHZ;
    if (strcmp(url, "/metrics") == 0)
        return R_METRICS;
    if (strcmp(url, "/slack/command") == 0)
        return R_SLACK;
    return R_OTHER;
}

static int authorized(server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    return n == s->token_len && CRYPTO_memcmp(h, s->token, n) == 0;
}

static enum MHD_Result do_hook(server *s, conn *k, struct MHD_Connection *c)
{
    char *err = NULL;
    k->evaluated = 1;
    worker *w = get_worker(s, &err);
    if (!w) {
        enum MHD_Result r = reply_error(s, k, c, MHD_HTTP_SERVICE_UNAVAILABLE, "rules_unavailable",
                                        err ? err : "rule set could not be built");
        free(err);
        return r;
    }
    pp_hook_outcome out;
    uint64_t deadline = pp_now_ms() + (uint64_t)s->deadline_ms;
    pp_status st = pp_hook_handle(&s->opts.cfg, w->rs, w->http, deadline,
                                  k->body.data ? k->body.data : "", k->body.len, &out);
    if (st != PP_OK || !out.response) {
        pp_hook_outcome_free(&out);
        return reply_error(s, k, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "out of memory");
    }
    atomic_fetch_add(&s->m.rule_errors, out.rule_errors);
    atomic_fetch_add(&s->m.verdicts[out.verdict], 1);
    enum MHD_Result r;
    if (out.bad_request) {
        r = reply_error(s, k, c, MHD_HTTP_BAD_REQUEST, "bad_request", out.error);
    } else {
        r = reply(s, k, c, MHD_HTTP_OK, "application/json", out.response, NULL, NULL);
        out.response = NULL;
    }
    pp_hook_outcome_free(&out);
    return r;
}

static enum MHD_Result do_check(server *s, conn *k, struct MHD_Connection *c)
{
    char *err = NULL;
    k->evaluated = 1;
    worker *w = get_worker(s, &err);
    if (!w) {
        enum MHD_Result r = reply_error(s, k, c, MHD_HTTP_SERVICE_UNAVAILABLE, "rules_unavailable",
                                        err ? err : "rule set could not be built");
        free(err);
        return r;
    }
    const char *fq = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    const char *sp = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "show_passed");
    static const char *const ctypes[] = {
        [PP_OUT_TEXT] = "text/plain; charset=utf-8", [PP_OUT_JSON] = "application/json",
        [PP_OUT_SARIF] = "application/sarif+json", [PP_OUT_JUNIT] = "application/xml",
        [PP_OUT_CODEQUALITY] = "application/json",
    };
    pp_format fmt = PP_OUT_JSON;
    if (fq && pp_format_parse(fq, &fmt) != 0)
        return reply_error(s, k, c, MHD_HTTP_BAD_REQUEST, "bad_request",
                           "format must be json, sarif, junit, codequality or text");
    const char *ctype = ctypes[fmt];
    int show_passed = sp && (strcmp(sp, "1") == 0 || strcmp(sp, "true") == 0);
    enum MHD_Result r;
    pp_check_opts co = {
        .resolve = { .limits = &s->opts.limits },
        .eval = { .show_passed = show_passed, .verbose = s->opts.verbose },
        .unknown = s->opts.sel.unknown,
    };
    pp_check_for_format(&co, fmt);
    pp_check chk;
    pp_check_init(&chk, w->rs, NULL, &co);
    pp_status st = pp_check_input(&chk, "request", k->body.data ? k->body.data : "",
                                  k->body.len, &err);
    if (st != PP_OK) {
        int input = chk.input_errors > 0 && chk.rep.files == 0;
        r = reply_error(s, k, c, input ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
                        input ? "bad_request" : "internal", err ? err : pp_status_name(st));
        goto done;
    }
    pp_check_finish(&chk);
    pp_report *rep = &chk.rep;
    atomic_fetch_add(&s->m.rule_errors, rep->n_status[PP_ST_ERROR]);
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    pp_write_opts wo = { .show_passed = co.eval.show_passed, .tool_version = PARAPET_VERSION };
    st = f ? pp_report_write(rep, fmt, &wo, f) : PP_E_NOMEM;
    if (f && fclose(f) != 0 && st == PP_OK)
        st = PP_E_NOMEM;
    if (st != PP_OK) {
        free(buf);
        r = reply_error(s, k, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "report failed");
        goto done;
    }
    int failing = pp_report_failing(rep, s->opts.fail_on, s->opts.sel.unknown);
    r = reply(s, k, c, MHD_HTTP_OK, ctype, buf, "X-Parapet-Failing", failing ? "1" : "0");
done:
    free(err);
    pp_check_free(&chk);
    return r;
}

/* ---- Slack slash command ---------------------------------------------------------------- */

/* Slack's v0 signature (hooks/slack.h) with the request's headers and the current time. */
static int slack_verified(server *s, struct MHD_Connection *c, const char *body, size_t blen)
{
    const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Slack-Request-Timestamp");
    const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Slack-Signature");
    return pp_slack_verify(s->slack_secret, s->slack_secret_len, ts, sig, body, blen,
                           (long)time(NULL));
}

static enum MHD_Result do_slack(server *s, conn *k, struct MHD_Connection *c)
{
    const char *body = k->body.data ? k->body.data : "";
    if (!s->slack_secret)
        return reply_error(s, k, c, MHD_HTTP_NOT_FOUND, "not_found",
                           "the Slack slash command is not configured (SLACK_SIGNING_SECRET or "
                           "--slack-signing-secret-file)");
    if (!slack_verified(s, c, body, k->body.len))
        return reply(s, k, c, MHD_HTTP_UNAUTHORIZED, "application/json",
                     error_body("unauthorized", "missing, stale or wrong Slack signature"),
                     NULL, NULL);
    char *text = pp_slack_form_value(body, k->body.len, "text");
    char *stack = pp_slack_why(text);
    char *answer = NULL;
    if (!stack) {
        answer = pp_slack_text("Usage: `/parapet why STACK` shows the latest explanation Parapet "
                            "recorded for a stack or ECS service.");
    } else {
        char *err = NULL;
        worker *w = pthread_getspecific(s->key);
        if (!w && (w = calloc(1, sizeof *w)) != NULL && pthread_setspecific(s->key, w) != 0) {
            free(w);
            w = NULL;
        }
        if (w && !w->state && s->state_path)
            pp_state_open(s->state_path, &w->state, &err);
        char *json = NULL;
        int64_t when = 0;
        if (w && w->state)
            pp_state_explanation_get(w->state, stack, &json, NULL, &when, &err);
        json_t *doc = json ? json_loads(json, 0, NULL) : NULL;
        const char *origin = "Recorded";
        if (!doc && s->slack_live && w) {
            /* nothing recorded: the same fetch as `explain --stack`, within Slack's 3 s */
            int krc = 0;
            if (!w->kb)
                w->kb = pp_cli_open_kb(NULL, &krc);
            if (!w->http)
                w->http = pp_http_client_new();
            pp_cli_aws aws = { 0 };
            char *lerr = NULL;
            doc = w->kb ? pp_cli_live_explain(&aws, w->http, w->kb, stack,
                                              pp_now_ms() + PP_SERVE_SLACK_LIVE_MS, &lerr)
                        : NULL;
            if (doc && json_array_size(json_object_get(doc, "root_causes")) +
                           json_array_size(json_object_get(doc, "unmatched")) == 0) {
                json_decref(doc);
                doc = NULL;
            }
            if (doc) {
                origin = "Fetched from AWS";
                when = (int64_t)time(NULL);
                if (w->state && pp_notify_record(w->state, doc, &lerr) != PP_OK)
                    fprintf(stderr, "parapet serve: /slack/command: %s\n", lerr ? lerr : "");
            } else if (lerr) {
                fprintf(stderr, "parapet serve: /slack/command: live fetch for %.200s: %s\n",
                        stack, lerr);
            }
            free(lerr);
        }
        json_t *msg = doc ? pp_chat_slack_reply(doc, stack) : NULL;
        if (msg) {
            char tbuf[32] = "";
            time_t tt = (time_t)when;
            struct tm tm;
            if (gmtime_r(&tt, &tm))
                strftime(tbuf, sizeof tbuf, "%Y-%m-%d %H:%M UTC", &tm);
            json_t *blocks = json_object_get(msg, "blocks");
            char *ctx = pp_asprintf("%s %s", origin, tbuf);
            if (ctx && json_array_size(blocks) < PP_CHAT_SLACK_MAX_BLOCKS)
                json_array_append_new(blocks, json_pack("{s:s,s:[{s:s,s:s}]}", "type", "context",
                                                        "elements", "type", "mrkdwn", "text",
                                                        ctx));
            free(ctx);
            answer = pp_json_dumps(msg, JSON_COMPACT);
        } else if (!w || !w->state) {
            answer = pp_slack_text("Parapet has no state store to answer from (serve "
                                "--state).");
        } else {
            char *t = pp_asprintf("No failure recorded for `%.200s`. Parapet records stacks and "
                                  "services when it posts an explanation (notify or Lambda "
                                  "mode).", stack);
            answer = t ? pp_slack_text(t) : NULL;
            free(t);
        }
        json_decref(msg);
        json_decref(doc);
        free(json);
        if (err)
            fprintf(stderr, "parapet serve: /slack/command: %s\n", err);
        free(err);
    }
    free(stack);
    free(text);
    if (!answer)
        return reply_error(s, k, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "out of memory");
    return reply(s, k, c, MHD_HTTP_OK, "application/json", answer, NULL, NULL);
}

/* ---- request bodies -------------------------------------------------------------------- */

/* The capacity pp_buf_append will give `b` for `n` more bytes (the same doubling rule). */
static size_t body_capacity_after(const pp_buf *b, size_t n)
{
    size_t need = b->len + n + 1;
    if (need <= b->alloc)
        return b->alloc;
    size_t na = b->alloc ? b->alloc : 256;
    while (na < need && na <= SIZE_MAX / 2)
        na *= 2;
    return na;
}

/* Charges, before it happens, the growth of k's buffer for `n` more bytes beyond
 * PP_SERVE_BODY_FREE against the shared budget. 0 when it fits, -1 when the budget is spent
 * (nothing charged). */
static int body_charge(server *s, conn *k, size_t n)
{
    size_t cap = body_capacity_after(&k->body, n);
    size_t want = cap > PP_SERVE_BODY_FREE ? cap - PP_SERVE_BODY_FREE : 0;
    if (want <= k->charged)
        return 0;
    size_t add = want - k->charged;
    size_t cur = atomic_load(&s->body_bytes);
    do {
        if (cur > s->body_budget || add > s->body_budget - cur)
            return -1;
    } while (!atomic_compare_exchange_weak(&s->body_bytes, &cur, cur + add));
    k->charged = want;
    return 0;
}

/* Frees k's body and gives its charge back to the shared budget. */
static void body_release(server *s, conn *k)
{
    pp_buf_free(&k->body);
    if (k->charged) {
        atomic_fetch_sub(&s->body_bytes, k->charged);
        k->charged = 0;
    }
}

/* Takes one piece of an upload: buffers it, or marks the request too big (413) or busy
 * (503) and drops the body from then on. */
static void body_take(server *s, conn *k, const char *upload, size_t n)
{
    if (k->too_big || k->busy)
        return;
    if (n > s->max_body - k->body.len) {
        k->too_big = 1;
        body_release(s, k);
    } else if (body_charge(s, k, n) != 0) {
        k->busy = 1;
        body_release(s, k);
    } else if (pp_buf_append(&k->body, upload, n) != PP_OK) {
        k->too_big = 1;
        body_release(s, k);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    server *s = cls;
    conn *k = *con_cls;
    if (!k) {
        k = calloc(1, sizeof *k);
        if (!k)
            return MHD_NO;
        *con_cls = k;
        k->t0_us = pp_now_us();
        k->route = route_of(url);
        pp_buf_init(&k->body, s->max_body);
        if (k->route == R_OTHER)
            return reply_error(s, k, c, MHD_HTTP_NOT_FOUND, "not_found", "no such route");
        int is_post = strcmp(method, "POST") == 0;
        int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
        int want_post = k->route == R_HOOK || k->route == R_CHECK || k->route == R_SLACK;
        if (want_post ? !is_post : !is_get) {
            return reply(s, k, c, MHD_HTTP_METHOD_NOT_ALLOWED, "application/json",
                         error_body("method_not_allowed", want_post ? "use POST" : "use GET"),
                         MHD_HTTP_HEADER_ALLOW, want_post ? "POST" : "GET, HEAD");
        }
        /* Slack cannot send our bearer token: its requests carry their own signature. */
        if (s->token && k->route != R_HEALTHZ && k->route != R_SLACK && !authorized(s, c))
            return reply_error(s, k, c, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                               "a valid bearer token is required");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        long clen;
        if (cl && pp_parse_long(cl, 0, 0x7fffffffL, &clen) == 0 && (size_t)clen > s->max_body)
            return reply_error(s, k, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                               "request body larger than the limit");
        if (cl && pp_parse_long(cl, 0, 0x7fffffffL, &clen) != 0)
            return reply_error(s, k, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                               "request body larger than the limit");
        return MHD_YES;
    }
    if (*upload_size && s->request_timeout_s &&
        pp_now_us() - k->t0_us > (uint64_t)s->request_timeout_s * 1000000u) {
        /* MHD cannot queue a response in the middle of a body: close the connection. */
        atomic_fetch_add(&s->m.dropped[D_REQUEST_TIMEOUT], 1);
        return MHD_NO;
    }
    if (k->responded) {
        *upload_size = 0;   /* an early answer was queued; drop the rest of the body */
        return MHD_YES;
    }
    if (*upload_size) {
        body_take(s, k, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (k->too_big)
        return reply_error(s, k, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                           "request body larger than the limit");
    if (k->busy) {
        atomic_fetch_add(&s->m.dropped[D_BODY_MEMORY], 1);
        return reply(s, k, c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
                     error_body("busy", "request bodies in flight use all the buffer memory; "
                                        "retry"),
                     MHD_HTTP_HEADER_RETRY_AFTER, "1");
    }
    switch (k->route) {
    case R_HOOK:
        return do_hook(s, k, c);
    case R_CHECK:
        return do_check(s, k, c);
    case R_SLACK:
        return do_slack(s, k, c);
    case R_HEALTHZ:
        return reply(s, k, c, MHD_HTTP_OK, "application/json",
                     pp_strdup("{\"status\":\"ok\"}"), NULL, NULL);
    case R_METRICS:
        return reply(s, k, c, MHD_HTTP_OK, "text/plain; version=0.0.4", render_metrics(s),
                     NULL, NULL);
    default:
        return reply_error(s, k, c, MHD_HTTP_NOT_FOUND, "not_found", "no such route");
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    conn *k = *con_cls;
    if (!k)
        return;
    body_release(cls, k);
    free(k);
    *con_cls = NULL;
}

/* ---- start-up -------------------------------------------------------------------------- */

static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
            return 1;
        if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
            return a->sin6_addr.s6_addr[12] == 127;
    }
    return 0;
}

/* "ADDR:PORT", "[V6]:PORT", ":PORT" (all addresses). Fills *out; 0 or -1 with a message. */
static int parse_listen(const char *spec, struct sockaddr_storage *out, socklen_t *olen)
{
    char host[256];
    const char *port;
    if (spec[0] == '[') {
        const char *e = strchr(spec, ']');
        if (!e || e[1] != ':' || (size_t)(e - spec - 1) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(e - spec - 1), spec + 1);
        port = e + 2;
    } else {
        const char *e = strrchr(spec, ':');
        if (!e || (size_t)(e - spec) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(e - spec), spec);
        port = e + 1;
    }
    long pv;
    if (pp_parse_long(port, 0, 65535, &pv) != 0)
        return -1;
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
    struct addrinfo *res = NULL;
    if (getaddrinfo(*host ? host : NULL, port, &hints, &res) != 0 || !res)
        return -1;
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *olen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

typedef struct trim_state {
    pp_lanes *lanes;
    unsigned peak;
} trim_state;

/* After a burst of connections has drained (open connections fell below half the peak seen
 * since the last trim), hands the free pages of every malloc arena back to the system:
 * glibc keeps freed connection pools and bodies mapped otherwise. Runs on the main thread
 * every PP_SERVE_TRIM_EVERY_S, outside any request. */
static void trim_after_peak(void *cls)
{
    trim_state *t = cls;
    unsigned now = pp_lanes_connections(t->lanes);
    if (now > t->peak) {
        t->peak = now;
    } else if (t->peak >= PP_SERVE_TRIM_MIN_PEAK && now < t->peak / 2) {
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        t->peak = now;
    }
}

/* One lane's daemon (serve_lanes.h): the handlers and per-connection limits. */
static struct MHD_Daemon *start_lane(void *cls, unsigned flags,
                                     MHD_NotifyConnectionCallback notify, void *notify_cls)
{
    server *s = cls;
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->idle_s,
                            MHD_OPTION_CONNECTION_LIMIT, s->lane_conns,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                            MHD_OPTION_END);
}

/* Every connection is a descriptor: raises the soft RLIMIT_NOFILE towards the hard one so that
 * *max_conns connections fit next to PP_SERVE_FD_RESERVE others, or lowers *max_conns to what
 * fits, with a warning. -1 when not even a few connections fit. */
static int fit_connections(long *max_conns)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;   /* unknown: let MHD find out */
    rlim_t want = (rlim_t)*max_conns + PP_SERVE_FD_RESERVE;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rlim_t cur = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            rl.rlim_cur = cur;
        if (rl.rlim_cur < want) {
            long fit = rl.rlim_cur > PP_SERVE_FD_RESERVE ? (long)(rl.rlim_cur - PP_SERVE_FD_RESERVE)
                                                         : 0;
            if (fit < 8) {
                fprintf(stderr, "parapet serve: the descriptor limit (ulimit -n %llu) leaves no "
                                "room for connections\n", (unsigned long long)rl.rlim_cur);
                return -1;
            }
            fprintf(stderr, "parapet serve: warning: ulimit -n %llu allows %ld connections, not "
                            "%ld (raise the hard limit)\n", (unsigned long long)rl.rlim_cur, fit,
                    *max_conns);
            *max_conns = fit;
        }
    }
    return 0;
}

static const char usage[] =
    "usage: parapet serve [--listen ADDR:PORT] [--threads N] [--token-file F] [OPTIONS]\n"
    "HTTP endpoint: POST /hook, POST /v1/check, POST /slack/command, GET /healthz,\n"
    "GET /metrics.\n"
    "  --listen ADDR:PORT               default 127.0.0.1:8080; port 0 picks a free port\n"
    "  --threads N                      worker threads (default: CPU count)\n"
    "  --token-file F                   require 'Authorization: Bearer <token>' (required\n"
    "                                   when ADDR is not a loopback address)\n"
    "  --deadline-ms N                  per-request deadline (default 25000)\n"
    "  --max-connections N              open connections at most (default 2048)\n"
    "  --idle-timeout-s N               close a connection silent for N s (default 30)\n"
    "  --request-timeout-s N            close a request whose body is not in N s after its\n"
    "                                   headers (default 30; 0: no limit)\n"
    "  --max-body-memory-mib N          body bytes buffered beyond 64 KiB per request, over\n"
    "                                   all requests (default 256; then 503)\n"
    "  --state LOCATION                 state store for POST /slack/command: a SQLite file or\n"
    "                                   dynamodb://TABLE, shared by every replica (or\n"
    "                                   PARAPET_STATE; default $XDG_STATE_HOME/parapet/state.db;\n"
    "                                   --state-db F is an alias)\n"
    "  --slack-signing-secret-file F    Slack signing secret (or SLACK_SIGNING_SECRET);\n"
    "                                   without one /slack/command answers 404\n"
    "  --slack-live                     `/parapet why STACK` with nothing recorded fetches the\n"
    "                                   stack from AWS (explain --stack, the standard\n"
    "                                   credential chain; within 2.5 s)\n";

int pp_cli_serve(int argc, char **argv)
{
    server *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "parapet serve: out of memory\n");
        return 2;
    }
    pp_hook_opts_init(&s->opts);
    s->deadline_ms = PP_SERVE_DEFAULT_DEADLINE_MS;
    s->max_body = PP_HOOK_MAX_REQUEST;
    s->request_timeout_s = PP_SERVE_REQUEST_TIMEOUT_S;
    const char *listen_spec = PP_SERVE_DEFAULT_LISTEN, *token_file = NULL;
    const char *slack_file = NULL, *state_opt = NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    long threads = cpus > 0 ? (cpus > 64 ? 64 : cpus) : 2;
    long max_conns = PP_SERVE_MAX_CONNECTIONS, idle_s = PP_SERVE_IDLE_TIMEOUT_S;
    long body_mib = PP_SERVE_BODY_MEMORY_MIB;
    int rc = 2, key_made = 0;
    pp_ruleset *rs = NULL;
    pp_lanes *lanes = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = pp_hook_opts_arg(&s->opts, argc, argv, &i);
        if (r < 0)
            goto done;
        if (r > 0)
            continue;
        int has = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            fputs(pp_hook_opts_help, stdout);
            rc = 0;
            goto done;
        } else if (strcmp(a, "--listen") == 0 && has) {
            listen_spec = argv[++i];
        } else if (strcmp(a, "--threads") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, PP_SERVE_MAX_THREADS, &threads) != 0) {
                rc = pp_cli_usage("serve", "--threads expects 1..%d", PP_SERVE_MAX_THREADS);
                goto done;
            }
        } else if (strcmp(a, "--token-file") == 0 && has) {
            token_file = argv[++i];
        } else if (strcmp(a, "--slack-signing-secret-file") == 0 && has) {
            slack_file = argv[++i];
        } else if ((strcmp(a, "--state") == 0 || strcmp(a, "--state-db") == 0) && has) {
            state_opt = argv[++i];
        } else if (strcmp(a, "--slack-live") == 0) {
            s->slack_live = 1;
        } else if (strcmp(a, "--max-connections") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, PP_SERVE_MAX_CONNECTIONS_CAP, &max_conns) != 0) {
                rc = pp_cli_usage("serve", "--max-connections expects 1..%d",
                                  PP_SERVE_MAX_CONNECTIONS_CAP);
                goto done;
            }
        } else if (strcmp(a, "--idle-timeout-s") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, 3600, &idle_s) != 0) {
                rc = pp_cli_usage("serve", "--idle-timeout-s expects 1..3600");
                goto done;
            }
        } else if (strcmp(a, "--request-timeout-s") == 0 && has) {
            if (pp_parse_long(argv[++i], 0, 3600, &s->request_timeout_s) != 0) {
                rc = pp_cli_usage("serve", "--request-timeout-s expects 0..3600");
                goto done;
            }
        } else if (strcmp(a, "--max-body-memory-mib") == 0 && has) {
            if (pp_parse_long(argv[++i], 0, 1L << 20, &body_mib) != 0) {
                rc = pp_cli_usage("serve", "--max-body-memory-mib expects 0..1048576");
                goto done;
            }
        } else if (strcmp(a, "--deadline-ms") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, 900000, &s->deadline_ms) != 0) {
                rc = pp_cli_usage("serve", "--deadline-ms expects 1..900000");
                goto done;
            }
        } else {
            rc = pp_cli_usage("serve", "unknown or incomplete option '%s' (see parapet serve "
                              "--help)", a);
            goto done;
        }
    }

    struct sockaddr_storage addr;
    socklen_t alen = 0;
    if (parse_listen(listen_spec, &addr, &alen) != 0) {
        rc = pp_cli_usage("serve", "--listen expects ADDR:PORT (e.g. 127.0.0.1:8080), not '%s'",
                          listen_spec);
        goto done;
    }
    if (token_file) {
        char *err = NULL;
        size_t tl = 0;
        pp_status st = pp_read_file(token_file, PP_SERVE_TOKEN_MAX, &s->token, &tl, &err);
        if (st != PP_OK) {
            fprintf(stderr, "parapet serve: %s\n", err ? err : pp_status_name(st));
            free(err);
            goto done;
        }
        while (tl && (s->token[tl - 1] == '\n' || s->token[tl - 1] == '\r' ||
                      s->token[tl - 1] == ' ' || s->token[tl - 1] == '\t'))
            s->token[--tl] = '\0';
        if (tl == 0 || strlen(s->token) != tl) {
            fprintf(stderr, "parapet serve: %s: the token file is empty or not text\n",
                    token_file);
            goto done;
        }
        s->token_len = tl;
    }
    if (slack_file) {
        char *err = NULL;
        size_t sl = 0;
        pp_status st = pp_read_file(slack_file, PP_SERVE_TOKEN_MAX, &s->slack_secret, &sl, &err);
        if (st != PP_OK) {
            fprintf(stderr, "parapet serve: %s\n", err ? err : pp_status_name(st));
            free(err);
            goto done;
        }
        while (sl && (s->slack_secret[sl - 1] == '\n' || s->slack_secret[sl - 1] == '\r' ||
                      s->slack_secret[sl - 1] == ' '))
            s->slack_secret[--sl] = '\0';
        s->slack_secret_len = sl;
    } else if (getenv("SLACK_SIGNING_SECRET") && *getenv("SLACK_SIGNING_SECRET")) {
        s->slack_secret = pp_strdup(getenv("SLACK_SIGNING_SECRET"));
        s->slack_secret_len = s->slack_secret ? strlen(s->slack_secret) : 0;
    }
    if (s->slack_secret && s->slack_secret_len == 0) {
        fprintf(stderr, "parapet serve: the Slack signing secret is empty\n");
        goto done;
    }
    s->state_path = state_opt ? pp_strdup(state_opt) : pp_state_default_location();
    if (s->slack_secret && s->state_path) {
        /* Create the database now, so that the first slash command finds its schema. */
        pp_state *probe = NULL;
        char *err = NULL;
        if (pp_state_open(s->state_path, &probe, &err) != PP_OK) {
            fprintf(stderr, "parapet serve: %s\n", err ? err : "state database");
            free(err);
            goto done;
        }
        pp_state_close(probe);
    }
    if (!s->token && !is_loopback((struct sockaddr *)&addr)) {
        fprintf(stderr, "parapet serve: --token-file is required when listening on a "
                        "non-loopback address (%s)\n", listen_spec);
        goto done;
    }
    s->body_budget = (size_t)body_mib << 20;
    if (fit_connections(&max_conns) != 0)
        goto done;
    if (pp_http_global_init() != PP_OK) {
        fprintf(stderr, "parapet serve: libcurl failed to initialise\n");
        goto done;
    }
#ifdef M_MMAP_THRESHOLD
    /* A fixed threshold turns off glibc's dynamic one, which after the first large body is
     * freed would serve every later one from the heap and keep it: bodies above 256 KiB are
     * mapped and given back to the system when their request ends. */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
    /* Load once here so that a broken rule stops start-up; workers build their own. */
    rs = pp_hook_opts_load(&s->opts);
    if (!rs)
        goto done;
    pp_ruleset_free(rs);
    rs = NULL;
    if (pthread_key_create(&s->key, worker_free) != 0)
        goto done;
    key_made = 1;

    /* Workers inherit this mask: only the main thread receives SIGTERM/SIGINT. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Every lane may hold all connections; the accepting thread keeps the total. */
    s->idle_s = (unsigned)idle_s;
    s->lane_conns = (unsigned)max_conns;
    char *lerr = NULL;
    if (pp_lanes_open((struct sockaddr *)&addr, alen, (unsigned)threads, (unsigned)max_conns,
                      start_lane, s, &lanes, &lerr) != PP_OK) {
        fprintf(stderr, "parapet serve: cannot listen on %s: %s\n", listen_spec,
                lerr ? lerr : "out of memory");
        free(lerr);
        goto done;
    }
    atomic_store(&s->lanes, lanes);
    char host[INET6_ADDRSTRLEN] = "?";
    if (addr.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, host, sizeof host);
    else
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, host, sizeof host);
    fprintf(stderr, "parapet serve: listening on http://%s%s%s:%u (%ld threads, %ld "
            "connections%s%s)\n",
            addr.ss_family == AF_INET6 ? "[" : "", host, addr.ss_family == AF_INET6 ? "]" : "",
            pp_lanes_port(lanes), threads, max_conns,
            s->token ? ", bearer token required" : "",
            s->slack_secret ? ", Slack slash command on" : "");
    fflush(stderr);

    trim_state trim = { lanes, 0 };
    int sig = pp_lanes_run(lanes, &set, PP_SERVE_TRIM_EVERY_S * 1000u, trim_after_peak, &trim);
    if (sig > 0)
        fprintf(stderr, "parapet serve: signal %d, stopping\n", sig);
    atomic_store(&s->lanes, NULL);
    pp_lanes_close(lanes);   /* joins the workers: running requests finish first */
    lanes = NULL;
    rc = sig > 0 ? 0 : 2;
done:
    if (lanes) {
        atomic_store(&s->lanes, NULL);
        pp_lanes_close(lanes);
    }
    pp_ruleset_free(rs);
    if (key_made) {
        worker_free(pthread_getspecific(s->key));
        pthread_key_delete(s->key);
    }
    free(s->token);
    free(s->slack_secret);
    free(s->state_path);
    pp_hook_opts_free(&s->opts);
    free(s);
    return rc;
}
