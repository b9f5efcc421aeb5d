/* test_rootcause.c — classification, cascades, nesting and hook rule links (advisor/rootcause.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "advisor/kb.h"
#include "advisor/rootcause.h"
#include "engine/base/util.h"

/* The wording of wrappers and weak events is the KB's (role entries in kb/). */
#include "kb_fixture.h"

/* One describe-stack-events record (as a JSON line) built from parts. */
static char *sev(const char *stack, const char *lid, const char *type, const char *status,
                 const char *reason, const char *ts, const char *pid)
{
    return pp_asprintf("{\"StackEvents\":[{\"StackId\":\"arn:aws:cloudformation:r:1:stack/%s/u\","
                       "\"EventId\":\"%s-%s\",\"StackName\":\"%s\",\"LogicalResourceId\":\"%s\","
                       "\"PhysicalResourceId\":\"%s\",\"ResourceType\":\"%s\",\"Timestamp\":\"%s\","
                       "\"ResourceStatus\":\"%s\",\"ResourceStatusReason\":\"%s\"}]}\n",
                       stack, lid, ts, stack, lid, pid ? pid : "", type, ts, status, reason);
}

static void add(pp_evset *s, char *line)
{
    char *err = NULL;
    assert_non_null(line);
    assert_int_equal(pp_evset_ingest_buf(s, "t", line, strlen(line), &err), PP_OK);
    free(line);
}

static const char *root_reason(const pp_evset *s, const pp_rc_result *r, size_t i)
{
    return pp_event_text(&s->ev[r->roots[i]]);
}

static void test_classify(void **state)
{
    (void)state;
    pp_event e;
    memset(&e, 0, sizeof e);
    e.source = PP_SRC_CFN_STACK_EVENT;
    e.exit_code = PP_EXIT_CODE_NONE;
    e.status = "CREATE_FAILED";
    e.reason = "Resource creation cancelled";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_WRAPPER);
    e.reason = "Internal Failure";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_WEAK);
    e.reason = "The bucket you tried to delete is not empty";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_CAUSE);
    e.status = "CREATE_COMPLETE";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_NONE);
    e.status = "ROLLBACK_IN_PROGRESS";
    e.reason = "User Initiated";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_NONE);
    e.reason = "No export named x found. Rollback requested by user.";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_CAUSE);
    e.source = PP_SRC_ECS_SERVICE_EVENT;
    e.status = NULL;
    e.reason = "(service a) has reached a steady state.";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_NONE);
    e.reason = "(service a) is unable to consistently start tasks successfully.";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_WRAPPER);
    e.reason = "(service a) has stopped 2 running tasks: (task x) (task y).";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_WEAK);
    e.source = PP_SRC_ECS_TASK;
    e.status = "STOPPED";
    e.stop_code = "ServiceSchedulerInitiated";
    e.reason = "Scaling activity initiated by (deployment ecs-svc/1)";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_NONE);
    e.stop_code = "EssentialContainerExited";
    e.reason = "Essential container in task exited";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_WEAK);
}

static void test_cancellations_any_order(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    /* cancellations stamped before the real failure, listed first */
    add(&s, sev("n", "A", "AWS::EC2::Subnet", "CREATE_FAILED", "Resource creation cancelled",
                "2024-01-01T00:00:00.100Z", NULL));
    add(&s, sev("n", "Eip", "AWS::EC2::EIP", "CREATE_FAILED",
                "The maximum number of addresses has been reached.", "2024-01-01T00:00:00.300Z",
                NULL));
    add(&s, sev("n", "n", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS",
                "The following resource(s) failed to create: [A, Eip].", "2024-01-01T00:00:01Z",
                NULL));
    add(&s, sev("n", "B", "AWS::EC2::RouteTable", "CREATE_FAILED", "Resource creation cancelled",
                "2024-01-01T00:00:00.200Z", NULL));
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 1);
    assert_string_equal(s.ev[r.roots[0]].logical_id, "Eip");
    assert_int_equal(r.ncascades, 3);
    for (size_t i = 0; i < r.ncascades; i++)
        assert_int_equal(r.cascade_root[i], 0);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

static void test_internal_failure_and_delete_after(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    add(&s, sev("q", "Q", "AWS::SQS::Queue", "CREATE_FAILED", "Internal Failure",
                "2024-01-01T00:00:00Z", NULL));
    add(&s, sev("q", "T", "AWS::SNS::Topic", "CREATE_FAILED", "No export named k found",
                "2024-01-01T00:00:03Z", NULL));
    add(&s, sev("q", "B", "AWS::S3::Bucket", "DELETE_FAILED",
                "The bucket you tried to delete is not empty", "2024-01-01T00:00:09Z", NULL));
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 1);
    assert_string_equal(root_reason(&s, &r, 0), "No export named k found");
    assert_int_equal(r.ncascades, 2);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

static void test_parallel_roots(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    add(&s, sev("p", "A", "AWS::S3::Bucket", "CREATE_FAILED", "a exploded", "2024-01-01T00:00:00Z",
                NULL));
    add(&s, sev("p", "B", "AWS::S3::Bucket", "CREATE_FAILED", "b exploded",
                "2024-01-01T00:00:00.400Z", NULL));
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 2);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

static void test_nested_stack_followed(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    add(&s, sev("parent", "Child", "AWS::CloudFormation::Stack", "CREATE_FAILED",
                "Embedded stack arn:aws:cloudformation:r:1:stack/parent-Child-X/u was not "
                "successfully created: The following resource(s) failed to create: [Db].",
                "2024-01-01T00:01:00Z", "arn:aws:cloudformation:r:1:stack/parent-Child-X/u"));
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 1);   /* child absent: the wrapper itself */
    assert_string_equal(s.ev[r.roots[0]].logical_id, "Child");
    pp_rc_free(&r);
    add(&s, sev("parent-Child-X", "Db", "AWS::RDS::DBInstance", "CREATE_FAILED", "bad password",
                "2024-01-01T00:00:50Z", NULL));
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 1);
    assert_string_equal(root_reason(&s, &r, 0), "bad password");
    assert_int_equal(r.ncascades, 1);
    assert_int_equal(r.cascade_root[0], 0);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

static void test_service_to_stopped_tasks(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    add(&s, sev("web", "Svc", "AWS::ECS::Service", "CREATE_FAILED",
                "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'.",
                "2024-01-01T00:10:00Z", "arn:aws:ecs:r:1:service/main/web-svc"));
    add(&s, pp_strdup("{\"services\":[{\"serviceName\":\"web-svc\",\"events\":[{\"createdAt\":"
                      "\"2024-01-01T00:09:00Z\",\"message\":\"(service web-svc) is unable to "
                      "consistently start tasks successfully.\"}]}]}\n"));
    add(&s, pp_strdup("{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:r:1:task/main/t\",\"group\":"
                      "\"service:web-svc\",\"lastStatus\":\"STOPPED\",\"stopCode\":"
                      "\"TaskFailedToStart\",\"stoppedReason\":\"ResourceInitializationError: "
                      "unable to pull secrets or registry auth: boom\",\"stoppedAt\":"
                      "\"2024-01-01T00:05:00Z\",\"containers\":[]}]}\n"));
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 1);
    assert_int_equal(s.ev[r.roots[0]].source, PP_SRC_ECS_TASK);
    assert_int_equal(r.ncascades, 2);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

static void test_cycle_and_empty(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.nroots, 0);
    pp_rc_free(&r);
    /* two stacks that name each other as failed nested stacks: cut, both reported */
    add(&s, sev("a", "B", "AWS::CloudFormation::Stack", "CREATE_FAILED",
                "Embedded stack arn:aws:cloudformation:r:1:stack/b/u was not successfully created",
                "2024-01-01T00:00:00Z", NULL));
    add(&s, sev("b", "A", "AWS::CloudFormation::Stack", "CREATE_FAILED",
                "Embedded stack arn:aws:cloudformation:r:1:stack/a/u was not successfully created",
                "2024-01-01T00:00:01Z", NULL));
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_true(r.nroots >= 1);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

static void test_hook_rules(void **state)
{
    (void)state;
    pp_event e;
    memset(&e, 0, sizeof e);
    e.hook_type = "Parapet::Guardrails::Hook";
    e.hook_status = "HOOK_COMPLETE_FAILED";
    e.hook_reason = "Parapet: ecs-service-no-public-ip failed; ec2-sg-no-world-ingress failed; "
                    "ecs-service-no-public-ip again; Not-A-Rule x-y";
    char ids[4][64];
    size_t n = pp_rc_hook_rules(&e, ids, 4);
    assert_int_equal(n, 2);
    assert_string_equal(ids[0], "ecs-service-no-public-ip");
    assert_string_equal(ids[1], "ec2-sg-no-world-ingress");
    e.hook_type = "Private::Guard::Hook";
    e.hook_reason = "rule aws-s3-bucket-x failed";
    assert_int_equal(pp_rc_hook_rules(&e, ids, 4), 0);   /* not a Parapet hook */
}

/* New wording is a YAML edit: a phrase is a wrapper exactly when a role entry says so. */
static void test_role_is_kb_data(void **state)
{
    (void)state;
    static const char src[] =
        "id: future-summary\ntitle: t\nservice: cloudformation\nrole: wrapper\n"
        "pattern: 'Some resources gave up: \\[(?<r>[^\\]]*)\\]'\nexplanation: e\n"
        "fix: [f]\nexamples: ['Some resources gave up: [A, B]']\n";
    pp_event e;
    memset(&e, 0, sizeof e);
    e.source = PP_SRC_CFN_STACK_EVENT;
    e.exit_code = PP_EXIT_CODE_NONE;
    e.status = "UPDATE_FAILED";
    e.reason = "Some resources gave up: [Queue]";
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_CAUSE);
    pp_kb *one = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_buf("future.yaml", src, sizeof src - 1, &one, &err), PP_OK);
    assert_int_equal(one->e[0].role, PP_KB_ROLE_WRAPPER);
    assert_int_equal(pp_rc_classify(&e, one), PP_RC_WRAPPER);
    /* the wording kb/ knows is not in this KB: a cancellation is a cause here */
    e.reason = "Resource creation cancelled";
    assert_int_equal(pp_rc_classify(&e, one), PP_RC_CAUSE);
    assert_int_equal(pp_rc_classify(&e, g_kb), PP_RC_WRAPPER);
    pp_kb_free(one);

    /* a bad role is a load error naming the file and line */
    static const char bad[] = "id: x\ntitle: t\nservice: s\nrole: summary\npattern: p\n"
                              "explanation: e\nfix: [f]\nexamples: [p]\n";
    assert_int_equal(pp_kb_load_buf("bad.yaml", bad, sizeof bad - 1, &one, &err), PP_E_PARSE);
    assert_non_null(strstr(err, "bad.yaml:4: expected a role of cause, weak or wrapper"));
    free(err);
}

/* Without a KB the cascade wording is unknown: only structure marks consequences, so the
 * wording of "cancelled" comes from the KB and nowhere else. */
static void test_no_kb_wording_unknown(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    add(&s, sev("a", "Q", "AWS::SQS::Queue", "CREATE_FAILED", "Resource creation cancelled",
                "2024-01-01T00:00:00Z", NULL));
    pp_rc_result r;
    assert_int_equal(pp_rc_analyse(&s, NULL, &r), PP_OK);
    assert_int_equal(r.kind[0], PP_RC_CAUSE);
    pp_rc_free(&r);
    assert_int_equal(pp_rc_analyse(&s, g_kb, &r), PP_OK);
    assert_int_equal(r.kind[0], PP_RC_WRAPPER);
    pp_rc_free(&r);
    pp_evset_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_cancellations_any_order),
        cmocka_unit_test(test_internal_failure_and_delete_after),
        cmocka_unit_test(test_parallel_roots),
        cmocka_unit_test(test_nested_stack_followed),
        cmocka_unit_test(test_service_to_stopped_tasks),
        cmocka_unit_test(test_cycle_and_empty),
        cmocka_unit_test(test_hook_rules),
        cmocka_unit_test(test_role_is_kb_data),
        cmocka_unit_test(test_no_kb_wording_unknown),
    };
    return cmocka_run_group_tests(tests, kb_fixture_setup, kb_fixture_teardown);
}
