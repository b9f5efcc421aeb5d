/* serve_lanes.h — `parapet serve`'s listener: one accepting thread and N lanes.
 *
 * A lane is a libmicrohttpd daemon with its own polling thread and no listen socket. The
 * caller's thread accepts every connection and hands it to the lane that holds the fewest,
 * so the lanes (and the Lua state each lane's thread owns) share the load evenly. With
 * libmicrohttpd's own thread pool each worker races to accept, and a burst of keep-alive
 * connections could all land on one worker while the other cores idle.
 */
#ifndef PP_HOOKS_SERVE_LANES_H
#define PP_HOOKS_SERVE_LANES_H

#include <signal.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "engine/base/util.h"

typedef struct pp_lanes pp_lanes;

/* Starts one lane's daemon: the caller adds its handlers and options to flags
 * (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_NO_LISTEN_SOCKET | ...) and must pass
 * MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls. NULL when it cannot start. */
typedef struct MHD_Daemon *(*pp_lane_start_fn)(void *cls, unsigned flags,
                                              MHD_NotifyConnectionCallback notify,
                                              void *notify_cls);

/* Binds and listens on addr (IPv6 addresses only for IPv6), then starts nlanes lanes. Past
 * max_conns open connections the listener stops accepting and new connections wait in the
 * kernel's listen queue. */
pp_status pp_lanes_open(const struct sockaddr *addr, socklen_t alen, unsigned nlanes,
                        unsigned max_conns, pp_lane_start_fn start, void *cls, pp_lanes **out,
                        char **err);

/* The bound port (useful after port 0). */
unsigned pp_lanes_port(const pp_lanes *l);

/* Open connections over all lanes (0 for NULL); safe from any thread. */
unsigned pp_lanes_connections(const pp_lanes *l);

/* The number of lanes, and the open connections of lane i (< that number); any thread. */
unsigned pp_lanes_count(const pp_lanes *l);
unsigned pp_lanes_lane_connections(const pp_lanes *l, unsigned i);

/* Accepts on the calling thread until one of the (blocked) signals in `stop` arrives, calling
 * tick(cls) every tick_ms. Returns the signal number, or -1 when the listener fails. */
int pp_lanes_run(pp_lanes *l, const sigset_t *stop, unsigned tick_ms, void (*tick)(void *),
                 void *cls);

/* Stops accepting, then stops every lane; a request already running finishes first. */
void pp_lanes_close(pp_lanes *l);

#endif
