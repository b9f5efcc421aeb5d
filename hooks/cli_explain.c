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

static const char explain_usage[] =
    "usage: parapet explain [--format text|markdown|json|slack|teams] [--kb FILE]\n"
    "                       [--message TEXT [--resource-type TYPE]] [--template FILE]\n"
    "                       [--ai bedrock ...]\n"
    "                       [--state LOCATION] [FILE...|-]\n"
    "       parapet explain --stack NAME [--region R] [--profile P] [--endpoint-url URL]\n"
    "                       [--verbose] [--format ...]\n"
    "Reads CloudFormation/ECS events (describe-stack-events, describe-stacks,\n"
    "describe-stack-resources, describe-services, describe-tasks, EventBridge events, JSON\n"
    "lines of these) or one pasted message, finds the root cause and prints fix guidance.\n"
    "--stack fetches the latest operation of a stack from AWS (stack events, nested stacks,\n"
    "ECS services, stopped tasks, container logs, CloudTrail) with the standard credential\n"
    "chain; what could not be fetched is listed, what was fetched is explained.\n"
    "Exit: 0 explained, 1 a failure matched no KB entry, 2 usage or input error.\n"
    "slack and teams print the chat messages `parapet notify` would post, as a JSON array.\n"
    "  --template FILE            the template that was deployed: each root cause points at\n"
    "                             the line of the failing resource and property\n"
    PP_AI_CLI_HELP
    "  --state LOCATION           where Bedrock answers are cached: a SQLite file or\n"
    "                             dynamodb://TABLE (default as for notify; --state-db F is an\n"
    "                             alias)\n";

static const char kb_usage[] =
    "usage: parapet kb build [--src DIR] [--out FILE]\n"
    "       parapet kb lint [--rules DIR]... [DIR]   (prevented_by ids must be rules there;\n"
    "                                                 default: the built-in rules)\n"
    "       parapet kb search [--kb FILE] [--limit N] TEXT...\n"
    "       parapet kb stats [--kb FILE]\n";

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

int pp_cli_explain(int argc, char **argv)
{
    const char *format = "text", *kbopt = NULL, *rtype = NULL, *state_path = NULL;
    pp_cli_aws aws = { 0 };
    const char *stack = NULL;
    const char *tmpl_path = NULL;
    pp_ai_cfg ai;
    pp_ai_cfg_init(&ai);
    const char *messages[MAX_MESSAGES];
    const char *files[256];
    size_t nmsg = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(explain_usage, stdout);
            return 0;
        }
        int air = pp_ai_cli_arg(&ai, argc, argv, &i);
        if (air < 0)
            return 2;
        if (air > 0)
            continue;
        int awr = pp_cli_aws_arg(&aws, "explain", argc, argv, &i);
        if (awr < 0)
            return 2;
        if (awr > 0)
            continue;
        if (pp_cli_opt_value(argc, argv, &i, "--stack", &v)) {
            if (!v || !*v) {
                fprintf(stderr, "parapet explain: --stack expects a stack name or ARN\n");
                return 2;
            }
            stack = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--format", &v) ||
                   pp_cli_opt_value(argc, argv, &i, "-f", &v)) {
            if (!v || (strcmp(v, "text") && strcmp(v, "markdown") && strcmp(v, "json") &&
                       strcmp(v, "slack") && strcmp(v, "teams"))) {
                fprintf(stderr, "parapet explain: --format expects text, markdown, json, slack "
                                "or teams\n");
                return 2;
            }
            format = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--state", &v) ||
                   pp_cli_opt_value(argc, argv, &i, "--state-db", &v)) {
            if (!v) {
                fprintf(stderr, "parapet explain: --state expects a FILE or dynamodb://TABLE\n");
                return 2;
            }
            state_path = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--message", &v)) {
            if (!v || nmsg == MAX_MESSAGES) {
                fprintf(stderr, "parapet explain: --message expects TEXT (at most %d)\n",
                        MAX_MESSAGES);
                return 2;
            }
            messages[nmsg++] = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--resource-type", &v)) {
            if (!v) {
                fprintf(stderr, "parapet explain: --resource-type expects a type such as "
                                "AWS::ECS::Service\n");
                return 2;
            }
            rtype = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--template", &v)) {
            if (!v) {
                fprintf(stderr, "parapet explain: --template expects a FILE\n");
                return 2;
            }
            tmpl_path = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--kb", &v)) {
            if (!v) {
                fprintf(stderr, "parapet explain: --kb expects a FILE\n");
                return 2;
            }
            kbopt = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "parapet explain: unknown option '%s'\n%s", a, explain_usage);
            return 2;
        } else {
            if (nfiles == PP_ARRAY_LEN(files)) {
                fprintf(stderr, "parapet explain: too many files (at most %zu)\n",
                        PP_ARRAY_LEN(files));
                return 2;
            }
            files[nfiles++] = a;
        }
    }
    if (rtype && nmsg == 0) {
        fprintf(stderr, "parapet explain: --resource-type goes with --message\n");
        return 2;
    }
    if (!stack && (aws.profile || aws.region || aws.endpoint)) {
        fprintf(stderr, "parapet explain: --profile, --region and --endpoint-url go with "
                        "--stack\n");
        return 2;
    }
    if (nmsg == 0 && nfiles == 0 && !stack) {
        if (isatty(STDIN_FILENO)) {
            fputs(explain_usage, stderr);
            return 2;
        }
        files[nfiles++] = "-";
    }

    int rc = 0;
    pp_doc *tmpl = NULL;
    char *tsrc = NULL;
    size_t tlen = 0;
    if (tmpl_path) {
        pp_limits lim = PP_LIMITS_DEFAULT;
        char *terr = NULL;
        pp_status ts = pp_read_file(tmpl_path, lim.max_input_bytes, &tsrc, &tlen, &terr);
        if (ts == PP_OK)
            tmpl = pp_doc_load(tmpl_path, tsrc, tlen, PP_FMT_AUTO, &lim, &ts, &terr);
        if (!tmpl) {
            fprintf(stderr, "parapet explain: --template: %s\n", terr ? terr : pp_status_name(ts));
            free(terr);
            free(tsrc);
            return 2;
        }
    }
    pp_kb *kb = pp_cli_open_kb(kbopt, &rc);
    if (!kb) {
        pp_doc_free(tmpl);
        free(tsrc);
        return rc;
    }
    pp_evset set;
    pp_evset_init(&set, NULL);
    char *err = NULL;
    pp_status st = PP_OK;
    for (size_t i = 0; i < nfiles && st == PP_OK; i++)
        st = pp_evset_ingest_file(&set, files[i], &err);
    for (size_t i = 0; i < nmsg && st == PP_OK; i++)
        st = pp_evset_add_message(&set, messages[i], rtype, &err);
    pp_live_result live;
    memset(&live, 0, sizeof live);
    if (st == PP_OK && stack) {
        int lrc = pp_cli_live_fetch(&aws, kb, "explain", stack, &set, &live);
        if (lrc) {
            pp_live_result_free(&live);
            pp_evset_free(&set);
            pp_kb_free(kb);
            return lrc;
        }
        ai.profile = aws.profile;
        ai.region = aws.region;
    }
    for (size_t i = 0; i < set.nwarn; i++)
        fprintf(stderr, "parapet: warning: %s\n", set.warnings[i]);
    if (set.warn_dropped)
        fprintf(stderr, "parapet: warning: %zu more warnings\n", set.warn_dropped);
    if (st != PP_OK) {
        fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
        free(err);
        pp_evset_free(&set);
        pp_kb_free(kb);
        pp_doc_free(tmpl);
        free(tsrc);
        return 2;
    }
    pp_explain x;
    st = pp_explain_run(&set, kb, &x);
    if (st == PP_OK && tmpl && (st = pp_explain_locate(&x, tmpl, tsrc, tlen)) != PP_OK)
        pp_explain_free(&x);
    else if (st == PP_OK && stack && (st = pp_cli_live_locate(&x, &live)) != PP_OK)
        pp_explain_free(&x);
    pp_doc_free(tmpl);
    free(tsrc);
    if (st != PP_OK) {
        fprintf(stderr, "parapet: explain: %s\n", pp_status_name(st));
        pp_live_result_free(&live);
        pp_evset_free(&set);
        pp_kb_free(kb);
        return 2;
    }
    x.label_fixes = stack != NULL;
    /* The AI part never changes the exit status: it only adds text. */
    json_t *doc = NULL;
    pp_state *cache = NULL;
    if (strcmp(format, "text") != 0 && strcmp(format, "markdown") != 0) {
        doc = pp_explain_json(&x);
        if (!doc)
            rc = 2;
    } else if (ai.enabled) {
        doc = pp_explain_json(&x);
    }
    if (doc && ai.enabled) {
        char *def = state_path ? NULL : pp_state_default_location();
        char *serr = NULL;
        if (pp_state_open(state_path ? state_path : def, &cache, &serr) != PP_OK) {
            fprintf(stderr, "parapet: AI answers will not be cached: %s\n", serr ? serr : "");
            cache = NULL;
        }
        free(serr);
        free(def);
        pp_ai_enrich(doc, &x, &ai, cache, 0);
    }
    if (doc && stack)
        pp_cli_live_annotate(doc, &live);
    if (strcmp(format, "json") == 0 && doc) {
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        else
            rc = 2;
        free(s);
    } else if ((strcmp(format, "slack") == 0 || strcmp(format, "teams") == 0) && doc) {
        pp_chat_scope *sc = NULL;
        size_t nsc = 0;
        char *cerr = NULL;
        json_t *arr = json_array();
        if (pp_chat_split(doc, &sc, &nsc, &cerr) != PP_OK || !arr) {
            fprintf(stderr, "parapet: %s\n", cerr ? cerr : "out of memory");
            rc = 2;
        }
        for (size_t k = 0; k < nsc && arr; k++)
            json_array_append_new(arr, pp_chat_render(&sc[k], strcmp(format, "slack") == 0
                                                                   ? PP_CHAT_SLACK
                                                                   : PP_CHAT_TEAMS));
        char *s = rc == 2 ? NULL : json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        free(cerr);
        json_decref(arr);
        pp_chat_scopes_free(sc, nsc);
    } else if (rc == 0) {
        char *s = pp_explain_render(&x, strcmp(format, "markdown") == 0 ? PP_EXPLAIN_MARKDOWN
                                                                         : PP_EXPLAIN_TEXT);
        char *extra = doc ? pp_ai_render(doc, strcmp(format, "markdown") == 0) : NULL;
        if (s)
            fputs(s, stdout);
        else
            rc = 2;
        if (extra)
            fputs(extra, stdout);
        if (stack)
            pp_cli_live_print_missing(stdout, &live, strcmp(format, "markdown") == 0);
        free(s);
        free(extra);
    }
    json_decref(doc);
    pp_state_close(cache);
    if (rc == 0)
        rc = pp_explain_exit_code(&x);
    if (fflush(stdout) != 0)
        rc = 2;
    pp_explain_free(&x);
    pp_live_result_free(&live);
    pp_evset_free(&set);
    pp_kb_free(kb);
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

static int kb_build(int argc, char **argv)
{
    const char *src = NULL, *outp = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (pp_cli_opt_value(argc, argv, &i, "--src", &v)) {
            src = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--out", &v) || pp_cli_opt_value(argc, argv, &i, "-o", &v)) {
            outp = v;
        } else if (argv[i][0] != '-' && !src) {
            src = argv[i];
            continue;
        } else {
            fputs(kb_usage, stderr);
            return 2;
        }
        if (!v) {
            fputs(kb_usage, stderr);
            return 2;
        }
    }
    if (!src)
        src = default_src();
    if (!src) {
        fprintf(stderr, "parapet kb build: no kb/ folder here; pass --src DIR\n");
        return 2;
    }
    pp_kb *kb = NULL;
    int rc = kb_load_src(src, &kb, 0);
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
    const char *src = NULL;
    pp_cli_sel sel = {0};
    for (int i = 1; i < argc; i++) {
        int used = strcmp(argv[i], "--rules") == 0 ? pp_cli_sel_arg(&sel, argc, argv, &i) : 0;
        if (used < 0)
            return 2;
        if (used)
            continue;
        if (argv[i][0] == '-' || src) {
            fputs(kb_usage, stderr);
            return 2;
        }
        src = argv[i];
    }
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
    const char *kbopt = NULL, *lim = NULL;
    pp_buf q;
    pp_buf_init(&q, 64u << 10);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (pp_cli_opt_value(argc, argv, &i, "--kb", &v)) {
            kbopt = v;
        } else if (pp_cli_opt_value(argc, argv, &i, "--limit", &v)) {
            lim = v;
        } else {
            if (q.len)
                pp_buf_puts(&q, " ");
            pp_buf_puts(&q, argv[i]);
        }
    }
    long limit = 10;
    if ((lim && pp_parse_long(lim, 1, 100, &limit)) || !q.data) {
        pp_buf_free(&q);
        fputs(kb_usage, stderr);
        return 2;
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
    const char *kbopt = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (pp_cli_opt_value(argc, argv, &i, "--kb", &v) && v) {
            kbopt = v;
        } else {
            fputs(kb_usage, stderr);
            return 2;
        }
    }
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
    if (argc < 2 || pp_cli_wants_help(argc, argv, 1)) {
        fputs(kb_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "build") == 0)
        return kb_build(argc - 1, argv + 1);
    if (strcmp(cmd, "lint") == 0)
        return kb_lint(argc - 1, argv + 1);
    if (strcmp(cmd, "search") == 0)
        return kb_search(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return kb_stats(argc - 1, argv + 1);
    fprintf(stderr, "parapet kb: unknown subcommand '%s'\n%s", cmd, kb_usage);
    return 2;
}
