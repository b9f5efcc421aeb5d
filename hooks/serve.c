/* serve.c — `parapet serve`: the hook endpoint and the check API over HTTP (libmicrohttpd).
 * This file: options, start-up, and each connection's life (route, method, token, body);
 * the rest is in serve_routes.c, serve_slack.c, serve_metrics.c and serve_body.c
 * (serve_int.h).
 *
 * Routes: POST /hook (Lambda-hook request → hook response), POST /v1/check (template → check
 * json), POST /slack/command (Slack slash command `/parapet why STACK`, answered from the state
 * database; authenticated by Slack's request signature, not the bearer token), GET /healthz,
 * GET /metrics (Prometheus text). Data flow per request: the main thread accepts the
 * connection and hands it to the worker (serve_lanes.c) holding the fewest → that worker's
 * MHD daemon → body collected under a 6 MiB cap → that thread's own pp_ruleset (built on its
 * first request, freed when the thread ends) → cfn_hook / engine → response.
 *
 * Shared state is read-only after start (options, token) except the metrics, which are
 * atomic counters. A bearer token is required on every route but /healthz when one is
 * configured, and serve refuses to listen on a non-loopback address without one. SIGTERM or
 * SIGINT stop accepting, let running requests finish and exit 0.
 *
 * Hostile clients (docs/hook.md, "Limits"): at most --max-connections open at once (the
 * accepting thread stops beyond, the kernel's backlog holds the rest); a connection idle for
 * --idle-timeout-s is closed; a request whose body has not fully arrived --request-timeout-s
 * after its headers is closed (a body trickled a byte at a time never goes idle); every body
 * may buffer PP_SERVE_BODY_FREE bytes, and beyond that draws from one shared budget
 * (--max-body-memory-mib) or gets 503. Memory is therefore bounded by
 * connections x (MHD's 32 KiB + PP_SERVE_BODY_FREE) + the body budget + one Lua state per thread.
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/net/http.h"
#include "engine/store/state.h"
#include "engine/base/util.h"
#include "hooks/cli.h"
#include "hooks/hook_opts.h"
#include "hooks/serve_lanes.h"
#include "hooks/serve_int.h"

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    pp_server *s = cls;
    pp_serve_conn *k = *con_cls;
    if (!k) {
        k = calloc(1, sizeof *k);
        if (!k)
            return MHD_NO;
        *con_cls = k;
        k->t0_us = pp_now_us();
        k->route = pp_serve_route_of(url);
        pp_buf_init(&k->body, s->max_body);
        if (k->route == R_OTHER)
            return pp_serve_reply_error(s, k, c, MHD_HTTP_NOT_FOUND, "not_found", "no such route");
        int is_post = strcmp(method, "POST") == 0;
        int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
        int want_post = k->route == R_HOOK || k->route == R_CHECK || k->route == R_SLACK;
        if (want_post ? !is_post : !is_get) {
            return pp_serve_reply(s, k, c, MHD_HTTP_METHOD_NOT_ALLOWED, "application/json",
                         pp_serve_error_body("method_not_allowed",
                                             want_post ? "use POST" : "use GET"),
                         MHD_HTTP_HEADER_ALLOW, want_post ? "POST" : "GET, HEAD");
        }
        /* Slack cannot send our bearer token: its requests carry their own signature. */
        if (s->token && k->route != R_HEALTHZ && k->route != R_SLACK && !pp_serve_authorized(s, c))
            return pp_serve_reply_error(s, k, c, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                               "a valid bearer token is required");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        long clen;
        if (cl && pp_parse_long(cl, 0, 0x7fffffffL, &clen) == 0 && (size_t)clen > s->max_body)
            return pp_serve_reply_error(s, k, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                               "request body larger than the limit");
        if (cl && pp_parse_long(cl, 0, 0x7fffffffL, &clen) != 0)
            return pp_serve_reply_error(s, k, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                               "request body larger than the limit");
        return MHD_YES;
    }
    if (*upload_size && s->request_timeout_s &&
        pp_now_us() - k->t0_us > (uint64_t)s->request_timeout_s * 1000000u) {
        /* MHD cannot queue a response in the middle of a body: close the connection. */
        atomic_fetch_add(&s->m.dropped[D_REQUEST_TIMEOUT], 1);
        return MHD_NO;
    }
    if (k->responded) {
        *upload_size = 0;   /* an early answer was queued; drop the rest of the body */
        return MHD_YES;
    }
    if (*upload_size) {
        pp_serve_body_take(s, k, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (k->too_big)
        return pp_serve_reply_error(s, k, c, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                           "request body larger than the limit");
    if (k->busy) {
        atomic_fetch_add(&s->m.dropped[D_BODY_MEMORY], 1);
        return pp_serve_reply(s, k, c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
                     pp_serve_error_body("busy",
                                         "request bodies in flight use all the buffer memory; "
                                        "retry"),
                     MHD_HTTP_HEADER_RETRY_AFTER, "1");
    }
    switch (k->route) {
    case R_HOOK:
        return pp_serve_do_hook(s, k, c);
    case R_CHECK:
        return pp_serve_do_check(s, k, c);
    case R_SLACK:
        return pp_serve_do_slack(s, k, c);
    case R_HEALTHZ:
        return pp_serve_reply(s, k, c, MHD_HTTP_OK, "application/json",
                     pp_strdup("{\"status\":\"ok\"}"), NULL, NULL);
    case R_METRICS:
        return pp_serve_reply(s, k, c, MHD_HTTP_OK, "text/plain; version=0.0.4",
                              pp_serve_metrics_text(s),
                     NULL, NULL);
    default:
        return pp_serve_reply_error(s, k, c, MHD_HTTP_NOT_FOUND, "not_found", "no such route");
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    pp_serve_conn *k = *con_cls;
    if (!k)
        return;
    pp_serve_body_release(cls, k);
    free(k);
    *con_cls = NULL;
}

/* ---- start-up -------------------------------------------------------------------------- */

static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
            return 1;
        if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
            return a->sin6_addr.s6_addr[12] == 127;
    }
    return 0;
}

/* "ADDR:PORT", "[V6]:PORT", ":PORT" (all addresses). Fills *out; 0 or -1 with a message. */
static int parse_listen(const char *spec, struct sockaddr_storage *out, socklen_t *olen)
{
    char host[256];
    const char *port;
    if (spec[0] == '[') {
        const char *e = strchr(spec, ']');
        if (!e || e[1] != ':' || (size_t)(e - spec - 1) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(e - spec - 1), spec + 1);
        port = e + 2;
    } else {
        const char *e = strrchr(spec, ':');
        if (!e || (size_t)(e - spec) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(e - spec), spec);
        port = e + 1;
    }
    long pv;
    if (pp_parse_long(port, 0, 65535, &pv) != 0)
        return -1;
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
    struct addrinfo *res = NULL;
    if (getaddrinfo(*host ? host : NULL, port, &hints, &res) != 0 || !res)
        return -1;
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *olen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

typedef struct trim_state {
    pp_lanes *lanes;
    unsigned peak;
} trim_state;

/* After a burst of connections has drained (open connections fell below half the peak seen
 * since the last trim), hands the free pages of every malloc arena back to the system:
 * glibc keeps freed connection pools and bodies mapped otherwise. Runs on the main thread
 * every PP_SERVE_TRIM_EVERY_S, outside any request. */
static void trim_after_peak(void *cls)
{
    trim_state *t = cls;
    unsigned now = pp_lanes_connections(t->lanes);
    if (now > t->peak) {
        t->peak = now;
    } else if (t->peak >= PP_SERVE_TRIM_MIN_PEAK && now < t->peak / 2) {
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        t->peak = now;
    }
}

/* One lane's daemon (serve_lanes.h): the handlers and per-connection limits. */
static struct MHD_Daemon *start_lane(void *cls, unsigned flags,
                                     MHD_NotifyConnectionCallback notify, void *notify_cls)
{
    pp_server *s = cls;
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->idle_s,
                            MHD_OPTION_CONNECTION_LIMIT, s->lane_conns,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                            MHD_OPTION_END);
}

/* Every connection is a descriptor: raises the soft RLIMIT_NOFILE towards the hard one so that
 * *max_conns connections fit next to PP_SERVE_FD_RESERVE others, or lowers *max_conns to what
 * fits, with a warning. -1 when not even a few connections fit. */
static int fit_connections(long *max_conns)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;   /* unknown: let MHD find out */
    rlim_t want = (rlim_t)*max_conns + PP_SERVE_FD_RESERVE;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rlim_t cur = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            rl.rlim_cur = cur;
        if (rl.rlim_cur < want) {
            long fit = rl.rlim_cur > PP_SERVE_FD_RESERVE ? (long)(rl.rlim_cur - PP_SERVE_FD_RESERVE)
                                                         : 0;
            if (fit < 8) {
                fprintf(stderr, "parapet serve: the descriptor limit (ulimit -n %llu) leaves no "
                                "room for connections\n", (unsigned long long)rl.rlim_cur);
                return -1;
            }
            fprintf(stderr, "parapet serve: warning: ulimit -n %llu allows %ld connections, not "
                            "%ld (raise the hard limit)\n", (unsigned long long)rl.rlim_cur, fit,
                    *max_conns);
            *max_conns = fit;
        }
    }
    return 0;
}

/* What the command line chose, before the server is set up. */
typedef struct serve_args {
    const char *listen_spec, *token_file, *slack_file, *state_opt;
    long threads, max_conns, idle_s, body_mib;
    pp_server *s;   /* for the options that go straight to the server */
} serve_args;

/* One option of `serve` (hooks/opt.h); it takes no arguments. */
static int serve_opt(void *ctx, const pp_opts *p)
{
    serve_args *a = ctx;
    pp_server *s = a->s;
    switch (p->id) {
    case PP_O_LISTEN: a->listen_spec = p->val; return 0;
    case PP_O_THREADS: a->threads = p->num; return 0;
    case PP_O_TOKEN_FILE: a->token_file = p->val; return 0;
    case PP_O_SLACK_SECRET_FILE: a->slack_file = p->val; return 0;
    case PP_O_STATE: a->state_opt = p->val; return 0;
    case PP_O_SLACK_LIVE: s->slack_live = 1; return 0;
    case PP_O_MAX_CONNECTIONS: a->max_conns = p->num; return 0;
    case PP_O_IDLE_TIMEOUT_S: a->idle_s = p->num; return 0;
    case PP_O_REQUEST_TIMEOUT_S: s->request_timeout_s = p->num; return 0;
    case PP_O_MAX_BODY_MIB: a->body_mib = p->num; return 0;
    case PP_O_DEADLINE_MS: s->deadline_ms = p->num; return 0;
    default: return -1;
    }
}

/* The command line into s and a. -1 when start-up goes on, else the exit code (--help: 0). */
static int parse_args(pp_server *s, serve_args *a, int argc, char **argv)
{
    a->s = s;
    pp_opt_taker takers[] = {{pp_hook_opts_opt, &s->opts}, {serve_opt, a}};
    return pp_opts_parse(PP_CMD_SERVE, argc, argv, takers, PP_ARRAY_LEN(takers));
}

/* Reads `path` (at most PP_SERVE_TOKEN_MAX bytes) into *out without its trailing blanks
 * (`trail`); *n its length. 0, or -1 with the error printed. */
static int read_secret(const char *path, const char *trail, char **out, size_t *n)
{
    char *err = NULL;
    pp_status st = pp_read_file(path, PP_SERVE_TOKEN_MAX, out, n, &err);
    if (st != PP_OK) {
        fprintf(stderr, "parapet serve: %s\n", err ? err : pp_status_name(st));
        free(err);
        return -1;
    }
    while (*n && (*out)[*n - 1] && strchr(trail, (*out)[*n - 1]))
        (*out)[--*n] = '\0';
    return 0;
}

/* The bearer token, the Slack signing secret and the state database. 0, or -1 (printed). */
static int read_secrets(pp_server *s, const serve_args *a)
{
    if (a->token_file) {
        size_t tl = 0;
        if (read_secret(a->token_file, "\n\r \t", &s->token, &tl) != 0)
            return -1;
        if (tl == 0 || strlen(s->token) != tl) {
            fprintf(stderr, "parapet serve: %s: the token file is empty or not text\n",
                    a->token_file);
            return -1;
        }
        s->token_len = tl;
    }
    if (a->slack_file) {
        if (read_secret(a->slack_file, "\n\r ", &s->slack_secret, &s->slack_secret_len) != 0)
            return -1;
    } else if (getenv("SLACK_SIGNING_SECRET") && *getenv("SLACK_SIGNING_SECRET")) {
        s->slack_secret = pp_strdup(getenv("SLACK_SIGNING_SECRET"));
        s->slack_secret_len = s->slack_secret ? strlen(s->slack_secret) : 0;
    }
    if (s->slack_secret && s->slack_secret_len == 0) {
        fprintf(stderr, "parapet serve: the Slack signing secret is empty\n");
        return -1;
    }
    s->state_path = a->state_opt ? pp_strdup(a->state_opt) : pp_state_default_location();
    if (s->slack_secret && s->state_path) {
        /* Create the database now, so that the first slash command finds its schema. */
        pp_state *probe = NULL;
        char *err = NULL;
        if (pp_state_open(s->state_path, &probe, &err) != PP_OK) {
            fprintf(stderr, "parapet serve: %s\n", err ? err : "state database");
            free(err);
            return -1;
        }
        pp_state_close(probe);
    }
    return 0;
}

/* Listens, serves until SIGTERM or SIGINT, and stops: the exit code. */
static int run(pp_server *s, const serve_args *a, struct sockaddr_storage *addr, socklen_t alen)
{
    /* Workers inherit this mask: only the main thread receives SIGTERM/SIGINT. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Every lane may hold all connections; the accepting thread keeps the total. */
    s->idle_s = (unsigned)a->idle_s;
    s->lane_conns = (unsigned)a->max_conns;
    char *lerr = NULL;
    pp_lanes *lanes = NULL;
    if (pp_lanes_open((struct sockaddr *)addr, alen, (unsigned)a->threads,
                      (unsigned)a->max_conns, start_lane, s, &lanes, &lerr) != PP_OK) {
        fprintf(stderr, "parapet serve: cannot listen on %s: %s\n", a->listen_spec,
                lerr ? lerr : "out of memory");
        free(lerr);
        return 2;
    }
    atomic_store(&s->lanes, lanes);
    char host[INET6_ADDRSTRLEN] = "?";
    if (addr->ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)addr)->sin_addr, host, sizeof host);
    else
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)addr)->sin6_addr, host, sizeof host);
    fprintf(stderr, "parapet serve: listening on http://%s%s%s:%u (%ld threads, %ld "
            "connections%s%s)\n",
            addr->ss_family == AF_INET6 ? "[" : "", host, addr->ss_family == AF_INET6 ? "]" : "",
            pp_lanes_port(lanes), a->threads, a->max_conns,
            s->token ? ", bearer token required" : "",
            s->slack_secret ? ", Slack slash command on" : "");
    fflush(stderr);

    trim_state trim = { lanes, 0 };
    int sig = pp_lanes_run(lanes, &set, PP_SERVE_TRIM_EVERY_S * 1000u, trim_after_peak, &trim);
    if (sig > 0)
        fprintf(stderr, "parapet serve: signal %d, stopping\n", sig);
    atomic_store(&s->lanes, NULL);
    pp_lanes_close(lanes);   /* joins the workers: running requests finish first */
    return sig > 0 ? 0 : 2;
}

int pp_cli_serve(int argc, char **argv)
{
    pp_server *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "parapet serve: out of memory\n");
        return 2;
    }
    pp_hook_opts_init(&s->opts);
    s->deadline_ms = PP_SERVE_DEFAULT_DEADLINE_MS;
    s->max_body = PP_HOOK_MAX_REQUEST;
    s->request_timeout_s = PP_SERVE_REQUEST_TIMEOUT_S;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    serve_args a = { .listen_spec = PP_SERVE_DEFAULT_LISTEN,
                     .threads = cpus > 0 ? (cpus > 64 ? 64 : cpus) : 2,
                     .max_conns = PP_SERVE_MAX_CONNECTIONS, .idle_s = PP_SERVE_IDLE_TIMEOUT_S,
                     .body_mib = PP_SERVE_BODY_MEMORY_MIB };
    int rc = parse_args(s, &a, argc, argv), key_made = 0;
    if (rc >= 0)
        goto done;
    rc = 2;
    struct sockaddr_storage addr;
    socklen_t alen = 0;
    if (parse_listen(a.listen_spec, &addr, &alen) != 0) {
        rc = pp_cli_usage("serve", "--listen expects ADDR:PORT (e.g. 127.0.0.1:8080), not '%s'",
                          a.listen_spec);
        goto done;
    }
    if (read_secrets(s, &a) != 0)
        goto done;
    if (!s->token && !is_loopback((struct sockaddr *)&addr)) {
        fprintf(stderr, "parapet serve: --token-file is required when listening on a "
                        "non-loopback address (%s)\n", a.listen_spec);
        goto done;
    }
    s->body_budget = (size_t)a.body_mib << 20;
    if (fit_connections(&a.max_conns) != 0)
        goto done;
    if (pp_http_global_init() != PP_OK) {
        fprintf(stderr, "parapet serve: libcurl failed to initialise\n");
        goto done;
    }
#ifdef M_MMAP_THRESHOLD
    /* A fixed threshold turns off glibc's dynamic one, which after the first large body is
     * freed would serve every later one from the heap and keep it: bodies above 256 KiB are
     * mapped and given back to the system when their request ends. */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
    /* Load once here so that a broken rule stops start-up; workers build their own. */
    pp_ruleset *rs = pp_hook_opts_load(&s->opts);
    if (!rs)
        goto done;
    pp_ruleset_free(rs);
    if (pthread_key_create(&s->key, pp_serve_worker_free) != 0)
        goto done;
    key_made = 1;
    rc = run(s, &a, &addr, alen);
done:
    if (key_made) {
        pp_serve_worker_free(pthread_getspecific(s->key));
        pthread_key_delete(s->key);
    }
    free(s->token);
    free(s->slack_secret);
    free(s->state_path);
    pp_hook_opts_free(&s->opts);
    free(s);
    return rc;
}
