/* test_canon.c — advisor/canon.c: each pasted form undone (terminal wraps at and inside words,
 * JSON string escapes, HTML entities, typographic quotes, runs of white space), what is left
 * alone (escapes and entities it does not know, non-ASCII), the read limit and an input with
 * no NUL; then explain: a KB example pasted in those forms still gets its own entry, with the
 * capture as AWS printed it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tests/unit/kb_fixture.h"
#include "advisor/canon.h"
#include "advisor/explain.h"

/* pp_canon of s read from an exact-size copy (no NUL after it): ASan sees a read past it. */
static char *canon(const char *s, pp_canon_breaks b)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, s, n);
    char *c = pp_canon(copy, n, b);
    free(copy);
    assert_non_null(c);
    assert_true(strlen(c) <= n);
    return c;
}

static void expect(const char *in, pp_canon_breaks b, const char *want)
{
    char *c = canon(in, b);
    assert_string_equal(c, want);
    free(c);
}

static void test_breaks(void **state)
{
    (void)state;
    /* a wrap at a word boundary and one inside a word: the two forms differ only there */
    expect("The subnet ID 'subnet-1' does\nnot exist (Service: AmazonEC2; Status Co\nde: 400)",
           PP_CANON_SPACE, "The subnet ID 'subnet-1' does not exist (Service: AmazonEC2; "
           "Status Co de: 400)");
    expect("The subnet ID 'subnet-1' does\nnot exist (Service: AmazonEC2; Status Co\nde: 400)",
           PP_CANON_GLUE, "The subnet ID 'subnet-1' doesnot exist (Service: AmazonEC2; "
           "Status Code: 400)");
    /* a break with space beside it, CRLF and a blank line are white space in both forms */
    expect("a \nb\r\n  c\n\nd", PP_CANON_GLUE, "a b c d");
    expect("x\r\ny", PP_CANON_GLUE, "xy");
    /* leading and trailing white space dropped, runs collapsed, tabs and NBSP are spaces */
    expect("  \tError:\t\t code\xc2\xa0 1  \n", PP_CANON_SPACE, "Error: code 1");
}

static void test_json_escapes(void **state)
{
    (void)state;
    expect("Value \\\"t2.nano\\\" at \\u0027instanceType\\u0027 \\u003cbad\\u003e \\/x\\\\y",
           PP_CANON_SPACE, "Value \"t2.nano\" at 'instanceType' <bad> /x\\y");
    expect("line one\\nline two\\tend", PP_CANON_GLUE, "line one line two end");
    /* escapes it does not undo stay as written: regex classes, non-ASCII or control \u, cut */
    expect("pattern [\\w+=,.@-]+ and \\u00e9 and \\u0007 and \\u12", PP_CANON_SPACE,
           "pattern [\\w+=,.@-]+ and \\u00e9 and \\u0007 and \\u12");
    expect("ends with \\", PP_CANON_SPACE, "ends with \\");
}

static void test_html_entities(void **state)
{
    (void)state;
    expect("The ID &#39;sg-1&#39; &quot;x&quot; &lt;a&gt; &amp; &apos;b&apos; &#x27;c&#X27;"
           "&nbsp;d", PP_CANON_SPACE, "The ID 'sg-1' \"x\" <a> & 'b' 'c' d");
    /* unknown names, non-printable or overlong numbers and a missing ';' stay */
    expect("&copy; &#10; &#x7f; &#123456; &#39 &# &", PP_CANON_SPACE,
           "&copy; &#10; &#x7f; &#123456; &#39 &# &");
    /* one pass: a double-encoded entity comes out encoded once */
    expect("&amp;quot;", PP_CANON_SPACE, "&quot;");
}

static void test_quotes_and_utf8(void **state)
{
    (void)state;
    expect("The key \xe2\x80\x98my-key\xe2\x80\x99 in \xe2\x80\x9cprod\xe2\x80\x9d",
           PP_CANON_SPACE, "The key 'my-key' in \"prod\"");
    /* other UTF-8 passes through untouched, a cut sequence too */
    expect("caf\xc3\xa9 \xe2\x80\x94 \xe2\x80", PP_CANON_SPACE, "caf\xc3\xa9 \xe2\x80\x94 \xe2\x80");
}

static void test_limits(void **state)
{
    (void)state;
    char *c = pp_canon(NULL, 10, PP_CANON_SPACE);
    assert_non_null(c);
    assert_string_equal(c, "");
    free(c);
    c = pp_canon("ab\0cd", 5, PP_CANON_SPACE);   /* a NUL ends the text */
    assert_string_equal(c, "ab");
    free(c);
    size_t n = PP_CANON_MAX + 100;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    memcpy(big + PP_CANON_MAX - 1, "\xc3\xa9", 2);   /* a character across the limit */
    c = pp_canon(big, n, PP_CANON_SPACE);
    assert_non_null(c);
    assert_int_equal(strlen(c), PP_CANON_MAX - 1);   /* cut before it, not inside it */
    free(c);
    free(big);
}

/* explain of one --message: the first root's KB id (NULL if not from a pattern) and the
 * capture `cap` of it. */
static void explain_one(const char *msg, const char *rtype, const char *want_id, const char *cap,
                        const char *want_cap)
{
    pp_evset set;
    pp_evset_init(&set, NULL);
    char *err = NULL;
    assert_int_equal(pp_evset_add_message(&set, msg, rtype, &err), PP_OK);
    pp_explain x;
    assert_int_equal(pp_explain_run(&set, g_kb, &x), PP_OK);
    assert_int_equal(x.nroots, 1);
    assert_int_equal(x.roots[0].source, PP_EXPLAIN_SRC_KB);
    assert_string_equal(g_kb->e[x.roots[0].hit.entry].id, want_id);
    if (cap) {
        const char *v = pp_kb_hit_capture(&x.roots[0].hit, cap);
        assert_non_null(v);
        assert_string_equal(v, want_cap);
    }
    pp_explain_free(&x);
    pp_evset_free(&set);
}

static void test_explain_pasted_forms(void **state)
{
    (void)state;
    /* kb/subnet-not-found.yaml's first example, as written, then pasted four ways */
    explain_one("The subnet ID 'subnet-0123456789abcdef0' does not exist (Service: AmazonEC2; "
                "Status Code: 400; Error Code: InvalidSubnetID.NotFound)", NULL,
                "subnet-not-found", "id", "subnet-0123456789abcdef0");
    explain_one("The subnet ID &#39;subnet-0123456789abcdef0&#39; does not exist (Service: "
                "AmazonEC2; Status Code: 400)", NULL, "subnet-not-found", "id",
                "subnet-0123456789abcdef0");
    explain_one("The subnet ID \xe2\x80\x98subnet-0123456789abcdef0\xe2\x80\x99 does not exist",
                NULL, "subnet-not-found", "id", "subnet-0123456789abcdef0");
    explain_one("The subnet ID \\u0027subnet-0123456789abcdef0\\u0027 does not exist", NULL,
                "subnet-not-found", "id", "subnet-0123456789abcdef0");
    explain_one("The subnet ID 'subnet-0123456789abc\ndef0' does not exist", NULL,
                "subnet-not-found", "id", "subnet-0123456789abcdef0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breaks),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_html_entities),
        cmocka_unit_test(test_quotes_and_utf8),
        cmocka_unit_test(test_limits),
        cmocka_unit_test_setup_teardown(test_explain_pasted_forms, kb_fixture_setup,
                                        kb_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
