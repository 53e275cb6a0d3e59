/* spawn_join_1m: spawn 1,000,000 tasks returning i % 10, join all, sum
 * (4500000). The body is in spawn_join.h. */
#include "spawn_join.h"

int main(void) {
    return spawn_join_main(1000000);
}
