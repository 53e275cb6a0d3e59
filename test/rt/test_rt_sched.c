/* The schedulers (rt/rt_sched.h): spawning, joining, scopes, timers,
 * cancellation, on one and on several workers. Both I/O backends: CTest runs
 * this suite a second time with SIFR_RT_BACKEND=epoll. */
#include <criterion/criterion.h>

#include "sched_scenarios.h"

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
