/* report_junit.c — the JUnit XML writer, for CI systems that show test results (Jenkins,
 * GitLab, Azure Pipelines, GitHub test reporters).
 *
 * Data flow: pp_report_write (report.c) → here → out. Shape: <testsuites> holds one
 * <testsuite> per file; each holds one <testcase> per verdict (finding), with classname
 * "FILE/RESOURCE" and name RULE_ID, so the totals are the summary's: tests = every verdict,
 * failures = FAIL + UNKNOWN, errors = ERROR, skipped = SKIP + SUPPRESSED. ERROR → <error>,
 * FAIL or UNKNOWN → <failure type=SEVERITY>, SKIP or SUPPRESSED → <skipped> (the reason as its
 * text), PASS → an empty test case. The check pipeline keeps passed verdicts for this format
 * (pp_check_for_format), so a clean run is a suite of passing tests, never an empty report.
 * Attributes are the ones the Jenkins junit-10 schema allows (tests/fixtures/junit/ holds a
 * schema written from it; tests/cases/junit-schema.case validates against it with xmllint):
 * `file` on testsuite (where the schema allows it), not on testcase; no `skipped` on testsuites, no `message` on skipped (junit-4 refuses
 * it). All text is escaped for XML 1.0: the five special
 * characters become entities, characters XML cannot carry (C0 controls other than tab, newline
 * and carriage return; U+FFFE, U+FFFF) are dropped, invalid UTF-8 becomes U+FFFD.
 */
#include "engine/finding.h"
#include "engine/report_priv.h"
#include "engine/base/util.h"

#include <stdlib.h>
#include <string.h>

typedef enum outcome { OUT_PASS = 0, OUT_SKIPPED, OUT_FAILURE, OUT_ERROR } outcome;

/* Writes s escaped for XML: as an attribute value (attr: tab, newline and CR as character
 * references so attribute normalisation keeps them) or as element text. -1 on NOMEM. */
static int xml_put(FILE *out, const char *s, int attr)
{
    char *clean = NULL;
    const char *src = s ? s : "";
    if (pp_report_utf8_valid(src) == (size_t)-1) {   /* copied only when it must be repaired */
        if (!(clean = pp_report_utf8(src)))
            return -1;
        src = clean;
    }
    /* runs of bytes that stay as they are go out in one fwrite */
    const unsigned char *p = (const unsigned char *)src, *run = p;
    for (;; p++) {
        unsigned c = *p;
        if (c >= 0x20 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' &&
            !(c == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)))
            continue;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        if (!c)
            break;
        switch (c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        case '\t': fputs(attr ? "&#9;" : "\t", out); break;
        case '\n': fputs(attr ? "&#10;" : "\n", out); break;
        case '\r': fputs("&#13;", out); break; /* a parser would turn a raw CR into LF */
        default:
            if (c < 0x20)
                break; /* not a legal XML 1.0 character */
            p += 2;    /* U+FFFE, U+FFFF */
        }
        run = p + 1;
    }
    free(clean);
    return 0;
}

static outcome finding_outcome(const pp_finding *f)
{
    switch (f->status) {
    case PP_ST_ERROR: return OUT_ERROR;
    case PP_ST_FAIL:
    case PP_ST_UNKNOWN: return OUT_FAILURE;
    case PP_ST_SUPPRESSED:
    case PP_ST_SKIP: return OUT_SKIPPED;
    default: return OUT_PASS;
    }
}

/* One body line: "HIGH FAIL file:12:5 /Resources/Db/Properties/X: message". -1 on NOMEM. */
static int put_detail(FILE *out, const pp_finding *f)
{
    char sev[16];
    size_t i = 0;
    for (const char *s = pp_severity_name(f->severity); *s && i + 1 < sizeof sev; s++)
        sev[i++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
    sev[i] = '\0';
    fprintf(out, "%s %s ", sev, pp_fstatus_name(f->status));
    if (xml_put(out, f->file ? f->file : "<input>", 0))
        return -1;
    if (f->line)
        fprintf(out, ":%u:%u", f->line, f->column);
    if (f->path) {
        fputc(' ', out);
        if (xml_put(out, f->path, 0))
            return -1;
    }
    fputs(": ", out);
    if (xml_put(out, f->message, 0))
        return -1;
    if (f->status == PP_ST_SUPPRESSED) {
        fputs(" (suppressed: ", out);
        if (xml_put(out, f->suppress_reason, 0))
            return -1;
        fputc(')', out);
    } else if (f->fix && (f->status == PP_ST_FAIL || f->status == PP_ST_UNKNOWN)) {
        fputs("\nfix: ", out);
        if (xml_put(out, f->fix, 0))
            return -1;
    }
    fputc('\n', out);
    return 0;
}

/* Writes the test case of finding f. -1 on NOMEM. */
static int put_case(FILE *out, const pp_finding *f)
{
    outcome oc = finding_outcome(f);
    fputs("    <testcase classname=\"", out);
    if (xml_put(out, f->file ? f->file : "<input>", 1))
        return -1;
    fputc('/', out);
    if (xml_put(out, f->resource ? f->resource : "", 1))
        return -1;
    fputs("\" name=\"", out);
    if (xml_put(out, f->rule_id ? f->rule_id : "", 1))
        return -1;
    fputs("\"", out);
    if (oc == OUT_PASS) {
        fputs("/>\n", out);
        return 0;
    }
    fputs(">\n", out);
    if (oc == OUT_SKIPPED) {
        fputs("      <skipped>", out);
        if (f->status == PP_ST_SUPPRESSED)
            fputs("suppressed: ", out);
        if (xml_put(out, f->status == PP_ST_SUPPRESSED ? f->suppress_reason : f->message, 0))
            return -1;
        fputs("</skipped>\n", out);
    } else {
        const char *el = oc == OUT_ERROR ? "error" : "failure";
        fprintf(out, "      <%s message=\"", el);
        if (xml_put(out, f->message, 1))
            return -1;
        fputs("\" type=\"", out);
        for (const char *p = pp_severity_name(f->severity); *p; p++)
            fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, out);
        fputs("\">", out);
        if (put_detail(out, f))
            return -1;
        fprintf(out, "</%s>\n", el);
    }
    fputs("    </testcase>\n", out);
    return 0;
}

/* One suite per input that could not be checked, holding one errored test case: a malformed
 * template is a red test in CI, not an absence. -1 on NOMEM. */
static int put_input_errors(FILE *out, const pp_report *r)
{
    for (size_t i = 0; i < r->ninput_errors; i++) {
        const pp_input_error *ie = &r->input_errors[i];
        fputs("  <testsuite name=\"", out);
        if (xml_put(out, ie->file, 1))
            return -1;
        fputs("\" file=\"", out);
        if (xml_put(out, ie->file, 1))
            return -1;
        fputs("\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n"
              "    <testcase classname=\"", out);
        if (xml_put(out, ie->file, 1))
            return -1;
        fputs("\" name=\"input\">\n      <error message=\"", out);
        if (xml_put(out, ie->message, 1))
            return -1;
        fputs("\" type=\"input\">", out);
        if (xml_put(out, ie->file, 0))
            return -1;
        if (ie->line)
            fprintf(out, ":%u:%u", ie->line, ie->column);
        fputs(": ", out);
        if (xml_put(out, ie->message, 0))
            return -1;
        fputs("</error>\n    </testcase>\n  </testsuite>\n", out);
    }
    return 0;
}

static void put_counts(FILE *out, const size_t c[4], size_t tests, int skipped)
{
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", tests, c[OUT_FAILURE],
            c[OUT_ERROR]);
    if (skipped)
        fprintf(out, " skipped=\"%zu\"", c[OUT_SKIPPED]);
}

pp_status pp_report_write_junit(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    size_t n;
    pp_report_entry *e = pp_report_group(r, o, 1, &n);
    if (!e && n)
        return PP_E_NOMEM;
    size_t total[4] = { 0 };
    for (size_t i = 0; i < n; i++)
        total[finding_outcome(e[i].f)]++;
    total[OUT_ERROR] += r->ninput_errors;

    pp_status st = PP_OK;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"parapet\"", out);
    put_counts(out, total, n + r->ninput_errors, 0);
    fputs(">\n", out);
    if (put_input_errors(out, r)) {
        st = PP_E_NOMEM;
        goto done;
    }
    for (size_t a = 0; a < n;) {
        size_t b = a, c[4] = { 0 };
        for (; b < n && e[b].file_first == e[a].file_first; b++)
            c[finding_outcome(e[b].f)]++;
        fputs("  <testsuite name=\"", out);
        if (xml_put(out, e[a].f->file ? e[a].f->file : "<input>", 1)) {
            st = PP_E_NOMEM;
            goto done;
        }
        fputs("\" file=\"", out);
        if (xml_put(out, e[a].f->file ? e[a].f->file : "<input>", 1)) {
            st = PP_E_NOMEM;
            goto done;
        }
        fputc('"', out);
        put_counts(out, c, b - a, 1);
        fputs(">\n", out);
        for (size_t g = a; g < b; g++) {
            if (put_case(out, e[g].f)) {
                st = PP_E_NOMEM;
                goto done;
            }
        }
        fputs("  </testsuite>\n", out);
        a = b;
    }
    fputs("</testsuites>\n", out);
    if (ferror(out))
        st = PP_E_IO;
done:
    free(e);
    return st;
}
