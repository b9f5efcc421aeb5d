/* aws.c — signed AWS calls: Bedrock Converse, ECS Describe*, CloudFormation
 * DescribeStackEvents (see aws.h). */
#include "engine/net/aws.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/base/util.h"

#define PP_AWS_MAX_HEADERS 16
#define PP_AWS_MAX_ANSWER (8u << 20)

int pp_aws_env_load(pp_aws_env *e, char **err)
{
    memset(e, 0, sizeof *e);
    const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
    const char *tk = getenv("AWS_SESSION_TOKEN"), *rg = getenv("AWS_REGION");
    if (!rg || !*rg)
        rg = getenv("AWS_DEFAULT_REGION");
    if (!ak || !*ak || !sk || !*sk) {
        pp_err(err, PP_E_USAGE, "AWS credentials are not set (AWS_ACCESS_KEY_ID and "
               "AWS_SECRET_ACCESS_KEY)");
        return -1;
    }
    if (!rg || !*rg) {
        pp_err(err, PP_E_USAGE, "AWS_REGION is not set");
        return -1;
    }
    e->access_key_id = pp_strdup(ak);
    e->secret_access_key = pp_strdup(sk);
    e->session_token = tk && *tk ? pp_strdup(tk) : NULL;
    e->region = pp_strdup(rg);
    if (!e->access_key_id || !e->secret_access_key || !e->region || (tk && *tk &&
                                                                    !e->session_token)) {
        pp_aws_env_free(e);
        pp_err(err, PP_E_NOMEM, "out of memory");
        return -1;
    }
    return 0;
}

void pp_aws_env_free(pp_aws_env *e)
{
    if (!e)
        return;
    free(e->access_key_id);
    free(e->secret_access_key);
    free(e->session_token);
    free(e->region);
    memset(e, 0, sizeof *e);
}

pp_aws_creds pp_aws_env_creds(const pp_aws_env *e)
{
    pp_aws_creds c = { e->access_key_id, e->secret_access_key, e->session_token };
    return c;
}

char *pp_aws_endpoint(const char *endpoint, const char *prefix, const char *region)
{
    if (endpoint && *endpoint) {
        size_t n = strlen(endpoint);
        while (n && endpoint[n - 1] == '/')
            n--;
        return pp_asprintf("%.*s", (int)n, endpoint);
    }
    return pp_asprintf("https://%s.%s.amazonaws.com", prefix, region ? region : "us-east-1");
}

/* Host header value, wire path and query of url (each malloc'd). */
static int split_url(const char *url, char **host, char **path, char **query)
{
    *host = *path = *query = NULL;
    CURLU *u = curl_url();
    char *h = NULL, *port = NULL, *p = NULL, *q = NULL;
    int rc = -1;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK)
        goto done;
    CURLUcode pc = curl_url_get(u, CURLUPART_PORT, &port, 0);
    CURLUcode qc = curl_url_get(u, CURLUPART_QUERY, &q, 0);
    if ((pc != CURLUE_OK && pc != CURLUE_NO_PORT) || (qc != CURLUE_OK && qc != CURLUE_NO_QUERY))
        goto done;
    *host = port ? pp_asprintf("%s:%s", h, port) : pp_strdup(h);
    *path = pp_strdup(p);
    *query = q ? pp_strdup(q) : NULL;
    rc = (*host && *path && (!q || *query)) ? 0 : -1;
done:
    curl_free(h);
    curl_free(port);
    curl_free(p);
    curl_free(q);
    curl_url_cleanup(u);
    if (rc != 0) {
        free(*host);
        free(*path);
        free(*query);
        *host = *path = *query = NULL;
    }
    return rc;
}

pp_status pp_aws_call(pp_http_client *c, const char *url, const char *content_type,
                      const char *const *headers, size_t nheaders, const char *body,
                      const pp_aws_call_opts *o, pp_http_resp *out, char **err)
{
    memset(out, 0, sizeof *out);
    if (nheaders > PP_AWS_MAX_HEADERS - 4)
        return pp_err(err, PP_E_USAGE, "aws: too many headers");
    char *host, *path, *query;
    if (split_url(url, &host, &path, &query) != 0)
        return pp_err(err, PP_E_USAGE, "aws: cannot parse the endpoint URL");
    const char *sign[PP_AWS_MAX_HEADERS];
    size_t ns = 0;
    char *ct = pp_asprintf("Content-Type: %s", content_type);
    pp_status st = PP_OK;
    if (!ct) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    sign[ns++] = ct;
    for (size_t i = 0; i < nheaders; i++)
        sign[ns++] = headers[i];
    pp_sigv4_req r = { .method = "POST", .host = host, .path = path, .query = query,
                       .headers = sign, .nheaders = ns, .body = body,
                       .body_len = body ? strlen(body) : 0, .region = o->region,
                       .service = o->service, .when = time(NULL) };
    pp_sigv4_sig sig;
    st = pp_sigv4_sign(&r, o->creds, &sig, err);
    if (st != PP_OK)
        goto done;
    const char *send[PP_AWS_MAX_HEADERS];
    size_t nsend = 0;
    for (size_t i = 0; i < nheaders; i++)
        send[nsend++] = headers[i];
    for (size_t i = 0; i < sig.nadd; i++)
        send[nsend++] = sig.add[i];
    pp_http_policy any = { .allow_any = 1 };   /* the caller built the URL */
    pp_http_opts ho = { .policy = &any, .headers = send, .nheaders = nsend,
                        .connect_timeout_ms = o->timeout_ms < 3000 ? o->timeout_ms : 3000,
                        .timeout_ms = o->timeout_ms, .deadline_ms = o->deadline_ms,
                        .max_body = PP_AWS_MAX_ANSWER, .retries = o->retries,
                        .backoff_ms = 200 };
    st = pp_http_post(c, url, content_type, body ? body : "", body ? strlen(body) : 0, &ho, out,
                      err);
    pp_sigv4_sig_free(&sig);
done:
    free(ct);
    free(host);
    free(path);
    free(query);
    return st;
}

/* Copies s[0..n) into buf (size bn), NUL-terminated. */
static const char *copy_to(char *buf, size_t bn, const char *s, size_t n)
{
    if (!bn)
        return buf;
    if (n >= bn)
        n = bn - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

const char *pp_aws_error_name(const pp_http_resp *r, char *buf, size_t n)
{
    copy_to(buf, n, "", 0);
    const char *h = pp_http_resp_header(r, "x-amzn-ErrorType");
    if (h && *h)
        return copy_to(buf, n, h, strcspn(h, ":"));
    json_t *j = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
    const char *t = j ? json_string_value(json_object_get(j, "__type")) : NULL;
    if (!t && j)
        t = json_string_value(json_object_get(j, "code"));
    if (t) {
        const char *hash = strrchr(t, '#');
        copy_to(buf, n, hash ? hash + 1 : t, strlen(hash ? hash + 1 : t));
        json_decref(j);
        return buf;
    }
    json_decref(j);
    const char *c = r->body ? strstr(r->body, "<Code>") : NULL;
    if (c) {
        c += 6;
        const char *e = strstr(c, "</Code>");
        if (e)
            copy_to(buf, n, c, (size_t)(e - c));
    }
    return buf;
}

static char *error_message(const pp_http_resp *r)
{
    json_t *j = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
    const char *m = j ? json_string_value(json_object_get(j, "message")) : NULL;
    if (!m && j)
        m = json_string_value(json_object_get(j, "Message"));
    char *out = pp_asprintf("%.300s", m ? m : (r->body ? r->body : ""));
    json_decref(j);
    return out;
}

static pp_status answer_error(const pp_http_resp *r, const char *api, char **err)
{
    char name[128];
    pp_aws_error_name(r, name, sizeof name);
    char *m = error_message(r);
    pp_status st = pp_err(err, PP_E_HTTP, "%s: %s (HTTP %ld): %s", api,
                          *name ? name : "error", r->status, m ? m : "");
    free(m);
    return st;
}

/* ---- Bedrock --------------------------------------------------------------------------- */

pp_status pp_bedrock_converse(pp_http_client *c, const pp_bedrock_req *r, char **text,
                              long *http_status, char **err)
{
    *text = NULL;
    *http_status = 0;
    if (!r->model || !*r->model || !r->user)
        return pp_err(err, PP_E_USAGE, "Bedrock: a model id and a message are required");
    json_t *req = json_pack("{s:[{s:s,s:[{s:s}]}],s:{s:i,s:f}}", "messages", "role", "user",
                            "content", "text", r->user, "inferenceConfig", "maxTokens",
                            r->max_tokens > 0 ? r->max_tokens : 700, "temperature", 0.2);
    if (req && r->system)
        json_object_set_new(req, "system", json_pack("[{s:s}]", "text", r->system));
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    char *base = pp_aws_endpoint(r->endpoint, "bedrock-runtime", r->region);
    char *model = pp_uri_encode(r->model, strlen(r->model));   /* ':' → %3A, '/' → %2F */
    char *url = base && model ? pp_asprintf("%s/model/%s/converse", base, model) : NULL;
    free(base);
    free(model);
    if (!body || !url) {
        free(body);
        free(url);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    const char *hdrs[1] = { "Accept: application/json" };
    pp_aws_call_opts o = { .region = r->region, .service = "bedrock", .creds = r->creds,
                           .timeout_ms = r->timeout_ms,
                           .deadline_ms = pp_now_ms() + (uint64_t)r->timeout_ms };
    pp_http_resp resp;
    char *e = NULL;
    pp_status st = pp_aws_call(c, url, "application/json", hdrs, 1, body, &o, &resp, &e);
    free(body);
    free(url);
    if (st != PP_OK) {
        pp_err(err, st, "Bedrock: %s", e ? e : pp_status_name(st));
        free(e);
        return st == PP_E_USAGE ? st : PP_E_HTTP;
    }
    *http_status = resp.status;
    if (resp.status != 200) {
        st = answer_error(&resp, "Bedrock", err);
        pp_http_resp_free(&resp);
        return st;
    }
    json_t *j = json_loadb(resp.body, resp.len, 0, NULL);
    json_t *content = json_object_get(json_object_get(json_object_get(j, "output"), "message"),
                                      "content");
    pp_buf b;
    pp_buf_init(&b, PP_AWS_MAX_ANSWER);
    size_t i;
    json_t *blk;
    json_array_foreach(content, i, blk) {
        const char *t = json_string_value(json_object_get(blk, "text"));
        if (t && *t)
            pp_buf_printf(&b, "%s%s", b.len ? "\n" : "", t);
    }
    json_decref(j);
    pp_http_resp_free(&resp);
    if (!b.len) {
        pp_buf_free(&b);
        return pp_err(err, PP_E_PARSE, "Bedrock: the answer has no text");
    }
    *text = pp_buf_steal(&b);
    return *text ? PP_OK : pp_err(err, PP_E_NOMEM, "out of memory");
}

/* ---- ECS ------------------------------------------------------------------------------- */

pp_status pp_aws_ecs(pp_http_client *c, const char *endpoint, const char *action,
                     json_t *request, const pp_aws_call_opts *o, json_t **out, char **err)
{
    *out = NULL;
    char *base = pp_aws_endpoint(endpoint, "ecs", o->region);
    char *url = base ? pp_asprintf("%s/", base) : NULL;
    char *target = pp_asprintf("X-Amz-Target: AmazonEC2ContainerServiceV20141113.%s", action);
    char *body = json_dumps(request, JSON_COMPACT);
    free(base);
    pp_status st = PP_OK;
    if (!url || !target || !body) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    const char *hdrs[1] = { target };
    pp_http_resp resp;
    st = pp_aws_call(c, url, "application/x-amz-json-1.1", hdrs, 1, body, o, &resp, err);
    if (st != PP_OK)
        goto done;
    if (resp.status != 200) {
        char *api = pp_asprintf("ECS %s", action);
        st = answer_error(&resp, api ? api : "ECS", err);
        free(api);
    } else if (!(*out = json_loadb(resp.body, resp.len, 0, NULL))) {
        st = pp_err(err, PP_E_PARSE, "ECS %s: the answer is not JSON", action);
    }
    pp_http_resp_free(&resp);
done:
    free(url);
    free(target);
    free(body);
    return st;
}

/* ---- CloudFormation -------------------------------------------------------------------- */

/* Decodes the five XML entities and numeric references of s[0..n). */
static char *xml_text(const char *s, size_t n)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        static const struct { const char *ent; char ch; } E[] = {
            { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
            { "&apos;", '\'' } };
        int done = 0;
        if (s[i] == '&') {
            for (size_t k = 0; k < PP_ARRAY_LEN(E) && !done; k++) {
                size_t el = strlen(E[k].ent);
                if (i + el <= n && memcmp(s + i, E[k].ent, el) == 0) {
                    pp_buf_append(&b, &E[k].ch, 1);
                    i += el - 1;
                    done = 1;
                }
            }
            if (!done && i + 2 < n && s[i + 1] == '#') {
                const char *semi = memchr(s + i, ';', n - i);
                if (semi && semi - (s + i) < 12) {
                    long cp = s[i + 2] == 'x' ? strtol(s + i + 3, NULL, 16)
                                              : strtol(s + i + 2, NULL, 10);
                    unsigned char u[4];
                    size_t ul = 0;
                    if (cp > 0 && cp < 0x80) {
                        u[ul++] = (unsigned char)cp;
                    } else if (cp >= 0x80 && cp < 0x800) {
                        u[ul++] = (unsigned char)(0xC0 | (cp >> 6));
                        u[ul++] = (unsigned char)(0x80 | (cp & 0x3F));
                    } else if (cp >= 0x800 && cp < 0x10000) {
                        u[ul++] = (unsigned char)(0xE0 | (cp >> 12));
                        u[ul++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                        u[ul++] = (unsigned char)(0x80 | (cp & 0x3F));
                    }
                    if (ul) {
                        pp_buf_append(&b, u, ul);
                        i = (size_t)(semi - s);
                        done = 1;
                    }
                }
            }
        }
        if (!done)
            pp_buf_append(&b, s + i, 1);
    }
    return pp_buf_steal(&b);
}

/* Text of <tag>…</tag> inside [s, e), or NULL. */
static char *xml_child(const char *s, const char *e, const char *tag)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = memmem(s, (size_t)(e - s), open, strlen(open));
    if (!a)
        return NULL;
    a += strlen(open);
    const char *z = memmem(a, (size_t)(e - a), close, strlen(close));
    return z ? xml_text(a, (size_t)(z - a)) : NULL;
}

static const char *const STACK_EVENT_FIELDS[] = {
    "StackId", "EventId", "StackName", "LogicalResourceId", "PhysicalResourceId",
    "ResourceType", "Timestamp", "ResourceStatus", "ResourceStatusReason", "ResourceProperties",
    "ClientRequestToken", "HookType", "HookStatus", "HookStatusReason", "HookInvocationPoint",
    "HookFailureMode", "DetailedStatus",
};

pp_status pp_aws_cfn_stack_events(pp_http_client *c, const char *endpoint, const char *stack,
                                  unsigned max_pages, const pp_aws_call_opts *o, json_t **out,
                                  char **err)
{
    *out = NULL;
    json_t *events = json_array();
    char *base = pp_aws_endpoint(endpoint, "cloudformation", o->region);
    char *url = base ? pp_asprintf("%s/", base) : NULL;
    char *next = NULL;
    free(base);
    pp_status st = PP_OK;
    if (!events || !url) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    for (unsigned page = 0; page < (max_pages ? max_pages : 1); page++) {
        char *es = pp_uri_encode(stack, strlen(stack));
        char *en = next ? pp_uri_encode(next, strlen(next)) : NULL;
        char *body = es ? pp_asprintf("Action=DescribeStackEvents&Version=2010-05-15&"
                                      "StackName=%s%s%s", es, en ? "&NextToken=" : "",
                                      en ? en : "") : NULL;
        free(es);
        free(en);
        if (!body) {
            st = pp_err(err, PP_E_NOMEM, "out of memory");
            goto done;
        }
        pp_http_resp resp;
        st = pp_aws_call(c, url, "application/x-www-form-urlencoded; charset=utf-8", NULL, 0,
                         body, o, &resp, err);
        free(body);
        if (st != PP_OK)
            goto done;
        if (resp.status != 200) {
            st = answer_error(&resp, "CloudFormation DescribeStackEvents", err);
            pp_http_resp_free(&resp);
            goto done;
        }
        const char *p = resp.body, *end = resp.body + resp.len;
        const char *list = strstr(p, "<StackEvents>");
        const char *list_end = list ? strstr(list, "</StackEvents>") : NULL;
        if (list && list_end) {
            const char *m = list;
            while ((m = memmem(m, (size_t)(list_end - m), "<member>", 8)) != NULL) {
                const char *me = memmem(m, (size_t)(list_end - m), "</member>", 9);
                if (!me)
                    break;
                json_t *ev = json_object();
                for (size_t k = 0; ev && k < PP_ARRAY_LEN(STACK_EVENT_FIELDS); k++) {
                    char *v = xml_child(m, me, STACK_EVENT_FIELDS[k]);
                    if (v)
                        json_object_set_new(ev, STACK_EVENT_FIELDS[k], json_string(v));
                    free(v);
                }
                if (ev)
                    json_array_append_new(events, ev);
                m = me + 9;
            }
        }
        free(next);
        next = xml_child(list_end ? list_end : p, end, "NextToken");
        pp_http_resp_free(&resp);
        if (!next || !*next)
            break;
    }
    *out = json_pack("{s:O}", "StackEvents", events);
    if (!*out)
        st = pp_err(err, PP_E_NOMEM, "out of memory");
done:
    json_decref(events);
    free(url);
    free(next);
    return st;
}
