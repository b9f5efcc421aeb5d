/* kb.c — knowledge-base entries: validation and normalising of kb/NAME.yaml, loading a
 * directory or a buffer of them, and the entry table (see kb.h). The SQLite build and
 * loading it back live in kb_db.c, lint in kb_lint.c, matching in kb_match.c.
 */
#include "advisor/kb.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisor/kb_int.h"
#include "advisor/kb_match.h"
#include "engine/doc.h"
#include "engine/base/util.h"
#include "engine/value.h"

#define NO_IDX ((size_t)-1)

const char *const pp_kb_event_fields[] = {
    "stack", "stack_id", "logical_id", "physical_id", "resource_type", "status", "service",
    "cluster", "container", "image", "task_arn", "exit_code", "stop_code", NULL,
};

static const char *const list_keys[] = {
    "resource_types", "statuses", "fix", "commands", "links", "prevented_by",
};


static void problem(problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(problems *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = pp_vasprintf(fmt, ap);
    va_end(ap);
    if (m) {
        if (p->buf.len)
            pp_buf_puts(&p->buf, "\n");
        pp_buf_puts(&p->buf, m);
        free(m);
    }
    p->n++;
}

/* Every scalar leaf as a string (the KB's fields are text; `priority` is converted by
 * normalise): numbers and booleans keep their written form, null becomes "". Returns a new
 * reference or NULL on NOMEM. */
static json_t *kb_stringify(json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            json_t *c = kb_stringify(x);
            if (!o || !c || json_object_set_new(o, k, c)) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < json_array_size(v); i++) {
            json_t *c = kb_stringify(json_array_get(v, i));
            if (!c || json_array_append_new(a, c)) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    if (json_is_null(v))
        return json_string("");
    char *str = pp_value_str(v);
    json_t *r = str ? json_string(str) : NULL;
    free(str);
    return r;
}

/* Loads one KB source with the project's YAML loader. *lines receives an object mapping each
 * top-level key to its line (for messages). Same contract as the loader: NULL with *st and
 * *err ("NAME:LINE:COL: …") on failure. */
static json_t *kb_load_yaml(const char *name, const char *buf, size_t len, json_t **lines,
                            pp_status *st, char **err)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    lim.max_depth = 16;
    lim.max_nodes = 20000;
    lim.max_alias_nodes = 1000;
    pp_doc *d = pp_doc_load(name, buf, len, PP_FMT_YAML, &lim, st, err);
    if (!d)
        return NULL;
    json_t *out = json_is_object(d->root) ? kb_stringify(d->root) : NULL;
    if (!json_is_object(d->root)) {
        *st = PP_E_PARSE;
        *err = pp_asprintf("%s:1:1: expected a map of entry fields", name);
    }
    json_t *ln = json_object();
    const char *k;
    json_t *x;
    json_object_foreach(d->root, k, x) {
        pp_pos p;
        if (pp_posmap_get(d->pos, d->root, k, 0, &p) == 0)
            json_object_set_new(ln, k, json_integer(p.line));
    }
    pp_doc_free(d);
    if (!out || !ln) {
        json_decref(out);
        json_decref(ln);
        if (*st == PP_OK)
            *st = PP_E_NOMEM;
        return NULL;
    }
    *lines = ln;
    return out;
}

static unsigned key_line(json_t *lines, const char *key)
{
    json_t *l = json_object_get(lines, key);
    return json_is_integer(l) ? (unsigned)json_integer_value(l) : 1;
}

static int valid_id(const char *s)
{
    if (!s || !*s || strlen(s) > 100)
        return 0;
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* A list of strings (a lone string becomes a one-element list). NULL when invalid. */
static json_t *str_list(json_t *v)
{
    if (!v)
        return json_array();
    if (json_is_string(v))
        return json_pack("[O]", v);
    if (!json_is_array(v))
        return NULL;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) if (!json_is_string(x)) return NULL;
    return json_incref(v);
}

const char *pp_kb_role_name(pp_kb_role r)
{
    switch (r) {
    case PP_KB_ROLE_WEAK: return "weak";
    case PP_KB_ROLE_WRAPPER: return "wrapper";
    case PP_KB_ROLE_CAUSE: break;
    }
    return "cause";
}

/* The role named s, or -1 when s is not one. */
static int role_parse(const char *s)
{
    for (int r = PP_KB_ROLE_CAUSE; s && r <= PP_KB_ROLE_WRAPPER; r++)
        if (strcmp(s, pp_kb_role_name((pp_kb_role)r)) == 0)
            return r;
    return -1;
}

/* An entry's examples: each a message string or an object of message, resource_type, status,
 * source and captures (name: string). Returns them all as objects (new reference; NULL only
 * for want of memory), problems recorded for the others. */
static json_t *normalise_examples(json_t *ex, json_t *lines, const char *file, problems *p)
{
    json_t *exs = json_array();
    if (!json_is_array(ex) || json_array_size(ex) == 0)
        problem(p, "%s:%u: expected at least one example message", file,
                key_line(lines, "examples"));
    size_t i;
    json_t *x;
    json_array_foreach(ex, i, x) {
        json_t *o = NULL;
        if (json_is_string(x)) {
            o = json_pack("{s:O}", "message", x);
        } else if (json_is_object(x) && json_is_string(json_object_get(x, "message"))) {
            o = json_deep_copy(x);
            const char *ek;
            json_t *ev;
            int bad = 0;
            json_object_foreach(o, ek, ev) {
                if (strcmp(ek, "captures") == 0) {
                    const char *ck;
                    json_t *cv;
                    if (!json_is_object(ev))
                        bad = 1;
                    else
                        json_object_foreach(ev, ck, cv) if (!json_is_string(cv)) bad = 1;
                } else if (strcmp(ek, "message") != 0 && strcmp(ek, "resource_type") != 0 &&
                           strcmp(ek, "status") != 0 && strcmp(ek, "source") != 0) {
                    bad = 1;
                } else if (!json_is_string(ev)) {
                    bad = 1;
                }
            }
            if (bad) {
                json_decref(o);
                o = NULL;
            }
        }
        if (!o)
            problem(p,
                    "%s:%u: examples[%zu]: expected a message string or {message, resource_type, "
                    "status, source, captures: {name: value}}",
                    file, key_line(lines, "examples"), i);
        else
            json_array_append_new(exs, o);
    }
    return exs;
}

/* Validates a raw YAML entry and returns its normalised object (new reference), or NULL with
 * problems recorded. */
static json_t *normalise(json_t *raw, json_t *lines, const char *file, problems *p)
{
    static const char *const known[] = {
        "id", "kind", "title", "service", "resource_types", "statuses", "priority", "role",
        "broad", "pattern", "explanation", "fix", "commands", "links", "prevented_by",
        "examples", NULL,
    };
    size_t before = p->n;
    if (!json_is_object(raw)) {
        problem(p, "%s:1: expected a mapping with id, title, pattern, …", file);
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(raw, k, v) {
        int ok = 0;
        for (size_t i = 0; known[i]; i++)
            if (strcmp(k, known[i]) == 0)
                ok = 1;
        if (!ok)
            problem(p, "%s:%u: expected one of the entry keys (see docs/kb.md), not \"%s\"", file,
                    key_line(lines, k), k);
    }
    json_t *out = json_object();
    if (!out)
        return NULL;
    static const char *const req_str[] = {"id", "title", "service", "pattern", "explanation"};
    for (size_t i = 0; i < PP_ARRAY_LEN(req_str); i++) {
        json_t *s = json_object_get(raw, req_str[i]);
        if (!json_is_string(s) || !*json_string_value(s))
            problem(p, "%s:%u: expected a non-empty string for \"%s\"", file,
                    key_line(lines, req_str[i]), req_str[i]);
        else
            json_object_set(out, req_str[i], s);
    }
    const char *id = json_string_value(json_object_get(out, "id"));
    if (id && !valid_id(id))
        problem(p, "%s:%u: expected an id of lower-case letters, digits, '-' and '.', not \"%s\"",
                file, key_line(lines, "id"), id);
    json_t *kind = json_object_get(raw, "kind");
    if (kind && (!json_is_string(kind) || !valid_id(json_string_value(kind))))
        problem(p, "%s:%u: expected a kind like an id", file, key_line(lines, "kind"));
    else
        json_object_set(out, "kind", kind ? kind : json_object_get(out, "id"));
    const char *pat = json_string_value(json_object_get(out, "pattern"));
    if (pat && strlen(pat) > PP_KB_MAX_PATTERN)
        problem(p, "%s:%u: expected a pattern of at most %u bytes", file,
                key_line(lines, "pattern"), PP_KB_MAX_PATTERN);
    for (size_t i = 0; i < PP_ARRAY_LEN(list_keys); i++) {
        json_t *l = str_list(json_object_get(raw, list_keys[i]));
        if (!l)
            problem(p, "%s:%u: expected a list of strings for \"%s\"", file,
                    key_line(lines, list_keys[i]), list_keys[i]);
        else
            json_object_set_new(out, list_keys[i], l);
    }
    if (json_array_size(json_object_get(out, "fix")) == 0)
        problem(p, "%s:%u: expected at least one fix step", file, key_line(lines, "fix"));
    long prio = 0;
    json_t *pr = json_object_get(raw, "priority");
    if (pr && (!json_is_string(pr) || pp_parse_long(json_string_value(pr), -100, 100, &prio)))
        problem(p, "%s:%u: expected a priority between -100 and 100", file,
                key_line(lines, "priority"));
    json_object_set_new(out, "priority", json_integer(prio));
    json_t *role = json_object_get(raw, "role");
    if (role && role_parse(json_string_value(role)) < 0)
        problem(p, "%s:%u: expected a role of cause, weak or wrapper", file,
                key_line(lines, "role"));
    int rv = role ? role_parse(json_string_value(role)) : PP_KB_ROLE_CAUSE;
    json_object_set_new(out, "role", json_string(pp_kb_role_name(rv < 0 ? PP_KB_ROLE_CAUSE
                                                                        : (pp_kb_role)rv)));
    json_t *broad = json_object_get(raw, "broad");
    const char *bs = broad ? json_string_value(broad) : "false";
    if (!bs || (strcmp(bs, "true") != 0 && strcmp(bs, "false") != 0))
        problem(p, "%s:%u: expected broad: true or broad: false", file, key_line(lines, "broad"));
    json_object_set_new(out, "broad", json_boolean(bs && strcmp(bs, "true") == 0));

    json_t *exs = normalise_examples(json_object_get(raw, "examples"), lines, file, p);
    json_object_set_new(out, "examples", exs);
    json_object_set_new(out, "file", json_string(file));
    json_object_set_new(out, "line", json_integer(key_line(lines, "pattern")));
    if (p->n != before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Fills the typed view of e from e->doc (which it owns). */
static void bind_entry(pp_kb_entry *e)
{
    json_t *d = e->doc;
    e->id = json_string_value(json_object_get(d, "id"));
    e->kind = json_string_value(json_object_get(d, "kind"));
    e->title = json_string_value(json_object_get(d, "title"));
    e->service = json_string_value(json_object_get(d, "service"));
    e->pattern = json_string_value(json_object_get(d, "pattern"));
    e->explanation = json_string_value(json_object_get(d, "explanation"));
    e->resource_types = json_object_get(d, "resource_types");
    e->statuses = json_object_get(d, "statuses");
    e->fix = json_object_get(d, "fix");
    e->commands = json_object_get(d, "commands");
    e->links = json_object_get(d, "links");
    e->prevented_by = json_object_get(d, "prevented_by");
    e->examples = json_object_get(d, "examples");
    e->rivals = json_object_get(d, "rivals");
    e->priority = (int)json_integer_value(json_object_get(d, "priority"));
    int role = role_parse(json_string_value(json_object_get(d, "role")));
    e->role = role < 0 ? PP_KB_ROLE_CAUSE : (pp_kb_role)role;
    e->broad = json_is_true(json_object_get(d, "broad"));
    e->file = json_string_value(json_object_get(d, "file"));
    e->line = (unsigned)json_integer_value(json_object_get(d, "line"));
}

pp_kb *kb_new(const char *path)
{
    pp_kb *kb = calloc(1, sizeof *kb);
    if (kb && !(kb->path = pp_strdup(path))) {
        free(kb);
        return NULL;
    }
    return kb;
}

pp_status kb_add_entry(pp_kb *kb, json_t *doc, size_t *cap, problems *p)
{
    if (kb->n >= PP_KB_MAX_ENTRIES) {
        json_decref(doc);
        problem(p, "%s: more than %d entries", kb->path, PP_KB_MAX_ENTRIES);
        return PP_E_LIMIT;
    }
    if (kb->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        pp_kb_entry *ne = realloc(kb->e, nc * sizeof *ne);
        if (!ne) {
            json_decref(doc);
            return PP_E_NOMEM;
        }
        kb->e = ne;
        *cap = nc;
    }
    pp_kb_entry *e = &kb->e[kb->n];
    memset(e, 0, sizeof *e);
    e->doc = doc;
    bind_entry(e);
    kb->n++;
    char *err = NULL;
    pp_status st = pp_kb_compile(e, &err);
    if (st != PP_OK) {
        problem(p, "%s", err ? err : "pattern does not compile");
        free(err);
    }
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses, validates and compiles one entry source (the text of kb/NAME.yaml) into kb. Problems
 * are recorded in p; returns PP_E_NOMEM or PP_E_LIMIT when loading must stop, else PP_OK. */
static pp_status add_source(pp_kb *kb, const char *name, const char *buf, size_t len,
                            size_t *cap, problems *p)
{
    json_t *lines = NULL;
    pp_status ys = PP_OK;
    char *yerr = NULL;
    json_t *raw = kb_load_yaml(name, buf, len, &lines, &ys, &yerr);
    if (!raw) {
        problem(p, "%s", yerr ? yerr : name);
        free(yerr);
        return PP_OK;
    }
    json_t *doc = normalise(raw, lines, name, p);
    json_decref(raw);
    json_decref(lines);
    if (!doc)
        return PP_OK;
    const char *id = json_string_value(json_object_get(doc, "id"));
    for (size_t j = 0; j < kb->n; j++) {
        if (strcmp(kb->e[j].id, id) == 0) {
            problem(p, "%s:1: expected a unique id; \"%s\" is also used by %s", name, id,
                    kb->e[j].file);
        }
    }
    pp_status as = kb_add_entry(kb, doc, cap, p);
    return as == PP_E_NOMEM || as == PP_E_LIMIT ? as : PP_OK;
}

/* The end of a load: problems become PP_E_PARSE with every one of them in *err, else the
 * matchers are set up and *out receives kb. kb (may be NULL when st is not PP_OK) and p's
 * buffer are released on failure. */
static pp_status finish_load(pp_kb *kb, pp_status st, problems *p, const char *where,
                             pp_kb **out, char **err)
{
    if (st == PP_OK && p->n)
        st = PP_E_PARSE;
    if (st == PP_OK)
        st = pp_kb_match_init(kb);
    if (st == PP_OK)
        st = pp_kb_find_rivals(kb);
    if (st != PP_OK) {
        if (p->buf.len && err && !*err)
            *err = pp_buf_steal(&p->buf);
        else
            pp_err(err, st, "%s: %s", where, pp_status_name(st));
        pp_buf_free(&p->buf);
        pp_kb_free(kb);
        return st;
    }
    pp_buf_free(&p->buf);
    *out = kb;
    return PP_OK;
}

pp_status pp_kb_load_dir(const char *dir, pp_kb **out, char **err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return pp_err(err, errno == ENOENT ? PP_E_NOTFOUND : PP_E_IO, "%s: cannot open: %s", dir,
                      strerror(errno));
    char **names = NULL;
    size_t nn = 0, ncap = 0;
    pp_status st = PP_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
            continue;
        if (nn == ncap) {
            ncap = ncap ? ncap * 2 : 256;
            char **nv = realloc(names, ncap * sizeof *nv);
            if (!nv) {
                st = PP_E_NOMEM;
                break;
            }
            names = nv;
        }
        if (!(names[nn] = pp_asprintf("%s/%s", dir, de->d_name))) {
            st = PP_E_NOMEM;
            break;
        }
        nn++;
    }
    closedir(d);
    if (st == PP_OK && nn > 0)
        qsort(names, nn, sizeof *names, cmp_str);
    pp_kb *kb = st == PP_OK ? kb_new(dir) : NULL;
    problems p = {.n = 0};
    pp_buf_init(&p.buf, 1u << 20);
    size_t cap = 0;
    if (!kb)
        st = PP_E_NOMEM;
    for (size_t i = 0; st == PP_OK && i < nn; i++) {
        char *buf = NULL, *rerr = NULL;
        size_t len = 0;
        pp_status rs = pp_read_file(names[i], PP_KB_MAX_FILE_BYTES, &buf, &len, &rerr);
        if (rs != PP_OK) {
            problem(&p, "%s", rerr ? rerr : names[i]);
            free(rerr);
            continue;
        }
        st = add_source(kb, names[i], buf, len, &cap, &p);
        free(buf);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (st == PP_OK && kb->n == 0 && p.n == 0)
        problem(&p, "%s: expected at least one *.yaml entry", dir);
    return finish_load(kb, st, &p, dir, out, err);
}

pp_status pp_kb_load_buf(const char *name, const char *buf, size_t len, pp_kb **out, char **err)
{
    *out = NULL;
    pp_kb *kb = kb_new(name);
    problems p = {.n = 0};
    pp_buf_init(&p.buf, 1u << 20);
    size_t cap = 0;
    pp_status st = kb ? PP_OK : PP_E_NOMEM;
    if (st == PP_OK && len > PP_KB_MAX_FILE_BYTES)
        problem(&p, "%s: larger than %u bytes", name, PP_KB_MAX_FILE_BYTES);
    else if (st == PP_OK)
        st = add_source(kb, name, buf, len, &cap, &p);
    return finish_load(kb, st, &p, name, out, err);
}

void pp_kb_free(pp_kb *kb)
{
    if (!kb)
        return;
    pp_kb_match_fini(kb);
    for (size_t i = 0; i < kb->n; i++)
        json_decref(kb->e[i].doc);
    free(kb->e);
    if (kb->db)
        sqlite3_close(kb->db);
    free(kb->path);
    free(kb);
}

size_t pp_kb_find(const pp_kb *kb, const char *id)
{
    for (size_t i = 0; i < kb->n; i++)
        if (strcmp(kb->e[i].id, id) == 0)
            return i;
    return NO_IDX;
}

size_t pp_kb_kinds(const pp_kb *kb)
{
    size_t n = 0;
    for (size_t i = 0; i < kb->n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(kb->e[i].kind, kb->e[j].kind) == 0;
        n += !seen;
    }
    return n;
}
