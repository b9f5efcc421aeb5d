/* cfn_eval.c — evaluating one Lambda-hook request (pp_hook_handle, see cfn_hook.h).
 *
 * RESOURCE → a one-resource template {"Resources": {Id: {"Type", "Properties"}}};
 * STACK → the payload's `template` string (JSON or YAML) loaded as `parapet check` would;
 * CHANGE_SET → one one-resource template per changed resource, from its afterContext (or
 * beforeContext on DELETE), with findings placed at the change's lineNumber.
 * Every document goes through the same engine call; the findings of all of them land in one
 * report, which cfn_hook.c renders.
 */
#include "hooks/cfn_hook.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/check.h"
#include "engine/doc.h"
#include "engine/base/json_write.h"
#include "engine/template.h"
#include "engine/base/util.h"

#define PP_HOOK_DEFAULT_PAYLOAD (32u << 20)

/* Region, account and stack name from a stack ARN
 * arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/ID. Empty strings when absent. */
typedef struct arn_bits {
    char partition[32], region[32], account[32], stack[256];
} arn_bits;

static void arn_split(const char *arn, arn_bits *b)
{
    memset(b, 0, sizeof *b);
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return;
    const char *f[6] = { 0 };
    size_t fl[6] = { 0 };
    const char *p = arn + 4;
    for (int i = 0; i < 5; i++) {
        const char *c = strchr(p, ':');
        f[i] = p;
        if (!c) {
            fl[i] = strlen(p);
            return;
        }
        fl[i] = (size_t)(c - p);
        p = c + 1;
    }
    f[5] = p;
    /* f: partition, service, region, account, resource */
#define COPY(dst, i) snprintf(dst, sizeof dst, "%.*s", (int)fl[i], f[i])
    COPY(b->partition, 0);
    COPY(b->region, 2);
    COPY(b->account, 3);
#undef COPY
    if (strncmp(f[4], "stack/", 6) == 0) {
        const char *n = f[4] + 6, *e = strchr(n, '/');
        snprintf(b->stack, sizeof b->stack, "%.*s", (int)(e ? (size_t)(e - n) : strlen(n)), n);
    }
}

typedef struct hctx {
    const pp_hook_cfg *cfg;
    pp_ruleset *rs;
    pp_http_client *http;
    uint64_t deadline_ms;
    const pp_hook_req *req;
    arn_bits arn;
    pp_check chk;               /* the check pipeline; its report is what cfn_hook.c renders */
} hctx;

static const char *action_name(pp_hook_action a)
{
    switch (a) {
    case PP_HOOK_ACT_CREATE: return "CREATE";
    case PP_HOOK_ACT_UPDATE: return "UPDATE";
    case PP_HOOK_ACT_DELETE: return "DELETE";
    case PP_HOOK_ACT_NONE: break;
    }
    return "CREATE";
}

/* Builds the template of `doc` and evaluates it into h->chk. Findings without a position get
 * `line`. The doc stays owned by the caller. */
static pp_status eval_doc(hctx *h, const pp_doc *doc, pp_hook_action act, const json_t *prev,
                          unsigned line, char **err)
{
    if (h->deadline_ms && pp_now_ms() >= h->deadline_ms)
        return pp_err(err, PP_E_LIMIT, "deadline reached before evaluation");
    const char *stack = *h->arn.stack ? h->arn.stack
                        : h->req->target == PP_HOOK_STACK ? h->req->logical_id : NULL;
    pp_resolve_opts ro = {
        .region = *h->arn.region ? h->arn.region : NULL,
        .account_id = *h->req->account_id ? h->req->account_id
                      : *h->arn.account ? h->arn.account : NULL,
        .stack_name = stack,
        .partition = *h->arn.partition ? h->arn.partition : NULL,
        .limits = h->cfg->limits,
    };
    h->chk.o.resolve = ro;
    h->chk.o.eval.action = action_name(act);
    h->chk.o.eval.previous = act == PP_HOOK_ACT_CREATE ? NULL : prev;
    return pp_check_doc(&h->chk, doc, NULL, 0, line, err);
}

/* Wraps one resource as a template document; `res` (an object with Type, Properties and maybe
 * Metadata) is stolen. */
static pp_doc *one_resource_doc(const char *logical_id, json_t *res)
{
    if (!res)
        return NULL;
    json_t *resources = json_object();
    if (!resources || json_object_set_new(resources, logical_id, res) != 0) {
        if (!resources)
            json_decref(res);   /* set_new releases it on its own failure */
        json_decref(resources);
        return NULL;
    }
    json_t *root = json_object();
    if (!root || json_object_set_new(root, "Resources", resources) != 0) {
        if (!root)
            json_decref(resources);
        json_decref(root);
        return NULL;
    }
    return pp_doc_wrap(logical_id, root);
}

static pp_status eval_resource(hctx *h, char **err)
{
    const pp_hook_req *r = h->req;
    /* On delete, resourceProperties is empty: judge the resource as it stands. */
    const json_t *props = r->action == PP_HOOK_ACT_DELETE && r->prev ? r->prev : r->props;
    /* shared, not copied: resolving builds new values and never changes its input */
    json_t *res = json_pack("{s:s, s:o}", "Type", r->target_name, "Properties",
                            props ? json_incref((json_t *)props) : json_object());
    pp_doc *doc = one_resource_doc(r->logical_id, res);
    if (!doc)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    /* its keys: the request's (props), the logical id and our own: no Fn::ForEach scan when
     * none of them starts a loop */
    doc->no_loop_keys = !r->loop_keys && strncmp(r->logical_id, "Fn::ForEach::", 13) != 0;
    pp_status st = eval_doc(h, doc, r->action, r->prev, 0, err);
    pp_doc_free(doc);
    return st;
}

static pp_status fetch_payload(hctx *h, json_t **payload, char **err)
{
    const pp_hook_req *r = h->req;
    *payload = NULL;
    if (r->inline_payload) {
        *payload = json_incref(r->inline_payload);
        return PP_OK;
    }
    const pp_hook_cfg *c = h->cfg;
    pp_http_opts o = {
        .policy = c->fetch,
        .connect_timeout_ms = c->fetch_connect_ms ? c->fetch_connect_ms : 3000,
        .timeout_ms = c->fetch_timeout_ms ? c->fetch_timeout_ms : 10000,
        .deadline_ms = h->deadline_ms,
        .max_body = c->max_payload ? c->max_payload : PP_HOOK_DEFAULT_PAYLOAD,
        .retries = c->fetch_retries,
        .backoff_ms = 200,
        .low_speed_bytes = 1,
        .low_speed_secs = 5,
    };
    pp_http_resp resp;
    char *herr = NULL;
    pp_status st = pp_http_get(h->http, r->payload_url, &o, &resp, &herr);
    if (st != PP_OK) {
        pp_err(err, st, "payload not fetched: %s", herr ? herr : pp_status_name(st));
        free(herr);
        return st;
    }
    if (resp.status != 200) {
        st = pp_err(err, PP_E_HTTP, "payload URL answered HTTP %ld", resp.status);
        pp_http_resp_free(&resp);
        return st;
    }
    json_error_t je;
    int oom;
    *payload = pp_json_loadb(resp.body, resp.len, JSON_REJECT_DUPLICATES, &je, &oom);
    pp_http_resp_free(&resp);
    if (oom)
        return pp_err(err, PP_E_NOMEM, "out of memory reading the payload");
    if (!*payload)
        return pp_err(err, PP_E_PARSE, "payload is not JSON: line %d: %s", je.line, je.text);
    if (!json_is_object(*payload)) {
        json_decref(*payload);
        *payload = NULL;
        return pp_err(err, PP_E_PARSE, "payload is not a JSON object");
    }
    return PP_OK;
}

static json_t *member_ci(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (v || !json_is_object(o))
        return v;
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)o, k, val) {
        if (strcasecmp(k, key) == 0)
            return val;
    }
    return NULL;
}

/* A template given as a string (JSON or YAML) or, leniently, as an object. NULL doc and PP_OK
 * when there is none. */
static pp_status load_template(hctx *h, const json_t *tv, const char *name, pp_doc **doc,
                               char **err)
{
    *doc = NULL;
    if (!tv || json_is_null(tv) || (json_is_string(tv) && json_string_length(tv) == 0))
        return PP_OK;
    if (json_is_object(tv)) {
        *doc = pp_doc_wrap(name, json_deep_copy(tv));
        return *doc ? PP_OK : pp_err(err, PP_E_NOMEM, "out of memory");
    }
    if (!json_is_string(tv))
        return pp_err(err, PP_E_PARSE, "payload template must be a string");
    pp_status st = PP_OK;
    *doc = pp_doc_load(name, json_string_value(tv), json_string_length(tv), PP_FMT_AUTO,
                       h->cfg->limits, &st, err);
    return *doc ? PP_OK : (st != PP_OK ? st : PP_E_PARSE);
}

static pp_status eval_stack(hctx *h, const json_t *payload, char **err)
{
    const pp_hook_req *r = h->req;
    json_t *tmpl = member_ci(payload, "template");
    json_t *prev = member_ci(payload, "previousTemplate");
    pp_hook_action act = r->action;
    int has_t = json_is_object(tmpl) || (json_is_string(tmpl) && json_string_length(tmpl));
    if (act == PP_HOOK_ACT_NONE)
        act = !has_t ? PP_HOOK_ACT_DELETE
              : (json_is_string(prev) && json_string_length(prev)) ? PP_HOOK_ACT_UPDATE
                                                                   : PP_HOOK_ACT_CREATE;
    /* delete-stack carries no template (or only the previous one). */
    const json_t *src = act == PP_HOOK_ACT_DELETE && !has_t ? prev : tmpl;
    const char *name = *r->logical_id ? r->logical_id : "template";
    pp_doc *doc = NULL;
    pp_status st = load_template(h, src, name, &doc, err);
    if (st != PP_OK || !doc)
        return st;   /* nothing to evaluate: passes */
    st = eval_doc(h, doc, act, NULL, 0, err);
    pp_doc_free(doc);
    return st;
}

/* Parses a change-set context (a JSON string whose numbers and booleans are strings). */
static pp_status parse_context(const json_t *v, const char *lid, json_t **out, char **err)
{
    *out = NULL;
    if (!v || json_is_null(v))
        return PP_OK;
    if (json_is_object(v)) {
        *out = json_deep_copy(v);
        return *out ? PP_OK : pp_err(err, PP_E_NOMEM, "out of memory");
    }
    if (!json_is_string(v))
        return pp_err(err, PP_E_PARSE, "%s: context must be a JSON string", lid);
    json_error_t je;
    int oom;
    *out = pp_json_loadb(json_string_value(v), json_string_length(v), JSON_REJECT_DUPLICATES,
                         &je, &oom);
    if (oom)
        return pp_err(err, PP_E_NOMEM, "%s: out of memory reading the context", lid);
    if (!*out)
        return pp_err(err, PP_E_PARSE, "%s: context is not JSON: %s", lid, je.text);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return pp_err(err, PP_E_PARSE, "%s: context is not a JSON object", lid);
    }
    /* The Guard docs' prose spells "properties"; the examples use "Properties". */
    json_t *p = json_object_get(*out, "properties");
    if (p && !json_object_get(*out, "Properties")) {
        json_object_set(*out, "Properties", p);
        json_object_del(*out, "properties");
    }
    return PP_OK;
}

static pp_status eval_change_set(hctx *h, const json_t *payload, char **err)
{
    json_t *arr = member_ci(payload, "changedResources");
    if (!arr || json_is_null(arr))
        return PP_OK;   /* no changes */
    if (!json_is_array(arr))
        return pp_err(err, PP_E_PARSE, "payload changedResources must be an array");
    size_t i;
    json_t *ch;
    json_array_foreach(arr, i, ch) {
        if (!json_is_object(ch))
            return pp_err(err, PP_E_PARSE, "changedResources[%zu] is not an object", i);
        json_t *jl = member_ci(ch, "logicalResourceId"), *jt = member_ci(ch, "resourceType");
        json_t *ja = member_ci(ch, "action"), *jn = member_ci(ch, "lineNumber");
        if (!json_is_string(jl) || !json_string_length(jl) || !json_is_string(jt))
            return pp_err(err, PP_E_PARSE, "changedResources[%zu] lacks logicalResourceId or "
                          "resourceType", i);
        const char *lid = json_string_value(jl), *a = json_is_string(ja) ? json_string_value(ja)
                                                                         : "";
        pp_hook_action act;
        if (strcasecmp(a, "CREATE") == 0 || strcasecmp(a, "IMPORT") == 0)
            act = PP_HOOK_ACT_CREATE;
        else if (strcasecmp(a, "UPDATE") == 0 || strcasecmp(a, "MODIFY") == 0)
            act = PP_HOOK_ACT_UPDATE;
        else if (strcasecmp(a, "DELETE") == 0 || strcasecmp(a, "REMOVE") == 0)
            act = PP_HOOK_ACT_DELETE;
        else
            return pp_err(err, PP_E_PARSE, "changedResources[%zu] (%s): unknown action '%s'", i,
                          lid, a);
        long long line = 0;
        if (json_is_integer(jn)) {
            line = json_integer_value(jn);
        } else if (json_is_string(jn)) {
            long lv;
            if (pp_parse_long(json_string_value(jn), 0, 100000000, &lv) == 0)
                line = lv;
        }
        if (line < 0 || line > 100000000)
            line = 0;
        json_t *before = NULL, *after = NULL;
        pp_status st = parse_context(member_ci(ch, "beforeContext"), lid, &before, err);
        if (st == PP_OK)
            st = parse_context(member_ci(ch, "afterContext"), lid, &after, err);
        json_t *res = act == PP_HOOK_ACT_DELETE ? before : after;
        if (st == PP_OK && !res)
            res = json_object();   /* a create without properties */
        else if (st == PP_OK)
            json_incref(res);
        if (st != PP_OK || !res) {
            json_decref(before);
            json_decref(after);
            return st != PP_OK ? st : pp_err(err, PP_E_NOMEM, "out of memory");
        }
        json_object_set_new(res, "Type", json_string(json_string_value(jt)));
        if (!json_object_get(res, "Properties"))
            json_object_set_new(res, "Properties", json_object());
        const json_t *prev = before ? json_object_get(before, "Properties") : NULL;
        pp_doc *doc = one_resource_doc(lid, res);
        if (!doc)
            st = pp_err(err, PP_E_NOMEM, "out of memory");
        else
            st = eval_doc(h, doc, act, prev, (unsigned)line, err);
        pp_doc_free(doc);
        json_decref(before);
        json_decref(after);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

static void describe(const pp_hook_req *r, char *buf, size_t n)
{
    switch (r->target) {
    case PP_HOOK_RESOURCE:
        snprintf(buf, n, "%s (%s, %s)", r->logical_id, r->target_name,
                 r->action == PP_HOOK_ACT_UPDATE ? "update"
                 : r->action == PP_HOOK_ACT_DELETE ? "delete" : "create");
        break;
    case PP_HOOK_STACK:
        snprintf(buf, n, "stack %s", r->logical_id);
        break;
    case PP_HOOK_CHANGE_SET:
        snprintf(buf, n, "change set %s", r->logical_id);
        break;
    }
}

static pp_status fail_out(pp_hook_outcome *out, const pp_hook_req *req, const char *what,
                          char *msg)
{
    out->verdict = PP_HOOK_INTERNAL_FAILURE;
    out->error = msg;
    char *text = pp_asprintf("Parapet could not evaluate %s: %s", what,
                             msg ? msg : "internal error");
    out->response = pp_hook_render_failure(req->token, req->cloud_control,
                                           text ? text : "internal error");
    free(text);
    return out->response ? PP_OK : PP_E_NOMEM;
}

pp_status pp_hook_handle(const pp_hook_cfg *cfg, pp_ruleset *rs, pp_http_client *http,
                         uint64_t deadline_ms, const char *body, size_t len,
                         pp_hook_outcome *out)
{
    memset(out, 0, sizeof *out);
    pp_hook_req req;
    char *err = NULL;
    pp_status st = pp_hook_parse(body, len, &req, &err);
    if (st == PP_E_NOMEM) {
        st = fail_out(out, &req, "the request", err ? err : pp_strdup("out of memory"));
        err = NULL;
        pp_hook_req_free(&req);
        return st;
    }
    if (st != PP_OK) {
        out->bad_request = 1;
        st = fail_out(out, &req, "the request", pp_asprintf("malformed hook request: %s",
                                                            err ? err : "?"));
        free(err);
        pp_hook_req_free(&req);
        return st;
    }
    hctx h = { .cfg = cfg, .rs = rs, .http = http, .deadline_ms = deadline_ms, .req = &req };
    arn_split(req.stack_id, &h.arn);
    pp_check_opts co = {
        .resolve = { .limits = cfg->limits },
        .eval = { .show_passed = 1, .verbose = cfg->verbose },
        .unknown = cfg->unknown,
    };
    pp_check_init(&h.chk, rs, NULL, &co);
    char what[512];
    describe(&req, what, sizeof what);

    json_t *payload = NULL;
    switch (req.target) {
    case PP_HOOK_RESOURCE:
        st = eval_resource(&h, &err);
        break;
    case PP_HOOK_STACK:
    case PP_HOOK_CHANGE_SET:
        st = fetch_payload(&h, &payload, &err);
        if (st == PP_OK)
            st = req.target == PP_HOOK_STACK ? eval_stack(&h, payload, &err)
                                             : eval_change_set(&h, payload, &err);
        break;
    }
    json_decref(payload);
    if (st != PP_OK) {
        st = fail_out(out, &req, what, err ? err : pp_strdup(pp_status_name(st)));
        err = NULL;
        goto done;
    }
    pp_check_finish(&h.chk);
    size_t nrules = 0;
    const pp_rule_info *info = pp_ruleset_info(rs, &nrules);
    pp_hook_render_in in = {
        .req = &req, .rep = &h.chk.rep, .rules = info, .nrules = nrules,
        .unknown = cfg->unknown, .fail_on = cfg->fail_on,
        .failing = pp_report_failing(&h.chk.rep, cfg->fail_on, cfg->unknown),
        .what = what,
    };
    out->response = pp_hook_render(&in, &out->verdict);
    out->rules = h.chk.rep.rules;
    out->rule_errors = h.chk.rep.n_status[PP_ST_ERROR];
    st = out->response ? PP_OK : PP_E_NOMEM;
done:
    free(err);
    pp_check_free(&h.chk);
    pp_hook_req_free(&req);
    return st;
}

void pp_hook_outcome_free(pp_hook_outcome *o)
{
    if (!o)
        return;
    free(o->response);
    free(o->error);
    memset(o, 0, sizeof *o);
}
