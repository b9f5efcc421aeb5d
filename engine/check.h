/* check.h — the one check pipeline: load → resolve → evaluate → unknown policy → source lines
 * → sort. `parapet check`, `serve`'s POST /v1/check and the hook path (hooks/cfn_eval.c) all
 * run it, so the same input and options give the same findings everywhere.
 *
 * Use: pp_check_init (borrowing a rule set), then pp_check_input per file or request body (or
 * pp_check_template for a template a front end built itself), then pp_check_finish once, then a
 * report writer on c->rep. The unknown policy is applied by pp_check_finish: under
 * PP_UNKNOWN_PASS an UNKNOWN finding is counted as passed (and kept, as PASS, only when passed
 * findings are shown). Source lines are attached to every finding that has a line, whatever
 * the output format: the text writer prints them and the SARIF writer counts code points on
 * them.
 */
#ifndef PP_CHECK_H
#define PP_CHECK_H

#include <stddef.h>

#include "engine/check_par.h"
#include "engine/doc.h"
#include "engine/eval.h"
#include "engine/finding.h"

typedef struct pp_check_opts {
    pp_resolve_opts resolve;     /* parameters, pseudo parameters; .limits required */
    pp_eval_opts eval;           /* action, previous, show_passed, verbose */
    pp_unknown_policy unknown;
    int timings;                 /* print load/resolve/evaluate times to stderr per input */
} pp_check_opts;

typedef struct pp_check {
    pp_ruleset *rs;              /* borrowed */
    pp_check_par *par;           /* borrowed, may be NULL: evaluation on one thread */
    pp_check_opts o;
    pp_report rep;               /* owned; pp_check_free frees it */
    size_t input_errors;         /* inputs that could not be loaded, resolved or evaluated */
    struct pp_check_reaper *reaper;   /* a large input's document being released (check.c) */
} pp_check;

/* Starts a check with rule set rs (and the extra rule sets of par, may be NULL). */
void pp_check_init(pp_check *c, pp_ruleset *rs, pp_check_par *par, const pp_check_opts *o);
/* Frees the report, after waiting for the release of the last input (see pp_check_input). */
void pp_check_free(pp_check *c);

/* Loads buf[0..len) as a template named `name` (used in findings and errors), resolves and
 * evaluates it, and appends its findings with their source lines. A large input's document
 * and resolved template are released on a thread of their own (while the caller goes on to
 * sort and write the report), joined by the next pp_check_input or pp_check_free. On an input error returns
 * its status with *err "NAME:LINE:COL: …" and counts it in c->input_errors; the findings of
 * earlier inputs are kept. PP_E_NOMEM and PP_E_INTERNAL are returned as they are. */
pp_status pp_check_input(pp_check *c, const char *name, const char *buf, size_t len, char **err);

/* Evaluates a loaded document (the hook path wraps one resource as a document). `buf` is the
 * document's text for source lines, or NULL. `line` (0: none) is given to findings that have no
 * line of their own. */
pp_status pp_check_doc(pp_check *c, const pp_doc *doc, const char *buf, size_t len,
                       unsigned line, char **err);

/* Adjusts o for the report format it will be written in: JUnit lists every verdict as a test
 * case (a clean run is passing tests, not an empty report), so passed findings are kept. The
 * writer's show_passed must then follow o->eval.show_passed. */
void pp_check_for_format(pp_check_opts *o, pp_format fmt);

/* Records an input the front end could not even read (the pipeline records its own load,
 * resolve and evaluation errors): counted in c->input_errors and kept in the report's
 * input_errors, which every writer renders. */
void pp_check_input_error(pp_check *c, const char *name, const char *err);

/* Applies the unknown policy and sorts the findings. Call once, after the last input. */
void pp_check_finish(pp_check *c);

/* 1 when finding f fails a run: ERROR at any severity (a guardrail that could not run is never
 * a pass), FAIL at or above fail_on, UNKNOWN at or above it under PP_UNKNOWN_FAIL. The one
 * definition: pp_report_failing and the hook response both use it. */
int pp_check_fails(const pp_finding *f, pp_severity fail_on, pp_unknown_policy up);

#endif
