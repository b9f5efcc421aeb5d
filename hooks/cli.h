/* cli.h — the command-line front ends in hooks/, one function per `parapet` command.
 *
 * main.c dispatches on argv[1] and passes argc-1, argv+1, so argv[0] is the command name
 * ("explain", "kb", …). Each returns the process exit status: 0 success, 1 failing findings
 * or unexplained failures, 2 usage or input error (a one-line message on stderr). None calls
 * exit().
 */
#ifndef PP_HOOKS_CLI_H
#define PP_HOOKS_CLI_H

/* parapet explain [--format text|markdown|json] [--message TEXT [--resource-type T]]
 *                 [--kb FILE] [FILE…|-]   (hooks/cli_explain.c, docs/explain.md) */
int pp_cli_explain(int argc, char **argv);

/* parapet kb build|lint|search|stats …   (hooks/cli_explain.c, docs/kb.md) */
int pp_cli_kb(int argc, char **argv);

#endif
