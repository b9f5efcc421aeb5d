/* jscan.h — a small strict JSON reader into an arena-backed, read-only tree, for event dumps.
 *
 * Why not jansson here: a 100,000-event describe-stack-events dump is ~35 MB and jansson spends
 * over a second in per-value malloc/hash-table work on it; explain must take under one. This
 * reader does one pass, allocates from a few large blocks, and frees them at once. It is
 * strict (RFC 8259: no trailing commas, no comments, no NaN; strings must be valid UTF-8 and
 * may not contain U+0000), capped in depth, and reports "LINE:COL: expected …". jansson stays
 * the data model everywhere else (output, KB).
 *
 * Objects keep their members in input order; lookup is a linear scan (event records have
 * about twenty keys). Duplicate keys: the first one wins.
 */
#ifndef PP_ADVISOR_JSCAN_H
#define PP_ADVISOR_JSCAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define PP_JSCAN_MAX_DEPTH 64

typedef enum pj_type { PJ_NULL = 0, PJ_FALSE, PJ_TRUE, PJ_NUM, PJ_STR, PJ_ARR, PJ_OBJ } pj_type;

typedef struct pj_val pj_val;
struct pj_val {
    pj_type type;
    unsigned is_int : 1;   /* PJ_NUM written without fraction or exponent */
    uint32_t n;            /* string length in bytes, or number of children */
    union {
        const char *s;     /* PJ_STR: NUL-terminated UTF-8 */
        double num;        /* PJ_NUM */
        pj_val *kids;      /* PJ_ARR, PJ_OBJ: n values */
    } u;
    const char **keys;     /* PJ_OBJ: n keys parallel to kids */
};

typedef struct pj_doc pj_doc;   /* opaque: owns every value */

/* Parses buf[0..len) as exactly one JSON value (trailing blanks allowed). Returns the document
 * (free with pj_free) and sets *root, or NULL with *line, *col and a static description of what
 * was expected in *what. NULL with *what == "out of memory" on allocation failure. */
pj_doc *pj_parse(const char *buf, size_t len, const pj_val **root, unsigned *line,
                 unsigned *col, const char **what);
void pj_free(pj_doc *d);   /* NULL is a no-op */

/* The same tree copied from a jansson value already in memory (an EventBridge event, a live
 * fetch's answer), so it is read without printing and parsing it again. NULL on NOMEM or
 * nesting deeper than PP_JSCAN_MAX_DEPTH. Objects keep jansson's (insertion) order. */
pj_doc *pj_from_json(const json_t *v, const pj_val **root);

/* Accessors: NULL-safe; a missing member or wrong type yields NULL / 0. */
const pj_val *pj_get(const pj_val *obj, const char *key);
const pj_val *pj_at(const pj_val *arr, size_t i);
size_t pj_len(const pj_val *arr);   /* children of an array, 0 otherwise */
const char *pj_str(const pj_val *v);   /* string value or NULL */
static inline int pj_is(const pj_val *v, pj_type t) { return v && v->type == t; }

#endif
