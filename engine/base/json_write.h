/* json_write.h — a JSON serializer for jansson values, for large outputs.
 *
 * jansson's dumper records every container it enters in a hash table keyed by the printed
 * pointer (cycle detection), which made it the largest cost of a 1,000-finding report. Our
 * values are trees built by us, so this writer walks them directly into a pp_buf.
 */
#ifndef PP_JSON_WRITE_H
#define PP_JSON_WRITE_H

#include <jansson.h>

#include "engine/base/util.h"

/* Appends v as JSON to out: indent > 0 pretty-prints with that many spaces per level (the
 * layout of json_dumps with JSON_INDENT), 0 writes compactly. Object members keep their
 * insertion order. Strings are escaped per RFC 8259 (control characters as \uXXXX; "/" is
 * not escaped). Reals use the shortest form that reads back equal ("%.17g" trimmed).
 * Returns PP_OK, PP_E_NOMEM, PP_E_LIMIT (out's cap) or PP_E_INTERNAL (nesting deeper than
 * 512, which only a cyclic value can reach). */
pp_status pp_json_write(const json_t *v, int indent, pp_buf *out);

/* Appends s[0..n) as a JSON string (quotes included), escaped as pp_json_write does. The bytes
 * are copied as they are: the caller makes sure they are UTF-8. */
pp_status pp_json_write_string(pp_buf *out, const char *s, size_t n);

/* A streaming writer: the same text pp_json_write gives for the tree one would have built,
 * without building it (the report writers: one allocation-free pass per finding). Calls
 * chain without checks; the first failure sticks in w->st and later calls do nothing.
 *   pp_jw w; pp_jw_init(&w, &buf, 2);
 *   pp_jw_open(&w, '{'); pp_jw_key(&w, "n"); pp_jw_int(&w, 1); pp_jw_close(&w, '}');
 * A member is a pp_jw_key followed by one value (a scalar or an open ... close). Nesting
 * deeper than PP_JW_MAX_DEPTH fails with PP_E_INTERNAL. */
#define PP_JW_MAX_DEPTH 64
typedef struct pp_jw {
    pp_buf *b;
    int indent;
    int depth;
    int after_key;                            /* the next value follows "key": */
    unsigned char empty[PP_JW_MAX_DEPTH + 1]; /* the container at each depth has no member yet */
    pp_status st;
} pp_jw;

void pp_jw_init(pp_jw *w, pp_buf *b, int indent);
void pp_jw_open(pp_jw *w, char bracket);       /* '{' or '[' */
void pp_jw_close(pp_jw *w, char bracket);      /* '}' or ']' */
void pp_jw_key(pp_jw *w, const char *k);       /* k is ASCII here: written as it is escaped */
/* A string value of s[0..n), escaped; the caller makes sure it is UTF-8. */
void pp_jw_strn(pp_jw *w, const char *s, size_t n);
/* pp_jw_strn for text the caller knows needs no escape (no control character, '"' or '\\'):
 * copied between its quotes as it is. */
void pp_jw_plain(pp_jw *w, const char *s, size_t n);
/* 1 for the bytes pp_jw_plain may copy: printable ASCII other than '"' and '\\' (not NUL). */
extern const unsigned char pp_jw_plain_byte[256];
void pp_jw_int(pp_jw *w, long long v);
void pp_jw_null(pp_jw *w);
void pp_jw_bool(pp_jw *w, int v);          /* true or false */
/* One member for pp_jw_fields_plain: a key (plain ASCII) and a string (NULL: null), a list of
 * strings (NULL: []) or an integer. */
typedef struct pp_jw_field {
    const char *key;
    enum { PP_JW_F_STR, PP_JW_F_STRV, PP_JW_F_INT } kind;
    const char *s;
    char *const *v;
    long long i;
} pp_jw_field;
/* The n members f[] (at most 24) of the object w has open, written in one pass into room the
 * buffer already has, with exactly the bytes pp_jw_key and the value calls give, when every
 * string is plain (pp_jw_plain_byte) and w is indented. 0 when it does not apply: nothing was
 * written and the caller writes the members one by one. */
int pp_jw_fields_plain(pp_jw *w, const pp_jw_field *f, size_t n);

/* A writer into b for the members that follow what w has written in its open container
 * (at least one member): b's text, appended to w's buffer once w has written its own part,
 * continues the document; then w goes on after it (w's state does not change). Lets two
 * threads write the two halves of a long array. */
void pp_jw_fork(const pp_jw *w, pp_jw *out, pp_buf *b);

/* json_dumps(v, flags), same text, but NULL whenever an allocation failed. jansson 2.14's
 * dumper ignores a failed write of an object key (dump.c, both key orders), so under memory
 * pressure json_dumps can return JSON with a key's text missing ({":0}). This one dumps
 * through a callback whose first failure sticks. Caller frees. */
char *pp_json_dumps(const json_t *v, size_t flags);

/* json_loadb(buf, len, flags, je) that never returns a value damaged by an allocation failure.
 * jansson 2.14's lexer ignores a failed append to its token buffer (lex_save), so under memory
 * pressure json_loadb can succeed with a character missing from a key or a string, and it
 * reports other allocation failures as syntax errors. Allocations of jansson are counted per
 * thread (see pp_json_init); when one failed during the call, the result is released and
 * *oom set: NULL then means PP_E_NOMEM, not bad input (whatever *je says). */
json_t *pp_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *je, int *oom);

/* Installs jansson's allocator (malloc and free, with a per-thread count of failures) once per
 * process; pp_json_loadb calls it. A front end that parses JSON on several threads calls it
 * before starting them, since json_set_alloc_funcs is not thread-safe. */
void pp_json_init(void);

/* How many of jansson's allocations failed on this thread so far (installs the counting
 * allocator first). A builder of a large value compares it before and after: json_pack,
 * json_object_set_new and friends drop a member silently when their allocation fails, so a
 * changed count means the value is incomplete and must be treated as PP_E_NOMEM. */
unsigned long pp_json_alloc_failures(void);

/* Sets o[k] to a new string v when v is non-NULL and not empty (an absent or empty field is
 * left out of the object). Allocation failure leaves o unchanged. */
void pp_json_put_str(json_t *o, const char *k, const char *v);

#endif
