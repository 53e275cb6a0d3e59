/* Format specs of f-string fields (rt_fmt_*): Python's format-spec
 * mini-language. Every expected string with a non-empty spec was produced by
 * python3's format(value, spec); the empty spec and the float "no type, no
 * precision" cases follow Sifr's str() instead (15.0 -> "15"). Invalid specs
 * are checked in test_rt_process.c (they panic). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sifr_rt.h"

static const RtLoc loc = {"fmt.sifr", 1, 1};

static RtStr *lit(const char *s) { return rt_str_new(s, (int64_t)strlen(s)); }

typedef struct { int64_t v; const char *spec; const char *want; } IntFmtCase;
typedef struct { double v; const char *spec; const char *want; } FloatFmtCase;
typedef struct { const char *v; const char *spec; const char *want; } StrFmtCase;

static const IntFmtCase int_cases[] = {
    {5LL, "03d", "005"},
    {1234567LL, ",", "1,234,567"},
    {255LL, "#x", "0xff"},
    {255LL, "#X", "0XFF"},
    {255LL, "x", "ff"},
    {255LL, "o", "377"},
    {255LL, "#o", "0o377"},
    {5LL, "b", "101"},
    {-5LL, "#b", "-0b101"},
    {255LL, "_b", "1111_1111"},
    {3735928559LL, "_x", "dead_beef"},
    {42LL, ">8", "      42"},
    {42LL, "<8", "42      "},
    {42LL, "^8", "   42   "},
    {42LL, "*^7", "**42***"},
    {-42LL, "=8", "-     42"},
    {-42LL, "08", "-0000042"},
    {42LL, "+", "+42"},
    {42LL, " ", " 42"},
    {-42LL, " ", "-42"},
    {1234LL, "010,", "00,001,234"},
    {1234LL, "08,", "0,001,234"},
    {1234LL, "012,", "0,000,001,234"},
    {1234567LL, "_", "1_234_567"},
    {65LL, "c", "A"},
    {128512LL, "c", "😀"},
    {5LL, ".2f", "5.00"},
    {5LL, "e", "5.000000e+00"},
    {5LL, "%", "500.000000%"},
    {7LL, ".1%", "700.0%"},
    {INT64_MIN, "", "-9223372036854775808"},
    {INT64_MIN, "x", "-8000000000000000"},
    {9223372036854775807LL, ",", "9,223,372,036,854,775,807"},
    {0LL, "#x", "0x0"},
    {-1LL, "+", "-1"},
    {3LL, ">+5", "   +3"},
    {5LL, "n", "5"},
    {1234LL, "g", "1234"},
    {123456789LL, ".3g", "1.23e+08"},
    {100LL, "é<5", "100éé"},
    {42LL, "", "42"},
    {-7LL, "", "-7"},
};

static const FloatFmtCase float_cases[] = {
    {2.0, ".1f", "2.0"},
    {3.14159, ".2f", "3.14"},
    {0.25, ".1%", "25.0%"},
    {1234567.891, ",.2f", "1,234,567.89"},
    {1234567.891, "_.3f", "1_234_567.891"},
    {-3.5, "+.1f", "-3.5"},
    {3.5, "+.1f", "+3.5"},
    {3.5, " .1f", " 3.5"},
    {1.5, ".0f", "2"},
    {2.5, ".0f", "2"},
    {0.5, ".0f", "0"},
    {123.456, "e", "1.234560e+02"},
    {123.456, ".2E", "1.23E+02"},
    {0.000123456, "g", "0.000123456"},
    {1234567.0, "g", "1.23457e+06"},
    {1234567.0, ".3G", "1.23E+06"},
    {1e-10, "g", "1e-10"},
    {12345.6789, ",g", "12,345.7"},
    {99.95, "#.2g", "1.0e+02"},
    {100.0, "#.3g", "100."},
    {1.5, ".1", "2e+00"},
    {0.5, ".1", "0.5"},
    {12.0, ".2", "1.2e+01"},
    {1.0, ".3", "1.0"},
    {1.0, "#.3", "1.00"},
    {0.0001234, ".3", "0.000123"},
    {1e+16, ".20", "10000000000000000.0"},
    {INFINITY, "f", "inf"},
    {INFINITY, "F", "INF"},
    {-INFINITY, "e", "-inf"},
    {NAN, ".2f", "nan"},
    {NAN, "+F", "+NAN"},
    {INFINITY, "010", "0000000inf"},
    {-0.0, ".1f", "-0.0"},
    {-0.0, "z.1f", "0.0"},
    {-0.04, "z.1f", "0.0"},
    {-0.04, ".1f", "-0.0"},
    {3.14159, "10.3f", "     3.142"},
    {3.14159, "<10.3f", "3.142     "},
    {3.14159, "^10.3f", "  3.142   "},
    {-3.14159, "=10.3f", "-    3.142"},
    {-3.14159, "010.3f", "-00003.142"},
    {1234.5, "010,.1f", "0,001,234.5"},
    {1e+300, ".0e", "1e+300"},
    {5e-324, ".3e", "4.941e-324"},
    {0.1, ".17f", "0.10000000000000001"},
    {1.0, "%", "100.000000%"},
    {-1.0, ".0%", "-100%"},
    {0.3333333333333333, "*^12.4f", "***0.3333***"},
    {123.456, "#.0f", "123."},
    {123.456, "#.0e", "1.e+02"},
    /* Sifr rules: empty spec is str(); no type and no precision pads str(). */
    {2.0, "", "2"},
    {0.1, "", "0.1"},
    {15.0, ">8", "      15"},
    {15.0, "<6", "15    "},
    {-2.5, "+", "-2.5"},
    {2.5, "+", "+2.5"},
    {1234567.0, ",", "1,234,567"},
    {15.0, "08", "00000015"},
    {1e16, ">8", "   1e+16"},
};

static const StrFmtCase str_cases[] = {
    {"abc", ">6", "   abc"},
    {"abc", "<6", "abc   "},
    {"abc", "^6", " abc  "},
    {"abc", "^7", "  abc  "},
    {"abc", "*^7", "**abc**"},
    {"abc", "6", "abc   "},
    {"abc", ".2", "ab"},
    {"abc", ".2s", "ab"},
    {"abc", ">6.1", "     a"},
    {"héllo", ">7", "  héllo"},
    {"héllo", ".2", "hé"},
    {"日本語", "^7", "  日本語  "},
    {"日本語", ".1", "日"},
    {"ab", "05", "ab000"},
    {"ab", "x<4", "abxx"},
    {"ab", "é>4", "ééab"},
    {"abc", "1", "abc"},
    {"", "3", "   "},
    {"abc", "s", "abc"},
    {"abc", "", "abc"},
};

Test(rt_fmt, int_table_matches_python) {
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++) {
        RtStr *spec = lit(int_cases[i].spec);
        RtStr *got = rt_fmt_int(int_cases[i].v, spec, &loc);
        cr_expect_str_eq(got->data, int_cases[i].want, "format(%lld, '%s')", (long long)int_cases[i].v,
                         int_cases[i].spec);
        cr_expect_eq(got->len, (int64_t)strlen(int_cases[i].want));
        rt_str_drop(got);
        rt_str_drop(spec);
    }
}

Test(rt_fmt, float_table_matches_python) {
    for (size_t i = 0; i < sizeof float_cases / sizeof float_cases[0]; i++) {
        RtStr *spec = lit(float_cases[i].spec);
        RtStr *got = rt_fmt_float(float_cases[i].v, spec, &loc);
        cr_expect_str_eq(got->data, float_cases[i].want, "format(%.17g, '%s')", float_cases[i].v,
                         float_cases[i].spec);
        rt_str_drop(got);
        rt_str_drop(spec);
    }
}

Test(rt_fmt, str_table_matches_python) {
    for (size_t i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++) {
        RtStr *spec = lit(str_cases[i].spec);
        RtStr *v = lit(str_cases[i].v);
        RtStr *got = rt_fmt_str(v, spec, &loc);
        cr_expect_str_eq(got->data, str_cases[i].want, "format('%s', '%s')", str_cases[i].v,
                         str_cases[i].spec);
        rt_str_drop(got);
        rt_str_drop(v);
        rt_str_drop(spec);
    }
}

Test(rt_fmt, bool_formats_its_str_form) {
    static const struct { bool v; const char *spec; const char *want; } cases[] = {
        {true, "", "true"},      {false, "", "false"},     {true, ">6", "  true"},
        {false, "<7", "false  "}, {true, "^8", "  true  "}, {true, ".1", "t"},
        {false, "*>7s", "**false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RtStr *spec = lit(cases[i].spec);
        RtStr *got = rt_fmt_bool(cases[i].v, spec, &loc);
        cr_expect_str_eq(got->data, cases[i].want, "bool with '%s'", cases[i].spec);
        rt_str_drop(got);
        rt_str_drop(spec);
    }
}

Test(rt_fmt, null_spec_is_str) {
    RtStr *a = rt_fmt_int(-12, NULL, &loc);
    RtStr *b = rt_fmt_float(0.5, NULL, &loc);
    RtStr *c = rt_fmt_bool(false, NULL, &loc);
    cr_expect_str_eq(a->data, "-12");
    cr_expect_str_eq(b->data, "0.5");
    cr_expect_str_eq(c->data, "false");
    rt_str_drop(a);
    rt_str_drop(b);
    rt_str_drop(c);
}
