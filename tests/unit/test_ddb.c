/* test_ddb.c — engine/store/ddb.c (the DynamoDB JSON 1.0 pieces of the DynamoDB state
 * backend): attribute values, item sizes, fitting a JSON body into an item, error classes
 * from "__type" and CancellationReasons, the full-jitter backoff and the retry loop with a
 * scripted transport, an injected clock, sleep and random source; and the location rules of
 * pp_state_open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/store/ddb.h"
#include "engine/store/state.h"

static void test_attribute_values(void **state)
{
    (void)state;
    json_t *item = json_object();
    json_object_set_new(item, "a", pp_ddb_s("héllo \"x\""));
    json_object_set_new(item, "n", pp_ddb_n(-1234567890123LL));
    char *t = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(t, "{\"a\":{\"S\":\"h\xc3\xa9llo \\\"x\\\"\"},\"n\":"
                           "{\"N\":\"-1234567890123\"}}");
    free(t);
    assert_string_equal(pp_ddb_item_s(item, "a"), "héllo \"x\"");
    assert_null(pp_ddb_item_s(item, "n"));        /* an N is not an S */
    assert_null(pp_ddb_item_s(item, "missing"));
    int64_t v = 0;
    assert_int_equal(pp_ddb_item_n(item, "n", &v), 0);
    assert_true(v == -1234567890123LL);
    assert_int_equal(pp_ddb_item_n(item, "a", &v), -1);
    assert_null(pp_ddb_s(NULL));
    static const char *const BAD[] = { "1.5", "1e3", "", "-", "+1", " 1", "99999999999999999999",
                                       "0x10" };
    for (size_t i = 0; i < PP_ARRAY_LEN(BAD); i++) {
        json_object_set_new(item, "b", json_pack("{s:s}", "N", BAD[i]));
        assert_int_equal(pp_ddb_item_n(item, "b", &v), -1);
    }
    json_decref(item);
}

static void test_item_size(void **state)
{
    (void)state;
    json_t *item = json_object();
    json_object_set_new(item, "pk", pp_ddb_s("abc"));      /* 2 + 3 */
    json_object_set_new(item, "id", pp_ddb_n(123456));     /* 2 + 6 digits / 2 + 1 = 4 */
    assert_int_equal(pp_ddb_item_size(item), 5 + 6);
    json_object_set_new(item, "é", pp_ddb_s("é"));          /* UTF-8 bytes: 2 + 2 */
    assert_int_equal(pp_ddb_item_size(item), 15);
    json_decref(item);
}

static void test_fit_json(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(pp_ddb_fit_json("{\"a\":1}", 100, &out, "x", &err), PP_OK);
    assert_null(out);   /* fits as it is */

    /* one huge string of two-byte characters: cut at a character boundary, still JSON */
    size_t n = 500000;
    char *big = malloc(n * 2 + 64);
    assert_non_null(big);
    static const char head[] = "{\"scope\":\"web\",\"log\":\"", tail[] = "\"}";
    memcpy(big, head, sizeof head);
    size_t k = sizeof head - 1;
    for (size_t i = 0; i < n; i++) {
        big[k++] = (char)0xc3;
        big[k++] = (char)0xa9;
    }
    memcpy(big + k, tail, sizeof tail);
    assert_int_equal(pp_ddb_fit_json(big, 390000, &out, "an explanation", &err), PP_OK);
    assert_non_null(out);
    assert_true(strlen(out) <= 390000);
    json_t *v = json_loads(out, 0, NULL);   /* jansson refuses broken UTF-8 */
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "scope")), "web");
    assert_true(json_is_true(json_object_get(v, "parapet_state_cut")));
    const char *log = json_string_value(json_object_get(v, "log"));
    assert_non_null(strstr(log, "… [cut]"));
    json_decref(v);
    PP_FREE(out);

    /* not JSON and too big: refused with a message naming what */
    memset(big, 'x', 1000);
    big[1000] = '\0';
    assert_int_equal(pp_ddb_fit_json(big, 100, &out, "a queued message", &err), PP_E_LIMIT);
    assert_null(out);
    assert_non_null(strstr(err, "a queued message of 1000 bytes"));
    assert_non_null(strstr(err, "not JSON"));
    PP_FREE(err);

    /* many short strings: cutting cannot make it fit */
    json_t *arr = json_array();
    for (int i = 0; i < 20000; i++)
        json_array_append_new(arr, json_string("abcdefgh"));
    char *t = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    assert_int_equal(pp_ddb_fit_json(t, 50000, &out, "an explanation", &err), PP_E_LIMIT);
    assert_non_null(strstr(err, "even with its long strings cut"));
    PP_FREE(err);
    free(t);
    free(big);
}

static pp_ddb_outcome classify(long status, const char *body, char *code)
{
    pp_http_resp r = { .status = status, .body = (char *)body, .len = strlen(body) };
    return pp_ddb_classify(&r, code, 96);
}

static void test_classify(void **state)
{
    (void)state;
    char code[96];
    assert_int_equal(classify(200, "{}", code), PP_DDB_DONE);
    assert_string_equal(code, "");
    assert_int_equal(classify(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                                   "ConditionalCheckFailedException\",\"message\":\"The "
                                   "conditional request failed\"}", code), PP_DDB_CONDITIONAL);
    assert_string_equal(code, "ConditionalCheckFailedException");
    assert_int_equal(classify(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                                   "ProvisionedThroughputExceededException\"}", code),
                     PP_DDB_RETRY);
    assert_int_equal(classify(400, "{\"__type\":\"com.amazon.coral.availability#"
                                   "ThrottlingException\"}", code), PP_DDB_RETRY);
    assert_string_equal(code, "ThrottlingException");
    assert_int_equal(classify(400, "{\"__type\":\"x#RequestLimitExceeded\"}", code), PP_DDB_RETRY);
    assert_int_equal(classify(500, "{\"__type\":\"x#InternalServerError\"}", code), PP_DDB_RETRY);
    assert_int_equal(classify(503, "", code), PP_DDB_RETRY);
    assert_int_equal(classify(400, "{\"__type\":\"x#ResourceNotFoundException\"}", code),
                     PP_DDB_FAILED);
    assert_int_equal(classify(400, "{\"__type\":\"x#ValidationException\"}", code), PP_DDB_FAILED);
    assert_int_equal(classify(400, "{\"__type\":\"x#AccessDeniedException\"}", code),
                     PP_DDB_FAILED);
    assert_int_equal(classify(400, "not json", code), PP_DDB_FAILED);
    assert_string_equal(code, "");
    /* transactions: the reasons decide */
    assert_int_equal(classify(400, "{\"__type\":\"x#TransactionCanceledException\","
                                   "\"CancellationReasons\":[{\"Code\":\"ConditionalCheckFailed\"},"
                                   "{\"Code\":\"None\"}]}", code), PP_DDB_CONDITIONAL);
    assert_int_equal(classify(400, "{\"__type\":\"x#TransactionCanceledException\","
                                   "\"CancellationReasons\":[{\"Code\":\"ConditionalCheckFailed\"},"
                                   "{\"Code\":\"TransactionConflict\"}]}", code), PP_DDB_RETRY);
    assert_int_equal(classify(400, "{\"__type\":\"x#TransactionCanceledException\","
                                   "\"CancellationReasons\":[{\"Code\":\"None\"},"
                                   "{\"Code\":\"ValidationError\"}]}", code), PP_DDB_FAILED);
    assert_int_equal(classify(400, "{\"__type\":\"x#TransactionCanceledException\",\"message\":"
                                   "\"Transaction cancelled, please refer cancellation reasons "
                                   "for specific reasons [ConditionalCheckFailed, None]\"}", code),
                     PP_DDB_CONDITIONAL);
    assert_int_equal(classify(400, "{\"__type\":\"x#TransactionConflictException\"}", code),
                     PP_DDB_RETRY);
}

/* ---- the retry loop with everything injected -------------------------------------------- */

typedef struct script {
    const long *status;
    const char *const *body;
    size_t n, sent;
    const pp_status *transport;   /* per answer, may be NULL */
    unsigned sleeps[16];
    size_t nsleeps;
    uint64_t now, rand;
    char last_target[80];
} script;

static pp_status fake_send(void *ctx, const char *target, const char *body, pp_http_resp *out,
                           char **err)
{
    (void)body;
    script *s = ctx;
    snprintf(s->last_target, sizeof s->last_target, "%s", target);
    size_t i = s->sent < s->n ? s->sent : s->n - 1;
    s->sent++;
    if (s->transport && s->transport[i] != PP_OK)
        return pp_err(err, s->transport[i], "connection refused");
    out->status = s->status[i];
    out->body = pp_strdup(s->body[i]);
    out->len = strlen(out->body);
    return PP_OK;
}

static uint64_t fake_rand(void *ctx)
{
    script *s = ctx;
    return s->rand += 1000;   /* 1000, 2000, 3000… */
}

static void fake_sleep(void *ctx, unsigned ms)
{
    script *s = ctx;
    if (s->nsleeps < 16)
        s->sleeps[s->nsleeps++] = ms;
    s->now += ms;
}

static uint64_t fake_now(void *ctx)
{
    return ((script *)ctx)->now;
}

static pp_ddb make(script *s)
{
    pp_ddb d = { .send = fake_send, .send_ctx = s, .table = "tbl" };
    d.retry.rand64 = fake_rand;
    d.retry.sleep_ms = fake_sleep;
    d.retry.now_ms = fake_now;
    d.retry.ctx = s;
    return d;
}

#define THROTTLE "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}"

static void test_backoff(void **state)
{
    (void)state;
    script s = { 0 };
    pp_ddb d = make(&s);
    /* full jitter over [0, min(2000, 25 * 2^k)]: rand % (top + 1) */
    assert_int_equal(pp_ddb_backoff_ms(&d.retry, 0), 1000 % 26);
    assert_int_equal(pp_ddb_backoff_ms(&d.retry, 3), 2000 % 201);
    assert_int_equal(pp_ddb_backoff_ms(&d.retry, 7), 3000 % 2001);   /* 3200 capped at 2000 */
    assert_int_equal(pp_ddb_backoff_ms(&d.retry, 60), 4000 % 2001);  /* no shift overflow */
    d.retry.base_ms = 100;
    d.retry.cap_ms = 150;
    assert_int_equal(pp_ddb_backoff_ms(&d.retry, 0), 5000 % 101);
    assert_int_equal(pp_ddb_backoff_ms(&d.retry, 1), 6000 % 151);
}

static void test_retry_then_ok(void **state)
{
    (void)state;
    static const long st[] = { 400, 429, 200 };
    static const char *const body[] = { THROTTLE, "{}", "{\"Item\":{}}" };
    script s = { .status = st, .body = body, .n = 3 };
    pp_ddb d = make(&s);
    json_t *req = json_pack("{s:s}", "TableName", "tbl"), *ans = NULL;
    char *err = NULL;
    int cond = -1;
    assert_int_equal(pp_ddb_call(&d, "GetItem", req, &ans, &cond, &err), PP_OK);
    assert_string_equal(s.last_target, "DynamoDB_20120810.GetItem");
    assert_int_equal(s.sent, 3);
    assert_int_equal(cond, 0);
    assert_non_null(json_object_get(ans, "Item"));
    assert_int_equal(s.nsleeps, 2);
    assert_int_equal(s.sleeps[0], 1000 % 26);   /* attempt 0: [0, 25] */
    assert_int_equal(s.sleeps[1], 2000 % 51);   /* attempt 1: [0, 50] */
    assert_int_equal(d.retried, 2);
    assert_int_equal(d.throttled, 2);
    json_decref(ans);
    json_decref(req);
}

static void test_retry_exhausted(void **state)
{
    (void)state;
    static const long st[] = { 400 };
    static const char *const body[] = { THROTTLE };
    script s = { .status = st, .body = body, .n = 1 };
    pp_ddb d = make(&s);
    json_t *req = json_pack("{s:s}", "TableName", "tbl"), *ans = NULL;
    char *err = NULL;
    int cond = 0;
    assert_int_equal(pp_ddb_call(&d, "PutItem", req, &ans, &cond, &err), PP_E_DB);
    assert_int_equal(s.sent, 8);        /* the default max_attempts */
    assert_int_equal(s.nsleeps, 7);
    assert_null(ans);
    assert_non_null(strstr(err, "DynamoDB PutItem on tbl: ProvisionedThroughputExceededException"));
    assert_non_null(strstr(err, "still after the retries"));
    PP_FREE(err);
    /* a deadline stops the retries early */
    s.sent = 0;
    s.nsleeps = 0;
    s.now = 1000;
    d.retry.deadline_ms = 1010;
    assert_int_equal(pp_ddb_call(&d, "PutItem", req, &ans, &cond, &err), PP_E_DB);
    assert_true(s.sent < 8);
    assert_true(s.now <= 1010);
    PP_FREE(err);
    json_decref(req);
}

static void test_conditional_and_errors(void **state)
{
    (void)state;
    static const long st[] = { 400 };
    static const char *const ccf[] = { "{\"__type\":\"x#ConditionalCheckFailedException\"}" };
    script s = { .status = st, .body = ccf, .n = 1 };
    pp_ddb d = make(&s);
    json_t *req = json_pack("{s:s}", "TableName", "tbl"), *ans = NULL;
    char *err = NULL;
    int cond = 0;
    /* someone else has it: not an error, not retried */
    assert_int_equal(pp_ddb_call(&d, "PutItem", req, &ans, &cond, &err), PP_OK);
    assert_int_equal(cond, 1);
    assert_null(ans);
    assert_int_equal(s.sent, 1);
    /* a call that expects no condition reports it */
    s.sent = 0;
    assert_int_equal(pp_ddb_call(&d, "GetItem", req, &ans, NULL, &err), PP_E_DB);
    assert_non_null(strstr(err, "ConditionalCheckFailedException"));
    PP_FREE(err);

    /* no such table; access; a hostile message is cleaned and cut, the request never quoted */
    static const char *const nf[] = { "{\"__type\":\"x#ResourceNotFoundException\","
                                      "\"message\":\"Requested resource not found\"}" };
    s = (script){ .status = st, .body = nf, .n = 1 };
    d = make(&s);
    json_t *secret_req = json_pack("{s:s,s:s}", "TableName", "tbl", "x", "AKIDSECRETVALUE");
    assert_int_equal(pp_ddb_call(&d, "Query", secret_req, &ans, NULL, &err), PP_E_NOTFOUND);
    assert_null(strstr(err, "AKIDSECRETVALUE"));
    PP_FREE(err);
    static const char *const ad[] = { "{\"__type\":\"x#AccessDeniedException\"}" };
    s = (script){ .status = st, .body = ad, .n = 1 };
    d = make(&s);
    assert_int_equal(pp_ddb_call(&d, "Query", req, &ans, NULL, &err), PP_E_DENIED);
    PP_FREE(err);
    char hostile[1200];
    snprintf(hostile, sizeof hostile, "{\"__type\":\"x#ValidationException\",\"message\":\""
             "\\u001b]0;pwned\\u0007%0900d\"}", 7);
    const char *hb[] = { hostile };
    s = (script){ .status = st, .body = hb, .n = 1 };
    d = make(&s);
    assert_int_equal(pp_ddb_call(&d, "PutItem", req, &ans, NULL, &err), PP_E_DB);
    assert_null(strchr(err, 0x1b));
    assert_null(strchr(err, 0x07));
    assert_true(strlen(err) < 200 + PP_DDB_MAX_MESSAGE);
    PP_FREE(err);
    /* a transport failure is retried, then succeeds */
    static const long st2[] = { 0, 200 };
    static const char *const b2[] = { "", "{}" };
    static const pp_status tr[] = { PP_E_HTTP, PP_OK };
    s = (script){ .status = st2, .body = b2, .n = 2, .transport = tr };
    d = make(&s);
    assert_int_equal(pp_ddb_call(&d, "DescribeTable", req, &ans, NULL, &err), PP_OK);
    assert_int_equal(s.sent, 2);
    json_decref(ans);
    /* a credential failure is not */
    static const pp_status tr2[] = { PP_E_DENIED };
    s = (script){ .status = st2, .body = b2, .n = 1, .transport = tr2 };
    d = make(&s);
    assert_int_equal(pp_ddb_call(&d, "DescribeTable", req, &ans, NULL, &err), PP_E_DENIED);
    assert_int_equal(s.sent, 1);
    PP_FREE(err);
    json_decref(secret_req);
    json_decref(req);
}

static void test_locations(void **state)
{
    (void)state;
    assert_true(pp_state_is_ddb("dynamodb://t1x"));
    assert_false(pp_state_is_ddb("/var/lib/state.db"));
    assert_false(pp_state_is_ddb("DYNAMODB://x"));
    pp_state *s = NULL;
    char *err = NULL;
    assert_int_equal(pp_state_open("dynamodb://ab", &s, &err), PP_E_USAGE);   /* too short */
    assert_non_null(strstr(err, "3 to 255"));
    PP_FREE(err);
    assert_int_equal(pp_state_open("dynamodb://bad name;rm", &s, &err), PP_E_USAGE);
    PP_FREE(err);
    assert_int_equal(pp_state_open("s3://bucket/x", &s, &err), PP_E_USAGE);
    assert_non_null(strstr(err, "neither a file path nor dynamodb://TABLE"));
    PP_FREE(err);
    assert_int_equal(pp_state_open("", &s, &err), PP_E_USAGE);
    PP_FREE(err);
    assert_null(s);
    setenv("PARAPET_STATE", "dynamodb://shared", 1);
    char *loc = pp_state_default_location();
    assert_string_equal(loc, "dynamodb://shared");
    free(loc);
    unsetenv("PARAPET_STATE");
    setenv("XDG_STATE_HOME", "/x", 1);
    loc = pp_state_default_location();
    assert_string_equal(loc, "/x/parapet/state.db");
    free(loc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attribute_values),
        cmocka_unit_test(test_item_size),
        cmocka_unit_test(test_fit_json),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_retry_then_ok),
        cmocka_unit_test(test_retry_exhausted),
        cmocka_unit_test(test_conditional_and_errors),
        cmocka_unit_test(test_locations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
