/* The parallel pool under ThreadSanitizer, on both I/O backends (CTest):
 * results in order and per-item failures, off the workers and from a task.
 * Includes sched_scenarios.h for the frame helpers. */
#include "../sched_scenarios.h"
#include "rt_pool.h"

static void body(void *ctx, int64_t lo, int64_t hi, int32_t *status) {
    int64_t *out = ctx;
    for (int64_t i = lo; i < hi; i++) {
        out[i] = i * 3;
        if (status) status[i - lo] = i % 97 == 0;
    }
}

typedef struct InTask {
    Fr fr;
    int64_t *out;
    int32_t *st;
    int64_t failed;
} InTask;

static void in_task(void *p) {
    InTask *f = p;
    f->failed = rt_parallel_for(200000, 0, 0, body, f->out, f->st);
    FR_DONE(f);
}

static int check(const int64_t *out, const int32_t *st, int64_t failed) {
    for (int64_t i = 0; i < 200000; i++)
        if (out[i] != i * 3 || st[i] != (i % 97 == 0)) return 1;
    return failed != (200000 + 96) / 97;
}

int main(void) {
    int64_t *out = calloc(200000, sizeof *out);
    int32_t *st = calloc(200000, sizeof *st);
    int bad = check(out, st, rt_parallel_for(200000, 2, 100, body, out, st));
    memset(out, 0, 200000 * sizeof *out);
    InTask *f = fr_new(sizeof(InTask), in_task);
    f->out = out;
    f->st = st;
    RtTask *root;
    rt_run(2, f, &root);
    bad |= check(out, st, f->failed);
    rt_task_release(root);
    free(out);
    free(st);
    if (bad) fprintf(stderr, "tsan_pool: wrong results\n");
    else printf("tsan_pool: ok\n");
    return bad;
}
