/* chat_teams.c — Teams Adaptive Cards (in the Workflows webhook envelope) from the explain
 * JSON (chat.h). Text from outside is Markdown-escaped (chat_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "hooks/chat.h"
#include "hooks/chat_int.h"


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
    char *e = pp_chat_teams_escape(text);
    json_t *o = e ? tb_md(e, max) : NULL;
    free(e);
    return o;
}

static void teams_root(json_t *body, json_t *actions, json_t *rc, int matched, size_t budget)
{
    json_t *ev = matched ? json_object_get(rc, "event") : rc;
    json_t *t = tb(matched && pp_chat_jstr(rc, "title") ? pp_chat_jstr(rc, "title")
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
        const char *val = pp_chat_jstr(ev, fk[i][0]);
        char *ev_ = val && *val ? pp_chat_teams_escape(val) : NULL;
        if (ev_)
            json_array_append_new(facts, json_pack("{s:s,s:s}", "title", fk[i][1], "value", ev_));
        free(ev_);
    }
    pp_chat_field af[PP_CHAT_MAX_FIELDS];
    char num[PP_CHAT_NUM];
    size_t naf = matched ? pp_chat_anatomy_fields(rc, af, PP_CHAT_MAX_FIELDS, num) : 0;
    for (size_t i = 0; facts && i < naf; i++) {
        char *v = pp_chat_teams_field(af[i].value);
        if (v)
            json_array_append_new(facts, json_pack("{s:s,s:s}", "title", af[i].label, "value",
                                                   v));
        free(v);
    }
    if (matched && facts) {
        char *k = CHAT_ASPRINTF("%s (%s, %s)", pp_chat_jstr(rc, "kb_id") ? pp_chat_jstr(rc,
                                "kb_id") : "?",
                              pp_chat_jstr(rc, "confidence") ? pp_chat_jstr(rc, "confidence") : "?",
                              pp_chat_jstr(rc, "source") ? pp_chat_jstr(rc, "source") : "kb");
        if (k)
            json_array_append_new(facts, json_pack("{s:s,s:s}", "title", "KB entry", "value", k));
        free(k);
    }
    if (facts)
        json_array_append_new(body, json_pack("{s:s,s:o}", "type", "FactSet", "facts", facts));
    json_t *r = tb(pp_chat_jstr(ev, "reason"), budget);
    if (r) {
        json_object_set_new(r, "fontType", json_string("Monospace"));
        json_array_append_new(body, r);
    }
    if (matched)
        json_array_append_new(body, tb(pp_chat_jstr(rc, "explanation"), budget));
    json_t *fix = json_object_get(rc, "fix");
    if (json_array_size(fix)) {
        pp_buf b;
        pp_buf_init(&b, 0);
        pp_buf_puts(&b, "**Fix**");
        size_t i;
        json_t *s;
        json_array_foreach(fix, i, s) {
            char *e = pp_chat_teams_escape(json_string_value(s));
            pp_buf_printf(&b, "\n\n%zu. %s", i + 1, e ? e : "");
            free(e);
        }
        json_array_append_new(body, tb_md(pp_chat_buf(&b), budget));
        pp_buf_free(&b);
    }
    json_t *cmds = json_object_get(rc, "commands");
    if (json_array_size(cmds)) {
        pp_buf b;
        pp_buf_init(&b, 0);
        size_t i;
        json_t *s;
        json_array_foreach(cmds, i, s) {
            char *e = pp_chat_teams_escape(json_string_value(s));
            pp_buf_printf(&b, "%s%s", i ? "\n\n" : "", e ? e : "");
            free(e);
        }
        json_t *c = tb_md(pp_chat_buf(&b), budget);
        if (c) {
            json_object_set_new(c, "fontType", json_string("Monospace"));
            json_array_append_new(body, c);
        }
        pp_buf_free(&b);
    }
    json_t *ai = json_object_get(rc, "ai");
    if (json_is_object(ai) && pp_chat_jstr(ai, "text")) {
        const char *model = pp_chat_jstr(ai, "model") ? pp_chat_jstr(ai, "model") : "model";
        char *h = CHAT_ASPRINTF("AI reading (Amazon Bedrock, %s; not from the knowledge base, "
                                "check before acting)", model);
        json_t *hb = tb(h, 300);
        free(h);
        if (hb) {
            json_object_set_new(hb, "weight", json_string("Bolder"));
            json_object_set_new(hb, "isSubtle", json_true());
            json_array_append_new(body, hb);
        }
        json_array_append_new(body, tb(pp_chat_jstr(ai, "text"), budget));
    } else if (json_is_object(ai) && pp_chat_jstr(ai, "note")) {
        char *h = CHAT_ASPRINTF("AI: %s", pp_chat_jstr(ai, "note"));
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

json_t *pp_chat_teams_card(json_t *doc, const char *scope, size_t budget)
{
    json_t *body = json_array(), *actions = json_array();
    char *h = CHAT_ASPRINTF("Deployment failed: %s", scope);
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
        char *more = CHAT_ASPRINTF(ELLIPSIS " %zu more root cause%s not shown (parapet explain "
                                 "has them all)", total - shown, total - shown == 1 ? "" : "s");
        json_t *mb = tb(more, 300);
        free(more);
        if (mb)
            json_array_append_new(body, mb);
    }
    size_t nc = json_array_size(json_object_get(doc, "cascades"));
    char *ctx = CHAT_ASPRINTF("Parapet · %zu follow-on failure%s", nc, nc == 1 ? "" : "s");
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

