/* aws.h — SigV4-signed requests to AWS APIs over engine/net/http.h, and the calls Parapet makes:
 * Bedrock Runtime Converse (JSON), ECS DescribeServices/DescribeTasks (JSON 1.1),
 * CloudFormation DescribeStackEvents (query protocol, XML answer turned into the CLI's JSON
 * shape so the advisor reads it like `aws cloudformation describe-stack-events`).
 *
 * Data flow: advisor/ai.c (Bedrock) and hooks/lambda_events.c (Describe*) → pp_aws_call →
 * pp_sigv4_sign (engine/net/sigv4.h) → pp_http_post. Nothing here knows about explanations.
 *
 * Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN: what Lambda provides); the region from AWS_REGION, else
 * AWS_DEFAULT_REGION. An endpoint override (a test server such as moto, or a VPC endpoint)
 * replaces https://SERVICE.REGION.amazonaws.com; the signing region and service are unchanged.
 */
#ifndef PP_AWS_H
#define PP_AWS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/net/http.h"
#include "engine/net/sigv4.h"

/* Credentials and region read from the environment; strings owned. */
typedef struct pp_aws_env {
    char *access_key_id, *secret_access_key, *session_token, *region;
} pp_aws_env;

/* Fills e from the environment. Returns 0, or -1 with *err (caller frees) naming what is
 * missing. */
int pp_aws_env_load(pp_aws_env *e, char **err);
void pp_aws_env_free(pp_aws_env *e);
pp_aws_creds pp_aws_env_creds(const pp_aws_env *e);   /* borrowed view */

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

/* Base URL for a service: `endpoint` when given (trailing '/' removed), else
 * https://PREFIX.REGION.amazonaws.com. malloc'd (caller frees) or NULL on NOMEM. */
char *pp_aws_endpoint(const char *endpoint, const char *prefix, const char *region);

/* ---- Bedrock Runtime ------------------------------------------------------------------- */

typedef struct pp_bedrock_req {
    const char *endpoint;   /* base URL or NULL (bedrock-runtime.REGION.amazonaws.com) */
    const char *region;
    const char *model;      /* model id or ARN; percent-encoded into the path here */
    const char *system;     /* system prompt, may be NULL */
    const char *user;       /* the one user message */
    int max_tokens;         /* 0 = 700 */
    long timeout_ms;        /* whole call, connect included */
    const pp_aws_creds *creds;
} pp_bedrock_req;

/* POST /model/{model}/converse. PP_OK with *text (malloc'd, caller frees: every text block of
 * output.message.content joined with "\n"). PP_E_HTTP with *err "Bedrock: NAME (HTTP n): …"
 * for an error answer, a timeout or a transport failure; *http_status gets the status (0 when
 * there was no answer). PP_E_PARSE for a 200 without text. */
pp_status pp_bedrock_converse(pp_http_client *c, const pp_bedrock_req *r, char **text,
                              long *http_status, char **err);

/* ---- ECS and CloudFormation ------------------------------------------------------------ */

/* ECS DescribeServices / DescribeTasks (JSON 1.1). `request` is the API's JSON request body
 * ({"cluster": …, "services": [...]} / {"cluster": …, "tasks": [...]}). *out is the parsed
 * answer (new reference). PP_E_HTTP with *err for an error answer. */
pp_status pp_aws_ecs(pp_http_client *c, const char *endpoint, const char *action,
                     json_t *request, const pp_aws_call_opts *o, json_t **out, char **err);

/* CloudFormation DescribeStackEvents for `stack` (name or ARN), up to `max_pages` pages. *out
 * is {"StackEvents": [...]} with the CLI's field names (new reference). */
pp_status pp_aws_cfn_stack_events(pp_http_client *c, const char *endpoint, const char *stack,
                                  unsigned max_pages, const pp_aws_call_opts *o, json_t **out,
                                  char **err);

#endif
