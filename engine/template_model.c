/* template_model.c — the template model once built (template.h): freeing it, and the lookups
 * rules make through ctx (a resource by logical id, the resources of a type, the referrers of
 * a resource) with the sorted indexes that answer them without a scan.
 *
 * Data flow: pp_template_build (template.c) fills t->res and calls tpl_build_indexes last;
 * eval.c and lua_ctx.c query the model; the caller frees it with pp_template_free.
 */
#include "engine/template_int.h"

#include <stdlib.h>
#include <string.h>

static void resource_clear(pp_resource *r)
{
    free(r->logical_id);
    free(r->type);
    json_decref(r->properties);
    free(r->condition);
    free(r->cdk_path);
    free(r->src_ptr);
    free(r->props_ptr);
}

void pp_template_free(pp_template *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nres; i++)
        resource_clear(&t->res[i]);
    free(t->res);
    free(t->by_id);
    free(t->by_type);
    free(t->ref_to);
    free(t->ref_from);
    json_decref(t->conditions);
    json_decref(t->params);
    json_decref(t->expanded);
    for (size_t i = 0; i < t->nwarnings; i++)
        free(t->warnings[i]);
    free(t->warnings);
    free(t);
}

long pp_template_find(const pp_template *t, const char *logical_id)
{
    if (t->by_id) {
        size_t lo = 0, hi = t->nres;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(t->res[t->by_id[mid]].logical_id, logical_id);
            if (c == 0)
                return (long)t->by_id[mid];
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    for (size_t i = 0; i < t->nres; i++)
        if (strcmp(t->res[i].logical_id, logical_id) == 0)
            return (long)i;
    return -1;
}

int pp_template_of_type(const pp_template *t, const char *type, const size_t **idx, size_t *n)
{
    if (!t->by_type)
        return 0;
    /* first position whose type is >= type, then the first whose type is > type */
    size_t lo = 0, hi = t->nres;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->res[t->by_type[mid]].type, type) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->nres && strcmp(t->res[t->by_type[end]].type, type) == 0)
        end++;
    *idx = t->by_type + lo;
    *n = end - lo;
    return 1;
}

/* qsort has no context argument: the resources being indexed, for the two comparators (one
 * template is built at a time per thread). */
static _Thread_local const pp_resource *index_res;

static int by_id_cmp(const void *a, const void *b)
{
    return strcmp(index_res[*(const size_t *)a].logical_id,
                  index_res[*(const size_t *)b].logical_id);
}

static int by_type_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(index_res[x].type, index_res[y].type);
    return c ? c : (x > y) - (x < y);   /* document order within a type */
}

int pp_template_referrers(const pp_template *t, size_t target, const size_t **from, size_t *n)
{
    if (!t->ref_to)
        return 0;
    size_t lo = 0, hi = t->nrefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->ref_to[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < t->nrefs && t->ref_to[end] == target)
        end++;
    *from = t->ref_from + lo;
    *n = end - lo;
    return 1;
}

typedef struct {
    size_t (*pair)[2];   /* (target, referrer) */
    size_t n, cap;
    int oom;
} refvec;

static void ref_add(refvec *v, const pp_template *t, const char *id, size_t from)
{
    long to = pp_template_find(t, id);
    if (to < 0 || v->oom)
        return;
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 64;
        void *np = realloc(v->pair, nc * sizeof *v->pair);
        if (!np) {
            v->oom = 1;
            return;
        }
        v->pair = np;
        v->cap = nc;
    }
    v->pair[v->n][0] = (size_t)to;
    v->pair[v->n][1] = from;
    v->n++;
}

/* Every {Ref} and {Fn::GetAtt} target under v, the same walk as ctx.referrers' scan. */
static void ref_walk(refvec *r, const pp_template *t, const json_t *v, size_t from, int depth)
{
    if (depth > 64)
        return;
    if (json_is_object(v)) {
        const char *ref = json_string_value(json_object_get(v, "Ref"));
        if (ref)
            ref_add(r, t, ref, from);
        const char *g = json_string_value(json_array_get(json_object_get(v, "Fn::GetAtt"), 0));
        if (g)
            ref_add(r, t, g, from);
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
            ref_walk(r, t, x, from, depth + 1);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            ref_walk(r, t, json_array_get(v, i), from, depth + 1);
    }
}

static int pair_cmp(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Builds t->ref_to/ref_from (needs t->by_id); leaves them NULL on allocation failure. */
static void build_ref_index(pp_template *t)
{
    refvec v = {0};
    for (size_t i = 0; i < t->nres && !v.oom; i++)
        ref_walk(&v, t, t->res[i].properties, i, 0);
    size_t *to = NULL, *from = NULL;
    if (!v.oom) {
        to = malloc((v.n ? v.n : 1) * sizeof *to);
        from = malloc((v.n ? v.n : 1) * sizeof *from);
    }
    if (v.oom || !to || !from) {
        free(v.pair);
        free(to);
        free(from);
        return;
    }
    if (v.n)
        qsort(v.pair, v.n, sizeof *v.pair, pair_cmp);
    size_t m = 0;
    for (size_t k = 0; k < v.n; k++) {
        if (m && to[m - 1] == v.pair[k][0] && from[m - 1] == v.pair[k][1])
            continue;
        to[m] = v.pair[k][0];
        from[m] = v.pair[k][1];
        m++;
    }
    free(v.pair);
    t->ref_to = to;
    t->ref_from = from;
    t->nrefs = m;
}

/* See template_int.h. */
void tpl_build_indexes(pp_template *t)
{
    if (t->nres == 0)
        return;
    size_t *a = malloc(t->nres * sizeof *a), *b = malloc(t->nres * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return;
    }
    for (size_t i = 0; i < t->nres; i++)
        a[i] = b[i] = i;
    index_res = t->res;
    qsort(a, t->nres, sizeof *a, by_id_cmp);
    qsort(b, t->nres, sizeof *b, by_type_cmp);
    index_res = NULL;
    t->by_id = a;
    t->by_type = b;
    build_ref_index(t);
}

