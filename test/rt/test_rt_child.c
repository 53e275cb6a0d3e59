/* Child processes and signals through the workers' pollers (rt/rt_child.h),
 * on both I/O backends (CTest runs the suite again with SIFR_RT_BACKEND=epoll). */
#include <criterion/criterion.h>
#include <errno.h>
#include <unistd.h>

#include "rt_child.h"
#include "sched_scenarios.h"

typedef struct ChildRun {
    Fr fr;
    char *argv[4];
    uint64_t timeout_ns; /* 0: none */
    RtChild child;
    int spawn_err, ret;
    uint64_t deadline;
} ChildRun;

static void child_run_resume(void *p) {
    ChildRun *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        f->spawn_err = rt_child_spawn(&f->child, f->argv, NULL, NULL);
        if (f->spawn_err) {
            FR_DONE(f);
            return;
        }
        f->deadline = f->timeout_ns ? rt_now_ns() + f->timeout_ns : UINT64_MAX;
        f->fr.pc = 1;
    }
    f->ret = rt_child_wait(me, &f->child, f->deadline);
    if (f->ret == RT_EAGAIN) return;
    if (f->ret == RT_ECANCELED) rt_task_set_status(me, RT_TASK_CANCELLED, NULL);
    FR_DONE(f);
}

static ChildRun *child_frame(const char *a0, const char *a1, uint64_t timeout_ns) {
    ChildRun *f = fr_new(sizeof(ChildRun), child_run_resume);
    f->argv[0] = (char *)a0;
    f->argv[1] = (char *)a1;
    f->timeout_ns = timeout_ns;
    return f;
}

Test(child, exit_codes) {
    ChildRun *t = child_frame("true", NULL, 0);
    RtTask *root;
    rt_run(1, t, &root);
    cr_assert_eq(t->spawn_err, 0);
    cr_assert_eq(t->ret, 0);
    cr_assert_eq(t->child.code, 0);
    rt_task_release(root);
    ChildRun *f = child_frame("sh", NULL, 0);
    f->argv[1] = "-c";
    f->argv[2] = "exit 7";
    rt_run(2, f, &root);
    cr_assert_eq(f->ret, 0);
    cr_assert_eq(f->child.code, 7);
    cr_assert_eq(f->child.signal, 0);
    rt_task_release(root);
}

Test(child, missing_program_is_an_error) {
    ChildRun *f = child_frame("/nonexistent/program", NULL, 0);
    RtTask *root;
    rt_run(1, f, &root);
    cr_assert_eq(f->spawn_err, -ENOENT);
    rt_task_release(root);
}

Test(child, deadline_kills_the_child) {
    ChildRun *f = child_frame("sleep", "10", 50000000ull);
    RtTask *root;
    uint64_t t0 = rt_now_ns();
    rt_run(2, f, &root);
    uint64_t el = rt_now_ns() - t0;
    cr_assert_eq(f->ret, 0);
    cr_assert(f->child.timed_out);
    cr_assert_eq(f->child.signal, SIGKILL);
    cr_assert(el >= 50000000ull && el < 5000000000ull, "%llu ns", (unsigned long long)el);
    rt_task_release(root);
}

Test(child, no_deadline_no_kill) {
    ChildRun *f = child_frame("sleep", "0.05", 10000000000ull);
    RtTask *root;
    rt_run(1, f, &root);
    cr_assert_eq(f->ret, 0);
    cr_assert_not(f->child.timed_out);
    cr_assert_eq(f->child.code, 0);
    rt_task_release(root);
}

/* A parent that cancels a child task waiting on a long process. */
typedef struct CancelChild {
    Fr fr;
    RtScope scope;
    RtTask *kid;
    int kid_status;
    pid_t pid;
} CancelChild;

static void cancel_child_resume(void *p) {
    CancelChild *f = p;
    RtTask *me = rt_task_current();
    int r;
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        f->kid = rt_spawn(&f->scope, child_frame("sleep", "10", 0), NULL);
        if (!rt_sleep_begin(me, rt_now_ns() + 30000000ull)) FR_SUSPEND(f, 1);
        /* fallthrough */
    case 1:
        r = f->fr.pc == 1 ? rt_sleep_end(me) : 0;
        if (r == RT_EAGAIN) return;
        rt_task_cancel(f->kid); /* it may not have started yet on a loaded machine */
        /* fallthrough */
    case 2:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 2);
        f->kid_status = (int)f->kid->status;
        f->pid = ((ChildRun *)f->kid->frame)->child.pid; /* its frame lives until released */
        rt_task_release(f->kid);
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

Test(child, cancellation_kills_and_reaps) {
    CancelChild *f = fr_new(sizeof(CancelChild), cancel_child_resume);
    RtTask *root;
    uint64_t t0 = rt_now_ns();
    rt_run(2, f, &root);
    cr_assert(rt_now_ns() - t0 < 5000000000ull);
    cr_assert_eq(f->kid_status, RT_TASK_CANCELLED);
    cr_assert(f->pid > 0);
    cr_assert_eq(kill(f->pid, 0), -1, "the child is still there (not reaped)");
    rt_task_release(root);
}

/* Many children at once, across workers. */
typedef struct ManyKids {
    Fr fr;
    RtScope scope;
    RtTask *kids[64];
    int n, ok;
} ManyKids;

static void many_kids_resume(void *p) {
    ManyKids *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        rt_scope_init(&f->scope, me, 0);
        for (int i = 0; i < f->n; i++) f->kids[i] = rt_spawn(&f->scope, child_frame("true", NULL, 0), NULL);
        f->fr.pc = 1;
    }
    if (!rt_scope_join_begin(&f->scope, me)) return;
    for (int i = 0; i < f->n; i++) {
        ChildRun *c = f->kids[i]->frame;
        f->ok += c->ret == 0 && c->child.code == 0;
        rt_task_release(f->kids[i]);
    }
    rt_scope_fini(&f->scope);
    FR_DONE(f);
}

Test(child, many_at_once) {
    ManyKids *f = fr_new(sizeof(ManyKids), many_kids_resume);
    f->n = 64;
    RtTask *root;
    rt_run(2, f, &root);
    cr_assert_eq(f->ok, 64);
    rt_task_release(root);
}

/* ---- signals ------------------------------------------------------------ */

typedef struct SigTest {
    Fr fr;
    RtSignalWait *w;
    int sig, got;
    bool cancel_first;
} SigTest;

static void sig_test_resume(void *p) {
    SigTest *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        int err = 0;
        f->w = rt_signal_open(&f->sig, 1, &err);
        if (!f->w) {
            f->got = err;
            FR_DONE(f);
            return;
        }
        f->fr.pc = 1;
        kill(getpid(), f->sig); /* blocked now: pending until read */
    }
    f->got = rt_signal_wait(me, f->w);
    if (f->got == RT_EAGAIN) return;
    rt_signal_close(f->w);
    FR_DONE(f);
}

Test(signal, a_signal_is_read_through_the_poller) {
    SigTest *f = fr_new(sizeof(SigTest), sig_test_resume);
    f->sig = SIGUSR1;
    RtTask *root;
    rt_run(2, f, &root);
    cr_assert_eq(f->got, SIGUSR1);
    rt_task_release(root);
}

Test(signal, two_waits_in_a_row) {
    for (int i = 0; i < 2; i++) {
        SigTest *f = fr_new(sizeof(SigTest), sig_test_resume);
        f->sig = SIGUSR2;
        RtTask *root;
        rt_run(1, f, &root);
        cr_assert_eq(f->got, SIGUSR2);
        rt_task_release(root);
    }
}
