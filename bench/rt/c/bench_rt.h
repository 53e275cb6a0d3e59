/* Helpers shared by the C runtime benchmarks (bench/rt/c/NAME.c): task
 * frames on the coroutine frame ABI (rt_task.h) and the root's run.
 * docs/benchmarks.md, "Runtime benchmarks (bench/rt)", describes the work of
 * each benchmark; the bodies do the same work as bench/rt/go and
 * bench/rt/tokio.
 *
 * Task bodies are hand-written state machines, the way the compiler's async
 * lowering drives the runtime (test/rt/sched_scenarios.h): `pc` records where
 * the body suspended, each resume continues there; a body that finishes sets
 * the resume function to NULL (FR_DONE).
 *
 * BENCH_RT_STATS=1 in the environment prints the scheduler's counters
 * (rt_sched_stats) and the benchmark's own observations to stderr. */
#ifndef BENCH_RT_H
#define BENCH_RT_H

/* liburing.h (through rt_poll.h) needs the POSIX and GNU declarations even
 * under -std=c17; include this header first. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_cframe.h" /* Fr, fr_new, FR_DONE, FR_OUT, FR_SUSPEND */
#include "rt_poll.h"   /* rt_now_ns */
#include "rt_sched.h"
#include "rt_sync.h"
#include "sifr_rt.h"

/* A runtime operation returned something a benchmark never expects. */
static _Noreturn void bench_fail(const char *what, int r) {
    fprintf(stderr, "bench: %s returned %d\n", what, r);
    abort();
}

static bool bench_stats_wanted(void) {
    const char *s = getenv("BENCH_RT_STATS");
    return s && *s && strcmp(s, "0") != 0;
}

/* Run `root` (a frame from fr_new) on `workers` workers (0: one per usable
 * core) and return its result; print the scheduler's counters to stderr when
 * BENCH_RT_STATS is set. */
static uint64_t bench_run(int workers, void *root) {
    RtTask *t;
    int st = rt_run(workers, root, &t);
    if (st != RT_TASK_OK) bench_fail("rt_run (root status)", st);
    uint64_t out = FR_OUT(t);
    rt_task_release(t);
    if (bench_stats_wanted()) {
        RtSchedStats s = rt_sched_stats();
        fprintf(stderr,
                "stats: workers %d, tasks_run %" PRIu64 ", steals %" PRIu64 ", parks %" PRIu64
                ", enters %" PRIu64 ", wakeups %" PRIu64 "\n",
                rt_worker_count(), s.tasks_run, s.steals, s.parks, s.enters, s.wakeups);
    }
    return out;
}

#endif
