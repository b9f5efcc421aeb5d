/* faults.h — the allocation-failure injector and sweep shared by test_faults.c (engine, hook)
 * and test_faults_advisor.c (explain, KB matching, notify's messages). Included by exactly one
 * translation unit per test executable, whose malloc family it defines (docs/internals.md,
 * "Fault injection"); everything here is static to that executable. The includer defines
 * PP_FAULTS_SANITIZED handling: under a sanitizer this header is not included.
 */
#ifndef PP_TESTS_FAULTS_H
#define PP_TESTS_FAULTS_H

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/eval_int.h"

/* ---- the injector ------------------------------------------------------------------- */

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *__libc_memalign(size_t align, size_t n);

/* Blocks allocated inside the window and not yet freed: open addressing, linear probing,
 * deletion by backward shift (no tombstones). The caller address is kept for leak reports. */
#define FI_SLOTS (1u << 21)
typedef struct fi_slot {
    void *p;
    void *caller;
    size_t size;
} fi_slot;

static struct {
    int tracking;      /* window open: record blocks */
    int counting;      /* count allocations and fail per fail_at */
    long count;        /* allocations seen while counting */
    long fail_at;      /* 1-based allocation to fail; 0 = none */
    int sticky;        /* fail every allocation from fail_at on */
    long failed;       /* allocations refused in this window */
    long live;         /* tracked blocks */
    int in_lua;        /* inside the Lua allocator: its blocks are accounted by the sandbox */
    int trace;         /* PARAPET_FAULTS_TRACE: print the stack of each refused allocation */
    int overflow;      /* the table filled up: leak checks are void */
    fi_slot *slot;
} fi;

static size_t fi_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (FI_SLOTS - 1);
}

static void fi_track(void *p, size_t size, void *caller)
{
    if (!fi.tracking || !p || fi.in_lua)
        return;
    if (fi.live >= (long)(FI_SLOTS - FI_SLOTS / 4)) {
        fi.overflow = 1;
        return;
    }
    size_t i = fi_hash(p);
    while (fi.slot[i].p)
        i = (i + 1) & (FI_SLOTS - 1);
    fi.slot[i] = (fi_slot){p, caller, size};
    fi.live++;
}

static void fi_untrack(void *p)
{
    if (!fi.tracking || !p || fi.in_lua)
        return;
    size_t i = fi_hash(p);
    while (fi.slot[i].p && fi.slot[i].p != p)
        i = (i + 1) & (FI_SLOTS - 1);
    if (!fi.slot[i].p)
        return; /* allocated before the window */
    fi.slot[i].p = NULL;
    fi.live--;
    /* backward shift: move later members of the cluster into the hole when allowed */
    size_t hole = i, j = i;
    for (;;) {
        j = (j + 1) & (FI_SLOTS - 1);
        if (!fi.slot[j].p)
            break;
        size_t home = fi_hash(fi.slot[j].p);
        if (((j - home) & (FI_SLOTS - 1)) >= ((j - hole) & (FI_SLOTS - 1))) {
            fi.slot[hole] = fi.slot[j];
            fi.slot[j].p = NULL;
            hole = j;
        }
    }
}

/* 1 when this allocation must fail. */
static int fi_refuse(void)
{
    if (!fi.counting)
        return 0;
    long n = ++fi.count;
    if (fi.fail_at > 0 && (n == fi.fail_at || (fi.sticky && n > fi.fail_at))) {
        fi.failed++;
        if (fi.trace && fi.failed == 1) {
            void *frames[32];   /* backtrace was warmed up: it allocates nothing now */
            int nf = backtrace(frames, 32);
            backtrace_symbols_fd(frames, nf, 2);
        }
        errno = ENOMEM;   /* as glibc's allocators do: fopen and friends report it */
        return 1;
    }
    return 0;
}

void *malloc(size_t n)
{
    if (fi_refuse())
        return NULL;
    void *p = __libc_malloc(n);
    fi_track(p, n, __builtin_return_address(0));
    return p;
}

void *calloc(size_t n, size_t m)
{
    if (fi_refuse())
        return NULL;
    void *p = __libc_calloc(n, m);
    fi_track(p, n * m, __builtin_return_address(0));
    return p;
}

void *realloc(void *p, size_t n)
{
    if (p && n == 0) {
        fi_untrack(p);
        return __libc_realloc(p, 0);
    }
    if (fi_refuse())
        return NULL;
    void *q = __libc_realloc(p, n);
    if (q) {
        fi_untrack(p);
        fi_track(q, n, __builtin_return_address(0));
    }
    return q;
}

void free(void *p)
{
    fi_untrack(p);
    __libc_free(p);
}

void *memalign(size_t align, size_t n)
{
    if (fi_refuse())
        return NULL;
    void *p = __libc_memalign(align, n);
    fi_track(p, n, __builtin_return_address(0));
    return p;
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (fi_refuse())
        return 12; /* ENOMEM */
    void *p = __libc_memalign(align, n);
    if (!p)
        return 12;
    fi_track(p, n, __builtin_return_address(0));
    *out = p;
    return 0;
}

static void fi_open(long fail_at, int sticky)
{
    if (!fi.slot) {
        fi.slot = __libc_calloc(FI_SLOTS, sizeof *fi.slot);
        assert_non_null(fi.slot);
    }
    if (fi.live)
        memset(fi.slot, 0, FI_SLOTS * sizeof *fi.slot);
    fi.live = 0;
    fi.overflow = 0;
    fi.count = 0;
    fi.failed = 0;
    fi.fail_at = fail_at;
    fi.sticky = sticky;
    fi.tracking = 1;
    fi.counting = 1;
}

/* Stops failing (cleanup that follows still counts as part of the window's blocks). */
static void fi_stop_failing(void)
{
    fi.counting = 0;
}

static void fi_close(void)
{
    fi.counting = 0;
    fi.tracking = 0;
}

/* Lua's blocks are not tracked one by one: a Lua object made during a run may outlive it by
 * design (an interned string, a cache table replacing the previous one) while the heap stays
 * the same size. They are accounted by the sandbox's own byte count instead, which is exact
 * (see sb_alloc), and compared after a full collection. This wrapper around sb_alloc tells the
 * interposer which allocations are Lua's; they are still counted and failed like any other. */
typedef struct lua_wrap {
    lua_Alloc f;
    void *ud;
} lua_wrap;

static void *lua_wrap_alloc(void *ud, void *p, size_t osize, size_t nsize)
{
    lua_wrap *w = ud;
    fi.in_lua++;
    void *r = w->f(w->ud, p, osize, nsize);
    fi.in_lua--;
    return r;
}

__attribute__((unused)) static void lua_wrap_install(pp_sandbox *sb, lua_wrap *w)
{
    lua_State *L = pp_sandbox_state(sb);
    w->f = lua_getallocf(L, &w->ud);
    lua_setallocf(L, lua_wrap_alloc, w);
}

/* ---- scenarios ---------------------------------------------------------------------- */

/* What one run of a scenario ended with. */
typedef enum outcome { OUT_SAME = 0, OUT_ERROR } outcome;

typedef struct scenario scenario;
struct scenario {
    const char *name;
    /* Runs the operation once and cleans up after it; with `clean` set it records the
     * reference result, otherwise it compares with it. Problems go through problem(). */
    outcome (*run)(scenario *s, int clean);
    /* Called after the window stopped failing, before the leak check (Lua's GC). */
    void (*settle)(scenario *s);
    pp_ruleset *rs;        /* the Lua scenarios' rule set */
    pp_sandbox *sb;        /* and its sandbox, whose heap must not grow */
    void *ctx;
    long total;            /* allocations of a clean run */
    long swept, errors, same, problems;
};

static scenario *g_cur;    /* for problem() and the crash handler */
static long g_n;
static int g_sticky;

static void problem(const char *fmt, ...)
{
    int was_counting = fi.counting;
    fi.counting = 0;
    int was_tracking = fi.tracking;
    fi.tracking = 0;
    va_list ap;
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long seen = g_cur ? g_cur->problems++ : 0;
    if (seen < 20)
        print_error("faults: %s, fail %s N=%ld: %s\n", g_cur ? g_cur->name : "?",
                    g_sticky ? "from" : "exactly", g_n, msg);
    fi.tracking = was_tracking;
    fi.counting = was_counting;
}

static void on_crash(int sig)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "\nfaults: signal %d in scenario %s, fail %s N=%ld\n",
                     sig, g_cur ? g_cur->name : "?", g_sticky ? "from" : "exactly", g_n);
    if (n > 0)
        (void)!write(2, buf, (size_t)n);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- the sweep ---------------------------------------------------------------------- */

static int env_flag(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the scenario once with allocation n failing (0: none) and checks for leaks. */
static outcome one_run(scenario *s, long n, int sticky, int clean)
{
    g_cur = s;
    g_n = n;
    g_sticky = sticky;
    if (s->settle)
        s->settle(s);   /* start every run from the same collected heap */
    size_t lua_before = s->sb ? pp_sandbox_mem(s->sb) : 0;
    fi_open(n, sticky);
    outcome o = s->run(s, clean);
    fi_stop_failing();
    if (s->settle)
        s->settle(s);
    /* A clean run keeps its reference, so only the others are checked. */
    long failed = fi.failed, live = clean ? 0 : fi.live;
    int overflow = fi.overflow;
    if (n == 0)
        s->total = fi.count;
    fi_close();
    if (overflow)
        fail_msg("%s: the block table overflowed", s->name);
    if (s->sb && !clean && pp_sandbox_mem(s->sb) != lua_before)
        problem("the Lua heap went from %zu to %zu bytes", lua_before, pp_sandbox_mem(s->sb));
    if (live > 0) {
        long shown = s->problems < 20 ? 0 : 3;
        problem("%ld blocks leaked", live);
        /* the allocating call site, as FILE+OFFSET for addr2line -e FILE OFFSET */
        for (size_t i = 0; i < FI_SLOTS && shown < 3; i++) {
            if (!fi.slot[i].p)
                continue;
            Dl_info di;
            if (dladdr(fi.slot[i].caller, &di) && di.dli_fname)
                print_error("  leak: %zu bytes, allocated at %s+%#lx (%s)\n", fi.slot[i].size,
                            di.dli_fname,
                            (unsigned long)((char *)fi.slot[i].caller - (char *)di.dli_fbase),
                            di.dli_sname ? di.dli_sname : "?");
            shown++;
        }
        memset(fi.slot, 0, FI_SLOTS * sizeof *fi.slot);
        fi.live = 0;
    }
    if (!clean && failed == 0 && o != OUT_SAME)
        problem("an error although no allocation failed");
    return o;
}

/* The N of one sweep: every N up to `dense`, then every `stride`-th. */
static void sweep_mode(scenario *s, int sticky, long dense, long stride)
{
    for (long n = 1; n <= s->total; n = n < dense ? n + 1 : n + stride) {
        outcome o = one_run(s, n, sticky, 0);
        s->swept++;
        if (o == OUT_ERROR)
            s->errors++;
        else
            s->same++;
    }
}

static void sweep(scenario *s, long dense, long stride, long sticky_stride)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);

    const char *only = getenv("PARAPET_FAULTS_ONLY");
    if (only && strcmp(only, s->name) != 0)
        return;
    int full = env_flag("PARAPET_FAULTS_FULL");
    if (env_flag("PARAPET_FAULTS_TRACE")) {
        void *frames[4];
        backtrace(frames, 4);   /* loads libgcc's unwinder now, outside any window */
        fi.trace = 1;
    }
    double t0 = now_s();
    one_run(s, 0, 0, 1);      /* the reference; warms caches (type lists, Lua strings) */
    one_run(s, 0, 0, 0);      /* clean runs must match it and leak nothing */
    one_run(s, 0, 0, 0);      /* the count */
    if (s->total == 0)
        fail_msg("%s: the injector saw no allocation: malloc is not this program's (under "
                 "valgrind, pass --soname-synonyms=somalloc=nouserintercepts)", s->name);
    const char *one = getenv("PARAPET_FAULTS_N");
    if (one) {
        long n = strtol(one, NULL, 10);
        one_run(s, n < 0 ? -n : n, n < 0, 0);
        s->swept = 1;
    } else if (full) {
        sweep_mode(s, 0, s->total + 1, 1);
        sweep_mode(s, 1, s->total + 1, 1);
    } else {
        sweep_mode(s, 0, dense, stride);
        sweep_mode(s, 1, 0, sticky_stride);
    }
    print_message("faults: %-10s %7ld allocations, %6ld runs (%ld errors, %ld same), "
                  "%ld problems, %.1f s\n", s->name, s->total, s->swept, s->errors, s->same,
                  s->problems, now_s() - t0);
    g_cur = NULL;
    if (s->problems)
        fail_msg("%s: %ld problems", s->name, s->problems);
}

#endif
