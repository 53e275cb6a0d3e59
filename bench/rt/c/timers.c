/* timers: 100,000 tasks each sleep 10 ms (rt_sleep_begin(me, now + 10 ms),
 * then rt_sleep_end once resumed) and return 1; the root joins every handle
 * in order and prints the sum: 100000. Workers: one per usable core. */
#include "bench_rt.h"

#define TASKS 100000u
#define SLEEP_NS 10000000ull

typedef struct Sleeper {
    Fr fr;
} Sleeper;

static void sleeper_resume(void *p) {
    Sleeper *f = p;
    RtTask *me = rt_task_current();
    int r;
    switch (f->fr.pc) {
    case 0:
        if (!rt_sleep_begin(me, rt_now_ns() + SLEEP_NS)) FR_SUSPEND(f, 1);
        break; /* the deadline had passed already */
    case 1:
        r = rt_sleep_end(me);
        if (r == RT_EAGAIN) return; /* a spurious wake-up: still sleeping */
        if (r != 0) bench_fail("rt_sleep_end", r);
        break;
    }
    f->fr.out = 1;
    FR_DONE(f);
}

typedef struct TimersRoot {
    Fr fr;
    RtScope scope;
    RtTask **kids;
    uint64_t i, n;
} TimersRoot;

static void timers_root_resume(void *p) {
    TimersRoot *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        f->kids = malloc(sizeof(RtTask *) * TASKS);
        for (unsigned i = 0; i < TASKS; i++)
            f->kids[i] = rt_spawn(&f->scope, fr_new(sizeof(Sleeper), sleeper_resume), NULL);
        /* fallthrough */
    case 1:
        while (f->i < TASKS) {
            if (!rt_join_begin(me, f->kids[f->i])) FR_SUSPEND(f, 1);
            f->n += FR_OUT(f->kids[f->i]);
            rt_task_release(f->kids[f->i]);
            f->i++;
        }
        /* fallthrough */
    case 2:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 2);
        rt_scope_fini(&f->scope);
        free(f->kids);
        f->fr.out = f->n;
        FR_DONE(f);
    }
}

int main(void) {
    TimersRoot *f = fr_new(sizeof(TimersRoot), timers_root_resume);
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
