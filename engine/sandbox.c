/* sandbox.c — the Lua 5.4 state that runs untrusted rule text (see sandbox.h and
 * shared/design/LUA_SANDBOX.md). It sits under the rule loader and the evaluator: they hand it
 * rule source to compile (pp_sandbox_load) and check functions to run (pp_sandbox_call); it
 * hands back values or a classified pp_status with a "CHUNK:LINE: message". Isolation comes
 * from what is reachable: a budgeted allocator, a trimmed set of libraries exposed through
 * read-only proxies, one frozen base environment unreachable from rules, a fresh _ENV per
 * chunk, and a count hook for instruction and wall-clock budgets, set at once or by the
 * watchdog (watchdog.h) when a call outlives PP_WATCH_AFTER_MS.
 */
#include "engine/sandbox.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "engine/base/util.h"
#include "engine/watchdog.h"

struct pp_sandbox {
    lua_State *L;
    pp_limits lim;

    /* Allocator. `used` is the sum of the block sizes Lua believes it holds (it reports them
     * exactly as osize), so it returns to 0 after lua_close. While `mem_armed`, a growing
     * allocation that would take `used` above `mem_ceiling` is refused and sets `mem_denied`;
     * Lua then runs an emergency collection, retries, and raises LUA_ERRMEM if still refused. */
    size_t used;
    size_t mem_ceiling;
    int mem_armed;
    int mem_denied;
    int mem_by_state;  /* the ceiling of this run is lim.rule_state_bytes, not the budget */
    /* `used` after the last full collection. A run starts with a full collection when more
     * than one rule budget of garbage may have piled up since, so that the heap stays within
     * live data + 2 x rule_memory_bytes even when every rule fills its budget. */
    size_t used_after_gc;
    char where[LUA_IDSIZE + 32]; /* "CHUNK:LINE: " of the last refusal, or "" */

    /* Count hook state, reset before every run. `hit_*` make the hook sticky. */
    uint64_t icount;
    uint64_t ilimit;   /* 0 = no instruction limit */
    uint64_t deadline; /* pp_now_ms() value; 0 = no deadline */
    int hit_instr;
    int hit_time;
    int running;       /* a protected run is in progress (runs do not nest) */
    /* Deferred hook (watchdog.h): a run starts without the count hook when the budgets
     * allow it, and the watchdog sets it once the run has lasted PP_WATCH_AFTER_MS. */
    pp_watch_slot watch;
    int watch_ok;      /* registered with the watchdog */
    int watched;       /* the current run started without the hook */

    pp_sandbox_log_fn log_fn;
    void *log_ud;
    pp_sandbox_stats stats;
};

/* Registry keys: addresses of these statics (never strings a rule could guess). */
static const char sb_key_base = 'b';   /* the frozen base environment */
static const char sb_key_envmt = 'e';  /* metatable shared by every chunk's _ENV */

/* Allocation-failure injection for tests, per thread; see pp_sandbox_test_fail_after. */
static _Thread_local long sb_fail_after = -1;
static _Thread_local long sb_failed;

static void sb_fire(void *ud);

static pp_sandbox *sb_of(lua_State *L)
{
    return *(pp_sandbox **)lua_getextraspace(L);
}

/* 1 when the injection hook says this growing allocation must fail. */
static int sb_inject_fail(void)
{
    if (sb_fail_after < 0)
        return 0;
    if (sb_fail_after == 0) {
        sb_failed++;
        return 1;
    }
    sb_fail_after--;
    return 0;
}

long pp_sandbox_test_fail_after(long n)
{
    long failed = sb_failed;
    sb_failed = 0;
    sb_fail_after = n < 0 ? -1 : n;
    return failed;
}

/* Records where the running rule was when its budget refused memory. Only reads CallInfo
 * and prototypes (lua_getstack/lua_getinfo "Sl" allocate nothing), and runs before any
 * block has moved, so it is safe from inside the allocator. */
static void sb_capture_where(pp_sandbox *sb)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(sb->L, level, &ar); level++) {
        if (lua_getinfo(sb->L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(sb->where, sizeof sb->where, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* lua_Alloc. Never realloc(p, 0); shrinks never fail (Lua assumes so); growth fails on
 * injection or when over the armed ceiling. When ptr is NULL, osize is a type tag. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    pp_sandbox *sb = ud;
    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    if (nsize > osize) {
        size_t grow = nsize - osize;
        if (sb_inject_fail())
            return NULL;
        if (sb->mem_armed && (grow > sb->mem_ceiling || sb->used > sb->mem_ceiling - grow)) {
            sb->mem_denied = 1;
            sb_capture_where(sb);
            return NULL;
        }
    }
    void *p = ptr ? realloc(ptr, nsize) : malloc(nsize);   /* most are new blocks */
    if (p == NULL) {
        if (nsize > osize)
            return NULL;
        p = ptr; /* a failed shrink keeps the larger block; Lua only knows it as nsize */
    }
    sb->used = sb->used - osize + nsize;
    return p;
}

/* Last resort: only reached if the API is used outside a protected call and raises. */
static int sb_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "parapet: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    return 0; /* Lua aborts */
}

/* ---- stubs, logger, read-only proxies ------------------------------------------------ */

/* Stand-in for a removed function; upvalue 1 is its name. */
static int sb_blocked(lua_State *L)
{
    sb_of(L)->stats.blocked_calls++;
    return luaL_error(L, "blocked function: %s", lua_tostring(L, lua_upvalueindex(1)));
}

/* See sandbox.h. */
void pp_sandbox_push_joined(lua_State *L, int n)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
}

/* print: tab-joined tostring of the arguments, handed to the log callback with the short
 * source name of the calling chunk. */
static int sb_print(lua_State *L)
{
    pp_sandbox *sb = sb_of(L);
    if (sb->log_fn == NULL)
        return 0;
    pp_sandbox_push_joined(L, lua_gettop(L));
    lua_Debug ar;
    const char *chunk = "?";
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar))
        chunk = ar.short_src;
    sb->log_fn(sb->log_ud, chunk, lua_tostring(L, -1));
    return 0;
}

/* __newindex of a proxy; upvalue 1 is the table's name. */
static int sb_ro_newindex(lua_State *L)
{
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "attempt to modify read-only table '%s' (field '%s')", name,
                          lua_tostring(L, 2));
    return luaL_error(L, "attempt to modify read-only table '%s'", name);
}

/* Iterator over the proxied table (upvalue 1); the proxy passed as state is ignored, so the
 * real table never reaches the rule. */
static int sb_ro_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* __pairs of a proxy; upvalue 1 is the iterator closure. */
static int sb_ro_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* __len of a proxy; upvalue 1 is the proxied table. */
static int sb_ro_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

void pp_sandbox_push_readonly(lua_State *L, int idx, const char *name)
{
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 4, "read-only proxy");
    lua_newtable(L);                /* proxy */
    lua_createtable(L, 0, 5);       /* its metatable */
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, sb_ro_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, sb_ro_next, 1);
    lua_pushcclosure(L, sb_ro_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, sb_ro_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

/* ---- building the state (runs under lua_pcall) ---------------------------------------- */

static int sb_listed(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

/* [-0, +0, m] Replaces every function of the library table at `idx` whose name is not in
 * `allow` by a stub named "LIB.NAME". Assigning existing fields during lua_next is allowed. */
static void sb_trim(lua_State *L, int idx, const char *lib, const char *const *allow)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int is_fn = lua_type(L, -1) == LUA_TFUNCTION;
        lua_pop(L, 1);
        if (!is_fn || lua_type(L, -1) != LUA_TSTRING || sb_listed(allow, lua_tostring(L, -1)))
            continue;
        lua_pushvalue(L, -1);
        lua_pushfstring(L, "%s.%s", lib, lua_tostring(L, -1));
        lua_pushcclosure(L, sb_blocked, 1);
        lua_rawset(L, idx);
    }
}

static const char *const sb_base_allow[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "select",
    "tonumber", "tostring", "type", "_VERSION", NULL,
};
static const char *const sb_base_block[] = {
    "collectgarbage", "dofile", "getmetatable", "load", "loadfile", "pcall", "rawlen",
    "rawset", "require", "setmetatable", "xpcall", "warn", NULL,
};
static const char *const sb_string_allow[] = {
    "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack",
    "packsize", "rep", "reverse", "sub", "unpack", "upper", NULL,
};
static const char *const sb_table_allow[] = {
    "concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL,
};
/* No random/randomseed: the evaluator re-runs a check over candidate values, so rules must
 * be deterministic. The 5.3 compatibility functions are pure and kept if present. */
static const char *const sb_math_allow[] = {
    "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "log",
    "max", "min", "modf", "rad", "sin", "sqrt", "tan", "tointeger", "type", "ult",
    "cosh", "sinh", "tanh", "pow", "frexp", "ldexp", "log10", NULL,
};
static const char *const sb_utf8_allow[] = {
    "char", "codepoint", "codes", "len", "offset", NULL,
};

static const struct {
    const char *name;
    lua_CFunction open;
    const char *const *allow;
} sb_libs[] = {
    {LUA_STRLIBNAME, luaopen_string, sb_string_allow},
    {LUA_TABLIBNAME, luaopen_table, sb_table_allow},
    {LUA_MATHLIBNAME, luaopen_math, sb_math_allow},
    {LUA_UTF8LIBNAME, luaopen_utf8, sb_utf8_allow},
};

/* Lua's pattern matcher runs in C, where the count hook never fires, and backtracks:
 * ("a"):rep(3000):find(".-.-.-b") takes minutes. Instead of a step-counted matcher we bound
 * the worst case before matching: with q quantifiers (*, +, -) the matcher tries at most about
 * n^q positions per start, and n starts when the pattern is not anchored. A call whose bound
 * exceeds PP_PATTERN_MAX_STEPS raises an error (an ERROR finding), which is explicit where a
 * hang would not be. Plain find (4th argument true) is linear and never refused. */
#define PP_PATTERN_MAX_STEPS 1e9

static double sb_pattern_cost(const char *p, size_t plen, size_t n)
{
    int q = 0, anchored = plen > 0 && p[0] == '^';
    for (size_t i = 0; i < plen; i++) {
        if (p[i] == '%') {
            i++;
        } else if (p[i] == '[') {
            /* skip the set: a ']' right after '[' or '[^' is a member */
            i++;
            if (i < plen && p[i] == '^')
                i++;
            if (i < plen && p[i] == ']')
                i++;
            while (i < plen && p[i] != ']') {
                if (p[i] == '%')
                    i++;
                i++;
            }
        } else if (p[i] == '*' || p[i] == '+' || p[i] == '-') {
            q++;
        }
    }
    double cost = 1, nn = n ? (double)n : 1;
    for (int k = 0; k < q + !anchored && cost <= PP_PATTERN_MAX_STEPS; k++)
        cost *= nn;
    return cost;
}

static int sb_pattern_guard(lua_State *L)
{
    size_t n = 0, plen = 0;
    const char *subj = lua_tolstring(L, 1, &n);
    const char *pat = lua_tolstring(L, 2, &plen);
    int plain = lua_toboolean(L, lua_upvalueindex(2)) && lua_toboolean(L, 4);
    if (subj && pat && !plain && sb_pattern_cost(pat, plen, n) > PP_PATTERN_MAX_STEPS)
        return luaL_error(L, "pattern too expensive for a %d-byte subject (too many "
                             "quantifiers; anchor it with '^' or use find(s, p, 1, true))",
                          (int)n);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Wraps string.find/match/gmatch/gsub of the library table at idx with sb_pattern_guard. */
static void sb_guard_patterns(lua_State *L, int idx)
{
    static const char *const names[] = {"find", "match", "gmatch", "gsub"};
    idx = lua_absindex(L, idx);
    for (size_t i = 0; i < PP_ARRAY_LEN(names); i++) {
        lua_getfield(L, idx, names[i]);
        lua_pushboolean(L, i == 0);  /* only find has a 'plain' argument */
        lua_pushcclosure(L, sb_pattern_guard, 2);
        lua_setfield(L, idx, names[i]);
    }
}

/* Protected body of pp_sandbox_new: opens the libraries, builds the base environment and
 * the shared _ENV metatable, and locks the string metatable. */
static int sb_setup(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 0); /* 1: the real globals, never exposed */
    lua_newtable(L);                              /* 2: base environment */

    for (const char *const *n = sb_base_allow; *n; n++) {
        lua_getfield(L, 1, *n);
        lua_setfield(L, 2, *n);
    }
    for (const char *const *n = sb_base_block; *n; n++) {
        lua_pushstring(L, *n);
        lua_pushcclosure(L, sb_blocked, 1);
        lua_setfield(L, 2, *n);
    }
    lua_pushcfunction(L, sb_print);
    lua_setfield(L, 2, "print");

    for (size_t i = 0; i < PP_ARRAY_LEN(sb_libs); i++) {
        luaL_requiref(L, sb_libs[i].name, sb_libs[i].open, 0);
        sb_trim(L, -1, sb_libs[i].name, sb_libs[i].allow);
        if (sb_libs[i].open == luaopen_string)
            sb_guard_patterns(L, -1);
        pp_sandbox_push_readonly(L, -1, sb_libs[i].name);
        lua_setfield(L, 2, sb_libs[i].name);
        lua_pop(L, 1);
    }

    /* Methods on strings ("x"):rep() keep the real (trimmed) table as __index; the lock
     * makes getmetatable("") return false and setmetatable refuse, should either return. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    lua_createtable(L, 0, 2); /* metatable of every chunk's _ENV */
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sb_key_envmt);

    lua_pushvalue(L, 2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sb_key_base);
    return 0;
}

pp_sandbox *pp_sandbox_new(const pp_limits *lim)
{
    static const pp_limits defaults = PP_LIMITS_DEFAULT;
    pp_sandbox *sb = NULL;
    if (sb_inject_fail())
        return NULL;
    sb = calloc(1, sizeof *sb);
    if (sb == NULL)
        return NULL;
    sb->lim = lim ? *lim : defaults;
    sb->L = lua_newstate(sb_alloc, sb);
    if (sb->L == NULL)
        goto fail;
    *(pp_sandbox **)lua_getextraspace(sb->L) = sb;
    lua_atpanic(sb->L, sb_panic);
    lua_pushcfunction(sb->L, sb_setup);
    if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK)
        goto fail;
    lua_gc(sb->L, LUA_GCCOLLECT, 0);
    sb->used_after_gc = sb->used;
    /* Rules make many short-lived objects (views, strings) per call: the generational
     * collector reclaims them young, which measured cheaper than the incremental default. */
    lua_gc(sb->L, LUA_GCGEN, 0, 0);
    sb->watch.fire = sb_fire;
    sb->watch.ud = sb;
    sb->watch_ok = pp_watch_register(&sb->watch) == 0;
    return sb;
fail:
    pp_sandbox_free(sb);
    return NULL;
}

void pp_sandbox_free(pp_sandbox *sb)
{
    if (sb == NULL)
        return;
    if (sb->watch_ok)
        pp_watch_unregister(&sb->watch);
    if (sb->L)
        lua_close(sb->L);
    assert(sb->used == 0); /* allocator bookkeeping is exact (Suricata BUG_ON) */
    free(sb);
}

lua_State *pp_sandbox_state(pp_sandbox *sb)
{
    return sb->L;
}

void pp_sandbox_set_log(pp_sandbox *sb, pp_sandbox_log_fn fn, void *ud)
{
    sb->log_fn = fn;
    sb->log_ud = ud;
}

/* Protected body of pp_sandbox_set_global: 1 = value, 2 = name (light userdata). */
static int sb_set_global_body(lua_State *L)
{
    const char *name = lua_touserdata(L, 2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sb_key_base);
    if (lua_type(L, 1) == LUA_TTABLE && !lua_getmetatable(L, 1))
        pp_sandbox_push_readonly(L, 1, name);
    else
        lua_pushvalue(L, 1);
    lua_setfield(L, 3, name);
    return 0;
}

pp_status pp_sandbox_set_global(pp_sandbox *sb, const char *name)
{
    lua_State *L = sb->L;
    if (!lua_checkstack(L, 2)) {
        lua_pop(L, 1);
        return PP_E_NOMEM;
    }
    lua_pushcfunction(L, sb_set_global_body);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, (void *)name);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return PP_E_NOMEM;
    }
    return PP_OK;
}

/* ---- budgets and protected runs ------------------------------------------------------ */

/* Count hook: charges PP_SANDBOX_HOOK_EVERY instructions, checks both budgets, and once
 * one is exceeded refires on every instruction so nothing can run past it. */
static void sb_hook(lua_State *L, lua_Debug *ar)
{
    pp_sandbox *sb = sb_of(L);
    if (!sb->hit_instr && !sb->hit_time) {
        sb->icount += PP_SANDBOX_HOOK_EVERY;
        if (sb->ilimit && sb->icount > sb->ilimit)
            sb->hit_instr = 1;
        else if (sb->deadline && pp_now_ms() >= sb->deadline)
            sb->hit_time = 1;
        else
            return;
        lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
    }
    const char *what = sb->hit_instr ? "instruction" : "time";
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        lua_pushfstring(L, "%s:%d: rule exceeded its %s budget", ar->short_src,
                        ar->currentline, what);
    else
        lua_pushfstring(L, "rule exceeded its %s budget", what);
    lua_error(L);
}

/* The watchdog's signal handler, on the thread of a run that has lasted PP_WATCH_AFTER_MS:
 * from now on the count hook enforces the budgets. lua_sethook may be called from a signal
 * handler (ldebug.c); nothing else here is touched. */
static void sb_fire(void *ud)
{
    pp_sandbox *sb = ud;
    lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, PP_SANDBOX_HOOK_EVERY);
}

/* Message handler: makes the error a string and prefixes "CHUNK:LINE: " of the innermost
 * Lua frame unless the message already carries that chunk's location. */
static int sb_msgh(lua_State *L)
{
    int t = lua_type(L, 1);
    const char *msg = (t == LUA_TSTRING || t == LUA_TNUMBER) ? lua_tostring(L, 1) : NULL;
    if (msg == NULL)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        size_t n = strlen(ar.short_src);
        if (strncmp(msg, ar.short_src, n) == 0 && msg[n] == ':' &&
            isdigit((unsigned char)msg[n + 1]))
            break;
        lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
        return 1;
    }
    lua_pushstring(L, msg);
    return 1;
}

static void sb_arm(pp_sandbox *sb)
{
    sb->icount = 0;
    sb->hit_instr = sb->hit_time = 0;
    sb->ilimit = sb->lim.rule_instructions;
    sb->deadline = sb->lim.rule_deadline_ms ? pp_now_ms() + sb->lim.rule_deadline_ms : 0;
    sb->mem_denied = 0;
    sb->mem_by_state = 0;
    sb->where[0] = '\0';
    if (sb->lim.rule_memory_bytes && sb->used > sb->used_after_gc &&
        sb->used - sb->used_after_gc > sb->lim.rule_memory_bytes) {
        lua_gc(sb->L, LUA_GCCOLLECT, 0);
        sb->used_after_gc = sb->used;
    }
    if (sb->lim.rule_memory_bytes || sb->lim.rule_state_bytes) {
        size_t room = SIZE_MAX - sb->used;
        size_t budget = sb->lim.rule_memory_bytes ? sb->lim.rule_memory_bytes : room;
        sb->mem_ceiling = sb->used + (budget < room ? budget : room);
        if (sb->lim.rule_state_bytes && sb->mem_ceiling > sb->lim.rule_state_bytes) {
            sb->mem_ceiling = sb->lim.rule_state_bytes;   /* may be below `used`: no growth */
            sb->mem_by_state = 1;
        }
        sb->mem_armed = 1;
    }
    if (sb->ilimit || sb->deadline) {
        /* Budgets this small would be spent before the watchdog could act: hook at once. */
        int defer = sb->watch_ok &&
                    (!sb->ilimit || sb->ilimit >= PP_SANDBOX_DEFER_MIN_INSTRUCTIONS) &&
                    (!sb->lim.rule_deadline_ms ||
                     sb->lim.rule_deadline_ms >= 4 * PP_WATCH_AFTER_MS);
        sb->watched = defer && pp_watch_begin(&sb->watch) == 0;
        if (!sb->watched) {
            lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, PP_SANDBOX_HOOK_EVERY);
            sb->stats.hooked_runs++;
        }
    }
    sb->running = 1;
}

static void sb_disarm(pp_sandbox *sb)
{
    if (sb->watched) {
        /* first: a late signal then finds no run and leaves the hook alone */
        if (pp_watch_end(&sb->watch))
            sb->stats.hooked_runs++;
        sb->watched = 0;
    }
    lua_sethook(sb->L, NULL, 0, 0);
    sb->mem_armed = 0;
    sb->running = 0;
}

/* [-(nargs+1), +(nresults|1), -] Runs the function below the nargs arguments under fresh
 * budgets with sb_msgh. Returns the lua_pcall status; on error the message is on top. */
static int sb_run(pp_sandbox *sb, int nargs, int nresults)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, sb_msgh);
    lua_insert(L, base);
    sb_arm(sb);
    int status = lua_pcall(L, nargs, nresults, base);
    sb_disarm(sb);
    lua_remove(L, base);
    return status;
}

/* [-1, +0, -] Classifies a failed run, pops its message, counts it and sets *err.
 * `mem_error` says the run ended in LUA_ERRMEM (also when re-raised by the loader); `where`
 * locates errors that carry no location of their own. After a memory failure a full
 * collection runs with no limit armed, so the next run starts from live data only. */
static pp_status sb_fail(pp_sandbox *sb, int status, int mem_error, const char *where,
                         char **err)
{
    lua_State *L = sb->L;
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "unknown error";
    const char *loc = sb->where[0] ? sb->where : where;
    pp_status st;
    if (mem_error || (status == LUA_ERRERR && sb->mem_denied)) {
        if (sb->mem_denied && sb->mem_by_state) {
            sb->stats.mem_hits++;
            st = pp_err(err, PP_E_RULE_NOMEM, "%srule set reached its memory ceiling (%zu bytes "
                        "held by all rules together)", loc, sb->lim.rule_state_bytes);
        } else if (sb->mem_denied) {
            sb->stats.mem_hits++;
            st = pp_err(err, PP_E_RULE_NOMEM, "%srule exceeded its memory budget (%zu bytes)",
                        loc, sb->lim.rule_memory_bytes);
        } else {
            st = pp_err(err, PP_E_NOMEM, "%sout of memory", loc);
        }
    } else if (sb->hit_instr || sb->hit_time) {
        sb->stats.budget_hits++;
        st = pp_err(err, PP_E_BUDGET, "%s", msg);
    } else {
        sb->stats.runtime_errors++;
        st = pp_err(err, PP_E_RULE_RUNTIME, "%s", msg);
    }
    lua_pop(L, 1);
    if (mem_error || sb->mem_denied) {
        lua_gc(L, LUA_GCCOLLECT, 0);
        sb->used_after_gc = sb->used;
    }
    return st;
}

typedef struct sb_load_ctx {
    const char *name;
    const char *src;
    size_t len;
    const char *mode;   /* "t", or "b" for a trusted precompiled chunk */
    int parse_status;
} sb_load_ctx;

/* Protected body of pp_sandbox_load: 1 = sb_load_ctx (light userdata). Compiles text only,
 * installs a fresh _ENV (its _G is itself) and runs the chunk for one result. */
static int sb_load_body(lua_State *L)
{
    sb_load_ctx *c = lua_touserdata(L, 1);
    c->parse_status = luaL_loadbufferx(L, c->src, c->len, c->name, c->mode);
    if (c->parse_status != LUA_OK)
        return lua_error(L);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, LUA_GNAME);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sb_key_envmt);
    lua_setmetatable(L, -2);
    if (lua_setupvalue(L, -2, 1) == NULL)
        lua_pop(L, 1);
    lua_call(L, 0, 1);
    return 1;
}

static pp_status sb_load(pp_sandbox *sb, const char *chunkname, const char *src, size_t len,
                         const char *mode, char **err)
{
    lua_State *L = sb->L;
    if (sb->running)
        return pp_err(err, PP_E_INTERNAL, "%s: sandbox runs do not nest", chunkname);
    if (!lua_checkstack(L, 3))
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", chunkname);

    const char *shown = (chunkname[0] == '@' || chunkname[0] == '=') ? chunkname + 1 : chunkname;
    char where[LUA_IDSIZE + 8];
    snprintf(where, sizeof where, "%s: ", shown);

    sb_load_ctx c = {chunkname, src, len, mode, LUA_OK};
    lua_pushcfunction(L, sb_load_body);
    lua_pushlightuserdata(L, &c);
    int status = sb_run(sb, 1, 1);
    if (status == LUA_OK)
        return PP_OK;
    if (c.parse_status == LUA_ERRSYNTAX) {
        const char *msg = lua_tostring(L, -1);
        size_t n = strlen(shown);
        pp_status st;
        if (msg && strncmp(msg, shown, n) == 0 && msg[n] == ':')
            st = pp_err(err, PP_E_PARSE, "%s", msg);
        else
            st = pp_err(err, PP_E_PARSE, "%s%s", where, msg ? msg : "syntax error");
        lua_pop(L, 1);
        return st;
    }
    return sb_fail(sb, status, status == LUA_ERRMEM || c.parse_status == LUA_ERRMEM, where, err);
}

pp_status pp_sandbox_load(pp_sandbox *sb, const char *chunkname, const char *src, size_t len,
                          char **err)
{
    return sb_load(sb, chunkname, src, len, "t", err);
}

pp_status pp_sandbox_load_binary(pp_sandbox *sb, const char *chunkname, const char *code,
                                 size_t len, char **err)
{
    return sb_load(sb, chunkname, code, len, "b", err);
}

/* What a run in progress keeps while a nested load runs under budgets of its own. */
typedef struct sb_outer {
    uint64_t icount, ilimit, deadline, t0;
    size_t mem_ceiling, used;
    int hit_instr, hit_time, mem_armed, mem_denied, mem_by_state, watched, fired, hook_count;
    lua_Hook hook;
    char where[LUA_IDSIZE + 32];
} sb_outer;

static void sb_suspend(pp_sandbox *sb, sb_outer *o)
{
    o->icount = sb->icount;
    o->ilimit = sb->ilimit;
    o->deadline = sb->deadline;
    o->mem_ceiling = sb->mem_ceiling;
    o->used = sb->used;
    o->hit_instr = sb->hit_instr;
    o->hit_time = sb->hit_time;
    o->mem_armed = sb->mem_armed;
    o->mem_denied = sb->mem_denied;
    o->mem_by_state = sb->mem_by_state;
    memcpy(o->where, sb->where, sizeof o->where);
    o->watched = sb->watched;
    o->fired = 0;
    if (sb->watched) {   /* the watchdog's run ends here; the hook it may have set stays */
        o->fired = pp_watch_end(&sb->watch);
        sb->watched = 0;
    }
    o->hook = lua_gethook(sb->L);
    o->hook_count = lua_gethookcount(sb->L);
    o->t0 = pp_now_ms();
    lua_sethook(sb->L, NULL, 0, 0);
    sb->mem_armed = 0;
    sb->running = 0;
}

static void sb_resume(pp_sandbox *sb, const sb_outer *o)
{
    uint64_t spent = pp_now_ms() - o->t0;
    sb->icount = o->icount;
    sb->ilimit = o->ilimit;
    /* the nested run's time and what it keeps are its own, not the outer run's */
    sb->deadline = o->deadline ? o->deadline + spent : 0;
    sb->mem_ceiling = o->mem_ceiling;
    if (!o->mem_by_state && sb->used > o->used && SIZE_MAX - sb->mem_ceiling > sb->used - o->used)
        sb->mem_ceiling += sb->used - o->used;
    sb->mem_by_state = o->mem_by_state;
    if (sb->lim.rule_state_bytes && sb->mem_ceiling > sb->lim.rule_state_bytes) {
        sb->mem_ceiling = sb->lim.rule_state_bytes;
        sb->mem_by_state = 1;
    }
    sb->hit_instr = o->hit_instr;
    sb->hit_time = o->hit_time;
    sb->mem_armed = o->mem_armed;
    sb->mem_denied = o->mem_denied;
    memcpy(sb->where, o->where, sizeof sb->where);
    sb->running = 1;
    if (o->watched && !o->fired && pp_watch_begin(&sb->watch) == 0) {
        sb->watched = 1;   /* deferred again: the watchdog's clock restarts */
    } else if (o->hook || o->watched) {
        lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT,
                    o->hook && o->hook_count > 0 ? o->hook_count : PP_SANDBOX_HOOK_EVERY);
        if (!o->hook)
            sb->stats.hooked_runs++;
    }
}

pp_status pp_sandbox_load_nested(pp_sandbox *sb, const char *chunkname, const char *code,
                                 size_t len, const char *mode, char **err)
{
    if (!sb->running)
        return sb_load(sb, chunkname, code, len, mode, err);
    sb_outer o;
    sb_suspend(sb, &o);
    pp_status st = sb_load(sb, chunkname, code, len, mode, err);
    sb_resume(sb, &o);
    return st;
}

pp_status pp_sandbox_call(pp_sandbox *sb, int nargs, int nresults, char **err)
{
    lua_State *L = sb->L;
    if (sb->running)
        return pp_err(err, PP_E_INTERNAL, "sandbox runs do not nest");
    if (nargs < 0 || lua_gettop(L) < nargs + 1)
        return pp_err(err, PP_E_INTERNAL, "pp_sandbox_call: %d arguments expected", nargs);
    if (!lua_checkstack(L, 2)) {
        lua_pop(L, nargs + 1);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    sb->stats.calls++;
    int status = sb_run(sb, nargs, nresults);
    if (status == LUA_OK)
        return PP_OK;
    return sb_fail(sb, status, status == LUA_ERRMEM, "", err);
}

size_t pp_sandbox_mem(const pp_sandbox *sb)
{
    return sb->used;
}

void pp_sandbox_get_stats(const pp_sandbox *sb, pp_sandbox_stats *out)
{
    *out = sb->stats;
}
