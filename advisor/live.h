/* live.h — fetch what explains a failed deployment from the AWS APIs, as the advisor's input.
 *
 * Data flow: explain --stack, watch, the Slack `/parapet why`, the Lambda EventBridge path →
 * pp_live_fetch_stack / pp_live_fetch_service → AWS answers through engine/net/aws.h (the one
 * credential chain, creds.h) → a list of documents in the shapes advisor/event.h ingests
 * (describe-stack-events, describe-services, describe-tasks) → the caller ingests them and runs
 * advisor/explain.h. Which extra calls are worth making is decided by the advisor itself
 * (rootcause.h's classification): this module never judges a message.
 *
 * What is fetched, each within the caller's deadline:
 *   - DescribeStackEvents of the stack, newest first, stopping at the start of its latest
 *     operation (at most max_stack_pages pages);
 *   - for a failed nested stack (AWS::CloudFormation::Stack resource with a physical id), its
 *     own events, recursively (at most PP_LIVE_MAX_STACKS stacks);
 *   - for a failed AWS::ECS::Service: DescribeServices, ListTasks (STOPPED, at most max_tasks)
 *     + DescribeTasks, and for a task whose essential container exited, the last log_lines
 *     lines of that container's CloudWatch Logs stream (DescribeTaskDefinition's awslogs
 *     options → GetLogEvents). The lines are added to the container object as
 *     "parapetLogTail" (an array of strings), which event.h reads into pp_event.output;
 *   - for a stack with a failed resource (not a nested stack's own record): GetTemplate
 *     (TemplateStage Original, at most PP_LIVE_MAX_TEMPLATE_BYTES) into r->templates;
 *   - for a root whose reason is vague (classified WEAK or empty, on a CloudFormation
 *     resource), CloudTrail LookupEvents for the resource's physical id in the window from 15
 *     minutes before the failure to 1 minute after; the first event with an errorCode is
 *     added to the stack event as "parapetApiError" ("EventName: ErrorCode: message"), which
 *     event.h makes the event's reason.
 * Whatever fails (access denied, throttling after the client's retries, a timeout, a missing
 * resource) is recorded in `missing` ("ECS ListTasks for service web: AccessDeniedException
 * (HTTP 400): …"); what was fetched is still returned. No message contains credentials.
 */
#ifndef PP_ADVISOR_LIVE_H
#define PP_ADVISOR_LIVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "advisor/kb.h"
#include "engine/net/creds.h"
#include "engine/net/http.h"

#define PP_LIVE_MAX_STACKS 10
#define PP_LIVE_MAX_MISSING 32
#define PP_LIVE_MAX_LOG_TASKS 3
#define PP_LIVE_MAX_TEMPLATE_BYTES (1u << 20)   /* CloudFormation's own cap for a template */

typedef struct pp_live_opts {
    pp_aws_session *session;    /* borrowed */
    pp_http_client *http;       /* borrowed, may be NULL */
    uint64_t deadline_ms;       /* absolute pp_now_ms(); 0 = none */
    long timeout_ms;            /* per request; 0 = 10000 */
    unsigned max_stack_pages;   /* 0 = 20 */
    unsigned max_tasks;         /* stopped tasks described; 0 = 10 */
    unsigned log_lines;         /* 0 = 20 */
    int no_cloudtrail;          /* skip the CloudTrail step */
    int no_templates;           /* skip GetTemplate */
    pp_kb *kb;                  /* borrowed; tells vague (WEAK) reasons; NULL: only empty ones */
} pp_live_opts;

typedef struct pp_live_result {
    json_t *docs;                      /* array of documents for pp_evset_ingest_buf; owned */
    char *missing[PP_LIVE_MAX_MISSING];/* what could not be fetched, owned */
    size_t nmissing;
    size_t missing_dropped;
    /* The submitted template of every stack with a failed resource (GetTemplate, stage
     * Original): array of {"stack_name", "stack_id", "body"}; owned, never NULL after a fetch.
     * explain points root causes at their lines with it (pp_explain_locate_stack). */
    json_t *templates;
    unsigned stacks, tasks, log_streams, trail_events;   /* what was fetched */
} pp_live_result;

/* Fetches what explains the latest operation of `stack` (name or ARN). Always fills *r (free
 * with pp_live_result_free); returns PP_OK when at least the stack's own events were read,
 * else the status of that first call (its message is in r->missing[0]). */
pp_status pp_live_fetch_stack(const pp_live_opts *o, const char *stack, pp_live_result *r);

/* The ECS part alone (the Lambda's ECS Deployment State Change path). Always fills *r;
 * returns PP_OK when DescribeServices answered. */
pp_status pp_live_fetch_service(const pp_live_opts *o, const char *cluster,
                                const char *service, pp_live_result *r);

/* The submitted template of one stack alone (GetTemplate; the Lambda path, whose events carry
 * the cause but not the template). name is the stack's name for the location's file name (may
 * be NULL). Always fills *r; PP_OK when r->templates holds it, else PP_E_NOTFOUND (why is in
 * r->missing) or PP_E_NOMEM. */
pp_status pp_live_fetch_template(const pp_live_opts *o, const char *stack, const char *name,
                                 pp_live_result *r);

void pp_live_result_free(pp_live_result *r);   /* resets *r; safe on a zeroed struct */

#endif
