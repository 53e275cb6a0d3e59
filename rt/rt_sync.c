/* Channels, locks, semaphores, Notify and Shared (rt_sync.h).
 *
 * Every primitive keeps its state under a short spin lock and wakes tasks
 * while holding it: a woken task that was also cancelled re-checks its
 * registration under the same lock, so it can never finish (and be freed)
 * while a waker still holds a pointer to it. */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt_internal.h"
#include "rt_poll.h"
#include "rt_sync.h"

/* wait_data tokens: what a waker handed to the task it popped */
#define RT_GRANTED 0x6772616e74ull /* a semaphore permit */
#define RT_NOTIFIED 0x6e6f74696679ull /* a notify_one */
#define RT_NOTIFIED_ALL 0x616c6cull     /* a notify_all */

/* ---- Channels ------------------------------------------------------------ */

/* A ring of values: `slots` (a power of two) allocated, `len` from `head`. */
typedef struct RtRing {
    char *buf;
    size_t slots, head, len;
} RtRing;

/* Two rings: senders append to `q` under the lock. The receiver of an
 * unbounded channel takes the whole of `q` at once (swapping it with its
 * own, empty, ring `rx`) and then consumes `rx` without locking: a receiver
 * that keeps up pays one lock per batch instead of one per value, and
 * leaves the lock's cache line to the senders. A bounded channel's room must
 * reappear value by value (a send after a receive finds it), so its
 * receiver takes one value at a time from `q`. */
struct RtChan {
    RtSpin spin;
    size_t elem, cap; /* cap 0: unbounded */
    RtRing q;         /* under the lock */
    RtRing rx;        /* the receiver's alone (unbounded channels) */
    bool closed, rx_alive;
    uint32_t senders;
    RtTask *rx_waiter;
    RtWaitList tx_waiters;
    _Atomic uint32_t refs; /* endpoints */
    RtValueDropFn *drop;
};

RtChan *rt_chan_new(size_t elem, size_t cap, RtValueDropFn *drop) {
    RtChan *c = rt_alloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->elem = elem ? elem : 1;
    c->cap = cap;
    c->rx_alive = true;
    c->senders = 1;
    atomic_init(&c->refs, 2);
    c->drop = drop;
    rt_waitlist_init(&c->tx_waiters);
    return c;
}

static void rt_chan_unref(RtChan *c) {
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1) return;
    rt_free(c->q.buf);
    rt_free(c->rx.buf);
    rt_free(c);
}

static void rt_chan_wake_all(RtChan *c) {
    if (c->rx_waiter) {
        RtTask *t = c->rx_waiter;
        c->rx_waiter = NULL;
        rt_task_wake(t);
    }
    RtTask *t;
    while ((t = rt_waitlist_pop(&c->tx_waiters))) rt_task_wake(t);
}

void rt_chan_sender_clone(RtChan *c) {
    rt_spin_lock(&c->spin);
    c->senders++;
    rt_spin_unlock(&c->spin);
    atomic_fetch_add(&c->refs, 1);
}

void rt_chan_sender_drop(RtChan *c) {
    rt_spin_lock(&c->spin);
    if (--c->senders == 0) {
        c->closed = true;
        rt_chan_wake_all(c);
    }
    rt_spin_unlock(&c->spin);
    rt_chan_unref(c);
}

void rt_chan_receiver_drop(RtChan *c) {
    rt_spin_lock(&c->spin);
    c->rx_alive = false;
    c->closed = true;
    for (RtRing *r = &c->rx; r; r = r == &c->rx ? &c->q : NULL) {
        while (r->len) { /* nobody will receive them: drop them here */
            if (c->drop) c->drop(r->buf + r->head * c->elem);
            r->head = (r->head + 1) & (r->slots - 1);
            r->len--;
        }
    }
    rt_chan_wake_all(c);
    rt_spin_unlock(&c->spin);
    rt_chan_unref(c);
}

void rt_chan_close(RtChan *c) {
    rt_spin_lock(&c->spin);
    c->closed = true;
    rt_chan_wake_all(c);
    rt_spin_unlock(&c->spin);
}

bool rt_chan_closed(RtChan *c) {
    rt_spin_lock(&c->spin);
    bool r = c->closed;
    rt_spin_unlock(&c->spin);
    return r;
}

size_t rt_chan_len(RtChan *c) {
    rt_spin_lock(&c->spin);
    size_t r = c->q.len;
    rt_spin_unlock(&c->spin);
    return r;
}

/* Room for one more value (under the lock; the caller checked the bound). */
static void rt_chan_grow(RtChan *c) {
    RtRing *q = &c->q;
    size_t slots = q->slots ? q->slots * 2 : 16;
    if (c->cap && slots > c->cap) { /* round the bound up to a power of two */
        slots = 1;
        while (slots < c->cap) slots *= 2;
    }
    char *buf = rt_alloc(slots * c->elem);
    for (size_t i = 0; i < q->len; i++)
        memcpy(buf + i * c->elem, q->buf + ((q->head + i) & (q->slots - 1)) * c->elem, c->elem);
    rt_free(q->buf);
    q->buf = buf;
    q->slots = slots;
    q->head = 0;
}

static int rt_chan_send_locked(RtTask *me, RtChan *c, const void *value) {
    if (c->closed) {
        if (me && rt_waitlink_linked(me)) rt_waitlist_remove(me);
        return RT_ECLOSED;
    }
    if (c->cap && c->q.len >= c->cap) {
        if (!me) return RT_EAGAIN;
        if (rt_task_cancelled(me)) {
            if (rt_waitlink_linked(me)) rt_waitlist_remove(me);
            return RT_ECANCELED;
        }
        if (!rt_waitlink_linked(me)) rt_waitlist_push(&c->tx_waiters, me);
        return RT_EAGAIN;
    }
    if (me && rt_waitlink_linked(me)) rt_waitlist_remove(me);
    if (c->q.len == c->q.slots) rt_chan_grow(c);
    memcpy(c->q.buf + ((c->q.head + c->q.len) & (c->q.slots - 1)) * c->elem, value, c->elem);
    c->q.len++;
    if (c->rx_waiter) {
        RtTask *t = c->rx_waiter;
        c->rx_waiter = NULL;
        rt_task_wake(t);
    }
    return 0;
}

int rt_chan_send(RtTask *me, RtChan *c, const void *value) {
    rt_spin_lock(&c->spin);
    int r = rt_chan_send_locked(me, c, value);
    rt_spin_unlock(&c->spin);
    return r;
}

int rt_chan_try_send(RtChan *c, const void *value) { return rt_chan_send(NULL, c, value); }

static int rt_chan_recv_locked(RtTask *me, RtChan *c, void *out) {
    RtRing *q = &c->q;
    if (q->len) {
        if (c->rx_waiter == me) c->rx_waiter = NULL;
        if (!c->cap) { /* take the whole queue */
            RtRing mine = c->rx;
            c->rx = *q;
            *q = mine;
            q->head = q->len = 0;
            return 1;
        }
        memcpy(out, q->buf + q->head * c->elem, c->elem);
        q->head = (q->head + 1) & (q->slots - 1);
        q->len--;
        RtTask *t = rt_waitlist_pop(&c->tx_waiters); /* room for one waiting sender */
        if (t) rt_task_wake(t);
        return 0;
    }
    if (c->rx_waiter == me) c->rx_waiter = NULL;
    if (c->closed) return RT_ECLOSED;
    if (!me) return RT_EAGAIN;
    if (rt_task_cancelled(me)) return RT_ECANCELED;
    c->rx_waiter = me;
    return RT_EAGAIN;
}

int rt_chan_recv(RtTask *me, RtChan *c, void *out) {
    RtRing *rx = &c->rx;
    if (!rx->len) {
        rt_spin_lock(&c->spin);
        int r = rt_chan_recv_locked(me, c, out);
        rt_spin_unlock(&c->spin);
        if (r <= 0) return r;
    }
    memcpy(out, rx->buf + rx->head * c->elem, c->elem);
    rx->head = (rx->head + 1) & (rx->slots - 1);
    rx->len--;
    return 0;
}

int rt_chan_try_recv(RtChan *c, void *out) { return rt_chan_recv(NULL, c, out); }

void rt_chan_abandon(RtTask *me, RtChan *c) {
    rt_spin_lock(&c->spin);
    if (c->rx_waiter == me) c->rx_waiter = NULL;
    if (rt_waitlink_linked(me)) {
        rt_waitlist_remove(me);
    } else if (c->cap && c->q.len < c->cap && !c->closed) {
        /* A receive may have picked `me` for the room it made: pass it on. */
        RtTask *t = rt_waitlist_pop(&c->tx_waiters);
        if (t) rt_task_wake(t);
    }
    rt_spin_unlock(&c->spin);
}

/* ---- Locks ------------------------------------------------------------ */

#define RT_RW_SPINS 200

static long rt_futex(_Atomic uint32_t *addr, int op, uint32_t val) {
    return syscall(SYS_futex, (uint32_t *)addr, op, val, NULL, NULL, 0);
}

_Thread_local char rt_thread_token;

#define RT_MUTEX_SPIN_NS 50000u

/* Spin with exponential backoff for up to RT_MUTEX_SPIN_NS: the waiter
 * checks the lock ever more rarely, so the holder's cache line stays with
 * the holder and a holder that takes the lock again and again runs at
 * uncontended speed (a lock is not fair in the short run, like Go's). true
 * if it got the lock. */
static bool rt_mutex_spin(RtMutex *m) {
    uint64_t start = 0;
    for (unsigned backoff = 1, i = 0;; i++) {
        uint32_t s = atomic_load_explicit(&m->state, memory_order_relaxed);
        if (s == 0 && atomic_compare_exchange_weak_explicit(&m->state, &s, 1, memory_order_acquire,
                                                            memory_order_relaxed))
            return true;
        for (unsigned k = 0; k < backoff; k++) {
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        }
        if (backoff < 1024) backoff *= 2;
        if ((i & 7) == 7) {
            uint64_t now = rt_now_ns();
            if (!start) start = now;
            else if (now - start > RT_MUTEX_SPIN_NS) return false;
        }
    }
}

void rt_mutex_lock_slow(RtMutex *m, void *me) {
    if (rt_mutex_spin(m)) goto got;
    atomic_fetch_add(&m->sleepers, 1); /* a full barrier before the next try */
    for (;;) {
        uint32_t q = atomic_load(&m->seq);
        atomic_store(&m->woken, 0); /* awake: the next unlock may wake a sleeper */
        if (rt_mutex_spin(m)) break;
        rt_futex(&m->seq, FUTEX_WAIT_PRIVATE, q); /* returns at once if an unlock bumped seq */
    }
    atomic_fetch_sub(&m->sleepers, 1);
got:
    atomic_store_explicit(&m->owner, me, memory_order_relaxed);
    m->depth = 1;
}

void rt_mutex_wake(RtMutex *m) {
    uint32_t z = 0;
    if (atomic_load_explicit(&m->woken, memory_order_relaxed) == 0 &&
        atomic_compare_exchange_strong(&m->woken, &z, 1)) {
        atomic_fetch_add(&m->seq, 1);
        rt_futex(&m->seq, FUTEX_WAKE_PRIVATE, 1);
    }
}

typedef struct RtReader {
    void *owner;
    uint32_t n;
} RtReader;

/* The read guards are counted per owner in a small array after the lock's
 * fields (most locks have one or two reading owners at a time). */
typedef struct RtRwReaders {
    RtReader *v;
    uint32_t len, cap;
} RtRwReaders;

/* RtRwLock.rowner points to the RtRwReaders table (allocated on the first
 * read). */
static RtRwReaders *rt_rw_readers(RtRwLock *l) {
    if (!l->rowner) {
        RtRwReaders *r = rt_alloc(sizeof *r);
        memset(r, 0, sizeof *r);
        l->rowner = r;
    }
    return l->rowner;
}

void rt_rwlock_init(RtRwLock *l) { memset(l, 0, sizeof *l); }


static bool rt_rw_can_read(RtRwLock *l, void *me) { return !l->writer || l->writer == me; }

static bool rt_rw_can_write(RtRwLock *l, void *me) {
    if (l->writer && l->writer != me) return false;
    if (!l->readers) return true;
    RtRwReaders *r = l->rowner;
    return r->len == 1 && r->v[0].owner == me;
}

static void rt_rw_add_reader(RtRwLock *l, void *me) {
    RtRwReaders *r = rt_rw_readers(l);
    l->readers++;
    for (uint32_t i = 0; i < r->len; i++)
        if (r->v[i].owner == me) {
            r->v[i].n++;
            return;
        }
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 4;
        r->v = rt_realloc(r->v, sizeof *r->v * r->cap);
    }
    r->v[r->len++] = (RtReader){me, 1};
}

/* Spin, then sleep on the futex until `can` holds; returns with l->spin held. */
static void rt_rw_wait(RtRwLock *l, void *me, bool (*can)(RtRwLock *, void *)) {
    rt_spin_lock(&l->spin);
    for (unsigned i = 0; !can(l, me); i++) {
        uint32_t seq = atomic_load(&l->seq);
        if (i < RT_RW_SPINS) {
            rt_spin_unlock(&l->spin);
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        } else {
            atomic_fetch_add(&l->sleepers, 1);
            rt_spin_unlock(&l->spin);
            rt_futex(&l->seq, FUTEX_WAIT_PRIVATE, seq);
            atomic_fetch_sub(&l->sleepers, 1);
        }
        rt_spin_lock(&l->spin);
    }
}

static void rt_rw_released(RtRwLock *l) {
    atomic_fetch_add(&l->seq, 1);
    bool sleepers = atomic_load(&l->sleepers) != 0;
    rt_spin_unlock(&l->spin);
    if (sleepers) rt_futex(&l->seq, FUTEX_WAKE_PRIVATE, INT_MAX);
}

void rt_rwlock_read(RtRwLock *l) {
    void *me = rt_lock_owner();
    rt_rw_wait(l, me, rt_rw_can_read);
    rt_rw_add_reader(l, me);
    rt_spin_unlock(&l->spin);
}

void rt_rwlock_write(RtRwLock *l) {
    void *me = rt_lock_owner();
    rt_rw_wait(l, me, rt_rw_can_write);
    l->writer = me;
    l->wdepth++;
    rt_spin_unlock(&l->spin);
}

bool rt_rwlock_try_read(RtRwLock *l) {
    void *me = rt_lock_owner();
    rt_spin_lock(&l->spin);
    bool ok = rt_rw_can_read(l, me);
    if (ok) rt_rw_add_reader(l, me);
    rt_spin_unlock(&l->spin);
    return ok;
}

bool rt_rwlock_try_write(RtRwLock *l) {
    void *me = rt_lock_owner();
    rt_spin_lock(&l->spin);
    bool ok = rt_rw_can_write(l, me);
    if (ok) {
        l->writer = me;
        l->wdepth++;
    }
    rt_spin_unlock(&l->spin);
    return ok;
}

void rt_rwlock_read_unlock(RtRwLock *l) {
    void *me = rt_lock_owner();
    rt_spin_lock(&l->spin);
    RtRwReaders *r = l->rowner;
    for (uint32_t i = 0; r && i < r->len; i++)
        if (r->v[i].owner == me) {
            if (--r->v[i].n == 0) r->v[i] = r->v[--r->len];
            l->readers--;
            break;
        }
    rt_rw_released(l);
}

void rt_rwlock_write_unlock(RtRwLock *l) {
    rt_spin_lock(&l->spin);
    if (l->wdepth && --l->wdepth == 0) l->writer = NULL;
    rt_rw_released(l);
}

void rt_rwlock_fini(RtRwLock *l) {
    RtRwReaders *r = l->rowner;
    if (r) {
        rt_free(r->v);
        rt_free(r);
    }
    l->rowner = NULL;
}

/* ---- Semaphore ------------------------------------------------------------ */

void rt_sem_init(RtSemaphore *s, int64_t permits) {
    memset(s, 0, sizeof *s);
    atomic_init(&s->count, permits * 2);
    rt_waitlist_init(&s->waiters);
}

/* The shape Semaphore.acquire and Notify.notified share, under the
 * primitive's lock: 0 when a waker handed `me` its token (wait_data is
 * `token` or `token2`) or take(obj) took a free permit; else `me` waits in
 * FIFO order (RT_EAGAIN), or RT_ECANCELED. */
static int rt_token_acquire(RtTask *me, RtWaitList *waiters, uint64_t token, uint64_t token2,
                            bool (*take)(void *), void *obj) {
    if (me->wait_data == token || (token2 && me->wait_data == token2)) {
        me->wait_data = 0;
        me->waiting_on = NULL;
        return 0;
    }
    if (rt_waitlink_linked(me)) { /* woken early: keep waiting unless cancelled */
        if (!rt_task_cancelled(me)) return RT_EAGAIN;
        rt_waitlist_remove(me);
        me->waiting_on = NULL;
        return RT_ECANCELED;
    }
    me->waiting_on = NULL;
    if (take(obj)) return 0;
    if (rt_task_cancelled(me)) return RT_ECANCELED;
    me->wait_data = 0;
    me->waiting_on = obj;
    rt_waitlist_push(waiters, me);
    return RT_EAGAIN;
}

#define RT_SEM_WAITERS 1

/* Take a permit if one is free and nobody waits: one atomic subtraction,
 * undone when it took nothing (the count may dip below zero meanwhile;
 * others then just take the slow path). */
static bool rt_sem_fast_take(RtSemaphore *s) {
    int64_t c = atomic_fetch_sub_explicit(&s->count, 2, memory_order_acquire);
    if (c >= 2 && !(c & RT_SEM_WAITERS)) return true;
    atomic_fetch_add_explicit(&s->count, 2, memory_order_relaxed);
    return false;
}

/* Under the lock, before `me` joins the list: take a free permit, or mark
 * the semaphore as having waiters (so fast releases come to the lock). */
static bool rt_sem_take(void *obj) {
    RtSemaphore *s = obj;
    int64_t c = atomic_load(&s->count);
    for (;;) {
        if (c >= 2 && (!(c & RT_SEM_WAITERS) || rt_waitlist_empty(&s->waiters))) {
            if (atomic_compare_exchange_weak(&s->count, &c, (c - 2) & ~(int64_t)RT_SEM_WAITERS)) return true;
        } else if (atomic_compare_exchange_weak(&s->count, &c, c | RT_SEM_WAITERS)) {
            return false;
        }
    }
}

int rt_sem_acquire(RtTask *me, RtSemaphore *s) {
    /* The fast path only for a first call: a task registered with the
     * semaphore (waiting_on, its own field) must see its hand-over. */
    if (me->waiting_on != s && rt_sem_fast_take(s)) return 0;
    rt_spin_lock(&s->spin);
    int r = rt_token_acquire(me, &s->waiters, RT_GRANTED, 0, rt_sem_take, s);
    rt_spin_unlock(&s->spin);
    return r;
}

bool rt_sem_try_acquire(RtSemaphore *s) { return rt_sem_fast_take(s); }

static void rt_sem_release_locked(RtSemaphore *s) {
    RtTask *t = rt_waitlist_pop(&s->waiters);
    if (t) {
        t->wait_data = RT_GRANTED;
        rt_task_wake(t);
        if (rt_waitlist_empty(&s->waiters)) atomic_fetch_and(&s->count, ~(int64_t)RT_SEM_WAITERS);
    } else {
        int64_t c = atomic_load(&s->count);
        while (!atomic_compare_exchange_weak(&s->count, &c, (c + 2) & ~(int64_t)RT_SEM_WAITERS)) {
        }
    }
}

void rt_sem_release(RtSemaphore *s) {
    int64_t c = atomic_fetch_add_explicit(&s->count, 2, memory_order_release);
    if (!(c & RT_SEM_WAITERS)) return;
    /* Someone waits: turn the permit just added into a hand-over. */
    rt_spin_lock(&s->spin);
    atomic_fetch_sub(&s->count, 2);
    rt_sem_release_locked(s);
    rt_spin_unlock(&s->spin);
}

void rt_sem_abandon(RtTask *me, RtSemaphore *s) {
    rt_spin_lock(&s->spin);
    me->waiting_on = NULL;
    if (rt_waitlink_linked(me)) {
        rt_waitlist_remove(me);
        if (rt_waitlist_empty(&s->waiters)) atomic_fetch_and(&s->count, ~(int64_t)RT_SEM_WAITERS);
    } else if (me->wait_data == RT_GRANTED) {
        me->wait_data = 0;
        rt_sem_release_locked(s);
    }
    rt_spin_unlock(&s->spin);
}

/* ---- Notify ------------------------------------------------------------- */

void rt_notify_init(RtNotify *n) {
    memset(n, 0, sizeof *n);
    rt_waitlist_init(&n->waiters);
}

static void rt_notify_one_locked(RtNotify *n) {
    RtTask *t = rt_waitlist_pop(&n->waiters);
    if (t) {
        t->wait_data = RT_NOTIFIED;
        rt_task_wake(t);
    } else {
        n->permit = true;
    }
}

void rt_notify_one(RtNotify *n) {
    rt_spin_lock(&n->spin);
    rt_notify_one_locked(n);
    rt_spin_unlock(&n->spin);
}

void rt_notify_all(RtNotify *n) {
    rt_spin_lock(&n->spin);
    RtTask *t;
    while ((t = rt_waitlist_pop(&n->waiters))) {
        t->wait_data = RT_NOTIFIED_ALL;
        rt_task_wake(t);
    }
    rt_spin_unlock(&n->spin);
}

static bool rt_notify_take(void *obj) {
    RtNotify *n = obj;
    bool had = n->permit;
    n->permit = false;
    return had;
}

int rt_notified(RtTask *me, RtNotify *n) {
    rt_spin_lock(&n->spin);
    int r = rt_token_acquire(me, &n->waiters, RT_NOTIFIED, RT_NOTIFIED_ALL, rt_notify_take, n);
    rt_spin_unlock(&n->spin);
    return r;
}

void rt_notify_abandon(RtTask *me, RtNotify *n) {
    rt_spin_lock(&n->spin);
    me->waiting_on = NULL;
    if (rt_waitlink_linked(me)) {
        rt_waitlist_remove(me);
    } else if (me->wait_data == RT_NOTIFIED) {
        /* Picked by notify_one but leaving: pass it on so it is not lost. */
        me->wait_data = 0;
        rt_notify_one_locked(n);
    } else if (me->wait_data == RT_NOTIFIED_ALL) {
        me->wait_data = 0;
    }
    rt_spin_unlock(&n->spin);
}

/* ---- Shared --------------------------------------------------------------- */

RtShared *rt_shared_new(const void *value, size_t size, RtValueDropFn *drop) {
    RtShared *s = rt_alloc(sizeof *s + size);
    atomic_init(&s->refs, 1);
    s->drop = drop;
    s->size = size;
    memcpy(s->value, value, size);
    return s;
}

void rt_shared_drop(RtShared *s) {
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1) return;
    if (s->drop) s->drop(s->value);
    rt_free(s);
}
