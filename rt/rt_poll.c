/* The worker's poller over io_uring or epoll (rt_poll.h). */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "rt_poll.h"

/* io_uring user_data values that are not operations (operations are
 * pointers, 8-aligned): the wake eventfd's read, a MSG_RING wake-up, and
 * (pointer | 1) a MSG_RING this worker sent to that poller that failed. */
#define RT_UD_WAKE_FD 2u
#define RT_UD_MSG 4u

/* epoll data of the two descriptors every epoll poller holds */
#define RT_EP_WAKE 1u
#define RT_EP_TIMER 2u

uint64_t rt_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#ifdef SIFR_RT_HAVE_URING
static struct io_uring_sqe *rt_uring_sqe(RtPoller *p) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&p->ring);
    if (!sqe) { /* the submission queue is full: submit it and take a fresh entry */
        io_uring_submit(&p->ring);
        p->enters++;
        p->queued = 0;
        sqe = io_uring_get_sqe(&p->ring);
    }
    p->queued++;
    return sqe;
}

static void rt_uring_arm_wake(RtPoller *p) {
    struct io_uring_sqe *sqe = rt_uring_sqe(p);
    io_uring_prep_read(sqe, p->wake_fd, &p->wake_buf, sizeof p->wake_buf, 0);
    io_uring_sqe_set_data64(sqe, RT_UD_WAKE_FD);
}

static int rt_uring_init(RtPoller *p) {
    struct io_uring_params prm;
    memset(&prm, 0, sizeof prm);
    prm.flags = rt_io_backend()->ring_flags;
    int r = io_uring_queue_init_params(256, &p->ring, &prm);
    if (r < 0) return r;
    struct io_uring_probe *probe = io_uring_get_probe_ring(&p->ring);
    p->msg_ring = probe && io_uring_opcode_supported(probe, IORING_OP_MSG_RING);
    if (probe) io_uring_free_probe(probe);
    rt_uring_arm_wake(p);
    return 0;
}

#endif

static int rt_epoll_init(RtPoller *p) {
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0) return -errno;
    p->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (p->timer_fd < 0) return -errno;
    p->armed = UINT64_MAX;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = RT_EP_WAKE};
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wake_fd, &ev) < 0) return -errno;
    ev.data.u64 = RT_EP_TIMER;
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->timer_fd, &ev) < 0) return -errno;
    return 0;
}

int rt_poller_init(RtPoller *p) {
    memset(p, 0, sizeof *p);
    p->epfd = p->timer_fd = -1;
    p->kind = rt_io_backend()->kind;
    p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->wake_fd < 0) return -errno;
#ifdef SIFR_RT_HAVE_URING
    int r = p->kind == RT_IO_URING ? rt_uring_init(p) : rt_epoll_init(p);
#else
    int r = rt_epoll_init(p);
#endif
    if (r < 0) rt_poller_fini(p);
    return r;
}

void rt_poller_fini(RtPoller *p) {
#ifdef SIFR_RT_HAVE_URING
    if (p->kind == RT_IO_URING && p->ring.ring_fd > 0) io_uring_queue_exit(&p->ring);
#endif
    if (p->epfd >= 0) close(p->epfd);
    if (p->timer_fd >= 0) close(p->timer_fd);
    if (p->wake_fd >= 0) close(p->wake_fd);
    p->epfd = p->timer_fd = p->wake_fd = -1;
}

#ifdef SIFR_RT_HAVE_URING
/* ---- io_uring --------------------------------------------------------- */

static int rt_uring_reap(RtPoller *p) {
    int n = 0;
    for (;;) {
        /* Copy a batch out first: callbacks may queue new operations, and
         * the completion slots are released before they run. */
        struct {
            uint64_t ud;
            int res;
        } got[64];
        unsigned head, k = 0;
        struct io_uring_cqe *cqe;
        io_uring_for_each_cqe(&p->ring, head, cqe) {
            got[k].ud = cqe->user_data;
            got[k].res = cqe->res;
            if (++k == 64) break;
        }
        if (!k) return n;
        io_uring_cq_advance(&p->ring, k);
        for (unsigned i = 0; i < k; i++) {
            uint64_t ud = got[i].ud;
            n++;
            if (ud == RT_UD_WAKE_FD) {
                p->wakeups++;
                rt_uring_arm_wake(p);
            } else if (ud == RT_UD_MSG) {
                p->wakeups++;
            } else if (ud & 1u) { /* our MSG_RING failed: wake that poller through its eventfd */
                RtPoller *target = (RtPoller *)(uintptr_t)(ud & ~(uint64_t)1);
                uint64_t one = 1;
                ssize_t w = write(target->wake_fd, &one, sizeof one);
                (void)w;
            } else {
                RtIoOp *op = (RtIoOp *)(uintptr_t)ud;
                p->inflight--;
                op->done(op, got[i].res);
            }
        }
    }
}

static int rt_uring_poll(RtPoller *p, bool block, uint64_t deadline_ns) {
    if (block) {
        struct io_uring_cqe *cqe;
        if (deadline_ns == UINT64_MAX) {
            io_uring_submit_and_wait(&p->ring, 1);
        } else {
            uint64_t now = rt_now_ns();
            uint64_t rel = deadline_ns > now ? deadline_ns - now : 0;
            struct __kernel_timespec ts = {.tv_sec = (long long)(rel / 1000000000ull),
                                           .tv_nsec = (long long)(rel % 1000000000ull)};
            io_uring_submit_and_wait_timeout(&p->ring, &cqe, 1, &ts, NULL);
        }
    } else if (p->queued || p->inflight) {
        io_uring_submit_and_get_events(&p->ring);
    } else {
        return rt_uring_reap(p);
    }
    p->enters++;
    p->queued = 0;
    return rt_uring_reap(p);
}

#endif

/* ---- epoll ------------------------------------------------------------ */

static void rt_epoll_arm_timer(RtPoller *p, uint64_t deadline_ns) {
    if (deadline_ns == p->armed) return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (deadline_ns != UINT64_MAX) {
        its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ull);
        its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ull);
        if (!its.it_value.tv_sec && !its.it_value.tv_nsec) its.it_value.tv_nsec = 1; /* zero would disarm */
    }
    timerfd_settime(p->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
    p->armed = deadline_ns;
}

/* One-shot registration of op's descriptor: 0 or -errno. */
static int rt_epoll_register(RtPoller *p, RtIoOp *op) {
    struct epoll_event ev = {.events = op->events | EPOLLONESHOT, .data.ptr = op};
    int r = epoll_ctl(p->epfd, EPOLL_CTL_ADD, op->fd, &ev);
    if (r < 0 && errno == EEXIST) r = epoll_ctl(p->epfd, EPOLL_CTL_MOD, op->fd, &ev);
    return r < 0 ? -errno : 0;
}

static int rt_epoll_poll(RtPoller *p, bool block, uint64_t deadline_ns) {
    if (!block && !p->inflight) return 0;
    if (block) rt_epoll_arm_timer(p, deadline_ns);
    struct epoll_event evs[64];
    int k = epoll_wait(p->epfd, evs, 64, block ? -1 : 0);
    p->enters++;
    int n = 0;
    for (int i = 0; i < k; i++) {
        uint64_t d = evs[i].data.u64;
        n++;
        if (d == RT_EP_WAKE) {
            uint64_t v;
            ssize_t r = read(p->wake_fd, &v, sizeof v);
            (void)r;
            p->wakeups++;
            continue;
        }
        if (d == RT_EP_TIMER) {
            uint64_t v;
            ssize_t r = read(p->timer_fd, &v, sizeof v);
            (void)r;
            p->armed = UINT64_MAX;
            continue;
        }
        RtIoOp *op = evs[i].data.ptr;
        int res;
        if (op->is_read) {
            ssize_t r = read(op->fd, op->buf, op->len);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) { /* spurious: wait again */
                if (rt_epoll_register(p, op) == 0) continue;
            }
            res = r < 0 ? -errno : (int)r;
        } else {
            res = (int)(evs[i].events & (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLPRI));
        }
        epoll_ctl(p->epfd, EPOLL_CTL_DEL, op->fd, NULL);
        p->inflight--;
        op->done(op, res);
    }
    return n;
}

int rt_poller_poll(RtPoller *p, bool block, uint64_t deadline_ns) {
#ifdef SIFR_RT_HAVE_URING
    if (p->kind == RT_IO_URING) return rt_uring_poll(p, block, deadline_ns);
#endif
    return rt_epoll_poll(p, block, deadline_ns);
}

void rt_poller_wake(RtPoller *from, RtPoller *target) {
#ifdef SIFR_RT_HAVE_URING
    if (target->kind == RT_IO_URING && from && from != target && from->msg_ring) {
        struct io_uring_sqe *sqe = rt_uring_sqe(from);
        io_uring_prep_msg_ring(sqe, target->ring.ring_fd, 0, RT_UD_MSG, 0);
        io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)target | 1u);
        io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
        /* The target sleeps: submit now rather than at the end of the round. */
        io_uring_submit(&from->ring);
        from->enters++;
        from->queued = 0;
        return;
    }
#else
    (void)from;
#endif
    uint64_t one = 1;
    ssize_t w = write(target->wake_fd, &one, sizeof one);
    (void)w;
}

void rt_io_poll_add(RtPoller *p, RtIoOp *op, int fd, unsigned events) {
    p->inflight++;
#ifdef SIFR_RT_HAVE_URING
    if (p->kind == RT_IO_URING) {
        struct io_uring_sqe *sqe = rt_uring_sqe(p);
        io_uring_prep_poll_add(sqe, fd, events);
        io_uring_sqe_set_data(sqe, op);
        return;
    }
#endif
    op->fd = fd;
    op->events = events;
    op->is_read = false;
    int r = rt_epoll_register(p, op);
    if (r < 0) { /* could not register: complete with the error now */
        p->inflight--;
        op->done(op, r);
    }
}

void rt_io_read(RtPoller *p, RtIoOp *op, int fd, void *buf, unsigned len) {
    p->inflight++;
#ifdef SIFR_RT_HAVE_URING
    if (p->kind == RT_IO_URING) {
        struct io_uring_sqe *sqe = rt_uring_sqe(p);
        io_uring_prep_read(sqe, fd, buf, len, (uint64_t)-1);
        io_uring_sqe_set_data(sqe, op);
        return;
    }
#endif
    op->fd = fd;
    op->events = EPOLLIN;
    op->is_read = true;
    op->buf = buf;
    op->len = len;
    int r = rt_epoll_register(p, op);
    if (r < 0) {
        p->inflight--;
        op->done(op, r);
    }
}
