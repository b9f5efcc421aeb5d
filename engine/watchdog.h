/* watchdog.h — one thread per process that interrupts long runs (used by the sandbox).
 *
 * Lua's count hook, once set, makes the VM stop at every instruction (luaG_traceexec), which
 * cost a sixth of a hook request's instructions although almost every rule call ends within
 * a few dozen microseconds. So a call starts without the hook, and this watchdog sets it — by
 * a signal to the calling thread, whose handler calls lua_sethook, the one Lua function made
 * to be called from a signal handler — once the call has run PP_WATCH_AFTER_MS. From then on
 * the hook enforces the budgets as before.
 *
 * A slot is one caller (one sandbox): registered once, then pp_watch_begin / pp_watch_end
 * around each run, on the thread that runs it. While runs keep coming the watchdog thread
 * wakes at most every PP_WATCH_AFTER_MS; once none has begun for PP_WATCH_LINGER_MS it sleeps
 * on a condition variable until the next one.
 */
#ifndef PP_WATCHDOG_H
#define PP_WATCHDOG_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define PP_WATCH_AFTER_MS 5     /* a run this old gets fire() */
#define PP_WATCH_LINGER_MS 200  /* without runs for this long the thread sleeps until one */

typedef struct pp_watch_slot {
    /* set by the owner before pp_watch_register; fire runs in a signal handler on the
     * running thread, at most once per run, and must be async-signal-safe */
    void (*fire)(void *ud);
    void *ud;
    /* private */
    _Atomic uint64_t started_ms;   /* pp_now_ms() at pp_watch_begin; 0 while idle */
    _Atomic uint64_t seq;          /* runs begun */
    atomic_int fired;              /* fire() ran for the current run */
    pthread_t runner;              /* the thread of every run (set by the first) */
    int runner_set;
    uint64_t signalled_seq;        /* the watchdog's: the run it last signalled */
} pp_watch_slot;

/* 0 when the slot is watched from now on; -1 when the watchdog is not available (its thread
 * or signal could not be set up, or out of memory): then the caller must not defer. */
int pp_watch_register(pp_watch_slot *s);

/* Removes a registered slot (not during a run); the watchdog never touches it afterwards. */
void pp_watch_unregister(pp_watch_slot *s);

/* Starts a watched run on this thread: 0, or -1 when this run cannot be watched (a thread
 * other than the slot's first, or the signal cannot be unblocked here): then the caller arms
 * its hook itself. */
int pp_watch_begin(pp_watch_slot *s);

/* Ends the run begun by pp_watch_begin. Returns 1 when fire() ran during it. */
int pp_watch_end(pp_watch_slot *s);

#endif
