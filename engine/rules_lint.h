/* rules_lint.h — the text checks `parapet rules test` makes besides running the cases: locals
 * never read, and local helpers that re-write a function a lib/ module exports (rules_lint.c
 * says how they are judged).
 *
 * Data flow: the files of a loaded rule set (its rule files and the lib/ modules it loaded) →
 * pp_rules_lint → one line "LINT FILE:LINE: what" per problem appended to *out.
 */
#ifndef PP_RULES_LINT_H
#define PP_RULES_LINT_H

#include <stddef.h>

#include "engine/eval.h"
#include "engine/base/status.h"
#include "engine/base/util.h"

/* Lints every rule file of rs and every module it loaded. *problems receives the count. */
pp_status pp_rules_lint(const pp_ruleset *rs, pp_buf *out, size_t *problems, char **err);

#endif
