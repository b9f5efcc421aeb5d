/* rules.c — loads rule files into a rule set: finds every *.lua under the rule folders, takes
 * each rule's metadata from the rules cache's index or compiles the file once in the set's
 * sandbox (rules_meta.c reads its table), applies configuration (packs on/off, params,
 * severity overrides, skips) and the --pack/--only selection, and compiles a rule from the
 * index when an evaluation first needs it (pp_rule_compile).
 *
 * Data flow: rules/ → here → pp_ruleset → eval.c. A rule file that fails to compile or
 * declares invalid metadata stops the load with "FILE: message" (exit 2 at the CLI): a
 * guardrail that silently disappears is worse than a loud failure.
 */
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/eval_int.h"
#include "engine/rules_cache.h"
#include "engine/rules_catalog.h"
#include "engine/rules_int.h"
#include "engine/base/hash.h"
#include "engine/base/util.h"

#define PP_RULE_FILE_MAX (1u << 20)
#define PP_RULES_MAX_DIRS 64


/* dir + "/" + name, or NULL. */
static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p) {
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

/* A rule file found by walk: its path and, when `have_sb`, its stat (for the cache's stamps:
 * taken relative to its open folder, which spares the kernel the walk of the whole path). */
typedef struct rfile {
    char *path;
    struct stat sb;
    int have_sb;
} rfile;

typedef struct rfiles {
    rfile *v;
    size_t n, cap;
} rfiles;

static void rfiles_free(rfiles *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].path);
    free(f->v);
}

static int cmp_rfile(const void *a, const void *b)
{
    return strcmp(((const rfile *)a)->path, ((const rfile *)b)->path);
}

/* Collects *.lua files below dir (depth-limited). The entry's type from readdir where the
 * file system gives it, stat (following links) otherwise; with `want_sb` every file's stat. */
static pp_status walk(const char *dir, rfiles *out, int want_sb, int depth, char **err)
{
    if (depth > 16)
        return PP_OK;
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        return pp_err(err, e == ENOMEM ? PP_E_NOMEM : PP_E_NOTFOUND,
                      "%s: cannot open rules folder: %s", dir, strerror(e));
    }
    struct dirent *e;
    pp_status st = PP_OK;
    while ((e = readdir(d)) != NULL && st == PP_OK) {
        if (e->d_name[0] == '.')
            continue;
        /* <rules dir>/lib holds shared modules (pp.lib), catalog/ control catalogues */
        if (depth == 0 && (strcmp(e->d_name, "lib") == 0 || strcmp(e->d_name, "catalog") == 0))
            continue;
        size_t nl = strlen(e->d_name);
        int lua = nl > 4 && strcmp(e->d_name + nl - 4, ".lua") == 0;
        if (e->d_type == DT_REG && !lua)
            continue;   /* cases, fixtures: not even a path to build */
        char *p = join(dir, e->d_name);
        if (!p) {
            st = PP_E_NOMEM;
            break;
        }
        int is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG, have_sb = 0;
        struct stat sb;
        if ((e->d_type != DT_DIR && e->d_type != DT_REG) || (want_sb && is_reg)) {
            if (fstatat(dirfd(d), e->d_name, &sb, 0) == 0) {
                is_dir = S_ISDIR(sb.st_mode);
                is_reg = !is_dir;
                have_sb = 1;
            } else if (e->d_type != DT_REG) {
                is_dir = is_reg = 0;   /* a regular file stays: reading it says what is wrong */
            }
        }
        if (is_dir) {
            st = walk(p, out, want_sb, depth + 1, err);
            free(p);
        } else if (is_reg && lua) {
            if (out->n == out->cap) {
                size_t nc = out->cap ? out->cap * 2 : 256;
                rfile *v = realloc(out->v, nc * sizeof *v);
                if (!v) {
                    free(p);
                    st = PP_E_NOMEM;
                    break;
                }
                out->v = v;
                out->cap = nc;
            }
            out->v[out->n].path = p;
            out->v[out->n].have_sb = have_sb;
            if (have_sb)
                out->v[out->n].sb = sb;
            out->n++;
        } else {
            free(p);
        }
    }
    closedir(d);
    return st;
}

static void rule_clear(lua_State *L, pp_rule *r)
{
    if (!r->borrowed) {   /* else the strings are the rules cache's */
        free(r->info.id);
        free(r->info.title);
        free(r->info.fix);
        free(r->info.docs);
        pp_rules_free_strv(r->info.controls);
        pp_rules_free_strv(r->info.related);
        pp_rules_free_strv(r->info.packs);
        pp_rules_free_strv(r->info.types);
        pp_rules_free_strv(r->info.frameworks);
        free(r->guard);
    }
    free(r->file);
    free(r->skip_reason);
    json_decref(r->params);
    json_decref(r->params_base);
    if (L) {
        luaL_unref(L, LUA_REGISTRYINDEX, r->check_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, r->ctx_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, r->params_ref);
    }
}

void pp_ruleset_free(pp_ruleset *rs)
{
    if (!rs)
        return;
    lua_State *L = rs->sb ? pp_sandbox_state(rs->sb) : NULL;
    for (size_t i = 0; i < rs->nrules; i++)
        rule_clear(L, &rs->rules[i]);
    free(rs->rules);
    free(rs->info);
    pp_catalog_free(rs->catalog);
    for (size_t i = 0; i < rs->nlibs; i++)
        free(rs->libs[i].name);
    free(rs->libs);
    free(rs->lib_err);
    pp_strvec_free(&rs->modules);
    json_decref(rs->type_cache);
    pp_sandbox_free(rs->sb);
    free(rs);
}

static int matches_any(const char *const *pats, size_t n, const pp_rule *r)
{
    for (size_t i = 0; i < n; i++) {
        if (pp_glob(pats[i], r->info.id))
            return 1;
        for (char **c = r->info.controls; c && *c; c++)
            if (pp_glob(pats[i], *c))
                return 1;
    }
    return 0;
}

static int in_pack(const pp_rule *r, const char *const *packs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (char **p = r->info.packs; p && *p; p++)
            if (strcmp(*p, packs[i]) == 0)
                return 1;
    return 0;
}

/* r->params, parsed from the index's text where not done yet. PP_OK or PP_E_NOMEM. */
static pp_status params_parse(pp_rule *r)
{
    if (!r->params && r->params_text) {
        json_error_t je;
        r->params = json_loadb(r->params_text, r->params_len, 0, &je);
        if (!json_is_object(r->params)) {
            json_decref(r->params);
            r->params = NULL;   /* the index's params were checked when it was built */
        }
    }
    return r->params ? PP_OK : PP_E_NOMEM;
}

/* Configuration: {"packs": {"name": false}, "rules": {"id": {"params": {}, "severity": s,
 * "skip": reason}}}. Returns 0 to keep the rule, 1 to drop it, -1 with *err on bad config,
 * -2 with *err when out of memory. */
static int apply_config(const json_t *cfg, pp_rule *r, char **err)
{
    if (!cfg)
        return 0;
    json_t *packs = json_object_get(cfg, "packs");
    if (json_is_object(packs)) {
        for (char **p = r->info.packs; p && *p; p++) {
            json_t *on = json_object_get(packs, *p);
            if (json_is_false(on))
                return 1;
        }
    }
    json_t *rc = json_object_get(json_object_get(cfg, "rules"), r->info.id);
    if (!rc)
        return 0;
    if (!json_is_object(rc)) {
        pp_err(err, PP_E_USAGE, "configuration: rules.%s must be a map", r->info.id);
        return -1;
    }
    const char *sev = json_string_value(json_object_get(rc, "severity"));
    if (sev && pp_severity_parse(sev, &r->info.severity) != 0) {
        pp_err(err, PP_E_USAGE, "configuration: rules.%s.severity '%s' is not a severity",
               r->info.id, sev);
        return -1;
    }
    json_t *params = json_object_get(rc, "params");
    if (json_is_object(params) && (params_parse(r) != PP_OK ||
                                   json_object_update(r->params, params) != 0)) {
        pp_err(err, PP_E_NOMEM, "out of memory");
        return -2;
    }
    json_t *skip = json_object_get(rc, "skip");
    if (json_is_string(skip) && *json_string_value(skip)) {
        if (!(r->skip_reason = pp_strdup(json_string_value(skip)))) {
            pp_err(err, PP_E_NOMEM, "out of memory");
            return -2;
        }
    } else if (skip && !json_is_false(skip)) {
        pp_err(err, PP_E_USAGE, "configuration: rules.%s.skip needs a reason (a string)",
               r->info.id);
        return -1;
    }
    return 0;
}

/* rel of path under dir ("aws/x.lua"), or NULL when path is not below dir. */
static const char *rel_to(const char *dir, const char *path)
{
    size_t dl = strlen(dir);
    return strncmp(path, dir, dl) == 0 && path[dl] == '/' ? path + dl + 1 : NULL;
}

/* The length and hash of file `path`'s text without reading it, when the cache's stamp of
 * it (size, inode, modification and change times: rules_cache.h) still matches. 1 then. */
static int stamped(const pp_rules_cache *cache, const char *dir, const char *path,
                   const struct stat *known, size_t *len, uint64_t *hash)
{
    const char *rel = cache ? rel_to(dir, path) : NULL;
    struct stat sb;
    if (!rel || (!known && stat(path, &sb) != 0))
        return 0;
    return pp_rules_cache_stamp(cache, rel, known ? known : &sb, len, hash);
}

/* Reads path's text when *src is NULL (a stamp stood for it) and checks it is still the
 * text of length len and hash `hash`; "FILE: changed while parapet was running" if not. */
static pp_status text_of(const char *path, char **src, size_t len, uint64_t hash, char **err)
{
    if (*src)
        return PP_OK;
    size_t n = 0;
    pp_status s = pp_read_file(path, PP_RULE_FILE_MAX, src, &n, err);
    if (s == PP_OK && (n != len || pp_rules_cache_hash(*src, n) != hash))
        s = pp_err(err, PP_E_RULE, "%s: changed while parapet was running", path);
    return s;
}

/* Compiles and runs one rule file or module, path (under `dir`) with text src[0..len) of
 * hash `hash` (src NULL: not read yet): from the cache's bytecode when it holds this very
 * text, else from the text. A cached chunk this Lua cannot load falls back to the text too,
 * so a cache never changes the outcome. */
static pp_status load_chunk(pp_ruleset *rs, const pp_rules_cache *cache, const char *dir,
                            const char *path, char **src, size_t len, uint64_t hash,
                            char **err)
{
    char *chunk = pp_asprintf("@%s", path);
    if (!chunk)
        return PP_E_NOMEM;
    size_t clen = 0;
    const char *code = NULL, *rel = cache ? rel_to(dir, path) : NULL;
    pp_status st = PP_OK;
    if (rel)
        code = pp_rules_cache_find_hash(cache, rel, len, hash, &clen);
    if (code) {
        char *berr = NULL;
        st = pp_sandbox_load_binary(rs->sb, chunk, code, clen, &berr);
        if (st == PP_E_PARSE)
            code = NULL;
        else if (st != PP_OK)
            pp_err(err, st, "%s", berr ? berr : pp_status_name(st));
        free(berr);
    }
    if (!code && (st = text_of(path, src, len, hash, err)) == PP_OK)
        st = pp_sandbox_load(rs->sb, chunk, *src, len, err);
    free(chunk);
    return st;
}

/* A module file found by list_modules: its name, text (NULL when a stamp stood for it),
 * length, hash, and its rules folder. */
typedef struct modfile {
    char *name;
    char *src;
    size_t len;
    uint64_t hash;
    const char *dir;
    const char *path;    /* borrowed from rs->modules */
} modfile;

typedef struct modlist {
    modfile *v;
    size_t n, cap;
} modlist;

static void modlist_free(modlist *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].src);
    }
    free(m->v);
}

/* Finds every <dir>/lib/NAME.lua (sorted), folds its name and text into rs->env and appends
 * it to rs->modules and to m, in the order they load. */
static pp_status list_modules(pp_ruleset *rs, const pp_rules_cache *cache, const char *dir,
                              modlist *m, char **err)
{
    char *libdir = pp_asprintf("%s/lib", dir);
    if (!libdir)
        return PP_E_NOMEM;
    DIR *d = opendir(libdir);
    if (!d) {
        int e = errno;
        pp_status st = PP_OK;   /* no lib/ here: no modules */
        if (e != ENOENT && e != ENOTDIR)
            st = pp_err(err, e == ENOMEM ? PP_E_NOMEM : PP_E_IO, "%s: cannot open: %s", libdir,
                        strerror(e));
        free(libdir);
        return st;
    }
    pp_strvec files = {0};
    pp_status st = PP_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && st == PP_OK) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".lua") != 0)
            continue;
        char *p = pp_asprintf("%s/%s", libdir, e->d_name);
        if (!p || pp_strvec_push(&files, p)) {
            free(p);
            st = PP_E_NOMEM;
        }
    }
    closedir(d);
    if (files.n)
        qsort(files.v, files.n, sizeof *files.v, pp_strcmp_ptr);
    for (size_t i = 0; i < files.n && st == PP_OK; i++) {
        modfile f = {.dir = dir};
        if (!stamped(cache, dir, files.v[i], NULL, &f.len, &f.hash)) {
            if ((st = pp_read_file(files.v[i], PP_RULE_FILE_MAX, &f.src, &f.len, err)) != PP_OK)
                break;
            f.hash = pp_rules_cache_hash(f.src, f.len);
        }
        const char *base = strrchr(files.v[i], '/') + 1;
        f.name = strndup(base, strlen(base) - 4);
        if (f.name)   /* the modules a load sees, for the rules cache's index */
            rs->env = pp_rules_env_add_hash(rs->env, f.name, f.len, f.hash);
        char *mp = pp_strdup(files.v[i]);
        if (!f.name || !mp || pp_strvec_push(&rs->modules, mp)) {
            free(mp);
            free(f.name);
            free(f.src);
            st = PP_E_NOMEM;
            break;
        }
        f.path = mp;
        if (m->n == m->cap) {
            size_t nc = m->cap ? m->cap * 2 : 16;
            modfile *v = realloc(m->v, nc * sizeof *v);
            if (!v) {
                free(f.name);
                free(f.src);
                st = PP_E_NOMEM;
                break;
            }
            m->v = v;
            m->cap = nc;
        }
        m->v[m->n++] = f;
    }
    pp_strvec_free(&files);
    free(libdir);
    return st;
}

/* The modules of m, each run as it is listed (a later folder's module of the same name
 * replaces an earlier one's); rules get one, read-only, from pp.lib("NAME"). When the rules
 * cache's index was built from these very modules and catalogues, and holds every module's
 * bytecode, none runs now: each is loaded on its first pp.lib (pp_rules_lib_load). The
 * index says they loaded then, so they load now; only the moment changes. */
static pp_status load_modules(pp_ruleset *rs, const pp_rules_cache *cache, modlist *m,
                              char **err)
{
    int lazy = cache && m->n && pp_rules_cache_index_count(cache) &&
               pp_rules_cache_env(cache) == rs->env;
    for (size_t i = 0; lazy && i < m->n; i++) {
        size_t clen = 0;
        const char *rel = rel_to(m->v[i].dir, m->v[i].path);
        lazy = rel && pp_rules_cache_find_hash(cache, rel, m->v[i].len, m->v[i].hash, &clen);
    }
    if (lazy) {
        if (!(rs->libs = calloc(m->n, sizeof *rs->libs)))
            return PP_E_NOMEM;
        for (size_t i = 0; i < m->n; i++) {
            modfile *f = &m->v[i];
            size_t k = 0;
            while (k < rs->nlibs && strcmp(rs->libs[k].name, f->name) != 0)
                k++;
            pp_lazy_lib *l = &rs->libs[k];
            if (k == rs->nlibs) {
                rs->nlibs++;
                l->name = f->name;
                f->name = NULL;
            }
            l->file = f->path;
            l->src_len = f->len;
            l->src_hash = f->hash;
            l->code = pp_rules_cache_find_hash(cache, rel_to(f->dir, f->path), f->len,
                                               f->hash, &l->code_len);
        }
        return PP_OK;
    }
    pp_status st = PP_OK;
    for (size_t i = 0; i < m->n && st == PP_OK; i++) {
        modfile *f = &m->v[i];
        st = load_chunk(rs, cache, f->dir, f->path, &f->src, f->len, f->hash, err);
        if (st != PP_OK) {
            if (st != PP_E_NOMEM)
                st = PP_E_RULE;
            break;
        }
        st = pp_luaapi_add_module(rs, f->name, f->path, err);
    }
    return st;
}

pp_status pp_rules_lib_load(pp_ruleset *rs, const char *name, char **err)
{
    pp_lazy_lib *l = NULL;
    for (size_t i = 0; i < rs->nlibs && !l; i++)
        if (strcmp(rs->libs[i].name, name) == 0)
            l = &rs->libs[i];
    if (!l || l->state == 1 || l->state == 2)
        return PP_E_NOTFOUND;
    if (l->state == 3)   /* failed before: the same message again */
        return pp_err(err, rs->lib_st, "%s", rs->lib_err ? rs->lib_err : "out of memory");
    char *chunk = pp_asprintf("@%s", l->file), *e = NULL;
    if (!chunk)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    const pp_rule *was = rs->es.rule;
    const pp_eval_opts *was_opts = rs->es.opts;
    rs->es.rule = NULL;   /* what a module prints as it loads is dropped, as at load time */
    rs->es.opts = NULL;
    l->state = 1;
    pp_status st = pp_sandbox_load_nested(rs->sb, chunk, l->code, l->code_len, "b", &e);
    if (st == PP_E_PARSE) {   /* bytecode this Lua refuses: the text, if it is the same */
        char *src = NULL;
        free(e);
        e = NULL;
        st = text_of(l->file, &src, l->src_len, l->src_hash, &e);
        if (st == PP_OK)
            st = pp_sandbox_load_nested(rs->sb, chunk, src, l->src_len, "t", &e);
        free(src);
    }
    rs->es.rule = was;
    rs->es.opts = was_opts;
    if (st == PP_OK)
        st = pp_luaapi_add_module(rs, name, l->file, &e);
    else if (st != PP_E_NOMEM)
        st = PP_E_RULE;   /* as a module that fails at load time stops the load */
    free(chunk);
    if (st == PP_OK) {
        l->state = 2;
        return PP_OK;
    }
    l->state = 3;
    if (rs->lib_st == PP_OK) {
        rs->lib_err = e ? pp_strdup(e) : NULL;
        rs->lib_st = st;
    }
    pp_err(err, st, "%s", e ? e : "out of memory");
    free(e);
    return st;
}

static void log_print(void *ud, const char *chunk, const char *msg)
{
    const pp_ruleset *rs = ud;
    if (!rs->es.opts || !rs->es.opts->verbose)
        return;
    if (rs->es.rule)   /* the same line as pp.log's */
        fprintf(stderr, "rule %s: %s\n", rs->es.rule->info.id, msg);
    else
        fprintf(stderr, "%s: %s\n", chunk, msg);
}

/* r's metadata from index record x, borrowed from the cache (which outlives the rule set:
 * pp_rules_opts.cache); its file is compiled by pp_rule_compile when first needed. */
static pp_status rule_from_index(pp_rule *r, const pp_rules_index_rec *x, const char *code,
                                 size_t code_len)
{
    r->borrowed = 1;
    r->info = x->info;
    r->guard = (char *)x->guard;
    r->deletes = x->deletes;
    r->code = code;
    r->code_len = code_len;
    r->params_text = x->params;   /* parsed when first needed: pp_rule_params */
    r->params_len = x->params_len;
    return PP_OK;
}

pp_status pp_rule_params(pp_rule *r)
{
    if (params_parse(r) != PP_OK)
        return PP_E_NOMEM;
    if (!r->params_base && !(r->params_base = json_deep_copy(r->params)))
        return PP_E_NOMEM;
    return r->params ? PP_OK : PP_E_NOMEM;
}

/* Compiles and runs rule file `path` (text src[0..len), under folder `dir`) and reads its
 * table into r. */
static pp_status rule_from_text(pp_ruleset *rs, const pp_rules_opts *o, const char *dir,
                                const char *path, char **src, size_t len, uint64_t hash,
                                pp_rule *r, char **err)
{
    pp_status s = load_chunk(rs, o->cache, dir, path, src, len, hash, err);
    if (s != PP_OK)
        return s == PP_E_NOMEM ? s : PP_E_RULE;
    return pp_rules_read_table(pp_sandbox_state(rs->sb), path, rs->catalog, r, err);
}

/* r's ctx.params table and ctx userdata, where not made yet. */
static pp_status rule_refs(lua_State *L, pp_rule *r)
{
    if (params_parse(r) != PP_OK)
        return PP_E_NOMEM;
    if (r->params_ref == LUA_NOREF &&
        (r->params_ref = pp_luaapi_params_ref(L, r->params)) == LUA_NOREF)
        return PP_E_NOMEM;
    if (r->ctx_ref == LUA_NOREF && (r->ctx_ref = pp_luaapi_ctx_ref(L, r)) == LUA_NOREF)
        return PP_E_NOMEM;
    return PP_OK;
}

/* The ids of the rules kept so far: an open-addressed table of rule indexes + 1 (0 = free),
 * twice the number of rule files, so that a load is linear in the rules and not quadratic. */
typedef struct idset {
    size_t *slot;
    size_t cap;   /* a power of two */
} idset;

static const pp_rule *ids_find(const idset *ids, const pp_ruleset *rs, const char *id)
{
    for (size_t i = pp_fnv1a_str(id) & (ids->cap - 1);; i = (i + 1) & (ids->cap - 1)) {
        if (!ids->slot[i])
            return NULL;
        if (strcmp(rs->rules[ids->slot[i] - 1].info.id, id) == 0)
            return &rs->rules[ids->slot[i] - 1];
    }
}

static void ids_add(idset *ids, const pp_ruleset *rs, size_t k)
{
    size_t i = pp_fnv1a_str(rs->rules[k].info.id) & (ids->cap - 1);
    while (ids->slot[i])
        i = (i + 1) & (ids->cap - 1);
    ids->slot[i] = k + 1;
}

/* After r's metadata is read: the id is new, configuration and selection keep it, its params
 * and ctx exist. 1 = dropped by selection (r cleared), 0 = kept, else -status. */
static int rule_admit(pp_ruleset *rs, const pp_rules_opts *o, idset *ids, pp_rule *r,
                      char **err)
{
    lua_State *L = pp_sandbox_state(rs->sb);
    pp_status s = PP_OK;
    const pp_rule *dup = ids_find(ids, rs, r->info.id);
    if (dup)
        return -(int)pp_err(err, PP_E_RULE, "%s: rule id '%s' is already used by %s", r->file,
                            r->info.id, dup->file);
    int drop = apply_config(o->config, r, err);
    if (drop < 0)
        return -(int)(drop == -2 ? PP_E_NOMEM : PP_E_USAGE);
    if (drop || (o->npacks && !in_pack(r, o->packs, o->npacks)) ||
        (o->nonly && !matches_any(o->only, o->nonly, r))) {
        rs->complete = 0;
        rule_clear(L, r);
        return 1;
    }
    if (r->check_ref != LUA_NOREF)   /* else made by pp_rule_compile */
        s = rule_refs(L, r);   /* params_base: made by the first override (pp_rule_params) */
    if (s == PP_OK)
        ids_add(ids, rs, rs->nrules);
    return -(int)s;
}

/* Adds the rule of file `path` (folder `dir`) to rs, or skips it when the selection drops
 * it: from the cache's index when it holds this text (known by the file's stamp without
 * reading it, or by its hash), else by compiling the file. */
static pp_status add_rule_file(pp_ruleset *rs, const pp_rules_opts *o, idset *ids,
                               const char *dir, const rfile *file, char **err)
{
    const char *path = file->path;
    char *src = NULL;
    size_t len = 0, code_len = 0;
    uint64_t hash = 0;
    pp_status s = PP_OK;
    const char *rel = o->cache ? rel_to(dir, path) : NULL;
    const pp_rules_index_rec *x = NULL;
    const char *code = NULL;
    if (stamped(o->cache, dir, path, file->have_sb ? &file->sb : NULL, &len, &hash) &&
        (x = pp_rules_cache_index_find(o->cache, rel, len, hash, rs->env)) != NULL)
        code = pp_rules_cache_find_hash(o->cache, rel, len, hash, &code_len);
    if (!code) {   /* no stamp, or no index record for it: the text decides */
        x = NULL;
        if ((s = pp_read_file(path, PP_RULE_FILE_MAX, &src, &len, err)) != PP_OK)
            return s;
        hash = pp_rules_cache_hash(src, len);
        if (rel && (x = pp_rules_cache_index_find(o->cache, rel, len, hash, rs->env)) != NULL)
            code = pp_rules_cache_find_hash(o->cache, rel, len, hash, &code_len);
    }
    if (!code && (s = pp_catalog_ready(rs->catalog, err)) != PP_OK) {
        free(src);
        return s == PP_E_NOMEM ? s : PP_E_RULE;   /* a bad catalogue: as a bad rule file */
    }
    if (!code && (o->npacks || o->nonly) &&
        !pp_rules_text_may_be_selected(src, rs->catalog, o)) {
        free(src);
        return PP_OK;
    }
    lua_State *L = pp_sandbox_state(rs->sb);
    pp_rule *r = &rs->rules[rs->nrules];
    memset(r, 0, sizeof *r);
    r->check_ref = r->ctx_ref = r->params_ref = LUA_NOREF;
    r->src_len = len;
    r->src_hash = hash;
    if (!(r->file = pp_strdup(path)))
        s = PP_E_NOMEM;
    else if (code)
        s = rule_from_index(r, x, code, code_len);
    else
        s = rule_from_text(rs, o, dir, path, &src, len, hash, r, err);
    free(src);
    int adm = s == PP_OK ? rule_admit(rs, o, ids, r, err) : -(int)s;
    if (adm < 0) {
        rule_clear(L, r);
        return (pp_status)-adm;
    }
    if (adm == 0)
        rs->nrules++;
    return PP_OK;
}

pp_ruleset *pp_ruleset_load(const pp_rules_opts *o, pp_status *st, char **err)
{
    static const pp_limits deflim = PP_LIMITS_DEFAULT;
    pp_status s = PP_OK;
    rfiles files = {0};
    modlist mods = {0};
    idset ids = {0};
    pp_ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) {
        s = PP_E_NOMEM;
        goto fail;
    }
    rs->lim = o->limits ? *o->limits : deflim;
    rs->sb = pp_sandbox_new(&rs->lim);
    rs->type_cache = json_object();
    rs->env = PP_RULES_ENV_INIT;
    if (!rs->sb || !rs->type_cache || (s = pp_luaapi_install(rs)) != PP_OK) {
        s = s ? s : PP_E_NOMEM;
        goto fail;
    }
    pp_sandbox_set_log(rs->sb, log_print, rs);
    rs->complete = o->npacks == 0 && o->nonly == 0;
    if (!(rs->catalog = pp_catalog_new())) {
        s = PP_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < o->nlib_dirs + o->ndirs; i++) {
        const char *d = i < o->nlib_dirs ? o->lib_dirs[i] : o->dirs[i - o->nlib_dirs];
        if ((s = pp_catalog_load_dir(rs->catalog, d, &rs->env, o->cache, err)) != PP_OK) {
            if (s != PP_E_NOMEM)
                s = PP_E_RULE;   /* a bad catalogue stops the load as a bad rule file does */
            goto fail;
        }
    }
    for (size_t i = 0; i < o->nlib_dirs + o->ndirs && s == PP_OK; i++) {
        const char *d = i < o->nlib_dirs ? o->lib_dirs[i] : o->dirs[i - o->nlib_dirs];
        s = list_modules(rs, o->cache, d, &mods, err);
    }
    if (s == PP_OK)
        s = load_modules(rs, o->cache, &mods, err);
    modlist_free(&mods);
    if (s != PP_OK)
        goto fail;
    size_t dir_end[PP_RULES_MAX_DIRS];   /* files of dirs[k] end at index dir_end[k] */
    if (o->ndirs > PP_RULES_MAX_DIRS) {
        s = pp_err(err, PP_E_USAGE, "more than %d rules folders", PP_RULES_MAX_DIRS);
        goto fail;
    }
    for (size_t i = 0; i < o->ndirs; i++) {
        size_t before = files.n;
        if ((s = walk(o->dirs[i], &files, o->cache != NULL, 0, err)) != PP_OK)
            goto fail;
        qsort(files.v + before, files.n - before, sizeof *files.v, cmp_rfile);
        dir_end[i] = files.n;
    }
    rs->rules = calloc(files.n ? files.n : 1, sizeof *rs->rules);
    for (ids.cap = 16; ids.cap < 2 * files.n; ids.cap *= 2)
        ;
    ids.slot = calloc(ids.cap, sizeof *ids.slot);
    if (!rs->rules || !ids.slot) {
        s = PP_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0, k = 0; i < files.n; i++) {
        while (k + 1 < o->ndirs && i >= dir_end[k])
            k++;
        if ((s = add_rule_file(rs, o, &ids, o->dirs[k], &files.v[i], err)) != PP_OK)
            goto fail;
    }
    rs->info = calloc(rs->nrules ? rs->nrules : 1, sizeof *rs->info);
    if (!rs->info) {
        s = PP_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < rs->nrules; i++)
        rs->info[i] = rs->rules[i].info;
    rfiles_free(&files);
    free(ids.slot);
    if (st)
        *st = PP_OK;
    return rs;
fail:
    rfiles_free(&files);
    free(ids.slot);
    pp_ruleset_free(rs);
    if (st)
        *st = s;
    if (s == PP_E_NOMEM)
        pp_err(err, s, "out of memory while loading rules");
    return NULL;
}

/* Reads the table a rule file returned (top of the stack, popped) for its check function
 * only: the metadata came from the index. Protected body: 1 = the rule, 2 = the table. */
static int read_check_body(lua_State *L)
{
    pp_rule *r = lua_touserdata(L, 1);
    if (!lua_istable(L, 2))
        return luaL_error(L, "expected the file to return a rule table");
    pp_rules_rawfield(L, 2, "id");
    if (!lua_isstring(L, -1) || strcmp(lua_tostring(L, -1), r->info.id) != 0)
        return luaL_error(L, "expected id '%s' as when the rules cache was built", r->info.id);
    if (pp_rules_rawfield(L, 2, "check") != LUA_TFUNCTION)
        return luaL_error(L, "expected 'check' to be a function(resource, ctx)");
    r->check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

pp_status pp_rule_compile(pp_ruleset *rs, pp_rule *r, char **err)
{
    if (r->check_ref != LUA_NOREF)
        return PP_OK;
    char *chunk = pp_asprintf("@%s", r->file), *berr = NULL, *src = NULL;
    if (!chunk)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    const pp_rule *was = rs->es.rule;
    const pp_eval_opts *was_opts = rs->es.opts;
    rs->es.rule = NULL;   /* what the file prints as it loads is dropped, as at load time */
    rs->es.opts = NULL;
    pp_status s = pp_sandbox_load_binary(rs->sb, chunk, r->code, r->code_len, &berr);
    if (rs->lib_st != PP_OK) {
        /* a module this file asked for failed to load: the load's error, as when modules
         * ran at load time */
        if (s == PP_OK)
            lua_pop(pp_sandbox_state(rs->sb), 1);
        s = pp_err(err, rs->lib_st, "%s", rs->lib_err ? rs->lib_err : "out of memory");
    } else if (s == PP_E_PARSE) {
        /* bytecode this Lua cannot load: the text, if it is still what the index was built
         * from */
        s = text_of(r->file, &src, r->src_len, r->src_hash, err);
        if (s == PP_OK)
            s = pp_sandbox_load(rs->sb, chunk, src, r->src_len, err);
    } else if (s != PP_OK) {
        pp_err(err, s, "%s", berr ? berr : pp_status_name(s));
    }
    if (s == PP_OK) {
        lua_State *L = pp_sandbox_state(rs->sb);
        lua_pushcfunction(L, read_check_body);
        lua_insert(L, -2);
        lua_pushlightuserdata(L, r);
        lua_insert(L, -2);
        if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
            const char *m = lua_tostring(L, -1);
            s = pp_err(err, m && strstr(m, "expected") ? PP_E_RULE : PP_E_NOMEM, "%s: %s",
                       r->file, m ? m : "out of memory");
            lua_pop(L, 1);
        }
    }
    if (s == PP_OK && rule_refs(pp_sandbox_state(rs->sb), r) != PP_OK)
        s = pp_err(err, PP_E_NOMEM, "out of memory");
    rs->es.rule = was;
    rs->es.opts = was_opts;
    free(berr);
    free(src);
    free(chunk);
    return s;
}

const pp_rule_info *pp_ruleset_info(const pp_ruleset *rs, size_t *n)
{
    *n = rs->nrules;
    return rs->info;
}

const char *pp_ruleset_file(const pp_ruleset *rs, size_t i)
{
    return i < rs->nrules ? rs->rules[i].file : NULL;
}
