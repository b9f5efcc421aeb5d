/* serve_slack.c — POST /slack/command for `parapet serve`: the signature check, the state
 * lookup and the optional live fetch; the answer itself is rendered by hooks/chat_slack.c
 * (pp_chat_slack_answer). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/base/util.h"
#include "hooks/chat.h"
#include "hooks/cli.h"
#include "hooks/cli_live.h"
#include "hooks/notify.h"
#include "hooks/serve_int.h"
#include "hooks/slack.h"

/* ---- Slack slash command ---------------------------------------------------------------- */

/* Slack's v0 signature (hooks/slack.h) with the request's headers and the current time. */
static int slack_verified(pp_server *s, struct MHD_Connection *c, const char *body, size_t blen)
{
    const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Slack-Request-Timestamp");
    const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Slack-Signature");
    return pp_slack_verify(s->slack_secret, s->slack_secret_len, ts, sig, body, blen,
                           (long)time(NULL));
}

enum MHD_Result pp_serve_do_slack(pp_server *s, pp_serve_conn *k, struct MHD_Connection *c)
{
    const char *body = k->body.data ? k->body.data : "";
    if (!s->slack_secret)
        return pp_serve_reply_error(s, k, c, MHD_HTTP_NOT_FOUND, "not_found",
                           "the Slack slash command is not configured (SLACK_SIGNING_SECRET or "
                           "--slack-signing-secret-file)");
    if (!slack_verified(s, c, body, k->body.len))
        return pp_serve_reply(s, k, c, MHD_HTTP_UNAUTHORIZED, "application/json",
                     pp_serve_error_body("unauthorized", "missing, stale or wrong Slack signature"),
                     NULL, NULL);
    char *text = pp_slack_form_value(body, k->body.len, "text");
    char *stack = pp_slack_why(text);
    char *answer = NULL;
    if (!stack) {
        answer = pp_chat_slack_usage();
    } else {
        char *err = NULL;
        pp_serve_worker *w = pthread_getspecific(s->key);
        if (!w && (w = calloc(1, sizeof *w)) != NULL && pthread_setspecific(s->key, w) != 0) {
            free(w);
            w = NULL;
        }
        if (w && !w->state && s->state_path)
            pp_state_open(s->state_path, &w->state, &err);
        char *json = NULL;
        int64_t when = 0;
        if (w && w->state)
            pp_state_explanation_get(w->state, stack, &json, NULL, &when, &err);
        json_t *doc = json ? json_loads(json, 0, NULL) : NULL;
        const char *origin = "Recorded";
        if (!doc && s->slack_live && w) {
            /* nothing recorded: the same fetch as `explain --stack`, within Slack's 3 s */
            int krc = 0;
            if (!w->kb)
                w->kb = pp_cli_open_kb(NULL, &krc);
            if (!w->http)
                w->http = pp_http_client_new();
            pp_cli_aws aws = { 0 };
            char *lerr = NULL;
            doc = w->kb ? pp_cli_live_explain(&aws, w->http, w->kb, stack,
                                              pp_now_ms() + PP_SERVE_SLACK_LIVE_MS, &lerr)
                        : NULL;
            if (doc && json_array_size(json_object_get(doc, "root_causes")) +
                           json_array_size(json_object_get(doc, "unmatched")) == 0) {
                json_decref(doc);
                doc = NULL;
            }
            if (doc) {
                origin = "Fetched from AWS";
                when = (int64_t)time(NULL);
                if (w->state && pp_notify_record(w->state, doc, &lerr) != PP_OK)
                    fprintf(stderr, "parapet serve: /slack/command: %s\n", lerr ? lerr : "");
            } else if (lerr) {
                fprintf(stderr, "parapet serve: /slack/command: live fetch for %.200s: %s\n",
                        stack, lerr);
            }
            free(lerr);
        }
        answer = pp_chat_slack_answer(doc, stack, origin, when, w && w->state);
        json_decref(doc);
        free(json);
        if (err)
            fprintf(stderr, "parapet serve: /slack/command: %s\n", err);
        free(err);
    }
    free(stack);
    free(text);
    if (!answer)
        return pp_serve_reply_error(s, k, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                    "out of memory");
    return pp_serve_reply(s, k, c, MHD_HTTP_OK, "application/json", answer, NULL, NULL);
}

