/* lua_view.c — how resolved JSON looks to a rule: read-only views of maps and lists, and the
 * pp.unknown userdata (docs/rules.md is the user-facing description; lua_api.c installs them).
 *
 * Views are full userdata holding a borrowed json_t* plus the JSON pointer of the node
 * relative to its base (properties, metadata, params, previous). Borrowed pointers are safe
 * because every view carries the epoch of the evaluation that made it; the evaluator bumps
 * the epoch after each evaluation and a stale view raises an error instead of touching
 * freed memory. Params views (epoch 0) live as long as the rule set.
 *
 * Unknowns (value.h) met while indexing: one with candidates is replaced by the candidate the
 * current "world" chose (eval.c enumerates worlds); an opaque one becomes a pp.unknown
 * userdata and taints the evaluation, so a pass that read it becomes UNKNOWN.
 */
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lua_api_int.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/value.h"

/* See lua_api_int.h. */
size_t lapi_seg_len(const char *seg)
{
    size_t n = 0;
    for (const char *p = seg; *p; p++)
        n += (*p == '~' || *p == '/') ? 2 : 1;
    return n;
}

/* See lua_api_int.h. */
void lapi_seg_write(char *out, const char *seg)
{
    for (const char *p = seg; *p; p++) {
        if (*p == '~') {
            *out++ = '~';
            *out++ = '0';
        } else if (*p == '/') {
            *out++ = '~';
            *out++ = '1';
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

/* See lua_api_int.h. */
view *lapi_push_view(lua_State *L, const json_t *v, uint64_t epoch, int base, long res,
                     const char *parent, size_t plen, const char *seg)
{
    size_t sl = seg ? 1 + lapi_seg_len(seg) : 0;
    view *w = lua_newuserdatauv(L, sizeof(view) + plen + sl + 1, 0);
    w->v = v;
    w->epoch = epoch;
    w->base = base;
    w->res = res;
    memcpy(w->path, parent, plen);
    if (seg) {
        w->path[plen] = '/';
        lapi_seg_write(w->path + plen + 1, seg);
    }
    w->path[plen + sl] = '\0';
    w->plen = plen + sl;
    lapi_set_mt(L, &lapi_view_mt_key);
    return w;
}

/* Picks the candidate of unknown u in the current world, recording the choice point. NULL
 * when choices overflowed (treated as opaque). */
static const json_t *choose(pp_evalstate *es, const json_t *u)
{
    const json_t *cand = pp_unknown_candidates(u);
    size_t n = json_array_size(cand);
    for (size_t i = 0; i < es->visited; i++)
        if (es->choice[i].u == u)
            return json_array_get(cand, es->choice[i].idx);
    size_t k = es->visited;
    if (k >= PP_MAX_CHOICES) {
        es->choice_overflow = 1;
        return NULL;
    }
    if (!(k < es->nchoice && es->choice[k].u == u)) {
        es->choice[k].u = u;
        es->choice[k].idx = 0;
        es->choice[k].count = n;
        es->nchoice = k + 1;
    }
    es->visited++;
    return json_array_get(cand, es->choice[k].idx);
}

/* Records that the rule read unknown u at path. -1 on NOMEM (nothing recorded). */
static int taint(pp_evalstate *es, const json_t *u, const char *path)
{
    for (size_t i = 0; i < es->ntaint; i++)
        if (es->taint[i] == u)
            return 0;
    if (es->ntaint < PP_MAX_TAINT) {
        char *p = pp_strdup(path);
        if (!p)
            return -1;
        es->taint[es->ntaint] = u;
        es->taint_path[es->ntaint] = p;
        es->ntaint++;
    }
    return 0;
}

/* See lua_api_int.h. */
void lapi_push_child(lua_State *L, pp_ruleset *rs, const json_t *c, uint64_t epoch, int base,
                     long res, const char *parent, size_t plen, const char *seg)
{
    /* the value's marker (value.h), looked up once for both kinds */
    const char *mark = json_is_object(c) ? json_string_value(json_object_get(c, PP_MARK)) : NULL;
    if (mark && strcmp(mark, "unknown") == 0) {
        const json_t *pick = pp_unknown_candidates(c) ? choose(&rs->es, c) : NULL;
        if (!pick) {
            size_t sl = seg ? 1 + lapi_seg_len(seg) : 0;
            unk *u = lua_newuserdatauv(L, sizeof(unk) + plen + sl + 1, 0);
            u->u = c;
            u->epoch = epoch;
            memcpy(u->path, parent, plen);
            if (seg) {
                u->path[plen] = '/';
                lapi_seg_write(u->path + plen + 1, seg);
            }
            u->path[plen + sl] = '\0';
            lapi_set_mt(L, &lapi_unk_mt_key);
            /* a taint lost to memory would turn the rule's UNKNOWN into a verdict */
            if (epoch && taint(&rs->es, c, u->path) != 0)
                luaL_error(L, "out of memory");
            return;
        }
        c = pick;
        mark = json_is_object(c) ? json_string_value(json_object_get(c, PP_MARK)) : NULL;
    }
    switch (json_typeof(c)) {
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(c), json_string_length(c));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(c));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(c));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    case JSON_NULL:
        lua_pushnil(L);
        break;
    case JSON_OBJECT:
        if (mark && strcmp(mark, "novalue") == 0) {   /* pp_is_novalue */
            lua_pushnil(L);
            break;
        }
        /* fallthrough */
    case JSON_ARRAY:
        lapi_push_view(L, c, epoch, base, res, parent, plen, seg);
        break;
    }
}

/* See lua_api_int.h. */
view *lapi_check_view(lua_State *L, int idx)
{
    view *w = luaL_checkudata(L, idx, MT_VIEW);
    lapi_check_epoch(L, lapi_get_rs(L), w->epoch);
    return w;
}

/* In a view's own metamethods argument 1 is a view (Lua only calls a metatable's methods
 * for values carrying it, and rules cannot reach the metatable), and the rule set is the
 * closure's upvalue: the hot path skips the checks a general API function needs. */
static view *self_view(lua_State *L, pp_ruleset **rs)
{
    view *w = lua_touserdata(L, 1);
    *rs = lua_touserdata(L, lua_upvalueindex(1));
    lapi_check_epoch(L, *rs, w->epoch);
    return w;
}

/* See lua_api_int.h. */
int lapi_view_get(lua_State *L, pp_ruleset *rs, view *w)
{
    const json_t *c = NULL;
    char seg[32];
    const char *sp = NULL;
    if (json_is_object(w->v)) {
        if (lua_type(L, 2) != LUA_TSTRING)
            return lua_pushnil(L), 1;
        sp = lua_tostring(L, 2);
        c = json_object_get(w->v, sp);
    } else {
        int isnum = 0;
        lua_Integer i = lua_tointegerx(L, 2, &isnum);
        if (!isnum || i < 1 || (size_t)i > json_array_size(w->v))
            return lua_pushnil(L), 1;
        c = json_array_get(w->v, (size_t)(i - 1));
        /* the path segment of index i - 1, in decimal (snprintf cost more than the lookup) */
        char *e = seg + sizeof seg - 1;
        *e = '\0';
        size_t n = (size_t)(i - 1);
        do {
            *--e = (char)('0' + n % 10);
            n /= 10;
        } while (n);
        sp = e;
    }
    if (!c)
        return lua_pushnil(L), 1;
    lapi_push_child(L, rs, c, w->epoch, w->base, w->res, w->path, w->plen, sp);
    return 1;
}

static int view_index(lua_State *L)
{
    pp_ruleset *rs;
    view *w = self_view(L, &rs);
    return lapi_view_get(L, rs, w);
}

/* See lua_api_int.h. */
int lapi_read_only(lua_State *L)
{
    return luaL_error(L, "resource properties are read-only");
}

static int view_len(lua_State *L)
{
    pp_ruleset *rs;
    view *w = self_view(L, &rs);
    lua_pushinteger(L, json_is_array(w->v) ? (lua_Integer)json_array_size(w->v) : 0);
    return 1;
}

static int view_next(lua_State *L)
{
    view *w = lapi_check_view(L, 1);
    if (json_is_array(w->v)) {
        lua_Integer i = lua_isnil(L, 2) ? 0 : luaL_checkinteger(L, 2);
        if (i < 0 || (size_t)i >= json_array_size(w->v))
            return 0;
        lua_settop(L, 1);
        lua_pushinteger(L, i + 1);  /* view, i+1 */
        lapi_view_get(L, lapi_get_rs(L), w);  /* view, i+1, value */
        return 2;
    }
    void *it = lua_isnil(L, 2) ? json_object_iter((json_t *)w->v)
                               : json_object_iter_next((json_t *)w->v,
                                                       json_object_iter_at((json_t *)w->v,
                                                                           luaL_checkstring(L, 2)));
    while (it && pp_is_novalue(json_object_iter_value(it)))
        it = json_object_iter_next((json_t *)w->v, it);
    if (!it)
        return 0;
    const char *k = json_object_iter_key(it);
    lua_pushstring(L, k);
    lapi_push_child(L, lapi_get_rs(L), json_object_iter_value(it), w->epoch, w->base, w->res,
                    w->path, w->plen, k);
    return 2;
}

static int view_pairs(lua_State *L)
{
    lapi_check_view(L, 1);
    lua_pushcfunction(L, view_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int view_eq(lua_State *L)
{
    view *a = lapi_test_ud(L, 1, &lapi_view_mt_key), *b = lapi_test_ud(L, 2, &lapi_view_mt_key);
    if (a && b) {
        lapi_check_epoch(L, lapi_get_rs(L), a->epoch);
        lapi_check_epoch(L, lapi_get_rs(L), b->epoch);
    }
    lua_pushboolean(L, a && b && json_equal((json_t *)a->v, (json_t *)b->v));
    return 1;
}

static int view_tostring(lua_State *L)
{
    view *w = lapi_check_view(L, 1);
    char *s = pp_json_dumps(w->v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (!s)
        return luaL_error(L, "out of memory");
    /* copied out before pushing: lua_pushstring raises on NOMEM, and s would leak */
    char shown[201];
    size_t n = strlen(s);
    if (n > 200) {
        memcpy(shown, s, 196);
        memcpy(shown + 196, "...", 4);
    } else {
        memcpy(shown, s, n + 1);
    }
    free(s);
    lua_pushstring(L, shown);
    return 1;
}

static int unk_tostring(lua_State *L)
{
    unk *u = luaL_checkudata(L, 1, MT_UNKNOWN);
    lapi_check_epoch(L, lapi_get_rs(L), u->epoch);
    lua_pushfstring(L, "<unknown: %s>", pp_unknown_reason(u->u));
    return 1;
}

static int unk_index(lua_State *L)
{
    unk *u = luaL_checkudata(L, 1, MT_UNKNOWN);
    (void)u;
    lua_pushnil(L);  /* every part of an unknown is unknown; the read already tainted */
    return 1;
}

static int unk_len(lua_State *L)
{
    lua_pushinteger(L, 0);
    return 1;
}

const luaL_Reg lapi_view_mt[] = {
    {"__index", view_index}, {"__newindex", lapi_read_only}, {"__len", view_len},
    {"__pairs", view_pairs}, {"__eq", view_eq}, {"__tostring", view_tostring},
    {NULL, NULL}};

const luaL_Reg lapi_unk_mt[] = {
    {"__index", unk_index}, {"__newindex", lapi_read_only}, {"__len", unk_len},
    {"__tostring", unk_tostring}, {NULL, NULL}};
