/* rules_cache.c — reading, checking and building precompiled rules (rules_cache.h). */
#include "engine/rules_cache.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "engine/base/util.h"

#define FORMAT 1

typedef struct entry {
    const char *path;       /* into data (NUL-terminated copy below) */
    uint64_t src_len, hash;
    const char *code;       /* into data */
    size_t code_len;
} entry;

struct pp_rules_cache {
    char *data;             /* the whole file */
    entry *e;
    size_t n;
    char *paths;            /* NUL-terminated copies of the paths, back to back */
};

uint64_t pp_rules_cache_hash(const char *s, size_t len)
{
    /* eight bytes a step (FNV-1a byte by byte was a tenth of a cached start-up) */
    uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    uint64_t t = 0;
    for (size_t k = 0; i < len; i++, k += 8)
        t |= (uint64_t)(unsigned char)s[i] << k;
    h = (h ^ t) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 32);
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

/* Checks data[0..len) (malloc'd, taken) as a cache named `path` in messages. */
static pp_rules_cache *parse(const char *path, char *data, size_t len, pp_status *st,
                             char **err)
{
    pp_rules_cache *c = calloc(1, sizeof *c);
    pp_status s = PP_OK;
    if (!c) {
        free(data);
        s = pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    c->data = data;
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
    /* every path plus its NUL fits in the file's size */
    c->paths = malloc(len + 1);
    if (!c->e || !c->paths) {
        s = pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    char *pp = c->paths;
    for (uint32_t i = 0; i < count; i++) {
        size_t at = r.off;
        uint32_t plen, clen;
        const unsigned char *pb, *cb;
        entry *e = &c->e[i];
        if (get_u32(&r, &plen) || plen == 0 || plen > PP_RULES_CACHE_MAX_PATH ||
            get(&r, plen, &pb) || memchr(pb, '\0', plen) || get_u64(&r, &e->src_len) ||
            get_u64(&r, &e->hash) || get_u32(&r, &clen) || get(&r, clen, &cb)) {
            s = pp_err(err, PP_E_PARSE, "%s: byte %zu: expected entry %u of %u (path of 1 to "
                                        "%u bytes, lengths, hash, bytecode); the file is "
                                        "truncated or damaged",
                       path, at, i + 1, count, PP_RULES_CACHE_MAX_PATH);
            goto fail;
        }
        memcpy(pp, pb, plen);
        pp[plen] = '\0';
        e->path = pp;
        pp += plen + 1;
        e->code = (const char *)cb;
        e->code_len = clen;
        c->n++;
    }
    if (r.off != len) {
        s = pp_err(err, PP_E_PARSE, "%s: byte %zu: expected the end of the file after %u "
                                    "entries", path, r.off, count);
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
    char *data = NULL;
    size_t len = 0;
    pp_status s = pp_read_file(path, PP_RULES_CACHE_MAX_BYTES, &data, &len, err);
    if (s != PP_OK) {
        if (st)
            *st = s;
        return NULL;
    }
    return parse(path, data, len, st, err);
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
    return parse(name, data, len, st, err);
}

void pp_rules_cache_free(pp_rules_cache *c)
{
    if (!c)
        return;
    free(c->data);
    free(c->e);
    free(c->paths);
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
    entry key = {.path = rel};
    const entry *e = bsearch(&key, c->e, c->n, sizeof *c->e, cmp_entry);
    if (!e || e->src_len != len || e->hash != pp_rules_cache_hash(src, len))
        return NULL;
    *code_len = e->code_len;
    return e->code;
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

pp_status pp_rules_cache_build(const char *dir, const char *out, size_t *n, char **err)
{
    pp_strvec files = {0};
    pp_buf b, code;
    pp_buf_init(&b, PP_RULES_CACHE_MAX_BYTES);
    pp_buf_init(&code, 0);
    lua_State *L = luaL_newstate();
    char *tmp = NULL;
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
        if (!full || !chunk)
            st = PP_E_NOMEM;
        else
            st = pp_read_file(full, 1u << 20, &src, &len, err);
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
            put_u32(&b, (uint32_t)strlen(files.v[i]), &st);
            if (st == PP_OK)
                st = pp_buf_puts(&b, files.v[i]);
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
    pp_strvec_free(&files);
    pp_buf_free(&b);
    pp_buf_free(&code);
    free(tmp);
    return st;
}
