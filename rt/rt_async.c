/* The runtime side of generated async code (docs/design/async.md): the
 * root task of `async def main`, task completion, and the await functions
 * of runtime waits, each a thin layer over the waiting protocol of
 * rt_sched.h. */
#include "rt_internal.h"
#include "rt_poll.h"
#include "rt_sched.h"
#include "rt_task.h"
#include "sifr_rt.h"
#include "sifr_rt_values.h"

enum { AW_DONE = 0, AW_CANCELLED = 1, AW_WAITING = 2 };
enum { PH_START = 0, PH_SLEEP = 1, PH_YIELD = 2 };

int rt_async_main(void *frame, const RtType *result) {
    RtTask *t = NULL;
    rt_run(0, frame, &t);
    uint32_t status = t->status;
    if (result && status != RT_TASK_CANCELLED) {
        /* `-> Result[None, E]`: an Err is printed, as for a plain main
         * (rt_main_result drops the value and exits) */
        RtPromiseHead *p = (RtPromiseHead *)((char *)frame + RT_PROMISE_OFFSET);
        p->taken = 1;
        int code = rt_main_result(result, p + 1);
        rt_task_release(t);
        rt_frame_cache_release(); /* the root's frame went to this thread's cache */
        return code;
    }
    rt_task_release(t);
    rt_frame_cache_release();
    return rt_exit(status == RT_TASK_OK ? 0 : 1);
}

void rt_async_finish(uint32_t status) {
    RtTask *t = rt_task_current();
    if (t) rt_task_set_status(t, status, NULL);
}

double rt_task_now(void) { return (double)rt_now_ns() / 1e9; }

/* The deadline (CLOCK_MONOTONIC ns) `s` seconds from now, saturating. */
static uint64_t aw_deadline_in(double s) {
    uint64_t now = rt_now_ns();
    if (!(s > 0)) return now;
    double ns = s * 1e9;
    return ns >= (double)(UINT64_MAX - now) ? UINT64_MAX : now + (uint64_t)ns;
}

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
        a->phase = PH_SLEEP;
        if (rt_sleep_begin(me, aw_deadline_in(s))) return aw_end(a, me, frame);
        a->result = AW_WAITING;
        return NULL;
    }
    case PH_SLEEP: {
        if (rt_sleep_end(me) == RT_EAGAIN) return NULL;
        /* a cancellation that came with the deadline (a timeout that
         * fired in the same pass) is seen here, not at the next await */
        return aw_end(a, me, frame);
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
    if (rt_scope_join_begin(a->arg.p, me)) return aw_end(a, me, frame);
    a->result = AW_WAITING;
    return NULL;
}

void *rt_await_gather(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    const RtList *l = a->arg.p;
    /* phase: the handles joined so far */
    for (; a->phase < (uint32_t)l->len; a->phase++) {
        RtTask *child = ((RtTask **)l->data)[a->phase];
        if (rt_join_begin(me, child)) {
            if (child->status == RT_TASK_CANCELLED) {
                a->result = AW_CANCELLED;
                return frame;
            }
            continue;
        }
        if (rt_task_cancelled(me)) {
            a->result = AW_CANCELLED;
            return frame;
        }
        a->result = AW_WAITING;
        return NULL;
    }
    return aw_end(a, me, frame);
}

RtList *rt_gather_take(const RtList *handles, const RtType *t) {
    RtList *out = rt_list_new(t, handles->len);
    for (int64_t i = 0; i < handles->len; i++) {
        RtTask *child = ((RtTask **)handles->data)[i];
        RtPromiseHead *p = (RtPromiseHead *)((char *)child->frame + RT_PROMISE_OFFSET);
        p->taken = 1;
        rt_list_push(out, p + 1); /* moved: the frame no longer drops it */
    }
    return out;
}

void *rt_scope_new(void) {
    RtScope *s = rt_alloc(sizeof *s);
    rt_scope_init(s, rt_task_current(), 0);
    return s;
}

void *rt_group_new(void) {
    RtScope *s = rt_alloc(sizeof *s);
    rt_scope_init(s, rt_task_current(), RT_SCOPE_FAIL_FAST);
    return s;
}

void *rt_scope_new_ctx(void *ctx) {
    RtScope *s = rt_scope_new();
    s->ctx = rt_ctx_retain(ctx);
    return s;
}

void *rt_group_new_ctx(void *ctx) {
    RtScope *s = rt_group_new();
    s->ctx = rt_ctx_retain(ctx);
    return s;
}

void *rt_spawn_coro_ctx(void *scope, void *frame, void *ctx) { return rt_spawn(scope, frame, ctx); }

bool rt_scope_failed(void *scope) { return rt_scope_unobserved(scope) != 0; }

static RtPromiseHead *aw_first_failure(void *scope) {
    RtTask *t = rt_scope_first_failure(scope);
    if (!t || !t->frame) return NULL;
    RtPromiseHead *p = (RtPromiseHead *)((char *)t->frame + RT_PROMISE_OFFSET);
    return p->taken ? NULL : p;
}

bool rt_group_failed(void *scope) { return aw_first_failure(scope) != NULL; }

void *rt_group_error(void *scope) {
    RtPromiseHead *p = aw_first_failure(scope);
    if (!p) return NULL;
    p->taken = 1;
    return p->error;
}

void rt_scope_free(void *scope) {
    rt_scope_fini(scope);
    rt_free(scope);
}

void *rt_spawn_coro(void *scope, void *frame) { return rt_spawn(scope, frame, NULL); }

void rt_coro_drop(void *frame) { rt_coro_destroy(frame); }

void *rt_handle_frame(void *task) { return ((RtTask *)task)->frame; }

void *rt_handle_frame_once(void *task, const RtLoc *loc) {
    void *frame = ((RtTask *)task)->frame;
    RtPromiseHead *p = (RtPromiseHead *)((char *)frame + RT_PROMISE_OFFSET);
    if (p->taken) rt_panic("this task's result was already taken (a handle awaited twice)", loc);
    return frame;
}

void rt_handle_drop(void *task) { rt_task_release(task); }

void *rt_timeout_new(double t, bool instant) {
    uint64_t deadline;
    if (!instant) deadline = aw_deadline_in(t);
    else if (!(t > 0)) deadline = 0;
    else deadline = t * 1e9 >= 1.8e19 ? UINT64_MAX : (uint64_t)(t * 1e9);
    return rt_task_timeout_start(rt_task_current(), deadline);
}

bool rt_timeout_end(void *timeout) { return rt_task_timeout_stop(rt_task_current(), timeout); }

void rt_handle_cancel(void *task) {
    rt_task_cancel(task);
    rt_task_release(task);
}

/* ---- task.race, task.select and task.timeout(handle, s) ------------------ */

/* The record of one race or timed join, from its `_new` until its `_end`
 * (or until its await function sees the awaiting task cancelled: then the
 * await function frees it, and no `_end` follows). */
typedef struct RtRace {
    const RtList *handles; /* race: the tasks (borrowed from the consumed list) */
    RtTask *one;           /* timed join: the task */
    uint64_t deadline;     /* timed join: CLOCK_MONOTONIC ns */
    int64_t winner;        /* race: the index of the task that finished first */
} RtRace;

enum { RC_FIRST = 0, RC_DRAIN = 1 };                  /* race phases (then DRAIN + i) */
enum { TJ_START = 0, TJ_WAIT = 1, TJ_CANCELLED = 2 }; /* timed join phases */

void *rt_race_new(const RtList *handles) {
    if (handles->len == 0) rt_panic("task.race of no tasks", NULL);
    RtRace *r = rt_alloc(sizeof *r);
    *r = (RtRace){.handles = handles, .winner = -1};
    return r;
}

static void *rc_cancelled(RtAwait *a, RtRace *r, void *frame) {
    rt_free(r);
    a->result = AW_CANCELLED;
    return frame;
}

/* Not done yet: stop when the awaiting task is cancelled, else wait. */
static void *rc_wait(RtAwait *a, RtRace *r, RtTask *me, void *frame) {
    if (rt_task_cancelled(me)) return rc_cancelled(a, r, frame);
    a->result = AW_WAITING;
    return NULL;
}

void *rt_await_race(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    RtRace *r = a->arg.p;
    RtTask **ts = (RtTask **)r->handles->data;
    uint32_t n = (uint32_t)r->handles->len;
    if (a->phase == RC_FIRST) {
        /* waiting on every task at once: each finishing one wakes us */
        bool live = false;
        for (uint32_t i = 0; i < n && r->winner < 0; i++) {
            if (!rt_join_begin(me, ts[i])) live = true;
            else if (ts[i]->status != RT_TASK_CANCELLED) r->winner = i;
        }
        if (r->winner < 0) /* (none live: every task cancelled by its scope, no result) */
            return live ? rc_wait(a, r, me, frame) : rc_cancelled(a, r, frame);
        /* the losers are cancelled; their cleanup runs before the race ends */
        for (uint32_t i = 0; i < n; i++)
            if (i != (uint32_t)r->winner && !rt_task_done(ts[i])) rt_task_cancel(ts[i]);
        a->phase = RC_DRAIN;
    }
    for (; a->phase - RC_DRAIN < n; a->phase++)
        if (!rt_join_begin(me, ts[a->phase - RC_DRAIN])) return rc_wait(a, r, me, frame);
    a->result = AW_DONE;
    return frame;
}

int64_t rt_race_end(void *race) {
    RtRace *r = race;
    int64_t w = r->winner;
    rt_free(r);
    return w;
}

void *rt_race_frame(const RtList *handles, int64_t i) { return ((RtTask **)handles->data)[i]->frame; }

void *rt_timed_new(void *task, double seconds) {
    RtRace *r = rt_alloc(sizeof *r);
    *r = (RtRace){.one = task, .deadline = aw_deadline_in(seconds), .winner = -1};
    return r;
}

void *rt_await_timed(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    RtRace *r = a->arg.p;
    switch (a->phase) {
    case TJ_START:
        if (rt_join_begin(me, r->one)) break;
        if (rt_task_cancelled(me)) return rc_cancelled(a, r, frame);
        if (!rt_sleep_begin(me, r->deadline)) {
            a->phase = TJ_WAIT;
            a->result = AW_WAITING;
            return NULL;
        }
        goto expired; /* the deadline has passed already */
    case TJ_WAIT:
        if (rt_join_begin(me, r->one)) {
            rt_sleep_stop(me);
            break;
        }
        if (rt_task_cancelled(me)) {
            rt_sleep_stop(me);
            return rc_cancelled(a, r, frame);
        }
        if (rt_sleep_end(me) == RT_EAGAIN) {
            a->result = AW_WAITING;
            return NULL;
        }
    expired:
        /* the task is cancelled, and its cleanup runs before we go on */
        rt_task_cancel(r->one);
        a->phase = TJ_CANCELLED;
        /* fall through */
    default:
        if (!rt_join_begin(me, r->one)) return rc_wait(a, r, me, frame);
    }
    a->result = AW_DONE;
    return frame;
}

bool rt_timed_end(void *timed) {
    RtRace *r = timed;
    /* a task that finished despite the cancellation gives its result */
    bool expired = r->one->status == RT_TASK_CANCELLED;
    rt_free(r);
    return expired;
}
