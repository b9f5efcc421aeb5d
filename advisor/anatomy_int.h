/* anatomy_int.h — what the decoder's files share: anatomy.c (the working string, the handler
 * wrapper, the service suffix, generic shapes, the entry points), anatomy_iam.c (not
 * authorized), anatomy_valid.c (validation errors and Properties validation), anatomy_json.c
 * (names, JSON, the one-line summary). Every grammar scans the decoder's own NUL-terminated
 * working string; what it takes is copied with pp_an_take, which sets nomem on failure.
 */
#ifndef PP_ADVISOR_ANATOMY_INT_H
#define PP_ADVISOR_ANATOMY_INT_H

#include <stddef.h>

#include "advisor/anatomy.h"

/* One decoding: the result being filled and whether an allocation failed. */
typedef struct pp_an_dec {
    pp_anatomy *a;
    int nomem;
} pp_an_dec;

/* s[0..n) trimmed of blanks, cut to PP_AN_MAX_FIELD at a UTF-8 boundary, as a new string
 * (NULL and d->nomem on failure). */
char *pp_an_take(pp_an_dec *d, const char *s, size_t n);
/* *field = pp_an_take(s, n) unless *field is set already or n is 0. */
void pp_an_set(pp_an_dec *d, char **field, const char *s, size_t n);
int pp_an_starts(const char *s, const char *p);             /* s begins with p */
const char *pp_an_rfind(const char *hay, const char *needle);   /* last occurrence or NULL */
/* Length of the run at s of alphanumerics and characters of accept_extra. */
size_t pp_an_span_of(const char *s, const char *accept_extra);

/* The grammars (each fills what it recognises in d->a and leaves the rest absent). */
void pp_an_not_authorized(pp_an_dec *d, const char *s);    /* anatomy_iam.c */
void pp_an_validation(pp_an_dec *d, const char *s);        /* anatomy_valid.c */
void pp_an_properties(pp_an_dec *d, const char *s);        /* anatomy_valid.c */

#endif
