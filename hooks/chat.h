/* chat.h — chat messages built from the explain JSON (the contract in ARCHITECTURE.md): one
 * message per failing stack or service ("scope"), rendered as Slack Block Kit, a Teams
 * Adaptive Card in the Workflows webhook envelope, or the explain JSON itself (webhook).
 *
 * Data flow: advisor (pp_explain_json, plus the optional `ai` object advisor/ai.h adds to a
 * root cause) → pp_chat_split (groups root causes by scope) → pp_chat_render → the outbox
 * (hooks/notify.h) or the Slack slash-command answer (pp_chat_slack_answer, for hooks/serve.c).
 * Files: chat.c (split, escapes, decoded fields, render), chat_slack.c, chat_teams.c.
 * Every message shows the decoded anatomy fields of a root cause (principal, action,
 * resource, reason, property path, handler error code…), escaped for the medium.
 *
 * Limits honoured (../shared/reference/aws-protocols.md §4): Slack header text ≤ 150, section
 * text ≤ 3,000, ≤ 50 blocks, with "…" where text is cut; Teams card ≤ PP_CHAT_TEAMS_MAX bytes
 * (the Workflows limit is 28 KB), cut the same way. An AI answer is always labelled as such.
 */
#ifndef PP_CHAT_H
#define PP_CHAT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/status.h"

#define PP_CHAT_SLACK_HEADER_MAX 150
#define PP_CHAT_SLACK_TEXT_MAX 3000
#define PP_CHAT_SLACK_MAX_BLOCKS 50
#define PP_CHAT_TEAMS_MAX 27000
#define PP_CHAT_MAX_SCOPES 256

typedef enum pp_chat_target {
    PP_CHAT_SLACK = 0,
    PP_CHAT_TEAMS = 1,
    PP_CHAT_WEBHOOK = 2
} pp_chat_target;

/* "slack" | "teams" | "webhook" → target; -1 otherwise. */
int pp_chat_target_parse(const char *s);
const char *pp_chat_target_name(pp_chat_target t);

/* One failing scope: the explain JSON restricted to it. */
typedef struct pp_chat_scope {
    char *scope;       /* stack or service name ("message" for a pasted line); owned */
    char *root_id;     /* the earliest root's event_id, or a hash of its fields; owned */
    json_t *doc;       /* {"scope", "root_causes": [...], "cascades": [...], "unmatched": [...]}
                          owned reference */
} pp_chat_scope;

/* Splits an explain JSON document into scopes (root causes and unmatched roots grouped by
 * their event's stack, else service, else "message"; cascades follow their scope). Scopes
 * without a root are dropped. On PP_OK *out / *n are set (caller frees with
 * pp_chat_scopes_free); at most PP_CHAT_MAX_SCOPES (PP_E_LIMIT beyond). */
pp_status pp_chat_split(json_t *explain, pp_chat_scope **out, size_t *n, char **err);
void pp_chat_scopes_free(pp_chat_scope *s, size_t n);

/* The message body for one scope as a new JSON reference (caller decrefs), NULL on NOMEM. */
json_t *pp_chat_render(const pp_chat_scope *s, pp_chat_target t);

/* Slack blocks and fallback text for a scope document, used by the slash command
 * ({"response_type": "ephemeral", "text", "blocks"}). New reference or NULL. */
json_t *pp_chat_slack_reply(json_t *scope_doc, const char *scope);

/* The Slack slash command's answer (compact JSON, malloc'd, caller frees; NULL on NOMEM):
 * doc (a scope's explanation, borrowed) as pp_chat_slack_reply with a context line "ORIGIN
 * YYYY-MM-DD HH:MM UTC" (when: epoch seconds); without doc, the text saying that nothing was
 * recorded for `stack`, or, when have_state is 0, that there is no state database. */
char *pp_chat_slack_answer(json_t *doc, const char *stack, const char *origin, int64_t when,
                           int have_state);
/* The slash command's usage text, as the answer body. */
char *pp_chat_slack_usage(void);

/* Copies at most `max` bytes of s, cutting at a UTF-8 boundary and ending with "…" when cut.
 * malloc'd (caller frees), NULL on NOMEM. */
char *pp_chat_cut(const char *s, size_t max);

#endif
