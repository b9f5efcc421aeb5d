/* report_sarif.c — the SARIF 2.1.0 writer for code-scanning dashboards (GitHub, Azure DevOps,
 * GitLab).
 *
 * Data flow: pp_report_write (report.c) → here → jansson → out. One run: tool.driver lists
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
 * Building uses json_pack: with "o" it steals every value even when it fails (jansson >= 2.11),
 * and a NULL "o" (a failed allocation below) makes it fail, so each call is checked once.
 */
#include "engine/finding.h"
#include "engine/report_priv.h"
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

/* Taxonomies under construction: `list` becomes run.taxonomies; `index` maps a taxonomy name
 * to {"i": its index in list, "taxa": {taxon id → its index}}. */
typedef struct taxo {
    json_t *list;
    json_t *index;
} taxo;

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

/* Returns a new relationship object pointing at the taxon for control `id` (added to t when
 * new), with relationship kind `kind`. NULL on allocation failure. */
static json_t *relationship(taxo *t, const char *id, const char *kind)
{
    char *tname = NULL;
    const char *tid;
    json_t *rel = NULL;
    if (classify(id, &tname, &tid) != 0)
        return NULL;
    json_t *entry = json_object_get(t->index, tname);
    if (!entry) {
        entry = json_pack("{s:I, s:o}", "i", (json_int_t)json_array_size(t->list), "taxa",
                          json_object());
        json_t *comp = json_pack("{s:o, s:o}", "name", pp_report_jstr(tname), "taxa",
                                 json_array());
        if (!comp || json_array_append_new(t->list, comp) != 0) {
            json_decref(entry);
            goto done;
        }
        if (json_object_set_new_nocheck(t->index, tname, entry) != 0)
            goto done;
    }
    size_t ti = (size_t)json_integer_value(json_object_get(entry, "i"));
    json_t *comp = json_array_get(t->list, ti);
    json_t *taxa = json_object_get(comp, "taxa");
    json_t *seen = json_object_get(entry, "taxa");
    json_t *known = json_object_get(seen, tid);
    size_t xi = known ? (size_t)json_integer_value(known) : json_array_size(taxa);
    if (!known) {
        if (json_array_append_new(taxa, json_pack("{s:o}", "id", pp_report_jstr(tid))) != 0 ||
            json_object_set_new_nocheck(seen, tid, json_integer((json_int_t)xi)) != 0)
            goto done;
    }
    rel = json_pack("{s:{s:o, s:I, s:{s:O, s:I}}, s:[s]}",
                    "target", "id", pp_report_jstr(tid), "index", (json_int_t)xi,
                    "toolComponent", "name", json_object_get(comp, "name"), "index",
                    (json_int_t)ti, "kinds", kind);
done:
    free(tname);
    return rel;
}

/* Appends one relationship per id of the NULL-terminated v. -1 on allocation failure. */
static int add_relationships(taxo *t, json_t *rels, char *const *v, const char *kind)
{
    for (size_t i = 0; v && v[i]; i++)
        if (json_array_append_new(rels, relationship(t, v[i], kind)) != 0)
            return -1;
    return 0;
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

/* The reportingDescriptor of one rule. `ri` may be NULL for an id seen only in findings (its
 * severity then comes from the finding). NULL on allocation failure. */
static json_t *rule_json(taxo *t, const char *id, const pp_rule_info *ri, pp_severity sev)
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
    char *full_s = pp_buf_steal(&full), *help_s = pp_buf_steal(&help);
    if (full_s)
        cut_description(full_s);
    char *name = camel_name(id);
    json_t *rels = json_array();
    json_t *rule = NULL;
    if (!full_s || !help_s || !rels || !name)
        goto done;
    if (ri && (add_relationships(t, rels, ri->controls, "equal") != 0 ||
               add_relationships(t, rels, ri->related, "relevant") != 0 ||
               add_relationships(t, rels, ri->frameworks, "relevant") != 0))
        goto done;
    rule = json_pack("{s:o, s:o, s:{s:o}, s:{s:o}, s:{s:o}, s:{s:s}, s:{s:s, s:s, s:o}}",
                     "id", pp_report_jstr(id), "name", pp_report_jstr(name),
                     "shortDescription", "text", pp_report_jstr(title),
                     "fullDescription", "text", pp_report_jstr(full_s),
                     "help", "text", pp_report_jstr(help_s),
                     "defaultConfiguration", "level", severity_level(sev),
                     "properties", "security-severity", security_severity(sev),
                     "severity", pp_severity_name(sev),
                     "tags", pp_report_jstrv(ri ? ri->packs : NULL));
    if (rule && ri && ri->docs && json_object_set_new(rule, "helpUri", pp_report_jstr(ri->docs)))
        goto fail;
    if (rule && json_array_size(rels)) {
        int bad = json_object_set_new(rule, "relationships", rels);
        rels = NULL;
        if (bad)
            goto fail;
    }
    goto done;
fail:
    json_decref(rule);
    rule = NULL;
done:
    json_decref(rels);
    free(full_s);
    free(help_s);
    free(name);
    return rule;
}

/* ---- results -------------------------------------------------------------------------- */

/* The rule id of finding f, or "" so a finding without one still maps to a descriptor. */
static const char *fid(const pp_finding *f)
{
    return f->rule_id ? f->rule_id : "";
}

/* A file name as a URI reference: relative ones, and absolute ones under the working
 * directory, are relative to %SRCROOT%; other absolute paths become file:// URIs. Bytes outside the unreserved set and
 * '/' are percent-encoded. Caller frees; NULL on allocation failure. */
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
    if (!*relative)
        pp_buf_puts(&b, "file://");
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
static json_t *physical_json(const pp_finding *f)
{
    int rel;
    char *uri = file_uri(f->file, &rel);
    if (!uri)
        return NULL;
    json_t *art = json_pack("{s:o}", "uri", pp_report_jstr(uri));
    free(uri);
    if (art && rel && json_object_set_new(art, "uriBaseId", json_string("%SRCROOT%"))) {
        json_decref(art);
        return NULL;
    }
    json_t *phys = json_pack("{s:o}", "artifactLocation", art);
    if (!phys || f->line == 0)
        return phys;
    json_t *region = json_pack("{s:I, s:I}", "startLine", (json_int_t)f->line, "endLine",
                               (json_int_t)f->line);
    if (region && f->column > 0 &&
        json_object_set_new(region, "startColumn", json_integer(code_point_column(f)))) {
        json_decref(region);
        region = NULL;
    }
    unsigned end = line_end_column(f);
    if (region && end && json_object_set_new(region, "endColumn", json_integer(end))) {
        json_decref(region);
        region = NULL;
    }
    if (json_object_set_new(phys, "region", region)) {
        json_decref(phys);
        return NULL;
    }
    return phys;
}

static json_t *location_json(const pp_finding *f)
{
    json_t *loc = json_object();
    if (!loc)
        return NULL;
    if (f->file && json_object_set_new(loc, "physicalLocation", physical_json(f)))
        goto fail;
    if (f->resource) {
        char *fq = pp_asprintf("%s/%s", f->resource_type ? f->resource_type : "", f->resource);
        json_t *ll = fq ? json_pack("[{s:o, s:s, s:o}]", "name", pp_report_jstr(f->resource),
                                    "kind", "resource", "fullyQualifiedName",
                                    pp_report_jstr(fq))
                        : NULL;
        free(fq);
        if (json_object_set_new(loc, "logicalLocations", ll))
            goto fail;
    }
    return loc;
fail:
    json_decref(loc);
    return NULL;
}

static json_t *result_json(const pp_report *r, const pp_finding *f, size_t rule_index)
{
    const char *level, *kind;
    level_kind(f, &level, &kind);
    const char *text = f->message;
    if (!text || !*text) {
        const pp_rule_info *ri = pp_report_rule(r, f->rule_id, NULL);
        text = ri && ri->title ? ri->title : pp_fstatus_name(f->status);
    }
    json_t *props = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}",
                              "status", pp_fstatus_name(f->status),
                              "severity", pp_severity_name(f->severity),
                              "resource", pp_report_jstr(f->resource),
                              "resource_type", pp_report_jstr(f->resource_type),
                              "path", pp_report_jstr(f->path),
                              "controls", pp_report_jstrv(f->controls));
    if (props && f->cdk_path &&
        json_object_set_new(props, "cdk_path", pp_report_jstr(f->cdk_path)))
        json_decref(props), props = NULL;
    json_t *res = json_pack("{s:o, s:I, s:s, s:s, s:{s:o}, s:[o], s:o}",
                            "ruleId", pp_report_jstr(f->rule_id ? f->rule_id : ""),
                            "ruleIndex", (json_int_t)rule_index, "level", level, "kind", kind,
                            "message", "text", pp_report_jstr(text),
                            "locations", location_json(f), "properties", props);
    if (res) {
        /* identity of the alert across runs: not the line, which moves with every edit above */
        char fp[65];
        const char *parts[5] = { f->rule_id, f->file, f->resource, f->path, f->message };
        int bad = pp_report_fingerprint(parts, fp) != 0;
        fp[32] = '\0';
        if (bad || json_object_set_new(res, "partialFingerprints",
                                       json_pack("{s:s}", "parapet/v1", fp)))
            json_decref(res), res = NULL;
    }
    if (res && f->status == PP_ST_SUPPRESSED) {
        json_t *sup = json_pack("[{s:s, s:s, s:o}]", "kind", "inSource", "status", "accepted",
                                "justification",
                                pp_report_jstr(f->suppress_reason ? f->suppress_reason : ""));
        if (json_object_set_new(res, "suppressions", sup))
            json_decref(res), res = NULL;
    }
    return res;
}

/* A rule that could not run (an ERROR finding) as a notification of the invocation. */
static json_t *rule_error_note(const pp_finding *f, size_t rule_index)
{
    json_t *n = json_pack("{s:s, s:{s:o}, s:{s:o, s:I}}", "level", "error", "message", "text",
                          pp_report_jstr(f->message ? f->message : "the rule could not run"),
                          "associatedRule", "id", pp_report_jstr(fid(f)), "index",
                          (json_int_t)rule_index);
    if (n && f->file && json_object_set_new(n, "locations", json_pack("[o]", location_json(f))))
        json_decref(n), n = NULL;
    return n;
}

/* An input that could not be checked as a notification of the invocation. */
static json_t *input_error_note(const pp_input_error *e)
{
    pp_finding f = { .file = e->file, .line = e->line, .column = e->column };
    return json_pack("{s:s, s:{s:o}, s:[{s:o}]}", "level", "error", "message", "text",
                     pp_report_jstr(e->message), "locations", "physicalLocation",
                     physical_json(&f));
}

/* ---- the document --------------------------------------------------------------------- */


static json_t *sarif_json(const pp_report *r, const pp_write_opts *o)
{
    taxo t = { json_array(), json_object() };
    json_t *rules = json_array(), *results = json_array(), *rule_index = json_object();
    json_t *notes = json_array();
    json_t *doc = NULL, *driver = NULL, *run = NULL;
    int failed_run = 0;
    if (!t.list || !t.index || !rules || !results || !rule_index || !notes)
        goto done;
    for (size_t i = 0; i < r->nwarnings; i++)
        if (json_array_append_new(notes, json_pack("{s:s, s:{s:o}}", "level", "warning",
                                                   "message", "text",
                                                   pp_report_jstr(r->warnings[i]))))
            goto done;

    /* Descriptors: declared rules first (their index in rules_info), then ids that only
     * findings name. rule_index maps id → index. */
    for (size_t i = 0; r->rules_info && i < r->rules; i++) {
        const pp_rule_info *ri = &r->rules_info[i];
        const char *id = ri->id ? ri->id : "";
        if (json_object_get(rule_index, id))
            continue; /* a duplicate id cannot get a second descriptor */
        if (json_object_set_new_nocheck(rule_index, id,
                                        json_integer((json_int_t)json_array_size(rules))) ||
            json_array_append_new(rules, rule_json(&t, id, ri, ri->severity)))
            goto done;
    }
    for (size_t i = 0; i < r->nf; i++) {
        const pp_finding *f = &r->f[i];
        if (!pp_report_visible(f, o) || json_object_get(rule_index, fid(f)))
            continue;
        if (json_object_set_new_nocheck(rule_index, fid(f),
                                        json_integer((json_int_t)json_array_size(rules))) ||
            json_array_append_new(rules, rule_json(&t, fid(f), NULL, f->severity)))
            goto done;
    }
    for (size_t i = 0; i < r->nf; i++) {
        const pp_finding *f = &r->f[i];
        if (!pp_report_visible(f, o))
            continue;
        size_t idx = (size_t)json_integer_value(json_object_get(rule_index, fid(f)));
        if (f->status == PP_ST_ERROR) {
            failed_run = 1;
            if (json_array_append_new(notes, rule_error_note(f, idx)))
                goto done;
            continue;
        }
        if (json_array_append_new(results, result_json(r, f, idx)))
            goto done;
    }
    for (size_t i = 0; i < r->ninput_errors; i++) {
        failed_run = 1;
        if (json_array_append_new(notes, input_error_note(&r->input_errors[i])))
            goto done;
    }

    driver = json_pack("{s:s}", "name", "parapet");
    if (!driver)
        goto done;
    if (o->tool_version &&
        json_object_set_new(driver, "version", pp_report_jstr(o->tool_version)))
        goto done;
    if (o->information_uri &&
        json_object_set_new(driver, "informationUri", pp_report_jstr(o->information_uri)))
        goto done;
    if (json_object_set(driver, "rules", rules))
        goto done;
    if (json_array_size(t.list)) {
        json_t *supported = json_array();
        for (size_t i = 0; supported && i < json_array_size(t.list); i++) {
            json_t *name = json_object_get(json_array_get(t.list, i), "name");
            if (json_array_append_new(supported, json_pack("{s:O, s:I}", "name", name, "index",
                                                           (json_int_t)i)))
                json_decref(supported), supported = NULL;
        }
        if (json_object_set_new(driver, "supportedTaxonomies", supported))
            goto done;
    }

    run = json_pack("{s:{s:O}, s:O}", "tool", "driver", driver, "results", results);
    if (!run)
        goto done;
    if (json_array_size(t.list) && json_object_set(run, "taxonomies", t.list))
        goto done;
    if (json_object_set_new(run, "columnKind", json_string("unicodeCodePoints")))
        goto done;
    {
        json_t *inv = json_pack("{s:b}", "executionSuccessful", !failed_run);
        if (inv && json_array_size(notes) &&
            json_object_set(inv, "toolExecutionNotifications", notes)) {
            json_decref(inv);
            goto done;
        }
        /* "o" takes inv even when the pack fails; a NULL inv makes it fail */
        if (json_object_set_new(run, "invocations", json_pack("[o]", inv)))
            goto done;
    }
    {
        char cwd[PATH_MAX];
        char *uri = getcwd(cwd, sizeof cwd) ? file_uri(cwd, &(int){0}) : NULL;
        char *dir = uri ? pp_asprintf("%s%s", uri, uri[strlen(uri) - 1] == '/' ? "" : "/")
                        : NULL;
        free(uri);
        int bad = dir && json_object_set_new(run, "originalUriBaseIds",
                                             json_pack("{s:{s:s}}", "%SRCROOT%", "uri", dir));
        free(dir);
        if (bad)
            goto done;
    }
    doc = json_pack("{s:s, s:s, s:[O]}", "$schema", PP_SARIF_SCHEMA, "version", "2.1.0",
                    "runs", run);
done:
    json_decref(notes);
    json_decref(run);
    json_decref(driver);
    json_decref(rule_index);
    json_decref(results);
    json_decref(rules);
    json_decref(t.index);
    json_decref(t.list);
    return doc;
}

pp_status pp_report_write_sarif(const pp_report *r, const pp_write_opts *o, FILE *out)
{
    json_t *doc = sarif_json(r, o);
    if (!doc)
        return PP_E_NOMEM;
    pp_status st = pp_report_dump(doc, out);
    json_decref(doc);
    return st;
}
