/* anatomy_valid.c — validation grammars: "N validation error(s) detected: Value 'v' at
 * 'field' failed to satisfy constraint: C" and "Properties validation failed for resource R
 * with message: #/Path: problem" (anatomy.h, anatomy_int.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/anatomy_int.h"
#include "engine/base/util.h"

/* ---- validation ---------------------------------------------------------------------------- */

static const char SATISFY[] = "' failed to satisfy constraint";

void pp_an_validation(pp_an_dec *d, const char *s)
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
        if (pp_an_starts(v, "at '")) {
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
            x->value = vend == v && pp_an_starts(v, "at '") ? NULL : pp_an_take(d, v,
                                                                                (size_t)(vend - v));
            x->field = pp_an_take(d, f, (size_t)(fend - f));
            size_t cn = (size_t)(cend - c);
            while (cn && strchr(" ;", c[cn - 1]))
                cn--;
            x->constraint = pp_an_take(d, c, cn);
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

static void prop_item(pp_an_dec *d, const char *h, const char *iend)
{
    pp_anatomy *a = d->a;
    size_t len = (size_t)(iend - h);
    char *it = pp_an_take(d, h, len);
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
    x->path = pp_an_take(d, it + 1, (size_t)(colon - it - 1));
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
    x->text = pp_an_take(d, rest, rn);
    const char *e;
    const char *k;
    if ((k = bracket(rest, "extraneous key [", &e)) && strstr(e, "not permitted")) {
        x->problem = PP_AN_P_EXTRANEOUS_KEY;
        x->key = pp_an_take(d, k, (size_t)(e - k));
    } else if ((k = bracket(rest, "required key [", &e)) && strstr(e, "not found")) {
        x->problem = PP_AN_P_REQUIRED_KEY;
        x->key = pp_an_take(d, k, (size_t)(e - k));
    } else if ((k = strstr(rest, "expected type: "))) {
        x->problem = PP_AN_P_EXPECTED_TYPE;
        k += 15;
        x->expected = pp_an_take(d, k, pp_an_span_of(k, "_"));
        const char *f = strstr(k, "found: ");
        if (f)
            x->found = pp_an_take(d, f + 7, pp_an_span_of(f + 7, "_"));
    } else if (strstr(rest, "[enum]") || strstr(rest, "enum value") ||
               strstr(rest, "is not a valid enum")) {
        x->problem = PP_AN_P_ENUM;
    } else if (strstr(rest, "[pattern]") || strstr(rest, "does not match pattern")) {
        x->problem = PP_AN_P_PATTERN;
        const char *m = strstr(rest, "does not match pattern ");
        if (m)
            x->expected = pp_an_take(d, m + 23, strlen(m + 23));
        if ((k = bracket(rest, "string [", &e)))
            x->found = pp_an_take(d, k, (size_t)(e - k));
    }
    free(it);
}

void pp_an_properties(pp_an_dec *d, const char *s)
{
    pp_anatomy *a = d->a;
    const char *start = NULL;
    const char *pv = strstr(s, "Properties validation failed for resource ");
    if (pv) {
        const char *r = pv + strlen("Properties validation failed for resource ");
        pp_an_set(d, &a->prop_resource, r, strcspn(r, " "));
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
        x->path = pp_an_take(d, q + 19, (size_t)(pe - q - 19));
        x->expected = pp_an_take(d, t + 22, (size_t)(te - t - 22));
        x->text = pp_an_take(d, q, (size_t)(te - q + 1));
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

