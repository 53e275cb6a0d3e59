/* The local run queue (rt_runq.h): FIFO order and the LIFO slot, a full ring
 * and its overflow of half, stealing half, index wrap-around, and a
 * multi-threaded stress run where every task must be taken exactly once.
 * Some tests set the indices directly to reach states that are hard to time. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "rt_runq.h"

#define T(i) ((void *)(uintptr_t)(i))

/* White-box: set the packed head (steal << 32 | real) and the tail. */
static void runq_set_indices(RtRunq *q, uint32_t steal, uint32_t real, uint32_t tail) {
    atomic_store(&q->head, (uint64_t)steal << 32 | real);
    atomic_store(&q->tail, tail);
}

/* An overflow callback that records what it was given. */
typedef struct Spill {
    void *tasks[RT_RUNQ_CAP * 2];
    size_t n, calls;
} Spill;

static void spill_record(void *ctx, void **tasks, size_t n) {
    Spill *s = ctx;
    for (size_t i = 0; i < n; i++) s->tasks[s->n++] = tasks[i];
    s->calls++;
}

/* ---- single-threaded behaviour ------------------------------------------ */

Test(rt_runq, ring_is_fifo) {
    RtRunq q;
    rt_runq_init(&q);
    cr_assert_null(rt_runq_pop(&q));
    cr_assert_eq(rt_runq_len(&q), 0);
    for (uintptr_t i = 1; i <= 10; i++) cr_assert(rt_runq_push(&q, T(i)));
    cr_assert_eq(rt_runq_len(&q), 10);
    for (uintptr_t i = 1; i <= 10; i++) cr_assert_eq(rt_runq_pop(&q), T(i), "pop %zu", (size_t)i);
    cr_assert_null(rt_runq_pop(&q));
    cr_assert_eq(rt_runq_len(&q), 0);
}

Test(rt_runq, lifo_slot_runs_first) {
    RtRunq q;
    rt_runq_init(&q);
    rt_runq_push(&q, T(1));
    rt_runq_push(&q, T(2));
    cr_assert_null(rt_runq_push_lifo(&q, T(3)));
    cr_assert_eq(rt_runq_len(&q), 3, "the LIFO slot counts");
    cr_assert_eq(rt_runq_pop(&q), T(3));
    cr_assert_eq(rt_runq_pop(&q), T(1));

    /* A second wake-up displaces the first, which the caller queues. */
    cr_assert_null(rt_runq_push_lifo(&q, T(4)));
    void *old = rt_runq_push_lifo(&q, T(5));
    cr_assert_eq(old, T(4));
    cr_assert(rt_runq_push(&q, old));
    cr_assert_eq(rt_runq_pop(&q), T(5));
    cr_assert_eq(rt_runq_pop(&q), T(2));
    cr_assert_eq(rt_runq_pop(&q), T(4));
    cr_assert_null(rt_runq_pop(&q));

    /* NULL takes the occupant out. */
    rt_runq_push_lifo(&q, T(6));
    cr_assert_eq(rt_runq_push_lifo(&q, NULL), T(6));
    cr_assert_null(rt_runq_pop(&q));
    cr_assert_eq(rt_runq_len(&q), 0);
}

Test(rt_runq, full_ring_refuses_push) {
    RtRunq q;
    rt_runq_init(&q);
    for (uintptr_t i = 1; i <= RT_RUNQ_CAP; i++) cr_assert(rt_runq_push(&q, T(i)));
    cr_assert_eq(rt_runq_len(&q), RT_RUNQ_CAP);
    cr_assert_not(rt_runq_push(&q, T(9999)), "a full ring refuses");
    cr_assert_eq(rt_runq_len(&q), RT_RUNQ_CAP);
    /* The LIFO slot is not part of the ring: it still takes a task. */
    cr_assert_null(rt_runq_push_lifo(&q, T(7777)));
    cr_assert_eq(rt_runq_pop(&q), T(7777));
    cr_assert_eq(rt_runq_pop(&q), T(1));
    cr_assert(rt_runq_push(&q, T(RT_RUNQ_CAP + 1)), "one pop makes room for one push");
    cr_assert_not(rt_runq_push(&q, T(9999)));
    for (uintptr_t i = 2; i <= RT_RUNQ_CAP + 1; i++) cr_assert_eq(rt_runq_pop(&q), T(i));
    cr_assert_null(rt_runq_pop(&q));
}

Test(rt_runq, full_ring_spills_the_oldest_half) {
    RtRunq q;
    rt_runq_init(&q);
    Spill s = {0};
    for (uintptr_t i = 1; i <= RT_RUNQ_CAP; i++) rt_runq_push_overflow(&q, T(i), spill_record, &s);
    cr_assert_eq(s.calls, 0, "no spill while there is room");

    rt_runq_push_overflow(&q, T(1000), spill_record, &s);
    cr_assert_eq(s.calls, 1, "one call for the whole batch");
    cr_assert_eq(s.n, RT_RUNQ_CAP / 2 + 1);
    for (size_t i = 0; i < RT_RUNQ_CAP / 2; i++) cr_assert_eq(s.tasks[i], T(i + 1), "oldest first");
    cr_assert_eq(s.tasks[RT_RUNQ_CAP / 2], T(1000), "the pushed task last");
    cr_assert_eq(rt_runq_len(&q), RT_RUNQ_CAP / 2);

    /* Room again: the next push stays local. */
    rt_runq_push_overflow(&q, T(1001), spill_record, &s);
    cr_assert_eq(s.calls, 1);
    for (uintptr_t i = RT_RUNQ_CAP / 2 + 1; i <= RT_RUNQ_CAP; i++) cr_assert_eq(rt_runq_pop(&q), T(i));
    cr_assert_eq(rt_runq_pop(&q), T(1001));
    cr_assert_null(rt_runq_pop(&q));
}

Test(rt_runq, full_ring_during_a_steal_spills_only_the_task) {
    RtRunq q;
    rt_runq_init(&q);
    for (uintptr_t i = 1; i <= RT_RUNQ_CAP; i++) rt_runq_push(&q, T(i));
    /* A stealer has claimed entries 0..2 and is still copying them. */
    runq_set_indices(&q, 0, 3, RT_RUNQ_CAP);
    cr_assert_not(rt_runq_push(&q, T(9999)), "claimed slots stay occupied");
    Spill s = {0};
    rt_runq_push_overflow(&q, T(5000), spill_record, &s);
    cr_assert_eq(s.calls, 1);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.tasks[0], T(5000));

    /* A second stealer backs off while the claim is open. */
    RtRunq thief;
    rt_runq_init(&thief);
    void *first = T(1);
    cr_assert_eq(rt_runq_steal(&q, &thief, &first), 0);
    cr_assert_null(first);

    /* The owner still pops past the claim. */
    cr_assert_eq(rt_runq_pop(&q), T(4));
    cr_assert_eq(atomic_load(&q.head), (uint64_t)0 << 32 | 4, "the claim's steal index is kept");
}

Test(rt_runq, steal_takes_the_older_half) {
    RtRunq victim, thief;
    rt_runq_init(&victim);
    rt_runq_init(&thief);
    for (uintptr_t i = 1; i <= 10; i++) rt_runq_push(&victim, T(i));
    rt_runq_push_lifo(&victim, T(99));

    void *first = NULL;
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), 5);
    cr_assert_eq(first, T(1), "the oldest is returned to run");
    cr_assert_eq(rt_runq_len(&thief), 4);
    cr_assert_eq(rt_runq_len(&victim), 6, "five left in the ring plus the LIFO slot");
    for (uintptr_t i = 2; i <= 5; i++) cr_assert_eq(rt_runq_pop(&thief), T(i));
    cr_assert_null(rt_runq_pop(&thief));
    cr_assert_eq(rt_runq_pop(&victim), T(99), "the LIFO slot is never stolen");
    for (uintptr_t i = 6; i <= 10; i++) cr_assert_eq(rt_runq_pop(&victim), T(i));
    cr_assert_null(rt_runq_pop(&victim));
}

Test(rt_runq, steal_rounds_up_and_can_fill_the_ring_only) {
    RtRunq victim, thief;
    rt_runq_init(&victim);
    rt_runq_init(&thief);
    for (uintptr_t i = 1; i <= 7; i++) rt_runq_push(&victim, T(i));
    cr_assert_eq(rt_runq_steal(&victim, &thief, NULL), 4, "ceil(7/2)");
    cr_assert_eq(rt_runq_len(&thief), 4, "all of them in the ring");
    cr_assert_eq(rt_runq_steal(&victim, &thief, NULL), 2, "ceil(3/2)");
    cr_assert_eq(rt_runq_steal(&victim, &thief, NULL), 1, "a single task is stolen too");
    cr_assert_eq(rt_runq_steal(&victim, &thief, NULL), 0);
    for (uintptr_t i = 1; i <= 7; i++) cr_assert_eq(rt_runq_pop(&thief), T(i), "order kept");

    /* A full victim gives exactly half. */
    for (uintptr_t i = 1; i <= RT_RUNQ_CAP; i++) rt_runq_push(&victim, T(i));
    void *first = NULL;
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), RT_RUNQ_CAP / 2);
    cr_assert_eq(first, T(1));
    cr_assert_eq(rt_runq_len(&victim), RT_RUNQ_CAP / 2);
    cr_assert_eq(rt_runq_len(&thief), RT_RUNQ_CAP / 2 - 1);
}

Test(rt_runq, steal_from_empty_takes_nothing) {
    RtRunq victim, thief;
    rt_runq_init(&victim);
    rt_runq_init(&thief);
    void *first = T(1);
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), 0);
    cr_assert_null(first, "first is cleared");

    /* Only a LIFO task: nothing to steal. */
    rt_runq_push_lifo(&victim, T(5));
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), 0);
    cr_assert_eq(rt_runq_len(&thief), 0);
    cr_assert_eq(rt_runq_pop(&victim), T(5));

    /* Emptied by pops: still nothing. */
    rt_runq_push(&victim, T(6));
    cr_assert_eq(rt_runq_pop(&victim), T(6));
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), 0);
}

Test(rt_runq, busy_thief_does_not_steal) {
    RtRunq victim, thief;
    rt_runq_init(&victim);
    rt_runq_init(&thief);
    for (uintptr_t i = 1; i <= 20; i++) rt_runq_push(&victim, T(i));
    for (uintptr_t i = 1; i <= RT_RUNQ_CAP / 2 + 1; i++) rt_runq_push(&thief, T(1000 + i));
    void *first = NULL;
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), 0, "no room for half a full ring");
    cr_assert_null(first);
    cr_assert_eq(rt_runq_len(&victim), 20);
    rt_runq_pop(&thief);
    cr_assert_eq(rt_runq_steal(&victim, &thief, &first), 10, "at half it may steal");
    cr_assert_eq(rt_runq_len(&thief), RT_RUNQ_CAP / 2 + 9);
}

Test(rt_runq, indices_wrap_around) {
    enum { ROUNDS = 40, PER_ROUND = 300 };
    static unsigned char seen[ROUNDS * PER_ROUND + 1];
    RtRunq q, thief;
    rt_runq_init(&q);
    rt_runq_init(&thief);
    uint32_t start = UINT32_MAX - 100;
    runq_set_indices(&q, start, start, start);
    runq_set_indices(&thief, start - 7, start - 7, start - 7);
    uintptr_t next_in = 1;
    Spill s = {0};
    /* Many times around the ring and across 2^32, with spills, steals and
     * pops mixed in: every task comes out once, and each source in order. */
    for (int round = 0; round < ROUNDS; round++) {
        s.n = 0;
        for (int k = 0; k < PER_ROUND; k++) rt_runq_push_overflow(&q, T(next_in++), spill_record, &s);
        cr_assert_gt(s.n, 0, "round %d spilled", round);
        void *first = NULL;
        cr_assert_gt(rt_runq_steal(&q, &thief, &first), 0);
        seen[(uintptr_t)first]++;
        uintptr_t last = (uintptr_t)first;
        for (void *t; (t = rt_runq_pop(&thief)) != NULL; last = (uintptr_t)t) {
            cr_assert_gt((uintptr_t)t, last, "round %d: the thief's ring is in order", round);
            seen[(uintptr_t)t]++;
        }
        last = 0;
        for (void *t; (t = rt_runq_pop(&q)) != NULL; last = (uintptr_t)t) {
            cr_assert_gt((uintptr_t)t, last, "round %d: the ring is in order", round);
            seen[(uintptr_t)t]++;
        }
        for (size_t i = 0; i < s.n; i++) seen[(uintptr_t)s.tasks[i]]++;
    }
    for (uintptr_t i = 1; i < next_in; i++) cr_assert_eq(seen[i], 1, "task %zu seen %d times", (size_t)i, seen[i]);
    cr_assert_lt(atomic_load(&q.tail), start, "the tail wrapped");
    cr_assert_lt(atomic_load(&thief.tail), start, "the thief's tail wrapped");
}

/* ---- concurrency -------------------------------------------------------- */

/* One owner pushes every item (through the ring, the LIFO slot and the
 * overflow path) and pops some; the other threads steal from the owner and
 * from each other into their own queues and drain them. Each item is counted
 * when taken; at the end every count must be exactly 1. */
#define STRESS_THREADS 4 /* the owner and three stealers */

typedef struct Stress {
    RtRunq queues[STRESS_THREADS];
    _Atomic uint32_t *count;
    size_t items;
    _Atomic size_t taken;
    _Atomic size_t stolen;
    _Atomic bool bad; /* an item out of range */
} Stress;

typedef struct StressArg {
    Stress *s;
    int id;
} StressArg;

static void stress_take(Stress *s, void *t) {
    uintptr_t i = (uintptr_t)t;
    if (i == 0 || i > s->items) {
        atomic_store(&s->bad, true);
        return;
    }
    atomic_fetch_add_explicit(&s->count[i - 1], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->taken, 1, memory_order_relaxed);
}

/* The injection queue is not under test: a spilled task counts as taken. */
static void stress_overflow(void *ctx, void **tasks, size_t n) {
    for (size_t i = 0; i < n; i++) stress_take(ctx, tasks[i]);
}

/* Pop, else steal, until every item has been taken. */
static void stress_drain(Stress *s, int id, uint32_t rng) {
    RtRunq *own = &s->queues[id];
    size_t idle = 0;
    while (atomic_load_explicit(&s->taken, memory_order_relaxed) < s->items) {
        void *t = rt_runq_pop(own);
        if (t == NULL) {
            rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
            /* Mostly the owner's queue, where the work appears. */
            int victim = rng % 3 == 0 ? (int)(rng / 3 % STRESS_THREADS) : 0;
            if (victim == id) continue;
            size_t n = rt_runq_steal(&s->queues[victim], own, &t);
            if (n) atomic_fetch_add_explicit(&s->stolen, n, memory_order_relaxed);
        }
        if (t != NULL) {
            stress_take(s, t);
            idle = 0;
        } else if (++idle % 64 == 0) {
            sched_yield(); /* more threads than cores: let the owner run */
        }
    }
}

static void *stress_thread(void *p) {
    StressArg *a = p;
    Stress *s = a->s;
    if (a->id == 0) {
        RtRunq *q = &s->queues[0];
        for (size_t i = 0; i < s->items; i++) {
            void *t = (void *)(uintptr_t)(i + 1);
            if (i % 7 == 3) {
                void *old = rt_runq_push_lifo(q, t);
                if (old) rt_runq_push_overflow(q, old, stress_overflow, s);
            } else if (i % 11 == 5) {
                if (!rt_runq_push(q, t)) stress_take(s, t);
            } else {
                rt_runq_push_overflow(q, t, stress_overflow, s);
            }
            /* Pop a little less than is pushed, so the ring fills up at
             * times and the overflow path runs alongside the stealers. */
            if (i % 3 == 0) {
                void *u = rt_runq_pop(q);
                if (u) stress_take(s, u);
            }
        }
    }
    stress_drain(s, a->id, 0x9e3779b9u * (uint32_t)(a->id + 1));
    return NULL;
}

/* Items per round: RT_RUNQ_STRESS_ITEMS overrides (slow tools such as
 * valgrind want fewer). */
static size_t stress_items(void) {
    const char *env = getenv("RT_RUNQ_STRESS_ITEMS");
    if (env && *env) return (size_t)strtoull(env, NULL, 10);
    return 2000000;
}

Test(rt_runq, concurrent_steals_take_every_task_exactly_once, .timeout = 60) {
    size_t items = stress_items();
    Stress *s = aligned_alloc(64, (sizeof(Stress) + 63) / 64 * 64);
    cr_assert_not_null(s);
    s->count = calloc(items, sizeof *s->count);
    cr_assert_not_null(s->count);
    size_t stolen_total = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < STRESS_THREADS; i++) rt_runq_init(&s->queues[i]);
        for (size_t i = 0; i < items; i++) atomic_init(&s->count[i], 0);
        s->items = items;
        atomic_init(&s->taken, 0);
        atomic_init(&s->stolen, 0);
        atomic_init(&s->bad, false);

        pthread_t th[STRESS_THREADS];
        StressArg args[STRESS_THREADS];
        for (int i = 0; i < STRESS_THREADS; i++) {
            args[i] = (StressArg){s, i};
            cr_assert_eq(pthread_create(&th[i], NULL, stress_thread, &args[i]), 0);
        }
        for (int i = 0; i < STRESS_THREADS; i++) pthread_join(th[i], NULL);

        cr_assert_not(atomic_load(&s->bad), "round %d: a pointer that was never pushed came out", round);
        cr_assert_eq(atomic_load(&s->taken), items, "round %d", round);
        for (size_t i = 0; i < items; i++) {
            uint32_t c = atomic_load_explicit(&s->count[i], memory_order_relaxed);
            if (c != 1) cr_assert_fail("round %d: item %zu taken %u times", round, i + 1, (unsigned)c);
        }
        for (int i = 0; i < STRESS_THREADS; i++) {
            cr_assert_eq(rt_runq_len(&s->queues[i]), 0, "round %d: queue %d left non-empty", round, i);
            cr_assert_null(rt_runq_pop(&s->queues[i]));
        }
        stolen_total += atomic_load(&s->stolen);
    }
    cr_assert_gt(stolen_total, 0, "the stealers got something");
    free(s->count);
    free(s);
}
