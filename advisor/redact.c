/* redact.c — pattern-based redaction (see redact.h for the list and its order).
 *
 * Each rule is a PCRE2 pattern plus an optional validator (for shapes a regular expression
 * cannot judge: a real IPv6 address, a run that mixes character classes). Rules run one after
 * the other over the output of the previous rule; placeholders contain only '<', '>', lower
 * case and '-', so no later rule matches inside an earlier placeholder.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "advisor/redact.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

enum { K_SECRET, K_KEY, K_EMAIL, K_IP, K_ACCOUNT, K_TOKEN };

typedef struct rule {
    const char *pattern;
    int kind;
    const char *replacement;
    int keep_group;                         /* 1: keep group 1 (a "password=" key) */
    int (*valid)(const char *s, size_t n);  /* NULL: every match counts */
    pcre2_code *re;
} rule;

static int ipv4_sensitive(const char *s, size_t n)
{
    return !(n == 7 && memcmp(s, "0.0.0.0", 7) == 0);
}

static int ipv6_valid(const char *s, size_t n)
{
    char buf[64];
    unsigned char addr[16];
    if (n < 3 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int hexdigit = 0;
    for (size_t i = 0; i < n; i++)
        if (isxdigit((unsigned char)s[i]))
            hexdigit = 1;
    return hexdigit && inet_pton(AF_INET6, buf, addr) == 1;
}

static int token_like(const char *s, size_t n)
{
    int up = 0, lo = 0, dg = 0, hex = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        up |= isupper(ch) != 0;
        lo |= islower(ch) != 0;
        dg |= isdigit(ch) != 0;
        if (!isxdigit(ch))
            hex = 0;
    }
    if (hex && n >= 32 && dg)
        return 1;
    if (!(up && lo && dg) || n < 24)
        return 0;
    /* CDK logical ids: letters then an 8-hex-digit hash ("WebServiceTaskDef3A1D8E2B"). */
    size_t i = 0;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    if (n - i == 8) {
        int allhex = 1;
        for (size_t j = i; j < n; j++)
            if (!isdigit((unsigned char)s[j]) && !(s[j] >= 'A' && s[j] <= 'F'))
                allhex = 0;
        if (allhex)
            return 0;
    }
    return 1;
}

static rule RULES[] = {
    { "(?i)(?<![A-Za-z0-9])((?:password|passwd|pwd|secret|client[_-]?secret|secret[_-]?key|"
      "secret[_-]?access[_-]?key|access[_-]?key(?:[_-]?id)?|api[_-]?key|token|auth[_-]?token|"
      "session[_-]?token|x-amz-security-token|x-amz-signature|x-amz-credential|signature|"
      "private[_-]?key)\\s*[\"']?\\s*[=:]\\s*[\"']?)[^\\s\"',;&}]+",
      K_SECRET, "<secret>", 1, NULL, NULL },
    { "(?i)\\b((?:bearer|basic)\\s+)[A-Za-z0-9._~+/=-]{8,}", K_SECRET, "<secret>", 1, NULL, NULL },
    { "\\bxox[abposr]-[A-Za-z0-9-]{8,}", K_SECRET, "<secret>", 0, NULL, NULL },
    { "(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{16}"
      "(?![A-Z0-9])", K_KEY, "<access-key>", 0, NULL, NULL },
    { "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", K_EMAIL, "<email>",
      0, NULL, NULL },
    { "\\b(ip-)(?:\\d{1,3}-){3}\\d{1,3}\\b", K_IP, "<ip>", 1, NULL, NULL },
    { "(?<![\\d.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
      "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\d]|\\.\\d)", K_IP, "<ip>", 0, ipv4_sensitive,
      NULL },
    { "(?<![\\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\\w:])", K_IP, "<ipv6>", 0,
      ipv6_valid, NULL },
    { "(?<!\\d)\\d{12}(?!\\d)", K_ACCOUNT, "<account-id>", 0, NULL, NULL },
    { "(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,}(?![A-Za-z0-9+/=_-])", K_TOKEN, "<token>", 0,
      token_like, NULL },
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_ok;

static void compile_all(void)
{
    for (size_t i = 0; i < PP_ARRAY_LEN(RULES); i++) {
        int ec;
        PCRE2_SIZE eo;
        RULES[i].re = pcre2_compile((PCRE2_SPTR)RULES[i].pattern, PCRE2_ZERO_TERMINATED, 0, &ec,
                                    &eo, NULL);
        if (!RULES[i].re)
            return;
        if (pp_pcre2_jit_enabled())
            pcre2_jit_compile(RULES[i].re, PCRE2_JIT_COMPLETE);   /* optional: falls back */
    }
    g_ok = 1;
}

static void count(pp_redact_stats *st, int kind)
{
    if (!st)
        return;
    switch (kind) {
    case K_SECRET: st->secrets++; break;
    case K_KEY: st->keys++; break;
    case K_EMAIL: st->emails++; break;
    case K_IP: st->ips++; break;
    case K_ACCOUNT: st->accounts++; break;
    default: st->tokens++; break;
    }
}

/* One rule over `in`; returns a new string or NULL on NOMEM. */
static char *apply(const rule *r, const char *in, size_t len, pcre2_match_data *md,
                   pp_redact_stats *st)
{
    pp_buf out;
    pp_buf_init(&out, 0);
    size_t pos = 0, copied = 0;
    while (pos <= len) {
        int rc = pcre2_match(r->re, (PCRE2_SPTR)in, len, pos, 0, md, NULL);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t s = ov[0], e = ov[1];
        if (e == s) {   /* no rule matches empty, but never loop */
            pos = s + 1;
            continue;
        }
        if (r->valid && !r->valid(in + s, e - s)) {
            pos = s + 1;
            continue;
        }
        size_t keep_to = s;
        if (r->keep_group && rc > 1 && ov[3] != PCRE2_UNSET)
            keep_to = ov[3];
        if (pp_buf_append(&out, in + copied, keep_to - copied) != PP_OK ||
            pp_buf_puts(&out, r->replacement) != PP_OK) {
            pp_buf_free(&out);
            return NULL;
        }
        count(st, r->kind);
        copied = pos = e;
    }
    if (pp_buf_append(&out, in + copied, len - copied) != PP_OK) {
        pp_buf_free(&out);
        return NULL;
    }
    return pp_buf_steal(&out);
}

char *pp_redact(const char *s, pp_redact_stats *st)
{
    pthread_once(&g_once, compile_all);
    if (!g_ok || !s)
        return NULL;
    pcre2_match_data *md = pcre2_match_data_create(8, NULL);
    if (!md)
        return NULL;
    char *cur = pp_strdup(s);
    for (size_t i = 0; cur && i < PP_ARRAY_LEN(RULES); i++) {
        char *next = apply(&RULES[i], cur, strlen(cur), md, st);
        free(cur);
        cur = next;
    }
    pcre2_match_data_free(md);
    return cur;
}
