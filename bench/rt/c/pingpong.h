/* pingpong_same, pingpong_cross: N round trips between two tasks. A sends i
 * to B over a capacity-1 channel, B sends i + 1 back over another capacity-1
 * channel, A sums what it receives. When A is done it drops its sender, B's
 * receive returns RT_ECLOSED and B finishes. The root spawns B, then A (as
 * the tokio peer does), and joins A (the sum), then B.
 *
 * With BENCH_RT_STATS set, each side counts the resumes that found it on
 * another worker than its previous resume (moves) and the resumes on which
 * the other side's last resume was on a different worker (cross); the timed
 * runs skip the bookkeeping. */
#include "bench_rt.h"

typedef struct Side {
    _Atomic int worker; /* the worker of this side's latest resume */
    uint64_t resumes, moves, cross;
} Side;

static Side side_a, side_b;
static bool observe; /* BENCH_RT_STATS is set */

/* Bookkeeping at each resume of `me` (the other side is `peer`). */
static void side_note(Side *me, Side *peer) {
    int w = rt_worker_id(rt_worker_current());
    int prev = atomic_load_explicit(&me->worker, memory_order_relaxed);
    me->resumes++;
    me->moves += me->resumes > 1 && prev != w;
    me->cross += atomic_load_explicit(&peer->worker, memory_order_relaxed) != w;
    atomic_store_explicit(&me->worker, w, memory_order_relaxed);
}

typedef struct PingA {
    Fr fr;
    RtChan *to_b, *from_b;
    uint64_t n, i, sum;
} PingA;

static void ping_a_resume(void *p) {
    PingA *f = p;
    RtTask *me = rt_task_current();
    int r;
    uint64_t v;
    if (observe) side_note(&side_a, &side_b);
    for (;;) {
        switch (f->fr.pc) {
        case 0: /* send i */
            if (f->i == f->n) goto done;
            r = rt_chan_send(me, f->to_b, &f->i);
            if (r == RT_EAGAIN) return; /* resumed at pc 0: send again */
            if (r != 0) bench_fail("A: rt_chan_send", r);
            f->fr.pc = 1;
            /* fallthrough */
        case 1: /* receive i + 1 */
            r = rt_chan_recv(me, f->from_b, &v);
            if (r == RT_EAGAIN) return; /* resumed at pc 1 */
            if (r != 0) bench_fail("A: rt_chan_recv", r);
            f->sum += v;
            f->i++;
            f->fr.pc = 0;
        }
    }
done:
    rt_chan_sender_drop(f->to_b);
    rt_chan_receiver_drop(f->from_b);
    f->fr.out = f->sum;
    FR_DONE(f);
}

typedef struct PingB {
    Fr fr;
    RtChan *from_a, *to_a;
    uint64_t v;
} PingB;

static void ping_b_resume(void *p) {
    PingB *f = p;
    RtTask *me = rt_task_current();
    int r;
    if (observe) side_note(&side_b, &side_a);
    for (;;) {
        switch (f->fr.pc) {
        case 0: /* receive v */
            r = rt_chan_recv(me, f->from_a, &f->v);
            if (r == RT_EAGAIN) return;
            if (r == RT_ECLOSED) goto done;
            if (r != 0) bench_fail("B: rt_chan_recv", r);
            f->v++;
            f->fr.pc = 1;
            /* fallthrough */
        case 1: /* send v + 1 */
            r = rt_chan_send(me, f->to_a, &f->v);
            if (r == RT_EAGAIN) return;
            if (r != 0) bench_fail("B: rt_chan_send", r);
            f->fr.pc = 0;
        }
    }
done:
    rt_chan_receiver_drop(f->from_a);
    rt_chan_sender_drop(f->to_a);
    FR_DONE(f);
}

typedef struct PingRoot {
    Fr fr;
    RtScope scope;
    RtTask *a, *b;
    uint64_t n;
} PingRoot;

static void ping_root_resume(void *p) {
    PingRoot *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0: {
        rt_scope_init(&f->scope, me, 0);
        RtChan *to_b = rt_chan_new(sizeof(uint64_t), 1, NULL, NULL);
        RtChan *to_a = rt_chan_new(sizeof(uint64_t), 1, NULL, NULL);
        PingB *b = fr_new(sizeof(PingB), ping_b_resume);
        b->from_a = to_b;
        b->to_a = to_a;
        PingA *a = fr_new(sizeof(PingA), ping_a_resume);
        a->to_b = to_b;
        a->from_b = to_a;
        a->n = f->n;
        f->b = rt_spawn(&f->scope, b, NULL);
        f->a = rt_spawn(&f->scope, a, NULL);
    }
        /* fallthrough */
    case 1:
        if (!rt_join_begin(me, f->a)) FR_SUSPEND(f, 1);
        f->fr.out = FR_OUT(f->a);
        /* fallthrough */
    case 2:
        if (!rt_join_begin(me, f->b)) FR_SUSPEND(f, 2);
        /* fallthrough */
    case 3:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 3);
        rt_task_release(f->a);
        rt_task_release(f->b);
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

static int pingpong_main(int workers, uint64_t n) {
    atomic_init(&side_a.worker, -1);
    atomic_init(&side_b.worker, -1);
    observe = bench_stats_wanted();
    PingRoot *f = fr_new(sizeof(PingRoot), ping_root_resume);
    f->n = n;
    printf("%" PRIu64 "\n", bench_run(workers, f));
    if (observe)
        fprintf(stderr,
                "pingpong: A resumed %" PRIu64 " times (%" PRIu64
                " on another worker than its last, %" PRIu64
                " on another worker than B's last); B %" PRIu64 " (%" PRIu64 ", %" PRIu64 ")\n",
                side_a.resumes, side_a.moves, side_a.cross, side_b.resumes, side_b.moves,
                side_b.cross);
    return 0;
}
