/* kb.h — the knowledge base: entries loaded from kb/NAME.yaml or from the compiled build/kb.db.
 *
 * Data flow: kb/NAME.yaml --(pp_kb_load_dir, `parapet kb build`)--> build/kb.db (SQLite: entries
 * table + FTS5 index over title/explanation/examples) --(pp_kb_open)--> pp_kb in memory with
 * every pattern compiled (kb_match.h) → explain.
 *
 * Entry fields (docs/kb.md): id, kind, title, service, resource_types, statuses, priority,
 * role, broad, pattern, explanation, fix, commands, links, prevented_by, examples. Each entry
 * is kept as its normalised JSON object (`doc`); the typed fields below borrow from it.
 *
 * A pp_kb is not thread-safe (it owns PCRE2 match data and an SQLite connection): one per
 * thread, as ARCHITECTURE.md has it for `serve` workers.
 */
#ifndef PP_ADVISOR_KB_H
#define PP_ADVISOR_KB_H

#include <jansson.h>
#include <stddef.h>

#include "engine/base/status.h"
#include "engine/base/util.h"

#define PP_KB_SCHEMA_VERSION "4"   /* 2: broad; 3: role; 4: rivals */
#define PP_KB_MAX_FILE_BYTES (256u << 10)   /* one entry file */
#define PP_KB_MAX_ENTRIES 10000
#define PP_KB_MAX_PATTERN 4096

/* What an entry's wording says about an event in a cascade (`role:`; rootcause.h rule 1). The
 * wording that tells wrappers and weak events from causes is KB data, not C: rootcause asks
 * pp_kb_role_of (kb_match.h). */
typedef enum pp_kb_role {
    PP_KB_ROLE_CAUSE = 0,     /* the default: the event says why something failed */
    PP_KB_ROLE_WEAK = 1,      /* usually a consequence ("Internal Failure", waiter errors) */
    PP_KB_ROLE_WRAPPER = 2    /* only ever a consequence ("Resource creation cancelled") */
} pp_kb_role;

/* "cause", "weak" or "wrapper"; never NULL. */
const char *pp_kb_role_name(pp_kb_role r);

typedef struct pp_kb_entry {
    json_t *doc;              /* owned: the normalised entry object */
    const char *id;           /* [a-z0-9][a-z0-9.-]*, unique */
    const char *kind;         /* failure kind; several entries may share one (defaults to id) */
    const char *title;
    const char *service;      /* cloudformation, ecs, iam, ec2, elb, lambda, … */
    const char *pattern;      /* PCRE2, compiled with UTF|DOTALL */
    const char *explanation;
    json_t *resource_types;   /* borrowed arrays of strings (may be empty) */
    json_t *statuses;
    json_t *fix;
    json_t *commands;
    json_t *links;
    json_t *prevented_by;
    json_t *examples;         /* array of {message, resource_type?, status?, captures?} */
    json_t *rivals;           /* borrowed array: the kinds of other entries' examples that this
                                 entry's pattern also matches (pp_kb_find_rivals); a match of
                                 an entry with rivals answers at confidence medium */
    int priority;             /* -100..100, added to specificity ×1000 */
    pp_kb_role role;          /* `role:`, PP_KB_ROLE_CAUSE when absent */
    int broad;                /* `broad: true`: a catch-all for a whole failure family; it never
                                 outranks a specific entry that also matches, and a root cause
                                 it explains is given confidence low */
    const char *file;         /* borrowed from doc ("file") */
    unsigned line;            /* line of `pattern` in the file */
    void *re;                 /* pcre2_code *, owned */
    int literal_len;          /* literal characters in the pattern: the specificity base */
    char **names;             /* named groups, NULL-terminated; owned */
} pp_kb_entry;

typedef struct pp_kb {
    pp_kb_entry *e;
    size_t n;
    void *db;                 /* sqlite3 * when opened from a database (FTS), else NULL */
    void *md;                 /* pcre2_match_data * shared by all matches on this kb */
    void *mctx;               /* pcre2_match_context * with match/depth limits */
    void *jit_stack;
    char *path;               /* where it came from */
} pp_kb;

/* Loads and validates every .yaml file under `dir` (sorted by name) and compiles the patterns.
 * Returns PP_OK with *out (caller frees with pp_kb_free). On invalid entries returns PP_E_PARSE
 * (or PP_E_LIMIT/PP_E_IO/PP_E_NOMEM) with *err listing every problem, one "FILE:LINE: expected
 * …" per line (caller frees). */
pp_status pp_kb_load_dir(const char *dir, pp_kb **out, char **err);

/* The same for one entry source: buf[0..len) (need not be NUL-terminated) is the text of a
 * kb/NAME.yaml file named `name` in messages; at most PP_KB_MAX_FILE_BYTES. Returns a KB of one
 * entry in *out (caller frees with pp_kb_free) or, as above, PP_E_PARSE and *err. */
pp_status pp_kb_load_buf(const char *name, const char *buf, size_t len, pp_kb **out, char **err);

/* Writes kb into a new SQLite database at `path` (written beside it, then renamed). */
pp_status pp_kb_build(const pp_kb *kb, const char *path, char **err);

/* Opens a database written by pp_kb_build read-only and compiles its patterns. PP_E_NOTFOUND
 * when the file does not exist; PP_E_DB when it is not a KB of this schema. */
pp_status pp_kb_open(const char *path, pp_kb **out, char **err);

void pp_kb_free(pp_kb *kb);   /* NULL is a no-op */

/* Index of the entry with this id, or (size_t)-1. */
size_t pp_kb_find(const pp_kb *kb, const char *id);

/* Checks every example of every entry: it must match its own entry best (under its own
 * resource_type/status), capture what the example's `captures` say, never be won by a
 * `broad: true` entry when its own entry is specific, and have the role of its entry under
 * pp_kb_role_of; every {placeholder} in fix/commands must be a named group of the pattern or
 * an event field. Appends one line per problem to `report`; returns the number of problems. */
size_t pp_kb_lint(pp_kb *kb, pp_buf *report);

/* Checks that every prevented_by id of every entry is one of rule_ids[0..nrules) (the ids the
 * rule loader finds, in any order). Appends one line per dangling id to `report` (naming the
 * entry's file and line); returns how many. */
size_t pp_kb_lint_links(const pp_kb *kb, const char *const *rule_ids, size_t nrules,
                        pp_buf *report);

/* Number of distinct kinds. */
size_t pp_kb_kinds(const pp_kb *kb);

/* Event fields usable as {placeholders} without a capture, NULL-terminated. */
extern const char *const pp_kb_event_fields[];

#endif
