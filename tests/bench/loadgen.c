/* loadgen.c — a small HTTP load generator for the serve benchmark (tests/bench/serve.sh).
 *
 * usage: loadgen URL BODYFILE CONCURRENCY SECONDS [WARMUP_SECONDS]
 * Keeps CONCURRENCY POST requests of BODYFILE in flight on keep-alive connections (libcurl
 * multi, one easy handle per slot, re-added as soon as it completes) for SECONDS after a
 * warm-up, and prints one line:
 *   requests N ok N failed N seconds S rps R p50_ms X p99_ms Y max_ms Z
 * "ok" is HTTP 200. Latency is curl's total time per request. Exit 1 on a setup error only.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SLOTS 1024
#define MAX_SAMPLES 4000000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t n, size_t m, void *ud)
{
    (void)p;
    (void)ud;
    return n * m;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: loadgen URL BODYFILE CONCURRENCY SECONDS [WARMUP_SECONDS]\n");
        return 1;
    }
    const char *url = argv[1];
    int conc = (int)strtol(argv[3], NULL, 10);
    double secs = strtod(argv[4], NULL), warm = argc > 5 ? strtod(argv[5], NULL) : 1.0;
    if (conc < 1 || conc > MAX_SLOTS || secs <= 0) {
        fprintf(stderr, "loadgen: CONCURRENCY 1..%d, SECONDS > 0\n", MAX_SLOTS);
        return 1;
    }
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    static char body[1 << 20];
    size_t blen = fread(body, 1, sizeof body, f);
    fclose(f);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conc);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    CURL *slot[MAX_SLOTS];
    for (int i = 0; i < conc; i++) {
        slot[i] = curl_easy_init();
        curl_easy_setopt(slot[i], CURLOPT_URL, url);
        curl_easy_setopt(slot[i], CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(slot[i], CURLOPT_POSTFIELDSIZE, (long)blen);
        curl_easy_setopt(slot[i], CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(slot[i], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(slot[i], CURLOPT_TIMEOUT, 30L);
        curl_multi_add_handle(m, slot[i]);
    }
    double *lat = malloc(sizeof *lat * MAX_SAMPLES);
    if (!lat)
        return 1;
    size_t n = 0, ok = 0, failed = 0;
    double t_start = now_s(), t_measure = t_start + warm, t_end = t_measure + secs;
    int active = conc;   /* handles added to the multi and not yet done */
    while (active > 0) {
        int running = 0, numfds = 0, left = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        double t = now_s();
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *e = msg->easy_handle;
            CURLcode rc = msg->data.result;
            curl_multi_remove_handle(m, e);
            active--;
            if (t >= t_measure && t < t_end) {
                long code = 0;
                curl_off_t us = 0;
                curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
                curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us);
                if (rc == CURLE_OK && code == 200)
                    ok++;
                else
                    failed++;
                if (n < MAX_SAMPLES)
                    lat[n++] = (double)us / 1000.0;
            }
            if (t < t_end) {   /* after the end, requests in flight finish uncounted */
                curl_multi_add_handle(m, e);
                active++;
            }
        }
        if (active > 0)
            curl_multi_poll(m, NULL, 0, 100, &numfds);
    }
    qsort(lat, n, sizeof *lat, cmp_double);
    double p50 = n ? lat[n / 2] : 0, p99 = n ? lat[(size_t)((double)n * 0.99)] : 0;
    double mx = n ? lat[n - 1] : 0;
    printf("requests %zu ok %zu failed %zu seconds %.1f rps %.0f p50_ms %.2f p99_ms %.2f "
           "max_ms %.2f\n", n, ok, failed, secs, (double)n / secs, p50, p99, mx);
    for (int i = 0; i < conc; i++)
        curl_easy_cleanup(slot[i]);
    curl_slist_free_all(h);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    free(lat);
    return 0;
}
