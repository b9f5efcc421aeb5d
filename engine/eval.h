/* eval.h — the rule set and the evaluation of a template against it.
 *
 * Data flow: rules/ (Lua text) → pp_ruleset_load (compiled once per process/thread, in one
 * pp_sandbox) → pp_eval_template (one pp_template) → pp_report (finding.h).
 * A pp_ruleset is not thread-safe: each worker thread loads its own.
 */
#ifndef PP_EVAL_H
#define PP_EVAL_H

#include <jansson.h>

#include "engine/finding.h"
#include "engine/base/limits.h"
#include "engine/base/status.h"
#include "engine/template.h"

typedef struct pp_ruleset pp_ruleset;

typedef enum pp_unknown_policy {
    PP_UNKNOWN_FAIL = 0, /* UNKNOWN counts as failing (default) */
    PP_UNKNOWN_WARN,     /* reported, never failing */
    PP_UNKNOWN_PASS      /* counted as passed */
} pp_unknown_policy;

typedef struct pp_rules_opts {
    const char *const *dirs;   /* rule folders in load order; the built-in folder first */
    size_t ndirs;
    const char *const *packs;  /* only rules of these packs (none = all) */
    size_t npacks;
    const char *const *only;   /* only rules whose id or a control matches (with wildcards) */
    size_t nonly;
    const json_t *config;      /* parsed .parapet.yaml (borrowed, may be NULL) */
    const char *const *lib_dirs; /* folders whose lib/ modules and catalog/ rows are loaded
                                    before those of `dirs`, without loading their rules (the
                                    built-in folder when a command tests or lists another
                                    one) */
    size_t nlib_dirs;
    const pp_limits *limits;
    const struct pp_rules_cache *cache; /* precompiled chunks and the rule index, used where
                                           they match the text (rules_cache.h); borrowed, may
                                           be NULL, and must outlive the rule set: rules from
                                           the index borrow its strings and bytecode */
} pp_rules_opts;

/* Loads and compiles every .lua file under the folders (recursively, sorted by path). Returns NULL
 * with *st and *err ("FILE:LINE: message") on a rule that fails to load or declares invalid
 * metadata, or a duplicate id. Caller frees with pp_ruleset_free. */
pp_ruleset *pp_ruleset_load(const pp_rules_opts *o, pp_status *st, char **err);
void pp_ruleset_free(pp_ruleset *rs);
/* Metadata of the selected rules, borrowed from rs; *n receives the count. */
const pp_rule_info *pp_ruleset_info(const pp_ruleset *rs, size_t *n);
/* Path of the file each rule came from (same order as pp_ruleset_info). */
const char *pp_ruleset_file(const pp_ruleset *rs, size_t i);

/* Restricts evaluation to the rule with this id (NULL: all selected rules again).
 * Returns 0, or -1 when no rule has that id (then nothing is evaluated). */
int pp_ruleset_select(pp_ruleset *rs, const char *rule_id);
/* Replaces a rule's params by its configured params merged with `params` (borrowed; NULL
 * restores them). Used by `rules test` cases. PP_E_NOTFOUND for an unknown id. */
pp_status pp_ruleset_override_params(pp_ruleset *rs, const char *rule_id, const json_t *params);

typedef struct pp_eval_opts {
    const char *action;         /* "CHECK" (default), "CREATE", "UPDATE", "DELETE" */
    const json_t *previous;     /* hook UPDATE: previous properties of the one resource */
    int show_passed;            /* keep PASS and SKIP findings */
    int verbose;                /* rule print/pp.log to stderr */
    size_t first, count;        /* only resources [first, first + count) of the template
                                   (count 0: all); parts evaluated apart and merged in order
                                   give the report of the whole */
} pp_eval_opts;

/* Runs every selected rule on every active resource of the types it names and appends the
 * findings to `out` (whose counters it updates). Rule failures (errors, budgets) become ERROR
 * findings, never a failed call; returns PP_OK or PP_E_NOMEM / PP_E_INTERNAL. */
pp_status pp_eval_template(pp_ruleset *rs, const pp_template *t, const pp_eval_opts *o,
                           pp_report *out, char **err);

/* 1 when the report holds a finding that fails the run (pp_check_fails, check.c). */
int pp_report_failing(const pp_report *r, pp_severity fail_on, pp_unknown_policy up);

#endif
