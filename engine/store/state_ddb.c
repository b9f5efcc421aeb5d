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
 * deletes the pending row and finalises the record in one transaction, on the lease.
 *
 * This file: open and close, the cache, explanations, events and migration; the outbox and
 * its leases are state_ddb_outbox.c; what the two share is state_ddb_int.h. */
#include "engine/store/state_ddb_int.h"

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

static const pp_state_ops DDB_OPS;

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

/* ---- reading one item ---------------------------------------------------------------- */

pp_status ddb_get_item(ddb_state *q, const char *pk, const char *sk, json_t **item,
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
        st = ddb_get_item(q, pk, "-", &it, err);
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
        st = ddb_get_item(q, pk, "-", &it, err);
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
        pp_status st = ddb_queue_items(q, r->key, r->scope, r->target, r->body, state,
                                       r->attempts, r->last_status, r->last_error, r->created,
                                       r->delivered, &id, &existing, err);
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
    .outbox_renew = ddb_outbox_renew,
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
