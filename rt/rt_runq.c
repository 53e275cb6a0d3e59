/* The local run queue of rt_runq.h: owner push/pop, the LIFO slot, the
 * overflow of half the ring, and the two-CAS steal of half. Depends on
 * nothing else in the runtime. The protocol and its invariants are described
 * in rt_runq.h; the comments here justify each memory order. */
#include "rt_runq.h"

#include <assert.h>

/* Memory-order summary (each use below says which pair it belongs to):
 *  (T) The owner's release store of `tail` after writing a slot pairs with
 *      the stealers' acquire load of `tail`: a stealer that sees the new tail
 *      sees the task pointer in the slot.
 *  (S) A stealer's release CAS that sets steal = real, after it has read its
 *      slots, pairs with the owner's acquire load of `head` before a push
 *      reuses those slots (and with a thief's check of its own head): the
 *      reads happen before the overwrite. Every later change to `head` is a
 *      read-modify-write, so it continues the release sequence and an
 *      acquire load of any later head value still synchronizes.
 *  (H) Changes of `head` by the owner (pop, overflow) are release, and every
 *      load of `head` by a non-owner is acquire and comes before its load of
 *      `tail`: a thread that sees real = r then sees tail >= r, so
 *      tail - real never goes "negative" for it.
 * The owner's own loads of `tail` are relaxed: it is the only writer. */

static inline uint64_t runq_pack(uint32_t steal, uint32_t real) { return (uint64_t)steal << 32 | real; }
static inline uint32_t runq_steal_of(uint64_t head) { return (uint32_t)(head >> 32); }
static inline uint32_t runq_real_of(uint64_t head) { return (uint32_t)head; }

void rt_runq_init(RtRunq *q) {
    atomic_init(&q->head, runq_pack(0, 0));
    atomic_init(&q->tail, 0);
    atomic_init(&q->lifo, NULL);
    for (size_t i = 0; i < RT_RUNQ_CAP; i++) q->buf[i] = NULL;
}

/* Owner: write `t` at `tail` (known to have room) and publish it (T). */
static void runq_put(RtRunq *q, uint32_t tail, void *t) {
    q->buf[tail & RT_RUNQ_MASK] = t;
    atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
}

bool rt_runq_push(RtRunq *q, void *t) {
    assert(t != NULL);
    /* Acquire (S): slots a stealer has just released may be reused below. */
    uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    /* Measured from `steal`, not `real`: entries claimed by a stealer that
     * is still copying them keep their slots. */
    if (tail - runq_steal_of(head) >= RT_RUNQ_CAP) return false;
    runq_put(q, tail, t);
    return true;
}

/* Owner, ring full at `tail` with no steal in progress at `real`: claim the
 * oldest half by moving both indices past it, then hand it and `t` to
 * `overflow`. False if a stealer claimed entries first (the caller re-reads
 * head and retries). */
static bool runq_spill(RtRunq *q, void *t, uint32_t real, uint32_t tail, RtRunqOverflowFn *overflow, void *ctx) {
    enum { HALF = RT_RUNQ_CAP / 2 };
    assert(tail - real == RT_RUNQ_CAP);
    uint64_t expect = runq_pack(real, real);
    /* Release (H); failure relaxed: the caller reloads head with acquire. */
    if (!atomic_compare_exchange_strong_explicit(&q->head, &expect, runq_pack(real + HALF, real + HALF),
                                                 memory_order_release, memory_order_relaxed))
        return false;
    /* The owner wrote these slots itself and now owns them exclusively: no
     * stealer can claim below the new `real`. */
    void *batch[HALF + 1];
    for (uint32_t i = 0; i < HALF; i++) batch[i] = q->buf[(real + i) & RT_RUNQ_MASK];
    batch[HALF] = t;
    overflow(ctx, batch, HALF + 1);
    return true;
}

void rt_runq_push_overflow(RtRunq *q, void *t, RtRunqOverflowFn *overflow, void *ctx) {
    assert(t != NULL && overflow != NULL);
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    for (;;) {
        /* Acquire (S), as in rt_runq_push. */
        uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
        uint32_t steal = runq_steal_of(head), real = runq_real_of(head);
        if (tail - steal < RT_RUNQ_CAP) break;
        if (steal != real) {
            /* A stealer is copying entries out and will free room shortly;
             * spilling half now would be wasted work, so only `t` leaves. */
            overflow(ctx, &t, 1);
            return;
        }
        if (runq_spill(q, t, real, tail, overflow, ctx)) return;
        /* A stealer claimed entries between our load and the CAS: retry. */
    }
    runq_put(q, tail, t);
}

void *rt_runq_push_lifo(RtRunq *q, void *t) {
    /* Relaxed: only the owner writes the slot, and rt_runq_len's peek needs
     * no ordering (a stale answer is allowed there). */
    void *prev = atomic_load_explicit(&q->lifo, memory_order_relaxed);
    atomic_store_explicit(&q->lifo, t, memory_order_relaxed);
    return prev;
}

void *rt_runq_pop(RtRunq *q) {
    void *t = atomic_load_explicit(&q->lifo, memory_order_relaxed);
    if (t != NULL) {
        atomic_store_explicit(&q->lifo, NULL, memory_order_relaxed);
        return t;
    }
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    /* Relaxed: the value is only a guess the CAS validates, and the slot the
     * owner takes is one it wrote itself, so it needs no synchronization. */
    uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    uint32_t real;
    for (;;) {
        uint32_t steal = runq_steal_of(head);
        real = runq_real_of(head);
        if (real == tail) return NULL;
        /* Move `real` only; a claim in progress keeps its `steal` so the
         * stealer can still close it. */
        uint64_t next = steal == real ? runq_pack(real + 1, real + 1) : runq_pack(steal, real + 1);
        /* Release (H); failure relaxed: the new value is again a guess. */
        if (atomic_compare_exchange_weak_explicit(&q->head, &head, next, memory_order_release, memory_order_relaxed))
            break;
    }
    return q->buf[real & RT_RUNQ_MASK];
}

size_t rt_runq_steal(RtRunq *victim, RtRunq *thief, void **first) {
    assert(victim != thief);
    if (first) *first = NULL;

    /* Room in the thief: the caller owns it, so its tail is exact. Acquire
     * (S): the thief's own stealers may have just released slots we are
     * about to overwrite. */
    uint32_t dst_tail = atomic_load_explicit(&thief->tail, memory_order_relaxed);
    uint32_t dst_steal = runq_steal_of(atomic_load_explicit(&thief->head, memory_order_acquire));
    if (dst_tail - dst_steal > RT_RUNQ_CAP / 2) return 0;

    /* Claim: real += ceil(n/2), steal unchanged. Acquire loads (H, then T):
     * the tail we read is at least `real`, and the slots up to it hold the
     * owner's writes. */
    uint64_t head = atomic_load_explicit(&victim->head, memory_order_acquire);
    uint32_t start, n;
    for (;;) {
        uint32_t steal = runq_steal_of(head), real = runq_real_of(head);
        if (steal != real) return 0; /* another stealer is mid-copy */
        uint32_t tail = atomic_load_explicit(&victim->tail, memory_order_acquire);
        uint32_t avail = tail - real;
        if (avail == 0) return 0;
        if (avail > RT_RUNQ_CAP) {
            /* The owner popped and pushed past the head we loaded (the CAS
             * would fail anyway): look again. */
            head = atomic_load_explicit(&victim->head, memory_order_acquire);
            continue;
        }
        n = avail - avail / 2;
        start = real;
        /* Acquire on both outcomes: on failure the loop reads tail again and
         * needs (H) for the head value it just got; C17 does not allow a
         * failure order stronger than the success order. */
        if (atomic_compare_exchange_weak_explicit(&victim->head, &head, runq_pack(steal, real + n),
                                                  memory_order_acquire, memory_order_acquire))
            break;
    }

    /* The claimed slots are ours until we move `steal`: the owner will not
     * reuse them (pushes count from `steal`), nor will other stealers. */
    uint32_t i = 0, put = dst_tail;
    if (first) {
        *first = victim->buf[start & RT_RUNQ_MASK];
        i = 1;
    }
    for (; i < n; i++) thief->buf[put++ & RT_RUNQ_MASK] = victim->buf[(start + i) & RT_RUNQ_MASK];

    /* Close the claim: steal = real. Release (S), so our slot reads happen
     * before the owner reuses those slots. The owner may have popped past our
     * range meanwhile (real moved, steal did not): retry with its value. */
    uint64_t claimed = runq_pack(start, start + n);
    for (;;) {
        uint32_t real = runq_real_of(claimed);
        if (atomic_compare_exchange_weak_explicit(&victim->head, &claimed, runq_pack(real, real), memory_order_release,
                                                  memory_order_relaxed))
            break;
        assert(runq_steal_of(claimed) == start);
    }

    /* Publish what went into the thief's ring (T). */
    if (put != dst_tail) atomic_store_explicit(&thief->tail, put, memory_order_release);
    return n;
}

size_t rt_runq_len(const RtRunq *q) {
    /* Acquire, head before tail (H): tail >= real for the pair we read, so
     * the difference is a real (if stale) count. */
    uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    uint32_t n = tail - runq_real_of(head);
    /* The owner may have popped and pushed a lot between the two loads. */
    if (n > RT_RUNQ_CAP) n = RT_RUNQ_CAP;
    return n + (atomic_load_explicit(&q->lifo, memory_order_relaxed) != NULL);
}
