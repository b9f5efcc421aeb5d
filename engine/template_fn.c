/* template_fn.c — the intrinsic functions of the resolver: Ref, Fn::GetAtt, Fn::If, Fn::Sub,
 * Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, the condition functions, the deploy-time-only
 * ones (unknowns) and the lifting of an intrinsic over its arguments' candidate values.
 *
 * Data flow: template.c's tpl_resolve() meets a one-key map whose key is an intrinsic and calls
 * tpl_resolve_intrinsic here; arguments are resolved back through tpl_resolve. Language
 * Extensions functions (Fn::Length, Fn::ToJsonString) are in langext.c.
 */
#include "engine/template_int.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/value.h"

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
            return tpl_unknownf(c, NULL, "%s depends on an unresolved value (%s)", what,
                            pp_unknown_reason(args[i]));
        combos *= json_array_size(cand) ? json_array_size(cand) : 1;
        if (combos > c->lim->max_candidates)
            return tpl_unknownf(c, NULL, "too many candidate values to enumerate");
    }
    if (combos == 1) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            any |= pp_is_unknown(args[i]);
        if (!any)
            return fn(c, args, n, e);
    }
    size_t missed = 0;
    json_t **cur = calloc(n ? n : 1, sizeof *cur);
    json_t *out = json_array();
    if (!cur || !out) {
        free(cur);
        json_decref(out);
        return tpl_nomem(c);
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
        c->lift_may_miss = 1;
        json_t *res = fn(c, cur, n, e);
        c->lift_may_miss = 0;
        if (!res) {
            json_decref(out);
            free(cur);
            return NULL;
        }
        if (res == c->missing) {
            /* this candidate has no mapping entry: CloudFormation would refuse that value at
             * create time, so no world uses it; the report says so */
            json_decref(res);
            missed++;
            char *w = pp_asprintf("%s (for one of the candidate values); CloudFormation fails "
                                  "a deployment with that value, so it was not judged",
                                  c->miss_msg ? c->miss_msg : "Fn::FindInMap: no entry");
            PP_FREE(c->miss_msg);
            if (tpl_warn(c, c->t, w) != 0) {
                json_decref(out);
                free(cur);
                return NULL;
            }
            continue;
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
                return tpl_nomem(c);
            }
        }
        json_decref(res);
    }
    free(cur);
    if (missed && json_array_size(out) == 0) {
        json_decref(out);
        tpl_fail_at(c, e, PP_E_TEMPLATE, "%s: none of the candidate values has an entry in "
                    "Mappings", what);
        return NULL;
    }
    if (json_array_size(out) == 1) {
        json_t *only = json_incref(json_array_get(out, 0));
        json_decref(out);
        return only;
    }
    return tpl_unknownf(c, out, "%s has several possible values", what);
}


int tpl_is_scalar(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static json_t *fn_equals(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n; (void)e;
    if (!tpl_is_scalar(a[0]) || !tpl_is_scalar(a[1])) {
        if (json_is_object(a[0]) || json_is_object(a[1]))
            return tpl_unknownf(c, NULL, "Fn::Equals compares a value known only at deploy time");
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
            tpl_fail_at(c, e, PP_E_TEMPLATE, "%s expects conditions", is_and ? "Fn::And" : "Fn::Or");
            return NULL;
        }
        if (b < 0)
            unknown = 1;
        else if (b == !is_and)
            return json_boolean(!is_and);  /* short-circuit decides */
    }
    if (unknown) {
        json_t *both = json_pack("[bb]", 1, 0);
        return both ? tpl_unknownf(c, both, "condition depends on an unresolved value")
                    : tpl_nomem(c);
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
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Not expects a condition");
        return NULL;
    }
    return json_boolean(!b);
}

static json_t *fn_join(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n;
    if (!json_is_string(a[0]) || !json_is_array(a[1])) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Join expects [delimiter, [values]]");
        return NULL;
    }
    /* elements may themselves be unknowns: lift over them */
    size_t m = json_array_size(a[1]);
    for (size_t i = 0; i < m; i++) {
        json_t *x = json_array_get(a[1], i);
        if (pp_is_unknown(x) || (json_is_object(x) && !pp_is_novalue(x)))
            return tpl_unknownf(c, NULL, "Fn::Join includes a value known only at deploy time");
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
            if (tpl_is_scalar(x))
                return tpl_nomem(c);
            tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Join expects a list of strings");
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
                return tpl_nomem(c);
            tpl_fail_at(c, e, PP_E_LIMIT, "Fn::Join result exceeds the string limit");
            return NULL;
        }
    }
    /* pieces of valid UTF-8 joined by valid UTF-8: json_string fails only for want of memory */
    char *s = pp_buf_steal(&b);
    json_t *r = s ? json_string(s) : NULL;
    free(s);
    return r ? r : tpl_nomem(c);
}

static json_t *fn_select(rctx *c, json_t **a, size_t n, edge e)
{
    (void)n;
    long long idx;
    if (json_is_object(a[0]) || (json_is_object(a[1]) && !pp_is_novalue(a[1])))
        /* a list-valued attribute (!GetAtt Eni.SecondaryPrivateIpAddresses) or index */
        return tpl_unknownf(c, NULL, "Fn::Select from a list known only at deploy time");
    if (pp_value_int(a[0], &idx) != 0) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Select expects an index");
        return NULL;
    }
    if (!json_is_array(a[1])) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Select expects a list to select from");
        return NULL;
    }
    if (idx < 0 || (size_t)idx >= json_array_size(a[1])) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Select index %lld is outside the list of %zu", idx,
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
            return tpl_unknownf(c, NULL, "Fn::Split of a value known only at deploy time");
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Split expects [delimiter, string]");
        return NULL;
    }
    const char *d = json_string_value(a[0]), *s = json_string_value(a[1]);
    size_t dl = strlen(d);
    json_t *out = json_array();
    if (!out)
        return tpl_nomem(c);
    for (;;) {
        const char *hit = strstr(s, d);
        size_t len = hit ? (size_t)(hit - s) : strlen(s);
        if (tpl_append_new(c, out, json_stringn(s, len)) != 0) {
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
    int may_miss = c->lift_may_miss;   /* only this call, not the ones its value makes */
    c->lift_may_miss = 0;
    for (size_t i = 0; i < 3; i++) {
        if (json_is_object(a[i]))
            return tpl_unknownf(c, NULL, "Fn::FindInMap key known only at deploy time");
    }
    char *k[3];
    int lost = 0;
    for (size_t i = 0; i < 3; i++) {
        k[i] = pp_value_str(a[i]);
        lost |= !k[i] && tpl_is_scalar(a[i]);
    }
    json_t *r = NULL;
    if (lost) {
        tpl_nomem(c);
        goto done;
    }
    if (!k[0] || !k[1] || !k[2]) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]");
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
        /* the stack id is a stand-in until the stack exists: a map keyed by real stack ids
         * cannot be looked up before the deploy */
        json_t *sid = tpl_pseudo_get(c, "AWS::StackId");
        if (sid && (json_equal(a[1], sid) || json_equal(a[2], sid))) {
            r = tpl_unknownf(c, NULL, "Fn::FindInMap keyed by the stack id, known only at "
                             "deploy time");
            goto done;
        }
        if (may_miss && c->t) {
            if (!c->missing && !(c->missing = json_object())) {
                tpl_nomem(c);
                goto done;
            }
            free(c->miss_msg);
            c->miss_msg = pp_asprintf("Fn::FindInMap: no entry %s/%s/%s in Mappings", k[0],
                                      k[1], k[2]);
            r = c->miss_msg ? json_incref(c->missing) : tpl_nomem(c);
            goto done;
        }
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::FindInMap: no entry %s/%s/%s in Mappings", k[0], k[1],
                k[2]);
        goto done;
    }
    r = tpl_resolve(c, l2, (edge){l1, k[2], 0});
done:
    for (size_t i = 0; i < 3; i++)
        free(k[i]);
    return r;
}

static json_t *fn_sub(rctx *c, json_t **a, size_t n, edge e);

/* A ${name} that is neither a variable, a parameter nor a pseudo parameter: an unknown when it
 * names a resource (its attribute is known only at deploy time) or when undefined names are
 * allowed, else an error (NULL). Cuts name at its first '.' in place. */
static json_t *sub_unresolved(rctx *c, char *name, edge e)
{
    char *dot = strchr(name, '.');
    if (dot)
        *dot = '\0';
    if (json_object_get(c->resources, name))
        return tpl_unknownf(c, NULL, "Fn::Sub uses an attribute of a resource, known only "
                                     "at deploy time");
    if (c->resources && !c->open_names) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Sub: '${%s}' is neither a parameter, a pseudo "
                    "parameter nor a resource of this template", name);
        return NULL;
    }
    return tpl_unknownf(c, NULL, "Fn::Sub uses an undefined variable");
}

/* ${name} stands for an unknown value: with candidates, Fn::Sub re-run once per candidate
 * (name bound to it in a copy of vars) and the results lifted into one unknown; without,
 * the unknown itself (a new reference). NULL with the error recorded. */
static json_t *sub_lift(rctx *c, json_t **a, json_t *vars, const char *name, json_t *val,
                        edge e)
{
    json_t *cand = pp_unknown_candidates(val);
    if (!cand)
        return json_incref(val);
    json_t *out = json_array();
    for (size_t i = 0; out && i < json_array_size(cand); i++) {
        json_t *nv = vars ? json_deep_copy(vars) : json_object();
        json_t *r = NULL;
        if (!nv || json_object_set(nv, name, json_array_get(cand, i)) != 0) {
            tpl_nomem(c);
        } else {
            json_t *args[2] = {a[0], nv};
            r = fn_sub(c, args, 2, e);
        }
        json_decref(nv);
        if (!r || tpl_append_new(c, out, r) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    if (!out)
        return tpl_nomem(c);   /* no-op when the failure was recorded already */
    return tpl_unknownf(c, out, "Fn::Sub uses a value with several possibilities");
}

/* Fn::Sub "text ${Var} ${Res.Attr} ${!Literal}" with an optional variable map. */
static json_t *fn_sub(rctx *c, json_t **a, size_t n, edge e)
{
    const char *s = json_string_value(a[0]);
    json_t *vars = n > 1 ? a[1] : NULL;
    if (!s || (vars && !json_is_object(vars))) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Sub expects a string or [string, {variables}]");
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
            tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Sub: '${' without a closing '}'");
            return NULL;
        }
        /* CloudFormation accepts "${ Name }": the blanks around a name are not part of it */
        const char *n0 = open + 2, *n1 = close;
        while (n0 < n1 && *n0 == ' ')
            n0++;
        while (n1 > n0 && n1[-1] == ' ')
            n1--;
        char *name = strndup(n0, (size_t)(n1 - n0));
        if (!name) {
            pp_buf_free(&b);
            return tpl_nomem(c);
        }
        json_t *val = vars ? json_object_get(vars, name) : NULL;
        json_t *owned = NULL;
        if (!val)
            val = json_object_get(c->params, name);
        if (!val)
            val = tpl_pseudo_get(c, name);
        if (!val && strcmp(name, "AWS::NoValue") == 0) {
            /* ${AWS::NoValue} has no value to substitute: it stands for nothing */
            free(name);
            p = close + 1;
            continue;
        }
        if (!val) {
            owned = sub_unresolved(c, name, e);
            if (!owned) {
                free(name);
                pp_buf_free(&b);
                return NULL;
            }
            val = owned;
        }
        if (pp_is_unknown(val)) {
            json_t *r = sub_lift(c, a, vars, name, val, e);
            free(name);
            pp_buf_free(&b);
            json_decref(owned);
            return r;
        }
        char *vs = pp_value_str(val);
        int lost = !vs && tpl_is_scalar(val);
        free(name);
        json_decref(owned);
        if (!vs) {
            pp_buf_free(&b);
            return lost ? tpl_nomem(c)
                        : tpl_unknownf(c, NULL, "Fn::Sub substitutes a non-scalar value");
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
            return tpl_nomem(c);
        tpl_fail_at(c, e, PP_E_LIMIT, "Fn::Sub result exceeds the string limit");
        return NULL;
    }
    /* text and values of valid UTF-8 cut at ASCII: json_string fails only for want of memory */
    char *out = pp_buf_steal(&b);
    result = out ? json_string(out) : NULL;
    free(out);
    return result ? result : tpl_nomem(c);
}

static json_t *resolve_ref(rctx *c, json_t *arg, edge e)
{
    json_t *name = tpl_resolve(c, arg, e);
    if (!name)
        return NULL;
    if (!json_is_string(name)) {
        json_decref(name);
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Ref expects the name of a parameter or resource");
        return NULL;
    }
    const char *n = json_string_value(name);
    json_t *r;
    /* SAM's referable properties (!Ref Fn.Alias) name what the transform generated */
    const char *sam = json_string_value(json_object_get(c->sam_refs, n));
    if (sam)
        n = sam;
    if (strcmp(n, "AWS::NoValue") == 0)
        r = pp_novalue_new();
    else if ((r = json_object_get(c->params, n)) != NULL || (r = tpl_pseudo_get(c, n)))
        r = json_incref(r);
    else if (json_object_get(c->resources, n))
        r = json_pack("{ss}", "Ref", n);
    else if (c->resources && !c->open_names) {
        /* CloudFormation rejects the template: "Unresolved resource dependencies" */
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Ref to '%s', which is neither a parameter, a pseudo "
                "parameter nor a resource of this template", n);
        json_decref(name);
        return NULL;
    } else
        r = tpl_unknownf(c, NULL, "Ref to '%s', which is neither a parameter nor a resource", n);
    json_decref(name);
    return r ? r : tpl_nomem(c);
}

static json_t *resolve_getatt(rctx *c, json_t *arg, edge e)
{
    json_t *a = NULL;
    if (json_is_string(arg)) {
        const char *s = json_string_value(arg), *dot = strchr(s, '.');
        if (!dot) {
            tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::GetAtt expects \"Resource.Attribute\"");
            return NULL;
        }
        a = json_pack("[s#s]", s, (int)(dot - s), dot + 1);
        if (!a)
            return tpl_nomem(c);
    } else {
        if (!tpl_need_args(c, arg, 2, 2, "Fn::GetAtt", e))
            return NULL;
        a = tpl_resolve_args(c, arg);
        if (!a)
            return NULL;
    }
    json_t *res = json_array_get(a, 0), *att = json_array_get(a, 1);
    json_t *r;
    const char *sam = json_string_value(json_object_get(c->sam_refs, json_string_value(res)));
    if (sam && json_array_set_new(a, 0, json_string(sam)) != 0) {
        json_decref(a);
        return tpl_nomem(c);
    }
    res = json_array_get(a, 0);
    if (json_is_string(res) && c->resources && !c->open_names &&
        !json_object_get(c->resources, json_string_value(res))) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::GetAtt of '%s', which is not a resource of this "
                "template", json_string_value(res));
        json_decref(a);
        return NULL;
    }
    if (!json_is_string(res) || !json_object_get(c->resources, json_string_value(res))) {
        r = tpl_unknownf(c, NULL, "Fn::GetAtt of a resource not in this template");
    } else if (pp_is_unknown(att)) {
        r = tpl_unknownf(c, NULL, "Fn::GetAtt attribute known only at deploy time");
    } else {
        r = json_pack("{sO}", "Fn::GetAtt", a);
    }
    json_decref(a);
    return r ? r : tpl_nomem(c);
}

static json_t *resolve_if(rctx *c, json_t *arg, edge e)
{
    if (!tpl_need_args(c, arg, 3, 3, "Fn::If", e))
        return NULL;
    json_t *cn = json_array_get(arg, 0);
    if (!json_is_string(cn)) {
        tpl_fail_at(c, (edge){arg, NULL, 0}, PP_E_TEMPLATE, "Fn::If expects a condition name first");
        return NULL;
    }
    json_t *cv = tpl_cond_value(c, json_string_value(cn), (edge){arg, NULL, 0});
    if (!cv)
        return NULL;
    int b = pp_value_bool(cv);
    json_decref(cv);
    if (b >= 0)
        return tpl_resolve(c, json_array_get(arg, b ? 1 : 2), (edge){arg, NULL, b ? 1u : 2u});
    json_t *t = tpl_resolve(c, json_array_get(arg, 1), (edge){arg, NULL, 1});
    json_t *f = t ? tpl_resolve(c, json_array_get(arg, 2), (edge){arg, NULL, 2}) : NULL;
    if (!f) {
        json_decref(t);
        return NULL;
    }
    json_t *cands = json_array();
    if (!cands) {
        json_decref(t);
        json_decref(f);
        return tpl_nomem(c);
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
                return tpl_nomem(c);
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
    return tpl_unknownf(c, cands, "Fn::If on condition '%s', which depends on an unresolved value",
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

json_t *tpl_resolve_intrinsic(rctx *c, const char *k, json_t *arg, edge e)
{
    if (strcmp(k, "Ref") == 0)
        return resolve_ref(c, arg, e);
    if (strcmp(k, "Condition") == 0) {
        if (!json_is_string(arg)) {
            tpl_fail_at(c, e, PP_E_TEMPLATE, "Condition expects a condition name");
            return NULL;
        }
        return tpl_cond_value(c, json_string_value(arg), e);
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
            if (!tpl_need_args(c, arg, 1, 2, "Fn::Sub", e))
                return NULL;
            ra = tpl_resolve_args(c, arg);
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
        return tpl_resolve(c, arg, e);  /* rules read the text, not its encoding */
    if (strcmp(k, "Fn::ImportValue") == 0 || strcmp(k, "Fn::GetStackOutput") == 0) {
        json_t *nm = tpl_resolve(c, arg, e);
        if (!nm)
            return NULL;
        json_t *u = json_is_string(nm)
                        ? tpl_unknownf(c, NULL, "%s '%s' is known only at deploy time", k,
                                       json_string_value(nm))
                        : tpl_unknownf(c, NULL, "%s is known only at deploy time", k);
        json_decref(nm);
        return u;
    }
    if (strcmp(k, "Fn::GetAZs") == 0 || strcmp(k, "Fn::Cidr") == 0 ||
        strcmp(k, "Fn::Transform") == 0)
        return tpl_unknownf(c, NULL, "%s is evaluated only at deploy time", k);
    if (strcmp(k, "Fn::Length") == 0)
        return tpl_fn_length(c, arg, e);
    if (strcmp(k, "Fn::ToJsonString") == 0)
        return tpl_fn_to_json_string(c, arg, e);
    if (strncmp(k, "Fn::ForEach", 11) == 0) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::ForEach may stand only in Conditions, Resources "
                    "and Outputs");
        return NULL;
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(LIFTED); i++) {
        const fn_spec *f = &LIFTED[i];
        if (strcmp(k, f->name) != 0)
            continue;
        if (!tpl_need_args(c, arg, f->lo, f->hi, f->name, e))
            return NULL;
        json_t *ra = tpl_resolve_args(c, arg);
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
    tpl_fail_at(c, e, PP_E_TEMPLATE, "unknown intrinsic function '%s'", k);
    return NULL;
}

