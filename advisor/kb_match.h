/* kb_match.h — matching one failure message against the knowledge base.
 *
 * Data flow: root-cause event (rootcause.h) → pp_kb_match (PCRE2, JIT) → on no match
 * pp_kb_match_fts (SQLite FTS5 ranking, low confidence) → guidance with {capture} placeholders
 * filled by pp_kb_fill.
 *
 * Ranking among matching patterns ("specificity"): priority × 1000 + 300 when the event's
 * resource type equals one the entry lists (150 for a wildcard such as AWS::ECS::*; −100 when
 * the entry lists types but the event has none) + 100 when the status is listed + the literal
 * characters the pattern requires (a group with alternatives counts as its least specific
 * alternative). Entries that list resource types (or statuses) are skipped for events that
 * carry a different one. Ties go to the entry loaded first (file name order). A broad entry
 * (`broad: true`) never outranks a specific entry that also matches, whatever the scores; a
 * specific entry that lists resource types counts as specific only when the event carries a
 * type (without one, it may not apply, and it is ranked with the broad entries by score).
 *
 * Limits: subjects longer than PP_KB_MATCH_MAX_SUBJECT bytes are matched on their first
 * PP_KB_MATCH_MAX_SUBJECT bytes; each match has PCRE2 match and depth limits, and a pattern
 * that hits them counts as no match.
 */
#ifndef PP_ADVISOR_KB_MATCH_H
#define PP_ADVISOR_KB_MATCH_H

#include <stddef.h>

#include "advisor/event.h"
#include "advisor/kb.h"
#include "engine/base/status.h"

#define PP_KB_MATCH_MAX_SUBJECT (16u << 10)
#define PP_KB_MATCH_LIMIT 200000u
#define PP_KB_DEPTH_LIMIT 2000u
#define PP_KB_MAX_CAPTURE 512   /* a filled capture is cut to this many bytes */
#define PP_KB_BROAD_RANK 1000000 /* subtracted from a broad entry's score in pp_kb_match_all */

typedef enum pp_kb_source { PP_KB_SRC_PATTERN = 0, PP_KB_SRC_FTS = 1 } pp_kb_source;

typedef struct pp_kb_capture {
    char *name;   /* owned */
    char *value;  /* owned */
} pp_kb_capture;

typedef struct pp_kb_hit {
    size_t entry;             /* index into kb->e */
    pp_kb_source source;
    int score;                /* specificity (pattern) or overlap × 10 (fts) */
    pp_kb_capture *caps;      /* owned; one per named group, "" when the group was unset */
    size_t ncaps;
} pp_kb_hit;

/* Compiles entry e's pattern (JIT when available) and fills e->re, e->names, e->literal_len.
 * On failure returns PP_E_PARSE with *err "FILE:LINE: expected a PCRE2 pattern: …". */
pp_status pp_kb_compile(pp_kb_entry *e, char **err);

/* Allocates the match data, match context and JIT stack of kb (once; kb.c calls it). */
pp_status pp_kb_match_init(pp_kb *kb);
/* Frees every compiled pattern and what pp_kb_match_init made (pp_kb_free calls it). */
void pp_kb_match_fini(pp_kb *kb);

/* Best pattern match for text. resource_type/status may be NULL. `only` restricts matching to
 * one entry when != (size_t)-1 (lint). Returns PP_OK with *hit filled (caller frees with
 * pp_kb_hit_free), PP_E_NOTFOUND when nothing matched, PP_E_NOMEM. */
pp_status pp_kb_match(pp_kb *kb, const char *text, const char *resource_type, const char *status,
                      pp_kb_hit *hit);

/* Every entry whose pattern matches, best first (specific entries before broad ones): writes
 * up to max entry indices into out and their scores into scores (may be NULL; a broad entry's
 * score is lowered by PP_KB_BROAD_RANK, as is that of an entry whose types the event cannot
 * confirm). Returns how many were written. */
size_t pp_kb_match_all(pp_kb *kb, const char *text, const char *resource_type,
                       const char *status, size_t *out, int *scores, size_t max);

/* For every specific cause entry (not broad), records in its doc's "rivals" (and e->rivals)
 * one {kind, resource_type} object for each distinct kind and type of the other entries'
 * examples (role cause, another kind) that its pattern matches under its resource-type and
 * status filters (resource_type absent when the example has none): the KB's own evidence that
 * the entry names a family of causes rather than one. pp_kb_load_dir calls it; kb.db stores
 * the result. PP_OK or PP_E_NOMEM. */
pp_status pp_kb_find_rivals(pp_kb *kb);

/* 1 when a rival (an element of e->rivals) could be the cause of an event of resource_type:
 * the event or the rival's example has no type, or they are the same. */
int pp_kb_rival_applies(const json_t *rival, const char *resource_type);

/* The role of a failure message by the KB's wording (rootcause.h rule 1): PP_KB_ROLE_WRAPPER
 * when the pattern of any `role: wrapper` entry matches text, else PP_KB_ROLE_WEAK when a
 * `role: weak` one does, else PP_KB_ROLE_CAUSE. Only the text counts: an entry's
 * resource_types/statuses filters choose guidance, not roles. NULL text is a cause. Uses kb's
 * match data, like pp_kb_match. */
pp_kb_role pp_kb_role_of(pp_kb *kb, const char *text);

/* FTS5 fallback: the closest entry by bm25 whose type filter passes and which shares enough
 * distinctive words with text. PP_E_NOTFOUND when none is close enough or kb has no db. */
pp_status pp_kb_match_fts(pp_kb *kb, const char *text, const char *resource_type,
                          pp_kb_hit *hit);

/* Up to max FTS5 results for a free-text query (kb search), best first; returns the count. */
size_t pp_kb_search(pp_kb *kb, const char *query, size_t *out, size_t max);

void pp_kb_hit_free(pp_kb_hit *hit);   /* frees the captures; NULL is a no-op */

/* Value of capture `name` in hit, or NULL. */
const char *pp_kb_hit_capture(const pp_kb_hit *hit, const char *name);

/* Copies tmpl with every {name} (name = [A-Za-z_][A-Za-z0-9_]*) replaced by the capture of that
 * name, else the event field of that name (ev may be NULL), else "" when the pattern has such a
 * group that this message left unset, else "<name>" for the reader to fill in. Other braces
 * are kept. PP_OK with *out malloc'd (caller frees), or PP_E_NOMEM with *out NULL: a piece
 * that could not be added fails the fill, so the text is never silently shorter. */
pp_status pp_kb_fill(const char *tmpl, const pp_kb_hit *hit, const pp_event *ev, char **out);
/* pp_kb_fill for a shell command: a value (captured from the failure message or an event
 * field: untrusted text) that stands as its own word is pasted as one shell word — as it is
 * when it holds only letters, digits and _@%+=:,./-, else in single quotes — so that
 * `repo$(touch /tmp/x)` stays an argument; a value inside quotes the template opened is pasted
 * only when it holds those characters alone, else the placeholder <name> stays. */
pp_status pp_kb_fill_command(const char *tmpl, const pp_kb_hit *hit, const pp_event *ev,
                             char **out);

/* The value of event field `name` for placeholders ("stack", "logical_id", …) or NULL. The
 * returned pointer is valid until the next call (exit_code is formatted into a static). */
const char *pp_kb_event_field(const pp_event *ev, const char *name);

#endif
