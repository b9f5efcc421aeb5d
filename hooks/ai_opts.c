/* ai_opts.c — parsing of the Bedrock options (see ai_opts.h). */
#include "hooks/ai_opts.h"

#include <string.h>

#include "engine/base/util.h"
#include "hooks/cli.h"

int pp_ai_cli_arg(pp_ai_cfg *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    int has = *i + 1 < argc;
    if (strcmp(a, "--ai") == 0) {
        if (!has || (strcmp(argv[*i + 1], "bedrock") != 0 && strcmp(argv[*i + 1], "none") != 0)) {
            pp_cli_usage(argv[0], "--ai expects bedrock or none");
            return -1;
        }
        c->enabled = strcmp(argv[++*i], "bedrock") == 0;
        return 1;
    }
    if (strcmp(a, "--bedrock-model") == 0 || strcmp(a, "--bedrock-endpoint") == 0 ||
        strcmp(a, "--ai-timeout-ms") == 0) {
        if (!has) {
            pp_cli_usage(argv[0], "%s expects a value", a);
            return -1;
        }
        const char *v = argv[++*i];
        if (strcmp(a, "--bedrock-model") == 0) {
            c->model = v;
        } else if (strcmp(a, "--bedrock-endpoint") == 0) {
            c->endpoint = v;
        } else if (pp_parse_long(v, 1, 600000, &c->timeout_ms) != 0) {
            pp_cli_usage(argv[0], "--ai-timeout-ms expects 1..600000");
            return -1;
        }
        return 1;
    }
    if (strcmp(a, "--no-ai-cache") == 0) {
        c->no_cache = 1;
        return 1;
    }
    return 0;
}
