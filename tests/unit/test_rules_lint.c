/* test_rules_lint.c — the text checks of `parapet rules test` (engine/rules_lint.h): a local
 * never read is reported with its file and line, a read one is not (a call, an argument, an
 * upvalue, a table value), fields and assignments are not reads, '_' names are exempt, names
 * inside strings and comments do not count, and a local helper named like a lib/ module's
 * export is reported while taking the module's own is not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/eval.h"
#include "engine/rules_lint.h"
#include "engine/base/util.h"
#include "tests/unit/rmtree.h"
#include "tests/unit/unit_files.h"

static char g_dir[64];

static void put(const char *rel, const char *text)
{
    pp_test_put(g_dir, rel, text);
}

/* Loads the folder and lints it; returns the report (caller frees), *n the count. */
static char *lint(size_t *n)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    const char *dirs[] = {g_dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = &lim};
    pp_status st;
    char *err = NULL;
    pp_ruleset *rs = pp_ruleset_load(&o, &st, &err);
    if (!rs)
        print_error("load: %s\n", err ? err : "?");
    assert_non_null(rs);
    pp_buf b;
    pp_buf_init(&b, 0);
    assert_int_equal(pp_rules_lint(rs, &b, n, &err), PP_OK);
    pp_ruleset_free(rs);
    assert_int_equal(pp_buf_puts(&b, ""), PP_OK);
    return pp_buf_steal(&b);
}

static void test_lint(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/pp-lint-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    put("lib/helpers.lua",
        "local function twice(x) return x * 2 end\n"
        "local function spare() end\n"                      /* never read: reported */
        "return { twice = twice, limit = 3 }\n");
    put("aws/r.lua",
        "local h = pp.lib('helpers')\n"
        "local twice = h.twice\n"                           /* the module's own: fine */
        "local unused_one = pp.is_list\n"                   /* line 3: reported */
        "local a, b_unused = 1, 2\n"                        /* b_unused: reported */
        "local _ignored = 5\n"
        "local only_written = 1\n"                          /* assigned, never read */
        "only_written = 2\n"
        "local in_text = 1\n"                               /* named only in a string/comment */
        "-- in_text\n"
        "local s = 'in_text' .. [[ in_text ]]\n"
        "local function limit(x) return x end\n"            /* shadows helpers.limit */
        "local t = { key = a, s = s }\n"
        "return { id = 'r', title = 'T', severity = 'low', types = { 'T' },\n"
        "  check = function(r, ctx) return t.key and twice(limit(1)) and ctx.fail('x') end }\n");
    size_t n = 0;
    char *out = lint(&n);
    const char *want[] = {
        "/lib/helpers.lua:2: local 'spare' is never read (a function)",
        "/aws/r.lua:3: local 'unused_one' is never read",
        "/aws/r.lua:4: local 'b_unused' is never read",
        "/aws/r.lua:6: local 'only_written' is never read",
        "/aws/r.lua:8: local 'in_text' is never read",
        "/aws/r.lua:11: local function 'limit' shadows the one ",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(out, want[i]))
            print_error("missing '%s' in:\n%s", want[i], out);
        assert_non_null(strstr(out, want[i]));
    }
    assert_int_equal(n, 6);
    assert_null(strstr(out, "'twice'"));
    assert_null(strstr(out, "'_ignored'"));
    assert_null(strstr(out, "'a'"));
    assert_null(strstr(out, "'s'"));
    assert_null(strstr(out, "'t'"));
    free(out);
    assert_int_equal(pp_test_rmtree(g_dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
