/* Coroutine frames written by hand in C: the state machines with which the
 * runtime's tests and benchmarks drive the scheduler the way the compiler's
 * async lowering does (rt_task.h has the frame ABI). A body is a resume
 * function over a struct that starts with Fr: `pc` records where it
 * suspended, each resume continues there, and a finished body sets its
 * resume function to NULL (FR_DONE). `out` is its result (its "promise"),
 * read by whoever joins the task (FR_OUT). Not used by compiled programs. */
#ifndef SIFR_RT_CFRAME_H
#define SIFR_RT_CFRAME_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_sched.h"
#include "rt_task.h"
#include "sifr_rt.h"

typedef struct Fr {
    RtCoroFrame h;
    size_t size;
    int pc;
    int64_t out;                    /* the body's result */
    void (*cleanup)(struct Fr *f);  /* run when destroyed while suspended (may be NULL) */
} Fr;

static inline void fr_destroy(void *p) {
    Fr *f = p;
    if (f->h.resume && f->cleanup) f->cleanup(f);
    rt_frame_free(f, f->size);
}

/* A zeroed frame of `size` bytes (a struct starting with Fr) resuming at
 * `resume`, pc 0. */
static inline void *fr_new(size_t size, void (*resume)(void *)) {
    Fr *f = rt_frame_alloc(size);
    memset(f, 0, size);
    f->h.resume = resume;
    f->h.destroy = fr_destroy;
    f->size = size;
    return f;
}

#define FR_DONE(f) (((Fr *)(f))->h.resume = NULL)
#define FR_OUT(task) (((Fr *)(task)->frame)->out)
/* Suspend at point `n`: record it and return from the resume function. */
#define FR_SUSPEND(f, n)       \
    do {                       \
        ((Fr *)(f))->pc = (n); \
        return;                \
    } while (0)

/* Children spawned into `scope` (handles in `kids`, malloc'd), joined in
 * order: a part of a root frame. fr_join_all adds each child's FR_OUT to
 * `sum` and releases it, then joins the scope; false means suspend and call
 * again when resumed; true: every child is done, the scope is finished and
 * `kids` is freed. */
typedef struct FrJoinAll {
    RtScope scope;
    RtTask **kids;
    uint64_t n, i;
    int64_t sum;
} FrJoinAll;

static inline bool fr_join_all(FrJoinAll *j, RtTask *me) {
    while (j->i < j->n) {
        if (!rt_join_begin(me, j->kids[j->i])) return false;
        j->sum += FR_OUT(j->kids[j->i]);
        rt_task_release(j->kids[j->i]);
        j->i++;
    }
    if (!rt_scope_join_begin(&j->scope, me)) return false;
    rt_scope_fini(&j->scope);
    free(j->kids);
    j->kids = NULL;
    return true;
}

#endif
