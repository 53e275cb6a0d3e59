/* The schedulers (rt/rt_sched.h): spawning, joining, scopes, timers,
 * cancellation, on one and on several workers. Both I/O backends: CTest runs
 * this suite a second time with SIFR_RT_BACKEND=epoll. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <unistd.h>

#include "sched_scenarios.h"
#include "sifr_rt_values.h"

#define OK(expr)                                   \
    do {                                           \
        const char *m_ = (expr);                   \
        cr_assert(m_ == NULL, "%s", m_ ? m_ : ""); \
    } while (0)

Test(sched, root_alone_finishes) { OK(scenario_spawn_join(1, 0, NULL)); }

Test(sched, spawn_join_one_worker) { OK(scenario_spawn_join(1, 1000, NULL)); }

Test(sched, spawn_join_two_workers) { OK(scenario_spawn_join(2, 10000, NULL)); }

Test(sched, spawn_join_more_workers_than_cores) { OK(scenario_spawn_join(4, 20000, NULL)); }

Test(sched, spawn_join_million) { OK(scenario_spawn_join(0, 1000000, NULL)); }

/* Four tasks spawned on worker 0 that each spin until tasks have run on two
 * workers: only a steal lets them finish (within seconds even on a loaded
 * machine; the cap turns a scheduler that never steals into a failure). */
static _Atomic int spin_seen[8];

static void spin_until_stolen_resume(void *p) {
    atomic_store(&spin_seen[rt_worker_id(rt_worker_current())], 1);
    uint64_t t0 = rt_now_ns();
    for (;;) {
        int seen = 0;
        for (int i = 0; i < 8; i++) seen += atomic_load(&spin_seen[i]);
        if (seen >= 2 || rt_now_ns() - t0 > 5000000000ull) break;
    }
    FR_DONE(p);
}

static void spawn_spinners_resume(void *p) {
    ScopeOnly *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        rt_scope_init(&f->scope, me, 0);
        for (int i = 0; i < 4; i++) rt_task_release(rt_spawn(&f->scope, fr_new(sizeof(Fr), spin_until_stolen_resume), NULL));
        f->fr.pc = 1;
    }
    if (!rt_scope_join_begin(&f->scope, me)) return;
    rt_scope_fini(&f->scope);
    FR_DONE(f);
}

Test(sched, tasks_migrate_to_idle_workers) {
    rt_run(4, fr_new(sizeof(ScopeOnly), spawn_spinners_resume), NULL);
    int seen = 0;
    for (int i = 0; i < 8; i++) seen += atomic_load(&spin_seen[i]);
    cr_assert(seen >= 2, "tasks ran on %d worker(s) only", seen);
}

Test(sched, scope_join_without_handles) { OK(scenario_scope_only(2, 100000)); }

Test(sched, scope_prunes_finished_children) { OK(scenario_scope_only(1, 300000)); }

Test(sched, cancel_runs_cleanup_before_scope_join) { OK(scenario_cancel_cleanup(1)); }

Test(sched, cancel_across_workers) {
    for (int i = 0; i < 20; i++) OK(scenario_cancel_cleanup(2));
}

Test(sched, sleepers_fire_on_time) { OK(scenario_many_sleep(1, 1000, 2000000ull, NULL)); }

Test(sched, sleepers_on_two_workers) { OK(scenario_many_sleep(2, 20000, 5000000ull, NULL)); }

Test(sched, hundred_thousand_sleepers) {
    uint64_t el;
    OK(scenario_many_sleep(0, 100000, 10000000ull, &el));
    cr_assert(el >= 10000000ull);
}

Test(sched, backend_is_reported) {
    const RtIoChoice *c = rt_io_backend();
    const char *env = getenv("SIFR_RT_BACKEND");
    if (env && !strcmp(env, "epoll")) cr_assert_eq(c->kind, RT_IO_EPOLL);
}

/* ---- the task-local context ------------------------------------------------ */

static void *ctx_one, *ctx_two; /* contexts holding key "k" = 1 and 2 */
static void *seen_ctx[4];

typedef struct CtxLeaf {
    Fr fr;
    int slot;
} CtxLeaf;

static void ctx_leaf_resume(void *p) {
    CtxLeaf *f = p;
    seen_ctx[f->slot] = rt_task_current()->ctx;
    FR_DONE(f);
}

static CtxLeaf *ctx_leaf(int slot) {
    CtxLeaf *l = fr_new(sizeof(CtxLeaf), ctx_leaf_resume);
    l->slot = slot;
    return l;
}

/* Spawned with ctx_one: its child inherits it, a child in a scope with its
 * own context gets that one, and an explicit context wins over both. */
typedef struct CtxParent {
    Fr fr;
    RtScope plain, with_ctx;
} CtxParent;

static void ctx_parent_resume(void *p) {
    CtxParent *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        seen_ctx[0] = me->ctx;
        rt_scope_init(&f->plain, me, 0);
        rt_scope_init(&f->with_ctx, me, 0);
        f->with_ctx.ctx = rt_ctx_retain(ctx_two); /* the scope holds a reference */
        rt_task_release(rt_spawn(&f->plain, ctx_leaf(1), NULL));
        rt_task_release(rt_spawn(&f->with_ctx, ctx_leaf(2), NULL));
        rt_task_release(rt_spawn(&f->plain, ctx_leaf(3), ctx_two));
        f->fr.pc = 1;
    }
    if (!rt_scope_join_begin(&f->plain, me) || !rt_scope_join_begin(&f->with_ctx, me)) return;
    rt_scope_fini(&f->plain);
    rt_scope_fini(&f->with_ctx);
    FR_DONE(f);
}

typedef struct CtxRoot {
    Fr fr;
    RtScope scope;
} CtxRoot;

static void ctx_root_resume(void *p) {
    CtxRoot *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        rt_scope_init(&f->scope, me, 0);
        rt_task_release(rt_spawn(&f->scope, fr_new(sizeof(CtxParent), ctx_parent_resume), ctx_one));
        f->fr.pc = 1;
    }
    if (!rt_scope_join_begin(&f->scope, me)) return;
    rt_scope_fini(&f->scope);
    FR_DONE(f);
}

Test(sched, context_is_inherited) {
    RtStr *name = rt_str_new("k", 1);
    int64_t dflt = 0, one = 1, two = 2, got = -1, got_empty = -1;
    void *key = rt_ctx_key_new(name, &rt_type_int, &dflt);
    ctx_one = rt_ctx_with(rt_ctx_empty(), key, &one);
    ctx_two = rt_ctx_with(rt_ctx_empty(), key, &two);
    rt_run(2, fr_new(sizeof(CtxRoot), ctx_root_resume), NULL);
    cr_assert_eq(seen_ctx[0], ctx_one, "explicit context at spawn");
    cr_assert_eq(seen_ctx[1], ctx_one, "inherited from the spawning task");
    cr_assert_eq(seen_ctx[2], ctx_two, "the scope's context");
    cr_assert_eq(seen_ctx[3], ctx_two, "explicit wins over inherited");
    rt_ctx_get(seen_ctx[1], key, &got);
    rt_ctx_get(rt_ctx_empty(), key, &got_empty);
    cr_assert_eq(got, 1);
    cr_assert_eq(got_empty, 0, "a key missing from the context gives its default");
    rt_ctx_drop(ctx_one);
    rt_ctx_drop(ctx_two);
    rt_ctx_key_drop(key);
    rt_str_drop(name);
}

/* ---- failures ------------------------------------------------------------ */

typedef struct Failer {
    Fr fr;
    int fail;
} Failer;

static void failer_resume(void *p) {
    Failer *f = p;
    if (f->fail) rt_task_set_status(rt_task_current(), RT_TASK_FAILED, (void *)(intptr_t)f->fail);
    FR_DONE(f);
}

static Failer *failer(int fail) {
    Failer *f = fr_new(sizeof(Failer), failer_resume);
    f->fail = fail;
    return f;
}

typedef struct FailRoot {
    Fr fr;
    RtScope scope;
    RtTask *joined, *dropped_late, *sleeper;
    uint32_t flags;
    int first_error, unobserved, sleeper_status;
} FailRoot;

static void fail_root_resume(void *p) {
    FailRoot *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        rt_scope_init(&f->scope, me, f->flags);
        Sleeper *s = fr_new(sizeof(Sleeper), sleeper_resume);
        s->ns = 10000000000ull; /* 10 s, unless cancelled */
        f->sleeper = rt_spawn(&f->scope, s, NULL);
        f->joined = rt_spawn(&f->scope, failer(7), NULL);
        rt_task_release(rt_spawn(&f->scope, failer(8), NULL)); /* dropped before it fails */
        f->dropped_late = rt_spawn(&f->scope, failer(9), NULL);
        f->fr.pc = 1;
    }
    if (f->fr.pc == 1) {
        if (!rt_join_begin(me, f->joined)) return; /* observed */
        rt_task_release(f->joined);
        f->fr.pc = 2;
        if (!(f->flags & RT_SCOPE_FAIL_FAST)) rt_task_cancel(f->sleeper);
    }
    if (!rt_scope_join_begin(&f->scope, me)) return;
    rt_task_release(f->dropped_late); /* failed, never joined: unobserved */
    f->sleeper_status = (int)f->sleeper->status;
    rt_task_release(f->sleeper);
    RtTask *first = rt_scope_first_failure(&f->scope);
    f->first_error = first ? (int)(intptr_t)first->error : 0;
    f->unobserved = (int)rt_scope_unobserved(&f->scope);
    rt_scope_fini(&f->scope);
    FR_DONE(f);
}

Test(sched, first_and_unobserved_failures) {
    FailRoot *f = fr_new(sizeof(FailRoot), fail_root_resume);
    RtTask *root;
    rt_run(1, f, &root);
    cr_assert_eq(f->first_error, 7, "first failure %d", f->first_error);
    cr_assert_eq(f->unobserved, 2, "%d unobserved", f->unobserved);
    cr_assert_eq(f->sleeper_status, RT_TASK_CANCELLED);
    rt_task_release(root);
}

Test(sched, fail_fast_cancels_siblings) {
    FailRoot *f = fr_new(sizeof(FailRoot), fail_root_resume);
    f->flags = RT_SCOPE_FAIL_FAST;
    RtTask *root;
    uint64_t t0 = rt_now_ns();
    rt_run(2, f, &root);
    cr_assert(rt_now_ns() - t0 < 5000000000ull, "the sleeper was not cancelled");
    cr_assert_eq(f->sleeper_status, RT_TASK_CANCELLED);
    cr_assert_neq(f->first_error, 0);
    rt_task_release(root);
}

/* ---- output from tasks on several workers -------------------------------- */

/* Each printer prints `lines` whole lines "<id> <i>", yielding between
 * lines so that the printers move and interleave across workers. */
typedef struct Printer {
    Fr fr;
    int64_t id, i, lines;
} Printer;

static void printer_resume(void *p) {
    Printer *f = p;
    RtTask *me = rt_task_current();
    while (f->i < f->lines) {
        rt_print_int(f->id);
        rt_print_space();
        rt_print_int(f->i);
        rt_print_newline();
        f->i++;
        if (f->i % 7 == 0) { /* suspend now and then: printers move between workers */
            rt_yield_begin(me);
            return;
        }
    }
    FR_DONE(f);
}

typedef struct Printers {
    Fr fr;
    RtScope scope;
    int n, lines;
} Printers;

static void printers_resume(void *p) {
    Printers *f = p;
    RtTask *me = rt_task_current();
    if (f->fr.pc == 0) {
        rt_scope_init(&f->scope, me, 0);
        for (int i = 0; i < f->n; i++) {
            Printer *pr = fr_new(sizeof(Printer), printer_resume);
            pr->id = i;
            pr->lines = f->lines;
            rt_task_release(rt_spawn(&f->scope, pr, NULL));
        }
        f->fr.pc = 1;
    }
    if (!rt_scope_join_begin(&f->scope, me)) return;
    rt_scope_fini(&f->scope);
    FR_DONE(f);
}

Test(output, lines_printed_by_tasks_on_several_workers_stay_whole_and_in_order) {
    enum { N = 8, LINES = 2000 };
    fflush(stdout);
    FILE *tmp = tmpfile();
    cr_assert_not_null(tmp);
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    Printers *f = fr_new(sizeof(Printers), printers_resume);
    f->n = N;
    f->lines = LINES;
    cr_assert_eq(rt_run(2, f, NULL), RT_TASK_OK);
    rt_flush();
    dup2(saved, 1);
    close(saved);
    rewind(tmp);
    int64_t next[N] = {0}, id, i, total = 0;
    char line[64];
    while (fgets(line, sizeof line, tmp)) {
        cr_assert(sscanf(line, "%" SCNd64 " %" SCNd64 "\n", &id, &i) == 2 && id >= 0 && id < N,
                  "a broken line: '%s'", line);
        cr_assert_eq(i, next[id], "printer %" PRId64 ": line %" PRId64 " after %" PRId64, id, i, next[id] - 1);
        next[id]++;
        total++;
    }
    cr_assert_eq(total, (int64_t)N * LINES);
    fclose(tmp);
}

/* ---- a root that finishes while workers are still starting ------------ */

static void instant_resume(void *p) { FR_DONE(p); }

/* Workers join late: the root may be done before a worker has its poller.
 * Finishing must not wake such a worker through a poller that does not
 * exist yet (with the epoll backend that wrote to descriptor 0). */
Test(sched, a_root_done_before_the_workers_started_wakes_no_missing_poller) {
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    int saved = dup(0);
    dup2(fds[1], 0); /* anything written to descriptor 0 shows up in fds[0] */
    for (int i = 0; i < 200; i++) {
        Fr *f = fr_new(sizeof(Fr), instant_resume);
        cr_assert_eq(rt_run(4, f, NULL), RT_TASK_OK);
    }
    dup2(saved, 0);
    close(saved);
    close(fds[1]);
    char buf[8];
    cr_assert_eq(read(fds[0], buf, sizeof buf), 0, "something was written to descriptor 0");
    close(fds[0]);
}
