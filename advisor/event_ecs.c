/* event_ecs.c — ECS shapes: describe-tasks (a task and its containers), describe-services
 * (events newest first, failed deployments, failures[]) (event_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event_int.h"
#include "engine/base/util.h"

pp_status pp_ev_add_ecs_task(ictx *c, const pj_val *o, pp_ev_source src, const char *where,
                              const pj_val *fallback_time)
{
    if (!IS_OBJ(o) || !pp_ev_jstr(o, "taskArn")) {
        pp_ev_warn(c->s, "%s:%u: %s: skipped: not an ECS task (no taskArn)", c->file, c->line,
                   where);
        return PP_OK;
    }
    const char *svc = NULL, *cluster = NULL;
    const char *group = pp_ev_jstr(o, "group");
    if (group && strncmp(group, "service:", 8) == 0)
        svc = pp_ev_str(c->s, group + 8);
    cluster = pp_ev_arn_tail(c, pp_ev_jstr(o, "clusterArn"));
    const pj_val *t = pj_get(o, "stoppedAt");
    if (!t)
        t = pj_get(o, "stoppingAt");
    if (!t)
        t = pj_get(o, "updatedAt");
    if (!t)
        t = pj_get(o, "createdAt");
    if (!t)
        t = fallback_time;

    pp_status st;
    pp_event *e = pp_ev_new(c, src, &st);
    if (!e)
        return st;
    e->service = svc;
    e->cluster = cluster;
    e->task_arn = pp_ev_cp(c, o, "taskArn");
    e->physical_id = e->task_arn;
    e->logical_id = pp_ev_arn_tail(c, pp_ev_jstr(o, "taskDefinitionArn"));
    e->resource_type = "AWS::ECS::Task";
    e->status = pp_ev_cp(c, o, "lastStatus");
    e->stop_code = pp_ev_cp(c, o, "stopCode");
    e->reason = pp_ev_cp(c, o, "stoppedReason");
    pp_ev_set_time(c, e, t);
    int64_t ts = e->ts_ms;
    const char *tstext = e->timestamp;
    const char *task_arn = e->task_arn, *tdef = e->logical_id, *status = e->status;
    const char *stop_code = e->stop_code;

    const pj_val *conts = pj_get(o, "containers");
    for (size_t i = 0; i < pj_len(conts); i++) {
        const pj_val *k = pj_at(conts, i);
        if (!IS_OBJ(k))
            continue;
        const pj_val *xc = pj_get(k, "exitCode");
        const char *r = pp_ev_jstr(k, "reason");
        int has_exit = IS_INT(xc);
        if (!r && (!has_exit || NUMV(xc) == 0))
            continue;   /* nothing to say about a healthy container */
        pp_event *ce = pp_ev_new(c, PP_SRC_ECS_CONTAINER, &st);
        if (!ce)
            return st;
        ce->service = svc;
        ce->cluster = cluster;
        ce->task_arn = task_arn;
        ce->physical_id = task_arn;
        ce->logical_id = tdef;
        ce->resource_type = "AWS::ECS::Task";
        ce->status = status;
        ce->stop_code = stop_code;
        ce->container = pp_ev_cp(c, k, "name");
        ce->image = pp_ev_cp(c, k, "image");
        ce->reason = pp_ev_cp(c, k, "reason");
        const pj_val *lt = pj_get(k, "parapetLogTail");
        if (IS_ARR(lt) && pj_len(lt)) {
            pp_buf ob;
            pp_buf_init(&ob, c->s->lim.max_reason_bytes);
            for (size_t li = 0; li < pj_len(lt); li++)
                if (IS_STR(pj_at(lt, li)))
                    pp_buf_printf(&ob, "%s%s", ob.len ? "\n" : "", pj_str(pj_at(lt, li)));
            if (ob.data)
                ce->output = pp_ev_strndup(c->s, ob.data, ob.len, c->s->lim.max_reason_bytes,
                                           NULL);
            pp_buf_free(&ob);
        }
        ce->ts_ms = ts;
        ce->timestamp = tstext;
        if (has_exit) {
            double x = NUMV(xc);
            ce->exit_code = (x > INT32_MAX || x < INT32_MIN + 1) ? -1 : (int32_t)x;
        }
        if (!ce->reason) {
            /* No text from ECS, only the exit code: say it in words the KB can match. */
            char *m = pp_asprintf("Essential container in task exited: container %s exited "
                                  "with exit code %d", ce->container ? ce->container : "?",
                                  (int)ce->exit_code);
            ce->reason = m ? pp_ev_str(c->s, m) : NULL;
            free(m);
        }
    }
    return PP_OK;
}

pp_status pp_ev_walk_tasks(ictx *c, const pj_val *arr)
{
    for (size_t i = 0; i < pj_len(arr); i++) {
        char where[32];
        snprintf(where, sizeof where, "tasks[%zu]", i);
        pp_status st = pp_ev_add_ecs_task(c, pj_at(arr, i), PP_SRC_ECS_TASK, where, NULL);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

pp_status pp_ev_add_ecs_service(ictx *c, const pj_val *o, const char *where)
{
    if (!IS_OBJ(o) || (!pp_ev_jstr(o, "serviceName") && !pp_ev_jstr(o, "serviceArn"))) {
        pp_ev_warn(c->s, "%s:%u: %s: skipped: not an ECS service", c->file, c->line, where);
        return PP_OK;
    }
    const char *svc = NULL, *cluster = NULL;
    pp_ev_ecs_service(c, pp_ev_jstr(o, "serviceArn"), &svc, &cluster);
    if (pp_ev_jstr(o, "serviceName"))
        svc = pp_ev_cp(c, o, "serviceName");
    if (pp_ev_jstr(o, "clusterArn"))
        cluster = pp_ev_arn_tail(c, pp_ev_jstr(o, "clusterArn"));
    const char *arn = pp_ev_cp(c, o, "serviceArn");
    pp_status st;

    const pj_val *evs = pj_get(o, "events");
    for (size_t i = pj_len(evs); i-- > 0;) {   /* newest first */
        const pj_val *v = pj_at(evs, i);
        if (!IS_OBJ(v) || !pp_ev_jstr(v, "message")) {
            pp_ev_warn(c->s, "%s:%u: %s.events[%zu]: skipped: no message", c->file, c->line,
                       where, i);
            continue;
        }
        pp_event *e = pp_ev_new(c, PP_SRC_ECS_SERVICE_EVENT, &st);
        if (!e)
            return st;
        e->service = svc;
        e->cluster = cluster;
        e->logical_id = svc;
        e->physical_id = arn;
        e->resource_type = "AWS::ECS::Service";
        e->event_id = pp_ev_cp(c, v, "id");
        e->reason = pp_ev_cp(c, v, "message");
        pp_ev_set_time(c, e, pj_get(v, "createdAt"));
    }
    const pj_val *deps = pj_get(o, "deployments");
    for (size_t i = pj_len(deps); i-- > 0;) {
        const pj_val *d = pj_at(deps, i);
        const char *rs = pp_ev_jstr(d, "rolloutState");
        if (!rs || strcmp(rs, "FAILED") != 0)
            continue;   /* only failed rollouts say something about the failure */
        pp_event *e = pp_ev_new(c, PP_SRC_ECS_DEPLOYMENT, &st);
        if (!e)
            return st;
        e->service = svc;
        e->cluster = cluster;
        e->logical_id = svc;
        e->physical_id = pp_ev_cp(c, d, "id");
        e->resource_type = "AWS::ECS::Service";
        e->status = pp_ev_cp(c, d, "rolloutState");
        e->reason = pp_ev_cp(c, d, "rolloutStateReason");
        const pj_val *t = pj_get(d, "updatedAt");
        pp_ev_set_time(c, e, t ? t : pj_get(d, "createdAt"));
    }
    return PP_OK;
}

pp_status pp_ev_walk_services(ictx *c, const pj_val *root)
{
    const pj_val *arr = pj_get(root, "services");
    for (size_t i = 0; i < pj_len(arr); i++) {
        char where[32];
        snprintf(where, sizeof where, "services[%zu]", i);
        pp_status st = pp_ev_add_ecs_service(c, pj_at(arr, i), where);
        if (st != PP_OK)
            return st;
    }
    const pj_val *fails = pj_get(root, "failures");
    for (size_t i = 0; i < pj_len(fails); i++) {
        const pj_val *f = pj_at(fails, i);
        if (!pp_ev_jstr(f, "reason"))
            continue;
        pp_status st;
        pp_event *e = pp_ev_new(c, PP_SRC_ECS_SERVICE_FAILURE, &st);
        if (!e)
            return st;
        const char *svc = NULL, *cluster = NULL;
        pp_ev_ecs_service(c, pp_ev_jstr(f, "arn"), &svc, &cluster);
        e->service = svc;
        e->cluster = cluster;
        e->physical_id = pp_ev_cp(c, f, "arn");
        e->resource_type = "AWS::ECS::Service";
        e->status = "FAILED";
        const char *r = pp_ev_jstr(f, "reason"), *d = pp_ev_jstr(f, "detail");
        char *m = pp_asprintf("describe-services failure: %s%s%s", r, d ? ": " : "", d ? d : "");
        e->reason = m ? pp_ev_str(c->s, m) : NULL;
        free(m);
    }
    return PP_OK;
}

/* EventBridge envelope: {"detail-type", "source", "time", "resources", "detail"}. */
