/* Runtime support of function values: sorting a list by a key function
 * (`sorted(xs, key=f)`, `xs.sort(key=f)`). The key closure is called
 * through a thunk the code generator makes for the element and key types,
 * once per element, and the elements are ordered by their keys with the
 * stable merge sort of rt_list.c (rt_sort_slots), as Python does. */
#include <string.h>

#include "rt_internal.h"
#include "sifr_rt.h"

void rt_list_sort_key(RtList *l, const RtClosure *key, const RtType *key_type, RtKeyThunk thunk, bool reverse) {
    int64_t n = l->len;
    if (n == 0) return;
    size_t ks = key_type->size ? key_type->size : 1, es = l->elem->size;
    unsigned char *keys = rt_alloc((size_t)n * ks);
    /* every key first, in list order (the key function may print) */
    for (int64_t i = 0; i < n; i++) thunk(key, l->data + (size_t)i * es, keys + (size_t)i * ks);
    if (n > 1) {
        /* sort pointers to the keys; each one's offset gives its element */
        unsigned char **order = rt_alloc((size_t)n * sizeof *order);
        for (int64_t i = 0; i < n; i++) order[i] = keys + (size_t)i * ks;
        rt_sort_slots(key_type, reverse, order, n);
        if (es) {
            unsigned char *sorted = rt_alloc((size_t)n * es);
            for (int64_t i = 0; i < n; i++) {
                size_t from = (size_t)(order[i] - keys) / ks;
                memcpy(sorted + (size_t)i * es, l->data + from * es, es);
            }
            memcpy(l->data, sorted, (size_t)n * es);
            rt_free(sorted);
        }
        rt_free(order);
    }
    for (int64_t i = 0; i < n; i++) rt_value_drop(key_type, keys + (size_t)i * ks);
    rt_free(keys);
}
