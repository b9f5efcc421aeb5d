/* bench_kb_match.c — KB matching throughput: every line of FILE is matched against the whole
 * KB (pattern, then FTS fallback) N times. Usage: bench_kb_match KB.db MESSAGES.txt [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor/kb.h"
#include "advisor/kb_match.h"
#include "engine/base/util.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_kb_match KB.db MESSAGES.txt [ROUNDS]\n");
        return 2;
    }
    long rounds = 5;
    if (argc > 3 && pp_parse_long(argv[3], 1, 1000000, &rounds))
        return 2;
    pp_kb *kb = NULL;
    char *err = NULL, *buf = NULL;
    size_t len = 0;
    if (pp_kb_open(argv[1], &kb, &err) != PP_OK ||
        pp_read_file(argv[2], 64u << 20, &buf, &len, &err) != PP_OK) {
        fprintf(stderr, "%s\n", err ? err : "error");
        return 2;
    }
    size_t nmsg = 0, cap = 1024;
    char **msgs = malloc(cap * sizeof *msgs);
    for (char *p = buf; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p) {
            if (nmsg == cap)
                msgs = realloc(msgs, (cap *= 2) * sizeof *msgs);
            msgs[nmsg++] = p;
        }
        p = nl ? nl + 1 : NULL;
    }
    size_t matched = 0, fts = 0, total = 0;
    uint64_t t0 = pp_now_ms();
    for (long r = 0; r < rounds; r++) {
        for (size_t i = 0; i < nmsg; i++) {
            pp_kb_hit hit;
            total++;
            if (pp_kb_match(kb, msgs[i], NULL, NULL, &hit) == PP_OK) {
                matched++;
            } else if (pp_kb_match_fts(kb, msgs[i], NULL, &hit) == PP_OK) {
                fts++;
            }
            pp_kb_hit_free(&hit);
        }
    }
    uint64_t ms = pp_now_ms() - t0;
    printf("kb_match: %zu messages x %ld rounds against %zu entries: %llu ms, %.0f messages/s "
           "(%zu pattern, %zu fts, %zu none)\n",
           nmsg, rounds, kb->n, (unsigned long long)ms, ms ? total * 1000.0 / (double)ms : 0.0,
           matched, fts, total - matched - fts);
    free(msgs);
    free(buf);
    pp_kb_free(kb);
    return 0;
}
