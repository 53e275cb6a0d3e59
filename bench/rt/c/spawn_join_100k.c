/* spawn_join_100k: spawn 100,000 tasks returning i % 10, join all, sum
 * (450000). The body is in spawn_join.h. */
#include "spawn_join.h"

int main(void) {
    return spawn_join_main(100000);
}
