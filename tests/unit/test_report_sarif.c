/* test_report_sarif.c — the SARIF and JUnit writers on the hand-built report: SARIF fields,
 * hostile text, empty reports and URIs (validated against the minimal schema when python3 has
 * jsonschema), JUnit structure and escaping (the container, names, JSON and text writers are in
 * test_report.c). */
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
/* ---- sarif ---------------------------------------------------------------------------- */

static json_t *path(json_t *j, const char *a, const char *b)
{
    return json_object_get(json_object_get(j, a), b);
}

static void test_sarif(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    pp_report_sort(&r);
    json_t *j = render_json(&r, PP_OUT_SARIF, 0);
    assert_string_equal(json_string_value(json_object_get(j, "version")), "2.1.0");
    assert_string_equal(json_string_value(json_object_get(j, "$schema")),
                        "https://json.schemastore.org/sarif-2.1.0.json");
    json_t *run = json_array_get(json_object_get(j, "runs"), 0);
    json_t *driver = path(run, "tool", "driver");
    assert_string_equal(json_string_value(json_object_get(driver, "name")), "parapet");
    assert_string_equal(json_string_value(json_object_get(driver, "version")), "0.1.0");
    assert_string_equal(json_string_value(json_object_get(driver, "informationUri")),
                        "https://example.com/parapet");
    json_t *rules = json_object_get(driver, "rules");
    assert_int_equal(json_array_size(rules), 4); /* three declared + crashy */
    json_t *r0 = json_array_get(rules, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "id")), "rds-public");
    assert_string_equal(json_string_value(path(r0, "shortDescription", "text")),
                        "RDS instances are not public");
    assert_non_null(strstr(json_string_value(path(r0, "fullDescription", "text")),
                           "CT.RDS.PR.23"));
    assert_string_equal(json_string_value(path(r0, "help", "text")),
                        "Set it false.\nSee https://example.com/rds");
    assert_string_equal(json_string_value(json_object_get(r0, "helpUri")),
                        "https://example.com/rds");
    assert_string_equal(json_string_value(path(r0, "defaultConfiguration", "level")), "error");
    assert_string_equal(json_string_value(path(r0, "properties", "security-severity")), "8.0");
    assert_string_equal(json_string_value(json_array_get(path(r0, "properties", "tags"), 0)),
                        "network");
    assert_string_equal(
        json_string_value(path(json_array_get(rules, 1), "properties", "security-severity")),
        "5.5");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rules, 3), "id")),
                        "crashy");
    assert_null(json_object_get(json_array_get(rules, 3), "helpUri"));

    /* Taxonomies: Control Tower (CT.RDS.PR.23, CT.EC2.PR.3), NIST, PCI, other controls; every
     * relationship points at an existing taxon with the right id. */
    json_t *tax = json_object_get(run, "taxonomies");
    assert_int_equal(json_array_size(tax), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tax, 0), "name")),
                        "Control Tower");
    assert_int_equal(json_array_size(json_object_get(json_array_get(tax, 0), "taxa")), 2);
    assert_int_equal(json_array_size(json_object_get(driver, "supportedTaxonomies")), 4);
    size_t i, k;
    json_t *rule, *rel;
    size_t nrel = 0;
    json_array_foreach(rules, i, rule) {
        json_array_foreach(json_object_get(rule, "relationships"), k, rel) {
            json_t *t = json_object_get(rel, "target");
            json_t *tc = json_object_get(t, "toolComponent");
            json_t *comp = json_array_get(tax, (size_t)json_integer_value(
                                                   json_object_get(tc, "index")));
            assert_non_null(comp);
            assert_string_equal(json_string_value(json_object_get(comp, "name")),
                                json_string_value(json_object_get(tc, "name")));
            json_t *taxon = json_array_get(json_object_get(comp, "taxa"),
                                           (size_t)json_integer_value(json_object_get(t, "index")));
            assert_non_null(taxon);
            assert_string_equal(json_string_value(json_object_get(taxon, "id")),
                                json_string_value(json_object_get(t, "id")));
            nrel++;
        }
    }
    assert_int_equal(nrel, 1 + 2 + 2 + 1); /* rds: 1 control + 2 fw; sg: 2 related; s3: 1 */
    json_t *nist = json_array_get(tax, 1);
    assert_string_equal(json_string_value(json_object_get(nist, "name")), "NIST-800-53");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(nist, "taxa"), 0), "id")),
        "AC-4");

    json_t *results = json_object_get(run, "results");
    assert_int_equal(json_array_size(results), 3);   /* the ERROR is a notification, below */
    json_t *res;
    json_array_foreach(results, i, res) {
        assert_non_null(json_string_value(path(res, "message", "text")));
        size_t ri = (size_t)json_integer_value(json_object_get(res, "ruleIndex"));
        assert_string_equal(json_string_value(json_object_get(json_array_get(rules, ri), "id")),
                            json_string_value(json_object_get(res, "ruleId")));
        assert_non_null(json_string_value(path(res, "partialFingerprints", "parapet/v1")));
        assert_string_not_equal(json_string_value(json_object_get(res, "ruleId")), "crashy");
    }
    /* GitHub: a name that is not the id, no description over 1,024 characters. */
    json_array_foreach(rules, i, rule) {
        assert_string_not_equal(json_string_value(json_object_get(rule, "name")),
                                json_string_value(json_object_get(rule, "id")));
        assert_true(strlen(json_string_value(path(rule, "fullDescription", "text"))) <= 1024 * 4);
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(rules, 0), "name")),
                        "RdsPublic");
    /* %SRCROOT% is defined. */
    assert_non_null(json_string_value(path(json_object_get(run, "originalUriBaseIds"),
                                           "%SRCROOT%", "uri")));
    /* The rule that could not run: an error notification of a failed invocation, not a result;
     * it names its rule and keeps its location, without a fake region. */
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    assert_false(json_is_true(json_object_get(inv, "executionSuccessful")));
    json_t *en = NULL, *x;
    json_array_foreach(json_object_get(inv, "toolExecutionNotifications"), i, x)
        if (strcmp(json_string_value(json_object_get(x, "level")), "error") == 0)
            en = x;
    assert_non_null(en);
    assert_string_equal(json_string_value(path(en, "associatedRule", "id")), "crashy");
    assert_string_equal(json_string_value(path(en, "message", "text")), "rule raised: boom");
    json_t *phys = json_object_get(json_array_get(json_object_get(en, "locations"), 0),
                                   "physicalLocation");
    assert_string_equal(json_string_value(path(phys, "artifactLocation", "uri")), "a.yaml");
    assert_null(json_object_get(phys, "region")); /* line unknown: no fake 1:1 */
    json_t *unk = json_array_get(results, 0);
    assert_string_equal(json_string_value(json_object_get(unk, "level")), "warning");
    assert_string_equal(json_string_value(path(unk, "properties", "status")), "UNKNOWN");
    json_t *sup = json_array_get(results, 1);
    json_t *s0 = json_array_get(json_object_get(sup, "suppressions"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "kind")), "inSource");
    assert_string_equal(json_string_value(json_object_get(s0, "justification")),
                        "public website <ok>");
    assert_null(json_object_get(unk, "suppressions"));
    json_t *fail = json_array_get(results, 2);
    assert_string_equal(json_string_value(json_object_get(fail, "level")), "error");
    assert_string_equal(json_string_value(json_object_get(fail, "kind")), "fail");
    json_t *loc = json_array_get(json_object_get(fail, "locations"), 0);
    json_t *region = path(loc, "physicalLocation", "region");
    assert_int_equal(json_integer_value(json_object_get(region, "startLine")), 12);
    assert_int_equal(json_integer_value(json_object_get(region, "startColumn")), 5);
    assert_int_equal(json_integer_value(json_object_get(region, "endLine")), 12);
    /* "    PubliclyAccessible: true": the region ends after "true", column 29 */
    assert_int_equal(json_integer_value(json_object_get(region, "endColumn")), 29);
    json_t *ll = json_array_get(json_object_get(loc, "logicalLocations"), 0);
    assert_string_equal(json_string_value(json_object_get(ll, "name")), "Db");
    assert_string_equal(json_string_value(json_object_get(ll, "kind")), "resource");
    assert_string_equal(json_string_value(json_object_get(ll, "fullyQualifiedName")),
                        "AWS::RDS::DBInstance/Db");
    assert_string_equal(json_string_value(path(fail, "properties", "cdk_path")),
                        "Stack/Db/Resource");
    assert_string_equal(json_string_value(path(fail, "properties", "path")),
                        "/Resources/Db/Properties/PubliclyAccessible");
    json_t *notes = json_object_get(json_array_get(json_object_get(run, "invocations"), 0),
                                    "toolExecutionNotifications");
    assert_int_equal(json_array_size(notes), 2);   /* the warning and the rule error */
    json_decref(j);

    /* show_passed: PASS → kind pass, level none; SKIP → notApplicable. */
    j = render_json(&r, PP_OUT_SARIF, 1);
    results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
    assert_int_equal(json_array_size(results), 5);
    int saw_pass = 0, saw_skip = 0;
    json_array_foreach(results, i, res) {
        const char *kind = json_string_value(json_object_get(res, "kind"));
        const char *level = json_string_value(json_object_get(res, "level"));
        if (strcmp(kind, "fail") != 0)
            assert_string_equal(level, "none"); /* SARIF §3.27.9 */
        saw_pass |= strcmp(kind, "pass") == 0;
        saw_skip |= strcmp(kind, "notApplicable") == 0;
    }
    assert_true(saw_pass && saw_skip);
    json_decref(j);

    char *s = render(&r, PP_OUT_SARIF, 0, 1);
    int rc = run_checker("sarif", s);
    if (rc == 77)
        fprintf(stderr, "note: python3 jsonschema not available; schema check skipped\n");
    else
        assert_int_equal(rc, 0);
    free(s);
    pp_report_free(&r);
}

/* The streamed SARIF writer on text from outside: control characters escaped as JSON
 * requires (\u0001, \r, \", \\), invalid UTF-8 repaired to U+FFFD, U+FFFE and markup kept
 * as they are, in messages, rule texts, taxonomy names and locations; and taxa shared by two
 * rules (one under a hostile framework name) written once, every relationship pointing at
 * them. */
static char *ctl_hostile[] = { "CT.S3.PR.1", "BAD\xff:X-1", "CT.S3.PR.1", NULL };
static char *ctl_shared[] = { "CT.S3.PR.1", "BAD\xff:X-1", NULL };
static char *packs_hostile[] = { "p<&>\x01", NULL };

static void test_sarif_hostile_text(void **state)
{
    (void)state;
    const char *msg = "ctl\x01 cr\r q\" bs\\ del\x7f bad\xff ffe\xef\xbf\xbe <x a='1'>&amp;";
    const char *fixed = "ctl\x01 cr\r q\" bs\\ del\x7f bad\xef\xbf\xbd ffe\xef\xbf\xbe "
                        "<x a='1'>&amp;";
    const pp_rule_info ri[] = {
        { .id = "h1", .title = "T\x01\xff", .fix = "F\r\n", .severity = PP_SEV_HIGH,
          .controls = ctl_hostile, .packs = packs_hostile },
        { .id = "h2", .title = "Two", .severity = PP_SEV_LOW, .related = ctl_shared },
    };
    pp_report r;
    pp_report_init(&r);
    pp_finding f = { .rule_id = "h1", .severity = PP_SEV_HIGH, .status = PP_ST_FAIL,
                     .file = "d\xc3\xa9 x.yaml", .resource = "R\"1",
                     .resource_type = "AWS::S3::Bucket", .path = "/Resources/R\"1",
                     .line = 2, .column = 5, .message = (char *)msg,
                     .source_line = "  \xc3\xa9\xc3\xa9: 1\n" };
    assert_int_equal(pp_report_add(&r, &f), PP_OK);
    assert_int_equal(pp_report_warn(&r, "warn \x02\xfe"), PP_OK);
    r.rules = PP_ARRAY_LEN(ri);
    r.rules_info = ri;
    char *raw = render(&r, PP_OUT_SARIF, 0, 0);
    assert_non_null(strstr(raw, "ctl\\u0001 cr\\r q\\\" bs\\\\ del\x7f bad\xef\xbf\xbd"));
    assert_null(strchr(raw, '\x01'));
    assert_null(strchr(raw, '\r'));
    json_t *j = render_json(&r, PP_OUT_SARIF, 0);   /* also: valid JSON, valid UTF-8 */
    json_t *run = json_array_get(json_object_get(j, "runs"), 0);
    json_t *res = json_array_get(json_object_get(run, "results"), 0);
    assert_string_equal(json_string_value(path(res, "message", "text")), fixed);
    json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
    json_t *art = path(loc, "physicalLocation", "artifactLocation");
    assert_string_equal(json_string_value(json_object_get(art, "uri")), "d%C3%A9%20x.yaml");
    json_t *region = path(loc, "physicalLocation", "region");
    /* byte 5 of "  \xc3\xa9\xc3\xa9: 1" is code point 4; the line ends after code point 7 */
    assert_int_equal(json_integer_value(json_object_get(region, "startColumn")), 4);
    assert_int_equal(json_integer_value(json_object_get(region, "endColumn")), 8);
    assert_string_equal(json_string_value(json_object_get(run, "columnKind")),
                        "unicodeCodePoints");
    json_t *ll = json_array_get(json_object_get(loc, "logicalLocations"), 0);
    assert_string_equal(json_string_value(json_object_get(ll, "fullyQualifiedName")),
                        "AWS::S3::Bucket/R\"1");
    json_t *rules = json_object_get(path(run, "tool", "driver"), "rules");
    assert_int_equal(json_array_size(rules), 2);
    json_t *r0 = json_array_get(rules, 0);
    assert_string_equal(json_string_value(path(r0, "shortDescription", "text")),
                        "T\x01\xef\xbf\xbd");
    assert_string_equal(json_string_value(path(r0, "help", "text")), "F\r\n");
    assert_string_equal(json_string_value(json_array_get(path(r0, "properties", "tags"), 0)),
                        "p<&>\x01");
    /* Control Tower and BAD\xff (repaired in its name), each once; CT.S3.PR.1 one taxon */
    json_t *tax = json_object_get(run, "taxonomies");
    assert_int_equal(json_array_size(tax), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tax, 1), "name")),
                        "BAD\xef\xbf\xbd");
    assert_int_equal(json_array_size(json_object_get(json_array_get(tax, 0), "taxa")), 1);
    assert_int_equal(json_array_size(json_object_get(path(run, "tool", "driver"),
                                                     "supportedTaxonomies")), 2);
    size_t i, k;
    json_t *rule, *rel;
    size_t nrel = 0;
    json_array_foreach(rules, i, rule) {
        json_array_foreach(json_object_get(rule, "relationships"), k, rel) {
            json_t *t = json_object_get(rel, "target");
            json_t *tc = json_object_get(t, "toolComponent");
            json_t *comp = json_array_get(tax, (size_t)json_integer_value(
                                                   json_object_get(tc, "index")));
            json_t *taxon = json_array_get(json_object_get(comp, "taxa"),
                                           (size_t)json_integer_value(json_object_get(t, "index")));
            assert_non_null(taxon);
            assert_string_equal(json_string_value(json_object_get(taxon, "id")),
                                json_string_value(json_object_get(t, "id")));
            nrel++;
        }
    }
    assert_int_equal(nrel, 3 + 2);   /* a repeated control is a relationship each time */
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    assert_true(json_is_true(json_object_get(inv, "executionSuccessful")));
    json_t *note = json_array_get(json_object_get(inv, "toolExecutionNotifications"), 0);
    assert_string_equal(json_string_value(path(note, "message", "text")),
                        "warn \x02\xef\xbf\xbd");
    json_decref(j);
    free(raw);
    pp_report_free(&r);
}

static void test_sarif_empty_and_uris(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    json_t *j = render_json(&r, PP_OUT_SARIF, 0);
    json_t *run = json_array_get(json_object_get(j, "runs"), 0);
    assert_int_equal(json_array_size(json_object_get(run, "results")), 0);
    assert_int_equal(json_array_size(json_object_get(path(run, "tool", "driver"), "rules")), 0);
    assert_null(json_object_get(run, "taxonomies"));
    json_decref(j);
    char *s = render(&r, PP_OUT_SARIF, 0, 0);
    int rc = run_checker("sarif", s);
    assert_true(rc == 0 || rc == 77);
    free(s);

    add(&r, "./dir/my file#1.yaml", 1, 1, "r", "R", PP_ST_FAIL, PP_SEV_LOW, "m");
    add(&r, "/abs/t.json", 1, 1, "r", "R", PP_ST_FAIL, PP_SEV_LOW, "m");
    j = render_json(&r, PP_OUT_SARIF, 0);
    json_t *results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
    json_t *loc0 = json_object_get(
        json_array_get(json_object_get(json_array_get(results, 0), "locations"), 0),
        "physicalLocation");
    json_t *loc1 = json_object_get(
        json_array_get(json_object_get(json_array_get(results, 1), "locations"), 0),
        "physicalLocation");
    assert_string_equal(json_string_value(path(loc0, "artifactLocation", "uri")),
                        "dir/my%20file%231.yaml");
    assert_string_equal(json_string_value(path(loc0, "artifactLocation", "uriBaseId")),
                        "%SRCROOT%");
    assert_string_equal(json_string_value(path(loc1, "artifactLocation", "uri")),
                        "file:///abs/t.json");
    assert_null(path(loc1, "artifactLocation", "uriBaseId"));
    /* An undeclared rule still gets a descriptor, once. */
    run = json_array_get(json_object_get(j, "runs"), 0);
    assert_int_equal(json_array_size(json_object_get(path(run, "tool", "driver"), "rules")), 1);
    json_decref(j);
    pp_report_free(&r);
}

/* ---- junit ---------------------------------------------------------------------------- */

static void test_junit(void **state)
{
    (void)state;
    pp_report r;
    build(&r);
    /* A second FAIL of the same rule on the same resource is a test case of its own: one per
     * verdict, so the totals are the summary's. */
    add(&r, "b.yaml", 14, 5, "rds-public", "Db", PP_ST_FAIL, PP_SEV_HIGH, "second hit");
    pp_report_sort(&r);
    char *s = render(&r, PP_OUT_JUNIT, 0, 0);
    assert_true(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    /* without show_passed: FAIL ×2, UNKNOWN, ERROR, SUPPRESSED */
    assert_non_null(strstr(s, "<testsuites name=\"parapet\" tests=\"5\" failures=\"3\" "
                              "errors=\"1\">"));
    assert_non_null(strstr(s, "<testsuite name=\"a.yaml\" file=\"a.yaml\" tests=\"3\" "
                              "failures=\"1\" errors=\"1\" skipped=\"1\">"));
    assert_non_null(strstr(s, "<testsuite name=\"b.yaml\" file=\"b.yaml\" tests=\"2\" "
                              "failures=\"2\" errors=\"0\" skipped=\"0\">"));
    assert_non_null(strstr(s, "<testcase classname=\"b.yaml/Db\" name=\"rds-public\">"));
    assert_non_null(strstr(s, "<failure message=\"PubliclyAccessible is true\" type=\"HIGH\">"));
    assert_non_null(strstr(s, "<failure message=\"second hit\" type=\"HIGH\">"));
    assert_non_null(strstr(s, "<error message=\"rule raised: boom\" type=\"LOW\">"));
    assert_non_null(strstr(s, "<skipped>suppressed: public website &lt;ok&gt;</skipped>"));
    assert_null(strstr(s, " file=\"a.yaml\"/>"));   /* no file attribute on a test case */
    assert_null(strstr(s, "<skipped message"));       /* junit-4 refuses it */
    assert_null(strstr(s, "name=\"Other\""));
    assert_null(strstr(s, "a.yaml/Other"));
    int rc = run_checker("xml", s);
    assert_true(rc == 0 || rc == 77);
    free(s);

    s = render(&r, PP_OUT_JUNIT, 0, 1);
    assert_non_null(strstr(s, "<testcase classname=\"a.yaml/Other\" name=\"s3-public\"/>"));
    assert_non_null(strstr(s, "<skipped>not applicable</skipped>"));
    assert_non_null(strstr(s, "<testsuites name=\"parapet\" tests=\"7\" failures=\"3\" "
                              "errors=\"1\">"));
    free(s);
    pp_report_free(&r);
}

static void test_junit_escaping(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    add(&r, "a&b.yaml", 1, 1, "r<1>", "Res\"q'", PP_ST_FAIL, PP_SEV_CRITICAL,
        "a <b> & \"c\" 'd'\x01\x1b end\tTAB\nNL \xff \xEF\xBF\xBF");
    char *s = render(&r, PP_OUT_JUNIT, 0, 0);
    assert_non_null(strstr(s, "classname=\"a&amp;b.yaml/Res&quot;q&apos;\" name=\"r&lt;1&gt;\""));
    assert_non_null(strstr(s, "message=\"a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; "
                              "end&#9;TAB&#10;NL \xEF\xBF\xBD \""));
    assert_non_null(strstr(s, "type=\"CRITICAL\""));
    assert_non_null(strstr(s, "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; end\tTAB\nNL"));
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
            fail_msg("control character 0x%02x at offset %td", *p, p - s);
    assert_null(strstr(s, "\xEF\xBF\xBF"));
    int rc = run_checker("xml", s);
    assert_true(rc == 0 || rc == 77);
    free(s);
    pp_report_free(&r);
}

static void test_junit_empty(void **state)
{
    (void)state;
    pp_report r;
    pp_report_init(&r);
    char *s = render(&r, PP_OUT_JUNIT, 0, 1);
    /* nothing was judged (a clean run has passed verdicts, see test_junit) */
    assert_string_equal(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<testsuites name=\"parapet\" tests=\"0\" failures=\"0\" errors=\"0\">"
                           "\n</testsuites>\n");
    free(s);
    /* an input that could not be checked is an errored test case */
    pp_report_init(&r);
    assert_int_equal(pp_report_input_error(&r, "t.yaml", "t.yaml:3:7: expected a mapping"), PP_OK);
    s = render(&r, PP_OUT_JUNIT, 0, 0);
    assert_non_null(strstr(s, "tests=\"1\" failures=\"0\" errors=\"1\">"));
    assert_non_null(strstr(s, "<error message=\"expected a mapping\" type=\"input\">"
                              "t.yaml:3:7: expected a mapping</error>"));
    free(s);
    pp_report_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sarif),
        cmocka_unit_test(test_sarif_empty_and_uris),
        cmocka_unit_test(test_sarif_hostile_text),
        cmocka_unit_test(test_junit),
        cmocka_unit_test(test_junit_escaping),
        cmocka_unit_test(test_junit_empty),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
