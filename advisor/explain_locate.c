/* explain_locate.c — from a root cause back to the template: `explain --template FILE`
 * (pp_explain_locate in explain.h).
 *
 * Data flow: the CLI loads the template with pp_doc_load (engine/doc.h, positions per edge) →
 * here: the event's logical id picks /Resources/ID; the decoded anatomy gives a property path
 * (Properties validation "#/A/B", or a validation field "a.b[0].c" walked case-insensitively
 * through the resource's Properties, since the API spells property names in camelCase) →
 * pp_doc_pos gives line and column → the line's text is quoted from the source.
 */
#include "advisor/explain.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/base/utf8.h"
#include "engine/base/util.h"

#define MAX_SEGMENTS 32

/* Splits a JSON pointer ("/a/b~1c") into unescaped segments in buf; returns the count. */
static size_t segments(const char *ptr, char seg[][256], size_t max)
{
    size_t n = 0;
    const char *p = ptr;
    while (*p == '/' && n < max) {
        p++;
        size_t k = 0;
        while (*p && *p != '/') {
            char c = *p++;
            if (c == '~' && (*p == '0' || *p == '1'))
                c = *p++ == '0' ? '~' : '/';
            if (k < 255)
                seg[n][k++] = c;
        }
        seg[n][k] = '\0';
        n++;
    }
    return n;
}

static int is_index(const char *s, size_t *out)
{
    long v;
    if (pp_parse_long(s, 0, 1000000, &v) != 0)
        return 0;
    *out = (size_t)v;
    return 1;
}

/* Walks segs[0..n) from v (an object/array of the document), keys matched exactly or else
 * case-insensitively; appends the template's spelling to *ptr. Returns how many segments were
 * found; *ptr is replaced (old string freed) as it grows. -1 on NOMEM. */
static int walk(json_t *v, char seg[][256], size_t n, char **ptr)
{
    size_t i = 0;
    for (; i < n; i++) {
        const char *s = seg[i];
        json_t *next = NULL;
        char *np = NULL;
        size_t idx;
        if (json_is_object(v)) {
            if (json_object_size(v) == 1 && (json_object_get(v, "Fn::If") ||
                                            json_object_get(v, "Ref")))
                break;   /* an intrinsic: the value is not written here */
            next = json_object_get(v, s);
            const char *key = s;
            if (!next) {
                const char *k;
                json_t *x;
                json_object_foreach(v, k, x) {
                    if (strcasecmp(k, s) == 0) {
                        next = x;
                        key = k;
                        break;
                    }
                }
            }
            if (next)
                np = pp_ptr_join(*ptr, key);
        } else if (json_is_array(v) && is_index(s, &idx) && idx < json_array_size(v)) {
            next = json_array_get(v, idx);
            np = pp_ptr_join_idx(*ptr, idx);
        }
        if (!next)
            break;
        if (!np)
            return -1;
        free(*ptr);
        *ptr = np;
        v = next;
    }
    return (int)i;
}

/* The line `line` (1-based) of src[0..len), without its newline, cut to 300 bytes. */
static char *line_text(const char *src, size_t len, unsigned line)
{
    const char *p = src, *end = src + len;
    for (unsigned l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n && p[n - 1] == '\r')
        n--;
    if (n > 300) {
        n = 300;
        n = pp_utf8_cut(p, n);
    }
    char *o = malloc(n + 1);
    if (o) {
        memcpy(o, p, n);
        o[n] = '\0';
    }
    return o;
}

/* The loaders place a value where it starts: for a block map or list in YAML that is the line
 * under its key. The line to change is the key's: when the key is written on one of the three
 * lines above, *pos moves to it. */
static void key_line(const char *src, size_t len, const char *ptr, pp_pos *pos)
{
    const char *slash = strrchr(ptr, '/');
    if (!slash || !slash[1] || pos->line < 2)
        return;
    char key[256];
    size_t k = 0;
    for (const char *p = slash + 1; *p && k < sizeof key - 1; p++) {
        char c = *p;
        if (c == '~' && (p[1] == '0' || p[1] == '1'))
            c = *++p == '0' ? '~' : '/';
        key[k++] = c;
    }
    key[k] = '\0';
    for (unsigned back = 0; back <= 3 && back < pos->line; back++) {
        char *t = line_text(src, len, pos->line - back);
        if (!t)
            return;
        const char *at = strstr(t, key);
        const char *after = at ? at + k : NULL;
        if (after && (*after == '"' || *after == '\''))
            after++;
        int is_key = after && *after == ':' &&
                     (at == t || strchr(" \t\"'-{,", at[-1]));
        if (is_key && back == 0) {
            free(t);
            return;   /* written on its own line already */
        }
        if (is_key) {
            pos->col = (unsigned)(at - t) + 1 - (at > t && (at[-1] == '"' || at[-1] == '\''));
            pos->line -= back;
            free(t);
            return;
        }
        free(t);
    }
}

/* Candidate property pointers (relative to Properties) from the anatomy, best first. */
static size_t candidates(const pp_anatomy *a, char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nprop && n < max; i++) {
        const pp_an_prop *x = &a->prop[i];
        const char *path = x->path ? x->path : "";
        if (x->problem == PP_AN_P_EXTRANEOUS_KEY && x->key) {
            char *j = pp_ptr_join(path, x->key);
            if (j)
                out[n++] = j;
        } else if ((out[n] = pp_strdup(path))) {
            n++;
        }
    }
    for (size_t i = 0; i < a->nviol && n < max; i++) {
        char *f = pp_an_field_pointer(a->viol[i].field);
        if (f)
            out[n++] = f;
    }
    return n;
}

static pp_status locate_one(pp_explain_root *r, const pp_event *ev, const pp_doc *doc,
                            const char *src, size_t len)
{
    json_t *res = json_object_get(json_object_get(doc->root, "Resources"), ev->logical_id);
    if (!json_is_object(res))
        return PP_OK;
    char *base = pp_ptr_join("/Resources", ev->logical_id);
    if (!base)
        return PP_E_NOMEM;
    char *best = pp_strdup(base);
    int exact = 0;
    json_t *props = json_object_get(res, "Properties");
    char *cand[PP_AN_MAX_ITEMS * 2];
    size_t nc = props ? candidates(&r->an, cand, PP_ARRAY_LEN(cand)) : 0;
    pp_status st = best ? PP_OK : PP_E_NOMEM;
    for (size_t i = 0; i < nc && st == PP_OK && !exact; i++) {
        char seg[MAX_SEGMENTS][256];
        size_t ns = segments(cand[i], seg, MAX_SEGMENTS);
        char *ptr = pp_ptr_join(base, "Properties");
        if (!ptr) {
            st = PP_E_NOMEM;
            break;
        }
        int got = walk(props, seg, ns, &ptr);
        /* an API field may start with the request's own name ("input.x.y"): try once more
         * without the first segment */
        if (got == 0 && ns > 1) {
            got = walk(props, seg + 1, ns - 1, &ptr);
            if (got >= 0)
                ns--;
        }
        if (got < 0) {
            st = PP_E_NOMEM;
        } else if ((size_t)got == ns || (got > 0 && strlen(ptr) > strlen(best))) {
            free(best);
            best = ptr;
            ptr = NULL;
            exact = (size_t)got == ns;
        }
        free(ptr);
    }
    for (size_t i = 0; i < nc; i++)
        free(cand[i]);
    free(base);
    if (st != PP_OK) {
        free(best);
        return st;
    }
    pp_pos pos;
    if (pp_doc_pos(doc, best, &pos) < 0) {
        free(best);
        return PP_OK;
    }
    key_line(src, len, best, &pos);
    r->loc.file = pp_strdup(doc->name);
    r->loc.line = pos.line;
    r->loc.column = pos.col;
    r->loc.pointer = best;
    r->loc.text = line_text(src, len, pos.line);
    r->loc.exact = exact;
    if (!r->loc.file || !r->loc.text) {
        free(r->loc.file);
        free(r->loc.text);
        free(r->loc.pointer);
        memset(&r->loc, 0, sizeof r->loc);
        return PP_E_NOMEM;
    }
    r->has_loc = 1;
    return PP_OK;
}

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

pp_status pp_explain_locate_stack(pp_explain *x, const pp_doc *doc, const char *src, size_t len,
                                  const char *stack_name, const char *stack_id)
{
    for (size_t i = 0; i < x->nroots; i++) {
        pp_explain_root *r = &x->roots[i];
        const pp_event *ev = &x->set->ev[r->event];
        if (!ev->logical_id || r->has_loc)
            continue;
        if ((stack_name || stack_id) && !same(ev->stack, stack_name) &&
            !same(ev->stack_id, stack_id) && !same(ev->stack, stack_id))
            continue;
        pp_status st = locate_one(r, ev, doc, src, len);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

pp_status pp_explain_locate(pp_explain *x, const pp_doc *doc, const char *src, size_t len)
{
    return pp_explain_locate_stack(x, doc, src, len, NULL, NULL);
}
