/* check.c — the one check pipeline (see check.h). */
#include "engine/check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/template.h"

#define SOURCE_LINE_MAX 300   /* bytes of a source line kept on a finding */
/* Inputs with at least this many resources are released on a thread of their own: freeing
 * 5,000 resources' values is about 8% of the run, done while the report is written. */
#define REAP_MIN_RESOURCES 1000

/* The release of one input's template and document on another thread. */
struct pp_check_reaper {
    pthread_t tid;
    pp_template *t;
    pp_doc *doc;
};

static void *reap_main(void *arg)
{
    struct pp_check_reaper *r = arg;
    pp_template_free(r->t);
    pp_doc_free(r->doc);
    return NULL;
}

/* Waits for the release in progress, if any. */
static void reap_join(pp_check *c)
{
    if (!c->reaper)
        return;
    pthread_join(c->reaper->tid, NULL);
    free(c->reaper);
    c->reaper = NULL;
}

/* Releases t (may be NULL) and doc: on a thread when one can be started, else here. */
static void reap(pp_check *c, pp_template *t, pp_doc *doc)
{
    reap_join(c);
    struct pp_check_reaper *r = malloc(sizeof *r);
    if (r) {
        r->t = t;
        r->doc = doc;
        if (pthread_create(&r->tid, NULL, reap_main, r) == 0) {
            c->reaper = r;
            return;
        }
        free(r);
    }
    pp_template_free(t);
    pp_doc_free(doc);
}

void pp_check_init(pp_check *c, pp_ruleset *rs, pp_check_par *par, const pp_check_opts *o)
{
    memset(c, 0, sizeof *c);
    c->rs = rs;
    c->par = par;
    c->o = *o;
    pp_report_init(&c->rep);
}

void pp_check_free(pp_check *c)
{
    if (!c)
        return;
    reap_join(c);
    pp_report_free(&c->rep);
    memset(c, 0, sizeof *c);
}

void pp_check_for_format(pp_check_opts *o, pp_format fmt)
{
    if (fmt == PP_OUT_JUNIT)
        o->eval.show_passed = 1;
}

int pp_check_fails(const pp_finding *f, pp_severity fail_on, pp_unknown_policy up)
{
    if (f->status == PP_ST_ERROR)
        return 1;
    if (f->severity < fail_on)
        return 0;
    return f->status == PP_ST_FAIL || (f->status == PP_ST_UNKNOWN && up == PP_UNKNOWN_FAIL);
}

int pp_report_failing(const pp_report *r, pp_severity fail_on, pp_unknown_policy up)
{
    for (size_t i = 0; i < r->nf; i++)
        if (pp_check_fails(&r->f[i], fail_on, up))
            return 1;
    return 0;
}

/* Line starts of a buffer, built once per input when it has findings with lines. */
typedef struct line_index {
    size_t *start;   /* start[i] = offset of line i+1 */
    size_t n;
} line_index;

static void line_index_build(line_index *li, const char *buf, size_t len)
{
    size_t n = 1;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + len - p))) != NULL; p++)
        n++;
    li->start = malloc(n * sizeof *li->start);
    li->n = 0;
    if (!li->start)
        return;   /* source lines are optional: without memory the findings have none */
    li->start[li->n++] = 0;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n')
            li->start[li->n++] = i + 1;
}

/* Copies line `line` (1-based) into a new string (at most SOURCE_LINE_MAX bytes, cut at a
 * character boundary), or NULL. */
static char *line_of(const line_index *li, const char *buf, size_t len, unsigned line)
{
    if (!li->start || line == 0 || line > li->n)
        return NULL;
    const char *p = buf + li->start[line - 1];
    /* only as far as what is kept: a one-line JSON template is one very long line */
    size_t rest = (size_t)(buf + len - p);
    size_t scan = rest < SOURCE_LINE_MAX + 2 ? rest : SOURCE_LINE_MAX + 2;
    const char *nl = memchr(p, '\n', scan);
    size_t n = scan;   /* longer than SOURCE_LINE_MAX + 1: cut below, where it ends is moot */
    if (nl || scan == rest) {
        n = nl ? (size_t)(nl - p) : rest;
        if (n && p[n - 1] == '\r')
            n--;
    }
    if (n > SOURCE_LINE_MAX) {
        n = SOURCE_LINE_MAX;
        while (n && ((unsigned char)p[n] & 0xC0) == 0x80)
            n--;   /* never end inside a UTF-8 sequence */
    }
    return strndup(p, n);
}

static void attach_lines(pp_report *rep, size_t from, const char *buf, size_t len)
{
    if (!buf || rep->nf <= from)
        return;
    line_index li;
    line_index_build(&li, buf, len);
    for (size_t k = from; k < rep->nf; k++)
        if (!rep->f[k].source_line)
            rep->f[k].source_line = line_of(&li, buf, len, rep->f[k].line);
    free(li.start);
}

/* pp_check_doc with the time the document took to load (for --verbose timings). With keep,
 * a large template is handed to *keep instead of freed (the caller releases it). */
static pp_status check_doc(pp_check *c, const pp_doc *doc, const char *buf, size_t len,
                           unsigned line, uint64_t load_us, char **err, pp_template **keep)
{
    pp_status st = PP_OK;
    uint64_t t0 = pp_now_us();
    pp_template *t = pp_template_build(doc, &c->o.resolve, &st, err);
    if (!t) {
        if (st == PP_OK)
            st = PP_E_TEMPLATE;
        if (st != PP_E_NOMEM)
            pp_check_input_error(c, doc->name, err ? *err : NULL);
        return st;
    }
    uint64_t t1 = pp_now_us();
    size_t before = c->rep.nf;
    st = pp_check_par_eval(c->par, c->rs, t, &c->o.eval, &c->rep, err);
    for (size_t i = before; line && i < c->rep.nf; i++)
        if (c->rep.f[i].line == 0)
            c->rep.f[i].line = line;
    if (c->o.timings)
        fprintf(stderr, "parapet: %s: load %.1f ms, resolve %.1f ms, evaluate %.1f ms\n",
                doc->name, (double)load_us / 1000, (double)(t1 - t0) / 1000,
                (double)(pp_now_us() - t1) / 1000);
    if (keep && t->nres >= REAP_MIN_RESOURCES)
        *keep = t;
    else
        pp_template_free(t);
    attach_lines(&c->rep, before, buf, len);
    c->rep.files++;
    if (st != PP_OK && st != PP_E_NOMEM)
        pp_check_input_error(c, doc->name, err ? *err : NULL);
    return st;
}

pp_status pp_check_doc(pp_check *c, const pp_doc *doc, const char *buf, size_t len,
                       unsigned line, char **err)
{
    return check_doc(c, doc, buf, len, line, 0, err, NULL);
}

pp_status pp_check_input(pp_check *c, const char *name, const char *buf, size_t len, char **err)
{
    pp_status st = PP_OK;
    uint64_t t0 = pp_now_us();
    pp_doc *doc = pp_doc_load(name, buf, len, PP_FMT_AUTO, c->o.resolve.limits, &st, err);
    if (!doc) {
        if (st != PP_E_NOMEM)
            pp_check_input_error(c, name, err ? *err : NULL);
        return st != PP_OK ? st : PP_E_PARSE;
    }
    pp_template *big = NULL;
    st = check_doc(c, doc, buf, len, 0, pp_now_us() - t0, err, &big);
    if (big)
        reap(c, big, doc);
    else
        pp_doc_free(doc);
    return st;
}

void pp_check_input_error(pp_check *c, const char *name, const char *err)
{
    c->input_errors++;
    (void)pp_report_input_error(&c->rep, name, err);   /* without memory: stderr still has it */
}

void pp_check_finish(pp_check *c)
{
    pp_report *rep = &c->rep;
    if (c->o.unknown == PP_UNKNOWN_PASS) {
        /* UNKNOWN counted as passed: dropped from the list unless passed findings are shown,
         * and its count moved */
        size_t w = 0;
        for (size_t k = 0; k < rep->nf; k++) {
            if (rep->f[k].status == PP_ST_UNKNOWN && !c->o.eval.show_passed) {
                pp_finding_clear(&rep->f[k]);
                continue;
            }
            if (rep->f[k].status == PP_ST_UNKNOWN)
                rep->f[k].status = PP_ST_PASS;
            rep->f[w++] = rep->f[k];
        }
        rep->nf = w;
        rep->n_status[PP_ST_PASS] += rep->n_status[PP_ST_UNKNOWN];
        rep->n_status[PP_ST_UNKNOWN] = 0;
    }
    pp_report_sort(rep);
}
