/* anatomy_json.c — the decoded fields as names, JSON pointers, the `anatomy` object of
 * `explain --format json`, and the one-line summary of text output (anatomy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/anatomy_int.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"

/* ---- names --------------------------------------------------------------------------------- */

const char *pp_an_reason_name(pp_an_reason r)
{
    switch (r) {
    case PP_AN_NO_IDENTITY_POLICY: return "no_identity_policy";
    case PP_AN_NO_RESOURCE_POLICY: return "no_resource_policy";
    case PP_AN_NO_BOUNDARY: return "no_permissions_boundary";
    case PP_AN_NO_SESSION_POLICY: return "no_session_policy";
    case PP_AN_NO_VPCE_POLICY: return "no_vpc_endpoint_policy";
    case PP_AN_DENY_SCP: return "explicit_deny_scp";
    case PP_AN_DENY_RCP: return "explicit_deny_rcp";
    case PP_AN_DENY_BOUNDARY: return "explicit_deny_boundary";
    case PP_AN_DENY_RESOURCE_POLICY: return "explicit_deny_resource_policy";
    case PP_AN_DENY_SESSION_POLICY: return "explicit_deny_session_policy";
    case PP_AN_DENY_IDENTITY_POLICY: return "explicit_deny_identity_policy";
    case PP_AN_DENY_VPCE_POLICY: return "explicit_deny_vpc_endpoint_policy";
    default: return "unknown";
    }
}

const char *pp_an_kind_name(pp_an_kind k)
{
    switch (k) {
    case PP_AN_NOT_AUTHORIZED: return "not_authorized";
    case PP_AN_PROPERTIES: return "properties_validation";
    case PP_AN_VALIDATION: return "validation";
    case PP_AN_INVALID_COMBINATION: return "invalid_combination";
    case PP_AN_ALREADY_EXISTS: return "already_exists";
    case PP_AN_NOT_FOUND: return "not_found";
    case PP_AN_THROTTLING: return "throttling";
    case PP_AN_LIMIT: return "limit_exceeded";
    case PP_AN_TIMEOUT: return "timeout";
    case PP_AN_CONTAINER_EXIT: return "container_exit";
    case PP_AN_ECS_STOP: return "ecs_stop";
    default: return "none";
    }
}

const char *pp_an_problem_name(pp_an_problem p)
{
    switch (p) {
    case PP_AN_P_EXTRANEOUS_KEY: return "extraneous_key";
    case PP_AN_P_REQUIRED_KEY: return "required_key";
    case PP_AN_P_EXPECTED_TYPE: return "expected_type";
    case PP_AN_P_ENUM: return "enum";
    case PP_AN_P_PATTERN: return "pattern";
    default: return "other";
    }
}

const char *pp_an_exit_meaning(int code)
{
    switch (code) {
    case 0: return "the process ended normally; an essential container that ends stops the task";
    case 1: return "the application failed (a general error): its log says why";
    case 2: return "bad arguments or a shell usage error in the command";
    case 125: return "the container runtime could not run the container";
    case 126: return "the command exists but cannot be executed (permissions or file format)";
    case 127: return "the command was not found in the image (entryPoint, command or PATH)";
    case 130: return "interrupted (SIGINT)";
    case 134: return "aborted (SIGABRT): the program called abort or failed an assertion";
    case 137: return "killed (SIGKILL): out of memory, or it did not stop within the stop timeout";
    case 139: return "segmentation fault (SIGSEGV): a crash in native code";
    case 143:
        return "terminated (SIGTERM): it was asked to stop (deployment, scale-in, health check)";
    case 255: return "exit status out of range: often a failure before the program started";
    default:
        if (code > 128 && code < 160)
            return "killed by a signal (the code minus 128 is the signal number)";
        return code < 0 ? NULL : "the application exited with an error status";
    }
}

/* ---- field → pointer ----------------------------------------------------------------------- */

char *pp_an_field_pointer(const char *field)
{
    if (!field || !*field || strlen(field) > PP_AN_MAX_FIELD)
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 4 * PP_AN_MAX_FIELD);
    for (const char *p = field; *p;) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            pp_buf_puts(&b, "/");
            pp_buf_append(&b, p + 1, (size_t)(e - p - 1));
            p = e + 1;
            continue;
        }
        size_t n = strcspn(p, ".[");
        pp_buf_puts(&b, "/");
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '~')
                pp_buf_puts(&b, "~0");
            else if (p[i] == '/')
                pp_buf_puts(&b, "~1");
            else
                pp_buf_append(&b, p + i, 1);
        }
        p += n;
    }
    if (!b.data) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* Puts o under k in parent when it has members, else drops it. */
static void jsub(json_t *parent, const char *k, json_t *o)
{
    if (o && json_object_size(o))
        json_object_set_new(parent, k, o);
    else
        json_decref(o);
}

json_t *pp_anatomy_json(const pp_anatomy *a)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "kind", json_string(pp_an_kind_name(a->kind)));
    json_t *ks = json_array();
    for (unsigned bit = 1; bit <= (unsigned)PP_AN_ECS_STOP; bit <<= 1)
        if (a->kinds & bit)
            json_array_append_new(ks, json_string(pp_an_kind_name((pp_an_kind)bit)));
    json_object_set_new(o, "kinds", ks);
    if (a->wrapped) {
        json_t *h = json_object();
        pp_json_put_str(h, "message", a->inner);
        pp_json_put_str(h, "error_code", a->handler_error_code);
        pp_json_put_str(h, "request_token", a->request_token);
        json_object_set_new(h, "truncated", json_boolean(a->truncated));
        json_object_set_new(o, "handler", h);
    }
    json_t *sv = json_object();
    pp_json_put_str(sv, "name", a->service);
    pp_json_put_str(sv, "status_code", a->status_code);
    pp_json_put_str(sv, "error_code", a->error_code);
    pp_json_put_str(sv, "request_id", a->request_id);
    jsub(o, "service", sv);
    pp_json_put_str(o, "detail", a->detail);
    if (a->kinds & PP_AN_NOT_AUTHORIZED) {
        json_t *n = json_object();
        pp_json_put_str(n, "principal", a->principal);
        pp_json_put_str(n, "action", a->action);
        pp_json_put_str(n, "resource", a->resource);
        pp_json_put_str(n, "policy", a->policy);
        json_object_set_new(n, "reason", json_string(pp_an_reason_name(a->reason)));
        if (a->encoded_message)
            json_object_set_new(n, "encoded_message", json_true());
        json_object_set_new(o, "not_authorized", n);
    }
    if (a->nviol) {
        json_t *v = json_object(), *items = json_array();
        if (a->declared >= 0)
            json_object_set_new(v, "declared", json_integer(a->declared));
        for (size_t i = 0; i < a->nviol; i++) {
            json_t *x = json_object();
            if (a->viol[i].value)
                json_object_set_new(x, "value", json_string(a->viol[i].value));
            pp_json_put_str(x, "field", a->viol[i].field);
            pp_json_put_str(x, "constraint", a->viol[i].constraint);
            json_array_append_new(items, x);
        }
        json_object_set_new(v, "items", items);
        json_object_set_new(o, "validation", v);
    }
    if (a->kinds & PP_AN_PROPERTIES) {
        json_t *p = json_object(), *items = json_array();
        pp_json_put_str(p, "resource", a->prop_resource);
        for (size_t i = 0; i < a->nprop; i++) {
            const pp_an_prop *x = &a->prop[i];
            json_t *j = json_object();
            json_object_set_new(j, "path", json_string(x->path ? x->path : ""));
            json_object_set_new(j, "problem", json_string(pp_an_problem_name(x->problem)));
            pp_json_put_str(j, "key", x->key);
            pp_json_put_str(j, "expected", x->expected);
            pp_json_put_str(j, "found", x->found);
            pp_json_put_str(j, "text", x->text);
            json_array_append_new(items, j);
        }
        json_object_set_new(p, "problems", items);
        json_object_set_new(o, "properties", p);
    }
    pp_json_put_str(o, "subject", a->subject);
    pp_json_put_str(o, "marker", a->marker);
    json_t *e = json_object();
    pp_json_put_str(e, "stop_code", a->stop_code);
    pp_json_put_str(e, "error", a->ecs_error);
    if (a->exit_code >= 0) {
        json_object_set_new(e, "exit_code", json_integer(a->exit_code));
        pp_json_put_str(e, "exit_meaning", pp_an_exit_meaning(a->exit_code));
    }
    if (a->essential_exited)
        json_object_set_new(e, "essential_container_exited", json_true());
    jsub(o, "ecs", e);
    if (a->more)
        json_object_set_new(o, "more_items", json_integer((json_int_t)a->more));
    return o;
}

char *pp_anatomy_summary(const pp_anatomy *a)
{
    if (!pp_anatomy_any(a))
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 8u << 10);
    const char *sep = "";
#define ITEM(...) \
    do { \
        pp_buf_puts(&b, sep); \
        pp_buf_printf(&b, __VA_ARGS__); \
        sep = " · "; \
    } while (0)
    if (a->kind != PP_AN_NONE)
        ITEM("%s", pp_an_kind_name(a->kind));
    if (a->principal)
        ITEM("principal %s", a->principal);
    if (a->action)
        ITEM("action %s", a->action);
    if (a->resource)
        ITEM("resource %s", a->resource);
    if (a->kinds & PP_AN_NOT_AUTHORIZED)
        ITEM("reason %s", pp_an_reason_name(a->reason));
    if (a->policy)
        ITEM("policy %s", a->policy);
    for (size_t i = 0; i < a->nviol && i < 3; i++)
        ITEM("%s%s%s%s (%s)", a->viol[i].field ? a->viol[i].field : "?",
             a->viol[i].value ? " = '" : "", a->viol[i].value ? a->viol[i].value : "",
             a->viol[i].value ? "'" : "", a->viol[i].constraint ? a->viol[i].constraint : "");
    if (a->prop_resource)
        ITEM("resource %s", a->prop_resource);
    for (size_t i = 0; i < a->nprop && i < 3; i++)
        ITEM("#%s %s%s%s", a->prop[i].path ? a->prop[i].path : "",
             pp_an_problem_name(a->prop[i].problem), a->prop[i].key ? " " : "",
             a->prop[i].key ? a->prop[i].key : "");
    if (a->subject)
        ITEM("subject %s", a->subject);
    if (a->handler_error_code)
        ITEM("handler %s", a->handler_error_code);
    if (a->service || a->status_code || a->error_code)
        ITEM("service %s%s%s%s%s", a->service ? a->service : "", a->status_code ? " " : "",
             a->status_code ? a->status_code : "", a->error_code ? " " : "",
             a->error_code ? a->error_code : "");
    if (a->stop_code)
        ITEM("stop code %s", a->stop_code);
    if (a->ecs_error)
        ITEM("%s", a->ecs_error);
    if (a->exit_code >= 0)
        ITEM("exit code %d: %s", a->exit_code, pp_an_exit_meaning(a->exit_code));
    if (a->request_id)
        ITEM("request id %s", a->request_id);
    if (a->truncated)
        ITEM("message cut off");
#undef ITEM
    if (!b.data) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

