/* Dicts and sets: insertion order across deletion and reinsertion, replace
 * semantics and ownership, growth to 100k entries with int and str keys,
 * compaction after mass deletion, keys/values/items, tuple keys, set
 * algebra and printing. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sifr_rt.h"

static RtStr *S(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }

static const RtType *const p_str_int[] = {&rt_type_str, &rt_type_int};
static const RtType t_dict_str_int = {.kind = RT_K_DICT, .size = 8, .align = 8, .nparams = 2,
                                      .params = p_str_int};
static const RtType *const p_int_int[] = {&rt_type_int, &rt_type_int};
static const RtType t_dict_int_int = {.kind = RT_K_DICT, .size = 8, .align = 8, .nparams = 2,
                                      .params = p_int_int};
static const RtType *const p_int[] = {&rt_type_int};
static const RtType t_set_int = {.kind = RT_K_SET, .size = 8, .align = 8, .nparams = 1,
                                 .params = p_int};
static const RtType *const p_str[] = {&rt_type_str};
static const RtType t_set_str = {.kind = RT_K_SET, .size = 8, .align = 8, .nparams = 1,
                                 .params = p_str};

typedef struct {
    RtStr *k;
    int64_t v;
} StrInt;
static const RtField si_fields[] = {{NULL, 0, &rt_type_str}, {NULL, 8, &rt_type_int}};
static const RtType t_str_int = {.kind = RT_K_TUPLE, .size = 16, .align = 8, .nfields = 2,
                                 .fields = si_fields};
static const RtType *const p_si[] = {&t_str_int};
static const RtType t_list_si = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1,
                                 .params = p_si};

static void set_si(RtDict *d, const char *k, int64_t v) {
    RtStr *key = S(k);
    rt_dict_set(d, &key, &v);
}

static int64_t *get_si(RtDict *d, const char *k) {
    RtStr *key = S(k);
    int64_t *v = rt_dict_get(d, &key);
    rt_str_drop(key);
    return v;
}

static void expect_repr(const RtType *t, const void *v, const char *text) {
    RtStr *s = rt_value_repr(t, v);
    cr_expect_str_eq(s->data, text);
    rt_str_drop(s);
}

Test(rt_dict, insertion_order_delete_reinsert) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_int);
    set_si(d, "a", 1);
    set_si(d, "b", 2);
    set_si(d, "c", 3);
    set_si(d, "b", 20); /* replace keeps the position */
    expect_repr(&t_dict_str_int, &d, "{\"a\": 1, \"b\": 20, \"c\": 3}");
    RtStr *k = S("a");
    int64_t out = 0;
    cr_expect(rt_dict_remove(d, &k, &out));
    cr_expect_eq(out, 1);
    cr_expect_not(rt_dict_remove(d, &k, NULL));
    rt_str_drop(k);
    set_si(d, "a", 100); /* reinsertion goes to the end, as in Python */
    expect_repr(&t_dict_str_int, &d, "{\"b\": 20, \"c\": 3, \"a\": 100}");
    cr_expect_eq(rt_dict_len(d), 3);
    cr_expect_eq(*get_si(d, "c"), 3);
    cr_expect_null(get_si(d, "zz"));
    k = S("b");
    cr_expect(rt_dict_contains(d, &k));
    rt_str_drop(k);

    /* Iteration by slots skips the dead entry. */
    int64_t live = 0;
    for (int64_t i = 0; i < rt_dict_slots(d); i++) {
        void *key, *val;
        if (!rt_dict_entry(d, i, &key, &val)) continue;
        live++;
    }
    cr_expect_eq(live, 3);

    RtList *keys = rt_dict_keys(d), *vals = rt_dict_values(d);
    RtList *items = rt_dict_items(d, &t_str_int);
    static const RtType *const pk[] = {&rt_type_str};
    static const RtType t_ls = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1, .params = pk};
    static const RtType *const pv[] = {&rt_type_int};
    static const RtType t_li = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1, .params = pv};
    expect_repr(&t_ls, &keys, "[\"b\", \"c\", \"a\"]");
    expect_repr(&t_li, &vals, "[20, 3, 100]");
    expect_repr(&t_list_si, &items, "[(\"b\", 20), (\"c\", 3), (\"a\", 100)]");
    rt_list_drop(keys);
    rt_list_drop(vals);
    rt_list_drop(items);
    rt_dict_drop(d);
}

Test(rt_dict, growth_100k_int_keys) {
    RtDict *d = rt_dict_new(&rt_type_int, &rt_type_int);
    for (int64_t i = 0; i < 100000; i++) {
        int64_t k = i * 7919, v = i;
        rt_dict_set(d, &k, &v);
    }
    cr_expect_eq(rt_dict_len(d), 100000);
    for (int64_t i = 0; i < 100000; i++) {
        int64_t k = i * 7919;
        int64_t *v = rt_dict_get(d, &k);
        cr_assert_not_null(v);
        cr_assert_eq(*v, i);
        k++;
        cr_assert_null(rt_dict_get(d, &k));
    }
    /* Delete all but every 100th: compaction keeps order and contents. */
    for (int64_t i = 0; i < 100000; i++) {
        if (i % 100 == 0) continue;
        int64_t k = i * 7919;
        cr_assert(rt_dict_remove(d, &k, NULL));
    }
    cr_expect_eq(rt_dict_len(d), 1000);
    for (int64_t i = 0; i < 50; i++) { /* insertions trigger the rebuild */
        int64_t k = -1 - i, v = i;
        rt_dict_set(d, &k, &v);
    }
    cr_expect_lt(rt_dict_slots(d), 5000);
    int64_t expect = 0, seen = 0;
    for (int64_t s = 0; s < rt_dict_slots(d); s++) {
        void *k, *v;
        if (!rt_dict_entry(d, s, &k, &v)) continue;
        if (seen < 1000) {
            cr_assert_eq(*(int64_t *)k, expect * 7919);
            expect += 100;
        } else {
            cr_assert_eq(*(int64_t *)k, -1 - (seen - 1000));
        }
        seen++;
    }
    cr_expect_eq(seen, 1050);
    RtDict *c;
    rt_value_clone(&t_dict_int_int, &c, &d);
    cr_expect(rt_value_eq(&t_dict_int_int, &c, &d));
    int64_t k0 = 0;
    rt_dict_remove(c, &k0, NULL);
    cr_expect_not(rt_value_eq(&t_dict_int_int, &c, &d));
    rt_dict_drop(c);
    rt_dict_drop(d);
}

Test(rt_dict, growth_100k_str_keys_word_counts) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_int);
    char buf[32];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 100000; i++) {
            int n = snprintf(buf, sizeof buf, "w%d", i);
            RtStr *k = rt_str_new(buf, n);
            int64_t *v = rt_dict_get(d, &k);
            if (v) {
                (*v)++;
                rt_str_drop(k);
            } else {
                int64_t one = 1;
                rt_dict_set(d, &k, &one);
            }
        }
    }
    cr_expect_eq(rt_dict_len(d), 100000);
    for (int i = 0; i < 100000; i += 333) {
        snprintf(buf, sizeof buf, "w%d", i);
        int64_t *v = get_si(d, buf);
        cr_assert_not_null(v);
        cr_assert_eq(*v, 2);
    }
    rt_dict_drop(d);
}

Test(rt_dict, tuple_keys_and_replace_ownership) {
    static const RtType *const p_tk[] = {&t_str_int, &rt_type_str};
    static const RtType t_d = {.kind = RT_K_DICT, .size = 8, .align = 8, .nparams = 2, .params = p_tk};
    RtDict *d = rt_dict_new(&t_str_int, &rt_type_str);
    StrInt k = {S("x"), 1};
    RtStr *v = S("first");
    rt_dict_set(d, &k, &v);
    StrInt k2 = {S("x"), 1}; /* equal key: taken and dropped on replace */
    v = S("second");
    rt_dict_set(d, &k2, &v);
    cr_expect_eq(rt_dict_len(d), 1);
    expect_repr(&t_d, &d, "{(\"x\", 1): \"second\"}");
    StrInt probe = {S("x"), 2};
    cr_expect_not(rt_dict_contains(d, &probe));
    probe.v = 1;
    RtStr *out;
    cr_expect(rt_dict_remove(d, &probe, &out));
    cr_expect_str_eq(out->data, "second");
    rt_str_drop(out);
    rt_str_drop(probe.k);
    cr_expect_eq(rt_dict_len(d), 0);
    rt_dict_drop(d);
}

/* ---- sets ---------------------------------------------------------------- */

static RtSet *int_set(int n, const int64_t *v) {
    RtSet *s = rt_set_new(&rt_type_int);
    for (int i = 0; i < n; i++) rt_set_add(s, &v[i]);
    return s;
}

Test(rt_set, add_remove_order) {
    const int64_t v[] = {5, 1, 5, 3, 1};
    RtSet *s = int_set(5, v);
    cr_expect_eq(rt_set_len(s), 3);
    expect_repr(&t_set_int, &s, "{5, 1, 3}");
    cr_expect(rt_set_remove(s, &v[0]));
    cr_expect_not(rt_set_remove(s, &v[0]));
    cr_expect_not(rt_set_contains(s, &v[0]));
    cr_expect(rt_set_add(s, &v[0]));
    expect_repr(&t_set_int, &s, "{1, 3, 5}");
    int64_t n = 0;
    for (int64_t i = 0; i < rt_set_slots(s); i++) {
        void *e;
        if (rt_set_entry(s, i, &e)) n++;
    }
    cr_expect_eq(n, 3);
    rt_set_drop(s);
}

Test(rt_set, str_elements_ownership) {
    RtSet *s = rt_set_new(&rt_type_str);
    RtStr *a = S("a"), *a2 = S("a"), *b = S("b");
    cr_expect(rt_set_add(s, &a));
    cr_expect_not(rt_set_add(s, &a2)); /* dropped by the set */
    cr_expect(rt_set_add(s, &b));
    RtStr *probe = S("b");
    cr_expect(rt_set_contains(s, &probe));
    cr_expect(rt_set_remove(s, &probe));
    rt_str_drop(probe);
    expect_repr(&t_set_str, &s, "{\"a\"}");
    rt_set_drop(s);
}

Test(rt_set, algebra) {
    const int64_t av[] = {1, 2, 3, 4}, bv[] = {3, 4, 5};
    RtSet *a = int_set(4, av), *b = int_set(3, bv);
    RtSet *u = rt_set_union(a, b), *i = rt_set_intersection(a, b), *d = rt_set_difference(a, b);
    expect_repr(&t_set_int, &u, "{1, 2, 3, 4, 5}");
    expect_repr(&t_set_int, &i, "{3, 4}");
    expect_repr(&t_set_int, &d, "{1, 2}");
    RtSet *e = rt_set_difference(i, a);
    expect_repr(&t_set_int, &e, "set()");
    const int64_t rv[] = {4, 3};
    RtSet *r = int_set(2, rv);
    cr_expect(rt_value_eq(&t_set_int, &r, &i));
    cr_expect_eq(rt_value_hash(&t_set_int, &r), rt_value_hash(&t_set_int, &i));
    RtSet *c;
    rt_value_clone(&t_set_int, &c, &u);
    cr_expect(rt_value_eq(&t_set_int, &c, &u));
    rt_set_drop(c);
    rt_set_drop(r);
    rt_set_drop(e);
    rt_set_drop(a);
    rt_set_drop(b);
    rt_set_drop(u);
    rt_set_drop(i);
    rt_set_drop(d);
}

Test(rt_set, str_set_union_clones) {
    RtSet *a = rt_set_new(&rt_type_str), *b = rt_set_new(&rt_type_str);
    const char *aw[] = {"x", "y"}, *bw[] = {"y", "z"};
    for (int k = 0; k < 2; k++) {
        RtStr *s = S(aw[k]);
        rt_set_add(a, &s);
        s = S(bw[k]);
        rt_set_add(b, &s);
    }
    RtSet *u = rt_set_union(a, b);
    rt_set_drop(a);
    rt_set_drop(b);
    expect_repr(&t_set_str, &u, "{\"x\", \"y\", \"z\"}");
    rt_set_drop(u);
}

/* ---- the operations behind the language's syntax ------------------------ */

static const RtType *const p_str_list[] = {&rt_type_str, &t_list_si};

Test(rt_dict, get_clone_get_or_pop_or) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_str);
    RtStr *k = S("k"), *v = S("value");
    rt_dict_set(d, &k, &v);
    RtStr *key = S("k"), *missing = S("m"), *dflt = S("dflt");
    RtStr *out = NULL;
    cr_expect(rt_dict_get_clone(d, &key, &out));
    cr_expect_str_eq(out->data, "value");
    rt_str_drop(out);
    cr_expect_not(rt_dict_get_clone(d, &missing, &out));
    rt_dict_get_or(d, &missing, &dflt, &out);
    cr_expect_str_eq(out->data, "dflt");
    rt_str_drop(out);
    rt_dict_get_or(d, &key, &dflt, &out);
    cr_expect_str_eq(out->data, "value");
    rt_str_drop(out);
    /* pop_or moves the stored value out, or clones the default */
    rt_dict_pop_or(d, &key, &dflt, &out);
    cr_expect_str_eq(out->data, "value");
    rt_str_drop(out);
    cr_expect_eq(rt_dict_len(d), 0);
    rt_dict_pop_or(d, &key, &dflt, &out);
    cr_expect_str_eq(out->data, "dflt");
    rt_str_drop(out);
    rt_str_drop(key);
    rt_str_drop(missing);
    rt_str_drop(dflt);
    rt_dict_drop(d);
}

Test(rt_dict, setdefault_returns_the_stored_value) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_int);
    RtStr *k = S("a");
    int64_t v = 1;
    int64_t *p = rt_dict_setdefault(d, &k, &v);
    cr_expect_eq(*p, 1);
    *p = 5; /* a borrow of the slot: writes reach the dict */
    k = S("a");
    v = 100;
    p = rt_dict_setdefault(d, &k, &v); /* present: key and value are dropped */
    cr_expect_eq(*p, 5);
    cr_expect_eq(*get_si(d, "a"), 5);
    cr_expect_eq(rt_dict_len(d), 1);
    rt_dict_drop(d);
}

Test(rt_dict, update_clear_and_reuse) {
    RtDict *a = rt_dict_new(&rt_type_str, &rt_type_int), *b = rt_dict_new(&rt_type_str, &rt_type_int);
    set_si(a, "x", 1);
    set_si(a, "y", 2);
    set_si(b, "y", 20);
    set_si(b, "z", 30);
    rt_dict_update(a, b);
    rt_dict_update(a, a);
    expect_repr(&t_dict_str_int, &a, "{\"x\": 1, \"y\": 20, \"z\": 30}");
    expect_repr(&t_dict_str_int, &b, "{\"y\": 20, \"z\": 30}");
    rt_dict_clear(a);
    cr_expect_eq(rt_dict_len(a), 0);
    expect_repr(&t_dict_str_int, &a, "{}");
    set_si(a, "w", 4);
    expect_repr(&t_dict_str_int, &a, "{\"w\": 4}");
    rt_dict_drop(a);
    rt_dict_drop(b);
}

Test(rt_dict, update_with_list_values_clones) {
    RtDict *a = rt_dict_new(&rt_type_str, &t_list_si), *b = rt_dict_new(&rt_type_str, &t_list_si);
    RtStr *k = S("l");
    RtList *l = rt_list_new(&t_str_int, 0);
    StrInt e = {S("e"), 1};
    rt_list_push(l, &e);
    rt_dict_set(b, &k, &l);
    rt_dict_update(a, b);
    rt_dict_drop(b); /* a owns its own copy */
    static const RtType t = {.kind = RT_K_DICT, .size = 8, .align = 8, .nparams = 2, .params = p_str_list};
    expect_repr(&t, &a, "{\"l\": [(\"e\", 1)]}");
    rt_dict_drop(a);
}

Test(rt_dict, iteration_slots_skip_deleted) {
    RtDict *d = rt_dict_new(&rt_type_int, &rt_type_int);
    for (int64_t i = 0; i < 6; i++) {
        int64_t v = i * 10;
        rt_dict_set(d, &i, &v);
    }
    int64_t k = 2;
    rt_dict_del(d, &k, NULL);
    k = 0;
    rt_dict_del(d, &k, NULL);
    int64_t seen[6], n = 0, len = rt_dict_len(d);
    for (int64_t s = rt_dict_next_slot(d, 0, len, NULL); s >= 0; s = rt_dict_next_slot(d, s + 1, len, NULL)) {
        cr_expect_eq(*(int64_t *)rt_dict_value_at(d, s), *(int64_t *)rt_dict_key_at(d, s) * 10);
        seen[n++] = *(int64_t *)rt_dict_key_at(d, s);
    }
    cr_assert_eq(n, 4);
    cr_expect_eq(seen[0], 1);
    cr_expect_eq(seen[1], 3);
    cr_expect_eq(seen[2], 4);
    cr_expect_eq(seen[3], 5);
    rt_dict_drop(d);
}

Test(rt_set, iteration_remove_clear_subset_symdiff) {
    RtSet *a = rt_set_new(&rt_type_int), *b = rt_set_new(&rt_type_int);
    for (int64_t i = 1; i <= 4; i++) rt_set_add(a, &i);
    for (int64_t i = 3; i <= 5; i++) rt_set_add(b, &i);
    int64_t x = 1;
    rt_set_remove_or_panic(a, &x, NULL);
    int64_t sum = 0, len = rt_set_len(a);
    for (int64_t s = rt_set_next_slot(a, 0, len, NULL); s >= 0; s = rt_set_next_slot(a, s + 1, len, NULL))
        sum += *(int64_t *)rt_set_elem_at(a, s);
    cr_expect_eq(sum, 2 + 3 + 4);
    RtSet *sd = rt_set_symmetric_difference(a, b);
    expect_repr(&t_set_int, &sd, "{2, 5}");
    RtSet *small = rt_set_new(&rt_type_int);
    x = 3;
    rt_set_add(small, &x);
    cr_expect(rt_set_issubset(small, a));
    cr_expect(rt_set_issubset(small, b));
    cr_expect_not(rt_set_issubset(a, b));
    rt_set_update(small, b);
    expect_repr(&t_set_int, &small, "{3, 4, 5}");
    rt_set_clear(a);
    cr_expect_eq(rt_set_len(a), 0);
    expect_repr(&t_set_int, &a, "set()");
    rt_set_drop(a);
    rt_set_drop(b);
    rt_set_drop(sd);
    rt_set_drop(small);
}

/* ---- set with a lent key, and the last-lookup hint --------------------- */

/* rt_dict_set_ref leaves the key with the caller: an update stores the
 * value only, an insertion keeps a clone (the caller's key is dropped here
 * right after and the dict's must survive). */
Test(rt_dict, set_ref_lends_the_key) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_int);
    RtStr *k = S("word");
    int64_t v = 1;
    rt_dict_set_ref(d, &k, &v);
    v = 2;
    rt_dict_set_ref(d, &k, &v);
    rt_str_drop(k);
    cr_expect_eq(rt_dict_len(d), 1);
    cr_expect_eq(*get_si(d, "word"), 2);
    RtStr *e = S("");
    v = 7;
    rt_dict_set_ref(d, &e, &v);
    rt_str_drop(e);
    cr_expect_eq(*get_si(d, ""), 7);
    expect_repr(&t_dict_str_int, &d, "{\"word\": 2, \"\": 7}");
    rt_dict_drop(d);
}

/* The hint names the entry of the last successful lookup; stores of other
 * keys, of a deleted key, and after the table was rebuilt must not use it. */
Test(rt_dict, hint_never_misleads) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_int);
    set_si(d, "a", 1);
    int64_t zero = 0, got;
    RtStr *ka = S("a"), *kb = S("b");
    rt_dict_get_or(d, &ka, &zero, &got); /* hint: "a" */
    cr_expect_eq(got, 1);
    int64_t v = 5;
    rt_dict_set_ref(d, &kb, &v); /* another key: inserts */
    cr_expect_eq(rt_dict_len(d), 2);
    cr_expect_eq(*get_si(d, "a"), 1);
    rt_dict_get_or(d, &ka, &zero, &got); /* hint: "a" again */
    cr_expect(rt_dict_remove(d, &ka, NULL));
    v = 9;
    rt_dict_set_ref(d, &ka, &v); /* deleted: a new entry, after "b" */
    expect_repr(&t_dict_str_int, &d, "{\"b\": 5, \"a\": 9}");
    /* grow far past the first table: entries move, the hint is reset */
    rt_dict_get_or(d, &kb, &zero, &got);
    char name[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "k%d", i);
        set_si(d, name, i);
    }
    v = 6;
    rt_dict_set_ref(d, &kb, &v);
    cr_expect_eq(*get_si(d, "b"), 6);
    cr_expect_eq(*get_si(d, "k999"), 999);
    cr_expect_eq(rt_dict_len(d), 1002);
    /* taking set after a lookup of the same key: replaces, drops the key */
    rt_dict_get_or(d, &ka, &zero, &got);
    set_si(d, "a", 10);
    cr_expect_eq(*get_si(d, "a"), 10);
    cr_expect_eq(rt_dict_len(d), 1002);
    rt_str_drop(ka);
    rt_str_drop(kb);
    rt_dict_drop(d);
}

/* Keys of every length up to 40 bytes that differ only in their last byte
 * (the short-key comparison reads the head and tail words). */
Test(rt_dict, short_key_compare_every_length) {
    RtDict *d = rt_dict_new(&rt_type_str, &rt_type_int);
    char buf[41];
    for (int n = 1; n <= 40; n++)
        for (char last = 'a'; last <= 'c'; last++) {
            memset(buf, 'x', (size_t)n);
            buf[n - 1] = last;
            buf[n] = 0;
            set_si(d, buf, n * 10 + (last - 'a'));
        }
    cr_expect_eq(rt_dict_len(d), 120);
    for (int n = 1; n <= 40; n++)
        for (char last = 'a'; last <= 'c'; last++) {
            memset(buf, 'x', (size_t)n);
            buf[n - 1] = last;
            buf[n] = 0;
            int64_t *v = get_si(d, buf);
            cr_assert(v, "missing %s", buf);
            cr_expect_eq(*v, n * 10 + (last - 'a'), "value of %s", buf);
        }
    rt_dict_drop(d);
}
