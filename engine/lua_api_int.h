/* lua_api_int.h — private glue between the parts of the rules' Lua API: lua_api.c (installation
 * and the registry keys), lua_view.c (views of resolved JSON and pp.unknown), lua_ctx.c
 * (resource userdata, ctx and ctx.params) and lua_pplib.c (the `pp` library). Nothing outside
 * engine/lua_*.c includes it; the API the rest of the engine calls is in eval_int.h.
 *
 * Userdata kinds, each with its metatable, named MT_* (the name is the luaL_checkudata tag).
 * The three made on every property access (view, unknown, resource) are also stored under an
 * address-of-static key, because lua_rawgetp is cheaper than luaL_setmetatable's lookup by name.
 */
#ifndef PP_LUA_API_INT_H
#define PP_LUA_API_INT_H

#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/eval_int.h"

#define MT_VIEW "pp.view"
#define MT_UNKNOWN "pp.unknown"
#define MT_RES "pp.resource"
#define MT_CTX "pp.ctx"

/* What a view's path is relative to (where_path turns it into a document pointer). */
enum { BASE_PROPS = 0, BASE_META, BASE_PARAMS, BASE_PREV };

typedef struct view {
    const json_t *v;
    uint64_t epoch;    /* 0: permanent (params) */
    int base;
    long res;          /* resource index, -1 for params */
    size_t plen;
    char path[];       /* relative JSON pointer, NUL-terminated */
} view;

typedef struct unk {
    const json_t *u;
    uint64_t epoch;
    char path[];
} unk;

typedef struct resud {
    size_t idx;
    uint64_t epoch;
} resud;

/* Registry keys (lua_api.c): only their addresses matter. */
extern const char lapi_rs_key;        /* the pp_ruleset (light userdata) */
extern const char lapi_modules_key;   /* name → read-only module table */
extern const char lapi_view_mt_key;
extern const char lapi_unk_mt_key;
extern const char lapi_res_mt_key;
extern const char lapi_cur_res_key;   /* the current check's resource userdata (eval_int.h) */
extern const char lapi_cur_props_key; /* and its properties view */

/* Metatable functions, installed by lua_api.c's install() (NULL-terminated). Each closes over
 * the rule set as upvalue 1. */
extern const luaL_Reg lapi_view_mt[];   /* lua_view.c */
extern const luaL_Reg lapi_unk_mt[];    /* lua_view.c */
extern const luaL_Reg lapi_res_mt[];    /* lua_ctx.c */
extern const luaL_Reg lapi_ctx_mt[];    /* lua_ctx.c */
/* The `pp` library's functions (lua_pplib.c). */
extern const luaL_Reg lapi_pplib[];

/* Inline: these run on every property access, and the parts of the API are separate files. */

/* [-0, +0, -] Sets the metatable stored under key on the userdata on top of the stack. */
static inline void lapi_set_mt(lua_State *L, const char *key)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, key);
    lua_setmetatable(L, -2);
}

/* [-0, +0, -] The userdata at i when its metatable is the one stored under key, else NULL:
 * luaL_testudata without the metatable's lookup by name (which interns the name first). */
static inline void *lapi_test_ud(lua_State *L, int i, const char *key)
{
    void *p = lua_touserdata(L, i);
    if (!p || !lua_getmetatable(L, i))
        return NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, key);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same ? p : NULL;
}

/* [-0, +0, -] The rule set the API was installed for. */
static inline pp_ruleset *lapi_get_rs(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &lapi_rs_key);
    pp_ruleset *rs = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return rs;
}

/* [-0, +0, v] Raises when epoch is not the current evaluation's (0, params, never expires). */
static inline void lapi_check_epoch(lua_State *L, pp_ruleset *rs, uint64_t epoch)
{
    if (epoch != 0 && (epoch != rs->es.epoch || !rs->es.t))
        luaL_error(L, "a value from an earlier evaluation cannot be used");
}

/* lua_api.c */
/* Runs body(arg) under lua_pcall; body returns a registry ref as an integer. The ref, or
 * LUA_NOREF when the body ran out of memory. */
int lapi_protected_ref(lua_State *L, lua_CFunction body, void *arg);

/* lua_view.c */
/* The length of seg escaped as a JSON pointer segment ('~' → "~0", '/' → "~1"). */
size_t lapi_seg_len(const char *seg);
/* Writes seg escaped, NUL-terminated, to out (lapi_seg_len(seg) + 1 bytes). */
void lapi_seg_write(char *out, const char *seg);
/* [-0, +1, m] Pushes a view of v (borrowed) whose path is parent[0..plen) followed by
 * "/" and seg escaped (no segment when seg is NULL). */
view *lapi_push_view(lua_State *L, const json_t *v, uint64_t epoch, int base, long res,
                     const char *parent, size_t plen, const char *seg);
/* [-0, +1, m] Pushes the Lua form of child `c` reached from a node with path (parent, plen)
 * through segment seg: a scalar, nil, a view, or for an unknown the candidate the current world
 * chose, else a pp.unknown that taints the evaluation. */
void lapi_push_child(lua_State *L, pp_ruleset *rs, const json_t *c, uint64_t epoch, int base,
                     long res, const char *parent, size_t plen, const char *seg);
/* [-0, +0, v] The view at idx, raising when it is not one or is stale. */
view *lapi_check_view(lua_State *L, int idx);
/* [-0, +1, m] Pushes w[key at stack index 2] (a view, a scalar, an unknown or nil). */
int lapi_view_get(lua_State *L, pp_ruleset *rs, view *w);
/* __newindex of every userdata the API makes: raises. */
int lapi_read_only(lua_State *L);

/* lua_ctx.c */
/* [-0, +0, v] Logical id named by a string or a {Ref=…}/{Fn::GetAtt=…} view at i (borrowed);
 * *attr (when attr is not NULL) is the GetAtt attribute or NULL. NULL for anything else. */
const char *lapi_ref_target(lua_State *L, int i, const char **attr);

#endif
