/* ai_opts.h — the command-line options that turn on Bedrock enrichment (advisor/ai.h), shared
 * by explain, notify and lambda:
 *   --ai bedrock | --ai none, --bedrock-model ID, --bedrock-endpoint URL,
 *   --ai-timeout-ms N, --no-ai-cache
 */
#ifndef PP_AI_OPTS_H
#define PP_AI_OPTS_H

#include "advisor/ai.h"

/* Consumes the option at argv[*i] (and its value). Returns 1 when consumed, 0 when it is not
 * an AI option, -1 on a usage error (message printed). Values are borrowed from argv. */
int pp_ai_cli_arg(pp_ai_cfg *c, int argc, char **argv, int *i);

#define PP_AI_CLI_HELP \
    "  --ai bedrock               add Amazon Bedrock's reading of each root cause (marked as\n" \
    "                             AI; redacted before sending; cached in the state database)\n" \
    "  --bedrock-model ID         model or inference profile (or PARAPET_BEDROCK_MODEL)\n" \
    "  --bedrock-endpoint URL     Bedrock Runtime endpoint (default: AWS in $AWS_REGION)\n" \
    "  --ai-timeout-ms N          budget for all Bedrock calls (default 8000); on timeout or\n" \
    "                             error the knowledge-base answer is used, with a note\n" \
    "  --no-ai-cache              ask Bedrock even when an answer is cached\n"

#endif
