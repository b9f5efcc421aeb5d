/* redact.h — removes identifying and secret values from text before it leaves the machine
 * (the Bedrock prompt; anything else that goes to a third party).
 *
 * Data flow: advisor/ai.c builds a prompt from events and KB text → pp_redact → engine/bedrock.c.
 * Advisor-neutral: it knows text shapes, nothing about events.
 *
 * What is replaced, in this order (each by a fixed placeholder, so the reader still sees that
 * something was there):
 *   "password=…", "secret: …", "token=…", "api_key=…", "X-Amz-Signature=…", … values  <secret>
 *   "Bearer …", "Basic …" credentials                                                 <secret>
 *   Slack tokens (xoxb-, xoxp-, …)                                                     <secret>
 *   AWS access key ids (AKIA…, ASIA…, and the other 4-letter id prefixes + 16)         <access-key>
 *   e-mail addresses                                                                   <email>
 *   IPv4 addresses (0.0.0.0 is kept: it says "anywhere", not who), "ip-10-0-1-2" names <ip>
 *   IPv6 addresses (validated with inet_pton; "::" alone is kept)                      <ipv6>
 *   12-digit account ids, standalone or as the account field of an ARN                 <account-id>
 *   token-like runs: ≥ 24 characters of [A-Za-z0-9+/=_-] mixing upper case, lower case
 *   and digits (AWS secret keys, session tokens, GitHub/PAT tokens), or ≥ 32 hex
 *   digits (hex keys and digests); CDK logical ids (Name + 8 hex digits) are kept     <token>
 * It errs on the side of removing: a 12-digit number that is not an account id goes too.
 */
#ifndef PP_REDACT_H
#define PP_REDACT_H

#include <stddef.h>

#include "engine/base/status.h"

typedef struct pp_redact_stats {
    size_t secrets, keys, emails, ips, accounts, tokens;
} pp_redact_stats;

/* Returns a malloc'd redacted copy of s (caller frees), or NULL on NOMEM or when the patterns
 * failed to compile (a build problem; the caller must then not send the text). `st` may be
 * NULL; otherwise the counts are added to it. Thread-safe. Invalid UTF-8 is handled as bytes. */
char *pp_redact(const char *s, pp_redact_stats *st);

#endif
