/* Integer and float arithmetic with Python's semantics (floor division,
 * modulo taking the sign of the divisor, checked overflow), float-to-int
 * conversion, and the decimal renderings of int and float used by str(). */
#include "rt_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- integers ----------------------------------------------------------- */

static const char RT_MSG_INT_DIV0[] = "integer division or modulo by zero";

int64_t rt_int_floordiv(int64_t a, int64_t b, const RtLoc *loc) {
    if (b == 0) rt_panic(RT_MSG_INT_DIV0, loc);
    if (a == INT64_MIN && b == -1) rt_panic_overflow(loc);
    int64_t q = a / b;
    /* C truncates toward zero; Python floors. They differ exactly when the
     * division is inexact and the operands have opposite signs. */
    if (a % b != 0 && ((a < 0) != (b < 0))) q -= 1;
    return q;
}

int64_t rt_int_mod(int64_t a, int64_t b, const RtLoc *loc) {
    if (b == 0) rt_panic(RT_MSG_INT_DIV0, loc);
    /* INT64_MIN % -1 traps on x86 although the result (0) is representable. */
    if (b == -1) return 0;
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

int64_t rt_int_pow(int64_t a, int64_t b, const RtLoc *loc) {
    if (b < 0) rt_panic("negative exponent", loc);
    int64_t result = 1;
    int64_t base = a;
    /* Square-and-multiply; the base is squared only while exponent bits
     * remain, so a final unused square cannot report a false overflow. */
    while (b > 0) {
        if (b & 1) {
            if (__builtin_mul_overflow(result, base, &result)) rt_panic_overflow(loc);
        }
        b >>= 1;
        if (b > 0 && __builtin_mul_overflow(base, base, &base)) rt_panic_overflow(loc);
    }
    return result;
}

size_t rt_int_format_dec(int64_t v, char *out) {
    char tmp[24];
    size_t n = 0;
    /* Work on the magnitude as unsigned so INT64_MIN needs no special case. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    size_t len = 0;
    if (v < 0) out[len++] = '-';
    while (n) out[len++] = tmp[--n];
    out[len] = '\0';
    return len;
}

/* ---- floats ------------------------------------------------------------- */

double rt_float_div(double a, double b, const RtLoc *loc) {
    if (b == 0.0) rt_panic("float division by zero", loc);
    return a / b;
}

/* Python's float floor division (Objects/floatobject.c, _float_div_mod):
 * derive the quotient from fmod so that a == b*q + r holds as closely as
 * doubles allow, then floor, correcting a quotient that rounded past an
 * integer. */
double rt_float_floordiv(double a, double b, const RtLoc *loc) {
    if (b == 0.0) rt_panic("float floor division by zero", loc);
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0.0) {
        if ((b < 0.0) != (mod < 0.0)) div -= 1.0;
    }
    double floordiv;
    if (div != 0.0) {
        floordiv = floor(div);
        if (div - floordiv > 0.5) floordiv += 1.0;
    } else {
        floordiv = copysign(0.0, a / b);
    }
    return floordiv;
}

double rt_float_mod(double a, double b, const RtLoc *loc) {
    if (b == 0.0) rt_panic("float modulo by zero", loc);
    double mod = fmod(a, b);
    if (mod != 0.0) {
        if ((b < 0.0) != (mod < 0.0)) mod += b;
    } else {
        /* A zero remainder takes the sign of the divisor, as in Python. */
        mod = copysign(0.0, b);
    }
    return mod;
}

/* Python raises for 0.0 ** negative; everything else follows C's pow()
 * (overflow gives inf, a negative base with a fractional exponent gives nan:
 * Sifr has no complex results). The ABI passes no location here. */
double rt_float_pow(double a, double b) {
    if (a == 0.0 && b < 0.0 && isfinite(b)) rt_panic("zero to a negative power", NULL);
    return pow(a, b);
}

int64_t rt_float_to_int(double v, const RtLoc *loc) {
    if (isnan(v)) rt_panic("cannot convert float NaN to integer", loc);
    if (isinf(v)) rt_panic("cannot convert float infinity to integer", loc);
    double t = trunc(v);
    /* -2^63 is exact as a double; 2^63 is the first value out of range. */
    if (t < -9223372036854775808.0 || t >= 9223372036854775808.0) rt_panic_overflow(loc);
    return (int64_t)t;
}

int64_t rt_float_round(double v, const RtLoc *loc) {
    if (isnan(v)) rt_panic("cannot convert float NaN to integer", loc);
    if (isinf(v)) rt_panic("cannot convert float infinity to integer", loc);
    return rt_float_to_int(nearbyint(v), loc); /* the default mode: to nearest, ties to even */
}

double rt_float_round_digits(double v, int64_t ndigits) {
    if (!isfinite(v) || v == 0.0) return v;
    if (ndigits > 330) return v; /* finer than any double's last digit */
    if (ndigits >= 0) {
        /* Python rounds the exact binary value half-to-even at the decimal
         * digit; glibc's printf does exactly that (round(2.675, 2) is 2.67,
         * because 2.675 is really 2.67499...). */
        char buf[400];
        snprintf(buf, sizeof buf, "%.*f", (int)ndigits, v);
        double r = strtod(buf, NULL);
        return r == 0.0 ? copysign(0.0, v) : r;
    }
    if (ndigits < -308) return copysign(0.0, v);
    double p = pow(10.0, (double)-ndigits);
    double r = nearbyint(v / p) * p;
    return r == 0.0 ? copysign(0.0, v) : r;
}

int64_t rt_int_round_digits(int64_t v, int64_t ndigits, const RtLoc *loc) {
    if (ndigits >= 0) return v;
    if (ndigits < -18) return 0; /* 10^19 exceeds every int64 */
    int64_t p = 1;
    for (int64_t i = 0; i < -ndigits; i++) p *= 10;
    int64_t q = rt_int_floordiv(v, p, loc), r = v - q * p; /* 0 <= r < p */
    if (r * 2 > p || (r * 2 == p && (q & 1))) q++;         /* half to even */
    int64_t out;
    if (__builtin_mul_overflow(q, p, &out)) rt_panic_overflow(loc);
    return out;
}

int64_t rt_int_powmod(int64_t a, int64_t b, int64_t m, const RtLoc *loc) {
    if (m == 0) rt_panic("pow() 3rd argument cannot be 0", loc);
    if (b < 0) rt_panic("pow() 2nd argument cannot be negative when 3rd argument specified", loc);
    /* the result has the sign of m, as a % m does */
    __int128 mod = m < 0 ? -(__int128)m : m;
    __int128 base = ((__int128)a % mod + mod) % mod, r = 1 % mod;
    for (uint64_t e = (uint64_t)b; e; e >>= 1) {
        if (e & 1) r = r * base % mod;
        base = base * base % mod;
    }
    if (m < 0 && r != 0) r -= mod;
    return (int64_t)r;
}

RtStr *rt_int_to_base(int64_t v, int64_t base) {
    char buf[72];
    char *p = buf + sizeof buf;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = "0123456789abcdef"[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    *--p = base == 16 ? 'x' : base == 2 ? 'b' : 'o';
    *--p = '0';
    if (v < 0) *--p = '-';
    return rt_str_new(p, (int64_t)(buf + sizeof buf - p));
}

/* Shortest digits of |v| (finite, non-zero): the fewest significant digits
 * whose decimal reads back as exactly v. %.*e is correctly rounded in glibc,
 * so the nearest p-digit decimal is tried first; at a power of two the
 * interval of values that read back is lopsided, and a neighbour of the
 * nearest decimal (one unit in its last place away) may read back where the
 * nearest does not, so those are tried too. Writes the digits without
 * trailing zeros and returns their count; *exp10 is the decimal exponent of
 * the first digit. */
static int rt_float_shortest_digits(double a, char *digits, int *exp10) {
    char sci[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec, a);
        const char *e = strchr(sci, 'e');
        int ex = atoi(e + 1);
        if (strtod(sci, NULL) == a) {
            int nd = 0;
            for (const char *p = sci; p < e; p++)
                if (*p >= '0' && *p <= '9') digits[nd++] = *p;
            while (nd > 1 && digits[nd - 1] == '0') nd--;
            *exp10 = ex;
            return nd;
        }
        uint64_t mant = 0;
        for (const char *p = sci; p < e; p++)
            if (*p >= '0' && *p <= '9') mant = mant * 10 + (uint64_t)(*p - '0');
        for (int step = -1; step <= 1; step += 2) {
            uint64_t cand = mant + (uint64_t)(int64_t)step;
            char text[48];
            snprintf(text, sizeof text, "%llue%d", (unsigned long long)cand, ex - prec);
            if (strtod(text, NULL) != a) continue;
            int nd = snprintf(digits, 24, "%llu", (unsigned long long)cand);
            *exp10 = ex - prec + nd - 1;
            while (nd > 1 && digits[nd - 1] == '0') nd--;
            return nd;
        }
    }
    /* 17 significant digits always read back exactly. */
    snprintf(sci, sizeof sci, "%.16e", a);
    int nd = 0;
    const char *e = strchr(sci, 'e');
    for (const char *p = sci; p < e; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    *exp10 = atoi(e + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    return nd;
}

/* The shortest decimal that reads back as exactly v, in Python's repr layout
 * (exponent form when the decimal exponent is < -4 or >= 16) except that
 * integral values carry no ".0". */
size_t rt_float_format_short(double v, char *out) {
    if (isnan(v)) return (size_t)snprintf(out, RT_FLOAT_STR_MAX, "nan");
    if (isinf(v)) return (size_t)snprintf(out, RT_FLOAT_STR_MAX, v < 0 ? "-inf" : "inf");
    if (v == 0.0) return (size_t)snprintf(out, RT_FLOAT_STR_MAX, signbit(v) ? "-0" : "0");

    bool neg = v < 0;
    char digits[24];
    int exp10;
    int nd = rt_float_shortest_digits(fabs(v), digits, &exp10);

    size_t n = 0;
    if (neg) out[n++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[n++] = digits[0];
        if (nd > 1) {
            out[n++] = '.';
            memcpy(out + n, digits + 1, (size_t)nd - 1);
            n += (size_t)nd - 1;
        }
        n += (size_t)snprintf(out + n, RT_FLOAT_STR_MAX - n, "e%c%02d", exp10 < 0 ? '-' : '+',
                              exp10 < 0 ? -exp10 : exp10);
        return n;
    }
    if (exp10 < 0) {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = 0; i < -exp10 - 1; i++) out[n++] = '0';
        memcpy(out + n, digits, (size_t)nd);
        n += (size_t)nd;
    } else {
        for (int i = 0; i <= exp10; i++) out[n++] = i < nd ? digits[i] : '0';
        if (nd > exp10 + 1) {
            out[n++] = '.';
            memcpy(out + n, digits + exp10 + 1, (size_t)(nd - exp10 - 1));
            n += (size_t)(nd - exp10 - 1);
        }
    }
    out[n] = '\0';
    return n;
}
