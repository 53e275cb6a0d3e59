/* Scheduler scenarios shared by the Criterion suite (test_rt_sched.c) and the
 * ThreadSanitizer programs (tsan/tsan_sched.c). Task bodies are hand-written
 * state machines following the coroutine frame ABI (rt_task.h), the way the
 * compiler's async lowering drives the runtime: a `pc` records where the body
 * suspended; each resume continues there. Each scenario returns NULL on
 * success or a message describing the failure. */
#ifndef SIFR_TEST_SCHED_SCENARIOS_H
#define SIFR_TEST_SCHED_SCENARIOS_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_cframe.h"
#include "rt_poll.h"
#include "rt_sched.h"
#include "sifr_rt.h"

/* ---- frames: rt_cframe.h --------------------------------------------- */

static char sc_msg[256];
#define SC_CHECK(cond, ...)                                    \
    do {                                                       \
        if (!(cond)) {                                         \
            snprintf(sc_msg, sizeof sc_msg, __VA_ARGS__);      \
            return sc_msg;                                     \
        }                                                      \
    } while (0)

/* ---- spawn and join ---------------------------------------------------- */

typedef struct Leaf {
    Fr fr;
    int64_t v;
    _Atomic int *ran_on; /* per worker counters (may be NULL) */
} Leaf;

static void leaf_resume(void *p) {
    Leaf *l = p;
    l->fr.out = l->v * 2 + 1;
    if (l->ran_on) atomic_fetch_add(&l->ran_on[rt_worker_id(rt_worker_current())], 1);
    FR_DONE(l);
}

typedef struct SpawnJoin {
    Fr fr;
    FrJoinAll join;
    _Atomic int *ran_on;
} SpawnJoin;

static void spawn_join_resume(void *p) {
    SpawnJoin *f = p;
    RtTask *me = rt_task_current();
    FrJoinAll *j = &f->join;
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&j->scope, me, 0);
        j->kids = malloc(sizeof(RtTask *) * j->n);
        for (uint64_t i = 0; i < j->n; i++) {
            Leaf *l = fr_new(sizeof(Leaf), leaf_resume);
            l->v = (int64_t)i;
            l->ran_on = f->ran_on;
            j->kids[i] = rt_spawn(&j->scope, l, NULL);
        }
        /* fallthrough */
    case 1:
        if (!fr_join_all(j, me)) FR_SUSPEND(f, 1);
        f->fr.out = j->sum;
        FR_DONE(f);
    }
}

/* n children each returning 2i+1, joined in order: the sum is n^2. */
static const char *scenario_spawn_join(int workers, int64_t n, int *workers_used) {
    _Atomic int ran[64];
    for (int i = 0; i < 64; i++) atomic_init(&ran[i], 0);
    SpawnJoin *f = fr_new(sizeof(SpawnJoin), spawn_join_resume);
    f->join.n = (uint64_t)n;
    f->ran_on = workers_used ? ran : NULL;
    RtTask *root;
    int st = rt_run(workers, f, &root);
    int64_t sum = FR_OUT(root);
    rt_task_release(root);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    SC_CHECK(sum == n * n, "sum %lld, want %lld", (long long)sum, (long long)(n * n));
    if (workers_used) {
        *workers_used = 0;
        for (int i = 0; i < 64; i++) *workers_used += atomic_load(&ran[i]) > 0;
    }
    return NULL;
}

/* ---- detached spawns joined only through the scope ------------------------ */

typedef struct ScopeOnly {
    Fr fr;
    RtScope scope;
    int64_t n;
} ScopeOnly;

static _Atomic int64_t scope_only_sum;

static void counted_leaf_resume(void *p) {
    Leaf *l = p;
    atomic_fetch_add(&scope_only_sum, l->v);
    FR_DONE(l);
}

static void scope_only_resume(void *p) {
    ScopeOnly *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        for (int64_t i = 0; i < f->n; i++) {
            Leaf *l = fr_new(sizeof(Leaf), counted_leaf_resume);
            l->v = i;
            rt_task_release(rt_spawn(&f->scope, l, NULL));
        }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

static const char *scenario_scope_only(int workers, int64_t n) {
    atomic_store(&scope_only_sum, 0);
    ScopeOnly *f = fr_new(sizeof(ScopeOnly), scope_only_resume);
    f->n = n;
    int st = rt_run(workers, f, NULL);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    int64_t want = n * (n - 1) / 2;
    SC_CHECK(atomic_load(&scope_only_sum) == want, "sum %lld want %lld", (long long)atomic_load(&scope_only_sum),
             (long long)want);
    return NULL;
}

/* ---- sleeping, cancellation, cleanup order --------------------------------- */

typedef struct Sleeper {
    Fr fr;
    uint64_t ns;
    uint64_t deadline;
    _Atomic int *log;       /* appends event codes */
    _Atomic int *log_len;
    int id;
} Sleeper;

static void log_event(_Atomic int *log, _Atomic int *len, int ev) {
    int i = atomic_fetch_add(len, 1);
    if (i < 1024) atomic_store(&log[i], ev);
}

/* Sleeps `ns`; on cancellation runs its cleanup (logs 100+id) and finishes
 * CANCELLED; else logs id and finishes OK. */
static void sleeper_resume(void *p) {
    Sleeper *f = p;
    RtTask *me = rt_task_current();
    int r;
    switch (f->fr.pc) {
    case 0:
        f->deadline = rt_now_ns() + f->ns;
        if (rt_sleep_begin(me, f->deadline)) goto slept;
        FR_SUSPEND(f, 1);
    case 1:
        r = rt_sleep_end(me);
        if (r == RT_EAGAIN) FR_SUSPEND(f, 1);
        if (r == RT_ECANCELED) {
            if (f->log) log_event(f->log, f->log_len, 100 + f->id);
            rt_task_set_status(me, RT_TASK_CANCELLED, NULL);
            FR_DONE(f);
            return;
        }
    slept:
        f->fr.out = (int64_t)(rt_now_ns() >= f->deadline);
        if (f->log) log_event(f->log, f->log_len, f->id);
        FR_DONE(f);
    }
}

typedef struct CancelParent {
    Fr fr;
    RtScope scope;
    RtTask *kids[3];
    _Atomic int log[1024];
    _Atomic int log_len;
    int i;
    int statuses[3];
} CancelParent;

static void cancel_parent_resume(void *p) {
    CancelParent *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        for (int i = 0; i < 3; i++) {
            Sleeper *s = fr_new(sizeof(Sleeper), sleeper_resume);
            s->ns = i == 0 ? 1000000ull : 10000000000ull; /* 1 ms, then two of 10 s */
            s->id = i;
            s->log = f->log;
            s->log_len = &f->log_len;
            f->kids[i] = rt_spawn(&f->scope, s, NULL);
        }
        f->i = 0;
        /* fallthrough */
    case 1: /* the short one finishes normally */
        if (!rt_join_begin(me, f->kids[0])) FR_SUSPEND(f, 1);
        log_event(f->log, &f->log_len, 50);
        rt_scope_cancel(&f->scope);
        /* fallthrough */
    case 2:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 2);
        log_event(f->log, &f->log_len, 60); /* after every cleanup */
        for (int i = 0; i < 3; i++) {
            f->statuses[i] = (int)f->kids[i]->status;
            rt_task_release(f->kids[i]);
        }
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

static const char *scenario_cancel_cleanup(int workers) {
    CancelParent *f = fr_new(sizeof(CancelParent), cancel_parent_resume);
    uint64_t t0 = rt_now_ns();
    RtTask *root;
    int st = rt_run(workers, f, &root);
    uint64_t el = rt_now_ns() - t0;
    int len = atomic_load(&f->log_len);
    int ev[8] = {0};
    for (int i = 0; i < len && i < 8; i++) ev[i] = atomic_load(&f->log[i]);
    int s0 = f->statuses[0], s1 = f->statuses[1], s2 = f->statuses[2];
    rt_task_release(root);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    SC_CHECK(el < 5000000000ull, "cancellation did not interrupt the 10 s sleeps (%llu ns)", (unsigned long long)el);
    SC_CHECK(len == 5, "%d events", len);
    SC_CHECK(ev[0] == 0 && ev[1] == 50, "order %d %d", ev[0], ev[1]);
    SC_CHECK((ev[2] == 101 && ev[3] == 102) || (ev[2] == 102 && ev[3] == 101), "cleanups %d %d", ev[2], ev[3]);
    SC_CHECK(ev[4] == 60, "the scope finished before the cleanups: %d", ev[4]);
    SC_CHECK(s0 == RT_TASK_OK && s1 == RT_TASK_CANCELLED && s2 == RT_TASK_CANCELLED, "statuses %d %d %d", s0, s1,
             s2);
    return NULL;
}

/* ---- many sleepers: every timer fires, none early ------------------------- */

typedef struct ManySleep {
    Fr fr;
    RtScope scope;
    int64_t n;
    uint64_t ns;
    RtTask **kids;
    int64_t i, ok;
} ManySleep;

static void many_sleep_resume(void *p) {
    ManySleep *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        f->kids = malloc(sizeof(RtTask *) * (size_t)f->n);
        for (int64_t i = 0; i < f->n; i++) {
            Sleeper *s = fr_new(sizeof(Sleeper), sleeper_resume);
            s->ns = f->ns + (uint64_t)(i % 7) * 100000ull;
            f->kids[i] = rt_spawn(&f->scope, s, NULL);
        }
        /* fallthrough */
    case 1:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 1);
        for (int64_t i = 0; i < f->n; i++) {
            f->ok += FR_OUT(f->kids[i]);
            rt_task_release(f->kids[i]);
        }
        rt_scope_fini(&f->scope);
        free(f->kids);
        f->fr.out = f->ok;
        FR_DONE(f);
    }
}

static const char *scenario_many_sleep(int workers, int64_t n, uint64_t ns, uint64_t *elapsed) {
    ManySleep *f = fr_new(sizeof(ManySleep), many_sleep_resume);
    f->n = n;
    f->ns = ns;
    RtTask *root;
    uint64_t t0 = rt_now_ns();
    int st = rt_run(workers, f, &root);
    if (elapsed) *elapsed = rt_now_ns() - t0;
    int64_t ok = FR_OUT(root);
    rt_task_release(root);
    SC_CHECK(st == RT_TASK_OK, "root status %d", st);
    SC_CHECK(ok == n, "%lld of %lld sleepers woke at or after their deadline", (long long)ok, (long long)n);
    return NULL;
}

#endif
