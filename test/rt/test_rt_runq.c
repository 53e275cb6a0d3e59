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
#include "runq_stress.h"

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

Test(rt_runq, concurrent_steals_take_every_task_exactly_once, .timeout = 60) {
    char why[160];
    size_t stolen = 0;
    int r = runq_stress(stress_items(), 3, &stolen, why, sizeof why);
    cr_assert_eq(r, 0, "%s", why);
    cr_assert_gt(stolen, 0, "the stealers got something");
}
