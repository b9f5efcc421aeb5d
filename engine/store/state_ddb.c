/* state_ddb.c — the DynamoDB backend of the state store (state_impl.h): one table shared by
 * every Lambda environment and `serve` replica, single-table design, JSON 1.0 over
 * engine/net (SigV4, credential chain, endpoints) with the retries of ddb.h.
 *
 * Items (key pk, sk: both strings; TTL attribute expires_at; docs/chatops.md has the table):
 *   outbox#DEST    dedup#DEDUP      the dedup record: id, target, state, attempts,
 *                                   last_status, last_error, created_at, delivered_at;
 *                                   expires_at once final
 *   outbox#DEST    pending#ID       a deliverable row (ID zero-padded to 19 digits so the
 *                                   sort key orders by id): id, dedup, target, body,
 *                                   attempts, lease_owner, lease_until
 *   explanation#SCOPE  -            json, text, updated_at
 *   cache#KEY      -                model, answer, created_at, expires_at
 *   event#SCOPE    KEY              body, received_us, expires_at
 * Queueing writes the dedup record and the pending row in one transaction, each on
 * attribute_not_exists, so a message is queued once across every replica; delivering
 * deletes the pending row and finalises the record in one transaction, on the lease. */
#include "engine/store/state_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/aws.h"
#include "engine/store/ddb.h"

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

static const pp_state_ops DDB_OPS;

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* Wall-clock microseconds: ids and event times are compared across machines, so not the
 * monotonic clock of pp_now_us. */
static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t rnd(void)
{
    uint64_t x = 0;
    if (getrandom(&x, sizeof x, 0) != (ssize_t)sizeof x)
        x = pp_now_us() ^ ((uint64_t)getpid() << 32);
    return x;
}

static pp_status send_aws(void *ctx, const char *target, const char *body, pp_http_resp *out,
                          char **err)
{
    ddb_state *q = ctx;
    char th[128];
    snprintf(th, sizeof th, "X-Amz-Target: %s", target);
    const char *hdrs[1] = { th };
    return pp_aws_client_post(&q->client, "/", "application/x-amz-json-1.0", hdrs, 1, body, out,
                              err);
}

/* ---- request building ------------------------------------------------------------------ */

/* Sets o[k] = v, stealing v; returns -1 when v is NULL or the set fails. */
static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static json_t *key_of(const char *pk, const char *sk)
{
    json_t *k = json_object();
    if (!k || put(k, "pk", pp_ddb_s(pk)) || put(k, "sk", pp_ddb_s(sk))) {
        json_decref(k);
        return NULL;
    }
    return k;
}

static json_t *req_new(ddb_state *q)
{
    return json_pack("{s:s}", "TableName", q->table);
}

static void pad_id(char *out, size_t n, const char *prefix, int64_t id)
{
    snprintf(out, n, "%s%019" PRId64, prefix, id < 0 ? 0 : id);
}

static pp_status nomem(char **err)
{
    return pp_err(err, PP_E_NOMEM, "out of memory");
}

static pp_status check_key(const char *pk, const char *sk, char **err)
{
    if (strlen(pk) > PP_DDB_MAX_PK || strlen(sk) > PP_DDB_MAX_SK)
        return pp_err(err, PP_E_LIMIT, "state table: key longer than DynamoDB allows (%d bytes "
                      "for the partition key, %d for the sort key): %.80s…", PP_DDB_MAX_PK,
                      PP_DDB_MAX_SK, pk);
    return PP_OK;
}

/* ---- open / close ---------------------------------------------------------------------- */

static int table_name_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 3 || n > 255)
        return 0;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return 0;
    return 1;
}

static void ddb_close(pp_state *s)
{
    ddb_state *q = DS(s);
    if (!q)
        return;
    for (size_t i = 0; i < q->ncl; i++) {
        free(q->cl[i].dest);
        free(q->cl[i].dedup);
    }
    free(q->cl);
    pp_aws_client_free(&q->client);
    pp_http_client_free(q->http);
    pp_aws_session_free(q->sess);
    free(q->table);
    free(q);
}

/* The table must exist with the key schema the items above need. */
static pp_status check_table(ddb_state *q, char **err)
{
    json_t *req = req_new(q), *ans = NULL;
    if (!req)
        return nomem(err);
    pp_status st = pp_ddb_call(&q->d, "DescribeTable", req, &ans, NULL, err);
    json_decref(req);
    if (st == PP_E_NOTFOUND) {
        free(*err);
        *err = NULL;
        return pp_err(err, PP_E_NOTFOUND, "state table %s does not exist in %s (the deploy "
                      "template hooks/deploy/parapet-hook.yaml creates it; see docs/chatops.md)",
                      q->table, pp_aws_session_region(q->sess) ? pp_aws_session_region(q->sess)
                                                                : "the configured region");
    }
    if (st != PP_OK)
        return st;
    json_t *ks = json_object_get(json_object_get(ans, "Table"), "KeySchema");
    int hash = 0, range = 0;
    size_t i;
    json_t *k;
    json_array_foreach(ks, i, k) {
        const char *n = json_string_value(json_object_get(k, "AttributeName"));
        const char *t = json_string_value(json_object_get(k, "KeyType"));
        hash += n && t && strcmp(n, "pk") == 0 && strcmp(t, "HASH") == 0;
        range += n && t && strcmp(n, "sk") == 0 && strcmp(t, "RANGE") == 0;
    }
    size_t nkeys = json_array_size(ks);
    json_decref(ans);
    if (hash != 1 || range != 1 || nkeys != 2)
        return pp_err(err, PP_E_DB, "state table %s: its key schema is not pk (HASH) + sk "
                      "(RANGE), the one Parapet's items need (docs/chatops.md)", q->table);
    return PP_OK;
}

pp_status pp_state_ddb_open(const char *table, pp_state **out, char **err)
{
    *out = NULL;
    if (!table_name_ok(table))
        return pp_err(err, PP_E_USAGE, "state: dynamodb://%.260s: a table name is 3 to 255 of "
                      "A-Z a-z 0-9 _ - .", table);
    ddb_state *q = calloc(1, sizeof *q);
    if (!q)
        return nomem(err);
    q->base.ops = &DDB_OPS;
    pp_status st = PP_E_NOMEM;
    q->table = pp_strdup(table);
    q->http = pp_http_client_new();
    if (!q->table || !q->http) {
        st = nomem(err);
        goto fail;
    }
    pp_aws_session_opts so = { 0 };
    if ((st = pp_aws_session_new(&so, &q->sess, err)) != PP_OK)
        goto fail;
    if ((st = pp_aws_client_init(&q->client, q->sess, q->http, PP_SVC_DYNAMODB, NULL, err)) !=
        PP_OK)
        goto fail;
    q->client.max_attempts = 1;   /* the retries are pp_ddb_call's */
    q->client.timeout_ms = PP_DDB_TIMEOUT_MS;
    q->d.send = send_aws;
    q->d.send_ctx = q;
    q->d.table = q->table;
    q->lease_s = PP_STATE_CLAIM_SECONDS;
    const char *ls = getenv("PARAPET_STATE_LEASE_SECONDS");
    long v;
    if (ls && *ls) {
        if (pp_parse_long(ls, 1, 3600, &v) != 0) {
            st = pp_err(err, PP_E_USAGE, "PARAPET_STATE_LEASE_SECONDS must be 1..3600");
            goto fail;
        }
        q->lease_s = (int)v;
    }
    char host[64] = "host";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    snprintf(q->owner, sizeof q->owner, "%.60s:%ld:%08" PRIx32, host, (long)getpid(),
             (uint32_t)rnd());
    if ((st = check_table(q, err)) != PP_OK)
        goto fail;
    *out = &q->base;
    return PP_OK;
fail:
    ddb_close(&q->base);
    return st;
}

/* ---- outbox ---------------------------------------------------------------------------- */

/* A new row id: milliseconds since the epoch and six random digits, so ids from every
 * replica sort by the time they were queued and do not collide (a collision fails the
 * transaction's condition and is retried with another id). */
static int64_t new_id(void)
{
    return wall_us() / 1000 * 1000000 + (int64_t)(rnd() % 1000000);
}

static pp_status get_item(ddb_state *q, const char *pk, const char *sk, json_t **item,
                          char **err)
{
    *item = NULL;
    json_t *req = req_new(q), *ans = NULL;
    if (!req || put(req, "Key", key_of(pk, sk)) || put(req, "ConsistentRead", json_true())) {
        json_decref(req);
        return nomem(err);
    }
    pp_status st = pp_ddb_call(&q->d, "GetItem", req, &ans, NULL, err);
    json_decref(req);
    if (st == PP_OK) {
        json_t *it = json_object_get(ans, "Item");
        if (it)
            *item = json_incref(it);
        json_decref(ans);
    }
    return st;
}

/* The two items of a queued row. `state` PP_OUTBOX_PENDING adds the pending row. */
static pp_status queue_items(ddb_state *q, const char *dedup, const char *dest,
                             const char *target, const char *body, int state, int attempts,
                             long last_status, const char *last_error, int64_t created,
                             int64_t delivered, int64_t *id, int *existing, char **err)
{
    char pk[PP_DDB_MAX_PK + 16], sk_rec[PP_DDB_MAX_SK + 16], sk_row[40];
    snprintf(pk, sizeof pk, "outbox#%s", dest);
    snprintf(sk_rec, sizeof sk_rec, "dedup#%s", dedup);
    pp_status st = check_key(pk, sk_rec, err);
    if (st != PP_OK || strlen(dest) > PP_DDB_MAX_PK - 16 || strlen(dedup) > PP_DDB_MAX_SK - 16)
        return st != PP_OK ? st : pp_err(err, PP_E_LIMIT, "outbox: key too long");
    char *fitted = NULL;
    if (state == PP_OUTBOX_PENDING &&
        (st = pp_ddb_fit_json(body, PP_DDB_ITEM_BUDGET, &fitted, "a queued message", err)) != PP_OK)
        return st;
    if (fitted)
        body = fitted;
    for (int tries = 0; tries < 4; tries++) {
        int64_t nid = new_id();
        pad_id(sk_row, sizeof sk_row, "pending#", nid);
        json_t *rec = key_of(pk, sk_rec);
        if (!rec || put(rec, "id", pp_ddb_n(nid)) || put(rec, "target", pp_ddb_s(target)) ||
            put(rec, "state", pp_ddb_n(state)) || put(rec, "attempts", pp_ddb_n(attempts)) ||
            put(rec, "created_at", pp_ddb_n(created)) ||
            (last_status && put(rec, "last_status", pp_ddb_n(last_status))) ||
            (last_error && put(rec, "last_error", pp_ddb_s(last_error))) ||
            (delivered && put(rec, "delivered_at", pp_ddb_n(delivered))) ||
            (state != PP_OUTBOX_PENDING &&
             put(rec, "expires_at", pp_ddb_n(now_s() + PP_DDB_TTL_FINAL_S)))) {
            json_decref(rec);
            st = nomem(err);
            break;
        }
        json_t *items = json_array(), *req = NULL;
        json_t *p1 = json_pack("{s:{s:s,s:o,s:s}}", "Put", "TableName", q->table, "Item", rec,
                               "ConditionExpression", "attribute_not_exists(pk)");
        json_array_append_new(items, p1);
        if (state == PP_OUTBOX_PENDING) {
            json_t *row = key_of(pk, sk_row);
            if (!row || put(row, "id", pp_ddb_n(nid)) || put(row, "dedup", pp_ddb_s(dedup)) ||
                put(row, "target", pp_ddb_s(target)) || put(row, "body", pp_ddb_s(body)) ||
                put(row, "attempts", pp_ddb_n(attempts))) {
                json_decref(row);
                json_decref(items);
                st = nomem(err);
                break;
            }
            json_array_append_new(items, json_pack("{s:{s:s,s:o,s:s}}", "Put", "TableName",
                                                   q->table, "Item", row, "ConditionExpression",
                                                   "attribute_not_exists(pk)"));
            req = json_pack("{s:o}", "TransactItems", items);
        } else {
            json_t *put1 = json_object_get(json_array_get(items, 0), "Put");
            req = json_deep_copy(put1);
            json_decref(items);
        }
        if (!req || !p1) {
            json_decref(req);
            st = nomem(err);
            break;
        }
        int cond = 0;
        json_t *ans = NULL;
        st = pp_ddb_call(&q->d, state == PP_OUTBOX_PENDING ? "TransactWriteItems" : "PutItem",
                         req, &ans, &cond, err);
        json_decref(req);
        json_decref(ans);
        if (st != PP_OK)
            break;
        if (!cond) {
            *id = nid;
            break;
        }
        /* someone has this dedup key already (or, rarely, the row id): which one? */
        json_t *it = NULL;
        if ((st = get_item(q, pk, sk_rec, &it, err)) != PP_OK)
            break;
        if (it) {
            int64_t eid = 0, est = 0;
            pp_ddb_item_n(it, "id", &eid);
            pp_ddb_item_n(it, "state", &est);
            json_decref(it);
            *id = eid;
            *existing = (int)est;
            break;
        }
        if (tries == 3)
            st = pp_err(err, PP_E_DB, "outbox: could not queue a message (the table refused "
                        "four row ids in a row)");
    }
    free(fitted);
    return st;
}

static pp_status ddb_outbox_add(pp_state *s, const char *dedup, const char *dest,
                                const char *target, const char *body, int64_t *id,
                                int *existing, char **err)
{
    return queue_items(DS(s), dedup, dest, target, body, PP_OUTBOX_PENDING, 0, 0, NULL, now_s(),
                       0, id, existing, err);
}

static claimed *find_claim(ddb_state *q, int64_t id)
{
    for (size_t i = 0; i < q->ncl; i++)
        if (q->cl[i].id == id)
            return &q->cl[i];
    return NULL;
}

static void drop_claim(ddb_state *q, claimed *c)
{
    free(c->dest);
    free(c->dedup);
    *c = q->cl[--q->ncl];
}

static int remember_claim(ddb_state *q, int64_t id, const char *dest, const char *dedup,
                          int attempts)
{
    claimed *c = find_claim(q, id);
    if (c) {
        c->attempts = attempts;
        return 0;
    }
    if (q->ncl == q->acl) {
        if (q->acl >= PP_DDB_MAX_CLAIMED)
            return -1;
        size_t na = q->acl ? q->acl * 2 : 16;
        claimed *n = realloc(q->cl, na * sizeof *n);
        if (!n)
            return -1;
        q->cl = n;
        q->acl = na;
    }
    char *d = pp_strdup(dest), *k = pp_strdup(dedup);
    if (!d || !k) {
        free(d);
        free(k);
        return -1;
    }
    q->cl[q->ncl++] = (claimed){ id, d, k, attempts };
    return 0;
}

/* Takes the lease on one pending row. *got 0 when someone else holds it or it is gone. */
static pp_status take_lease(ddb_state *q, json_t *key, json_t **row, int *got, char **err)
{
    *got = 0;
    *row = NULL;
    int64_t now = now_s();
    json_t *req = req_new(q), *ans = NULL;
    json_t *vals = json_object();
    if (!req || !vals || put(req, "Key", json_incref(key)) ||
        put(req, "UpdateExpression", json_string("SET #lo = :me, #lu = :until")) ||
        put(req, "ConditionExpression",
            json_string("attribute_exists(pk) AND (attribute_not_exists(#lu) OR #lu < :now OR "
                        "#lo = :me)")) ||
        put(vals, ":me", pp_ddb_s(q->owner)) || put(vals, ":until", pp_ddb_n(now + q->lease_s)) ||
        put(vals, ":now", pp_ddb_n(now)) ||
        put(req, "ExpressionAttributeNames", json_pack("{s:s,s:s}", "#lo", "lease_owner", "#lu",
                                                       "lease_until")) ||
        put(req, "ExpressionAttributeValues", json_incref(vals)) ||
        put(req, "ReturnValues", json_string("ALL_NEW"))) {
        json_decref(vals);
        json_decref(req);
        return nomem(err);
    }
    json_decref(vals);
    int cond = 0;
    pp_status st = pp_ddb_call(&q->d, "UpdateItem", req, &ans, &cond, err);
    json_decref(req);
    if (st == PP_OK && !cond) {
        *row = json_incref(json_object_get(ans, "Attributes"));
        *got = *row != NULL;
    }
    json_decref(ans);
    return st;
}

static pp_status ddb_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
                                  pp_outbox_row **rows, size_t *n, char **err)
{
    ddb_state *q = DS(s);
    char pk[PP_DDB_MAX_PK + 16], lo[40], hi[40];
    snprintf(pk, sizeof pk, "outbox#%s", dest);
    pad_id(lo, sizeof lo, "pending#", after < 0 ? 0 : after + 1);
    snprintf(hi, sizeof hi, "pending#9999999999999999999");
    pp_status st = check_key(pk, lo, err);
    if (st != PP_OK)
        return st;
    if (max > PP_DDB_CLAIM_MAX)
        max = PP_DDB_CLAIM_MAX;
    pp_outbox_row *r = calloc(max, sizeof *r);
    if (!r)
        return nomem(err);
    size_t k = 0;
    json_t *start = NULL;
    int64_t now = now_s();
    for (unsigned page = 0; page < PP_DDB_MAX_PAGES && k < max && st == PP_OK; page++) {
        json_t *req = req_new(q), *ans = NULL;
        if (!req ||
            put(req, "KeyConditionExpression", json_string("pk = :p AND sk BETWEEN :lo AND :hi")) ||
            put(req, "ExpressionAttributeValues",
                json_pack("{s:o,s:o,s:o}", ":p", pp_ddb_s(pk), ":lo", pp_ddb_s(lo), ":hi",
                          pp_ddb_s(hi))) ||
            put(req, "ConsistentRead", json_true()) ||
            put(req, "Limit", json_integer(PP_DDB_QUERY_LIMIT)) ||
            (start && put(req, "ExclusiveStartKey", start))) {
            json_decref(req);
            st = nomem(err);
            break;
        }
        start = NULL;
        st = pp_ddb_call(&q->d, "Query", req, &ans, NULL, err);
        json_decref(req);
        if (st != PP_OK)
            break;
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(ans, "Items"), i, it) {
            if (k >= max || st != PP_OK)
                break;
            const char *own = pp_ddb_item_s(it, "lease_owner");
            int64_t until = 0;
            if (own && strcmp(own, q->owner) != 0 && pp_ddb_item_n(it, "lease_until", &until) == 0 &&
                until >= now)
                continue;   /* another sender holds it */
            json_t *key = json_pack("{s:O,s:O}", "pk", json_object_get(it, "pk"), "sk",
                                    json_object_get(it, "sk"));
            json_t *row = NULL;
            int got = 0;
            st = key ? take_lease(q, key, &row, &got, err) : nomem(err);
            json_decref(key);
            if (st != PP_OK || !got) {
                json_decref(row);
                continue;   /* someone else has it */
            }
            int64_t id = 0, att = 0;
            const char *dd = pp_ddb_item_s(row, "dedup"), *tg = pp_ddb_item_s(row, "target"),
                       *bd = pp_ddb_item_s(row, "body");
            if (pp_ddb_item_n(row, "id", &id) != 0 || !dd || !tg || !bd) {
                json_decref(row);
                continue;   /* not one of ours: leave it */
            }
            pp_ddb_item_n(row, "attempts", &att);
            r[k].id = id;
            r[k].attempts = (int)att;
            r[k].dedup = pp_strdup(dd);
            r[k].target = pp_strdup(tg);
            r[k].body = pp_strdup(bd);
            k++;
            json_decref(row);
            if (!r[k - 1].dedup || !r[k - 1].target || !r[k - 1].body ||
                remember_claim(q, id, dest, r[k - 1].dedup, (int)att) != 0)
                st = nomem(err);
        }
        json_t *lek = json_object_get(ans, "LastEvaluatedKey");
        start = lek ? json_incref(lek) : NULL;
        json_decref(ans);
        if (!start)
            break;
    }
    json_decref(start);
    if (st != PP_OK) {
        pp_state_rows_free(r, k);
        return st;
    }
    *rows = r;
    *n = k;
    return PP_OK;
}

static pp_status ddb_outbox_mark(pp_state *s, int64_t id, pp_outbox_state state,
                                 long http_status, const char *error, char **err)
{
    ddb_state *q = DS(s);
    claimed *c = find_claim(q, id);
    if (!c)
        return pp_err(err, PP_E_USAGE, "outbox: row %lld is not claimed by this process",
                      (long long)id);
    char pk[PP_DDB_MAX_PK + 16], sk_row[40];
    snprintf(pk, sizeof pk, "outbox#%s", c->dest);
    pad_id(sk_row, sizeof sk_row, "pending#", id);
    char *errtxt = error ? pp_strdup(error) : NULL;
    if (errtxt && strlen(errtxt) > 1000)
        errtxt[1000] = '\0';
    json_t *vals = json_pack("{s:o,s:o,s:o}", ":me", pp_ddb_s(q->owner), ":ls",
                             pp_ddb_n(http_status), ":le", pp_ddb_s(errtxt ? errtxt : ""));
    json_t *req = NULL;
    const char *op;
    if (state == PP_OUTBOX_PENDING) {
        op = "UpdateItem";
        req = req_new(q);
        if (req && vals && !put(req, "Key", key_of(pk, sk_row)) &&
            !put(vals, ":one", pp_ddb_n(1)) &&
            !put(req, "UpdateExpression",
                 json_string("SET #at = #at + :one, #ls = :ls, #le = :le REMOVE #lo, #lu")) &&
            !put(req, "ConditionExpression", json_string("#lo = :me")) &&
            !put(req, "ExpressionAttributeNames",
                 json_pack("{s:s,s:s,s:s,s:s,s:s}", "#at", "attempts", "#ls", "last_status", "#le",
                           "last_error", "#lo", "lease_owner", "#lu", "lease_until")) &&
            !put(req, "ExpressionAttributeValues", json_incref(vals))) {
        } else {
            json_decref(req);
            req = NULL;
        }
    } else {
        op = "TransactWriteItems";
        json_t *recs = NULL;
        char *rec_sk = pp_asprintf("dedup#%s", c->dedup);
        json_t *v2 = json_pack("{s:o,s:o,s:o,s:o,s:o}", ":st", pp_ddb_n(state), ":at",
                               pp_ddb_n(c->attempts + 1), ":ls", pp_ddb_n(http_status), ":le",
                               pp_ddb_s(errtxt ? errtxt : ""), ":x",
                               pp_ddb_n(now_s() + PP_DDB_TTL_FINAL_S));
        if (v2 && state == PP_OUTBOX_DELIVERED)
            put(v2, ":dl", pp_ddb_n(now_s()));
        json_t *nm = json_pack("{s:s,s:s,s:s,s:s}", "#st", "state", "#at", "attempts", "#ls",
                               "last_status", "#le", "last_error");
        if (nm && state == PP_OUTBOX_DELIVERED)
            put(nm, "#dl", json_string("delivered_at"));
        recs = rec_sk && v2 && nm
                   ? json_pack("{s:{s:s,s:o,s:s,s:O,s:O}}", "Update", "TableName", q->table, "Key",
                               key_of(pk, rec_sk), "UpdateExpression",
                               state == PP_OUTBOX_DELIVERED
                                   ? "SET #st = :st, #at = :at, #ls = :ls, #le = :le, "
                                     "expires_at = :x, #dl = :dl"
                                   : "SET #st = :st, #at = :at, #ls = :ls, #le = :le, "
                                     "expires_at = :x",
                               "ExpressionAttributeNames", nm, "ExpressionAttributeValues", v2)
                   : NULL;
        json_decref(nm);
        json_decref(v2);
        free(rec_sk);
        json_t *del = vals ? json_pack("{s:{s:s,s:o,s:s,s:{s:s},s:{s:O}}}", "Delete", "TableName",
                                       q->table, "Key", key_of(pk, sk_row), "ConditionExpression",
                                       "#lo = :me", "ExpressionAttributeNames", "#lo",
                                       "lease_owner", "ExpressionAttributeValues", ":me",
                                       json_object_get(vals, ":me"))
                           : NULL;
        if (recs && del)
            req = json_pack("{s:[o,o]}", "TransactItems", del, recs);
        else {
            json_decref(recs);
            json_decref(del);
        }
    }
    json_decref(vals);
    free(errtxt);
    if (!req)
        return nomem(err);
    int cond = 0;
    json_t *ans = NULL;
    pp_status st = pp_ddb_call(&q->d, op, req, &ans, &cond, err);
    json_decref(req);
    json_decref(ans);
    if (st == PP_OK && cond)
        st = pp_err(err, PP_E_DB, "outbox: the lease on row %lld expired before its outcome was "
                    "recorded; another process may send it again (raise "
                    "PARAPET_STATE_LEASE_SECONDS above the longest delivery)", (long long)id);
    if (st == PP_OK && state == PP_OUTBOX_PENDING)
        c->attempts++;
    drop_claim(q, c);
    return st;
}

/* Sums Count over every page of a Query or Scan. */
static pp_status count_pages(ddb_state *q, const char *op, json_t *req, size_t *n, char **err)
{
    *n = 0;
    pp_status st = PP_OK;
    for (unsigned page = 0; page < PP_DDB_MAX_PAGES; page++) {
        json_t *ans = NULL;
        st = pp_ddb_call(&q->d, op, req, &ans, NULL, err);
        if (st != PP_OK)
            break;
        json_int_t c = json_integer_value(json_object_get(ans, "Count"));
        *n += c > 0 ? (size_t)c : 0;
        json_t *lek = json_object_get(ans, "LastEvaluatedKey");
        if (lek)
            json_object_set(req, "ExclusiveStartKey", lek);   /* does not steal */
        json_decref(ans);
        if (!lek)
            break;
    }
    return st;
}

static pp_status ddb_outbox_count(pp_state *s, const char *dest, pp_outbox_state state,
                                  size_t *n, char **err)
{
    ddb_state *q = DS(s);
    int pending = state == PP_OUTBOX_PENDING;
    json_t *req = req_new(q);
    json_t *vals = json_pack("{s:o}", ":pre", pp_ddb_s(pending ? "pending#" : "dedup#"));
    char *pk = dest ? pp_asprintf("outbox#%s", dest) : NULL;
    int bad = !req || !vals || (dest && !pk) || put(req, "Select", json_string("COUNT"));
    if (!bad && dest) {
        bad = put(vals, ":p", pp_ddb_s(pk)) ||
              put(req, "KeyConditionExpression", json_string("pk = :p AND begins_with(sk, :pre)")) ||
              put(req, "ConsistentRead", json_true());
        if (!bad && !pending)
            bad = put(req, "FilterExpression", json_string("#st = :st"));
    } else if (!bad) {
        bad = put(req, "FilterExpression",
                  json_string(pending ? "begins_with(pk, :o) AND begins_with(sk, :pre)"
                                      : "begins_with(pk, :o) AND begins_with(sk, :pre) AND "
                                        "#st = :st")) ||
              put(vals, ":o", pp_ddb_s("outbox#"));
    }
    if (!bad && !pending)
        bad = put(vals, ":st", pp_ddb_n(state)) ||
              put(req, "ExpressionAttributeNames", json_pack("{s:s}", "#st", "state"));
    if (!bad)
        bad = put(req, "ExpressionAttributeValues", json_incref(vals));
    json_decref(vals);
    free(pk);
    pp_status st = bad ? nomem(err) : count_pages(q, dest ? "Query" : "Scan", req, n, err);
    json_decref(req);
    return st;
}

/* ---- cache, explanations, events ------------------------------------------------------- */

static pp_status put_item(ddb_state *q, json_t *item, const char *cond, json_t *vals,
                          int *conditional, char **err)
{
    json_t *req = req_new(q), *ans = NULL;
    if (!req || !item || put(req, "Item", item) ||
        (cond && put(req, "ConditionExpression", json_string(cond))) ||
        (vals && put(req, "ExpressionAttributeValues", json_incref(vals)))) {
        json_decref(req);
        return nomem(err);
    }
    if (cond && strstr(cond, "#up"))
        put(req, "ExpressionAttributeNames", json_pack("{s:s}", "#up", "updated_at"));
    pp_status st = pp_ddb_call(&q->d, "PutItem", req, &ans, conditional, err);
    json_decref(req);
    json_decref(ans);
    return st;
}

static pp_status cache_write(ddb_state *q, const char *key, const char *model,
                             const char *answer, int64_t created, int only_new, int *copied,
                             char **err)
{
    char *pk = pp_asprintf("cache#%s", key);
    if (!pk)
        return nomem(err);
    pp_status st = check_key(pk, "-", err);
    json_t *it = st == PP_OK ? key_of(pk, "-") : NULL;
    free(pk);
    if (st != PP_OK)
        return st;
    if (!it || put(it, "model", pp_ddb_s(model ? model : "")) ||
        put(it, "answer", pp_ddb_s(answer)) || put(it, "created_at", pp_ddb_n(created)) ||
        put(it, "expires_at", pp_ddb_n(created + PP_DDB_TTL_CACHE_S))) {
        json_decref(it);
        return nomem(err);
    }
    if (pp_ddb_item_size(it) > PP_DDB_MAX_ITEM) {
        json_decref(it);
        return pp_err(err, PP_E_LIMIT, "cache: answer over DynamoDB's 400 KB item limit; not "
                      "cached");
    }
    int cond = 0;
    st = put_item(q, it, only_new ? "attribute_not_exists(pk)" : NULL, NULL, &cond, err);
    if (copied)
        *copied = st == PP_OK && !cond;
    return st;
}

static pp_status ddb_cache_get(pp_state *s, const char *key, char **answer, char **err)
{
    ddb_state *q = DS(s);
    char *pk = pp_asprintf("cache#%s", key);
    if (!pk)
        return nomem(err);
    json_t *it = NULL;
    pp_status st = check_key(pk, "-", err);
    if (st == PP_OK)
        st = get_item(q, pk, "-", &it, err);
    free(pk);
    int64_t exp = 0;
    const char *a = pp_ddb_item_s(it, "answer");
    /* TTL deletes within days, not at once: an expired item still read is a miss */
    if (st == PP_OK && a && !(pp_ddb_item_n(it, "expires_at", &exp) == 0 && exp < now_s())) {
        *answer = pp_strdup(a);
        if (!*answer)
            st = nomem(err);
    }
    json_decref(it);
    return st;
}

static pp_status ddb_cache_put(pp_state *s, const char *key, const char *model,
                               const char *answer, char **err)
{
    return cache_write(DS(s), key, model, answer, now_s(), 0, NULL, err);
}

static pp_status explanation_write(ddb_state *q, const char *scope, const char *json,
                                   const char *text, int64_t when, int only_newer, int *copied,
                                   char **err)
{
    char *pk = pp_asprintf("explanation#%s", scope);
    if (!pk)
        return nomem(err);
    pp_status st = check_key(pk, "-", err);
    char *fitted = NULL;
    /* over the item limit: the chat rendering goes first (it is rebuilt from the JSON), then
     * the JSON's long strings are cut (docs/chatops.md) */
    if (st == PP_OK && text && strlen(json) + strlen(text) > PP_DDB_ITEM_BUDGET)
        text = NULL;
    if (st == PP_OK)
        st = pp_ddb_fit_json(json, PP_DDB_ITEM_BUDGET, &fitted, "an explanation", err);
    json_t *it = st == PP_OK ? key_of(pk, "-") : NULL;
    free(pk);
    if (st == PP_OK &&
        (!it || put(it, "json", pp_ddb_s(fitted ? fitted : json)) ||
         (text && put(it, "text", pp_ddb_s(text))) || put(it, "updated_at", pp_ddb_n(when))))
        st = nomem(err);
    free(fitted);
    if (st != PP_OK) {
        json_decref(it);
        return st;
    }
    json_t *vals = only_newer ? json_pack("{s:o}", ":u", pp_ddb_n(when)) : NULL;
    int cond = 0;
    st = put_item(q, it, only_newer ? "attribute_not_exists(pk) OR #up < :u" : NULL, vals, &cond,
                  err);
    json_decref(vals);
    if (copied)
        *copied = st == PP_OK && !cond;
    return st;
}

static pp_status ddb_explanation_put(pp_state *s, const char *scope, const char *json,
                                     const char *text, char **err)
{
    return explanation_write(DS(s), scope, json, text, now_s(), 0, NULL, err);
}

static pp_status ddb_explanation_get(pp_state *s, const char *scope, char **json, char **text,
                                     int64_t *when, char **err)
{
    ddb_state *q = DS(s);
    char *pk = pp_asprintf("explanation#%s", scope);
    if (!pk)
        return nomem(err);
    json_t *it = NULL;
    pp_status st = check_key(pk, "-", err);
    if (st == PP_OK)
        st = get_item(q, pk, "-", &it, err);
    free(pk);
    const char *j = pp_ddb_item_s(it, "json");
    if (st == PP_OK && j) {
        *json = pp_strdup(j);
        const char *t = pp_ddb_item_s(it, "text");
        if (text && t)
            *text = pp_strdup(t);
        int64_t w = 0;
        if (when && pp_ddb_item_n(it, "updated_at", &w) == 0)
            *when = w;
        if (!*json || (text && t && !*text)) {
            free(*json);
            *json = NULL;
            if (text)
                PP_FREE(*text);
            st = nomem(err);
        }
    }
    json_decref(it);
    return st;
}

static pp_status event_write(ddb_state *q, const char *scope, const char *key, const char *body,
                             int64_t received_us, int *added, char **err)
{
    *added = 0;
    char *pk = pp_asprintf("event#%s", scope);
    if (!pk)
        return nomem(err);
    pp_status st = check_key(pk, key, err);
    json_t *it = st == PP_OK ? key_of(pk, key) : NULL;
    free(pk);
    if (st != PP_OK)
        return st;
    if (!it || put(it, "body", pp_ddb_s(body)) || put(it, "received_us", pp_ddb_n(received_us)) ||
        put(it, "expires_at", pp_ddb_n(received_us / 1000000 + PP_DDB_TTL_EVENT_S))) {
        json_decref(it);
        return nomem(err);
    }
    if (pp_ddb_item_size(it) > PP_DDB_MAX_ITEM) {
        json_decref(it);
        return pp_err(err, PP_E_LIMIT, "event %.100s for %.100s is over DynamoDB's 400 KB item "
                      "limit (EventBridge events are at most 256 KB)", key, scope);
    }
    int cond = 0;
    st = put_item(q, it, "attribute_not_exists(pk)", NULL, &cond, err);
    *added = st == PP_OK && !cond;
    return st;
}

static pp_status ddb_event_add(pp_state *s, const char *scope, const char *key,
                               const char *body, int *added, char **err)
{
    ddb_state *q = DS(s);
    /* strictly increasing within one handle, so its own events keep their order even when
     * the clock does not move (or steps back) between two of them */
    int64_t us = wall_us();
    if (us <= q->last_us)
        us = q->last_us + 1;
    q->last_us = us;
    return event_write(q, scope, key, body, us, added, err);
}

typedef struct ev_line {
    int64_t at;
    const char *sk;
    const char *body;
} ev_line;

static int ev_cmp(const void *a, const void *b)
{
    const ev_line *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return strcmp(x->sk, y->sk);
}

static pp_status ddb_event_list(pp_state *s, const char *scope, char **lines, char **err)
{
    ddb_state *q = DS(s);
    char *pk = pp_asprintf("event#%s", scope);
    if (!pk)
        return nomem(err);
    pp_status st = check_key(pk, "", err);
    json_t *all = json_array(), *start = NULL;
    for (unsigned page = 0; st == PP_OK && page < PP_DDB_MAX_PAGES; page++) {
        json_t *req = req_new(q), *ans = NULL;
        if (!req || !all || put(req, "KeyConditionExpression", json_string("pk = :p")) ||
            put(req, "ExpressionAttributeValues", json_pack("{s:o}", ":p", pp_ddb_s(pk))) ||
            put(req, "ConsistentRead", json_true()) ||
            (start && put(req, "ExclusiveStartKey", start))) {
            json_decref(req);
            st = nomem(err);
            break;
        }
        start = NULL;
        st = pp_ddb_call(&q->d, "Query", req, &ans, NULL, err);
        json_decref(req);
        if (st != PP_OK)
            break;
        json_array_extend(all, json_object_get(ans, "Items"));
        json_t *lek = json_object_get(ans, "LastEvaluatedKey");
        start = lek ? json_incref(lek) : NULL;
        json_decref(ans);
        if (!start)
            break;
    }
    json_decref(start);
    free(pk);
    size_t n = json_array_size(all), k = 0;
    ev_line *ev = st == PP_OK && n ? calloc(n, sizeof *ev) : NULL;
    if (st == PP_OK && n && !ev)
        st = nomem(err);
    int64_t now = now_s();
    for (size_t i = 0; st == PP_OK && i < n; i++) {
        json_t *it = json_array_get(all, i);
        int64_t exp = 0, at = 0;
        const char *b = pp_ddb_item_s(it, "body"), *sk = pp_ddb_item_s(it, "sk");
        if (!b || !sk || (pp_ddb_item_n(it, "expires_at", &exp) == 0 && exp < now))
            continue;
        pp_ddb_item_n(it, "received_us", &at);
        ev[k++] = (ev_line){ at, sk, b };
    }
    pp_buf buf;
    pp_buf_init(&buf, 64u << 20);
    if (st == PP_OK) {
        qsort(ev, k, sizeof *ev, ev_cmp);
        for (size_t i = 0; i < k && st == PP_OK; i++) {
            st = pp_buf_puts(&buf, ev[i].body);
            if (st == PP_OK)
                st = pp_buf_puts(&buf, "\n");
        }
        if (st != PP_OK)
            st = pp_err(err, st, "state table: events for %s do not fit in memory", scope);
    }
    free(ev);
    json_decref(all);
    if (st != PP_OK) {
        pp_buf_free(&buf);
        return st;
    }
    *lines = pp_buf_steal(&buf);
    return *lines ? PP_OK : nomem(err);
}

/* ---- migration target ------------------------------------------------------------------ */

static pp_status ddb_import(pp_state *s, const pp_state_record *r, int *copied, char **err)
{
    ddb_state *q = DS(s);
    *copied = 0;
    switch (r->kind) {
    case PP_REC_OUTBOX: {
        if (!r->scope || !r->target)
            return PP_OK;
        int64_t id = 0;
        int existing = -1;
        int state = r->state >= PP_OUTBOX_PENDING && r->state <= PP_OUTBOX_FAILED
                        ? r->state : PP_OUTBOX_PENDING;
        pp_status st = queue_items(q, r->key, r->scope, r->target, r->body, state, r->attempts,
                                   r->last_status, r->last_error, r->created, r->delivered, &id,
                                   &existing, err);
        *copied = st == PP_OK && existing < 0;
        return st;
    }
    case PP_REC_CACHE:
        return cache_write(q, r->key, r->target, r->body, r->created, 1, copied, err);
    case PP_REC_EXPLANATION:
        return explanation_write(q, r->key, r->body, r->text, r->created, 1, copied, err);
    case PP_REC_EVENT: {
        if (!r->scope)
            return PP_OK;
        int added = 0;
        pp_status st = event_write(q, r->scope, r->key, r->body,
                                   r->created * 1000000 + (int64_t)(q->seq++ % 1000000), &added,
                                   err);
        *copied = added;
        return st;
    }
    }
    return PP_OK;
}

static const pp_state_ops DDB_OPS = {
    .name = "dynamodb",
    .close = ddb_close,
    .outbox_add = ddb_outbox_add,
    .outbox_claim = ddb_outbox_claim,
    .outbox_mark = ddb_outbox_mark,
    .outbox_count = ddb_outbox_count,
    .cache_get = ddb_cache_get,
    .cache_put = ddb_cache_put,
    .explanation_put = ddb_explanation_put,
    .explanation_get = ddb_explanation_get,
    .event_add = ddb_event_add,
    .event_list = ddb_event_list,
    .import = ddb_import,
    .each = NULL,
};
