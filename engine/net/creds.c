/* creds.c — the AWS credential chain, profiles and region (see creds.h for the order and the
 * rules each source follows). */
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
#include "engine/net/xml.h"

#define IMDS_TIMEOUT_MS 1000
#define CONTAINER_TIMEOUT_MS 2000
#define STS_TIMEOUT_MS 10000
#define MAX_TOKEN_FILE (64u << 10)

/* One set of credentials; exp 0 = never expires. Every string owned and zeroed on free. */
typedef struct tcreds {
    char *ak, *sk, *tok;
    time_t exp;
} tcreds;

struct pp_aws_session {
    char *profile;
    int explicit_profile;      /* named on the command line: skips the environment keys */
    int named_profile;         /* named at all (--profile or AWS_PROFILE) */
    char *region;
    char *override;            /* --endpoint-url */
    char *config_path, *creds_path;
    json_t *config;            /* {"section": {"key": "value"}} */
    json_t *credentials;
    tcreds cur;
    char source[256];
    unsigned fetches;
};

static void wipe(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void tcreds_free(tcreds *c)
{
    wipe(c->ak);
    wipe(c->sk);
    wipe(c->tok);
    memset(c, 0, sizeof *c);
}

static pp_status tcreds_set(tcreds *c, const char *ak, const char *sk, const char *tok,
                            time_t exp, char **err)
{
    memset(c, 0, sizeof *c);
    c->ak = pp_strdup(ak);
    c->sk = pp_strdup(sk);
    c->tok = tok && *tok ? pp_strdup(tok) : NULL;
    c->exp = exp;
    if (!c->ak || !c->sk || (tok && *tok && !c->tok)) {
        tcreds_free(c);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    return PP_OK;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* ---- time ------------------------------------------------------------------------------ */

int pp_creds_parse_time(const char *s, time_t *out)
{
    if (!s)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return -1;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long off = 0;
    if (*p == 'Z' || strcmp(p, "UTC") == 0) {
        p += *p == 'Z' ? 1 : 3;
    } else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
               isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
               isdigit((unsigned char)p[5])) {
        off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600L + ((p[4] - '0') * 10 + (p[5] - '0')) * 60L;
        if (*p == '-')
            off = -off;
        p += 6;
    } else if (*p != '\0') {
        return -1;
    }
    if (*p != '\0')
        return -1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t - off;
    return 0;
}

/* ---- the INI files --------------------------------------------------------------------- */

static char *expand_home(const char *path)
{
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
        const char *home = env("HOME");
        return pp_asprintf("%s%s", home ? home : "", path + 1);
    }
    return pp_strdup(path);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Reads an AWS config or credentials file into *out (see pp_aws_config_parse). A missing
 * file is an empty object. */
static pp_status ini_load(const char *path, json_t **out, char **err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    char *e = NULL;
    pp_status st = pp_read_file(path, PP_CREDS_MAX_FILE, &buf, &len, &e);
    if (st == PP_E_NOTFOUND || (st == PP_E_IO && access(path, F_OK) != 0)) {
        free(e);
        *out = json_object();
        return *out ? PP_OK : pp_err(err, PP_E_NOMEM, "out of memory");
    }
    if (st != PP_OK) {
        if (st == PP_E_LIMIT)
            pp_err(err, st, "%s: larger than %u bytes", path, PP_CREDS_MAX_FILE);
        else
            pp_err(err, st, "%s", e ? e : path);
        free(e);
        return st;
    }
    st = pp_aws_config_parse(path, buf, len, out, err);
    explicit_bzero(buf, len);
    free(buf);
    return st;
}

pp_status pp_aws_config_parse(const char *path, const char *text, size_t len, json_t **out,
                              char **err)
{
    *out = NULL;
    if (len > PP_CREDS_MAX_FILE)
        return pp_err(err, PP_E_LIMIT, "%s: larger than %u bytes", path, PP_CREDS_MAX_FILE);
    if (memchr(text, '\0', len))
        return pp_err(err, PP_E_PARSE, "%s: contains a NUL byte; expected a text file", path);
    char *buf = malloc(len + 1);
    *out = json_object();
    if (!buf || !*out) {
        free(buf);
        json_decref(*out);
        *out = NULL;
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    pp_status st = PP_OK;
    json_t *sec = NULL;
    size_t nsec = 0;
    unsigned line = 0;
    char *p = buf;
    while (st == PP_OK && *p) {
        line++;
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(p);
        char *next = nl ? nl + 1 : p + ll;
        if (ll > PP_CREDS_MAX_LINE) {
            st = pp_err(err, PP_E_LIMIT, "%s:%u: line longer than %d bytes", path, line,
                        PP_CREDS_MAX_LINE);
            break;
        }
        int indented = p[0] == ' ' || p[0] == '\t';
        char *t = trim(p);
        if (!*t || *t == '#' || *t == ';' || indented) {
            p = next;
            continue;
        }
        if (*t == '[') {
            size_t tl = strlen(t);
            if (tl < 3 || t[tl - 1] != ']') {
                st = pp_err(err, PP_E_PARSE, "%s:%u: expected '[section name]'", path, line);
                break;
            }
            t[tl - 1] = '\0';
            char *name = trim(t + 1);
            if (!*name) {
                st = pp_err(err, PP_E_PARSE, "%s:%u: expected a section name inside [ ]", path,
                            line);
                break;
            }
            sec = json_object_get(*out, name);
            if (!sec) {
                if (++nsec > PP_CREDS_MAX_SECTIONS) {
                    st = pp_err(err, PP_E_LIMIT, "%s:%u: more than %d sections", path, line,
                                PP_CREDS_MAX_SECTIONS);
                    break;
                }
                sec = json_object();
                if (!sec || json_object_set_new(*out, name, sec) != 0) {   /* steals sec */
                    st = pp_err(err, sec ? PP_E_PARSE : PP_E_NOMEM, sec
                                ? "%s:%u: the section name is not UTF-8" : "out of memory",
                                path, line);
                    break;
                }
            }
            p = next;
            continue;
        }
        char *eq = strchr(t, '=');
        if (!eq)
            eq = strchr(t, ':');
        if (!eq) {
            st = pp_err(err, PP_E_PARSE, "%s:%u: expected '[section]' or 'key = value'", path,
                        line);
            break;
        }
        *eq = '\0';
        char *k = trim(t), *v = trim(eq + 1);
        if (!*k) {
            st = pp_err(err, PP_E_PARSE, "%s:%u: expected a key before '='", path, line);
            break;
        }
        if (!sec) {
            st = pp_err(err, PP_E_PARSE, "%s:%u: a key is outside any [section]", path, line);
            break;
        }
        for (char *c = k; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        json_t *js = json_stringn(v, strlen(v));
        if (!js) {   /* not UTF-8 */
            st = pp_err(err, PP_E_PARSE, "%s:%u: a value is not UTF-8", path, line);
            break;
        }
        if (json_object_set_new(sec, k, js) != 0) {   /* steals js */
            st = pp_err(err, PP_E_PARSE, "%s:%u: the key is not UTF-8", path, line);
            break;
        }
        p = next;
    }
    explicit_bzero(buf, len);
    free(buf);
    if (st != PP_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* The config file's section of profile `name`: [default] / [profile default] / [profile N]. */
static json_t *config_section(const pp_aws_session *s, const char *name)
{
    char key[300];
    snprintf(key, sizeof key, "profile %s", name);
    json_t *o = json_object_get(s->config, key);
    if (!o && strcmp(name, "default") == 0)
        o = json_object_get(s->config, "default");
    return o;
}

static int profile_exists(const pp_aws_session *s, const char *name)
{
    return config_section(s, name) || json_object_get(s->credentials, name);
}

/* A profile setting: the credentials file first, then the config file (the CLI merges them
 * with the credentials file winning). Borrowed, or NULL when unset or empty. */
static const char *pget(const pp_aws_session *s, const char *name, const char *key)
{
    const char *v = json_string_value(json_object_get(json_object_get(s->credentials, name),
                                                      key));
    if (!v || !*v)
        v = json_string_value(json_object_get(config_section(s, name), key));
    return v && *v ? v : NULL;
}

/* ---- the session ----------------------------------------------------------------------- */

pp_status pp_aws_session_new(const pp_aws_session_opts *o, pp_aws_session **out, char **err)
{
    *out = NULL;
    pp_aws_session *s = calloc(1, sizeof *s);
    if (!s)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    pp_status st = PP_OK;
    const char *prof = o && o->profile && *o->profile ? o->profile : NULL;
    s->explicit_profile = prof != NULL;
    if (!prof)
        prof = env("AWS_PROFILE");
    if (!prof)
        prof = env("AWS_DEFAULT_PROFILE");
    s->named_profile = prof != NULL;
    s->profile = pp_strdup(prof ? prof : "default");
    s->override = o && o->endpoint_url && *o->endpoint_url ? pp_strdup(o->endpoint_url) : NULL;
    const char *cf = env("AWS_CONFIG_FILE"), *sf = env("AWS_SHARED_CREDENTIALS_FILE");
    s->config_path = expand_home(cf ? cf : "~/.aws/config");
    s->creds_path = expand_home(sf ? sf : "~/.aws/credentials");
    if (!s->profile || !s->config_path || !s->creds_path ||
        (o && o->endpoint_url && *o->endpoint_url && !s->override)) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    if (strlen(s->profile) > 200) {
        st = pp_err(err, PP_E_USAGE, "profile name longer than 200 bytes");
        goto done;
    }
    if ((st = ini_load(s->config_path, &s->config, err)) != PP_OK ||
        (st = ini_load(s->creds_path, &s->credentials, err)) != PP_OK)
        goto done;
    const char *rg = o && o->region && *o->region ? o->region : NULL;
    if (!rg)
        rg = env("AWS_REGION");
    if (!rg)
        rg = env("AWS_DEFAULT_REGION");
    if (!rg)
        rg = pget(s, s->profile, "region");
    if (rg && !(s->region = pp_strdup(rg)))
        st = pp_err(err, PP_E_NOMEM, "out of memory");
done:
    if (st != PP_OK) {
        pp_aws_session_free(s);
        return st;
    }
    *out = s;
    return PP_OK;
}

void pp_aws_session_free(pp_aws_session *s)
{
    if (!s)
        return;
    tcreds_free(&s->cur);
    free(s->profile);
    free(s->region);
    free(s->override);
    free(s->config_path);
    free(s->creds_path);
    json_decref(s->config);   /* static keys in there: jansson frees, cannot zero */
    json_decref(s->credentials);
    free(s);
}

const char *pp_aws_session_region(const pp_aws_session *s)
{
    return s->region;
}

const char *pp_aws_session_profile(const pp_aws_session *s)
{
    return s->profile;
}

const char *pp_aws_session_source(const pp_aws_session *s)
{
    return s->source;
}

unsigned pp_aws_session_fetches(const pp_aws_session *s)
{
    return s->fetches;
}

void pp_aws_session_invalidate(pp_aws_session *s)
{
    tcreds_free(&s->cur);
}

char *pp_aws_session_endpoint(const pp_aws_session *s, pp_aws_service svc)
{
    const char *ov = svc == PP_SVC_STS || svc == PP_SVC_SSO ? NULL : s->override;
    return pp_aws_endpoint_for(svc, s->region, ov, pget(s, s->profile, "endpoint_url"));
}

/* ---- HTTP sources ---------------------------------------------------------------------- */

typedef struct fetch_ctx {
    pp_aws_session *s;
    pp_http_client *http;
    char *how;               /* what the last source was, for s->source (owned) */
} fetch_ctx;

static void set_how(fetch_ctx *fx, char *how)
{
    free(fx->how);
    fx->how = how;
}

static pp_status http_get_json(pp_http_client *http, const char *url, const char *const *hdrs,
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
static pp_status from_json_creds(json_t *j, const char *tok_key, const char *what, tcreds *out,
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
    return tcreds_set(out, ak, sk, tk, exp, err);
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
static pp_status read_token(const char *path, const char *what, char **out, char **err)
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
        wipe(*out);
        *out = NULL;
        return pp_err(err, PP_E_PARSE, "%s: %s is empty or has more than one line", what, path);
    }
    return PP_OK;
}

static pp_status container_creds(fetch_ctx *fx, tcreds *out, char **err)
{
    const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
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
    const char *tf = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (tf)
        st = read_token(tf, "container credentials", &tok, err);
    else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
        tok = pp_strdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    if (st == PP_OK && tok && strpbrk(tok, "\r\n"))
        st = pp_err(err, PP_E_PARSE, "container credentials: the authorization token has a "
                    "line break");
    if (st == PP_OK && tok && !(hdr = pp_asprintf("Authorization: %s", tok)))
        st = pp_err(err, PP_E_NOMEM, "out of memory");
    json_t *j = NULL;
    if (st == PP_OK) {
        const char *h[1] = { hdr };
        st = http_get_json(fx->http, url, h, hdr ? 1 : 0, CONTAINER_TIMEOUT_MS,
                           "container credentials", &j, NULL, err);
    }
    if (st == PP_OK)
        st = from_json_creds(j, "Token", "container credentials", out, err);
    json_decref(j);
    wipe(tok);
    wipe(hdr);
    free(url);
    set_how(fx, pp_strdup("container credentials endpoint"));
    return st;
}

static pp_status imds_creds(fetch_ctx *fx, tcreds *out, char **err)
{
    const char *base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
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
    token = pp_strdup(trim(r.body));
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
    st = http_get_json(fx->http, curl_, h, 1, IMDS_TIMEOUT_MS, "instance metadata", &j, NULL,
                       err);
    if (st == PP_OK)
        st = from_json_creds(j, "Token", "instance metadata", out, err);
    set_how(fx, pp_asprintf("instance metadata (role %.100s)", role ? role : "?"));
done:
    json_decref(j);
    free(turl);
    free(lurl);
    wipe(th);
    wipe(token);
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
static pp_status sts_answer(const pp_http_resp *r, const char *api, tcreds *out, char **err)
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
        st = tcreds_set(out, ak, sk, tk, exp, err);
    wipe(ak);
    wipe(sk);
    wipe(tk);
    free(ex);
    return st;
}

/* AssumeRole (signed with `src`) or AssumeRoleWithWebIdentity (src == NULL, `web_token`). */
static pp_status sts_call(fetch_ctx *fx, const char *profile, const tcreds *src,
                          const char *web_token, const char *role_arn, const char *session,
                          const char *external_id, const char *duration, tcreds *out,
                          char **err)
{
    const char *api = src ? "AssumeRole" : "AssumeRoleWithWebIdentity";
    const char *region = fx->s->region ? fx->s->region : "us-east-1";
    char *base = pp_aws_endpoint_for(PP_SVC_STS, region, NULL,
                                     profile ? pget(fx->s, profile, "endpoint_url") : NULL);
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

/* ---- credential_process ---------------------------------------------------------------- */

int pp_creds_split_command(const char *cmd, pp_strvec *out, char **err)
{
    memset(out, 0, sizeof *out);
    pp_buf w;
    int in_word = 0;
    pp_buf_init(&w, PP_CREDS_MAX_LINE);
    for (const char *p = cmd;; p++) {
        char c = *p;
        if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                char *s = pp_buf_steal(&w);
                if (!s || pp_strvec_push(out, s) != 0) {
                    free(s);
                    goto nomem;
                }
                pp_buf_init(&w, PP_CREDS_MAX_LINE);
                in_word = 0;
            }
            if (c == '\0')
                break;
            continue;
        }
        in_word = 1;
        if (c == '\'') {
            const char *q = strchr(p + 1, '\'');
            if (!q)
                goto unterminated;
            pp_buf_append(&w, p + 1, (size_t)(q - p - 1));
            pp_buf_append(&w, "", 0);
            p = q;
        } else if (c == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$' || p[1] == '`'))
                    p++;
                pp_buf_append(&w, p, 1);
            }
            if (!*p)
                goto unterminated;
            pp_buf_append(&w, "", 0);
        } else if (c == '\\') {
            if (p[1]) {
                p++;
                pp_buf_append(&w, p, 1);
            }
        } else {
            pp_buf_append(&w, p, 1);
        }
    }
    pp_buf_free(&w);
    if (!out->n) {
        pp_strvec_free(out);
        pp_err(err, PP_E_PARSE, "credential_process is empty");
        return -1;
    }
    return 0;
unterminated:
    pp_buf_free(&w);
    pp_strvec_free(out);
    pp_err(err, PP_E_PARSE, "credential_process: unterminated quote");
    return -1;
nomem:
    pp_buf_free(&w);
    pp_strvec_free(out);
    pp_err(err, PP_E_NOMEM, "out of memory");
    return -1;
}

/* Runs argv without a shell; its stdout into *out (capped), stderr inherited. */
static pp_status run_process(char **argv, const char *what, char **out, char **err)
{
    *out = NULL;
    int fd[2];
    if (pipe(fd) != 0)
        return pp_err(err, PP_E_IO, "%s: pipe: %s", what, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return pp_err(err, PP_E_IO, "%s: fork: %s", what, strerror(errno));
    }
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, STDIN_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    pp_buf b;
    pp_buf_init(&b, PP_CREDS_MAX_PROCESS_OUT);
    pp_status st = PP_OK;
    uint64_t deadline = pp_now_ms() + PP_CREDS_PROCESS_TIMEOUT_MS;
    for (;;) {
        uint64_t now = pp_now_ms();
        if (now >= deadline) {
            st = pp_err(err, PP_E_HTTP, "%s: no answer within %d s", what,
                        PP_CREDS_PROCESS_TIMEOUT_MS / 1000);
            break;
        }
        struct pollfd pf = { fd[0], POLLIN, 0 };
        int pr = poll(&pf, 1, (int)(deadline - now));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        char tmp[4096];
        ssize_t n = read(fd[0], tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pp_status a = pp_buf_append(&b, tmp, (size_t)n);
        explicit_bzero(tmp, sizeof tmp);
        if (a != PP_OK) {
            st = pp_err(err, a, a == PP_E_LIMIT ? "%s: more than %u bytes of output" : "%s: out of "
                        "memory", what, PP_CREDS_MAX_PROCESS_OUT);
            break;
        }
    }
    close(fd[0]);
    int wst = 0;
    if (st != PP_OK)
        kill(pid, SIGKILL);
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    if (st == PP_OK && WIFEXITED(wst) && WEXITSTATUS(wst) == 127 && !b.len)
        st = pp_err(err, PP_E_NOTFOUND, "%s: cannot run '%.200s'", what, argv[0]);
    else if (st == PP_OK && (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0))
        st = pp_err(err, PP_E_IO, "%s: '%.200s' exited with status %d", what, argv[0],
                    WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst));
    if (st == PP_OK && !b.data)
        pp_buf_append(&b, "", 0);
    if (st == PP_OK && !(*out = pp_buf_steal(&b)))
        st = pp_err(err, PP_E_NOMEM, "out of memory");
    if (b.data)
        explicit_bzero(b.data, b.len);
    pp_buf_free(&b);
    return st;
}

static pp_status process_creds(fetch_ctx *fx, const char *profile, const char *cmd,
                               tcreds *out, char **err)
{
    (void)fx;
    char what[300];
    snprintf(what, sizeof what, "credential_process of profile %s", profile);
    pp_strvec av;
    char *e = NULL;
    if (pp_creds_split_command(cmd, &av, &e) != 0) {
        pp_status st = pp_err(err, PP_E_PARSE, "profile %s: %s", profile, e ? e : "bad command");
        free(e);
        return st;
    }
    char *text = NULL;
    pp_status st = run_process(av.v, what, &text, err);
    pp_strvec_free(&av);
    if (st != PP_OK)
        return st;
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    size_t tl = strlen(text);
    explicit_bzero(text, tl);
    free(text);
    if (!j || !json_is_object(j)) {
        /* the output is never quoted: it may hold the secret */
        st = j ? pp_err(err, PP_E_PARSE, "%s: expected a JSON object on stdout", what)
               : pp_err(err, PP_E_PARSE, "%s: the output is not JSON (line %d, column %d: "
                        "%.100s); expected {\"Version\": 1, \"AccessKeyId\": …}", what, je.line,
                        je.column, je.text);
        json_decref(j);
        return st;
    }
    json_t *v = json_object_get(j, "Version");
    const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    const char *tk = json_string_value(json_object_get(j, "SessionToken"));
    json_t *exj = json_object_get(j, "Expiration");
    time_t exp = 0;
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        st = pp_err(err, PP_E_PARSE, "%s: expected \"Version\": 1", what);
    else if (!ak || !*ak || !sk || !*sk)
        st = pp_err(err, PP_E_PARSE, "%s: expected AccessKeyId and SecretAccessKey strings",
                    what);
    else if (exj && !json_is_null(exj) &&
             pp_creds_parse_time(json_string_value(exj), &exp) != 0)
        st = pp_err(err, PP_E_PARSE, "%s: Expiration is not an ISO 8601 time", what);
    else
        st = tcreds_set(out, ak, sk, tk, exp, err);
    json_decref(j);
    return st;
}

/* ---- IAM Identity Center (SSO) --------------------------------------------------------- */

static pp_status sso_creds(fetch_ctx *fx, const char *profile, tcreds *out, char **err)
{
    const pp_aws_session *s = fx->s;
    const char *sess = pget(s, profile, "sso_session");
    const char *start = pget(s, profile, "sso_start_url");
    const char *region = pget(s, profile, "sso_region");
    const char *account = pget(s, profile, "sso_account_id");
    const char *role = pget(s, profile, "sso_role_name");
    char key[300];
    if (sess) {
        snprintf(key, sizeof key, "sso-session %s", sess);
        json_t *ss = json_object_get(s->config, key);
        if (!ss)
            return pp_err(err, PP_E_PARSE, "%s: profile %s names sso_session %s, but there is "
                          "no [sso-session %s] section", s->config_path, profile, sess, sess);
        const char *r2 = json_string_value(json_object_get(ss, "sso_region"));
        if (r2 && *r2)
            region = r2;
        const char *u2 = json_string_value(json_object_get(ss, "sso_start_url"));
        if (u2 && *u2)
            start = u2;
    }
    if (!account || !role || !region)
        return pp_err(err, PP_E_PARSE, "%s: profile %s: SSO needs sso_account_id, "
                      "sso_role_name and sso_region", s->config_path, profile);
    char hash[41];
    const char *name = sess ? sess : start;
    if (!name)
        return pp_err(err, PP_E_PARSE, "%s: profile %s: SSO needs sso_session or "
                      "sso_start_url", s->config_path, profile);
    pp_sha1_hex(name, strlen(name), hash);
    const char *home = env("HOME");
    char *cache = pp_asprintf("%s/.aws/sso/cache/%s.json", home ? home : "", hash);
    if (!cache)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    char login[400];
    snprintf(login, sizeof login, "run `aws sso login --profile %s`", profile);
    json_error_t je;
    json_t *tokj = json_load_file(cache, 0, &je);
    pp_status st = PP_OK;
    const char *token = json_string_value(json_object_get(tokj, "accessToken"));
    const char *exps = json_string_value(json_object_get(tokj, "expiresAt"));
    time_t texp = 0;
    if (!tokj) {
        st = pp_err(err, PP_E_DENIED, "profile %s: no SSO token in %s: %s (parapet never "
                    "starts a login)", profile, cache, login);
    } else if (!token || !*token || !exps || pp_creds_parse_time(exps, &texp) != 0) {
        st = pp_err(err, PP_E_PARSE, "%s: expected accessToken and expiresAt", cache);
    } else if (texp <= time(NULL)) {
        st = pp_err(err, PP_E_DENIED, "profile %s: the SSO session has expired: %s", profile,
                    login);
    }
    char *base = NULL, *url = NULL, *hdr = NULL, *ea = NULL, *er = NULL;
    json_t *ans = NULL;
    if (st == PP_OK) {
        base = pp_aws_endpoint_for(PP_SVC_SSO, region, NULL, NULL);
        ea = pp_uri_encode(account, strlen(account));
        er = pp_uri_encode(role, strlen(role));
        url = base && ea && er ? pp_asprintf("%s/federation/credentials?account_id=%s&"
                                             "role_name=%s", base, ea, er) : NULL;
        hdr = pp_asprintf("x-amz-sso_bearer_token: %s", token);
        if (!url || !hdr)
            st = pp_err(err, PP_E_NOMEM, "out of memory");
        else if (strpbrk(token, "\r\n"))
            st = pp_err(err, PP_E_PARSE, "%s: accessToken has a line break", cache);
    }
    if (st == PP_OK) {
        const char *h[1] = { hdr };
        long status = 0;
        char *e = NULL;
        st = http_get_json(fx->http, url, h, 1, STS_TIMEOUT_MS, "SSO GetRoleCredentials", &ans,
                           &status, &e);
        if (st != PP_OK && (status == 401 || status == 403))
            pp_err(err, PP_E_DENIED, "profile %s: the SSO portal refused the token (HTTP %ld): "
                   "%s", profile, status, login);
        else if (st != PP_OK)
            pp_err(err, st, "%s", e ? e : "");
        free(e);
    }
    if (st == PP_OK) {
        json_t *rc = json_object_get(ans, "roleCredentials");
        const char *ak = json_string_value(json_object_get(rc, "accessKeyId"));
        const char *sk = json_string_value(json_object_get(rc, "secretAccessKey"));
        const char *tk = json_string_value(json_object_get(rc, "sessionToken"));
        json_t *ex = json_object_get(rc, "expiration");   /* milliseconds since the epoch */
        if (!ak || !sk || !json_is_integer(ex))
            st = pp_err(err, PP_E_PARSE, "SSO GetRoleCredentials: the answer lacks "
                        "roleCredentials");
        else
            st = tcreds_set(out, ak, sk, tk, (time_t)(json_integer_value(ex) / 1000), err);
    }
    set_how(fx, pp_asprintf("profile %s (SSO %.100s, role %.100s)", profile, account, role));
    json_decref(ans);
    json_decref(tokj);
    wipe(hdr);
    free(base);
    free(url);
    free(ea);
    free(er);
    free(cache);
    return st;
}

/* ---- the chain ------------------------------------------------------------------------- */

static pp_status env_creds(tcreds *out, char **err)
{
    return tcreds_set(out, env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                      env("AWS_SESSION_TOKEN"), 0, err);
}

static int have_env_keys(void)
{
    return env("AWS_ACCESS_KEY_ID") && env("AWS_SECRET_ACCESS_KEY");
}

static int have_container(void)
{
    return env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
           env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

static int imds_disabled(void)
{
    const char *v = env("AWS_EC2_METADATA_DISABLED");
    return v && strcasecmp(v, "true") == 0;
}


static pp_status profile_creds(fetch_ctx *fx, const char *name, unsigned depth,
                               const char **seen, tcreds *out, char **err);

static pp_status web_identity(fetch_ctx *fx, const char *profile, const char *token_file,
                              const char *role_arn, const char *session, tcreds *out,
                              char **err)
{
    char *tok = NULL;
    pp_status st = read_token(token_file, "web identity token", &tok, err);
    if (st == PP_OK)
        st = sts_call(fx, profile, NULL, tok, role_arn, session, NULL, NULL, out, err);
    wipe(tok);
    set_how(fx, pp_asprintf("%s%s%sweb identity (%.200s)", profile ? "profile " : "",
                            profile ? profile : "", profile ? " " : "", role_arn));
    return st;
}

static pp_status assume_role(fetch_ctx *fx, const char *name, unsigned depth,
                             const char **seen, tcreds *out, char **err)
{
    const pp_aws_session *s = fx->s;
    const char *role = pget(s, name, "role_arn");
    const char *srcp = pget(s, name, "source_profile");
    const char *csrc = pget(s, name, "credential_source");
    const char *dur = pget(s, name, "duration_seconds");
    if (pget(s, name, "mfa_serial"))
        return pp_err(err, PP_E_DENIED, "profile %s: the role needs an MFA code (mfa_serial), "
                      "and parapet does not prompt; use credentials that need none (for "
                      "example `aws sts get-session-token --serial-number … --token-code …` "
                      "into the environment)", name);
    if (dur) {
        long d;
        if (pp_parse_long(dur, 900, 43200, &d) != 0)
            return pp_err(err, PP_E_PARSE, "profile %s: duration_seconds must be a number of "
                          "seconds from 900 to 43200, not '%.40s'", name, dur);
    }
    if (srcp && csrc)
        return pp_err(err, PP_E_PARSE, "profile %s: set source_profile or credential_source, "
                      "not both", name);
    tcreds src = { 0 };
    pp_status st = PP_OK;
    if (srcp) {
        if (strcmp(srcp, name) == 0) {
            /* a profile that is its own source: its static keys sign the call */
            const char *ak = pget(s, name, "aws_access_key_id");
            const char *sk = pget(s, name, "aws_secret_access_key");
            if (!ak || !sk)
                return pp_err(err, PP_E_PARSE, "profile %s is its own source_profile but has "
                              "no aws_access_key_id / aws_secret_access_key", name);
            st = tcreds_set(&src, ak, sk, pget(s, name, "aws_session_token"), 0, err);
        } else if (!profile_exists(s, srcp)) {
            return pp_err(err, PP_E_NOTFOUND, "profile %s: source_profile %s does not exist",
                          name, srcp);
        } else {
            st = profile_creds(fx, srcp, depth + 1, seen, &src, err);
        }
    } else if (csrc) {
        if (strcmp(csrc, "Environment") == 0) {
            if (!have_env_keys())
                return pp_err(err, PP_E_NOTFOUND, "profile %s: credential_source Environment, "
                              "but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set", name);
            st = env_creds(&src, err);
        } else if (strcmp(csrc, "EcsContainer") == 0) {
            st = container_creds(fx, &src, err);
        } else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
            st = imds_creds(fx, &src, err);
        } else {
            return pp_err(err, PP_E_PARSE, "profile %s: credential_source must be Environment, "
                          "EcsContainer or Ec2InstanceMetadata, not '%.40s'", name, csrc);
        }
    } else {
        return pp_err(err, PP_E_PARSE, "profile %s has role_arn but no source_profile, "
                      "credential_source or web_identity_token_file", name);
    }
    if (st == PP_OK)
        st = sts_call(fx, name, &src, NULL, role, pget(s, name, "role_session_name"),
                      pget(s, name, "external_id"), dur, out, err);
    tcreds_free(&src);
    set_how(fx, pp_asprintf("profile %s (assume role %.200s)", name, role));
    return st;
}

/* The credentials of one profile (steps 2–6 of the chain). PP_E_NOTFOUND with no message
 * when the profile configures none. */
static pp_status profile_creds(fetch_ctx *fx, const char *name, unsigned depth,
                               const char **seen, tcreds *out, char **err)
{
    const pp_aws_session *s = fx->s;
    if (depth >= PP_CREDS_MAX_CHAIN)
        return pp_err(err, PP_E_LIMIT, "profile %s: more than %d source_profile hops", name,
                      PP_CREDS_MAX_CHAIN);
    for (unsigned i = 0; i < depth; i++)
        if (strcmp(seen[i], name) == 0)
            return pp_err(err, PP_E_CYCLE, "profile %s: source_profile loops back to itself",
                          name);
    seen[depth] = name;
    const char *role = pget(s, name, "role_arn");
    const char *wif = pget(s, name, "web_identity_token_file");
    if (role && (pget(s, name, "source_profile") || pget(s, name, "credential_source") ||
                 !wif))
        return assume_role(fx, name, depth, seen, out, err);
    if (role && wif)
        return web_identity(fx, name, wif, role, pget(s, name, "role_session_name"), out, err);
    if (depth == 0 && env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN"))
        return web_identity(fx, NULL, env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN"),
                            env("AWS_ROLE_SESSION_NAME"), out, err);
    if (pget(s, name, "sso_session") || pget(s, name, "sso_start_url"))
        return sso_creds(fx, name, out, err);
    const char *ak = pget(s, name, "aws_access_key_id");
    const char *sk = pget(s, name, "aws_secret_access_key");
    if (ak && sk) {
        set_how(fx, pp_asprintf("profile %s (static keys)", name));
        return tcreds_set(out, ak, sk, pget(s, name, "aws_session_token"), 0, err);
    }
    if (ak || sk)
        return pp_err(err, PP_E_PARSE, "profile %s sets only one of aws_access_key_id and "
                      "aws_secret_access_key", name);
    const char *proc = pget(s, name, "credential_process");
    if (proc) {
        set_how(fx, pp_asprintf("profile %s (credential_process)", name));
        return process_creds(fx, name, proc, out, err);
    }
    return PP_E_NOTFOUND;
}

static pp_status run_chain(fetch_ctx *fx, tcreds *out, char **err)
{
    pp_aws_session *s = fx->s;
    if (!s->explicit_profile && have_env_keys()) {
        set_how(fx, pp_strdup("environment"));
        return env_creds(out, err);
    }
    if (s->named_profile && !profile_exists(s, s->profile) &&
        !(env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")))
        return pp_err(err, PP_E_NOTFOUND, "the profile '%s' is in neither %s nor %s",
                      s->profile, s->config_path, s->creds_path);
    const char *seen[PP_CREDS_MAX_CHAIN];
    char *e = NULL;
    pp_status st = profile_creds(fx, s->profile, 0, seen, out, &e);
    if (st != PP_E_NOTFOUND || e) {
        if (st != PP_OK)
            pp_err(err, st, "%s", e ? e : pp_status_name(st));
        free(e);
        return st;
    }
    if (have_container())
        return container_creds(fx, out, err);
    if (!imds_disabled()) {
        st = imds_creds(fx, out, &e);
        if (st == PP_OK || (st != PP_E_HTTP && st != PP_E_NOTFOUND)) {
            if (st != PP_OK)
                pp_err(err, st, "%s", e ? e : "");
            free(e);
            return st;
        }
    }
    st = pp_err(err, PP_E_NOTFOUND, "no AWS credentials found: tried the environment, "
                "profile '%s' (%s, %s), the container endpoint and %s%s%s", s->profile,
                s->config_path, s->creds_path,
                imds_disabled() ? "not instance metadata (AWS_EC2_METADATA_DISABLED)"
                                : "instance metadata",
                e ? ": " : "", e ? e : "");
    free(e);
    return st;
}

pp_status pp_aws_session_creds(pp_aws_session *s, pp_http_client *http, pp_aws_creds *out,
                               char **err)
{
    memset(out, 0, sizeof *out);
    time_t now = time(NULL);
    if (s->cur.ak && (s->cur.exp == 0 || now + PP_CREDS_REFRESH_S < s->cur.exp))
        goto have;
    fetch_ctx fx = { s, http, NULL };
    tcreds fresh = { 0 };
    char *e = NULL;
    s->fetches++;
    pp_status st = run_chain(&fx, &fresh, &e);
    if (st != PP_OK) {
        free(fx.how);
        if (s->cur.ak && now < s->cur.exp) {
            free(e);   /* the old ones are still good for a while */
            goto have;
        }
        pp_err(err, st, "%s", e ? e : pp_status_name(st));
        free(e);
        return st;
    }
    tcreds_free(&s->cur);
    s->cur = fresh;
    snprintf(s->source, sizeof s->source, "%s", fx.how ? fx.how : "");
    free(fx.how);
have:
    out->access_key_id = s->cur.ak;
    out->secret_access_key = s->cur.sk;
    out->session_token = s->cur.tok;
    return PP_OK;
}
