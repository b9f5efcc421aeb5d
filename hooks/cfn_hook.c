/* cfn_hook.c — Lambda-hook requests in, hook responses out (see cfn_hook.h).
 *
 * This file is the wire format only: parsing a request into pp_hook_req and rendering a
 * pp_report as a response. The evaluation (payload fetch, documents, engine) is cfn_eval.c.
 */
#include "hooks/cfn_hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/check.h"
#include "engine/doc.h"
#include "engine/base/json_write.h"
#include "engine/base/utf8.h"
#include "engine/base/strmap.h"
#include "engine/base/util.h"

/* ---- small helpers --------------------------------------------------------------------- */

char *pp_hook_truncate(char *s, size_t max)
{
    if (!s)
        return s;
    size_t n = strlen(s);
    if (n <= max)
        return s;
    if (max < 3) {
        max = pp_utf8_cut(s, max);   /* never half a character */
        s[max] = '\0';
        return s;
    }
    size_t cut = max - 3;
    /* s[cut] must start a character so that s[0..cut) ends on a whole one. */
    cut = pp_utf8_cut(s, cut);
    memcpy(s + cut, "...", 4);
    return s;
}

/* The response is written straight into a buffer, members in a fixed order: building a
 * jansson tree to print it once cost more than everything else in the render. */
typedef struct jout {
    pp_buf *b;
    int members;    /* members written in the object being written */
} jout;

/* Writes member key (a literal: nothing to escape) with the string val, cleaned and cut to max
 * bytes (on a private copy, only when it needs either). Returns 0, -1 on NOMEM. */
static int put_member(jout *o, const char *key, const char *val, size_t max)
{
    if (!val)
        val = "";
    size_t n = strlen(val);
    char *c = NULL;
    if (n > max || !pp_utf8_valid(val, n)) {
        if (!(c = pp_strdup(val)))
            return -1;
        pp_utf8_clean(c);
        pp_hook_truncate(c, max);
        val = c;
        n = strlen(c);
    }
    pp_status st = o->members++ ? pp_buf_append(o->b, ",\"", 2) : pp_buf_append(o->b, "\"", 1);
    if (st == PP_OK)
        st = pp_buf_puts(o->b, key);
    if (st == PP_OK)
        st = pp_buf_append(o->b, "\":", 2);
    if (st == PP_OK)
        st = pp_json_write_string(o->b, val, n);
    free(c);
    return st == PP_OK ? 0 : -1;
}

const char *pp_hook_severity_level(pp_severity s)
{
    switch (s) {
    case PP_SEV_INFO: return "INFORMATIONAL";
    case PP_SEV_LOW: return "LOW";
    case PP_SEV_MEDIUM: return "MEDIUM";
    case PP_SEV_HIGH: return "HIGH";
    case PP_SEV_CRITICAL: return "CRITICAL";
    }
    return "MEDIUM";
}

/* ---- parsing --------------------------------------------------------------------------- */

/* Member `key`, matched exactly, else case-insensitively (documented spellings vary). */
static json_t *member(const json_t *obj, const char *key)
{
    if (!json_is_object(obj))
        return NULL;
    json_t *v = json_object_get(obj, key);
    if (v)
        return v;
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)obj, k, val) {
        if (strcasecmp(k, key) == 0)
            return val;
    }
    return NULL;
}

/* A string member: absent or null → "" ; a string → its value; anything else → error. */
static pp_status str_member(const json_t *obj, const char *key, const char *where,
                            const char **out, char **err)
{
    json_t *v = member(obj, key);
    if (!v || json_is_null(v)) {
        *out = "";
        return PP_OK;
    }
    if (!json_is_string(v))
        return pp_err(err, PP_E_PARSE, "%s%s must be a string", where, key);
    *out = json_string_value(v);
    return PP_OK;
}

static pp_status obj_member(const json_t *obj, const char *key, const char *where,
                            json_t **out, char **err)
{
    json_t *v = member(obj, key);
    if (!v || json_is_null(v)) {
        *out = NULL;
        return PP_OK;
    }
    if (!json_is_object(v))
        return pp_err(err, PP_E_PARSE, "%s%s must be an object", where, key);
    *out = v;
    return PP_OK;
}

static int parse_action(const char *s, pp_hook_action *out)
{
    static const struct { const char *name; pp_hook_action a; } tab[] = {
        { "CREATE_PRE_PROVISION", PP_HOOK_ACT_CREATE },
        { "UPDATE_PRE_PROVISION", PP_HOOK_ACT_UPDATE },
        { "DELETE_PRE_PROVISION", PP_HOOK_ACT_DELETE },
    };
    for (size_t i = 0; i < PP_ARRAY_LEN(tab); i++) {
        if (strcasecmp(s, tab[i].name) == 0) {
            *out = tab[i].a;
            return 0;
        }
    }
    return -1;
}

static int is_type_name(const char *s)
{
    /* AWS::S3::Bucket, Custom::X, Vendor::Svc::Res: at least one "::" with text around it. */
    const char *p = strstr(s, "::");
    return p && p > s && p[2] != '\0';
}

pp_status pp_hook_parse(const char *buf, size_t len, pp_hook_req *out, char **err)
{
    memset(out, 0, sizeof *out);
    out->token = out->account_id = out->stack_id = out->change_set_id = "";
    out->hook_type = out->invocation_point = out->target_name = out->target_type = "";
    out->logical_id = "Resource";

    /* The template loader's strict JSON parser: twice as fast as jansson's on a hook request,
     * the same RFC 8259 rules, duplicate keys rejected, and the engine's depth and size
     * limits. Positions are not even recorded (pp_doc_load_root). */
    static const pp_limits lim = PP_LIMITS_DEFAULT;
    pp_status lst = PP_OK;
    char *lerr = NULL;
    out->root = pp_doc_load_root_scan("request", buf, len, &lim, &lst, &lerr, &out->loop_keys);
    if (!out->root) {
        pp_status st = lst == PP_E_NOMEM ? PP_E_NOMEM : PP_E_PARSE;
        unsigned line = 0, col = 0;
        int skip = 0;
        /* lerr is "request:LINE:COL: what was expected" */
        if (lst == PP_E_NOMEM)
            st = pp_err(err, st, "out of memory reading the request");
        else if (lerr && sscanf(lerr, "request:%u:%u: %n", &line, &col, &skip) == 2 && skip > 0)
            st = pp_err(err, st, "request is not valid JSON: line %u, column %u: %s", line, col,
                        lerr + skip);
        else
            st = pp_err(err, st, "request is not valid JSON: %s", lerr ? lerr : "unreadable");
        free(lerr);
        return st;
    }
    if (!json_is_object(out->root))
        return pp_err(err, PP_E_PARSE, "request must be a JSON object");
    const json_t *r = out->root;
    pp_status st;
    if ((st = str_member(r, "clientRequestToken", "", &out->token, err)) != PP_OK ||
        (st = str_member(r, "awsAccountId", "", &out->account_id, err)) != PP_OK ||
        (st = str_member(r, "stackId", "", &out->stack_id, err)) != PP_OK ||
        (st = str_member(r, "changeSetId", "", &out->change_set_id, err)) != PP_OK ||
        (st = str_member(r, "hookTypeName", "", &out->hook_type, err)) != PP_OK)
        return st;
    if ((st = str_member(r, "actionInvocationPoint", "", &out->invocation_point, err)) != PP_OK)
        return st;
    if (!*out->invocation_point &&
        (st = str_member(r, "invocationPoint", "", &out->invocation_point, err)) != PP_OK)
        return st;
    if (*out->invocation_point && parse_action(out->invocation_point, &out->action) != 0)
        return pp_err(err, PP_E_PARSE,
                      "actionInvocationPoint '%s' is not CREATE_PRE_PROVISION, "
                      "UPDATE_PRE_PROVISION or DELETE_PRE_PROVISION",
                      out->invocation_point);

    json_t *rd = member(r, "requestData");
    if (!json_is_object(rd))
        return pp_err(err, PP_E_PARSE, "requestData %s", rd ? "must be an object" : "is missing");
    if ((st = str_member(rd, "targetName", "requestData.", &out->target_name, err)) != PP_OK ||
        (st = str_member(rd, "targetType", "requestData.", &out->target_type, err)) != PP_OK)
        return st;
    const char *lid = "";
    if ((st = str_member(rd, "targetLogicalId", "requestData.", &lid, err)) != PP_OK)
        return st;
    if (*lid)
        out->logical_id = lid;

    const char *tt = *out->target_type ? out->target_type : out->target_name;
    if (!*tt)
        return pp_err(err, PP_E_PARSE, "requestData.targetType is missing");
    if (strcasecmp(tt, "STACK") == 0) {
        out->target = PP_HOOK_STACK;
    } else if (strcasecmp(tt, "CHANGE_SET") == 0) {
        out->target = PP_HOOK_CHANGE_SET;
    } else if (strcasecmp(tt, "RESOURCE") == 0 || strcasecmp(tt, "CLOUD_CONTROL") == 0) {
        out->target = PP_HOOK_RESOURCE;
        out->cloud_control = 1;
    } else if (is_type_name(tt)) {
        out->target = PP_HOOK_RESOURCE;
    } else {
        return pp_err(err, PP_E_PARSE,
                      "requestData.targetType '%s' is not a resource type, RESOURCE, STACK or "
                      "CHANGE_SET", tt);
    }
    if (!*out->stack_id && out->target == PP_HOOK_RESOURCE)
        out->cloud_control = 1;

    json_t *model = NULL;
    if ((st = obj_member(rd, "targetModel", "requestData.", &model, err)) != PP_OK)
        return st;
    if (out->target == PP_HOOK_RESOURCE) {
        if (!is_type_name(out->target_name)) {
            if (is_type_name(out->target_type))
                out->target_name = out->target_type;
            else
                return pp_err(err, PP_E_PARSE,
                              "requestData.targetName must be a resource type such as "
                              "AWS::S3::Bucket");
        }
        if (out->action == PP_HOOK_ACT_NONE)
            return pp_err(err, PP_E_PARSE, "actionInvocationPoint is missing");
        if ((st = obj_member(model, "resourceProperties", "requestData.targetModel.",
                             &out->props, err)) != PP_OK ||
            (st = obj_member(model, "previousResourceProperties", "requestData.targetModel.",
                             &out->prev, err)) != PP_OK)
            return st;
        return PP_OK;
    }

    /* STACK / CHANGE_SET: the payload URL, or the payload inline for local tests. */
    json_t *pl = member(rd, "payload");
    if (pl && !json_is_null(pl) && !json_is_string(pl))
        return pp_err(err, PP_E_PARSE, "requestData.payload must be a URL string");
    if (json_is_string(pl) && json_string_length(pl) > 0)
        out->payload_url = json_string_value(pl);
    else if (model && (member(model, "template") || member(model, "changedResources")))
        out->inline_payload = model;
    else
        return pp_err(err, PP_E_PARSE, "requestData.payload (the presigned URL of the %s "
                      "payload) is missing", out->target == PP_HOOK_STACK ? "stack" : "change set");
    return PP_OK;
}

void pp_hook_req_free(pp_hook_req *r)
{
    if (!r)
        return;
    json_decref(r->root);
    memset(r, 0, sizeof *r);
}

/* ---- rendering ------------------------------------------------------------------------- */

/* The response (compact JSON, caller frees; NULL on NOMEM): the common members, then
 * "annotations" with the array body ann (already JSON, without brackets) unless ann is NULL. */
static char *response(const char *status, const char *code, const char *message,
                      const char *token, size_t max_msg, const pp_buf *ann)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    jout o = { &b, 0 };
    char *out = NULL;
    if (pp_buf_append(&b, "{", 1) == PP_OK && put_member(&o, "hookStatus", status, 64) == 0 &&
        (!code || put_member(&o, "errorCode", code, 64) == 0) &&
        put_member(&o, "message", message, max_msg) == 0 &&
        put_member(&o, "clientRequestToken", token ? token : "", 4096) == 0 &&
        (!ann || (pp_buf_puts(&b, ",\"annotations\":[") == PP_OK &&
                  (!ann->len || pp_buf_append(&b, ann->data, ann->len) == PP_OK) &&
                  pp_buf_append(&b, "]", 1) == PP_OK)) &&
        pp_buf_append(&b, "}", 1) == PP_OK)
        out = pp_buf_steal(&b);
    pp_buf_free(&b);
    return out;
}

char *pp_hook_render_failure(const char *token, int cloud_control, const char *message)
{
    size_t max = cloud_control ? PP_HOOK_MESSAGE_MAX_CC : PP_HOOK_MESSAGE_MAX;
    return response("FAILED", "InternalFailure", message, token, max, NULL);
}

/* Texts are built whole up to this size and cut to their field's limit afterwards (a capped
 * pp_buf would drop a long append entirely instead of cutting it). */
#define PP_HOOK_BUILD_CAP (1u << 20)

/* Per-rule tally while walking the findings. */
typedef struct rule_acc {
    const char *id;         /* the rule's id (the first finding's) */
    size_t n[6];            /* by pp_fstatus */
    size_t failing;         /* findings that fail the hook */
    pp_buf msg;             /* statusMessage lines, capped */
    const char *skip_reason;
} rule_acc;

/* One render: the tallies (one per rule that has a finding, indexed by rule id: built from
 * the findings, not from the rule set, whose 249 rules would cost more than the rest of the
 * render), the counts, and the two texts being built. */
typedef struct render {
    const pp_hook_render_in *in;
    rule_acc *acc;
    size_t nacc;
    pp_strmap index;        /* rule id → tally */
    size_t n_fail, n_err, n_warn;               /* failing FAIL/UNKNOWN, ERROR; warned UNKNOWN */
    size_t r_eval, r_failed, r_passed, r_skipped;   /* rules by annotation status */
    pp_buf m;               /* the summary message */
    pp_buf ann;             /* the annotations, without their brackets */
    int nomem;              /* a text append failed for want of memory */
} render;

/* Notes the result of a text append of the render. PP_E_LIMIT (the build cap) drops the
 * text, which the field's limit would cut anyway; PP_E_NOMEM must fail the render, or a
 * response would go out with words missing from its messages. */
static void note(pp_status st, int *nomem)
{
    if (st == PP_E_NOMEM)
        *nomem = 1;
}

/* Appends s followed by t (t may be NULL) as one piece: both, or (past the cap) neither, as
 * one printf of the two would. */
static pp_status put2(pp_buf *b, const char *s, const char *t)
{
    size_t sl = strlen(s), tl = t ? strlen(t) : 0;
    if (b->limit && (sl + tl > b->limit || b->len > b->limit - sl - tl))
        return PP_E_LIMIT;
    pp_status st = pp_buf_append(b, s, sl);
    return st == PP_OK && tl ? pp_buf_append(b, t, tl) : st;
}

/* Appends the n strings of part as one piece: all, or (past the cap) none, as one printf of
 * them would. */
static pp_status putv(pp_buf *b, const char *const *part, size_t n)
{
    size_t len[8], total = 0;
    for (size_t i = 0; i < n; i++)
        total += (len[i] = strlen(part[i]));
    if (b->limit && (total > b->limit || b->len > b->limit - total))
        return PP_E_LIMIT;
    pp_status st = PP_OK;
    for (size_t i = 0; i < n && st == PP_OK; i++)
        st = pp_buf_append(b, part[i], len[i]);
    return st;
}

static pp_status put3(pp_buf *b, const char *s, const char *t, const char *u)
{
    const char *part[] = { s, t, u };
    return putv(b, part, 3);
}

/* n in decimal into out (room for 24 bytes); returns the text. */
static const char *dec(char *out, size_t n)
{
    char *e = out + 23;
    *e = '\0';
    do
        *--e = (char)('0' + n % 10);
    while (n /= 10);
    return e;
}

/* " (line N)" into out (room for 32 bytes). */
static const char *line_text(char *out, unsigned line)
{
    char *e = out + 31;
    *e = '\0';
    *--e = ')';
    do
        *--e = (char)('0' + line % 10);
    while (line /= 10);
    memcpy(e - 7, " (line ", 7);
    return e - 7;
}

static void add_line(pp_buf *b, const pp_finding *f, const char *label, int *nomem)
{
    if (b->len > PP_HOOK_STATUS_MESSAGE_MAX)
        return;     /* already past what will be kept */
    if (b->len)
        note(pp_buf_puts(b, "; "), nomem);
    if (f->resource && *f->resource)
        note(put2(b, f->resource, ": "), nomem);
    if (label)
        note(pp_buf_puts(b, label), nomem);
    note(pp_buf_puts(b, f->message && *f->message ? f->message : "(no message)"), nomem);
    char ln[32];
    if (f->line)
        note(pp_buf_puts(b, line_text(ln, f->line)), nomem);
}

/* Up to this many tallies they are found by comparing ids, and R->index is empty; past it
 * R->index holds every tally. */
#define TALLY_LINEAR 8

/* The tally of rule id, a new one when there is none; NULL on NOMEM. */
static rule_acc *tally_of(render *R, const char *id)
{
    if (R->nacc <= TALLY_LINEAR) {  /* a few tallies: comparing beats hashing (annotations()) */
        for (size_t j = 0; j < R->nacc; j++)
            if (R->acc[j].id == id || (R->acc[j].id[0] == id[0] && strcmp(R->acc[j].id, id) == 0))
                return &R->acc[j];
        if (R->nacc == TALLY_LINEAR) {   /* from now on the index: it gets the ones so far */
            for (size_t j = 0; j < R->nacc; j++)
                if (pp_strmap_put(&R->index, R->acc[j].id, j) != 0)
                    return NULL;
        }
    } else {
        size_t i = pp_strmap_get(&R->index, id);
        if (i != (size_t)-1)
            return &R->acc[i];
    }
    if (R->nacc >= TALLY_LINEAR && pp_strmap_put(&R->index, id, R->nacc) != 0)
        return NULL;
    rule_acc *a = &R->acc[R->nacc++];
    a->id = id;
    pp_buf_init(&a->msg, PP_HOOK_BUILD_CAP);
    return a;
}

/* Walks the findings: the counts, and per rule its statuses, lines and skip reason. */
static int tally(render *R)
{
    const pp_hook_render_in *in = R->in;
    const pp_report *rep = in->rep;
    for (size_t i = 0; i < rep->nf; i++) {
        const pp_finding *f = &rep->f[i];
        rule_acc *a = NULL;
        if (f->rule_id && !(a = tally_of(R, f->rule_id)))
            return -1;
        int fails = pp_check_fails(f, in->fail_on, in->unknown);
        if (fails && f->status == PP_ST_ERROR)
            R->n_err++;
        else if (fails)
            R->n_fail++;
        if (f->status == PP_ST_UNKNOWN && in->unknown == PP_UNKNOWN_WARN)
            R->n_warn++;
        if (!a)
            continue;
        if ((unsigned)f->status < 6)
            a->n[f->status]++;
        a->failing += (size_t)fails;
        switch (f->status) {
        case PP_ST_FAIL: add_line(&a->msg, f, NULL, &R->nomem); break;
        case PP_ST_ERROR: add_line(&a->msg, f, "rule error: ", &R->nomem); break;
        case PP_ST_UNKNOWN:
            add_line(&a->msg, f, in->unknown == PP_UNKNOWN_FAIL ? "unknown: "
                                 : in->unknown == PP_UNKNOWN_WARN ? "warning, unknown: "
                                                                  : "unknown (passed): ",
                     &R->nomem);
            break;
        case PP_ST_SUPPRESSED:
            if (!a->skip_reason)
                a->skip_reason = f->suppress_reason ? f->suppress_reason : "suppressed";
            break;
        case PP_ST_SKIP:
            if (!a->skip_reason)
                a->skip_reason = f->message;
            break;
        case PP_ST_PASS: break;
        }
    }
    return 0;
}

/* a->msg of a PASSED rule: "passed on N resource(s)", then its lines (unknowns that passed),
 * or nothing when the two do not fit the build cap together. */
static void passed_message(rule_acc *a, int *nomem)
{
    size_t n = a->n[PP_ST_PASS] + a->n[PP_ST_UNKNOWN];
    char head[64], num[24];
    const char *d = dec(num, n);
    size_t dl = strlen(d);
    memcpy(head, "passed on ", 10);
    memcpy(head + 10, d, dl);
    memcpy(head + 10 + dl, n == 1 ? " resource" : " resources", n == 1 ? 10 : 11);
    size_t hl = strlen(head);
    pp_buf nb;
    pp_buf_init(&nb, PP_HOOK_BUILD_CAP);
    if (!a->msg.len) {
        note(pp_buf_append(&nb, head, hl), nomem);
    } else if (hl + 2 + a->msg.len <= PP_HOOK_BUILD_CAP) {
        note(pp_buf_append(&nb, head, hl), nomem);
        note(pp_buf_append(&nb, "; ", 2), nomem);
        note(pp_buf_append(&nb, a->msg.data, a->msg.len), nomem);
    }
    pp_buf_free(&a->msg);
    a->msg = nb;
}

/* The annotation of rule ri from its tally a (a rule without findings has none). Returns 0,
 * -1 on NOMEM. */
static int annotation(render *R, const pp_rule_info *ri, rule_acc *a)
{
    const pp_hook_render_in *in = R->in;
    R->r_eval++;
    const char *status;
    int bad = a->n[PP_ST_FAIL] || a->n[PP_ST_ERROR] ||
              (a->n[PP_ST_UNKNOWN] && in->unknown == PP_UNKNOWN_FAIL);
    if (bad) {
        status = "FAILED";
        R->r_failed++;
    } else if (a->n[PP_ST_PASS] || a->n[PP_ST_UNKNOWN]) {
        status = "PASSED";
        R->r_passed++;
        passed_message(a, &R->nomem);
    } else {
        status = "SKIPPED";
        R->r_skipped++;
        const char *part[] = { a->n[PP_ST_SUPPRESSED] ? "suppressed" : "not applicable", ": ",
                               a->skip_reason ? a->skip_reason : "no reason given" };
        note(putv(&a->msg, part, 3), &R->nomem);
    }
    if (R->nomem)
        return -1;
    jout an = { &R->ann, 0 };
    if (pp_buf_append(&R->ann, R->ann.len ? ",{" : "{", R->ann.len ? 2 : 1) != PP_OK ||
        put_member(&an, "annotationName", ri->id, PP_HOOK_ANNOTATION_NAME_MAX) != 0 ||
        put_member(&an, "status", status, 16) != 0 ||
        put_member(&an, "statusMessage", a->msg.data ? a->msg.data : "",
                   PP_HOOK_STATUS_MESSAGE_MAX) != 0)
        return -1;
    if (bad && ri->fix && *ri->fix &&
        put_member(&an, "remediationMessage", ri->fix, PP_HOOK_REMEDIATION_MAX) != 0)
        return -1;
    if (bad && ri->docs && *ri->docs && strlen(ri->docs) <= PP_HOOK_LINK_MAX &&
        put_member(&an, "remediationLink", ri->docs, PP_HOOK_LINK_MAX) != 0)
        return -1;
    if (put_member(&an, "severityLevel", pp_hook_severity_level(ri->severity), 16) != 0 ||
        pp_buf_append(&R->ann, "}", 1) != PP_OK)
        return -1;
    return 0;
}

/* Annotations, in rule order: one per rule with a finding. */
static int annotations(render *R)
{
    const pp_hook_render_in *in = R->in;
    for (size_t i = 0; i < in->nrules; i++) {
        const pp_rule_info *ri = &in->rules[i];
        size_t k = (size_t)-1;
        if (ri->id && R->nacc <= TALLY_LINEAR) {   /* R->index is empty (tally_of) */
            for (size_t j = 0; j < R->nacc && k == (size_t)-1; j++)
                if (R->acc[j].id == ri->id ||
                    (R->acc[j].id[0] == ri->id[0] && strcmp(R->acc[j].id, ri->id) == 0))
                    k = j;
        } else if (ri->id) {
            k = pp_strmap_get(&R->index, ri->id);
        }
        if (k == (size_t)-1)
            continue;       /* no finding: the rule names no type present, not evaluated */
        rule_acc *a = &R->acc[k];
        size_t total = 0;
        for (int s = 0; s < 6; s++)
            total += a->n[s];
        if (total == 0)
            continue;
        if (annotation(R, ri, a) != 0)
            return -1;
    }
    return 0;
}

/* The failing findings, most severe first, after the message's first sentence, until the
 * message is longer than max. */
static void failing_lines(render *R, size_t max)
{
    const pp_hook_render_in *in = R->in;
    const pp_report *rep = in->rep;
    pp_buf *m = &R->m;
    char ln[32];
    for (int sev = PP_SEV_CRITICAL; sev >= (int)PP_SEV_INFO && m->len < max; sev--) {
        for (size_t i = 0; i < rep->nf && m->len < max; i++) {
            const pp_finding *f = &rep->f[i];
            if ((int)f->severity != sev || !pp_check_fails(f, in->fail_on, in->unknown))
                continue;
            const char *part[] = { " [", pp_hook_severity_level(f->severity), "] ",
                                   f->rule_id ? f->rule_id : "?" };
            note(putv(m, part, 4), &R->nomem);
            if (f->resource && *f->resource)
                note(put2(m, " ", f->resource), &R->nomem);
            if (f->line)
                note(pp_buf_puts(m, line_text(ln, f->line)), &R->nomem);
            const char *label = f->status == PP_ST_ERROR     ? ": rule error: "
                                : f->status == PP_ST_UNKNOWN ? ": unknown: "
                                                             : ": ";
            if (!m->limit || strlen(label) + strlen(f->message ? f->message : "") + 1 <=
                                 m->limit - m->len) {
                note(put2(m, label, f->message ? f->message : ""), &R->nomem);
                note(pp_buf_puts(m, "."), &R->nomem);
            }
        }
    }
}

/* The summary message; sets *status, *code and *verdict. */
static void summary(render *R, const char **status, const char **code, pp_hook_verdict *verdict,
                    size_t max)
{
    const pp_hook_render_in *in = R->in;
    const char *what = in->what && *in->what ? in->what : "the target";
    pp_buf *m = &R->m;
    char n1[24], n2[24];
    *code = NULL;
    if (!in->failing) {
        *verdict = PP_HOOK_SUCCESS;
        *status = "SUCCESS";
        const char *part[] = { "Parapet: compliant. ", what, ": ", dec(n1, R->r_eval),
                               R->r_eval == 1 ? " rule" : " rules", " evaluated, ",
                               dec(n2, R->r_passed), " passed" };
        note(putv(m, part, 8), &R->nomem);
        if (R->r_skipped)
            note(put3(m, ", ", dec(n1, R->r_skipped), " skipped"), &R->nomem);
        if (R->r_failed)
            note(put3(m, ", ", dec(n1, R->r_failed), " failed below the fail-on severity"),
                 &R->nomem);
        if (R->n_warn)
            note(put3(m, ", ", dec(n1, R->n_warn), " unknown (warn)"), &R->nomem);
        note(pp_buf_puts(m, "."), &R->nomem);
        return;
    }
    *status = "FAILED";
    if (R->n_fail || !R->n_err) {
        *verdict = PP_HOOK_NONCOMPLIANT;
        *code = "NonCompliant";
        const char *part[] = { "Parapet: non-compliant. ", what, ": ", dec(n1, R->r_failed),
                               " of ", dec(n2, R->r_eval),
                               R->r_eval == 1 ? " rule failed." : " rules failed." };
        note(putv(m, part, 7), &R->nomem);
    } else {
        *verdict = PP_HOOK_INTERNAL_FAILURE;
        *code = "InternalFailure";
        const char *part[] = { "Parapet could not evaluate ", what, ": ", dec(n1, R->n_err),
                               R->n_err == 1 ? " rule error." : " rule errors." };
        note(putv(m, part, 5), &R->nomem);
    }
    failing_lines(R, max);
}

char *pp_hook_render(const pp_hook_render_in *in, pp_hook_verdict *verdict)
{
    const pp_report *rep = in->rep;
    size_t max_msg = in->req->cloud_control ? PP_HOOK_MESSAGE_MAX_CC : PP_HOOK_MESSAGE_MAX;
    render R = { .in = in };
    R.acc = calloc(rep->nf ? rep->nf : 1, sizeof *R.acc);
    pp_strmap_init(&R.index);
    pp_buf_init(&R.m, PP_HOOK_BUILD_CAP);
    pp_buf_init(&R.ann, 0);
    char *out = NULL;
    const char *status, *code;
    if (!R.acc || tally(&R) != 0 || R.nomem || annotations(&R) != 0)
        goto done;
    summary(&R, &status, &code, verdict, max_msg);
    if (R.nomem || (!R.m.data && pp_buf_puts(&R.m, "") != PP_OK))
        goto done;
    out = response(status, code, R.m.data, in->req->token, max_msg, &R.ann);
done:
    pp_strmap_free(&R.index);
    pp_buf_free(&R.ann);
    pp_buf_free(&R.m);
    for (size_t i = 0; R.acc && i < R.nacc; i++)
        pp_buf_free(&R.acc[i].msg);
    free(R.acc);
    return out;
}
