/* state.c — the state store's public functions (state.h): picks the backend from the
 * location, checks what every backend would check, and dispatches through pp_state_ops
 * (state_impl.h). Also the helpers both backends share and `parapet state migrate`. */
#include "engine/store/state_impl.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/crypto.h"
#include "engine/base/util.h"

#define PP_DDB_SCHEME "dynamodb://"

void pp_state_hash(const char *s, char out[65])
{
    pp_sha256_hex(s ? s : "", s ? strlen(s) : 0, out);
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

char *pp_state_default_location(void)
{
    const char *e = getenv("PARAPET_STATE");
    if (e && *e)
        return pp_strdup(e);
    return pp_state_default_path();
}

int pp_state_is_ddb(const char *location)
{
    return location && strncmp(location, PP_DDB_SCHEME, sizeof PP_DDB_SCHEME - 1) == 0;
}

pp_status pp_state_open(const char *location, pp_state **out, char **err)
{
    *out = NULL;
    if (!location || !*location)
        return pp_err(err, PP_E_USAGE, "state: no location (set --state, PARAPET_STATE, "
                      "XDG_STATE_HOME or HOME)");
    if (pp_state_is_ddb(location))
        return pp_state_ddb_open(location + sizeof PP_DDB_SCHEME - 1, out, err);
    if (strstr(location, "://"))
        return pp_err(err, PP_E_USAGE, "state: '%.200s' is neither a file path nor "
                      "dynamodb://TABLE", location);
    return pp_state_sqlite_open(location, out, err);
}

void pp_state_close(pp_state *s)
{
    if (s)
        s->ops->close(s);
}

const char *pp_state_backend(const pp_state *s)
{
    return s ? s->ops->name : "";
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
    return s->ops->outbox_add(s, dedup, dest, target, body, id, existing, err);
}

pp_status pp_state_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
                                pp_outbox_row **rows, size_t *n, char **err)
{
    *rows = NULL;
    *n = 0;
    if (max == 0)
        return PP_OK;
    return s->ops->outbox_claim(s, dest, after, max, rows, n, err);
}

pp_status pp_state_outbox_mark(pp_state *s, int64_t id, pp_outbox_state st, long http_status,
                               const char *error, char **err)
{
    return s->ops->outbox_mark(s, id, st, http_status, error, err);
}

pp_status pp_state_outbox_renew(pp_state *s, int64_t id, int *held, char **err)
{
    *held = 0;
    return s->ops->outbox_renew(s, id, held, err);
}

pp_status pp_state_outbox_count(pp_state *s, const char *dest, pp_outbox_state st, size_t *n,
                                char **err)
{
    *n = 0;
    return s->ops->outbox_count(s, dest, st, n, err);
}

pp_status pp_state_cache_get(pp_state *s, const char *key, char **answer, char **err)
{
    *answer = NULL;
    return s->ops->cache_get(s, key, answer, err);
}

pp_status pp_state_cache_put(pp_state *s, const char *key, const char *model, const char *answer,
                             char **err)
{
    if (strlen(answer) > PP_STATE_MAX_BODY)
        return pp_err(err, PP_E_LIMIT, "cache: answer too large");
    return s->ops->cache_put(s, key, model, answer, err);
}

pp_status pp_state_explanation_put(pp_state *s, const char *scope, const char *json,
                                   const char *text, char **err)
{
    return s->ops->explanation_put(s, scope, json, text, err);
}

pp_status pp_state_explanation_get(pp_state *s, const char *scope, char **json, char **text,
                                   int64_t *when, char **err)
{
    *json = NULL;
    if (text)
        *text = NULL;
    if (when)
        *when = 0;
    return s->ops->explanation_get(s, scope, json, text, when, err);
}

pp_status pp_state_event_add(pp_state *s, const char *scope, const char *key, const char *body,
                             int *added, char **err)
{
    *added = 0;
    return s->ops->event_add(s, scope, key, body, added, err);
}

pp_status pp_state_event_list(pp_state *s, const char *scope, char **lines, char **err)
{
    *lines = NULL;
    return s->ops->event_list(s, scope, lines, err);
}

/* ---- migration ------------------------------------------------------------------------- */

typedef struct migrate_ctx {
    pp_state *to;
    pp_state_migrate_stats *stats;
} migrate_ctx;

static pp_status migrate_one(void *ctx, const pp_state_record *r, char **err)
{
    migrate_ctx *m = ctx;
    int copied = 0;
    pp_status st = m->to->ops->import(m->to, r, &copied, err);
    if (st == PP_OK) {
        m->stats->seen[r->kind]++;
        m->stats->copied[r->kind] += copied ? 1 : 0;
    }
    return st;
}

pp_status pp_state_migrate(pp_state *from, pp_state *to, pp_state_migrate_stats *stats,
                           char **err)
{
    memset(stats, 0, sizeof *stats);
    if (!from->ops->each)
        return pp_err(err, PP_E_USAGE, "state migrate: the source must be a SQLite file");
    if (!to->ops->import)
        return pp_err(err, PP_E_USAGE, "state migrate: the target must be dynamodb://TABLE");
    migrate_ctx m = { to, stats };
    return from->ops->each(from, migrate_one, &m, err);
}
