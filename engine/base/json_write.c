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

pp_status pp_json_write_string(pp_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
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

static pp_status newline(pp_buf *b, int indent, int depth)
{
    static const char spaces[] = "                                ";
    pp_status st = pp_buf_append(b, "\n", 1);
    size_t n = (size_t)indent * (size_t)depth;
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
