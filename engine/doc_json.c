/* doc_json.c — the strict JSON loader behind pp_doc_load: RFC 8259 text → jansson values,
 * recording the line and column of every value in the document's position map (jansson's own
 * loader reports no positions). The parser is iterative — an explicit stack of open containers
 * bounded by max_depth — so hostile nesting costs neither C stack nor time; each container is
 * linked into its parent when it opens. Choices: integers beyond int64 become reals (digits
 * past double precision are lost); -0 is the integer 0; reals that overflow a double, \u0000,
 * lone surrogates, comments, trailing commas and trailing text are errors.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/doc_int.h"
#include "engine/base/util.h"

typedef struct jframe {
    json_t *c;           /* the open object or array (borrowed: the parent holds it) */
    size_t idx;          /* next array index */
    unsigned char obj;
    unsigned char fresh; /* nothing read since the opening bracket */
} jframe;

typedef struct jparser {
    pp_loadctx *cx;
    const unsigned char *p, *end;
    const unsigned char *line_start;
    unsigned line;
    jframe *stack;
    size_t depth, cap;
    pp_buf kbuf;         /* decoded key when it had escapes */
    pp_buf sbuf;         /* decoded string value when it had escapes */
} jparser;

static pp_pos here_at(const jparser *j, const unsigned char *at)
{
    pp_pos pos = { j->line, (unsigned)(at - j->line_start) + 1 };
    return pos;
}

static pp_pos here(const jparser *j)
{
    return here_at(j, j->p);
}

static pp_status fail(jparser *j, pp_status st, const unsigned char *at, const char *msg)
{
    return pp_load_fail(j->cx, st, here_at(j, at), "%s", msg);
}

static void skip_ws(jparser *j)
{
    const unsigned char *p = j->p, *end = j->end;
    while (p < end) {
        unsigned c = *p;
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '\n') {
            p++;
            j->line++;
            j->line_start = p;
        } else {
            break;
        }
    }
    j->p = p;
}

/* Names what sits at j->p for "unexpected …" messages. */
static pp_status unexpected(jparser *j, const char *expected)
{
    if (j->p >= j->end)
        return pp_load_fail(j->cx, PP_E_PARSE, here(j), "unexpected end of input, %s", expected);
    unsigned c = *j->p;
    if (c == '/')
        return fail(j, PP_E_PARSE, j->p, "comments are not allowed in JSON");
    if (c >= 0x21 && c < 0x7F)
        return pp_load_fail(j->cx, PP_E_PARSE, here(j), "%s, found '%c'", expected, (int)c);
    return pp_load_fail(j->cx, PP_E_PARSE, here(j), "%s, found byte 0x%02X", expected, c);
}

static int hexval(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (int)(c - 'A' + 10);
    return -1;
}

static long read_hex4(const unsigned char *p, const unsigned char *end)
{
    if (end - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static pp_status buf_add(jparser *j, pp_buf *b, const void *s, size_t n, const unsigned char *q)
{
    pp_status st = pp_buf_append(b, s, n);
    if (st == PP_E_LIMIT)
        return pp_load_fail(j->cx, st, here_at(j, q), "string longer than %zu bytes "
                            "(max_string_bytes)", j->cx->lim->max_string_bytes);
    if (st != PP_OK)
        return fail(j, PP_E_NOMEM, q, "out of memory");
    return PP_OK;
}

/* Decodes the escape at q ('\\' at q) into b; returns the byte after it, NULL on error. */
static const unsigned char *decode_escape(jparser *j, pp_buf *b, const unsigned char *q)
{
    const unsigned char *end = j->end;
    if (q + 1 >= end) {
        fail(j, PP_E_PARSE, q, "unterminated string");
        return NULL;
    }
    unsigned char out[4];
    size_t n = 1;
    switch (q[1]) {
    case '"': out[0] = '"'; break;
    case '\\': out[0] = '\\'; break;
    case '/': out[0] = '/'; break;
    case 'b': out[0] = '\b'; break;
    case 'f': out[0] = '\f'; break;
    case 'n': out[0] = '\n'; break;
    case 'r': out[0] = '\r'; break;
    case 't': out[0] = '\t'; break;
    case 'u': {
        long cp = read_hex4(q + 2, end);
        if (cp < 0) {
            fail(j, PP_E_PARSE, q, "expected four hex digits after \\u");
            return NULL;
        }
        const unsigned char *next = q + 6;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail(j, PP_E_PARSE, q, "lone low surrogate in \\u escape");
            return NULL;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = (end - next >= 2 && next[0] == '\\' && next[1] == 'u')
                          ? read_hex4(next + 2, end) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                fail(j, PP_E_PARSE, q, "lone high surrogate in \\u escape (expected a "
                     "\\uDC00-\\uDFFF escape after it)");
                return NULL;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            next += 6;
        }
        if (cp == 0) {
            fail(j, PP_E_PARSE, q, "\\u0000 (NUL) is not allowed in strings");
            return NULL;
        }
        n = pp_utf8_put(out, (uint32_t)cp);
        return buf_add(j, b, out, n, q) == PP_OK ? next : NULL;
    }
    default:
        if (q[1] >= 0x21 && q[1] < 0x7F)
            pp_load_fail(j->cx, PP_E_PARSE, here_at(j, q), "invalid escape '\\%c' in string",
                         q[1]);
        else
            fail(j, PP_E_PARSE, q, "invalid escape in string");
        return NULL;
    }
    return buf_add(j, b, out, n, q) == PP_OK ? q + 2 : NULL;
}

/* Reads the string whose opening quote is at j->p. On success *s and *n point either into the
 * input (no escapes) or into b (decoded); neither is NUL-terminated for our purposes. */
static pp_status parse_string(jparser *j, pp_buf *b, const char **s, size_t *n)
{
    const unsigned char *start = j->p + 1, *q = start, *end = j->end;
    const unsigned char *run = start;   /* first byte not yet copied into b */
    int decoded = 0;
    size_t max = j->cx->lim->max_string_bytes;

    for (;;) {
        while (q < end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
            q++;
        if (q >= end)
            return fail(j, PP_E_PARSE, j->p, "unterminated string");
        unsigned c = *q;
        if (c == '"')
            break;
        if (c == '\\') {
            if (!decoded) {
                b->len = 0;
                decoded = 1;
            }
            if (q > run && buf_add(j, b, run, (size_t)(q - run), j->p) != PP_OK)
                return j->cx->st;
            q = decode_escape(j, b, q);
            if (!q)
                return j->cx->st;
            run = q;
        } else if (c < 0x20) {
            return fail(j, PP_E_PARSE, q, c == '\n' ? "unterminated string (newline in string)"
                        : "control character in string (escape it as \\u00XX)");
        } else {
            size_t k = pp_utf8_seq(q, end);
            if (!k)
                return pp_load_fail(j->cx, PP_E_PARSE, here_at(j, q),
                                    "invalid UTF-8 byte 0x%02X in string", c);
            q += k;
        }
    }
    if (decoded) {
        if (q > run && buf_add(j, b, run, (size_t)(q - run), j->p) != PP_OK)
            return j->cx->st;
        *s = b->data ? b->data : "";
        *n = b->len;
    } else {
        *s = (const char *)start;
        *n = (size_t)(q - start);
    }
    if (*n > max)
        return pp_load_fail(j->cx, PP_E_LIMIT, here(j), "string longer than %zu bytes "
                            "(max_string_bytes)", max);
    j->p = q + 1;
    return PP_OK;
}

static int is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

static pp_status parse_number(jparser *j, json_t **out)
{
    const unsigned char *start = j->p, *p = start, *end = j->end;
    int neg = 0, integral = 1;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (!is_digit(p, end))
        return fail(j, PP_E_PARSE, p, "invalid number: expected a digit");
    if (*p == '0') {
        p++;
        if (is_digit(p, end))
            return fail(j, PP_E_PARSE, start, "invalid number: leading zeros are not allowed");
    } else {
        while (is_digit(p, end))
            p++;
    }
    const unsigned char *int_end = p;
    if (p < end && *p == '.') {
        p++;
        if (!is_digit(p, end))
            return fail(j, PP_E_PARSE, p, "invalid number: expected a digit after '.'");
        while (is_digit(p, end))
            p++;
        integral = 0;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!is_digit(p, end))
            return fail(j, PP_E_PARSE, p, "invalid number: expected a digit in the exponent");
        while (is_digit(p, end))
            p++;
        integral = 0;
    }
    if (integral) {
        uint64_t v = 0;
        int overflow = 0;
        for (const unsigned char *d = start + neg; d < int_end; d++) {
            unsigned dv = (unsigned)(*d - '0');
            if (v > (UINT64_MAX - dv) / 10) {
                overflow = 1;
                break;
            }
            v = v * 10 + dv;
        }
        if (!overflow && (neg ? v <= (uint64_t)INT64_MAX + 1 : v <= (uint64_t)INT64_MAX)) {
            json_int_t iv = neg ? (v == (uint64_t)INT64_MAX + 1 ? (json_int_t)INT64_MIN
                                                                  : -(json_int_t)v)
                                : (json_int_t)v;
            j->p = p;
            *out = json_integer(iv);
            return *out ? PP_OK : fail(j, PP_E_NOMEM, start, "out of memory");
        }
    }
    size_t len = (size_t)(p - start);
    char small[64];
    char *tmp = len < sizeof small ? small : malloc(len + 1);
    if (!tmp)
        return fail(j, PP_E_NOMEM, start, "out of memory");
    memcpy(tmp, start, len);
    tmp[len] = '\0';
    double d = pp_doc_strtod(tmp);
    if (tmp != small)
        free(tmp);
    if (!isfinite(d))
        return fail(j, PP_E_PARSE, start, "number out of range");
    j->p = p;
    *out = json_real(d);
    return *out ? PP_OK : fail(j, PP_E_NOMEM, start, "out of memory");
}

static pp_status push(jparser *j, json_t *c, int obj)
{
    if (j->depth == j->cap) {
        size_t ncap = j->cap ? j->cap * 2 : 32;
        jframe *ns = realloc(j->stack, ncap * sizeof *ns);
        if (!ns)
            return fail(j, PP_E_NOMEM, j->p, "out of memory");
        j->stack = ns;
        j->cap = ncap;
    }
    j->stack[j->depth++] = (jframe){ .c = c, .obj = (unsigned char)obj, .fresh = 1 };
    return PP_OK;
}

/* Reads one value at j->p. Containers are returned empty with *opened set; the caller links
 * them into their parent and then pushes them. */
static pp_status read_value(jparser *j, json_t **out, int *opened)
{
    const unsigned char *p = j->p;
    *opened = 0;
    *out = NULL;
    if (p >= j->end)
        return unexpected(j, "expected a value");
    if (pp_load_count(j->cx, 1, here(j)) != PP_OK)
        return j->cx->st;
    switch (*p) {
    case '{':
    case '[':
        if (j->depth >= j->cx->lim->max_depth)
            return pp_load_fail(j->cx, PP_E_LIMIT, here(j), "nesting deeper than %zu levels "
                                "(max_depth)", j->cx->lim->max_depth);
        *out = *p == '{' ? json_object() : json_array();
        if (!*out)
            return fail(j, PP_E_NOMEM, p, "out of memory");
        *opened = *p == '{' ? 1 : 2;
        j->p++;
        return PP_OK;
    case '"': {
        const char *s;
        size_t n;
        if (parse_string(j, &j->sbuf, &s, &n) != PP_OK)
            return j->cx->st;
        if (!(*out = json_stringn_nocheck(s, n)))
            return fail(j, PP_E_NOMEM, p, "out of memory");
        return PP_OK;
    }
    case 't':
    case 'f':
    case 'n': {
        static const char *const lits[] = { "true", "false", "null" };
        const char *lit = lits[*p == 't' ? 0 : *p == 'f' ? 1 : 2];
        size_t n = strlen(lit);
        if ((size_t)(j->end - p) < n || memcmp(p, lit, n) != 0)
            return fail(j, PP_E_PARSE, p, "invalid literal, expected true, false or null");
        j->p += n;
        *out = *p == 't' ? json_true() : *p == 'f' ? json_false() : json_null();
        return PP_OK;
    }
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9'))
            return parse_number(j, out);
        return unexpected(j, "expected a value");
    }
}

/* Links v (stolen) into the top container under key (s, n) or the next index. */
static pp_status link_value(jparser *j, json_t *v, const char *key, size_t klen, pp_pos kpos,
                            pp_pos vpos)
{
    if (j->depth == 0) {
        /* the caller holds the root reference, also on failure */
        if (pp_posmap_append(j->cx->pos, NULL, "", 0, 0, vpos, vpos) != 0)
            return fail(j, PP_E_NOMEM, j->p, "out of memory");
        return PP_OK;
    }
    jframe *f = &j->stack[j->depth - 1];
    if (f->obj) {
        /* jansson replaces an existing key, leaving the size unchanged: that is a duplicate */
        size_t before = json_object_size(f->c);
        if (json_object_setn_new_nocheck(f->c, key, klen, v) != 0)
            return fail(j, PP_E_NOMEM, j->p, "out of memory");
        if (json_object_size(f->c) == before) {
            pp_pos first = { 0, 0 };
            pp_posmap_key_pos(j->cx->pos, f->c, key, klen, &first);
            return pp_load_fail(j->cx, PP_E_PARSE, kpos, "duplicate key '%.*s' (first at "
                                "line %u, column %u)", (int)(klen > 200 ? 200 : klen), key,
                                first.line, first.col);
        }
        if (pp_posmap_append(j->cx->pos, f->c, key, klen, 0, vpos, kpos) != 0)
            return fail(j, PP_E_NOMEM, j->p, "out of memory");
    } else {
        if (json_array_append_new(f->c, v) != 0 ||
            pp_posmap_append(j->cx->pos, f->c, NULL, 0, f->idx, vpos, vpos) != 0)
            return fail(j, PP_E_NOMEM, j->p, "out of memory");
        f->idx++;
    }
    return PP_OK;
}

static pp_status parse(jparser *j, json_t **root)
{
    json_t *v;
    int opened;
    skip_ws(j);
    if (j->p >= j->end)
        return pp_load_fail(j->cx, PP_E_PARSE, (pp_pos){ 1, 1 }, "empty document");
    pp_pos vpos = here(j);
    if (read_value(j, &v, &opened) != PP_OK)
        return j->cx->st;
    *root = v;
    if (link_value(j, v, NULL, 0, vpos, vpos) != PP_OK)
        return j->cx->st;
    if (opened && push(j, v, opened == 1) != PP_OK)
        return j->cx->st;

    while (j->depth > 0) {
        jframe *f = &j->stack[j->depth - 1];
        const char *key = NULL;
        size_t klen = 0;
        pp_pos kpos = { 0, 0 };
        skip_ws(j);
        unsigned c = j->p < j->end ? *j->p : 0;
        int at_end = j->p >= j->end;
        if (f->obj) {
            if (!at_end && c == '}') {
                j->p++;
                j->depth--;
                continue;
            }
            if (!f->fresh) {
                if (at_end || c != ',')
                    return unexpected(j, "expected ',' or '}' after object member");
                j->p++;
                skip_ws(j);
                if (j->p >= j->end || *j->p != '"')
                    return unexpected(j, "expected '\"' (an object key) after ','");
            } else if (at_end || c != '"') {
                return unexpected(j, "expected '\"' (an object key) or '}'");
            }
            kpos = here(j);
            if (parse_string(j, &j->kbuf, &key, &klen) != PP_OK)
                return j->cx->st;
            if (klen > 0 && key[0] == '\x01')
                return pp_load_fail(j->cx, PP_E_PARSE, kpos, "keys starting with byte 0x01 "
                                    "are reserved");
            if (klen >= 13 && key[0] == 'F' && memcmp(key, "Fn::ForEach::", 13) == 0)
                j->cx->loop_keys++;   /* pp_doc_load_root_scan */
            skip_ws(j);
            if (j->p >= j->end || *j->p != ':')
                return unexpected(j, "expected ':' after object key");
            j->p++;
            skip_ws(j);
        } else {
            if (!at_end && c == ']') {
                j->p++;
                j->depth--;
                continue;
            }
            if (!f->fresh) {
                if (at_end || c != ',')
                    return unexpected(j, "expected ',' or ']' after array element");
                j->p++;
                skip_ws(j);
            }
        }
        f->fresh = 0;
        vpos = here(j);
        if (read_value(j, &v, &opened) != PP_OK)
            return j->cx->st;
        if (link_value(j, v, key, klen, f->obj ? kpos : vpos, vpos) != PP_OK)
            return j->cx->st;
        if (opened && push(j, v, opened == 1) != PP_OK)
            return j->cx->st;
    }
    skip_ws(j);
    if (j->p < j->end) {
        if (*j->p == '/')
            return fail(j, PP_E_PARSE, j->p, "comments are not allowed in JSON");
        return unexpected(j, "expected end of input after the top-level value");
    }
    return PP_OK;
}

/* See doc_int.h. Returns a new reference (caller releases) or NULL with cx->st set. */
json_t *pp_doc_parse_json(pp_loadctx *cx, const char *buf, size_t len)
{
    jparser j = {
        .cx = cx,
        .p = (const unsigned char *)buf,
        .end = (const unsigned char *)buf + len,
        .line_start = (const unsigned char *)buf,
        .line = 1,
    };
    json_t *root = NULL;
    /* a cap of 0 would mean "none" to pp_buf; parse_string checks the length again anyway */
    pp_buf_init(&j.kbuf, cx->lim->max_string_bytes);
    pp_buf_init(&j.sbuf, cx->lim->max_string_bytes);
    if (parse(&j, &root) != PP_OK) {
        json_decref(root);
        root = NULL;
    }
    pp_buf_free(&j.kbuf);
    pp_buf_free(&j.sbuf);
    free(j.stack);
    return root;
}
