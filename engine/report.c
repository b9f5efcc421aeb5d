/* report.c — the pp_report container (findings, counters, warnings), its stable sort, the
 * severity/status/format names, and the dispatch to the four writers.
 *
 * Data flow: eval.c fills a pp_report with pp_report_add / pp_report_count; a front end sorts
 * it and calls pp_report_write, which hands it to report_text.c, report_json.c,
 * report_sarif.c or report_junit.c. Helpers the writers share live here too (report_priv.h).
 */
#include "engine/finding.h"
#include "engine/base/crypto.h"
#include "engine/base/json_write.h"
#include "engine/report_priv.h"
#include "engine/base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names ---------------------------------------------------------------------------- */

static const char *const severity_names[] = { "info", "low", "medium", "high", "critical" };
static const char *const fstatus_names[] = { "FAIL", "ERROR", "UNKNOWN", "SUPPRESSED", "PASS",
                                             "SKIP" };
static const char *const format_names[] = { "text", "json", "sarif", "junit", "codequality" };

const char *pp_severity_name(pp_severity s)
{
    if ((unsigned)s < PP_ARRAY_LEN(severity_names))
        return severity_names[s];
    return "unknown";
}

int pp_severity_parse(const char *s, pp_severity *out)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < PP_ARRAY_LEN(severity_names); i++) {
        if (strcasecmp(s, severity_names[i]) == 0) {
            *out = (pp_severity)i;
            return 0;
        }
    }
    return -1;
}

const char *pp_fstatus_name(pp_fstatus s)
{
    if ((unsigned)s < PP_ARRAY_LEN(fstatus_names))
        return fstatus_names[s];
    return "INVALID";
}

int pp_format_parse(const char *s, pp_format *out)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < PP_ARRAY_LEN(format_names); i++) {
        if (strcasecmp(s, format_names[i]) == 0) {
            *out = (pp_format)i;
            return 0;
        }
    }
    return -1;
}

/* ---- container ------------------------------------------------------------------------ */

void pp_report_init(pp_report *r)
{
    memset(r, 0, sizeof *r);
}

static void strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

void pp_finding_clear(pp_finding *f)
{
    if (!f)
        return;
    if (f->block) {
        free(f->block);
        free(f->source_line);
        memset(f, 0, sizeof *f);
        return;
    }
    free(f->rule_id);
    strv_free(f->controls);
    free(f->file);
    free(f->resource);
    free(f->resource_type);
    free(f->path);
    free(f->message);
    free(f->fix);
    free(f->docs);
    free(f->cdk_path);
    free(f->suppress_reason);
    free(f->source_line);
    memset(f, 0, sizeof *f);
}

/* Duplicates *src into *dst (which is overwritten): the strings and the controls array in one
 * allocation (dst->block), source_line on its own since check.c attaches it later. 0 ok; -1
 * with *dst cleared on NOMEM. A verdict costs one malloc here instead of a dozen. */
static int finding_copy(pp_finding *dst, const pp_finding *src)
{
    memset(dst, 0, sizeof *dst);
    dst->severity = src->severity;
    dst->status = src->status;
    dst->line = src->line;
    dst->column = src->column;
    /* Each pair: the source string and where its copy goes. */
    struct { const char *s; char **d; } strs[] = {
        { src->rule_id, &dst->rule_id },         { src->file, &dst->file },
        { src->resource, &dst->resource },       { src->resource_type, &dst->resource_type },
        { src->path, &dst->path },               { src->message, &dst->message },
        { src->fix, &dst->fix },                 { src->docs, &dst->docs },
        { src->cdk_path, &dst->cdk_path },       { src->suppress_reason, &dst->suppress_reason },
    };
    size_t len[PP_ARRAY_LEN(strs)], nc = 0, total = 0;
    for (size_t i = 0; i < PP_ARRAY_LEN(strs); i++) {
        len[i] = strs[i].s ? strlen(strs[i].s) + 1 : 0;
        total += len[i];
    }
    if (src->controls) {
        while (src->controls[nc])
            total += strlen(src->controls[nc++]) + 1;
        if (nc + 1 > (SIZE_MAX - total) / sizeof(char *))
            return -1;
        total += (nc + 1) * sizeof(char *);
    }
    char *mem = total ? malloc(total) : NULL;
    if (total && !mem)
        return -1;
    char *p = mem;
    if (src->controls) {   /* the pointer array first: malloc's alignment is the array's */
        dst->controls = (char **)(void *)p;
        p += (nc + 1) * sizeof(char *);
        for (size_t i = 0; i < nc; i++) {
            size_t n = strlen(src->controls[i]) + 1;
            dst->controls[i] = memcpy(p, src->controls[i], n);
            p += n;
        }
        dst->controls[nc] = NULL;
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(strs); i++) {
        if (!strs[i].s)
            continue;
        *strs[i].d = memcpy(p, strs[i].s, len[i]);
        p += len[i];
    }
    dst->block = mem;
    if (src->source_line && !(dst->source_line = pp_strdup(src->source_line))) {
        pp_finding_clear(dst);
        return -1;
    }
    return 0;
}

pp_status pp_report_add(pp_report *r, const pp_finding *f)
{
    if ((unsigned)f->status >= PP_ARRAY_LEN(r->n_status))
        return PP_E_INTERNAL;
    if (r->nf == r->af) {
        size_t na = r->af ? r->af * 2 : 16;
        if (na < r->af || na > SIZE_MAX / sizeof *r->f)
            return PP_E_NOMEM;
        pp_finding *nfp = realloc(r->f, na * sizeof *nfp);
        if (!nfp)
            return PP_E_NOMEM;
        r->f = nfp;
        r->af = na;
    }
    if (finding_copy(&r->f[r->nf], f) != 0)
        return PP_E_NOMEM;
    r->nf++;
    r->n_status[f->status]++;
    return PP_OK;
}

void pp_report_count(pp_report *r, pp_fstatus st)
{
    if ((unsigned)st < PP_ARRAY_LEN(r->n_status))
        r->n_status[st]++;
}

pp_status pp_report_warn(pp_report *r, const char *msg)
{
    if (r->nwarnings >= SIZE_MAX / sizeof *r->warnings - 2)
        return PP_E_NOMEM;
    char *copy = pp_strdup(msg ? msg : "");
    if (!copy)
        return PP_E_NOMEM;
    char **nw = realloc(r->warnings, (r->nwarnings + 2) * sizeof *nw);
    if (!nw) {
        free(copy);
        return PP_E_NOMEM;
    }
    nw[r->nwarnings++] = copy;
    nw[r->nwarnings] = NULL;
    r->warnings = nw;
    return PP_OK;
}

/* Reads "LINE:COL: " (or "LINE: ") at *p: the numbers into *line / *col, *p past them. */
static void take_position(const char **p, unsigned *line, unsigned *col)
{
    char *end = NULL;
    unsigned long l = strtoul(*p, &end, 10);
    if (end == *p || *end != ':' || l == 0 || l > 0xFFFFFFFFul)
        return;
    *line = (unsigned)l;
    *p = end + 1;
    unsigned long c = strtoul(*p, &end, 10);
    if (end != *p && *end == ':' && c <= 0xFFFFFFFFul) {
        *col = (unsigned)c;
        *p = end + 1;
    }
    while (**p == ' ')
        (*p)++;
}

pp_status pp_report_input_error(pp_report *r, const char *file, const char *err)
{
    if (r->ninput_errors >= SIZE_MAX / sizeof *r->input_errors - 1)
        return PP_E_NOMEM;
    pp_input_error e = {0};
    const char *m = err ? err : "could not be read";
    size_t fl = file ? strlen(file) : 0;
    if (fl && strncmp(m, file, fl) == 0 && m[fl] == ':') {
        m += fl + 1;
        take_position(&m, &e.line, &e.column);
    }
    e.file = pp_strdup(file ? file : "<input>");
    e.message = pp_strdup(m);
    pp_input_error *ne = e.file && e.message
        ? realloc(r->input_errors, (r->ninput_errors + 1) * sizeof *ne) : NULL;
    if (!ne) {
        free(e.file);
        free(e.message);
        return PP_E_NOMEM;
    }
    ne[r->ninput_errors++] = e;
    r->input_errors = ne;
    return PP_OK;
}

pp_status pp_report_merge(pp_report *dst, pp_report *src)
{
    if (src->nf > SIZE_MAX / sizeof *dst->f - dst->nf)
        return PP_E_NOMEM;
    size_t need = dst->nf + src->nf;
    if (need > dst->af) {
        pp_finding *nf = realloc(dst->f, need * sizeof *nf);
        if (!nf && need)
            return PP_E_NOMEM;
        dst->f = nf;
        dst->af = need;
    }
    /* warnings first: the only step after which failure is possible is done before any move */
    size_t nw = dst->nwarnings;
    for (size_t i = 0; i < src->nwarnings; i++) {
        int dup = 0;
        for (size_t k = 0; k < nw && !dup; k++)
            dup = strcmp(dst->warnings[k], src->warnings[i]) == 0;
        if (!dup && pp_report_warn(dst, src->warnings[i]) != PP_OK) {
            while (dst->nwarnings > nw)
                free(dst->warnings[--dst->nwarnings]);
            if (dst->warnings)
                dst->warnings[nw] = NULL;
            return PP_E_NOMEM;
        }
    }
    if (src->nf)
        memcpy(dst->f + dst->nf, src->f, src->nf * sizeof *src->f);
    dst->nf = need;
    for (size_t i = 0; i < PP_ARRAY_LEN(dst->n_status); i++)
        dst->n_status[i] += src->n_status[i];
    dst->files += src->files;
    dst->resources += src->resources;
    dst->unjudged += src->unjudged;
    if (!dst->rules_info) {
        dst->rules = src->rules;
        dst->rules_info = src->rules_info;
    }
    free(src->f);
    src->f = NULL;
    src->nf = src->af = 0;
    pp_report_free(src);
    return PP_OK;
}

void pp_report_free(pp_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nf; i++)
        pp_finding_clear(&r->f[i]);
    free(r->f);
    strv_free(r->warnings);
    for (size_t i = 0; i < r->ninput_errors; i++) {
        free(r->input_errors[i].file);
        free(r->input_errors[i].message);
    }
    free(r->input_errors);
    pp_report_init(r);
}

/* ---- sort ----------------------------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return -1;
    if (!b)
        return 1;
    return strcmp(a, b);
}

static int cmp_finding(const pp_finding *a, const pp_finding *b)
{
    int c = cmp_str(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    c = cmp_str(a->rule_id, b->rule_id);
    if (c)
        return c;
    return cmp_str(a->resource, b->resource);
}

/* Bottom-up merge sort of v[0..n) using tmp[0..n); stable because ties take the left run. */
static void merge_sort(pp_finding *v, pp_finding *tmp, size_t n)
{
    pp_finding *src = v, *dst = tmp;
    for (size_t width = 1; width < n; width = width > n / 2 ? n : width * 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = cmp_finding(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        pp_finding *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
}

void pp_report_sort(pp_report *r)
{
    if (!r || r->nf < 2)
        return;
    pp_finding *tmp = malloc(r->nf * sizeof *tmp);
    if (tmp) {
        merge_sort(r->f, tmp, r->nf);
        free(tmp);
        return;
    }
    /* No memory for the scratch array: insertion sort gives the same stable order. */
    for (size_t i = 1; i < r->nf; i++) {
        pp_finding x = r->f[i];
        size_t j = i;
        while (j > 0 && cmp_finding(&r->f[j - 1], &x) > 0) {
            r->f[j] = r->f[j - 1];
            j--;
        }
        r->f[j] = x;
    }
}

/* ---- helpers shared by the writers ---------------------------------------------------- */

int pp_report_fingerprint(const char *const key[5], char out[65])
{
    /* each part and its NUL, on the stack when they fit (no formatting, usually no malloc) */
    char small[1024];
    size_t len[5], total = 0;
    for (size_t i = 0; i < 5; i++)
        total += len[i] = (key[i] ? strlen(key[i]) : 0) + 1;
    char *k = total <= sizeof small ? small : malloc(total);
    if (!k)
        return -1;
    char *p = k;
    for (size_t i = 0; i < 5; i++) {
        memcpy(p, key[i] ? key[i] : "", len[i]);
        p += len[i];
    }
    pp_sha256_hex(k, total, out);
    if (k != small)
        free(k);
    return 0;
}

int pp_report_visible(const pp_finding *f, const pp_write_opts *o)
{
    if (f->status == PP_ST_PASS || f->status == PP_ST_SKIP)
        return o && o->show_passed;
    return 1;
}

const pp_rule_info *pp_report_rule(const pp_report *r, const char *id, size_t *index)
{
    if (!r->rules_info || !id)
        return NULL;
    for (size_t i = 0; i < r->rules; i++) {
        if (r->rules_info[i].id && strcmp(r->rules_info[i].id, id) == 0) {
            if (index)
                *index = i;
            return &r->rules_info[i];
        }
    }
    return NULL;
}

/* Same key for both groupings: file, then (rule id when by rule), then resource. */
static int same_group(const pp_finding *a, const pp_finding *b, int by_rule)
{
    return cmp_str(a->file, b->file) == 0 && (!by_rule || cmp_str(a->rule_id, b->rule_id) == 0) &&
           cmp_str(a->resource, b->resource) == 0;
}

static int cmp_entry_key(const pp_report_entry *a, const pp_report_entry *b, int by_rule)
{
    int c = cmp_str(a->f->file, b->f->file);
    if (!c && by_rule)
        c = cmp_str(a->f->rule_id, b->f->rule_id);
    if (!c)
        c = cmp_str(a->f->resource, b->f->resource);
    if (!c)
        c = a->idx < b->idx ? -1 : a->idx > b->idx;
    return c;
}

static int cmp_entry_resource(const void *a, const void *b)
{
    return cmp_entry_key(a, b, 0);
}

static int cmp_entry_rule(const void *a, const void *b)
{
    return cmp_entry_key(a, b, 1);
}

static int cmp_entry_first(const void *pa, const void *pb)
{
    const pp_report_entry *a = pa, *b = pb;
    if (a->file_first != b->file_first)
        return a->file_first < b->file_first ? -1 : 1;
    if (a->group_first != b->group_first)
        return a->group_first < b->group_first ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

pp_report_entry *pp_report_group(const pp_report *r, const pp_write_opts *o, int by_rule,
                                 size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nf; i++)
        k += pp_report_visible(&r->f[i], o) ? 1 : 0;
    *n = k;
    if (!k)
        return NULL;
    pp_report_entry *e = calloc(k, sizeof *e);
    if (!e)
        return NULL;
    k = 0;
    for (size_t i = 0; i < r->nf; i++)
        if (pp_report_visible(&r->f[i], o))
            e[k++] = (pp_report_entry){ .f = &r->f[i], .idx = i };
    /* Sorted by (key, idx), every file and every group is a run led by its smallest idx;
     * re-sorting by those leaders gives first-appearance order. */
    qsort(e, k, sizeof *e, by_rule ? cmp_entry_rule : cmp_entry_resource);
    for (size_t a = 0; a < k;) {
        size_t b = a, file_first = SIZE_MAX;
        while (b < k && cmp_str(e[b].f->file, e[a].f->file) == 0)
            b++;
        for (size_t g = a; g < b;) {
            size_t h = g;
            while (h < b && same_group(e[h].f, e[g].f, by_rule))
                h++;
            for (size_t x = g; x < h; x++)
                e[x].group_first = e[g].idx;
            if (e[g].idx < file_first)
                file_first = e[g].idx;
            g = h;
        }
        for (size_t x = a; x < b; x++)
            e[x].file_first = file_first;
        a = b;
    }
    qsort(e, k, sizeof *e, cmp_entry_first);
    return e;
}

/* Length of the valid UTF-8 sequence at s (1–4), or 0 when it is invalid, overlong, a
 * surrogate or above U+10FFFF. Never reads past a NUL: it is not a continuation byte. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

char *pp_report_utf8(const char *s)
{
    if (!s)
        return NULL;
    pp_buf b;
    pp_buf_init(&b, 0);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        pp_status st = n ? pp_buf_append(&b, p, n) : pp_buf_puts(&b, "\xEF\xBF\xBD");
        if (st != PP_OK) {
            pp_buf_free(&b);
            return NULL;
        }
        p += n ? n : 1;
    }
    return pp_buf_steal(&b);
}

json_t *pp_report_jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    /* json_string refuses invalid UTF-8 (rule output is arbitrary bytes): repair and retry. */
    char *clean = pp_report_utf8(s);
    if (!clean)
        return NULL;
    j = json_string(clean);
    free(clean);
    return j;
}

size_t pp_report_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        while (*p && *p < 0x80)
            p++;
        size_t n = *p ? utf8_len(p) : 0;
        if (!*p)
            return (size_t)((const char *)p - s);
        if (!n)
            return (size_t)-1;
        p += n;
    }
}

void pp_report_jw_str(pp_jw *w, const char *s)
{
    if (!s) {
        pp_jw_null(w);
        return;
    }
    /* the usual text, printable ASCII with nothing to escape: one pass, one copy */
    size_t plain = 0;
    while (pp_jw_plain_byte[(unsigned char)s[plain]])
        plain++;
    if (!s[plain]) {
        pp_jw_plain(w, s, plain);
        return;
    }
    size_t len = pp_report_utf8_valid(s);
    if (len != (size_t)-1) {
        pp_jw_strn(w, s, len);
        return;
    }
    char *clean = pp_report_utf8(s);   /* as pp_report_jstr: invalid bytes become U+FFFD */
    if (!clean) {
        if (w->st == PP_OK)
            w->st = PP_E_NOMEM;
        return;
    }
    pp_jw_strn(w, clean, strlen(clean));
    free(clean);
}

void pp_report_jw_strv(pp_jw *w, char *const *v)
{
    pp_jw_open(w, '[');
    for (size_t i = 0; v && v[i]; i++)
        pp_report_jw_str(w, v[i]);
    pp_jw_close(w, ']');
}

pp_status pp_report_put(pp_buf *b, FILE *out)
{
    pp_status st = pp_buf_append(b, "\n", 1);
    int ok = st == PP_OK && fwrite(b->data, 1, b->len, out) == b->len;
    pp_buf_free(b);
    if (st != PP_OK)
        return st;
    return ok ? PP_OK : PP_E_IO;
}

json_t *pp_report_jstrv(char *const *v)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t i = 0; v && v[i]; i++) {
        if (json_array_append_new(a, pp_report_jstr(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

pp_status pp_report_dump(const json_t *j, FILE *out)
{
    /* Into memory, then one write: jansson's dumper was the largest cost of big reports
     * (json_write.h says why). */
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_status st = pp_json_write(j, 2, &b);
    if (st == PP_OK)
        st = pp_buf_append(&b, "\n", 1);
    int ok = st == PP_OK && fwrite(b.data, 1, b.len, out) == b.len;
    pp_buf_free(&b);
    if (st != PP_OK)
        return st;
    return ok ? PP_OK : PP_E_IO;
}

/* ---- dispatch ------------------------------------------------------------------------- */

pp_status pp_report_write(const pp_report *r, pp_format fmt, const pp_write_opts *o, FILE *out)
{
    static const pp_write_opts defaults = { 0 };
    if (!o)
        o = &defaults;
    pp_status st;
    switch (fmt) {
    case PP_OUT_TEXT: st = pp_report_write_text(r, o, out); break;
    case PP_OUT_JSON: st = pp_report_write_json(r, o, out); break;
    case PP_OUT_SARIF: st = pp_report_write_sarif(r, o, out); break;
    case PP_OUT_JUNIT: st = pp_report_write_junit(r, o, out); break;
    case PP_OUT_CODEQUALITY: st = pp_report_write_codequality(r, o, out); break;
    default: return PP_E_USAGE;
    }
    if (st != PP_OK)
        return st;
    if (fflush(out) != 0 || ferror(out))
        return PP_E_IO;
    return PP_OK;
}
