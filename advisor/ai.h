/* ai.h — optional Amazon Bedrock enrichment of an explanation.
 *
 * Data flow: pp_explain_json (explain.h) → pp_ai_enrich: for each root cause (and each
 * unmatched root) a prompt is built from the root event, its cascades and the KB candidates
 * (the matched entry and other entries whose patterns match), redacted (advisor/redact.h),
 * looked up in the state database's cache by a hash of the normalised cause, else sent to the
 * Converse API (engine/net/aws.h) → the answer is added to that root as
 *   "ai": {"status": "ok", "provider": "bedrock", "model": M, "text": T, "cached": B}
 * and the document gets a top-level "ai" summary. `source` stays with the KB entry: the AI
 * text never replaces the KB answer.
 *
 * Failure never costs the KB answer: no model, no credentials, a timeout (the whole
 * enrichment shares one budget, default PP_AI_DEFAULT_TIMEOUT_MS), throttling or any error
 * gives each remaining root "ai": {"status": "fallback", "note": "…"} and the rest of the
 * explanation is unchanged; the exit status of the command never depends on it.
 */
#ifndef PP_ADVISOR_AI_H
#define PP_ADVISOR_AI_H

#include <jansson.h>

#include "advisor/explain.h"
#include "engine/store/state.h"

#define PP_AI_DEFAULT_TIMEOUT_MS 8000
#define PP_AI_MAX_CASCADES 10      /* cascades quoted in one prompt */
#define PP_AI_MAX_CANDIDATES 3     /* KB entries besides the matched one */
#define PP_AI_MAX_PROMPT (24u << 10)

typedef struct pp_ai_cfg {
    int enabled;            /* --ai bedrock */
    const char *model;      /* --bedrock-model, else $PARAPET_BEDROCK_MODEL; borrowed */
    const char *endpoint;   /* --bedrock-endpoint (tests, VPC endpoints); NULL = AWS */
    long timeout_ms;        /* whole enrichment */
    int no_cache;
    const char *profile;    /* --profile for the credential chain (engine/net/creds.h); NULL
                             * = AWS_PROFILE / default */
    const char *region;     /* --region; NULL = environment, then profile */
} pp_ai_cfg;

/* Defaults: disabled, model from PARAPET_BEDROCK_MODEL, timeout PP_AI_DEFAULT_TIMEOUT_MS. */
void pp_ai_cfg_init(pp_ai_cfg *c);
void pp_ai_cfg_free(pp_ai_cfg *c);   /* nothing owned today; kept for callers' symmetry */

/* Adds AI text to `explain` (the document pp_explain_json made from `x`) as described above.
 * `cache` may be NULL (no caching). Progress and fallback notes go to stderr unless quiet.
 * Never fails: problems become notes in the document. */
void pp_ai_enrich(json_t *explain, const pp_explain *x, const pp_ai_cfg *cfg, pp_state *cache,
                  int quiet);

/* The prompt for one root (before redaction): malloc'd, caller frees; NULL on NOMEM. `rc` is
 * a root_causes[] entry or an unmatched[] event; kb may be NULL. Exposed for tests. */
char *pp_ai_prompt(json_t *explain, json_t *rc, int matched, pp_kb *kb);

/* Cache key for a root: hex SHA-256 over the model and the normalised cause (redacted
 * message with digit runs folded, resource type, status, KB entry id). out: 65 bytes. */
void pp_ai_cache_key(const char *model, json_t *rc, int matched, char out[65]);

/* "AI reading" sections for text or Markdown output (malloc'd; "" when the document carries
 * no AI text; NULL on NOMEM). */
char *pp_ai_render(json_t *explain, int markdown);

#endif
