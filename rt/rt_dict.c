/* Dicts and sets: insertion-ordered hash tables in the compact layout of
 * CPython's dict (a dense array of {hash, key, value} entries in insertion
 * order plus a sparse index table probed linearly). A set is a dict whose
 * values have size 0. Keys and values are stored inline. */
#include "rt_internal.h"

#include <stdatomic.h>
#include <string.h>

#define RT_IX_EMPTY (-1)
#define RT_IX_DUMMY (-2)
/* The hash of a deleted entry; real hashes equal to it are nudged by one. */
#define RT_HASH_DEAD UINT64_MAX
#define RT_DICT_MIN_TABLE 8

enum { RT_KEY_GENERIC, RT_KEY_INT, RT_KEY_STR };

struct RtDict {
    const RtType *kt;
    const RtType *vt;   /* NULL for a set */
    uint32_t koff;      /* entry layout: uint64_t hash, key at koff, value at voff */
    uint32_t voff;
    uint32_t esize;
    uint8_t keykind;    /* fast paths for int and str keys */
    uint8_t wide;       /* index slots are int64_t rather than int32_t */
    uint8_t vtrivial;   /* values own nothing: copied, never dropped */
    int64_t len;        /* live entries */
    int64_t used;       /* entries appended so far, dead ones included */
    int64_t usable;     /* entry capacity: 2/3 of the index table */
    uint64_t mask;      /* index table size - 1 */
    void *index;        /* NULL until the first insertion */
    unsigned char *entries;
    /* The entry the last successful lookup found, or -1: a store that
     * follows a read of the same key (`d[k] = d.get(k, 0) + 1`, `d[k] += 1`)
     * checks it first and skips hashing and probing. Only a hint: it is
     * trusted after comparing that entry's key with the key, so it needs no
     * invalidation beyond rebuilds. Atomic (relaxed, plain moves) because
     * concurrent readers of a shared dict all write it. */
    _Atomic int64_t hint;
};

struct RtSet {
    struct RtDict d;
};

/* ---- layout ------------------------------------------------------------- */

static uint32_t rt_align_up(uint32_t n, uint32_t a) { return a > 1 ? (n + a - 1) / a * a : n; }

static void rt_dict_init(RtDict *d, const RtType *kt, const RtType *vt) {
    d->kt = kt;
    d->vt = vt;
    uint32_t ka = kt->align ? kt->align : 1;
    uint32_t va = vt && vt->align ? vt->align : 1;
    d->koff = rt_align_up(8, ka);
    d->voff = rt_align_up(d->koff + kt->size, va);
    uint32_t end = d->voff + (vt ? vt->size : 0);
    uint32_t ea = 8;
    if (ka > ea) ea = ka;
    if (va > ea) ea = va;
    d->esize = rt_align_up(end, ea);
    d->keykind = kt->kind == RT_K_INT ? RT_KEY_INT : kt->kind == RT_K_STR ? RT_KEY_STR : RT_KEY_GENERIC;
    d->wide = 0;
    d->vtrivial = !vt || rt_type_is_trivial(vt);
    d->len = d->used = d->usable = 0;
    d->mask = 0;
    d->index = NULL;
    d->entries = NULL;
    atomic_init(&d->hint, -1);
}

static inline unsigned char *rt_entry(const RtDict *d, int64_t i) {
    return d->entries + (size_t)i * d->esize;
}
static inline uint64_t rt_entry_hash(const unsigned char *e) { return *(const uint64_t *)e; }

static inline int64_t rt_ix_get(const RtDict *d, uint64_t slot) {
    return d->wide ? ((const int64_t *)d->index)[slot] : ((const int32_t *)d->index)[slot];
}
static inline void rt_ix_set(RtDict *d, uint64_t slot, int64_t ix) {
    if (d->wide) ((int64_t *)d->index)[slot] = ix;
    else ((int32_t *)d->index)[slot] = (int32_t)ix;
}

/* ---- hashing and key equality ------------------------------------------ */

/* 64x64 -> 128-bit multiply folded to 64 bits (the mixing step of
 * wyhash): every input bit reaches the low bits the table uses. */
static inline uint64_t rt_mix(uint64_t a, uint64_t b) {
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* The hash of a str key. Keys of up to 16 bytes (words, names: nearly all
 * of them) are read as two overlapping words and mixed twice, a third of
 * the instructions of XXH3; longer ones use XXH3. Only dicts and sets see
 * these hashes (entries store them; no other code compares them), so they
 * need not equal rt_str_hash. */
static inline uint64_t rt_dict_str_hash(const RtStr *s) {
    size_t n = (size_t)s->len;
    const char *p = s->data;
    uint64_t a, b;
    if (n >= 8 && n <= 16) {
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + n - 4, 4);
        a = x, b = y;
    } else if (n > 0 && n < 4) {
        a = ((uint64_t)(unsigned char)p[0] << 16) | ((uint64_t)(unsigned char)p[n / 2] << 8) |
            (unsigned char)p[n - 1];
        b = 0;
    } else if (n == 0) {
        a = b = 0;
    } else {
        return rt_hash_bytes(p, n);
    }
    return rt_mix(0xe7037ed1a0b428dbULL ^ n, rt_mix(a ^ 0xa0761d6478bd642fULL, b ^ 0x8ebc6af09c88c6e3ULL));
}

static inline uint64_t rt_dict_key_hash(const RtDict *d, const void *key) {
    uint64_t h;
    if (d->keykind == RT_KEY_STR) {
        h = rt_dict_str_hash(*(RtStr *const *)key);
    } else if (d->keykind == RT_KEY_INT) {
        h = rt_hash_int(*(const int64_t *)key);
    } else {
        h = rt_value_hash(d->kt, key);
    }
    return h == RT_HASH_DEAD ? h - 1 : h;
}

/* Equal bytes, n <= 16 known equal for both: keys are mostly short words,
 * for which two overlapping word loads beat a call of memcmp; no call, no
 * loop. Never reads past the n bytes (memcheck sees string blocks at their
 * exact size). */
static inline __attribute__((always_inline)) bool rt_short_eq(const char *a, const char *b, size_t n) {
    if (n >= 8) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8), memcpy(&b0, b, 8);
        memcpy(&a1, a + n - 8, 8), memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4), memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4), memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n == 0) return true;
    /* 1-3 bytes: the first, middle and last (the same bytes when n is 1) */
    return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

/* Equal bytes of any length n known equal for both. */
static inline bool rt_bytes_eq(const char *a, const char *b, size_t n) {
    return n <= 16 ? rt_short_eq(a, b, n) : memcmp(a, b, n) == 0;
}

static inline bool rt_dict_key_eq(const RtDict *d, const void *a, const void *b) {
    if (d->keykind == RT_KEY_STR) {
        const RtStr *x = *(RtStr *const *)a, *y = *(RtStr *const *)b;
        return x == y || (x->len == y->len && rt_bytes_eq(x->data, y->data, (size_t)x->len));
    }
    if (d->keykind == RT_KEY_INT) return *(const int64_t *)a == *(const int64_t *)b;
    return rt_value_eq(d->kt, a, b);
}

/* Find key: returns its entry index or -1. *slot_out receives the index
 * slot holding it, or (when absent) the slot an insertion should use: the
 * first dummy met on the probe path, else the empty slot that ended it. */
static int64_t rt_dict_lookup(const RtDict *d, const void *key, uint64_t h, uint64_t *slot_out) {
    uint64_t slot = h & d->mask;
    uint64_t free_slot = UINT64_MAX;
    for (;;) {
        int64_t ix = rt_ix_get(d, slot);
        if (ix == RT_IX_EMPTY) {
            if (slot_out) *slot_out = free_slot != UINT64_MAX ? free_slot : slot;
            return -1;
        }
        if (ix == RT_IX_DUMMY) {
            if (free_slot == UINT64_MAX) free_slot = slot;
        } else {
            const unsigned char *e = rt_entry(d, ix);
            if (rt_entry_hash(e) == h && rt_dict_key_eq(d, e + d->koff, key)) {
                if (slot_out) *slot_out = slot;
                return ix;
            }
        }
        slot = (slot + 1) & d->mask;
    }
}

/* ---- resizing ----------------------------------------------------------- */

/* Rebuild with a table sized for the live entries (at least 3x len, so the
 * dict can grow by half again before the next rebuild): grows a full dict
 * and compacts one full of deleted entries, keeping insertion order. */
static void rt_dict_resize(RtDict *d) {
    uint64_t size = RT_DICT_MIN_TABLE;
    while (size < (uint64_t)d->len * 3) size *= 2;
    int64_t usable = (int64_t)(size * 2 / 3);
    bool wide = size > (uint64_t)INT32_MAX;
    size_t slot_bytes = wide ? sizeof(int64_t) : sizeof(int32_t);
    size_t ix_bytes, e_bytes;
    if (__builtin_mul_overflow(size, slot_bytes, &ix_bytes) ||
        __builtin_mul_overflow((size_t)usable, (size_t)d->esize, &e_bytes))
        rt_panic("out of memory", NULL);

    unsigned char *entries = rt_alloc(e_bytes);
    int64_t n = 0;
    if (d->len == d->used) {
        if (d->used) memcpy(entries, d->entries, (size_t)d->used * d->esize);
        n = d->used;
    } else {
        for (int64_t i = 0; i < d->used; i++) {
            const unsigned char *e = rt_entry(d, i);
            if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
            memcpy(entries + (size_t)n * d->esize, e, d->esize);
            n++;
        }
    }
    rt_free(d->entries);
    rt_free(d->index);
    atomic_store_explicit(&d->hint, -1, memory_order_relaxed);
    d->entries = entries;
    d->index = rt_alloc(ix_bytes);
    memset(d->index, 0xFF, ix_bytes); /* every slot RT_IX_EMPTY (-1) */
    d->wide = wide;
    d->mask = size - 1;
    d->used = n;
    d->usable = usable;
    for (int64_t i = 0; i < n; i++) {
        uint64_t slot = rt_entry_hash(rt_entry(d, i)) & d->mask;
        while (rt_ix_get(d, slot) != RT_IX_EMPTY) slot = (slot + 1) & d->mask;
        rt_ix_set(d, slot, i);
    }
}

/* ---- core operations shared by dicts and sets --------------------------- */

static void rt_dict_release(RtDict *d) {
    bool kt = !rt_type_is_trivial(d->kt), vt = d->vt && !rt_type_is_trivial(d->vt);
    if (kt || vt) {
        for (int64_t i = 0; i < d->used; i++) {
            unsigned char *e = rt_entry(d, i);
            if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
            if (kt) rt_value_drop(d->kt, e + d->koff);
            if (vt) rt_value_drop(d->vt, e + d->voff);
        }
    }
    rt_free(d->entries);
    rt_free(d->index);
}

/* Insert key (and value, when the dict has values) taken by move. Returns
 * false, and leaves both with the caller, when the key is already present;
 * *found then points at that entry. */
static bool rt_dict_insert_new(RtDict *d, const void *key, const void *value, unsigned char **found) {
    if (!d->index) rt_dict_resize(d);
    uint64_t h = rt_dict_key_hash(d, key);
    uint64_t slot;
    int64_t ix = rt_dict_lookup(d, key, h, &slot);
    if (ix >= 0) {
        *found = rt_entry(d, ix);
        return false;
    }
    /* Rebuild when the entry array is full, or when deleted entries
     * outnumber live ones three to one (compaction: iteration and memory
     * then follow the live size again). Done here rather than in remove so
     * a removal never moves entries. */
    if (d->used == d->usable || (d->used >= 64 && d->len < d->used / 4)) {
        rt_dict_resize(d);
        (void)rt_dict_lookup(d, key, h, &slot);
    }
    unsigned char *e = rt_entry(d, d->used);
    *(uint64_t *)e = h;
    memcpy(e + d->koff, key, d->kt->size);
    if (d->vt) memcpy(e + d->voff, value, d->vt->size);
    rt_ix_set(d, slot, d->used);
    d->used++;
    d->len++;
    return true;
}

/* rt_dict_lookup for a str key when no insertion slot is wanted: the probe
 * loop of the hottest case (counting words) without the key-kind dispatch
 * and dummy bookkeeping. Returns the entry index or -1. */
static int64_t rt_dict_lookup_str(const RtDict *d, const RtStr *k, uint64_t h) {
    uint64_t slot = h & d->mask;
    for (;;) {
        int64_t ix = rt_ix_get(d, slot);
        if (ix == RT_IX_EMPTY) return -1;
        if (ix >= 0) {
            const unsigned char *e = rt_entry(d, ix);
            if (rt_entry_hash(e) == h) {
                const RtStr *x = *(RtStr *const *)(e + d->koff);
                if (x == k || (x->len == k->len && rt_bytes_eq(x->data, k->data, (size_t)k->len))) return ix;
            }
        }
        slot = (slot + 1) & d->mask;
    }
}

static unsigned char *rt_dict_find(const RtDict *d, const void *key) {
    if (!d->len) return NULL;
    int64_t ix;
    if (d->keykind == RT_KEY_STR)
        ix = rt_dict_lookup_str(d, *(RtStr *const *)key, rt_dict_key_hash(d, key));
    else
        ix = rt_dict_lookup(d, key, rt_dict_key_hash(d, key), NULL);
    if (ix < 0) return NULL;
    /* the hint is a cache, not part of the value: writable through a
     * const view (dicts are never const objects) */
    atomic_store_explicit(&((RtDict *)d)->hint, ix, memory_order_relaxed);
    return rt_entry(d, ix);
}

/* The entry of key when it is the one the last lookup found, else NULL. */
static inline __attribute__((always_inline)) unsigned char *rt_dict_hinted(const RtDict *d, const void *key) {
    int64_t ix = atomic_load_explicit(&d->hint, memory_order_relaxed);
    if (ix < 0 || ix >= d->used) return NULL;
    unsigned char *e = rt_entry(d, ix);
    if (rt_entry_hash(e) == RT_HASH_DEAD || !rt_dict_key_eq(d, e + d->koff, key)) return NULL;
    return e;
}

/* Unlink key's entry; the caller disposes of its key and value bytes, which
 * stay readable until the next insertion. */
static unsigned char *rt_dict_unlink(RtDict *d, const void *key) {
    if (!d->len) return NULL;
    uint64_t slot;
    int64_t ix = rt_dict_lookup(d, key, rt_dict_key_hash(d, key), &slot);
    if (ix < 0) return NULL;
    unsigned char *e = rt_entry(d, ix);
    *(uint64_t *)e = RT_HASH_DEAD;
    rt_ix_set(d, slot, RT_IX_DUMMY);
    d->len--;
    return e;
}

/* ---- dict API ----------------------------------------------------------- */

RtDict *rt_dict_new(const RtType *key, const RtType *value) {
    RtDict *d = rt_alloc_small(sizeof *d);
    rt_dict_init(d, key, value);
    return d;
}

void rt_dict_drop(RtDict *d) {
    if (!d) return;
    rt_dict_release(d);
    rt_free_small(d, sizeof *d);
}

int64_t rt_dict_len(const RtDict *d) { return d->len; }

/* Drop a key the dict did not keep (str keys skip the type dispatch). */
static inline void rt_dict_drop_key(const RtDict *d, void *key) {
    if (d->keykind == RT_KEY_STR) rt_str_drop(*(RtStr **)key);
    else if (d->keykind != RT_KEY_INT) rt_value_drop(d->kt, key);
}

/* Overwrite the value of entry e with *value (taken). */
static inline void rt_dict_replace_value(const RtDict *d, unsigned char *e, const void *value) {
    if (!d->vtrivial) rt_value_drop(d->vt, e + d->voff);
    if (d->vt->size == 8) memcpy(e + d->voff, value, 8);
    else memcpy(e + d->voff, value, d->vt->size);
}

void rt_dict_set(RtDict *d, const void *key, const void *value) {
    unsigned char *e = rt_dict_hinted(d, key);
    if (!e && rt_dict_insert_new(d, key, value, &e)) return;
    rt_dict_replace_value(d, e, value);
    rt_dict_drop_key(d, (void *)key);
}

/* d[k] = v with k lent, not given: updating an existing key (the common
 * case of counting) neither clones nor drops a key; only a new entry
 * clones it, before the table can grow, so a key borrowed from the dict's
 * own storage stays valid for the copy. */
/* The insertion half of rt_dict_set_ref, out of line so the update path
 * needs no stack frame. */
static __attribute__((noinline)) void rt_dict_set_clone(RtDict *d, const void *key, const void *value) {
    _Alignas(16) unsigned char small[64];
    size_t ks = d->kt->size;
    unsigned char *own = ks <= sizeof small ? small : rt_alloc(ks);
    rt_value_clone(d->kt, own, key);
    rt_dict_set(d, own, value); /* inserts: the key was absent */
    if (own != small) rt_free(own);
}

void rt_dict_set_ref(RtDict *d, const void *key, const void *value) {
    unsigned char *e = rt_dict_hinted(d, key);
    if (!e) e = rt_dict_find(d, key);
    if (e) rt_dict_replace_value(d, e, value);
    else rt_dict_set_clone(d, key, value);
}


/* The entry of str key k (at most 16 bytes) in a dict with int32_t index slots, or NULL: the
 * lookup of counting words, with the key kind and slot width known, no
 * hint kept and no stack frame. */
static inline __attribute__((always_inline)) unsigned char *rt_dict_find_str32(const RtDict *d, const RtStr *k) {
    if ((uint64_t)k->len > 16) __builtin_unreachable();
    uint64_t h = rt_dict_str_hash(k);
    if (h == RT_HASH_DEAD) h--;
    const int32_t *index = d->index;
    uint64_t slot = h & d->mask;
    for (;;) {
        int32_t ix = index[slot];
        if (ix == RT_IX_EMPTY) return NULL;
        if (ix >= 0) {
            unsigned char *e = rt_entry(d, ix);
            if (rt_entry_hash(e) == h) {
                const RtStr *x = *(RtStr *const *)(e + d->koff);
                if (x->len == k->len && rt_short_eq(x->data, k->data, (size_t)k->len)) return e;
            }
        }
        slot = (slot + 1) & d->mask;
    }
}

static __attribute__((noinline)) void rt_dict_add_int_any(RtDict *d, const void *key, int64_t dflt, int64_t delta,
                                                         const RtLoc *loc);

void rt_dict_add_int(RtDict *d, const void *key, int64_t dflt, int64_t delta, const RtLoc *loc) {
    /* a short str key already counted: the one lookup, then the add (no
     * call on this path, so no stack frame) */
    const RtStr *k = *(RtStr *const *)key;
    if (d->keykind == RT_KEY_STR && !d->wide && d->len && (uint64_t)k->len <= 16) {
        unsigned char *e = rt_dict_find_str32(d, k);
        if (e) {
            int64_t *slot = (int64_t *)(void *)(e + d->voff), v;
            if (__builtin_add_overflow(*slot, delta, &v)) rt_panic_overflow(loc);
            *slot = v;
            return;
        }
    }
    rt_dict_add_int_any(d, key, dflt, delta, loc);
}

static void rt_dict_add_int_any(RtDict *d, const void *key, int64_t dflt, int64_t delta, const RtLoc *loc) {
    unsigned char *e = rt_dict_find(d, key); /* one lookup: the hint would not help */
    int64_t v;
    if (e) {
        int64_t *slot = (int64_t *)(void *)(e + d->voff);
        if (__builtin_add_overflow(*slot, delta, &v)) rt_panic_overflow(loc);
        *slot = v;
        return;
    }
    if (__builtin_add_overflow(dflt, delta, &v)) rt_panic_overflow(loc);
    rt_dict_set_clone(d, key, &v);
}

void *rt_dict_get(const RtDict *d, const void *key) {
    unsigned char *e = rt_dict_find(d, key);
    return e ? e + d->voff : NULL;
}

bool rt_dict_contains(const RtDict *d, const void *key) { return rt_dict_find(d, key) != NULL; }

bool rt_dict_remove(RtDict *d, const void *key, void *out_value) {
    unsigned char *e = rt_dict_unlink(d, key);
    if (!e) return false;
    rt_value_drop(d->kt, e + d->koff);
    if (out_value) memcpy(out_value, e + d->voff, d->vt->size);
    else rt_value_drop(d->vt, e + d->voff);
    return true;
}

int64_t rt_dict_slots(const RtDict *d) { return d->used; }

bool rt_dict_entry(const RtDict *d, int64_t slot, void **key, void **value) {
    if (slot < 0 || slot >= d->used) return false;
    unsigned char *e = rt_entry(d, slot);
    if (rt_entry_hash(e) == RT_HASH_DEAD) return false;
    if (key) *key = e + d->koff;
    if (value) *value = e + d->voff;
    return true;
}

/* Clone the key or value part of every live entry into a new list. */
static RtList *rt_dict_column(const RtDict *d, const RtType *t, uint32_t off) {
    RtList *l = rt_list_new(t, d->len);
    for (int64_t i = 0; i < d->used; i++) {
        unsigned char *e = rt_entry(d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        rt_value_clone(t, l->data + (size_t)l->len * t->size, e + off);
        l->len++;
    }
    return l;
}

RtList *rt_dict_keys(const RtDict *d) { return rt_dict_column(d, d->kt, d->koff); }

RtList *rt_dict_values(const RtDict *d) { return rt_dict_column(d, d->vt, d->voff); }

RtList *rt_dict_items(const RtDict *d, const RtType *tuple_type) {
    RtList *l = rt_list_new(tuple_type, d->len);
    const RtField *fk = &tuple_type->fields[0], *fv = &tuple_type->fields[1];
    for (int64_t i = 0; i < d->used; i++) {
        unsigned char *e = rt_entry(d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        unsigned char *t = l->data + (size_t)l->len * tuple_type->size;
        memset(t, 0, tuple_type->size); /* defined padding */
        rt_value_clone(d->kt, t + fk->offset, e + d->koff);
        rt_value_clone(d->vt, t + fv->offset, e + d->voff);
        l->len++;
    }
    return l;
}

RtDict *rt_dict_clone(const RtDict *d) {
    RtDict *c = rt_dict_new(d->kt, d->vt);
    if (!d->len) return c;
    /* Same table size, entries compacted; the hashes are reused. */
    c->len = d->len;
    rt_dict_resize(c); /* sized for d->len entries */
    int64_t n = 0;
    for (int64_t i = 0; i < d->used; i++) {
        const unsigned char *e = rt_entry(d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        unsigned char *ce = rt_entry(c, n);
        *(uint64_t *)ce = rt_entry_hash(e);
        rt_value_clone(d->kt, ce + c->koff, e + d->koff);
        if (d->vt) rt_value_clone(d->vt, ce + c->voff, e + d->voff);
        uint64_t slot = rt_entry_hash(e) & c->mask;
        while (rt_ix_get(c, slot) != RT_IX_EMPTY) slot = (slot + 1) & c->mask;
        rt_ix_set(c, slot, n);
        n++;
    }
    c->used = n;
    return c;
}

bool rt_dict_eq(const RtDict *a, const RtDict *b) {
    if (a == b) return true;
    if (a->len != b->len) return false;
    for (int64_t i = 0; i < a->used; i++) {
        const unsigned char *e = rt_entry(a, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        const unsigned char *f = rt_dict_find(b, e + a->koff);
        if (!f) return false;
        if (a->vt && !rt_value_eq(a->vt, e + a->voff, f + b->voff)) return false;
    }
    return true;
}

/* Order-independent: equal dicts may hold their entries in any order. */
uint64_t rt_dict_hash(const RtDict *d) {
    uint64_t h = rt_hash_int(d->len);
    for (int64_t i = 0; i < d->used; i++) {
        const unsigned char *e = rt_entry(d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        uint64_t x = rt_entry_hash(e);
        if (d->vt) x ^= rt_value_hash(d->vt, e + d->voff) * 0x9E3779B97F4A7C15ULL;
        h += x * 0xBF58476D1CE4E5B9ULL + (x >> 29);
    }
    return h;
}

/* {"a": 1, "b": 2} for dicts, {1, 2} (or set() when empty) for sets. */
static void rt_dict_write_items(RtBuf *b, const RtDict *d) {
    bool first = true;
    for (int64_t i = 0; i < d->used; i++) {
        const unsigned char *e = rt_entry(d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        if (!first) rt_buf_puts(b, ", ");
        first = false;
        rt_value_write(b, d->kt, e + d->koff, true);
        if (d->vt) {
            rt_buf_puts(b, ": ");
            rt_value_write(b, d->vt, e + d->voff, true);
        }
    }
}

void rt_dict_write(RtBuf *b, const RtDict *d) {
    rt_buf_putc(b, '{');
    rt_dict_write_items(b, d);
    rt_buf_putc(b, '}');
}

/* ---- set API ------------------------------------------------------------ */

RtSet *rt_set_new(const RtType *elem) {
    RtSet *s = rt_alloc_small(sizeof *s);
    rt_dict_init(&s->d, elem, NULL);
    return s;
}

void rt_set_drop(RtSet *s) {
    if (!s) return;
    rt_dict_release(&s->d);
    rt_free_small(s, sizeof *s);
}

int64_t rt_set_len(const RtSet *s) { return s->d.len; }

bool rt_set_add(RtSet *s, const void *elem) {
    unsigned char *e;
    if (rt_dict_insert_new(&s->d, elem, NULL, &e)) return true;
    rt_value_drop(s->d.kt, (void *)elem);
    return false;
}

bool rt_set_contains(const RtSet *s, const void *elem) { return rt_dict_find(&s->d, elem) != NULL; }

bool rt_set_remove(RtSet *s, const void *elem) {
    unsigned char *e = rt_dict_unlink(&s->d, elem);
    if (!e) return false;
    rt_value_drop(s->d.kt, e + s->d.koff);
    return true;
}

int64_t rt_set_slots(const RtSet *s) { return s->d.used; }

bool rt_set_entry(const RtSet *s, int64_t slot, void **elem) {
    return rt_dict_entry(&s->d, slot, elem, NULL);
}

RtSet *rt_set_clone(const RtSet *s) {
    RtDict *c = rt_dict_clone(&s->d);
    RtSet *r = rt_alloc_small(sizeof *r);
    r->d = *c;
    rt_free_small(c, sizeof *c);
    return r;
}

/* Add to `to` a clone of every element of `from` that `to` lacks; with
 * `other`, only those whose membership in it equals want_in_other. */
static void rt_set_add_clones(RtSet *to, const RtSet *from, const RtSet *other, bool want_in_other) {
    const RtDict *d = &from->d;
    size_t size = d->kt->size;
    _Alignas(16) unsigned char small[64];
    unsigned char *tmp = size <= sizeof small ? small : rt_alloc(size);
    for (int64_t i = 0; i < d->used; i++) {
        const unsigned char *e = rt_entry(d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        if (other && rt_set_contains(other, e + d->koff) != want_in_other) continue;
        if (rt_set_contains(to, e + d->koff)) continue;
        rt_value_clone(d->kt, tmp, e + d->koff);
        (void)rt_set_add(to, tmp);
    }
    if (tmp != small) rt_free(tmp);
}

RtSet *rt_set_union(const RtSet *a, const RtSet *b) {
    RtSet *r = rt_set_clone(a);
    rt_set_add_clones(r, b, NULL, false);
    return r;
}

RtSet *rt_set_intersection(const RtSet *a, const RtSet *b) {
    RtSet *r = rt_set_new(a->d.kt);
    rt_set_add_clones(r, a, b, true);
    return r;
}

RtSet *rt_set_difference(const RtSet *a, const RtSet *b) {
    RtSet *r = rt_set_new(a->d.kt);
    rt_set_add_clones(r, a, b, false);
    return r;
}

bool rt_set_eq(const RtSet *a, const RtSet *b) { return rt_dict_eq(&a->d, &b->d); }

uint64_t rt_set_hash(const RtSet *s) { return rt_dict_hash(&s->d); }

void rt_set_write(RtBuf *b, const RtSet *s) {
    if (!s->d.len) {
        rt_buf_puts(b, "set()");
        return;
    }
    rt_buf_putc(b, '{');
    rt_dict_write_items(b, &s->d);
    rt_buf_putc(b, '}');
}

/* ---- operations behind the language's dict and set syntax --------------- */

/* Python's KeyError for a missing key: "KeyError: <repr of key>". The
 * text is copied to the stack (a long repr is cut) so that nothing is left
 * allocated when the process ends. */
static _Noreturn void rt_key_error(const RtType *kt, const void *key, const RtLoc *loc) {
    char msg[512];
    RtBuf b = {0};
    rt_buf_puts(&b, "KeyError: ");
    rt_value_write(&b, kt, key, true);
    size_t n = b.len < sizeof msg - 1 ? b.len : sizeof msg - 4;
    memcpy(msg, b.data, n);
    if (n < b.len) memcpy(msg + n, "...", 3), n += 3;
    msg[n] = 0;
    rt_buf_free(&b);
    rt_panic(msg, loc);
}

void *rt_dict_at(const RtDict *d, const void *key, const RtLoc *loc) {
    unsigned char *e = rt_dict_find(d, key);
    if (!e) rt_key_error(d->kt, key, loc);
    return e + d->voff;
}

bool rt_dict_get_clone(const RtDict *d, const void *key, void *out) {
    unsigned char *e = rt_dict_find(d, key);
    if (!e) return false;
    rt_value_clone(d->vt, out, e + d->voff);
    return true;
}

void rt_dict_get_or(const RtDict *d, const void *key, const void *dflt, void *out) {
    unsigned char *e = rt_dict_find(d, key);
    const void *src = e ? e + d->voff : dflt;
    if (d->vtrivial && d->vt->size == 8) memcpy(out, src, 8); /* int, float: one move */
    else if (d->vtrivial) memcpy(out, src, d->vt->size);
    else rt_value_clone(d->vt, out, src);
}

void rt_dict_del(RtDict *d, const void *key, const RtLoc *loc) {
    if (!rt_dict_remove(d, key, NULL)) rt_key_error(d->kt, key, loc);
}

void rt_dict_pop_or(RtDict *d, const void *key, const void *dflt, void *out) {
    if (!rt_dict_remove(d, key, out)) rt_value_clone(d->vt, out, dflt);
}

void *rt_dict_setdefault(RtDict *d, const void *key, const void *value) {
    unsigned char *e;
    if (rt_dict_insert_new(d, key, value, &e)) return rt_entry(d, d->used - 1) + d->voff;
    rt_value_drop(d->kt, (void *)key);
    rt_value_drop(d->vt, (void *)value);
    return e + d->voff;
}

void rt_dict_update(RtDict *d, const RtDict *other) {
    if (d == other) return;
    size_t ks = other->kt->size, vs = other->vt->size;
    _Alignas(16) unsigned char small[128];
    unsigned char *tmp = ks + vs + 16 <= sizeof small ? small : rt_alloc(ks + vs + 16);
    unsigned char *kbuf = tmp, *vbuf = tmp + rt_align_up((uint32_t)ks, 16);
    for (int64_t i = 0; i < other->used; i++) {
        const unsigned char *e = rt_entry(other, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        rt_value_clone(other->kt, kbuf, e + other->koff);
        rt_value_clone(other->vt, vbuf, e + other->voff);
        rt_dict_set(d, kbuf, vbuf);
    }
    if (tmp != small) rt_free(tmp);
}

void rt_dict_clear(RtDict *d) {
    const RtType *kt = d->kt, *vt = d->vt;
    rt_dict_release(d);
    rt_dict_init(d, kt, vt);
}

/* Iteration: the next live slot at or after pos, or -1 at the end. The
 * loop passes the length it started with; a dict that grew or shrank since
 * panics as Python raises RuntimeError, so a loop never walks a table its
 * body rebuilt. */
int64_t rt_dict_next_slot(const RtDict *d, int64_t pos, int64_t expect_len, const RtLoc *loc) {
    if (d->len != expect_len) rt_panic("RuntimeError: dictionary changed size during iteration", loc);
    for (int64_t i = pos < 0 ? 0 : pos; i < d->used; i++)
        if (rt_entry_hash(rt_entry(d, i)) != RT_HASH_DEAD) return i;
    return -1;
}

void *rt_dict_key_at(const RtDict *d, int64_t slot) { return rt_entry(d, slot) + d->koff; }

void *rt_dict_value_at(const RtDict *d, int64_t slot) { return rt_entry(d, slot) + d->voff; }

int64_t rt_set_next_slot(const RtSet *s, int64_t pos, int64_t expect_len, const RtLoc *loc) {
    if (s->d.len != expect_len) rt_panic("RuntimeError: Set changed size during iteration", loc);
    for (int64_t i = pos < 0 ? 0 : pos; i < s->d.used; i++)
        if (rt_entry_hash(rt_entry(&s->d, i)) != RT_HASH_DEAD) return i;
    return -1;
}

void *rt_set_elem_at(const RtSet *s, int64_t slot) { return rt_entry(&s->d, slot) + s->d.koff; }

void rt_set_remove_or_panic(RtSet *s, const void *elem, const RtLoc *loc) {
    if (!rt_set_remove(s, elem)) rt_key_error(s->d.kt, elem, loc);
}

void rt_set_clear(RtSet *s) {
    const RtType *kt = s->d.kt;
    rt_dict_release(&s->d);
    rt_dict_init(&s->d, kt, NULL);
}

bool rt_set_issubset(const RtSet *a, const RtSet *b) {
    if (a->d.len > b->d.len) return false;
    for (int64_t i = 0; i < a->d.used; i++) {
        const unsigned char *e = rt_entry(&a->d, i);
        if (rt_entry_hash(e) == RT_HASH_DEAD) continue;
        if (!rt_set_contains(b, e + a->d.koff)) return false;
    }
    return true;
}

RtSet *rt_set_symmetric_difference(const RtSet *a, const RtSet *b) {
    RtSet *r = rt_set_new(a->d.kt);
    rt_set_add_clones(r, a, b, false);
    rt_set_add_clones(r, b, a, false);
    return r;
}

void rt_set_update(RtSet *s, const RtSet *other) {
    if (s != other) rt_set_add_clones(s, other, NULL, false);
}
