/* json_write.c — see json_write.h. */
#include "engine/base/json_write.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PP_JSON_WRITE_MAX_DEPTH 512

/* 1 for the bytes a JSON string must escape: control characters, '"' and '\\'. */
static const unsigned char must_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* 1 when n more bytes (and the NUL) fit in b as allocated and within its cap. */
static int has_room(const pp_buf *b, size_t n)
{
    return b->data && n < b->alloc - b->len && (!b->limit || n <= b->limit - b->len);
}

/* Appends n bytes known to fit (has_room). */
static void put_fit(pp_buf *b, const void *p, size_t n)
{
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

pp_status pp_json_write_string(pp_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t clean = 0;
    while (clean < n && !must_escape[(unsigned char)s[clean]])
        clean++;
    if (clean == n && has_room(b, n + 2)) {   /* the usual case: one copy, no call to grow */
        char *o = b->data + b->len;
        o[0] = '"';
        memcpy(o + 1, s, n);
        o[n + 1] = '"';
        b->len += n + 2;
        b->data[b->len] = '\0';
        return PP_OK;
    }
    pp_status st = pp_buf_append(b, "\"", 1);
    size_t i = 0;
    while (st == PP_OK) {
        size_t run = i;   /* copy the bytes that need no escape in one append */
        while (run < n && !must_escape[(unsigned char)s[run]])
            run++;
        if (run > i)
            st = pp_buf_append(b, s + i, run - i);
        if (run == n || st != PP_OK)
            break;
        unsigned char c = (unsigned char)s[run];
        char u[6] = { '\\', 0, 0, 0, 0, 0 };
        size_t ulen = 2;
        switch (c) {
        case '"': u[1] = '"'; break;
        case '\\': u[1] = '\\'; break;
        case '\n': u[1] = 'n'; break;
        case '\r': u[1] = 'r'; break;
        case '\t': u[1] = 't'; break;
        case '\b': u[1] = 'b'; break;
        case '\f': u[1] = 'f'; break;
        default:
            u[1] = 'u'; u[2] = '0'; u[3] = '0';
            u[4] = hex[c >> 4]; u[5] = hex[c & 15];
            ulen = 6;
        }
        st = pp_buf_append(b, u, ulen);
        i = run + 1;
    }
    if (st == PP_OK)
        st = pp_buf_append(b, "\"", 1);
    return st;
}

/* ",\n" and 64 spaces: a member's separator and indentation in one append. */
static const char sep_spaces[] = ",\n                                                                ";

static pp_status newline(pp_buf *b, int indent, int depth)
{
    static const char spaces[] = "                                ";
    size_t n = (size_t)indent * (size_t)depth;
    if (n <= sizeof sep_spaces - 3)
        return pp_buf_append(b, sep_spaces + 1, n + 1);
    pp_status st = pp_buf_append(b, "\n", 1);
    while (st == PP_OK && n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        st = pp_buf_append(b, spaces, k);
        n -= k;
    }
    return st;
}

static pp_status put_real(pp_buf *b, double d)
{
    char tmp[40];
    if (!isfinite(d))
        return pp_buf_append(b, "null", 4);
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* keep it a real when read back: 1 → 1.0 */
    if (!strpbrk(tmp, ".eEn"))
        strncat(tmp, ".0", sizeof tmp - strlen(tmp) - 1);
    return pp_buf_puts(b, tmp);
}

static pp_status put(const json_t *v, int indent, int depth, pp_buf *b)
{
    if (depth > PP_JSON_WRITE_MAX_DEPTH)
        return PP_E_INTERNAL;
    char tmp[32];
    pp_status st = PP_OK;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        if (json_object_size(v) == 0)
            return pp_buf_append(b, "{}", 2);
        st = pp_buf_append(b, "{", 1);
        const char *k;
        json_t *x;
        int first = 1;
        json_object_foreach((json_t *)v, k, x) {
            if (st == PP_OK && !first)
                st = pp_buf_append(b, ",", 1);
            first = 0;
            if (st == PP_OK && indent)
                st = newline(b, indent, depth + 1);
            if (st == PP_OK)
                st = pp_json_write_string(b, k, strlen(k));
            if (st == PP_OK)
                st = pp_buf_append(b, indent ? ": " : ":", indent ? 2 : 1);
            if (st == PP_OK)
                st = put(x, indent, depth + 1, b);
            if (st != PP_OK)
                return st;
        }
        if (indent)
            st = newline(b, indent, depth);
        return st == PP_OK ? pp_buf_append(b, "}", 1) : st;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0)
            return pp_buf_append(b, "[]", 2);
        st = pp_buf_append(b, "[", 1);
        for (size_t i = 0; i < n && st == PP_OK; i++) {
            if (i)
                st = pp_buf_append(b, ",", 1);
            if (st == PP_OK && indent)
                st = newline(b, indent, depth + 1);
            if (st == PP_OK)
                st = put(json_array_get(v, i), indent, depth + 1, b);
        }
        if (st == PP_OK && indent)
            st = newline(b, indent, depth);
        return st == PP_OK ? pp_buf_append(b, "]", 1) : st;
    }
    case JSON_STRING:
        return pp_json_write_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return pp_buf_puts(b, tmp);
    case JSON_REAL:
        return put_real(b, json_real_value(v));
    case JSON_TRUE:
        return pp_buf_append(b, "true", 4);
    case JSON_FALSE:
        return pp_buf_append(b, "false", 5);
    case JSON_NULL:
    default:
        return pp_buf_append(b, "null", 4);
    }
}

pp_status pp_json_write(const json_t *v, int indent, pp_buf *out)
{
    return put(v, indent, 0, out);
}

/* ---- the streaming writer ---------------------------------------------------------------- */

void pp_jw_init(pp_jw *w, pp_buf *b, int indent)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->indent = indent;
    w->st = PP_OK;
}

/* What comes before a value or a key: nothing after a key or at the top, else the comma of
 * a member that is not the container's first and, indented, a new line. */
static void jw_before(pp_jw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth == 0 || w->st != PP_OK)
        return;
    int first = w->empty[w->depth];
    w->empty[w->depth] = 0;
    size_t n = (size_t)w->indent * (size_t)w->depth;
    if (w->indent && n <= sizeof sep_spaces - 3) {   /* ",\n" + n spaces, or "\n" + n */
        w->st = pp_buf_append(w->b, sep_spaces + first, n + 2 - (size_t)first);
        return;
    }
    if (!first)
        w->st = pp_buf_append(w->b, ",", 1);
    if (w->st == PP_OK && w->indent)
        w->st = newline(w->b, w->indent, w->depth);
}

void pp_jw_open(pp_jw *w, char bracket)
{
    jw_before(w);
    if (w->st != PP_OK)
        return;
    if (w->depth >= PP_JW_MAX_DEPTH) {
        w->st = PP_E_INTERNAL;
        return;
    }
    w->st = pp_buf_append(w->b, &bracket, 1);
    w->empty[++w->depth] = 1;
}

void pp_jw_close(pp_jw *w, char bracket)
{
    if (w->st != PP_OK)
        return;
    if (w->depth == 0) {
        w->st = PP_E_INTERNAL;
        return;
    }
    int was_empty = w->empty[w->depth--];
    if (!was_empty && w->indent)
        w->st = newline(w->b, w->indent, w->depth);
    if (w->st == PP_OK)
        w->st = pp_buf_append(w->b, &bracket, 1);
}

void pp_jw_key(pp_jw *w, const char *k)
{
    jw_before(w);
    size_t n = strlen(k);
    if (w->st == PP_OK && has_room(w->b, n + 4)) {   /* "k": in one go when k needs no escape */
        size_t i = 0;
        while (i < n && !must_escape[(unsigned char)k[i]])
            i++;
        if (i == n) {
            put_fit(w->b, "\"", 1);
            put_fit(w->b, k, n);
            put_fit(w->b, "\": ", w->indent ? 3 : 2);
            w->after_key = 1;
            return;
        }
    }
    if (w->st == PP_OK)
        w->st = pp_json_write_string(w->b, k, n);
    if (w->st == PP_OK)
        w->st = pp_buf_append(w->b, w->indent ? ": " : ":", w->indent ? 2 : 1);
    w->after_key = 1;
}

void pp_jw_strn(pp_jw *w, const char *s, size_t n)
{
    jw_before(w);
    if (w->st == PP_OK)
        w->st = pp_json_write_string(w->b, s, n);
}

/* Printable ASCII (0x20..0x7E) other than '"' (0x22) and '\\' (0x5C); bytes from 0x80 on are 0. */
const unsigned char pp_jw_plain_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

void pp_jw_plain(pp_jw *w, const char *s, size_t n)
{
    jw_before(w);
    if (w->st != PP_OK)
        return;
    if (has_room(w->b, n + 2)) {
        put_fit(w->b, "\"", 1);
        put_fit(w->b, s, n);
        put_fit(w->b, "\"", 1);
        return;
    }
    w->st = pp_buf_append(w->b, "\"", 1);
    if (w->st == PP_OK)
        w->st = pp_buf_append(w->b, s, n);
    if (w->st == PP_OK)
        w->st = pp_buf_append(w->b, "\"", 1);
}

void pp_jw_int(pp_jw *w, long long v)
{
    jw_before(w);
    if (w->st != PP_OK)
        return;
    char tmp[24], *p = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    w->st = pp_buf_append(w->b, p, (size_t)(tmp + sizeof tmp - p));
}

void pp_jw_null(pp_jw *w)
{
    jw_before(w);
    if (w->st == PP_OK)
        w->st = pp_buf_append(w->b, "null", 4);
}

/* The length of s when every byte of it is plain, else (size_t)-1. */
static size_t plain_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s, *t = pp_jw_plain_byte;
    size_t n = 0;
    /* four bytes a round; && stops at the first byte that is not plain (NUL among them), so
     * nothing past the terminator is read */
    while (t[u[n]] && t[u[n + 1]] && t[u[n + 2]] && t[u[n + 3]])
        n += 4;
    while (t[u[n]])
        n++;
    return u[n] ? (size_t)-1 : n;
}

/* The decimal text of v, ending at end; returns its first byte. */
static char *int_text(char *end, long long v)
{
    char *p = end;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    return p;
}

/* See json_write.h. The layout is jw_before's: ",\n" (or "\n" for the first member) and
 * indent × depth spaces before each member, and the same one level deeper before each item of
 * a list; pp_jw_close then ends the object as usual. */
int pp_jw_fields_plain(pp_jw *w, const pp_jw_field *f, size_t n)
{
    enum { MAXF = 24 };
    size_t len[MAXF], klen[MAXF];
    if (w->st != PP_OK || !w->indent || w->after_key || w->depth < 1 || n > MAXF ||
        w->depth >= PP_JW_MAX_DEPTH)
        return 0;
    size_t ind = (size_t)w->indent * (size_t)w->depth, ind2 = ind + (size_t)w->indent;
    if (ind2 > sizeof sep_spaces - 3)
        return 0;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t kl = klen[i] = strlen(f[i].key), vl;
        if (f[i].kind == PP_JW_F_STR) {
            vl = f[i].s ? plain_len(f[i].s) : 2;   /* null: 4 bytes, less the quotes below */
            if (vl == (size_t)-1)
                return 0;
            len[i] = vl;
            vl += 2;
        } else if (f[i].kind == PP_JW_F_STRV) {
            vl = 2;
            for (size_t k = 0; f[i].v && f[i].v[k]; k++) {
                size_t l = plain_len(f[i].v[k]);
                if (l == (size_t)-1)
                    return 0;
                vl += 2 + ind2 + l + 2 + 1;   /* ",\n" + spaces + quoted item */
            }
            vl += 1 + ind;                    /* "\n" + spaces before ']' */
            len[i] = 0;
        } else {
            vl = 20;
            len[i] = 0;
        }
        total += 2 + ind + kl + 4 + vl;
    }
    pp_buf *b = w->b;
    if (!has_room(b, total))
        return 0;
    char *o = b->data + b->len;
    int first = w->empty[w->depth];
    for (size_t i = 0; i < n; i++) {
        size_t sl = ind + 2 - (size_t)first;
        memcpy(o, sep_spaces + first, sl);
        o += sl;
        first = 0;
        size_t kl = klen[i];
        *o++ = '"';
        memcpy(o, f[i].key, kl);
        o += kl;
        memcpy(o, "\": ", 3);
        o += 3;
        if (f[i].kind == PP_JW_F_STR) {
            if (!f[i].s) {
                memcpy(o, "null", 4);
                o += 4;
                continue;
            }
            *o++ = '"';
            memcpy(o, f[i].s, len[i]);
            o += len[i];
            *o++ = '"';
        } else if (f[i].kind == PP_JW_F_STRV) {
            *o++ = '[';
            size_t k = 0;
            for (; f[i].v && f[i].v[k]; k++) {
                size_t il = ind2 + 2 - (k == 0);
                memcpy(o, sep_spaces + (k == 0), il);
                o += il;
                size_t l = strlen(f[i].v[k]);
                *o++ = '"';
                memcpy(o, f[i].v[k], l);
                o += l;
                *o++ = '"';
            }
            if (k) {
                memcpy(o, sep_spaces + 1, ind + 1);
                o += ind + 1;
            }
            *o++ = ']';
        } else {
            char tmp[24];
            char *p = int_text(tmp + sizeof tmp, f[i].i);
            size_t l = (size_t)(tmp + sizeof tmp - p);
            memcpy(o, p, l);
            o += l;
        }
    }
    if (n)
        w->empty[w->depth] = 0;
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    return 1;
}

void pp_jw_fork(const pp_jw *w, pp_jw *out, pp_buf *b)
{
    *out = *w;
    out->b = b;
    out->after_key = 0;
    out->empty[out->depth] = 0;   /* the next value is not the container's first */
}

void pp_jw_bool(pp_jw *w, int v)
{
    jw_before(w);
    if (w->st == PP_OK)
        w->st = v ? pp_buf_append(w->b, "true", 4) : pp_buf_append(w->b, "false", 5);
}

/* Collects json_dump_callback's output; the first failed append fails every later call. */
typedef struct dump_acc {
    pp_buf b;
    int failed;
} dump_acc;

static int dump_append(const char *buf, size_t size, void *data)
{
    dump_acc *a = data;
    if (!a->failed && pp_buf_append(&a->b, buf, size) != PP_OK)
        a->failed = 1;
    return a->failed ? -1 : 0;
}

char *pp_json_dumps(const json_t *v, size_t flags)
{
    dump_acc a = {.failed = 0};
    pp_buf_init(&a.b, 0);
    if (json_dump_callback(v, dump_append, &a, flags) != 0 || a.failed) {
        pp_buf_free(&a.b);
        return NULL;
    }
    return pp_buf_steal(&a.b);
}

/* Allocation failures of jansson on this thread; only ever compared before/after a call. */
static _Thread_local unsigned long json_alloc_failures;

static void *json_counting_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        json_alloc_failures++;
    return p;
}

static pthread_once_t json_init_once = PTHREAD_ONCE_INIT;

static void json_init_alloc(void)
{
    /* blocks allocated before keep working: the functions are malloc and free underneath */
    json_set_alloc_funcs(json_counting_malloc, free);
}

void pp_json_init(void)
{
    pthread_once(&json_init_once, json_init_alloc);
}

unsigned long pp_json_alloc_failures(void)
{
    pp_json_init();
    return json_alloc_failures;
}

json_t *pp_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *je, int *oom)
{
    pp_json_init();
    unsigned long before = json_alloc_failures;
    json_t *v = json_loadb(buf, len, flags, je);
    *oom = json_alloc_failures != before;
    if (*oom) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

void pp_json_put_str(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, json_string(v));
}
