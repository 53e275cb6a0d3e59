/* The coroutine frame ABI shared by generated async code and the scheduler
 * (docs/design/runtime.md, "Tasks"): LLVM's switched-resume frames with the
 * resume function at offset 0 (NULL once the coroutine is done), the destroy
 * function at 8 and the promise at 16. Runtime-internal; generated code only
 * calls rt_frame_alloc / rt_frame_free (sifr_rt.h). */
#ifndef SIFR_RT_TASK_H
#define SIFR_RT_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct RtCoroFrame {
    void (*resume)(void *frame);  /* NULL when the coroutine has finished */
    void (*destroy)(void *frame); /* runs the cleanup of its live locals and frees the frame */
    /* the promise follows at offset 16 */
} RtCoroFrame;

_Static_assert(offsetof(RtCoroFrame, resume) == 0, "resume at offset 0");
_Static_assert(offsetof(RtCoroFrame, destroy) == 8, "destroy at offset 8");
_Static_assert(sizeof(RtCoroFrame) == 16, "the promise at offset 16");

static inline RtCoroFrame *rt_coro(void *frame) { return (RtCoroFrame *)frame; }
static inline bool rt_coro_done(const void *frame) { return ((const RtCoroFrame *)frame)->resume == NULL; }
static inline void *rt_coro_promise(void *frame) { return (char *)frame + sizeof(RtCoroFrame); }

/* Resume a suspended coroutine until its next suspension point (or its end). */
static inline void rt_coro_resume(void *frame) { ((RtCoroFrame *)frame)->resume(frame); }
/* Destroy a suspended or finished coroutine: its cleanup runs, its frame is freed. */
static inline void rt_coro_destroy(void *frame) { ((RtCoroFrame *)frame)->destroy(frame); }

/* Return the calling thread's cached free frames to the system (a worker
 * thread calls it when it stops; tests call it before checking leaks). */
void rt_frame_cache_release(void);

#endif
