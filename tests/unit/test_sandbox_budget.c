/* test_sandbox_budget.c — the sandbox's budgets (memory in Lua and in C library calls, the
 * state ceiling), garbage between runs, stats and recovery, print and the log, set_global, call
 * misuse, the allocation-failure sweep, a stable heap and the per-call cost (the capability and
 * instruction cases are in test_sandbox.c). */
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
        T(test_pattern_backtracking_refused),
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
