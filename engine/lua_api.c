/* lua_api.c — what a rule sees, put together: installs the metatables of views and unknowns
 * (lua_view.c), of resources and ctx (lua_ctx.c) and the `pp` library (lua_pplib.c) into a rule
 * set's sandbox, and holds the registry keys and the helpers those files share
 * (lua_api_int.h). As in Lua itself (lapi / lauxlib / lbaselib / linit), each file has one job
 * and this one only wires them. docs/rules.md is the user-facing description.
 *
 * Data flow: pp_ruleset_load (rules.c) calls pp_luaapi_install once per rule set, before any
 * rule file runs; every userdata the parts make closes over the rule set kept here.
 */
#include <lauxlib.h>
#include <lua.h>

#include "engine/lua_api_int.h"
#include "engine/base/util.h"

const char lapi_rs_key = 'r';
const char lapi_modules_key = 'm';
const char lapi_view_mt_key = 'v';
const char lapi_unk_mt_key = 'u';
const char lapi_res_mt_key = 's';
const char lapi_cur_res_key = 'c';
const char lapi_cur_props_key = 'p';

/* See lua_api_int.h. */
int lapi_protected_ref(lua_State *L, lua_CFunction body, void *arg)
{
    lua_pushcfunction(L, body);
    lua_pushlightuserdata(L, arg);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        return LUA_NOREF;
    }
    int ref = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return ref;
}

/* [-1, +0, m] Creates metatable `name` with fns, each closing over the value on top (the
 * rule set), which it pops. */
static void new_mt(lua_State *L, const char *name, const luaL_Reg *fns)
{
    luaL_newmetatable(L, name);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, fns, 1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

/* The whole installation runs under lua_pcall so that a NOMEM is a status, not a panic. */
static int install(lua_State *L)
{
    pp_ruleset *rs = lua_touserdata(L, 1);
    lua_pushlightuserdata(L, rs);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_rs_key);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_modules_key);
    /* the slots of the current check's resource exist from the start: filling them later
     * never grows the registry inside a rule's run (and its memory budget) */
    lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_cur_res_key);
    lua_pushboolean(L, 0);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_cur_props_key);
    lua_pushlightuserdata(L, rs);
    new_mt(L, MT_VIEW, lapi_view_mt);
    new_mt(L, MT_UNKNOWN, lapi_unk_mt);
    new_mt(L, MT_RES, lapi_res_mt);
    new_mt(L, MT_CTX, lapi_ctx_mt);
    static const struct { const char *name; const char *key; } fast[] = {
        {MT_VIEW, &lapi_view_mt_key}, {MT_UNKNOWN, &lapi_unk_mt_key}, {MT_RES, &lapi_res_mt_key}};
    for (size_t i = 0; i < PP_ARRAY_LEN(fast); i++) {
        luaL_getmetatable(L, fast[i].name);
        lua_rawsetp(L, LUA_REGISTRYINDEX, fast[i].key);
    }
    lua_pop(L, 1);
    lua_newtable(L);
    luaL_setfuncs(L, lapi_pplib, 0);
    return 1;   /* the `pp` library table */
}

/* See eval_int.h. */
pp_status pp_luaapi_install(pp_ruleset *rs)
{
    lua_State *L = pp_sandbox_state(rs->sb);
    lua_pushcfunction(L, install);
    lua_pushlightuserdata(L, rs);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_pop(L, 1);
        return PP_E_NOMEM;
    }
    /* the library table is handed to the sandbox, which exposes it read-only */
    return pp_sandbox_set_global(rs->sb, "pp");
}
