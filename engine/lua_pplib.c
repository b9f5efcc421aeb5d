/* lua_pplib.c — the `pp` library a rule calls: conversions (pp.bool, pp.int, pp.str), tests
 * on what a value is (pp.eq, pp.is_unknown, pp.is_view, pp.is_list, pp.is_map, pp.has),
 * pp.ref, pp.items, pp.glob, pp.cidr, pp.log and pp.lib (the modules of rules/lib/), plus the
 * Lua → JSON conversion the rule loader uses for metadata. docs/rules.md is the user-facing
 * description; lua_api.c installs the table read-only as the global `pp`.
 */
#include <arpa/inet.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/lua_api_int.h"
#include "engine/base/util.h"
#include "engine/value.h"

static int is_unknown_ud(lua_State *L, int i)
{
    return lapi_test_ud(L, i, &lapi_unk_mt_key) != NULL;
}

static int l_bool(lua_State *L)
{
    switch (lua_type(L, 1)) {
    case LUA_TBOOLEAN:
        lua_pushvalue(L, 1);
        return 1;
    case LUA_TSTRING: {
        const char *s = lua_tostring(L, 1);
        if (strcasecmp(s, "true") == 0)
            lua_pushboolean(L, 1);
        else if (strcasecmp(s, "false") == 0)
            lua_pushboolean(L, 0);
        else
            lua_pushnil(L);
        return 1;
    }
    default:
        lua_pushnil(L);
        return 1;
    }
}

static int l_int(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TNUMBER) {
        int ok = 0;
        lua_Integer i = lua_tointegerx(L, 1, &ok);
        if (ok)
            lua_pushinteger(L, i);
        else
            lua_pushnil(L);
        return 1;
    }
    if (lua_type(L, 1) == LUA_TSTRING) {
        long v;
        const char *s = lua_tostring(L, 1);
        if (*s == '+')
            s++;
        if (pp_parse_long(s, -(1L << 53), 1L << 53, &v) == 0)
            lua_pushinteger(L, v);
        else
            lua_pushnil(L);
        return 1;
    }
    lua_pushnil(L);
    return 1;
}

static int l_str(lua_State *L)
{
    switch (lua_type(L, 1)) {
    case LUA_TSTRING:
        lua_pushvalue(L, 1);
        return 1;
    case LUA_TNUMBER:
        if (lua_isinteger(L, 1))
            lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, 1));
        else
            lua_pushfstring(L, "%f", lua_tonumber(L, 1));
        return 1;
    case LUA_TBOOLEAN:
        lua_pushstring(L, lua_toboolean(L, 1) ? "true" : "false");
        return 1;
    default:
        lua_pushnil(L);
        return 1;
    }
}

/* JSON for a Lua scalar or view at i (new reference), NULL for anything else. On NOMEM
 * sets *oom (a NULL alone would read as "not equal"). Strings are taken as bytes: a UTF-8
 * check would also answer NULL. */
static json_t *scalar_json(lua_State *L, int i, int *oom)
{
    json_t *j;
    switch (lua_type(L, i)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        j = json_stringn_nocheck(s, len);
        break;
    }
    case LUA_TNUMBER:
        j = lua_isinteger(L, i) ? json_integer(lua_tointeger(L, i))
                                : json_real(lua_tonumber(L, i));
        break;
    case LUA_TBOOLEAN:
        return json_boolean(lua_toboolean(L, i));
    case LUA_TUSERDATA: {
        view *w = lapi_test_ud(L, i, &lapi_view_mt_key);   /* epoch checked by the caller */
        return w ? json_incref((json_t *)w->v) : NULL;
    }
    default:
        return NULL;
    }
    if (!j)
        *oom = 1;
    return j;
}

static int l_eq(lua_State *L)
{
    if (is_unknown_ud(L, 1) || is_unknown_ud(L, 2)) {
        lua_pushboolean(L, 0);
        return 1;
    }
    /* check both before allocating: lapi_check_epoch raises */
    for (int i = 1; i <= 2; i++) {
        view *w = lapi_test_ud(L, i, &lapi_view_mt_key);
        if (w)
            lapi_check_epoch(L, lapi_get_rs(L), w->epoch);
    }
    int oom = 0;
    json_t *a = scalar_json(L, 1, &oom), *b = scalar_json(L, 2, &oom);
    if (oom) {
        json_decref(a);
        json_decref(b);
        return luaL_error(L, "out of memory");
    }
    int eq = a && b && pp_value_equal(a, b);
    if (!a && !b)
        eq = lua_isnil(L, 1) && lua_isnil(L, 2);
    json_decref(a);
    json_decref(b);
    lua_pushboolean(L, eq);
    return 1;
}

static int l_is_unknown(lua_State *L)
{
    unk *u = lapi_test_ud(L, 1, &lapi_unk_mt_key);
    if (u) {
        pp_evalstate *es = &lapi_get_rs(L)->es;
        for (size_t i = 0; i < es->ntaint; i++) {
            if (es->taint[i] == u->u) {
                free(es->taint_path[i]);
                es->taint[i] = es->taint[es->ntaint - 1];
                es->taint_path[i] = es->taint_path[es->ntaint - 1];
                es->ntaint--;
                break;
            }
        }
    }
    lua_pushboolean(L, u != NULL);
    return 1;
}

static int l_is_view(lua_State *L)
{
    lua_pushboolean(L, lapi_test_ud(L, 1, &lapi_view_mt_key) != NULL);
    return 1;
}

static int l_is_list(lua_State *L)
{
    view *w = lapi_test_ud(L, 1, &lapi_view_mt_key);
    lua_pushboolean(L, w && json_is_array(w->v));
    return 1;
}

static int l_is_map(lua_State *L)
{
    view *w = lapi_test_ud(L, 1, &lapi_view_mt_key);
    lua_pushboolean(L, w && json_is_object(w->v));
    return 1;
}

/* pp.has(node, key): the key is present, even when its value is null (which reads as nil) */
static int l_has(lua_State *L)
{
    view *w = lapi_test_ud(L, 1, &lapi_view_mt_key);
    if (!w)
        return lua_pushboolean(L, 0), 1;
    lapi_check_epoch(L, lapi_get_rs(L), w->epoch);
    int has = 0;
    if (json_is_object(w->v) && lua_type(L, 2) == LUA_TSTRING)
        has = json_object_get(w->v, lua_tostring(L, 2)) != NULL;
    else if (json_is_array(w->v) && lua_isinteger(L, 2))
        has = lua_tointeger(L, 2) >= 1 && (size_t)lua_tointeger(L, 2) <= json_array_size(w->v);
    lua_pushboolean(L, has);
    return 1;
}

static int l_ref(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING)
        return lua_pushnil(L), 1;
    const char *attr = NULL;
    const char *id = lapi_ref_target(L, 1, &attr);
    if (!id)
        return lua_pushnil(L), 1;
    lua_pushstring(L, id);
    if (attr)
        lua_pushstring(L, attr);
    else
        lua_pushnil(L);
    return 2;
}

static int items_next(lua_State *L)
{
    view *w = lapi_check_view(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > json_array_size(w->v))
        return 0;
    lua_settop(L, 1);
    lua_pushinteger(L, i);   /* view, i */
    lapi_view_get(L, lapi_get_rs(L), w);  /* view, i, value */
    return 2;
}

static int empty_iter(lua_State *L)
{
    (void)L;
    return 0;
}

static int l_items(lua_State *L)
{
    view *w = lapi_test_ud(L, 1, &lapi_view_mt_key);
    if (w && json_is_array(w->v)) {
        lapi_check_epoch(L, lapi_get_rs(L), w->epoch);
        lua_pushcfunction(L, items_next);
        lua_pushvalue(L, 1);
        lua_pushinteger(L, 0);
        return 3;
    }
    lua_pushcfunction(L, empty_iter);
    lua_pushnil(L);
    lua_pushnil(L);
    return 3;
}

/* See eval_int.h. */
int pp_glob(const char *pat, const char *s)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            ss = s;
        } else if (*pat == *s) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++ss;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

static int l_glob(lua_State *L)
{
    lua_pushboolean(L, pp_glob(luaL_checkstring(L, 1), luaL_checkstring(L, 2)));
    return 1;
}

static int l_cidr(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING)
        return lua_pushnil(L), 1;
    const char *s = lua_tostring(L, 1);
    const char *slash = strchr(s, '/');
    char addr[64];
    size_t al = slash ? (size_t)(slash - s) : strlen(s);
    if (al == 0 || al >= sizeof addr)
        return lua_pushnil(L), 1;
    memcpy(addr, s, al);
    addr[al] = '\0';
    unsigned char buf[16];
    int fam = strchr(addr, ':') ? 6 : 4;
    if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, addr, buf) != 1)
        return lua_pushnil(L), 1;
    long prefix = fam == 6 ? 128 : 32;
    if (slash && pp_parse_long(slash + 1, 0, prefix, &prefix) != 0)
        return lua_pushnil(L), 1;
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, fam);
    lua_setfield(L, -2, "family");
    lua_pushinteger(L, prefix);
    lua_setfield(L, -2, "prefix");
    lua_pushboolean(L, prefix == 0);
    lua_setfield(L, -2, "world");
    return 1;
}

static int l_log(lua_State *L)
{
    pp_ruleset *rs = lapi_get_rs(L);
    if (!rs->es.opts || !rs->es.opts->verbose)
        return 0;
    pp_sandbox_push_joined(L, lua_gettop(L));
    fprintf(stderr, "rule %s: %s\n", rs->es.rule ? rs->es.rule->info.id : "?",
            lua_tostring(L, -1));
    return 0;
}

/* See eval_int.h. */
json_t *pp_luaapi_to_json(lua_State *L, int idx, int depth, int *nomem)
{
    idx = lua_absindex(L, idx);
    json_t *v = NULL;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return json_null();
    case LUA_TBOOLEAN:
        return json_boolean(lua_toboolean(L, idx));
    case LUA_TNUMBER:
        v = lua_isinteger(L, idx) ? json_integer(lua_tointeger(L, idx))
                                  : json_real(lua_tonumber(L, idx));
        break;
    case LUA_TSTRING:
        v = json_string(lua_tostring(L, idx));
        break;
    case LUA_TTABLE: {
        if (depth > 32)
            return NULL;
        lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
        size_t count = 0;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            count++;
            lua_pop(L, 1);
        }
        if (n > 0 && (size_t)n == count) {
            json_t *a = json_array();
            if (!a)
                break;
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, idx, i);
                json_t *x = pp_luaapi_to_json(L, -1, depth + 1, nomem);
                lua_pop(L, 1);
                if (!x || json_array_append_new(a, x) != 0) {
                    if (x)
                        *nomem = 1;
                    json_decref(a);
                    return NULL;
                }
            }
            return a;
        }
        json_t *o = json_object();
        if (!o)
            break;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            json_t *x = lua_type(L, -2) == LUA_TSTRING
                            ? pp_luaapi_to_json(L, -1, depth + 1, nomem)
                            : NULL;
            if (!x || json_object_set_new(o, lua_tostring(L, -2), x) != 0) {
                if (x)
                    *nomem = 1;
                lua_pop(L, 2);
                json_decref(o);
                return NULL;
            }
            lua_pop(L, 1);
        }
        return o;
    }
    default:
        return NULL;
    }
    if (!v)
        *nomem = 1;
    return v;
}

/* ---- modules (rules/lib/) -------------------------------------------------------------- */

static int l_lib(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &lapi_modules_key);
    if (lua_getfield(L, -1, name) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    /* a module loaded by need (rules.c): run now, under budgets of its own */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &lapi_rs_key);
    pp_ruleset *rs = lua_touserdata(L, -1);
    lua_pop(L, 1);
    char *err = NULL;
    pp_status st = rs && rs->nlibs ? pp_rules_lib_load(rs, name, &err) : PP_E_NOTFOUND;
    if (st == PP_OK && lua_getfield(L, -1, name) != LUA_TNIL)
        return 1;
    if (st == PP_OK || st == PP_E_NOTFOUND)
        return luaL_error(L, "no rules module '%s' (modules are the files of rules/lib/)", name);
    char msg[1024];   /* copied so that the message is freed before the error unwinds */
    snprintf(msg, sizeof msg, "%s", err ? err : "out of memory");
    free(err);
    return luaL_error(L, "%s", msg);
}

static int add_module_body(lua_State *L)
{
    /* 1: module table, 2: name (light userdata: pushing the string may fail, so it is done
     * here, under the protected call) */
    const char *name = lua_touserdata(L, 2);
    pp_sandbox_push_readonly(L, 1, name);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &lapi_modules_key);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, name);
    return 0;
}

/* See eval_int.h. */
pp_status pp_luaapi_add_module(pp_ruleset *rs, const char *name, const char *file, char **err)
{
    lua_State *L = pp_sandbox_state(rs->sb);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return pp_err(err, PP_E_RULE, "%s: expected the module to return a table", file);
    }
    lua_pushcfunction(L, add_module_body);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, (void *)name);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", file);
    }
    return PP_OK;
}

const luaL_Reg lapi_pplib[] = {
    {"bool", l_bool}, {"int", l_int}, {"str", l_str}, {"eq", l_eq},
    {"is_unknown", l_is_unknown}, {"is_view", l_is_view}, {"is_list", l_is_list},
    {"is_map", l_is_map}, {"has", l_has}, {"ref", l_ref},
    {"items", l_items}, {"glob", l_glob}, {"cidr", l_cidr}, {"log", l_log},
    {"lib", l_lib},
    {NULL, NULL}};
