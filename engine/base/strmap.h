/* strmap.h — a string → index map for the writers' look-ups (rule id → descriptor index,
 * taxon id → taxon index, rule id → hook tally): open addressing over FNV-1a (hash.h), at
 * most one slot in two used, keys borrowed (they must outlive the map). Not for keys an
 * adversary picks to collide beyond a probe run: the keys here are rule and control ids.
 */
#ifndef PP_BASE_STRMAP_H
#define PP_BASE_STRMAP_H

#include <stddef.h>

typedef struct pp_strmap {
    const char **key;
    size_t *val;
    size_t mask;   /* slots - 1; 0 before the first put */
    size_t n;
} pp_strmap;

/* An empty map; nothing is allocated until the first put. */
void pp_strmap_init(pp_strmap *m);
void pp_strmap_free(pp_strmap *m);
/* The index stored for key, or (size_t)-1 when there is none. */
size_t pp_strmap_get(const pp_strmap *m, const char *key);
/* Stores key → val (replacing an earlier value). 0, or -1 on NOMEM (the map is unchanged). */
int pp_strmap_put(pp_strmap *m, const char *key, size_t val);

#endif
