/* Coroutine frames: rt_frame_alloc / rt_frame_free across the size classes,
 * reuse through the per-thread caches, frames freed on another thread, and
 * hand-written state machines that follow the frame ABI of rt_task.h (resume
 * at 0, destroy at 8, promise at 16, NULL resume when done) driven the way
 * the scheduler drives compiled coroutines. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "rt_task.h"
#include "sifr_rt.h"

static const size_t sizes[] = {1, 16, 24, 255, 256, 257, 300, 320, 1000, 4096, 8191, 8192, 8193, 100000};

Test(rt_task, frames_of_every_size_are_aligned_and_writable) {
    void *frames[sizeof sizes / sizeof sizes[0]];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        frames[i] = rt_frame_alloc(sizes[i]);
        cr_assert_not_null(frames[i]);
        cr_assert_eq((uintptr_t)frames[i] % 16, 0, "frame of %zu bytes is 16-byte aligned", sizes[i]);
        memset(frames[i], (int)i, sizes[i]);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = frames[i];
        for (size_t k = 0; k < sizes[i]; k++) cr_assert_eq(p[k], (unsigned char)i, "frames do not overlap");
        rt_frame_free(frames[i], sizes[i]);
    }
    rt_frame_cache_release();
}

Test(rt_task, a_freed_frame_is_reused_by_its_class) {
    void *a = rt_frame_alloc(600);
    rt_frame_free(a, 600);
    void *b = rt_frame_alloc(590); /* the same 64-byte class */
    cr_assert_eq(a, b, "the cached frame comes back");
    void *c = rt_frame_alloc(600);
    cr_assert_neq(b, c);
    rt_frame_free(b, 590);
    rt_frame_free(c, 600);
    rt_frame_cache_release();
}

Test(rt_task, the_cache_keeps_a_bounded_number_of_frames) {
    enum { N = 1000 };
    static void *f[N];
    for (int i = 0; i < N; i++) f[i] = rt_frame_alloc(2000);
    for (int i = 0; i < N; i++) rt_frame_free(f[i], 2000);
    /* the frames beyond the cache went back to the system: valgrind sees no
     * leak after the release either way; reallocating them all works */
    for (int i = 0; i < N; i++) f[i] = rt_frame_alloc(2000);
    for (int i = 0; i < N; i++) rt_frame_free(f[i], 2000);
    rt_frame_cache_release();
}

static void *alloc_many(void *arg) {
    void **out = arg;
    for (int i = 0; i < 100; i++) out[i] = rt_frame_alloc(512 + (size_t)i * 8);
    return NULL;
}

Test(rt_task, a_frame_may_be_freed_on_another_thread) {
    void *frames[100];
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, alloc_many, frames), 0);
    cr_assert_eq(pthread_join(t, NULL), 0);
    for (int i = 0; i < 100; i++) rt_frame_free(frames[i], 512 + (size_t)i * 8);
    rt_frame_cache_release();
}

/* Small frames freed by another thread go back to the thread that
 * allocated them: a spawner's memory does not pile up on the worker that
 * finishes its tasks. */
#define DRIFT_N 100000
static void *free_all(void *arg) {
    void **frames = arg;
    for (int i = 0; i < DRIFT_N; i++) rt_frame_free(frames[i], 48);
    return NULL;
}

static void *alloc_all(void *arg) {
    void **frames = arg;
    for (int i = 0; i < DRIFT_N; i++) frames[i] = rt_frame_alloc(48);
    return NULL;
}

static void on_thread(void *(*fn)(void *), void **frames) {
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, fn, frames), 0);
    cr_assert_eq(pthread_join(t, NULL), 0);
}

static int cmp_ptr(const void *a, const void *b) {
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* How many of `again` were among `first` (both DRIFT_N frames); frees
 * `again`. */
static int count_reused(void **first_sorted, void **again) {
    int reused = 0;
    for (int i = 0; i < DRIFT_N; i++) {
        reused += bsearch(&again[i], first_sorted, DRIFT_N, sizeof *again, cmp_ptr) != NULL;
        rt_frame_free(again[i], 48);
    }
    return reused;
}

static void **sorted_copy(void **frames) {
    void **sorted = malloc(sizeof *sorted * DRIFT_N);
    memcpy(sorted, frames, sizeof *sorted * DRIFT_N);
    qsort(sorted, DRIFT_N, sizeof *sorted, cmp_ptr);
    return sorted;
}

Test(rt_task, frames_freed_on_another_thread_return_to_their_owner) {
    void **first = malloc(sizeof *first * DRIFT_N), **again = malloc(sizeof *again * DRIFT_N);
    alloc_all(first);
    void **sorted = sorted_copy(first);
    on_thread(free_all, first);
    /* What is left of the current chunk comes first, then the blocks the
     * other thread gave back. */
    alloc_all(again);
    int reused = count_reused(sorted, again);
    cr_assert_geq(reused, DRIFT_N * 9 / 10, "only %d of %d blocks were reused", reused, DRIFT_N);
    free(first);
    free(again);
    free(sorted);
}

/* A thread that exits leaves its blocks to the next thread that needs
 * them (workers come and go with every rt_run). */
Test(rt_task, an_exited_threads_blocks_go_to_the_next_thread) {
    void **first = malloc(sizeof *first * DRIFT_N), **again = malloc(sizeof *again * DRIFT_N);
    on_thread(alloc_all, first);
    void **sorted = sorted_copy(first);
    free_all(first); /* their owner has gone */
    on_thread(alloc_all, again);
    int reused = count_reused(sorted, again);
    cr_assert_geq(reused, DRIFT_N * 9 / 10, "only %d of %d blocks were reused", reused, DRIFT_N);
    free(first);
    free(again);
    free(sorted);
}

/* ---- a hand-written coroutine following the frame ABI -------------------- */

/* `async def count(n): for i in range(n): total += i; await <suspend>` with
 * the promise holding its result. */
typedef struct CountPromise {
    int64_t result;
    int done_destroyed;
} CountPromise;

typedef struct CountFrame {
    RtCoroFrame hdr;
    CountPromise promise; /* offset 16 */
    int state;
    int64_t n, i, total;
    int *destroyed; /* where the test sees the cleanup run */
} CountFrame;

_Static_assert(offsetof(CountFrame, promise) == 16, "the promise at offset 16");

static void count_destroy(void *frame) {
    CountFrame *f = frame;
    (*f->destroyed)++;
    rt_frame_free(f, sizeof *f);
}

static void count_resume(void *frame) {
    CountFrame *f = frame;
    switch (f->state) {
    case 0: f->i = 0; /* fall through: the loop head */
    case 1:
        if (f->i < f->n) {
            f->total += f->i;
            f->i++;
            f->state = 1;
            return; /* suspended */
        }
        f->promise.result = f->total;
        f->hdr.resume = NULL; /* final suspend: done */
        return;
    }
}

static CountFrame *count_start(int64_t n, int *destroyed) {
    CountFrame *f = rt_frame_alloc(sizeof *f);
    memset(f, 0, sizeof *f);
    f->hdr.resume = count_resume;
    f->hdr.destroy = count_destroy;
    f->n = n;
    f->destroyed = destroyed;
    return f;
}

Test(rt_task, a_state_machine_runs_to_its_final_suspension) {
    int destroyed = 0;
    CountFrame *f = count_start(10, &destroyed);
    int steps = 0;
    while (!rt_coro_done(f)) {
        rt_coro_resume(f);
        steps++;
    }
    cr_assert_eq(steps, 11, "ten suspensions, then the end");
    cr_assert_eq(((CountPromise *)rt_coro_promise(f))->result, 45);
    rt_coro_destroy(f);
    cr_assert_eq(destroyed, 1);
    rt_frame_cache_release();
}

Test(rt_task, a_suspended_state_machine_can_be_destroyed) {
    /* cancellation: destroy runs the cleanup without finishing the body */
    int destroyed = 0;
    CountFrame *f = count_start(1000, &destroyed);
    rt_coro_resume(f);
    rt_coro_resume(f);
    cr_assert_not(rt_coro_done(f));
    rt_coro_destroy(f);
    cr_assert_eq(destroyed, 1);
    rt_frame_cache_release();
}

Test(rt_task, many_frames_round_robin) {
    /* 10k coroutines interleaved step by step, as a run queue would */
    enum { N = 10000 };
    static CountFrame *fs[N];
    int destroyed = 0;
    for (int i = 0; i < N; i++) fs[i] = count_start(i % 7, &destroyed);
    int live = N;
    while (live) {
        live = 0;
        for (int i = 0; i < N; i++) {
            if (!fs[i] || rt_coro_done(fs[i])) continue;
            rt_coro_resume(fs[i]);
            live++;
        }
    }
    for (int i = 0; i < N; i++) {
        int64_t n = i % 7;
        cr_assert_eq(fs[i]->promise.result, n * (n - 1) / 2);
        rt_coro_destroy(fs[i]);
    }
    cr_assert_eq(destroyed, N);
    rt_frame_cache_release();
}
