/* chat_slack.c — Slack Block Kit messages from the explain JSON (chat.h): the notification,
 * the slash command's reply and its answer texts. Text from outside is escaped for mrkdwn
 * (chat_int.h); lengths are counted in bytes, never more lenient than Slack's characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "hooks/chat.h"
#include "hooks/chat_int.h"
#include "hooks/slack.h"

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
    char *e = pp_chat_slack_escape(text);
    char *m = e ? CHAT_ASPRINTF("*%s*\n%s", label, e) : NULL;
    if (m)
        add_section(blocks, m);
    free(m);
    free(e);
}

/* "*Decoded*" and one line per anatomy field, each value an inline code span. */
static void decoded(json_t *blocks, json_t *rc)
{
    pp_chat_field f[PP_CHAT_MAX_FIELDS];
    char num[PP_CHAT_NUM];
    size_t n = pp_chat_anatomy_fields(rc, f, PP_CHAT_MAX_FIELDS, num);
    if (!n)
        return;
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "*Decoded*");
    for (size_t i = 0; i < n; i++) {
        char *v = pp_chat_slack_field(f[i].value);
        pp_buf_printf(&b, "\n%s: %s", f[i].label, v ? v : "");
        free(v);
    }
    add_section(blocks, pp_chat_buf(&b));
    pp_buf_free(&b);
}

static void event_line(pp_buf *b, json_t *ev)
{
    const char *parts[] = { pp_chat_jstr(ev, "resource_type"), pp_chat_jstr(ev, "logical_id"),
                            pp_chat_jstr(ev, "container"), pp_chat_jstr(ev, "status") };
    for (size_t i = 0; i < PP_ARRAY_LEN(parts); i++)
        if (parts[i] && *parts[i])
            pp_buf_printf(b, "%s%s", b->len ? " · " : "", parts[i]);
}

static void slack_root(json_t *blocks, json_t *rc, int matched)
{
    json_t *ev = matched ? json_object_get(rc, "event") : rc;
    const char *title = matched ? pp_chat_jstr(rc, "title")
                                : "No knowledge-base entry matched this failure";
    pp_buf b;
    pp_buf_init(&b, 0);
    char *t = pp_chat_slack_escape(title ? title : "Root cause");
    pp_buf_printf(&b, ":rotating_light: *%s*", t ? t : "");
    free(t);
    add_section(blocks, pp_chat_buf(&b));
    pp_buf_free(&b);

    pp_buf_init(&b, 0);
    event_line(&b, ev);
    char *head = pp_chat_ok(pp_buf_finish(&b));
    const char *reason = pp_chat_jstr(ev, "reason");
    char *er = pp_chat_slack_escape(reason ? reason : "");
    char *eh = pp_chat_slack_escape(head ? head : "");
    char *m = CHAT_ASPRINTF("*What happened* (%s)\n>%s", eh ? eh : "", er ? er : "");
    if (m)
        add_section(blocks, m);
    free(m);
    free(er);
    free(eh);
    free(head);
    if (matched)
        decoded(blocks, rc);
    if (matched)
        section_kv(blocks, "Why", pp_chat_jstr(rc, "explanation"));

    json_t *fix = json_object_get(rc, "fix");
    if (json_array_size(fix)) {
        pp_buf_init(&b, 0);
        pp_buf_puts(&b, "*Fix*");
        size_t i;
        json_t *s;
        json_array_foreach(fix, i, s) {
            char *e = pp_chat_slack_escape(json_string_value(s));
            pp_buf_printf(&b, "\n%zu. %s", i + 1, e ? e : "");
            free(e);
        }
        add_section(blocks, pp_chat_buf(&b));
        pp_buf_free(&b);
    }
    json_t *cmds = json_object_get(rc, "commands");
    if (json_array_size(cmds)) {
        pp_buf_init(&b, 0);
        pp_buf_puts(&b, "*Commands*\n```");
        size_t i;
        json_t *s;
        json_array_foreach(cmds, i, s) {
            char *e = pp_chat_slack_code(json_string_value(s));
            pp_buf_printf(&b, "%s%s", i ? "\n" : "", e ? e : "");
            free(e);
        }
        /* keep the closing fence even when the list is cut */
        char *body = pp_chat_cut(pp_chat_buf(&b), PP_CHAT_SLACK_TEXT_MAX - 3);
        char *full = body ? CHAT_ASPRINTF("%s```", body) : NULL;
        if (full)
            add_section(blocks, full);
        free(full);
        free(body);
        pp_buf_free(&b);
    }
    json_t *ai = json_object_get(rc, "ai");
    if (json_is_object(ai) && pp_chat_jstr(ai, "text")) {
        char *e = pp_chat_slack_escape(pp_chat_jstr(ai, "text"));
        char *mm = CHAT_ASPRINTF(":robot_face: *AI reading* (Amazon Bedrock, %s; not from the "
                               "knowledge base, check before acting)\n%s",
                               pp_chat_jstr(ai, "model") ? pp_chat_jstr(ai, "model") : "model",
                               e ? e : "");
        if (mm)
            add_section(blocks, mm);
        free(mm);
        free(e);
    } else if (json_is_object(ai) && pp_chat_jstr(ai, "note")) {
        char *e = pp_chat_slack_escape(pp_chat_jstr(ai, "note"));
        char *mm = CHAT_ASPRINTF("AI: %s", e ? e : "");
        if (mm)
            add_context(blocks, mm);
        free(mm);
        free(e);
    }
    json_t *links = json_object_get(rc, "links");
    pp_buf_init(&b, 0);
    if (matched)
        pp_buf_printf(&b, "kb `%s` · confidence %s · source %s",
                      pp_chat_jstr(rc, "kb_id") ? pp_chat_jstr(rc, "kb_id") : "?",
                      pp_chat_jstr(rc, "confidence") ? pp_chat_jstr(rc, "confidence") : "?",
                      pp_chat_jstr(rc, "source") ? pp_chat_jstr(rc, "source") : "kb");
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
    add_context(blocks, pp_chat_buf(&b));
    pp_buf_free(&b);
}

json_t *pp_chat_slack_message(json_t *doc, const char *scope)
{
    json_t *blocks = json_array();
    if (!blocks)
        return NULL;
    char *h = CHAT_ASPRINTF("Deployment failed: %s", scope);
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
            first_title = pp_chat_jstr(v, "title");
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
    char *ctx = CHAT_ASPRINTF("Parapet · %zu root cause%s%s · %zu follow-on failure%s", total,
                            total == 1 ? "" : "s",
                            shown < total ? " (" ELLIPSIS " some not shown)" : "", nc,
                            nc == 1 ? "" : "s");
    if (ctx && json_array_size(blocks) < PP_CHAT_SLACK_MAX_BLOCKS)
        json_array_append_new(blocks, json_pack("{s:s,s:[{s:s,s:s}]}", "type", "context",
                                                "elements", "type", "mrkdwn", "text", ctx));
    free(ctx);
    /* the notification text: Slack reads mrkdwn there too */
    char *es = pp_chat_slack_escape(scope);
    char *et = pp_chat_slack_escape(first_title ? first_title : "");
    char *fallback = es && et ? CHAT_ASPRINTF("Deployment failed: %s%s%s", es,
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

char *pp_chat_slack_usage(void)
{
    return pp_slack_text("Usage: `/parapet why STACK` shows the latest explanation Parapet "
                         "recorded for a stack or ECS service.");
}

char *pp_chat_slack_answer(json_t *doc, const char *stack, const char *origin, int64_t when,
                           int have_state)
{
    if (!doc) {
        if (!have_state)
            return pp_slack_text("Parapet has no state store to answer from (serve "
                                 "--state).");
        char *t = pp_asprintf("No failure recorded for `%.200s`. Parapet records stacks and "
                              "services when it posts an explanation (notify or Lambda mode).",
                              stack);
        char *a = t ? pp_slack_text(t) : NULL;
        free(t);
        return a;
    }
    json_t *msg = pp_chat_slack_reply(doc, stack);
    if (!msg)
        return NULL;
    char tbuf[32] = "";
    time_t tt = (time_t)when;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(tbuf, sizeof tbuf, "%Y-%m-%d %H:%M UTC", &tm);
    json_t *blocks = json_object_get(msg, "blocks");
    char *ctx = pp_asprintf("%s %s", origin, tbuf);
    int bad = !ctx;
    if (ctx && json_array_size(blocks) < PP_CHAT_SLACK_MAX_BLOCKS)
        bad = json_array_append_new(blocks, json_pack("{s:s,s:[{s:s,s:s}]}", "type", "context",
                                                      "elements", "type", "mrkdwn", "text",
                                                      ctx)) != 0;
    free(ctx);
    char *answer = bad ? NULL : pp_json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    return answer;
}
