/* lambda_rt.h — HTTP for the Lambda Runtime API, without libcurl.
 *
 * The Runtime API is plain HTTP/1.1 on the execution environment's loopback
 * (AWS_LAMBDA_RUNTIME_API = "127.0.0.1:9001"): no TLS, no proxy, no redirect. Opening libcurl
 * for it mapped libcurl and its 24 libraries (TLS, HTTP/2, IDN, LDAP, SSH, Kerberos) and ran
 * OpenSSL's initialisation before the first GET /next: about 20 million instructions, more
 * than the rest of the cold start (docs/benchmarks.md). So the loop (hooks/lambda.c) speaks
 * to the Runtime API through this file — one request per connection, "Connection: close" —
 * and libcurl is opened only when an event needs the network beyond it (a payload URL, an
 * EventBridge event's AWS calls and chat posts). The connection is kept between requests
 * (HTTP/1.1 keep-alive, as libcurl kept it); a request on a kept connection that the server
 * closed before answering a byte is sent once more on a new one, as libcurl does.
 *
 * Data flow: lambda.c → pp_rt_request (socket, request, read) → pp_rt_parse → pp_http_resp
 * (the type engine/net/http.h fills, so the loop reads headers with pp_http_resp_header and
 * frees with pp_http_resp_free). Limits: a response head of PP_RT_MAX_HEAD bytes and
 * PP_RT_MAX_HEADERS headers, a body of the caller's max_body, chunk-size lines of
 * PP_RT_MAX_CHUNK_LINE bytes; anything else is an error "Runtime API: expected …".
 */
#ifndef PP_LAMBDA_RT_H
#define PP_LAMBDA_RT_H

#include <stddef.h>

#include "engine/net/http.h"
#include "engine/base/status.h"

#define PP_RT_MAX_HEAD 16384u
#define PP_RT_MAX_HEADERS 64u
#define PP_RT_MAX_CHUNK_LINE 64u

typedef struct pp_rt_opts {
    const char *const *headers;   /* extra "Name: value" lines, borrowed (no CR or LF) */
    size_t nheaders;
    long connect_timeout_ms;      /* 0: 1000 */
    long timeout_ms;              /* whole exchange after connecting; 0: none (GET /next) */
    size_t max_body;              /* larger bodies are refused (PP_E_LIMIT) */
} pp_rt_opts;

/* A connection kept between requests; {-1} when none. */
typedef struct pp_rt_conn {
    int fd;
} pp_rt_conn;
#define PP_RT_CONN_INIT {-1}
void pp_rt_close(pp_rt_conn *c);

/* Sends METHOD path (with body[0..blen) and Content-Type ctype when body is not NULL) to
 * hostport ("HOST:PORT", "[V6]:PORT") over c's connection (made when there is none; closed
 * after an answer that ends the connection or any failure) and reads the answer into *out (caller frees with
 * pp_http_resp_free), whatever its status. PP_E_HTTP when the connection or the exchange
 * fails or times out, PP_E_PARSE for a malformed answer, PP_E_LIMIT for one over the limits,
 * PP_E_USAGE for an unusable hostport, path or header, PP_E_NOMEM; *err says which. */
pp_status pp_rt_request(pp_rt_conn *c, const char *hostport, const char *method,
                        const char *path, const char *ctype, const char *body, size_t blen,
                        const pp_rt_opts *o, pp_http_resp *out, char **err);

/* Parses the HTTP/1.x response in buf[0..len); `eof`: the peer closed, nothing more comes.
 * 1 = complete (*out filled, caller frees), 0 = more bytes are needed (never when eof),
 * -1 = malformed (*st PP_E_PARSE) or over a limit (*st PP_E_LIMIT), *err says what was
 * expected. Content-Length, chunked transfer coding, or a body up to the end of the
 * connection. *used (may be NULL) receives the bytes of the response, *keep whether the
 * connection may carry another request (a framed body and no "Connection: close"). */
int pp_rt_parse(const char *buf, size_t len, int eof, size_t max_body, pp_http_resp *out,
                size_t *used, int *keep, pp_status *st, char **err);

#endif
