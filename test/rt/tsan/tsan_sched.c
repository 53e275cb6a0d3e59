/* The scheduler scenarios of test_rt_sched.c as a plain program for the
 * ThreadSanitizer build (Criterion cannot start under TSan): spawning and
 * joining across workers, scopes, sleeping and cancellation. CTest runs it
 * on both I/O backends. */
#include "../sched_scenarios.h"

static int failures;

static void run(const char *name, const char *msg) {
    if (msg) {
        fprintf(stderr, "tsan_sched: %s: %s\n", name, msg);
        failures++;
    }
}

int main(void) {
    int used = 0;
    run("spawn_join", scenario_spawn_join(2, 20000, NULL));
    run("spawn_join_4", scenario_spawn_join(4, 20000, &used));
    run("scope_only", scenario_scope_only(3, 20000));
    for (int i = 0; i < 10; i++) run("cancel_cleanup", scenario_cancel_cleanup(2));
    run("many_sleep", scenario_many_sleep(2, 2000, 2000000ull, NULL));
    if (!failures) printf("tsan_sched: ok (%d workers ran tasks)\n", used);
    return failures != 0;
}
