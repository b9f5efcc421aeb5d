/* hook_opts.c — options shared by `parapet hook`, `serve` and `lambda` (see hook_opts.h). */
#include "hooks/hook_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

void pp_hook_opts_init(pp_hook_opts *o)
{
    memset(o, 0, sizeof *o);
    o->fail_on = PP_SEV_INFO;
    pp_limits lim = PP_LIMITS_DEFAULT;
    o->limits = lim;
}

int pp_hook_opts_opt(void *ctx, const pp_opts *p)
{
    pp_hook_opts *o = ctx;
    int r = pp_cli_sel_opt(&o->sel, p);
    if (r >= 0)
        return r;
    switch (p->id) {
    case PP_O_ALLOW_PREFIX:   /* the table refuses an empty prefix */
        return pp_opts_push(p, o->prefixes, &o->nprefixes, PP_CLI_MAX_LIST);
    case PP_O_FAIL_ON:
        return pp_cli_fail_on(p, &o->fail_on);
    case PP_O_VERBOSE:
        o->verbose = 1;
        return 0;
    default:
        return -1;
    }
}

pp_ruleset *pp_hook_opts_load(pp_hook_opts *o)
{
    pp_ruleset *rs = pp_cli_sel_load(&o->sel, &o->limits);
    if (!rs)
        return NULL;
    /* pp_cli_sel_load froze the rule-set options (folders, packs, configuration) in sel:
     * every worker thread loads its own rule set from the same options. */
    o->rules = o->sel.opts;
    o->policy.prefixes = o->prefixes;
    o->policy.nprefixes = o->nprefixes;
    o->policy.allow_s3 = 1;
    pp_hook_cfg cfg = {
        .limits = &o->limits,
        .unknown = o->sel.unknown,
        .fail_on = o->fail_on,
        .fetch = &o->policy,
        .fetch_connect_ms = 3000,
        .fetch_timeout_ms = 10000,
        .fetch_retries = 2,
        .max_payload = 32u << 20,
        .verbose = o->verbose,
    };
    o->cfg = cfg;
    return rs;
}

pp_ruleset *pp_hook_opts_reload(const pp_hook_opts *o, char **err)
{
    pp_status st = PP_OK;
    return pp_ruleset_load(&o->rules, &st, err);
}

void pp_hook_opts_free(pp_hook_opts *o)
{
    pp_cli_sel_free(&o->sel);
}
