/* report_text.c — the default, human-readable `check` output.
 *
 * Data flow: pp_report_write (report.c) → here → a terminal or a CI log. Findings are grouped
 * by file, then by resource (each group in the order its first finding appears), and each
 * reads like a compiler diagnostic, so editors and CI log scrapers can jump to it:
 *
 *   template.yaml:12:7: HIGH FAIL [rds-instance-not-public] PubliclyAccessible is true
 *     resource: Db (AWS::RDS::DBInstance)
 *      12 |       PubliclyAccessible: true
 *         |       ^
 *     fix: Set PubliclyAccessible to false and reach the database through the VPC.
 *
 * Warnings come first, a one-line summary last. Every string from a template or a rule is
 * printed with control characters neutralised: a template must not be able to drive the
 * terminal (ANSI escapes) or forge lines of output.
 */
#include "engine/finding.h"
#include "engine/report_priv.h"

#include <stdlib.h>
#include <string.h>

#define PP_ANSI_RESET "\033[0m"
#define PP_ANSI_BOLD "\033[1m"
#define PP_ANSI_DIM "\033[2m"
#define PP_ANSI_GREEN "\033[32m"
#define PP_ANSI_CARET "\033[1;32m"

static const char *severity_color(pp_severity s)
{
    switch (s) {
    case PP_SEV_CRITICAL: return "\033[1;35m";
    case PP_SEV_HIGH: return "\033[1;31m";
    case PP_SEV_MEDIUM: return "\033[33m";
    case PP_SEV_LOW: return "\033[36m";
    default: return PP_ANSI_DIM;
    }
}

/* Prints untrusted text. Newlines continue at `indent`; tabs stay; other C0/C1 controls and
 * DEL become '?'. Runs of printable bytes go out in one fwrite (a byte at a time through fputc
 * was two thirds of the text report's cost on a 5,000-resource template). */
static void put_textn(FILE *out, const char *s, size_t n, const char *indent)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
    for (; p < end; p++) {
        unsigned c = *p;
        if (c >= 0x20 && c != 0x7f && !(c == 0xC2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F))
            continue;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        if (c == '\n') {
            fputc('\n', out);
            fputs(indent, out);
        } else if (c == '\t') {
            fputc('\t', out);
        } else if (c == 0xC2) {
            fputc('?', out);   /* C1 control (CSI is U+009B) */
            p++;
        } else if (c != '\r') {
            fputc('?', out);
        }
        run = p + 1;
    }
    if (p > run)
        fwrite(run, 1, (size_t)(p - run), out);
}

static void put_text(FILE *out, const char *s, const char *indent)
{
    s = s ? s : "";
    put_textn(out, s, strlen(s), indent);
}

static void put_upper(FILE *out, const char *s)
{
    char up[32];
    size_t n = 0;
    for (; *s; s++) {
        up[n++] = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
        if (n == sizeof up) {
            fwrite(up, 1, n, out);
            n = 0;
        }
    }
    fwrite(up, 1, n, out);
}

/* Writes `source_line` with a gutter and, when col > 0, a caret under byte column col. */
static void put_source(FILE *out, const pp_finding *f, int color)
{
    char gutter[32];
    int w = snprintf(gutter, sizeof gutter, "%u", f->line);
    if (w < 0)
        return;
    size_t len = strcspn(f->source_line, "\r\n");
    const char *line = f->source_line;
    fprintf(out, "  %*s | ", w + 2, gutter);
    put_textn(out, line, len, "");
    fputc('\n', out);
    if (f->column > 0) {
        fprintf(out, "  %*s | ", w + 2, "");
        /* Mirror tabs and skip UTF-8 continuation bytes so the caret lands under the column
         * (a byte offset, per doc.h) in a terminal. */
        char pad[128];
        size_t k = 0;
        for (size_t i = 0; i + 1 < f->column && i < len; i++) {
            unsigned char c = (unsigned char)line[i];
            if (c == '\t')
                pad[k++] = '\t';
            else if ((c & 0xC0) != 0x80)
                pad[k++] = ' ';
            if (k == sizeof pad) {
                fwrite(pad, 1, k, out);
                k = 0;
            }
        }
        fwrite(pad, 1, k, out);
        fputs(color ? PP_ANSI_CARET "^" PP_ANSI_RESET "\n" : "^\n", out);
    }
}

/* Writes one finding; returns 1 when it took several lines (so a blank line follows). */
static int put_finding(FILE *out, const pp_report *r, const pp_finding *f, int color)
{
    if (color)
        fputs(PP_ANSI_BOLD, out);
    put_text(out, f->file ? f->file : "<input>", "");
    if (f->line > 0) {
        fprintf(out, ":%u", f->line);
        if (f->column > 0)
            fprintf(out, ":%u", f->column);
    }
    fputs(":", out);
    if (color)
        fputs(PP_ANSI_RESET, out);
    fputc(' ', out);
    if (color)
        fputs(severity_color(f->severity), out);
    put_upper(out, pp_severity_name(f->severity));
    if (color)
        fputs(PP_ANSI_RESET, out);
    fputc(' ', out);
    int dim = f->status == PP_ST_SUPPRESSED || f->status == PP_ST_SKIP;
    if (color && (dim || f->status == PP_ST_PASS))
        fputs(dim ? PP_ANSI_DIM : PP_ANSI_GREEN, out);
    fputs(pp_fstatus_name(f->status), out);
    if (color && (dim || f->status == PP_ST_PASS))
        fputs(PP_ANSI_RESET, out);
    fputs(" [", out);
    put_text(out, f->rule_id ? f->rule_id : "?", "");
    fputs("]", out);
    const char *msg = f->message;
    if (!msg || !*msg) {
        const pp_rule_info *ri = pp_report_rule(r, f->rule_id, NULL);
        msg = ri ? ri->title : NULL;
    }
    if (msg && *msg) {
        fputc(' ', out);
        put_text(out, msg, "    ");
    }
    fputc('\n', out);

    /* Passed and skipped findings stay on one line: they are a checklist, not a problem. */
    if (f->status == PP_ST_PASS || f->status == PP_ST_SKIP)
        return 0;
    fputs("    resource: ", out);
    put_text(out, f->resource ? f->resource : "?", "");
    if (f->resource_type) {
        fputs(" (", out);
        put_text(out, f->resource_type, "");
        fputc(')', out);
    }
    fputc('\n', out);
    if (f->cdk_path) {
        fputs("    cdk path: ", out);
        put_text(out, f->cdk_path, "");
        fputc('\n', out);
    }
    if (f->source_line && f->line > 0)
        put_source(out, f, color);
    if (f->status == PP_ST_SUPPRESSED) {
        fputs("    suppressed: ", out);
        put_text(out, f->suppress_reason ? f->suppress_reason : "(no reason given)", "      ");
        fputc('\n', out);
    } else if (f->fix && *f->fix) {
        fputs("    fix: ", out);
        put_text(out, f->fix, "      ");
        fputc('\n', out);
    }
    if (f->docs && *f->docs && f->status != PP_ST_SUPPRESSED) {
        fputs("    docs: ", out);
        put_text(out, f->docs, "");
        fputc('\n', out);
    }
    return 1;
}

/* ---- summary -------------------------------------------------------------------------- */

static void put_count(FILE *out, size_t n, const char *one, const char *many)
{
    fprintf(out, "%zu %s", n, n == 1 ? one : many);
}

static void put_summary(FILE *out, const pp_report *r, int color)
{
    const size_t *c = r->n_status;
    int bad = c[PP_ST_FAIL] || c[PP_ST_ERROR] || c[PP_ST_UNKNOWN];
    if (color)
        fputs(bad ? "\033[1;31m" : "\033[1;32m", out);
    fprintf(out, "%zu failed", c[PP_ST_FAIL]);
    if (color)
        fputs(PP_ANSI_RESET, out);
    fprintf(out, ", %zu unknown, ", c[PP_ST_UNKNOWN]);
    put_count(out, c[PP_ST_ERROR], "error", "errors");
    fprintf(out, ", %zu suppressed, %zu passed", c[PP_ST_SUPPRESSED], c[PP_ST_PASS]);
    if (c[PP_ST_SKIP])
        fprintf(out, ", %zu skipped", c[PP_ST_SKIP]);
    fputs(" \xE2\x80\x94 ", out); /* em dash */
    put_count(out, r->resources, "resource", "resources");
    if (r->unjudged)
        fprintf(out, " (%zu unjudged)", r->unjudged);
    fputs(", ", out);
    put_count(out, r->rules, "rule", "rules");
    fputs(", ", out);
    put_count(out, r->files, "file", "files");
    if (r->ninput_errors) {
        fputs(", ", out);
        put_count(out, r->ninput_errors, "input not checked", "inputs not checked");
    }
    fputc('\n', out);
}

pp_status pp_report_write_text(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    int color = o->color;
    for (size_t i = 0; i < r->nwarnings; i++) {
        fputs(color ? "\033[1;33mwarning:" PP_ANSI_RESET " " : "warning: ", out);
        put_text(out, r->warnings[i], "  ");
        fputc('\n', out);
    }
    if (r->nwarnings)
        fputc('\n', out);

    size_t n;
    pp_report_entry *e = pp_report_group(r, o, 0, &n);
    if (!e && n)
        return PP_E_NOMEM;
    int spaced = 1; /* the previous block ended with a blank line (or there was none) */
    for (size_t i = 0; i < n; i++) {
        const pp_finding *f = e[i].f;
        if (i == 0 || e[i].file_first != e[i - 1].file_first) {
            if (!spaced)
                fputc('\n', out);
            fputs(color ? PP_ANSI_BOLD "== " : "== ", out);
            put_text(out, f->file ? f->file : "<input>", "");
            fputs(color ? PP_ANSI_RESET "\n" : "\n", out);
        }
        int block = put_finding(out, r, f, color);
        spaced = block;
        if (block)
            fputc('\n', out);
    }
    free(e);
    if (!spaced)
        fputc('\n', out);
    put_summary(out, r, color);
    return ferror(out) ? PP_E_IO : PP_OK;
}
