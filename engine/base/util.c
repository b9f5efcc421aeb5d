/* util.c — bounded buffers, file reading and small string helpers (see util.h). */
#include "engine/base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void pp_buf_init(pp_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->limit = limit;
    b->nomem = 0;
}

pp_status pp_buf_append(pp_buf *b, const void *p, size_t n)
{
    if (b->limit && (n > b->limit || b->len > b->limit - n))
        return PP_E_LIMIT;
    if (b->len + n + 1 > b->alloc) {
        size_t na = b->alloc ? b->alloc : 256;
        while (na < b->len + n + 1) {
            if (na > SIZE_MAX / 2) {
                b->nomem = 1;
                return PP_E_NOMEM;
            }
            na *= 2;
        }
        char *nd = realloc(b->data, na);
        if (!nd) {
            b->nomem = 1;
            return PP_E_NOMEM;
        }
        b->data = nd;
        b->alloc = na;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return PP_OK;
}

pp_status pp_buf_puts(pp_buf *b, const char *s)
{
    return pp_buf_append(b, s, strlen(s));
}

pp_status pp_buf_printf(pp_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return PP_E_INTERNAL;
    if ((size_t)n < sizeof small)
        return pp_buf_append(b, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->nomem = 1;
        return PP_E_NOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pp_status st = pp_buf_append(b, big, (size_t)n);
    free(big);
    return st;
}

char *pp_buf_steal(pp_buf *b)
{
    if (!b->data && pp_buf_append(b, "", 0) != PP_OK)
        return NULL;
    char *d = b->data;
    b->data = NULL;
    b->len = b->alloc = 0;
    b->nomem = 0;
    return d;
}

char *pp_buf_finish(pp_buf *b)
{
    if (b->nomem) {
        pp_buf_free(b);
        return NULL;
    }
    return pp_buf_steal(b);
}

void pp_buf_free(pp_buf *b)
{
    PP_FREE(b->data);
    b->len = b->alloc = 0;
    b->nomem = 0;
}

char *pp_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *pp_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = pp_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

pp_status pp_err(char **err, pp_status st, const char *fmt, ...)
{
    if (err && !*err) {
        va_list ap;
        va_start(ap, fmt);
        *err = pp_vasprintf(fmt, ap);
        va_end(ap);
    }
    return st;
}

char *pp_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

pp_status pp_read_file(const char *path, size_t limit, char **out, size_t *len, char **err)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        int e = errno;
        return pp_err(err, e == ENOENT ? PP_E_NOTFOUND : e == ENOMEM ? PP_E_NOMEM : PP_E_IO,
                      "%s: cannot open: %s", shown, strerror(e));
    }
    pp_buf b;
    pp_buf_init(&b, limit);
    pp_status st = PP_OK;
    char chunk[65536];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n) {
            st = pp_buf_append(&b, chunk, n);
            if (st == PP_E_LIMIT) {
                pp_err(err, st, "%s: input larger than the %zu-byte limit", shown, limit);
                break;
            }
            if (st != PP_OK) {
                pp_err(err, st, "%s: out of memory", shown);
                break;
            }
        }
        if (n < sizeof chunk) {
            if (ferror(f)) {
                st = pp_err(err, PP_E_IO, "%s: read error: %s", shown, strerror(errno));
            }
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    if (st != PP_OK) {
        pp_buf_free(&b);
        return st;
    }
    *len = b.len;
    *out = pp_buf_steal(&b);
    if (!*out)
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", shown);
    return PP_OK;
}

uint64_t pp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t pp_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int pp_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int pp_pcre2_jit_enabled(void)
{
    static int cached = -1;   /* racing first calls compute the same value */
    if (cached < 0) {
        const char *v = getenv("PARAPET_PCRE2_JIT");
        cached = !(v && (strcmp(v, "0") == 0 || strcmp(v, "off") == 0));
    }
    return cached;
}

int pp_strvec_push(pp_strvec *s, char *x)
{
    if (s->n + 1 >= s->a) {
        size_t na = s->a ? s->a * 2 : 32;
        char **nv = realloc(s->v, na * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->a = na;
    }
    s->v[s->n++] = x;
    s->v[s->n] = NULL;
    return 0;
}

void pp_strvec_free(pp_strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

int pp_strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pp_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *pp_term_clean(const char *s, size_t n, int keep_newlines)
{
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) {
            o[k++] = '?';
            i++;
        } else if ((c < 0x20 && c != '\t' && !(keep_newlines && c == '\n')) || c == 0x7F) {
            o[k++] = '?';
        } else {
            o[k++] = (char)c;
        }
    }
    o[k] = '\0';
    return o;
}

pp_status pp_shell_quote(pp_buf *b, const char *s)
{
    if (!s)
        s = "";
    int bare = *s != '\0';
    for (const char *p = s; *p && bare; p++)
        bare = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               strchr("@%+=:,./_-", *p) != NULL;
    if (bare)
        return pp_buf_puts(b, s);
    pp_buf tmp;
    pp_buf_init(&tmp, 0);
    pp_buf_puts(&tmp, "'");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\'')
            pp_buf_puts(&tmp, "'\\''");
        else if (*p < 0x20 || *p == 0x7f)
            pp_buf_puts(&tmp, "?");
        else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            pp_buf_puts(&tmp, "?");   /* C1 control */
            p++;
        } else
            pp_buf_append(&tmp, p, 1);
    }
    pp_status st = pp_buf_puts(&tmp, "'");
    if (st == PP_OK && tmp.data && !tmp.nomem) {
        st = pp_buf_append(b, tmp.data, tmp.len);
    } else if (st == PP_OK || st == PP_E_NOMEM) {
        st = PP_E_NOMEM;
        b->nomem = 1;
    }
    pp_buf_free(&tmp);
    return st;
}
