/* Choosing the schedulers' I/O backend (rt_io.h): a probe ring tells
 * whether io_uring works here and which setup flags it takes; the choice is
 * made once per process, before the workers start. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rt_io.h"
#ifdef SIFR_RT_HAVE_URING
#include <liburing.h>
#endif
/* Valgrind serialises a program's threads under one lock, and it does not
 * release that lock while a thread waits in io_uring_enter: the first
 * worker to park would hold every other thread (and itself) forever. So
 * under valgrind the probe is not even tried and epoll is chosen, unless
 * SIFR_RT_BACKEND=io_uring insists. The header only defines client-request
 * macros (no link dependency). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* Create and close a small ring with `flags`: 0 or -errno. */
static int rt_io_probe(unsigned flags) {
#ifndef SIFR_RT_HAVE_URING
    (void)flags;
    return -ENOSYS;
#else
    struct io_uring ring;
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = flags;
    int r = io_uring_queue_init_params(8, &ring, &p);
    if (r == 0) io_uring_queue_exit(&ring);
    return r;
#endif
}

RtIoChoice rt_io_choose(const char *env) {
    RtIoChoice c = {.kind = RT_IO_EPOLL};
    if (env && !strcmp(env, "epoll")) {
        c.forced = true;
        return c;
    }
    c.forced = env && !strcmp(env, "io_uring");
    if (!c.forced && RUNNING_ON_VALGRIND) return c;
#ifdef SIFR_RT_HAVE_URING
    unsigned flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
#else
    unsigned flags = 0;
#endif
    int r = rt_io_probe(flags);
    if (r == -EINVAL) { /* an older kernel: the flags, not io_uring, are refused */
        flags = 0;
        r = rt_io_probe(flags);
    }
    if (r == 0) {
        c.kind = RT_IO_URING;
        c.ring_flags = flags;
    } else {
        c.probe_error = r; /* ENOSYS, EPERM (io_uring_disabled), ENOMEM ...: epoll */
    }
    return c;
}

static RtIoChoice rt_io_choice;
static pthread_once_t rt_io_once = PTHREAD_ONCE_INIT;

static void rt_io_decide(void) { rt_io_choice = rt_io_choose(getenv("SIFR_RT_BACKEND")); }

const RtIoChoice *rt_io_backend(void) {
    pthread_once(&rt_io_once, rt_io_decide);
    return &rt_io_choice;
}
