/* test_cfn_hook.c — Lambda-hook request parsing and response rendering (hooks/cfn_hook.c).
 * The evaluation path (cfn_eval.c) is covered by the integration tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "hooks/cfn_hook.h"

static const char *RESOURCE_REQ =
    "{\"clientRequestToken\":\"tok-1\",\"awsAccountId\":\"123456789012\","
    "\"stackId\":\"arn:aws:cloudformation:us-west-2:123456789012:stack/MyStack/1a2b\","
    "\"hookTypeName\":\"my::lambda::hook\",\"hookTypeVersion\":\"00000008\","
    "\"hookModel\":{\"LambdaFunction\":\"arn:aws:lambda:us-west-2:123456789012:function:F\"},"
    "\"actionInvocationPoint\":\"UPDATE_PRE_PROVISION\","
    "\"requestData\":{\"targetName\":\"AWS::DynamoDB::Table\",\"targetType\":"
    "\"AWS::DynamoDB::Table\",\"targetLogicalId\":\"DDBTable\",\"targetModel\":{"
    "\"resourceProperties\":{\"ProvisionedThroughput\":{\"WriteCapacityUnits\":5}},"
    "\"previousResourceProperties\":{\"ProvisionedThroughput\":{\"WriteCapacityUnits\":1}}}},"
    "\"requestContext\":{\"invocation\":1,\"callbackContext\":null}}";

static void test_parse_resource(void **state)
{
    (void)state;
    pp_hook_req r;
    char *err = NULL;
    assert_int_equal(pp_hook_parse(RESOURCE_REQ, strlen(RESOURCE_REQ), &r, &err), PP_OK);
    assert_null(err);
    assert_int_equal(r.target, PP_HOOK_RESOURCE);
    assert_int_equal(r.action, PP_HOOK_ACT_UPDATE);
    assert_int_equal(r.cloud_control, 0);
    assert_string_equal(r.token, "tok-1");
    assert_string_equal(r.target_name, "AWS::DynamoDB::Table");
    assert_string_equal(r.logical_id, "DDBTable");
    assert_string_equal(r.account_id, "123456789012");
    assert_non_null(r.props);
    assert_non_null(r.prev);
    assert_null(r.payload_url);
    pp_hook_req_free(&r);
}

static void test_parse_cloud_control_and_spellings(void **state)
{
    (void)state;
    const char *cc = "{\"clientRequestToken\":\"t\",\"stackId\":\"\","
                     "\"actionInvocationPoint\":\"create_pre_provision\",\"requestData\":{"
                     "\"targetName\":\"AWS::S3::Bucket\",\"targetType\":\"RESOURCE\","
                     "\"targetLogicalId\":\"AWS::S3::Bucket-x-y\",\"targetModel\":{"
                     "\"resourceProperties\":{}}}}";
    pp_hook_req r;
    char *err = NULL;
    assert_int_equal(pp_hook_parse(cc, strlen(cc), &r, &err), PP_OK);
    assert_int_equal(r.cloud_control, 1);
    assert_int_equal(r.action, PP_HOOK_ACT_CREATE);
    assert_null(r.prev);
    pp_hook_req_free(&r);

    /* The doc's syntax block spells clientRequesttoken and stackID. */
    const char *stack = "{\"clientRequesttoken\":\"f8da\",\"stackID\":\"arn:aws:cloudformation:"
                        "us-west-2:1:stack/S/x\",\"changeSetId\":null,"
                        "\"actionInvocationPoint\":\"UPDATE_PRE_PROVISION\",\"requestData\":{"
                        "\"targetName\":\"STACK\",\"targetType\":\"STACK\",\"targetLogicalId\":"
                        "\"my-stack\",\"payload\":\"https://b.s3.amazonaws.com/p\"}}";
    assert_int_equal(pp_hook_parse(stack, strlen(stack), &r, &err), PP_OK);
    assert_int_equal(r.target, PP_HOOK_STACK);
    assert_string_equal(r.token, "f8da");
    assert_string_equal(r.stack_id, "arn:aws:cloudformation:us-west-2:1:stack/S/x");
    assert_string_equal(r.payload_url, "https://b.s3.amazonaws.com/p");
    assert_int_equal(r.cloud_control, 0);
    pp_hook_req_free(&r);

    /* CHANGE_SET: the syntax block leaves out actionInvocationPoint. */
    const char *cs = "{\"clientRequestToken\":\"c\",\"stackId\":\"s\",\"requestData\":{"
                     "\"targetName\":\"CHANGE_SET\",\"targetType\":\"CHANGE_SET\","
                     "\"targetLogicalId\":\"arn:cs\",\"payload\":\"https://x.s3.amazonaws.com/\"}}";
    assert_int_equal(pp_hook_parse(cs, strlen(cs), &r, &err), PP_OK);
    assert_int_equal(r.target, PP_HOOK_CHANGE_SET);
    assert_int_equal(r.action, PP_HOOK_ACT_NONE);
    pp_hook_req_free(&r);

    /* Inline payload for local testing. */
    const char *inl = "{\"clientRequestToken\":\"c\",\"requestData\":{\"targetType\":\"STACK\","
                      "\"targetModel\":{\"template\":\"Resources: {}\"}}}";
    assert_int_equal(pp_hook_parse(inl, strlen(inl), &r, &err), PP_OK);
    assert_non_null(r.inline_payload);
    assert_null(r.payload_url);
    pp_hook_req_free(&r);
}

static void test_parse_malformed(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "{",
        "[1,2]",
        "\"str\"",
        "{\"clientRequestToken\":\"t\"}",
        "{\"clientRequestToken\":\"t\",\"requestData\":5}",
        "{\"clientRequestToken\":7,\"requestData\":{}}",
        "{\"requestData\":{\"targetType\":\"FOO\"},\"actionInvocationPoint\":"
        "\"CREATE_PRE_PROVISION\"}",
        "{\"requestData\":{\"targetType\":\"AWS::S3::Bucket\"},\"actionInvocationPoint\":"
        "\"LATER\"}",
        "{\"requestData\":{\"targetType\":\"AWS::S3::Bucket\"}}",
        "{\"requestData\":{\"targetType\":\"AWS::S3::Bucket\",\"targetModel\":{"
        "\"resourceProperties\":\"x\"}},\"actionInvocationPoint\":\"CREATE_PRE_PROVISION\"}",
        "{\"requestData\":{\"targetType\":\"STACK\"}}",
        "{\"requestData\":{\"targetType\":\"STACK\",\"payload\":42}}",
        "{\"requestData\":{\"targetType\":\"RESOURCE\",\"targetName\":\"nope\"},"
        "\"actionInvocationPoint\":\"CREATE_PRE_PROVISION\"}",
        "{\"a\":1,\"a\":2}",
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(bad); i++) {
        pp_hook_req r;
        char *err = NULL;
        if (pp_hook_parse(bad[i], strlen(bad[i]), &r, &err) != PP_E_PARSE)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(err);
        assert_non_null(r.token);
        free(err);
        pp_hook_req_free(&r);
    }
    /* The token is still available for the response. */
    pp_hook_req r;
    char *err = NULL;
    const char *b = "{\"clientRequestToken\":\"keep-me\",\"requestData\":[]}";
    assert_int_equal(pp_hook_parse(b, strlen(b), &r, &err), PP_E_PARSE);
    assert_string_equal(r.token, "keep-me");
    free(err);
    pp_hook_req_free(&r);
}

static void test_truncate(void **state)
{
    (void)state;
    char s1[] = "hello";
    assert_string_equal(pp_hook_truncate(s1, 5), "hello");
    char s2[] = "hello world";
    assert_string_equal(pp_hook_truncate(s2, 8), "hello...");
    /* "é" is two bytes: never cut inside it. */
    char s3[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    pp_hook_truncate(s3, 6);   /* room for 3 bytes + "..." → one é */
    assert_string_equal(s3, "\xc3\xa9...");
    char s4[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    pp_hook_truncate(s4, 7);   /* 4 bytes → two é */
    assert_string_equal(s4, "\xc3\xa9\xc3\xa9...");
}

/* ---- rendering ------------------------------------------------------------------------- */

static pp_rule_info g_rules[3];
static pp_finding g_f[8];

static void setup_rules(void)
{
    memset(g_rules, 0, sizeof g_rules);
    g_rules[0].id = "rds-not-public";
    g_rules[0].severity = PP_SEV_HIGH;
    g_rules[0].fix = "Set PubliclyAccessible to false.";
    g_rules[0].docs = "https://docs.aws.amazon.com/x";
    g_rules[1].id = "rds-encrypted";
    g_rules[1].severity = PP_SEV_MEDIUM;
    g_rules[1].fix = "Set StorageEncrypted.";
    g_rules[2].id = "s3-unrelated";
    g_rules[2].severity = PP_SEV_LOW;
}

static pp_finding finding(const char *rule, pp_fstatus st, pp_severity sev, const char *msg)
{
    pp_finding f;
    memset(&f, 0, sizeof f);
    f.rule_id = (char *)rule;
    f.status = st;
    f.severity = sev;
    f.resource = (char *)"Db";
    f.resource_type = (char *)"AWS::RDS::DBInstance";
    f.message = (char *)msg;
    return f;
}

static json_t *render(const pp_hook_req *req, pp_finding *f, size_t nf, pp_unknown_policy up,
                      int failing, pp_hook_verdict *v)
{
    pp_report rep;
    memset(&rep, 0, sizeof rep);
    rep.f = f;
    rep.nf = nf;
    pp_hook_render_in in = { .req = req, .rep = &rep, .rules = g_rules, .nrules = 3,
                             .unknown = up, .fail_on = PP_SEV_INFO, .failing = failing,
                             .what = "Db (AWS::RDS::DBInstance, create)" };
    char *s = pp_hook_render(&in, v);
    assert_non_null(s);
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    assert_non_null(j);
    free(s);
    return j;
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "(null)";
}

static void test_render_success(void **state)
{
    (void)state;
    setup_rules();
    pp_hook_req req = { .token = "tok-9", .cloud_control = 0 };
    g_f[0] = finding("rds-not-public", PP_ST_PASS, PP_SEV_HIGH, "ok");
    g_f[1] = finding("rds-encrypted", PP_ST_SKIP, PP_SEV_MEDIUM, "engine is aurora");
    pp_hook_verdict v;
    json_t *j = render(&req, g_f, 2, PP_UNKNOWN_FAIL, 0, &v);
    assert_int_equal(v, PP_HOOK_SUCCESS);
    assert_string_equal(jstr(j, "hookStatus"), "SUCCESS");
    assert_null(json_object_get(j, "errorCode"));
    assert_string_equal(jstr(j, "clientRequestToken"), "tok-9");
    json_t *ann = json_object_get(j, "annotations");
    assert_int_equal(json_array_size(ann), 2);   /* s3-unrelated was not evaluated */
    json_t *a0 = json_array_get(ann, 0), *a1 = json_array_get(ann, 1);
    assert_string_equal(jstr(a0, "annotationName"), "rds-not-public");
    assert_string_equal(jstr(a0, "status"), "PASSED");
    assert_string_equal(jstr(a0, "severityLevel"), "HIGH");
    assert_null(json_object_get(a0, "remediationMessage"));
    assert_string_equal(jstr(a1, "status"), "SKIPPED");
    assert_non_null(strstr(jstr(a1, "statusMessage"), "engine is aurora"));
    assert_string_equal(jstr(a1, "severityLevel"), "MEDIUM");
    assert_non_null(strstr(jstr(j, "message"), "compliant"));
    json_decref(j);
}

static void test_render_noncompliant(void **state)
{
    (void)state;
    setup_rules();
    pp_hook_req req = { .token = "tok-2" };
    g_f[0] = finding("rds-not-public", PP_ST_FAIL, PP_SEV_HIGH, "PubliclyAccessible is true");
    g_f[0].line = 12;
    g_f[1] = finding("rds-encrypted", PP_ST_PASS, PP_SEV_MEDIUM, "ok");
    pp_hook_verdict v;
    json_t *j = render(&req, g_f, 2, PP_UNKNOWN_FAIL, 1, &v);
    assert_int_equal(v, PP_HOOK_NONCOMPLIANT);
    assert_string_equal(jstr(j, "hookStatus"), "FAILED");
    assert_string_equal(jstr(j, "errorCode"), "NonCompliant");
    const char *m = jstr(j, "message");
    assert_non_null(strstr(m, "rds-not-public"));
    assert_non_null(strstr(m, "PubliclyAccessible is true"));
    assert_non_null(strstr(m, "[HIGH]"));
    json_t *a0 = json_array_get(json_object_get(j, "annotations"), 0);
    assert_string_equal(jstr(a0, "status"), "FAILED");
    assert_string_equal(jstr(a0, "statusMessage"), "Db: PubliclyAccessible is true (line 12)");
    assert_string_equal(jstr(a0, "remediationMessage"), "Set PubliclyAccessible to false.");
    assert_string_equal(jstr(a0, "remediationLink"), "https://docs.aws.amazon.com/x");
    json_decref(j);
}

static void test_render_unknown_policies(void **state)
{
    (void)state;
    setup_rules();
    pp_hook_req req = { .token = "t" };
    g_f[0] = finding("rds-not-public", PP_ST_UNKNOWN, PP_SEV_HIGH, "depends on Param");
    pp_hook_verdict v;
    json_t *j = render(&req, g_f, 1, PP_UNKNOWN_FAIL, 1, &v);
    assert_int_equal(v, PP_HOOK_NONCOMPLIANT);
    assert_string_equal(jstr(json_array_get(json_object_get(j, "annotations"), 0), "status"),
                        "FAILED");
    json_decref(j);
    j = render(&req, g_f, 1, PP_UNKNOWN_WARN, 0, &v);
    assert_int_equal(v, PP_HOOK_SUCCESS);
    json_t *a = json_array_get(json_object_get(j, "annotations"), 0);
    assert_string_equal(jstr(a, "status"), "PASSED");
    assert_non_null(strstr(jstr(a, "statusMessage"), "warning"));
    assert_non_null(strstr(jstr(j, "message"), "unknown (warn)"));
    json_decref(j);
    j = render(&req, g_f, 1, PP_UNKNOWN_PASS, 0, &v);
    assert_int_equal(v, PP_HOOK_SUCCESS);
    json_decref(j);
}

static void test_render_rule_error_is_internal(void **state)
{
    (void)state;
    setup_rules();
    pp_hook_req req = { .token = "t" };
    g_f[0] = finding("rds-encrypted", PP_ST_ERROR, PP_SEV_MEDIUM, "attempt to index nil");
    pp_hook_verdict v;
    json_t *j = render(&req, g_f, 1, PP_UNKNOWN_FAIL, 1, &v);
    assert_int_equal(v, PP_HOOK_INTERNAL_FAILURE);
    assert_string_equal(jstr(j, "errorCode"), "InternalFailure");
    json_decref(j);
}

static void test_render_message_limits(void **state)
{
    (void)state;
    setup_rules();
    /* 8 failing findings with long messages: well past 4096 bytes. */
    char *longmsg = malloc(3000);
    memset(longmsg, 'x', 2999);
    longmsg[2999] = '\0';
    memcpy(longmsg, "\xc3\xa9", 2);
    for (int i = 0; i < 8; i++)
        g_f[i] = finding("rds-not-public", PP_ST_FAIL, PP_SEV_HIGH, longmsg);
    pp_hook_req cfn = { .token = "t", .cloud_control = 0 };
    pp_hook_req cc = { .token = "t", .cloud_control = 1 };
    pp_hook_verdict v;
    json_t *j = render(&cfn, g_f, 8, PP_UNKNOWN_FAIL, 1, &v);
    const char *m = jstr(j, "message");
    assert_true(strlen(m) <= PP_HOOK_MESSAGE_MAX);
    assert_true(strlen(m) > PP_HOOK_MESSAGE_MAX - 8);
    assert_memory_equal(m + strlen(m) - 3, "...", 3);
    /* statusMessage holds all eight (8 × ~3 KB ≤ 16 KB cap … cut there). */
    const char *sm = jstr(json_array_get(json_object_get(j, "annotations"), 0), "statusMessage");
    assert_true(strlen(sm) <= PP_HOOK_STATUS_MESSAGE_MAX);
    json_decref(j);
    j = render(&cc, g_f, 8, PP_UNKNOWN_FAIL, 1, &v);
    m = jstr(j, "message");
    assert_true(strlen(m) <= PP_HOOK_MESSAGE_MAX_CC);
    assert_true(strlen(m) > PP_HOOK_MESSAGE_MAX_CC - 8);
    json_decref(j);
    free(longmsg);
}

static void test_render_failure_and_bad_utf8(void **state)
{
    (void)state;
    char big[6000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *s = pp_hook_render_failure("tok", 1, big);
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_string_equal(jstr(j, "hookStatus"), "FAILED");
    assert_string_equal(jstr(j, "errorCode"), "InternalFailure");
    assert_string_equal(jstr(j, "clientRequestToken"), "tok");
    assert_int_equal(strlen(jstr(j, "message")), PP_HOOK_MESSAGE_MAX_CC);
    json_decref(j);
    free(s);
    s = pp_hook_render_failure(NULL, 0, "bad \xff\xfe bytes \xc3");
    j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_string_equal(jstr(j, "message"), "bad ?? bytes ?");
    assert_string_equal(jstr(j, "clientRequestToken"), "");
    json_decref(j);
    free(s);
}

/* The response is written by hand (cfn_hook.c, put_member): every string is escaped, bad
 * UTF-8 is replaced, and the text parses back to what went in. */
static void test_render_escapes(void **state)
{
    (void)state;
    setup_rules();
    const char *msg = "say \"hi\"\\path\nnext\tcol \x01\x1f\x7f \xff end";
    g_f[0] = finding("rds-not-public", PP_ST_FAIL, PP_SEV_HIGH, msg);
    pp_hook_req req = { .token = "t\"ok\\" };
    pp_report rep;
    memset(&rep, 0, sizeof rep);
    rep.f = g_f;
    rep.nf = 1;
    pp_hook_render_in in = { .req = &req, .rep = &rep, .rules = g_rules, .nrules = 3,
                             .unknown = PP_UNKNOWN_FAIL, .fail_on = PP_SEV_INFO, .failing = 1,
                             .what = "Db" };
    pp_hook_verdict v;
    char *text = pp_hook_render(&in, &v);
    assert_non_null(text);
    assert_non_null(strstr(text, "\\u0001\\u001f\x7f"));   /* controls as \u00XX, DEL as is */
    assert_non_null(strstr(text, "\\\"hi\\\"\\\\path\\nnext\\tcol"));
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    assert_string_equal(jstr(j, "clientRequestToken"), "t\"ok\\");
    const json_t *a = json_array_get(json_object_get(j, "annotations"), 0);
    assert_string_equal(jstr(a, "statusMessage"),
                        "Db: say \"hi\"\\path\nnext\tcol \x01\x1f\x7f ? end");
    /* members in the documented order */
    const char *order[] = { "annotationName", "status", "statusMessage", "remediationMessage",
                            "remediationLink", "severityLevel" };
    size_t k = 0;
    for (void *it = json_object_iter((json_t *)a); it; it = json_object_iter_next((json_t *)a, it))
        assert_string_equal(json_object_iter_key(it), order[k++]);
    assert_int_equal(k, 6);
    json_decref(j);
    free(text);
}

/* 60 rules with findings (120 findings): one annotation each, in rule order, each with its own
 * two findings (the rule-id index of the render grows with the findings). */
static void test_render_many_rules(void **state)
{
    (void)state;
    enum { NR = 60 };
    static pp_rule_info rules[NR];
    static pp_finding f[2 * NR];
    static char ids[NR][16];
    memset(rules, 0, sizeof rules);
    for (int i = 0; i < NR; i++) {
        snprintf(ids[i], sizeof ids[i], "rule-%02d", i);
        rules[i].id = ids[i];
        rules[i].severity = PP_SEV_HIGH;
    }
    for (int i = 0; i < 2 * NR; i++)   /* findings in an order unlike the rules' */
        f[i] = finding(ids[(i * 7) % NR], i % 3 ? PP_ST_PASS : PP_ST_FAIL, PP_SEV_HIGH, "m");
    pp_report rep;
    memset(&rep, 0, sizeof rep);
    rep.f = f;
    rep.nf = 2 * NR;
    pp_hook_req req = { .token = "t" };
    pp_hook_render_in in = { .req = &req, .rep = &rep, .rules = rules, .nrules = NR,
                             .unknown = PP_UNKNOWN_FAIL, .fail_on = PP_SEV_INFO, .failing = 1,
                             .what = "x" };
    pp_hook_verdict v;
    char *text = pp_hook_render(&in, &v);
    assert_non_null(text);
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    const json_t *ann = json_object_get(j, "annotations");
    assert_int_equal(json_array_size(ann), NR);
    for (int i = 0; i < NR; i++) {
        const json_t *a = json_array_get(ann, (size_t)i);
        assert_string_equal(jstr(a, "annotationName"), ids[i]);
        int fails = 0;   /* findings k with (k * 7) % NR == i that are FAIL (k % 3 == 0) */
        for (int k = 0; k < 2 * NR; k++)
            fails += (k * 7) % NR == i && k % 3 == 0;
        assert_string_equal(jstr(a, "status"), fails ? "FAILED" : "PASSED");
    }
    json_decref(j);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_resource),
        cmocka_unit_test(test_parse_cloud_control_and_spellings),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_render_success),
        cmocka_unit_test(test_render_noncompliant),
        cmocka_unit_test(test_render_unknown_policies),
        cmocka_unit_test(test_render_rule_error_is_internal),
        cmocka_unit_test(test_render_message_limits),
        cmocka_unit_test(test_render_failure_and_bad_utf8),
        cmocka_unit_test(test_render_escapes),
        cmocka_unit_test(test_render_many_rules),
    };
    return cmocka_run_group_tests_name("cfn_hook", tests, NULL, NULL);
}
