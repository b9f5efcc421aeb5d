/* anatomy.c — the decoder of AWS failure grammars and its JSON rendering (see anatomy.h).
 * This file: the working string, the handler wrapper, the service suffix, the generic shapes
 * and the entry points; the not-authorized grammars are in anatomy_iam.c, validation in
 * anatomy_valid.c, names and JSON in anatomy_json.c (anatomy_int.h). Guidance built from the
 * fields lives in anatomy_guide.c.
 *
 * The input is first copied into a bounded, NUL-terminated working string with console line
 * wrapping undone, so every grammar below scans a C string it owns and can never read past
 * the caller's buffer. Each grammar looks for its fixed wording and takes the variable parts
 * between delimiters; a part whose delimiter is missing (a cut-off message) is left absent.
 */
#include "advisor/anatomy.h"
#include "advisor/anatomy_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/json_write.h"
#include "engine/base/utf8.h"
#include "engine/base/util.h"


/* s[0..n) trimmed of blanks, cut to PP_AN_MAX_FIELD at a UTF-8 boundary, as a new string. */
char *pp_an_take(pp_an_dec *d, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n > PP_AN_MAX_FIELD) {
        n = PP_AN_MAX_FIELD;
        n = pp_utf8_cut(s, n);
    }
    char *o = malloc(n + 1);
    if (!o) {
        d->nomem = 1;
        return NULL;
    }
    memcpy(o, s, n);
    o[n] = '\0';
    return o;
}

void pp_an_set(pp_an_dec *d, char **field, const char *s, size_t n)
{
    if (*field || !n)
        return;
    *field = pp_an_take(d, s, n);
}

int pp_an_starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Last occurrence of needle in hay, or NULL. */
const char *pp_an_rfind(const char *hay, const char *needle)
{
    const char *last = NULL;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        last = p;
    return last;
}

size_t pp_an_span_of(const char *s, const char *accept_extra)
{
    size_t n = 0;
    while (s[n] && (isalnum((unsigned char)s[n]) || strchr(accept_extra, s[n])))
        n++;
    return n;
}

/* Undoes console wrapping: a line break and the indentation after it become one space, or
 * nothing when the break cut a token (the next line starts with punctuation, or the line
 * ended with '-'). Tabs become spaces. At most PP_AN_MAX_INPUT bytes. */
char *pp_anatomy_unwrap(const char *text, size_t len)
{
    if (len > PP_AN_MAX_INPUT) {
        len = PP_AN_MAX_INPUT;
        len = pp_utf8_cut(text, len);
    }
    char *o = malloc(len + 1);
    if (!o)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len && text[i]; i++) {
        char c = text[i];
        if (c == '\r' || c == '\n') {
            size_t j = i;
            while (j < len && (text[j] == '\r' || text[j] == '\n' || text[j] == ' ' ||
                               text[j] == '\t'))
                j++;
            char next = j < len ? text[j] : '\0';
            char prev = n ? o[n - 1] : '\0';
            int glue = (next && strchr("-,.;:)]\"'", next)) || prev == '-';
            if (!glue && n && prev != ' ' && next)
                o[n++] = ' ';
            i = j - 1;
            continue;
        }
        o[n++] = c == '\t' ? ' ' : c;
    }
    o[n] = '\0';
    return o;
}

/* ---- the handler wrapper ------------------------------------------------------------------- */

static const char WRAP[] = "Resource handler returned message:";

/* Returns the message the rest of the decoders read: the wrapper's inner text, or s. */
static const char *wrapper(pp_an_dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    const char *w = strstr(s, WRAP);
    if (!w)
        return s;
    const char *p = w + sizeof WRAP - 1;
    while (*p == ' ')
        p++;
    int quoted = *p == '"';
    if (quoted)
        p++;
    a->wrapped = 1;
    const char *rt = pp_an_rfind(p, "RequestToken:");
    const char *hec = pp_an_rfind(p, "HandlerErrorCode:");
    const char *end = rt ? rt : hec;
    if (end) {
        while (end > p && (end[-1] == '(' || end[-1] == ' ' || end[-1] == ','))
            end--;
    } else {
        end = p + strlen(p);
        /* a tail cut inside "(RequestToken": drop the partial "(Req…" */
        const char *par = strrchr(p, '(');
        if (par && par[1] && strncmp(par + 1, "RequestToken:", strlen(par + 1)) == 0)
            end = par;
        while (end > p && end[-1] == ' ')
            end--;
    }
    if (end > p && end[-1] == '"')
        end--;
    else if (quoted)
        a->truncated = 1;
    pp_an_set(d, &a->inner, p, (size_t)(end - p));
    int closed = 0;
    if (rt) {
        const char *q = rt + strlen("RequestToken:");
        while (*q == ' ')
            q++;
        pp_an_set(d, &a->request_token, q, pp_an_span_of(q, "-"));
    }
    if (hec) {
        const char *q = hec + strlen("HandlerErrorCode:");
        while (*q == ' ')
            q++;
        size_t n = pp_an_span_of(q, "");
        pp_an_set(d, &a->handler_error_code, q, n);
        closed = q[n] == ')';
    }
    if (!rt || !hec || !closed)
        a->truncated = 1;
    return a->inner ? a->inner : s;
}

/* ---- the service suffix -------------------------------------------------------------------- */

/* Parses "Service: S; Status Code: N; Error Code: E; Request ID: R; Proxy: null" (';' or ','
 * between pairs) from p; returns 1 when a Service pair was read. */
static int suffix_pairs(pp_an_dec *d, const char *p)
{
    pp_anatomy *a = d->a;
    int seen = 0;
    for (int k = 0; k < 12 && *p && *p != ')'; k++) {
        while (*p == ' ' || *p == ';' || *p == ',')
            p++;
        const char *colon = strchr(p, ':');
        if (!colon || colon - p > 40)
            break;
        const char *v = colon + 1;
        size_t vn = strcspn(v, ";,)");
        size_t kn = (size_t)(colon - p);
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(p, s, kn) == 0)
        if (KEY("Service")) {
            pp_an_set(d, &a->service, v, vn);
            seen = 1;
        } else if (KEY("Status Code")) {
            pp_an_set(d, &a->status_code, v, vn);
        } else if (KEY("Error Code")) {
            pp_an_set(d, &a->error_code, v, vn);
        } else if (KEY("Request ID")) {
            pp_an_set(d, &a->request_id, v, vn);
        }
#undef KEY
        p = v + vn;
    }
    return seen;
}

static void suffix(pp_an_dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    const char *start = pp_an_rfind(s, "(Service: ");
    const char *pairs = start ? start + 1 : NULL;
    if (!start) {
        /* SDK v2: "… Service: S3, Status Code: 403, Request ID: …" */
        for (const char *p = s; (p = strstr(p, "Service: ")); p++) {
            if ((p == s || p[-1] == ' ') && strstr(p, "Status Code:") &&
                strstr(p, "Status Code:") - p < 80)
                start = pairs = p;
        }
    }
    if (start && suffix_pairs(d, pairs)) {
        const char *e = start;
        while (e > s && (e[-1] == ' ' || e[-1] == ','))
            e--;
        pp_an_set(d, &a->detail, s, (size_t)(e - s));
    }
    if (!a->error_code) {
        /* "EC2 Error Code: InvalidGroup.NotFound", "S3 Error Code: NoSuchKey" */
        const char *ec = strstr(s, "Error Code: ");
        if (ec) {
            size_t n = pp_an_span_of(ec + 12, "._");
            while (n && ec[12 + n - 1] == '.')
                n--;
            pp_an_set(d, &a->error_code, ec + 12, n);
        }
    }
    if (!a->detail && (a->wrapped || a->service))
        pp_an_set(d, &a->detail, s, strlen(s));
}

/* ---- generic shapes ------------------------------------------------------------------------ */

static int code_has(const pp_anatomy *a, const char *w)
{
    return (a->error_code && strstr(a->error_code, w)) ||
           (a->handler_error_code && strcmp(a->handler_error_code, w) == 0);
}

/* The last quoted name ('x' or "x", at most 256 bytes) that ends before `before`. */
static void quoted_before(pp_an_dec *d, const char *s, const char *before)
{
    const char *best = NULL, *best_end = NULL;
    for (const char *p = s; p < before; p++) {
        if (*p != '\'' && *p != '"')
            continue;
        const char *e = strchr(p + 1, *p);
        if (!e || e > before)
            break;
        if (e - p - 1 > 0 && e - p - 1 <= 256) {
            best = p + 1;
            best_end = e;
        }
        p = e;
    }
    if (best)
        pp_an_set(d, &d->a->subject, best, (size_t)(best_end - best));
}

static const char *const stop_codes[] = {
    "TaskFailedToStart", "EssentialContainerExited", "UserInitiated",
    "ServiceSchedulerInitiated", "SpotInterruption", "TerminationNotice",
};

static const char *const ecs_errors[] = {
    "CannotPullContainerError", "CannotStartContainerError", "ResourceInitializationError",
    "OutOfMemoryError", "ContainerRuntimeError", "ContainerRuntimeTimeoutError",
    "CannotInspectContainerError", "CannotCreateVolumeError", "CannotStopContainerError",
};

/* Sets the marker to the identifier around `at` ("NoSuchBucket", "InvalidGroup.NotFound"). */
static void marker_at(pp_an_dec *d, const char *s, const char *at)
{
    const char *b = at;
    while (b > s && (isalnum((unsigned char)b[-1]) || b[-1] == '.'))
        b--;
    pp_an_set(d, &d->a->marker, b, pp_an_span_of(b, "."));
}

static void shapes(pp_an_dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    const char *p;
    if (code_has(a, "InvalidParameterCombination") || strstr(s, "InvalidParameterCombination") ||
        strcasestr(s, "parameter combination") ||
        (strcasestr(s, "combination") &&
         (strcasestr(s, "not supported") || strcasestr(s, "invalid"))))
        a->kinds |= PP_AN_INVALID_COMBINATION;
    if ((p = strstr(s, "already exist")) || (p = strstr(s, "AlreadyExists")) ||
        code_has(a, "AlreadyExists") || code_has(a, "Duplicate")) {
        a->kinds |= PP_AN_ALREADY_EXISTS;
        if (p && *p == 'a')
            quoted_before(d, s, p);
        else if (p)
            marker_at(d, s, p);
    }
    if (!(a->kinds & PP_AN_PROPERTIES)) {
        const char *q = strstr(s, "does not exist");
        if (!q)
            q = strstr(s, " not found");
        if (!q)
            q = strstr(s, "NotFound");
        if (!q)
            for (const char *r = s; (r = strstr(r, "NoSuch")); r++)
                if (isupper((unsigned char)r[6])) {
                    q = r;
                    break;
                }
        if (q || code_has(a, "NotFound") || code_has(a, "NoSuch")) {
            a->kinds |= PP_AN_NOT_FOUND;
            if (q && (*q == 'd' || *q == ' '))
                quoted_before(d, s, q);
            else if (q)
                marker_at(d, s, q);
        }
    }
    if (strstr(s, "Rate exceeded") || strstr(s, "Throttling") || strstr(s, "TooManyRequests") ||
        strstr(s, "Too Many Requests") || strstr(s, "RequestLimitExceeded") ||
        strstr(s, "SlowDown") || code_has(a, "Throttling"))
        a->kinds |= PP_AN_THROTTLING;
    const char *lim = NULL;
    for (const char *r = s; (r = strstr(r, "LimitExceeded")); r++)
        if (!(r - s >= 7 && memcmp(r - 7, "Request", 7) == 0)) {
            lim = r;
            break;
        }
    const char *mx = strstr(s, "maximum number of ");
    if (lim || mx || strcasestr(s, "quota") || strcasestr(s, "limit exceeded") ||
        code_has(a, "ServiceLimitExceeded")) {
        a->kinds |= PP_AN_LIMIT;
        if (mx) {
            const char *w = mx + strlen("maximum number of ");
            size_t n = 0;
            while (w[n] && !strchr(".,;(", w[n]) && !pp_an_starts(w + n, " has ") &&
                   !pp_an_starts(w + n, " allowed") && !pp_an_starts(w + n, " reached") &&
                   !pp_an_starts(w + n, " that ") && !pp_an_starts(w + n, " for ") && n < 120)
                n++;
            pp_an_set(d, &a->subject, w, n);
        } else if ((p = strstr(s, "exceed quota for "))) {
            p += strlen("exceed quota for ");
            pp_an_set(d, &a->subject, p, pp_an_span_of(p, "_"));
        } else if (lim) {
            marker_at(d, s, lim);
        }
    }
    if (strstr(s, "did not stabilize") || strstr(s, "exceeded the timeout") ||
        strstr(s, "Resource timed out waiting for") || strstr(s, "timed out waiting") ||
        code_has(a, "NotStabilized"))
        a->kinds |= PP_AN_TIMEOUT;
    if (a->handler_error_code) {
        const char *h = a->handler_error_code;
        if (strcmp(h, "AccessDenied") == 0)
            a->kinds |= PP_AN_NOT_AUTHORIZED;
        else if (strcmp(h, "ServiceLimitExceeded") == 0)
            a->kinds |= PP_AN_LIMIT;
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(stop_codes); i++)
        if (strstr(s, stop_codes[i])) {
            pp_an_set(d, &a->stop_code, stop_codes[i], strlen(stop_codes[i]));
            break;
        }
    for (size_t i = 0; i < PP_ARRAY_LEN(ecs_errors); i++)
        if (strstr(s, ecs_errors[i])) {
            pp_an_set(d, &a->ecs_error, ecs_errors[i], strlen(ecs_errors[i]));
            break;
        }
    if (!a->stop_code && strstr(s, "Spot Task was interrupted"))
        pp_an_set(d, &a->stop_code, "SpotInterruption", 16);
    if (a->stop_code || a->ecs_error)
        a->kinds |= PP_AN_ECS_STOP;
    a->essential_exited = strstr(s, "Essential container in task exited") != NULL;
    static const char *const exit_words[] = {"exit code: ", "exit code ", "exitCode: ",
                                             "exited with code ", "ExitCode: "};
    for (size_t i = 0; i < PP_ARRAY_LEN(exit_words) && a->exit_code < 0; i++) {
        const char *e = strstr(s, exit_words[i]);
        if (!e)
            continue;
        e += strlen(exit_words[i]);
        long v = 0;
        size_t n = 0;
        while (isdigit((unsigned char)e[n]) && n < 4)
            v = v * 10 + (e[n++] - '0');
        if (n && n < 4 && !isdigit((unsigned char)e[n]))
            a->exit_code = (int)v;
    }
    if (a->essential_exited || a->exit_code >= 0)
        a->kinds |= PP_AN_CONTAINER_EXIT;
}

/* The leading shape: the most specific grammar first. */
static pp_an_kind leading(unsigned k)
{
    static const pp_an_kind order[] = {
        PP_AN_NOT_AUTHORIZED, PP_AN_PROPERTIES, PP_AN_VALIDATION, PP_AN_INVALID_COMBINATION,
        PP_AN_ALREADY_EXISTS, PP_AN_NOT_FOUND, PP_AN_THROTTLING, PP_AN_LIMIT,
        PP_AN_TIMEOUT, PP_AN_CONTAINER_EXIT, PP_AN_ECS_STOP,
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(order); i++)
        if (k & (unsigned)order[i])
            return order[i];
    return PP_AN_NONE;
}

pp_status pp_anatomy_decode(const char *text, size_t len, pp_anatomy *a)
{
    memset(a, 0, sizeof *a);
    a->exit_code = -1;
    a->declared = -1;
    if (!text)
        return PP_OK;
    char *n = pp_anatomy_unwrap(text, len);
    if (!n)
        return PP_E_NOMEM;
    pp_an_dec d = {.a = a, .nomem = 0};
    const char *body = wrapper(&d, n);
    suffix(&d, body);
    pp_an_not_authorized(&d, body);
    pp_an_validation(&d, body);
    pp_an_properties(&d, body);
    shapes(&d, body);
    /* an inner message without any of the grammars may still carry its exception name */
    if (!a->error_code) {
        const char *x = strstr(body, "Exception");
        if (x) {
            const char *b = x;
            while (b > body && isalpha((unsigned char)b[-1]))
                b--;
            if (x > b && isupper((unsigned char)*b))
                pp_an_set(&d, &a->error_code, b, (size_t)(x - b) + 9);
        }
    }
    a->kind = leading(a->kinds);
    free(n);
    if (d.nomem) {
        pp_anatomy_free(a);
        return PP_E_NOMEM;
    }
    return PP_OK;
}

pp_status pp_anatomy_add_event(pp_anatomy *a, const pp_event *ev)
{
    if (!ev)
        return PP_OK;
    pp_an_dec d = {.a = a, .nomem = 0};
    if (ev->stop_code && *ev->stop_code && !a->stop_code) {
        pp_an_set(&d, &a->stop_code, ev->stop_code, strlen(ev->stop_code));
        a->kinds |= PP_AN_ECS_STOP;
    }
    if (ev->exit_code != PP_EXIT_CODE_NONE && ev->exit_code >= 0 && a->exit_code < 0) {
        a->exit_code = ev->exit_code;
        a->kinds |= PP_AN_CONTAINER_EXIT;
    }
    a->kind = leading(a->kinds);
    return d.nomem ? PP_E_NOMEM : PP_OK;
}

int pp_anatomy_any(const pp_anatomy *a)
{
    return a->kinds || a->wrapped || a->service || a->error_code;
}

void pp_anatomy_free(pp_anatomy *a)
{
    if (!a)
        return;
    char **fields[] = {&a->inner, &a->handler_error_code, &a->request_token, &a->service,
                       &a->status_code, &a->error_code, &a->request_id, &a->detail,
                       &a->principal, &a->action, &a->resource, &a->policy, &a->prop_resource,
                       &a->subject, &a->marker, &a->stop_code, &a->ecs_error};
    for (size_t i = 0; i < PP_ARRAY_LEN(fields); i++)
        free(*fields[i]);
    for (size_t i = 0; i < a->nviol; i++) {
        free(a->viol[i].value);
        free(a->viol[i].field);
        free(a->viol[i].constraint);
    }
    for (size_t i = 0; i < a->nprop; i++) {
        free(a->prop[i].path);
        free(a->prop[i].key);
        free(a->prop[i].expected);
        free(a->prop[i].found);
        free(a->prop[i].text);
    }
    memset(a, 0, sizeof *a);
    a->exit_code = -1;
    a->declared = -1;
}

