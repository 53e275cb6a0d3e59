/* Synchronisation for tasks (rt_sched.h's waiting protocol): channels,
 * owner-reentrant locks, semaphores, Notify, Shared. The library behind
 * `sifr.sync`; docs/design/runtime.md, "Synchronisation". */
#ifndef SIFR_RT_SYNC_H
#define SIFR_RT_SYNC_H

#include "rt_sched.h"

#define RT_ECLOSED (-32) /* the channel is closed (-EPIPE) */

/* ---- Channels ---------------------------------------------------------- *
 *
 * Multi-producer, single-consumer, of values of `elem` bytes copied in and
 * out. cap == 0 is unbounded. Endpoints are counted: every sender handle
 * (rt_chan_new makes one, rt_chan_sender_clone more) and the one receiver.
 * Dropping the last sender, dropping the receiver, or rt_chan_close closes
 * the channel; values already queued still drain, then receives return
 * RT_ECLOSED. When the receiver is dropped, queued values are dropped with
 * `drop(drop_ctx, value)` (drop may be NULL). A value is copied into the channel only when a send
 * returns 0, so a send that returns anything else (closed, cancelled) leaves
 * the value with the sender: delivered exactly once or returned. */

typedef struct RtChan RtChan;
/* Drops one value in place; `ctx` is what its creator passed along (the
 * value type's descriptor, for generated code). */
typedef void RtValueDropFn(const void *ctx, void *value);

RtChan *rt_chan_new(size_t elem, size_t cap, RtValueDropFn *drop, const void *drop_ctx);
void rt_chan_sender_clone(RtChan *c);
void rt_chan_sender_drop(RtChan *c);
void rt_chan_receiver_drop(RtChan *c);
void rt_chan_close(RtChan *c);
bool rt_chan_closed(RtChan *c);
size_t rt_chan_len(RtChan *c);

/* 0: sent. RT_ECLOSED: not sent. RT_EAGAIN: full, `me` waits for room
 * (suspend, then call again with the same value). RT_ECANCELED: `me` is
 * cancelled, not sent. */
int rt_chan_send(RtTask *me, RtChan *c, const void *value);
/* 0: sent; RT_ECLOSED; RT_EAGAIN (full, nothing registered). Any thread. */
int rt_chan_try_send(RtChan *c, const void *value);
/* 0: a value was copied to `out`. RT_ECLOSED: closed and drained.
 * RT_EAGAIN: empty, `me` waits (suspend, then call again). RT_ECANCELED. */
int rt_chan_recv(RtTask *me, RtChan *c, void *out);
int rt_chan_try_recv(RtChan *c, void *out);
/* A waiting send or receive that will not be retried (cancellation):
 * unregister `me`. Nothing was transferred. */
void rt_chan_abandon(RtTask *me, RtChan *c);

/* ---- Locks --------------------------------------------------------------- *
 *
 * Lock and RwLock guard values that tasks on any worker share. Guards never
 * live across a suspension (the checker enforces it), so acquiring blocks
 * the thread: spin briefly, then park on a futex. Owner-reentrant: the task
 * (or, outside tasks, the thread) that holds guards may take more, including
 * a write guard over its own read guards, without blocking; others wait. */

typedef struct RtRwLock {
    RtSpin spin;           /* protects the fields below */
    _Atomic uint32_t seq;  /* futex word: bumped on every release */
    _Atomic uint32_t sleepers;
    void *writer;          /* the owner of the write guards */
    uint32_t wdepth;
    uint32_t readers;      /* read guards held */
    void *rowner;          /* the one owner of every read guard, or RT_RW_MANY */
} RtRwLock;

void rt_rwlock_init(RtRwLock *l);
void rt_rwlock_fini(RtRwLock *l); /* no guards may be held */
void rt_rwlock_read(RtRwLock *l);
void rt_rwlock_write(RtRwLock *l);
bool rt_rwlock_try_read(RtRwLock *l);
bool rt_rwlock_try_write(RtRwLock *l);
void rt_rwlock_read_unlock(RtRwLock *l);
void rt_rwlock_write_unlock(RtRwLock *l);
/* Lock[T]: an owner-reentrant mutex with a one-instruction fast path.
 * `state` is 0 (free) or 1 (held); `owner` and `depth` make it reentrant
 * and are written only by the holder. Waiters spin briefly on plain loads,
 * then sleep on the futex word `seq`, counted in `sleepers`. An unlock
 * wakes a sleeper (bumping `seq`, so a wake-up that comes before the sleep
 * is not lost) only when none is already awake and on its way (`woken`, as
 * in Go's mutex): while the woken thread gets going, the holder keeps the
 * lock uncontended, without a system call per unlock. A waiter clears
 * `woken` after reading `seq` and before its last try, so either that try
 * sees the lock free or its sleep sees `seq` move. */
typedef struct RtMutex {
    _Atomic uint32_t state;
    _Atomic uint32_t sleepers;
    _Atomic uint32_t woken;
    _Atomic uint32_t seq;
    uint32_t depth;
    _Atomic(void *) owner;
} RtMutex;

/* The owner of a guard: the running task, else the calling thread. */
extern _Thread_local char rt_thread_token;
static inline void *rt_lock_owner(void) {
    RtTask *t = rt_task_current();
    return t ? (void *)t : (void *)&rt_thread_token;
}

void rt_mutex_lock_slow(RtMutex *m, void *me);
void rt_mutex_wake(RtMutex *m);

static inline void rt_lock_init(RtMutex *m) {
    atomic_init(&m->state, 0);
    atomic_init(&m->sleepers, 0);
    atomic_init(&m->woken, 0);
    atomic_init(&m->seq, 0);
    m->depth = 0;
    atomic_init(&m->owner, NULL);
}
static inline void rt_lock_lock(RtMutex *m) {
    void *me = rt_lock_owner();
    uint32_t z = 0;
    if (__builtin_expect(atomic_compare_exchange_strong_explicit(&m->state, &z, 1, memory_order_acquire,
                                                                 memory_order_relaxed), 1)) {
        atomic_store_explicit(&m->owner, me, memory_order_relaxed);
        m->depth = 1;
        return;
    }
    if (atomic_load_explicit(&m->owner, memory_order_relaxed) == me) { /* reentrant */
        m->depth++;
        return;
    }
    rt_mutex_lock_slow(m, me);
}
static inline bool rt_lock_try(RtMutex *m) {
    void *me = rt_lock_owner();
    uint32_t z = 0;
    if (atomic_compare_exchange_strong_explicit(&m->state, &z, 1, memory_order_acquire, memory_order_relaxed)) {
        atomic_store_explicit(&m->owner, me, memory_order_relaxed);
        m->depth = 1;
        return true;
    }
    if (atomic_load_explicit(&m->owner, memory_order_relaxed) != me) return false;
    m->depth++;
    return true;
}
static inline void rt_lock_unlock(RtMutex *m) {
    if (--m->depth) return;
    atomic_store_explicit(&m->owner, NULL, memory_order_relaxed);
    atomic_exchange_explicit(&m->state, 0, memory_order_seq_cst); /* a full barrier before reading sleepers */
    if (atomic_load_explicit(&m->sleepers, memory_order_relaxed)) rt_mutex_wake(m);
}

/* ---- Semaphore ------------------------------------------------------------ *
 *
 * Fair (FIFO): a release hands its permit to the oldest waiter, and nobody
 * takes a free permit while others wait. */

typedef struct RtSemaphore {
    /* permits << 1 | waiters: acquire and release are one compare-and-swap
     * while nobody waits; the lock and the list serve the waiting. */
    _Atomic int64_t count;
    RtSpin spin;
    RtWaitList waiters;
} RtSemaphore;

void rt_sem_init(RtSemaphore *s, int64_t permits);
/* 0: acquired. RT_EAGAIN: `me` waits (suspend, then call again).
 * RT_ECANCELED: cancelled, nothing acquired. */
int rt_sem_acquire(RtTask *me, RtSemaphore *s);
bool rt_sem_try_acquire(RtSemaphore *s);
static inline int64_t rt_sem_permits(RtSemaphore *s) { return atomic_load(&s->count) >> 1; }
void rt_sem_release(RtSemaphore *s);
/* A waiting acquire that will not be retried: unregister, and give back a
 * permit handed over meanwhile. */
void rt_sem_abandon(RtTask *me, RtSemaphore *s);

/* ---- Notify ------------------------------------------------------------ *
 *
 * tokio's semantics: notify_one wakes one waiter, or stores one permit when
 * nobody waits (the next notified() returns at once); notify_all wakes the
 * current waiters and stores nothing. */

typedef struct RtNotify {
    RtSpin spin;
    bool permit;
    RtWaitList waiters;
} RtNotify;

void rt_notify_init(RtNotify *n);
void rt_notify_one(RtNotify *n);
void rt_notify_all(RtNotify *n);
/* 0: notified. RT_EAGAIN: `me` waits (suspend, then call again).
 * RT_ECANCELED. */
int rt_notified(RtTask *me, RtNotify *n);
/* A waiting notified() that will not be retried: unregister; a notify_one
 * that had picked `me` passes to the next waiter (or becomes the permit). */
void rt_notify_abandon(RtTask *me, RtNotify *n);

/* ---- Shared -------------------------------------------------------------- *
 *
 * An immutable value with an atomic reference count: `size` bytes after the
 * header; the last rt_shared_drop runs `drop` on the value and frees it. */

typedef struct RtShared {
    _Atomic uint64_t refs;
    RtValueDropFn *drop;
    const void *drop_ctx;
    size_t size;
    _Alignas(16) char value[];
} RtShared;

RtShared *rt_shared_new(const void *value, size_t size, RtValueDropFn *drop, const void *drop_ctx);
static inline void *rt_shared_get(RtShared *s) { return s->value; }
static inline RtShared *rt_shared_clone(RtShared *s) {
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}
void rt_shared_drop(RtShared *s);

#endif
