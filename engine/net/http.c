/* http.c — libcurl wrapper with a URL policy, caps, timeouts and retries (see http.h).
 *
 * Every request goes through do_request: policy check first (no socket is opened for a denied
 * URL), then up to 1 + retries attempts on one easy handle. The body goes into a capped pp_buf;
 * the write callback aborts the transfer the moment the cap is passed.
 */
#include "engine/net/http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/util.h"

/* Caps on what a server may send us besides the body. */
#define PP_HTTP_MAX_HEADERS 100
#define PP_HTTP_MAX_HEADER_BYTES 8192
#define PP_HTTP_MAX_BACKOFF_MS 5000

struct pp_http_client {
    CURL *h;
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_init_ok;
static char g_cainfo[512];  /* CA bundle chosen at init, or "" for libcurl's default */

static void global_init_once(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return;
    g_init_ok = 1;
    /* A libcurl built on Debian looks for /etc/ssl/certs/ca-certificates.crt; Amazon Linux
     * keeps its bundle elsewhere. Pick one that exists when the built-in one does not. */
    const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
    const char *builtin = (vi && vi->age >= CURLVERSION_NINTH) ? vi->cainfo : NULL;
    const char *env = getenv("SSL_CERT_FILE");
    if (env && *env && access(env, R_OK) == 0) {
        snprintf(g_cainfo, sizeof g_cainfo, "%s", env);
        return;
    }
    if (builtin && access(builtin, R_OK) == 0)
        return;
    static const char *const cands[] = {
        "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt",
        "/etc/ssl/cert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(cands); i++) {
        if (access(cands[i], R_OK) == 0) {
            snprintf(g_cainfo, sizeof g_cainfo, "%s", cands[i]);
            return;
        }
    }
}

pp_status pp_http_global_init(void)
{
    pthread_once(&g_once, global_init_once);
    return g_init_ok ? PP_OK : PP_E_HTTP;
}

pp_http_client *pp_http_client_new(void)
{
    /* libcurl is opened (engine/net/lazy.c) and its handle made at the first request: a
     * client set up "just in case" (the Lambda loop's, for payload fetches) costs nothing
     * until then */
    return calloc(1, sizeof(pp_http_client));
}

void pp_http_client_free(pp_http_client *c)
{
    if (!c)
        return;
    if (c->h)
        curl_easy_cleanup(c->h);
    free(c);
}

/* ---- URL policy ------------------------------------------------------------------------ */

static int region_like(const char *s, size_t n)
{
    /* us-east-1, cn-north-1, us-gov-west-1, external-1: letters first, a dash, a digit last. */
    if (n < 3 || !islower((unsigned char)s[0]) || !isdigit((unsigned char)s[n - 1]))
        return 0;
    int dash = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '-')
            dash = 1;
        else if (!islower(ch) && !isdigit(ch))
            return 0;
    }
    return dash;
}

static int label_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

int pp_http_is_s3_host(const char *host)
{
    static const char *const suffixes[] = { ".amazonaws.com", ".amazonaws.com.cn" };
    if (!host)
        return 0;
    size_t hl = strlen(host);
    if (hl == 0 || hl > 253)
        return 0;
    for (size_t i = 0; i < hl; i++) {
        unsigned char ch = (unsigned char)host[i];
        if (!(islower(ch) || isdigit(ch) || ch == '-' || ch == '.'))
            return 0;   /* upper case is normalised by the caller; anything else is odd */
    }
    size_t rl = 0;
    for (size_t i = 0; i < PP_ARRAY_LEN(suffixes); i++) {
        size_t sl = strlen(suffixes[i]);
        if (hl > sl && strcmp(host + hl - sl, suffixes[i]) == 0) {
            rl = hl - sl;
            break;
        }
    }
    if (rl == 0)
        return 0;
    /* Split the remainder into at most the last three labels; all labels must be non-empty. */
    const char *lab[3] = { 0 };
    size_t len[3] = { 0 };
    size_t nl = 0, e = rl;
    for (;;) {
        size_t b = e;
        while (b > 0 && host[b - 1] != '.')
            b--;
        if (b == e)
            return 0;   /* empty label */
        if (nl < 3) {
            lab[nl] = host + b;
            len[nl] = e - b;
        }
        nl++;
        if (b == 0)
            break;
        e = b - 1;
    }
    /* lab[0] is the last label before the suffix. */
    if (label_eq(lab[0], len[0], "s3"))
        return 1;                                            /* [bucket.]s3.amazonaws.com */
    if (len[0] > 3 && memcmp(lab[0], "s3-", 3) == 0 && region_like(lab[0] + 3, len[0] - 3))
        return 1;                                            /* [bucket.]s3-region */
    if (nl >= 2 && label_eq(lab[1], len[1], "s3") && region_like(lab[0], len[0]))
        return 1;                                            /* [bucket.]s3.region */
    if (nl >= 3 && label_eq(lab[2], len[2], "s3") && label_eq(lab[1], len[1], "dualstack") &&
        region_like(lab[0], len[0]))
        return 1;                                            /* [bucket.]s3.dualstack.region */
    return 0;
}

/* Scheme, host (lower case) and port (explicit or the scheme's default) of a URL. */
typedef struct url_parts {
    char *scheme, *host, *user;
    long port;
} url_parts;

static void url_parts_free(url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->user);
    memset(p, 0, sizeof *p);
}

static int url_split(const char *url, url_parts *out)
{
    memset(out, 0, sizeof *out);
    CURLU *u = curl_url();
    if (!u)
        return -1;
    int rc = -1;
    char *port = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto done;
    if (curl_url_get(u, CURLUPART_SCHEME, &out->scheme, 0) != CURLUE_OK)
        goto done;
    if (curl_url_get(u, CURLUPART_HOST, &out->host, 0) != CURLUE_OK)
        goto done;
    CURLUcode uc = curl_url_get(u, CURLUPART_USER, &out->user, 0);
    if (uc != CURLUE_OK && uc != CURLUE_NO_USER)
        goto done;
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
        goto done;
    long pv;
    if (pp_parse_long(port, 0, 65535, &pv) != 0)
        goto done;
    out->port = pv;
    for (char *h = out->host; *h; h++)
        *h = (char)tolower((unsigned char)*h);
    for (char *s = out->scheme; *s; s++)
        *s = (char)tolower((unsigned char)*s);
    rc = 0;
done:
    curl_free(port);
    curl_url_cleanup(u);
    if (rc != 0)
        url_parts_free(out);
    return rc;
}

/* 1 when the URL is allowed by a prefix; the scheme must be http(s). */
static int prefix_allows(const pp_http_policy *p, const char *url, const url_parts *up)
{
    if (strcmp(up->scheme, "http") != 0 && strcmp(up->scheme, "https") != 0)
        return 0;
    for (size_t i = 0; i < p->nprefixes; i++) {
        const char *pre = p->prefixes[i];
        if (!pre || !*pre || strncmp(url, pre, strlen(pre)) != 0)
            continue;
        /* The prefix must name the same origin as the URL. A prefix that is itself not a URL
         * with a host (say "http://") admits nothing. */
        url_parts pp;
        if (url_split(pre, &pp) != 0)
            continue;
        int same = strcmp(pp.scheme, up->scheme) == 0 && strcmp(pp.host, up->host) == 0 &&
                   pp.port == up->port && (up->user == NULL || pp.user != NULL);
        url_parts_free(&pp);
        if (same)
            return 1;
    }
    return 0;
}

pp_status pp_http_check_url(const pp_http_policy *p, const char *url, char **err)
{
    if (!url || !*url)
        return pp_err(err, PP_E_DENIED, "empty URL");
    if (!p)
        return pp_err(err, PP_E_DENIED, "no URL policy: fetching is disabled");
    if (p->allow_any)
        return PP_OK;
    url_parts up;
    if (url_split(url, &up) != 0)
        return pp_err(err, PP_E_DENIED, "not a valid absolute URL");
    pp_status st = PP_OK;
    if (prefix_allows(p, url, &up))
        goto done;
    if (p->allow_s3 && strcmp(up.scheme, "https") == 0 && up.port == 443 && !up.user &&
        pp_http_is_s3_host(up.host))
        goto done;
    st = pp_err(err, PP_E_DENIED,
                "URL on host '%s' (%s) is not an Amazon S3 https URL nor under an "
                "--allow-payload-url-prefix",
                up.host, up.scheme);
done:
    url_parts_free(&up);
    return st;
}

/* ---- transfer -------------------------------------------------------------------------- */

typedef struct xfer {
    pp_buf body;
    int over;               /* body cap passed */
    pp_http_header *hdr;
    size_t nhdr;
} xfer;

static void headers_clear(pp_http_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (pp_buf_append(&x->body, p, n) != PP_OK) {
        x->over = 1;
        return 0;   /* aborts with CURLE_WRITE_ERROR */
    }
    return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* A new response (after 1xx): forget the headers of the previous one. */
        headers_clear(x->hdr, x->nhdr);
        x->nhdr = 0;
        return n;
    }
    if (n > PP_HTTP_MAX_HEADER_BYTES || x->nhdr >= PP_HTTP_MAX_HEADERS)
        return n;   /* ignored, not fatal */
    const char *colon = memchr(p, ':', n);
    if (!colon || colon == p)
        return n;
    const char *v = colon + 1, *e = p + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\t'))
        e--;
    char *name = strndup(p, (size_t)(colon - p));
    char *value = strndup(v, (size_t)(e - v));
    if (!name || !value) {
        free(name);
        free(value);
        return 0;
    }
    x->hdr[x->nhdr].name = name;
    x->hdr[x->nhdr].value = value;
    x->nhdr++;
    return n;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int transient(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
           rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
}

static int scheme_is_https(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0;
}

/* The request's header list: the caller's headers, then for a body Content-Type (ctype, or
 * JSON) and an empty Expect: (no 100-continue round trip). *hl grows as it goes; the caller frees
 * it with curl_slist_free_all, also on failure. */
static pp_status header_list(const pp_http_opts *o, int post, const char *ctype,
                             struct curl_slist **hl, char **err)
{
    for (size_t i = 0; i < o->nheaders; i++) {
        struct curl_slist *n = curl_slist_append(*hl, o->headers[i]);
        if (!n)
            return pp_err(err, PP_E_NOMEM, "out of memory");
        *hl = n;
    }
    if (post) {
        char *ct = pp_asprintf("Content-Type: %s", ctype ? ctype : "application/json");
        struct curl_slist *n = ct ? curl_slist_append(*hl, ct) : NULL;
        free(ct);
        if (n)
            n = curl_slist_append(*hl = n, "Expect:");
        if (!n)
            return pp_err(err, PP_E_NOMEM, "out of memory");
        *hl = n;
    }
    return PP_OK;
}

/* One attempt's options on a freshly reset handle: no redirects, no signals, the protocol
 * allow-list, the timeouts (tmo: what is left of the deadline), the body cap and callbacks. */
static void set_options(CURL *h, const char *url, const pp_http_opts *o, long tmo, size_t cap,
                        xfer *x, char *ebuf, struct curl_slist *hl, int post, const void *body,
                        size_t blen)
{
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, scheme_is_https(url) ? "https" : "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#endif
    if (o->connect_timeout_ms)
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, tmo);
    if (o->low_speed_bytes > 0 && o->low_speed_secs > 0) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->low_speed_secs);
    }
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "parapet");
    if (hl)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    if (g_cainfo[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, g_cainfo);
    if (post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        if (post == 2)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
}

static pp_status do_request(pp_http_client *c, const char *url, const char *ctype,
                            const void *body, size_t blen, int post, const pp_http_opts *o,
                            pp_http_resp *out, char **err)
{
    memset(out, 0, sizeof *out);
    pp_status st = pp_http_check_url(o->policy, url, err);
    if (st != PP_OK)
        return st;
    if (pp_http_global_init() != PP_OK)
        return pp_err(err, PP_E_HTTP, "libcurl failed to initialise");

    if (c && !c->h)
        c->h = curl_easy_init();
    CURL *h = c ? c->h : curl_easy_init();
    struct curl_slist *hl = NULL;
    xfer x = { 0 };
    size_t cap = o->max_body ? o->max_body : PP_HTTP_DEFAULT_MAX_BODY;
    char ebuf[CURL_ERROR_SIZE];
    x.hdr = calloc(PP_HTTP_MAX_HEADERS, sizeof *x.hdr);
    if (!h || !x.hdr) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    st = header_list(o, post, ctype, &hl, err);
    if (st != PP_OK)
        goto done;

    unsigned backoff = o->backoff_ms ? o->backoff_ms : 100;
    for (unsigned attempt = 0;; attempt++) {
        long tmo = o->timeout_ms;
        if (o->deadline_ms) {
            uint64_t now = pp_now_ms();
            if (now >= o->deadline_ms) {
                st = pp_err(err, PP_E_HTTP, "%s: deadline passed before the request could "
                            "complete", url);
                goto done;
            }
            long left = (long)(o->deadline_ms - now);
            if (tmo == 0 || left < tmo)
                tmo = left;
        }
        headers_clear(x.hdr, x.nhdr);
        x.nhdr = 0;
        pp_buf_free(&x.body);
        pp_buf_init(&x.body, cap);
        x.over = 0;
        ebuf[0] = '\0';

        set_options(h, url, o, tmo, cap, &x, ebuf, hl, post, body, blen);

        CURLcode rc = curl_easy_perform(h);
        out->attempts = attempt + 1;
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        out->status = code;
        int again = attempt < o->retries &&
                    (o->deadline_ms == 0 || pp_now_ms() + backoff < o->deadline_ms);
        if (rc == CURLE_OK) {
            if (code >= 500 && again) {
                sleep_ms(backoff);
                backoff = backoff * 2 > PP_HTTP_MAX_BACKOFF_MS ? PP_HTTP_MAX_BACKOFF_MS
                                                               : backoff * 2;
                continue;
            }
            break;
        }
        if (x.over || rc == CURLE_FILESIZE_EXCEEDED) {
            st = pp_err(err, PP_E_LIMIT, "%s: response body larger than %zu bytes", url, cap);
            goto done;
        }
        if (transient(rc) && again) {
            sleep_ms(backoff);
            backoff = backoff * 2 > PP_HTTP_MAX_BACKOFF_MS ? PP_HTTP_MAX_BACKOFF_MS : backoff * 2;
            continue;
        }
        st = pp_err(err, PP_E_HTTP, "%s: %s%s%s", url, curl_easy_strerror(rc),
                    ebuf[0] ? ": " : "", ebuf);
        goto done;
    }

    if (!x.body.data && pp_buf_append(&x.body, "", 0) != PP_OK) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    out->len = x.body.len;
    out->body = pp_buf_steal(&x.body);
    out->hdr = x.hdr;
    out->nhdr = x.nhdr;
    x.hdr = NULL;
    x.nhdr = 0;
done:
    if (st != PP_OK) {
        long keep = out->status;
        unsigned att = out->attempts;
        pp_http_resp_free(out);
        out->status = keep;
        out->attempts = att;
    }
    pp_buf_free(&x.body);
    if (x.hdr) {
        headers_clear(x.hdr, x.nhdr);
        free(x.hdr);
    }
    curl_slist_free_all(hl);
    if (!c && h)
        curl_easy_cleanup(h);
    return st;
}

pp_status pp_http_get(pp_http_client *c, const char *url, const pp_http_opts *o,
                      pp_http_resp *out, char **err)
{
    return do_request(c, url, NULL, NULL, 0, 0, o, out, err);
}

pp_status pp_http_post(pp_http_client *c, const char *url, const char *content_type,
                       const void *body, size_t len, const pp_http_opts *o, pp_http_resp *out,
                       char **err)
{
    return do_request(c, url, content_type, body, len, 1, o, out, err);
}

pp_status pp_http_put(pp_http_client *c, const char *url, const char *content_type,
                      const void *body, size_t len, const pp_http_opts *o, pp_http_resp *out,
                      char **err)
{
    return do_request(c, url, content_type, body, len, 2, o, out, err);
}

const char *pp_http_resp_header(const pp_http_resp *r, const char *name)
{
    for (size_t i = 0; r && i < r->nhdr; i++)
        if (strcasecmp(r->hdr[i].name, name) == 0)
            return r->hdr[i].value;
    return NULL;
}

void pp_http_resp_free(pp_http_resp *r)
{
    if (!r)
        return;
    free(r->body);
    if (r->hdr) {
        headers_clear(r->hdr, r->nhdr);
        free(r->hdr);
    }
    memset(r, 0, sizeof *r);
}
