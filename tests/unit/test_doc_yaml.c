/* test_doc_yaml.c — the YAML loader (engine/doc_yaml*.c): the fixture against its JSON twin,
 * short and standard tags, scalar typing, byte columns, CRLF, structure errors, anchors and the
 * billion-laughs limit (JSON, detection, limits and the position map are in test_doc.c). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
