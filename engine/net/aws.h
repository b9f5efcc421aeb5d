/* aws.h — SigV4-signed requests to AWS APIs over engine/net/http.h, and the calls Parapet makes:
 * Bedrock Runtime Converse (JSON), ECS DescribeServices/DescribeTasks (JSON 1.1),
 * CloudFormation DescribeStackEvents (query protocol, XML answer turned into the CLI's JSON
 * shape so the advisor reads it like `aws cloudformation describe-stack-events`).
 *
 * Data flow: advisor/ai.c (Bedrock) and hooks/lambda_events.c (Describe*) → pp_aws_call →
 * pp_sigv4_sign (engine/net/sigv4.h) → pp_http_post. Nothing here knows about explanations.
 *
 * Credentials, region and endpoints come from engine/net/creds.h (the standard chain) through
 * a pp_aws_client; pp_aws_call is the signing primitive below it (creds.c signs STS with it).
 */
#ifndef PP_AWS_H
#define PP_AWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/net/creds.h"
#include "engine/net/endpoint.h"
#include "engine/net/http.h"
#include "engine/net/sigv4.h"

/* One signed call. `url` is absolute; `headers` are extra "Name: value" lines that are sent
 * and signed (Content-Type is passed separately and signed too). On PP_OK *out holds the
 * answer whatever its status (caller frees with pp_http_resp_free). Errors as pp_http_post,
 * plus PP_E_USAGE for a URL that cannot be split or missing credentials. */
typedef struct pp_aws_call_opts {
    const char *region;
    const char *service;          /* signing name: "bedrock", "ecs", "cloudformation" */
    const pp_aws_creds *creds;
    long timeout_ms;
    uint64_t deadline_ms;         /* absolute pp_now_ms(); 0 = none */
    unsigned retries;             /* 5xx / connection failures */
} pp_aws_call_opts;

pp_status pp_aws_call(pp_http_client *c, const char *url, const char *content_type,
                      const char *const *headers, size_t nheaders, const char *body,
                      const pp_aws_call_opts *o, pp_http_resp *out, char **err);

/* The AWS error name of a failed answer: x-amzn-ErrorType (up to ':'), else "__type" or
 * "code" in a JSON body (after '#'), else <Code> in an XML body; "" when none. Writes at most
 * n bytes into buf and returns buf. */
const char *pp_aws_error_name(const pp_http_resp *r, char *buf, size_t n);

/* ---- pp_aws_client: one service, signed, with retries ----------------------------------
 *
 * The interface every AWS call in Parapet goes through (and the one a new backend such as a
 * DynamoDB state store builds on):
 *
 *     pp_aws_client c;
 *     if (pp_aws_client_init(&c, session, http, PP_SVC_DYNAMODB, NULL, &err) != PP_OK) …
 *     json_t *ans;
 *     st = pp_aws_json(&c, "DynamoDB_20120810.PutItem", "1.0", request, &ans, &err);
 *     … c.error_code holds "ConditionalCheckFailedException" when st != PP_OK …
 *     pp_aws_client_free(&c);
 *
 * Every attempt asks the session for credentials (cached; refreshed before they expire) and
 * signs with the session's region and the service's signing name. Attempts: up to
 * `max_attempts` (AWS_MAX_ATTEMPTS, else 3, the SDKs' standard mode) on throttling (HTTP 429,
 * or an error code such as Throttling, ThrottlingException, TooManyRequestsException,
 * ProvisionedThroughputExceededException, RequestLimitExceeded), 5xx answers and transport
 * failures, with full-jitter exponential backoff from `backoff_ms` (capped at 20 s and at the
 * deadline); one more attempt after ExpiredToken with freshly fetched credentials. */
typedef struct pp_aws_client {
    pp_aws_session *session;   /* borrowed */
    pp_http_client *http;      /* borrowed; NULL = a one-shot handle per request */
    pp_aws_service svc;
    char *endpoint;            /* base URL, owned */
    long timeout_ms;           /* per attempt (default 10000) */
    uint64_t deadline_ms;      /* absolute pp_now_ms() across attempts; 0 = none */
    unsigned max_attempts;
    unsigned backoff_ms;       /* default 200 */
    /* What the last call met (reset by each call): */
    char error_code[96];       /* AWS error name of a refused call, "" when none */
    long http_status;          /* status of the last answer, 0 when there was none */
    unsigned throttled;        /* throttling answers retried, over the client's life */
} pp_aws_client;

/* Sets up c for svc. The endpoint: `override` when given, else pp_aws_session_endpoint.
 * PP_E_USAGE with *err when there is no region (and no endpoint), PP_E_NOMEM. Free with
 * pp_aws_client_free (also after a failed init). */
pp_status pp_aws_client_init(pp_aws_client *c, pp_aws_session *s, pp_http_client *http,
                             pp_aws_service svc, const char *override, char **err);
void pp_aws_client_free(pp_aws_client *c);

/* POST endpoint+path (path starts with '/'), signed, with the retries above. On PP_OK *out
 * holds the last answer whatever its status (caller frees). Errors: the credential chain's
 * (creds.h), PP_E_HTTP for a transport failure after the retries, PP_E_NOMEM. */
pp_status pp_aws_client_post(pp_aws_client *c, const char *path, const char *content_type,
                             const char *const *headers, size_t nheaders, const char *body,
                             pp_http_resp *out, char **err);

/* AWS JSON protocol: POST / with X-Amz-Target: `target` and Content-Type
 * application/x-amz-json-`version`. On PP_OK *out is the parsed answer (new reference).
 * A refused call: PP_E_DENIED for an access error (AccessDenied*, UnauthorizedOperation,
 * *NotAuthorized*), else PP_E_HTTP; *err "SERVICE OPERATION: CODE (HTTP n): message" and
 * c->error_code set. PP_E_PARSE for a 200 that is not JSON. `req` is borrowed. */
pp_status pp_aws_json(pp_aws_client *c, const char *target, const char *version, json_t *req,
                      json_t **out, char **err);

/* AWS query protocol (CloudFormation, STS): POST / with Action, Version and `params` (already
 * "&Name=percent-encoded-value" pairs, may be NULL). On PP_OK *out is the 200 answer (XML;
 * caller frees); refused calls as pp_aws_json. */
pp_status pp_aws_query(pp_aws_client *c, const char *action, const char *version,
                       const char *params, pp_http_resp *out, char **err);

/* 1 when an AWS error name means throttling (the list above). */
int pp_aws_is_throttling(const char *code);
/* 1 when an AWS error name means the caller lacks a permission. */
int pp_aws_is_access_denied(const char *code);

/* ---- Bedrock Runtime ------------------------------------------------------------------- */

typedef struct pp_bedrock_req {
    const char *model;      /* model id or ARN; percent-encoded into the path here */
    const char *system;     /* system prompt, may be NULL */
    const char *user;       /* the one user message */
    int max_tokens;         /* 0 = 700 */
    long timeout_ms;        /* whole call, connect included */
} pp_bedrock_req;

/* POST /model/{model}/converse. PP_OK with *text (malloc'd, caller frees: every text block of
 * output.message.content joined with "\n"). PP_E_HTTP with *err "Bedrock: NAME (HTTP n): …"
 * for an error answer, a timeout or a transport failure (`c` is a PP_SVC_BEDROCK_RUNTIME client); *http_status gets the status (0 when
 * there was no answer). PP_E_PARSE for a 200 without text. */
pp_status pp_bedrock_converse(pp_aws_client *c, const pp_bedrock_req *r, char **text,
                              long *http_status, char **err);

/* ---- ECS and CloudFormation ------------------------------------------------------------ */

/* An ECS action (JSON 1.1, AmazonEC2ContainerServiceV20141113.ACTION) on a PP_SVC_ECS
 * client: DescribeServices, ListTasks, DescribeTasks, DescribeTaskDefinition. As
 * pp_aws_json. */
pp_status pp_aws_ecs(pp_aws_client *c, const char *action, json_t *request, json_t **out,
                     char **err);

/* CloudFormation GetTemplate for `stack` (name or ARN), TemplateStage Original: the template
 * as it was submitted (JSON or YAML text, before transforms), so positions in it are the
 * author's. On PP_OK *body is that text (malloc'd, caller frees) and *len its length; a body
 * longer than max_len is PP_E_LIMIT. Refused calls as pp_aws_query. (engine/net/aws_cfn.c) */
pp_status pp_aws_cfn_get_template(pp_aws_client *c, const char *stack, size_t max_len,
                                  char **body, size_t *len, char **err);

/* CloudFormation DescribeStackEvents for `stack` (name or ARN) on a PP_SVC_CLOUDFORMATION
 * client, newest first, up to `max_pages` pages; stops after the page holding the start of
 * the latest operation when `stop_at_start` (the stack's own *_IN_PROGRESS event with reason
 * "User Initiated", or REVIEW_IN_PROGRESS). *out is {"StackEvents": [...]} with the CLI's
 * field names (new reference). On an error after the first page, *out still holds what was
 * read and *truncated is set (when not NULL). */
pp_status pp_aws_cfn_stack_events(pp_aws_client *c, const char *stack, unsigned max_pages,
                                  int stop_at_start, json_t **out, int *truncated, char **err);

#endif
