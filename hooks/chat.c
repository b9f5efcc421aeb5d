/* chat.c — chat messages from the explain JSON (chat.h): targets, splitting by scope, the
 * escapes and decoded fields the renderers share (chat_int.h), and pp_chat_render, which
 * dispatches to Slack (chat_slack.c), Teams (chat_teams.c) or the webhook's JSON and refuses a
 * message any of whose pieces could not be allocated.
 */
#include "hooks/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/crypto.h"
#include "engine/base/json_write.h"
#include "engine/base/utf8.h"
#include "engine/base/util.h"
#include "hooks/chat_int.h"

_Thread_local unsigned long pp_chat_failures;

char *pp_chat_ok(char *p)
{
    if (!p)
        pp_chat_failures++;
    return p;
}

const char *pp_chat_buf(const pp_buf *b)
{
    if (b->nomem)
        pp_chat_failures++;
    return b->data ? b->data : "";
}

int pp_chat_target_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "slack") == 0)
        return PP_CHAT_SLACK;
    if (strcmp(s, "teams") == 0)
        return PP_CHAT_TEAMS;
    if (strcmp(s, "webhook") == 0)
        return PP_CHAT_WEBHOOK;
    return -1;
}

const char *pp_chat_target_name(pp_chat_target t)
{
    return t == PP_CHAT_SLACK ? "slack" : t == PP_CHAT_TEAMS ? "teams" : "webhook";
}

char *pp_chat_cut(const char *s, size_t max)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    if (n <= max)
        return pp_chat_ok(pp_strdup(s));
    size_t keep = max > 3 ? max - 3 : 0;
    keep = pp_utf8_cut(s, keep);   /* do not split a UTF-8 sequence */
    return CHAT_ASPRINTF("%.*s" ELLIPSIS, (int)keep, s);
}

const char *pp_chat_jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- split ----------------------------------------------------------------------------- */

static const char *scope_of(json_t *ev)
{
    const char *s = pp_chat_jstr(ev, "stack");
    if (!s || !*s)
        s = pp_chat_jstr(ev, "service");
    return s && *s ? s : "message";
}

static char *root_id_of(json_t *ev)
{
    const char *id = pp_chat_jstr(ev, "event_id");
    if (id && *id)
        return pp_strdup(id);
    /* No id (ECS tasks, pasted messages): a hash of what identifies the occurrence. */
    const char *keys[] = {"source", "timestamp", "task_arn", "logical_id", "status", "reason"};
    const char *v[PP_ARRAY_LEN(keys)];
    for (size_t i = 0; i < PP_ARRAY_LEN(keys); i++)
        v[i] = pp_chat_jstr(ev, keys[i]) ? pp_chat_jstr(ev, keys[i]) : "";
    char *k = pp_asprintf("%s|%s|%s|%s|%s|%s", v[0], v[1], v[2], v[3], v[4], v[5]);
    if (!k)
        return NULL;
    char h[65];
    pp_sha256_hex(k, strlen(k), h);
    free(k);
    return pp_asprintf("sha256:%.32s", h);
}

void pp_chat_scopes_free(pp_chat_scope *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        free(s[i].scope);
        free(s[i].root_id);
        json_decref(s[i].doc);
    }
    free(s);
}

static pp_chat_scope *find_or_add(pp_chat_scope *arr, size_t *n, const char *scope)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(arr[i].scope, scope) == 0)
            return &arr[i];
    if (*n >= PP_CHAT_MAX_SCOPES)
        return NULL;
    pp_chat_scope *s = &arr[(*n)++];
    s->scope = pp_strdup(scope);
    s->doc = json_pack("{s:s,s:[],s:[],s:[]}", "scope", scope, "root_causes", "cascades",
                       "unmatched");
    return s;
}

pp_status pp_chat_split(json_t *explain, pp_chat_scope **out, size_t *n, char **err)
{
    *out = NULL;
    *n = 0;
    if (!json_is_object(explain))
        return pp_err(err, PP_E_PARSE, "explain output is not a JSON object");
    pp_chat_scope *arr = calloc(PP_CHAT_MAX_SCOPES, sizeof *arr);
    if (!arr)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    size_t cnt = 0, i;
    json_t *v;
    static const char *const lists[2] = { "root_causes", "unmatched" };
    for (int l = 0; l < 2; l++) {
        json_array_foreach(json_object_get(explain, lists[l]), i, v) {
            json_t *ev = l == 0 ? json_object_get(v, "event") : v;
            pp_chat_scope *s = find_or_add(arr, &cnt, scope_of(ev));
            if (!s) {
                pp_chat_scopes_free(arr, cnt);
                return pp_err(err, PP_E_LIMIT, "more than %d failing stacks or services in one "
                              "input", PP_CHAT_MAX_SCOPES);
            }
            if (!s->scope || !s->doc ||
                json_array_append(json_object_get(s->doc, lists[l]), v) != 0) {
                pp_chat_scopes_free(arr, cnt);
                return pp_err(err, PP_E_NOMEM, "out of memory");
            }
            /* roots arrive oldest first: the first one seen names the failure */
            if (!s->root_id && !(s->root_id = root_id_of(ev))) {
                pp_chat_scopes_free(arr, cnt);
                return pp_err(err, PP_E_NOMEM, "out of memory");
            }
        }
    }
    json_array_foreach(json_object_get(explain, "cascades"), i, v) {
        const char *sc = scope_of(v);
        for (size_t k = 0; k < cnt; k++)
            if (strcmp(arr[k].scope, sc) == 0 &&
                json_array_append(json_object_get(arr[k].doc, "cascades"), v) != 0) {
                pp_chat_scopes_free(arr, cnt);
                return pp_err(err, PP_E_NOMEM, "out of memory");
            }
    }
    *out = arr;
    *n = cnt;
    return PP_OK;
}

/* ---- Slack ----------------------------------------------------------------------------- */

/* ---- escaping ------------------------------------------------------------------------- */

char *pp_chat_slack_escape(const char *s)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    for (; s && *s; s++) {
        const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
        if (r)
            pp_buf_puts(&b, r);
        else
            pp_buf_append(&b, s, 1);
    }
    return pp_chat_ok(pp_buf_finish(&b));
}

char *pp_chat_slack_code(const char *s)
{
    char *e = pp_chat_slack_escape(s);
    if (!e || !strstr(e, "```"))
        return e;
    pp_buf b;
    pp_buf_init(&b, 0);
    for (const char *p = e; *p; p++) {
        pp_buf_append(&b, p, 1);
        if (p[0] == '`' && p > e && p[-1] == '`' && p[1] == '`')
            pp_buf_puts(&b, "\xE2\x80\x8B");
    }
    free(e);
    return pp_chat_ok(pp_buf_finish(&b));
}

/* Appends s with every control character (C0, DEL, C1) as '?': one line, no terminal escape. */
static void one_line(pp_buf *b, const char *s, int teams)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            pp_buf_puts(b, "?");
        } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            pp_buf_puts(b, "?");
            p++;
        } else if (!teams && *p == '`') {
            pp_buf_puts(b, "'");
        } else if (!teams && (*p == '&' || *p == '<' || *p == '>')) {
            pp_buf_puts(b, *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : "&gt;");
        } else {
            if (teams && strchr("\\`*_[](){}<>#~|!", *p))
                pp_buf_append(b, "\\", 1);
            pp_buf_append(b, p, 1);
        }
    }
}

char *pp_chat_slack_field(const char *s)
{
    char *cut = pp_chat_cut(s, PP_CHAT_FIELD_MAX);
    if (!cut)
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "`");
    one_line(&b, cut, 0);
    pp_buf_puts(&b, "`");
    free(cut);
    return pp_chat_ok(pp_buf_finish(&b));
}

char *pp_chat_teams_escape(const char *s)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    for (; s && *s; s++) {
        if (strchr("\\`*_[](){}<>#~|!", *s))
            pp_buf_append(&b, "\\", 1);
        pp_buf_append(&b, s, 1);
    }
    return pp_chat_ok(pp_buf_finish(&b));
}

char *pp_chat_teams_field(const char *s)
{
    char *cut = pp_chat_cut(s, PP_CHAT_FIELD_MAX);
    if (!cut)
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 0);
    one_line(&b, cut, 1);
    free(cut);
    return pp_chat_ok(pp_buf_finish(&b));
}

/* ---- decoded fields -------------------------------------------------------------------- */

static void field(pp_chat_field *out, size_t *n, size_t max, const char *label, const char *v)
{
    if (*n < max && v && *v)
        out[(*n)++] = (pp_chat_field){label, v};
}

size_t pp_chat_anatomy_fields(json_t *rc, pp_chat_field *out, size_t max, char *num)
{
    json_t *a = json_object_get(rc, "anatomy");
    size_t n = 0;
    json_t *loc = json_object_get(rc, "template_location");
    if (json_is_object(loc) && json_integer_value(json_object_get(loc, "line")) > 0) {
        field(out, &n, max, "Template", pp_chat_jstr(loc, "file"));
        snprintf(num, PP_CHAT_NUM, "%lld, column %lld",
                 (long long)json_integer_value(json_object_get(loc, "line")),
                 (long long)json_integer_value(json_object_get(loc, "column")));
        field(out, &n, max, "Line", num);
        if (json_is_true(json_object_get(loc, "exact")))
            field(out, &n, max, "Template path", pp_chat_jstr(loc, "pointer"));
    }
    if (!json_is_object(a))
        return n;
    json_t *na = json_object_get(a, "not_authorized");
    field(out, &n, max, "Principal", pp_chat_jstr(na, "principal"));
    field(out, &n, max, "Action", pp_chat_jstr(na, "action"));
    field(out, &n, max, "Resource", pp_chat_jstr(na, "resource"));
    field(out, &n, max, "Policy", pp_chat_jstr(na, "policy"));
    const char *why = pp_chat_jstr(na, "reason");
    if (why && strcmp(why, "unknown") != 0)
        field(out, &n, max, "Reason", why);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(json_object_get(a, "properties"), "problems"), i, v) {
        if (i >= 3)
            break;
        const char *p = pp_chat_jstr(v, "path");
        field(out, &n, max, "Property", p && *p ? p : "/");
    }
    json_t *first = json_array_get(json_object_get(json_object_get(a, "validation"), "items"), 0);
    field(out, &n, max, "Field", pp_chat_jstr(first, "field"));
    field(out, &n, max, "Constraint", pp_chat_jstr(first, "constraint"));
    field(out, &n, max, "Handler error code",
          pp_chat_jstr(json_object_get(a, "handler"), "error_code"));
    field(out, &n, max, "Error code", pp_chat_jstr(json_object_get(a, "service"), "error_code"));
    field(out, &n, max, "Stop code", pp_chat_jstr(json_object_get(a, "ecs"), "stop_code"));
    return n;
}

/* m, or NULL (m released) when any allocation failed since the counts were taken. */
static json_t *whole(json_t *m, unsigned long chat0, unsigned long json0)
{
    if (m && (pp_chat_failures != chat0 || pp_json_alloc_failures() != json0)) {
        json_decref(m);
        return NULL;
    }
    return m;
}

static json_t *render(const pp_chat_scope *s, pp_chat_target t)
{
    if (t == PP_CHAT_SLACK)
        return pp_chat_slack_message(s->doc, s->scope);
    if (t == PP_CHAT_WEBHOOK)
        return json_deep_copy(s->doc);
    /* Teams: shrink the per-block budget until the card fits the Workflows size limit. */
    for (size_t budget = 4000; budget >= 250; budget /= 2) {
        json_t *m = pp_chat_teams_card(s->doc, s->scope, budget);
        char *txt = m ? pp_json_dumps(m, JSON_COMPACT) : NULL;
        if (m && !txt) {
            json_decref(m);
            return NULL;
        }
        size_t len = txt ? strlen(txt) : 0;
        free(txt);
        if (!m || len <= PP_CHAT_TEAMS_MAX || budget < 500)
            return m;
        json_decref(m);
    }
    return NULL;
}

json_t *pp_chat_render(const pp_chat_scope *s, pp_chat_target t)
{
    unsigned long chat0 = pp_chat_failures, json0 = pp_json_alloc_failures();
    return whole(render(s, t), chat0, json0);
}

json_t *pp_chat_slack_reply(json_t *scope_doc, const char *scope)
{
    unsigned long chat0 = pp_chat_failures, json0 = pp_json_alloc_failures();
    json_t *m = pp_chat_slack_message(scope_doc, scope);
    if (m && json_object_set_new(m, "response_type", json_string("ephemeral")) != 0) {
        json_decref(m);
        return NULL;
    }
    return whole(m, chat0, json0);
}
