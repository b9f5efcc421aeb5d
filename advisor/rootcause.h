/* rootcause.h — timelines and root-cause selection over a pp_evset.
 *
 * Data flow: event.h (records) → pp_rc_analyse (this) → roots are matched against the KB,
 * cascades are listed as consequences.
 *
 * Rules, in order:
 *  1. Every record is classified (pp_rc_classify): not a failure, a CAUSE (a failure that says
 *     why), WEAK (a failure that is usually a consequence: "Internal Failure", "Essential
 *     container in task exited", "(service x) has stopped N running tasks", waiter errors), or
 *     WRAPPER (pure consequence: "Resource creation cancelled", "The following resource(s)
 *     failed to …", "Embedded stack … was not successfully …", ECS circuit-breaker text,
 *     "unable to consistently start tasks"). The wording of WEAK and WRAPPER is KB data: the
 *     patterns of the entries with `role: weak` / `role: wrapper` (kb/NAME.yaml, docs/kb.md),
 *     read through pp_kb_role_of. Only what is structure, not wording, is decided here: ECS
 *     deployment records and SERVICE_TASK_START_IMPAIRED are wrappers; a nested-stack record
 *     with no reason, or a stack parked in a rollback state, is weak.
 *     Why the KB is required, not embedded: new AWS wording is a YAML edit and `parapet kb
 *     build`, checked by `kb lint`, with no rebuild of the binary; a second copy compiled in
 *     would drift from kb.db. Every front end already refuses to run without a KB.
 *  2. Records are grouped in timelines: one per CloudFormation stack, one per ECS service
 *     (tasks join their service through `group: service:NAME`), one per raw message. Each
 *     timeline is ordered oldest first (timestamp, then input order).
 *  3. A timeline's root is its earliest CAUSE; failing that its earliest WEAK; failing that its
 *     earliest WRAPPER. Other CAUSEs with the same status within one second of the root are
 *     parallel roots (two resources failing independently in one operation).
 *  4. A wrapper that names another timeline present in the input (nested stack ARN or name,
 *     the physical id of a nested-stack resource, an AWS::ECS::Service resource → that
 *     service's timeline) is followed: the child's root stands for the parent's and the parent
 *     contributes only cascades. Cycles are cut.
 *  5. Every failure that is not a root is a cascade.
 */
#ifndef PP_ADVISOR_ROOTCAUSE_H
#define PP_ADVISOR_ROOTCAUSE_H

#include <stddef.h>

#include "advisor/event.h"
#include "advisor/kb.h"
#include "engine/base/status.h"

typedef enum pp_rc_kind {
    PP_RC_NONE = 0,     /* not a failure */
    PP_RC_CAUSE = 1,
    PP_RC_WEAK = 2,
    PP_RC_WRAPPER = 3
} pp_rc_kind;

typedef struct pp_rc_result {
    size_t *roots;          /* indices into the set's ev[], oldest first; owned */
    size_t nroots;
    size_t *cascades;       /* failures that are not roots, oldest first; owned */
    size_t ncascades;
    size_t *cascade_root;   /* parallel to cascades: index into roots[] of the root it follows
                               from, or (size_t)-1 when unattributed; owned */
    unsigned char *kind;    /* per event of the set (s->n): its pp_rc_kind; owned */
    size_t nfailures;       /* events classified as any kind of failure */
    size_t ntimelines;
} pp_rc_result;

/* Classifies one event (rule 1) with the wording of kb (uses kb's match data, so not
 * concurrently on one kb). With kb NULL no wording is known and every failure not marked by
 * its source or status is a CAUSE. Never fails. */
pp_rc_kind pp_rc_classify(const pp_event *ev, pp_kb *kb);

/* Analyses the whole set with the wording of kb. On PP_OK *out is filled (caller frees with
 * pp_rc_free); PP_E_NOMEM. kb may be NULL (explain without a knowledge base, where the
 * anatomy decoder still answers): then only structure marks consequences, and a pasted
 * wrapper message counts as a cause. On error *out is left empty. An empty set, or one without failures,
 * yields zero roots. */
pp_status pp_rc_analyse(const pp_evset *s, pp_kb *kb, pp_rc_result *out);
void pp_rc_free(pp_rc_result *r);   /* NULL is a no-op; frees the arrays only */

/* Parapet rule ids named in a failed hook's reason: lower-case dash-separated ids of three or
 * more parts ("ecs-service-no-public-ip"), only when the hook type or reason mentions Parapet.
 * Writes up to `max` NUL-terminated ids (each cut to 63 bytes) into out; returns how many. */
size_t pp_rc_hook_rules(const pp_event *ev, char (*out)[64], size_t max);

#endif
