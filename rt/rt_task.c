/* Coroutine frames: rt_frame_alloc / rt_frame_free, the allocator LLVM's
 * coro.alloc / coro.free call for every async call. Small frames come from
 * the size-class pools; larger ones from per-thread caches by size class, so
 * a task that spawns and joins children reuses their frames without malloc. */
#include <stdlib.h>

#include "rt_internal.h"
#include "rt_task.h"
#include "sifr_rt.h"

/* Frames above the pools' limit: classes of RT_FRAME_GRAIN bytes up to
 * RT_FRAME_MAX, each a singly linked cache of at most RT_FRAME_KEEP frames
 * per thread (more would only hold memory a burst left behind). */
#define RT_FRAME_GRAIN 64
#define RT_FRAME_MAX 8192
#define RT_FRAME_CLASSES ((RT_FRAME_MAX - RT_POOL_MAX) / RT_FRAME_GRAIN)
#define RT_FRAME_KEEP 64

typedef struct RtFreeFrame {
    struct RtFreeFrame *next;
} RtFreeFrame;

static _Thread_local struct {
    RtFreeFrame *head[RT_FRAME_CLASSES];
    uint32_t count[RT_FRAME_CLASSES];
} rt_frames;

/* The class of a frame of `size` bytes (RT_POOL_MAX < size <= RT_FRAME_MAX),
 * and the size every frame of that class is allocated with. */
static size_t rt_frame_class(size_t size) { return (size - RT_POOL_MAX - 1) / RT_FRAME_GRAIN; }
static size_t rt_frame_class_size(size_t cls) { return RT_POOL_MAX + (cls + 1) * RT_FRAME_GRAIN; }

void *rt_frame_alloc(size_t size) {
    if (size <= RT_POOL_MAX) return rt_pool_alloc(size ? size : 1);
    if (size > RT_FRAME_MAX) return rt_alloc(size);
    size_t cls = rt_frame_class(size);
    RtFreeFrame *f = rt_frames.head[cls];
    if (f) {
        rt_frames.head[cls] = f->next;
        rt_frames.count[cls]--;
        return f;
    }
    return rt_alloc(rt_frame_class_size(cls));
}

void rt_frame_free(void *frame, size_t size) {
    if (!frame) return;
    if (size <= RT_POOL_MAX) {
        rt_pool_free(frame, size ? size : 1);
        return;
    }
    if (size > RT_FRAME_MAX) {
        rt_free(frame);
        return;
    }
    size_t cls = rt_frame_class(size);
    if (rt_frames.count[cls] >= RT_FRAME_KEEP) {
        rt_free(frame);
        return;
    }
    RtFreeFrame *f = frame;
    f->next = rt_frames.head[cls];
    rt_frames.head[cls] = f;
    rt_frames.count[cls]++;
}

void rt_frame_cache_release(void) {
    for (size_t c = 0; c < RT_FRAME_CLASSES; c++) {
        while (rt_frames.head[c]) {
            RtFreeFrame *f = rt_frames.head[c];
            rt_frames.head[c] = f->next;
            rt_free(f);
        }
        rt_frames.count[c] = 0;
    }
}
