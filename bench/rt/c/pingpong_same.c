/* pingpong_same: 1,000,000 round trips between two tasks over capacity-1
 * channels on one worker (bench/rt/run adds taskset -c 0; the peers use
 * tokio's current_thread runtime and GOMAXPROCS=1): 500000500000. The body
 * is in pingpong.h. */
#include "pingpong.h"

int main(void) {
    return pingpong_main(1, 1000000);
}
