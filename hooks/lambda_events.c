/* lambda_events.c — EventBridge failure events in Lambda mode (see lambda_events.h). */
#include "hooks/lambda_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/live.h"
#include "advisor/triage.h"
#include "engine/net/creds.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "hooks/cli.h"
#include "hooks/cli_live.h"

#define PP_LE_MAX_STACK_PAGES 5
#define PP_LE_MAX_STOPPED_TASKS 10
#define PP_LE_AWS_TIMEOUT_MS 5000
#define PP_LE_MAX_TEMPLATES 3   /* stacks whose template is fetched for one explanation */

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static char *env_or(json_t *cfg, const char *env, const char *key)
{
    const char *v = getenv(env);
    if (v && *v)
        return pp_strdup(v);
    v = jstr(cfg, key);
    return v && *v ? pp_strdup(v) : NULL;
}

int pp_lambda_events_init(pp_lambda_events *le, const char *config_file, const char *endpoint,
                          const char *state, char **err)
{
    memset(le, 0, sizeof *le);
    pp_ai_cfg_init(&le->ai);
    json_t *cfg = NULL;
    if (!config_file)
        config_file = getenv("PARAPET_NOTIFY_CONFIG");
    if (config_file && *config_file) {
        json_error_t je;
        cfg = json_load_file(config_file, 0, &je);
        if (!cfg) {
            pp_err(err, PP_E_PARSE, "%s:%d: expected a JSON object: %s", config_file, je.line,
                   je.text);
            return -1;
        }
    }
    int rc = -1;
    char *to = env_or(cfg, "PARAPET_NOTIFY_TO", "to");
    le->notify.target = (pp_chat_target)pp_chat_target_parse(to ? to : "webhook");
    if ((int)le->notify.target < 0) {
        pp_err(err, PP_E_USAGE, "PARAPET_NOTIFY_TO must be slack, teams or webhook, not '%s'",
               to);
        goto done;
    }
    le->url = env_or(cfg, "PARAPET_NOTIFY_URL", "url");
    if (!le->url && jstr(cfg, "url_file")) {
        char *buf = NULL;
        size_t n = 0;
        if (pp_read_file(jstr(cfg, "url_file"), 8192, &buf, &n, err) != PP_OK)
            goto done;
        buf[strcspn(buf, "\r\n")] = '\0';
        le->url = buf;
    }
    if (le->url && pp_notify_url_ok(le->url, err) != 0)
        goto done;
    le->notify.url = le->url;
    le->notify.quiet = 0;
    le->state_path = state ? pp_strdup(state) : env_or(cfg, "PARAPET_STATE", "state");
    if (!le->state_path)
        le->state_path = env_or(cfg, "PARAPET_STATE_DB", "state_db");
    if (!le->state_path && !getenv("XDG_STATE_HOME") && getenv("AWS_LAMBDA_RUNTIME_API"))
        le->state_path = pp_strdup("/tmp/parapet/state.db");
    if (!le->state_path)
        le->state_path = pp_state_default_path();
    if (!le->state_path) {
        pp_err(err, PP_E_USAGE, "no state store: set PARAPET_STATE (a file or dynamodb://TABLE)");
        goto done;
    }
    le->endpoint = endpoint ? pp_strdup(endpoint) : NULL;   /* else the chain's endpoints */
    char *ai = env_or(cfg, "PARAPET_AI", "ai");
    le->ai.enabled = ai && strcmp(ai, "bedrock") == 0;
    free(ai);
    le->model = env_or(cfg, "PARAPET_BEDROCK_MODEL", "bedrock_model");
    if (le->model)
        le->ai.model = le->model;
    if (pp_state_open(le->state_path, &le->state, err) != PP_OK)
        goto done;
    int krc = 0;
    le->kb = pp_cli_open_kb(NULL, &krc);
    if (!le->kb) {
        pp_err(err, PP_E_NOTFOUND, "no knowledge base (PARAPET_KB or kb.db beside the binary)");
        goto done;
    }
    rc = 0;
done:
    free(to);
    json_decref(cfg);
    return rc;
}

void pp_lambda_events_free(pp_lambda_events *le)
{
    if (!le)
        return;
    pp_state_close(le->state);
    pp_kb_free(le->kb);
    free(le->url);
    free(le->state_path);
    free(le->endpoint);
    free(le->model);
    memset(le, 0, sizeof *le);
}

int pp_lambda_is_eventbridge(json_t *ev)
{
    return json_is_object(ev) && jstr(ev, "detail-type") && jstr(ev, "source") &&
           json_is_object(json_object_get(ev, "detail"));
}

/* Asks CloudFormation or ECS for what the stored events lack (advisor/live.h: the same fetch
 * as `parapet explain --stack`); appends the answers to `extra`. */
static void describe(pp_lambda_events *le, pp_http_client *http, const pp_triage *c,
                     uint64_t deadline, json_t *extra)
{
    pp_aws_session *sess = NULL;
    char *err = NULL;
    pp_aws_session_opts so = { .endpoint_url = le->endpoint };
    if (pp_aws_session_new(&so, &sess, &err) != PP_OK) {
        fprintf(stderr, "parapet lambda: cannot ask AWS for the cause: %s\n", err);
        free(err);
        return;
    }
    /* no GetTemplate here: locate_roots asks for the template once the roots are known */
    pp_live_opts lo = { .session = sess, .http = http, .deadline_ms = deadline, .kb = le->kb,
                        .no_templates = 1,
                        .timeout_ms = PP_LE_AWS_TIMEOUT_MS, .max_stack_pages =
                        PP_LE_MAX_STACK_PAGES, .max_tasks = PP_LE_MAX_STOPPED_TASKS };
    pp_live_result lr;
    if (!c->ecs)
        pp_live_fetch_stack(&lo, c->stack_id ? c->stack_id : c->scope, &lr);
    else
        pp_live_fetch_service(&lo, c->cluster ? c->cluster : "default", c->scope, &lr);
    size_t i;
    json_t *v;
    json_array_foreach(lr.docs, i, v)
        json_array_append(extra, v);   /* does not steal: lr keeps its reference */
    for (size_t k = 0; k < lr.nmissing; k++)
        fprintf(stderr, "parapet lambda: not fetched: %s\n", lr.missing[k]);
    pp_live_result_free(&lr);
    pp_aws_session_free(sess);
}

/* Points the root causes at the lines of the template that was deployed: GetTemplate of each
 * stack (at most PP_LE_MAX_TEMPLATES) whose own resource is a root, then the locator that
 * `explain --stack` uses. A refused or failed call costs only the location (stderr says why). */
static void locate_roots(pp_lambda_events *le, pp_http_client *http, pp_explain *x,
                         uint64_t deadline)
{
    const char *stacks[PP_LE_MAX_TEMPLATES], *names[PP_LE_MAX_TEMPLATES];
    size_t n = 0;
    for (size_t i = 0; i < x->nroots && n < PP_LE_MAX_TEMPLATES; i++) {
        const pp_event *ev = &x->set->ev[x->roots[i].event];
        const char *id = ev->stack_id ? ev->stack_id : ev->stack;
        if (x->roots[i].has_loc || !id || !ev->logical_id || !ev->resource_type ||
            strcmp(ev->resource_type, "AWS::CloudFormation::Stack") == 0)
            continue;
        int seen = 0;
        for (size_t k = 0; k < n; k++)
            seen |= strcmp(stacks[k], id) == 0;
        if (!seen) {
            names[n] = ev->stack;
            stacks[n++] = id;
        }
    }
    if (!n)
        return;
    pp_aws_session *sess = NULL;
    char *err = NULL;
    pp_aws_session_opts so = { .endpoint_url = le->endpoint };
    if (pp_aws_session_new(&so, &sess, &err) != PP_OK) {
        fprintf(stderr, "parapet lambda: no template location: %s\n", err ? err : "no session");
        free(err);
        return;
    }
    pp_live_opts lo = { .session = sess, .http = http, .deadline_ms = deadline,
                        .timeout_ms = PP_LE_AWS_TIMEOUT_MS };
    for (size_t k = 0; k < n; k++) {
        pp_live_result lr;
        pp_live_fetch_template(&lo, stacks[k], names[k], &lr);
        for (size_t m = 0; m < lr.nmissing; m++)
            fprintf(stderr, "parapet lambda: not fetched: %s\n", lr.missing[m]);
        if (pp_cli_live_locate(x, &lr) != PP_OK)
            fprintf(stderr, "parapet lambda: template location: out of memory\n");
        pp_live_result_free(&lr);
    }
    pp_aws_session_free(sess);
}

static char *result_json(const char *handled, const char *scope, const pp_notify_result *r,
                         const char *note)
{
    json_t *o = json_pack("{s:s,s:s?,s:{s:i,s:i,s:i,s:i,s:i},s:s?}", "handled", handled, "scope",
                          scope, "notify", "queued", (int)r->queued, "duplicate",
                          (int)r->duplicate, "delivered", (int)r->delivered, "refused",
                          (int)r->failed, "pending", (int)r->pending, "note", note);
    char *s = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

/* Explains what is kept for c's scope: the advisor's triage run, then, when no root is a real
 * cause, once more with what the AWS APIs add (advisor/triage.h). NULL on failure (*err). */
static json_t *explain_scope(pp_lambda_events *le, pp_http_client *http, const pp_triage *c,
                             uint64_t deadline_ms, char **err)
{
    char *lines = NULL;
    if (pp_state_event_list(le->state, c->scope, &lines, err) != PP_OK)
        return NULL;
    pp_triage_run run;
    pp_status st = pp_triage_explain(&run, le->kb, lines, lines ? strlen(lines) : 0, err);
    free(lines);
    if (st == PP_OK && run.needs_more) {
        /* the events at hand lack the cause: ask the AWS APIs, then explain again in place */
        json_t *extra = json_array();
        if (extra)
            describe(le, http, c, deadline_ms, extra);
        st = extra ? pp_triage_add(&run, le->kb, extra, err) : PP_E_NOMEM;
        json_decref(extra);
        if (st != PP_OK && st != PP_E_NOMEM && run.explained) {
            fprintf(stderr, "parapet lambda: %s\n", *err ? *err : "AWS answer not read");
            PP_FREE(*err);
            st = PP_OK;
        }
    }
    if (st == PP_OK && run.explained)
        locate_roots(le, http, &run.x, deadline_ms);
    json_t *doc = st == PP_OK ? pp_explain_json(&run.x) : NULL;
    if (doc && le->ai.enabled)
        pp_ai_enrich(doc, &run.x, &le->ai, le->state, 0);
    pp_triage_run_free(&run);
    return doc;
}

char *pp_lambda_events_handle(pp_lambda_events *le, pp_http_client *http, json_t *ev,
                              uint64_t deadline_ms, int *is_error)
{
    *is_error = 0;
    pp_notify_result res = { 0 };
    char *err = NULL, *out = NULL, *body = NULL;
    le->notify.deadline_ms = deadline_ms;
    pp_notify_cfg_defaults(&le->notify);
    le->notify.timeout_ms = 5000;
    /* what earlier invocations left undelivered goes first */
    if (le->url && pp_notify_flush(le->state, &le->notify, http, &res, &err) != PP_OK) {
        fprintf(stderr, "parapet lambda: %s\n", err ? err : "outbox");
        PP_FREE(err);
    }
    res.pending = 0;
    pp_triage c;
    if (pp_triage_event(ev, le->kb, &c) != PP_OK) {
        *is_error = 1;
        return result_json("error", NULL, &res, "out of memory");
    }
    if (c.action == PP_TRIAGE_IGNORE) {
        out = result_json("ignored", NULL, &res, "not a failure Parapet reports");
        pp_triage_free(&c);
        return out;
    }
    body = pp_json_dumps(ev, JSON_COMPACT);   /* the state database keeps the event as text */
    const char *id = jstr(ev, "id");
    char key[65];
    pp_state_hash(body ? body : "", key);
    int added = 0;
    if (!body || pp_state_event_add(le->state, c.scope, id && *id ? id : key, body, &added,
                                    &err) != PP_OK) {
        fprintf(stderr, "parapet lambda: %s\n", err ? err : "out of memory");
        *is_error = 1;
        out = result_json("error", c.scope, &res, "the state database failed");
        goto done;
    }
    if (c.action == PP_TRIAGE_STORE) {
        out = result_json("stored", c.scope, &res, NULL);
        goto done;
    }
    json_t *doc = explain_scope(le, http, &c, deadline_ms, &err);
    if (!doc) {
        fprintf(stderr, "parapet lambda: explain: %s\n", err ? err : "failed");
        out = result_json("error", c.scope, &res, "the events could not be explained");
        *is_error = 1;
        goto done;
    }
    if (!le->url) {
        /* nowhere to post: record for the slash command, answer with the explanation */
        if (pp_notify_record(le->state, doc, &err) != PP_OK)
            fprintf(stderr, "parapet lambda: %s\n", err ? err : "state database");
        out = pp_json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        goto done;
    }
    pp_status st = pp_notify_queue(le->state, &le->notify, doc, &res, &err);
    json_decref(doc);
    if (st == PP_OK)
        st = pp_notify_flush(le->state, &le->notify, http, &res, &err);
    if (st != PP_OK || res.pending) {
        *is_error = 1;   /* EventBridge retries; the retry finds it in the outbox */
        if (err)
            fprintf(stderr, "parapet lambda: %s\n", err);
    }
    out = result_json("explained", c.scope, &res, res.pending ? "undelivered: will be retried"
                                                              : NULL);
done:
    free(body);
    free(err);
    pp_triage_free(&c);
    return out;
}
