/* state_sqlite.c — the SQLite backend of the state store (state_impl.h): one file, WAL, for the
 * CLI and one `serve`. See state.h for what it holds and the outbox invariants. */
#include "engine/store/state_impl.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/crypto.h"
#include "engine/base/util.h"

#define PP_STATE_SCHEMA_VERSION "1"
#define PP_STATE_BUSY_MS 5000

typedef struct sqlite_state {
    pp_state base;   /* first: a pp_state * is this struct */
    sqlite3 *db;
} sqlite_state;

#define DB(s) (((sqlite_state *)(s))->db)

static void sq_close(pp_state *s);
static const pp_state_ops SQLITE_OPS;

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS outbox("
    "  id INTEGER PRIMARY KEY,"
    "  dedup TEXT NOT NULL UNIQUE,"
    "  dest TEXT NOT NULL,"             /* SHA-256 of the URL, never the URL */
    "  target TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_status INTEGER, last_error TEXT,"
    "  created_at INTEGER NOT NULL, delivered_at INTEGER,"
    "  claim_pid INTEGER NOT NULL DEFAULT 0, claim_until INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(dest, state, id);"
    "CREATE TABLE IF NOT EXISTS ai_cache(key TEXT PRIMARY KEY, model TEXT, answer TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS explanation(scope TEXT PRIMARY KEY, json TEXT NOT NULL,"
    "  text TEXT, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS event(id INTEGER PRIMARY KEY, scope TEXT NOT NULL,"
    "  key TEXT NOT NULL UNIQUE, body TEXT NOT NULL, received_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS event_scope ON event(scope, id);"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', '" PP_STATE_SCHEMA_VERSION "');";

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* mkdir -p of the folders above `path`, mode 0700 for the ones it creates. */
static int make_parents(const char *path)
{
    char *p = pp_strdup(path);
    if (!p)
        return -1;
    for (char *q = p + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *q = '/';
    }
    free(p);
    return 0;
}

static pp_status db_err(pp_state *s, char **err, const char *what)
{
    return pp_err(err, PP_E_DB, "state database: %s: %s", what,
                  s && DB(s) ? sqlite3_errmsg(DB(s)) : "not open");
}

pp_status pp_state_sqlite_open(const char *path, pp_state **out, char **err)
{
    *out = NULL;
    if (make_parents(path) != 0)
        return pp_err(err, PP_E_IO, "state database: cannot create the folder of %s: %s", path,
                      strerror(errno));
    sqlite_state *q = calloc(1, sizeof *q);
    if (!q)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    q->base.ops = &SQLITE_OPS;
    pp_state *s = &q->base;
    mode_t old = umask(077);
    int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    umask(old);
    pp_status st = PP_OK;
    if (rc != SQLITE_OK) {
        st = pp_err(err, PP_E_DB, "state database %s: %s", path,
                    q->db ? sqlite3_errmsg(q->db) : "cannot open");
        goto done;
    }
    sqlite3_busy_timeout(q->db, PP_STATE_BUSY_MS);
    /* WAL: readers (the slash command) never block the writer; synchronous=FULL so that a
     * committed outbox row survives a crash of the machine, not only of the process. */
    if (sqlite3_exec(DB(s), "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(DB(s), SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        st = pp_err(err, PP_E_DB, "state database %s: %s", path, sqlite3_errmsg(q->db));
        goto done;
    }
done:
    if (st != PP_OK) {
        sq_close(s);
        return st;
    }
    *out = s;
    return PP_OK;
}

static void sq_close(pp_state *s)
{
    if (!s)
        return;
    sqlite3_close(DB(s));
    free(s);
}

static sqlite3_stmt *prep(pp_state *s, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(DB(s), sql, -1, &q, NULL) != SQLITE_OK)
        return NULL;
    return q;
}

static char *col_dup(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t ? pp_strdup((const char *)t) : NULL;
}

/* ---- outbox ---------------------------------------------------------------------------- */

static pp_status sq_outbox_add(pp_state *s, const char *dedup, const char *dest,
                              const char *target, const char *body, int64_t *id, int *existing,
                              char **err)
{
    *existing = -1;
    *id = 0;
    if (!dedup || !dest || !target || !body)
        return pp_err(err, PP_E_USAGE, "outbox: dedup, dest, target and body are required");
    if (strlen(body) > PP_STATE_MAX_BODY)
        return pp_err(err, PP_E_LIMIT, "outbox: message larger than %u bytes",
                      PP_STATE_MAX_BODY);
    sqlite3_stmt *q = prep(s, "INSERT INTO outbox(dedup, dest, target, body, created_at) "
                              "VALUES(?, ?, ?, ?, ?) ON CONFLICT(dedup) DO NOTHING");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, dedup, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, dest, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, target, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, now_s());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "queue a message");
    int added = sqlite3_changes(DB(s)) == 1;
    q = prep(s, "SELECT id, state FROM outbox WHERE dedup = ?");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, dedup, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return db_err(s, err, "read back a queued message");
    }
    *id = sqlite3_column_int64(q, 0);
    if (!added)
        *existing = sqlite3_column_int(q, 1);
    sqlite3_finalize(q);
    return PP_OK;
}

static int pid_alive(int64_t pid)
{
    if (pid <= 0)
        return 0;
    if (pid == (int64_t)getpid())
        return 1;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static pp_status sq_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
                                pp_outbox_row **rows, size_t *n, char **err)
{
    *rows = NULL;
    *n = 0;
    if (max == 0)
        return PP_OK;
    pp_outbox_row *r = calloc(max, sizeof *r);
    if (!r)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    pp_status st = PP_OK;
    size_t k = 0;
    int64_t now = now_s();
    /* BEGIN IMMEDIATE: the claim is read and written under the write lock, so two processes
     * never claim one row. */
    if (sqlite3_exec(DB(s), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        free(r);
        return db_err(s, err, "begin");
    }
    sqlite3_stmt *q = prep(s, "SELECT id, dedup, target, body, attempts, claim_pid, claim_until "
                              "FROM outbox WHERE dest = ? AND state = 0 AND id > ? ORDER BY id");
    sqlite3_stmt *u = prep(s, "UPDATE outbox SET claim_pid = ?, claim_until = ? WHERE id = ?");
    if (!q || !u) {
        st = db_err(s, err, "prepare");
        goto done;
    }
    sqlite3_bind_text(q, 1, dest, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, after);
    int rc;
    while (k < max && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t pid = sqlite3_column_int64(q, 5), until = sqlite3_column_int64(q, 6);
        if (pid && pid != (int64_t)getpid() && until > now && pid_alive(pid))
            continue;   /* another live sender holds it */
        r[k].id = sqlite3_column_int64(q, 0);
        r[k].dedup = col_dup(q, 1);
        r[k].target = col_dup(q, 2);
        r[k].body = col_dup(q, 3);
        r[k].attempts = sqlite3_column_int(q, 4);
        k++;
        if (!r[k - 1].dedup || !r[k - 1].target || !r[k - 1].body) {
            st = pp_err(err, PP_E_NOMEM, "out of memory");
            goto done;
        }
        sqlite3_reset(u);
        sqlite3_bind_int64(u, 1, (int64_t)getpid());
        sqlite3_bind_int64(u, 2, now + PP_STATE_CLAIM_SECONDS);
        sqlite3_bind_int64(u, 3, r[k - 1].id);
        if (sqlite3_step(u) != SQLITE_DONE) {
            st = db_err(s, err, "claim a message");
            goto done;
        }
    }
done:
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    if (st == PP_OK && sqlite3_exec(DB(s), "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = db_err(s, err, "commit");
    if (st != PP_OK) {
        sqlite3_exec(DB(s), "ROLLBACK", NULL, NULL, NULL);
        pp_state_rows_free(r, k);
        return st;
    }
    *rows = r;
    *n = k;
    return PP_OK;
}

static pp_status sq_outbox_mark(pp_state *s, int64_t id, pp_outbox_state state, long http_status,
                               const char *error, char **err)
{
    sqlite3_stmt *q = prep(s, "UPDATE outbox SET state = ?, attempts = attempts + 1, "
                              "last_status = ?, last_error = ?, claim_pid = 0, claim_until = 0, "
                              "delivered_at = CASE WHEN ? = 1 THEN ? ELSE delivered_at END "
                              "WHERE id = ?");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_int(q, 1, (int)state);
    sqlite3_bind_int64(q, 2, http_status);
    if (error)
        sqlite3_bind_text(q, 3, error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 3);
    sqlite3_bind_int(q, 4, (int)state);
    sqlite3_bind_int64(q, 5, now_s());
    sqlite3_bind_int64(q, 6, id);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? PP_OK : db_err(s, err, "mark a message");
}

static pp_status sq_outbox_renew(pp_state *s, int64_t id, int *held, char **err)
{
    sqlite3_stmt *q = prep(s, "UPDATE outbox SET claim_until = ? "
                              "WHERE id = ? AND state = 0 AND claim_pid = ?");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_int64(q, 1, now_s() + PP_STATE_CLAIM_SECONDS);
    sqlite3_bind_int64(q, 2, id);
    sqlite3_bind_int64(q, 3, (int64_t)getpid());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "renew a claim");
    *held = sqlite3_changes(DB(s)) == 1;
    return PP_OK;
}

static pp_status sq_outbox_count(pp_state *s, const char *dest, pp_outbox_state state,
                                size_t *n, char **err)
{
    *n = 0;
    sqlite3_stmt *q = prep(s, dest ? "SELECT count(*) FROM outbox WHERE state = ? AND dest = ?"
                                   : "SELECT count(*) FROM outbox WHERE state = ?");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_int(q, 1, (int)state);
    if (dest)
        sqlite3_bind_text(q, 2, dest, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *n = (size_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? PP_OK : db_err(s, err, "count messages");
}

/* ---- cache, explanations, events ------------------------------------------------------- */

static pp_status sq_cache_get(pp_state *s, const char *key, char **answer, char **err)
{
    *answer = NULL;
    sqlite3_stmt *q = prep(s, "SELECT answer FROM ai_cache WHERE key = ?");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *answer = col_dup(q, 0);
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(s, err, "read the cache");
    return PP_OK;
}

static pp_status sq_cache_put(pp_state *s, const char *key, const char *model, const char *answer,
                             char **err)
{
    if (strlen(answer) > PP_STATE_MAX_BODY)
        return pp_err(err, PP_E_LIMIT, "cache: answer too large");
    sqlite3_stmt *q = prep(s, "INSERT OR REPLACE INTO ai_cache(key, model, answer, created_at) "
                              "VALUES(?, ?, ?, ?)");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, model ? model : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, answer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, now_s());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? PP_OK : db_err(s, err, "write the cache");
}

static pp_status sq_explanation_put(pp_state *s, const char *scope, const char *json,
                                   const char *text, char **err)
{
    sqlite3_stmt *q = prep(s, "INSERT OR REPLACE INTO explanation(scope, json, text, updated_at) "
                              "VALUES(?, ?, ?, ?)");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, json, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 3);
    sqlite3_bind_int64(q, 4, now_s());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? PP_OK : db_err(s, err, "store an explanation");
}

static pp_status sq_explanation_get(pp_state *s, const char *scope, char **json, char **text,
                                   int64_t *when, char **err)
{
    *json = NULL;
    if (text)
        *text = NULL;
    if (when)
        *when = 0;
    sqlite3_stmt *q = prep(s, "SELECT json, text, updated_at FROM explanation WHERE scope = ?");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *json = col_dup(q, 0);
        if (text)
            *text = col_dup(q, 1);
        if (when)
            *when = sqlite3_column_int64(q, 2);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_err(s, err, "read an explanation");
    return PP_OK;
}

static pp_status sq_event_add(pp_state *s, const char *scope, const char *key, const char *body,
                             int *added, char **err)
{
    *added = 0;
    sqlite3_stmt *q = prep(s, "INSERT INTO event(scope, key, body, received_at) VALUES(?, ?, ?, ?) "
                              "ON CONFLICT(key) DO NOTHING");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, now_s());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return db_err(s, err, "store an event");
    *added = sqlite3_changes(DB(s)) == 1;
    return PP_OK;
}

static pp_status sq_event_list(pp_state *s, const char *scope, char **lines, char **err)
{
    *lines = NULL;
    sqlite3_stmt *q = prep(s, "SELECT body FROM event WHERE scope = ? ORDER BY id");
    if (!q)
        return db_err(s, err, "prepare");
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    pp_buf b;
    pp_buf_init(&b, 64u << 20);
    int rc;
    pp_status st = PP_OK;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && st == PP_OK) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        st = pp_buf_puts(&b, t ? t : "");
        if (st == PP_OK)
            st = pp_buf_puts(&b, "\n");
    }
    sqlite3_finalize(q);
    if (st != PP_OK) {
        pp_buf_free(&b);
        return pp_err(err, st, "state database: events for %s do not fit in memory", scope);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        pp_buf_free(&b);
        return db_err(s, err, "list events");
    }
    *lines = pp_buf_steal(&b);
    return *lines ? PP_OK : pp_err(err, PP_E_NOMEM, "out of memory");
}

/* ---- migration source ------------------------------------------------------------------ */

static const char *text_col(sqlite3_stmt *q, int i)
{
    return (const char *)sqlite3_column_text(q, i);
}

static pp_status sq_each(pp_state *s, pp_state_record_fn fn, void *ctx, char **err)
{
    static const char *const SQL[4] = {
        [PP_REC_OUTBOX] = "SELECT dedup, dest, target, body, NULL, state, attempts, "
                          "coalesce(last_status, 0), last_error, created_at, "
                          "coalesce(delivered_at, 0) FROM outbox ORDER BY id",
        [PP_REC_CACHE] = "SELECT key, NULL, model, answer, NULL, 0, 0, 0, NULL, created_at, 0 "
                         "FROM ai_cache ORDER BY created_at, key",
        [PP_REC_EXPLANATION] = "SELECT scope, NULL, NULL, json, text, 0, 0, 0, NULL, "
                               "updated_at, 0 FROM explanation ORDER BY updated_at, scope",
        [PP_REC_EVENT] = "SELECT key, scope, NULL, body, NULL, 0, 0, 0, NULL, received_at, 0 "
                         "FROM event ORDER BY id",
    };
    pp_status st = PP_OK;
    for (int k = 0; k < 4 && st == PP_OK; k++) {
        sqlite3_stmt *q = prep(s, SQL[k]);
        if (!q)
            return db_err(s, err, "prepare");
        int rc = SQLITE_DONE;
        while (st == PP_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
            pp_state_record r = {
                .kind = (pp_state_record_kind)k, .key = text_col(q, 0), .scope = text_col(q, 1),
                .target = text_col(q, 2), .body = text_col(q, 3), .text = text_col(q, 4),
                .state = sqlite3_column_int(q, 5), .attempts = sqlite3_column_int(q, 6),
                .last_status = (long)sqlite3_column_int64(q, 7), .last_error = text_col(q, 8),
                .created = sqlite3_column_int64(q, 9), .delivered = sqlite3_column_int64(q, 10)
            };
            if (!r.key || !r.body)
                continue;   /* NOT NULL columns: only a damaged file has these */
            st = fn(ctx, &r, err);
        }
        if (st == PP_OK && rc != SQLITE_DONE)
            st = db_err(s, err, "read the state database");
        sqlite3_finalize(q);
    }
    return st;
}

static const pp_state_ops SQLITE_OPS = {
    .name = "sqlite",
    .close = sq_close,
    .outbox_add = sq_outbox_add,
    .outbox_claim = sq_outbox_claim,
    .outbox_mark = sq_outbox_mark,
    .outbox_renew = sq_outbox_renew,
    .outbox_count = sq_outbox_count,
    .cache_get = sq_cache_get,
    .cache_put = sq_cache_put,
    .explanation_put = sq_explanation_put,
    .explanation_get = sq_explanation_get,
    .event_add = sq_event_add,
    .event_list = sq_event_list,
    .import = NULL,
    .each = sq_each,
};
