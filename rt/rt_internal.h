/* Declarations shared between the runtime's own files and never seen by
 * generated code: the stdout buffer, the stderr writer used by panics, and
 * small string builders. The public ABI lives in sifr_rt.h. */
#ifndef SIFR_RT_INTERNAL_H
#define SIFR_RT_INTERNAL_H

#include <stdatomic.h>
#include <string.h>

#include "sifr_rt.h"

/* Size of the stdout buffer; 64 KiB keeps the syscall count low for long
 * lines while staying small next to a worker's stack. */
#define RT_OUT_BUF_SIZE (64 * 1024)

/* A thread's stdout buffer (rt_print.c). */
typedef struct RtOut {
    size_t len;
    char buf[RT_OUT_BUF_SIZE];
} RtOut;
extern _Thread_local RtOut *rt_out_tl;
/* Flush and free the calling thread's buffer (the program's end: the main
 * thread's would otherwise stay allocated). Printing again allocates anew. */
void rt_out_release(void);
/* The scheduler calls it after each resume of a task: text the task left
 * without a newline is written before the task can continue on another
 * thread (which would otherwise print its next line first). */
static inline void rt_out_task_switch(void) {
    if (__builtin_expect(rt_out_tl != NULL && rt_out_tl->len != 0, 0)) rt_flush();
}

/* Exit status of a panicking process (SPEC section 1). */
#define RT_PANIC_STATUS 101

/* The argument vector saved by rt_init (for later `sys.argv`). */
int rt_argc(void);
char **rt_argv(void);

/* Write all of buf to fd, retrying on EINTR and short writes. Returns false
 * when the descriptor refused the data for good (EPIPE, EBADF, ...). */
bool rt_fd_write_all(int fd, const char *buf, size_t len);

/* Append raw bytes to the stdout buffer (no newline handling). */
void rt_out_bytes(const char *bytes, size_t len);

/* A growable byte buffer over rt_alloc, finished into an RtStr. */
typedef struct RtBuf {
    char *data;
    size_t len;
    size_t cap;
} RtBuf;

void rt_buf_reserve(RtBuf *b, size_t extra);
void rt_buf_put(RtBuf *b, const char *bytes, size_t len);
void rt_buf_putc(RtBuf *b, char c);
void rt_buf_puts(RtBuf *b, const char *s);
/* Hand the bytes over as a fresh RtStr and free the buffer. */
/* Copy len bytes; dst and src may overlap (every load comes before the
 * stores). Words and keys are mostly 1-16 bytes: two overlapping
 * fixed-size moves (inlined) instead of a call of memmove. */
static inline __attribute__((always_inline)) void rt_copy_bytes(char *dst, const char *src, int64_t len) {
    if (len >= 8 && len <= 16) {
        uint64_t x, y;
        memcpy(&x, src, 8);
        memcpy(&y, src + len - 8, 8);
        memcpy(dst, &x, 8);
        memcpy(dst + len - 8, &y, 8);
    } else if (len >= 4 && len < 8) {
        uint32_t x, y;
        memcpy(&x, src, 4);
        memcpy(&y, src + len - 4, 4);
        memcpy(dst, &x, 4);
        memcpy(dst + len - 4, &y, 4);
    } else if (len > 0 && len < 4) {
        char x = src[0], y = src[len / 2], z = src[len - 1];
        dst[0] = x;
        dst[len / 2] = y;
        dst[len - 1] = z;
    } else if (len) {
        memmove(dst, src, (size_t)len);
    }
}

/* bytes as an owned str, written over `old` (an owned str the caller
 * gives up, or NULL) when it has room, else a fresh str (old dropped).
 * bytes may point into old. */
RtStr *rt_str_new_over_fresh(RtStr *old, const char *bytes, int64_t len);
static inline __attribute__((always_inline)) RtStr *rt_str_new_over(RtStr *old, const char *bytes, int64_t len) {
    if (old && len <= old->cap) { /* a literal's cap, RT_STR_STATIC, is negative */
        rt_copy_bytes(old->data, bytes, len);
        old->len = len;
        old->data[len] = '\0';
        return old;
    }
    return rt_str_new_over_fresh(old, bytes, len);
}

RtStr *rt_buf_finish(RtBuf *b);
void rt_buf_free(RtBuf *b);

/* Shortest round-trip rendering of a finite or special double in the Sifr
 * str() form, written to out (at least RT_FLOAT_STR_MAX bytes, NUL-ended).
 * Returns the length. */
#define RT_FLOAT_STR_MAX 40
size_t rt_float_format_short(double v, char *out);

/* Decimal rendering of an int64 into out (at least 21 bytes). */
size_t rt_int_format_dec(int64_t v, char *out);

/* Count UTF-8 code points in bytes (bytes that are not continuation bytes). */
int64_t rt_utf8_count(const char *bytes, int64_t len);

/* ---- compound values (rt_alloc.c, rt_value.c, rt_list.c, rt_dict.c) ---- */

/* Size-class pools for small fixed-size blocks (class objects, list and dict
 * headers). The caller passes the same size to rt_free_small that it passed
 * to rt_alloc_small; blocks above RT_POOL_MAX go to rt_alloc/rt_free. */
#define RT_POOL_MAX 256
void *rt_alloc_small(size_t size);
void rt_free_small(void *p, size_t size);

/* The pools themselves, for the inline fast paths below (the runtime's
 * hottest allocations: tasks, frames, timer entries). */
#define RT_POOL_GRAIN 16
#define RT_POOL_CLASSES (RT_POOL_MAX / RT_POOL_GRAIN)
typedef struct RtPoolFree {
    struct RtPoolFree *next;
} RtPoolFree;
typedef struct RtPool {
    RtPoolFree *free; /* blocks given back, most recent first */
    char *bump;       /* never-used tail of the current chunk */
    char *end;
} RtPool;
extern _Thread_local RtPool rt_pools[RT_POOL_CLASSES];
extern _Atomic int rt_pool_vg; /* valgrind annotations wanted: every call takes the slow path */
void *rt_alloc_small_slow(RtPool *pool, size_t size, size_t cls);
void rt_free_small_annotated(RtPool *pool, void *p);

/* Pool blocks live in chunks of RT_POOL_CHUNK bytes aligned to their size,
 * whose first RT_CHUNK_HDR bytes name the thread that carves them (its
 * owner record). A block freed by another thread goes back to the owner, on
 * a lock-free stack per size class that the owner takes whole when its own
 * list runs dry: memory spawned on one worker and freed on another returns
 * to the first instead of piling up on the second. */
#define RT_POOL_CHUNK (256 * 1024)
#define RT_CHUNK_HDR 64
typedef struct RtPoolOwner {
    RtPoolFree *_Atomic remote[RT_POOL_CLASSES];
    struct RtPoolOwner *next; /* every owner ever made (they are never freed) */
} RtPoolOwner;
extern _Thread_local RtPoolOwner *rt_pool_owner; /* this thread's (NULL before its first chunk) */
void rt_pool_free_remote(RtPoolOwner *o, void *p, size_t cls);
static inline RtPoolOwner *rt_pool_owner_of(const void *p) {
    return *(RtPoolOwner *const *)((uintptr_t)p & ~(uintptr_t)(RT_POOL_CHUNK - 1));
}

static inline size_t rt_pool_class(size_t size) { return size ? (size - 1) / RT_POOL_GRAIN : 0; }

/* rt_alloc_small / rt_free_small, inline: for a constant size the class is
 * folded, and a free-list pop or a bump of the chunk is a handful of
 * instructions. */
static inline void *rt_pool_alloc(size_t size) {
    if (size > RT_POOL_MAX) return rt_alloc(size);
    size_t cls = rt_pool_class(size);
    RtPool *pool = &rt_pools[cls];
    if (__builtin_expect(!atomic_load_explicit(&rt_pool_vg, memory_order_relaxed), 1)) {
        RtPoolFree *f = pool->free;
        if (f) {
            pool->free = f->next;
            return f;
        }
        size_t block = (cls + 1) * RT_POOL_GRAIN;
        if ((size_t)(pool->end - pool->bump) >= block) {
            void *p = pool->bump;
            pool->bump += block;
            return p;
        }
    }
    return rt_alloc_small_slow(pool, size, cls);
}

static inline void rt_pool_free(void *p, size_t size) {
    if (size > RT_POOL_MAX) {
        rt_free(p);
        return;
    }
    RtPool *pool = &rt_pools[rt_pool_class(size)];
    if (__builtin_expect(atomic_load_explicit(&rt_pool_vg, memory_order_relaxed) != 0, 0)) {
        rt_free_small_annotated(pool, p);
        return;
    }
    RtPoolOwner *o = rt_pool_owner_of(p);
    if (__builtin_expect(o != rt_pool_owner, 0)) {
        rt_pool_free_remote(o, p, rt_pool_class(size));
        return;
    }
    RtPoolFree *f = p;
    f->next = pool->free;
    pool->free = f;
}

/* XXH3 of raw bytes and of an int64 (the hashes of str/bytes and int). */
uint64_t rt_hash_bytes(const void *p, size_t n);
uint64_t rt_hash_int(int64_t v);

/* True when values of t own nothing (no drop needed, clone is a copy). */
bool rt_type_is_trivial(const RtType *t);

/* Append str() (repr == false) or repr() of a value to b. */
void rt_value_write(RtBuf *b, const RtType *t, const void *value, bool repr);

/* Python's slice.indices(): clamp start/stop for a sequence of len items
 * (has: bit0 start, bit1 stop, bit2 step given), panic on a zero step, and
 * return the number of selected items. */
int64_t rt_slice_adjust(int64_t len, int64_t *start, int64_t *stop, int64_t *step, uint32_t has,
                        const RtLoc *loc);

/* Deep copies and equality of whole dicts and sets (used by rt_value_*). */
RtDict *rt_dict_clone(const RtDict *d);
RtSet *rt_set_clone(const RtSet *s);
bool rt_dict_eq(const RtDict *a, const RtDict *b);
bool rt_set_eq(const RtSet *a, const RtSet *b);
uint64_t rt_dict_hash(const RtDict *d);
uint64_t rt_set_hash(const RtSet *s);
void rt_dict_write(RtBuf *b, const RtDict *d);
void rt_set_write(RtBuf *b, const RtSet *s);

/* Stable merge sort of n pointers to values of type t, ascending by
 * rt_value_cmp (descending when `reverse`, equal values keeping their
 * order either way); used by list.sort and sorting by a key (rt_list.c). */
void rt_sort_slots(const RtType *t, bool reverse, unsigned char **slots, int64_t n);

#endif
