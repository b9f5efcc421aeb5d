/* anatomy_iam.c — the not-authorized grammars: principal, action, resource, the deciding
 * policy and why IAM refused (anatomy.h, anatomy_int.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/anatomy_int.h"
#include "engine/base/util.h"

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

void pp_an_not_authorized(pp_an_dec *d, const char *s)
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
        size_t k = pp_an_span_of(r, ":*-_");
        if (is_action(r, k)) {
            na = q;
            p = r;
            n = k;
            break;
        }
    }
    if (na) {
        a->kinds |= PP_AN_NOT_AUTHORIZED;
        pp_an_set(d, &a->action, p, n);
        p += n;
        if ((pp_an_starts(p, " on resource: ") || pp_an_starts(p, " on resource ")) &&
            !pp_an_starts(p, " on resource because") && !pp_an_starts(p, " on resource with")) {
            p += pp_an_starts(p, " on resource: ") ? 14 : 13;
            if (*p == '"' || *p == '\'') {
                const char *e = strchr(p + 1, *p);   /* on resource: "arn:aws:s3:::b" */
                if (e)
                    pp_an_set(d, &a->resource, p + 1, (size_t)(e - p - 1));
                p = e ? e + 1 : p + 1;
            } else {
                /* wrapped console text: "on resource: policy arn:aws:iam::1:policy/x" */
                size_t w = pp_an_span_of(p, "-");
                if (w && p[w] == ' ' && pp_an_starts(p + w + 1, "arn:"))
                    p += w + 1;
                size_t r = strcspn(p, " \"'");
                while (r && strchr(".,;", p[r - 1]))
                    r--;
                pp_an_set(d, &a->resource, p, r);
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
            if (!pp_an_starts(u, "arn:"))
                u = e;
            if (e > u)
                pp_an_set(d, &a->principal, u, (size_t)(e - u));
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
            pp_an_set(d, &a->principal, sp, (size_t)(e - sp));
        }
        for (size_t i = 0; i < PP_ARRAY_LEN(reasons); i++) {
            const char *rs = strstr(p, reasons[i].text);
            if (!rs)
                continue;
            a->reason = reasons[i].reason;
            /* "… in a permissions boundary: arn:aws:iam::1:policy/b." names the policy */
            const char *pa = rs + strlen(reasons[i].text);
            if (pp_an_starts(pa, ": arn:")) {
                pa += 2;
                size_t r = strcspn(pa, " \"'()");
                while (r && strchr(".,;", pa[r - 1]))
                    r--;
                pp_an_set(d, &a->policy, pa, r);
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
            size_t k = pp_an_span_of(api + 5, ":*-_");
            if (is_action(api + 5, k))
                pp_an_set(d, &a->action, api + 5, k);
        }
        a->encoded_message = strstr(s, "Encoded authorization failure message") != NULL;
    }
}

