/* slack.h — the pure parts of the Slack slash command: the v0 request signature, the
 * application/x-www-form-urlencoded body and the ephemeral answer. No HTTP server here:
 * hooks/serve.c reads the headers and the body and calls these, and the fuzz target
 * (tests/fuzz/fuzz_slack.c) calls them on raw bytes.
 */
#ifndef PP_SLACK_H
#define PP_SLACK_H

#include <stddef.h>

#define PP_SLACK_MAX_SKEW_S 300     /* reject requests older (or newer) than 5 minutes */

/* Slack's v0 signature: `sig` must be "v0=" + hex HMAC-SHA256(secret, "v0:" ts ":" body),
 * compared in constant time, and `ts` (decimal seconds) within PP_SLACK_MAX_SKEW_S of `now`.
 * ts and sig are NUL-terminated header values (NULL when absent); body[0..blen) need not be.
 * Returns 1 when valid, 0 otherwise (including allocation failure). */
int pp_slack_verify(const char *secret, size_t secret_len, const char *ts, const char *sig,
                    const char *body, size_t blen, long now);

/* Value of `key` in an application/x-www-form-urlencoded body[0..blen) (need not be
 * NUL-terminated), decoded ('+' → space, %XX → byte). malloc'd (caller frees), or NULL when
 * the key is absent or on NOMEM. */
char *pp_slack_form_value(const char *body, size_t blen, const char *key);

/* The argument of the command text "why STACK" (words split on spaces and tabs; exactly two
 * words, the first "why"). Returns a malloc'd copy of STACK (caller frees), or NULL when the
 * text is anything else (NULL text included) or on NOMEM. */
char *pp_slack_why(const char *text);

/* {"response_type":"ephemeral","text":TEXT} as compact JSON; malloc'd (caller frees), NULL on
 * NOMEM or when text is not UTF-8. */
char *pp_slack_text(const char *text);

#endif
