/* triage.c — store / trigger / ignore for one failure event, and the explanation of what was
 * kept (rules in triage.h). */
#include "advisor/triage.h"

#include <stdlib.h>
#include <string.h>

#include "advisor/rootcause.h"
#include "engine/base/util.h"

const char *pp_triage_action_name(pp_triage_action a)
{
    return a == PP_TRIAGE_STORE ? "store" : a == PP_TRIAGE_TRIGGER ? "trigger" : "ignore";
}

void pp_triage_free(pp_triage *t)
{
    if (!t)
        return;
    free(t->scope);
    free(t->stack_id);
    free(t->cluster);
    memset(t, 0, sizeof *t);
}

/* Which action a failed record of this source asks for. */
static pp_triage_action action_of(const pp_event *e)
{
    switch (e->source) {
    case PP_SRC_EB_CFN_STACK:
    case PP_SRC_EB_ECS_DEPLOYMENT:
        return PP_TRIAGE_TRIGGER;
    case PP_SRC_EB_CFN_RESOURCE:
    case PP_SRC_EB_ECS_SERVICE_ACTION:
        return PP_TRIAGE_STORE;
    case PP_SRC_EB_ECS_TASK:
    case PP_SRC_ECS_CONTAINER:
        /* a task of a service waits for the service's deployment event; one no service
         * started has nothing else coming */
        return e->service ? PP_TRIAGE_STORE : PP_TRIAGE_TRIGGER;
    default:
        return PP_TRIAGE_IGNORE;   /* not an EventBridge shape */
    }
}

static int dup_into(char **dst, const char *src)
{
    if (!src)
        return 0;
    *dst = pp_strdup(src);
    return *dst ? 0 : -1;
}

/* Fills the names of t from the record that decided it. */
static pp_status name_scope(pp_triage *t, const pp_event *e, const json_t *ev)
{
    int bad = 0;
    t->ecs = e->source != PP_SRC_EB_CFN_STACK && e->source != PP_SRC_EB_CFN_RESOURCE;
    if (!t->ecs) {
        bad |= dup_into(&t->scope, e->stack);
        bad |= dup_into(&t->stack_id, e->stack_id);
    } else if (e->service) {
        bad |= dup_into(&t->scope, e->service);
        bad |= dup_into(&t->cluster, e->cluster);
    } else if (e->source == PP_SRC_EB_ECS_TASK || e->source == PP_SRC_ECS_CONTAINER) {
        /* a standalone task is filed under its task definition, as given */
        const char *td = json_string_value(
            json_object_get(json_object_get(ev, "detail"), "taskDefinitionArn"));
        bad |= dup_into(&t->scope, td ? td : "task");
        bad |= dup_into(&t->cluster, e->cluster);
    }
    return bad ? PP_E_NOMEM : PP_OK;
}

pp_status pp_triage_event(const json_t *ev, pp_kb *kb, pp_triage *out)
{
    memset(out, 0, sizeof *out);
    pp_evset set;
    pp_evset_init(&set, NULL);
    char *err = NULL;
    pp_status st = pp_evset_ingest_json(&set, "eventbridge", ev, &err);
    free(err);
    if (st != PP_OK) {
        pp_evset_free(&set);
        /* what explain cannot read is not a failure it reports */
        return st == PP_E_NOMEM ? PP_E_NOMEM : PP_OK;
    }
    const pp_event *decider = NULL;
    for (size_t i = 0; i < set.n; i++) {
        pp_rc_kind k = pp_rc_classify(&set.ev[i], kb);
        if (k == PP_RC_NONE)
            continue;
        pp_triage_action a = action_of(&set.ev[i]);
        if (a == PP_TRIAGE_IGNORE)
            continue;
        /* a cause outranks a weak record, which outranks a wrapper (the enum's reverse) */
        if (!decider || (out->kind != PP_RC_CAUSE && k < out->kind)) {
            decider = &set.ev[i];
            out->kind = k;
            out->action = a;
        }
    }
    st = decider ? name_scope(out, decider, ev) : PP_OK;
    if (st == PP_OK && out->action != PP_TRIAGE_IGNORE && !out->scope) {
        pp_triage_free(out);   /* nowhere to file it */
    }
    pp_evset_free(&set);
    if (st != PP_OK)
        pp_triage_free(out);
    return st;
}

/* ---- explaining what was kept ---------------------------------------------------------- */

static void rerun(pp_triage_run *r, pp_kb *kb, pp_status *st)
{
    pp_explain_free(&r->x);
    r->explained = 0;
    *st = pp_explain_run(&r->set, kb, &r->x);
    if (*st != PP_OK)
        return;
    r->explained = 1;
    r->needs_more = 1;
    for (size_t i = 0; i < r->x.nroots; i++)
        if (r->x.rc.kind[r->x.roots[i].event] == PP_RC_CAUSE)
            r->needs_more = 0;
}

pp_status pp_triage_explain(pp_triage_run *r, pp_kb *kb, const char *lines, size_t len,
                            char **err)
{
    memset(r, 0, sizeof *r);
    pp_evset_init(&r->set, NULL);
    pp_status st = PP_OK;
    if (lines && len)
        st = pp_evset_ingest_buf(&r->set, "eventbridge", lines, len, err);
    if (st == PP_OK)
        rerun(r, kb, &st);
    if (st == PP_E_NOMEM && err && !*err)
        pp_err(err, st, "explain: out of memory");
    return st;
}

pp_status pp_triage_add(pp_triage_run *r, pp_kb *kb, const json_t *docs, char **err)
{
    pp_status first = PP_OK, st = PP_OK;
    size_t i;
    json_t *v;
    json_array_foreach(docs, i, v) {
        pp_status s = pp_evset_ingest_json(&r->set, "aws-api", v, err);
        if (s != PP_OK && first == PP_OK)
            first = s;
        if (s == PP_E_NOMEM)
            break;
    }
    /* a document refused (PP_E_PARSE, PP_E_LIMIT) still leaves what was read explained */
    if (first != PP_E_NOMEM)
        rerun(r, kb, &st);
    if (st == PP_OK)
        st = first;
    if (st == PP_E_NOMEM && err && !*err)
        pp_err(err, st, "explain: out of memory");
    return st;
}

void pp_triage_run_free(pp_triage_run *r)
{
    if (!r)
        return;
    pp_explain_free(&r->x);
    pp_evset_free(&r->set);
    memset(r, 0, sizeof *r);
}
