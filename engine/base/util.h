/* util.h — leaf helpers used by every layer: bounded buffers, file reading, formatted
 * allocation, error messages. Nothing here knows about templates, rules or HTTP.
 */
#ifndef PP_UTIL_H
#define PP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/status.h"

#define PARAPET_VERSION "0.1.0"

#define PP_FREE(p) do { free(p); (p) = NULL; } while (0)
#define PP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A growable byte buffer with a hard cap. Always NUL-terminated when data != NULL.
 * Invariant: len < cap_alloc; len <= limit. A failed append leaves the buffer unchanged. */
typedef struct pp_buf {
    char *data;
    size_t len;
    size_t alloc;
    size_t limit;  /* 0 = no limit */
    int nomem;     /* some append since init/steal/free failed for lack of memory (sticky) */
} pp_buf;

void pp_buf_init(pp_buf *b, size_t limit);
/* Returns PP_OK, PP_E_NOMEM, or PP_E_LIMIT when the cap would be exceeded. */
pp_status pp_buf_append(pp_buf *b, const void *p, size_t n);
pp_status pp_buf_puts(pp_buf *b, const char *s);
pp_status pp_buf_printf(pp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data to the caller (caller frees) and resets b. Never NULL unless NOMEM. */
char *pp_buf_steal(pp_buf *b);
/* pp_buf_steal for text built by many appends whose results were not each checked: NULL (and
 * b freed) when any of them failed for lack of memory, so a dropped piece is never mistaken
 * for the whole. */
char *pp_buf_finish(pp_buf *b);
void pp_buf_free(pp_buf *b);

/* malloc'd printf; NULL on allocation failure. Caller frees. */
char *pp_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *pp_vasprintf(const char *fmt, va_list ap);
/* Sets *err (if err != NULL and *err == NULL) to a malloc'd message; returns st. */
pp_status pp_err(char **err, pp_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *pp_strdup(const char *s);

/* Reads a whole file ("-" means stdin) into a malloc'd NUL-terminated buffer of at most
 * `limit` bytes. On success *out and *len are set and the caller frees *out. On failure *err
 * names the file and the cause (PP_E_IO, PP_E_LIMIT, PP_E_NOMEM, PP_E_NOTFOUND). */
pp_status pp_read_file(const char *path, size_t limit, char **out, size_t *len, char **err);

/* Monotonic milliseconds and microseconds. */
uint64_t pp_now_ms(void);

/* A growable vector of malloc'd strings, NULL-terminated after every push. */
typedef struct pp_strvec {
    char **v;
    size_t n, a;
} pp_strvec;
/* Appends x (taken on success). -1 on NOMEM (x is not taken). */
int pp_strvec_push(pp_strvec *s, char *x);
/* Frees every string and the vector; the struct may be reused after zeroing. */
void pp_strvec_free(pp_strvec *s);
/* Value of one hex digit (0-9, a-f, A-F), or -1. Decoders use it, not sscanf("%1x"), which
 * skips white space and a sign and reads up to a NUL, past the end of an unterminated body. */
int pp_hex_digit(int c);

/* qsort comparator for an array of char * (strcmp order). */
int pp_strcmp_ptr(const void *a, const void *b);

/* 0 when PARAPET_PCRE2_JIT is "0" or "off": the KB and redaction patterns then run in PCRE2's
 * interpreter (same results, slower) — for systems that forbid executable memory, and for
 * valgrind, which cannot follow JIT code's word-at-a-time reads. Read once. */
int pp_pcre2_jit_enabled(void);
uint64_t pp_now_us(void);

/* Copy of s[0..n) safe to print on a terminal: C0 control bytes other than '\t' (and '\n'
 * when keep_newlines), DEL and the C1 controls U+0080–U+009F become '?', so text from outside
 * (AWS messages, container logs) cannot move the cursor or retitle the window. malloc'd,
 * caller frees; NULL on NOMEM. */
char *pp_term_clean(const char *s, size_t n, int keep_newlines);
/* Appends s to b as one POSIX shell word: bare when it only holds [A-Za-z0-9@%+=:,./_-] (and
 * is not empty), else in single quotes with each ' written as '\''. Control characters are
 * replaced by '?' so a suggested command cannot carry a terminal escape or a second line.
 * Returns what pp_buf_append returns. */
pp_status pp_shell_quote(pp_buf *b, const char *s);

/* Parses a decimal integer in [min,max]; returns 0 on success, -1 otherwise. No atoi. */
int pp_parse_long(const char *s, long min, long max, long *out);

#endif
