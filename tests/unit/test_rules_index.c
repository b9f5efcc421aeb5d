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

typedef struct fx {
    char dir[64];
    char cache_path[96];
    pp_rules_cache *cache;
} fx;

static void put(const fx *f, const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
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

static pp_ruleset *load(const fx *f, int with_cache)
{
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    const char *dirs[] = {f->dir};
    pp_rules_opts o = {.dirs = dirs, .ndirs = 1, .limits = &lim,
                       .cache = with_cache ? f->cache : NULL};
    pp_status st;
    char *err = NULL;
    pp_ruleset *rs = pp_ruleset_load(&o, &st, &err);
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

/* The report of rs on a one-bucket template, as JSON text (caller frees). */
static char *check_bucket(pp_ruleset *rs)
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
    assert_int_equal(pp_eval_template(rs, t, &eo, &rep, &err), PP_OK);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_need),
        cmocka_unit_test(test_stale_index),
        cmocka_unit_test(test_damaged_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
