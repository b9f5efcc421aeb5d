/* event.c — ingestion of CloudFormation / ECS / EventBridge JSON into pp_event records.
 *
 * Sits at the start of the explain flow (see event.h). This file: the set, its string arena,
 * warnings, the dispatch by shape and the entry points; the shapes are walked in event_cfn.c,
 * event_ecs.c and event_eb.c, timestamps read in event_time.c (event_int.h). Each input value
 * is classified by its shape (top-level keys, EventBridge detail-type) and walked by one small
 * function per shape.
 * Lists the AWS CLI prints newest first (StackEvents, service events) are walked backwards so
 * that `seq` grows oldest-first; rootcause.c orders by timestamp and breaks ties by seq.
 */
#include "advisor/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event_int.h"
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
const char *pp_ev_strndup(pp_evset *s, const char *p, size_t n, size_t cap, int *cut)
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

const char *pp_ev_str(pp_evset *s, const char *p)
{
    return p ? pp_ev_strndup(s, p, strlen(p), 0, NULL) : NULL;
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

void pp_ev_warn(pp_evset *s, const char *fmt, ...)
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
/* Appends a zeroed event; NULL with *err set on limit or NOMEM (status in *st). */
pp_event *pp_ev_new(ictx *c, pp_ev_source src, pp_status *st)
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

const char *pp_ev_jstr(const pj_val *o, const char *k)
{
    const pj_val *v = pj_get(o, k);
    return IS_STR(v) ? pj_str(v) : NULL;
}

/* Copies string field k of o (or NULL). A reason longer than the cap is cut with a warning. */
const char *pp_ev_cp(ictx *c, const pj_val *o, const char *k)
{
    const pj_val *v = pj_get(o, k);
    if (!IS_STR(v))
        return NULL;
    int cut = 0;
    const char *r = pp_ev_strndup(c->s, pj_str(v), v->n,
                                  c->s->lim.max_reason_bytes, &cut);
    if (cut)
        pp_ev_warn(c->s, "%s:%u: %s: message longer than %zu bytes; cut", c->file, c->line, k,
             c->s->lim.max_reason_bytes);
    return r;
}

/* Last '/'-separated segment of an ARN-ish string, or the string itself. */
const char *pp_ev_arn_tail(ictx *c, const char *arn)
{
    if (!arn)
        return NULL;
    const char *sl = strrchr(arn, '/');
    return pp_ev_str(c->s, sl ? sl + 1 : arn);
}

/* The stack name inside "arn:aws:cloudformation:R:A:stack/NAME/UUID", or the input. */
const char *pp_ev_stack_name(ictx *c, const char *id)
{
    if (!id)
        return NULL;
    const char *p = strstr(id, ":stack/");
    if (!p)
        return pp_ev_str(c->s, id);
    p += 7;
    const char *e = strchr(p, '/');
    return pp_ev_strndup(c->s, p, e ? (size_t)(e - p) : strlen(p), 0, NULL);
}

/* ECS service ARN: arn:aws:ecs:R:A:service/CLUSTER/NAME (new) or service/NAME (old). */
void pp_ev_ecs_service(ictx *c, const char *arn, const char **svc, const char **cluster)
{
    if (!arn)
        return;
    const char *p = strstr(arn, ":service/");
    if (!p) {
        *svc = pp_ev_str(c->s, arn);
        return;
    }
    p += 9;
    const char *sl = strchr(p, '/');
    if (sl) {
        *cluster = pp_ev_strndup(c->s, p, (size_t)(sl - p), 0, NULL);
        *svc = pp_ev_str(c->s, sl + 1);
    } else {
        *svc = pp_ev_str(c->s, p);
    }
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
            return pp_ev_walk_stack_events(c, v);
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
        return pp_ev_walk_stack_events(c, a);
    if (IS_ARR(a = pj_get(v, "Stacks")))
        return pp_ev_walk_stacks(c, a);
    if (IS_ARR(a = pj_get(v, "StackResources")))
        return pp_ev_walk_stack_resources(c, a, "StackResources");
    if (IS_ARR(a = pj_get(v, "StackResourceSummaries")))
        return pp_ev_walk_stack_resources(c, a, "StackResourceSummaries");
    if (IS_ARR(pj_get(v, "services")) ||
        (IS_ARR(pj_get(v, "failures")) && !pj_get(v, "tasks")))
        return pp_ev_walk_services(c, v);
    if (IS_ARR(a = pj_get(v, "tasks")))
        return pp_ev_walk_tasks(c, a);
    if (pp_ev_jstr(v, "detail-type") && pj_get(v, "detail"))
        return pp_ev_add_eventbridge(c, v);
    if (pp_ev_jstr(v, "EventId") && (pp_ev_jstr(v, "StackId") || pp_ev_jstr(v, "StackName")))
        return pp_ev_add_stack_event(c, v, "event");
    if (pp_ev_jstr(v, "taskArn"))
        return pp_ev_add_ecs_task(c, v, PP_SRC_ECS_TASK, "task", NULL);
    if (pp_ev_jstr(v, "serviceArn") && pj_get(v, "events"))
        return pp_ev_add_ecs_service(c, v, "service");
    if (pp_ev_jstr(v, "StackStatus"))
        return pp_ev_add_stack(c, v);
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
    c.file = pp_ev_str(s, strcmp(name, "-") == 0 ? "<stdin>" : name);
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
    c.file = pp_ev_str(s, name);
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
        pp_ev_warn(s, "<message>: invalid UTF-8 replaced by U+FFFD");
    pp_status st;
    pp_event *e = pp_ev_new(&c, PP_SRC_MESSAGE, &st);
    if (!e) {
        pp_buf_free(&b);
        return st;
    }
    int cut = 0;
    e->reason = pp_ev_strndup(s, b.data ? b.data : "", b.len, s->lim.max_reason_bytes, &cut);
    pp_buf_free(&b);
    if (cut)
        pp_ev_warn(s, "<message>: message longer than %zu bytes; cut", s->lim.max_reason_bytes);
    e->resource_type = resource_type ? pp_ev_str(s, resource_type) : NULL;
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

