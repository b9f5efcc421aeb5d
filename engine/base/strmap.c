/* strmap.c — see strmap.h. */
#include "engine/base/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/hash.h"

void pp_strmap_init(pp_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void pp_strmap_free(pp_strmap *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static size_t slot_of(const char *key, size_t mask)
{
    uint64_t h = pp_fnv1a_str(key);
    return (size_t)(h ^ (h >> 29)) & mask;
}

size_t pp_strmap_get(const pp_strmap *m, const char *key)
{
    if (!m->key)
        return (size_t)-1;
    for (size_t i = slot_of(key, m->mask);; i = (i + 1) & m->mask) {
        if (!m->key[i])
            return (size_t)-1;
        if (strcmp(m->key[i], key) == 0)
            return m->val[i];
    }
}

/* Places key → val in a table known to have a free slot; replaces an equal key. */
static void place(const char **keys, size_t *vals, size_t mask, const char *key, size_t val,
                  size_t *n)
{
    size_t i = slot_of(key, mask);
    while (keys[i] && strcmp(keys[i], key) != 0)
        i = (i + 1) & mask;
    if (!keys[i])
        (*n)++;
    keys[i] = key;
    vals[i] = val;
}

int pp_strmap_put(pp_strmap *m, const char *key, size_t val)
{
    if (!m->key || 2 * (m->n + 1) > m->mask + 1) {
        size_t mask = m->key ? 2 * m->mask + 1 : 15;
        const char **keys = calloc(mask + 1, sizeof *keys);
        size_t *vals = malloc((mask + 1) * sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return -1;
        }
        size_t n = 0;
        for (size_t i = 0; m->key && i <= m->mask; i++)
            if (m->key[i])
                place(keys, vals, mask, m->key[i], m->val[i], &n);
        free(m->key);
        free(m->val);
        m->key = keys;
        m->val = vals;
        m->mask = mask;
        m->n = n;
    }
    place(m->key, m->val, m->mask, key, val, &m->n);
    return 0;
}
