/* state_ddb_outbox.c — the outbox of the DynamoDB state backend (state_ddb.c has the item
 * layout): queueing a message once across every replica, claiming rows under a lease kept in
 * the item, marking them delivered or failed on that lease, and counting them.
 */
#include "engine/store/state_ddb_int.h"

#include <stdlib.h>

#include "engine/base/json_write.h"

/* ---- outbox ---------------------------------------------------------------------------- */

/* A new row id: milliseconds since the epoch and six random digits, so ids from every
 * replica sort by the time they were queued and do not collide (a collision fails the
 * transaction's condition and is retried with another id). */
static int64_t new_id(void)
{
    return wall_us() / 1000 * 1000000 + (int64_t)(rnd() % 1000000);
}

/* The two items of a queued row. `state` PP_OUTBOX_PENDING adds the pending row. */
pp_status ddb_queue_items(ddb_state *q, const char *dedup, const char *dest,
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
        if ((st = ddb_get_item(q, pk, sk_rec, &it, err)) != PP_OK)
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

pp_status ddb_outbox_add(pp_state *s, const char *dedup, const char *dest,
                         const char *target, const char *body, int64_t *id,
                         int *existing, char **err)
{
    return ddb_queue_items(DS(s), dedup, dest, target, body, PP_OUTBOX_PENDING, 0, 0, NULL,
                           now_s(), 0, id, existing, err);
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

pp_status ddb_outbox_claim(pp_state *s, const char *dest, int64_t after, size_t max,
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

/* The lease is extended only while this process still owns it (the condition); a lease that
 * lapsed but that nobody took is still ours. A lost one drops the claim: mark would refuse it. */
pp_status ddb_outbox_renew(pp_state *s, int64_t id, int *held, char **err)
{
    ddb_state *q = DS(s);
    *held = 0;
    claimed *c = find_claim(q, id);
    if (!c)
        return PP_OK;
    char pk[PP_DDB_MAX_PK + 16], sk_row[40];
    snprintf(pk, sizeof pk, "outbox#%s", c->dest);
    pad_id(sk_row, sizeof sk_row, "pending#", id);
    json_t *req = req_new(q);
    if (!req || put(req, "Key", key_of(pk, sk_row)) ||
        put(req, "UpdateExpression", json_string("SET #lu = :until")) ||
        put(req, "ConditionExpression", json_string("attribute_exists(pk) AND #lo = :me")) ||
        put(req, "ExpressionAttributeNames",
            json_pack("{s:s,s:s}", "#lo", "lease_owner", "#lu", "lease_until")) ||
        put(req, "ExpressionAttributeValues",
            json_pack("{s:o,s:o}", ":me", pp_ddb_s(q->owner), ":until",
                      pp_ddb_n(now_s() + q->lease_s)))) {
        json_decref(req);
        return nomem(err);
    }
    int cond = 0;
    json_t *ans = NULL;
    pp_status st = pp_ddb_call(&q->d, "UpdateItem", req, &ans, &cond, err);
    json_decref(req);
    json_decref(ans);
    if (st != PP_OK)
        return st;
    if (cond)
        drop_claim(q, c);
    else
        *held = 1;
    return PP_OK;
}

pp_status ddb_outbox_mark(pp_state *s, int64_t id, pp_outbox_state state,
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

pp_status ddb_outbox_count(pp_state *s, const char *dest, pp_outbox_state state,
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
