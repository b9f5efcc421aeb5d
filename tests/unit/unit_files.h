/* unit_files.h — the files of the unit tests: a path in the repository ($PARAPET_TEST_ROOT,
 * which `make unit` sets; "." without it), a repository file read whole, a file written into
 * a scratch folder (its parent made first). Failures fail the calling test (cmocka). */
#ifndef PP_UNIT_FILES_H
#define PP_UNIT_FILES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/base/util.h"

/* "$PARAPET_TEST_ROOT/rel", malloc'd. */
static inline char *pp_test_path(const char *rel)
{
    const char *root = getenv("PARAPET_TEST_ROOT");
    char *path = pp_asprintf("%s/%s", root ? root : ".", rel);
    assert_non_null(path);
    return path;
}

/* The repository file rel, whole (at most max bytes), NUL-terminated and malloc'd; *len its
 * length. */
static inline char *pp_test_read(const char *rel, size_t max, size_t *len)
{
    char *path = pp_test_path(rel);
    char *buf = NULL, *err = NULL;
    if (pp_read_file(path, max, &buf, len, &err) != PP_OK)
        fail_msg("%s", err);
    free(path);
    return buf;
}

/* Writes text to dir/rel, making rel's parent folder (one level) first. */
static inline void pp_test_put(const char *dir, const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#endif
