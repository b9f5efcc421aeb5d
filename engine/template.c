/* template.c — builds the template model: parameters, pseudo parameters, conditions and
 * intrinsic functions resolved as far as the template allows (see template.h).
 *
 * Data flow: pp_doc → here → pp_template → eval.c. Resolution walks the document's values
 * and returns new references; a subtree without intrinsics is shared (json_incref), not
 * copied. What cannot be resolved becomes an unknown (value.h). When an intrinsic's argument
 * is an unknown with candidates, the intrinsic is "lifted": evaluated once per combination of
 * candidates (at most limits->max_candidates), giving an unknown whose candidates are the
 * results. An opaque argument makes the result opaque.
 */
#include "engine/template.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util.h"
#include "engine/value.h"

/* Resolution context. Invariant: err/st are set at most once (first error wins). */
typedef struct rctx {
    const pp_doc *doc;
    const pp_resolve_opts *o;
    const pp_limits *lim;
    json_t *params;      /* name → value or unknown */
    json_t *pseudo;      /* name → value */
    json_t *resources;   /* raw Resources object (borrowed) */
    json_t *mappings;    /* raw Mappings (borrowed, may be NULL) */
    json_t *cond_raw;    /* raw Conditions (borrowed, may be NULL) */
    json_t *conds;       /* name → resolved true/false/unknown */
    json_t *cond_busy;   /* names being evaluated (cycle detection) */
    size_t steps;
    size_t depth;
    pp_status st;
    char *err;
} rctx;

/* The edge through which a value was reached, for error positions. */
typedef struct edge {
    const json_t *parent;
    const char *key;   /* NULL: array index */
    size_t idx;
} edge;

static json_t *resolve(rctx *c, json_t *v, edge e);

static void fail_at(rctx *c, edge e, pp_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail_at(rctx *c, edge e, pp_status st, const char *fmt, ...)
{
    if (c->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = pp_vasprintf(fmt, ap);
    va_end(ap);
    pp_pos p = {0, 0};
    /* only real positions: an edge of a value built during resolution has none */
    int found = c->doc->pos && pp_posmap_get(c->doc->pos, e.parent, e.key, e.idx, &p) == 0;
    if (found)
        c->err = pp_asprintf("%s:%u:%u: %s", c->doc->name, p.line, p.col, msg ? msg : "error");
    else
        c->err = pp_asprintf("%s: %s", c->doc->name, msg ? msg : "error");
    free(msg);
    c->st = st;
}

static int is_intrinsic_key(const char *k)
{
    return strncmp(k, "Fn::", 4) == 0 || strcmp(k, "Ref") == 0 || strcmp(k, "Condition") == 0;
}

/* ---- lifting over unknown candidates ------------------------------------------------- */

typedef json_t *(*lift_fn)(rctx *c, json_t **args, size_t n, edge e);

/* Calls fn on args; when some args are unknowns, calls it per candidate combination. Steals
 * nothing; returns a new reference or NULL on error (c->err set). */
static json_t *lift(rctx *c, json_t **args, size_t n, edge e, const char *what, lift_fn fn)
{
    size_t combos = 1;
    for (size_t i = 0; i < n; i++) {
        if (!pp_is_unknown(args[i]))
            continue;
        json_t *cand = pp_unknown_candidates(args[i]);
        if (!cand) {
            char *r = pp_asprintf("%s depends on an unresolved value (%s)", what,
                                  pp_unknown_reason(args[i]));
            json_t *u = pp_unknown_new(r, NULL);
            free(r);
            return u;
        }
        combos *= json_array_size(cand) ? json_array_size(cand) : 1;
        if (combos > c->lim->max_candidates)
            return pp_unknown_new("too many candidate values to enumerate", NULL);
    }
    if (combos == 1) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            any |= pp_is_unknown(args[i]);
        if (!any)
            return fn(c, args, n, e);
    }
    json_t **cur = calloc(n ? n : 1, sizeof *cur);
    json_t *out = json_array();
    if (!cur || !out) {
        free(cur);
        json_decref(out);
        c->st = PP_E_NOMEM;
        return NULL;
    }
    for (size_t k = 0; k < combos; k++) {
        size_t r = k;
        for (size_t i = 0; i < n; i++) {
            json_t *cand = pp_unknown_candidates(args[i]);
            if (cand && json_array_size(cand)) {
                size_t m = json_array_size(cand);
                cur[i] = json_array_get(cand, r % m);
                r /= m;
            } else {
                cur[i] = args[i];
            }
        }
        json_t *res = fn(c, cur, n, e);
        if (!res) {
            json_decref(out);
            free(cur);
            return NULL;
        }
        /* flatten nested unknowns; dedupe */
        json_t *rc = pp_unknown_candidates(res);
        if (pp_is_unknown(res) && !rc) {
            json_decref(out);
            free(cur);
            return res;
        }
        size_t nr = rc ? json_array_size(rc) : 1;
        for (size_t j = 0; j < nr; j++) {
            json_t *x = rc ? json_array_get(rc, j) : res;
            int dup = 0;
            for (size_t q = 0; q < json_array_size(out) && !dup; q++)
                dup = json_equal(json_array_get(out, q), x);
            if (!dup)
                json_array_append(out, x);
        }
        json_decref(res);
    }
    free(cur);
    if (json_array_size(out) == 1) {
        json_t *only = json_incref(json_array_get(out, 0));
        json_decref(out);
        return only;
    }
    char *r = pp_asprintf("%s has several possible values", what);
    json_t *u = pp_unknown_new(r, out);
    free(r);
    return u;
}

/* ---- conditions --------------------------------------------------------------------- */

static json_t *cond_value(rctx *c, const char *name, edge e)
{
    json_t *done = json_object_get(c->conds, name);
    if (done)
        return json_incref(done);
    json_t *raw = c->cond_raw ? json_object_get(c->cond_raw, name) : NULL;
    if (!raw) {
        fail_at(c, e, PP_E_TEMPLATE, "condition '%s' is not defined in Conditions", name);
        return NULL;
    }
    if (json_object_get(c->cond_busy, name)) {
        fail_at(c, e, PP_E_CYCLE, "condition '%s' depends on itself", name);
        return NULL;
    }
    json_object_set_new(c->cond_busy, name, json_true());
    edge ce = {c->cond_raw, name, 0};
    json_t *v = resolve(c, raw, ce);
    json_object_del(c->cond_busy, name);
    if (!v)
        return NULL;
    int b = pp_value_bool(v);
    if (b >= 0) {
        json_decref(v);
        v = json_boolean(b);
    } else if (!pp_is_unknown(v)) {
        json_decref(v);
        fail_at(c, ce, PP_E_TEMPLATE, "condition '%s' must evaluate to a boolean", name);
        return NULL;
    }
    json_object_set(c->conds, name, v);
    return v;
}

/* ---- intrinsics ----------------------------------------------------------------------- */

static json_t *need_args(rctx *c, json_t *args, size_t lo, size_t hi, const char *fn, edge e)
{
    if (!json_is_array(args) || json_array_size(args) < lo || json_array_size(args) > hi) {
        if (lo == hi)
            fail_at(c, e, PP_E_TEMPLATE, "%s expects a list of %zu arguments", fn, lo);
        else
            fail_at(c, e, PP_E_TEMPLATE, "%s expects a list of %zu to %zu arguments", fn, lo,
                    hi);
        return NULL;
    }
    return args;
}

/* Resolves every element of a literal argument list. Returns a new array or NULL. */
static json_t *resolve_args(rctx *c, json_t *args)
{
    json_t *out = json_array();
    if (!out) {
        c->st = PP_E_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(args); i++) {
        edge e = {args, NULL, i};
        json_t *r = resolve(c, json_array_get(args, i), e);
        if (!r) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, r);
    }
    return out;
}

static int is_scalar(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static json_t *fn_equals(rctx *c, json_t **a, size_t n, edge e)
{
    (void)c; (void)n; (void)e;
    if (!is_scalar(a[0]) || !is_scalar(a[1])) {
        if (json_is_object(a[0]) || json_is_object(a[1]))
            return pp_unknown_new("Fn::Equals compares a value known only at deploy time",
                                  NULL);
        return json_boolean(json_equal(a[0], a[1]));
    }
    return json_boolean(pp_value_equal(a[0], a[1]));
}

static json_t *fn_bool_op(rctx *c, json_t **a, size_t n, edge e, int is_and)
{
    int unknown = 0;
    for (size_t i = 0; i < n; i++) {
        int b = pp_value_bool(a[i]);
        if (b < 0 && !pp_is_unknown(a[i])) {
            fail_at(c, e, PP_E_TEMPLATE, "%s expects conditions", is_and ? "Fn::And" : "Fn::Or");
            return NULL;
        }
        if (b < 0)
            unknown = 1;
        else if (b == !is_and)
            return json_boolean(!is_and);  /* short-circuit decides */
    }
    if (unknown)
        return pp_unknown_new("condition depends on an unresolved value",
                              json_pack("[bb]", 1, 0));
    return json_boolean(is_and);
}

static json_t *fn_and(rctx *c, json_t **a, size_t n, edge e) { return fn_bool_op(c, a, n, e, 1); }
static json_t *fn_or(rctx *c, json_t **a, size_t n, edge e) { return fn_bool_op(c, a, n, e, 0); }

static json_t *fn_not(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n;
    int b = pp_value_bool(a[0]);
    if (b < 0) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Not expects a condition");
        return NULL;
    }
    return json_boolean(!b);
}

static json_t *fn_join(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n;
    if (!json_is_string(a[0]) || !json_is_array(a[1])) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Join expects [delimiter, [values]]");
        return NULL;
    }
    /* elements may themselves be unknowns: lift over them */
    size_t m = json_array_size(a[1]);
    for (size_t i = 0; i < m; i++) {
        json_t *x = json_array_get(a[1], i);
        if (pp_is_unknown(x) || (json_is_object(x) && !pp_is_novalue(x)))
            return pp_unknown_new("Fn::Join includes a value known only at deploy time", NULL);
    }
    pp_buf b;
    pp_buf_init(&b, c->lim->max_string_bytes);
    const char *d = json_string_value(a[0]);
    int first = 1;
    for (size_t i = 0; i < m; i++) {
        json_t *x = json_array_get(a[1], i);
        if (pp_is_novalue(x))
            continue;
        char *s = pp_value_str(x);
        if (!s) {
            pp_buf_free(&b);
            fail_at(c, e, PP_E_TEMPLATE, "Fn::Join expects a list of strings");
            return NULL;
        }
        if (!first)
            pp_buf_puts(&b, d);
        first = 0;
        pp_status st = pp_buf_puts(&b, s);
        free(s);
        if (st != PP_OK) {
            pp_buf_free(&b);
            fail_at(c, e, PP_E_LIMIT, "Fn::Join result exceeds the string limit");
            return NULL;
        }
    }
    char *s = pp_buf_steal(&b);
    json_t *r = s ? json_string(s) : NULL;
    free(s);
    if (!r)
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Join result is not valid UTF-8");
    return r;
}

static json_t *fn_select(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n;
    long long idx;
    if (pp_value_int(a[0], &idx) != 0) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Select expects an index");
        return NULL;
    }
    if (!json_is_array(a[1])) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Select expects a list to select from");
        return NULL;
    }
    if (idx < 0 || (size_t)idx >= json_array_size(a[1])) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Select index %lld is outside the list of %zu", idx,
                json_array_size(a[1]));
        return NULL;
    }
    return json_incref(json_array_get(a[1], (size_t)idx));
}

static json_t *fn_split(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n;
    if (!json_is_string(a[0]) || !json_is_string(a[1]) || !*json_string_value(a[0])) {
        if (json_is_object(a[1]))
            return pp_unknown_new("Fn::Split of a value known only at deploy time", NULL);
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Split expects [delimiter, string]");
        return NULL;
    }
    const char *d = json_string_value(a[0]), *s = json_string_value(a[1]);
    size_t dl = strlen(d);
    json_t *out = json_array();
    for (;;) {
        const char *hit = strstr(s, d);
        size_t len = hit ? (size_t)(hit - s) : strlen(s);
        json_array_append_new(out, json_stringn(s, len));
        if (!hit)
            break;
        s = hit + dl;
    }
    return out;
}

static json_t *fn_findinmap(rctx *c, json_t **a, size_t n, edge e)
{
    for (size_t i = 0; i < 3; i++) {
        if (json_is_object(a[i]))
            return pp_unknown_new("Fn::FindInMap key known only at deploy time", NULL);
    }
    char *k[3];
    for (size_t i = 0; i < 3; i++)
        k[i] = pp_value_str(a[i]);
    json_t *r = NULL;
    if (!k[0] || !k[1] || !k[2]) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]");
        goto done;
    }
    json_t *m = c->mappings ? json_object_get(c->mappings, k[0]) : NULL;
    json_t *l1 = m ? json_object_get(m, k[1]) : NULL;
    json_t *l2 = l1 ? json_object_get(l1, k[2]) : NULL;
    if (!l2) {
        if (n == 4 && json_is_object(a[3]) && json_object_get(a[3], "DefaultValue")) {
            r = json_incref(json_object_get(a[3], "DefaultValue"));
            goto done;
        }
        fail_at(c, e, PP_E_TEMPLATE, "Fn::FindInMap: no entry %s/%s/%s in Mappings", k[0], k[1],
                k[2]);
        goto done;
    }
    r = resolve(c, l2, (edge){l1, k[2], 0});
done:
    for (size_t i = 0; i < 3; i++)
        free(k[i]);
    return r;
}

/* Fn::Sub "text ${Var} ${Res.Attr} ${!Literal}" with an optional variable map. */
static json_t *fn_sub(rctx *c, json_t **a, size_t n, edge e)
{
    const char *s = json_string_value(a[0]);
    json_t *vars = n > 1 ? a[1] : NULL;
    if (!s || (vars && !json_is_object(vars))) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Sub expects a string or [string, {variables}]");
        return NULL;
    }
    pp_buf b;
    pp_buf_init(&b, c->lim->max_string_bytes);
    json_t *result = NULL;
    /* first pass collects unknown variables to lift over */
    const char *p = s;
    while (*p) {
        const char *open = strstr(p, "${");
        if (!open) {
            pp_buf_puts(&b, p);
            break;
        }
        pp_buf_append(&b, p, (size_t)(open - p));
        if (open[2] == '!') {
            pp_buf_puts(&b, "${");
            p = open + 3;
            continue;
        }
        const char *close = strchr(open + 2, '}');
        if (!close) {
            pp_buf_free(&b);
            fail_at(c, e, PP_E_TEMPLATE, "Fn::Sub: '${' without a closing '}'");
            return NULL;
        }
        char *name = strndup(open + 2, (size_t)(close - open - 2));
        if (!name) {
            pp_buf_free(&b);
            c->st = PP_E_NOMEM;
            return NULL;
        }
        json_t *val = vars ? json_object_get(vars, name) : NULL;
        json_t *owned = NULL;
        if (!val)
            val = json_object_get(c->params, name);
        if (!val)
            val = json_object_get(c->pseudo, name);
        if (!val && strcmp(name, "AWS::NoValue") != 0) {
            char *dot = strchr(name, '.');
            if (dot)
                *dot = '\0';
            if (json_object_get(c->resources, name))
                owned = pp_unknown_new("Fn::Sub uses an attribute of a resource, known only "
                                       "at deploy time", NULL);
            else
                owned = pp_unknown_new("Fn::Sub uses an undefined variable", NULL);
            val = owned;
        }
        if (pp_is_unknown(val)) {
            /* lift: substitute each candidate by re-running on a rewritten variable map */
            json_t *cand = pp_unknown_candidates(val);
            if (!cand) {
                free(name);
                pp_buf_free(&b);
                json_t *u = json_incref(val);
                json_decref(owned);
                return u;
            }
            json_t *out = json_array();
            for (size_t i = 0; i < json_array_size(cand); i++) {
                json_t *nv = vars ? json_deep_copy(vars) : json_object();
                json_object_set(nv, name, json_array_get(cand, i));
                json_t *args[2] = {a[0], nv};
                json_t *r = fn_sub(c, args, 2, e);
                json_decref(nv);
                if (!r) {
                    json_decref(out);
                    free(name);
                    pp_buf_free(&b);
                    return NULL;
                }
                json_array_append_new(out, r);
            }
            free(name);
            pp_buf_free(&b);
            json_decref(owned);
            return pp_unknown_new("Fn::Sub uses a value with several possibilities", out);
        }
        char *vs = pp_value_str(val);
        free(name);
        json_decref(owned);
        if (!vs) {
            pp_buf_free(&b);
            return pp_unknown_new("Fn::Sub substitutes a non-scalar value", NULL);
        }
        pp_status st = pp_buf_puts(&b, vs);
        free(vs);
        if (st != PP_OK) {
            pp_buf_free(&b);
            fail_at(c, e, PP_E_LIMIT, "Fn::Sub result exceeds the string limit");
            return NULL;
        }
        p = close + 1;
    }
    char *out = pp_buf_steal(&b);
    result = out ? json_string(out) : NULL;
    free(out);
    return result;
}

static json_t *resolve_ref(rctx *c, json_t *arg, edge e)
{
    json_t *name = resolve(c, arg, e);
    if (!name)
        return NULL;
    if (!json_is_string(name)) {
        json_decref(name);
        fail_at(c, e, PP_E_TEMPLATE, "Ref expects the name of a parameter or resource");
        return NULL;
    }
    const char *n = json_string_value(name);
    json_t *r;
    if (strcmp(n, "AWS::NoValue") == 0)
        r = pp_novalue_new();
    else if ((r = json_object_get(c->params, n)) != NULL || (r = json_object_get(c->pseudo, n)))
        r = json_incref(r);
    else if (json_object_get(c->resources, n))
        r = json_pack("{sO}", "Ref", name);
    else {
        char *why = pp_asprintf("Ref to '%s', which is neither a parameter nor a resource", n);
        r = pp_unknown_new(why, NULL);
        free(why);
    }
    json_decref(name);
    return r;
}

static json_t *resolve_getatt(rctx *c, json_t *arg, edge e)
{
    json_t *a = NULL;
    if (json_is_string(arg)) {
        const char *s = json_string_value(arg), *dot = strchr(s, '.');
        if (!dot) {
            fail_at(c, e, PP_E_TEMPLATE, "Fn::GetAtt expects \"Resource.Attribute\"");
            return NULL;
        }
        a = json_pack("[s#s]", s, (int)(dot - s), dot + 1);
    } else {
        if (!need_args(c, arg, 2, 2, "Fn::GetAtt", e))
            return NULL;
        a = resolve_args(c, arg);
        if (!a)
            return NULL;
    }
    json_t *res = json_array_get(a, 0), *att = json_array_get(a, 1);
    json_t *r;
    if (!json_is_string(res) || !json_object_get(c->resources, json_string_value(res))) {
        r = pp_unknown_new("Fn::GetAtt of a resource not in this template", NULL);
    } else if (pp_is_unknown(att)) {
        r = pp_unknown_new("Fn::GetAtt attribute known only at deploy time", NULL);
    } else {
        r = json_pack("{sO}", "Fn::GetAtt", a);
    }
    json_decref(a);
    return r;
}

static json_t *resolve_if(rctx *c, json_t *arg, edge e)
{
    if (!need_args(c, arg, 3, 3, "Fn::If", e))
        return NULL;
    json_t *cn = json_array_get(arg, 0);
    if (!json_is_string(cn)) {
        fail_at(c, (edge){arg, NULL, 0}, PP_E_TEMPLATE, "Fn::If expects a condition name first");
        return NULL;
    }
    json_t *cv = cond_value(c, json_string_value(cn), (edge){arg, NULL, 0});
    if (!cv)
        return NULL;
    int b = pp_value_bool(cv);
    json_decref(cv);
    if (b >= 0)
        return resolve(c, json_array_get(arg, b ? 1 : 2), (edge){arg, NULL, b ? 1u : 2u});
    json_t *t = resolve(c, json_array_get(arg, 1), (edge){arg, NULL, 1});
    json_t *f = t ? resolve(c, json_array_get(arg, 2), (edge){arg, NULL, 2}) : NULL;
    if (!f) {
        json_decref(t);
        return NULL;
    }
    json_t *cands = json_array();
    json_t *br[2] = {t, f};
    for (int i = 0; i < 2; i++) {
        json_t *bc = pp_unknown_candidates(br[i]);
        if (pp_is_unknown(br[i]) && !bc) {
            /* an unknown without candidates: the whole Fn::If is that unknown */
            json_decref(cands);
            return t == br[i] ? (json_decref(f), t) : (json_decref(t), f);
        }
        size_t nb = bc ? json_array_size(bc) : 1;
        for (size_t j = 0; j < nb; j++) {
            json_t *x = bc ? json_array_get(bc, j) : br[i];
            int dup = 0;
            for (size_t q = 0; q < json_array_size(cands) && !dup; q++)
                dup = json_equal(json_array_get(cands, q), x);
            if (!dup)
                json_array_append(cands, x);
        }
    }
    json_decref(t);
    json_decref(f);
    if (json_array_size(cands) == 1) {
        json_t *one = json_incref(json_array_get(cands, 0));
        json_decref(cands);
        return one;
    }
    char *why = pp_asprintf("Fn::If on condition '%s', which depends on an unresolved value",
                            json_string_value(cn));
    json_t *u = pp_unknown_new(why, cands);
    free(why);
    return u;
}

typedef struct fn_spec {
    const char *name;
    size_t lo, hi;
    lift_fn fn;
    int lifted;   /* 0: fn handles unknown arguments itself (And/Or short-circuit) */
} fn_spec;

static const fn_spec LIFTED[] = {
    {"Fn::Equals", 2, 2, fn_equals, 1},
    {"Fn::And", 2, 10, fn_and, 0},
    {"Fn::Or", 2, 10, fn_or, 0},
    {"Fn::Not", 1, 1, fn_not, 1},
    {"Fn::Join", 2, 2, fn_join, 1},
    {"Fn::Select", 2, 2, fn_select, 1},
    {"Fn::Split", 2, 2, fn_split, 1},
    {"Fn::FindInMap", 3, 4, fn_findinmap, 1},
};

static json_t *resolve_intrinsic(rctx *c, const char *k, json_t *arg, edge e)
{
    if (strcmp(k, "Ref") == 0)
        return resolve_ref(c, arg, e);
    if (strcmp(k, "Condition") == 0) {
        if (!json_is_string(arg)) {
            fail_at(c, e, PP_E_TEMPLATE, "Condition expects a condition name");
            return NULL;
        }
        return cond_value(c, json_string_value(arg), e);
    }
    if (strcmp(k, "Fn::GetAtt") == 0)
        return resolve_getatt(c, arg, e);
    if (strcmp(k, "Fn::If") == 0)
        return resolve_if(c, arg, e);
    if (strcmp(k, "Fn::Sub") == 0) {
        json_t *args[2] = {NULL, NULL};
        size_t n;
        json_t *ra = NULL;
        if (json_is_string(arg)) {
            args[0] = arg;
            n = 1;
        } else {
            if (!need_args(c, arg, 1, 2, "Fn::Sub", e))
                return NULL;
            ra = resolve_args(c, arg);
            if (!ra)
                return NULL;
            n = json_array_size(ra);
            args[0] = json_array_get(ra, 0);
            args[1] = n > 1 ? json_array_get(ra, 1) : NULL;
            if (pp_is_unknown(args[0])) {
                json_t *u = json_incref(args[0]);
                json_decref(ra);
                return u;
            }
        }
        json_t *r = fn_sub(c, args, n, e);
        json_decref(ra);
        return r;
    }
    if (strcmp(k, "Fn::Base64") == 0)
        return resolve(c, arg, e);  /* rules read the text, not its encoding */
    if (strcmp(k, "Fn::ImportValue") == 0) {
        json_t *nm = resolve(c, arg, e);
        if (!nm)
            return NULL;
        char *why = json_is_string(nm)
                        ? pp_asprintf("Fn::ImportValue '%s' is known only at deploy time",
                                      json_string_value(nm))
                        : pp_strdup("Fn::ImportValue is known only at deploy time");
        json_decref(nm);
        json_t *u = pp_unknown_new(why, NULL);
        free(why);
        return u;
    }
    if (strcmp(k, "Fn::GetAZs") == 0 || strcmp(k, "Fn::Cidr") == 0 ||
        strcmp(k, "Fn::Transform") == 0 || strcmp(k, "Fn::ToJsonString") == 0 ||
        strcmp(k, "Fn::Length") == 0 || strcmp(k, "Fn::ForEach") == 0) {
        char *why = pp_asprintf("%s is evaluated only at deploy time", k);
        json_t *u = pp_unknown_new(why, NULL);
        free(why);
        return u;
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(LIFTED); i++) {
        const fn_spec *f = &LIFTED[i];
        if (strcmp(k, f->name) != 0)
            continue;
        if (!need_args(c, arg, f->lo, f->hi, f->name, e))
            return NULL;
        json_t *ra = resolve_args(c, arg);
        if (!ra)
            return NULL;
        size_t n = json_array_size(ra);
        json_t *args[10];
        for (size_t j = 0; j < n; j++)
            args[j] = json_array_get(ra, j);
        json_t *r = f->lifted ? lift(c, args, n, e, f->name, f->fn) : f->fn(c, args, n, e);
        json_decref(ra);
        return r;
    }
    fail_at(c, e, PP_E_TEMPLATE, "unknown intrinsic function '%s'", k);
    return NULL;
}

/* Returns a new reference to the resolved value, or NULL with c->err / c->st set. A
 * pp_novalue marker means "remove this key/element". */
static json_t *resolve(rctx *c, json_t *v, edge e)
{
    if (++c->steps > c->lim->max_resolve_steps) {
        fail_at(c, e, PP_E_LIMIT, "template needs more than %zu resolution steps",
                c->lim->max_resolve_steps);
        return NULL;
    }
    if (json_is_object(v)) {
        if (c->depth >= c->lim->max_depth) {
            fail_at(c, e, PP_E_LIMIT, "values nested deeper than %zu", c->lim->max_depth);
            return NULL;
        }
        if (json_object_size(v) == 1) {
            const char *k = json_object_iter_key(json_object_iter(v));
            /* {"Condition": {...}} inside an IAM statement is data, not the intrinsic */
            if (is_intrinsic_key(k) &&
                (strcmp(k, "Condition") != 0 || json_is_string(json_object_get(v, k)))) {
                c->depth++;
                json_t *r = resolve_intrinsic(c, k, json_object_get(v, k), (edge){v, k, 0});
                c->depth--;
                return r;
            }
        }
        json_t *out = NULL;
        const char *k;
        json_t *x;
        size_t i = 0;
        c->depth++;
        json_object_foreach(v, k, x) {
            json_t *r = resolve(c, x, (edge){v, k, 0});
            if (!r) {
                json_decref(out);
                c->depth--;
                return NULL;
            }
            if (!out && r != x) {
                /* first change: copy the members seen so far */
                out = json_object();
                const char *k2;
                json_t *x2;
                size_t j = 0;
                json_object_foreach(v, k2, x2) {
                    if (j++ == i)
                        break;
                    json_object_set(out, k2, x2);
                }
            }
            if (out && !pp_is_novalue(r))
                json_object_set(out, k, r);
            json_decref(r);
            i++;
        }
        c->depth--;
        return out ? out : json_incref(v);
    }
    if (json_is_array(v)) {
        if (c->depth >= c->lim->max_depth) {
            fail_at(c, e, PP_E_LIMIT, "values nested deeper than %zu", c->lim->max_depth);
            return NULL;
        }
        json_t *out = NULL;
        c->depth++;
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *x = json_array_get(v, i);
            json_t *r = resolve(c, x, (edge){v, NULL, i});
            if (!r) {
                json_decref(out);
                c->depth--;
                return NULL;
            }
            if (!out && r != x) {
                out = json_array();
                for (size_t j = 0; j < i; j++)
                    json_array_append(out, json_array_get(v, j));
            }
            if (out && !pp_is_novalue(r))
                json_array_append(out, r);
            json_decref(r);
        }
        c->depth--;
        return out ? out : json_incref(v);
    }
    return json_incref(v);
}

/* ---- parameters --------------------------------------------------------------------- */

static json_t *param_from_string(const char *type, const char *s)
{
    if (type && (strncmp(type, "List<", 5) == 0 || strcmp(type, "CommaDelimitedList") == 0)) {
        json_t *arr = json_array();
        const char *p = s;
        for (;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            while (len && *p == ' ') {
                p++;
                len--;
            }
            while (len && p[len - 1] == ' ')
                len--;
            json_array_append_new(arr, json_stringn(p, len));
            if (!comma)
                break;
            p = comma + 1;
        }
        return arr;
    }
    return json_string(s);
}

static int build_params(rctx *c, json_t *root)
{
    json_t *decl = json_object_get(root, "Parameters");
    if (decl && !json_is_object(decl)) {
        fail_at(c, (edge){root, "Parameters", 0}, PP_E_TEMPLATE,
                "expected 'Parameters' to be a map of parameter declarations");
        return -1;
    }
    const char *name;
    json_t *d;
    json_object_foreach(decl, name, d) {
        if (!json_is_object(d)) {
            fail_at(c, (edge){decl, name, 0}, PP_E_TEMPLATE,
                    "expected parameter '%s' to be a map with a Type", name);
            return -1;
        }
        const char *type = json_string_value(json_object_get(d, "Type"));
        const char *given = NULL;
        for (size_t i = 0; i < c->o->nparams; i++)
            if (strcmp(c->o->params[i].key, name) == 0)
                given = c->o->params[i].value;
        json_t *v = NULL;
        if (given) {
            v = param_from_string(type, given);
        } else if (type && strncmp(type, "AWS::SSM::Parameter::Value<", 27) == 0) {
            char *why = pp_asprintf("parameter '%s' is read from SSM at deploy time", name);
            v = pp_unknown_new(why, NULL);
            free(why);
        } else if (json_object_get(d, "Default")) {
            json_t *def = json_object_get(d, "Default");
            char *s = pp_value_str(def);
            v = s ? param_from_string(type, s) : json_incref(def);
            free(s);
        } else {
            json_t *allowed = json_object_get(d, "AllowedValues");
            char *why = pp_asprintf("parameter '%s' has no value (pass --param %s=VALUE)", name,
                                    name);
            json_t *cands = NULL;
            if (json_is_array(allowed) && json_array_size(allowed) > 0) {
                cands = json_array();
                for (size_t i = 0; i < json_array_size(allowed); i++) {
                    char *s = pp_value_str(json_array_get(allowed, i));
                    if (s)
                        json_array_append_new(cands, param_from_string(type, s));
                    free(s);
                }
            }
            v = pp_unknown_new(why, cands);
            free(why);
        }
        if (!v || json_object_set_new(c->params, name, v)) {
            c->st = PP_E_NOMEM;
            return -1;
        }
    }
    return 0;
}

static void build_pseudo(rctx *c)
{
    const char *region = c->o->region ? c->o->region : "us-east-1";
    const char *part = c->o->partition;
    if (!part)
        part = strncmp(region, "cn-", 3) == 0       ? "aws-cn"
               : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                    : "aws";
    const char *acct = c->o->account_id ? c->o->account_id : "123456789012";
    const char *stack = c->o->stack_name ? c->o->stack_name : "parapet-check";
    json_object_set_new(c->pseudo, "AWS::Region", json_string(region));
    json_object_set_new(c->pseudo, "AWS::Partition", json_string(part));
    json_object_set_new(c->pseudo, "AWS::AccountId", json_string(acct));
    json_object_set_new(c->pseudo, "AWS::StackName", json_string(stack));
    json_object_set_new(c->pseudo, "AWS::URLSuffix",
                        json_string(strcmp(part, "aws-cn") == 0 ? "amazonaws.com.cn"
                                                                : "amazonaws.com"));
    json_object_set_new(c->pseudo, "AWS::NotificationARNs", json_array());
    char *sid = pp_asprintf("arn:%s:cloudformation:%s:%s:stack/%s/00000000-0000-0000-0000-"
                            "000000000000", part, region, acct, stack);
    if (sid)
        json_object_set_new(c->pseudo, "AWS::StackId", json_string(sid));
    free(sid);
}

/* ---- the model ---------------------------------------------------------------------- */

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
    json_decref(t->conditions);
    json_decref(t->params);
    free(t);
}

long pp_template_find(const pp_template *t, const char *logical_id)
{
    for (size_t i = 0; i < t->nres; i++)
        if (strcmp(t->res[i].logical_id, logical_id) == 0)
            return (long)i;
    return -1;
}

/* True when root looks like {"AWS::X::Y": {"resourceProperties": {...}}}. */
static int is_hook_shape(const json_t *root)
{
    if (json_object_size(root) != 1)
        return 0;
    const char *k = json_object_iter_key(json_object_iter((json_t *)root));
    json_t *v = json_object_get(root, k);
    return strstr(k, "::") != NULL && json_is_object(v) &&
           json_object_get(v, "resourceProperties") != NULL;
}

static int add_resource(rctx *c, pp_template *t, const char *id, json_t *raw, const char *type,
                        json_t *props, const char *src_ptr, const char *props_ptr,
                        edge props_edge)
{
    pp_resource *r = &t->res[t->nres];
    memset(r, 0, sizeof *r);
    r->logical_id = pp_strdup(id);
    r->type = pp_strdup(type);
    r->raw = raw;
    r->src_ptr = pp_strdup(src_ptr);
    r->props_ptr = pp_strdup(props_ptr);
    r->active = 1;
    t->nres++;
    if (!r->logical_id || !r->type || !r->src_ptr || !r->props_ptr) {
        c->st = PP_E_NOMEM;
        return -1;
    }
    json_t *md = json_object_get(raw, "Metadata");
    r->metadata = json_is_object(md) ? md : NULL;
    const char *cdk = r->metadata ? json_string_value(json_object_get(md, "aws:cdk:path")) : NULL;
    if (cdk)
        r->cdk_path = pp_strdup(cdk);
    json_t *cond = json_object_get(raw, "Condition");
    if (cond) {
        if (!json_is_string(cond)) {
            fail_at(c, (edge){raw, "Condition", 0}, PP_E_TEMPLATE,
                    "expected the resource Condition to be a condition name");
            return -1;
        }
        r->condition = pp_strdup(json_string_value(cond));
        json_t *cv = cond_value(c, r->condition, (edge){raw, "Condition", 0});
        if (!cv)
            return -1;
        int b = pp_value_bool(cv);
        json_decref(cv);
        if (b == 0)
            r->active = 0;
        else if (b < 0)
            r->cond_unknown = 1;
    }
    if (props && !json_is_object(props)) {
        if (pp_is_unknown(props) || (json_is_object(props) && json_object_size(props) == 1)) {
            /* an intrinsic producing the whole property map */
        } else {
            fail_at(c, props_edge, PP_E_TEMPLATE, "expected 'Properties' of %s to be a map", id);
            return -1;
        }
    }
    if (!r->active) {
        r->properties = json_object();
        return 0;
    }
    json_t *rp = props ? resolve(c, props, props_edge) : json_object();
    if (!rp)
        return -1;
    if (!json_is_object(rp) || pp_is_novalue(rp)) {
        json_t *wrapped = json_object();
        json_decref(rp);
        rp = wrapped;
    }
    r->properties = rp;
    return 0;
}

pp_template *pp_template_build(const pp_doc *doc, const pp_resolve_opts *opts, pp_status *st,
                               char **err)
{
    static const pp_limits deflim = PP_LIMITS_DEFAULT;
    pp_resolve_opts defopts = {0};
    if (!opts)
        opts = &defopts;
    rctx c = {0};
    c.doc = doc;
    c.o = opts;
    c.lim = opts->limits ? opts->limits : &deflim;
    c.params = json_object();
    c.pseudo = json_object();
    c.conds = json_object();
    c.cond_busy = json_object();
    pp_template *t = calloc(1, sizeof *t);
    json_t *root = doc->root;
    edge root_edge = {NULL, "", 0};
    if (!t || !c.params || !c.pseudo || !c.conds || !c.cond_busy) {
        c.st = PP_E_NOMEM;
        goto fail;
    }
    t->doc = doc;
    if (!json_is_object(root)) {
        fail_at(&c, root_edge, PP_E_TEMPLATE,
                "expected the template to be a map with a 'Resources' section");
        goto fail;
    }
    build_pseudo(&c);
    if (is_hook_shape(root)) {
        const char *type = json_object_iter_key(json_object_iter(root));
        json_t *body = json_object_get(root, type);
        json_t *props = json_object_get(body, "resourceProperties");
        t->res = calloc(1, sizeof *t->res);
        t->is_hook_doc = 1;
        char *sp = pp_ptr_join("", type);
        char *pp = sp ? pp_ptr_join(sp, "resourceProperties") : NULL;
        int rc = t->res && sp && pp
                     ? add_resource(&c, t, "Resource", body, type, props, sp, pp,
                                    (edge){body, "resourceProperties", 0})
                     : (c.st = PP_E_NOMEM, -1);
        free(sp);
        free(pp);
        if (rc)
            goto fail;
    } else {
        json_t *res = json_object_get(root, "Resources");
        if (!res) {
            fail_at(&c, root_edge, PP_E_TEMPLATE,
                    "expected a 'Resources' section (is this a CloudFormation template?)");
            goto fail;
        }
        if (!json_is_object(res)) {
            fail_at(&c, (edge){root, "Resources", 0}, PP_E_TEMPLATE,
                    "expected 'Resources' to be a map of logical ids to resources");
            goto fail;
        }
        c.resources = res;
        c.mappings = json_object_get(root, "Mappings");
        c.cond_raw = json_object_get(root, "Conditions");
        if (c.cond_raw && !json_is_object(c.cond_raw)) {
            fail_at(&c, (edge){root, "Conditions", 0}, PP_E_TEMPLATE,
                    "expected 'Conditions' to be a map");
            goto fail;
        }
        if (build_params(&c, root))
            goto fail;
        /* evaluate every condition once so cycles are reported even when unused */
        const char *cn;
        json_t *cx;
        json_object_foreach(c.cond_raw, cn, cx) {
            json_t *v = cond_value(&c, cn, (edge){c.cond_raw, cn, 0});
            if (!v)
                goto fail;
            json_decref(v);
        }
        t->res = calloc(json_object_size(res) ? json_object_size(res) : 1, sizeof *t->res);
        if (!t->res) {
            c.st = PP_E_NOMEM;
            goto fail;
        }
        const char *id;
        json_t *raw;
        json_object_foreach(res, id, raw) {
            if (!json_is_object(raw)) {
                fail_at(&c, (edge){res, id, 0}, PP_E_TEMPLATE,
                        "expected resource '%s' to be a map with a Type", id);
                goto fail;
            }
            const char *type = json_string_value(json_object_get(raw, "Type"));
            if (!type) {
                fail_at(&c, (edge){res, id, 0}, PP_E_TEMPLATE,
                        "expected resource '%s' to have a 'Type' string", id);
                goto fail;
            }
            char *rp = pp_ptr_join("/Resources", id);
            char *pp = rp ? pp_ptr_join(rp, "Properties") : NULL;
            int rc = rp && pp ? add_resource(&c, t, id, raw, type,
                                             json_object_get(raw, "Properties"), rp, pp,
                                             (edge){raw, "Properties", 0})
                              : (c.st = PP_E_NOMEM, -1);
            free(rp);
            free(pp);
            if (rc)
                goto fail;
        }
    }
    t->conditions = c.conds;
    t->params = c.params;
    json_decref(c.pseudo);
    json_decref(c.cond_busy);
    if (st)
        *st = PP_OK;
    return t;
fail:
    if (st)
        *st = c.st ? c.st : PP_E_INTERNAL;
    if (err) {
        *err = c.err ? c.err : pp_asprintf("%s: %s", doc->name,
                                           c.st == PP_E_NOMEM ? "out of memory" : "invalid template");
        c.err = NULL;
    }
    free(c.err);
    json_decref(c.params);
    json_decref(c.pseudo);
    json_decref(c.conds);
    json_decref(c.cond_busy);
    if (t) {
        t->conditions = NULL;
        t->params = NULL;
        pp_template_free(t);
    }
    return NULL;
}
