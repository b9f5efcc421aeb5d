/* kb_db.c — the knowledge base as SQLite: pp_kb_build writes the entries (and the FTS5 index
 * that pp_kb_match_fts ranks with) to kb.db; pp_kb_open loads them back, validated the same way
 * as the YAML (see kb.h). Data flow: kb/NAME.yaml → kb.c → kb_db.c → build/kb.db → kb_db.c.
 */
#include "advisor/kb.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisor/kb_int.h"
#include "advisor/kb_match.h"
#include "engine/base/util.h"

/* ---- SQLite ------------------------------------------------------------------------------ */

static const char *const schema_sql =
    "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE entries("
    " id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, service TEXT NOT NULL,"
    " resource_types TEXT NOT NULL, statuses TEXT NOT NULL, priority INTEGER NOT NULL,"
    " pattern TEXT NOT NULL, explanation TEXT NOT NULL, fix TEXT NOT NULL,"
    " commands TEXT NOT NULL, links TEXT NOT NULL, prevented_by TEXT NOT NULL,"
    " examples TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL,"
    " role TEXT NOT NULL, broad INTEGER NOT NULL, rivals TEXT NOT NULL);"
    "CREATE VIRTUAL TABLE entries_fts USING fts5("
    " id UNINDEXED, title, explanation, examples, tokenize='porter unicode61');";

static pp_status db_fail(sqlite3 *db, const char *path, char **err)
{
    return pp_err(err, PP_E_DB, "%s: SQLite: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
}

static char *json_text(json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
}

pp_status pp_kb_build(const pp_kb *kb, const char *path, char **err)
{
    char *tmp = pp_asprintf("%s.tmp.%ld", path, (long)getpid());
    if (!tmp)
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
    unlink(tmp);
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *fts = NULL, *meta = NULL;
    pp_status st = PP_E_DB;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO entries VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
                           "?14,?15,?16,?17,?18,?19)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO entries_fts VALUES(?1,?2,?3,?4)", -1, &fts, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO meta VALUES(?1,?2)", -1, &meta, NULL) != SQLITE_OK)
        goto fail;
    for (size_t i = 0; i < kb->n; i++) {
        const pp_kb_entry *e = &kb->e[i];
        json_t *none = json_array();
        json_t *lists[] = {e->resource_types, e->statuses, e->fix,     e->commands,
                           e->links,          e->prevented_by, e->examples,
                           e->rivals ? e->rivals : none};
        char *txt[PP_ARRAY_LEN(lists)] = {0};
        int ok = 1;
        for (size_t j = 0; j < PP_ARRAY_LEN(lists); j++)
            if (!(txt[j] = json_text(lists[j])))
                ok = 0;
        /* FTS gets the example messages as plain text, one per line. */
        pp_buf exs;
        pp_buf_init(&exs, 0);
        size_t k;
        json_t *x;
        json_array_foreach(e->examples, k, x) {
            pp_buf_puts(&exs, json_string_value(json_object_get(x, "message")));
            pp_buf_puts(&exs, "\n");
        }
        if (ok) {
            sqlite3_bind_text(ins, 1, e->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, e->kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, e->title, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, e->service, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 5, txt[0], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 6, txt[1], -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 7, e->priority);
            sqlite3_bind_text(ins, 8, e->pattern, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 9, e->explanation, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 10, txt[2], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 11, txt[3], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 12, txt[4], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 13, txt[5], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 14, txt[6], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 15, e->file, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 16, (int)e->line);
            sqlite3_bind_text(ins, 17, pp_kb_role_name(e->role), -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 18, e->broad);
            sqlite3_bind_text(ins, 19, txt[7], -1, SQLITE_STATIC);
            ok = sqlite3_step(ins) == SQLITE_DONE;
            sqlite3_reset(ins);
        }
        if (ok) {
            sqlite3_bind_text(fts, 1, e->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(fts, 2, e->title, -1, SQLITE_STATIC);
            sqlite3_bind_text(fts, 3, e->explanation, -1, SQLITE_STATIC);
            sqlite3_bind_text(fts, 4, exs.data ? exs.data : "", -1, SQLITE_STATIC);
            ok = sqlite3_step(fts) == SQLITE_DONE;
            sqlite3_reset(fts);
        }
        pp_buf_free(&exs);
        for (size_t j = 0; j < PP_ARRAY_LEN(lists); j++)
            free(txt[j]);
        json_decref(none);
        if (!ok)
            goto fail;
    }
    char count[32];
    snprintf(count, sizeof count, "%zu", kb->n);
    const char *kv[][2] = {{"schema", PP_KB_SCHEMA_VERSION}, {"entries", count}};
    for (size_t i = 0; i < PP_ARRAY_LEN(kv); i++) {
        sqlite3_bind_text(meta, 1, kv[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(meta, 2, kv[i][1], -1, SQLITE_STATIC);
        if (sqlite3_step(meta) != SQLITE_DONE)
            goto fail;
        sqlite3_reset(meta);
    }
    if (sqlite3_exec(db, "COMMIT; INSERT INTO entries_fts(entries_fts) VALUES('optimize');",
                     NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_finalize(ins);
    sqlite3_finalize(fts);
    sqlite3_finalize(meta);
    ins = fts = meta = NULL;
    if (sqlite3_close(db) != SQLITE_OK) {
        db = NULL;
        goto fail;
    }
    db = NULL;
    if (rename(tmp, path) != 0) {
        st = pp_err(err, PP_E_IO, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return st;
    }
    free(tmp);
    return PP_OK;
fail:
    st = db_fail(db, path, err);
    sqlite3_finalize(ins);
    sqlite3_finalize(fts);
    sqlite3_finalize(meta);
    sqlite3_close(db);
    unlink(tmp);
    free(tmp);
    return st;
}

pp_status pp_kb_open(const char *path, pp_kb **out, char **err)
{
    *out = NULL;
    if (access(path, R_OK) != 0)
        return pp_err(err, errno == ENOENT ? PP_E_NOTFOUND : PP_E_IO, "%s: cannot open: %s", path,
                      strerror(errno));
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    pp_kb *kb = NULL;
    pp_status st = PP_E_DB;
    problems p = {.n = 0};
    pp_buf_init(&p.buf, 1u << 20);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto fail;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='schema'", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(q, 0), PP_KB_SCHEMA_VERSION) != 0) {
        sqlite3_finalize(q);
        q = NULL;
        st = pp_err(err, PP_E_DB, "%s: expected a Parapet KB database (schema %s); run `parapet kb "
                                  "build`",
                    path, PP_KB_SCHEMA_VERSION);
        goto out_fail;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, kind, title, service, resource_types, statuses, priority,"
                           " pattern, explanation, fix, commands, links, prevented_by, examples,"
                           " file, line, role, broad, rivals FROM entries ORDER BY rowid",
                           -1, &q, NULL) != SQLITE_OK)
        goto fail;
    if (!(kb = kb_new(path))) {
        st = pp_err(err, PP_E_NOMEM, "%s: out of memory", path);
        goto out_fail;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        static const char *const cols[] = {"id", "kind", "title", "service"};
        json_t *doc = json_object();
        for (int c = 0; c < 4; c++)
            json_object_set_new(doc, cols[c], json_string((const char *)sqlite3_column_text(q, c)));
        json_object_set_new(doc, "priority", json_integer(sqlite3_column_int(q, 6)));
        json_object_set_new(doc, "pattern", json_string((const char *)sqlite3_column_text(q, 7)));
        json_object_set_new(doc, "explanation",
                            json_string((const char *)sqlite3_column_text(q, 8)));
        static const struct { int col; const char *key; } lists[] = {
            {4, "resource_types"}, {5, "statuses"},      {9, "fix"},       {10, "commands"},
            {11, "links"},         {12, "prevented_by"}, {13, "examples"},
            {18, "rivals"},
        };
        for (size_t j = 0; j < PP_ARRAY_LEN(lists); j++) {
            json_t *v = json_loads((const char *)sqlite3_column_text(q, lists[j].col), 0, NULL);
            json_object_set_new(doc, lists[j].key, v ? v : json_array());
        }
        json_object_set_new(doc, "file", json_string((const char *)sqlite3_column_text(q, 14)));
        json_object_set_new(doc, "line", json_integer(sqlite3_column_int(q, 15)));
        json_object_set_new(doc, "role", json_string((const char *)sqlite3_column_text(q, 16)));
        json_object_set_new(doc, "broad", json_boolean(sqlite3_column_int(q, 17)));
        pp_status as = kb_add_entry(kb, doc, &cap, &p);
        if (as == PP_E_NOMEM || as == PP_E_LIMIT) {
            st = pp_err(err, as, "%s: %s", path, pp_status_name(as));
            goto out_fail;
        }
    }
    if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(q);
    q = NULL;
    if (p.n) {
        st = PP_E_PARSE;
        if (err && !*err)
            *err = pp_buf_steal(&p.buf);
        goto out_fail;
    }
    kb->db = db;
    if ((st = pp_kb_match_init(kb)) != PP_OK) {
        pp_err(err, st, "%s: out of memory", path);
        kb->db = NULL;
        goto out_fail;
    }
    pp_buf_free(&p.buf);
    *out = kb;
    return PP_OK;
fail:
    st = db_fail(db, path, err);
out_fail:
    sqlite3_finalize(q);
    sqlite3_close(db);
    pp_kb_free(kb);
    pp_buf_free(&p.buf);
    return st;
}
