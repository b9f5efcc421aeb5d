/* report_priv.h — helpers shared by the report writers (engine/report*.c); not a public API.
 *
 * Data flow: pp_report_write (report.c) dispatches to one writer per format below. Every
 * writer reads a const pp_report and writes to a FILE; none keeps state between calls.
 */
#ifndef PP_REPORT_PRIV_H
#define PP_REPORT_PRIV_H

#include <jansson.h>
#include <stdio.h>

#include "engine/base/json_write.h"
#include "engine/finding.h"

/* 1 when f is rendered under o: PASS and SKIP only with o->show_passed. */
int pp_report_visible(const pp_finding *f, const pp_write_opts *o);

/* The rule metadata whose id equals `id` in r->rules_info, or NULL (also when rules_info is
 * NULL). *index (may be NULL) receives its position. Borrowed from r. */
const pp_rule_info *pp_report_rule(const pp_report *r, const char *id, size_t *index);

/* One visible finding in writer order (see pp_report_group). */
typedef struct pp_report_entry {
    const pp_finding *f;      /* borrowed from the report */
    size_t idx;               /* position in r->f */
    size_t group_first;       /* smallest idx of its group */
    size_t file_first;        /* smallest idx of its file */
} pp_report_entry;

/* The visible findings (pp_report_visible) grouped by file, then by resource (by_rule == 0)
 * or by (rule id, resource) (by_rule == 1): files and groups each in the order of their first
 * finding in r, findings in report order inside a group; so an entry starts a new file when
 * its file_first differs from the previous one, a new group when its group_first does. Works
 * whether or not r is sorted. Returns a malloc'd array of *n entries (caller frees); NULL with
 * *n == 0 when nothing is visible, NULL with *n > 0 on allocation failure. */
pp_report_entry *pp_report_group(const pp_report *r, const pp_write_opts *o, int by_rule,
                                 size_t *n);

/* The identity of a finding across runs, as 64 hex digits: SHA-256 of its rule id, file,
 * resource, path and message, never its line (which moves with every edit above it). SARIF's
 * partialFingerprints and the code quality fingerprint. -1 on NOMEM. */
int pp_report_fingerprint(const char *const key[5], char out[65]);

/* A malloc'd copy of s that is valid UTF-8: each byte of an invalid, overlong or surrogate
 * sequence becomes U+FFFD. NULL for NULL s or on allocation failure. Caller frees. */
char *pp_report_utf8(const char *s);

/* strlen(s) when s is valid UTF-8 (what pp_report_utf8 would leave unchanged), else
 * (size_t)-1. */
size_t pp_report_utf8_valid(const char *s);

/* A new jansson string for s (invalid UTF-8 repaired with pp_report_utf8), json null when
 * s is NULL; NULL only on allocation failure. Caller owns the reference. */
json_t *pp_report_jstr(const char *s);

/* A new jansson array of the strings of a NULL-terminated list (empty for NULL). NULL on
 * allocation failure. Caller owns the reference. */
json_t *pp_report_jstrv(char *const *v);

/* pp_report_jstr and pp_report_jstrv for the streaming writer: the same text, no tree. */
void pp_report_jw_str(pp_jw *w, const char *s);
void pp_report_jw_strv(pp_jw *w, char *const *v);

/* Appends a newline to b, writes b to out in one fwrite and frees b. PP_OK, PP_E_NOMEM (the
 * newline did not fit) or PP_E_IO. */
pp_status pp_report_put(pp_buf *b, FILE *out);

/* Dumps j (indented by 2, key order kept) plus a newline. PP_OK, PP_E_IO or PP_E_NOMEM.
 * Borrows j. */
pp_status pp_report_dump(const json_t *j, FILE *out);

/* The writers. `o` is never NULL here. Each returns PP_OK, PP_E_NOMEM or PP_E_IO. */
pp_status pp_report_write_text(const pp_report *r, const pp_write_opts *o, FILE *out);
pp_status pp_report_write_json(const pp_report *r, const pp_write_opts *o, FILE *out);
pp_status pp_report_write_sarif(const pp_report *r, const pp_write_opts *o, FILE *out);
pp_status pp_report_write_junit(const pp_report *r, const pp_write_opts *o, FILE *out);
pp_status pp_report_write_codequality(const pp_report *r, const pp_write_opts *o, FILE *out);

#endif
