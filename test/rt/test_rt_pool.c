/* The parallel pool (rt/rt_pool.h): results in order, per-item failures,
 * bounded worker counts, from inside tasks and from plain threads. CTest
 * runs this suite on both I/O backends (it includes sched_scenarios.h). */
#include <criterion/criterion.h>

#include "rt_pool.h"
#include "sched_scenarios.h"

typedef struct Sq {
    const int64_t *in;
    int64_t *out;
    _Atomic int *ran_on;
    int64_t fail_mod; /* items i % fail_mod == 7 fail (0: none) */
    bool wait_for_two; /* each chunk waits (at most 5 s) until two workers took chunks */
} Sq;

static void square(void *ctx, int64_t lo, int64_t hi, int32_t *status) {
    Sq *s = ctx;
    RtWorker *w = rt_worker_current();
    if (s->ran_on && w) atomic_fetch_add(&s->ran_on[rt_worker_id(w)], 1);
    for (uint64_t t0 = rt_now_ns(); s->wait_for_two && rt_now_ns() - t0 < 5000000000ull;) {
        int used = 0;
        for (int i = 0; i < 64; i++) used += atomic_load(&s->ran_on[i]) > 0;
        if (used >= 2) break;
    }
    for (int64_t i = lo; i < hi; i++) {
        if (s->fail_mod && i % s->fail_mod == 7) {
            status[i - lo] = 1;
            continue;
        }
        s->out[i] = s->in[i] * s->in[i] + 1;
        if (status) status[i - lo] = 0;
    }
}

static int64_t *iota(int64_t n) {
    int64_t *v = malloc(sizeof *v * (size_t)n);
    for (int64_t i = 0; i < n; i++) v[i] = i - n / 2;
    return v;
}

static void check_squares(const int64_t *in, const int64_t *out, int64_t n, int64_t fail_mod) {
    for (int64_t i = 0; i < n; i++) {
        if (fail_mod && i % fail_mod == 7) continue;
        cr_assert_eq(out[i], in[i] * in[i] + 1, "item %lld", (long long)i);
    }
}

Test(pool, map_in_order_off_workers) {
    int64_t n = 1000000;
    int64_t *in = iota(n), *out = calloc((size_t)n, sizeof *out);
    _Atomic int ran[64] = {0};
    Sq s = {in, out, ran, 0};
    cr_assert_eq(rt_parallel_for(n, 0, 0, square, &s, NULL), 0);
    check_squares(in, out, n, 0);
    free(in);
    free(out);
}

Test(pool, spreads_over_workers) {
    int64_t n = 4000000;
    int64_t *in = iota(n), *out = calloc((size_t)n, sizeof *out);
    _Atomic int ran[64] = {0};
    Sq s = {in, out, ran, 0, true};
    rt_parallel_for(n, 4, 1000, square, &s, NULL);
    check_squares(in, out, n, 0);
    int used = 0;
    for (int i = 0; i < 64; i++) used += atomic_load(&ran[i]) > 0;
    cr_assert(used >= 2, "only %d worker(s) took chunks", used);
    free(in);
    free(out);
}

Test(pool, failures_are_per_item) {
    int64_t n = 100000;
    int64_t *in = iota(n), *out = calloc((size_t)n, sizeof *out);
    int32_t *st = malloc(sizeof *st * (size_t)n);
    Sq s = {in, out, NULL, 1000};
    int64_t failed = rt_parallel_for(n, 2, 0, square, &s, st);
    cr_assert_eq(failed, n / 1000);
    for (int64_t i = 0; i < n; i++) cr_assert_eq(st[i] != 0, i % 1000 == 7);
    check_squares(in, out, n, 1000);
    free(in);
    free(out);
    free(st);
}

Test(pool, one_worker_pool) {
    int64_t n = 50000;
    int64_t *in = iota(n), *out = calloc((size_t)n, sizeof *out);
    _Atomic int ran[64] = {0};
    Sq s = {in, out, ran, 0};
    rt_parallel_for(n, 1, 0, square, &s, NULL);
    check_squares(in, out, n, 0);
    int used = 0;
    for (int i = 0; i < 64; i++) used += atomic_load(&ran[i]) > 0;
    cr_assert_eq(used, 1);
    free(in);
    free(out);
}

Test(pool, tiny_and_empty_ranges) {
    int64_t in[3] = {1, 2, 3}, out[3] = {0};
    Sq s = {in, out, NULL, 0};
    cr_assert_eq(rt_parallel_for(0, 0, 0, square, &s, NULL), 0);
    rt_parallel_for(3, 8, 0, square, &s, NULL);
    check_squares(in, out, 3, 0);
}

/* From inside a task: the helpers are tasks on the running workers. */
typedef struct InTask {
    Fr fr;
    Sq s;
    int64_t n, failed;
} InTask;

static void in_task_resume(void *p) {
    InTask *f = p;
    f->failed = rt_parallel_for(f->n, 0, 0, square, &f->s, NULL);
    FR_DONE(f);
}

Test(pool, inside_a_task) {
    int64_t n = 2000000;
    int64_t *in = iota(n), *out = calloc((size_t)n, sizeof *out);
    InTask *f = fr_new(sizeof(InTask), in_task_resume);
    f->s = (Sq){in, out, NULL, 0};
    f->n = n;
    RtTask *root;
    rt_run(2, f, &root);
    cr_assert_eq(f->failed, 0);
    rt_task_release(root);
    check_squares(in, out, n, 0);
    free(in);
    free(out);
}
