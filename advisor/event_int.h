/* event_int.h — what the files of the event reader share (event.h is the public side):
 * event.c (the set, its string arena, warnings, the shape dispatch and the entry points),
 * event_time.c (timestamps), event_cfn.c (CloudFormation shapes), event_ecs.c (ECS shapes),
 * event_eb.c (EventBridge envelopes). Each walker appends records for one recognised shape;
 * strings are copied into the set's arena (pp_ev_str), so they live until pp_evset_free.
 */
#ifndef PP_ADVISOR_EVENT_INT_H
#define PP_ADVISOR_EVENT_INT_H

#include "advisor/event.h"
#include "advisor/jscan.h"

/* Ingestion context for one input value. */
typedef struct ictx {
    pp_evset *s;
    const char *file;   /* arena copy */
    unsigned line;
    char **err;
} ictx;


#define IS_STR(v) pj_is((v), PJ_STR)
#define IS_OBJ(v) pj_is((v), PJ_OBJ)
#define IS_ARR(v) pj_is((v), PJ_ARR)
#define IS_NUM(v) pj_is((v), PJ_NUM)
#define IS_INT(v) (pj_is((v), PJ_NUM) && (v)->is_int)
#define NUMV(v) ((v)->u.num)

/* ---- event.c ---- */
/* Copies p[0..n) into the set's arena, cut at a UTF-8 boundary to `cap` bytes (0 = no cap);
 * *cut (may be NULL) says whether it was. NULL on NOMEM. */
const char *pp_ev_strndup(pp_evset *s, const char *p, size_t n, size_t cap, int *cut);
const char *pp_ev_str(pp_evset *s, const char *p);   /* p NULL → NULL */
/* Keeps a warning (beyond lim.max_warnings, or on NOMEM, it is only counted). */
void pp_ev_warn(pp_evset *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a zeroed event of source src; NULL with *c->err set on the limit or NOMEM
 * (status in *st). */
pp_event *pp_ev_new(ictx *c, pp_ev_source src, pp_status *st);
const char *pp_ev_jstr(const pj_val *o, const char *k);            /* string member or NULL */
const char *pp_ev_cp(ictx *c, const pj_val *o, const char *k);     /* arena copy, reason cap */
const char *pp_ev_arn_tail(ictx *c, const char *arn);              /* after the last '/' */
const char *pp_ev_stack_name(ictx *c, const char *id);             /* NAME of …:stack/NAME/… */
/* service/CLUSTER/NAME (new ARN) or service/NAME (old) into *svc and *cluster. */
void pp_ev_ecs_service(ictx *c, const char *arn, const char **svc, const char **cluster);

/* ---- event_time.c ---- */
/* e's timestamp from an ISO 8601 string or epoch seconds (or ms) number. */
void pp_ev_set_time(ictx *c, pp_event *e, const pj_val *v);

/* ---- the shapes: PP_OK, or the limit / NOMEM status of pp_ev_new ---- */
pp_status pp_ev_add_stack_event(ictx *c, const pj_val *o, const char *where);
pp_status pp_ev_walk_stack_events(ictx *c, const pj_val *arr);   /* newest first, as listed */
pp_status pp_ev_add_stack(ictx *c, const pj_val *o);
pp_status pp_ev_walk_stacks(ictx *c, const pj_val *arr);
pp_status pp_ev_walk_stack_resources(ictx *c, const pj_val *arr, const char *key);
/* A task (and a record per container that says something); fallback_time when the task
 * carries none (the EventBridge envelope's). */
pp_status pp_ev_add_ecs_task(ictx *c, const pj_val *o, pp_ev_source src, const char *where,
                             const pj_val *fallback_time);
pp_status pp_ev_walk_tasks(ictx *c, const pj_val *arr);
pp_status pp_ev_add_ecs_service(ictx *c, const pj_val *o, const char *where);
pp_status pp_ev_walk_services(ictx *c, const pj_val *root);
pp_status pp_ev_add_eventbridge(ictx *c, const pj_val *o);

#endif
