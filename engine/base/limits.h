/* limits.h — every cap Parapet enforces on untrusted input, with its safe default.
 * One struct travels through loaders, the resolver and the sandbox so that a front end
 * (CLI, hook server, Lambda) can tighten them in one place. Documented in docs/cli.md.
 */
#ifndef PP_LIMITS_H
#define PP_LIMITS_H

#include <stddef.h>
#include <stdint.h>

typedef struct pp_limits {
    size_t max_input_bytes;     /* one template file or payload */
    size_t max_depth;           /* nesting of objects/arrays (and YAML collections) */
    size_t max_string_bytes;    /* one scalar */
    size_t max_nodes;           /* values in one document, after alias expansion */
    size_t max_alias_nodes;     /* values produced by YAML aliases in one document */
    size_t max_resolve_steps;   /* intrinsic evaluations in one template */
    size_t max_candidates;      /* candidate values carried by one unknown */
    uint64_t rule_instructions; /* Lua VM instructions per rule evaluation */
    size_t rule_memory_bytes;   /* Lua heap growth allowed per rule evaluation */
    size_t rule_state_bytes;    /* whole Lua heap of one rule set (what rules keep adds up);
                                   0 = no ceiling */
    uint64_t rule_deadline_ms;  /* wall clock per rule evaluation */
    unsigned rule_max_worlds;   /* re-runs over unknown candidates per evaluation */
} pp_limits;

#define PP_LIMITS_DEFAULT { \
    .max_input_bytes = 64u << 20, \
    .max_depth = 256, \
    .max_string_bytes = 4u << 20, \
    .max_nodes = 4000000, \
    .max_alias_nodes = 100000, \
    .max_resolve_steps = 10000000, \
    .max_candidates = 64, \
    .rule_instructions = 10000000, \
    .rule_memory_bytes = 32u << 20, \
    .rule_state_bytes = 256u << 20, \
    .rule_deadline_ms = 2000, \
    .rule_max_worlds = 32, \
}

#endif
