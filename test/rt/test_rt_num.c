/* Runtime number operations with Python semantics: floor division, modulo,
 * power, float division/modulo/power and float-to-int conversion, including
 * negative operands and the int64 edges. (Panicking cases live in
 * test_rt_process.c, which runs them in child processes.) */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "sifr_rt.h"

static const RtLoc loc = {"num.sifr", 1, 1};

typedef struct { int64_t a, b, want; } IntCase;

Test(rt_num, int_floordiv_matches_python) {
    /* Expected values are Python's a // b. */
    static const IntCase cases[] = {
        {7, 2, 3},     {-7, 2, -4},   {7, -2, -4},   {-7, -2, 3},
        {6, 3, 2},     {-6, 3, -2},   {0, 5, 0},     {0, -5, 0},
        {1, 3, 0},     {-1, 3, -1},   {1, -3, -1},   {-1, -3, 0},
        {INT64_MAX, 1, INT64_MAX},    {INT64_MIN, 1, INT64_MIN},
        {INT64_MIN, 2, INT64_MIN / 2}, {INT64_MAX, -1, -INT64_MAX},
        {INT64_MIN, INT64_MAX, -2},   {INT64_MAX, INT64_MIN, -1},
        {INT64_MIN, -2, INT64_MAX / 2 + 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rt_int_floordiv(cases[i].a, cases[i].b, &loc), cases[i].want,
                     "%lld // %lld", (long long)cases[i].a, (long long)cases[i].b);
}

Test(rt_num, int_mod_takes_sign_of_divisor) {
    /* Expected values are Python's a % b. */
    static const IntCase cases[] = {
        {7, 2, 1},     {-7, 2, 1},    {7, -2, -1},   {-7, -2, -1},
        {6, 3, 0},     {-6, 3, 0},    {0, 5, 0},     {5, 7, 5},
        {-5, 7, 2},    {5, -7, -2},   {-5, -7, -5},
        {INT64_MIN, -1, 0},           {INT64_MAX, -1, 0},
        {INT64_MIN, 3, 1},            {INT64_MAX, 3, 1},
        {INT64_MIN, INT64_MAX, INT64_MAX - 1},
        {INT64_MAX, INT64_MIN, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rt_int_mod(cases[i].a, cases[i].b, &loc), cases[i].want,
                     "%lld %% %lld", (long long)cases[i].a, (long long)cases[i].b);
}

Test(rt_num, floordiv_and_mod_agree) {
    /* a == b * (a // b) + a % b for a spread of operands. */
    for (int64_t a = -20; a <= 20; a++)
        for (int64_t b = -7; b <= 7; b++) {
            if (b == 0) continue;
            int64_t q = rt_int_floordiv(a, b, &loc);
            int64_t r = rt_int_mod(a, b, &loc);
            cr_expect_eq(b * q + r, a, "%lld, %lld", (long long)a, (long long)b);
        }
}

Test(rt_num, int_pow) {
    static const IntCase cases[] = {
        {2, 10, 1024},   {2, 0, 1},      {0, 0, 1},        {0, 5, 0},
        {-2, 3, -8},     {-2, 4, 16},    {1, 1000000, 1},  {-1, 999999, -1},
        {-1, 1000000, 1}, {10, 18, 1000000000000000000LL}, {3, 39, 4052555153018976267LL},
        {2, 62, INT64_C(1) << 62},       {-2, 63, INT64_MIN}, {7, 1, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(rt_int_pow(cases[i].a, cases[i].b, &loc), cases[i].want,
                     "%lld ** %lld", (long long)cases[i].a, (long long)cases[i].b);
}

typedef struct { double a, b, want; } FloatCase;

static bool same_double(double x, double y) {
    if (isnan(x) || isnan(y)) return isnan(x) && isnan(y);
    return x == y && signbit(x) == signbit(y);
}

Test(rt_num, float_div) {
    cr_expect(same_double(rt_float_div(1.0, 4.0, &loc), 0.25));
    cr_expect(same_double(rt_float_div(-1.0, 4.0, &loc), -0.25));
    cr_expect(same_double(rt_float_div(1.0, 3.0, &loc), 1.0 / 3.0));
    cr_expect(same_double(rt_float_div(0.0, -2.0, &loc), -0.0));
    cr_expect(same_double(rt_float_div(INFINITY, 2.0, &loc), INFINITY));
}

Test(rt_num, float_floordiv_matches_python) {
    /* Expected values are Python's a // b (checked with python3). */
    static const FloatCase cases[] = {
        {7.0, 2.0, 3.0},    {-7.0, 2.0, -4.0},  {7.0, -2.0, -4.0},  {-7.0, -2.0, 3.0},
        {7.5, 2.0, 3.0},    {-7.5, 2.0, -4.0},  {1.0, 0.1, 9.0},    {0.0, 3.0, 0.0},
        {-0.0, 3.0, -0.0},  {0.0, -3.0, -0.0},  {1.0, 3.0, 0.0},    {-1.0, 3.0, -1.0},
        {1e308, 1e-308, INFINITY}, {5.0, INFINITY, 0.0}, {-5.0, INFINITY, -1.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = rt_float_floordiv(cases[i].a, cases[i].b, &loc);
        cr_expect(same_double(got, cases[i].want), "%g // %g = %g, want %g", cases[i].a, cases[i].b,
                  got, cases[i].want);
    }
}

Test(rt_num, float_mod_matches_python) {
    /* Expected values are Python's a % b (checked with python3). */
    static const FloatCase cases[] = {
        {7.0, 2.0, 1.0},    {-7.0, 2.0, 1.0},   {7.0, -2.0, -1.0},  {-7.0, -2.0, -1.0},
        {7.5, 2.0, 1.5},    {-7.5, 2.0, 0.5},   {6.0, 3.0, 0.0},    {-6.0, 3.0, 0.0},
        {6.0, -3.0, -0.0},  {1.0, 0.1, 0.09999999999999995}, {5.0, INFINITY, 5.0},
        {-0.0, 1.0, 0.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got = rt_float_mod(cases[i].a, cases[i].b, &loc);
        cr_expect(same_double(got, cases[i].want), "%g %% %g = %.17g, want %.17g", cases[i].a,
                  cases[i].b, got, cases[i].want);
    }
    cr_expect(isnan(rt_float_mod(INFINITY, 2.0, &loc)));
}

Test(rt_num, float_pow) {
    cr_expect(same_double(rt_float_pow(2.0, 10.0), 1024.0));
    cr_expect(same_double(rt_float_pow(2.0, -1.0), 0.5));
    cr_expect(same_double(rt_float_pow(0.0, 0.0), 1.0));
    cr_expect(same_double(rt_float_pow(0.0, 2.0), 0.0));
    cr_expect(same_double(rt_float_pow(4.0, 0.5), 2.0));
    cr_expect(same_double(rt_float_pow(0.0, -INFINITY), INFINITY));
    cr_expect(same_double(rt_float_pow(10.0, 400.0), INFINITY));
    cr_expect(isnan(rt_float_pow(-8.0, 1.0 / 3.0)));
}

Test(rt_num, float_to_int_truncates) {
    cr_expect_eq(rt_float_to_int(3.9, &loc), 3);
    cr_expect_eq(rt_float_to_int(-3.9, &loc), -3);
    cr_expect_eq(rt_float_to_int(-0.5, &loc), 0);
    cr_expect_eq(rt_float_to_int(0.0, &loc), 0);
    cr_expect_eq(rt_float_to_int(1e18, &loc), 1000000000000000000LL);
    cr_expect_eq(rt_float_to_int(-9223372036854775808.0, &loc), INT64_MIN);
    /* The largest double below 2^63. */
    cr_expect_eq(rt_float_to_int(9223372036854774784.0, &loc), 9223372036854774784LL);
}
