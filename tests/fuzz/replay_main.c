/* replay_main.c — runs a fuzz target without libFuzzer: LLVMFuzzerInitialize once (where the
 * target has one), then LLVMFuzzerTestOneInput on every regular file of the folders (or files)
 * given, sorted by name. Built with the project's normal compiler and flags (`make fuzz-replay`), so the
 * corpora and the kept crash inputs are regression tests everywhere. Exit 0 when every input
 * returned; a crash is a crash (the sanitizer build reports it).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/base/util.h"
#include "tests/fuzz/fuzz.h"

#define PP_REPLAY_MAX_INPUT (16u << 20)

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_file(const char *path, size_t *n)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    if (pp_read_file(path, PP_REPLAY_MAX_INPUT, &buf, &len, &err) != PP_OK) {
        fprintf(stderr, "replay: %s\n", err ? err : path);
        free(err);
        return -1;
    }
    /* An exact-size copy, as libFuzzer hands inputs over (no terminating NUL to lean on). */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    if (len)
        memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    (*n)++;
    return 0;
}

static int run_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return run_file(dir, n);
    char **names = NULL;
    size_t nn = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(names, cap * sizeof *nv);
            if (!nv) {
                rc = -1;
                break;
            }
            names = nv;
        }
        if (!(names[nn] = pp_asprintf("%s/%s", dir, de->d_name))) {
            rc = -1;
            break;
        }
        nn++;
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn; i++) {
        struct stat sb;
        if (rc == 0 && stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
            rc = run_file(names[i], n);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    size_t n = 0;
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0)
            continue;   /* a target without kept crashes has no regress/ folder */
        rc = run_dir(argv[i], &n);
    }
    printf("replay %s: %zu inputs\n", argv[0], n);
    return rc ? 1 : 0;
}
