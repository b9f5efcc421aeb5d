/* serve_routes.c — `parapet serve`'s per-thread workers, responses, and the evaluating
 * routes: POST /hook (cfn_hook.h) and POST /v1/check (engine/check.h), on the thread's own
 * rule set (serve_int.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/check.h"
#include "engine/base/json_write.h"
#include "engine/base/crypto.h"
#include "engine/base/util.h"
#include "hooks/cfn_hook.h"
#include "hooks/cli.h"
#include "hooks/serve_int.h"

/* ---- workers --------------------------------------------------------------------------- */

void pp_serve_worker_free(void *p)
{
    pp_serve_worker *w = p;
    if (!w)
        return;
    pp_ruleset_free(w->rs);
    pp_http_client_free(w->http);
    pp_state_close(w->state);
    pp_kb_free(w->kb);
    free(w);
}

pp_serve_worker *pp_serve_get_worker(pp_server *s, char **err)
{
    pp_serve_worker *w = pthread_getspecific(s->key);
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
        pp_serve_worker_free(w);
        return NULL;
    }
    atomic_fetch_add(&s->m.rulesets, 1);
    return w;
}

/* ---- responses ------------------------------------------------------------------------- */

enum MHD_Result pp_serve_reply(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c,
                               unsigned code,
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
    pp_serve_count_request(s, k->route, code);
    if (k->evaluated)
        pp_serve_count_latency(s, k->route, pp_now_us() - k->t0_us);
    return ret;
}

char *pp_serve_error_body(const char *code, const char *message)
{
    json_t *o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
                          message ? message : "");
    if (!o) /* a message that is not UTF-8 */
        o = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", "(unprintable)");
    char *s = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

enum MHD_Result pp_serve_reply_error(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c,
                                     unsigned code,
                                   const char *ecode, const char *msg)
{
    return pp_serve_reply(s, k, c, code, "application/json", pp_serve_error_body(ecode, msg),
                 code == MHD_HTTP_UNAUTHORIZED ? MHD_HTTP_HEADER_WWW_AUTHENTICATE : NULL,
                 "Bearer");
}

/* ---- routes ---------------------------------------------------------------------------- */

int pp_serve_route_of(const char *url)
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

int pp_serve_authorized(pp_server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    return n == s->token_len && pp_ct_memeq(h, s->token, n);
}

/* The worker for an evaluating route (counted in the latency histogram), or NULL with the
 * 503 already queued in *r. */
static pp_serve_worker *evaluating_worker(pp_server *s, pp_serve_conn *k,
                                          struct MHD_Connection *c, enum MHD_Result *r)
{
    char *err = NULL;
    k->evaluated = 1;
    pp_serve_worker *w = pp_serve_get_worker(s, &err);
    if (!w)
        *r = pp_serve_reply_error(s, k, c, MHD_HTTP_SERVICE_UNAVAILABLE, "rules_unavailable",
                                  err ? err : "rule set could not be built");
    free(err);
    return w;
}

enum MHD_Result pp_serve_do_hook(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c)
{
    enum MHD_Result r;
    pp_serve_worker *w = evaluating_worker(s, k, c, &r);
    if (!w)
        return r;
    pp_hook_outcome out;
    uint64_t deadline = pp_now_ms() + (uint64_t)s->deadline_ms;
    pp_status st = pp_hook_handle(&s->opts.cfg, w->rs, w->http, deadline,
                                  k->body.data ? k->body.data : "", k->body.len, &out);
    if (st != PP_OK || !out.response) {
        pp_hook_outcome_free(&out);
        return pp_serve_reply_error(s, k, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                    "out of memory");
    }
    atomic_fetch_add(&s->m.rule_errors, out.rule_errors);
    atomic_fetch_add(&s->m.verdicts[out.verdict], 1);
    if (out.bad_request) {
        r = pp_serve_reply_error(s, k, c, MHD_HTTP_BAD_REQUEST, "bad_request", out.error);
    } else {
        r = pp_serve_reply(s, k, c, MHD_HTTP_OK, "application/json", out.response, NULL, NULL);
        out.response = NULL;
    }
    pp_hook_outcome_free(&out);
    return r;
}

enum MHD_Result pp_serve_do_check(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c)
{
    char *err = NULL;
    enum MHD_Result r;
    pp_serve_worker *w = evaluating_worker(s, k, c, &r);
    if (!w)
        return r;
    const char *fq = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
    const char *sp = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "show_passed");
    static const char *const ctypes[] = {
        [PP_OUT_TEXT] = "text/plain; charset=utf-8", [PP_OUT_JSON] = "application/json",
        [PP_OUT_SARIF] = "application/sarif+json", [PP_OUT_JUNIT] = "application/xml",
        [PP_OUT_CODEQUALITY] = "application/json",
    };
    pp_format fmt = PP_OUT_JSON;
    if (fq && pp_format_parse(fq, &fmt) != 0)
        return pp_serve_reply_error(s, k, c, MHD_HTTP_BAD_REQUEST, "bad_request",
                           "format must be json, sarif, junit, codequality or text");
    const char *ctype = ctypes[fmt];
    int show_passed = sp && (strcmp(sp, "1") == 0 || strcmp(sp, "true") == 0);
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
        r = pp_serve_reply_error(s, k, c,
                                 input ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_INTERNAL_SERVER_ERROR,
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
        r = pp_serve_reply_error(s, k, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                 "report failed");
        goto done;
    }
    int failing = pp_report_failing(rep, s->opts.fail_on, s->opts.sel.unknown);
    r = pp_serve_reply(s, k, c, MHD_HTTP_OK, ctype, buf, "X-Parapet-Failing", failing ? "1" : "0");
done:
    free(err);
    pp_check_free(&chk);
    return r;
}

