/* doc.c — the document core (see doc.h): pp_doc_load picks the JSON or YAML loader, the
 * position map records the line and column of every (container, member) edge the loaders
 * report, and pp_doc_pos answers "where is /Resources/A/Properties/X" for findings. The map is
 * one open-addressing table (linear probing) of fixed-size entries whose keys live in a chunked
 * arena, so recording a value costs no malloc of its own.
 */
#include "engine/doc.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/doc_int.h"
#include "engine/base/hash.h"
#include "engine/base/util.h"

/* ---- position map ------------------------------------------------------------------ */

/* Entries are appended in load order, so filling the map writes memory sequentially and the
 * loaders pay no hashing per value (duplicate keys are caught by jansson's own object table).
 * The hash index over them is built in one pass when loading ends (pp_posmap_index): slots are
 * 64-bit — the high half the edge's 32-bit hash, which also picks the slot, the low half the
 * entry number + 1 (0 = empty) — and the pass hashes everything first, then inserts with
 * prefetching, which keeps a 5 MB template inside its time budget. Lookups before indexing
 * (or of entries added after it) fall back to scanning the unindexed tail. */
typedef struct pm_entry {
    const json_t *parent;
    const char *key;    /* in the arena; NULL for an array index */
    size_t n;           /* key length, or the array index when key == NULL */
    pp_pos pos;         /* the value */
    pp_pos kpos;        /* the key (== pos for array elements) */
} pm_entry;

typedef struct pm_chunk {
    struct pm_chunk *next;
    size_t used, cap;
    char data[];
} pm_chunk;

struct pp_posmap {
    uint64_t *slots;    /* cap slots, cap a power of two (or 0: no index yet) */
    size_t cap;         /* invariant: indexed * 2 <= cap */
    pm_entry *ent;      /* n entries in insertion order, room for ecap */
    size_t n, ecap;
    size_t indexed;     /* ent[0..indexed) are in the slots */
    pm_chunk *arena;    /* head is the chunk being filled */
};

#define PM_CHUNK 65536u
#define PM_MAX_ENTRIES 0x7fffffffu
#define PM_PREFETCH 16

static uint32_t edge_hash(const json_t *parent, const char *key, size_t n)
{
    uint64_t h = (uint64_t)(uintptr_t)parent * 0x9e3779b97f4a7c15ULL;
    if (key) {
        h ^= pp_fnv1a(key, n) ^ n;
    } else {
        h ^= (n + 1) * 0xd6e8feb86659fd93ULL + 0x632be59bd9b4e019ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

static int edge_eq(const pm_entry *e, const json_t *parent, const char *key, size_t n)
{
    if (e->parent != parent || e->n != n)
        return 0;
    if (!key || !e->key)
        return !key && !e->key;
    return memcmp(e->key, key, n) == 0;
}

static pm_entry *pm_find(const pp_posmap *m, const json_t *parent, const char *key, size_t n)
{
    if (m->cap) {
        uint32_t h = edge_hash(parent, key, n);
        size_t mask = m->cap - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            uint64_t s = m->slots[i];
            if (!s)
                break;
            pm_entry *e = &m->ent[(uint32_t)s - 1];
            if ((uint32_t)(s >> 32) == h && edge_eq(e, parent, key, n))
                return e;
        }
    }
    for (size_t i = m->n; i > m->indexed; i--)
        if (edge_eq(&m->ent[i - 1], parent, key, n))
            return &m->ent[i - 1];
    return NULL;
}

static void pm_insert(uint64_t *slots, size_t mask, uint32_t h, size_t entry)
{
    size_t j = h & mask;
    while (slots[j])
        j = (j + 1) & mask;
    slots[j] = ((uint64_t)h << 32) | (uint64_t)(entry + 1);
}

/* See doc_int.h. */
int pp_posmap_index(pp_posmap *m)
{
    if (m->indexed == m->n)
        return 0;
    size_t cap = m->cap ? m->cap : 16;
    while (cap < 2 * m->n)
        cap *= 2;
    if (cap > ((size_t)1 << 32))
        return -1;
    size_t from = m->indexed;
    if (cap != m->cap) {
        uint64_t *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return -1;
        free(m->slots);
        m->slots = ns;
        m->cap = cap;
        from = 0;
    }
    size_t cnt = m->n - from, mask = cap - 1;
    uint32_t *hs = malloc(cnt * sizeof *hs);
    if (hs) {
        for (size_t i = 0; i < cnt; i++) {
            const pm_entry *e = &m->ent[from + i];
            hs[i] = edge_hash(e->parent, e->key, e->n);
        }
        for (size_t i = 0; i < cnt; i++) {
            if (i + PM_PREFETCH < cnt)
                __builtin_prefetch(&m->slots[hs[i + PM_PREFETCH] & mask], 1);
            pm_insert(m->slots, mask, hs[i], from + i);
        }
        free(hs);
    } else {
        for (size_t i = from; i < m->n; i++) {
            const pm_entry *e = &m->ent[i];
            pm_insert(m->slots, mask, edge_hash(e->parent, e->key, e->n), i);
        }
    }
    m->indexed = m->n;
    return 0;
}

static int pm_reserve_entries(pp_posmap *m, size_t n)
{
    if (n <= m->ecap)
        return 0;
    if (n > PM_MAX_ENTRIES)
        return -1;
    pm_entry *ne = realloc(m->ent, n * sizeof *ne);
    if (!ne)
        return -1;
    m->ent = ne;
    m->ecap = n;
    return 0;
}

/* See doc_int.h. */
int pp_posmap_reserve(pp_posmap *m, size_t n)
{
    return pm_reserve_entries(m, n > PM_MAX_ENTRIES ? PM_MAX_ENTRIES : n);
}

static const char *pm_copy_key(pp_posmap *m, const char *key, size_t n)
{
    pm_chunk *c = m->arena;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > PM_CHUNK ? n + 1 : PM_CHUNK;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = m->arena;
        c->used = 0;
        c->cap = cap;
        m->arena = c;
    }
    char *d = c->data + c->used;
    memcpy(d, key, n);
    d[n] = '\0';
    c->used += n + 1;
    return d;
}

/* Empty map; the table is allocated on the first put. Caller frees with pp_posmap_free. */
pp_posmap *pp_posmap_new(void)
{
    return calloc(1, sizeof(pp_posmap));
}

/* Frees the table, the key arena and the map. NULL is a no-op. */
void pp_posmap_free(pp_posmap *m)
{
    if (!m)
        return;
    pm_chunk *c = m->arena;
    while (c) {
        pm_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(m->slots);
    free(m->ent);
    free(m);
}

/* See doc_int.h. The key is copied; the map never owns or references the json_t. */
int pp_posmap_append(pp_posmap *m, const json_t *parent, const char *key, size_t klen,
                     size_t idx, pp_pos vpos, pp_pos kpos)
{
    if (!m)
        return 0;   /* a load without positions (pp_doc_load_root) */
    if (m->n == m->ecap && pm_reserve_entries(m, m->ecap ? m->ecap * 2 : 512) != 0)
        return -1;
    const char *k = NULL;
    if (key && !(k = pm_copy_key(m, key, klen)))
        return -1;
    m->ent[m->n++] = (pm_entry){ .parent = parent, .key = k, .n = key ? klen : idx,
                                 .pos = vpos, .kpos = kpos };
    return 0;
}

/* See doc_int.h. */
int pp_posmap_key_pos(const pp_posmap *m, const json_t *parent, const char *key, size_t klen,
                      pp_pos *kpos)
{
    if (!m)
        return -1;
    pm_entry *e = pm_find(m, parent, key, klen);
    if (!e)
        return -1;
    *kpos = e->kpos;
    return 0;
}

/* Records (or, when the edge exists, replaces) the position of the edge (parent, key) or
 * (parent, idx) when key == NULL. The key is copied; `parent` is only compared, never
 * dereferenced. Returns 0, or -1 on NOMEM (the map is unchanged). */
int pp_posmap_put(pp_posmap *m, const json_t *parent, const char *key, size_t idx, pp_pos p)
{
    if (!m)
        return -1;
    size_t klen = key ? strlen(key) : 0;
    pm_entry *e = pm_find(m, parent, key, key ? klen : idx);
    if (e) {
        e->pos = e->kpos = p;
        return 0;
    }
    if (pp_posmap_append(m, parent, key, klen, idx, p, p) != 0)
        return -1;
    if (pp_posmap_index(m) != 0) {
        m->n--;   /* the key stays in the arena, unreferenced */
        return -1;
    }
    return 0;
}

/* Looks up one edge. Returns 0 and sets *out when recorded, -1 otherwise (also for m NULL). */
int pp_posmap_get(const pp_posmap *m, const json_t *parent, const char *key, size_t idx,
                  pp_pos *out)
{
    if (!m)
        return -1;
    pm_entry *e = pm_find(m, parent, key, key ? strlen(key) : idx);
    if (!e)
        return -1;
    if (out)
        *out = e->pos;
    return 0;
}

/* ---- small shared helpers ----------------------------------------------------------- */

/* See doc_int.h. */
pp_status pp_load_fail(pp_loadctx *cx, pp_status st, pp_pos at, const char *fmt, ...)
{
    if (cx->st != PP_OK)
        return cx->st;
    cx->st = st;
    if (cx->err && !*cx->err) {
        va_list ap;
        va_start(ap, fmt);
        char *msg = pp_vasprintf(fmt, ap);
        va_end(ap);
        if (msg)
            *cx->err = pp_asprintf("%s:%u:%u: %s", cx->name, at.line, at.col, msg);
        free(msg);
    }
    return st;
}

/* See doc_int.h. */
pp_status pp_load_count(pp_loadctx *cx, size_t extra, pp_pos at)
{
    if (extra > cx->lim->max_nodes || cx->nodes > cx->lim->max_nodes - extra)
        return pp_load_fail(cx, PP_E_LIMIT, at, "document has more than %zu values (max_nodes)",
                            cx->lim->max_nodes);
    cx->nodes += extra;
    return PP_OK;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* See doc_int.h. */
double pp_doc_strtod(const char *s)
{
    pthread_once(&c_locale_once, c_locale_init);
    if (c_locale)
        return strtod_l(s, NULL, c_locale);
    return strtod(s, NULL);
}

/* ---- documents ------------------------------------------------------------------- */

static const char *shown_name(const char *name)
{
    if (!name)
        return "<input>";
    return strcmp(name, "-") == 0 ? "<stdin>" : name;
}

/* Loads a document; see doc.h for the contract. On success the caller owns the pp_doc (free
 * with pp_doc_free); on failure *err (caller frees) holds one "NAME:LINE:COL: ..." line. */
pp_doc *pp_doc_load(const char *name, const char *buf, size_t len, pp_doc_format fmt,
                    const pp_limits *lim, pp_status *st, char **err)
{
    static const pp_limits deflim = PP_LIMITS_DEFAULT;
    pp_status rc = PP_OK;
    pp_doc *doc = NULL;
    pp_loadctx cx = { .name = shown_name(name), .lim = lim ? lim : &deflim, .err = err };
    const pp_pos origin = { 1, 1 };

    if (!buf)
        len = 0;
    if (len > cx.lim->max_input_bytes) {
        rc = pp_err(err, PP_E_LIMIT, "%s: input is %zu bytes, over the %zu-byte limit "
                    "(max_input_bytes)", cx.name, len, cx.lim->max_input_bytes);
        goto out;
    }
    if (len >= 2 && (((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF) ||
                     ((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE))) {
        rc = pp_load_fail(&cx, PP_E_PARSE, origin,
                          "UTF-16 input is not supported (save the file as UTF-8)");
        goto out;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    if (fmt == PP_FMT_AUTO) {
        size_t i = 0;
        while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
            i++;
        fmt = (i < len && (buf[i] == '{' || buf[i] == '[')) ? PP_FMT_JSON : PP_FMT_YAML;
    }
    /* blank input is empty in both formats (libyaml would trip over a tab on a blank line) */
    size_t nb = 0;
    while (nb < len && (buf[nb] == ' ' || buf[nb] == '\t' || buf[nb] == '\r' || buf[nb] == '\n'))
        nb++;
    if (nb == len) {
        rc = pp_load_fail(&cx, PP_E_PARSE, origin, "empty document");
        goto out;
    }

    doc = calloc(1, sizeof *doc);
    if (!doc || !(doc->name = pp_strdup(cx.name)) || !(doc->pos = pp_posmap_new())) {
        rc = pp_err(err, PP_E_NOMEM, "%s: out of memory", cx.name);
        goto out;
    }
    doc->format = fmt;
    cx.pos = doc->pos;
    /* about one value per 32 bytes of template text; a wrong guess only costs a regrowth */
    if (pp_posmap_reserve(doc->pos, len / 32 < cx.lim->max_nodes ? len / 32 : cx.lim->max_nodes)
        != 0) {
        rc = pp_err(err, PP_E_NOMEM, "%s: out of memory", cx.name);
        goto out;
    }
    doc->root = fmt == PP_FMT_JSON ? pp_doc_parse_json(&cx, buf ? buf : "", len)
                                   : pp_doc_parse_yaml(&cx, buf ? buf : "", len);
    if (doc->root && pp_posmap_index(doc->pos) != 0)
        cx.st = PP_E_NOMEM;
    if (!doc->root || cx.st != PP_OK) {
        rc = cx.st != PP_OK ? cx.st : PP_E_INTERNAL;
        if (rc == PP_E_NOMEM)
            pp_err(err, rc, "%s: out of memory", cx.name);
        else
            pp_err(err, rc, "%s: could not be loaded", cx.name);
    }

out:
    if (rc != PP_OK) {
        pp_doc_free(doc);
        doc = NULL;
    }
    if (st)
        *st = rc;
    return doc;
}

json_t *pp_doc_load_root(const char *name, const char *buf, size_t len, const pp_limits *lim,
                         pp_status *st, char **err)
{
    return pp_doc_load_root_scan(name, buf, len, lim, st, err, NULL);
}

json_t *pp_doc_load_root_scan(const char *name, const char *buf, size_t len,
                              const pp_limits *lim, pp_status *st, char **err, int *loop_keys)
{
    if (loop_keys)
        *loop_keys = 1;     /* unless the fast pass saw every key */
    static const pp_limits deflim = PP_LIMITS_DEFAULT;
    pp_loadctx cx = { .name = shown_name(name), .lim = lim ? lim : &deflim, .pos = NULL };
    size_t nb = 0;
    while (buf && nb < len && (buf[nb] == ' ' || buf[nb] == '\t' || buf[nb] == '\r' ||
                               buf[nb] == '\n'))
        nb++;
    /* the fast pass: plain JSON text within the size limit (no BOM, not blank) */
    if (buf && len <= cx.lim->max_input_bytes && nb < len && buf[nb] != '\xEF' &&
        !(len >= 2 && (unsigned char)buf[0] >= 0xFE)) {
        json_t *root = pp_doc_parse_json(&cx, buf, len);
        if (root && cx.st == PP_OK) {
            if (st)
                *st = PP_OK;
            if (loop_keys)
                *loop_keys = cx.loop_keys != 0;
            return root;
        }
        json_decref(root);
    }
    pp_doc *doc = pp_doc_load(name, buf, len, PP_FMT_JSON, lim, st, err);
    json_t *root = doc ? json_incref(doc->root) : NULL;
    pp_doc_free(doc);
    return root;
}

/* Releases the name, the value tree reference and the position map. NULL is a no-op. */
void pp_doc_free(pp_doc *doc)
{
    if (!doc)
        return;
    free(doc->name);
    json_decref(doc->root);
    pp_posmap_free(doc->pos);
    free(doc);
}

/* See doc.h: `root` is stolen (released on failure too); the result has an empty position
 * map, so pp_doc_pos answers -1. Caller frees with pp_doc_free. */
pp_doc *pp_doc_wrap(const char *name, json_t *root)
{
    pp_doc *doc = calloc(1, sizeof *doc);
    if (!doc || !(doc->name = pp_strdup(shown_name(name))) || !(doc->pos = pp_posmap_new())) {
        if (doc) {
            free(doc->name);
            free(doc);
        }
        json_decref(root);
        return NULL;
    }
    doc->root = root;
    doc->format = PP_FMT_AUTO;
    return doc;
}

/* Decodes one pointer segment [s, e) (~0 → ~, ~1 → /) into d, which has room for e - s + 1
 * bytes. Returns the decoded length, or (size_t)-1 for a malformed escape. */
static size_t ptr_unescape(const char *s, const char *e, char *d)
{
    size_t n = 0;
    while (s < e) {
        if (*s == '~') {
            if (s + 1 >= e || (s[1] != '0' && s[1] != '1'))
                return (size_t)-1;
            d[n++] = s[1] == '0' ? '~' : '/';
            s += 2;
        } else {
            d[n++] = *s++;
        }
    }
    d[n] = '\0';
    return n;
}

/* RFC 6901 array index: "0" or [1-9][0-9]*, no overflow. */
static int ptr_index(const char *s, size_t n, size_t *out)
{
    if (n == 0 || (n > 1 && s[0] == '0'))
        return -1;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (SIZE_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* See doc.h. Walks the value tree alongside the map; a segment whose edge is not recorded
 * does not stop the walk while the value exists, so a deeper recorded edge still answers. */
int pp_doc_pos(const pp_doc *doc, const char *ptr, pp_pos *out)
{
    if (!doc || !doc->pos || !ptr)
        return -1;
    pp_pos best = { 0, 0 };
    int have = pp_posmap_get(doc->pos, NULL, "", 0, &best) == 0;
    int exact = have;
    const json_t *cur = doc->root;
    char small[256];
    char *seg = small;
    size_t segcap = sizeof small;
    int rc = -1;

    if (*ptr && *ptr != '/')
        exact = 0;
    const char *p = *ptr == '/' ? ptr : ptr + strlen(ptr);
    while (*p == '/') {
        const char *s = p + 1;
        const char *e = strchr(s, '/');
        if (!e)
            e = s + strlen(s);
        p = e;
        exact = 0;
        if ((size_t)(e - s) + 1 > segcap) {
            char *big = malloc((size_t)(e - s) + 1);
            if (!big)
                break;
            if (seg != small)
                free(seg);
            seg = big;
            segcap = (size_t)(e - s) + 1;
        }
        size_t n = ptr_unescape(s, e, seg);
        if (n == (size_t)-1 || !cur)
            break;
        const json_t *child = NULL;
        pp_pos at;
        if (json_is_object(cur)) {
            if (memchr(seg, '\0', n))
                break;
            child = json_object_get(cur, seg);
            if (pp_posmap_get(doc->pos, cur, seg, 0, &at) == 0) {
                best = at;
                have = exact = 1;
            }
        } else if (json_is_array(cur)) {
            size_t idx;
            if (ptr_index(seg, n, &idx) != 0)
                break;
            child = json_array_get(cur, idx);
            if (pp_posmap_get(doc->pos, cur, NULL, idx, &at) == 0) {
                best = at;
                have = exact = 1;
            }
        }
        if (!child) {
            if (*p)
                exact = 0;
            break;
        }
        cur = child;
    }
    if (seg != small)
        free(seg);
    if (have) {
        if (out)
            *out = best;
        rc = exact && *p == '\0' ? 0 : 1;
    }
    return rc;
}

/* See doc.h. `base` NULL counts as "" (the root). Caller frees the result. */
char *pp_ptr_join(const char *base, const char *seg)
{
    if (!base)
        base = "";
    if (!seg)
        seg = "";
    size_t bl = strlen(base), sl = strlen(seg), extra = 0;
    for (size_t i = 0; i < sl; i++)
        if (seg[i] == '~' || seg[i] == '/')
            extra++;
    if (sl > SIZE_MAX / 2 - bl - 2)
        return NULL;
    char *r = malloc(bl + 1 + sl + extra + 1);
    if (!r)
        return NULL;
    memcpy(r, base, bl);
    size_t n = bl;
    r[n++] = '/';
    for (size_t i = 0; i < sl; i++) {
        if (seg[i] == '~') {
            r[n++] = '~';
            r[n++] = '0';
        } else if (seg[i] == '/') {
            r[n++] = '~';
            r[n++] = '1';
        } else {
            r[n++] = seg[i];
        }
    }
    r[n] = '\0';
    return r;
}

/* See doc.h. `base` NULL counts as "". Caller frees the result. */
char *pp_ptr_join_idx(const char *base, size_t idx)
{
    return pp_asprintf("%s/%zu", base ? base : "", idx);
}
