/* test_lambda_rt.c — the Runtime API's HTTP client (hooks/lambda_rt.h): the response parser
 * (framing, keep-alive, every limit and each way a head or a chunked body can be wrong), the
 * request it sends, and a kept connection the server closed (sent again on a new one). The
 * servers listen on 127.0.0.1 only and are joined before each test ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/base/util.h"
#include "hooks/lambda_rt.h"

/* Parses text (eof as given) with max_body; returns pp_rt_parse's result. */
static int parse(const char *text, int eof, size_t max_body, pp_http_resp *out, int *keep,
                 pp_status *st, char **err)
{
    *err = NULL;
    *st = PP_OK;
    return pp_rt_parse(text, strlen(text), eof, max_body, out, NULL, keep, st, err);
}

/* Expects text to be refused with status `code` and a message containing `want`. */
static void refused(const char *text, int eof, size_t max_body, pp_status code,
                    const char *want)
{
    pp_http_resp r;
    pp_status st;
    char *err;
    int keep = -1;
    assert_int_equal(parse(text, eof, max_body, &r, &keep, &st, &err), -1);
    assert_int_equal(st, code);
    assert_non_null(err);
    if (!strstr(err, want))
        print_error("%s\n", err);
    assert_non_null(strstr(err, want));
    assert_null(r.body);
    free(err);
}

static void test_content_length(void **state)
{
    (void)state;
    pp_http_resp r;
    pp_status st;
    char *err;
    int keep = 0;
    const char *ok = "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-1\r\n"
                     "Content-Length: 5\r\n\r\nhello";
    assert_int_equal(parse(ok, 0, 100, &r, &keep, &st, &err), 1);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 5);
    assert_string_equal(r.body, "hello");
    assert_string_equal(pp_http_resp_header(&r, "lambda-runtime-aws-request-id"), "req-1");
    assert_int_equal(keep, 1);
    pp_http_resp_free(&r);
    /* every shorter prefix needs more bytes, and is truncated at the end of the connection */
    for (size_t n = 0; n < strlen(ok); n++) {
        char *cut = strndup(ok, n);
        assert_int_equal(parse(cut, 0, 100, &r, &keep, &st, &err), 0);
        assert_int_equal(parse(cut, 1, 100, &r, &keep, &st, &err), -1);
        assert_int_equal(st, PP_E_PARSE);
        free(err);
        free(cut);
    }
    /* no body for 204; Connection: close and HTTP/1.0 end the connection */
    assert_int_equal(parse("HTTP/1.1 204 No Content\r\n\r\n", 0, 100, &r, &keep, &st, &err), 1);
    assert_string_equal(r.body, "");
    pp_http_resp_free(&r);
    assert_int_equal(parse("HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n"
                           "\r\n{}", 0, 100, &r, &keep, &st, &err), 1);
    assert_int_equal(keep, 0);
    pp_http_resp_free(&r);
    assert_int_equal(parse("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0, 100, &r, &keep,
                           &st, &err), 1);
    assert_int_equal(keep, 0);
    pp_http_resp_free(&r);
}

static void test_until_close(void **state)
{
    (void)state;
    pp_http_resp r;
    pp_status st;
    char *err;
    int keep = 1;
    const char *t = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it";
    assert_int_equal(parse(t, 0, 100, &r, &keep, &st, &err), 0);
    assert_int_equal(parse(t, 1, 100, &r, &keep, &st, &err), 1);
    assert_string_equal(r.body, "all of it");
    assert_int_equal(keep, 0);
    pp_http_resp_free(&r);
    refused(t, 1, 4, PP_E_LIMIT, "expected a body of at most");
}

static void test_chunked(void **state)
{
    (void)state;
    pp_http_resp r;
    pp_status st;
    char *err;
    int keep = 0;
    const char *t = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
    assert_int_equal(parse(t, 0, 100, &r, &keep, &st, &err), 1);
    assert_string_equal(r.body, "hello world");
    assert_int_equal(r.len, 11);
    assert_int_equal(keep, 1);
    pp_http_resp_free(&r);
    for (size_t n = strlen("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
         n < strlen(t); n++) {
        char *cut = strndup(t, n);
        assert_int_equal(parse(cut, 0, 100, &r, &keep, &st, &err), 0);
        free(cut);
    }
    const char *h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%szz\r\nhello\r\n0\r\n\r\n", h);
    refused(buf, 0, 100, PP_E_PARSE, "expected a hexadecimal chunk size");
    snprintf(buf, sizeof buf, "%s5\nhello\r\n0\r\n\r\n", h);
    refused(buf, 0, 100, PP_E_PARSE, "expected CRLF after a chunk size");
    snprintf(buf, sizeof buf, "%s5\r\nhelloXX0\r\n\r\n", h);
    refused(buf, 0, 100, PP_E_PARSE, "expected CRLF after a chunk");
    snprintf(buf, sizeof buf, "%s6\r\n world\r\n6\r\n world\r\n0\r\n\r\n", h);
    refused(buf, 0, 10, PP_E_LIMIT, "expected a body of at most");
    snprintf(buf, sizeof buf, "%sffffffffffffffff\r\n", h);
    refused(buf, 0, 100, PP_E_LIMIT, "expected a body of at most");
    snprintf(buf, sizeof buf, "%s5;%070d\r\nhello\r\n0\r\n\r\n", h, 0);
    refused(buf, 0, 100, PP_E_PARSE, "expected a chunk-size line of at most 64 bytes");
    refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 100, PP_E_PARSE,
            "expected no transfer coding but chunked");
    refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 0,
            100, PP_E_PARSE, "expected either Content-Length or chunked");
}

static void test_bad_heads(void **state)
{
    (void)state;
    refused("HTTP/2 200 OK\r\n\r\n", 0, 100, PP_E_PARSE, "expected a status line");
    refused("HTTP/1.1 20 OK\r\n\r\n", 0, 100, PP_E_PARSE, "expected a status line");
    refused("HTTP/1.1 200OK\r\n\r\n", 0, 100, PP_E_PARSE, "expected a status line");
    refused("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", 0, 100, PP_E_PARSE,
            "expected header lines \"Name: value\"");
    refused("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", 0, 100, PP_E_PARSE,
            "expected a header name of token characters");
    refused("HTTP/1.1 200 OK\r\nX: a\x01z\r\n\r\n", 0, 100, PP_E_PARSE,
            "expected header values without control characters");
    refused("HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n", 0, 100, PP_E_PARSE,
            "expected header values without control characters");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n", 0, 100, PP_E_PARSE,
            "expected one decimal Content-Length");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 0, 100,
            PP_E_PARSE, "expected one decimal Content-Length");
    refused("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 0, 100, PP_E_LIMIT,
            "expected a body within the size limit");
    /* 65 headers: one over the limit */
    pp_buf many;
    pp_buf_init(&many, 0);
    pp_buf_puts(&many, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 65; i++)
        pp_buf_printf(&many, "X-%02d: v\r\n", i);
    pp_buf_puts(&many, "\r\n");
    assert_non_null(many.data);
    refused(many.data, 0, 100, PP_E_LIMIT, "expected at most 64 headers");
    pp_buf_free(&many);
    /* a head that does not end within 16384 bytes */
    static const char head[] = "HTTP/1.1 200 OK\r\nX: ";
    char *big = malloc(PP_RT_MAX_HEAD + sizeof head);
    assert_non_null(big);
    memcpy(big, head, sizeof head - 1);
    memset(big + sizeof head - 1, 'a', PP_RT_MAX_HEAD);
    big[sizeof head - 1 + PP_RT_MAX_HEAD] = '\0';
    refused(big, 0, 100, PP_E_LIMIT, "expected a response head of at most 16384 bytes");
    free(big);
}

/* ---- a server on 127.0.0.1 ------------------------------------------------------------ */

typedef struct srv {
    int lfd, port;
    const char *answers[2];   /* one per accepted connection */
    int per_conn;             /* requests answered on each connection before it is closed */
    char got[4096];           /* the first request received */
    pthread_t th;
} srv;

static void *serve(void *ud)
{
    srv *s = ud;
    for (int c = 0; c < 2 && s->answers[c]; c++) {
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            break;
        for (int k = 0; k < s->per_conn; k++) {
            char buf[4096] = "";
            size_t n = 0;
            while (n < sizeof buf - 1 && !strstr(buf, "\r\n\r\n")) {
                ssize_t m = recv(fd, buf + n, sizeof buf - 1 - n, 0);
                if (m <= 0)
                    break;
                n += (size_t)m;
                buf[n] = '\0';
            }
            if (c == 0 && k == 0)
                memcpy(s->got, buf, n + 1);
            if (send(fd, s->answers[c], strlen(s->answers[c]), MSG_NOSIGNAL) < 0)
                break;
        }
        close(fd);
    }
    return NULL;
}

static void srv_start(srv *s)
{
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->lfd, 4), 0);
    assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

static void srv_stop(srv *s)
{
    pthread_join(s->th, NULL);
    close(s->lfd);
}

static void test_request_and_reconnect(void **state)
{
    (void)state;
    srv s = {.answers = {"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}",
                         "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"},
             .per_conn = 1};
    srv_start(&s);
    char hp[32];
    snprintf(hp, sizeof hp, "127.0.0.1:%d", s.port);
    pp_rt_conn c = PP_RT_CONN_INIT;
    const char *hdrs[] = {"Lambda-Runtime-Function-Error-Type: X.Y"};
    pp_rt_opts o = {.headers = hdrs, .nheaders = 1, .timeout_ms = 5000, .max_body = 1024};
    pp_http_resp r;
    char *err = NULL;
    assert_int_equal(pp_rt_request(&c, hp, "POST", "/2018-06-01/runtime/init/error",
                                   "application/json", "{\"a\":1}", 7, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 202);
    assert_string_equal(r.body, "{}");
    pp_http_resp_free(&r);
    assert_true(c.fd >= 0);   /* kept: the answer was framed */
    assert_non_null(strstr(s.got, "POST /2018-06-01/runtime/init/error HTTP/1.1\r\n"));
    assert_non_null(strstr(s.got, "\r\nLambda-Runtime-Function-Error-Type: X.Y\r\n"));
    assert_non_null(strstr(s.got, "\r\nContent-Length: 7\r\n"));
    /* the server closed that connection: the next request goes out again on a new one */
    o.nheaders = 0;
    assert_int_equal(pp_rt_request(&c, hp, "GET", "/2018-06-01/runtime/invocation/next", NULL,
                                   NULL, 0, &o, &r, &err), PP_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "next");
    pp_http_resp_free(&r);
    pp_rt_close(&c);
    srv_stop(&s);
    /* no server: a clear error */
    assert_int_equal(pp_rt_request(&c, hp, "GET", "/x", NULL, NULL, 0, &o, &r, &err),
                     PP_E_HTTP);
    assert_non_null(strstr(err, "cannot connect"));
    free(err);
    err = NULL;
    /* what cannot be sent */
    assert_int_equal(pp_rt_request(&c, "no-port", "GET", "/x", NULL, NULL, 0, &o, &r, &err),
                     PP_E_USAGE);
    assert_non_null(strstr(err, "expected HOST:PORT"));
    free(err);
    err = NULL;
    assert_int_equal(pp_rt_request(&c, hp, "GET", "/x\r\nInjected: 1", NULL, NULL, 0, &o, &r,
                                   &err), PP_E_USAGE);
    free(err);
}

/* A server that answers garbage: the parser's message names the request. */
static void test_bad_answer(void **state)
{
    (void)state;
    srv s = {.answers = {"SMTP ready\r\n\r\n"}, .per_conn = 1};
    srv_start(&s);
    char hp[32];
    snprintf(hp, sizeof hp, "127.0.0.1:%d", s.port);
    pp_rt_conn c = PP_RT_CONN_INIT;
    pp_rt_opts o = {.timeout_ms = 5000, .max_body = 1024};
    pp_http_resp r;
    char *err = NULL;
    assert_int_equal(pp_rt_request(&c, hp, "GET", "/next", NULL, NULL, 0, &o, &r, &err),
                     PP_E_PARSE);
    assert_non_null(strstr(err, "GET /next: Runtime API: expected a status line"));
    assert_int_equal(c.fd, -1);
    free(err);
    srv_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_until_close),
        cmocka_unit_test(test_chunked),
        cmocka_unit_test(test_bad_heads),
        cmocka_unit_test(test_request_and_reconnect),
        cmocka_unit_test(test_bad_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
