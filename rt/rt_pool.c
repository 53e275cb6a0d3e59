/* The parallel pool (rt_pool.h): guided chunks of an index range taken by
 * the caller and by helper tasks on the other workers. */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_pool.h"
#include "rt_sched.h"

#define RT_PAR_CLOSED (1u << 31)

/* One parallel-for, shared by its caller and its helper tasks; freed by
 * whoever drops the last reference (a helper may start after the caller
 * returned: it finds the job closed and leaves). */
typedef struct RtParJob {
    _Atomic int64_t next; /* the first item no one has taken */
    int64_t n, grain;
    int64_t parts;        /* participants, for the chunk size */
    RtParRangeFn *fn;
    void *ctx;
    int32_t *status;
    _Atomic int64_t failed;
    _Atomic uint32_t active; /* helpers inside rt_par_work, | RT_PAR_CLOSED */
    _Atomic uint32_t refs;
} RtParJob;

typedef struct RtParHelper {
    RtCoroFrame h;
    RtParJob *job;
} RtParHelper;

static void rt_par_unref(RtParJob *j) {
    if (atomic_fetch_sub_explicit(&j->refs, 1, memory_order_acq_rel) == 1) rt_free(j);
}

static bool rt_par_take(RtParJob *j, int64_t *lo, int64_t *hi) {
    int64_t cur = atomic_load_explicit(&j->next, memory_order_relaxed);
    for (;;) {
        if (cur >= j->n) return false;
        int64_t rem = j->n - cur;
        int64_t c = rem / (2 * j->parts);
        if (c < j->grain) c = j->grain;
        if (c > rem) c = rem;
        if (atomic_compare_exchange_weak_explicit(&j->next, &cur, cur + c, memory_order_relaxed,
                                                  memory_order_relaxed)) {
            *lo = cur;
            *hi = cur + c;
            return true;
        }
    }
}

static void rt_par_work(RtParJob *j) {
    int64_t lo, hi;
    while (rt_par_take(j, &lo, &hi)) {
        if (!j->status) {
            j->fn(j->ctx, lo, hi, NULL);
            continue;
        }
        int32_t *st = j->status + lo;
        j->fn(j->ctx, lo, hi, st);
        int64_t bad = 0;
        for (int64_t i = 0; i < hi - lo; i++) bad += st[i] != 0;
        if (bad) atomic_fetch_add(&j->failed, bad);
    }
}

static void rt_par_helper_destroy(void *frame) { rt_frame_free(frame, sizeof(RtParHelper)); }

static void rt_par_helper_resume(void *frame) {
    RtParHelper *f = frame;
    RtParJob *j = f->job;
    if (!(atomic_fetch_add(&j->active, 1) & RT_PAR_CLOSED)) rt_par_work(j);
    atomic_fetch_sub(&j->active, 1);
    rt_par_unref(j);
    f->h.resume = NULL;
}

/* On a worker: spawn the helpers, work, close the job, wait for the helpers
 * still inside a chunk (never for one that has not started). */
static int64_t rt_par_on_worker(int64_t n, int workers, int64_t grain, RtParRangeFn *fn, void *ctx, int32_t *status) {
    int avail = rt_worker_count();
    int parts = workers > 0 && workers < avail ? workers : avail;
    if ((int64_t)parts > n) parts = (int)(n > 0 ? n : 1);
    if (grain <= 0) {
        grain = n / ((int64_t)parts * 64);
        if (grain < 1) grain = 1;
    }
    RtParJob *j = rt_alloc(sizeof *j);
    memset(j, 0, sizeof *j);
    j->n = n;
    j->grain = grain;
    j->parts = parts;
    j->fn = fn;
    j->ctx = ctx;
    j->status = status;
    atomic_init(&j->refs, (uint32_t)parts); /* the caller's and each helper's */
    for (int i = 1; i < parts; i++) {
        RtParHelper *h = rt_frame_alloc(sizeof *h);
        h->h.resume = rt_par_helper_resume;
        h->h.destroy = rt_par_helper_destroy;
        h->job = j;
        rt_task_release(rt_spawn(NULL, h, NULL));
    }
    rt_par_work(j);
    atomic_fetch_or(&j->active, RT_PAR_CLOSED);
    while (atomic_load_explicit(&j->active, memory_order_acquire) & ~RT_PAR_CLOSED) rt_cpu_relax();
    int64_t failed = atomic_load(&j->failed);
    rt_par_unref(j);
    return failed;
}

/* Off the workers: run the schedulers around one parallel-for. */
typedef struct RtParRoot {
    RtCoroFrame h;
    int64_t n, grain;
    int workers;
    RtParRangeFn *fn;
    void *ctx;
    int32_t *status;
    int64_t failed;
} RtParRoot;

static void rt_par_root_resume(void *frame) {
    RtParRoot *r = frame;
    r->failed = rt_par_on_worker(r->n, r->workers, r->grain, r->fn, r->ctx, r->status);
    r->h.resume = NULL;
}

static void rt_par_root_destroy(void *frame) { (void)frame; /* on the caller's stack */ }

int64_t rt_parallel_for(int64_t n, int workers, int64_t grain, RtParRangeFn *fn, void *ctx, int32_t *status) {
    if (n <= 0) return 0;
    if (rt_worker_current()) return rt_par_on_worker(n, workers, grain, fn, ctx, status);
    if (rt_sched_active()) { /* a thread beside running schedulers (a blocking helper): alone */
        RtParJob j = {.n = n, .grain = n, .parts = 1, .fn = fn, .ctx = ctx, .status = status};
        rt_par_work(&j);
        return atomic_load(&j.failed);
    }
    RtParRoot root = {.h = {rt_par_root_resume, rt_par_root_destroy},
                      .n = n, .grain = grain, .workers = workers, .fn = fn, .ctx = ctx, .status = status};
    rt_run(workers, &root, NULL);
    return root.failed;
}
