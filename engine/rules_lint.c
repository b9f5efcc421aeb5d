/* rules_lint.c — what `parapet rules test` checks in the text of rule files and lib/ modules
 * besides their cases (rules_lint.h): locals that are never read, and local helpers that
 * re-write a function a lib/ module already exports.
 *
 * A small Lua tokenizer (comments, short and long strings, numbers, names, punctuation); no
 * parser. A local counts as read when its name appears anywhere else in the file as a name
 * that is not a field (after '.' or ':') and not the target of an '=' (assignment or table
 * key). Scopes are not tracked, so a name declared twice is judged by all its uses together:
 * the lint can miss an unused local, never call a read one unused. Names starting with '_' are
 * exempt, as are function parameters and loop variables.
 */
#include "engine/rules_lint.h"

#include <stdlib.h>
#include <string.h>

#include "engine/eval_int.h"
#include "engine/base/util.h"

#define LINT_MAX_FILE (1u << 20)

typedef enum { T_NAME, T_PUNCT, T_OTHER } tkind;

typedef struct tok {
    tkind kind;
    const char *s;        /* into the text */
    size_t n;
    unsigned line;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
} toks;

static int push(toks *t, tkind k, const char *s, size_t n, unsigned line)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        tok *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (tok){k, s, n, line};
    return 0;
}

static int is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* The level of a long bracket opening at p ("[[" 0, "[==[" 2), or -1. */
static int long_open(const char *p, const char *end)
{
    if (p >= end || *p != '[')
        return -1;
    int lvl = 0;
    const char *q = p + 1;
    while (q < end && *q == '=') {
        lvl++;
        q++;
    }
    return q < end && *q == '[' ? lvl : -1;
}

/* Skips a long bracket of level lvl opening at p; returns where it ends (end if unclosed). */
static const char *long_skip(const char *p, const char *end, int lvl, unsigned *line)
{
    p += lvl + 2;
    for (; p < end; p++) {
        if (*p == '\n')
            (*line)++;
        if (*p == ']') {
            const char *q = p + 1;
            int k = 0;
            while (q < end && *q == '=' && k < lvl) {
                k++;
                q++;
            }
            if (k == lvl && q < end && *q == ']')
                return q + 1;
        }
    }
    return end;
}

static pp_status tokenize(const char *s, size_t len, toks *t)
{
    const char *p = s, *end = s + len;
    unsigned line = 1;
    while (p < end) {
        char c = *p;
        int lvl;
        if (c == '\n') {
            line++;
            p++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            p++;
        } else if (c == '-' && p + 1 < end && p[1] == '-') {
            p += 2;
            if ((lvl = long_open(p, end)) >= 0) {
                p = long_skip(p, end, lvl, &line);
            } else {
                while (p < end && *p != '\n')
                    p++;
            }
        } else if ((lvl = long_open(p, end)) >= 0) {
            unsigned at = line;
            const char *q = long_skip(p, end, lvl, &line);
            if (push(t, T_OTHER, p, (size_t)(q - p), at))
                return PP_E_NOMEM;
            p = q;
        } else if (c == '"' || c == '\'') {
            const char *q = p + 1;
            while (q < end && *q != c && *q != '\n') {
                if (*q == '\\' && q + 1 < end) {
                    if (q[1] == '\n')
                        line++;
                    q++;
                }
                q++;
            }
            if (push(t, T_OTHER, p, (size_t)(q - p), line))
                return PP_E_NOMEM;
            p = q < end ? q + 1 : q;
        } else if (is_name_start(c)) {
            const char *q = p;
            while (q < end && is_name_char(*q))
                q++;
            if (push(t, T_NAME, p, (size_t)(q - p), line))
                return PP_E_NOMEM;
            p = q;
        } else if (c >= '0' && c <= '9') {
            const char *q = p;
            while (q < end && (is_name_char(*q) || *q == '.' ||
                               ((*q == '+' || *q == '-') && (q[-1] == 'e' || q[-1] == 'E' ||
                                                             q[-1] == 'p' || q[-1] == 'P'))))
                q++;
            if (push(t, T_OTHER, p, (size_t)(q - p), line))
                return PP_E_NOMEM;
            p = q;
        } else {
            /* two-character operators that contain '=' or '.' must not read as them */
            size_t n = 1;
            if (p + 1 < end && ((c == '=' && p[1] == '=') || (c == '~' && p[1] == '=') ||
                                (c == '<' && p[1] == '=') || (c == '>' && p[1] == '=') ||
                                (c == '.' && p[1] == '.') || (c == ':' && p[1] == ':')))
                n = p + 2 < end && c == '.' && p[2] == '.' ? 3 : 2;
            if (push(t, T_PUNCT, p, n, line))
                return PP_E_NOMEM;
            p += n;
        }
    }
    return PP_OK;
}

static int is(const tok *k, const char *s)
{
    return k->n == strlen(s) && memcmp(k->s, s, k->n) == 0;
}

static int same(const tok *a, const tok *b)
{
    return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* Is token i a read of a name: a name, not a field, not assigned to? */
static int is_read(const toks *t, size_t i)
{
    if (t->v[i].kind != T_NAME)
        return 0;
    if (i > 0 && t->v[i - 1].kind == T_PUNCT && (is(&t->v[i - 1], ".") || is(&t->v[i - 1], ":")))
        return 0;
    if (i + 1 < t->n && t->v[i + 1].kind == T_PUNCT && is(&t->v[i + 1], "="))
        return 0;
    return 1;
}

/* The names exported by a module: the keys of its last `return { ... }` at depth 1. */
static pp_status module_exports(const char *path, pp_strvec *out, char **err)
{
    char *src = NULL;
    size_t len = 0;
    pp_status st = pp_read_file(path, LINT_MAX_FILE, &src, &len, err);
    toks t = {0};
    if (st == PP_OK)
        st = tokenize(src, len, &t);
    size_t at = t.n;
    for (size_t i = 0; st == PP_OK && i + 1 < t.n; i++)
        if (t.v[i].kind == T_NAME && is(&t.v[i], "return") && is(&t.v[i + 1], "{"))
            at = i + 2;
    int depth = 1;
    for (size_t i = at; st == PP_OK && i < t.n && depth > 0; i++) {
        if (t.v[i].kind == T_PUNCT && (is(&t.v[i], "{") || is(&t.v[i], "(")))
            depth++;
        else if (t.v[i].kind == T_PUNCT && (is(&t.v[i], "}") || is(&t.v[i], ")")))
            depth--;
        else if (depth == 1 && t.v[i].kind == T_NAME && i + 1 < t.n && is(&t.v[i + 1], "=")) {
            char *name = strndup(t.v[i].s, t.v[i].n);
            if (!name || pp_strvec_push(out, name)) {
                free(name);
                st = PP_E_NOMEM;
            }
        }
    }
    free(t.v);
    free(src);
    return st;
}

typedef struct lint {
    pp_buf *out;
    size_t problems;
    const pp_strvec *exports;    /* name per module: exports->v[i], from module_of[i] */
    const char *const *module_of;
} lint;

static pp_status report(lint *l, const char *file, unsigned line, const char *fmt,
                        const tok *name, const char *extra)
{
    l->problems++;
    pp_status st = pp_buf_printf(l->out, "LINT %s:%u: ", file, line);
    if (st == PP_OK)
        st = pp_buf_printf(l->out, fmt, (int)name->n, name->s, extra ? extra : "");
    return st == PP_OK ? pp_buf_puts(l->out, "\n") : st;
}

/* The lib/ module exporting a function named like tok, or NULL. */
static const char *exported_by(const lint *l, const tok *name)
{
    for (size_t i = 0; l->exports && i < l->exports->n; i++)
        if (strlen(l->exports->v[i]) == name->n && memcmp(l->exports->v[i], name->s, name->n) == 0)
            return l->module_of[i];
    return NULL;
}

/* Lints one file's tokens: `is_rule` also checks helpers against the modules' exports. */
static pp_status lint_tokens(lint *l, const char *file, const toks *t, int is_rule)
{
    pp_status st = PP_OK;
    for (size_t i = 0; i + 1 < t->n && st == PP_OK; i++) {
        if (t->v[i].kind != T_NAME || !is(&t->v[i], "local"))
            continue;
        size_t j = i + 1;
        int is_fn = is(&t->v[j], "function");
        if (is_fn)
            j++;
        while (j < t->n && t->v[j].kind == T_NAME && st == PP_OK) {
            const tok *name = &t->v[j];
            size_t reads = 0;
            for (size_t k = 0; k < t->n; k++)
                if (k != j && same(&t->v[k], name) && is_read(t, k))
                    reads++;
            if (reads == 0 && name->s[0] != '_')
                st = report(l, file, name->line, "local '%.*s' is never read%s", name,
                            is_fn ? " (a function)" : "");
            /* a helper written here that a module already exports */
            const char *mod = is_rule ? exported_by(l, name) : NULL;
            int defines_fn = is_fn || (j + 2 < t->n && is(&t->v[j + 1], "=") &&
                                       is(&t->v[j + 2], "function"));
            if (st == PP_OK && mod && defines_fn)
                st = report(l, file, name->line, "local function '%.*s' shadows the one %s "
                            "exports: use that one", name, mod);
            if (is_fn || j + 1 >= t->n || !is(&t->v[j + 1], ","))
                break;
            j += 2;   /* past the comma to the next name */
        }
    }
    return st;
}

static pp_status lint_file(lint *l, const char *path, int is_rule, char **err)
{
    char *src = NULL;
    size_t len = 0;
    pp_status st = pp_read_file(path, LINT_MAX_FILE, &src, &len, err);
    toks t = {0};
    if (st == PP_OK)
        st = tokenize(src, len, &t);
    if (st == PP_OK)
        st = lint_tokens(l, path, &t, is_rule);
    free(t.v);
    free(src);
    return st;
}

pp_status pp_rules_lint(const pp_ruleset *rs, pp_buf *out, size_t *problems, char **err)
{
    pp_strvec exports = {0};
    size_t cap = 0;
    const char **module_of = NULL;
    pp_status st = PP_OK;
    for (size_t m = 0; m < rs->modules.n && st == PP_OK; m++) {
        size_t before = exports.n;
        st = module_exports(rs->modules.v[m], &exports, err);
        if (st == PP_OK && exports.n > cap) {
            cap = exports.n * 2;
            const char **mo = realloc(module_of, cap * sizeof *mo);
            if (!mo)
                st = PP_E_NOMEM;
            else
                module_of = mo;
        }
        for (size_t i = before; st == PP_OK && i < exports.n; i++)
            module_of[i] = rs->modules.v[m];
    }
    lint l = {out, 0, &exports, module_of};
    for (size_t m = 0; m < rs->modules.n && st == PP_OK; m++)
        st = lint_file(&l, rs->modules.v[m], 0, err);
    for (size_t i = 0; i < rs->nrules && st == PP_OK; i++)
        st = lint_file(&l, rs->rules[i].file, 1, err);
    free(module_of);
    pp_strvec_free(&exports);
    *problems = l.problems;
    if (st == PP_E_NOMEM)
        pp_err(err, st, "out of memory");
    return st;
}
