/* hook_opts.h — the command-line options shared by the hook front ends (`parapet hook`,
 * `parapet serve`, `parapet lambda`): the rule selection of `check` (pp_cli_sel, cli.h) plus
 * --fail-on, --allow-payload-url-prefix and --verbose.
 *
 * Data flow: argv → pp_opts_parse (hooks/opt.h) → pp_hook_opts_opt for the shared options
 * (the command's callback handles its own) →
 * pp_hook_opts_load (first rule set, configuration, and the frozen pp_rules_opts every other
 * thread loads from) → pp_hook_cfg for pp_hook_handle. Nothing here changes after load, so
 * worker threads may read it concurrently.
 */
#ifndef PP_HOOK_OPTS_H
#define PP_HOOK_OPTS_H

#include "engine/eval.h"
#include "engine/net/http.h"
#include "engine/base/limits.h"
#include "hooks/cfn_hook.h"
#include "hooks/cli.h"

typedef struct pp_hook_opts {
    pp_cli_sel sel;
    const char *prefixes[PP_CLI_MAX_LIST];   /* --allow-payload-url-prefix, borrowed */
    size_t nprefixes;
    pp_severity fail_on;
    int verbose;
    pp_limits limits;
    pp_http_policy policy;        /* S3 + prefixes */
    pp_rules_opts rules;          /* valid after pp_hook_opts_load */
    pp_hook_cfg cfg;              /* valid after pp_hook_opts_load */
} pp_hook_opts;

void pp_hook_opts_init(pp_hook_opts *o);

/* Takes a shared option from the parser (a pp_opt_taker; `o` is a pp_hook_opts): 0 taken, 2
 * after a usage error (printed), -1 when p is not one of them. Values stay borrowed. */
int pp_hook_opts_opt(void *o, const pp_opts *p);

/* Loads configuration and the rule set once (errors printed, NULL returned), then freezes
 * o->rules and o->cfg. The caller owns the returned rule set. */
pp_ruleset *pp_hook_opts_load(pp_hook_opts *o);

/* Another rule set from the frozen options, for another thread. Thread-safe. NULL with *err
 * (caller frees) on failure. */
pp_ruleset *pp_hook_opts_reload(const pp_hook_opts *o, char **err);

void pp_hook_opts_free(pp_hook_opts *o);

#endif
