/* serve_body.c — request bodies of `parapet serve` under one shared budget: each body may
 * buffer PP_SERVE_BODY_FREE bytes on its own; growth beyond that is charged to the server's
 * body_bytes before the buffer grows (never above body_budget) and given back when the
 * request ends (serve_int.h). */
#include <stdatomic.h>
#include <stdint.h>

#include "engine/base/util.h"
#include "hooks/serve_int.h"

/* The capacity pp_buf_append will give `b` for `n` more bytes (the same doubling rule). */
static size_t body_capacity_after(const pp_buf *b, size_t n)
{
    size_t need = b->len + n + 1;
    if (need <= b->alloc)
        return b->alloc;
    size_t na = b->alloc ? b->alloc : 256;
    while (na < need && na <= SIZE_MAX / 2)
        na *= 2;
    return na;
}

/* Charges, before it happens, the growth of k's buffer for `n` more bytes beyond
 * PP_SERVE_BODY_FREE against the shared budget. 0 when it fits, -1 when the budget is spent
 * (nothing charged). */
static int body_charge(pp_server *s, pp_serve_conn *k, size_t n)
{
    size_t cap = body_capacity_after(&k->body, n);
    size_t want = cap > PP_SERVE_BODY_FREE ? cap - PP_SERVE_BODY_FREE : 0;
    if (want <= k->charged)
        return 0;
    size_t add = want - k->charged;
    size_t cur = atomic_load(&s->body_bytes);
    do {
        if (cur > s->body_budget || add > s->body_budget - cur)
            return -1;
    } while (!atomic_compare_exchange_weak(&s->body_bytes, &cur, cur + add));
    k->charged = want;
    return 0;
}

void pp_serve_body_release(pp_server *s, pp_serve_conn *k)
{
    pp_buf_free(&k->body);
    if (k->charged) {
        atomic_fetch_sub(&s->body_bytes, k->charged);
        k->charged = 0;
    }
}

void pp_serve_body_take(pp_server *s, pp_serve_conn *k, const char *upload, size_t n)
{
    if (k->too_big || k->busy)
        return;
    if (n > s->max_body - k->body.len) {
        k->too_big = 1;
        pp_serve_body_release(s, k);
    } else if (body_charge(s, k, n) != 0) {
        k->busy = 1;
        pp_serve_body_release(s, k);
    } else if (pp_buf_append(&k->body, upload, n) != PP_OK) {
        k->too_big = 1;
        pp_serve_body_release(s, k);
    }
}

