/* cli_live.c — options and output of the live AWS commands, and `parapet watch` (see
 * cli_live.h).
 *
 * watch: polls DescribeStackEvents of the stack's latest operation, prints each new event
 * (oldest first), and as soon as a resource fails runs the same fetch and advisor as
 * `explain --stack` and prints the explanation once (posting it through the outbox with
 * --notify). Exit: 0 the operation completed, 1 it failed or rolled back, 2 usage or AWS
 * error, 130 interrupted (SIGINT/SIGTERM).
 */
#include "hooks/cli_live.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advisor/explain.h"
#include "advisor/kb.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/aws.h"
#include "engine/net/creds.h"
#include "hooks/cli.h"
#include "hooks/notify.h"

#define LIVE_DEADLINE_MS 120000
#define WATCH_MAX_INTERVAL_MS 30000


int pp_cli_aws_opt(void *aws, const pp_opts *p)
{
    pp_cli_aws *a = aws;
    switch (p->id) {   /* the table refuses empty values */
    case PP_O_VERBOSE: a->verbose = 1; return 0;
    case PP_O_PROFILE: a->profile = p->val; return 0;
    case PP_O_REGION: a->region = p->val; return 0;
    case PP_O_ENDPOINT_URL: a->endpoint = p->val; return 0;
    default: return -1;
    }
}

static pp_status open_session(const pp_cli_aws *a, pp_aws_session **s, char **err)
{
    pp_aws_session_opts so = { .profile = a->profile, .region = a->region,
                               .endpoint_url = a->endpoint };
    pp_status st = pp_aws_session_new(&so, s, err);
    if (st == PP_OK && !pp_aws_session_region(*s)) {
        st = pp_err(err, PP_E_USAGE, "no AWS region: pass --region, set AWS_REGION or give "
                    "profile %s a region", pp_aws_session_profile(*s));
        pp_aws_session_free(*s);
        *s = NULL;
    }
    return st;
}

static void ingest_docs(pp_evset *set, const pp_live_result *live, const char *stack)
{
    size_t i;
    json_t *d;
    char name[300];
    snprintf(name, sizeof name, "aws:%s", stack);
    json_array_foreach(live->docs, i, d) {
        char *s = pp_json_dumps(d, JSON_COMPACT);
        char *err = NULL;
        if (s && pp_evset_ingest_buf(set, name, s, strlen(s), &err) != PP_OK)
            fprintf(stderr, "parapet: warning: %s\n", err ? err : "an answer was not read");
        free(s);
        free(err);
    }
}

static int live_fetch(const pp_cli_aws *a, pp_kb *kb, pp_aws_session *sess,
                      pp_http_client *http, const char *cmd, const char *stack, pp_evset *set,
                      pp_live_result *live)
{
    pp_live_opts lo = { .session = sess, .http = http, .kb = kb,
                        .deadline_ms = pp_now_ms() + LIVE_DEADLINE_MS };
    pp_status st = pp_live_fetch_stack(&lo, stack, live);
    if (a->verbose)
        fprintf(stderr, "parapet %s: credentials from %s; region %s; read %u stack(s), %u "
                "task(s), %u log stream(s), %u CloudTrail event(s)\n", cmd,
                *pp_aws_session_source(sess) ? pp_aws_session_source(sess) : "(none)",
                pp_aws_session_region(sess), live->stacks, live->tasks, live->log_streams,
                live->trail_events);
    if (st != PP_OK) {
        fprintf(stderr, "parapet %s: %s\n", cmd, live->nmissing ? live->missing[0]
                                                                 : pp_status_name(st));
        return 2;
    }
    ingest_docs(set, live, stack);
    return 0;
}

int pp_cli_live_fetch(const pp_cli_aws *a, pp_kb *kb, const char *cmd, const char *stack,
                      pp_evset *set, pp_live_result *live)
{
    memset(live, 0, sizeof *live);
    pp_aws_session *sess = NULL;
    char *err = NULL;
    if (pp_http_global_init() != PP_OK) {
        fprintf(stderr, "parapet %s: libcurl failed to initialise\n", cmd);
        return 2;
    }
    if (open_session(a, &sess, &err) != PP_OK) {
        fprintf(stderr, "parapet %s: %s\n", cmd, err ? err : "no AWS session");
        free(err);
        return 2;
    }
    pp_http_client *http = pp_http_client_new();
    int rc = live_fetch(a, kb, sess, http, cmd, stack, set, live);
    pp_http_client_free(http);
    pp_aws_session_free(sess);
    return rc;
}

json_t *pp_cli_live_explain(const pp_cli_aws *a, pp_http_client *http, pp_kb *kb,
                            const char *stack, uint64_t deadline_ms, char **err)
{
    pp_aws_session *sess = NULL;
    if (open_session(a, &sess, err) != PP_OK)
        return NULL;
    pp_live_opts lo = { .session = sess, .http = http, .deadline_ms = deadline_ms,
                        .timeout_ms = 2000, .kb = kb };
    pp_live_result live;
    json_t *doc = NULL;
    if (pp_live_fetch_stack(&lo, stack, &live) != PP_OK) {
        pp_err(err, PP_E_HTTP, "%s", live.nmissing ? live.missing[0] : "the stack could not be "
               "read");
    } else {
        pp_evset set;
        pp_evset_init(&set, NULL);
        ingest_docs(&set, &live, stack);
        pp_explain x;
        if (pp_explain_run(&set, kb, &x) == PP_OK) {
            x.label_fixes = 1;
            doc = pp_cli_live_locate(&x, &live) == PP_OK ? pp_explain_json(&x) : NULL;
            if (doc)
                pp_cli_live_annotate(doc, &live);
            pp_explain_free(&x);
        }
        pp_evset_free(&set);
        if (!doc)
            pp_err(err, PP_E_NOMEM, "out of memory");
    }
    pp_live_result_free(&live);
    pp_aws_session_free(sess);
    return doc;
}

pp_status pp_cli_live_locate(pp_explain *x, const pp_live_result *live)
{
    size_t i;
    json_t *t;
    pp_limits lim = PP_LIMITS_DEFAULT;
    json_array_foreach(live->templates, i, t) {
        const char *name = json_string_value(json_object_get(t, "stack_name"));
        const char *id = json_string_value(json_object_get(t, "stack_id"));
        json_t *b = json_object_get(t, "body");
        char *file = pp_asprintf("stack %s (submitted template)", name ? name : "?");
        if (!file)
            return PP_E_NOMEM;
        pp_status ls = PP_OK;
        char *err = NULL;
        pp_doc *doc = pp_doc_load(file, json_string_value(b), json_string_length(b),
                                  PP_FMT_AUTO, &lim, &ls, &err);
        pp_status st = PP_OK;
        if (doc)
            st = pp_explain_locate_stack(x, doc, json_string_value(b), json_string_length(b),
                                         name, id);
        else if (ls == PP_E_NOMEM)
            st = PP_E_NOMEM;
        else   /* a template CloudFormation took but Parapet cannot read: no location */
            fprintf(stderr, "parapet: warning: %s\n", err ? err : pp_status_name(ls));
        free(err);
        pp_doc_free(doc);
        free(file);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

void pp_cli_live_annotate(json_t *doc, const pp_live_result *live)
{
    json_t *nf = json_array();
    for (size_t i = 0; i < live->nmissing; i++)
        json_array_append_new(nf, json_string(live->missing[i]));
    json_object_set_new(doc, "not_fetched", nf);
    json_object_set_new(doc, "fetched", json_pack("{s:i,s:i,s:i,s:i,s:i}", "stacks",
                                                  (int)live->stacks, "tasks", (int)live->tasks,
                                                  "log_streams", (int)live->log_streams,
                                                  "cloudtrail_events",
                                                  (int)live->trail_events, "templates",
                                                  (int)json_array_size(live->templates)));
}

void pp_cli_live_print_missing(FILE *f, const pp_live_result *live, int md)
{
    if (!live->nmissing)
        return;
    fputs(md ? "## Not fetched\n\nThe explanation above uses what was fetched.\n\n"
             : "Not fetched (the explanation above uses what was):\n", f);
    for (size_t i = 0; i < live->nmissing; i++) {
        char *c = pp_term_clean(live->missing[i], strlen(live->missing[i]), 0);
        fprintf(f, md ? "- %s\n" : "  - %s\n", c ? c : "");
        free(c);
    }
    if (live->missing_dropped)
        fprintf(f, md ? "- … and %zu more\n" : "  … and %zu more\n", live->missing_dropped);
    fputs("\n", f);
}

/* ---- watch ----------------------------------------------------------------------------- */

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int stack_own(json_t *ev)
{
    const char *t = jstr(ev, "ResourceType"), *lid = jstr(ev, "LogicalResourceId");
    const char *name = jstr(ev, "StackName");
    return t && strcmp(t, "AWS::CloudFormation::Stack") == 0 && lid && name &&
           strcmp(lid, name) == 0;
}

/* 0 still running, 1 done and succeeded, 2 done and failed. */
static int terminal(json_t *ev)
{
    if (!stack_own(ev))
        return 0;
    const char *s = jstr(ev, "ResourceStatus");
    if (!s || strstr(s, "IN_PROGRESS"))
        return 0;
    if (strstr(s, "FAILED") || strstr(s, "ROLLBACK"))
        return 2;
    return strstr(s, "COMPLETE") ? 1 : 0;
}

typedef struct watch {
    pp_cli_aws aws;
    const char *stack, *format, *kbopt, *notify_to, *url, *state_path;
    long interval_ms, timeout_ms;
    int tty, json, explained;
    json_t *seen;               /* {EventId: true} */
    unsigned nprinted;
    pp_aws_session *sess;
    pp_http_client *http;
    pp_kb *kb;
} watch;

static void print_event(watch *w, json_t *ev)
{
    const char *st = jstr(ev, "ResourceStatus");
    if (w->json) {
        json_t *o = json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "type", "event",
                              "timestamp", jstr(ev, "Timestamp"), "stack", jstr(ev, "StackName"),
                              "logical_id", jstr(ev, "LogicalResourceId"), "physical_id",
                              jstr(ev, "PhysicalResourceId"), "resource_type",
                              jstr(ev, "ResourceType"), "status", st, "reason",
                              jstr(ev, "ResourceStatusReason"));
        char *s = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
        if (s)
            puts(s);
        free(s);
        json_decref(o);
        fflush(stdout);
        return;
    }
    const char *fields[5] = { jstr(ev, "Timestamp"), jstr(ev, "LogicalResourceId"),
                              jstr(ev, "ResourceType"), st, jstr(ev, "ResourceStatusReason") };
    char *c[5];
    for (int i = 0; i < 5; i++)
        c[i] = fields[i] ? pp_term_clean(fields[i], strlen(fields[i]), 0) : NULL;
    if (w->tty) {
        const char *col = !st ? "" : strstr(st, "FAILED") ? "\033[31m"
                                 : strstr(st, "ROLLBACK") ? "\033[33m"
                                 : strstr(st, "COMPLETE") ? "\033[32m" : "\033[36m";
        const char *mark = !st ? " " : strstr(st, "FAILED") ? "x" : strstr(st, "IN_PROGRESS")
                                                                    ? "~" : strstr(st, "COMPLETE")
                                                                    ? "+" : " ";
        /* "\r\033[K" wipes the status line the previous poll left */
        printf("\r\033[K%s%s %-28s %-34s %s\033[0m%s%s\n", col, mark, c[1] ? c[1] : "",
               c[2] ? c[2] : "", c[3] ? c[3] : "", c[4] ? "  " : "", c[4] ? c[4] : "");
    } else {
        printf("%s %s %s %s%s%s\n", c[0] ? c[0] : "-", c[1] ? c[1] : "-", c[2] ? c[2] : "-",
               c[3] ? c[3] : "-", c[4] ? " " : "", c[4] ? c[4] : "");
    }
    for (int i = 0; i < 5; i++)
        free(c[i]);
    fflush(stdout);
}

static void notify(watch *w, json_t *doc)
{
    if (!w->notify_to)
        return;
    pp_notify_cfg cfg = { .target = (pp_chat_target)pp_chat_target_parse(w->notify_to),
                          .url = w->url, .deadline_ms = pp_now_ms() + 30000, .quiet = 1 };
    pp_notify_cfg_defaults(&cfg);
    char *def = w->state_path ? NULL : pp_state_default_location();
    pp_state *st = NULL;
    char *err = NULL;
    pp_notify_result res = { 0 };
    if (pp_state_open(w->state_path ? w->state_path : def, &st, &err) != PP_OK ||
        pp_notify_queue(st, &cfg, doc, &res, &err) != PP_OK ||
        pp_notify_flush(st, &cfg, w->http, &res, &err) != PP_OK)
        fprintf(stderr, "parapet watch: notify: %s\n", err ? err : "failed");
    else if (res.pending || res.failed)
        fprintf(stderr, "parapet watch: notify: %zu message(s) not delivered (%s); `parapet "
                "notify --flush` retries\n", res.pending + res.failed,
                res.failed ? "refused" : "pending");
    free(err);
    free(def);
    pp_state_close(st);
}

/* Runs the whole live explanation once and prints it. */
static void explain_now(watch *w)
{
    pp_evset set;
    pp_evset_init(&set, NULL);
    pp_live_result live;
    memset(&live, 0, sizeof live);
    if (live_fetch(&w->aws, w->kb, w->sess, w->http, "watch", w->stack, &set, &live) != 0) {
        pp_live_result_free(&live);
        pp_evset_free(&set);
        return;
    }
    pp_explain x;
    if (pp_explain_run(&set, w->kb, &x) == PP_OK) {
        x.label_fixes = 1;
        json_t *doc = pp_cli_live_locate(&x, &live) == PP_OK ? pp_explain_json(&x) : NULL;
        if (doc && x.nroots) {
            w->explained = 1;
            pp_cli_live_annotate(doc, &live);
            if (w->json) {
                json_t *o = json_pack("{s:s,s:O}", "type", "explanation", "explain", doc);
                char *s = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
                if (s)
                    puts(s);
                free(s);
                json_decref(o);
            } else {
                char *s = pp_explain_render(&x, PP_EXPLAIN_TEXT);
                if (w->tty)
                    fputs("\r\033[K", stdout);
                fputs("\n", stdout);
                if (s)
                    fputs(s, stdout);
                free(s);
                pp_cli_live_print_missing(stdout, &live, 0);
            }
            fflush(stdout);
            notify(w, doc);
        }
        json_decref(doc);
        pp_explain_free(&x);
    }
    pp_live_result_free(&live);
    pp_evset_free(&set);
}

/* Sleeps up to ms, waking for a signal. 1 when interrupted. */
static int nap(long ms)
{
    while (ms > 0 && !g_stop) {
        long step = ms > 100 ? 100 : ms;
        struct timespec ts = { 0, step * 1000000L };
        nanosleep(&ts, NULL);
        ms -= step;
    }
    return g_stop != 0;
}

static int watch_loop(watch *w)
{
    pp_aws_client c;
    char *err = NULL;
    if (pp_aws_client_init(&c, w->sess, w->http, PP_SVC_CLOUDFORMATION, NULL, &err) != PP_OK) {
        fprintf(stderr, "parapet watch: %s\n", err ? err : "no client");
        free(err);
        pp_aws_client_free(&c);
        return 2;
    }
    c.timeout_ms = 10000;
    uint64_t start = pp_now_ms();
    long interval = w->interval_ms;
    int first = 1, rc = -1;
    while (rc < 0) {
        if (g_stop) {
            rc = 130;
            break;
        }
        json_t *doc = NULL;
        int truncated = 0;
        c.deadline_ms = pp_now_ms() + 60000;
        pp_status st = pp_aws_cfn_stack_events(&c, w->stack, first ? 20 : 1, 1, &doc,
                                               &truncated, &err);
        if (st != PP_OK && first) {
            fprintf(stderr, "parapet watch: %s\n", err ? err : pp_status_name(st));
            json_decref(doc);
            rc = 2;
            break;
        }
        if (st != PP_OK) {   /* a later poll failed: say so, keep following */
            fprintf(stderr, "parapet watch: %s (will retry)\n", err ? err : pp_status_name(st));
            interval = interval * 2 > WATCH_MAX_INTERVAL_MS ? WATCH_MAX_INTERVAL_MS
                                                            : interval * 2;
        }
        PP_FREE(err);
        json_t *events = json_object_get(doc, "StackEvents");
        size_t n = json_array_size(events), fresh = 0;
        int done = 0, failed_now = 0;
        for (size_t k = n; k-- > 0;) {   /* oldest first */
            json_t *ev = json_array_get(events, k);
            const char *id = jstr(ev, "EventId");
            if (!id || json_object_get(w->seen, id))
                continue;
            json_object_set_new(w->seen, id, json_true());
            fresh++;
            print_event(w, ev);
            const char *s = jstr(ev, "ResourceStatus");
            if (s && strstr(s, "FAILED"))
                failed_now = 1;
            int t = terminal(ev);
            if (t)
                done = t;
        }
        json_decref(doc);
        if (failed_now && !w->explained)
            explain_now(w);
        if (done) {
            if (done == 2 && !w->explained)
                explain_now(w);
            rc = done == 1 ? 0 : 1;
            break;
        }
        first = 0;
        if (w->timeout_ms && pp_now_ms() - start > (uint64_t)w->timeout_ms) {
            fprintf(stderr, "parapet watch: gave up after %ld s; the operation is still "
                    "running\n", w->timeout_ms / 1000);
            rc = 2;
            break;
        }
        if (fresh)
            interval = w->interval_ms;
        else if (st == PP_OK)
            interval = interval + interval / 2 > WATCH_MAX_INTERVAL_MS ? WATCH_MAX_INTERVAL_MS
                                                                        : interval + interval / 2;
        if (w->tty && !w->json) {
            printf("\r\033[K  … %s: %u s, next look in %ld s", w->stack,
                   (unsigned)((pp_now_ms() - start) / 1000), (interval + 999) / 1000);
            fflush(stdout);
        }
        if (nap(interval))
            rc = 130;
    }
    if (w->tty && !w->json)
        fputs("\r\033[K", stdout);
    if (rc == 130) {
        if (w->json)
            puts("{\"type\":\"result\",\"status\":\"interrupted\",\"exit\":130}");
        else
            printf("interrupted: stopped watching %s (the operation goes on)\n", w->stack);
    } else if (rc == 0 || rc == 1) {
        if (w->json)
            printf("{\"type\":\"result\",\"status\":\"%s\",\"exit\":%d}\n",
                   rc ? "failed" : "complete", rc);
        else
            printf("%s: the operation %s\n", w->stack, rc ? "failed" : "completed");
    }
    fflush(stdout);
    pp_aws_client_free(&c);
    return rc;
}

/* One option or argument of `watch` (hooks/opt.h). */
static int watch_opt(void *ctx, const pp_opts *p)
{
    watch *w = ctx;
    switch (p->id) {
    case PP_O_FORMAT: w->format = p->val; return 0;
    case PP_O_NOTIFY: w->notify_to = p->val; return 0;
    case PP_O_URL: w->url = p->val; return 0;
    case PP_O_STATE: w->state_path = p->val; return 0;
    case PP_O_KB: w->kbopt = p->val; return 0;
    case PP_O_TIMEOUT: w->timeout_ms = p->num * 1000; return 0;
    case PP_O_INTERVAL: {
        /* tenths allowed so that tests need not wait: "0.2" */
        char *end = NULL;
        double d = strtod(p->val, &end);
        if (end == p->val || *end || !(d >= 0.05 && d <= 3600))
            return pp_opts_error(p, "%s expects seconds from 0.05 to 3600, not '%s'", p->name,
                                 p->val);
        w->interval_ms = (long)(d * 1000);
        return 0;
    }
    case PP_O_ARG:
        if (w->stack)
            return pp_opts_error(p, "one STACK only");
        w->stack = p->val;
        return 0;
    default:
        return -1;
    }
}

int pp_cli_watch(int argc, char **argv)
{
    watch w;
    memset(&w, 0, sizeof w);
    w.format = "text";
    w.interval_ms = 5000;
    w.timeout_ms = 4L * 3600 * 1000;
    pp_opt_taker takers[] = {{pp_cli_aws_opt, &w.aws}, {watch_opt, &w}};
    int pr = pp_opts_parse(PP_CMD_WATCH, argc, argv, takers, PP_ARRAY_LEN(takers));
    if (pr >= 0)
        return pr;
    if (!w.stack) {
        pp_opts_usage(PP_CMD_WATCH, stderr);
        return 2;
    }
    if (w.notify_to && !w.url && getenv("PARAPET_NOTIFY_URL") && *getenv("PARAPET_NOTIFY_URL"))
        w.url = getenv("PARAPET_NOTIFY_URL");
    if (w.notify_to && !w.url)
        return pp_cli_usage("watch", "--notify needs --url or PARAPET_NOTIFY_URL");
    char *err = NULL;
    if (w.url && pp_notify_url_ok(w.url, &err) != 0) {
        int r = pp_cli_usage("watch", "%s", err);
        free(err);
        return r;
    }
    w.json = strcmp(w.format, "json") == 0;
    w.tty = pp_cli_color(STDOUT_FILENO);   /* colour and the live status line together */
    int rc = 0;
    w.kb = pp_cli_open_kb(w.kbopt, &rc);
    if (!w.kb)
        return rc;
    if (pp_http_global_init() != PP_OK || open_session(&w.aws, &w.sess, &err) != PP_OK) {
        fprintf(stderr, "parapet watch: %s\n", err ? err : "libcurl failed to initialise");
        free(err);
        pp_kb_free(w.kb);
        return 2;
    }
    w.http = pp_http_client_new();
    w.seen = json_object();
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    rc = watch_loop(&w);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    json_decref(w.seen);
    pp_http_client_free(w.http);
    pp_aws_session_free(w.sess);
    pp_kb_free(w.kb);
    return rc;
}
