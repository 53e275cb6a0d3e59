/* pingpong_cross: 100,000 round trips between two tasks over capacity-1
 * channels on two workers: 5000050000. Both sides are spawned from the root;
 * the scheduler decides where they run (BENCH_RT_STATS=1 shows how often the
 * two sides were on different workers). The body is in pingpong.h. */
#include "pingpong.h"

int main(void) {
    return pingpong_main(2, 100000);
}
