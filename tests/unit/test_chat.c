/* test_chat.c — hooks/chat.c and parts of hooks/notify.c: cutting at UTF-8 boundaries,
 * grouping an explain document by stack/service, Block Kit and Teams limits, Retry-After. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hooks/chat.h"
#include "hooks/notify.h"

/* pp_chat_split of d, which must succeed; *n the number of scopes. */
static pp_chat_scope *split_ok(json_t *d, size_t *n)
{
    pp_chat_scope *sc = NULL;
    char *err = NULL;
    assert_int_equal(pp_chat_split(d, &sc, n, &err), PP_OK);
    return sc;
}

static void test_cut(void **state)
{
    (void)state;
    char *s = pp_chat_cut("hello", 10);
    assert_string_equal(s, "hello");
    free(s);
    s = pp_chat_cut("abcdefghij", 8);
    assert_string_equal(s, "abcde\xe2\x80\xa6");
    assert_true(strlen(s) <= 8);
    free(s);
    /* "ééééé" is 10 bytes; cutting at 8 must not split a 2-byte sequence */
    s = pp_chat_cut("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8);
    assert_string_equal(s, "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
    free(s);
}

static json_t *doc_with(size_t nroots, size_t reason_len)
{
    json_t *roots = json_array(), *casc = json_array();
    char *reason = malloc(reason_len + 1);
    memset(reason, 'x', reason_len);
    reason[reason_len] = '\0';
    for (size_t i = 0; i < nroots; i++) {
        json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s}", "stack", i % 2 ? "a" : "b", "event_id",
                               i % 2 ? "ea" : "eb", "status", "CREATE_FAILED", "reason", reason,
                               "role", "cause");
        json_array_append_new(roots, json_pack("{s:o,s:s,s:s,s:s,s:s,s:[s,s],s:[s],s:[],s:s}",
                                               "event", ev, "kb_id", "k", "title", "T <&>",
                                               "confidence", "high", "explanation", reason,
                                               "fix", "one", "two", "commands", "aws x",
                                               "links", "source", "kb"));
    }
    json_array_append_new(casc, json_pack("{s:s,s:s}", "stack", "a", "reason", "cancelled"));
    json_array_append_new(casc, json_pack("{s:s,s:s}", "service", "zz", "reason", "other"));
    free(reason);
    return json_pack("{s:o,s:o,s:[]}", "root_causes", roots, "cascades", casc, "unmatched");
}

static void test_split(void **state)
{
    (void)state;
    json_t *d = doc_with(4, 10);
    size_t n;
    pp_chat_scope *sc = split_ok(d, &n);
    char *err = NULL;
    assert_int_equal(n, 2);
    assert_string_equal(sc[0].scope, "b");
    assert_string_equal(sc[0].root_id, "eb");
    assert_int_equal(json_array_size(json_object_get(sc[0].doc, "root_causes")), 2);
    assert_int_equal(json_array_size(json_object_get(sc[1].doc, "cascades")), 1);
    assert_int_equal(json_array_size(json_object_get(sc[0].doc, "cascades")), 0);
    pp_chat_scopes_free(sc, n);
    json_decref(d);
    assert_int_equal(pp_chat_split(json_null(), &sc, &n, &err), PP_E_PARSE);
    free(err);
}

static void test_slack_limits(void **state)
{
    (void)state;
    json_t *d = doc_with(120, 9000);
    size_t n;
    pp_chat_scope *sc = split_ok(d, &n);
    json_t *m = pp_chat_render(&sc[0], PP_CHAT_SLACK);
    json_t *blocks = json_object_get(m, "blocks");
    assert_true(json_array_size(blocks) <= PP_CHAT_SLACK_MAX_BLOCKS);
    size_t i;
    json_t *b;
    int cut = 0, escaped = 0;
    json_array_foreach(blocks, i, b) {
        const char *t = json_string_value(json_object_get(json_object_get(b, "text"), "text"));
        if (t && strcmp(json_string_value(json_object_get(b, "type")), "section") == 0) {
            assert_true(strlen(t) <= PP_CHAT_SLACK_TEXT_MAX);
            cut |= strstr(t, "\xe2\x80\xa6") != NULL;
            escaped |= strstr(t, "T &lt;&amp;&gt;") != NULL;
        }
    }
    assert_true(cut);
    assert_true(escaped);
    json_decref(m);
    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    char *txt = json_dumps(m, JSON_COMPACT);
    assert_true(strlen(txt) <= PP_CHAT_TEAMS_MAX);
    assert_non_null(strstr(txt, "more root causes not shown"));
    assert_string_equal(json_string_value(json_object_get(m, "type")), "message");
    free(txt);
    json_decref(m);
    pp_chat_scopes_free(sc, n);
    json_decref(d);
}

static void test_small_teams_fits_and_targets(void **state)
{
    (void)state;
    json_t *d = doc_with(2, 100);
    size_t n;
    pp_chat_scope *sc = split_ok(d, &n);
    json_t *m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    json_t *card = json_object_get(json_array_get(json_object_get(m, "attachments"), 0),
                                   "content");
    assert_string_equal(json_string_value(json_object_get(card, "type")), "AdaptiveCard");
    json_decref(m);
    m = pp_chat_render(&sc[0], PP_CHAT_WEBHOOK);
    assert_string_equal(json_string_value(json_object_get(m, "scope")), "b");
    json_decref(m);
    pp_chat_scopes_free(sc, n);
    json_decref(d);
    assert_int_equal(pp_chat_target_parse("slack"), PP_CHAT_SLACK);
    assert_int_equal(pp_chat_target_parse("teams"), PP_CHAT_TEAMS);
    assert_int_equal(pp_chat_target_parse("webhook"), PP_CHAT_WEBHOOK);
    assert_int_equal(pp_chat_target_parse("irc"), -1);
}

static void test_retry_after_and_urls(void **state)
{
    (void)state;
    assert_int_equal(pp_notify_retry_after_ms("3"), 3000);
    assert_int_equal(pp_notify_retry_after_ms("0"), 0);
    assert_int_equal(pp_notify_retry_after_ms("soon"), -1);
    assert_int_equal(pp_notify_retry_after_ms(NULL), -1);
    assert_int_equal(pp_notify_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
    char *err = NULL;
    assert_int_equal(pp_notify_url_ok("https://hooks.slack.com/services/T/B/X", &err), 0);
    assert_int_equal(pp_notify_url_ok("http://127.0.0.1:9/x", &err), 0);
    assert_int_equal(pp_notify_url_ok("http://hooks.slack.com/x", &err), -1);
    free(err);
    err = NULL;
    assert_int_equal(pp_notify_url_ok("ftp://x/y", &err), -1);
    free(err);
}

/* Text from a failure message is data in every medium: a Markdown link stays text in Teams,
 * ``` cannot close Slack's code block, Slack's notification text is escaped. */
static void test_untrusted_text(void **state)
{
    (void)state;
    const char *reason = "Failed: see [the fix](https://evil.example/x) **now** <!channel>";
    json_t *ev = json_pack("{s:s,s:s,s:s,s:s,s:s}", "stack", "app <!here>", "event_id", "e1",
                           "status", "CREATE_FAILED", "reason", reason, "role", "cause");
    json_t *root = json_pack("{s:o,s:s,s:s,s:s,s:s,s:[s],s:[s],s:[],s:s}", "event", ev, "kb_id",
                             "k", "title", "Title <b>", "confidence", "high", "explanation",
                             "Why [x](https://evil.example)", "fix", "Rename [y](https://evil.example)",
                             "commands", "aws x --id 'a```b'", "links", "source", "kb");
    json_t *d = json_pack("{s:[o],s:[],s:[]}", "root_causes", root, "cascades", "unmatched");
    size_t n;
    pp_chat_scope *sc = split_ok(d, &n);
    json_t *m = pp_chat_render(&sc[0], PP_CHAT_SLACK);
    char *slack = json_dumps(m, 0);
    assert_null(strstr(slack, "<!channel>"));
    assert_non_null(strstr(slack, "&lt;!channel&gt;"));
    /* a mention is live only in mrkdwn; the header is plain_text, which Slack shows as is */
    size_t bi;
    json_t *blk;
    json_array_foreach(json_object_get(m, "blocks"), bi, blk) {
        json_t *tx = json_object_get(blk, "text");
        const char *ty = json_string_value(json_object_get(tx, "type"));
        if (ty && strcmp(ty, "mrkdwn") == 0)
            assert_null(strstr(json_string_value(json_object_get(tx, "text")), "<!"));
    }
    /* the top-level text too */
    assert_null(strstr(json_string_value(json_object_get(m, "text")), "<!here>"));
    /* inside the commands block the only ``` are the fences */
    const char *cmd = NULL;
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(m, "blocks"), i, b) {
        const char *t = json_string_value(json_object_get(json_object_get(b, "text"), "text"));
        if (t && strstr(t, "*Commands*"))
            cmd = t;
    }
    assert_non_null(cmd);
    const char *open = strstr(cmd, "```");
    assert_non_null(open);
    const char *close = strstr(open + 3, "```");
    assert_non_null(close);
    assert_string_equal(close, "```");   /* the first closing fence is the last thing */
    free(slack);
    json_decref(m);

    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    char *teams = json_dumps(m, 0);
    assert_null(strstr(teams, "[the fix](https"));   /* no live Markdown link */
    assert_non_null(strstr(teams, "\\\\[the fix\\\\]\\\\(https"));
    assert_null(strstr(teams, "Why [x](https"));
    assert_null(strstr(teams, "Rename [y](https"));
    assert_non_null(strstr(teams, "**Fix**"));        /* our own Markdown is kept */
    free(teams);
    json_decref(m);
    pp_chat_scopes_free(sc, n);
    json_decref(d);
}

/* The decoded anatomy fields a message shows (principal, action, resource, reason, property
 * path, handler error code) carry hostile text safely: in Slack each is one inline code span
 * (backticks become ', entities for & < >, every control character '?'), in Teams each is a
 * fact value with Markdown's characters backslash-escaped and control characters '?'. */
#define HOSTILE "a`b`<!channel>*c*_d_|e\nf\x1b[31mg"
#define HOSTILE_SLACK "`a'b'&lt;!channel&gt;*c*_d_|e?f?[31mg`"
#define HOSTILE_TEAMS "a\\`b\\`\\<\\!channel\\>\\*c\\*\\_d\\_\\|e?f?\\[31mg"

static const char *fact(json_t *card, const char *title)
{
    json_t *body = json_object_get(json_object_get(json_array_get(json_object_get(card,
                                   "attachments"), 0), "content"), "body");
    size_t i, k;
    json_t *b, *f;
    json_array_foreach(body, i, b)
        json_array_foreach(json_object_get(b, "facts"), k, f)
            if (strcmp(json_string_value(json_object_get(f, "title")), title) == 0)
                return json_string_value(json_object_get(f, "value"));
    return NULL;
}

static void test_decoded_fields_escaped(void **state)
{
    (void)state;
    json_t *an = json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:{s:[{s:s}]}}",
                           "kind", "not_authorized", "handler", "message", "m", "error_code",
                           HOSTILE, "not_authorized", "principal", HOSTILE, "action",
                           "ecs:CreateService", "resource", HOSTILE, "reason",
                           "explicit_deny_scp", "properties", "problems", "path", HOSTILE);
    json_t *ev = json_pack("{s:s,s:s,s:s,s:s}", "stack", "web", "event_id", "e1", "status",
                           "CREATE_FAILED", "reason", "denied");
    json_t *root = json_pack("{s:o,s:s,s:s,s:s,s:s,s:[],s:[],s:[],s:s,s:o}", "event", ev,
                             "kb_id", "k", "title", "T", "confidence", "high", "explanation",
                             "why", "fix", "commands", "links", "source", "kb", "anatomy", an);
    json_t *d = json_pack("{s:[o],s:[],s:[]}", "root_causes", root, "cascades", "unmatched");
    size_t n;
    pp_chat_scope *sc = split_ok(d, &n);

    json_t *m = pp_chat_render(&sc[0], PP_CHAT_SLACK);
    assert_non_null(m);
    const char *dec = NULL;
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(m, "blocks"), i, b) {
        const char *t = json_string_value(json_object_get(json_object_get(b, "text"), "text"));
        if (t && strncmp(t, "*Decoded*", 9) == 0)
            dec = t;
    }
    assert_non_null(dec);
    assert_string_equal(dec, "*Decoded*\nPrincipal: " HOSTILE_SLACK
                             "\nAction: `ecs:CreateService`\nResource: " HOSTILE_SLACK
                             "\nReason: `explicit_deny_scp`\nProperty: " HOSTILE_SLACK
                             "\nHandler error code: " HOSTILE_SLACK);
    char *slack = json_dumps(m, 0);
    assert_null(strstr(slack, "<!channel>"));
    assert_null(strstr(slack, "\\u001b"));
    free(slack);
    json_decref(m);

    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    assert_non_null(m);
    assert_string_equal(fact(m, "Principal"), HOSTILE_TEAMS);
    assert_string_equal(fact(m, "Resource"), HOSTILE_TEAMS);
    assert_string_equal(fact(m, "Property"), HOSTILE_TEAMS);
    assert_string_equal(fact(m, "Handler error code"), HOSTILE_TEAMS);
    assert_string_equal(fact(m, "Action"), "ecs:CreateService");
    assert_string_equal(fact(m, "Reason"), "explicit\\_deny\\_scp");
    char *teams = json_dumps(m, 0);
    assert_null(strstr(teams, "\\u001b"));
    assert_null(strstr(teams, "<!channel>"));
    free(teams);
    json_decref(m);

    /* the same message without anatomy has no Decoded section and no extra facts */
    json_object_del(json_array_get(json_object_get(sc[0].doc, "root_causes"), 0), "anatomy");
    m = pp_chat_render(&sc[0], PP_CHAT_SLACK);
    slack = json_dumps(m, 0);
    assert_null(strstr(slack, "*Decoded*"));
    free(slack);
    json_decref(m);
    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    assert_null(fact(m, "Principal"));
    json_decref(m);
    pp_chat_scopes_free(sc, n);
    json_decref(d);
}

/* A root mapped to the template (explain's template_location) shows where: the file (text from
 * outside: the stack name, escaped like every decoded field), the line and column, and the
 * property path when the property itself was found; without a location, none of them. */
static void test_template_location_fields(void **state)
{
    (void)state;
    json_t *loc = json_pack("{s:s,s:i,s:i,s:s,s:s,s:b}", "file",
                            "stack " HOSTILE " (submitted template)", "line", 42, "column", 7,
                            "pointer", "/Resources/Svc/Properties/NetworkConfiguration", "text",
                            "      NetworkConfiguration:", "exact", 1);
    json_t *ev = json_pack("{s:s,s:s,s:s,s:s}", "stack", "web", "event_id", "e1", "status",
                           "CREATE_FAILED", "reason", "bad");
    json_t *root = json_pack("{s:o,s:s,s:s,s:s,s:s,s:[],s:[],s:[],s:s,s:{s:s},s:o}", "event",
                             ev, "kb_id", "k", "title", "T", "confidence", "medium",
                             "explanation", "why", "fix", "commands", "links", "source", "kb",
                             "anatomy", "kind", "none", "template_location", loc);
    json_t *d = json_pack("{s:[o],s:[],s:[]}", "root_causes", root, "cascades", "unmatched");
    size_t n;
    pp_chat_scope *sc = split_ok(d, &n);
    json_t *m = pp_chat_render(&sc[0], PP_CHAT_SLACK);
    assert_non_null(m);
    char *slack = json_dumps(m, 0);
    assert_non_null(strstr(slack, "Line: `42, column 7`"));
    assert_non_null(strstr(slack, "Template path: `/Resources/Svc/Properties/NetworkConfiguration`"));
    assert_non_null(strstr(slack, "Template: `stack a'b'&lt;!channel&gt;"));
    assert_null(strstr(slack, "<!channel>"));
    free(slack);
    json_decref(m);
    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    assert_non_null(m);
    assert_string_equal(fact(m, "Line"), "42, column 7");
    assert_non_null(strstr(fact(m, "Template"), "\\<\\!channel\\>"));
    json_decref(m);
    /* the resource, not the property: no path line */
    json_t *r0 = json_array_get(json_object_get(sc[0].doc, "root_causes"), 0);
    json_object_set_new(json_object_get(r0, "template_location"), "exact", json_false());
    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    assert_null(fact(m, "Template path"));
    assert_non_null(fact(m, "Line"));
    json_decref(m);
    json_object_del(r0, "template_location");
    m = pp_chat_render(&sc[0], PP_CHAT_TEAMS);
    assert_null(fact(m, "Line"));
    assert_null(fact(m, "Template"));
    json_decref(m);
    pp_chat_scopes_free(sc, n);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_untrusted_text),
        cmocka_unit_test(test_decoded_fields_escaped),
        cmocka_unit_test(test_template_location_fields),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_slack_limits),
        cmocka_unit_test(test_small_teams_fits_and_targets),
        cmocka_unit_test(test_retry_after_and_urls),
    };
    return cmocka_run_group_tests_name("chat", tests, NULL, NULL);
}
