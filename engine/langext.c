/* langext.c — the AWS::LanguageExtensions transform: Fn::ForEach expanded in Conditions,
 * Resources (their properties included) and Outputs, Fn::Length, Fn::ToJsonString, and the
 * intrinsic DeletionPolicy / UpdateReplacePolicy check.
 *
 * Data flow: pp_template_build (template.c) calls tpl_langext_expand on each section before
 * anything else reads it, so every later step (Ref to a generated logical id, conditions,
 * the rules) sees the template CloudFormation's transform would produce. Expansion shares
 * what does not change (json_incref), like the resolver. An expanded key keeps the JSON
 * pointer of its template as written, so a finding on "BucketLogs" points at the lines of
 * the loop body under "Fn::ForEach::Buckets".
 *
 * What CloudFormation does, and so do we: "${Id}" and "&{Id}" in keys and in string values
 * are replaced by the collection item ("&{}" with its non-alphanumeric characters removed);
 * {"Ref": "Id"} becomes the item. The collection is a list, or an intrinsic that resolves to
 * one (a Ref to a CommaDelimitedList or List<> parameter). A collection known only at deploy
 * time (a list parameter without a value, an SSM list) cannot be listed: the loop then yields
 * one entry per key of its body, named as written ("Bucket${Name}"), whose values that use the
 * item are opaque unknowns; rules judge that entry for every resource the loop will make (a
 * rule that reads the item says UNKNOWN), and a warning says so.
 */
#include "engine/template_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/value.h"

#define LX_PREFIX "Fn::ForEach::"
#define LX_MAX_NEST 16         /* loops inside loops (CloudFormation allows 5) */
#define LX_MAX_MADE 100000     /* keys one template's loops may produce */

typedef struct lx_bind {
    const char *id;     /* borrowed from the document */
    json_t *val;        /* a string, or an opaque unknown (borrowed from the loop) */
} lx_bind;

typedef struct lx {
    rctx *c;
    pp_template *t;
    lx_bind b[LX_MAX_NEST];
    size_t nb;
    size_t made;
} lx;

static json_t *subst_val(lx *x, json_t *v, int *changed);

static int is_loop_key(const char *k)
{
    return strncmp(k, LX_PREFIX, strlen(LX_PREFIX)) == 0;
}

/* The bound item named by s[0..n), innermost loop first, or NULL. */
static const lx_bind *bound(const lx *x, const char *s, size_t n)
{
    for (size_t i = x->nb; i-- > 0;)
        if (strlen(x->b[i].id) == n && memcmp(x->b[i].id, s, n) == 0)
            return &x->b[i];
    return NULL;
}

/* s with every ${Id} / &{Id} of a bound Id replaced. Returns a new string reference, NULL
 * (c->st) on failure, or — when an item used is an unknown — a new reference to it. *changed
 * is set when something was replaced. */
static json_t *subst_str(lx *x, const char *s, int *changed)
{
    if (!strstr(s, "${") && !strstr(s, "&{")) {
        json_t *same = json_string(s);
        return same ? same : tpl_nomem(x->c);
    }
    pp_buf b;
    pp_buf_init(&b, x->c->lim->max_string_bytes);
    pp_status st = PP_OK;
    const char *p = s;
    while (*p && st == PP_OK) {
        const char *close = (p[0] == '$' || p[0] == '&') && p[1] == '{' ? strchr(p + 2, '}')
                                                                         : NULL;
        const lx_bind *bd = close ? bound(x, p + 2, (size_t)(close - p - 2)) : NULL;
        if (!bd) {
            st = pp_buf_append(&b, p, 1);
            p++;
            continue;
        }
        *changed = 1;
        if (!json_is_string(bd->val)) {
            pp_buf_free(&b);
            return json_incref(bd->val);
        }
        const char *v = json_string_value(bd->val);
        for (; *v && st == PP_OK; v++)
            if (p[0] == '$' || isalnum((unsigned char)*v))
                st = pp_buf_append(&b, v, 1);
        p = close + 1;
    }
    char *out = st == PP_OK ? pp_buf_steal(&b) : NULL;
    pp_buf_free(&b);
    if (!out) {
        if (st == PP_E_LIMIT) {
            tpl_fail_at(x->c, (edge){NULL, "", 0}, PP_E_LIMIT,
                        "Fn::ForEach: a substituted string exceeds the string limit");
            return NULL;
        }
        return tpl_nomem(x->c);
    }
    json_t *r = json_string(out);   /* valid UTF-8 with ASCII-delimited pieces replaced */
    free(out);
    return r ? r : tpl_nomem(x->c);
}

/* Adds key → val (stolen) to out, refusing a key made twice. A key left as written because
 * an item is unknown (`open`) stands for every key the loops will make: met again (an inner
 * loop over a known list inside an unknown one), it is the same entry, kept once. -1 on
 * failure. */
static int put_unique(lx *x, json_t *out, const char *key, json_t *val, const char *loop,
                      edge e, int open)
{
    if (open && json_object_get(out, key)) {
        json_decref(val);
        return 0;
    }
    if (json_object_get(out, key)) {
        json_decref(val);
        tpl_fail_at(x->c, e, PP_E_TEMPLATE, "%s makes the key '%s', which already exists", loop,
                    key);
        return -1;
    }
    if (++x->made > LX_MAX_MADE) {
        json_decref(val);
        tpl_fail_at(x->c, e, PP_E_LIMIT, "Fn::ForEach makes more than %d keys", LX_MAX_MADE);
        return -1;
    }
    if (json_object_set_new(out, key, val) != 0) {
        tpl_nomem(x->c);
        return -1;
    }
    return 0;
}

static int expand_map(lx *x, json_t *m, const char *ptr, json_t *out, json_t *src);

/* One loop, "Fn::ForEach::NAME": [Id, Collection, {OutputKey: OutputValue}], merged into
 * out. `ptr` is the loop's JSON pointer when src tracks where each key comes from. */
static int expand_loop(lx *x, json_t *parent, const char *key, const char *ptr, json_t *out,
                       json_t *src)
{
    rctx *c = x->c;
    json_t *a = json_object_get(parent, key);
    edge e = {parent, key, 0};
    const char *id = json_string_value(json_array_get(a, 0));
    json_t *body = json_array_get(a, 2);
    if (!json_is_array(a) || json_array_size(a) != 3 || !id || !*id || !json_is_object(body)) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "%s expects [Identifier, [Collection], {OutputKey: "
                    "OutputValue}]", key);
        return -1;
    }
    if (x->nb == LX_MAX_NEST) {
        tpl_fail_at(c, e, PP_E_LIMIT, "Fn::ForEach nested deeper than %d", LX_MAX_NEST);
        return -1;
    }
    int chg = 0;
    json_t *coll_raw = subst_val(x, json_array_get(a, 1), &chg);
    json_t *coll = coll_raw ? tpl_resolve(c, coll_raw, (edge){a, NULL, 1}) : NULL;
    json_decref(coll_raw);
    if (!coll)
        return -1;
    json_t *items = NULL;
    if (json_is_array(coll)) {
        items = json_array();
        for (size_t i = 0; items && i < json_array_size(coll); i++) {
            char *s = pp_value_str(json_array_get(coll, i));
            if (!s && tpl_is_scalar(json_array_get(coll, i))) {
                json_decref(items);
                items = NULL;
                break;
            }
            if (!s) {
                json_decref(items);
                json_decref(coll);
                tpl_fail_at(c, (edge){a, NULL, 1}, PP_E_TEMPLATE,
                            "%s: the collection must be a list of strings", key);
                return -1;
            }
            int bad = tpl_append_new(c, items, json_string(s));
            free(s);
            if (bad) {
                json_decref(items);
                json_decref(coll);
                return -1;
            }
        }
    } else if (pp_is_unknown(coll)) {
        /* candidates of a list-valued unknown would each be a list: not enumerated here */
        json_t *u = tpl_unknownf(c, NULL, "%s iterates over a collection known only at deploy "
                                 "time (%s)", key, pp_unknown_reason(coll));
        items = u ? json_pack("[o]", u) : NULL;
        c->open_names = 1;
        char *w = pp_asprintf("%s: %s: the collection is known only at deploy time (%s); its "
                              "keys are judged once each, as written, for every item",
                              c->doc->name, key, pp_unknown_reason(coll));
        if (items && tpl_warn(c, x->t, w) != 0) {
            json_decref(items);
            items = NULL;
        }
    } else {
        json_decref(coll);
        tpl_fail_at(c, (edge){a, NULL, 1}, PP_E_TEMPLATE, "%s: the collection must be a list",
                    key);
        return -1;
    }
    json_decref(coll);
    if (!items)
        return tpl_nomem(c), -1;
    char *bptr = ptr ? pp_ptr_join_idx(ptr, 2) : NULL;
    int rc = ptr && !bptr ? (tpl_nomem(c), -1) : 0;
    for (size_t i = 0; rc == 0 && i < json_array_size(items); i++) {
        x->b[x->nb] = (lx_bind){id, json_array_get(items, i)};
        x->nb++;
        rc = expand_map(x, body, bptr, out, src);
        x->nb--;
    }
    free(bptr);
    json_decref(items);
    return rc;
}

/* Every member of m, expanded, into out: loops merged, keys and values substituted. With
 * src, out's keys are logical names whose template pointer (under ptr) is recorded. */
static int expand_map(lx *x, json_t *m, const char *ptr, json_t *out, json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) {
        char *kp = ptr ? pp_ptr_join(ptr, k) : NULL;
        if (ptr && !kp)
            return tpl_nomem(x->c), -1;
        int rc;
        if (is_loop_key(k)) {
            rc = expand_loop(x, m, k, kp, out, src);
            free(kp);
            if (rc)
                return -1;
            continue;
        }
        int chg = 0;
        json_t *nk = x->nb ? subst_str(x, k, &chg) : json_string(k);
        json_t *nv = nk ? subst_val(x, v, &chg) : NULL;
        /* a key that uses an unknown item stays as written */
        const char *ks = json_is_string(nk) ? json_string_value(nk) : k;
        rc = nv ? put_unique(x, out, ks, nv, "Fn::ForEach", (edge){m, k, 0},
                             nk && !json_is_string(nk)) : -1;
        if (rc == 0 && src && kp && json_object_set_new(src, ks, json_string(kp)) != 0)
            rc = (tpl_nomem(x->c), -1);
        if (!nk || !nv)
            tpl_nomem(x->c);
        json_decref(nk);
        free(kp);
        if (rc)
            return -1;
    }
    return 0;
}

/* v with the bound items substituted and nested loops expanded: a new reference, v itself
 * (incref) when nothing changed. */
static json_t *subst_val(lx *x, json_t *v, int *changed)
{
    rctx *c = x->c;
    if (json_is_string(v) && x->nb) {
        int chg = 0;
        json_t *r = subst_str(x, json_string_value(v), &chg);
        if (r && !chg) {
            json_decref(r);
            return json_incref(v);
        }
        *changed |= chg;
        return r;
    }
    if (json_is_array(v)) {
        json_t *out = NULL;
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *e = json_array_get(v, i);
            int chg = 0;
            json_t *r = subst_val(x, e, &chg);
            if (!r) {
                json_decref(out);
                return NULL;
            }
            if (!out && r != e) {
                out = json_array();
                for (size_t j = 0; out && j < i; j++)
                    if (json_array_append(out, json_array_get(v, j)))
                        json_decref(out), out = NULL;
                if (!out) {
                    json_decref(r);
                    return tpl_nomem(c);
                }
            }
            if (out && tpl_append_new(c, out, r) != 0) {
                json_decref(out);
                return NULL;
            }
            if (!out)
                json_decref(r);
        }
        if (out)
            *changed = 1;
        return out ? out : json_incref(v);
    }
    if (!json_is_object(v))
        return json_incref(v);
    const char *k1 = json_object_size(v) == 1 ? json_object_iter_key(json_object_iter(v)) : NULL;
    json_t *a1 = k1 ? json_object_get(v, k1) : NULL;
    if (k1 && strcmp(k1, "Ref") == 0 && json_is_string(a1)) {
        const lx_bind *bd = bound(x, json_string_value(a1), strlen(json_string_value(a1)));
        if (bd) {
            *changed = 1;
            return json_incref(bd->val);
        }
    }
    int loops = 0, chg = 0;
    const char *k;
    json_t *e;
    json_object_foreach(v, k, e) loops |= is_loop_key(k);
    if (!loops && !x->nb)
        goto deep;   /* nothing bound, no loop here: look deeper only */
    json_t *out = json_object();
    if (!out)
        return tpl_nomem(c);
    if (expand_map(x, v, NULL, out, NULL) != 0) {
        json_decref(out);
        return NULL;
    }
    if (k1 && strcmp(k1, "Fn::Sub") == 0) {
        /* Fn::Sub over an unknown item: the whole string is unknown */
        json_t *s = json_object_get(out, "Fn::Sub");
        json_t *s0 = json_is_array(s) ? json_array_get(s, 0) : s;
        if (pp_is_unknown(s0)) {
            json_t *u = json_incref(s0);
            json_decref(out);
            *changed = 1;
            return u;
        }
    }
    *changed = 1;
    return out;
deep:;
    /* copy-on-write below: loops inside resource properties */
    json_t *cp = NULL;
    json_object_foreach(v, k, e) {
        json_t *r = subst_val(x, e, &chg);
        if (!r) {
            json_decref(cp);
            return NULL;
        }
        if (r != e && !cp && !(cp = tpl_obj_copy(v))) {
            json_decref(r);
            return tpl_nomem(c);
        }
        if (cp && json_object_set_new(cp, k, r) != 0) {
            json_decref(cp);
            return tpl_nomem(c);
        }
        if (!cp)
            json_decref(r);
    }
    if (cp)
        *changed = 1;
    return cp ? cp : json_incref(v);
}

/* Does any map under v have a Fn::ForEach:: key? */
static int has_loop(const json_t *v, size_t depth)
{
    if (depth > 512)
        return 0;   /* deeper than any loaded document can be */
    const char *k;
    json_t *e;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, e) if (is_loop_key(k) || has_loop(e, depth + 1))
            return 1;
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (has_loop(json_array_get(v, i), depth + 1))
                return 1;
    }
    return 0;
}

/* See template_int.h. */
int tpl_has_transform(const json_t *root, const char *name)
{
    const json_t *tr = json_object_get(root, "Transform");
    if (json_is_string(tr))
        return strcmp(json_string_value(tr), name) == 0;
    for (size_t i = 0; i < json_array_size(tr); i++)
        if (json_is_string(json_array_get(tr, i)) &&
            strcmp(json_string_value(json_array_get(tr, i)), name) == 0)
            return 1;
    return 0;
}

/* See template_int.h. */
int tpl_langext_expand(rctx *c, pp_template *t, json_t *root, const char *name, json_t **out,
                       json_t **src)
{
    json_t *sec = json_object_get(root, name);
    *out = NULL;
    *src = NULL;
    /* the document's maker may know there is no loop key anywhere (pp_doc.no_loop_keys) */
    int none = c->doc && c->doc->no_loop_keys && root == c->doc->root;
    if (!json_is_object(sec) || none || !has_loop(sec, 0)) {
        *out = json_incref(sec);
        return 0;
    }
    if (!tpl_has_transform(root, "AWS::LanguageExtensions")) {
        const char *k;
        json_t *e;
        json_object_foreach(sec, k, e) if (is_loop_key(k) || has_loop(e, 0)) break;
        tpl_fail_at(c, (edge){sec, k, 0}, PP_E_TEMPLATE, "Fn::ForEach needs 'Transform: "
                    "AWS::LanguageExtensions' in the template");
        return -1;
    }
    lx x = {.c = c, .t = t};
    char *ptr = pp_ptr_join("", name);
    json_t *o = json_object(), *s = json_object();
    int rc = ptr && o && s ? expand_map(&x, sec, ptr, o, s) : (tpl_nomem(c), -1);
    free(ptr);
    if (rc) {
        json_decref(o);
        json_decref(s);
        return -1;
    }
    *out = o;
    *src = s;
    return 0;
}

/* See template_int.h. */
int tpl_warn(rctx *c, pp_template *t, char *msg)
{
    char **nw = msg ? realloc(t->warnings, (t->nwarnings + 1) * sizeof *nw) : NULL;
    if (!nw) {
        free(msg);
        tpl_nomem(c);
        return -1;
    }
    t->warnings = nw;
    t->warnings[t->nwarnings++] = msg;
    return 0;
}

/* Does v hold a reference to a resource, or an unknown, anywhere? */
static int deploy_time(const json_t *v, size_t depth)
{
    if (depth > 512 || pp_is_unknown(v))
        return 1;
    const char *k;
    json_t *e;
    if (json_is_object(v)) {
        if (json_object_size(v) == 1 &&
            (json_object_get(v, "Ref") || json_object_get(v, "Fn::GetAtt")))
            return 1;
        json_object_foreach((json_t *)v, k, e) if (deploy_time(e, depth + 1)) return 1;
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (deploy_time(json_array_get(v, i), depth + 1))
                return 1;
    }
    return 0;
}

/* See template_int.h. Fn::Length: the number of elements of a list. */
json_t *tpl_fn_length(rctx *c, json_t *arg, edge e)
{
    json_t *v = tpl_resolve(c, arg, e);
    if (!v)
        return NULL;
    json_t *r;
    if (json_is_array(v))
        r = json_integer((json_int_t)json_array_size(v));
    else if (pp_is_unknown(v) || json_is_object(v))
        r = tpl_unknownf(c, NULL, "Fn::Length of a list known only at deploy time");
    else {
        json_decref(v);
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::Length expects a list");
        return NULL;
    }
    json_decref(v);
    return r ? r : tpl_nomem(c);
}

/* See template_int.h. Fn::ToJsonString: a map or list as compact JSON text. */
json_t *tpl_fn_to_json_string(rctx *c, json_t *arg, edge e)
{
    json_t *v = tpl_resolve(c, arg, e);
    if (!v)
        return NULL;
    json_t *r;
    if (!json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        tpl_fail_at(c, e, PP_E_TEMPLATE, "Fn::ToJsonString expects a map or a list");
        return NULL;
    }
    if (deploy_time(v, 0)) {
        r = tpl_unknownf(c, NULL, "Fn::ToJsonString of a value known only at deploy time");
    } else {
        char *s = pp_json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
        r = s ? json_string(s) : NULL;
        free(s);
    }
    json_decref(v);
    return r ? r : tpl_nomem(c);
}

/* See template_int.h. DeletionPolicy / UpdateReplacePolicy: a string CloudFormation knows,
 * or (under Language Extensions) an intrinsic that resolves to one. */
int tpl_check_policies(rctx *c, json_t *raw)
{
    static const char *const KEYS[] = {"DeletionPolicy", "UpdateReplacePolicy"};
    static const char *const OK[] = {"Delete", "Retain", "Snapshot", "RetainExceptOnCreate"};
    for (size_t i = 0; i < PP_ARRAY_LEN(KEYS); i++) {
        json_t *p = json_object_get(raw, KEYS[i]);
        if (!p)
            continue;
        edge e = {raw, KEYS[i], 0};
        json_t *v = tpl_resolve(c, p, e);
        if (!v)
            return -1;
        json_t *cands = pp_unknown_candidates(v);
        size_t n = cands ? json_array_size(cands) : 1;
        int bad = 0;
        for (size_t j = 0; j < n && !bad; j++) {
            json_t *x = cands ? json_array_get(cands, j) : v;
            if (pp_is_unknown(x))
                continue;
            const char *s = json_string_value(x);
            int known = 0;
            for (size_t q = 0; s && q < PP_ARRAY_LEN(OK); q++)
                known |= strcmp(s, OK[q]) == 0;
            bad = !known;
        }
        json_decref(v);
        if (bad) {
            tpl_fail_at(c, e, PP_E_TEMPLATE, "%s must be Delete, Retain, Snapshot or "
                        "RetainExceptOnCreate", KEYS[i]);
            return -1;
        }
    }
    return 0;
}
