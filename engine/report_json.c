/* report_json.c — the `check --format json` writer: the stable contract of ARCHITECTURE.md
 * ("Contracts"). Fields may be added, never renamed or removed.
 *
 * Data flow: pp_report_write (report.c) → pp_report_write_json, which streams the document
 * (pp_jw, engine/base/json_write.h) into one buffer → out. pp_report_to_json builds the same
 * document as a jansson tree for callers that embed it.
 */
#include "engine/finding.h"
#include "engine/report_priv.h"

#include <pthread.h>

/* Reports with at least this many visible findings have the second half of their findings
 * written on another thread (a core otherwise idle once the rules have run). */
#define PP_JSON_SPLIT_MIN 2000

/* json_object_set_new steals v even on failure and fails on NULL v, so a chain of calls can
 * be checked once: the result is non-zero if any allocation failed. */
static int set(json_t *o, const char *key, json_t *v)
{
    return json_object_set_new(o, key, v) != 0;
}

static json_t *summary_json(const pp_report *r)
{
    json_t *s = json_object();
    if (!s)
        return NULL;
    int bad = 0;
    bad |= set(s, "files", json_integer((json_int_t)r->files));
    bad |= set(s, "resources", json_integer((json_int_t)r->resources));
    bad |= set(s, "unjudged", json_integer((json_int_t)r->unjudged));
    bad |= set(s, "rules", json_integer((json_int_t)r->rules));
    bad |= set(s, "failed", json_integer((json_int_t)r->n_status[PP_ST_FAIL]));
    bad |= set(s, "passed", json_integer((json_int_t)r->n_status[PP_ST_PASS]));
    bad |= set(s, "skipped", json_integer((json_int_t)r->n_status[PP_ST_SKIP]));
    bad |= set(s, "suppressed", json_integer((json_int_t)r->n_status[PP_ST_SUPPRESSED]));
    bad |= set(s, "errors", json_integer((json_int_t)r->n_status[PP_ST_ERROR]));
    bad |= set(s, "unknown", json_integer((json_int_t)r->n_status[PP_ST_UNKNOWN]));
    bad |= set(s, "input_errors", json_integer((json_int_t)r->ninput_errors));
    if (bad) {
        json_decref(s);
        return NULL;
    }
    return s;
}

static json_t *finding_json(const pp_finding *f)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= set(o, "rule_id", pp_report_jstr(f->rule_id));
    bad |= set(o, "controls", pp_report_jstrv(f->controls));
    bad |= set(o, "severity", json_string(pp_severity_name(f->severity)));
    bad |= set(o, "status", json_string(pp_fstatus_name(f->status)));
    bad |= set(o, "file", pp_report_jstr(f->file));
    bad |= set(o, "resource", pp_report_jstr(f->resource));
    bad |= set(o, "resource_type", pp_report_jstr(f->resource_type));
    bad |= set(o, "path", pp_report_jstr(f->path));
    bad |= set(o, "line", json_integer(f->line));
    bad |= set(o, "column", json_integer(f->column));
    bad |= set(o, "message", pp_report_jstr(f->message));
    bad |= set(o, "fix", pp_report_jstr(f->fix));
    bad |= set(o, "docs", pp_report_jstr(f->docs));
    if (f->cdk_path)
        bad |= set(o, "cdk_path", pp_report_jstr(f->cdk_path));
    if (f->status == PP_ST_SUPPRESSED && f->suppress_reason)
        bad |= set(o, "suppress_reason", pp_report_jstr(f->suppress_reason));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *pp_report_to_json(const pp_report *r, const pp_write_opts *o)
{
    json_t *doc = json_object();
    json_t *findings = json_array();
    if (!doc || !findings)
        goto fail;
    if (set(doc, "summary", summary_json(r)))
        goto fail;
    for (size_t i = 0; i < r->nf; i++) {
        if (!pp_report_visible(&r->f[i], o))
            continue;
        if (json_array_append_new(findings, finding_json(&r->f[i])) != 0)
            goto fail;
    }
    int bad = set(doc, "findings", findings);
    findings = NULL; /* stolen, even on failure */
    if (bad)
        goto fail;
    if (r->nwarnings && set(doc, "warnings", pp_report_jstrv(r->warnings)))
        goto fail;
    if (r->ninput_errors) {
        json_t *ie = json_array();
        for (size_t i = 0; ie && i < r->ninput_errors; i++) {
            const pp_input_error *e = &r->input_errors[i];
            if (json_array_append_new(ie, json_pack("{s:o, s:I, s:I, s:o}", "file",
                                                    pp_report_jstr(e->file), "line",
                                                    (json_int_t)e->line, "column",
                                                    (json_int_t)e->column, "message",
                                                    pp_report_jstr(e->message))))
                json_decref(ie), ie = NULL;
        }
        if (set(doc, "input_errors", ie))
            goto fail;
    }
    return doc;
fail:
    json_decref(findings);
    json_decref(doc);
    return NULL;
}

/* The same document as pp_json_write(pp_report_to_json(r, o), 2) gives, written as it is
 * walked: no jansson value per field (that tree, its hash tables and freeing it were two
 * thirds of a 5,000-resource check's report time). tests/unit/test_report.c compares both. */
static void summary_jw(pp_jw *w, const pp_report *r)
{
    static const struct {
        const char *key;
        int st;   /* index into n_status, or -1..-5 for the totals below */
    } rows[] = {
        {"files", -1}, {"resources", -2}, {"unjudged", -5}, {"rules", -3}, {"failed", PP_ST_FAIL},
        {"passed", PP_ST_PASS}, {"skipped", PP_ST_SKIP}, {"suppressed", PP_ST_SUPPRESSED},
        {"errors", PP_ST_ERROR}, {"unknown", PP_ST_UNKNOWN}, {"input_errors", -4},
    };
    pp_jw_open(w, '{');
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t v = rows[i].st == -1   ? r->files
                   : rows[i].st == -2 ? r->resources
                   : rows[i].st == -3 ? r->rules
                   : rows[i].st == -4 ? r->ninput_errors
                   : rows[i].st == -5 ? r->unjudged
                                      : r->n_status[rows[i].st];
        pp_jw_key(w, rows[i].key);
        pp_jw_int(w, (long long)v);
    }
    pp_jw_close(w, '}');
}

/* A finding whose text is all plain ASCII (the usual case) in one pass: pp_jw_fields_plain. */
static int finding_plain(pp_jw *w, const pp_finding *f)
{
    pp_jw_field m[15] = {
        {"rule_id", PP_JW_F_STR, f->rule_id, NULL, 0},
        {"controls", PP_JW_F_STRV, NULL, f->controls, 0},
        {"severity", PP_JW_F_STR, pp_severity_name(f->severity), NULL, 0},
        {"status", PP_JW_F_STR, pp_fstatus_name(f->status), NULL, 0},
        {"file", PP_JW_F_STR, f->file, NULL, 0},
        {"resource", PP_JW_F_STR, f->resource, NULL, 0},
        {"resource_type", PP_JW_F_STR, f->resource_type, NULL, 0},
        {"path", PP_JW_F_STR, f->path, NULL, 0},
        {"line", PP_JW_F_INT, NULL, NULL, f->line},
        {"column", PP_JW_F_INT, NULL, NULL, f->column},
        {"message", PP_JW_F_STR, f->message, NULL, 0},
        {"fix", PP_JW_F_STR, f->fix, NULL, 0},
        {"docs", PP_JW_F_STR, f->docs, NULL, 0},
    };
    size_t n = 13;
    if (f->cdk_path)
        m[n++] = (pp_jw_field){"cdk_path", PP_JW_F_STR, f->cdk_path, NULL, 0};
    if (f->status == PP_ST_SUPPRESSED && f->suppress_reason)
        m[n++] = (pp_jw_field){"suppress_reason", PP_JW_F_STR, f->suppress_reason, NULL, 0};
    return pp_jw_fields_plain(w, m, n);
}

static void finding_jw(pp_jw *w, const pp_finding *f)
{
    pp_jw_open(w, '{');
    if (finding_plain(w, f)) {
        pp_jw_close(w, '}');
        return;
    }
    pp_jw_key(w, "rule_id");
    pp_report_jw_str(w, f->rule_id);
    pp_jw_key(w, "controls");
    pp_report_jw_strv(w, f->controls);
    pp_jw_key(w, "severity");
    pp_report_jw_str(w, pp_severity_name(f->severity));
    pp_jw_key(w, "status");
    pp_report_jw_str(w, pp_fstatus_name(f->status));
    pp_jw_key(w, "file");
    pp_report_jw_str(w, f->file);
    pp_jw_key(w, "resource");
    pp_report_jw_str(w, f->resource);
    pp_jw_key(w, "resource_type");
    pp_report_jw_str(w, f->resource_type);
    pp_jw_key(w, "path");
    pp_report_jw_str(w, f->path);
    pp_jw_key(w, "line");
    pp_jw_int(w, f->line);
    pp_jw_key(w, "column");
    pp_jw_int(w, f->column);
    pp_jw_key(w, "message");
    pp_report_jw_str(w, f->message);
    pp_jw_key(w, "fix");
    pp_report_jw_str(w, f->fix);
    pp_jw_key(w, "docs");
    pp_report_jw_str(w, f->docs);
    if (f->cdk_path) {
        pp_jw_key(w, "cdk_path");
        pp_report_jw_str(w, f->cdk_path);
    }
    if (f->status == PP_ST_SUPPRESSED && f->suppress_reason) {
        pp_jw_key(w, "suppress_reason");
        pp_report_jw_str(w, f->suppress_reason);
    }
    pp_jw_close(w, '}');
}

/* One part of the findings array, [from, to) of r->f. */
typedef struct json_part {
    const pp_report *r;
    const pp_write_opts *o;
    size_t from, to;
    pp_jw *w;
} json_part;

static void write_part(const json_part *p)
{
    for (size_t i = p->from; i < p->to && p->w->st == PP_OK; i++)
        if (pp_report_visible(&p->r->f[i], p->o))
            finding_jw(p->w, &p->r->f[i]);
}

static void *part_main(void *arg)
{
    write_part(arg);
    return NULL;
}

/* The findings, into w (inside the open array): a long list in two halves at once, the second
 * into its own buffer, appended after the first. The same bytes either way. */
static void findings_jw(pp_jw *w, const pp_report *r, const pp_write_opts *o)
{
    size_t visible = 0, half = r->nf;
    for (size_t i = 0; i < r->nf; i++)
        visible += pp_report_visible(&r->f[i], o);
    for (size_t i = 0, seen = 0; visible >= PP_JSON_SPLIT_MIN && i < r->nf; i++)
        if (pp_report_visible(&r->f[i], o) && ++seen == visible / 2) {
            half = i + 1;   /* the first half ends after a visible finding */
            break;
        }
    json_part first = { r, o, 0, half, w };
    if (half == r->nf) {
        write_part(&first);
        return;
    }
    pp_buf b2;
    pp_buf_init(&b2, 0);
    pp_jw w2;
    pp_jw_fork(w, &w2, &b2);
    json_part second = { r, o, half, r->nf, &w2 };
    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, part_main, &second) == 0;
    write_part(&first);
    if (threaded)
        pthread_join(tid, NULL);
    else
        write_part(&second);
    if (w->st == PP_OK && w2.st != PP_OK)
        w->st = w2.st;
    if (w->st == PP_OK)
        w->st = pp_buf_append(w->b, b2.data ? b2.data : "", b2.len);
    pp_buf_free(&b2);
}

pp_status pp_report_write_json(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_jw w;
    pp_jw_init(&w, &b, 2);
    pp_jw_open(&w, '{');
    pp_jw_key(&w, "summary");
    summary_jw(&w, r);
    pp_jw_key(&w, "findings");
    pp_jw_open(&w, '[');
    findings_jw(&w, r, o);
    pp_jw_close(&w, ']');
    if (r->nwarnings) {
        pp_jw_key(&w, "warnings");
        pp_report_jw_strv(&w, r->warnings);
    }
    if (r->ninput_errors) {
        pp_jw_key(&w, "input_errors");
        pp_jw_open(&w, '[');
        for (size_t i = 0; i < r->ninput_errors; i++) {
            const pp_input_error *e = &r->input_errors[i];
            pp_jw_open(&w, '{');
            pp_jw_key(&w, "file");
            pp_report_jw_str(&w, e->file);
            pp_jw_key(&w, "line");
            pp_jw_int(&w, (long long)e->line);
            pp_jw_key(&w, "column");
            pp_jw_int(&w, (long long)e->column);
            pp_jw_key(&w, "message");
            pp_report_jw_str(&w, e->message);
            pp_jw_close(&w, '}');
        }
        pp_jw_close(&w, ']');
    }
    pp_jw_close(&w, '}');
    if (w.st != PP_OK) {
        pp_buf_free(&b);
        return w.st;
    }
    return pp_report_put(&b, out);
}
