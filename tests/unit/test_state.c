/* test_state.c — engine/store/state.c: outbox dedup and states, claims, cache, explanations, events,
 * default path, folder creation. */
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

#include <sqlite3.h>

#include "engine/store/state.h"
#include "engine/base/util.h"

static char g_dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/pp-state-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = { "a/b/state.db", "a/b/state.db-wal", "a/b/state.db-shm",
                                         "a/b", "a", "" };
    char path[300];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g_dir, files[i]);
        if (unlink(path) != 0)
            rmdir(path);
    }
    return 0;
}

static pp_state *open_db(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/a/b/state.db", g_dir);
    pp_state *s = NULL;
    char *err = NULL;
    pp_status st = pp_state_open(path, &s, &err);
    if (st != PP_OK)
        fail_msg("open: %s", err);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    return s;
}

static void test_outbox(void **state)
{
    (void)state;
    pp_state *s = open_db();
    char *err = NULL;
    int64_t id, id2;
    int existing;
    assert_int_equal(pp_state_outbox_add(s, "k1", "d1", "slack", "{}", &id, &existing, &err),
                     PP_OK);
    assert_int_equal(existing, -1);
    assert_int_equal(pp_state_outbox_add(s, "k1", "d1", "slack", "{}", &id2, &existing, &err),
                     PP_OK);
    assert_int_equal(existing, PP_OUTBOX_PENDING);
    assert_true(id == id2);
    assert_int_equal(pp_state_outbox_add(s, "k2", "d1", "slack", "{\"b\":2}", &id2, &existing,
                                         &err), PP_OK);
    assert_int_equal(pp_state_outbox_add(s, "k3", "d2", "teams", "{}", &id2, &existing, &err),
                     PP_OK);

    pp_outbox_row *rows;
    size_t n;
    assert_int_equal(pp_state_outbox_claim(s, "d1", 0, 10, &rows, &n, &err), PP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].dedup, "k1");
    assert_string_equal(rows[1].body, "{\"b\":2}");
    assert_int_equal(pp_state_outbox_mark(s, rows[0].id, PP_OUTBOX_DELIVERED, 200, NULL, &err),
                     PP_OK);
    assert_int_equal(pp_state_outbox_mark(s, rows[1].id, PP_OUTBOX_FAILED, 404, "gone", &err),
                     PP_OK);
    pp_state_rows_free(rows, n);

    assert_int_equal(pp_state_outbox_add(s, "k1", "d1", "slack", "{}", &id2, &existing, &err),
                     PP_OK);
    assert_int_equal(existing, PP_OUTBOX_DELIVERED);
    size_t c;
    assert_int_equal(pp_state_outbox_count(s, "d1", PP_OUTBOX_PENDING, &c, &err), PP_OK);
    assert_int_equal(c, 0);
    assert_int_equal(pp_state_outbox_count(s, NULL, PP_OUTBOX_PENDING, &c, &err), PP_OK);
    assert_int_equal(c, 1);
    assert_int_equal(pp_state_outbox_count(s, "d1", PP_OUTBOX_FAILED, &c, &err), PP_OK);
    assert_int_equal(c, 1);
    pp_state_close(s);

    /* a claim by a process that has exited is void; one by a live process is respected */
    s = open_db();
    assert_int_equal(pp_state_outbox_claim(s, "d2", 0, 10, &rows, &n, &err), PP_OK);
    assert_int_equal(n, 1);   /* claimed by us: reclaimable by us */
    pp_state_rows_free(rows, n);
    pp_state_close(s);
}

/* A claim is renewed before each retry of a delivery; one that another sender took since is
 * reported lost, and so is one on a row no longer pending. */
static void test_outbox_renew(void **state)
{
    (void)state;
    pp_state *s = open_db();
    char *err = NULL;
    int64_t id;
    int existing, held = -1;
    assert_int_equal(pp_state_outbox_add(s, "r1", "d9", "webhook", "{}", &id, &existing, &err),
                     PP_OK);
    pp_outbox_row *rows;
    size_t n;
    assert_int_equal(pp_state_outbox_claim(s, "d9", 0, 10, &rows, &n, &err), PP_OK);
    assert_int_equal(n, 1);
    pp_state_rows_free(rows, n);
    assert_int_equal(pp_state_outbox_renew(s, id, &held, &err), PP_OK);
    assert_int_equal(held, 1);

    /* the claim lapsed and a live process (pid 1, always alive) took the row */
    char path[300];
    snprintf(path, sizeof path, "%s/a/b/state.db", g_dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *sql = sqlite3_mprintf("UPDATE outbox SET claim_pid = 1, claim_until = "
                                "strftime('%%s','now') + 100 WHERE id = %lld", (long long)id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_close(db);
    held = -1;
    assert_int_equal(pp_state_outbox_renew(s, id, &held, &err), PP_OK);
    assert_int_equal(held, 0);
    size_t c;
    assert_int_equal(pp_state_outbox_count(s, "d9", PP_OUTBOX_PENDING, &c, &err), PP_OK);
    assert_int_equal(c, 1);   /* left to the other sender, not marked */

    /* a row that is delivered is not renewable */
    assert_int_equal(pp_state_outbox_add(s, "r2", "d9", "webhook", "{}", &id, &existing, &err),
                     PP_OK);
    assert_int_equal(pp_state_outbox_claim(s, "d9", id - 1, 10, &rows, &n, &err), PP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(pp_state_outbox_mark(s, rows[0].id, PP_OUTBOX_DELIVERED, 200, NULL, &err),
                     PP_OK);
    pp_state_rows_free(rows, n);
    held = -1;
    assert_int_equal(pp_state_outbox_renew(s, id, &held, &err), PP_OK);
    assert_int_equal(held, 0);
    pp_state_close(s);
}

static void test_cache_explanations_events(void **state)
{
    (void)state;
    pp_state *s = open_db();
    char *err = NULL, *a = NULL, *j = NULL, *t = NULL;
    assert_int_equal(pp_state_cache_get(s, "h", &a, &err), PP_OK);
    assert_null(a);
    assert_int_equal(pp_state_cache_put(s, "h", "m", "answer", &err), PP_OK);
    assert_int_equal(pp_state_cache_get(s, "h", &a, &err), PP_OK);
    assert_string_equal(a, "answer");
    free(a);
    int64_t when;
    assert_int_equal(pp_state_explanation_get(s, "web", &j, &t, &when, &err), PP_OK);
    assert_null(j);
    assert_int_equal(pp_state_explanation_put(s, "web", "{\"a\":1}", "text 1", &err), PP_OK);
    assert_int_equal(pp_state_explanation_put(s, "web", "{\"a\":2}", "text 2", &err), PP_OK);
    assert_int_equal(pp_state_explanation_get(s, "web", &j, &t, &when, &err), PP_OK);
    assert_string_equal(j, "{\"a\":2}");
    assert_string_equal(t, "text 2");
    assert_true(when > 0);
    free(j);
    free(t);
    int added;
    assert_int_equal(pp_state_event_add(s, "web", "e1", "{\"x\":1}", &added, &err), PP_OK);
    assert_int_equal(added, 1);
    assert_int_equal(pp_state_event_add(s, "web", "e1", "{\"x\":1}", &added, &err), PP_OK);
    assert_int_equal(added, 0);
    assert_int_equal(pp_state_event_add(s, "web", "e2", "{\"x\":2}", &added, &err), PP_OK);
    char *lines;
    assert_int_equal(pp_state_event_list(s, "web", &lines, &err), PP_OK);
    assert_string_equal(lines, "{\"x\":1}\n{\"x\":2}\n");
    free(lines);
    assert_int_equal(pp_state_event_list(s, "other", &lines, &err), PP_OK);
    assert_string_equal(lines, "");
    free(lines);
    pp_state_close(s);
}

static void test_paths_and_errors(void **state)
{
    (void)state;
    setenv("XDG_STATE_HOME", "/x/state", 1);
    char *p = pp_state_default_path();
    assert_string_equal(p, "/x/state/parapet/state.db");
    free(p);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/u", 1);
    p = pp_state_default_path();
    assert_string_equal(p, "/home/u/.local/state/parapet/state.db");
    free(p);
    pp_state *s = NULL;
    char *err = NULL;
    assert_int_not_equal(pp_state_open("/proc/nope/state.db", &s, &err), PP_OK);
    assert_null(s);
    assert_non_null(err);
    free(err);
    err = NULL;
    assert_int_equal(pp_state_open("", &s, &err), PP_E_USAGE);
    free(err);
    char h[65];
    pp_state_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outbox),
        cmocka_unit_test(test_outbox_renew),
        cmocka_unit_test(test_cache_explanations_events),
        cmocka_unit_test(test_paths_and_errors),
    };
    return cmocka_run_group_tests_name("state", tests, setup, teardown);
}
