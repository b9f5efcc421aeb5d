/* triage.h — what a failure event asks of the advisor, for front ends that receive events one
 * at a time (the Lambda's EventBridge path): keep it, explain what was kept, or ignore it.
 *
 * Data flow: one EventBridge event (jansson, as the Runtime API gave it) → pp_triage_event:
 * ingested as explain ingests it (event.h) and classified by pp_rc_classify (rootcause.h), the
 * one definition of "a failure" — so a user-initiated rollback that `parapet explain` does not
 * count is ignored here too. Then, for a trigger, pp_triage_explain runs the explanation over
 * what the front end kept for the scope, and pp_triage_add re-explains in place with what a
 * live fetch (live.h) brought, when the first run found no real cause (`needs_more`).
 *
 * Decisions (docs/chatops.md "Lambda mode"):
 *   - not a failure (the advisor's classification is PP_RC_NONE for every record), or no
 *     stack / service to file it under → PP_TRIAGE_IGNORE;
 *   - a failed resource, a failed task of a service, a failed ECS service action → STORE under
 *     the stack or service: they carry the cause the later summary event lacks;
 *   - a failed or rolling-back stack status, a failed deployment, a failed task no service
 *     started → TRIGGER the explanation of everything kept for the scope.
 *
 * Ownership: a pp_triage owns its strings (pp_triage_free); a pp_triage_run owns its set and
 * its explanation (pp_triage_run_free). Neither is shared between threads.
 */
#ifndef PP_ADVISOR_TRIAGE_H
#define PP_ADVISOR_TRIAGE_H

#include <jansson.h>
#include <stddef.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/kb.h"
#include "engine/base/status.h"

typedef enum pp_triage_action {
    PP_TRIAGE_IGNORE = 0,
    PP_TRIAGE_STORE = 1,
    PP_TRIAGE_TRIGGER = 2
} pp_triage_action;

typedef struct pp_triage {
    pp_triage_action action;
    pp_rc_kind kind;      /* the strongest classification among the event's records */
    int ecs;              /* an ECS event (else CloudFormation) */
    char *scope;          /* owned: stack name, ECS service name, or for a standalone task its
                             task definition ARN ("task" without one); NULL when ignored */
    char *stack_id;       /* owned: the stack ARN (CloudFormation), or NULL */
    char *cluster;        /* owned: the ECS cluster name, or NULL */
} pp_triage;

/* Classifies one EventBridge event with the wording of kb (may be NULL: see rootcause.h).
 * PP_OK with *out filled (an event explain cannot read is PP_TRIAGE_IGNORE); PP_E_NOMEM with
 * *out zeroed. */
pp_status pp_triage_event(const json_t *ev, pp_kb *kb, pp_triage *out);
void pp_triage_free(pp_triage *t);   /* NULL is a no-op; resets *t */

const char *pp_triage_action_name(pp_triage_action a);   /* "ignore", "store", "trigger" */

typedef struct pp_triage_run {
    pp_evset set;         /* owned: every record explained so far */
    pp_explain x;         /* owned: valid after PP_OK */
    int explained;
    int needs_more;       /* no root found is a real cause (PP_RC_CAUSE): the records at hand
                             lack it, and a live fetch may bring it (pp_triage_add) */
} pp_triage_run;

/* Explains `lines` (the records kept for a scope, JSON lines as the state database lists
 * them; may be empty) with kb. PP_OK; PP_E_PARSE / PP_E_LIMIT for records explain refuses;
 * PP_E_NOMEM. *err (caller frees) on error. Free with pp_triage_run_free in every case. */
pp_status pp_triage_explain(pp_triage_run *r, pp_kb *kb, const char *lines, size_t len,
                            char **err);
/* Adds documents (a JSON array of what live.h fetched, read without printing them) to the set
 * and explains it again in place; needs_more is recomputed. Same errors as above; after a
 * refused document (PP_E_PARSE, PP_E_LIMIT) `explained` tells whether the rest was explained. */
pp_status pp_triage_add(pp_triage_run *r, pp_kb *kb, const json_t *docs, char **err);
void pp_triage_run_free(pp_triage_run *r);   /* NULL is a no-op */

#endif
