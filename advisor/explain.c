/* explain.c — root causes → KB guidance → JSON / text / Markdown (see explain.h). */
#include "advisor/explain.h"

#include <stdlib.h>
#include <string.h>

#include "advisor/canon.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"

#define TEXT_MAX_CASCADES 12

static const char R_HIGH[] = "a specific knowledge-base pattern matched the root-cause event";
static const char R_CONSEQ[] = "a specific pattern matched, but the event only reports a "
                               "consequence; its cause was not in the input";
static const char R_RIVAL[] = "a specific pattern matched, but the same pattern also matches "
                              "known failures of other kinds, so the cause may be one of those";
static const char R_BROAD[] = "only a broad catch-all entry matched; no specific entry did";
static const char R_BROAD_MORE[] = "only a broad catch-all entry matched; the guidance first "
                                   "uses what was decoded from the message";
static const char R_AN_MED[] = "no entry matched; guidance built from fields decoded from the "
                               "message (they name the exact action, field or property)";
static const char R_AN_LOW[] = "no entry matched; only the general shape of the message was "
                               "decoded";
static const char R_FTS[] = "no pattern matched; the closest entry by text search, possibly "
                            "related";
static const char R_NONE[] = "nothing in the knowledge base matched";

/* How many of e's rivals could explain an event of resource_type; their kinds are appended
 * (once each) to kinds when it is not NULL. */
static size_t rivals_apply(const pp_kb_entry *e, const char *resource_type, json_t *kinds)
{
    size_t n = 0, i;
    json_t *rv;
    json_array_foreach(e->rivals, i, rv) {
        if (!pp_kb_rival_applies(rv, resource_type))
            continue;
        n++;
        if (!kinds)
            continue;
        const char *k = json_string_value(json_object_get(rv, "kind"));
        int seen = 0;
        size_t j;
        json_t *have;
        json_array_foreach(kinds, j, have)
            seen |= strcmp(json_string_value(have), k) == 0;
        if (!seen)
            json_array_append_new(kinds, json_string(k));
    }
    return n;
}

/* When the text as given found nothing, or only a broad entry: its canonical forms
 * (advisor/canon.h), line breaks as spaces and then as nothing, for a specific entry. hit is
 * replaced only by a better answer; ms is what the caller had, and what this returns. */
static pp_status match_canon(pp_kb *kb, const pp_event *ev, const char *text, pp_status ms,
                             pp_kb_hit *hit)
{
    static const pp_canon_breaks FORMS[] = { PP_CANON_SPACE, PP_CANON_GLUE };
    char *prev = NULL;
    for (size_t f = 0; f < 2; f++) {
        if (ms == PP_OK && !kb->e[hit->entry].broad)
            break;
        char *c = pp_canon(text, strlen(text), FORMS[f]);
        if (!c) {
            ms = PP_E_NOMEM;
            break;
        }
        if (strcmp(c, text) == 0 || (prev && strcmp(c, prev) == 0)) {
            free(prev);
            prev = c;
            continue;   /* nothing undone that the last try did not */
        }
        pp_kb_hit h;
        pp_status cs = pp_kb_match(kb, c, ev->resource_type, ev->status, &h);
        free(prev);
        prev = c;
        if (cs == PP_E_NOMEM) {
            ms = cs;
            break;
        }
        if (cs == PP_OK && (ms != PP_OK || !kb->e[h.entry].broad)) {
            pp_kb_hit_free(hit);
            *hit = h;
            ms = PP_OK;
        } else {
            pp_kb_hit_free(&h);
        }
    }
    free(prev);
    return ms;
}

/* Matches one root: KB pattern, else anatomy guidance, else FTS. */
static pp_status explain_root(pp_explain *out, pp_kb *kb, pp_explain_root *r)
{
    const pp_event *ev = &out->set->ev[r->event];
    const char *text = pp_event_text(ev);
    pp_status st = pp_anatomy_decode(text, text ? strlen(text) : 0, &r->an);
    if (st == PP_OK)
        st = pp_anatomy_add_event(&r->an, ev);
    if (st != PP_OK)
        return st;
    st = pp_anatomy_guide(&r->an, ev, &r->guide);
    if (st == PP_E_NOMEM)
        return st;
    r->has_guide = st == PP_OK;
    pp_status ms = PP_E_NOTFOUND;
    if (kb && ev->output) {
        /* what the application printed says more than "exited with code 1" */
        ms = pp_kb_match(kb, ev->output, ev->resource_type, ev->status, &r->hit);
        if (ms == PP_E_NOTFOUND)
            pp_kb_hit_free(&r->hit);
    }
    if (kb && ms == PP_E_NOTFOUND)
        ms = pp_kb_match(kb, text, ev->resource_type, ev->status, &r->hit);
    if (ms == PP_E_NOTFOUND && kb && text && strchr(text, '\n')) {
        /* console text wrapped inside the message: the patterns want it on one line */
        char *flat = pp_anatomy_unwrap(text, strlen(text));
        if (!flat)
            return PP_E_NOMEM;
        ms = pp_kb_match(kb, flat, ev->resource_type, ev->status, &r->hit);
        free(flat);
    }
    if (ms != PP_E_NOMEM && kb && text)
        ms = match_canon(kb, ev, text, ms, &r->hit);
    if (ms == PP_E_NOMEM)
        return ms;
    if (ms == PP_OK) {
        r->matched = 1;
        r->source = PP_EXPLAIN_SRC_KB;
        r->broad = kb->e[r->hit.entry].broad;
        if (r->broad) {
            r->guide_first = r->has_guide && strcmp(r->guide.confidence, "medium") == 0;
            r->confidence = "low";
            r->confidence_reason = r->guide_first ? R_BROAD_MORE : R_BROAD;
        } else if (out->rc.kind[r->event] == PP_RC_CAUSE &&
                   rivals_apply(&kb->e[r->hit.entry], ev->resource_type, NULL)) {
            r->confidence = "medium";
            r->confidence_reason = R_RIVAL;
        } else if (out->rc.kind[r->event] == PP_RC_CAUSE) {
            r->confidence = "high";
            r->confidence_reason = R_HIGH;
        } else {
            r->confidence = "medium";
            r->confidence_reason = R_CONSEQ;
        }
        return PP_OK;
    }
    if (r->has_guide) {
        r->matched = 1;
        r->source = PP_EXPLAIN_SRC_ANATOMY;
        r->guide_first = 1;
        r->confidence = r->guide.confidence;
        r->confidence_reason = strcmp(r->guide.confidence, "medium") == 0 ? R_AN_MED : R_AN_LOW;
        return PP_OK;
    }
    if (kb)
        ms = pp_kb_match_fts(kb, text, ev->resource_type, &r->hit);
    if (ms == PP_E_NOMEM)
        return ms;
    r->matched = ms == PP_OK;
    if (r->matched) {
        r->source = PP_EXPLAIN_SRC_FTS;
        r->confidence = "low";
        r->confidence_reason = R_FTS;
    } else {
        r->confidence = "none";
        r->confidence_reason = R_NONE;
    }
    return PP_OK;
}

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
        r->an.exit_code = -1;
        r->nrules = pp_rc_hook_rules(&s->ev[r->event], r->rules, PP_EXPLAIN_MAX_HOOK_RULES);
        pp_status ms = explain_root(out, kb, r);
        if (ms != PP_OK) {
            pp_explain_free(out);
            return ms;
        }
        if (!r->matched)
            out->nunmatched++;
    }
    return PP_OK;
}

void pp_explain_free(pp_explain *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nroots; i++) {
        pp_explain_root *r = &x->roots[i];
        pp_kb_hit_free(&r->hit);
        pp_anatomy_free(&r->an);
        pp_an_guide_free(&r->guide);
        free(r->loc.file);
        free(r->loc.pointer);
        free(r->loc.text);
    }
    free(x->roots);
    pp_rc_free(&x->rc);
    memset(x, 0, sizeof *x);
}

int pp_explain_exit_code(const pp_explain *x)
{
    return x->nunmatched ? 1 : 0;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

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
    pp_json_put_str(o, "source", pp_ev_source_name(e->source));
    pp_json_put_str(o, "file", e->file);
    json_object_set_new(o, "line", json_integer(e->line));
    pp_json_put_str(o, "timestamp", e->timestamp);
    pp_json_put_str(o, "stack", e->stack);
    pp_json_put_str(o, "stack_id", e->stack_id);
    pp_json_put_str(o, "parent_stack", e->parent_stack);
    pp_json_put_str(o, "service", e->service);
    pp_json_put_str(o, "cluster", e->cluster);
    pp_json_put_str(o, "logical_id", e->logical_id);
    pp_json_put_str(o, "physical_id", e->physical_id);
    pp_json_put_str(o, "resource_type", e->resource_type);
    pp_json_put_str(o, "status", e->status);
    pp_json_put_str(o, "reason", e->reason);
    pp_json_put_str(o, "event_id", e->event_id);
    if (e->hook_type || e->hook_status) {
        json_t *h = json_object();
        pp_json_put_str(h, "type", e->hook_type);
        pp_json_put_str(h, "status", e->hook_status);
        pp_json_put_str(h, "reason", e->hook_reason);
        pp_json_put_str(h, "invocation_point", e->hook_point);
        pp_json_put_str(h, "failure_mode", e->hook_mode);
        json_object_set_new(o, "hook", h);
    }
    pp_json_put_str(o, "task_arn", e->task_arn);
    pp_json_put_str(o, "stop_code", e->stop_code);
    pp_json_put_str(o, "container", e->container);
    pp_json_put_str(o, "image", e->image);
    if (e->exit_code != PP_EXIT_CODE_NONE)
        json_object_set_new(o, "exit_code", json_integer(e->exit_code));
    pp_json_put_str(o, "output", e->output);
    if (e->vague_reason)
        json_object_set_new(o, "cloudformation_reason", json_string(e->vague_reason));
    pp_json_put_str(o, "role", kind_name((pp_rc_kind)x->rc.kind[idx]));
    return o;
}

/* The templates filled in: as text, or (shell) as shell commands (pp_kb_fill_command). */
static json_t *filled_list(json_t *tmpls, const pp_kb_hit *hit, const pp_event *ev, int shell)
{
    json_t *a = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(tmpls, i, t) {
        char *f = NULL;
        pp_status st = shell ? pp_kb_fill_command(json_string_value(t), hit, ev, &f)
                             : pp_kb_fill(json_string_value(t), hit, ev, &f);
        if (st != PP_OK || json_array_append_new(a, json_string(f)) != 0) {
            free(f);
            json_decref(a);
            return NULL;   /* a list with a step missing is never shown as the whole */
        }
        free(f);
    }
    return a;
}

/* The entry that answers r, or NULL for anatomy guidance. */
static const pp_kb_entry *root_entry(const pp_explain *x, const pp_explain_root *r)
{
    return r->source == PP_EXPLAIN_SRC_ANATOMY ? NULL : &x->kb->e[r->hit.entry];
}

/* The fix steps of r: the guidance first when it leads, then the entry's filled steps. */
static json_t *root_fix(const pp_explain *x, const pp_explain_root *r, int commands)
{
    const pp_kb_entry *e = root_entry(x, r);
    const pp_event *ev = &x->set->ev[r->event];
    json_t *a = e ? filled_list(commands ? e->commands : e->fix, &r->hit, ev, commands)
                  : json_array();
    if (r->guide_first && r->has_guide && a) {
        char **g = commands ? r->guide.commands : r->guide.fix;
        size_t n = commands ? r->guide.ncmd : r->guide.nfix;
        for (size_t i = n; i-- > 0;)
            if (json_array_insert_new(a, 0, json_string(g[i])) != 0) {
                json_decref(a);
                return NULL;
            }
    }
    return a;
}

static const char *root_title(const pp_explain *x, const pp_explain_root *r)
{
    const pp_kb_entry *e = root_entry(x, r);
    return r->guide_first && r->has_guide ? r->guide.title : e->title;
}

/* The guidance's link when it leads and the entry does not list it already. */
static const char *guide_link(const pp_explain *x, const pp_explain_root *r)
{
    const pp_kb_entry *e = root_entry(x, r);
    if (!r->has_guide || !r->guide_first || !r->guide.link)
        return NULL;
    size_t i;
    json_t *v;
    if (e)
        json_array_foreach(e->links, i, v) if (strcmp(json_string_value(v), r->guide.link) == 0)
            return NULL;
    return r->guide.link;
}

static const char *src_name(pp_explain_src s)
{
    return s == PP_EXPLAIN_SRC_FTS ? "fts" : s == PP_EXPLAIN_SRC_ANATOMY ? "anatomy" : "kb";
}

static json_t *loc_json(const pp_explain_loc *l)
{
    return json_pack("{s:s, s:i, s:i, s:s, s:s, s:b}", "file", l->file, "line", (int)l->line,
                     "column", (int)l->column, "pointer", l->pointer, "text", l->text,
                     "exact", l->exact);
}

/* One root cause as JSON; *oom set when one of our own allocations failed (jansson's are
 * counted by the caller). */
static json_t *root_json(const pp_explain *x, const pp_explain_root *r, int *oom)
{
    const pp_event *ev = &x->set->ev[r->event];
    const pp_kb_entry *e = root_entry(x, r);
    json_t *o = json_object();
    json_object_set_new(o, "event", pp_explain_event_json(x, r->event));
    if (e) {
        pp_json_put_str(o, "kb_id", e->id);
        pp_json_put_str(o, "kind", e->kind);
    } else {
        char id[64];
        snprintf(id, sizeof id, "anatomy/%s", r->guide.kind);
        pp_json_put_str(o, "kb_id", id);
        pp_json_put_str(o, "kind", r->guide.kind);
    }
    pp_json_put_str(o, "title", root_title(x, r));
    pp_json_put_str(o, "confidence", r->confidence);
    pp_json_put_str(o, "confidence_reason", r->confidence_reason);
    char *why = NULL;
    if (e && pp_kb_fill(e->explanation, &r->hit, ev, &why) != PP_OK)
        *oom = 1;
    const char *base = e ? (why ? why : e->explanation) : r->guide.explanation;
    char *whyo = ev->output ? pp_asprintf("%s The container printed: %s", base ? base : "",
                                          ev->output) : NULL;
    if (ev->output && !whyo)
        *oom = 1;
    pp_json_put_str(o, "explanation", whyo ? whyo : base);
    free(whyo);
    free(why);
    json_t *fix = root_fix(x, r, 0);
    if (!fix)
        *oom = 1;
    json_t *kinds = json_array();
    size_t fi;
    json_t *ft;
    int prevented = (e && json_array_size(e->prevented_by) > 0) || r->nrules > 0;
    json_array_foreach(fix, fi, ft)
        json_array_append_new(kinds, json_string(pp_explain_fix_kind(json_string_value(ft),
                                                                     prevented)));
    json_object_set_new(o, "fix", fix);
    json_object_set_new(o, "fix_kinds", kinds);
    json_t *cmds = root_fix(x, r, 1);
    if (!cmds)
        *oom = 1;
    json_object_set_new(o, "commands", cmds);
    json_t *links = e ? json_deep_copy(e->links) : json_array();
    if (guide_link(x, r))
        json_array_append_new(links, json_string(guide_link(x, r)));
    json_object_set_new(o, "links", links);
    json_t *caps = json_object();
    for (size_t i = 0; i < r->hit.ncaps; i++)
        if (*r->hit.caps[i].value)
            json_object_set_new(caps, r->hit.caps[i].name, json_string(r->hit.caps[i].value));
    json_object_set_new(o, "captures", caps);
    json_t *pb = e ? json_deep_copy(e->prevented_by) : json_array();
    for (size_t i = 0; i < r->nrules; i++)
        json_array_append_new(pb, json_string(r->rules[i]));
    json_object_set_new(o, "prevented_by", pb);
    if (r->nrules) {
        json_t *ids = json_array();
        for (size_t i = 0; i < r->nrules; i++)
            json_array_append_new(ids, json_string(r->rules[i]));
        json_object_set_new(o, "hook_rule_ids", ids);
    }
    pp_json_put_str(o, "source", src_name(r->source));
    if (e && e->broad)
        json_object_set_new(o, "broad", json_true());
    if (e && r->source == PP_EXPLAIN_SRC_KB && r->confidence_reason == R_RIVAL) {
        json_t *also = json_array();
        rivals_apply(e, x->set->ev[r->event].resource_type, also);
        json_object_set_new(o, "also_matches", also);
    }
    /* true when the event itself only reports a consequence (its cause was not in the input) */
    json_object_set_new(o, "cascade", json_boolean(x->rc.kind[r->event] != PP_RC_CAUSE));
    json_object_set_new(o, "anatomy", pp_anatomy_json(&r->an));
    if (r->has_loc)
        json_object_set_new(o, "template_location", loc_json(&r->loc));
    return o;
}

json_t *pp_explain_json(const pp_explain *x)
{
    /* jansson drops a member whose allocation fails without saying so: count its failures
     * over the whole build, so an incomplete document is NOMEM, never the answer */
    unsigned long failures = pp_json_alloc_failures();
    int oom = 0;
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
            json_array_append_new(roots, root_json(x, r, &oom));
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
    if (oom || pp_json_alloc_failures() != failures) {
        json_decref(doc);
        return NULL;
    }
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

/* Appends untrusted text with control characters (C0 but tab and newline, DEL, C1) made '?'
 * so that captured text cannot drive a terminal. In Markdown, backticks become ' so that a
 * value cannot close its code span. */
static void put_safe(pp_buf *b, const char *s, int md)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\n' || *p == '\t')
            pp_buf_append(b, p, 1);
        else if (*p < 0x20 || *p == 0x7f)
            pp_buf_puts(b, "?");
        else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            pp_buf_puts(b, "?");
            p++;
        } else if (md && *p == '`')
            pp_buf_puts(b, "'");
        else
            pp_buf_append(b, p, 1);
    }
}

static char *safe_copy(const char *s, int md)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    put_safe(&b, s, md);
    return pp_buf_finish(&b);
}

/* s, or "" with b marked as failed (pp_buf_finish then refuses the whole text) when s is a
 * copy that could not be made. */
static const char *or_oom(pp_buf *b, const char *s)
{
    if (!s)
        b->nomem = 1;
    return s ? s : "";
}

static void quote_text(pp_buf *b, const char *t, int md)
{
    if (!t || !*t)
        return;
    size_t n = strlen(t);
    int cut = n > 1200;
    pp_buf pb;
    pp_buf_init(&pb, 0);
    pp_buf_append(&pb, t, cut ? 1200 : n);
    char *safe = pb.data && !pb.nomem ? safe_copy(pb.data, md) : NULL;
    pp_buf_free(&pb);
    if (md) {
        pp_buf_puts(b, "\n```\n");
        pp_buf_puts(b, or_oom(b, safe));
        pp_buf_puts(b, cut ? " …\n```\n" : "\n```\n");
    } else {
        pp_buf_puts(b, "    \"");
        indented(b, or_oom(b, safe), "     ");
        pp_buf_puts(b, cut ? " …\"\n" : "\"\n");
    }
    free(safe);
}

/* What the live fetch added: the API error's origin, the container's last log lines. */
static void printed(pp_buf *b, const pp_event *ev, int md)
{
    if (ev->vague_reason)
        pp_buf_printf(b, md ? "\n_CloudFormation reported only \"%s\"; the error above is the "
                              "API call's, from CloudTrail._\n"
                            : "  (CloudFormation reported only \"%s\"; the error above is the "
                              "API call's, from CloudTrail.)\n",
                      *ev->vague_reason ? ev->vague_reason : "no reason");
    if (!ev->output || !*ev->output)
        return;
    pp_buf_puts(b, md ? "\nThe container printed:\n" : "  The container printed:\n");
    quote_text(b, ev->output, md);
}

/* Words that mark a fix step as a change outside the template (data: extend the lists, not
 * the code). STRONG ones decide alone; WEAK ones only for an entry no template rule covers
 * (a rule in prevented_by means the failure is visible in the template). */
static const char *const ENV_STRONG[] = {
    "quota", "limit increase", "SCP", "service control polic", "support case",
    "push the image", "push an image", "rebuild and push", "aws sso login", "subscribe",
    "activate", "organisation administrators", "organization administrators",
};
static const char *const ENV_WEAK[] = {
    "permission", "IAM policy", "the role", "role's", "trust policy", "image exists",
    "repository", "registry", "account", "credentials", "secret value", "delete the existing",
    "empty the bucket", "outside CloudFormation", "console", "capacity",
};
static const char *const TEMPLATE_WORDS[] = {
    "template", "Properties", "property", "DependsOn", "parameter", "Fn::", "!Ref", "!GetAtt",
    "resource definition", "logical id", "let CloudFormation",
};

static int has_any(const char *s, const char *const *w, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += strcasestr(s, w[i]) != NULL;
    return k;
}

const char *pp_explain_fix_kind(const char *step, int has_rule)
{
    if (!step)
        return "template";
    if (has_any(step, ENV_STRONG, PP_ARRAY_LEN(ENV_STRONG)))
        return "environment";
    int tpl = has_any(step, TEMPLATE_WORDS, PP_ARRAY_LEN(TEMPLATE_WORDS));
    if (has_rule || tpl)
        return "template";
    return has_any(step, ENV_WEAK, PP_ARRAY_LEN(ENV_WEAK)) ? "environment" : "template";
}

/* A root cause's links and the Parapet rules that would have caught it. */
static void render_links(pp_buf *b, const pp_explain *x, const pp_explain_root *r, int md)
{
    const pp_kb_entry *e = root_entry(x, r);
    size_t i;
    json_t *v;
    json_t *links = e ? e->links : NULL;
    const char *glink = guide_link(x, r);
    if (json_array_size(links) || glink) {
        pp_buf_puts(b, md ? "\n**Links:**\n\n" : "\n  Links:\n");
        json_array_foreach(links, i, v)
            pp_buf_printf(b, md ? "- <%s>\n" : "    %s\n", json_string_value(v));
        if (glink)
            pp_buf_printf(b, md ? "- <%s>\n" : "    %s\n", glink);
    }
    if ((e && json_array_size(e->prevented_by)) || r->nrules) {
        pp_buf_puts(b, md ? "\n**Would have been caught before deploy by:** "
                          : "\n  Would have been caught before deploy by: ");
        int first = 1;
        if (e)
            json_array_foreach(e->prevented_by, i, v) {
                pp_buf_printf(b, md ? "%s`%s`" : "%s%s", first ? "" : ", ", json_string_value(v));
                first = 0;
            }
        for (size_t k = 0; k < r->nrules; k++) {
            pp_buf_printf(b, md ? "%s`%s`" : "%s%s", first ? "" : ", ", r->rules[k]);
            first = 0;
        }
        pp_buf_puts(b, md ? " (parapet check)\n" : " (parapet check)\n");
    }
}

/* The template line the root's resource was declared on: file:line:column, the JSON pointer
 * and the line itself (a code block in Markdown). */
static void render_loc(pp_buf *b, const pp_explain_root *r, int md)
{
    if (md) {
        pp_buf_puts(b, "\n**Template:** `");
        put_safe(b, r->loc.file, 1);
        pp_buf_printf(b, ":%u:%u` (`", r->loc.line, r->loc.column);
        put_safe(b, r->loc.pointer, 1);
        pp_buf_puts(b, "`)\n\n```\n");
        put_safe(b, r->loc.text, 1);
        pp_buf_puts(b, "\n```\n");
    } else {
        pp_buf_puts(b, "  template: ");
        put_safe(b, r->loc.file, 0);
        pp_buf_printf(b, ":%u:%u (", r->loc.line, r->loc.column);
        put_safe(b, r->loc.pointer, 0);
        pp_buf_printf(b, ")\n    %5u | ", r->loc.line);
        put_safe(b, r->loc.text, 0);
        pp_buf_puts(b, "\n");
    }
}

static void render_root(pp_buf *b, const pp_explain *x, const pp_explain_root *r, size_t no,
                        size_t total, int md)
{
    const pp_event *ev = &x->set->ev[r->event];
    const pp_kb_entry *e = root_entry(x, r);
    char id[80];
    snprintf(id, sizeof id, "%s%s", e ? e->id : "anatomy/", e ? "" : r->guide.kind);
    const char *how = r->source == PP_EXPLAIN_SRC_FTS      ? ", closest entry by text search"
                      : r->source == PP_EXPLAIN_SRC_ANATOMY ? ", from the message's structure"
                      : r->broad                            ? ", broad entry"
                                                            : "";
    char *t = safe_copy(root_title(x, r), md);
    if (md)
        pp_buf_printf(b, "## Root cause %zu of %zu: %s\n\n`%s` · confidence **%s**%s%s\n\n", no,
                      total, or_oom(b, t), id, r->confidence, *how ? " · " : "",
                      *how ? how + 2 : "");
    else
        pp_buf_printf(b, "Root cause %zu of %zu: %s\n  [%s, confidence %s%s]\n", no, total,
                      or_oom(b, t), id, r->confidence, how);
    free(t);
    pp_buf_puts(b, md ? "**What happened:** " : "\n  What happened: ");
    where(b, ev);
    if (!md)
        pp_buf_puts(b, "\n");
    quote_text(b, pp_event_text(ev), md);
    printed(b, ev, md);
    char *sum = pp_anatomy_summary(&r->an);
    if (sum) {
        pp_buf_puts(b, md ? "\n**Decoded:** " : "  Decoded: ");
        put_safe(b, sum, md);
        pp_buf_puts(b, "\n");
        free(sum);
    }
    if (r->has_loc)
        render_loc(b, r, md);
    if (x->rc.kind[r->event] != PP_RC_CAUSE)
        pp_buf_puts(b, md ? "\n_This event only reports a consequence; the failing event itself "
                            "was not in the input._\n"
                          : "  (This event only reports a consequence; the failing event itself "
                            "was not in the input.)\n");
    pp_buf_puts(b, md ? "\n**Why:** " : "\n  Why: ");
    char *why = NULL;
    if (e && pp_kb_fill(e->explanation, &r->hit, ev, &why) != PP_OK)
        b->nomem = 1;
    char *swhy = safe_copy(why ? why : e ? e->explanation : r->guide.explanation, md);
    indented(b, or_oom(b, swhy), md ? "" : "       ");
    free(why);
    free(swhy);
    pp_buf_puts(b, "\n");
    if (strcmp(r->confidence, "high") != 0 && r->confidence_reason)
        pp_buf_printf(b, md ? "\n_Confidence %s: %s._\n" : "  (Confidence %s: %s.)\n",
                      r->confidence, r->confidence_reason);
    if (e && r->confidence_reason == R_RIVAL) {
        /* no allocation here: each applicable rival kind, the first time it appears */
        pp_buf_puts(b, md ? "\n_Also matches:_" : "  Also matches:");
        size_t k, j, shown = 0;
        json_t *rv, *prev;
        json_array_foreach(e->rivals, k, rv) {
            const char *kind = json_string_value(json_object_get(rv, "kind"));
            int dup = 0;
            json_array_foreach(e->rivals, j, prev) {
                if (j >= k)
                    break;
                dup |= pp_kb_rival_applies(prev, ev->resource_type) &&
                       strcmp(json_string_value(json_object_get(prev, "kind")), kind) == 0;
            }
            if (dup || !pp_kb_rival_applies(rv, ev->resource_type))
                continue;   /* KB kinds: [a-z0-9.-], nothing to escape */
            pp_buf_printf(b, "%s %s", shown++ ? "," : "", kind);
        }
        pp_buf_puts(b, "\n");
    }
    pp_buf_puts(b, md ? "\n**Fix:**\n\n" : "\n  Fix:\n");
    size_t i;
    json_t *v;
    json_t *fix = root_fix(x, r, 0), *cmds = root_fix(x, r, 1);
    if (!fix || !cmds)
        b->nomem = 1;
    json_array_foreach(fix, i, v) {
        char *f = safe_copy(json_string_value(v), md);
        if (!f)
            b->nomem = 1;
        pp_buf_printf(b, md ? "%zu. " : "    %zu. ", i + 1);
        if (x->label_fixes)
            pp_buf_printf(b, md ? "_(%s change)_ " : "(%s change) ",
                          pp_explain_fix_kind(json_string_value(v),
                                              (e && json_array_size(e->prevented_by) > 0) ||
                                                  r->nrules > 0));
        if (f)
            indented(b, f, md ? "   " : "       ");
        pp_buf_puts(b, "\n");
        free(f);
    }
    if (json_array_size(cmds)) {
        pp_buf_puts(b, md ? "\n**Commands:**\n\n```sh\n" : "\n  Commands:\n");
        json_array_foreach(cmds, i, v) {
            char *f = safe_copy(json_string_value(v), md);
            pp_buf_printf(b, md ? "%s\n" : "    $ %s\n", or_oom(b, f));
            free(f);
        }
        if (md)
            pp_buf_puts(b, "```\n");
    }
    json_decref(fix);
    json_decref(cmds);
    render_links(b, x, r, md);
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
    printed(b, ev, md);
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
    return pp_buf_finish(&b);
}
