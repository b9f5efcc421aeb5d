/* report_codequality.c — GitLab's code quality report: a JSON array of Code Climate issues,
 * which merge requests show as a widget and inline annotations.
 *
 * Data flow: pp_report_write (report.c) → here → jansson → out. One issue per finding that
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

static json_t *issue(const char *check, const char *desc, const char *sev, const char *file,
                     unsigned line, const char *const key[5])
{
    char fp[65];
    if (pp_report_fingerprint(key, fp) != 0)
        return NULL;
    return json_pack("{s:s, s:o, s:o, s:s, s:s, s:{s:o, s:{s:I}}}", "type", "issue",
                     "check_name", pp_report_jstr(check), "description",
                     pp_report_jstr(desc && *desc ? desc : check), "fingerprint", fp,
                     "severity", sev, "location", "path", pp_report_jstr(file ? file : "<input>"),
                     "lines", "begin", (json_int_t)(line ? line : 1));
}

pp_status pp_report_write_codequality(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    (void)o;
    json_t *arr = json_array();
    if (!arr)
        return PP_E_NOMEM;
    for (size_t i = 0; i < r->ninput_errors; i++) {
        const pp_input_error *e = &r->input_errors[i];
        const char *key[5] = { "parapet-input", e->file, NULL, NULL, e->message };
        if (json_array_append_new(arr, issue("parapet-input", e->message, "blocker", e->file,
                                             e->line, key))) {
            json_decref(arr);
            return PP_E_NOMEM;
        }
    }
    for (size_t i = 0; i < r->nf; i++) {
        const pp_finding *f = &r->f[i];
        if (f->status != PP_ST_FAIL && f->status != PP_ST_UNKNOWN && f->status != PP_ST_ERROR)
            continue;
        const char *key[5] = { f->rule_id, f->file, f->resource, f->path, f->message };
        const char *sev = f->status == PP_ST_ERROR ? "major" : cq_severity(f->severity);
        if (json_array_append_new(arr, issue(f->rule_id ? f->rule_id : "parapet", f->message,
                                             sev, f->file, f->line, key))) {
            json_decref(arr);
            return PP_E_NOMEM;
        }
    }
    pp_status st = pp_report_dump(arr, out);
    json_decref(arr);
    return st;
}
