/* test_slack.c — hooks/slack.c: Slack's v0 signature (the example of Slack's documentation),
 * the time window, form decoding and the "why STACK" command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/unit/str_cases.h"
#include "hooks/slack.h"

static const char secret[] = "8f742231b10e8888abcd99yyyzzz85a5";
static const char body[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977008"
    "85554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c4"
    "47fce8b6703c";
static const char sig[] = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

static void test_verify(void **state)
{
    (void)state;
    size_t sl = strlen(secret), bl = strlen(body);
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", sig, body, bl, 1531420618), 1);
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", sig, body, bl,
                                     1531420618 + PP_SLACK_MAX_SKEW_S), 1);
    /* stale, future, tampered body, wrong secret, missing or malformed headers */
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", sig, body, bl,
                                     1531420618 + PP_SLACK_MAX_SKEW_S + 1), 0);
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", sig, body, bl,
                                     1531420618 - PP_SLACK_MAX_SKEW_S - 1), 0);
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", sig, body, bl - 1, 1531420618), 0);
    assert_int_equal(pp_slack_verify(secret, sl - 1, "1531420618", sig, body, bl, 1531420618), 0);
    assert_int_equal(pp_slack_verify(secret, sl, NULL, sig, body, bl, 1531420618), 0);
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", NULL, body, bl, 1531420618), 0);
    assert_int_equal(pp_slack_verify(secret, sl, "x1531420618", sig, body, bl, 1531420618), 0);
    char shorter[sizeof sig];
    memcpy(shorter, sig, sizeof sig);
    shorter[sizeof sig - 2] = '\0';
    assert_int_equal(pp_slack_verify(secret, sl, "1531420618", shorter, body, bl, 1531420618), 0);
}

static void test_form(void **state)
{
    (void)state;
    char *v = pp_slack_form_value(body, strlen(body), "command");
    assert_string_equal(v, "/webhook-collect");
    free(v);
    v = pp_slack_form_value(body, strlen(body), "text");
    assert_string_equal(v, "");
    free(v);
    assert_null(pp_slack_form_value(body, strlen(body), "absent"));
    v = pp_slack_form_value("a=1&text=why+my%2Dstack&b", 25, "text");
    assert_string_equal(v, "why my-stack");
    free(v);
    /* a short or invalid escape stays as written */
    v = pp_slack_form_value("text=%4", 7, "text");
    assert_string_equal(v, "%4");
    free(v);
    v = pp_slack_form_value("text=%zz", 8, "text");
    assert_string_equal(v, "%zz");
    free(v);
    /* white space or a sign is not a hex digit (sscanf's %x took "% 4" and "%+4"), and an
     * escape cut by the end of an unterminated body stays as written */
    v = pp_slack_form_value("text=% 41%+4%4a", 15, "text");
    assert_string_equal(v, "% 41% 4J");   /* the lone "+" is a space */
    free(v);
    char unterminated[8] = { 't', 'e', 'x', 't', '=', '%', '4', '1' };
    v = pp_slack_form_value(unterminated, 7, "text");
    assert_string_equal(v, "%4");
    free(v);
}

static void test_why(void **state)
{
    (void)state;
    static const pp_str_case asks[] = {
        { "why my-stack", "my-stack" },
        { " \twhy\t stack-2 ", "stack-2" },
        { NULL, NULL },
        { "", NULL },
        { "why", NULL },
        { "why a b", NULL },
        { "what a", NULL },
    };
    PP_STR_CASES(pp_slack_why, asks);
    char *s = pp_slack_text("hi \"there\"");
    assert_string_equal(s, "{\"response_type\":\"ephemeral\",\"text\":\"hi \\\"there\\\"\"}");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_why),
    };
    return cmocka_run_group_tests_name("slack", tests, NULL, NULL);
}
