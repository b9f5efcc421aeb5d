/* doc_int.h — private glue between the document loaders (doc_json.c, doc_yaml.c) and the
 * document core (doc.c): the load context that carries limits, counters and the first error,
 * the duplicate-aware edge recorder, UTF-8 checking and locale-independent number parsing.
 * Nothing outside engine/doc*.c includes this header.
 */
#ifndef PP_DOC_INT_H
#define PP_DOC_INT_H

#include <jansson.h>
#include <stddef.h>

#include "engine/base/utf8.h"   /* pp_utf8_seq */
#include "engine/doc.h"
#include "engine/base/limits.h"
#include "engine/base/status.h"

/* State shared by one pp_doc_load call. Borrowed pointers live as long as the call. */
typedef struct pp_loadctx {
    const char *name;        /* shown name, used as the message prefix (borrowed) */
    const pp_limits *lim;    /* never NULL (borrowed) */
    pp_posmap *pos;          /* receives every edge (borrowed) */
    size_t nodes;            /* values produced so far, alias expansions included */
    char **err;              /* OUT: first message, malloc'd; may be NULL */
    pp_status st;            /* first failure status, PP_OK while none */
    size_t loop_keys;        /* OUT: keys starting with "Fn::ForEach::" (JSON loader only) */
} pp_loadctx;

/* Records the first failure as "NAME:LINE:COL: message" in cx->err and cx->st; later calls
 * keep the first message. Returns st so callers can `return pp_load_fail(...)`. */
pp_status pp_load_fail(pp_loadctx *cx, pp_status st, pp_pos at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Counts one more value against lim->max_nodes. Returns PP_OK or PP_E_LIMIT (message set,
 * naming `at`). `extra` is the number of values being added. */
pp_status pp_load_count(pp_loadctx *cx, size_t extra, pp_pos at);

/* Appends the edge (parent, key[0..klen)) or, when key == NULL, (parent, idx) with the value's
 * position `vpos` and the key's position `kpos` (for array elements pass vpos twice). The
 * caller guarantees the edge is new (the loaders let jansson catch duplicate keys). The key is
 * copied into the map's arena. Returns 0, or -1 on NOMEM. */
int pp_posmap_append(pp_posmap *m, const json_t *parent, const char *key, size_t klen,
                     size_t idx, pp_pos vpos, pp_pos kpos);

/* The key position recorded for (parent, key[0..klen)): 0 and *kpos set, or -1. */
int pp_posmap_key_pos(const pp_posmap *m, const json_t *parent, const char *key, size_t klen,
                      pp_pos *kpos);

/* Builds the hash index over every appended edge; pp_doc_load calls it once loading ends.
 * Returns 0, or -1 on NOMEM (lookups then still work, by scanning). */
int pp_posmap_index(pp_posmap *m);

/* Sizes the entry array for about n edges so that loading does not regrow it. 0 or -1. */
int pp_posmap_reserve(pp_posmap *m, size_t n);


/* strtod in the "C" locale whatever the process locale is; s is NUL-terminated and already
 * checked against the number grammar by the caller. */
double pp_doc_strtod(const char *s);

/* The loaders. Both parse buf[0..len) (a UTF-8 BOM already skipped by the caller, who
 * also applied max_input_bytes) and return a new reference to the root value, recording every
 * edge in cx->pos; NULL on failure with cx->st and cx->err set. */
json_t *pp_doc_parse_json(pp_loadctx *cx, const char *buf, size_t len);
json_t *pp_doc_parse_yaml(pp_loadctx *cx, const char *buf, size_t len);

#endif
