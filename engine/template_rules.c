/* template_rules.c — the Rules section: each rule's RuleCondition and Assertions evaluated
 * where the parameter values decide them, as CloudFormation does before it creates anything.
 *
 * Data flow: pp_template_build (template.c) calls tpl_check_rules once the parameters are
 * known. A rule whose condition holds (or that has none) and one of whose assertions is
 * false makes CloudFormation refuse the parameter values: when a value given on the command
 * line (--param, --params-file) takes part, that is an input error naming the assertion's
 * line and its AssertDescription; when only defaults do, a warning (the deploy may pass other
 * values). Nothing here refuses a template for its shape: a function Parapet cannot decide
 * (Fn::ValueOf, Fn::RefAll, Fn::ValueOfAll read the account) or a malformed one leaves the
 * assertion undecided.
 *
 * The rule functions, as CloudFormation defines them: Fn::And, Fn::Or, Fn::Not, Fn::Equals,
 * Fn::Contains [list, string] (string is in list), Fn::EachMemberEquals [list, string] (every
 * member is string), Fn::EachMemberIn [list, list2] (every member is in list2), and Ref to a
 * parameter. Bounded: RULES_MAX_DEPTH levels of nesting, and every value goes through
 * tpl_resolve's step limit.
 */
#include "engine/template_int.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/value.h"

#define RULES_MAX_DEPTH 64

enum { R_FALSE = 0, R_TRUE = 1, R_UNDECIDED = -1, R_FAIL = -2 };

/* The value of a rule-function argument: a new reference, an opaque unknown for what reads
 * the account, or NULL with c->st (an error of the template's was already recorded). */
static json_t *rule_value(rctx *c, json_t *v, size_t depth)
{
    if (depth > RULES_MAX_DEPTH)
        return tpl_unknownf(c, NULL, "rule nested too deep");
    if (json_is_object(v) && json_object_size(v) == 1) {
        const char *k = json_object_iter_key(json_object_iter(v));
        if (strcmp(k, "Fn::ValueOf") == 0 || strcmp(k, "Fn::ValueOfAll") == 0 ||
            strcmp(k, "Fn::RefAll") == 0)
            return tpl_unknownf(c, NULL, "%s reads the account at deploy time", k);
        if (strcmp(k, "Ref") == 0 && json_is_string(json_object_get(v, k))) {
            const char *n = json_string_value(json_object_get(v, k));
            json_t *p = json_object_get(c->params, n);
            if (!p)
                p = tpl_pseudo_get(c, n);
            return p ? json_incref(p) : tpl_unknownf(c, NULL, "Ref to '%s' in a rule", n);
        }
    }
    if (json_is_array(v)) {
        json_t *out = json_array();
        for (size_t i = 0; out && i < json_array_size(v); i++) {
            json_t *x = rule_value(c, json_array_get(v, i), depth + 1);
            if (!x || tpl_append_new(c, out, x)) {
                json_decref(out);
                return NULL;
            }
        }
        return out ? out : tpl_nomem(c);
    }
    if (json_is_object(v))
        return tpl_unknownf(c, NULL, "a rule value Parapet does not evaluate");
    return json_incref(v);
}

/* Is v a list of scalars? */
static int known_list(const json_t *v)
{
    if (!json_is_array(v))
        return 0;
    for (size_t i = 0; i < json_array_size(v); i++)
        if (!tpl_is_scalar(json_array_get(v, i)))
            return 0;
    return 1;
}

static int in_list(const json_t *x, const json_t *list)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (pp_value_equal(x, json_array_get(list, i)))
            return 1;
    return 0;
}

/* A rule condition or assertion: R_TRUE, R_FALSE, R_UNDECIDED, or R_FAIL (c->st set). */
static int rule_eval(rctx *c, json_t *v, size_t depth)
{
    if (depth > RULES_MAX_DEPTH || !json_is_object(v) || json_object_size(v) != 1)
        return json_is_boolean(v) ? json_is_true(v) : R_UNDECIDED;
    const char *k = json_object_iter_key(json_object_iter(v));
    json_t *a = json_object_get(v, k);
    edge ae = {v, k, 0};
    if (strcmp(k, "Fn::And") == 0 || strcmp(k, "Fn::Or") == 0) {
        int is_and = k[3] == 'A', undecided = 0;
        for (size_t i = 0; i < json_array_size(a); i++) {
            int r = rule_eval(c, json_array_get(a, i), depth + 1);
            if (r == R_FAIL)
                return R_FAIL;
            if (r == R_UNDECIDED)
                undecided = 1;
            else if (r == !is_and)
                return r;   /* decided by this operand */
        }
        return json_is_array(a) && !undecided ? is_and : R_UNDECIDED;
    }
    if (strcmp(k, "Fn::Not") == 0) {
        if (!json_is_array(a) || json_array_size(a) != 1)
            return R_UNDECIDED;
        int r = rule_eval(c, json_array_get(a, 0), depth + 1);
        return r < 0 ? r : !r;
    }
    if (strcmp(k, "Condition") == 0 && json_is_string(a)) {
        json_t *cv = tpl_cond_value(c, json_string_value(a), ae);
        int b = cv ? pp_value_bool(cv) : R_FAIL;
        json_decref(cv);
        return b == R_FAIL ? R_FAIL : b < 0 ? R_UNDECIDED : b;
    }
    static const char *const PAIRS[] = {"Fn::Equals", "Fn::Contains", "Fn::EachMemberEquals",
                                        "Fn::EachMemberIn"};
    size_t which = 0;
    while (which < PP_ARRAY_LEN(PAIRS) && strcmp(k, PAIRS[which]) != 0)
        which++;
    if (which == PP_ARRAY_LEN(PAIRS) || !json_is_array(a) || json_array_size(a) != 2)
        return R_UNDECIDED;
    json_t *args = rule_value(c, a, depth + 1);
    if (!args)
        return R_FAIL;
    json_t *x = json_array_get(args, 0), *y = json_array_get(args, 1);
    int r = R_UNDECIDED;
    if (!pp_is_unknown(x) && !pp_is_unknown(y)) {
        switch (which) {
        case 0:
            if (tpl_is_scalar(x) && tpl_is_scalar(y))
                r = pp_value_equal(x, y);
            else if (!json_is_object(x) && !json_is_object(y))
                r = json_equal(x, y);
            break;
        case 1:
            if (known_list(x) && tpl_is_scalar(y))
                r = in_list(y, x);
            break;
        case 2:
            if (known_list(x) && tpl_is_scalar(y)) {
                r = R_TRUE;
                for (size_t i = 0; i < json_array_size(x) && r; i++)
                    r = pp_value_equal(json_array_get(x, i), y);
            }
            break;
        default:
            if (known_list(x) && known_list(y)) {
                r = R_TRUE;
                for (size_t i = 0; i < json_array_size(x) && r; i++)
                    r = in_list(json_array_get(x, i), y);
            }
            break;
        }
    }
    json_decref(args);
    return r;
}

/* Does v name (Ref) a parameter given on the command line? */
static int reads_given(rctx *c, const json_t *v, size_t depth)
{
    if (depth > RULES_MAX_DEPTH)
        return 0;
    if (json_is_object(v)) {
        const char *r = json_string_value(json_object_get(v, "Ref"));
        for (size_t i = 0; r && i < c->o->nparams; i++)
            if (strcmp(c->o->params[i].key, r) == 0)
                return 1;
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) if (reads_given(c, x, depth + 1)) return 1;
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (reads_given(c, json_array_get(v, i), depth + 1))
                return 1;
    }
    return 0;
}

/* See template_int.h. */
int tpl_check_rules(rctx *c, pp_template *t, json_t *root)
{
    json_t *rules = json_object_get(root, "Rules");
    if (!json_is_object(rules))
        return 0;   /* a Rules section of another shape is CloudFormation's to refuse */
    const char *name;
    json_t *rule;
    json_object_foreach(rules, name, rule) {
        if (!json_is_object(rule))
            continue;
        json_t *rc = json_object_get(rule, "RuleCondition");
        int applies = rc ? rule_eval(c, rc, 0) : R_TRUE;
        if (applies == R_FAIL)
            return -1;
        if (applies != R_TRUE)
            continue;
        json_t *as = json_object_get(rule, "Assertions");
        for (size_t i = 0; i < json_array_size(as); i++) {
            json_t *one = json_array_get(as, i);
            json_t *assert_ = json_object_get(one, "Assert");
            if (!assert_)
                continue;
            int r = rule_eval(c, assert_, 0);
            if (r == R_FAIL)
                return -1;
            if (r != R_FALSE)
                continue;
            const char *desc = json_string_value(json_object_get(one, "AssertDescription"));
            if (reads_given(c, assert_, 0) || (rc && reads_given(c, rc, 0))) {
                tpl_fail_at(c, (edge){one, "Assert", 0}, PP_E_TEMPLATE,
                            "rule '%s' refuses these parameter values: %s", name,
                            desc ? desc : "its assertion is false");
                return -1;
            }
            char *w = pp_asprintf("%s: with the parameters' default values, rule '%s' refuses "
                                  "the deployment: %s", c->doc->name, name,
                                  desc ? desc : "its assertion is false");
            if (tpl_warn(c, t, w))
                return -1;
        }
    }
    return 0;
}
