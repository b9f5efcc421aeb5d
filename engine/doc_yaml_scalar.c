/* doc_yaml_scalar.c — scalars of the YAML loader (doc_yaml.c): which tag a node carries
 * (the YAML core tags and CloudFormation's short-form intrinsics), and the YAML 1.2 core schema
 * that turns a plain scalar into null, a boolean, an integer, a real or a string. Pure
 * functions of the text; positions and errors stay with the builder.
 */
#include "engine/doc_yaml_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "engine/doc_int.h"
#include "engine/base/util.h"

static const struct {
    const char *tag;
    const char *key;
} short_tags[] = {
    { "!Ref", "Ref" },               { "!Condition", "Condition" },
    { "!Sub", "Fn::Sub" },           { "!GetAtt", "Fn::GetAtt" },
    { "!If", "Fn::If" },             { "!Equals", "Fn::Equals" },
    { "!And", "Fn::And" },           { "!Or", "Fn::Or" },
    { "!Not", "Fn::Not" },           { "!Join", "Fn::Join" },
    { "!Select", "Fn::Select" },     { "!Split", "Fn::Split" },
    { "!FindInMap", "Fn::FindInMap" }, { "!Base64", "Fn::Base64" },
    { "!Cidr", "Fn::Cidr" },         { "!GetAZs", "Fn::GetAZs" },
    { "!ImportValue", "Fn::ImportValue" }, { "!Transform", "Fn::Transform" },
    { "!GetStackOutput", "Fn::GetStackOutput" }, { "!Length", "Fn::Length" },
    { "!ToJsonString", "Fn::ToJsonString" },
    /* the rule functions of the Rules section (template_rules.c) */
    { "!Contains", "Fn::Contains" }, { "!EachMemberEquals", "Fn::EachMemberEquals" },
    { "!EachMemberIn", "Fn::EachMemberIn" }, { "!RefAll", "Fn::RefAll" },
    { "!ValueOf", "Fn::ValueOf" },   { "!ValueOfAll", "Fn::ValueOfAll" },
};

/* Classifies a tag as libyaml reports it (NULL when absent; "!" for the non-specific tag). */
enum tag_kind tag_kind(const char *tag, const char **longkey)
{
    if (!tag || strcmp(tag, "!") == 0)
        return T_NONE;
    if (strncmp(tag, YAML_TAG_PREFIX, sizeof YAML_TAG_PREFIX - 1) == 0) {
        static const struct {
            const char *name;
            enum tag_kind kind;
        } std[] = { { "str", T_STR }, { "int", T_INT }, { "float", T_FLOAT }, { "bool", T_BOOL },
                    { "null", T_NULL }, { "map", T_MAP }, { "seq", T_SEQ } };
        const char *n = tag + sizeof YAML_TAG_PREFIX - 1;
        for (size_t i = 0; i < PP_ARRAY_LEN(std); i++)
            if (strcmp(n, std[i].name) == 0)
                return std[i].kind;
        return T_BAD;
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(short_tags); i++) {
        if (strcmp(tag, short_tags[i].tag) == 0) {
            *longkey = short_tags[i].key;
            return T_SHORT;
        }
    }
    return T_BAD;
}

int is_null_word(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (!strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")));
}

int bool_word(const char *s, size_t n)
{
    if (n == 4 && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")))
        return 1;
    if (n == 5 && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")))
        return 0;
    return -1;
}

static int digit_val(int c, unsigned base)
{
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
    return (unsigned)v < base ? v : -1;
}

/* YAML 1.2 core integer: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. Returns 1 with *out set,
 * 0 when s is not that form (or, with strict, has a leading zero), 2 when out of int64. */
int core_int(const char *s, size_t n, int strict, json_int_t *out)
{
    unsigned base = 10;
    size_t i = 0;
    int neg = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        i = 2;
    } else {
        if (n && (s[0] == '-' || s[0] == '+')) {
            neg = s[0] == '-';
            i = 1;
        }
        if (i == n)
            return 0;
        if (strict && s[i] == '0' && i + 1 < n)
            return 0;
    }
    uint64_t v = 0;
    int over = 0;
    for (; i < n; i++) {
        int d = digit_val((unsigned char)s[i], base);
        if (d < 0)
            return 0;
        if (v > (UINT64_MAX - (unsigned)d) / base)
            over = 1;
        else
            v = v * base + (unsigned)d;
    }
    if (over || v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return 2;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? (json_int_t)INT64_MIN : -(json_int_t)v)
               : (json_int_t)v;
    return 1;
}

/* YAML 1.2 core float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?. Returns 1 with
 * *out set, 0 when not that form (or, with strict, a leading zero before more digits),
 * 2 for .inf/.nan or a value a double cannot hold. s is NUL-terminated. */
int core_float(const char *s, size_t n, int strict, double *out)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    const char *r = s + i;
    if (!strcmp(r, ".inf") || !strcmp(r, ".Inf") || !strcmp(r, ".INF"))
        return 2;
    if (i == 0 && (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")))
        return 2;
    size_t intd = 0, fracd = 0;
    if (strict && i + 1 < n && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
        return 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
        intd++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
            fracd++;
        }
        if (!intd && !fracd)
            return 0;
    } else if (!intd) {
        return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t ed = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (!ed)
            return 0;
    }
    if (i != n)
        return 0;
    double d = pp_doc_strtod(s);
    if (!isfinite(d))
        return 2;
    *out = d;
    return 1;
}

/* Plain untagged scalar → null, boolean, integer, real or string (new reference). */
json_t *plain_value(const char *s, size_t n)
{
    json_int_t iv;
    double dv;
    if (is_null_word(s, n))
        return json_null();
    int b = bool_word(s, n);
    if (b >= 0)
        return json_boolean(b);
    char c = s[0];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
        int r = core_int(s, n, 1, &iv);
        if (r == 1)
            return json_integer(iv);
        if (r == 0 && core_float(s, n, 1, &dv) == 1)
            return json_real(dv);
    }
    return json_stringn_nocheck(s, n);
}
