/* test_base.c — engine/base's UTF-8 module (utf8.h), string hash (hash.h) and the sticky
 * out-of-memory flag of pp_buf (pp_buf_finish). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/hash.h"
#include "engine/base/json_write.h"
#include "engine/base/strmap.h"
#include "engine/base/utf8.h"
#include "engine/base/util.h"

static size_t seq(const char *s, size_t n)
{
    return pp_utf8_seq((const unsigned char *)s, (const unsigned char *)s + n);
}

static void test_utf8_seq(void **state)
{
    (void)state;
    assert_int_equal(seq("a", 1), 1);
    assert_int_equal(seq("\xC3\xA9", 2), 2);                 /* é */
    assert_int_equal(seq("\xE2\x82\xAC", 3), 3);             /* € */
    assert_int_equal(seq("\xF0\x9F\x98\x80", 4), 4);         /* U+1F600 */
    assert_int_equal(seq("\xF4\x8F\xBF\xBF", 4), 4);         /* U+10FFFF */
    assert_int_equal(seq("\xC0\x80", 2), 0);                 /* overlong NUL */
    assert_int_equal(seq("\xC1\xBF", 2), 0);                 /* overlong */
    assert_int_equal(seq("\xE0\x80\x80", 3), 0);             /* overlong */
    assert_int_equal(seq("\xED\xA0\x80", 3), 0);             /* surrogate U+D800 */
    assert_int_equal(seq("\xF0\x80\x80\x80", 4), 0);         /* overlong */
    assert_int_equal(seq("\xF4\x90\x80\x80", 4), 0);         /* above U+10FFFF */
    assert_int_equal(seq("\xF5\x80\x80\x80", 4), 0);
    assert_int_equal(seq("\x80", 1), 0);                     /* lone continuation */
    assert_int_equal(seq("\xE2\x82", 2), 0);                 /* cut short: end respected */
    assert_int_equal(seq("\xE2\x28\xA1", 3), 0);             /* bad continuation */
}

static void test_utf8_cut_put_clean(void **state)
{
    (void)state;
    const char *s = "a\xC3\xA9" "b";                   /* a é b */
    assert_int_equal(pp_utf8_cut(s, 0), 0);
    assert_int_equal(pp_utf8_cut(s, 1), 1);
    assert_int_equal(pp_utf8_cut(s, 2), 1);   /* s[2] continues é: keep "a" */
    assert_int_equal(pp_utf8_cut(s, 3), 3);
    unsigned char out[4];
    static const uint32_t cps[] = {0x41, 0xE9, 0x20AC, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < PP_ARRAY_LEN(cps); i++) {
        size_t n = pp_utf8_put(out, cps[i]);
        assert_int_equal(n, cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4);
        assert_int_equal(pp_utf8_seq(out, out + n), n);
    }
    char bad[] = "ok\xC0\x80-\xED\xA0\x80-\xE2\x82\xAC-\xFF";
    /* valid: exactly the strings clean leaves alone, looked at over the given length only */
    assert_true(pp_utf8_valid("", 0));
    assert_true(pp_utf8_valid("plain \x01\x7f", 8));
    assert_true(pp_utf8_valid("\xE2\x82\xAC\xF0\x9F\x98\x80\xEF\xBF\xBE", 10));
    assert_false(pp_utf8_valid(bad, sizeof bad - 1));
    assert_false(pp_utf8_valid("\xE2\x82\xAC", 2));   /* cut inside a sequence */
    assert_true(pp_utf8_valid("a\xFF", 1));
    assert_false(pp_utf8_valid("\xC0\x80", 2));        /* overlong */
    assert_false(pp_utf8_valid("\xED\xA0\x80", 3));    /* surrogate */
    assert_false(pp_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(pp_utf8_valid("\x80", 1));            /* lone continuation */
    pp_utf8_clean(bad);
    assert_string_equal(bad, "ok?" "?-?" "?" "?-\xE2\x82\xAC-?");   /* split: no trigraphs */
}

static void test_fnv1a(void **state)
{
    (void)state;
    /* the published FNV-1a 64-bit test vectors */
    assert_true(pp_fnv1a_str("") == 0xcbf29ce484222325ULL);
    assert_true(pp_fnv1a_str("a") == 0xaf63dc4c8601ec8cULL);
    assert_true(pp_fnv1a_str("foobar") == 0x85944171f73967e8ULL);
    assert_true(pp_fnv1a("foobar", 6) == pp_fnv1a_str("foobar"));
    assert_true(pp_fnv1a("foo\0bar", 7) != pp_fnv1a_str("foo"));
}

static void test_buf_finish(void **state)
{
    (void)state;
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "abc");
    char *s = pp_buf_finish(&b);
    assert_string_equal(s, "abc");
    free(s);
    /* an append refused for its size marks the buffer; the whole text is then refused */
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, "abc");
    assert_int_equal(pp_buf_append(&b, "x", SIZE_MAX / 2 + 2), PP_E_NOMEM);
    assert_int_equal(b.nomem, 1);
    assert_null(pp_buf_finish(&b));
    assert_null(b.data);
    /* a limit is not memory: the text so far stands */
    pp_buf_init(&b, 4);
    pp_buf_puts(&b, "abc");
    assert_int_equal(pp_buf_puts(&b, "de"), PP_E_LIMIT);
    s = pp_buf_finish(&b);
    assert_string_equal(s, "abc");
    free(s);
}

/* The string map: absent keys, replacement, growth past many rehashes, borrowed keys. */
static void test_strmap(void **state)
{
    (void)state;
    pp_strmap m;
    pp_strmap_init(&m);
    assert_true(pp_strmap_get(&m, "x") == (size_t)-1);   /* empty: nothing allocated */
    static char keys[3000][12];
    for (size_t i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        assert_int_equal(pp_strmap_put(&m, keys[i], i * 7), 0);
    }
    assert_int_equal(m.n, 3000);
    assert_true(2 * m.n <= m.mask + 1);   /* at most one slot in two */
    for (size_t i = 0; i < 3000; i++)
        assert_true(pp_strmap_get(&m, keys[i]) == i * 7);
    assert_true(pp_strmap_get(&m, "k3000") == (size_t)-1);
    assert_true(pp_strmap_get(&m, "") == (size_t)-1);
    assert_int_equal(pp_strmap_put(&m, "k5", 1), 0);   /* an equal key (another pointer) */
    assert_true(pp_strmap_get(&m, keys[5]) == 1);
    assert_int_equal(m.n, 3000);
    assert_int_equal(pp_strmap_put(&m, "", 42), 0);
    assert_true(pp_strmap_get(&m, "") == 42);
    pp_strmap_free(&m);
    assert_null(m.key);
    pp_strmap_free(&m);   /* twice is harmless */
}

/* pp_jw_bool in both layouts, as a member and in an array. */
/* Hostile text through the JSON string writers, expected bytes written out by hand: the two
 * short escapes for '"' and '\\', \n \r \t \b \f, every other control byte as \u00XX (lower-case
 * hex), NUL inside the string included; DEL, U+2028/U+2029 and bytes that are not UTF-8 are
 * copied as they are (the callers validate UTF-8). pp_jw_fields_plain refuses such a string
 * (nothing written) so the escaping path writes it. */
static void test_jw_escape_hostile(void **state)
{
    (void)state;
    static const char in[] = "a\"b\\c\n\r\t\b\f\x01\x1f\x7f</x>\xe2\x80\xa8\xe2\x80\xa9\xff\xc3";
    static const char want[] = "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f</x>"
                               "\xe2\x80\xa8\xe2\x80\xa9\xff\xc3\"";
    pp_buf b;
    pp_buf_init(&b, 0);
    assert_int_equal(pp_json_write_string(&b, in, sizeof in - 1), PP_OK);
    assert_int_equal(b.len, sizeof want - 1);
    assert_memory_equal(b.data, want, sizeof want - 1);
    pp_buf_free(&b);

    static const char nul[] = { 'x', '\0', 'y', 0x1b };
    pp_buf_init(&b, 0);
    assert_int_equal(pp_json_write_string(&b, nul, sizeof nul), PP_OK);
    assert_string_equal(b.data, "\"x\\u0000y\\u001b\"");
    pp_buf_free(&b);

    pp_jw w;
    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 2);
    pp_jw_open(&w, '{');
    pp_jw_field f[1] = { { "m", PP_JW_F_STR, in, NULL, 0 } };
    assert_int_equal(pp_jw_fields_plain(&w, f, 1), 0);
    assert_string_equal(b.data, "{");
    pp_jw_key(&w, "m");
    pp_jw_strn(&w, in, sizeof in - 1);
    pp_jw_close(&w, '}');
    assert_int_equal(w.st, PP_OK);
    static const char doc[] = "{\n  \"m\": \"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f</x>"
                              "\xe2\x80\xa8\xe2\x80\xa9\xff\xc3\"\n}";
    assert_int_equal(b.len, sizeof doc - 1);
    assert_memory_equal(b.data, doc, sizeof doc - 1);
    pp_buf_free(&b);
}

static void test_jw_bool(void **state)
{
    (void)state;
    pp_buf b;
    pp_jw w;
    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 0);
    pp_jw_open(&w, '{');
    pp_jw_key(&w, "t");
    pp_jw_bool(&w, 7);
    pp_jw_key(&w, "f");
    pp_jw_bool(&w, 0);
    pp_jw_key(&w, "a");
    pp_jw_open(&w, '[');
    pp_jw_bool(&w, 1);
    pp_jw_bool(&w, 0);
    pp_jw_close(&w, ']');
    pp_jw_close(&w, '}');
    assert_int_equal(w.st, PP_OK);
    assert_string_equal(b.data, "{\"t\":true,\"f\":false,\"a\":[true,false]}");
    pp_buf_free(&b);
    pp_buf_init(&b, 0);
    pp_jw_init(&w, &b, 2);
    pp_jw_open(&w, '[');
    pp_jw_bool(&w, 0);
    pp_jw_close(&w, ']');
    assert_string_equal(b.data, "[\n  false\n]");
    pp_buf_free(&b);
}

/* pp_jw_fork: the second half of an array written by another writer, appended after the
 * first, gives the text of one writer, in both layouts. */
static void test_jw_fork(void **state)
{
    (void)state;
    for (int indent = 0; indent <= 2; indent += 2) {
        pp_buf one, a, b;
        pp_jw w1, w, w2;
        pp_buf_init(&one, 0);
        pp_jw_init(&w1, &one, indent);
        pp_jw_open(&w1, '{');
        pp_jw_key(&w1, "x");
        pp_jw_open(&w1, '[');
        for (int i = 0; i < 4; i++)
            pp_jw_int(&w1, i);
        pp_jw_close(&w1, ']');
        pp_jw_close(&w1, '}');
        pp_buf_init(&a, 0);
        pp_buf_init(&b, 0);
        pp_jw_init(&w, &a, indent);
        pp_jw_open(&w, '{');
        pp_jw_key(&w, "x");
        pp_jw_open(&w, '[');
        pp_jw_int(&w, 0);
        pp_jw_fork(&w, &w2, &b);
        pp_jw_int(&w, 1);
        pp_jw_int(&w2, 2);
        pp_jw_int(&w2, 3);
        assert_int_equal(w2.st, PP_OK);
        assert_int_equal(pp_buf_append(&a, b.data, b.len), PP_OK);
        pp_jw_close(&w, ']');
        pp_jw_close(&w, '}');
        assert_int_equal(w.st, PP_OK);
        assert_string_equal(a.data, one.data);
        pp_buf_free(&one);
        pp_buf_free(&a);
        pp_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_seq),
        cmocka_unit_test(test_utf8_cut_put_clean),
        cmocka_unit_test(test_fnv1a),
        cmocka_unit_test(test_buf_finish),
        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_jw_escape_hostile),
        cmocka_unit_test(test_jw_bool),
        cmocka_unit_test(test_jw_fork),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
