/* test_report.c — unit tests of engine/report*.c: the pp_report container (deep copies,
 * counters, NULL-safe frees, stable sort), the names, and the four writers (text, json, sarif,
 * junit) on a hand-built report. JSON outputs are parsed back with jansson; SARIF is also
 * validated against tests/fixtures/report/sarif-2.1.0-min.schema.json and JUnit parsed as XML
 * when python3 (with jsonschema for SARIF) is available.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/finding.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"

#include "tests/unit/report_fixture.h"
/* ---- names ---------------------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(pp_severity_name(PP_SEV_INFO), "info");
    assert_string_equal(pp_severity_name(PP_SEV_CRITICAL), "critical");
    assert_string_equal(pp_severity_name((pp_severity)99), "unknown");
    pp_severity s = PP_SEV_INFO;
    assert_int_equal(pp_severity_parse("HIGH", &s), 0);
    assert_int_equal(s, PP_SEV_HIGH);
    assert_int_equal(pp_severity_parse("medium", &s), 0);
    assert_int_equal(s, PP_SEV_MEDIUM);
    assert_int_equal(pp_severity_parse("severe", &s), -1);
    assert_int_equal(pp_severity_parse(NULL, &s), -1);
    assert_int_equal(s, PP_SEV_MEDIUM);
    assert_string_equal(pp_fstatus_name(PP_ST_FAIL), "FAIL");
    assert_string_equal(pp_fstatus_name(PP_ST_SUPPRESSED), "SUPPRESSED");
    assert_string_equal(pp_fstatus_name(PP_ST_SKIP), "SKIP");
    assert_string_equal(pp_fstatus_name((pp_fstatus)42), "INVALID");
    pp_format f = PP_OUT_TEXT;
    assert_int_equal(pp_format_parse("SARIF", &f), 0);
    assert_int_equal(f, PP_OUT_SARIF);
    assert_int_equal(pp_format_parse("xml", &f), -1);
}

/* ---- container ------------------------------------------------------------------------ */

static void test_add_deep_copy(void **state)
{
    (void)state;
    pp_finding src = { 0 };
    src.rule_id = pp_strdup("r1");
    src.controls = calloc(3, sizeof *src.controls);
    assert_non_null(src.controls);
    src.controls[0] = pp_strdup("CT.A.PR.1");
    src.controls[1] = pp_strdup("CT.B.PR.2");
    src.file = pp_strdup("t.yaml");
    src.resource = pp_strdup("Res");
    src.resource_type = pp_strdup("AWS::X::Y");
    src.path = pp_strdup("/Resources/Res");
    src.message = pp_strdup("msg");
    src.fix = pp_strdup("fix");
    src.docs = pp_strdup("docs");
    src.cdk_path = pp_strdup("S/Res");
    src.suppress_reason = pp_strdup("why");
    src.source_line = pp_strdup("  Res:");
    src.status = PP_ST_SUPPRESSED;
    src.severity = PP_SEV_LOW;
    src.line = 4;
    src.column = 3;

    pp_report r;
    pp_report_init(&r);
    assert_int_equal(pp_report_add(&r, &src), PP_OK);
    const pp_finding *c = &r.f[0];
    assert_ptr_not_equal(c->rule_id, src.rule_id);
    assert_ptr_not_equal(c->controls, src.controls);
    assert_ptr_not_equal(c->controls[0], src.controls[0]);
    pp_finding_clear(&src);
    assert_null(src.rule_id);
    assert_null(src.controls);

    assert_int_equal(r.nf, 1);
    assert_string_equal(c->rule_id, "r1");
    assert_string_equal(c->controls[0], "CT.A.PR.1");
    assert_string_equal(c->controls[1], "CT.B.PR.2");
    assert_null(c->controls[2]);
    assert_string_equal(c->file, "t.yaml");
    assert_string_equal(c->resource, "Res");
    assert_string_equal(c->resource_type, "AWS::X::Y");
    assert_string_equal(c->path, "/Resources/Res");
    assert_string_equal(c->message, "msg");
    assert_string_equal(c->fix, "fix");
    assert_string_equal(c->docs, "docs");
    assert_string_equal(c->cdk_path, "S/Res");
    assert_string_equal(c->suppress_reason, "why");
    assert_string_equal(c->source_line, "  Res:");
    assert_int_equal(c->status, PP_ST_SUPPRESSED);
    assert_int_equal(c->severity, PP_SEV_LOW);
    assert_int_equal(c->line, 4);
    assert_int_equal(c->column, 3);
    assert_int_equal(r.n_status[PP_ST_SUPPRESSED], 1);

    /* NULL optional fields stay NULL; many adds grow the array. */
    pp_finding bare = { .rule_id = "r2", .status = PP_ST_FAIL };
    for (int i = 0; i < 100; i++)
        assert_int_equal(pp_report_add(&r, &bare), PP_OK);
    assert_int_equal(r.nf, 101);
    assert_null(r.f[100].controls);
    assert_null(r.f[100].fix);
    assert_int_equal(r.n_status[PP_ST_FAIL], 100);

    pp_finding bad = { .rule_id = "r3", .status = (pp_fstatus)17 };
    assert_int_equal(pp_report_add(&r, &bad), PP_E_INTERNAL);
    assert_int_equal(r.nf, 101);
    pp_report_free(&r);
    assert_null(r.f);
    assert_int_equal(r.nf, 0);
}

static void test_free_null_safety(void **state)
{
    (void)state;
    pp_report_free(NULL);
    pp_finding_clear(NULL);
    pp_report r;
    pp_report_init(&r);
    pp_report_free(&r);
    pp_report_free(&r); /* freeing twice is fine: free re-initialises */
    pp_finding f = { 0 };
    pp_finding_clear(&f);
    pp_finding_clear(&f);
    pp_report_sort(NULL);
    pp_report_sort(&r);
}

static void test_warn_and_count(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    char msg[] = "first";
    assert_int_equal(pp_report_warn(&r, msg), PP_OK);
    msg[0] = 'X';
    assert_int_equal(pp_report_warn(&r, "second"), PP_OK);
    assert_int_equal(r.nwarnings, 2);
    assert_string_equal(r.warnings[0], "first");
    assert_string_equal(r.warnings[1], "second");
    assert_null(r.warnings[2]);
    pp_report_count(&r, PP_ST_SKIP);
    pp_report_count(&r, (pp_fstatus)99); /* ignored */
    assert_int_equal(r.n_status[PP_ST_SKIP], 1);
    assert_int_equal(r.nf, 0);
    pp_report_free(&r);
    assert_null(r.warnings);
}

static void test_sort_stable(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    add(&r, "b.yaml", 1, 1, "z", "R", PP_ST_FAIL, PP_SEV_LOW, "b1");
    add(&r, "a.yaml", 10, 2, "b", "R", PP_ST_FAIL, PP_SEV_LOW, "a10-2b");
    add(&r, "a.yaml", 10, 2, "a", "S", PP_ST_FAIL, PP_SEV_LOW, "a10-2a-S");
    add(&r, "a.yaml", 10, 1, "z", "R", PP_ST_FAIL, PP_SEV_LOW, "a10-1");
    add(&r, "a.yaml", 10, 2, "a", "R", PP_ST_FAIL, PP_SEV_LOW, "a10-2a-R first");
    add(&r, "a.yaml", 2, 9, "z", "R", PP_ST_FAIL, PP_SEV_LOW, "a2");
    add(&r, "a.yaml", 10, 2, "a", "R", PP_ST_FAIL, PP_SEV_LOW, "a10-2a-R second");
    add(&r, NULL, 0, 0, "q", "R", PP_ST_ERROR, PP_SEV_LOW, "nofile");
    pp_report_sort(&r);
    const char *want[] = { "nofile", "a2", "a10-1", "a10-2a-R first", "a10-2a-R second",
                           "a10-2a-S", "a10-2b", "b1" };
    assert_int_equal(r.nf, PP_ARRAY_LEN(want));
    for (size_t i = 0; i < r.nf; i++)
        assert_string_equal(r.f[i].message, want[i]);

    /* A larger shuffled set: ordered and stable (insertion number breaks ties). */
    pp_report big;
    pp_report_init(&big);
    for (unsigned i = 0; i < 1000; i++) {
        char msg[16];
        snprintf(msg, sizeof msg, "%u", i);
        add(&big, (i * 7) % 3 ? "x.yaml" : "w.yaml", (i * 37) % 11, 1, "r", "R", PP_ST_FAIL,
            PP_SEV_LOW, msg);
    }
    pp_report_sort(&big);
    for (size_t i = 1; i < big.nf; i++) {
        const pp_finding *a = &big.f[i - 1], *b = &big.f[i];
        int c = strcmp(a->file, b->file);
        assert_true(c <= 0);
        if (c == 0) {
            assert_true(a->line <= b->line);
            if (a->line == b->line) {
                long ia = 0, ib = 0;
                assert_int_equal(pp_parse_long(a->message, 0, 10000, &ia), 0);
                assert_int_equal(pp_parse_long(b->message, 0, 10000, &ib), 0);
                assert_true(ia < ib);
            }
        }
    }
    pp_report_free(&big);
    pp_report_free(&r);
}

/* ---- json ----------------------------------------------------------------------------- */

static void test_json_summary_and_fields(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    pp_report_sort(&r);
    json_t *j = render_json(&r, PP_OUT_JSON, 0);
    json_t *s = json_object_get(j, "summary");
    assert_int_equal(json_integer_value(json_object_get(s, "files")), 2);
    assert_int_equal(json_integer_value(json_object_get(s, "resources")), 4);
    assert_int_equal(json_integer_value(json_object_get(s, "rules")), 3);
    assert_int_equal(json_integer_value(json_object_get(s, "failed")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "passed")), 4);
    assert_int_equal(json_integer_value(json_object_get(s, "skipped")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "suppressed")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "errors")), 1);
    assert_int_equal(json_integer_value(json_object_get(s, "unknown")), 1);
    /* Contract key order: summary first, then findings. */
    const char *first_key = json_object_iter_key(json_object_iter(j));
    assert_string_equal(first_key, "summary");

    json_t *fs = json_object_get(j, "findings");
    assert_int_equal(json_array_size(fs), 4); /* no PASS/SKIP without show_passed */
    const char *keys[] = { "rule_id", "controls", "severity", "status", "file", "resource",
                           "resource_type", "path", "line", "column", "message", "fix",
                           "docs" };
    size_t i;
    json_t *f;
    json_array_foreach(fs, i, f) {
        for (size_t k = 0; k < PP_ARRAY_LEN(keys); k++)
            if (!json_object_get(f, keys[k]))
                fail_msg("finding %zu lacks %s", i, keys[k]);
        assert_true(json_is_array(json_object_get(f, "controls")));
        const char *st = json_string_value(json_object_get(f, "status"));
        assert_true(strcmp(st, "PASS") && strcmp(st, "SKIP"));
    }
    /* Sorted: a.yaml line 0 (ERROR), 5 (UNKNOWN), 9 (SUPPRESSED), then b.yaml. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 0), "status")),
                        "ERROR");
    json_t *sup = json_array_get(fs, 2);
    assert_string_equal(json_string_value(json_object_get(sup, "status")), "SUPPRESSED");
    assert_string_equal(json_string_value(json_object_get(sup, "suppress_reason")),
                        "public website <ok>");
    assert_true(json_is_null(json_object_get(sup, "fix")));
    assert_null(json_object_get(sup, "cdk_path"));
    json_t *fail = json_array_get(fs, 3);
    assert_string_equal(json_string_value(json_object_get(fail, "rule_id")), "rds-public");
    assert_string_equal(json_string_value(json_object_get(fail, "severity")), "high");
    assert_string_equal(json_string_value(json_object_get(fail, "file")), "b.yaml");
    assert_string_equal(json_string_value(json_object_get(fail, "resource")), "Db");
    assert_string_equal(json_string_value(json_object_get(fail, "resource_type")),
                        "AWS::RDS::DBInstance");
    assert_string_equal(json_string_value(json_object_get(fail, "path")),
                        "/Resources/Db/Properties/PubliclyAccessible");
    assert_int_equal(json_integer_value(json_object_get(fail, "line")), 12);
    assert_int_equal(json_integer_value(json_object_get(fail, "column")), 5);
    assert_string_equal(json_string_value(json_object_get(fail, "fix")), "Set it false.");
    assert_string_equal(json_string_value(json_object_get(fail, "docs")),
                        "https://example.com/rds");
    assert_string_equal(json_string_value(json_object_get(fail, "cdk_path")),
                        "Stack/Db/Resource");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(fail, "controls"), 0)),
        "CT.RDS.PR.23");
    assert_null(json_object_get(fail, "suppress_reason"));
    assert_null(json_object_get(fail, "source_line"));
    json_t *w = json_object_get(j, "warnings");
    assert_int_equal(json_array_size(w), 1);
    assert_string_equal(json_string_value(json_array_get(w, 0)),
                        "ignored suppression without reason on Queue");
    json_decref(j);

    j = render_json(&r, PP_OUT_JSON, 1);
    assert_int_equal(json_array_size(json_object_get(j, "findings")), 6);
    json_decref(j);
    pp_report_free(&r);
}

static void test_json_empty(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    json_t *j = render_json(&r, PP_OUT_JSON, 1);
    assert_int_equal(json_array_size(json_object_get(j, "findings")), 0);
    assert_true(json_is_array(json_object_get(j, "findings")));
    assert_null(json_object_get(j, "warnings"));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "failed")),
                     0);
    json_decref(j);
    json_t *direct = pp_report_to_json(&r, NULL);
    assert_non_null(direct);
    json_decref(direct);
}

static void test_json_invalid_utf8(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    add(&r, "t.yaml", 1, 1, "r", "R", PP_ST_FAIL, PP_SEV_LOW, "bad \xff byte \xed\xa0\x80 end");
    json_t *j = render_json(&r, PP_OUT_JSON, 0);
    const char *m =
        json_string_value(json_object_get(json_array_get(json_object_get(j, "findings"), 0),
                                          "message"));
    assert_string_equal(m, "bad \xEF\xBF\xBD byte \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
    json_decref(j);
    pp_report_free(&r);
}

/* ---- text ----------------------------------------------------------------------------- */

static void test_text_plain(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    pp_report_sort(&r);
    char *s = render(&r, PP_OUT_TEXT, 0, 0);
    assert_null(strchr(s, '\033'));
    assert_true(strncmp(s, "warning: ignored suppression without reason on Queue\n", 53) == 0);
    assert_non_null(strstr(s, "b.yaml:12:5: HIGH FAIL [rds-public] PubliclyAccessible is true\n"
                              "    resource: Db (AWS::RDS::DBInstance)\n"
                              "    cdk path: Stack/Db/Resource\n"
                              "    12 |     PubliclyAccessible: true\n"
                              "       |     ^\n"
                              "    fix: Set it false.\n"
                              "    docs: https://example.com/rds\n"));
    assert_non_null(strstr(s, "a.yaml:5:3: MEDIUM UNKNOWN [sg-ingress] CidrIp depends"));
    assert_non_null(strstr(s, "a.yaml: LOW ERROR [crashy] rule raised: boom\n"));
    assert_non_null(strstr(s, "a.yaml:9:3: HIGH SUPPRESSED [s3-public] Bucket is public\n"));
    assert_non_null(strstr(s, "    suppressed: public website <ok>\n"));
    assert_null(strstr(s, "PASS"));
    assert_null(strstr(s, "SKIP"));
    /* Grouped by file, then resource in first-appearance order: Sg's ERROR (line 0) and
     * UNKNOWN (line 5) together, then Bucket; a.yaml before b.yaml. */
    const char *err = strstr(s, "[crashy]"), *unk = strstr(s, "[sg-ingress]");
    const char *supp = strstr(s, "[s3-public]"), *fail = strstr(s, "[rds-public]");
    assert_true(err < unk && unk < supp && supp < fail);
    assert_true(strstr(s, "== a.yaml\n") < err);
    assert_true(strstr(s, "== b.yaml\n") > supp);
    const char *sum = "1 failed, 1 unknown, 1 error, 1 suppressed, 4 passed, 1 skipped "
                      "\xE2\x80\x94 4 resources, 3 rules, 2 files\n";
    size_t n = strlen(s), m = strlen(sum);
    assert_true(n > m);
    assert_string_equal(s + n - m, sum);
    free(s);

    s = render(&r, PP_OUT_TEXT, 0, 1);
    assert_non_null(strstr(s, "a.yaml:3:3: HIGH PASS [s3-public] Buckets are private\n"));
    assert_non_null(strstr(s, "a.yaml:2:3: MEDIUM SKIP [sg-ingress] not applicable\n"));
    free(s);
    pp_report_free(&r);
}

static void test_text_color(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    char *s = render(&r, PP_OUT_TEXT, 1, 0);
    assert_non_null(strstr(s, "\033[1;31mHIGH\033[0m FAIL [rds-public]"));
    assert_non_null(strstr(s, "\033[33mMEDIUM\033[0m UNKNOWN"));
    assert_non_null(strstr(s, "\033[1;33mwarning:\033[0m"));
    free(s);
    pp_report_free(&r);
}

static void test_text_neutralises_controls(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    add(&r, "t\033[2J.yaml", 1, 1, "r", "R\a", PP_ST_FAIL, PP_SEV_LOW,
        "evil \033[31mred\xC2\x9B" "31m\nsecond line");
    char *s = render(&r, PP_OUT_TEXT, 0, 0);
    assert_null(strchr(s, '\033'));
    assert_null(strchr(s, '\a'));
    assert_null(strstr(s, "\xC2\x9B"));
    assert_non_null(strstr(s, "evil ?[31mred?31m\n    second line\n"));
    free(s);
    pp_report_free(&r);
}

/* put_text writes runs of printable bytes at once (issue 20): each edge of a run, exactly.
 * CR dropped, DEL and C0 as '?', C1 (C2 80..9F) as one '?', NBSP (C2 A0) and a lone C2 at the
 * end kept; in the source excerpt a C2 that ends the line is not paired with the byte after
 * the newline. */
static void test_text_run_edges(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    pp_finding f = { .rule_id = "r", .severity = PP_SEV_LOW, .status = PP_ST_FAIL,
                     .file = "t.yaml", .resource = "R", .resource_type = "AWS::Test::Thing",
                     .path = "/Resources/R", .line = 2, .column = 0,
                     .message = "a\r\x7f\x01" "b\xC2\x80" "c\xC2\xA0" "d\te\xC2",
                     .source_line = "  Name: \"\xC2\"\n\x85next" };
    assert_int_equal(pp_report_add(&r, &f), PP_OK);
    char *s = render(&r, PP_OUT_TEXT, 0, 0);
    assert_non_null(strstr(s, "t.yaml:2: LOW FAIL [r] a??b?c\xC2\xA0" "d\te\xC2\n"));
    assert_non_null(strstr(s, "| " "  Name: \"\xC2\"\n"));
    assert_null(strstr(s, "\x85"));
    free(s);
    pp_report_free(&r);
}

static void test_text_empty(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    char *s = render(&r, PP_OUT_TEXT, 0, 1);
    assert_string_equal(s, "0 failed, 0 unknown, 0 errors, 0 suppressed, 0 passed "
                           "\xE2\x80\x94 0 resources, 0 rules, 0 files\n");
    free(s);
}

static void test_text_caret_tabs_utf8(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    /* Byte column 9 is the 'K' after a tab and two two-byte characters. */
    pp_finding f = { .rule_id = "r", .status = PP_ST_FAIL, .file = "t.yaml", .resource = "R",
                     .line = 3, .column = 9, .message = "m",
                     .source_line = "\t\xC3\xA9t\xC3\xA9: K\r\n" };
    assert_int_equal(pp_report_add(&r, &f), PP_OK);
    char *s = render(&r, PP_OUT_TEXT, 0, 0);
    assert_non_null(strstr(s, "    3 | \t\xC3\xA9t\xC3\xA9: K\n      | \t     ^\n"));
    free(s);
    pp_report_free(&r);
}

/* ---- errors --------------------------------------------------------------------------- */

static void test_write_errors(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    pp_format fmts[] = { PP_OUT_TEXT, PP_OUT_JSON, PP_OUT_SARIF, PP_OUT_JUNIT };
    for (size_t i = 0; i < PP_ARRAY_LEN(fmts); i++) {
        clearerr(ro);
        assert_int_equal(pp_report_write(&r, fmts[i], NULL, ro), PP_E_IO);
    }
    fclose(ro);
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    assert_int_equal(pp_report_write(&r, (pp_format)9, NULL, null), PP_E_USAGE);
    assert_int_equal(pp_report_write(&r, PP_OUT_TEXT, NULL, null), PP_OK);
    fclose(null);
    pp_report_free(&r);
}

/* jansson allocations fail after `alloc_budget` successes: every failure point of the JSON
 * and SARIF builders is hit once; under ASan this also proves nothing leaks or double-frees
 * on those paths (json_pack's "o" steals even on failure). */
static long alloc_budget = -1;

static void *failing_malloc(size_t n)
{
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(n);
}

static void test_json_alloc_failures(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    json_set_alloc_funcs(failing_malloc, free);
    pp_format fmts[] = { PP_OUT_JSON, PP_OUT_SARIF };
    pp_write_opts o = { .show_passed = 1, .tool_version = "1", .information_uri = "https://x" };
    for (size_t k = 0; k < PP_ARRAY_LEN(fmts); k++) {
        int ok = 0;
        for (long budget = 0; budget < 5000 && !ok; budget++) {
            FILE *null = fopen("/dev/null", "w");
            assert_non_null(null);
            alloc_budget = budget;
            pp_status st = pp_report_write(&r, fmts[k], &o, null);
            alloc_budget = -1;
            fclose(null);
            if (st == PP_OK)
                ok = 1;
            else
                assert_int_equal(st, PP_E_NOMEM);
        }
        assert_true(ok);
    }
    json_set_alloc_funcs(malloc, free);
    pp_report_free(&r);
}

/* The JSON writer streams (pp_jw) instead of building a jansson tree (issue 20): its bytes
 * equal the tree's, written by pp_json_write with indent 2, on a report with every field,
 * status, an input error, a warning and invalid UTF-8, with and without passes; and empty. */
static void expect_same_as_tree(const pp_report *r, int show_passed)
{
    char *streamed = render(r, PP_OUT_JSON, 0, show_passed);
    pp_write_opts o = { .show_passed = show_passed, .tool_version = "0.1.0",
                        .information_uri = "https://example.com/parapet" };
    json_t *tree = pp_report_to_json(r, &o);
    assert_non_null(tree);
    pp_buf b;
    pp_buf_init(&b, 0);
    assert_int_equal(pp_json_write(tree, 2, &b), PP_OK);
    assert_int_equal(pp_buf_append(&b, "\n", 1), PP_OK);
    assert_string_equal(streamed, b.data);
    pp_buf_free(&b);
    json_decref(tree);
    free(streamed);
}

static void test_json_stream_equals_tree(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    expect_same_as_tree(&r, 0);
    pp_report_free(&r);
    build(&r);
    add(&r, "c.yaml", 4, 1, "sg-ingress", "Q\"uote", PP_ST_FAIL, PP_SEV_LOW,
        "bad \xff byte \xed\xa0\x80, tab\t, newline\n, \x01 and \xe2\x82\xac");
    assert_int_equal(pp_report_input_error(&r, "t.yaml", "t.yaml:3:7: expected a mapping"), PP_OK);
    expect_same_as_tree(&r, 0);
    expect_same_as_tree(&r, 1);
    pp_report_free(&r);
}

/* A report long enough for the JSON writer to write the second half of its findings on
 * another thread: the same bytes as the tree, with and without the hidden passes (which move
 * where the halves meet). */
static void test_json_stream_split(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    for (int i = 0; i < 4601; i++) {
        char msg[64], res[32];
        snprintf(msg, sizeof msg, "finding %d \"q\" \x01 \xff", i);
        snprintf(res, sizeof res, "R%d", i);
        add(&r, i % 2 ? "a.yaml" : "b.yaml", (unsigned)i, 1, "rule-x", res,
            i % 3 == 0 ? PP_ST_PASS : PP_ST_FAIL, PP_SEV_HIGH, msg);
    }
    expect_same_as_tree(&r, 0);   /* 3,067 visible: split */
    expect_same_as_tree(&r, 1);   /* 4,601 visible */
    pp_report_free(&r);
}

/* The one-pass writer of plain findings (pp_jw_fields_plain) against the tree: controls none,
 * one and several, null fix and docs, a cdk_path, a suppression, line numbers from 0 to the
 * largest, in lists long enough to be split between two threads; and a member that is not
 * plain (DEL, a byte above 0x7F, a quote) makes it write nothing and leave it to the
 * member-by-member path. */
static void test_json_fields_plain(void **state)
{
    (void)state;
    static char *ctl_one[] = { "CT.X.PR.1", NULL };
    static char *ctl_none[] = { NULL };
    static char *ctl_many[] = { "CT.A.PR.1", "a_check", "CT.B.PR.2", NULL };
    pp_report r;
    pp_report_init(&r);
    for (int i = 0; i < 2603; i++) {
        char msg[64], res[32];
        snprintf(msg, sizeof msg, "plain finding %d of rule-y ~ {} [] <>", i);
        snprintf(res, sizeof res, "R%d", i);
        pp_finding f = { .rule_id = "rule-y", .severity = (pp_severity)(i % 5),
                         .status = i % 7 == 0 ? PP_ST_SUPPRESSED : PP_ST_FAIL,
                         .file = "t.json", .resource = res, .resource_type = "AWS::Test::Thing",
                         .path = "/Resources/X/Properties/A~1B", .line = i == 7 ? 4294967295u
                                                                                : (unsigned)i,
                         .column = (unsigned)(i % 300), .message = msg,
                         .controls = i % 3 == 0 ? ctl_many : i % 3 == 1 ? ctl_one : ctl_none,
                         .fix = i % 2 ? "Fix it." : NULL, .docs = i % 4 ? NULL : "https://d",
                         .cdk_path = i % 5 ? NULL : "Stack/X", .suppress_reason = "kept" };
        assert_int_equal(pp_report_add(&r, &f), PP_OK);
    }
    expect_same_as_tree(&r, 0);
    pp_report_free(&r);

    static const char *const bad[] = { "del \x7f", "caf\xc3\xa9", "q\"", "b\\", "tab\t" };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pp_buf b;
        pp_buf_init(&b, 0);
        assert_int_equal(pp_buf_append(&b, "x", 1), PP_OK);   /* room in the buffer */
        b.len = 0;
        pp_jw w;
        pp_jw_init(&w, &b, 2);
        pp_jw_open(&w, '{');
        size_t before = b.len;
        pp_jw_field f[2] = { {"a", PP_JW_F_INT, NULL, NULL, -5}, {"s", PP_JW_F_STR, bad[k], NULL, 0} };
        assert_int_equal(pp_jw_fields_plain(&w, f, 2), 0);
        assert_int_equal(b.len, before);
        f[1].s = "ok";
        assert_int_equal(pp_jw_fields_plain(&w, f, 2), 1);
        pp_jw_close(&w, '}');
        assert_string_equal(b.data, "{\n  \"a\": -5,\n  \"s\": \"ok\"\n}");
        pp_buf_free(&b);
    }
}

/* pp_jw on its own: empty containers, compact and indented layouts, the extremes of an
 * integer, a sticky failure past PP_JW_MAX_DEPTH and on a close without an open. */
static void test_jw_layout_and_limits(void **state)
{
    (void)state;
    pp_buf b;
    pp_jw w;
    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 0);
    pp_jw_open(&w, '{');
    pp_jw_key(&w, "a");
    pp_jw_open(&w, '[');
    pp_jw_close(&w, ']');
    pp_jw_key(&w, "o");
    pp_jw_open(&w, '{');
    pp_jw_close(&w, '}');
    pp_jw_key(&w, "n");
    pp_jw_open(&w, '[');
    pp_jw_int(&w, INT64_MIN);
    pp_jw_int(&w, 0);
    pp_jw_int(&w, INT64_MAX);
    pp_jw_null(&w);
    pp_jw_strn(&w, "x\"y", 3);
    pp_jw_close(&w, ']');
    pp_jw_close(&w, '}');
    assert_int_equal(w.st, PP_OK);
    assert_string_equal(b.data, "{\"a\":[],\"o\":{},\"n\":[-9223372036854775808,0,"
                                "9223372036854775807,null,\"x\\\"y\"]}");
    pp_buf_free(&b);

    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 2);
    pp_jw_open(&w, '{');
    pp_jw_key(&w, "k");
    pp_jw_open(&w, '[');
    pp_jw_int(&w, 1);
    pp_jw_int(&w, 2);
    pp_jw_close(&w, ']');
    pp_jw_close(&w, '}');
    assert_string_equal(b.data, "{\n  \"k\": [\n    1,\n    2\n  ]\n}");
    pp_buf_free(&b);

    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 0);
    for (int i = 0; i <= PP_JW_MAX_DEPTH; i++)
        pp_jw_open(&w, '[');
    assert_int_equal(w.st, PP_E_INTERNAL);
    pp_jw_int(&w, 1);   /* sticky: nothing more is written */
    assert_int_equal(b.len, PP_JW_MAX_DEPTH);
    pp_buf_free(&b);

    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 0);
    pp_jw_close(&w, ']');
    assert_int_equal(w.st, PP_E_INTERNAL);
    pp_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_add_deep_copy),
        cmocka_unit_test(test_free_null_safety),
        cmocka_unit_test(test_warn_and_count),
        cmocka_unit_test(test_sort_stable),
        cmocka_unit_test(test_json_summary_and_fields),
        cmocka_unit_test(test_json_empty),
        cmocka_unit_test(test_json_invalid_utf8),
        cmocka_unit_test(test_text_plain),
        cmocka_unit_test(test_text_color),
        cmocka_unit_test(test_text_neutralises_controls),
        cmocka_unit_test(test_text_run_edges),
        cmocka_unit_test(test_text_empty),
        cmocka_unit_test(test_text_caret_tabs_utf8),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_json_alloc_failures),
        cmocka_unit_test(test_json_stream_equals_tree),
        cmocka_unit_test(test_json_stream_split),
        cmocka_unit_test(test_json_fields_plain),
        cmocka_unit_test(test_jw_layout_and_limits),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
