/* canon.h — a failure message as it was written, recovered from the way it was pasted.
 *
 * Users bring messages from terminals (hard-wrapped, sometimes in the middle of a word), from
 * log lines where the message is a JSON string (quotes escaped, Go's \u003c for '<'), from web
 * pages (HTML entities, typographic quotes) and from aligned logs (runs of spaces). The KB's
 * patterns are written for the text AWS printed; these functions give it back to them, for
 * a second match when the first finds nothing specific (advisor/explain.c).
 *
 * Both forms undo, in one pass: the JSON string escapes \" \' \\ \/ \n \r \t and \u00XX for
 * printable ASCII; the HTML entities &quot; &apos; &amp; &lt; &gt; &nbsp; and &#N; / &#xH; for
 * printable ASCII; the quotes U+2018, U+2019 (as ') and U+201C, U+201D (as "); NBSP as a
 * space; every run of white space as one space, leading and trailing space dropped. They
 * differ in a line break with no space on either side: PP_CANON_SPACE makes it a space (a
 * wrap at a word boundary, the usual case), PP_CANON_GLUE drops it (a terminal's hard wrap
 * that cut a word). The result is never longer than the input; at most PP_CANON_MAX bytes are
 * read (cut at a character boundary). */
#ifndef PP_ADVISOR_CANON_H
#define PP_ADVISOR_CANON_H

#include <stddef.h>

#define PP_CANON_MAX (64 * 1024)

typedef enum { PP_CANON_SPACE, PP_CANON_GLUE } pp_canon_breaks;

/* text[0..len) (a NUL ends it early) in canonical form: malloc'd, NUL-terminated; NULL on
 * NOMEM. */
char *pp_canon(const char *text, size_t len, pp_canon_breaks breaks);

#endif
