/* lua_api.c — what a rule sees: read-only views of resolved JSON, resource and ctx objects,
 * and the `pp` helper library (docs/rules.md is the user-facing description).
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
#include <arpa/inet.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "engine/eval_int.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/value.h"

#define MT_VIEW "pp.view"
#define MT_UNKNOWN "pp.unknown"
#define MT_RES "pp.resource"
#define MT_CTX "pp.ctx"

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

typedef struct ctxud {
    pp_rule *rule;
} ctxud;

static const char RS_KEY = 'r';
static const char MODULES_KEY = 'm';   /* registry: name → read-only module table */
/* Metatables by address-of-static keys: lua_rawgetp is cheaper than luaL_setmetatable's
 * lookup by name, and views are created on every property access. */
static const char VIEW_MT_KEY = 'v';
static const char UNK_MT_KEY = 'u';
static const char RES_MT_KEY = 's';

/* [-0, +0, -] Sets the metatable stored under key on the userdata on top of the stack. */
static void set_mt(lua_State *L, const char *key)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, key);
    lua_setmetatable(L, -2);
}

static pp_ruleset *get_rs(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &RS_KEY);
    pp_ruleset *rs = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return rs;
}

static void check_epoch(lua_State *L, pp_ruleset *rs, uint64_t epoch)
{
    if (epoch != 0 && (epoch != rs->es.epoch || !rs->es.t))
        luaL_error(L, "a value from an earlier evaluation cannot be used");
}

/* Appends an escaped JSON pointer segment to base into a fresh userdata path. */
static size_t seg_len(const char *seg)
{
    size_t n = 0;
    for (const char *p = seg; *p; p++)
        n += (*p == '~' || *p == '/') ? 2 : 1;
    return n;
}

static void seg_write(char *out, const char *seg)
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

/* [-0, +1, m] */
static view *push_view(lua_State *L, const json_t *v, uint64_t epoch, int base, long res,
                       const char *parent, size_t plen, const char *seg)
{
    size_t sl = seg ? 1 + seg_len(seg) : 0;
    view *w = lua_newuserdatauv(L, sizeof(view) + plen + sl + 1, 0);
    w->v = v;
    w->epoch = epoch;
    w->base = base;
    w->res = res;
    memcpy(w->path, parent, plen);
    if (seg) {
        w->path[plen] = '/';
        seg_write(w->path + plen + 1, seg);
    }
    w->path[plen + sl] = '\0';
    w->plen = plen + sl;
    set_mt(L, &VIEW_MT_KEY);
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

/* [-0, +1, m] Pushes the Lua form of child `c` reached from a node with path (parent, plen)
 * through segment seg. */
static void push_child(lua_State *L, pp_ruleset *rs, const json_t *c, uint64_t epoch, int base,
                       long res, const char *parent, size_t plen, const char *seg)
{
    if (pp_is_unknown(c)) {
        const json_t *pick = pp_unknown_candidates(c) ? choose(&rs->es, c) : NULL;
        if (!pick) {
            size_t sl = seg ? 1 + seg_len(seg) : 0;
            unk *u = lua_newuserdatauv(L, sizeof(unk) + plen + sl + 1, 0);
            u->u = c;
            u->epoch = epoch;
            memcpy(u->path, parent, plen);
            if (seg) {
                u->path[plen] = '/';
                seg_write(u->path + plen + 1, seg);
            }
            u->path[plen + sl] = '\0';
            set_mt(L, &UNK_MT_KEY);
            /* a taint lost to memory would turn the rule's UNKNOWN into a verdict */
            if (epoch && taint(&rs->es, c, u->path) != 0)
                luaL_error(L, "out of memory");
            return;
        }
        c = pick;
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
        if (pp_is_novalue(c)) {
            lua_pushnil(L);
            break;
        }
        /* fallthrough */
    case JSON_ARRAY:
        push_view(L, c, epoch, base, res, parent, plen, seg);
        break;
    }
}

static view *check_view(lua_State *L, int idx)
{
    view *w = luaL_checkudata(L, idx, MT_VIEW);
    check_epoch(L, get_rs(L), w->epoch);
    return w;
}

/* In a view's own metamethods argument 1 is a view (Lua only calls a metatable's methods
 * for values carrying it, and rules cannot reach the metatable), and the rule set is the
 * closure's upvalue: the hot path skips the checks a general API function needs. */
static view *self_view(lua_State *L, pp_ruleset **rs)
{
    view *w = lua_touserdata(L, 1);
    *rs = lua_touserdata(L, lua_upvalueindex(1));
    check_epoch(L, *rs, w->epoch);
    return w;
}

/* [-0, +1, m] Pushes w[key at stack index 2] (a view, a scalar, an unknown or nil). */
static int view_get(lua_State *L, pp_ruleset *rs, view *w)
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
    push_child(L, rs, c, w->epoch, w->base, w->res, w->path, w->plen, sp);
    return 1;
}

static int view_index(lua_State *L)
{
    pp_ruleset *rs;
    view *w = self_view(L, &rs);
    return view_get(L, rs, w);
}

static int view_newindex(lua_State *L)
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
    view *w = check_view(L, 1);
    if (json_is_array(w->v)) {
        lua_Integer i = lua_isnil(L, 2) ? 0 : luaL_checkinteger(L, 2);
        if (i < 0 || (size_t)i >= json_array_size(w->v))
            return 0;
        lua_settop(L, 1);
        lua_pushinteger(L, i + 1);  /* view, i+1 */
        view_get(L, get_rs(L), w);  /* view, i+1, value */
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
    push_child(L, get_rs(L), json_object_iter_value(it), w->epoch, w->base, w->res,
               w->path, w->plen, k);
    return 2;
}

static int view_pairs(lua_State *L)
{
    check_view(L, 1);
    lua_pushcfunction(L, view_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int view_eq(lua_State *L)
{
    view *a = luaL_testudata(L, 1, MT_VIEW), *b = luaL_testudata(L, 2, MT_VIEW);
    if (a && b) {
        check_epoch(L, get_rs(L), a->epoch);
        check_epoch(L, get_rs(L), b->epoch);
    }
    lua_pushboolean(L, a && b && json_equal((json_t *)a->v, (json_t *)b->v));
    return 1;
}

static int view_tostring(lua_State *L)
{
    view *w = check_view(L, 1);
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
    check_epoch(L, get_rs(L), u->epoch);
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

/* ---- resources ------------------------------------------------------------------------ */

void pp_luaapi_push_resource(lua_State *L, pp_ruleset *rs, size_t i)
{
    resud *r = lua_newuserdatauv(L, sizeof *r, 0);
    r->idx = i;
    r->epoch = rs->es.epoch;
    set_mt(L, &RES_MT_KEY);
}

static int res_index(lua_State *L)
{
    resud *r = luaL_checkudata(L, 1, MT_RES);
    pp_ruleset *rs = get_rs(L);
    check_epoch(L, rs, r->epoch);
    const pp_resource *res = &rs->es.t->res[r->idx];
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "properties") == 0)   /* may be an unknown: Properties: !If [C, {…}, {…}] */
        push_child(L, rs, res->properties, r->epoch, BASE_PROPS, (long)r->idx, "", 0, NULL);
    else if (strcmp(k, "logical_id") == 0)
        lua_pushstring(L, res->logical_id);
    else if (strcmp(k, "type") == 0)
        lua_pushstring(L, res->type);
    else if (strcmp(k, "metadata") == 0 && res->metadata)
        push_view(L, res->metadata, r->epoch, BASE_META, (long)r->idx, "", 0, NULL);
    else if (strcmp(k, "condition") == 0 && res->condition)
        lua_pushstring(L, res->condition);
    else if (strcmp(k, "has_properties") == 0)
        lua_pushboolean(L, res->raw_props != NULL);
    else if (strcmp(k, "raw_properties") == 0 && res->raw_props)
        /* as written, intrinsics unresolved (what Guard sees); same paths as properties */
        push_view(L, res->raw_props, r->epoch, BASE_PROPS, (long)r->idx, "", 0, NULL);
    else
        lua_pushnil(L);
    return 1;
}

static int res_eq(lua_State *L)
{
    resud *a = luaL_testudata(L, 1, MT_RES), *b = luaL_testudata(L, 2, MT_RES);
    lua_pushboolean(L, a && b && a->idx == b->idx);
    return 1;
}

static int res_tostring(lua_State *L)
{
    resud *r = luaL_checkudata(L, 1, MT_RES);
    pp_ruleset *rs = get_rs(L);
    check_epoch(L, rs, r->epoch);
    lua_pushfstring(L, "<%s %s>", rs->es.t->res[r->idx].type, rs->es.t->res[r->idx].logical_id);
    return 1;
}

/* ---- ctx ------------------------------------------------------------------------------- */

/* Builds the document pointer for (node, key) arguments at index i, i+1. Caller frees. */
static char *where_path(lua_State *L, pp_ruleset *rs, int i)
{
    const pp_resource *cur = rs->es.res;
    view *w = luaL_testudata(L, i, MT_VIEW);
    if (!w) {
        resud *r = luaL_testudata(L, i, MT_RES);
        const pp_resource *res = r ? &rs->es.t->res[r->idx] : cur;
        return pp_strdup(res->src_ptr);
    }
    check_epoch(L, rs, w->epoch);
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
    if (!sp)
        return pp_asprintf("%s%s%s", base, mid, w->path);
    char *esc = malloc(seg_len(sp) + 1);
    if (!esc)
        return NULL;
    seg_write(esc, sp);
    char *p = pp_asprintf("%s%s%s/%s", base, mid, w->path, esc);
    free(esc);
    return p;
}

static int ctx_verdict(lua_State *L, pp_fstatus st)
{
    pp_ruleset *rs = get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    const char *msg = luaL_optstring(L, 1, st == PP_ST_FAIL ? "rule failed" : "unknown value");
    char *path = where_path(L, rs, 2);
    pp_status s = path ? pp_eval_pending_add(&rs->es, st, msg, path) : PP_E_NOMEM;
    free(path);
    if (s != PP_OK)
        return luaL_error(L, "out of memory");
    lua_pushboolean(L, 0);
    return 1;
}

static int ctx_fail(lua_State *L) { return ctx_verdict(L, PP_ST_FAIL); }
static int ctx_unknown(lua_State *L) { return ctx_verdict(L, PP_ST_UNKNOWN); }

static int ctx_skip(lua_State *L)
{
    pp_ruleset *rs = get_rs(L);
    char *msg = pp_strdup(luaL_optstring(L, 1, "not applicable"));
    if (!msg)
        return luaL_error(L, "out of memory");
    rs->es.skipped = 1;
    free(rs->es.skip_msg);
    rs->es.skip_msg = msg;
    lua_pushboolean(L, 1);
    return 1;
}

/* Logical id named by a string, a {Ref=…}/{Fn::GetAtt=…} view, or a resource userdata. */
static const char *ref_target(lua_State *L, int i, const char **attr)
{
    if (attr)
        *attr = NULL;
    if (lua_type(L, i) == LUA_TSTRING)
        return lua_tostring(L, i);
    view *w = luaL_testudata(L, i, MT_VIEW);
    if (!w)
        return NULL;
    check_epoch(L, get_rs(L), w->epoch);
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
    pp_ruleset *rs = get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    resud *r = luaL_testudata(L, 1, MT_RES);
    if (r) {
        lua_settop(L, 1);
        return 1;
    }
    const char *id = ref_target(L, 1, NULL);
    long i = id ? pp_template_find(rs->es.t, id) : -1;
    if (i < 0 || !rs->es.t->res[i].active)
        return lua_pushnil(L), 1;
    pp_luaapi_push_resource(L, rs, (size_t)i);
    return 1;
}

static int ctx_resources(lua_State *L)
{
    pp_ruleset *rs = get_rs(L);
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
    pp_ruleset *rs = get_rs(L);
    if (!rs->es.t)
        return luaL_error(L, "ctx used outside an evaluation");
    const char *id = NULL;
    resud *r = luaL_testudata(L, 1, MT_RES);
    if (r)
        id = rs->es.t->res[r->idx].logical_id;
    else
        id = ref_target(L, 1, NULL);
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

/* Runs body(arg) under lua_pcall; body returns a registry ref as an integer. The ref, or
 * LUA_NOREF when the body ran out of memory. */
static int protected_ref(lua_State *L, lua_CFunction body, void *arg)
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

int pp_luaapi_ctx_ref(lua_State *L, pp_rule *r)
{
    return protected_ref(L, ctx_ref_body, r);
}

static int ctx_index(lua_State *L)
{
    ctxud *c = luaL_checkudata(L, 1, MT_CTX);
    pp_ruleset *rs = get_rs(L);
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
        push_view(L, rs->es.opts->previous, rs->es.epoch, BASE_PREV, ri, "", 0, NULL);
    } else if (strcmp(k, "rule_id") == 0) {
        lua_pushstring(L, c->rule->info.id);
    } else {
        lua_pushnil(L);
    }
    return 1;
}

/* ---- pp library ------------------------------------------------------------------------ */

static int is_unknown_ud(lua_State *L, int i)
{
    return luaL_testudata(L, i, MT_UNKNOWN) != NULL;
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
        view *w = luaL_testudata(L, i, MT_VIEW);   /* epoch checked by the caller */
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
    /* check both before allocating: check_epoch raises */
    for (int i = 1; i <= 2; i++) {
        view *w = luaL_testudata(L, i, MT_VIEW);
        if (w)
            check_epoch(L, get_rs(L), w->epoch);
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
    unk *u = luaL_testudata(L, 1, MT_UNKNOWN);
    if (u) {
        pp_evalstate *es = &get_rs(L)->es;
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
    lua_pushboolean(L, luaL_testudata(L, 1, MT_VIEW) != NULL);
    return 1;
}

static int l_is_list(lua_State *L)
{
    view *w = luaL_testudata(L, 1, MT_VIEW);
    lua_pushboolean(L, w && json_is_array(w->v));
    return 1;
}

static int l_is_map(lua_State *L)
{
    view *w = luaL_testudata(L, 1, MT_VIEW);
    lua_pushboolean(L, w && json_is_object(w->v));
    return 1;
}

/* pp.has(node, key): the key is present, even when its value is null (which reads as nil) */
static int l_has(lua_State *L)
{
    view *w = luaL_testudata(L, 1, MT_VIEW);
    if (!w)
        return lua_pushboolean(L, 0), 1;
    check_epoch(L, get_rs(L), w->epoch);
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
    const char *id = ref_target(L, 1, &attr);
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
    view *w = check_view(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2) + 1;
    if (i < 1 || (size_t)i > json_array_size(w->v))
        return 0;
    lua_settop(L, 1);
    lua_pushinteger(L, i);   /* view, i */
    view_get(L, get_rs(L), w);  /* view, i, value */
    return 2;
}

static int empty_iter(lua_State *L)
{
    (void)L;
    return 0;
}

static int l_items(lua_State *L)
{
    view *w = luaL_testudata(L, 1, MT_VIEW);
    if (w && json_is_array(w->v)) {
        check_epoch(L, get_rs(L), w->epoch);
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
    pp_ruleset *rs = get_rs(L);
    if (!rs->es.opts || !rs->es.opts->verbose)
        return 0;
    int n = lua_gettop(L);   /* before the buffer puts anything on the stack */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    fprintf(stderr, "rule %s: %s\n", rs->es.rule ? rs->es.rule->info.id : "?",
            lua_tostring(L, -1));
    return 0;
}

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

int pp_luaapi_params_ref(lua_State *L, const json_t *params)
{
    return protected_ref(L, params_ref_body, (void *)params);
}

static int l_lib(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &MODULES_KEY);
    if (lua_getfield(L, -1, name) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    /* a module loaded by need (rules.c): run now, under budgets of its own */
    lua_rawgetp(L, LUA_REGISTRYINDEX, &RS_KEY);
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
    lua_rawgetp(L, LUA_REGISTRYINDEX, &MODULES_KEY);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, name);
    return 0;
}

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
    lua_rawsetp(L, LUA_REGISTRYINDEX, &RS_KEY);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &MODULES_KEY);
    static const luaL_Reg view_mt[] = {
        {"__index", view_index}, {"__newindex", view_newindex}, {"__len", view_len},
        {"__pairs", view_pairs}, {"__eq", view_eq}, {"__tostring", view_tostring},
        {NULL, NULL}};
    static const luaL_Reg unk_mt[] = {
        {"__index", unk_index}, {"__newindex", view_newindex}, {"__len", unk_len},
        {"__tostring", unk_tostring}, {NULL, NULL}};
    static const luaL_Reg res_mt[] = {
        {"__index", res_index}, {"__newindex", view_newindex}, {"__eq", res_eq},
        {"__tostring", res_tostring}, {NULL, NULL}};
    static const luaL_Reg ctx_mt[] = {
        {"__index", ctx_index}, {"__newindex", view_newindex}, {NULL, NULL}};
    lua_pushlightuserdata(L, rs);
    new_mt(L, MT_VIEW, view_mt);
    new_mt(L, MT_UNKNOWN, unk_mt);
    new_mt(L, MT_RES, res_mt);
    new_mt(L, MT_CTX, ctx_mt);
    static const struct { const char *name; const char *key; } fast[] = {
        {MT_VIEW, &VIEW_MT_KEY}, {MT_UNKNOWN, &UNK_MT_KEY}, {MT_RES, &RES_MT_KEY}};
    for (size_t i = 0; i < PP_ARRAY_LEN(fast); i++) {
        luaL_getmetatable(L, fast[i].name);
        lua_rawsetp(L, LUA_REGISTRYINDEX, fast[i].key);
    }
    lua_pop(L, 1);
    static const luaL_Reg pplib[] = {
        {"bool", l_bool}, {"int", l_int}, {"str", l_str}, {"eq", l_eq},
        {"is_unknown", l_is_unknown}, {"is_view", l_is_view}, {"is_list", l_is_list},
        {"is_map", l_is_map}, {"has", l_has}, {"ref", l_ref},
        {"items", l_items}, {"glob", l_glob}, {"cidr", l_cidr}, {"log", l_log},
        {"lib", l_lib},
        {NULL, NULL}};
    lua_newtable(L);
    luaL_setfuncs(L, pplib, 0);
    return 1;   /* the `pp` library table */
}

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
