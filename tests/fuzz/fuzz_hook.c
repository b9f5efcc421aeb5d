/* fuzz_hook.c — the Lambda-hook request parser (hooks/cfn_hook.c pp_hook_parse) and, for
 * requests that carry their STACK / CHANGE_SET payload inline (requestData.targetModel) or a
 * RESOURCE's properties, the whole handler (hooks/cfn_eval.c: payload template, change-set
 * contexts, evaluation with the built-in rules, response rendering). A payload URL is never
 * fetched: such requests stop after parsing. Rules come from $PARAPET_RULES or ./rules (the
 * Makefile runs targets from the repository root); without them only parsing is fuzzed.
 */
#include "tests/fuzz/fuzz.h"

#include "engine/eval.h"
#include "hooks/cfn_hook.h"

static pp_ruleset *g_rs;
static pp_limits g_lim = PP_LIMITS_DEFAULT;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("PARAPET_RULES");
    const char *dirs[1] = { dir && *dir ? dir : "rules" };
    /* Smaller budgets than a real hook, so one input cannot stall the fuzzer. */
    g_lim.rule_instructions = 1000000;
    g_lim.rule_deadline_ms = 500;
    pp_rules_opts ro = { .dirs = dirs, .ndirs = 1, .limits = &g_lim };
    pp_status st = PP_OK;
    char *err = NULL;
    g_rs = pp_ruleset_load(&ro, &st, &err);
    free(err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_hook_req req;
    char *err = NULL;
    pp_status st = pp_hook_parse((const char *)data, size, &req, &err);
    int handle = st == PP_OK && !req.payload_url && g_rs;
    pp_hook_req_free(&req);
    free(err);
    if (!handle)
        return 0;
    static const pp_http_policy deny = { 0 };
    pp_hook_cfg cfg = {
        .limits = &g_lim,
        .fetch = &deny,
        .max_payload = 1u << 20,
    };
    pp_hook_outcome out;
    if (pp_hook_handle(&cfg, g_rs, NULL, 0, (const char *)data, size, &out) == PP_OK)
        pp_hook_outcome_free(&out);
    return 0;
}
