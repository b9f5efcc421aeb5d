/* status.c — names for pp_status codes; see status.h and docs/errors.md. */
#include "engine/base/status.h"

const char *pp_status_name(pp_status st)
{
    static const char *const names[] = {
        "PP_OK", "PP_E_NOMEM", "PP_E_IO", "PP_E_PARSE", "PP_E_LIMIT", "PP_E_TEMPLATE",
        "PP_E_USAGE", "PP_E_RULE", "PP_E_BUDGET", "PP_E_RULE_NOMEM", "PP_E_RULE_RUNTIME",
        "PP_E_HTTP", "PP_E_DENIED", "PP_E_CYCLE", "PP_E_INTERNAL", "PP_E_DB", "PP_E_NOTFOUND",
    };
    if ((unsigned)st < sizeof names / sizeof names[0])
        return names[st];
    return "PP_E_UNKNOWN_CODE";
}
