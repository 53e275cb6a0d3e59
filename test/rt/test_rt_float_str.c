/* str() of floats: the shortest text that reads back exactly, laid out like
 * Python's repr() but without ".0" on integral values. Every expected string
 * was produced by python3's repr() (with a trailing ".0" removed). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sifr_rt.h"

typedef struct { double v; const char *want; } FloatStrCase;

static const FloatStrCase cases[] = {
    {0.1, "0.1"},
    {0.2, "0.2"},
    {0.3, "0.3"},
    {0.30000000000000004, "0.30000000000000004"},
    {0.3333333333333333, "0.3333333333333333"},
    {0.6666666666666666, "0.6666666666666666"},
    {-0.6666666666666666, "-0.6666666666666666"},
    {1.5, "1.5"},
    {-1.5, "-1.5"},
    {2.5, "2.5"},
    {3.14, "3.14"},
    {100.5, "100.5"},
    {15.0, "15"},
    {-0.0, "-0"},
    {0.0, "0"},
    {1.0, "1"},
    {-1.0, "-1"},
    {123456789.0, "123456789"},
    {1000000000000000.0, "1000000000000000"},
    {1e+16, "1e+16"},
    {1.5e+16, "1.5e+16"},
    {9999999999999998.0, "9999999999999998"},
    {0.0001, "0.0001"},
    {1e-05, "1e-05"},
    {1.5e-05, "1.5e-05"},
    {0.00012, "0.00012"},
    {1.2345678901234568e+17, "1.2345678901234568e+17"},
    {1e+22, "1e+22"},
    {1e+23, "1e+23"},
    {1e+100, "1e+100"},
    {1e-100, "1e-100"},
    {5e-324, "5e-324"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {1.7976931348623157e+308, "1.7976931348623157e+308"},
    {9007199254740992.0, "9007199254740992"},
    {0.5, "0.5"},
    {0.25, "0.25"},
    {1e-07, "1e-07"},
    {123.456, "123.456"},
    {9.223372036854776e+18, "9.223372036854776e+18"},
    {-9.223372036854776e+18, "-9.223372036854776e+18"},
    {1234.5678, "1234.5678"},
    {6.02214076e+23, "6.02214076e+23"},
    {1.602176634e-19, "1.602176634e-19"},
    {3.141592653589793, "3.141592653589793"},
    {2.718281828459045, "2.718281828459045"},
    {299792458.0, "299792458"},
    {7e-05, "7e-05"},
    {0.000123456789, "0.000123456789"},
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
    {NAN, "nan"},
    {-NAN, "nan"},
};

Test(rt_float_str, table_matches_python_repr) {
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RtStr *s = rt_str_from_float(cases[i].v);
        cr_expect_str_eq(s->data, cases[i].want, "str(%.17g)", cases[i].v);
        cr_expect_eq(s->len, (int64_t)strlen(cases[i].want));
        rt_str_drop(s);
    }
}

/* The text must always read back as the same double, and no shorter
 * precision may do so (checked over a deterministic pseudo-random sweep of
 * bit patterns, including subnormals and powers of two). */
Test(rt_float_str, round_trips_and_is_shortest) {
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        uint64_t bits = i < 2098 ? (uint64_t)(i % 2046 + 1) << 52 : x; /* powers of two first */
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        RtStr *s = rt_str_from_float(v);
        cr_assert(strtod(s->data, NULL) == v, "%s does not read back as %.17g", s->data, v);
        /* Count significant digits and make sure one fewer cannot work. */
        int digits = 0;
        bool leading = true;
        for (const char *p = s->data; *p && *p != 'e'; p++) {
            if (*p < '0' || *p > '9') continue;
            if (leading && *p == '0') continue;
            leading = false;
            digits++;
        }
        const char *e = strchr(s->data, 'e');
        if (!e) { /* trailing zeros of an integral value are not significant */
            const char *end = s->data + s->len;
            const char *dot = strchr(s->data, '.');
            if (!dot)
                while (end > s->data && end[-1] == '0') { end--; digits--; }
        }
        if (digits > 1) {
            char buf[40];
            snprintf(buf, sizeof buf, "%.*e", digits - 2, v);
            cr_expect(strtod(buf, NULL) != v, "%s is not the shortest for %.17g (%s works)", s->data, v,
                      buf);
        }
        rt_str_drop(s);
    }
}

Test(rt_float_str, print_float_uses_same_text) {
    /* rt_print_float and rt_str_from_float share one formatter; check the
     * printed bytes through a pipe. */
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fds[1], 1);
    rt_print_float(0.1);
    rt_print_space();
    rt_print_float(15.0);
    rt_print_space();
    rt_print_float(1e16);
    rt_print_newline();
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    char buf[64] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    cr_assert_gt(n, 0);
    cr_expect_str_eq(buf, "0.1 15 1e+16\n");
}
