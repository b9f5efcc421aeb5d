/* ai_opts.h — the command-line options that turn on Bedrock enrichment (advisor/ai.h), shared
 * by explain, notify and lambda:
 *   --ai bedrock | --ai none, --bedrock-model ID, --bedrock-endpoint URL,
 *   --ai-timeout-ms N, --no-ai-cache
 */
#ifndef PP_AI_OPTS_H
#define PP_AI_OPTS_H

#include "advisor/ai.h"
#include "hooks/opt.h"

/* Takes a Bedrock option from the parser (a pp_opt_taker; `c` is a pp_ai_cfg): 0 taken, -1 when p is not one of them (the table
 * has checked the values). Values stay borrowed from argv. The options' help is in
 * hooks/opt_table.c. */
int pp_ai_cli_opt(void *c, const pp_opts *p);

#endif
