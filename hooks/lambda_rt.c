/* lambda_rt.c — HTTP/1.1 for the Lambda Runtime API over a plain socket (lambda_rt.h). */
#include "hooks/lambda_rt.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/base/util.h"

/* ---- parsing ------------------------------------------------------------------------ */

static int fail(pp_status *st, pp_status code, char **err, const char *fmt, const char *what)
{
    *st = pp_err(err, code, fmt, what);
    return -1;
}

static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void headers_free(pp_http_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

/* Hex chunk size at line[0..n) (extensions after ';' ignored); -1 when not one. */
static int chunk_size(const char *line, size_t n, uint64_t *size)
{
    size_t i = 0;
    uint64_t v = 0;
    for (; i < n && i < 16; i++) {
        char c = line[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            break;
        v = v * 16 + (uint64_t)d;
    }
    if (i == 0 || (i < n && line[i] != ';' && line[i] != ' ' && line[i] != '\t'))
        return -1;
    *size = v;
    return 0;
}

/* The chunked body at p[0..n): 1 complete (into b; with b NULL only checked, so that a
 * partial body is never copied), 0 incomplete, -1 bad (*st, *err). */
static int dechunk(const char *p, size_t n, int eof, size_t max_body, pp_buf *b, size_t *used,
                   pp_status *st, char **err)
{
    size_t off = 0, got = 0;
    for (;;) {
        const char *nl = memchr(p + off, '\n', n - off);
        size_t ll = nl ? (size_t)(nl - (p + off)) : n - off;
        if (ll > PP_RT_MAX_CHUNK_LINE)
            return fail(st, PP_E_PARSE, err, "Runtime API: expected a chunk-size line of at "
                                             "most %s bytes", "64");
        if (!nl)
            return eof ? fail(st, PP_E_PARSE, err, "Runtime API: expected %s before the "
                                                   "connection closed", "the next chunk") : 0;
        if (ll == 0 || p[off + ll - 1] != '\r')
            return fail(st, PP_E_PARSE, err, "Runtime API: expected %s", "CRLF after a "
                                                                          "chunk size");
        uint64_t size;
        if (chunk_size(p + off, ll - 1, &size) != 0)
            return fail(st, PP_E_PARSE, err, "Runtime API: expected %s",
                        "a hexadecimal chunk size");
        off += ll + 1;
        if (size == 0) {
            /* trailers, then an empty line */
            for (;;) {
                nl = memchr(p + off, '\n', n - off);
                ll = nl ? (size_t)(nl - (p + off)) : n - off;
                if (ll > PP_RT_MAX_HEAD)
                    return fail(st, PP_E_LIMIT, err, "Runtime API: expected trailers of at "
                                                     "most %s bytes", "16384");
                if (!nl)
                    return eof ? fail(st, PP_E_PARSE, err, "Runtime API: expected %s before "
                                                           "the connection closed",
                                      "the end of the chunked body") : 0;
                off += ll + 1;
                if (ll == 1 && p[off - 2] == '\r') {
                    *used = off;
                    return 1;
                }
                if (ll == 0 || p[off - 2] != '\r')
                    return fail(st, PP_E_PARSE, err, "Runtime API: expected %s",
                                "CRLF after a trailer");
            }
        }
        if (size > max_body || got + size > max_body)
            return fail(st, PP_E_LIMIT, err, "Runtime API: expected a body of at most %s",
                        "the size limit");
        if (n - off < size + 2)
            return eof ? fail(st, PP_E_PARSE, err, "Runtime API: expected %s before the "
                                                   "connection closed", "the rest of a chunk")
                       : 0;
        if (p[off + size] != '\r' || p[off + size + 1] != '\n')
            return fail(st, PP_E_PARSE, err, "Runtime API: expected %s", "CRLF after a chunk");
        if (b && pp_buf_append(b, p + off, (size_t)size) != PP_OK)
            return fail(st, PP_E_NOMEM, err, "%s", "out of memory");
        got += (size_t)size;
        off += (size_t)size + 2;
    }
}

/* What the header lines of a response said (pp_rt_parse). */
typedef struct rt_head {
    pp_http_header *hdr;
    size_t nhdr;
    int chunked, have_cl, close_conn;
    uint64_t cl;
} rt_head;

/* Reads the header lines from p (just after the status line's CRLF) to `end` (the blank
 * line) into h. NULL when they are well formed, else what was expected, with *code set. */
static const char *parse_headers(const char *p, const char *end, size_t max_body, rt_head *h,
                                 pp_status *code)
{
    const char *why = NULL, *eol;
    *code = PP_E_PARSE;
    for (; p < end + 2 && !why; p = eol + 2) {
        eol = memchr(p, '\r', (size_t)(end + 2 - p));
        if (!eol || eol[1] != '\n')
            return "CRLF line ends in the head";
        if (eol == p)
            break;   /* cannot happen before `end`: the blank line is end itself */
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p)
            return "header lines \"Name: value\"";
        for (const char *q = p; q < colon; q++)
            if (!is_tchar((unsigned char)*q))
                return "a header name of token characters";
        const char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        for (const char *q = v; q < ve; q++)
            if ((unsigned char)*q < 0x20 && *q != '\t')
                return "header values without control characters";
        if (h->nhdr == PP_RT_MAX_HEADERS) {
            *code = PP_E_LIMIT;
            return "at most 64 headers";
        }
        pp_http_header *e = &h->hdr[h->nhdr++];
        e->name = strndup(p, (size_t)(colon - p));
        e->value = strndup(v, (size_t)(ve - v));
        if (!e->name || !e->value) {
            *code = PP_E_NOMEM;
            return "memory";
        }
        if (strcasecmp(e->name, "Transfer-Encoding") == 0) {
            if (strcasecmp(e->value, "chunked") != 0)
                why = "no transfer coding but chunked";
            h->chunked = 1;
        } else if (strcasecmp(e->name, "Connection") == 0) {
            h->close_conn |= strcasestr(e->value, "close") != NULL;
        } else if (strcasecmp(e->name, "Content-Length") == 0) {
            const char *val = e->value;
            uint64_t n = 0;
            size_t k = 0;
            for (; val[k] >= '0' && val[k] <= '9' && k < 19; k++)
                n = n * 10 + (uint64_t)(val[k] - '0');
            if (k == 0 || val[k] || (h->have_cl && n != h->cl))
                why = "one decimal Content-Length";
            h->cl = n;
            h->have_cl = 1;
        }
    }
    if (!why && h->chunked && h->have_cl)
        why = "either Content-Length or chunked, not both";
    if (!why && h->have_cl && h->cl > max_body) {
        *code = PP_E_LIMIT;
        why = "a body within the size limit";
    }
    return why;
}

/* Reads the body that starts at `body` (avail bytes so far) as the head h frames it, into b
 * (NUL-terminated). 1 when complete (*bytes consumed, *framed 0 when it ran to the
 * connection's end), 0 when more is needed, -1 on an error (*st, *err). */
static int read_body(const char *body, size_t avail, int eof, size_t max_body, long status,
                     const rt_head *h, pp_buf *b, size_t *bytes, int *framed, pp_status *st,
                     char **err)
{
    int r = 1;
    *framed = 1;
    *bytes = 0;
    if (status < 200 || status == 204 || status == 304) {
        /* no body */
    } else if (h->chunked) {
        r = dechunk(body, avail, eof, max_body, NULL, bytes, st, err);
        if (r == 1)
            r = dechunk(body, avail, eof, max_body, b, bytes, st, err);
    } else if (h->have_cl) {
        *bytes = (size_t)h->cl;
        if (avail < h->cl)
            r = eof ? fail(st, PP_E_PARSE, err, "Runtime API: expected %s before the "
                                                "connection closed", "the whole body") : 0;
        else if (pp_buf_append(b, body, (size_t)h->cl) != PP_OK)
            r = fail(st, PP_E_NOMEM, err, "%s", "out of memory");
    } else if (avail > max_body) {
        r = fail(st, PP_E_LIMIT, err, "Runtime API: expected a body of at most %s",
                 "the size limit");
    } else if (!eof) {
        r = 0;   /* up to the end of the connection */
    } else if ((*framed = 0, *bytes = avail, pp_buf_append(b, body, avail)) != PP_OK) {
        r = fail(st, PP_E_NOMEM, err, "%s", "out of memory");
    }
    if (r == 1 && pp_buf_append(b, "", 1) != PP_OK)
        r = fail(st, PP_E_NOMEM, err, "%s", "out of memory");
    return r;
}

int pp_rt_parse(const char *buf, size_t len, int eof, size_t max_body, pp_http_resp *out,
                size_t *used, int *keep, pp_status *st, char **err)
{
    memset(out, 0, sizeof *out);
    const char *end = NULL;
    size_t look = len < PP_RT_MAX_HEAD ? len : PP_RT_MAX_HEAD;
    for (size_t i = 0; i + 3 < look; i++)
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
            end = buf + i;
            break;
        }
    if (!end) {
        if (len >= PP_RT_MAX_HEAD)
            return fail(st, PP_E_LIMIT, err, "Runtime API: expected a response head of at "
                                             "most %s bytes", "16384");
        return eof ? fail(st, PP_E_PARSE, err, "Runtime API: expected %s before the "
                                               "connection closed", "a complete response head")
                   : 0;
    }
    /* status line: HTTP/1.x NNN[ reason] */
    const char *p = buf, *eol = memchr(p, '\r', (size_t)(end - p) + 1);
    if (eol - p < 12 || (strncmp(p, "HTTP/1.1 ", 9) != 0 && strncmp(p, "HTTP/1.0 ", 9) != 0) ||
        p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
        (eol - p > 12 && p[12] != ' '))
        return fail(st, PP_E_PARSE, err, "Runtime API: expected %s", "a status line "
                                                                     "\"HTTP/1.1 NNN reason\"");
    long status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    rt_head h = { .hdr = calloc(PP_RT_MAX_HEADERS, sizeof *h.hdr) };
    if (!h.hdr)
        return fail(st, PP_E_NOMEM, err, "%s", "out of memory");
    pp_status code;
    const char *why = parse_headers(eol + 2, end, max_body, &h, &code);
    if (why) {
        headers_free(h.hdr, h.nhdr);
        if (code == PP_E_NOMEM)
            return fail(st, code, err, "%s", "out of memory");
        return fail(st, code, err, "Runtime API: expected %s", why);
    }
    const char *body = end + 4;
    pp_buf b;
    pp_buf_init(&b, 0);
    size_t bytes = 0;
    int framed = 1;
    int r = read_body(body, len - (size_t)(body - buf), eof, max_body, status, &h, &b, &bytes,
                      &framed, st, err);
    if (r != 1) {
        pp_buf_free(&b);
        headers_free(h.hdr, h.nhdr);
        return r;
    }
    out->status = status;
    out->len = b.len - 1;
    out->body = b.data;
    out->hdr = h.hdr;
    out->nhdr = h.nhdr;
    out->attempts = 1;
    if (used)
        *used = (size_t)(body - buf) + bytes;
    if (keep)
        *keep = framed && !h.close_conn && strncmp(buf, "HTTP/1.1", 8) == 0;
    *st = PP_OK;
    return 1;
}

/* ---- transport ---------------------------------------------------------------------- */

/* Milliseconds left before `deadline` (pp_now_ms), -1 for none, 0 when passed. */
static int left_ms(uint64_t deadline)
{
    if (!deadline)
        return -1;
    uint64_t now = pp_now_ms();
    return now >= deadline ? 0 : deadline - now > 60000000u ? 60000000 : (int)(deadline - now);
}

static int wait_fd(int fd, short ev, uint64_t deadline)
{
    struct pollfd pfd = {fd, ev, 0};
    for (;;) {
        int t = left_ms(deadline);
        if (t == 0)
            return -1;
        int n = poll(&pfd, 1, t);
        if (n > 0)
            return 0;
        if (n == 0 || errno != EINTR)
            return -1;
    }
}

static int dial(const char *hostport, uint64_t deadline, char **err, pp_status *st)
{
    char host[256], port[16];
    const char *colon = strrchr(hostport, ':');
    const char *h = hostport, *he = colon;
    if (colon && *h == '[' && colon > h && colon[-1] == ']') {
        h++;
        he--;
    }
    if (!colon || he <= h || (size_t)(he - h) >= sizeof host || strlen(colon + 1) == 0 ||
        strlen(colon + 1) >= sizeof port || strspn(colon + 1, "0123456789") != strlen(colon + 1)) {
        *st = pp_err(err, PP_E_USAGE, "AWS_LAMBDA_RUNTIME_API '%s': expected HOST:PORT",
                     hostport);
        return -1;
    }
    memcpy(host, h, (size_t)(he - h));
    host[he - h] = '\0';
    snprintf(port, sizeof port, "%s", colon + 1);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV}, *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        *st = pp_err(err, PP_E_HTTP, "Runtime API %s: cannot resolve: %s", hostport,
                     gai_strerror(gai));
        return -1;
    }
    int fd = -1, e = 0;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            int ok = errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0;
            socklen_t sl = sizeof e;
            e = ETIMEDOUT;
            if (ok && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == 0 && e == 0)
                break;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        *st = pp_err(err, PP_E_HTTP, "Runtime API %s: cannot connect: %s", hostport,
                     strerror(e ? e : ECONNREFUSED));
    return fd;
}

static int has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

void pp_rt_close(pp_rt_conn *c)
{
    if (c && c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

/* One exchange on c->fd: 1 done (*out), 0 the kept connection was closed before a byte of
 * the answer came (send again on a new one), -1 failed (*st, *err). */
static int exchange(pp_rt_conn *c, const pp_buf *req, const char *method, const char *path,
                    const pp_rt_opts *o, pp_http_resp *out, pp_status *st, char **err)
{
    uint64_t deadline = o->timeout_ms > 0 ? pp_now_ms() + (uint64_t)o->timeout_ms : 0;
    size_t sent = 0;
    while (sent < req->len) {
        ssize_t n = send(c->fd, req->data + sent, req->len - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_fd(c->fd, POLLOUT, deadline) != 0) {
                *st = pp_err(err, PP_E_HTTP, "Runtime API %s %s: cannot send within %ld ms",
                             method, path, o->timeout_ms);
                return -1;
            }
        } else if (sent == 0 && (n == 0 || errno == EPIPE || errno == ECONNRESET)) {
            return 0;
        } else {
            *st = pp_err(err, PP_E_HTTP, "Runtime API %s %s: cannot send: %s", method, path,
                         n < 0 ? strerror(errno) : "connection closed");
            return -1;
        }
    }
    /* the answer: head + body + chunk framing, within a bound */
    size_t cap = PP_RT_MAX_HEAD + o->max_body + o->max_body / 8 + 65536;
    pp_buf in;
    pp_buf_init(&in, 0);
    char chunk[65536];
    int r = -1;
    for (;;) {
        ssize_t n = recv(c->fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_fd(c->fd, POLLIN, deadline) != 0) {
                *st = pp_err(err, PP_E_HTTP, "Runtime API %s %s: no answer within %ld ms",
                             method, path, o->timeout_ms);
                break;
            }
            continue;
        }
        if ((n == 0 || (n < 0 && errno == ECONNRESET)) && in.len == 0) {
            r = 0;   /* closed before answering: the kept connection had gone */
            break;
        }
        if (n < 0) {
            *st = pp_err(err, PP_E_HTTP, "Runtime API %s %s: cannot read: %s", method, path,
                         strerror(errno));
            break;
        }
        if (n > 0 && in.len + (size_t)n > cap) {
            *st = pp_err(err, PP_E_LIMIT, "Runtime API %s %s: answer larger than %zu bytes",
                         method, path, cap);
            break;
        }
        if (n > 0 && pp_buf_append(&in, chunk, (size_t)n) != PP_OK) {
            *st = pp_err(err, PP_E_NOMEM, "out of memory");
            break;
        }
        pp_status pst = PP_OK;
        char *perr = NULL;
        int keep = 0;
        int pr = pp_rt_parse(in.data, in.len, n == 0, o->max_body, out, NULL, &keep, &pst,
                             &perr);
        if (pr < 0)
            *st = pp_err(err, pst, "%s %s: %s", method, path, perr ? perr : "bad answer");
        free(perr);
        if (pr != 0) {
            r = pr;
            if (pr == 1 && !keep)
                pp_rt_close(c);
            break;
        }
    }
    pp_buf_free(&in);
    return r;
}

pp_status pp_rt_request(pp_rt_conn *c, const char *hostport, const char *method,
                        const char *path, const char *ctype, const char *body, size_t blen,
                        const pp_rt_opts *o, pp_http_resp *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (has_crlf(method) || has_crlf(path) || (ctype && has_crlf(ctype)) ||
        has_crlf(hostport) || *path != '/')
        return pp_err(err, PP_E_USAGE, "Runtime API: expected a request line without CR or "
                                       "LF and a path from '/'");
    for (size_t i = 0; i < o->nheaders; i++)
        if (has_crlf(o->headers[i]))
            return pp_err(err, PP_E_USAGE, "Runtime API: expected headers without CR or LF");
    pp_buf req;
    pp_buf_init(&req, 0);
    pp_status st = pp_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: parapet\r\n",
                                 method, path, hostport);
    for (size_t i = 0; i < o->nheaders && st == PP_OK; i++)
        st = pp_buf_printf(&req, "%s\r\n", o->headers[i]);
    if (st == PP_OK && body)
        st = pp_buf_printf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                           ctype ? ctype : "application/json", blen);
    if (st == PP_OK)
        st = pp_buf_append(&req, "\r\n", 2);
    if (st == PP_OK && body && blen)
        st = pp_buf_append(&req, body, blen);
    if (st != PP_OK) {
        pp_buf_free(&req);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    int r = 0;
    for (int attempt = 0; attempt < 2 && r == 0; attempt++) {
        int reused = c->fd >= 0;
        if (!reused) {
            uint64_t cdl = pp_now_ms() + (uint64_t)(o->connect_timeout_ms > 0
                                                        ? o->connect_timeout_ms : 1000);
            if ((c->fd = dial(hostport, cdl, err, &st)) < 0) {
                r = -1;
                break;
            }
        }
        r = exchange(c, &req, method, path, o, out, &st, err);
        if (r == 0 && !reused) {   /* a new connection closed at once: not a stale one */
            st = pp_err(err, PP_E_HTTP, "Runtime API %s %s: connection closed without an "
                                        "answer", method, path);
            r = -1;
        }
        if (r != 1)
            pp_rt_close(c);
    }
    pp_buf_free(&req);
    if (r != 1) {
        pp_http_resp_free(out);
        return st == PP_OK ? pp_err(err, PP_E_HTTP, "Runtime API %s %s: no answer", method, path)
                           : st;
    }
    return PP_OK;
}
