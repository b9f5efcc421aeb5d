/* finding.h — what an evaluation produces, and the report writers that render it.
 *
 * Data flow: eval.h fills a pp_report; a front end renders it with pp_report_write in one of
 * the formats (text, json, sarif, junit) and maps it to an exit code. The JSON shape is the
 * stable contract of ARCHITECTURE.md ("check --format json").
 */
#ifndef PP_FINDING_H
#define PP_FINDING_H

#include <jansson.h>
#include <stdio.h>
#include <stddef.h>

#include "engine/base/status.h"

typedef enum pp_severity {
    PP_SEV_INFO = 0, PP_SEV_LOW, PP_SEV_MEDIUM, PP_SEV_HIGH, PP_SEV_CRITICAL
} pp_severity;

/* Order matters only for display; JSON uses the names. */
typedef enum pp_fstatus {
    PP_ST_FAIL = 0, PP_ST_ERROR, PP_ST_UNKNOWN, PP_ST_SUPPRESSED, PP_ST_PASS, PP_ST_SKIP
} pp_fstatus;

typedef struct pp_finding {
    char *rule_id;
    char **controls;        /* NULL-terminated, may be NULL */
    pp_severity severity;
    pp_fstatus status;
    char *file;
    char *resource;         /* logical id */
    char *resource_type;
    char *path;             /* JSON pointer into the document */
    unsigned line, column;  /* 0 = unknown (never for a loaded document) */
    char *message;
    char *fix;              /* may be NULL */
    char *docs;             /* may be NULL */
    char *cdk_path;         /* may be NULL */
    char *suppress_reason;  /* for SUPPRESSED */
    char *source_line;      /* the offending line of the document, for text output; may be NULL */
    /* Set by pp_report_add: one allocation holding every string above but source_line (and the
     * controls array), freed at once by pp_finding_clear. NULL: each field is its own malloc. */
    void *block;
} pp_finding;

/* Per-rule metadata the writers need (SARIF rules, taxonomies). */
typedef struct pp_rule_info {
    char *id, *title, *fix, *docs;
    pp_severity severity;
    char **controls;        /* NULL-terminated or NULL */
    char **related;         /* NULL-terminated or NULL */
    char **packs;           /* NULL-terminated or NULL */
    char **types;           /* NULL-terminated or NULL */
    char **frameworks;      /* compliance framework ids, NULL-terminated or NULL */
} pp_rule_info;

/* An input that could not be checked (unreadable, malformed, an invalid template): the
 * machine-readable reports carry it, not only stderr. */
typedef struct pp_input_error {
    char *file;             /* as named on the command line */
    unsigned line, column;  /* 0 when the error has no position */
    char *message;          /* what was expected, without the FILE:LINE:COL prefix */
} pp_input_error;

typedef struct pp_report {
    pp_finding *f;
    size_t nf, af;
    size_t files, resources, rules;
    size_t unjudged;        /* resources of a type no rule of the set reads */
    size_t n_status[6];     /* counts by pp_fstatus, including those not kept */
    const pp_rule_info *rules_info; /* borrowed, array of `rules` */
    char **warnings;        /* messages such as ignored suppressions; NULL-terminated or NULL */
    size_t nwarnings;
    pp_input_error *input_errors;   /* inputs that were not checked, in input order */
    size_t ninput_errors;
} pp_report;

typedef enum pp_format {
    PP_OUT_TEXT = 0, PP_OUT_JSON, PP_OUT_SARIF, PP_OUT_JUNIT,
    PP_OUT_CODEQUALITY        /* GitLab's code quality report (Code Climate issues) */
} pp_format;

typedef struct pp_write_opts {
    int color;              /* text: ANSI colours */
    int show_passed;        /* include PASS and SKIP */
    const char *tool_version;    /* SARIF driver.version; may be NULL */
    const char *information_uri; /* SARIF driver.informationUri; may be NULL (omitted) */
} pp_write_opts;

/* Lower-case name ("info" … "critical"); "unknown" for a value outside the enum. Static. */
const char *pp_severity_name(pp_severity s);
/* Parses a severity name, case-insensitively ("HIGH", "high"). 0 ok and *out set; -1 for NULL
 * or an unknown name (*out untouched). */
int pp_severity_parse(const char *s, pp_severity *out);
/* Upper-case name ("FAIL" … "SKIP"); "INVALID" outside the enum. Static string. */
const char *pp_fstatus_name(pp_fstatus s);
/* Parses a format name ("text", "json", "sarif", "junit"; case-insensitive). 0 ok, -1 unknown. */
int pp_format_parse(const char *s, pp_format *out);

/* Zeroes *r: no findings, no warnings, all counters 0. */
void pp_report_init(pp_report *r);
/* Appends a deep copy of *f (every string and the controls array are duplicated; the caller
 * keeps and frees *f) and counts it: r->n_status[f->status] += 1. A finding that is counted
 * but not kept (PASS/SKIP without --show-passed) goes through pp_report_count instead.
 * Returns PP_OK, PP_E_NOMEM (r unchanged, counters included) or PP_E_INTERNAL for a status
 * outside the enum. */
pp_status pp_report_add(pp_report *r, const pp_finding *f);
/* Counts one finding of status st that is not kept. No-op for a status outside the enum. */
void pp_report_count(pp_report *r, pp_fstatus st);
/* Appends a copy of msg (the caller keeps msg) to r->warnings. PP_OK or PP_E_NOMEM. */
pp_status pp_report_warn(pp_report *r, const char *msg);
/* Records that input `file` could not be checked; `err` is the loader's message, usually
 * "FILE:LINE:COL: what was expected" (the position is taken from it when it starts with
 * file). PP_OK or PP_E_NOMEM. */
pp_status pp_report_input_error(pp_report *r, const char *file, const char *err);
/* Moves everything of *src to the end of *dst: findings (in order), counters, resources and
 * files, and the warnings dst does not already have; `rules`/`rules_info` are taken when dst
 * has none. *src is left empty. PP_E_NOMEM leaves both unchanged. */
pp_status pp_report_merge(pp_report *dst, pp_report *src);
/* Frees every finding and warning and re-initialises *r; rules_info is borrowed and left
 * alone. NULL is a no-op. */
void pp_report_free(pp_report *r);
/* Frees the strings and controls of *f and zeroes it (not f itself). NULL is a no-op. */
void pp_finding_clear(pp_finding *f);
/* Sorts findings by file, line, column, rule id, resource (NULL strings first); a stable
 * sort, so equal findings keep their insertion order. Allocates a scratch array; on
 * allocation failure it falls back to an in-place insertion sort (same order, slower). */
void pp_report_sort(pp_report *r);

/* Renders the report to `out` in one format (o may be NULL: no colour, no passed findings).
 * The report is not changed; call pp_report_sort first for the documented order.
 * Returns PP_OK, PP_E_NOMEM, PP_E_IO (write failure) or PP_E_USAGE (unknown format). */
pp_status pp_report_write(const pp_report *r, pp_format fmt, const pp_write_opts *o, FILE *out);
/* The `check --format json` document as a new jansson value (caller json_decref's it), for
 * front ends that embed it (HTTP /v1/check). NULL on allocation failure. */
json_t *pp_report_to_json(const pp_report *r, const pp_write_opts *o);

#endif
