/* semaphore: 1,000 tasks and a semaphore of 4 permits; each task acquires,
 * increments a shared atomic count, releases, 1,000 times; the root joins
 * them (one scope join) and prints the count: 1000000.
 *
 * The critical section does not suspend (no yield between the acquire and
 * the release, as in the Go and tokio peers). A task whose acquire returns
 * RT_EAGAIN suspends and calls rt_sem_acquire again when resumed (then it
 * gets the permit a release handed to it). Workers: one per usable core. */
#include "bench_rt.h"

#define TASKS 1000u
#define ROUNDS 1000u
#define PERMITS 4

typedef struct SemUser {
    Fr fr;
    RtSemaphore *sem;
    _Atomic uint64_t *count;
    unsigned i;
} SemUser;

static void sem_user_resume(void *p) {
    SemUser *f = p;
    RtTask *me = rt_task_current();
    while (f->i < ROUNDS) {
        int r = rt_sem_acquire(me, f->sem);
        if (r == RT_EAGAIN) return; /* waits: resumed here, acquire again */
        if (r != 0) bench_fail("rt_sem_acquire", r);
        atomic_fetch_add_explicit(f->count, 1, memory_order_relaxed);
        rt_sem_release(f->sem);
        f->i++;
    }
    FR_DONE(f);
}

typedef struct SemRoot {
    Fr fr;
    RtScope scope;
    RtSemaphore sem;
    _Atomic uint64_t count;
} SemRoot;

static void sem_root_resume(void *p) {
    SemRoot *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        rt_sem_init(&f->sem, PERMITS);
        for (unsigned i = 0; i < TASKS; i++) {
            SemUser *u = fr_new(sizeof(SemUser), sem_user_resume);
            u->sem = &f->sem;
            u->count = &f->count;
            rt_task_release(rt_spawn(&f->scope, u, NULL));
        }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        rt_scope_fini(&f->scope);
        f->fr.out = atomic_load_explicit(&f->count, memory_order_relaxed);
        FR_DONE(f);
    }
}

int main(void) {
    SemRoot *f = fr_new(sizeof(SemRoot), sem_root_resume);
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
