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

/* Collects *.lua files below dir (depth-limited). The entry's type from readdir where the
 * file system gives it, stat (following links) otherwise. */
static pp_status walk(const char *dir, pp_strvec *out, int depth, char **err)
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
        int is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG;
        struct stat sb;
        if (e->d_type != DT_DIR && e->d_type != DT_REG) {
            is_dir = is_reg = 0;
            if (stat(p, &sb) == 0) {
                is_dir = S_ISDIR(sb.st_mode);
                is_reg = !is_dir;
            }
        }
        if (is_dir) {
            st = walk(p, out, depth + 1, err);
            free(p);
        } else if (is_reg && lua) {
            if (pp_strvec_push(out, p)) {
                free(p);
                st = PP_E_NOMEM;
            }
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
    if (json_is_object(params) && json_object_update(r->params, params) != 0) {
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

/* Compiles and runs one rule file or module, path (under `dir`) with text src[0..len): from
 * the cache's bytecode when it holds this very text, else from the text. A cached chunk this
 * Lua cannot load falls back to the text too, so a cache never changes the outcome. */
static pp_status load_chunk(pp_ruleset *rs, const pp_rules_cache *cache, const char *dir,
                            const char *path, const char *src, size_t len, char **err)
{
    char *chunk = pp_asprintf("@%s", path);
    if (!chunk)
        return PP_E_NOMEM;
    size_t dl = strlen(dir), clen = 0;
    const char *code = NULL;
    pp_status st = PP_OK;
    if (cache && strncmp(path, dir, dl) == 0 && path[dl] == '/')
        code = pp_rules_cache_find(cache, path + dl + 1, src, len, &clen);
    if (code) {
        char *berr = NULL;
        st = pp_sandbox_load_binary(rs->sb, chunk, code, clen, &berr);
        if (st == PP_E_PARSE)
            code = NULL;
        else if (st != PP_OK)
            pp_err(err, st, "%s", berr ? berr : pp_status_name(st));
        free(berr);
    }
    if (!code)
        st = pp_sandbox_load(rs->sb, chunk, src, len, err);
    free(chunk);
    return st;
}

/* Loads every <dir>/lib/NAME.lua as module NAME (sorted; a later folder's module of the same
 * name replaces an earlier one's). Each must return a table; rules get it, read-only, from
 * pp.lib("NAME"). */
static pp_status load_modules(pp_ruleset *rs, const pp_rules_cache *cache, const char *dir,
                              char **err)
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
        char *src = NULL;
        size_t len = 0;
        if ((st = pp_read_file(files.v[i], PP_RULE_FILE_MAX, &src, &len, err)) != PP_OK)
            break;
        const char *base = strrchr(files.v[i], '/') + 1;
        char *name = strndup(base, strlen(base) - 4);
        if (name)   /* the modules a load sees, for the rules cache's index */
            rs->env = pp_rules_env_add(rs->env, name, src, len);
        char *mp = pp_strdup(files.v[i]);
        if (!mp || pp_strvec_push(&rs->modules, mp)) {
            free(mp);
            free(name);
            free(src);
            st = PP_E_NOMEM;
            break;
        }
        st = load_chunk(rs, cache, dir, files.v[i], src, len, err);
        free(src);
        if (st != PP_OK) {
            free(name);
            if (st != PP_E_NOMEM)
                st = PP_E_RULE;
            break;
        }
        st = name ? pp_luaapi_add_module(rs, name, files.v[i], err) : PP_E_NOMEM;
        free(name);
    }
    pp_strvec_free(&files);
    free(libdir);
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
    json_error_t je;
    r->params = json_loadb(x->params, x->params_len, 0, &je);
    return json_is_object(r->params) ? PP_OK : PP_E_NOMEM;
}

/* Compiles and runs rule file `path` (text src[0..len), under folder `dir`) and reads its
 * table into r. */
static pp_status rule_from_text(pp_ruleset *rs, const pp_rules_opts *o, const char *dir,
                                const char *path, const char *src, size_t len, pp_rule *r,
                                char **err)
{
    pp_status s = load_chunk(rs, o->cache, dir, path, src, len, err);
    if (s != PP_OK)
        return s == PP_E_NOMEM ? s : PP_E_RULE;
    return pp_rules_read_table(pp_sandbox_state(rs->sb), path, rs->catalog, r, err);
}

/* r's ctx.params table and ctx userdata, where not made yet. */
static pp_status rule_refs(lua_State *L, pp_rule *r)
{
    if (r->params_ref == LUA_NOREF &&
        (r->params_ref = pp_luaapi_params_ref(L, r->params)) == LUA_NOREF)
        return PP_E_NOMEM;
    if (r->ctx_ref == LUA_NOREF && (r->ctx_ref = pp_luaapi_ctx_ref(L, r)) == LUA_NOREF)
        return PP_E_NOMEM;
    return PP_OK;
}

/* After r's metadata is read: the id is new, configuration and selection keep it, its params
 * and ctx exist. 1 = dropped by selection (r cleared), 0 = kept, else -status. */
static int rule_admit(pp_ruleset *rs, const pp_rules_opts *o, pp_rule *r, char **err)
{
    lua_State *L = pp_sandbox_state(rs->sb);
    pp_status s = PP_OK;
    for (size_t j = 0; j < rs->nrules; j++) {
        if (strcmp(rs->rules[j].info.id, r->info.id) == 0)
            return -(int)pp_err(err, PP_E_RULE, "%s: rule id '%s' is already used by %s",
                                r->file, r->info.id, rs->rules[j].file);
    }
    int drop = apply_config(o->config, r, err);
    if (drop < 0)
        return -(int)(drop == -2 ? PP_E_NOMEM : PP_E_USAGE);
    if (drop || (o->npacks && !in_pack(r, o->packs, o->npacks)) ||
        (o->nonly && !matches_any(o->only, o->nonly, r))) {
        rs->complete = 0;
        rule_clear(L, r);
        return 1;
    }
    if (!(r->params_base = json_deep_copy(r->params)))
        s = PP_E_NOMEM;
    else if (r->check_ref != LUA_NOREF)   /* else made by pp_rule_compile */
        s = rule_refs(L, r);
    return -(int)s;
}

/* Adds the rule of file `path` (folder `dir`) to rs, or skips it when the selection drops
 * it: from the cache's index when it holds this text, else by compiling the file. */
static pp_status add_rule_file(pp_ruleset *rs, const pp_rules_opts *o, const char *dir,
                               const char *path, char **err)
{
    char *src = NULL;
    size_t len = 0;
    pp_status s = pp_read_file(path, PP_RULE_FILE_MAX, &src, &len, err);
    if (s != PP_OK)
        return s;
    uint64_t hash = pp_rules_cache_hash(src, len);
    size_t dl = strlen(dir), code_len = 0;
    const pp_rules_index_rec *x = NULL;
    const char *code = NULL;
    if (o->cache && strncmp(path, dir, dl) == 0 && path[dl] == '/' &&
        (x = pp_rules_cache_index_find(o->cache, path + dl + 1, len, hash, rs->env)) != NULL)
        code = pp_rules_cache_find(o->cache, path + dl + 1, src, len, &code_len);
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
        s = rule_from_text(rs, o, dir, path, src, len, r, err);
    free(src);
    int adm = s == PP_OK ? rule_admit(rs, o, r, err) : -(int)s;
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
    pp_strvec files = {0};
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
        if ((s = pp_catalog_load_dir(rs->catalog, d, &rs->env, err)) != PP_OK) {
            if (s != PP_E_NOMEM)
                s = PP_E_RULE;   /* a bad catalogue stops the load as a bad rule file does */
            goto fail;
        }
    }
    for (size_t i = 0; i < o->nlib_dirs; i++) {
        if ((s = load_modules(rs, o->cache, o->lib_dirs[i], err)) != PP_OK)
            goto fail;
    }
    for (size_t i = 0; i < o->ndirs; i++) {
        if ((s = load_modules(rs, o->cache, o->dirs[i], err)) != PP_OK)
            goto fail;
    }
    size_t dir_end[PP_RULES_MAX_DIRS];   /* files of dirs[k] end at index dir_end[k] */
    if (o->ndirs > PP_RULES_MAX_DIRS) {
        s = pp_err(err, PP_E_USAGE, "more than %d rules folders", PP_RULES_MAX_DIRS);
        goto fail;
    }
    for (size_t i = 0; i < o->ndirs; i++) {
        size_t before = files.n;
        if ((s = walk(o->dirs[i], &files, 0, err)) != PP_OK)
            goto fail;
        qsort(files.v + before, files.n - before, sizeof *files.v, pp_strcmp_ptr);
        dir_end[i] = files.n;
    }
    rs->rules = calloc(files.n ? files.n : 1, sizeof *rs->rules);
    if (!rs->rules) {
        s = PP_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0, k = 0; i < files.n; i++) {
        while (k + 1 < o->ndirs && i >= dir_end[k])
            k++;
        if ((s = add_rule_file(rs, o, o->dirs[k], files.v[i], err)) != PP_OK)
            goto fail;
    }
    rs->info = calloc(rs->nrules ? rs->nrules : 1, sizeof *rs->info);
    if (!rs->info) {
        s = PP_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < rs->nrules; i++)
        rs->info[i] = rs->rules[i].info;
    pp_strvec_free(&files);
    if (st)
        *st = PP_OK;
    return rs;
fail:
    pp_strvec_free(&files);
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
    if (s == PP_E_PARSE) {
        /* bytecode this Lua cannot load: the text, if it is still what the index was built
         * from */
        size_t len = 0;
        s = pp_read_file(r->file, PP_RULE_FILE_MAX, &src, &len, err);
        if (s == PP_OK && (len != r->src_len || pp_rules_cache_hash(src, len) != r->src_hash))
            s = pp_err(err, PP_E_RULE, "%s: changed while parapet was running", r->file);
        else if (s == PP_OK)
            s = pp_sandbox_load(rs->sb, chunk, src, len, err);
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
