/* watchdog.c — see watchdog.h.
 *
 * Publication: pp_watch_begin writes `runner` (first run only), clears `fired`, bumps `seq`
 * and then stores `started_ms`; the watchdog reads `started_ms` first, so whatever it reads
 * after a non-zero value belongs to a run at least that recent. A signal meant for a run that
 * has just ended finds `started_ms` 0 (the handler does nothing) or lands in the next run (it
 * gets its hook early, which only costs that run some speed).
 *
 * Sleeping: the watchdog stores wd_idle = 1 and then looks at every slot once more before it
 * waits; a run that begins stores `started_ms` and then reads wd_idle. Both are sequentially
 * consistent, so either the watchdog sees the run or the run sees wd_idle and signals the
 * condition variable, under the mutex the watchdog holds until it waits.
 */
#include "engine/watchdog.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "engine/base/util.h"

static pthread_mutex_t wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cv = PTHREAD_COND_INITIALIZER;
static pp_watch_slot **wd_slots;   /* registered slots, under wd_mu */
static size_t wd_n, wd_cap;
static int wd_state;               /* 0 not started, 1 running, -1 unavailable; under wd_mu */
static int wd_sig;                 /* set before the thread starts, read-only after */
static atomic_int wd_idle;
static _Thread_local pp_watch_slot *tl_slot;   /* the slot running on this thread */
static _Thread_local int tl_unblocked;

static void on_signal(int sig)
{
    (void)sig;
    int saved = errno;
    pp_watch_slot *s = tl_slot;
    if (s && atomic_load(&s->started_ms) && !atomic_exchange(&s->fired, 1))
        s->fire(s->ud);
    errno = saved;
}

/* Signals every slot whose run is old enough and was not signalled yet. Returns 1 while any
 * slot is running or began a run since the previous scan (*seqsum changes), and sets *wait_ms
 * to when the next run comes of age. Under wd_mu. */
static int scan(uint64_t *seqsum, uint64_t *wait_ms)
{
    uint64_t now = pp_now_ms(), sum = 0;
    int busy = 0;
    *wait_ms = PP_WATCH_AFTER_MS;
    for (size_t i = 0; i < wd_n; i++) {
        pp_watch_slot *s = wd_slots[i];
        uint64_t t = atomic_load(&s->started_ms);
        uint64_t seq = atomic_load(&s->seq);
        sum += seq;
        if (!t)
            continue;
        busy = 1;
        if (atomic_load(&s->fired) || s->signalled_seq == seq)
            continue;
        if (now >= t + PP_WATCH_AFTER_MS) {
            s->signalled_seq = seq;
            pthread_kill(s->runner, wd_sig);
        } else if (t + PP_WATCH_AFTER_MS - now < *wait_ms) {
            *wait_ms = t + PP_WATCH_AFTER_MS - now;
        }
    }
    busy |= sum != *seqsum;
    *seqsum = sum;
    return busy;
}

/* While runs keep coming the thread wakes when the oldest comes of age (at most every
 * PP_WATCH_AFTER_MS); after PP_WATCH_LINGER_MS without one it waits on wd_cv, so an idle
 * process has no wake-ups and a busy one no futex calls. */
static void *wd_main(void *arg)
{
    (void)arg;
    uint64_t seqsum = 0, wait_ms, last_busy = pp_now_ms();
    pthread_mutex_lock(&wd_mu);
    for (;;) {
        uint64_t now = pp_now_ms();
        if (scan(&seqsum, &wait_ms))
            last_busy = now;
        if (now - last_busy < PP_WATCH_LINGER_MS) {
            struct timespec nap = { 0, (long)(wait_ms ? wait_ms : 1) * 1000000L };
            pthread_mutex_unlock(&wd_mu);
            nanosleep(&nap, NULL);
            pthread_mutex_lock(&wd_mu);
            continue;
        }
        atomic_store(&wd_idle, 1);
        if (!scan(&seqsum, &wait_ms))
            pthread_cond_wait(&wd_cv, &wd_mu);
        atomic_store(&wd_idle, 0);
        last_busy = pp_now_ms();
    }
    return NULL;
}

/* Installs the handler and starts the thread once. Under wd_mu. */
static int wd_start(void)
{
    if (wd_state)
        return wd_state > 0 ? 0 : -1;
    wd_state = -1;
    wd_sig = SIGRTMIN + 4;
    if (wd_sig > SIGRTMAX)
        return -1;
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_signal;
    if (sigaction(wd_sig, &sa, NULL) != 0)
        return -1;
    /* the thread takes no signal at all: process-directed ones go to the program's threads */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    int rc = pthread_create(&t, NULL, wd_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -1;
    pthread_detach(t);
    wd_state = 1;
    return 0;
}

int pp_watch_register(pp_watch_slot *s)
{
    atomic_store(&s->started_ms, 0);
    atomic_store(&s->seq, 0);
    atomic_store(&s->fired, 0);
    s->runner_set = 0;
    s->signalled_seq = 0;
    pthread_mutex_lock(&wd_mu);
    int rc = wd_start();
    if (rc == 0 && wd_n == wd_cap) {
        size_t cap = wd_cap ? 2 * wd_cap : 16;
        pp_watch_slot **ns = realloc(wd_slots, cap * sizeof *ns);
        if (ns) {
            wd_slots = ns;
            wd_cap = cap;
        } else {
            rc = -1;
        }
    }
    if (rc == 0)
        wd_slots[wd_n++] = s;
    pthread_mutex_unlock(&wd_mu);
    return rc;
}

void pp_watch_unregister(pp_watch_slot *s)
{
    pthread_mutex_lock(&wd_mu);
    for (size_t i = 0; i < wd_n; i++) {
        if (wd_slots[i] == s) {
            wd_slots[i] = wd_slots[--wd_n];
            break;
        }
    }
    pthread_mutex_unlock(&wd_mu);
}

int pp_watch_begin(pp_watch_slot *s)
{
    pthread_t self = pthread_self();
    if (s->runner_set && !pthread_equal(s->runner, self))
        return -1;
    if (!tl_unblocked) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, wd_sig);
        if (pthread_sigmask(SIG_UNBLOCK, &set, NULL) != 0)
            return -1;
        tl_unblocked = 1;
    }
    if (!s->runner_set) {
        s->runner = self;
        s->runner_set = 1;
    }
    tl_slot = s;
    atomic_store(&s->fired, 0);
    atomic_fetch_add(&s->seq, 1);
    uint64_t now = pp_now_ms();
    atomic_store(&s->started_ms, now ? now : 1);
    if (atomic_load(&wd_idle)) {
        pthread_mutex_lock(&wd_mu);
        pthread_cond_signal(&wd_cv);
        pthread_mutex_unlock(&wd_mu);
    }
    return 0;
}

int pp_watch_end(pp_watch_slot *s)
{
    atomic_store(&s->started_ms, 0);
    tl_slot = NULL;
    return atomic_load(&s->fired);
}
