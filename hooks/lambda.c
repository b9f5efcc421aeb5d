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

static const char usage[] =
    "usage: parapet lambda [OPTIONS]\n"
    "The AWS Lambda custom-runtime loop over $AWS_LAMBDA_RUNTIME_API: each event is a\n"
    "CloudFormation Lambda-hook request, answered with the hook response, or an EventBridge\n"
    "failure event (CloudFormation stack/resource status, ECS deployment/task state), explained\n"
    "and posted to PARAPET_NOTIFY_URL (docs/chatops.md).\n"
    "  --notify-config F    JSON configuration for EventBridge events (or PARAPET_NOTIFY_CONFIG)\n"
    "  --endpoint-url URL   AWS API endpoint for Describe* calls (or AWS_ENDPOINT_URL)\n"
    "  --state LOCATION     state store for EventBridge events: a SQLite file or\n"
    "                       dynamodb://TABLE, shared by every execution environment (or\n"
    "                       PARAPET_STATE; default /tmp/parapet/state.db in Lambda)\n";

int pp_cli_lambda(int argc, char **argv)
{
    pp_hook_opts o;
    pp_hook_opts_init(&o);
    rt r = { .conn = PP_RT_CONN_INIT };
    pp_ruleset *rs = NULL;
    int rc = 2;
    const char *notify_config = NULL, *endpoint = NULL, *state = NULL;
    pp_lambda_events le;
    int le_ready = 0;
    memset(&le, 0, sizeof le);
    for (int i = 1; i < argc; i++) {
        int k = pp_hook_opts_arg(&o, argc, argv, &i);
        if (k < 0)
            goto done;
        if (k > 0)
            continue;
        if (strcmp(argv[i], "--notify-config") == 0 && i + 1 < argc) {
            notify_config = argv[++i];
            continue;
        }
        if ((strcmp(argv[i], "--state") == 0 || strcmp(argv[i], "--state-db") == 0) &&
            i + 1 < argc) {
            state = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--endpoint-url") == 0 && i + 1 < argc) {
            endpoint = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            fputs(pp_hook_opts_help, stdout);
            rc = 0;
            goto done;
        }
        rc = pp_cli_usage("lambda", "unknown option '%s' (see parapet lambda --help)", argv[i]);
        goto done;
    }
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        fprintf(stderr, "parapet lambda: AWS_LAMBDA_RUNTIME_API is not set (run this as a "
                        "Lambda custom runtime)\n");
        goto done;
    }
    r.api = api;
    if (!(r.http = pp_http_client_new())) {   /* opens nothing until it is used */
        fprintf(stderr, "parapet lambda: out of memory\n");
        goto done;
    }
    rs = pp_hook_opts_load(&o);   /* prints why on failure */
    if (!rs) {
        char *body = error_json("Runtime.ConfigInvalid", "parapet: the rules failed to load "
                                "(see the function's log)");
        if (body)
            post(&r, "/runtime/init/error", body, "Runtime.ConfigInvalid");
        free(body);
        goto done;
    }

    unsigned next_failures = 0;
    for (;;) {
        /* No total timeout on /next: the process may be frozen until the next event. */
        pp_rt_opts no = { .connect_timeout_ms = 1000, .timeout_ms = 0,
                          .max_body = PP_HOOK_MAX_REQUEST + (1u << 20) };
        pp_http_resp ev;
        char *err = NULL;
        pp_status st = pp_rt_request(&r.conn, r.api, "GET",
                                     "/" PP_LAMBDA_API_VERSION "/runtime/invocation/next", NULL,
                                     NULL, 0, &no, &ev, &err);
        if (st != PP_OK) {
            fprintf(stderr, "parapet lambda: GET next: %s\n", err ? err : pp_status_name(st));
            free(err);
            rc = 1;
            break;
        }
        if (ev.status == 500) {
            fprintf(stderr, "parapet lambda: the Runtime API answered 500: exiting\n");
            pp_http_resp_free(&ev);
            rc = 1;
            break;
        }
        const char *id = pp_http_resp_header(&ev, "Lambda-Runtime-Aws-Request-Id");
        if (ev.status != 200 || !safe_id(id)) {
            fprintf(stderr, "parapet lambda: GET next answered %ld%s\n", ev.status,
                    ev.status == 200 ? " without a usable request id" : "");
            pp_http_resp_free(&ev);
            if (++next_failures >= PP_LAMBDA_MAX_NEXT_FAILURES) {
                rc = 1;
                break;
            }
            struct timespec ts = { 0, 100 * 1000000L };
            nanosleep(&ts, NULL);
            continue;
        }
        next_failures = 0;
        const char *trace = pp_http_resp_header(&ev, "Lambda-Runtime-Trace-Id");
        if (trace)
            setenv("_X_AMZN_TRACE_ID", trace, 1);
        else
            unsetenv("_X_AMZN_TRACE_ID");
        uint64_t budget = PP_LAMBDA_DEFAULT_BUDGET_MS;
        const char *dl = pp_http_resp_header(&ev, "Lambda-Runtime-Deadline-Ms");
        long long dms;
        if (dl && sscanf(dl, "%lld", &dms) == 1 && dms > 0) {
            uint64_t now = epoch_ms();
            budget = (uint64_t)dms > now + PP_LAMBDA_DEADLINE_MARGIN_MS
                         ? (uint64_t)dms - now - PP_LAMBDA_DEADLINE_MARGIN_MS : 1;
        }
        char *rid = pp_strdup(id);
        json_t *evj = json_loadb(ev.body, ev.len, 0, NULL);
        if (rid && pp_lambda_is_eventbridge(evj)) {
            pp_http_resp_free(&ev);
            int is_error = 0;
            char *answer = NULL;
            if (!le_ready) {
                char *lerr = NULL;
                le_ready = pp_lambda_events_init(&le, notify_config, endpoint, state,
                                                 &lerr) == 0 ? 1
                                                                                          : -1;
                if (le_ready < 0)
                    fprintf(stderr, "parapet lambda: EventBridge events cannot be handled: %s\n",
                            lerr ? lerr : "configuration");
                free(lerr);
            }
            if (le_ready > 0)
                answer = pp_lambda_events_handle(&le, r.http, evj, pp_now_ms() + budget,
                                                 &is_error);
            json_decref(evj);
            char *body = answer && !is_error ? answer
                                             : error_json("Parapet.EventNotHandled",
                                                          answer ? answer : "see the log");
            char *path = pp_asprintf("/runtime/invocation/%s/%s", rid,
                                     answer && !is_error ? "response" : "error");
            long code = body && path ? post(&r, path, body, answer && !is_error
                                                               ? NULL : "Parapet.EventNotHandled")
                                     : -1;
            if (body != answer)
                free(body);
            free(answer);
            free(path);
            free(rid);
            if (code == 500 || code < 0) {
                fprintf(stderr, "parapet lambda: posting the result failed (%ld): exiting\n",
                        code);
                rc = 1;
                break;
            }
            continue;
        }
        json_decref(evj);
        pp_hook_outcome out;
        st = rid ? pp_hook_handle(&o.cfg, rs, r.http, pp_now_ms() + budget, ev.body, ev.len,
                                  &out)
                 : PP_E_NOMEM;
        pp_http_resp_free(&ev);
        long code;
        char *path = NULL;
        if (st != PP_OK || !out.response) {
            char *body = error_json("Runtime.OutOfMemory", "out of memory");
            path = rid ? pp_asprintf("/runtime/invocation/%s/error", rid) : NULL;
            code = body && path ? post(&r, path, body, "Runtime.OutOfMemory") : -1;
            free(body);
        } else if (out.bad_request) {
            /* Not a hook request: Lambda records a function error; the loop goes on. */
            fprintf(stderr, "parapet lambda: %s: %s\n", rid, out.error ? out.error : "bad event");
            char *body = error_json("Parapet.InvalidHookRequest", out.error);
            path = pp_asprintf("/runtime/invocation/%s/error", rid);
            code = body && path ? post(&r, path, body, "Parapet.InvalidHookRequest") : -1;
            free(body);
        } else {
            if (out.error)
                fprintf(stderr, "parapet lambda: %s: %s\n", rid, out.error);
            path = pp_asprintf("/runtime/invocation/%s/response", rid);
            code = path ? post(&r, path, out.response, NULL) : -1;
            if (code == 413) {
                char *body = error_json("Parapet.ResponseTooLarge", "hook response over the "
                                        "Lambda response size limit");
                char *epath = pp_asprintf("/runtime/invocation/%s/error", rid);
                code = body && epath ? post(&r, epath, body, "Parapet.ResponseTooLarge") : -1;
                free(body);
                free(epath);
            }
        }
        if (st == PP_OK)
            pp_hook_outcome_free(&out);
        free(path);
        free(rid);
        if (code == 500 || code < 0) {
            fprintf(stderr, "parapet lambda: posting the result failed (%ld): exiting\n", code);
            rc = 1;
            break;
        }
    }
done:
    if (le_ready > 0)
        pp_lambda_events_free(&le);
    pp_ruleset_free(rs);
    pp_http_client_free(r.http);
    pp_rt_close(&r.conn);
    pp_hook_opts_free(&o);
    return rc;
}
