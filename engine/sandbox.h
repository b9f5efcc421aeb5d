/* sandbox.h — a Lua 5.4 state for untrusted rule text (see ../shared/design/LUA_SANDBOX.md).
 *
 * One pp_sandbox per thread. It owns a lua_State built with a budgeted allocator, only the
 * base (trimmed), string, table, math and utf8 libraries, and a frozen "base" environment
 * table from which every chunk's private _ENV inherits. Removed: io, os, package, debug,
 * coroutine, load, loadfile, dofile, require, collectgarbage, getmetatable, setmetatable,
 * rawset, rawlen, pcall, xpcall, warn, string.dump, math.random(seed). Calling a stubbed
 * name raises "blocked function: NAME". print writes to the sandbox's log callback. Library
 * tables are read-only proxies; the string metatable is locked (__metatable = false).
 *
 * Budgets apply per run of pp_sandbox_load and pp_sandbox_call: instructions (count hook,
 * sticky once hit), wall clock, and heap growth. The hook only runs while Lua code runs: a
 * long C library call (string.rep, table.concat, gsub) is bounded by the memory budget and
 * by input size, not by the instruction or time budget. Known gap: backtracking patterns
 * allocate nothing, so string.rep('a', 3000):find('.-.-.-b') runs for minutes past any
 * deadline; fixing it needs a step-counting matcher in place of lstrlib's find/match/gmatch/
 * gsub (or a cap on subject length times pattern quantifiers). After a call that hit a budget the state stays usable (a full
 * garbage collection runs after a memory hit), so compiled rules survive misbehaving ones.
 */
#ifndef PP_SANDBOX_H
#define PP_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/base/limits.h"
#include "engine/base/status.h"

typedef struct pp_sandbox pp_sandbox;

/* Receives one rule print line; both strings are borrowed for the call only. */
typedef void (*pp_sandbox_log_fn)(void *ud, const char *chunk, const char *msg);

/* Creates a sandbox. `lim` is copied (NULL = PP_LIMITS_DEFAULT); of it the sandbox uses
 * rule_instructions, rule_deadline_ms and rule_memory_bytes, where 0 turns that budget off.
 * Host libraries (the `pp` module and proxies of lua_api.c) are added by the caller with
 * pp_sandbox_set_global before any rule loads. The state is built in protected mode, so an
 * allocation failure returns NULL instead of aborting. Caller frees with pp_sandbox_free. */
pp_sandbox *pp_sandbox_new(const pp_limits *lim);
/* Closes the state (every value it holds, rules included) and frees sb. NULL is a no-op. */
void pp_sandbox_free(pp_sandbox *sb);
/* The state, borrowed from sb. Host code may push values and call the API on it between
 * runs: nothing is charged to a budget there, but an allocation failure outside lua_pcall
 * reaches the panic handler, which prints the message and aborts. Not thread-safe. */
lua_State *pp_sandbox_state(pp_sandbox *sb);
/* Routes rule `print` output (tab-joined tostring of the arguments) to fn with the short
 * chunk name ("rules/x.lua") and the line; fn must copy what it keeps. NULL drops it. */
void pp_sandbox_set_log(pp_sandbox *sb, pp_sandbox_log_fn fn, void *ud);

/* [-1, +0, -] Pops the value on top of the stack and stores it in the frozen base
 * environment under `name` (visible to every chunk, not assignable by them). A table without
 * a metatable is stored as a read-only proxy (writes raise "attempt to modify read-only
 * table 'NAME'", pairs and # still work); the proxy is shallow, so wrap nested tables with
 * pp_sandbox_push_readonly first. Runs in protected mode and does not count against any
 * budget. Returns PP_OK, or PP_E_NOMEM (value popped all the same). */
pp_status pp_sandbox_set_global(pp_sandbox *sb, const char *name);

/* [-0, +1, m] Pushes a read-only proxy of the table at `idx` (shallow: __index reads the
 * table, __newindex raises "attempt to modify read-only table 'NAME'", __pairs and __len
 * see the table, __metatable is false). Raises on allocation failure, so call it from a
 * function run under lua_pcall (pp_sandbox_set_global does). `name` is copied. */
void pp_sandbox_push_readonly(lua_State *L, int idx, const char *name);

/* [-0, +1, m] Pushes the tostring of stack values 1..n joined by tabs, as print writes them
 * (the sandbox's print and pp.log). */
void pp_sandbox_push_joined(lua_State *L, int n);

/* Compiles text-only `src` as chunk `chunkname` ("@rules/x.lua" style), gives it a fresh
 * _ENV inheriting from the base environment (its _G is itself), runs it under the budgets
 * (compilation is charged to the same memory budget), and leaves its first return value on
 * the stack [-0, +1]. On failure pushes nothing, returns PP_E_PARSE (syntax error or
 * bytecode), PP_E_BUDGET, PP_E_RULE_NOMEM or PP_E_RULE_RUNTIME, and sets *err (caller frees)
 * to "CHUNK:LINE: message" ("CHUNK: message" when there is no line). PP_E_NOMEM means the
 * host allocator failed, not the budget; PP_E_INTERNAL that it was called from inside a
 * run (runs do not nest). */
pp_status pp_sandbox_load(pp_sandbox *sb, const char *chunkname, const char *src, size_t len,
                          char **err);

/* The same for a precompiled chunk (lua_dump output, from a rules cache the operator named:
 * engine/rules_cache.h). Lua does not verify bytecode, so a chunk given here carries the
 * trust of the binary; text stays the only form accepted from rule folders. A chunk that
 * does not load (another Lua build, damage) gives PP_E_PARSE. */
pp_status pp_sandbox_load_binary(pp_sandbox *sb, const char *chunkname, const char *code,
                                 size_t len, char **err);

/* The same (mode "t": text, "b": a precompiled chunk, as pp_sandbox_load_binary), and also
 * from a C function that a run in progress called (a rule's pp.lib of a module loaded by
 * need): that run's budgets stop while this chunk runs under fresh ones, exactly those of a
 * load outside any run (instructions, deadline, memory growth; same fresh _ENV), then go on
 * where they were, with the deadline moved by the time the nested load took and the memory
 * it keeps not charged to the outer run (the rule set's ceiling still holds). Outside a run it
 * is pp_sandbox_load or pp_sandbox_load_binary. Leaves the chunk's first result on success. */
pp_status pp_sandbox_load_nested(pp_sandbox *sb, const char *chunkname, const char *code,
                                 size_t len, const char *mode, char **err);

/* Calls the function at stack index -(nargs+1) with nargs arguments under fresh budgets
 * (deadline and memory growth measured from the call's start, instructions from when the
 * count hook is set: see PP_SANDBOX_DEFER_MIN_INSTRUCTIONS). On PP_OK leaves
 * `nresults` values (LUA_MULTRET allowed) [-(nargs+1), +nresults]; on failure leaves nothing
 * and sets *err (caller frees) to "CHUNK:LINE: message", the location of the innermost Lua
 * frame. Classification as for load (no PP_E_PARSE). Allocates nothing of its own, so the
 * cost per call is one lua_pcall, one lua_sethook, two clock reads and a few atomic stores. */
pp_status pp_sandbox_call(pp_sandbox *sb, int nargs, int nresults, char **err);

/* Bytes currently allocated by the state (for tests and metrics). */
size_t pp_sandbox_mem(const pp_sandbox *sb);
/* Counters since creation. calls: pp_sandbox_call runs; budget_hits: instruction or time
 * budget (load and call); mem_hits: memory budget; runtime_errors: other rule errors;
 * blocked_calls: calls of stubbed functions (also counted as runtime errors); rebuilds:
 * reserved, always 0 (the state is never rebuilt, so compiled rules stay valid). */
typedef struct pp_sandbox_stats {
    uint64_t calls, budget_hits, mem_hits, runtime_errors, blocked_calls, rebuilds;
    uint64_t hooked_runs;   /* runs (loads included) that ran under the count hook */
} pp_sandbox_stats;
void pp_sandbox_get_stats(const pp_sandbox *sb, pp_sandbox_stats *out);

/* Count hook period in VM instructions: the instruction budget is enforced to within this
 * many instructions, and the deadline is polled this often. */
#define PP_SANDBOX_HOOK_EVERY 1000

/* The count hook makes Lua stop at every instruction, so a run starts without it when its
 * budgets allow, and the watchdog (watchdog.h) sets it once the run has lasted
 * PP_WATCH_AFTER_MS. The instruction budget then counts from that moment: a run may execute
 * what it manages in those first milliseconds on top of it. With a budget below this many
 * instructions (or a deadline under 4 x PP_WATCH_AFTER_MS), runs are hooked from their start
 * and the budget is exact to PP_SANDBOX_HOOK_EVERY. */
#define PP_SANDBOX_DEFER_MIN_INSTRUCTIONS 5000000

/* Test hook for allocation-failure sweeps (curl torture style), per thread. After `n` more
 * growing allocations made by any sandbox of this thread (the pp_sandbox struct included),
 * every further one fails as if the host were out of memory, until the next call. n < 0
 * disables injection. Returns how many allocations were failed since the previous call. */
long pp_sandbox_test_fail_after(long n);

#endif
