/* state_ddb_int.h — what the DynamoDB backend's files share (state_ddb.c: open, close, the
 * cache, explanations, events and migration; state_ddb_outbox.c: the outbox and its leases),
 * and nothing outside engine/store/state_ddb*.c includes: the handle, the limits, the small
 * request builders, and the outbox operations the ops table points at.
 */
#ifndef PP_STORE_STATE_DDB_INT_H
#define PP_STORE_STATE_DDB_INT_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/util.h"
#include "engine/net/aws.h"
#include "engine/store/ddb.h"
#include "engine/store/state_impl.h"

#define PP_DDB_TTL_EVENT_S (7 * 86400)      /* kept events: a join is minutes apart */
#define PP_DDB_TTL_CACHE_S (30 * 86400)     /* Bedrock answers */
#define PP_DDB_TTL_FINAL_S (30 * 86400)     /* delivered/failed dedup records */
#define PP_DDB_MAX_PK 2048                  /* DynamoDB's partition key limit (bytes) */
#define PP_DDB_MAX_SK 1024                  /* and sort key limit */
#define PP_DDB_MAX_CLAIMED 4096             /* rows one handle holds at once */
#define PP_DDB_ITEM_BUDGET (PP_DDB_MAX_ITEM - 8192)   /* room for keys and small attributes */
#define PP_DDB_TIMEOUT_MS 5000
/* Rows one claim takes. One: the lease then covers one delivery, not a batch that a slow
 * receiver could keep busy past the lease while another replica waits to take it over;
 * pp_notify_flush asks again for the next row. */
#define PP_DDB_CLAIM_MAX 1
#define PP_DDB_QUERY_LIMIT 25   /* pending rows read per Query page while claiming */

typedef struct claimed {
    int64_t id;
    char *dest;     /* owned */
    char *dedup;    /* owned: the key of the row's dedup record */
    int attempts;
} claimed;

typedef struct ddb_state {
    pp_state base;   /* first: a pp_state * is this struct */
    pp_aws_session *sess;
    pp_http_client *http;
    pp_aws_client client;
    pp_ddb d;
    char *table;
    char owner[96];   /* lease owner: host, pid, random */
    int lease_s;
    claimed *cl;
    size_t ncl, acl;
    unsigned seq;       /* migrate: orders events of the same second */
    int64_t last_us;    /* the last event time this handle wrote */
} ddb_state;

#define DS(s) ((ddb_state *)(s))

/* ---- small request builders (inline: each file uses its own few) ----------------------- */

static inline int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* Wall-clock microseconds: ids and event times are compared across machines, so not the
 * monotonic clock of pp_now_us. */
static inline int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline uint64_t rnd(void)
{
    uint64_t x = 0;
    if (getrandom(&x, sizeof x, 0) != (ssize_t)sizeof x)
        x = pp_now_us() ^ ((uint64_t)getpid() << 32);
    return x;
}

/* Sets o[k] = v, stealing v; returns -1 when v is NULL or the set fails. */
static inline int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static inline json_t *key_of(const char *pk, const char *sk)
{
    json_t *k = json_object();
    if (!k || put(k, "pk", pp_ddb_s(pk)) || put(k, "sk", pp_ddb_s(sk))) {
        json_decref(k);
        return NULL;
    }
    return k;
}

static inline json_t *req_new(ddb_state *q)
{
    return json_pack("{s:s}", "TableName", q->table);
}

static inline void pad_id(char *out, size_t n, const char *prefix, int64_t id)
{
    snprintf(out, n, "%s%019" PRId64, prefix, id < 0 ? 0 : id);
}

static inline pp_status nomem(char **err)
{
    return pp_err(err, PP_E_NOMEM, "out of memory");
}

static inline pp_status check_key(const char *pk, const char *sk, char **err)
{
    if (strlen(pk) > PP_DDB_MAX_PK || strlen(sk) > PP_DDB_MAX_SK)
        return pp_err(err, PP_E_LIMIT, "state table: key longer than DynamoDB allows (%d bytes "
                      "for the partition key, %d for the sort key): %.80s…", PP_DDB_MAX_PK,
                      PP_DDB_MAX_SK, pk);
    return PP_OK;
}

/* ---- shared between the files ------------------------------------------------------------ */

/* The two items of a queued row (the dedup record and, for `state` PP_OUTBOX_PENDING, the
 * pending row), written in one transaction on attribute_not_exists; *existing set when the
 * dedup key was queued before. Also used by migration (ddb_import). */
pp_status ddb_queue_items(ddb_state *q, const char *dedup, const char *dest,
                          const char *target, const char *body, int state, int attempts,
                          long last_status, const char *last_error, int64_t created,
                          int64_t delivered, int64_t *id, int *existing, char **err);

/* The outbox operations of DDB_OPS (state_impl.h has their contracts). */
pp_status ddb_outbox_add(pp_state *s, const char *dedup, const char *dest,
                         const char *target, const char *body, int64_t *id,
                         int *existing, char **err);
pp_status ddb_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
                           pp_outbox_row **rows, size_t *n, char **err);
pp_status ddb_outbox_renew(pp_state *s, int64_t id, int *held, char **err);
pp_status ddb_outbox_mark(pp_state *s, int64_t id, pp_outbox_state state,
                          long http_status, const char *error, char **err);
pp_status ddb_outbox_count(pp_state *s, const char *dest, pp_outbox_state state,
                           size_t *n, char **err);

/* GetItem (consistent read) of pk/sk: *item is the item (new reference) or NULL when there
 * is none. */
pp_status ddb_get_item(ddb_state *q, const char *pk, const char *sk, json_t **item,
                       char **err);

#endif
