/* The parallel pool (rt_pool.c): parallel-for over an index range on the
 * schedulers' workers, the library behind `sifr.parallel`.
 * docs/design/runtime.md, "The parallel pool". */
#ifndef SIFR_RT_POOL_H
#define SIFR_RT_POOL_H

#include <stdint.h>

/* Runs items [lo, hi) and stores each item's status in status[i - base]
 * (0: done; anything else: that item failed, the others go on). The caller
 * writes results into its own array by index, so results come out in
 * input order. */
typedef void RtParRangeFn(void *ctx, int64_t lo, int64_t hi, int32_t *status);

/* Run fn over [0, n) on at most `workers` workers (0: every worker), the
 * calling thread taking part; returns when every item has run, with the
 * number of failed items. `status` (n entries, or NULL when fn never fails)
 * receives each item's status.
 *
 * Inside tasks (on a worker) the helpers are tasks on the same workers;
 * elsewhere the call runs the schedulers for its duration. Chunks are
 * adaptive ("guided"): each participant takes remaining / (2 x
 * participants) items at a time, never fewer than `grain` (0: chosen from n),
 * so early chunks are big (little overhead) and late ones small (balance). */
int64_t rt_parallel_for(int64_t n, int workers, int64_t grain, RtParRangeFn *fn, void *ctx, int32_t *status);

#endif
