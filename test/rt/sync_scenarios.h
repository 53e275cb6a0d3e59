/* Synchronisation scenarios shared by test_rt_sync.c and tsan/tsan_sync.c:
 * channel conservation under cancellation across workers, close and drop
 * semantics, locks under contention, semaphore bounds. Task bodies are
 * state machines on the frame ABI (see sched_scenarios.h). */
#ifndef SIFR_TEST_SYNC_SCENARIOS_H
#define SIFR_TEST_SYNC_SCENARIOS_H

#include "rt_sync.h"
#include "sched_scenarios.h"

/* ---- channel conservation --------------------------------------------------
 *
 * P producers send K distinct values each; one consumer sums what it
 * receives; a canceller cancels every other producer after a short sleep
 * (mid-send on a full channel, typically). Conservation: the consumer's sum
 * and count equal the sums of what the producers' sends reported delivered,
 * and every value a producer did not deliver is still its own. */

typedef struct Producer {
    Fr fr;
    RtChan *ch;
    int64_t base, k, i;
    int64_t sent_sum, sent_n;
} Producer;

static void producer_resume(void *p) {
    Producer *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        f->i = 0;
        /* fallthrough */
    case 1:
        while (f->i < f->k) {
            if (rt_task_cancelled(me)) { /* seen at a suspension: stop sending */
                rt_chan_abandon(me, f->ch);
                break;
            }
            int64_t v = f->base + f->i;
            int r = rt_chan_send(me, f->ch, &v);
            if (r == RT_EAGAIN) FR_SUSPEND(f, 1);
            if (r != 0) break; /* closed or cancelled: v stays ours */
            f->sent_sum += v;
            f->sent_n++;
            f->i++;
            if ((f->i & 63) == 0) { /* let others interleave */
                rt_yield_begin(me);
                FR_SUSPEND(f, 1);
            }
        }
        rt_chan_sender_drop(f->ch);
        if (rt_task_cancelled(me)) rt_task_set_status(me, RT_TASK_CANCELLED, NULL);
        FR_DONE(f);
    }
}

typedef struct Consumer {
    Fr fr;
    RtChan *ch;
    int64_t sum, n;
    int64_t stop_after; /* cancel-free early exit: drop the receiver after this many (0: never) */
} Consumer;

static void consumer_resume(void *p) {
    Consumer *f = p;
    RtTask *me = rt_task_current();
    for (;;) {
        int64_t v;
        int r = rt_chan_recv(me, f->ch, &v);
        if (r == RT_EAGAIN) return; /* suspend; resumed here */
        if (r != 0) break;
        f->sum += v;
        f->n++;
        if (f->stop_after && f->n == f->stop_after) break;
    }
    rt_chan_receiver_drop(f->ch);
    FR_DONE(f);
}

typedef struct Canceller {
    Fr fr;
    RtTask **victims;
    int nvictims;
    uint64_t ns;
} Canceller;

static void canceller_resume(void *p) {
    Canceller *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        if (!rt_sleep_begin(me, rt_now_ns() + f->ns)) FR_SUSPEND(f, 1);
        /* fallthrough */
    case 1:
        if (f->fr.pc == 1 && rt_sleep_end(me) == RT_EAGAIN) return;
        for (int i = 0; i < f->nvictims; i++) rt_task_cancel(f->victims[i]);
        FR_DONE(f);
    }
}

typedef struct Conserve {
    Fr fr;
    RtScope scope;
    int producers;
    int64_t k;
    size_t cap;
    int64_t stop_after;
    RtChan *ch;
    RtTask *consumer, *canceller;
    RtTask *prod[64];
    RtTask *victims[64];
    /* results */
    int64_t sent_sum, sent_n, got_sum, got_n, cancelled;
} Conserve;

static void conserve_resume(void *p) {
    Conserve *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0: {
        rt_scope_init(&f->scope, me, 0);
        f->ch = rt_chan_new(sizeof(int64_t), f->cap, NULL, NULL);
        for (int i = 1; i < f->producers; i++) rt_chan_sender_clone(f->ch);
        Consumer *c = fr_new(sizeof(Consumer), consumer_resume);
        c->ch = f->ch;
        c->stop_after = f->stop_after;
        f->consumer = rt_spawn(&f->scope, c, NULL);
        int nv = 0;
        for (int i = 0; i < f->producers; i++) {
            Producer *pr = fr_new(sizeof(Producer), producer_resume);
            pr->ch = f->ch;
            pr->base = (int64_t)i * 1000000000;
            pr->k = f->k;
            f->prod[i] = rt_spawn(&f->scope, pr, NULL);
            if (i % 2) f->victims[nv++] = f->prod[i];
        }
        Canceller *k = fr_new(sizeof(Canceller), canceller_resume);
        k->victims = f->victims;
        k->nvictims = nv;
        k->ns = 200000; /* 0.2 ms */
        f->canceller = rt_spawn(&f->scope, k, NULL);
    }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        for (int i = 0; i < f->producers; i++) {
            Producer *pr = f->prod[i]->frame;
            f->sent_sum += pr->sent_sum;
            f->sent_n += pr->sent_n;
            f->cancelled += f->prod[i]->status == RT_TASK_CANCELLED;
            rt_task_release(f->prod[i]);
        }
        Consumer *c = f->consumer->frame;
        f->got_sum = c->sum;
        f->got_n = c->n;
        rt_task_release(f->consumer);
        rt_task_release(f->canceller);
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

static const char *scenario_conserve(int workers, int producers, int64_t k, size_t cap, int64_t stop_after,
                                     int64_t *cancelled) {
    Conserve *f = fr_new(sizeof(Conserve), conserve_resume);
    f->producers = producers;
    f->k = k;
    f->cap = cap;
    f->stop_after = stop_after;
    RtTask *root;
    int st = rt_run(workers, f, &root);
    Conserve r = *f;
    rt_task_release(root);
    if (cancelled) *cancelled = r.cancelled;
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    if (!stop_after) {
        SC_CHECK(r.got_n == r.sent_n && r.got_sum == r.sent_sum,
                 "sent %lld values (sum %lld), received %lld (sum %lld)", (long long)r.sent_n,
                 (long long)r.sent_sum, (long long)r.got_n, (long long)r.got_sum);
        SC_CHECK(r.sent_n <= (int64_t)producers * k, "more sent than produced");
    } else {
        /* The receiver left early: what was delivered but not received was
         * dropped with the receiver; nothing was received twice. */
        SC_CHECK(r.got_n == stop_after, "received %lld, want %lld", (long long)r.got_n, (long long)stop_after);
        SC_CHECK(r.sent_n >= r.got_n, "received more than was sent");
    }
    return NULL;
}

/* ---- a lock under contention ------------------------------------------------ */

typedef struct Incr {
    Fr fr;
    RtMutex *lock;
    int64_t *counter;
    int64_t n, i;
} Incr;

static void incr_resume(void *p) {
    Incr *f = p;
    RtTask *me = rt_task_current();
    while (f->i < f->n) {
        rt_lock_lock(f->lock);
        rt_lock_lock(f->lock); /* reentrant */
        int64_t v = *f->counter;
        *f->counter = v + 1;
        rt_lock_unlock(f->lock);
        rt_lock_unlock(f->lock);
        f->i++;
        if ((f->i & 255) == 0) {
            rt_yield_begin(me);
            return;
        }
    }
    FR_DONE(f);
}

typedef struct LockTest {
    Fr fr;
    RtScope scope;
    RtMutex lock;
    int64_t counter;
    int tasks;
    int64_t per;
} LockTest;

static void lock_test_resume(void *p) {
    LockTest *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        rt_lock_init(&f->lock);
        for (int i = 0; i < f->tasks; i++) {
            Incr *in = fr_new(sizeof(Incr), incr_resume);
            in->lock = &f->lock;
            in->counter = &f->counter;
            in->n = f->per;
            rt_task_release(rt_spawn(&f->scope, in, NULL));
        }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        rt_scope_fini(&f->scope);
        f->fr.out = f->counter;
        FR_DONE(f);
    }
}

static const char *scenario_lock(int workers, int tasks, int64_t per) {
    LockTest *f = fr_new(sizeof(LockTest), lock_test_resume);
    f->tasks = tasks;
    f->per = per;
    RtTask *root;
    int st = rt_run(workers, f, &root);
    int64_t got = FR_OUT(root);
    rt_task_release(root);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    SC_CHECK(got == tasks * per, "counter %lld, want %lld", (long long)got, (long long)(tasks * per));
    return NULL;
}

/* ---- semaphore: never more than n holders, FIFO grants ----------------------- */

typedef struct SemUser {
    Fr fr;
    RtSemaphore *sem;
    _Atomic int *inside, *max_inside;
    int rounds, i;
} SemUser;

static void sem_user_resume(void *p) {
    SemUser *f = p;
    RtTask *me = rt_task_current();
    int r;
    switch (f->fr.pc) {
    case 0:
    top:
        if (f->i == f->rounds) break;
        /* fallthrough */
    case 1:
        r = rt_sem_acquire(me, f->sem);
        if (r == RT_EAGAIN) FR_SUSPEND(f, 1);
        {
            int in = atomic_fetch_add(f->inside, 1) + 1;
            int mx = atomic_load(f->max_inside);
            while (in > mx && !atomic_compare_exchange_weak(f->max_inside, &mx, in)) {
            }
        }
        rt_yield_begin(me); /* hold the permit across a suspension */
        FR_SUSPEND(f, 2);
    case 2:
        atomic_fetch_sub(f->inside, 1);
        rt_sem_release(f->sem);
        f->i++;
        goto top;
    }
    FR_DONE(f);
}

typedef struct SemTest {
    Fr fr;
    RtScope scope;
    RtSemaphore sem;
    _Atomic int inside, max_inside;
    int tasks, rounds;
    int64_t permits;
} SemTest;

static void sem_test_resume(void *p) {
    SemTest *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        rt_sem_init(&f->sem, f->permits);
        for (int i = 0; i < f->tasks; i++) {
            SemUser *u = fr_new(sizeof(SemUser), sem_user_resume);
            u->sem = &f->sem;
            u->inside = &f->inside;
            u->max_inside = &f->max_inside;
            u->rounds = f->rounds;
            rt_task_release(rt_spawn(&f->scope, u, NULL));
        }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

static const char *scenario_semaphore(int workers, int tasks, int rounds, int64_t permits) {
    SemTest *f = fr_new(sizeof(SemTest), sem_test_resume);
    f->tasks = tasks;
    f->rounds = rounds;
    f->permits = permits;
    RtTask *root;
    int st = rt_run(workers, f, &root);
    int mx = atomic_load(&f->max_inside);
    int64_t left = rt_sem_permits(&f->sem);
    rt_task_release(root);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    SC_CHECK(mx >= 1 && mx <= permits, "%d holders at once with %lld permits", mx, (long long)permits);
    SC_CHECK(left == permits, "%lld permits left of %lld", (long long)left, (long long)permits);
    return NULL;
}


/* ---- cancellation storm ---------------------------------------------------
 *
 * n tasks block in every kind of wait (sleep, receive, semaphore, notify,
 * join of a sibling that sleeps); the scope is cancelled from another task;
 * every task must finish CANCELLED with its cleanup run exactly once, and no
 * semaphore permit or channel value may be lost. */

typedef struct StormShared {
    RtChan *ch;
    RtSemaphore sem;
    RtNotify notify;
    _Atomic int64_t cleanups;
} StormShared;

typedef struct Stormer {
    Fr fr;
    StormShared *sh;
    int kind;
    int64_t got;
} Stormer;

static void stormer_resume(void *p) {
    Stormer *f = p;
    RtTask *me = rt_task_current();
    int r = 0;
    switch (f->kind) {
    case 0: /* sleep for a minute */
        if (f->fr.pc == 0) {
            f->fr.pc = 1;
            if (rt_sleep_begin(me, rt_now_ns() + 60000000000ull)) break;
            return;
        }
        r = rt_sleep_end(me);
        break;
    case 1: /* receive from a channel nobody sends on */
        r = rt_chan_recv(me, f->sh->ch, &f->got);
        break;
    case 2: /* a semaphore with no permits */
        r = rt_sem_acquire(me, &f->sh->sem);
        break;
    default: /* a notify nobody notifies */
        r = rt_notified(me, &f->sh->notify);
        break;
    }
    if (r == RT_EAGAIN) return;
    if (r == RT_ECANCELED || rt_task_cancelled(me)) {
        atomic_fetch_add(&f->sh->cleanups, 1);
        rt_task_set_status(me, RT_TASK_CANCELLED, NULL);
    }
    FR_DONE(f);
}

typedef struct Storm {
    Fr fr;
    RtScope scope;
    StormShared sh;
    int64_t n, cancelled;
    RtTask **kids;
    RtTask *canceller;
} Storm;

static void scope_canceller_resume(void *p) {
    Canceller *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        f->fr.pc = 1;
        if (!rt_sleep_begin(me, rt_now_ns() + f->ns)) return;
    } else if (rt_sleep_end(me) == RT_EAGAIN) {
        return;
    }
    rt_scope_cancel((RtScope *)f->victims);
    FR_DONE(f);
}

static void storm_resume(void *p) {
    Storm *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        rt_scope_init(&f->scope, me, 0);
        f->sh.ch = rt_chan_new(sizeof(int64_t), 0, NULL, NULL);
        rt_sem_init(&f->sh.sem, 0);
        rt_notify_init(&f->sh.notify);
        f->kids = malloc(sizeof(RtTask *) * (size_t)f->n);
        for (int64_t i = 0; i < f->n; i++) {
            Stormer *s = fr_new(sizeof(Stormer), stormer_resume);
            s->sh = &f->sh;
            s->kind = (int)(i % 4);
            f->kids[i] = rt_spawn(&f->scope, s, NULL);
        }
        /* the canceller lives outside the scope it cancels */
        Canceller *k = fr_new(sizeof(Canceller), scope_canceller_resume);
        k->victims = (RtTask **)&f->scope;
        k->ns = 5000000; /* 5 ms: everyone is blocked by then */
        f->canceller = rt_spawn(NULL, k, NULL);
        f->fr.pc = 1;
    }
    if (f->fr.pc == 1) {
        if (!rt_join_begin(me, f->canceller)) return;
        rt_task_release(f->canceller);
        f->fr.pc = 2;
    }
    if (!rt_scope_join_begin(&f->scope, me)) return;
    for (int64_t i = 0; i < f->n; i++) {
        f->cancelled += f->kids[i]->status == RT_TASK_CANCELLED;
        rt_task_release(f->kids[i]);
    }
    free(f->kids);
    rt_scope_fini(&f->scope);
    rt_chan_sender_drop(f->sh.ch);
    rt_chan_receiver_drop(f->sh.ch);
    FR_DONE(f);
}

static const char *scenario_storm(int workers, int64_t n) {
    Storm *f = fr_new(sizeof(Storm), storm_resume);
    f->n = n;
    RtTask *root;
    uint64_t t0 = rt_now_ns();
    int st = rt_run(workers, f, &root);
    uint64_t el = rt_now_ns() - t0;
    int64_t cancelled = f->cancelled, cleanups = atomic_load(&f->sh.cleanups), permits = rt_sem_permits(&f->sh.sem);
    bool permit = f->sh.notify.permit;
    rt_task_release(root);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    SC_CHECK(cancelled == n, "%lld of %lld tasks finished cancelled", (long long)cancelled, (long long)n);
    SC_CHECK(cleanups == n, "%lld cleanups for %lld tasks", (long long)cleanups, (long long)n);
    SC_CHECK(permits == 0 && !permit, "a permit appeared from nowhere");
    SC_CHECK(el < 30000000000ull, "the storm took %llu ms", (unsigned long long)(el / 1000000));
    return NULL;
}

#endif
