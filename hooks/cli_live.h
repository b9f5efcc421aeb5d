/* cli_live.h — the command-line side of the live AWS commands: the options they share
 * (--profile, --region, --endpoint-url, --verbose), the fetch into an event set, the list of
 * what could not be fetched, and `parapet watch` (hooks/cli_live.c).
 *
 * Data flow: explain --stack / watch → pp_cli_live_fetch → advisor/live.h (which fetches
 * through engine/net/aws.h and the credential chain of engine/net/creds.h) → pp_evset →
 * advisor/explain.h. Nothing here prints a credential: --verbose names the source only.
 */
#ifndef PP_CLI_LIVE_H
#define PP_CLI_LIVE_H

#include <jansson.h>
#include <stdio.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/live.h"
#include "hooks/opt.h"

typedef struct pp_cli_aws {
    const char *profile, *region, *endpoint;   /* borrowed from argv */
    int verbose;
} pp_cli_aws;

/* Takes --profile, --region, --endpoint-url or --verbose/-v from the parser (a pp_opt_taker,
 * hooks/opt.h; `a` is a pp_cli_aws):
 * 0 taken, -1 when p is not one of them. Values stay borrowed from argv. */
int pp_cli_aws_opt(void *a, const pp_opts *p);

/* Fetches `stack` live and ingests every answer into `set`; *live keeps the list of what
 * could not be fetched (caller frees with pp_live_result_free). Returns 0, or 2 with a
 * message printed when not even the stack's events could be read (credentials, region,
 * access, a stack that does not exist). */
int pp_cli_live_fetch(const pp_cli_aws *a, pp_kb *kb, const char *cmd, const char *stack,
                      pp_evset *set, pp_live_result *live);

/* Adds "not_fetched": [...] and "fetched": {...} to an explain document. */
void pp_cli_live_annotate(json_t *doc, const pp_live_result *live);
/* Prints the "Not fetched" section (nothing when everything was). */
void pp_cli_live_print_missing(FILE *f, const pp_live_result *live, int md);

struct pp_kb;
/* The whole `explain --stack` pipeline for a front end that answers with a document (the
 * Slack slash command): fetch within `deadline_ms` (absolute pp_now_ms()), explain against
 * `kb`, annotate with what was not fetched. New reference, or NULL with *err (caller frees)
 * when not even the stack's events could be read. `http` may be NULL. */
json_t *pp_cli_live_explain(const pp_cli_aws *a, pp_http_client *http, struct pp_kb *kb,
                            const char *stack, uint64_t deadline_ms, char **err);

/* parapet watch STACK … (docs/cli.md). */
/* Points x's root causes at their lines in the templates live fetched (GetTemplate per failed
 * stack; a root keeps a location it already has, e.g. from --template). A template that does
 * not load is a warning on stderr. PP_OK or PP_E_NOMEM. */
pp_status pp_cli_live_locate(pp_explain *x, const pp_live_result *live);

int pp_cli_watch(int argc, char **argv);

#endif
