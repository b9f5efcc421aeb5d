/* serve_lanes.c — the accepting thread and its lanes (see serve_lanes.h).
 *
 * Counting: the accepting thread counts the connections it hands to each lane (`handed`) and
 * the lane's thread counts those it closes (`closed`, from MHD_CONNECTION_NOTIFY_CLOSED), so
 * handed - closed is what a lane holds, including connections handed over that its thread
 * has not picked up yet. Both only grow; unsigned subtraction stays right across wrap-around.
 * If libmicrohttpd drops a handed connection before it starts (its own allocation failed),
 * no CLOSED arrives and that lane counts one connection too many from then on: it gets
 * slightly less new work and the limit is reached one connection earlier, nothing worse.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "hooks/serve_lanes.h"

#define PP_LANES_ACCEPT_BURST 64     /* accepts per wake-up before looking at signals again */
#define PP_LANES_BACKOFF_MS 50       /* pause after running out of descriptors, or at the limit */

typedef struct lane {
    struct MHD_Daemon *d;
    atomic_uint handed;   /* written by the accepting thread only */
    atomic_uint closed;   /* written by the lane's thread only */
} lane;

struct pp_lanes {
    int lfd;
    unsigned port;
    unsigned n;
    unsigned max_conns;
    unsigned next;        /* where the search for the least-loaded lane starts (ties rotate) */
    int last_errno;       /* of the last accept error reported (0 after a success) */
    lane *lanes;
};

static unsigned lane_load(const lane *ln)
{
    return atomic_load_explicit(&ln->handed, memory_order_relaxed) -
           atomic_load_explicit(&ln->closed, memory_order_relaxed);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)c;
    (void)socket_context;
    lane *ln = cls;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_add_explicit(&ln->closed, 1, memory_order_relaxed);
}

unsigned pp_lanes_connections(const pp_lanes *l)
{
    unsigned total = 0;
    for (unsigned i = 0; l && i < l->n; i++)
        total += lane_load(&l->lanes[i]);
    return total;
}

unsigned pp_lanes_count(const pp_lanes *l)
{
    return l ? l->n : 0;
}

unsigned pp_lanes_lane_connections(const pp_lanes *l, unsigned i)
{
    return lane_load(&l->lanes[i]);
}

unsigned pp_lanes_port(const pp_lanes *l)
{
    return l->port;
}

static pp_status listen_on(pp_lanes *l, const struct sockaddr *addr, socklen_t alen, char **err)
{
    l->lfd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (l->lfd < 0)
        return pp_err(err, PP_E_IO, "socket: %s", strerror(errno));
    int one = 1;
    setsockopt(l->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->sa_family == AF_INET6)
        setsockopt(l->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(l->lfd, addr, alen) != 0)
        return pp_err(err, PP_E_IO, "bind: %s", strerror(errno));
    if (listen(l->lfd, SOMAXCONN) != 0)
        return pp_err(err, PP_E_IO, "listen: %s", strerror(errno));
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (getsockname(l->lfd, (struct sockaddr *)&bound, &blen) != 0)
        return pp_err(err, PP_E_IO, "getsockname: %s", strerror(errno));
    l->port = bound.ss_family == AF_INET6
                  ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                  : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    return PP_OK;
}

pp_status pp_lanes_open(const struct sockaddr *addr, socklen_t alen, unsigned nlanes,
                        unsigned max_conns, pp_lane_start_fn start, void *cls, pp_lanes **out,
                        char **err)
{
    *out = NULL;
    pp_lanes *l = calloc(1, sizeof *l);
    if (!l || !(l->lanes = calloc(nlanes, sizeof *l->lanes))) {
        free(l);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    l->lfd = -1;
    l->n = nlanes;
    l->max_conns = max_conns;
    pp_status st = listen_on(l, addr, alen, err);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
                     MHD_USE_NO_LISTEN_SOCKET;
    for (unsigned i = 0; st == PP_OK && i < nlanes; i++) {
        l->lanes[i].d = start(cls, flags, on_connection, &l->lanes[i]);
        if (!l->lanes[i].d)
            st = pp_err(err, PP_E_IO, "cannot start worker thread %u of %u", i + 1, nlanes);
    }
    if (st != PP_OK) {
        pp_lanes_close(l);
        return st;
    }
    *out = l;
    return PP_OK;
}

/* Hands fd to the lane holding the fewest connections; ties go round the lanes. */
static void hand_over(pp_lanes *l, int fd, const struct sockaddr *sa, socklen_t salen)
{
    unsigned best = l->next % l->n, best_load = lane_load(&l->lanes[best]);
    for (unsigned k = 1; k < l->n && best_load; k++) {
        unsigned i = (l->next + k) % l->n, load = lane_load(&l->lanes[i]);
        if (load < best_load) {
            best = i;
            best_load = load;
        }
    }
    l->next = best + 1;
    lane *ln = &l->lanes[best];
    /* counted before the call: the lane's thread may close it before the call returns */
    atomic_fetch_add_explicit(&ln->handed, 1, memory_order_relaxed);
    if (MHD_add_connection(ln->d, fd, sa, salen) != MHD_YES)   /* closes fd either way */
        atomic_fetch_sub_explicit(&ln->handed, 1, memory_order_relaxed);
}

/* Accepts what is queued, up to a burst. Returns 1 to pause: out of descriptors, at the
 * connection limit, or a listener error. */
static int accept_some(pp_lanes *l)
{
    for (int i = 0; i < PP_LANES_ACCEPT_BURST; i++) {
        if (pp_lanes_connections(l) >= l->max_conns)
            return 1;
        struct sockaddr_storage sa;
        socklen_t salen = sizeof sa;
        int fd = accept4(l->lfd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            l->last_errno = 0;
            hand_over(l, fd, (struct sockaddr *)&sa, salen);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        /* Out of descriptors or memory (or a listener error): pause, and say so once per
         * kind in a row rather than every PP_LANES_BACKOFF_MS. */
        if (errno != l->last_errno) {
            l->last_errno = errno;
            int res = errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
            fprintf(stderr, "parapet serve: accept: %s%s\n", strerror(errno),
                    res ? " (connections wait in the listen queue; raise ulimit -n or lower "
                          "--max-connections)" : "");
        }
        return 1;
    }
    return 0;
}

int pp_lanes_run(pp_lanes *l, const sigset_t *stop, unsigned tick_ms, void (*tick)(void *),
                 void *cls)
{
    int sfd = signalfd(-1, stop, SFD_CLOEXEC);
    if (sfd < 0) {
        fprintf(stderr, "parapet serve: signalfd: %s\n", strerror(errno));
        return -1;
    }
    uint64_t next_tick = pp_now_ms() + tick_ms;
    int paused = 0, sig = -1;
    for (;;) {
        struct pollfd p[2] = { { sfd, POLLIN, 0 }, { paused ? -1 : l->lfd, POLLIN, 0 } };
        uint64_t now = pp_now_ms();
        int timeout = paused ? PP_LANES_BACKOFF_MS
                             : (next_tick > now ? (int)(next_tick - now) : 0);
        int r = poll(p, 2, timeout);
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "parapet serve: poll: %s\n", strerror(errno));
            break;
        }
        if (r > 0 && (p[0].revents & POLLIN)) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                sig = (int)si.ssi_signo;
                break;
            }
        }
        paused = accept_some(l);
        now = pp_now_ms();
        if (now >= next_tick) {
            tick(cls);
            next_tick = now + tick_ms;
        }
    }
    close(sfd);
    return sig;
}

void pp_lanes_close(pp_lanes *l)
{
    if (!l)
        return;
    if (l->lfd >= 0)
        close(l->lfd);
    for (unsigned i = 0; i < l->n; i++)
        if (l->lanes[i].d)
            MHD_stop_daemon(l->lanes[i].d);
    free(l->lanes);
    free(l);
}
