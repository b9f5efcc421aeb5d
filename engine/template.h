/* template.h — the template model: a CloudFormation template with parameters, pseudo
 * parameters, conditions and intrinsics resolved as far as they can be.
 *
 * Data flow: pp_doc (doc.h) → pp_template_build → pp_template → rules (eval.h).
 * Unresolvable values become unknowns (value.h) carrying candidates when known; a resource
 * whose Condition is false is dropped (kept in the list with `active` = 0); one whose
 * Condition is unknown is kept with `cond_unknown` = 1.
 *
 * Accepted documents: a CloudFormation template (object with "Resources"), a CDK synth output
 * (same), and the hook resource document {"AWS::X::Y": {"resourceProperties": {…}}}
 * (one resource, logical id "Resource", unless the caller names one).
 */
#ifndef PP_TEMPLATE_H
#define PP_TEMPLATE_H

#include <jansson.h>

#include "engine/doc.h"
#include "engine/base/limits.h"
#include "engine/base/status.h"

typedef struct pp_param_kv {
    char *key;
    char *value;
} pp_param_kv;

/* Resolution inputs. All strings borrowed for the duration of pp_template_build. */
typedef struct pp_resolve_opts {
    const char *region;       /* default "us-east-1" */
    const char *account_id;   /* default "123456789012" */
    const char *stack_name;   /* default "parapet-check" */
    const char *partition;    /* default derived from region (aws, aws-cn, aws-us-gov) */
    const pp_param_kv *params;/* --param and --params-file values, later entries win */
    size_t nparams;
    const pp_limits *limits;
} pp_resolve_opts;

typedef struct pp_resource {
    char *logical_id;
    char *type;
    json_t *properties;  /* resolved; owned; an object (empty when absent), or an unknown when
                            the whole map depends on one (Properties: !If [C, {…}, {…}]) */
    json_t *raw;         /* the resource as written (borrowed from the doc) */
    json_t *raw_props;   /* its Properties (hook doc: resourceProperties) as written, borrowed;
                            NULL when the key is absent */
    json_t *metadata;    /* borrowed from raw, may be NULL */
    char *condition;     /* name of its Condition, or NULL */
    char *cdk_path;      /* Metadata."aws:cdk:path", or NULL */
    char *src_ptr;       /* JSON pointer of the resource in the doc: "/Resources/Id" */
    char *props_ptr;     /* JSON pointer of its properties in the doc */
    int active;          /* 0: Condition is false, not evaluated */
    int cond_unknown;    /* 1: Condition could not be decided */
} pp_resource;

typedef struct pp_template {
    const pp_doc *doc;   /* borrowed */
    pp_resource *res;    /* array, document order */
    size_t nres;
    json_t *conditions;  /* name → true | false | unknown (owned) */
    json_t *params;      /* name → resolved value or unknown (owned) */
    int is_hook_doc;     /* built from {"Type": {"resourceProperties": …}} */
    /* Indexes into res, built once by pp_template_build so that rules looking resources up by
     * id or type (ctx.resource, ctx.resources, ctx.referrers) do not scan the whole template on
     * every call: by_id sorted by logical id, by_type by (type, document order). Either may be
     * NULL (out of memory while building): lookups then scan res as before. */
    size_t *by_id;
    size_t *by_type;
    /* Who refers to whom: nrefs pairs (ref_to[k], ref_from[k]), sorted by target then by
     * document order of the referrer, one pair per (target, referrer) however many times the
     * referrer names it: resource ref_from[k]'s properties hold a {Ref} or {Fn::GetAtt} naming
     * resource ref_to[k] (within 64 levels). NULL with the others when building failed. */
    size_t *ref_to, *ref_from;
    size_t nrefs;
    json_t *expanded;    /* sections made by Fn::ForEach expansion, which the resources'
                            raw values point into (owned; NULL when none) */
    char **warnings;     /* what the report should say about the template itself, e.g. a
                            loop over a collection known only at deploy time (owned) */
    size_t nwarnings;
} pp_template;

/* Builds the model. Returns NULL with *err ("NAME:LINE:COL: message") and *st on input
 * errors (PP_E_TEMPLATE: root not an object, Resources not a map, resource without Type,
 * wrong arity of an intrinsic; PP_E_CYCLE: condition cycle; PP_E_LIMIT). Caller frees with
 * pp_template_free; the doc must outlive the template. */
pp_template *pp_template_build(const pp_doc *doc, const pp_resolve_opts *opts, pp_status *st,
                               char **err);
void pp_template_free(pp_template *t);

/* Index of the resource with that logical id, or -1. */
long pp_template_find(const pp_template *t, const char *logical_id);

/* The resources of exactly this type, in document order: *idx receives an array of *n indexes
 * into t->res (borrowed from t). Returns 0 when t has no type index (the caller scans), 1
 * otherwise (*n may be 0). */
int pp_template_of_type(const pp_template *t, const char *type, const size_t **idx, size_t *n);

/* The resources whose properties refer to resource `target` (an index into t->res), in
 * document order: *from receives *n indexes (borrowed from t). Returns 0 when t has no
 * reference index (the caller scans), 1 otherwise. */
int pp_template_referrers(const pp_template *t, size_t target, const size_t **from, size_t *n);

#endif
