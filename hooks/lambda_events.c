/* lambda_events.c — EventBridge failure events in Lambda mode (see lambda_events.h). */
#include "hooks/lambda_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/live.h"
#include "engine/net/creds.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "hooks/cli.h"

#define PP_LE_MAX_STACK_PAGES 5
#define PP_LE_MAX_STOPPED_TASKS 10
#define PP_LE_AWS_TIMEOUT_MS 5000

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

/* "arn:aws:cloudformation:r:a:stack/NAME/uuid" → NAME; "…:service/CLUSTER/NAME" → NAME (and
 * CLUSTER into *cluster when asked). malloc'd or NULL. */
static char *arn_part(const char *arn, const char *kind, char **cluster)
{
    if (!arn)
        return NULL;
    const char *p = strstr(arn, kind);
    if (!p)
        return NULL;
    p += strlen(kind);
    const char *a = strchr(p, '/');
    if (strcmp(kind, ":stack/") == 0)
        return pp_asprintf("%.*s", (int)(a ? a - p : (long)strlen(p)), p);
    if (a) {   /* new format: service/CLUSTER/NAME */
        if (cluster)
            *cluster = pp_asprintf("%.*s", (int)(a - p), p);
        return pp_strdup(a + 1);
    }
    return pp_strdup(p);
}

static int failed_stack_status(const char *s)
{
    return s && (strstr(s, "FAILED") || strstr(s, "ROLLBACK"));
}

static int task_failed(json_t *d)
{
    if (!jstr(d, "lastStatus") || strcmp(jstr(d, "lastStatus"), "STOPPED") != 0)
        return 0;
    const char *code = jstr(d, "stopCode");
    if (code && strcmp(code, "TaskFailedToStart") == 0)
        return 1;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(d, "containers"), i, c) {
        json_t *x = json_object_get(c, "exitCode");
        if ((json_is_integer(x) && json_integer_value(x) != 0) || jstr(c, "reason"))
            return 1;
    }
    return 0;
}

typedef enum { K_IGNORE, K_STORE, K_TRIGGER } kind;

typedef struct classified {
    kind k;
    char *scope;       /* stack or service name */
    char *stack_id;    /* CloudFormation */
    char *cluster;     /* ECS */
    int ecs;
} classified;

static classified classify(json_t *ev)
{
    classified c = { K_IGNORE, NULL, NULL, NULL, 0 };
    const char *dt = jstr(ev, "detail-type"), *src = jstr(ev, "source");
    json_t *d = json_object_get(ev, "detail");
    if (strcmp(src, "aws.cloudformation") == 0) {
        const char *status = jstr(json_object_get(d, "status-details"), "status");
        c.stack_id = pp_strdup(jstr(d, "stack-id"));
        c.scope = arn_part(jstr(d, "stack-id"), ":stack/", NULL);
        if (strcmp(dt, "CloudFormation Stack Status Change") == 0 && failed_stack_status(status))
            c.k = K_TRIGGER;
        else if (strcmp(dt, "CloudFormation Resource Status Change") == 0 && status &&
                 strstr(status, "FAILED"))
            c.k = K_STORE;
    } else if (strcmp(src, "aws.ecs") == 0) {
        c.ecs = 1;
        if (strcmp(dt, "ECS Deployment State Change") == 0) {
            c.scope = arn_part(json_string_value(json_array_get(json_object_get(ev, "resources"),
                                                                0)), ":service/", &c.cluster);
            if (jstr(d, "eventName") && strcmp(jstr(d, "eventName"),
                                               "SERVICE_DEPLOYMENT_FAILED") == 0)
                c.k = K_TRIGGER;
        } else if (strcmp(dt, "ECS Task State Change") == 0 && task_failed(d)) {
            const char *group = jstr(d, "group");
            c.cluster = arn_part(jstr(d, "clusterArn"), ":cluster/", NULL);
            if (!c.cluster && jstr(d, "clusterArn")) {
                const char *sl = strrchr(jstr(d, "clusterArn"), '/');
                c.cluster = pp_strdup(sl ? sl + 1 : jstr(d, "clusterArn"));
            }
            if (group && strncmp(group, "service:", 8) == 0) {
                c.scope = pp_strdup(group + 8);
                c.k = K_STORE;
            } else {
                c.scope = pp_strdup(jstr(d, "taskDefinitionArn") ? jstr(d, "taskDefinitionArn")
                                                                  : "task");
                c.k = K_TRIGGER;
            }
        }
    }
    if (c.k != K_IGNORE && !c.scope)
        c.k = K_IGNORE;
    return c;
}

static void classified_free(classified *c)
{
    free(c->scope);
    free(c->stack_id);
    free(c->cluster);
}

/* 1 when some root of the document is a real cause (not a wrapper or a weak failure). */
static int has_cause(json_t *doc)
{
    size_t i;
    json_t *rc;
    json_array_foreach(json_object_get(doc, "root_causes"), i, rc)
        if (jstr(json_object_get(rc, "event"), "role") &&
            strcmp(jstr(json_object_get(rc, "event"), "role"), "cause") == 0)
            return 1;
    json_array_foreach(json_object_get(doc, "unmatched"), i, rc)
        if (jstr(rc, "role") && strcmp(jstr(rc, "role"), "cause") == 0)
            return 1;
    return 0;
}

static json_t *explain_lines(pp_lambda_events *le, const char *lines, json_t *extra,
                             pp_explain *x, pp_evset *set, char **err)
{
    pp_evset_init(set, NULL);
    pp_status st = PP_OK;
    if (lines && *lines)
        st = pp_evset_ingest_buf(set, "eventbridge", lines, strlen(lines), err);
    size_t i;
    json_t *v;
    json_array_foreach(extra, i, v) {
        char *s = st == PP_OK ? pp_json_dumps(v, JSON_COMPACT) : NULL;
        if (s)
            st = pp_evset_ingest_buf(set, "aws-api", s, strlen(s), err);
        free(s);
    }
    if (st != PP_OK || pp_explain_run(set, le->kb, x) != PP_OK) {
        pp_evset_free(set);
        return NULL;
    }
    json_t *doc = pp_explain_json(x);
    if (!doc) {
        pp_explain_free(x);
        pp_evset_free(set);
    }
    return doc;
}

/* Asks CloudFormation or ECS for what the stored events lack (advisor/live.h: the same fetch
 * as `parapet explain --stack`); appends the answers to `extra`. */
static void describe(pp_lambda_events *le, pp_http_client *http, const classified *c,
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
    pp_live_opts lo = { .session = sess, .http = http, .deadline_ms = deadline,
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

char *pp_lambda_events_handle(pp_lambda_events *le, pp_http_client *http, json_t *ev,
                              uint64_t deadline_ms, int *is_error)
{
    *is_error = 0;
    pp_notify_result res = { 0 };
    char *err = NULL, *out = NULL;
    le->notify.deadline_ms = deadline_ms;
    pp_notify_cfg_defaults(&le->notify);
    le->notify.timeout_ms = 5000;
    /* what earlier invocations left undelivered goes first */
    if (le->url && pp_notify_flush(le->state, &le->notify, http, &res, &err) != PP_OK) {
        fprintf(stderr, "parapet lambda: %s\n", err ? err : "outbox");
        PP_FREE(err);
    }
    res.pending = 0;
    classified c = classify(ev);
    if (c.k == K_IGNORE) {
        out = result_json("ignored", NULL, &res, "not a failure Parapet reports");
        classified_free(&c);
        return out;
    }
    char *body = pp_json_dumps(ev, JSON_COMPACT);
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
    if (c.k == K_STORE) {
        out = result_json("stored", c.scope, &res, NULL);
        goto done;
    }
    char *lines = NULL;
    if (pp_state_event_list(le->state, c.scope, &lines, &err) != PP_OK) {
        *is_error = 1;
        out = result_json("error", c.scope, &res, "the state database failed");
        goto done;
    }
    json_t *extra = json_array();
    pp_explain x;
    pp_evset set;
    json_t *doc = explain_lines(le, lines, extra, &x, &set, &err);
    if (doc && !has_cause(doc)) {
        /* the events at hand lack the cause: ask the AWS APIs, then explain again */
        json_decref(doc);
        pp_explain_free(&x);
        pp_evset_free(&set);
        describe(le, http, &c, deadline_ms, extra);
        doc = explain_lines(le, lines, extra, &x, &set, &err);
    }
    free(lines);
    json_decref(extra);
    if (!doc) {
        fprintf(stderr, "parapet lambda: explain: %s\n", err ? err : "failed");
        out = result_json("error", c.scope, &res, "the events could not be explained");
        *is_error = 1;
        goto done;
    }
    if (le->ai.enabled)
        pp_ai_enrich(doc, &x, &le->ai, le->state, 0);
    pp_explain_free(&x);
    pp_evset_free(&set);
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
    classified_free(&c);
    return out;
}
