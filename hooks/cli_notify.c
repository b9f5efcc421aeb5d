/* cli_notify.c — `parapet notify`: explain a failed deployment and post it to Slack, Teams or
 * a webhook through the state database's outbox (hooks/notify.h).
 *
 * Data flow: FILE… / stdin → advisor (events → root causes → KB) → explain JSON → optional
 * Bedrock enrichment (advisor/ai.h) → pp_notify_queue → pp_notify_flush. `--flush` skips the
 * first steps and only drains what earlier runs left pending for this destination.
 *
 * Exit status: 0 every message delivered (or delivered by an earlier run), 1 a message is
 * still undelivered or was refused, 2 usage or input error (nothing queued).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisor/ai.h"
#include "advisor/event.h"
#include "advisor/explain.h"
#include "advisor/kb.h"
#include "engine/net/http.h"
#include "engine/store/state.h"
#include "engine/base/util.h"
#include "hooks/cli.h"
#include "hooks/ai_opts.h"
#include "hooks/notify.h"

#define PP_NOTIFY_MAX_FILES 256
#define PP_NOTIFY_URL_MAX 8192
#define PP_NOTIFY_DEFAULT_DEADLINE_S 300

/* Reads a secret from a file: first line, trimmed. NULL with a message on failure. */
static char *read_secret_file(const char *cmd, const char *path)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    pp_status st = pp_read_file(path, PP_NOTIFY_URL_MAX, &buf, &len, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet %s: %s\n", cmd, err ? err : pp_status_name(st));
        free(err);
        return NULL;
    }
    char *nl = strpbrk(buf, "\r\n");
    if (nl)
        *nl = '\0';
    char *s = buf;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    char *out = n ? pp_strdup(s) : NULL;
    if (!n)
        fprintf(stderr, "parapet %s: %s is empty\n", cmd, path);
    free(buf);
    return out;
}

/* What the command line chose. */
typedef struct notify_args {
    pp_notify_cfg cfg;
    pp_ai_cfg ai;
    const char *files[PP_NOTIFY_MAX_FILES];
    size_t nfiles;
    const char *url_opt, *url_file, *state_path, *kbopt;
    int flush_only;
    long deadline_s;
} notify_args;

/* One option or argument of `notify` (hooks/opt.h). */
static int notify_opt(void *ctx, const pp_opts *p)
{
    notify_args *a = ctx;
    switch (p->id) {
    case PP_O_TO: a->cfg.target = (pp_chat_target)pp_chat_target_parse(p->val); return 0;
    case PP_O_URL: a->url_opt = p->val; return 0;
    case PP_O_URL_FILE: a->url_file = p->val; return 0;
    case PP_O_STATE: a->state_path = p->val; return 0;
    case PP_O_KB: a->kbopt = p->val; return 0;
    case PP_O_FLUSH: a->flush_only = 1; return 0;
    case PP_O_QUIET: a->cfg.quiet = 1; return 0;
    case PP_O_MAX_ATTEMPTS: a->cfg.max_attempts = (unsigned)p->num; return 0;
    case PP_O_TIMEOUT_MS: a->cfg.timeout_ms = p->num; return 0;
    case PP_O_DEADLINE_S: a->deadline_s = p->num; return 0;
    case PP_O_ARG: return pp_opts_push(p, a->files, &a->nfiles, PP_NOTIFY_MAX_FILES);
    default: return -1;
    }
}

/* The destination URL (--url-file, --url, PARAPET_NOTIFY_URL) into *url (caller frees) and
 * the rules between the options. -1 to go on, else 2 after a message. */
static int notify_check_args(notify_args *a, char **url)
{
    char *err = NULL;
    if ((int)a->cfg.target < 0)
        return pp_cli_usage("notify", "--to slack|teams|webhook is required");
    const char *env = getenv("PARAPET_NOTIFY_URL");
    if (a->url_file) {
        if (!(*url = read_secret_file("notify", a->url_file)))
            return 2;
    } else if (a->url_opt) {
        *url = pp_strdup(a->url_opt);
    } else if (env && *env) {
        *url = pp_strdup(env);
    }
    if (!*url)
        return pp_cli_usage("notify", "--url, --url-file or PARAPET_NOTIFY_URL is required");
    if (pp_notify_url_ok(*url, &err) != 0) {
        pp_cli_usage("notify", "%s", err);
        free(err);
        return 2;
    }
    if (a->flush_only && a->nfiles)
        return pp_cli_usage("notify", "--flush takes no input files");
    if (!a->flush_only && a->nfiles == 0) {
        if (isatty(STDIN_FILENO)) {
            pp_opts_usage(PP_CMD_NOTIFY, stderr);
            return 2;
        }
        a->files[a->nfiles++] = "-";
    }
    return -1;
}

/* The explain document of the input files, enriched by Bedrock when asked: *doc (caller
 * frees). 0, or 2 after a message. */
static int notify_explain(notify_args *a, pp_state *st, json_t **doc)
{
    int rc = 2;
    char *err = NULL;
    pp_evset set;
    pp_evset_init(&set, NULL);
    pp_kb *kb = pp_cli_open_kb(a->kbopt, &rc);
    if (!kb)
        goto done;
    pp_status s = PP_OK;
    for (size_t i = 0; i < a->nfiles && s == PP_OK; i++)
        s = pp_evset_ingest_file(&set, a->files[i], &err);
    for (size_t i = 0; i < set.nwarn && !a->cfg.quiet; i++)
        fprintf(stderr, "parapet: warning: %s\n", set.warnings[i]);
    if (s != PP_OK) {
        fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
        rc = 2;
        goto done;
    }
    pp_explain x;
    if (pp_explain_run(&set, kb, &x) != PP_OK) {
        fprintf(stderr, "parapet notify: out of memory\n");
        rc = 2;
        goto done;
    }
    *doc = pp_explain_json(&x);
    if (*doc && a->ai.enabled)
        pp_ai_enrich(*doc, &x, &a->ai, st, a->cfg.quiet);
    pp_explain_free(&x);
    rc = *doc ? 0 : 2;
    if (!*doc)
        fprintf(stderr, "parapet notify: out of memory\n");
done:
    free(err);
    pp_kb_free(kb);
    pp_evset_free(&set);
    return rc;
}

/* Queues doc (when there is one) and drains the outbox. The exit code. */
static int notify_deliver(pp_state *st, const pp_notify_cfg *cfg, json_t *doc)
{
    pp_notify_result res = { 0 };
    char *err = NULL;
    pp_http_client *http = NULL;
    int rc = 2;
    pp_status s = doc ? pp_notify_queue(st, cfg, doc, &res, &err) : PP_OK;
    if (s != PP_OK) {
        fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
        goto done;
    }
    rc = 1;
    if (pp_http_global_init() != PP_OK || !(http = pp_http_client_new())) {
        fprintf(stderr, "parapet notify: libcurl failed to initialise\n");
        goto done;
    }
    s = pp_notify_flush(st, cfg, http, &res, &err);
    if (s != PP_OK) {
        fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
        goto done;
    }
    if (!cfg->quiet)
        fprintf(stderr, "parapet notify: %zu queued, %zu already sent, %zu delivered, %zu "
                        "refused, %zu pending (%s)\n", res.queued, res.duplicate, res.delivered,
                res.failed, res.pending, pp_chat_target_name(cfg->target));
    rc = (res.pending || res.failed) ? 1 : 0;
done:
    free(err);
    pp_http_client_free(http);
    return rc;
}

int pp_cli_notify(int argc, char **argv)
{
    notify_args *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "parapet notify: out of memory\n");
        return 2;
    }
    a->cfg.target = (pp_chat_target)-1;
    a->deadline_s = PP_NOTIFY_DEFAULT_DEADLINE_S;
    pp_ai_cfg_init(&a->ai);
    char *url = NULL, *def_state = NULL, *err = NULL;
    pp_state *st = NULL;
    json_t *doc = NULL;
    pp_opt_taker takers[] = {{pp_ai_cli_opt, &a->ai}, {notify_opt, a}};
    int rc = pp_opts_parse(PP_CMD_NOTIFY, argc, argv, takers, PP_ARRAY_LEN(takers));
    if (rc < 0)
        rc = notify_check_args(a, &url);
    if (rc >= 0)
        goto done;
    a->cfg.url = url;
    a->cfg.deadline_ms = pp_now_ms() + (uint64_t)a->deadline_s * 1000u;
    pp_notify_cfg_defaults(&a->cfg);
    const char *state_path = a->state_path;
    if (!state_path)
        state_path = def_state = pp_state_default_location();
    pp_status s = pp_state_open(state_path, &st, &err);
    if (s != PP_OK) {
        fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
        rc = 2;
        goto done;
    }
    rc = a->flush_only ? 0 : notify_explain(a, st, &doc);
    if (rc == 0)
        rc = notify_deliver(st, &a->cfg, doc);
done:
    json_decref(doc);
    pp_state_close(st);
    pp_ai_cfg_free(&a->ai);
    free(url);
    free(def_state);
    free(err);
    free(a);
    return rc;
}
