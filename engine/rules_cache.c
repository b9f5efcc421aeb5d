/* rules_cache.c — reading, checking and building precompiled rules (rules_cache.h). */
#include "engine/rules_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "engine/eval_int.h"
#include "engine/base/hash.h"
#include "engine/base/util.h"

#define FORMAT 3
#define ABSENT 0xffffffffu
#define MAX_LIST 4096u

typedef struct entry {
    const char *path;       /* into data */
    uint64_t src_len, hash;
    const char *code;       /* into data */
    size_t code_len;
} entry;

typedef struct stamp {
    const char *path;       /* into data */
    uint64_t size, dev, ino, mtime_s, ctime_s, hash;
    uint32_t mtime_ns, ctime_ns;
} stamp;

struct pp_rules_cache {
    char *data;             /* the whole file */
    size_t mapped;          /* data is a read-only mapping of this many bytes (else malloc'd) */
    entry *e;
    size_t n;
    uint64_t env;           /* index: digest of the modules and catalogues it was built with */
    pp_rules_index_rec *ix;
    size_t nix;
    char **pool;            /* the index's string lists, NULL-terminated, back to back */
    stamp *st;              /* the files' stamps, sorted by path */
    size_t nst;
};

uint64_t pp_rules_env_add(uint64_t h, const char *name, const char *text, size_t len)
{
    return pp_rules_env_add_hash(h, name, len, pp_rules_cache_hash(text, len));
}

uint64_t pp_rules_env_add_hash(uint64_t h, const char *name, size_t len, uint64_t text_hash)
{
    h = (h ^ pp_rules_cache_hash(name, strlen(name))) * PP_FNV_PRIME;
    h = (h ^ (uint64_t)len) * PP_FNV_PRIME;
    return (h ^ text_hash) * PP_FNV_PRIME;
}

uint64_t pp_rules_cache_hash(const char *s, size_t len)
{
    return pp_hash_text(s, len);
}

/* ---- reading ----------------------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p;
    size_t len, off;
} reader;

static int get(reader *r, size_t n, const unsigned char **out)
{
    if (r->len - r->off < n)
        return -1;
    *out = r->p + r->off;
    r->off += n;
    return 0;
}

static int get_u32(reader *r, uint32_t *v)
{
    const unsigned char *b;
    if (get(r, 4, &b))
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

static int get_u64(reader *r, uint64_t *v)
{
    uint32_t lo, hi;
    if (get_u32(r, &lo) || get_u32(r, &hi))
        return -1;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* A str: NULL in *out for an absent one; -1 when damaged. */
static int get_str(reader *r, const char **out)
{
    uint32_t n;
    const unsigned char *b;
    if (get_u32(r, &n))
        return -1;
    if (n == ABSENT) {
        *out = NULL;
        return 0;
    }
    if (n > PP_RULES_CACHE_MAX_BYTES || get(r, (size_t)n + 1, &b) || b[n] != '\0' ||
        (n > 16 ? memchr(b, '\0', n) != NULL : strnlen((const char *)b, n) != n))
        return -1;
    *out = (const char *)b;
    return 0;
}

/* A list: its items appended to c->pool (NULL-terminated) and *at their first slot, or
 * SIZE_MAX for an absent list; -1 when damaged or out of memory (*nomem). */
static int get_list(pp_rules_cache *c, reader *r, size_t *npool, size_t *cap, size_t *at,
                    int *nomem)
{
    uint32_t n;
    if (get_u32(r, &n))
        return -1;
    if (n == ABSENT) {
        *at = SIZE_MAX;
        return 0;
    }
    if (n > MAX_LIST)
        return -1;
    if (*npool + n + 1 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 1024) + n + 1;
        char **p = realloc(c->pool, nc * sizeof *p);
        if (!p) {
            *nomem = 1;
            return -1;
        }
        c->pool = p;
        *cap = nc;
    }
    *at = *npool;
    for (uint32_t i = 0; i < n; i++) {
        const char *sv;
        if (get_str(r, &sv) || !sv)
            return -1;
        c->pool[(*npool)++] = (char *)sv;
    }
    c->pool[(*npool)++] = NULL;
    return 0;
}

/* One index record into *x; list positions into at[5] (pointers once the pool stops
 * moving). -1 when damaged. */
static int get_rec(pp_rules_cache *c, reader *r, pp_rules_index_rec *x, size_t *at,
                   size_t *npool, size_t *cap, int *nomem)
{
    const unsigned char *b;
    const char *id, *title, *fix, *docs;
    if (get_str(r, &x->path) || !x->path || !*x->path ||
        strlen(x->path) > PP_RULES_CACHE_MAX_PATH || get_u64(r, &x->src_len) ||
        get_u64(r, &x->hash) || get_str(r, &id) ||
        get_str(r, &title) || get_str(r, &fix) || get_str(r, &docs) || get_str(r, &x->guard) ||
        get(r, 2, &b) || b[0] > PP_SEV_CRITICAL || b[1] > 1 || !id || !title)
        return -1;
    x->info.id = (char *)id;
    x->info.title = (char *)title;
    x->info.fix = (char *)fix;
    x->info.docs = (char *)docs;
    x->info.severity = (pp_severity)b[0];
    x->deletes = b[1];
    for (int k = 0; k < 5; k++)
        if (get_list(c, r, npool, cap, &at[k], nomem))
            return -1;
    if (get_str(r, &x->params) || !x->params)
        return -1;
    x->params_len = strlen(x->params);
    return 0;
}

static int cmp_rec(const void *a, const void *b)
{
    return strcmp(((const pp_rules_index_rec *)a)->path, ((const pp_rules_index_rec *)b)->path);
}

/* The index section after the entries (see the header). */
static pp_status parse_index(pp_rules_cache *c, reader *r, const char *path, char **err)
{
    uint32_t n;
    size_t at0 = r->off;
    if (get_u64(r, &c->env) || get_u32(r, &n) || n > PP_RULES_CACHE_MAX_ENTRIES)
        return pp_err(err, PP_E_PARSE, "%s: byte %zu: expected the rule index (digest and a "
                                       "count of at most %u)", path, at0,
                      PP_RULES_CACHE_MAX_ENTRIES);
    size_t (*at)[5] = calloc(n ? n : 1, sizeof *at);
    c->ix = calloc(n ? n : 1, sizeof *c->ix);
    if (!at || !c->ix) {
        free(at);
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
    }
    size_t npool = 0, cap = 0;
    int nomem = 0;
    pp_status st = PP_OK;
    for (uint32_t i = 0; i < n && st == PP_OK; i++) {
        size_t here = r->off;
        if (get_rec(c, r, &c->ix[i], at[i], &npool, &cap, &nomem))
            st = nomem ? pp_err(err, PP_E_NOMEM, "%s: out of memory", path)
                       : pp_err(err, PP_E_PARSE, "%s: byte %zu: expected index record %u of "
                                                 "%u (path, lengths, hash, metadata); the file "
                                                 "is truncated or damaged", path, here, i + 1, n);
        else if (i > 0 && strcmp(c->ix[i - 1].path, c->ix[i].path) >= 0)
            st = pp_err(err, PP_E_PARSE, "%s: index record %u: expected paths in ascending "
                                         "order, without repeats", path, i + 1);
        else
            c->nix++;
    }
    for (size_t i = 0; i < c->nix; i++) {
        char ***lists[5] = {&c->ix[i].info.types, &c->ix[i].info.packs,
                            &c->ix[i].info.controls, &c->ix[i].info.related,
                            &c->ix[i].info.frameworks};
        for (int k = 0; k < 5; k++)
            *lists[k] = at[i][k] == SIZE_MAX ? NULL : &c->pool[at[i][k]];
    }
    free(at);
    return st;
}

static int cmp_stamp(const void *a, const void *b)
{
    return strcmp(((const stamp *)a)->path, ((const stamp *)b)->path);
}

/* The stamps section after the index (see the header). */
static pp_status parse_stamps(pp_rules_cache *c, reader *r, const char *path, char **err)
{
    uint32_t n;
    size_t at0 = r->off;
    if (get_u32(r, &n) || n > 2 * PP_RULES_CACHE_MAX_ENTRIES)
        return pp_err(err, PP_E_PARSE, "%s: byte %zu: expected the file stamps (a count of at "
                                       "most %u)", path, at0, 2 * PP_RULES_CACHE_MAX_ENTRIES);
    if (!(c->st = calloc(n ? n : 1, sizeof *c->st)))
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
    for (uint32_t i = 0; i < n; i++) {
        size_t here = r->off;
        stamp *x = &c->st[i];
        if (get_str(r, &x->path) || !x->path || !*x->path ||
            strlen(x->path) > PP_RULES_CACHE_MAX_PATH || get_u64(r, &x->size) ||
            get_u64(r, &x->dev) || get_u64(r, &x->ino) || get_u64(r, &x->mtime_s) || get_u32(r, &x->mtime_ns) ||
            get_u64(r, &x->ctime_s) || get_u32(r, &x->ctime_ns) || get_u64(r, &x->hash))
            return pp_err(err, PP_E_PARSE, "%s: byte %zu: expected file stamp %u of %u (path, "
                                           "size, device, inode, times, hash); the file is truncated or "
                                           "damaged", path, here, i + 1, n);
        if (i > 0 && strcmp(c->st[i - 1].path, x->path) >= 0)
            return pp_err(err, PP_E_PARSE, "%s: file stamp %u: expected paths in ascending "
                                           "order, without repeats", path, i + 1);
        c->nst++;
    }
    return PP_OK;
}

/* Checks data[0..len) (taken: malloc'd, or a mapping of `mapped` bytes when that is not 0)
 * as a cache named `path` in messages. */
static pp_rules_cache *parse(const char *path, char *data, size_t len, size_t mapped,
                             pp_status *st, char **err)
{
    pp_rules_cache *c = calloc(1, sizeof *c);
    pp_status s = PP_OK;
    if (!c) {
        if (mapped)
            munmap(data, mapped);
        else
            free(data);
        s = pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    c->data = data;
    c->mapped = mapped;
    reader r = {(const unsigned char *)c->data, len, 0};
    const unsigned char *h;
    uint32_t count;
    if (get(&r, 8, &h) || memcmp(h, "PPRC", 4) != 0 || get_u32(&r, &count)) {
        s = pp_err(err, PP_E_PARSE, "%s: byte 0: expected a Parapet rules cache (\"PPRC\"); "
                                    "build one with `parapet rules compile`", path);
        goto fail;
    }
    if (h[4] != FORMAT || h[5] != LUA_VERSION_NUM / 100 || h[6] != LUA_VERSION_NUM % 100) {
        s = pp_err(err, PP_E_PARSE, "%s: byte 4: expected format %d for Lua %d.%d, found "
                                    "format %u for Lua %u.%u; rebuild it with this parapet",
                   path, FORMAT, LUA_VERSION_NUM / 100, LUA_VERSION_NUM % 100, h[4], h[5],
                   h[6]);
        goto fail;
    }
    if (count > PP_RULES_CACHE_MAX_ENTRIES) {
        s = pp_err(err, PP_E_LIMIT, "%s: byte 8: %u entries, more than the limit of %u", path,
                   count, PP_RULES_CACHE_MAX_ENTRIES);
        goto fail;
    }
    c->e = calloc(count ? count : 1, sizeof *c->e);
    if (!c->e) {
        s = pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    for (uint32_t i = 0; i < count; i++) {
        size_t at = r.off;
        uint32_t clen;
        const unsigned char *cb;
        entry *e = &c->e[i];
        if (get_str(&r, &e->path) || !e->path || !*e->path ||
            strlen(e->path) > PP_RULES_CACHE_MAX_PATH || get_u64(&r, &e->src_len) ||
            get_u64(&r, &e->hash) || get_u32(&r, &clen) || get(&r, clen, &cb)) {
            s = pp_err(err, PP_E_PARSE, "%s: byte %zu: expected entry %u of %u (path of 1 to "
                                        "%u bytes, lengths, hash, bytecode); the file is "
                                        "truncated or damaged",
                       path, at, i + 1, count, PP_RULES_CACHE_MAX_PATH);
            goto fail;
        }
        e->code = (const char *)cb;
        e->code_len = clen;
        c->n++;
    }
    if ((s = parse_index(c, &r, path, err)) != PP_OK || (s = parse_stamps(c, &r, path, err)) !=
                                                               PP_OK)
        goto fail;
    if (r.off != len) {
        s = pp_err(err, PP_E_PARSE, "%s: byte %zu: expected the end of the file after %u "
                                    "entries, %zu index records and %zu stamps", path, r.off,
                   count, c->nix, c->nst);
        goto fail;
    }
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->e[i - 1].path, c->e[i].path) >= 0) {
            s = pp_err(err, PP_E_PARSE, "%s: entry %zu: expected paths in ascending order, "
                                        "without repeats ('%s' after '%s')",
                       path, i + 1, c->e[i].path, c->e[i - 1].path);
            goto fail;
        }
    if (st)
        *st = PP_OK;
    return c;
fail:
    pp_rules_cache_free(c);
    if (st)
        *st = s;
    return NULL;
}

pp_rules_cache *pp_rules_cache_open(const char *path, pp_status *st, char **err)
{
    /* mapped, not read: a start-up touches the index and the few chunks it compiles, not
     * the whole file */
    pp_status s = PP_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0) {
        int e = errno;
        s = pp_err(err, e == ENOENT ? PP_E_NOTFOUND : e == ENOMEM ? PP_E_NOMEM : PP_E_IO,
                   "%s: cannot open: %s", path, strerror(e));
    } else if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        s = pp_err(err, PP_E_IO, "%s: cannot open: not a regular file", path);
    } else if ((uint64_t)sb.st_size > PP_RULES_CACHE_MAX_BYTES) {
        s = pp_err(err, PP_E_LIMIT, "%s: input larger than the %u-byte limit", path,
                   PP_RULES_CACHE_MAX_BYTES);
    } else if (sb.st_size == 0) {
        close(fd);
        char *empty = malloc(1);
        if (!empty) {
            if (st)
                *st = PP_E_NOMEM;
            pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
            return NULL;
        }
        return parse(path, empty, 0, 0, st, err);
    } else {
        size_t len = (size_t)sb.st_size;
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        int e = errno;
        close(fd);
        if (m == MAP_FAILED) {
            s = pp_err(err, e == ENOMEM ? PP_E_NOMEM : PP_E_IO, "%s: cannot read: %s", path,
                       strerror(e));
            if (st)
                *st = s;
            return NULL;
        }
        return parse(path, m, len, len, st, err);
    }
    if (fd >= 0)
        close(fd);
    if (st)
        *st = s;
    return NULL;
}

pp_rules_cache *pp_rules_cache_load_buf(const char *name, const char *buf, size_t len,
                                        pp_status *st, char **err)
{
    char *data = NULL;
    if (len > PP_RULES_CACHE_MAX_BYTES || !(data = malloc(len ? len : 1))) {
        pp_status s = len > PP_RULES_CACHE_MAX_BYTES
                          ? pp_err(err, PP_E_LIMIT, "%s: input larger than the %u-byte limit",
                                   name, PP_RULES_CACHE_MAX_BYTES)
                          : pp_err(err, PP_E_NOMEM, "%s: out of memory", name);
        if (st)
            *st = s;
        return NULL;
    }
    if (len)
        memcpy(data, buf, len);
    return parse(name, data, len, 0, st, err);
}

void pp_rules_cache_free(pp_rules_cache *c)
{
    if (!c)
        return;
    if (c->mapped)
        munmap(c->data, c->mapped);
    else
        free(c->data);
    free(c->st);
    free(c->e);
    free(c->ix);
    free(c->pool);
    free(c);
}

size_t pp_rules_cache_count(const pp_rules_cache *c)
{
    return c ? c->n : 0;
}

const char *pp_rules_cache_find(const pp_rules_cache *c, const char *rel, const char *src,
                                size_t len, size_t *code_len)
{
    if (!c || !c->n)
        return NULL;
    return pp_rules_cache_find_hash(c, rel, len, pp_rules_cache_hash(src, len), code_len);
}

const char *pp_rules_cache_find_hash(const pp_rules_cache *c, const char *rel, size_t len,
                                     uint64_t hash, size_t *code_len)
{
    if (!c || !c->n)
        return NULL;
    entry key = {.path = rel};
    const entry *e = bsearch(&key, c->e, c->n, sizeof *c->e, cmp_entry);
    if (!e || e->src_len != len || e->hash != hash)
        return NULL;
    *code_len = e->code_len;
    return e->code;
}

int pp_rules_cache_stamp(const pp_rules_cache *c, const char *rel, const struct stat *sb,
                         size_t *len, uint64_t *hash)
{
    if (!c || !c->nst || !S_ISREG(sb->st_mode))
        return 0;
    stamp key = {.path = rel};
    const stamp *x = bsearch(&key, c->st, c->nst, sizeof *c->st, cmp_stamp);
    if (!x || x->size != (uint64_t)sb->st_size || x->dev != (uint64_t)sb->st_dev ||
        x->ino != (uint64_t)sb->st_ino ||
        x->mtime_s != (uint64_t)sb->st_mtim.tv_sec ||
        x->mtime_ns != (uint32_t)sb->st_mtim.tv_nsec ||
        x->ctime_s != (uint64_t)sb->st_ctim.tv_sec ||
        x->ctime_ns != (uint32_t)sb->st_ctim.tv_nsec)
        return 0;
    *len = (size_t)x->size;
    *hash = x->hash;
    return 1;
}

uint64_t pp_rules_cache_env(const pp_rules_cache *c)
{
    return c ? c->env : 0;
}

size_t pp_rules_cache_index_count(const pp_rules_cache *c)
{
    return c ? c->nix : 0;
}

const pp_rules_index_rec *pp_rules_cache_index_find(const pp_rules_cache *c, const char *rel,
                                                    size_t len, uint64_t hash, uint64_t env)
{
    if (!c || !c->nix || c->env != env)
        return NULL;
    pp_rules_index_rec key = {.path = rel};
    const pp_rules_index_rec *x = bsearch(&key, c->ix, c->nix, sizeof *c->ix, cmp_rec);
    if (!x || x->src_len != len || x->hash != hash)
        return NULL;
    return x;
}

/* ---- building ---------------------------------------------------------------------- */

/* Relative paths ("aws/ec2/x.lua", "lib/guard.lua") of the .lua files below root/rel. */
static pp_status collect(const char *root, const char *rel, int depth, pp_strvec *out,
                         char **err)
{
    if (depth > 16)
        return PP_OK;
    char *dir = *rel ? pp_asprintf("%s/%s", root, rel) : pp_strdup(root);
    if (!dir)
        return PP_E_NOMEM;
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        pp_status st = pp_err(err, e == ENOMEM ? PP_E_NOMEM : PP_E_NOTFOUND,
                              "%s: cannot open rules folder: %s", dir, strerror(e));
        free(dir);
        return st;
    }
    pp_status st = PP_OK;
    struct dirent *de;
    while (st == PP_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *r = *rel ? pp_asprintf("%s/%s", rel, de->d_name) : pp_strdup(de->d_name);
        char *full = r ? pp_asprintf("%s/%s", root, r) : NULL;
        struct stat sb;
        size_t nl = strlen(de->d_name);
        if (!r || !full) {
            st = PP_E_NOMEM;
        } else if (stat(full, &sb) != 0) {
            /* vanished or unreadable entry: skipped, as the loader does */
        } else if (S_ISDIR(sb.st_mode)) {
            st = collect(root, r, depth + 1, out, err);
        } else if (nl > 4 && strcmp(de->d_name + nl - 4, ".lua") == 0) {
            if (pp_strvec_push(out, r) != 0)
                st = PP_E_NOMEM;
            else
                r = NULL;
        }
        free(full);
        free(r);
    }
    closedir(d);
    free(dir);
    return st;
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud)
{
    (void)L;
    return pp_buf_append(ud, p, n) == PP_OK ? 0 : 1;
}

static void put_u32(pp_buf *b, uint32_t v, pp_status *st)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    if (*st == PP_OK)
        *st = pp_buf_append(b, x, 4);
}

static void put_u64(pp_buf *b, uint64_t v, pp_status *st)
{
    put_u32(b, (uint32_t)v, st);
    put_u32(b, (uint32_t)(v >> 32), st);
}

static void put_str(pp_buf *b, const char *s, pp_status *st)
{
    if (!s) {
        put_u32(b, ABSENT, st);
        return;
    }
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n, st);
    if (*st == PP_OK)
        *st = pp_buf_append(b, s, n + 1);
}

static void put_list(pp_buf *b, char *const *v, pp_status *st)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    if (n > MAX_LIST && *st == PP_OK)
        *st = PP_E_LIMIT;
    put_u32(b, v ? (uint32_t)n : ABSENT, st);
    for (size_t i = 0; i < n; i++)
        put_str(b, v[i], st);
}

typedef struct ixrow {
    const char *rel;
    const pp_rule *r;
} ixrow;

static int cmp_ixrow(const void *a, const void *b)
{
    return strcmp(((const ixrow *)a)->rel, ((const ixrow *)b)->rel);
}

static pp_status put_rule(pp_buf *b, const char *rel, const pp_rule *r)
{
    pp_status st = PP_OK;
    char *params = json_dumps(r->params, JSON_COMPACT);
    if (!params)
        return PP_E_NOMEM;
    put_str(b, rel, &st);
    put_u64(b, r->src_len, &st);
    put_u64(b, r->src_hash, &st);
    put_str(b, r->info.id, &st);
    put_str(b, r->info.title, &st);
    put_str(b, r->info.fix, &st);
    put_str(b, r->info.docs, &st);
    put_str(b, r->guard, &st);
    unsigned char flags[2] = {(unsigned char)r->info.severity, (unsigned char)!!r->deletes};
    if (st == PP_OK)
        st = pp_buf_append(b, flags, 2);
    put_list(b, r->info.types, &st);
    put_list(b, r->info.packs, &st);
    put_list(b, r->info.controls, &st);
    put_list(b, r->info.related, &st);
    put_list(b, r->info.frameworks, &st);
    put_str(b, params, &st);
    free(params);
    return st;
}

/* Stamps (see the header): a file's size, inode and times when the cache was built, with
 * the hash of the text read after them. A file whose times are within STAMP_RACY_S seconds of
 * the build's start gets none: an edit in the same clock tick as the build could leave
 * them unchanged (git's "racily clean" entries), so such a file is always hashed. */
#define STAMP_RACY_S 2

typedef struct wstamp {
    char *rel;
    struct stat sb;
    uint64_t hash;
} wstamp;

typedef struct wstamps {
    wstamp *v;
    size_t n, cap;
    time_t start;
} wstamps;

static int cmp_wstamp(const void *a, const void *b)
{
    return strcmp(((const wstamp *)a)->rel, ((const wstamp *)b)->rel);
}

/* Records rel's stamp when its times are old enough and its size is the text's. 0, or -1
 * when out of memory. */
static int add_stamp(wstamps *w, const char *rel, const struct stat *sb, const char *src,
                     size_t len)
{
    time_t newest = sb->st_mtim.tv_sec > sb->st_ctim.tv_sec ? sb->st_mtim.tv_sec
                                                            : sb->st_ctim.tv_sec;
    if (!S_ISREG(sb->st_mode) || (uint64_t)sb->st_size != len ||
        newest > w->start - STAMP_RACY_S)
        return 0;
    if (w->n == w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 256;
        wstamp *v = realloc(w->v, nc * sizeof *v);
        if (!v)
            return -1;
        w->v = v;
        w->cap = nc;
    }
    char *r = pp_strdup(rel);
    if (!r)
        return -1;
    w->v[w->n++] = (wstamp){r, *sb, pp_rules_cache_hash(src, len)};
    return 0;
}

/* The catalogue files' stamps: <dir>/catalog/NAME.tsv, as pp_catalog_load_dir finds them. */
static pp_status stamp_catalogs(wstamps *w, const char *dir, char **err)
{
    char *cdir = pp_asprintf("%s/catalog", dir);
    DIR *d = cdir ? opendir(cdir) : NULL;
    pp_status st = cdir ? PP_OK : PP_E_NOMEM;
    struct dirent *e;
    while (d && st == PP_OK && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".tsv") != 0)
            continue;
        char *full = pp_asprintf("%s/%s", cdir, e->d_name);
        char *rel = pp_asprintf("catalog/%s", e->d_name);
        char *text = NULL;
        size_t len = 0;
        struct stat sb;
        if (!full || !rel)
            st = PP_E_NOMEM;
        else if (stat(full, &sb) == 0 &&
                 (st = pp_read_file(full, PP_RULES_CACHE_MAX_BYTES, &text, &len, err)) == PP_OK &&
                 add_stamp(w, rel, &sb, text, len) != 0)
            st = PP_E_NOMEM;
        free(text);
        free(full);
        free(rel);
    }
    if (d)
        closedir(d);
    free(cdir);
    return st;
}

static pp_status put_stamps(pp_buf *b, wstamps *w)
{
    pp_status st = PP_OK;
    if (w->n)
        qsort(w->v, w->n, sizeof *w->v, cmp_wstamp);
    put_u32(b, (uint32_t)w->n, &st);
    for (size_t i = 0; i < w->n && st == PP_OK; i++) {
        const struct stat *sb = &w->v[i].sb;
        put_str(b, w->v[i].rel, &st);
        put_u64(b, (uint64_t)sb->st_size, &st);
        put_u64(b, (uint64_t)sb->st_dev, &st);
        put_u64(b, (uint64_t)sb->st_ino, &st);
        put_u64(b, (uint64_t)sb->st_mtim.tv_sec, &st);
        put_u32(b, (uint32_t)sb->st_mtim.tv_nsec, &st);
        put_u64(b, (uint64_t)sb->st_ctim.tv_sec, &st);
        put_u32(b, (uint32_t)sb->st_ctim.tv_nsec, &st);
        put_u64(b, w->v[i].hash, &st);
    }
    return st;
}

/* The index of `dir` (see the header): its rules loaded as pp_ruleset_load does. A folder that
 * does not load alone gets an empty index. */
static pp_status put_index(pp_buf *b, const char *dir)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    const char *dirs[] = {dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = &lim};
    pp_status st = PP_OK, lst = PP_OK;
    char *lerr = NULL;
    pp_ruleset *rs = pp_ruleset_load(&o, &lst, &lerr);
    free(lerr);
    if (!rs) {
        put_u64(b, 0, &st);
        put_u32(b, 0, &st);
        return lst == PP_E_NOMEM ? PP_E_NOMEM : st;
    }
    ixrow *rows = calloc(rs->nrules ? rs->nrules : 1, sizeof *rows);
    if (!rows)
        st = PP_E_NOMEM;
    size_t dl = strlen(dir);
    for (size_t i = 0; rows && i < rs->nrules; i++) {
        const char *rel = rs->rules[i].file + dl;
        while (*rel == '/')
            rel++;
        rows[i] = (ixrow){rel, &rs->rules[i]};
    }
    if (rows)
        qsort(rows, rs->nrules, sizeof *rows, cmp_ixrow);
    put_u64(b, rs->env, &st);
    put_u32(b, (uint32_t)rs->nrules, &st);
    for (size_t i = 0; rows && i < rs->nrules && st == PP_OK; i++)
        st = put_rule(b, rows[i].rel, rows[i].r);
    free(rows);
    pp_ruleset_free(rs);
    return st;
}

pp_status pp_rules_cache_build(const char *dir, const char *out, size_t *n, char **err)
{
    pp_strvec files = {0};
    pp_buf b, code;
    pp_buf_init(&b, PP_RULES_CACHE_MAX_BYTES);
    pp_buf_init(&code, 0);
    lua_State *L = luaL_newstate();
    char *tmp = NULL;
    wstamps w = {.start = time(NULL)};
    pp_status st = L ? collect(dir, "", 0, &files, err) : PP_E_NOMEM;
    if (st != PP_OK)
        goto done;
    if (files.n > PP_RULES_CACHE_MAX_ENTRIES) {
        st = pp_err(err, PP_E_LIMIT, "%s: %zu rule files, more than the cache's limit of %u",
                    dir, files.n, PP_RULES_CACHE_MAX_ENTRIES);
        goto done;
    }
    qsort(files.v, files.n, sizeof *files.v, pp_strcmp_ptr);
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')   /* "rules/" names the folder "rules" */
        dl--;
    const char *base = dir;
    for (size_t i = dl; i > 0; i--)
        if (dir[i - 1] == '/') {
            base = dir + i;
            break;
        }
    st = pp_buf_append(&b, "PPRC", 4);
    unsigned char ver[4] = {FORMAT, LUA_VERSION_NUM / 100, LUA_VERSION_NUM % 100, 0};
    if (st == PP_OK)
        st = pp_buf_append(&b, ver, 4);
    put_u32(&b, (uint32_t)files.n, &st);
    for (size_t i = 0; i < files.n && st == PP_OK; i++) {
        char *full = pp_asprintf("%.*s/%s", (int)dl, dir, files.v[i]);
        char *chunk = pp_asprintf("@%.*s/%s", (int)(dir + dl - base), base, files.v[i]);
        char *src = NULL;
        size_t len = 0;
        struct stat sb;   /* before the text is read: see add_stamp */
        int have_sb = 0;
        if (!full || !chunk) {
            st = PP_E_NOMEM;
        } else {
            have_sb = stat(full, &sb) == 0;
            st = pp_read_file(full, 1u << 20, &src, &len, err);
        }
        if (st == PP_OK && have_sb && add_stamp(&w, files.v[i], &sb, src, len) != 0)
            st = PP_E_NOMEM;
        if (st == PP_OK) {
            int lst = luaL_loadbufferx(L, src, len, chunk, "t");
            if (lst != LUA_OK) {
                const char *m = lua_tostring(L, -1);
                st = pp_err(err, lst == LUA_ERRMEM ? PP_E_NOMEM : PP_E_PARSE, "%s",
                            m ? m : "cannot compile");
            } else {
                code.len = 0;
                if (lua_dump(L, dump_writer, &code, 0) != 0)
                    st = pp_err(err, PP_E_NOMEM, "%s: out of memory", full);
            }
            lua_settop(L, 0);
        }
        if (st == PP_OK && (code.len > UINT32_MAX || strlen(files.v[i]) >
                                                          PP_RULES_CACHE_MAX_PATH))
            st = pp_err(err, PP_E_LIMIT, "%s: too large for the cache", full);
        if (st == PP_OK) {
            put_str(&b, files.v[i], &st);
            put_u64(&b, len, &st);
            put_u64(&b, pp_rules_cache_hash(src, len), &st);
            put_u32(&b, (uint32_t)code.len, &st);
            if (st == PP_OK && code.len)
                st = pp_buf_append(&b, code.data, code.len);
            if (st == PP_E_LIMIT)
                st = pp_err(err, st, "%s: the cache would pass its %u-byte limit", dir,
                            PP_RULES_CACHE_MAX_BYTES);
        }
        free(src);
        free(full);
        free(chunk);
    }
    if (st == PP_OK && (st = put_index(&b, dir)) != PP_OK)
        st = st == PP_E_LIMIT ? pp_err(err, st, "%s: the cache would pass its %u-byte limit",
                                       dir, PP_RULES_CACHE_MAX_BYTES)
                              : pp_err(err, st, "%s: out of memory", dir);
    if (st == PP_OK)
        st = stamp_catalogs(&w, dir, err);
    if (st == PP_OK && (st = put_stamps(&b, &w)) != PP_OK)
        st = st == PP_E_LIMIT ? pp_err(err, st, "%s: the cache would pass its %u-byte limit",
                                       dir, PP_RULES_CACHE_MAX_BYTES)
                              : pp_err(err, st, "%s: out of memory", dir);
    if (st != PP_OK)
        goto done;
    tmp = pp_asprintf("%s.tmp.%ld", out, (long)getpid());
    FILE *f = tmp ? fopen(tmp, "wb") : NULL;
    if (!f) {
        st = tmp ? pp_err(err, PP_E_IO, "%s: cannot write: %s", out, strerror(errno))
                 : PP_E_NOMEM;
        goto done;
    }
    int bad = fwrite(b.data, 1, b.len, f) != b.len;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, out) != 0) {
        st = pp_err(err, PP_E_IO, "%s: cannot write: %s", out, strerror(errno));
        unlink(tmp);
        goto done;
    }
    if (n)
        *n = files.n;
done:
    if (L)
        lua_close(L);
    for (size_t i = 0; i < w.n; i++)
        free(w.v[i].rel);
    free(w.v);
    pp_strvec_free(&files);
    pp_buf_free(&b);
    pp_buf_free(&code);
    free(tmp);
    return st;
}
