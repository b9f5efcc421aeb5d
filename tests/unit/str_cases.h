/* str_cases.h — a table of cases for a function from a string to a malloc'd string (or NULL):
 * each row's input, and the answer it must give (NULL: the function must answer NULL). A
 * wrong answer fails the test and names the row. */
#ifndef PP_TEST_STR_CASES_H
#define PP_TEST_STR_CASES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *in;
    const char *want;
} pp_str_case;

static inline void pp_str_cases(char *(*fn)(const char *), const pp_str_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = fn(c[i].in);
        int same = got && c[i].want ? strcmp(got, c[i].want) == 0 : got == c[i].want;
        if (!same)
            fail_msg("row %zu: \"%s\" gave %s%s%s, want %s%s%s", i, c[i].in ? c[i].in : "(NULL)",
                     got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
                     c[i].want ? "\"" : "", c[i].want ? c[i].want : "NULL", c[i].want ? "\"" : "");
        free(got);
    }
}

#define PP_STR_CASES(fn, table) pp_str_cases((fn), (table), sizeof(table) / sizeof *(table))

#endif
