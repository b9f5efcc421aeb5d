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

#include "tests/unit/doc_fixture.h"
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

/* pp_doc_load_root_scan: loop_keys is 0 only when no object key (escapes decoded) starts with
 * "Fn::ForEach::"; a value, a shorter key or a near miss is no loop key, and a load the fast
 * pass did not finish (a BOM) says 1, since it could not tell. */
static void test_load_root_scan(void **state)
{
    (void)state;
    static const struct { const char *text; int loop_keys; } cases[] = {
        { "{\"a\": {\"b\": [{\"Fn::ForEach::Ports\": [\"P\", [], {}]}]}}", 1 },
        { "{\"Fn\\u003a:ForEach::X\": 1}", 1 },      /* the decoded key counts */
        { "{\"Fn::ForEach::\": 1}", 1 },               /* the prefix alone */
        { "{\"a\": \"Fn::ForEach::X\"}", 0 },          /* a value, not a key */
        { "{\"Fn::ForEach:\": 1, \"Fn::ForEach\": 2}", 0 },
        { "{\"fn::foreach::x\": 1, \"xFn::ForEach::y\": 2}", 0 },
        { "[\"Fn::ForEach::X\", {\"k\": {}}]", 0 },
        { "\xEF\xBB\xBF{\"bom\": 1}", 1 },            /* the slow pass: unknown */
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(cases); i++) {
        pp_status st = PP_E_INTERNAL;
        char *err = NULL;
        int lk = -1;
        json_t *root = pp_doc_load_root_scan("request", cases[i].text, strlen(cases[i].text),
                                             NULL, &st, &err, &lk);
        assert_non_null(root);
        assert_int_equal(st, PP_OK);
        assert_int_equal(lk, cases[i].loop_keys);
        json_decref(root);
    }
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
        cmocka_unit_test(test_limit_input_bytes),
        cmocka_unit_test(test_limit_depth),
        cmocka_unit_test(test_limit_string_bytes),
        cmocka_unit_test(test_limit_nodes),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_posmap_primitives),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_load_root),
        cmocka_unit_test(test_load_root_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
