/* hook_opts.c — options shared by `parapet hook`, `serve` and `lambda` (see hook_opts.h). */
#include "hooks/hook_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

const char pp_hook_opts_help[] =
    "  --rules DIR                      add a rules folder (repeatable)\n"
    "  --no-builtin-rules               do not load the built-in rules\n"
    "  --pack NAME  --only ID           select rules (repeatable; '*' wildcards in --only)\n"
    "  --config FILE                    configuration (default: .parapet.yaml upward)\n"
    "  --rules-cache FILE               precompiled rules (`parapet rules compile`); a\n"
    "                                   file whose text changed is compiled as usual\n"
    "  --unknown fail|warn|pass         what an UNKNOWN verdict does (default fail)\n"
    "  --fail-on SEVERITY               lowest severity that fails the hook (default info)\n"
    "  --allow-payload-url-prefix P     also fetch payloads from URLs starting with P\n"
    "                                   (repeatable; default: Amazon S3 https URLs only)\n"
    "  --verbose                        rule logs on stderr\n";

void pp_hook_opts_init(pp_hook_opts *o)
{
    memset(o, 0, sizeof *o);
    o->fail_on = PP_SEV_INFO;
    pp_limits lim = PP_LIMITS_DEFAULT;
    o->limits = lim;
}

/* Matches "--name VALUE" or "--name=VALUE"; sets *val. 1 matched, 0 not, -1 value missing. */
static int opt_val(const char *name, int argc, char **argv, int *i, const char **val)
{
    const char *a = argv[*i];
    size_t l = strlen(name);
    if (strncmp(a, name, l) != 0 || (a[l] != '\0' && a[l] != '='))
        return 0;
    if (a[l] == '=') {
        *val = a + l + 1;
        return 1;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "parapet: %s needs a value\n", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int pp_hook_opts_arg(pp_hook_opts *o, int argc, char **argv, int *i)
{
    int r = pp_cli_sel_arg(&o->sel, argc, argv, i);
    if (r != 0)
        return r;
    const char *val = NULL;
    if ((r = opt_val("--allow-payload-url-prefix", argc, argv, i, &val)) != 0) {
        if (r < 0)
            return -1;
        if (!*val) {
            fprintf(stderr, "parapet: --allow-payload-url-prefix needs a non-empty prefix\n");
            return -1;
        }
        if (o->nprefixes >= PP_CLI_MAX_LIST) {
            fprintf(stderr, "parapet: too many --allow-payload-url-prefix options\n");
            return -1;
        }
        o->prefixes[o->nprefixes++] = val;
        return 1;
    }
    if ((r = opt_val("--fail-on", argc, argv, i, &val)) != 0) {
        if (r < 0)
            return -1;
        if (pp_severity_parse(val, &o->fail_on) != 0) {
            fprintf(stderr, "parapet: --fail-on expects info, low, medium, high or critical, "
                            "not '%s'\n", val);
            return -1;
        }
        return 1;
    }
    if (strcmp(argv[*i], "--verbose") == 0) {
        o->verbose = 1;
        return 1;
    }
    return 0;
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
