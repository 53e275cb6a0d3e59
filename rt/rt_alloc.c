/* Small-object pools: per-thread free lists of fixed-size blocks in 16-byte
 * size classes up to RT_POOL_MAX bytes, carved from mmap'd chunks (after
 * the first few, from bigger regions: rt_pool_chunk). Class
 * objects, list and dict headers come from here; the generic allocator
 * (rt_alloc, malloc) serves everything else. */
#include "rt_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
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
#define RUNNING_ON_VALGRIND 0
#define VALGRIND_MALLOCLIKE_BLOCK(p, size, rz, zeroed) ((void)0)
#define VALGRIND_FREELIKE_BLOCK(p, rz) ((void)0)
#define VALGRIND_MAKE_MEM_NOACCESS(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)0)
#endif

/* A client request costs a dozen instructions even outside valgrind, and
 * three of them per allocation would double the price of the fast paths
 * (strings use them for every word of a text). So they are issued only
 * under a valgrind tool that tracks heap blocks: those are the ones that
 * preload their own malloc replacement (vgpreload_memcheck, _helgrind,
 * _drd, _massif, _dhat); the profilers (callgrind, cachegrind) preload only
 * the core and must not count annotation work as the program's. The first
 * chunk refill decides once; every pool block is allocated after some
 * refill, so the flag is set before any annotation could be due. Relaxed
 * atomics: all threads store the same value. */
_Atomic int rt_pool_vg;

static int rt_pool_vg_wanted(void) {
    if (!RUNNING_ON_VALGRIND) return 0;
    const char *pre = getenv("LD_PRELOAD");
    static const char *const tools[] = {"vgpreload_memcheck", "vgpreload_helgrind", "vgpreload_drd",
                                        "vgpreload_massif", "vgpreload_dhat"};
    for (size_t i = 0; pre && i < sizeof tools / sizeof tools[0]; i++)
        if (strstr(pre, tools[i])) return 1;
    return 0;
}
#define RT_VG(request)                                                   \
    do {                                                                 \
        if (atomic_load_explicit(&rt_pool_vg, memory_order_relaxed)) {   \
            request;                                                     \
        }                                                                \
    } while (0)

/* 256 KiB per refill: one mmap per ~8000 32-byte objects; untouched pages
 * of a chunk cost no memory. */
#define RT_POOL_CHUNK (256 * 1024)


/* Per thread, so the fast paths take no lock. Chunks are never unmapped:
 * a block freed on another thread than the one that allocated it simply
 * joins the freeing thread's list, which stays valid for any thread. (The
 * lists of an exiting thread are lost; the scheduler's workers live for the
 * whole process.) */
_Thread_local RtPool rt_pools[RT_POOL_CLASSES];

/* Chunks come from per-thread regions of RT_REGION bytes once the thread
 * has taken RT_REGION_AFTER bytes of chunks: one mmap per 4 MiB instead of
 * one per 256 KiB. The regions are not advised as transparent huge pages:
 * that halved the page faults of a burst of a million tasks, but when the
 * kernel had to compact memory to find huge pages, a third of the runs
 * stalled for 200 to 300 ms in the faults (docs/design/runtime.md). */
#define RT_REGION (4u << 20)
#define RT_REGION_AFTER (2u << 20)

static _Thread_local struct {
    char *next, *end;
    size_t taken;
} rt_region;

static void *rt_pool_chunk(void) {
    if (rt_region.taken < RT_REGION_AFTER) {
        void *chunk = mmap(NULL, RT_POOL_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                           -1, 0);
        if (chunk == MAP_FAILED) rt_panic("out of memory", NULL);
        rt_region.taken += RT_POOL_CHUNK;
        return chunk;
    }
    if (rt_region.next == rt_region.end) {
        char *m = mmap(NULL, RT_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) rt_panic("out of memory", NULL);
        rt_region.next = m;
        rt_region.end = m + RT_REGION;
    }
    void *chunk = rt_region.next;
    rt_region.next += RT_POOL_CHUNK;
    rt_region.taken += RT_POOL_CHUNK;
    return chunk;
}

static void rt_pool_refill(RtPool *pool) {
    void *chunk = rt_pool_chunk();
    atomic_store_explicit(&rt_pool_vg, rt_pool_vg_wanted(), memory_order_relaxed);
    RT_VG(VALGRIND_MAKE_MEM_NOACCESS(chunk, RT_POOL_CHUNK));
    pool->bump = chunk;
    pool->end = (char *)chunk + RT_POOL_CHUNK;
}

/* Everything but a free-list pop or a bump within the chunk (the inline
 * rt_pool_alloc in rt_internal.h): refills, and every allocation under
 * valgrind, with its annotations. */
__attribute__((noinline)) void *rt_alloc_small_slow(RtPool *pool, size_t size, size_t cls) {
    size_t block = (cls + 1) * RT_POOL_GRAIN;
    void *p;
    RtPoolFree *f = pool->free;
    if (f) {
        RT_VG(VALGRIND_MAKE_MEM_DEFINED(f, sizeof *f));
        pool->free = f->next;
        RT_VG(VALGRIND_MAKE_MEM_NOACCESS(f, sizeof *f));
        p = f;
    } else {
        if ((size_t)(pool->end - pool->bump) < block) rt_pool_refill(pool);
        p = pool->bump;
        pool->bump += block;
    }
    RT_VG(VALGRIND_MALLOCLIKE_BLOCK(p, size ? size : 1, 0, 0));
    return p;
}

void *rt_alloc_small(size_t size) { return rt_pool_alloc(size); }

__attribute__((noinline)) void rt_free_small_annotated(RtPool *pool, void *p) {
    VALGRIND_FREELIKE_BLOCK(p, 0);
    RtPoolFree *f = p;
    VALGRIND_MAKE_MEM_UNDEFINED(f, sizeof *f);
    f->next = pool->free;
    VALGRIND_MAKE_MEM_NOACCESS(f, sizeof *f);
    pool->free = f;
}

void rt_free_small(void *p, size_t size) {
    if (p) rt_pool_free(p, size);
}
