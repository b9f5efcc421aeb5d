/* chat_int.h — what chat.c shares with its renderers (chat_slack.c, chat_teams.c): field
 * access, escaping for each medium, the decoded anatomy fields, and the count of failed
 * allocations that lets pp_chat_render refuse a message with a piece missing.
 *
 * Why a count, not a status on every helper: a message is assembled from some forty pieces
 * whose NULL results (an escape, a cut, a printf) read as "no text" to the next step. Each
 * helper that allocates counts its failure here (per thread, like pp_json_alloc_failures for
 * jansson's own), and the public entry points compare the counts before and after: a changed
 * count is PP_E_NOMEM, never a message shorter than the clean one.
 */
#ifndef PP_CHAT_INT_H
#define PP_CHAT_INT_H

#include <jansson.h>
#include <stddef.h>

#include "engine/base/util.h"

#define ELLIPSIS "\xe2\x80\xa6"   /* … */

/* Allocation failures of the chat helpers on this thread; only compared before/after. */
extern _Thread_local unsigned long pp_chat_failures;

/* p, counting a failure when it is NULL (for results that are NULL only on NOMEM). */
char *pp_chat_ok(char *p);
#define CHAT_ASPRINTF(...) pp_chat_ok(pp_asprintf(__VA_ARGS__))
/* b's text ("" when empty), counting a failure when an append to b failed for memory. */
const char *pp_chat_buf(const pp_buf *b);
/* o[k] as a string, or NULL. */
const char *pp_chat_jstr(json_t *o, const char *k);

/* Escapes for mrkdwn: &, < and > as entities (no link, mention or <!channel> can be formed).
 * _code additionally breaks a ``` inside a ``` block with a zero-width space. _field makes a
 * value an inline code span: backticks become ', every control character (newlines, tabs,
 * ANSI escapes, C1) a '?', so the value cannot end the span, format text or spill onto a line
 * of its own. malloc'd, NULL (counted) on NOMEM. */
char *pp_chat_slack_escape(const char *s);
char *pp_chat_slack_code(const char *s);
char *pp_chat_slack_field(const char *s);
/* Teams Markdown: a backslash before every character Markdown gives a meaning. _field also
 * turns every control character into '?' (a fact value is one line). */
char *pp_chat_teams_escape(const char *s);
char *pp_chat_teams_field(const char *s);

/* The decoded anatomy of a root cause (explain JSON `anatomy`, advisor/anatomy.h) worth
 * showing in a chat message: principal, action, resource, policy and reason of a refusal, the
 * property paths of a Properties validation, the field and constraint of a validation error,
 * the handler's and the service's error codes, the ECS stop code. Labels are ours; values
 * are borrowed from rc and untrusted. Returns how many were written (at most max). */
typedef struct pp_chat_field {
    const char *label;
    const char *value;
} pp_chat_field;
/* The fields worth a line of their own in a chat message: what the anatomy decoder found
 * (principal, action, property, …) and, when explain mapped the root to the template
 * (`template_location`), its file, line and property path. Values are borrowed from rc,
 * except the line, which is written into num (PP_CHAT_NUM bytes). Returns how many. */
#define PP_CHAT_NUM 48
size_t pp_chat_anatomy_fields(json_t *rc, pp_chat_field *out, size_t max, char *num);
#define PP_CHAT_MAX_FIELDS 12
#define PP_CHAT_FIELD_MAX 300   /* bytes of one value shown; longer ones are cut with "…" */

/* The renderers (chat_slack.c, chat_teams.c): new references, NULL on NOMEM (which may also
 * show only in the counts). */
json_t *pp_chat_slack_message(json_t *doc, const char *scope);
json_t *pp_chat_teams_card(json_t *doc, const char *scope, size_t budget);

#endif
