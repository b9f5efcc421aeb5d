/* notify.c — the outbox writer and the delivery loop (see notify.h for the rules). */
#include "hooks/notify.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/base/util.h"

#define PP_NOTIFY_CLAIM_BATCH 64

void pp_notify_cfg_defaults(pp_notify_cfg *c)
{
    if (!c->max_attempts)
        c->max_attempts = 6;
    if (!c->timeout_ms)
        c->timeout_ms = 10000;
    if (!c->backoff_ms)
        c->backoff_ms = 500;
    if (!c->max_retry_after_s)
        c->max_retry_after_s = 60;
}

int pp_notify_url_ok(const char *url, char **err)
{
    if (!url || !*url) {
        pp_err(err, PP_E_USAGE, "no webhook URL");
        return -1;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int ok = -1;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        if (strcasecmp(scheme, "https") == 0)
            ok = 0;
        else if (strcasecmp(scheme, "http") == 0 &&
                 (strncmp(host, "127.", 4) == 0 || strcasecmp(host, "localhost") == 0 ||
                  strcmp(host, "[::1]") == 0))
            ok = 0;
        if (ok != 0)
            pp_err(err, PP_E_USAGE, "the webhook URL must be https (http only to a loopback "
                   "address), not %s://%s", scheme, host);
    } else {
        pp_err(err, PP_E_USAGE, "the webhook URL is not a valid absolute URL");
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

void pp_notify_dest(const pp_notify_cfg *c, char out[65])
{
    char *k = pp_asprintf("%s %s", pp_chat_target_name(c->target), c->url ? c->url : "");
    pp_state_hash(k ? k : "", out);
    free(k);
}

pp_status pp_notify_queue(pp_state *st, const pp_notify_cfg *c, json_t *explain,
                          pp_notify_result *r, char **err)
{
    pp_chat_scope *sc = NULL;
    size_t n = 0;
    pp_status s = pp_chat_split(explain, &sc, &n, err);
    if (s != PP_OK)
        return s;
    char dest[65];
    pp_notify_dest(c, dest);
    for (size_t i = 0; i < n && s == PP_OK; i++) {
        char *doc = json_dumps(sc[i].doc, JSON_COMPACT);
        if (!doc) {
            s = pp_err(err, PP_E_NOMEM, "out of memory");
            break;
        }
        /* the slash command answers from the latest explanation of each scope */
        s = pp_state_explanation_put(st, sc[i].scope, doc, NULL, err);
        free(doc);
        if (s != PP_OK)
            break;
        json_t *msg = pp_chat_render(&sc[i], c->target);
        char *body = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
        json_decref(msg);
        char *dk = pp_asprintf("%s|%s|%s", dest, sc[i].scope, sc[i].root_id);
        char dedup[65];
        if (!body || !dk) {
            free(body);
            free(dk);
            s = pp_err(err, PP_E_NOMEM, "out of memory");
            break;
        }
        pp_state_hash(dk, dedup);
        free(dk);
        int64_t id;
        int existing;
        s = pp_state_outbox_add(st, dedup, dest, pp_chat_target_name(c->target), body, &id,
                                &existing, err);
        free(body);
        if (s != PP_OK)
            break;
        if (existing < 0) {
            r->queued++;
        } else {
            r->duplicate++;
            if (!c->quiet)
                fprintf(stderr, "parapet notify: %s (%s): already %s, not posted again\n",
                        sc[i].scope, sc[i].root_id,
                        existing == PP_OUTBOX_DELIVERED ? "delivered"
                        : existing == PP_OUTBOX_FAILED ? "refused by the receiver"
                                                       : "queued");
        }
    }
    pp_chat_scopes_free(sc, n);
    return s;
}

pp_status pp_notify_record(pp_state *st, json_t *explain, char **err)
{
    pp_chat_scope *sc = NULL;
    size_t n = 0;
    pp_status s = pp_chat_split(explain, &sc, &n, err);
    for (size_t i = 0; i < n && s == PP_OK; i++) {
        char *doc = json_dumps(sc[i].doc, JSON_COMPACT);
        s = doc ? pp_state_explanation_put(st, sc[i].scope, doc, NULL, err)
                : pp_err(err, PP_E_NOMEM, "out of memory");
        free(doc);
    }
    pp_chat_scopes_free(sc, n);
    return s;
}

long pp_notify_retry_after_ms(const char *v)
{
    if (!v || !*v)
        return -1;
    long secs;
    if (pp_parse_long(v, 0, 86400, &secs) == 0)
        return secs * 1000;
    time_t when = curl_getdate(v, NULL);
    if (when < 0)
        return -1;
    time_t now = time(NULL);
    return when > now ? (long)(when - now) * 1000 : 0;
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Posts one row; returns its final state for this run. */
static pp_outbox_state deliver_one(pp_state *st, const pp_notify_cfg *c, pp_http_client *http,
                                   const pp_outbox_row *row, char **err)
{
    pp_http_policy any = { .allow_any = 1 };   /* checked by pp_notify_url_ok */
    char *idem = pp_asprintf("Idempotency-Key: %s", row->dedup);
    const char *hdrs[2] = { idem ? idem : "X-Parapet: 1", "Accept: */*" };
    long backoff = (long)c->backoff_ms;
    long last_status = 0;
    char *last_err = NULL;
    pp_outbox_state out = PP_OUTBOX_PENDING;
    int lost = 0;
    for (unsigned attempt = 0; attempt < c->max_attempts; attempt++) {
        if (attempt > 0) {
            /* a retry posts only under a claim renewed now: backoff and Retry-After waits
             * can outlast the lease, and another sender may have taken the row meanwhile */
            int held = 0;
            if (pp_state_outbox_renew(st, row->id, &held, err) != PP_OK) {
                out = (pp_outbox_state)-1;
                break;
            }
            if (!held) {
                if (!c->quiet)
                    fprintf(stderr, "parapet notify: the claim on message %lld lapsed while "
                                    "waiting to retry and another sender has it; leaving it "
                                    "to that sender\n", (long long)row->id);
                lost = 1;   /* pending, and not ours to mark */
                break;
            }
        }
        pp_http_opts o = { .policy = &any, .headers = hdrs, .nheaders = 2,
                           .connect_timeout_ms = 5000, .timeout_ms = c->timeout_ms,
                           .deadline_ms = c->deadline_ms, .max_body = 64u << 10 };
        pp_http_resp resp;
        char *e = NULL;
        pp_status s = pp_http_post(http, c->url, "application/json", row->body,
                                   strlen(row->body), &o, &resp, &e);
        long wait = backoff;
        if (s == PP_OK) {
            last_status = resp.status;
            if (resp.status >= 200 && resp.status < 300) {
                out = PP_OUTBOX_DELIVERED;
                free(last_err);
                last_err = NULL;
                pp_http_resp_free(&resp);
                break;
            }
            free(last_err);
            last_err = pp_asprintf("HTTP %ld: %.200s", resp.status, resp.body ? resp.body : "");
            if (resp.status == 429) {
                long ra = pp_notify_retry_after_ms(pp_http_resp_header(&resp, "Retry-After"));
                if (ra >= 0)
                    wait = ra;
                if (wait > (long)c->max_retry_after_s * 1000)
                    wait = (long)c->max_retry_after_s * 1000;
            } else if (resp.status < 500) {
                out = PP_OUTBOX_FAILED;   /* 4xx: the receiver refuses this message */
                pp_http_resp_free(&resp);
                break;
            }
            pp_http_resp_free(&resp);
        } else {
            free(last_err);
            last_err = e;
            e = NULL;
            if (s == PP_E_DENIED) {
                out = PP_OUTBOX_FAILED;
                break;
            }
        }
        free(e);
        if (attempt + 1 >= c->max_attempts)
            break;
        if (c->deadline_ms && pp_now_ms() + (uint64_t)wait >= c->deadline_ms)
            break;
        if (!c->quiet)
            fprintf(stderr, "parapet notify: %s; retrying in %ld ms\n",
                    last_err ? last_err : "no answer", wait);
        sleep_ms(wait);
        if (backoff < 30000)
            backoff *= 2;
    }
    if (!lost && (int)out >= 0 &&
        pp_state_outbox_mark(st, row->id, out, last_status, last_err, err) != PP_OK)
        out = (pp_outbox_state)-1;
    free(last_err);
    free(idem);
    return out;
}

pp_status pp_notify_flush(pp_state *st, const pp_notify_cfg *c, pp_http_client *http,
                          pp_notify_result *r, char **err)
{
    char dest[65];
    pp_notify_dest(c, dest);
    pp_status s = PP_OK;
    /* Rows are claimed in batches of ids above the last one tried, so a row left pending in
     * this run is not tried again by it and the loop ends. */
    int64_t after = 0;
    for (;;) {
        pp_outbox_row *rows = NULL;
        size_t n = 0;
        s = pp_state_outbox_claim(st, dest, after, PP_NOTIFY_CLAIM_BATCH, &rows, &n, err);
        if (s != PP_OK)
            return s;
        size_t fresh = 0;
        for (size_t i = 0; i < n; i++) {
            if (rows[i].id <= after)
                continue;
            fresh++;
            after = rows[i].id;
            pp_outbox_state o = deliver_one(st, c, http, &rows[i], err);
            if ((int)o < 0) {
                pp_state_rows_free(rows, n);
                return PP_E_DB;
            }
            if (o == PP_OUTBOX_DELIVERED) {
                r->delivered++;
            } else if (o == PP_OUTBOX_FAILED) {
                r->failed++;
                fprintf(stderr, "parapet notify: the receiver refused a message for good (see "
                                "the state database's outbox, id %lld); it will not be "
                                "retried\n", (long long)rows[i].id);
            }
        }
        pp_state_rows_free(rows, n);
        if (fresh == 0)
            break;
    }
    size_t pend = 0;
    s = pp_state_outbox_count(st, dest, PP_OUTBOX_PENDING, &pend, err);
    r->pending = pend;
    return s;
}
