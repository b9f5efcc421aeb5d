/* main.c — the parapet command line: dispatches to the front ends in hooks/.
 * Nothing below main calls exit(); every command returns its exit status (docs/cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "hooks/cli.h"
#include "hooks/cli_live.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"check", pp_cli_check, "check templates before deploying them"},
    {"rules", pp_cli_rules, "list rules, or run every rule's test cases"},
    {"hook", pp_cli_hook, "evaluate one CloudFormation Lambda-hook request"},
    {"serve", pp_cli_serve, "HTTP endpoint: /hook, /v1/check, /slack/command, /healthz, /metrics"},
    {"lambda", pp_cli_lambda, "AWS Lambda custom-runtime loop (the zip's bootstrap)"},
    {"explain", pp_cli_explain, "explain a failed deployment from its events"},
    {"watch", pp_cli_watch, "follow a stack's deployment live; explain a failure as it appears"},
    {"notify", pp_cli_notify, "explain a failed deployment and post it to Slack, Teams or a webhook"},
    {"kb", pp_cli_kb, "knowledge base: build, lint, search, stats"},
    {"state", pp_cli_state, "the state store: migrate a SQLite file into a DynamoDB table"},
};

static void usage(FILE *f)
{
    fprintf(f, "parapet %s — guardrails for AWS deployments\n\nusage: parapet COMMAND [ARGS]\n\n",
            PARAPET_VERSION);
    for (size_t i = 0; i < PP_ARRAY_LEN(COMMANDS); i++)
        fprintf(f, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\n'parapet help COMMAND' or 'parapet COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
    pp_json_init();   /* before any thread: jansson's allocator is process-wide */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("parapet %s\n", PARAPET_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        for (size_t i = 0; i < PP_ARRAY_LEN(COMMANDS); i++) {
            if (strcmp(argv[2], COMMANDS[i].name) == 0) {
                char *hargv[] = {argv[2], "--help", NULL};
                return COMMANDS[i].run(2, hargv);
            }
        }
        fprintf(stderr, "parapet: no command '%s'\n", argv[2]);
        return 2;
    }
    for (size_t i = 0; i < PP_ARRAY_LEN(COMMANDS); i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "parapet: unknown %s '%s' (see parapet --help)\n",
            cmd[0] == '-' ? "option" : "command", cmd);
    return 2;
}
