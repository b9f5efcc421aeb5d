/* test_sandbox.c — proves the rule sandbox (engine/sandbox.c): one negative case per removed
 * capability with its exact error text, every budget (instructions, deadline, memory in Lua
 * and in C library calls) followed by a successful run on the same state, isolation between
 * chunks, bytecode rejection, an allocation-failure sweep over new/set_global/load/call, a
 * stable heap after many runs, and the per-call cost.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "engine/sandbox.h"
#include "engine/base/util.h"

#define CHUNK "@rules/t.lua"

static pp_limits test_limits(void)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.rule_memory_bytes = 4u << 20;
    lim.rule_instructions = 1000000;
    lim.rule_deadline_ms = 5000;
    return lim;
}

static int setup_sb(void **state)
{
    pp_limits lim = test_limits();
    pp_sandbox *sb = pp_sandbox_new(&lim);
    if (sb == NULL)
        return -1;
    *state = sb;
    return 0;
}

static int teardown_sb(void **state)
{
    pp_sandbox_free(*state);
    return 0;
}

/* Loads src as CHUNK; on success pops the result. Returns the status, *err as set. */
static pp_status load(pp_sandbox *sb, const char *src, char **err)
{
    pp_status st = pp_sandbox_load(sb, CHUNK, src, strlen(src), err);
    if (st == PP_OK)
        lua_pop(pp_sandbox_state(sb), 1);
    return st;
}

/* Loads src, which must fail with `want` and a message containing `text` (and, when
 * `loc` is set, starting with it). */
static void expect_load(pp_sandbox *sb, const char *src, pp_status want, const char *loc,
                        const char *text)
{
    lua_State *L = pp_sandbox_state(sb);
    int top = lua_gettop(L);
    char *err = NULL;
    pp_status st = load(sb, src, &err);
    if (st != want || (want != PP_OK && (err == NULL || strstr(err, text) == NULL)))
        print_error("src: %s\nstatus %s, err: %s\n", src, pp_status_name(st),
                    err ? err : "(null)");
    assert_int_equal(st, want);
    if (want != PP_OK) {
        assert_non_null(err);
        assert_non_null(strstr(err, text));
        if (loc)
            assert_true(strncmp(err, loc, strlen(loc)) == 0);
    }
    assert_int_equal(lua_gettop(L), top);
    free(err);
}

/* Loads src, which must return an integer equal to `want`. */
static void expect_int(pp_sandbox *sb, const char *src, lua_Integer want)
{
    lua_State *L = pp_sandbox_state(sb);
    char *err = NULL;
    pp_status st = pp_sandbox_load(sb, CHUNK, src, strlen(src), &err);
    if (st != PP_OK)
        print_error("src: %s\nerr: %s\n", src, err ? err : "(null)");
    assert_int_equal(st, PP_OK);
    assert_true(lua_isinteger(L, -1));
    assert_int_equal(lua_tointeger(L, -1), want);
    lua_pop(L, 1);
}

static void expect_str(pp_sandbox *sb, const char *src, const char *want)
{
    lua_State *L = pp_sandbox_state(sb);
    char *err = NULL;
    pp_status st = pp_sandbox_load(sb, CHUNK, src, strlen(src), &err);
    if (st != PP_OK)
        print_error("src: %s\nerr: %s\n", src, err ? err : "(null)");
    assert_int_equal(st, PP_OK);
    assert_non_null(lua_tostring(L, -1));
    assert_string_equal(lua_tostring(L, -1), want);
    lua_pop(L, 1);
}

/* The state is still usable: a small chunk runs and returns its value. */
static void expect_healthy(pp_sandbox *sb)
{
    expect_int(sb, "local t = {} for i = 1, 100 do t[i] = i end return #t + #('ab'):rep(3)",
               106);
}

/* ---- one case per removed capability -------------------------------------------------- */

#define REMOVED(fn, src, text)                                                              \
    static void fn(void **state)                                                            \
    {                                                                                       \
        expect_load(*state, src, PP_E_RULE_RUNTIME, "rules/t.lua:1: ", text);              \
        expect_healthy(*state);                                                             \
    }

REMOVED(test_no_io, "io.write('x')", "attempt to index a nil value (global 'io')")
REMOVED(test_no_os, "return os.time()", "attempt to index a nil value (global 'os')")
REMOVED(test_no_os_execute, "os.execute('id')", "attempt to index a nil value (global 'os')")
REMOVED(test_no_package, "return package.loaded",
        "attempt to index a nil value (global 'package')")
REMOVED(test_no_debug, "return debug.getinfo(1)",
        "attempt to index a nil value (global 'debug')")
REMOVED(test_no_coroutine, "return coroutine.create(print)",
        "attempt to index a nil value (global 'coroutine')")
REMOVED(test_no_load, "return load('return 1')", "rules/t.lua:1: blocked function: load")
REMOVED(test_no_loadfile, "return loadfile('/etc/passwd')", "blocked function: loadfile")
REMOVED(test_no_dofile, "return dofile('/etc/passwd')", "blocked function: dofile")
REMOVED(test_no_require, "return require 'x'", "blocked function: require")
REMOVED(test_no_string_dump, "return string.dump(function() end)",
        "blocked function: string.dump")
REMOVED(test_no_string_dump_method, "local s = ''; return s.dump(print)",
        "blocked function: string.dump")
REMOVED(test_no_collectgarbage, "return collectgarbage('count')",
        "blocked function: collectgarbage")
REMOVED(test_no_setmetatable_G, "setmetatable(_G, {})", "blocked function: setmetatable")
REMOVED(test_no_getmetatable_string, "getmetatable('').__index.rep = nil",
        "blocked function: getmetatable")
REMOVED(test_no_rawset, "rawset(_G, 'x', 1)", "blocked function: rawset")
REMOVED(test_no_rawlen, "return rawlen({})", "blocked function: rawlen")
REMOVED(test_no_pcall, "return pcall(function() while true do end end)",
        "blocked function: pcall")
REMOVED(test_no_xpcall, "return xpcall(function() while true do end end, print)",
        "blocked function: xpcall")
REMOVED(test_no_warn, "warn('@on')", "blocked function: warn")
REMOVED(test_no_math_random, "return math.random(6)", "blocked function: math.random")
REMOVED(test_no_math_randomseed, "math.randomseed(1)", "blocked function: math.randomseed")
REMOVED(test_string_table_readonly, "string.rep = nil",
        "attempt to modify read-only table 'string' (field 'rep')")
REMOVED(test_math_table_readonly, "math.pi = 3", "read-only table 'math' (field 'pi')")
REMOVED(test_table_table_readonly, "table.insert = print", "read-only table 'table'")
REMOVED(test_utf8_table_readonly, "utf8[1] = 2", "attempt to modify read-only table 'utf8'")

/* The string metatable is locked and string methods survive every attempt above. */
static void test_string_metatable_locked(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    lua_pushliteral(L, "");
    assert_true(lua_getmetatable(L, -1));
    assert_int_equal(lua_getfield(L, -1, "__metatable"), LUA_TBOOLEAN);
    assert_false(lua_toboolean(L, -1));
    lua_pop(L, 3);
    expect_load(sb, "getmetatable('').__index.rep = nil", PP_E_RULE_RUNTIME, NULL,
                "blocked function: getmetatable");
    expect_load(sb, "string.rep = nil", PP_E_RULE_RUNTIME, NULL, "read-only");
    expect_str(sb, "return ('ab'):rep(2) .. string.rep('c', 2)", "ababcc");
}

/* pairs over a library proxy iterates the library but never hands out the real table. */
static void test_proxy_pairs_does_not_leak(void **state)
{
    pp_sandbox *sb = *state;
    expect_int(sb, "local n = 0 for k, v in pairs(string) do n = n + 1 end return n > 10 and 1 or 0",
               1);
    expect_int(sb, "local f, s = pairs(math) return rawequal(s, math) and 1 or 0", 1);
    expect_int(sb, "return next(string) == nil and 1 or 0", 1);
    expect_load(sb, "local f, s = pairs(string) s.rep = nil", PP_E_RULE_RUNTIME, NULL,
                "read-only table 'string'");
    expect_str(sb, "return ('x'):rep(3)", "xxx");
}

/* Replacing `string` in one chunk's globals affects that chunk only. */
static void test_string_shadow_is_private(void **state)
{
    pp_sandbox *sb = *state;
    expect_str(sb, "string = { rep = function() return 'hacked' end } return string.rep('x', 2)",
               "hacked");
    expect_str(sb, "return string.rep('x', 2)", "xx");
    /* clearing a name only clears the chunk's own slot: the base one shows through */
    expect_str(sb, "_G.string = nil; return type(string)", "table");
    expect_str(sb, "return type(string)", "table");
}

/* Globals set by one chunk are invisible to another; base names cannot be removed. */
static void test_globals_isolated(void **state)
{
    pp_sandbox *sb = *state;
    expect_int(sb, "x = 42 _G.y = 7 print = nil tostring = nil return x + y", 49);
    expect_str(sb, "return tostring(x) .. tostring(y) .. type(print)", "nilnilfunction");
}

/* A check function keeps its chunk's _ENV across calls; another chunk has its own. */
static void test_env_persists_per_chunk(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    const char *src = "n = 0 return function() n = n + 1 return n end";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    for (int i = 1; i <= 3; i++) {
        lua_pushvalue(L, -1);
        assert_int_equal(pp_sandbox_call(sb, 0, 1, &err), PP_OK);
        assert_int_equal(lua_tointeger(L, -1), i);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    expect_str(sb, "return type(n)", "nil");
}

/* ---- loading ---------------------------------------------------------------------------- */

static int write_buf(lua_State *L, const void *p, size_t n, void *ud)
{
    (void)L;
    return pp_buf_append(ud, p, n) == PP_OK ? 0 : 1;
}

/* Bytecode from a plain host state is refused by the text-only loader. */
static void test_bytecode_rejected(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *H = luaL_newstate();
    assert_non_null(H);
    assert_int_equal(luaL_loadstring(H, "return 1"), LUA_OK);
    pp_buf b;
    pp_buf_init(&b, 0);
    assert_int_equal(lua_dump(H, write_buf, &b, 0), 0);
    lua_close(H);
    assert_true(b.len > 4 && b.data[0] == '\x1b');

    char *err = NULL;
    lua_State *L = pp_sandbox_state(sb);
    int top = lua_gettop(L);
    assert_int_equal(pp_sandbox_load(sb, CHUNK, b.data, b.len, &err), PP_E_PARSE);
    assert_non_null(err);
    assert_string_equal(err, "rules/t.lua: attempt to load a binary chunk (mode is 't')");
    assert_int_equal(lua_gettop(L), top);
    free(err);
    pp_buf_free(&b);
    expect_healthy(sb);
}

/* Compiling is charged too: a source whose code outgrows the budget fails while parsing. */
static void test_parse_memory(void **state)
{
    pp_sandbox *sb = *state;
    pp_buf b;
    pp_buf_init(&b, 0);
    assert_int_equal(pp_buf_puts(&b, "return {"), PP_OK);
    for (int i = 0; i < 1000000; i++)
        assert_int_equal(pp_buf_append(&b, "1,", 2), PP_OK);
    assert_int_equal(pp_buf_puts(&b, "}"), PP_OK);
    char *err = NULL;
    lua_State *L = pp_sandbox_state(sb);
    int top = lua_gettop(L);
    assert_int_equal(pp_sandbox_load(sb, CHUNK, b.data, b.len, &err), PP_E_RULE_NOMEM);
    assert_string_equal(err, "rules/t.lua: rule exceeded its memory budget (4194304 bytes)");
    assert_int_equal(lua_gettop(L), top);
    free(err);
    pp_buf_free(&b);
    expect_healthy(sb);
}

static void test_syntax_error(void **state)
{
    expect_load(*state, "local x = \nreturn (", PP_E_PARSE, "rules/t.lua:2: ",
                "unexpected symbol");
}

/* ---- runtime errors ------------------------------------------------------------------- */

static void test_runtime_error_location(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    const char *src = "return function(r)\n"
                      "  local x = r.a\n"
                      "  return x.b\n"
                      "end\n";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    int top = lua_gettop(L);
    lua_pushvalue(L, -1);
    lua_newtable(L);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_E_RULE_RUNTIME);
    assert_non_null(err);
    assert_string_equal(err, "rules/t.lua:3: attempt to index a nil value (local 'x')");
    assert_int_equal(lua_gettop(L), top);
    PP_FREE(err);

    lua_pushvalue(L, -1);
    lua_pushinteger(L, 5);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_E_RULE_RUNTIME);
    assert_string_equal(err, "rules/t.lua:2: attempt to index a number value (local 'r')");
    PP_FREE(err);
    lua_pop(L, 1);
}

static void test_error_values_get_location(void **state)
{
    pp_sandbox *sb = *state;
    expect_load(sb, "\nerror({})", PP_E_RULE_RUNTIME, NULL,
                "rules/t.lua:2: (error object is a table value)");
    expect_load(sb, "error('plain', 0)", PP_E_RULE_RUNTIME, NULL, "rules/t.lua:1: plain");
    expect_load(sb, "error(42, 0)", PP_E_RULE_RUNTIME, NULL, "rules/t.lua:1: 42");
    expect_load(sb, "error('once')", PP_E_RULE_RUNTIME, NULL, "rules/t.lua:1: once");
    char *err = NULL;
    assert_int_equal(load(sb, "error('once')", &err), PP_E_RULE_RUNTIME);
    assert_string_equal(err, "rules/t.lua:1: once");
    free(err);
    expect_load(sb, "string.rep()", PP_E_RULE_RUNTIME, "rules/t.lua:1: ",
                "bad argument #1 to 'rep'");
}

/* ---- budgets -------------------------------------------------------------------------- */

static void test_instruction_budget(void **state)
{
    pp_sandbox *sb = *state;
    expect_load(sb, "local i = 0\nwhile true do i = i + 1 end", PP_E_BUDGET, "rules/t.lua:2: ",
                "rule exceeded its instruction budget");
    expect_healthy(sb);
    /* the same through pp_sandbox_call, from a function */
    lua_State *L = pp_sandbox_state(sb);
    const char *src = "return function(n) for i = 1, n do end return n end";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 1000);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_OK);
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 100000000);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_E_BUDGET);
    assert_non_null(strstr(err, "instruction budget"));
    PP_FREE(err);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 1000);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_OK);
    assert_int_equal(lua_tointeger(L, -1), 1000);
    lua_pop(L, 2);
}

static void test_recursion_budget(void **state)
{
    pp_sandbox *sb = *state;
    char *err = NULL;
    pp_status st = load(sb, "local function f(n) return f(n + 1) + 1 end return f(1)", &err);
    assert_true(st == PP_E_RULE_RUNTIME || st == PP_E_RULE_NOMEM || st == PP_E_BUDGET);
    free(err);
    expect_load(sb, "local function f() return f() end return f()", PP_E_BUDGET, NULL,
                "instruction budget");
    expect_healthy(sb);
}

static void test_deadline(void **state)
{
    (void)state;
    pp_limits lim = test_limits();
    lim.rule_instructions = 0;
    lim.rule_deadline_ms = 50;
    pp_sandbox *sb = pp_sandbox_new(&lim);
    assert_non_null(sb);
    uint64_t t0 = pp_now_ms();
    expect_load(sb, "while true do end", PP_E_BUDGET, "rules/t.lua:1: ",
                "rule exceeded its time budget");
    uint64_t dt = pp_now_ms() - t0;
    assert_true(dt >= 50);   /* never stopped before its deadline; the hang guard is the budget */
    expect_healthy(sb);
    pp_sandbox_stats s;
    pp_sandbox_get_stats(sb, &s);
    assert_int_equal(s.budget_hits, 1);
    pp_sandbox_free(sb);
}

/* Deferred hook (engine/watchdog.c): with the default budgets a call starts without the count
 * hook, so short calls never run under it; a runaway call gets it from the watchdog after
 * PP_WATCH_AFTER_MS and is stopped by the instruction budget, and the state stays usable. */
static pp_status call_src(pp_sandbox *sb, const char *src, lua_Integer n, char **err)
{
    lua_State *L = pp_sandbox_state(sb);
    pp_status st = pp_sandbox_load(sb, CHUNK, src, strlen(src), err);
    if (st != PP_OK)
        return st;
    lua_pushinteger(L, n);
    st = pp_sandbox_call(sb, 1, 1, err);
    if (st == PP_OK)
        lua_pop(L, 1);
    return st;
}

static void test_deferred_hook(void **state)
{
    (void)state;
    pp_limits lim = PP_LIMITS_DEFAULT;   /* 10 M instructions: deferred */
    lim.rule_deadline_ms = 600000;       /* the instruction budget, not the clock, stops it */
    pp_sandbox *sb = pp_sandbox_new(&lim);
    assert_non_null(sb);
    pp_sandbox_stats s0, s1;
    pp_sandbox_get_stats(sb, &s0);
    char *err = NULL;
    for (int i = 0; i < 200; i++)
        assert_int_equal(call_src(sb, "return function(n) local t = 0 for i = 1, n do t = t + i "
                                      "end return t end", 100, &err), PP_OK);
    pp_sandbox_get_stats(sb, &s1);
    /* short calls are not hooked; one descheduled for longer than PP_WATCH_AFTER_MS on a busy
     * machine may be, so a handful is allowed of 200 (all 200 would be a broken defer) */
    assert_true(s1.hooked_runs - s0.hooked_runs <= 5);
    uint64_t t0 = pp_now_ms();
    assert_int_equal(call_src(sb, "return function(n) while true do n = n + 1 end end", 0, &err),
                     PP_E_BUDGET);
    assert_non_null(strstr(err, "rule exceeded its instruction budget"));
    PP_FREE(err);
    print_message("runaway call stopped after %llu ms\n", (unsigned long long)(pp_now_ms() - t0));
    pp_sandbox_get_stats(sb, &s1);
    assert_true(s1.hooked_runs >= s0.hooked_runs + 1);
    assert_int_equal(s1.budget_hits, s0.budget_hits + 1);
    expect_healthy(sb);
    pp_sandbox_free(sb);
}

/* A budget below PP_SANDBOX_DEFER_MIN_INSTRUCTIONS is exact: every call runs hooked. */
static void test_small_budget_hooked_at_once(void **state)
{
    pp_sandbox *sb = *state;   /* test_limits: 1 M instructions */
    pp_sandbox_stats s0, s1;
    pp_sandbox_get_stats(sb, &s0);
    char *err = NULL;
    assert_int_equal(call_src(sb, "return function(n) return n end", 1, &err), PP_OK);
    pp_sandbox_get_stats(sb, &s1);
    assert_int_equal(s1.hooked_runs, s0.hooked_runs + 2);   /* the load and the call */
}

typedef struct loop_job {
    pp_sandbox *sb;
    pp_status st;
    char *err;
} loop_job;

static void *loop_main(void *p)
{
    loop_job *j = p;
    j->st = call_src(j->sb, "return function(n) while true do n = n + 1 end end", 0, &j->err);
    return NULL;
}

/* Runaway calls on several threads at once are each stopped; a sandbox that moves to another
 * thread is hooked from the start there and stopped too. */
static void test_deferred_hook_threads(void **state)
{
    (void)state;
    enum { N = 3 };
    pp_limits lim = PP_LIMITS_DEFAULT;
    loop_job j[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        j[i] = (loop_job){ pp_sandbox_new(&lim), PP_OK, NULL };
        assert_non_null(j[i].sb);
        assert_int_equal(pthread_create(&t[i], NULL, loop_main, &j[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(j[i].st, PP_E_BUDGET);
        PP_FREE(j[i].err);
    }
    /* j[0].sb ran on its thread first; here, on the main thread, it is hooked at once */
    pp_sandbox_stats s0, s1;
    pp_sandbox_get_stats(j[0].sb, &s0);
    loop_main(&j[0]);
    assert_int_equal(j[0].st, PP_E_BUDGET);
    PP_FREE(j[0].err);
    pp_sandbox_get_stats(j[0].sb, &s1);
    assert_int_equal(s1.hooked_runs, s0.hooked_runs + 2);
    for (int i = 0; i < N; i++)
        pp_sandbox_free(j[i].sb);
}

/* string.rep runs in C, out of reach of the count hook: the memory budget stops it. */
static void test_string_rep_memory(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    size_t before = pp_sandbox_mem(sb);
    expect_load(sb, "local s = string.rep('x', 1e9) return #s", PP_E_RULE_NOMEM, "rules/t.lua:1: ",
                "rule exceeded its memory budget (4194304 bytes)");
    expect_load(sb, "return ('x'):rep(1e9)", PP_E_RULE_NOMEM, NULL, "memory budget");
    expect_healthy(sb);

    const char *src = "return function(n) return #string.rep('ab', n, ',') end";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 500000000); /* 1.5 GB: under lstrlib's INT_MAX cap, over the budget */
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_E_RULE_NOMEM);
    assert_string_equal(err, "rules/t.lua:1: rule exceeded its memory budget (4194304 bytes)");
    PP_FREE(err);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 10);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_OK);
    assert_int_equal(lua_tointeger(L, -1), 29);
    lua_pop(L, 2);
    lua_gc(L, LUA_GCCOLLECT, 0);
    assert_true(pp_sandbox_mem(sb) < before + 64 * 1024);
}

/* Backtracking patterns run in C where the count hook never fires: the guard refuses a
 * match whose worst case is too large, and ordinary patterns still work. */
static void test_pattern_backtracking_refused(void **state)
{
    pp_sandbox *sb = *state;
    expect_load(sb, "return string.rep('a', 3000):find('.-.-.-b')", PP_E_RULE_RUNTIME, NULL,
                "pattern too expensive for a 3000-byte subject");
    expect_load(sb, "return ('a'):rep(3000):match('a-a-a-b')", PP_E_RULE_RUNTIME, NULL,
                "pattern too expensive");
    expect_load(sb, "for x in ('a'):rep(5000):gmatch('.-.-b') do end", PP_E_RULE_RUNTIME, NULL,
                "pattern too expensive");
    expect_healthy(sb);
    lua_State *L = pp_sandbox_state(sb);
    char *err = NULL;
    const char *ok = "local a = ('arn:aws:iam::123456789012:role/x'):match("
                     "'^arn:aws:iam::(%d+):role/(.*)$') "
                     "local p = string.rep('a', 100000):find('.-.-b', 1, true) "
                     "local g = ('a,b'):gsub('%w+', 'x') "
                     "return a .. tostring(p) .. g";
    assert_int_equal(pp_sandbox_load(sb, CHUNK, ok, strlen(ok), &err), PP_OK);
    assert_string_equal(lua_tostring(L, -1), "123456789012nilx,x");
    lua_pop(L, 1);
}

static void test_huge_table_memory(void **state)
{
    pp_sandbox *sb = *state;
    size_t before = pp_sandbox_mem(sb);
    expect_load(sb, "local t = {}\nfor i = 1, 1e7 do t[i] = {} end", PP_E_RULE_NOMEM,
                "rules/t.lua:2: ", "memory budget");
    assert_true(pp_sandbox_mem(sb) < before + 64 * 1024); /* full GC ran after the hit */
    expect_healthy(sb);
    expect_load(sb, "local t = {}\nfor i = 1, 1e7 do t['k' .. i] = i end", PP_E_RULE_NOMEM,
                NULL, "memory budget");
    expect_healthy(sb);
}

/* table.concat builds its result in C; only the memory budget bounds it. */
static void test_table_concat_memory(void **state)
{
    pp_sandbox *sb = *state;
    expect_load(sb,
                "local t = {} for i = 1, 30 do t[i] = string.rep(string.char(64 + i), 100000) end\n"
                "local s = table.concat(t) return #s",
                PP_E_RULE_NOMEM, NULL, "memory budget");
    expect_healthy(sb);
    expect_int(sb, "local t = {} for i = 1, 10 do t[i] = ('x'):rep(1000) end return #table.concat(t)",
               10000);
}

/* The memory budget counts growth within a run, not what the host pushed before it. */
static void test_memory_budget_is_per_run(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    size_t n = 16u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    const char *src = "return function(s) return #s end";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    lua_pushlstring(L, big, n); /* 16 MB, four times the budget, outside any run */
    free(big);
    lua_pushvalue(L, -2);
    lua_pushvalue(L, -2);
    assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_OK);
    assert_int_equal(lua_tointeger(L, -1), (lua_Integer)n);
    lua_pop(L, 3);
    /* many runs that each stay under the budget while producing garbage all succeed */
    for (int i = 0; i < 20; i++)
        expect_int(sb, "local t = {} for i = 1, 20 do t[i] = ('y'):rep(100000) end return #t",
                   20);
}

/* What rules keep adds up: the rule set's ceiling stops a hoarding rule that each budget
 * alone lets through, the heap stays under it, and a rule that needs nothing still runs. */
static void test_state_ceiling(void **state)
{
    (void)state;
    pp_limits lim = test_limits();
    lim.rule_state_bytes = 12u << 20;
    pp_sandbox *sb = pp_sandbox_new(&lim);
    assert_non_null(sb);
    lua_State *L = pp_sandbox_state(sb);
    const char *src = "local keep = {}\n"
                      "return function() keep[#keep + 1] = ('k'):rep(1500000) .. #keep end";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    int calls = 0;
    pp_status st = PP_OK;
    while (calls < 20) {
        lua_pushvalue(L, -1);
        st = pp_sandbox_call(sb, 0, 0, &err);
        if (st != PP_OK)
            break;
        calls++;
        assert_true(pp_sandbox_mem(sb) <= lim.rule_state_bytes);
    }
    assert_int_equal(st, PP_E_RULE_NOMEM);
    assert_in_range(calls, 4, 9);   /* 1.5 MB kept per call under a 12 MiB ceiling */
    assert_non_null(strstr(err, "rule set reached its memory ceiling (12582912 bytes"));
    free(err);
    err = NULL;
    lua_pop(L, 1);
    expect_int(sb, "return 1 + 1", 2);
    pp_sandbox_free(sb);
}

/* Garbage left by rules that fill their budget is collected before the next run: the heap
 * stays under what is live + two budgets however many runs there are. */
static void test_garbage_between_runs(void **state)
{
    pp_sandbox *sb = *state;
    size_t base = pp_sandbox_mem(sb);
    for (int i = 0; i < 40; i++) {
        expect_int(sb, "local t = {} for i = 1, 3 do t[i] = ('g'):rep(600000) .. i end "
                       "return #t", 3);
        assert_true(pp_sandbox_mem(sb) <= base + (8u << 20) + (1u << 20));
    }
}

/* Every kind of limit hit, in a row, on one state; then it still works, and counted. */
static void test_stats_and_recovery(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    const char *src = "return function(what)\n"
                      "  if what == 'loop' then while true do end end\n"
                      "  if what == 'mem' then return #string.rep('x', 1e9) end\n"
                      "  if what == 'err' then error('boom') end\n"
                      "  if what == 'blocked' then return load('x') end\n"
                      "  return 1\n"
                      "end\n";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    static const struct {
        const char *arg;
        pp_status want;
        const char *text;
    } cases[] = {
        {"loop", PP_E_BUDGET, "rules/t.lua:2: rule exceeded its instruction budget"},
        {"ok", PP_OK, NULL},
        {"mem", PP_E_RULE_NOMEM, "rules/t.lua:3: rule exceeded its memory budget"},
        {"ok", PP_OK, NULL},
        {"err", PP_E_RULE_RUNTIME, "rules/t.lua:4: boom"},
        {"ok", PP_OK, NULL},
        {"blocked", PP_E_RULE_RUNTIME, "rules/t.lua:5: blocked function: load"},
        {"ok", PP_OK, NULL},
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(cases); i++) {
        int top = lua_gettop(L);
        lua_pushvalue(L, -1);
        lua_pushstring(L, cases[i].arg);
        pp_status st = pp_sandbox_call(sb, 1, 1, &err);
        assert_int_equal(st, cases[i].want);
        if (st == PP_OK) {
            assert_int_equal(lua_tointeger(L, -1), 1);
            lua_pop(L, 1);
        } else {
            assert_non_null(err);
            assert_true(strncmp(err, cases[i].text, strlen(cases[i].text)) == 0);
            PP_FREE(err);
        }
        assert_int_equal(lua_gettop(L), top);
    }
    lua_pop(L, 1);
    pp_sandbox_stats s;
    pp_sandbox_get_stats(sb, &s);
    assert_int_equal(s.calls, 8);
    assert_int_equal(s.budget_hits, 1);
    assert_int_equal(s.mem_hits, 1);
    assert_int_equal(s.runtime_errors, 2);
    assert_int_equal(s.blocked_calls, 1);
    assert_int_equal(s.rebuilds, 0);
}

/* ---- host side ------------------------------------------------------------------------ */

static char logged[256];

static void log_cb(void *ud, const char *chunk, const char *msg)
{
    (*(int *)ud)++;
    snprintf(logged, sizeof logged, "%s|%s", chunk, msg);
}

static void test_print_goes_to_log(void **state)
{
    pp_sandbox *sb = *state;
    expect_int(sb, "print('silent') return 1", 1); /* no callback yet: dropped */
    int n = 0;
    pp_sandbox_set_log(sb, log_cb, &n);
    expect_int(sb, "print('a', 1, nil, true) return 1", 1);
    assert_int_equal(n, 1);
    assert_string_equal(logged, "rules/t.lua|a\t1\tnil\ttrue");
}

static int host_add(lua_State *L)
{
    lua_pushinteger(L, luaL_checkinteger(L, 1) + luaL_checkinteger(L, 2));
    return 1;
}

/* Host globals are shared by every chunk and cannot be changed by any. */
static void test_set_global(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    lua_newtable(L);
    lua_pushcfunction(L, host_add);
    lua_setfield(L, -2, "add");
    lua_pushinteger(L, 10);
    lua_setfield(L, -2, "ten");
    int top = lua_gettop(L);
    assert_int_equal(pp_sandbox_set_global(sb, "pp"), PP_OK);
    assert_int_equal(lua_gettop(L), top - 1);
    lua_createtable(L, 3, 0);
    for (int i = 1; i <= 3; i++) {
        lua_pushinteger(L, i * 10);
        lua_rawseti(L, -2, i);
    }
    assert_int_equal(pp_sandbox_set_global(sb, "list"), PP_OK);
    lua_pushinteger(L, 99);
    assert_int_equal(pp_sandbox_set_global(sb, "answer"), PP_OK);

    expect_int(sb, "return pp.add(pp.ten, answer)", 109);
    expect_load(sb, "pp.add = nil", PP_E_RULE_RUNTIME, "rules/t.lua:1: ",
                "attempt to modify read-only table 'pp' (field 'add')");
    expect_int(sb, "local n = 0 for k, v in pairs(pp) do n = n + 1 end return n", 2);
    expect_int(sb, "local s = 0 for i, v in ipairs(list) do s = s + v end return s + #list", 63);
    expect_int(sb, "pp = nil answer = 1 return answer", 1);
    expect_int(sb, "return pp.add(1, 1) + answer", 101);
}

static void test_call_misuse(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    char *err = NULL;
    int top = lua_gettop(L);
    assert_int_equal(pp_sandbox_call(sb, 3, 1, &err), PP_E_INTERNAL);
    PP_FREE(err);
    lua_pushinteger(L, 1);
    assert_int_equal(pp_sandbox_call(sb, 0, 1, &err), PP_E_RULE_RUNTIME);
    assert_non_null(strstr(err, "attempt to call a number value"));
    PP_FREE(err);
    assert_int_equal(lua_gettop(L), top);
    /* multiple results */
    const char *src = "return function(a, b) return b, a end";
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    lua_pushinteger(L, 1);
    lua_pushinteger(L, 2);
    assert_int_equal(pp_sandbox_call(sb, 2, LUA_MULTRET, &err), PP_OK);
    assert_int_equal(lua_gettop(L), top + 2);
    assert_int_equal(lua_tointeger(L, -2), 2);
    assert_int_equal(lua_tointeger(L, -1), 1);
    lua_settop(L, top);
}

/* Allocation-failure sweep (curl torture / Lua testes style): fail every allocation after
 * the first n, for n = 0, 1, ... until the whole path runs without an injected failure.
 * Each step must fail cleanly with PP_E_NOMEM or succeed; the allocator's count returns to
 * zero at close (asserted in pp_sandbox_free) and ASan sees no leak. */
static void test_alloc_failure_sweep(void **state)
{
    (void)state;
    pp_limits lim = test_limits();
    const char *src = "local t = {} for i = 1, 50 do t[i] = tostring(i) .. 'x' end\n"
                      "return function(r) return r + five + #t + #table.concat(t) end";
    long n;
    for (n = 0; n < 100000; n++) {
        pp_status st = PP_E_NOMEM;
        char *err = NULL;
        lua_Integer got = 0;
        pp_sandbox_test_fail_after(n);
        pp_sandbox *sb = pp_sandbox_new(&lim);
        if (sb) {
            lua_State *L = pp_sandbox_state(sb);
            lua_pushinteger(L, 5);
            st = pp_sandbox_set_global(sb, "five");
            if (st == PP_OK)
                st = pp_sandbox_load(sb, CHUNK, src, strlen(src), &err);
            if (st == PP_OK) {
                lua_pushinteger(L, 1);
                st = pp_sandbox_call(sb, 1, 1, &err);
                if (st == PP_OK)
                    got = lua_tointeger(L, -1);
            }
        }
        long injected = pp_sandbox_test_fail_after(-1);
        if (st != PP_OK && st != PP_E_NOMEM)
            print_error("n=%ld: %s %s\n", n, pp_status_name(st), err ? err : "");
        assert_true(st == PP_OK || st == PP_E_NOMEM);
        if (sb) {
            lua_gc(pp_sandbox_state(sb), LUA_GCCOLLECT, 0);
            expect_healthy(sb); /* a state that survived a failed allocation still works */
        }
        pp_sandbox_free(sb);
        free(err);
        if (injected == 0) {
            assert_int_equal(st, PP_OK);
            assert_int_equal(got, 1 + 5 + 50 + 141);
            break;
        }
    }
    print_message("sandbox: allocation-failure sweep covered %ld failure points\n", n);
    assert_true(n > 100); /* the sweep really walked the setup path */
    assert_true(n < 100000);
}

/* After many loads and calls are dropped and collected, the heap returns to one size. */
static void test_mem_stable(void **state)
{
    (void)state;
    pp_limits lim = test_limits();
    pp_sandbox *sb = pp_sandbox_new(&lim);
    assert_non_null(sb);
    lua_State *L = pp_sandbox_state(sb);
    size_t m[4];
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 50; i++) {
            const char *src = "local acc = {} return function(r) acc[#acc + 1] = r .. 'x'"
                              " return #acc end";
            char *err = NULL;
            assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
            for (int j = 0; j < 20; j++) {
                lua_pushvalue(L, -1);
                lua_pushfstring(L, "v%d", j);
                assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_OK);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            expect_load(sb, "while true do end", PP_E_BUDGET, NULL, "budget");
            expect_load(sb, "return ('z'):rep(1e9)", PP_E_RULE_NOMEM, NULL, "memory");
        }
        lua_gc(L, LUA_GCCOLLECT, 0);
        m[round] = pp_sandbox_mem(sb);
    }
    assert_int_equal(m[2], m[3]);
    assert_true(m[3] <= m[0] + 4096);
    pp_sandbox_free(sb);
}

/* The per-call path allocates nothing of its own and stays cheap. */
static void test_call_cost(void **state)
{
    pp_sandbox *sb = *state;
    lua_State *L = pp_sandbox_state(sb);
    const char *src = "return function(r)\n"
                      "  if r.Type ~= 'AWS::S3::Bucket' then return true end\n"
                      "  local p = r.Properties\n"
                      "  return p ~= nil and p.Versioning == 'Enabled'\n"
                      "end\n";
    char *err = NULL;
    assert_int_equal(pp_sandbox_load(sb, CHUNK, src, strlen(src), &err), PP_OK);
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "AWS::S3::Bucket");
    lua_setfield(L, -2, "Type");
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "Enabled");
    lua_setfield(L, -2, "Versioning");
    lua_setfield(L, -2, "Properties");
    lua_gc(L, LUA_GCCOLLECT, 0);
    size_t m0 = pp_sandbox_mem(sb);
    enum { N = 100000 };
    uint64_t t0 = pp_now_ms();
    for (int i = 0; i < N; i++) {
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        assert_int_equal(pp_sandbox_call(sb, 1, 1, &err), PP_OK);
        assert_true(lua_toboolean(L, -1));
        lua_pop(L, 1);
    }
    uint64_t dt = pp_now_ms() - t0;
    print_message("sandbox: %d calls in %llu ms\n", N, (unsigned long long)dt);
    assert_int_equal(pp_sandbox_mem(sb), m0); /* nothing allocated per call (speed: make bench) */
    lua_pop(L, 2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_sb, teardown_sb)
    const struct CMUnitTest tests[] = {
        T(test_no_io),
        T(test_small_budget_hooked_at_once),
        cmocka_unit_test(test_deferred_hook),
        cmocka_unit_test(test_deferred_hook_threads),
        T(test_pattern_backtracking_refused),
        T(test_no_os),
        T(test_no_os_execute),
        T(test_no_package),
        T(test_no_debug),
        T(test_no_coroutine),
        T(test_no_load),
        T(test_no_loadfile),
        T(test_no_dofile),
        T(test_no_require),
        T(test_no_string_dump),
        T(test_no_string_dump_method),
        T(test_no_collectgarbage),
        T(test_no_setmetatable_G),
        T(test_no_getmetatable_string),
        T(test_no_rawset),
        T(test_no_rawlen),
        T(test_no_pcall),
        T(test_no_xpcall),
        T(test_no_warn),
        T(test_no_math_random),
        T(test_no_math_randomseed),
        T(test_string_table_readonly),
        T(test_math_table_readonly),
        T(test_table_table_readonly),
        T(test_utf8_table_readonly),
        T(test_string_metatable_locked),
        T(test_proxy_pairs_does_not_leak),
        T(test_string_shadow_is_private),
        T(test_globals_isolated),
        T(test_env_persists_per_chunk),
        T(test_bytecode_rejected),
        T(test_parse_memory),
        T(test_syntax_error),
        T(test_runtime_error_location),
        T(test_error_values_get_location),
        T(test_instruction_budget),
        T(test_recursion_budget),
        T(test_deadline),
        T(test_string_rep_memory),
        T(test_huge_table_memory),
        T(test_table_concat_memory),
        T(test_memory_budget_is_per_run),
        T(test_state_ceiling),
        T(test_garbage_between_runs),
        T(test_stats_and_recovery),
        T(test_print_goes_to_log),
        T(test_set_global),
        T(test_call_misuse),
        T(test_alloc_failure_sweep),
        T(test_mem_stable),
        T(test_call_cost),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
