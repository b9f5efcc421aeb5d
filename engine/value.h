/* value.h — the values the resolver produces beyond plain JSON.
 *
 * The resolved template is a jansson tree. Two extra kinds travel in it, marked in-band with a
 * key that no loader accepts from input (PP_MARK, a key starting with byte 0x01; the loaders
 * reject such keys):
 *
 *   unknown   {PP_MARK: "unknown", "reason": "Ref to parameter VpcId without a value",
 *              "candidates": [v1, v2, …]}            ("candidates" absent = opaque)
 *   novalue   {PP_MARK: "novalue"}                   (AWS::NoValue as a candidate only;
 *                                                      in concrete positions the key is removed)
 *
 * References to resources stay in their long form ({"Ref": "Subnet"},
 * {"Fn::GetAtt": ["Role", "Arn"]}) so rules can follow them through ctx.
 */
#ifndef PP_VALUE_H
#define PP_VALUE_H

#include <jansson.h>

#define PP_MARK "\x01pp"

/* New unknown. `reason` is copied. `candidates` is stolen (may be NULL for opaque). NULL on
 * NOMEM. */
json_t *pp_unknown_new(const char *reason, json_t *candidates);
json_t *pp_novalue_new(void);
int pp_is_unknown(const json_t *v);
int pp_is_novalue(const json_t *v);
/* Borrowed; NULL when opaque or not an unknown. */
json_t *pp_unknown_candidates(const json_t *v);
const char *pp_unknown_reason(const json_t *v);

/* CloudFormation scalar coercions: "true"/"false" (any case) and JSON booleans.
 * Returns 1 true, 0 false, -1 not a boolean. */
int pp_value_bool(const json_t *v);
/* Integer from a JSON integer, an integral real, or a decimal string ("443").
 * Returns 0 and sets *out, or -1. */
int pp_value_int(const json_t *v, long long *out);
/* String form of a scalar (strings as-is, numbers/booleans formatted). NULL for
 * non-scalars. Caller frees. */
char *pp_value_str(const json_t *v);
/* Equality with CloudFormation's loose typing: "443" == 443, "true" == true. Unknowns are
 * never equal to anything. */
int pp_value_equal(const json_t *a, const json_t *b);

#endif
