/* The run queue's multi-threaded conservation test, shared by the Criterion
 * suite (test_rt_runq.c) and the ThreadSanitizer program (tsan/tsan_runq.c,
 * whose runner does not use Criterion: Criterion cannot start under TSan). */
#ifndef SIFR_RUNQ_STRESS_H
#define SIFR_RUNQ_STRESS_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt_runq.h"

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


/* `rounds` rounds of `items` tasks: 0 when every task was taken exactly
 * once each round and every queue ended empty, else -1 with the reason in
 * `why`. *stolen adds up how many tasks were stolen. */
static int runq_stress(size_t items, int rounds, size_t *stolen, char *why, size_t whylen) {
    Stress *s = aligned_alloc(64, (sizeof(Stress) + 63) / 64 * 64);
    if (!s) return snprintf(why, whylen, "out of memory"), -1;
    s->count = calloc(items, sizeof *s->count);
    if (!s->count) return free(s), snprintf(why, whylen, "out of memory"), -1;
    int rc = 0;
    for (int round = 0; round < rounds && rc == 0; round++) {
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
            if (pthread_create(&th[i], NULL, stress_thread, &args[i]) != 0) abort();
        }
        for (int i = 0; i < STRESS_THREADS; i++) pthread_join(th[i], NULL);
        if (atomic_load(&s->bad)) {
            snprintf(why, whylen, "round %d: a pointer that was never pushed came out", round);
            rc = -1;
        } else if (atomic_load(&s->taken) != items) {
            snprintf(why, whylen, "round %d: %zu of %zu taken", round, atomic_load(&s->taken), items);
            rc = -1;
        }
        for (size_t i = 0; i < items && rc == 0; i++) {
            uint32_t c = atomic_load_explicit(&s->count[i], memory_order_relaxed);
            if (c != 1) {
                snprintf(why, whylen, "round %d: item %zu taken %u times", round, i + 1, (unsigned)c);
                rc = -1;
            }
        }
        for (int i = 0; i < STRESS_THREADS && rc == 0; i++)
            if (rt_runq_len(&s->queues[i]) != 0 || rt_runq_pop(&s->queues[i]) != NULL) {
                snprintf(why, whylen, "round %d: queue %d left non-empty", round, i);
                rc = -1;
            }
        *stolen += atomic_load(&s->stolen);
    }
    free(s->count);
    free(s);
    return rc;
}

/* Items per round: RT_RUNQ_STRESS_ITEMS overrides (slow tools such as
 * valgrind want fewer). */
static size_t stress_items(void) {
    const char *env = getenv("RT_RUNQ_STRESS_ITEMS");
    if (env && *env) return (size_t)strtoull(env, NULL, 10);
    return 2000000;
}

#endif
