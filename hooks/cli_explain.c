/* cli_explain.c — the `parapet explain` and `parapet kb` commands: argument parsing, finding
 * the knowledge base, printing what advisor/explain.h and advisor/kb.h return.
 *
 * Exit status (explain): 0 every root cause explained (or no failure in the input), 1 a failure
 * was found but no KB entry matched it, 2 usage or input error. (kb): 0 ok, 1 lint problems,
 * 2 usage, unreadable or invalid sources, database errors.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/kb.h"
#include "advisor/kb_match.h"
#include "engine/doc.h"
#include "engine/store/state.h"
#include "engine/base/util.h"
#include "hooks/ai_opts.h"
#include "hooks/chat.h"
#include "hooks/cli.h"
#include "hooks/cli_live.h"


#define MAX_MESSAGES 64

/* Directory of the running binary (for build/kb.db beside build/parapet). Caller frees. */
static char *exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *sl = strrchr(buf, '/');
    if (!sl)
        return NULL;
    *sl = '\0';
    return pp_strdup(buf);
}

/* --kb, else $PARAPET_KB, else the installed or built knowledge base (pp_cli_data_file). */
static char *kb_path(const char *opt)
{
    if (opt)
        return pp_strdup(opt);
    const char *env = getenv("PARAPET_KB");
    if (env && *env)
        return pp_strdup(env);
    return pp_cli_data_file("kb.db");
}


pp_kb *pp_cli_open_kb(const char *opt, int *rc)
{
    char *path = kb_path(opt);
    if (!path) {
        *rc = 2;
        return NULL;
    }
    pp_kb *kb = NULL;
    char *err = NULL;
    pp_status st = pp_kb_open(path, &kb, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
        if (st == PP_E_NOTFOUND)
            fprintf(stderr, "parapet: no knowledge base: run `parapet kb build`, set PARAPET_KB "
                            "or pass --kb FILE\n");
        free(err);
        *rc = 2;
    }
    free(path);
    return kb;
}

/* What the command line chose. */
typedef struct explain_args {
    const char *format, *kbopt, *rtype, *state_path, *stack, *tmpl_path;
    pp_cli_aws aws;
    pp_ai_cfg ai;
    const char *messages[MAX_MESSAGES];
    const char *files[256];
    size_t nmsg, nfiles;
} explain_args;

/* One option or argument of `explain` (hooks/opt.h). */
static int explain_opt(void *ctx, const pp_opts *p)
{
    explain_args *a = ctx;
    switch (p->id) {
    case PP_O_STACK: a->stack = p->val; return 0;
    case PP_O_FORMAT: a->format = p->val; return 0;
    case PP_O_STATE: a->state_path = p->val; return 0;
    case PP_O_RESOURCE_TYPE: a->rtype = p->val; return 0;
    case PP_O_TEMPLATE: a->tmpl_path = p->val; return 0;
    case PP_O_KB: a->kbopt = p->val; return 0;
    case PP_O_MESSAGE: return pp_opts_push(p, a->messages, &a->nmsg, MAX_MESSAGES);
    case PP_O_ARG: return pp_opts_push(p, a->files, &a->nfiles, PP_ARRAY_LEN(a->files));
    default: return -1;
    }
}

/* The options that only go together. -1 when they do, else 2 after a message. */
static int explain_check_args(explain_args *a)
{
    if (a->rtype && a->nmsg == 0)
        return pp_cli_usage("explain", "--resource-type goes with --message");
    if (!a->stack && (a->aws.profile || a->aws.region || a->aws.endpoint))
        return pp_cli_usage("explain", "--profile, --region and --endpoint-url go with --stack");
    if (a->nmsg == 0 && a->nfiles == 0 && !a->stack) {
        if (isatty(STDIN_FILENO)) {
            pp_opts_usage(PP_CMD_EXPLAIN, stderr);
            return 2;
        }
        a->files[a->nfiles++] = "-";
    }
    return -1;
}

/* --template FILE: *tmpl and *tsrc (caller frees both), or 2 after a message. */
static int load_template(const char *path, pp_doc **tmpl, char **tsrc, size_t *tlen)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    char *terr = NULL;
    pp_status ts = pp_read_file(path, lim.max_input_bytes, tsrc, tlen, &terr);
    if (ts == PP_OK)
        *tmpl = pp_doc_load(path, *tsrc, *tlen, PP_FMT_AUTO, &lim, &ts, &terr);
    if (*tmpl)
        return 0;
    fprintf(stderr, "parapet explain: --template: %s\n", terr ? terr : pp_status_name(ts));
    free(terr);
    free(*tsrc);
    *tsrc = NULL;
    return 2;
}

/* The events of the files, the messages and the live stack into set. 0, or the exit code
 * after a message. */
static int explain_gather(explain_args *a, pp_kb *kb, pp_evset *set, pp_live_result *live)
{
    char *err = NULL;
    pp_status st = PP_OK;
    for (size_t i = 0; i < a->nfiles && st == PP_OK; i++)
        st = pp_evset_ingest_file(set, a->files[i], &err);
    for (size_t i = 0; i < a->nmsg && st == PP_OK; i++)
        st = pp_evset_add_message(set, a->messages[i], a->rtype, &err);
    if (st == PP_OK && a->stack) {
        int lrc = pp_cli_live_fetch(&a->aws, kb, "explain", a->stack, set, live);
        if (lrc)
            return lrc;
        a->ai.profile = a->aws.profile;
        a->ai.region = a->aws.region;
    }
    for (size_t i = 0; i < set->nwarn; i++)
        fprintf(stderr, "parapet: warning: %s\n", set->warnings[i]);
    if (set->warn_dropped)
        fprintf(stderr, "parapet: warning: %zu more warnings\n", set->warn_dropped);
    if (st != PP_OK) {
        fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
        free(err);
        return 2;
    }
    return 0;
}

/* The Bedrock reading of x into doc, cached in the state store (never changes the exit
 * status: it only adds text). */
static void explain_ai(const explain_args *a, json_t *doc, const pp_explain *x)
{
    pp_state *cache = NULL;
    char *def = a->state_path ? NULL : pp_state_default_location();
    char *serr = NULL;
    if (pp_state_open(a->state_path ? a->state_path : def, &cache, &serr) != PP_OK) {
        fprintf(stderr, "parapet: AI answers will not be cached: %s\n", serr ? serr : "");
        cache = NULL;
    }
    free(serr);
    free(def);
    pp_ai_enrich(doc, x, &a->ai, cache, 0);
    pp_state_close(cache);
}

/* --format slack|teams: the chat messages as a JSON array on stdout. 0, or 2. */
static int print_chat(json_t *doc, int slack)
{
    pp_chat_scope *sc = NULL;
    size_t nsc = 0;
    char *cerr = NULL;
    int rc = 0;
    json_t *arr = json_array();
    if (pp_chat_split(doc, &sc, &nsc, &cerr) != PP_OK || !arr) {
        fprintf(stderr, "parapet: %s\n", cerr ? cerr : "out of memory");
        rc = 2;
    }
    for (size_t k = 0; k < nsc && arr; k++)
        json_array_append_new(arr, pp_chat_render(&sc[k], slack ? PP_CHAT_SLACK : PP_CHAT_TEAMS));
    char *s = rc == 2 ? NULL : json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
    free(cerr);
    json_decref(arr);
    pp_chat_scopes_free(sc, nsc);
    return rc;
}

/* Writes x in the chosen format. 0, or 2. */
static int explain_print(const explain_args *a, pp_explain *x, const pp_live_result *live)
{
    int rc = 0, md = strcmp(a->format, "markdown") == 0;
    json_t *doc = NULL;
    if (strcmp(a->format, "text") != 0 && !md) {
        if (!(doc = pp_explain_json(x)))
            rc = 2;
    } else if (a->ai.enabled) {
        doc = pp_explain_json(x);
    }
    if (doc && a->ai.enabled)
        explain_ai(a, doc, x);
    if (doc && a->stack)
        pp_cli_live_annotate(doc, live);
    if (strcmp(a->format, "json") == 0 && doc) {
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        else
            rc = 2;
        free(s);
    } else if ((strcmp(a->format, "slack") == 0 || strcmp(a->format, "teams") == 0) && doc) {
        rc = print_chat(doc, strcmp(a->format, "slack") == 0);
    } else if (rc == 0) {
        char *s = pp_explain_render(x, md ? PP_EXPLAIN_MARKDOWN : PP_EXPLAIN_TEXT);
        char *extra = doc ? pp_ai_render(doc, md) : NULL;
        if (s)
            fputs(s, stdout);
        else
            rc = 2;
        if (extra)
            fputs(extra, stdout);
        if (a->stack)
            pp_cli_live_print_missing(stdout, live, md);
        free(s);
        free(extra);
    }
    json_decref(doc);
    return rc;
}

/* Gathers, explains, locates and prints. The exit code. */
static int explain_run(explain_args *a, pp_kb *kb, pp_doc *tmpl, const char *tsrc, size_t tlen)
{
    pp_evset set;
    pp_evset_init(&set, NULL);
    pp_live_result live;
    memset(&live, 0, sizeof live);
    int rc = explain_gather(a, kb, &set, &live);
    if (rc)
        goto done;
    pp_explain x;
    pp_status st = pp_explain_run(&set, kb, &x);
    if (st == PP_OK && tmpl && (st = pp_explain_locate(&x, tmpl, tsrc, tlen)) != PP_OK)
        pp_explain_free(&x);
    else if (st == PP_OK && a->stack && (st = pp_cli_live_locate(&x, &live)) != PP_OK)
        pp_explain_free(&x);
    if (st != PP_OK) {
        fprintf(stderr, "parapet: explain: %s\n", pp_status_name(st));
        rc = 2;
        goto done;
    }
    x.label_fixes = a->stack != NULL;
    rc = explain_print(a, &x, &live);
    if (rc == 0)
        rc = pp_explain_exit_code(&x);
    if (fflush(stdout) != 0)
        rc = 2;
    pp_explain_free(&x);
done:
    pp_live_result_free(&live);
    pp_evset_free(&set);
    return rc;
}

int pp_cli_explain(int argc, char **argv)
{
    explain_args a;
    memset(&a, 0, sizeof a);
    a.format = "text";
    pp_ai_cfg_init(&a.ai);
    pp_opt_taker takers[] = {{pp_ai_cli_opt, &a.ai}, {pp_cli_aws_opt, &a.aws}, {explain_opt, &a}};
    int rc = pp_opts_parse(PP_CMD_EXPLAIN, argc, argv, takers, PP_ARRAY_LEN(takers));
    if (rc < 0)
        rc = explain_check_args(&a);
    if (rc >= 0)
        return rc;
    pp_doc *tmpl = NULL;
    char *tsrc = NULL;
    size_t tlen = 0;
    if (a.tmpl_path && load_template(a.tmpl_path, &tmpl, &tsrc, &tlen) != 0)
        return 2;
    rc = 0;
    pp_kb *kb = pp_cli_open_kb(a.kbopt, &rc);
    if (kb)
        rc = explain_run(&a, kb, tmpl, tsrc, tlen);
    pp_kb_free(kb);
    pp_doc_free(tmpl);
    free(tsrc);
    return rc;
}

/* ---- kb ----------------------------------------------------------------------------------- */

static const char *default_src(void)
{
    return access("kb", R_OK) == 0 ? "kb" : NULL;
}

static int kb_load_src(const char *src, pp_kb **kb, int lint_mode)
{
    char *err = NULL;
    pp_status st = pp_kb_load_dir(src, kb, &err);
    if (st != PP_OK) {
        fprintf(stderr, "%s\n", err ? err : pp_status_name(st));
        free(err);
        /* For lint, invalid entries are problems (1); a missing folder is a usage error. */
        return (lint_mode && st == PP_E_PARSE) ? 1 : 2;
    }
    return 0;
}

/* The options and arguments of the kb sub-commands. */
typedef struct kb_args {
    const char *src, *out, *kbopt;
    long limit;
    pp_cli_sel sel;   /* kb lint --rules */
    pp_buf query;     /* kb search TEXT... */
} kb_args;

/* One option or argument of a kb sub-command (hooks/opt.h). */
static int kb_opt(void *ctx, const pp_opts *p)
{
    kb_args *a = ctx;
    switch (p->id) {
    case PP_O_SRC: a->src = p->val; return 0;
    case PP_O_OUTPUT: a->out = p->val; return 0;
    case PP_O_KB: a->kbopt = p->val; return 0;
    case PP_O_LIMIT: a->limit = p->num; return 0;
    case PP_O_ARG:
        if (p->cmd->bit == PP_CMD_KB_SEARCH) {
            if ((a->query.len && pp_buf_puts(&a->query, " ") != PP_OK) ||
                pp_buf_puts(&a->query, p->val) != PP_OK)
                return pp_opts_error(p, "the search text is too long");
            return 0;
        }
        if (p->cmd->bit == PP_CMD_KB_STATS || a->src)
            return -1;   /* unexpected */
        a->src = p->val;
        return 0;
    default: return -1;
    }
}

/* Parses a kb sub-command's line into *a (the caller frees a->query and a->sel). -1 to go on,
 * else the exit code. */
static int kb_parse(unsigned cmd, kb_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->limit = 10;
    pp_buf_init(&a->query, 64u << 10);
    pp_opt_taker takers[] = {{pp_cli_sel_opt, &a->sel}, {kb_opt, a}};
    return pp_opts_parse(cmd, argc, argv, takers, PP_ARRAY_LEN(takers));
}

static int kb_build(int argc, char **argv)
{
    kb_args a;
    int rc = kb_parse(PP_CMD_KB_BUILD, &a, argc, argv);
    pp_buf_free(&a.query);
    if (rc >= 0)
        return rc;
    const char *src = a.src, *outp = a.out;
    if (!src)
        src = default_src();
    if (!src) {
        fprintf(stderr, "parapet kb build: no kb/ folder here; pass --src DIR\n");
        return 2;
    }
    pp_kb *kb = NULL;
    rc = kb_load_src(src, &kb, 0);
    if (rc)
        return rc;
    char *dir = NULL, *path = NULL;
    if (outp) {
        path = pp_strdup(outp);
    } else if ((dir = exe_dir())) {
        path = pp_asprintf("%s/kb.db", dir);
    }
    free(dir);
    if (!path) {
        pp_kb_free(kb);
        return 2;
    }
    char *err = NULL;
    pp_status st = pp_kb_build(kb, path, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet kb build: %s\n", err ? err : pp_status_name(st));
        rc = 2;
    } else {
        printf("kb build: %zu entries, %zu kinds -> %s\n", kb->n, pp_kb_kinds(kb), path);
    }
    free(err);
    free(path);
    pp_kb_free(kb);
    return rc;
}

static int kb_lint(int argc, char **argv)
{
    kb_args a;
    int prc = kb_parse(PP_CMD_KB_LINT, &a, argc, argv);
    pp_buf_free(&a.query);
    pp_cli_sel sel = a.sel;
    if (prc >= 0) {
        pp_cli_sel_free(&sel);
        return prc;
    }
    const char *src = a.src;
    if (!src)
        src = default_src();
    if (!src) {
        fprintf(stderr, "parapet kb lint: no kb/ folder here; pass DIR\n");
        return 2;
    }
    /* The rules prevented_by may name: the same loader and folders as `rules list`. */
    pp_limits lim = PP_LIMITS_DEFAULT;
    pp_ruleset *rs = pp_cli_sel_load(&sel, &lim);
    if (!rs) {
        pp_cli_sel_free(&sel);
        return 2;
    }
    pp_kb *kb = NULL;
    int rc = kb_load_src(src, &kb, 1);
    if (rc) {
        pp_ruleset_free(rs);
        pp_cli_sel_free(&sel);
        return rc;
    }
    size_t nrules = 0;
    const pp_rule_info *ri = pp_ruleset_info(rs, &nrules);
    const char **ids = calloc(nrules ? nrules : 1, sizeof *ids);
    if (!ids) {
        pp_kb_free(kb);
        pp_ruleset_free(rs);
        pp_cli_sel_free(&sel);
        return 2;
    }
    for (size_t i = 0; i < nrules; i++)
        ids[i] = ri[i].id;
    pp_buf r;
    pp_buf_init(&r, 0);
    size_t n = pp_kb_lint(kb, &r);
    n += pp_kb_lint_links(kb, ids, nrules, &r);
    size_t nex = 0;
    for (size_t i = 0; i < kb->n; i++)
        nex += json_array_size(kb->e[i].examples);
    if (r.data)
        fputs(r.data, stdout);
    printf("kb lint: %zu entries, %zu kinds, %zu examples, %zu rules, %zu problem%s\n", kb->n,
           pp_kb_kinds(kb), nex, nrules, n, n == 1 ? "" : "s");
    pp_buf_free(&r);
    free(ids);
    pp_kb_free(kb);
    pp_ruleset_free(rs);
    pp_cli_sel_free(&sel);
    return n ? 1 : 0;
}

static int kb_search(int argc, char **argv)
{
    kb_args a;
    int prc = kb_parse(PP_CMD_KB_SEARCH, &a, argc, argv);
    pp_buf q = a.query;
    const char *kbopt = a.kbopt;
    long limit = a.limit;
    if (prc < 0 && !q.data) {
        pp_opts_usage(PP_CMD_KB_SEARCH, stderr);
        prc = 2;
    }
    if (prc >= 0) {
        pp_buf_free(&q);
        return prc;
    }
    int rc = 0;
    pp_kb *kb = pp_cli_open_kb(kbopt, &rc);
    if (!kb) {
        pp_buf_free(&q);
        return rc;
    }
    /* A pattern match comes first; then the text-search ranking. */
    pp_kb_hit hit;
    size_t shown = 0;
    if (pp_kb_match(kb, q.data, NULL, NULL, &hit) == PP_OK) {
        printf("%-44s %s  (pattern match)\n", kb->e[hit.entry].id, kb->e[hit.entry].title);
        shown++;
    }
    size_t out[100];
    size_t n = pp_kb_search(kb, q.data, out, (size_t)limit);
    for (size_t i = 0; i < n && shown < (size_t)limit; i++) {
        if (shown && out[i] == hit.entry)
            continue;
        printf("%-44s %s\n", kb->e[out[i]].id, kb->e[out[i]].title);
        shown++;
    }
    if (!shown)
        printf("no entry found\n");
    pp_kb_hit_free(&hit);
    pp_buf_free(&q);
    pp_kb_free(kb);
    return shown ? 0 : 1;
}

static int kb_stats(int argc, char **argv)
{
    kb_args a;
    int prc = kb_parse(PP_CMD_KB_STATS, &a, argc, argv);
    pp_buf_free(&a.query);
    if (prc >= 0)
        return prc;
    const char *kbopt = a.kbopt;
    int rc = 0;
    pp_kb *kb = pp_cli_open_kb(kbopt, &rc);
    if (!kb)
        return rc;
    size_t nex = 0, nprev = 0;
    json_t *by_service = json_object();
    for (size_t i = 0; i < kb->n; i++) {
        nex += json_array_size(kb->e[i].examples);
        nprev += json_array_size(kb->e[i].prevented_by) > 0;
        json_t *c = json_object_get(by_service, kb->e[i].service);
        json_object_set_new(by_service, kb->e[i].service,
                            json_integer(c ? json_integer_value(c) + 1 : 1));
    }
    printf("knowledge base: %s\n", kb->path);
    printf("entries:        %zu\n", kb->n);
    printf("failure kinds:  %zu\n", pp_kb_kinds(kb));
    printf("examples:       %zu\n", nex);
    printf("with prevented_by: %zu\n", nprev);
    printf("by service:\n");
    const char *k;
    json_t *v;
    json_object_foreach(by_service, k, v)
        printf("  %-20s %lld\n", k, (long long)json_integer_value(v));
    json_decref(by_service);
    pp_kb_free(kb);
    return 0;
}

int pp_cli_kb(int argc, char **argv)
{
    static const char *const names[] = {"build", "lint", "search", "stats", NULL};
    static int (*const subs[])(int, char **) = {kb_build, kb_lint, kb_search, kb_stats};
    return pp_opts_dispatch("kb", names, subs, argc, argv);
}
