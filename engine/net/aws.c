/* aws.c — signed AWS calls: the pp_aws_client (retries, throttling, the JSON and query
 * protocols), Bedrock Converse, ECS, CloudFormation DescribeStackEvents (see aws.h). */
#include "engine/net/aws.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/xml.h"

#define PP_AWS_MAX_HEADERS 16
#define PP_AWS_MAX_ANSWER (8u << 20)

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
    char *out;
    if (!m && !j && r->body && strstr(r->body, "<Message>")) {
        char *x = pp_xml_child(r->body, r->body + r->len, "Message");
        out = pp_asprintf("%.300s", x ? x : "");
        free(x);
    } else {
        out = pp_asprintf("%.300s", m ? m : (r->body ? r->body : ""));
    }
    json_decref(j);
    return out;
}

static pp_status answer_error(pp_aws_client *c, const pp_http_resp *r, const char *api,
                              char **err)
{
    pp_aws_error_name(r, c->error_code, sizeof c->error_code);
    char *m = error_message(r);
    pp_status st = pp_err(err, pp_aws_is_access_denied(c->error_code) || r->status == 403
                                   ? PP_E_DENIED : PP_E_HTTP,
                          "%s: %s (HTTP %ld): %s", api, *c->error_code ? c->error_code : "error",
                          r->status, m ? m : "");
    free(m);
    return st;
}

/* ---- the client ------------------------------------------------------------------------ */

int pp_aws_is_throttling(const char *code)
{
    static const char *const T[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    };
    for (size_t i = 0; code && i < PP_ARRAY_LEN(T); i++)
        if (strcmp(code, T[i]) == 0)
            return 1;
    return 0;
}

int pp_aws_is_access_denied(const char *code)
{
    return code && (strncmp(code, "AccessDenied", 12) == 0 ||
                    strcmp(code, "UnauthorizedOperation") == 0 ||
                    strcmp(code, "UnrecognizedClientException") == 0 ||
                    strcmp(code, "InvalidClientTokenId") == 0 ||
                    strcmp(code, "SignatureDoesNotMatch") == 0 ||
                    strstr(code, "NotAuthorized") != NULL);
}

static int expired_token(const char *code)
{
    return strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
           strcmp(code, "RequestExpired") == 0;
}

pp_status pp_aws_client_init(pp_aws_client *c, pp_aws_session *s, pp_http_client *http,
                             pp_aws_service svc, const char *override, char **err)
{
    memset(c, 0, sizeof *c);
    c->session = s;
    c->http = http;
    c->svc = svc;
    c->timeout_ms = 10000;
    c->backoff_ms = 200;
    long n = 3;
    const char *ma = getenv("AWS_MAX_ATTEMPTS");
    if (ma && *ma && pp_parse_long(ma, 1, 10, &n) != 0)
        n = 3;
    c->max_attempts = (unsigned)n;
    const pp_aws_service_info *si = pp_aws_service_get(svc);
    if (!si)
        return pp_err(err, PP_E_INTERNAL, "aws: unknown service");
    c->endpoint = override && *override
                      ? pp_aws_endpoint_for(svc, NULL, override, NULL)
                      : pp_aws_session_endpoint(s, svc);
    if (!c->endpoint) {
        if (!pp_aws_session_region(s))
            return pp_err(err, PP_E_USAGE, "no AWS region: pass --region, set AWS_REGION or "
                          "give profile %s a region", pp_aws_session_profile(s));
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    return PP_OK;
}

void pp_aws_client_free(pp_aws_client *c)
{
    if (!c)
        return;
    free(c->endpoint);
    c->endpoint = NULL;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Full jitter: a random wait in [0, min(cap, base * 2^attempt)]. */
static unsigned backoff_for(const pp_aws_client *c, unsigned attempt)
{
    static unsigned seed;
    if (!seed)
        seed = (unsigned)getpid() ^ (unsigned)time(NULL);
    unsigned long top = (unsigned long)(c->backoff_ms ? c->backoff_ms : 200) << (attempt < 8
                                                                                  ? attempt : 8);
    if (top > 20000)
        top = 20000;
    return (unsigned)(top / 2 + (unsigned long)rand_r(&seed) % (top / 2 + 1));
}

pp_status pp_aws_client_post(pp_aws_client *c, const char *path, const char *content_type,
                             const char *const *headers, size_t nheaders, const char *body,
                             pp_http_resp *out, char **err)
{
    memset(out, 0, sizeof *out);
    c->error_code[0] = '\0';
    c->http_status = 0;
    const pp_aws_service_info *si = pp_aws_service_get(c->svc);
    char *url = pp_asprintf("%s%s", c->endpoint, path);
    if (!url)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    pp_status st = PP_OK;
    int refreshed = 0;
    for (unsigned attempt = 0;; attempt++) {
        pp_aws_creds cr;
        st = pp_aws_session_creds(c->session, c->http, &cr, err);
        if (st != PP_OK)
            break;
        pp_aws_call_opts o = { .region = pp_aws_session_region(c->session)
                                             ? pp_aws_session_region(c->session) : "us-east-1",
                               .service = si->signing, .creds = &cr,
                               .timeout_ms = c->timeout_ms, .deadline_ms = c->deadline_ms };
        char *e = NULL;
        st = pp_aws_call(c->http, url, content_type, headers, nheaders, body, &o, out, &e);
        int last = attempt + 1 >= c->max_attempts;
        unsigned wait = backoff_for(c, attempt);
        if (c->deadline_ms && pp_now_ms() + wait >= c->deadline_ms)
            last = 1;
        if (st != PP_OK) {
            if (st == PP_E_HTTP && !last) {
                free(e);
                sleep_ms(wait);
                continue;
            }
            pp_err(err, st, "%s: %s", si->name, e ? e : pp_status_name(st));
            free(e);
            break;
        }
        c->http_status = out->status;
        if (out->status == 200)
            break;
        char code[96];
        pp_aws_error_name(out, code, sizeof code);
        if (!refreshed && expired_token(code)) {
            refreshed = 1;
            pp_aws_session_invalidate(c->session);
            pp_http_resp_free(out);
            attempt--;
            continue;
        }
        int throttled = out->status == 429 || pp_aws_is_throttling(code);
        if ((throttled || out->status >= 500) && !last) {
            if (throttled)
                c->throttled++;
            pp_http_resp_free(out);
            sleep_ms(wait);
            continue;
        }
        break;
    }
    free(url);
    return st;
}

pp_status pp_aws_json(pp_aws_client *c, const char *target, const char *version, json_t *req,
                      json_t **out, char **err)
{
    *out = NULL;
    const pp_aws_service_info *si = pp_aws_service_get(c->svc);
    const char *op = strrchr(target, '.');
    op = op ? op + 1 : target;
    char *th = pp_asprintf("X-Amz-Target: %s", target);
    char *ct = pp_asprintf("application/x-amz-json-%s", version);
    char *body = req ? pp_json_dumps(req, JSON_COMPACT) : pp_strdup("{}");
    char *api = pp_asprintf("%s %s", si->name, op);
    pp_status st = PP_OK;
    if (!th || !ct || !body || !api) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    const char *hdrs[1] = { th };
    pp_http_resp resp;
    char *e = NULL;
    st = pp_aws_client_post(c, "/", ct, hdrs, 1, body, &resp, &e);
    if (st != PP_OK) {
        pp_err(err, st, "%s: %s", api, e ? e : pp_status_name(st));
        free(e);
        goto done;
    }
    if (resp.status != 200)
        st = answer_error(c, &resp, api, err);
    else if (!(*out = json_loadb(resp.body, resp.len, 0, NULL)))
        st = pp_err(err, PP_E_PARSE, "%s: the answer is not JSON", api);
    pp_http_resp_free(&resp);
done:
    free(th);
    free(ct);
    free(body);
    free(api);
    return st;
}

pp_status pp_aws_query(pp_aws_client *c, const char *action, const char *version,
                       const char *params, pp_http_resp *out, char **err)
{
    memset(out, 0, sizeof *out);
    const pp_aws_service_info *si = pp_aws_service_get(c->svc);
    char *body = pp_asprintf("Action=%s&Version=%s%s", action, version, params ? params : "");
    if (!body)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    char *e = NULL;
    pp_status st = pp_aws_client_post(c, "/", "application/x-www-form-urlencoded; charset=utf-8",
                                      NULL, 0, body, out, &e);
    free(body);
    if (st != PP_OK) {
        pp_err(err, st, "%s %s: %s", si->name, action, e ? e : pp_status_name(st));
        free(e);
        return st;
    }
    if (out->status != 200) {
        char api[128];
        snprintf(api, sizeof api, "%s %s", si->name, action);
        st = answer_error(c, out, api, err);
        pp_http_resp_free(out);
    }
    return st;
}

/* ---- Bedrock --------------------------------------------------------------------------- */

pp_status pp_bedrock_converse(pp_aws_client *c, const pp_bedrock_req *r, char **text,
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
    char *model = pp_uri_encode(r->model, strlen(r->model));   /* ':' → %3A, '/' → %2F */
    char *path = model ? pp_asprintf("/model/%s/converse", model) : NULL;
    free(model);
    if (!body || !path) {
        free(body);
        free(path);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    const char *hdrs[1] = { "Accept: application/json" };
    c->timeout_ms = r->timeout_ms;
    c->deadline_ms = pp_now_ms() + (uint64_t)r->timeout_ms;
    pp_http_resp resp;
    char *e = NULL;
    pp_status st = pp_aws_client_post(c, path, "application/json", hdrs, 1, body, &resp, &e);
    free(body);
    free(path);
    if (st != PP_OK) {
        pp_err(err, st, "Bedrock: %s", e ? e : pp_status_name(st));
        free(e);
        return st == PP_E_USAGE ? st : PP_E_HTTP;
    }
    *http_status = resp.status;
    if (resp.status != 200) {
        st = answer_error(c, &resp, "Bedrock", err);
        pp_http_resp_free(&resp);
        return PP_E_HTTP;
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

pp_status pp_aws_ecs(pp_aws_client *c, const char *action, json_t *request, json_t **out,
                     char **err)
{
    char target[128];
    snprintf(target, sizeof target, "AmazonEC2ContainerServiceV20141113.%s", action);
    return pp_aws_json(c, target, "1.1", request, out, err);
}

/* ---- CloudFormation -------------------------------------------------------------------- */

static const char *const STACK_EVENT_FIELDS[] = {
    "StackId", "EventId", "StackName", "LogicalResourceId", "PhysicalResourceId",
    "ResourceType", "Timestamp", "ResourceStatus", "ResourceStatusReason", "ResourceProperties",
    "ClientRequestToken", "HookType", "HookStatus", "HookStatusReason", "HookInvocationPoint",
    "HookFailureMode", "DetailedStatus",
};

/* The stack's own event that opens an operation. */
static int operation_start(json_t *ev)
{
    const char *t = json_string_value(json_object_get(ev, "ResourceType"));
    const char *st = json_string_value(json_object_get(ev, "ResourceStatus"));
    const char *why = json_string_value(json_object_get(ev, "ResourceStatusReason"));
    const char *lid = json_string_value(json_object_get(ev, "LogicalResourceId"));
    const char *name = json_string_value(json_object_get(ev, "StackName"));
    if (!t || strcmp(t, "AWS::CloudFormation::Stack") != 0 || !st || !lid || !name ||
        strcmp(lid, name) != 0)
        return 0;
    return strcmp(st, "REVIEW_IN_PROGRESS") == 0 ||
           (strstr(st, "_IN_PROGRESS") && !strstr(st, "ROLLBACK") && !strstr(st, "CLEANUP") &&
            why && strcmp(why, "User Initiated") == 0);
}

pp_status pp_aws_cfn_stack_events(pp_aws_client *c, const char *stack, unsigned max_pages,
                                  int stop_at_start, json_t **out, int *truncated, char **err)
{
    *out = NULL;
    if (truncated)
        *truncated = 0;
    json_t *events = json_array();
    char *next = NULL;
    pp_status st = PP_OK;
    if (!events)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    int started = 0;
    unsigned page;
    for (page = 0; page < (max_pages ? max_pages : 1) && !started; page++) {
        char *es = pp_uri_encode(stack, strlen(stack));
        char *en = next ? pp_uri_encode(next, strlen(next)) : NULL;
        char *params = es ? pp_asprintf("&StackName=%s%s%s", es, en ? "&NextToken=" : "",
                                        en ? en : "") : NULL;
        free(es);
        free(en);
        if (!params) {
            st = pp_err(err, PP_E_NOMEM, "out of memory");
            break;
        }
        pp_http_resp resp;
        st = pp_aws_query(c, "DescribeStackEvents", "2010-05-15", params, &resp, err);
        free(params);
        if (st != PP_OK)
            break;
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
                    char *v = pp_xml_child(m, me, STACK_EVENT_FIELDS[k]);
                    if (v)
                        json_object_set_new(ev, STACK_EVENT_FIELDS[k], json_string(v));
                    free(v);
                }
                if (ev) {
                    if (stop_at_start && operation_start(ev))
                        started = 1;
                    json_array_append_new(events, ev);
                }
                m = me + 9;
                if (started)
                    break;
            }
        }
        free(next);
        next = pp_xml_child(list_end ? list_end : p, end, "NextToken");
        pp_http_resp_free(&resp);
        if (!next || !*next)
            break;
    }
    if (st == PP_OK && !started && next && *next && truncated)
        *truncated = 1;   /* the page cap stopped before the operation's start */
    if (st != PP_OK && json_array_size(events) && truncated)
        *truncated = 1;
    if (st == PP_OK || json_array_size(events)) {
        *out = json_pack("{s:O}", "StackEvents", events);
        if (!*out)
            st = pp_err(err, PP_E_NOMEM, "out of memory");
    }
    json_decref(events);
    free(next);
    return st;
}
