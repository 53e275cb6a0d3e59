/* bounded_1024: 10M ints from one producer to one consumer through a channel
 * of capacity 1024, summed: 49999995000000. The body is in bounded.h. */
#include "bounded.h"

int main(void) {
    return bounded_main(1024);
}
