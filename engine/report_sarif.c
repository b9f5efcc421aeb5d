/* report_sarif.c — the SARIF 2.1.0 writer for code-scanning dashboards (GitHub, Azure DevOps,
 * GitLab).
 *
 * Data flow: pp_report_write (report.c) → here, streamed (pp_jw, engine/base/json_write.h)
 * into one buffer → out, the bytes pp_json_write gives the tree this writer used to build. One run: tool.driver lists
 * every rule of r->rules_info (plus any rule id that appears only in a finding, so that every
 * result's ruleIndex is valid); run.taxonomies holds one toolComponent per control family
 * ("Control Tower" for CT.* ids, one per compliance framework written "NAME:ID", "Controls"
 * for any other id) and each rule points at its taxa through relationships ("equal" for
 * controls it reproduces exactly, "relevant" for related controls and frameworks). Regions are
 * emitted only when the line is known: never a fake 1:1 or a negative line. SUPPRESSED
 * findings stay in the results with an inSource suppression carrying the reason. The one
 * invocation carries toolExecutionNotifications: warnings, inputs that could not be checked
 * (level error, with their file and position) and rules that could not run (ERROR findings:
 * level error, associatedRule; they are problems of the run, not alerts on the template), and
 * executionSuccessful is false when there is any of the last two.
 *
 * For GitHub code scanning: a rule's name is its id in UpperCamelCase (GitHub shows it beside
 * the id), fullDescription is cut to 1,024 characters, every result has
 * partialFingerprints["parapet/v1"] (SHA-256 of rule id, file, resource, path and message:
 * stable when lines move), regions end at the end of the source line when it is known, and relative URIs
 * resolve against %SRCROOT%, which run.originalUriBaseIds defines as the working directory
 * (absolute paths under it are written relative to it).
 *
 * Taxonomies are plain structs filled while the rule descriptors are written (their
 * relationships name a taxon's index, given in order of first appearance), and written out in
 * supportedTaxonomies (after the rules) and run.taxonomies (after the results). Every failed
 * allocation sticks in the writer (pp_jw.st): the document is then refused (PP_E_NOMEM).
 */
#include "engine/finding.h"
#include "engine/report_priv.h"
#include "engine/base/strmap.h"
#include "engine/base/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PP_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define PP_TAXONOMY_CT "Control Tower"
#define PP_TAXONOMY_OTHER "Controls"
#define PP_SARIF_MAX_DESCRIPTION 1024   /* GitHub refuses longer fullDescription texts */

static const char *severity_level(pp_severity s)
{
    switch (s) {
    case PP_SEV_CRITICAL:
    case PP_SEV_HIGH: return "error";
    case PP_SEV_MEDIUM: return "warning";
    default: return "note";
    }
}

/* GitHub reads properties["security-severity"] as a CVSS-like score written as a string. */
static const char *security_severity(pp_severity s)
{
    switch (s) {
    case PP_SEV_CRITICAL: return "9.5";
    case PP_SEV_HIGH: return "8.0";
    case PP_SEV_MEDIUM: return "5.5";
    case PP_SEV_LOW: return "3.0";
    default: return "1.0";
    }
}

/* SARIF requires: a level other than "none" goes with kind "fail" (or no kind). UNKNOWN and
 * ERROR are things a reviewer must act on, so they are "fail" with their own level, and the
 * precise status travels in properties.status. */
static void level_kind(const pp_finding *f, const char **level, const char **kind)
{
    switch (f->status) {
    case PP_ST_ERROR: *level = "error"; *kind = "fail"; break;
    case PP_ST_UNKNOWN: *level = "warning"; *kind = "fail"; break;
    case PP_ST_PASS: *level = "none"; *kind = "pass"; break;
    case PP_ST_SKIP: *level = "none"; *kind = "notApplicable"; break;
    default: *level = severity_level(f->severity); *kind = "fail"; break;
    }
}

/* ---- taxonomies ----------------------------------------------------------------------- */

/* One toolComponent of run.taxonomies: its name and its taxa (ids borrowed from the report's
 * rule metadata), in order of first appearance. */
typedef struct tax_comp {
    char *name;
    const char **taxa;
    size_t ntaxa, ataxa;
    pp_strmap seen;   /* taxon id → index in taxa */
} tax_comp;

/* The writer's state: the output, the taxonomies and the rule descriptors' indexes. */
typedef struct sarif {
    const pp_report *r;
    const pp_write_opts *o;
    pp_jw *w;
    tax_comp *comp;
    size_t ncomp, acomp;
    pp_strmap comp_index;   /* taxonomy name → index in comp */
    pp_strmap rule_index;   /* rule id → index in tool.driver.rules */
    size_t nrules;
    const char *uri_of;     /* the file whose URI is `uri` (borrowed from a finding) */
    char *uri;
    int uri_relative;
} sarif;

static void nomem(sarif *s)
{
    if (s->w->st == PP_OK)
        s->w->st = PP_E_NOMEM;
}

static void sarif_free(sarif *s)
{
    for (size_t i = 0; i < s->ncomp; i++) {
        free(s->comp[i].name);
        free(s->comp[i].taxa);
        pp_strmap_free(&s->comp[i].seen);
    }
    free(s->comp);
    pp_strmap_free(&s->comp_index);
    pp_strmap_free(&s->rule_index);
    free(s->uri);
}

/* Splits a control id into (taxonomy, taxon id): "CT.EC2.PR.3" → (Control Tower, itself);
 * "NIST-800-53:AC-4" → (NIST-800-53, AC-4); anything else → (Controls, itself). *tname is
 * malloc'd (caller frees); *tid points into id. -1 on allocation failure. */
static int classify(const char *id, char **tname, const char **tid)
{
    const char *colon = strchr(id, ':');
    int ct = strncmp(id, "CT.", 3) == 0;
    if (ct || !colon || colon == id || !colon[1]) {
        *tname = pp_strdup(ct ? PP_TAXONOMY_CT : PP_TAXONOMY_OTHER);
        *tid = id;
    } else {
        *tname = strndup(id, (size_t)(colon - id));
        *tid = colon + 1;
    }
    return *tname ? 0 : -1;
}

/* The index of taxonomy tname (taken: stored or freed), added when new; -1 on NOMEM. */
static long comp_of(sarif *s, char *tname)
{
    size_t ci = pp_strmap_get(&s->comp_index, tname);
    if (ci != (size_t)-1) {
        free(tname);
        return (long)ci;
    }
    if (s->ncomp == s->acomp) {
        size_t a = s->acomp ? 2 * s->acomp : 4;
        tax_comp *c = realloc(s->comp, a * sizeof *c);
        if (!c) {
            free(tname);
            return -1;
        }
        s->comp = c;
        s->acomp = a;
    }
    tax_comp *c = &s->comp[s->ncomp];
    memset(c, 0, sizeof *c);
    c->name = tname;
    pp_strmap_init(&c->seen);
    s->ncomp++;   /* owned by the list from here, even if the index below fails */
    if (pp_strmap_put(&s->comp_index, c->name, s->ncomp - 1) != 0)
        return -1;
    return (long)(s->ncomp - 1);
}

/* The index of taxon tid in c, added when new; -1 on NOMEM. */
static long taxon_of(tax_comp *c, const char *tid)
{
    size_t xi = pp_strmap_get(&c->seen, tid);
    if (xi != (size_t)-1)
        return (long)xi;
    if (c->ntaxa == c->ataxa) {
        size_t a = c->ataxa ? 2 * c->ataxa : 8;
        const char **t = realloc(c->taxa, a * sizeof *t);
        if (!t)
            return -1;
        c->taxa = t;
        c->ataxa = a;
    }
    if (pp_strmap_put(&c->seen, tid, c->ntaxa) != 0)
        return -1;
    c->taxa[c->ntaxa] = tid;
    return (long)c->ntaxa++;
}

/* Writes the relationship to the taxon of control `id` (registered when new) with kind. */
static void relationship(sarif *s, const char *id, const char *kind)
{
    char *tname = NULL;
    const char *tid;
    long ci = classify(id, &tname, &tid) == 0 ? comp_of(s, tname) : -1;
    long xi = ci >= 0 ? taxon_of(&s->comp[ci], tid) : -1;
    if (xi < 0) {
        nomem(s);
        return;
    }
    pp_jw *w = s->w;
    pp_jw_open(w, '{');
    pp_jw_key(w, "target");
    pp_jw_open(w, '{');
    pp_jw_key(w, "id");
    pp_report_jw_str(w, tid);
    pp_jw_key(w, "index");
    pp_jw_int(w, xi);
    pp_jw_key(w, "toolComponent");
    pp_jw_open(w, '{');
    pp_jw_key(w, "name");
    pp_report_jw_str(w, s->comp[ci].name);
    pp_jw_key(w, "index");
    pp_jw_int(w, ci);
    pp_jw_close(w, '}');
    pp_jw_close(w, '}');
    pp_jw_key(w, "kinds");
    pp_jw_open(w, '[');
    pp_jw_strn(w, kind, strlen(kind));
    pp_jw_close(w, ']');
    pp_jw_close(w, '}');
}

static void relationships(sarif *s, char *const *v, const char *kind)
{
    for (size_t i = 0; v && v[i]; i++)
        relationship(s, v[i], kind);
}

/* run.tool.driver.supportedTaxonomies, then (with taxa) run.taxonomies. */
static void taxonomies(sarif *s, int with_taxa)
{
    pp_jw *w = s->w;
    pp_jw_key(w, with_taxa ? "taxonomies" : "supportedTaxonomies");
    pp_jw_open(w, '[');
    for (size_t i = 0; i < s->ncomp; i++) {
        pp_jw_open(w, '{');
        pp_jw_key(w, "name");
        pp_report_jw_str(w, s->comp[i].name);
        if (with_taxa) {
            pp_jw_key(w, "taxa");
            pp_jw_open(w, '[');
            for (size_t k = 0; k < s->comp[i].ntaxa; k++) {
                pp_jw_open(w, '{');
                pp_jw_key(w, "id");
                pp_report_jw_str(w, s->comp[i].taxa[k]);
                pp_jw_close(w, '}');
            }
            pp_jw_close(w, ']');
        } else {
            pp_jw_key(w, "index");
            pp_jw_int(w, (long long)i);
        }
        pp_jw_close(w, '}');
    }
    pp_jw_close(w, ']');
}

/* ---- rules ---------------------------------------------------------------------------- */

static void put_list(pp_buf *b, const char *label, char *const *v)
{
    if (!v || !v[0])
        return;
    pp_buf_printf(b, " %s: ", label);
    for (size_t i = 0; v[i]; i++)
        pp_buf_printf(b, "%s%s", i ? ", " : "", v[i]);
    pp_buf_puts(b, ".");
}

/* Cuts s (valid UTF-8) to at most PP_SARIF_MAX_DESCRIPTION characters, ending with "…" when
 * it was longer. */
static void cut_description(char *s)
{
    size_t chars = 0, i = 0, cut = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (chars == PP_SARIF_MAX_DESCRIPTION - 1)
            cut = i;   /* where the ellipsis goes if there are more characters */
        if (++chars > PP_SARIF_MAX_DESCRIPTION)
            break;
    }
    if (chars > PP_SARIF_MAX_DESCRIPTION)
        memcpy(s + cut, "\xE2\x80\xA6", 4);   /* U+2026 and the NUL */
}

/* "ecs-service-no-public-ip" → "EcsServiceNoPublicIp"; "CT.EC2.PR.3" → "CtEc2Pr3". */
static char *camel_name(const char *id)
{
    char *out = malloc(strlen(id) + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    int up = 1;
    for (const char *p = id; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            up = 1;
            continue;
        }
        if (c >= 'a' && c <= 'z' && up)
            c = (unsigned char)(c - 'a' + 'A');
        else if (c >= 'A' && c <= 'Z' && !up)
            c = (unsigned char)(c - 'A' + 'a');
        out[n++] = (char)c;
        up = 0;
    }
    if (!n)
        out[n++] = 'R';
    out[n] = '\0';
    return out;
}

/* {"text": s} as the value of member key. */
static void text_member(pp_jw *w, const char *key, const char *s)
{
    pp_jw_key(w, key);
    pp_jw_open(w, '{');
    pp_jw_key(w, "text");
    pp_report_jw_str(w, s);
    pp_jw_close(w, '}');
}

/* The reportingDescriptor of one rule. `ri` may be NULL for an id seen only in findings (its
 * severity then comes from the finding). */
static void rule_desc(sarif *s, const char *id, const pp_rule_info *ri, pp_severity sev)
{
    const char *title = ri && ri->title ? ri->title : id;
    pp_buf full, help;
    pp_buf_init(&full, 0);
    pp_buf_init(&help, 0);
    pp_buf_puts(&full, title);
    if (full.data && full.len && !strchr(".!?", full.data[full.len - 1]))
        pp_buf_puts(&full, ".");
    if (ri) {
        sev = ri->severity;
        put_list(&full, "Reproduces", ri->controls);
        put_list(&full, "Related to", ri->related);
        put_list(&full, "Frameworks", ri->frameworks);
        if (ri->fix)
            pp_buf_puts(&help, ri->fix);
        if (ri->docs)
            pp_buf_printf(&help, "%sSee %s", help.len ? "\n" : "", ri->docs);
    }
    if (!help.len)
        pp_buf_puts(&help, title);
    char *full_s = pp_buf_finish(&full), *help_s = pp_buf_finish(&help);
    if (full_s)
        cut_description(full_s);
    char *name = camel_name(id);
    pp_jw *w = s->w;
    if (!full_s || !help_s || !name) {
        nomem(s);
        goto done;
    }
    pp_jw_open(w, '{');
    pp_jw_key(w, "id");
    pp_report_jw_str(w, id);
    pp_jw_key(w, "name");
    pp_report_jw_str(w, name);
    text_member(w, "shortDescription", title);
    text_member(w, "fullDescription", full_s);
    text_member(w, "help", help_s);
    pp_jw_key(w, "defaultConfiguration");
    pp_jw_open(w, '{');
    pp_jw_key(w, "level");
    pp_report_jw_str(w, severity_level(sev));
    pp_jw_close(w, '}');
    pp_jw_key(w, "properties");
    pp_jw_open(w, '{');
    pp_jw_key(w, "security-severity");
    pp_report_jw_str(w, security_severity(sev));
    pp_jw_key(w, "severity");
    pp_report_jw_str(w, pp_severity_name(sev));
    pp_jw_key(w, "tags");
    pp_report_jw_strv(w, ri ? ri->packs : NULL);
    pp_jw_close(w, '}');
    if (ri && ri->docs) {
        pp_jw_key(w, "helpUri");
        pp_report_jw_str(w, ri->docs);
    }
    if (ri && ((ri->controls && ri->controls[0]) || (ri->related && ri->related[0]) ||
               (ri->frameworks && ri->frameworks[0]))) {
        pp_jw_key(w, "relationships");
        pp_jw_open(w, '[');
        relationships(s, ri->controls, "equal");
        relationships(s, ri->related, "relevant");
        relationships(s, ri->frameworks, "relevant");
        pp_jw_close(w, ']');
    }
    pp_jw_close(w, '}');
done:
    free(full_s);
    free(help_s);
    free(name);
}

/* The rule id of finding f, or "" so a finding without one still maps to a descriptor. */
static const char *fid(const pp_finding *f)
{
    return f->rule_id ? f->rule_id : "";
}

/* One descriptor for id unless it has one already (a duplicate id cannot get a second). */
static void rule_once(sarif *s, const char *id, const pp_rule_info *ri, pp_severity sev)
{
    if (pp_strmap_get(&s->rule_index, id) != (size_t)-1)
        return;
    if (pp_strmap_put(&s->rule_index, id, s->nrules++) != 0) {
        nomem(s);
        return;
    }
    rule_desc(s, id, ri, sev);
}

/* tool.driver: declared rules first (their order in rules_info), then the ids that only
 * findings name, then the taxonomies their relationships met. */
static void driver(sarif *s)
{
    const pp_report *r = s->r;
    pp_jw *w = s->w;
    pp_jw_key(w, "tool");
    pp_jw_open(w, '{');
    pp_jw_key(w, "driver");
    pp_jw_open(w, '{');
    pp_jw_key(w, "name");
    pp_jw_strn(w, "parapet", 7);
    if (s->o->tool_version) {
        pp_jw_key(w, "version");
        pp_report_jw_str(w, s->o->tool_version);
    }
    if (s->o->information_uri) {
        pp_jw_key(w, "informationUri");
        pp_report_jw_str(w, s->o->information_uri);
    }
    pp_jw_key(w, "rules");
    pp_jw_open(w, '[');
    for (size_t i = 0; r->rules_info && i < r->rules; i++) {
        const pp_rule_info *ri = &r->rules_info[i];
        rule_once(s, ri->id ? ri->id : "", ri, ri->severity);
    }
    for (size_t i = 0; i < r->nf; i++)
        if (pp_report_visible(&r->f[i], s->o))
            rule_once(s, fid(&r->f[i]), NULL, r->f[i].severity);
    pp_jw_close(w, ']');
    if (s->ncomp)
        taxonomies(s, 0);
    pp_jw_close(w, '}');
    pp_jw_close(w, '}');
}

/* ---- results -------------------------------------------------------------------------- */

/* A file name as a URI reference: relative ones, and absolute ones under the working
 * directory, are relative to %SRCROOT%; other absolute paths become file:// URIs. Bytes
 * outside the unreserved set and '/' are percent-encoded. Caller frees; NULL on allocation
 * failure. */
static char *file_uri(const char *file, int *relative)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    char cwd[PATH_MAX];
    size_t cl;
    if (file[0] == '/' && getcwd(cwd, sizeof cwd) && (cl = strlen(cwd)) > 1 &&
        strncmp(file, cwd, cl) == 0 && file[cl] == '/')
        file += cl + 1;   /* under the working directory: relative to %SRCROOT% */
    *relative = file[0] != '/';
    if (!*relative && pp_buf_puts(&b, "file://") != PP_OK) {
        pp_buf_free(&b);
        return NULL;
    }
    while (file[0] == '.' && file[1] == '/')
        file += 2;
    for (const unsigned char *p = (const unsigned char *)file; *p; p++) {
        int keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                   (*p >= '0' && *p <= '9') || strchr("-._~/", *p);
        if (keep ? pp_buf_append(&b, p, 1) != PP_OK : pp_buf_printf(&b, "%%%02X", *p) != PP_OK) {
            pp_buf_free(&b);
            return NULL;
        }
    }
    return pp_buf_steal(&b);
}

/* The column as unicode code points (run.columnKind): doc.h counts bytes, so when the source
 * line is at hand the UTF-8 continuation bytes before the column are not counted. */
static unsigned code_point_column(const pp_finding *f)
{
    if (!f->source_line || f->column == 0)
        return f->column;
    unsigned col = 1;
    for (size_t i = 0; i + 1 < f->column && f->source_line[i]; i++)
        if (((unsigned char)f->source_line[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* The column just past the last non-blank character of the source line, in code points (0
 * when the line is not at hand or ends before the start column). */
static unsigned line_end_column(const pp_finding *f)
{
    if (!f->source_line)
        return 0;
    size_t n = strcspn(f->source_line, "\r\n");
    while (n && (f->source_line[n - 1] == ' ' || f->source_line[n - 1] == '\t'))
        n--;
    unsigned col = 1;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)f->source_line[i] & 0xC0) != 0x80)
            col++;
    return col > code_point_column(f) ? col : 0;
}

/* {"artifactLocation": …, "region": …}; the region only when the line is known. */
static void physical(sarif *s, const pp_finding *f)
{
    if (!s->uri || strcmp(s->uri_of, f->file) != 0) {   /* findings come file by file */
        free(s->uri);
        s->uri = file_uri(f->file, &s->uri_relative);
        s->uri_of = f->file;
        if (!s->uri) {
            nomem(s);
            return;
        }
    }
    const char *uri = s->uri;
    int rel = s->uri_relative;
    pp_jw *w = s->w;
    pp_jw_open(w, '{');
    pp_jw_key(w, "artifactLocation");
    pp_jw_open(w, '{');
    pp_jw_key(w, "uri");
    pp_report_jw_str(w, uri);
    if (rel) {
        pp_jw_key(w, "uriBaseId");
        pp_jw_strn(w, "%SRCROOT%", 9);
    }
    pp_jw_close(w, '}');
    if (f->line) {
        pp_jw_key(w, "region");
        pp_jw_open(w, '{');
        pp_jw_key(w, "startLine");
        pp_jw_int(w, f->line);
        pp_jw_key(w, "endLine");
        pp_jw_int(w, f->line);
        if (f->column > 0) {
            pp_jw_key(w, "startColumn");
            pp_jw_int(w, code_point_column(f));
        }
        unsigned end = line_end_column(f);
        if (end) {
            pp_jw_key(w, "endColumn");
            pp_jw_int(w, end);
        }
        pp_jw_close(w, '}');
    }
    pp_jw_close(w, '}');
}

/* {"physicalLocation": …, "logicalLocations": […]}, each when known. */
static void location(sarif *s, const pp_finding *f)
{
    pp_jw *w = s->w;
    pp_jw_open(w, '{');
    if (f->file) {
        pp_jw_key(w, "physicalLocation");
        physical(s, f);
    }
    if (f->resource) {
        /* "TYPE/NAME", on the stack when it fits */
        const char *type = f->resource_type ? f->resource_type : "";
        size_t tl = strlen(type), rl = strlen(f->resource);
        char small[256];
        char *fq = tl + rl + 2 <= sizeof small ? small : malloc(tl + rl + 2);
        if (fq) {
            memcpy(fq, type, tl);
            fq[tl] = '/';
            memcpy(fq + tl + 1, f->resource, rl + 1);
        } else {
            nomem(s);
        }
        pp_jw_key(w, "logicalLocations");
        pp_jw_open(w, '[');
        pp_jw_open(w, '{');
        pp_jw_key(w, "name");
        pp_report_jw_str(w, f->resource);
        pp_jw_key(w, "kind");
        pp_jw_strn(w, "resource", 8);
        pp_jw_key(w, "fullyQualifiedName");
        pp_report_jw_str(w, fq ? fq : "");
        pp_jw_close(w, '}');
        pp_jw_close(w, ']');
        if (fq != small)
            free(fq);
    }
    pp_jw_close(w, '}');
}

static void str_member(pp_jw *w, const char *key, const char *v)
{
    pp_jw_key(w, key);
    pp_report_jw_str(w, v);
}

/* The result's properties: its status, severity, resource and path as Parapet has them. */
static void result_props(pp_jw *w, const pp_finding *f)
{
    pp_jw_key(w, "properties");
    pp_jw_open(w, '{');
    str_member(w, "status", pp_fstatus_name(f->status));
    str_member(w, "severity", pp_severity_name(f->severity));
    str_member(w, "resource", f->resource);
    str_member(w, "resource_type", f->resource_type);
    str_member(w, "path", f->path);
    pp_jw_key(w, "controls");
    pp_report_jw_strv(w, f->controls);
    if (f->cdk_path)
        str_member(w, "cdk_path", f->cdk_path);
    pp_jw_close(w, '}');
}

static void result(sarif *s, const pp_finding *f, size_t rule_index)
{
    const char *level, *kind;
    level_kind(f, &level, &kind);
    const char *text = f->message;
    if (!text || !*text) {
        const pp_rule_info *ri = pp_report_rule(s->r, f->rule_id, NULL);
        text = ri && ri->title ? ri->title : pp_fstatus_name(f->status);
    }
    /* identity of the alert across runs: not the line, which moves with every edit above */
    char fp[65];
    const char *parts[5] = { f->rule_id, f->file, f->resource, f->path, f->message };
    if (pp_report_fingerprint(parts, fp) != 0) {
        nomem(s);
        return;
    }
    fp[32] = '\0';
    pp_jw *w = s->w;
    pp_jw_open(w, '{');
    str_member(w, "ruleId", f->rule_id ? f->rule_id : "");
    pp_jw_key(w, "ruleIndex");
    pp_jw_int(w, (long long)rule_index);
    str_member(w, "level", level);
    str_member(w, "kind", kind);
    text_member(w, "message", text);
    pp_jw_key(w, "locations");
    pp_jw_open(w, '[');
    location(s, f);
    pp_jw_close(w, ']');
    result_props(w, f);
    pp_jw_key(w, "partialFingerprints");
    pp_jw_open(w, '{');
    pp_jw_key(w, "parapet/v1");
    pp_jw_strn(w, fp, 32);
    pp_jw_close(w, '}');
    if (f->status == PP_ST_SUPPRESSED) {
        pp_jw_key(w, "suppressions");
        pp_jw_open(w, '[');
        pp_jw_open(w, '{');
        str_member(w, "kind", "inSource");
        str_member(w, "status", "accepted");
        str_member(w, "justification", f->suppress_reason ? f->suppress_reason : "");
        pp_jw_close(w, '}');
        pp_jw_close(w, ']');
    }
    pp_jw_close(w, '}');
}

/* The descriptor index of finding f's rule (every visible finding's id has one). */
static size_t rule_index_of(const sarif *s, const pp_finding *f)
{
    size_t i = pp_strmap_get(&s->rule_index, fid(f));
    return i == (size_t)-1 ? 0 : i;
}

static void results(sarif *s)
{
    pp_jw_key(s->w, "results");
    pp_jw_open(s->w, '[');
    for (size_t i = 0; i < s->r->nf; i++) {
        const pp_finding *f = &s->r->f[i];
        if (pp_report_visible(f, s->o) && f->status != PP_ST_ERROR)
            result(s, f, rule_index_of(s, f));
    }
    pp_jw_close(s->w, ']');
}

/* ---- the invocation ------------------------------------------------------------------- */

/* A notification: {"level": …, "message": {"text": …}} and what the caller adds. */
static void note_open(pp_jw *w, const char *level, const char *text)
{
    pp_jw_open(w, '{');
    str_member(w, "level", level);
    text_member(w, "message", text);
}

/* A rule that could not run (an ERROR finding) as a notification of the invocation. */
static void rule_error_note(sarif *s, const pp_finding *f)
{
    pp_jw *w = s->w;
    note_open(w, "error", f->message ? f->message : "the rule could not run");
    pp_jw_key(w, "associatedRule");
    pp_jw_open(w, '{');
    str_member(w, "id", fid(f));
    pp_jw_key(w, "index");
    pp_jw_int(w, (long long)rule_index_of(s, f));
    pp_jw_close(w, '}');
    if (f->file) {
        pp_jw_key(w, "locations");
        pp_jw_open(w, '[');
        location(s, f);
        pp_jw_close(w, ']');
    }
    pp_jw_close(w, '}');
}

/* An input that could not be checked as a notification of the invocation. */
static void input_error_note(sarif *s, const pp_input_error *e)
{
    pp_finding f = { .file = e->file, .line = e->line, .column = e->column };
    pp_jw *w = s->w;
    note_open(w, "error", e->message);
    pp_jw_key(w, "locations");
    pp_jw_open(w, '[');
    pp_jw_open(w, '{');
    pp_jw_key(w, "physicalLocation");
    physical(s, &f);
    pp_jw_close(w, '}');
    pp_jw_close(w, ']');
    pp_jw_close(w, '}');
}

/* run.invocations: one, successful unless a rule could not run or an input was not checked;
 * its notifications are the warnings, the rules that could not run and those inputs. */
static void invocations(sarif *s)
{
    const pp_report *r = s->r;
    size_t errors = 0;
    for (size_t i = 0; i < r->nf; i++)
        errors += r->f[i].status == PP_ST_ERROR && pp_report_visible(&r->f[i], s->o);
    pp_jw *w = s->w;
    pp_jw_key(w, "invocations");
    pp_jw_open(w, '[');
    pp_jw_open(w, '{');
    pp_jw_key(w, "executionSuccessful");
    pp_jw_bool(w, errors == 0 && r->ninput_errors == 0);
    if (r->nwarnings + errors + r->ninput_errors) {
        pp_jw_key(w, "toolExecutionNotifications");
        pp_jw_open(w, '[');
        for (size_t i = 0; i < r->nwarnings; i++) {
            note_open(w, "warning", r->warnings[i]);
            pp_jw_close(w, '}');
        }
        for (size_t i = 0; errors && i < r->nf; i++)
            if (r->f[i].status == PP_ST_ERROR && pp_report_visible(&r->f[i], s->o))
                rule_error_note(s, &r->f[i]);
        for (size_t i = 0; i < r->ninput_errors; i++)
            input_error_note(s, &r->input_errors[i]);
        pp_jw_close(w, ']');
    }
    pp_jw_close(w, '}');
    pp_jw_close(w, ']');
}

/* run.originalUriBaseIds: %SRCROOT% is the working directory (left out when it is unknown). */
static void base_ids(sarif *s)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return;
    char *uri = file_uri(cwd, &(int){0});
    char *dir = uri ? pp_asprintf("%s%s", uri, uri[strlen(uri) - 1] == '/' ? "" : "/") : NULL;
    free(uri);
    if (!dir) {
        nomem(s);
        return;
    }
    pp_jw *w = s->w;
    pp_jw_key(w, "originalUriBaseIds");
    pp_jw_open(w, '{');
    pp_jw_key(w, "%SRCROOT%");
    pp_jw_open(w, '{');
    str_member(w, "uri", dir);
    pp_jw_close(w, '}');
    pp_jw_close(w, '}');
    free(dir);
}

/* ---- the document --------------------------------------------------------------------- */

pp_status pp_report_write_sarif(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    pp_jw w;
    pp_jw_init(&w, &b, 2);
    sarif s = { .r = r, .o = o, .w = &w };
    pp_strmap_init(&s.comp_index);
    pp_strmap_init(&s.rule_index);
    pp_jw_open(&w, '{');
    str_member(&w, "$schema", PP_SARIF_SCHEMA);
    str_member(&w, "version", "2.1.0");
    pp_jw_key(&w, "runs");
    pp_jw_open(&w, '[');
    pp_jw_open(&w, '{');
    driver(&s);
    results(&s);
    if (s.ncomp)
        taxonomies(&s, 1);
    str_member(&w, "columnKind", "unicodeCodePoints");
    invocations(&s);
    base_ids(&s);
    pp_jw_close(&w, '}');
    pp_jw_close(&w, ']');
    pp_jw_close(&w, '}');
    sarif_free(&s);
    if (w.st != PP_OK) {
        pp_buf_free(&b);
        return w.st == PP_E_IO ? PP_E_IO : PP_E_NOMEM;
    }
    return pp_report_put(&b, out);
}
