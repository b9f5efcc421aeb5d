/* doc.h — a loaded JSON or YAML document: a jansson value tree plus the line and column of
 * every value.
 *
 * Data flow: bytes (file, stdin, hook payload) → pp_doc_load → pp_doc (this) → the template
 * resolver (template.h). The loaders are strict: malformed input, limits exceeded, duplicate
 * keys, non-UTF-8 text and unknown YAML tags are errors with "NAME:LINE:COL: message".
 *
 * Positions are recorded per (container, member) edge, not per value, because jansson shares
 * the true/false/null singletons: the position of /a/b is looked up as the edge (value of /a,
 * key "b"). The root's position is the edge (NULL, "").
 *
 * YAML specifics: short-form tags (!Ref, !Sub, !GetAtt "A.B" or list, !If, !Equals, !And,
 * !Or, !Not, !Condition, !Join, !Select, !Split, !FindInMap, !Base64, !Cidr, !GetAZs,
 * !ImportValue, !Transform, !GetStackOutput, !Length, !ToJsonString, and the Rules section's
 * !Contains, !EachMemberEquals, !EachMemberIn, !RefAll, !ValueOf, !ValueOfAll) become their
 * long forms ({"Ref": x}, {"Fn::Sub": x},
 * {"Condition": x}, …); !GetAtt "A.B" becomes {"Fn::GetAtt": ["A", "B"]} (split at the first
 * dot); anchors/aliases expand with a cap (pp_limits.max_alias_nodes); only true/false
 * (YAML 1.2 core, case-sensitive: true, True, TRUE, false, False, FALSE) are booleans; plain
 * scalars that are YAML 1.2 core integers/floats become numbers, null/~/empty become null;
 * quoted scalars are always strings. Keys are always strings.
 *
 * Loader choices (engine/doc_json.c, engine/doc_yaml.c): JSON integers beyond int64 become
 * reals (digits past double precision are lost), -0 is the integer 0, reals that overflow a
 * double are errors. YAML plain scalars with a leading zero before more digits
 * ("012345678901"), integers beyond int64 and .inf/.nan (or floats that overflow) stay
 * strings; explicit !!int/!!float that cannot be held are errors. NUL characters (\u0000,
 * "\0") are errors in both formats, as are keys starting with byte 0x01 (PP_MARK). A UTF-8
 * BOM is skipped and not counted in columns; UTF-16 input is refused. Aliases share the
 * anchored value (json_incref): the edge holding an alias has the alias's position, edges
 * inside the shared value have the anchor's. A short-form tag's wrapper and its inner value
 * share the tag's position. Merge keys ("<<") are ordinary keys.
 */
#ifndef PP_DOC_H
#define PP_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "engine/base/limits.h"
#include "engine/base/status.h"

typedef struct pp_pos {
    unsigned line;   /* 1-based */
    unsigned col;    /* 1-based, in bytes */
} pp_pos;

typedef struct pp_posmap pp_posmap;   /* opaque: (container, key|index) → pp_pos */

typedef enum pp_doc_format { PP_FMT_AUTO = 0, PP_FMT_JSON, PP_FMT_YAML } pp_doc_format;

typedef struct pp_doc {
    char *name;          /* file name as given ("-" → "<stdin>"); owned */
    json_t *root;        /* owned reference */
    pp_posmap *pos;      /* owned */
    pp_doc_format format;
    /* 1 when the maker of the document knows that no object key under root starts with
     * "Fn::ForEach::" (a hook request's resource: pp_doc_load_root_scan): pp_template_build
     * then skips its search for Fn::ForEach loops. 0 (search) by default. */
    int no_loop_keys;
} pp_doc;

/* Parses buf[0..len) (need not be NUL-terminated) as `fmt` (AUTO: JSON when the first
 * non-blank byte is '{' or '[', else YAML). `name` is copied and used in messages.
 * Returns a new pp_doc (caller frees with pp_doc_free) or NULL with *err set to
 * "NAME:LINE:COL: what was expected" (caller frees *err). *st (may be NULL) receives the
 * status: PP_E_PARSE, PP_E_LIMIT, PP_E_NOMEM. */
pp_doc *pp_doc_load(const char *name, const char *buf, size_t len, pp_doc_format fmt,
                    const pp_limits *lim, pp_status *st, char **err);
void pp_doc_free(pp_doc *doc);   /* NULL is a no-op */

/* The root value of the JSON text buf[0..len), without recording positions, for callers that
 * never ask for one (a hook request): the values pp_doc_load(name, buf, len, PP_FMT_JSON, …)
 * gives, or NULL with the very *st and *err it gives (a failed fast pass is run again by
 * pp_doc_load for its message). Caller owns the reference. */
json_t *pp_doc_load_root(const char *name, const char *buf, size_t len, const pp_limits *lim,
                         pp_status *st, char **err);

/* pp_doc_load_root, and *loop_keys (may be NULL) 0 when no object key of the value starts
 * with "Fn::ForEach::" (a template built from it needs no Fn::ForEach scan: pp_doc's
 * no_loop_keys), else 1 (there is one, or the loader could not tell). */
json_t *pp_doc_load_root_scan(const char *name, const char *buf, size_t len,
                              const pp_limits *lim, pp_status *st, char **err, int *loop_keys);

/* Wraps an already-built value (a hook's resourceProperties, say) as a document without
 * positions (format PP_FMT_AUTO, an empty position map that pp_posmap_put may fill).
 * `root` is stolen. NULL on NOMEM (root is released). Caller frees with pp_doc_free. */
pp_doc *pp_doc_wrap(const char *name, json_t *root);

/* Looks up the position of the value at JSON pointer `ptr` ("" = root, "/Resources/A").
 * When the exact value has no recorded position (the pointer leaves the document), returns
 * the position of the nearest enclosing value that has one. Returns 0 when found exactly,
 * 1 when an ancestor was used, -1 when nothing (not even the root) is known. */
int pp_doc_pos(const pp_doc *doc, const char *ptr, pp_pos *out);

/* Position map primitives, for the loaders and for code that builds documents.
 * key == NULL means the edge is an array index `idx`. Keys are copied. */
pp_posmap *pp_posmap_new(void);
void pp_posmap_free(pp_posmap *m);
int pp_posmap_put(pp_posmap *m, const json_t *parent, const char *key, size_t idx, pp_pos p);
int pp_posmap_get(const pp_posmap *m, const json_t *parent, const char *key, size_t idx,
                  pp_pos *out);

/* JSON pointer helpers (RFC 6901). Appends one escaped segment ("~"→"~0", "/"→"~1") to
 * `base`; returns a new malloc'd string or NULL on NOMEM. */
char *pp_ptr_join(const char *base, const char *seg);
char *pp_ptr_join_idx(const char *base, size_t idx);

#endif
