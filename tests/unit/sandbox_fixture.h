/* sandbox_fixture.h — the fixture the sandbox tests share: a sandbox per test and the
 * load/expect helpers. */
#ifndef PP_SANDBOX_FIXTURE_H
#define PP_SANDBOX_FIXTURE_H

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

#ifndef PP_TEST_UNUSED
#define PP_TEST_UNUSED __attribute__((unused))
#endif


#define CHUNK "@rules/t.lua"

PP_TEST_UNUSED static pp_limits test_limits(void)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.rule_memory_bytes = 4u << 20;
    lim.rule_instructions = 1000000;
    lim.rule_deadline_ms = 5000;
    return lim;
}

PP_TEST_UNUSED static int setup_sb(void **state)
{
    pp_limits lim = test_limits();
    pp_sandbox *sb = pp_sandbox_new(&lim);
    if (sb == NULL)
        return -1;
    *state = sb;
    return 0;
}

PP_TEST_UNUSED static int teardown_sb(void **state)
{
    pp_sandbox_free(*state);
    return 0;
}

/* Loads src as CHUNK; on success pops the result. Returns the status, *err as set. */
PP_TEST_UNUSED static pp_status load(pp_sandbox *sb, const char *src, char **err)
{
    pp_status st = pp_sandbox_load(sb, CHUNK, src, strlen(src), err);
    if (st == PP_OK)
        lua_pop(pp_sandbox_state(sb), 1);
    return st;
}

/* Loads src, which must fail with `want` and a message containing `text` (and, when
 * `loc` is set, starting with it). */
PP_TEST_UNUSED
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
PP_TEST_UNUSED static void expect_int(pp_sandbox *sb, const char *src, lua_Integer want)
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

PP_TEST_UNUSED static void expect_str(pp_sandbox *sb, const char *src, const char *want)
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
PP_TEST_UNUSED static void expect_healthy(pp_sandbox *sb)
{
    expect_int(sb, "local t = {} for i = 1, 100 do t[i] = i end return #t + #('ab'):rep(3)",
               106);
}


#endif
