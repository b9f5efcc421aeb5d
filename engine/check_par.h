/* check_par.h — evaluation of one template on several cores (check_par.c), under the check
 * pipeline (check.h). */
#ifndef PP_CHECK_PAR_H
#define PP_CHECK_PAR_H

#include <stddef.h>

#include "engine/eval.h"

#define PP_CHECK_PAR_MAX 7          /* extra rule sets at most (8 threads in all) */
#define PP_CHECK_PAR_MIN_PART 250   /* resources a part must have to be worth a thread */

typedef struct pp_check_par pp_check_par;

/* Starts `extra` threads that each load a rule set from o (borrowed; must outlive the
 * pp_check_par). NULL when extra is 0 or memory is short: evaluation then runs on one thread. */
pp_check_par *pp_check_par_start(const pp_rules_opts *o, size_t extra);
/* Evaluates t with rs (this thread) and the extra rule sets (their own threads), each on a
 * contiguous part of the resources, and merges the parts into rep in order: the same report
 * as pp_eval_template(rs, t, eo, rep, err). cp may be NULL. Small templates run on rs alone. */
pp_status pp_check_par_eval(pp_check_par *cp, pp_ruleset *rs, const pp_template *t,
                            const pp_eval_opts *eo, pp_report *rep, char **err);
void pp_check_par_free(pp_check_par *cp);   /* NULL is a no-op */

#endif
