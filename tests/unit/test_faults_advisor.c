/* test_faults_advisor.c — the allocation-failure sweep over the advisor (tests/unit/faults.h,
 * docs/internals.md "Fault injection"): KB matching and template filling (pp_kb_match,
 * pp_kb_fill, pp_kb_fill_command), a whole explanation (ingest, pp_explain_run, the JSON
 * document, text and Markdown), and the chat messages notify builds from it (pp_chat_split,
 * pp_chat_render for Slack, Teams and the webhook). Each run must end with PP_E_NOMEM (or a
 * NULL result where NULL means NOMEM) or with exactly the clean run's output, and free what
 * it allocated. PARAPET_FAULTS_ONLY / _N / _FULL / _TRACE work as in test_faults.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/kb.h"
#include "advisor/kb_match.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "hooks/chat.h"
#include "tests/unit/unit_files.h"

#include "faults_san.h"

#ifndef PP_FAULTS_SANITIZED

#include "faults.h"

#include "kb_fixture.h"

static char *read_root_file(const char *rel, size_t *len)
{
    return pp_test_read(rel, 1u << 22, len);
}

/* The clean run's text is kept in *ref; later runs must give NULL (NOMEM, with a status that
 * says so) or the same text. */
static outcome judge_text(int clean, const char *what, pp_status st, char *got, char **ref)
{
    outcome o = OUT_SAME;
    if (clean) {
        if (st != PP_OK || !got)
            fail_msg("clean %s failed: %s", what, pp_status_name(st));
        *ref = got;
        return OUT_SAME;
    }
    if (st != PP_OK) {
        if (st != PP_E_NOMEM)
            problem("%s returned %s, expected PP_E_NOMEM", what, pp_status_name(st));
        o = OUT_ERROR;
    } else if (!got) {
        problem("%s: PP_OK without a result", what);
    } else if (strcmp(got, *ref) != 0) {
        size_t i = 0;
        while (got[i] && got[i] == (*ref)[i])
            i++;
        problem("%s differs from the clean run at byte %zu: '%.60s' vs '%.60s'", what, i,
                got + i, *ref + i);
    }
    free(got);
    return o;
}

/* ---- (1): KB matching and filling --------------------------------------------------- */

typedef struct kb_ctx {
    char *ref;
} kb_ctx;

static const struct {
    const char *text, *type, *status;
} KB_MESSAGES[] = {
    {"my-assets already exists (Service: Amazon S3; Status Code: 409; Error Code: "
     "BucketAlreadyExists; Request ID: 1)", "AWS::S3::Bucket", "CREATE_FAILED"},
    {"Resource handler returned message: \"User: arn:aws:sts::1:assumed-role/deploy/x is not "
     "authorized to perform: ecs:CreateService on resource: arn:aws:ecs:eu-west-1:1:service/"
     "prod/api because no identity-based policy allows the ecs:CreateService action\" "
     "(RequestToken: t, HandlerErrorCode: AccessDenied)", "AWS::ECS::Service", "CREATE_FAILED"},
    {"No export named prod:Vpc found. Rollback requested by user.", NULL, "CREATE_FAILED"},
    {"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
     "resolve ref 1.dkr.ecr.eu-west-1.amazonaws.com/app:latest: not found", "AWS::ECS::Task",
     "STOPPED"},
    {"The maximum number of addresses has been reached. (Service: Ec2, Status Code: 400)",
     "AWS::EC2::EIP", "CREATE_FAILED"},
};

static void fill_all(pp_buf *b, json_t *list, const pp_kb_hit *h, const pp_event *ev, int shell,
                     pp_status *st)
{
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t) {
        char *f = NULL;
        pp_status s = shell ? pp_kb_fill_command(json_string_value(t), h, ev, &f)
                            : pp_kb_fill(json_string_value(t), h, ev, &f);
        if (s != PP_OK) {
            *st = s;
            return;
        }
        pp_buf_printf(b, "%s: %s\n", shell ? "cmd" : "fix", f);
        free(f);
    }
}

static outcome run_kb(scenario *s, int clean)
{
    kb_ctx *c = s->ctx;
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_status st = PP_OK;
    pp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.stack = "web";
    ev.logical_id = "Assets";
    ev.cluster = "prod";
    ev.exit_code = PP_EXIT_CODE_NONE;
    for (size_t i = 0; i < PP_ARRAY_LEN(KB_MESSAGES) && st == PP_OK; i++) {
        pp_kb_hit h;
        pp_status ms = pp_kb_match(g_kb, KB_MESSAGES[i].text, KB_MESSAGES[i].type,
                                   KB_MESSAGES[i].status, &h);
        if (ms == PP_E_NOTFOUND) {
            pp_buf_printf(&b, "%zu: none\n", i);
            continue;
        }
        if (ms != PP_OK) {
            st = ms;
            break;
        }
        const pp_kb_entry *e = &g_kb->e[h.entry];
        pp_buf_printf(&b, "%zu: %s %d\n", i, e->id, h.score);
        for (size_t k = 0; k < h.ncaps; k++)
            pp_buf_printf(&b, "  %s=%s\n", h.caps[k].name, h.caps[k].value);
        char *why = NULL;
        st = pp_kb_fill(e->explanation, &h, &ev, &why);
        if (st == PP_OK)
            pp_buf_printf(&b, "why: %s\n", why);
        free(why);
        if (st == PP_OK)
            fill_all(&b, e->fix, &h, &ev, 0, &st);
        if (st == PP_OK)
            fill_all(&b, e->commands, &h, &ev, 1, &st);
        pp_kb_hit_free(&h);
    }
    char *got = st == PP_OK ? pp_buf_finish(&b) : NULL;
    if (st != PP_OK)
        pp_buf_free(&b);
    else if (!got)
        st = PP_E_NOMEM;   /* the test's own text */
    fi_stop_failing();
    return judge_text(clean, "KB matching", st, got, &c->ref);
}

/* ---- (2): a whole explanation ------------------------------------------------------- */

typedef struct explain_ctx {
    const char *name;
    char *input;
    size_t len;
    char *ref;
} explain_ctx;

static outcome run_explain(scenario *s, int clean)
{
    explain_ctx *c = s->ctx;
    pp_evset set;
    pp_evset_init(&set, NULL);
    char *err = NULL, *got = NULL;
    pp_explain x;
    memset(&x, 0, sizeof x);
    pp_status st = pp_evset_ingest_buf(&set, c->name, c->input, c->len, &err);
    if (st == PP_OK)
        st = pp_explain_run(&set, g_kb, &x);
    if (st == PP_OK) {
        json_t *doc = pp_explain_json(&x);
        char *js = doc ? pp_json_dumps(doc, JSON_INDENT(2)) : NULL;
        json_decref(doc);
        char *txt = js ? pp_explain_render(&x, PP_EXPLAIN_TEXT) : NULL;
        char *md = txt ? pp_explain_render(&x, PP_EXPLAIN_MARKDOWN) : NULL;
        got = md ? pp_asprintf("%s\n---\n%s\n---\n%s", js, txt, md) : NULL;
        if (!got)
            st = PP_E_NOMEM;
        free(js);
        free(txt);
        free(md);
    }
    pp_explain_free(&x);
    pp_evset_free(&set);
    if (st == PP_E_NOMEM && err && !strstr(err, "out of memory"))
        problem("NOMEM reported as '%s'", err);
    free(err);
    fi_stop_failing();
    return judge_text(clean, "explain", st, got, &c->ref);
}

/* ---- (3): notify's messages ---------------------------------------------------------- */

typedef struct notify_ctx {
    json_t *doc;   /* the explain document, built before the window */
    char *ref;
} notify_ctx;

static outcome run_notify(scenario *s, int clean)
{
    notify_ctx *c = s->ctx;
    pp_chat_scope *sc = NULL;
    size_t n = 0;
    char *err = NULL;
    pp_status st = pp_chat_split(c->doc, &sc, &n, &err);
    pp_buf b;
    pp_buf_init(&b, 0);
    static const pp_chat_target targets[] = {PP_CHAT_SLACK, PP_CHAT_TEAMS, PP_CHAT_WEBHOOK};
    for (size_t i = 0; i < n && st == PP_OK; i++) {
        pp_buf_printf(&b, "scope %s root %s\n", sc[i].scope, sc[i].root_id);
        for (size_t t = 0; t < PP_ARRAY_LEN(targets) && st == PP_OK; t++) {
            json_t *m = pp_chat_render(&sc[i], targets[t]);
            char *txt = m ? pp_json_dumps(m, JSON_COMPACT) : NULL;
            json_decref(m);
            if (!txt)
                st = PP_E_NOMEM;
            else
                pp_buf_printf(&b, "%s\n", txt);
            free(txt);
        }
        json_t *reply = st == PP_OK ? pp_chat_slack_reply(sc[i].doc, sc[i].scope) : NULL;
        char *txt = reply ? pp_json_dumps(reply, JSON_COMPACT) : NULL;
        json_decref(reply);
        if (st == PP_OK && !txt)
            st = PP_E_NOMEM;
        else if (txt)
            pp_buf_printf(&b, "%s\n", txt);
        free(txt);
    }
    pp_chat_scopes_free(sc, n);
    free(err);
    char *got = st == PP_OK ? pp_buf_finish(&b) : NULL;
    if (st != PP_OK)
        pp_buf_free(&b);
    else if (!got)
        st = PP_E_NOMEM;
    fi_stop_failing();
    return judge_text(clean, "notify messages", st, got, &c->ref);
}

/* ---- the tests ---------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    pp_json_init();
    return kb_fixture_load();
}

static void test_kb(void **state)
{
    (void)state;
    kb_ctx c = {0};
    scenario s = {.name = "kb", .run = run_kb, .ctx = &c};
    sweep(&s, 3000, 7, 31);
    free(c.ref);
}

static void explain_scenario(const char *sname, const char *file, long dense, long stride,
                             long sticky_stride)
{
    char *rel = pp_asprintf("tests/cases/explain/%s", file);
    explain_ctx c = {.name = file};
    c.input = read_root_file(rel, &c.len);
    scenario s = {.name = sname, .run = run_explain, .ctx = &c};
    sweep(&s, dense, stride, sticky_stride);
    free(c.ref);
    free(c.input);
    free(rel);
}

/* A handler-wrapped Lambda failure (anatomy), its rollback; an EIP quota with cancelled
 * siblings (KB match, cascades); an ECS OOM kill behind a circuit breaker. */
static void test_explain(void **state)
{
    (void)state;
    explain_scenario("explain-cfn", "eventbridge-cfn-runtime.jsonl", 3000, 7, 61);
    explain_scenario("explain-eip", "s002-eip-quota-cancellations.json", 2000, 11, 97);
    explain_scenario("explain-ecs", "eventbridge-ecs-oom.jsonl", 2000, 11, 97);
}

static void test_notify(void **state)
{
    (void)state;
    size_t len;
    char *in = read_root_file("tests/cases/explain/s002-eip-quota-cancellations.json", &len);
    pp_evset set;
    pp_evset_init(&set, NULL);
    char *err = NULL;
    assert_int_equal(pp_evset_ingest_buf(&set, "in", in, len, &err), PP_OK);
    size_t len2;
    char *in2 = read_root_file("tests/cases/explain/eventbridge-ecs-oom.jsonl", &len2);
    assert_int_equal(pp_evset_ingest_buf(&set, "in2", in2, len2, &err), PP_OK);
    pp_explain x;
    assert_int_equal(pp_explain_run(&set, g_kb, &x), PP_OK);
    notify_ctx c = {.doc = pp_explain_json(&x)};
    assert_non_null(c.doc);
    scenario s = {.name = "notify", .run = run_notify, .ctx = &c};
    sweep(&s, 3000, 7, 31);
    free(c.ref);
    json_decref(c.doc);
    pp_explain_free(&x);
    pp_evset_free(&set);
    free(in);
    free(in2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kb),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_notify),
    };
    int rc = cmocka_run_group_tests(tests, setup, kb_fixture_teardown);
    __libc_free(fi.slot);
    return rc;
}

#else /* PP_FAULTS_SANITIZED */

PP_FAULTS_SKIPPED_MAIN("test_faults_advisor")

#endif
