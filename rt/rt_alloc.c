/* Small-object pools: per-thread free lists of fixed-size blocks in 16-byte
 * size classes up to RT_POOL_MAX bytes, carved from mmap'd chunks (after
 * the first few, from bigger regions: rt_pool_chunk). Class
 * objects, list and dict headers come from here; the generic allocator
 * (rt_alloc, malloc) serves everything else. */
#include "rt_internal.h"

#include <pthread.h>
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

/* RT_POOL_CHUNK (rt_internal.h), 256 KiB per refill: one mmap per ~8000
 * 32-byte objects; untouched pages of a chunk cost no memory. */

/* Per thread, so the fast paths take no lock. Chunks are never unmapped.
 * A block freed on another thread than the one whose chunk it is goes back
 * to that thread's owner record (rt_pool_free_remote), which the owner
 * drains when its own list is empty. */
_Thread_local RtPool rt_pools[RT_POOL_CLASSES];
_Thread_local RtPoolOwner *rt_pool_owner;
/* Owner records live in pages of their own (mapped, not malloc'd: they
 * are never freed, and a leak checker should not count them as the
 * program's). When a thread exits, its record, with everything the thread
 * held on its lists, waits on `rt_pool_orphans` for the next thread that
 * needs one: that thread then owns the old chunks too, so workers that
 * come and go (every off-worker parallel-for runs rt_run) reuse memory
 * instead of stranding it. */
static pthread_mutex_t rt_pool_orphan_lock = PTHREAD_MUTEX_INITIALIZER;
static RtPoolOwner *rt_pool_orphans;
static pthread_key_t rt_pool_key;
static pthread_once_t rt_pool_key_once = PTHREAD_ONCE_INIT;

/* Thread exit: hand the thread's lists to its record, and the record to
 * the orphans. */
static void rt_pool_thread_exit(void *arg) {
    RtPoolOwner *o = arg;
    for (size_t c = 0; c < RT_POOL_CLASSES; c++) {
        RtPoolFree *f = rt_pools[c].free;
        while (f) {
            RT_VG(VALGRIND_MAKE_MEM_DEFINED(f, sizeof *f));
            RtPoolFree *next = f->next;
            rt_pool_free_remote(o, f, c); /* every block on our lists is in our chunks */
            RT_VG(VALGRIND_MAKE_MEM_NOACCESS(f, sizeof *f));
            f = next;
        }
        rt_pools[c].free = NULL;
        rt_pools[c].bump = rt_pools[c].end = NULL;
    }
    rt_pool_owner = NULL;
    pthread_mutex_lock(&rt_pool_orphan_lock);
    o->next = rt_pool_orphans;
    rt_pool_orphans = o;
    pthread_mutex_unlock(&rt_pool_orphan_lock);
}

static void rt_pool_key_init(void) { pthread_key_create(&rt_pool_key, rt_pool_thread_exit); }

static RtPoolOwner *rt_pool_owner_get(void) {
    RtPoolOwner *o = rt_pool_owner;
    if (o) return o;
    pthread_mutex_lock(&rt_pool_orphan_lock);
    o = rt_pool_orphans;
    if (o) rt_pool_orphans = o->next;
    pthread_mutex_unlock(&rt_pool_orphan_lock);
    if (!o) {
        o = mmap(NULL, sizeof *o, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (o == MAP_FAILED) rt_panic("out of memory", NULL);
    }
    o->next = NULL;
    rt_pool_owner = o;
    pthread_once(&rt_pool_key_once, rt_pool_key_init);
    pthread_setspecific(rt_pool_key, o);
    return o;
}

void rt_pool_free_remote(RtPoolOwner *o, void *p, size_t cls) {
    RtPoolFree *f = p;
    RtPoolFree *head = atomic_load_explicit(&o->remote[cls], memory_order_relaxed);
    do f->next = head;
    while (!atomic_compare_exchange_weak_explicit(&o->remote[cls], &head, f, memory_order_release,
                                                  memory_order_relaxed));
}

/* `size` bytes (a multiple of RT_POOL_CHUNK) aligned to RT_POOL_CHUNK. */
static char *rt_pool_map(size_t size) {
    char *m = mmap(NULL, size + RT_POOL_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) rt_panic("out of memory", NULL);
    char *a = (char *)(((uintptr_t)m + RT_POOL_CHUNK - 1) & ~(uintptr_t)(RT_POOL_CHUNK - 1));
    if (a > m) munmap(m, (size_t)(a - m));
    char *end = a + size, *mend = m + size + RT_POOL_CHUNK;
    if (end < mend) munmap(end, (size_t)(mend - end));
    return a;
}

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
        rt_region.taken += RT_POOL_CHUNK;
        return rt_pool_map(RT_POOL_CHUNK);
    }
    if (rt_region.next == rt_region.end) {
        char *m = rt_pool_map(RT_REGION);
        rt_region.next = m;
        rt_region.end = m + RT_REGION;
    }
    void *chunk = rt_region.next;
    rt_region.next += RT_POOL_CHUNK;
    rt_region.taken += RT_POOL_CHUNK;
    return chunk;
}

static void rt_pool_refill(RtPool *pool) {
    char *chunk = rt_pool_chunk();
    *(RtPoolOwner **)chunk = rt_pool_owner_get();
    atomic_store_explicit(&rt_pool_vg, rt_pool_vg_wanted(), memory_order_relaxed);
    RT_VG(VALGRIND_MAKE_MEM_NOACCESS(chunk + RT_CHUNK_HDR, RT_POOL_CHUNK - RT_CHUNK_HDR));
    pool->bump = chunk + RT_CHUNK_HDR;
    pool->end = chunk + RT_POOL_CHUNK;
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
    } else if ((f = atomic_exchange_explicit(&rt_pool_owner_get()->remote[cls], NULL, memory_order_acquire))) {
        /* Blocks other threads gave back: they become the local list. */
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
    RtPoolOwner *o = rt_pool_owner_of(p);
    if (o != rt_pool_owner) {
        VALGRIND_MAKE_MEM_UNDEFINED(p, sizeof(RtPoolFree));
        rt_pool_free_remote(o, p, (size_t)(pool - rt_pools));
        VALGRIND_MAKE_MEM_NOACCESS(p, sizeof(RtPoolFree));
        return;
    }
    RtPoolFree *f = p;
    VALGRIND_MAKE_MEM_UNDEFINED(f, sizeof *f);
    f->next = pool->free;
    VALGRIND_MAKE_MEM_NOACCESS(f, sizeof *f);
    pool->free = f;
}

void rt_free_small(void *p, size_t size) {
    if (p) rt_pool_free(p, size);
}
