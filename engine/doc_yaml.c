/* doc_yaml.c — the YAML loader behind pp_doc_load: libyaml's event stream → jansson values,
 * recording the line and column of every value in the document's position map. It turns
 * CloudFormation short-form tags into their long forms, resolves plain scalars with the YAML
 * 1.2 core schema (narrowed: only true/false spellings are booleans, plain numbers with a
 * leading zero, integers beyond int64 and .inf/.nan/overflowing floats stay strings because
 * JSON cannot hold them without losing digits), expands aliases by sharing the anchored value
 * (json_incref) while charging its full size to max_alias_nodes and max_nodes, and checks
 * max_depth on every collection event so that nesting is never followed further than the cap.
 * Merge keys ("<<") are ordinary keys: they are YAML 1.1, which CloudFormation does not honour.
 * Tag classification and the core-schema scalar rules are doc_yaml_scalar.c (doc_yaml_int.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "engine/doc_int.h"
#include "engine/doc_yaml_int.h"
#include "engine/base/hash.h"
#include "engine/base/util.h"

typedef struct yframe {
    json_t *c;           /* the open object or array (borrowed: the parent holds it) */
    json_t *node;        /* what the parent holds: c or its short-form wrapper (borrowed) */
    char *anchor;        /* owned; registered when the node closes */
    pp_pos pos;
    size_t nodes0;       /* cx->nodes before this node was counted */
    size_t base;         /* nesting level of the parent container, 0 at the root */
    size_t level;        /* nesting level of c */
    size_t maxlvl;       /* deepest container level inside, c included */
    size_t idx;          /* next array index */
    unsigned char map;
    unsigned char have_key;  /* a key is waiting in yparser.key for its value */
} yframe;

typedef struct yanchor {
    char *name;          /* owned; NULL marks an empty slot */
    json_t *v;           /* owned reference */
    size_t size;         /* values the node expands to, nested aliases included */
    size_t height;       /* container levels inside the node */
} yanchor;

typedef struct yparser {
    pp_loadctx *cx;
    yaml_parser_t parser;
    const unsigned char *buf;
    size_t len;
    int has_high;        /* any byte >= 0x80: libyaml columns (characters) need converting */
    size_t *lines;       /* byte offset of each line start, built on demand */
    size_t nlines;
    /* The last mark converted (line, column in characters → byte offset): events come in
     * document order, so the next conversion walks on from here, not from the line start.
     * Without it a long line of many scalars cost O(scalars x line length). */
    size_t cur_line, cur_col, cur_off;
    int cur_ok;
    yframe *stack;
    size_t depth, cap;
    pp_buf key;          /* pending mapping key */
    pp_pos kpos;
    yanchor *anchors;    /* open addressing, acap a power of two */
    size_t acap, nanchors;
    size_t alias_nodes;
    json_t *root;        /* owned */
} yparser;

/* ---- positions ---------------------------------------------------------------------- */

/* libyaml's line breaks: CRLF, CR, LF, NEL, LS, PS. Returns the break length at i or 0. */
static size_t break_len(const unsigned char *b, size_t len, size_t i)
{
    unsigned c = b[i];
    if (c == '\n')
        return 1;
    if (c == '\r')
        return (i + 1 < len && b[i + 1] == '\n') ? 2 : 1;
    if (c == 0xC2 && i + 1 < len && b[i + 1] == 0x85)
        return 2;
    if (c == 0xE2 && i + 2 < len && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9))
        return 3;
    return 0;
}

static int build_lines(yparser *y)
{
    if (y->lines)
        return 0;
    size_t cap = 1024, n = 0;
    size_t *l = malloc(cap * sizeof *l);
    if (!l)
        return -1;
    l[n++] = 0;
    for (size_t i = 0; i < y->len;) {
        size_t k = break_len(y->buf, y->len, i);
        if (!k) {
            i++;
            continue;
        }
        i += k;
        if (n == cap) {
            size_t *nl = realloc(l, cap * 2 * sizeof *nl);
            if (!nl) {
                free(l);
                return -1;
            }
            l = nl;
            cap *= 2;
        }
        l[n++] = i;
    }
    y->lines = l;
    y->nlines = n;
    return 0;
}

/* Converts a libyaml mark (0-based line, column in characters) to a 1-based position in
 * bytes; *off (may be NULL) receives the byte offset or len when unknown. */
static pp_pos mark_pos(yparser *y, yaml_mark_t m, size_t *off)
{
    pp_pos p = { (unsigned)m.line + 1, (unsigned)m.column + 1 };
    if (off)
        *off = y->len;
    if (!y->has_high && !off)
        return p;
    if (build_lines(y) != 0 || m.line >= y->nlines)
        return p;
    size_t i = y->lines[m.line], c = 0;
    if (y->cur_ok && y->cur_line == m.line && y->cur_col <= m.column) {
        i = y->cur_off;
        c = y->cur_col;
    }
    for (; c < m.column && i < y->len; c++) {
        size_t k = y->buf[i] < 0x80 ? 1 : pp_utf8_seq(y->buf + i, y->buf + y->len);
        i += k ? k : 1;
    }
    y->cur_line = m.line;
    y->cur_col = c;
    y->cur_off = i;
    y->cur_ok = 1;
    p.col = (unsigned)(i - y->lines[m.line]) + 1;
    if (off)
        *off = i;
    return p;
}

static pp_pos offset_pos(yparser *y, size_t off)
{
    pp_pos p = { 1, (unsigned)off + 1 };
    if (build_lines(y) != 0)
        return p;
    size_t lo = 0, hi = y->nlines;   /* last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (y->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    p.line = (unsigned)lo + 1;
    p.col = (unsigned)(off - y->lines[lo]) + 1;
    return p;
}

static pp_status nomem(yparser *y, pp_pos at)
{
    return pp_load_fail(y->cx, PP_E_NOMEM, at, "out of memory");
}

/* ---- anchors ------------------------------------------------------------------------ */

static size_t name_hash(const char *s)
{
    uint64_t h = pp_fnv1a_str(s);
    return (size_t)(h ^ (h >> 29));
}

static yanchor *anchor_find(const yparser *y, const char *name)
{
    if (!y->acap)
        return NULL;
    size_t mask = y->acap - 1;
    for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
        if (!y->anchors[i].name)
            return NULL;
        if (strcmp(y->anchors[i].name, name) == 0)
            return &y->anchors[i];
    }
}

/* Registers (or, YAML allowing it, redefines) anchor `name` (stolen) for v (a new reference is
 * taken). Returns PP_OK or PP_E_NOMEM; name is freed either way when not kept. */
static pp_status anchor_set(yparser *y, char *name, json_t *v, size_t size, size_t height,
                            pp_pos at)
{
    yanchor *a = anchor_find(y, name);
    if (a) {
        free(name);
        json_decref(a->v);
        a->v = json_incref(v);
        a->size = size;
        a->height = height;
        return PP_OK;
    }
    if ((y->nanchors + 1) * 2 > y->acap) {
        size_t ncap = y->acap ? y->acap * 2 : 16;
        yanchor *nt = calloc(ncap, sizeof *nt);
        if (!nt) {
            free(name);
            return nomem(y, at);
        }
        for (size_t i = 0; i < y->acap; i++) {
            if (!y->anchors[i].name)
                continue;
            size_t j = name_hash(y->anchors[i].name) & (ncap - 1);
            while (nt[j].name)
                j = (j + 1) & (ncap - 1);
            nt[j] = y->anchors[i];
        }
        free(y->anchors);
        y->anchors = nt;
        y->acap = ncap;
    }
    size_t i = name_hash(name) & (y->acap - 1);
    while (y->anchors[i].name)
        i = (i + 1) & (y->acap - 1);
    y->anchors[i] = (yanchor){ .name = name, .v = json_incref(v), .size = size,
                               .height = height };
    y->nanchors++;
    return PP_OK;
}

/* ---- scalars ------------------------------------------------------------------------ */

static pp_status bad_tag(yparser *y, const char *tag, const char *what, pp_pos at)
{
    int std = strncmp(tag, YAML_TAG_PREFIX, sizeof YAML_TAG_PREFIX - 1) == 0;
    if (strncmp(tag, "!Rain::", 7) == 0)
        return pp_load_fail(y->cx, PP_E_PARSE, at, "tag '%.100s' is a directive of the Rain "
                            "preprocessor, not CloudFormation: check the output of 'rain "
                            "pkg' instead", tag);
    return pp_load_fail(y->cx, PP_E_PARSE, at, "%s tag '%s%.100s'%s", std ? "unsupported" :
                        "unknown", std ? "!!" : "", std ? tag + sizeof YAML_TAG_PREFIX - 1 : tag,
                        what);
}

/* Builds the value of a scalar event given its tag kind; NULL with the error recorded. */
static json_t *scalar_value(yparser *y, const yaml_event_t *ev, enum tag_kind k, pp_pos at)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    json_int_t iv;
    double dv;
    json_t *v = NULL;
    switch (k) {
    case T_NONE:
        if (ev->data.scalar.tag || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
            v = json_stringn_nocheck(s, n);
        else
            v = plain_value(s, n);
        break;
    case T_STR:
    case T_SHORT:
        v = json_stringn_nocheck(s, n);
        break;
    case T_INT: {
        int r = core_int(s, n, 0, &iv);
        if (r != 1) {
            pp_load_fail(y->cx, PP_E_PARSE, at, r == 2 ? "!!int value out of the 64-bit range"
                         : "!!int value is not an integer");
            return NULL;
        }
        v = json_integer(iv);
        break;
    }
    case T_FLOAT: {
        int r = core_int(s, n, 0, &iv);
        if (r == 1) {
            v = json_real((double)iv);
            break;
        }
        r = core_float(s, n, 0, &dv);
        if (r != 1) {
            pp_load_fail(y->cx, PP_E_PARSE, at, r == 2 ? "!!float value cannot be represented "
                         "(infinite, NaN or out of range)" : "!!float value is not a number");
            return NULL;
        }
        v = json_real(dv);
        break;
    }
    case T_BOOL: {
        int b = bool_word(s, n);
        if (b < 0) {
            pp_load_fail(y->cx, PP_E_PARSE, at, "!!bool value must be true or false");
            return NULL;
        }
        v = json_boolean(b);
        break;
    }
    case T_NULL:
        if (!is_null_word(s, n)) {
            pp_load_fail(y->cx, PP_E_PARSE, at, "!!null value must be null, ~ or empty");
            return NULL;
        }
        v = json_null();
        break;
    default:
        pp_load_fail(y->cx, PP_E_PARSE, at, "tag '!!%s' cannot apply to a scalar",
                     k == T_MAP ? "map" : "seq");
        return NULL;
    }
    if (!v)
        nomem(y, at);
    return v;
}

/* Checks a scalar's bytes against max_string_bytes and NUL (from "\0" escapes). */
static pp_status check_text(yparser *y, const char *s, size_t n, pp_pos at)
{
    if (n > y->cx->lim->max_string_bytes)
        return pp_load_fail(y->cx, PP_E_LIMIT, at, "string longer than %zu bytes "
                            "(max_string_bytes)", y->cx->lim->max_string_bytes);
    if (memchr(s, '\0', n))
        return pp_load_fail(y->cx, PP_E_PARSE, at, "NUL characters are not allowed in strings");
    return PP_OK;
}

/* ---- building ----------------------------------------------------------------------- */

static yframe *top(yparser *y)
{
    return y->depth ? &y->stack[y->depth - 1] : NULL;
}

/* Links v (stolen) at the current place: the root, the pending key of the top mapping, or
 * the next index of the top sequence. */
static pp_status link_value(yparser *y, json_t *v, pp_pos at)
{
    yframe *f = top(y);
    if (!f) {
        y->root = v;
        if (pp_posmap_append(y->cx->pos, NULL, "", 0, 0, at, at) != 0)
            return nomem(y, at);
        return PP_OK;
    }
    if (f->map) {
        const char *key = y->key.data ? y->key.data : "";
        size_t klen = y->key.len;
        f->have_key = 0;
        /* jansson replaces an existing key, leaving the size unchanged: that is a duplicate */
        size_t before = json_object_size(f->c);
        if (json_object_setn_new_nocheck(f->c, key, klen, v) != 0)
            return nomem(y, at);
        if (json_object_size(f->c) == before) {
            pp_pos first = { 0, 0 };
            pp_posmap_key_pos(y->cx->pos, f->c, key, klen, &first);
            return pp_load_fail(y->cx, PP_E_PARSE, y->kpos, "duplicate key '%.*s' (first at "
                                "line %u, column %u)", (int)(klen > 200 ? 200 : klen), key,
                                first.line, first.col);
        }
        if (pp_posmap_append(y->cx->pos, f->c, key, klen, 0, at, y->kpos) != 0)
            return nomem(y, at);
    } else {
        if (json_array_append_new(f->c, v) != 0 ||
            pp_posmap_append(y->cx->pos, f->c, NULL, 0, f->idx, at, at) != 0)
            return nomem(y, at);
        f->idx++;
    }
    return PP_OK;
}

/* {longkey: inner} with inner stolen; NULL on NOMEM (inner released). */
static json_t *wrap(yparser *y, const char *longkey, json_t *inner, pp_pos at)
{
    json_t *o = json_object();
    if (!o || json_object_set_new_nocheck(o, longkey, inner) != 0) {
        if (!o)
            json_decref(inner);
        json_decref(o);
        return NULL;
    }
    if (pp_posmap_append(y->cx->pos, o, longkey, strlen(longkey), 0, at, at) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* !GetAtt "A.B" → ["A", "B"] (split at the first dot). s has no dot → the string itself, which
 * the resolver reports as a malformed Fn::GetAtt. */
static json_t *getatt_split(yparser *y, json_t *str, pp_pos at)
{
    const char *s = json_string_value(str);
    size_t n = json_string_length(str);
    const char *dot = memchr(s, '.', n);
    if (!dot)
        return str;
    json_t *a = json_array();
    json_t *l = json_stringn_nocheck(s, (size_t)(dot - s));
    json_t *r = json_stringn_nocheck(dot + 1, n - (size_t)(dot - s) - 1);
    json_decref(str);
    if (!a || !l || !r) {
        json_decref(a);
        json_decref(l);
        json_decref(r);
        return NULL;
    }
    if (json_array_append_new(a, l) != 0) {
        json_decref(r);
        json_decref(a);
        return NULL;
    }
    if (json_array_append_new(a, r) != 0 ||
        pp_posmap_append(y->cx->pos, a, NULL, 0, 0, at, at) != 0 ||
        pp_posmap_append(y->cx->pos, a, NULL, 0, 1, at, at) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static pp_status note_level(yparser *y, size_t lvl, pp_pos at)
{
    if (lvl > y->cx->lim->max_depth)
        return pp_load_fail(y->cx, PP_E_LIMIT, at, "nesting deeper than %zu levels (max_depth)",
                            y->cx->lim->max_depth);
    yframe *f = top(y);
    if (f && lvl > f->maxlvl)
        f->maxlvl = lvl;
    return PP_OK;
}

static pp_status on_key_scalar(yparser *y, yaml_event_t *ev, pp_pos at)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    const char *lk = NULL;
    enum tag_kind k = tag_kind(tag, &lk);
    if (k != T_NONE && k != T_STR)
        return pp_load_fail(y->cx, PP_E_PARSE, at, "mapping keys are always strings: tag '%.100s'"
                            " is not allowed on a key", tag);
    if (check_text(y, s, n, at) != PP_OK)
        return y->cx->st;
    if (n && s[0] == '\x01')
        return pp_load_fail(y->cx, PP_E_PARSE, at, "keys starting with byte 0x01 are reserved");
    y->key.len = 0;
    if (pp_buf_append(&y->key, s, n) != PP_OK)
        return nomem(y, at);
    y->kpos = at;
    top(y)->have_key = 1;
    if (ev->data.scalar.anchor) {
        json_t *v = json_stringn_nocheck(s, n);
        if (!v)
            return nomem(y, at);
        char *name = (char *)ev->data.scalar.anchor;
        ev->data.scalar.anchor = NULL;
        pp_status st = anchor_set(y, name, v, 1, 0, at);
        json_decref(v);
        return st;
    }
    return PP_OK;
}

static pp_status on_scalar(yparser *y, yaml_event_t *ev)
{
    pp_pos at = mark_pos(y, ev->start_mark, NULL);
    yframe *f = top(y);
    if (f && f->map && !f->have_key)
        return on_key_scalar(y, ev, at);

    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    if (!f && n == 0 && !tag && !ev->data.scalar.anchor &&
        ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        return pp_load_fail(y->cx, PP_E_PARSE, (pp_pos){ 1, 1 }, "empty document");
    const char *lk = NULL;
    enum tag_kind k = tag_kind(tag, &lk);
    if (k == T_BAD)
        return bad_tag(y, tag, "", at);
    if (check_text(y, s, n, at) != PP_OK)
        return y->cx->st;
    size_t nodes0 = y->cx->nodes;
    if (pp_load_count(y->cx, k == T_SHORT ? 2 : 1, at) != PP_OK)
        return y->cx->st;
    json_t *v = scalar_value(y, ev, k, at);
    if (!v)
        return y->cx->st;
    size_t height = 0;
    if (k == T_SHORT) {
        if (strcmp(lk, "Fn::GetAtt") == 0) {
            if (memchr(s, '.', n) && pp_load_count(y->cx, 2, at) != PP_OK) {
                json_decref(v);
                return y->cx->st;
            }
            if (!(v = getatt_split(y, v, at)))
                return nomem(y, at);
            height = json_is_array(v) ? 1 : 0;
        }
        if (!(v = wrap(y, lk, v, at)))
            return nomem(y, at);
        height++;
        if (note_level(y, (f ? f->level : 0) + height, at) != PP_OK) {
            json_decref(v);
            return y->cx->st;
        }
    }
    json_t *keep = v;
    if (link_value(y, v, at) != PP_OK)
        return y->cx->st;
    if (ev->data.scalar.anchor) {
        char *name = (char *)ev->data.scalar.anchor;
        ev->data.scalar.anchor = NULL;
        return anchor_set(y, name, keep, y->cx->nodes - nodes0, height, at);
    }
    return PP_OK;
}

static pp_status on_alias(yparser *y, const yaml_event_t *ev)
{
    pp_pos at = mark_pos(y, ev->start_mark, NULL);
    const char *name = (const char *)ev->data.alias.anchor;
    yanchor *a = anchor_find(y, name);
    if (!a)
        return pp_load_fail(y->cx, PP_E_PARSE, at, "undefined alias '*%.100s'", name);
    yframe *f = top(y);
    if (f && f->map && !f->have_key) {
        if (!json_is_string(a->v))
            return pp_load_fail(y->cx, PP_E_PARSE, at, "alias '*%.100s' used as a key must "
                                "name a string", name);
        y->key.len = 0;
        if (pp_buf_append(&y->key, json_string_value(a->v), json_string_length(a->v)) != PP_OK)
            return nomem(y, at);
        y->kpos = at;
        f->have_key = 1;
        return PP_OK;
    }
    size_t max = y->cx->lim->max_alias_nodes;
    if (a->size > max || y->alias_nodes > max - a->size)
        return pp_load_fail(y->cx, PP_E_LIMIT, at, "aliases expand to more than %zu values "
                            "(max_alias_nodes)", max);
    y->alias_nodes += a->size;
    if (pp_load_count(y->cx, a->size, at) != PP_OK)
        return y->cx->st;
    if (note_level(y, (f ? f->level : 0) + a->height, at) != PP_OK)
        return y->cx->st;
    return link_value(y, json_incref(a->v), at);
}

static pp_status on_start(yparser *y, yaml_event_t *ev, int map)
{
    pp_pos at = mark_pos(y, ev->start_mark, NULL);
    yframe *f = top(y);
    if (f && f->map && !f->have_key)
        return pp_load_fail(y->cx, PP_E_PARSE, at, "mapping keys must be scalars, found a %s",
                            map ? "mapping" : "sequence");
    const char *tag = (const char *)(map ? ev->data.mapping_start.tag
                                         : ev->data.sequence_start.tag);
    const char *lk = NULL;
    enum tag_kind k = tag_kind(tag, &lk);
    if (k == T_BAD)
        return bad_tag(y, tag, "", at);
    if (k != T_NONE && k != T_SHORT && k != (map ? T_MAP : T_SEQ))
        return bad_tag(y, tag, map ? " cannot apply to a mapping" : " cannot apply to a sequence",
                       at);
    size_t nodes0 = y->cx->nodes;
    size_t base = f ? f->level : 0;
    size_t level = base + (k == T_SHORT ? 2 : 1);
    if (pp_load_count(y->cx, k == T_SHORT ? 2 : 1, at) != PP_OK ||
        note_level(y, level, at) != PP_OK)
        return y->cx->st;
    if (y->depth == y->cap) {
        size_t ncap = y->cap ? y->cap * 2 : 32;
        yframe *ns = realloc(y->stack, ncap * sizeof *ns);
        if (!ns)
            return nomem(y, at);
        y->stack = ns;
        y->cap = ncap;
    }
    json_t *c = map ? json_object() : json_array();
    if (!c)
        return nomem(y, at);
    json_t *node = k == T_SHORT ? wrap(y, lk, c, at) : c;
    if (!node)
        return nomem(y, at);
    if (link_value(y, node, at) != PP_OK)
        return y->cx->st;
    yaml_char_t **anchor = map ? &ev->data.mapping_start.anchor : &ev->data.sequence_start.anchor;
    y->stack[y->depth++] = (yframe){ .c = c, .node = node, .anchor = (char *)*anchor, .pos = at,
                                     .nodes0 = nodes0, .base = base, .level = level,
                                     .maxlvl = level, .map = (unsigned char)map };
    *anchor = NULL;
    return PP_OK;
}

static pp_status on_end(yparser *y)
{
    yframe f = y->stack[--y->depth];
    yframe *parent = top(y);
    if (parent && f.maxlvl > parent->maxlvl)
        parent->maxlvl = f.maxlvl;
    if (f.anchor)
        return anchor_set(y, f.anchor, f.node, y->cx->nodes - f.nodes0, f.maxlvl - f.base,
                          f.pos);
    return PP_OK;
}

static pp_status libyaml_error(yparser *y)
{
    yaml_parser_t *p = &y->parser;
    size_t off = y->len;
    pp_pos at;
    /* libyaml describes every syntax error; some of its allocation failures set no error */
    if (p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR || !p->problem)
        return nomem(y, (pp_pos){ 1, 1 });
    if (p->error == YAML_READER_ERROR) {
        at = offset_pos(y, p->problem_offset);
        if (p->problem_value != -1)
            return pp_load_fail(y->cx, PP_E_PARSE, at, "%s (byte 0x%02X)", p->problem,
                                (unsigned)p->problem_value & 0xFFu);
        return pp_load_fail(y->cx, PP_E_PARSE, at, "%s", p->problem ? p->problem : "bad input");
    }
    at = mark_pos(y, p->problem_mark, &off);
    const char *hint = off < y->len && y->buf[off] == '\t'
                           ? "; tabs cannot be used for indentation" : "";
    if (p->context) {
        pp_pos cat = mark_pos(y, p->context_mark, NULL);
        return pp_load_fail(y->cx, PP_E_PARSE, at, "%s (%s at line %u, column %u)%s",
                            p->problem ? p->problem : "invalid YAML", p->context, cat.line,
                            cat.col, hint);
    }
    return pp_load_fail(y->cx, PP_E_PARSE, at, "%s%s", p->problem ? p->problem : "invalid YAML",
                        hint);
}

static pp_status run(yparser *y)
{
    yaml_event_t ev;
    int docs = 0, done = 0;
    while (!done) {
        if (!yaml_parser_parse(&y->parser, &ev))
            return libyaml_error(y);
        pp_status st = PP_OK;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (docs++)
                st = pp_load_fail(y->cx, PP_E_PARSE, mark_pos(y, ev.start_mark, NULL),
                                  "expected a single document, found a second one");
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_ALIAS_EVENT:
            st = on_alias(y, &ev);
            break;
        case YAML_SCALAR_EVENT:
            st = on_scalar(y, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            st = on_start(y, &ev, 0);
            break;
        case YAML_MAPPING_START_EVENT:
            st = on_start(y, &ev, 1);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            st = y->depth ? on_end(y) : PP_E_INTERNAL;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (st != PP_OK)
            return y->cx->st != PP_OK ? y->cx->st : st;
    }
    if (!y->root)
        return pp_load_fail(y->cx, PP_E_PARSE, (pp_pos){ 1, 1 }, "empty document");
    return PP_OK;
}

/* See doc_int.h. Returns a new reference (caller releases) or NULL with cx->st set. */
json_t *pp_doc_parse_yaml(pp_loadctx *cx, const char *buf, size_t len)
{
    yparser y = { .cx = cx, .buf = (const unsigned char *)buf, .len = len };
    pp_status st;
    for (size_t i = 0; i < len; i++) {
        if (y.buf[i] >= 0x80) {
            y.has_high = 1;
            break;
        }
    }
    pp_buf_init(&y.key, 0);
    if (!yaml_parser_initialize(&y.parser)) {
        pp_load_fail(cx, PP_E_NOMEM, (pp_pos){ 1, 1 }, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&y.parser, y.buf, len);
    yaml_parser_set_encoding(&y.parser, YAML_UTF8_ENCODING);
    st = run(&y);
    if (st != PP_OK && cx->st == PP_OK)
        pp_load_fail(cx, st, (pp_pos){ 1, 1 }, "internal error while loading YAML");
    while (y.depth)
        free(y.stack[--y.depth].anchor);
    for (size_t i = 0; i < y.acap; i++) {
        free(y.anchors[i].name);
        json_decref(y.anchors[i].v);
    }
    free(y.anchors);
    free(y.stack);
    free(y.lines);
    pp_buf_free(&y.key);
    yaml_parser_delete(&y.parser);
    if (st != PP_OK) {
        json_decref(y.root);
        return NULL;
    }
    return y.root;
}
