/* opt.c — the one command-line parser and the --help writer over the table of opt_table.c
 * (see opt.h for the forms and the error wording). Nothing here knows what an option means:
 * it finds the row, checks the value against the row and hands (id, value) to the command. */
#include "hooks/opt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

/* Longest option name, as a bound for the "--name" buffer (the table's are far shorter). */
#define OPT_NAME_MAX 48
/* Column where the help text of an option starts in --help. */
#define HELP_COL 30
/* Width --help wraps at. */
#define HELP_WIDTH 80

const pp_opt_cmd *pp_opt_cmd_of(unsigned bit)
{
    size_t n;
    const pp_opt_cmd *c = pp_opt_cmds(&n);
    for (size_t i = 0; i < n; i++)
        if (c[i].bit == bit)
            return &c[i];
    return NULL;
}

/* The row for "--name" (first n bytes of name) that `bit` accepts, or NULL. Binary search for
 * one row of that name, then the neighbours of the same name. */
static const pp_opt *find_long(const char *name, size_t n, unsigned bit)
{
    size_t count;
    const pp_opt *t = pp_opt_table(&count);
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(t[mid].name, name, n);
        if (c == 0 && t[mid].name[n] != '\0')
            c = 1;   /* the row is longer: it sorts after the prefix */
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < count && strncmp(t[i].name, name, n) == 0 && t[i].name[n] == '\0';
         i++)
        if (t[i].cmds & bit)
            return &t[i];
    return NULL;
}

static const pp_opt *find_short(char c, unsigned bit)
{
    size_t count;
    const pp_opt *t = pp_opt_table(&count);
    for (size_t i = 0; c && i < count; i++)
        if (t[i].short_name == c && (t[i].cmds & bit))
            return &t[i];
    return NULL;
}

int pp_opts_error(const pp_opts *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "parapet %s: ", p->cmd ? p->cmd->name : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

int pp_opts_unhandled(const pp_opts *p)
{
    return pp_opts_error(p, "%s is in the option table but not handled", p->name);
}

/* Whether `v` is one of the '|'-separated words of `list`. */
static int in_choice(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *w = list; *w;) {
        const char *bar = strchr(w, '|');
        size_t wl = bar ? (size_t)(bar - w) : strlen(w);
        if (wl == n && strncmp(w, v, n) == 0)
            return 1;
        if (!bar)
            break;
        w = bar + 1;
    }
    return 0;
}

/* "--x expects a, b or c, not 'V'" for the choice list "a|b|c". */
static int choice_error(const pp_opts *p, const char *list)
{
    pp_buf b;
    pp_buf_init(&b, 1024);
    for (const char *w = list; *w;) {
        const char *bar = strchr(w, '|');
        size_t wl = bar ? (size_t)(bar - w) : strlen(w);
        if (w != list)
            pp_buf_puts(&b, bar ? ", " : " or ");
        pp_buf_append(&b, w, wl);
        if (!bar)
            break;
        w = bar + 1;
    }
    int rc = pp_opts_error(p, "%s expects %s, not '%s'", p->name, b.data ? b.data : list, p->val);
    pp_buf_free(&b);
    return rc;
}

/* Checks p->val against the row: 0, or 2 after a message. */
static int check_value(const pp_opt *o, pp_opts *p)
{
    if ((o->flags & PP_OPT_NONEMPTY) && !*p->val)
        return pp_opts_error(p, "%s needs a non-empty value", p->name);
    if (o->kind == PP_OPT_CHOICE && !in_choice(o->arg, p->val))
        return choice_error(p, o->arg);
    if (o->kind == PP_OPT_LONG && pp_parse_long(p->val, o->min, o->max, &p->num) != 0)
        return pp_opts_error(p, "%s expects a number from %ld to %ld, not '%s'", p->name, o->min,
                             o->max, p->val);
    return 0;
}

/* The parser's walk over argv. */
typedef struct walk {
    unsigned bit;
    int argc, i;
    char **argv;
    const pp_opt_taker *takers;
    size_t ntakers;
    pp_opts p;
    char name[OPT_NAME_MAX + 4];
} walk;

/* Offers w->p to the takers in turn: 0 taken, or 2 (a taker's usage error, or none took it). */
static int offer(walk *w)
{
    for (size_t k = 0; k < w->ntakers; k++) {
        int rc = w->takers[k].fn(w->takers[k].ctx, &w->p);
        if (rc >= 0)
            return rc ? 2 : 0;
    }
    if (w->p.id == PP_O_ARG)
        return pp_opts_error(&w->p, "unexpected argument '%s' (see parapet %s --help)", w->p.val,
                             w->p.cmd->name);
    return pp_opts_unhandled(&w->p);
}

/* Hands one option to the command: 0, or 2. */
static int emit(walk *w, const pp_opt *o)
{
    w->p.id = o->id;
    return offer(w);
}

int pp_opts_push(const pp_opts *p, const char **list, size_t *n, size_t cap)
{
    if (*n >= cap) {
        if (p->id == PP_O_ARG)
            return pp_opts_error(p, "too many arguments (at most %zu)", cap);
        return pp_opts_error(p, "too many %s options (at most %zu)", p->name, cap);
    }
    list[(*n)++] = p->val;
    return 0;
}

/* argv[w->i] is "--name" or "--name=value". 0, or 2 after a message. */
static int long_opt(walk *w)
{
    const char *tok = w->argv[w->i] + 2, *eq = strchr(tok, '=');
    size_t n = eq ? (size_t)(eq - tok) : strlen(tok);
    const pp_opt *o = n ? find_long(tok, n, w->bit) : NULL;
    if (!o)
        return pp_opts_error(&w->p, "unknown option '--%.*s' (see parapet %s --help)",
                             (int)(n > 200 ? 200 : n), tok, w->p.cmd->name);
    snprintf(w->name, sizeof w->name, "--%s", o->name);
    w->p.name = w->name;
    w->p.val = NULL;
    w->p.num = 0;
    if (o->kind == PP_OPT_FLAG) {
        if (eq)
            return pp_opts_error(&w->p, "%s takes no value", w->name);
        return emit(w, o);
    }
    if (eq) {
        w->p.val = eq + 1;
    } else if (w->i + 1 < w->argc) {
        w->p.val = w->argv[++w->i];
    } else {
        return pp_opts_error(&w->p, "%s needs a value", w->name);
    }
    return check_value(o, &w->p) ? 2 : emit(w, o);
}

/* argv[w->i] is "-x", "-xy" (flags) or "-xVALUE". 0, or 2 after a message. */
static int short_opts(walk *w)
{
    const char *tok = w->argv[w->i];
    for (size_t k = 1; tok[k]; k++) {
        const pp_opt *o = find_short(tok[k], w->bit);
        snprintf(w->name, sizeof w->name, "-%c", tok[k]);
        if (!o)
            return pp_opts_error(&w->p, "unknown option '%s' (see parapet %s --help)", w->name,
                                 w->p.cmd->name);
        w->p.name = w->name;
        w->p.val = NULL;
        w->p.num = 0;
        if (o->kind == PP_OPT_FLAG) {
            if (emit(w, o))
                return 2;
            continue;
        }
        if (tok[k + 1])
            w->p.val = tok + k + 1;
        else if (w->i + 1 < w->argc)
            w->p.val = w->argv[++w->i];
        else
            return pp_opts_error(&w->p, "%s needs a value", w->name);
        return check_value(o, &w->p) ? 2 : emit(w, o);
    }
    return 0;
}

/* 1 when --help or -h comes before any "--" (skipping the values of known options, so that
 * `--message -h` is a message): every command answers it whatever else is on the line. */
static int wants_help(unsigned bit, int argc, char **argv, int first)
{
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return 0;
        if (strcmp(a, "--help") == 0)
            return 1;
        if (a[0] != '-' || a[1] == '\0')
            continue;
        if (a[1] == '-') {
            const pp_opt *o = strchr(a, '=') ? NULL : find_long(a + 2, strlen(a + 2), bit);
            i += o && o->kind != PP_OPT_FLAG;
            continue;
        }
        for (size_t k = 1; a[k]; k++) {
            const pp_opt *o = find_short(a[k], bit);
            if (!o)
                break;
            if (o->id == PP_O_HELP)
                return 1;
            if (o->kind != PP_OPT_FLAG) {
                i += a[k + 1] == '\0';
                break;
            }
        }
    }
    return 0;
}

int pp_opts_parse(unsigned cmd, int argc, char **argv, const pp_opt_taker *takers, size_t n)
{
    const int first = 1;
    walk w;
    memset(&w, 0, sizeof w);
    w.bit = cmd;
    w.argc = argc;
    w.argv = argv;
    w.takers = takers;
    w.ntakers = n;
    w.p.cmd = pp_opt_cmd_of(cmd);
    if (!w.p.cmd)
        return 2;
    if (wants_help(cmd, argc, argv, first)) {
        pp_opts_usage(cmd, stdout);
        return 0;
    }
    int only_args = 0;
    for (w.i = first; w.i < argc; w.i++) {
        const char *a = argv[w.i];
        int rc;
        if (!only_args && strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (only_args || a[0] != '-' || a[1] == '\0') {
            w.p.id = PP_O_ARG;
            w.p.name = w.p.val = a;
            w.p.num = 0;
            rc = offer(&w);
        } else {
            rc = a[1] == '-' ? long_opt(&w) : short_opts(&w);
        }
        if (rc)
            return 2;
    }
    return -1;
}

/* One option's lines in --help: "  -o, --output FILE" then its help from column HELP_COL,
 * wrapped at HELP_WIDTH (the table's line breaks are spaces like any other). */
static void usage_row(const pp_opt *o, FILE *f)
{
    char left[128];
    int n = snprintf(left, sizeof left, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                     o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
    fputs(left, f);
    int col = n;
    if (n >= HELP_COL - 1) {
        fputc('\n', f);
        col = 0;
    }
    const char *tail = o->flags & PP_OPT_REPEAT ? "(repeatable)" : "";
    int first = 1;
    for (const char *h = o->help; *h || *tail;) {
        if (!*h) {   /* the help is written: the "(repeatable)" note last */
            h = tail;
            tail = "";
        }
        while (*h == ' ' || *h == '\n')
            h++;
        size_t wl = strcspn(h, " \n");
        if (!wl)
            continue;
        if (first || col + 1 + (int)wl > HELP_WIDTH) {
            if (!first || col > HELP_COL) {
                fputc('\n', f);
                col = 0;
            }
            fprintf(f, "%*s", HELP_COL - col, "");
            col = HELP_COL;
        } else {
            fputc(' ', f);
            col++;
        }
        fwrite(h, 1, wl, f);
        col += (int)wl;
        first = 0;
        h += wl;
    }
    fputc('\n', f);
}

void pp_opts_usage(unsigned cmd, FILE *f)
{
    const pp_opt_cmd *c = pp_opt_cmd_of(cmd);
    if (!c)
        return;
    fprintf(f, "usage: parapet %s %s\n", c->name, c->synopsis);
    if (c->about)
        fprintf(f, "%s\n", c->about);
    fputs("options:\n", f);
    size_t n;
    const pp_opt *t = pp_opt_table(&n);
    for (size_t i = 0; i < n; i++)
        if ((t[i].cmds & cmd) && t[i].help)
            usage_row(&t[i], f);
}

void pp_opts_group_usage(const char *group, FILE *f)
{
    size_t n, gl = strlen(group);
    const pp_opt_cmd *c = pp_opt_cmds(&n);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(c[i].name, group, gl) != 0 || c[i].name[gl] != ' ')
            continue;
        if (!first)
            fputc('\n', f);
        first = 0;
        pp_opts_usage(c[i].bit, f);
    }
}

int pp_opts_dispatch(const char *group, const char *const *names,
                     int (*const *subs)(int, char **), int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        pp_opts_group_usage(group, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; names[i]; i++)
        if (strcmp(argv[1], names[i]) == 0)
            return subs[i](argc - 1, argv + 1);
    fprintf(stderr, "parapet %s: unknown %s '%s' (see parapet %s --help)\n", group,
            argv[1][0] == '-' ? "option" : "subcommand", argv[1], group);
    return 2;
}
