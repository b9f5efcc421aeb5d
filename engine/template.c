/* template.c — builds the template model (see template.h): the walk that resolves values as
 * far as the template allows, and the steps of pp_template_build (sections, resources). The
 * parameters, pseudo parameters and conditions are template_params.c's, the intrinsic
 * functions and their lifting template_fn.c's, the model's lookups template_model.c's.
 *
 * Data flow: pp_doc → here → pp_template → eval.c. Resolution walks the document's values
 * and returns new references; a subtree without intrinsics is shared (json_incref), not
 * copied. What cannot be resolved becomes an unknown (value.h). When an intrinsic's argument
 * is an unknown with candidates, the intrinsic is "lifted": evaluated once per combination of
 * candidates (at most limits->max_candidates), giving an unknown whose candidates are the
 * results. An opaque argument makes the result opaque.
 */
#include "engine/template_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/value.h"


void tpl_fail_at(rctx *c, edge e, pp_status st, const char *fmt, ...)
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
    /* a value made by Fn::ForEach has no edge of its own: name the line of its resource */
    if (!found && c->at_ptr)
        found = pp_doc_pos(c->doc, c->at_ptr, &p) >= 0;
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
json_t *tpl_nomem(rctx *c)
{
    if (!c->st)
        c->st = PP_E_NOMEM;
    return NULL;
}

/* A new unknown with a printf-formatted reason; `cands` (NULL: none) is stolen, even on
 * failure. NULL with c->st on NOMEM. */
json_t *tpl_unknownf(rctx *c, json_t *cands, const char *fmt, ...)
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
    return u ? u : tpl_nomem(c);
}

/* Appends v (a new reference, stolen even on failure) to arr; -1 with c->st on NOMEM. */
int tpl_append_new(rctx *c, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0) {
        tpl_nomem(c);
        return -1;
    }
    return 0;
}

static int is_intrinsic_key(const char *k)
{
    return strncmp(k, "Fn::", 4) == 0 || strcmp(k, "Ref") == 0 || strcmp(k, "Condition") == 0;
}


/* ---- intrinsics ----------------------------------------------------------------------- */

json_t *tpl_need_args(rctx *c, json_t *args, size_t lo, size_t hi, const char *fn, edge e)
{
    if (!json_is_array(args) || json_array_size(args) < lo || json_array_size(args) > hi) {
        if (lo == hi)
            tpl_fail_at(c, e, PP_E_TEMPLATE, "%s expects a list of %zu arguments", fn, lo);
        else
            tpl_fail_at(c, e, PP_E_TEMPLATE, "%s expects a list of %zu to %zu arguments", fn, lo,
                    hi);
        return NULL;
    }
    return args;
}

/* Resolves every element of a literal argument list. Returns a new array or NULL. */
json_t *tpl_resolve_args(rctx *c, json_t *args)
{
    json_t *out = json_array();
    if (!out)
        return tpl_nomem(c);
    for (size_t i = 0; i < json_array_size(args); i++) {
        edge e = {args, NULL, i};
        json_t *r = tpl_resolve(c, json_array_get(args, i), e);
        if (!r || tpl_append_new(c, out, r) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

/* See template_int.h. */
json_t *tpl_obj_copy(const json_t *o)
{
    json_t *p = json_object();
    const char *k;
    json_t *v;
    if (p && json_is_object(o)) {
        json_object_foreach((json_t *)o, k, v) if (json_object_set(p, k, v)) {
            json_decref(p);
            return NULL;
        }
    }
    return p;
}

/* Returns a new reference to the resolved value, or NULL with c->err / c->st set. A
 * pp_novalue marker means "remove this key/element". */
json_t *tpl_resolve(rctx *c, json_t *v, edge e)
{
    if (++c->steps > c->lim->max_resolve_steps) {
        tpl_fail_at(c, e, PP_E_LIMIT, "template needs more than %zu resolution steps",
                c->lim->max_resolve_steps);
        return NULL;
    }
    if (json_is_object(v)) {
        if (c->depth >= c->lim->max_depth) {
            tpl_fail_at(c, e, PP_E_LIMIT, "values nested deeper than %zu", c->lim->max_depth);
            return NULL;
        }
        if (json_object_size(v) == 1) {
            const char *k = json_object_iter_key(json_object_iter(v));
            /* {"Condition": {...}} inside an IAM statement is data, not the intrinsic */
            if (is_intrinsic_key(k) &&
                (strcmp(k, "Condition") != 0 || json_is_string(json_object_get(v, k)))) {
                c->depth++;
                json_t *r = tpl_resolve_intrinsic(c, k, json_object_get(v, k), (edge){v, k, 0});
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
            json_t *r = tpl_resolve(c, x, (edge){v, k, 0});
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
                return tpl_nomem(c);
            }
            i++;
        }
        c->depth--;
        return out ? out : json_incref(v);
    }
    if (json_is_array(v)) {
        if (c->depth >= c->lim->max_depth) {
            tpl_fail_at(c, e, PP_E_LIMIT, "values nested deeper than %zu", c->lim->max_depth);
            return NULL;
        }
        json_t *out = NULL;
        c->depth++;
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *x = json_array_get(v, i);
            json_t *r = tpl_resolve(c, x, (edge){v, NULL, i});
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
                return tpl_nomem(c);
            }
        }
        c->depth--;
        return out ? out : json_incref(v);
    }
    return json_incref(v);
}

/* ---- building the model ------------------------------------------------------------- */

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
    c->at_ptr = r->src_ptr;
    if (!t->is_hook_doc && tpl_check_policies(c, raw) != 0)
        return -1;
    json_t *md = json_object_get(raw, "Metadata");
    r->metadata = json_is_object(md) ? md : NULL;
    const char *cdk = r->metadata ? json_string_value(json_object_get(md, "aws:cdk:path")) : NULL;
    if (cdk && !(r->cdk_path = pp_strdup(cdk))) {
        tpl_nomem(c);
        return -1;
    }
    json_t *cond = json_object_get(raw, "Condition");
    if (cond) {
        if (!json_is_string(cond)) {
            tpl_fail_at(c, (edge){raw, "Condition", 0}, PP_E_TEMPLATE,
                    "expected the resource Condition to be a condition name");
            return -1;
        }
        r->condition = pp_strdup(json_string_value(cond));
        if (!r->condition) {
            tpl_nomem(c);
            return -1;
        }
        json_t *cv = tpl_cond_value(c, r->condition, (edge){raw, "Condition", 0});
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
            tpl_fail_at(c, props_edge, PP_E_TEMPLATE, "expected 'Properties' of %s to be a map", id);
            return -1;
        }
    }
    json_t *rp = !r->active ? json_object() : props ? tpl_resolve(c, props, props_edge)
                                                     : json_object();
    if (rp && (!json_is_object(rp) || pp_is_novalue(rp))) {
        json_t *wrapped = json_object();
        json_decref(rp);
        rp = wrapped;
    }
    if (!rp) {
        tpl_nomem(c);   /* no-op when resolve recorded its error */
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
            tpl_nomem(c);
            return -1;
        }
        rp = nu;
    }
    r->properties = rp;
    return 0;
}

/* Fn::ForEach in Conditions, Resources and Outputs expanded (langext.c): *res becomes the
 * Resources CloudFormation would see and *rsrc (NULL when nothing was expanded) maps each of
 * its logical ids to the pointer of its template as written. What expansion made is kept in
 * t->expanded, where the resources' raw values point. 0, or -1 with c->st. */
static int expand_sections(rctx *c, pp_template *t, json_t *root, json_t **res, json_t **rsrc)
{
    static const char *const SEC[] = {"Conditions", "Resources", "Outputs"};
    t->expanded = json_object();
    if (!t->expanded)
        return tpl_nomem(c), -1;
    for (size_t i = 0; i < PP_ARRAY_LEN(SEC); i++) {
        json_t *out = NULL, *src = NULL;
        if (tpl_langext_expand(c, t, root, SEC[i], &out, &src))
            return -1;
        int bad = json_object_set_new(t->expanded, SEC[i], out ? out : json_null());
        if (src) {
            char *sk = pp_asprintf("%s sources", SEC[i]);
            bad |= !sk || json_object_set_new(t->expanded, sk, src);
            free(sk);
        }
        if (bad)
            return tpl_nomem(c), -1;
        if (i == 0 && out)
            c->cond_raw = out;
        if (i == 1) {
            *res = c->resources = out;
            *rsrc = src;
        }
    }
    return 0;
}

/* The top-level keys CloudFormation accepts ("Invalid template property or properties" for
 * any other), plus SAM's Globals under its transform. 0, or -1 with c->err. */
static int check_sections(rctx *c, json_t *root)
{
    static const char *const KNOWN[] = {"AWSTemplateFormatVersion", "Description", "Metadata",
                                        "Parameters", "Rules", "Mappings", "Conditions",
                                        "Transform", "Resources", "Outputs", "Hooks"};
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v) {
        int ok = 0;
        for (size_t i = 0; i < PP_ARRAY_LEN(KNOWN) && !ok; i++)
            ok = strcmp(k, KNOWN[i]) == 0;
        if (!ok && strcmp(k, "Globals") == 0)
            ok = tpl_has_transform(root, PP_SAM_TRANSFORM);
        if (!ok) {
            tpl_fail_at(c, (edge){root, k, 0}, PP_E_TEMPLATE,
                    "'%s' is not a template section; expected AWSTemplateFormatVersion, "
                    "Description, Metadata, Parameters, Rules, Mappings, Conditions, Transform, "
                    "Resources, Outputs or Hooks%s", k,
                    strcmp(k, "Globals") == 0 ? " (Globals needs 'Transform: "
                                                PP_SAM_TRANSFORM "')" : "");
            return -1;
        }
    }
    return 0;
}

/* A hook request's document ({"AWS::X::Y": {"resourceProperties": …}}): its one resource,
 * "Resource". 0, or -1 with c->st / c->err. */
static int build_hook_doc(rctx *c, pp_template *t, json_t *root)
{
    const char *type = json_object_iter_key(json_object_iter(root));
    json_t *body = json_object_get(root, type);
    json_t *props = json_object_get(body, "resourceProperties");
    t->res = calloc(1, sizeof *t->res);
    t->is_hook_doc = 1;
    char *sp = pp_ptr_join("", type);
    char *pp = sp ? pp_ptr_join(sp, "resourceProperties") : NULL;
    int rc = t->res && sp && pp
                 ? add_resource(c, t, "Resource", body, type, props, sp, pp,
                                (edge){body, "resourceProperties", 0})
                 : (c->st = PP_E_NOMEM, -1);
    free(sp);
    free(pp);
    return rc;
}

/* Everything the resources of a template resolve against, checked and built: the sections,
 * Parameters, Fn::ForEach and SAM expansion, every condition (so that cycles are reported even
 * when unused) and the Rules. *res receives the Resources to model, *rsrc where each of them
 * was written (NULL: where the document has it); both borrowed. 0, or -1 with c->st / c->err. */
static int prepare_sections(rctx *c, pp_template *t, json_t *root, json_t **res_out,
                            json_t **rsrc_out)
{
    json_t *res = json_object_get(root, "Resources");
    if (!res) {
        tpl_fail_at(c, (edge){NULL, "", 0}, PP_E_TEMPLATE,
                "expected a 'Resources' section (is this a CloudFormation template?)");
        return -1;
    }
    if (!json_is_object(res)) {
        tpl_fail_at(c, (edge){root, "Resources", 0}, PP_E_TEMPLATE,
                "expected 'Resources' to be a map of logical ids to resources");
        return -1;
    }
    if (check_sections(c, root))
        return -1;
    c->resources = res;
    c->mappings = json_object_get(root, "Mappings");
    c->cond_raw = json_object_get(root, "Conditions");
    if (json_is_null(c->cond_raw))
        c->cond_raw = NULL;   /* "Conditions:" with nothing under it: none */
    if (c->cond_raw && !json_is_object(c->cond_raw)) {
        tpl_fail_at(c, (edge){root, "Conditions", 0}, PP_E_TEMPLATE,
                "expected 'Conditions' to be a map");
        return -1;
    }
    if (tpl_build_params(c, root))
        return -1;
    json_t *rsrc = NULL;
    if (expand_sections(c, t, root, &res, &rsrc))
        return -1;
    if (tpl_sam_expand(c, t, root, &res, &rsrc))
        return -1;
    c->resources = res;
    const char *cn;
    json_t *cx;
    json_object_foreach(c->cond_raw, cn, cx) {
        json_t *v = tpl_cond_value(c, cn, (edge){c->cond_raw, cn, 0});
        if (!v)
            return -1;
        json_decref(v);
    }
    if (tpl_check_rules(c, t, root))
        return -1;
    *res_out = res;
    *rsrc_out = rsrc;
    return 0;
}

/* t->res: one entry per resource of res (prepare_sections' maps). 0, or -1 with c->st /
 * c->err. */
static int add_resources(rctx *c, pp_template *t, json_t *res, json_t *rsrc)
{
    t->res = calloc(json_object_size(res) ? json_object_size(res) : 1, sizeof *t->res);
    if (!t->res) {
        c->st = PP_E_NOMEM;
        return -1;
    }
    const char *id;
    json_t *raw;
    json_object_foreach(res, id, raw) {
        json_t *wv = json_object_get(rsrc, id);   /* see tpl_sam_expand */
        const char *written = json_string_value(json_is_array(wv) ? json_array_get(wv, 0)
                                                                  : wv);
        const char *pwritten = json_string_value(json_array_get(wv, 1));
        c->at_ptr = written;
        if (!json_is_object(raw)) {
            tpl_fail_at(c, (edge){res, id, 0}, PP_E_TEMPLATE,
                    "expected resource '%s' to be a map with a Type", id);
            return -1;
        }
        const char *type = json_string_value(json_object_get(raw, "Type"));
        if (!type) {
            tpl_fail_at(c, (edge){res, id, 0}, PP_E_TEMPLATE,
                    "expected resource '%s' to have a 'Type' string", id);
            return -1;
        }
        char *rp = written ? pp_strdup(written) : pp_ptr_join("/Resources", id);
        char *pp = !rp       ? NULL
                   : pwritten ? pp_strdup(pwritten)
                              : pp_ptr_join(rp, "Properties");
        int rc = rp && pp ? add_resource(c, t, id, raw, type,
                                         json_object_get(raw, "Properties"), rp, pp,
                                         (edge){raw, "Properties", 0})
                          : (c->st = PP_E_NOMEM, -1);
        free(rp);
        free(pp);
        if (rc)
            return -1;
    }
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
    c.t = t;
    json_t *root = doc->root;
    edge root_edge = {NULL, "", 0};
    if (!t || !c.params || !c.pseudo || !c.conds || !c.cond_busy) {
        tpl_nomem(&c);
        goto fail;
    }
    t->doc = doc;
    if (!json_is_object(root)) {
        tpl_fail_at(&c, root_edge, PP_E_TEMPLATE,
                "expected the template to be a map with a 'Resources' section");
        goto fail;
    }
    if (is_hook_shape(root)) {
        if (build_hook_doc(&c, t, root))
            goto fail;
    } else {
        json_t *res = NULL, *rsrc = NULL;
        if (prepare_sections(&c, t, root, &res, &rsrc) || add_resources(&c, t, res, rsrc))
            goto fail;
    }
    t->conditions = c.conds;
    t->params = c.params;
    tpl_build_indexes(t);
    json_decref(c.pseudo);
    json_decref(c.cond_busy);
    json_decref(c.missing);
    json_decref(c.sam_refs);
    free(c.miss_msg);
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
    json_decref(c.missing);
    json_decref(c.sam_refs);
    free(c.miss_msg);
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

