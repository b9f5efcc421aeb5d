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

static const char usage[] =
    "usage: parapet hook [OPTIONS] [FILE|-]\n"
    "Evaluates one CloudFormation Lambda-hook request (default: stdin) and prints the hook\n"
    "response. Exit 0 SUCCESS, 1 NonCompliant, 2 InternalFailure or usage error.\n"
    "  --deadline-ms N                  give up fetching/evaluating after N ms (default 25000)\n";

int pp_cli_hook(int argc, char **argv)
{
    pp_hook_opts o;
    pp_hook_opts_init(&o);
    const char *file = NULL;
    long deadline = 25000;
    int rc = 2;
    pp_ruleset *rs = NULL;
    char *buf = NULL, *err = NULL;
    pp_hook_outcome out = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = pp_hook_opts_arg(&o, argc, argv, &i);
        if (r < 0)
            goto done;
        if (r > 0)
            continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            fputs(pp_hook_opts_help, stdout);
            rc = 0;
            goto done;
        } else if (strcmp(a, "--deadline-ms") == 0 && i + 1 < argc) {
            if (pp_parse_long(argv[++i], 1, 900000, &deadline) != 0) {
                rc = pp_cli_usage("hook", "--deadline-ms expects 1..900000");
                goto done;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = pp_cli_usage("hook", "unknown option '%s' (see parapet hook --help)", a);
            goto done;
        } else if (file) {
            rc = pp_cli_usage("hook", "one request file at a time");
            goto done;
        } else {
            file = a;
        }
    }
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
    rs = pp_hook_opts_load(&o);
    if (!rs)
        goto done;
    st = pp_hook_handle(&o.cfg, rs, NULL, pp_now_ms() + (uint64_t)deadline, buf, len, &out);
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
    pp_hook_opts_free(&o);
    return rc;
}
