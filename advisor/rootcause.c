/* rootcause.c — classification, timelines and root-cause selection (rules in rootcause.h).
 *
 * Whether a failure is a wrapper, a weak event or a cause is read from the KB (`role:` entries,
 * pp_kb_role_of); no cascade wording lives here. What stays in C is what is not wording about
 * consequences: which statuses, stop codes and event sources are failures at all, the
 * not-a-failure phrases of each source (steady state, scaling stops, "User Initiated"), and
 * the structure of ARNs followed from a wrapper to a nested stack.
 */
#include "advisor/rootcause.h"

#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/kb_match.h"
#include "engine/base/hash.h"
#include "engine/base/util.h"

#define NO_IDX ((size_t)-1)

static int has(const char *s, const char *needle)
{
    return s && strstr(s, needle) != NULL;
}

static int has_ci(const char *s, const char *needle)
{
    return s && strcasestr(s, needle) != NULL;
}

/* s equals lit, ignoring surrounding blanks and one trailing '.'. */
static int is_exactly(const char *s, const char *lit)
{
    if (!s)
        return 0;
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    size_t n = strlen(lit);
    if (strncmp(s, lit, n) != 0)
        return 0;
    s += n;
    if (*s == '.')
        s++;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    return *s == '\0';
}

static int cfn_source(pp_ev_source s)
{
    return s == PP_SRC_CFN_STACK_EVENT || s == PP_SRC_CFN_STACK || s == PP_SRC_CFN_RESOURCE ||
           s == PP_SRC_EB_CFN_RESOURCE || s == PP_SRC_EB_CFN_STACK;
}

static int benign_task_stop(const pp_event *ev)
{
    const char *r = ev->reason;
    if (ev->stop_code && strcmp(ev->stop_code, "UserInitiated") == 0)
        return 1;
    return !r || !*r || has(r, "Scaling activity initiated") || has(r, "Task stopped by user") ||
           has(r, "Service Deployment") || has(r, "deployment") ||
           has(r, "Deployment ") || has(r, "Stopped by user");
}

/* Any failure at all, before the wrapper/weak split. */
static int is_failure(const pp_event *ev)
{
    const char *st = ev->status, *t = pp_event_text(ev);
    switch (ev->source) {
    case PP_SRC_CFN_STACK_EVENT:
    case PP_SRC_CFN_RESOURCE:
    case PP_SRC_EB_CFN_RESOURCE:
    case PP_SRC_EB_CFN_STACK:
    case PP_SRC_CFN_STACK:
        if (ev->hook_status && has(ev->hook_status, "FAILED"))
            return !(ev->hook_mode && strcmp(ev->hook_mode, "WARN") == 0);
        if (!st)
            return 0;
        if (has(st, "FAILED"))
            return 1;
        if (ev->source == PP_SRC_CFN_STACK && has(st, "ROLLBACK_COMPLETE"))
            return 1;   /* describe-stacks: a stack parked in a rollback state */
        /* A rollback event is a failure when it says why, and the why is not the user's own
         * cancel: the same rule for the stack-event list and EventBridge's status change. */
        if (has(st, "ROLLBACK_IN_PROGRESS") || has(st, "ROLLBACK_COMPLETE"))
            return t && *t && !is_exactly(t, "User Initiated");
        return 0;
    case PP_SRC_ECS_TASK:
    case PP_SRC_EB_ECS_TASK:
        if (st && strcmp(st, "STOPPED") != 0 && !(ev->stop_code && *ev->stop_code))
            return 0;
        return !benign_task_stop(ev);
    case PP_SRC_ECS_CONTAINER:
        return (t && *t) || (ev->exit_code != PP_EXIT_CODE_NONE && ev->exit_code != 0);
    case PP_SRC_ECS_SERVICE_EVENT:
        if (!t)
            return 0;
        if (has(t, "has reached a steady state") || has(t, "registered ") ||
            has(t, "has started ") || has(t, "has begun draining") ||
            has(t, "deployment completed") || has(t, "updated computedDesiredCount"))
            return 0;
        return has_ci(t, "unable") || has_ci(t, "unhealthy") || has_ci(t, "failed") ||
               has_ci(t, "error") || has_ci(t, "insufficient") || has_ci(t, "denied") ||
               has_ci(t, "exceeded") || has_ci(t, "not authorized") || has_ci(t, "cannot") ||
               has_ci(t, "could not") || has_ci(t, "timed out") || has_ci(t, "limit") ||
               has_ci(t, "circuit breaker") || has_ci(t, "invalid") ||
               has(t, "has stopped ");
    case PP_SRC_ECS_DEPLOYMENT:
        return st && strcmp(st, "FAILED") == 0;
    case PP_SRC_EB_ECS_DEPLOYMENT:
        return st && has(st, "FAILED");
    case PP_SRC_EB_ECS_SERVICE_ACTION:
        return st && (has(st, "FAILURE") || has(st, "VIOLATED") || has(st, "THROTTLED") ||
                      has(st, "IMPAIRED") || has(st, "UNHEALTHY"));
    case PP_SRC_ECS_SERVICE_FAILURE:
        return 1;
    case PP_SRC_MESSAGE:
        return t && *t;
    }
    return 0;
}

pp_rc_kind pp_rc_classify(const pp_event *ev, pp_kb *kb)
{
    if (!is_failure(ev))
        return PP_RC_NONE;
    const char *t = pp_event_text(ev);
    if (ev->source == PP_SRC_EB_ECS_DEPLOYMENT || ev->source == PP_SRC_ECS_DEPLOYMENT ||
        (ev->source == PP_SRC_EB_ECS_SERVICE_ACTION && ev->status &&
         strcmp(ev->status, "SERVICE_TASK_START_IMPAIRED") == 0))
        return PP_RC_WRAPPER;
    pp_kb_role role = kb ? pp_kb_role_of(kb, t) : PP_KB_ROLE_CAUSE;
    if (role == PP_KB_ROLE_WRAPPER)
        return PP_RC_WRAPPER;
    if (role == PP_KB_ROLE_WEAK)
        return PP_RC_WEAK;
    /* A failed stack with no reason, or a stack parked in a rollback state, says only that
     * something else failed. */
    if (cfn_source(ev->source) && ev->resource_type &&
        strcmp(ev->resource_type, "AWS::CloudFormation::Stack") == 0 &&
        (!t || !*t || (ev->source == PP_SRC_CFN_STACK && ev->status &&
                       (has(ev->status, "ROLLBACK_COMPLETE") ||
                        has(ev->status, "ROLLBACK_FAILED")))))
        return PP_RC_WEAK;
    return PP_RC_CAUSE;
}

/* ---- timelines ------------------------------------------------------------------------ */

typedef struct timeline {
    char *key;
    size_t *ev;        /* event indices */
    size_t n, cap;
    int all_ts;        /* every event carries a timestamp */
    size_t root;       /* chosen root event (NO_IDX when none) */
    size_t child;      /* timeline followed from a wrapper, NO_IDX */
    int state;         /* 0 unvisited, 1 visiting, 2 done */
    size_t final_root_tl;   /* timeline whose root stands for this one */
} timeline;

typedef struct tlmap {
    timeline *tl;
    size_t n, cap;
    size_t *slots;     /* open addressing: index+1, 0 = empty */
    size_t nslots;
} tlmap;

static size_t tl_find(const tlmap *m, const char *key)
{
    if (!m->nslots)
        return NO_IDX;
    size_t i = (size_t)(pp_fnv1a_str(key) & (m->nslots - 1));
    while (m->slots[i]) {
        if (strcmp(m->tl[m->slots[i] - 1].key, key) == 0)
            return m->slots[i] - 1;
        i = (i + 1) & (m->nslots - 1);
    }
    return NO_IDX;
}

static int tl_rehash(tlmap *m, size_t nslots)
{
    size_t *ns = calloc(nslots, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (size_t)(pp_fnv1a_str(m->tl[k].key) & (nslots - 1));
        while (ns[i])
            i = (i + 1) & (nslots - 1);
        ns[i] = k + 1;
    }
    free(m->slots);
    m->slots = ns;
    m->nslots = nslots;
    return 0;
}

/* Returns the timeline for key (created when missing), NO_IDX on NOMEM. Takes ownership of
 * key (frees it when the timeline exists or on failure). */
static size_t tl_get(tlmap *m, char *key)
{
    if (!key)
        return NO_IDX;
    size_t k = tl_find(m, key);
    if (k != NO_IDX) {
        free(key);
        return k;
    }
    if ((m->n + 1) * 2 > m->nslots && tl_rehash(m, m->nslots ? m->nslots * 2 : 64) != 0) {
        free(key);
        return NO_IDX;
    }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        timeline *nt = realloc(m->tl, nc * sizeof *nt);
        if (!nt) {
            free(key);
            return NO_IDX;
        }
        m->tl = nt;
        m->cap = nc;
    }
    timeline *t = &m->tl[m->n];
    memset(t, 0, sizeof *t);
    t->key = key;
    t->all_ts = 1;
    t->root = NO_IDX;
    t->child = NO_IDX;
    t->final_root_tl = NO_IDX;
    size_t i = (size_t)(pp_fnv1a_str(key) & (m->nslots - 1));
    while (m->slots[i])
        i = (i + 1) & (m->nslots - 1);
    m->slots[i] = m->n + 1;
    return m->n++;
}

static void tl_free(tlmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->tl[i].key);
        free(m->tl[i].ev);
    }
    free(m->tl);
    free(m->slots);
}

static char *timeline_key(const pp_event *ev)
{
    if (ev->stack)
        return pp_asprintf("stack:%s", ev->stack);
    if (ev->service)
        return pp_asprintf("service:%s", ev->service);
    if (ev->task_arn)
        return pp_asprintf("tasks:%s", ev->cluster ? ev->cluster : "");
    return pp_asprintf("input:%zu", ev->seq);
}

/* Sort keys carry what the comparators need: qsort has no context argument in C11, and a
 * global would race between `serve` workers. */
typedef struct sort_key {
    int64_t ts;
    size_t seq;
    size_t idx;
} sort_key;

static int cmp_ts(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_seq(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts idx[0..n) (event indices) oldest first: by timestamp when by_ts, else input order. */
static int sort_events(const pp_evset *s, size_t *idx, size_t n, int by_ts)
{
    if (n < 2)
        return 0;
    sort_key *k = malloc(n * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < n; i++) {
        k[i].ts = s->ev[idx[i]].ts_ms;
        k[i].seq = s->ev[idx[i]].seq;
        k[i].idx = idx[i];
    }
    qsort(k, n, sizeof *k, by_ts ? cmp_ts : cmp_seq);
    for (size_t i = 0; i < n; i++)
        idx[i] = k[i].idx;
    free(k);
    return 0;
}

/* The timeline a wrapper event points to, or NO_IDX. */
static size_t follow(const pp_evset *s, const tlmap *m, size_t self, const pp_event *ev)
{
    const char *t = pp_event_text(ev);
    char key[512];
    /* A wrapper naming a stack ARN ("Embedded stack arn:aws:cloudformation:R:A:stack/NAME/UUID
     * was not successfully …") points to that stack's timeline. */
    const char *p = t ? strstr(t, ":stack/") : NULL;
    if (p) {
        p += 7;
        size_t n = strcspn(p, "/ ");
        if (n && n < 400) {
            snprintf(key, sizeof key, "stack:%.*s", (int)n, p);
            size_t k = tl_find(m, key);
            if (k != NO_IDX && k != self)
                return k;
        }
    }
    if (ev->resource_type && strcmp(ev->resource_type, "AWS::CloudFormation::Stack") == 0 &&
        ev->physical_id && *ev->physical_id && ev->logical_id && ev->stack &&
        strcmp(ev->logical_id, ev->stack) != 0) {
        const char *q = strstr(ev->physical_id, ":stack/");
        const char *name = q ? q + 7 : ev->physical_id;
        size_t n = strcspn(name, "/");
        if (n < 400) {
            snprintf(key, sizeof key, "stack:%.*s", (int)n, name);
            size_t k = tl_find(m, key);
            if (k != NO_IDX && k != self)
                return k;
        }
    }
    if (ev->resource_type && strcmp(ev->resource_type, "AWS::ECS::Service") == 0 && ev->stack) {
        const char *name = NULL;
        if (ev->physical_id && *ev->physical_id) {
            const char *sl = strrchr(ev->physical_id, '/');
            name = sl ? sl + 1 : ev->physical_id;
        }
        if (name && strlen(name) < 400) {
            snprintf(key, sizeof key, "service:%s", name);
            size_t k = tl_find(m, key);
            if (k != NO_IDX)
                return k;
        }
        /* No physical id (the service never got one): a lone ECS timeline is the one. */
        size_t only = NO_IDX;
        for (size_t i = 0; i < m->n; i++) {
            if (strncmp(m->tl[i].key, "service:", 8) == 0) {
                if (only != NO_IDX)
                    return NO_IDX;
                only = i;
            }
        }
        return only;
    }
    (void)s;
    return NO_IDX;
}

/* Resolves which timeline's root stands for timeline k (rule 4), cutting cycles. */
static size_t resolve(tlmap *m, size_t k)
{
    timeline *t = &m->tl[k];
    if (t->state == 2)
        return t->final_root_tl;
    if (t->state == 1)
        return NO_IDX;   /* cycle: the caller keeps its own root */
    t->state = 1;
    size_t r = t->root == NO_IDX ? NO_IDX : k;
    if (t->child != NO_IDX) {
        size_t cr = resolve(m, t->child);
        if (cr != NO_IDX)
            r = cr;
    }
    t->state = 2;
    t->final_root_tl = r;
    return r;
}

static int push(size_t **arr, size_t *n, size_t *cap, size_t v)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        size_t *na = realloc(*arr, nc * sizeof *na);
        if (!na)
            return -1;
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = v;
    return 0;
}

/* Each timeline's own root (its first CAUSE, else first WEAK, else first WRAPPER, in time
 * order), then the child timeline a wrapper or weak root points to. -1 when out of memory. */
static int choose_roots(const pp_evset *s, tlmap *m, const unsigned char *kind)
{
    for (size_t k = 0; k < m->n; k++) {
        timeline *t = &m->tl[k];
        if (sort_events(s, t->ev, t->n, t->all_ts) != 0)
            return -1;
        size_t best[4] = {NO_IDX, NO_IDX, NO_IDX, NO_IDX};
        for (size_t j = 0; j < t->n; j++) {
            unsigned char kd = kind[t->ev[j]];
            if (kd != PP_RC_NONE && best[kd] == NO_IDX)
                best[kd] = t->ev[j];
        }
        t->root = best[PP_RC_CAUSE] != NO_IDX  ? best[PP_RC_CAUSE]
                  : best[PP_RC_WEAK] != NO_IDX ? best[PP_RC_WEAK]
                                               : best[PP_RC_WRAPPER];
    }
    /* Second pass, once every timeline has its own root: a timeline without a cause may be
     * explained by the timeline its wrapper names. */
    for (size_t k = 0; k < m->n; k++) {
        timeline *t = &m->tl[k];
        if (t->root != NO_IDX && kind[t->root] != PP_RC_CAUSE) {
            for (size_t j = 0; j < t->n && t->child == NO_IDX; j++) {
                size_t e = t->ev[j];
                if (kind[e] == PP_RC_WRAPPER || kind[e] == PP_RC_WEAK) {
                    size_t c = follow(s, m, k, &s->ev[e]);
                    if (c != NO_IDX && m->tl[c].root != NO_IDX)
                        t->child = c;
                }
            }
        }
    }
    return 0;
}

/* is_root[e] = 1 for the root of every timeline that stands on its own, and for the events
 * parallel to a CAUSE root (same status, within one second, also a CAUSE). */
static void mark_roots(const pp_evset *s, tlmap *m, const unsigned char *kind,
                       unsigned char *is_root)
{
    for (size_t k = 0; k < m->n; k++) {
        size_t r = resolve(m, k);
        if (r == NO_IDX || r != k)
            continue;   /* no failure, or stands behind another timeline's root */
        timeline *t = &m->tl[k];
        size_t root = t->root;
        is_root[root] = 1;
        const pp_event *re = &s->ev[root];
        /* Parallel roots: same status, within one second, also a CAUSE. */
        if (kind[root] == PP_RC_CAUSE && t->all_ts) {
            for (size_t j = 0; j < t->n; j++) {
                size_t e = t->ev[j];
                const pp_event *x = &s->ev[e];
                if (e != root && kind[e] == PP_RC_CAUSE && x->ts_ms - re->ts_ms <= 1000 &&
                    x->ts_ms >= re->ts_ms && x->status && re->status &&
                    strcmp(x->status, re->status) == 0)
                    is_root[e] = 1;
            }
        }
    }
}

pp_status pp_rc_analyse(const pp_evset *s, pp_kb *kb, pp_rc_result *out)
{
    memset(out, 0, sizeof *out);
    pp_status st = PP_E_NOMEM;
    tlmap m = {0};
    unsigned char *kind = calloc(s->n ? s->n : 1, 1);
    size_t *root_tl = NULL;   /* per root: its timeline */
    size_t rcap = 0, ccap = 0, ccap2 = 0, rtn = 0;
    if (!kind)
        goto done;

    for (size_t i = 0; i < s->n; i++) {
        const pp_event *ev = &s->ev[i];
        kind[i] = (unsigned char)pp_rc_classify(ev, kb);
        if (kind[i] == PP_RC_NONE && ev->source != PP_SRC_CFN_STACK_EVENT &&
            ev->source != PP_SRC_CFN_RESOURCE)
            continue;   /* only CFN non-failures matter (they carry nested-stack ids) */
        if (kind[i] != PP_RC_NONE)
            out->nfailures++;
        size_t k = tl_get(&m, timeline_key(ev));
        if (k == NO_IDX)
            goto done;
        timeline *t = &m.tl[k];
        if (push(&t->ev, &t->n, &t->cap, i) != 0)
            goto done;
        if (ev->ts_ms == PP_TS_NONE)
            t->all_ts = 0;
    }
    out->ntimelines = m.n;

    if (choose_roots(s, &m, kind) != 0)
        goto done;
    unsigned char *is_root = calloc(s->n ? s->n : 1, 1);
    if (!is_root)
        goto done;
    mark_roots(s, &m, kind, is_root);
    for (size_t i = 0; i < s->n; i++) {
        if (is_root[i]) {
            if (push(&out->roots, &out->nroots, &rcap, i) != 0) {
                free(is_root);
                goto done;
            }
        }
    }
    /* Roots oldest first across timelines. */
    int roots_all_ts = 1;
    for (size_t i = 0; i < out->nroots; i++)
        if (s->ev[out->roots[i]].ts_ms == PP_TS_NONE)
            roots_all_ts = 0;
    if (sort_events(s, out->roots, out->nroots, roots_all_ts) != 0) {
        free(is_root);
        goto done;
    }

    /* Timeline → root index, for attributing cascades. */
    root_tl = malloc((m.n ? m.n : 1) * sizeof *root_tl);
    if (!root_tl) {
        free(is_root);
        goto done;
    }
    /* event index → position in roots[], reusing is_root's storage size: one pass each way */
    size_t *root_pos = malloc((s->n ? s->n : 1) * sizeof *root_pos);
    if (!root_pos) {
        free(is_root);
        goto done;
    }
    for (size_t i = 0; i < out->nroots; i++)
        root_pos[out->roots[i]] = i;
    for (size_t k = 0; k < m.n; k++) {
        size_t r = m.tl[k].final_root_tl;
        root_tl[k] = r == NO_IDX ? NO_IDX : root_pos[m.tl[r].root];
    }
    free(root_pos);
    for (size_t k = 0; k < m.n; k++) {
        timeline *t = &m.tl[k];
        for (size_t j = 0; j < t->n; j++) {
            size_t e = t->ev[j];
            if (kind[e] == PP_RC_NONE || is_root[e])
                continue;
            if (push(&out->cascades, &out->ncascades, &ccap, e) != 0 ||
                push(&out->cascade_root, &rtn, &ccap2, root_tl[k]) != 0) {
                free(is_root);
                goto done;
            }
        }
    }
    free(is_root);
    out->kind = kind;
    kind = NULL;
    st = PP_OK;
done:
    free(root_tl);
    free(kind);
    tl_free(&m);
    if (st != PP_OK)
        pp_rc_free(out);
    return st;
}

void pp_rc_free(pp_rc_result *r)
{
    if (!r)
        return;
    free(r->roots);
    free(r->cascades);
    free(r->cascade_root);
    free(r->kind);
    memset(r, 0, sizeof *r);
}

size_t pp_rc_hook_rules(const pp_event *ev, char (*out)[64], size_t max)
{
    const char *t = ev->hook_reason && *ev->hook_reason ? ev->hook_reason : ev->reason;
    if (!t || !(has_ci(ev->hook_type, "parapet") || has_ci(t, "parapet")))
        return 0;
    size_t n = 0;
    const char *p = t;
    while (*p && n < max) {
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p)) ||
            (p > t && (isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_'))) {
            p++;
            continue;
        }
        const char *q = p;
        int parts = 1, ok = 1;
        while (islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '-') {
            if (*q == '-') {
                if (q[1] == '-' || !(islower((unsigned char)q[1]) || isdigit((unsigned char)q[1])))
                    ok = 0;
                parts++;
            }
            q++;
        }
        if (isupper((unsigned char)*q) || *q == '_')
            ok = 0;
        size_t len = (size_t)(q - p);
        if (ok && parts >= 3 && len < 64) {
            int dup = 0;
            for (size_t i = 0; i < n; i++)
                if (strlen(out[i]) == len && memcmp(out[i], p, len) == 0)
                    dup = 1;
            if (!dup) {
                memcpy(out[n], p, len);
                out[n][len] = '\0';
                n++;
            }
        }
        p = q > p ? q : p + 1;
    }
    return n;
}
