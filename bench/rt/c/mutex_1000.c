/* mutex_1000: 1000 tasks x 10000 increments of one counter under the
 * runtime's Lock: 10000000. The body is in mutex.h. */
#include "mutex.h"

int main(void) {
    return mutex_main(1000);
}
