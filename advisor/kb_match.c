/* kb_match.c — PCRE2 matching with filters and specificity, rivals, and the FTS5 fallback
 * (see kb_match.h). Filling {capture} placeholders is kb_fill.c.
 *
 * Speed: entries are tried in order of their best possible score (kb->order), and an entry
 * whose best possible score cannot beat the current best is not run at all, so a message that
 * hits a specific entry early skips most of the KB. The UTF-8 check is done by PCRE2 on the
 * first pattern only; the rest run with PCRE2_NO_UTF_CHECK.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "advisor/kb_match.h"

#include <ctype.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/utf8.h"

#define NO_IDX ((size_t)-1)
#define MAX_GROUPS 60
#define TYPE_EXACT 300
#define TYPE_WILD 150
#define STATUS_BONUS 100
#define TYPE_UNKNOWN (-100)
#define MAX_BONUS (TYPE_EXACT + STATUS_BONUS)

/* Literal characters a pattern requires: a rough measure of how specific it is. Escaped
 * punctuation counts; character classes, escapes like \d and group syntax do not; an item
 * followed by ?, * or {0,…} is optional and counts nothing; a group (or the whole pattern)
 * with alternatives counts as its least specific alternative, so that adding a loose
 * alternative never makes an entry look more specific. */
static int lit_alts(const char **pp);

static int lit_seq(const char **pp)
{
    const char *p = *pp;
    int n = 0, last = 0;
    while (*p && *p != '|' && *p != ')') {
        int item = 0;
        if (*p == '\\') {
            item = (p[1] && !isalnum((unsigned char)p[1])) ? 1 : 0;
            p += p[1] ? 2 : 1;
        } else if (*p == '[') {
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']') {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            if (*p)
                p++;
        } else if (*p == '(') {
            p++;
            int lookaround = 0;
            if (*p == '?') {
                p++;
                if (*p == '=' || *p == '!' || (*p == '<' && (p[1] == '=' || p[1] == '!')))
                    lookaround = 1;
                if (*p == '<' || *p == 'P' || *p == '\'') {
                    char close = *p == '\'' ? '\'' : '>';
                    while (*p && *p != close)
                        p++;
                    if (*p)
                        p++;
                } else {
                    while (*p && *p != ':' && *p != ')' && !lookaround)
                        p++;   /* (?:  (?i:  (?i) */
                    if (*p == ':' || lookaround)
                        p++;
                    else if (*p == ')') {
                        p++;
                        continue;   /* an inline option group like (?i) */
                    }
                }
            }
            item = lit_alts(&p);
            if (lookaround)
                item = 0;
            if (*p == ')')
                p++;
        } else if (*p == '?' || *p == '*' || (*p == '{' && p[1] == '0')) {
            n -= last;   /* the previous item is optional */
            last = 0;
            if (*p == '{')
                while (*p && *p != '}')
                    p++;
            if (*p)
                p++;
            if (*p == '?' || *p == '+')
                p++;   /* lazy or possessive */
            continue;
        } else if (*p == '{' && isdigit((unsigned char)p[1])) {
            while (*p && *p != '}')
                p++;
            if (*p)
                p++;
            continue;
        } else if (*p == '+') {
            p++;
            if (*p == '?' || *p == '+')
                p++;
            continue;
        } else if (strchr(".^$", *p)) {
            p++;
        } else {
            item = 1;
            p++;
        }
        n += item;
        last = item;
    }
    *pp = p;
    return n;
}

static int lit_alts(const char **pp)
{
    int best = lit_seq(pp);
    while (**pp == '|') {
        (*pp)++;
        int k = lit_seq(pp);
        if (k < best)
            best = k;
    }
    return best;
}

static int literal_len(const char *p)
{
    int n = 0;
    while (*p) {
        n += lit_alts(&p);
        if (*p == ')')
            p++;   /* unbalanced: keep going rather than loop */
    }
    return n;
}

pp_status pp_kb_compile(pp_kb_entry *e, char **err)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)e->pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_DOTALL | PCRE2_DUPNAMES, &ec, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return pp_err(err, PP_E_PARSE, "%s:%u: expected a PCRE2 pattern: %s at offset %zu",
                      e->file, e->line, (const char *)msg, (size_t)off);
    }
    uint32_t ncap = 0, nnames = 0, esize = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
    pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &nnames);
    pcre2_pattern_info(re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    pcre2_pattern_info(re, PCRE2_INFO_NAMETABLE, &table);
    if (ncap > MAX_GROUPS) {
        pcre2_code_free(re);
        return pp_err(err, PP_E_LIMIT, "%s:%u: expected at most %d groups in a pattern", e->file,
                      e->line, MAX_GROUPS);
    }
    char **names = calloc(nnames + 1, sizeof *names);
    if (!names) {
        pcre2_code_free(re);
        return pp_err(err, PP_E_NOMEM, "%s: out of memory", e->file);
    }
    /* The name table is sorted; with DUPNAMES a name repeats once per alternative. */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < nnames; i++) {
        const char *nm = (const char *)(table + i * esize + 2);
        if (kept && strcmp(names[kept - 1], nm) == 0)
            continue;
        names[kept] = pp_strdup(nm);
        if (!names[kept++]) {
            for (uint32_t j = 0; j < kept; j++)
                free(names[j]);
            free(names);
            pcre2_code_free(re);
            return pp_err(err, PP_E_NOMEM, "%s: out of memory", e->file);
        }
    }
    /* JIT is an optimisation: when unavailable (or switched off) the interpreter runs the
     * same pattern. */
    if (pp_pcre2_jit_enabled())
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    e->re = re;
    e->names = names;
    e->literal_len = literal_len(e->pattern);
    return PP_OK;
}

/* Entries sorted by their best possible score, kept in the match context slot of the kb. */
typedef struct match_state {
    pcre2_match_context *mctx;
    size_t *order;
} match_state;

static int base_score(const pp_kb_entry *e)
{
    return e->priority * 1000 + e->literal_len;
}

typedef struct order_key {
    int broad;
    int score;
    size_t idx;
} order_key;

static int cmp_base(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->broad != y->broad)
        return x->broad - y->broad;   /* specific entries first: a broad one never beats them */
    if (x->score != y->score)
        return y->score - x->score;
    return x->idx < y->idx ? -1 : 1;
}

pp_status pp_kb_match_init(pp_kb *kb)
{
    if (kb->md)
        return PP_OK;
    kb->md = pcre2_match_data_create(MAX_GROUPS + 1, NULL);
    match_state *ms = calloc(1, sizeof *ms);
    pcre2_jit_stack *js = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (ms) {
        ms->mctx = pcre2_match_context_create(NULL);
        ms->order = malloc((kb->n ? kb->n : 1) * sizeof *ms->order);
    }
    if (!kb->md || !ms || !ms->mctx || !ms->order) {
        if (ms) {
            pcre2_match_context_free(ms->mctx);
            free(ms->order);
            free(ms);
        }
        pcre2_jit_stack_free(js);
        pcre2_match_data_free(kb->md);
        kb->md = NULL;
        return PP_E_NOMEM;
    }
    pcre2_set_match_limit(ms->mctx, PP_KB_MATCH_LIMIT);
    pcre2_set_depth_limit(ms->mctx, PP_KB_DEPTH_LIMIT);
    if (js)
        pcre2_jit_stack_assign(ms->mctx, NULL, js);
    kb->jit_stack = js;
    order_key *keys = malloc((kb->n ? kb->n : 1) * sizeof *keys);
    if (!keys) {
        pcre2_match_context_free(ms->mctx);
        free(ms->order);
        free(ms);
        pcre2_jit_stack_free(js);
        pcre2_match_data_free(kb->md);
        kb->md = NULL;
        return PP_E_NOMEM;
    }
    for (size_t i = 0; i < kb->n; i++) {
        keys[i].score = base_score(&kb->e[i]);
        keys[i].broad = kb->e[i].broad != 0;
        keys[i].idx = i;
    }
    if (kb->n > 1)
        qsort(keys, kb->n, sizeof *keys, cmp_base);
    for (size_t i = 0; i < kb->n; i++)
        ms->order[i] = keys[i].idx;
    free(keys);
    kb->mctx = ms;
    return PP_OK;
}

void pp_kb_match_fini(pp_kb *kb)
{
    for (size_t i = 0; i < kb->n; i++) {
        pp_kb_entry *e = &kb->e[i];
        pcre2_code_free(e->re);
        e->re = NULL;
        if (e->names) {
            for (char **n = e->names; *n; n++)
                free(*n);
            free(e->names);
            e->names = NULL;
        }
    }
    match_state *ms = kb->mctx;
    if (ms) {
        pcre2_match_context_free(ms->mctx);
        free(ms->order);
        free(ms);
        kb->mctx = NULL;
    }
    pcre2_match_data_free(kb->md);
    kb->md = NULL;
    pcre2_jit_stack_free(kb->jit_stack);
    kb->jit_stack = NULL;
}

/* Bonus of a list filter: 0 no constraint, `exact`/`wild` on a match, `unknown` when the
 * entry constrains but the event does not say; -1 when the event says something else. */
static int list_bonus(json_t *list, const char *value, int exact, int wild, int unknown)
{
    if (json_array_size(list) == 0)
        return 0;
    if (!value || !*value)
        return unknown;
    size_t i;
    json_t *x;
    int best = -1;
    json_array_foreach(list, i, x) {
        const char *p = json_string_value(x);
        if (strcmp(p, value) == 0)
            return exact;
        if (strpbrk(p, "*?[") && fnmatch(p, value, 0) == 0)
            best = wild;
    }
    return best;
}

/* A type whose failure messages quote another resource's or service's failure: a nested
 * stack's event carries its child's reason, a custom resource's the error of whatever API its
 * function called. For an entry that lists other types such an event is one whose type is not
 * known, not one of a different type. */
static int carrier_type(const char *rt)
{
    return rt && (strncmp(rt, "Custom::", 8) == 0 ||
                  strcmp(rt, "AWS::CloudFormation::Stack") == 0 ||
                  strcmp(rt, "AWS::CloudFormation::CustomResource") == 0 ||
                  strcmp(rt, "AWS::Serverless::Application") == 0);
}

/* Score of entry e for an event in *score and its class in *cls (1: specific and confirmed by
 * the event, 0: broad, or listing types the event does not carry); returns 0, or -1 when a
 * filter excludes it. cls may be NULL. */
static int filter_score(const pp_kb_entry *e, const char *rt, const char *status, int *score,
                        int *cls)
{
    int t = list_bonus(e->resource_types, rt, TYPE_EXACT, TYPE_WILD, TYPE_UNKNOWN);
    if (t == -1 && carrier_type(rt))
        t = TYPE_UNKNOWN;
    int s = list_bonus(e->statuses, status, STATUS_BONUS, STATUS_BONUS, 0);
    if (t == -1 || s == -1)
        return -1;
    *score = base_score(e) + t + s;
    if (cls)
        *cls = !e->broad && t != TYPE_UNKNOWN;
    return 0;
}

static size_t subject_len(const char *text)
{
    size_t n = strlen(text);
    if (n <= PP_KB_MATCH_MAX_SUBJECT)
        return n;
    n = PP_KB_MATCH_MAX_SUBJECT;
    n = pp_utf8_cut(text, n);
    return n;
}

/* Runs e's pattern. 1 match, 0 no match, -1 invalid subject (stop trying), -2 out of
 * memory (the interpreter's backtracking frames). */
static int run(pp_kb *kb, const pp_kb_entry *e, const char *text, size_t len, int *utf_checked)
{
    match_state *ms = kb->mctx;
    uint32_t opts = *utf_checked ? PCRE2_NO_UTF_CHECK : 0;
    int rc = pcre2_match(e->re, (PCRE2_SPTR)text, len, 0, opts, kb->md, ms->mctx);
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
        return -1;
    if (rc == PCRE2_ERROR_NOMEMORY)
        return -2;
    *utf_checked = 1;
    return rc >= 0;
}

static pp_status take_captures(pp_kb *kb, const pp_kb_entry *e, pp_kb_hit *hit)
{
    size_t n = 0;
    for (char **p = e->names; p && *p; p++)
        n++;
    hit->caps = n ? calloc(n, sizeof *hit->caps) : NULL;
    hit->ncaps = 0;
    if (n && !hit->caps)
        return PP_E_NOMEM;
    for (char **p = e->names; p && *p; p++) {
        PCRE2_UCHAR *buf = NULL;
        PCRE2_SIZE blen = 0;
        int grc = pcre2_substring_get_byname(kb->md, (PCRE2_SPTR)*p, &buf, &blen);
        if (grc == PCRE2_ERROR_UNSET) {
            buf = NULL;   /* kept as "": the entry knows the name, this message did not fill it */
            blen = 0;
        } else if (grc == PCRE2_ERROR_NOMEMORY) {
            return PP_E_NOMEM;   /* a capture dropped would change the filled text */
        } else if (grc != 0) {
            continue;
        }
        if (blen > PP_KB_MAX_CAPTURE) {
            blen = PP_KB_MAX_CAPTURE;
            blen = pp_utf8_cut((const char *)buf, blen);
        }
        pp_kb_capture *c = &hit->caps[hit->ncaps];
        c->name = pp_strdup(*p);
        c->value = malloc(blen + 1);
        if (c->value) {
            if (blen)
                memcpy(c->value, buf, blen);
            c->value[blen] = '\0';
        }
        if (buf)
            pcre2_substring_free(buf);
        if (!c->name || !c->value) {
            free(c->name);
            free(c->value);
            return PP_E_NOMEM;
        }
        hit->ncaps++;
    }
    return PP_OK;
}

pp_status pp_kb_match(pp_kb *kb, const char *text, const char *resource_type, const char *status,
                      pp_kb_hit *hit)
{
    memset(hit, 0, sizeof *hit);
    hit->entry = NO_IDX;
    if (!text || !kb->mctx)
        return PP_E_NOTFOUND;
    match_state *ms = kb->mctx;
    size_t len = subject_len(text);
    /* Candidates compare by (class, score). Class 1: a specific entry whose type filter the
     * event confirms (or that has none); class 0: a broad entry, or a specific one that lists
     * types when the event carries none (it may not apply at all). */
    int best = 0, best_cls = 0, utf = 0, found = 0;
    for (size_t k = 0; k < kb->n; k++) {
        const pp_kb_entry *e = &kb->e[ms->order[k]];
        /* sorted: specific entries first, each group by best possible score */
        if (found && base_score(e) + MAX_BONUS <= best && (best_cls == 1 || e->broad))
            break;   /* nothing later can win */
        if (found && best_cls == 1 && e->broad)
            break;
        int sc, cls;
        if (filter_score(e, resource_type, status, &sc, &cls) != 0)
            continue;
        if (found && (cls < best_cls || (cls == best_cls && sc <= best)))
            continue;
        int r = run(kb, e, text, len, &utf);
        if (r == -2) {
            pp_kb_hit_free(hit);
            return PP_E_NOMEM;
        }
        if (r < 0)
            break;
        if (r == 0)
            continue;
        pp_kb_hit_free(hit);
        hit->entry = ms->order[k];
        hit->score = sc;
        hit->source = PP_KB_SRC_PATTERN;
        best = sc;
        best_cls = cls;
        found = 1;
        if (take_captures(kb, e, hit) != PP_OK) {
            pp_kb_hit_free(hit);
            return PP_E_NOMEM;
        }
    }
    return hit->entry == NO_IDX ? PP_E_NOTFOUND : PP_OK;
}

/* Does entry a's pattern match example x (an object of another entry) under a's filters? */
static int matches_example(pp_kb *kb, const pp_kb_entry *a, const json_t *x)
{
    const char *msg = json_string_value(json_object_get(x, "message"));
    if (!msg)
        return 0;
    int sc;
    if (filter_score(a, json_string_value(json_object_get(x, "resource_type")),
                     json_string_value(json_object_get(x, "status")), &sc, NULL) != 0)
        return 0;
    int utf = 0;
    return run(kb, a, msg, subject_len(msg), &utf) == 1;
}

/* Appends {kind, resource_type} to list unless an equal pair is there. */
static int add_rival(json_t *list, const char *kind, const char *rt)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
        const char *k = json_string_value(json_object_get(o, "kind"));
        const char *t = json_string_value(json_object_get(o, "resource_type"));
        if (strcmp(k, kind) == 0 && ((!t && !rt) || (t && rt && strcmp(t, rt) == 0)))
            return 0;
    }
    o = json_pack("{s:s, s:s?}", "kind", kind, "resource_type", rt);
    return o ? json_array_append_new(list, o) : -1;
}

static pp_status rivals_of(pp_kb *kb, pp_kb_entry *a)
{
    json_t *list = json_array();
    if (!list || json_object_set_new(a->doc, "rivals", list) != 0)
        return PP_E_NOMEM;
    a->rivals = list;
    if (a->broad || a->role != PP_KB_ROLE_CAUSE)
        return PP_OK;
    for (size_t j = 0; j < kb->n; j++) {
        const pp_kb_entry *b = &kb->e[j];
        if (b->role != PP_KB_ROLE_CAUSE || strcmp(b->kind, a->kind) == 0)
            continue;
        size_t i;
        json_t *x;
        json_array_foreach(b->examples, i, x) {
            if (matches_example(kb, a, x) &&
                add_rival(list, b->kind, json_string_value(json_object_get(x, "resource_type"))))
                return PP_E_NOMEM;
        }
    }
    return PP_OK;
}

int pp_kb_rival_applies(const json_t *rival, const char *resource_type)
{
    const char *t = json_string_value(json_object_get(rival, "resource_type"));
    return !t || !resource_type || strcmp(t, resource_type) == 0;
}

pp_status pp_kb_find_rivals(pp_kb *kb)
{
    if (!kb->mctx)
        return PP_OK;
    for (size_t i = 0; i < kb->n; i++)
        if (rivals_of(kb, &kb->e[i]) != PP_OK)
            return PP_E_NOMEM;
    return PP_OK;
}

pp_kb_role pp_kb_role_of(pp_kb *kb, const char *text)
{
    if (!text || !kb->mctx)
        return PP_KB_ROLE_CAUSE;
    size_t len = subject_len(text);
    int utf = 0;
    pp_kb_role found = PP_KB_ROLE_CAUSE;
    for (size_t i = 0; i < kb->n && found != PP_KB_ROLE_WRAPPER; i++) {
        const pp_kb_entry *e = &kb->e[i];
        if (e->role <= found)
            continue;
        int r = run(kb, e, text, len, &utf);
        if (r < 0)
            break;
        if (r)
            found = e->role;
    }
    return found;
}

size_t pp_kb_match_all(pp_kb *kb, const char *text, const char *resource_type,
                       const char *status, size_t *out, int *scores, size_t max)
{
    if (!text || !kb->mctx)
        return 0;
    match_state *ms = kb->mctx;
    size_t len = subject_len(text), n = 0;
    int utf = 0;
    for (size_t k = 0; k < kb->n; k++) {
        const pp_kb_entry *e = &kb->e[ms->order[k]];
        int sc, cls;
        if (filter_score(e, resource_type, status, &sc, &cls) != 0)
            continue;
        int r = run(kb, e, text, len, &utf);
        if (r < 0)
            break;
        if (r == 0)
            continue;
        if (!cls)
            sc -= PP_KB_BROAD_RANK;   /* below every specific entry */
        /* insertion by score */
        size_t pos = n < max ? n : max;
        while (pos > 0 && (!scores || scores[pos - 1] < sc)) {
            if (!scores)
                break;
            if (pos < max) {
                out[pos] = out[pos - 1];
                scores[pos] = scores[pos - 1];
            }
            pos--;
        }
        if (pos < max) {
            out[pos] = ms->order[k];
            if (scores)
                scores[pos] = sc;
            if (n < max)
                n++;
        }
    }
    return n;
}

/* ---- FTS5 fallback ------------------------------------------------------------------------- */

static int stopword(const char *w)
{
    static const char *const stop[] = {
        "the", "with", "that", "this", "from", "have", "been", "were", "your", "resource",
        "handler", "returned", "message", "request", "status", "code", "service", "proxy", "null",
        "requesttoken", "handlererrorcode", "error", "errors", "occurred", "while", "when", "into",
        "there", "their", "then", "than", "will", "would", "could", "should", "please", "more",
        "information", "aws", "amazon", "amazonaws", "https", "http", "www", "com", "arn",
        "type", "identifier", "failed", "does", "exist", "exists", "not", "and", "for", "are",
        "can", "see", "try", "again", "later", "also", "which", "what", "these", "those", "only",
        "some", "such", "other", "after", "before", "because", "reason", "stack", "stopped",
        NULL,
    };
    for (size_t i = 0; stop[i]; i++)
        if (strcmp(w, stop[i]) == 0)
            return 1;
    return 0;
}

#define MAX_TOKENS 24

/* Distinct lower-case words of 4+ letters (no digits: ids and hashes say nothing). */
static size_t tokens(const char *text, char out[][32], size_t max)
{
    size_t n = 0;
    const char *p = text;
    size_t scanned = 0;
    while (*p && n < max && scanned < PP_KB_MATCH_MAX_SUBJECT) {
        if (!isalnum((unsigned char)*p)) {
            p++;
            scanned++;
            continue;
        }
        const char *q = p;
        int digit = 0;
        while (isalnum((unsigned char)*q)) {
            digit |= isdigit((unsigned char)*q) != 0;
            q++;
        }
        size_t len = (size_t)(q - p);
        scanned += len;
        if (!digit && len >= 4 && len < 32) {
            char w[32];
            for (size_t i = 0; i < len; i++)
                w[i] = (char)tolower((unsigned char)p[i]);
            w[len] = '\0';
            int dup = stopword(w);
            for (size_t i = 0; i < n && !dup; i++)
                dup = strcmp(out[i], w) == 0;
            if (!dup)
                memcpy(out[n++], w, len + 1);
        }
        p = q;
    }
    return n;
}

static char *or_query(char toks[][32], size_t n)
{
    pp_buf b;
    pp_buf_init(&b, 4096);
    for (size_t i = 0; i < n; i++)
        pp_buf_printf(&b, "%s\"%s\"", i ? " OR " : "", toks[i]);
    return pp_buf_steal(&b);
}

/* Runs an FTS query; writes entry indices best first. */
static size_t fts_query(pp_kb *kb, const char *q, size_t *out, size_t max)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    if (!kb->db || sqlite3_prepare_v2(kb->db,
                                      "SELECT id FROM entries_fts WHERE entries_fts MATCH ?1 "
                                      "ORDER BY bm25(entries_fts, 0.0, 4.0, 1.0, 2.0) LIMIT ?2",
                                      -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)max);
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
        size_t i = pp_kb_find(kb, (const char *)sqlite3_column_text(st, 0));
        if (i != NO_IDX)
            out[n++] = i;
    }
    sqlite3_finalize(st);
    return n;
}

/* How many of toks occur (as a 5-letter stem) in entry e's words. */
static size_t overlap(const pp_kb_entry *e, char toks[][32], size_t n)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_buf_puts(&b, e->title);
    pp_buf_puts(&b, " ");
    pp_buf_puts(&b, e->explanation);
    size_t i;
    json_t *x;
    json_array_foreach(e->examples, i, x) {
        pp_buf_puts(&b, " ");
        pp_buf_puts(&b, json_string_value(json_object_get(x, "message")));
    }
    size_t hits = 0;
    for (size_t k = 0; k < n && b.data; k++) {
        char stem[8];
        size_t l = strlen(toks[k]) < 5 ? strlen(toks[k]) : 5;
        memcpy(stem, toks[k], l);
        stem[l] = '\0';
        if (strcasestr(b.data, stem))
            hits++;
    }
    pp_buf_free(&b);
    return hits;
}

pp_status pp_kb_match_fts(pp_kb *kb, const char *text, const char *resource_type,
                          pp_kb_hit *hit)
{
    memset(hit, 0, sizeof *hit);
    hit->entry = NO_IDX;
    if (!kb->db || !text)
        return PP_E_NOTFOUND;
    char toks[MAX_TOKENS][32];
    size_t nt = tokens(text, toks, MAX_TOKENS);
    if (nt < 2)
        return PP_E_NOTFOUND;
    char *q = or_query(toks, nt);
    if (!q)
        return PP_E_NOMEM;
    size_t cand[10];
    size_t nc = fts_query(kb, q, cand, PP_ARRAY_LEN(cand));
    free(q);
    /* Close enough: at least 3 shared words and a third of the message's words. */
    size_t need = (nt + 2) / 3;
    if (need < 3)
        need = 3;
    for (size_t i = 0; i < nc; i++) {
        const pp_kb_entry *e = &kb->e[cand[i]];
        int sc;
        if (filter_score(e, resource_type, NULL, &sc, NULL) != 0)
            continue;
        size_t ov = overlap(e, toks, nt);
        if (ov >= need) {
            hit->entry = cand[i];
            hit->source = PP_KB_SRC_FTS;
            hit->score = (int)ov * 10;
            return PP_OK;
        }
        break;   /* only the best-ranked eligible entry is considered */
    }
    return PP_E_NOTFOUND;
}

size_t pp_kb_search(pp_kb *kb, const char *query, size_t *out, size_t max)
{
    char toks[MAX_TOKENS][32];
    size_t nt = tokens(query, toks, MAX_TOKENS);
    if (nt == 0) {
        /* short words and ids: fall back to the raw words, quoted */
        const char *p = query;
        while (*p && nt < MAX_TOKENS) {
            while (*p && !isalnum((unsigned char)*p))
                p++;
            size_t l = 0;
            while (isalnum((unsigned char)p[l]) && l < 31)
                l++;
            if (!l)
                break;
            memcpy(toks[nt], p, l);
            toks[nt++][l] = '\0';
            p += l;
            while (isalnum((unsigned char)*p))
                p++;
        }
    }
    if (nt == 0)
        return 0;
    char *q = or_query(toks, nt);
    if (!q)
        return 0;
    size_t n = fts_query(kb, q, out, max);
    free(q);
    return n;
}

void pp_kb_hit_free(pp_kb_hit *hit)
{
    if (!hit)
        return;
    for (size_t i = 0; i < hit->ncaps; i++) {
        free(hit->caps[i].name);
        free(hit->caps[i].value);
    }
    free(hit->caps);
    hit->caps = NULL;
    hit->ncaps = 0;
}

const char *pp_kb_hit_capture(const pp_kb_hit *hit, const char *name)
{
    for (size_t i = 0; hit && i < hit->ncaps; i++)
        if (strcmp(hit->caps[i].name, name) == 0)
            return hit->caps[i].value;
    return NULL;
}
