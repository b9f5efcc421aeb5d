/* anatomy_guide.c — generic guidance from decoded fields (pp_anatomy_guide in anatomy.h).
 *
 * Used by explain.c when no specific KB entry matches a root cause, or only a broad one does:
 * the title and the fix steps name what the message named (principal, action, resource,
 * property path, value, constraint), and every suggested command has its values shell-quoted.
 * Confidence is "medium" when the fields that make the advice specific were decoded (a
 * not-authorized message with its action, a validation message with its field or path), else
 * "low": the shape alone.
 */
#include "advisor/anatomy.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

#define MAX_STEPS 12

typedef struct gb {
    pp_an_guide *g;
    int nomem;
} gb;

static void add(gb *b, char ***list, size_t *n, char *s)
{
    if (!s) {
        b->nomem = 1;
        return;
    }
    if (*n >= MAX_STEPS) {
        free(s);
        return;
    }
    char **nl = realloc(*list, (*n + 2) * sizeof *nl);
    if (!nl) {
        free(s);
        b->nomem = 1;
        return;
    }
    nl[(*n)++] = s;
    nl[*n] = NULL;
    *list = nl;
}

static void step(gb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(gb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = pp_vasprintf(fmt, ap);
    va_end(ap);
    add(b, &b->g->fix, &b->g->nfix, s);
}

/* Marks the next argument of command() as a value to shell-quote. */
static const char VAL[] = "";

/* A command from literal pieces; a piece VAL makes the piece after it a value, shell-quoted.
 * The list ends with NULL. */
static void command(gb *b, ...)
{
    va_list ap;
    va_start(ap, b);
    pp_buf c;
    pp_buf_init(&c, 16u << 10);
    const char *w;
    int first = 1;
    while ((w = va_arg(ap, const char *))) {
        int quote = w == VAL;
        if (quote && !(w = va_arg(ap, const char *)))
            break;
        if (!first)
            pp_buf_puts(&c, " ");
        first = 0;
        if (quote)
            pp_shell_quote(&c, w);
        else
            pp_buf_puts(&c, w);
    }
    va_end(ap);
    add(b, &b->g->commands, &b->g->ncmd, pp_buf_steal(&c));
}

static void title(gb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void title(gb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(b->g->title);
    b->g->title = pp_vasprintf(fmt, ap);
    va_end(ap);
    if (!b->g->title)
        b->nomem = 1;
}

/* ---- principals ---------------------------------------------------------------------------- */

typedef struct principal {
    char kind[16];         /* "role", "user", "principal" */
    char name[256];        /* role or user name, else the principal as given */
    char iam_arn[600];     /* the role or user ARN (an assumed-role session → its role) */
    char account[16];
} principal;

static void parse_principal(const char *p, principal *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->kind, sizeof out->kind, "principal");
    snprintf(out->name, sizeof out->name, "%s", p ? p : "the caller");
    if (!p || strncmp(p, "arn:", 4) != 0)
        return;
    const char *f[6] = {0};
    const char *q = p;
    for (int i = 0; i < 6 && q; i++) {
        f[i] = q;
        q = i < 5 ? strchr(q, ':') : NULL;
        if (q)
            q++;
    }
    if (!f[5])
        return;
    int part = (int)(f[2] - f[1] - 1), acct = (int)(f[5] - f[4] - 1);
    if (acct > 0 && acct < (int)sizeof out->account)
        snprintf(out->account, sizeof out->account, "%.*s", acct, f[4]);
    const char *res = f[5];
    if (strncmp(res, "assumed-role/", 13) == 0) {
        const char *r = res + 13;
        size_t n = strcspn(r, "/");
        snprintf(out->kind, sizeof out->kind, "role");
        snprintf(out->name, sizeof out->name, "%.*s", (int)n, r);
        snprintf(out->iam_arn, sizeof out->iam_arn, "arn:%.*s:iam::%s:role/%.*s", part, f[1],
                 out->account, (int)n, r);
    } else if (strncmp(res, "role/", 5) == 0 || strncmp(res, "user/", 5) == 0) {
        const char *last = strrchr(res, '/');
        snprintf(out->kind, sizeof out->kind, "%.4s", res);
        snprintf(out->name, sizeof out->name, "%s", last + 1);
        snprintf(out->iam_arn, sizeof out->iam_arn, "%s", p);
    }
}

/* AccessDenied whose message names no action: where to find it (CloudTrail, the encoded
 * authorization message), low confidence. */
static void denied_unknown_action(gb *b, const pp_anatomy *a, const principal *pr)
{
    title(b, "%s%s was denied access", strcmp(pr->kind, "principal") ? "The " : "",
          a->principal ? a->principal : "The caller");
    step(b, "The message does not say which action was denied: find the refused call in "
            "CloudTrail (Event history, filter on the error code %s) to learn the action "
            "and the principal.",
         a->error_code ? a->error_code : "AccessDenied");
    if (a->encoded_message)
        step(b, "Decode the encoded authorization message of the event with aws sts "
                "decode-authorization-message: it names the action, the resource and the "
                "statement that decided.");
    step(b, "Then allow that action to that principal, or remove the Deny that matches it.");
    b->g->confidence = "low";
}

/* The commands that close an AccessDenied guide: for a missing grant, the put-*-policy that
 * adds it (only when the action and resource cannot break the JSON document), and the
 * simulate-principal-policy that checks the fix. */
static void denied_commands(gb *b, const pp_anatomy *a, const principal *pr, const char *act,
                            const char *res)
{
    /* commands that take the decoded values */
    if (a->reason == PP_AN_NO_IDENTITY_POLICY || a->reason == PP_AN_REASON_UNKNOWN) {
        char *doc = pp_asprintf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                                "\"Allow\",\"Action\":\"%s\",\"Resource\":\"%s\"}]}",
                                act, res);
        if (!doc) {
            b->nomem = 1;
            return;
        }
        /* JSON inside: the values must not break the document */
        int clean = strpbrk(act, "\"\\") == NULL && strpbrk(res, "\"\\") == NULL;
        if (clean && (!strcmp(pr->kind, "role") || !strcmp(pr->kind, "user")))
            command(b, !strcmp(pr->kind, "role") ? "aws iam put-role-policy --role-name"
                                                 : "aws iam put-user-policy --user-name",
                    VAL, pr->name, "--policy-name parapet-allow --policy-document", VAL, doc,
                    NULL);
        free(doc);
    }
    if (pr->iam_arn[0])
        command(b, "aws iam simulate-principal-policy --policy-source-arn", VAL, pr->iam_arn,
                "--action-names", VAL, act, "--resource-arns", VAL, res, NULL);
}

static void not_authorized(gb *b, const pp_anatomy *a)
{
    principal pr;
    parse_principal(a->principal, &pr);
    const char *act = a->action, *res = a->resource ? a->resource : "*";
    const char *who = pr.name;
    b->g->link = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html";
    if (!act) {
        denied_unknown_action(b, a, &pr);
        return;
    }
    b->g->confidence = "medium";
    const char *mid = strcmp(pr.kind, "principal") ? pr.kind : "principal";
    switch (a->reason) {
    case PP_AN_DENY_SCP:
    case PP_AN_DENY_RCP: {
        const char *pol = a->reason == PP_AN_DENY_SCP ? "service control policy (SCP)"
                                                      : "resource control policy (RCP)";
        title(b, "An AWS Organizations %s denies %s to the %s %s", pol, act, mid, who);
        step(b, "A %s of the organization denies %s on %s in this account. It cannot be fixed "
                "by editing %s's own policies: an Allow never overrides an explicit Deny.",
             pol, act, res, who);
        step(b, "Ask whoever owns the organization's policies (the management account, usually "
                "the platform or security team) for an exception for %s, or deploy where the "
                "policy allows %s (another account, OU or region).",
             pr.iam_arn[0] ? pr.iam_arn : who, act);
        if (pr.account[0])
            command(b, "aws organizations list-policies-for-target --target-id", VAL,
                    pr.account, "--filter",
                    a->reason == PP_AN_DENY_SCP ? "SERVICE_CONTROL_POLICY"
                                                : "RESOURCE_CONTROL_POLICY",
                    "  # in the organization's management account", NULL);
        break;
    }
    case PP_AN_DENY_BOUNDARY:
    case PP_AN_NO_BOUNDARY:
        title(b, "The permissions boundary of the %s %s %s %s", mid, who,
              a->reason == PP_AN_DENY_BOUNDARY ? "denies" : "does not allow", act);
        step(b, "%s has a permissions boundary that %s %s on %s; its identity policies cannot "
                "grant more than the boundary allows.",
             who, a->reason == PP_AN_DENY_BOUNDARY ? "explicitly denies" : "does not include",
             act, res);
        step(b, "Have the owner of the boundary policy add %s (on %s) to it, or use a %s whose "
                "boundary allows it.",
             act, res, mid);
        if (!strcmp(pr.kind, "role"))
            command(b, "aws iam get-role --role-name", VAL, pr.name,
                    "--query Role.PermissionsBoundary", NULL);
        break;
    case PP_AN_DENY_RESOURCE_POLICY:
    case PP_AN_NO_RESOURCE_POLICY:
        title(b, "The policy of %s %s %s to %s", res,
              a->reason == PP_AN_DENY_RESOURCE_POLICY ? "denies" : "does not allow", act, who);
        step(b, "The resource's own policy (bucket, key, queue, secret or repository policy) on "
                "%s %s %s for %s.",
             res, a->reason == PP_AN_DENY_RESOURCE_POLICY ? "has a Deny that matches"
                                                          : "does not allow",
             act, a->principal ? a->principal : who);
        step(b, "%s",
             a->reason == PP_AN_DENY_RESOURCE_POLICY
                 ? "Narrow or remove that Deny statement (its conditions: source VPC, "
                   "organization, principal), or call from a principal it does not deny."
                 : "Add an Allow for the principal to the resource policy; across accounts both "
                   "the resource policy and the caller's identity policy must allow it.");
        break;
    case PP_AN_DENY_SESSION_POLICY:
    case PP_AN_NO_SESSION_POLICY:
        title(b, "The session policy of %s %s %s", who,
              a->reason == PP_AN_DENY_SESSION_POLICY ? "denies" : "does not allow", act);
        step(b, "The session was started with a session policy (AssumeRole --policy or "
                "--policy-arns, a federation or SSO session) that %s %s on %s; the role's own "
                "policies are not the problem.",
             a->reason == PP_AN_DENY_SESSION_POLICY ? "denies" : "does not include", act, res);
        step(b, "Start the session without that session policy, or add %s to it.", act);
        break;
    case PP_AN_DENY_VPCE_POLICY:
    case PP_AN_NO_VPCE_POLICY:
        title(b, "A VPC endpoint policy %s %s",
              a->reason == PP_AN_DENY_VPCE_POLICY ? "denies" : "does not allow", act);
        step(b, "The call went through a VPC endpoint whose policy %s %s on %s: change the "
                "endpoint's policy (aws ec2 modify-vpc-endpoint --policy-document).",
             a->reason == PP_AN_DENY_VPCE_POLICY ? "denies" : "does not allow", act, res);
        break;
    case PP_AN_DENY_IDENTITY_POLICY:
        title(b, "A Deny in a policy of the %s %s matches %s", mid, who, act);
        step(b, "A policy attached to %s (or to its group) has a Deny statement that matches %s "
                "on %s: remove or narrow that Deny; adding an Allow does not help.",
             who, act, res);
        break;
    case PP_AN_NO_IDENTITY_POLICY:
    default:
        title(b, "The %s %s lacks %s on %s", mid, who, act, res);
        if (a->reason == PP_AN_NO_IDENTITY_POLICY)
            step(b, "No identity-based policy of %s allows %s on %s: nothing denies it, it is "
                    "simply not granted.",
                 a->principal ? a->principal : who, act, res);
        else
            step(b, "%s is not allowed %s on %s; the message does not say which policy decided "
                    "(check identity policies, then any SCP, boundary or resource policy).",
                 a->principal ? a->principal : who, act, res);
        step(b, "Add an Allow for %s on %s to %s's policy (for CloudFormation: the stack's "
                "service role if it has one, else the identity that deploys).",
             act, res, who);
        break;
    }
    if (a->encoded_message)
        step(b, "The event carries an encoded authorization message: decode it with aws sts "
                "decode-authorization-message --encoded-message '<the encoded message>' to see "
                "the statement that decided.");
    denied_commands(b, a, &pr, act, res);
}

/* ---- validation ---------------------------------------------------------------------------- */

static const char *type_word(const char *t)
{
    if (!t)
        return "?";
    if (!strcmp(t, "JSONArray"))
        return "list";
    if (!strcmp(t, "JSONObject"))
        return "map (object)";
    if (!strcmp(t, "String"))
        return "string";
    if (!strcmp(t, "Integer") || !strcmp(t, "Number"))
        return "number";
    if (!strcmp(t, "Boolean"))
        return "boolean";
    return t;
}

static void properties(gb *b, const pp_anatomy *a, const char *lid)
{
    const char *r = a->prop_resource ? a->prop_resource : lid ? lid : "the resource";
    b->g->link = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
                 "aws-template-resource-type-ref.html";
    if (!a->nprop) {
        title(b, "The properties of %s do not fit the resource type's schema", r);
        step(b, "Compare the properties of %s with the resource type's reference (names, nesting, "
                "types, required properties).", r);
        b->g->confidence = "low";
        return;
    }
    b->g->confidence = "medium";
    for (size_t i = 0; i < a->nprop; i++) {
        const pp_an_prop *x = &a->prop[i];
        const char *path = x->path && *x->path ? x->path : "";
        char where[600];
        snprintf(where, sizeof where, "%s%s", *path ? "Properties" : "Properties (top level)",
                 path);
        const char *t = NULL;
        switch (x->problem) {
        case PP_AN_P_EXTRANEOUS_KEY:
            step(b, "Remove or rename %s under %s of %s: the resource type has no such property "
                    "there (check its spelling and nesting level).",
                 x->key, where, r);
            t = "has a property the type does not know";
            break;
        case PP_AN_P_REQUIRED_KEY:
            step(b, "Add the required property %s under %s of %s.", x->key, where, r);
            t = "lacks a required property";
            break;
        case PP_AN_P_EXPECTED_TYPE:
            step(b, "%s of %s must be a %s, not a %s%s.", where, r, type_word(x->expected),
                 type_word(x->found),
                 x->expected && !strcmp(x->expected, "JSONArray")
                     ? " (wrap a single value in a list)"
                     : "");
            t = "has a value of the wrong type";
            break;
        case PP_AN_P_ENUM:
            step(b, "%s of %s is not one of the values the type allows: use one listed in the "
                    "resource type's reference.",
                 where, r);
            t = "has a value outside the allowed set";
            break;
        case PP_AN_P_PATTERN:
            step(b, "%s of %s%s%s%s does not match the required pattern%s%s.", where, r,
                 x->found ? " ('" : "", x->found ? x->found : "", x->found ? "')" : "",
                 x->expected ? " " : "", x->expected ? x->expected : "");
            t = "has a value that breaks the pattern";
            break;
        default:
            step(b, "%s of %s: %s", where, r, x->text ? x->text : "fails the schema");
            t = "does not fit the schema";
            break;
        }
        if (i == 0)
            title(b, "%s: %s %s%s", r, where, t, a->nprop > 1 ? " (and more)" : "");
    }
    if (a->more)
        step(b, "… and %zu more problems in the message.", a->more);
}

static void validation(gb *b, const pp_anatomy *a, const char *lid)
{
    b->g->confidence = "medium";
    for (size_t i = 0; i < a->nviol; i++) {
        const pp_an_violation *v = &a->viol[i];
        char *ptr = pp_an_field_pointer(v->field);
        step(b, "Change %s%s%s%s: it must satisfy: %s.%s%s%s%s%s", v->field,
             v->value ? " (now '" : "", v->value ? v->value : "", v->value ? "')" : "",
             v->constraint && *v->constraint ? v->constraint : "the API's constraint",
             ptr ? " In the template this is the property " : "", ptr ? ptr + 1 : "",
             ptr && lid ? " of " : "", ptr && lid ? lid : "", ptr ? "." : "");
        free(ptr);
    }
    const pp_an_violation *v = &a->viol[0];
    title(b, "%s%s%s%s breaks a constraint: %s%s", v->field, v->value ? " = '" : "",
          v->value ? v->value : "", v->value ? "'" : "",
          v->constraint && *v->constraint ? v->constraint : "(not given)",
          a->nviol > 1 ? " (and more)" : "");
}

/* ---- the generic shapes -------------------------------------------------------------------- */

static void shape(gb *b, const pp_anatomy *a, const pp_event *ev)
{
    const char *lid = ev && ev->logical_id ? ev->logical_id : "the resource";
    const char *what = a->subject ? a->subject : a->marker;
    const char *svc = a->service ? a->service : NULL;
    b->g->confidence = "low";
    switch (a->kind) {
    case PP_AN_INVALID_COMBINATION:
        title(b, "%s uses properties that cannot be combined", lid);
        step(b, "The service refused a combination of values%s%s: %s", svc ? " of " : "",
             svc ? svc : "", a->detail ? a->detail : "see the message");
        step(b, "Change one of the conflicting properties of %s (engine and version, instance "
                "class and storage, launch type and network mode, …).", lid);
        break;
    case PP_AN_ALREADY_EXISTS:
        title(b, "Something %s creates already exists%s%s", lid, what ? ": " : "",
              what ? what : "");
        step(b, "%s%s already exists in this account and region (made by hand, by another stack, "
                "or kept by a Retain policy).",
             what ? what : "The name", "");
        step(b, "Reuse it, delete or rename the existing one, import it into the stack, or drop "
                "the fixed name from the template so CloudFormation generates one.");
        if (ev && ev->resource_type && what) {
            command(b, "aws cloudformation describe-stack-resources --physical-resource-id", VAL,
                    what, NULL);
        }
        break;
    case PP_AN_NOT_FOUND:
        title(b, "Something %s refers to does not exist%s%s", lid, what ? ": " : "",
              what ? what : "");
        step(b, "Check that %s exists in this account and region%s%s%s.",
             what ? what : "what the message names", a->error_code ? " (error " : "",
             a->error_code ? a->error_code : "", a->error_code ? ")" : "");
        step(b, "If the template passes it (a parameter, a Ref, an ImportValue, a hard-coded id), "
                "correct the value; if it was deleted outside CloudFormation, recreate it or "
                "remove the reference.");
        break;
    case PP_AN_THROTTLING:
        title(b, "%s was throttled by the AWS API", lid);
        step(b, "The request rate was exceeded; this is usually transient: retry the deployment.");
        step(b, "If it repeats, deploy fewer resources of this kind at once (DependsOn chains, "
                "smaller stacks) or ask for a higher API rate quota.");
        break;
    case PP_AN_LIMIT:
        title(b, "A limit was reached%s%s", what ? ": " : "", what ? what : "");
        step(b, "%s%s%s: find the quota in Service Quotas and check whether it is adjustable; "
                "many limits are fixed, and then only using fewer resources helps.",
             "The service refused to create more", what ? " of " : "", what ? what : "");
        command(b, "aws service-quotas list-service-quotas --service-code <service>", NULL);
        break;
    case PP_AN_TIMEOUT:
        title(b, "%s did not reach a stable state in time", lid);
        step(b, "The resource was created or updated but never became ready; its own events or "
                "logs say why (for ECS services: the stopped tasks).");
        if (ev && ev->stack) {
            command(b, "aws cloudformation describe-stack-events --stack-name", VAL, ev->stack,
                    NULL);
        }
        break;
    case PP_AN_CONTAINER_EXIT:
        if (a->exit_code >= 0) {
            title(b, "The container exited with code %d: %s", a->exit_code,
                  pp_an_exit_meaning(a->exit_code));
            step(b, "Exit code %d usually means: %s.", a->exit_code,
                 pp_an_exit_meaning(a->exit_code));
        } else {
            title(b, "An essential container exited and stopped the task");
        }
        step(b, "Read the container's last log lines (CloudWatch Logs) and the task's stopped "
                "reason: aws ecs describe-tasks shows each container's exit code and reason.");
        break;
    case PP_AN_ECS_STOP:
        title(b, "The ECS task stopped%s%s", a->stop_code || a->ecs_error ? ": " : "",
              a->ecs_error ? a->ecs_error : a->stop_code ? a->stop_code : "");
        step(b, "Read the task's stopped reason and each container's reason (aws ecs "
                "describe-tasks); %s", a->stop_code && !strcmp(a->stop_code, "SpotInterruption")
                                           ? "a Spot interruption is not a failure of the task: "
                                             "keep some on-demand capacity."
                                           : "the error type names the phase that failed "
                                             "(pull, secrets, start, run).");
        break;
    default:
        break;
    }
}

pp_status pp_anatomy_guide(const pp_anatomy *a, const pp_event *ev, pp_an_guide *g)
{
    memset(g, 0, sizeof *g);
    if (a->kind == PP_AN_NONE)
        return PP_E_NOTFOUND;
    gb b = {.g = g, .nomem = 0};
    g->kind = pp_an_kind_name(a->kind);
    const char *lid = ev ? ev->logical_id : NULL;
    switch (a->kind) {
    case PP_AN_NOT_AUTHORIZED:
        not_authorized(&b, a);
        break;
    case PP_AN_PROPERTIES:
        properties(&b, a, lid);
        break;
    case PP_AN_VALIDATION:
        validation(&b, a, lid);
        break;
    default:
        shape(&b, a, ev);
        break;
    }
    if (!b.nomem) {
        pp_buf e;
        pp_buf_init(&e, 32u << 10);
        pp_buf_printf(&e, "Parapet has no specific entry for this failure; this is read from the "
                          "message's own structure (%s).", g->kind);
        if (a->service || a->error_code)
            pp_buf_printf(&e, " The service%s%s answered%s%s%s%s.", a->service ? " " : "",
                          a->service ? a->service : "", a->status_code ? " with status " : "",
                          a->status_code ? a->status_code : "",
                          a->error_code ? ", error code " : "",
                          a->error_code ? a->error_code : "");
        if (a->request_id)
            pp_buf_printf(&e, " Request ID %s (quote it to AWS Support).", a->request_id);
        g->explanation = pp_buf_steal(&e);
        if (!g->explanation)
            b.nomem = 1;
    }
    if (!b.nomem && !g->title)
        title(&b, "The failure's shape is %s", g->kind);
    if (!b.nomem && !g->nfix)
        step(&b, "Read the message above; the decoded fields are listed with it.");
    if (b.nomem) {
        pp_an_guide_free(g);
        return PP_E_NOMEM;
    }
    if (!g->confidence)
        g->confidence = "low";
    return PP_OK;
}

void pp_an_guide_free(pp_an_guide *g)
{
    if (!g)
        return;
    free(g->title);
    free(g->explanation);
    for (size_t i = 0; i < g->nfix; i++)
        free(g->fix[i]);
    free(g->fix);
    for (size_t i = 0; i < g->ncmd; i++)
        free(g->commands[i]);
    free(g->commands);
    memset(g, 0, sizeof *g);
}
