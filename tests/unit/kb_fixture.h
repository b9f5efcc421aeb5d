/* kb_fixture.h — the repository's knowledge base (kb/, loaded from YAML) for the unit tests
 * that need its wording (roles, patterns). Included by one test file per executable. */
#ifndef PP_TESTS_KB_FIXTURE_H
#define PP_TESTS_KB_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "advisor/kb.h"
#include "engine/base/util.h"

static pp_kb *g_kb;

/* Loads $PARAPET_TEST_ROOT/kb into g_kb; 0, or -1 with the reason on stderr. */
__attribute__((unused)) static int kb_fixture_load(void)
{
    const char *root = getenv("PARAPET_TEST_ROOT");
    char *dir = pp_asprintf("%s/kb", root ? root : ".");
    char *err = NULL;
    pp_status st = dir ? pp_kb_load_dir(dir, &g_kb, &err) : PP_E_NOMEM;
    if (st != PP_OK)
        fprintf(stderr, "%s\n", err ? err : "load failed");
    free(err);
    free(dir);
    return st == PP_OK ? 0 : -1;
}

__attribute__((unused)) static int kb_fixture_setup(void **state)
{
    (void)state;
    return kb_fixture_load();
}

__attribute__((unused)) static int kb_fixture_teardown(void **state)
{
    (void)state;
    pp_kb_free(g_kb);
    g_kb = NULL;
    return 0;
}

#endif
