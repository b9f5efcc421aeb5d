/* check_par.c — `parapet check` on several cores: extra rule sets, each with its own Lua
 * state, load on their own threads while the template is read and resolved; then the
 * resources are cut into contiguous parts, one per rule set, evaluated at the same time, and
 * the parts' reports are merged in order. Findings keep the order a single rule set would
 * give (the sort that follows is stable), so the output does not depend on the split.
 *
 * The template is shared read-only: rules see it through views that never write to it, and
 * each rule set owns its evaluation state. Nothing else is shared between the threads.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eval.h"
#include "engine/finding.h"
#include "engine/template.h"
#include "engine/base/util.h"
#include "engine/check_par.h"

typedef struct part {
    pthread_t tid;
    int started;
    pp_ruleset *rs;
    const pp_rules_opts *opts;   /* for the loader */
    pp_status st;
    char *err;
    /* one evaluation */
    const pp_template *t;
    pp_eval_opts eo;
    pp_report rep;
} part;

struct pp_check_par {
    part p[PP_CHECK_PAR_MAX];
    size_t n;                    /* extra rule sets asked for */
    int loaded;                  /* loader threads joined */
};

static void *load_main(void *arg)
{
    part *p = arg;
    p->rs = pp_ruleset_load(p->opts, &p->st, &p->err);
    return NULL;
}

static void *eval_main(void *arg)
{
    part *p = arg;
    p->st = pp_eval_template(p->rs, p->t, &p->eo, &p->rep, &p->err);
    return NULL;
}

pp_check_par *pp_check_par_start(const pp_rules_opts *o, size_t extra)
{
    if (extra == 0)
        return NULL;
    pp_check_par *cp = calloc(1, sizeof *cp);
    if (!cp)
        return NULL;   /* no parallelism is a slower run, not a failed one */
    cp->n = extra < PP_CHECK_PAR_MAX ? extra : PP_CHECK_PAR_MAX;
    for (size_t i = 0; i < cp->n; i++) {
        part *p = &cp->p[i];
        p->opts = o;
        pp_report_init(&p->rep);
        p->started = pthread_create(&p->tid, NULL, load_main, p) == 0;
    }
    return cp;
}

/* Joins the loaders; the rule sets that failed to load (they loaded once already on the main
 * thread, so only memory can fail them) are dropped. Returns how many are usable. */
static size_t ready(pp_check_par *cp)
{
    if (!cp->loaded) {
        for (size_t i = 0; i < cp->n; i++) {
            if (cp->p[i].started)
                pthread_join(cp->p[i].tid, NULL);
            cp->p[i].started = 0;
            free(cp->p[i].err);
            cp->p[i].err = NULL;
        }
        size_t w = 0;
        for (size_t i = 0; i < cp->n; i++)
            if (cp->p[i].rs)
                cp->p[w++].rs = cp->p[i].rs;
        for (size_t i = w; i < cp->n; i++)
            cp->p[i].rs = NULL;
        cp->n = w;
        cp->loaded = 1;
    }
    return cp->n;
}

pp_status pp_check_par_eval(pp_check_par *cp, pp_ruleset *rs, const pp_template *t,
                            const pp_eval_opts *eo, pp_report *rep, char **err)
{
    size_t extra = cp ? ready(cp) : 0;
    size_t max_parts = t->nres / PP_CHECK_PAR_MIN_PART;
    if (extra + 1 > max_parts)
        extra = max_parts ? max_parts - 1 : 0;
    if (extra == 0)
        return pp_eval_template(rs, t, eo, rep, err);
    size_t parts = extra + 1, base = t->nres / parts, rest = t->nres % parts;
    if (eo->verbose)
        fprintf(stderr, "parapet: %s: %zu resources in %zu parts, one rule set each\n",
                t->doc->name, t->nres, parts);
    size_t first = base + (rest > 0);   /* part 0, on this thread */
    size_t next = first;
    for (size_t i = 0; i < extra; i++) {
        part *p = &cp->p[i];
        size_t len = base + (i + 1 < rest);
        p->t = t;
        p->eo = *eo;
        p->eo.first = next;
        p->eo.count = len;
        next += len;
        p->st = PP_OK;
        p->started = pthread_create(&p->tid, NULL, eval_main, p) == 0;
        if (!p->started)   /* no thread: this part runs here, after part 0 */
            p->started = -1;
    }
    pp_eval_opts e0 = *eo;
    e0.first = 0;
    e0.count = first;
    pp_status st = pp_eval_template(rs, t, &e0, rep, err);
    for (size_t i = 0; i < extra; i++) {
        part *p = &cp->p[i];
        if (p->started == 1)
            pthread_join(p->tid, NULL);
        else
            eval_main(p);
        p->started = 0;
    }
    /* merge in order, even after a failure, so nothing is left behind in the parts */
    for (size_t i = 0; i < extra; i++) {
        part *p = &cp->p[i];
        if (st == PP_OK && p->st != PP_OK) {
            st = p->st;
            if (err && !*err) {
                *err = p->err;
                p->err = NULL;
            }
        }
        free(p->err);
        p->err = NULL;
        if (pp_report_merge(rep, &p->rep) != PP_OK && st == PP_OK)
            st = pp_err(err, PP_E_NOMEM, "%s: out of memory merging the report", t->doc->name);
        pp_report_free(&p->rep);
    }
    return st;
}

void pp_check_par_free(pp_check_par *cp)
{
    if (!cp)
        return;
    ready(cp);
    for (size_t i = 0; i < cp->n; i++) {
        pp_ruleset_free(cp->p[i].rs);
        pp_report_free(&cp->p[i].rep);
    }
    free(cp);
}
