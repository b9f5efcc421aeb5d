/* test_faults.c — the allocation-failure sweep (Hardening): for every N, fail the Nth
 * allocation of an operation (loading a JSON and a YAML template, resolving, evaluating with
 * the real rules plus the JSON render, a whole hook request) and check that the run ends with
 * a clean error or the clean run's verdict, and frees everything it allocated.
 *
 * The injector interposes malloc, calloc, realloc, free and the aligned allocators in this
 * executable, so it sees every allocation of the process: ours, jansson's, libyaml's,
 * PCRE2's, Lua's (through sb_alloc), SQLite's and glibc's own (strdup, fopen, qsort). The
 * real work is done by glibc's __libc_* entry points. Counting, failing and the live-block
 * table are active only inside a window opened around the operation under test; see
 * docs/internals.md ("Fault injection").
 *
 * PARAPET_FAULTS_FULL=1 sweeps every N of every scenario in both modes (fail exactly the Nth,
 * fail every allocation from the Nth on); the default run sweeps every N of "exactly" up to a
 * bound and then a stride, and "from the Nth on" with a stride. PARAPET_FAULTS_ONLY=NAME runs
 * one scenario; PARAPET_FAULTS_N=N one run of it (-N: from the Nth on), for gdb;
 * PARAPET_FAULTS_TRACE=1 prints the stack of the first refused allocation of each run.
 *
 * Not built for sanitizers: ASan/TSan/MSan own malloc and refuse a second interposer, so
 * under them the test only says it is skipped. Valgrind works when told to leave this
 * program's malloc alone (it then checks the blocks behind __libc_malloc):
 *   valgrind --soname-synonyms=somalloc=nouserintercepts --leak-check=full build/tests/test_faults
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/doc.h"
#include "engine/eval.h"
#include "engine/eval_int.h"
#include "engine/template.h"
#include "engine/base/util.h"
#include "hooks/cfn_hook.h"
#include "tests/unit/unit_files.h"

#include "faults_san.h"

#ifndef PP_FAULTS_SANITIZED

#include "faults.h"

static const pp_limits g_lim = PP_LIMITS_DEFAULT;

static char *read_root_file(const char *rel, size_t *len)
{
    return pp_test_read(rel, 1u << 22, len);
}

/* A YAML template with short tags, anchors and aliases, conditions, mappings and
 * parameters: every path of the YAML loader and most of the resolver. */
static const char YAML_TEMPLATE[] =
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Parameters:\n"
    "  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}\n"
    "  Cidr: {Type: String, Default: 10.0.0.0/16}\n"
    "  Open: {Type: String, Default: 'false'}\n"
    "Mappings:\n"
    "  Sizes:\n"
    "    prod: {Db: db.r5.large, Port: 5432}\n"
    "    dev: {Db: db.t3.micro, Port: 5432}\n"
    "Conditions:\n"
    "  IsProd: !Equals [!Ref Env, prod]\n"
    "  IsOpen: !Equals [!Ref Open, 'true']\n"
    "  ProdAndClosed: !And [!Condition IsProd, !Not [!Condition IsOpen]]\n"
    "Metadata:\n"   /* CloudFormation refuses an x-common section: the anchor sits here */
    "  common: &tags\n"
    "    - {Key: team, Value: platform}\n"
    "    - {Key: env, Value: !Ref Env}\n"
    "Resources:\n"
    "  Vpc:\n"
    "    Type: AWS::EC2::VPC\n"
    "    Properties: {CidrBlock: !Ref Cidr, EnableDnsSupport: true, Tags: *tags}\n"
    "  Subnet:\n"
    "    Type: AWS::EC2::Subnet\n"
    "    Properties:\n"
    "      VpcId: !Ref Vpc\n"
    "      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]\n"
    "      AvailabilityZone: !Select [0, !GetAZs '']\n"
    "      MapPublicIpOnLaunch: !If [IsOpen, true, false]\n"
    "      Tags: *tags\n"
    "  Sg:\n"
    "    Type: AWS::EC2::SecurityGroup\n"
    "    Properties:\n"
    "      GroupDescription: !Sub 'db ${Env} in ${AWS::Region}'\n"
    "      VpcId: !Ref Vpc\n"
    "      SecurityGroupIngress:\n"
    "        - &rule {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n"
    "        - {IpProtocol: tcp, FromPort: !FindInMap [Sizes, !Ref Env, Port],\n"
    "           ToPort: !FindInMap [Sizes, !Ref Env, Port], CidrIp: !Ref Cidr}\n"
    "  Sg2:\n"
    "    Type: AWS::EC2::SecurityGroup\n"
    "    Properties:\n"
    "      GroupDescription: !Join ['-', [a, !Ref Env, !Select [1, !Split [',', 'x,y']]]]\n"
    "      SecurityGroupIngress: [*rule]\n"
    "  Bucket:\n"
    "    Type: AWS::S3::Bucket\n"
    "    Condition: ProdAndClosed\n"
    "    Metadata:\n"
    "      parapet: {suppress: [{rule: 'ct-s3-pr-1*', reason: 'logs bucket'}]}\n"
    "    Properties:\n"
    "      BucketName: !Sub '${AWS::StackName}-logs-${AWS::AccountId}'\n"
    "      VersioningConfiguration: {Status: !If [IsProd, Enabled, Suspended]}\n"
    "      Tags: *tags\n"
    "  Db:\n"
    "    Type: AWS::RDS::DBInstance\n"
    "    Properties:\n"
    "      DBInstanceClass: !FindInMap [Sizes, !Ref Env, Db]\n"
    "      Engine: postgres\n"
    "      PubliclyAccessible: !If [IsOpen, true, !Ref 'AWS::NoValue']\n"
    "      StorageEncrypted: !If [IsProd, true, false]\n"
    "      VPCSecurityGroups: [!GetAtt Sg.GroupId]\n"
    "      MasterUserPassword: !Base64 'not-a-secret'\n"
    "      Tags: *tags\n"
    "  Fn:\n"
    "    Type: AWS::Lambda::Function\n"
    "    Properties:\n"
    "      Runtime: python3.12\n"
    "      Handler: index.handler\n"
    "      Role: !ImportValue shared-role-arn\n"
    "      Code:\n"
    "        ZipFile: |\n"
    "          def handler(e, c):\n"
    "              return 1\n"
    "Outputs:\n"
    "  VpcId: {Value: !Ref Vpc}\n";

/* ---- (1), (2): pp_doc_load ---------------------------------------------------------- */

typedef struct load_ctx {
    const char *name;
    const char *buf;
    size_t len;
    pp_doc_format fmt;
    json_t *ref;           /* the clean run's root */
    const char *probe[4];  /* JSON pointers whose positions must match */
    pp_pos ref_pos[4];
} load_ctx;

static outcome run_load(scenario *s, int clean)
{
    load_ctx *c = s->ctx;
    pp_status st = PP_OK;
    char *err = NULL;
    pp_doc *d = pp_doc_load(c->name, c->buf, c->len, c->fmt, &g_lim, &st, &err);
    fi_stop_failing();
    outcome o = OUT_SAME;
    if (!d) {
        if (clean)
            fail_msg("clean load failed: %s", err ? err : pp_status_name(st));
        if (st != PP_E_NOMEM)
            problem("load failed with %s (%s), expected PP_E_NOMEM", pp_status_name(st),
                    err ? err : "no message");
        o = OUT_ERROR;
    } else if (clean) {
        c->ref = json_deep_copy(d->root);
        for (size_t i = 0; i < 4 && c->probe[i]; i++)
            assert_int_equal(pp_doc_pos(d, c->probe[i], &c->ref_pos[i]), 0);
    } else {
        if (err)
            problem("success with a message: %s", err);
        if (!json_equal(d->root, c->ref))
            problem("loaded document differs from the clean run");
        for (size_t i = 0; i < 4 && c->probe[i]; i++) {
            pp_pos p = {0, 0};
            if (pp_doc_pos(d, c->probe[i], &p) != 0 || p.line != c->ref_pos[i].line ||
                p.col != c->ref_pos[i].col)
                problem("position of %s lost or changed", c->probe[i]);
        }
    }
    free(err);
    pp_doc_free(d);
    return o;
}

/* ---- (3): pp_template_build ------------------------------------------------------- */

typedef struct build_ctx {
    pp_doc *doc;
    char *ref;             /* the clean template, dumped */
} build_ctx;

/* A canonical dump of everything the resolver produced. NULL on allocation failure. */
static char *dump_template(const pp_template *t)
{
    json_t *res = json_array();
    for (size_t i = 0; res && i < t->nres; i++) {
        const pp_resource *r = &t->res[i];
        json_t *o = json_pack("{s:s, s:s, s:O, s:s?, s:s?, s:s, s:s, s:b, s:b}",
                              "id", r->logical_id, "type", r->type, "props", r->properties,
                              "cond", r->condition, "cdk", r->cdk_path, "src", r->src_ptr,
                              "pptr", r->props_ptr, "active", r->active, "cu", r->cond_unknown);
        if (!o || json_array_append_new(res, o) != 0) {
            json_decref(res);
            res = NULL;
        }
    }
    json_t *all = res ? json_pack("{s:o, s:O, s:O, s:b}", "res", res, "conds", t->conditions,
                                  "params", t->params, "hook", t->is_hook_doc)
                      : NULL;
    char *s = all ? json_dumps(all, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    json_decref(all);
    return s;
}

/* The end of a run whose result is dumped to text: `what` failed (result NULL) with st/err, or
 * produced dump (taken; NULL when the dump itself failed). A clean run keeps the dump in *ref;
 * the others must fail with PP_E_NOMEM or dump exactly *ref, without a message. */
static outcome judge_dump(int clean, const char *what, int failed, pp_status st,
                          const char *err, char *dump, char **ref)
{
    if (failed) {
        if (clean)
            fail_msg("clean %s failed: %s", what, err ? err : pp_status_name(st));
        if (st != PP_E_NOMEM)
            problem("%s failed with %s (%s), expected PP_E_NOMEM", what, pp_status_name(st),
                    err ? err : "no message");
        return OUT_ERROR;
    }
    assert_non_null(dump);
    if (clean) {
        *ref = dump;
        return OUT_SAME;
    }
    if (strcmp(dump, *ref) != 0) {
        problem("the result of %s differs from the clean run", what);
        if (getenv("PARAPET_FAULTS_N"))
            fprintf(stderr, "got:  %s\nwant: %s\n", dump, *ref);
    }
    free(dump);
    if (err)
        problem("success with a message: %s", err);
    return OUT_SAME;
}

static outcome run_build(scenario *s, int clean)
{
    build_ctx *c = s->ctx;
    pp_status st = PP_OK;
    char *err = NULL;
    pp_resolve_opts ro = {.limits = &g_lim};
    pp_template *t = pp_template_build(c->doc, &ro, &st, &err);
    fi_stop_failing();
    outcome o = judge_dump(clean, "the build", !t, st, err, t ? dump_template(t) : NULL, &c->ref);
    free(err);
    pp_template_free(t);
    return o;
}

/* ---- (4): pp_eval_template + the JSON report ---------------------------------------- */

typedef struct eval_ctx {
    pp_ruleset *rs;
    pp_doc *doc;
    pp_template *t;
    pp_report ref;         /* the clean run's findings */
    char *ref_out;         /* and their rendering, JSON then text */
    FILE *out;             /* fmemopen'd on buf, unbuffered, so writing allocates nothing */
    char *buf;
} eval_ctx;

#define EVAL_OUT_MAX (4u << 20)

/* Empties the rule set's type → rules cache, so that every run takes the cold path (a
 * Lambda's first request), and collects until the heap stops shrinking: objects with a
 * finalizer go only in the second collection, and each collection frees half of the
 * thread's spare CallInfo records. */
static void settle_lua(scenario *s)
{
    json_object_clear(s->rs->type_cache);
    size_t before;
    int rounds = 0;
    do {
        before = pp_sandbox_mem(s->sb);
        lua_gc(pp_sandbox_state(s->sb), LUA_GCCOLLECT, 0);
    } while (pp_sandbox_mem(s->sb) != before && ++rounds < 32);
}

static int same_finding(const pp_finding *a, const pp_finding *b)
{
    return strcmp(a->rule_id, b->rule_id) == 0 && strcmp(a->resource, b->resource) == 0;
}

static int same_text(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The findings of `r` for (rule, resource) of `key`, in report order; returns how many. */
static size_t findings_of(const pp_report *r, const pp_finding *key, const pp_finding **out,
                          size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nf; i++)
        if (same_finding(&r->f[i], key) && n < cap)
            out[n++] = &r->f[i];
    return n;
}

/* A faulty run's findings against the clean run's: for every (rule, resource), the same
 * findings (status, message, path) or a single ERROR (the rule met the failure and says so),
 * never a different verdict. Returns the number of such ERRORs. */
static size_t compare_findings(const pp_report *got, const pp_report *ref)
{
    size_t errs = 0;
    for (size_t i = 0; i < got->nf; i++) {
        const pp_finding *g = &got->f[i];
        const pp_finding *rf[64], *gf[64];
        size_t nr = findings_of(ref, g, rf, 64), ng = findings_of(got, g, gf, 64);
        if (gf[0] != g)
            continue;   /* (rule, resource) seen already */
        if (nr == 0) {
            problem("%s on %s: %s, not in the clean run (%s)", g->rule_id, g->resource,
                    pp_fstatus_name(g->status), g->message);
            continue;
        }
        if (ng == 1 && g->status == PP_ST_ERROR && rf[0]->status != PP_ST_ERROR) {
            errs++;
            continue;
        }
        int same = ng == nr;
        for (size_t k = 0; same && k < ng; k++)
            same = gf[k]->status == rf[k]->status && same_text(gf[k]->message, rf[k]->message) &&
                   same_text(gf[k]->path, rf[k]->path);
        if (!same)
            problem("%s on %s: %zu findings (first %s: %s), clean run %zu (first %s: %s)",
                    g->rule_id, g->resource, ng, pp_fstatus_name(g->status), g->message, nr,
                    pp_fstatus_name(rf[0]->status), rf[0]->message);
    }
    for (size_t i = 0; i < ref->nf; i++) {
        const pp_finding *x[1];
        if (findings_of(got, &ref->f[i], x, 1) == 0)
            problem("%s on %s: missing (clean run: %s)", ref->f[i].rule_id, ref->f[i].resource,
                    pp_fstatus_name(ref->f[i].status));
    }
    return errs;
}

static outcome run_eval(scenario *s, int clean)
{
    eval_ctx *c = s->ctx;
    pp_report rep;
    pp_report_init(&rep);
    char *err = NULL;
    pp_eval_opts eo = {.show_passed = 1};
    pp_status st = pp_eval_template(c->rs, c->t, &eo, &rep, &err);
    char *js = NULL;       /* the rendering, NULL when it failed */
    pp_status wst = PP_OK;
    if (st == PP_OK) {
        pp_report_sort(&rep);
        pp_write_opts wo = {.show_passed = 1};
        rewind(c->out);
        wst = pp_report_write(&rep, PP_OUT_JSON, &wo, c->out);
        if (wst == PP_OK)
            wst = pp_report_write(&rep, PP_OUT_TEXT, &wo, c->out);
        if (wst == PP_OK)   /* the streamed SARIF writer: NOMEM or the whole document */
            wst = pp_report_write(&rep, PP_OUT_SARIF, &wo, c->out);
        long len = ftell(c->out);
        fi_stop_failing();
        assert_true(len >= 0 && (unsigned long)len < EVAL_OUT_MAX);
        if (wst == PP_OK) {
            js = malloc((size_t)len + 1);
            assert_non_null(js);
            memcpy(js, c->buf, (size_t)len);
            js[len] = '\0';
        } else if (wst != PP_E_NOMEM) {
            problem("rendering failed with %s, expected PP_E_NOMEM", pp_status_name(wst));
        }
    }
    fi_stop_failing();
    outcome o = OUT_SAME;
    if (st != PP_OK) {
        if (clean)
            fail_msg("clean evaluation failed: %s", err ? err : pp_status_name(st));
        if (st != PP_E_NOMEM)
            problem("evaluation failed with %s (%s), expected PP_E_NOMEM", pp_status_name(st),
                    err ? err : "no message");
        o = OUT_ERROR;
    } else if (clean) {
        assert_non_null(js);
        assert_int_equal(rep.n_status[PP_ST_ERROR], 0);
        c->ref = rep;
        pp_report_init(&rep);
        free(c->ref_out);
        c->ref_out = js;
        js = NULL;
    } else {
        size_t errs = compare_findings(&rep, &c->ref);
        if (errs)
            o = OUT_ERROR;
        else if (js && strcmp(js, c->ref_out) != 0) {
            problem("the rendered report differs from the clean run");
            if (getenv("PARAPET_FAULTS_N"))
                fprintf(stderr, "got:  %s\nwant: %s\n", js, c->ref_out);
        }
        if (!js)
            o = OUT_ERROR;   /* the render met the failure: NULL is its error */
        if (err)
            problem("success with a message: %s", err);
    }
    free(js);
    free(err);
    pp_report_free(&rep);
    return o;
}

/* ---- (5): a hook request, parse + handle + render ---------------------------------- */

typedef struct hook_ctx {
    pp_ruleset *rs;
    char *body;
    size_t len;
    char *ref;             /* the clean response */
    pp_hook_verdict ref_verdict;
} hook_ctx;

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* A response of the same verdict as the clean one that differs from it: allowed only where a
 * rule met the failure and its annotation says so (FAILED, "rule error: …"); every other
 * annotation, and the message when no rule erred, must be the clean run's. Returns the number
 * of such rule errors. */
static size_t compare_responses(const json_t *got, const char *ref_text)
{
    json_t *ref = json_loads(ref_text, 0, NULL);
    assert_non_null(ref);
    size_t errs = 0;
    static const char *const same_keys[] = {"hookStatus", "errorCode", "clientRequestToken"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(jstr(got, same_keys[i]), jstr(ref, same_keys[i])) != 0)
            problem("%s is '%s', clean run '%s'", same_keys[i], jstr(got, same_keys[i]),
                    jstr(ref, same_keys[i]));
    json_t *ga = json_object_get(got, "annotations"), *ra = json_object_get(ref, "annotations");
    if (json_array_size(ga) != json_array_size(ra))
        problem("%zu annotations, clean run %zu", json_array_size(ga), json_array_size(ra));
    for (size_t i = 0; i < json_array_size(ga) && i < json_array_size(ra); i++) {
        json_t *g = json_array_get(ga, i), *r = json_array_get(ra, i);
        if (json_equal(g, r))
            continue;
        if (strcmp(jstr(g, "annotationName"), jstr(r, "annotationName")) == 0 &&
            strcmp(jstr(g, "status"), "FAILED") == 0 &&
            strstr(jstr(g, "statusMessage"), "rule error") != NULL) {
            errs++;
            continue;
        }
        char *gs = json_dumps(g, JSON_COMPACT), *rs = json_dumps(r, JSON_COMPACT);
        problem("annotation %zu is %s, clean run %s", i, gs ? gs : "?", rs ? rs : "?");
        free(gs);
        free(rs);
    }
    if (!errs && strcmp(jstr(got, "message"), jstr(ref, "message")) != 0)
        problem("message is '%s', clean run '%s'", jstr(got, "message"), jstr(ref, "message"));
    json_decref(ref);
    return errs;
}

static outcome run_hook(scenario *s, int clean)
{
    hook_ctx *c = s->ctx;
    pp_hook_cfg cfg = {.limits = &g_lim, .unknown = PP_UNKNOWN_FAIL, .fail_on = PP_SEV_INFO};
    pp_hook_outcome out;
    pp_status st = pp_hook_handle(&cfg, c->rs, NULL, 0, c->body, c->len, &out);
    fi_stop_failing();
    outcome o = OUT_SAME;
    if (st != PP_OK) {
        if (clean)
            fail_msg("clean hook request failed: %s", pp_status_name(st));
        if (st != PP_E_NOMEM)
            problem("pp_hook_handle returned %s, expected PP_E_NOMEM", pp_status_name(st));
        if (out.response)
            problem("a response together with %s", pp_status_name(st));
        o = OUT_ERROR;
    } else if (!out.response) {
        problem("PP_OK without a response");
    } else if (clean) {
        assert_int_not_equal(out.verdict, PP_HOOK_INTERNAL_FAILURE);
        c->ref = out.response;
        c->ref_verdict = out.verdict;
        out.response = NULL;
    } else {
        json_error_t je;
        json_t *j = json_loads(out.response, 0, &je);
        if (!j)
            problem("response is not JSON: %s", je.text);
        if (out.verdict == PP_HOOK_INTERNAL_FAILURE) {
            const char *hs = json_string_value(json_object_get(j, "hookStatus"));
            const char *ec = json_string_value(json_object_get(j, "errorCode"));
            if (!hs || strcmp(hs, "FAILED") != 0 || !ec || strcmp(ec, "InternalFailure") != 0)
                problem("internal failure rendered as %s/%s", hs ? hs : "-", ec ? ec : "-");
            if (out.bad_request)
                problem("an allocation failure reported as a bad request: %s",
                        out.error ? out.error : "");
            o = OUT_ERROR;
        } else if (out.verdict != c->ref_verdict) {
            problem("verdict %d, clean run %d", (int)out.verdict, (int)c->ref_verdict);
        } else if (strcmp(out.response, c->ref) != 0) {
            if (compare_responses(j, c->ref))
                o = OUT_ERROR;
        }
        json_decref(j);
    }
    pp_hook_outcome_free(&out);
    return o;
}

/* ---- (6): pp_ruleset_load ------------------------------------------------------------ */

typedef struct rules_ctx {
    const char *const *dirs;
    size_t ndirs;
    const char *const *lib_dirs;
    size_t nlib_dirs;
    const json_t *config;
    char *ref;             /* the clean rule set's metadata, dumped */
} rules_ctx;

static json_t *strv_json(char **v)
{
    json_t *a = json_array();
    for (size_t i = 0; a && v && v[i]; i++)
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* Everything a loaded rule set tells its users about its rules, as one string. Built with the
 * injector stopped, so NULL only on a real failure. */
static char *dump_rules(const pp_ruleset *rs)
{
    size_t n = 0;
    const pp_rule_info *ri = pp_ruleset_info(rs, &n);
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        const pp_rule *r = &rs->rules[i];
        json_t *o = json_pack("{s:s, s:s?, s:s?, s:s?, s:i, s:o, s:o, s:o, s:o, s:o, s:s, s:s?, "
                              "s:b, s:O?, s:O?, s:s?, s:b}",
                              "id", ri[i].id, "title", ri[i].title, "fix", ri[i].fix, "docs",
                              ri[i].docs, "severity", (int)ri[i].severity, "controls",
                              strv_json(ri[i].controls), "related", strv_json(ri[i].related),
                              "packs", strv_json(ri[i].packs), "types", strv_json(ri[i].types),
                              "frameworks", strv_json(ri[i].frameworks), "file",
                              pp_ruleset_file(rs, i), "guard", r->guard, "deletes", r->deletes,
                              "params", r->params, "base", r->params_base, "skip",
                              r->skip_reason, "lua_params", r->params_ref >= 0);
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    /* sorted: params come from Lua tables, whose order depends on the state's hash seed */
    char *s = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(a);
    return s;
}

/* Loads (compiles) the rules inside the window: a fresh Lua state, every lib module and rule
 * file, the metadata and the config's params. It ends with the clean run's rule set or a clean
 * error; either way the state is closed and nothing stays allocated. */
static outcome run_rules(scenario *s, int clean)
{
    rules_ctx *c = s->ctx;
    pp_rules_opts o = {.dirs = c->dirs, .ndirs = c->ndirs, .lib_dirs = c->lib_dirs,
                       .nlib_dirs = c->nlib_dirs, .config = c->config, .limits = &g_lim};
    pp_status st = PP_OK;
    char *err = NULL;
    pp_ruleset *rs = pp_ruleset_load(&o, &st, &err);
    fi_stop_failing();
    outcome o_ = judge_dump(clean, "rule loading", !rs, st, err, rs ? dump_rules(rs) : NULL,
                            &c->ref);
    free(err);
    pp_ruleset_free(rs);
    return o_;
}

/* ---- the tests ---------------------------------------------------------------------- */

static lua_wrap g_wrap;

static pp_ruleset *load_real_rules(void)
{
    char *dir = pp_test_path("rules");
    const char *dirs[] = {dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = &g_lim};
    pp_status st;
    char *err = NULL;
    pp_ruleset *rs = pp_ruleset_load(&o, &st, &err);
    if (!rs)
        fail_msg("rules: %s", err ? err : "?");
    free(dir);
    lua_wrap_install(rs->sb, &g_wrap);
    return rs;
}

static void test_load_json(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_root_file("examples/private-stack.json", &len);
    load_ctx c = {.name = "private-stack.json", .buf = buf, .len = len, .fmt = PP_FMT_JSON,
                  .probe = {"/Resources", "/Resources/Vpc/Type", ""}};
    scenario s = {.name = "load-json", .run = run_load, .ctx = &c};
    sweep(&s, 100000, 1, 7);
    json_decref(c.ref);
    free(buf);
}

static void test_load_yaml(void **state)
{
    (void)state;
    load_ctx c = {.name = "t.yaml", .buf = YAML_TEMPLATE, .len = sizeof YAML_TEMPLATE - 1,
                  .fmt = PP_FMT_YAML,
                  .probe = {"/Resources/Sg2/Properties/SecurityGroupIngress/0",
                            "/Resources/Db/Properties/DBInstanceClass", "/Outputs/VpcId"}};
    scenario s = {.name = "load-yaml", .run = run_load, .ctx = &c};
    sweep(&s, 100000, 1, 7);
    json_decref(c.ref);
}

static pp_doc *load_doc(const char *name, const char *buf, size_t len)
{
    pp_status st;
    char *err = NULL;
    pp_doc *d = pp_doc_load(name, buf, len, PP_FMT_AUTO, &g_lim, &st, &err);
    if (!d)
        fail_msg("%s: %s", name, err ? err : "?");
    return d;
}

/* The SAM transform, the Rules section and a FindInMap candidate missing from Mappings
 * (engine/sam.c, template_rules.c, lift's dropped candidate): swept like the others. */
static const char SAM_TEMPLATE[] =
    "Transform: AWS::Serverless-2016-10-31\n"
    "Globals: {Function: {Runtime: python3.12, Timeout: 5}}\n"
    "Parameters:\n"
    "  Env: {Type: String, AllowedValues: [dev, prod, test]}\n"
    "  Size: {Type: String, Default: small}\n"
    "Mappings: {Ports: {dev: {p: 22}, prod: {p: 443}}}\n"
    "Rules:\n"
    "  R: {RuleCondition: !Equals [!Ref Size, small], Assertions: [{Assert: !Contains "
    "[[small, big], !Ref Size], AssertDescription: size}]}\n"
    "Resources:\n"
    "  Fn:\n"
    "    Type: AWS::Serverless::Function\n"
    "    Properties:\n"
    "      Handler: i.h\n"
    "      CodeUri: {Bucket: b, Key: k}\n"
    "      VpcConfig: {SubnetIds: [s-1], SecurityGroupIds: [!Ref Sg]}\n"
    "      Policies: [AmazonS3ReadOnlyAccess, {Statement: [{Effect: Allow, Action: 's3:*', "
    "Resource: '*'}]}, {SQSPollerPolicy: {QueueName: q}}]\n"
    "      Tags: {team: a}\n"
    "      Tracing: Active\n"
    "      AutoPublishAlias: live\n"
    "      FunctionUrlConfig: {AuthType: NONE, Cors: {AllowOrigins: ['*']}}\n"
    "      Events: {A: {Type: Api, Properties: {Path: /, Method: get}}, H: {Type: HttpApi}}\n"
    "  Api: {Type: AWS::Serverless::Api, Properties: {StageName: v1, EndpointConfiguration: "
    "{Type: PRIVATE, VPCEndpointIds: [e-1]}, Auth: {ResourcePolicy: {CustomStatements: "
    "[{Effect: Allow}]}}}}\n"
    "  Http: {Type: AWS::Serverless::HttpApi, Properties: {StageName: beta, CorsConfiguration: "
    "{AllowOrigins: ['*']}}}\n"
    "  Table: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: k, Type: "
    "Binary}, Tags: {a: b}}}\n"
    "  Layer: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: {Bucket: b, "
    "Key: k}}}\n"
    "  Sm: {Type: AWS::Serverless::StateMachine, Properties: {Definition: {StartAt: A}, "
    "Policies: [AWSLambdaRole]}}\n"
    "  App: {Type: AWS::Serverless::Application, Properties: {Location: x}}\n"
    "  Conn: {Type: AWS::Serverless::Connector, Properties: {Source: {Id: Fn}}}\n"
    "  Sg:\n"
    "    Type: AWS::EC2::SecurityGroup\n"
    "    Properties:\n"
    "      GroupDescription: !Ref Fn.Alias\n"
    "      SecurityGroupIngress: [{IpProtocol: tcp, CidrIp: 0.0.0.0/0, FromPort: !FindInMap "
    "[Ports, !Ref Env, p], ToPort: 443}]\n";

static void test_build(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_root_file("examples/private-stack.json", &len);
    build_ctx cj = {.doc = load_doc("private-stack.json", buf, len)};
    scenario sj = {.name = "build-json", .run = run_build, .ctx = &cj};
    sweep(&sj, 100000, 1, 7);
    build_ctx cy = {.doc = load_doc("t.yaml", YAML_TEMPLATE, sizeof YAML_TEMPLATE - 1)};
    scenario sy = {.name = "build-yaml", .run = run_build, .ctx = &cy};
    sweep(&sy, 100000, 1, 7);
    build_ctx cs = {.doc = load_doc("sam.yaml", SAM_TEMPLATE, sizeof SAM_TEMPLATE - 1)};
    scenario ss = {.name = "build-sam", .run = run_build, .ctx = &cs};
    sweep(&ss, 100000, 1, 7);
    free(cs.ref);
    pp_doc_free(cs.doc);
    free(cj.ref);
    free(cy.ref);
    pp_doc_free(cj.doc);
    pp_doc_free(cy.doc);
    free(buf);
}

/* Evaluates `name` (text of len bytes) with the real rules; dense/stride/sticky as sweep. */
static void eval_scenario(const char *sname, const char *name, const char *text, size_t len,
                          long dense, long stride, long sticky_stride)
{
    eval_ctx c = {.rs = load_real_rules(), .doc = load_doc(name, text, len)};
    pp_resolve_opts ro = {.limits = &g_lim};
    pp_status st;
    char *err = NULL;
    c.t = pp_template_build(c.doc, &ro, &st, &err);
    assert_non_null(c.t);
    c.buf = malloc(EVAL_OUT_MAX);
    assert_non_null(c.buf);
    c.out = fmemopen(c.buf, EVAL_OUT_MAX, "w");
    assert_non_null(c.out);
    setvbuf(c.out, NULL, _IONBF, 0);
    scenario s = {.name = sname, .run = run_eval, .settle = settle_lua, .rs = c.rs,
                  .sb = c.rs->sb, .ctx = &c};
    sweep(&s, dense, stride, sticky_stride);
    fclose(c.out);
    free(c.buf);
    pp_report_free(&c.ref);
    free(c.ref_out);
    pp_template_free(c.t);
    pp_doc_free(c.doc);
    pp_ruleset_free(c.rs);
}

static void test_eval(void **state)
{
    (void)state;
    eval_scenario("eval", "t.yaml", YAML_TEMPLATE, sizeof YAML_TEMPLATE - 1, 3000, 13, 101);
}

/* The example stack (examples/web-stack.yaml): resources of many types, so much of the
 * rule pack runs. */
static void test_eval_web(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_root_file("examples/web-stack.yaml", &len);
    eval_scenario("eval-web", "web-stack.yaml", buf, len, 1500, 29, 397);
    free(buf);
}

static void test_hook(void **state)
{
    (void)state;
    hook_ctx c = {.rs = load_real_rules()};
    c.body = read_root_file("tests/integration/hook/resource_create_fail.req.json", &c.len);
    scenario s = {.name = "hook", .run = run_hook, .settle = settle_lua, .rs = c.rs,
                  .sb = c.rs->sb, .ctx = &c};
    sweep(&s, 3000, 7, 53);
    free(c.ref);
    free(c.body);
    pp_ruleset_free(c.rs);
}

/* A STACK request whose payload (the YAML template) is inline in targetModel, as the local
 * tests send it: the hook loads the template text itself (pp_doc_load through cfn_eval.c). */
static void test_hook_stack(void **state)
{
    (void)state;
    hook_ctx c = {.rs = load_real_rules()};
    json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:{s:s}}}",
                            "clientRequestToken", "tok-stack", "awsAccountId", "123456789012",
                            "stackId",
                            "arn:aws:cloudformation:us-west-2:123456789012:stack/MyStack/1a2b",
                            "actionInvocationPoint", "CREATE_PRE_PROVISION", "requestData",
                            "targetName", "STACK", "targetType", "STACK", "targetLogicalId",
                            "MyStack", "targetModel", "template", YAML_TEMPLATE);
    assert_non_null(req);
    c.body = json_dumps(req, JSON_COMPACT);
    assert_non_null(c.body);
    c.len = strlen(c.body);
    json_decref(req);
    scenario s = {.name = "hook-stack", .run = run_hook, .settle = settle_lua, .rs = c.rs,
                  .sb = c.rs->sb, .ctx = &c};
    sweep(&s, 3000, 11, 97);
    free(c.ref);
    free(c.body);
    pp_ruleset_free(c.rs);
}

/* Loading rules: the EC2 controls with every lib module (dense), then the whole built-in
 * folder (strided: about 46,000 allocations; PARAPET_FAULTS_FULL=1 takes
 * every N). The config sets params, skips a rule with a
 * reason, changes a severity and turns a pack off, so those paths allocate too. */
static void test_rules_load(void **state)
{
    (void)state;
    char *all = pp_test_path("rules");
    char *ec2 = pp_test_path("rules/aws/ec2");
    const char *dirs_all[] = {all}, *dirs_ec2[] = {ec2};
    json_t *config = json_pack("{s:{s:{s:{s:[s]}}, s:{s:s, s:s}}, s:{s:b}}", "rules",
                               "ct-ec2-pr-1", "params", "allowed", "x", "ct-ec2-pr-2", "skip",
                               "not used here", "severity", "low", "packs", "network", 0);
    assert_non_null(config);
    rules_ctx ce = {.dirs = dirs_ec2, .ndirs = 1, .lib_dirs = dirs_all, .nlib_dirs = 1,
                    .config = config};
    scenario se = {.name = "rules-ec2", .run = run_rules, .ctx = &ce};
    sweep(&se, 1500, 13, 211);
    rules_ctx ca = {.dirs = dirs_all, .ndirs = 1};
    scenario sa = {.name = "rules-all", .run = run_rules, .ctx = &ca};
    sweep(&sa, 0, 499, 997);
    free(ce.ref);
    free(ca.ref);
    json_decref(config);
    free(all);
    free(ec2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_json),
        cmocka_unit_test(test_load_yaml),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_eval),
        cmocka_unit_test(test_eval_web),
        cmocka_unit_test(test_hook),
        cmocka_unit_test(test_hook_stack),
        cmocka_unit_test(test_rules_load),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    __libc_free(fi.slot);
    return rc;
}

#else /* PP_FAULTS_SANITIZED */

PP_FAULTS_SKIPPED_MAIN("test_faults")

#endif
