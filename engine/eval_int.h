/* eval_int.h — private to the engine's rule set (rules.c), its Lua API (lua_api.c, lua_view.c,
 * lua_ctx.c, lua_pplib.c; their own glue is lua_api_int.h) and the evaluator (eval.c). Not part
 * of the public API.
 */
#ifndef PP_EVAL_INT_H
#define PP_EVAL_INT_H

#include <jansson.h>
#include <stdint.h>
#include <lua.h>

#include "engine/eval.h"
#include "engine/sandbox.h"
#include "engine/base/util.h"

typedef struct pp_rule {
    pp_rule_info info;   /* id, title, fix, docs, severity, controls, related, packs, types */
    char *file;
    char *guard;         /* Guard rule name for Metadata.guard.SuppressedRules, or NULL */
    int deletes;         /* evaluates hook DELETE operations */
    int check_ref;       /* registry ref of the check function */
    int ctx_ref;         /* registry ref of this rule's ctx userdata */
    int params_ref;      /* registry ref of the read-only Lua table ctx.params returns; the
                            same table on every call, so rules may cache what they derive */
    json_t *params;      /* what ctx.params shows: params_base plus test overrides (owned) */
    json_t *params_base; /* defaults merged with configuration (owned), copied from params
                            by the first override (pp_rule_params); NULL until then */
    int disabled;        /* excluded by pp_ruleset_select */
    char *skip_reason;   /* configuration says skip, with this reason */
    size_t src_len;      /* the file's text: length and pp_rules_cache_hash */
    uint64_t src_hash;
    int borrowed;        /* info and guard point into the rules cache's index (not freed) */
    const char *code;    /* borrowed bytecode of a rule not compiled yet (check_ref NOREF) */
    size_t code_len;
    const char *params_text; /* borrowed JSON of the index's params, parsed into params and
                                params_base by pp_rule_params when first needed (else NULL) */
    size_t params_len;
} pp_rule;

/* A lib/ module loaded on its first pp.lib (rules.c, "modules loaded by need"). */
typedef struct pp_lazy_lib {
    char *name;
    const char *file;     /* borrowed from pp_ruleset.modules */
    const char *code;     /* borrowed bytecode from the rules cache */
    size_t code_len;
    size_t src_len;       /* the text's length and hash, should the bytecode not load */
    uint64_t src_hash;
    int state;            /* 0 not loaded, 1 loading, 2 loaded, 3 failed */
} pp_lazy_lib;

/* A pending verdict inside one evaluation world. */
typedef struct pp_pending {
    pp_fstatus status;
    char *msg;
    char *path;          /* JSON pointer into the document */
} pp_pending;

/* One choice point over an unknown's candidates (see eval.c, "worlds"). */
typedef struct pp_choice {
    const json_t *u;
    size_t idx, count;
} pp_choice;

#define PP_MAX_CHOICES 16
#define PP_MAX_TAINT 8

/* The state of the evaluation in progress; one per rule set. Invariant: `t` and `res` are
 * non-NULL only while pp_eval_template runs; views created in earlier evaluations carry an
 * older epoch and are refused. */
typedef struct pp_evalstate {
    const pp_template *t;
    const pp_resource *res;
    const pp_rule *rule;
    const pp_eval_opts *opts;
    uint64_t epoch;
    pp_pending *pend;
    size_t npend, apend;
    pp_choice choice[PP_MAX_CHOICES];
    size_t nchoice;       /* stack depth kept from the previous world */
    size_t visited;       /* choice points met in this world */
    int choice_overflow;
    const json_t *taint[PP_MAX_TAINT];
    char *taint_path[PP_MAX_TAINT];
    size_t ntaint;
    int skipped;
    char *skip_msg;
    /* The resource userdata of the last check run, and its properties view, are kept in the
     * registry (lua_api_int.h, lapi_cur_*_key) for the next rule on the same resource: both
     * are immutable, so reusing them only saves the allocations (lua_ctx.c). Valid while
     * cur_epoch == epoch (never 0 during an evaluation) and for resource cur_ri. */
    uint64_t cur_epoch;
    size_t cur_ri;
    int cur_props;        /* the properties view is kept too */
    /* The positions of the last few finding paths of this template (emit): the rules of one
     * resource report the same few paths, and pp_doc_pos walks the tree each time. Cleared
     * when a template starts; a path longer than the slot is not kept. */
    struct {
        char path[192];   /* "" = empty slot */
        unsigned line, col;
    } pos_cache[4];
    unsigned pos_next;    /* the slot the next miss fills */
} pp_evalstate;

struct pp_ruleset {
    pp_sandbox *sb;
    pp_rule *rules;       /* selected rules */
    size_t nrules;
    pp_rule_info *info;   /* parallel array of rules[i].info copies (borrowed pointers) */
    json_t *type_cache;   /* resource type → [rule indexes] */
    pp_evalstate es;
    pp_limits lim;
    struct pp_catalog *catalog; /* the folders' control catalogues (rules_catalog.h) */
    pp_strvec modules;    /* paths of the lib/ modules loaded, in load order (rules_lint.c) */
    uint64_t env;         /* digest of the modules and catalogues loaded (rules_cache.h) */
    pp_lazy_lib *libs;    /* modules not run at load, one per name (NULL: all were run) */
    size_t nlibs;
    char *lib_err;        /* the first lazy module load that failed: its message, status */
    pp_status lib_st;
    int complete;         /* every rule file's rule is loaded: no --pack, --only or pack
                             turned off by configuration (stale-suppression warnings) */
};

/* rules.c */
/* Compiles rule r's file if it came from the rules cache's index and is not compiled yet
 * (r->check_ref is LUA_NOREF): from its cached bytecode, else from its text when that is
 * still what the index was built from. PP_E_RULE with *err "FILE: …" otherwise. */
pp_status pp_rule_compile(pp_ruleset *rs, pp_rule *r, char **err);
/* Parses r's params from the index where they are not parsed yet, and keeps a copy of them
 * as params_base if there is none yet (before the first test override replaces params).
 * PP_OK or PP_E_NOMEM. */
pp_status pp_rule_params(pp_rule *r);
/* Loads lib/ module `name` if the rule set defers it and it is not loaded yet, and registers
 * it for pp.lib, from inside or outside a sandbox run (the module runs under budgets of its
 * own, as at load time). PP_OK when loaded now, PP_E_NOTFOUND when there is no such
 * deferred module (or it is loading: a module asking for itself), else the status of the
 * failure with *err, which is also kept in rs->lib_err. */
pp_status pp_rules_lib_load(pp_ruleset *rs, const char *name, char **err);

/* lua_api.c; lua_ctx.c (resources, ctx, params); lua_pplib.c (add_module, to_json) */
/* Installs the `pp` library and the view metatables into the sandbox. */
pp_status pp_luaapi_install(pp_ruleset *rs);
/* [-0, +1, m] Pushes the userdata for resource i of the current template. */
void pp_luaapi_push_resource(lua_State *L, pp_ruleset *rs, size_t i);
/* [-0, +1, m] The same, for the resource a check runs on: the userdata of the previous check
 * run when it was on the same resource in this evaluation (eval.c's call_check). */
void pp_luaapi_push_check_resource(lua_State *L, pp_ruleset *rs, size_t i);
/* Creates rule r's ctx userdata and returns its registry ref, or LUA_NOREF on allocation
 * failure. Runs in protected mode. */
int pp_luaapi_ctx_ref(lua_State *L, pp_rule *r);
/* Builds the read-only Lua table for params and returns its registry ref, or LUA_NOREF on
 * allocation failure. Runs in protected mode. */
int pp_luaapi_params_ref(lua_State *L, const json_t *params);
/* [-1, +0, m] Pops the module table on top of the stack and registers it as pp.lib(name)
 * (read-only). PP_E_RULE with *err naming `file` when it is not a table; PP_E_NOMEM. */
pp_status pp_luaapi_add_module(pp_ruleset *rs, const char *name, const char *file, char **err);
/* Converts a Lua value at idx to JSON (tables with 1..n keys → arrays). NULL when it cannot
 * (functions, cycles, depth > 32), or, with *nomem set, when an allocation failed. */
json_t *pp_luaapi_to_json(lua_State *L, int idx, int depth, int *nomem);

/* eval.c */
pp_status pp_eval_pending_add(pp_evalstate *es, pp_fstatus st, const char *msg, const char *path);
/* pp_eval_pending_add with a malloc'd path that the pending verdict takes (freed on failure
 * too): one copy fewer per verdict. */
pp_status pp_eval_pending_take(pp_evalstate *es, pp_fstatus st, const char *msg, char *path);
int pp_glob(const char *pat, const char *s);

#endif
