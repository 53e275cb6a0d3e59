/* Strings: allocation and release of RtStr, comparison, UTF-8 length, the
 * repr form used inside containers, str() of scalars, and the RtBuf builder
 * the other runtime files use to produce new strings. */
#include "rt_internal.h"

#include <string.h>

/* ---- allocation --------------------------------------------------------- */

/* Bytes of the block behind a heap string of capacity cap. */
static inline size_t rt_str_block(int64_t cap) { return sizeof(RtStr) + (size_t)cap + 1; }

/* A fresh heap string of len bytes whose contents the caller fills in.
 * Short strings (words, keys, small f-strings: the common case by far)
 * come from the size-class pools, which cost a few instructions where
 * malloc/free cost a hundred; rt_str_drop frees by the same size, which
 * cap records. */
static RtStr *rt_str_alloc(int64_t len) {
    if (len < 0) rt_panic("string length out of range", NULL);
    RtStr *s = rt_alloc_small(rt_str_block(len));
    s->len = len;
    s->cap = len;
    s->data[len] = '\0';
    return s;
}

RtStr *rt_str_new(const char *bytes, int64_t len) {
    RtStr *s = rt_str_alloc(len);
    rt_copy_bytes(s->data, bytes, len);
    return s;
}

_Static_assert(RT_STR_STATIC < 0, "rt_str_new_over tests a literal by len <= cap");

RtStr *rt_str_new_over_fresh(RtStr *old, const char *bytes, int64_t len) {
    RtStr *s = rt_str_new(bytes, len);
    rt_str_drop(old); /* after the copy: bytes may lie in old */
    return s;
}

/* An empty str with room for the longest piece of s: the reused element
 * of a loop over s.split() or s.splitlines() (rt_str_split_next). */
RtStr *rt_str_scratch(const RtStr *s) {
    RtStr *r = rt_str_alloc(s->len);
    r->len = 0;
    r->data[0] = '\0';
    return r;
}

void rt_str_drop(RtStr *s) {
    if (!s || s->cap == RT_STR_STATIC) return;
    rt_free_small(s, rt_str_block(s->cap));
}

/* Strings are immutable and literals are never freed, so a literal's
 * "clone" can be the literal itself: dropping it later is a no-op. */
RtStr *rt_str_clone(const RtStr *s) {
    if (s->cap == RT_STR_STATIC) return (RtStr *)s;
    return rt_str_new(s->data, s->len);
}

RtStr *rt_str_concat(const RtStr *a, const RtStr *b) {
    RtStr *s = rt_str_alloc(a->len + b->len);
    memcpy(s->data, a->data, (size_t)a->len);
    memcpy(s->data + a->len, b->data, (size_t)b->len);
    return s;
}

RtStr *rt_str_join_parts(int64_t n, RtStr *const *parts) {
    int64_t total = 0;
    for (int64_t i = 0; i < n; i++) total += parts[i]->len;
    RtStr *s = rt_str_alloc(total);
    int64_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        memcpy(s->data + at, parts[i]->data, (size_t)parts[i]->len);
        at += parts[i]->len;
    }
    return s;
}

/* ---- comparison and length --------------------------------------------- */

bool rt_str_eq(const RtStr *a, const RtStr *b) {
    return a->len == b->len && memcmp(a->data, b->data, (size_t)a->len) == 0;
}

/* Bytewise order equals code point order for valid UTF-8. */
int64_t rt_str_cmp(const RtStr *a, const RtStr *b) {
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c != 0) return c < 0 ? -1 : 1;
    if (a->len == b->len) return 0;
    return a->len < b->len ? -1 : 1;
}

int64_t rt_utf8_count(const char *bytes, int64_t len) {
    int64_t count = 0;
    for (int64_t i = 0; i < len; i++)
        if (((unsigned char)bytes[i] & 0xC0) != 0x80) count++;
    return count;
}

int64_t rt_str_len(const RtStr *s) { return rt_utf8_count(s->data, s->len); }

/* ---- repr --------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence starting at p (at most `avail`
 * bytes), storing its code point; 0 when the bytes are not well-formed. */
static int rt_utf8_decode(const unsigned char *p, int64_t avail, uint32_t *cp) {
    unsigned char c = p[0];
    int n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (avail < n) return 0;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    /* Reject overlong forms, surrogates and values past U+10FFFF. */
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Non-ASCII code points Python's repr escapes that text commonly contains:
 * the C1 controls, no-break/odd spaces, zero-width and direction marks, line
 * and paragraph separators, the BOM. The full Unicode "printable" table is
 * not replicated here. */
static bool rt_cp_nonprinting(uint32_t cp) {
    return (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
           (cp >= 0x205F && cp <= 0x2064) || cp == 0x3000 || cp == 0xFEFF;
}

static void rt_buf_put_hex_escape(RtBuf *b, char kind, uint32_t v, int digits) {
    static const char hex[] = "0123456789abcdef";
    rt_buf_putc(b, '\\');
    rt_buf_putc(b, kind);
    for (int i = digits - 1; i >= 0; i--) rt_buf_putc(b, hex[(v >> (4 * i)) & 0xF]);
}

/* Double-quoted, with \\ \" \n \r \t, other control characters as \xHH and
 * non-printing separators as \uXXXX (as Python's repr does); printable
 * non-ASCII text is kept as it is. Bytes that are not valid UTF-8 cannot come
 * from Sifr code but are shown as \xHH rather than passed through. */
RtStr *rt_str_repr(const RtStr *s) {
    RtBuf b = {0};
    rt_buf_reserve(&b, (size_t)s->len + 2);
    rt_buf_putc(&b, '"');
    const unsigned char *p = (const unsigned char *)s->data;
    int64_t i = 0;
    while (i < s->len) {
        uint32_t cp;
        int n = rt_utf8_decode(p + i, s->len - i, &cp);
        if (n == 0) {
            rt_buf_put_hex_escape(&b, 'x', p[i], 2);
            i++;
            continue;
        }
        switch (cp) {
        case '\\': rt_buf_puts(&b, "\\\\"); break;
        case '"': rt_buf_puts(&b, "\\\""); break;
        case '\n': rt_buf_puts(&b, "\\n"); break;
        case '\r': rt_buf_puts(&b, "\\r"); break;
        case '\t': rt_buf_puts(&b, "\\t"); break;
        default:
            if (cp < 0x20 || (cp <= 0xFF && rt_cp_nonprinting(cp)))
                rt_buf_put_hex_escape(&b, 'x', cp, 2);
            else if (rt_cp_nonprinting(cp))
                rt_buf_put_hex_escape(&b, 'u', cp, 4);
            else
                rt_buf_put(&b, (const char *)p + i, (size_t)n);
            break;
        }
        i += n;
    }
    rt_buf_putc(&b, '"');
    return rt_buf_finish(&b);
}

/* ---- str() of scalars --------------------------------------------------- */

RtStr *rt_str_from_int(int64_t v) {
    char num[24];
    size_t n = rt_int_format_dec(v, num);
    return rt_str_new(num, (int64_t)n);
}

RtStr *rt_str_from_float(double v) {
    char text[RT_FLOAT_STR_MAX];
    size_t n = rt_float_format_short(v, text);
    return rt_str_new(text, (int64_t)n);
}

RtStr *rt_str_from_bool(bool v) { return v ? rt_str_new("true", 4) : rt_str_new("false", 5); }

RtStr *rt_str_none(void) { return rt_str_new("None", 4); }

/* ---- RtBuf -------------------------------------------------------------- */

void rt_buf_reserve(RtBuf *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap * 2 : 32;
    while (cap < b->len + extra) cap *= 2;
    b->data = rt_realloc(b->data, cap);
    b->cap = cap;
}

void rt_buf_put(RtBuf *b, const char *bytes, size_t len) {
    if (!len) return;
    rt_buf_reserve(b, len);
    memcpy(b->data + b->len, bytes, len);
    b->len += len;
}

void rt_buf_putc(RtBuf *b, char c) { rt_buf_put(b, &c, 1); }

void rt_buf_puts(RtBuf *b, const char *s) { rt_buf_put(b, s, strlen(s)); }

RtStr *rt_buf_finish(RtBuf *b) {
    RtStr *s = rt_str_new(b->data, (int64_t)b->len);
    rt_buf_free(b);
    return s;
}

void rt_buf_free(RtBuf *b) {
    rt_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
