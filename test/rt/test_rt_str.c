/* Runtime strings: construction, clone/drop of literals and heap strings,
 * concatenation and join, equality and ordering, UTF-8 length, repr escapes
 * and str() of ints, bools and None. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "sifr_rt.h"

static RtStr *lit(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }

/* A literal as codegen emits it: constant data with cap == RT_STR_STATIC. */
static struct {
    int64_t len, cap;
    char data[6];
} static_hello = {5, RT_STR_STATIC, "hello"};
#define STATIC_HELLO ((RtStr *)&static_hello)

Test(rt_str, new_copies_and_terminates) {
    char src[] = "abc";
    RtStr *s = rt_str_new(src, 3);
    src[0] = 'x';
    cr_expect_eq(s->len, 3);
    cr_expect_eq(s->cap, 3);
    cr_expect_str_eq(s->data, "abc");
    cr_expect_eq(s->data[3], '\0');
    rt_str_drop(s);
    RtStr *e = rt_str_new(NULL, 0);
    cr_expect_eq(e->len, 0);
    cr_expect_eq(e->data[0], '\0');
    rt_str_drop(e);
}

Test(rt_str, literals_are_never_freed) {
    RtStr *c = rt_str_clone(STATIC_HELLO);
    cr_expect_str_eq(c->data, "hello");
    rt_str_drop(c);
    rt_str_drop(STATIC_HELLO); /* a free of static data would crash here */
    rt_str_drop(NULL);
    cr_expect_str_eq(static_hello.data, "hello");
}

Test(rt_str, clone_of_heap_string_is_independent) {
    RtStr *a = lit("owned");
    RtStr *b = rt_str_clone(a);
    cr_expect_neq(a, b);
    cr_expect(rt_str_eq(a, b));
    rt_str_drop(a);
    cr_expect_str_eq(b->data, "owned");
    rt_str_drop(b);
}

Test(rt_str, concat_and_join) {
    RtStr *a = lit("foo"), *b = lit("bär");
    RtStr *ab = rt_str_concat(a, b);
    cr_expect_str_eq(ab->data, "foobär");
    cr_expect_eq(ab->len, 7);
    RtStr *empty = lit("");
    RtStr *ae = rt_str_concat(empty, a);
    cr_expect_str_eq(ae->data, "foo");
    RtStr *parts[] = {a, empty, STATIC_HELLO, b};
    RtStr *j = rt_str_join_parts(4, parts);
    cr_expect_str_eq(j->data, "foohellobär");
    RtStr *none = rt_str_join_parts(0, NULL);
    cr_expect_eq(none->len, 0);
    cr_expect_str_eq(none->data, "");
    rt_str_drop(a);
    rt_str_drop(b);
    rt_str_drop(ab);
    rt_str_drop(empty);
    rt_str_drop(ae);
    rt_str_drop(j);
    rt_str_drop(none);
}

Test(rt_str, eq_and_cmp) {
    RtStr *a = lit("abc"), *a2 = lit("abc"), *b = lit("abd"), *pre = lit("ab"), *e = lit("");
    RtStr *hi = rt_str_new("a\xff", 2), *emb = rt_str_new("ab\0c", 4);
    cr_expect(rt_str_eq(a, a2));
    cr_expect_not(rt_str_eq(a, b));
    cr_expect_not(rt_str_eq(a, pre));
    cr_expect_not(rt_str_eq(pre, emb));
    cr_expect_eq(rt_str_cmp(a, a2), 0);
    cr_expect_lt(rt_str_cmp(a, b), 0);
    cr_expect_gt(rt_str_cmp(b, a), 0);
    cr_expect_lt(rt_str_cmp(pre, a), 0);  /* a prefix sorts first */
    cr_expect_gt(rt_str_cmp(a, pre), 0);
    cr_expect_lt(rt_str_cmp(e, pre), 0);
    cr_expect_gt(rt_str_cmp(hi, a), 0);   /* bytes compare unsigned */
    cr_expect_gt(rt_str_cmp(emb, pre), 0);
    RtStr *all[] = {a, a2, b, pre, e, hi, emb};
    for (size_t i = 0; i < 7; i++) rt_str_drop(all[i]);
}

Test(rt_str, len_counts_code_points) {
    static const struct { const char *s; int64_t want; } cases[] = {
        {"", 0}, {"abc", 3}, {"héllo", 5}, {"日本語", 3}, {"😀x", 2}, {"naïve café", 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RtStr *s = lit(cases[i].s);
        cr_expect_eq(rt_str_len(s), cases[i].want, "len(\"%s\")", cases[i].s);
        rt_str_drop(s);
    }
}

Test(rt_str, repr_escapes) {
    static const struct { const char *s; int64_t len; const char *want; } cases[] = {
        {"4", 1, "\"4\""},
        {"", 0, "\"\""},
        {"a\"b", 3, "\"a\\\"b\""},
        {"back\\slash", 10, "\"back\\\\slash\""},
        {"l1\nl2\r\t", 7, "\"l1\\nl2\\r\\t\""},
        {"\x01\x1f\x7f", 3, "\"\\x01\\x1f\\x7f\""},
        {"nul\0", 4, "\"nul\\x00\""},
        {"it's", 4, "\"it's\""},
        {"héllo 日本 😀", 18, "\"héllo 日本 😀\""},
        {"\xc2\x85", 2, "\"\\x85\""},            /* U+0085, a C1 control */
        {"\xc2\xa0", 2, "\"\\xa0\""},            /* no-break space */
        {"\xe2\x80\xa8", 3, "\"\\u2028\""},      /* line separator */
        {"\xff", 1, "\"\\xff\""},                /* not UTF-8: shown as a byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RtStr *s = rt_str_new(cases[i].s, cases[i].len);
        RtStr *r = rt_str_repr(s);
        cr_expect_str_eq(r->data, cases[i].want, "repr case %zu", i);
        rt_str_drop(r);
        rt_str_drop(s);
    }
}

Test(rt_str, str_of_scalars) {
    static const struct { int64_t v; const char *want; } ints[] = {
        {0, "0"}, {7, "7"}, {-7, "-7"}, {1000000, "1000000"},
        {INT64_MAX, "9223372036854775807"}, {INT64_MIN, "-9223372036854775808"},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        RtStr *s = rt_str_from_int(ints[i].v);
        cr_expect_str_eq(s->data, ints[i].want);
        cr_expect_eq(s->len, (int64_t)strlen(ints[i].want));
        rt_str_drop(s);
    }
    RtStr *t = rt_str_from_bool(true), *f = rt_str_from_bool(false), *n = rt_str_none();
    cr_expect_str_eq(t->data, "true");
    cr_expect_str_eq(f->data, "false");
    cr_expect_str_eq(n->data, "None");
    rt_str_drop(t);
    rt_str_drop(f);
    rt_str_drop(n);
}

Test(rt_str, alloc_helpers) {
    char *p = rt_alloc(0);
    cr_assert_not_null(p);
    p = rt_realloc(p, 100);
    memset(p, 'x', 100);
    p = rt_realloc(p, 10000);
    cr_expect_eq(p[99], 'x');
    rt_free(p);
    rt_free(NULL);
}
