/* state_bench.c — `make bench-state`: outbox throughput of a state store (engine/store).
 *
 * usage: state_bench LOCATION CYCLES THREADS
 * Each thread opens its own pp_state on LOCATION (a SQLite file or dynamodb://TABLE) and runs
 * CYCLES/THREADS cycles of what one message costs the store: queue it (pp_state_outbox_add,
 * a fresh dedup key), claim it (pp_state_outbox_claim, with its lease) and record it
 * delivered (pp_state_outbox_mark). No HTTP post: the receiver's time is not the store's.
 * Prints one line: cycles/s over the wall time, then p50, p99 and max of a cycle in ms.
 * Built against build/libparapet.a by tests/bench/state.sh; not part of the product. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/util.h"
#include "engine/net/http.h"
#include "engine/store/state.h"

typedef struct worker {
    const char *loc;
    int id, cycles;
    double *lat;   /* ms per cycle */
    int failed;
} worker;

static long g_run;

static void *run(void *arg)
{
    worker *w = arg;
    pp_state *s = NULL;
    char *err = NULL;
    if (pp_state_open(w->loc, &s, &err) != PP_OK) {
        fprintf(stderr, "state_bench: %s\n", err ? err : "open");
        free(err);
        w->failed = 1;
        return NULL;
    }
    char dest[80];
    snprintf(dest, sizeof dest, "bench-%ld-%d", g_run, w->id);
    for (int i = 0; i < w->cycles; i++) {
        char dedup[96];
        snprintf(dedup, sizeof dedup, "%s-%d", dest, i);
        uint64_t t0 = pp_now_us();
        int64_t id = 0;
        int existing = 0;
        pp_outbox_row *rows = NULL;
        size_t n = 0;
        if (pp_state_outbox_add(s, dedup, dest, "webhook", "{\"text\":\"bench message\"}", &id,
                                &existing, &err) != PP_OK ||
            pp_state_outbox_claim(s, dest, 0, 1, &rows, &n, &err) != PP_OK || n != 1 ||
            pp_state_outbox_mark(s, rows[0].id, PP_OUTBOX_DELIVERED, 200, NULL, &err) != PP_OK) {
            fprintf(stderr, "state_bench: cycle %d: %s\n", i, err ? err : "nothing claimed");
            pp_state_rows_free(rows, n);
            w->failed = 1;
            break;
        }
        pp_state_rows_free(rows, n);
        w->lat[i] = (double)(pp_now_us() - t0) / 1000.0;
    }
    free(err);
    pp_state_close(s);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: state_bench LOCATION CYCLES THREADS\n");
        return 2;
    }
    long cycles, threads;
    if (pp_parse_long(argv[2], 1, 10000000, &cycles) || pp_parse_long(argv[3], 1, 64, &threads))
        return 2;
    pp_http_global_init();
    g_run = (long)time(NULL) * 1000 + (long)(getpid() % 1000);
    int per = (int)(cycles / threads);
    worker *w = calloc((size_t)threads, sizeof *w);
    double *all = calloc((size_t)(per * threads), sizeof *all);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    if (!w || !all || !t)
        return 2;
    uint64_t t0 = pp_now_us();
    for (long i = 0; i < threads; i++) {
        w[i] = (worker){ argv[1], (int)i, per, all + i * per, 0 };
        pthread_create(&t[i], NULL, run, &w[i]);
    }
    int failed = 0;
    for (long i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        failed |= w[i].failed;
    }
    double wall = (double)(pp_now_us() - t0) / 1e6;
    if (failed)
        return 1;
    size_t n = (size_t)(per * threads);
    qsort(all, n, sizeof *all, cmp);
    printf("%.0f %.2f %.2f %.2f\n", (double)n / wall, all[n / 2], all[(n * 99) / 100],
           all[n - 1]);
    free(all);
    free(w);
    free(t);
    return 0;
}
