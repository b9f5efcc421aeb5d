/* test_triage.c — store / trigger / ignore for EventBridge events, with explain's own
 * classification, and re-explaining in place (advisor/triage.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/kb.h"
#include "advisor/rootcause.h"
#include "advisor/triage.h"
#include "engine/base/util.h"

#include "kb_fixture.h"

#define STACK_ARN "arn:aws:cloudformation:eu-west-1:111122223333:stack/web/0a1b"

/* A CloudFormation Stack Status Change as EventBridge sends it. */
static json_t *stack_event(const char *status, const char *reason)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:{s:s, s:s}, s:s}}",
                          "version", "0", "id", "ev-1", "detail-type",
                          "CloudFormation Stack Status Change", "source", "aws.cloudformation",
                          "account", "111122223333", "time", "2024-05-01T10:00:09Z",
                          "resources", STACK_ARN, "detail", "stack-id", STACK_ARN,
                          "status-details", "status", status, "status-reason", reason,
                          "client-request-token", "tok");
    assert_non_null(e);
    return e;
}

static json_t *resource_event(const char *status, const char *reason)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:s, s:s, s:{s:s, s:s}, "
                          "s:s}}",
                          "id", "ev-2", "detail-type", "CloudFormation Resource Status Change",
                          "source", "aws.cloudformation", "account", "111122223333", "time",
                          "2024-05-01T10:00:00Z", "resources", STACK_ARN, "detail", "stack-id",
                          STACK_ARN, "logical-resource-id", "Assets", "physical-resource-id", "",
                          "status-details", "status", status, "status-reason", reason,
                          "resource-type", "AWS::S3::Bucket");
    assert_non_null(e);
    return e;
}

/* The JSON lines of a file under tests/cases/explain, one value each. */
static json_t *fixture(const char *name, size_t line)
{
    const char *root = getenv("PARAPET_TEST_ROOT");
    char *path = pp_asprintf("%s/tests/cases/explain/%s", root ? root : ".", name);
    char *buf = NULL, *err = NULL;
    size_t n = 0;
    assert_int_equal(pp_read_file(path, 1 << 20, &buf, &n, &err), PP_OK);
    json_t *v = NULL;
    if (strstr(name, ".jsonl")) {
        char *p = buf;
        for (size_t i = 0; i < line; i++) {
            p = strchr(p, '\n');
            assert_non_null(p);
            p++;
        }
        v = json_loadb(p, strcspn(p, "\n"), 0, NULL);
    } else {
        v = json_loadb(buf, n, 0, NULL);
    }
    assert_non_null(v);
    free(buf);
    free(path);
    return v;
}

static void expect(json_t *ev, pp_triage_action action, const char *scope, const char *cluster)
{
    pp_triage t;
    assert_int_equal(pp_triage_event(ev, g_kb, &t), PP_OK);
    if (t.action != action)
        fail_msg("action %s, expected %s", pp_triage_action_name(t.action),
                 pp_triage_action_name(action));
    if (scope)
        assert_string_equal(t.scope, scope);
    else
        assert_null(t.scope);
    if (cluster)
        assert_string_equal(t.cluster, cluster);
    pp_triage_free(&t);
    json_decref(ev);
}

/* What explain makes of the same event: its classification and root count. */
static pp_rc_kind explain_kind(json_t *ev, size_t *nroots)
{
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    char *text = json_dumps(ev, JSON_COMPACT);
    assert_int_equal(pp_evset_ingest_buf(&s, "ev.json", text, strlen(text), &err), PP_OK);
    assert_int_equal(s.n, 1);
    pp_rc_kind k = pp_rc_classify(&s.ev[0], g_kb);
    pp_explain x;
    assert_int_equal(pp_explain_run(&s, g_kb, &x), PP_OK);
    *nroots = x.nroots;
    pp_explain_free(&x);
    pp_evset_free(&s);
    free(text);
    return k;
}

/* The regression: the Lambda path counted any ROLLBACK status as a failure, explain does not
 * count a rollback the user asked for. Both now answer from one classification. */
static void test_user_rollback_ignored_by_both(void **state)
{
    (void)state;
    static const char *const statuses[] = {"ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS",
                                           "UPDATE_ROLLBACK_COMPLETE", "ROLLBACK_COMPLETE"};
    for (size_t i = 0; i < PP_ARRAY_LEN(statuses); i++) {
        size_t nroots = 99;
        json_t *ev = stack_event(statuses[i], "User Initiated");
        assert_int_equal(explain_kind(ev, &nroots), PP_RC_NONE);
        assert_int_equal(nroots, 0);
        expect(ev, PP_TRIAGE_IGNORE, NULL, NULL);
    }
    /* the same statuses with a failure's reason are a failure for both */
    for (size_t i = 0; i < PP_ARRAY_LEN(statuses); i++) {
        size_t nroots = 0;
        json_t *ev = stack_event(statuses[i], "The following resource(s) failed to create: "
                                              "[Assets]. Rollback requested by user.");
        assert_int_not_equal(explain_kind(ev, &nroots), PP_RC_NONE);
        assert_int_equal(nroots, 1);
        expect(ev, PP_TRIAGE_TRIGGER, "web", NULL);
    }
}

static void test_cloudformation_outcomes(void **state)
{
    (void)state;
    expect(resource_event("CREATE_FAILED", "my-assets already exists (Service: Amazon S3; "
                          "Status Code: 409; Error Code: BucketAlreadyExists)"),
           PP_TRIAGE_STORE, "web", NULL);
    expect(resource_event("CREATE_COMPLETE", ""), PP_TRIAGE_IGNORE, NULL, NULL);
    expect(resource_event("CREATE_IN_PROGRESS", "Resource creation Initiated"),
           PP_TRIAGE_IGNORE, NULL, NULL);
    expect(stack_event("CREATE_FAILED", "The following resource(s) failed to create: [X]."),
           PP_TRIAGE_TRIGGER, "web", NULL);
    expect(stack_event("DELETE_FAILED", "The following resource(s) failed to delete: [X]."),
           PP_TRIAGE_TRIGGER, "web", NULL);
    expect(stack_event("CREATE_COMPLETE", ""), PP_TRIAGE_IGNORE, NULL, NULL);
    expect(stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", ""), PP_TRIAGE_IGNORE, NULL, NULL);
    /* the fixtures explain reads: a handler failure kept, the rollback that follows triggers */
    expect(fixture("eventbridge-cfn-runtime.jsonl", 0), PP_TRIAGE_STORE, "api", NULL);
    expect(fixture("eventbridge-cfn-runtime.jsonl", 1), PP_TRIAGE_TRIGGER, "api", NULL);
    /* the stack ARN is kept for the live fetch */
    pp_triage t;
    json_t *ev = stack_event("ROLLBACK_IN_PROGRESS", "The following resource(s) failed to "
                                                     "create: [Assets].");
    assert_int_equal(pp_triage_event(ev, g_kb, &t), PP_OK);
    assert_string_equal(t.stack_id, STACK_ARN);
    assert_int_equal(t.ecs, 0);
    pp_triage_free(&t);
    json_decref(ev);
}

static void test_ecs_outcomes(void **state)
{
    (void)state;
    /* a failed deployment triggers; the OOM-killed task of the service is kept */
    expect(fixture("eventbridge-ecs-oom.jsonl", 0), PP_TRIAGE_TRIGGER, "api", "prod");
    expect(fixture("eventbridge-ecs-oom.jsonl", 1), PP_TRIAGE_STORE, "api", "prod");
    /* a placement failure (service action) is kept: it is the cause a deployment lacks */
    expect(fixture("eventbridge-placement.json", 0), PP_TRIAGE_STORE, "batch", "prod");

    json_t *dep = fixture("eventbridge-ecs-oom.jsonl", 0);
    json_object_set_new(json_object_get(dep, "detail"), "eventName",
                        json_string("SERVICE_DEPLOYMENT_COMPLETED"));
    expect(dep, PP_TRIAGE_IGNORE, NULL, NULL);

    /* a standalone task (no service group): filed under its task definition, and triggers */
    json_t *task = fixture("eventbridge-ecs-oom.jsonl", 1);
    json_object_del(json_object_get(task, "detail"), "group");
    expect(task, PP_TRIAGE_TRIGGER, "arn:aws:ecs:eu-west-1:111122223333:task-definition/api:7",
           "prod");

    /* a task the user stopped, whose container exited cleanly, is not a failure */
    task = fixture("eventbridge-ecs-oom.jsonl", 1);
    json_t *d = json_object_get(task, "detail");
    json_object_set_new(d, "stopCode", json_string("UserInitiated"));
    json_object_set_new(d, "stoppedReason", json_string("Task stopped by user"));
    json_t *c0 = json_array_get(json_object_get(d, "containers"), 0);
    json_object_set_new(c0, "exitCode", json_integer(0));
    json_object_del(c0, "reason");
    expect(task, PP_TRIAGE_IGNORE, NULL, NULL);

    /* a running task is not a failure either */
    task = fixture("eventbridge-ecs-oom.jsonl", 1);
    json_object_set_new(json_object_get(task, "detail"), "lastStatus", json_string("RUNNING"));
    json_object_del(json_object_get(task, "detail"), "stopCode");
    json_object_del(json_object_get(task, "detail"), "stoppedReason");
    json_object_del(json_object_get(task, "detail"), "containers");
    expect(task, PP_TRIAGE_IGNORE, NULL, NULL);
}

static void test_unreadable_ignored(void **state)
{
    (void)state;
    expect(json_pack("{s:s, s:s, s:{}}", "detail-type", "EC2 Instance State-change Notification",
                     "source", "aws.ec2", "detail"), PP_TRIAGE_IGNORE, NULL, NULL);
    expect(json_pack("{s:s, s:s, s:{s:{s:s}}}", "detail-type",
                     "CloudFormation Stack Status Change", "source", "aws.cloudformation",
                     "detail", "status-details", "status", "ROLLBACK_IN_PROGRESS"),
           PP_TRIAGE_IGNORE, NULL, NULL);   /* no stack to file it under */
    expect(json_pack("[i]", 1), PP_TRIAGE_IGNORE, NULL, NULL);
}

/* pp_evset_ingest_json reads a jansson value as pp_evset_ingest_buf reads its text. */
static void test_ingest_json_same_as_text(void **state)
{
    (void)state;
    json_t *ev = fixture("eventbridge-ecs-oom.jsonl", 1);
    char *text = json_dumps(ev, JSON_COMPACT);
    pp_evset a, b;
    pp_evset_init(&a, NULL);
    pp_evset_init(&b, NULL);
    char *err = NULL;
    assert_int_equal(pp_evset_ingest_buf(&a, "x", text, strlen(text), &err), PP_OK);
    assert_int_equal(pp_evset_ingest_json(&b, "x", ev, &err), PP_OK);
    assert_int_equal(a.n, 2);   /* the task and its container */
    assert_int_equal(b.n, a.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.ev[i].source, b.ev[i].source);
        assert_string_equal(a.ev[i].reason, b.ev[i].reason);
        assert_string_equal(a.ev[i].service, b.ev[i].service);
        assert_int_equal(a.ev[i].exit_code, b.ev[i].exit_code);
        assert_true(a.ev[i].ts_ms == b.ev[i].ts_ms);
    }
    pp_evset_free(&a);
    pp_evset_free(&b);
    free(text);
    json_decref(ev);
    /* nesting beyond the reader's limit is refused, not walked */
    json_t *deep = json_array(), *cur = deep;
    for (int i = 0; i < 80; i++) {
        json_t *n = json_array();
        json_array_append_new(cur, n);
        cur = n;
    }
    pp_evset_init(&a, NULL);
    assert_int_equal(pp_evset_ingest_json(&a, "deep", deep, &err), PP_E_NOMEM);
    assert_non_null(strstr(err, "nested deeper"));
    free(err);
    pp_evset_free(&a);
    json_decref(deep);
}

/* Kept events with only a wrapper need more; what the live fetch adds is explained in place. */
static void test_explain_needs_more_then_add(void **state)
{
    (void)state;
    json_t *ev = stack_event("ROLLBACK_IN_PROGRESS", "The following resource(s) failed to "
                                                     "create: [Role].");
    char *line = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    pp_triage_run r;
    char *err = NULL;
    assert_int_equal(pp_triage_explain(&r, g_kb, line, strlen(line), &err), PP_OK);
    free(line);
    assert_int_equal(r.explained, 1);
    assert_int_equal(r.needs_more, 1);
    assert_int_equal(r.x.nroots, 1);
    json_t *docs = json_pack(
        "[{s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}]}, [i]]", "StackEvents", "StackId",
        STACK_ARN, "EventId", "Role-FAILED", "StackName", "web", "LogicalResourceId", "Role",
        "ResourceType", "AWS::IAM::Role", "Timestamp", "2024-05-01T10:00:05Z", "ResourceStatus",
        "CREATE_FAILED", "ResourceStatusReason",
        "web-role already exists in stack arn:aws:cloudformation:eu-west-1:1:stack/other/1", 7);
    assert_non_null(docs);
    /* the second document is refused (a bare number), the first is still explained */
    assert_int_equal(pp_triage_add(&r, g_kb, docs, &err), PP_E_PARSE);
    assert_non_null(err);
    PP_FREE(err);
    assert_int_equal(r.explained, 1);
    assert_int_equal(r.needs_more, 0);
    assert_int_equal(r.set.n, 2);
    assert_int_equal(r.x.nroots, 1);
    assert_string_equal(r.set.ev[r.x.roots[0].event].logical_id, "Role");
    assert_true(r.x.roots[0].matched);
    pp_triage_run_free(&r);
    json_decref(docs);

    /* nothing kept at all: explained, nothing found, more needed */
    assert_int_equal(pp_triage_explain(&r, g_kb, NULL, 0, &err), PP_OK);
    assert_int_equal(r.x.nroots, 0);
    assert_int_equal(r.needs_more, 1);
    pp_triage_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_rollback_ignored_by_both),
        cmocka_unit_test(test_cloudformation_outcomes),
        cmocka_unit_test(test_ecs_outcomes),
        cmocka_unit_test(test_unreadable_ignored),
        cmocka_unit_test(test_ingest_json_same_as_text),
        cmocka_unit_test(test_explain_needs_more_then_add),
    };
    return cmocka_run_group_tests(tests, kb_fixture_setup, kb_fixture_teardown);
}
