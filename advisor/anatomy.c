/* anatomy.c — the decoder of AWS failure grammars and its JSON rendering (see anatomy.h).
 * Guidance built from the fields lives in anatomy_guide.c.
 *
 * The input is first copied into a bounded, NUL-terminated working string with console line
 * wrapping undone, so every grammar below scans a C string it owns and can never read past
 * the caller's buffer. Each grammar looks for its fixed wording and takes the variable parts
 * between delimiters; a part whose delimiter is missing (a cut-off message) is left absent.
 */
#include "advisor/anatomy.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/json_write.h"
#include "engine/base/utf8.h"
#include "engine/base/util.h"

/* ---- small helpers ------------------------------------------------------------------------- */

typedef struct dec {
    pp_anatomy *a;
    int nomem;
} dec;

/* s[0..n) trimmed of blanks, cut to PP_AN_MAX_FIELD at a UTF-8 boundary, as a new string. */
static char *take(dec *d, const char *s, size_t n)
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

static void set(dec *d, char **field, const char *s, size_t n)
{
    if (*field || !n)
        return;
    *field = take(d, s, n);
}

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Last occurrence of needle in hay, or NULL. */
static const char *rfind(const char *hay, const char *needle)
{
    const char *last = NULL;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        last = p;
    return last;
}

static size_t span_of(const char *s, const char *accept_extra)
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
static const char *wrapper(dec *d, const char *s)
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
    const char *rt = rfind(p, "RequestToken:");
    const char *hec = rfind(p, "HandlerErrorCode:");
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
    set(d, &a->inner, p, (size_t)(end - p));
    int closed = 0;
    if (rt) {
        const char *q = rt + strlen("RequestToken:");
        while (*q == ' ')
            q++;
        set(d, &a->request_token, q, span_of(q, "-"));
    }
    if (hec) {
        const char *q = hec + strlen("HandlerErrorCode:");
        while (*q == ' ')
            q++;
        size_t n = span_of(q, "");
        set(d, &a->handler_error_code, q, n);
        closed = q[n] == ')';
    }
    if (!rt || !hec || !closed)
        a->truncated = 1;
    return a->inner ? a->inner : s;
}

/* ---- the service suffix -------------------------------------------------------------------- */

/* Parses "Service: S; Status Code: N; Error Code: E; Request ID: R; Proxy: null" (';' or ','
 * between pairs) from p; returns 1 when a Service pair was read. */
static int suffix_pairs(dec *d, const char *p)
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
            set(d, &a->service, v, vn);
            seen = 1;
        } else if (KEY("Status Code")) {
            set(d, &a->status_code, v, vn);
        } else if (KEY("Error Code")) {
            set(d, &a->error_code, v, vn);
        } else if (KEY("Request ID")) {
            set(d, &a->request_id, v, vn);
        }
#undef KEY
        p = v + vn;
    }
    return seen;
}

static void suffix(dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    const char *start = rfind(s, "(Service: ");
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
        set(d, &a->detail, s, (size_t)(e - s));
    }
    if (!a->error_code) {
        /* "EC2 Error Code: InvalidGroup.NotFound", "S3 Error Code: NoSuchKey" */
        const char *ec = strstr(s, "Error Code: ");
        if (ec) {
            size_t n = span_of(ec + 12, "._");
            while (n && ec[12 + n - 1] == '.')
                n--;
            set(d, &a->error_code, ec + 12, n);
        }
    }
    if (!a->detail && (a->wrapped || a->service))
        set(d, &a->detail, s, strlen(s));
}

/* ---- not authorized ------------------------------------------------------------------------ */

static const struct {
    const char *text;
    pp_an_reason reason;
} reasons[] = {
    {"because no identity-based policy allows", PP_AN_NO_IDENTITY_POLICY},
    {"because no resource-based policy allows", PP_AN_NO_RESOURCE_POLICY},
    {"because no permissions boundary allows", PP_AN_NO_BOUNDARY},
    {"because no session policy allows", PP_AN_NO_SESSION_POLICY},
    {"because no VPC endpoint policy allows", PP_AN_NO_VPCE_POLICY},
    {"explicit deny in a service control policy", PP_AN_DENY_SCP},
    {"explicit deny in a resource control policy", PP_AN_DENY_RCP},
    {"explicit deny in a permissions boundary", PP_AN_DENY_BOUNDARY},
    {"explicit deny in a resource-based policy", PP_AN_DENY_RESOURCE_POLICY},
    {"explicit deny in a session policy", PP_AN_DENY_SESSION_POLICY},
    {"explicit deny in an identity-based policy", PP_AN_DENY_IDENTITY_POLICY},
    {"explicit deny in a VPC endpoint policy", PP_AN_DENY_VPCE_POLICY},
};

static int is_action(const char *s, size_t n)
{
    const char *c = memchr(s, ':', n);
    return n >= 3 && c && c != s && c != s + n - 1;
}

static void not_authorized(dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    /* the first "not authorized to perform[:] SERVICE:Action" (not "… this operation") */
    const char *na = NULL, *p = NULL;
    size_t n = 0;
    for (const char *q = s; (q = strstr(q, "not authorized to perform")); q++) {
        const char *r = q + strlen("not authorized to perform");
        if (*r == ':')
            r++;
        while (*r == ' ')
            r++;
        size_t k = span_of(r, ":*-_");
        if (is_action(r, k)) {
            na = q;
            p = r;
            n = k;
            break;
        }
    }
    if (na) {
        a->kinds |= PP_AN_NOT_AUTHORIZED;
        set(d, &a->action, p, n);
        p += n;
        if ((starts(p, " on resource: ") || starts(p, " on resource ")) &&
            !starts(p, " on resource because") && !starts(p, " on resource with")) {
            p += starts(p, " on resource: ") ? 14 : 13;
            if (*p == '"' || *p == '\'') {
                const char *e = strchr(p + 1, *p);   /* on resource: "arn:aws:s3:::b" */
                if (e)
                    set(d, &a->resource, p + 1, (size_t)(e - p - 1));
                p = e ? e + 1 : p + 1;
            } else {
                /* wrapped console text: "on resource: policy arn:aws:iam::1:policy/x" */
                size_t w = span_of(p, "-");
                if (w && p[w] == ' ' && starts(p + w + 1, "arn:"))
                    p += w + 1;
                size_t r = strcspn(p, " \"'");
                while (r && strchr(".,;", p[r - 1]))
                    r--;
                set(d, &a->resource, p, r);
                p += r;
            }
        }
        /* the principal: "User: P is not authorized", else the ARN just before */
        const char *u = NULL;
        for (const char *q = s; (q = strstr(q, "User: ")) && q < na; q++)
            u = q + 6;
        if (!u || na - u > 2048) {
            u = na;
            while (u > s && u[-1] == ' ')
                u--;
            if (u - s >= 2 && memcmp(u - 2, "is", 2) == 0 && (u - s == 2 || u[-3] == ' '))
                u -= 2;   /* "ARN is not authorized" */
            while (u > s && u[-1] == ' ')
                u--;
            const char *e = u;
            while (u > s && u[-1] != ' ' && u[-1] != '"' && u[-1] != '(')
                u--;
            if (!starts(u, "arn:"))
                u = e;
            if (e > u)
                set(d, &a->principal, u, (size_t)(e - u));
        } else {
            const char *e = strstr(u, " is not authorized");
            if (!e || e > na)
                e = na;
            while (e > u && e[-1] == ' ')
                e--;
            const char *sp = u;
            for (const char *q = u; q < e; q++)
                if (*q == ' ')
                    sp = q + 1;   /* keep the last word: "User: arn:… is" */
            set(d, &a->principal, sp, (size_t)(e - sp));
        }
        for (size_t i = 0; i < PP_ARRAY_LEN(reasons); i++) {
            const char *rs = strstr(p, reasons[i].text);
            if (!rs)
                continue;
            a->reason = reasons[i].reason;
            /* "… in a permissions boundary: arn:aws:iam::1:policy/b." names the policy */
            const char *pa = rs + strlen(reasons[i].text);
            if (starts(pa, ": arn:")) {
                pa += 2;
                size_t r = strcspn(pa, " \"'()");
                while (r && strchr(".,;", pa[r - 1]))
                    r--;
                set(d, &a->policy, pa, r);
            }
            break;
        }
    } else if (strstr(s, "not authorized to perform") ||
               strstr(s, "UnauthorizedOperation") || strstr(s, "AccessDenied") ||
               strstr(s, "Access Denied") || strstr(s, "Access denied")) {
        a->kinds |= PP_AN_NOT_AUTHORIZED;
    }
    if (a->kinds & PP_AN_NOT_AUTHORIZED) {
        const char *api = strstr(s, "API: ");
        if (api && !a->action) {
            size_t k = span_of(api + 5, ":*-_");
            if (is_action(api + 5, k))
                set(d, &a->action, api + 5, k);
        }
        a->encoded_message = strstr(s, "Encoded authorization failure message") != NULL;
    }
}

/* ---- validation ---------------------------------------------------------------------------- */

static const char SATISFY[] = "' failed to satisfy constraint";

static void validation(dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    a->declared = -1;
    const char *vd = strstr(s, " validation error");
    if (vd) {
        const char *q = vd;
        while (q > s && isdigit((unsigned char)q[-1]))
            q--;
        long n = 0;
        for (const char *r = q; r < vd && n < 100000; r++)
            n = n * 10 + (*r - '0');
        if (q < vd)
            a->declared = n;
    }
    for (const char *p = s; (p = strstr(p, "Value ")); ) {
        const char *v = p + 6, *vend, *f;
        if (starts(v, "at '")) {
            vend = v;   /* "Value at 'field'": the API did not echo the value */
            f = v + 4;
        } else if (*v == '\'') {
            v++;
            vend = strstr(v, "' at '");
            if (!vend)
                break;
            f = vend + 6;
        } else {
            vend = strstr(v, " at '");
            if (!vend || vend - v > 200) {
                p = v;
                continue;
            }
            f = vend + 5;
        }
        const char *fend = strstr(f, SATISFY);
        if (!fend || memchr(f, '\'', (size_t)(fend - f))) {
            p = f;
            continue;
        }
        const char *c = fend + sizeof SATISFY - 1;
        if (*c == ':')
            c++;
        const char *cend = strstr(c, "; Value ");
        const char *alt = strstr(c, ";Value ");
        if (alt && (!cend || alt < cend))
            cend = alt;
        if (!cend)
            cend = c + strlen(c);
        if (a->nviol < PP_AN_MAX_ITEMS) {
            pp_an_violation *x = &a->viol[a->nviol++];
            x->value = vend == v && starts(v, "at '") ? NULL : take(d, v, (size_t)(vend - v));
            x->field = take(d, f, (size_t)(fend - f));
            size_t cn = (size_t)(cend - c);
            while (cn && strchr(" ;", c[cn - 1]))
                cn--;
            x->constraint = take(d, c, cn);
        } else {
            a->more++;
        }
        a->kinds |= PP_AN_VALIDATION;
        p = cend;
    }
}

/* ---- Properties validation ----------------------------------------------------------------- */

/* A problem starts at '#' followed by '/' or ':' when it opens the text or a list item: after
 * '[', ',' or a blank that does not follow "PATH:" (that '#' is a nested "#: …"). */
static int item_start(const char *s, const char *p)
{
    if (*p != '#' || (p[1] != '/' && p[1] != ':'))
        return 0;
    if (p == s)
        return 1;
    char b = p[-1];
    if (b == '[' || b == ',' || b == '(')
        return 1;
    if (b == ' ')
        return p - 1 == s || (p[-2] != ':');
    return 0;
}

static const char *bracket(const char *p, const char *what, const char **end)
{
    const char *k = strstr(p, what);
    if (!k)
        return NULL;
    k += strlen(what);
    const char *e = strchr(k, ']');
    if (!e)
        return NULL;
    *end = e;
    return k;
}

static void prop_item(dec *d, const char *h, const char *iend)
{
    pp_anatomy *a = d->a;
    size_t len = (size_t)(iend - h);
    char *it = take(d, h, len);
    if (!it)
        return;
    /* the path runs to the first ':' */
    char *colon = strchr(it, ':');
    if (!colon) {
        free(it);
        return;
    }
    if (a->nprop >= PP_AN_MAX_ITEMS) {
        a->more++;
        free(it);
        return;
    }
    pp_an_prop *x = &a->prop[a->nprop++];
    x->path = take(d, it + 1, (size_t)(colon - it - 1));
    char *rest = colon + 1;
    while (*rest == ' ')
        rest++;
    size_t rn = strlen(rest);
    /* trailing blanks, commas, dots, and a ')' or ']' that closes the list, not the item */
    while (rn) {
        char c = rest[rn - 1];
        if (c == ' ' || c == ',' || c == '.') {
            rn--;
            continue;
        }
        if (c != ')' && c != ']')
            break;
        char open = c == ')' ? '(' : '[';
        int depth = 0;
        for (size_t i = 0; i < rn; i++)
            depth += rest[i] == open ? 1 : rest[i] == c ? -1 : 0;
        if (depth >= 0)
            break;
        rn--;
    }
    rest[rn] = '\0';
    x->text = take(d, rest, rn);
    const char *e;
    const char *k;
    if ((k = bracket(rest, "extraneous key [", &e)) && strstr(e, "not permitted")) {
        x->problem = PP_AN_P_EXTRANEOUS_KEY;
        x->key = take(d, k, (size_t)(e - k));
    } else if ((k = bracket(rest, "required key [", &e)) && strstr(e, "not found")) {
        x->problem = PP_AN_P_REQUIRED_KEY;
        x->key = take(d, k, (size_t)(e - k));
    } else if ((k = strstr(rest, "expected type: "))) {
        x->problem = PP_AN_P_EXPECTED_TYPE;
        k += 15;
        x->expected = take(d, k, span_of(k, "_"));
        const char *f = strstr(k, "found: ");
        if (f)
            x->found = take(d, f + 7, span_of(f + 7, "_"));
    } else if (strstr(rest, "[enum]") || strstr(rest, "enum value") ||
               strstr(rest, "is not a valid enum")) {
        x->problem = PP_AN_P_ENUM;
    } else if (strstr(rest, "[pattern]") || strstr(rest, "does not match pattern")) {
        x->problem = PP_AN_P_PATTERN;
        const char *m = strstr(rest, "does not match pattern ");
        if (m)
            x->expected = take(d, m + 23, strlen(m + 23));
        if ((k = bracket(rest, "string [", &e)))
            x->found = take(d, k, (size_t)(e - k));
    }
    free(it);
}

static void properties(dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    const char *start = NULL;
    const char *pv = strstr(s, "Properties validation failed for resource ");
    if (pv) {
        const char *r = pv + strlen("Properties validation failed for resource ");
        set(d, &a->prop_resource, r, strcspn(r, " "));
        const char *m = strstr(r, "with message:");
        start = m ? m + strlen("with message:") : NULL;
    } else if ((pv = strstr(s, "Model validation failed"))) {
        /* the handler's own schema check: "Model validation failed (#/A: …)" */
        const char *par = strchr(pv, '(');
        start = par ? par + 1 : NULL;
    } else {
        /* a bare "#/Path: extraneous key …" (early validation, hooks) */
        for (const char *p = s; (p = strchr(p, '#')); p++)
            if (item_start(s, p) && (strstr(p, "extraneous key [") ||
                                     strstr(p, "required key [") ||
                                     strstr(p, "expected type: "))) {
                start = p;
                break;
            }
    }
    /* the older wording: "Property validation failure: [Value of property {/Subnets} does not
     * match type {Array}]" */
    for (const char *q = s; !start && (q = strstr(q, "Value of property {")); q++) {
        const char *pe = strchr(q + 19, '}');
        const char *t = pe ? strstr(pe, " does not match type {") : NULL;
        if (!t || t - pe > 1)
            continue;
        const char *te = strchr(t + 22, '}');
        if (!te)
            break;
        if (a->nprop >= PP_AN_MAX_ITEMS) {
            a->more++;
            continue;
        }
        pp_an_prop *x = &a->prop[a->nprop++];
        x->problem = PP_AN_P_EXPECTED_TYPE;
        x->path = take(d, q + 19, (size_t)(pe - q - 19));
        x->expected = take(d, t + 22, (size_t)(te - t - 22));
        x->text = take(d, q, (size_t)(te - q + 1));
        a->kinds |= PP_AN_PROPERTIES;
    }
    if (!start)
        return;
    /* the first '#' opens the first problem; later ones only where a list item starts */
    const char *h = NULL;
    for (const char *p = start; *p; p++) {
        if (*p != '#' || (p[1] != '/' && p[1] != ':'))
            continue;
        if (h && !item_start(s, p))
            continue;
        if (h)
            prop_item(d, h, p);
        h = p;
    }
    if (h)
        prop_item(d, h, h + strlen(h));
    if (a->nprop || pv)
        a->kinds |= PP_AN_PROPERTIES;
}

/* ---- generic shapes ------------------------------------------------------------------------ */

static int code_has(const pp_anatomy *a, const char *w)
{
    return (a->error_code && strstr(a->error_code, w)) ||
           (a->handler_error_code && strcmp(a->handler_error_code, w) == 0);
}

/* The last quoted name ('x' or "x", at most 256 bytes) that ends before `before`. */
static void quoted_before(dec *d, const char *s, const char *before)
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
        set(d, &d->a->subject, best, (size_t)(best_end - best));
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
static void marker_at(dec *d, const char *s, const char *at)
{
    const char *b = at;
    while (b > s && (isalnum((unsigned char)b[-1]) || b[-1] == '.'))
        b--;
    set(d, &d->a->marker, b, span_of(b, "."));
}

static void shapes(dec *d, const char *s)
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
            while (w[n] && !strchr(".,;(", w[n]) && !starts(w + n, " has ") &&
                   !starts(w + n, " allowed") && !starts(w + n, " reached") &&
                   !starts(w + n, " that ") && !starts(w + n, " for ") && n < 120)
                n++;
            set(d, &a->subject, w, n);
        } else if ((p = strstr(s, "exceed quota for "))) {
            p += strlen("exceed quota for ");
            set(d, &a->subject, p, span_of(p, "_"));
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
            set(d, &a->stop_code, stop_codes[i], strlen(stop_codes[i]));
            break;
        }
    for (size_t i = 0; i < PP_ARRAY_LEN(ecs_errors); i++)
        if (strstr(s, ecs_errors[i])) {
            set(d, &a->ecs_error, ecs_errors[i], strlen(ecs_errors[i]));
            break;
        }
    if (!a->stop_code && strstr(s, "Spot Task was interrupted"))
        set(d, &a->stop_code, "SpotInterruption", 16);
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
    dec d = {.a = a, .nomem = 0};
    const char *body = wrapper(&d, n);
    suffix(&d, body);
    not_authorized(&d, body);
    validation(&d, body);
    properties(&d, body);
    shapes(&d, body);
    /* an inner message without any of the grammars may still carry its exception name */
    if (!a->error_code) {
        const char *x = strstr(body, "Exception");
        if (x) {
            const char *b = x;
            while (b > body && isalpha((unsigned char)b[-1]))
                b--;
            if (x > b && isupper((unsigned char)*b))
                set(&d, &a->error_code, b, (size_t)(x - b) + 9);
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
    dec d = {.a = a, .nomem = 0};
    if (ev->stop_code && *ev->stop_code && !a->stop_code) {
        set(&d, &a->stop_code, ev->stop_code, strlen(ev->stop_code));
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

/* ---- names --------------------------------------------------------------------------------- */

const char *pp_an_reason_name(pp_an_reason r)
{
    switch (r) {
    case PP_AN_NO_IDENTITY_POLICY: return "no_identity_policy";
    case PP_AN_NO_RESOURCE_POLICY: return "no_resource_policy";
    case PP_AN_NO_BOUNDARY: return "no_permissions_boundary";
    case PP_AN_NO_SESSION_POLICY: return "no_session_policy";
    case PP_AN_NO_VPCE_POLICY: return "no_vpc_endpoint_policy";
    case PP_AN_DENY_SCP: return "explicit_deny_scp";
    case PP_AN_DENY_RCP: return "explicit_deny_rcp";
    case PP_AN_DENY_BOUNDARY: return "explicit_deny_boundary";
    case PP_AN_DENY_RESOURCE_POLICY: return "explicit_deny_resource_policy";
    case PP_AN_DENY_SESSION_POLICY: return "explicit_deny_session_policy";
    case PP_AN_DENY_IDENTITY_POLICY: return "explicit_deny_identity_policy";
    case PP_AN_DENY_VPCE_POLICY: return "explicit_deny_vpc_endpoint_policy";
    default: return "unknown";
    }
}

const char *pp_an_kind_name(pp_an_kind k)
{
    switch (k) {
    case PP_AN_NOT_AUTHORIZED: return "not_authorized";
    case PP_AN_PROPERTIES: return "properties_validation";
    case PP_AN_VALIDATION: return "validation";
    case PP_AN_INVALID_COMBINATION: return "invalid_combination";
    case PP_AN_ALREADY_EXISTS: return "already_exists";
    case PP_AN_NOT_FOUND: return "not_found";
    case PP_AN_THROTTLING: return "throttling";
    case PP_AN_LIMIT: return "limit_exceeded";
    case PP_AN_TIMEOUT: return "timeout";
    case PP_AN_CONTAINER_EXIT: return "container_exit";
    case PP_AN_ECS_STOP: return "ecs_stop";
    default: return "none";
    }
}

const char *pp_an_problem_name(pp_an_problem p)
{
    switch (p) {
    case PP_AN_P_EXTRANEOUS_KEY: return "extraneous_key";
    case PP_AN_P_REQUIRED_KEY: return "required_key";
    case PP_AN_P_EXPECTED_TYPE: return "expected_type";
    case PP_AN_P_ENUM: return "enum";
    case PP_AN_P_PATTERN: return "pattern";
    default: return "other";
    }
}

const char *pp_an_exit_meaning(int code)
{
    switch (code) {
    case 0: return "the process ended normally; an essential container that ends stops the task";
    case 1: return "the application failed (a general error): its log says why";
    case 2: return "bad arguments or a shell usage error in the command";
    case 125: return "the container runtime could not run the container";
    case 126: return "the command exists but cannot be executed (permissions or file format)";
    case 127: return "the command was not found in the image (entryPoint, command or PATH)";
    case 130: return "interrupted (SIGINT)";
    case 134: return "aborted (SIGABRT): the program called abort or failed an assertion";
    case 137: return "killed (SIGKILL): out of memory, or it did not stop within the stop timeout";
    case 139: return "segmentation fault (SIGSEGV): a crash in native code";
    case 143:
        return "terminated (SIGTERM): it was asked to stop (deployment, scale-in, health check)";
    case 255: return "exit status out of range: often a failure before the program started";
    default:
        if (code > 128 && code < 160)
            return "killed by a signal (the code minus 128 is the signal number)";
        return code < 0 ? NULL : "the application exited with an error status";
    }
}

/* ---- field → pointer ----------------------------------------------------------------------- */

char *pp_an_field_pointer(const char *field)
{
    if (!field || !*field || strlen(field) > PP_AN_MAX_FIELD)
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 4 * PP_AN_MAX_FIELD);
    for (const char *p = field; *p;) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            pp_buf_puts(&b, "/");
            pp_buf_append(&b, p + 1, (size_t)(e - p - 1));
            p = e + 1;
            continue;
        }
        size_t n = strcspn(p, ".[");
        pp_buf_puts(&b, "/");
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '~')
                pp_buf_puts(&b, "~0");
            else if (p[i] == '/')
                pp_buf_puts(&b, "~1");
            else
                pp_buf_append(&b, p + i, 1);
        }
        p += n;
    }
    if (!b.data) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* Puts o under k in parent when it has members, else drops it. */
static void jsub(json_t *parent, const char *k, json_t *o)
{
    if (o && json_object_size(o))
        json_object_set_new(parent, k, o);
    else
        json_decref(o);
}

json_t *pp_anatomy_json(const pp_anatomy *a)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "kind", json_string(pp_an_kind_name(a->kind)));
    json_t *ks = json_array();
    for (unsigned bit = 1; bit <= (unsigned)PP_AN_ECS_STOP; bit <<= 1)
        if (a->kinds & bit)
            json_array_append_new(ks, json_string(pp_an_kind_name((pp_an_kind)bit)));
    json_object_set_new(o, "kinds", ks);
    if (a->wrapped) {
        json_t *h = json_object();
        pp_json_put_str(h, "message", a->inner);
        pp_json_put_str(h, "error_code", a->handler_error_code);
        pp_json_put_str(h, "request_token", a->request_token);
        json_object_set_new(h, "truncated", json_boolean(a->truncated));
        json_object_set_new(o, "handler", h);
    }
    json_t *sv = json_object();
    pp_json_put_str(sv, "name", a->service);
    pp_json_put_str(sv, "status_code", a->status_code);
    pp_json_put_str(sv, "error_code", a->error_code);
    pp_json_put_str(sv, "request_id", a->request_id);
    jsub(o, "service", sv);
    pp_json_put_str(o, "detail", a->detail);
    if (a->kinds & PP_AN_NOT_AUTHORIZED) {
        json_t *n = json_object();
        pp_json_put_str(n, "principal", a->principal);
        pp_json_put_str(n, "action", a->action);
        pp_json_put_str(n, "resource", a->resource);
        pp_json_put_str(n, "policy", a->policy);
        json_object_set_new(n, "reason", json_string(pp_an_reason_name(a->reason)));
        if (a->encoded_message)
            json_object_set_new(n, "encoded_message", json_true());
        json_object_set_new(o, "not_authorized", n);
    }
    if (a->nviol) {
        json_t *v = json_object(), *items = json_array();
        if (a->declared >= 0)
            json_object_set_new(v, "declared", json_integer(a->declared));
        for (size_t i = 0; i < a->nviol; i++) {
            json_t *x = json_object();
            if (a->viol[i].value)
                json_object_set_new(x, "value", json_string(a->viol[i].value));
            pp_json_put_str(x, "field", a->viol[i].field);
            pp_json_put_str(x, "constraint", a->viol[i].constraint);
            json_array_append_new(items, x);
        }
        json_object_set_new(v, "items", items);
        json_object_set_new(o, "validation", v);
    }
    if (a->kinds & PP_AN_PROPERTIES) {
        json_t *p = json_object(), *items = json_array();
        pp_json_put_str(p, "resource", a->prop_resource);
        for (size_t i = 0; i < a->nprop; i++) {
            const pp_an_prop *x = &a->prop[i];
            json_t *j = json_object();
            json_object_set_new(j, "path", json_string(x->path ? x->path : ""));
            json_object_set_new(j, "problem", json_string(pp_an_problem_name(x->problem)));
            pp_json_put_str(j, "key", x->key);
            pp_json_put_str(j, "expected", x->expected);
            pp_json_put_str(j, "found", x->found);
            pp_json_put_str(j, "text", x->text);
            json_array_append_new(items, j);
        }
        json_object_set_new(p, "problems", items);
        json_object_set_new(o, "properties", p);
    }
    pp_json_put_str(o, "subject", a->subject);
    pp_json_put_str(o, "marker", a->marker);
    json_t *e = json_object();
    pp_json_put_str(e, "stop_code", a->stop_code);
    pp_json_put_str(e, "error", a->ecs_error);
    if (a->exit_code >= 0) {
        json_object_set_new(e, "exit_code", json_integer(a->exit_code));
        pp_json_put_str(e, "exit_meaning", pp_an_exit_meaning(a->exit_code));
    }
    if (a->essential_exited)
        json_object_set_new(e, "essential_container_exited", json_true());
    jsub(o, "ecs", e);
    if (a->more)
        json_object_set_new(o, "more_items", json_integer((json_int_t)a->more));
    return o;
}

char *pp_anatomy_summary(const pp_anatomy *a)
{
    if (!pp_anatomy_any(a))
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 8u << 10);
    const char *sep = "";
#define ITEM(...) \
    do { \
        pp_buf_puts(&b, sep); \
        pp_buf_printf(&b, __VA_ARGS__); \
        sep = " · "; \
    } while (0)
    if (a->kind != PP_AN_NONE)
        ITEM("%s", pp_an_kind_name(a->kind));
    if (a->principal)
        ITEM("principal %s", a->principal);
    if (a->action)
        ITEM("action %s", a->action);
    if (a->resource)
        ITEM("resource %s", a->resource);
    if (a->kinds & PP_AN_NOT_AUTHORIZED)
        ITEM("reason %s", pp_an_reason_name(a->reason));
    if (a->policy)
        ITEM("policy %s", a->policy);
    for (size_t i = 0; i < a->nviol && i < 3; i++)
        ITEM("%s%s%s%s (%s)", a->viol[i].field ? a->viol[i].field : "?",
             a->viol[i].value ? " = '" : "", a->viol[i].value ? a->viol[i].value : "",
             a->viol[i].value ? "'" : "", a->viol[i].constraint ? a->viol[i].constraint : "");
    if (a->prop_resource)
        ITEM("resource %s", a->prop_resource);
    for (size_t i = 0; i < a->nprop && i < 3; i++)
        ITEM("#%s %s%s%s", a->prop[i].path ? a->prop[i].path : "",
             pp_an_problem_name(a->prop[i].problem), a->prop[i].key ? " " : "",
             a->prop[i].key ? a->prop[i].key : "");
    if (a->subject)
        ITEM("subject %s", a->subject);
    if (a->handler_error_code)
        ITEM("handler %s", a->handler_error_code);
    if (a->service || a->status_code || a->error_code)
        ITEM("service %s%s%s%s%s", a->service ? a->service : "", a->status_code ? " " : "",
             a->status_code ? a->status_code : "", a->error_code ? " " : "",
             a->error_code ? a->error_code : "");
    if (a->stop_code)
        ITEM("stop code %s", a->stop_code);
    if (a->ecs_error)
        ITEM("%s", a->ecs_error);
    if (a->exit_code >= 0)
        ITEM("exit code %d: %s", a->exit_code, pp_an_exit_meaning(a->exit_code));
    if (a->request_id)
        ITEM("request id %s", a->request_id);
    if (a->truncated)
        ITEM("message cut off");
#undef ITEM
    if (!b.data) {
        pp_buf_free(&b);
        return NULL;
    }
    return pp_buf_steal(&b);
}
