/* live.c — stack events, nested stacks, ECS services, stopped tasks, container logs and
 * CloudTrail, fetched for the advisor (see live.h). */
#include "advisor/live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "advisor/rootcause.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/aws.h"

#define TRAIL_BEFORE_S (15 * 60)
#define TRAIL_AFTER_S 60
#define MAX_LOG_LINE 1000

typedef struct live {
    const pp_live_opts *o;
    pp_live_result *r;
    pp_aws_client cfn, ecs, logs, trail;
    int have_cfn, have_ecs, have_logs, have_trail;
    json_t *seen_stacks;     /* {stack id: true} */
    json_t *seen_services;   /* {"cluster/service": true} */
} live;

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void missing(live *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void missing(live *l, const char *fmt, ...)
{
    pp_live_result *r = l->r;
    if (r->nmissing == PP_LIVE_MAX_MISSING) {
        r->missing_dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *m = pp_vasprintf(fmt, ap);
    va_end(ap);
    if (m)
        r->missing[r->nmissing++] = m;
}

/* Sets up the client for svc on first use; 0 when ready. */
static int client(live *l, pp_aws_client *c, int *have, pp_aws_service svc)
{
    if (*have)
        return *have > 0 ? 0 : -1;
    char *err = NULL;
    if (pp_aws_client_init(c, l->o->session, l->o->http, svc, NULL, &err) != PP_OK) {
        missing(l, "%s: %s", pp_aws_service_get(svc)->name, err ? err : "no client");
        free(err);
        *have = -1;
        return -1;
    }
    c->timeout_ms = l->o->timeout_ms ? l->o->timeout_ms : 10000;
    c->deadline_ms = l->o->deadline_ms;
    *have = 1;
    return 0;
}

static void add_doc(live *l, json_t *doc)   /* steals doc */
{
    if (doc)
        json_array_append_new(l->r->docs, doc);
}

/* ---- ECS ------------------------------------------------------------------------------- */

static const char *tail_of(const char *arn)
{
    const char *s = arn ? strrchr(arn, '/') : NULL;
    return s ? s + 1 : arn;
}

/* The container definition `name` of a task definition (cached per ARN in `tdefs`). */
static json_t *container_def(live *l, json_t *tdefs, const char *tdarn, const char *name)
{
    json_t *td = json_object_get(tdefs, tdarn);
    if (!td) {
        json_t *rq = json_pack("{s:s}", "taskDefinition", tdarn), *ans = NULL;
        char *err = NULL;
        if (pp_aws_ecs(&l->ecs, "DescribeTaskDefinition", rq, &ans, &err) != PP_OK) {
            missing(l, "%s (task definition %s; the container's log stream is unknown)",
                    err ? err : "ECS DescribeTaskDefinition failed", tdarn);
            td = json_null();
        } else {
            td = json_incref(json_object_get(ans, "taskDefinition"));
            if (!td)
                td = json_null();
        }
        json_object_set_new(tdefs, tdarn, td);   /* steals td */
        json_decref(rq);
        json_decref(ans);
        free(err);
    }
    size_t i;
    json_t *cd;
    json_array_foreach(json_object_get(td, "containerDefinitions"), i, cd)
        if (jstr(cd, "name") && strcmp(jstr(cd, "name"), name) == 0)
            return cd;
    return NULL;
}

/* Adds "parapetLogTail" to container k of `task` when its awslogs stream has lines. */
static void fetch_log_tail(live *l, json_t *tdefs, json_t *task, json_t *k)
{
    const char *name = jstr(k, "name"), *tdarn = jstr(task, "taskDefinitionArn");
    if (!name || !tdarn)
        return;
    json_t *cd = container_def(l, tdefs, tdarn, name);
    json_t *lc = json_object_get(cd, "logConfiguration");
    if (!cd || !jstr(lc, "logDriver") || strcmp(jstr(lc, "logDriver"), "awslogs") != 0)
        return;
    json_t *opt = json_object_get(lc, "options");
    const char *group = jstr(opt, "awslogs-group"), *prefix = jstr(opt, "awslogs-stream-prefix");
    if (!group)
        return;
    if (!prefix) {
        missing(l, "CloudWatch Logs for container %s: the task definition sets no "
                "awslogs-stream-prefix, so the stream name is not known", name);
        return;
    }
    if (client(l, &l->logs, &l->have_logs, PP_SVC_LOGS) != 0)
        return;
    char *stream = pp_asprintf("%s/%s/%s", prefix, name, tail_of(jstr(task, "taskArn")));
    json_t *rq = stream ? json_pack("{s:s,s:s,s:i,s:b}", "logGroupName", group, "logStreamName",
                                    stream, "limit", (int)(l->o->log_lines ? l->o->log_lines
                                                                           : 20),
                                    "startFromHead", 0) : NULL;
    json_t *ans = NULL;
    char *err = NULL;
    if (rq && pp_aws_json(&l->logs, "Logs_20140328.GetLogEvents", "1.1", rq, &ans, &err) ==
        PP_OK) {
        json_t *lines = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(ans, "events"), i, e) {
            const char *m = jstr(e, "message");
            if (!m)
                continue;
            size_t n = strlen(m);
            while (n && (m[n - 1] == '\n' || m[n - 1] == '\r'))
                n--;
            if (n > MAX_LOG_LINE)
                n = MAX_LOG_LINE;
            /* the application's bytes: no terminal control sequence survives */
            char *c = pp_term_clean(m, n, 0);
            if (c)
                json_array_append_new(lines, json_string(c));
            free(c);
        }
        if (json_array_size(lines)) {
            json_object_set(k, "parapetLogTail", lines);   /* does not steal */
            l->r->log_streams++;
        }
        json_decref(lines);
    } else if (rq) {
        missing(l, "%s (log group %s, stream %s)", err ? err : "CloudWatch Logs GetLogEvents "
                "failed", group, stream);
    }
    json_decref(rq);
    json_decref(ans);
    free(err);
    free(stream);
}

static int essential_exit(json_t *task, json_t *k)
{
    json_t *x = json_object_get(k, "exitCode");
    const char *code = jstr(task, "stopCode");
    return (json_is_integer(x) && json_integer_value(x) != 0) ||
           (code && strcmp(code, "EssentialContainerExited") == 0 && json_is_integer(x));
}

static pp_status do_service(live *l, const char *cluster, const char *service)
{
    char key[600];
    snprintf(key, sizeof key, "%s/%s", cluster, service);
    if (json_object_get(l->seen_services, key))
        return PP_OK;
    json_object_set_new(l->seen_services, key, json_true());
    if (client(l, &l->ecs, &l->have_ecs, PP_SVC_ECS) != 0)
        return PP_E_USAGE;
    char *err = NULL;
    json_t *rq = json_pack("{s:s,s:[s]}", "cluster", cluster, "services", service), *ans = NULL;
    pp_status st = pp_aws_ecs(&l->ecs, "DescribeServices", rq, &ans, &err);
    json_decref(rq);
    if (st != PP_OK) {
        missing(l, "%s (service %s in cluster %s)", err ? err : "ECS DescribeServices failed",
                service, cluster);
        PP_FREE(err);
    } else {
        add_doc(l, ans);
    }
    rq = json_pack("{s:s,s:s,s:s,s:i}", "cluster", cluster, "serviceName", service,
                   "desiredStatus", "STOPPED", "maxResults",
                   (int)(l->o->max_tasks ? l->o->max_tasks : 10));
    json_t *list = NULL;
    if (pp_aws_ecs(&l->ecs, "ListTasks", rq, &list, &err) != PP_OK) {
        missing(l, "%s (stopped tasks of service %s)", err ? err : "ECS ListTasks failed",
                service);
        PP_FREE(err);
    } else if (json_array_size(json_object_get(list, "taskArns"))) {
        json_t *dq = json_pack("{s:s,s:O}", "cluster", cluster, "tasks",
                               json_object_get(list, "taskArns"));
        json_t *tasks = NULL;
        if (pp_aws_ecs(&l->ecs, "DescribeTasks", dq, &tasks, &err) != PP_OK) {
            missing(l, "%s (stopped tasks of service %s)", err ? err : "ECS DescribeTasks "
                    "failed", service);
            PP_FREE(err);
        } else {
            json_t *tdefs = json_object();
            size_t i, nlogs = 0;
            json_t *t;
            json_array_foreach(json_object_get(tasks, "tasks"), i, t) {
                l->r->tasks++;
                size_t j;
                json_t *k;
                json_array_foreach(json_object_get(t, "containers"), j, k)
                    if (nlogs < PP_LIVE_MAX_LOG_TASKS && essential_exit(t, k)) {
                        fetch_log_tail(l, tdefs, t, k);
                        nlogs++;
                    }
            }
            json_decref(tdefs);
            add_doc(l, tasks);
        }
        json_decref(dq);
    }
    json_decref(list);
    json_decref(rq);
    return st;
}

pp_status pp_live_fetch_service(const pp_live_opts *o, const char *cluster,
                                const char *service, pp_live_result *r)
{
    memset(r, 0, sizeof *r);
    r->docs = json_array();
    r->templates = json_array();
    live l = { .o = o, .r = r, .seen_stacks = json_object(), .seen_services = json_object() };
    pp_status st = r->docs && l.seen_stacks && l.seen_services ? do_service(&l, cluster, service)
                                                              : PP_E_NOMEM;
    if (l.have_ecs > 0)
        pp_aws_client_free(&l.ecs);
    if (l.have_logs > 0)
        pp_aws_client_free(&l.logs);
    json_decref(l.seen_stacks);
    json_decref(l.seen_services);
    return st;
}

/* ---- CloudFormation -------------------------------------------------------------------- */

static int failed(json_t *ev)
{
    const char *s = jstr(ev, "ResourceStatus");
    return s && strstr(s, "FAILED");
}

/* Cluster and service of a failed AWS::ECS::Service resource event. */
static int ecs_target(json_t *ev, char **cluster, char **service)
{
    *cluster = *service = NULL;
    const char *pid = jstr(ev, "PhysicalResourceId");
    json_t *props = NULL;
    const char *pj = jstr(ev, "ResourceProperties");
    if (pj)
        props = json_loads(pj, 0, NULL);
    const char *sp = strstr(pid ? pid : "", ":service/");
    if (sp) {
        const char *a = sp + 9, *b = strchr(a, '/');
        if (b) {
            *cluster = pp_asprintf("%.*s", (int)(b - a), a);
            *service = pp_strdup(b + 1);
        } else {
            *service = pp_strdup(a);
        }
    } else if (pid && *pid && !strchr(pid, ':')) {
        *service = pp_strdup(pid);
    } else if (jstr(props, "ServiceName")) {
        *service = pp_strdup(jstr(props, "ServiceName"));
    }
    if (!*cluster && jstr(props, "Cluster"))
        *cluster = pp_strdup(tail_of(jstr(props, "Cluster")));
    if (!*cluster && *service)
        *cluster = pp_strdup("default");
    json_decref(props);
    return *service && *cluster ? 0 : -1;
}

/* GetTemplate of `stack`; the answer goes to r->templates as {stack_name, stack_id, body}, a
 * refusal to r->missing. */
static void get_template(live *l, const char *stack, const char *name, const char *id)
{
    char *body = NULL, *err = NULL;
    size_t len = 0;
    if (pp_aws_cfn_get_template(&l->cfn, stack, PP_LIVE_MAX_TEMPLATE_BYTES, &body, &len,
                                &err) != PP_OK) {
        missing(l, "%s", err ? err : "CloudFormation GetTemplate failed");
        free(err);
        return;
    }
    json_t *t = json_object();
    if (t) {
        json_object_set_new(t, "stack_name", json_string(name ? name : stack));
        if (id)
            json_object_set_new(t, "stack_id", json_string(id));
        json_object_set_new(t, "body", json_stringn(body, len));
        json_array_append_new(l->r->templates, t);
    }
    free(body);
}

/* The submitted template of the stack whose events are `events`, when one of its own
 * resources (not a nested stack's record) failed. A refused call is recorded in `missing`. */
static void fetch_template(live *l, const char *stack, json_t *events)
{
    if (l->o->no_templates || !l->r->templates)
        return;
    const char *name = NULL, *id = NULL;
    size_t i;
    json_t *ev;
    int any = 0;
    json_array_foreach(events, i, ev) {
        const char *type = jstr(ev, "ResourceType");
        if (!name) {
            name = jstr(ev, "StackName");
            id = jstr(ev, "StackId");
        }
        if (failed(ev) && type && strcmp(type, "AWS::CloudFormation::Stack") != 0)
            any = 1;
    }
    if (!any)
        return;
    get_template(l, stack, name, id);
}

static pp_status do_stack(live *l, const char *stack, int depth)
{
    if (json_object_get(l->seen_stacks, stack) || l->r->stacks >= PP_LIVE_MAX_STACKS ||
        depth > 5)
        return PP_OK;
    json_object_set_new(l->seen_stacks, stack, json_true());
    if (client(l, &l->cfn, &l->have_cfn, PP_SVC_CLOUDFORMATION) != 0)
        return PP_E_USAGE;
    json_t *doc = NULL;
    int truncated = 0;
    char *err = NULL;
    pp_status st = pp_aws_cfn_stack_events(&l->cfn, stack, l->o->max_stack_pages
                                                                ? l->o->max_stack_pages : 20,
                                           1, &doc, &truncated, &err);
    if (st != PP_OK)
        missing(l, "%s (stack %s%s)", err ? err : "CloudFormation DescribeStackEvents failed",
                stack, doc ? "; the events read before it are used" : "");
    else if (truncated)
        missing(l, "CloudFormation DescribeStackEvents (stack %s): stopped after %u pages "
                "before the start of the operation", stack,
                l->o->max_stack_pages ? l->o->max_stack_pages : 20);
    free(err);
    if (!doc)
        return st;
    l->r->stacks++;
    json_t *events = json_object_get(doc, "StackEvents");
    add_doc(l, doc);   /* the array stays alive inside docs */
    fetch_template(l, stack, events);
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev) {
        if (!failed(ev))
            continue;
        const char *type = jstr(ev, "ResourceType"), *lid = jstr(ev, "LogicalResourceId");
        const char *name = jstr(ev, "StackName"), *pid = jstr(ev, "PhysicalResourceId");
        if (!type)
            continue;
        if (strcmp(type, "AWS::CloudFormation::Stack") == 0 && lid && name &&
            strcmp(lid, name) != 0 && pid && strncmp(pid, "arn:", 4) == 0) {
            do_stack(l, pid, depth + 1);
        } else if (strcmp(type, "AWS::ECS::Service") == 0) {
            char *cluster, *service;
            if (ecs_target(ev, &cluster, &service) == 0)
                do_service(l, cluster, service);
            free(cluster);
            free(service);
        }
    }
    return PP_OK;
}

/* The advisor's roots whose reason says nothing useful (WEAK or empty CloudFormation
 * failures): their events get the API error CloudTrail recorded. */
static void cloudtrail_step(live *l)
{
    pp_evset set;
    pp_evset_init(&set, NULL);
    size_t i;
    json_t *d;
    json_array_foreach(l->r->docs, i, d) {
        char *s = pp_json_dumps(d, JSON_COMPACT);
        char *err = NULL;
        if (s)
            pp_evset_ingest_buf(&set, "aws-api", s, strlen(s), &err);
        free(s);
        free(err);
    }
    pp_rc_result rc;
    if (pp_rc_analyse(&set, l->o->kb, &rc) != PP_OK) {
        pp_evset_free(&set);
        return;
    }
    for (size_t k = 0; k < rc.nroots; k++) {
        const pp_event *ev = &set.ev[rc.roots[k]];
        const char *t = pp_event_text(ev);
        if (ev->source != PP_SRC_CFN_STACK_EVENT || !ev->event_id ||
            !(rc.kind[rc.roots[k]] == PP_RC_WEAK || !t || !*t))
            continue;
        if (!ev->physical_id || !*ev->physical_id || ev->ts_ms == PP_TS_NONE) {
            missing(l, "CloudTrail: the vague failure of %s has no physical id to look up",
                    ev->logical_id ? ev->logical_id : "a resource");
            continue;
        }
        if (client(l, &l->trail, &l->have_trail, PP_SVC_CLOUDTRAIL) != 0)
            break;
        long long t0 = ev->ts_ms / 1000;
        json_t *rq = json_pack("{s:[{s:s,s:s}],s:I,s:I,s:i}", "LookupAttributes",
                               "AttributeKey", "ResourceName", "AttributeValue", ev->physical_id,
                               "StartTime", (json_int_t)(t0 - TRAIL_BEFORE_S), "EndTime",
                               (json_int_t)(t0 + TRAIL_AFTER_S), "MaxResults", 50);
        json_t *ans = NULL;
        char *err = NULL;
        if (pp_aws_json(&l->trail, "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
                        "LookupEvents", "1.1", rq, &ans, &err) != PP_OK) {
            missing(l, "%s (API calls on %s)", err ? err : "CloudTrail LookupEvents failed",
                    ev->physical_id);
        } else {
            size_t j;
            json_t *te;
            char *found = NULL;
            json_array_foreach(json_object_get(ans, "Events"), j, te) {
                l->r->trail_events++;
                json_t *ct = jstr(te, "CloudTrailEvent") ? json_loads(jstr(te, "CloudTrailEvent"),
                                                                      0, NULL) : NULL;
                const char *code = jstr(ct, "errorCode");
                if (code && !found)
                    found = pp_asprintf("%.100s: %.100s: %.1000s", jstr(te, "EventName")
                                        ? jstr(te, "EventName") : "?", code,
                                        jstr(ct, "errorMessage") ? jstr(ct, "errorMessage") : "");
                json_decref(ct);
            }
            /* annotate the stack event the advisor chose */
            json_t *dd;
            size_t m;
            json_array_foreach(l->r->docs, m, dd) {
                size_t n;
                json_t *se;
                json_array_foreach(json_object_get(dd, "StackEvents"), n, se)
                    if (found && jstr(se, "EventId") && strcmp(jstr(se, "EventId"),
                                                               ev->event_id) == 0)
                        json_object_set_new(se, "parapetApiError", json_string(found));
            }
            if (!found)
                missing(l, "CloudTrail: no failed API call on %s between 15 minutes before and "
                        "1 minute after the failure", ev->physical_id);
            free(found);
        }
        json_decref(rq);
        json_decref(ans);
        free(err);
    }
    pp_rc_free(&rc);
    pp_evset_free(&set);
}

pp_status pp_live_fetch_stack(const pp_live_opts *o, const char *stack, pp_live_result *r)
{
    memset(r, 0, sizeof *r);
    r->docs = json_array();
    r->templates = json_array();
    live l = { .o = o, .r = r, .seen_stacks = json_object(), .seen_services = json_object() };
    pp_status st = PP_E_NOMEM;
    if (r->docs && l.seen_stacks && l.seen_services) {
        st = do_stack(&l, stack, 0);
        if (st == PP_OK && !r->stacks)
            st = PP_E_HTTP;
        if (r->stacks && !o->no_cloudtrail)
            cloudtrail_step(&l);
    }
    if (l.have_cfn > 0)
        pp_aws_client_free(&l.cfn);
    if (l.have_ecs > 0)
        pp_aws_client_free(&l.ecs);
    if (l.have_logs > 0)
        pp_aws_client_free(&l.logs);
    if (l.have_trail > 0)
        pp_aws_client_free(&l.trail);
    json_decref(l.seen_stacks);
    json_decref(l.seen_services);
    return st;
}

pp_status pp_live_fetch_template(const pp_live_opts *o, const char *stack, const char *name,
                                 pp_live_result *r)
{
    memset(r, 0, sizeof *r);
    r->docs = json_array();
    r->templates = json_array();
    if (!r->docs || !r->templates)
        return PP_E_NOMEM;
    live l = { .o = o, .r = r };
    if (client(&l, &l.cfn, &l.have_cfn, PP_SVC_CLOUDFORMATION) == 0) {
        get_template(&l, stack, name, strncmp(stack, "arn:", 4) == 0 ? stack : NULL);
        pp_aws_client_free(&l.cfn);
    }
    return json_array_size(r->templates) ? PP_OK : PP_E_NOTFOUND;
}

void pp_live_result_free(pp_live_result *r)
{
    if (!r)
        return;
    json_decref(r->docs);
    json_decref(r->templates);
    for (size_t i = 0; i < r->nmissing; i++)
        free(r->missing[i]);
    memset(r, 0, sizeof *r);
}
