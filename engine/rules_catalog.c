/* rules_catalog.c — reading control catalogues (rules_catalog.h). */
#include "engine/rules_catalog.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/doc_int.h"
#include "engine/rules_cache.h"
#include "engine/base/util.h"

enum col { C_RULE, C_CONTROL, C_GUARD, C_SEVERITY, C_PACKS, C_TITLE, C_FIX, C_DOCS,
           C_FRAMEWORKS, C_COUNT };

static const char *const col_names[C_COUNT] = {
    "rule", "control", "guard", "severity", "packs", "title", "fix", "docs", "frameworks",
};

struct pp_catalog {
    pp_catalog_row *rows;
    size_t n, cap;
    pp_catalog_row **order; /* the rows sorted by rule id (rebuilt after each file) */
    pp_strvec files;      /* names of the files read (rows point into them) */
    pp_strvec pending;    /* files read by pp_catalog_load_dir, not parsed yet: name, text
                             (NULL: not read yet, its stamp stood for it) */
    size_t *pending_len;
    uint64_t *pending_hash;
};

pp_catalog *pp_catalog_new(void)
{
    return calloc(1, sizeof(pp_catalog));
}

static void free_strv(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

static void row_clear(pp_catalog_row *r)
{
    free(r->rule);
    free(r->control);
    free(r->guard);
    free(r->title);
    free(r->fix);
    free(r->docs);
    free_strv(r->packs);
    free_strv(r->frameworks);
}

void pp_catalog_free(pp_catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        row_clear(&c->rows[i]);
    free(c->rows);
    free(c->order);
    pp_strvec_free(&c->files);
    pp_strvec_free(&c->pending);
    free(c->pending_len);
    free(c->pending_hash);
    free(c);
}

static int cmp_order(const void *a, const void *b)
{
    const pp_catalog_row *x = *(pp_catalog_row *const *)a, *y = *(pp_catalog_row *const *)b;
    int d = strcmp(x->rule, y->rule);
    return d ? d : (x > y) - (x < y);   /* equal ids: in the order read */
}

const pp_catalog_row *pp_catalog_find(const pp_catalog *c, const char *rule)
{
    size_t lo = 0, hi = c ? c->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const pp_catalog_row *r = c->order[mid];
        int d = strcmp(rule, r->rule);
        if (d == 0)
            return r;
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const pp_catalog_row *pp_catalog_rows(const pp_catalog *c, size_t *n)
{
    *n = c ? c->n : 0;
    return c ? c->rows : NULL;
}

static int valid_rule_id(const char *s, size_t n)
{
    if (n == 0 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

/* NULL when line[0..n) is well-formed UTF-8 without control characters other than TAB, else
 * what is wrong there. */
static const char *bad_text(const char *line, size_t n)
{
    const unsigned char *p = (const unsigned char *)line, *end = p + n;
    while (p < end) {
        if (*p >= 0x80) {
            size_t k = pp_utf8_seq(p, end);
            if (!k)
                return "well-formed UTF-8";
            p += k;
        } else if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            return "no control characters but TAB";
        } else {
            p++;
        }
    }
    return NULL;
}

/* Splits a "; "-separated list (s[0..n), n > 0) into a NULL-terminated vector. NULL with
 * *what set (or *nomem) on an empty item or too many. */
static char **split_list(const char *s, size_t n, const char **what, int *nomem)
{
    size_t items = 1;
    for (size_t i = 0; i < n; i++)
        items += s[i] == ';';
    if (items > PP_CATALOG_MAX_ITEMS) {
        *what = "at most 256 items in a list";
        return NULL;
    }
    char **v = calloc(items + 1, sizeof *v);
    if (!v) {
        *nomem = 1;
        return NULL;
    }
    size_t k = 0;
    for (const char *p = s, *end = s + n; p <= end; k++) {
        const char *q = memchr(p, ';', (size_t)(end - p));
        if (!q)
            q = end;
        const char *a = p, *b = q;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (a == b) {
            *what = "list items separated by \"; \", none of them empty";
            free_strv(v);
            return NULL;
        }
        if (!(v[k] = strndup(a, (size_t)(b - a)))) {
            *nomem = 1;
            free_strv(v);
            return NULL;
        }
        p = q + 1;
    }
    return v;
}

/* Stores field f (s[0..n), n > 0) of column `col` into r. NULL, or what was expected. */
static const char *set_field(pp_catalog_row *r, int col, const char *s, size_t n, int *nomem)
{
    const char *what = NULL;
    char **slot = NULL;
    switch (col) {
    case C_RULE:
        if (!valid_rule_id(s, n))
            return "a rule id made of letters, digits, '.', '_' or '-' (at most 128)";
        slot = &r->rule;
        break;
    case C_CONTROL: slot = &r->control; break;
    case C_GUARD: slot = &r->guard; break;
    case C_TITLE: slot = &r->title; break;
    case C_FIX: slot = &r->fix; break;
    case C_DOCS: slot = &r->docs; break;
    case C_SEVERITY: {
        char buf[16];
        if (n >= sizeof buf)
            return "a severity: info, low, medium, high or critical";
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (pp_severity_parse(buf, &r->severity) != 0)
            return "a severity: info, low, medium, high or critical";
        r->has_severity = 1;
        return NULL;
    }
    case C_PACKS:
        r->packs = split_list(s, n, &what, nomem);
        return what;
    default:
        r->frameworks = split_list(s, n, &what, nomem);
        return what;
    }
    if (!(*slot = strndup(s, n)))
        *nomem = 1;
    return NULL;
}

/* Reads the header line[0..n) into cols (column of each field); *ncols fields. */
static const char *read_header(const char *line, size_t n, int *cols, size_t *ncols)
{
    int seen[C_COUNT] = {0};
    *ncols = 0;
    for (const char *p = line, *end = line + n; p <= end;) {
        const char *q = memchr(p, '\t', (size_t)(end - p));
        if (!q)
            q = end;
        int col = -1;
        for (int i = 0; i < C_COUNT; i++)
            if ((size_t)(q - p) == strlen(col_names[i]) &&
                memcmp(p, col_names[i], (size_t)(q - p)) == 0)
                col = i;
        if (col < 0)
            return "a header of TAB-separated column names from rule, control, guard, "
                   "severity, packs, title, fix, docs, frameworks";
        if (seen[col]++)
            return "each column name at most once in the header";
        cols[(*ncols)++] = col;
        p = q + 1;
    }
    if (!seen[C_RULE])
        return "a 'rule' column in the header";
    return NULL;
}

/* Reads row line[0..n) with the header's columns. NULL, or what was expected. */
static const char *read_row(pp_catalog_row *r, const char *line, size_t n, const int *cols,
                            size_t ncols, int *nomem)
{
    size_t k = 0;
    for (const char *p = line, *end = line + n; p <= end && !*nomem; k++) {
        const char *q = memchr(p, '\t', (size_t)(end - p));
        if (!q)
            q = end;
        if (k >= ncols)
            return "as many TAB-separated fields as the header has columns (more here)";
        if (q > p) {
            const char *what = set_field(r, cols[k], p, (size_t)(q - p), nomem);
            if (what)
                return what;
        }
        p = q + 1;
    }
    if (*nomem)
        return NULL;
    if (k != ncols)
        return "as many TAB-separated fields as the header has columns (fewer here)";
    if (!r->rule)
        return "a rule id in the 'rule' field";
    return NULL;
}

static pp_status index_rows(pp_catalog *c, char **err)
{
    pp_catalog_row **o = realloc(c->order, (c->n ? c->n : 1) * sizeof *o);
    if (!o)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    c->order = o;
    for (size_t i = 0; i < c->n; i++)
        o[i] = &c->rows[i];
    qsort(o, c->n, sizeof *o, cmp_order);
    for (size_t i = 1; i < c->n; i++) {
        const pp_catalog_row *a = o[i - 1], *b = o[i];   /* b was read after a */
        if (strcmp(a->rule, b->rule) == 0) {
            return pp_err(err, PP_E_PARSE, "%s:%zu: expected one row per rule; '%s' has a "
                                           "row already at %s:%zu", b->file, b->line, b->rule,
                          a->file, a->line);
        }
    }
    return PP_OK;
}

pp_status pp_catalog_parse(pp_catalog *c, const char *file, const char *text, size_t len,
                           char **err)
{
    if (len > PP_CATALOG_MAX_BYTES)
        return pp_err(err, PP_E_LIMIT, "%s: larger than the %u-byte limit of a catalogue",
                      file, PP_CATALOG_MAX_BYTES);
    char *name = pp_strdup(file);
    if (!name || pp_strvec_push(&c->files, name)) {
        free(name);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    int cols[C_COUNT];
    size_t ncols = 0, lineno = 0;
    const char *what = NULL;
    pp_status st = PP_OK;
    for (size_t off = 0; off < len && st == PP_OK; ) {
        const char *line = text + off;
        const char *nl = memchr(line, '\n', len - off);
        size_t n = nl ? (size_t)(nl - line) : len - off;
        off += n + 1;
        lineno++;
        if (n > PP_CATALOG_MAX_LINE) {
            st = pp_err(err, PP_E_LIMIT, "%s:%zu: expected a line of at most %u bytes", file,
                        lineno, PP_CATALOG_MAX_LINE);
            break;
        }
        if ((what = bad_text(line, n)) != NULL)
            break;
        if (n == 0 || line[0] == '#')
            continue;
        if (!ncols) {
            if ((what = read_header(line, n, cols, &ncols)) != NULL)
                break;
            continue;
        }
        if (c->n >= PP_CATALOG_MAX_ROWS) {
            st = pp_err(err, PP_E_LIMIT, "%s:%zu: expected at most %u catalogue rows", file,
                        lineno, PP_CATALOG_MAX_ROWS);
            break;
        }
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 64;
            pp_catalog_row *rows = realloc(c->rows, cap * sizeof *rows);
            if (!rows) {
                st = PP_E_NOMEM;
                break;
            }
            c->rows = rows;
            c->cap = cap;
        }
        pp_catalog_row *r = &c->rows[c->n];
        memset(r, 0, sizeof *r);
        r->file = name;
        r->line = lineno;
        int nomem = 0;
        what = read_row(r, line, n, cols, ncols, &nomem);
        if (what || nomem) {
            row_clear(r);
            st = nomem ? PP_E_NOMEM : PP_OK;
            break;
        }
        c->n++;
    }
    if (st == PP_E_NOMEM)
        return pp_err(err, st, "%s: out of memory", file);
    if (what)
        return pp_err(err, PP_E_PARSE, "%s:%zu: expected %s", file, lineno, what);
    if (st == PP_OK && !ncols && len)
        return pp_err(err, PP_E_PARSE, "%s:%zu: expected a header line naming the columns",
                      file, lineno);
    return st == PP_OK ? index_rows(c, err) : st;
}

pp_status pp_catalog_load_dir(pp_catalog *c, const char *dir, uint64_t *env,
                              const pp_rules_cache *cache, char **err)
{
    char *cdir = pp_asprintf("%s/catalog", dir);
    if (!cdir)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    DIR *d = opendir(cdir);
    if (!d) {
        int e = errno;
        pp_status st = PP_OK;
        if (e != ENOENT && e != ENOTDIR)
            st = pp_err(err, e == ENOMEM ? PP_E_NOMEM : PP_E_IO, "%s: cannot open: %s", cdir,
                        strerror(e));
        free(cdir);
        return st;
    }
    pp_strvec files = {0};
    pp_status st = PP_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && st == PP_OK) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".tsv") != 0)
            continue;
        char *p = pp_asprintf("%s/%s", cdir, e->d_name);
        if (!p || pp_strvec_push(&files, p)) {
            free(p);
            st = pp_err(err, PP_E_NOMEM, "out of memory");
        }
    }
    closedir(d);
    if (files.n)
        qsort(files.v, files.n, sizeof *files.v, pp_strcmp_ptr);
    for (size_t i = 0; i < files.n && st == PP_OK; i++) {
        char *text = NULL;
        size_t len = 0;
        uint64_t hash = 0;
        const char *base = strrchr(files.v[i], '/') + 1;
        char *rel = cache ? pp_asprintf("catalog/%s", base) : NULL;
        struct stat sb;
        int known = rel && stat(files.v[i], &sb) == 0 &&
                    pp_rules_cache_stamp(cache, rel, &sb, &len, &hash);
        free(rel);
        if (!known) {
            st = pp_read_file(files.v[i], PP_CATALOG_MAX_BYTES, &text, &len, err);
            if (st != PP_OK)
                break;
            hash = pp_rules_cache_hash(text, len);
        }
        if (env)
            *env = pp_rules_env_add_hash(*env, base, len, hash);
        size_t k = 0;   /* an earlier folder's file of this name is replaced, as a module is */
        while (k < c->pending.n && strcmp(strrchr(c->pending.v[k], '/') + 1, base) != 0)
            k += 2;
        if (k < c->pending.n) {
            free(c->pending.v[k]);
            free(c->pending.v[k + 1]);
            c->pending.v[k] = files.v[i];
            c->pending.v[k + 1] = text;
            c->pending_len[k / 2] = len;
            c->pending_hash[k / 2] = hash;
            files.v[i] = NULL;
            continue;
        }
        size_t *pl = realloc(c->pending_len, (c->pending.n / 2 + 1) * sizeof *pl);
        if (pl)
            c->pending_len = pl;
        uint64_t *ph = pl ? realloc(c->pending_hash, (c->pending.n / 2 + 1) * sizeof *ph) : NULL;
        if (ph)
            c->pending_hash = ph;
        if (!pl || !ph || pp_strvec_push(&c->pending, files.v[i])) {
            free(text);
            st = pp_err(err, PP_E_NOMEM, "out of memory");
            break;
        }
        files.v[i] = NULL;   /* now the pending list's */
        if (pp_strvec_push(&c->pending, text)) {
            free(text);
            st = pp_err(err, PP_E_NOMEM, "out of memory");
            break;
        }
        pl[c->pending.n / 2 - 1] = len;
        ph[c->pending.n / 2 - 1] = hash;
    }
    pp_strvec_free(&files);
    free(cdir);
    return st;
}

pp_status pp_catalog_ready(pp_catalog *c, char **err)
{
    pp_status st = PP_OK;
    for (size_t i = 0; i + 1 < c->pending.n && st == PP_OK; i += 2) {
        size_t len = c->pending_len[i / 2], n = 0;
        if (!c->pending.v[i + 1]) {   /* known by its stamp: read now, and still that text */
            st = pp_read_file(c->pending.v[i], PP_CATALOG_MAX_BYTES, &c->pending.v[i + 1], &n,
                              err);
            if (st == PP_OK && (n != len || pp_rules_cache_hash(c->pending.v[i + 1], n) !=
                                                c->pending_hash[i / 2]))
                st = pp_err(err, PP_E_PARSE, "%s: changed while parapet was running",
                            c->pending.v[i]);
            if (st != PP_OK)
                break;
        }
        st = pp_catalog_parse(c, c->pending.v[i], c->pending.v[i + 1], len, err);
    }
    pp_strvec_free(&c->pending);
    c->pending = (pp_strvec){0};
    free(c->pending_len);
    c->pending_len = NULL;
    free(c->pending_hash);
    c->pending_hash = NULL;
    return st;
}
