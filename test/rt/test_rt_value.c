/* Descriptor-driven generic operations: drop/clone/eq/hash/cmp over nested
 * types (lists of tuples of str, dicts of str -> list[int], options of
 * classes, results of lists), every printing form of SPEC section 3, user
 * overrides, class objects and closures. Descriptors are built by hand the
 * way codegen emits them. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sifr_rt.h"

static RtStr *S(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }

/* Compare a fresh RtStr with the expected text, then drop it. */
#define EXPECT_STR(fresh, text)                                                                    \
    do {                                                                                           \
        RtStr *got_ = (fresh);                                                                     \
        cr_expect_str_eq(got_->data, (text));                                                      \
        cr_expect_eq(got_->len, (int64_t)strlen(text));                                            \
        rt_str_drop(got_);                                                                         \
    } while (0)

/* ---- descriptors ---------------------------------------------------------- */

typedef struct {
    int64_t n;
    RtStr *s;
} IntStr;
static const RtField int_str_fields[] = {
    {NULL, offsetof(IntStr, n), &rt_type_int},
    {NULL, offsetof(IntStr, s), &rt_type_str},
};
static const RtType t_int_str = {.kind = RT_K_TUPLE, .size = sizeof(IntStr), .align = 8,
                                 .nfields = 2, .fields = int_str_fields};

static const RtType *const p_int_str[] = {&t_int_str};
static const RtType t_list_int_str = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1,
                                      .params = p_int_str};

static const RtType *const p_int[] = {&rt_type_int};
static const RtType t_list_int = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1,
                                  .params = p_int};
static const RtType *const p_str[] = {&rt_type_str};
static const RtType t_list_str = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1,
                                  .params = p_str};
static const RtType t_set_int = {.kind = RT_K_SET, .size = 8, .align = 8, .nparams = 1,
                                 .params = p_int};
static const RtType *const p_str_listint[] = {&rt_type_str, &t_list_int};
static const RtType t_dict_str_listint = {.kind = RT_K_DICT, .size = 8, .align = 8,
                                          .nparams = 2, .params = p_str_listint};

typedef struct {
    uint8_t tag;
    int64_t v;
} OptInt;
static const RtType t_opt_int = {.kind = RT_K_OPTION, .size = sizeof(OptInt), .align = 8,
                                 .payload_offset = offsetof(OptInt, v), .nparams = 1,
                                 .params = p_int};

/* Class objects start with their header, the dynamic class. */
typedef struct {
    const RtType *cls;
    int64_t x, y;
} Point;
static const RtField point_fields[] = {
    {"x", offsetof(Point, x), &rt_type_int},
    {"y", offsetof(Point, y), &rt_type_int},
};
static const RtType t_point = {.kind = RT_K_CLASS, .size = 8, .align = 8, .name = "Point",
                               .nfields = 2, .fields = point_fields,
                               .object_size = sizeof(Point)};
static const RtType *const p_point[] = {&t_point};
static const RtType t_opt_point = {.kind = RT_K_OPTION_PTR, .size = 8, .align = 8, .nparams = 1,
                                   .params = p_point};

static const RtType t_closed = {.kind = RT_K_CLASS, .size = 8, .align = 8, .name = "ClosedError",
                                .object_size = sizeof(void *), .is_error = true};

typedef struct {
    const RtType *cls;
    RtStr *message;
} WorkerError;
static const RtField worker_fields[] = {{"message", offsetof(WorkerError, message), &rt_type_str}};
static const RtType t_worker = {.kind = RT_K_CLASS, .size = 8, .align = 8, .name = "WorkerError",
                                .nfields = 1, .fields = worker_fields,
                                .object_size = sizeof(WorkerError), .is_error = true};

typedef struct {
    uint8_t tag;
    void *payload; /* list[str] or ClosedError */
} ResListClosed;
static const RtType *const p_liststr_closed[] = {&t_list_str, &t_closed};
static const RtType t_res_list = {.kind = RT_K_RESULT, .size = sizeof(ResListClosed), .align = 8,
                                  .payload_offset = 8, .nparams = 2,
                                  .params = p_liststr_closed};
typedef struct {
    uint8_t tag;
    int64_t v;
} ResInt;
static const RtType *const p_int_closed[] = {&rt_type_int, &t_closed};
static const RtType t_res_int = {.kind = RT_K_RESULT, .size = sizeof(ResInt), .align = 8,
                                 .payload_offset = 8, .nparams = 2, .params = p_int_closed};
static const RtType *const p_none_worker[] = {&rt_type_none, &t_worker};
static const RtType t_res_none = {.kind = RT_K_RESULT, .size = 16, .align = 8,
                                  .payload_offset = 8, .nparams = 2, .params = p_none_worker};

static const char *const color_names[] = {"RED", "GREEN", "BLUE"};
static const RtType t_color = {.kind = RT_K_ENUM, .size = 8, .align = 8, .name = "Color",
                               .nenum = 3, .enum_names = color_names};

/* ---- helpers ---------------------------------------------------------------- */

static RtList *int_list(int n, const int64_t *v) {
    RtList *l = rt_list_new(&rt_type_int, 0);
    for (int i = 0; i < n; i++) rt_list_push(l, &v[i]);
    return l;
}

static void *new_point(int64_t x, int64_t y) {
    Point *p = rt_object_new(&t_point);
    p->x = x;
    p->y = y;
    return p;
}

/* ---- primitives ---------------------------------------------------------------- */

Test(rt_value, primitive_forms) {
    int64_t i = -42;
    double f = 15.0, g = 0.1;
    uint8_t b = 1, nb = 0;
    RtStr *s = S("a\"b\n");
    EXPECT_STR(rt_value_str(&rt_type_int, &i), "-42");
    EXPECT_STR(rt_value_str(&rt_type_float, &f), "15");
    EXPECT_STR(rt_value_repr(&rt_type_float, &g), "0.1");
    EXPECT_STR(rt_value_str(&rt_type_bool, &b), "true");
    EXPECT_STR(rt_value_repr(&rt_type_bool, &nb), "false");
    EXPECT_STR(rt_value_str(&rt_type_none, NULL), "None");
    EXPECT_STR(rt_value_str(&rt_type_str, &s), "a\"b\n");
    EXPECT_STR(rt_value_repr(&rt_type_str, &s), "\"a\\\"b\\n\"");
    rt_str_drop(s);
}

Test(rt_value, bytes_forms) {
    static const struct {
        const char *bytes;
        int len;
        const char *repr;
    } cases[] = {
        /* expected values from python3's repr(bytes) */
        {"hi\n", 3, "b'hi\\n'"},
        {"", 0, "b''"},
        {"it's", 4, "b\"it's\""},
        {"it's \"q\"", 8, "b'it\\'s \"q\"'"},
        {"say \"x\"", 7, "b'say \"x\"'"},
        {"\t\r\\\x00\x7f\x80\xff", 7, "b'\\t\\r\\\\\\x00\\x7f\\x80\\xff'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        RtStr *b = rt_str_new(cases[k].bytes, cases[k].len);
        EXPECT_STR(rt_bytes_repr(b), cases[k].repr);
        EXPECT_STR(rt_value_str(&rt_type_bytes, &b), cases[k].repr);
        rt_str_drop(b);
    }
}

/* ---- containers --------------------------------------------------------------- */

Test(rt_value, list_of_tuples_of_str) {
    RtList *l = rt_list_new(&t_int_str, 0);
    IntStr a = {1, S("a")}, b = {2, S("b\tc")};
    rt_list_push(l, &a);
    rt_list_push(l, &b);
    EXPECT_STR(rt_value_str(&t_list_int_str, &l), "[(1, \"a\"), (2, \"b\\tc\")]");

    RtList *c;
    rt_value_clone(&t_list_int_str, &c, &l);
    cr_expect_neq(c, l);
    cr_expect(rt_value_eq(&t_list_int_str, &c, &l));
    cr_expect_eq(rt_value_hash(&t_list_int_str, &c), rt_value_hash(&t_list_int_str, &l));
    cr_expect_eq(rt_value_cmp(&t_list_int_str, &c, &l), 0);
    IntStr *second = rt_list_at(c, 1, NULL);
    cr_expect_neq(second->s, b.s); /* deep copy */
    rt_str_drop(second->s);
    second->s = S("b");
    cr_expect_not(rt_value_eq(&t_list_int_str, &c, &l));
    cr_expect_lt(rt_value_cmp(&t_list_int_str, &c, &l), 0); /* "b" < "b\tc" */
    rt_value_drop(&t_list_int_str, &c);
    rt_value_drop(&t_list_int_str, &l);
}

Test(rt_value, one_tuple_and_empty_containers) {
    static const RtField one_fields[] = {{NULL, 0, &rt_type_int}};
    static const RtType t_one = {.kind = RT_K_TUPLE, .size = 8, .align = 8, .nfields = 1,
                                 .fields = one_fields};
    static const RtType t_unit = {.kind = RT_K_TUPLE, .size = 0, .align = 1};
    int64_t one = 1;
    EXPECT_STR(rt_value_str(&t_one, &one), "(1,)");
    EXPECT_STR(rt_value_str(&t_unit, NULL), "()");
    RtList *l = rt_list_new(&rt_type_int, 0);
    EXPECT_STR(rt_value_str(&t_list_int, &l), "[]");
    rt_list_drop(l);
    RtSet *s = rt_set_new(&rt_type_int);
    EXPECT_STR(rt_value_str(&t_set_int, &s), "set()");
    for (int64_t i = 1; i <= 2; i++) rt_set_add(s, &i);
    EXPECT_STR(rt_value_str(&t_set_int, &s), "{1, 2}");
    rt_set_drop(s);
    RtDict *d = rt_dict_new(&rt_type_str, &t_list_int);
    EXPECT_STR(rt_value_str(&t_dict_str_listint, &d), "{}");
    rt_dict_drop(d);
}

Test(rt_value, dict_of_str_to_list_int) {
    RtDict *d = rt_dict_new(&rt_type_str, &t_list_int);
    int64_t v[] = {1, 2, 3};
    RtStr *k = S("a");
    RtList *l = int_list(2, v);
    rt_dict_set(d, &k, &l);
    k = S("b\"");
    l = int_list(0, v);
    rt_dict_set(d, &k, &l);
    EXPECT_STR(rt_value_str(&t_dict_str_listint, &d), "{\"a\": [1, 2], \"b\\\"\": []}");

    RtDict *c;
    rt_value_clone(&t_dict_str_listint, &c, &d);
    cr_expect(rt_value_eq(&t_dict_str_listint, &c, &d));
    cr_expect_eq(rt_value_hash(&t_dict_str_listint, &c), rt_value_hash(&t_dict_str_listint, &d));
    /* Same contents inserted in another order: equal, same hash. */
    RtDict *e = rt_dict_new(&rt_type_str, &t_list_int);
    k = S("b\"");
    l = int_list(0, v);
    rt_dict_set(e, &k, &l);
    k = S("a");
    l = int_list(2, v);
    rt_dict_set(e, &k, &l);
    cr_expect(rt_value_eq(&t_dict_str_listint, &e, &d));
    cr_expect_eq(rt_value_hash(&t_dict_str_listint, &e), rt_value_hash(&t_dict_str_listint, &d));
    /* Change one value in the clone. */
    RtStr *ka = S("a");
    RtList **la = rt_dict_get(c, &ka);
    cr_assert_not_null(la);
    rt_list_push(*la, &v[2]);
    cr_expect_not(rt_value_eq(&t_dict_str_listint, &c, &d));
    EXPECT_STR(rt_value_str(&t_dict_str_listint, &c), "{\"a\": [1, 2, 3], \"b\\\"\": []}");
    rt_str_drop(ka);
    rt_value_drop(&t_dict_str_listint, &c);
    rt_value_drop(&t_dict_str_listint, &d);
    rt_value_drop(&t_dict_str_listint, &e);
}

/* ---- Option, Result, classes -------------------------------------------------- */

Test(rt_value, options) {
    OptInt some = {1, 7}, none = {0, 0};
    EXPECT_STR(rt_value_str(&t_opt_int, &some), "7");
    EXPECT_STR(rt_value_str(&t_opt_int, &none), "None");
    cr_expect_not(rt_value_eq(&t_opt_int, &some, &none));
    OptInt none2 = {0, 99}; /* the payload of None is never looked at */
    cr_expect(rt_value_eq(&t_opt_int, &none, &none2));
    cr_expect_eq(rt_value_hash(&t_opt_int, &none), rt_value_hash(&t_opt_int, &none2));

    void *p = new_point(1, 2), *q = NULL, *c = NULL;
    EXPECT_STR(rt_value_str(&t_opt_point, &p), "Point(x=1, y=2)");
    EXPECT_STR(rt_value_str(&t_opt_point, &q), "None");
    rt_value_clone(&t_opt_point, &c, &p);
    cr_expect_neq(c, p);
    cr_expect(rt_value_eq(&t_opt_point, &c, &p));
    cr_expect_not(rt_value_eq(&t_opt_point, &c, &q));
    cr_expect_eq(rt_value_hash(&t_opt_point, &c), rt_value_hash(&t_opt_point, &p));
    rt_value_drop(&t_opt_point, &c);
    rt_value_clone(&t_opt_point, &c, &q);
    cr_expect_null(c);
    rt_value_drop(&t_opt_point, &q);
    rt_value_drop(&t_opt_point, &p);
}

Test(rt_value, option_clone_drop) {
    void *p = new_point(3, 4), *c;
    rt_value_clone(&t_opt_point, &c, &p);
    ((Point *)c)->y = 5;
    EXPECT_STR(rt_value_repr(&t_opt_point, &c), "Point(x=3, y=5)");
    EXPECT_STR(rt_value_repr(&t_opt_point, &p), "Point(x=3, y=4)");
    rt_value_drop(&t_opt_point, &c);
    rt_value_drop(&t_opt_point, &p);
}

Test(rt_value, results) {
    ResInt ok = {0, 7};
    EXPECT_STR(rt_value_str(&t_res_int, &ok), "Ok(7)");
    ResInt err = {1, 0};
    *(void **)&err.v = rt_object_new(&t_closed);
    EXPECT_STR(rt_value_str(&t_res_int, &err), "Err(ClosedError)");
    cr_expect_not(rt_value_eq(&t_res_int, &ok, &err));
    rt_value_drop(&t_res_int, &err);

    ResListClosed r = {0, rt_list_new(&rt_type_str, 0)};
    RtStr *s4 = S("4"), *s5 = S("5");
    rt_list_push(r.payload, &s4);
    rt_list_push(r.payload, &s5);
    EXPECT_STR(rt_value_str(&t_res_list, &r), "Ok([\"4\", \"5\"])");
    ResListClosed c;
    rt_value_clone(&t_res_list, &c, &r);
    cr_expect_neq(c.payload, r.payload);
    cr_expect(rt_value_eq(&t_res_list, &c, &r));
    cr_expect_eq(rt_value_hash(&t_res_list, &c), rt_value_hash(&t_res_list, &r));
    rt_value_drop(&t_res_list, &c);
    rt_value_drop(&t_res_list, &r);

    unsigned char unit[16] = {0};
    EXPECT_STR(rt_value_str(&t_res_none, unit), "Ok(())");
}

Test(rt_value, error_classes) {
    WorkerError *w = rt_object_new(&t_worker);
    w->message = S("disk \"full\"");
    void *wv = w;
    EXPECT_STR(rt_value_str(&t_worker, &wv), "disk \"full\"");
    EXPECT_STR(rt_value_repr(&t_worker, &wv), "WorkerError(message=\"disk \\\"full\\\"\")");
    unsigned char res[16] = {1};
    memcpy(res + 8, &wv, sizeof wv);
    EXPECT_STR(rt_value_str(&t_res_none, res), "Err(WorkerError(message=\"disk \\\"full\\\"\"))");
    rt_value_drop(&t_res_none, res); /* drops the error object too */
    void *ce = rt_object_new(&t_closed);
    EXPECT_STR(rt_value_str(&t_closed, &ce), "ClosedError");
    rt_value_drop(&t_closed, &ce);
}

Test(rt_value, enums_and_functions) {
    int64_t c = 2;
    EXPECT_STR(rt_value_str(&t_color, &c), "BLUE");
    static const RtType t_fn = {.kind = RT_K_FUNC, .size = sizeof(RtClosure), .align = 8};
    RtClosure f = {(void *)rt_str_len, NULL, NULL};
    EXPECT_STR(rt_value_str(&t_fn, &f), "<function>");
    RtClosure g;
    rt_value_clone(&t_fn, &g, &f);
    cr_expect(rt_value_eq(&t_fn, &g, &f));
    rt_value_drop(&t_fn, &g);
}

/* A closure environment is a boxed object: clone copies it, drop frees it. */
Test(rt_value, closure_env) {
    static const RtField env_fields[] = {{"captured", 8, &rt_type_str}};
    static const RtType t_env = {.kind = RT_K_CLASS, .size = 8, .align = 8, .name = "env",
                                 .nfields = 1, .fields = env_fields, .object_size = 16};
    static const RtType t_fn = {.kind = RT_K_FUNC, .size = sizeof(RtClosure), .align = 8};
    RtStr **env = rt_object_new(&t_env);
    env[1] = S("state");
    RtClosure f = {(void *)rt_str_len, env, &t_env}, g;
    rt_value_clone(&t_fn, &g, &f);
    cr_expect_neq(g.env, f.env);
    cr_expect_str_eq(((RtStr **)g.env)[1]->data, "state");
    cr_expect_not(rt_value_eq(&t_fn, &g, &f)); /* different environments */
    rt_value_drop(&t_fn, &g);
    rt_value_drop(&t_fn, &f);
}

/* ---- user overrides ------------------------------------------------------------- */

static int drops_seen;

static RtStr *point_user_str(const void *v) {
    const Point *p = *(void *const *)v;
    char text[64];
    int n = snprintf(text, sizeof text, "<%lld|%lld>", (long long)p->x, (long long)p->y);
    return rt_str_new(text, n);
}

static RtStr *point_user_repr(const void *v) {
    (void)v;
    static struct {
        int64_t len, cap;
        char data[4];
    } lit = {3, RT_STR_STATIC, "P()"};
    return (RtStr *)&lit; /* a literal result is fine: dropping it is a no-op */
}

static bool point_user_eq(const void *a, const void *b) {
    const Point *p = *(void *const *)a, *q = *(void *const *)b;
    return p->x == q->x; /* y is ignored on purpose */
}

static void point_user_drop(void *v) {
    const Point *p = *(void *const *)v;
    drops_seen += (int)p->x;
}

Test(rt_value, user_overrides) {
    RtType t = t_point;
    t.user_str = point_user_str;
    t.user_eq = point_user_eq;
    t.user_drop = point_user_drop;
    void *a = new_point(1, 2), *b = new_point(1, 3);
    ((Point *)a)->cls = ((Point *)b)->cls = &t; /* objects of the overriding class */
    EXPECT_STR(rt_value_str(&t, &a), "<1|2>");
    /* repr uses __repr__ only: without one, the generated form. */
    EXPECT_STR(rt_value_repr(&t, &a), "Point(x=1, y=2)");
    cr_expect(rt_value_eq(&t, &a, &b));
    cr_expect_eq(rt_value_hash(&t, &a), rt_value_hash(&t, &b));
    t.user_repr = point_user_repr;
    EXPECT_STR(rt_value_repr(&t, &a), "P()");
    EXPECT_STR(rt_value_str(&t, &a), "<1|2>");
    t.user_str = NULL; /* str() falls back to __repr__ */
    EXPECT_STR(rt_value_str(&t, &a), "P()");
    drops_seen = 0;
    rt_value_drop(&t, &a);
    rt_value_drop(&t, &b);
    cr_expect_eq(drops_seen, 2);
}

/* Objects of different classes under one base: Python's order of __eq__
 * hooks, a hook standing aside for objects its `other` does not accept. */
Test(rt_value, user_eq_across_classes) {
    RtType base = t_point; /* generated __eq__ */
    RtType wide = t_point, narrow = t_point;
    wide.name = "Wide";
    wide.base = &base;
    wide.user_eq = point_user_eq;
    wide.eq_other = &base; /* `other: Point` */
    narrow.name = "Narrow";
    narrow.base = &base;
    narrow.user_eq = point_user_eq; /* eq_other NULL: `other: Narrow` */
    void *b = new_point(1, 2), *w = new_point(1, 3), *n = new_point(1, 4), *w2 = new_point(1, 5);
    ((Point *)b)->cls = &base;
    ((Point *)w)->cls = ((Point *)w2)->cls = &wide;
    ((Point *)n)->cls = &narrow;
    cr_expect(rt_value_eq(&base, &b, &w));
    cr_expect(rt_value_eq(&base, &w, &b));
    cr_expect(!rt_value_eq(&base, &b, &n));
    cr_expect(!rt_value_eq(&base, &n, &b));
    cr_expect(rt_value_eq(&base, &n, &w)); /* Narrow's stands aside, Wide's answers */
    cr_expect(rt_value_eq(&base, &w, &n));
    /* hand-written __eq__: the root class's name is the hash */
    cr_expect_eq(rt_value_hash(&base, &w), rt_value_hash(&base, &n));
    cr_expect_eq(rt_value_hash(&base, &w), rt_value_hash(&base, &w2));
    rt_value_drop(&base, &b);
    rt_value_drop(&base, &w);
    rt_value_drop(&base, &n);
    rt_value_drop(&base, &w2);
}

/* ---- hashing and ordering ---------------------------------------------------------- */

Test(rt_value, hash_equal_values) {
    int64_t a = 12345, b = 12345, c = 12346;
    cr_expect_eq(rt_value_hash(&rt_type_int, &a), rt_value_hash(&rt_type_int, &b));
    cr_expect_neq(rt_value_hash(&rt_type_int, &a), rt_value_hash(&rt_type_int, &c));
    uint8_t t1 = 1;
    int64_t one = 1;
    cr_expect_eq(rt_value_hash(&rt_type_bool, &t1), rt_value_hash(&rt_type_int, &one));
    double z = 0.0, nz = -0.0;
    cr_expect_eq(rt_value_hash(&rt_type_float, &z), rt_value_hash(&rt_type_float, &nz));
    cr_expect(rt_value_eq(&rt_type_float, &z, &nz));
    RtStr *s1 = S("word"), *s2 = S("word");
    cr_expect_eq(rt_value_hash(&rt_type_str, &s1), rt_value_hash(&rt_type_str, &s2));
    cr_expect_eq(rt_value_hash(&rt_type_str, &s1), rt_str_hash(s1));
    rt_str_drop(s1);
    rt_str_drop(s2);
}

Test(rt_value, ordering) {
    int64_t a = -5, b = 3;
    cr_expect_lt(rt_value_cmp(&rt_type_int, &a, &b), 0);
    cr_expect_gt(rt_value_cmp(&rt_type_int, &b, &a), 0);
    double x = 1.5, y = 1.5;
    cr_expect_eq(rt_value_cmp(&rt_type_float, &x, &y), 0);
    uint8_t f = 0, t = 1;
    cr_expect_lt(rt_value_cmp(&rt_type_bool, &f, &t), 0);
    IntStr p = {1, S("b")}, q = {1, S("ab")}, r = {0, S("z")};
    cr_expect_gt(rt_value_cmp(&t_int_str, &p, &q), 0);
    cr_expect_lt(rt_value_cmp(&t_int_str, &r, &q), 0);
    rt_value_drop(&t_int_str, &p);
    rt_value_drop(&t_int_str, &q);
    rt_value_drop(&t_int_str, &r);
    int64_t v1[] = {1, 2}, v2[] = {1, 2, 0};
    RtList *l1 = int_list(2, v1), *l2 = int_list(3, v2);
    cr_expect_lt(rt_value_cmp(&t_list_int, &l1, &l2), 0);
    rt_list_drop(l1);
    rt_list_drop(l2);
}

/* Death tests hold no heap values when they panic, so that they stay
 * leak-free under valgrind too. */
Test(rt_value, panic_not_orderable, .exit_code = 101) {
    Point p = {&t_point, 1, 2};
    void *a = &p;
    (void)rt_value_cmp(&t_point, &a, &a);
}

/* ---- printing and objects ------------------------------------------------------------ */

Test(rt_value, print_value_writes_str_form) {
    fflush(stdout);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    int saved = dup(1);
    dup2(fds[1], 1);
    int64_t v[] = {4, 5};
    RtList *l = int_list(2, v);
    rt_print_value(&t_list_int, &l);
    RtStr *s = S("text");
    rt_print_value(&rt_type_str, &s);
    rt_print_newline();
    dup2(saved, 1);
    close(fds[1]);
    char buf[64] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    cr_expect_eq(n, 11);
    cr_expect_str_eq(buf, "[4, 5]text\n");
    rt_list_drop(l);
    rt_str_drop(s);
}

Test(rt_value, objects_are_zeroed_and_reused) {
    /* Many allocations and frees of one size class: the pool must hand out
     * zeroed, distinct, writable objects. */
    enum { N = 20000 };
    static void *objs[N];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            Point *p = rt_object_new(&t_point);
            cr_assert_eq(p->x, 0);
            cr_assert_eq(p->y, 0);
            p->x = i;
            p->y = -i;
            objs[i] = p;
        }
        for (int i = 0; i < N; i++) {
            Point *p = objs[i];
            cr_assert_eq(p->x, i);
            cr_assert_eq(p->y, -i);
            rt_value_drop(&t_point, &objs[i]);
        }
    }
}
