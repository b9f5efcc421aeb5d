/* rmtree.h — removes a test fixture (a file, or a folder and everything under it) without a
 * shell: depth-first nftw, not following symbolic links. 0 on success or when nothing is
 * there (as `rm -rf` would), -1 otherwise. */
#ifndef PP_TEST_RMTREE_H
#define PP_TEST_RMTREE_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>

static int rmtree_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(p);
}

static int pp_test_rmtree(const char *path)
{
    int rc = nftw(path, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
    return rc != 0 && errno == ENOENT ? 0 : rc;
}

#endif
