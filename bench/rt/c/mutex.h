/* mutex_2, mutex_1000: TASKS tasks share a counter under a lock, 10M
 * increments in all (10M / TASKS each); the root joins them (one scope
 * join, the WaitGroup of the Go peer), then reads the counter under the lock.
 *
 * The lock is the runtime's Lock (RtMutex through rt_lock_lock /
 * rt_lock_unlock): guards never live across a suspension, so acquiring
 * blocks the thread (spin, then futex) instead of suspending the task. The
 * tasks never suspend: each runs its increments to the end once started.
 * Workers: one per usable core. */
#include "bench_rt.h"

#define INCREMENTS 10000000ull

typedef struct Incr {
    Fr fr;
    RtMutex *lock;
    uint64_t *counter;
    uint64_t n;
} Incr;

static void incr_resume(void *p) {
    Incr *f = p;
    for (uint64_t i = 0; i < f->n; i++) {
        rt_lock_lock(f->lock);
        *f->counter += 1;
        rt_lock_unlock(f->lock);
    }
    FR_DONE(f);
}

typedef struct MutexRoot {
    Fr fr;
    RtScope scope;
    RtMutex lock;
    uint64_t counter;
    unsigned tasks;
} MutexRoot;

static void mutex_root_resume(void *p) {
    MutexRoot *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        rt_lock_init(&f->lock);
        for (unsigned i = 0; i < f->tasks; i++) {
            Incr *in = fr_new(sizeof(Incr), incr_resume);
            in->lock = &f->lock;
            in->counter = &f->counter;
            in->n = INCREMENTS / f->tasks;
            rt_task_release(rt_spawn(&f->scope, in, NULL));
        }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        rt_scope_fini(&f->scope);
        rt_lock_lock(&f->lock);
        f->fr.out = f->counter;
        rt_lock_unlock(&f->lock);
        FR_DONE(f);
    }
}

static int mutex_main(unsigned tasks) {
    MutexRoot *f = fr_new(sizeof(MutexRoot), mutex_root_resume);
    f->tasks = tasks;
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
