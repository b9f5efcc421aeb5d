/* test_rules_index.c — rules loaded by need (engine/rules_cache.h, "The rule index"): with a
 * cache built from the folder, no rule file is compiled at load; an evaluation compiles the
 * rules of the types it meets and no others; metadata and verdicts are those of a load
 * without the cache; a changed rule file, lib/ module or catalogue falls back to compiling
 * (the index is not used for what it was not built from); a damaged index is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "engine/doc.h"
#include "engine/eval.h"
#include "engine/eval_int.h"
#include "engine/rules_cache.h"
#include "engine/template.h"
#include "engine/base/util.h"
#include "tests/unit/rmtree.h"
#include "tests/unit/unit_files.h"

typedef struct fx {
    char dir[64];
    char cache_path[96];
    pp_rules_cache *cache;
} fx;

static void put(const fx *f, const char *rel, const char *text)
{
    pp_test_put(f->dir, rel, text);
}

#define BUCKET_RULE                                                                        \
    "local lib = pp.lib('shared')\n"                                                       \
    "return { id = 'bucket-named', types = { 'AWS::S3::Bucket' },\n"                       \
    "  params = { prefix = 'acme-', limits = { 1, 2.5 } },\n"                              \
    "  check = function(r, ctx)\n"                                                         \
    "    local n = r.properties and r.properties.BucketName\n"                             \
    "    if n == nil then return ctx.fail(lib.word .. ': no BucketName') end\n"            \
    "  end }\n"
#define QUEUE_RULE                                                                         \
    "return { id = 'queue-sse', title = 'Queues are encrypted', severity = 'low',\n"       \
    "  types = { 'AWS::SQS::Queue' }, packs = { 'data' }, related = { 'CT.SQS.PR.1' },\n"  \
    "  guard = 'sqs_check', deletes = true,\n"                                             \
    "  check = function(r, ctx) return ctx.fail('never encrypted here') end }\n"

static void fx_new(fx *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/pp-ix-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->cache_path, sizeof f->cache_path, "%s.cache", f->dir);
    put(f, "lib/shared.lua", "return { word = 'named' }\n");
    put(f, "catalog/pack.tsv", "rule\tseverity\ttitle\tpacks\tframeworks\n"
                              "bucket-named\thigh\tBuckets are named\tdata\tFW:1; FW:2\n");
    put(f, "aws/bucket.lua", BUCKET_RULE);
    put(f, "aws/queue.lua", QUEUE_RULE);
}

static void fx_build(fx *f)
{
    char *err = NULL;
    size_t n = 0;
    pp_status st = pp_rules_cache_build(f->dir, f->cache_path, &n, &err);
    if (st != PP_OK)
        print_error("build: %s\n", err ? err : "?");
    assert_int_equal(st, PP_OK);
    assert_int_equal(n, 3);   /* two rules and one module */
    pp_rules_cache_free(f->cache);
    f->cache = pp_rules_cache_open(f->cache_path, &st, &err);
    assert_non_null(f->cache);
    assert_int_equal(pp_rules_cache_index_count(f->cache), 2);
}

static void fx_free(fx *f)
{
    pp_rules_cache_free(f->cache);
    assert_int_equal(pp_test_rmtree(f->dir), 0);
    assert_int_equal(pp_test_rmtree(f->cache_path), 0);
}

/* The folder's rule set under limits `lim` (NULL: the defaults); NULL with *st and *err
 * (caller frees) when it does not load. */
static pp_ruleset *load_with(const fx *f, int with_cache, const pp_limits *lim, pp_status *st,
                             char **err)
{
    static const pp_limits deflim = PP_LIMITS_DEFAULT;
    const char *dirs[] = {f->dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = lim ? lim : &deflim,
                       .cache = with_cache ? f->cache : NULL};
    return pp_ruleset_load(&o, st, err);
}

static pp_ruleset *load(const fx *f, int with_cache)
{
    pp_status st;
    char *err = NULL;
    pp_ruleset *rs = load_with(f, with_cache, NULL, &st, &err);
    if (!rs)
        print_error("load: %s\n", err ? err : "?");
    assert_non_null(rs);
    return rs;
}

static int compiled(const pp_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->nrules; i++)
        if (strcmp(rs->rules[i].info.id, id) == 0)
            return rs->rules[i].check_ref != LUA_NOREF;
    fail_msg("no rule %s", id);
    return -1;
}

/* The report of rs on a one-bucket template, as JSON text (caller frees); NULL with *est and
 * *eerr (caller frees) when the evaluation fails, if est is not NULL. */
static char *check_bucket_st(pp_ruleset *rs, pp_status *est, char **eerr)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    static const char yaml[] = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
    pp_status st;
    char *err = NULL;
    pp_doc *doc = pp_doc_load("t.yaml", yaml, sizeof yaml - 1, PP_FMT_YAML, &lim, &st, &err);
    assert_non_null(doc);
    pp_resolve_opts ro = {.limits = &lim};
    pp_template *t = pp_template_build(doc, &ro, &st, &err);
    assert_non_null(t);
    pp_report rep;
    pp_report_init(&rep);
    pp_eval_opts eo = {.show_passed = 1};
    st = pp_eval_template(rs, t, &eo, &rep, &err);
    if (est && st != PP_OK) {
        *est = st;
        *eerr = err;
        pp_report_free(&rep);
        pp_template_free(t);
        pp_doc_free(doc);
        return NULL;
    }
    assert_int_equal(st, PP_OK);
    json_t *out = json_array();
    for (size_t i = 0; i < rep.nf; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:i}", "rule", rep.f[i].rule_id,
                                             "message", rep.f[i].message,
                                             "status", (int)rep.f[i].status));
    char *s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    pp_report_free(&rep);
    pp_template_free(t);
    pp_doc_free(doc);
    return s;
}

static char *check_bucket(pp_ruleset *rs)
{
    return check_bucket_st(rs, NULL, NULL);
}

/* Every metadata field of every rule, as JSON text (caller frees). */
static char *dump_info(pp_ruleset *rs)
{
    json_t *out = json_array();
    for (size_t i = 0; i < rs->nrules; i++) {
        pp_rule *r = &rs->rules[i];
        assert_int_equal(pp_rule_params(r), PP_OK);   /* an index's are parsed when needed */
        json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:i, s:s?, s:b, s:O}", "id", r->info.id,
                              "title", r->info.title, "fix", r->info.fix, "docs", r->info.docs,
                              "severity", (int)r->info.severity, "guard", r->guard, "deletes",
                              r->deletes, "params", r->params);
        char **lists[] = {r->info.types, r->info.packs, r->info.controls, r->info.related,
                          r->info.frameworks};
        for (size_t k = 0; k < 5; k++) {
            json_t *l = lists[k] ? json_array() : json_null();
            for (char **p = lists[k]; p && *p; p++)
                json_array_append_new(l, json_string(*p));
            json_object_set_new(o, (const char *[]){"types", "packs", "controls", "related",
                                                    "frameworks"}[k], l);
        }
        json_array_append_new(out, o);
    }
    char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(out);
    return s;
}

static void test_by_need(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    fx_build(&f);
    pp_ruleset *plain = load(&f, 0), *rs = load(&f, 1);
    assert_true(compiled(plain, "bucket-named") && compiled(plain, "queue-sse"));
    /* from the index: nothing compiled, the same metadata (catalogue rows merged) */
    assert_false(compiled(rs, "bucket-named"));
    assert_false(compiled(rs, "queue-sse"));
    char *a = dump_info(plain), *b = dump_info(rs);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "\"frameworks\":[\"FW:1\",\"FW:2\"]"));
    assert_non_null(strstr(b, "\"params\":{\"limits\":[1,2.5],\"prefix\":\"acme-\"}"));
    free(a);
    free(b);
    /* a bucket: its rule is compiled, the queue's is not; the same verdicts */
    a = check_bucket(plain);
    b = check_bucket(rs);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "named: no BucketName"));
    assert_true(compiled(rs, "bucket-named"));
    assert_false(compiled(rs, "queue-sse"));
    free(a);
    free(b);
    pp_ruleset_free(plain);
    pp_ruleset_free(rs);
    fx_free(&f);
}

static void test_stale_index(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    fx_build(&f);
    /* a changed rule file: that one is compiled at load, the other still comes from the index */
    put(&f, "aws/queue.lua", "-- edited\n" QUEUE_RULE);
    pp_ruleset *rs = load(&f, 1);
    assert_true(compiled(rs, "queue-sse"));
    assert_false(compiled(rs, "bucket-named"));
    pp_ruleset_free(rs);
    /* a changed module or catalogue: the index is not used at all */
    put(&f, "lib/shared.lua", "return { word = 'renamed' }\n");
    rs = load(&f, 1);
    assert_true(compiled(rs, "bucket-named"));
    char *s = check_bucket(rs);
    assert_non_null(strstr(s, "renamed: no BucketName"));
    free(s);
    pp_ruleset_free(rs);
    put(&f, "lib/shared.lua", "return { word = 'named' }\n");
    rs = load(&f, 1);
    assert_false(compiled(rs, "bucket-named"));   /* the text it was built from again */
    pp_ruleset_free(rs);
    put(&f, "catalog/pack.tsv", "rule\tseverity\ttitle\nbucket-named\tlow\tBuckets, named\n");
    rs = load(&f, 1);
    assert_true(compiled(rs, "bucket-named"));
    assert_string_equal(rs->rules[0].info.title, "Buckets, named");
    pp_ruleset_free(rs);
    fx_free(&f);
}

/* The index section: a damaged record or count is refused with the file and byte offset. */
static void test_damaged_index(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    fx_build(&f);
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(pp_read_file(f.cache_path, 1u << 24, &buf, &len, &err), PP_OK);
    pp_status st;
    /* cut inside the index: the last record is truncated (after it comes the stamps' count,
     * 4 bytes: the fixture's files are too new to be stamped) */
    pp_rules_cache *c = pp_rules_cache_load_buf("x.cache", buf, len - 4 - 3, &st, &err);
    assert_null(c);
    assert_int_equal(st, PP_E_PARSE);
    assert_non_null(strstr(err, "x.cache: byte "));
    assert_non_null(strstr(err, ": expected index record 2 of 2"));
    free(err);
    err = NULL;
    /* a severity out of range in the first record (bucket-named: after its title come the
     * absent fix, docs and guard, three u32 each, then the severity byte) */
    const char *title = memmem(buf, len, "Buckets are named", 17);
    assert_non_null(title);
    const char *sev = title + 17 + 1 + 3 * 4;
    assert_int_equal(*sev, PP_SEV_HIGH);
    char *bad = malloc(len);
    memcpy(bad, buf, len);
    bad[sev - buf] = 9;
    c = pp_rules_cache_load_buf("y.cache", bad, len, &st, &err);
    assert_null(c);
    if (!strstr(err, ": expected index record 1 of 2"))
        print_error("%s\n", err);
    assert_non_null(strstr(err, ": expected index record 1 of 2"));
    free(err);
    free(bad);
    free(buf);
    fx_free(&f);
}

/* Whether lib/ module `name` has been run in rs (it is in pp.lib's table). */
static int module_ran(pp_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->nlibs; i++)
        if (strcmp(rs->libs[i].name, name) == 0)
            return rs->libs[i].state == 2;
    if (rs->nlibs)
        fail_msg("no module %s", name);
    return 1;   /* no deferred modules: every one ran at load */
}

static void rewrite(const fx *f, const char *rel, const char *text)
{
    put(f, rel, text);
}

/* Modules loaded by need: with the index, no module runs at load; the first rule that asks
 * for one runs it; without the cache every module runs at load, as before. */
static void test_lazy_modules(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    fx_build(&f);
    pp_ruleset *plain = load(&f, 0), *rs = load(&f, 1);
    assert_int_equal(plain->nlibs, 0);   /* run at load */
    assert_int_equal(rs->nlibs, 1);
    assert_false(module_ran(rs, "shared"));
    assert_int_equal(rs->modules.n, 1);   /* still listed (rules test's lint reads them) */
    char *a = check_bucket(plain), *b = check_bucket(rs);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "named: no BucketName"));   /* the module's word */
    assert_true(module_ran(rs, "shared"));
    free(a);
    free(b);
    pp_ruleset_free(plain);
    pp_ruleset_free(rs);
    fx_free(&f);
}

/* A module that fails to load fails the same way whether it runs at load (no cache) or at
 * its first pp.lib (from the index): the same status and message, from the evaluation that
 * needed it, which stops there as the load did. Here the limits of the load are smaller than those the cache was built with,
 * so the module's top-level loop passes its instruction budget. */
static void test_lazy_module_error(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    rewrite(&f, "lib/shared.lua", "local n = 0\nfor i = 1, 400000 do n = n + i end\n"
                                  "return { word = 'named' }\n");
    fx_build(&f);
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.rule_instructions = 200000;   /* below the watchdog's minimum: exact */
    pp_status st1 = PP_OK, st2 = PP_OK;
    char *e1 = NULL, *e2 = NULL;
    pp_ruleset *eager = load_with(&f, 0, &lim, &st1, &e1);
    assert_null(eager);
    assert_int_equal(st1, PP_E_RULE);
    assert_non_null(strstr(e1, "lib/shared.lua:2: rule exceeded its instruction budget"));
    pp_ruleset *lazy = load_with(&f, 1, &lim, &st2, &e2);
    assert_non_null(lazy);   /* the module has not run yet */
    char *out = check_bucket_st(lazy, &st2, &e2);
    assert_null(out);
    assert_int_equal(st2, st1);
    /* the same message; the chunk is named as the cache was built ("pp-ix-…/lib/…", the
     * folder's last component), as every chunk from a cache is */
    assert_string_equal(strstr(e2, "/lib/shared.lua"), strstr(e1, "/lib/shared.lua"));
    assert_non_null(strstr(e2, strrchr(f.dir, '/') + 1));
    free(e1);
    free(e2);
    pp_ruleset_free(lazy);
    fx_free(&f);
}

/* A module run at a rule's pp.lib has budgets of its own, as at load time: neither the rule
 * nor the module alone passes the instruction budget, both together would. The rule also
 * asks for the module from its check function, at evaluation time. */
static void test_lazy_module_budget(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    rewrite(&f, "lib/shared.lua", "local n = 0\nfor i = 1, 100000 do n = n + i end\n"
                                  "return { word = 'named' }\n");
    rewrite(&f, "aws/bucket.lua",
            "local n = 0\nfor i = 1, 100000 do n = n + i end\n"
            "return { id = 'bucket-named', types = { 'AWS::S3::Bucket' },\n"
            "  check = function(r, ctx)\n"
            "    local w = pp.lib('shared').word\n"
            "    local m = 0\n    for i = 1, 100000 do m = m + i end\n"
            "    return ctx.fail(w .. ': no BucketName') end }\n");
    fx_build(&f);
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.rule_instructions = 300000;   /* a loop of 100,000 is about 200,000 */
    pp_status st = PP_OK;
    char *err = NULL;
    pp_ruleset *eager = load_with(&f, 0, &lim, &st, &err);
    assert_non_null(eager);
    pp_ruleset *lazy = load_with(&f, 1, &lim, &st, &err);
    assert_non_null(lazy);
    char *a = check_bucket(eager), *b = check_bucket(lazy);
    assert_string_equal(a, b);
    assert_non_null(strstr(b, "named: no BucketName"));
    assert_true(module_ran(lazy, "shared"));
    free(a);
    free(b);
    /* the module's and the check's loops in one run pass the budget: the limit is real */
    rewrite(&f, "aws/bucket.lua",
            "return { id = 'bucket-named', types = { 'AWS::S3::Bucket' },\n"
            "  check = function(r, ctx)\n"
            "    local m = 0\n    for i = 1, 200000 do m = m + i end\n"
            "    return ctx.fail('no BucketName') end }\n");
    pp_ruleset *one = load_with(&f, 0, &lim, &st, &err);
    assert_non_null(one);
    a = check_bucket(one);
    assert_non_null(strstr(a, "instruction budget"));
    free(a);
    pp_ruleset_free(one);
    /* a runaway check after its module loaded is still stopped: with budgets large enough
     * for the watchdog (watchdog.h), the outer run is watched again after the nested load */
    rewrite(&f, "aws/bucket.lua",
            "return { id = 'bucket-named', types = { 'AWS::S3::Bucket' },\n"
            "  check = function(r, ctx)\n"
            "    local w = pp.lib('shared').word\n"
            "    while true do end end }\n");
    fx_build(&f);
    pp_limits wl = PP_LIMITS_DEFAULT;
    wl.rule_deadline_ms = 100;
    pp_ruleset *run = load_with(&f, 1, &wl, &st, &err);
    assert_non_null(run);
    assert_int_equal(run->nlibs, 1);
    a = check_bucket(run);
    assert_non_null(strstr(a, "rule exceeded its"));
    assert_true(module_ran(run, "shared"));
    free(a);
    pp_ruleset_free(run);
    pp_ruleset_free(eager);
    pp_ruleset_free(lazy);
    fx_free(&f);
}

/* Stamps: a file older than the build is checked by stat alone; any change to it (the same
 * size and text length included) makes its stamp differ, so the text decides again and an
 * edited module or rule is what runs. Files as new as the build get no stamp. */
static void test_stamps(void **state)
{
    (void)state;
    fx f;
    fx_new(&f);
    fx_build(&f);   /* files just written: too new to be stamped */
    struct stat sb;
    size_t len = 0;
    uint64_t hash = 0;
    char path[160];
    snprintf(path, sizeof path, "%s/aws/bucket.lua", f.dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(pp_rules_cache_stamp(f.cache, "aws/bucket.lua", &sb, &len, &hash), 0);
    struct timespec wait = {2, 300000000};   /* past the 2-second racy window */
    nanosleep(&wait, NULL);
    fx_build(&f);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(pp_rules_cache_stamp(f.cache, "aws/bucket.lua", &sb, &len, &hash), 1);
    assert_int_equal(len, strlen(BUCKET_RULE));
    assert_true(hash == pp_rules_cache_hash(BUCKET_RULE, strlen(BUCKET_RULE)));
    snprintf(path, sizeof path, "%s/catalog/pack.tsv", f.dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(pp_rules_cache_stamp(f.cache, "catalog/pack.tsv", &sb, &len, &hash), 1);
    /* another file's stat never matches a stamp */
    assert_int_equal(pp_rules_cache_stamp(f.cache, "aws/queue.lua", &sb, &len, &hash), 0);
    pp_ruleset *rs = load(&f, 1);
    assert_false(compiled(rs, "bucket-named"));   /* from the index, by the stamps */
    assert_false(module_ran(rs, "shared"));
    pp_ruleset_free(rs);
    /* the module edited after the build, to a text of the same length */
    rewrite(&f, "lib/shared.lua", "return { word = 'NAMED' }\n");
    snprintf(path, sizeof path, "%s/lib/shared.lua", f.dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(pp_rules_cache_stamp(f.cache, "lib/shared.lua", &sb, &len, &hash), 0);
    rs = load(&f, 1);
    assert_int_equal(rs->nlibs, 0);   /* not what the index was built from: run at load */
    assert_true(compiled(rs, "queue-sse"));   /* and every file compiled, as without a cache */
    char *out = check_bucket(rs);
    assert_non_null(strstr(out, "NAMED: no BucketName"));
    free(out);
    pp_ruleset_free(rs);
    /* a rule edited to a text of the same length */
    rewrite(&f, "lib/shared.lua", "return { word = 'named' }\n");
    char edited[] = BUCKET_RULE;
    char *at = strstr(edited, "no BucketName");
    assert_non_null(at);
    memcpy(at, "NO", 2);
    rewrite(&f, "aws/bucket.lua", edited);
    rs = load(&f, 1);
    assert_true(compiled(rs, "bucket-named"));   /* its text, not the index */
    out = check_bucket(rs);
    assert_non_null(strstr(out, "named: NO BucketName"));
    free(out);
    pp_ruleset_free(rs);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_need),
        cmocka_unit_test(test_lazy_modules),
        cmocka_unit_test(test_lazy_module_error),
        cmocka_unit_test(test_lazy_module_budget),
        cmocka_unit_test(test_stamps),
        cmocka_unit_test(test_stale_index),
        cmocka_unit_test(test_damaged_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
