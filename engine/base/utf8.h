/* utf8.h — the one UTF-8 module: validating, cutting and encoding byte strings. Every layer
 * uses it (the loaders, the event reader, the hook's response, chat messages); a second copy
 * of these rules is a bug waiting to drift.
 *
 * "Well-formed" is RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
 * U+10FFFF, no lone continuation bytes.
 */
#ifndef PP_BASE_UTF8_H
#define PP_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed sequence starting at p (p < end), or 0 when the bytes
 * there are not well-formed UTF-8. Reads nothing at or past end. */
size_t pp_utf8_seq(const unsigned char *p, const unsigned char *end);

/* The largest m <= n such that s[0..m) does not end inside a sequence: n itself unless s[n]
 * is a continuation byte. s[n] must be readable (a NUL, or the next byte of s). */
size_t pp_utf8_cut(const char *s, size_t n);

/* Writes the UTF-8 encoding of cp (a scalar value <= 0x10FFFF; callers reject surrogates
 * first) into out, which has room for 4 bytes; returns how many were written (1..4). */
size_t pp_utf8_put(unsigned char *out, uint32_t cp);

/* 1 when s[0..n) is well-formed UTF-8 throughout (what pp_utf8_clean leaves unchanged),
 * else 0. */
int pp_utf8_valid(const char *s, size_t n);

/* Replaces, in place, every byte that does not start a well-formed sequence with '?' (a
 * malformed sequence costs one '?' per byte), so the string is valid UTF-8 of the same
 * length. */
void pp_utf8_clean(char *s);

#endif
