/* kb_int.h — what kb.c shares with kb_db.c, and nothing else includes: the problem list
 * that validation fills, and adding an entry to a table being loaded.
 */
#ifndef PP_ADVISOR_KB_INT_H
#define PP_ADVISOR_KB_INT_H

#include <stddef.h>

#include <jansson.h>

#include "advisor/kb.h"
#include "engine/base/status.h"
#include "engine/base/util.h"

/* Problems are collected, one per line, so an author sees all of them at once. */
typedef struct problems {
    pp_buf buf;
    size_t n;
} problems;

/* An empty table for entries loaded from path (copied); NULL when out of memory. Freed with
 * pp_kb_free. */
pp_kb *kb_new(const char *path);

/* Appends doc (stolen, also on failure) as a new entry of kb and compiles its pattern; *cap is
 * the capacity of kb->e. Problems recorded in p; PP_E_LIMIT past PP_KB_MAX_ENTRIES, PP_E_NOMEM,
 * or the compile status. */
pp_status kb_add_entry(pp_kb *kb, json_t *doc, size_t *cap, problems *p);

#endif
