/* report_fixture.h — the hand-built report the writer tests share, its rendering helpers and
 * the external checker runner. */
#ifndef PP_REPORT_FIXTURE_H
#define PP_REPORT_FIXTURE_H

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

#ifndef PP_TEST_UNUSED
#define PP_TEST_UNUSED __attribute__((unused))
#endif

extern char **environ;

/* ---- fixtures ------------------------------------------------------------------------- */

PP_TEST_UNUSED static char *ctl_rds[] = { "CT.RDS.PR.23", NULL };
PP_TEST_UNUSED static char *fw_rds[] = { "NIST-800-53:AC-4", "PCI-DSS:1.3.1", NULL };
PP_TEST_UNUSED static char *packs_net[] = { "network", NULL };
PP_TEST_UNUSED static char *rel_sg[] = { "CT.EC2.PR.3", "EC2_NO_OPEN_INGRESS", NULL };
PP_TEST_UNUSED static char *packs_s3[] = { "storage", "network", NULL };

PP_TEST_UNUSED static const pp_rule_info rules_info[] = {
    { .id = "rds-public", .title = "RDS instances are not public", .fix = "Set it false.",
      .docs = "https://example.com/rds", .severity = PP_SEV_HIGH, .controls = ctl_rds,
      .frameworks = fw_rds, .packs = packs_net },
    { .id = "sg-ingress", .title = "Minimal ingress", .severity = PP_SEV_MEDIUM,
      .related = rel_sg, .packs = packs_net },
    { .id = "s3-public", .title = "Buckets are private", .fix = "Block public access.",
      .severity = PP_SEV_HIGH, .controls = ctl_rds, .packs = packs_s3 },
};

/* Adds one finding built from the arguments (strings borrowed: pp_report_add copies). */
PP_TEST_UNUSED
static void add(pp_report *r, const char *file, unsigned line, unsigned col, const char *rule,
                const char *res, pp_fstatus st, pp_severity sev, const char *msg)
{
    pp_finding f = { .rule_id = (char *)rule, .severity = sev, .status = st,
                     .file = (char *)file, .resource = (char *)res,
                     .resource_type = "AWS::Test::Thing", .path = "/Resources/X",
                     .line = line, .column = col, .message = (char *)msg };
    assert_int_equal(pp_report_add(r, &f), PP_OK);
}

/* A report with every status, two files, three declared rules and one undeclared ("crashy"),
 * a warning, and three uncounted passes. */
PP_TEST_UNUSED static void build(pp_report *r)
{
    pp_report_init(r);
    pp_finding f = { .rule_id = "rds-public", .controls = ctl_rds, .severity = PP_SEV_HIGH,
                     .status = PP_ST_FAIL, .file = "b.yaml", .resource = "Db",
                     .resource_type = "AWS::RDS::DBInstance",
                     .path = "/Resources/Db/Properties/PubliclyAccessible", .line = 12,
                     .column = 5, .message = "PubliclyAccessible is true",
                     .fix = "Set it false.", .docs = "https://example.com/rds",
                     .cdk_path = "Stack/Db/Resource",
                     .source_line = "    PubliclyAccessible: true\n" };
    assert_int_equal(pp_report_add(r, &f), PP_OK);
    add(r, "a.yaml", 5, 3, "sg-ingress", "Sg", PP_ST_UNKNOWN, PP_SEV_MEDIUM,
        "CidrIp depends on parameter Cidr");
    add(r, "a.yaml", 0, 0, "crashy", "Sg", PP_ST_ERROR, PP_SEV_LOW, "rule raised: boom");
    pp_finding s = { .rule_id = "s3-public", .severity = PP_SEV_HIGH,
                     .status = PP_ST_SUPPRESSED, .file = "a.yaml", .resource = "Bucket",
                     .resource_type = "AWS::S3::Bucket", .path = "/Resources/Bucket",
                     .line = 9, .column = 3, .message = "Bucket is public",
                     .suppress_reason = "public website <ok>" };
    assert_int_equal(pp_report_add(r, &s), PP_OK);
    add(r, "a.yaml", 3, 3, "s3-public", "Other", PP_ST_PASS, PP_SEV_HIGH, "");
    add(r, "a.yaml", 2, 3, "sg-ingress", "Other", PP_ST_SKIP, PP_SEV_MEDIUM, "not applicable");
    for (int i = 0; i < 3; i++)
        pp_report_count(r, PP_ST_PASS);
    assert_int_equal(pp_report_warn(r, "ignored suppression without reason on Queue"), PP_OK);
    r->files = 2;
    r->resources = 4;
    r->rules = PP_ARRAY_LEN(rules_info);
    r->rules_info = rules_info;
}

/* Renders r into a malloc'd string (caller frees). */
PP_TEST_UNUSED static char *render(const pp_report *r, pp_format fmt, int color, int show_passed)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    pp_write_opts o = { .color = color, .show_passed = show_passed, .tool_version = "0.1.0",
                        .information_uri = "https://example.com/parapet" };
    assert_int_equal(pp_report_write(r, fmt, &o, m), PP_OK);
    assert_int_equal(fclose(m), 0);
    return buf;
}

PP_TEST_UNUSED static json_t *render_json(const pp_report *r, pp_format fmt, int show_passed)
{
    char *s = render(r, fmt, 0, show_passed);
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fail_msg("output is not JSON: %s (line %d)\n%s", e.text, e.line, s);
    free(s);
    return j;
}

/* Runs tests/fixtures/report/check_output.py MODE on `text` written to a temporary file.
 * Returns its exit status, or 77 when python3 cannot be run. */
PP_TEST_UNUSED static int run_checker(const char *mode, const char *text)
{
    const char *root = getenv("PARAPET_TEST_ROOT");
    char tmpl[] = "/tmp/pp_test_report_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    char *script = pp_asprintf("%s/tests/fixtures/report/check_output.py", root ? root : ".");
    char *schema =
        pp_asprintf("%s/tests/fixtures/report/sarif-2.1.0-min.schema.json", root ? root : ".");
    assert_non_null(script);
    assert_non_null(schema);
    char *argv[] = { "python3", script, (char *)mode, tmpl, schema, NULL };
    pid_t pid;
    int rc = 77;
    if (posix_spawnp(&pid, "python3", NULL, NULL, argv, environ) == 0) {
        int ws;
        if (waitpid(pid, &ws, 0) == pid && WIFEXITED(ws))
            rc = WEXITSTATUS(ws) == 127 ? 77 : WEXITSTATUS(ws);
    }
    unlink(tmpl);
    free(script);
    free(schema);
    return rc;
}


#endif
