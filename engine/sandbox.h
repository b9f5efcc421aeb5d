/* sandbox.h — a Lua 5.4 state for untrusted rule text (see ../shared/design/LUA_SANDBOX.md).
 *
 * One pp_sandbox per thread. It owns a lua_State built with a budgeted allocator, only the
 * base (trimmed), string, table, math and utf8 libraries, and a frozen "base" environment
 * table from which every chunk's private _ENV inherits. Removed: io, os, package, debug,
 * coroutine, load, loadfile, dofile, require, collectgarbage, getmetatable, setmetatable,
 * rawset, rawlen, pcall, xpcall, string.dump, math.random(seed). Calling a stubbed name
 * raises "blocked function: NAME". print writes to the sandbox's log callback.
 *
 * Budgets apply per call to pp_sandbox_call: instructions (count hook, sticky once hit),
 * wall clock, and heap growth. After a call that hit a budget the state stays usable (a full
 * garbage collection runs after a memory hit), so compiled rules survive misbehaving ones.
 */
#ifndef PP_SANDBOX_H
#define PP_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/limits.h"
#include "engine/status.h"

typedef struct pp_sandbox pp_sandbox;

typedef void (*pp_sandbox_log_fn)(void *ud, const char *chunk, const char *msg);

/* Creates a sandbox. Host libraries (the `pp` module and proxies of lua_api.c) are added by
 * the caller with pp_sandbox_set_global before any rule loads. Returns NULL on NOMEM. */
pp_sandbox *pp_sandbox_new(const pp_limits *lim);
void pp_sandbox_free(pp_sandbox *sb);           /* NULL is a no-op */
lua_State *pp_sandbox_state(pp_sandbox *sb);
void pp_sandbox_set_log(pp_sandbox *sb, pp_sandbox_log_fn fn, void *ud);

/* [-1, +0, m] Pops the value on top of the stack and stores it in the frozen base
 * environment under `name` (visible to every chunk, not assignable by them). */
void pp_sandbox_set_global(pp_sandbox *sb, const char *name);

/* Compiles text-only `src` as chunk `chunkname` ("@rules/x.lua" style), gives it a fresh
 * _ENV inheriting from the base environment, runs it under the budgets, and leaves its first
 * return value on the stack [-0, +1]. On failure pushes nothing, returns PP_E_PARSE (syntax
 * error or bytecode), PP_E_BUDGET, PP_E_RULE_NOMEM or PP_E_RULE_RUNTIME, and sets *err
 * (caller frees) to "CHUNK:LINE: message". */
pp_status pp_sandbox_load(pp_sandbox *sb, const char *chunkname, const char *src, size_t len,
                          char **err);

/* Calls the function at stack index -(nargs+1) with nargs arguments under fresh budgets
 * (instructions, deadline, memory growth measured from the call's start). On PP_OK leaves
 * `nresults` values [-(nargs+1), +nresults]; on failure leaves nothing and sets *err
 * (caller frees) with the Lua message and traceback line. Classification as for load. */
pp_status pp_sandbox_call(pp_sandbox *sb, int nargs, int nresults, char **err);

/* Bytes currently allocated by the state (for tests and metrics). */
size_t pp_sandbox_mem(const pp_sandbox *sb);
/* Counters since creation. */
typedef struct pp_sandbox_stats {
    uint64_t calls, budget_hits, mem_hits, runtime_errors, blocked_calls, rebuilds;
} pp_sandbox_stats;
void pp_sandbox_get_stats(const pp_sandbox *sb, pp_sandbox_stats *out);

#endif
