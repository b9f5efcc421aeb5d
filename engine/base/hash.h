/* hash.h — the string hashes: 64-bit FNV-1a, for the open-addressed tables of the loaders
 * (positions, YAML anchors), the hook's rule tallies and the advisor's timelines; and a
 * word-at-a-time hash for whole file texts (the rules cache's staleness check), where
 * FNV-1a's byte loop cost a tenth of a cached start-up. Neither is for anything an adversary
 * may aim collisions at beyond a table's probe length, and neither is a checksum (crypto.h
 * has SHA-256). Inline: they run once per key of every loaded document. */
#ifndef PP_BASE_HASH_H
#define PP_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PP_FNV_OFFSET 0xcbf29ce484222325ULL
#define PP_FNV_PRIME 0x100000001b3ULL

/* FNV-1a of p[0..n). */
static inline uint64_t pp_fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = PP_FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= PP_FNV_PRIME;
    }
    return h;
}

/* FNV-1a of the NUL-terminated s. */
static inline uint64_t pp_fnv1a_str(const char *s)
{
    uint64_t h = PP_FNV_OFFSET;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= PP_FNV_PRIME;
    }
    return h;
}

/* Eight bytes a step, seeded with FNV's offset and the length: for long texts. Its values
 * are stored in rules caches, so changing it invalidates every cache written before. */
static inline uint64_t pp_hash_text(const void *p, size_t len)
{
    const unsigned char *s = p;
    uint64_t h = PP_FNV_OFFSET ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    uint64_t t = 0;
    for (size_t k = 0; i < len; i++, k += 8)
        t |= (uint64_t)s[i] << k;
    h = (h ^ t) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 32);
}

#endif
