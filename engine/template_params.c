/* template_params.c — the values a template's intrinsics read besides its resources: the
 * Parameters section (values from the command line, defaults, unknowns for the rest, SSM
 * parameters unknown until deploy time), pseudo parameters (AWS::Region, AWS::StackId, …)
 * and the Conditions, each evaluated once.
 *
 * Data flow: pp_template_build (template.c) calls tpl_build_params before expanding the
 * sections; Ref (template_fn.c) reads c->params and tpl_pseudo_get; Fn::If, Condition keys
 * and resource conditions call tpl_cond_value.
 */
#include "engine/template_int.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/value.h"

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

/* The parameter types CloudFormation accepts. The AWS-specific ones (AWS::EC2::VPC::Id,
 * AWS::SSM::Parameter::Value<…>, List<AWS::EC2::Subnet::Id>) are a list that grows with the
 * services, so any AWS:: name passes: a typo there is left to the deploy. */
static int known_param_type(const char *t)
{
    if (strcmp(t, "String") == 0 || strcmp(t, "Number") == 0 ||
        strcmp(t, "CommaDelimitedList") == 0 || strcmp(t, "List<Number>") == 0 ||
        strcmp(t, "List<String>") == 0)
        return 1;
    if (strncmp(t, "List<", 5) == 0)
        t += 5;
    return strncmp(t, "AWS::", 5) == 0;
}

/* See template_int.h. */
int tpl_build_params(rctx *c, json_t *root)
{
    json_t *decl = json_object_get(root, "Parameters");
    if (decl && !json_is_object(decl) && !json_is_null(decl)) {   /* "Parameters:" alone: none */
        tpl_fail_at(c, (edge){root, "Parameters", 0}, PP_E_TEMPLATE,
                "expected 'Parameters' to be a map of parameter declarations");
        return -1;
    }
    const char *name;
    json_t *d;
    json_object_foreach(decl, name, d) {
        if (!json_is_object(d)) {
            tpl_fail_at(c, (edge){decl, name, 0}, PP_E_TEMPLATE,
                    "expected parameter '%s' to be a map with a Type", name);
            return -1;
        }
        const char *type = json_string_value(json_object_get(d, "Type"));
        if (!type) {
            /* CloudFormation refuses it: "Every Parameters object must contain a Type member" */
            tpl_fail_at(c, (edge){decl, name, 0}, PP_E_TEMPLATE,
                    "expected parameter '%s' to have a 'Type' (String, Number, "
                    "CommaDelimitedList, List<…> or an AWS-specific type)", name);
            return -1;
        }
        if (!known_param_type(type)) {
            tpl_fail_at(c, (edge){d, "Type", 0}, PP_E_TEMPLATE,
                    "parameter '%s' has Type '%s'; expected String, Number, List<Number>, "
                    "CommaDelimitedList or an AWS-specific type (AWS::…, List<AWS::…>)", name,
                    type);
            return -1;
        }
        const char *given = NULL;
        for (size_t i = 0; i < c->o->nparams; i++)
            if (strcmp(c->o->params[i].key, name) == 0)
                given = c->o->params[i].value;
        json_t *v = NULL;
        if (given) {
            v = param_from_string(type, given);
        } else if (type && strncmp(type, "AWS::SSM::Parameter::Value<", 27) == 0) {
            v = tpl_unknownf(c, NULL, "parameter '%s' is read from SSM at deploy time", name);
        } else if (json_object_get(d, "Default")) {
            json_t *def = json_object_get(d, "Default");
            char *s = pp_value_str(def);
            v = s ? param_from_string(type, s) : tpl_is_scalar(def) ? NULL : json_incref(def);
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
                        bad = tpl_append_new(c, cands, param_from_string(type, s)) != 0;
                    else
                        bad = tpl_is_scalar(av);
                    free(s);
                }
            }
            if (bad)
                json_decref(cands);
            else
                v = tpl_unknownf(c, cands, "parameter '%s' has no value (pass --param %s=VALUE)",
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
        tpl_nomem(c);
    return bad ? -1 : 0;
}

/* The pseudo parameter name (borrowed), or NULL: none by that name, or NOMEM (c->st set).
 * Most templates name none, and a hook request's one resource rarely does: the table is
 * built when the first AWS:: name is looked up. */
json_t *tpl_pseudo_get(rctx *c, const char *name)
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

/* ---- conditions --------------------------------------------------------------------- */

/* See template_int.h. */
json_t *tpl_cond_value(rctx *c, const char *name, edge e)
{
    json_t *done = json_object_get(c->conds, name);
    if (done)
        return json_incref(done);
    json_t *raw = c->cond_raw ? json_object_get(c->cond_raw, name) : NULL;
    if (!raw) {
        tpl_fail_at(c, e, PP_E_TEMPLATE, "condition '%s' is not defined in Conditions", name);
        return NULL;
    }
    if (json_object_get(c->cond_busy, name)) {
        tpl_fail_at(c, e, PP_E_CYCLE, "condition '%s' depends on itself", name);
        return NULL;
    }
    if (json_object_set_new(c->cond_busy, name, json_true()) != 0)
        return tpl_nomem(c);
    edge ce = {c->cond_raw, name, 0};
    json_t *v = tpl_resolve(c, raw, ce);
    json_object_del(c->cond_busy, name);
    if (!v)
        return NULL;
    int b = pp_value_bool(v);
    if (b >= 0) {
        json_decref(v);
        v = json_boolean(b);
    } else if (!pp_is_unknown(v)) {
        json_decref(v);
        tpl_fail_at(c, ce, PP_E_TEMPLATE, "condition '%s' must evaluate to a boolean", name);
        return NULL;
    }
    if (json_object_set(c->conds, name, v) != 0) {
        json_decref(v);
        return tpl_nomem(c);
    }
    return v;
}
