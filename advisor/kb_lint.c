/* kb_lint.c — `parapet kb lint`: every entry's examples must match the entry itself, its
 * placeholders must name captures or event fields, and its prevented_by rules must exist
 * (see kb.h). Reads the loaded entries only; writes the report to a buffer.
 */
#include "advisor/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/kb_match.h"
#include "engine/base/util.h"

static int has_name(const pp_kb_entry *e, const char *name, size_t len)
{
    for (char **n = e->names; n && *n; n++)
        if (strlen(*n) == len && memcmp(*n, name, len) == 0)
            return 1;
    for (size_t i = 0; pp_kb_event_fields[i]; i++)
        if (strlen(pp_kb_event_fields[i]) == len && memcmp(pp_kb_event_fields[i], name, len) == 0)
            return 1;
    return 0;
}

/* Placeholders of one template string that are neither a group nor an event field. */
static void lint_template(const pp_kb_entry *e, const char *t, const char *where, pp_buf *r,
                          size_t *np)
{
    for (const char *p = t; (p = strchr(p, '{'));) {
        const char *q = p + 1;
        if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || *q == '_')) {
            p++;
            continue;
        }
        while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
               *q == '_')
            q++;
        if (*q == '}' && !has_name(e, p + 1, (size_t)(q - p - 1))) {
            pp_buf_printf(r, "%s:%u: %s: expected {%.*s} to be a named group of the pattern or an "
                             "event field\n",
                          e->file, e->line, where, (int)(q - p - 1), p + 1);
            (*np)++;
        }
        p = q;
    }
}

/* Every {group} a fix step uses must be captured (non-empty) by each example. */
static void lint_fix_captures(const pp_kb_entry *e, const pp_kb_hit *hit, size_t ex, pp_buf *r,
                              size_t *np)
{
    size_t k;
    json_t *s;
    json_array_foreach(e->fix, k, s) {
        for (char **n = e->names; n && *n; n++) {
            char ph[80];
            snprintf(ph, sizeof ph, "{%s}", *n);
            const char *got = pp_kb_hit_capture(hit, *n);
            if (strstr(json_string_value(s), ph) && (!got || !*got)) {
                pp_buf_printf(r, "%s:%u: examples[%zu]: fix[%zu] uses {%s} but the example "
                                 "does not capture it\n",
                              e->file, e->line, ex, k, *n);
                (*np)++;
            }
        }
    }
}

size_t pp_kb_lint(pp_kb *kb, pp_buf *r)
{
    size_t np = 0;
    for (size_t i = 0; i < kb->n; i++) {
        pp_kb_entry *e = &kb->e[i];
        lint_template(e, e->explanation, "explanation", r, &np);
        json_t *lists[] = {e->fix, e->commands};
        const char *names[] = {"fix", "commands"};
        for (size_t l = 0; l < 2; l++) {
            size_t k;
            json_t *s;
            json_array_foreach(lists[l], k, s) {
                char where[32];
                snprintf(where, sizeof where, "%s[%zu]", names[l], k);
                lint_template(e, json_string_value(s), where, r, &np);
            }
        }
        size_t k;
        json_t *x;
        json_array_foreach(e->examples, k, x) {
            const char *msg = json_string_value(json_object_get(x, "message"));
            const char *rt = json_string_value(json_object_get(x, "resource_type"));
            const char *st = json_string_value(json_object_get(x, "status"));
            pp_kb_hit hit;
            pp_status ms = pp_kb_match(kb, msg, rt, st, &hit);
            if (ms == PP_E_NOTFOUND) {
                pp_buf_printf(r, "%s:%u: examples[%zu]: no entry matches it (expected %s)\n",
                              e->file, e->line, k, e->id);
                np++;
                continue;
            }
            if (ms != PP_OK) {
                pp_buf_printf(r, "%s: examples[%zu]: %s\n", e->file, k, pp_status_name(ms));
                np++;
                continue;
            }
            /* The wording decides cascades: an example must have its entry's role. */
            pp_kb_role role = pp_kb_role_of(kb, msg);
            if (role != e->role) {
                pp_buf_printf(r, "%s:%u: examples[%zu]: classified as %s, expected %s (role of "
                                 "%s)\n",
                              e->file, e->line, k, pp_kb_role_name(role),
                              pp_kb_role_name(e->role), e->id);
                np++;
            }
            if (hit.entry != i && kb->e[hit.entry].broad && !e->broad) {
                pp_buf_printf(r, "%s:%u: examples[%zu]: won by the broad entry %s (%s) over the "
                                 "specific %s\n",
                              e->file, e->line, k, kb->e[hit.entry].id, kb->e[hit.entry].file,
                              e->id);
                np++;
            } else if (hit.entry != i) {
                pp_buf_printf(r, "%s:%u: examples[%zu]: matched best by %s (%s), expected %s\n",
                              e->file, e->line, k, kb->e[hit.entry].id, kb->e[hit.entry].file,
                              e->id);
                np++;
            } else {
                const char *ck;
                json_t *cv;
                json_object_foreach(json_object_get(x, "captures"), ck, cv) {
                    const char *got = pp_kb_hit_capture(&hit, ck);
                    if (!got || strcmp(got, json_string_value(cv)) != 0) {
                        pp_buf_printf(r, "%s:%u: examples[%zu]: capture %s is \"%s\", expected "
                                         "\"%s\"\n",
                                      e->file, e->line, k, ck, got ? got : "(none)",
                                      json_string_value(cv));
                        np++;
                    }
                }
                lint_fix_captures(e, &hit, k, r, &np);
            }
            pp_kb_hit_free(&hit);
        }
    }
    return np;
}

size_t pp_kb_lint_links(const pp_kb *kb, const char *const *rule_ids, size_t nrules,
                        pp_buf *r)
{
    size_t np = 0;
    for (size_t i = 0; i < kb->n; i++) {
        const pp_kb_entry *e = &kb->e[i];
        size_t k;
        json_t *x;
        json_array_foreach(e->prevented_by, k, x) {
            const char *id = json_string_value(x);
            int found = 0;
            for (size_t j = 0; j < nrules && !found; j++)
                found = strcmp(rule_ids[j], id) == 0;
            if (!found) {
                pp_buf_printf(r, "%s:%u: prevented_by[%zu]: expected the id of a rule in the "
                                 "rules folders, not \"%s\"\n",
                              e->file, e->line, k, id);
                np++;
            }
        }
    }
    return np;
}
