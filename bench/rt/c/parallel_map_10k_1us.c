/* parallel_map_10k_1us: out[i] = work(i) for 10k items of about a
 * microsecond each on the parallel pool, in order; h = h*31 + out[i]. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt_pool.h"

#define N 10000

static __attribute__((noinline)) uint64_t work1us(uint64_t i) {
    uint64_t x = i * 0x9E3779B97F4A7C15ull | 1;
    for (int k = 0; k < 700; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void body(void *ctx, int64_t lo, int64_t hi, int32_t *status) {
    (void)status;
    uint64_t *out = ctx;
    for (int64_t i = lo; i < hi; i++) out[i] = work1us((uint64_t)i);
}

int main(void) {
    uint64_t *out = malloc(sizeof *out * N);
    rt_parallel_for(N, 0, 0, body, out, NULL);
    uint64_t h = 0;
    for (int i = 0; i < N; i++) h = h * 31 + out[i];
    printf("%" PRIu64 "\n", h);
    free(out);
    return 0;
}
