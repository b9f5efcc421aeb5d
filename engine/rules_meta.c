/* rules_meta.c — a rule's metadata: the table its file returns (read without metamethods,
 * under lua_pcall), merged with its catalogue row (rules_catalog.h), and the cheap text
 * pre-selection that spares compiling files --pack/--only cannot keep (rules_int.h). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eval_int.h"
#include "engine/rules_catalog.h"
#include "engine/rules_int.h"
#include "engine/base/util.h"

void pp_rules_free_strv(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

/* Raw field of the table at idx (no metamethods run). [-0, +1, -] */
int pp_rules_rawfield(lua_State *L, int idx, const char *k)
{
    lua_pushstring(L, k);
    return lua_rawget(L, idx < 0 ? idx - 1 : idx);
}

/* The string field k, copied; *bad on a wrong type, *nomem when the copy failed. */
static char *opt_string(lua_State *L, int t, const char *k, int *bad, int *nomem)
{
    int ty = pp_rules_rawfield(L, t, k);
    char *s = NULL;
    if (ty == LUA_TSTRING) {
        if (!(s = pp_strdup(lua_tostring(L, -1))))
            *nomem = 1;
    } else if (ty != LUA_TNIL) {
        *bad = 1;
    }
    lua_pop(L, 1);
    return s;
}

/* A list of strings (or a single string) → NULL-terminated vector. *bad on wrong shape,
 * *nomem when a copy failed (the vector then ends early). */
static char **opt_strlist(lua_State *L, int t, const char *k, int *bad, int *nomem)
{
    int ty = pp_rules_rawfield(L, t, k);
    char **v = NULL;
    size_t n = 0;
    if (ty == LUA_TSTRING) {
        n = 1;
    } else if (ty == LUA_TTABLE) {
        n = (size_t)lua_rawlen(L, -1);
    } else {
        if (ty != LUA_TNIL)
            *bad = 1;
        lua_pop(L, 1);
        return NULL;
    }
    if (!(v = calloc(n + 1, sizeof *v)))
        *nomem = 1;
    for (size_t i = 0, j = 0; v && i < n; i++) {
        if (ty == LUA_TTABLE && lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING) {
            *bad = 1;
        } else if (!(v[j] = pp_strdup(lua_tostring(L, -1)))) {
            *nomem = 1;
            i = n;
        } else {
            j++;
        }
        if (ty == LUA_TTABLE)
            lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return v;
}

static int valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 128)
        return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static char **dup_strv(char *const *v, int *nomem)
{
    size_t n = 0;
    while (v[n])
        n++;
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        if (!(out[i] = pp_strdup(v[i]))) {
            pp_rules_free_strv(out);
            out = NULL;
        }
    }
    if (!out)
        *nomem = 1;
    return out;
}

/* Gives *slot (NULL so far, else a conflict) the copy of val; 0, or -1 on a conflict. */
static int take_str(char **slot, const char *val, int *nomem)
{
    if (!val)
        return 0;
    if (*slot)
        return -1;
    if (!(*slot = pp_strdup(val)))
        *nomem = 1;
    return 0;
}

static int take_strv(char ***slot, char *const *val, int *nomem)
{
    if (!val)
        return 0;
    if (*slot)
        return -1;
    *slot = dup_strv(val, nomem);
    return 0;
}

/* Merges catalogue row c into r (metadata the file itself declared: *sev_given). Returns
 * NULL, or the name of a field both give. */
static const char *merge_row(pp_rule *r, const pp_catalog_row *c, int sev_given, int *nomem)
{
    if (take_str(&r->info.title, c->title, nomem))
        return "title";
    if (take_str(&r->info.fix, c->fix, nomem))
        return "fix";
    if (take_str(&r->info.docs, c->docs, nomem))
        return "docs";
    if (take_str(&r->guard, c->guard, nomem))
        return "guard";
    if (take_strv(&r->info.packs, c->packs, nomem))
        return "packs";
    if (take_strv(&r->info.frameworks, c->frameworks, nomem))
        return "frameworks";
    if (c->has_severity) {
        if (sev_given)
            return "severity";
        r->info.severity = c->severity;
    }
    if (c->control || c->guard) {
        if (r->info.controls)
            return "controls";
        char *const v[] = {c->control ? c->control : c->guard, c->control ? c->guard : NULL,
                           NULL};
        r->info.controls = dup_strv(v, nomem);
    }
    return NULL;
}

/* Reads the rule table on top of the stack into r, with its catalogue row's metadata (cat
 * may be NULL). Pops it. */
static pp_status read_rule(lua_State *L, const char *file, const pp_catalog *cat, pp_rule *r,
                           char **err)
{
    int bad = 0, nomem = 0;
    const char *what = NULL;
    char conflict[512];
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return pp_err(err, PP_E_RULE, "%s: expected the file to return a rule table", file);
    }
    r->info.id = opt_string(L, -1, "id", &bad, &nomem);
    r->info.title = opt_string(L, -1, "title", &bad, &nomem);
    r->info.fix = opt_string(L, -1, "fix", &bad, &nomem);
    r->info.docs = opt_string(L, -1, "docs", &bad, &nomem);
    r->guard = opt_string(L, -1, "guard", &bad, &nomem);
    /* parsed in place: a copy held in a local would leak if a later key push raised */
    int sev_ty = pp_rules_rawfield(L, -1, "severity");
    int sev_ok = sev_ty == LUA_TSTRING &&
                 pp_severity_parse(lua_tostring(L, -1), &r->info.severity) == 0;
    if (sev_ty != LUA_TSTRING && sev_ty != LUA_TNIL)
        bad = 1;
    lua_pop(L, 1);
    r->info.types = opt_strlist(L, -1, "types", &bad, &nomem);
    r->info.packs = opt_strlist(L, -1, "packs", &bad, &nomem);
    r->info.controls = opt_strlist(L, -1, "controls", &bad, &nomem);
    r->info.related = opt_strlist(L, -1, "related", &bad, &nomem);
    r->info.frameworks = opt_strlist(L, -1, "frameworks", &bad, &nomem);
    const pp_catalog_row *row = r->info.id ? pp_catalog_find(cat, r->info.id) : NULL;
    if (row && !bad && !nomem) {
        const char *both = merge_row(r, row, sev_ty != LUA_TNIL, &nomem);
        if (row->has_severity && !both)
            sev_ok = 1;
        if (both) {
            snprintf(conflict, sizeof conflict, "'%s' is given both here and by the catalogue "
                     "row at %s:%zu; keep one", both, row->file, row->line);
            what = conflict;
        }
    }
    if (nomem)
        what = "out of memory";
    else if (what) {
        /* the conflict above */
    } else if (bad)
        what = "expected strings or lists of strings in id, title, severity, types, packs, "
               "controls, related, frameworks, fix, docs";
    else if (!valid_id(r->info.id))
        what = "expected 'id' made of letters, digits, '.', '_' or '-'";
    else if (!r->info.title)
        what = "expected a 'title'";
    else if (!sev_ok)
        what = "expected 'severity' to be info, low, medium, high or critical";
    else if (!r->info.types || !r->info.types[0])
        what = "expected 'types' to list at least one resource type";
    if (!what) {
        if (pp_rules_rawfield(L, -1, "deletes") == LUA_TBOOLEAN)
            r->deletes = lua_toboolean(L, -1);
        lua_pop(L, 1);
        int ty = pp_rules_rawfield(L, -1, "params");
        if (ty == LUA_TTABLE) {
            r->params = pp_luaapi_to_json(L, -1, 0, &nomem);
            if (nomem) {
                what = "out of memory";
            } else if (!r->params || !json_is_object(r->params)) {
                if (json_is_array(r->params) && json_array_size(r->params) == 0) {
                    json_decref(r->params);
                    if (!(r->params = json_object()))
                        what = "out of memory";
                } else {
                    what = "expected 'params' to be a table of plain values";
                }
            }
        } else if (ty != LUA_TNIL) {
            what = "expected 'params' to be a table";
        }
        lua_pop(L, 1);
        if (!what && !r->params && !(r->params = json_object()))
            what = "out of memory";
    }
    if (!what) {
        if (pp_rules_rawfield(L, -1, "check") != LUA_TFUNCTION) {
            lua_pop(L, 1);
            what = "expected 'check' to be a function(resource, ctx)";
        } else {
            r->check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        }
    }
    lua_pop(L, 1);
    if (what)
        return pp_err(err, strcmp(what, "out of memory") == 0 ? PP_E_NOMEM : PP_E_RULE, "%s: %s",
                      file, what);
    return PP_OK;
}

typedef struct read_ctx {
    const char *file;
    const pp_catalog *cat;
    pp_rule *r;
    char **err;
    pp_status st;
} read_ctx;

/* Protected body of read_rule_protected: 1 = read_ctx (light userdata), 2 = the rule table. */
static int read_rule_body(lua_State *L)
{
    read_ctx *c = lua_touserdata(L, 1);
    c->st = read_rule(L, c->file, c->cat, c->r, c->err);
    return 0;
}

/* read_rule under lua_pcall: pushing a key string or taking a registry ref may allocate, and
 * a Lua memory error outside a protected call would end the process. Pops the table. */
pp_status pp_rules_read_table(lua_State *L, const char *file, const pp_catalog *cat, pp_rule *r,
                              char **err)
{
    read_ctx c = {file, cat, r, err, PP_E_NOMEM};
    lua_pushcfunction(L, read_rule_body);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, &c);
    lua_insert(L, -2);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", file);
    }
    return c.st;
}

/* Cheap pre-selection: a rule file whose text cannot declare a selected pack (as a quoted
 * literal) or an id/control matching an --only pattern (every literal fragment of the pattern
 * in the text) is not compiled. Rule files write id, packs and controls as string literals
 * (docs/rules.md), so this never drops a selected rule; it spares compiling a 235-rule pack
 * to run twelve. */
static int text_has_quoted(const char *src, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = src; (p = strstr(p, word)) != NULL; p += n) {
        if (p > src && (p[-1] == '"' || p[-1] == '\'') && p[n] == p[-1])
            return 1;
    }
    return 0;
}

static int text_may_match_glob(const char *src, const char *pat)
{
    char frag[256];
    while (*pat) {
        while (*pat == '*')
            pat++;
        size_t n = strcspn(pat, "*");
        if (n == 0)
            break;
        if (n >= sizeof frag)
            return 1;   /* too long to check cheaply: compile it */
        memcpy(frag, pat, n);
        frag[n] = '\0';
        if (!strstr(src, frag))
            return 0;
        pat += n;
    }
    return 1;
}

/* The catalogue row of the rule id a rule file's text declares ("id = '...'"), or NULL.
 * Every literal after an `id =` is tried, so a nested table's id only widens the match. */
static const pp_catalog_row *row_in_text(const pp_catalog *cat, const char *src)
{
    for (const char *p = src; cat && (p = strstr(p, "id")) != NULL; p += 2) {
        if (p > src && (p[-1] == '_' || p[-1] == '.' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                        (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9')))
            continue;
        const char *q = p + 2;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q++ != '=' || *q == '=')
            continue;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '"' && *q != '\'')
            continue;
        const char *end = strchr(q + 1, *q);
        char id[130];
        if (!end || (size_t)(end - q - 1) >= sizeof id)
            continue;
        memcpy(id, q + 1, (size_t)(end - q - 1));
        id[end - q - 1] = '\0';
        const pp_catalog_row *row = pp_catalog_find(cat, id);
        if (row)
            return row;
    }
    return NULL;
}

static int row_in_pack(const pp_catalog_row *row, const char *pack)
{
    for (char **p = row ? row->packs : NULL; p && *p; p++)
        if (strcmp(*p, pack) == 0)
            return 1;
    return 0;
}

static int row_matches(const pp_catalog_row *row, const char *pat)
{
    return row && ((row->control && pp_glob(pat, row->control)) ||
                   (row->guard && pp_glob(pat, row->guard)));
}

int pp_rules_text_may_be_selected(const char *src, const pp_catalog *cat,
                                  const pp_rules_opts *o)
{
    const pp_catalog_row *row = row_in_text(cat, src);   /* counts as the file's text */
    if (o->npacks) {
        int any = 0;
        for (size_t i = 0; i < o->npacks && !any; i++)
            any = text_has_quoted(src, o->packs[i]) || row_in_pack(row, o->packs[i]);
        if (!any)
            return 0;
    }
    if (o->nonly) {
        int any = 0;
        for (size_t i = 0; i < o->nonly && !any; i++)
            any = text_may_match_glob(src, o->only[i]) || row_matches(row, o->only[i]);
        if (!any)
            return 0;
    }
    return 1;
}
