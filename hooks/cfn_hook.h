/* cfn_hook.h — the CloudFormation Lambda-hook protocol (AWS::Hooks::LambdaHook).
 *
 * Data flow: request bytes (Lambda event, POST /hook body, a file) → pp_hook_parse →
 * pp_hook_req → pp_hook_handle builds the documents to evaluate (RESOURCE: one-resource
 * template; STACK: the payload's template; CHANGE_SET: one document per changed resource),
 * runs the engine (eval.h) → pp_hook_render → the hook response JSON.
 *
 * Protocol facts: ../shared/reference/aws-protocols.md §1. The response always echoes
 * clientRequestToken; `message` is cut to 4096 bytes (1024 for Cloud Control) at a UTF-8
 * boundary, which keeps it under the limit however AWS counts characters.
 */
#ifndef PP_CFN_HOOK_H
#define PP_CFN_HOOK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/eval.h"
#include "engine/finding.h"
#include "engine/net/http.h"
#include "engine/base/limits.h"
#include "engine/base/status.h"

/* Caps of the response (characters = bytes here; see above). */
#define PP_HOOK_MESSAGE_MAX 4096
#define PP_HOOK_MESSAGE_MAX_CC 1024         /* Cloud Control operations */
#define PP_HOOK_ANNOTATION_NAME_MAX 1024
#define PP_HOOK_STATUS_MESSAGE_MAX 16384
#define PP_HOOK_REMEDIATION_MAX 16384
#define PP_HOOK_LINK_MAX 5120
/* Lambda's synchronous invoke limit; also the default body limit of `parapet serve`. */
#define PP_HOOK_MAX_REQUEST (6u << 20)

typedef enum pp_hook_target {
    PP_HOOK_RESOURCE = 0, PP_HOOK_STACK, PP_HOOK_CHANGE_SET
} pp_hook_target;

typedef enum pp_hook_action {
    PP_HOOK_ACT_NONE = 0, /* not given (allowed for STACK and CHANGE_SET) */
    PP_HOOK_ACT_CREATE, PP_HOOK_ACT_UPDATE, PP_HOOK_ACT_DELETE
} pp_hook_action;

/* A parsed request. Every pointer is borrowed from `root` (owned) and valid until
 * pp_hook_req_free. Strings are never NULL after pp_hook_parse ("" when absent), except
 * payload_url, props and prev. */
typedef struct pp_hook_req {
    json_t *root;
    const char *token;            /* clientRequestToken (also accepted: clientRequesttoken) */
    const char *account_id;       /* awsAccountId */
    const char *stack_id;         /* stackId (also stackID) */
    const char *change_set_id;
    const char *hook_type;        /* hookTypeName: the alias */
    const char *invocation_point; /* actionInvocationPoint as received */
    pp_hook_action action;
    pp_hook_target target;
    int cloud_control;            /* stackId empty, or targetType RESOURCE / CLOUD_CONTROL */
    const char *target_name;      /* resource type, or STACK / CHANGE_SET */
    const char *target_type;
    const char *logical_id;       /* targetLogicalId; "Resource" when absent */
    const char *payload_url;      /* requestData.payload (STACK, CHANGE_SET), or NULL */
    json_t *props;                /* RESOURCE: resourceProperties (object) or NULL */
    json_t *prev;                 /* RESOURCE: previousResourceProperties (object) or NULL */
    json_t *inline_payload;       /* STACK/CHANGE_SET: requestData.targetModel when it already
                                   * holds the payload document ({"template": …}), or NULL */
    int loop_keys;                /* 0: no object key of the request starts with
                                   * "Fn::ForEach::" (pp_doc_load_root_scan) */
} pp_hook_req;

/* Parses a request. Accepts: JSON object bodies with a requestData object; targetType a
 * resource type ("AWS::S3::Bucket"), RESOURCE, CLOUD_CONTROL, STACK or CHANGE_SET (any case);
 * actionInvocationPoint (or invocationPoint) CREATE_PRE_PROVISION, UPDATE_PRE_PROVISION,
 * DELETE_PRE_PROVISION (any case; required for resource targets). Keys are matched exactly
 * first, then without regard to case (the docs spell clientRequesttoken and stackID).
 * Rejects (PP_E_PARSE with *err, caller frees): bad JSON, a non-object, missing or
 * wrongly-typed fields, an unknown target type or invocation point, a STACK/CHANGE_SET target
 * without a payload URL. PP_E_NOMEM when the request could not be read for want of memory.
 * Even on failure `out` holds what was read (the token, for the response), and the caller
 * must call pp_hook_req_free. */
pp_status pp_hook_parse(const char *buf, size_t len, pp_hook_req *out, char **err);
void pp_hook_req_free(pp_hook_req *r);

/* Settings shared by every request of a front end (read-only once built). */
typedef struct pp_hook_cfg {
    const pp_limits *limits;
    pp_unknown_policy unknown;
    pp_severity fail_on;          /* findings below this severity never fail the hook */
    const pp_http_policy *fetch;  /* where payloads may come from */
    long fetch_connect_ms;        /* default 3000 */
    long fetch_timeout_ms;        /* per attempt; default 10000 */
    unsigned fetch_retries;       /* used as given; the front ends set 2 */
    size_t max_payload;           /* default 32 MiB */
    int verbose;                  /* rule logs to stderr */
} pp_hook_cfg;

/* The outcome of one request. */
typedef enum pp_hook_verdict {
    PP_HOOK_SUCCESS = 0, PP_HOOK_NONCOMPLIANT, PP_HOOK_INTERNAL_FAILURE
} pp_hook_verdict;

typedef struct pp_hook_outcome {
    char *response;        /* the hook response JSON (owned); always set unless NOMEM */
    pp_hook_verdict verdict;
    int bad_request;       /* the body was not a hook request (serve answers 400) */
    char *error;           /* why, for bad_request and internal failures (owned) */
    size_t rules;          /* rules that produced a verdict */
    size_t rule_errors;    /* ERROR findings */
} pp_hook_outcome;

/* Evaluates one request with the thread's rule set `rs` (not shared between threads) and
 * fills `out`, which the caller releases with pp_hook_outcome_free. `http` may be NULL (a
 * one-shot handle is used). `deadline_ms` is an absolute pp_now_ms() (0 = none): payload
 * fetches stop there, and evaluation does not start after it. Returns PP_OK whenever a
 * response was produced — including malformed requests and internal failures, which the
 * outcome describes — and PP_E_NOMEM otherwise. */
pp_status pp_hook_handle(const pp_hook_cfg *cfg, pp_ruleset *rs, pp_http_client *http,
                         uint64_t deadline_ms, const char *body, size_t len,
                         pp_hook_outcome *out);
void pp_hook_outcome_free(pp_hook_outcome *o);

/* What pp_hook_render needs besides the report. */
typedef struct pp_hook_render_in {
    const pp_hook_req *req;
    const pp_report *rep;         /* findings of every evaluated document (PASS/SKIP kept) */
    const pp_rule_info *rules;    /* selected rules, in annotation order */
    size_t nrules;
    pp_unknown_policy unknown;
    pp_severity fail_on;
    int failing;                  /* pp_report_failing(rep, fail_on, unknown) */
    const char *what;             /* target description for the message ("Db (AWS::…)") */
} pp_hook_render_in;

/* Renders the response of an evaluated request: hookStatus, errorCode (NonCompliant when a
 * FAIL or a failing UNKNOWN is among the failing findings, InternalFailure when only rule
 * ERRORs fail), message, clientRequestToken, annotations (one per rule with a finding:
 * PASSED, FAILED or SKIPPED). Returns a malloc'd JSON string (caller frees) or NULL on NOMEM;
 * *verdict receives the verdict. */
char *pp_hook_render(const pp_hook_render_in *in, pp_hook_verdict *verdict);

/* A FAILED/InternalFailure response with `message` (cut to the limit). `token` may be NULL.
 * Caller frees; NULL on NOMEM. */
char *pp_hook_render_failure(const char *token, int cloud_control, const char *message);

/* Cuts `s` in place to at most `max` bytes at a UTF-8 boundary, ending with "..." when cut.
 * Returns s. */
char *pp_hook_truncate(char *s, size_t max);

/* "INFORMATIONAL" … "CRITICAL". */
const char *pp_hook_severity_level(pp_severity s);

#endif
