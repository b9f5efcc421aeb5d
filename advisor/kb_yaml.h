/* kb_yaml.h — a small YAML reader for knowledge-base entries (kb/NAME.yaml).
 *
 * KB sources are human-edited and trusted-ish, but still capped. Scalars always load as strings
 * (the KB has no numbers or booleans that matter; kb.c converts `priority`). Anchors/aliases
 * and tags are rejected: an entry should read top to bottom. This is separate from
 * engine/doc.h (CloudFormation YAML with short-form tags) and may be replaced by pp_doc_load
 * once that loader exists, as long as the line numbers of top-level keys survive.
 */
#ifndef PP_ADVISOR_KB_YAML_H
#define PP_ADVISOR_KB_YAML_H

#include <jansson.h>
#include <stddef.h>

#include "engine/status.h"

#define PP_KB_YAML_MAX_DEPTH 16
#define PP_KB_YAML_MAX_NODES 20000

/* Parses buf[0..len) (one YAML document) into a new json_t (caller decrefs). `*lines`
 * (caller decrefs) receives an object mapping each top-level key to its 1-based line as an
 * integer. On failure returns NULL, sets *st (PP_E_PARSE, PP_E_LIMIT, PP_E_NOMEM) and *err
 * (caller frees) to "NAME:LINE: expected …". */
json_t *pp_kb_yaml_load(const char *name, const char *buf, size_t len, json_t **lines,
                        pp_status *st, char **err);

#endif
