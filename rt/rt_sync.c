/* Channels, locks, semaphores, Notify and Shared (rt_sync.h).
 *
 * Every primitive keeps its state under a short spin lock and wakes tasks
 * while holding it: a woken task that was also cancelled re-checks its
 * registration under the same lock, so it can never finish (and be freed)
 * while a waker still holds a pointer to it. */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
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

/* Two implementations behind one API.
 *
 * Bounded channels keep a ring of `cap` values under the spin lock: room
 * must reappear value by value (a send after a receive finds it), and the
 * waiting senders form a FIFO list under the same lock.
 *
 * Unbounded channels are a lock-free list of blocks of RT_BLK slots (each
 * slot a ready word and then the value, so that senders of different
 * slots do not all write one line of flags). A send
 * reserves a position with one compare-and-swap on `tail` (the only shared
 * write of a send), copies its value into the slot and marks the slot
 * ready; the receiver reads slots in position order and frees a block once
 * it has read its last slot. Positions run in laps of RT_BLK + 1: the extra
 * position of each lap means "this block is full, its successor is being
 * installed"; the sender that takes a block's last slot installs the next
 * block (allocated before its reservation, so no sender allocates while
 * others wait) and moves `tail` past that extra position.
 *
 * Why the receiver may free a block: a sender dereferences `tail_block`
 * only after its reservation succeeded for a position of that block (the
 * block cannot be freed before that position is read, which needs the
 * sender's value), and the installer links `next` before it writes its own
 * (last) slot. A sender whose reservation fails has only compared `tail`,
 * which only grows, so a stale block pointer is never used. Closing sets
 * bit 0 of `tail`, so no reservation can succeed after it, and every
 * reservation made before it is delivered (or dropped with the receiver).
 *
 * The receiver's wait: it publishes itself in `rx_waiter` and sets
 * RT_TAIL_WAIT in `tail` (an atomic or). Every reservation is a
 * compare-and-swap of `tail`, so the first one after the announcement
 * sees the bit, clears it and wakes the receiver once its value is in: a
 * send costs one atomic instruction whether or not anyone waits. If the
 * announcement finds the receiver's slot already reserved, that sender
 * will not wake it; it is between its reservation and its write, and the
 * receiver waits the few instructions for it. Taking and waking the waiter
 * happens under the spin lock, as for every other primitive, so a receiver
 * that gives up its wait (rt_chan_abandon, under the same lock) never
 * finishes while a sender is still waking it. */

/* A ring of values: `slots` (a power of two) allocated, `len` from `head`. */
typedef struct RtRing {
    char *buf;
    size_t slots, head, len;
} RtRing;

#define RT_BLK 31u               /* slots per block */
#define RT_LAP (RT_BLK + 1u)     /* positions per block: its slots and "installing the next" */
#define RT_TAIL_CLOSED 1u        /* bit 0 of `tail` */
#define RT_TAIL_WAIT 2u          /* bit 1: the receiver waits; the next reservation wakes it */
#define RT_TAIL_SHIFT 2          /* positions are counted from bit 2 */
#define RT_TAIL_ONE (1u << RT_TAIL_SHIFT)
#define RT_BLK_DATA 16u          /* offset of the slots in a block (16-aligned) */

/* A block: its link, then RT_BLK slots of c->stride bytes, each a ready
 * word (the slot holds a value) followed by the value, so a sender writes
 * one place and the receiver reads one. */
typedef struct RtBlock {
    struct RtBlock *_Atomic next;
} RtBlock;
_Static_assert(sizeof(RtBlock) <= RT_BLK_DATA, "block header fits before the slots");

#define RT_LINE 64

struct RtChan {
    RtSpin spin;
    size_t elem, cap; /* cap 0: unbounded */
    bool closed;      /* bounded: under the lock (unbounded: RT_TAIL_CLOSED) */
    bool rx_alive;
    uint32_t senders;     /* under the lock */
    RtRing q;             /* bounded: the values, under the lock */
    RtWaitList tx_waiters; /* bounded: senders waiting for room */
    _Atomic uint32_t refs; /* endpoints */
    RtValueDropFn *drop;
    const void *drop_ctx;
    size_t stride; /* unbounded: bytes per slot (ready word and value) */
    char pad0[RT_LINE];
    /* Unbounded: the senders' line. */
    _Atomic uint64_t tail;         /* position << 2 | RT_TAIL_WAIT | RT_TAIL_CLOSED */
    RtBlock *_Atomic tail_block;   /* the block of tail's lap */
    char pad1[RT_LINE];
    /* Read by every send, written only when the receiver starts or stops
     * waiting: its own line, so it stays cached in every sender's core. */
    RtTask *_Atomic rx_waiter;
    char pad2[RT_LINE];
    /* Unbounded: the receiver's. */
    _Atomic uint64_t head;  /* the next position to read (written by the receiver only) */
    RtBlock *head_block;
    RtBlock *_Atomic spare; /* one block freed by the receiver, for the next install */
};

static inline _Atomic uint64_t *rt_block_ready(RtChan *c, RtBlock *b, unsigned off) {
    return (_Atomic uint64_t *)((char *)b + RT_BLK_DATA + (size_t)off * c->stride);
}

static RtBlock *rt_block_new(RtChan *c) {
    RtBlock *b = atomic_exchange_explicit(&c->spare, NULL, memory_order_acq_rel);
    if (!b) b = rt_alloc(RT_BLK_DATA + RT_BLK * c->stride);
    atomic_init(&b->next, NULL);
    for (unsigned i = 0; i < RT_BLK; i++) atomic_init(rt_block_ready(c, b, i), 0);
    return b;
}

static void rt_block_retire(RtChan *c, RtBlock *b) {
    RtBlock *old = atomic_exchange_explicit(&c->spare, b, memory_order_acq_rel);
    if (old) rt_free(old);
}

/* Copy one value: the common widths (an int, a pointer, a pair of words)
 * become plain moves instead of a call to memcpy. */
static inline void rt_chan_copy(void *dst, const void *src, size_t elem) {
    switch (elem) {
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    case 4: memcpy(dst, src, 4); break;
    default: memcpy(dst, src, elem);
    }
}

static inline char *rt_block_slot(RtChan *c, RtBlock *b, unsigned off) {
    return (char *)rt_block_ready(c, b, off) + sizeof(uint64_t);
}

/* The number of values before position `pos` (slots, not the lap ends). */
static inline uint64_t rt_pos_items(uint64_t pos) {
    uint64_t off = pos % RT_LAP;
    return pos / RT_LAP * RT_BLK + (off < RT_BLK ? off : RT_BLK);
}

RtChan *rt_chan_new(size_t elem, size_t cap, RtValueDropFn *drop, const void *drop_ctx) {
    size_t size = (sizeof(RtChan) + RT_LINE - 1) / RT_LINE * RT_LINE;
    RtChan *c = aligned_alloc(RT_LINE, size);
    if (!c) rt_panic("out of memory", NULL);
    memset(c, 0, sizeof *c);
    c->elem = elem ? elem : 1;
    c->cap = cap;
    c->rx_alive = true;
    c->senders = 1;
    atomic_init(&c->refs, 2);
    c->drop = drop;
    c->drop_ctx = drop_ctx;
    rt_waitlist_init(&c->tx_waiters);
    atomic_init(&c->rx_waiter, NULL);
    atomic_init(&c->spare, NULL);
    atomic_init(&c->head, 0);
    atomic_init(&c->tail, 0);
    if (!cap) {
        c->stride = sizeof(uint64_t) + (c->elem + 7) / 8 * 8;
        c->head_block = rt_block_new(c);
        atomic_init(&c->tail_block, c->head_block);
    }
    return c;
}

static void rt_chan_unref(RtChan *c) {
    if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) != 1) return;
    rt_free(c->q.buf);
    if (!c->cap) { /* the receiver dropped every value it did not take */
        for (RtBlock *b = c->head_block; b;) {
            RtBlock *next = atomic_load_explicit(&b->next, memory_order_acquire);
            rt_free(b);
            b = next;
        }
        rt_free(atomic_load(&c->spare));
    }
    free(c);
}

/* Under the lock: wake the waiting receiver, if any. */
static void rt_chan_wake_rx(RtChan *c) {
    RtTask *t = atomic_load_explicit(&c->rx_waiter, memory_order_relaxed);
    if (t) {
        atomic_store_explicit(&c->rx_waiter, NULL, memory_order_relaxed);
        rt_task_wake(t);
    }
}

/* Under the lock: the channel is closed, wake everyone. */
static void rt_chan_wake_all(RtChan *c) {
    rt_chan_wake_rx(c);
    RtTask *t;
    while ((t = rt_waitlist_pop(&c->tx_waiters))) rt_task_wake(t);
}

/* Under the lock: close (idempotent). */
static void rt_chan_close_locked(RtChan *c) {
    c->closed = true;
    if (!c->cap) atomic_fetch_or(&c->tail, RT_TAIL_CLOSED);
    rt_chan_wake_all(c);
}

void rt_chan_sender_clone(RtChan *c) {
    rt_spin_lock(&c->spin);
    c->senders++;
    rt_spin_unlock(&c->spin);
    atomic_fetch_add(&c->refs, 1);
}

void rt_chan_sender_drop(RtChan *c) {
    rt_spin_lock(&c->spin);
    if (--c->senders == 0) rt_chan_close_locked(c);
    rt_spin_unlock(&c->spin);
    rt_chan_unref(c);
}

/* Unbounded, receiver side, after closing: drop every value still in the
 * channel. No reservation can succeed any more; one already made is
 * written within a few instructions, unless its thread was preempted. */
static void rt_chan_drain_blocks(RtChan *c) {
    uint64_t end = atomic_load(&c->tail) >> RT_TAIL_SHIFT;
    uint64_t pos = atomic_load_explicit(&c->head, memory_order_relaxed);
    RtBlock *b = c->head_block;
    while (pos < end) {
        unsigned off = (unsigned)(pos % RT_LAP);
        if (off == RT_BLK) { /* the lap's end: its next block is linked by now */
            RtBlock *next;
            while (!(next = atomic_load_explicit(&b->next, memory_order_acquire))) sched_yield();
            rt_block_retire(c, b);
            b = next;
            pos++;
            continue;
        }
        while (!atomic_load_explicit(rt_block_ready(c, b, off), memory_order_acquire)) sched_yield();
        if (c->drop) c->drop(c->drop_ctx, rt_block_slot(c, b, off));
        pos++;
    }
    c->head_block = b;
    atomic_store_explicit(&c->head, pos, memory_order_relaxed);
}

void rt_chan_receiver_drop(RtChan *c) {
    rt_spin_lock(&c->spin);
    c->rx_alive = false;
    rt_chan_close_locked(c);
    if (c->cap) {
        RtRing *r = &c->q;
        while (r->len) { /* nobody will receive them: drop them here */
            if (c->drop) c->drop(c->drop_ctx, r->buf + r->head * c->elem);
            r->head = (r->head + 1) & (r->slots - 1);
            r->len--;
        }
    }
    rt_spin_unlock(&c->spin);
    if (!c->cap) rt_chan_drain_blocks(c);
    rt_chan_unref(c);
}

void rt_chan_close(RtChan *c) {
    rt_spin_lock(&c->spin);
    rt_chan_close_locked(c);
    rt_spin_unlock(&c->spin);
}

bool rt_chan_closed(RtChan *c) {
    rt_spin_lock(&c->spin);
    bool r = c->closed;
    rt_spin_unlock(&c->spin);
    return r;
}

size_t rt_chan_len(RtChan *c) {
    if (!c->cap) {
        uint64_t head = atomic_load_explicit(&c->head, memory_order_relaxed);
        uint64_t tail = atomic_load(&c->tail) >> RT_TAIL_SHIFT;
        return tail > head ? (size_t)(rt_pos_items(tail) - rt_pos_items(head)) : 0;
    }
    rt_spin_lock(&c->spin);
    size_t r = c->q.len;
    rt_spin_unlock(&c->spin);
    return r;
}

/* ---- Unbounded: the block list ---- */

static int rt_chan_send_unbounded(RtChan *c, const void *value) {
    RtBlock *next = NULL; /* allocated for installing, before reserving a block's last slot */
    uint64_t t = atomic_load_explicit(&c->tail, memory_order_acquire);
    for (unsigned spins = 0;; spins++) {
        if (t & RT_TAIL_CLOSED) {
            if (next) rt_block_retire(c, next);
            return RT_ECLOSED;
        }
        unsigned off = (unsigned)((t >> RT_TAIL_SHIFT) % RT_LAP);
        if (off == RT_BLK) { /* another sender installs the next block */
            if (spins < 1024) rt_cpu_relax();
            else sched_yield();
            t = atomic_load_explicit(&c->tail, memory_order_acquire);
            continue;
        }
        if (off + 1 == RT_BLK && !next) next = rt_block_new(c);
        RtBlock *b = atomic_load_explicit(&c->tail_block, memory_order_acquire);
        /* Reserve, and take over the receiver's wait if it announced one. */
        if (!atomic_compare_exchange_weak_explicit(&c->tail, &t, (t + RT_TAIL_ONE) & ~(uint64_t)RT_TAIL_WAIT,
                                                   memory_order_seq_cst, memory_order_acquire))
            continue;
        if (off + 1 == RT_BLK) { /* the block's last slot: install its successor */
            atomic_store_explicit(&c->tail_block, next, memory_order_release);
            atomic_fetch_add_explicit(&c->tail, RT_TAIL_ONE, memory_order_release);
            atomic_store_explicit(&b->next, next, memory_order_release);
            next = NULL;
        }
        rt_chan_copy(rt_block_slot(c, b, off), value, c->elem);
        atomic_store_explicit(rt_block_ready(c, b, off), 1, memory_order_release);
        if (next) rt_block_retire(c, next);
        if (t & RT_TAIL_WAIT) {
            rt_spin_lock(&c->spin);
            rt_chan_wake_rx(c);
            rt_spin_unlock(&c->spin);
        }
        return 0;
    }
}

/* 1: the value at the head is there (or a lap end to step over); 0: not yet. */
static inline bool rt_chan_head_ready(RtChan *c, uint64_t pos) {
    unsigned off = (unsigned)(pos % RT_LAP);
    return atomic_load_explicit(rt_block_ready(c, c->head_block, off), memory_order_acquire);
}

/* Take back a wait announced in rx_waiter (a waker that already took it
 * has woken, or is waking, us under the lock: that resumption is then
 * spurious, which the waiting protocol allows). */
static void rt_chan_unwait(RtChan *c, RtTask *me) {
    rt_spin_lock(&c->spin);
    if (atomic_load_explicit(&c->rx_waiter, memory_order_relaxed) == me)
        atomic_store_explicit(&c->rx_waiter, NULL, memory_order_relaxed);
    rt_spin_unlock(&c->spin);
    atomic_fetch_and(&c->tail, ~(uint64_t)RT_TAIL_WAIT);
}

static int rt_chan_recv_unbounded(RtTask *me, RtChan *c, void *out) {
    uint64_t pos = atomic_load_explicit(&c->head, memory_order_relaxed);
    if (me && atomic_load_explicit(&c->rx_waiter, memory_order_relaxed) == me) {
        /* Resumed by something else than a sender (a cancellation): drop
         * the stale registration, so no sender wakes us later. */
        rt_spin_lock(&c->spin);
        if (atomic_load_explicit(&c->rx_waiter, memory_order_relaxed) == me) atomic_store(&c->rx_waiter, NULL);
        rt_spin_unlock(&c->spin);
    }
    if (!rt_chan_head_ready(c, pos)) {
        /* Empty, or a sender reserved this slot and is still writing. */
        uint64_t t = atomic_load(&c->tail);
        if ((t >> RT_TAIL_SHIFT) == pos && (t & RT_TAIL_CLOSED)) return RT_ECLOSED;
        if (!me) return RT_EAGAIN;
        if (rt_task_cancelled(me)) return RT_ECANCELED;
        /* Announce the wait: the next reservation sees RT_TAIL_WAIT in the
         * word it compares and swaps, and wakes us once its value is in. */
        atomic_store_explicit(&c->rx_waiter, me, memory_order_relaxed);
        t = atomic_fetch_or(&c->tail, RT_TAIL_WAIT);
        if ((t >> RT_TAIL_SHIFT) == pos) { /* nothing reserved: truly empty */
            if (!(t & RT_TAIL_CLOSED)) return RT_EAGAIN;
            rt_chan_unwait(c, me);
            return RT_ECLOSED;
        }
        /* Our slot was reserved before the announcement, so its sender will
         * not wake us: it is between its reservation and its write, a few
         * instructions away (unless its thread was preempted). */
        rt_chan_unwait(c, me);
        for (unsigned spins = 0; !rt_chan_head_ready(c, pos); spins++) {
            if (spins < 1024) rt_cpu_relax();
            else sched_yield();
        }
    }
    RtBlock *b = c->head_block;
    unsigned off = (unsigned)(pos % RT_LAP);
    rt_chan_copy(out, rt_block_slot(c, b, off), c->elem);
    pos++;
    if (off + 1 == RT_BLK) { /* the block's last value: step to the next block */
        RtBlock *next = atomic_load_explicit(&b->next, memory_order_acquire);
        c->head_block = next;
        rt_block_retire(c, b);
        pos++;
    }
    atomic_store_explicit(&c->head, pos, memory_order_relaxed);
    return 0;
}

/* ---- Bounded: the ring under the lock ---- */

/* Room for one more value (under the lock; the caller checked the bound). */
static void rt_chan_grow(RtChan *c) {
    RtRing *q = &c->q;
    size_t slots = q->slots ? q->slots * 2 : 16;
    if (slots > c->cap) { /* round the bound up to a power of two */
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
    if (c->q.len >= c->cap) {
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
    rt_chan_copy(c->q.buf + ((c->q.head + c->q.len) & (c->q.slots - 1)) * c->elem, value, c->elem);
    c->q.len++;
    rt_chan_wake_rx(c);
    return 0;
}

int rt_chan_send(RtTask *me, RtChan *c, const void *value) {
    if (!c->cap) return rt_chan_send_unbounded(c, value);
    rt_spin_lock(&c->spin);
    int r = rt_chan_send_locked(me, c, value);
    rt_spin_unlock(&c->spin);
    return r;
}

int rt_chan_try_send(RtChan *c, const void *value) { return rt_chan_send(NULL, c, value); }

static int rt_chan_recv_locked(RtTask *me, RtChan *c, void *out) {
    RtRing *q = &c->q;
    if (q->len) {
        if (atomic_load_explicit(&c->rx_waiter, memory_order_relaxed) == me)
            atomic_store_explicit(&c->rx_waiter, NULL, memory_order_relaxed);
        rt_chan_copy(out, q->buf + q->head * c->elem, c->elem);
        q->head = (q->head + 1) & (q->slots - 1);
        q->len--;
        RtTask *t = rt_waitlist_pop(&c->tx_waiters); /* room for one waiting sender */
        if (t) rt_task_wake(t);
        return 0;
    }
    if (atomic_load_explicit(&c->rx_waiter, memory_order_relaxed) == me)
        atomic_store_explicit(&c->rx_waiter, NULL, memory_order_relaxed);
    if (c->closed) return RT_ECLOSED;
    if (!me) return RT_EAGAIN;
    if (rt_task_cancelled(me)) return RT_ECANCELED;
    atomic_store_explicit(&c->rx_waiter, me, memory_order_relaxed);
    return RT_EAGAIN;
}

int rt_chan_recv(RtTask *me, RtChan *c, void *out) {
    if (!c->cap) return rt_chan_recv_unbounded(me, c, out);
    rt_spin_lock(&c->spin);
    int r = rt_chan_recv_locked(me, c, out);
    rt_spin_unlock(&c->spin);
    return r;
}

int rt_chan_try_recv(RtChan *c, void *out) { return rt_chan_recv(NULL, c, out); }

void rt_chan_abandon(RtTask *me, RtChan *c) {
    rt_spin_lock(&c->spin);
    if (atomic_load_explicit(&c->rx_waiter, memory_order_relaxed) == me) atomic_store(&c->rx_waiter, NULL);
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
 * checks the lock ever more rarely (at the end, one look per 8192 pauses,
 * about 70 us here, after which the budget is spent and it sleeps), so the
 * holder's cache line stays with the holder and a holder that takes the
 * lock again and again runs at uncontended speed (a lock is not fair in the
 * short run, like Go's; two tasks contending: 17.8 -> 15.1 ns a lock with
 * the cap at 1024 pauses before). true if it got the lock. */
static bool rt_mutex_spin(RtMutex *m) {
    uint64_t start = 0;
    for (unsigned backoff = 1, i = 0;; i++) {
        uint32_t s = atomic_load_explicit(&m->state, memory_order_relaxed);
        if (s == 0 && atomic_compare_exchange_weak_explicit(&m->state, &s, 1, memory_order_acquire,
                                                            memory_order_relaxed))
            return true;
        for (unsigned k = 0; k < backoff; k++) rt_cpu_relax();
        if (backoff < 8192) backoff *= 2;
        if ((i & 7) == 7 || backoff >= 256) { /* long waits: look at the clock every time */
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
            rt_cpu_relax();
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

/* Take a permit if one is free and nobody waits: one compare-and-swap that
 * never lowers the count it did not take from. (A subtraction undone when
 * it took nothing let a release in that window see no permit missing and
 * no waiter, while a task under the lock saw no permit and queued itself:
 * a free permit with a waiter nobody woke.) */
static bool rt_sem_fast_take(RtSemaphore *s) {
    int64_t c = atomic_load_explicit(&s->count, memory_order_relaxed);
    while (c >= 2 && !(c & RT_SEM_WAITERS))
        if (atomic_compare_exchange_weak_explicit(&s->count, &c, c - 2, memory_order_acquire, memory_order_relaxed))
            return true;
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

RtShared *rt_shared_new(const void *value, size_t size, RtValueDropFn *drop, const void *drop_ctx) {
    RtShared *s = rt_alloc(sizeof *s + size);
    atomic_init(&s->refs, 1);
    s->drop = drop;
    s->drop_ctx = drop_ctx;
    s->size = size;
    memcpy(s->value, value, size);
    return s;
}

void rt_shared_drop(RtShared *s) {
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1) return;
    if (s->drop) s->drop(s->drop_ctx, s->value);
    rt_free(s);
}
