/* sigv4.c — AWS Signature Version 4 signing (see sigv4.h for the canonical-request rules).
 *
 * Steps: canonical request (method, canonical URI, canonical query, canonical headers, signed
 * header names, payload hash) → string to sign ("AWS4-HMAC-SHA256", date-time, scope, hash of
 * the canonical request) → signing key (HMAC chain over date, region, service, "aws4_request"
 * starting from "AWS4" + secret) → signature → Authorization header.
 */
#include "engine/net/sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/base/crypto.h"
#include "engine/base/util.h"

/* ---- encoding -------------------------------------------------------------------------- */

static int unreserved(unsigned char ch)
{
    return isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static pp_status encode_into(pp_buf *b, const char *s, size_t n)
{
    static const char hexd[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        pp_status st;
        if (unreserved(ch)) {
            st = pp_buf_append(b, s + i, 1);
        } else {
            char e[3] = { '%', hexd[ch >> 4], hexd[ch & 15] };
            st = pp_buf_append(b, e, 3);
        }
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

char *pp_uri_encode(const char *s, size_t n)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    if (encode_into(&b, s, n) != PP_OK) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

/* Decodes %XX in s[0..n) into a new string (a '%' not followed by two hex digits stays). */
static char *uri_decode(const char *s, size_t n, size_t *olen)
{
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = pp_hex_digit(s[i + 1])) >= 0 &&
            (l = pp_hex_digit(s[i + 2])) >= 0) {
            o[j++] = (char)(h * 16 + l);
            i += 2;
        } else {
            o[j++] = s[i];
        }
    }
    o[j] = '\0';
    *olen = j;
    return o;
}

char *pp_sigv4_canonical_uri(const char *path)
{
    if (!path || !*path)
        return pp_strdup("/");
    size_t n = strlen(path);
    /* Segments kept after removing "", "." and resolving "..": (start, length) pairs. */
    size_t cap = n / 2 + 2, ns = 0;
    size_t *seg = malloc(cap * 2 * sizeof *seg);
    if (!seg)
        return NULL;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && path[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 0 || (len == 1 && path[i] == '.')) {
            /* skip */
        } else if (len == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (ns)
                ns--;
        } else {
            seg[2 * ns] = i;
            seg[2 * ns + 1] = len;
            ns++;
        }
        i = j + 1;
    }
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_status st = PP_OK;
    for (size_t k = 0; k < ns && st == PP_OK; k++) {
        st = pp_buf_append(&b, "/", 1);
        if (st == PP_OK)
            st = encode_into(&b, path + seg[2 * k], seg[2 * k + 1]);
    }
    /* A trailing slash is kept (as botocore and the test suite's get-slashes do). */
    if (st == PP_OK && (ns == 0 || path[n - 1] == '/'))
        st = pp_buf_append(&b, "/", 1);
    free(seg);
    if (st != PP_OK) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

typedef struct qpair {
    char *k, *v;   /* encoded */
} qpair;

static int qpair_cmp(const void *a, const void *b)
{
    const qpair *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

char *pp_sigv4_canonical_query(const char *query)
{
    if (!query || !*query)
        return pp_strdup("");
    size_t n = strlen(query), np = 0;
    qpair *p = calloc(n / 2 + 2, sizeof *p);
    if (!p)
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 0);
    int ok = 1;
    for (size_t i = 0; i <= n && ok;) {
        size_t j = i;
        while (j < n && query[j] != '&')
            j++;
        if (j > i) {
            const char *eq = memchr(query + i, '=', j - i);
            size_t kl = eq ? (size_t)(eq - (query + i)) : j - i;
            size_t vs = eq ? kl + 1 : j - i;
            size_t dl;
            char *dk = uri_decode(query + i, kl, &dl);
            char *ek = dk ? pp_uri_encode(dk, dl) : NULL;
            free(dk);
            char *dv = uri_decode(query + i + vs, j - i - vs, &dl);
            char *ev = dv ? pp_uri_encode(dv, dl) : NULL;
            free(dv);
            p[np].k = ek;
            p[np].v = ev;
            np++;
            if (!ek || !ev)
                ok = 0;
        }
        i = j + 1;
    }
    if (ok) {
        qsort(p, np, sizeof *p, qpair_cmp);
        for (size_t k = 0; k < np && ok; k++)
            ok = pp_buf_printf(&b, "%s%s=%s", k ? "&" : "", p[k].k, p[k].v) == PP_OK;
    }
    for (size_t k = 0; k < np; k++) {
        free(p[k].k);
        free(p[k].v);
    }
    free(p);
    if (!ok) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

/* ---- headers --------------------------------------------------------------------------- */

typedef struct hdr {
    char *name;    /* lower case */
    char *value;   /* trimmed, inner space runs collapsed */
    size_t order;
} hdr;

static int hdr_cmp(const void *a, const void *b)
{
    const hdr *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static pp_status hdr_make(hdr *h, const char *name, size_t nlen, const char *v, size_t vlen,
                          size_t order)
{
    h->order = order;
    h->name = malloc(nlen + 1);
    h->value = malloc(vlen + 1);
    if (!h->name || !h->value)
        return PP_E_NOMEM;
    for (size_t i = 0; i < nlen; i++)
        h->name[i] = (char)tolower((unsigned char)name[i]);
    h->name[nlen] = '\0';
    while (vlen && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r' ||
                    v[vlen - 1] == '\n'))
        vlen--;
    size_t j = 0;
    for (size_t i = 0; i < vlen; i++) {
        char ch = v[i] == '\t' ? ' ' : v[i];
        if (ch == ' ' && j && h->value[j - 1] == ' ')
            continue;
        h->value[j++] = ch;
    }
    h->value[j] = '\0';
    return PP_OK;
}

static int valid_amz_date(const char *s)
{
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && !isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* ---- signing --------------------------------------------------------------------------- */

void pp_sigv4_sig_free(pp_sigv4_sig *s)
{
    if (!s)
        return;
    free(s->canonical_request);
    free(s->string_to_sign);
    free(s->signed_headers);
    free(s->authorization);
    for (size_t i = 0; i < s->nadd; i++)
        free(s->add[i]);
    memset(s, 0, sizeof *s);
}

/* Step 1 of signing: the headers to sign, lower-cased and sorted into h[] (*nh of them; the
 * caller frees each name and value, also on failure). Adds X-Amz-Date (writing out->amz_date),
 * Host and, for temporary credentials, X-Amz-Security-Token when the caller did not pass them;
 * *have_token says whether the caller passed the token header itself. */
static pp_status collect_headers(const pp_sigv4_req *r, const char *token, hdr *h, size_t *nh,
                                 int *have_token, pp_sigv4_sig *out, char **err)
{
    pp_status st = PP_OK;
    int have_date = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *line = r->headers[i];
        const char *colon = line ? strchr(line, ':') : NULL;
        if (!colon || colon == line) {
            return pp_err(err, PP_E_USAGE, "sigv4: header '%s' is not 'Name: value'",
                        line ? line : "(null)");
        }
        st = hdr_make(&h[*nh], line, (size_t)(colon - line), colon + 1, strlen(colon + 1), *nh);
        (*nh)++;
        if (st != PP_OK)
            return st;
        if (strcmp(h[*nh - 1].name, "host") == 0) {
            return pp_err(err, PP_E_USAGE, "sigv4: pass the host in the request, not a header");
        }
        if (strcmp(h[*nh - 1].name, "x-amz-date") == 0) {
            if (!valid_amz_date(h[*nh - 1].value)) {
                return pp_err(err, PP_E_USAGE, "sigv4: X-Amz-Date '%s' is not YYYYMMDDTHHMMSSZ",
                            h[*nh - 1].value);
            }
            memcpy(out->amz_date, h[*nh - 1].value, 17);
            have_date = 1;
        }
        if (strcmp(h[*nh - 1].name, "x-amz-security-token") == 0)
            *have_token = 1;
    }
    if (!have_date) {
        struct tm tm;
        time_t t = r->when;
        if (!gmtime_r(&t, &tm) ||
            strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ", &tm) != 16) {
            return pp_err(err, PP_E_USAGE, "sigv4: signing time out of range");
        }
        st = hdr_make(&h[*nh], "x-amz-date", 10, out->amz_date, 16, *nh);
        (*nh)++;
        if (st != PP_OK)
            return st;
    }
    st = hdr_make(&h[*nh], "host", 4, r->host, strlen(r->host), *nh);
    (*nh)++;
    if (st != PP_OK)
        return st;
    if (token && !*have_token) {
        st = hdr_make(&h[*nh], "x-amz-security-token", 20, token, strlen(token), *nh);
        (*nh)++;
        if (st != PP_OK)
            return st;
    }
    qsort(h, *nh, sizeof *h, hdr_cmp);
    return PP_OK;
}

/* Step 2: the signature, HMAC-SHA256 of the string to sign under the key derived from the
 * secret, date, region and service. The derived key is wiped before returning. */
static pp_status derive_signature(const pp_sigv4_req *r, const pp_aws_creds *c, const char *date,
                                  const pp_buf *sts, unsigned char sig[PP_SHA256_LEN], char **err)
{
    unsigned char k[PP_SHA256_LEN];
    char *k0 = pp_asprintf("AWS4%s", c->secret_access_key);
    if (!k0)
        return PP_E_NOMEM;
    int bad = pp_hmac_sha256(k0, strlen(k0), date, 8, k) != 0 ||
              pp_hmac_sha256(k, sizeof k, r->region, strlen(r->region), k) != 0 ||
              pp_hmac_sha256(k, sizeof k, r->service, strlen(r->service), k) != 0 ||
              pp_hmac_sha256(k, sizeof k, "aws4_request", 12, k) != 0 ||
              pp_hmac_sha256(k, sizeof k, sts->data, sts->len, sig) != 0;
    pp_wipe(k0, strlen(k0));
    free(k0);
    pp_wipe(k, sizeof k);
    if (bad)
        return pp_err(err, PP_E_INTERNAL, "sigv4: libcrypto HMAC failed");
    return PP_OK;
}

pp_status pp_sigv4_sign(const pp_sigv4_req *r, const pp_aws_creds *c, pp_sigv4_sig *out,
                        char **err)
{
    memset(out, 0, sizeof *out);
    if (!r || !c || !r->method || !*r->method || !r->host || !*r->host || !r->region ||
        !*r->region || !r->service || !*r->service || !c->access_key_id ||
        !*c->access_key_id || !c->secret_access_key || !*c->secret_access_key)
        return pp_err(err, PP_E_USAGE, "sigv4: method, host, region, service and credentials "
                      "are required");
    if (r->nheaders > PP_SIGV4_MAX_HEADERS)
        return pp_err(err, PP_E_USAGE, "sigv4: more than %d headers to sign",
                      PP_SIGV4_MAX_HEADERS);

    pp_status st = PP_OK;
    hdr h[PP_SIGV4_MAX_HEADERS + 3];
    size_t nh = 0;
    char *curi = NULL, *cquery = NULL;
    pp_buf cr, sts, sh;
    pp_buf_init(&cr, 0);
    pp_buf_init(&sts, 0);
    pp_buf_init(&sh, 0);
    memset(h, 0, sizeof h);
    int have_token = 0;
    const char *token = c->session_token && *c->session_token ? c->session_token : NULL;

    st = collect_headers(r, token, h, &nh, &have_token, out, err);
    if (st != PP_OK)
        goto done;

    curi = pp_sigv4_canonical_uri(r->path);
    cquery = pp_sigv4_canonical_query(r->query);
    if (!curi || !cquery) {
        st = PP_E_NOMEM;
        goto done;
    }
    char payload_hash[65];
    pp_sha256_hex(r->body, r->body_len, payload_hash);

    st = pp_buf_printf(&cr, "%s\n%s\n%s\n", r->method, curi, cquery);
    /* Canonical headers: one line per name, duplicate names joined with ','. */
    for (size_t i = 0; i < nh && st == PP_OK; i++) {
        int first = i == 0 || strcmp(h[i - 1].name, h[i].name) != 0;
        int last = i + 1 == nh || strcmp(h[i + 1].name, h[i].name) != 0;
        if (first)
            st = pp_buf_printf(&cr, "%s:", h[i].name);
        if (st == PP_OK)
            st = pp_buf_printf(&cr, "%s%s", first ? "" : ",", h[i].value);
        if (st == PP_OK && last)
            st = pp_buf_puts(&cr, "\n");
        if (st == PP_OK && first)
            st = pp_buf_printf(&sh, "%s%s", sh.len ? ";" : "", h[i].name);
    }
    if (st == PP_OK)
        st = pp_buf_printf(&cr, "\n%s\n%s", sh.data ? sh.data : "", payload_hash);
    if (st != PP_OK)
        goto done;

    char date[9];
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    char cr_hash[65];
    pp_sha256_hex(cr.data, cr.len, cr_hash);
    st = pp_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date,
                       date, r->region, r->service, cr_hash);
    if (st != PP_OK)
        goto done;

    unsigned char sig[PP_SHA256_LEN];
    st = derive_signature(r, c, date, &sts, sig, err);
    if (st != PP_OK)
        goto done;
    pp_hex(sig, sizeof sig, out->signature);
    out->authorization = pp_asprintf("AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
                                     "SignedHeaders=%s, Signature=%s", c->access_key_id, date,
                                     r->region, r->service, sh.data, out->signature);
    out->add[out->nadd++] = pp_asprintf("X-Amz-Date: %s", out->amz_date);
    if (token && !have_token)
        out->add[out->nadd++] = pp_asprintf("X-Amz-Security-Token: %s", token);
    out->add[out->nadd++] = out->authorization ? pp_asprintf("Authorization: %s",
                                                             out->authorization) : NULL;
    for (size_t i = 0; i < out->nadd; i++)
        if (!out->add[i])
            st = PP_E_NOMEM;
    if (st != PP_OK)
        goto done;
    out->canonical_request = pp_buf_steal(&cr);
    out->string_to_sign = pp_buf_steal(&sts);
    out->signed_headers = pp_buf_steal(&sh);
    if (!out->canonical_request || !out->string_to_sign || !out->signed_headers)
        st = PP_E_NOMEM;
done:
    if (st == PP_E_NOMEM)
        pp_err(err, st, "sigv4: out of memory");
    if (st != PP_OK)
        pp_sigv4_sig_free(out);
    for (size_t i = 0; i < nh; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(curi);
    free(cquery);
    pp_buf_free(&cr);
    pp_buf_free(&sts);
    pp_buf_free(&sh);
    return st;
}
