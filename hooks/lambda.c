/* lambda.c — `parapet lambda`: the AWS Lambda custom-runtime loop (the zip's `bootstrap`).
 *
 * Data flow: GET /runtime/invocation/next (no timeout: the sandbox may be frozen between
 * events) → an EventBridge event (CloudFormation / ECS failure) goes to hooks/lambda_events.c
 * (explain and post to chat); anything else is a Lambda-hook request → pp_hook_handle with the
 * deadline Lambda gives → POST …/{request id}/response, or …/error for an event that is
 * neither.
 * The rules load once at init (their metadata: a rule is compiled at its first resource, as
 * for check); a failure there is posted to /runtime/init/error and ends the process. A 500
 * from any Runtime API endpoint means the container is broken: exit at once. The Runtime
 * API is spoken over a plain socket (hooks/lambda_rt.h); libcurl is opened only by what
 * needs it (a payload URL, an EventBridge event): nothing of it runs before the first GET.
 * Protocol: ../shared/reference/aws-protocols.md §2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/net/http.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "hooks/cfn_hook.h"
#include "hooks/cli.h"
#include "hooks/hook_opts.h"
#include "hooks/lambda_events.h"
#include "hooks/lambda_rt.h"

#define PP_LAMBDA_API_VERSION "2018-06-01"
/* Time kept back from Lambda's deadline to post the answer. */
#define PP_LAMBDA_DEADLINE_MARGIN_MS 500
#define PP_LAMBDA_DEFAULT_BUDGET_MS 25000
#define PP_LAMBDA_MAX_NEXT_FAILURES 10
#define PP_LAMBDA_POST_TIMEOUT_MS 10000

typedef struct rt {
    const char *api;            /* HOST:PORT of the Runtime API */
    pp_rt_conn conn;            /* kept between its requests */
    pp_http_client *http;       /* for payload URLs and EventBridge events (libcurl, by need) */
    pp_hook_opts o;             /* the command line's rule selection and hook options */
    const char *notify_config, *endpoint, *state;   /* borrowed from argv */
    pp_ruleset *rs;             /* loaded at init */
    pp_lambda_events le;        /* set up at the first EventBridge event */
    int le_ready;               /* 0 not yet, 1 ready, -1 failed (every event is an error) */
} rt;

static uint64_t epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Request ids are UUIDs; anything else must not reach a URL path. */
static int safe_id(const char *s)
{
    if (!s || !*s || strlen(s) > 128)
        return 0;
    for (; *s; s++) {
        char ch = *s;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

/* POSTs `body` to the Runtime API's path (after /2018-06-01). Returns the HTTP status, or
 * -1 on a transport failure. */
static long post(rt *r, const char *path, const char *body, const char *error_type)
{
    char *url = pp_asprintf("/" PP_LAMBDA_API_VERSION "%s", path);
    char *hdr = error_type ? pp_asprintf("Lambda-Runtime-Function-Error-Type: %s", error_type)
                           : NULL;
    if (!url || (error_type && !hdr)) {
        free(url);
        free(hdr);
        return -1;
    }
    const char *hdrs[1] = { hdr };
    pp_rt_opts o = { .headers = hdrs, .nheaders = hdr ? 1 : 0, .connect_timeout_ms = 1000,
                     .timeout_ms = PP_LAMBDA_POST_TIMEOUT_MS, .max_body = 64u << 10 };
    pp_http_resp resp;
    char *err = NULL;
    pp_status st = pp_rt_request(&r->conn, r->api, "POST", url, "application/json", body,
                                 strlen(body), &o, &resp, &err);
    long code = st == PP_OK ? resp.status : -1;
    if (st != PP_OK)
        fprintf(stderr, "parapet lambda: POST %s: %s\n", path, err ? err : pp_status_name(st));
    pp_http_resp_free(&resp);
    free(err);
    free(url);
    free(hdr);
    return code;
}

static char *error_json(const char *type, const char *msg)
{
    json_t *o = json_pack("{s:s,s:s,s:[]}", "errorMessage", msg ? msg : "", "errorType", type,
                          "stackTrace");
    if (!o)
        o = json_pack("{s:s,s:s,s:[]}", "errorMessage", "(unprintable)", "errorType", type,
                      "stackTrace");
    char *s = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

/* One option of `lambda` (hooks/opt.h); it takes no arguments. */
static int lambda_opt(void *ctx, const pp_opts *p)
{
    rt *r = ctx;
    switch (p->id) {
    case PP_O_NOTIFY_CONFIG: r->notify_config = p->val; return 0;
    case PP_O_STATE: r->state = p->val; return 0;
    case PP_O_ENDPOINT_URL: r->endpoint = p->val; return 0;
    default: return -1;
    }
}

/* An EventBridge event: explained and posted (lambda_events.h); the answer goes to
 * …/response, or …/error when it could not be handled. The Runtime API's status, or -1. */
static long answer_event(rt *r, const char *rid, json_t *evj, uint64_t budget)
{
    int is_error = 0;
    char *answer = NULL;
    if (!r->le_ready) {
        char *lerr = NULL;
        r->le_ready = pp_lambda_events_init(&r->le, r->notify_config, r->endpoint, r->state,
                                            &lerr) == 0 ? 1 : -1;
        if (r->le_ready < 0)
            fprintf(stderr, "parapet lambda: EventBridge events cannot be handled: %s\n",
                    lerr ? lerr : "configuration");
        free(lerr);
    }
    if (r->le_ready > 0)
        answer = pp_lambda_events_handle(&r->le, r->http, evj, pp_now_ms() + budget, &is_error);
    int ok = answer && !is_error;
    char *body = ok ? answer : error_json("Parapet.EventNotHandled", answer ? answer
                                                                           : "see the log");
    char *path = pp_asprintf("/runtime/invocation/%s/%s", rid, ok ? "response" : "error");
    long code = body && path ? post(r, path, body, ok ? NULL : "Parapet.EventNotHandled") : -1;
    if (body != answer)
        free(body);
    free(answer);
    free(path);
    return code;
}

/* A Lambda-hook request: pp_hook_handle, then …/response (or …/error for a request that is
 * not one, or an answer over Lambda's size limit). The Runtime API's status, or -1. */
static long answer_hook(rt *r, const char *rid, const char *body, size_t len, uint64_t budget)
{
    pp_hook_outcome out;
    pp_status st = pp_hook_handle(&r->o.cfg, r->rs, r->http, pp_now_ms() + budget, body, len,
                                  &out);
    long code;
    char *path = NULL;
    if (st != PP_OK || !out.response) {
        char *eb = error_json("Runtime.OutOfMemory", "out of memory");
        path = pp_asprintf("/runtime/invocation/%s/error", rid);
        code = eb && path ? post(r, path, eb, "Runtime.OutOfMemory") : -1;
        free(eb);
    } else if (out.bad_request) {
        /* Not a hook request: Lambda records a function error; the loop goes on. */
        fprintf(stderr, "parapet lambda: %s: %s\n", rid, out.error ? out.error : "bad event");
        char *eb = error_json("Parapet.InvalidHookRequest", out.error);
        path = pp_asprintf("/runtime/invocation/%s/error", rid);
        code = eb && path ? post(r, path, eb, "Parapet.InvalidHookRequest") : -1;
        free(eb);
    } else {
        if (out.error)
            fprintf(stderr, "parapet lambda: %s: %s\n", rid, out.error);
        path = pp_asprintf("/runtime/invocation/%s/response", rid);
        code = path ? post(r, path, out.response, NULL) : -1;
        if (code == 413) {
            char *eb = error_json("Parapet.ResponseTooLarge", "hook response over the "
                                  "Lambda response size limit");
            char *epath = pp_asprintf("/runtime/invocation/%s/error", rid);
            code = eb && epath ? post(r, epath, eb, "Parapet.ResponseTooLarge") : -1;
            free(eb);
            free(epath);
        }
    }
    if (st == PP_OK)
        pp_hook_outcome_free(&out);
    free(path);
    return code;
}

/* The time this invocation may take: Lambda's deadline less the margin to post the answer. */
static uint64_t invocation_budget(const pp_http_resp *ev)
{
    const char *dl = pp_http_resp_header(ev, "Lambda-Runtime-Deadline-Ms");
    long long dms;
    if (!dl || sscanf(dl, "%lld", &dms) != 1 || dms <= 0)
        return PP_LAMBDA_DEFAULT_BUDGET_MS;
    uint64_t now = epoch_ms();
    return (uint64_t)dms > now + PP_LAMBDA_DEADLINE_MARGIN_MS
               ? (uint64_t)dms - now - PP_LAMBDA_DEADLINE_MARGIN_MS : 1;
}

/* Waits for the next invocation and answers it. 0 to go on, 1 to stop (the Runtime API is
 * broken or unreachable). */
static int next_invocation(rt *r, unsigned *next_failures)
{
    /* No total timeout on /next: the process may be frozen until the next event. */
    pp_rt_opts no = { .connect_timeout_ms = 1000, .timeout_ms = 0,
                      .max_body = PP_HOOK_MAX_REQUEST + (1u << 20) };
    pp_http_resp ev;
    char *err = NULL;
    pp_status st = pp_rt_request(&r->conn, r->api, "GET",
                                 "/" PP_LAMBDA_API_VERSION "/runtime/invocation/next", NULL,
                                 NULL, 0, &no, &ev, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet lambda: GET next: %s\n", err ? err : pp_status_name(st));
        free(err);
        return 1;
    }
    if (ev.status == 500) {
        fprintf(stderr, "parapet lambda: the Runtime API answered 500: exiting\n");
        pp_http_resp_free(&ev);
        return 1;
    }
    const char *id = pp_http_resp_header(&ev, "Lambda-Runtime-Aws-Request-Id");
    if (ev.status != 200 || !safe_id(id)) {
        fprintf(stderr, "parapet lambda: GET next answered %ld%s\n", ev.status,
                ev.status == 200 ? " without a usable request id" : "");
        pp_http_resp_free(&ev);
        if (++*next_failures >= PP_LAMBDA_MAX_NEXT_FAILURES)
            return 1;
        struct timespec ts = { 0, 100 * 1000000L };
        nanosleep(&ts, NULL);
        return 0;
    }
    *next_failures = 0;
    const char *trace = pp_http_resp_header(&ev, "Lambda-Runtime-Trace-Id");
    if (trace)
        setenv("_X_AMZN_TRACE_ID", trace, 1);
    else
        unsetenv("_X_AMZN_TRACE_ID");
    uint64_t budget = invocation_budget(&ev);
    char *rid = pp_strdup(id);
    json_t *evj = json_loadb(ev.body, ev.len, 0, NULL);
    long code = -1;
    if (rid && pp_lambda_is_eventbridge(evj))
        code = answer_event(r, rid, evj, budget);
    else if (rid)
        code = answer_hook(r, rid, ev.body, ev.len, budget);
    else
        fprintf(stderr, "parapet lambda: out of memory\n");
    json_decref(evj);
    pp_http_resp_free(&ev);
    free(rid);
    if (code == 500 || code < 0) {
        fprintf(stderr, "parapet lambda: posting the result failed (%ld): exiting\n", code);
        return 1;
    }
    return 0;
}

int pp_cli_lambda(int argc, char **argv)
{
    rt *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "parapet lambda: out of memory\n");
        return 2;
    }
    r->conn = (pp_rt_conn)PP_RT_CONN_INIT;
    pp_hook_opts_init(&r->o);
    pp_opt_taker takers[] = {{pp_hook_opts_opt, &r->o}, {lambda_opt, r}};
    int rc = pp_opts_parse(PP_CMD_LAMBDA, argc, argv, takers, PP_ARRAY_LEN(takers));
    if (rc >= 0)
        goto done;
    rc = 2;
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        fprintf(stderr, "parapet lambda: AWS_LAMBDA_RUNTIME_API is not set (run this as a "
                        "Lambda custom runtime)\n");
        goto done;
    }
    r->api = api;
    if (!(r->http = pp_http_client_new())) {   /* opens nothing until it is used */
        fprintf(stderr, "parapet lambda: out of memory\n");
        goto done;
    }
    r->rs = pp_hook_opts_load(&r->o);   /* prints why on failure */
    if (!r->rs) {
        char *body = error_json("Runtime.ConfigInvalid", "parapet: the rules failed to load "
                                "(see the function's log)");
        if (body)
            post(r, "/runtime/init/error", body, "Runtime.ConfigInvalid");
        free(body);
        goto done;
    }
    unsigned next_failures = 0;
    while (next_invocation(r, &next_failures) == 0)
        ;
    rc = 1;
done:
    if (r->le_ready > 0)
        pp_lambda_events_free(&r->le);
    pp_ruleset_free(r->rs);
    pp_http_client_free(r->http);
    pp_rt_close(&r->conn);
    pp_hook_opts_free(&r->o);
    free(r);
    return rc;
}
