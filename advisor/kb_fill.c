/* kb_fill.c — filling an entry's {capture} and {event_field} placeholders with what matched
 * (see kb_match.h): as text for explanations, shell-quoted for suggested commands. The values
 * come from AWS messages and events, so they are untrusted.
 */
#include "advisor/kb_match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

const char *pp_kb_event_field(const pp_event *ev, const char *name)
{
    static _Thread_local char num[16];
    if (!ev)
        return NULL;
    if (strcmp(name, "stack") == 0)
        return ev->stack;
    if (strcmp(name, "stack_id") == 0)
        return ev->stack_id;
    if (strcmp(name, "logical_id") == 0)
        return ev->logical_id;
    if (strcmp(name, "physical_id") == 0)
        return ev->physical_id && *ev->physical_id ? ev->physical_id : NULL;
    if (strcmp(name, "resource_type") == 0)
        return ev->resource_type;
    if (strcmp(name, "status") == 0)
        return ev->status;
    if (strcmp(name, "service") == 0)
        return ev->service;
    if (strcmp(name, "cluster") == 0)
        return ev->cluster;
    if (strcmp(name, "container") == 0)
        return ev->container;
    if (strcmp(name, "image") == 0)
        return ev->image;
    if (strcmp(name, "task_arn") == 0)
        return ev->task_arn;
    if (strcmp(name, "stop_code") == 0)
        return ev->stop_code;
    if (strcmp(name, "exit_code") == 0 && ev->exit_code != PP_EXIT_CODE_NONE) {
        snprintf(num, sizeof num, "%d", (int)ev->exit_code);
        return num;
    }
    return NULL;
}

/* 1 when v needs no quoting as a shell word: letters, digits and _@%+=:,./- only. */
static int shell_safe(const char *v)
{
    if (!*v)
        return 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (!isalnum(*p) && !strchr("_@%+=:,./-", *p))
            return 0;
    return 1;
}

/* pp_kb_fill; with `shell`, tmpl is a shell command: see pp_kb_fill_command. */
static pp_status fill(const char *tmpl, const pp_kb_hit *hit, const pp_event *ev, int shell,
                      char **out)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    const char *p = tmpl;
    char quote = 0;   /* the shell quote the template has open at p (shell only) */
    while (*p) {
        const char *br = strchr(p, '{');
        if (!br) {
            pp_buf_puts(&b, p);
            break;
        }
        for (const char *c = p; shell && c < br; c++)
            if ((*c == '\'' || *c == '"') && (!quote || quote == *c))
                quote = quote ? 0 : *c;
        pp_buf_append(&b, p, (size_t)(br - p));
        const char *q = br + 1;
        if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || *q == '_') {
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
        }
        if (*q != '}' || q == br + 1) {
            pp_buf_append(&b, "{", 1);
            p = br + 1;
            continue;
        }
        char name[64];
        size_t l = (size_t)(q - br - 1);
        if (l >= sizeof name)
            l = sizeof name - 1;
        memcpy(name, br + 1, l);
        name[l] = '\0';
        const char *cap = pp_kb_hit_capture(hit, name);
        const char *v = cap && *cap ? cap : pp_kb_event_field(ev, name);
        if (v && *v && shell && !quote)
            pp_shell_quote(&b, v);   /* engine/base/util.h */
        else if (v && *v && shell && !shell_safe(v))
            pp_buf_printf(&b, "<%s>", name);   /* inside the template's quotes: never paste
                                                   text that could end them */
        else if (v && *v)
            pp_buf_puts(&b, v);
        else if (!cap)
            pp_buf_printf(&b, "<%s>", name);   /* unknown here: the reader fills it in */
        p = q + 1;
    }
    /* every append above is checked at once: a piece dropped for lack of memory fails the
     * whole fill, never shortens the text */
    *out = pp_buf_finish(&b);
    return *out ? PP_OK : PP_E_NOMEM;
}

pp_status pp_kb_fill(const char *tmpl, const pp_kb_hit *hit, const pp_event *ev, char **out)
{
    return fill(tmpl, hit, ev, 0, out);
}

pp_status pp_kb_fill_command(const char *tmpl, const pp_kb_hit *hit, const pp_event *ev,
                             char **out)
{
    return fill(tmpl, hit, ev, 1, out);
}
