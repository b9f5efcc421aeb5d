/* cli.h — the front ends' entry points (one per parapet command) and the option handling
 * they share. Each pp_cli_* takes argv with argv[0] = the command name and returns the
 * process exit status (0, 1 or 2; see docs/cli.md).
 */
#ifndef PP_CLI_H
#define PP_CLI_H

#include <jansson.h>

#include "engine/eval.h"
#include "engine/base/limits.h"
#include "hooks/opt.h"

int pp_cli_check(int argc, char **argv);
int pp_cli_rules(int argc, char **argv);
/* The CloudFormation hook front ends (hooks/cli_hook.c, serve.c, lambda.c). */
int pp_cli_hook(int argc, char **argv);
int pp_cli_serve(int argc, char **argv);
int pp_cli_lambda(int argc, char **argv);
/* parapet explain [--format text|markdown|json] [--message TEXT [--resource-type T]]
 *                 [--kb FILE] [FILE…|-]   (hooks/cli_explain.c, docs/advisor.md) */
int pp_cli_explain(int argc, char **argv);
/* parapet kb build|lint|search|stats …   (hooks/cli_explain.c, docs/kb.md) */
int pp_cli_kb(int argc, char **argv);
/* parapet notify --to slack|teams|webhook --url URL [--state-db F] [--flush] [FILE…]
 * (hooks/cli_notify.c, docs/chatops.md) */
int pp_cli_notify(int argc, char **argv);
/* parapet state migrate --from FILE --to dynamodb://TABLE (cli_state.c) */
int pp_cli_state(int argc, char **argv);

struct pp_kb;
/* Opens the knowledge base: `opt` (--kb), else $PARAPET_KB, else kb.db beside the binary, else
 * PREFIX/share/parapet/kb.db. NULL with a message printed and *rc = 2 on failure. The caller
 * frees it with pp_kb_free. (hooks/cli_explain.c) */
struct pp_kb *pp_cli_open_kb(const char *opt, int *rc);

#define PP_CLI_MAX_LIST 64

/* Rule selection common to check, hook, serve and lambda. */
typedef struct pp_cli_sel {
    const char *dirs[PP_CLI_MAX_LIST];
    size_t ndirs;
    const char *packs[PP_CLI_MAX_LIST];
    size_t npacks;
    const char *only[PP_CLI_MAX_LIST];
    size_t nonly;
    const char *config_path;   /* --config, or NULL to search for .parapet.yaml */
    json_t *config;            /* loaded configuration (owned), may be NULL */
    pp_unknown_policy unknown;
    int no_builtin;            /* --no-builtin-rules */
    const char *cache_path;    /* --rules-cache FILE */
    int no_cache;              /* --no-rules-cache: not even the built-in rules' own cache */
    char *cache_used;          /* the cache file in use (named or the built-in one), owned */
    struct pp_rules_cache *cache; /* opened by pp_cli_sel_load (owned), may be NULL */
    /* Filled by pp_cli_sel_load: the rule-set options it used, frozen so other threads can
     * load the same rule set (serve workers). Points into this struct. */
    pp_rules_opts opts;
    const char *rdirs[PP_CLI_MAX_LIST + 1];
    const char *rlibs[1];
    char builtin[4096];
} pp_cli_sel;

/* Takes a rule-selection option from the parser (hooks/opt.h: --rules, --pack, --only,
 * --config, --unknown, --rules-cache, --no-builtin-rules, --no-rules-cache). 0 when taken, 2
 * after a usage error (too many of a repeatable one), -1 when p is not a selection option.
 * `sel` is a pp_cli_sel (a pp_opt_taker). Values stay borrowed from argv. */
int pp_cli_sel_opt(void *sel, const pp_opts *p);
/* --fail-on's value (any case) into *out: 0, or 2 after a usage error. */
int pp_cli_fail_on(const pp_opts *p, pp_severity *out);
/* Loads configuration (if any) and the rule set. Returns NULL with a message printed. */
pp_ruleset *pp_cli_sel_load(pp_cli_sel *s, const pp_limits *lim);
void pp_cli_sel_free(pp_cli_sel *s);
/* The built-in rules folder: $PARAPET_RULES, else ../rules or ../share/parapet/rules next to
 * the executable. NULL when none exists. Returns a static buffer. */
const char *pp_cli_builtin_rules(void);
/* A data file the build or `make install` puts beside the rules: NAME beside the binary
 * (build/kb.db), else BINDIR/../share/parapet/NAME (an installed tree, whatever its PREFIX),
 * else the compiled-in PREFIX/share/parapet/NAME (returned even when missing, for the error
 * message). Caller frees; NULL only without memory. */
char *pp_cli_data_file(const char *name);
/* 1 when text written to fd may carry ANSI colours: a terminal, NO_COLOR unset or empty
 * (no-color.org), TERM not "dumb". */
int pp_cli_color(int fd);
/* Usage error helper: prints "parapet CMD: message" and returns 2. */
int pp_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
