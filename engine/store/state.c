/* state.c — the state database (see state.h for what it holds and the outbox invariants). */
#include "engine/store/state.h"

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

struct pp_state {
    sqlite3 *db;
};

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

void pp_state_hash(const char *s, char out[65])
{
    pp_sha256_hex(s ? s : "", s ? strlen(s) : 0, out);
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

char *pp_state_default_path(void)
{
    const char *x = getenv("XDG_STATE_HOME");
    if (x && *x == '/')
        return pp_asprintf("%s/parapet/state.db", x);
    const char *h = getenv("HOME");
    if (h && *h)
        return pp_asprintf("%s/.local/state/parapet/state.db", h);
    return NULL;
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
                  s && s->db ? sqlite3_errmsg(s->db) : "not open");
}

pp_status pp_state_open(const char *path, pp_state **out, char **err)
{
    *out = NULL;
    if (!path || !*path)
        return pp_err(err, PP_E_USAGE, "state database: no path (set --state-db, "
                      "XDG_STATE_HOME or HOME)");
    if (make_parents(path) != 0)
        return pp_err(err, PP_E_IO, "state database: cannot create the folder of %s: %s", path,
                      strerror(errno));
    pp_state *s = calloc(1, sizeof *s);
    if (!s)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    mode_t old = umask(077);
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    umask(old);
    pp_status st = PP_OK;
    if (rc != SQLITE_OK) {
        st = pp_err(err, PP_E_DB, "state database %s: %s", path,
                    s->db ? sqlite3_errmsg(s->db) : "cannot open");
        goto done;
    }
    sqlite3_busy_timeout(s->db, PP_STATE_BUSY_MS);
    /* WAL: readers (the slash command) never block the writer; synchronous=FULL so that a
     * committed outbox row survives a crash of the machine, not only of the process. */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK) {
        st = pp_err(err, PP_E_DB, "state database %s: %s", path, sqlite3_errmsg(s->db));
        goto done;
    }
done:
    if (st != PP_OK) {
        pp_state_close(s);
        return st;
    }
    *out = s;
    return PP_OK;
}

void pp_state_close(pp_state *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

static sqlite3_stmt *prep(pp_state *s, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return NULL;
    return q;
}

static char *col_dup(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t ? pp_strdup((const char *)t) : NULL;
}

/* ---- outbox ---------------------------------------------------------------------------- */

pp_status pp_state_outbox_add(pp_state *s, const char *dedup, const char *dest,
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
    int added = sqlite3_changes(s->db) == 1;
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

void pp_state_rows_free(pp_outbox_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].dedup);
        free(rows[i].target);
        free(rows[i].body);
    }
    free(rows);
}

pp_status pp_state_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
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
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
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
    if (st == PP_OK && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        st = db_err(s, err, "commit");
    if (st != PP_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        pp_state_rows_free(r, k);
        return st;
    }
    *rows = r;
    *n = k;
    return PP_OK;
}

pp_status pp_state_outbox_mark(pp_state *s, int64_t id, pp_outbox_state state, long http_status,
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

pp_status pp_state_outbox_count(pp_state *s, const char *dest, pp_outbox_state state,
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

pp_status pp_state_cache_get(pp_state *s, const char *key, char **answer, char **err)
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

pp_status pp_state_cache_put(pp_state *s, const char *key, const char *model, const char *answer,
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

pp_status pp_state_explanation_put(pp_state *s, const char *scope, const char *json,
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

pp_status pp_state_explanation_get(pp_state *s, const char *scope, char **json, char **text,
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

pp_status pp_state_event_add(pp_state *s, const char *scope, const char *key, const char *body,
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
    *added = sqlite3_changes(s->db) == 1;
    return PP_OK;
}

pp_status pp_state_event_list(pp_state *s, const char *scope, char **lines, char **err)
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
