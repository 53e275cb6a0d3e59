/* spawn_blocking and spawn_cpu jobs (rt/rt_blocking.c), driven the way
 * generated code drives them: rt_blocking_new, then rt_await_blocking
 * called at the suspension and at each resumption, then the result. The
 * closure is a C function taking the (NULL) environment. Runs on both I/O
 * backends (it includes rt_sched.h). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <unistd.h>

#include "rt_cframe.h"
#include "rt_poll.h"
#include "rt_sched.h"
#include "sifr_rt.h"
#include "sifr_rt_values.h"

static const RtType t_fn = {.kind = RT_K_FUNC, .size = sizeof(RtClosure), .align = 8};

static _Atomic int on_worker; /* the job ran on a worker thread */
static _Atomic int job_ran;
static _Atomic int handshake; /* waiter_fn waits (at most 5 s) until setter_fn sets it */

/* The closure's code: (env) -> int; sleeps when asked to (a blocking call). */
static int64_t job_fn(void *env) {
    (void)env;
    if (!rt_worker_current()) usleep(20000);
    atomic_store(&on_worker, rt_worker_current() != NULL);
    atomic_fetch_add(&job_ran, 1);
    return 42;
}

static int64_t waiter_fn(void *env) {
    (void)env;
    for (uint64_t t0 = rt_now_ns(); !atomic_load(&handshake);)
        if (rt_now_ns() - t0 > 5000000000ull) return -1;
    return 1;
}

static int64_t setter_fn(void *env) {
    (void)env;
    atomic_store(&handshake, 1);
    return 2;
}

static void job_thunk(const RtClosure *fn, void *out) {
    int64_t (*code)(void *) = (int64_t (*)(void *))fn->fn;
    *(int64_t *)out = code(NULL);
}

typedef struct Root {
    Fr fr;
    RtAwait aw;
    void *job;
    int64_t (*code)(void *); /* job_fn when NULL */
    bool cpu, cancel_first;
    int32_t result;
    int64_t value;
} Root;

static void root_resume(void *p) {
    Root *f = p;
    switch (f->fr.pc) {
    case 0: {
        RtClosure c = {.fn = (void *)(f->code ? f->code : job_fn)};
        f->job = rt_blocking_new(&c, &t_fn, job_thunk, &rt_type_int, f->cpu);
        f->aw = (RtAwait){.arg.p = f->job};
        if (f->cancel_first) rt_task_cancel(rt_task_current());
    }
        /* fallthrough */
    case 1:
        if (!rt_await_blocking(&f->aw, f)) FR_SUSPEND(f, 1);
        f->result = f->aw.result;
        if (f->result == 0) {
            f->value = *(int64_t *)rt_blocking_result(f->job);
            rt_blocking_free(f->job);
        }
        f->fr.out = f->value;
        FR_DONE(f);
    }
}

static Root *run_job(bool cpu, bool cancel_first) {
    atomic_store(&job_ran, 0);
    Root *f = fr_new(sizeof(Root), root_resume);
    f->cpu = cpu;
    f->cancel_first = cancel_first;
    RtTask *t = NULL;
    rt_run(2, f, &t);
    Root *copy = malloc(sizeof *copy);
    *copy = *f;
    rt_task_release(t);
    return copy;
}

Test(blocking, runs_off_the_workers) {
    Root *r = run_job(false, false);
    cr_assert_eq(r->result, 0);
    cr_assert_eq(r->value, 42);
    cr_assert_eq(atomic_load(&job_ran), 1);
    cr_assert_eq(atomic_load(&on_worker), 0, "a blocking job ran on a worker");
    free(r);
}

Test(blocking, cpu_job_runs_on_a_worker) {
    Root *r = run_job(true, false);
    cr_assert_eq(r->result, 0);
    cr_assert_eq(r->value, 42);
    cr_assert_eq(atomic_load(&on_worker), 1, "a cpu job ran off the workers");
    free(r);
}

Test(blocking, cancelled_awaiter_waits_for_the_job) {
    /* the job cannot be interrupted: it runs to its end, then the awaiter
     * sees its cancellation (the await function dropped the result) */
    Root *r = run_job(false, true);
    cr_assert_eq(r->result, 1);
    cr_assert_eq(atomic_load(&job_ran), 1);
    free(r);
}

Test(blocking, many_jobs_in_a_row) {
    for (int i = 0; i < 50; i++) {
        Root *r = run_job(i % 2 == 0, false);
        cr_assert_eq(r->value, 42);
        free(r);
    }
}

/* Two tasks' blocking jobs, the first waiting for the second, queued while
 * a thread of the pool is idle (it ran a job before): the pool starts a
 * thread for the second although the idle one takes the first. */
typedef struct PairRoot {
    Fr fr;
    RtTask *warm;
    FrJoinAll join;
} PairRoot;

static void pair_root_resume(void *p) {
    PairRoot *f = p;
    RtTask *me = rt_task_current();
    FrJoinAll *j = &f->join;
    switch (f->fr.pc) {
    case 0:
        f->warm = rt_spawn(NULL, fr_new(sizeof(Root), root_resume), NULL);
        /* fallthrough */
    case 1: {
        if (!rt_join_begin(me, f->warm)) FR_SUSPEND(f, 1);
        rt_task_release(f->warm);
        rt_scope_init(&j->scope, me, 0);
        j->n = 2;
        j->kids = malloc(sizeof(RtTask *) * 2);
        int64_t (*codes[2])(void *) = {waiter_fn, setter_fn};
        for (int i = 0; i < 2; i++) {
            Root *r = fr_new(sizeof(Root), root_resume);
            r->code = codes[i];
            j->kids[i] = rt_spawn(&j->scope, r, NULL);
        }
    }
        /* fallthrough */
    case 2:
        if (!fr_join_all(j, me)) FR_SUSPEND(f, 2);
        f->fr.out = j->sum;
        FR_DONE(f);
    }
}

Test(blocking, a_job_never_waits_behind_a_blocked_one) {
    for (int round = 0; round < 5; round++) {
        atomic_store(&handshake, 0);
        PairRoot *f = fr_new(sizeof(PairRoot), pair_root_resume);
        RtTask *t = NULL;
        rt_run(2, f, &t);
        cr_assert_eq(f->fr.out, 3, "the waiting job gave up (sum %lld)", (long long)f->fr.out);
        rt_task_release(t);
    }
}
