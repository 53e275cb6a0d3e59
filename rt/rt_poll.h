/* A worker's poller: the one place a worker waits, over either I/O backend
 * (rt_io.h). With io_uring it is the worker's own ring; with epoll it is an
 * epoll set holding an eventfd (wake-ups), a timerfd (the nearest deadline)
 * and one-shot registrations of the descriptors tasks wait on.
 * Runtime-internal. */
#ifndef SIFR_RT_POLL_H
#define SIFR_RT_POLL_H

#include <stdbool.h>
#include <stdint.h>

#include "rt_io.h"
#ifdef SIFR_RT_HAVE_URING
#include <liburing.h>
#endif

/* Contract.
 *
 * Only the owner thread calls rt_poller_* on its poller, except
 * rt_poller_wake's `target`, which any thread may name. An operation is
 * one-shot: its `done` callback runs exactly once, on the owner thread,
 * from inside rt_poller_poll, with the result (a poll: the returned events
 * mask or -errno; a read: the byte count or -errno). Operations are never
 * cancelled by the poller; their owner keeps the RtIoOp alive until `done`
 * ran.
 *
 * Submissions are batched: rt_io_poll_add and rt_io_read only queue the
 * request, and the next rt_poller_poll submits everything queued and reaps
 * completions in one system call (io_uring_enter) per round. */

typedef struct RtIoOp RtIoOp;
typedef void RtIoDoneFn(RtIoOp *op, int res);

struct RtIoOp {
    RtIoDoneFn *done;
    void *data; /* free for the owner */
    /* private to the epoll backend */
    int fd;
    unsigned events;
    void *buf;
    unsigned len;
    bool is_read;
};

typedef struct RtPoller {
    RtIoKind kind;
    int wake_fd;    /* eventfd: wake-ups from threads that are not workers (both backends) */
    uint64_t wake_buf;
    /* io_uring */
#ifdef SIFR_RT_HAVE_URING
    struct io_uring ring;
#endif
    bool msg_ring;  /* IORING_OP_MSG_RING is available for worker-to-worker wake-ups */
    unsigned queued; /* SQEs prepared since the last submission */
    unsigned inflight; /* operations submitted and not completed (not counting the wake read) */
    /* epoll */
    int epfd;
    int timer_fd;
    uint64_t armed; /* the timerfd's deadline, UINT64_MAX when disarmed */
    /* statistics, for tests and the benchmarks */
    uint64_t enters;  /* system calls that submitted or waited */
    uint64_t wakeups; /* wake-ups received */
} RtPoller;

/* Set up `p` on the calling thread (a ring is created by the thread that
 * will submit to it: IORING_SETUP_SINGLE_ISSUER). 0 or -errno. */
int rt_poller_init(RtPoller *p);
void rt_poller_fini(RtPoller *p);

/* Submit what is queued and run the callbacks of every finished operation.
 * When `block` is true, first wait until something finishes, a wake-up
 * arrives or `deadline_ns` (absolute CLOCK_MONOTONIC nanoseconds;
 * UINT64_MAX: none) passes. Returns the number of callbacks run plus
 * wake-ups received. */
int rt_poller_poll(RtPoller *p, bool block, uint64_t deadline_ns);

/* Wake `target` out of rt_poller_poll (or make its next blocking poll
 * return at once). `from` is the calling worker's own poller, or NULL on a
 * thread that is not a worker: io_uring workers send IORING_OP_MSG_RING from
 * their ring, everyone else writes the target's eventfd. */
void rt_poller_wake(RtPoller *from, RtPoller *target);

/* Queue a one-shot readiness wait for `events` (POLLIN, ...) on fd. */
void rt_io_poll_add(RtPoller *p, RtIoOp *op, int fd, unsigned events);
/* Queue a read of up to len bytes from fd into buf. */
void rt_io_read(RtPoller *p, RtIoOp *op, int fd, void *buf, unsigned len);

/* Operations submitted or queued and not completed. */
static inline unsigned rt_poller_busy(const RtPoller *p) { return p->queued + p->inflight; }

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t rt_now_ns(void);

#endif
