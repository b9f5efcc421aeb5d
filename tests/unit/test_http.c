/* test_http.c — engine/net/http.c against a tiny HTTP server thread bound to 127.0.0.1 only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/net/http.h"
#include "engine/base/util.h"

/* ---- the loopback server --------------------------------------------------------------- */

static int g_lfd = -1;
static int g_port;
static atomic_int g_hits;       /* requests received */
static atomic_int g_flaky;      /* /flaky answers 503 while this is > 0 */
static atomic_int g_stop;
static pthread_t g_thr;

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void reply(int fd, int code, const char *extra, const char *body, size_t blen)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", code,
                     blen, extra ? extra : "");
    send_all(fd, head, (size_t)n);
    send_all(fd, body, blen);
}

static void serve_one(int fd)
{
    char req[65536];
    size_t got = 0;
    char *eoh = NULL;
    while (got < sizeof req - 1) {
        ssize_t r = recv(fd, req + got, sizeof req - 1 - got, 0);
        if (r <= 0)
            return;
        got += (size_t)r;
        req[got] = '\0';
        if ((eoh = strstr(req, "\r\n\r\n")) != NULL)
            break;
    }
    if (!eoh)
        return;
    size_t clen = 0;
    char *cl = strcasestr(req, "\r\ncontent-length:");
    if (cl)
        clen = strtoul(cl + 17, NULL, 10);
    size_t have = got - (size_t)(eoh + 4 - req);
    while (have < clen && got < sizeof req - 1) {
        ssize_t r = recv(fd, req + got, sizeof req - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
        have += (size_t)r;
    }
    req[got] = '\0';
    atomic_fetch_add(&g_hits, 1);
    char path[256] = "";
    sscanf(req, "%*s %255s", path);
    if (strcmp(path, "/ok") == 0) {
        reply(fd, 200, "X-Test: Value one\r\n", "hello", 5);
    } else if (strcmp(path, "/big") == 0) {
        static char big[100000];
        memset(big, 'a', sizeof big);
        reply(fd, 200, NULL, big, sizeof big);
    } else if (strcmp(path, "/flaky") == 0) {
        if (atomic_fetch_sub(&g_flaky, 1) > 0)
            reply(fd, 503, NULL, "busy", 4);
        else
            reply(fd, 200, NULL, "fine", 4);
    } else if (strcmp(path, "/500") == 0) {
        reply(fd, 500, NULL, "err", 3);
    } else if (strcmp(path, "/redirect") == 0) {
        reply(fd, 302, "Location: https://example.com/\r\n", "", 0);
    } else if (strcmp(path, "/echo") == 0) {
        reply(fd, 200, NULL, eoh + 4, clen);
    } else if (strcmp(path, "/stall") == 0) {
        for (int i = 0; i < 30 && !atomic_load(&g_stop); i++)
            usleep(50000);
    } else {
        reply(fd, 404, NULL, "no", 2);
    }
}

static void *server_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop)) {
        int fd = accept(g_lfd, NULL, NULL);
        if (fd < 0)
            continue;
        serve_one(fd);
        close(fd);
    }
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    g_lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(g_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(g_lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(g_lfd, 16) != 0)
        return -1;
    socklen_t al = sizeof a;
    getsockname(g_lfd, (struct sockaddr *)&a, &al);
    g_port = ntohs(a.sin_port);
    if (pp_http_global_init() != PP_OK)
        return -1;
    return pthread_create(&g_thr, NULL, server_main, NULL);
}

static int teardown(void **state)
{
    (void)state;
    atomic_store(&g_stop, 1);
    shutdown(g_lfd, SHUT_RDWR);
    close(g_lfd);
    pthread_join(g_thr, NULL);
    return 0;
}

static char g_prefix[64];
static const char *g_prefixes[1];
static pp_http_policy g_pol = { .prefixes = g_prefixes, .nprefixes = 1 };

static char *url(const char *path)
{
    snprintf(g_prefix, sizeof g_prefix, "http://127.0.0.1:%d/", g_port);
    g_prefixes[0] = g_prefix;
    return pp_asprintf("http://127.0.0.1:%d%s", g_port, path);
}

static pp_http_opts opts(void)
{
    pp_http_opts o = { .policy = &g_pol, .connect_timeout_ms = 1000, .timeout_ms = 2000,
                       .backoff_ms = 10 };
    return o;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_s3_hosts(void **state)
{
    (void)state;
    const char *yes[] = {
        "bucket.s3.amazonaws.com", "s3.amazonaws.com", "my.dotted.bucket.s3.amazonaws.com",
        "bucket.s3.us-west-2.amazonaws.com", "s3.eu-central-1.amazonaws.com",
        "bucket.s3-us-west-2.amazonaws.com", "s3-external-1.amazonaws.com",
        "bucket.s3.cn-north-1.amazonaws.com.cn", "bucket.s3.dualstack.us-east-1.amazonaws.com",
        "bucket.s3.us-gov-west-1.amazonaws.com",
    };
    const char *no[] = {
        "amazonaws.com", ".s3.amazonaws.com", "bucket..s3.amazonaws.com", "evil.com",
        "s3.amazonaws.com.evil.com", "bucket.s3.amazonaws.com.", "ec2.us-east-1.amazonaws.com",
        "bucket.s3.us-west-2.amazonaws.co", "bucket.s3.notaregion.amazonaws.com",
        "bucket.s3-.amazonaws.com", "bucket.S3.amazonaws.com", "s3.amazonaws.com:443",
        "bucket.s3.us-east-1.evil.amazonaws.com.attacker.net", "", "127.0.0.1",
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(yes); i++) {
        if (!pp_http_is_s3_host(yes[i]))
            fail_msg("should be S3: %s", yes[i]);
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(no); i++) {
        if (pp_http_is_s3_host(no[i]))
            fail_msg("should not be S3: %s", no[i]);
    }
}

static void test_policy(void **state)
{
    (void)state;
    pp_http_policy s3 = { .allow_s3 = 1 };
    const char *pre[] = { "http://127.0.0.1:8000/payloads/" };
    pp_http_policy local = { .prefixes = pre, .nprefixes = 1 };
    char *err = NULL;
    assert_int_equal(pp_http_check_url(&s3, "https://b.s3.us-east-1.amazonaws.com/k?X-Amz=1",
                                       &err), PP_OK);
    assert_int_equal(pp_http_check_url(&s3, "https://B.S3.AMAZONAWS.COM/k", &err), PP_OK);
    assert_int_equal(pp_http_check_url(&s3, "http://b.s3.amazonaws.com/k", &err), PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&s3, "https://b.s3.amazonaws.com:8443/k", &err),
                     PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&s3, "https://u:p@b.s3.amazonaws.com/k", &err),
                     PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&s3, "ftp://b.s3.amazonaws.com/k", &err), PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&s3, "https://example.com/", &err), PP_E_DENIED);
    assert_non_null(err);
    assert_non_null(strstr(err, "example.com"));
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&s3, "not a url", &err), PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(NULL, "https://b.s3.amazonaws.com/", &err), PP_E_DENIED);
    PP_FREE(err);

    assert_int_equal(pp_http_check_url(&local, "http://127.0.0.1:8000/payloads/x.json", &err),
                     PP_OK);
    assert_int_equal(pp_http_check_url(&local, "http://127.0.0.1:8000/other", &err),
                     PP_E_DENIED);
    PP_FREE(err);
    /* Prefix without a trailing slash: user-info trick must not pass. */
    const char *pre2[] = { "http://127.0.0.1:8000" };
    pp_http_policy loose = { .prefixes = pre2, .nprefixes = 1 };
    assert_int_equal(pp_http_check_url(&loose, "http://127.0.0.1:8000@evil.example/", &err),
                     PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&loose, "http://127.0.0.1:80001/", &err), PP_E_DENIED);
    PP_FREE(err);
    assert_int_equal(pp_http_check_url(&loose, "http://127.0.0.1:8000/x", &err), PP_OK);
    /* The local prefix does not open S3. */
    assert_int_equal(pp_http_check_url(&local, "https://b.s3.amazonaws.com/", &err),
                     PP_E_DENIED);
    PP_FREE(err);
}

static void test_get_ok_and_headers(void **state)
{
    (void)state;
    char *u = url("/ok");
    pp_http_opts o = opts();
    pp_http_resp r;
    char *err = NULL;
    pp_http_client *c = pp_http_client_new();
    assert_int_equal(pp_http_get(c, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "hello");
    assert_int_equal(r.len, 5);
    assert_string_equal(pp_http_resp_header(&r, "x-test"), "Value one");
    assert_null(pp_http_resp_header(&r, "x-missing"));
    pp_http_resp_free(&r);
    /* The client is reusable. */
    assert_int_equal(pp_http_get(c, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 200);
    pp_http_resp_free(&r);
    pp_http_client_free(c);
    free(u);
}

static void test_denied_is_not_fetched(void **state)
{
    (void)state;
    char *u = url("/ok");   /* sets the prefix for g_pol */
    free(u);
    int before = atomic_load(&g_hits);
    pp_http_opts o = opts();
    pp_http_policy s3only = { .allow_s3 = 1 };
    o.policy = &s3only;
    pp_http_resp r;
    char *err = NULL;
    char *u2 = pp_asprintf("http://127.0.0.1:%d/ok", g_port);
    assert_int_equal(pp_http_get(NULL, u2, &o, &r, &err), PP_E_DENIED);
    assert_non_null(err);
    assert_null(r.body);
    assert_int_equal(r.attempts, 0);
    assert_int_equal(atomic_load(&g_hits), before);
    free(err);
    free(u2);
}

static void test_size_cap(void **state)
{
    (void)state;
    char *u = url("/big");
    pp_http_opts o = opts();
    o.max_body = 1024;
    pp_http_resp r;
    char *err = NULL;
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_E_LIMIT);
    assert_null(r.body);
    free(err);
    err = NULL;
    o.max_body = 200000;
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.len, 100000);
    pp_http_resp_free(&r);
    free(u);
}

static void test_retry_5xx(void **state)
{
    (void)state;
    char *u = url("/flaky");
    pp_http_opts o = opts();
    o.retries = 3;
    pp_http_resp r;
    char *err = NULL;
    atomic_store(&g_flaky, 2);
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.attempts, 3);
    assert_string_equal(r.body, "fine");
    pp_http_resp_free(&r);
    free(u);

    u = url("/500");
    o.retries = 2;
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 500);
    assert_int_equal(r.attempts, 3);
    pp_http_resp_free(&r);
    o.retries = 0;
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.attempts, 1);
    pp_http_resp_free(&r);
    free(u);
}

static void test_no_redirect(void **state)
{
    (void)state;
    char *u = url("/redirect");
    pp_http_opts o = opts();
    pp_http_resp r;
    char *err = NULL;
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 302);
    assert_string_equal(pp_http_resp_header(&r, "location"), "https://example.com/");
    pp_http_resp_free(&r);
    free(u);
}

static void test_post_echo(void **state)
{
    (void)state;
    char *u = url("/echo");
    pp_http_opts o = opts();
    const char *hdrs[] = { "X-Extra: 1" };
    o.headers = hdrs;
    o.nheaders = 1;
    pp_http_resp r;
    char *err = NULL;
    assert_int_equal(pp_http_post(NULL, u, "application/json", "{\"a\":1}", 7, &o, &r, &err),
                     PP_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"a\":1}");
    pp_http_resp_free(&r);
    free(u);
}

static void test_timeout_and_deadline(void **state)
{
    (void)state;
    char *u = url("/stall");
    pp_http_opts o = opts();
    o.timeout_ms = 200;
    pp_http_resp r;
    char *err = NULL;
    uint64_t t0 = pp_now_ms();
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_E_HTTP);
    assert_true(pp_now_ms() - t0 < 1500);
    assert_non_null(err);
    PP_FREE(err);
    /* The absolute deadline wins over a longer per-attempt timeout. */
    o.timeout_ms = 10000;
    o.deadline_ms = pp_now_ms() + 200;
    t0 = pp_now_ms();
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_E_HTTP);
    assert_true(pp_now_ms() - t0 < 1500);
    PP_FREE(err);
    free(u);
}

static void test_connect_refused(void **state)
{
    (void)state;
    /* A port nothing listens on: bind, read the port, close. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    int port = ntohs(a.sin_port);
    close(fd);
    char *u = pp_asprintf("http://127.0.0.1:%d/x", port);
    const char *pre[] = { u };
    pp_http_policy p = { .prefixes = pre, .nprefixes = 1 };
    pp_http_opts o = opts();
    o.policy = &p;
    o.retries = 2;
    pp_http_resp r;
    char *err = NULL;
    assert_int_equal(pp_http_get(NULL, u, &o, &r, &err), PP_E_HTTP);
    assert_int_equal(r.attempts, 3);
    free(err);
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s3_hosts),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_get_ok_and_headers),
        cmocka_unit_test(test_denied_is_not_fetched),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_retry_5xx),
        cmocka_unit_test(test_no_redirect),
        cmocka_unit_test(test_post_echo),
        cmocka_unit_test(test_timeout_and_deadline),
        cmocka_unit_test(test_connect_refused),
    };
    return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
