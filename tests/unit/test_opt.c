/* test_opt.c — hooks/opt.c, the one command-line parser: the table's invariants (sorted, no
 * two rows of one name for one command, kinds that fit their fields), every accepted form
 * (--x=v, --x v, -x v, -xv, bundled short flags, --, -), repeatable options, aliases, --help
 * anywhere, and the one wording of each usage error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hooks/opt.h"

#define MAX_SEEN 16

typedef struct seen {
    int n;
    int id[MAX_SEEN];
    char name[MAX_SEEN][64];
    char val[MAX_SEEN][64];   /* "(null)" for flags */
    long num[MAX_SEEN];
    int fail_at;              /* the callback refuses its fail_at-th call (1-based), 0 never;
                               * -1: no taker takes anything */
} seen;

static int record(void *ctx, const pp_opts *p)
{
    seen *s = ctx;
    if (s->n >= MAX_SEEN)
        return 2;
    s->id[s->n] = p->id;
    snprintf(s->name[s->n], sizeof s->name[0], "%s", p->name);
    snprintf(s->val[s->n], sizeof s->val[0], "%s", p->val ? p->val : "(null)");
    s->num[s->n] = p->num;
    s->n++;
    return s->fail_at == s->n ? pp_opts_error(p, "refused") : 0;
}

/* A taker that takes nothing: the parser asks the next one. */
static int decline(void *ctx, const pp_opts *p)
{
    (void)ctx;
    (void)p;
    return -1;
}

/* What one parse gave: its return, the calls, and what it wrote on stdout and stderr. */
typedef struct run {
    int rc;
    seen s;
    char out[8192], err[1024];
} run;

static void slurp(FILE *f, char *buf, size_t cap)
{
    rewind(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Parses the NULL-terminated words for `cmd` (argv[0] is the command's name). */
static void parse(run *r, unsigned cmd, int fail_at, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, fail_at);
    argv[argc++] = "cmd";
    for (char *w; (w = va_arg(ap, char *)) && argc < 31;)
        argv[argc++] = w;
    va_end(ap);
    argv[argc] = NULL;
    memset(r, 0, sizeof *r);
    r->s.fail_at = fail_at;
    fflush(stdout);
    fflush(stderr);
    FILE *o = tmpfile(), *e = tmpfile();
    assert_non_null(o);
    assert_non_null(e);
    int so = dup(STDOUT_FILENO), se = dup(STDERR_FILENO);
    dup2(fileno(o), STDOUT_FILENO);
    dup2(fileno(e), STDERR_FILENO);
    pp_opt_taker takers[] = {{decline, NULL}, {record, &r->s}};
    r->rc = pp_opts_parse(cmd, argc, argv, takers, r->s.fail_at < 0 ? 1 : 2);
    fflush(stdout);
    fflush(stderr);
    dup2(so, STDOUT_FILENO);
    dup2(se, STDERR_FILENO);
    close(so);
    close(se);
    slurp(o, r->out, sizeof r->out);
    slurp(e, r->err, sizeof r->err);
}

static void test_table(void **state)
{
    (void)state;
    size_t n, nc;
    const pp_opt *t = pp_opt_table(&n);
    const pp_opt_cmd *c = pp_opt_cmds(&nc);
    assert_true(n > 50);
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            int order = strcmp(t[i - 1].name, t[i].name);
            if (order > 0)
                fail_msg("table not sorted: '%s' before '%s'", t[i - 1].name, t[i].name);
            if (order == 0 && (t[i - 1].cmds & t[i].cmds))
                fail_msg("two rows '%s' for one command", t[i].name);
        }
        assert_true(t[i].cmds != 0);
        assert_true(t[i].id >= PP_O_HELP);
        if ((t[i].kind == PP_OPT_FLAG) != (t[i].arg == NULL))
            fail_msg("'%s': a flag has no value name, a value has one", t[i].name);
        if (t[i].kind == PP_OPT_LONG)
            assert_true(t[i].min <= t[i].max);
        if (t[i].kind == PP_OPT_CHOICE)
            assert_non_null(strchr(t[i].arg, '|'));
        if (!t[i].help) {   /* an alias: a documented row with the same id and commands */
            int found = 0;
            for (size_t k = 0; k < n; k++)
                found |= t[k].help && t[k].id == t[i].id && (t[k].cmds & t[i].cmds) == t[i].cmds;
            if (!found)
                fail_msg("alias '%s' has no documented target", t[i].name);
        }
        if (t[i].help && (strchr(t[i].help, '\t') || t[i].help[strlen(t[i].help) - 1] == '\n'))
            fail_msg("'%s': help with a tab or a trailing newline", t[i].name);
    }
    /* every command bit is a command, and every command answers --help */
    unsigned all = 0;
    for (size_t i = 0; i < nc; i++) {
        assert_ptr_equal(pp_opt_cmd_of(c[i].bit), &c[i]);
        all |= c[i].bit;
    }
    assert_int_equal(all, PP_CMD_ALL);
    for (size_t i = 0; i < n; i++)
        if (t[i].id == PP_O_HELP)
            assert_int_equal(t[i].cmds, PP_CMD_ALL);
}

static void test_forms(void **state)
{
    (void)state;
    run r;
    parse(&r, PP_CMD_CHECK, 0, "--format=json", "--format", "sarif", "-o", "out.txt", "-oX",
          "--output=Y", "t.yaml", "-", NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.n, 7);
    assert_int_equal(r.s.id[0], PP_O_FORMAT);
    assert_string_equal(r.s.val[0], "json");
    assert_string_equal(r.s.name[0], "--format");
    assert_string_equal(r.s.val[1], "sarif");
    assert_int_equal(r.s.id[2], PP_O_OUTPUT);
    assert_string_equal(r.s.name[2], "-o");
    assert_string_equal(r.s.val[2], "out.txt");
    assert_string_equal(r.s.val[3], "X");
    assert_string_equal(r.s.name[4], "--output");
    assert_string_equal(r.s.val[4], "Y");
    assert_int_equal(r.s.id[5], PP_O_ARG);
    assert_string_equal(r.s.val[5], "t.yaml");
    assert_int_equal(r.s.id[6], PP_O_ARG);   /* '-' is stdin, an argument */
    assert_string_equal(r.s.val[6], "-");
    assert_string_equal(r.err, "");
    /* a value may start with '-' in the separate form; numbers arrive parsed */
    parse(&r, PP_CMD_CHECK, 0, "--param", "-x=1", "--jobs", "3", "--show-passed", NULL);
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.s.val[0], "-x=1");
    assert_int_equal(r.s.id[1], PP_O_JOBS);
    assert_int_equal(r.s.num[1], 3);
    assert_int_equal(r.s.id[2], PP_O_SHOW_PASSED);
    assert_string_equal(r.s.val[2], "(null)");
    /* short flags together, the last one taking the rest as its value */
    parse(&r, PP_CMD_EXPLAIN, 0, "-vfjson", NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.n, 2);
    assert_int_equal(r.s.id[0], PP_O_VERBOSE);
    assert_int_equal(r.s.id[1], PP_O_FORMAT);
    assert_string_equal(r.s.val[1], "json");
    /* after "--" everything is an argument, "--" itself is not */
    parse(&r, PP_CMD_CHECK, 0, "a", "--", "--format", "-o", "--", NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.n, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r.s.id[i], PP_O_ARG);
    assert_string_equal(r.s.val[1], "--format");
    assert_string_equal(r.s.val[3], "--");
}

static void test_repeat_alias(void **state)
{
    (void)state;
    run r;
    parse(&r, PP_CMD_CHECK, 0, "--only", "a*", "--pack=network", "--only=b", "--pack", "ecs",
          NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.n, 4);
    assert_int_equal(r.s.id[0], PP_O_ONLY);
    assert_string_equal(r.s.val[0], "a*");
    assert_int_equal(r.s.id[2], PP_O_ONLY);
    assert_string_equal(r.s.val[2], "b");
    assert_int_equal(r.s.id[3], PP_O_PACK);
    assert_string_equal(r.s.val[3], "ecs");
    /* --state-db is --state, named as written */
    parse(&r, PP_CMD_NOTIFY, 0, "--state-db", "s.db", "--state=dynamodb://t", NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.id[0], PP_O_STATE);
    assert_string_equal(r.s.name[0], "--state-db");
    assert_string_equal(r.s.val[0], "s.db");
    assert_int_equal(r.s.id[1], PP_O_STATE);
    assert_string_equal(r.s.name[1], "--state");
    /* one name, two meanings: --region is a pseudo parameter for check, a region for explain,
     * and --to a target for notify but a table for state migrate */
    parse(&r, PP_CMD_STATE_MIGRATE, 0, "--to", "dynamodb://t", NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.id[0], PP_O_TO);
    parse(&r, PP_CMD_NOTIFY, 0, "--to", "dynamodb://t", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "parapet notify: --to expects slack, teams or webhook, not "
                               "'dynamodb://t'\n");
}

static void test_errors(void **state)
{
    (void)state;
    run r;
    parse(&r, PP_CMD_CHECK, 0, "t.yaml", "--bogus", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "parapet check: unknown option '--bogus' (see parapet check "
                               "--help)\n");
    assert_int_equal(r.s.n, 1);   /* what came before was handed on; nothing after */
    parse(&r, PP_CMD_CHECK, 0, "--bogus=1", NULL);
    assert_string_equal(r.err, "parapet check: unknown option '--bogus' (see parapet check "
                               "--help)\n");
    /* no abbreviations: adding an option never changes what an old line means */
    parse(&r, PP_CMD_CHECK, 0, "--form", "json", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "parapet check: unknown option '--form' (see parapet check "
                               "--help)\n");
    /* One refusal a row: rc 0 and err NULL where that case does not look at them. */
    static const struct {
        unsigned cmd;
        const char *a1, *a2;
        int rc;
        const char *err;
    } refused[] = {
        /* an option of another command is unknown here */
        { PP_CMD_CHECK, "--stack", "s", 2, NULL },
        { PP_CMD_KB_LINT, "-z", NULL, 2,
          "parapet kb lint: unknown option '-z' (see parapet kb lint --help)\n" },
        { PP_CMD_CHECK, "--format", NULL, 2, "parapet check: --format needs a value\n" },
        { PP_CMD_CHECK, "-o", NULL, 0, "parapet check: -o needs a value\n" },
        { PP_CMD_CHECK, "--show-passed=yes", NULL, 2,
          "parapet check: --show-passed takes no value\n" },
        { PP_CMD_CHECK, "--format", "xml", 2,
          "parapet check: --format expects text, json, sarif, junit or codequality, not 'xml'\n" },
        { PP_CMD_CHECK, "--jobs=0", NULL, 2,
          "parapet check: --jobs expects a number from 1 to 8, not '0'\n" },
        { PP_CMD_SERVE, "--threads", "4x", 0,
          "parapet serve: --threads expects a number from 1 to 256, not '4x'\n" },
        { PP_CMD_EXPLAIN, "--stack=", NULL, 2,
          "parapet explain: --stack needs a non-empty value\n" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        parse(&r, refused[i].cmd, 0, refused[i].a1, refused[i].a2, NULL);
        if (refused[i].rc)
            assert_int_equal(r.rc, refused[i].rc);
        if (refused[i].err)
            assert_string_equal(r.err, refused[i].err);
    }
    /* what no taker takes: an argument is unexpected, an option a bug of the command */
    parse(&r, PP_CMD_SERVE, -1, "x", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "parapet serve: unexpected argument 'x' (see parapet serve "
                               "--help)\n");
    parse(&r, PP_CMD_SERVE, -1, "--slack-live", NULL);
    assert_int_equal(r.rc, 2);
    assert_string_equal(r.err, "parapet serve: --slack-live is in the option table but not "
                               "handled\n");
    /* the callback's refusal ends the parse with 2 */
    parse(&r, PP_CMD_CHECK, 2, "a", "b", "c", NULL);
    assert_int_equal(r.rc, 2);
    assert_int_equal(r.s.n, 2);
    assert_string_equal(r.err, "parapet check: refused\n");
}

static void test_help(void **state)
{
    (void)state;
    run r;
    /* --help anywhere before "--" wins, whatever else is wrong on the line */
    parse(&r, PP_CMD_CHECK, 0, "--format", "xml", "--bogus", "--help", NULL);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.s.n, 0);
    assert_string_equal(r.err, "");
    assert_memory_equal(r.out, "usage: parapet check ", 21);
    assert_non_null(strstr(r.out, "\n  -h, --help "));
    assert_non_null(strstr(r.out, "      --format text|json|sarif|junit|codequality"));
    assert_non_null(strstr(r.out, "(repeatable)"));
    assert_null(strstr(r.out, "--stack "));   /* explain's, not check's */
    parse(&r, PP_CMD_RULES_LIST, 0, "-h", NULL);
    assert_int_equal(r.rc, 0);
    assert_memory_equal(r.out, "usage: parapet rules list ", 26);
    /* a value that reads "-h" is a value; after "--", an argument */
    parse(&r, PP_CMD_EXPLAIN, 0, "--message", "-h", "--", "--help", NULL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.s.n, 2);
    assert_string_equal(r.s.val[0], "-h");
    assert_int_equal(r.s.id[1], PP_O_ARG);
    assert_string_equal(r.s.val[1], "--help");
    /* the alias is hidden; its target's help names it */
    parse(&r, PP_CMD_SERVE, 0, "--help", NULL);
    assert_null(strstr(r.out, "  --state-db"));
    assert_non_null(strstr(r.out, "--state-db is"));
    /* no option line of any usage is wider than 80 columns */
    size_t nc;
    const pp_opt_cmd *c = pp_opt_cmds(&nc);
    for (size_t i = 0; i < nc; i++) {
        FILE *f = tmpfile();
        assert_non_null(f);
        pp_opts_usage(c[i].bit, f);
        rewind(f);
        char line[512];
        int in_options = 0;
        while (fgets(line, sizeof line, f)) {
            if (in_options && strlen(line) > 81)
                fail_msg("parapet %s --help: a line over 80 columns: %s", c[i].name, line);
            in_options |= strcmp(line, "options:\n") == 0;
        }
        assert_true(in_options);
        fclose(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_repeat_alias),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
