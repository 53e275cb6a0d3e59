/* Small-object pools: per-thread free lists of fixed-size blocks in 16-byte
 * size classes up to RT_POOL_MAX bytes, carved from mmap'd chunks. Class
 * objects, list and dict headers come from here; the generic allocator
 * (rt_alloc, malloc) serves everything else. */
#include "rt_internal.h"

#include <sys/mman.h>

/* Under valgrind every pool block is announced as a malloc-like block, so
 * memcheck still finds leaks, double frees and use-after-free of objects.
 * The header only defines client-request macros (no link dependency); when
 * it is missing the annotations compile to nothing. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define RT_HAVE_MEMCHECK 1
#endif
#endif
#ifndef RT_HAVE_MEMCHECK
#define VALGRIND_MALLOCLIKE_BLOCK(p, size, rz, zeroed) ((void)0)
#define VALGRIND_FREELIKE_BLOCK(p, rz) ((void)0)
#define VALGRIND_MAKE_MEM_NOACCESS(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)0)
#endif

#define RT_POOL_GRAIN 16
#define RT_POOL_CLASSES (RT_POOL_MAX / RT_POOL_GRAIN)
/* 256 KiB per refill: one mmap per ~8000 32-byte objects; untouched pages
 * of a chunk cost no memory. */
#define RT_POOL_CHUNK (256 * 1024)

typedef struct RtPoolFree {
    struct RtPoolFree *next;
} RtPoolFree;

typedef struct RtPool {
    RtPoolFree *free; /* blocks given back, most recent first */
    char *bump;       /* never-used tail of the current chunk */
    char *end;
} RtPool;

/* Per thread, so the fast paths take no lock. Chunks are never unmapped:
 * a block freed on another thread than the one that allocated it simply
 * joins the freeing thread's list, which stays valid for any thread. (The
 * lists of an exiting thread are lost; the scheduler's workers live for the
 * whole process.) */
static _Thread_local RtPool rt_pools[RT_POOL_CLASSES];

static void rt_pool_refill(RtPool *pool) {
    void *chunk = mmap(NULL, RT_POOL_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
    if (chunk == MAP_FAILED) rt_panic("out of memory", NULL);
    VALGRIND_MAKE_MEM_NOACCESS(chunk, RT_POOL_CHUNK);
    pool->bump = chunk;
    pool->end = (char *)chunk + RT_POOL_CHUNK;
}

void *rt_alloc_small(size_t size) {
    if (size > RT_POOL_MAX) return rt_alloc(size);
    size_t cls = size ? (size - 1) / RT_POOL_GRAIN : 0;
    size_t block = (cls + 1) * RT_POOL_GRAIN;
    RtPool *pool = &rt_pools[cls];
    void *p;
    RtPoolFree *f = pool->free;
    if (f) {
        VALGRIND_MAKE_MEM_DEFINED(f, sizeof *f);
        pool->free = f->next;
        VALGRIND_MAKE_MEM_NOACCESS(f, sizeof *f);
        p = f;
    } else {
        if ((size_t)(pool->end - pool->bump) < block) rt_pool_refill(pool);
        p = pool->bump;
        pool->bump += block;
    }
    VALGRIND_MALLOCLIKE_BLOCK(p, size ? size : 1, 0, 0);
    return p;
}

void rt_free_small(void *p, size_t size) {
    if (!p) return;
    if (size > RT_POOL_MAX) {
        rt_free(p);
        return;
    }
    size_t cls = size ? (size - 1) / RT_POOL_GRAIN : 0;
    RtPool *pool = &rt_pools[cls];
    VALGRIND_FREELIKE_BLOCK(p, 0);
    RtPoolFree *f = p;
    VALGRIND_MAKE_MEM_UNDEFINED(f, sizeof *f);
    f->next = pool->free;
    VALGRIND_MAKE_MEM_NOACCESS(f, sizeof *f);
    pool->free = f;
}
