/* slack.c — Slack slash-command parsing and signature check (see slack.h). Called by
 * hooks/serve.c for POST /slack/command; nothing here knows about HTTP.
 */
#include "hooks/slack.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/json_write.h"
#include "engine/base/crypto.h"
#include "engine/base/util.h"

int pp_slack_verify(const char *secret, size_t secret_len, const char *ts, const char *sig,
                    const char *body, size_t blen, long now)
{
    long t;
    if (!ts || !sig || pp_parse_long(ts, 0, 0x7fffffffL, &t) != 0)
        return 0;
    if (t < now - PP_SLACK_MAX_SKEW_S || t > now + PP_SLACK_MAX_SKEW_S)
        return 0;
    size_t hl = strlen(ts);
    char *base = malloc(3 + hl + 1 + blen + 1);
    if (!base)
        return 0;
    memcpy(base, "v0:", 3);
    memcpy(base + 3, ts, hl);
    base[3 + hl] = ':';
    if (blen)
        memcpy(base + 4 + hl, body, blen);
    unsigned char mac[PP_SHA256_LEN];
    char want[3 + 2 * PP_SHA256_LEN + 1];
    int ok = pp_hmac_sha256(secret, secret_len, base, 4 + hl + blen, mac) == 0;
    free(base);
    if (!ok)
        return 0;
    memcpy(want, "v0=", 3);
    pp_hex(mac, sizeof mac, want + 3);
    size_t wl = strlen(want);
    return strlen(sig) == wl && pp_ct_memeq(sig, want, wl);
}

char *pp_slack_form_value(const char *body, size_t blen, const char *key)
{
    size_t kl = strlen(key);
    const char *p = body, *end = body + blen;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        if ((size_t)(e - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
            const char *v = p + kl + 1;
            char *out = malloc((size_t)(e - v) + 1);
            if (!out)
                return NULL;
            size_t j = 0;
            for (const char *q = v; q < e; q++) {
                int hi, lo;
                if (*q == '+') {
                    out[j++] = ' ';
                } else if (*q == '%' && e - q >= 3 && (hi = pp_hex_digit(q[1])) >= 0 &&
                           (lo = pp_hex_digit(q[2])) >= 0) {
                    out[j++] = (char)(hi * 16 + lo);
                    q += 2;
                } else {
                    out[j++] = *q;
                }
            }
            out[j] = '\0';
            return out;
        }
        p = e + 1;
    }
    return NULL;
}

char *pp_slack_why(const char *text)
{
    char *copy = text ? pp_strdup(text) : NULL;
    char *words[3] = { 0 };
    size_t nw = 0;
    for (char *save = NULL, *w = copy ? strtok_r(copy, " \t", &save) : NULL; w && nw < 3;
         w = strtok_r(NULL, " \t", &save))
        words[nw++] = w;
    char *stack = nw == 2 && strcmp(words[0], "why") == 0 ? pp_strdup(words[1]) : NULL;
    free(copy);
    return stack;
}

char *pp_slack_text(const char *text)
{
    json_t *o = json_pack("{s:s,s:s}", "response_type", "ephemeral", "text", text);
    char *out = o ? pp_json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return out;
}
