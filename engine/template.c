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

#include "engine/base/util.h"
#include "engine/value.h"

/* Resolution context. Invariant: err/st are set at most once (first error wins). */
typedef struct rctx {
    const pp_doc *doc;
    const pp_resolve_opts *o;
    const pp_limits *lim;
    json_t *params;      /* name → value or unknown */
    json_t *pseudo;      /* name → value; built on the first lookup of an AWS:: name */
    int pseudo_built;
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
static json_t *pseudo_get(rctx *c, const char *name);

static void fail_at(rctx *c, edge e, pp_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail_at(rctx *c, edge e, pp_status st, const char *fmt, ...)
{
    if (c->err || c->st)
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

/* Records an allocation failure and returns NULL. Every failing path ends here or in
 * fail_at, so a NULL result always comes with c->st set: an allocation failure is never
 * mistaken for a template error, nor silently turned into a different value. */
static json_t *nomem(rctx *c)
{
    if (!c->st)
        c->st = PP_E_NOMEM;
    return NULL;
}

static json_t *unknownf(rctx *c, json_t *cands, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A new unknown with a printf-formatted reason; `cands` (NULL: none) is stolen, even on
 * failure. NULL with c->st on NOMEM. */
static json_t *unknownf(rctx *c, json_t *cands, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *why = pp_vasprintf(fmt, ap);
    va_end(ap);
    json_t *u = NULL;
    if (why)
        u = pp_unknown_new(why, cands);   /* steals cands, even on failure */
    else
        json_decref(cands);
    free(why);
    return u ? u : nomem(c);
}

/* Appends v (a new reference, stolen even on failure) to arr; -1 with c->st on NOMEM. */
static int append_new(rctx *c, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0) {
        nomem(c);
        return -1;
    }
    return 0;
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
        if (!cand)
            return unknownf(c, NULL, "%s depends on an unresolved value (%s)", what,
                            pp_unknown_reason(args[i]));
        combos *= json_array_size(cand) ? json_array_size(cand) : 1;
        if (combos > c->lim->max_candidates)
            return unknownf(c, NULL, "too many candidate values to enumerate");
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
        return nomem(c);
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
            if (!dup && json_array_append(out, x) != 0) {
                json_decref(res);
                json_decref(out);
                free(cur);
                return nomem(c);
            }
        }
        json_decref(res);
    }
    free(cur);
    if (json_array_size(out) == 1) {
        json_t *only = json_incref(json_array_get(out, 0));
        json_decref(out);
        return only;
    }
    return unknownf(c, out, "%s has several possible values", what);
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
    if (json_object_set_new(c->cond_busy, name, json_true()) != 0)
        return nomem(c);
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
    if (json_object_set(c->conds, name, v) != 0) {
        json_decref(v);
        return nomem(c);
    }
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
    if (!out)
        return nomem(c);
    for (size_t i = 0; i < json_array_size(args); i++) {
        edge e = {args, NULL, i};
        json_t *r = resolve(c, json_array_get(args, i), e);
        if (!r || append_new(c, out, r) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static int is_scalar(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static json_t *fn_equals(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n; (void)e;
    if (!is_scalar(a[0]) || !is_scalar(a[1])) {
        if (json_is_object(a[0]) || json_is_object(a[1]))
            return unknownf(c, NULL, "Fn::Equals compares a value known only at deploy time");
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
    if (unknown) {
        json_t *both = json_pack("[bb]", 1, 0);
        return both ? unknownf(c, both, "condition depends on an unresolved value")
                    : nomem(c);
    }
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
            return unknownf(c, NULL, "Fn::Join includes a value known only at deploy time");
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
            if (is_scalar(x))
                return nomem(c);
            fail_at(c, e, PP_E_TEMPLATE, "Fn::Join expects a list of strings");
            return NULL;
        }
        pp_status st = first ? PP_OK : pp_buf_puts(&b, d);
        first = 0;
        if (st == PP_OK)
            st = pp_buf_puts(&b, s);
        free(s);
        if (st != PP_OK) {
            pp_buf_free(&b);
            if (st != PP_E_LIMIT)
                return nomem(c);
            fail_at(c, e, PP_E_LIMIT, "Fn::Join result exceeds the string limit");
            return NULL;
        }
    }
    /* pieces of valid UTF-8 joined by valid UTF-8: json_string fails only for want of memory */
    char *s = pp_buf_steal(&b);
    json_t *r = s ? json_string(s) : NULL;
    free(s);
    return r ? r : nomem(c);
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
            return unknownf(c, NULL, "Fn::Split of a value known only at deploy time");
        fail_at(c, e, PP_E_TEMPLATE, "Fn::Split expects [delimiter, string]");
        return NULL;
    }
    const char *d = json_string_value(a[0]), *s = json_string_value(a[1]);
    size_t dl = strlen(d);
    json_t *out = json_array();
    if (!out)
        return nomem(c);
    for (;;) {
        const char *hit = strstr(s, d);
        size_t len = hit ? (size_t)(hit - s) : strlen(s);
        if (append_new(c, out, json_stringn(s, len)) != 0) {
            json_decref(out);
            return NULL;
        }
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
            return unknownf(c, NULL, "Fn::FindInMap key known only at deploy time");
    }
    char *k[3];
    int lost = 0;
    for (size_t i = 0; i < 3; i++) {
        k[i] = pp_value_str(a[i]);
        lost |= !k[i] && is_scalar(a[i]);
    }
    json_t *r = NULL;
    if (lost) {
        nomem(c);
        goto done;
    }
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
    pp_status st = PP_OK;   /* of the last append; checked before the next step */
    /* first pass collects unknown variables to lift over */
    const char *p = s;
    while (*p) {
        const char *open = strstr(p, "${");
        if (!open) {
            st = pp_buf_puts(&b, p);
            break;
        }
        st = pp_buf_append(&b, p, (size_t)(open - p));
        if (st != PP_OK)
            break;
        if (open[2] == '!') {
            st = pp_buf_puts(&b, "${");
            if (st != PP_OK)
                break;
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
            return nomem(c);
        }
        json_t *val = vars ? json_object_get(vars, name) : NULL;
        json_t *owned = NULL;
        if (!val)
            val = json_object_get(c->params, name);
        if (!val)
            val = pseudo_get(c, name);
        if (!val && strcmp(name, "AWS::NoValue") == 0) {
            /* ${AWS::NoValue} has no value to substitute: it stands for nothing */
            free(name);
            p = close + 1;
            continue;
        }
        if (!val) {
            char *dot = strchr(name, '.');
            if (dot)
                *dot = '\0';
            if (json_object_get(c->resources, name))
                owned = unknownf(c, NULL, "Fn::Sub uses an attribute of a resource, known only "
                                          "at deploy time");
            else if (c->resources) {
                fail_at(c, e, PP_E_TEMPLATE, "Fn::Sub: '${%s}' is neither a parameter, a pseudo "
                        "parameter nor a resource of this template", name);
                free(name);
                pp_buf_free(&b);
                return NULL;
            } else
                owned = unknownf(c, NULL, "Fn::Sub uses an undefined variable");
            if (!owned) {
                free(name);
                pp_buf_free(&b);
                return NULL;
            }
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
            for (size_t i = 0; out && i < json_array_size(cand); i++) {
                json_t *nv = vars ? json_deep_copy(vars) : json_object();
                json_t *r = NULL;
                if (!nv || json_object_set(nv, name, json_array_get(cand, i)) != 0) {
                    nomem(c);
                } else {
                    json_t *args[2] = {a[0], nv};
                    r = fn_sub(c, args, 2, e);
                }
                json_decref(nv);
                if (!r || append_new(c, out, r) != 0) {
                    json_decref(out);
                    out = NULL;
                }
            }
            free(name);
            pp_buf_free(&b);
            json_decref(owned);
            if (!out)
                return nomem(c);   /* no-op when the failure was recorded already */
            return unknownf(c, out, "Fn::Sub uses a value with several possibilities");
        }
        char *vs = pp_value_str(val);
        int lost = !vs && is_scalar(val);
        free(name);
        json_decref(owned);
        if (!vs) {
            pp_buf_free(&b);
            return lost ? nomem(c)
                        : unknownf(c, NULL, "Fn::Sub substitutes a non-scalar value");
        }
        st = pp_buf_puts(&b, vs);
        free(vs);
        if (st != PP_OK)
            break;
        p = close + 1;
    }
    if (st != PP_OK) {
        pp_buf_free(&b);
        if (st != PP_E_LIMIT)
            return nomem(c);
        fail_at(c, e, PP_E_LIMIT, "Fn::Sub result exceeds the string limit");
        return NULL;
    }
    /* text and values of valid UTF-8 cut at ASCII: json_string fails only for want of memory */
    char *out = pp_buf_steal(&b);
    result = out ? json_string(out) : NULL;
    free(out);
    return result ? result : nomem(c);
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
    else if ((r = json_object_get(c->params, n)) != NULL || (r = pseudo_get(c, n)))
        r = json_incref(r);
    else if (json_object_get(c->resources, n))
        r = json_pack("{sO}", "Ref", name);
    else if (c->resources) {
        /* CloudFormation rejects the template: "Unresolved resource dependencies" */
        fail_at(c, e, PP_E_TEMPLATE, "Ref to '%s', which is neither a parameter, a pseudo "
                "parameter nor a resource of this template", n);
        json_decref(name);
        return NULL;
    } else
        r = unknownf(c, NULL, "Ref to '%s', which is neither a parameter nor a resource", n);
    json_decref(name);
    return r ? r : nomem(c);
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
        if (!a)
            return nomem(c);
    } else {
        if (!need_args(c, arg, 2, 2, "Fn::GetAtt", e))
            return NULL;
        a = resolve_args(c, arg);
        if (!a)
            return NULL;
    }
    json_t *res = json_array_get(a, 0), *att = json_array_get(a, 1);
    json_t *r;
    if (json_is_string(res) && c->resources &&
        !json_object_get(c->resources, json_string_value(res))) {
        fail_at(c, e, PP_E_TEMPLATE, "Fn::GetAtt of '%s', which is not a resource of this "
                "template", json_string_value(res));
        json_decref(a);
        return NULL;
    }
    if (!json_is_string(res) || !json_object_get(c->resources, json_string_value(res))) {
        r = unknownf(c, NULL, "Fn::GetAtt of a resource not in this template");
    } else if (pp_is_unknown(att)) {
        r = unknownf(c, NULL, "Fn::GetAtt attribute known only at deploy time");
    } else {
        r = json_pack("{sO}", "Fn::GetAtt", a);
    }
    json_decref(a);
    return r ? r : nomem(c);
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
    if (!cands) {
        json_decref(t);
        json_decref(f);
        return nomem(c);
    }
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
            if (!dup && json_array_append(cands, x) != 0) {
                json_decref(cands);
                json_decref(t);
                json_decref(f);
                return nomem(c);
            }
        }
    }
    json_decref(t);
    json_decref(f);
    if (json_array_size(cands) == 1) {
        json_t *one = json_incref(json_array_get(cands, 0));
        json_decref(cands);
        return one;
    }
    return unknownf(c, cands, "Fn::If on condition '%s', which depends on an unresolved value",
                    json_string_value(cn));
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
        json_t *u = json_is_string(nm)
                        ? unknownf(c, NULL, "Fn::ImportValue '%s' is known only at deploy time",
                                   json_string_value(nm))
                        : unknownf(c, NULL, "Fn::ImportValue is known only at deploy time");
        json_decref(nm);
        return u;
    }
    if (strcmp(k, "Fn::GetAZs") == 0 || strcmp(k, "Fn::Cidr") == 0 ||
        strcmp(k, "Fn::Transform") == 0 || strcmp(k, "Fn::ToJsonString") == 0 ||
        strcmp(k, "Fn::Length") == 0 || strcmp(k, "Fn::ForEach") == 0)
        return unknownf(c, NULL, "%s is evaluated only at deploy time", k);
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
            int bad = 0;
            if (!out && r != x) {
                /* first change: copy the members seen so far */
                out = json_object();
                bad = !out;
                const char *k2;
                json_t *x2;
                size_t j = 0;
                json_object_foreach(v, k2, x2) {
                    if (bad || j++ == i)
                        break;
                    bad = json_object_set(out, k2, x2) != 0;
                }
            }
            if (!bad && out && !pp_is_novalue(r))
                bad = json_object_set(out, k, r) != 0;
            json_decref(r);
            if (bad) {
                json_decref(out);
                c->depth--;
                return nomem(c);
            }
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
            int bad = 0;
            if (!out && r != x) {
                out = json_array();
                bad = !out;
                for (size_t j = 0; !bad && j < i; j++)
                    bad = json_array_append(out, json_array_get(v, j)) != 0;
            }
            if (!bad && out && !pp_is_novalue(r))
                bad = json_array_append(out, r) != 0;
            json_decref(r);
            if (bad) {
                json_decref(out);
                c->depth--;
                return nomem(c);
            }
        }
        c->depth--;
        return out ? out : json_incref(v);
    }
    return json_incref(v);
}

/* ---- parameters --------------------------------------------------------------------- */

/* The value of a parameter given as text (a list for list types). NULL on NOMEM. */
static json_t *param_from_string(const char *type, const char *s)
{
    if (type && (strncmp(type, "List<", 5) == 0 || strcmp(type, "CommaDelimitedList") == 0)) {
        json_t *arr = json_array();
        const char *p = s;
        while (arr) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            while (len && *p == ' ') {
                p++;
                len--;
            }
            while (len && p[len - 1] == ' ')
                len--;
            json_t *item = json_stringn(p, len);
            if (!item || json_array_append_new(arr, item) != 0) {
                json_decref(arr);
                return NULL;
            }
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
            v = unknownf(c, NULL, "parameter '%s' is read from SSM at deploy time", name);
        } else if (json_object_get(d, "Default")) {
            json_t *def = json_object_get(d, "Default");
            char *s = pp_value_str(def);
            v = s ? param_from_string(type, s) : is_scalar(def) ? NULL : json_incref(def);
            free(s);
        } else {
            json_t *allowed = json_object_get(d, "AllowedValues");
            json_t *cands = NULL;
            int bad = 0;
            if (json_is_array(allowed) && json_array_size(allowed) > 0) {
                cands = json_array();
                bad = !cands;
                for (size_t i = 0; !bad && i < json_array_size(allowed); i++) {
                    json_t *av = json_array_get(allowed, i);
                    char *s = pp_value_str(av);
                    if (s)
                        bad = append_new(c, cands, param_from_string(type, s)) != 0;
                    else
                        bad = is_scalar(av);
                    free(s);
                }
            }
            if (bad)
                json_decref(cands);
            else
                v = unknownf(c, cands, "parameter '%s' has no value (pass --param %s=VALUE)",
                             name, name);
        }
        if (!v || json_object_set_new(c->params, name, v)) {
            c->st = PP_E_NOMEM;
            return -1;
        }
    }
    return 0;
}

/* -1 with c->st on NOMEM. */
static int build_pseudo(rctx *c)
{
    const char *region = c->o->region ? c->o->region : "us-east-1";
    const char *part = c->o->partition;
    if (!part)
        part = strncmp(region, "cn-", 3) == 0       ? "aws-cn"
               : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                    : "aws";
    const char *acct = c->o->account_id ? c->o->account_id : "123456789012";
    const char *stack = c->o->stack_name ? c->o->stack_name : "parapet-check";
    /* set_new releases the value on failure and fails on NULL: one check for the chain */
    int bad = 0;
    bad |= json_object_set_new(c->pseudo, "AWS::Region", json_string(region));
    bad |= json_object_set_new(c->pseudo, "AWS::Partition", json_string(part));
    bad |= json_object_set_new(c->pseudo, "AWS::AccountId", json_string(acct));
    bad |= json_object_set_new(c->pseudo, "AWS::StackName", json_string(stack));
    bad |= json_object_set_new(c->pseudo, "AWS::URLSuffix",
                               json_string(strcmp(part, "aws-cn") == 0 ? "amazonaws.com.cn"
                                                                       : "amazonaws.com"));
    bad |= json_object_set_new(c->pseudo, "AWS::NotificationARNs", json_array());
    char *sid = pp_asprintf("arn:%s:cloudformation:%s:%s:stack/%s/00000000-0000-0000-0000-"
                            "000000000000", part, region, acct, stack);
    bad |= !sid || json_object_set_new(c->pseudo, "AWS::StackId", json_string(sid));
    free(sid);
    if (bad)
        nomem(c);
    return bad ? -1 : 0;
}

/* The pseudo parameter name (borrowed), or NULL: none by that name, or NOMEM (c->st set).
 * Most templates name none, and a hook request's one resource rarely does: the table is
 * built when the first AWS:: name is looked up. */
static json_t *pseudo_get(rctx *c, const char *name)
{
    if (strncmp(name, "AWS::", 5) != 0)
        return NULL;
    if (!c->pseudo_built) {
        c->pseudo_built = 1;
        if (build_pseudo(c))
            return NULL;
    }
    return json_object_get(c->pseudo, name);
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
    free(t->by_id);
    free(t->by_type);
    free(t->ref_to);
    free(t->ref_from);
    json_decref(t->conditions);
    json_decref(t->params);
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

/* Builds t->by_id, t->by_type and the reference index; on allocation failure leaves them NULL
 * (lookups scan). */
static void build_indexes(pp_template *t)
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
    r->raw_props = props;
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
    if (cdk && !(r->cdk_path = pp_strdup(cdk))) {
        nomem(c);
        return -1;
    }
    json_t *cond = json_object_get(raw, "Condition");
    if (cond) {
        if (!json_is_string(cond)) {
            fail_at(c, (edge){raw, "Condition", 0}, PP_E_TEMPLATE,
                    "expected the resource Condition to be a condition name");
            return -1;
        }
        r->condition = pp_strdup(json_string_value(cond));
        if (!r->condition) {
            nomem(c);
            return -1;
        }
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
    json_t *rp = !r->active ? json_object() : props ? resolve(c, props, props_edge)
                                                     : json_object();
    if (rp && (!json_is_object(rp) || pp_is_novalue(rp))) {
        json_t *wrapped = json_object();
        json_decref(rp);
        rp = wrapped;
    }
    if (!rp) {
        nomem(c);   /* no-op when resolve recorded its error */
        return -1;
    }
    /* Properties: !If [C, {…}, !Ref AWS::NoValue] (or a scalar branch, which CloudFormation
     * would reject): every world a rule sees has a property map, empty for such a branch. The
     * unknown may be shared, so a fixed copy replaces it rather than an edit in place. */
    json_t *cands = pp_unknown_candidates(rp);
    size_t ncand = json_array_size(cands);
    int fix = 0;
    for (size_t i = 0; i < ncand; i++) {
        json_t *cv = json_array_get(cands, i);
        fix |= !json_is_object(cv) || pp_is_novalue(cv);
    }
    if (fix) {
        json_t *nc = json_array();
        for (size_t i = 0; nc && i < ncand; i++) {
            json_t *cv = json_array_get(cands, i);
            int ok = json_is_object(cv) && !pp_is_novalue(cv);
            if (json_array_append_new(nc, ok ? json_incref(cv) : json_object())) {
                json_decref(nc);
                nc = NULL;
            }
        }
        json_t *nu = nc ? pp_unknown_new(pp_unknown_reason(rp), nc) : NULL;
        json_decref(rp);
        if (!nu) {
            nomem(c);
            return -1;
        }
        rp = nu;
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
        nomem(&c);
        goto fail;
    }
    t->doc = doc;
    if (!json_is_object(root)) {
        fail_at(&c, root_edge, PP_E_TEMPLATE,
                "expected the template to be a map with a 'Resources' section");
        goto fail;
    }
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
    build_indexes(t);
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
