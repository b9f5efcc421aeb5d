/* test_sigv4.c — engine/net/sigv4.c against AWS's published Signature V4 test-suite vectors
 * (aws-sig-v4-test-suite: credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
 * 20150830T123600Z, us-east-1, service "service"). The inputs and expected signatures are the
 * suite's; two suite inconsistencies are noted where they occur. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/str_cases.h"
#include "engine/net/sigv4.h"

static const pp_aws_creds CREDS = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                    NULL };
static const char TOKEN[] =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfp"
    "SPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQ"
    "DYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+s"
    "cqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

typedef struct vec {
    const char *name, *method, *path, *query;
    const char *headers[4];   /* besides Host and X-Amz-Date */
    const char *body;
    const char *signature;
    const char *signed_headers;
} vec;

static const vec VECTORS[] = {
    { "get-vanilla", "GET", "/", NULL, { 0 }, "",
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date" },
    { "get-vanilla-empty-query-key", "GET", "/", "Param1=value1", { 0 }, "",
      "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb", "host;x-amz-date" },
    { "get-vanilla-query-order-key", "GET", "/", "Param1=value2&Param1=Value1", { 0 }, "",
      "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1", "host;x-amz-date" },
    { "get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", { 0 }, "",
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", "host;x-amz-date" },
    { "get-vanilla-query-order-value", "GET", "/", "Param1=value2&Param1=value1", { 0 }, "",
      "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694", "host;x-amz-date" },
    { "get-vanilla-query-unreserved", "GET", "/",
      "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
      "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", { 0 }, "",
      "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197", "host;x-amz-date" },
    { "get-vanilla-utf8-query", "GET", "/", "\xe1\x88\xb4=bar", { 0 }, "",
      "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04", "host;x-amz-date" },
    { "get-unreserved", "GET",
      "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", NULL, { 0 }, "",
      "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f", "host;x-amz-date" },
    { "get-utf8", "GET", "/\xe1\x88\xb4", NULL, { 0 }, "",
      "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85", "host;x-amz-date" },
    { "get-space", "GET", "/example space/", NULL, { 0 }, "",
      "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741", "host;x-amz-date" },
    { "get-header-key-duplicate", "GET", "/", NULL,
      { "My-Header1: value2", "My-Header1: value2", "My-Header1: value1" }, "",
      "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
      "host;my-header1;x-amz-date" },
    { "get-header-value-order", "GET", "/", NULL,
      { "My-Header1: value4", "My-Header1: value1", "My-Header1: value3", "My-Header1: value2" },
      "", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
      "host;my-header1;x-amz-date" },
    { "get-header-value-trim", "GET", "/", NULL,
      { "My-Header1: value1", "My-Header2: \"a   b   c\"" }, "",
      "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
      "host;my-header1;my-header2;x-amz-date" },
    { "post-vanilla", "POST", "/", NULL, { 0 }, "",
      "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", "host;x-amz-date" },
    { "post-vanilla-query", "POST", "/", "Param1=value1", { 0 }, "",
      "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11", "host;x-amz-date" },
    { "post-header-key-sort", "POST", "/", NULL, { "My-Header1: value1" }, "",
      "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
      "host;my-header1;x-amz-date" },
    { "post-header-value-case", "POST", "/", NULL, { "My-Header1: VALUE1" }, "",
      "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
      "host;my-header1;x-amz-date" },
    /* The suite's .creq for this case also lists content-length, but its .authz (and this
     * signature) sign content-type;host;x-amz-date only. */
    { "post-x-www-form-urlencoded", "POST", "/", NULL,
      { "Content-Type: application/x-www-form-urlencoded" }, "Param1=value1",
      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
      "content-type;host;x-amz-date" },
    /* The suite's files carry "charset=utf8" (some copies print utf-8); utf8 is what signs. */
    { "post-x-www-form-urlencoded-parameters", "POST", "/", NULL,
      { "Content-Type: application/x-www-form-urlencoded; charset=utf8" }, "Param1=value1",
      "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
      "content-type;host;x-amz-date" },
    /* normalize-path */
    { "get-relative", "GET", "/example/..", NULL, { 0 }, "",
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date" },
    { "get-relative-relative", "GET", "/example1/example2/../..", NULL, { 0 }, "",
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date" },
    { "get-slash", "GET", "//", NULL, { 0 }, "",
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date" },
    { "get-slash-dot-slash", "GET", "/./", NULL, { 0 }, "",
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "host;x-amz-date" },
    { "get-slash-pointless-dot", "GET", "/./example", NULL, { 0 }, "",
      "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5", "host;x-amz-date" },
    { "get-slashes", "GET", "//example//", NULL, { 0 }, "",
      "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84", "host;x-amz-date" },
};

static void sign_vec(const vec *v, const pp_aws_creds *c, pp_sigv4_sig *out)
{
    const char *hdrs[6];
    size_t n = 0;
    for (size_t i = 0; i < 4 && v->headers[i]; i++)
        hdrs[n++] = v->headers[i];
    hdrs[n++] = "X-Amz-Date: 20150830T123600Z";
    pp_sigv4_req r = { .method = v->method, .host = "example.amazonaws.com", .path = v->path,
                       .query = v->query, .headers = hdrs, .nheaders = n, .body = v->body,
                       .body_len = strlen(v->body), .region = "us-east-1",
                       .service = "service" };
    char *err = NULL;
    pp_status st = pp_sigv4_sign(&r, c, out, &err);
    if (st != PP_OK)
        fail_msg("%s: %s", v->name, err ? err : "?");
    free(err);
}

static void test_suite_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof VECTORS / sizeof VECTORS[0]; i++) {
        const vec *v = &VECTORS[i];
        pp_sigv4_sig s;
        sign_vec(v, &CREDS, &s);
        if (strcmp(s.signature, v->signature) != 0)
            fail_msg("%s: signature %s, expected %s\ncanonical request:\n%s", v->name,
                     s.signature, v->signature, s.canonical_request);
        assert_string_equal(s.signed_headers, v->signed_headers);
        char *want = NULL;
        assert_true(asprintf(&want, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                             "service/aws4_request, SignedHeaders=%s, Signature=%s",
                             v->signed_headers, v->signature) > 0);
        assert_string_equal(s.authorization, want);
        free(want);
        pp_sigv4_sig_free(&s);
    }
}

static void test_canonical_request_and_sts(void **state)
{
    (void)state;
    pp_sigv4_sig s;
    sign_vec(&VECTORS[0], &CREDS, &s);
    assert_string_equal(s.canonical_request,
                        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                        "host;x-amz-date\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(s.string_to_sign,
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/"
                        "aws4_request\n"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    /* the caller gave X-Amz-Date: it is not added twice */
    assert_int_equal(s.nadd, 2);
    assert_string_equal(s.add[0], "X-Amz-Date: 20150830T123600Z");
    assert_true(strncmp(s.add[1], "Authorization: AWS4-HMAC-SHA256 ", 32) == 0);
    pp_sigv4_sig_free(&s);

    sign_vec(&VECTORS[9], &CREDS, &s);   /* get-space */
    assert_string_equal(s.canonical_request,
                        "GET\n/example%20space/\n\nhost:example.amazonaws.com\n"
                        "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    pp_sigv4_sig_free(&s);
}

/* post-sts-header-before: the token is signed and sent as X-Amz-Security-Token. */
static void test_session_token(void **state)
{
    (void)state;
    pp_aws_creds c = CREDS;
    c.session_token = TOKEN;
    const vec v = { "post-sts-header-before", "POST", "/", NULL, { 0 }, "",
                    "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
                    "host;x-amz-date;x-amz-security-token" };
    pp_sigv4_sig s;
    sign_vec(&v, &c, &s);
    assert_string_equal(s.signature, v.signature);
    assert_string_equal(s.signed_headers, v.signed_headers);
    assert_int_equal(s.nadd, 3);
    assert_true(strncmp(s.add[1], "X-Amz-Security-Token: AQoDYXdz", 30) == 0);
    pp_sigv4_sig_free(&s);
    /* an empty token is no token: nothing named in SignedHeaders that is not sent */
    c.session_token = "";
    sign_vec(&VECTORS[13], &c, &s);   /* post-vanilla */
    assert_string_equal(s.signature, VECTORS[13].signature);
    assert_int_equal(s.nadd, 2);
    pp_sigv4_sig_free(&s);
}

static void test_signing_time(void **state)
{
    (void)state;
    /* 2015-08-30T12:36:00Z without a caller-supplied X-Amz-Date gives get-vanilla again. */
    pp_sigv4_req r = { .method = "GET", .host = "example.amazonaws.com", .path = "/",
                       .region = "us-east-1", .service = "service", .when = 1440938160 };
    pp_sigv4_sig s;
    char *err = NULL;
    assert_int_equal(pp_sigv4_sign(&r, &CREDS, &s, &err), PP_OK);
    assert_string_equal(s.amz_date, "20150830T123600Z");
    assert_string_equal(s.signature, VECTORS[0].signature);
    pp_sigv4_sig_free(&s);
}

static void test_bedrock_path(void **state)
{
    (void)state;
    static const pp_str_case uris[] = {
        /* A model id travels as %3A on the wire; the canonical URI encodes it once more. */
        { "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
          "/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse" },
        { "/model/a:b/converse", "/model/a%3Ab/converse" },   /* raw ':' is encoded once */
        { "", "/" },
        { "/a/b/../c/./d//", "/a/c/d/" },
        { "/../..", "/" },
    };
    PP_STR_CASES(pp_sigv4_canonical_uri, uris);
    static const pp_str_case queries[] = {
        { "b=2&a=x%20y&&c&a=%7e", "a=x%20y&a=~&b=2&c=" },
        { "k=a+b&z=%zz", "k=a%2Bb&z=%25zz" },   /* '+' is a literal; bad escapes stay */
    };
    PP_STR_CASES(pp_sigv4_canonical_query, queries);
    char *e = pp_uri_encode("a:b/c d~", 8);
    assert_string_equal(e, "a%3Ab%2Fc%20d~");
    free(e);
}

static void test_rejects(void **state)
{
    (void)state;
    pp_sigv4_sig s;
    char *err = NULL;
    pp_sigv4_req r = { .method = "GET", .host = "h", .path = "/", .region = "us-east-1",
                       .service = "s" };
    pp_aws_creds none = { NULL, NULL, NULL };
    assert_int_equal(pp_sigv4_sign(&r, &none, &s, &err), PP_E_USAGE);
    assert_non_null(err);
    free(err);
    err = NULL;
    const char *bad[] = { "NoColonHere" };
    r.headers = bad;
    r.nheaders = 1;
    assert_int_equal(pp_sigv4_sign(&r, &CREDS, &s, &err), PP_E_USAGE);
    free(err);
    err = NULL;
    const char *baddate[] = { "X-Amz-Date: yesterday" };
    r.headers = baddate;
    assert_int_equal(pp_sigv4_sign(&r, &CREDS, &s, &err), PP_E_USAGE);
    free(err);
    err = NULL;
    const char *host[] = { "Host: other" };
    r.headers = host;
    assert_int_equal(pp_sigv4_sign(&r, &CREDS, &s, &err), PP_E_USAGE);
    free(err);
}

static void test_hmac_helpers(void **state)
{
    (void)state;
    /* RFC 4231 test case 2 */
    unsigned char out[PP_SHA256_LEN];
    char hex[65];
    assert_int_equal(pp_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out), 0);
    pp_hex(out, sizeof out, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    pp_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* engine/base/crypto.c is its own SHA-256/SHA-1/HMAC (issue 20): FIPS 180-4 example vectors,
 * the padding edges (55, 56 and 64 bytes: the length fits, just does not fit, a whole block),
 * RFC 4231's larger-than-block key, the key and output aliased as sigv4's chain does, and the
 * constant-time comparison. */
static void test_hash_vectors(void **state)
{
    (void)state;
    char hex[65], hex1[41];
    pp_sha256_hex(NULL, 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    pp_sha256_hex(m448, strlen(m448), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    pp_sha256_hex(a, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    pp_sha256_hex(a, 55, hex);
    assert_string_equal(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    pp_sha256_hex(a, 56, hex);
    assert_string_equal(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    pp_sha256_hex(a, 64, hex);
    assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    pp_sha1_hex("abc", 3, hex1);
    assert_string_equal(hex1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    pp_sha1_hex(a, 1000000, hex1);
    assert_string_equal(hex1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    free(a);

    unsigned char key[131], out[PP_SHA256_LEN];
    memset(key, 0xaa, sizeof key);
    const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    assert_int_equal(pp_hmac_sha256(key, sizeof key, msg, strlen(msg), out), 0);
    pp_hex(out, sizeof out, hex);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    unsigned char k[PP_SHA256_LEN + 32];
    memset(k, 'k', 64);
    assert_int_equal(pp_hmac_sha256(k, 64, NULL, 0, k), 0);   /* out aliases the key */
    pp_hex(k, PP_SHA256_LEN, hex);
    assert_string_equal(hex, "83026a325aaee70e36cfe607536aa1054104ad1077c36134810d4ccded1ccd3b");

    assert_true(pp_ct_memeq("token-1", "token-1", 7));
    assert_false(pp_ct_memeq("token-1", "token-2", 7));
    assert_false(pp_ct_memeq("Xoken-1", "token-1", 7));
    assert_true(pp_ct_memeq("", "", 0));
    unsigned char w[4] = {1, 2, 3, 4};
    pp_wipe(w, sizeof w);
    assert_true(w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_vectors),
        cmocka_unit_test(test_canonical_request_and_sts),
        cmocka_unit_test(test_session_token),
        cmocka_unit_test(test_signing_time),
        cmocka_unit_test(test_bedrock_path),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_hmac_helpers),
        cmocka_unit_test(test_hash_vectors),
    };
    return cmocka_run_group_tests_name("sigv4", tests, NULL, NULL);
}
