/* test_explain_locate.c — pp_explain_locate_stack (advisor/explain.h): a template fetched for
 * one stack locates that stack's root causes and no other stack's, even when the same logical
 * id exists in both; a location already set (from --template) is kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "engine/base/limits.h"
#include "engine/doc.h"

static const char events[] =
    "{\"StackEvents\": ["
    "{\"StackName\": \"a\", \"StackId\": \"arn:aws:cloudformation:eu-west-1:1:stack/a/1\","
    " \"EventId\": \"a-2\", \"LogicalResourceId\": \"Bucket\", \"ResourceType\": "
    "\"AWS::S3::Bucket\", \"ResourceStatus\": \"CREATE_FAILED\", \"Timestamp\": "
    "\"2024-05-01T10:00:02Z\", \"ResourceStatusReason\": \"shared-name already exists\"},"
    "{\"StackName\": \"b\", \"StackId\": \"arn:aws:cloudformation:eu-west-1:1:stack/b/2\","
    " \"EventId\": \"b-2\", \"LogicalResourceId\": \"Bucket\", \"ResourceType\": "
    "\"AWS::S3::Bucket\", \"ResourceStatus\": \"CREATE_FAILED\", \"Timestamp\": "
    "\"2024-05-01T10:00:03Z\", \"ResourceStatusReason\": \"other-name already exists\"}]}";

static const char tmpl_a[] = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
static const char tmpl_b[] = "Resources:\n\n\n  Bucket:\n    Type: AWS::S3::Bucket\n";

static pp_doc *load(const char *name, const char *src)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    pp_status st = PP_OK;
    char *err = NULL;
    pp_doc *d = pp_doc_load(name, src, strlen(src), PP_FMT_AUTO, &lim, &st, &err);
    assert_non_null(d);
    free(err);
    return d;
}

static const pp_explain_root *root_of(const pp_explain *x, const char *stack)
{
    for (size_t i = 0; i < x->nroots; i++)
        if (strcmp(x->set->ev[x->roots[i].event].stack, stack) == 0)
            return &x->roots[i];
    fail_msg("no root for stack %s", stack);
    return NULL;
}

static void test_per_stack(void **state)
{
    (void)state;
    pp_evset s;
    pp_evset_init(&s, NULL);
    char *err = NULL;
    assert_int_equal(pp_evset_ingest_buf(&s, "aws:a", events, sizeof events - 1, &err), PP_OK);
    pp_explain x;
    assert_int_equal(pp_explain_run(&s, NULL, &x), PP_OK);
    assert_int_equal(x.nroots, 2);
    pp_doc *da = load("stack a (submitted template)", tmpl_a);
    /* by id: the ARN names stack a, not b */
    assert_int_equal(pp_explain_locate_stack(&x, da, tmpl_a, sizeof tmpl_a - 1, NULL,
                                             "arn:aws:cloudformation:eu-west-1:1:stack/a/1"),
                     PP_OK);
    const pp_explain_root *ra = root_of(&x, "a"), *rb = root_of(&x, "b");
    assert_true(ra->has_loc);
    assert_string_equal(ra->loc.file, "stack a (submitted template)");
    assert_int_equal(ra->loc.line, 2);
    assert_false(rb->has_loc);
    /* by name, for b; a keeps the location it has */
    pp_doc *db = load("stack b (submitted template)", tmpl_b);
    assert_int_equal(pp_explain_locate_stack(&x, db, tmpl_b, sizeof tmpl_b - 1, "b", NULL),
                     PP_OK);
    assert_true(rb->has_loc);
    assert_int_equal(rb->loc.line, 4);
    assert_string_equal(ra->loc.file, "stack a (submitted template)");
    pp_doc_free(da);
    pp_doc_free(db);
    pp_explain_free(&x);
    pp_evset_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
