/* explain.c — root causes → KB guidance → JSON / text / Markdown (see explain.h). */
#include "advisor/explain.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

#define TEXT_MAX_CASCADES 12

pp_status pp_explain_run(const pp_evset *s, pp_kb *kb, pp_explain *out)
{
    memset(out, 0, sizeof *out);
    out->set = s;
    out->kb = kb;
    pp_status st = pp_rc_analyse(s, kb, &out->rc);
    if (st != PP_OK)
        return st;
    out->roots = calloc(out->rc.nroots ? out->rc.nroots : 1, sizeof *out->roots);
    if (!out->roots) {
        pp_explain_free(out);
        return PP_E_NOMEM;
    }
    for (size_t i = 0; i < out->rc.nroots; i++) {
        pp_explain_root *r = &out->roots[out->nroots++];
        r->event = out->rc.roots[i];
        const pp_event *ev = &s->ev[r->event];
        const char *text = pp_event_text(ev);
        r->nrules = pp_rc_hook_rules(ev, r->rules, PP_EXPLAIN_MAX_HOOK_RULES);
        pp_status ms = PP_E_NOTFOUND;
        ms = pp_kb_match(kb, text, ev->resource_type, ev->status, &r->hit);
        if (ms == PP_E_NOTFOUND)
            ms = pp_kb_match_fts(kb, text, ev->resource_type, &r->hit);
        if (ms == PP_E_NOMEM) {
            pp_explain_free(out);
            return ms;
        }
        r->matched = ms == PP_OK;
        if (!r->matched) {
            out->nunmatched++;
            r->confidence = "none";
        } else if (r->hit.source == PP_KB_SRC_FTS) {
            r->confidence = "low";
        } else {
            r->confidence = out->rc.kind[r->event] == PP_RC_CAUSE ? "high" : "medium";
        }
    }
    return PP_OK;
}

void pp_explain_free(pp_explain *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nroots; i++)
        pp_kb_hit_free(&x->roots[i].hit);
    free(x->roots);
    pp_rc_free(&x->rc);
    memset(x, 0, sizeof *x);
}

int pp_explain_exit_code(const pp_explain *x)
{
    return x->nunmatched ? 1 : 0;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void put(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, json_string(v));
}

static const char *kind_name(pp_rc_kind k)
{
    switch (k) {
    case PP_RC_CAUSE: return "cause";
    case PP_RC_WEAK: return "weak";
    case PP_RC_WRAPPER: return "wrapper";
    default: return "info";
    }
}

json_t *pp_explain_event_json(const pp_explain *x, size_t idx)
{
    const pp_event *e = &x->set->ev[idx];
    json_t *o = json_object();
    if (!o)
        return NULL;
    put(o, "source", pp_ev_source_name(e->source));
    put(o, "file", e->file);
    json_object_set_new(o, "line", json_integer(e->line));
    put(o, "timestamp", e->timestamp);
    put(o, "stack", e->stack);
    put(o, "stack_id", e->stack_id);
    put(o, "parent_stack", e->parent_stack);
    put(o, "service", e->service);
    put(o, "cluster", e->cluster);
    put(o, "logical_id", e->logical_id);
    put(o, "physical_id", e->physical_id);
    put(o, "resource_type", e->resource_type);
    put(o, "status", e->status);
    put(o, "reason", e->reason);
    put(o, "event_id", e->event_id);
    if (e->hook_type || e->hook_status) {
        json_t *h = json_object();
        put(h, "type", e->hook_type);
        put(h, "status", e->hook_status);
        put(h, "reason", e->hook_reason);
        put(h, "invocation_point", e->hook_point);
        put(h, "failure_mode", e->hook_mode);
        json_object_set_new(o, "hook", h);
    }
    put(o, "task_arn", e->task_arn);
    put(o, "stop_code", e->stop_code);
    put(o, "container", e->container);
    put(o, "image", e->image);
    if (e->exit_code != PP_EXIT_CODE_NONE)
        json_object_set_new(o, "exit_code", json_integer(e->exit_code));
    put(o, "role", kind_name((pp_rc_kind)x->rc.kind[idx]));
    return o;
}

static json_t *filled_list(json_t *tmpls, const pp_kb_hit *hit, const pp_event *ev)
{
    json_t *a = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(tmpls, i, t) {
        char *f = pp_kb_fill(json_string_value(t), hit, ev);
        if (f)
            json_array_append_new(a, json_string(f));
        free(f);
    }
    return a;
}

static json_t *root_json(const pp_explain *x, const pp_explain_root *r)
{
    const pp_event *ev = &x->set->ev[r->event];
    const pp_kb_entry *e = &x->kb->e[r->hit.entry];
    json_t *o = json_object();
    json_object_set_new(o, "event", pp_explain_event_json(x, r->event));
    put(o, "kb_id", e->id);
    put(o, "kind", e->kind);
    put(o, "title", e->title);
    put(o, "confidence", r->confidence);
    char *why = pp_kb_fill(e->explanation, &r->hit, ev);
    put(o, "explanation", why ? why : e->explanation);
    free(why);
    json_object_set_new(o, "fix", filled_list(e->fix, &r->hit, ev));
    json_object_set_new(o, "commands", filled_list(e->commands, &r->hit, ev));
    json_object_set_new(o, "links", json_deep_copy(e->links));
    json_t *caps = json_object();
    for (size_t i = 0; i < r->hit.ncaps; i++)
        if (*r->hit.caps[i].value)
            json_object_set_new(caps, r->hit.caps[i].name, json_string(r->hit.caps[i].value));
    json_object_set_new(o, "captures", caps);
    json_t *pb = json_deep_copy(e->prevented_by);
    for (size_t i = 0; i < r->nrules; i++)
        json_array_append_new(pb, json_string(r->rules[i]));
    json_object_set_new(o, "prevented_by", pb);
    if (r->nrules) {
        json_t *ids = json_array();
        for (size_t i = 0; i < r->nrules; i++)
            json_array_append_new(ids, json_string(r->rules[i]));
        json_object_set_new(o, "hook_rule_ids", ids);
    }
    put(o, "source", r->hit.source == PP_KB_SRC_FTS ? "fts" : "kb");
    /* true when the event itself only reports a consequence (its cause was not in the input) */
    json_object_set_new(o, "cascade", json_boolean(x->rc.kind[r->event] != PP_RC_CAUSE));
    return o;
}

json_t *pp_explain_json(const pp_explain *x)
{
    json_t *doc = json_object();
    json_t *roots = json_array(), *casc = json_array(), *unm = json_array();
    json_t *warns = json_array();
    if (!doc || !roots || !casc || !unm || !warns) {
        json_decref(doc);
        json_decref(roots);
        json_decref(casc);
        json_decref(unm);
        json_decref(warns);
        return NULL;
    }
    for (size_t i = 0; i < x->nroots; i++) {
        const pp_explain_root *r = &x->roots[i];
        if (r->matched)
            json_array_append_new(roots, root_json(x, r));
        else
            json_array_append_new(unm, pp_explain_event_json(x, r->event));
    }
    for (size_t i = 0; i < x->rc.ncascades; i++)
        json_array_append_new(casc, pp_explain_event_json(x, x->rc.cascades[i]));
    for (size_t i = 0; i < x->set->nwarn; i++)
        json_array_append_new(warns, json_string(x->set->warnings[i]));
    json_object_set_new(doc, "root_causes", roots);
    json_object_set_new(doc, "cascades", casc);
    json_object_set_new(doc, "unmatched", unm);
    json_t *sum = json_pack("{s:I, s:I, s:I, s:I, s:I}", "events", (json_int_t)x->set->n,
                            "failures", (json_int_t)x->rc.nfailures, "timelines",
                            (json_int_t)x->rc.ntimelines, "root_causes",
                            (json_int_t)(x->nroots - x->nunmatched), "unmatched",
                            (json_int_t)x->nunmatched);
    json_object_set_new(doc, "summary", sum);
    json_object_set_new(doc, "warnings", warns);
    return doc;
}

/* ---- text / Markdown ------------------------------------------------------------------------ */

/* "Registry (AWS::ECR::Repository) CREATE_FAILED in stack S at T" */
static void where(pp_buf *b, const pp_event *e)
{
    const char *name = e->container ? e->container : e->logical_id;
    if (e->container)
        pp_buf_printf(b, "container %s", e->container);
    else if (name)
        pp_buf_puts(b, name);
    else
        pp_buf_puts(b, pp_ev_source_name(e->source));
    if (e->resource_type && !e->container)
        pp_buf_printf(b, " (%s)", e->resource_type);
    if (e->status)
        pp_buf_printf(b, " %s", e->status);
    if (e->hook_status && strstr(e->hook_status, "FAILED"))
        pp_buf_printf(b, " hook %s %s", e->hook_type ? e->hook_type : "", e->hook_status);
    if (e->stack)
        pp_buf_printf(b, " in stack %s", e->stack);
    else if (e->service)
        pp_buf_printf(b, " in service %s", e->service);
    if (e->timestamp)
        pp_buf_printf(b, " at %s", e->timestamp);
}

/* Appends s with every line after the first indented. */
static void indented(pp_buf *b, const char *s, const char *ind)
{
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        pp_buf_append(b, p, n);
        if (!nl)
            break;
        pp_buf_puts(b, "\n");
        pp_buf_puts(b, ind);
        p = nl + 1;
    }
}

static void quote_text(pp_buf *b, const char *t, int md)
{
    if (!t || !*t)
        return;
    size_t n = strlen(t);
    int cut = n > 1200;
    if (md) {
        pp_buf_puts(b, "\n```\n");
        pp_buf_append(b, t, cut ? 1200 : n);
        pp_buf_puts(b, cut ? " …\n```\n" : "\n```\n");
    } else {
        pp_buf_puts(b, "    \"");
        pp_buf pb;
        pp_buf_init(&pb, 0);
        pp_buf_append(&pb, t, cut ? 1200 : n);
        indented(b, pb.data ? pb.data : "", "     ");
        pp_buf_free(&pb);
        pp_buf_puts(b, cut ? " …\"\n" : "\"\n");
    }
}

static void render_root(pp_buf *b, const pp_explain *x, const pp_explain_root *r, size_t no,
                        size_t total, int md)
{
    const pp_event *ev = &x->set->ev[r->event];
    const pp_kb_entry *e = &x->kb->e[r->hit.entry];
    if (md)
        pp_buf_printf(b, "## Root cause %zu of %zu: %s\n\n`%s` · confidence **%s**%s\n\n", no,
                      total, e->title, e->id, r->confidence,
                      r->hit.source == PP_KB_SRC_FTS ? " · closest entry by text search" : "");
    else
        pp_buf_printf(b, "Root cause %zu of %zu: %s\n  [%s, confidence %s%s]\n", no, total,
                      e->title, e->id, r->confidence,
                      r->hit.source == PP_KB_SRC_FTS ? ", closest entry by text search" : "");
    pp_buf_puts(b, md ? "**What happened:** " : "\n  What happened: ");
    where(b, ev);
    if (!md)
        pp_buf_puts(b, "\n");
    quote_text(b, pp_event_text(ev), md);
    if (x->rc.kind[r->event] != PP_RC_CAUSE)
        pp_buf_puts(b, md ? "\n_This event only reports a consequence; the failing event itself "
                            "was not in the input._\n"
                          : "  (This event only reports a consequence; the failing event itself "
                            "was not in the input.)\n");
    pp_buf_puts(b, md ? "\n**Why:** " : "\n  Why: ");
    char *why = pp_kb_fill(e->explanation, &r->hit, ev);
    indented(b, why ? why : e->explanation, md ? "" : "       ");
    free(why);
    pp_buf_puts(b, "\n");
    pp_buf_puts(b, md ? "\n**Fix:**\n\n" : "\n  Fix:\n");
    size_t i;
    json_t *t;
    json_array_foreach(e->fix, i, t) {
        char *f = pp_kb_fill(json_string_value(t), &r->hit, ev);
        pp_buf_printf(b, md ? "%zu. " : "    %zu. ", i + 1);
        if (f)
            indented(b, f, md ? "   " : "       ");
        pp_buf_puts(b, "\n");
        free(f);
    }
    if (json_array_size(e->commands)) {
        pp_buf_puts(b, md ? "\n**Commands:**\n\n```sh\n" : "\n  Commands:\n");
        json_array_foreach(e->commands, i, t) {
            char *f = pp_kb_fill(json_string_value(t), &r->hit, ev);
            pp_buf_printf(b, md ? "%s\n" : "    $ %s\n", f ? f : "");
            free(f);
        }
        if (md)
            pp_buf_puts(b, "```\n");
    }
    if (json_array_size(e->links)) {
        pp_buf_puts(b, md ? "\n**Links:**\n\n" : "\n  Links:\n");
        json_array_foreach(e->links, i, t)
            pp_buf_printf(b, md ? "- <%s>\n" : "    %s\n", json_string_value(t));
    }
    if (json_array_size(e->prevented_by) || r->nrules) {
        pp_buf_puts(b, md ? "\n**Would have been caught before deploy by:** "
                          : "\n  Would have been caught before deploy by: ");
        int first = 1;
        json_array_foreach(e->prevented_by, i, t) {
            pp_buf_printf(b, md ? "%s`%s`" : "%s%s", first ? "" : ", ", json_string_value(t));
            first = 0;
        }
        for (size_t k = 0; k < r->nrules; k++) {
            pp_buf_printf(b, md ? "%s`%s`" : "%s%s", first ? "" : ", ", r->rules[k]);
            first = 0;
        }
        pp_buf_puts(b, md ? " (parapet check)\n" : " (parapet check)\n");
    }
    pp_buf_puts(b, "\n");
}

static void render_unmatched(pp_buf *b, const pp_explain *x, const pp_explain_root *r, int md)
{
    const pp_event *ev = &x->set->ev[r->event];
    pp_buf_puts(b, md ? "## Failure not in the knowledge base\n\n**What happened:** "
                      : "Failure not in the knowledge base\n\n  What happened: ");
    where(b, ev);
    if (!md)
        pp_buf_puts(b, "\n");
    quote_text(b, pp_event_text(ev), md);
    pp_buf_puts(b, md ? "\n**Next steps:**\n\n" : "\n  Next steps:\n");
    const char *pre = md ? "- " : "    - ";
    if (ev->stack)
        pp_buf_printf(b, "%sRead the whole operation: aws cloudformation describe-stack-events "
                         "--stack-name %s\n",
                      pre, ev->stack);
    if (ev->task_arn)
        pp_buf_printf(b, "%sInspect the task: aws ecs describe-tasks --cluster %s --tasks %s, and "
                         "read its container logs in CloudWatch Logs\n",
                      pre, ev->cluster ? ev->cluster : "<cluster>", ev->task_arn);
    else if (ev->service)
        pp_buf_printf(b, "%sList the service's stopped tasks: aws ecs list-tasks --cluster %s "
                         "--service-name %s --desired-status STOPPED\n",
                      pre, ev->cluster ? ev->cluster : "<cluster>", ev->service);
    pp_buf_printf(b, "%sFind the failing API call in CloudTrail (Event history, filter by the "
                     "error code in the message)\n",
                  pre);
    pp_buf_printf(b, "%sSearch the knowledge base: parapet kb search \"<key words of the "
                     "message>\"\n\n",
                  pre);
}

char *pp_explain_render(const pp_explain *x, pp_explain_format fmt)
{
    int md = fmt == PP_EXPLAIN_MARKDOWN;
    pp_buf b;
    pp_buf_init(&b, 0);
    size_t matched = x->nroots - x->nunmatched, no = 0;
    if (md)
        pp_buf_puts(&b, "# Deployment failure analysis\n\n");
    if (x->nroots == 0)
        pp_buf_printf(&b, "No failure found in %zu event%s.\n\n", x->set->n,
                      x->set->n == 1 ? "" : "s");
    for (size_t i = 0; i < x->nroots; i++)
        if (x->roots[i].matched)
            render_root(&b, x, &x->roots[i], ++no, matched, md);
    for (size_t i = 0; i < x->nroots; i++)
        if (!x->roots[i].matched)
            render_unmatched(&b, x, &x->roots[i], md);
    if (x->rc.ncascades) {
        pp_buf_printf(&b, md ? "## Consequences (%zu)\n\n" : "Consequences (%zu events that "
                                                             "followed from the root cause):\n",
                      x->rc.ncascades);
        for (size_t i = 0; i < x->rc.ncascades && i < TEXT_MAX_CASCADES; i++) {
            const pp_event *e = &x->set->ev[x->rc.cascades[i]];
            pp_buf_puts(&b, md ? "- " : "  - ");
            where(&b, e);
            const char *t = pp_event_text(e);
            if (t && *t) {
                size_t n = strcspn(t, "\n");
                pp_buf_printf(&b, ": %.*s%s", (int)(n > 200 ? 200 : n), t,
                              n > 200 || t[n] ? " …" : "");
            }
            pp_buf_puts(&b, "\n");
        }
        if (x->rc.ncascades > TEXT_MAX_CASCADES)
            pp_buf_printf(&b, md ? "- … and %zu more (see --format json)\n"
                                 : "  … and %zu more (see --format json)\n",
                          x->rc.ncascades - TEXT_MAX_CASCADES);
        pp_buf_puts(&b, "\n");
    }
    return pp_buf_steal(&b);
}
