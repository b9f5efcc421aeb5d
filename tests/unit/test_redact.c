/* test_redact.c — advisor/redact.c: every kind of value is removed, ordinary deployment text
 * (resource types, timestamps, logical ids, UUID request tokens, CIDR 0.0.0.0/0) is kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "advisor/redact.h"

static void expect(const char *in, const char *want)
{
    char *out = pp_redact(in, NULL);
    assert_non_null(out);
    if (strcmp(out, want) != 0)
        fail_msg("redact(%s)\n  got  %s\n  want %s", in, out, want);
    free(out);
}

static void test_accounts_and_arns(void **state)
{
    (void)state;
    expect("arn:aws:iam::123456789012:role/deploy", "arn:aws:iam::<account-id>:role/deploy");
    expect("arn:aws:ecs:eu-west-1:111122223333:service/prod/api",
           "arn:aws:ecs:eu-west-1:<account-id>:service/prod/api");
    expect("account 123456789012 denied", "account <account-id> denied");
    expect("1234567890123 and 12345678901", "1234567890123 and 12345678901");
    expect("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
           "<account-id>.dkr.ecr.us-east-1.amazonaws.com/app:1");
}

static void test_ips(void **state)
{
    (void)state;
    expect("from 10.0.1.23 to 192.168.0.1/24", "from <ip> to <ip>/24");
    expect("ingress 0.0.0.0/0 on 22", "ingress 0.0.0.0/0 on 22");
    expect("host ip-10-0-1-23.ec2.internal", "host ip-<ip>.ec2.internal");
    expect("version 1.4.0 and 1.2.3.4.5", "version 1.4.0 and 1.2.3.4.5");
    expect("v6 2001:db8::1 and fe80::1ff:fe23:4567:890a ok",
           "v6 <ipv6> and <ipv6> ok");
    expect("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334.", "full <ipv6>.");
    expect("at 2024-06-01T12:00:30Z and 12:00", "at 2024-06-01T12:00:30Z and 12:00");
    expect("AWS::EC2::Instance and AWS::ECS::Service", "AWS::EC2::Instance and AWS::ECS::Service");
    expect("::/0 is anywhere", "::/0 is anywhere");
}

static void test_emails_keys_secrets(void **state)
{
    (void)state;
    expect("owner jane.doe+ops@example.co.uk said", "owner <email> said");
    expect("key AKIAIOSFODNN7EXAMPLE used", "key <access-key> used");
    expect("ASIAY34FZKBOKMUTVV7A", "<access-key>");
    expect("secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY here", "secret <token> here");
    expect("password=hunter2 user=bob", "password=<secret> user=bob");
    expect("DB_PASSWORD: 'x9!y' next", "DB_PASSWORD: '<secret>' next");
    expect("{\"api_key\": \"abc123\"}", "{\"api_key\": \"<secret>\"}");
    expect("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc",
           "Authorization: Bearer <secret>");
    expect("curl -H 'Bearer abcdefgh12345'", "curl -H 'Bearer <secret>'");
    expect("X-Amz-Signature=4f3c2b1a&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F2024",
           "X-Amz-Signature=<secret>&X-Amz-Credential=<secret>");
    expect("slack xoxb-1234-5678-abcdefgh", "slack <secret>");
    expect("ghp_16C7e42F292c6912E7710c838347Ae178B4a x",
           "<token> x");
    expect("digest sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
           "digest sha256:<token>");
}

static void test_keeps_ordinary_text(void **state)
{
    (void)state;
    const char *keep[] = {
        "Resource handler returned message: \"Resource of type 'AWS::ECR::Repository' with "
        "identifier 'hello-world-app' already exists.\" (RequestToken: "
        "ae022db4-58c1-42e0-ec16-625e45af53e7, HandlerErrorCode: AlreadyExists)",
        "ResourceInitializationError: unable to pull secrets or registry auth",
        "WebServiceTaskDef3A1D8E2B failed; AmazonECSTaskExecutionRolePolicy missing",
        "hello-world-docker-repository-ROLLBACK_IN_PROGRESS",
        "Essential container in task exited (exit code 137)",
        "The maximum number of addresses has been reached.",
    };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        expect(keep[i], keep[i]);
}

static void test_stats_and_edges(void **state)
{
    (void)state;
    pp_redact_stats st = { 0 };
    char *out = pp_redact("a@b.io 10.1.2.3 123456789012 AKIAIOSFODNN7EXAMPLE token=x "
                          "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &st);
    assert_non_null(out);
    assert_int_equal(st.emails, 1);
    assert_int_equal(st.ips, 1);
    assert_int_equal(st.accounts, 1);
    assert_int_equal(st.keys, 1);
    assert_int_equal(st.secrets, 1);
    assert_int_equal(st.tokens, 1);
    free(out);
    expect("", "");
    assert_null(pp_redact(NULL, NULL));
    /* no placeholder is re-redacted by a later rule */
    expect("<account-id> <ip> <email>", "<account-id> <ip> <email>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounts_and_arns),
        cmocka_unit_test(test_ips),
        cmocka_unit_test(test_emails_keys_secrets),
        cmocka_unit_test(test_keeps_ordinary_text),
        cmocka_unit_test(test_stats_and_edges),
    };
    return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
