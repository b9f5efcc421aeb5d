/* ddb.c — DynamoDB JSON 1.0: attribute values, item sizes, error classes, retries (ddb.h). */
#include "engine/store/ddb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/aws.h"

json_t *pp_ddb_s(const char *v)
{
    return v ? json_pack("{s:s}", "S", v) : NULL;
}

json_t *pp_ddb_n(int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, v);
    return json_pack("{s:s}", "N", b);
}

const char *pp_ddb_item_s(const json_t *item, const char *name)
{
    return json_string_value(json_object_get(json_object_get(item, name), "S"));
}

int pp_ddb_item_n(const json_t *item, const char *name, int64_t *out)
{
    const char *v = json_string_value(json_object_get(json_object_get(item, name), "N"));
    if (!v || !*v)
        return -1;
    const char *p = v;
    if (*p == '-')
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;   /* a fraction or an exponent: not one of ours */
    errno = 0;
    char *end = NULL;
    long long x = strtoll(v, &end, 10);
    if (errno || !end || *end)
        return -1;
    *out = (int64_t)x;
    return 0;
}

size_t pp_ddb_item_size(const json_t *item)
{
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)item, k, v) {
        n += strlen(k);
        const char *s = json_string_value(json_object_get(v, "S"));
        const char *num = json_string_value(json_object_get(v, "N"));
        if (s) {
            n += strlen(s);
        } else if (num) {
            size_t digits = 0;
            for (const char *q = num; *q; q++)
                digits += *q >= '0' && *q <= '9';
            n += (digits + 1) / 2 + 1;
        } else {
            char *t = json_dumps(v, JSON_COMPACT);
            n += t ? strlen(t) : PP_DDB_MAX_ITEM;   /* unmeasurable counts as too big */
            free(t);
        }
    }
    return n;
}

/* ---- fitting a JSON body into an item --------------------------------------------------- */

/* A cut copy of string c when it is longer than `cut` bytes (ending at a UTF-8 boundary),
 * else NULL. */
static json_t *cut_one(const json_t *c, size_t cut)
{
    if (!json_is_string(c) || json_string_length(c) <= cut)
        return NULL;
    const char *s = json_string_value(c);
    size_t n = cut;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    char *t = pp_asprintf("%.*s… [cut]", (int)n, s);
    json_t *v = t ? json_string(t) : NULL;
    free(t);
    return v;
}

/* Cuts every string of v longer than `cut` bytes. */
static void cut_strings(json_t *v, size_t cut)
{
    size_t i;
    const char *k;
    json_t *c, *r;
    void *tmp;
    if (json_is_object(v)) {
        json_object_foreach_safe(v, tmp, k, c) {
            if ((r = cut_one(c, cut)) != NULL)
                json_object_set_new(v, k, r);
            else
                cut_strings(c, cut);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c) {
            if ((r = cut_one(c, cut)) != NULL)
                json_array_set_new(v, i, r);
            else
                cut_strings(c, cut);
        }
    }
}

pp_status pp_ddb_fit_json(const char *text, size_t budget, char **out, const char *what,
                          char **err)
{
    *out = NULL;
    size_t len = strlen(text);
    if (len <= budget)
        return PP_OK;
    json_t *v = json_loads(text, 0, NULL);
    int parsed = v != NULL;
    static const size_t CUTS[] = { 16384, 4096, 1024, 256, 64 };
    for (size_t i = 0; v && i < PP_ARRAY_LEN(CUTS); i++) {
        cut_strings(v, CUTS[i]);
        if (json_is_object(v))
            json_object_set_new(v, "parapet_state_cut", json_true());
        char *t = pp_json_dumps(v, JSON_COMPACT);
        if (t && strlen(t) <= budget) {
            json_decref(v);
            *out = t;
            return PP_OK;
        }
        free(t);
    }
    json_decref(v);
    return pp_err(err, PP_E_LIMIT, "%s of %zu bytes does not fit in a DynamoDB item (400 KB)%s",
                  what, len, parsed ? " even with its long strings cut" : " and is not JSON");
}

/* ---- errors ---------------------------------------------------------------------------- */

static int reason_is(json_t *reasons, const char *msg, const char *code)
{
    size_t i;
    json_t *r;
    if (json_array_size(reasons)) {
        json_array_foreach(reasons, i, r) {
            const char *c = json_string_value(json_object_get(r, "Code"));
            if (c && strcmp(c, code) == 0)
                return 1;
        }
        return 0;
    }
    return msg && strstr(msg, code) != NULL;
}

pp_ddb_outcome pp_ddb_classify(const pp_http_resp *r, char *code, size_t n)
{
    char buf[96];
    if (!code) {
        code = buf;
        n = sizeof buf;
    }
    if (n)
        code[0] = '\0';
    if (r->status == 200)
        return PP_DDB_DONE;
    pp_aws_error_name(r, code, n);
    if (r->status >= 500 || r->status == 429 || pp_aws_is_throttling(code) ||
        strcmp(code, "TransactionConflictException") == 0 ||
        strcmp(code, "InternalServerError") == 0 || strcmp(code, "ServiceUnavailable") == 0)
        return PP_DDB_RETRY;
    if (strcmp(code, "ConditionalCheckFailedException") == 0)
        return PP_DDB_CONDITIONAL;
    if (strcmp(code, "TransactionCanceledException") == 0) {
        json_t *b = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
        json_t *reasons = json_object_get(b, "CancellationReasons");
        const char *msg = json_string_value(json_object_get(b, "message"));
        if (!msg)
            msg = json_string_value(json_object_get(b, "Message"));
        pp_ddb_outcome o = PP_DDB_FAILED;
        if (reason_is(reasons, msg, "TransactionConflict") ||
            reason_is(reasons, msg, "ThrottlingError") ||
            reason_is(reasons, msg, "ProvisionedThroughputExceeded"))
            o = PP_DDB_RETRY;
        else if (reason_is(reasons, msg, "ConditionalCheckFailed"))
            o = PP_DDB_CONDITIONAL;
        json_decref(b);
        return o;
    }
    return PP_DDB_FAILED;
}

/* ---- retries --------------------------------------------------------------------------- */

static uint64_t real_rand(void *ctx)
{
    (void)ctx;
    uint64_t x = 0;
    if (getrandom(&x, sizeof x, 0) != (ssize_t)sizeof x)
        x = pp_now_us() * 6364136223846793005ULL + 1442695040888963407ULL;
    return x;
}

static void real_sleep(void *ctx, unsigned ms)
{
    (void)ctx;
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static uint64_t real_now(void *ctx)
{
    (void)ctx;
    return pp_now_ms();
}

unsigned pp_ddb_backoff_ms(const pp_ddb_retry *r, unsigned attempt)
{
    uint64_t base = r->base_ms ? r->base_ms : 25, cap = r->cap_ms ? r->cap_ms : 2000;
    uint64_t top = base << (attempt < 20 ? attempt : 20);
    if (top > cap)
        top = cap;
    uint64_t x = (r->rand64 ? r->rand64 : real_rand)(r->ctx);
    return (unsigned)(x % (top + 1));
}

/* The AWS message of a refused call, cleaned and cut, or NULL. */
static char *answer_message(const pp_http_resp *r)
{
    json_t *b = r->body ? json_loadb(r->body, r->len, 0, NULL) : NULL;
    const char *m = json_string_value(json_object_get(b, "message"));
    if (!m)
        m = json_string_value(json_object_get(b, "Message"));
    char *out = m ? pp_term_clean(m, strnlen(m, PP_DDB_MAX_MESSAGE), 0) : NULL;
    json_decref(b);
    return out;
}

pp_status pp_ddb_call(pp_ddb *d, const char *op, json_t *req, json_t **out, int *conditional,
                      char **err)
{
    *out = NULL;
    if (conditional)
        *conditional = 0;
    d->code[0] = '\0';
    d->http_status = 0;
    const pp_ddb_retry *rp = &d->retry;
    uint64_t (*now)(void *) = rp->now_ms ? rp->now_ms : real_now;
    void (*nap)(void *, unsigned) = rp->sleep_ms ? rp->sleep_ms : real_sleep;
    unsigned max = rp->max_attempts ? rp->max_attempts : 8;
    char target[80];
    snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    char *body = pp_json_dumps(req, JSON_COMPACT);
    if (!body)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    pp_status st = PP_OK;
    for (unsigned attempt = 0;; attempt++) {
        pp_http_resp r;
        memset(&r, 0, sizeof r);
        char *e = NULL;
        st = d->send(d->send_ctx, target, body, &r, &e);
        pp_ddb_outcome o = PP_DDB_FAILED;
        if (st == PP_OK) {
            d->http_status = r.status;
            o = pp_ddb_classify(&r, d->code, sizeof d->code);
        } else if (st == PP_E_HTTP) {
            o = PP_DDB_RETRY;
        }
        int last = attempt + 1 >= max;
        unsigned wait = last ? 0 : pp_ddb_backoff_ms(rp, attempt);
        if (!last && rp->deadline_ms && now(rp->ctx) + wait >= rp->deadline_ms)
            last = 1;
        if (o == PP_DDB_RETRY && !last) {
            d->retried++;
            if (st == PP_OK && (r.status == 429 || pp_aws_is_throttling(d->code)))
                d->throttled++;
            pp_http_resp_free(&r);
            free(e);
            nap(rp->ctx, wait);
            continue;
        }
        if (st != PP_OK) {
            st = pp_err(err, st, "DynamoDB %s on %s: %s", op, d->table ? d->table : "?",
                        e ? e : pp_status_name(st));
            free(e);
            break;
        }
        free(e);
        if (o == PP_DDB_DONE) {
            *out = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
            if (!*out)
                st = pp_err(err, PP_E_DB, "DynamoDB %s on %s: the answer is not JSON", op,
                            d->table ? d->table : "?");
        } else if (o == PP_DDB_CONDITIONAL && conditional) {
            *conditional = 1;
        } else {
            char *m = answer_message(&r);
            const char *c = *d->code ? d->code : "error";
            pp_status code = PP_E_DB;
            if (strcmp(c, "ResourceNotFoundException") == 0)
                code = PP_E_NOTFOUND;
            else if (pp_aws_is_access_denied(c) || r.status == 403)
                code = PP_E_DENIED;
            st = pp_err(err, code, "DynamoDB %s on %s: %s (HTTP %ld%s): %s", op,
                        d->table ? d->table : "?", c, r.status,
                        o == PP_DDB_RETRY ? ", still after the retries" : "", m ? m : "");
            free(m);
        }
        pp_http_resp_free(&r);
        break;
    }
    free(body);
    return st;
}
