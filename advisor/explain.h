/* explain.h — the advisor's top level: root causes of a pp_evset matched against the KB, and
 * the result rendered as JSON (the contract in ARCHITECTURE.md), text or Markdown.
 *
 * Data flow: event.h → rootcause.h → (this) pp_explain_run: each root is matched by pattern
 * (kb_match.h), then by FTS5; a root nothing matches is `unmatched` → pp_explain_json /
 * pp_explain_render. Front ends (hooks/cli_explain.c, the HTTP server) only parse their input
 * and print what these return.
 */
#ifndef PP_ADVISOR_EXPLAIN_H
#define PP_ADVISOR_EXPLAIN_H

#include <jansson.h>
#include <stddef.h>

#include "advisor/event.h"
#include "advisor/kb.h"
#include "advisor/kb_match.h"
#include "advisor/rootcause.h"
#include "engine/base/status.h"

#define PP_EXPLAIN_MAX_HOOK_RULES 8

typedef struct pp_explain_root {
    size_t event;          /* index into the set */
    int matched;           /* hit is valid */
    pp_kb_hit hit;         /* owned */
    const char *confidence;/* "high" (pattern on a cause), "medium" (pattern on a consequence
                              whose cause is not in the input), "low" (fts) */
    char rules[PP_EXPLAIN_MAX_HOOK_RULES][64];   /* Parapet rule ids named by a failed hook */
    size_t nrules;
} pp_explain_root;

typedef struct pp_explain {
    const pp_evset *set;   /* borrowed: must outlive this */
    pp_kb *kb;             /* borrowed */
    pp_rc_result rc;       /* owned */
    pp_explain_root *roots;/* owned; matched and unmatched, oldest first */
    size_t nroots;
    size_t nunmatched;
} pp_explain;

/* Finds root causes in s and matches them against kb, whose `role:` entries also tell
 * cascades from causes. On PP_OK *out is filled (caller frees with pp_explain_free);
 * PP_E_NOTFOUND when kb is NULL; PP_E_NOMEM. */
pp_status pp_explain_run(const pp_evset *s, pp_kb *kb, pp_explain *out);
void pp_explain_free(pp_explain *x);   /* NULL is a no-op */

/* The explain JSON document (new reference, caller decrefs), or NULL on NOMEM:
 * {"root_causes": [...], "cascades": [...], "unmatched": [...], "summary": {...},
 *  "warnings": [...]}. */
json_t *pp_explain_json(const pp_explain *x);

/* Event idx of x's set, normalised, with the role pp_explain_run gave it, as JSON (new
 * reference; NULL on NOMEM). */
json_t *pp_explain_event_json(const pp_explain *x, size_t idx);

typedef enum pp_explain_format { PP_EXPLAIN_TEXT = 0, PP_EXPLAIN_MARKDOWN = 1 } pp_explain_format;

/* Human-readable report, malloc'd (caller frees), NULL on NOMEM. */
char *pp_explain_render(const pp_explain *x, pp_explain_format fmt);

/* 0 when every root was explained (or nothing failed), 1 when some failure is unmatched. */
int pp_explain_exit_code(const pp_explain *x);

#endif
