/* creds_http.c — credentials over HTTP: the container endpoint, EC2 instance metadata
 * (IMDSv2), and STS (AssumeRole, AssumeRoleWithWebIdentity) (creds.h, creds_int.h). */
#include "engine/net/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/base/crypto.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/aws.h"
#include "engine/net/creds_int.h"
#include "engine/net/xml.h"


void pp_cr_set_how(pp_cr_fetch *fx, char *how)
{
    free(fx->how);
    fx->how = how;
}

pp_status pp_cr_http_get_json(pp_http_client *http, const char *url, const char *const *hdrs,
                               size_t nh, long timeout_ms, const char *what, json_t **out,
                               long *status, char **err)
{
    *out = NULL;
    pp_http_policy any = { .allow_any = 1 };   /* the callers checked the URL */
    pp_http_opts ho = { .policy = &any, .headers = hdrs, .nheaders = nh,
                        .connect_timeout_ms = timeout_ms, .timeout_ms = timeout_ms,
                        .max_body = PP_CREDS_MAX_ANSWER };
    pp_http_resp r;
    char *e = NULL;
    pp_status st = pp_http_get(http, url, &ho, &r, &e);
    if (status)
        *status = r.status;
    if (st != PP_OK) {
        pp_err(err, st, "%s: %s", what, e ? e : pp_status_name(st));
        free(e);
        return st;
    }
    if (status)
        *status = r.status;
    if (r.status != 200) {
        st = pp_err(err, r.status == 401 || r.status == 403 ? PP_E_DENIED : PP_E_HTTP,
                    "%s: HTTP %ld", what, r.status);
    } else if (!(*out = json_loadb(r.body, r.len, 0, NULL)) || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        st = pp_err(err, PP_E_PARSE, "%s: the answer is not a JSON object", what);
    }
    explicit_bzero(r.body, r.len);
    pp_http_resp_free(&r);
    return st;
}

/* {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} (container and IMDS answers). */
static pp_status from_json_creds(json_t *j, const char *tok_key, const char *what,
                                 pp_cr_tcreds *out,
                                 char **err)
{
    const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    const char *tk = json_string_value(json_object_get(j, tok_key));
    const char *ex = json_string_value(json_object_get(j, "Expiration"));
    if (!ak || !*ak || !sk || !*sk)
        return pp_err(err, PP_E_PARSE, "%s: the answer lacks AccessKeyId or SecretAccessKey",
                      what);
    time_t exp = 0;
    if (ex && pp_creds_parse_time(ex, &exp) != 0)
        return pp_err(err, PP_E_PARSE, "%s: Expiration is not an ISO 8601 time", what);
    return pp_cr_tcreds_set(out, ak, sk, tk, exp, err);
}

/* 1 when http://HOST may serve container credentials (the SDKs' list). */
static int container_host_ok(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return 1;
    if (strncasecmp(url, "http://", 7) != 0)
        return 0;
    const char *h = url + 7;
    if (strpbrk(h, "@") && strchr(h, '@') < h + strcspn(h, "/?#"))
        return 0;   /* user info */
    size_t n;
    char host[64];
    if (*h == '[') {
        n = strcspn(h, "]");
        if (h[n] != ']' || n - 1 >= sizeof host)
            return 0;
        memcpy(host, h + 1, n - 1);
        host[n - 1] = '\0';
        h += n + 1;
    } else {
        n = strcspn(h, ":/?#");
        if (n >= sizeof host)
            return 0;
        memcpy(host, h, n);
        host[n] = '\0';
        h += n;
    }
    if (*h != '\0' && *h != ':' && *h != '/' && *h != '?')
        return 0;
    if (strcmp(host, "169.254.170.2") == 0 || strcmp(host, "169.254.170.23") == 0 ||
        strcasecmp(host, "fd00:ec2::23") == 0 || strcmp(host, "::1") == 0 ||
        strcasecmp(host, "localhost") == 0)
        return 1;
    /* 127.0.0.0/8, written as a dotted quad */
    unsigned a, b, c, d;
    char tail;
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
           c < 256 && d < 256;
}

/* Reads a small token file, trailing white space removed. */
pp_status pp_cr_read_token(const char *path, const char *what, char **out, char **err)
{
    size_t n = 0;
    char *e = NULL;
    pp_status st = pp_read_file(path, MAX_TOKEN_FILE, out, &n, &e);
    if (st != PP_OK) {
        pp_err(err, st, "%s: %s", what, e ? e : path);
        free(e);
        return st;
    }
    while (n && isspace((unsigned char)(*out)[n - 1]))
        (*out)[--n] = '\0';
    if (!n || strpbrk(*out, "\r\n")) {
        pp_cr_wipe(*out);
        *out = NULL;
        return pp_err(err, PP_E_PARSE, "%s: %s is empty or has more than one line", what, path);
    }
    return PP_OK;
}

pp_status pp_cr_container_creds(pp_cr_fetch *fx, pp_cr_tcreds *out, char **err)
{
    const char *rel = pp_cr_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = pp_cr_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    char *url = rel ? pp_asprintf("http://169.254.170.2%s", rel) : pp_strdup(full);
    if (!url)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    if (!rel && !container_host_ok(url)) {
        free(url);
        return pp_err(err, PP_E_DENIED, "container credentials: AWS_CONTAINER_CREDENTIALS_"
                      "FULL_URI must use https, or http to a loopback address, 169.254.170.2, "
                      "169.254.170.23 or fd00:ec2::23");
    }
    char *tok = NULL, *hdr = NULL;
    pp_status st = PP_OK;
    const char *tf = pp_cr_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (tf)
        st = pp_cr_read_token(tf, "container credentials", &tok, err);
    else if (pp_cr_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
        tok = pp_strdup(pp_cr_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    if (st == PP_OK && tok && strpbrk(tok, "\r\n"))
        st = pp_err(err, PP_E_PARSE, "container credentials: the authorization token has a "
                    "line break");
    if (st == PP_OK && tok && !(hdr = pp_asprintf("Authorization: %s", tok)))
        st = pp_err(err, PP_E_NOMEM, "out of memory");
    json_t *j = NULL;
    if (st == PP_OK) {
        const char *h[1] = { hdr };
        st = pp_cr_http_get_json(fx->http, url, h, hdr ? 1 : 0, CONTAINER_TIMEOUT_MS,
                           "container credentials", &j, NULL, err);
    }
    if (st == PP_OK)
        st = from_json_creds(j, "Token", "container credentials", out, err);
    json_decref(j);
    pp_cr_wipe(tok);
    pp_cr_wipe(hdr);
    free(url);
    pp_cr_set_how(fx, pp_strdup("container credentials endpoint"));
    return st;
}

pp_status pp_cr_imds_creds(pp_cr_fetch *fx, pp_cr_tcreds *out, char **err)
{
    const char *base = pp_cr_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (!base)
        base = "http://169.254.169.254";
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    char *turl = pp_asprintf("%.*s/latest/api/token", (int)bl, base);
    char *lurl = pp_asprintf("%.*s/latest/meta-data/iam/security-credentials/", (int)bl, base);
    char *th = NULL, *curl_ = NULL, *token = NULL, *role = NULL;
    json_t *j = NULL;
    pp_status st = PP_OK;
    if (!turl || !lurl) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    pp_http_policy any = { .allow_any = 1 };
    const char *ttl[1] = { "X-aws-ec2-metadata-token-ttl-seconds: 21600" };
    pp_http_opts ho = { .policy = &any, .headers = ttl, .nheaders = 1,
                        .connect_timeout_ms = IMDS_TIMEOUT_MS, .timeout_ms = IMDS_TIMEOUT_MS,
                        .max_body = PP_CREDS_MAX_ANSWER };
    pp_http_resp r;
    char *e = NULL;
    st = pp_http_put(fx->http, turl, "text/plain", "", 0, &ho, &r, &e);
    if (st != PP_OK || r.status != 200) {
        if (st == PP_OK)
            st = pp_err(err, PP_E_HTTP, "instance metadata: the IMDSv2 token request got HTTP "
                        "%ld", r.status);
        else
            pp_err(err, PP_E_HTTP, "instance metadata: no answer to the IMDSv2 token request "
                   "(in a container, the instance's metadata hop limit may be 1): %s",
                   e ? e : "");
        st = PP_E_HTTP;
        free(e);
        pp_http_resp_free(&r);
        goto done;
    }
    token = pp_strdup(pp_cr_trim(r.body));
    explicit_bzero(r.body, r.len);
    pp_http_resp_free(&r);
    th = token ? pp_asprintf("X-aws-ec2-metadata-token: %s", token) : NULL;
    if (!th) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    const char *h[1] = { th };
    ho.headers = h;
    st = pp_http_get(fx->http, lurl, &ho, &r, &e);
    if (st != PP_OK || r.status != 200) {
        st = pp_err(err, st == PP_OK && r.status == 404 ? PP_E_NOTFOUND : PP_E_HTTP,
                    "instance metadata: %s", st == PP_OK && r.status == 404
                        ? "no IAM role is attached to this instance"
                        : (e ? e : "the role name could not be read"));
        free(e);
        pp_http_resp_free(&r);
        goto done;
    }
    role = pp_asprintf("%.*s", (int)strcspn(r.body, "\r\n"), r.body);
    pp_http_resp_free(&r);
    char *erole = role ? pp_uri_encode(role, strlen(role)) : NULL;
    curl_ = erole ? pp_asprintf("%s%s", lurl, erole) : NULL;
    free(erole);
    if (!curl_ || !*role) {
        st = pp_err(err, !curl_ ? PP_E_NOMEM : PP_E_NOTFOUND,
                    !curl_ ? "out of memory" : "instance metadata: no IAM role is attached");
        goto done;
    }
    st = pp_cr_http_get_json(fx->http, curl_, h, 1, IMDS_TIMEOUT_MS, "instance metadata", &j, NULL,
                       err);
    if (st == PP_OK)
        st = from_json_creds(j, "Token", "instance metadata", out, err);
    pp_cr_set_how(fx, pp_asprintf("instance metadata (role %.100s)", role ? role : "?"));
done:
    json_decref(j);
    free(turl);
    free(lurl);
    pp_cr_wipe(th);
    pp_cr_wipe(token);
    free(curl_);
    free(role);
    return st;
}

/* ---- STS ------------------------------------------------------------------------------- */

static void append_param(pp_buf *b, const char *name, const char *value)
{
    char *v = pp_uri_encode(value, strlen(value));
    if (v)
        pp_buf_printf(b, "&%s=%s", name, v);
    else
        b->limit = 1;   /* make the next append fail: reported as NOMEM below */
    if (v)
        explicit_bzero(v, strlen(v));
    free(v);
}

/* Reads <Credentials> from an STS answer. */
static pp_status sts_answer(const pp_http_resp *r, const char *api, pp_cr_tcreds *out, char **err)
{
    const char *end = r->body + r->len;
    if (r->status != 200) {
        char *code = pp_xml_child(r->body, end, "Code");
        char *msg = pp_xml_child(r->body, end, "Message");
        pp_status st = pp_err(err, r->status == 403 ? PP_E_DENIED : PP_E_HTTP,
                              "STS %s: %s (HTTP %ld): %.300s", api, code ? code : "error",
                              r->status, msg ? msg : "");
        free(code);
        free(msg);
        return st;
    }
    const char *c = strstr(r->body, "<Credentials>");
    char *ak = c ? pp_xml_child(c, end, "AccessKeyId") : NULL;
    char *sk = c ? pp_xml_child(c, end, "SecretAccessKey") : NULL;
    char *tk = c ? pp_xml_child(c, end, "SessionToken") : NULL;
    char *ex = c ? pp_xml_child(c, end, "Expiration") : NULL;
    time_t exp = 0;
    pp_status st;
    if (!ak || !sk || !tk || !ex || pp_creds_parse_time(ex, &exp) != 0)
        st = pp_err(err, PP_E_PARSE, "STS %s: the answer lacks Credentials", api);
    else
        st = pp_cr_tcreds_set(out, ak, sk, tk, exp, err);
    pp_cr_wipe(ak);
    pp_cr_wipe(sk);
    pp_cr_wipe(tk);
    free(ex);
    return st;
}

/* AssumeRole (signed with `src`) or AssumeRoleWithWebIdentity (src == NULL, `web_token`). */
pp_status pp_cr_sts_call(pp_cr_fetch *fx, const char *profile, const pp_cr_tcreds *src,
                          const char *web_token, const char *role_arn, const char *session,
                          const char *external_id, const char *duration, pp_cr_tcreds *out,
                          char **err)
{
    const char *api = src ? "AssumeRole" : "AssumeRoleWithWebIdentity";
    const char *region = fx->s->region ? fx->s->region : "us-east-1";
    char *base = pp_aws_endpoint_for(PP_SVC_STS, region, NULL,
                                     profile ? pp_cr_pget(fx->s, profile, "endpoint_url") : NULL);
    char *url = base ? pp_asprintf("%s/", base) : NULL;
    free(base);
    char sess[64];
    if (!session)
        snprintf(sess, sizeof sess, "parapet-%lld", (long long)time(NULL));
    pp_buf b;
    pp_buf_init(&b, 256u << 10);
    pp_buf_printf(&b, "Action=%s&Version=2011-06-15", api);
    append_param(&b, "RoleArn", role_arn);
    append_param(&b, "RoleSessionName", session ? session : sess);
    if (external_id)
        append_param(&b, "ExternalId", external_id);
    if (duration)
        append_param(&b, "DurationSeconds", duration);
    if (web_token)
        append_param(&b, "WebIdentityToken", web_token);
    pp_status st = PP_OK;
    if (!url || !b.data || b.limit == 1) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    pp_http_resp r;
    char *e = NULL;
    const char *ctype = "application/x-www-form-urlencoded; charset=utf-8";
    if (src) {
        pp_aws_creds c = { src->ak, src->sk, src->tok };
        pp_aws_call_opts o = { .region = region, .service = "sts", .creds = &c,
                               .timeout_ms = STS_TIMEOUT_MS, .retries = 1 };
        st = pp_aws_call(fx->http, url, ctype, NULL, 0, b.data, &o, &r, &e);
    } else {
        pp_http_policy any = { .allow_any = 1 };
        pp_http_opts ho = { .policy = &any, .connect_timeout_ms = 3000,
                            .timeout_ms = STS_TIMEOUT_MS, .max_body = PP_CREDS_MAX_ANSWER,
                            .retries = 1, .backoff_ms = 200 };
        st = pp_http_post(fx->http, url, ctype, b.data, b.len, &ho, &r, &e);
    }
    if (st != PP_OK) {
        pp_err(err, st, "STS %s for %s: %s", api, role_arn, e ? e : pp_status_name(st));
        free(e);
        goto done;
    }
    st = sts_answer(&r, api, out, err);
    explicit_bzero(r.body, r.len);
    pp_http_resp_free(&r);
done:
    if (b.data)
        explicit_bzero(b.data, b.len);
    pp_buf_free(&b);
    free(url);
    return st;
}

