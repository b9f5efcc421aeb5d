/* cli_hook.c — `parapet hook [FILE|-]`: one Lambda-hook request in, its response out.
 *
 * Data flow: file or stdin → pp_hook_handle (cfn_hook.h) → the response JSON on stdout.
 * Exit status: 0 SUCCESS, 1 FAILED/NonCompliant, 2 InternalFailure or a usage error, so a
 * script can tell "the rules said no" from "Parapet could not judge".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/net/http.h"
#include "engine/base/util.h"
#include "hooks/cfn_hook.h"
#include "hooks/cli.h"
#include "hooks/hook_opts.h"

/* What the command line chose. */
typedef struct hook_args {
    pp_hook_opts o;
    const char *file;
    long deadline;
} hook_args;

/* One option or argument of `hook` (hooks/opt.h). */
static int hook_opt(void *ctx, const pp_opts *p)
{
    hook_args *a = ctx;
    switch (p->id) {
    case PP_O_DEADLINE_MS: a->deadline = p->num; return 0;
    case PP_O_ARG:
        if (a->file)
            return pp_opts_error(p, "one request file at a time");
        a->file = p->val;
        return 0;
    default: return -1;
    }
}

int pp_cli_hook(int argc, char **argv)
{
    hook_args *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "parapet hook: out of memory\n");
        return 2;
    }
    pp_hook_opts_init(&a->o);
    a->deadline = 25000;
    pp_hook_opts *op = &a->o;
    int rc = 2;
    pp_ruleset *rs = NULL;
    char *buf = NULL, *err = NULL;
    pp_hook_outcome out = { 0 };
    pp_opt_taker takers[] = {{pp_hook_opts_opt, &a->o}, {hook_opt, a}};
    int prc = pp_opts_parse(PP_CMD_HOOK, argc, argv, takers, PP_ARRAY_LEN(takers));
    if (prc >= 0) {
        rc = prc;
        goto done;
    }
    const char *file = a->file;
    long deadline = a->deadline;
    if (!file)
        file = "-";
    size_t len = 0;
    pp_status st = pp_read_file(file, PP_HOOK_MAX_REQUEST, &buf, &len, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet hook: %s\n", err ? err : pp_status_name(st));
        goto done;
    }
    if (pp_http_global_init() != PP_OK) {
        fprintf(stderr, "parapet hook: libcurl failed to initialise\n");
        goto done;
    }
    rs = pp_hook_opts_load(op);
    if (!rs)
        goto done;
    st = pp_hook_handle(&op->cfg, rs, NULL, pp_now_ms() + (uint64_t)deadline, buf, len, &out);
    if (st != PP_OK || !out.response) {
        fprintf(stderr, "parapet hook: out of memory\n");
        goto done;
    }
    if (fputs(out.response, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout)) {
        fprintf(stderr, "parapet hook: cannot write the response\n");
        goto done;
    }
    if (out.error)
        fprintf(stderr, "parapet hook: %s\n", out.error);
    rc = out.verdict == PP_HOOK_SUCCESS ? 0 : out.verdict == PP_HOOK_NONCOMPLIANT ? 1 : 2;
done:
    pp_hook_outcome_free(&out);
    pp_ruleset_free(rs);
    free(buf);
    free(err);
    pp_hook_opts_free(op);
    free(a);
    return rc;
}
