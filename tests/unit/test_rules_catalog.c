/* test_rules_catalog.c — control catalogues (engine/rules_catalog.h): the format, each limit
 * and each error with its file and line, and the loader's merge of a row into a rule's
 * metadata (conflicts, --only and --pack selecting by catalogue fields). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/eval.h"
#include "engine/rules_catalog.h"
#include "engine/base/util.h"
#include "tests/unit/rmtree.h"
#include "tests/unit/unit_files.h"

#define HDR "control\trule\tguard\tseverity\tpacks\ttitle\tfix\tdocs\tframeworks\n"

/* Parses text as "t.tsv"; returns the status, *err the message (caller frees). */
static pp_status parse(const char *text, char **err)
{
    pp_catalog *c = pp_catalog_new();
    assert_non_null(c);
    *err = NULL;
    pp_status st = pp_catalog_parse(c, "t.tsv", text, strlen(text), err);
    pp_catalog_free(c);
    return st;
}

static void expect_error(const char *text, pp_status want, const char *needle)
{
    char *err = NULL;
    pp_status st = parse(text, &err);
    if (st != want || !err || !strstr(err, needle))
        print_error("got status %d, message '%s'; wanted '%s'\n", (int)st, err ? err : "",
                    needle);
    assert_int_equal(st, want);
    assert_non_null(err);
    assert_non_null(strstr(err, needle));
    free(err);
}

static void test_rows(void **state)
{
    (void)state;
    const char *text = "# comment\n\n" HDR
                       "CT.X.PR.1\tct-x-pr-1\tx_check\thigh\tcontrol-tower\tTitle one\tFix it."
                       "\thttps://d/1\tNIST 800-53 Rev 5:AC-3; PCI DSS version 3.2.1:1.3\n"
                       "# between rows\n"
                       "CT.X.PR.2\tct-x-pr-2\t\t\t\tTitle two\t\t\t\n";
    pp_catalog *c = pp_catalog_new();
    char *err = NULL;
    assert_int_equal(pp_catalog_parse(c, "t.tsv", text, strlen(text), &err), PP_OK);
    size_t n = 0;
    pp_catalog_rows(c, &n);
    assert_int_equal(n, 2);
    const pp_catalog_row *r = pp_catalog_find(c, "ct-x-pr-1");
    assert_non_null(r);
    assert_string_equal(r->control, "CT.X.PR.1");
    assert_string_equal(r->guard, "x_check");
    assert_true(r->has_severity);
    assert_int_equal(r->severity, PP_SEV_HIGH);
    assert_string_equal(r->packs[0], "control-tower");
    assert_null(r->packs[1]);
    assert_string_equal(r->frameworks[0], "NIST 800-53 Rev 5:AC-3");
    assert_string_equal(r->frameworks[1], "PCI DSS version 3.2.1:1.3");
    assert_null(r->frameworks[2]);
    assert_string_equal(r->docs, "https://d/1");
    assert_int_equal(r->line, 4);
    r = pp_catalog_find(c, "ct-x-pr-2");
    assert_non_null(r);
    assert_null(r->guard);   /* empty fields give nothing */
    assert_false(r->has_severity);
    assert_null(r->packs);
    assert_null(r->frameworks);
    assert_string_equal(r->title, "Title two");
    assert_null(pp_catalog_find(c, "ct-x-pr-3"));
    pp_catalog_free(c);
}

static void test_header_errors(void **state)
{
    (void)state;
    expect_error("control\ttitle\nA\tB\n", PP_E_PARSE, "t.tsv:1: expected a 'rule' column");
    expect_error("rule\tcolour\n", PP_E_PARSE, "t.tsv:1: expected a header of TAB-separated");
    expect_error("rule\trule\n", PP_E_PARSE, "t.tsv:1: expected each column name at most once");
    expect_error("# only a comment\n", PP_E_PARSE, "expected a header line");
}

static void test_row_errors(void **state)
{
    (void)state;
    expect_error("rule\ttitle\nr1\tT\textra\n", PP_E_PARSE,
                 "t.tsv:2: expected as many TAB-separated fields as the header has columns "
                 "(more here)");
    expect_error("rule\ttitle\tfix\n\nr1\tT\n", PP_E_PARSE, "t.tsv:3: expected as many "
                 "TAB-separated fields as the header has columns (fewer here)");
    expect_error("rule\ttitle\n\tT\n", PP_E_PARSE, "t.tsv:2: expected a rule id in the");
    expect_error("rule\ttitle\nbad id\tT\n", PP_E_PARSE, "t.tsv:2: expected a rule id made of");
    expect_error("rule\tseverity\nr1\tsevere\n", PP_E_PARSE, "t.tsv:2: expected a severity");
    expect_error("rule\tframeworks\nr1\ta; ; b\n", PP_E_PARSE, "t.tsv:2: expected list items");
    expect_error("rule\tpacks\nr1\ta;\n", PP_E_PARSE, "t.tsv:2: expected list items");
    expect_error("rule\ttitle\nr1\tT\x01\n", PP_E_PARSE,
                 "t.tsv:2: expected no control characters but TAB");
    expect_error("rule\ttitle\nr1\tT\r\n", PP_E_PARSE, "t.tsv:2: expected no control");
    expect_error("rule\ttitle\nr1\tT\xc3(\n", PP_E_PARSE, "t.tsv:2: expected well-formed UTF-8");
    expect_error("rule\ttitle\nr1\tA\nr2\tB\nr1\tC\n", PP_E_PARSE,
                 "t.tsv:4: expected one row per rule; 'r1' has a row already at t.tsv:2");
}

static void test_limits(void **state)
{
    (void)state;
    /* a line over PP_CATALOG_MAX_LINE */
    size_t n = PP_CATALOG_MAX_LINE + 32;
    char *t = malloc(n + 32);
    assert_non_null(t);
    static const char head[] = "rule\ttitle\nr1\t";
    memcpy(t, head, sizeof head);
    size_t at = sizeof head - 1;
    memset(t + at, 'x', PP_CATALOG_MAX_LINE);
    t[at + PP_CATALOG_MAX_LINE] = '\n';
    t[at + PP_CATALOG_MAX_LINE + 1] = '\0';
    expect_error(t, PP_E_LIMIT, "t.tsv:2: expected a line of at most 16384 bytes");
    free(t);
    /* a list over PP_CATALOG_MAX_ITEMS */
    pp_buf b;
    pp_buf_init(&b, 0);
    assert_int_equal(pp_buf_puts(&b, "rule\tframeworks\nr1\t"), PP_OK);
    for (unsigned i = 0; i <= PP_CATALOG_MAX_ITEMS; i++)
        assert_int_equal(pp_buf_printf(&b, "%sf%u", i ? "; " : "", i), PP_OK);
    assert_int_equal(pp_buf_puts(&b, "\n"), PP_OK);
    expect_error(b.data, PP_E_PARSE, "t.tsv:2: expected at most 256 items in a list");
    /* rows over PP_CATALOG_MAX_ROWS */
    b.len = 0;
    assert_int_equal(pp_buf_puts(&b, "rule\n"), PP_OK);
    for (unsigned i = 0; i <= PP_CATALOG_MAX_ROWS; i++)
        assert_int_equal(pp_buf_printf(&b, "r%u\n", i), PP_OK);
    expect_error(b.data, PP_E_LIMIT, "t.tsv:10002: expected at most 10000 catalogue rows");
    pp_buf_free(&b);
    /* a file over PP_CATALOG_MAX_BYTES */
    pp_catalog *c = pp_catalog_new();
    char *err = NULL;
    assert_int_equal(pp_catalog_parse(c, "big.tsv", "", PP_CATALOG_MAX_BYTES + 1u, &err),
                     PP_E_LIMIT);
    assert_non_null(strstr(err, "big.tsv: larger than"));
    free(err);
    pp_catalog_free(c);
}

/* ---- the loader's merge --------------------------------------------------------------- */

typedef struct tree {
    char dir[64];
} tree;

static void put(const tree *t, const char *rel, const char *text)
{
    pp_test_put(t->dir, rel, text);
}

static void tree_new(tree *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/pp-cat-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    put(t, "catalog/ct.tsv", HDR "CT.X.PR.1\tct-x-pr-1\tx_check\thigh\tcontrol-tower\t"
                             "Title one\tFix it.\thttps://d/1\tFW:1; FW:2\n");
}

static void tree_free(tree *t)
{
    assert_int_equal(pp_test_rmtree(t->dir), 0);
}

static pp_ruleset *load(const tree *t, const char *only, const char *pack, char **err)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    const char *dirs[] = {t->dir};
    const char *o[] = {only}, *p[] = {pack};
    pp_rules_opts opts = {.dirs = dirs, .ndirs = 1, .limits = &lim, .only = o,
                          .nonly = only ? 1 : 0, .packs = p, .npacks = pack ? 1 : 0};
    pp_status st;
    *err = NULL;
    return pp_ruleset_load(&opts, &st, err);
}

#define RULE_X "return { id = 'ct-x-pr-1', types = { 'AWS::S3::Bucket' },\n" \
               "  check = function(r, ctx) end }\n"

static void test_merge(void **state)
{
    (void)state;
    tree t;
    tree_new(&t);
    put(&t, "aws/x.lua", RULE_X);
    char *err = NULL;
    pp_ruleset *rs = load(&t, NULL, NULL, &err);
    if (!rs)
        print_error("%s\n", err);
    assert_non_null(rs);
    size_t n = 0;
    const pp_rule_info *ri = pp_ruleset_info(rs, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ri->title, "Title one");
    assert_string_equal(ri->fix, "Fix it.");
    assert_string_equal(ri->docs, "https://d/1");
    assert_int_equal(ri->severity, PP_SEV_HIGH);
    assert_string_equal(ri->controls[0], "CT.X.PR.1");
    assert_string_equal(ri->controls[1], "x_check");
    assert_null(ri->controls[2]);
    assert_string_equal(ri->packs[0], "control-tower");
    assert_string_equal(ri->frameworks[1], "FW:2");
    pp_ruleset_free(rs);
    /* selected by a control and by a pack that only the catalogue names */
    assert_non_null(rs = load(&t, "CT.X.*", NULL, &err));
    pp_ruleset_info(rs, &n);
    assert_int_equal(n, 1);
    pp_ruleset_free(rs);
    assert_non_null(rs = load(&t, "x_check", "control-tower", &err));
    pp_ruleset_info(rs, &n);
    assert_int_equal(n, 1);
    pp_ruleset_free(rs);
    assert_non_null(rs = load(&t, "CT.Y.*", NULL, &err));
    pp_ruleset_info(rs, &n);
    assert_int_equal(n, 0);
    pp_ruleset_free(rs);
    tree_free(&t);
}

static void test_merge_errors(void **state)
{
    (void)state;
    tree t;
    tree_new(&t);
    put(&t, "aws/x.lua", "return { id = 'ct-x-pr-1', title = 'mine', types = { 'T' },\n"
                         "  check = function(r, ctx) end }\n");
    char *err = NULL;
    assert_null(load(&t, NULL, NULL, &err));
    assert_non_null(strstr(err, "/aws/x.lua: 'title' is given both here and by the catalogue "
                                "row at "));
    assert_non_null(strstr(err, "/catalog/ct.tsv:2; keep one"));
    free(err);
    put(&t, "aws/x.lua", RULE_X);
    put(&t, "catalog/more.tsv", "rule\ttitle\nct-x-pr-1\tAgain\n");
    assert_null(load(&t, NULL, NULL, &err));
    assert_non_null(strstr(err, "/catalog/more.tsv:2: expected one row per rule; 'ct-x-pr-1' "
                                "has a row already at "));
    free(err);
    put(&t, "catalog/more.tsv", "rule\tseverity\nct-y\tloud\n");
    assert_null(load(&t, NULL, NULL, &err));
    assert_non_null(strstr(err, "/catalog/more.tsv:2: expected a severity"));
    free(err);
    tree_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_row_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_merge_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
