/* cli_rules.c — `parapet rules list` and `parapet rules test`.
 *
 * `rules test` runs every rule's cases: the file `<rule>.cases.yaml` beside `<rule>.lua`
 * holds a list of cases, each a template (inline or a file) plus the expected status per
 * logical id (docs/rules.md). A rule without a cases file counts as a failure: a guardrail
 * nobody tested is not one.
 */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"
#include "engine/eval.h"
#include "engine/finding.h"
#include "engine/template.h"
#include "engine/rules_cache.h"
#include "engine/rules_lint.h"
#include "engine/base/util.h"
#include "engine/value.h"
#include "hooks/cli.h"

static json_t *strv_json(char **v)
{
    json_t *a = json_array();
    for (char **p = v; p && *p; p++)
        json_array_append_new(a, json_string(*p));
    return a;
}

static void print_strv(const char *label, char **v)
{
    if (!v || !*v)
        return;
    printf("    %s:", label);
    for (char **p = v; *p; p++)
        printf(" %s", *p);
    putchar('\n');
}

static int rules_list(pp_ruleset *rs, int json)
{
    size_t n;
    const pp_rule_info *ri = pp_ruleset_info(rs, &n);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "id", ri[i].id,
                                  "title", ri[i].title, "severity",
                                  pp_severity_name(ri[i].severity), "packs",
                                  strv_json(ri[i].packs), "controls", strv_json(ri[i].controls),
                                  "related", strv_json(ri[i].related), "types",
                                  strv_json(ri[i].types), "file", pp_ruleset_file(rs, i));
            json_array_append_new(arr, o);
        }
        json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(arr);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        printf("%-40s %-8s %s\n", ri[i].id, pp_severity_name(ri[i].severity), ri[i].title);
        print_strv("packs", ri[i].packs);
        print_strv("types", ri[i].types);
        print_strv("controls", ri[i].controls);
        print_strv("related", ri[i].related);
    }
    printf("%zu rules\n", n);
    return 0;
}

/* The status a rule gave a resource: the most serious of its findings, SKIP when none. */
static const char *status_of(const pp_report *r, const char *id, const char **msg)
{
    static const pp_fstatus order[] = {PP_ST_FAIL, PP_ST_ERROR, PP_ST_UNKNOWN,
                                       PP_ST_SUPPRESSED, PP_ST_PASS, PP_ST_SKIP};
    *msg = NULL;
    for (size_t k = 0; k < PP_ARRAY_LEN(order); k++) {
        for (size_t i = 0; i < r->nf; i++) {
            if (r->f[i].status == order[k] && strcmp(r->f[i].resource, id) == 0) {
                *msg = r->f[i].message;
                return pp_fstatus_name(order[k]);
            }
        }
    }
    return "SKIP";
}

typedef struct tally {
    size_t passed, failed;
    int verbose;
} tally;

static void case_fail(tally *t, const char *file, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void case_fail(tally *t, const char *file, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: case '%s': ", file, name);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    t->failed++;
}

/* Runs one case of rule `id`. */
static void run_case(pp_ruleset *rs, const char *id, const char *cases_file, json_t *c,
                     size_t idx, tally *t)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    char fallback[32];
    snprintf(fallback, sizeof fallback, "#%zu", idx + 1);
    const char *name = json_string_value(json_object_get(c, "name"));
    if (!name)
        name = fallback;
    json_t *tpl = json_object_get(c, "template");
    const char *file = json_string_value(json_object_get(c, "file"));
    json_t *expect = json_object_get(c, "expect");
    const char *expect_error = json_string_value(json_object_get(c, "expect_error"));
    if (!json_is_object(c) || (!tpl && !file) || (!json_is_object(expect) && !expect_error)) {
        case_fail(t, cases_file, name, "expected a map with 'template' or 'file' and 'expect'");
        return;
    }
    pp_doc *doc = NULL;
    pp_template *tm = NULL;
    char *err = NULL, *buf = NULL;
    pp_status st = PP_OK;
    pp_report rep;
    pp_report_init(&rep);
    if (tpl) {
        doc = pp_doc_wrap(cases_file, json_incref(tpl));
    } else {
        char *dup = pp_strdup(cases_file);
        char *path = dup ? pp_asprintf("%s/%s", dirname(dup), file) : NULL;
        free(dup);
        size_t len = 0;
        st = path ? pp_read_file(path, lim.max_input_bytes, &buf, &len, &err) : PP_E_NOMEM;
        if (st == PP_OK)
            doc = pp_doc_load(path, buf, len, PP_FMT_AUTO, &lim, &st, &err);
        free(path);
    }
    pp_param_kv kv[64];
    size_t nkv = 0;
    json_t *params = json_object_get(c, "params");
    json_t *hold = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(params, k, v) {
        char *s = pp_value_str(v);
        if (s && nkv < PP_ARRAY_LEN(kv)) {
            json_t *js = json_string(s);
            json_array_append_new(hold, js);
            kv[nkv].key = (char *)k;
            kv[nkv].value = (char *)json_string_value(js);
            nkv++;
        }
        free(s);
    }
    pp_resolve_opts ro = {.params = kv, .nparams = nkv, .limits = &lim};
    if (doc)
        tm = pp_template_build(doc, &ro, &st, &err);
    if (!tm) {
        if (expect_error && err && strstr(err, expect_error)) {
            t->passed++;
        } else {
            case_fail(t, cases_file, name, "template rejected: %s", err ? err : "?");
        }
        goto done;
    }
    if (expect_error) {
        case_fail(t, cases_file, name, "expected an error containing '%s'", expect_error);
        goto done;
    }
    pp_ruleset_select(rs, id);
    pp_ruleset_override_params(rs, id, json_object_get(c, "rule_params"));
    pp_eval_opts eo = {.show_passed = 1, .verbose = t->verbose};
    const char *action = json_string_value(json_object_get(c, "action"));
    if (action)
        eo.action = action;
    eo.previous = json_object_get(c, "previous");
    st = pp_eval_template(rs, tm, &eo, &rep, &err);
    pp_ruleset_override_params(rs, id, NULL);
    if (st != PP_OK) {
        case_fail(t, cases_file, name, "evaluation failed: %s", err ? err : "?");
        goto done;
    }
    int ok = 1;
    json_object_foreach(expect, k, v) {
        const char *want = json_string_value(v), *msg = NULL;
        const char *got = status_of(&rep, k, &msg);
        if (!want || strcmp(want, got) != 0) {
            case_fail(t, cases_file, name, "resource %s: expected %s, got %s%s%s%s", k,
                      want ? want : "(not a status)", got, msg ? " (" : "", msg ? msg : "",
                      msg ? ")" : "");
            ok = 0;
        }
    }
    if (ok)
        t->passed++;
done:
    json_decref(hold);
    pp_report_free(&rep);
    pp_template_free(tm);
    pp_doc_free(doc);
    free(buf);
    free(err);
}

static int rules_test(pp_ruleset *rs, int verbose)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    tally t = {0, 0, verbose};
    size_t n;
    const pp_rule_info *ri = pp_ruleset_info(rs, &n);
    for (size_t i = 0; i < n; i++) {
        const char *lua = pp_ruleset_file(rs, i);
        size_t ll = strlen(lua);
        char *cases = pp_asprintf("%.*s.cases.yaml", (int)(ll - 4), lua);
        char *buf = NULL, *err = NULL;
        size_t len = 0;
        pp_status st = cases ? pp_read_file(cases, lim.max_input_bytes, &buf, &len, &err)
                             : PP_E_NOMEM;
        pp_doc *d = st == PP_OK ? pp_doc_load(cases, buf, len, PP_FMT_YAML, &lim, &st, &err)
                                : NULL;
        if (!d) {
            printf("FAIL %s: rule %s has no usable test cases: %s\n", lua, ri[i].id,
                   err ? err : "?");
            t.failed++;
        } else if (!json_is_array(d->root) || json_array_size(d->root) == 0) {
            printf("FAIL %s: expected a list of cases\n", cases);
            t.failed++;
        } else {
            for (size_t k = 0; k < json_array_size(d->root); k++)
                run_case(rs, ri[i].id, cases, json_array_get(d->root, k), k, &t);
        }
        pp_doc_free(d);
        free(buf);
        free(err);
        free(cases);
    }
    pp_ruleset_select(rs, NULL);
    pp_buf lint;   /* unused locals, helpers that shadow lib/ ones (engine/rules_lint.h) */
    pp_buf_init(&lint, 0);
    size_t nlint = 0;
    char *lerr = NULL;
    if (pp_rules_lint(rs, &lint, &nlint, &lerr) != PP_OK) {
        printf("FAIL lint: %s\n", lerr ? lerr : "out of memory");
        t.failed++;
    }
    if (lint.len)
        fwrite(lint.data, 1, lint.len, stdout);
    t.failed += nlint;
    free(lerr);
    pp_buf_free(&lint);
    printf("rules test: %zu passed, %zu failed (%zu rules)\n", t.passed, t.failed, n);
    return t.failed ? 1 : 0;
}

/* The options and arguments of the rules sub-commands. */
typedef struct rules_args {
    pp_cli_sel sel;
    const char *dir, *out;   /* compile */
    int json, verbose;
} rules_args;

/* One option or argument of a rules sub-command (hooks/opt.h). */
static int rules_opt(void *ctx, const pp_opts *p)
{
    rules_args *a = ctx;
    switch (p->id) {
    case PP_O_FORMAT: a->json = strcmp(p->val, "json") == 0; return 0;
    case PP_O_VERBOSE: a->verbose = 1; return 0;
    case PP_O_OUTPUT: a->out = p->val; return 0;
    case PP_O_ARG:
        if (p->cmd->bit == PP_CMD_RULES_COMPILE) {
            if (a->dir)
                return pp_opts_error(p, "one folder only");
            a->dir = p->val;
            return 0;
        }
        /* rules list|test DIR: that folder's rules only */
        a->sel.no_builtin = 1;
        return pp_opts_push(p, a->sel.dirs, &a->sel.ndirs, PP_CLI_MAX_LIST);
    default: return -1;
    }
}

/* rules compile [DIR] -o FILE */
static int rules_compile(int argc, char **argv)
{
    rules_args a;
    memset(&a, 0, sizeof a);
    pp_opt_taker takers[] = {{rules_opt, &a}};
    int rc = pp_opts_parse(PP_CMD_RULES_COMPILE, argc, argv, takers, 1);
    if (rc >= 0)
        return rc;
    const char *dir = a.dir;
    if (!a.out)
        return pp_cli_usage("rules compile", "-o FILE is required");
    if (!dir && !(dir = pp_cli_builtin_rules()))
        return pp_cli_usage("rules compile", "the built-in rules folder was not found (set "
                                             "PARAPET_RULES or name a folder)");
    char *err = NULL;
    size_t n = 0;
    pp_status st = pp_rules_cache_build(dir, a.out, &n, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet rules compile: %s\n", err ? err : pp_status_name(st));
        free(err);
        return 2;
    }
    printf("rules compile: %zu files of %s into %s\n", n, dir, a.out);
    return 0;
}

/* rules list|test: the loaded rule set, listed or tested. */
static int rules_list_test(unsigned cmd, int argc, char **argv)
{
    rules_args a;
    memset(&a, 0, sizeof a);
    pp_opt_taker takers[] = {{pp_cli_sel_opt, &a.sel}, {rules_opt, &a}};
    int rc = pp_opts_parse(cmd, argc, argv, takers, PP_ARRAY_LEN(takers));
    if (rc < 0) {
        pp_limits lim = PP_LIMITS_DEFAULT;
        pp_ruleset *rs = pp_cli_sel_load(&a.sel, &lim);
        rc = !rs ? 2 : cmd == PP_CMD_RULES_LIST ? rules_list(rs, a.json) : rules_test(rs, a.verbose);
        pp_ruleset_free(rs);
    }
    pp_cli_sel_free(&a.sel);
    return rc;
}

static int rules_list_cmd(int argc, char **argv)
{
    return rules_list_test(PP_CMD_RULES_LIST, argc, argv);
}

static int rules_test_cmd(int argc, char **argv)
{
    return rules_list_test(PP_CMD_RULES_TEST, argc, argv);
}

int pp_cli_rules(int argc, char **argv)
{
    static const char *const names[] = {"list", "test", "compile", NULL};
    static int (*const subs[])(int, char **) = {rules_list_cmd, rules_test_cmd, rules_compile};
    return pp_opts_dispatch("rules", names, subs, argc, argv);
}
