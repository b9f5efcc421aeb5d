/* test_doc.c — unit tests of the document loader (engine/doc*.c): JSON and YAML to jansson
 * values with positions, CloudFormation short-form tags, YAML scalar typing, anchors and the
 * alias cap, duplicate and reserved keys, every pp_limits cap the loader enforces, the one-line
 * error messages for malformed input, and the position map and JSON pointer helpers.
 * Fixtures live in tests/fixtures/loader/ (found through $PARAPET_TEST_ROOT, default ".").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/doc.h"
#include "engine/base/util.h"
#include "tests/unit/unit_files.h"

/* ---- helpers ------------------------------------------------------------------------ */

static pp_doc *load_fmt(const char *src, size_t len, pp_doc_format fmt, const pp_limits *lim)
{
    char *err = NULL;
    pp_status st = PP_E_INTERNAL;
    pp_doc *d = pp_doc_load("t", src, len, fmt, lim, &st, &err);
    if (!d)
        fail_msg("unexpected load error %s: %s", pp_status_name(st), err ? err : "(none)");
    assert_int_equal(st, PP_OK);
    assert_null(err);
    return d;
}

static pp_doc *load(const char *src)
{
    return load_fmt(src, strlen(src), PP_FMT_AUTO, NULL);
}

static void expect_err_lim(const char *src, size_t len, pp_doc_format fmt, const pp_limits *lim,
                           pp_status want, const char *sub)
{
    char *err = NULL;
    pp_status st = PP_OK;
    pp_doc *d = pp_doc_load("t", src, len, fmt, lim, &st, &err);
    if (d) {
        pp_doc_free(d);
        fail_msg("loaded, expected an error containing \"%s\"", sub);
    }
    if (st != want)
        fail_msg("status %s, expected %s (%s)", pp_status_name(st), pp_status_name(want),
                 err ? err : "no message");
    assert_non_null(err);
    if (!strstr(err, sub))
        fail_msg("message \"%s\" lacks \"%s\"", err, sub);
    /* one line, "NAME:..." */
    assert_null(strchr(err, '\n'));
    assert_true(strncmp(err, "t:", 2) == 0);
    free(err);
}

/* For string literals, so embedded NULs count. */
#define EXPECT_ERR(lit, fmt, want, sub) expect_err_lim(lit, sizeof(lit) - 1, fmt, NULL, want, sub)

static void assert_json(const json_t *got, const char *want_text)
{
    json_error_t e;
    json_t *want = json_loads(want_text, JSON_DECODE_ANY, &e);
    if (!want)
        fail_msg("bad expectation: %s", e.text);
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);
        char *w = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
        print_error("got:  %s\nwant: %s\n", g, w);
        free(g);
        free(w);
        json_decref(want);
        fail();
    }
    json_decref(want);
}

static void assert_pos(const pp_doc *d, const char *ptr, int rc, unsigned line, unsigned col)
{
    pp_pos p = { 0, 0 };
    int got = pp_doc_pos(d, ptr, &p);
    if (got != rc || (rc >= 0 && (p.line != line || p.col != col)))
        fail_msg("pos(\"%s\") = %d %u:%u, expected %d %u:%u", ptr, got, p.line, p.col, rc, line,
                 col);
}

static char *read_fixture(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/loader/%s", name);
    return pp_test_read(rel, 1u << 20, len);
}

static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(ul * n + tl + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    memcpy(s + ul * n, tail, tl + 1);
    return s;
}

/* ---- JSON --------------------------------------------------------------------------- */

static void test_json_values_and_positions(void **state)
{
    (void)state;
    pp_doc *d = load("{\n"
                     "  \"a\": {\n"
                     "    \"b\": [10, {\"c\": true}],\n"
                     "    \"d\": null\n"
                     "  }\n"
                     "}\n");
    assert_int_equal(d->format, PP_FMT_JSON);
    assert_string_equal(d->name, "t");
    assert_json(d->root, "{\"a\": {\"b\": [10, {\"c\": true}], \"d\": null}}");
    assert_pos(d, "", 0, 1, 1);
    assert_pos(d, "/a", 0, 2, 8);
    assert_pos(d, "/a/b", 0, 3, 10);
    assert_pos(d, "/a/b/0", 0, 3, 11);
    assert_pos(d, "/a/b/1", 0, 3, 15);
    assert_pos(d, "/a/b/1/c", 0, 3, 21);
    assert_pos(d, "/a/d", 0, 4, 10);
    /* fallbacks: the nearest enclosing recorded value */
    assert_pos(d, "/a/b/1/zz", 1, 3, 15);
    assert_pos(d, "/a/b/5", 1, 3, 10);
    assert_pos(d, "/a/b/01", 1, 3, 10);
    assert_pos(d, "/a/b/1/c/deeper/still", 1, 3, 21);
    assert_pos(d, "/x/y", 1, 1, 1);
    assert_pos(d, "no-slash", 1, 1, 1);
    pp_doc_free(d);
}

static void test_json_root_position_not_1_1(void **state)
{
    (void)state;
    pp_doc *d = load("\n\n   {\"a\": 1}");
    assert_pos(d, "", 0, 3, 4);
    assert_pos(d, "/a", 0, 3, 10);
    assert_pos(d, "/missing", 1, 3, 4);
    pp_doc_free(d);
}

static void test_json_pointer_escapes(void **state)
{
    (void)state;
    pp_doc *d = load("{\"a/b\": {\"m~n\": [1, 2]}, \"\": 5, \"~1\": 6}");
    assert_pos(d, "/a~1b", 0, 1, 9);
    assert_pos(d, "/a~1b/m~0n", 0, 1, 17);
    assert_pos(d, "/a~1b/m~0n/1", 0, 1, 21);
    assert_pos(d, "/", 0, 1, 30);
    assert_pos(d, "/~01", 0, 1, 39);
    assert_pos(d, "/a~2b", 1, 1, 1);   /* malformed escape: root */
    pp_doc_free(d);

    char *s = pp_ptr_join("", "a/b");
    assert_string_equal(s, "/a~1b");
    free(s);
    s = pp_ptr_join("/Resources", "m~n/o");
    assert_string_equal(s, "/Resources/m~0n~1o");
    free(s);
    s = pp_ptr_join(NULL, "");
    assert_string_equal(s, "/");
    free(s);
    s = pp_ptr_join_idx("/Resources/A/List", 12);
    assert_string_equal(s, "/Resources/A/List/12");
    free(s);
    s = pp_ptr_join_idx(NULL, 0);
    assert_string_equal(s, "/0");
    free(s);
}

static void test_json_numbers(void **state)
{
    (void)state;
    pp_doc *d = load("[-0, 0, 1e2, 1.5E-3, -2.5e+2, 9223372036854775807, -9223372036854775808,"
                     " 9223372036854775808, 123456789012345678901234567890, 1e-400]");
    json_t *r = d->root;
    assert_true(json_is_integer(json_array_get(r, 0)));
    assert_int_equal(json_integer_value(json_array_get(r, 0)), 0);
    assert_true(json_is_real(json_array_get(r, 2)));
    assert_true(json_real_value(json_array_get(r, 2)) == 100.0);
    assert_true(json_real_value(json_array_get(r, 3)) == 1.5e-3);
    assert_true(json_real_value(json_array_get(r, 4)) == -250.0);
    assert_true(json_integer_value(json_array_get(r, 5)) == INT64_MAX);
    assert_true(json_integer_value(json_array_get(r, 6)) == INT64_MIN);
    /* beyond int64: kept as a real (documented) */
    assert_true(json_is_real(json_array_get(r, 7)));
    assert_true(json_real_value(json_array_get(r, 7)) == 9223372036854775808.0);
    assert_true(json_is_real(json_array_get(r, 8)));
    assert_true(json_real_value(json_array_get(r, 9)) == 0.0);
    pp_doc_free(d);

    EXPECT_ERR("[1e400]", PP_FMT_AUTO, PP_E_PARSE, "t:1:2: number out of range");
    EXPECT_ERR("[01]", PP_FMT_AUTO, PP_E_PARSE, "leading zeros");
    EXPECT_ERR("[1.]", PP_FMT_AUTO, PP_E_PARSE, "t:1:4: invalid number: expected a digit after '.'");
    EXPECT_ERR("[.5]", PP_FMT_AUTO, PP_E_PARSE, "expected a value, found '.'");
    EXPECT_ERR("[+1]", PP_FMT_AUTO, PP_E_PARSE, "expected a value, found '+'");
    EXPECT_ERR("[-]", PP_FMT_AUTO, PP_E_PARSE, "expected a digit");
    EXPECT_ERR("[1e]", PP_FMT_AUTO, PP_E_PARSE, "exponent");
    EXPECT_ERR("[NaN]", PP_FMT_AUTO, PP_E_PARSE, "expected a value, found 'N'");
}

static void test_json_strings_and_escapes(void **state)
{
    (void)state;
    pp_doc *d = load("[\"\\ud83d\\ude00\", \"\\u00e9\\n\\t\\/\\\\\\\"\", \"caf\xc3\xa9\", \"\"]");
    assert_string_equal(json_string_value(json_array_get(d->root, 0)), "\xf0\x9f\x98\x80");
    assert_string_equal(json_string_value(json_array_get(d->root, 1)), "\xc3\xa9\n\t/\\\"");
    assert_string_equal(json_string_value(json_array_get(d->root, 2)), "caf\xc3\xa9");
    assert_string_equal(json_string_value(json_array_get(d->root, 3)), "");
    pp_doc_free(d);

    EXPECT_ERR("[\"\\ud83d x\"]", PP_FMT_AUTO, PP_E_PARSE, "t:1:3: lone high surrogate");
    EXPECT_ERR("[\"\\ud83d\\u0041\"]", PP_FMT_AUTO, PP_E_PARSE, "lone high surrogate");
    EXPECT_ERR("[\"\\ude00\"]", PP_FMT_AUTO, PP_E_PARSE, "lone low surrogate");
    EXPECT_ERR("[\"\\u12\"]", PP_FMT_AUTO, PP_E_PARSE, "four hex digits");
    EXPECT_ERR("[\"\\q\"]", PP_FMT_AUTO, PP_E_PARSE, "invalid escape '\\q'");
    EXPECT_ERR("[\"a\\u0000b\"]", PP_FMT_AUTO, PP_E_PARSE, "NUL");
    EXPECT_ERR("[\"a\tb\"]", PP_FMT_AUTO, PP_E_PARSE, "t:1:4: control character");
    EXPECT_ERR("[\"ab\ncd\"]", PP_FMT_AUTO, PP_E_PARSE, "unterminated string");
    EXPECT_ERR("[\"abc", PP_FMT_AUTO, PP_E_PARSE, "t:1:2: unterminated string");
    EXPECT_ERR("[tru]", PP_FMT_AUTO, PP_E_PARSE, "invalid literal");
    EXPECT_ERR("[True]", PP_FMT_AUTO, PP_E_PARSE, "found 'T'");
}

static void test_json_structure_errors(void **state)
{
    (void)state;
    EXPECT_ERR("{\n  \"a\": 1,\n  \"b\": 2\n  \"c\": 3}", PP_FMT_AUTO, PP_E_PARSE,
               "t:4:3: expected ',' or '}' after object member");
    EXPECT_ERR("{\"a\": [1, 2", PP_FMT_AUTO, PP_E_PARSE,
               "t:1:12: unexpected end of input, expected ',' or ']' after array element");
    EXPECT_ERR("{\"a\" 1}", PP_FMT_AUTO, PP_E_PARSE, "t:1:6: expected ':' after object key");
    EXPECT_ERR("{\"a\": 1,}", PP_FMT_AUTO, PP_E_PARSE, "t:1:9: expected '\"' (an object key) "
               "after ','");
    EXPECT_ERR("[1, 2,]", PP_FMT_AUTO, PP_E_PARSE, "t:1:7: expected a value, found ']'");
    EXPECT_ERR("{a: 1}", PP_FMT_AUTO, PP_E_PARSE, "expected '\"' (an object key) or '}'");
    EXPECT_ERR("{\"a\": 1} x", PP_FMT_AUTO, PP_E_PARSE,
               "t:1:10: expected end of input after the top-level value");
    EXPECT_ERR("{\"a\": 1}{}", PP_FMT_AUTO, PP_E_PARSE, "expected end of input");
    EXPECT_ERR("{\"a\": 1 // note\n}", PP_FMT_AUTO, PP_E_PARSE,
               "t:1:9: comments are not allowed in JSON");
    EXPECT_ERR("{\"a\": /* c */ 1}", PP_FMT_AUTO, PP_E_PARSE, "comments are not allowed");
    EXPECT_ERR("{\"a\": 1}\n// trailing", PP_FMT_AUTO, PP_E_PARSE, "t:2:1: comments");
    EXPECT_ERR("{\"a\": \xff}", PP_FMT_AUTO, PP_E_PARSE, "t:1:7: expected a value, found byte 0xFF");
    EXPECT_ERR("{\"a\": \"\xff\"}", PP_FMT_AUTO, PP_E_PARSE, "t:1:8: invalid UTF-8 byte 0xFF");
    EXPECT_ERR("{\"a\": \"\xc0\xaf\"}", PP_FMT_AUTO, PP_E_PARSE, "invalid UTF-8");  /* overlong */
    EXPECT_ERR("{\"a\": \"\xed\xa0\x80\"}", PP_FMT_AUTO, PP_E_PARSE, "invalid UTF-8"); /* surrogate */
    EXPECT_ERR("{\"a\": \"\xe2\x82\"}", PP_FMT_AUTO, PP_E_PARSE, "invalid UTF-8");  /* truncated */
    EXPECT_ERR("{\"a\": 1}\0", PP_FMT_AUTO, PP_E_PARSE, "t:1:9: expected end of input after the "
               "top-level value, found byte 0x00");
    EXPECT_ERR("{\"a\": \"x\0y\"}", PP_FMT_AUTO, PP_E_PARSE, "control character");
    EXPECT_ERR("{\"a\": 1", PP_FMT_JSON, PP_E_PARSE, "unexpected end of input");
    /* an explicit JSON format accepts a scalar root */
    pp_doc *d = load_fmt("\"just a string\"", 15, PP_FMT_JSON, NULL);
    assert_string_equal(json_string_value(d->root), "just a string");
    pp_doc_free(d);
}

static void test_json_duplicate_and_reserved_keys(void **state)
{
    (void)state;
    EXPECT_ERR("{\n \"a\": 1,\n   \"a\": 2}", PP_FMT_AUTO, PP_E_PARSE,
               "t:3:4: duplicate key 'a' (first at line 2, column 2)");
    EXPECT_ERR("{\"o\": {\"k\": {}, \"x\": [], \"k\": 1}}", PP_FMT_AUTO, PP_E_PARSE,
               "t:1:26: duplicate key 'k' (first at line 1, column 8)");
    /* the same key under different parents is fine */
    pp_doc *d = load("{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}}");
    pp_doc_free(d);
    EXPECT_ERR("{\"\\u0001pp\": \"unknown\"}", PP_FMT_AUTO, PP_E_PARSE,
               "t:1:2: keys starting with byte 0x01 are reserved");
    EXPECT_ERR("{\"\\u0000\": 1}", PP_FMT_AUTO, PP_E_PARSE, "NUL");
}

/* ---- format detection, BOM, names ----------------------------------------------------- */

static void test_auto_format(void **state)
{
    (void)state;
    pp_doc *d = load(" \t\r\n [1]");
    assert_int_equal(d->format, PP_FMT_JSON);
    pp_doc_free(d);
    d = load("a: 1");
    assert_int_equal(d->format, PP_FMT_YAML);
    pp_doc_free(d);
    d = load("# comment first\n{\"a\": 1}");   /* not '{' first: YAML, which reads it */
    assert_int_equal(d->format, PP_FMT_YAML);
    assert_json(d->root, "{\"a\": 1}");
    pp_doc_free(d);
    /* the detection is by first byte only: a YAML flow mapping goes to the JSON parser */
    EXPECT_ERR("{a: 1}", PP_FMT_AUTO, PP_E_PARSE, "object key");
    d = load_fmt("{a: 1}", 6, PP_FMT_YAML, NULL);
    assert_json(d->root, "{\"a\": 1}");
    pp_doc_free(d);
    /* a UTF-8 BOM is skipped and not counted in columns; UTF-16 is refused */
    d = load("\xEF\xBB\xBF{\"a\": 1}");
    assert_pos(d, "/a", 0, 1, 7);
    pp_doc_free(d);
    d = load("\xEF\xBB\xBF" "a: 1");
    assert_int_equal(d->format, PP_FMT_YAML);
    assert_pos(d, "/a", 0, 1, 4);
    pp_doc_free(d);
    EXPECT_ERR("\xFF\xFE{\0\"\0", PP_FMT_AUTO, PP_E_PARSE, "t:1:1: UTF-16");
    /* "-" is shown as <stdin> */
    char *err = NULL;
    pp_doc *s = pp_doc_load("-", "[", 1, PP_FMT_AUTO, NULL, NULL, &err);
    assert_null(s);
    assert_non_null(err);
    assert_true(strncmp(err, "<stdin>:1:2: ", 13) == 0);
    free(err);
    s = pp_doc_load("-", "[]", 2, PP_FMT_AUTO, NULL, NULL, NULL);
    assert_string_equal(s->name, "<stdin>");
    pp_doc_free(s);
    /* st and err may be NULL */
    assert_null(pp_doc_load("x", "[", 1, PP_FMT_AUTO, NULL, NULL, NULL));
}

static void test_empty_inputs(void **state)
{
    (void)state;
    EXPECT_ERR("", PP_FMT_AUTO, PP_E_PARSE, "t:1:1: empty document");
    EXPECT_ERR("", PP_FMT_JSON, PP_E_PARSE, "t:1:1: empty document");
    EXPECT_ERR("", PP_FMT_YAML, PP_E_PARSE, "t:1:1: empty document");
    EXPECT_ERR("  \n\t\n  ", PP_FMT_AUTO, PP_E_PARSE, "empty document");
    EXPECT_ERR(" \n\r\n ", PP_FMT_JSON, PP_E_PARSE, "empty document");
    EXPECT_ERR("# only a comment\n", PP_FMT_AUTO, PP_E_PARSE, "empty document");
    EXPECT_ERR("---\n", PP_FMT_AUTO, PP_E_PARSE, "empty document");
    EXPECT_ERR("---\n...\n", PP_FMT_AUTO, PP_E_PARSE, "empty document");
    char *err = NULL;
    pp_status st;
    assert_null(pp_doc_load("t", NULL, 0, PP_FMT_AUTO, NULL, &st, &err));
    assert_int_equal(st, PP_E_PARSE);
    free(err);
}

static void test_garbage_inputs(void **state)
{
    (void)state;
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
    expect_err_lim(png, sizeof png - 1, PP_FMT_AUTO, NULL, PP_E_PARSE, "t:1:1:");
    expect_err_lim(png, sizeof png - 1, PP_FMT_JSON, NULL, PP_E_PARSE, "t:1:1: expected a value");
    EXPECT_ERR("a: b\0c", PP_FMT_AUTO, PP_E_PARSE, "t:1:5: control characters are not allowed (byte 0x00)");
    EXPECT_ERR("a: 1\nb: \xff\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:4:");
    EXPECT_ERR("a: 1\nb: \"\xc3\x28\"\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:6: invalid trailing UTF-8");
    /* deterministic pseudo-random bytes, as JSON and as YAML: an error, never a crash */
    unsigned char rnd[4096];
    uint32_t x = 2463534242u;
    for (int round = 0; round < 64; round++) {
        for (size_t i = 0; i < sizeof rnd; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            rnd[i] = (unsigned char)x;
        }
        for (int f = PP_FMT_AUTO; f <= PP_FMT_YAML; f++) {
            char *err = NULL;
            pp_status st;
            pp_doc *d = pp_doc_load("t", (const char *)rnd, sizeof rnd, (pp_doc_format)f, NULL,
                                    &st, &err);
            assert_null(d);
            assert_true(st == PP_E_PARSE || st == PP_E_LIMIT);
            assert_non_null(err);
            free(err);
        }
    }
}

/* Every prefix and many single-byte corruptions of the fixtures load or fail cleanly. */
static void test_truncations_and_corruptions(void **state)
{
    (void)state;
    static const char *const names[] = { "template.yaml", "template.json" };
    static const char repl[] = { '\0', '\t', '"', '[', '{', ':', '-', '!', '&', '*', '\xff',
                                 '\n' };
    for (size_t f = 0; f < PP_ARRAY_LEN(names); f++) {
        size_t len;
        char *buf = read_fixture(names[f], &len);
        for (size_t n = 0; n <= len; n++) {
            char *err = NULL;
            pp_status st;
            pp_doc *d = pp_doc_load("t", buf, n, PP_FMT_AUTO, NULL, &st, &err);
            assert_true(d ? st == PP_OK && !err : (st == PP_E_PARSE && err != NULL));
            pp_doc_free(d);
            free(err);
        }
        char *copy = malloc(len);
        assert_non_null(copy);
        for (size_t i = 0; i < len; i += 3) {
            for (size_t r = 0; r < sizeof repl; r++) {
                memcpy(copy, buf, len);
                copy[i] = repl[r];
                char *err = NULL;
                pp_status st;
                pp_doc *d = pp_doc_load("t", copy, len, PP_FMT_AUTO, NULL, &st, &err);
                assert_true(d ? st == PP_OK && !err : err != NULL && st != PP_OK);
                if (d) {
                    pp_pos p;
                    assert_int_equal(pp_doc_pos(d, "", &p), 0);
                }
                pp_doc_free(d);
                free(err);
            }
        }
        free(copy);
        free(buf);
    }
}

/* ---- YAML --------------------------------------------------------------------------- */

static void test_yaml_fixture_matches_json(void **state)
{
    (void)state;
    size_t ylen, jlen;
    char *y = read_fixture("template.yaml", &ylen);
    char *j = read_fixture("template.json", &jlen);
    pp_doc *dy = load_fmt(y, ylen, PP_FMT_AUTO, NULL);
    pp_doc *dj = load_fmt(j, jlen, PP_FMT_AUTO, NULL);
    assert_int_equal(dy->format, PP_FMT_YAML);
    assert_int_equal(dj->format, PP_FMT_JSON);
    if (!json_equal(dy->root, dj->root)) {
        char *a = json_dumps(dy->root, JSON_COMPACT);
        print_error("yaml loaded as %s\n", a);
        free(a);
        fail_msg("template.yaml and template.json differ");
    }
    /* positions in the YAML fixture (comments first: the root is not at 1:1) */
    assert_pos(dy, "", 0, 3, 1);
    assert_pos(dy, "/Resources/Sg/Properties/GroupDescription", 0, 22, 25);
    assert_pos(dy, "/Resources/Sg/Properties/GroupDescription/Fn::Sub", 0, 22, 25);
    assert_pos(dy, "/Resources/Sg/Properties/SecurityGroupIngress/1/CidrIp", 0, 32, 19);
    assert_pos(dy, "/Resources/Sg/Properties/SecurityGroupIngress/1/CidrIp/Fn::If/2", 0, 32, 44);
    assert_pos(dy, "/Resources/Bucket/Properties/Tags/0/Value/Fn::GetAtt/1", 0, 40, 18);
    assert_pos(dy, "/Resources/Sg/Properties/Nope/x", 1, 22, 7);
    /* an alias: the edge is where the alias is, the shared inside where the anchor is */
    assert_pos(dy, "/Outputs/Ports", 0, 47, 10);
    assert_pos(dy, "/Outputs/Ports/web/https", 0, 17, 28);
    /* JSON positions of the same pointers */
    assert_pos(dj, "/Resources/Sg/Properties/SecurityGroupIngress/1/CidrIp", 0, 25, 22);
    pp_doc_free(dy);
    pp_doc_free(dj);
    free(y);
    free(j);
}

static void test_yaml_short_tags(void **state)
{
    (void)state;
    pp_doc *d = load("a: !Ref X\n"
                     "b: !Condition C\n"
                     "c: !Sub 'x-${AWS::Region}'\n"
                     "d: !Sub [\"${a}\", {a: 1}]\n"
                     "e: !GetAtt R.Arn\n"
                     "f: !GetAtt R.A.B\n"
                     "g: !GetAtt [R, A.B]\n"
                     "h: !GetAtt NoDot\n"
                     "i: !If [C, 1, 2]\n"
                     "j: !Equals [a, b]\n"
                     "k: !And [!Condition A, !Condition B]\n"
                     "l: !Or [!Condition A, !Condition B]\n"
                     "m: !Not [!Condition A]\n"
                     "n: !Join ['', [a, b]]\n"
                     "o: !Select [0, !GetAZs '']\n"
                     "p: !Split [',', 'a,b']\n"
                     "q: !FindInMap [M, k1, k2]\n"
                     "r: !Base64 abc\n"
                     "s: !Cidr [10.0.0.0/16, 2, 8]\n"
                     "t: !ImportValue Exported\n"
                     "u: !Transform {Name: M, Parameters: {p: 1}}\n"
                     "v: !Ref 42\n"
                     "w: !Base64\n"
                     "  Fn::Join: ['', [a]]\n");
    assert_json(d->root,
                "{\"a\": {\"Ref\": \"X\"}, \"b\": {\"Condition\": \"C\"},"
                " \"c\": {\"Fn::Sub\": \"x-${AWS::Region}\"},"
                " \"d\": {\"Fn::Sub\": [\"${a}\", {\"a\": 1}]},"
                " \"e\": {\"Fn::GetAtt\": [\"R\", \"Arn\"]},"
                " \"f\": {\"Fn::GetAtt\": [\"R\", \"A.B\"]},"
                " \"g\": {\"Fn::GetAtt\": [\"R\", \"A.B\"]},"
                " \"h\": {\"Fn::GetAtt\": \"NoDot\"},"
                " \"i\": {\"Fn::If\": [\"C\", 1, 2]},"
                " \"j\": {\"Fn::Equals\": [\"a\", \"b\"]},"
                " \"k\": {\"Fn::And\": [{\"Condition\": \"A\"}, {\"Condition\": \"B\"}]},"
                " \"l\": {\"Fn::Or\": [{\"Condition\": \"A\"}, {\"Condition\": \"B\"}]},"
                " \"m\": {\"Fn::Not\": [{\"Condition\": \"A\"}]},"
                " \"n\": {\"Fn::Join\": [\"\", [\"a\", \"b\"]]},"
                " \"o\": {\"Fn::Select\": [0, {\"Fn::GetAZs\": \"\"}]},"
                " \"p\": {\"Fn::Split\": [\",\", \"a,b\"]},"
                " \"q\": {\"Fn::FindInMap\": [\"M\", \"k1\", \"k2\"]},"
                " \"r\": {\"Fn::Base64\": \"abc\"},"
                " \"s\": {\"Fn::Cidr\": [\"10.0.0.0/16\", 2, 8]},"
                " \"t\": {\"Fn::ImportValue\": \"Exported\"},"
                " \"u\": {\"Fn::Transform\": {\"Name\": \"M\", \"Parameters\": {\"p\": 1}}},"
                " \"v\": {\"Ref\": \"42\"},"
                " \"w\": {\"Fn::Base64\": {\"Fn::Join\": [\"\", [\"a\"]]}}}");
    assert_pos(d, "/e/Fn::GetAtt/0", 0, 5, 4);
    assert_pos(d, "/k/Fn::And/1/Condition", 0, 11, 24);
    pp_doc_free(d);

    EXPECT_ERR("a: 1\nb: !Foo x\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:4: unknown tag '!Foo'");
    EXPECT_ERR("a: !Foo [1]\n", PP_FMT_AUTO, PP_E_PARSE, "t:1:4: unknown tag '!Foo'");
    EXPECT_ERR("a: !Foo {b: 1}\n", PP_FMT_AUTO, PP_E_PARSE, "unknown tag '!Foo'");
    EXPECT_ERR("a: !ref x\n", PP_FMT_AUTO, PP_E_PARSE, "unknown tag '!ref'");
    EXPECT_ERR("a: !<tag:example.com,2000:x> y\n", PP_FMT_AUTO, PP_E_PARSE, "unknown tag");
}

static void test_yaml_standard_tags(void **state)
{
    (void)state;
    pp_doc *d = load("- !!str 123\n"
                     "- !!str true\n"
                     "- !!int \"42\"\n"
                     "- !!int 0x10\n"
                     "- !!int 007\n"
                     "- !!float 1\n"
                     "- !!float '2.5'\n"
                     "- !!bool 'true'\n"
                     "- !!null ''\n"
                     "- !!map {a: 1}\n"
                     "- !!seq [1]\n"
                     "- ! 12\n"
                     "- !<tag:yaml.org,2002:str> 5\n");
    assert_json(d->root, "[\"123\", \"true\", 42, 16, 7, 1.0, 2.5, true, null, {\"a\": 1}, [1],"
                         " \"12\", \"5\"]");
    pp_doc_free(d);
    EXPECT_ERR("a: !!int abc", PP_FMT_AUTO, PP_E_PARSE, "t:1:4: !!int value is not an integer");
    EXPECT_ERR("a: !!int 99999999999999999999", PP_FMT_AUTO, PP_E_PARSE, "out of the 64-bit");
    EXPECT_ERR("a: !!float x", PP_FMT_AUTO, PP_E_PARSE, "!!float value is not a number");
    EXPECT_ERR("a: !!float .inf", PP_FMT_AUTO, PP_E_PARSE, "cannot be represented");
    EXPECT_ERR("a: !!bool yes", PP_FMT_AUTO, PP_E_PARSE, "!!bool value must be true or false");
    EXPECT_ERR("a: !!null x", PP_FMT_AUTO, PP_E_PARSE, "!!null");
    EXPECT_ERR("a: !!map x", PP_FMT_AUTO, PP_E_PARSE, "cannot apply to a scalar");
    EXPECT_ERR("a: !!seq {b: 1}", PP_FMT_AUTO, PP_E_PARSE, "'!!seq' cannot apply to a mapping");
    EXPECT_ERR("a: !!map [1]", PP_FMT_AUTO, PP_E_PARSE, "'!!map' cannot apply to a sequence");
    EXPECT_ERR("a: !!binary aGk=", PP_FMT_AUTO, PP_E_PARSE, "unsupported tag '!!binary'");
    EXPECT_ERR("a: !!timestamp 2001-12-14", PP_FMT_AUTO, PP_E_PARSE, "unsupported tag");
}

static void test_yaml_scalar_typing(void **state)
{
    (void)state;
    pp_doc *d = load("- true\n- True\n- TRUE\n- false\n- False\n- FALSE\n"
                     "- yes\n- no\n- on\n- off\n- tRUE\n"
                     "- 42\n- -7\n- +5\n- 0x1F\n- 0o17\n- 0\n- -0\n"
                     "- 012345678901\n- 00\n- 0x\n- 0xG\n- 1_000\n"
                     "- 1.5\n- 1e3\n- -.5\n- 1.\n- 0.5\n- 01.5\n- 1e400\n"
                     "- .inf\n- -.Inf\n- .NaN\n"
                     "- 99999999999999999999\n- 9223372036854775807\n- -9223372036854775808\n"
                     "- 9223372036854775808\n"
                     "- 2010-09-09\n- 1.2.3\n"
                     "- null\n- Null\n- NULL\n- ~\n-\n- nil\n"
                     "- \"true\"\n- '42'\n- \"null\"\n- ''\n- |\n  42\n- >\n  7\n");
    assert_json(d->root,
                "[true, true, true, false, false, false,"
                " \"yes\", \"no\", \"on\", \"off\", \"tRUE\","
                " 42, -7, 5, 31, 15, 0, 0,"
                " \"012345678901\", \"00\", \"0x\", \"0xG\", \"1_000\","
                " 1.5, 1000.0, -0.5, 1.0, 0.5, \"01.5\", \"1e400\","
                " \".inf\", \"-.Inf\", \".NaN\","
                " \"99999999999999999999\", 9223372036854775807, -9223372036854775808,"
                " \"9223372036854775808\","
                " \"2010-09-09\", \"1.2.3\","
                " null, null, null, null, null, \"nil\","
                " \"true\", \"42\", \"null\", \"\", \"42\\n\", \"7\\n\"]");
    pp_doc_free(d);

    /* keys are always strings */
    d = load("true: 1\n1: 2\nnull: 3\n~: 4\n0x10: 5\n1.5: 6\n'q': 7\n");
    assert_json(d->root, "{\"true\": 1, \"1\": 2, \"null\": 3, \"~\": 4, \"0x10\": 5,"
                         " \"1.5\": 6, \"q\": 7}");
    pp_doc_free(d);
    EXPECT_ERR("? [a]\n: 1\n", PP_FMT_AUTO, PP_E_PARSE, "t:1:3: mapping keys must be scalars");
    EXPECT_ERR("{[a]: 1}\n", PP_FMT_YAML, PP_E_PARSE, "mapping keys must be scalars");
    EXPECT_ERR("? {a: 1}\n: 1\n", PP_FMT_AUTO, PP_E_PARSE, "found a mapping");
    EXPECT_ERR("!Ref a: 1\n", PP_FMT_AUTO, PP_E_PARSE, "not allowed on a key");
    EXPECT_ERR("a: \"x\\0y\"\n", PP_FMT_AUTO, PP_E_PARSE, "t:1:4: NUL");
}

static void test_yaml_byte_columns(void **state)
{
    (void)state;
    /* libyaml counts characters; positions are in bytes */
    pp_doc *d = load("\xc3\xa9: \"\xc3\xbc\"\nk: [\"\xc3\xa4\", x]\n\xe2\x82\xac\xe2\x82\xac: {z: 1}\n");
    assert_pos(d, "/\xc3\xa9", 0, 1, 5);
    assert_pos(d, "/k/1", 0, 2, 11);
    assert_pos(d, "/\xe2\x82\xac\xe2\x82\xac/z", 0, 3, 13);
    pp_doc_free(d);
}

/* One 1.1 MB line of 125,000 non-ASCII scalars: each column must still be right (in bytes), and
 * the conversion walks on from the previous mark: from the line start it took O(scalars x
 * line length), about a minute here for this input (a fuzzer find). */
static void test_yaml_long_line_columns(void **state)
{
    (void)state;
    enum { N = 125000 };
    pp_buf b;
    pp_buf_init(&b, 0);
    size_t *col = malloc(N * sizeof *col);
    assert_non_null(col);
    assert_int_equal(pp_buf_puts(&b, "k: ["), PP_OK);
    for (size_t i = 0; i < N; i++) {
        if (i)
            assert_int_equal(pp_buf_puts(&b, ", "), PP_OK);
        col[i] = b.len + 1;
        assert_int_equal(pp_buf_printf(&b, "\xc3\xa9%zu", i), PP_OK);
    }
    assert_int_equal(pp_buf_puts(&b, "]\n"), PP_OK);
    assert_true(b.len > 1000000);
    pp_doc *d = load(b.data);
    assert_int_equal(json_array_size(json_object_get(d->root, "k")), N);
    static const size_t probe[] = {0, 1, 2, 999, 54321, N - 2, N - 1};
    for (size_t i = 0; i < PP_ARRAY_LEN(probe); i++) {
        char ptr[32];
        snprintf(ptr, sizeof ptr, "/k/%zu", probe[i]);
        assert_pos(d, ptr, 0, 1, (unsigned)col[probe[i]]);
    }
    pp_doc_free(d);
    free(col);
    pp_buf_free(&b);
}

static void test_crlf_positions(void **state)
{
    (void)state;
    pp_doc *d = load("a: 1\r\nb:\r\n  - x\r\n  - y\r\n");
    assert_pos(d, "/b/1", 0, 4, 5);
    pp_doc_free(d);
    d = load("{\r\n\"a\": 1,\r\n  \"b\": [true]\r\n}\r\n");
    assert_pos(d, "/b/0", 0, 3, 9);
    pp_doc_free(d);
}

static void test_yaml_structure_errors(void **state)
{
    (void)state;
    EXPECT_ERR("a:\n\tb: 1\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:1:");
    EXPECT_ERR("a:\n\tb: 1\n", PP_FMT_AUTO, PP_E_PARSE, "tabs cannot be used for indentation");
    EXPECT_ERR("a: 1\n---\nb: 2\n", PP_FMT_AUTO, PP_E_PARSE,
               "t:2:1: expected a single document");
    EXPECT_ERR("--- 1\n--- 2\n", PP_FMT_AUTO, PP_E_PARSE, "expected a single document");
    EXPECT_ERR("a: [1, 2\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:1:");
    EXPECT_ERR("a: b: c\n", PP_FMT_AUTO, PP_E_PARSE, "mapping values are not allowed");
    EXPECT_ERR("a: 1\n b: 2\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:3:");
    EXPECT_ERR("a: 'open\n", PP_FMT_AUTO, PP_E_PARSE, "t:2:1: found unexpected end of stream");
    EXPECT_ERR("a: 1\nb:\n  c: 2\n  c: 3\n", PP_FMT_AUTO, PP_E_PARSE,
               "t:4:3: duplicate key 'c' (first at line 3, column 3)");
    EXPECT_ERR("{a: 1, a: 2}", PP_FMT_YAML, PP_E_PARSE,
               "t:1:8: duplicate key 'a' (first at line 1, column 2)");
    EXPECT_ERR("\"a\": 1\n'a': 2\n", PP_FMT_AUTO, PP_E_PARSE, "duplicate key 'a'");
    EXPECT_ERR("\"\\x01pp\": unknown\n", PP_FMT_AUTO, PP_E_PARSE,
               "t:1:1: keys starting with byte 0x01 are reserved");
    EXPECT_ERR("\"\\u0001x\": 1\n", PP_FMT_AUTO, PP_E_PARSE, "reserved");
}

static void test_yaml_anchors(void **state)
{
    (void)state;
    pp_doc *d = load("base: &b {x: 1, y: [1, 2]}\n"
                     "copy: *b\n"
                     "s: &s hello\n"
                     "t: *s\n"
                     "&k key: value\n"
                     "other: {*k : again}\n"
                     "r: &r !Ref Thing\n"
                     "rr: [*r, *r]\n"
                     "re: &s changed\n"
                     "u: *s\n");
    assert_json(d->root, "{\"base\": {\"x\": 1, \"y\": [1, 2]}, \"copy\": {\"x\": 1, \"y\": [1, 2]},"
                         " \"s\": \"hello\", \"t\": \"hello\", \"key\": \"value\","
                         " \"other\": {\"key\": \"again\"},"
                         " \"r\": {\"Ref\": \"Thing\"}, \"rr\": [{\"Ref\": \"Thing\"},"
                         " {\"Ref\": \"Thing\"}], \"re\": \"changed\", \"u\": \"changed\"}");
    assert_pos(d, "/copy", 0, 2, 7);
    assert_pos(d, "/copy/y/1", 0, 1, 24);
    assert_pos(d, "/rr/1", 0, 8, 10);
    pp_doc_free(d);
    /* "*k : again" used key "key"'s anchor: the key is the anchored string */
    EXPECT_ERR("&k key: 1\n*k : 2\n", PP_FMT_AUTO, PP_E_PARSE, "duplicate key 'key'");
    EXPECT_ERR("a: *nope\n", PP_FMT_AUTO, PP_E_PARSE, "t:1:4: undefined alias '*nope'");
    EXPECT_ERR("a: &a [1, *a]\n", PP_FMT_AUTO, PP_E_PARSE, "undefined alias '*a'");
    EXPECT_ERR("a: &a [1]\n*a : 2\n", PP_FMT_AUTO, PP_E_PARSE, "must name a string");
}

static void test_yaml_billion_laughs(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_fixture("billion_laughs.yaml", &len);
    uint64_t t0 = pp_now_ms();
    expect_err_lim(buf, len, PP_FMT_AUTO, NULL, PP_E_LIMIT, "max_alias_nodes");
    assert_true(pp_now_ms() - t0 < 2000);
    free(buf);

    /* each alias counts the anchored subtree, nested aliases included */
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.max_alias_nodes = 12;
    const char *ok = "a: &a [1, 2]\nb: &b [*a, *a]\nc: *a\n";      /* 3+3+3 alias values */
    pp_doc *d = load_fmt(ok, strlen(ok), PP_FMT_AUTO, &lim);
    pp_doc_free(d);
    const char *over = "a: &a [1, 2]\nb: &b [*a, *a]\nc: *b\n";    /* 3+3+7 = 13 */
    expect_err_lim(over, strlen(over), PP_FMT_AUTO, &lim, PP_E_LIMIT, "t:3:4: aliases expand");
    /* ... and against max_nodes for the whole document */
    lim = (pp_limits)PP_LIMITS_DEFAULT;
    lim.max_nodes = 10;
    expect_err_lim(ok, strlen(ok), PP_FMT_AUTO, &lim, PP_E_LIMIT, "max_nodes");
    /* an alias placed deeper than its anchor counts its own height */
    lim = (pp_limits)PP_LIMITS_DEFAULT;
    lim.max_depth = 3;
    const char *shallow = "a: &a [[1]]\n";
    d = load_fmt(shallow, strlen(shallow), PP_FMT_AUTO, &lim);
    pp_doc_free(d);
    const char *deep = "a: &a [[1]]\nb: [*a]\n";
    expect_err_lim(deep, strlen(deep), PP_FMT_AUTO, &lim, PP_E_LIMIT, "t:2:5: nesting deeper");
}

/* ---- limits ------------------------------------------------------------------------- */

static void test_limit_input_bytes(void **state)
{
    (void)state;
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.max_input_bytes = 10;
    pp_doc *d = load_fmt("[1, 2, 34]", 10, PP_FMT_AUTO, &lim);
    pp_doc_free(d);
    expect_err_lim("[1, 2, 345]", 11, PP_FMT_AUTO, &lim, PP_E_LIMIT, "max_input_bytes");
    expect_err_lim("a: 1234567", 10 + 1, PP_FMT_YAML, &lim, PP_E_LIMIT, "11 bytes");
}

static void test_limit_depth(void **state)
{
    (void)state;
    const size_t deep = 200000;
    struct {
        const char *open, *tail;
        pp_doc_format fmt;
    } cases[] = {
        { "[", "", PP_FMT_AUTO },            /* JSON arrays, never closed */
        { "{\"a\":", "1", PP_FMT_AUTO },     /* JSON objects */
        { "[", "", PP_FMT_YAML },            /* YAML flow */
        { "- ", "x", PP_FMT_YAML },          /* YAML block sequences on one line */
        { "{a: ", "1", PP_FMT_YAML },        /* YAML flow mappings */
        { "!Not [", "", PP_FMT_YAML },       /* short forms add a level each */
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(cases); i++) {
        char *s = repeat(cases[i].open, deep, cases[i].tail);
        uint64_t t0 = pp_now_ms();
        expect_err_lim(s, strlen(s), cases[i].fmt, NULL, PP_E_LIMIT,
                       "nesting deeper than 256 levels (max_depth)");
        assert_true(pp_now_ms() - t0 < 2000);
        free(s);
    }
    /* the boundary: 256 levels load, 257 do not */
    char *s = repeat("[", 256, "");
    char *t = repeat("]", 256, "");
    char *ok = pp_asprintf("%s%s", s, t);
    pp_doc *d = load(ok);
    pp_doc_free(d);
    free(ok);
    ok = pp_asprintf("[%s%s]", s, t);
    expect_err_lim(ok, strlen(ok), PP_FMT_AUTO, NULL, PP_E_LIMIT, "t:1:257:");
    expect_err_lim(ok, strlen(ok), PP_FMT_YAML, NULL, PP_E_LIMIT, "t:1:257:");
    free(ok);
    free(s);
    free(t);
}

static void test_limit_string_bytes(void **state)
{
    (void)state;
    size_t n = 5u << 20;
    char *big = malloc(n + 16);
    assert_non_null(big);
    big[0] = '[';
    big[1] = '"';
    memset(big + 2, 'a', n);
    memcpy(big + 2 + n, "\"]", 3);
    expect_err_lim(big, n + 4, PP_FMT_AUTO, NULL, PP_E_LIMIT,
                   "t:1:2: string longer than 4194304 bytes (max_string_bytes)");
    big[2] = '\\';   /* the decoding path */
    big[3] = 'n';
    expect_err_lim(big, n + 4, PP_FMT_AUTO, NULL, PP_E_LIMIT, "max_string_bytes");
    memcpy(big, "a: ", 3);
    memset(big + 3, 'b', n);
    big[n + 3] = '\n';
    expect_err_lim(big, n + 4, PP_FMT_YAML, NULL, PP_E_LIMIT, "t:1:4: string longer");
    free(big);

    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.max_string_bytes = 4;
    pp_doc *d = load_fmt("{\"abcd\": \"wxyz\"}", 16, PP_FMT_AUTO, &lim);
    pp_doc_free(d);
    expect_err_lim("{\"abcde\": 1}", 12, PP_FMT_AUTO, &lim, PP_E_LIMIT, "t:1:2:");
    const char *esc = "[\"a\\u00e9xy\"]";   /* decodes to 5 bytes */
    expect_err_lim(esc, strlen(esc), PP_FMT_AUTO, &lim, PP_E_LIMIT, "max_string_bytes");
    expect_err_lim("abcde: 1", 8, PP_FMT_YAML, &lim, PP_E_LIMIT, "max_string_bytes");
    expect_err_lim("a: |\n  abcd\n", 12, PP_FMT_YAML, &lim, PP_E_LIMIT, "max_string_bytes");
}

static void test_limit_nodes(void **state)
{
    (void)state;
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.max_nodes = 5;
    pp_doc *d = load_fmt("[1, 2, 3, 4]", 12, PP_FMT_AUTO, &lim);
    pp_doc_free(d);
    expect_err_lim("[1, 2, 3, 4, 5]", 15, PP_FMT_AUTO, &lim, PP_E_LIMIT,
                   "t:1:14: document has more than 5 values (max_nodes)");
    d = load_fmt("[1, 2, 3, 4]", 12, PP_FMT_YAML, &lim);
    pp_doc_free(d);
    expect_err_lim("- 1\n- 2\n- 3\n- 4\n- 5\n", 20, PP_FMT_YAML, &lim, PP_E_LIMIT, "max_nodes");
    /* a short form is two values */
    expect_err_lim("[1, 2, 3, !Ref x]", 17, PP_FMT_YAML, &lim, PP_E_LIMIT, "max_nodes");
}

/* ---- wrap and the position map ---------------------------------------------------------- */

static void test_wrap(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:{s:i}}", "Props", "Port", 22);
    pp_doc *d = pp_doc_wrap("-", v);
    assert_non_null(d);
    assert_string_equal(d->name, "<stdin>");
    assert_ptr_equal(d->root, v);
    pp_pos p = { 7, 7 };
    assert_int_equal(pp_doc_pos(d, "", &p), -1);
    assert_int_equal(pp_doc_pos(d, "/Props/Port", &p), -1);
    assert_int_equal(p.line, 7);
    /* code that builds documents may record positions afterwards */
    assert_int_equal(pp_posmap_put(d->pos, NULL, "", 0, (pp_pos){ 2, 3 }), 0);
    assert_int_equal(pp_doc_pos(d, "/Props/Port", &p), 1);
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 3);
    pp_doc_free(d);
    pp_doc_free(NULL);
    assert_int_equal(pp_doc_pos(NULL, "", &p), -1);
}

static void test_posmap_primitives(void **state)
{
    (void)state;
    pp_posmap *m = pp_posmap_new();
    assert_non_null(m);
    json_t *a = json_array(), *o = json_object();
    pp_pos p;
    assert_int_equal(pp_posmap_get(m, NULL, "", 0, &p), -1);
    assert_int_equal(pp_posmap_put(m, NULL, "", 0, (pp_pos){ 1, 2 }), 0);
    assert_int_equal(pp_posmap_put(m, o, "k", 0, (pp_pos){ 3, 4 }), 0);
    assert_int_equal(pp_posmap_put(m, a, NULL, 5, (pp_pos){ 5, 6 }), 0);
    assert_int_equal(pp_posmap_get(m, NULL, "", 0, &p), 0);
    assert_int_equal(p.line, 1);
    assert_int_equal(pp_posmap_get(m, o, "k", 0, &p), 0);
    assert_int_equal(p.col, 4);
    assert_int_equal(pp_posmap_get(m, a, NULL, 5, &p), 0);
    assert_int_equal(p.line, 5);
    assert_int_equal(pp_posmap_get(m, a, NULL, 4, &p), -1);
    assert_int_equal(pp_posmap_get(m, o, "K", 0, &p), -1);
    assert_int_equal(pp_posmap_get(m, a, "k", 0, &p), -1);
    /* replace */
    assert_int_equal(pp_posmap_put(m, o, "k", 0, (pp_pos){ 9, 9 }), 0);
    assert_int_equal(pp_posmap_get(m, o, "k", 0, &p), 0);
    assert_int_equal(p.line, 9);
    /* growth: many edges, keys copied */
    for (size_t i = 0; i < 20000; i++) {
        char key[32];
        snprintf(key, sizeof key, "key%zu", i);
        assert_int_equal(pp_posmap_put(m, o, key, 0, (pp_pos){ (unsigned)i + 1, 1 }), 0);
        assert_int_equal(pp_posmap_put(m, a, NULL, i + 100, (pp_pos){ 1, (unsigned)i + 1 }), 0);
    }
    for (size_t i = 0; i < 20000; i += 7) {
        char key[32];
        snprintf(key, sizeof key, "key%zu", i);
        assert_int_equal(pp_posmap_get(m, o, key, 0, &p), 0);
        assert_int_equal(p.line, i + 1);
        assert_int_equal(pp_posmap_get(m, a, NULL, i + 100, &p), 0);
        assert_int_equal(p.col, i + 1);
    }
    assert_int_equal(pp_posmap_get(m, o, "k", 0, &p), 0);
    assert_int_equal(p.line, 9);
    pp_posmap_free(m);
    pp_posmap_free(NULL);
    json_decref(a);
    json_decref(o);
}

/* ---- allocation failures -------------------------------------------------------------
 * Outside sanitizer builds this file interposes malloc & co. (glibc lets an executable do so
 * for every library) to fail the Nth allocation and to count live blocks, so each NOMEM path
 * is shown to fail cleanly and to free what it took. Under ASan the test is skipped. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define PP_TEST_ALLOC_HOOKS 0
#else
#define PP_TEST_ALLOC_HOOKS 1
#endif

#if PP_TEST_ALLOC_HOOKS
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long alloc_fail_at = -1;   /* fail when the countdown reaches 0; -1 = never */
static long alloc_live;

static int alloc_should_fail(void)
{
    if (alloc_fail_at < 0)
        return 0;
    return alloc_fail_at-- == 0;
}

void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

void *malloc(size_t n)
{
    if (alloc_should_fail())
        return NULL;
    void *p = __libc_malloc(n);
    if (p)
        alloc_live++;
    return p;
}

void *calloc(size_t n, size_t m)
{
    if (alloc_should_fail())
        return NULL;
    void *p = __libc_calloc(n, m);
    if (p)
        alloc_live++;
    return p;
}

void *realloc(void *p, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    void *q = __libc_realloc(p, n);
    if (q && !p)
        alloc_live++;
    return q;
}

void free(void *p)
{
    if (p)
        alloc_live--;
    __libc_free(p);
}
#endif

static void test_allocation_failures(void **state)
{
    (void)state;
#if PP_TEST_ALLOC_HOOKS
    size_t ylen, jlen;
    char *y = read_fixture("template.yaml", &ylen);
    char *j = read_fixture("template.json", &jlen);
    const char *srcs[] = { y, j, "{\"a\": \"x\\ny\", \"b\": [1.5, 2]}", "[1, 2, 3]" };
    size_t lens[] = { ylen, jlen, strlen(srcs[2]), strlen(srcs[3]) };
    for (size_t s = 0; s < PP_ARRAY_LEN(srcs); s++) {
        pp_doc_free(pp_doc_load("t", srcs[s], lens[s], PP_FMT_AUTO, NULL, NULL, NULL));
        int done = 0;
        for (long n = 0; !done; n++) {
            char *err = NULL;
            pp_status st = PP_OK;
            long live0 = alloc_live;
            alloc_fail_at = n;
            pp_doc *d = pp_doc_load("t", srcs[s], lens[s], PP_FMT_AUTO, NULL, &st, &err);
            done = alloc_fail_at >= 0;   /* nothing failed: every allocation has been tried */
            alloc_fail_at = -1;
            if (d) {
                assert_int_equal(st, PP_OK);
                pp_pos p;
                assert_int_equal(pp_doc_pos(d, "", &p), 0);
                pp_doc_free(d);
            } else {
                if (st != PP_E_NOMEM)
                    fail_msg("source %zu, failing allocation %ld: %s: %s", s, n,
                             pp_status_name(st), err ? err : "(no message)");
                free(err);
            }
            if (alloc_live != live0)
                fail_msg("source %zu, failing allocation %ld: %ld blocks leaked", s, n,
                         alloc_live - live0);
        }
    }
    free(y);
    free(j);
#else
    skip();
#endif
}

/* pp_doc_load_root: the values pp_doc_load gives, and on every kind of bad input the same
 * status and the same message (positions included) although the fast pass records none. */
static void test_load_root(void **state)
{
    (void)state;
    static const char *good[] = {
        "{\"a\": [1, 2.5, true, null, {\"b\": \"\\u00e9\\n\"}], \"c\": {}}",
        "  [\"x\", []]\n",
        "\xEF\xBB\xBF{\"bom\": 1}",
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(good); i++) {
        pp_status st = PP_E_INTERNAL;
        char *err = NULL;
        json_t *root = pp_doc_load_root("request", good[i], strlen(good[i]), NULL, &st, &err);
        pp_doc *doc = pp_doc_load("request", good[i], strlen(good[i]), PP_FMT_JSON, NULL, NULL,
                                  NULL);
        assert_non_null(root);
        assert_non_null(doc);
        assert_int_equal(st, PP_OK);
        assert_null(err);
        assert_true(json_equal(root, doc->root));
        json_decref(root);
        pp_doc_free(doc);
    }
    pp_limits small = PP_LIMITS_DEFAULT;
    small.max_depth = 3;
    small.max_input_bytes = 64;
    static const char *bad[] = {
        "{\"a\": 1, \"a\": 2}",              /* duplicate key: the first one's position */
        "{\"a\": 1} x",                      /* trailing text */
        "{\"a\": [1, 2}",                    /* wrong bracket */
        "   \n  ",                           /* blank */
        "\xFE\xFF{}",                        /* UTF-16 */
        "{\"a\": {\"b\": {\"c\": {}}}}",     /* past max_depth */
        "[\"0123456789012345678901234567890123456789012345678901234567890\"]",  /* too big */
        "{\"k\": \"\\ud800\"}",              /* lone surrogate */
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(bad); i++) {
        pp_status st1 = PP_OK, st2 = PP_OK;
        char *e1 = NULL, *e2 = NULL;
        json_t *root = pp_doc_load_root("request", bad[i], strlen(bad[i]), &small, &st1, &e1);
        pp_doc *doc = pp_doc_load("request", bad[i], strlen(bad[i]), PP_FMT_JSON, &small, &st2,
                                  &e2);
        assert_null(root);
        assert_null(doc);
        assert_int_equal(st1, st2);
        assert_non_null(e1);
        assert_string_equal(e1, e2);
        free(e1);
        free(e2);
    }
    pp_status st = PP_OK;
    char *err = NULL;
    assert_null(pp_doc_load_root("request", "{\"a\": 1, \"a\": 2}", 16, NULL, &st, &err));
    assert_int_equal(st, PP_E_PARSE);
    assert_string_equal(err, "request:1:10: duplicate key 'a' (first at line 1, column 2)");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_values_and_positions),
        cmocka_unit_test(test_json_root_position_not_1_1),
        cmocka_unit_test(test_json_pointer_escapes),
        cmocka_unit_test(test_json_numbers),
        cmocka_unit_test(test_json_strings_and_escapes),
        cmocka_unit_test(test_json_structure_errors),
        cmocka_unit_test(test_json_duplicate_and_reserved_keys),
        cmocka_unit_test(test_auto_format),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_garbage_inputs),
        cmocka_unit_test(test_truncations_and_corruptions),
        cmocka_unit_test(test_yaml_fixture_matches_json),
        cmocka_unit_test(test_yaml_short_tags),
        cmocka_unit_test(test_yaml_standard_tags),
        cmocka_unit_test(test_yaml_scalar_typing),
        cmocka_unit_test(test_yaml_byte_columns),
        cmocka_unit_test(test_yaml_long_line_columns),
        cmocka_unit_test(test_crlf_positions),
        cmocka_unit_test(test_yaml_structure_errors),
        cmocka_unit_test(test_yaml_anchors),
        cmocka_unit_test(test_yaml_billion_laughs),
        cmocka_unit_test(test_limit_input_bytes),
        cmocka_unit_test(test_limit_depth),
        cmocka_unit_test(test_limit_string_bytes),
        cmocka_unit_test(test_limit_nodes),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_posmap_primitives),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_load_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
