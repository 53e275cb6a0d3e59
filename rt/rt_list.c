/* Lists: growable arrays of inline element values described by an RtType.
 * Push/pop/insert/index, Python slicing and index clamping, concatenation
 * and repetition, and a stable merge sort ordered by rt_value_cmp. */
#include "rt_internal.h"

#include <stdio.h>
#include <string.h>

static inline unsigned char *rt_list_slot(const RtList *l, int64_t i) {
    return l->data + (size_t)i * l->elem->size;
}

static size_t rt_list_bytes(const RtType *elem, int64_t n) {
    size_t bytes;
    if (n < 0 || n > RT_LIST_MAX_LEN || __builtin_mul_overflow((size_t)n, (size_t)elem->size, &bytes))
        rt_panic("out of memory", NULL);
    return bytes;
}

/* Make room for `need` elements: at least double, so pushes are amortised
 * O(1). */
static void rt_list_reserve(RtList *l, int64_t need) {
    if (need <= l->cap && l->data) return;
    int64_t cap = l->cap < 4 ? 4 : l->cap;
    while (cap < need) cap = cap > INT64_MAX / 2 ? need : cap * 2;
    l->data = rt_realloc(l->data, rt_list_bytes(l->elem, cap));
    l->cap = cap;
}

RtList *rt_list_new(const RtType *elem, int64_t cap) {
    RtList *l = rt_alloc_small(sizeof *l);
    l->len = 0;
    l->cap = 0;
    l->elem = elem;
    l->data = NULL;
    if (cap > 0) {
        l->data = rt_alloc(rt_list_bytes(elem, cap));
        l->cap = cap;
    }
    return l;
}

void rt_list_drop(RtList *l) {
    if (!l) return;
    if (l->elem->kind == RT_K_STR || l->elem->kind == RT_K_BYTES) { /* the common case: no dispatch */
        RtStr **strs = (RtStr **)(void *)l->data;
        for (int64_t i = 0; i < l->len; i++) rt_str_drop(strs[i]);
    } else if (!rt_type_is_trivial(l->elem)) {
        for (int64_t i = 0; i < l->len; i++) rt_value_drop(l->elem, rt_list_slot(l, i));
    }
    rt_free(l->data);
    rt_free_small(l, sizeof *l);
}

int64_t rt_list_len(const RtList *l) { return l->len; }

void rt_list_push(RtList *l, const void *elem) {
    if (l->len == l->cap || !l->data) rt_list_reserve(l, l->len + 1);
    memcpy(rt_list_slot(l, l->len), elem, l->elem->size);
    l->len++;
}

/* Normalise a possibly negative index; -1 when out of range. */
static int64_t rt_list_norm(const RtList *l, int64_t i) {
    if (i < 0) i += l->len;
    return (i < 0 || i >= l->len) ? -1 : i;
}

void rt_list_pop(RtList *l, int64_t index, void *out, const RtLoc *loc) {
    if (l->len == 0) rt_panic("pop from empty list", loc);
    int64_t i = rt_list_norm(l, index);
    if (i < 0) rt_panic("pop index out of range", loc);
    size_t size = l->elem->size;
    if (out) memcpy(out, rt_list_slot(l, i), size);
    else rt_value_drop(l->elem, rt_list_slot(l, i));
    memmove(rt_list_slot(l, i), rt_list_slot(l, i + 1), (size_t)(l->len - i - 1) * size);
    l->len--;
}

void rt_list_insert(RtList *l, int64_t index, const void *elem) {
    int64_t i = index;
    if (i < 0) {
        i += l->len;
        if (i < 0) i = 0;
    } else if (i > l->len) {
        i = l->len;
    }
    rt_list_reserve(l, l->len + 1);
    size_t size = l->elem->size;
    memmove(rt_list_slot(l, i + 1), rt_list_slot(l, i), (size_t)(l->len - i) * size);
    memcpy(rt_list_slot(l, i), elem, size);
    l->len++;
}

void *rt_list_at(const RtList *l, int64_t index, const RtLoc *loc) {
    int64_t i = rt_list_norm(l, index);
    if (i < 0) rt_panic("list index out of range", loc);
    return rt_list_slot(l, i);
}

void rt_list_set(RtList *l, int64_t index, const void *elem, const RtLoc *loc) {
    int64_t i = rt_list_norm(l, index);
    if (i < 0) rt_panic("list assignment index out of range", loc);
    rt_value_drop(l->elem, rt_list_slot(l, i));
    memcpy(rt_list_slot(l, i), elem, l->elem->size);
}

void rt_list_extend(RtList *l, const RtList *other) {
    int64_t n = other->len; /* read first: other may be l itself */
    rt_list_reserve(l, l->len + n);
    for (int64_t i = 0; i < n; i++)
        rt_value_clone(l->elem, rt_list_slot(l, l->len + i), rt_list_slot(other, i));
    l->len += n;
}

int64_t rt_slice_adjust(int64_t len, int64_t *start, int64_t *stop, int64_t *step, uint32_t has,
                        const RtLoc *loc) {
    int64_t st = (has & 4) ? *step : 1;
    if (st == 0) rt_panic("slice step cannot be zero", loc);
    if (st < -INT64_MAX) st = -INT64_MAX; /* so that -st cannot overflow */
    int64_t a, b;
    if (!(has & 1)) {
        a = st < 0 ? len - 1 : 0;
    } else {
        a = *start;
        if (a < 0) {
            a += len;
            if (a < 0) a = st < 0 ? -1 : 0;
        } else if (a >= len) {
            a = st < 0 ? len - 1 : len;
        }
    }
    if (!(has & 2)) {
        b = st < 0 ? -1 : len;
    } else {
        b = *stop;
        if (b < 0) {
            b += len;
            if (b < 0) b = st < 0 ? -1 : 0;
        } else if (b >= len) {
            b = st < 0 ? len - 1 : len;
        }
    }
    *start = a;
    *stop = b;
    *step = st;
    if (st > 0) return b > a ? (b - a - 1) / st + 1 : 0;
    return a > b ? (a - b - 1) / (-st) + 1 : 0;
}

RtList *rt_list_slice(const RtList *l, int64_t start, int64_t stop, int64_t step, uint32_t has,
                      const RtLoc *loc) {
    int64_t n = rt_slice_adjust(l->len, &start, &stop, &step, has, loc);
    RtList *r = rt_list_new(l->elem, n);
    for (int64_t k = 0, i = start; k < n; k++, i += step)
        rt_value_clone(l->elem, rt_list_slot(r, k), rt_list_slot(l, i));
    r->len = n;
    return r;
}

/* xs[a:b:c] = items. A plain slice (no step, or step 1) is replaced by
 * all of items, growing or shrinking the list; an extended slice needs
 * exactly as many items as it selects (Python's ValueError, a panic here).
 * items is owned: its elements move into l and its buffer is freed. */
void rt_list_set_slice(RtList *l, int64_t start, int64_t stop, int64_t step, uint32_t has, RtList *items,
                       const RtLoc *loc) {
    int64_t n = rt_slice_adjust(l->len, &start, &stop, &step, has, loc);
    size_t size = l->elem->size;
    int64_t m = items->len;
    if (step == 1) {
        int64_t lo = start, hi = stop > start ? stop : start;
        for (int64_t i = lo; i < hi; i++) rt_value_drop(l->elem, rt_list_slot(l, i));
        int64_t tail = l->len - hi, newlen = l->len - (hi - lo) + m;
        if (newlen > l->cap) rt_list_reserve(l, newlen);
        if (tail > 0) memmove(rt_list_slot(l, lo + m), rt_list_slot(l, hi), (size_t)tail * size);
        if (m > 0) memcpy(rt_list_slot(l, lo), items->data, (size_t)m * size);
        l->len = newlen;
    } else {
        if (m != n) {
            char msg[128];
            snprintf(msg, sizeof msg, "attempt to assign sequence of size %lld to extended slice of size %lld",
                     (long long)m, (long long)n);
            rt_list_drop(items);
            rt_panic(msg, loc);
        }
        for (int64_t k = 0, i = start; k < n; k++, i += step) {
            rt_value_drop(l->elem, rt_list_slot(l, i));
            memcpy(rt_list_slot(l, i), rt_list_slot(items, k), size);
        }
    }
    items->len = 0; /* the elements live in l now */
    rt_list_drop(items);
}

void rt_list_del_slice(RtList *l, int64_t start, int64_t stop, int64_t step, uint32_t has, const RtLoc *loc) {
    int64_t n = rt_slice_adjust(l->len, &start, &stop, &step, has, loc);
    if (n <= 0) return;
    if (step < 0) { /* the same elements, walked upwards */
        start += (n - 1) * step;
        step = -step;
    }
    size_t size = l->elem->size;
    /* keep every element not on the slice's grid, in order */
    int64_t w = start, next = start, taken = 0;
    for (int64_t i = start; i < l->len; i++) {
        if (taken < n && i == next) {
            rt_value_drop(l->elem, rt_list_slot(l, i));
            taken++;
            next += step;
            continue;
        }
        if (w != i) memcpy(rt_list_slot(l, w), rt_list_slot(l, i), size);
        w++;
    }
    l->len = w;
}

void rt_list_del(RtList *l, int64_t index, const RtLoc *loc) {
    int64_t i = rt_list_norm(l, index);
    if (i < 0) rt_panic("list assignment index out of range", loc);
    rt_list_pop(l, i, NULL, loc);
}

static void rt_swap_bytes(unsigned char *a, unsigned char *b, size_t n) {
    for (size_t k = 0; k < n; k++) {
        unsigned char t = a[k];
        a[k] = b[k];
        b[k] = t;
    }
}

void rt_list_reverse(RtList *l) {
    size_t size = l->elem->size;
    for (int64_t i = 0, j = l->len - 1; i < j; i++, j--)
        rt_swap_bytes(rt_list_slot(l, i), rt_list_slot(l, j), size);
}

/* ---- sort --------------------------------------------------------------- */

/* The sort orders pointers to the elements, then moves the element bytes
 * once into a new buffer: elements of any size move a single time, and a
 * comparison that panics leaves the list untouched. */
typedef struct RtSortCtx {
    const RtType *t;
    bool reverse;
} RtSortCtx;

static inline int rt_sort_cmp(const RtSortCtx *c, const void *a, const void *b) {
    if (c->reverse) {
        const void *t = a;
        a = b;
        b = t;
    }
    switch (c->t->kind) { /* the common element types skip the dispatch */
    case RT_K_INT: {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
    }
    case RT_K_STR:
        return (int)rt_str_cmp(*(RtStr *const *)a, *(RtStr *const *)b);
    default:
        return rt_value_cmp(c->t, a, b);
    }
}

static void rt_merge_sort(const RtSortCtx *c, unsigned char **a, unsigned char **tmp, int64_t n) {
    if (n <= 16) {
        /* Insertion sort: moves an element only past strictly greater
         * ones, which keeps equal elements in order. */
        for (int64_t i = 1; i < n; i++) {
            unsigned char *x = a[i];
            int64_t j = i;
            while (j > 0 && rt_sort_cmp(c, a[j - 1], x) > 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    int64_t mid = n / 2;
    rt_merge_sort(c, a, tmp, mid);
    rt_merge_sort(c, a + mid, tmp, n - mid);
    if (rt_sort_cmp(c, a[mid - 1], a[mid]) <= 0) return; /* already in order */
    memcpy(tmp, a, (size_t)mid * sizeof *a);
    int64_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        /* Take from the right run only when strictly smaller: stable. */
        if (rt_sort_cmp(c, a[j], tmp[i]) < 0) a[k++] = a[j++];
        else a[k++] = tmp[i++];
    }
    while (i < mid) a[k++] = tmp[i++];
}

void rt_sort_slots(const RtType *t, bool reverse, unsigned char **slots, int64_t n) {
    if (n < 2) return;
    unsigned char **tmp = rt_alloc((size_t)(n / 2 + 1) * sizeof *tmp);
    RtSortCtx c = {t, reverse};
    rt_merge_sort(&c, slots, tmp, n);
    rt_free(tmp);
}

void rt_list_sort(RtList *l, bool reverse) {
    int64_t n = l->len;
    if (n < 2) return;
    size_t size = l->elem->size;
    unsigned char **ptrs = rt_alloc((size_t)n * sizeof *ptrs);
    for (int64_t i = 0; i < n; i++) ptrs[i] = rt_list_slot(l, i);
    rt_sort_slots(l->elem, reverse, ptrs, n);
    unsigned char *data = rt_alloc(rt_list_bytes(l->elem, l->cap));
    for (int64_t i = 0; i < n; i++) memcpy(data + (size_t)i * size, ptrs[i], size);
    rt_free(l->data);
    l->data = data;
    rt_free(ptrs);
}

/* ---- search, concatenation, repetition ---------------------------------- */

int64_t rt_list_index(const RtList *l, const void *elem) {
    for (int64_t i = 0; i < l->len; i++)
        if (rt_value_eq(l->elem, rt_list_slot(l, i), elem)) return i;
    return -1;
}

bool rt_list_contains(const RtList *l, const void *elem) { return rt_list_index(l, elem) >= 0; }

RtList *rt_list_concat(const RtList *a, const RtList *b) {
    RtList *r = rt_list_new(a->elem, a->len + b->len);
    rt_list_extend(r, a);
    rt_list_extend(r, b);
    return r;
}

RtList *rt_list_repeat(const RtList *a, int64_t n) {
    if (n <= 0 || a->len == 0) return rt_list_new(a->elem, 0);
    int64_t total;
    if (__builtin_mul_overflow(a->len, n, &total)) rt_panic("out of memory", NULL);
    RtList *r = rt_list_new(a->elem, total);
    for (int64_t i = 0; i < n; i++) rt_list_extend(r, a);
    return r;
}

/* ---- the sequence builtins (sema/mir_lower_seq.c) ------------------------ */

int64_t rt_list_count(const RtList *l, const void *elem) {
    int64_t n = 0;
    for (int64_t i = 0; i < l->len; i++)
        if (rt_value_eq(l->elem, rt_list_slot(l, i), elem)) n++;
    return n;
}

void rt_list_remove(RtList *l, const void *elem, const RtLoc *loc) {
    int64_t i = rt_list_index(l, elem);
    if (i < 0) rt_panic("ValueError: list.remove(x): x not in list", loc);
    rt_list_pop(l, i, NULL, loc);
}

void rt_list_clear(RtList *l) {
    if (!rt_type_is_trivial(l->elem))
        for (int64_t i = 0; i < l->len; i++) rt_value_drop(l->elem, rt_list_slot(l, i));
    l->len = 0;
}

/* list(range(start, stop, step)); a zero step panics like range() does. */
RtList *rt_list_range(int64_t start, int64_t stop, int64_t step, const RtLoc *loc) {
    if (step == 0) rt_panic("range() arg 3 must not be zero", loc);
    int64_t n = 0;
    if (step > 0 && start < stop) n = (int64_t)(((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step) + 1;
    if (step < 0 && start > stop)
        n = (int64_t)(((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step)) + 1;
    RtList *l = rt_list_new(&rt_type_int, n);
    int64_t v = start;
    for (int64_t i = 0; i < n; i++) {
        rt_list_push(l, &v);
        v = (int64_t)((uint64_t)v + (uint64_t)step); /* the last step may leave the range */
    }
    return l;
}

/* enumerate(l): (index, clone of element) pairs laid out as tuple_t. */
RtList *rt_list_enumerate(const RtList *l, const RtType *tuple_t) {
    return rt_list_enumerate_from(l, 0, tuple_t, NULL);
}

/* enumerate(xs, start): counting from `start`; a count past the int range
 * panics like any other int overflow. */
RtList *rt_list_enumerate_from(const RtList *l, int64_t start, const RtType *tuple_t, const RtLoc *loc) {
    if (l->len > 0 && start > INT64_MAX - (l->len - 1)) rt_panic_overflow(loc);
    RtList *r = rt_list_new(tuple_t, l->len);
    for (int64_t i = 0; i < l->len; i++) {
        unsigned char *slot = rt_list_slot(r, i);
        memset(slot, 0, tuple_t->size);
        int64_t k = start + i;
        memcpy(slot + tuple_t->fields[0].offset, &k, sizeof k);
        rt_value_clone(l->elem, slot + tuple_t->fields[1].offset, rt_list_slot(l, i));
    }
    r->len = l->len;
    return r;
}

/* zip(a, b): pairs of clones, as long as the shorter list. */
RtList *rt_list_zip(const RtList *a, const RtList *b, const RtType *tuple_t) {
    int64_t n = a->len < b->len ? a->len : b->len;
    RtList *r = rt_list_new(tuple_t, n);
    for (int64_t i = 0; i < n; i++) {
        unsigned char *slot = rt_list_slot(r, i);
        memset(slot, 0, tuple_t->size);
        rt_value_clone(a->elem, slot + tuple_t->fields[0].offset, rt_list_slot(a, i));
        rt_value_clone(b->elem, slot + tuple_t->fields[1].offset, rt_list_slot(b, i));
    }
    r->len = n;
    return r;
}

int64_t rt_list_sum_int(const RtList *l, int64_t start, const RtLoc *loc) {
    int64_t s = start;
    const int64_t *v = (const int64_t *)l->data;
    for (int64_t i = 0; i < l->len; i++)
        if (__builtin_add_overflow(s, v[i], &s)) rt_panic_overflow(loc);
    return s;
}

double rt_list_sum_float(const RtList *l, double start) {
    double s = start;
    const double *v = (const double *)l->data;
    for (int64_t i = 0; i < l->len; i++) s += v[i];
    return s;
}

/* any()/all() of a list[bool] (one byte per element). */
bool rt_list_any(const RtList *l) {
    for (int64_t i = 0; i < l->len; i++)
        if (l->data[i]) return true;
    return false;
}

bool rt_list_all(const RtList *l) {
    for (int64_t i = 0; i < l->len; i++)
        if (!l->data[i]) return false;
    return true;
}

/* min()/max() of a list: a clone of the first smallest (largest) element
 * into *out; an empty list panics like Python's ValueError. */
void rt_list_minmax(const RtList *l, bool is_max, void *out, const RtLoc *loc) {
    if (l->len == 0) rt_panic(is_max ? "max() arg is an empty sequence" : "min() arg is an empty sequence", loc);
    int64_t best = 0;
    for (int64_t i = 1; i < l->len; i++) {
        int c = rt_value_cmp(l->elem, rt_list_slot(l, i), rt_list_slot(l, best));
        if (is_max ? c > 0 : c < 0) best = i;
    }
    rt_value_clone(l->elem, out, rt_list_slot(l, best));
}

/* set(l): a new set of clones of the elements. */
RtSet *rt_set_from_list(const RtList *l) {
    RtSet *s = rt_set_new(l->elem);
    unsigned char *tmp = rt_alloc(l->elem->size ? l->elem->size : 1);
    for (int64_t i = 0; i < l->len; i++) {
        rt_value_clone(l->elem, tmp, rt_list_slot(l, i));
        (void)rt_set_add(s, tmp);
    }
    rt_free(tmp);
    return s;
}

/* list(s) of a set: clones in the set's order. */
RtList *rt_list_from_set(const RtSet *s, const RtType *elem) {
    RtList *l = rt_list_new(elem, rt_set_len(s));
    int64_t n = rt_set_slots(s);
    for (int64_t i = 0; i < n; i++) {
        void *e;
        if (!rt_set_entry(s, i, &e)) continue;
        rt_value_clone(elem, rt_list_slot(l, l->len), e);
        l->len++;
    }
    return l;
}

/* A dict from a list of (key, value) pairs laid out as pair_t (dict
 * comprehensions): clones; a later pair replaces an earlier equal key. */
RtDict *rt_dict_from_pairs(const RtList *pairs, const RtType *key_t, const RtType *val_t) {
    RtDict *d = rt_dict_new(key_t, val_t);
    const RtType *pt = pairs->elem;
    unsigned char *k = rt_alloc(key_t->size ? key_t->size : 1);
    unsigned char *v = rt_alloc(val_t->size ? val_t->size : 1);
    for (int64_t i = 0; i < pairs->len; i++) {
        const unsigned char *slot = rt_list_slot(pairs, i);
        rt_value_clone(key_t, k, slot + pt->fields[0].offset);
        rt_value_clone(val_t, v, slot + pt->fields[1].offset);
        rt_dict_set(d, k, v);
    }
    rt_free(k);
    rt_free(v);
    return d;
}

/* ---- bytes() constructors -------------------------------------------------- */

/* bytes(n): n zero bytes (Python raises ValueError "negative count"). */
RtStr *rt_bytes_zeros(int64_t n, const RtLoc *loc) {
    if (n < 0) rt_panic("negative count", loc);
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)n + 1);
    for (int64_t i = 0; i < n; i++) rt_buf_putc(&b, 0);
    return rt_buf_finish(&b);
}

/* bytes(list[int]): one byte per item, each in 0..255. */
RtStr *rt_bytes_from_list(const RtList *l, const RtLoc *loc) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)l->len + 1);
    const int64_t *items = (const int64_t *)(const void *)l->data;
    for (int64_t i = 0; i < l->len; i++) {
        if (items[i] < 0 || items[i] > 255) {
            rt_buf_free(&b);
            rt_panic("bytes must be in range(0, 256)", loc);
        }
        rt_buf_putc(&b, (char)items[i]);
    }
    return rt_buf_finish(&b);
}
