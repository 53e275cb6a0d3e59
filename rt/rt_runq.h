/* A worker's local run queue: a fixed ring of task pointers that only its
 * owner pushes to, plus a LIFO slot for the task to run next, from which idle
 * workers steal half of the ring without locks. Runtime-internal (the
 * scheduler's), not part of the generated-code ABI. */
#ifndef SIFR_RT_RUNQ_H
#define SIFR_RT_RUNQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Design (after tokio's local queue, itself a relative of Chase-Lev).
 *
 * Elements are opaque task pointers; the queue never owns, frees or
 * dereferences them, and NULL is never a task.
 *
 * Indices are free-running 32-bit counters (wrapping arithmetic; the slot is
 * `index & RT_RUNQ_MASK`):
 *   - `tail`: written only by the owner; the next push goes there.
 *   - `head`: one 64-bit atomic packing two indices, `steal << 32 | real`.
 *     `real` is the next entry to take; `steal` is where the entries a
 *     stealer is still copying begin. When no steal is in progress,
 *     steal == real. Owner pops and stealers both move `real` forward with a
 *     compare-and-swap; only the stealer that moved `real` away from `steal`
 *     (the claim) moves `steal` up again once it has copied its entries.
 *
 * Who does what:
 *   - The owner pushes at the tail and pops at the head: the ring is FIFO, so
 *     a task that is not in the LIFO slot cannot be starved by newer ones.
 *   - A stealer claims the oldest ceil(n/2) entries in one CAS (real += k,
 *     steal unchanged), copies them out, then sets steal = real in a second
 *     CAS. While the claim is open, other stealers see steal != real and give
 *     up (one stealer per victim at a time), the owner may still pop past it,
 *     and pushes count the claimed entries as occupied, so a slot being copied
 *     is never overwritten. A stealer therefore never blocks the owner.
 *   - A CAS compares whole index values, so it could be fooled only if a
 *     thread stalled between its load and its CAS while 2^32 operations went
 *     through the queue; tokio accepts the same bound.
 *   - The ring never holds more than RT_RUNQ_CAP entries counted from
 *     `steal`: a full ring makes a push fail (rt_runq_push) or overflow
 *     (rt_runq_push_overflow); it never blocks or waits for a stealer.
 *
 * The LIFO slot holds the task woken by the running task, which is usually
 * the one that will consume what the running task just produced, so it runs
 * next on the same (cache-warm) worker. Only the owner touches it; stealers
 * never take it (as in tokio): it is a single plain exchange rather than a
 * CAS protocol, and stealing it would defeat its purpose. The hazard is that
 * the slot's task waits for the owner's current task to yield; a scheduler
 * that caps LIFO streaks (tokio allows 3 per tick) takes the occupant out with
 * rt_runq_push_lifo(q, NULL) and pushes it to the back of the ring.
 *
 * Threads: every function except rt_runq_steal (on its victim) and
 * rt_runq_len must be called by the queue's owner, the one thread that runs
 * the worker. rt_runq_init happens before the queue is shared. */

/* 256 entries (2 KiB) per worker: tokio's number. Enough that a burst of
 * spawns rarely overflows into the global injection queue, small enough that
 * an idle worker's steal of half is one short copy. Must be a power of two
 * and at most 2^31 (the free-running indices are compared with wrapping
 * 32-bit subtraction). */
#define RT_RUNQ_CAP 256u
#define RT_RUNQ_MASK (RT_RUNQ_CAP - 1u)

_Static_assert((RT_RUNQ_CAP & RT_RUNQ_MASK) == 0, "RT_RUNQ_CAP is a power of two");
_Static_assert(RT_RUNQ_CAP >= 2 && RT_RUNQ_CAP <= (1u << 31), "RT_RUNQ_CAP fits the 32-bit indices");

typedef struct RtRunq {
    /* Aligned to a cache line so that two workers' queues (or a queue and
     * its neighbour in a worker struct) do not share the line the stealers
     * hammer. */
    _Alignas(64) _Atomic uint64_t head; /* steal << 32 | real */
    _Atomic uint32_t tail;              /* stored only by the owner */
    _Atomic(void *) lifo;               /* owner only; atomic so rt_runq_len may peek */
    /* Plain (non-atomic) slots: the index protocol makes every access to a
     * slot exclusive or ordered by acquire/release on head and tail, so a
     * race detector checks that protocol instead of being silenced by
     * atomics. */
    void *buf[RT_RUNQ_CAP];
} RtRunq;

/* The overflow callback: receives `n` tasks, oldest first, that the caller
 * must now queue elsewhere (the scheduler's global injection queue). The
 * array is only valid during the call. Called on the owner's thread. */
typedef void RtRunqOverflowFn(void *ctx, void **tasks, size_t n);

/* Make `q` an empty queue. Not thread-safe: before the queue is shared. */
void rt_runq_init(RtRunq *q);

/* Owner: append `t` (non-NULL) to the back of the ring. Returns false, and
 * queues nothing, when the ring is full; the caller then puts `t` elsewhere. */
bool rt_runq_push(RtRunq *q, void *t);

/* Owner: append `t` to the back of the ring; never fails and never blocks.
 * When the ring is full and no steal is in progress, the oldest
 * RT_RUNQ_CAP / 2 entries followed by `t` go to `overflow` in one call, so
 * the next pushes find room without another spill. When a steal is in
 * progress (it will free room soon), only `t` goes to `overflow`. */
void rt_runq_push_overflow(RtRunq *q, void *t, RtRunqOverflowFn *overflow, void *ctx);

/* Owner: put `t` in the LIFO slot, so the next pop returns it. Returns the
 * task that was in the slot (NULL if none), which the caller must queue
 * (normally rt_runq_push_overflow: it goes to the back of the ring).
 * `t` may be NULL: that empties the slot and returns its occupant. */
void *rt_runq_push_lifo(RtRunq *q, void *t);

/* Owner: the next task to run, the LIFO slot first, then the oldest entry
 * of the ring; NULL when both are empty. */
void *rt_runq_pop(RtRunq *q);

/* Steal about half of `victim`'s ring into `thief`: ceil(n/2) of the n
 * entries it holds, the oldest ones, never its LIFO slot. Any thread may be
 * the stealer of `victim`, but `thief` must be a queue the calling thread
 * owns, and victim != thief.
 *
 * The oldest stolen task is stored in `*first`, to be run right away, and
 * the rest are appended to thief's ring in order; when `first` is NULL all of
 * them go to the ring. Returns how many tasks were taken (0: nothing stored,
 * *first = NULL). Takes nothing when the victim is empty, when another steal
 * from it is in progress (the caller tries another victim), or when thief's
 * ring holds more than RT_RUNQ_CAP / 2 entries (stealing is for idle
 * workers; there would be no room). */
size_t rt_runq_steal(RtRunq *victim, RtRunq *thief, void **first);

/* Tasks in the ring plus the LIFO slot, as a snapshot: stealers may take
 * entries at any moment (entries a stealer has claimed no longer count), so
 * even for the owner it is an upper bound, and for other threads it may be
 * stale either way. Good for "is it worth stealing" or "is this worker
 * busy", not for accounting. */
size_t rt_runq_len(const RtRunq *q);

#endif
