/* event_cfn.c — CloudFormation shapes: describe-stack-events (walked backwards: the CLI lists
 * newest first), describe-stacks, describe-stack-resources / list-stack-resources
 * (event_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event_int.h"
#include "engine/base/util.h"

pp_status pp_ev_add_stack_event(ictx *c, const pj_val *o, const char *where)
{
    if (!IS_OBJ(o) || (!pp_ev_jstr(o, "StackId") && !pp_ev_jstr(o, "StackName"))) {
        pp_ev_warn(c->s, "%s:%u: %s: skipped: not a stack event (no StackId/StackName)", c->file,
             c->line, where);
        return PP_OK;
    }
    pp_status st;
    pp_event *e = pp_ev_new(c, PP_SRC_CFN_STACK_EVENT, &st);
    if (!e)
        return st;
    e->stack_id = pp_ev_cp(c, o, "StackId");
    e->stack = pp_ev_jstr(o, "StackName") ? pp_ev_cp(c, o, "StackName")
                                          : pp_ev_stack_name(c, e->stack_id);
    e->event_id = pp_ev_cp(c, o, "EventId");
    e->logical_id = pp_ev_cp(c, o, "LogicalResourceId");
    e->physical_id = pp_ev_cp(c, o, "PhysicalResourceId");
    e->resource_type = pp_ev_cp(c, o, "ResourceType");
    e->status = pp_ev_cp(c, o, "ResourceStatus");
    e->reason = pp_ev_cp(c, o, "ResourceStatusReason");
    if (pp_ev_jstr(o, "parapetApiError")) {
        e->vague_reason = e->reason ? e->reason : "";
        e->reason = pp_ev_cp(c, o, "parapetApiError");
    }
    e->request_token = pp_ev_cp(c, o, "ClientRequestToken");
    e->hook_type = pp_ev_cp(c, o, "HookType");
    e->hook_status = pp_ev_cp(c, o, "HookStatus");
    e->hook_reason = pp_ev_cp(c, o, "HookStatusReason");
    e->hook_point = pp_ev_cp(c, o, "HookInvocationPoint");
    e->hook_mode = pp_ev_cp(c, o, "HookFailureMode");
    pp_ev_set_time(c, e, pj_get(o, "Timestamp"));
    return PP_OK;
}

pp_status pp_ev_walk_stack_events(ictx *c, const pj_val *arr)
{
    /* Newest first as printed: walk backwards so seq is oldest-first. */
    for (size_t i = pj_len(arr); i-- > 0;) {
        char where[48];
        snprintf(where, sizeof where, "StackEvents[%zu]", i);
        pp_status st = pp_ev_add_stack_event(c, pj_at(arr, i), where);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

pp_status pp_ev_add_stack(ictx *c, const pj_val *o)
{
    {
        pp_status st;
        pp_event *e = pp_ev_new(c, PP_SRC_CFN_STACK, &st);
        if (!e)
            return st;
        e->stack_id = pp_ev_cp(c, o, "StackId");
        e->stack = pp_ev_jstr(o, "StackName") ? pp_ev_cp(c, o, "StackName")
                                              : pp_ev_stack_name(c, e->stack_id);
        e->logical_id = e->stack;
        e->physical_id = e->stack_id;
        e->resource_type = "AWS::CloudFormation::Stack";
        e->status = pp_ev_cp(c, o, "StackStatus");
        e->reason = pp_ev_cp(c, o, "StackStatusReason");
        e->parent_stack = pp_ev_stack_name(c, pp_ev_jstr(o, "ParentId"));
        if (!e->reason && e->status &&
            (strstr(e->status, "FAILED") || strstr(e->status, "ROLLBACK"))) {
            /* describe-stacks often has no StackStatusReason: the state itself is the news. */
            char *m = pp_asprintf("Stack %s is in %s state", e->stack ? e->stack : "?",
                                  e->status);
            e->reason = m ? pp_ev_str(c->s, m) : NULL;
            free(m);
        }
        const pj_val *t = pj_get(o, "LastUpdatedTime");
        if (!t)
            t = pj_get(o, "DeletionTime");
        if (!t)
            t = pj_get(o, "CreationTime");
        pp_ev_set_time(c, e, t);
    }
    return PP_OK;
}

pp_status pp_ev_walk_stacks(ictx *c, const pj_val *arr)
{
    for (size_t i = 0; i < pj_len(arr); i++) {
        const pj_val *o = pj_at(arr, i);
        if (!IS_OBJ(o) || !pp_ev_jstr(o, "StackStatus")) {
            pp_ev_warn(c->s, "%s:%u: Stacks[%zu]: skipped: no StackStatus", c->file, c->line, i);
            continue;
        }
        pp_status st = pp_ev_add_stack(c, o);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

pp_status pp_ev_walk_stack_resources(ictx *c, const pj_val *arr, const char *key)
{
    for (size_t i = 0; i < pj_len(arr); i++) {
        const pj_val *o = pj_at(arr, i);
        if (!IS_OBJ(o) || !pp_ev_jstr(o, "ResourceStatus")) {
            pp_ev_warn(c->s, "%s:%u: %s[%zu]: skipped: no ResourceStatus", c->file, c->line,
                       key, i);
            continue;
        }
        pp_status st;
        pp_event *e = pp_ev_new(c, PP_SRC_CFN_RESOURCE, &st);
        if (!e)
            return st;
        e->stack_id = pp_ev_cp(c, o, "StackId");
        e->stack = pp_ev_jstr(o, "StackName") ? pp_ev_cp(c, o, "StackName")
                                              : pp_ev_stack_name(c, e->stack_id);
        e->logical_id = pp_ev_cp(c, o, "LogicalResourceId");
        e->physical_id = pp_ev_cp(c, o, "PhysicalResourceId");
        e->resource_type = pp_ev_cp(c, o, "ResourceType");
        e->status = pp_ev_cp(c, o, "ResourceStatus");
        e->reason = pp_ev_cp(c, o, "ResourceStatusReason");
        const pj_val *t = pj_get(o, "Timestamp");
        pp_ev_set_time(c, e, t ? t : pj_get(o, "LastUpdatedTimestamp"));
    }
    return PP_OK;
}

