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

static const char USAGE[] =
    "usage: parapet check [options] FILE|DIR...   (FILE '-' reads stdin)\n"
    "  a DIR is walked for *.json, *.yaml, *.yml, *.template (cdk.out: the stacks of its\n"
    "  manifest.json); files that are not templates are skipped with a note; the\n"
    "  configuration's `exclude: [GLOB...]` leaves paths out\n"
    "  --format text|json|sarif|junit|codequality   output format (default text;\n"
    "                                   codequality: GitLab's code quality report)\n"
    "  --param KEY=VALUE                template parameter (repeatable)\n"
    "  --params-file F                  parameters: [{ParameterKey,ParameterValue}] or\n"
    "                                   {\"Parameters\": {...}}\n"
    "  --region R   --account-id N   --stack-name S   pseudo parameters\n"
    "  --rules DIR  --pack NAME  --only PATTERN  --no-builtin-rules   rule selection\n"
    "  --config F                       configuration (default: .parapet.yaml upward)\n"
    "  --rules-cache F                  precompiled rules (parapet rules compile); the\n"
    "                                   built-in rules use their own cache by default\n"
    "  --no-rules-cache                 compile every rule from its text\n"
    "  --fail-on SEVERITY               lowest severity that fails the run (default info)\n"
    "  --unknown fail|warn|pass         how UNKNOWN verdicts count (default fail)\n"
    "  --show-passed                    also list PASS and SKIP\n"
    "  --only-templates                 skip named files that are not CloudFormation\n"
    "                                   templates, as a folder walk does (pre-commit)\n"
    "  --jobs N                         rule sets evaluating at once (default: one per core\n"
    "                                   for large inputs, at most 8; 1 = one thread)\n"
    "  --no-color  --verbose  -o FILE\n";

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

int pp_cli_check(int argc, char **argv)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    pp_cli_sel sel = {0};
    params prm = {0};
    const char *files[MAX_FILES];
    unsigned char walked[MAX_FILES];   /* found in a folder: skipped when not a template */
    size_t nfiles = 0;
    pp_strvec found = {0};             /* owns the paths a folder walk found */
    int only_templates = 0;            /* named files too are skipped when not templates */
    pp_format fmt = PP_OUT_TEXT;
    pp_severity fail_on = PP_SEV_INFO;
    pp_resolve_opts ro = {0};
    pp_eval_opts eo = {0};
    const char *out_path = NULL;
    int color = -1, rc = 0, input_error = 0;
    long jobs = 0;   /* 0: decide from the input size and the cores */
    pp_ruleset *rs = NULL;
    pp_check_par *par = NULL;
    pp_check chk;
    memset(&chk, 0, sizeof chk);
    prm.hold = json_array();

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used = pp_cli_sel_arg(&sel, argc, argv, &i);
        if (used < 0) {
            rc = 2;
            goto done;
        }
        if (used)
            continue;
        const char *val = NULL;
#define OPTV(name) (strcmp(a, name) == 0 && (i + 1 < argc ? (val = argv[++i], 1) : \
                    (rc = pp_cli_usage("check", "%s needs a value", name), 0)))
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(USAGE, stdout);
            goto done;
        } else if (OPTV("--format")) {
            if (pp_format_parse(val, &fmt) != 0) {
                rc = pp_cli_usage("check", "--format expects text, json, sarif, junit or "
                                  "codequality, not '%s'", val);
                goto done;
            }
        } else if (OPTV("--param")) {
            const char *eq = strchr(val, '=');
            if (!eq || eq == val) {
                rc = pp_cli_usage("check", "--param expects KEY=VALUE, not '%s'", val);
                goto done;
            }
            json_t *k = json_stringn(val, (size_t)(eq - val));
            json_array_append_new(prm.hold, k);
            if ((rc = add_param(&prm, json_string_value(k), eq + 1)) != 0)
                goto done;
        } else if (OPTV("--params-file")) {
            if ((rc = load_params_file(&prm, val, &lim)) != 0)
                goto done;
        } else if (OPTV("--region")) {
            ro.region = val;
        } else if (OPTV("--account-id")) {
            ro.account_id = val;
        } else if (OPTV("--stack-name")) {
            ro.stack_name = val;
        } else if (OPTV("--fail-on")) {
            if (pp_severity_parse(val, &fail_on) != 0) {
                rc = pp_cli_usage("check", "--fail-on expects info, low, medium, high or "
                                  "critical, not '%s'", val);
                goto done;
            }
        } else if (OPTV("-o")) {
            out_path = val;
        } else if (OPTV("--output")) {
            out_path = val;
        } else if (OPTV("--jobs")) {
            char *end = NULL;
            long n = strtol(val, &end, 10);
            if (!*val || *end || n < 1 || n > PP_CHECK_PAR_MAX + 1) {
                rc = pp_cli_usage("check", "--jobs expects a number from 1 to %d, not '%s'",
                                  PP_CHECK_PAR_MAX + 1, val);
                goto done;
            }
            jobs = n;
        } else if (strcmp(a, "--only-templates") == 0) {
            only_templates = 1;
        } else if (strcmp(a, "--show-passed") == 0) {
            eo.show_passed = 1;
        } else if (strcmp(a, "--no-color") == 0) {
            color = 0;
        } else if (strcmp(a, "--color") == 0) {
            color = 1;
        } else if (strcmp(a, "--verbose") == 0) {
            eo.verbose = 1;
        } else if (rc) {
            goto done;
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = pp_cli_usage("check", "unknown option '%s' (see parapet check --help)", a);
            goto done;
        } else {
            if (nfiles >= MAX_FILES) {
                rc = pp_cli_usage("check", "too many files (at most %d)", MAX_FILES);
                goto done;
            }
            walked[nfiles] = 0;
            files[nfiles++] = a;
        }
#undef OPTV
    }
    if (rc)
        goto done;
    if (nfiles == 0 && !isatty(STDIN_FILENO)) {
        walked[0] = 0;
        files[nfiles++] = "-";   /* a pipe: read it, as explain and hook do */
    } else if (nfiles == 0) {
        fputs(USAGE, stderr);
        rc = 2;
        goto done;
    }
    ro.params = prm.kv;
    ro.nparams = prm.n;
    ro.limits = &lim;
    rs = pp_cli_sel_load(&sel, &lim);
    if (!rs) {
        rc = 2;
        goto done;
    }
    if (eo.verbose)
        fprintf(stderr, "parapet: rules cache: %s\n", sel.cache_used ? sel.cache_used : "none");
    if ((rc = expand_folders(files, walked, &nfiles, &found, sel.config)) != 0)
        goto done;
    for (size_t i = 0; only_templates && i < nfiles; i++)
        walked[i] = strcmp(files[i], "-") != 0;
    par = pp_check_par_start(&sel.opts, extra_rule_sets(jobs, files, nfiles));
    pp_check_opts co = { .resolve = ro, .eval = eo, .unknown = sel.unknown,
                         .timings = eo.verbose };
    pp_check_for_format(&co, fmt);
    pp_check_init(&chk, rs, par, &co);
    for (size_t fi = 0; fi < nfiles; fi++) {
        char *buf = NULL, *err = NULL;
        size_t len = 0;
        const char *name = strcmp(files[fi], "-") == 0 ? "<stdin>" : files[fi];
        pp_status st = pp_read_file(files[fi], lim.max_input_bytes, &buf, &len, &err);
        if (st == PP_OK && walked[fi] && !pp_check_looks_like_template(buf, len)) {
            fprintf(stderr, "parapet: %s: skipped (no Resources or AWSTemplateFormatVersion: "
                            "not a CloudFormation template)\n", name);
            free(buf);
            continue;
        }
        if (st == PP_OK)
            st = pp_check_input(&chk, name, buf, len, &err);
        else if (st != PP_E_NOMEM)
            pp_check_input_error(&chk, name, err);
        if (st != PP_OK) {
            fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
            input_error = 1;
        }
        free(err);
        free(buf);
    }
    pp_check_finish(&chk);
    pp_report *rep = &chk.rep;
    /* Even when no input could be checked the report is written: the input errors are in
     * it (JSON input_errors, SARIF notifications, JUnit errors), and the exit code is 2. */
    FILE *out = stdout;
    if (out_path && !(out = fopen(out_path, "w"))) {
        fprintf(stderr, "parapet check: %s: cannot write\n", out_path);
        rc = 2;
        goto done;
    }
    if (color < 0)
        color = fmt == PP_OUT_TEXT && !out_path && pp_cli_color(STDOUT_FILENO);
    pp_write_opts wo = {.color = color, .show_passed = co.eval.show_passed,
                        .tool_version = PARAPET_VERSION};
    if (pp_report_write(rep, fmt, &wo, out) != PP_OK) {
        fprintf(stderr, "parapet check: cannot write the report\n");
        input_error = 1;
    }
    if (out != stdout)
        fclose(out);
    if (rep->files == 0 && !input_error)
        fprintf(stderr, "parapet check: no template was checked\n");
    rc = input_error || rep->files == 0 ? 2 : pp_report_failing(rep, fail_on, sel.unknown) ? 1 : 0;
done:
    pp_strvec_free(&found);
    pp_check_free(&chk);
    pp_check_par_free(par);
    if (rs && rc != 2 && leave_to_exit(rs, sel.cache)) {
        sel.cache = NULL;   /* the process ends now: the OS takes the Lua state and the map */
    } else {
        pp_ruleset_free(rs);
    }
    pp_cli_sel_free(&sel);
    json_decref(prm.hold);
    return rc;
}
