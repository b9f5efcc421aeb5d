/* xml.h — the little XML reading the AWS query protocol needs (CloudFormation, STS,
 * CloudTrail errors): the text of a child element, entities decoded. Not a parser: it finds
 * "<tag>" … "</tag>" in a byte range, which is what those answers (no attributes on the
 * elements read, no CDATA) need.
 */
#ifndef PP_XML_H
#define PP_XML_H

#include <stddef.h>

/* Decodes &amp; &lt; &gt; &quot; &apos; and numeric references (up to U+FFFF) of s[0..n).
 * malloc'd, caller frees; NULL on NOMEM. */
char *pp_xml_text(const char *s, size_t n);
/* Text of the first <tag>…</tag> inside [s, e), decoded; malloc'd (caller frees), or NULL
 * when absent (or NOMEM). `tag` is at most 60 bytes. */
char *pp_xml_child(const char *s, const char *e, const char *tag);

#endif
