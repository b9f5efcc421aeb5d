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

static const char usage[] =
    "usage: parapet notify --to slack|teams|webhook (--url URL | --url-file F) [OPTIONS]\n"
    "                      [--flush] [FILE...|-]\n"
    "Explains the failure in FILE... (as `parapet explain` reads them) and posts one message\n"
    "per failing stack or service. Messages go through an outbox in the state database: each\n"
    "is stored before it is sent and marked delivered when the receiver accepts it; the same\n"
    "failure is never posted twice to one destination.\n"
    "  --to slack|teams|webhook   Slack Block Kit, Teams Adaptive Card (Workflows), or the\n"
    "                             explain JSON\n"
    "  --url URL                  the incoming-webhook URL (or PARAPET_NOTIFY_URL; it is a\n"
    "                             secret: prefer --url-file or the environment)\n"
    "  --url-file F               read the URL from F\n"
    "  --state LOCATION           state store: a SQLite file or dynamodb://TABLE (or\n"
    "                             PARAPET_STATE; default $XDG_STATE_HOME/parapet/state.db or\n"
    "                             ~/.local/state/parapet/state.db); --state-db F is an alias\n"
    "  --flush                    only deliver what earlier runs left pending\n"
    "  --kb FILE                  knowledge base (as for explain)\n"
    "  --max-attempts N           attempts per message in this run (default 6)\n"
    "  --timeout-ms N             per attempt (default 10000)\n"
    "  --deadline-s N             for the whole delivery (default 300)\n"
    "  --quiet                    no progress lines\n"
    PP_AI_CLI_HELP
    "Exit: 0 delivered (now or before), 1 a message is undelivered, 2 usage or input error.\n";

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

int pp_cli_notify(int argc, char **argv)
{
    pp_notify_cfg cfg = { .target = (pp_chat_target)-1 };
    pp_ai_cfg ai;
    pp_ai_cfg_init(&ai);
    const char *files[PP_NOTIFY_MAX_FILES];
    size_t nfiles = 0;
    const char *url_opt = NULL, *url_file = NULL, *state_path = NULL, *kbopt = NULL;
    int flush_only = 0, rc = 2;
    long deadline_s = PP_NOTIFY_DEFAULT_DEADLINE_S;
    char *url = NULL, *def_state = NULL, *err = NULL;
    pp_state *st = NULL;
    pp_kb *kb = NULL;
    pp_http_client *http = NULL;
    json_t *doc = NULL;
    pp_evset set;
    pp_evset_init(&set, NULL);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        long v;
        int r = pp_ai_cli_arg(&ai, argc, argv, &i);
        if (r < 0)
            goto done;
        if (r > 0)
            continue;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            rc = 0;
            goto done;
        } else if (strcmp(a, "--to") == 0 && has) {
            cfg.target = (pp_chat_target)pp_chat_target_parse(argv[++i]);
            if ((int)cfg.target < 0) {
                rc = pp_cli_usage("notify", "--to expects slack, teams or webhook");
                goto done;
            }
        } else if (strcmp(a, "--url") == 0 && has) {
            url_opt = argv[++i];
        } else if (strcmp(a, "--url-file") == 0 && has) {
            url_file = argv[++i];
        } else if ((strcmp(a, "--state") == 0 || strcmp(a, "--state-db") == 0) && has) {
            state_path = argv[++i];
        } else if (strcmp(a, "--kb") == 0 && has) {
            kbopt = argv[++i];
        } else if (strcmp(a, "--flush") == 0) {
            flush_only = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg.quiet = 1;
        } else if (strcmp(a, "--max-attempts") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, 100, &v) != 0) {
                rc = pp_cli_usage("notify", "--max-attempts expects 1..100");
                goto done;
            }
            cfg.max_attempts = (unsigned)v;
        } else if (strcmp(a, "--timeout-ms") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, 600000, &v) != 0) {
                rc = pp_cli_usage("notify", "--timeout-ms expects 1..600000");
                goto done;
            }
            cfg.timeout_ms = v;
        } else if (strcmp(a, "--deadline-s") == 0 && has) {
            if (pp_parse_long(argv[++i], 1, 86400, &deadline_s) != 0) {
                rc = pp_cli_usage("notify", "--deadline-s expects 1..86400");
                goto done;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = pp_cli_usage("notify", "unknown or incomplete option '%s' (see parapet notify "
                              "--help)", a);
            goto done;
        } else {
            if (nfiles == PP_NOTIFY_MAX_FILES) {
                rc = pp_cli_usage("notify", "at most %d files", PP_NOTIFY_MAX_FILES);
                goto done;
            }
            files[nfiles++] = a;
        }
    }
    if ((int)cfg.target < 0) {
        rc = pp_cli_usage("notify", "--to slack|teams|webhook is required");
        goto done;
    }
    if (url_file) {
        if (!(url = read_secret_file("notify", url_file)))
            goto done;
    } else if (url_opt) {
        url = pp_strdup(url_opt);
    } else if (getenv("PARAPET_NOTIFY_URL") && *getenv("PARAPET_NOTIFY_URL")) {
        url = pp_strdup(getenv("PARAPET_NOTIFY_URL"));
    }
    if (!url) {
        rc = pp_cli_usage("notify", "--url, --url-file or PARAPET_NOTIFY_URL is required");
        goto done;
    }
    if (pp_notify_url_ok(url, &err) != 0) {
        rc = pp_cli_usage("notify", "%s", err);
        goto done;
    }
    if (flush_only && nfiles) {
        rc = pp_cli_usage("notify", "--flush takes no input files");
        goto done;
    }
    if (!flush_only && nfiles == 0) {
        if (isatty(STDIN_FILENO)) {
            fputs(usage, stderr);
            goto done;
        }
        files[nfiles++] = "-";
    }
    cfg.url = url;
    cfg.deadline_ms = pp_now_ms() + (uint64_t)deadline_s * 1000u;
    pp_notify_cfg_defaults(&cfg);

    if (!state_path) {
        def_state = pp_state_default_location();
        state_path = def_state;
    }
    pp_status s = pp_state_open(state_path, &st, &err);
    if (s != PP_OK) {
        fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
        goto done;
    }

    if (!flush_only) {
        kb = pp_cli_open_kb(kbopt, &rc);
        if (!kb)
            goto done;
        for (size_t i = 0; i < nfiles && s == PP_OK; i++)
            s = pp_evset_ingest_file(&set, files[i], &err);
        for (size_t i = 0; i < set.nwarn && !cfg.quiet; i++)
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
        doc = pp_explain_json(&x);
        if (doc && ai.enabled)
            pp_ai_enrich(doc, &x, &ai, st, cfg.quiet);
        pp_explain_free(&x);
        if (!doc) {
            fprintf(stderr, "parapet notify: out of memory\n");
            rc = 2;
            goto done;
        }
    }

    pp_notify_result res = { 0 };
    if (doc) {
        s = pp_notify_queue(st, &cfg, doc, &res, &err);
        if (s != PP_OK) {
            fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
            rc = 2;
            goto done;
        }
    }
    if (pp_http_global_init() != PP_OK || !(http = pp_http_client_new())) {
        fprintf(stderr, "parapet notify: libcurl failed to initialise\n");
        rc = 1;
        goto done;
    }
    s = pp_notify_flush(st, &cfg, http, &res, &err);
    if (s != PP_OK) {
        fprintf(stderr, "parapet notify: %s\n", err ? err : pp_status_name(s));
        rc = 1;
        goto done;
    }
    if (!cfg.quiet)
        fprintf(stderr, "parapet notify: %zu queued, %zu already sent, %zu delivered, %zu "
                        "refused, %zu pending (%s)\n", res.queued, res.duplicate, res.delivered,
                res.failed, res.pending, pp_chat_target_name(cfg.target));
    rc = (res.pending || res.failed) ? 1 : 0;
done:
    json_decref(doc);
    pp_http_client_free(http);
    pp_kb_free(kb);
    pp_evset_free(&set);
    pp_state_close(st);
    pp_ai_cfg_free(&ai);
    free(url);
    free(def_state);
    free(err);
    return rc;
}
