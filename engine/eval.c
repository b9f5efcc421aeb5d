/* eval.c — runs the rule set over a template and turns what rules say into findings.
 *
 * Data flow: pp_template + pp_ruleset → here → pp_report. For each active resource and each
 * rule naming its type, `check(resource, ctx)` runs in the sandbox under budgets. When the
 * rule reads unknowns with candidates, the check runs once per "world" (one choice of
 * candidate per unknown met, enumerated depth-first like an odometer, at most
 * limits.rule_max_worlds runs). Worlds that agree give that verdict; worlds that disagree
 * give UNKNOWN, never a silently chosen branch. Then suppressions apply.
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eval_int.h"
#include "engine/base/util.h"
#include "engine/value.h"

pp_status pp_eval_pending_add(pp_evalstate *es, pp_fstatus st, const char *msg, const char *path)
{
    if (es->npend == es->apend) {
        size_t na = es->apend ? es->apend * 2 : 4;
        pp_pending *np = realloc(es->pend, na * sizeof *np);
        if (!np)
            return PP_E_NOMEM;
        es->pend = np;
        es->apend = na;
    }
    pp_pending *p = &es->pend[es->npend];
    p->status = st;
    p->msg = pp_strdup(msg);
    p->path = pp_strdup(path);
    if (!p->msg || !p->path) {
        free(p->msg);
        free(p->path);
        return PP_E_NOMEM;
    }
    es->npend++;
    return PP_OK;
}

pp_status pp_eval_pending_take(pp_evalstate *es, pp_fstatus st, const char *msg, char *path)
{
    if (es->npend == es->apend) {
        size_t na = es->apend ? es->apend * 2 : 4;
        pp_pending *np = realloc(es->pend, na * sizeof *np);
        if (!np) {
            free(path);
            return PP_E_NOMEM;
        }
        es->pend = np;
        es->apend = na;
    }
    pp_pending *p = &es->pend[es->npend];
    p->status = st;
    p->msg = pp_strdup(msg);
    p->path = path;
    if (!p->msg) {
        free(path);
        return PP_E_NOMEM;
    }
    es->npend++;
    return PP_OK;
}

static void pend_free(pp_pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].msg);
        free(p[i].path);
    }
    free(p);
}

static void taint_clear(pp_evalstate *es)
{
    for (size_t i = 0; i < es->ntaint; i++)
        PP_FREE(es->taint_path[i]);
    es->ntaint = 0;
}

/* The result of one world. Owns its pendings. */
typedef struct world {
    pp_fstatus verdict;
    pp_pending *pend;
    size_t npend;
} world;

static void world_free(world *w)
{
    pend_free(w->pend, w->npend);
    w->pend = NULL;
    w->npend = 0;
}

/* [-4, +2, m] Protected body of one check run: 1 = check, 2 = the rule set (light
 * userdata), 3 = resource index, 4 = ctx. The resource userdata is made here, under the
 * sandbox's pcall, because making it allocates: outside a protected call an allocation
 * failure would reach the panic handler and abort the process. */
static int call_check(lua_State *L)
{
    pp_ruleset *rs = lua_touserdata(L, 2);
    size_t ri = (size_t)lua_tointeger(L, 3);
    lua_pushvalue(L, 1);
    pp_luaapi_push_check_resource(L, rs, ri);
    lua_pushvalue(L, 4);
    lua_call(L, 2, 2);
    return 2;
}

/* Runs check once in the current world; fills w. */
static pp_status run_world(pp_ruleset *rs, const pp_rule *r, size_t ri, world *w)
{
    pp_evalstate *es = &rs->es;
    lua_State *L = pp_sandbox_state(rs->sb);
    const pp_resource *res = &es->t->res[ri];
    es->visited = 0;
    es->npend = 0;
    es->skipped = 0;
    PP_FREE(es->skip_msg);
    taint_clear(es);
    /* none of these pushes allocates (the sandbox keeps LUA_MINSTACK free slots) */
    lua_pushcfunction(L, call_check);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->check_ref);
    lua_pushlightuserdata(L, rs);
    lua_pushinteger(L, (lua_Integer)ri);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->ctx_ref);
    char *err = NULL;
    pp_status st = pp_sandbox_call(rs->sb, 4, 2, &err);
    pp_status rc = PP_OK;
    memset(w, 0, sizeof *w);
    if (st != PP_OK) {
        /* a rule that misbehaves is contained: one ERROR finding */
        for (size_t i = 0; i < es->npend; i++) {
            free(es->pend[i].msg);
            free(es->pend[i].path);
        }
        es->npend = 0;
        const char *kind = st == PP_E_BUDGET       ? "rule exceeded its budget"
                           : st == PP_E_RULE_NOMEM ? "rule exceeded its memory budget"
                                                   : "rule raised an error";
        char *msg = pp_asprintf("%s: %s", kind, err ? err : "no message");
        rc = pp_eval_pending_add(es, PP_ST_ERROR, msg ? msg : kind, res->src_ptr);
        free(msg);
        free(err);
        w->verdict = PP_ST_ERROR;
    } else {
        int failed_ret = lua_isboolean(L, -2) && !lua_toboolean(L, -2);
        const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int has_fail = 0, has_unknown = 0;
        for (size_t i = 0; i < es->npend; i++) {
            has_fail |= es->pend[i].status == PP_ST_FAIL;
            has_unknown |= es->pend[i].status == PP_ST_UNKNOWN;
        }
        if (failed_ret && !has_fail && !has_unknown) {
            rc = pp_eval_pending_add(es, PP_ST_FAIL, msg ? msg : r->info.title, res->src_ptr);
            has_fail = 1;
        }
        lua_pop(L, 2);
        if (has_fail)
            w->verdict = PP_ST_FAIL;
        else if (has_unknown)
            w->verdict = PP_ST_UNKNOWN;
        else if (es->skipped)
            w->verdict = PP_ST_SKIP;
        else if (es->ntaint > 0 || es->choice_overflow) {
            const json_t *u = es->ntaint ? es->taint[0] : NULL;
            const char *why = u ? pp_unknown_reason(u) : "too many unresolved values";
            char *m = pp_asprintf("cannot decide: the rule reads a value known only at deploy "
                                  "time (%s)", why ? why : "unresolved");
            rc = pp_eval_pending_add(es, PP_ST_UNKNOWN, m ? m : "cannot decide",
                                     es->ntaint && es->taint_path[0]
                                         ? es->taint_path[0] : res->props_ptr);
            free(m);
            if (es->ntaint && es->taint_path[0] && rc == PP_OK) {
                /* the taint path is relative to the properties */
                pp_pending *p = &es->pend[es->npend - 1];
                char *full = pp_asprintf("%s%s", res->props_ptr, p->path);
                if (full) {
                    free(p->path);
                    p->path = full;
                }
            }
            w->verdict = PP_ST_UNKNOWN;
        } else if (es->skipped) {
            w->verdict = PP_ST_SKIP;
        } else {
            w->verdict = PP_ST_PASS;
        }
    }
    w->pend = es->pend;
    w->npend = es->npend;
    es->pend = NULL;
    es->npend = es->apend = 0;
    taint_clear(es);
    return rc;
}

/* Advances the odometer of choice points; 0 when every world has been run. */
static int next_world(pp_evalstate *es)
{
    es->nchoice = es->visited;
    while (es->nchoice > 0 &&
           es->choice[es->nchoice - 1].idx + 1 >= es->choice[es->nchoice - 1].count)
        es->nchoice--;
    if (es->nchoice == 0)
        return 0;
    es->choice[es->nchoice - 1].idx++;
    return 1;
}

/* Why the first world had choices to make: the reason of its first choice point. */
static const char *choice_reason(const pp_evalstate *es)
{
    const char *r = es->visited ? pp_unknown_reason(es->choice[0].u) : NULL;
    return r ? r : "a value depends on something unresolved";
}

/* Adds warning w (owned, may be NULL) unless the report already has it. */
static void warn_once(pp_report *out, char *w)
{
    if (!w)
        return;
    int dup = 0;
    for (size_t k = 0; k < out->nwarnings && !dup; k++)
        dup = strcmp(out->warnings[k], w) == 0;
    if (!dup)
        pp_report_warn(out, w);
    free(w);
}

/* A suppression whose rule pattern matches no rule at all (a typo, a renamed rule) silently
 * suppresses nothing: say so. Only when every rule file was loaded — with --pack, --only or
 * a pack turned off the named rule may simply not be selected. */
static void warn_stale_suppressions(const pp_ruleset *rs, const pp_template *t, size_t lo,
                                    size_t hi, pp_report *out)
{
    if (!rs->complete)
        return;
    for (size_t i = lo; i < hi; i++) {
        const pp_resource *res = &t->res[i];
        json_t *sup = json_object_get(json_object_get(res->metadata, "parapet"), "suppress");
        for (size_t j = 0; j < json_array_size(sup); j++) {
            const char *rule = json_string_value(json_object_get(json_array_get(sup, j), "rule"));
            if (!rule || strcmp(rule, "*") == 0)
                continue;
            int any = 0;
            for (size_t k = 0; k < rs->nrules && !any; k++)
                any = pp_glob(rule, rs->rules[k].info.id);
            if (!any)
                warn_once(out, pp_asprintf("%s: resource %s: suppression of '%s' matches no rule "
                                           "(parapet rules list shows the ids)",
                                           t->doc->name, res->logical_id, rule));
        }
    }
}

static int find_suppression(const pp_resource *res, const pp_rule *r, pp_report *out,
                            const char *file, const char **reason)
{
    json_t *sup = json_object_get(json_object_get(res->metadata, "parapet"), "suppress");
    for (size_t i = 0; i < json_array_size(sup); i++) {
        json_t *e = json_array_get(sup, i);
        const char *rule = json_string_value(json_object_get(e, "rule"));
        if (!rule || !(strcmp(rule, "*") == 0 || pp_glob(rule, r->info.id)))
            continue;
        const char *why = json_string_value(json_object_get(e, "reason"));
        if (why && *why) {
            *reason = why;
            return 1;
        }
        warn_once(out, pp_asprintf("%s: resource %s: suppression of '%s' has no reason; ignored",
                                   file, res->logical_id, rule));
    }
    if (r->guard) {
        json_t *g = json_object_get(json_object_get(res->metadata, "guard"), "SuppressedRules");
        for (size_t i = 0; i < json_array_size(g); i++) {
            const char *name = json_string_value(json_array_get(g, i));
            if (name && strcmp(name, r->guard) == 0) {
                *reason = "suppressed by Metadata.guard.SuppressedRules";
                return 1;
            }
        }
    }
    return 0;
}

/* pp_doc_pos of path in doc (0:0 when it has none), through es->pos_cache. */
static void finding_pos(pp_evalstate *es, const pp_doc *doc, const char *path, unsigned *line,
                        unsigned *col)
{
    size_t n = strlen(path);
    int keep = n && n < sizeof es->pos_cache[0].path;
    for (size_t i = 0; keep && i < PP_ARRAY_LEN(es->pos_cache); i++)
        if (memcmp(es->pos_cache[i].path, path, n + 1) == 0) {
            *line = es->pos_cache[i].line;
            *col = es->pos_cache[i].col;
            return;
        }
    pp_pos pos;
    if (pp_doc_pos(doc, path, &pos) >= 0) {
        *line = pos.line;
        *col = pos.col;
    }
    if (keep) {
        unsigned k = es->pos_next++ % PP_ARRAY_LEN(es->pos_cache);
        memcpy(es->pos_cache[k].path, path, n + 1);
        es->pos_cache[k].line = *line;
        es->pos_cache[k].col = *col;
    }
}

static pp_status emit(pp_ruleset *rs, const pp_rule *r, const pp_resource *res,
                      pp_fstatus status, const char *msg, const char *path, pp_report *out)
{
    if ((status == PP_ST_PASS || status == PP_ST_SKIP) &&
        !(rs->es.opts && rs->es.opts->show_passed)) {
        pp_report_count(out, status);   /* counted, not kept */
        return PP_OK;
    }
    const pp_doc *doc = rs->es.t->doc;
    pp_finding f = {0};
    f.rule_id = r->info.id;
    f.controls = r->info.controls;
    f.severity = r->info.severity;
    f.status = status;
    f.file = doc->name;
    f.resource = res->logical_id;
    f.resource_type = res->type;
    f.path = (char *)(path ? path : res->src_ptr);
    finding_pos(&rs->es, doc, f.path, &f.line, &f.column);
    f.message = (char *)msg;
    f.fix = r->info.fix;
    f.docs = r->info.docs;
    f.cdk_path = res->cdk_path;
    const char *reason = NULL;
    if ((status == PP_ST_FAIL || status == PP_ST_UNKNOWN) &&
        find_suppression(res, r, out, doc->name, &reason)) {
        f.status = PP_ST_SUPPRESSED;
        f.suppress_reason = (char *)reason;
    }
    return pp_report_add(out, &f);
}

/* The indexes of the rules naming `type`, cached per rule set; NULL on NOMEM. A list is
 * cached only when complete: an incomplete one would skip rules silently, for good. */
static const json_t *rules_for_type(pp_ruleset *rs, const char *type)
{
    json_t *hit = json_object_get(rs->type_cache, type);
    if (hit)
        return hit;
    json_t *list = json_array();
    for (size_t i = 0; list && i < rs->nrules; i++) {
        if (rs->rules[i].disabled)
            continue;
        for (char **t = rs->rules[i].info.types; t && *t; t++) {
            if (pp_glob(*t, type)) {
                if (json_array_append_new(list, json_integer((json_int_t)i)) != 0) {
                    json_decref(list);
                    list = NULL;
                }
                break;
            }
        }
    }
    /* set_new releases list on failure: only a successful store leaves it alive */
    if (!list || json_object_set_new(rs->type_cache, type, list) != 0)
        return NULL;
    return list;
}

static pp_status eval_one(pp_ruleset *rs, const pp_rule *r, size_t ri, pp_report *out)
{
    pp_evalstate *es = &rs->es;
    const pp_resource *res = &es->t->res[ri];
    es->rule = r;
    es->res = res;
    es->nchoice = 0;
    es->choice_overflow = 0;
    world first = {0}, failing = {0};
    int mixed = 0, any_unknown = 0, worlds = 0, more = 1;
    const char *why = NULL;  /* borrowed from the template's unknown */
    pp_status st = PP_OK;
    while (more) {
        world w;
        st = run_world(rs, r, ri, &w);
        worlds++;
        if (st != PP_OK) {
            world_free(&w);
            break;
        }
        if (worlds == 1) {
            first = w;
            why = choice_reason(es);
        } else {
            if (w.verdict != first.verdict)
                mixed = 1;
        }
        if (w.verdict == PP_ST_UNKNOWN)
            any_unknown = 1;
        if (w.verdict == PP_ST_FAIL && !failing.pend && worlds > 1)
            failing = w;
        else if (worlds > 1)
            world_free(&w);
        if (first.verdict == PP_ST_ERROR)
            break;
        more = next_world(es);
        if (more && (unsigned)worlds >= rs->lim.rule_max_worlds) {
            mixed = 1;
            any_unknown = 1;
            break;
        }
    }
    if (st == PP_OK) {
        pp_fstatus verdict = first.verdict;
        const pp_pending *pend = first.pend;
        size_t npend = first.npend;
        char *msg_owned = NULL;
        if (mixed && verdict != PP_ST_ERROR) {
            const pp_pending *fp = first.verdict == PP_ST_FAIL ? first.pend
                                   : failing.pend            ? failing.pend
                                                             : NULL;
            if (fp || any_unknown) {
                verdict = PP_ST_UNKNOWN;
                msg_owned = pp_asprintf("%s%s (only for some possible values: %s)",
                                        fp ? "may fail: " : "cannot decide: ",
                                        fp ? fp->msg : "the verdict depends on unresolved values",
                                        why ? why : "unresolved values");
                st = emit(rs, r, res, verdict, msg_owned ? msg_owned : "cannot decide",
                          fp ? fp->path : res->src_ptr, out);
                npend = 0;
            } else {
                verdict = PP_ST_PASS;  /* PASS in some worlds, SKIP in others */
            }
        }
        if (!msg_owned) {
            if (verdict == PP_ST_PASS || (verdict == PP_ST_SKIP && npend == 0)) {
                const char *m = verdict == PP_ST_SKIP && es->skip_msg ? es->skip_msg
                                                                      : r->info.title;
                st = emit(rs, r, res, verdict, m, res->src_ptr, out);
            } else {
                for (size_t i = 0; i < npend && st == PP_OK; i++) {
                    pp_fstatus s = pend[i].status;
                    char *m = NULL;
                    if (res->cond_unknown && s == PP_ST_FAIL) {
                        s = PP_ST_UNKNOWN;
                        m = pp_asprintf("fails if condition '%s' holds: %s", res->condition,
                                        pend[i].msg);
                    }
                    st = emit(rs, r, res, s, m ? m : pend[i].msg, pend[i].path, out);
                    free(m);
                }
            }
        }
        free(msg_owned);
    }
    world_free(&first);
    world_free(&failing);
    PP_FREE(es->skip_msg);
    return st;
}

/* A template none of whose resources any rule reads says so (once, from the part that starts
 * at its first resource, so that --jobs reports the same). */
static pp_status warn_all_unjudged(pp_ruleset *rs, const pp_template *t, pp_report *out)
{
    if (t->nres == 0)
        return PP_OK;
    for (size_t i = 0; i < t->nres; i++) {
        const json_t *list = rules_for_type(rs, t->res[i].type);
        if (!list)
            return PP_E_NOMEM;
        if (json_array_size(list))
            return PP_OK;
    }
    char *w = pp_asprintf("%s: no rule reads any of its %zu resource%s: nothing in it was judged",
                          t->doc->name, t->nres, t->nres == 1 ? "" : "s");
    warn_once(out, w);
    return PP_OK;
}

pp_status pp_eval_template(pp_ruleset *rs, const pp_template *t, const pp_eval_opts *o,
                           pp_report *out, char **err)
{
    static const pp_eval_opts defo = {0};
    pp_evalstate *es = &rs->es;
    es->t = t;
    for (size_t i = 0; i < PP_ARRAY_LEN(es->pos_cache); i++)
        es->pos_cache[i].path[0] = '\0';   /* positions of another template's paths */
    es->opts = o ? o : &defo;
    es->epoch++;  /* views from earlier evaluations go stale */
    size_t lo = es->opts->first < t->nres ? es->opts->first : t->nres;
    size_t hi = es->opts->count && es->opts->count < t->nres - lo ? lo + es->opts->count
                                                                  : t->nres;
    out->resources += hi - lo;
    if (out->rules < rs->nrules) {
        out->rules = rs->nrules;
        out->rules_info = rs->info;
    }
    const char *action = es->opts->action ? es->opts->action : "CHECK";
    int is_delete = strcmp(action, "DELETE") == 0;
    int compile_failed = 0;   /* *err says which rule file */
    pp_status st = PP_OK;
    for (size_t i = lo; i < hi && st == PP_OK; i++) {
        const pp_resource *res = &t->res[i];
        const json_t *list = rules_for_type(rs, res->type);
        if (!list) {
            st = PP_E_NOMEM;
            break;
        }
        if (json_array_size(list) == 0)
            out->unjudged++;
        for (size_t k = 0; k < json_array_size(list) && st == PP_OK; k++) {
            pp_rule *r = &rs->rules[json_integer_value(json_array_get(list, k))];
            if (!res->active) {
                char *m = pp_asprintf("condition '%s' is false: resource not created",
                                      res->condition ? res->condition : "?");
                st = emit(rs, r, res, PP_ST_SKIP, m ? m : "not created", res->src_ptr, out);
                free(m);
            } else if (r->skip_reason) {
                st = emit(rs, r, res, PP_ST_SKIP, r->skip_reason, res->src_ptr, out);
            } else if (is_delete && !r->deletes) {
                st = emit(rs, r, res, PP_ST_SKIP, "the rule does not judge deletions",
                          res->src_ptr, out);
            } else if ((st = pp_rule_compile(rs, r, err)) == PP_OK) {
                st = eval_one(rs, r, i, out);   /* compiled now if it came from the index */
            } else {
                compile_failed = 1;
            }
        }
    }
    if (st == PP_OK)
        warn_stale_suppressions(rs, t, lo, hi, out);
    if (st == PP_OK && lo == 0)
        st = warn_all_unjudged(rs, t, out);
    for (size_t k = 0; st == PP_OK && lo == 0 && k < t->nwarnings; k++)
        warn_once(out, pp_strdup(t->warnings[k]));   /* the template's own, once per report */
    es->t = NULL;
    es->res = NULL;
    es->rule = NULL;
    es->opts = NULL;
    es->epoch++;  /* views from earlier evaluations go stale */
    if (st != PP_OK && !compile_failed)
        pp_err(err, st, "%s: out of memory during evaluation", t->doc->name);
    return st;
}

pp_status pp_ruleset_override_params(pp_ruleset *rs, const char *rule_id, const json_t *params)
{
    for (size_t i = 0; i < rs->nrules; i++) {
        pp_rule *r = &rs->rules[i];
        if (strcmp(r->info.id, rule_id) != 0)
            continue;
        if (pp_rule_params(r) != PP_OK)   /* from the rules cache's index: parsed now */
            return PP_E_NOMEM;
        json_t *np = json_deep_copy(r->params_base);
        if (!np)
            return PP_E_NOMEM;
        if (json_is_object(params))
            json_object_update(np, (json_t *)params);
        lua_State *L = pp_sandbox_state(rs->sb);
        int ref = pp_luaapi_params_ref(L, np);
        if (ref == LUA_NOREF) {
            json_decref(np);
            return PP_E_NOMEM;
        }
        luaL_unref(L, LUA_REGISTRYINDEX, r->params_ref);
        r->params_ref = ref;
        json_decref(r->params);
        r->params = np;
        return PP_OK;
    }
    return PP_E_NOTFOUND;
}

int pp_ruleset_select(pp_ruleset *rs, const char *rule_id)
{
    int found = rule_id == NULL;
    for (size_t i = 0; i < rs->nrules; i++) {
        int on = !rule_id || strcmp(rs->rules[i].info.id, rule_id) == 0;
        rs->rules[i].disabled = !on;
        found |= on;
    }
    json_object_clear(rs->type_cache);
    return found ? 0 : -1;
}
