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
#include "tests/unit/sandbox_fixture.h"
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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_sb, teardown_sb)
    const struct CMUnitTest tests[] = {
        T(test_no_io),
        T(test_small_budget_hooked_at_once),
        cmocka_unit_test(test_deferred_hook),
        cmocka_unit_test(test_deferred_hook_threads),
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
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
