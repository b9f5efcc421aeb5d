/* state_impl.h — the backend interface behind state.h, for engine/store/ only.
 *
 * state.c owns the public functions; each one checks its arguments and calls the backend
 * through `ops`. A backend's handle starts with a `pp_state` (its first member), so a
 * pp_state * is the backend's own struct seen through the interface:
 *
 *     struct sqlite_state { pp_state base; sqlite3 *db; };
 *
 * Backends: state_sqlite.c (a file path) and state_ddb.c (dynamodb://TABLE). Every op has the
 * contract of the public function of the same name in state.h; `close` frees the handle.
 */
#ifndef PP_STATE_IMPL_H
#define PP_STATE_IMPL_H

#include "engine/store/state.h"

typedef struct pp_state_ops {
    const char *name;   /* "sqlite", "dynamodb" */
    void (*close)(pp_state *s);
    pp_status (*outbox_add)(pp_state *s, const char *dedup, const char *dest, const char *target,
                            const char *body, int64_t *id, int *existing, char **err);
    pp_status (*outbox_claim)(pp_state *s, const char *dest, int64_t after, size_t max,
                              pp_outbox_row **rows, size_t *n, char **err);
    pp_status (*outbox_mark)(pp_state *s, int64_t id, pp_outbox_state st, long http_status,
                             const char *error, char **err);
    pp_status (*outbox_renew)(pp_state *s, int64_t id, int *held, char **err);
    pp_status (*outbox_count)(pp_state *s, const char *dest, pp_outbox_state st, size_t *n,
                              char **err);
    pp_status (*cache_get)(pp_state *s, const char *key, char **answer, char **err);
    pp_status (*cache_put)(pp_state *s, const char *key, const char *model, const char *answer,
                           char **err);
    pp_status (*explanation_put)(pp_state *s, const char *scope, const char *json,
                                 const char *text, char **err);
    pp_status (*explanation_get)(pp_state *s, const char *scope, char **json, char **text,
                                 int64_t *when, char **err);
    pp_status (*event_add)(pp_state *s, const char *scope, const char *key, const char *body,
                           int *added, char **err);
    pp_status (*event_list)(pp_state *s, const char *scope, char **lines, char **err);
    /* migrate: copy one record as it is (state, attempts, times kept); *copied 0 when the
     * target already had it. NULL in a backend that cannot be a migration target. */
    pp_status (*import)(pp_state *s, const pp_state_record *r, int *copied, char **err);
    /* migrate: every record, oldest first, to `fn` (which stops the walk by returning
     * non-PP_OK). NULL in a backend that cannot be a migration source. */
    pp_status (*each)(pp_state *s, pp_state_record_fn fn, void *ctx, char **err);
} pp_state_ops;

struct pp_state {
    const pp_state_ops *ops;
};

/* The backends' constructors (state.c picks one from the location). */
pp_status pp_state_sqlite_open(const char *path, pp_state **out, char **err);
pp_status pp_state_ddb_open(const char *table, pp_state **out, char **err);

#endif
