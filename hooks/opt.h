/* opt.h — the command line's one option table and its one parser (as curl's tool_getparam.c
 * keeps one sorted table of every option). Every command and sub-command of `parapet` reads its
 * arguments through pp_opts_parse, so that the forms, the error wording, the exit code and
 * `--help` are the same everywhere (docs/cli.md, "Options").
 *
 * Data flow: argv → pp_opts_parse (looks each option up in the sorted table, filtered by the
 * command's bit; checks its value: present, non-empty, one of the listed words, a number in
 * range) → the command's callback with (id, value) → the command's own fields. `--help` / `-h`
 * anywhere before `--` prints the usage generated from the table on stdout and exits 0.
 *
 * Forms accepted: --name VALUE, --name=VALUE, -x VALUE, -xVALUE, -xy (short flags together),
 * -- (every later word is an argument), - (an argument: stdin). Errors, each one line on
 * stderr, exit 2 (ARCHITECTURE.md: usage error):
 *   parapet CMD: unknown option 'X' (see parapet CMD --help)
 *   parapet CMD: X needs a value
 *   parapet CMD: X takes no value
 *   parapet CMD: X expects a, b or c, not 'V'
 *   parapet CMD: X expects a number from MIN to MAX, not 'V'
 *   parapet CMD: X needs a non-empty value
 */
#ifndef PP_OPT_H
#define PP_OPT_H

#include <stddef.h>
#include <stdio.h>

/* One bit per command that parses options (a sub-command is a command of its own). */
enum {
    PP_CMD_CHECK = 1u << 0,
    PP_CMD_RULES_LIST = 1u << 1,
    PP_CMD_RULES_TEST = 1u << 2,
    PP_CMD_RULES_COMPILE = 1u << 3,
    PP_CMD_HOOK = 1u << 4,
    PP_CMD_SERVE = 1u << 5,
    PP_CMD_LAMBDA = 1u << 6,
    PP_CMD_EXPLAIN = 1u << 7,
    PP_CMD_WATCH = 1u << 8,
    PP_CMD_NOTIFY = 1u << 9,
    PP_CMD_KB_BUILD = 1u << 10,
    PP_CMD_KB_LINT = 1u << 11,
    PP_CMD_KB_SEARCH = 1u << 12,
    PP_CMD_KB_STATS = 1u << 13,
    PP_CMD_STATE_MIGRATE = 1u << 14,
};
#define PP_CMD_ALL ((1u << 15) - 1)

/* Option ids: the callback's switch. Rows of the table that share an id mean the same thing
 * (an alias, or one option whose help differs between commands). Append-only. */
typedef enum pp_opt_id {
    PP_O_ARG = 1,          /* not an option: an argument (FILE, DIR, STACK, TEXT) */
    PP_O_HELP,
    /* rule selection (pp_cli_sel_opt) */
    PP_O_RULES, PP_O_PACK, PP_O_ONLY, PP_O_CONFIG, PP_O_UNKNOWN, PP_O_RULES_CACHE,
    PP_O_NO_BUILTIN_RULES, PP_O_NO_RULES_CACHE,
    /* the hook front ends (pp_hook_opts_opt) */
    PP_O_FAIL_ON, PP_O_ALLOW_PREFIX, PP_O_VERBOSE,
    /* Bedrock (pp_ai_cli_opt) */
    PP_O_AI, PP_O_BEDROCK_MODEL, PP_O_BEDROCK_ENDPOINT, PP_O_AI_TIMEOUT_MS, PP_O_NO_AI_CACHE,
    /* live AWS (pp_cli_aws_opt) */
    PP_O_PROFILE, PP_O_REGION, PP_O_ENDPOINT_URL,
    /* one command each, or a few */
    PP_O_FORMAT, PP_O_PARAM, PP_O_PARAMS_FILE, PP_O_ACCOUNT_ID, PP_O_STACK_NAME, PP_O_OUTPUT,
    PP_O_JOBS, PP_O_ONLY_TEMPLATES, PP_O_SHOW_PASSED, PP_O_COLOR, PP_O_NO_COLOR,
    PP_O_DEADLINE_MS, PP_O_LISTEN, PP_O_THREADS, PP_O_TOKEN_FILE, PP_O_SLACK_SECRET_FILE,
    PP_O_SLACK_LIVE, PP_O_STATE, PP_O_MAX_CONNECTIONS, PP_O_IDLE_TIMEOUT_S,
    PP_O_REQUEST_TIMEOUT_S, PP_O_MAX_BODY_MIB, PP_O_NOTIFY_CONFIG, PP_O_STACK, PP_O_MESSAGE,
    PP_O_RESOURCE_TYPE, PP_O_TEMPLATE, PP_O_KB, PP_O_NOTIFY, PP_O_URL, PP_O_URL_FILE,
    PP_O_INTERVAL, PP_O_TIMEOUT, PP_O_TO, PP_O_FLUSH, PP_O_QUIET, PP_O_MAX_ATTEMPTS,
    PP_O_TIMEOUT_MS, PP_O_DEADLINE_S, PP_O_SRC, PP_O_LIMIT, PP_O_FROM,
} pp_opt_id;

/* What an option takes. */
typedef enum pp_opt_kind {
    PP_OPT_FLAG,     /* nothing; "--x=v" is an error */
    PP_OPT_STR,      /* any value (VALUE may start with '-' in the "--x VALUE" form) */
    PP_OPT_CHOICE,   /* one of the '|'-separated words of `arg`, exactly */
    PP_OPT_LONG,     /* a decimal integer in [min, max], in pp_opts.num */
} pp_opt_kind;

/* Flags beside the kind. */
#define PP_OPT_REPEAT 0x1u     /* may be given more than once; each is passed on */
#define PP_OPT_NONEMPTY 0x2u   /* "--x ''" is an error */

/* One row of the table. Rows are sorted by `name` (strcmp); two rows with one name have
 * disjoint `cmds` (tests/unit/test_opt.c checks both). A row without `help` is an alias
 * hidden from --help (its target's help names it). */
typedef struct pp_opt {
    const char *name;     /* long name without "--" */
    char short_name;      /* 'o' for -o, or 0 */
    unsigned char kind;   /* pp_opt_kind */
    unsigned char flags;  /* PP_OPT_REPEAT | PP_OPT_NONEMPTY */
    unsigned short id;    /* pp_opt_id */
    unsigned cmds;        /* PP_CMD_* bits of the commands that accept it */
    const char *arg;      /* the value's name in --help ("FILE", "text|json"), NULL for flags */
    long min, max;        /* PP_OPT_LONG only */
    const char *help;     /* one or more lines ('\n' between them), NULL for an alias */
} pp_opt;

/* One command: its bit, its name as typed ("rules list") and its usage text. */
typedef struct pp_opt_cmd {
    unsigned bit;
    const char *name;
    const char *synopsis;  /* after "usage: parapet NAME "; continuation lines may follow */
    const char *about;     /* paragraph after the synopsis, or NULL */
} pp_opt_cmd;

/* What the parser hands the callback for each option or argument. */
typedef struct pp_opts {
    const pp_opt_cmd *cmd;
    int id;               /* pp_opt_id */
    const char *name;     /* the option as written ("--state-db", "-o"), or the argument */
    const char *val;      /* its value (borrowed from argv), or the argument; NULL for flags */
    long num;             /* PP_OPT_LONG: the value as a number */
} pp_opts;

/* Takes one option or argument: 0 when taken, 2 after printing a usage error (with
 * pp_opts_error), -1 when it is not this taker's (the next one is asked). */
typedef int (*pp_opt_fn)(void *ctx, const pp_opts *p);

/* One taker: a callback and what it fills. A command lists the shared groups it accepts
 * (rule selection, hook options, Bedrock, live AWS) and its own callback. */
typedef struct pp_opt_taker {
    pp_opt_fn fn;
    void *ctx;
} pp_opt_taker;

/* Parses argv[1..argc) (argv[0] is the command's name) for the command `cmd` (one PP_CMD_*
 * bit), offering each option and argument in order to takers[0..n) until one takes it. An
 * argument no taker takes is "unexpected argument 'X' (see parapet CMD --help)". Returns -1
 * when the command should go on, 0 when --help was asked for (usage printed on stdout;
 * nothing else was parsed), 2 on a usage error (one line printed on stderr). Values are
 * borrowed from argv. */
int pp_opts_parse(unsigned cmd, int argc, char **argv, const pp_opt_taker *takers, size_t n);

/* Appends p->val to list[0..*n) (at most cap): 0, or 2 after "too many --x options (at most
 * CAP)" ("too many arguments" for an argument). */
int pp_opts_push(const pp_opts *p, const char **list, size_t *n, size_t cap);

/* Prints "parapet CMD: MESSAGE" on stderr and returns 2. */
int pp_opts_error(const pp_opts *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For a callback's default case, an id the table gives the command but the callback does not
 * take (a bug that tests/integration/test_cli_options.sh would find): a message, 2. */
int pp_opts_unhandled(const pp_opts *p);

/* Writes the usage of `cmd` (one bit) generated from the table. */
void pp_opts_usage(unsigned cmd, FILE *f);

/* Writes the usage of every sub-command of `group` ("rules", "kb", "state"). */
void pp_opts_group_usage(const char *group, FILE *f);

/* The dispatch of a command with sub-commands: argv[1] names the sub-command. Runs the one of
 * subs[] (names[i] ↔ subs[i], NULL-terminated names) with argc - 1, argv + 1. Without a
 * sub-command: the group's usage on stderr, 2; `--help`/`-h`: on stdout, 0; an unknown one:
 * "parapet GROUP: unknown subcommand 'X' (see parapet GROUP --help)", 2. */
int pp_opts_dispatch(const char *group, const char *const *names,
                     int (*const *subs)(int, char **), int argc, char **argv);

/* The table and the commands, for the tests. */
const pp_opt *pp_opt_table(size_t *n);
const pp_opt_cmd *pp_opt_cmds(size_t *n);
const pp_opt_cmd *pp_opt_cmd_of(unsigned bit);

#endif
