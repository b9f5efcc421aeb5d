/* chat.c — Slack Block Kit, Teams Adaptive Card and webhook bodies from the explain JSON (see
 * chat.h). Lengths are counted in bytes, which is never more lenient than Slack's characters.
 */
#include "hooks/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/crypto.h"
#include "engine/base/util.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* … */

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
        return pp_strdup(s);
    size_t keep = max > 3 ? max - 3 : 0;
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--;   /* do not split a UTF-8 sequence */
    return pp_asprintf("%.*s" ELLIPSIS, (int)keep, s);
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- split ----------------------------------------------------------------------------- */

static const char *scope_of(json_t *ev)
{
    const char *s = jstr(ev, "stack");
    if (!s || !*s)
        s = jstr(ev, "service");
    return s && *s ? s : "message";
}

static char *root_id_of(json_t *ev)
{
    const char *id = jstr(ev, "event_id");
    if (id && *id)
        return pp_strdup(id);
    /* No id (ECS tasks, pasted messages): a hash of what identifies the occurrence. */
    char *k = pp_asprintf("%s|%s|%s|%s|%s|%s", jstr(ev, "source") ? jstr(ev, "source") : "",
                          jstr(ev, "timestamp") ? jstr(ev, "timestamp") : "",
                          jstr(ev, "task_arn") ? jstr(ev, "task_arn") : "",
                          jstr(ev, "logical_id") ? jstr(ev, "logical_id") : "",
                          jstr(ev, "status") ? jstr(ev, "status") : "",
                          jstr(ev, "reason") ? jstr(ev, "reason") : "");
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
            if (strcmp(arr[k].scope, sc) == 0)
                json_array_append(json_object_get(arr[k].doc, "cascades"), v);
    }
    *out = arr;
    *n = cnt;
    return PP_OK;
}

/* ---- Slack ----------------------------------------------------------------------------- */

/* mrkdwn needs &, < and > escaped. */
static char *slack_escape(const char *s)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    for (; s && *s; s++) {
        const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : NULL;
        if ((r ? pp_buf_puts(&b, r) : pp_buf_append(&b, s, 1)) != PP_OK) {
            pp_buf_free(&b);
            return NULL;
        }
    }
    return pp_buf_steal(&b);
}

/* For a line inside a ``` block: slack_escape, and a ``` in the text (a captured value) gets a
 * zero-width space after its second backtick, so it cannot close the block. */
static char *slack_code(const char *s)
{
    char *e = slack_escape(s);
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
    return pp_buf_steal(&b);
}

/* Teams renders TextBlock text as Markdown: a backslash before every character Markdown gives
 * a meaning (links, emphasis, code, headings, HTML), so text from a failure message reads as
 * written and never becomes a live link. */
static char *teams_escape(const char *s)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    for (; s && *s; s++) {
        if (strchr("\\`*_[](){}<>#~|!", *s))
            pp_buf_append(&b, "\\", 1);
        if (pp_buf_append(&b, s, 1) != PP_OK) {
            pp_buf_free(&b);
            return NULL;
        }
    }
    return pp_buf_steal(&b);
}

static int add_section(json_t *blocks, const char *mrkdwn)
{
    if (json_array_size(blocks) >= PP_CHAT_SLACK_MAX_BLOCKS - 1)
        return 0;
    char *t = pp_chat_cut(mrkdwn, PP_CHAT_SLACK_TEXT_MAX);
    json_t *b = t ? json_pack("{s:s,s:{s:s,s:s}}", "type", "section", "text", "type", "mrkdwn",
                              "text", t) : NULL;
    free(t);
    return b ? json_array_append_new(blocks, b) : -1;
}

static int add_context(json_t *blocks, const char *mrkdwn)
{
    if (json_array_size(blocks) >= PP_CHAT_SLACK_MAX_BLOCKS - 1)
        return 0;
    char *t = pp_chat_cut(mrkdwn, PP_CHAT_SLACK_TEXT_MAX);
    json_t *b = t ? json_pack("{s:s,s:[{s:s,s:s}]}", "type", "context", "elements", "type",
                              "mrkdwn", "text", t) : NULL;
    free(t);
    return b ? json_array_append_new(blocks, b) : -1;
}

/* "*label*\n" + escaped text (already-escaped parts are passed pre-built). */
static void section_kv(json_t *blocks, const char *label, const char *text)
{
    if (!text || !*text)
        return;
    char *e = slack_escape(text);
    char *m = e ? pp_asprintf("*%s*\n%s", label, e) : NULL;
    if (m)
        add_section(blocks, m);
    free(m);
    free(e);
}

static void event_line(pp_buf *b, json_t *ev)
{
    const char *parts[] = { jstr(ev, "resource_type"), jstr(ev, "logical_id"),
                            jstr(ev, "container"), jstr(ev, "status") };
    for (size_t i = 0; i < PP_ARRAY_LEN(parts); i++)
        if (parts[i] && *parts[i])
            pp_buf_printf(b, "%s%s", b->len ? " · " : "", parts[i]);
}

static void slack_root(json_t *blocks, json_t *rc, int matched)
{
    json_t *ev = matched ? json_object_get(rc, "event") : rc;
    const char *title = matched ? jstr(rc, "title") : "No knowledge-base entry matched this "
                                                      "failure";
    pp_buf b;
    pp_buf_init(&b, 0);
    char *t = slack_escape(title ? title : "Root cause");
    pp_buf_printf(&b, ":rotating_light: *%s*", t ? t : "");
    free(t);
    add_section(blocks, b.data ? b.data : "");
    pp_buf_free(&b);

    pp_buf_init(&b, 0);
    event_line(&b, ev);
    char *head = pp_buf_steal(&b);
    const char *reason = jstr(ev, "reason");
    char *er = slack_escape(reason ? reason : "");
    char *eh = slack_escape(head ? head : "");
    char *m = pp_asprintf("*What happened* (%s)\n>%s", eh ? eh : "", er ? er : "");
    if (m)
        add_section(blocks, m);
    free(m);
    free(er);
    free(eh);
    free(head);
    if (matched)
        section_kv(blocks, "Why", jstr(rc, "explanation"));

    json_t *fix = json_object_get(rc, "fix");
    if (json_array_size(fix)) {
        pp_buf_init(&b, 0);
        pp_buf_puts(&b, "*Fix*");
        size_t i;
        json_t *s;
        json_array_foreach(fix, i, s) {
            char *e = slack_escape(json_string_value(s));
            pp_buf_printf(&b, "\n%zu. %s", i + 1, e ? e : "");
            free(e);
        }
        add_section(blocks, b.data);
        pp_buf_free(&b);
    }
    json_t *cmds = json_object_get(rc, "commands");
    if (json_array_size(cmds)) {
        pp_buf_init(&b, 0);
        pp_buf_puts(&b, "*Commands*\n```");
        size_t i;
        json_t *s;
        json_array_foreach(cmds, i, s) {
            char *e = slack_code(json_string_value(s));
            pp_buf_printf(&b, "%s%s", i ? "\n" : "", e ? e : "");
            free(e);
        }
        /* keep the closing fence even when the list is cut */
        char *body = pp_chat_cut(b.data, PP_CHAT_SLACK_TEXT_MAX - 3);
        char *full = body ? pp_asprintf("%s```", body) : NULL;
        if (full)
            add_section(blocks, full);
        free(full);
        free(body);
        pp_buf_free(&b);
    }
    json_t *ai = json_object_get(rc, "ai");
    if (json_is_object(ai) && jstr(ai, "text")) {
        char *e = slack_escape(jstr(ai, "text"));
        char *mm = pp_asprintf(":robot_face: *AI reading* (Amazon Bedrock, %s; not from the "
                               "knowledge base, check before acting)\n%s",
                               jstr(ai, "model") ? jstr(ai, "model") : "model",
                               e ? e : "");
        if (mm)
            add_section(blocks, mm);
        free(mm);
        free(e);
    } else if (json_is_object(ai) && jstr(ai, "note")) {
        char *e = slack_escape(jstr(ai, "note"));
        char *mm = pp_asprintf("AI: %s", e ? e : "");
        if (mm)
            add_context(blocks, mm);
        free(mm);
        free(e);
    }
    json_t *links = json_object_get(rc, "links");
    pp_buf_init(&b, 0);
    if (matched)
        pp_buf_printf(&b, "kb `%s` · confidence %s · source %s",
                      jstr(rc, "kb_id") ? jstr(rc, "kb_id") : "?",
                      jstr(rc, "confidence") ? jstr(rc, "confidence") : "?",
                      jstr(rc, "source") ? jstr(rc, "source") : "kb");
    else
        pp_buf_puts(&b, "unmatched: collect the stack events and stopped tasks, or add a KB "
                        "entry");
    size_t i;
    json_t *l;
    json_array_foreach(links, i, l) {
        const char *u = json_string_value(l);
        if (i < 3 && u && strncmp(u, "https://", 8) == 0 && !strpbrk(u, "<>|"))
            pp_buf_printf(&b, " · <%s|doc %zu>", u, i + 1);
    }
    add_context(blocks, b.data ? b.data : "");
    pp_buf_free(&b);
}

static json_t *slack_message(json_t *doc, const char *scope)
{
    json_t *blocks = json_array();
    if (!blocks)
        return NULL;
    char *h = pp_asprintf("Deployment failed: %s", scope);
    char *hc = h ? pp_chat_cut(h, PP_CHAT_SLACK_HEADER_MAX) : NULL;
    json_array_append_new(blocks, json_pack("{s:s,s:{s:s,s:s,s:b}}", "type", "header", "text",
                                            "type", "plain_text", "text", hc ? hc : "Deployment "
                                            "failed", "emoji", 1));
    free(h);
    json_t *roots = json_object_get(doc, "root_causes");
    json_t *unm = json_object_get(doc, "unmatched");
    size_t i, total = json_array_size(roots) + json_array_size(unm), shown = 0;
    json_t *v;
    const char *first_title = NULL;
    json_array_foreach(roots, i, v) {
        if (json_array_size(blocks) > PP_CHAT_SLACK_MAX_BLOCKS - 10)
            break;
        if (shown)
            json_array_append_new(blocks, json_pack("{s:s}", "type", "divider"));
        slack_root(blocks, v, 1);
        if (!first_title)
            first_title = jstr(v, "title");
        shown++;
    }
    json_array_foreach(unm, i, v) {
        if (json_array_size(blocks) > PP_CHAT_SLACK_MAX_BLOCKS - 10)
            break;
        if (shown)
            json_array_append_new(blocks, json_pack("{s:s}", "type", "divider"));
        slack_root(blocks, v, 0);
        shown++;
    }
    size_t nc = json_array_size(json_object_get(doc, "cascades"));
    char *ctx = pp_asprintf("Parapet · %zu root cause%s%s · %zu follow-on failure%s", total,
                            total == 1 ? "" : "s",
                            shown < total ? " (" ELLIPSIS " some not shown)" : "", nc,
                            nc == 1 ? "" : "s");
    if (ctx && json_array_size(blocks) < PP_CHAT_SLACK_MAX_BLOCKS)
        json_array_append_new(blocks, json_pack("{s:s,s:[{s:s,s:s}]}", "type", "context",
                                                "elements", "type", "mrkdwn", "text", ctx));
    free(ctx);
    /* the notification text: Slack reads mrkdwn there too */
    char *es = slack_escape(scope), *et = slack_escape(first_title ? first_title : "");
    char *fallback = es && et ? pp_asprintf("Deployment failed: %s%s%s", es,
                                            first_title ? " — " : "", et) : NULL;
    free(es);
    free(et);
    char *fb = fallback ? pp_chat_cut(fallback, PP_CHAT_SLACK_TEXT_MAX) : NULL;
    json_t *msg = fb ? json_pack("{s:s,s:o}", "text", fb, "blocks", blocks) : NULL;
    if (!msg)
        json_decref(blocks);
    free(fallback);
    free(fb);
    free(hc);
    return msg;
}

/* ---- Teams ----------------------------------------------------------------------------- */

/* A TextBlock of our own Markdown (headings we write); tb() for any text from outside. */
static json_t *tb_md(const char *text, size_t max)
{
    char *t = pp_chat_cut(text ? text : "", max);
    json_t *o = t ? json_pack("{s:s,s:s,s:b}", "type", "TextBlock", "text", t, "wrap", 1) : NULL;
    free(t);
    return o;
}

/* A TextBlock of untrusted text, Markdown-escaped (teams_escape). */
static json_t *tb(const char *text, size_t max)
{
    char *e = teams_escape(text);
    json_t *o = e ? tb_md(e, max) : NULL;
    free(e);
    return o;
}

static void teams_root(json_t *body, json_t *actions, json_t *rc, int matched, size_t budget)
{
    json_t *ev = matched ? json_object_get(rc, "event") : rc;
    json_t *t = tb(matched && jstr(rc, "title") ? jstr(rc, "title")
                                                : "No knowledge-base entry matched this failure",
                   300);
    if (t) {
        json_object_set_new(t, "weight", json_string("Bolder"));
        json_object_set_new(t, "size", json_string("Medium"));
        json_object_set_new(t, "color", json_string("Attention"));
        json_array_append_new(body, t);
    }
    json_t *facts = json_array();
    static const char *const fk[][2] = { { "stack", "Stack" }, { "service", "Service" },
                                         { "resource_type", "Type" },
                                         { "logical_id", "Resource" },
                                         { "status", "Status" }, { "timestamp", "Time" } };
    for (size_t i = 0; facts && i < PP_ARRAY_LEN(fk); i++) {
        const char *val = jstr(ev, fk[i][0]);
        char *ev_ = val && *val ? teams_escape(val) : NULL;
        if (ev_)
            json_array_append_new(facts, json_pack("{s:s,s:s}", "title", fk[i][1], "value", ev_));
        free(ev_);
    }
    if (matched && facts) {
        char *k = pp_asprintf("%s (%s, %s)", jstr(rc, "kb_id") ? jstr(rc, "kb_id") : "?",
                              jstr(rc, "confidence") ? jstr(rc, "confidence") : "?",
                              jstr(rc, "source") ? jstr(rc, "source") : "kb");
        if (k)
            json_array_append_new(facts, json_pack("{s:s,s:s}", "title", "KB entry", "value", k));
        free(k);
    }
    if (facts)
        json_array_append_new(body, json_pack("{s:s,s:o}", "type", "FactSet", "facts", facts));
    json_t *r = tb(jstr(ev, "reason"), budget);
    if (r) {
        json_object_set_new(r, "fontType", json_string("Monospace"));
        json_array_append_new(body, r);
    }
    if (matched)
        json_array_append_new(body, tb(jstr(rc, "explanation"), budget));
    json_t *fix = json_object_get(rc, "fix");
    if (json_array_size(fix)) {
        pp_buf b;
        pp_buf_init(&b, 0);
        pp_buf_puts(&b, "**Fix**");
        size_t i;
        json_t *s;
        json_array_foreach(fix, i, s) {
            char *e = teams_escape(json_string_value(s));
            pp_buf_printf(&b, "\n\n%zu. %s", i + 1, e ? e : "");
            free(e);
        }
        json_array_append_new(body, tb_md(b.data, budget));
        pp_buf_free(&b);
    }
    json_t *cmds = json_object_get(rc, "commands");
    if (json_array_size(cmds)) {
        pp_buf b;
        pp_buf_init(&b, 0);
        size_t i;
        json_t *s;
        json_array_foreach(cmds, i, s) {
            char *e = teams_escape(json_string_value(s));
            pp_buf_printf(&b, "%s%s", i ? "\n\n" : "", e ? e : "");
            free(e);
        }
        json_t *c = tb_md(b.data, budget);
        if (c) {
            json_object_set_new(c, "fontType", json_string("Monospace"));
            json_array_append_new(body, c);
        }
        pp_buf_free(&b);
    }
    json_t *ai = json_object_get(rc, "ai");
    if (json_is_object(ai) && jstr(ai, "text")) {
        char *h = pp_asprintf("AI reading (Amazon Bedrock, %s; not from the knowledge base, "
                              "check before acting)", jstr(ai, "model") ? jstr(ai, "model")
                                                                         : "model");
        json_t *hb = tb(h, 300);
        free(h);
        if (hb) {
            json_object_set_new(hb, "weight", json_string("Bolder"));
            json_object_set_new(hb, "isSubtle", json_true());
            json_array_append_new(body, hb);
        }
        json_array_append_new(body, tb(jstr(ai, "text"), budget));
    } else if (json_is_object(ai) && jstr(ai, "note")) {
        char *h = pp_asprintf("AI: %s", jstr(ai, "note"));
        json_t *nb = tb(h, 500);
        free(h);
        if (nb) {
            json_object_set_new(nb, "isSubtle", json_true());
            json_array_append_new(body, nb);
        }
    }
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(rc, "links"), i, l) {
        const char *u = json_string_value(l);
        if (json_array_size(actions) < 3 && u && strncmp(u, "https://", 8) == 0)
            json_array_append_new(actions, json_pack("{s:s,s:s,s:s}", "type", "Action.OpenUrl",
                                                     "title", "Documentation", "url", u));
    }
}

static json_t *teams_card(json_t *doc, const char *scope, size_t budget)
{
    json_t *body = json_array(), *actions = json_array();
    char *h = pp_asprintf("Deployment failed: %s", scope);
    json_t *hb = tb(h, 300);
    free(h);
    if (hb) {
        json_object_set_new(hb, "weight", json_string("Bolder"));
        json_object_set_new(hb, "size", json_string("Large"));
        json_array_append_new(body, hb);
    }
    /* Roots are added while the card stays under the size limit; the rest are counted. */
    size_t total = json_array_size(json_object_get(doc, "root_causes")) +
                   json_array_size(json_object_get(doc, "unmatched"));
    size_t shown = 0;
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(doc, l == 0 ? "root_causes" : "unmatched"), i, v) {
            size_t before = json_array_size(body);
            teams_root(body, actions, v, l == 0, budget);
            char *txt = json_dumps(body, JSON_COMPACT);
            size_t len = txt ? strlen(txt) : 0;
            free(txt);
            if (shown > 0 && len > PP_CHAT_TEAMS_MAX - 2000) {
                while (json_array_size(body) > before)
                    json_array_remove(body, json_array_size(body) - 1);
                break;
            }
            shown++;
        }
        if (shown < (l == 0 ? json_array_size(json_object_get(doc, "root_causes")) : total))
            break;
    }
    if (shown < total) {
        char *more = pp_asprintf(ELLIPSIS " %zu more root cause%s not shown (parapet explain "
                                 "has them all)", total - shown, total - shown == 1 ? "" : "s");
        json_t *mb = tb(more, 300);
        free(more);
        if (mb)
            json_array_append_new(body, mb);
    }
    size_t nc = json_array_size(json_object_get(doc, "cascades"));
    char *ctx = pp_asprintf("Parapet · %zu follow-on failure%s", nc, nc == 1 ? "" : "s");
    json_t *cb = tb(ctx, 300);
    free(ctx);
    if (cb) {
        json_object_set_new(cb, "isSubtle", json_true());
        json_object_set_new(cb, "size", json_string("Small"));
        json_array_append_new(body, cb);
    }
    json_t *card = json_pack("{s:s,s:s,s:s,s:o,s:o}", "$schema",
                             "http://adaptivecards.io/schemas/adaptive-card.json", "type",
                             "AdaptiveCard", "version", "1.4", "body", body, "actions", actions);
    return card ? json_pack("{s:s,s:[{s:s,s:n,s:o}]}", "type", "message", "attachments",
                            "contentType", "application/vnd.microsoft.card.adaptive",
                            "contentUrl", "content", card) : NULL;
}

json_t *pp_chat_render(const pp_chat_scope *s, pp_chat_target t)
{
    if (t == PP_CHAT_SLACK)
        return slack_message(s->doc, s->scope);
    if (t == PP_CHAT_WEBHOOK)
        return json_deep_copy(s->doc);
    /* Teams: shrink the per-block budget until the card fits the Workflows size limit. */
    for (size_t budget = 4000; budget >= 250; budget /= 2) {
        json_t *m = teams_card(s->doc, s->scope, budget);
        char *txt = m ? json_dumps(m, JSON_COMPACT) : NULL;
        size_t len = txt ? strlen(txt) : 0;
        free(txt);
        if (!m || len <= PP_CHAT_TEAMS_MAX || budget < 500)
            return m;
        json_decref(m);
    }
    return NULL;
}

json_t *pp_chat_slack_reply(json_t *scope_doc, const char *scope)
{
    json_t *m = slack_message(scope_doc, scope);
    if (m)
        json_object_set_new(m, "response_type", json_string("ephemeral"));
    return m;
}
