/* test_eval.c — the evaluator and the rule API: verdicts, worlds over candidate values,
 * taint by opaque unknowns, ctx helpers, suppressions, deletes, containment of misbehaving
 * rules, and rule-load errors. Rules are written to a temporary folder per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/check.h"
#include "engine/doc.h"
#include "engine/eval.h"
#include "engine/template.h"
#include "engine/base/util.h"

typedef struct run {
    char dir[64];
    pp_ruleset *rs;
    pp_doc *doc;
    pp_template *t;
    pp_report rep;
} run;

static void write_rule(const char *dir, const char *name, const char *src)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s.lua", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(src, f);
    fclose(f);
}

static void setup_dir(run *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/pp-eval-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    pp_report_init(&r->rep);
}

static void load_rules(run *r)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    const char *dirs[] = {r->dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = &lim};
    pp_status st;
    char *err = NULL;
    r->rs = pp_ruleset_load(&o, &st, &err);
    if (!r->rs)
        print_error("load: %s\n", err ? err : "?");
    assert_non_null(r->rs);
}

static void eval_yaml(run *r, const char *yaml, const pp_eval_opts *eo)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    pp_status st;
    char *err = NULL;
    r->doc = pp_doc_load("t.yaml", yaml, strlen(yaml), PP_FMT_YAML, &lim, &st, &err);
    assert_non_null(r->doc);
    pp_resolve_opts ro = {.limits = &lim};
    r->t = pp_template_build(r->doc, &ro, &st, &err);
    if (!r->t)
        print_error("template: %s\n", err ? err : "?");
    assert_non_null(r->t);
    pp_eval_opts def = {.show_passed = 1};
    assert_int_equal(pp_eval_template(r->rs, r->t, eo ? eo : &def, &r->rep, &err), PP_OK);
}

static void cleanup(run *r)
{
    pp_report_free(&r->rep);
    pp_template_free(r->t);
    pp_doc_free(r->doc);
    pp_ruleset_free(r->rs);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "%s", r->dir);
    /* remove the rule files and the folder */
    char path[160];
    const char *names[] = {"a", "b", "c", "d"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s.lua", cmd, names[i]);
        unlink(path);
    }
    rmdir(cmd);
}

/* The single finding for (rule, resource); fails the test when there is not exactly one. */
static const pp_finding *only(const run *r, const char *rule, const char *res)
{
    const pp_finding *hit = NULL;
    int n = 0;
    for (size_t i = 0; i < r->rep.nf; i++) {
        if (strcmp(r->rep.f[i].rule_id, rule) == 0 && strcmp(r->rep.f[i].resource, res) == 0) {
            hit = &r->rep.f[i];
            n++;
        }
    }
    if (n != 1)
        print_error("%d findings for %s on %s\n", n, rule, res);
    assert_int_equal(n, 1);
    return hit;
}

#define RULE(id, type, body) \
    "return { id = '" id "', title = 'T', severity = 'high', types = {'" type "'},\n" \
    "  check = function(r, ctx)\n" body "\n end }\n"

static void test_verdicts_and_paths(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", RULE("r-a", "T::A",
        "if pp.bool(r.properties.On) == true then return ctx.fail('On is on', r.properties, 'On') end\n"
        "if r.properties.Bad then return false, 'bad ' .. pp.str(r.properties.Bad) end"));
    load_rules(&r);
    eval_yaml(&r, "Resources:\n"
                  "  X: {Type: T::A, Properties: {On: 'TRUE'}}\n"
                  "  Y: {Type: T::A, Properties: {Bad: 7}}\n"
                  "  Z: {Type: T::A}\n"
                  "  Other: {Type: T::B, Properties: {On: true}}\n", NULL);
    const pp_finding *f = only(&r, "r-a", "X");
    assert_int_equal(f->status, PP_ST_FAIL);
    assert_string_equal(f->path, "/Resources/X/Properties/On");
    assert_int_equal(f->line, 2);
    assert_int_equal(f->column, 36);  /* the quote that opens the value */
    f = only(&r, "r-a", "Y");
    assert_int_equal(f->status, PP_ST_FAIL);
    assert_string_equal(f->message, "bad 7");
    assert_string_equal(f->path, "/Resources/Y");
    assert_int_equal(only(&r, "r-a", "Z")->status, PP_ST_PASS);
    assert_int_equal(r.rep.n_status[PP_ST_FAIL], 2);
    assert_int_equal(r.rep.n_status[PP_ST_PASS], 1);
    cleanup(&r);
}

static void test_worlds(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", RULE("r-w", "T::A",
        "if pp.bool(r.properties.On) then return ctx.fail('On', r.properties, 'On') end"));
    load_rules(&r);
    eval_yaml(&r, "Parameters: {P: {Type: String}, Q: {Type: String, AllowedValues: ['false', 'False']}}\n"
                  "Conditions: {C: !Equals [!Ref P, x]}\n"
                  "Resources:\n"
                  "  Mixed: {Type: T::A, Properties: {On: !If [C, true, false]}}\n"
                  "  BothOff: {Type: T::A, Properties: {On: !If [C, false, 'false']}}\n"
                  "  BothOn: {Type: T::A, Properties: {On: !If [C, true, 'true']}}\n"
                  "  Allowed: {Type: T::A, Properties: {On: !Ref Q}}\n"
                  "  Opaque: {Type: T::A, Properties: {On: !Ref P}}\n"
                  "  WholeMap: {Type: T::A, Properties: !If [C, {On: true}, {On: false}]}\n"
                  "  WholeMapOff: {Type: T::A, Properties: !If [C, {On: 'false'}, {On: false}]}\n",
              NULL);
    const pp_finding *f = only(&r, "r-w", "Mixed");
    assert_int_equal(f->status, PP_ST_UNKNOWN);
    assert_non_null(strstr(f->message, "may fail: On"));
    assert_non_null(strstr(f->message, "condition 'C'"));
    assert_int_equal(only(&r, "r-w", "BothOff")->status, PP_ST_PASS);
    assert_int_equal(only(&r, "r-w", "BothOn")->status, PP_ST_FAIL);
    assert_int_equal(only(&r, "r-w", "Allowed")->status, PP_ST_PASS);
    f = only(&r, "r-w", "Opaque");
    assert_int_equal(f->status, PP_ST_UNKNOWN);
    assert_non_null(strstr(f->message, "parameter 'P' has no value"));
    assert_string_equal(f->path, "/Resources/Opaque/Properties/On");
    /* the whole property map behind an Fn::If: each branch is a world */
    assert_int_equal(only(&r, "r-w", "WholeMap")->status, PP_ST_UNKNOWN);
    assert_int_equal(only(&r, "r-w", "WholeMapOff")->status, PP_ST_PASS);
    cleanup(&r);
}

static void test_handled_unknown_and_ctx(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    /* a rule that says it handled an unknown passes; ctx.unknown and ctx.skip are explicit */
    write_rule(r.dir, "a", RULE("r-h", "T::A",
        "local v = r.properties.V\n"
        "if pp.is_unknown(v) then return end\n"
        "if v == 'ask' then return ctx.unknown('cannot tell', r.properties, 'V') end\n"
        "if v == 'skip' then return ctx.skip('not mine') end"));
    /* cross-resource questions */
    write_rule(r.dir, "b", RULE("r-x", "T::I",
        "local s = ctx.resource(r.properties.Subnet)\n"
        "if not s then return ctx.unknown('subnet outside the template') end\n"
        "if s.type ~= 'T::S' then return false, 'not a subnet' end\n"
        "local n = #ctx.resources('T::*')\n"
        "local refs = ctx.referrers(s, 'T::I')\n"
        "return false, s.logical_id .. ' ' .. n .. ' ' .. #refs .. ' ' .. ctx.action"));
    load_rules(&r);
    eval_yaml(&r, "Parameters: {P: {Type: String}}\n"
                  "Resources:\n"
                  "  H1: {Type: T::A, Properties: {V: !Ref P}}\n"
                  "  H2: {Type: T::A, Properties: {V: ask}}\n"
                  "  H3: {Type: T::A, Properties: {V: skip}}\n"
                  "  S: {Type: T::S}\n"
                  "  I1: {Type: T::I, Properties: {Subnet: !Ref S}}\n"
                  "  I2: {Type: T::I, Properties: {Subnet: !ImportValue x}}\n", NULL);
    assert_int_equal(only(&r, "r-h", "H1")->status, PP_ST_PASS);
    assert_int_equal(only(&r, "r-h", "H2")->status, PP_ST_UNKNOWN);
    const pp_finding *f = only(&r, "r-h", "H3");
    assert_int_equal(f->status, PP_ST_SKIP);
    assert_string_equal(f->message, "not mine");
    f = only(&r, "r-x", "I1");
    assert_int_equal(f->status, PP_ST_FAIL);
    assert_string_equal(f->message, "S 6 1 CHECK");
    assert_int_equal(only(&r, "r-x", "I2")->status, PP_ST_UNKNOWN);
    cleanup(&r);
}

static void test_raw_and_presence(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", RULE("r-raw", "T::A",
        "local raw = r.raw_properties\n"
        "local join = raw and raw.Name and raw.Name['Fn::Join']\n"
        "return false, tostring(r.has_properties) .. ' ' .. tostring(pp.has(r.properties, 'Pid'))"
        " .. ' ' .. tostring(r.properties.Pid) .. ' ' .. (join and join[1] or '-')"));
    load_rules(&r);
    eval_yaml(&r, "Resources:\n"
                  "  A: {Type: T::A, Properties: {Pid: null, Name: !Join ['+', [a, !ImportValue x]]}}\n"
                  "  B: {Type: T::A}\n", NULL);
    assert_string_equal(only(&r, "r-raw", "A")->message, "true true nil +");
    assert_string_equal(only(&r, "r-raw", "B")->message, "false false nil -");
    /* the hook document's resourceProperties are its Properties as written */
    pp_report_free(&r.rep);
    pp_template_free(r.t);
    pp_doc_free(r.doc);
    eval_yaml(&r, "T::A:\n  resourceProperties: {Name: !Join ['+', [a, b]]}\n", NULL);
    assert_string_equal(only(&r, "r-raw", "Resource")->message, "true false nil +");
    cleanup(&r);
}

static void test_suppressions(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a",
               "return { id = 'r-s', title = 'T', severity = 'low', types = {'T::A'}, guard = 'G_RULE',\n"
               "  check = function(r, ctx) return false, 'no' end }\n");
    load_rules(&r);
    eval_yaml(&r, "Resources:\n"
                  "  A: {Type: T::A, Metadata: {parapet: {suppress: [{rule: r-s, reason: ok}]}}}\n"
                  "  B: {Type: T::A, Metadata: {parapet: {suppress: [{rule: r-s}]}}}\n"
                  "  C: {Type: T::A, Metadata: {guard: {SuppressedRules: [G_RULE]}}}\n"
                  "  D: {Type: T::A, Metadata: {parapet: {suppress: [{rule: 'r-*', reason: ''}]}}}\n"
                  "  E: {Type: T::B, Metadata: {parapet: {suppress: [{rule: r-gone, reason: old}]}}}\n",
              NULL);
    const pp_finding *f = only(&r, "r-s", "A");
    assert_int_equal(f->status, PP_ST_SUPPRESSED);
    assert_string_equal(f->suppress_reason, "ok");
    assert_int_equal(only(&r, "r-s", "B")->status, PP_ST_FAIL);
    assert_int_equal(only(&r, "r-s", "C")->status, PP_ST_SUPPRESSED);
    assert_int_equal(only(&r, "r-s", "D")->status, PP_ST_FAIL);  /* empty reason: ignored */
    /* two without a reason, and one naming a rule that does not exist */
    assert_int_equal(r.rep.nwarnings, 3);
    assert_non_null(strstr(r.rep.warnings[0], "resource B"));
    assert_non_null(strstr(r.rep.warnings[2], "resource E: suppression of 'r-gone' matches no rule"));
    assert_int_equal(r.rep.n_status[PP_ST_SUPPRESSED], 2);
    assert_int_equal(r.rep.n_status[PP_ST_FAIL], 2);
    cleanup(&r);
}

static void test_deletes_and_previous(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", RULE("r-d", "T::A", "return false, 'always'"));
    write_rule(r.dir, "b",
               "return { id = 'r-p', title = 'T', severity = 'low', types = {'T::A'}, deletes = true,\n"
               "  check = function(r, ctx)\n"
               "    if ctx.previous and ctx.previous.Open == false and r.properties.Open == true then\n"
               "      return false, ctx.action .. ': opened' end end }\n");
    load_rules(&r);
    json_t *prev = json_pack("{sb}", "Open", 0);
    pp_eval_opts eo = {.action = "DELETE", .show_passed = 1, .previous = prev};
    eval_yaml(&r, "Resources:\n  A: {Type: T::A, Properties: {Open: true}}\n", &eo);
    assert_int_equal(only(&r, "r-d", "A")->status, PP_ST_SKIP);
    const pp_finding *f = only(&r, "r-p", "A");
    assert_int_equal(f->status, PP_ST_FAIL);
    assert_string_equal(f->message, "DELETE: opened");
    json_decref(prev);
    cleanup(&r);
}

static void test_containment_and_recovery(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", RULE("r-loop", "T::A", "while true do end"));
    write_rule(r.dir, "b", RULE("r-mem", "T::A", "local t = {} for i = 1, 1e9 do t[i] = {i} end"));
    write_rule(r.dir, "c", RULE("r-err", "T::A", "local x = nil; return x.y"));
    write_rule(r.dir, "d", RULE("r-ok", "T::A", "return r.properties.N ~= 2 or ctx.fail('two')"));
    load_rules(&r);
    eval_yaml(&r, "Resources:\n  A: {Type: T::A, Properties: {N: 1}}\n"
                  "  B: {Type: T::A, Properties: {N: 2}}\n", NULL);
    const char *bad[] = {"r-loop", "r-mem", "r-err"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(only(&r, bad[i], "A")->status, PP_ST_ERROR);
        assert_int_equal(only(&r, bad[i], "B")->status, PP_ST_ERROR);  /* the state recovered */
    }
    assert_non_null(strstr(only(&r, "r-err", "A")->message, "/c.lua:3:"));
    assert_int_equal(only(&r, "r-ok", "A")->status, PP_ST_PASS);
    assert_int_equal(only(&r, "r-ok", "B")->status, PP_ST_FAIL);
    assert_int_equal(pp_report_failing(&r.rep, PP_SEV_CRITICAL, PP_UNKNOWN_PASS), 1);
    cleanup(&r);
}

static void expect_load_error(const char *src, const char *text)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", src);
    const char *dirs[] = {r.dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = &lim};
    pp_status st;
    char *err = NULL;
    pp_ruleset *rs = pp_ruleset_load(&o, &st, &err);
    if (rs || !err || !strstr(err, text))
        print_error("wanted '%s', got '%s'\n", text, err ? err : "(none)");
    assert_null(rs);
    assert_non_null(strstr(err, text));
    assert_non_null(strstr(err, "/a.lua"));
    free(err);
    cleanup(&r);
}

static void test_rule_load_errors(void **state)
{
    (void)state;
    expect_load_error("return 1", "expected the file to return a rule table");
    expect_load_error("return {id = 'x'", "expected");  /* syntax error with a line */
    expect_load_error("return {id = 'a b', title = 't', severity = 'low', types = {'X'}, "
                      "check = function() end}", "expected 'id' made of letters");
    expect_load_error("return {id = 'a', title = 't', severity = 'severe', types = {'X'}, "
                      "check = function() end}", "expected 'severity'");
    expect_load_error("return {id = 'a', title = 't', severity = 'low', types = {}, "
                      "check = function() end}", "expected 'types'");
    expect_load_error("return {id = 'a', title = 't', severity = 'low', types = {'X'}}",
                      "expected 'check' to be a function");
    expect_load_error("while true do end", "budget");
}

static void test_report_failing(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    pp_finding f = {.rule_id = "x", .severity = PP_SEV_MEDIUM, .status = PP_ST_UNKNOWN,
                    .file = "f", .resource = "R", .resource_type = "T", .path = "/", .message = "m"};
    assert_int_equal(pp_report_add(&r, &f), PP_OK);
    assert_int_equal(pp_report_failing(&r, PP_SEV_INFO, PP_UNKNOWN_FAIL), 1);
    assert_int_equal(pp_report_failing(&r, PP_SEV_INFO, PP_UNKNOWN_WARN), 0);
    assert_int_equal(pp_report_failing(&r, PP_SEV_HIGH, PP_UNKNOWN_FAIL), 0);
    f.status = PP_ST_FAIL;
    assert_int_equal(pp_report_add(&r, &f), PP_OK);
    assert_int_equal(pp_report_failing(&r, PP_SEV_MEDIUM, PP_UNKNOWN_PASS), 1);
    assert_int_equal(pp_report_failing(&r, PP_SEV_CRITICAL, PP_UNKNOWN_PASS), 0);
    pp_report_free(&r);
}

/* Source lines through the check pipeline: a one-line JSON template (its one line is cut to
 * 300 bytes, never inside a character), CRLF lines (no CR kept), a line of exactly 301 bytes
 * ending in CR; and a template large enough to be released on the check's own thread. */
static void check_text(pp_ruleset *rs, const char *text, pp_check *c)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    pp_check_opts o = { .resolve = { .limits = &lim } };
    pp_check_init(c, rs, NULL, &o);
    char *err = NULL;
    assert_int_equal(pp_check_input(c, "t", text, strlen(text), &err), PP_OK);
    assert_null(err);
    pp_check_finish(c);
}

static void test_source_lines(void **state)
{
    (void)state;
    run r;
    setup_dir(&r);
    write_rule(r.dir, "a", RULE("sl", "AWS::S3::Bucket", "return ctx.fail('no', r.properties, 'BucketName')"));
    load_rules(&r);
    pp_check c;
    /* one line: {"Resources": {"B": {..., "Properties": {"BucketName": "xxx…é…"}}}} */
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": "
                    "{\"BucketName\": \"");
    while (b.len < 299)
        pp_buf_puts(&b, "x");
    pp_buf_puts(&b, "\xc3\xa9");   /* bytes 299 and 300: the cut must not split it */
    for (int i = 0; i < 2000; i++)
        pp_buf_puts(&b, "y");
    pp_buf_puts(&b, "\"}}}}");
    check_text(r.rs, b.data, &c);
    assert_int_equal(c.rep.nf, 1);
    assert_int_equal(c.rep.f[0].line, 1);
    assert_int_equal(strlen(c.rep.f[0].source_line), 299);
    assert_memory_equal(c.rep.f[0].source_line, b.data, 299);
    pp_check_free(&c);
    pp_buf_free(&b);

    check_text(r.rs, "Resources:\r\n  B:\r\n    Type: AWS::S3::Bucket\r\n    Properties:\r\n"
                     "      BucketName: n\r\n", &c);
    assert_int_equal(c.rep.nf, 1);
    assert_string_equal(c.rep.f[0].source_line, "      BucketName: n");
    pp_check_free(&c);

    /* the finding's line is 301 bytes, its last a CR: 300 bytes are kept */
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                    "      BucketName: ");
    size_t start = b.len - strlen("      BucketName: ");
    while (b.len - start < 300)
        pp_buf_puts(&b, "z");
    pp_buf_puts(&b, "\r\n");
    check_text(r.rs, b.data, &c);
    assert_int_equal(c.rep.nf, 1);
    assert_int_equal(strlen(c.rep.f[0].source_line), 300);
    assert_memory_equal(c.rep.f[0].source_line, b.data + start, 300);
    pp_check_free(&c);
    pp_buf_free(&b);

    /* 1,200 buckets: released on another thread, joined by pp_check_free */
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "Resources:\n");
    for (int i = 0; i < 1200; i++)
        pp_buf_printf(&b, "  B%d:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: b%d}\n",
                      i, i);
    check_text(r.rs, b.data, &c);
    assert_int_equal(c.rep.nf, 1200);
    assert_string_equal(c.rep.f[1199].source_line, "    Properties: {BucketName: b1199}");
    pp_check_free(&c);
    pp_buf_free(&b);
    cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts_and_paths),
        cmocka_unit_test(test_worlds),
        cmocka_unit_test(test_handled_unknown_and_ctx),
        cmocka_unit_test(test_raw_and_presence),
        cmocka_unit_test(test_suppressions),
        cmocka_unit_test(test_deletes_and_previous),
        cmocka_unit_test(test_containment_and_recovery),
        cmocka_unit_test(test_rule_load_errors),
        cmocka_unit_test(test_report_failing),
        cmocka_unit_test(test_source_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
