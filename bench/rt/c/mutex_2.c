/* mutex_2: 2 tasks x 5000000 increments of one counter under the
 * runtime's Lock: 10000000. The body is in mutex.h. */
#include "mutex.h"

int main(void) {
    return mutex_main(2);
}
