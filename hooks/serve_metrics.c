/* serve_metrics.c — `parapet serve`'s counters (atomic, any thread) and the Prometheus text of
 * GET /metrics (serve_int.h). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/base/util.h"
#include "hooks/serve_int.h"

static const char *const route_name[R_COUNT] = { "/hook", "/v1/check", "/healthz", "/metrics",
                                                 "/slack/command", "other" };
static const unsigned codes[] = { 200, 400, 401, 404, 405, 413, 500, 503 };
static const char *const drop_name[D_COUNT] = { "request_timeout", "body_memory" };
_Static_assert(N_CODES == PP_ARRAY_LEN(codes) + 1, "N_CODES: the codes and one other");
/* Evaluation latency buckets, in microseconds (rendered in seconds). */
static const unsigned long long lat_us[] = { 250, 500, 1000, 2500, 5000, 10000, 25000, 50000,
                                             100000, 250000, 500000, 1000000, 2500000,
                                             10000000 };
_Static_assert(N_LAT == PP_ARRAY_LEN(lat_us) + 1, "N_LAT: the buckets and +Inf");

void pp_serve_count_request(pp_server *s, int route, unsigned code)
{
    size_t ci = N_CODES - 1;
    for (size_t i = 0; i < PP_ARRAY_LEN(codes); i++)
        if (codes[i] == code)
            ci = i;
    atomic_fetch_add_explicit(&s->m.req[route][ci], 1, memory_order_relaxed);
}

void pp_serve_count_latency(pp_server *s, int route, uint64_t us)
{
    if (route != R_HOOK && route != R_CHECK)
        return;
    int r = route == R_HOOK ? 0 : 1;
    size_t b = N_LAT - 1;
    for (size_t i = 0; i < PP_ARRAY_LEN(lat_us); i++) {
        if (us <= lat_us[i]) {
            b = i;
            break;
        }
    }
    atomic_fetch_add_explicit(&s->m.lat[r][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->m.lat_sum_us[r], us, memory_order_relaxed);
}

char *pp_serve_metrics_text(pp_server *s)
{
    pp_buf b;
    pp_buf_init(&b, 1u << 20);
    pp_buf_puts(&b, "# HELP parapet_http_requests_total HTTP requests by route and status.\n"
                    "# TYPE parapet_http_requests_total counter\n");
    for (int r = 0; r < R_COUNT; r++) {
        for (size_t c = 0; c < N_CODES; c++) {
            unsigned long long v = atomic_load_explicit(&s->m.req[r][c], memory_order_relaxed);
            if (!v && !(r == R_HOOK && c == 0))
                continue;
            if (c < PP_ARRAY_LEN(codes))
                pp_buf_printf(&b, "parapet_http_requests_total{route=\"%s\",code=\"%u\"} %llu\n",
                              route_name[r], codes[c], v);
            else
                pp_buf_printf(&b, "parapet_http_requests_total{route=\"%s\",code=\"other\"} "
                              "%llu\n", route_name[r], v);
        }
    }
    pp_buf_puts(&b, "# HELP parapet_evaluation_seconds Time to answer POST /hook and "
                    "POST /v1/check requests that were evaluated (not early 4xx answers).\n"
                    "# TYPE parapet_evaluation_seconds histogram\n");
    for (int r = 0; r < 2; r++) {
        const char *rn = route_name[r == 0 ? R_HOOK : R_CHECK];
        unsigned long long cum = 0;
        for (size_t i = 0; i < N_LAT; i++) {
            cum += atomic_load_explicit(&s->m.lat[r][i], memory_order_relaxed);
            if (i < PP_ARRAY_LEN(lat_us))
                pp_buf_printf(&b, "parapet_evaluation_seconds_bucket{route=\"%s\",le=\"%g\"} "
                              "%llu\n", rn, (double)lat_us[i] / 1e6, cum);
            else
                pp_buf_printf(&b, "parapet_evaluation_seconds_bucket{route=\"%s\",le=\"+Inf\"} "
                              "%llu\n", rn, cum);
        }
        pp_buf_printf(&b, "parapet_evaluation_seconds_sum{route=\"%s\"} %.6f\n", rn,
                      (double)atomic_load(&s->m.lat_sum_us[r]) / 1e6);
        pp_buf_printf(&b, "parapet_evaluation_seconds_count{route=\"%s\"} %llu\n", rn, cum);
    }
    pp_buf_printf(&b, "# HELP parapet_rule_errors_total Rule evaluations that ended in ERROR.\n"
                      "# TYPE parapet_rule_errors_total counter\n"
                      "parapet_rule_errors_total %llu\n",
                  (unsigned long long)atomic_load(&s->m.rule_errors));
    static const char *const vn[3] = { "success", "noncompliant", "internal_failure" };
    pp_buf_puts(&b, "# HELP parapet_hook_verdicts_total Hook responses by verdict.\n"
                    "# TYPE parapet_hook_verdicts_total counter\n");
    for (int v = 0; v < 3; v++)
        pp_buf_printf(&b, "parapet_hook_verdicts_total{verdict=\"%s\"} %llu\n", vn[v],
                      (unsigned long long)atomic_load(&s->m.verdicts[v]));
    pp_buf_puts(&b, "# HELP parapet_http_dropped_total Requests closed because their body was "
                    "too slow (request_timeout) or answered 503 because the shared body buffer "
                    "was full (body_memory).\n# TYPE parapet_http_dropped_total counter\n");
    for (int r = 0; r < D_COUNT; r++)
        pp_buf_printf(&b, "parapet_http_dropped_total{reason=\"%s\"} %llu\n", drop_name[r],
                      (unsigned long long)atomic_load(&s->m.dropped[r]));
    pp_lanes *lanes = atomic_load(&s->lanes);   /* NULL before start and while stopping */
    pp_buf_printf(&b, "# HELP parapet_http_connections Open connections.\n"
                      "# TYPE parapet_http_connections gauge\nparapet_http_connections %u\n"
                      "# HELP parapet_http_body_buffer_bytes Request body bytes buffered beyond "
                      "the per-request allowance.\n# TYPE parapet_http_body_buffer_bytes gauge\n"
                      "parapet_http_body_buffer_bytes %zu\n",
                  pp_lanes_connections(lanes), atomic_load(&s->body_bytes));
    pp_buf_puts(&b, "# HELP parapet_http_worker_connections Open connections by worker thread "
                    "(each new connection goes to the worker holding the fewest).\n"
                    "# TYPE parapet_http_worker_connections gauge\n");
    for (unsigned i = 0; i < pp_lanes_count(lanes); i++)
        pp_buf_printf(&b, "parapet_http_worker_connections{worker=\"%u\"} %u\n", i,
                      pp_lanes_lane_connections(lanes, i));
    pp_buf_printf(&b, "# HELP parapet_rulesets_loaded_total Rule sets built by worker threads.\n"
                      "# TYPE parapet_rulesets_loaded_total counter\n"
                      "parapet_rulesets_loaded_total %llu\n",
                  (unsigned long long)atomic_load(&s->m.rulesets));
    pp_buf_puts(&b, "# HELP parapet_build_info The running build; the value is always 1.\n"
                    "# TYPE parapet_build_info gauge\n"
                    "parapet_build_info{version=\"" PARAPET_VERSION "\"} 1\n");
    return pp_buf_steal(&b);
}

