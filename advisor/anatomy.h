/* anatomy.h — decoding the grammar of AWS failure messages into typed fields, and generic
 * guidance built from those fields.
 *
 * Data flow: root-cause event (rootcause.h) → pp_anatomy_decode (this) → explain.c matches the
 * KB; when only a broad entry matches, or none, pp_anatomy_guide turns the decoded fields into
 * a title and fix steps that name the exact principal, action, resource, property, value and
 * constraint. pp_anatomy_json renders the fields for `explain --format json`.
 *
 * Grammars (docs/advisor.md "Anatomy"):
 *   - the CloudFormation handler wrapper `Resource handler returned message: "INNER"
 *     (RequestToken: T, HandlerErrorCode: CODE)`, tolerant of a cut-off tail and of console
 *     line wrapping (a newline plus indentation inside the message);
 *   - the service suffix `(Service: S; Status Code: N; Error Code: E; Request ID: R; …)`, the
 *     comma style `(Service: S, Status Code: N, Request ID: R)` and the SDK v2 style without
 *     parentheses;
 *   - not authorized: principal, action, resource and the reason (no identity-based policy,
 *     an explicit deny in an SCP / permissions boundary / resource policy / session policy /
 *     identity policy, …), and the AccessDenied / UnauthorizedOperation / `API: x:Y You are not
 *     authorized` forms;
 *   - `N validation error(s) detected: Value 'v' at 'field' failed to satisfy constraint: C`;
 *   - `Properties validation failed for resource R with message: #/Path: problem` (one or a
 *     list of problems);
 *   - generic shapes: not found, already exists, limit exceeded, invalid parameter
 *     combination, throttling, stabilisation timeouts, ECS stop codes, container exit codes.
 *
 * Limits: at most PP_AN_MAX_INPUT bytes of a message are read (cut at a UTF-8 boundary; a NUL
 * ends it); each decoded field is cut to PP_AN_MAX_FIELD bytes; at most PP_AN_MAX_ITEMS
 * validation items are kept (the rest are counted in `more`). Decoding never fails on bad
 * input: what does not parse is simply absent.
 *
 * Ownership: every char * in a pp_anatomy or pp_an_guide is malloc'd and owned by it; free
 * with pp_anatomy_free / pp_an_guide_free.
 */
#ifndef PP_ADVISOR_ANATOMY_H
#define PP_ADVISOR_ANATOMY_H

#include <jansson.h>
#include <stddef.h>

#include "advisor/event.h"
#include "engine/base/status.h"

#define PP_AN_MAX_INPUT (16u << 10)
#define PP_AN_MAX_FIELD 1024
#define PP_AN_MAX_ITEMS 16

/* Why IAM refused. Stable names via pp_an_reason_name. */
typedef enum pp_an_reason {
    PP_AN_REASON_UNKNOWN = 0,
    PP_AN_NO_IDENTITY_POLICY,            /* "because no identity-based policy allows" */
    PP_AN_NO_RESOURCE_POLICY,            /* "because no resource-based policy allows" */
    PP_AN_NO_BOUNDARY,                   /* "because no permissions boundary allows" */
    PP_AN_NO_SESSION_POLICY,             /* "because no session policy allows" */
    PP_AN_NO_VPCE_POLICY,                /* "because no VPC endpoint policy allows" */
    PP_AN_DENY_SCP,                      /* "with an explicit deny in a service control policy" */
    PP_AN_DENY_RCP,                      /* "… in a resource control policy" */
    PP_AN_DENY_BOUNDARY,                 /* "… in a permissions boundary" */
    PP_AN_DENY_RESOURCE_POLICY,          /* "… in a resource-based policy" */
    PP_AN_DENY_SESSION_POLICY,           /* "… in a session policy" */
    PP_AN_DENY_IDENTITY_POLICY,          /* "… in an identity-based policy" */
    PP_AN_DENY_VPCE_POLICY               /* "… in a VPC endpoint policy" */
} pp_an_reason;

/* The failure's shape; a message may have several (a bit each), `kind` is the leading one. */
typedef enum pp_an_kind {
    PP_AN_NONE = 0,
    PP_AN_NOT_AUTHORIZED = 1 << 0,
    PP_AN_PROPERTIES = 1 << 1,           /* Properties validation failed … #/Path */
    PP_AN_VALIDATION = 1 << 2,           /* Value 'v' at 'field' failed to satisfy constraint */
    PP_AN_INVALID_COMBINATION = 1 << 3,
    PP_AN_ALREADY_EXISTS = 1 << 4,
    PP_AN_NOT_FOUND = 1 << 5,
    PP_AN_THROTTLING = 1 << 6,
    PP_AN_LIMIT = 1 << 7,
    PP_AN_TIMEOUT = 1 << 8,
    PP_AN_CONTAINER_EXIT = 1 << 9,       /* exit code or "Essential container in task exited" */
    PP_AN_ECS_STOP = 1 << 10             /* an ECS stop code or stopped-reason error type */
} pp_an_kind;

typedef enum pp_an_problem {
    PP_AN_P_OTHER = 0,
    PP_AN_P_EXTRANEOUS_KEY,
    PP_AN_P_REQUIRED_KEY,
    PP_AN_P_EXPECTED_TYPE,
    PP_AN_P_ENUM,
    PP_AN_P_PATTERN
} pp_an_problem;

typedef struct pp_an_violation {         /* Value 'value' at 'field' failed … constraint;
                                            value is NULL for "Value at 'field'" */
    char *value, *field, *constraint;
} pp_an_violation;

typedef struct pp_an_prop {              /* one "#/Path: …" of Properties validation */
    char *path;                          /* JSON pointer inside Properties ("" = Properties) */
    pp_an_problem problem;
    char *key, *expected, *found;        /* NULL when the problem has none */
    char *text;                          /* the problem as written */
} pp_an_prop;

typedef struct pp_anatomy {
    unsigned kinds;                      /* pp_an_kind bits */
    pp_an_kind kind;                     /* the leading shape, PP_AN_NONE when none */
    /* handler wrapper */
    int wrapped;
    int truncated;                       /* the wrapper's tail (token, code, quote) is cut off */
    char *inner;                         /* the quoted message */
    char *handler_error_code;
    char *request_token;
    /* service suffix (or a bare "Error Code: X" / "XxxException:" in the text) */
    char *service, *status_code, *error_code, *request_id;
    char *detail;                        /* the service's message without wrapper and suffix */
    /* not authorized */
    char *principal, *action, *resource;
    char *policy;                        /* the deciding policy's ARN when the message names it */
    pp_an_reason reason;
    int encoded_message;                 /* "Encoded authorization failure message" present */
    /* validation */
    pp_an_violation viol[PP_AN_MAX_ITEMS];
    size_t nviol;
    long declared;                       /* N of "N validation errors detected", else -1 */
    /* properties validation */
    char *prop_resource;
    pp_an_prop prop[PP_AN_MAX_ITEMS];
    size_t nprop;
    size_t more;                         /* items past PP_AN_MAX_ITEMS */
    /* generic shapes */
    char *subject;                       /* the name that was not found / exists / the limit */
    char *marker;                        /* the word that marked the shape ("NoSuchBucket") */
    /* ECS */
    char *stop_code;                     /* TaskFailedToStart, EssentialContainerExited, … */
    char *ecs_error;                     /* CannotPullContainerError, … (the error type) */
    int exit_code;                       /* -1 when none */
    int essential_exited;
} pp_anatomy;

/* Decodes text[0..len) (need not be NUL-terminated; a NUL ends it). Returns PP_OK with *a
 * filled (free with pp_anatomy_free even when nothing was decoded), PP_E_NOMEM (a is freed
 * and left empty). text may be NULL. */
pp_status pp_anatomy_decode(const char *text, size_t len, pp_anatomy *a);
void pp_anatomy_free(pp_anatomy *a);   /* NULL is a no-op; a may be decoded again after */

/* text[0..len) with console line wrapping undone (a line break and the indentation after it
 * become one space, or nothing where the break cut a token), tabs as spaces, at most
 * PP_AN_MAX_INPUT bytes: the working text of the decoders, also worth a second KB match.
 * malloc'd (caller frees), NULL on NOMEM. */
char *pp_anatomy_unwrap(const char *text, size_t len);

/* Takes what the event knows beside its text: its stop code and exit code, when the text did
 * not carry them. ev may be NULL. Returns PP_OK or PP_E_NOMEM. */
pp_status pp_anatomy_add_event(pp_anatomy *a, const pp_event *ev);

/* 1 when something was decoded (a shape, the wrapper or the suffix). */
int pp_anatomy_any(const pp_anatomy *a);

const char *pp_an_reason_name(pp_an_reason r);   /* "no_identity_policy", …, "unknown" */
const char *pp_an_kind_name(pp_an_kind k);       /* "not_authorized", …, "none" */
const char *pp_an_problem_name(pp_an_problem p); /* "extraneous_key", …, "other" */
/* What a container exit code usually means, or NULL for a negative code. Static text. */
const char *pp_an_exit_meaning(int code);

/* The decoded fields as a JSON object (new reference; NULL on NOMEM); only what was found:
 * {"kind", "kinds": [...], "handler": {message, error_code, request_token, truncated},
 *  "service": {name, status_code, error_code, request_id}, "detail",
 *  "not_authorized": {principal, action, resource, policy, reason, encoded_message},
 *  "validation": {declared, items: [{value, field, constraint}]},
 *  "properties": {resource, problems: [{path, problem, key, expected, found, text}]},
 *  "subject", "marker", "ecs": {stop_code, error, exit_code, exit_meaning,
 *  essential_container_exited}, "more_items"}. */
json_t *pp_anatomy_json(const pp_anatomy *a);

/* One line of the decoded fields for text and Markdown ("not authorized · action ecs:X · …"),
 * malloc'd (caller frees), NULL when nothing was decoded or on NOMEM. Untrusted text is
 * copied as is: the renderer escapes it for its medium. */
char *pp_anatomy_summary(const pp_anatomy *a);

/* Guidance built from decoded fields. */
typedef struct pp_an_guide {
    char *title;
    char *explanation;
    char **fix;                          /* NULL-terminated, owned */
    size_t nfix;
    char **commands;                     /* shell commands, values shell-quoted; owned */
    size_t ncmd;
    const char *link;                    /* static, may be NULL */
    const char *confidence;              /* "medium" (specific fields) or "low" (shape only) */
    const char *kind;                    /* pp_an_kind_name of the shape it speaks of */
} pp_an_guide;

/* Builds guidance for a (with ev's logical id and stack, ev may be NULL). PP_OK with *g
 * filled; PP_E_NOTFOUND when a has no shape to speak of (*g empty); PP_E_NOMEM. Caller frees
 * with pp_an_guide_free. */
pp_status pp_anatomy_guide(const pp_anatomy *a, const pp_event *ev, pp_an_guide *g);
void pp_an_guide_free(pp_an_guide *g);   /* NULL is a no-op */

/* A validation field ("networkConfiguration.awsvpcConfiguration.subnets", "rules[0].name",
 * "roleArn") as a JSON pointer of property names in the API's case
 * ("/networkConfiguration/awsvpcConfiguration/subnets", "/rules/0/name"). malloc'd, NULL on
 * NOMEM or when field is empty or too long. */
char *pp_an_field_pointer(const char *field);

#endif
