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
    FrJoinAll join;
} TimersRoot;

static void timers_root_resume(void *p) {
    TimersRoot *f = p;
    RtTask *me = rt_task_current();
    FrJoinAll *j = &f->join;
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&j->scope, me, 0);
        j->n = TASKS;
        j->kids = malloc(sizeof(RtTask *) * TASKS);
        for (unsigned i = 0; i < TASKS; i++)
            j->kids[i] = rt_spawn(&j->scope, fr_new(sizeof(Sleeper), sleeper_resume), NULL);
        /* fallthrough */
    case 1:
        if (!fr_join_all(j, me)) FR_SUSPEND(f, 1);
        f->fr.out = j->sum;
        FR_DONE(f);
    }
}

int main(void) {
    TimersRoot *f = fr_new(sizeof(TimersRoot), timers_root_resume);
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
