/* The synchronisation scenarios of test_rt_sync.c as a plain program for the
 * ThreadSanitizer build, on both I/O backends (CTest): channel conservation
 * under cancellation, locks and semaphores under contention. */
#include "../sync_scenarios.h"

static int failures;

static void run(const char *name, const char *msg) {
    if (msg) {
        fprintf(stderr, "tsan_sync: %s: %s\n", name, msg);
        failures++;
    }
}

int main(void) {
    for (int i = 0; i < 6; i++) run("conserve", scenario_conserve(2, 6, 2000, (size_t)(i % 3), 0, NULL));
    run("conserve_4", scenario_conserve(4, 16, 1000, 8, 0, NULL));
    run("receiver_leaves", scenario_conserve(2, 8, 1000, 2, 300, NULL));
    run("lock", scenario_lock(2, 4, 5000));
    run("semaphore", scenario_semaphore(2, 100, 5, 4));
    for (int i = 0; i < 3; i++) run("storm", scenario_storm(2, 2000));
    if (!failures) printf("tsan_sync: ok\n");
    return failures != 0;
}
