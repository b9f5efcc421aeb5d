/* jscan.c — strict one-pass JSON reader into arena blocks (see jscan.h).
 *
 * Values under construction live on one growable stack; when a container closes, its children
 * are copied into the arena in one piece and popped. So a document costs a handful of large
 * allocations, whatever its size.
 */
#include "advisor/jscan.h"

#include "engine/base/utf8.h"
#include "engine/base/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1u << 20)

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
} block;

struct pj_doc {
    block *head;
    pj_val root;
};

typedef struct parser {
    const unsigned char *p, *end, *start;
    pj_doc *doc;
    pj_val *sv;          /* value stack */
    const char **sk;     /* key stack, parallel */
    size_t sn, scap;
    const char *what;    /* error: what was expected */
    const unsigned char *err_at;
} parser;

static void *alloc(parser *ps, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    block *b = ps->doc->head;
    if (!b || b->size - b->used < n) {
        size_t sz = n > BLOCK ? n : BLOCK;
        block *nb = malloc(sizeof *nb + sz);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = sz;
        nb->next = b;
        ps->doc->head = nb;
        b = nb;
    }
    void *r = b->data + b->used;
    b->used += n;
    return r;
}

static int fail(parser *ps, const char *what)
{
    if (!ps->what) {
        ps->what = what;
        ps->err_at = ps->p;
    }
    return -1;
}

static int push(parser *ps, const pj_val *v, const char *key)
{
    if (ps->sn == ps->scap) {
        size_t nc = ps->scap ? ps->scap * 2 : 256;
        pj_val *nv = realloc(ps->sv, nc * sizeof *nv);
        if (!nv)
            return fail(ps, "out of memory");
        ps->sv = nv;
        const char **nk = realloc(ps->sk, nc * sizeof *nk);
        if (!nk)
            return fail(ps, "out of memory");
        ps->sk = nk;
        ps->scap = nc;
    }
    ps->sv[ps->sn] = *v;
    ps->sk[ps->sn] = key;
    ps->sn++;
    return 0;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static int hex4(const unsigned char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = pp_hex_digit(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 0;
}

/* At an opening quote: decodes the string into the arena. */
static int parse_string(parser *ps, const char **out, uint32_t *outlen)
{
    const unsigned char *q = ps->p + 1;
    /* first pass: find the closing quote to size the copy */
    const unsigned char *e = q;
    while (e < ps->end && *e != '"') {
        if (*e == '\\')
            e++;
        e++;
    }
    if (e >= ps->end)
        return fail(ps, "a closing '\"'");
    if ((size_t)(e - q) > UINT32_MAX - 1)
        return fail(ps, "a shorter string");
    char *o = alloc(ps, (size_t)(e - q) + 1);
    if (!o)
        return fail(ps, "out of memory");
    size_t n = 0;
    while (q < e) {
        unsigned char c = *q;
        if (c == '\\') {
            ps->p = q;
            unsigned char x = q[1];
            switch (x) {
            case '"': o[n++] = '"'; q += 2; break;
            case '\\': o[n++] = '\\'; q += 2; break;
            case '/': o[n++] = '/'; q += 2; break;
            case 'b': o[n++] = '\b'; q += 2; break;
            case 'f': o[n++] = '\f'; q += 2; break;
            case 'n': o[n++] = '\n'; q += 2; break;
            case 'r': o[n++] = '\r'; q += 2; break;
            case 't': o[n++] = '\t'; q += 2; break;
            case 'u': {
                unsigned cp, lo;
                if (e - q < 6 || hex4(q + 2, &cp) != 0)
                    return fail(ps, "four hex digits after \\u");
                q += 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (e - q < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, &lo) != 0 ||
                        lo < 0xDC00 || lo > 0xDFFF)
                        return fail(ps, "a low surrogate after a high surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return fail(ps, "no lone low surrogate");
                }
                if (cp == 0)
                    return fail(ps, "no \\u0000 in strings");
                n += pp_utf8_put((unsigned char *)o + n, cp);   /* ≤ 4 bytes out for ≥ 6 bytes in */
                break;
            }
            default:
                return fail(ps, "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        } else if (c < 0x20) {
            ps->p = q;
            return fail(ps, "no control characters in strings (escape them)");
        } else if (c < 0x80) {
            o[n++] = (char)c;
            q++;
        } else {
            size_t l = pp_utf8_seq(q, e);
            if (!l) {
                ps->p = q;
                return fail(ps, "UTF-8 text");
            }
            memcpy(o + n, q, l);
            n += l;
            q += l;
        }
    }
    o[n] = '\0';
    *out = o;
    *outlen = (uint32_t)n;
    ps->p = e + 1;
    return 0;
}

static int parse_number(parser *ps, pj_val *v)
{
    const unsigned char *s = ps->p, *q = s;
    int is_int = 1;
    if (q < ps->end && *q == '-')
        q++;
    if (q < ps->end && *q == '0') {
        q++;
    } else if (q < ps->end && *q >= '1' && *q <= '9') {
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    } else {
        return fail(ps, "a value");
    }
    if (q < ps->end && *q == '.') {
        is_int = 0;
        q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "digits after '.'");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        is_int = 0;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "digits in the exponent");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    char tmp[64];
    size_t n = (size_t)(q - s);
    if (n >= sizeof tmp)
        return fail(ps, "a number of at most 63 characters");
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    v->type = PJ_NUM;
    v->is_int = (unsigned)is_int;
    v->u.num = strtod(tmp, NULL);
    ps->p = q;
    return 0;
}

static int lit(parser *ps, const char *word, pj_type t)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "a value");
    ps->p += n;
    pj_val v = {.type = t};
    return push(ps, &v, NULL);
}

static int parse_value(parser *ps, int depth);

/* Pops the values pushed since `base` into a container value and pushes it. */
static int close_container(parser *ps, size_t base, pj_type t)
{
    size_t n = ps->sn - base;
    pj_val v = {.type = t, .n = (uint32_t)n};
    if (n) {
        v.u.kids = alloc(ps, n * sizeof *v.u.kids);
        if (!v.u.kids)
            return fail(ps, "out of memory");
        memcpy(v.u.kids, ps->sv + base, n * sizeof *v.u.kids);
        if (t == PJ_OBJ) {
            v.keys = alloc(ps, n * sizeof *v.keys);
            if (!v.keys)
                return fail(ps, "out of memory");
            memcpy(v.keys, ps->sk + base, n * sizeof *v.keys);
        }
    }
    ps->sn = base;
    return push(ps, &v, NULL);
}

static int parse_value(parser *ps, int depth)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "a value, not the end of the input");
    unsigned char c = *ps->p;
    if (c == '"') {
        pj_val v = {.type = PJ_STR};
        if (parse_string(ps, &v.u.s, &v.n) != 0)
            return -1;
        return push(ps, &v, NULL);
    }
    if (c == '{' || c == '[') {
        if (depth >= PP_JSCAN_MAX_DEPTH)
            return fail(ps, "nesting no deeper than the limit");
        int is_obj = c == '{';
        ps->p++;
        size_t base = ps->sn;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == (is_obj ? '}' : ']')) {
            ps->p++;
            return close_container(ps, base, is_obj ? PJ_OBJ : PJ_ARR);
        }
        for (;;) {
            const char *key = NULL;
            if (is_obj) {
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != '"')
                    return fail(ps, "a member name in double quotes");
                uint32_t kl;
                if (parse_string(ps, &key, &kl) != 0)
                    return -1;
                skip_ws(ps);
                if (ps->p >= ps->end || *ps->p != ':')
                    return fail(ps, "':' after the member name");
                ps->p++;
            }
            if (parse_value(ps, depth + 1) != 0)
                return -1;
            ps->sk[ps->sn - 1] = key;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ',') {
                ps->p++;
                continue;
            }
            if (ps->p < ps->end && *ps->p == (is_obj ? '}' : ']')) {
                ps->p++;
                return close_container(ps, base, is_obj ? PJ_OBJ : PJ_ARR);
            }
            return fail(ps, is_obj ? "',' or '}'" : "',' or ']'");
        }
    }
    if (c == 't')
        return lit(ps, "true", PJ_TRUE);
    if (c == 'f')
        return lit(ps, "false", PJ_FALSE);
    if (c == 'n')
        return lit(ps, "null", PJ_NULL);
    pj_val v = {.type = PJ_NUM};
    if (parse_number(ps, &v) != 0)
        return -1;
    return push(ps, &v, NULL);
}

pj_doc *pj_parse(const char *buf, size_t len, const pj_val **root, unsigned *line,
                 unsigned *col, const char **what)
{
    parser ps = {0};
    ps.start = ps.p = (const unsigned char *)buf;
    ps.end = ps.p + len;
    ps.doc = calloc(1, sizeof *ps.doc);
    if (!ps.doc) {
        *what = "out of memory";
        *line = *col = 0;
        return NULL;
    }
    int rc = parse_value(&ps, 0);
    if (rc == 0) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            rc = fail(&ps, "the end of the input after the value");
    }
    if (rc != 0) {
        unsigned l = 1, cc = 1;
        for (const unsigned char *q = ps.start; q < ps.err_at; q++) {
            if (*q == '\n') {
                l++;
                cc = 1;
            } else if ((*q & 0xC0) != 0x80) {
                cc++;
            }
        }
        *line = l;
        *col = cc;
        *what = ps.what;
        free(ps.sv);
        free(ps.sk);
        pj_free(ps.doc);
        return NULL;
    }
    ps.doc->root = ps.sv[0];
    free(ps.sv);
    free(ps.sk);
    *root = &ps.doc->root;
    return ps.doc;
}

/* ---- from a jansson value ------------------------------------------------------------- */

/* Copies v into ps's arena as *out. -1 on NOMEM or nesting deeper than the reader allows. */
static int copy_json(parser *ps, const json_t *v, pj_val *out, int depth)
{
    memset(out, 0, sizeof *out);
    switch (json_typeof(v)) {
    case JSON_STRING: {
        size_t n = json_string_length(v);
        char *s = n < UINT32_MAX ? alloc(ps, n + 1) : NULL;
        if (!s)
            return -1;
        memcpy(s, json_string_value(v), n);
        s[n] = '\0';
        out->type = PJ_STR;
        out->n = (uint32_t)n;
        out->u.s = s;
        return 0;
    }
    case JSON_INTEGER:
        out->type = PJ_NUM;
        out->is_int = 1;
        out->u.num = (double)json_integer_value(v);
        return 0;
    case JSON_REAL:
        out->type = PJ_NUM;
        out->u.num = json_real_value(v);
        return 0;
    case JSON_TRUE:
        out->type = PJ_TRUE;
        return 0;
    case JSON_FALSE:
        out->type = PJ_FALSE;
        return 0;
    case JSON_NULL:
        out->type = PJ_NULL;
        return 0;
    case JSON_ARRAY:
    case JSON_OBJECT:
        break;
    }
    if (depth >= PP_JSCAN_MAX_DEPTH)
        return -1;
    int is_obj = json_is_object(v);
    size_t n = is_obj ? json_object_size(v) : json_array_size(v);
    if (n >= UINT32_MAX)
        return -1;
    out->type = is_obj ? PJ_OBJ : PJ_ARR;
    out->n = (uint32_t)n;
    if (!n)
        return 0;
    out->u.kids = alloc(ps, n * sizeof *out->u.kids);
    if (!out->u.kids || (is_obj && !(out->keys = alloc(ps, n * sizeof *out->keys))))
        return -1;
    if (!is_obj) {
        for (size_t i = 0; i < n; i++)
            if (copy_json(ps, json_array_get(v, i), &out->u.kids[i], depth + 1) != 0)
                return -1;
        return 0;
    }
    size_t i = 0;
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m) {   /* jansson keeps insertion order */
        size_t kl = strlen(k);
        char *kc = alloc(ps, kl + 1);
        if (!kc)
            return -1;
        memcpy(kc, k, kl + 1);
        out->keys[i] = kc;
        if (copy_json(ps, m, &out->u.kids[i], depth + 1) != 0)
            return -1;
        i++;
    }
    return 0;
}

pj_doc *pj_from_json(const json_t *v, const pj_val **root)
{
    parser ps = {0};
    ps.doc = calloc(1, sizeof *ps.doc);
    if (!ps.doc || !v || copy_json(&ps, v, &ps.doc->root, 0) != 0) {
        pj_free(ps.doc);
        return NULL;
    }
    *root = &ps.doc->root;
    return ps.doc;
}

void pj_free(pj_doc *d)
{
    if (!d)
        return;
    block *b = d->head;
    while (b) {
        block *n = b->next;
        free(b);
        b = n;
    }
    free(d);
}

const pj_val *pj_get(const pj_val *o, const char *key)
{
    if (!o || o->type != PJ_OBJ)
        return NULL;
    for (uint32_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->u.kids[i];
    return NULL;
}

const pj_val *pj_at(const pj_val *a, size_t i)
{
    return a && a->type == PJ_ARR && i < a->n ? &a->u.kids[i] : NULL;
}

size_t pj_len(const pj_val *a)
{
    return a && a->type == PJ_ARR ? a->n : 0;
}

const char *pj_str(const pj_val *v)
{
    return v && v->type == PJ_STR ? v->u.s : NULL;
}
