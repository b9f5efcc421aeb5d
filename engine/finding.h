/* finding.h — what an evaluation produces, and the report writers that render it.
 *
 * Data flow: eval.h fills a pp_report; a front end renders it with pp_report_write in one of
 * the formats (text, json, sarif, junit) and maps it to an exit code. The JSON shape is the
 * stable contract of ARCHITECTURE.md ("check --format json").
 */
#ifndef PP_FINDING_H
#define PP_FINDING_H

#include <stdio.h>
#include <stddef.h>

#include "engine/status.h"

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

typedef struct pp_report {
    pp_finding *f;
    size_t nf, af;
    size_t files, resources, rules;
    size_t n_status[6];     /* counts by pp_fstatus, including those not kept */
    const pp_rule_info *rules_info; /* borrowed, array of `rules` */
    char **warnings;        /* messages such as ignored suppressions; NULL-terminated or NULL */
    size_t nwarnings;
} pp_report;

typedef enum pp_format { PP_OUT_TEXT = 0, PP_OUT_JSON, PP_OUT_SARIF, PP_OUT_JUNIT } pp_format;

typedef struct pp_write_opts {
    int color;              /* text: ANSI colours */
    int show_passed;        /* include PASS and SKIP */
    const char *tool_version;
} pp_write_opts;

const char *pp_severity_name(pp_severity s);        /* "info" … "critical" */
int pp_severity_parse(const char *s, pp_severity *out); /* 0 ok, -1 unknown name */
const char *pp_fstatus_name(pp_fstatus s);          /* "FAIL" … "SKIP" */

void pp_report_init(pp_report *r);
/* Appends a copy of *f (deep: strings and controls are duplicated). PP_E_NOMEM on failure. */
pp_status pp_report_add(pp_report *r, const pp_finding *f);
pp_status pp_report_warn(pp_report *r, const char *msg);
void pp_report_free(pp_report *r);
void pp_finding_clear(pp_finding *f);
/* Sorts findings by file, document line, rule id (stable output). */
void pp_report_sort(pp_report *r);

/* Renders the report. Returns PP_OK or PP_E_IO / PP_E_NOMEM. */
pp_status pp_report_write(const pp_report *r, pp_format fmt, const pp_write_opts *o, FILE *out);

#endif
