/* parallel_map_10m: out[i] = in[i]*in[i] + 1 (wrapping u64) over 10M ints on
 * the parallel pool (rt_parallel_for), then the wrapping sum of out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt_pool.h"
#include "sifr_rt.h"

#define N 10000000

typedef struct Map {
    const uint64_t *in;
    uint64_t *out;
} Map;

static void square(void *ctx, int64_t lo, int64_t hi, int32_t *status) {
    (void)status;
    Map *m = ctx;
    for (int64_t i = lo; i < hi; i++) m->out[i] = m->in[i] * m->in[i] + 1;
}

int main(void) {
    /* rt_alloc, as a Sifr list of 10M ints would be allocated */
    uint64_t *in = rt_alloc(sizeof *in * N), *out = rt_alloc(sizeof *out * N);
    for (uint64_t i = 0; i < N; i++) in[i] = i;
    Map m = {in, out};
    rt_parallel_for(N, 0, 0, square, &m, NULL);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < N; i++) sum += out[i];
    printf("%" PRIu64 "\n", sum);
    rt_free(in);
    rt_free(out);
    return 0;
}
