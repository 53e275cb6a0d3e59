/* f-string fields with a format spec: a parser for Python's format-spec
 * mini-language and the renderers for int, float, str and bool. An empty spec
 * means str(); a non-empty one follows Python's format(), except that a float
 * spec with neither type nor precision formats the Sifr str() text (15.0 -> "15"). */
#include "rt_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Widths and precisions above this are rejected as invalid specs: they can
 * only be typos, and they keep every size computation far from overflow. */
#define RT_FMT_MAX_FIELD 100000000

typedef struct RtSpec {
    char fill[4];      /* UTF-8 bytes of the fill character */
    int fill_len;
    bool fill_given;
    char align;        /* 0 (default), '<', '>', '^', '=' */
    char sign;         /* 0 (same as '-'), '+', '-', ' ' */
    bool no_neg_zero;  /* 'z' */
    bool alt;          /* '#' */
    int64_t width;     /* -1 when absent */
    char grouping;     /* 0, ',' or '_' */
    int64_t precision; /* -1 when absent */
    char type;         /* 0 when absent */
} RtSpec;

_Noreturn static void rt_fmt_invalid(const RtStr *spec, const RtLoc *loc) {
    RtBuf b = {0};
    rt_buf_puts(&b, "invalid format spec '");
    rt_buf_put(&b, spec->data, (size_t)spec->len);
    rt_buf_puts(&b, "'");
    RtStr *msg = rt_buf_finish(&b);
    rt_panic_str(msg, loc);
}

static bool rt_fmt_is_align(char c) { return c == '<' || c == '>' || c == '^' || c == '='; }

/* Length of the UTF-8 sequence a lead byte announces (1 for stray bytes). */
static int rt_fmt_utf8_len(unsigned char c) {
    if (c >= 0xF0) return 4;
    if (c >= 0xE0) return 3;
    if (c >= 0xC0) return 2;
    return 1;
}

/* Read a run of decimal digits into *out; false on overflow of the limit. */
static bool rt_fmt_parse_int(const char *s, int64_t len, int64_t *pos, int64_t *out) {
    int64_t v = 0;
    int64_t start = *pos;
    while (*pos < len && s[*pos] >= '0' && s[*pos] <= '9') {
        v = v * 10 + (s[*pos] - '0');
        if (v > RT_FMT_MAX_FIELD) return false;
        (*pos)++;
    }
    *out = *pos > start ? v : -1;
    return true;
}

/* [[fill]align][sign][z][#][0][width][grouping][.precision][type]
 * default_align is '>' for numbers and '<' for strings: the '0' flag turns
 * into '=' alignment only where numbers are right-aligned by default. */
static bool rt_fmt_parse(const RtStr *spec, char default_align, RtSpec *out) {
    const char *s = spec->data;
    int64_t len = spec->len;
    int64_t pos = 0;
    memset(out, 0, sizeof *out);
    out->fill[0] = ' ';
    out->fill_len = 1;
    out->width = -1;
    out->precision = -1;

    int n = rt_fmt_utf8_len((unsigned char)s[0]);
    if (n > len) return false;
    if (len > n && rt_fmt_is_align(s[n])) {
        memcpy(out->fill, s, (size_t)n);
        out->fill_len = n;
        out->fill_given = true;
        out->align = s[n];
        pos = n + 1;
    } else if (rt_fmt_is_align(s[0])) {
        out->align = s[0];
        pos = 1;
    }
    if (pos < len && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) out->sign = s[pos++];
    if (pos < len && s[pos] == 'z') {
        out->no_neg_zero = true;
        pos++;
    }
    if (pos < len && s[pos] == '#') {
        out->alt = true;
        pos++;
    }
    if (!out->fill_given && pos < len && s[pos] == '0') {
        out->fill[0] = '0';
        out->fill_len = 1;
        if (!out->align && default_align == '>') out->align = '=';
        pos++;
    }
    if (!rt_fmt_parse_int(s, len, &pos, &out->width)) return false;
    if (pos < len && (s[pos] == ',' || s[pos] == '_')) {
        out->grouping = s[pos++];
        /* Both separators at once is an error in Python. */
        if (pos < len && (s[pos] == ',' || s[pos] == '_')) return false;
    }
    if (pos < len && s[pos] == '.') {
        pos++;
        if (!rt_fmt_parse_int(s, len, &pos, &out->precision)) return false;
        if (out->precision < 0) return false; /* '.' with no digits */
    }
    if (len - pos > 1) return false;
    if (len - pos == 1) out->type = s[pos];
    if (!out->align) out->align = default_align;
    return true;
}

/* ---- assembling a field ------------------------------------------------- */

static void rt_fmt_put_fill(RtBuf *b, const RtSpec *sp, int64_t count) {
    for (int64_t i = 0; i < count; i++) rt_buf_put(b, sp->fill, (size_t)sp->fill_len);
}

/* Pad `prefix` + `body` (prefix being the sign and base prefix of a number)
 * to the spec's width. Widths count code points, as in Python. */
static RtStr *rt_fmt_pad(const RtSpec *sp, const char *prefix, size_t prefix_len, const char *body,
                         size_t body_len) {
    int64_t used = rt_utf8_count(prefix, (int64_t)prefix_len) + rt_utf8_count(body, (int64_t)body_len);
    int64_t pad = sp->width > used ? sp->width - used : 0;
    int64_t left = 0, right = 0;
    switch (sp->align) {
    case '<': right = pad; break;
    case '^': left = pad / 2; right = pad - left; break;
    default: left = pad; break; /* '>' and '=' */
    }
    RtBuf b = {0};
    rt_buf_reserve(&b, prefix_len + body_len + (size_t)pad * (size_t)sp->fill_len + 1);
    if (sp->align == '=') {
        rt_buf_put(&b, prefix, prefix_len);
        rt_fmt_put_fill(&b, sp, left);
    } else {
        rt_fmt_put_fill(&b, sp, left);
        rt_buf_put(&b, prefix, prefix_len);
    }
    rt_buf_put(&b, body, body_len);
    rt_fmt_put_fill(&b, sp, right);
    return rt_buf_finish(&b);
}

/* Insert `sep` every `group` digits, from the right, into the leading
 * `ndigits` digits of `text` (the rest is copied as it is). When min_width is
 * positive the integer part is extended with zeros (and separators) up to
 * that width, as Python does for '0' fill with '=' alignment; a group is then
 * never left empty, so the result cannot start with a separator. */
static void rt_fmt_group(RtBuf *out, const char *text, size_t ndigits, size_t text_len, char sep,
                         int group, int64_t min_width) {
    /* Build the grouped integer part backwards, then reverse it in place. */
    size_t start = out->len;
    size_t remaining = ndigits;
    int64_t written = 0;
    for (;;) {
        size_t take = remaining < (size_t)group ? remaining : (size_t)group;
        for (size_t i = 0; i < take; i++) rt_buf_putc(out, text[remaining - 1 - i]);
        remaining -= take;
        written += (int64_t)take;
        if (remaining == 0) {
            int64_t want = min_width - written;
            if (want > group - (int64_t)take) want = group - (int64_t)take;
            if (take == 0 && want < 1 && min_width > 0) want = 1;
            for (int64_t i = 0; i < want; i++) rt_buf_putc(out, '0');
            written += want > 0 ? want : 0;
            if (written >= min_width) break;
        }
        rt_buf_putc(out, sep);
        written++;
    }
    /* (Nothing was written when there are no digits, as for inf and nan.) */
    for (size_t i = start, j = out->len; i + 1 < j; i++, j--) {
        char t = out->data[i];
        out->data[i] = out->data[j - 1];
        out->data[j - 1] = t;
    }
    rt_buf_put(out, text + ndigits, text_len - ndigits);
}

/* A number is rendered as prefix (sign, base prefix) + digits + rest; apply
 * the grouping and the padding. */
static RtStr *rt_fmt_number(const RtSpec *sp, const char *prefix, size_t prefix_len,
                            const char *body, size_t body_len, int group) {
    if (!sp->grouping) return rt_fmt_pad(sp, prefix, prefix_len, body, body_len);
    size_t ndigits = 0;
    while (ndigits < body_len && body[ndigits] >= '0' && body[ndigits] <= '9') ndigits++;
    if (sp->grouping == '_' && group == 4) {
        /* hex digits a-f count as digits in base 16 */
        while (ndigits < body_len && ((body[ndigits] >= 'a' && body[ndigits] <= 'f') ||
                                      (body[ndigits] >= 'A' && body[ndigits] <= 'F') ||
                                      (body[ndigits] >= '0' && body[ndigits] <= '9')))
            ndigits++;
    }
    int64_t min_width = 0;
    if (sp->fill_len == 1 && sp->fill[0] == '0' && sp->align == '=' && ndigits > 0 && sp->width > 0)
        min_width = sp->width - (int64_t)prefix_len - (int64_t)(body_len - ndigits);
    RtBuf grouped = {0};
    rt_fmt_group(&grouped, body, ndigits, body_len, sp->grouping, group, min_width);
    RtStr *r = rt_fmt_pad(sp, prefix, prefix_len, grouped.data, grouped.len);
    rt_buf_free(&grouped);
    return r;
}

/* The sign character of a number, or none. */
static size_t rt_fmt_sign(const RtSpec *sp, bool negative, char *out) {
    if (negative) out[0] = '-';
    else if (sp->sign == '+') out[0] = '+';
    else if (sp->sign == ' ') out[0] = ' ';
    else return 0;
    return 1;
}

/* ---- floats ------------------------------------------------------------- */

/* 'g'-style text for |a| (finite) with `prec` significant digits: exponent
 * form when the rounded decimal exponent is < -4 or >= threshold, else fixed
 * point; trailing zeros go unless '#'. Python's 'g' uses threshold = prec;
 * its "no type but a precision" form uses prec - 1 and keeps one digit after
 * the point ("1.0"). Done by hand because glibc's %#g mishandles a rounding
 * carry (99.95 with %#.2g gives "1.e+02", Python gives "1.0e+02"). */
static void rt_fmt_float_general(RtBuf *b, double a, int64_t prec, bool alt, bool dot0) {
    if (prec == 0) prec = 1;
    size_t sci_cap = (size_t)prec + 32;
    char *sci = rt_alloc(sci_cap);
    snprintf(sci, sci_cap, alt ? "%#.*e" : "%.*e", (int)(prec - 1), a);
    const char *e = strchr(sci, 'e');
    int exp10 = atoi(e + 1);
    int64_t threshold = dot0 ? prec - 1 : prec;
    if (exp10 < -4 || exp10 >= threshold) {
        /* Mantissa without trailing zeros (unless '#'), then the exponent. */
        size_t mlen = (size_t)(e - sci);
        if (!alt && memchr(sci, '.', mlen)) {
            while (sci[mlen - 1] == '0') mlen--;
            if (sci[mlen - 1] == '.') mlen--;
        }
        rt_buf_put(b, sci, mlen);
        rt_buf_puts(b, e);
        rt_free(sci);
        return;
    }
    rt_free(sci);
    int decimals = (int)(prec - 1 - exp10);
    size_t cap = (size_t)decimals + 32;
    char *text = rt_alloc(cap);
    size_t len = (size_t)snprintf(text, cap, alt ? "%#.*f" : "%.*f", decimals, a);
    if (!alt && decimals > 0) {
        while (text[len - 1] == '0') len--;
        if (text[len - 1] == '.') {
            if (dot0) len++; /* keep one digit after the point */
            else len--;
        }
    }
    rt_buf_put(b, text, len);
    rt_free(text);
}

static RtStr *rt_fmt_float_spec(double v, const RtSpec *sp, const RtStr *spec, const RtLoc *loc) {
    char type = sp->type;
    switch (type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': case 'n': break;
    default: rt_fmt_invalid(spec, loc);
    }
    if (sp->grouping && type == 'n') rt_fmt_invalid(spec, loc);
    if (type == 'n') type = 'g';

    bool negative = signbit(v) && !isnan(v);
    double a = fabs(v);
    if (type == '%') a *= 100.0;
    bool upper = type == 'E' || type == 'F' || type == 'G';
    int64_t prec = sp->precision;

    RtBuf body = {0};
    if (!isfinite(a)) {
        rt_buf_puts(&body, isnan(a) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
    } else if (type == 0 && prec < 0) {
        char text[RT_FLOAT_STR_MAX];
        rt_buf_put(&body, text, rt_float_format_short(a, text));
    } else if (type == 0) {
        rt_fmt_float_general(&body, a, prec, sp->alt, true);
    } else if (type == 'g' || type == 'G') {
        rt_fmt_float_general(&body, a, prec < 0 ? 6 : prec, sp->alt, false);
        if (type == 'G')
            for (size_t i = 0; i < body.len; i++)
                if (body.data[i] == 'e') body.data[i] = 'E';
    } else {
        if (prec < 0) prec = 6;
        char conv = type == '%' ? 'f' : type;
        char fmt[8];
        snprintf(fmt, sizeof fmt, "%%%s.*%c", sp->alt ? "#" : "", conv);
        /* 'f' of a huge double has ~310 integer digits plus the decimals. */
        size_t cap = (size_t)prec + 400;
        char *text = rt_alloc(cap);
        int n = snprintf(text, cap, fmt, (int)prec, a);
        rt_buf_put(&body, text, (size_t)n);
        rt_free(text);
    }
    if (type == '%') rt_buf_putc(&body, '%');

    /* 'z': a value that rounds to zero loses its minus sign. */
    if (negative && sp->no_neg_zero) {
        bool all_zero = true;
        for (size_t i = 0; i < body.len && body.data[i] != 'e' && body.data[i] != 'E'; i++)
            if (body.data[i] >= '1' && body.data[i] <= '9') all_zero = false;
        if (isfinite(a) && all_zero) negative = false;
    }
    char sign[1];
    size_t sign_len = rt_fmt_sign(sp, negative, sign);
    RtStr *r = rt_fmt_number(sp, sign, sign_len, body.data, body.len, 3);
    rt_buf_free(&body);
    return r;
}

/* ---- ints ---------------------------------------------------------------- */

/* Append the UTF-8 encoding of code point cp. */
static void rt_fmt_put_utf8(RtBuf *b, uint32_t cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    rt_buf_put(b, u, n);
}

static RtStr *rt_fmt_int_spec(int64_t v, const RtSpec *sp, const RtStr *spec, const RtLoc *loc) {
    char type = sp->type;
    switch (type) {
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
        /* Float presentation types convert the int, as Python does. */
        return rt_fmt_float_spec((double)v, sp, spec, loc);
    case 0: case 'd': case 'n': case 'b': case 'o': case 'x': case 'X': case 'c': break;
    default: rt_fmt_invalid(spec, loc);
    }
    if (sp->precision >= 0 || sp->no_neg_zero) rt_fmt_invalid(spec, loc);
    if (sp->grouping == ',' && type != 0 && type != 'd') rt_fmt_invalid(spec, loc);
    if (sp->grouping == '_' && (type == 'n' || type == 'c')) rt_fmt_invalid(spec, loc);

    if (type == 'c') {
        if (sp->sign || sp->alt) rt_fmt_invalid(spec, loc);
        if (v < 0 || v > 0x10FFFF) rt_panic("%c arg not in range(0x110000)", loc);
        RtBuf ch = {0};
        rt_fmt_put_utf8(&ch, (uint32_t)v);
        RtStr *r = rt_fmt_pad(sp, "", 0, ch.data, ch.len);
        rt_buf_free(&ch);
        return r;
    }

    unsigned base = 10;
    const char *pfx = "";
    const char *digits = "0123456789abcdef";
    switch (type) {
    case 'b': base = 2; pfx = "0b"; break;
    case 'o': base = 8; pfx = "0o"; break;
    case 'x': base = 16; pfx = "0x"; break;
    case 'X': base = 16; pfx = "0X"; digits = "0123456789ABCDEF"; break;
    default: break;
    }
    char prefix[4];
    size_t prefix_len = rt_fmt_sign(sp, v < 0, prefix);
    if (sp->alt && base != 10) {
        memcpy(prefix + prefix_len, pfx, 2);
        prefix_len += 2;
    }
    /* Digits of the magnitude, least significant first, then reversed. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[65], body[65];
    size_t n = 0;
    do {
        tmp[n++] = digits[mag % base];
        mag /= base;
    } while (mag);
    for (size_t i = 0; i < n; i++) body[i] = tmp[n - 1 - i];
    return rt_fmt_number(sp, prefix, prefix_len, body, n, base == 10 ? 3 : 4);
}

/* ---- strings ------------------------------------------------------------ */

/* Format the text of a string (or a bool's str form) under a string spec. */
static RtStr *rt_fmt_text(const char *bytes, int64_t len, const RtStr *spec, const RtLoc *loc) {
    RtSpec sp;
    if (!rt_fmt_parse(spec, '<', &sp)) rt_fmt_invalid(spec, loc);
    if (sp.type != 0 && sp.type != 's') rt_fmt_invalid(spec, loc);
    if (sp.sign || sp.no_neg_zero || sp.alt || sp.grouping || sp.align == '=')
        rt_fmt_invalid(spec, loc);
    int64_t keep = len;
    if (sp.precision >= 0) {
        /* Precision truncates to that many code points. */
        int64_t cps = 0;
        keep = 0;
        while (keep < len) {
            if (((unsigned char)bytes[keep] & 0xC0) != 0x80) {
                if (cps == sp.precision) break;
                cps++;
            }
            keep++;
        }
    }
    return rt_fmt_pad(&sp, "", 0, bytes, (size_t)keep);
}

/* ---- entry points -------------------------------------------------------- */

static bool rt_fmt_spec_empty(const RtStr *spec) { return !spec || spec->len == 0; }

RtStr *rt_fmt_int(int64_t v, const RtStr *spec, const RtLoc *loc) {
    if (rt_fmt_spec_empty(spec)) return rt_str_from_int(v);
    RtSpec sp;
    if (!rt_fmt_parse(spec, '>', &sp)) rt_fmt_invalid(spec, loc);
    return rt_fmt_int_spec(v, &sp, spec, loc);
}

RtStr *rt_fmt_float(double v, const RtStr *spec, const RtLoc *loc) {
    if (rt_fmt_spec_empty(spec)) return rt_str_from_float(v);
    RtSpec sp;
    if (!rt_fmt_parse(spec, '>', &sp)) rt_fmt_invalid(spec, loc);
    return rt_fmt_float_spec(v, &sp, spec, loc);
}

RtStr *rt_fmt_str(const RtStr *v, const RtStr *spec, const RtLoc *loc) {
    if (rt_fmt_spec_empty(spec)) return rt_str_clone(v);
    return rt_fmt_text(v->data, v->len, spec, loc);
}

RtStr *rt_fmt_bool(bool v, const RtStr *spec, const RtLoc *loc) {
    if (rt_fmt_spec_empty(spec)) return rt_str_from_bool(v);
    return v ? rt_fmt_text("true", 4, spec, loc) : rt_fmt_text("false", 5, spec, loc);
}
