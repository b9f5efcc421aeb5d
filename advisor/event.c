/* event.c — ingestion of CloudFormation / ECS / EventBridge JSON into pp_event records.
 *
 * Sits at the start of the explain flow (see event.h). Each input value is classified by its
 * shape (top-level keys, EventBridge detail-type) and walked by one small function per shape.
 * Lists the AWS CLI prints newest first (StackEvents, service events) are walked backwards so
 * that `seq` grows oldest-first; rootcause.c orders by timestamp and breaks ties by seq.
 */
#include "advisor/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisor/jscan.h"
#include "engine/base/utf8.h"
#include "engine/base/util.h"

/* ---- string arena: one free for all event strings ------------------------------------- */

#define PP_ARENA_BLOCK (64u << 10)

typedef struct pp_arena_block {
    struct pp_arena_block *next;
    size_t used, size;
    char data[];
} pp_arena_block;

struct pp_arena {
    pp_arena_block *head;
};

static char *arena_alloc(pp_evset *s, size_t n)
{
    if (!s->arena) {
        s->arena = calloc(1, sizeof *s->arena);
        if (!s->arena)
            return NULL;
    }
    pp_arena_block *b = s->arena->head;
    if (!b || b->size - b->used < n) {
        size_t sz = n > PP_ARENA_BLOCK ? n : PP_ARENA_BLOCK;
        pp_arena_block *nb = malloc(sizeof *nb + sz);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = sz;
        /* A huge one-off string gets its own block behind the current one, so the current
         * block's free space is not wasted. */
        if (b && n > PP_ARENA_BLOCK) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            s->arena->head = nb;
        }
        b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

/* Copies s[0..n) into the arena, cut to `cap` bytes (0 = no cap). *cut set when cut. */
static const char *arena_strndup(pp_evset *s, const char *p, size_t n, size_t cap, int *cut)
{
    if (cut)
        *cut = 0;
    if (cap && n > cap) {
        n = pp_utf8_cut(p, cap);
        if (cut)
            *cut = 1;
    }
    char *d = arena_alloc(s, n + 1);
    if (!d)
        return NULL;
    memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static const char *arena_str(pp_evset *s, const char *p)
{
    return p ? arena_strndup(s, p, strlen(p), 0, NULL) : NULL;
}

/* ---- set --------------------------------------------------------------------------------- */

void pp_evset_init(pp_evset *s, const pp_ev_limits *lim)
{
    static const pp_ev_limits defaults = PP_EV_LIMITS_DEFAULT;
    memset(s, 0, sizeof *s);
    s->lim = lim ? *lim : defaults;
}

void pp_evset_free(pp_evset *s)
{
    if (!s)
        return;
    free(s->ev);
    for (size_t i = 0; i < s->nwarn; i++)
        free(s->warnings[i]);
    free(s->warnings);
    if (s->arena) {
        pp_arena_block *b = s->arena->head;
        while (b) {
            pp_arena_block *nx = b->next;
            free(b);
            b = nx;
        }
        free(s->arena);
    }
    pp_ev_limits lim = s->lim;
    memset(s, 0, sizeof *s);
    s->lim = lim;
}

static void warn(pp_evset *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(pp_evset *s, const char *fmt, ...)
{
    if (s->nwarn >= s->lim.max_warnings) {
        s->warn_dropped++;
        return;
    }
    char **nw = realloc(s->warnings, (s->nwarn + 1) * sizeof *nw);
    if (!nw) {
        s->warn_dropped++;
        return;
    }
    s->warnings = nw;
    va_list ap;
    va_start(ap, fmt);
    char *m = pp_vasprintf(fmt, ap);
    va_end(ap);
    if (!m) {
        s->warn_dropped++;
        return;
    }
    s->warnings[s->nwarn++] = m;
}

/* Ingestion context for one input value. */
typedef struct ictx {
    pp_evset *s;
    const char *file;   /* arena copy */
    unsigned line;
    char **err;
} ictx;

/* Appends a zeroed event; NULL with *err set on limit or NOMEM (status in *st). */
static pp_event *new_event(ictx *c, pp_ev_source src, pp_status *st)
{
    pp_evset *s = c->s;
    if (s->n >= s->lim.max_events) {
        *st = pp_err(c->err, PP_E_LIMIT, "%s:%u: more than %zu events (limit max_events)",
                     c->file, c->line, s->lim.max_events);
        return NULL;
    }
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        if (nc > s->lim.max_events)
            nc = s->lim.max_events;
        pp_event *ne = realloc(s->ev, nc * sizeof *ne);
        if (!ne) {
            *st = pp_err(c->err, PP_E_NOMEM, "%s:%u: out of memory", c->file, c->line);
            return NULL;
        }
        s->ev = ne;
        s->cap = nc;
    }
    pp_event *e = &s->ev[s->n++];
    memset(e, 0, sizeof *e);
    e->source = src;
    e->file = c->file;
    e->line = c->line;
    e->seq = s->next_seq++;
    e->ts_ms = PP_TS_NONE;
    e->exit_code = PP_EXIT_CODE_NONE;
    *st = PP_OK;
    return e;
}

/* ---- field helpers ------------------------------------------------------------------------ */

#define IS_STR(v) pj_is((v), PJ_STR)
#define IS_OBJ(v) pj_is((v), PJ_OBJ)
#define IS_ARR(v) pj_is((v), PJ_ARR)
#define IS_NUM(v) pj_is((v), PJ_NUM)
#define IS_INT(v) (pj_is((v), PJ_NUM) && (v)->is_int)
#define NUMV(v) ((v)->u.num)

static const char *jstr(const pj_val *o, const char *k)
{
    const pj_val *v = pj_get(o, k);
    return IS_STR(v) ? pj_str(v) : NULL;
}

/* Copies string field k of o (or NULL). A reason longer than the cap is cut with a warning. */
static const char *cp(ictx *c, const pj_val *o, const char *k)
{
    const pj_val *v = pj_get(o, k);
    if (!IS_STR(v))
        return NULL;
    int cut = 0;
    const char *r = arena_strndup(c->s, pj_str(v), v->n,
                                  c->s->lim.max_reason_bytes, &cut);
    if (cut)
        warn(c->s, "%s:%u: %s: message longer than %zu bytes; cut", c->file, c->line, k,
             c->s->lim.max_reason_bytes);
    return r;
}

/* Last '/'-separated segment of an ARN-ish string, or the string itself. */
static const char *arn_tail(ictx *c, const char *arn)
{
    if (!arn)
        return NULL;
    const char *sl = strrchr(arn, '/');
    return arena_str(c->s, sl ? sl + 1 : arn);
}

/* The stack name inside "arn:aws:cloudformation:R:A:stack/NAME/UUID", or the input. */
static const char *stack_name_of(ictx *c, const char *id)
{
    if (!id)
        return NULL;
    const char *p = strstr(id, ":stack/");
    if (!p)
        return arena_str(c->s, id);
    p += 7;
    const char *e = strchr(p, '/');
    return arena_strndup(c->s, p, e ? (size_t)(e - p) : strlen(p), 0, NULL);
}

/* ECS service ARN: arn:aws:ecs:R:A:service/CLUSTER/NAME (new) or service/NAME (old). */
static void ecs_service_of(ictx *c, const char *arn, const char **svc, const char **cluster)
{
    if (!arn)
        return;
    const char *p = strstr(arn, ":service/");
    if (!p) {
        *svc = arena_str(c->s, arn);
        return;
    }
    p += 9;
    const char *sl = strchr(p, '/');
    if (sl) {
        *cluster = arena_strndup(c->s, p, (size_t)(sl - p), 0, NULL);
        *svc = arena_str(c->s, sl + 1);
    } else {
        *svc = arena_str(c->s, p);
    }
}

static void set_time(ictx *c, pp_event *e, const pj_val *v)
{
    if (IS_STR(v)) {
        e->timestamp = arena_str(c->s, pj_str(v));
        int64_t ms;
        if (pp_ev_parse_time(pj_str(v), &ms) == 0)
            e->ts_ms = ms;
    } else if (IS_NUM(v)) {
        /* The ECS/CFN APIs (not the CLI) give epoch seconds, possibly fractional. */
        double sec = NUMV(v);
        if (sec > 1e12)   /* already milliseconds */
            sec /= 1000.0;
        /* 1970 to 9999: anything else is no time (and would not fit an int64 in ms) */
        if (!(sec >= 0.0 && sec <= 253402300799.0)) {
            char raw[40];
            snprintf(raw, sizeof raw, "%.15g", NUMV(v));
            e->timestamp = arena_str(c->s, raw);
            return;
        }
        e->ts_ms = (int64_t)(sec * 1000.0);
        char buf[40];
        time_t t = (time_t)(e->ts_ms / 1000);
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm)) {
            size_t l = strlen(buf);
            snprintf(buf + l, sizeof buf - l, ".%03dZ", (int)(e->ts_ms % 1000));
        } else {
            snprintf(buf, sizeof buf, "%.3f", sec);
        }
        e->timestamp = arena_str(c->s, buf);
    }
}

/* ---- time ----------------------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int pp_ev_parse_time(const char *s, int64_t *out_ms)
{
    int Y, M, D, h = 0, mi = 0, sec = 0, ms = 0;
    const char *p = s;
    if (!s || digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' ||
        digits(&p, 2, &D))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31)
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return -1;
        }
        if (*p == '.' || *p == ',') {
            p++;
            int scale = 100;
            while (*p >= '0' && *p <= '9') {
                ms += (*p - '0') * scale;
                scale /= 10;
                p++;
            }
        }
    }
    while (*p == ' ')
        p++;
    int off_min = 0;
    if (strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0)
        p += 3;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om = 0;
        p++;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (*p >= '0' && *p <= '9' && digits(&p, 2, &om))
            return -1;
        off_min = sign * (oh * 60 + om);
    }
    if (*p != '\0' || h > 23 || mi > 59 || sec > 60)
        return -1;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    int64_t t = ((days * 24 + h) * 60 + mi - off_min) * 60 + sec;
    *out_ms = t * 1000 + ms;
    return 0;
}

/* ---- shapes ------------------------------------------------------------------------------- */

static pp_status add_stack_event(ictx *c, const pj_val *o, const char *where)
{
    if (!IS_OBJ(o) || (!jstr(o, "StackId") && !jstr(o, "StackName"))) {
        warn(c->s, "%s:%u: %s: skipped: not a stack event (no StackId/StackName)", c->file,
             c->line, where);
        return PP_OK;
    }
    pp_status st;
    pp_event *e = new_event(c, PP_SRC_CFN_STACK_EVENT, &st);
    if (!e)
        return st;
    e->stack_id = cp(c, o, "StackId");
    e->stack = jstr(o, "StackName") ? cp(c, o, "StackName") : stack_name_of(c, e->stack_id);
    e->event_id = cp(c, o, "EventId");
    e->logical_id = cp(c, o, "LogicalResourceId");
    e->physical_id = cp(c, o, "PhysicalResourceId");
    e->resource_type = cp(c, o, "ResourceType");
    e->status = cp(c, o, "ResourceStatus");
    e->reason = cp(c, o, "ResourceStatusReason");
    if (jstr(o, "parapetApiError")) {
        e->vague_reason = e->reason ? e->reason : "";
        e->reason = cp(c, o, "parapetApiError");
    }
    e->request_token = cp(c, o, "ClientRequestToken");
    e->hook_type = cp(c, o, "HookType");
    e->hook_status = cp(c, o, "HookStatus");
    e->hook_reason = cp(c, o, "HookStatusReason");
    e->hook_point = cp(c, o, "HookInvocationPoint");
    e->hook_mode = cp(c, o, "HookFailureMode");
    set_time(c, e, pj_get(o, "Timestamp"));
    return PP_OK;
}

static pp_status walk_stack_events(ictx *c, const pj_val *arr)
{
    /* Newest first as printed: walk backwards so seq is oldest-first. */
    for (size_t i = pj_len(arr); i-- > 0;) {
        char where[48];
        snprintf(where, sizeof where, "StackEvents[%zu]", i);
        pp_status st = add_stack_event(c, pj_at(arr, i), where);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

static pp_status add_stack(ictx *c, const pj_val *o)
{
    {
        pp_status st;
        pp_event *e = new_event(c, PP_SRC_CFN_STACK, &st);
        if (!e)
            return st;
        e->stack_id = cp(c, o, "StackId");
        e->stack = jstr(o, "StackName") ? cp(c, o, "StackName") : stack_name_of(c, e->stack_id);
        e->logical_id = e->stack;
        e->physical_id = e->stack_id;
        e->resource_type = "AWS::CloudFormation::Stack";
        e->status = cp(c, o, "StackStatus");
        e->reason = cp(c, o, "StackStatusReason");
        e->parent_stack = stack_name_of(c, jstr(o, "ParentId"));
        if (!e->reason && e->status &&
            (strstr(e->status, "FAILED") || strstr(e->status, "ROLLBACK"))) {
            /* describe-stacks often has no StackStatusReason: the state itself is the news. */
            char *m = pp_asprintf("Stack %s is in %s state", e->stack ? e->stack : "?",
                                  e->status);
            e->reason = m ? arena_str(c->s, m) : NULL;
            free(m);
        }
        const pj_val *t = pj_get(o, "LastUpdatedTime");
        if (!t)
            t = pj_get(o, "DeletionTime");
        if (!t)
            t = pj_get(o, "CreationTime");
        set_time(c, e, t);
    }
    return PP_OK;
}

static pp_status walk_stacks(ictx *c, const pj_val *arr)
{
    for (size_t i = 0; i < pj_len(arr); i++) {
        const pj_val *o = pj_at(arr, i);
        if (!IS_OBJ(o) || !jstr(o, "StackStatus")) {
            warn(c->s, "%s:%u: Stacks[%zu]: skipped: no StackStatus", c->file, c->line, i);
            continue;
        }
        pp_status st = add_stack(c, o);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

static pp_status walk_stack_resources(ictx *c, const pj_val *arr, const char *key)
{
    for (size_t i = 0; i < pj_len(arr); i++) {
        const pj_val *o = pj_at(arr, i);
        if (!IS_OBJ(o) || !jstr(o, "ResourceStatus")) {
            warn(c->s, "%s:%u: %s[%zu]: skipped: no ResourceStatus", c->file, c->line, key, i);
            continue;
        }
        pp_status st;
        pp_event *e = new_event(c, PP_SRC_CFN_RESOURCE, &st);
        if (!e)
            return st;
        e->stack_id = cp(c, o, "StackId");
        e->stack = jstr(o, "StackName") ? cp(c, o, "StackName") : stack_name_of(c, e->stack_id);
        e->logical_id = cp(c, o, "LogicalResourceId");
        e->physical_id = cp(c, o, "PhysicalResourceId");
        e->resource_type = cp(c, o, "ResourceType");
        e->status = cp(c, o, "ResourceStatus");
        e->reason = cp(c, o, "ResourceStatusReason");
        const pj_val *t = pj_get(o, "Timestamp");
        set_time(c, e, t ? t : pj_get(o, "LastUpdatedTimestamp"));
    }
    return PP_OK;
}

static pp_status add_ecs_task(ictx *c, const pj_val *o, pp_ev_source src, const char *where,
                              const pj_val *fallback_time)
{
    if (!IS_OBJ(o) || !jstr(o, "taskArn")) {
        warn(c->s, "%s:%u: %s: skipped: not an ECS task (no taskArn)", c->file, c->line, where);
        return PP_OK;
    }
    const char *svc = NULL, *cluster = NULL;
    const char *group = jstr(o, "group");
    if (group && strncmp(group, "service:", 8) == 0)
        svc = arena_str(c->s, group + 8);
    cluster = arn_tail(c, jstr(o, "clusterArn"));
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
    pp_event *e = new_event(c, src, &st);
    if (!e)
        return st;
    e->service = svc;
    e->cluster = cluster;
    e->task_arn = cp(c, o, "taskArn");
    e->physical_id = e->task_arn;
    e->logical_id = arn_tail(c, jstr(o, "taskDefinitionArn"));
    e->resource_type = "AWS::ECS::Task";
    e->status = cp(c, o, "lastStatus");
    e->stop_code = cp(c, o, "stopCode");
    e->reason = cp(c, o, "stoppedReason");
    set_time(c, e, t);
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
        const char *r = jstr(k, "reason");
        int has_exit = IS_INT(xc);
        if (!r && (!has_exit || NUMV(xc) == 0))
            continue;   /* nothing to say about a healthy container */
        pp_event *ce = new_event(c, PP_SRC_ECS_CONTAINER, &st);
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
        ce->container = cp(c, k, "name");
        ce->image = cp(c, k, "image");
        ce->reason = cp(c, k, "reason");
        const pj_val *lt = pj_get(k, "parapetLogTail");
        if (IS_ARR(lt) && pj_len(lt)) {
            pp_buf ob;
            pp_buf_init(&ob, c->s->lim.max_reason_bytes);
            for (size_t li = 0; li < pj_len(lt); li++)
                if (IS_STR(pj_at(lt, li)))
                    pp_buf_printf(&ob, "%s%s", ob.len ? "\n" : "", pj_str(pj_at(lt, li)));
            if (ob.data)
                ce->output = arena_strndup(c->s, ob.data, ob.len, c->s->lim.max_reason_bytes,
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
            ce->reason = m ? arena_str(c->s, m) : NULL;
            free(m);
        }
    }
    return PP_OK;
}

static pp_status walk_tasks(ictx *c, const pj_val *arr)
{
    for (size_t i = 0; i < pj_len(arr); i++) {
        char where[32];
        snprintf(where, sizeof where, "tasks[%zu]", i);
        pp_status st = add_ecs_task(c, pj_at(arr, i), PP_SRC_ECS_TASK, where, NULL);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

static pp_status add_ecs_service(ictx *c, const pj_val *o, const char *where)
{
    if (!IS_OBJ(o) || (!jstr(o, "serviceName") && !jstr(o, "serviceArn"))) {
        warn(c->s, "%s:%u: %s: skipped: not an ECS service", c->file, c->line, where);
        return PP_OK;
    }
    const char *svc = NULL, *cluster = NULL;
    ecs_service_of(c, jstr(o, "serviceArn"), &svc, &cluster);
    if (jstr(o, "serviceName"))
        svc = cp(c, o, "serviceName");
    if (jstr(o, "clusterArn"))
        cluster = arn_tail(c, jstr(o, "clusterArn"));
    const char *arn = cp(c, o, "serviceArn");
    pp_status st;

    const pj_val *evs = pj_get(o, "events");
    for (size_t i = pj_len(evs); i-- > 0;) {   /* newest first */
        const pj_val *v = pj_at(evs, i);
        if (!IS_OBJ(v) || !jstr(v, "message")) {
            warn(c->s, "%s:%u: %s.events[%zu]: skipped: no message", c->file, c->line, where, i);
            continue;
        }
        pp_event *e = new_event(c, PP_SRC_ECS_SERVICE_EVENT, &st);
        if (!e)
            return st;
        e->service = svc;
        e->cluster = cluster;
        e->logical_id = svc;
        e->physical_id = arn;
        e->resource_type = "AWS::ECS::Service";
        e->event_id = cp(c, v, "id");
        e->reason = cp(c, v, "message");
        set_time(c, e, pj_get(v, "createdAt"));
    }
    const pj_val *deps = pj_get(o, "deployments");
    for (size_t i = pj_len(deps); i-- > 0;) {
        const pj_val *d = pj_at(deps, i);
        const char *rs = jstr(d, "rolloutState");
        if (!rs || strcmp(rs, "FAILED") != 0)
            continue;   /* only failed rollouts say something about the failure */
        pp_event *e = new_event(c, PP_SRC_ECS_DEPLOYMENT, &st);
        if (!e)
            return st;
        e->service = svc;
        e->cluster = cluster;
        e->logical_id = svc;
        e->physical_id = cp(c, d, "id");
        e->resource_type = "AWS::ECS::Service";
        e->status = cp(c, d, "rolloutState");
        e->reason = cp(c, d, "rolloutStateReason");
        const pj_val *t = pj_get(d, "updatedAt");
        set_time(c, e, t ? t : pj_get(d, "createdAt"));
    }
    return PP_OK;
}

static pp_status walk_services(ictx *c, const pj_val *root)
{
    const pj_val *arr = pj_get(root, "services");
    for (size_t i = 0; i < pj_len(arr); i++) {
        char where[32];
        snprintf(where, sizeof where, "services[%zu]", i);
        pp_status st = add_ecs_service(c, pj_at(arr, i), where);
        if (st != PP_OK)
            return st;
    }
    const pj_val *fails = pj_get(root, "failures");
    for (size_t i = 0; i < pj_len(fails); i++) {
        const pj_val *f = pj_at(fails, i);
        if (!jstr(f, "reason"))
            continue;
        pp_status st;
        pp_event *e = new_event(c, PP_SRC_ECS_SERVICE_FAILURE, &st);
        if (!e)
            return st;
        const char *svc = NULL, *cluster = NULL;
        ecs_service_of(c, jstr(f, "arn"), &svc, &cluster);
        e->service = svc;
        e->cluster = cluster;
        e->physical_id = cp(c, f, "arn");
        e->resource_type = "AWS::ECS::Service";
        e->status = "FAILED";
        const char *r = jstr(f, "reason"), *d = jstr(f, "detail");
        char *m = pp_asprintf("describe-services failure: %s%s%s", r, d ? ": " : "", d ? d : "");
        e->reason = m ? arena_str(c->s, m) : NULL;
        free(m);
    }
    return PP_OK;
}

/* EventBridge envelope: {"detail-type", "source", "time", "resources", "detail"}. */
static pp_status add_eventbridge(ictx *c, const pj_val *o)
{
    const char *dt = jstr(o, "detail-type");
    const pj_val *d = pj_get(o, "detail");
    const pj_val *time = pj_get(o, "time");
    const pj_val *res0 = pj_at(pj_get(o, "resources"), 0);
    const char *res = IS_STR(res0) ? pj_str(res0) : NULL;
    pp_status st;
    if (!IS_OBJ(d)) {
        warn(c->s, "%s:%u: EventBridge event without a detail object: skipped", c->file, c->line);
        return PP_OK;
    }
    if (strcmp(dt, "CloudFormation Resource Status Change") == 0 ||
        strcmp(dt, "CloudFormation Stack Status Change") == 0) {
        int is_stack = dt[15] == 'S';
        pp_event *e = new_event(c, is_stack ? PP_SRC_EB_CFN_STACK : PP_SRC_EB_CFN_RESOURCE, &st);
        if (!e)
            return st;
        const pj_val *sd = pj_get(d, "status-details");
        e->stack_id = cp(c, d, "stack-id");
        e->stack = stack_name_of(c, e->stack_id);
        e->request_token = cp(c, d, "client-request-token");
        e->status = cp(c, sd, "status");
        e->reason = cp(c, sd, "status-reason");
        if (is_stack) {
            e->logical_id = e->stack;
            e->physical_id = e->stack_id;
            e->resource_type = "AWS::CloudFormation::Stack";
        } else {
            e->logical_id = cp(c, d, "logical-resource-id");
            e->physical_id = cp(c, d, "physical-resource-id");
            e->resource_type = cp(c, d, "resource-type");
        }
        set_time(c, e, time);
        return PP_OK;
    }
    if (strcmp(dt, "ECS Task State Change") == 0)
        return add_ecs_task(c, d, PP_SRC_EB_ECS_TASK, "detail", time);
    if (strcmp(dt, "ECS Deployment State Change") == 0 ||
        strcmp(dt, "ECS Service Action") == 0) {
        int is_dep = dt[4] == 'D';
        pp_event *e = new_event(c, is_dep ? PP_SRC_EB_ECS_DEPLOYMENT : PP_SRC_EB_ECS_SERVICE_ACTION,
                                &st);
        if (!e)
            return st;
        const char *svc = NULL, *cluster = NULL;
        ecs_service_of(c, res, &svc, &cluster);
        if (jstr(d, "clusterArn"))
            cluster = arn_tail(c, jstr(d, "clusterArn"));
        e->service = svc;
        e->cluster = cluster;
        e->logical_id = svc;
        e->physical_id = is_dep ? cp(c, d, "deploymentId") : arena_str(c->s, res);
        e->resource_type = "AWS::ECS::Service";
        e->status = cp(c, d, "eventName");
        const char *name = jstr(d, "eventName"), *r = jstr(d, "reason");
        if (is_dep || !name) {
            e->reason = cp(c, d, "reason");
        } else {
            /* Service actions carry terse reasons ("RESOURCE:MEMORY"): keep the event name
             * with them so the KB can tell a placement failure from a configuration one. */
            char *m = pp_asprintf("%s%s%s", name, r ? ": " : "", r ? r : "");
            e->reason = m ? arena_strndup(c->s, m, strlen(m), c->s->lim.max_reason_bytes, NULL)
                          : NULL;
            free(m);
        }
        const pj_val *t = pj_get(d, "updatedAt");
        if (!t)
            t = pj_get(d, "createdAt");
        set_time(c, e, t ? t : time);
        return PP_OK;
    }
    warn(c->s, "%s:%u: EventBridge detail-type \"%s\" is not used by explain: skipped", c->file,
         c->line, dt);
    return PP_OK;
}

static const char *const expected_shapes =
    "expected describe-stack-events, describe-stacks, describe-stack-resources, "
    "describe-services, describe-tasks JSON or an EventBridge CloudFormation/ECS event";

/* Classifies one JSON value and ingests it. depth guards arrays of arrays. */
static pp_status ingest_value(ictx *c, const pj_val *v, int depth)
{
    if (IS_ARR(v)) {
        if (depth > 0)
            return pp_err(c->err, PP_E_PARSE, "%s:%u: %s (nested arrays)", c->file, c->line,
                          expected_shapes);
        /* A bare list (`--query StackEvents`, an EventBridge archive). Stack events are
         * newest first like their wrapper; detect by the first element. */
        const pj_val *first = pj_at(v, 0);
        if (IS_OBJ(first) && pj_get(first, "EventId") &&
            pj_get(first, "StackId"))
            return walk_stack_events(c, v);
        for (size_t i = 0; i < pj_len(v); i++) {
            pp_status st = ingest_value(c, pj_at(v, i), depth + 1);
            if (st != PP_OK)
                return st;
        }
        return PP_OK;
    }
    if (!IS_OBJ(v))
        return pp_err(c->err, PP_E_PARSE, "%s:%u: %s, not a %s", c->file, c->line,
                      expected_shapes, IS_STR(v) ? "string" : "scalar");
    const pj_val *a;
    if (IS_ARR(a = pj_get(v, "StackEvents")))
        return walk_stack_events(c, a);
    if (IS_ARR(a = pj_get(v, "Stacks")))
        return walk_stacks(c, a);
    if (IS_ARR(a = pj_get(v, "StackResources")))
        return walk_stack_resources(c, a, "StackResources");
    if (IS_ARR(a = pj_get(v, "StackResourceSummaries")))
        return walk_stack_resources(c, a, "StackResourceSummaries");
    if (IS_ARR(pj_get(v, "services")) ||
        (IS_ARR(pj_get(v, "failures")) && !pj_get(v, "tasks")))
        return walk_services(c, v);
    if (IS_ARR(a = pj_get(v, "tasks")))
        return walk_tasks(c, a);
    if (jstr(v, "detail-type") && pj_get(v, "detail"))
        return add_eventbridge(c, v);
    if (jstr(v, "EventId") && (jstr(v, "StackId") || jstr(v, "StackName")))
        return add_stack_event(c, v, "event");
    if (jstr(v, "taskArn"))
        return add_ecs_task(c, v, PP_SRC_ECS_TASK, "task", NULL);
    if (jstr(v, "serviceArn") && pj_get(v, "events"))
        return add_ecs_service(c, v, "service");
    if (jstr(v, "StackStatus"))
        return add_stack(c, v);
    return pp_err(c->err, PP_E_PARSE, "%s:%u: %s", c->file, c->line, expected_shapes);
}

static pp_status parse_error(ictx *c, unsigned line0, unsigned line, unsigned col,
                             const char *what)
{
    if (strcmp(what, "out of memory") == 0)
        return pp_err(c->err, PP_E_NOMEM, "%s: out of memory", c->file);
    return pp_err(c->err, PP_E_PARSE, "%s:%u:%u: expected %s%s", c->file, line0 + line - 1, col,
                  strcmp(what, "UTF-8 text") == 0 ? "" : "JSON: ", what);
}

static int blank(const char *p, const char *e)
{
    for (; p < e; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return 0;
    return 1;
}

pp_status pp_evset_ingest_buf(pp_evset *s, const char *name, const char *buf, size_t len,
                              char **err)
{
    ictx c = {.s = s, .line = 1, .err = err};
    c.file = arena_str(s, strcmp(name, "-") == 0 ? "<stdin>" : name);
    if (!c.file)
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", name);
    if (len > s->lim.max_input_bytes)
        return pp_err(err, PP_E_LIMIT, "%s: input larger than the %zu-byte limit", c.file,
                      s->lim.max_input_bytes);
    const char *end = buf + len, *p = buf;
    /* UTF-8 BOM */
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (blank(p, end))
        return pp_err(err, PP_E_PARSE, "%s:1: %s, got an empty input", c.file, expected_shapes);

    /* JSON lines when the first non-blank line is a complete value and more follows it. */
    unsigned line = 1;
    const char *q = p;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) {
        if (*q == '\n')
            line++;
        q++;
    }
    if (*q != '{' && *q != '[')
        return pp_err(err, PP_E_PARSE,
                      "%s:%u: %s; this is not JSON (for a pasted message use --message TEXT)",
                      c.file, line, expected_shapes);
    const char *nl = memchr(q, '\n', (size_t)(end - q));
    int jsonl = 0;
    unsigned el, ec;
    const char *what;
    const pj_val *root;
    if (nl && !blank(nl, end)) {
        pj_doc *first = pj_parse(q, (size_t)(nl - q), &root, &el, &ec, &what);
        if (first) {
            jsonl = 1;
            pj_free(first);
        } else if (strcmp(what, "out of memory") == 0) {
            return parse_error(&c, 1, el, ec, what);   /* not "one document", but NOMEM */
        }
    }
    if (!jsonl) {
        pj_doc *doc = pj_parse(p, (size_t)(end - p), &root, &el, &ec, &what);
        if (!doc)
            return parse_error(&c, 1, el, ec, what);
        c.line = line;
        pp_status st = ingest_value(&c, root, 0);
        pj_free(doc);
        return st;
    }
    /* JSON lines: one value per line; blank lines ignored. */
    line = 1;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        if (!blank(p, e)) {
            pj_doc *doc = pj_parse(p, (size_t)(e - p), &root, &el, &ec, &what);
            if (!doc)
                return parse_error(&c, line, el, ec, what);
            c.line = line;
            pp_status st = ingest_value(&c, root, 0);
            pj_free(doc);
            if (st != PP_OK)
                return st;
        }
        line++;
        p = e < end ? e + 1 : end;
    }
    return PP_OK;
}

pp_status pp_evset_ingest_json(pp_evset *s, const char *name, const json_t *v, char **err)
{
    ictx c = {.s = s, .line = 1, .err = err};
    c.file = arena_str(s, name);
    if (!c.file)
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", name);
    const pj_val *root;
    pj_doc *doc = pj_from_json(v, &root);
    if (!doc)
        return pp_err(err, PP_E_NOMEM, "%s: out of memory (or nested deeper than %d)", c.file,
                      PP_JSCAN_MAX_DEPTH);
    pp_status st = ingest_value(&c, root, 0);
    pj_free(doc);
    return st;
}

pp_status pp_evset_ingest_file(pp_evset *s, const char *path, char **err)
{
    char *buf = NULL;
    size_t len = 0;
    pp_status st = pp_read_file(path, s->lim.max_input_bytes, &buf, &len, err);
    if (st != PP_OK)
        return st;
    st = pp_evset_ingest_buf(s, path, buf, len, err);
    free(buf);
    return st;
}

pp_status pp_evset_add_message(pp_evset *s, const char *text, const char *resource_type,
                               char **err)
{
    ictx c = {.s = s, .line = 1, .err = err};
    c.file = "<message>";
    size_t n = strlen(text);
    pp_buf b;
    pp_buf_init(&b, 0);
    int repaired = 0;
    for (size_t i = 0; i < n;) {
        size_t k = pp_utf8_seq((const unsigned char *)text + i,
                               (const unsigned char *)text + n);
        pp_status st = k ? pp_buf_append(&b, text + i, k) : pp_buf_append(&b, "\xEF\xBF\xBD", 3);
        if (st != PP_OK) {
            pp_buf_free(&b);
            return pp_err(err, st, "<message>: out of memory");
        }
        if (!k)
            repaired = 1;
        i += k ? k : 1;
    }
    if (repaired)
        warn(s, "<message>: invalid UTF-8 replaced by U+FFFD");
    pp_status st;
    pp_event *e = new_event(&c, PP_SRC_MESSAGE, &st);
    if (!e) {
        pp_buf_free(&b);
        return st;
    }
    int cut = 0;
    e->reason = arena_strndup(s, b.data ? b.data : "", b.len, s->lim.max_reason_bytes, &cut);
    pp_buf_free(&b);
    if (cut)
        warn(s, "<message>: message longer than %zu bytes; cut", s->lim.max_reason_bytes);
    e->resource_type = resource_type ? arena_str(s, resource_type) : NULL;
    if (!e->reason || (resource_type && !e->resource_type))
        return pp_err(err, PP_E_NOMEM, "<message>: out of memory");
    return PP_OK;
}

const char *pp_event_text(const pp_event *ev)
{
    if (ev->hook_status && strstr(ev->hook_status, "FAILED") && ev->hook_reason &&
        *ev->hook_reason)
        return ev->hook_reason;
    if (ev->reason && *ev->reason)
        return ev->reason;
    return ev->hook_reason;
}

const char *pp_ev_source_name(pp_ev_source src)
{
    static const char *const names[] = {
        "cfn-stack-event", "cfn-stack", "cfn-resource", "eventbridge-cfn-resource",
        "eventbridge-cfn-stack", "ecs-service-event", "ecs-deployment", "ecs-task",
        "ecs-container", "eventbridge-ecs-task", "eventbridge-ecs-deployment",
        "eventbridge-ecs-service-action", "message", "ecs-service-failure",
    };
    return (unsigned)src < PP_ARRAY_LEN(names) ? names[src] : "unknown";
}
