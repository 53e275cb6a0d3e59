/* The run queue's conservation stress test as a plain program, for the
 * ThreadSanitizer build (SIFR_SANITIZE=thread): Criterion's runner cannot
 * start under TSan, so this one reports by exit status. */
#include "../runq_stress.h"

int main(void) {
    char why[160];
    size_t stolen = 0;
    size_t items = stress_items() / 4; /* TSan is several times slower */
    if (runq_stress(items, 3, &stolen, why, sizeof why) != 0) {
        fprintf(stderr, "tsan_runq: %s\n", why);
        return 1;
    }
    if (stolen == 0) {
        fprintf(stderr, "tsan_runq: no steal happened\n");
        return 1;
    }
    printf("tsan_runq: %zu items x 3 rounds, %zu stolen\n", items, stolen);
    return 0;
}
