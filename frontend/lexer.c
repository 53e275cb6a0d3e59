/* The lexer: source bytes to tokens. Owns Python-style layout (INDENT/DEDENT
 * from a stack of indentation widths, implicit joining inside brackets,
 * backslash continuation), number/string/bytes/f-string literals with their
 * escapes, keyword recognition and UTF-8 validation of the source. */
#include "lexer.h"

#include "diag.h"

#include <stdarg.h>

/* ==== Token names ======================================================== */

static const char *const lex_token_names[TOK__COUNT] = {
#define X(k, s) [k] = s,
    SIFR_TOKENS(X)
#undef X
};

const char *tok_kind_name(TokKind k) {
    if ((unsigned)k >= TOK__COUNT) ICE("bad token kind %d", (int)k);
    return lex_token_names[k];
}

/* ==== Lexer state ======================================================== */

typedef struct Lexer {
    FileId file;
    const char *src; /* the whole file text (spans are offsets into it) */
    uint32_t pos;
    uint32_t end;    /* one past the last byte to lex (file length or range end) */
    Arena *arena;
    TokenList toks;
    uint32_t depth;  /* bracket nesting: no layout tokens while > 0 */
    bool layout;     /* false for lex_range: no NEWLINE/INDENT/DEDENT */
    VEC(uint32_t) indents;
    StrBuf sb;       /* scratch for literal contents */
} Lexer;

static inline unsigned char lex_peek(const Lexer *lx, uint32_t k) {
    return lx->pos + k < lx->end ? (unsigned char)lx->src[lx->pos + k] : 0;
}

static inline bool lex_is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static inline bool lex_is_alpha(unsigned c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
/* Bytes >= 0x80 are identifier characters (validated as UTF-8 when consumed). */
static inline bool lex_is_name_char(unsigned c) { return lex_is_alpha(c) || lex_is_digit(c) || c >= 0x80; }

static Token *lex_push(Lexer *lx, TokKind kind, uint32_t lo, uint32_t hi) {
    TokenList *tl = &lx->toks;
    if (tl->len == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 64;
        tl->items = xrealloc(tl->items, sizeof(Token) * tl->cap);
    }
    Token *t = &tl->items[tl->len++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->span = span_make(lx->file, lo, hi);
    return t;
}

static void lex_error(Lexer *lx, const char *code, uint32_t lo, uint32_t hi, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void lex_error(Lexer *lx, const char *code, uint32_t lo, uint32_t hi, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(code, span_make(lx->file, lo, hi), "%s", msg);
}

/* ==== UTF-8 ============================================================== */


/* Validate the non-ASCII character at pos: returns its length, or reports
 * SIFR-PARSE-0009 and returns 0 (the caller skips one byte). */
static uint32_t lex_utf8_check(Lexer *lx) {
    uint32_t n = utf8_seq_len((const unsigned char *)lx->src + lx->pos, lx->end - lx->pos);
    if (n == 0)
        lex_error(lx, CODE_PARSE_ENCODING, lx->pos, lx->pos + 1, "invalid UTF-8 byte 0x%02X in source",
                  (unsigned char)lx->src[lx->pos]);
    return n;
}

static void lex_put_utf8(StrBuf *sb, uint32_t cp) {
    if (cp < 0x80) {
        sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        sb_putc(sb, (char)(0xC0 | (cp >> 6)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_putc(sb, (char)(0xE0 | (cp >> 12)));
        sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_putc(sb, (char)(0xF0 | (cp >> 18)));
        sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

static StrId lex_intern_sb(const StrBuf *sb) { return intern(sb->data ? sb->data : "", sb->len); }

/* ==== Layout ============================================================= */

/* Skip a comment up to (not including) its newline, validating UTF-8. */
static void lex_skip_comment(Lexer *lx) {
    while (lx->pos < lx->end) {
        unsigned char c = (unsigned char)lx->src[lx->pos];
        if (c == '\n') break;
        if (c >= 0x80) {
            uint32_t n = lex_utf8_check(lx);
            lx->pos += n ? n : 1;
        } else {
            lx->pos++;
        }
    }
}

/* At the start of a physical line outside brackets: skip blank and
 * comment-only lines, measure the indentation of the next real line and emit
 * INDENT/DEDENT. Returns false at end of input. */
static bool lex_line_start(Lexer *lx) {
    for (;;) {
        uint32_t col = 0;
        uint32_t tab_at = UINT32_MAX;
        while (lx->pos < lx->end) {
            char c = lx->src[lx->pos];
            if (c == ' ') {
                col++;
            } else if (c == '\t') {
                /* Reported below, only if the line is not blank; measured as
                 * advancing to the next multiple of 8 so lexing can go on. */
                if (tab_at == UINT32_MAX) tab_at = lx->pos;
                col = (col / 8 + 1) * 8;
            } else if (c == '\f') {
                col = 0; /* Python resets the column at a form feed */
            } else {
                break;
            }
            lx->pos++;
        }
        if (lx->pos >= lx->end) return false;
        char c = lx->src[lx->pos];
        if (c == '#') {
            lex_skip_comment(lx);
            if (lx->pos >= lx->end) return false;
            c = lx->src[lx->pos];
        }
        if (c == '\r' && lex_peek(lx, 1) == '\n') {
            lx->pos += 2;
            continue;
        }
        if (c == '\n') {
            lx->pos++;
            continue;
        }

        if (tab_at != UINT32_MAX)
            lex_error(lx, CODE_PARSE_TAB, tab_at, tab_at + 1,
                      "tab character in indentation; indent with spaces");
        uint32_t here = lx->pos;
        uint32_t top = lx->indents.items[lx->indents.len - 1];
        if (col > top) {
            vec_push(&lx->indents, col);
            lex_push(lx, TOK_INDENT, here, here);
        } else {
            while (col < lx->indents.items[lx->indents.len - 1]) {
                uint32_t below = lx->indents.items[lx->indents.len - 2];
                if (below < col) {
                    /* Recover by treating the line as the continuation of the
                     * block being closed, re-measured at the new width: no
                     * token, so INDENT/DEDENT stay balanced for the parser. */
                    lex_error(lx, CODE_PARSE_INDENT, here, here + 1,
                              "unindent does not match any outer indentation level");
                    lx->indents.items[lx->indents.len - 1] = col;
                    break;
                }
                lx->indents.len--;
                lex_push(lx, TOK_DEDENT, here, here);
            }
        }
        return true;
    }
}

/* ==== Names and keywords ================================================= */

static TokKind lex_keyword(const char *s, uint32_t n) {
    if (n < 2 || n > 8) return TOK_NAME;
#define KW(text, kind)                                                         \
    if (n == sizeof(text) - 1 && memcmp(s, text, n) == 0) return kind;
    switch (s[0]) {
    case 'F': KW("False", TOK_FALSE) break;
    case 'N': KW("None", TOK_NONE) break;
    case 'T': KW("True", TOK_TRUE) break;
    case 'a':
        KW("and", TOK_AND) KW("as", TOK_AS) KW("assert", TOK_ASSERT) KW("async", TOK_ASYNC)
        KW("await", TOK_AWAIT) break;
    case 'b': KW("break", TOK_BREAK) break;
    case 'c': KW("class", TOK_CLASS) KW("continue", TOK_CONTINUE) break;
    case 'd': KW("def", TOK_DEF) KW("del", TOK_DEL) break;
    case 'e': KW("elif", TOK_ELIF) KW("else", TOK_ELSE) KW("except", TOK_EXCEPT) break;
    case 'f': KW("finally", TOK_FINALLY) KW("for", TOK_FOR) KW("from", TOK_FROM) break;
    case 'g': KW("global", TOK_GLOBAL) break;
    case 'i': KW("if", TOK_IF) KW("import", TOK_IMPORT) KW("in", TOK_IN) KW("is", TOK_IS) break;
    case 'l': KW("lambda", TOK_LAMBDA) break;
    case 'n': KW("nonlocal", TOK_NONLOCAL) KW("not", TOK_NOT) break;
    case 'o': KW("or", TOK_OR) break;
    case 'p': KW("pass", TOK_PASS) break;
    case 'r': KW("raise", TOK_RAISE) KW("return", TOK_RETURN) break;
    case 't': KW("try", TOK_TRY) break;
    case 'w': KW("while", TOK_WHILE) KW("with", TOK_WITH) break;
    case 'y': KW("yield", TOK_YIELD) break;
    default: break;
    }
#undef KW
    return TOK_NAME;
}

static void lex_name(Lexer *lx) {
    uint32_t start = lx->pos;
    bool ascii = true, bad = false;
    while (lx->pos < lx->end) {
        unsigned char c = (unsigned char)lx->src[lx->pos];
        if (lex_is_alpha(c) || lex_is_digit(c)) {
            lx->pos++;
        } else if (c >= 0x80) {
            ascii = false;
            uint32_t n = lex_utf8_check(lx);
            if (n == 0) bad = true;
            lx->pos += n ? n : 1;
        } else {
            break;
        }
    }
    if (bad) {
        lex_push(lx, TOK_ERROR, start, lx->pos);
        return;
    }
    const char *s = lx->src + start;
    uint32_t n = lx->pos - start;
    TokKind k = ascii ? lex_keyword(s, n) : TOK_NAME;
    Token *t = lex_push(lx, k, start, lx->pos);
    if (k == TOK_NAME) t->name = intern(s, n);
}

/* ==== Numbers ============================================================ */

static int lex_digit_value(unsigned c) {
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return 99;
}

/* Decimal digits with single '_' separators between digits; returns how many
 * digits were consumed. A '_' not followed by a digit is left in place, where
 * the trailing-character check reports it. */
static uint32_t lex_decimal_digits(Lexer *lx) {
    uint32_t n = 0;
    for (;;) {
        unsigned c = lex_peek(lx, 0);
        if (lex_is_digit(c)) {
            lx->pos++;
            n++;
        } else if (c == '_' && n > 0 && lex_is_digit(lex_peek(lx, 1))) {
            lx->pos++;
        } else {
            return n;
        }
    }
}

/* Consume the rest of a malformed literal (`1abc`, `0x1g`) so it is one
 * error and one token. */
static void lex_skip_name_chars(Lexer *lx) {
    while (lx->pos < lx->end && lex_is_name_char((unsigned char)lx->src[lx->pos])) lx->pos++;
}

static void lex_number_error(Lexer *lx, uint32_t start, const char *msg) {
    lex_skip_name_chars(lx);
    lex_error(lx, CODE_PARSE_NUMBER, start, lx->pos, "%s", msg);
    lex_push(lx, TOK_ERROR, start, lx->pos);
}

/* An integer is accepted up to 2^63: exactly 2^63 is only meaningful under
 * unary minus, which the parser checks; anything larger is reported here. */
static void lex_push_int(Lexer *lx, uint32_t start, uint64_t v, bool overflow) {
    Token *t = lex_push(lx, TOK_INT, start, lx->pos);
    if (overflow || v > ((uint64_t)1 << 63)) {
        t->int_overflow = true;
        lex_error(lx, CODE_PARSE_NUMBER, start, lx->pos, "integer literal is too large for a 64-bit int");
        return;
    }
    t->ival = v;
}

static void lex_radix_number(Lexer *lx, uint32_t start, unsigned base, const char *what) {
    lx->pos += 2; /* 0x / 0o / 0b */
    uint64_t v = 0;
    bool overflow = false;
    uint32_t digits = 0;
    for (;;) {
        unsigned c = lex_peek(lx, 0);
        if (c == '_' && (unsigned)lex_digit_value(lex_peek(lx, 1)) < base) {
            lx->pos++; /* a separator after the prefix or between digits */
            continue;
        }
        unsigned d = (unsigned)lex_digit_value(c);
        if (d >= base) break;
        if (v > (UINT64_MAX - d) / base) overflow = true;
        v = v * base + d;
        digits++;
        lx->pos++;
    }
    unsigned c = lex_peek(lx, 0);
    if (digits == 0 || lex_is_name_char(c)) {
        char msg[96];
        if (digits > 0 && lex_is_digit(c))
            snprintf(msg, sizeof msg, "invalid digit '%c' in %s literal", (char)c, what);
        else
            snprintf(msg, sizeof msg, "invalid %s literal", what);
        lex_number_error(lx, start, msg);
        return;
    }
    lex_push_int(lx, start, v, overflow);
}

static void lex_number(Lexer *lx) {
    uint32_t start = lx->pos;
    unsigned c0 = lex_peek(lx, 0), c1 = lex_peek(lx, 1);
    if (c0 == '0' && (c1 == 'x' || c1 == 'X')) return lex_radix_number(lx, start, 16, "hexadecimal");
    if (c0 == '0' && (c1 == 'o' || c1 == 'O')) return lex_radix_number(lx, start, 8, "octal");
    if (c0 == '0' && (c1 == 'b' || c1 == 'B')) return lex_radix_number(lx, start, 2, "binary");

    bool is_float = false;
    lex_decimal_digits(lx);
    if (lex_peek(lx, 0) == '.') {
        is_float = true;
        lx->pos++;
        lex_decimal_digits(lx);
    }
    unsigned e = lex_peek(lx, 0);
    if (e == 'e' || e == 'E') {
        unsigned s = lex_peek(lx, 1);
        uint32_t skip = (s == '+' || s == '-') ? 2 : 1;
        if (lex_is_digit(lex_peek(lx, skip))) {
            is_float = true;
            lx->pos += skip;
            lex_decimal_digits(lx);
        }
    }
    unsigned c = lex_peek(lx, 0);
    if (c == 'j' || c == 'J') {
        lx->pos++;
        lex_number_error(lx, start, "imaginary number literals are not supported");
        return;
    }
    if (lex_is_name_char(c)) {
        lex_number_error(lx, start, "invalid decimal literal");
        return;
    }

    /* Copy without separators: strtod and the integer loop see plain digits. */
    char buf[128];
    uint32_t n = 0;
    bool too_long = false;
    for (uint32_t i = start; i < lx->pos; i++) {
        if (lx->src[i] == '_') continue;
        if (n + 1 >= sizeof buf) {
            too_long = true;
            break;
        }
        buf[n++] = lx->src[i];
    }
    buf[n] = 0;

    if (is_float) {
        double v;
        if (too_long) {
            /* Rare: a literal longer than the buffer; strtod on a heap copy. */
            StrBuf sb = {0};
            for (uint32_t i = start; i < lx->pos; i++)
                if (lx->src[i] != '_') sb_putc(&sb, lx->src[i]);
            v = strtod(sb.data, NULL);
            sb_free(&sb);
        } else {
            v = strtod(buf, NULL);
        }
        Token *t = lex_push(lx, TOK_FLOAT, start, lx->pos);
        t->fval = v;
        return;
    }

    /* Python allows 0, 00, 0_0 but not 007. */
    if (lx->src[start] == '0') {
        for (uint32_t i = start; i < lx->pos; i++) {
            if (lex_is_digit((unsigned char)lx->src[i]) && lx->src[i] != '0') {
                lex_number_error(lx, start,
                                 "leading zeros in decimal integer literals are not permitted; "
                                 "use an 0o prefix for octal integers");
                return;
            }
        }
    }
    uint64_t v = 0;
    bool overflow = false;
    for (uint32_t i = start; i < lx->pos; i++) {
        char ch = lx->src[i];
        if (ch == '_') continue;
        unsigned d = (unsigned)(ch - '0');
        if (v > (UINT64_MAX - d) / 10) overflow = true;
        v = v * 10 + d;
    }
    lex_push_int(lx, start, v, overflow);
}

/* ==== Escapes ============================================================ */

static bool lex_hex_digits(Lexer *lx, uint32_t at, uint32_t count, uint32_t *out) {
    uint32_t v = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t p = at + i;
        if (p >= lx->end) return false;
        int d = lex_digit_value((unsigned char)lx->src[p]);
        if (d > 15) return false;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return true;
}

/* One escape sequence at pos (which is at the backslash) in a non-raw
 * literal, appended to sb. Unknown escapes keep their backslash, like Python. */
static void lex_escape(Lexer *lx, StrBuf *sb, bool bytes) {
    uint32_t esc = lx->pos;
    if (esc + 1 >= lx->end) {
        sb_putc(sb, '\\');
        lx->pos++;
        return;
    }
    unsigned char c = (unsigned char)lx->src[esc + 1];
    lx->pos += 2;
    switch (c) {
    case '\n': return; /* backslash-newline continues the literal */
    case '\r':
        if (lex_peek(lx, 0) == '\n') lx->pos++;
        return;
    case '\\': sb_putc(sb, '\\'); return;
    case '\'': sb_putc(sb, '\''); return;
    case '"': sb_putc(sb, '"'); return;
    case 'n': sb_putc(sb, '\n'); return;
    case 't': sb_putc(sb, '\t'); return;
    case 'r': sb_putc(sb, '\r'); return;
    case 'a': sb_putc(sb, '\a'); return;
    case 'b': sb_putc(sb, '\b'); return;
    case 'f': sb_putc(sb, '\f'); return;
    case 'v': sb_putc(sb, '\v'); return;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        uint32_t v = c - '0';
        for (int i = 0; i < 2; i++) {
            unsigned d = lex_peek(lx, 0);
            if (d < '0' || d > '7') break;
            v = v * 8 + (d - '0');
            lx->pos++;
        }
        if (bytes) {
            if (v > 0xFF) {
                lex_error(lx, CODE_PARSE_STRING, esc, lx->pos, "octal escape value 0o%o is out of range for bytes", v);
                return;
            }
            sb_putc(sb, (char)v);
        } else {
            lex_put_utf8(sb, v);
        }
        return;
    }
    case 'x': {
        uint32_t v;
        if (!lex_hex_digits(lx, lx->pos, 2, &v)) {
            while (lx->pos < esc + 4 && lex_digit_value(lex_peek(lx, 0)) <= 15) lx->pos++;
            lex_error(lx, CODE_PARSE_STRING, esc, lx->pos, "truncated \\xXX escape");
            return;
        }
        lx->pos += 2;
        /* In str, \xHH names the code point U+00HH; in bytes it is the byte. */
        if (bytes) sb_putc(sb, (char)v);
        else lex_put_utf8(sb, v);
        return;
    }
    case 'u':
    case 'U': {
        if (bytes) break;
        uint32_t count = c == 'u' ? 4 : 8, v;
        if (!lex_hex_digits(lx, lx->pos, count, &v)) {
            while (lx->pos < esc + 2 + count && lex_digit_value(lex_peek(lx, 0)) <= 15) lx->pos++;
            lex_error(lx, CODE_PARSE_STRING, esc, lx->pos, "truncated \\%c%s escape", c,
                      c == 'u' ? "XXXX" : "XXXXXXXX");
            return;
        }
        lx->pos += count;
        if (v > 0x10FFFF) {
            lex_error(lx, CODE_PARSE_STRING, esc, lx->pos, "illegal Unicode character U+%X in escape", v);
            return;
        }
        if (v >= 0xD800 && v <= 0xDFFF) {
            lex_error(lx, CODE_PARSE_STRING, esc, lx->pos,
                      "surrogate code point U+%04X cannot appear in a str", v);
            return;
        }
        lex_put_utf8(sb, v);
        return;
    }
    case 'N': {
        if (bytes) break;
        if (lex_peek(lx, 0) == '{') {
            /* Skip the name so its braces are not taken for an f-string field. */
            uint32_t p = lx->pos;
            while (p < lx->end && lx->src[p] != '}' && lx->src[p] != '\n' && lx->src[p] != '"' &&
                   lx->src[p] != '\'')
                p++;
            if (p < lx->end && lx->src[p] == '}') lx->pos = p + 1;
        }
        lex_error(lx, CODE_PARSE_STRING, esc, lx->pos, "\\N{...} escapes are not supported");
        return;
    }
    default: break;
    }
    /* Unknown escape: keep the backslash and let the caller handle the
     * character itself (it may be non-ASCII and need validation). */
    sb_putc(sb, '\\');
    lx->pos = esc + 1;
}

/* ==== Strings and bytes ================================================== */

static void lex_unterminated(Lexer *lx, uint32_t open, bool triple) {
    lex_error(lx, CODE_PARSE_STRING, open, open + (triple ? 3 : 1),
              triple ? "unterminated triple-quoted string literal" : "unterminated string literal");
}

/* In a raw literal, the character after a backslash is kept verbatim and
 * cannot end the literal: a quote, a backslash or a newline (CRLF kept as
 * one newline). Anything else is handled by the caller as usual. */
static void lex_raw_escaped(Lexer *lx, StrBuf *sb, char q) {
    unsigned char n = lex_peek(lx, 0);
    if (n == (unsigned char)q || n == '\\' || n == '\n') {
        sb_putc(sb, (char)n);
        lx->pos++;
    } else if (n == '\r' && lex_peek(lx, 1) == '\n') {
        sb_putc(sb, '\n');
        lx->pos += 2;
    }
}

/* The body of a plain or bytes literal, from just after the opening quote.
 * Returns false (with nothing reported) when the literal is unterminated;
 * pos is then at the end of the line or input. */
static bool lex_string_body(Lexer *lx, char q, bool triple, bool raw, bool bytes) {
    StrBuf *sb = &lx->sb;
    bool ascii_reported = false;
    for (;;) {
        if (lx->pos >= lx->end) return false;
        unsigned char c = (unsigned char)lx->src[lx->pos];
        if (c == (unsigned char)q) {
            if (!triple) {
                lx->pos++;
                return true;
            }
            if (lex_peek(lx, 1) == q && lex_peek(lx, 2) == q) {
                lx->pos += 3;
                return true;
            }
            sb_putc(sb, q);
            lx->pos++;
        } else if (c == '\n') {
            if (!triple) return false;
            sb_putc(sb, '\n');
            lx->pos++;
        } else if (c == '\r' && lex_peek(lx, 1) == '\n') {
            if (!triple) return false;
            sb_putc(sb, '\n'); /* CRLF inside a literal means one newline */
            lx->pos += 2;
        } else if (c == '\\') {
            if (raw) {
                /* A raw backslash still protects the next quote, backslash
                 * or newline from ending the literal; both are kept. */
                sb_putc(sb, '\\');
                lx->pos++;
                lex_raw_escaped(lx, sb, q);
            } else {
                lex_escape(lx, sb, bytes);
            }
        } else if (c >= 0x80) {
            if (bytes) {
                if (!ascii_reported)
                    lex_error(lx, CODE_PARSE_STRING, lx->pos, lx->pos + 1,
                              "bytes literals can only contain ASCII characters");
                ascii_reported = true;
                lx->pos++;
            } else {
                uint32_t n = lex_utf8_check(lx);
                if (n) sb_putn(sb, lx->src + lx->pos, n);
                lx->pos += n ? n : 1;
            }
        } else {
            sb_putc(sb, (char)c);
            lx->pos++;
        }
    }
}

/* ==== f-strings ========================================================== */

typedef VEC(FStrPart) FStrPartVec;

typedef enum FsResult {
    FS_OK,
    FS_BAD,        /* malformed field, reported; skip to the closing quote */
    FS_UNTERMINATED /* end of line / input before the closing quote, not yet reported */
} FsResult;

typedef struct FsCtx {
    Lexer *lx;
    char q;
    bool triple, raw;
} FsCtx;

static bool fs_at_close(const FsCtx *fs) {
    const Lexer *lx = fs->lx;
    if (lx->pos >= lx->end || lx->src[lx->pos] != fs->q) return false;
    return !fs->triple || (lex_peek(lx, 1) == fs->q && lex_peek(lx, 2) == fs->q);
}

static bool fs_at_line_end(const FsCtx *fs) {
    const Lexer *lx = fs->lx;
    if (fs->triple || lx->pos >= lx->end) return false;
    char c = lx->src[lx->pos];
    return c == '\n' || (c == '\r' && lex_peek(lx, 1) == '\n');
}

static FStrPart *fs_to_arena(Lexer *lx, FStrPartVec *v, uint32_t *count) {
    *count = v->len;
    FStrPart *parts = NULL;
    if (v->len) {
        parts = arena_alloc(lx->arena, sizeof(FStrPart) * v->len);
        memcpy(parts, v->items, sizeof(FStrPart) * v->len);
    }
    vec_free(v);
    return parts;
}

static void fs_flush(FsCtx *fs, StrBuf *sb, FStrPartVec *out) {
    if (sb->len == 0) return;
    FStrPart p = {0};
    p.text = lex_intern_sb(sb);
    vec_push(out, p);
    sb->len = 0;
}

static FsResult fs_parts(FsCtx *fs, bool spec, uint32_t nest, uint32_t lbrace, FStrPartVec *out);

/* Skip a string literal nested inside a replacement field (`d['k']`); the
 * sub-lexer decodes it later. */
static FsResult fs_skip_nested_string(FsCtx *fs, uint32_t lbrace) {
    Lexer *lx = fs->lx;
    char q = lx->src[lx->pos];
    bool triple = lex_peek(lx, 1) == q && lex_peek(lx, 2) == q;
    lx->pos += triple ? 3 : 1;
    for (;;) {
        if (lx->pos >= lx->end || fs_at_close(fs) || fs_at_line_end(fs)) break;
        char c = lx->src[lx->pos];
        if (c == '\\') {
            lx->pos += lx->pos + 1 < lx->end ? 2 : 1;
            continue;
        }
        if (c == q && (!triple || (lex_peek(lx, 1) == q && lex_peek(lx, 2) == q))) {
            lx->pos += triple ? 3 : 1;
            return FS_OK;
        }
        if (c == '\n' && !triple) break;
        lx->pos++;
    }
    lex_error(lx, CODE_PARSE_FSTRING, lbrace, lx->pos, "f-string: unterminated string in expression");
    return FS_BAD;
}

/* replacement_field -> '{' expr ['='] ['!' conversion] [':' format_spec] '}'
 * with pos at the '{'. The expression is located, not parsed: its span is
 * recorded for the parser, which sub-lexes it with lex_range. */
static FsResult fs_field(FsCtx *fs, uint32_t nest, FStrPart *p) {
    Lexer *lx = fs->lx;
    uint32_t lbrace = lx->pos;
    memset(p, 0, sizeof *p);
    p->is_expr = true;
    if (nest >= 2) {
        lex_error(lx, CODE_PARSE_FSTRING, lbrace, lbrace + 1, "f-string: expressions nested too deeply");
        return FS_BAD;
    }
    lx->pos++;
    uint32_t expr_lo = lx->pos, expr_hi = 0;
    /* Open brackets of the expression: the offsets of the innermost
     * FS_MAX_OPEN are kept so that a bracket left open, or closed by the
     * wrong kind, is reported at the bracket itself. */
    enum { FS_MAX_OPEN = 32 };
    uint32_t open_at[FS_MAX_OPEN];
    uint32_t depth = 0;
    for (;;) {
        if (lx->pos >= lx->end || fs_at_close(fs) || fs_at_line_end(fs)) {
            if (depth > 0 && depth <= FS_MAX_OPEN) {
                uint32_t o = open_at[depth - 1];
                lex_error(lx, CODE_PARSE_FSTRING, o, o + 1, "f-string: `%c` was never closed", lx->src[o]);
            } else {
                lex_error(lx, CODE_PARSE_FSTRING, lbrace, lbrace + 1, "f-string: expecting '}'");
            }
            return FS_BAD;
        }
        char c = lx->src[lx->pos];
        char n = (char)lex_peek(lx, 1);
        if (c == '(' || c == '[' || c == '{') {
            if (depth < FS_MAX_OPEN) open_at[depth] = lx->pos;
            depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth > 0) {
                depth--;
                char o = depth < FS_MAX_OPEN ? lx->src[open_at[depth]] : 0;
                char want = o == '(' ? ')' : o == '[' ? ']' : o == '{' ? '}' : c;
                if (c != want) {
                    lex_error(lx, CODE_PARSE_FSTRING, lx->pos, lx->pos + 1,
                              "f-string: closing `%c` does not match the opening `%c`", c, o);
                    return FS_BAD;
                }
            } else if (c == '}') {
                break;
            }
        } else if (c == '\'' || c == '"') {
            FsResult r = fs_skip_nested_string(fs, lbrace);
            if (r != FS_OK) return r;
            continue;
        } else if (c == '#') {
            lex_error(lx, CODE_PARSE_FSTRING, lx->pos, lx->pos + 1,
                      "f-string expression part cannot include '#'");
            return FS_BAD;
        } else if (n == '=' && (c == '=' || c == '!' || c == '<' || c == '>' ||
                                (c == ':' && depth > 0))) {
            /* ==, !=, <=, >= belong to the expression; `:=` only inside
             * brackets: at depth 0 a ':' always starts the format spec, so
             * `{m:=4}` is the '=' alignment, as in Python. */
            lx->pos += 2;
            continue;
        } else if (depth == 0 && (c == '!' || c == ':')) {
            break;
        } else if (depth == 0 && c == '=') {
            /* `{x=}` / `{x = !r}`: '=' then optional spaces then the end of
             * the expression part. */
            uint32_t q = lx->pos + 1;
            while (q < lx->end && (lx->src[q] == ' ' || lx->src[q] == '\t')) q++;
            if (q < lx->end && (lx->src[q] == '}' || lx->src[q] == '!' || lx->src[q] == ':')) {
                expr_hi = lx->pos;
                p->debug = true;
                lx->pos = q;
                break;
            }
        }
        lx->pos++;
    }
    if (!p->debug) expr_hi = lx->pos;

    bool empty = true;
    for (uint32_t i = expr_lo; i < expr_hi; i++) {
        char c = lx->src[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') empty = false;
    }
    if (empty) {
        lex_error(lx, CODE_PARSE_FSTRING, lbrace, lx->pos + 1, "f-string: empty expression not allowed");
        return FS_BAD;
    }
    p->expr_span = span_make(lx->file, expr_lo, expr_hi);

    if (lex_peek(lx, 0) == '!') {
        char conv = (char)lex_peek(lx, 1);
        char after = (char)lex_peek(lx, 2);
        if ((conv != 'r' && conv != 's' && conv != 'a') || (after != '}' && after != ':')) {
            lex_error(lx, CODE_PARSE_FSTRING, lx->pos, lx->pos + 2,
                      "f-string: invalid conversion character; expected 'r', 's' or 'a'");
            return FS_BAD;
        }
        p->conversion = conv;
        lx->pos += 2;
    }
    if (lex_peek(lx, 0) == ':') {
        lx->pos++;
        FStrPartVec spec = {0};
        FsResult r = fs_parts(fs, true, nest + 1, lbrace, &spec);
        if (r != FS_OK) {
            vec_free(&spec);
            return r;
        }
        p->spec = fs_to_arena(lx, &spec, &p->spec_count);
    }
    if (lex_peek(lx, 0) != '}') {
        lex_error(lx, CODE_PARSE_FSTRING, lbrace, lbrace + 1, "f-string: expecting '}'");
        return FS_BAD;
    }
    lx->pos++;
    return FS_OK;
}

/* Literal text and replacement fields, up to the closing quote (top level)
 * or up to the '}' ending a format spec (spec = true; the '}' is left for
 * the caller). */
static FsResult fs_parts(FsCtx *fs, bool spec, uint32_t nest, uint32_t lbrace, FStrPartVec *out) {
    Lexer *lx = fs->lx;
    StrBuf sb = {0};
    FsResult result = FS_OK;
    for (;;) {
        if (lx->pos >= lx->end || fs_at_close(fs) || fs_at_line_end(fs)) {
            if (spec) {
                lex_error(lx, CODE_PARSE_FSTRING, lbrace, lbrace + 1, "f-string: expecting '}'");
                result = FS_BAD;
            } else if (!fs_at_close(fs)) {
                result = FS_UNTERMINATED;
            }
            break;
        }
        unsigned char c = (unsigned char)lx->src[lx->pos];
        if (c == '{') {
            if (!spec && lex_peek(lx, 1) == '{') {
                sb_putc(&sb, '{');
                lx->pos += 2;
                continue;
            }
            fs_flush(fs, &sb, out);
            FStrPart p;
            result = fs_field(fs, nest, &p);
            if (result != FS_OK) break;
            vec_push(out, p);
        } else if (c == '}') {
            if (spec) break;
            if (lex_peek(lx, 1) == '}') {
                sb_putc(&sb, '}');
                lx->pos += 2;
                continue;
            }
            lex_error(lx, CODE_PARSE_FSTRING, lx->pos, lx->pos + 1,
                      "f-string: single '}' is not allowed; write '}}' for a literal brace");
            result = FS_BAD;
            break;
        } else if (c == '\\') {
            if (fs->raw) {
                sb_putc(&sb, '\\');
                lx->pos++;
                lex_raw_escaped(lx, &sb, fs->q);
            } else {
                lex_escape(lx, &sb, false);
            }
        } else if (c == '\r' && lex_peek(lx, 1) == '\n') {
            sb_putc(&sb, '\n');
            lx->pos += 2;
        } else if (c >= 0x80) {
            uint32_t n = lex_utf8_check(lx);
            if (n) sb_putn(&sb, lx->src + lx->pos, n);
            lx->pos += n ? n : 1;
        } else {
            sb_putc(&sb, (char)c);
            lx->pos++;
        }
    }
    if (result == FS_OK) fs_flush(fs, &sb, out);
    sb_free(&sb);
    return result;
}

/* After a malformed field: find the end of the f-string so lexing resumes
 * after it and the error is not repeated. */
static void fs_skip_to_close(FsCtx *fs) {
    Lexer *lx = fs->lx;
    while (lx->pos < lx->end) {
        if (fs_at_close(fs)) {
            lx->pos += fs->triple ? 3 : 1;
            return;
        }
        if (fs_at_line_end(fs)) return;
        lx->pos += (lx->src[lx->pos] == '\\' && lx->pos + 1 < lx->end) ? 2 : 1;
    }
}

static void lex_fstring(Lexer *lx, uint32_t start, uint32_t open, bool triple, bool raw) {
    FsCtx fs = {lx, lx->src[open], triple, raw};
    FStrPartVec parts = {0};
    FsResult r = fs_parts(&fs, false, 0, 0, &parts);
    if (r == FS_OK) {
        lx->pos += triple ? 3 : 1;
        Token *t = lex_push(lx, TOK_FSTRING, start, lx->pos);
        t->fstr.parts = fs_to_arena(lx, &parts, &t->fstr.count);
        return;
    }
    vec_free(&parts);
    if (r == FS_UNTERMINATED) lex_unterminated(lx, open, triple);
    else fs_skip_to_close(&fs);
    lex_push(lx, TOK_ERROR, start, lx->pos);
}

/* string -> [prefix] quote body quote, with pos at the start of the prefix. */
static void lex_string(Lexer *lx, uint32_t prefix_len) {
    uint32_t start = lx->pos;
    bool raw = false, bytes = false, fmt = false;
    for (uint32_t i = 0; i < prefix_len; i++) {
        switch (lx->src[start + i]) {
        case 'r': case 'R': raw = true; break;
        case 'b': case 'B': bytes = true; break;
        case 'f': case 'F': fmt = true; break;
        default: break; /* 'u' changes nothing */
        }
    }
    uint32_t open = start + prefix_len;
    char q = lx->src[open];
    lx->pos = open;
    bool triple = lex_peek(lx, 1) == q && lex_peek(lx, 2) == q;
    lx->pos += triple ? 3 : 1;
    if (fmt) {
        lex_fstring(lx, start, open, triple, raw);
        return;
    }
    lx->sb.len = 0;
    if (!lex_string_body(lx, q, triple, raw, bytes)) {
        lex_unterminated(lx, open, triple);
        lex_push(lx, TOK_ERROR, start, lx->pos);
        return;
    }
    Token *t = lex_push(lx, bytes ? TOK_BYTES : TOK_STRING, start, lx->pos);
    t->str = lex_intern_sb(&lx->sb);
}

/* Length of a string prefix (r, b, f, u, rb, br, fr, rf in any case)
 * followed by a quote at pos, or 0 when the name is not a prefix. */
static uint32_t lex_string_prefix(const Lexer *lx) {
    unsigned a = lex_peek(lx, 0) | 0x20, b = lex_peek(lx, 1);
    bool a_ok = a == 'r' || a == 'b' || a == 'f' || a == 'u';
    if (!a_ok) return 0;
    if (b == '\'' || b == '"') return 1;
    unsigned c = lex_peek(lx, 2);
    if (c != '\'' && c != '"') return 0;
    b |= 0x20;
    if ((a == 'r' && (b == 'b' || b == 'f')) || (b == 'r' && (a == 'b' || a == 'f'))) return 2;
    return 0;
}

/* ==== Operators ========================================================== */

/* Longest match among `op`, `op=`, `opop` and `opop=` style operators. */
static void lex_operator(Lexer *lx) {
    uint32_t start = lx->pos;
    unsigned c = lex_peek(lx, 0), n = lex_peek(lx, 1), n2 = lex_peek(lx, 2);
    TokKind k;
    uint32_t len = 1;
    switch (c) {
    case '(': k = TOK_LPAREN; lx->depth++; break;
    case '[': k = TOK_LBRACKET; lx->depth++; break;
    case '{': k = TOK_LBRACE; lx->depth++; break;
    case ')': k = TOK_RPAREN; goto close;
    case ']': k = TOK_RBRACKET; goto close;
    case '}': k = TOK_RBRACE;
    close:
        if (lx->depth > 0) lx->depth--;
        break;
    case ',': k = TOK_COMMA; break;
    case ';': k = TOK_SEMI; break;
    case '@': k = TOK_AT; break;
    case '~': k = TOK_TILDE; break;
    case ':':
        if (n == '=') k = TOK_WALRUS, len = 2;
        else k = TOK_COLON;
        break;
    case '.':
        if (n == '.' && n2 == '.') k = TOK_ELLIPSIS, len = 3;
        else k = TOK_DOT;
        break;
    case '-':
        if (n == '>') k = TOK_ARROW, len = 2;
        else if (n == '=') k = TOK_MINUS_ASSIGN, len = 2;
        else k = TOK_MINUS;
        break;
    case '+':
        if (n == '=') k = TOK_PLUS_ASSIGN, len = 2;
        else k = TOK_PLUS;
        break;
    case '*':
        if (n == '*') {
            if (n2 == '=') k = TOK_DSTAR_ASSIGN, len = 3;
            else k = TOK_DSTAR, len = 2;
        } else if (n == '=') {
            k = TOK_STAR_ASSIGN, len = 2;
        } else {
            k = TOK_STAR;
        }
        break;
    case '/':
        if (n == '/') {
            if (n2 == '=') k = TOK_DSLASH_ASSIGN, len = 3;
            else k = TOK_DSLASH, len = 2;
        } else if (n == '=') {
            k = TOK_SLASH_ASSIGN, len = 2;
        } else {
            k = TOK_SLASH;
        }
        break;
    case '%':
        if (n == '=') k = TOK_PERCENT_ASSIGN, len = 2;
        else k = TOK_PERCENT;
        break;
    case '&':
        if (n == '=') k = TOK_AMP_ASSIGN, len = 2;
        else k = TOK_AMP;
        break;
    case '|':
        if (n == '=') k = TOK_PIPE_ASSIGN, len = 2;
        else k = TOK_PIPE;
        break;
    case '^':
        if (n == '=') k = TOK_CARET_ASSIGN, len = 2;
        else k = TOK_CARET;
        break;
    case '<':
        if (n == '<') {
            if (n2 == '=') k = TOK_LSHIFT_ASSIGN, len = 3;
            else k = TOK_LSHIFT, len = 2;
        } else if (n == '=') {
            k = TOK_LE, len = 2;
        } else {
            k = TOK_LT;
        }
        break;
    case '>':
        if (n == '>') {
            if (n2 == '=') k = TOK_RSHIFT_ASSIGN, len = 3;
            else k = TOK_RSHIFT, len = 2;
        } else if (n == '=') {
            k = TOK_GE, len = 2;
        } else {
            k = TOK_GT;
        }
        break;
    case '=':
        if (n == '=') k = TOK_EQ, len = 2;
        else k = TOK_ASSIGN;
        break;
    case '!':
        if (n == '=') {
            k = TOK_NE, len = 2;
            break;
        }
        lex_error(lx, CODE_PARSE_CHAR, start, start + 1, "invalid character '!'; use `not` for negation");
        k = TOK_ERROR;
        break;
    default:
        if (c == 0)
            lex_error(lx, CODE_PARSE_CHAR, start, start + 1, "null byte in source");
        else if (c >= 0x21 && c < 0x7F)
            lex_error(lx, CODE_PARSE_CHAR, start, start + 1, "invalid character '%c' in source", (char)c);
        else
            lex_error(lx, CODE_PARSE_CHAR, start, start + 1, "invalid character U+%04X in source", c);
        k = TOK_ERROR;
        break;
    }
    lx->pos += len;
    lex_push(lx, k, start, lx->pos);
}

/* ==== Driver ============================================================= */

static void lex_token(Lexer *lx) {
    unsigned c = lex_peek(lx, 0);
    if (lex_is_alpha(c) || c >= 0x80) {
        uint32_t plen = lex_string_prefix(lx);
        if (plen) lex_string(lx, plen);
        else lex_name(lx);
    } else if (lex_is_digit(c) || (c == '.' && lex_is_digit(lex_peek(lx, 1)))) {
        lex_number(lx);
    } else if (c == '\'' || c == '"') {
        lex_string(lx, 0);
    } else {
        lex_operator(lx);
    }
}

static void lex_run(Lexer *lx) {
    bool at_line_start = lx->layout;
    for (;;) {
        if (at_line_start) {
            at_line_start = false;
            if (!lex_line_start(lx)) break;
        }
        if (lx->pos >= lx->end) break;
        char c = lx->src[lx->pos];
        switch (c) {
        case ' ':
        case '\t':
        case '\f':
        case '\r':
            lx->pos++;
            break;
        case '#':
            lex_skip_comment(lx);
            break;
        case '\n':
            if (lx->layout && lx->depth == 0) {
                if (lx->toks.len > 0 && lx->toks.items[lx->toks.len - 1].kind != TOK_NEWLINE)
                    lex_push(lx, TOK_NEWLINE, lx->pos, lx->pos + 1);
                at_line_start = true;
            }
            lx->pos++;
            break;
        case '\\': {
            unsigned n = lex_peek(lx, 1);
            if (n == '\n') {
                lx->pos += 2;
            } else if (n == '\r' && lex_peek(lx, 2) == '\n') {
                lx->pos += 3;
            } else {
                lex_error(lx, CODE_PARSE_CHAR, lx->pos, lx->pos + 1,
                          lx->pos + 1 >= lx->end ? "unexpected end of file after line continuation"
                                                 : "unexpected character after line continuation character");
                lx->pos++;
            }
            break;
        }
        default:
            lex_token(lx);
            break;
        }
    }
    if (lx->layout) {
        if (lx->toks.len > 0 && lx->toks.items[lx->toks.len - 1].kind != TOK_NEWLINE)
            lex_push(lx, TOK_NEWLINE, lx->end, lx->end);
        while (lx->indents.len > 1) {
            lx->indents.len--;
            lex_push(lx, TOK_DEDENT, lx->end, lx->end);
        }
    }
    lex_push(lx, TOK_EOF, lx->end, lx->end);
}

static TokenList lex_finish(Lexer *lx) {
    vec_free(&lx->indents);
    sb_free(&lx->sb);
    return lx->toks;
}

TokenList lex_file(FileId file, Arena *arena) {
    SourceFile *sf = source_get(file);
    Lexer lx = {0};
    lx.file = file;
    lx.src = sf->text;
    lx.end = sf->len;
    lx.arena = arena;
    lx.layout = true;
    lx.toks.cap = sf->len / 4 + 16;
    lx.toks.items = xmalloc(sizeof(Token) * lx.toks.cap);
    vec_push(&lx.indents, 0);
    /* A UTF-8 byte order mark is not part of the program. */
    if (sf->len >= 3 && memcmp(sf->text, "\xEF\xBB\xBF", 3) == 0) lx.pos = 3;
    lex_run(&lx);
    return lex_finish(&lx);
}

TokenList lex_range(FileId file, uint32_t lo, uint32_t hi, Arena *arena) {
    SourceFile *sf = source_get(file);
    if (lo > hi || hi > sf->len) ICE("lex_range [%u, %u) outside file of %u bytes", lo, hi, sf->len);
    Lexer lx = {0};
    lx.file = file;
    lx.src = sf->text;
    lx.pos = lo;
    lx.end = hi;
    lx.arena = arena;
    lx.layout = false;
    lex_run(&lx);
    return lex_finish(&lx);
}

void token_list_free(TokenList *tl) {
    free(tl->items);
    tl->items = NULL;
    tl->len = tl->cap = 0;
}
