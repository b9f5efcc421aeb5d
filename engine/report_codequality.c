/* report_codequality.c — GitLab's code quality report: a JSON array of Code Climate issues,
 * which merge requests show as a widget and inline annotations.
 *
 * Data flow: pp_report_write (report.c) → here (streamed with pp_jw) → out. One issue per finding that
 * needs attention (FAIL, UNKNOWN, ERROR; passed, skipped and suppressed verdicts are not
 * issues) and per input that could not be checked: description (the message), check_name
 * (the rule id; "parapet-input" for an input), fingerprint (hex SHA-256 of rule id, file,
 * resource, path and message: the same finding keeps it when lines move, which is how GitLab
 * tells new issues from old), severity (info → info, low → minor, medium → major,
 * high → critical, critical → blocker; an input error is blocker), location.path (as given)
 * and location.lines.begin (1 when the line is unknown: GitLab requires it).
 */
#include "engine/finding.h"
#include "engine/report_priv.h"
#include "engine/base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *cq_severity(pp_severity s)
{
    static const char *const names[] = { "info", "minor", "major", "critical", "blocker" };
    return (unsigned)s < PP_ARRAY_LEN(names) ? names[s] : "major";
}

/* One issue, streamed (pp_jw): the bytes pp_report_dump gave for the jansson object this
 * writer used to build, without building it (tests/unit/test_report.c checks the layout). */
static void issue(pp_jw *w, const char *check, const char *desc, const char *sev,
                  const char *file, unsigned line, const char *const key[5])
{
    char fp[65];
    if (pp_report_fingerprint(key, fp) != 0) {
        w->st = PP_E_NOMEM;
        return;
    }
    pp_jw_open(w, '{');
    pp_jw_key(w, "type");
    pp_jw_strn(w, "issue", 5);
    pp_jw_key(w, "check_name");
    pp_report_jw_str(w, check);
    pp_jw_key(w, "description");
    pp_report_jw_str(w, desc && *desc ? desc : check);
    pp_jw_key(w, "fingerprint");
    pp_jw_strn(w, fp, 64);
    pp_jw_key(w, "severity");
    pp_jw_strn(w, sev, strlen(sev));
    pp_jw_key(w, "location");
    pp_jw_open(w, '{');
    pp_jw_key(w, "path");
    pp_report_jw_str(w, file ? file : "<input>");
    pp_jw_key(w, "lines");
    pp_jw_open(w, '{');
    pp_jw_key(w, "begin");
    pp_jw_int(w, (long long)(line ? line : 1));
    pp_jw_close(w, '}');
    pp_jw_close(w, '}');
    pp_jw_close(w, '}');
}

pp_status pp_report_write_codequality(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    (void)o;
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_jw w;
    pp_jw_init(&w, &b, 2);
    pp_jw_open(&w, '[');
    for (size_t i = 0; i < r->ninput_errors && w.st == PP_OK; i++) {
        const pp_input_error *e = &r->input_errors[i];
        const char *key[5] = { "parapet-input", e->file, NULL, NULL, e->message };
        issue(&w, "parapet-input", e->message, "blocker", e->file, e->line, key);
    }
    for (size_t i = 0; i < r->nf && w.st == PP_OK; i++) {
        const pp_finding *f = &r->f[i];
        if (f->status != PP_ST_FAIL && f->status != PP_ST_UNKNOWN && f->status != PP_ST_ERROR)
            continue;
        const char *key[5] = { f->rule_id, f->file, f->resource, f->path, f->message };
        const char *sev = f->status == PP_ST_ERROR ? "major" : cq_severity(f->severity);
        issue(&w, f->rule_id ? f->rule_id : "parapet", f->message, sev, f->file, f->line, key);
    }
    pp_jw_close(&w, ']');
    if (w.st != PP_OK) {
        pp_buf_free(&b);
        return w.st;
    }
    return pp_report_put(&b, out);
}
