/* canon.c — a pasted failure message back in the form AWS printed it (see canon.h). */
#include "advisor/canon.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/utf8.h"
#include "engine/base/util.h"

typedef struct out {
    char *s;
    size_t n;
    int space;   /* white space seen since the last character written */
} out;

static void put(out *o, char c)
{
    if (o->space && o->n)
        o->s[o->n++] = ' ';
    o->space = 0;
    o->s[o->n++] = c;
}

static int printable(long v)
{
    return v >= 0x20 && v < 0x7f;
}

/* A JSON escape at t[i] == '\\': the bytes it takes (0: not one we undo); *c the character,
 * or ' ' for an escaped line break or tab (white space). */
static size_t json_escape(const char *t, size_t i, size_t len, char *c)
{
    if (i + 1 >= len)
        return 0;
    char e = t[i + 1];
    if (e == '"' || e == '\'' || e == '\\' || e == '/') {
        *c = e;
        return 2;
    }
    if (e == 'n' || e == 'r' || e == 't') {
        *c = ' ';
        return 2;
    }
    if (e == 'u' && i + 5 < len) {
        long v = 0;
        for (size_t k = 2; k < 6; k++) {
            int h = pp_hex_digit(t[i + k]);
            if (h < 0)
                return 0;
            v = v * 16 + h;
        }
        if (!printable(v))
            return 0;
        *c = (char)v;
        return 6;
    }
    return 0;
}

static const struct {
    const char *name;
    char c;
} ENTITIES[] = {
    { "&quot;", '"' }, { "&apos;", '\'' }, { "&amp;", '&' }, { "&lt;", '<' },
    { "&gt;", '>' },  { "&nbsp;", ' ' },
};

/* An HTML entity at t[i] == '&': the bytes it takes (0: not one we undo), as json_escape. */
static size_t html_entity(const char *t, size_t i, size_t len, char *c)
{
    for (size_t k = 0; k < sizeof ENTITIES / sizeof ENTITIES[0]; k++) {
        size_t n = strlen(ENTITIES[k].name);
        if (len - i >= n && memcmp(t + i, ENTITIES[k].name, n) == 0) {
            *c = ENTITIES[k].c;
            return n;
        }
    }
    if (i + 3 >= len || t[i + 1] != '#')
        return 0;
    int hex = t[i + 2] == 'x' || t[i + 2] == 'X';
    size_t j = i + 2 + (size_t)hex;
    long v = 0;
    size_t digits = 0;
    for (; j < len && digits < 4; j++, digits++) {
        int h = pp_hex_digit(t[j]);
        if (h < 0 || (!hex && h > 9))
            break;
        v = v * (hex ? 16 : 10) + h;
    }
    if (!digits || j >= len || t[j] != ';' || !printable(v))
        return 0;
    *c = (char)v;
    return j + 1 - i;
}

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

char *pp_canon(const char *text, size_t len, pp_canon_breaks breaks)
{
    if (!text)
        len = 0;
    size_t nul = len ? strnlen(text, len) : 0;
    len = nul;
    if (len > PP_CANON_MAX)
        len = pp_utf8_cut(text, PP_CANON_MAX);
    out o = { .s = malloc(len + 1), .n = 0, .space = 0 };
    if (!o.s)
        return NULL;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)text[i];
        char c;
        size_t used;
        if (blank((char)b)) {
            o.space = 1;
            i++;
        } else if (b == '\r' || b == '\n') {
            size_t j = i + 1;
            if (b == '\r' && j < len && text[j] == '\n')
                j++;
            int beside = (i > 0 && blank(text[i - 1])) || (j < len && blank(text[j]));
            if (breaks == PP_CANON_SPACE || beside || j >= len ||
                text[j] == '\r' || text[j] == '\n')
                o.space = 1;
            i = j;
        } else if ((b == '\\' && (used = json_escape(text, i, len, &c)) != 0) ||
                   (b == '&' && (used = html_entity(text, i, len, &c)) != 0)) {
            if (c == ' ')
                o.space = 1;   /* an escaped line break or tab, &nbsp; */
            else
                put(&o, c);
            i += used;
        } else if (b == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
                   ((unsigned char)text[i + 2] == 0x98 || (unsigned char)text[i + 2] == 0x99 ||
                    (unsigned char)text[i + 2] == 0x9C || (unsigned char)text[i + 2] == 0x9D)) {
            put(&o, (unsigned char)text[i + 2] <= 0x99 ? '\'' : '"');
            i += 3;
        } else if (b == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0xA0) {
            o.space = 1;
            i += 2;
        } else {
            put(&o, (char)b);
            i++;
        }
    }
    o.s[o.n] = '\0';
    return o.s;
}
