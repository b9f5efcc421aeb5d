/* fuzz.h — what every fuzz target shares: the libFuzzer entry points' prototypes (so the
 * targets build with -Wmissing-prototypes) and a helper for NUL-terminated copies.
 * LLVMFuzzerInitialize is optional, as in libFuzzer (a weak symbol): only a target with
 * set-up (a rule set, the KB, a scratch folder) defines it.
 * Targets: tests/fuzz/fuzz_*.c; driver: libFuzzer, or replay_main.c without it (README.md).
 */
#ifndef PP_FUZZ_H
#define PP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

/* data[0..n) as a malloc'd NUL-terminated string (NUL bytes inside are kept: C functions see
 * the prefix); NULL on NOMEM. */
static inline char *pp_fuzz_str(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        if (n)
            memcpy(s, data, n);
        s[n] = '\0';
    }
    return s;
}

/* Splits data at the first '\n' (or NUL) into a NUL-terminated field (malloc'd) and the rest;
 * advances *data / *size past the separator. */
static inline char *pp_fuzz_field(const uint8_t **data, size_t *size)
{
    size_t i = 0;
    while (i < *size && (*data)[i] != '\n' && (*data)[i] != '\0')
        i++;
    char *s = pp_fuzz_str(*data, i);
    if (i < *size)
        i++;
    *data += i;
    *size -= i;
    return s;
}

#endif
