/* ai.c — Bedrock enrichment of explanations (see ai.h): prompt, redaction, cache, call,
 * fallback. */
#include "advisor/ai.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/kb_match.h"
#include "engine/net/aws.h"
#include "advisor/redact.h"
#include "engine/net/sigv4.h"
#include "engine/base/util.h"

static const char SYSTEM_PROMPT[] =
    "You help engineers understand why an AWS CloudFormation or Amazon ECS deployment failed. "
    "You get the root-cause event, the follow-on failures and the entries of a curated "
    "knowledge base that match it. Say in plain words what most likely went wrong and give "
    "concrete, ordered fix steps (at most 8 sentences in all). Build on the knowledge-base "
    "entry when it fits and say so when it does not. Values were replaced by placeholders such "
    "as <account-id>, <ip> or <secret>: keep them as they are and never guess them.";

void pp_ai_cfg_init(pp_ai_cfg *c)
{
    memset(c, 0, sizeof *c);
    const char *m = getenv("PARAPET_BEDROCK_MODEL");
    c->model = m && *m ? m : NULL;
    c->timeout_ms = PP_AI_DEFAULT_TIMEOUT_MS;
}

void pp_ai_cfg_free(pp_ai_cfg *c)
{
    (void)c;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void event_lines(pp_buf *b, json_t *ev, const char *indent)
{
    static const char *const keys[] = { "source", "stack", "service", "cluster", "logical_id",
                                        "resource_type", "status", "stop_code", "container",
                                        "image", "timestamp" };
    for (size_t i = 0; i < PP_ARRAY_LEN(keys); i++) {
        const char *v = jstr(ev, keys[i]);
        if (v && *v)
            pp_buf_printf(b, "%s%s: %s\n", indent, keys[i], v);
    }
    json_t *code = json_object_get(ev, "exit_code");
    if (json_is_integer(code))
        pp_buf_printf(b, "%sexit_code: %lld\n", indent, (long long)json_integer_value(code));
    json_t *hook = json_object_get(ev, "hook");
    if (json_is_object(hook) && jstr(hook, "reason"))
        pp_buf_printf(b, "%shook: %s %s: %s\n", indent, jstr(hook, "type") ? jstr(hook, "type")
                      : "", jstr(hook, "status") ? jstr(hook, "status") : "",
                      jstr(hook, "reason"));
    const char *r = jstr(ev, "reason");
    if (r)
        pp_buf_printf(b, "%smessage: %.4000s\n", indent, r);
}

static void entry_lines(pp_buf *b, const pp_kb_entry *e)
{
    pp_buf_printf(b, "- %s: %s\n  %s\n", e->id, e->title, e->explanation ? e->explanation : "");
    size_t i;
    json_t *s;
    json_array_foreach(e->fix, i, s)
        pp_buf_printf(b, "  fix %zu. %s\n", i + 1, json_string_value(s));
}

char *pp_ai_prompt(json_t *explain, json_t *rc, int matched, pp_kb *kb)
{
    json_t *ev = matched ? json_object_get(rc, "event") : rc;
    pp_buf b;
    pp_buf_init(&b, PP_AI_MAX_PROMPT);
    pp_buf_puts(&b, "Root-cause event:\n");
    event_lines(&b, ev, "  ");
    const char *scope = jstr(ev, "stack") ? jstr(ev, "stack") : jstr(ev, "service");
    size_t i, shown = 0, total = 0;
    json_t *c;
    json_array_foreach(json_object_get(explain, "cascades"), i, c) {
        const char *cs = jstr(c, "stack") ? jstr(c, "stack") : jstr(c, "service");
        if (scope && cs && strcmp(scope, cs) != 0)
            continue;
        total++;
        if (shown < PP_AI_MAX_CASCADES) {
            pp_buf_printf(&b, "%s", shown ? "" : "\nFollow-on failures (consequences):\n");
            pp_buf_printf(&b, "  - %s %s %s: %.300s\n", jstr(c, "logical_id") ? jstr(c,
                          "logical_id") : "", jstr(c, "resource_type") ? jstr(c,
                          "resource_type") : "", jstr(c, "status") ? jstr(c, "status") : "",
                          jstr(c, "reason") ? jstr(c, "reason") : "");
            shown++;
        }
    }
    if (total > shown)
        pp_buf_printf(&b, "  (%zu more)\n", total - shown);
    pp_buf_puts(&b, "\nKnowledge-base candidates:\n");
    size_t matched_entry = (size_t)-1;
    if (matched && kb) {
        matched_entry = pp_kb_find(kb, jstr(rc, "kb_id") ? jstr(rc, "kb_id") : "");
        if (matched_entry != (size_t)-1) {
            pp_buf_printf(&b, "matched (%s confidence):\n", jstr(rc, "confidence")
                          ? jstr(rc, "confidence") : "?");
            entry_lines(&b, &kb->e[matched_entry]);
        }
    } else if (matched) {
        pp_buf_printf(&b, "matched: %s: %s\n  %s\n", jstr(rc, "kb_id") ? jstr(rc, "kb_id") : "",
                      jstr(rc, "title") ? jstr(rc, "title") : "",
                      jstr(rc, "explanation") ? jstr(rc, "explanation") : "");
    }
    const char *text = jstr(ev, "reason");
    json_t *hook = json_object_get(ev, "hook");
    if (json_is_object(hook) && jstr(hook, "reason"))
        text = jstr(hook, "reason");
    if (kb && text) {
        size_t idx[PP_AI_MAX_CANDIDATES + 1];
        size_t n = pp_kb_match_all(kb, text, jstr(ev, "resource_type"), jstr(ev, "status"), idx,
                                   NULL, PP_AI_MAX_CANDIDATES + 1);
        size_t other = 0;
        for (size_t k = 0; k < n && other < PP_AI_MAX_CANDIDATES; k++) {
            if (idx[k] == matched_entry)
                continue;
            pp_buf_printf(&b, "%s", other ? "" : "other entries whose patterns match:\n");
            entry_lines(&b, &kb->e[idx[k]]);
            other++;
        }
    }
    if (!matched)
        pp_buf_puts(&b, "(no entry matched this failure)\n");
    if (!b.data) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

void pp_ai_cache_key(const char *model, json_t *rc, int matched, char out[65])
{
    json_t *ev = matched ? json_object_get(rc, "event") : rc;
    const char *msg = jstr(ev, "reason");
    json_t *hook = json_object_get(ev, "hook");
    if (json_is_object(hook) && jstr(hook, "reason"))
        msg = jstr(hook, "reason");
    char *red = pp_redact(msg ? msg : "", NULL);
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_printf(&b, "v1\n%s\n%s\n%s\n%s\n", model ? model : "",
                  jstr(ev, "resource_type") ? jstr(ev, "resource_type") : "",
                  jstr(ev, "status") ? jstr(ev, "status") : "",
                  matched && jstr(rc, "kb_id") ? jstr(rc, "kb_id") : "");
    /* normalise: lower case, digit runs folded to '#', white space collapsed */
    int prev_digit = 0, prev_space = 0;
    for (const char *p = red ? red : ""; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isdigit(ch)) {
            if (!prev_digit)
                pp_buf_append(&b, "#", 1);
            prev_digit = 1;
            prev_space = 0;
            continue;
        }
        prev_digit = 0;
        if (isspace(ch)) {
            if (!prev_space)
                pp_buf_append(&b, " ", 1);
            prev_space = 1;
            continue;
        }
        prev_space = 0;
        char lc = (char)tolower(ch);
        pp_buf_append(&b, &lc, 1);
    }
    pp_sha256_hex(b.data ? b.data : "", b.len, out);
    pp_buf_free(&b);
    free(red);
}

static void set_note(json_t *rc, const char *status, const char *note)
{
    json_object_set_new(rc, "ai", json_pack("{s:s,s:s,s:s}", "status", status, "provider",
                                            "bedrock", "note", note));
}

void pp_ai_enrich(json_t *explain, const pp_explain *x, const pp_ai_cfg *cfg, pp_state *cache,
                  int quiet)
{
    if (!cfg->enabled || !json_is_object(explain))
        return;
    uint64_t deadline = pp_now_ms() + (uint64_t)(cfg->timeout_ms > 0 ? cfg->timeout_ms
                                                                      : PP_AI_DEFAULT_TIMEOUT_MS);
    char *err = NULL, *stop = NULL;
    pp_aws_session *sess = NULL;
    pp_aws_client bc;
    memset(&bc, 0, sizeof bc);
    pp_http_client *http = NULL;
    pp_aws_creds probe;
    pp_aws_session_opts so = { .profile = cfg->profile, .region = cfg->region };
    if (!cfg->model) {
        stop = pp_strdup("no model: pass --bedrock-model or set PARAPET_BEDROCK_MODEL; the "
                         "knowledge-base answer is shown");
    } else if (pp_aws_session_new(&so, &sess, &err) != PP_OK ||
               pp_aws_client_init(&bc, sess, (http = pp_http_client_new()),
                                  PP_SVC_BEDROCK_RUNTIME, cfg->endpoint, &err) != PP_OK ||
               pp_aws_session_creds(sess, http, &probe, &err) != PP_OK) {
        /* the credentials are asked for once up front: a missing one is a note, not a
         * failure of each root */
        stop = pp_asprintf("%s; the knowledge-base answer is shown", err ? err : "no AWS "
                           "credentials");
    }
    bc.max_attempts = 1;   /* timeouts and throttling would only repeat within the budget */
    free(err);
    err = NULL;
    pp_redact_stats rs = { 0 };
    size_t ok = 0, cached = 0, fell = 0;
    static const char *const lists[2] = { "root_causes", "unmatched" };
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *rc;
        json_array_foreach(json_object_get(explain, lists[l]), i, rc) {
            int matched = l == 0;
            if (stop) {
                set_note(rc, "fallback", stop);
                fell++;
                continue;
            }
            char key[65];
            pp_ai_cache_key(cfg->model, rc, matched, key);
            char *answer = NULL;
            if (cache && !cfg->no_cache &&
                pp_state_cache_get(cache, key, &answer, &err) == PP_OK && answer) {
                json_object_set_new(rc, "ai", json_pack("{s:s,s:s,s:s,s:s,s:b}", "status", "ok",
                                                        "provider", "bedrock", "model",
                                                        cfg->model, "text", answer, "cached", 1));
                free(answer);
                ok++;
                cached++;
                continue;
            }
            free(err);
            err = NULL;
            char *prompt = pp_ai_prompt(explain, rc, matched, x ? x->kb : NULL);
            char *red = prompt ? pp_redact(prompt, &rs) : NULL;
            free(prompt);
            uint64_t now = pp_now_ms();
            if (!red) {
                stop = pp_strdup("the prompt could not be built or redacted; nothing was sent");
                set_note(rc, "fallback", stop ? stop : "");
                fell++;
                continue;
            }
            if (now + 50 >= deadline) {
                free(red);
                stop = pp_asprintf("no time left within %ld ms; the knowledge-base answer is "
                                   "shown", cfg->timeout_ms);
                set_note(rc, "fallback", stop ? stop : "");
                fell++;
                continue;
            }
            pp_bedrock_req br = { .model = cfg->model, .system = SYSTEM_PROMPT, .user = red,
                                  .timeout_ms = (long)(deadline - now) };
            long status = 0;
            pp_status st = pp_bedrock_converse(&bc, &br, &answer, &status, &err);
            free(red);
            if (st == PP_OK) {
                json_object_set_new(rc, "ai", json_pack("{s:s,s:s,s:s,s:s,s:b}", "status", "ok",
                                                        "provider", "bedrock", "model",
                                                        cfg->model, "text", answer, "cached", 0));
                if (cache && !cfg->no_cache) {
                    char *e2 = NULL;
                    pp_state_cache_put(cache, key, cfg->model, answer, &e2);
                    free(e2);
                }
                free(answer);
                ok++;
                continue;
            }
            /* Timeouts and throttling would only repeat: the remaining roots fall back too. */
            stop = pp_asprintf("%s; the knowledge-base answer is shown",
                               err ? err : "Bedrock failed");
            free(err);
            err = NULL;
            set_note(rc, "fallback", stop ? stop : "");
            fell++;
        }
    }
    if (stop && !quiet)
        fprintf(stderr, "parapet: AI: %s\n", stop);
    json_object_set_new(explain, "ai", json_pack("{s:s,s:s?,s:s,s:i,s:i,s:{s:i,s:i,s:i,s:i,s:i,"
                                                 "s:i}}", "provider", "bedrock", "model",
                                                 cfg->model, "status",
                                                 fell == 0 ? "ok" : ok ? "partial" : "fallback",
                                                 "answers", (int)ok, "cached", (int)cached,
                                                 "redactions", "accounts", (int)rs.accounts,
                                                 "ips", (int)rs.ips, "emails", (int)rs.emails,
                                                 "access_keys", (int)rs.keys, "secrets",
                                                 (int)rs.secrets, "tokens", (int)rs.tokens));
    free(stop);
    pp_aws_client_free(&bc);
    pp_http_client_free(http);
    pp_aws_session_free(sess);
}

char *pp_ai_render(json_t *explain, int markdown)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "");
    static const char *const lists[2] = { "root_causes", "unmatched" };
    size_t n = 0;
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *rc;
        json_array_foreach(json_object_get(explain, lists[l]), i, rc) {
            json_t *ai = json_object_get(rc, "ai");
            if (!json_is_object(ai))
                continue;
            json_t *ev = l == 0 ? json_object_get(rc, "event") : rc;
            const char *title = l == 0 ? jstr(rc, "title") : jstr(ev, "reason");
            const char *scope = jstr(ev, "stack") ? jstr(ev, "stack") : jstr(ev, "service");
            n++;
            if (jstr(ai, "text")) {
                if (markdown)
                    pp_buf_printf(&b, "\n### AI reading: %s%s%s\n\n> Generated by Amazon "
                                  "Bedrock (%s)%s, not from the knowledge base: check before "
                                  "acting.\n\n%s\n", scope ? scope : "", scope ? " — " : "",
                                  title ? title : "", jstr(ai, "model"),
                                  json_is_true(json_object_get(ai, "cached")) ? ", cached" : "",
                                  jstr(ai, "text"));
                else
                    pp_buf_printf(&b, "\nAI READING [Amazon Bedrock, %s%s; not from the "
                                  "knowledge base, check before acting]: %s%s%.120s\n%s\n",
                                  jstr(ai, "model"),
                                  json_is_true(json_object_get(ai, "cached")) ? ", cached" : "",
                                  scope ? scope : "", scope ? " — " : "", title ? title : "",
                                  jstr(ai, "text"));
            } else if (jstr(ai, "note") && n == 1) {
                pp_buf_printf(&b, markdown ? "\n> AI: %s\n" : "\nAI: %s\n", jstr(ai, "note"));
            }
        }
    }
    return b.data ? pp_buf_steal(&b) : NULL;
}
