/* The sequence builtins of the runtime (range, enumerate, zip, sum, any/all,
 * min/max, count/remove/clear, set/list/dict conversions) and the str/bytes
 * methods added with them (padding, title/capitalize, rsplit, splitlines,
 * rfind, affixes, chars, ord/chr, bytes slicing/hex/decode). Expected values
 * come from python3. */
#include <criterion/criterion.h>
#include <string.h>

#include "sifr_rt.h"

static RtStr *S(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }

#define EXPECT_STR(fresh, text)                                                                    \
    do {                                                                                           \
        RtStr *got_ = (fresh);                                                                     \
        cr_expect(got_->len == (int64_t)strlen(text) && !memcmp(got_->data, (text), strlen(text)), \
                  "got \"%.*s\", expected \"%s\"", (int)got_->len, got_->data, (text));             \
        rt_str_drop(got_);                                                                         \
    } while (0)

static const RtType *const p_int[] = {&rt_type_int};
static const RtType t_list_int = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1, .params = p_int};
static const RtType *const p_str[] = {&rt_type_str};
static const RtType t_list_str = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1, .params = p_str};
static const RtField f_int_str[] = {{NULL, 0, &rt_type_int}, {NULL, 8, &rt_type_str}};
static const RtType t_int_str = {.kind = RT_K_TUPLE, .size = 16, .align = 8, .nfields = 2, .fields = f_int_str};
static const RtType *const p_pair[] = {&t_int_str};
static const RtType t_list_pair = {.kind = RT_K_LIST, .size = 8, .align = 8, .nparams = 1, .params = p_pair};

/* str() of a list (int, str or (int, str) elements), dropped after the check. */
static void expect_list(const RtType *lt, RtList *l, const char *text) {
    EXPECT_STR(rt_value_str(lt, &l), text);
    rt_list_drop(l);
}

static RtList *strs(int n, const char *const *items) {
    RtList *l = rt_list_new(&rt_type_str, 0);
    for (int i = 0; i < n; i++) {
        RtStr *s = S(items[i]);
        rt_list_push(l, &s);
    }
    return l;
}

Test(seq, range_lists) {
    expect_list(&t_list_int, rt_list_range(0, 5, 1, NULL), "[0, 1, 2, 3, 4]");
    expect_list(&t_list_int, rt_list_range(2, 10, 3, NULL), "[2, 5, 8]");
    expect_list(&t_list_int, rt_list_range(5, 0, -2, NULL), "[5, 3, 1]");
    expect_list(&t_list_int, rt_list_range(3, 3, 1, NULL), "[]");
    expect_list(&t_list_int, rt_list_range(0, 3, -1, NULL), "[]");
    expect_list(&t_list_int, rt_list_range(INT64_MAX - 2, INT64_MAX, 5, NULL), "[9223372036854775805]");
}

Test(seq, enumerate_and_zip) {
    const char *const w[] = {"a", "bc", "d"};
    RtList *l = strs(3, w);
    expect_list(&t_list_pair, rt_list_enumerate(l, &t_int_str), "[(0, \"a\"), (1, \"bc\"), (2, \"d\")]");
    RtList *nums = rt_list_range(7, 9, 1, NULL);
    expect_list(&t_list_pair, rt_list_zip(nums, l, &t_int_str), "[(7, \"a\"), (8, \"bc\")]");
    rt_list_drop(nums);
    rt_list_drop(l);
}

Test(seq, sums_any_all) {
    RtList *l = rt_list_range(1, 5, 1, NULL);
    cr_expect_eq(rt_list_sum_int(l, 10, NULL), 20);
    rt_list_drop(l);
    RtList *f = rt_list_new(&rt_type_float, 0);
    double v[] = {0.5, 0.25};
    for (int i = 0; i < 2; i++) rt_list_push(f, &v[i]);
    cr_expect_eq(rt_list_sum_float(f, 1.0), 1.75);
    rt_list_drop(f);
    RtList *b = rt_list_new(&rt_type_bool, 0);
    cr_expect(!rt_list_any(b));
    cr_expect(rt_list_all(b));
    uint8_t t = 1, n = 0;
    rt_list_push(b, &t);
    rt_list_push(b, &n);
    cr_expect(rt_list_any(b));
    cr_expect(!rt_list_all(b));
    rt_list_drop(b);
}

Test(seq, minmax_count_remove_clear) {
    const char *const w[] = {"pear", "apple", "zoo", "apple"};
    RtList *l = strs(4, w);
    RtStr *out;
    rt_list_minmax(l, false, &out, NULL);
    EXPECT_STR(out, "apple");
    rt_list_minmax(l, true, &out, NULL);
    EXPECT_STR(out, "zoo");
    RtStr *apple = S("apple");
    cr_expect_eq(rt_list_count(l, &apple), 2);
    rt_list_remove(l, &apple, NULL);
    expect_list(&t_list_str, rt_list_slice(l, 0, 0, 0, 0, NULL), "[\"pear\", \"zoo\", \"apple\"]");
    rt_list_clear(l);
    cr_expect_eq(rt_list_len(l), 0);
    rt_str_drop(apple);
    rt_list_drop(l);
}

Test(seq, set_and_dict_conversions) {
    const char *const w[] = {"b", "a", "b", "c"};
    RtList *l = strs(4, w);
    RtSet *s = rt_set_from_list(l);
    cr_expect_eq(rt_set_len(s), 3);
    expect_list(&t_list_str, rt_list_from_set(s, &rt_type_str), "[\"b\", \"a\", \"c\"]");
    rt_set_drop(s);
    RtList *pairs = rt_list_enumerate(l, &t_int_str);
    RtDict *d = rt_dict_from_pairs(pairs, &rt_type_int, &rt_type_str);
    cr_expect_eq(rt_dict_len(d), 4);
    int64_t k = 2;
    RtStr **v = rt_dict_get(d, &k);
    cr_assert(v);
    cr_expect_str_eq((*v)->data, "b");
    rt_dict_drop(d);
    rt_list_drop(pairs);
    rt_list_drop(l);
}

Test(seq, padding) {
    RtStr *hi = S("hi"), *odd = S("odd"), *abc = S("abc"), *ab = S("ab");
    RtStr *star = S("*"), *dash = S("-"), *dot = S("."), *x = S("x"), *check = S("\342\234\223"), *e = S("\303\251");
    EXPECT_STR(rt_str_center(hi, 6, NULL, NULL), "  hi  ");
    EXPECT_STR(rt_str_center(hi, 7, star, NULL), "***hi**");
    EXPECT_STR(rt_str_center(odd, 6, dash, NULL), "-odd--");
    EXPECT_STR(rt_str_center(abc, 8, dot, NULL), "..abc...");
    EXPECT_STR(rt_str_center(ab, 5, x, NULL), "xxabx");
    EXPECT_STR(rt_str_center(e, 3, check, NULL), "\342\234\223\303\251\342\234\223");
    EXPECT_STR(rt_str_ljust(hi, 4, NULL, NULL), "hi  ");
    EXPECT_STR(rt_str_rjust(hi, 4, dot, NULL), "..hi");
    EXPECT_STR(rt_str_rjust(abc, 2, dot, NULL), "abc");
    RtStr *n = S("-42"), *p = S("+7");
    EXPECT_STR(rt_str_zfill(n, 6), "-00042");
    EXPECT_STR(rt_str_zfill(p, 4), "+007");
    EXPECT_STR(rt_str_zfill(abc, 1), "abc");
    RtStr *all[] = {hi, odd, abc, ab, star, dash, dot, x, check, e, n, p};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) rt_str_drop(all[i]);
}

Test(seq, recase_and_classes) {
    RtStr *a = S("hello wORLD 3rd-place"), *b = S("they're"), *c = S("\303\251clair OK");
    EXPECT_STR(rt_str_title(a), "Hello World 3Rd-Place");
    EXPECT_STR(rt_str_title(b), "They'Re");
    EXPECT_STR(rt_str_capitalize(a), "Hello world 3rd-place");
    EXPECT_STR(rt_str_capitalize(c), "\303\211clair ok");
    RtStr *up = S("AB1!"), *low = S("ab1!"), *digits = S("123"), *alnum = S("ab12"), *sp = S("a b");
    cr_expect(rt_str_isupper(up) && !rt_str_islower(up));
    cr_expect(rt_str_islower(low) && !rt_str_isupper(low));
    cr_expect(!rt_str_isupper(digits) && !rt_str_islower(digits));
    cr_expect(rt_str_isalnum(alnum) && !rt_str_isalnum(sp));
    RtStr *all[] = {a, b, c, up, low, digits, alnum, sp};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) rt_str_drop(all[i]);
}

Test(seq, rsplit_splitlines_rfind_affixes) {
    RtStr *s1 = S("a b  c "), *s2 = S(" x y "), *s3 = S("a,b,c"), *comma = S(",");
    expect_list(&t_list_str, rt_str_rsplit(s1, NULL, 1, NULL), "[\"a b\", \"c\"]");
    expect_list(&t_list_str, rt_str_rsplit(s2, NULL, 0, NULL), "[\" x y\"]");
    expect_list(&t_list_str, rt_str_rsplit(s3, comma, 1, NULL), "[\"a,b\", \"c\"]");
    expect_list(&t_list_str, rt_str_rsplit(s3, comma, -1, NULL), "[\"a\", \"b\", \"c\"]");
    RtStr *lines = S("x\r\ny\rz\fw\342\200\250v"), *blank = S("a\n\nb\n");
    expect_list(&t_list_str, rt_str_splitlines(lines), "[\"x\", \"y\", \"z\", \"w\", \"v\"]");
    expect_list(&t_list_str, rt_str_splitlines(blank), "[\"a\", \"\", \"b\"]");
    RtStr *h = S("h\303\251llo h\303\251llo"), *l = S("l"), *none = S("q"), *empty = S("");
    cr_expect_eq(rt_str_rfind(h, l), 9);
    cr_expect_eq(rt_str_rfind(h, none), -1);
    cr_expect_eq(rt_str_rfind(h, empty), 11);
    RtStr *pre = S("h\303\251"), *suf = S("llo");
    EXPECT_STR(rt_str_removeprefix(h, pre), "llo h\303\251llo");
    EXPECT_STR(rt_str_removesuffix(h, suf), "h\303\251llo h\303\251");
    EXPECT_STR(rt_str_removesuffix(h, empty), "h\303\251llo h\303\251llo");
    expect_list(&t_list_str, rt_str_chars(pre), "[\"h\", \"\303\251\"]");
    RtStr *all[] = {s1, s2, s3, comma, lines, blank, h, l, none, empty, pre, suf};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) rt_str_drop(all[i]);
}

Test(seq, ord_chr) {
    RtStr *a = S("a"), *check = S("\342\234\223");
    cr_expect_eq(rt_str_ord(a, NULL), 97);
    cr_expect_eq(rt_str_ord(check, NULL), 10003);
    EXPECT_STR(rt_str_chr(233, NULL), "\303\251");
    EXPECT_STR(rt_str_chr(128512, NULL), "\360\237\230\200");
    rt_str_drop(a);
    rt_str_drop(check);
}

Test(seq, bytes_ops) {
    RtStr *b = rt_str_new("he\000\377o", 5);
    RtStr *r = rt_bytes_slice(b, 0, 0, -1, 4, NULL);
    cr_expect(r->len == 5 && !memcmp(r->data, "o\377\000eh", 5));
    rt_str_drop(r);
    r = rt_bytes_slice(b, 1, 4, 2, 7, NULL);
    cr_expect(r->len == 2 && !memcmp(r->data, "e\377", 2));
    rt_str_drop(r);
    EXPECT_STR(rt_bytes_hex(b), "686500ff6f");
    expect_list(&t_list_int, rt_bytes_list(b), "[104, 101, 0, 255, 111]");
    RtStr *ok = S("caf\303\251");
    EXPECT_STR(rt_bytes_decode_or_panic(ok, NULL), "caf\303\251");
    rt_str_drop(ok);
    rt_str_drop(b);
}
