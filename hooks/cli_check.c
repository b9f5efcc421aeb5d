/* cli_check.c — `parapet check`: the pre-deploy check. Reads templates (files or stdin),
 * resolves them, runs the selected rules and renders findings as text, json, sarif or junit.
 *
 * Data flow: argv → files → the check pipeline (engine/check.h: load, resolve, evaluate,
 * unknown policy, source lines, sort) → pp_report_write → exit code (0 nothing failing at/above --fail-on, 1 failing, 2 input or
 * usage error). A file that cannot be loaded is reported on stderr (one line naming file,
 * line and what was expected) and the others are still checked; the exit code is then 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/check.h"
#include "engine/rules_cache.h"
#include "engine/doc.h"
#include "engine/eval.h"
#include "engine/finding.h"
#include "engine/template.h"
#include "engine/base/util.h"
#include "engine/value.h"
#include "engine/check_par.h"
#include "hooks/check_walk.h"
#include "hooks/cli.h"

#define MAX_FILES 4096
#define MAX_PARAMS 512

typedef struct params {
    pp_param_kv kv[MAX_PARAMS];
    size_t n;
    json_t *hold;   /* owns strings from params files */
} params;

static int add_param(params *p, const char *k, const char *v)
{
    if (p->n >= MAX_PARAMS)
        return pp_cli_usage("check", "too many parameters (at most %d)", MAX_PARAMS);
    p->kv[p->n].key = (char *)k;
    p->kv[p->n].value = (char *)v;
    p->n++;
    return 0;
}

/* String form of a scalar, kept alive by `hold`. NULL for non-scalars. */
static const char *str_hold(const json_t *v, json_t *hold)
{
    char *s = pp_value_str(v);
    if (!s)
        return NULL;
    json_t *js = json_string(s);
    free(s);
    if (!js || json_array_append_new(hold, js))
        return NULL;
    return json_string_value(js);
}

/* Reads a parameters file in either CLI form. Values are kept alive by p->hold. */
static int load_params_file(params *p, const char *path, const pp_limits *lim)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    pp_status st = pp_read_file(path, 16u << 20, &buf, &len, &err);
    pp_doc *d = st == PP_OK ? pp_doc_load(path, buf, len, PP_FMT_AUTO, lim, &st, &err) : NULL;
    free(buf);
    if (!d) {
        fprintf(stderr, "parapet check: %s\n", err ? err : "cannot read parameters");
        free(err);
        return 2;
    }
    json_t *root = d->root;
    json_array_append(p->hold, root);
    int rc = 0;
    if (json_is_array(root)) {
        for (size_t i = 0; i < json_array_size(root) && !rc; i++) {
            json_t *e = json_array_get(root, i);
            const char *k = json_string_value(json_object_get(e, "ParameterKey"));
            json_t *v = json_object_get(e, "ParameterValue");
            const char *vs = str_hold(v, p->hold);
            if (!k || !vs) {
                fprintf(stderr, "parapet check: %s: entry %zu: expected {\"ParameterKey\": "
                                "string, \"ParameterValue\": value}\n", path, i + 1);
                rc = 2;
            } else {
                rc = add_param(p, k, vs);
            }
        }
    } else if (json_is_object(json_object_get(root, "Parameters"))) {
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(root, "Parameters"), k, v) {
            const char *vs = str_hold(v, p->hold);
            if (!vs) {
                fprintf(stderr, "parapet check: %s: parameter %s: expected a string, number "
                                "or boolean\n", path, k);
                rc = 2;
                break;
            }
            if ((rc = add_param(p, k, vs)) != 0)
                break;
        }
    } else {
        fprintf(stderr, "parapet check: %s: expected a list of {ParameterKey, ParameterValue} "
                        "or a map with \"Parameters\"\n", path);
        rc = 2;
    }
    pp_doc_free(d);
    return rc;
}

/* Replaces every folder among files[0..*n) by the templates found in it (check_walk.h), in
 * place and in order; the paths are owned by `found`. 0, or 2 after a message. */
static int expand_folders(const char **files, unsigned char *walked, size_t *n,
                          pp_strvec *found, const json_t *config)
{
    const char *in[MAX_FILES];
    size_t nin = *n, k = 0;
    memcpy(in, files, nin * sizeof *in);
    const json_t *exclude = json_object_get(config, "exclude");
    for (size_t i = 0; i < nin; i++) {
        if (strcmp(in[i], "-") == 0 || !pp_check_is_dir(in[i])) {
            if (k >= MAX_FILES)
                return pp_cli_usage("check", "too many files (at most %d)", MAX_FILES);
            walked[k] = 0;
            files[k++] = in[i];
            continue;
        }
        size_t before = found->n;
        if (pp_check_walk(in[i], exclude, MAX_FILES, found) != 0)
            return 2;
        if (found->n == before)
            fprintf(stderr, "parapet: %s: no templates (*.json, *.yaml, *.yml, *.template) in "
                            "the folder\n", in[i]);
        for (size_t j = before; j < found->n; j++) {
            if (k >= MAX_FILES)
                return pp_cli_usage("check", "too many files (at most %d)", MAX_FILES);
            walked[k] = 1;
            files[k++] = found->v[j];
        }
    }
    *n = k;
    return 0;
}

/* Input below this many bytes is evaluated on one thread: a second rule set would cost more to
 * load than it saves (about 250 resources per part, see check_par.h). */
#define PAR_MIN_INPUT_BYTES (256u << 10)

/* How many rule sets to load besides the first: --jobs N asks for N - 1; by default one more
 * per core, up to one per PAR_MIN_INPUT_BYTES of input (stdin counts as small). */
static size_t extra_rule_sets(long jobs, const char *const *files, size_t nfiles)
{
    if (jobs > 0)
        return (size_t)jobs - 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    off_t total = 0;
    for (size_t i = 0; i < nfiles; i++) {
        struct stat sb;
        if (strcmp(files[i], "-") != 0 && stat(files[i], &sb) == 0 && S_ISREG(sb.st_mode))
            total += sb.st_size;
    }
    size_t by_size = (size_t)(total / PAR_MIN_INPUT_BYTES);
    size_t n = cores > 1 ? (size_t)cores - 1 : 0;
    if (n > by_size)
        n = by_size;
    return n > PP_CHECK_PAR_MAX ? PP_CHECK_PAR_MAX : n;
}

/* What the command line chose. */
typedef struct check_args {
    pp_limits lim;
    pp_cli_sel sel;
    params prm;
    const char *files[MAX_FILES];
    unsigned char walked[MAX_FILES];   /* found in a folder: skipped when not a template */
    size_t nfiles;
    int only_templates;                /* named files too are skipped when not templates */
    pp_format fmt;
    pp_severity fail_on;
    pp_resolve_opts ro;
    pp_eval_opts eo;
    const char *out_path;
    int color;                         /* -1: on a terminal */
    long jobs;                         /* 0: decide from the input size and the cores */
} check_args;

/* --param KEY=VALUE */
static int param_opt(check_args *a, const pp_opts *p)
{
    const char *eq = strchr(p->val, '=');
    if (!eq || eq == p->val)
        return pp_opts_error(p, "%s expects KEY=VALUE, not '%s'", p->name, p->val);
    json_t *k = json_stringn(p->val, (size_t)(eq - p->val));
    if (!k || json_array_append_new(a->prm.hold, k) != 0)
        return pp_opts_error(p, "out of memory");
    return add_param(&a->prm, json_string_value(k), eq + 1);
}

/* One option or argument of `check` (hooks/opt.h). */
static int check_opt(void *ctx, const pp_opts *p)
{
    check_args *a = ctx;
    switch (p->id) {
    case PP_O_FORMAT: return pp_format_parse(p->val, &a->fmt) ? pp_opts_unhandled(p) : 0;
    case PP_O_PARAM: return param_opt(a, p);
    case PP_O_PARAMS_FILE: return load_params_file(&a->prm, p->val, &a->lim);
    case PP_O_REGION: a->ro.region = p->val; return 0;
    case PP_O_ACCOUNT_ID: a->ro.account_id = p->val; return 0;
    case PP_O_STACK_NAME: a->ro.stack_name = p->val; return 0;
    case PP_O_FAIL_ON: return pp_cli_fail_on(p, &a->fail_on);
    case PP_O_OUTPUT: a->out_path = p->val; return 0;
    case PP_O_JOBS: a->jobs = p->num; return 0;
    case PP_O_ONLY_TEMPLATES: a->only_templates = 1; return 0;
    case PP_O_SHOW_PASSED: a->eo.show_passed = 1; return 0;
    case PP_O_NO_COLOR: a->color = 0; return 0;
    case PP_O_COLOR: a->color = 1; return 0;
    case PP_O_VERBOSE: a->eo.verbose = 1; return 0;
    case PP_O_ARG:
        if (a->nfiles < MAX_FILES)
            a->walked[a->nfiles] = 0;
        return pp_opts_push(p, a->files, &a->nfiles, MAX_FILES);
    default: return -1;
    }
}

/* Reads and checks every file into chk. 1 when one could not be read or loaded (reported on
 * stderr and in the report), else 0. */
static int check_files(check_args *a, pp_check *chk)
{
    int input_error = 0;
    for (size_t fi = 0; fi < a->nfiles; fi++) {
        char *buf = NULL, *err = NULL;
        size_t len = 0;
        const char *name = strcmp(a->files[fi], "-") == 0 ? "<stdin>" : a->files[fi];
        pp_status st = pp_read_file(a->files[fi], a->lim.max_input_bytes, &buf, &len, &err);
        if (st == PP_OK && a->walked[fi] && !pp_check_looks_like_template(buf, len)) {
            fprintf(stderr, "parapet: %s: skipped (no Resources or AWSTemplateFormatVersion: "
                            "not a CloudFormation template)\n", name);
            free(buf);
            continue;
        }
        if (st == PP_OK)
            st = pp_check_input(chk, name, buf, len, &err);
        else if (st != PP_E_NOMEM)
            pp_check_input_error(chk, name, err);
        if (st != PP_OK) {
            fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
            input_error = 1;
        }
        free(err);
        free(buf);
    }
    return input_error;
}

/* Writes the report (stdout or -o FILE). 0, or 1 when it could not be written (after a
 * message); 2 when -o FILE cannot be opened. Even when no input could be checked the report
 * is written: the input errors are in it (JSON input_errors, SARIF notifications, JUnit
 * errors). */
static int write_report(const check_args *a, const pp_check *chk, int show_passed)
{
    FILE *out = stdout;
    if (a->out_path && !(out = fopen(a->out_path, "w"))) {
        fprintf(stderr, "parapet check: %s: cannot write\n", a->out_path);
        return 2;
    }
    int color = a->color;
    if (color < 0)
        color = a->fmt == PP_OUT_TEXT && !a->out_path && pp_cli_color(STDOUT_FILENO);
    pp_write_opts wo = {.color = color, .show_passed = show_passed,
                        .tool_version = PARAPET_VERSION};
    int bad = 0;
    if (pp_report_write(&chk->rep, a->fmt, &wo, out) != PP_OK) {
        fprintf(stderr, "parapet check: cannot write the report\n");
        bad = 1;
    }
    if (out != stdout)
        fclose(out);
    return bad;
}

/* The rule set and the rules cache of a check that is about to end the process. Freeing them
 * (closing the Lua state object by object, unmapping the cache) was a tenth of a
 * one-resource check's instructions, for memory the exit returns anyway. Kept here, they stay
 * reachable, so leak checkers (ASan, valgrind's "definitely lost") see no leak. Not when
 * built with AddressSanitizer, whose runs are what exercise the free paths end to end. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PP_FREE_AT_EXIT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PP_FREE_AT_EXIT 1
#endif

#if !defined(PP_FREE_AT_EXIT)
static void *volatile g_left[2];   /* volatile: the stores must happen */
#endif

static int leave_to_exit(pp_ruleset *rs, pp_rules_cache *cache)
{
#if defined(PP_FREE_AT_EXIT)
    (void)rs;
    (void)cache;
    return 0;
#else
    g_left[0] = rs;
    g_left[1] = cache;
    return 1;
#endif
}

/* Loads the rules, expands folders and runs the pipeline over the files. The exit code. */
static int check_run(check_args *a)
{
    pp_strvec found = {0};             /* owns the paths a folder walk found */
    pp_check_par *par = NULL;
    pp_check chk;
    memset(&chk, 0, sizeof chk);
    a->ro.params = a->prm.kv;
    a->ro.nparams = a->prm.n;
    a->ro.limits = &a->lim;
    int rc = 2;
    pp_ruleset *rs = pp_cli_sel_load(&a->sel, &a->lim);
    if (!rs)
        goto done;
    if (a->eo.verbose)
        fprintf(stderr, "parapet: rules cache: %s\n",
                a->sel.cache_used ? a->sel.cache_used : "none");
    if (expand_folders(a->files, a->walked, &a->nfiles, &found, a->sel.config) != 0)
        goto done;
    for (size_t i = 0; a->only_templates && i < a->nfiles; i++)
        a->walked[i] = strcmp(a->files[i], "-") != 0;
    par = pp_check_par_start(&a->sel.opts, extra_rule_sets(a->jobs, a->files, a->nfiles));
    pp_check_opts co = { .resolve = a->ro, .eval = a->eo, .unknown = a->sel.unknown,
                         .timings = a->eo.verbose };
    pp_check_for_format(&co, a->fmt);
    pp_check_init(&chk, rs, par, &co);
    int input_error = check_files(a, &chk);
    pp_check_finish(&chk);
    int wr = write_report(a, &chk, co.eval.show_passed);
    if (wr == 2)
        goto done;
    input_error |= wr;
    if (chk.rep.files == 0 && !input_error)
        fprintf(stderr, "parapet check: no template was checked\n");
    rc = input_error || chk.rep.files == 0                         ? 2
         : pp_report_failing(&chk.rep, a->fail_on, a->sel.unknown) ? 1
                                                                    : 0;
done:
    pp_strvec_free(&found);
    pp_check_free(&chk);
    pp_check_par_free(par);
    if (rs && rc != 2 && leave_to_exit(rs, a->sel.cache)) {
        a->sel.cache = NULL;   /* the process ends now: the OS takes the Lua state and the map */
    } else {
        pp_ruleset_free(rs);
    }
    return rc;
}

int pp_cli_check(int argc, char **argv)
{
    check_args *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "parapet check: out of memory\n");
        return 2;
    }
    pp_limits lim = PP_LIMITS_DEFAULT;
    a->lim = lim;
    a->fmt = PP_OUT_TEXT;
    a->fail_on = PP_SEV_INFO;
    a->color = -1;
    a->prm.hold = json_array();
    pp_opt_taker takers[] = {{pp_cli_sel_opt, &a->sel}, {check_opt, a}};
    int rc = a->prm.hold ? pp_opts_parse(PP_CMD_CHECK, argc, argv, takers, PP_ARRAY_LEN(takers))
                         : 2;
    if (rc < 0 && a->nfiles == 0 && !isatty(STDIN_FILENO)) {
        a->walked[0] = 0;
        a->files[a->nfiles++] = "-";   /* a pipe: read it, as explain and hook do */
    } else if (rc < 0 && a->nfiles == 0) {
        pp_opts_usage(PP_CMD_CHECK, stderr);
        rc = 2;
    }
    if (rc < 0)
        rc = check_run(a);
    pp_cli_sel_free(&a->sel);
    json_decref(a->prm.hold);
    free(a);
    return rc;
}
