/* value.c — unknowns, AWS::NoValue markers and CloudFormation's loose scalar typing
 * (see value.h). */
#include "engine/value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/base/util.h"

json_t *pp_unknown_new(const char *reason, json_t *candidates)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, PP_MARK, json_string("unknown")) ||
        json_object_set_new(o, "reason", json_string(reason ? reason : "unresolved value"))) {
        json_decref(o);
        json_decref(candidates);
        return NULL;
    }
    if (candidates && json_object_set_new(o, "candidates", candidates)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *pp_novalue_new(void)
{
    json_t *o = json_object();
    if (o && json_object_set_new(o, PP_MARK, json_string("novalue"))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int has_mark(const json_t *v, const char *kind)
{
    if (!json_is_object(v))
        return 0;
    const char *m = json_string_value(json_object_get(v, PP_MARK));
    return m && strcmp(m, kind) == 0;
}

int pp_is_unknown(const json_t *v) { return has_mark(v, "unknown"); }
int pp_is_novalue(const json_t *v) { return has_mark(v, "novalue"); }

json_t *pp_unknown_candidates(const json_t *v)
{
    if (!pp_is_unknown(v))
        return NULL;
    json_t *c = json_object_get(v, "candidates");
    return json_is_array(c) ? c : NULL;
}

const char *pp_unknown_reason(const json_t *v)
{
    if (!pp_is_unknown(v))
        return NULL;
    return json_string_value(json_object_get(v, "reason"));
}

int pp_value_bool(const json_t *v)
{
    if (json_is_true(v))
        return 1;
    if (json_is_false(v))
        return 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcasecmp(s, "true") == 0)
            return 1;
        if (strcasecmp(s, "false") == 0)
            return 0;
    }
    return -1;
}

int pp_value_int(const json_t *v, long long *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d == floor(d) && fabs(d) < 9.0e15) {
            *out = (long long)d;
            return 0;
        }
        return -1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!*s || isspace((unsigned char)*s))
            return -1;
        char *end = NULL;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (errno || *end)
            return -1;
        *out = x;
        return 0;
    }
    return -1;
}

char *pp_value_str(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return pp_strdup(json_string_value(v));
    case JSON_INTEGER:
        return pp_asprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        return pp_asprintf("%.17g", json_real_value(v));
    case JSON_TRUE:
        return pp_strdup("true");
    case JSON_FALSE:
        return pp_strdup("false");
    default:
        return NULL;
    }
}

/* The number a scalar denotes: a JSON number, or a string strtod reads whole. 1 when it
 * has one. Allocates nothing, so equality cannot fail for want of memory. */
static int value_num(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 1;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        if (!*s)
            return 0;
        *out = strtod(s, &end);
        return end && !*end;
    }
    return 0;
}

int pp_value_equal(const json_t *a, const json_t *b)
{
    if (!a || !b || pp_is_unknown(a) || pp_is_unknown(b))
        return 0;
    if (json_typeof(a) == json_typeof(b) && !json_is_number(a))
        return json_equal((json_t *)a, (json_t *)b);
    int ba = pp_value_bool(a), bb = pp_value_bool(b);
    if (ba >= 0 && bb >= 0)
        return ba == bb;
    if (json_is_number(a) || json_is_number(b)) {
        if (json_is_string(a) && json_is_string(b))
            return 0;
        long long ia, ib;
        if (pp_value_int(a, &ia) == 0 && pp_value_int(b, &ib) == 0)
            return ia == ib;
        /* a number against a number, or against a decimal string ("1.50" == 1.5) */
        double da, db;
        return value_num(a, &da) && value_num(b, &db) && da == db;
    }
    return 0;
}
