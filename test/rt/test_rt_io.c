/* The choice of the schedulers' I/O backend: forcing epoll, the probe's
 * answer and its setup flags, and that the process-wide choice is stable. */
#include <criterion/criterion.h>
#include <liburing.h>

#include "rt_io.h"

Test(rt_io, epoll_can_be_forced) {
    RtIoChoice c = rt_io_choose("epoll");
    cr_assert_eq(c.kind, RT_IO_EPOLL);
    cr_assert(c.forced);
    cr_assert_eq(c.probe_error, 0, "no probe when forced");
}

Test(rt_io, the_probe_decides_otherwise) {
    RtIoChoice c = rt_io_choose(NULL);
    cr_assert_not(c.forced);
    if (c.kind == RT_IO_URING) {
        cr_assert_eq(c.probe_error, 0);
        /* the flags found are accepted by a real ring made with them */
        struct io_uring ring;
        struct io_uring_params p = {.flags = c.ring_flags};
        cr_assert_eq(io_uring_queue_init_params(4, &ring, &p), 0);
        io_uring_queue_exit(&ring);
    } else {
        cr_assert_lt(c.probe_error, 0, "epoll without forcing means the probe failed");
    }
    RtIoChoice d = rt_io_choose("anything else");
    cr_assert_eq(d.kind, c.kind, "an unknown value lets the probe decide");
}

Test(rt_io, requiring_io_uring_reports_a_refusal) {
    RtIoChoice c = rt_io_choose("io_uring");
    cr_assert(c.forced);
    cr_assert(c.kind == RT_IO_URING || c.probe_error < 0);
}

Test(rt_io, the_process_choice_is_made_once) {
    const RtIoChoice *a = rt_io_backend();
    const RtIoChoice *b = rt_io_backend();
    cr_assert_eq(a, b);
    cr_assert_eq(a->kind, b->kind);
}
