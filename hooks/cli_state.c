/* cli_state.c — `parapet state migrate --from FILE --to dynamodb://TABLE`: copies a SQLite
 * state file into a DynamoDB table (pp_state_migrate, engine/store/state.h), for teams moving
 * from one machine to many. Idempotent: a second run copies nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/net/http.h"
#include "engine/store/state.h"
#include "hooks/cli.h"

static const char usage[] =
    "usage: parapet state migrate --from FILE --to dynamodb://TABLE\n"
    "Copies a SQLite state file (the outbox with its dedup keys, the kept events, the latest\n"
    "explanations, the Bedrock cache) into a DynamoDB state table. Idempotent: what the table\n"
    "has already is left alone, so a second run copies nothing; pending messages stay\n"
    "deliverable. Region, credentials and endpoint come from the standard AWS chain.\n"
    "  --from FILE            the SQLite state file (e.g. ~/.local/state/parapet/state.db)\n"
    "  --to dynamodb://TABLE  the table (created by hooks/deploy/parapet-hook.yaml)\n"
    "  --quiet                no summary line\n";

static const char *const KINDS[4] = { "outbox rows", "cached answers", "explanations",
                                      "events" };

int pp_cli_state(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "migrate") != 0)
        return pp_cli_usage("state", "unknown subcommand '%s' (see parapet state --help)",
                            argv[1]);
    const char *from = NULL, *to = NULL, *v;
    int quiet = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (pp_cli_opt_value(argc, argv, &i, "--from", &v)) {
            if (!v)
                return pp_cli_usage("state", "--from expects a FILE");
            from = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--to", &v)) {
            if (!v)
                return pp_cli_usage("state", "--to expects dynamodb://TABLE");
            to = v;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else {
            return pp_cli_usage("state", "unknown option '%s' (see parapet state --help)",
                                argv[i]);
        }
    }
    if (!from || !to)
        return pp_cli_usage("state", "migrate needs --from FILE and --to dynamodb://TABLE");
    if (pp_state_is_ddb(from))
        return pp_cli_usage("state", "--from is a SQLite file, not a table");
    if (!pp_state_is_ddb(to))
        return pp_cli_usage("state", "--to expects dynamodb://TABLE");
    FILE *f = fopen(from, "rb");
    if (!f) {
        fprintf(stderr, "parapet state: %s: cannot open: no such state file\n", from);
        return 2;
    }
    fclose(f);
    int rc = 2;
    char *err = NULL;
    pp_state *src = NULL, *dst = NULL;
    pp_state_migrate_stats stats;
    pp_status st = pp_http_global_init();
    if (st == PP_OK)
        st = pp_state_open(from, &src, &err);
    if (st == PP_OK)
        st = pp_state_open(to, &dst, &err);
    if (st == PP_OK)
        st = pp_state_migrate(src, dst, &stats, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet state: %s\n", err ? err : pp_status_name(st));
        goto done;
    }
    if (!quiet) {
        printf("parapet state: migrated %s into %s:", from, to);
        for (int k = 0; k < 4; k++)
            printf("%s %zu of %zu %s", k ? "," : "", stats.copied[k], stats.seen[k], KINDS[k]);
        printf(" copied (the rest were there already)\n");
    }
    rc = 0;
done:
    free(err);
    pp_state_close(dst);
    pp_state_close(src);
    return rc;
}
