/* status.h — the one error enum of Parapet.
 *
 * Every fallible function below main returns a pp_status (or NULL plus a char **err message).
 * The list is append-only: never renumber, never reuse a value. Each code has a paragraph in
 * docs/errors.md. main maps codes to exit status (PP_OK → 0/1 by findings, anything else → 2).
 */
#ifndef PP_STATUS_H
#define PP_STATUS_H

typedef enum pp_status {
    PP_OK = 0,
    PP_E_NOMEM = 1,        /* an allocation failed */
    PP_E_IO = 2,           /* a file or stream could not be read or written */
    PP_E_PARSE = 3,        /* input is not well-formed JSON or YAML */
    PP_E_LIMIT = 4,        /* input exceeded a named limit (size, depth, aliases, nodes) */
    PP_E_TEMPLATE = 5,     /* well-formed input that is not a usable template */
    PP_E_USAGE = 6,        /* bad command line */
    PP_E_RULE = 7,         /* a rule failed to load or declares invalid metadata */
    PP_E_BUDGET = 8,       /* a rule ran out of instructions or wall-clock time */
    PP_E_RULE_NOMEM = 9,   /* a rule ran out of its memory budget */
    PP_E_RULE_RUNTIME = 10,/* a rule raised a Lua error */
    PP_E_HTTP = 11,        /* an HTTP exchange failed */
    PP_E_DENIED = 12,      /* refused by policy (URL not allowed, token missing) */
    PP_E_CYCLE = 13,       /* a cycle among conditions or references */
    PP_E_INTERNAL = 14,    /* an invariant did not hold: a Parapet bug */
    PP_E_DB = 15,          /* SQLite failed */
    PP_E_NOTFOUND = 16     /* a named thing (file, rule, entry) does not exist */
} pp_status;

/* Stable upper-case name of a status ("PP_E_LIMIT"); never NULL. */
const char *pp_status_name(pp_status st);

#endif
