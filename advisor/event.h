/* event.h — the advisor's one normalised event record, and ingestion of every input shape.
 *
 * Data flow (explain): files / stdin / --message → pp_evset_ingest_* (this module) →
 * pp_event records in one pp_evset → rootcause.h (timelines, root cause) → kb_match.h.
 *
 * Recognised inputs, auto-detected per JSON value (a file may hold one document or JSON lines):
 *   aws cloudformation describe-stack-events  {"StackEvents": [...]}   (newest first)
 *   aws cloudformation describe-stacks        {"Stacks": [...]}
 *   aws cloudformation describe-stack-resources / list-stack-resources
 *                                             {"StackResources"|"StackResourceSummaries": [...]}
 *   aws ecs describe-services                 {"services": [...]}  (events, deployments)
 *   aws ecs describe-tasks                    {"tasks": [...]}
 *   EventBridge: CloudFormation Resource/Stack Status Change, ECS Task State Change,
 *                ECS Deployment State Change, ECS Service Action
 *   bare records: one StackEvent, one ECS task or service object, or an array of any of these.
 * Two fields Parapet's own fetch (advisor/live.h) adds are read too: "parapetLogTail" (array of
 * strings) on a task's container → pp_event.output, and "parapetApiError" (string) on a stack
 * event → its reason (the original reason kept in vague_reason).
 * Anything else is an input error "FILE:LINE: expected …". Records inside a recognised shape
 * that lack what they need are skipped with a warning (pp_evset.warnings), never a crash.
 *
 * Ownership: every string in a pp_event points into the set's arena and lives until
 * pp_evset_free; callers never free them.
 */
#ifndef PP_ADVISOR_EVENT_H
#define PP_ADVISOR_EVENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/status.h"

/* Where a record came from. Stable names via pp_ev_source_name (used in JSON output). */
typedef enum pp_ev_source {
    PP_SRC_CFN_STACK_EVENT = 0,   /* describe-stack-events StackEvents[] */
    PP_SRC_CFN_STACK,             /* describe-stacks Stacks[] */
    PP_SRC_CFN_RESOURCE,          /* describe-stack-resources / list-stack-resources */
    PP_SRC_EB_CFN_RESOURCE,       /* EventBridge CloudFormation Resource Status Change */
    PP_SRC_EB_CFN_STACK,          /* EventBridge CloudFormation Stack Status Change */
    PP_SRC_ECS_SERVICE_EVENT,     /* describe-services services[].events[] */
    PP_SRC_ECS_DEPLOYMENT,        /* describe-services services[].deployments[] */
    PP_SRC_ECS_TASK,              /* describe-tasks tasks[] (the task's stoppedReason) */
    PP_SRC_ECS_CONTAINER,         /* a container of a task (reason, exitCode) */
    PP_SRC_EB_ECS_TASK,           /* EventBridge ECS Task State Change */
    PP_SRC_EB_ECS_DEPLOYMENT,     /* EventBridge ECS Deployment State Change */
    PP_SRC_EB_ECS_SERVICE_ACTION, /* EventBridge ECS Service Action */
    PP_SRC_MESSAGE,               /* --message TEXT */
    PP_SRC_ECS_SERVICE_FAILURE    /* describe-services failures[] (MISSING service) */
} pp_ev_source;

#define PP_EXIT_CODE_NONE INT32_MIN
#define PP_TS_NONE INT64_MIN

/* One event. Every char * is NULL when the source did not carry the field; non-NULL strings
 * are valid UTF-8 (jansson guarantees it for JSON; --message text is repaired). */
typedef struct pp_event {
    pp_ev_source source;
    const char *file;          /* input name as given ("<stdin>", "<message>") */
    unsigned line;             /* 1-based line of the JSON value (document start or JSON line) */
    size_t seq;                /* ingestion order, oldest-first within one list (see .c) */
    int64_t ts_ms;             /* UTC milliseconds since the epoch, PP_TS_NONE if unknown */
    const char *timestamp;     /* the timestamp text as given (epoch numbers are formatted) */
    const char *stack;         /* CloudFormation stack name (not the ARN) */
    const char *stack_id;      /* CloudFormation stack ARN when known */
    const char *parent_stack;  /* describe-stacks ParentId → name of the parent stack */
    const char *service;       /* ECS service name */
    const char *cluster;       /* ECS cluster name */
    const char *logical_id;
    const char *physical_id;
    const char *resource_type; /* "AWS::ECS::Service"; tasks/containers get AWS::ECS::Task */
    const char *status;        /* ResourceStatus, StackStatus, lastStatus, eventName, rolloutState */
    const char *reason;        /* the message: ResourceStatusReason, stoppedReason, event text */
    const char *event_id;
    const char *request_token; /* ClientRequestToken / client-request-token */
    const char *hook_type;
    const char *hook_status;   /* HOOK_COMPLETE_FAILED, HOOK_FAILED, … */
    const char *hook_reason;
    const char *hook_point;
    const char *hook_mode;     /* FAIL | WARN */
    const char *task_arn;      /* tasks, containers */
    const char *stop_code;     /* TaskFailedToStart, EssentialContainerExited, … */
    const char *container;     /* container name (PP_SRC_ECS_CONTAINER) */
    const char *image;
    int32_t exit_code;         /* PP_EXIT_CODE_NONE when absent */
    const char *output;        /* the container's last log lines, "\n"-joined (a container
                                * object's "parapetLogTail", added by advisor/live.h) */
    const char *vague_reason;  /* the stack event's own reason when "parapetApiError" (the
                                * API error CloudTrail recorded, live.h) replaced it */
} pp_event;

/* Caps on untrusted input. Defaults (PP_EV_LIMITS_DEFAULT) fit a 100,000-event dump. */
typedef struct pp_ev_limits {
    size_t max_input_bytes;    /* one file or stdin */
    size_t max_events;         /* records in one set, over all inputs */
    size_t max_reason_bytes;   /* one message; longer ones are cut at a UTF-8 boundary + warning */
    size_t max_warnings;       /* kept warnings; later ones are counted, not stored */
} pp_ev_limits;

#define PP_EV_LIMITS_DEFAULT { \
    .max_input_bytes = 256u << 20, \
    .max_events = 2000000, \
    .max_reason_bytes = 32u << 10, \
    .max_warnings = 100, \
}

typedef struct pp_arena pp_arena;   /* opaque string arena (event.c) */

/* A set of events from any number of inputs. Invariant: n <= lim.max_events. */
typedef struct pp_evset {
    pp_event *ev;
    size_t n, cap;
    char **warnings;           /* "FILE:LINE: skipped …"; owned */
    size_t nwarn;
    size_t warn_dropped;       /* warnings beyond lim.max_warnings */
    size_t next_seq;
    pp_ev_limits lim;
    pp_arena *arena;
} pp_evset;

/* Initialises an empty set; lim == NULL uses the defaults. Never fails (allocates lazily). */
void pp_evset_init(pp_evset *s, const pp_ev_limits *lim);
/* Frees everything the set owns; the set may be re-initialised. NULL is a no-op. */
void pp_evset_free(pp_evset *s);

/* Parses buf[0..len) named `name` (one JSON document or JSON lines) and appends its records.
 * Returns PP_OK; PP_E_PARSE for malformed JSON or an unrecognised shape; PP_E_LIMIT when the
 * buffer or the event count exceeds the limits; PP_E_NOMEM. On error *err (caller frees) reads
 * "NAME:LINE: expected …" and the set keeps the records appended before the error. */
pp_status pp_evset_ingest_buf(pp_evset *s, const char *name, const char *buf, size_t len,
                              char **err);
/* The same for a value already parsed by jansson (the Lambda's event, a live fetch's answer):
 * recognised and walked as above, without printing and re-parsing it. PP_E_NOMEM also when
 * the value nests deeper than the reader's depth limit. */
pp_status pp_evset_ingest_json(pp_evset *s, const char *name, const json_t *v, char **err);
/* Reads `path` ("-" = stdin, capped at lim.max_input_bytes) and ingests it as above. */
pp_status pp_evset_ingest_file(pp_evset *s, const char *path, char **err);
/* Appends one raw message (a pasted CDK/CLI line). `resource_type` may be NULL. Invalid UTF-8
 * is replaced by U+FFFD with a warning; over-long text is cut with a warning. */
pp_status pp_evset_add_message(pp_evset *s, const char *text, const char *resource_type,
                               char **err);

/* The text to explain for an event: the hook reason for a failed hook, else the reason. May be
 * NULL. Points into the set. */
const char *pp_event_text(const pp_event *ev);
/* Stable lower-case name ("cfn-stack-event", "ecs-task", …). */
const char *pp_ev_source_name(pp_ev_source src);
/* Parses ISO 8601 ("2024-11-20T10:00:00.123+00:00", "…Z", "2024-11-20 10:00:00") into UTC ms.
 * Returns 0 on success, -1 otherwise. */
int pp_ev_parse_time(const char *s, int64_t *out_ms);

#endif
