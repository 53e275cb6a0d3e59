/* scope_cancel: 100,000 tasks each sleep an hour in one scope; a timeout of
 * 100 ms around the scope cancels them; the scope waits until every one has
 * ended; the root then prints how many it spawned (the TimeoutError branch
 * of the Sifr program): 100000.
 *
 * The timeout is a runtime timer (rt_timer_start, before the spawns, as a
 * timeout block starts its timer before its body runs) whose firing cancels
 * the root (rt_task_cancel) while it waits in the scope's join; a cancelled
 * owner's join cancels the children first (rt_scope_join_begin), each
 * sleeper's rt_sleep_end returns RT_ECANCELED and the sleeper finishes as
 * cancelled; the join completes when the last one has. Handles are dropped
 * at once (the Sifr program discards them). Workers: one per usable core. */
#include "bench_rt.h"

#define TASKS 100000u
#define SLEEP_NS 3600000000000ull /* an hour */
#define TIMEOUT_NS 100000000ull   /* 100 ms */

typedef struct Blocked {
    Fr fr;
} Blocked;

static void blocked_resume(void *p) {
    Blocked *f = p;
    RtTask *me = rt_task_current();
    int r;
    switch (f->fr.pc) {
    case 0:
        if (!rt_sleep_begin(me, rt_now_ns() + SLEEP_NS)) FR_SUSPEND(f, 1);
        r = rt_task_cancelled(me) ? RT_ECANCELED : 0;
        break;
    default:
        r = rt_sleep_end(me);
        if (r == RT_EAGAIN) return; /* a spurious wake-up: still sleeping */
        break;
    }
    if (r != RT_ECANCELED) bench_fail("rt_sleep_end (not cancelled)", r);
    rt_task_set_status(me, RT_TASK_CANCELLED, NULL);
    FR_DONE(f);
}

static void timeout_fire(RtTimerEntry *e) { rt_task_cancel(e->arg); }

typedef struct CancelRoot {
    Fr fr;
    RtScope scope;
    RtTimerEntry *timeout;
} CancelRoot;

static void cancel_root_resume(void *p) {
    CancelRoot *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        f->timeout = rt_timer_start(rt_now_ns() + TIMEOUT_NS, timeout_fire, me);
        rt_scope_init(&f->scope, me, 0);
        for (unsigned i = 0; i < TASKS; i++)
            rt_task_release(rt_spawn(&f->scope, fr_new(sizeof(Blocked), blocked_resume), NULL));
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        rt_scope_fini(&f->scope);
        /* true: the timer fired, the scope ended by the timeout */
        f->fr.out = rt_timer_stop(f->timeout) ? TASKS : 0;
        rt_task_set_status(me, RT_TASK_OK, NULL);
        FR_DONE(f);
    }
}

int main(void) {
    CancelRoot *f = fr_new(sizeof(CancelRoot), cancel_root_resume);
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
