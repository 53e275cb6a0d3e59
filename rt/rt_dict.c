/* Dicts and sets: insertion-ordered hash tables in the compact layout of
 * CPython's dict (a dense array of {hash, key, value} entries in insertion
 * order plus a sparse index table probed linearly). A set is a dict whose
 * values have size 0. Keys and values are stored inline. */
#include "rt_internal.h"

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
    int64_t len;        /* live entries */
    int64_t used;       /* entries appended so far, dead ones included */
    int64_t usable;     /* entry capacity: 2/3 of the index table */
    uint64_t mask;      /* index table size - 1 */
    void *index;        /* NULL until the first insertion */
    unsigned char *entries;
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
    d->len = d->used = d->usable = 0;
    d->mask = 0;
    d->index = NULL;
    d->entries = NULL;
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

static inline uint64_t rt_dict_key_hash(const RtDict *d, const void *key) {
    uint64_t h;
    if (d->keykind == RT_KEY_STR) {
        const RtStr *s = *(RtStr *const *)key;
        h = rt_hash_bytes(s->data, (size_t)s->len);
    } else if (d->keykind == RT_KEY_INT) {
        h = rt_hash_int(*(const int64_t *)key);
    } else {
        h = rt_value_hash(d->kt, key);
    }
    return h == RT_HASH_DEAD ? h - 1 : h;
}

static inline bool rt_dict_key_eq(const RtDict *d, const void *a, const void *b) {
    if (d->keykind == RT_KEY_STR) {
        const RtStr *x = *(RtStr *const *)a, *y = *(RtStr *const *)b;
        return x == y || (x->len == y->len && memcmp(x->data, y->data, (size_t)x->len) == 0);
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

static unsigned char *rt_dict_find(const RtDict *d, const void *key) {
    if (!d->len) return NULL;
    int64_t ix = rt_dict_lookup(d, key, rt_dict_key_hash(d, key), NULL);
    return ix >= 0 ? rt_entry(d, ix) : NULL;
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

void rt_dict_set(RtDict *d, const void *key, const void *value) {
    unsigned char *e;
    if (rt_dict_insert_new(d, key, value, &e)) return;
    rt_value_drop(d->vt, e + d->voff);
    memcpy(e + d->voff, value, d->vt->size);
    rt_value_drop(d->kt, (void *)key);
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
    rt_value_clone(d->vt, out, e ? e + d->voff : dflt);
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
