/* ai_opts.c — the Bedrock options (see ai_opts.h), taken from the parser of hooks/opt.h. */
#include "hooks/ai_opts.h"

#include <string.h>

int pp_ai_cli_opt(void *cfg, const pp_opts *p)
{
    pp_ai_cfg *c = cfg;
    switch (p->id) {
    case PP_O_AI:   /* the table allows bedrock and none only */
        c->enabled = strcmp(p->val, "bedrock") == 0;
        return 0;
    case PP_O_BEDROCK_MODEL: c->model = p->val; return 0;
    case PP_O_BEDROCK_ENDPOINT: c->endpoint = p->val; return 0;
    case PP_O_AI_TIMEOUT_MS: c->timeout_ms = p->num; return 0;
    case PP_O_NO_AI_CACHE: c->no_cache = 1; return 0;
    default: return -1;
    }
}
