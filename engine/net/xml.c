/* xml.c — element text for AWS query-protocol answers (see xml.h). */
#include "engine/net/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"

/* Decodes the five XML entities and numeric references of s[0..n). */
char *pp_xml_text(const char *s, size_t n)
{
    pp_buf b;
    pp_buf_init(&b, 0);
    for (size_t i = 0; i < n; i++) {
        static const struct { const char *ent; char ch; } E[] = {
            { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
            { "&apos;", '\'' } };
        int done = 0;
        if (s[i] == '&') {
            for (size_t k = 0; k < PP_ARRAY_LEN(E) && !done; k++) {
                size_t el = strlen(E[k].ent);
                if (i + el <= n && memcmp(s + i, E[k].ent, el) == 0) {
                    pp_buf_append(&b, &E[k].ch, 1);
                    i += el - 1;
                    done = 1;
                }
            }
            if (!done && i + 2 < n && s[i + 1] == '#') {
                const char *semi = memchr(s + i, ';', n - i);
                if (semi && semi - (s + i) < 12) {
                    long cp = s[i + 2] == 'x' ? strtol(s + i + 3, NULL, 16)
                                              : strtol(s + i + 2, NULL, 10);
                    unsigned char u[4];
                    size_t ul = 0;
                    if (cp > 0 && cp < 0x80) {
                        u[ul++] = (unsigned char)cp;
                    } else if (cp >= 0x80 && cp < 0x800) {
                        u[ul++] = (unsigned char)(0xC0 | (cp >> 6));
                        u[ul++] = (unsigned char)(0x80 | (cp & 0x3F));
                    } else if (cp >= 0x800 && cp < 0x10000) {
                        u[ul++] = (unsigned char)(0xE0 | (cp >> 12));
                        u[ul++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                        u[ul++] = (unsigned char)(0x80 | (cp & 0x3F));
                    }
                    if (ul) {
                        pp_buf_append(&b, u, ul);
                        i = (size_t)(semi - s);
                        done = 1;
                    }
                }
            }
        }
        if (!done)
            pp_buf_append(&b, s + i, 1);
    }
    return pp_buf_steal(&b);
}

/* Text of <tag>…</tag> inside [s, e), or NULL. */
char *pp_xml_child(const char *s, const char *e, const char *tag)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = memmem(s, (size_t)(e - s), open, strlen(open));
    if (!a)
        return NULL;
    a += strlen(open);
    const char *z = memmem(a, (size_t)(e - a), close, strlen(close));
    return z ? pp_xml_text(a, (size_t)(z - a)) : NULL;
}

