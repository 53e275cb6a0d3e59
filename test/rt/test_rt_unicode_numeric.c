/* str.isdecimal()/isdigit()/isnumeric()/isalnum() over every code point
 * 0..0x10FFFF, compared block by block with counts and code-point sums that
 * tools/gen_unicode_numeric.py took from python3's own str methods. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "sifr_rt.h"
#include "unicode_numeric_expect.h"

/* UTF-8 of one code point; surrogates are encoded the same way (Python's
 * str holds them as ordinary code points). */
static int utf8(uint32_t cp, char *out) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

Test(unicode_numeric, every_code_point_matches_python) {
    static const char *const names[4] = {"isdecimal", "isdigit", "isnumeric", "isalnum"};
    size_t nblocks = sizeof(unum_expect) / sizeof(unum_expect[0]);
    cr_assert_eq(nblocks, (0x10FFFF + 1) / UNUM_BLOCK);
    for (size_t b = 0; b < nblocks; b++) {
        unsigned long long count[4] = {0}, sum[4] = {0};
        for (uint32_t cp = (uint32_t)(b * UNUM_BLOCK); cp < (b + 1) * UNUM_BLOCK; cp++) {
            char buf[4];
            RtStr *s = rt_str_new(buf, utf8(cp, buf));
            bool got[4] = {rt_str_isdecimal(s), rt_str_isdigit(s), rt_str_isnumeric(s), rt_str_isalnum(s)};
            rt_str_drop(s);
            for (int i = 0; i < 4; i++)
                if (got[i]) count[i]++, sum[i] += cp;
        }
        for (int i = 0; i < 4; i++) {
            cr_expect_eq(count[i], unum_expect[b].count[i], "%s: block 0x%zX: %llu code points, python3 %llu",
                         names[i], b * UNUM_BLOCK, count[i], unum_expect[b].count[i]);
            cr_expect_eq(sum[i], unum_expect[b].sum[i], "%s: block 0x%zX: code-point sum differs", names[i],
                         b * UNUM_BLOCK);
        }
    }
}

Test(unicode_numeric, strings) {
    RtStr *half = rt_str_new("\302\275", 2);          /* ½ */
    RtStr *mixed = rt_str_new("\340\245\247" "2\302\262", 6); /* Devanagari 1, 2, superscript 2 */
    RtStr *empty = rt_str_new("", 0);
    cr_expect(rt_str_isnumeric(half) && !rt_str_isdecimal(half) && !rt_str_isdigit(half));
    cr_expect(rt_str_isalnum(half));
    cr_expect(rt_str_isnumeric(mixed) && rt_str_isdigit(mixed) && !rt_str_isdecimal(mixed));
    cr_expect(!rt_str_isnumeric(empty) && !rt_str_isdecimal(empty));
    rt_str_drop(half);
    rt_str_drop(mixed);
    rt_str_drop(empty);
}
