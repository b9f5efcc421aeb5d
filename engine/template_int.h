/* template_int.h — private glue between the parts of the template resolver: template.c (the
 * walk and building the model), template_params.c (parameters, pseudo parameters, conditions),
 * template_model.c (freeing and querying the model, its indexes), template_fn.c (intrinsic
 * functions), langext.c (AWS::LanguageExtensions: Fn::ForEach, Fn::Length, Fn::ToJsonString),
 * sam.c (the SAM transform) and template_rules.c (the Rules section). Nothing outside
 * engine/template*.c, engine/langext.c and engine/sam.c includes it.
 *
 * Every function here that can fail returns NULL (or -1) with c->st set, and c->err when the
 * failure is the template's (first error wins); tpl_nomem records only the status.
 */
#ifndef PP_TEMPLATE_INT_H
#define PP_TEMPLATE_INT_H

#include <jansson.h>
#include <stddef.h>

#include "engine/template.h"

/* Resolution context. Invariant: err/st are set at most once (first error wins). */
typedef struct rctx {
    const pp_doc *doc;
    const pp_resolve_opts *o;
    const pp_limits *lim;
    json_t *params;      /* name → value or unknown */
    json_t *pseudo;      /* name → value; built on the first lookup of an AWS:: name */
    int pseudo_built;
    json_t *resources;   /* Resources as CloudFormation sees them: the document's, or the
                            Fn::ForEach expansion of it (borrowed) */
    json_t *mappings;    /* raw Mappings (borrowed, may be NULL) */
    json_t *cond_raw;    /* Conditions, expanded like resources (borrowed, may be NULL) */
    json_t *conds;       /* name → resolved true/false/unknown */
    json_t *cond_busy;   /* names being evaluated (cycle detection) */
    int open_names;      /* 1: a Fn::ForEach over an unknown collection made names nobody can
                            list, so a Ref to an unlisted name is an unknown, not an error */
    const char *at_ptr;  /* JSON pointer of the resource being resolved, for the position
                            of an error inside a value built by expansion (no edge of its own) */
    pp_template *t;      /* the model being built, for its warnings */
    json_t *sam_refs;    /* SAM's referable properties: "Fn.Alias" → "FnAliaslive", "Api.Stage",
                            "Fn.Version", "Api.Deployment" (owned; NULL without SAM) */
    /* Fn::FindInMap over one candidate of a parameter's AllowedValues: 1 while lift() calls
     * it, so that a missing entry drops that candidate (returning `missing`, with the reason
     * in miss_msg) instead of refusing the template. */
    int lift_may_miss;
    json_t *missing;     /* sentinel owned by the context, NULL until first needed */
    char *miss_msg;
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

void tpl_fail_at(rctx *c, edge e, pp_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
json_t *tpl_nomem(rctx *c);
/* A new unknown with a formatted reason; `cands` (NULL: none) is stolen, even on failure. */
json_t *tpl_unknownf(rctx *c, json_t *cands, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends v (a new reference, stolen even on failure) to arr; -1 on NOMEM. */
int tpl_append_new(rctx *c, json_t *arr, json_t *v);
int tpl_is_scalar(const json_t *v);
/* A shallow copy of the object o (not an object: an empty one), or NULL on NOMEM. Not
 * json_copy: jansson 2.14's copy ignores a failed insertion and returns a map with a key
 * missing (found by tests/unit/test_faults.c, build-sam). */
json_t *tpl_obj_copy(const json_t *o);
/* The resolved value of v (a new reference), or NULL. A pp_novalue means "drop this". */
json_t *tpl_resolve(rctx *c, json_t *v, edge e);
/* args when it is a list of lo..hi elements; else NULL with an arity error naming fn. */
json_t *tpl_need_args(rctx *c, json_t *args, size_t lo, size_t hi, const char *fn, edge e);
/* Every element of the literal list args resolved: a new array, or NULL. */
json_t *tpl_resolve_args(rctx *c, json_t *args);
/* The intrinsic {k: arg} resolved (template_fn.c): a new reference, or NULL. */
json_t *tpl_resolve_intrinsic(rctx *c, const char *k, json_t *arg, edge e);

/* template_params.c */
/* Fills c->params from the Parameters section of root and c->o's values: a value given, else
 * the Default, else an unknown (with the AllowedValues as candidates). 0, or -1 with c->st /
 * c->err naming the parameter. */
int tpl_build_params(rctx *c, json_t *root);
/* The pseudo parameter `name` (borrowed), or NULL. */
json_t *tpl_pseudo_get(rctx *c, const char *name);
/* The value (true/false/unknown, new reference) of condition `name`, or NULL. */
json_t *tpl_cond_value(rctx *c, const char *name, edge e);

/* template_model.c. Builds t->by_id, t->by_type and the reference index; on allocation
 * failure leaves them NULL (lookups scan). */
void tpl_build_indexes(pp_template *t);

/* langext.c. Fn::Length and Fn::ToJsonString on resolved arguments: new reference or NULL. */
json_t *tpl_fn_length(rctx *c, json_t *arg, edge e);
json_t *tpl_fn_to_json_string(rctx *c, json_t *arg, edge e);
/* Expands every Fn::ForEach::NAME key of the section `name` of root (Conditions, Resources,
 * Outputs) as CloudFormation's transform does. *out receives a new reference: the section
 * itself (incref) when it has no loop, else a new map whose values share what did not change.
 * *src receives a new map from each key of *out to the JSON pointer of its template as
 * written ("/Resources/Fn::ForEach::B/2/Bucket${N}"), or NULL when nothing was expanded. A
 * loop whose collection is unknown yields one entry standing for all of its keys (the key
 * as written) and adds a warning to t. Returns 0, or -1 with c->st. */
int tpl_langext_expand(rctx *c, pp_template *t, json_t *root, const char *name, json_t **out,
                       json_t **src);
/* Checks DeletionPolicy and UpdateReplacePolicy of the resource raw (resolved: Language
 * Extensions allow intrinsics there). 0, or -1 with c->err naming the policy. */
int tpl_check_policies(rctx *c, json_t *raw);
/* Is `name` among the template's transforms (Transform: a string or a list)? */
int tpl_has_transform(const json_t *root, const char *name);
#define PP_SAM_TRANSFORM "AWS::Serverless-2016-10-31"
/* template_rules.c. Evaluates the Rules section's assertions where the parameter values
 * decide them: -1 with c->err when one fails on a value given on the command line; a warning
 * in t when it fails on defaults only. */
int tpl_check_rules(rctx *c, pp_template *t, json_t *root);
/* sam.c. With 'Transform: AWS::Serverless-2016-10-31', replaces *res (the Resources after
 * Language Extensions) by the resources SAM generates and *rsrc (may be NULL) by a map from
 * each id to the JSON pointer of the template lines it comes from (a string), or to the pair
 * [resource pointer, properties pointer] when its properties come from elsewhere (a function
 * URL's from FunctionUrlConfig); both then belong to t->expanded. Without the transform nothing changes. 0, or -1 with c->st / c->err. */
int tpl_sam_expand(rctx *c, pp_template *t, json_t *root, json_t **res, json_t **rsrc);
/* Adds the message (owned, may be NULL for NOMEM) to t's warnings. -1 on NOMEM. */
int tpl_warn(rctx *c, pp_template *t, char *msg);

#endif
