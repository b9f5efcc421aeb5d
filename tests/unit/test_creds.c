/* test_creds.c — engine/net/creds.c and endpoint.c without a network: the config-file parser
 * and its limits (each error names FILE:LINE), region and endpoint precedence, the
 * environment source, credential_process (caching, refresh before expiry, bad JSON that is
 * never echoed), command splitting, time parsing; and pp_term_clean. The sources that need a
 * server are in tests/integration/test_live_creds.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/util.h"
#include "engine/net/creds.h"
#include "engine/net/endpoint.h"

static char g_dir[256];

static void clear_env(void)
{
    static const char *const V[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(V); i++)
        unsetenv(V[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static char *path_of(const char *name)
{
    return pp_asprintf("%s/%s", g_dir, name);
}

static void write_file(const char *name, const char *text, size_t n)
{
    char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    free(p);
}

static void use_files(const char *config, const char *credentials)
{
    write_file("config", config, strlen(config));
    write_file("credentials", credentials, strlen(credentials));
    char *c = path_of("config"), *k = path_of("credentials");
    setenv("AWS_CONFIG_FILE", c, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", k, 1);
    free(c);
    free(k);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/parapet-creds.XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    clear_env();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "%s", g_dir);
    static const char *const F[] = { "config", "credentials", "proc.sh", "proc.count",
                                     "big" };
    for (size_t i = 0; i < PP_ARRAY_LEN(F); i++) {
        char *p = path_of(F[i]);
        unlink(p);
        free(p);
    }
    rmdir(cmd);
    return 0;
}

/* Opens a session expecting st; returns the message (caller frees) or NULL. */
static char *open_expect(const pp_aws_session_opts *o, pp_status want)
{
    pp_aws_session *s = NULL;
    char *err = NULL;
    pp_status st = pp_aws_session_new(o, &s, &err);
    if (st != want)
        fail_msg("status %s, expected %s (%s)", pp_status_name(st), pp_status_name(want),
                 err ? err : "");
    pp_aws_session_free(s);
    return err;
}

static void test_parse_errors(void **state)
{
    (void)state;
    use_files("[default]\nregion = eu-west-1\n\nthis line has no equals sign\n", "");
    char *e = open_expect(NULL, PP_E_PARSE);
    assert_non_null(strstr(e, "/config:4: expected '[section]' or 'key = value'"));
    free(e);
    use_files("# comment\nregion = x\n", "");
    e = open_expect(NULL, PP_E_PARSE);
    assert_non_null(strstr(e, "/config:2: a key is outside any [section]"));
    free(e);
    use_files("", "[ok]\n[broken\n");
    e = open_expect(NULL, PP_E_PARSE);
    assert_non_null(strstr(e, "/credentials:2: expected '[section name]'"));
    free(e);
    use_files("[ ]\n", "");
    e = open_expect(NULL, PP_E_PARSE);
    assert_non_null(strstr(e, "/config:1: expected a section name"));
    free(e);
    write_file("config", "[default]\nregion = a\0b\n", 22);
    e = open_expect(NULL, PP_E_PARSE);
    assert_non_null(strstr(e, "NUL byte"));
    free(e);
    /* indented sub-settings (the CLI's "s3 =" blocks) and comments are not errors */
    use_files("[default]\ns3 =\n  max_concurrent_requests = 20\n; note\nregion = eu-west-3\n", "");
    pp_aws_session *s = NULL;
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_string_equal(pp_aws_session_region(s), "eu-west-3");
    pp_aws_session_free(s);
}

static void test_limits(void **state)
{
    (void)state;
    /* a line over PP_CREDS_MAX_LINE */
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "[default]\nregion = x\nlong = ");
    for (int i = 0; i < PP_CREDS_MAX_LINE; i++)
        pp_buf_puts(&b, "a");
    pp_buf_puts(&b, "\n");
    use_files(b.data, "");
    char *e = open_expect(NULL, PP_E_LIMIT);
    assert_non_null(strstr(e, "/config:3: line longer than"));
    free(e);
    pp_buf_free(&b);
    /* more than PP_CREDS_MAX_SECTIONS sections */
    pp_buf_init(&b, 0);
    for (int i = 0; i <= PP_CREDS_MAX_SECTIONS; i++)
        pp_buf_printf(&b, "[p%d]\n", i);
    use_files("", b.data);
    e = open_expect(NULL, PP_E_LIMIT);
    assert_non_null(strstr(e, "/credentials:1001: more than 1000 sections"));
    free(e);
    pp_buf_free(&b);
    /* a file over PP_CREDS_MAX_FILE */
    size_t n = PP_CREDS_MAX_FILE + 10;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    big[n - 1] = '\n';
    use_files("", "");
    write_file("config", big, n);
    free(big);
    e = open_expect(NULL, PP_E_LIMIT);
    assert_non_null(strstr(e, "/config: larger than"));
    free(e);
    /* a profile name over 200 bytes */
    use_files("", "");
    char name[260];
    memset(name, 'p', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    pp_aws_session_opts o = { .profile = name };
    e = open_expect(&o, PP_E_USAGE);
    free(e);
}

static void test_region_precedence(void **state)
{
    (void)state;
    use_files("[profile dev]\nregion = ap-south-1\n[default]\nregion = us-east-2\n", "");
    pp_aws_session *s = NULL;
    char *e = NULL;
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_string_equal(pp_aws_session_region(s), "us-east-2");
    assert_string_equal(pp_aws_session_profile(s), "default");
    pp_aws_session_free(s);
    setenv("AWS_PROFILE", "dev", 1);
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_string_equal(pp_aws_session_region(s), "ap-south-1");
    pp_aws_session_free(s);
    setenv("AWS_DEFAULT_REGION", "eu-north-1", 1);
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_string_equal(pp_aws_session_region(s), "eu-north-1");
    pp_aws_session_free(s);
    setenv("AWS_REGION", "eu-central-1", 1);
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_string_equal(pp_aws_session_region(s), "eu-central-1");
    pp_aws_session_free(s);
    pp_aws_session_opts o = { .region = "sa-east-1" };
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_string_equal(pp_aws_session_region(s), "sa-east-1");
    pp_aws_session_free(s);
    clear_env();
}

static void test_endpoints(void **state)
{
    (void)state;
    use_files("[default]\nregion = eu-west-1\nendpoint_url = http://profile.example:1\n", "");
    pp_aws_session *s = NULL;
    char *e = NULL;
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    char *u = pp_aws_session_endpoint(s, PP_SVC_ECS);
    assert_string_equal(u, "http://profile.example:1");
    free(u);
    setenv("AWS_ENDPOINT_URL", "http://all.example:2/", 1);
    u = pp_aws_session_endpoint(s, PP_SVC_ECS);
    assert_string_equal(u, "http://all.example:2");
    free(u);
    setenv("AWS_ENDPOINT_URL_ECS", "http://ecs.example:3", 1);
    u = pp_aws_session_endpoint(s, PP_SVC_ECS);
    assert_string_equal(u, "http://ecs.example:3");
    free(u);
    u = pp_aws_session_endpoint(s, PP_SVC_LOGS);   /* only ECS has its own */
    assert_string_equal(u, "http://all.example:2");
    free(u);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    u = pp_aws_session_endpoint(s, PP_SVC_LOGS);
    assert_string_equal(u, "https://logs.eu-west-1.amazonaws.com");
    free(u);
    pp_aws_session_free(s);
    /* --endpoint-url beats everything, except for STS and the SSO portal */
    pp_aws_session_opts o = { .endpoint_url = "http://cli.example:4", .region = "cn-north-1" };
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    u = pp_aws_session_endpoint(s, PP_SVC_CLOUDFORMATION);
    assert_string_equal(u, "http://cli.example:4");
    free(u);
    u = pp_aws_session_endpoint(s, PP_SVC_STS);
    assert_string_equal(u, "https://sts.cn-north-1.amazonaws.com.cn");
    free(u);
    pp_aws_session_free(s);
    assert_null(pp_aws_endpoint_for(PP_SVC_ECS, NULL, NULL, NULL));
    assert_null(pp_aws_service_get(PP_SVC_COUNT));
    assert_string_equal(pp_aws_service_get(PP_SVC_BEDROCK_RUNTIME)->signing, "bedrock");
    clear_env();
}

static void test_env_and_profile(void **state)
{
    (void)state;
    use_files("", "[static]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = sp\n");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "se", 1);
    setenv("AWS_PROFILE", "static", 1);
    pp_aws_session *s = NULL;
    char *e = NULL;
    pp_aws_creds c;
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_OK);
    assert_string_equal(c.access_key_id, "AKIDENV");   /* env beats AWS_PROFILE */
    assert_string_equal(pp_aws_session_source(s), "environment");
    pp_aws_session_free(s);
    pp_aws_session_opts o = { .profile = "static" };
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_OK);
    assert_string_equal(c.access_key_id, "AKIDPROFILE");   /* --profile beats env */
    assert_string_equal(c.secret_access_key, "sp");
    assert_null(c.session_token);
    pp_aws_session_free(s);
    clear_env();
    use_files("", "[half]\naws_access_key_id = AKIDONLY\n");
    o.profile = "half";
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_PARSE);
    assert_non_null(strstr(e, "profile half sets only one of"));
    free(e);
    pp_aws_session_free(s);
}

static void process_profile(const char *expiration, const char *body_fmt)
{
    char *count = path_of("proc.count"), *script = path_of("proc.sh");
    char *sh = pp_asprintf("#!/bin/sh\necho x >> '%s'\nprintf '%s' '%s'\n", count, body_fmt,
                           expiration);
    write_file("proc.sh", sh, strlen(sh));
    chmod(script, 0700);
    unlink(count);
    char *cfg = pp_asprintf("[profile p]\ncredential_process = %s\n", script);
    use_files(cfg, "");
    free(cfg);
    free(sh);
    free(count);
    free(script);
}

static int runs(void)
{
    char *p = path_of("proc.count");
    FILE *f = fopen(p, "r");
    free(p);
    int n = 0, ch;
    while (f && (ch = fgetc(f)) != EOF)
        n += ch == '\n';
    if (f)
        fclose(f);
    return n;
}

static void iso_in(long secs, char *buf, size_t n)
{
    time_t t = time(NULL) + secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void test_process_refresh(void **state)
{
    (void)state;
    static const char OK[] = "{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
                             "\"SecretAccessKey\": \"proc-SECRET\", \"SessionToken\": \"tok\", "
                             "\"Expiration\": \"%s\"}";
    char exp[40];
    pp_aws_session_opts o = { .profile = "p" };
    pp_aws_session *s = NULL;
    char *e = NULL;
    pp_aws_creds c;
    /* valid for an hour: one run serves every call */
    iso_in(3600, exp, sizeof exp);
    process_profile(exp, OK);
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_OK);
        assert_string_equal(c.access_key_id, "AKIDPROC");
        assert_string_equal(c.session_token, "tok");
    }
    assert_int_equal(runs(), 1);
    assert_int_equal(pp_aws_session_fetches(s), 1);
    pp_aws_session_invalidate(s);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_OK);
    assert_int_equal(runs(), 2);
    pp_aws_session_free(s);
    /* expiring within the refresh window: fetched again before each use */
    iso_in(PP_CREDS_REFRESH_S - 30, exp, sizeof exp);
    process_profile(exp, OK);
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_OK);
    assert_int_equal(runs(), 3);
    assert_int_equal(pp_aws_session_fetches(s), 3);
    pp_aws_session_free(s);
}

static void test_process_bad(void **state)
{
    (void)state;
    pp_aws_session_opts o = { .profile = "p" };
    pp_aws_session *s = NULL;
    char *e = NULL;
    pp_aws_creds c;
    static const struct { const char *body, *want; } C[] = {
        { "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"leak-SECRET\"%s",
          "the output is not JSON" },
        { "[\"leak-SECRET\"]%s", "expected a JSON object" },
        { "{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"leak-SECRET\"}%s",
          "expected \"Version\": 1" },
        { "{\"Version\": 1, \"AccessKeyId\": \"A\"}%s", "expected AccessKeyId and" },
        { "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"leak-SECRET\", "
          "\"Expiration\": \"tomorrow\"}%s", "Expiration is not an ISO 8601 time" },
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(C); i++) {
        process_profile("", C[i].body);
        assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
        assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_PARSE);
        if (!strstr(e, C[i].want) || strstr(e, "leak-SECRET"))
            fail_msg("case %zu: %s", i, e);
        assert_non_null(strstr(e, "credential_process of profile p"));
        PP_FREE(e);
        pp_aws_session_free(s);
    }
    use_files("[profile p]\ncredential_process = /nonexistent/helper --x\n", "");
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_not_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_OK);
    assert_non_null(strstr(e, "/nonexistent/helper"));
    PP_FREE(e);
    pp_aws_session_free(s);
    use_files("[profile p]\ncredential_process = /bin/sh -c 'exit 3'\n", "");
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_IO);
    assert_non_null(strstr(e, "exited with status 3"));
    PP_FREE(e);
    pp_aws_session_free(s);
}

static void test_nothing_configured(void **state)
{
    (void)state;
    use_files("", "");
    pp_aws_session *s = NULL;
    char *e = NULL;
    pp_aws_creds c;
    assert_int_equal(pp_aws_session_new(NULL, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_NOTFOUND);
    assert_non_null(strstr(e, "no AWS credentials found"));
    PP_FREE(e);
    pp_aws_session_free(s);
    use_files("[profile r]\nrole_arn = arn:aws:iam::1:role/x\n", "");
    pp_aws_session_opts o = { .profile = "r" };
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_PARSE);
    assert_non_null(strstr(e, "has role_arn but no source_profile"));
    PP_FREE(e);
    pp_aws_session_free(s);
    use_files("[profile r]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Ec2\n", "");
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_PARSE);
    assert_non_null(strstr(e, "credential_source must be"));
    PP_FREE(e);
    pp_aws_session_free(s);
    use_files("[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = r\n"
              "duration_seconds = 99\n", "");
    assert_int_equal(pp_aws_session_new(&o, &s, &e), PP_OK);
    assert_int_equal(pp_aws_session_creds(s, NULL, &c, &e), PP_E_PARSE);
    assert_non_null(strstr(e, "duration_seconds must be"));
    PP_FREE(e);
    pp_aws_session_free(s);
}

static void test_split(void **state)
{
    (void)state;
    pp_strvec v;
    char *e = NULL;
    assert_int_equal(pp_creds_split_command("  /bin/helper  --a 'b c' \"d \\\"e\\\"\" f\\ g h''i ",
                                            &v, &e), 0);
    assert_int_equal(v.n, 6);
    assert_string_equal(v.v[0], "/bin/helper");
    assert_string_equal(v.v[1], "--a");
    assert_string_equal(v.v[2], "b c");
    assert_string_equal(v.v[3], "d \"e\"");
    assert_string_equal(v.v[4], "f g");
    assert_string_equal(v.v[5], "hi");
    assert_null(v.v[6]);
    pp_strvec_free(&v);
    assert_int_equal(pp_creds_split_command("a 'b", &v, &e), -1);
    assert_non_null(strstr(e, "unterminated quote"));
    PP_FREE(e);
    assert_int_equal(pp_creds_split_command("   ", &v, &e), -1);
    assert_non_null(strstr(e, "empty"));
    PP_FREE(e);
}

static void test_time(void **state)
{
    (void)state;
    time_t t;
    assert_int_equal(pp_creds_parse_time("2024-05-01T10:00:00Z", &t), 0);
    assert_int_equal((long long)t, 1714557600LL);
    assert_int_equal(pp_creds_parse_time("2024-05-01T10:00:00.123Z", &t), 0);
    assert_int_equal((long long)t, 1714557600LL);
    assert_int_equal(pp_creds_parse_time("2024-05-01T12:00:00+02:00", &t), 0);
    assert_int_equal((long long)t, 1714557600LL);
    assert_int_equal(pp_creds_parse_time("2024-05-01T10:00:00UTC", &t), 0);
    assert_int_equal(pp_creds_parse_time("2024-05-01", &t), -1);
    assert_int_equal(pp_creds_parse_time("2024-05-01T10:00:00Zjunk", &t), -1);
    assert_int_equal(pp_creds_parse_time(NULL, &t), -1);
}

static void test_term_clean(void **state)
{
    (void)state;
    static const char in[] = "a\x1b]0;t\x07 b\tc\nd\x7f\xc2\x9b" "e \xc3\xa9";
    char *o = pp_term_clean(in, sizeof in - 1, 0);
    assert_string_equal(o, "a?]0;t? b\tc?d??e \xc3\xa9");
    free(o);
    o = pp_term_clean(in, sizeof in - 1, 1);
    assert_string_equal(o, "a?]0;t? b\tc\nd??e \xc3\xa9");
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_and_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_configured, setup, teardown),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_term_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
