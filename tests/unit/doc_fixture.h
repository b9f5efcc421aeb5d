/* doc_fixture.h — the helpers the document-loader tests share: load, expect an error, compare
 * with JSON text, positions, fixtures. */
#ifndef PP_DOC_FIXTURE_H
#define PP_DOC_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "engine/doc.h"
#include "engine/base/util.h"
#include "tests/unit/unit_files.h"

#ifndef PP_TEST_UNUSED
#define PP_TEST_UNUSED __attribute__((unused))
#endif

/* ---- helpers ------------------------------------------------------------------------ */

PP_TEST_UNUSED
static pp_doc *load_fmt(const char *src, size_t len, pp_doc_format fmt, const pp_limits *lim)
{
    char *err = NULL;
    pp_status st = PP_E_INTERNAL;
    pp_doc *d = pp_doc_load("t", src, len, fmt, lim, &st, &err);
    if (!d)
        fail_msg("unexpected load error %s: %s", pp_status_name(st), err ? err : "(none)");
    assert_int_equal(st, PP_OK);
    assert_null(err);
    return d;
}

PP_TEST_UNUSED static pp_doc *load(const char *src)
{
    return load_fmt(src, strlen(src), PP_FMT_AUTO, NULL);
}

PP_TEST_UNUSED
static void expect_err_lim(const char *src, size_t len, pp_doc_format fmt, const pp_limits *lim,
                           pp_status want, const char *sub)
{
    char *err = NULL;
    pp_status st = PP_OK;
    pp_doc *d = pp_doc_load("t", src, len, fmt, lim, &st, &err);
    if (d) {
        pp_doc_free(d);
        fail_msg("loaded, expected an error containing \"%s\"", sub);
    }
    if (st != want)
        fail_msg("status %s, expected %s (%s)", pp_status_name(st), pp_status_name(want),
                 err ? err : "no message");
    assert_non_null(err);
    if (!strstr(err, sub))
        fail_msg("message \"%s\" lacks \"%s\"", err, sub);
    /* one line, "NAME:..." */
    assert_null(strchr(err, '\n'));
    assert_true(strncmp(err, "t:", 2) == 0);
    free(err);
}

/* For string literals, so embedded NULs count. */
#define EXPECT_ERR(lit, fmt, want, sub) expect_err_lim(lit, sizeof(lit) - 1, fmt, NULL, want, sub)

PP_TEST_UNUSED static void assert_json(const json_t *got, const char *want_text)
{
    json_error_t e;
    json_t *want = json_loads(want_text, JSON_DECODE_ANY, &e);
    if (!want)
        fail_msg("bad expectation: %s", e.text);
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);
        char *w = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
        print_error("got:  %s\nwant: %s\n", g, w);
        free(g);
        free(w);
        json_decref(want);
        fail();
    }
    json_decref(want);
}

PP_TEST_UNUSED
static void assert_pos(const pp_doc *d, const char *ptr, int rc, unsigned line, unsigned col)
{
    pp_pos p = { 0, 0 };
    int got = pp_doc_pos(d, ptr, &p);
    if (got != rc || (rc >= 0 && (p.line != line || p.col != col)))
        fail_msg("pos(\"%s\") = %d %u:%u, expected %d %u:%u", ptr, got, p.line, p.col, rc, line,
                 col);
}

PP_TEST_UNUSED static char *read_fixture(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/loader/%s", name);
    return pp_test_read(rel, 1u << 20, len);
}

PP_TEST_UNUSED static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(ul * n + tl + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    memcpy(s + ul * n, tail, tl + 1);
    return s;
}


#endif
