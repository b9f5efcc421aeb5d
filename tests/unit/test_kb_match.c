/* test_kb_match.c — the knowledge base: loading, lint, PCRE2 matching, filters, placeholders,
 * the SQLite build and FTS5 fallback (advisor/kb.h, advisor/kb_match.h). Uses kb/ from
 * $PARAPET_TEST_ROOT (set by `make unit`). */
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

#include "advisor/kb.h"
#include "advisor/kb_match.h"
#include "engine/base/util.h"
#include "tests/unit/unit_files.h"

static pp_kb *g_kb;
static char g_tmp[256];

static int setup(void **state)
{
    (void)state;
    char *dir = pp_test_path("kb");
    char *err = NULL;
    pp_status st = pp_kb_load_dir(dir, &g_kb, &err);
    if (st != PP_OK)
        fprintf(stderr, "%s\n", err ? err : "load failed");
    free(err);
    free(dir);
    snprintf(g_tmp, sizeof g_tmp, "/tmp/pp-kbtest.%ld", (long)getpid());
    mkdir(g_tmp, 0700);
    return st == PP_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pp_kb_free(g_kb);
    char *p = pp_asprintf("%s/kb.db", g_tmp);
    unlink(p);
    free(p);
    for (int i = 0; i < 8; i++) {
        p = pp_asprintf("%s/bad/e%d.yaml", g_tmp, i);
        unlink(p);
        free(p);
    }
    p = pp_asprintf("%s/bad", g_tmp);
    rmdir(p);
    free(p);
    rmdir(g_tmp);
    return 0;
}

static const char *match_id(const char *text, const char *rt)
{
    pp_kb_hit hit;
    if (pp_kb_match(g_kb, text, rt, NULL, &hit) != PP_OK)
        return NULL;
    const char *id = g_kb->e[hit.entry].id;
    pp_kb_hit_free(&hit);
    return id;
}

static void test_breadth_and_lint(void **state)
{
    (void)state;
    assert_true(g_kb->n >= 120);
    assert_true(pp_kb_kinds(g_kb) >= 50);
    pp_buf r;
    pp_buf_init(&r, 0);
    size_t n = pp_kb_lint(g_kb, &r);
    if (n)
        fail_msg("kb lint: %s", r.data);
    pp_buf_free(&r);
}

/* Messages written for this test, not copied from any entry's examples. */
static void test_generalises(void **state)
{
    (void)state;
    static const struct { const char *msg, *rt, *kind; } cases[] = {
        {"Resource handler returned message: \"Resource of type 'AWS::DynamoDB::Table' with "
         "identifier 'sessions' already exists.\" (RequestToken: x, HandlerErrorCode: AlreadyExists)",
         NULL, "resource-already-exists"},
        {"No export named staging-VpcId found", NULL, "export-not-found"},
        {"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
         "resolve ref 999988887777.dkr.ecr.ap-south-1.amazonaws.com/svc/api:2024.1: "
         "999988887777.dkr.ecr.ap-south-1.amazonaws.com/svc/api:2024.1: not found",
         "AWS::ECS::Task", "image-not-found"},
        {"ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
         "retrieval failed: unable to retrieve secret from asm: service call has been retried 3 "
         "time(s): failed to fetch secret arn:aws:secretsmanager:eu-west-1:1:secret:x from secrets "
         "manager: AccessDeniedException: User: arn:aws:sts::1:assumed-role/r/t is not authorized "
         "to perform: secretsmanager:GetSecretValue",
         NULL, "secrets-access-denied"},
        {"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:PassRole on "
         "resource: arn:aws:iam::123456789012:role/lambda-exec",
         NULL, "iam-passrole-denied"},
        {"(service shop) (port 443) is unhealthy in (target-group arn:aws:elasticloadbalancing:"
         "eu-west-1:1:targetgroup/shop/abc) due to (reason Health checks failed).",
         NULL, "health-check-failed"},
        {"Resource handler returned message: \"Invalid request provided: Create TaskDefinition: No "
         "Fargate configuration exists for given values: 1024 CPU, 512 memory.\"",
         NULL, "invalid-fargate-cpu-memory"},
        {"Export infra:SubnetA cannot be deleted as it is in use by app-prod", NULL,
         "export-in-use"},
        {"Template format error: Unresolved resource dependencies [LogGroup, Role] in the Outputs "
         "block of the template", NULL, "template-unresolved-reference"},
        {"exec /app/server: exec format error", NULL, "platform-mismatch"},
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(cases); i++) {
        pp_kb_hit hit;
        if (pp_kb_match(g_kb, cases[i].msg, cases[i].rt, NULL, &hit) != PP_OK)
            fail_msg("no match for case %zu (%s)", i, cases[i].kind);
        const pp_kb_entry *e = &g_kb->e[hit.entry];
        if (strcmp(e->kind, cases[i].kind) != 0)
            fail_msg("case %zu: %s (%s), expected kind %s", i, e->id, e->kind, cases[i].kind);
        pp_kb_hit_free(&hit);
    }
}

static void test_type_filter(void **state)
{
    (void)state;
    const char *m = "Resource of type 'AWS::ECS::Service' with identifier 'worker' already exists.";
    assert_string_equal(match_id(m, "AWS::ECS::Service"), "custom-name-replacement-conflict");
    assert_string_equal(match_id(m, "AWS::ECR::Repository"), "resource-already-exists");
    /* entries limited to Lambda never match an S3 bucket event */
    assert_null(match_id("The runtime parameter of nodejs12.x is no longer supported for creating "
                         "or updating AWS Lambda functions",
                         "AWS::S3::Bucket"));
    /* but a nested stack or a custom resource quotes another resource's failure: for those
     * types the entry applies as to an event whose type is not known */
    const char *rt[] = { "AWS::CloudFormation::Stack", "Custom::VpcRestrictDefaultSG",
                         "AWS::CloudFormation::CustomResource", "AWS::Serverless::Application" };
    for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++)
        assert_string_equal(match_id("The runtime parameter of nodejs12.x is no longer supported "
                                     "for creating or updating AWS Lambda functions", rt[i]),
                            "deprecated-runtime");
    assert_null(match_id("The runtime parameter of nodejs12.x is no longer supported for creating "
                         "or updating AWS Lambda functions", "AWS::CloudFormation::WaitCondition"));
}

static void test_captures_and_fill(void **state)
{
    (void)state;
    pp_kb_hit hit;
    assert_int_equal(pp_kb_match(g_kb, "No export named prod:Vpc found", NULL, NULL, &hit), PP_OK);
    assert_string_equal(pp_kb_hit_capture(&hit, "export"), "prod:Vpc");
    pp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.stack = "web";
    ev.exit_code = 137;
    char *s;
    assert_int_equal(pp_kb_fill("{export} in {stack} ({exit_code}); {nope} {not a name} {}", &hit, &ev, &s), PP_OK);
    assert_string_equal(s, "prod:Vpc in web (137); <nope> {not a name} {}");
    free(s);
    assert_int_equal(pp_kb_fill("{stack}", &hit, NULL, &s), PP_OK);
    assert_string_equal(s, "<stack>");
    free(s);
    pp_kb_hit_free(&hit);
}

static void test_hostile_subjects(void **state)
{
    (void)state;
    size_t n = 10u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'a', n);
    memcpy(big, "OutOfMemoryError: Container killed due to memory usage ", 55);
    big[n] = '\0';
    uint64_t t0 = pp_now_ms();
    pp_kb_hit hit;
    assert_int_equal(pp_kb_match(g_kb, big, NULL, NULL, &hit), PP_OK);
    assert_string_equal(g_kb->e[hit.entry].kind, "oom-killed");
    pp_kb_hit_free(&hit);
    /* a long run of backtracking bait stays bounded */
    memset(big, '(', n);
    assert_int_equal(pp_kb_match(g_kb, big, NULL, NULL, &hit), PP_E_NOTFOUND);
    assert_true(pp_now_ms() - t0 < 5000);
    free(big);
    /* invalid UTF-8 is refused, not matched */
    assert_int_equal(pp_kb_match(g_kb, "Internal Failure \xff", NULL, NULL, &hit), PP_E_NOTFOUND);
    assert_int_equal(pp_kb_match(g_kb, "", NULL, NULL, &hit), PP_E_NOTFOUND);
}

static void test_build_open_fts(void **state)
{
    (void)state;
    char *path = pp_asprintf("%s/kb.db", g_tmp);
    char *err = NULL;
    assert_int_equal(pp_kb_build(g_kb, path, &err), PP_OK);
    pp_kb *db = NULL;
    assert_int_equal(pp_kb_open(path, &db, &err), PP_OK);
    assert_int_equal(db->n, g_kb->n);
    pp_kb_hit hit;
    /* paraphrased: no pattern matches, the text search finds the entry */
    const char *para = "our ECS task keeps dying, container memory usage killed it, out of memory";
    assert_int_equal(pp_kb_match(db, para, NULL, NULL, &hit), PP_E_NOTFOUND);
    assert_int_equal(pp_kb_match_fts(db, para, NULL, &hit), PP_OK);
    assert_int_equal(hit.source, PP_KB_SRC_FTS);
    assert_string_equal(db->e[hit.entry].kind, "oom-killed");
    pp_kb_hit_free(&hit);
    assert_int_equal(pp_kb_match_fts(db, "zorblax quux frobnication wibble", NULL, &hit),
                     PP_E_NOTFOUND);
    size_t out[5];
    assert_true(pp_kb_search(db, "bucket not empty delete", out, 5) > 0);
    pp_kb_free(db);
    assert_int_equal(pp_kb_open("/nonexistent/kb.db", &db, &err), PP_E_NOTFOUND);
    PP_FREE(err);
    /* a file that is not a KB */
    FILE *f = fopen(path, "w");
    fputs("not sqlite", f);
    fclose(f);
    assert_int_equal(pp_kb_open(path, &db, &err), PP_E_DB);
    PP_FREE(err);
    free(path);
}

static void write_file(const char *dir, int i, const char *text)
{
    char *p = pp_asprintf("%s/e%d.yaml", dir, i);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static void test_bad_entries(void **state)
{
    (void)state;
    char *dir = pp_asprintf("%s/bad", g_tmp);
    mkdir(dir, 0700);
    static const char ok_tail[] = "title: t\nservice: s\nexplanation: e\nfix: [f]\n";
    char *e0 = pp_asprintf("id: Bad_Id\n%spattern: 'x'\nexamples: [x]\n", ok_tail);
    char *e1 = pp_asprintf("id: e1\n%spattern: '(unclosed'\nexamples: [x]\n", ok_tail);
    char *e2 = pp_asprintf("id: e2\n%spattern: 'x'\nexamples: [x]\ncolour: red\n", ok_tail);
    write_file(dir, 0, e0);
    write_file(dir, 1, e1);
    write_file(dir, 2, e2);
    write_file(dir, 3, "id: e3\ntitle: [unclosed\n");
    free(e0);
    free(e1);
    free(e2);
    pp_kb *kb = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_dir(dir, &kb, &err), PP_E_PARSE);
    assert_non_null(err);
    assert_non_null(strstr(err, "e0.yaml:1: expected an id"));
    assert_non_null(strstr(err, "e1.yaml:6: expected a PCRE2 pattern"));
    assert_non_null(strstr(err, "e2.yaml:8: expected one of the entry keys"));
    assert_non_null(strstr(err, "e3.yaml:"));
    free(err);
    free(dir);
}

/* One entry from a buffer: the same validation as a folder, named as given. */
static void test_load_buf(void **state)
{
    (void)state;
    static const char good[] = "id: one\ntitle: t\nservice: s\nexplanation: e\nfix: [f]\n"
                               "pattern: 'needs (?<what>\\w+)'\nexamples: [needs coffee]\n";
    pp_kb *kb = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_buf("one.yaml", good, sizeof good - 1, &kb, &err), PP_OK);
    assert_null(err);
    assert_int_equal(kb->n, 1);
    assert_string_equal(kb->e[0].id, "one");
    assert_int_equal(kb->e[0].line, 6);
    pp_kb_free(kb);
    kb = NULL;
    static const char bad[] = "id: two\ntitle: t\n";
    assert_int_equal(pp_kb_load_buf("two.yaml", bad, sizeof bad - 1, &kb, &err), PP_E_PARSE);
    assert_null(kb);
    assert_non_null(strstr(err, "two.yaml:1: expected a non-empty string for \"service\""));
    free(err);
}

static pp_kb *load_fixture(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/kb-lint/%s", name);
    char *dir = pp_test_path(rel);
    pp_kb *kb = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_dir(dir, &kb, &err), PP_OK);
    free(dir);
    return kb;
}

/* A prevented_by id that is no rule fails lint, naming the file and the id; a real one passes. */
static void test_lint_dangling_prevented_by(void **state)
{
    (void)state;
    pp_kb *kb = load_fixture("dangling");
    const char *ids[] = {"other-rule", "real-rule"};
    pp_buf r;
    pp_buf_init(&r, 0);
    assert_int_equal(pp_kb_lint(kb, &r), 0);
    assert_int_equal(pp_kb_lint_links(kb, ids, 2, &r), 1);
    assert_non_null(strstr(r.data, "linked.yaml:4: prevented_by[1]: expected the id of a rule"));
    assert_non_null(strstr(r.data, "\"no-such-rule\""));
    assert_null(strstr(r.data, "\"real-rule\""));
    pp_buf_free(&r);
    /* no rules at all: both links dangle */
    pp_buf_init(&r, 0);
    assert_int_equal(pp_kb_lint_links(kb, NULL, 0, &r), 2);
    pp_buf_free(&r);
    pp_kb_free(kb);
}

/* A `broad: true` entry with a higher priority still loses to the specific entry that
 * matches, so the specific entry's example lints clean (lint's "won by the broad entry" check
 * is the safety net for a ranking change). */
static void test_lint_broad_beats_specific(void **state)
{
    (void)state;
    pp_kb *kb = load_fixture("broad");
    size_t b = pp_kb_find(kb, "access-denied-any"), k = pp_kb_find(kb, "kms-access-denied");
    assert_true(kb->e[b].broad);
    assert_false(kb->e[k].broad);
    pp_kb_hit hit;
    assert_int_equal(pp_kb_match(kb, "AccessDeniedException: User is not authorized to perform "
                                     "kms:Decrypt", NULL, NULL, &hit), PP_OK);
    assert_int_equal(hit.entry, k);
    pp_kb_hit_free(&hit);
    pp_buf r;
    pp_buf_init(&r, 0);
    assert_int_equal(pp_kb_lint(kb, &r), 0);
    pp_buf_free(&r);
    /* the flag survives kb build / open */
    char path[300];
    snprintf(path, sizeof path, "%s/broad.db", g_tmp);
    char *err = NULL;
    assert_int_equal(pp_kb_build(kb, path, &err), PP_OK);
    pp_kb *db = NULL;
    assert_int_equal(pp_kb_open(path, &db, &err), PP_OK);
    assert_true(db->e[pp_kb_find(db, "access-denied-any")].broad);
    pp_kb_free(db);
    unlink(path);
    pp_kb_free(kb);
}

/* Roles come back from the database, and lint catches an example with the wrong role. */
static void test_lint_role(void **state)
{
    (void)state;
    static const char src[] =
        "id: w\ntitle: t\nservice: s\nrole: weak\npattern: 'Thing cancelled'\n"
        "explanation: e\nfix: [f]\nexamples: ['Thing cancelled']\n";
    pp_kb *kb = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_buf("w.yaml", src, sizeof src - 1, &kb, &err), PP_OK);
    assert_int_equal(pp_kb_role_of(kb, "Thing cancelled"), PP_KB_ROLE_WEAK);
    assert_int_equal(pp_kb_role_of(kb, "Other thing"), PP_KB_ROLE_CAUSE);
    pp_buf r;
    pp_buf_init(&r, 0);
    assert_int_equal(pp_kb_lint(kb, &r), 0);
    pp_buf_free(&r);
    pp_kb_free(kb);
    /* a weak pattern that swallows a cause entry's example fails lint */
    kb = load_fixture("role");
    pp_buf_init(&r, 0);
    assert_int_equal(pp_kb_lint(kb, &r), 1);
    assert_non_null(strstr(r.data, "export-cancelled.yaml:4: examples[0]: classified as weak, "
                                   "expected cause"));
    pp_buf_free(&r);
    pp_kb_free(kb);
    size_t i = pp_kb_find(g_kb, "cascade-cancelled");
    assert_int_equal(g_kb->e[i].role, PP_KB_ROLE_WRAPPER);
    char path[300];
    snprintf(path, sizeof path, "%s/roles.db", g_tmp);
    assert_int_equal(pp_kb_build(g_kb, path, &err), PP_OK);
    pp_kb *db = NULL;
    assert_int_equal(pp_kb_open(path, &db, &err), PP_OK);
    assert_int_equal(db->e[pp_kb_find(db, "cascade-cancelled")].role, PP_KB_ROLE_WRAPPER);
    assert_int_equal(pp_kb_role_of(db, "Resource update cancelled"), PP_KB_ROLE_WRAPPER);
    pp_kb_free(db);
    unlink(path);
}

/* Commands: a value captured from a message is one shell word however it is written, and is
 * never pasted inside quotes the template opened unless it is plain. */
static void test_fill_command_quoting(void **state)
{
    (void)state;
    pp_kb_capture caps[] = { { (char *)"name", (char *)"repo$(touch /tmp/x); echo" },
                             { (char *)"plain", (char *)"my-repo_1.2" },
                             { (char *)"quote", (char *)"it's" } };
    pp_kb_hit h = { .caps = caps, .ncaps = 3 };
    char *s;
    assert_int_equal(pp_kb_fill_command("aws x --id {name}", &h, NULL, &s), PP_OK);
    assert_string_equal(s, "aws x --id 'repo$(touch /tmp/x); echo'");
    free(s);
    assert_int_equal(pp_kb_fill_command("aws x --id {plain} --q {quote}", &h, NULL, &s), PP_OK);
    assert_string_equal(s, "aws x --id my-repo_1.2 --q 'it'\\''s'");
    free(s);
    /* inside the template's own quotes: plain values only, else the placeholder stays */
    assert_int_equal(pp_kb_fill_command("aws x --query \"Items[?Name=='{plain}']\" --y \"{name}\"", &h, NULL, &s), PP_OK);
    assert_string_equal(s, "aws x --query \"Items[?Name=='my-repo_1.2']\" --y \"<name>\"");
    free(s);
    assert_int_equal(pp_kb_fill_command("echo '{quote}' {quote}", &h, NULL, &s), PP_OK);
    assert_string_equal(s, "echo '<quote>' 'it'\\''s'");
    free(s);
    /* text (fix steps) is not shell: the value as it is */
    assert_int_equal(pp_kb_fill("Delete {name}.", &h, NULL, &s), PP_OK);
    assert_string_equal(s, "Delete repo$(touch /tmp/x); echo.");
    free(s);
}

/* A broad entry never outranks a specific one that also matches, whatever the scores; it
 * still answers when it is the only match; the key survives the SQLite build; bad values are
 * refused. */
static void test_broad_ranking(void **state)
{
    (void)state;
    char *dir = pp_asprintf("%s/broad", g_tmp);
    mkdir(dir, 0700);
    static const char tail[] = "title: t\nservice: s\nexplanation: e\nfix: [f]\n";
    char *e0 = pp_asprintf("id: catch-all\n%sbroad: true\npriority: 50\n"
                           "pattern: 'quota (?:has been )?exceeded for'\n"
                           "examples: ['quota exceeded for widgets']\n", tail);
    char *e1 = pp_asprintf("id: specific\n%spriority: -50\npattern: 'gadgets'\n"
                           "examples: ['quota has been exceeded for gadgets']\n", tail);
    write_file(dir, 0, e0);
    write_file(dir, 1, e1);
    free(e0);
    free(e1);
    pp_kb *kb = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_dir(dir, &kb, &err), PP_OK);
    assert_true(kb->e[0].broad);
    assert_false(kb->e[1].broad);
    char *db = pp_asprintf("%s/broad.db", g_tmp);
    assert_int_equal(pp_kb_build(kb, db, &err), PP_OK);
    pp_kb *back = NULL;
    assert_int_equal(pp_kb_open(db, &back, &err), PP_OK);
    pp_kb *kbs[] = {kb, back};
    for (size_t k = 0; k < 2; k++) {
        pp_kb_hit hit;
        assert_int_equal(pp_kb_match(kbs[k], "quota has been exceeded for gadgets", NULL, NULL,
                                     &hit), PP_OK);
        assert_string_equal(kbs[k]->e[hit.entry].id, "specific");
        pp_kb_hit_free(&hit);
        assert_int_equal(pp_kb_match(kbs[k], "quota exceeded for widgets", NULL, NULL, &hit),
                         PP_OK);
        assert_string_equal(kbs[k]->e[hit.entry].id, "catch-all");
        assert_true(kbs[k]->e[hit.entry].broad);
        pp_kb_hit_free(&hit);
        size_t idx[4];
        int sc[4];
        assert_int_equal(pp_kb_match_all(kbs[k], "quota has been exceeded for gadgets", NULL,
                                         NULL, idx, sc, 4), 2);
        assert_string_equal(kbs[k]->e[idx[0]].id, "specific");
    }
    pp_buf r;
    pp_buf_init(&r, 0);
    assert_int_equal(pp_kb_lint(kb, &r), 0);
    pp_buf_free(&r);
    pp_kb_free(back);
    pp_kb_free(kb);
    kb = NULL;
    unlink(db);
    free(db);
    char *e2 = pp_asprintf("id: maybe\n%sbroad: maybe\npattern: 'x'\nexamples: [x]\n", tail);
    assert_int_equal(pp_kb_load_buf("maybe.yaml", e2, strlen(e2), &kb, &err), PP_E_PARSE);
    assert_non_null(strstr(err, "maybe.yaml:6: expected broad: true or broad: false"));
    free(err);
    free(e2);
    for (int i = 0; i < 2; i++) {
        char *p = pp_asprintf("%s/e%d.yaml", dir, i);
        unlink(p);
        free(p);
    }
    rmdir(dir);
    free(dir);
}

/* An entry whose pattern also matches another kind's example names that kind in its rivals
 * (the KB's own evidence that it covers a family of causes), after a load and after the SQLite
 * round trip; the narrower entry, a broad one and one whose type filter excludes the example
 * have none. */
static void test_rivals(void **state)
{
    (void)state;
    char *dir = pp_asprintf("%s/rivals", g_tmp);
    mkdir(dir, 0700);
    static const char tail[] = "title: t\nservice: s\nexplanation: e\nfix: [f]\n";
    const char *src[] = {
        "id: bucket-taken\npattern: 'already exists'\n"
        "examples: ['Bucket b already exists']\n",
        "id: snapshot-exists\npattern: 'DBSnapshotAlreadyExists'\n"
        "examples: [{message: 'DBSnapshotAlreadyExists: snapshot s already exists',"
        " resource_type: AWS::RDS::DBSnapshot}]\n",
        "id: catch-all\nbroad: true\npattern: 'exists'\nexamples: ['it exists']\n",
        "id: typed\nresource_types: [AWS::S3::Bucket]\npattern: 'snapshot'\n"
        "examples: [{message: 'snapshot bucket', resource_type: AWS::S3::Bucket}]\n",
    };
    for (int i = 0; i < 4; i++) {
        char *t = pp_asprintf("%s%s", src[i], tail);
        write_file(dir, i, t);
        free(t);
    }
    pp_kb *kb = NULL;
    char *err = NULL;
    assert_int_equal(pp_kb_load_dir(dir, &kb, &err), PP_OK);
    char *db = pp_asprintf("%s/rivals.db", g_tmp);
    assert_int_equal(pp_kb_build(kb, db, &err), PP_OK);
    pp_kb *back = NULL;
    assert_int_equal(pp_kb_open(db, &back, &err), PP_OK);
    pp_kb *kbs[] = {kb, back};
    for (size_t k = 0; k < 2; k++) {
        pp_kb *b = kbs[k];
        size_t taken = pp_kb_find(b, "bucket-taken"), snap = pp_kb_find(b, "snapshot-exists");
        size_t all = pp_kb_find(b, "catch-all"), typed = pp_kb_find(b, "typed");
        assert_int_equal(json_array_size(b->e[taken].rivals), 1);
        const json_t *rv = json_array_get(b->e[taken].rivals, 0);
        assert_string_equal(json_string_value(json_object_get(rv, "kind")), "snapshot-exists");
        assert_string_equal(json_string_value(json_object_get(rv, "resource_type")),
                            "AWS::RDS::DBSnapshot");
        /* the rival could explain an event of its type or of none, not a bucket's */
        assert_true(pp_kb_rival_applies(rv, "AWS::RDS::DBSnapshot"));
        assert_true(pp_kb_rival_applies(rv, NULL));
        assert_false(pp_kb_rival_applies(rv, "AWS::S3::Bucket"));
        assert_int_equal(json_array_size(b->e[snap].rivals), 0);
        assert_int_equal(json_array_size(b->e[all].rivals), 0);   /* broad: low anyway */
        /* "typed" matches the snapshot example's text, but not its resource type */
        assert_int_equal(json_array_size(b->e[typed].rivals), 0);
    }
    pp_kb_free(back);
    pp_kb_free(kb);
    unlink(db);
    free(db);
    for (int i = 0; i < 4; i++) {
        char *p = pp_asprintf("%s/e%d.yaml", dir, i);
        unlink(p);
        free(p);
    }
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breadth_and_lint),
        cmocka_unit_test(test_generalises),
        cmocka_unit_test(test_type_filter),
        cmocka_unit_test(test_captures_and_fill),
        cmocka_unit_test(test_fill_command_quoting),
        cmocka_unit_test(test_hostile_subjects),
        cmocka_unit_test(test_build_open_fts),
        cmocka_unit_test(test_bad_entries),
        cmocka_unit_test(test_load_buf),
        cmocka_unit_test(test_lint_dangling_prevented_by),
        cmocka_unit_test(test_lint_broad_beats_specific),
        cmocka_unit_test(test_lint_role),
        cmocka_unit_test(test_broad_ranking),
        cmocka_unit_test(test_rivals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
