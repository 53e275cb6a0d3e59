/* The runtime side of generated async code (docs/design/async.md): the
 * root task of `async def main`, task completion, and the await functions
 * of runtime waits, each a thin layer over the waiting protocol of
 * rt_sched.h. */
#include "rt_internal.h"
#include "rt_poll.h"
#include "rt_sched.h"
#include "sifr_rt.h"

enum { AW_DONE = 0, AW_CANCELLED = 1, AW_WAITING = 2 };
enum { PH_START = 0, PH_SLEEP = 1, PH_YIELD = 2 };

int rt_async_main(void *frame) {
    RtTask *t = NULL;
    rt_run(0, frame, &t);
    uint32_t status = t->status;
    rt_task_release(t);
    return status == RT_TASK_OK ? 0 : 1;
}

void rt_async_finish(uint32_t status) {
    RtTask *t = rt_task_current();
    if (t) rt_task_set_status(t, status, NULL);
}

double rt_task_now(void) { return (double)rt_now_ns() / 1e9; }

static void *aw_end(RtAwait *a, RtTask *me, void *frame) {
    a->result = rt_task_cancelled(me) ? AW_CANCELLED : AW_DONE;
    return frame;
}

void *rt_await_sleep(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    switch (a->phase) {
    case PH_START: {
        if (rt_task_cancelled(me)) return aw_end(a, me, frame);
        double s = a->arg.f;
        if (!(s > 0)) {
            /* sleep(0) (or a negative or NaN delay): let the other ready
             * tasks run first */
            a->phase = PH_YIELD;
            a->result = AW_WAITING;
            rt_yield_begin(me);
            return NULL;
        }
        double ns = s * 1e9;
        uint64_t now = rt_now_ns();
        uint64_t deadline = ns >= (double)(UINT64_MAX - now) ? UINT64_MAX : now + (uint64_t)ns;
        a->phase = PH_SLEEP;
        if (rt_sleep_begin(me, deadline)) return aw_end(a, me, frame);
        a->result = AW_WAITING;
        return NULL;
    }
    case PH_SLEEP: {
        int r = rt_sleep_end(me);
        if (r == RT_EAGAIN) return NULL;
        a->result = r == RT_ECANCELED ? AW_CANCELLED : AW_DONE;
        return frame;
    }
    default: return aw_end(a, me, frame);
    }
}

void *rt_await_join(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    RtTask *child = a->arg.p;
    if (rt_join_begin(me, child)) {
        /* a cancelled task has no result: the awaiting one is cancelled too */
        a->result = child->status == RT_TASK_CANCELLED ? AW_CANCELLED : AW_DONE;
        return frame;
    }
    if (rt_task_cancelled(me)) {
        /* the awaiting task stops waiting; the child goes on, and its scope
         * joins it (a later wake-up of this task is spurious) */
        a->result = AW_CANCELLED;
        return frame;
    }
    a->result = AW_WAITING;
    return NULL;
}

void *rt_await_scope(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    if (rt_scope_join_begin(a->arg.p, me)) {
        a->result = AW_DONE;
        return frame;
    }
    a->result = AW_WAITING;
    return NULL;
}

void *rt_scope_new(void) {
    RtScope *s = rt_alloc(sizeof *s);
    rt_scope_init(s, rt_task_current(), 0);
    return s;
}

void rt_scope_free(void *scope) {
    rt_scope_fini(scope);
    rt_free(scope);
}

void *rt_spawn_coro(void *scope, void *frame) { return rt_spawn(scope, frame, NULL); }

void *rt_handle_frame(void *task) { return ((RtTask *)task)->frame; }

void rt_handle_drop(void *task) { rt_task_release(task); }

void rt_handle_cancel(void *task) {
    rt_task_cancel(task);
    rt_task_release(task);
}
