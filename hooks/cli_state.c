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

static const char *const KINDS[4] = { "outbox rows", "cached answers", "explanations",
                                      "events" };

/* What `state migrate` was given. */
typedef struct migrate_args {
    const char *from, *to;
    int quiet;
} migrate_args;

/* One option or argument of `state migrate` (hooks/opt.h). */
static int migrate_opt(void *ctx, const pp_opts *p)
{
    migrate_args *a = ctx;
    switch (p->id) {
    case PP_O_FROM: a->from = p->val; return 0;
    case PP_O_TO: a->to = p->val; return 0;
    case PP_O_QUIET: a->quiet = 1; return 0;
    default: return -1;
    }
}

static int state_migrate(int argc, char **argv)
{
    migrate_args a = { 0 };
    pp_opt_taker takers[] = {{migrate_opt, &a}};
    int prc = pp_opts_parse(PP_CMD_STATE_MIGRATE, argc, argv, takers, 1);
    if (prc >= 0)
        return prc;
    const char *from = a.from, *to = a.to;
    int quiet = a.quiet;
    if (!from || !to)
        return pp_cli_usage("state migrate", "--from FILE and --to dynamodb://TABLE are required");
    if (pp_state_is_ddb(from))
        return pp_cli_usage("state migrate", "--from is a SQLite file, not a table");
    if (!pp_state_is_ddb(to))
        return pp_cli_usage("state migrate", "--to expects dynamodb://TABLE");
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

int pp_cli_state(int argc, char **argv)
{
    static const char *const names[] = {"migrate", NULL};
    static int (*const subs[])(int, char **) = {state_migrate};
    return pp_opts_dispatch("state", names, subs, argc, argv);
}
