/* lua_ctx.c — what a rule's check function is handed besides the resource's properties: the
 * resource userdata (logical id, type, properties, metadata) and `ctx` (verdicts with the
 * document pointer they point at, lookups of other resources and of referrers, ctx.params, the
 * hook action and the previous properties). docs/rules.md is the user-facing description.
 *
 * Data flow: eval.c pushes one resource and the rule's ctx (made once per rule, registry ref)
 * and calls the check; ctx.fail / ctx.unknown add pending verdicts to the evaluation state.
 */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lua_api_int.h"
#include "engine/base/util.h"
#include "engine/value.h"

typedef struct ctxud {
    pp_rule *rule;
} ctxud;

/* ---- resources ------------------------------------------------------------------------ */

/* See eval_int.h. */
void pp_luaapi_push_resource(lua_State *L, pp_ruleset *rs, size_t i)
{
    resud *r = lua_newuserdatauv(L, sizeof *r, 0);
    r->idx = i;
    r->epoch = rs->es.epoch;
    lapi_set_mt(L, &lapi_res_mt_key);
}

/* See eval_int.h. */
void pp_luaapi_push_check_resource(lua_State *L, pp_ruleset *rs, size_t i)
{
    pp_evalstate *es = &rs->es;
    if (es->cur_epoch == es->epoch && es->cur_epoch != 0 && es->cur_ri == i) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &lapi_cur_res_key);
        return;
    }
    pp_luaapi_push_resource(L, rs, i);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_cur_res_key);
    lua_pushboolean(L, 0);   /* not nil: the registry keeps the slot */
    lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_cur_props_key);
    es->cur_epoch = es->epoch;
    es->cur_ri = i;
    es->cur_props = 0;
}

/* Pushes resource r's properties. For the current check's resource a plain view (not an
 * unknown, which records a choice point or a taint at every read) is made once and kept. */
static void push_properties(lua_State *L, pp_ruleset *rs, const resud *r, const pp_resource *res)
{
    pp_evalstate *es = &rs->es;
    int current = es->cur_epoch == r->epoch && es->cur_ri == r->idx;
    if (current && es->cur_props) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &lapi_cur_props_key);
        return;
    }
    lapi_push_child(L, rs, res->properties, r->epoch, BASE_PROPS, (long)r->idx, "", 0, NULL);
    if (current && lua_type(L, -1) == LUA_TUSERDATA && !pp_is_unknown(res->properties)) {
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &lapi_cur_props_key);
        es->cur_props = 1;
    }
}

/* __index of a resource. A metamethod's argument 1 is its own kind (rules cannot reach the
 * metatable), and the rule set is the closure's upvalue: no checks by name on this path. */
static int res_index(lua_State *L)
{
    resud *r = lua_touserdata(L, 1);
    pp_ruleset *rs = lua_touserdata(L, lua_upvalueindex(1));
    lapi_check_epoch(L, rs, r->epoch);
    const pp_resource *res = &rs->es.t->res[r->idx];
    const char *k = luaL_checkstring(L, 2);
    if (k[0] == 't' && strcmp(k, "type") == 0)   /* the two keys every rule reads first */
        lua_pushstring(L, res->type);
    else if (strcmp(k, "properties") == 0)   /* may be an unknown: Properties: !If [C, {…}, {…}] */
        push_properties(L, rs, r, res);
    else if (strcmp(k, "logical_id") == 0)
        lua_pushstring(L, res->logical_id);
    else if (strcmp(k, "type") == 0)
        lua_pushstring(L, res->type);
    else if (strcmp(k, "metadata") == 0 && res->metadata)
        lapi_push_view(L, res->metadata, r->epoch, BASE_META, (long)r->idx, "", 0, NULL);
    else if (strcmp(k, "condition") == 0 && res->condition)
        lua_pushstring(L, res->condition);
    else if (strcmp(k, "has_properties") == 0)
        lua_pushboolean(L, res->raw_props != NULL);
    else if (strcmp(k, "raw_properties") == 0 && res->raw_props)
        /* as written, intrinsics unresolved (what Guard sees); same paths as properties */
        lapi_push_view(L, res->raw_props, r->epoch, BASE_PROPS, (long)r->idx, "", 0, NULL);
    else
        lua_pushnil(L);
    return 1;
}

static int res_eq(lua_State *L)
{
    resud *a = lapi_test_ud(L, 1, &lapi_res_mt_key), *b = lapi_test_ud(L, 2, &lapi_res_mt_key);
    lua_pushboolean(L, a && b && a->idx == b->idx);
    return 1;
}

static int res_tostring(lua_State *L)
{
    resud *r = luaL_checkudata(L, 1, MT_RES);
    pp_ruleset *rs = lapi_get_rs(L);
    lapi_check_epoch(L, rs, r->epoch);
    lua_pushfstring(L, "<%s %s>", rs->es.t->res[r->idx].type, rs->es.t->res[r->idx].logical_id);
    return 1;
}

/* ---- ctx ------------------------------------------------------------------------------- */

/* base, mid and path joined, then "/" and seg escaped when seg is not NULL: a new string, or
 * NULL on NOMEM. */
static char *join_path(const char *base, const char *mid, const char *path, const char *seg)
{
    size_t bl = strlen(base), ml = strlen(mid), pl = strlen(path);
    size_t sl = seg ? 1 + lapi_seg_len(seg) : 0;
    char *p = malloc(bl + ml + pl + sl + 1);
    if (!p)
        return NULL;
    memcpy(p, base, bl);
    memcpy(p + bl, mid, ml);
    memcpy(p + bl + ml, path, pl);
    if (seg) {
        p[bl + ml + pl] = '/';
        lapi_seg_write(p + bl + ml + pl + 1, seg);
    } else {
        p[bl + ml + pl] = '\0';
    }
    return p;
}

/* Builds the document pointer for (node, key) arguments at index i, i+1. Caller frees. */
static char *where_path(lua_State *L, pp_ruleset *rs, int i)
{
    const pp_resource *cur = rs->es.res;
    view *w = lapi_test_ud(L, i, &lapi_view_mt_key);
    if (!w) {
        resud *r = lapi_test_ud(L, i, &lapi_res_mt_key);
        const pp_resource *res = r ? &rs->es.t->res[r->idx] : cur;
        return pp_strdup(res->src_ptr);
    }
    lapi_check_epoch(L, rs, w->epoch);
    const pp_resource *res = w->res >= 0 ? &rs->es.t->res[w->res] : cur;
    const char *base = w->base == BASE_PROPS ? res->props_ptr : res->src_ptr;
    const char *mid = w->base == BASE_META ? "/Metadata" : "";
    if (w->base == BASE_PARAMS || w->base == BASE_PREV)
        return pp_strdup(res->src_ptr);
    char seg[32];
    const char *sp = NULL;
    if (lua_type(L, i + 1) == LUA_TSTRING) {
        sp = lua_tostring(L, i + 1);
    } else if (lua_isinteger(L, i + 1)) {
        snprintf(seg, sizeof seg, "%lld", (long long)lua_tointeger(L, i + 1) - 1);
        sp = seg;
    }
    return join_path(base, mid, w->path, sp);
}

static int ctx_verdict(lua_State *L, pp_fstatus st)
{
    pp_ruleset *rs = lapi_get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    const char *msg = luaL_optstring(L, 1, st == PP_ST_FAIL ? "rule failed" : "unknown value");
    char *path = where_path(L, rs, 2);
    pp_status s = path ? pp_eval_pending_take(&rs->es, st, msg, path) : PP_E_NOMEM;
    if (s != PP_OK)
        return luaL_error(L, "out of memory");
    lua_pushboolean(L, 0);
    return 1;
}

static int ctx_fail(lua_State *L) { return ctx_verdict(L, PP_ST_FAIL); }
static int ctx_unknown(lua_State *L) { return ctx_verdict(L, PP_ST_UNKNOWN); }

static int ctx_skip(lua_State *L)
{
    pp_ruleset *rs = lapi_get_rs(L);
    char *msg = pp_strdup(luaL_optstring(L, 1, "not applicable"));
    if (!msg)
        return luaL_error(L, "out of memory");
    rs->es.skipped = 1;
    free(rs->es.skip_msg);
    rs->es.skip_msg = msg;
    lua_pushboolean(L, 1);
    return 1;
}

/* See lua_api_int.h. */
const char *lapi_ref_target(lua_State *L, int i, const char **attr)
{
    if (attr)
        *attr = NULL;
    if (lua_type(L, i) == LUA_TSTRING)
        return lua_tostring(L, i);
    view *w = lapi_test_ud(L, i, &lapi_view_mt_key);
    if (!w)
        return NULL;
    lapi_check_epoch(L, lapi_get_rs(L), w->epoch);
    if (!json_is_object(w->v))
        return NULL;
    const char *r = json_string_value(json_object_get(w->v, "Ref"));
    if (r)
        return r;
    json_t *ga = json_object_get(w->v, "Fn::GetAtt");
    if (json_is_array(ga)) {
        if (attr)
            *attr = json_string_value(json_array_get(ga, 1));
        return json_string_value(json_array_get(ga, 0));
    }
    return NULL;
}

static int ctx_resource(lua_State *L)
{
    pp_ruleset *rs = lapi_get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    resud *r = lapi_test_ud(L, 1, &lapi_res_mt_key);
    if (r) {
        lua_settop(L, 1);
        return 1;
    }
    const char *id = lapi_ref_target(L, 1, NULL);
    long i = id ? pp_template_find(rs->es.t, id) : -1;
    if (i < 0 || !rs->es.t->res[i].active)
        return lua_pushnil(L), 1;
    pp_luaapi_push_resource(L, rs, (size_t)i);
    return 1;
}

static int ctx_resources(lua_State *L)
{
    pp_ruleset *rs = lapi_get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    const char *pat = luaL_optstring(L, 1, "*");
    lua_newtable(L);
    lua_Integer n = 0;
    const size_t *idx;
    size_t m;
    if (!strchr(pat, '*') && pp_template_of_type(rs->es.t, pat, &idx, &m)) {
        for (size_t k = 0; k < m; k++) {
            if (rs->es.t->res[idx[k]].active) {
                pp_luaapi_push_resource(L, rs, idx[k]);
                lua_rawseti(L, -2, ++n);
            }
        }
        return 1;
    }
    for (size_t i = 0; i < rs->es.t->nres; i++) {
        const pp_resource *res = &rs->es.t->res[i];
        if (res->active && pp_glob(pat, res->type)) {
            pp_luaapi_push_resource(L, rs, i);
            lua_rawseti(L, -2, ++n);
        }
    }
    return 1;
}

static int refers_to(const json_t *v, const char *id, int depth)
{
    if (depth > 64)
        return 0;
    if (json_is_object(v)) {
        const char *r = json_string_value(json_object_get(v, "Ref"));
        if (r && strcmp(r, id) == 0)
            return 1;
        json_t *ga = json_object_get(v, "Fn::GetAtt");
        const char *g = json_string_value(json_array_get(ga, 0));
        if (g && strcmp(g, id) == 0)
            return 1;
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            if (refers_to(x, id, depth + 1))
                return 1;
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            if (refers_to(json_array_get(v, i), id, depth + 1))
                return 1;
    }
    return 0;
}

static int ctx_referrers(lua_State *L)
{
    pp_ruleset *rs = lapi_get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    const char *id = NULL;
    resud *r = lapi_test_ud(L, 1, &lapi_res_mt_key);
    if (r)
        id = rs->es.t->res[r->idx].logical_id;
    else
        id = lapi_ref_target(L, 1, NULL);
    const char *pat = luaL_optstring(L, 2, "*");
    lua_newtable(L);
    if (!id)
        return 1;
    lua_Integer n = 0;
    const size_t *idx;
    size_t m;
    long target = pp_template_find(rs->es.t, id);
    if (target >= 0 && pp_template_referrers(rs->es.t, (size_t)target, &idx, &m)) {
        for (size_t k = 0; k < m; k++) {
            const pp_resource *res = &rs->es.t->res[idx[k]];
            if (res->active && pp_glob(pat, res->type)) {
                pp_luaapi_push_resource(L, rs, idx[k]);
                lua_rawseti(L, -2, ++n);
            }
        }
        return 1;
    }
    if (!strchr(pat, '*') && pp_template_of_type(rs->es.t, pat, &idx, &m)) {
        for (size_t k = 0; k < m; k++) {
            const pp_resource *res = &rs->es.t->res[idx[k]];
            if (res->active && refers_to(res->properties, id, 0)) {
                pp_luaapi_push_resource(L, rs, idx[k]);
                lua_rawseti(L, -2, ++n);
            }
        }
        return 1;
    }
    for (size_t i = 0; i < rs->es.t->nres; i++) {
        const pp_resource *res = &rs->es.t->res[i];
        if (res->active && pp_glob(pat, res->type) && refers_to(res->properties, id, 0)) {
            pp_luaapi_push_resource(L, rs, i);
            lua_rawseti(L, -2, ++n);
        }
    }
    return 1;
}

/* Protected body of pp_luaapi_ctx_ref: 1 = the rule (light userdata). */
static int ctx_ref_body(lua_State *L)
{
    pp_rule *r = lua_touserdata(L, 1);
    ctxud *c = lua_newuserdatauv(L, sizeof *c, 0);
    c->rule = r;
    luaL_setmetatable(L, MT_CTX);
    lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
    return 1;
}

/* See eval_int.h. */
int pp_luaapi_ctx_ref(lua_State *L, pp_rule *r)
{
    return lapi_protected_ref(L, ctx_ref_body, r);
}

/* __index of ctx (a metamethod: see res_index). */
static int ctx_index(lua_State *L)
{
    ctxud *c = lua_touserdata(L, 1);
    pp_ruleset *rs = lua_touserdata(L, lua_upvalueindex(1));
    const char *k = luaL_checkstring(L, 2);
    static const struct { const char *name; lua_CFunction fn; } fns[] = {
        {"fail", ctx_fail}, {"unknown", ctx_unknown}, {"skip", ctx_skip},
        {"resource", ctx_resource}, {"resources", ctx_resources},
        {"referrers", ctx_referrers},
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(fns); i++) {
        if (strcmp(k, fns[i].name) == 0) {
            lua_pushcfunction(L, fns[i].fn);
            return 1;
        }
    }
    if (strcmp(k, "params") == 0) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->params_ref);
    } else if (strcmp(k, "action") == 0) {
        const char *a = rs->es.opts && rs->es.opts->action ? rs->es.opts->action : "CHECK";
        lua_pushstring(L, a);
    } else if (strcmp(k, "previous") == 0 && rs->es.opts && rs->es.opts->previous && rs->es.res) {
        long ri = rs->es.res - rs->es.t->res;
        lapi_push_view(L, rs->es.opts->previous, rs->es.epoch, BASE_PREV, ri, "", 0, NULL);
    } else if (strcmp(k, "rule_id") == 0) {
        lua_pushstring(L, c->rule->info.id);
    } else {
        lua_pushnil(L);
    }
    return 1;
}

/* ---- ctx.params ------------------------------------------------------------------------ */

/* [-0, +1, m] Pushes json as plain Lua values, every table wrapped read-only (deep). */
static void push_ro_json(lua_State *L, const json_t *v, int depth)
{
    if (depth > 32)
        luaL_error(L, "rule params nested too deeply");
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        lua_createtable(L, 0, (int)json_object_size(v));
        json_object_foreach((json_t *)v, k, x) {
            push_ro_json(L, x, depth + 1);
            lua_setfield(L, -2, k);
        }
        break;
    }
    case JSON_ARRAY:
        lua_createtable(L, (int)json_array_size(v), 0);
        for (size_t i = 0; i < json_array_size(v); i++) {
            push_ro_json(L, json_array_get(v, i), depth + 1);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(v));
        return;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(v));
        return;
    case JSON_TRUE:
    case JSON_FALSE:
        lua_pushboolean(L, json_is_true(v));
        return;
    default:
        lua_pushnil(L);
        return;
    }
    pp_sandbox_push_readonly(L, -1, "ctx.params");
    lua_remove(L, -2);
}

static int params_ref_body(lua_State *L)
{
    const json_t *params = lua_touserdata(L, 1);
    push_ro_json(L, params, 0);
    lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
    return 1;
}

/* See eval_int.h. */
int pp_luaapi_params_ref(lua_State *L, const json_t *params)
{
    return lapi_protected_ref(L, params_ref_body, (void *)params);
}

const luaL_Reg lapi_res_mt[] = {
    {"__index", res_index}, {"__newindex", lapi_read_only}, {"__eq", res_eq},
    {"__tostring", res_tostring}, {NULL, NULL}};

const luaL_Reg lapi_ctx_mt[] = {
    {"__index", ctx_index}, {"__newindex", lapi_read_only}, {NULL, NULL}};
