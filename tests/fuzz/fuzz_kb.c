/* fuzz_kb.c — `parapet kb build` input: one kb/NAME.yaml entry (advisor/kb.c pp_kb_load_buf:
 * the YAML loader with the KB's limits, validation, PCRE2 compilation of the pattern), then
 * lint, which matches every example against the entry and checks its templates, then the
 * SQLite step: pp_kb_build writes the entry into a database and pp_kb_open reads it back. The
 * round trip must give back the same entry (id, kind, pattern, line); a difference aborts, so
 * the fuzzer reports it as a crash.
 *
 * The database lives in a directory made once per process under $TMPDIR (or /tmp) and is
 * removed at exit. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <unistd.h>

#include "advisor/kb.h"
#include "engine/base/util.h"

static char dbdir[] = "/tmp/pp-fuzz-kb.XXXXXX";
static char dbpath[sizeof dbdir + 16];

static void cleanup(void)
{
    if (dbpath[0]) {
        unlink(dbpath);
        rmdir(dbdir);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dbdir)) {
        perror("fuzz_kb: mkdtemp");
        abort();
    }
    snprintf(dbpath, sizeof dbpath, "%s/kb.db", dbdir);
    atexit(cleanup);
    return 0;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void round_trip(const pp_kb *kb)
{
    char *err = NULL;
    if (pp_kb_build(kb, dbpath, &err) != PP_OK) {
        /* A KB that loaded must build: the only excuses are the environment's. */
        fprintf(stderr, "fuzz_kb: build failed: %s\n", err ? err : "?");
        abort();
    }
    pp_kb *back = NULL;
    if (pp_kb_open(dbpath, &back, &err) != PP_OK) {
        fprintf(stderr, "fuzz_kb: reopen failed: %s\n", err ? err : "?");
        abort();
    }
    if (back->n != kb->n)
        abort();
    for (size_t i = 0; i < kb->n; i++) {
        const pp_kb_entry *x = &kb->e[i], *y = &back->e[i];
        if (!same(x->id, y->id) || !same(x->kind, y->kind) || !same(x->pattern, y->pattern) ||
            !same(x->title, y->title) || x->line != y->line || x->priority != y->priority ||
            json_array_size(x->examples) != json_array_size(y->examples))
            abort();
    }
    pp_kb_free(back);
    unlink(dbpath);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_kb *kb = NULL;
    char *err = NULL;
    if (pp_kb_load_buf("fuzz.yaml", (const char *)data, size, &kb, &err) == PP_OK) {
        pp_buf r;
        pp_buf_init(&r, 1u << 20);
        (void)pp_kb_lint(kb, &r);
        pp_buf_free(&r);
        (void)pp_kb_kinds(kb);
        round_trip(kb);
    }
    pp_kb_free(kb);
    free(err);
    return 0;
}
