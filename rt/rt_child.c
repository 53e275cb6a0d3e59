/* Child processes and signals through the workers' pollers (rt_child.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_child.h"
#include "rt_internal.h"

extern char **environ;

static int rt_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int rt_child_kill(RtChild *c, int sig) {
    if (c->pidfd < 0) return -ESRCH;
    return syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int rt_child_spawn(RtChild *c, char *const argv[], char *const envp[], const posix_spawn_file_actions_t *fa) {
    memset(c, 0, sizeof *c);
    c->pidfd = -1;
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    /* The child starts with no blocked signals, whatever the workers block.
     * (The runtime installs no handlers, so dispositions need no reset:
     * POSIX_SPAWN_SETSIGDEF of every signal would cost the child a
     * sigaction call per signal before its exec.) */
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    int r = posix_spawnp(&c->pid, argv[0], fa, &attr, argv, envp ? envp : environ);
    posix_spawnattr_destroy(&attr);
    if (r != 0) return -r;
    c->pidfd = rt_pidfd_open(c->pid);
    if (c->pidfd < 0) { /* cannot watch it: reap it now rather than leave a zombie */
        int e = -errno;
        kill(c->pid, SIGKILL);
        waitpid(c->pid, NULL, 0);
        return e;
    }
    return 0;
}

static void rt_child_exited(RtIoOp *op, int res) {
    (void)res; /* readable (or an error): either way waitid tells */
    RtChild *c = op->data;
    rt_spin_lock(&c->spin);
    c->exited = true;
    RtTask *t = c->waiter;
    c->waiter = NULL;
    if (t) rt_task_wake(t);
    rt_spin_unlock(&c->spin);
}

static void rt_child_deadline(RtTimerEntry *e) {
    RtChild *c = e->arg;
    c->timed_out = true;
    rt_child_kill(c, SIGKILL);
}

/* The child has ended: collect its status and let go of the pidfd. */
static void rt_child_reap(RtChild *c) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r;
    do r = waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED);
    while (r < 0 && errno == EINTR);
    if (r == 0 && si.si_code == CLD_EXITED) {
        c->code = si.si_status;
    } else if (r == 0) {
        c->code = -1;
        c->signal = si.si_status;
    } else {
        c->code = -1;
    }
    close(c->pidfd);
    c->pidfd = -1;
    c->reaped = true;
    if (c->deadline) {
        rt_timer_stop(c->deadline);
        c->deadline = NULL;
    }
}

int rt_child_wait(RtTask *me, RtChild *c, uint64_t deadline_ns) {
    rt_spin_lock(&c->spin);
    bool exited = c->exited;
    if (!exited) c->waiter = me;
    rt_spin_unlock(&c->spin);
    if (exited) {
        if (!c->reaped) rt_child_reap(c);
        return c->killed ? RT_ECANCELED : 0;
    }
    if (rt_task_cancelled(me) && !c->killed) { /* cleanup: the child goes too */
        c->killed = true;
        rt_child_kill(c, SIGKILL);
    }
    if (!c->armed) {
        c->armed = true;
        c->op.done = rt_child_exited;
        c->op.data = c;
        if (deadline_ns != UINT64_MAX) c->deadline = rt_timer_start(deadline_ns, rt_child_deadline, c);
        rt_io_poll_add(rt_worker_poller(rt_worker_current()), &c->op, c->pidfd, POLLIN);
    }
    return RT_EAGAIN;
}

/* ---- Signals ------------------------------------------------------------- */

struct RtSignalWait {
    int fd;
    RtSpin spin;
    _Atomic uint32_t refs; /* the owner's and the pending read's */
    RtIoOp op;
    struct signalfd_siginfo info;
    bool pending, ready, closed;
    int res;
    RtTask *waiter;
};

static void rt_signal_unref(RtSignalWait *s) {
    if (atomic_fetch_sub(&s->refs, 1) != 1) return;
    close(s->fd);
    rt_free(s);
}

RtSignalWait *rt_signal_open(const int *sigs, int n, int *err) {
    sigset_t set;
    sigemptyset(&set);
    uint64_t mask = 0;
    for (int i = 0; i < n; i++) {
        sigaddset(&set, sigs[i]);
        if (sigs[i] >= 1 && sigs[i] <= 64) mask |= 1ull << (sigs[i] - 1);
    }
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    rt_sched_block_signals(mask);
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        *err = -errno;
        return NULL;
    }
    RtSignalWait *s = rt_alloc(sizeof *s);
    memset(s, 0, sizeof *s);
    s->fd = fd;
    atomic_init(&s->refs, 1);
    return s;
}

static void rt_signal_read_done(RtIoOp *op, int res) {
    RtSignalWait *s = op->data;
    rt_spin_lock(&s->spin);
    s->pending = false;
    bool closed = s->closed;
    if (!closed) {
        s->ready = true;
        s->res = res;
        RtTask *t = s->waiter;
        s->waiter = NULL;
        if (t) rt_task_wake(t);
    }
    rt_spin_unlock(&s->spin);
    if (closed && res == (int)sizeof s->info) raise((int)s->info.ssi_signo); /* not ours any more: back to pending */
    rt_signal_unref(s);
}

int rt_signal_wait(RtTask *me, RtSignalWait *s) {
    rt_spin_lock(&s->spin);
    int r;
    if (s->ready) {
        s->ready = false;
        r = s->res == (int)sizeof s->info ? (int)s->info.ssi_signo : (s->res < 0 ? s->res : -EIO);
        if (s->waiter == me) s->waiter = NULL;
    } else if (rt_task_cancelled(me)) {
        if (s->waiter == me) s->waiter = NULL;
        r = RT_ECANCELED; /* the read stays pending; close hands its signal back */
    } else {
        s->waiter = me;
        if (!s->pending) {
            s->pending = true;
            atomic_fetch_add(&s->refs, 1);
            s->op.done = rt_signal_read_done;
            s->op.data = s;
            rt_io_read(rt_worker_poller(rt_worker_current()), &s->op, s->fd, &s->info, sizeof s->info);
        }
        r = RT_EAGAIN;
    }
    rt_spin_unlock(&s->spin);
    return r;
}

void rt_signal_close(RtSignalWait *s) {
    rt_spin_lock(&s->spin);
    s->closed = true;
    if (s->ready && s->res == (int)sizeof s->info) raise((int)s->info.ssi_signo);
    s->ready = false;
    rt_spin_unlock(&s->spin);
    rt_signal_unref(s);
}
