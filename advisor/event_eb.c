/* event_eb.c — EventBridge envelopes: CloudFormation resource and stack status changes, ECS
 * task state changes (read as tasks), deployment state changes and service actions
 * (event_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event_int.h"
#include "engine/base/util.h"

pp_status pp_ev_add_eventbridge(ictx *c, const pj_val *o)
{
    const char *dt = pp_ev_jstr(o, "detail-type");
    const pj_val *d = pj_get(o, "detail");
    const pj_val *time = pj_get(o, "time");
    const pj_val *res0 = pj_at(pj_get(o, "resources"), 0);
    const char *res = IS_STR(res0) ? pj_str(res0) : NULL;
    pp_status st;
    if (!IS_OBJ(d)) {
        pp_ev_warn(c->s, "%s:%u: EventBridge event without a detail object: skipped", c->file,
                   c->line);
        return PP_OK;
    }
    if (strcmp(dt, "CloudFormation Resource Status Change") == 0 ||
        strcmp(dt, "CloudFormation Stack Status Change") == 0) {
        int is_stack = dt[15] == 'S';
        pp_event *e = pp_ev_new(c, is_stack ? PP_SRC_EB_CFN_STACK : PP_SRC_EB_CFN_RESOURCE, &st);
        if (!e)
            return st;
        const pj_val *sd = pj_get(d, "status-details");
        e->stack_id = pp_ev_cp(c, d, "stack-id");
        e->stack = pp_ev_stack_name(c, e->stack_id);
        e->request_token = pp_ev_cp(c, d, "client-request-token");
        e->status = pp_ev_cp(c, sd, "status");
        e->reason = pp_ev_cp(c, sd, "status-reason");
        if (is_stack) {
            e->logical_id = e->stack;
            e->physical_id = e->stack_id;
            e->resource_type = "AWS::CloudFormation::Stack";
        } else {
            e->logical_id = pp_ev_cp(c, d, "logical-resource-id");
            e->physical_id = pp_ev_cp(c, d, "physical-resource-id");
            e->resource_type = pp_ev_cp(c, d, "resource-type");
        }
        pp_ev_set_time(c, e, time);
        return PP_OK;
    }
    if (strcmp(dt, "ECS Task State Change") == 0)
        return pp_ev_add_ecs_task(c, d, PP_SRC_EB_ECS_TASK, "detail", time);
    if (strcmp(dt, "ECS Deployment State Change") == 0 ||
        strcmp(dt, "ECS Service Action") == 0) {
        int is_dep = dt[4] == 'D';
        pp_event *e = pp_ev_new(c, is_dep ? PP_SRC_EB_ECS_DEPLOYMENT : PP_SRC_EB_ECS_SERVICE_ACTION,
                                &st);
        if (!e)
            return st;
        const char *svc = NULL, *cluster = NULL;
        pp_ev_ecs_service(c, res, &svc, &cluster);
        if (pp_ev_jstr(d, "clusterArn"))
            cluster = pp_ev_arn_tail(c, pp_ev_jstr(d, "clusterArn"));
        e->service = svc;
        e->cluster = cluster;
        e->logical_id = svc;
        e->physical_id = is_dep ? pp_ev_cp(c, d, "deploymentId") : pp_ev_str(c->s, res);
        e->resource_type = "AWS::ECS::Service";
        e->status = pp_ev_cp(c, d, "eventName");
        const char *name = pp_ev_jstr(d, "eventName"), *r = pp_ev_jstr(d, "reason");
        if (is_dep || !name) {
            e->reason = pp_ev_cp(c, d, "reason");
        } else {
            /* Service actions carry terse reasons ("RESOURCE:MEMORY"): keep the event name
             * with them so the KB can tell a placement failure from a configuration one. */
            char *m = pp_asprintf("%s%s%s", name, r ? ": " : "", r ? r : "");
            e->reason = m ? pp_ev_strndup(c->s, m, strlen(m), c->s->lim.max_reason_bytes, NULL)
                          : NULL;
            free(m);
        }
        const pj_val *t = pj_get(d, "updatedAt");
        if (!t)
            t = pj_get(d, "createdAt");
        pp_ev_set_time(c, e, t ? t : time);
        return PP_OK;
    }
    pp_ev_warn(c->s, "%s:%u: EventBridge detail-type \"%s\" is not used by explain: skipped",
               c->file,
         c->line, dt);
    return PP_OK;
}

