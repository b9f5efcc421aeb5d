/* hash.h — the one string hash: 64-bit FNV-1a, for the open-addressed tables of the loaders
 * (positions, YAML anchors), the hook's rule tallies and the advisor's timelines. Not for
 * anything an adversary may aim collisions at beyond a table's probe length, and not a
 * checksum (crypto.h has SHA-256). Inline: it runs once per key of every loaded document. */
#ifndef PP_BASE_HASH_H
#define PP_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

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

#endif
