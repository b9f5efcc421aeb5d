/* test_event.c — ingestion of every input shape, limits and bad input (advisor/event.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "engine/base/util.h"

static pp_status ingest(pp_evset *s, const char *json, char **err)
{
    return pp_evset_ingest_buf(s, "t.json", json, strlen(json), err);
}

static void test_stack_events_newest_first(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    const char *j =
        "{\"StackEvents\": ["
        "{\"StackId\":\"arn:aws:cloudformation:us-east-1:1:stack/S/u\",\"EventId\":\"2\","
        "\"StackName\":\"S\",\"LogicalResourceId\":\"B\",\"ResourceType\":\"AWS::S3::Bucket\","
        "\"Timestamp\":\"2024-01-01T00:00:02.500000+00:00\",\"ResourceStatus\":\"CREATE_FAILED\","
        "\"ResourceStatusReason\":\"boom\",\"HookType\":\"X::Y::Z\",\"HookStatus\":\"HOOK_COMPLETE_FAILED\","
        "\"HookStatusReason\":\"hook says no\",\"HookFailureMode\":\"FAIL\"},"
        "{\"StackId\":\"arn:aws:cloudformation:us-east-1:1:stack/S/u\",\"EventId\":\"1\","
        "\"LogicalResourceId\":\"S\",\"ResourceType\":\"AWS::CloudFormation::Stack\","
        "\"Timestamp\":\"2024-01-01T01:00:00+01:00\",\"ResourceStatus\":\"CREATE_IN_PROGRESS\"}]}";
    assert_int_equal(ingest(&s, j, &err), PP_OK);
    assert_int_equal(s.n, 2);
    /* walked backwards: the oldest (EventId 1) gets the lower seq */
    assert_string_equal(s.ev[0].event_id, "1");
    assert_string_equal(s.ev[0].stack, "S");   /* from the ARN when StackName is absent */
    assert_true(s.ev[0].seq < s.ev[1].seq);
    assert_int_equal(s.ev[0].ts_ms, 1704067200000LL);
    assert_int_equal(s.ev[1].ts_ms, 1704067202500LL);
    assert_string_equal(s.ev[1].hook_reason, "hook says no");
    assert_string_equal(pp_event_text(&s.ev[1]), "hook says no");
    assert_int_equal(s.ev[1].source, PP_SRC_CFN_STACK_EVENT);
    pp_evset_free(&s);
}

static void test_describe_stacks_and_resources(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    assert_int_equal(ingest(&s, "{\"Stacks\":[{\"StackName\":\"db\",\"StackStatus\":"
                                "\"ROLLBACK_COMPLETE\",\"CreationTime\":\"2024-01-01T00:00:00Z\","
                                "\"ParentId\":\"arn:aws:cloudformation:r:1:stack/root/x\"}]}",
                            &err),
                     PP_OK);
    assert_int_equal(ingest(&s, "{\"StackResources\":[{\"StackName\":\"n\",\"LogicalResourceId\":"
                                "\"A\",\"ResourceType\":\"AWS::EC2::VPC\",\"ResourceStatus\":"
                                "\"CREATE_FAILED\",\"ResourceStatusReason\":\"r\",\"Timestamp\":"
                                "\"2024-01-01T00:00:00Z\"}]}",
                            &err),
                     PP_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.ev[0].source, PP_SRC_CFN_STACK);
    assert_string_equal(s.ev[0].parent_stack, "root");
    assert_string_equal(s.ev[0].reason, "Stack db is in ROLLBACK_COMPLETE state");
    assert_int_equal(s.ev[1].source, PP_SRC_CFN_RESOURCE);
    assert_string_equal(s.ev[1].logical_id, "A");
    pp_evset_free(&s);
}

static void test_describe_services_and_tasks(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    const char *svc =
        "{\"services\":[{\"serviceName\":\"web\",\"serviceArn\":\"arn:aws:ecs:r:1:service/main/web\","
        "\"deployments\":[{\"id\":\"d1\",\"rolloutState\":\"FAILED\",\"rolloutStateReason\":\"cb\"},"
        "{\"id\":\"d0\",\"rolloutState\":\"COMPLETED\"}],"
        "\"events\":[{\"id\":\"b\",\"createdAt\":\"2024-01-01T00:00:05Z\",\"message\":\"new\"},"
        "{\"id\":\"a\",\"createdAt\":\"2024-01-01T00:00:01Z\",\"message\":\"old\"}]}],"
        "\"failures\":[{\"arn\":\"arn:aws:ecs:r:1:service/main/gone\",\"reason\":\"MISSING\"}]}";
    assert_int_equal(ingest(&s, svc, &err), PP_OK);
    assert_int_equal(s.n, 4);   /* 2 events, 1 failed deployment, 1 failure */
    assert_string_equal(s.ev[0].reason, "old");
    assert_string_equal(s.ev[0].service, "web");
    assert_string_equal(s.ev[0].cluster, "main");
    assert_int_equal(s.ev[2].source, PP_SRC_ECS_DEPLOYMENT);
    assert_int_equal(s.ev[3].source, PP_SRC_ECS_SERVICE_FAILURE);
    assert_string_equal(s.ev[3].service, "gone");
    const char *tasks =
        "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:r:1:task/main/t1\",\"group\":\"service:web\","
        "\"lastStatus\":\"STOPPED\",\"stopCode\":\"EssentialContainerExited\",\"stoppedReason\":"
        "\"Essential container in task exited\",\"stoppedAt\":1704067200.5,\"containers\":["
        "{\"name\":\"app\",\"exitCode\":137},{\"name\":\"side\",\"exitCode\":0},"
        "{\"name\":\"init\",\"reason\":\"CannotPullContainerError: x\"}]}]}";
    assert_int_equal(ingest(&s, tasks, &err), PP_OK);
    assert_int_equal(s.n, 7);   /* task + 2 containers (healthy side skipped) */
    assert_int_equal(s.ev[4].source, PP_SRC_ECS_TASK);
    assert_int_equal(s.ev[4].ts_ms, 1704067200500LL);
    assert_string_equal(s.ev[4].timestamp, "2024-01-01T00:00:00.500Z");
    assert_int_equal(s.ev[5].exit_code, 137);
    assert_non_null(strstr(s.ev[5].reason, "exit code 137"));
    assert_string_equal(s.ev[6].container, "init");
    assert_string_equal(s.ev[6].service, "web");
    pp_evset_free(&s);
}

static void test_eventbridge_and_jsonl(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    const char *jl =
        "{\"detail-type\":\"CloudFormation Resource Status Change\",\"source\":\"aws.cloudformation\","
        "\"time\":\"2024-01-01T00:00:00Z\",\"detail\":{\"stack-id\":\"arn:aws:cloudformation:r:1:stack/api/u\","
        "\"logical-resource-id\":\"Fn\",\"resource-type\":\"AWS::Lambda::Function\","
        "\"status-details\":{\"status\":\"CREATE_FAILED\",\"status-reason\":\"bad\"}}}\n"
        "\n"
        "{\"detail-type\":\"CloudFormation Stack Status Change\",\"source\":\"aws.cloudformation\","
        "\"time\":\"2024-01-01T00:00:01Z\",\"detail\":{\"stack-id\":\"arn:aws:cloudformation:r:1:stack/api/u\","
        "\"status-details\":{\"status\":\"ROLLBACK_IN_PROGRESS\"}}}\n"
        "{\"detail-type\":\"ECS Task State Change\",\"source\":\"aws.ecs\",\"time\":\"2024-01-01T00:00:02Z\","
        "\"detail\":{\"taskArn\":\"arn:aws:ecs:r:1:task/c/t\",\"group\":\"service:s\",\"lastStatus\":\"STOPPED\","
        "\"stoppedReason\":\"x\",\"containers\":[]}}\n"
        "{\"detail-type\":\"ECS Deployment State Change\",\"source\":\"aws.ecs\",\"resources\":"
        "[\"arn:aws:ecs:r:1:service/c/s\"],\"detail\":{\"eventName\":\"SERVICE_DEPLOYMENT_FAILED\","
        "\"reason\":\"cb\"}}\n"
        "{\"detail-type\":\"ECS Service Action\",\"source\":\"aws.ecs\",\"resources\":"
        "[\"arn:aws:ecs:r:1:service/c/s\"],\"detail\":{\"eventType\":\"ERROR\",\"eventName\":"
        "\"SERVICE_TASK_PLACEMENT_FAILURE\",\"reason\":\"RESOURCE:CPU\"}}\n"
        "{\"detail-type\":\"EC2 Instance State-change Notification\",\"source\":\"aws.ec2\",\"detail\":{}}\n";
    assert_int_equal(ingest(&s, jl, &err), PP_OK);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.ev[0].source, PP_SRC_EB_CFN_RESOURCE);
    assert_int_equal(s.ev[0].line, 1);
    assert_string_equal(s.ev[0].stack, "api");
    assert_int_equal(s.ev[1].source, PP_SRC_EB_CFN_STACK);
    assert_int_equal(s.ev[1].line, 3);
    assert_int_equal(s.ev[2].source, PP_SRC_EB_ECS_TASK);
    assert_string_equal(s.ev[2].service, "s");
    assert_int_equal(s.ev[3].source, PP_SRC_EB_ECS_DEPLOYMENT);
    assert_string_equal(s.ev[3].service, "s");
    assert_string_equal(s.ev[4].reason, "SERVICE_TASK_PLACEMENT_FAILURE: RESOURCE:CPU");
    assert_int_equal(s.nwarn, 1);   /* the EC2 event is skipped with a warning */
    assert_non_null(strstr(s.warnings[0], "t.json:7:"));
    pp_evset_free(&s);
}

static void test_bare_array_and_message(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    assert_int_equal(ingest(&s, "[{\"StackId\":\"a\",\"EventId\":\"2\",\"StackName\":\"S\"},"
                                "{\"StackId\":\"a\",\"EventId\":\"1\",\"StackName\":\"S\"}]",
                            &err),
                     PP_OK);
    assert_string_equal(s.ev[0].event_id, "1");
    assert_int_equal(pp_evset_add_message(&s, "bad \xff byte", "AWS::S3::Bucket", &err), PP_OK);
    assert_string_equal(s.ev[2].reason, "bad \xEF\xBF\xBD byte");
    assert_string_equal(s.ev[2].resource_type, "AWS::S3::Bucket");
    assert_int_equal(s.nwarn, 1);
    pp_evset_free(&s);
}

static void expect_error(const char *json, pp_status want, const char *msg_part)
{
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    assert_int_equal(ingest(&s, json, &err), want);
    assert_non_null(err);
    if (!strstr(err, msg_part))
        fail_msg("error \"%s\" lacks \"%s\"", err, msg_part);
    free(err);
    pp_evset_free(&s);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error("", PP_E_PARSE, "t.json:1: expected");
    expect_error("  \n", PP_E_PARSE, "t.json:1: expected");
    expect_error("hello world", PP_E_PARSE, "--message");
    expect_error("{\"StackEvents\": [\n{\"a\":", PP_E_PARSE, "t.json:2:6: expected JSON");
    expect_error("{\"Reservations\": []}", PP_E_PARSE, "t.json:1: expected describe-stack-events");
    expect_error("{\"StackEvents\":[]}\n{\"nope\":1}\n", PP_E_PARSE, "t.json:2: expected");
    expect_error("{\"a\":\"\xff\"}", PP_E_PARSE, "expected UTF-8");
    expect_error("\"just a string\"", PP_E_PARSE, "t.json:1: expected describe-stack-events");
    expect_error("[[1]]", PP_E_PARSE, "nested arrays");
}

static void test_skipped_records_warn(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    assert_int_equal(ingest(&s, "{\"StackEvents\":[1,{\"x\":2}],\"tasks\":[]}", &err), PP_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(s.nwarn, 2);
    pp_evset_free(&s);
}

static void test_limits(void **state)
{
    (void)state;
    pp_ev_limits lim = PP_EV_LIMITS_DEFAULT;
    lim.max_input_bytes = 16;
    pp_evset s;
    pp_evset_init(&s, &lim);
    char *err = NULL;
    assert_int_equal(ingest(&s, "{\"StackEvents\": []}", &err), PP_E_LIMIT);
    assert_non_null(strstr(err, "limit"));
    PP_FREE(err);
    pp_evset_free(&s);

    lim = (pp_ev_limits)PP_EV_LIMITS_DEFAULT;
    lim.max_events = 2;
    pp_evset_init(&s, &lim);
    const char *three = "{\"StackEvents\":[{\"StackId\":\"a\",\"EventId\":\"1\"},"
                        "{\"StackId\":\"a\",\"EventId\":\"2\"},{\"StackId\":\"a\",\"EventId\":\"3\"}]}";
    assert_int_equal(ingest(&s, three, &err), PP_E_LIMIT);
    assert_non_null(strstr(err, "max_events"));
    assert_int_equal(s.n, 2);
    PP_FREE(err);
    pp_evset_free(&s);

    /* a 10 MB message is cut to the reason cap with a warning, not rejected */
    lim = (pp_ev_limits)PP_EV_LIMITS_DEFAULT;
    pp_evset_init(&s, &lim);
    size_t big = 10u << 20;
    char *msg = malloc(big + 1);
    assert_non_null(msg);
    memset(msg, 'a', big);
    msg[big] = '\0';
    assert_int_equal(pp_evset_add_message(&s, msg, NULL, &err), PP_OK);
    assert_int_equal(strlen(s.ev[0].reason), lim.max_reason_bytes);
    assert_int_equal(s.nwarn, 1);
    free(msg);
    pp_evset_free(&s);

    lim.max_warnings = 1;
    pp_evset_init(&s, &lim);
    assert_int_equal(ingest(&s, "{\"StackEvents\":[1,2,3]}", &err), PP_OK);
    assert_int_equal(s.nwarn, 1);
    assert_int_equal(s.warn_dropped, 2);
    pp_evset_free(&s);
}

static void test_time(void **state)
{
    (void)state;
    int64_t ms;
    assert_int_equal(pp_ev_parse_time("1970-01-01T00:00:00Z", &ms), 0);
    assert_int_equal(ms, 0);
    assert_int_equal(pp_ev_parse_time("2023-08-21T21:22:14.627000-07:00", &ms), 0);
    assert_int_equal(ms, 1692678134627LL);
    assert_int_equal(pp_ev_parse_time("2023-05-31 22:14:59 UTC-0400", &ms), 0);
    assert_int_equal(ms, 1685585699000LL);
    assert_int_equal(pp_ev_parse_time("yesterday", &ms), -1);
    assert_int_equal(pp_ev_parse_time("2024-13-01T00:00:00Z", &ms), -1);
}

/* Numeric times (epoch seconds or milliseconds) outside 1970..9999 are kept as text, with no
 * time: 1e28 once overflowed the conversion to milliseconds (fuzz_events, under UBSan). */
static void test_numeric_time_out_of_range(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    const char *tasks =
        "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:r:1:task/main/t1\",\"lastStatus\":\"STOPPED\","
        "\"stoppedReason\":\"a\",\"stoppedAt\":1e28},"
        "{\"taskArn\":\"arn:aws:ecs:r:1:task/main/t2\",\"lastStatus\":\"STOPPED\","
        "\"stoppedReason\":\"b\",\"stoppedAt\":-5},"
        "{\"taskArn\":\"arn:aws:ecs:r:1:task/main/t3\",\"lastStatus\":\"STOPPED\","
        "\"stoppedReason\":\"c\",\"stoppedAt\":253402300799}]}";
    assert_int_equal(ingest(&s, tasks, &err), PP_OK);
    assert_int_equal(s.n, 3);
    for (size_t i = 0; i < s.n; i++) {
        const pp_event *e = &s.ev[i];
        if (strcmp(e->reason, "a") == 0) {
            assert_int_equal(e->ts_ms, PP_TS_NONE);
            assert_string_equal(e->timestamp, "1e+28");
        } else if (strcmp(e->reason, "b") == 0) {
            assert_int_equal(e->ts_ms, PP_TS_NONE);
            assert_string_equal(e->timestamp, "-5");
        } else {
            assert_int_equal(e->ts_ms, 253402300799000LL);
            assert_string_equal(e->timestamp, "9999-12-31T23:59:59.000Z");
        }
    }
    pp_evset_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack_events_newest_first),
        cmocka_unit_test(test_describe_stacks_and_resources),
        cmocka_unit_test(test_describe_services_and_tasks),
        cmocka_unit_test(test_eventbridge_and_jsonl),
        cmocka_unit_test(test_bare_array_and_message),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_skipped_records_warn),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_time),
        cmocka_unit_test(test_numeric_time_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
