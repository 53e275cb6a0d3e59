/* The schedulers (rt_sched.h): workers, the run loop, parking and waking,
 * task completion, scopes, timers. docs/design/runtime.md, "The scheduler". */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_poll.h"
#include "rt_runq.h"
#include "rt_sched.h"
#include "sifr_rt.h"

/* How many tasks a worker runs between two maintenance passes (inbox,
 * timers, I/O, the injection queue): tokio's 61, rounded to a power of two. */
#define RT_ROUND 64u
/* How many times in a row the LIFO slot may preempt the queue. */
#define RT_LIFO_MAX 3u
/* How long an idle worker looks for work before it parks: waking a parked
 * thread costs microseconds, a spinning hand-off tens of nanoseconds. */
#define RT_SPIN_NS 40000u

struct RtWorker {
    RtRunq q;
    int id;
    RtTask *current;
    uint32_t tick;
    uint32_t lifo_streak;
    bool searching;
    bool collecting;   /* in maintenance: tasks woken here wait for rt_share_surplus */
    uint64_t rng;
    _Atomic uint32_t parked;
    _Atomic bool ready;            /* its poller exists: it may be woken */
    _Atomic(RtTimerEntry *) inbox; /* timer cancellations from other threads */
    RtWheel wheel;
    RtPoller poller;
    pthread_t thread;
    RtSchedStats stats;
};

static struct {
    int n;
    RtWorker *w;
    pthread_mutex_t inj_lock;
    RtTask *inj_head, *inj_tail;
    _Atomic size_t inj_len;
    _Atomic int nparked;
    _Atomic int nsearching;
    _Atomic bool stop;
    _Atomic bool root_done;
    _Atomic bool active; /* between rt_run's start and end */
    RtTask *root;
    RtSchedStats last;
} S;

static _Thread_local RtWorker *tl_worker;
_Thread_local RtTask *rt_tl_task;
#define tl_task rt_tl_task
RtWorker *rt_worker_current(void) { return tl_worker; }
int rt_worker_id(const RtWorker *w) { return w->id; }
RtPoller *rt_worker_poller(RtWorker *w) { return &w->poller; }

static void rt_unpark(RtWorker *from, RtWorker *v);

/* Signals the first worker must block (see rt_sched_block_signals), and
 * the requests made / applied: a requester on another thread waits until
 * the first worker applied its request, since until then a process-directed
 * signal could still be delivered to (and kill) the main thread. */
static _Atomic uint64_t rt_sig_block, rt_sig_req, rt_sig_done;

static void rt_apply_signal_block(void) {
    uint64_t req = atomic_load(&rt_sig_req); /* every request up to here has set its bits */
    uint64_t m = atomic_exchange(&rt_sig_block, 0);
    if (m) {
        sigset_t set;
        sigemptyset(&set);
        for (int i = 1; i <= 64; i++)
            if (m & (1ull << (i - 1))) sigaddset(&set, i);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
    }
    atomic_store(&rt_sig_done, req);
}

static inline bool rt_signal_block_pending(void) {
    return atomic_load_explicit(&rt_sig_req, memory_order_relaxed) !=
           atomic_load_explicit(&rt_sig_done, memory_order_relaxed);
}

void rt_sched_block_signals(uint64_t mask) {
    atomic_fetch_or(&rt_sig_block, mask);
    uint64_t mine = atomic_fetch_add(&rt_sig_req, 1) + 1;
    RtWorker *w = tl_worker;
    if (w && w->id == 0) {
        rt_apply_signal_block();
    } else if (S.w && atomic_load(&S.active)) {
        rt_unpark(w, &S.w[0]);
        /* The first worker applies it at its next scheduler round. */
        while (atomic_load(&rt_sig_done) < mine && !atomic_load(&S.root_done)) sched_yield();
    }
}

/* Every asynchronous signal: what worker threads other than the first
 * block (the synchronous ones must still reach them). */
static void rt_async_signal_set(sigset_t *set) {
    sigfillset(set);
    int sync_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS};
    for (size_t i = 0; i < sizeof sync_sigs / sizeof *sync_sigs; i++) sigdelset(set, sync_sigs[i]);
}
int rt_worker_count(void) { return S.n; }
bool rt_sched_active(void) { return atomic_load(&S.active); }

void rt_spin_lock_slow(RtSpin *s) {
    /* Test and test-and-set: wait reading the line (shared, no traffic)
     * until it looks free. A holder runs only a few dozen instructions, so
     * the wait is short unless the holder's thread was preempted; only a
     * wait of many thousands of pauses yields the core to it. */
    for (;;) {
        for (unsigned spins = 0; atomic_load_explicit(&s->held, memory_order_relaxed); spins++) {
            if (spins < 4096) {
                rt_cpu_relax();
            } else {
                sched_yield();
                spins = 0;
            }
        }
        uint32_t z = 0;
        if (atomic_compare_exchange_weak_explicit(&s->held, &z, 1, memory_order_acquire, memory_order_relaxed))
            return;
    }
}

int rt_ncpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    return 1;
}

/* ---- Queues ---------------------------------------------------------- */

static void rt_inject(RtTask **tasks, size_t n) {
    if (!n) return;
    pthread_mutex_lock(&S.inj_lock);
    for (size_t i = 0; i < n; i++) {
        tasks[i]->qnext = NULL;
        if (S.inj_tail) S.inj_tail->qnext = tasks[i];
        else S.inj_head = tasks[i];
        S.inj_tail = tasks[i];
    }
    atomic_fetch_add(&S.inj_len, n);
    pthread_mutex_unlock(&S.inj_lock);
}

static void rt_overflow(void *ctx, void **tasks, size_t n) {
    (void)ctx;
    rt_inject((RtTask **)tasks, n);
}

/* Take one task from the injection queue, and move up to a fair share of the
 * rest into w's queue. */
static RtTask *rt_inject_pop(RtWorker *w) {
    if (!atomic_load_explicit(&S.inj_len, memory_order_relaxed)) return NULL;
    pthread_mutex_lock(&S.inj_lock);
    RtTask *first = S.inj_head;
    size_t taken = 0;
    if (first) {
        S.inj_head = first->qnext;
        taken = 1;
        size_t len = atomic_load_explicit(&S.inj_len, memory_order_relaxed);
        size_t share = len / (size_t)S.n + 1;
        if (share > RT_RUNQ_CAP / 2) share = RT_RUNQ_CAP / 2;
        while (taken < share && S.inj_head) {
            RtTask *t = S.inj_head;
            if (!rt_runq_push(&w->q, t)) break;
            S.inj_head = t->qnext;
            taken++;
        }
        if (!S.inj_head) S.inj_tail = NULL;
        atomic_fetch_sub(&S.inj_len, taken);
    }
    pthread_mutex_unlock(&S.inj_lock);
    return first;
}

/* ---- Parking and waking ------------------------------------------------- */

/* Take `v` out of the parked state, if it is parked: true if this call did. */
static bool rt_claim(RtWorker *v) {
    uint32_t one = 1;
    if (!atomic_compare_exchange_strong(&v->parked, &one, 0)) return false;
    atomic_fetch_sub(&S.nparked, 1);
    return true;
}

/* Wake one parked worker if nobody is looking for work already. */
static void rt_unpark_one(RtWorker *from) {
    if (atomic_load(&S.nparked) == 0 || atomic_load(&S.nsearching) != 0) return;
    for (int i = 0; i < S.n; i++) {
        RtWorker *v = &S.w[i];
        if (v != from && atomic_load_explicit(&v->parked, memory_order_relaxed) && rt_claim(v)) {
            atomic_fetch_add(&S.nsearching, 1); /* it wakes up searching */
            rt_poller_wake(from ? &from->poller : NULL, &v->poller);
            return;
        }
    }
}

/* Wake `v` whatever the searching count (shutdown, the root finishing).
 * `v` must be ready (its poller exists). */
static void rt_unpark(RtWorker *from, RtWorker *v) {
    if (rt_claim(v)) atomic_fetch_add(&S.nsearching, 1);
    rt_poller_wake(from && from != v ? &from->poller : NULL, &v->poller);
}

static void rt_enqueue(RtTask *t, bool lifo) {
    RtWorker *w = tl_worker;
    if (!w) {
        rt_inject(&t, 1);
        rt_unpark_one(NULL);
        return;
    }
    if (lifo && w->current) {
        /* The task a running task wakes runs next, on this worker; only
         * what that pushes out of the LIFO slot becomes stealable. */
        RtTask *prev = rt_runq_push_lifo(&w->q, t);
        if (!prev) return;
        rt_runq_push_overflow(&w->q, prev, rt_overflow, w);
    } else {
        rt_runq_push_overflow(&w->q, t, rt_overflow, w);
        /* Woken by this worker's timers or I/O between tasks: it runs them
         * next itself, and only a surplus is worth waking another worker
         * for (rt_share_surplus, at the end of the maintenance). */
        if (w->collecting) return;
    }
    rt_unpark_one(w);
}

void rt_task_wake(RtTask *t) {
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        if (s & (RT_TS_DONE | RT_TS_SCHEDULED)) return;
        if (s & RT_TS_RUNNING) {
            if (s & RT_TS_NOTIFIED) return;
            if (atomic_compare_exchange_weak(&t->state, &s, s | RT_TS_NOTIFIED)) return;
            continue;
        }
        if (atomic_compare_exchange_weak(&t->state, &s, s | RT_TS_SCHEDULED)) {
            rt_enqueue(t, true);
            return;
        }
    }
}

void rt_yield_begin(RtTask *me) {
    /* NOTIFIED while running: the worker puts it at the back of its queue. */
    atomic_fetch_or(&me->state, RT_TS_NOTIFIED);
}

void rt_task_cancel(RtTask *t) {
    if (!(atomic_fetch_or(&t->cancel, RT_CANCEL_REQUESTED) & RT_CANCEL_REQUESTED)) rt_task_wake(t);
}

static void rt_timeout_fire(RtTimerEntry *e) {
    RtTask *t = e->arg;
    atomic_fetch_add(&t->cancel, 1);
    rt_task_wake(t);
}

RtTimerEntry *rt_task_timeout_start(RtTask *me, uint64_t deadline_ns) {
    return rt_timer_start(deadline_ns, rt_timeout_fire, me);
}

bool rt_task_timeout_stop(RtTask *me, RtTimerEntry *e) {
    /* rt_timer_stop waits for a fire() in progress: its increment is done */
    if (!rt_timer_stop(e)) return false;
    uint32_t left = atomic_fetch_sub(&me->cancel, 1) - 1;
    return !(left & RT_CANCEL_REQUESTED);
}

/* ---- Task lifetime ------------------------------------------------------- */

static void rt_task_free(RtTask *t);

static void rt_task_unref(RtTask *t) {
    if ((atomic_fetch_sub_explicit(&t->state, RT_TS_REF, memory_order_acq_rel) >> 8) != 1) return;
    rt_task_free(t);
}

static void rt_task_free(RtTask *t) {
    if (t->frame) rt_coro_destroy(t->frame);
    rt_ctx_drop(t->ctx);
    rt_pool_free(t, sizeof *t);
}

void rt_task_release(RtTask *t) {
    /* RELEASED is set once, by the handle's owner: adding it sets the bit. */
    uint32_t s = atomic_fetch_add_explicit(&t->state, RT_TS_RELEASED - RT_TS_REF, memory_order_acq_rel);
    if ((s >> 8) == 1) rt_task_free(t);
}

bool rt_join_begin(RtTask *me, RtTask *child) {
    uint32_t s = atomic_load_explicit(&child->state, memory_order_acquire);
    for (;;) {
        if (s & RT_TS_DONE) {
            if ((s & RT_TS_JOINED) && child->joiner == me) {
                /* The completer read us as its joiner: wait until it is done
                 * waking us (a few instructions), so it never touches a task
                 * that went on and finished. */
                while (!(atomic_load_explicit(&child->state, memory_order_acquire) & RT_TS_ACKED)) rt_cpu_relax();
            }
            child->observed = true;
            return true;
        }
        if (s & RT_TS_JOINED) return false; /* resumed early: keep waiting */
        child->joiner = me;
        if (atomic_compare_exchange_weak_explicit(&child->state, &s, s | RT_TS_JOINED, memory_order_acq_rel,
                                                  memory_order_acquire))
            return false;
    }
}

static void rt_complete(RtWorker *w, RtTask *t) {
    RtScope *sc = t->scope;
    bool failed = t->status == RT_TASK_FAILED;
    if (sc && failed) {
        RtTask *none = NULL;
        atomic_fetch_add(&t->state, RT_TS_REF);
        if (!atomic_compare_exchange_strong(&sc->first_failed, &none, t)) atomic_fetch_sub(&t->state, RT_TS_REF);
        if (atomic_load(&sc->flags) & RT_SCOPE_FAIL_FAST) rt_scope_cancel(sc);
    }
    RtTask *owner = sc ? sc->owner : NULL;
    bool is_root = t == S.root;
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    RtTask *joiner;
    for (;;) {
        joiner = (s & RT_TS_JOINED) ? t->joiner : NULL;
        uint32_t ns = (s & ~(RT_TS_RUNNING | RT_TS_NOTIFIED | RT_TS_SCHEDULED)) | RT_TS_DONE;
        /* With a joiner to wake, hold t until the wake-up is acknowledged;
         * otherwise nothing touches t once DONE is published. */
        if (joiner) ns += RT_TS_REF;
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, ns, memory_order_acq_rel, memory_order_acquire))
            break;
    }
    if (joiner) {
        rt_task_wake(joiner);
        atomic_fetch_or_explicit(&t->state, RT_TS_ACKED, memory_order_release);
        rt_task_unref(t);
    }
    if (!sc) rt_task_unref(t); /* the execution's reference */
    if (sc) {
        uint64_t old = atomic_fetch_sub_explicit(&sc->live, 2, memory_order_acq_rel);
        if ((old & 0xffffffffu) == 3u) rt_task_wake(owner); /* the last child, and the owner waits */
    }
    if (is_root) {
        /* The first worker returns from rt_run, which stops the others
         * (waiting for any that is still starting: it has no poller to be
         * woken through yet). */
        atomic_store(&S.root_done, true);
        atomic_store(&S.stop, true);
        if (w != &S.w[0]) rt_unpark(w, &S.w[0]);
    }
}

static void rt_run_task(RtWorker *w, RtTask *t) {
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    while (!atomic_compare_exchange_weak_explicit(&t->state, &s, (s & ~RT_TS_SCHEDULED) | RT_TS_RUNNING,
                                                  memory_order_acq_rel, memory_order_acquire)) {
    }
    w->current = t;
    tl_task = t;
    rt_coro_resume(t->leaf);
    rt_out_task_switch();
    w->current = NULL;
    tl_task = NULL;
    w->stats.tasks_run++;
    if (rt_coro_done(t->frame)) {
        rt_complete(w, t);
        return;
    }
    s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        if (s & RT_TS_NOTIFIED) {
            uint32_t ns = (s & ~(RT_TS_RUNNING | RT_TS_NOTIFIED)) | RT_TS_SCHEDULED;
            if (atomic_compare_exchange_weak(&t->state, &s, ns)) {
                rt_runq_push_overflow(&w->q, t, rt_overflow, w);
                return;
            }
        } else if (atomic_compare_exchange_weak(&t->state, &s, s & ~RT_TS_RUNNING)) {
            return; /* t may already run elsewhere: do not touch it */
        }
    }
}

/* ---- Spawning ---------------------------------------------------------- */

static void rt_scope_prune(RtScope *sc);

static RtTask *rt_task_new(RtScope *sc, void *frame, void *ctx) {
    RtTask *t = rt_pool_alloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->frame = t->leaf = frame;
    /* Two references: the handle's, and the scope list's (without a scope,
     * the execution's, dropped when the task finishes). */
    atomic_init(&t->state, RT_TS_SCHEDULED | 2u * RT_TS_REF);
    t->scope = sc;
    RtTask *cur = tl_task;
    t->ctx = rt_ctx_retain(ctx ? ctx : (sc && sc->ctx) ? sc->ctx : cur ? cur->ctx : NULL);
    if (sc) {
        uint64_t old = atomic_fetch_add(&sc->live, (1ull << 32) + 2u);
        RtTask *head = atomic_load_explicit(&sc->children, memory_order_relaxed);
        do t->sibling = head;
        while (!atomic_compare_exchange_weak(&sc->children, &head, t));
        if (atomic_load(&sc->flags) & RT_SCOPE_CANCELLED) atomic_store(&t->cancel, RT_CANCEL_REQUESTED);
        if ((old >> 32) + 1 >= sc->prune_at) rt_scope_prune(sc);
    }
    return t;
}

RtTask *rt_spawn(RtScope *sc, void *frame, void *ctx) {
    RtTask *t = rt_task_new(sc, frame, ctx);
    rt_enqueue(t, false);
    return t;
}

/* ---- Scopes -------------------------------------------------------------- */

void rt_scope_init(RtScope *s, RtTask *owner, uint32_t flags) {
    memset(s, 0, sizeof *s);
    s->owner = owner;
    atomic_init(&s->flags, flags);
    s->prune_at = 64;
}


/* Drop the list's references to finished children, so a long-lived scope
 * that spawns millions of short tasks holds only the live ones. Amortised:
 * the next prune waits until the list has doubled. */
static void rt_scope_prune(RtScope *sc) {
    if (!rt_spin_trylock(&sc->lock)) return; /* someone walks or prunes it */
    RtTask *c = atomic_exchange(&sc->children, NULL);
    RtTask *keep = NULL, *last = NULL;
    uint64_t dropped = 0;
    while (c) {
        RtTask *next = c->sibling;
        /* a failed child stays listed: its scope asks whether anyone saw it */
        if (rt_task_done(c) && c->status != RT_TASK_FAILED) {
            dropped++;
            rt_task_unref(c);
        } else {
            c->sibling = keep;
            if (!keep) last = c;
            keep = c;
        }
        c = next;
    }
    if (keep) {
        RtTask *head = atomic_load(&sc->children);
        do last->sibling = head;
        while (!atomic_compare_exchange_weak(&sc->children, &head, keep));
    }
    atomic_fetch_sub(&sc->live, dropped << 32);
    uint64_t listed = atomic_load(&sc->live) >> 32;
    sc->prune_at = (uint32_t)(listed * 2 > 64 ? listed * 2 : 64);
    rt_spin_unlock(&sc->lock);
}

void rt_scope_cancel(RtScope *s) {
    atomic_fetch_or(&s->flags, RT_SCOPE_CANCELLED);
    rt_spin_lock(&s->lock);
    for (RtTask *c = atomic_load(&s->children); c; c = c->sibling)
        if (!rt_task_done(c)) rt_task_cancel(c);
    rt_spin_unlock(&s->lock);
}

bool rt_scope_join_begin(RtScope *s, RtTask *me) {
    if (rt_task_cancelled(me) && !(atomic_load(&s->flags) & RT_SCOPE_CANCELLED)) rt_scope_cancel(s);
    uint64_t v = atomic_load_explicit(&s->live, memory_order_acquire);
    for (;;) {
        uint32_t lo = (uint32_t)v;
        if (lo >> 1 == 0) {
            if (lo & 1) atomic_fetch_and(&s->live, ~(uint64_t)1);
            return true;
        }
        if (lo & 1) return false;
        if (atomic_compare_exchange_weak(&s->live, &v, v | 1)) return false;
    }
}

uint32_t rt_scope_unobserved(RtScope *s) {
    uint32_t n = 0;
    rt_spin_lock(&s->lock);
    for (RtTask *c = atomic_load(&s->children); c; c = c->sibling)
        if (rt_task_done(c) && c->status == RT_TASK_FAILED && !c->observed) n++;
    rt_spin_unlock(&s->lock);
    return n;
}

void rt_scope_fini(RtScope *s) {
    RtTask *c = atomic_exchange(&s->children, NULL);
    while (c) {
        RtTask *next = c->sibling;
        rt_task_unref(c);
        c = next;
    }
    RtTask *f = atomic_exchange(&s->first_failed, NULL);
    if (f) rt_task_unref(f);
    rt_ctx_drop(s->ctx);
    s->ctx = NULL;
}

/* ---- Timers ------------------------------------------------------------ */

enum { RT_TE_PENDING, RT_TE_FIRING, RT_TE_FIRED, RT_TE_CANCELLED };

static void rt_timer_unref(RtTimerEntry *e) {
    if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1) rt_pool_free(e, sizeof *e);
}

static void rt_timer_fired(RtTimer *tm, void *ctx) {
    (void)ctx;
    RtTimerEntry *e = tm->data;
    uint32_t p = RT_TE_PENDING;
    if (atomic_compare_exchange_strong(&e->state, &p, RT_TE_FIRING)) {
        e->fire(e);
        atomic_store_explicit(&e->state, RT_TE_FIRED, memory_order_release);
    }
    rt_timer_unref(e); /* the wheel's reference */
}

RtTimerEntry *rt_timer_start(uint64_t deadline_ns, RtTimerFireFn *fire, void *arg) {
    RtWorker *w = tl_worker;
    RtTimerEntry *e = rt_pool_alloc(sizeof *e);
    memset(e, 0, sizeof *e);
    rt_timer_init(&e->timer);
    e->timer.data = e;
    atomic_init(&e->state, RT_TE_PENDING);
    atomic_init(&e->refs, 2);
    e->home = w;
    e->fire = fire;
    e->arg = arg;
    rt_wheel_insert(&w->wheel, &e->timer, deadline_ns);
    return e;
}

/* On the home worker, for a cancelled timer (stopped there, or a message
 * from another thread): unlink it if the wheel still holds it, and drop
 * the stopper's reference. */
static void rt_timer_unlink(RtWorker *w, RtTimerEntry *e) {
    if (e->timer.link.next) { /* still in the wheel */
        rt_wheel_cancel(&w->wheel, &e->timer);
        rt_timer_unref(e);
    }
    rt_timer_unref(e); /* the message's (the stopper's) reference */
}

/* Unlink the timers other threads stopped (their messages in w's inbox). */
static void rt_drain_inbox(RtWorker *w) {
    RtTimerEntry *m = atomic_exchange(&w->inbox, NULL);
    while (m) {
        RtTimerEntry *next = m->msg;
        rt_timer_unlink(w, m);
        m = next;
    }
}

bool rt_timer_stop(RtTimerEntry *e) {
    uint32_t s = atomic_load_explicit(&e->state, memory_order_acquire);
    for (;;) {
        if (s == RT_TE_PENDING) {
            if (!atomic_compare_exchange_weak(&e->state, &s, RT_TE_CANCELLED)) continue;
            RtWorker *home = e->home;
            if (tl_worker == home) {
                rt_timer_unlink(home, e);
            } else { /* the wheel belongs to another worker: ask it to unlink */
                RtTimerEntry *head = atomic_load(&home->inbox);
                do e->msg = head;
                while (!atomic_compare_exchange_weak(&home->inbox, &head, e));
            }
            return false;
        }
        if (s == RT_TE_FIRING) { /* the home worker is running fire(): it ends in a moment */
            rt_cpu_relax();
            s = atomic_load_explicit(&e->state, memory_order_acquire);
            continue;
        }
        rt_timer_unref(e);
        return s == RT_TE_FIRED;
    }
}

static void rt_sleep_fire(RtTimerEntry *e) { rt_task_wake(e->arg); }

bool rt_sleep_begin(RtTask *me, uint64_t deadline_ns) {
    me->sleep = NULL;
    /* A task cancelled before it got here does not wait (its caller sees
     * the cancellation, as after any suspension). */
    if (rt_task_cancelled(me) || deadline_ns <= rt_now_ns()) return true;
    me->sleep = rt_timer_start(deadline_ns, rt_sleep_fire, me);
    return false;
}

int rt_sleep_end(RtTask *me) {
    RtTimerEntry *e = me->sleep;
    if (!e) return 0;
    uint32_t s = atomic_load_explicit(&e->state, memory_order_acquire);
    if (s == RT_TE_PENDING && !rt_task_cancelled(me)) return RT_EAGAIN; /* resumed early: keep sleeping */
    me->sleep = NULL;
    return rt_timer_stop(e) ? 0 : RT_ECANCELED;
}

void rt_sleep_stop(RtTask *me) {
    RtTimerEntry *e = me->sleep;
    if (!e) return;
    me->sleep = NULL;
    rt_timer_stop(e);
}

/* ---- The worker loop ------------------------------------------------------ */

/* After collecting woken tasks: this worker runs the first; wake another
 * worker only if there are more. */
static void rt_share_surplus(RtWorker *w) {
    w->collecting = false;
    if (rt_runq_len(&w->q) > 1 || atomic_load_explicit(&S.inj_len, memory_order_relaxed)) rt_unpark_one(w);
}

/* Inbox, timers and I/O: one pass, at most one io_uring_enter. */
static void rt_maintain(RtWorker *w) {
    if (w->id == 0 && rt_signal_block_pending()) rt_apply_signal_block();
    rt_drain_inbox(w);
    w->collecting = true;
    if (w->wheel.count) rt_wheel_advance(&w->wheel, rt_now_ns(), rt_timer_fired, w);
    if (rt_poller_busy(&w->poller)) rt_poller_poll(&w->poller, false, 0);
    rt_share_surplus(w);
}

static RtTask *rt_next_local(RtWorker *w) {
    if ((++w->tick & (RT_ROUND - 1)) == 0) {
        rt_maintain(w);
        RtTask *t = rt_inject_pop(w); /* fairness for the injection queue */
        if (t) return t;
    }
    bool lifo = atomic_load_explicit(&w->q.lifo, memory_order_relaxed) != NULL;
    if (lifo && w->lifo_streak >= RT_LIFO_MAX) {
        RtTask *t = rt_runq_push_lifo(&w->q, NULL);
        rt_runq_push_overflow(&w->q, t, rt_overflow, w);
        lifo = false;
    }
    RtTask *t = rt_runq_pop(&w->q);
    w->lifo_streak = lifo ? w->lifo_streak + 1 : 0;
    return t;
}

static RtTask *rt_steal(RtWorker *w) {
    if (S.n < 2) return NULL;
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    int start = (int)(w->rng % (uint64_t)S.n);
    for (int i = 0; i < S.n; i++) {
        RtWorker *v = &S.w[(start + i) % S.n];
        if (v == w) continue;
        RtTask *first = NULL;
        if (rt_runq_steal(&v->q, &w->q, (void **)&first)) {
            w->stats.steals++;
            return first;
        }
    }
    return NULL;
}

static bool rt_finished(RtWorker *w) {
    return w->id == 0 ? atomic_load_explicit(&S.root_done, memory_order_acquire)
                      : atomic_load_explicit(&S.stop, memory_order_acquire);
}

static void rt_stop_searching(RtWorker *w) {
    if (!w->searching) return;
    w->searching = false;
    /* The last searcher found work: there may be more, let another look. */
    if (atomic_fetch_sub(&S.nsearching, 1) == 1 && rt_runq_len(&w->q) > 0) rt_unpark_one(w);
}

static bool rt_work_visible(RtWorker *w) {
    if (atomic_load(&S.inj_len) || atomic_load(&w->inbox) || rt_finished(w)) return true;
    for (int i = 0; i < S.n; i++) {
        RtRunq *q = &S.w[i].q;
        /* stealable: the ring, not the LIFO slot */
        if (&S.w[i] != w && rt_runq_len(q) > (atomic_load_explicit(&q->lifo, memory_order_relaxed) != NULL))
            return true;
    }
    return false;
}

static void rt_park(RtWorker *w) {
    uint64_t deadline = w->wheel.count ? rt_wheel_next_deadline(&w->wheel) : UINT64_MAX;
    atomic_store(&w->parked, 1);
    atomic_fetch_add(&S.nparked, 1);
    if (rt_work_visible(w) && rt_claim(w)) return;
    w->stats.parks++;
    w->collecting = true;
    rt_poller_poll(&w->poller, true, deadline);
    rt_share_surplus(w);
    if (!rt_claim(w)) w->searching = true; /* a waker claimed us and counted us as searching */
}

static RtTask *rt_find_work(RtWorker *w) {
    rt_maintain(w);
    RtTask *t = rt_runq_pop(&w->q);
    if (t) return t;
    if (!w->searching && 2 * atomic_load(&S.nsearching) < S.n) {
        w->searching = true;
        atomic_fetch_add(&S.nsearching, 1);
    }
    uint64_t start = rt_now_ns();
    for (unsigned i = 0;; i++) {
        t = rt_inject_pop(w);
        if (!t) t = rt_steal(w);
        if (!t && (i & 15) == 15) {
            rt_maintain(w);
            t = rt_runq_pop(&w->q);
        }
        if (t) {
            rt_stop_searching(w);
            return t;
        }
        if (rt_finished(w)) break;
        /* Spin only while some worker runs tasks (work may come from it);
         * when every other worker is idle too, only I/O or a timer can
         * bring work, and spinning would take a core from, say, a child
         * process the program waits for. */
        if ((i & 15) == 15 && (rt_now_ns() - start > RT_SPIN_NS ||
                               atomic_load(&S.nparked) + atomic_load(&S.nsearching) >= S.n))
            break;
        if (w->wheel.count && rt_wheel_next_deadline(&w->wheel) <= rt_now_ns()) continue;
        rt_cpu_relax();
    }
    rt_stop_searching(w);
    if (rt_finished(w)) return NULL;
    rt_park(w);
    return NULL;
}

static void rt_worker_loop(RtWorker *w) {
    while (!rt_finished(w)) {
        RtTask *t = rt_next_local(w);
        if (!t) t = rt_find_work(w);
        if (t) rt_run_task(w, t);
    }
}

/* The CPUs the process may use, as rt_run found them: a worker started on
 * one CPU (rt_start_workers) gets them back once it runs there. */
static cpu_set_t rt_allowed;
static bool rt_have_allowed;

static void *rt_worker_main(void *arg) {
    RtWorker *w = arg;
    tl_worker = w;
    if (rt_have_allowed) pthread_setaffinity_np(pthread_self(), sizeof rt_allowed, &rt_allowed);
    int r = rt_poller_init(&w->poller);
    if (r < 0) rt_panic("cannot create the worker's I/O poller", NULL);
    /* Nobody waits for us: the first worker runs the root at once, and we
     * join by looking for work. Until `ready`, no one tries to wake us (a
     * worker that has not started is never counted as parked). */
    atomic_store_explicit(&w->ready, true, memory_order_release);
    rt_worker_loop(w);
    /* The poller stays open until rt_run has joined every worker: another
     * worker may still be waking this one. */
    rt_frame_cache_release();
    tl_worker = NULL;
    return NULL;
}

/* Start workers 1..n-1. Linux tends to start a new thread on its creator's
 * CPU and to leave it there for milliseconds even while another CPU idles,
 * so two workers would share a core through the first milliseconds of a
 * run (a short parallel map took twice as long, half of the time). Each
 * worker is therefore created with its affinity set to one CPU other than
 * the one the first worker runs on, round robin over the allowed ones, and
 * gives itself the whole allowed set back as soon as it runs: it starts on
 * its own core, and the system may still move it later. Children inherit
 * the full set. */
static void rt_start_workers(int nworkers) {
    rt_have_allowed = sched_getaffinity(0, sizeof rt_allowed, &rt_allowed) == 0;
    int cpus[CPU_SETSIZE], ncpus = 0, here = sched_getcpu();
    if (rt_have_allowed)
        for (int c = 0; c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &rt_allowed) && c != here) cpus[ncpus++] = c;
    /* Workers other than the first block every asynchronous signal, from
     * their first instruction on: they inherit the mask they are created
     * with, and the first worker may already run a task that opens a
     * signalfd and expects the signal to stay pending. */
    sigset_t all, old;
    rt_async_signal_set(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 1; i < nworkers; i++) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        if (ncpus > 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpus[(i - 1) % ncpus], &one);
            pthread_attr_setaffinity_np(&attr, sizeof one, &one);
        }
        int r = pthread_create(&S.w[i].thread, &attr, rt_worker_main, &S.w[i]);
        pthread_attr_destroy(&attr);
        if (r != 0) rt_panic("cannot start a worker thread", NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int rt_run(int nworkers, void *frame, RtTask **keep) {
    if (nworkers <= 0) {
        const char *env = getenv("SIFR_RT_WORKERS");
        nworkers = env ? atoi(env) : 0;
        if (nworkers <= 0) nworkers = rt_ncpus();
    }
    if (atomic_exchange(&S.active, true)) rt_panic("the task runtime is already running", NULL);
    memset(&S, 0, sizeof S);
    atomic_store(&S.active, true);
    S.n = nworkers;
    S.w = aligned_alloc(64, sizeof(RtWorker) * (size_t)nworkers);
    if (!S.w) rt_panic("out of memory", NULL);
    memset(S.w, 0, sizeof(RtWorker) * (size_t)nworkers);
    pthread_mutex_init(&S.inj_lock, NULL);
    uint64_t now = rt_now_ns();
    for (int i = 0; i < nworkers; i++) {
        RtWorker *w = &S.w[i];
        rt_runq_init(&w->q);
        w->id = i;
        w->rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
        rt_wheel_init(&w->wheel, now);
    }
    RtWorker *w0 = &S.w[0];
    tl_worker = w0;
    if (rt_poller_init(&w0->poller) < 0) rt_panic("cannot create the worker's I/O poller", NULL);
    atomic_store(&w0->ready, true);
    rt_start_workers(nworkers);

    RtTask *root = rt_task_new(NULL, frame, NULL);
    S.root = root; /* before any worker can run it */
    rt_enqueue(root, false);
    rt_worker_loop(w0);

    atomic_store(&S.stop, true);
    for (int i = 1; i < nworkers; i++) {
        /* A worker still starting sees `stop` when it enters its loop; one
         * that has a poller may be parked in it. */
        while (!atomic_load_explicit(&S.w[i].ready, memory_order_acquire)) sched_yield();
        rt_unpark(w0, &S.w[i]);
    }
    for (int i = 1; i < nworkers; i++) pthread_join(S.w[i].thread, NULL);
    rt_blocking_shutdown();
    /* A timer stopped from another worker just before the end may still be
     * waiting in its home worker's inbox: every thread has stopped, so this
     * one unlinks and frees it. */
    for (int i = 0; i < nworkers; i++) rt_drain_inbox(&S.w[i]);
    memset(&S.last, 0, sizeof S.last);
    for (int i = 0; i < nworkers; i++) {
        RtSchedStats *st = &S.w[i].stats;
        st->enters = S.w[i].poller.enters;
        st->wakeups = S.w[i].poller.wakeups;
        rt_poller_fini(&S.w[i].poller);
        S.last.tasks_run += st->tasks_run;
        S.last.steals += st->steals;
        S.last.parks += st->parks;
        S.last.enters += st->enters;
        S.last.wakeups += st->wakeups;
    }
    tl_worker = NULL;
    int status = (int)root->status;
    if (keep) *keep = root;
    else rt_task_release(root);
    pthread_mutex_destroy(&S.inj_lock);
    free(S.w);
    S.w = NULL;
    atomic_store(&S.active, false);
    return status;
}

RtSchedStats rt_sched_stats(void) { return S.last; }
