/* doc_yaml_int.h — what the YAML loader's files share, included by engine/doc_yaml*.c only:
 * the tag classification and the YAML 1.2 core-schema scalar resolution of doc_yaml_scalar.c,
 * which the event-driven builder in doc_yaml.c calls.
 */
#ifndef PP_ENGINE_DOC_YAML_INT_H
#define PP_ENGINE_DOC_YAML_INT_H

#include <stddef.h>

#include <jansson.h>

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"   /* the YAML core tags, as libyaml spells them */

enum tag_kind { T_NONE, T_STR, T_INT, T_FLOAT, T_BOOL, T_NULL, T_MAP, T_SEQ, T_SHORT, T_BAD };

/* Classifies a tag as libyaml reports it (NULL when absent; "!" for the non-specific tag);
 * for a short-form intrinsic (!Ref, !Sub, …) *longkey is its long key. */
enum tag_kind tag_kind(const char *tag, const char **longkey);

/* The YAML 1.2 core schema words: null (~, null, Null, NULL, empty) and bool (1 true, 0
 * false, -1 neither). */
int is_null_word(const char *s, size_t n);
int bool_word(const char *s, size_t n);

/* YAML 1.2 core integer and float (contracts beside their definitions in doc_yaml_scalar.c). */
int core_int(const char *s, size_t n, int strict, json_int_t *out);
int core_float(const char *s, size_t n, int strict, double *out);

/* Plain untagged scalar → null, boolean, integer, real or string (new reference). */
json_t *plain_value(const char *s, size_t n);

#endif
