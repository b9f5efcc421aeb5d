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

#include "advisor/anatomy.h"
#include "advisor/event.h"
#include "advisor/kb.h"
#include "advisor/kb_match.h"
#include "advisor/rootcause.h"
#include "engine/base/status.h"
#include "engine/doc.h"

#define PP_EXPLAIN_MAX_HOOK_RULES 8

/* Where a root cause points in the template given with --template. */
typedef struct pp_explain_loc {
    char *file;            /* owned */
    unsigned line, column; /* 1-based */
    char *pointer;         /* owned: JSON pointer of the value ("/Resources/Svc/Properties/…") */
    char *text;            /* owned: that line of the template, without its newline */
    int exact;             /* 1 when the decoded property itself was found, 0 for the resource */
} pp_explain_loc;

/* What answers a root cause. */
typedef enum pp_explain_src {
    PP_EXPLAIN_SRC_KB = 0,      /* a pattern of the KB */
    PP_EXPLAIN_SRC_FTS = 1,     /* the closest entry by text search */
    PP_EXPLAIN_SRC_ANATOMY = 2  /* no entry: guidance built from the decoded fields */
} pp_explain_src;

typedef struct pp_explain_root {
    size_t event;          /* index into the set */
    int matched;           /* answered: hit is valid (kb, fts) or guide is (anatomy) */
    pp_explain_src source;
    pp_kb_hit hit;         /* owned */
    int broad;             /* the matched entry is a broad one (`broad: true`) */
    const char *confidence;/* "high" (a specific pattern on a cause), "medium" (a specific
                              pattern on a consequence whose cause is not in the input, or
                              anatomy guidance from specific fields), "low" (a broad entry, text
                              search, or anatomy guidance from the shape alone), "none" */
    const char *confidence_reason;   /* static text saying why */
    pp_anatomy an;         /* owned: the decoded message (may hold nothing) */
    pp_an_guide guide;     /* owned; valid when has_guide */
    int has_guide;
    int guide_first;       /* the guidance names more than the broad entry: shown first */
    pp_explain_loc loc;    /* owned; valid when has_loc */
    int has_loc;
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
    int label_fixes;       /* text/Markdown: mark each fix "(template change)" or
                              "(environment change)"; JSON always carries fix_kinds */
} pp_explain;

/* Finds root causes in s and matches them against kb, whose `role:` entries also tell
 * cascades from causes (kb may be NULL: nothing is matched, the anatomy decoder still
 * answers; rootcause.h says what that costs). On PP_OK *out is filled (caller frees with
 * pp_explain_free); PP_E_NOMEM. */
pp_status pp_explain_run(const pp_evset *s, pp_kb *kb, pp_explain *out);
void pp_explain_free(pp_explain *x);   /* NULL is a no-op */

/* Maps every root cause to the template `doc` (loaded by pp_doc_load from src[0..len), the
 * text used to quote the line): the resource with the event's logical id, and inside it the
 * property path decoded from the message (Properties validation `#/Path`, or a validation
 * field matched case-insensitively against the resource's Properties), else the resource's
 * own line. Fills roots[i].loc. PP_OK or PP_E_NOMEM. */
pp_status pp_explain_locate(pp_explain *x, const pp_doc *doc, const char *src, size_t len);

/* The same for the roots of one stack only (events whose stack name or id is stack_name or
 * stack_id; either may be NULL, both NULL = every root), for a template fetched per stack:
 * `explain --stack` reads each failed stack's submitted template (advisor/live.h). Roots that
 * already have a location keep it. */
pp_status pp_explain_locate_stack(pp_explain *x, const pp_doc *doc, const char *src, size_t len,
                                  const char *stack_name, const char *stack_id);

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
/* "template" when a fix step changes the template, "environment" when it changes something
 * around it (a role, a quota, an SCP, an image, an account setting). A word-list heuristic
 * (the lists are in explain.c); `has_rule`: a Parapet rule would have caught the failure in
 * the template, which makes ambiguous steps template changes. Never NULL. */
const char *pp_explain_fix_kind(const char *step, int has_rule);
int pp_explain_exit_code(const pp_explain *x);

#endif
