/* rules_catalog.h — control catalogues: the metadata of a pack's rules as data, one row per
 * control, so that a rule file holds only what is code (its id, types and check function).
 *
 * Data flow: <rules dir>/catalog/NAME.tsv (text) → pp_catalog_load_dir → pp_catalog →
 * rules.c, which merges the row whose `rule` column is a rule's id into that rule's metadata
 * after the file has run. A field given both by the row and by the rule file is an error
 * naming both places (one source of truth, no drift).
 *
 * Format (docs/rules.md, "Control catalogues"): UTF-8 text, lines ending in LF. Blank lines
 * and lines starting with '#' are ignored. The first other line is the header: the column
 * names, separated by one TAB each, from rule (required), control, guard, severity, packs,
 * title, fix, docs, frameworks, in any order and each at most once. Every following line is a
 * row with exactly as many TAB-separated fields. An empty field gives nothing. `packs` and
 * `frameworks` are lists whose items are separated by "; ". `control` and `guard` give the
 * rule's controls ({control, guard}); `guard` is also its Metadata.guard.SuppressedRules name.
 *
 * Limits: PP_CATALOG_MAX_BYTES a file, PP_CATALOG_MAX_LINE bytes a line, PP_CATALOG_MAX_ROWS
 * rows in all, PP_CATALOG_MAX_ITEMS items a list. Anything else — a missing or unknown
 * column, a wrong field count, a bad rule id or severity, an empty list item, a
 * control character, invalid UTF-8, a rule id in two rows — is an error "FILE:LINE: expected …".
 */
#ifndef PP_RULES_CATALOG_H
#define PP_RULES_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "engine/finding.h"
#include "engine/base/status.h"

#define PP_CATALOG_MAX_BYTES (4u << 20)
#define PP_CATALOG_MAX_LINE 16384u
#define PP_CATALOG_MAX_ROWS 10000u
#define PP_CATALOG_MAX_ITEMS 256u

typedef struct pp_catalog_row {
    char *rule;           /* rule id (the key) */
    char *control;        /* control id, or NULL */
    char *guard;          /* Guard rule name, or NULL */
    char *title, *fix, *docs;
    int has_severity;
    pp_severity severity;
    char **packs;         /* NULL-terminated, or NULL when not given */
    char **frameworks;    /* NULL-terminated, or NULL when not given */
    const char *file;     /* where the row is (owned by the catalogue) */
    size_t line;
} pp_catalog_row;

typedef struct pp_catalog pp_catalog;

pp_catalog *pp_catalog_new(void);
void pp_catalog_free(pp_catalog *c);   /* NULL is a no-op */

/* Adds the rows of text[0..len), named `file` in messages. PP_E_PARSE or PP_E_LIMIT with
 * *err "FILE:LINE: expected …"; after an error the catalogue is only good for freeing. */
pp_status pp_catalog_parse(pp_catalog *c, const char *file, const char *text, size_t len,
                           char **err);

/* Reads every <dir>/catalog/NAME.tsv (sorted by name), to be parsed by pp_catalog_ready: a
 * load whose rules all come from the rules cache's index never parses them. A file of the
 * same NAME read from an earlier folder is replaced (as a lib/ module is). No catalog/
 * folder: nothing, PP_OK. Each file's name and text are folded into *env
 * (pp_rules_env_add) when env is not NULL. With `cache` (the rules cache of folder dir, or
 * NULL), a file whose stamp still matches (pp_rules_cache_stamp) is not read now: its
 * recorded length and hash stand for its text, and pp_catalog_ready reads it, refusing a
 * text that no longer hashes so ("FILE: changed while parapet was running"). */
struct pp_rules_cache;
pp_status pp_catalog_load_dir(pp_catalog *c, const char *dir, uint64_t *env,
                              const struct pp_rules_cache *cache, char **err);

/* Parses what pp_catalog_load_dir read (once; later calls do nothing). The errors of
 * pp_catalog_parse. pp_catalog_find sees only the rows parsed so far. */
pp_status pp_catalog_ready(pp_catalog *c, char **err);

/* The row for rule id `rule`, or NULL. */
const pp_catalog_row *pp_catalog_find(const pp_catalog *c, const char *rule);

/* Rows in the order they were read; *n receives the count. */
const pp_catalog_row *pp_catalog_rows(const pp_catalog *c, size_t *n);

#endif
