/* Unit tests of the lexer: layout (INDENT/DEDENT/NEWLINE), names and
 * keywords, every number, string, bytes and f-string form, operators, error
 * codes and recovery, lex_range, and a speed check on a generated file. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <time.h>

#include "diag.h"
#include "lexer.h"

static Arena g_arena;

static void lex_test_setup(void) {
    diag_reset();
    source_reset();
}
static void lex_test_teardown(void) {
    diag_reset();
    source_reset();
    arena_free(&g_arena);
}
TestSuite(lexer, .init = lex_test_setup, .fini = lex_test_teardown);

static FileId g_file;

static TokenList lex_src(const char *src) {
    g_file = source_add("test.sifr", src, strlen(src));
    return lex_file(g_file, &g_arena);
}

/* Same, for sources with embedded NULs or invalid bytes. */
static TokenList lex_bytes(const char *src, size_t len) {
    g_file = source_add("test.sifr", src, len);
    return lex_file(g_file, &g_arena);
}

#define END ((TokKind)-1)

/* Assert the exact kind sequence of a token list (terminated by END). */
static void check_kinds(const TokenList *tl, const char *src, ...) {
    va_list ap;
    va_start(ap, src);
    uint32_t i = 0;
    for (;; i++) {
        int k = va_arg(ap, int);
        if (k == (int)END) break;
        cr_assert_lt(i, tl->len, "source %s: only %u tokens, expected more", src, tl->len);
        cr_assert_eq(tl->items[i].kind, (TokKind)k, "source %s: token %u is %s, expected %s", src, i,
                     tok_kind_name(tl->items[i].kind), tok_kind_name((TokKind)k));
    }
    va_end(ap);
    cr_assert_eq(i, tl->len, "source %s: %u tokens, expected %u", src, tl->len, i);
}

static void expect_no_errors(void) {
    if (diag_count() > 0)
        cr_assert_fail("unexpected diagnostic: %s: %s", diag_at(0)->code, diag_at(0)->message);
}

static void expect_one_error(const char *code, uint32_t lo) {
    cr_assert_eq(diag_count(), 1, "expected 1 diagnostic, got %u%s%s", diag_count(),
                 diag_count() ? ", first: " : "", diag_count() ? diag_at(0)->message : "");
    cr_assert_str_eq(diag_at(0)->code, code, "message: %s", diag_at(0)->message);
    cr_assert_eq(diag_at(0)->span.lo, lo, "span at %u, expected %u (%s)", diag_at(0)->span.lo, lo,
                 diag_at(0)->message);
}

static bool str_is(StrId id, const char *bytes, size_t len) {
    return str_len(id) == len && memcmp(str_text(id), bytes, len) == 0;
}

/* ==== Layout ============================================================= */

Test(lexer, empty_file_is_just_eof) {
    TokenList tl = lex_src("");
    check_kinds(&tl, "", TOK_EOF, END);
    token_list_free(&tl);
    tl = lex_src("\n\n   \n# only a comment\n  # indented comment");
    check_kinds(&tl, "blank", TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, simple_block) {
    const char *src = "def f():\n    return 1\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_DEF, TOK_NAME, TOK_LPAREN, TOK_RPAREN, TOK_COLON, TOK_NEWLINE, TOK_INDENT,
                TOK_RETURN, TOK_INT, TOK_NEWLINE, TOK_DEDENT, TOK_EOF, END);
    /* NEWLINE spans the '\n'; INDENT sits at the first token of the line. */
    cr_assert_eq(tl.items[5].span.lo, 8);
    cr_assert_eq(tl.items[5].span.hi, 9);
    cr_assert_eq(tl.items[6].span.lo, 13);
    cr_assert_eq(tl.items[11].span.lo, (uint32_t)strlen(src));
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, nested_blocks_and_multiple_dedents) {
    const char *src = "if a:\n"
                      "    if b:\n"
                      "        if c:\n"
                      "            x\n"
                      "y\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_IF, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_IF, TOK_NAME, TOK_COLON,
                TOK_NEWLINE, TOK_INDENT, TOK_IF, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME,
                TOK_NEWLINE, TOK_DEDENT, TOK_DEDENT, TOK_DEDENT, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, partial_dedent) {
    const char *src = "a:\n  b:\n    c\n  d\ne\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME, TOK_COLON, TOK_NEWLINE,
                TOK_INDENT, TOK_NAME, TOK_NEWLINE, TOK_DEDENT, TOK_NAME, TOK_NEWLINE, TOK_DEDENT, TOK_NAME,
                TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, dedent_at_eof_without_trailing_newline) {
    const char *src = "while x:\n    if y:\n        z";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_WHILE, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_IF, TOK_NAME,
                TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME, TOK_NEWLINE, TOK_DEDENT, TOK_DEDENT, TOK_EOF,
                END);
    cr_assert_eq(tl.items[11].span.lo, (uint32_t)strlen(src));
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, blank_and_comment_lines_inside_blocks) {
    const char *src = "def f():\n"
                      "    a = 1\n"
                      "\n"
                      "        # deeper comment\n"
                      "  # shallower comment\n"
                      "    \n"
                      "    b = 2  # trailing\n"
                      "# column 0 comment\n"
                      "    c = 3\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_DEF, TOK_NAME, TOK_LPAREN, TOK_RPAREN, TOK_COLON, TOK_NEWLINE, TOK_INDENT,
                TOK_NAME, TOK_ASSIGN, TOK_INT, TOK_NEWLINE, TOK_NAME, TOK_ASSIGN, TOK_INT, TOK_NEWLINE,
                TOK_NAME, TOK_ASSIGN, TOK_INT, TOK_NEWLINE, TOK_DEDENT, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, brackets_join_lines) {
    const char *src = "x = [1,\n"
                      "  2,\n"
                      "      (3,\n"
                      "4), {5:\n"
                      "6}]\n"
                      "y\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_ASSIGN, TOK_LBRACKET, TOK_INT, TOK_COMMA, TOK_INT, TOK_COMMA,
                TOK_LPAREN, TOK_INT, TOK_COMMA, TOK_INT, TOK_RPAREN, TOK_COMMA, TOK_LBRACE, TOK_INT, TOK_COLON,
                TOK_INT, TOK_RBRACE, TOK_RBRACKET, TOK_NEWLINE, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, backslash_continuation) {
    const char *src = "if a:\n    x = 1 + \\\n2\n    y\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_IF, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME, TOK_ASSIGN,
                TOK_INT, TOK_PLUS, TOK_INT, TOK_NEWLINE, TOK_NAME, TOK_NEWLINE, TOK_DEDENT, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, backslash_not_at_end_of_line_is_an_error) {
    const char *src = "x = 1 \\ 2\n";
    TokenList tl = lex_src(src);
    expect_one_error(CODE_PARSE_CHAR, 6);
    cr_assert_eq(tl.items[tl.len - 1].kind, TOK_EOF);
    token_list_free(&tl);
}

Test(lexer, crlf_line_endings) {
    const char *src = "if a:\r\n    b\r\n\r\nc\r\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_IF, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME, TOK_NEWLINE,
                TOK_DEDENT, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, inconsistent_dedent) {
    const char *src = "if a:\n    b\n  c\nd\n";
    TokenList tl = lex_src(src);
    expect_one_error(CODE_PARSE_INDENT, 14);
    cr_assert_str_eq(diag_at(0)->message, "unindent does not match any outer indentation level");
    /* Recovery keeps INDENT/DEDENT balanced. */
    check_kinds(&tl, src, TOK_IF, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME, TOK_NEWLINE,
                TOK_NAME, TOK_NEWLINE, TOK_DEDENT, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, tab_in_indentation) {
    const char *src = "if a:\n\tb\n\tc\n";
    TokenList tl = lex_src(src);
    cr_assert_eq(diag_count(), 2, "one error per line indented with a tab");
    cr_assert_str_eq(diag_at(0)->code, CODE_PARSE_TAB);
    cr_assert_eq(diag_at(0)->span.lo, 6);
    cr_assert_eq(diag_at(1)->span.lo, 9);
    check_kinds(&tl, src, TOK_IF, TOK_NAME, TOK_COLON, TOK_NEWLINE, TOK_INDENT, TOK_NAME, TOK_NEWLINE,
                TOK_NAME, TOK_NEWLINE, TOK_DEDENT, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, tab_between_tokens_is_fine) {
    TokenList tl = lex_src("x\t=\t1\n");
    check_kinds(&tl, "tabs", TOK_NAME, TOK_ASSIGN, TOK_INT, TOK_NEWLINE, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

/* ==== Names and keywords ================================================= */

Test(lexer, keywords_and_soft_keywords) {
    const char *src = "False None True and as assert async await break class continue def del elif else "
                      "except finally for from global if import in is lambda nonlocal not or pass raise "
                      "return try while with yield own mut type match case _ self print";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_FALSE, TOK_NONE, TOK_TRUE, TOK_AND, TOK_AS, TOK_ASSERT, TOK_ASYNC, TOK_AWAIT,
                TOK_BREAK, TOK_CLASS, TOK_CONTINUE, TOK_DEF, TOK_DEL, TOK_ELIF, TOK_ELSE, TOK_EXCEPT,
                TOK_FINALLY, TOK_FOR, TOK_FROM, TOK_GLOBAL, TOK_IF, TOK_IMPORT, TOK_IN, TOK_IS, TOK_LAMBDA,
                TOK_NONLOCAL, TOK_NOT, TOK_OR, TOK_PASS, TOK_RAISE, TOK_RETURN, TOK_TRY, TOK_WHILE, TOK_WITH,
                TOK_YIELD, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME,
                TOK_NEWLINE, TOK_EOF, END);
    cr_assert_eq(tl.items[35].name, intern_cstr("own"));
    cr_assert_eq(tl.items[40].name, intern_cstr("_"));
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, keyword_prefixes_are_names) {
    const char *src = "iff Trueish classy def_ _if";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, names_are_interned) {
    TokenList tl = lex_src("alpha beta alpha _x1 é_名前 é_名前");
    cr_assert_eq(tl.items[0].name, tl.items[2].name);
    cr_assert_neq(tl.items[0].name, tl.items[1].name);
    cr_assert_eq(tl.items[0].name, intern_cstr("alpha"));
    cr_assert_str_eq(str_text(tl.items[3].name), "_x1");
    cr_assert_eq(tl.items[4].kind, TOK_NAME);
    cr_assert_str_eq(str_text(tl.items[4].name), "é_名前");
    cr_assert_eq(tl.items[4].name, tl.items[5].name);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, invalid_utf8_in_name) {
    const char src[] = "ab\xff" "cd = 1\n";
    TokenList tl = lex_bytes(src, sizeof src - 1);
    expect_one_error(CODE_PARSE_ENCODING, 2);
    cr_assert_eq(tl.items[0].kind, TOK_ERROR);
    cr_assert_eq(tl.items[1].kind, TOK_ASSIGN);
    token_list_free(&tl);
}

Test(lexer, invalid_utf8_in_comment) {
    const char src[] = "x # \xc3(\n";
    TokenList tl = lex_bytes(src, sizeof src - 1);
    expect_one_error(CODE_PARSE_ENCODING, 4);
    token_list_free(&tl);
}

/* ==== Numbers ============================================================ */

static Token lex_one(const char *src) {
    TokenList tl = lex_src(src);
    cr_assert_geq(tl.len, 2);
    Token t = tl.items[0];
    token_list_free(&tl);
    return t;
}

static void check_int(const char *src, uint64_t v) {
    diag_reset();
    Token t = lex_one(src);
    cr_assert_eq(t.kind, TOK_INT, "%s lexed as %s", src, tok_kind_name(t.kind));
    cr_assert_eq(t.ival, v, "%s: got %llu", src, (unsigned long long)t.ival);
    cr_assert_not(t.int_overflow, "%s", src);
    cr_assert_eq(t.span.hi - t.span.lo, (uint32_t)strlen(src), "%s: span", src);
    expect_no_errors();
}

static void check_float(const char *src, double v) {
    diag_reset();
    Token t = lex_one(src);
    cr_assert_eq(t.kind, TOK_FLOAT, "%s lexed as %s", src, tok_kind_name(t.kind));
    cr_assert_eq(t.fval, v, "%s: got %.17g", src, t.fval);
    cr_assert_eq(t.span.hi - t.span.lo, (uint32_t)strlen(src), "%s: span", src);
    expect_no_errors();
}

static void check_bad_number(const char *src) {
    diag_reset();
    TokenList tl = lex_src(src);
    cr_assert_eq(diag_count(), 1, "%s: %u diagnostics", src, diag_count());
    cr_assert_str_eq(diag_at(0)->code, CODE_PARSE_NUMBER, "%s", src);
    cr_assert_eq(tl.items[0].kind, TOK_ERROR, "%s lexed as %s", src, tok_kind_name(tl.items[0].kind));
    cr_assert_eq(tl.items[0].span.hi, (uint32_t)strlen(src), "%s: one token for the whole literal", src);
    cr_assert_eq(tl.items[1].kind, TOK_NEWLINE, "%s", src);
    token_list_free(&tl);
}

Test(lexer, integers) {
    check_int("0", 0);
    check_int("00", 0);
    check_int("0_0", 0);
    check_int("42", 42);
    check_int("1_000_000", 1000000);
    check_int("0xFF", 255);
    check_int("0Xff", 255);
    check_int("0x_FF", 255);
    check_int("0xdead_beef", 0xdeadbeef);
    check_int("0o77", 63);
    check_int("0O1_7", 15);
    check_int("0b1010", 10);
    check_int("0B_1_0", 2);
    check_int("9223372036854775807", INT64_MAX);
    check_int("0x7fffffffffffffff", INT64_MAX);
}

Test(lexer, int_two_to_the_63_is_kept_for_unary_minus) {
    Token t = lex_one("9223372036854775808");
    cr_assert_eq(t.kind, TOK_INT);
    cr_assert_eq(t.ival, (uint64_t)1 << 63);
    cr_assert_not(t.int_overflow);
    expect_no_errors();
}

Test(lexer, int_overflow) {
    const char *cases[] = {"9223372036854775809", "18446744073709551615", "18446744073709551616",
                           "99999999999999999999999", "0x1_0000_0000_0000_0000"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag_reset();
        Token t = lex_one(cases[i]);
        cr_assert_eq(t.kind, TOK_INT, "%s", cases[i]);
        cr_assert(t.int_overflow, "%s", cases[i]);
        expect_one_error(CODE_PARSE_NUMBER, 0);
    }
}

Test(lexer, floats) {
    check_float("3.14", 3.14);
    check_float(".5", 0.5);
    check_float("5.", 5.0);
    check_float("1e10", 1e10);
    check_float("1E5", 1e5);
    check_float("2.5e-3", 2.5e-3);
    check_float("2.5E+3", 2500.0);
    check_float("1_000.50", 1000.5);
    check_float("1_0.0_1e1_0", 10.01e10);
    check_float("0.0", 0.0);
    check_float("00.5", 0.5);
    check_float("07e1", 70.0);
    check_float("1.e2", 100.0);
}

Test(lexer, malformed_numbers) {
    check_bad_number("007");
    check_bad_number("0_7");
    check_bad_number("1abc");
    check_bad_number("1_");
    check_bad_number("1__0");
    check_bad_number("0x");
    check_bad_number("0xg");
    check_bad_number("0b102");
    check_bad_number("0o8");
    check_bad_number("0x1__2");
    check_bad_number("1j");
    check_bad_number("2.5J");
    check_bad_number("1e");
    check_bad_number("1.5x");
    check_bad_number("1._5");
}

Test(lexer, number_then_dot_attribute_and_ranges) {
    /* `x.5` is a name then a float, `a[1:2]` has plain ints. */
    const char *src = "a[1:2] x .5";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_LBRACKET, TOK_INT, TOK_COLON, TOK_INT, TOK_RBRACKET, TOK_NAME,
                TOK_FLOAT, TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

/* ==== Strings and bytes ================================================== */

static void check_str(const char *src, TokKind kind, const char *bytes, size_t len) {
    diag_reset();
    TokenList tl = lex_src(src);
    cr_assert_eq(tl.items[0].kind, kind, "%s lexed as %s", src, tok_kind_name(tl.items[0].kind));
    cr_assert(str_is(tl.items[0].str, bytes, len), "%s: got \"%s\" (%u bytes)", src,
              str_text(tl.items[0].str), str_len(tl.items[0].str));
    cr_assert_eq(tl.items[0].span.lo, 0);
    cr_assert_eq(tl.items[0].span.hi, (uint32_t)strlen(src), "%s: span", src);
    expect_no_errors();
    token_list_free(&tl);
}
#define STR(src, expect) check_str(src, TOK_STRING, expect, sizeof(expect) - 1)
#define BYTES(src, expect) check_str(src, TOK_BYTES, expect, sizeof(expect) - 1)

Test(lexer, plain_strings) {
    STR("'abc'", "abc");
    STR("\"abc\"", "abc");
    STR("''", "");
    STR("\"it's\"", "it's");
    STR("'say \"hi\"'", "say \"hi\"");
    STR("'héllo 名'", "héllo 名");
    STR("u'x'", "x");
    STR("U\"x\"", "x");
}

Test(lexer, triple_quoted_strings) {
    STR("'''a'b''c'''", "a'b''c");
    STR("\"\"\"line1\nline2 \"quoted\" \"\"\"", "line1\nline2 \"quoted\" ");
    STR("\"\"\"\"\"\"", "");
    STR("'''crlf\r\nend'''", "crlf\nend");
    STR("'''ends with quote\\''''", "ends with quote'");
}

Test(lexer, escapes) {
    STR("'\\\\ \\' \\\" \\n \\t \\r'", "\\ ' \" \n \t \r");
    STR("'\\a\\b\\f\\v'", "\a\b\f\v");
    STR("'\\0'", "\0");
    STR("'\\101\\60\\7'", "A0\a");
    STR("'\\1234'", "S4");
    STR("'\\x41\\x7a'", "Az");
    STR("'\\xe9'", "é");
    STR("'\\u00e9\\u4e2d'", "é中");
    STR("'\\U0001F600'", "\xF0\x9F\x98\x80");
    STR("'\\q\\d'", "\\q\\d");
    STR("'a\\\nb'", "ab");
}

Test(lexer, raw_strings) {
    STR("r'\\n\\t'", "\\n\\t");
    STR("R\"C:\\dir\\\"\"", "C:\\dir\\\"");
    STR("r'\\\\'", "\\\\");
    STR("r'''a\\'''b'''", "a\\'''b");
    STR("r'a\\\nb'", "a\\\nb");
}

Test(lexer, bytes_literals) {
    BYTES("b'abc'", "abc");
    BYTES("B\"\\x00\\xff\\n\"", "\0\xff\n");
    BYTES("b'\\377'", "\xff");
    BYTES("b'\\u00e9'", "\\u00e9");
    BYTES("rb'\\x41'", "\\x41");
    BYTES("Br'\\n'", "\\n");
    BYTES("bR'''x\ny'''", "x\ny");
}

Test(lexer, bytes_must_be_ascii) {
    TokenList tl = lex_src("b'caf\xc3\xa9'");
    expect_one_error(CODE_PARSE_STRING, 5);
    cr_assert_eq(tl.items[0].kind, TOK_BYTES);
    token_list_free(&tl);
}

Test(lexer, adjacent_literals_stay_separate) {
    const char *src = "'a' \"b\" r'c' b'd' f'e'";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_STRING, TOK_STRING, TOK_STRING, TOK_BYTES, TOK_FSTRING, TOK_NEWLINE, TOK_EOF,
                END);
    token_list_free(&tl);
}

Test(lexer, prefix_letters_without_quote_are_names) {
    const char *src = "r b f rb fr u br ub'x'";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME, TOK_NAME,
                TOK_STRING, TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, string_contents_are_interned_with_length) {
    TokenList tl = lex_src("'a\\0b' 'a\\0b' 'a'");
    cr_assert_eq(tl.items[0].str, tl.items[1].str);
    cr_assert_neq(tl.items[0].str, tl.items[2].str);
    cr_assert_eq(str_len(tl.items[0].str), 3);
    token_list_free(&tl);
}

Test(lexer, unterminated_single_quoted) {
    const char *src = "x = 'abc\ny = 2\n";
    TokenList tl = lex_src(src);
    expect_one_error(CODE_PARSE_STRING, 4);
    cr_assert_str_eq(diag_at(0)->message, "unterminated string literal");
    /* Lexing resumes on the next line. */
    check_kinds(&tl, src, TOK_NAME, TOK_ASSIGN, TOK_ERROR, TOK_NEWLINE, TOK_NAME, TOK_ASSIGN, TOK_INT,
                TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, unterminated_triple_quoted) {
    const char *src = "x = f(\"\"\"abc\n\ny = 2\n";
    TokenList tl = lex_src(src);
    expect_one_error(CODE_PARSE_STRING, 6);
    cr_assert_str_eq(diag_at(0)->message, "unterminated triple-quoted string literal");
    cr_assert_eq(tl.items[tl.len - 1].kind, TOK_EOF);
    token_list_free(&tl);
}

Test(lexer, unterminated_by_backslash_at_eof) {
    TokenList tl = lex_src("'abc\\");
    expect_one_error(CODE_PARSE_STRING, 0);
    token_list_free(&tl);
}

Test(lexer, bad_escapes) {
    const char *bad[] = {"'\\x4'", "'\\xZZ'", "'\\u12'", "'\\U0011FFFF'", "'\\ud800'", "'\\N{DASH}'",
                         "b'\\777'"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        diag_reset();
        TokenList tl = lex_src(bad[i]);
        cr_assert_eq(diag_count(), 1, "%s: %u diagnostics", bad[i], diag_count());
        cr_assert_str_eq(diag_at(0)->code, CODE_PARSE_STRING, "%s", bad[i]);
        cr_assert_eq(diag_at(0)->span.lo, bad[i][0] == 'b' ? 2 : 1, "%s: at the escape", bad[i]);
        cr_assert_eq(tl.items[1].kind, TOK_NEWLINE, "%s: one token", bad[i]);
        token_list_free(&tl);
    }
}

/* ==== f-strings ========================================================== */

static const char *g_fsrc;

static Token lex_fstr(const char *src) {
    g_fsrc = src;
    TokenList tl = lex_src(src);
    cr_assert_eq(tl.items[0].kind, TOK_FSTRING, "%s lexed as %s", src, tok_kind_name(tl.items[0].kind));
    cr_assert_eq(tl.items[0].span.hi, (uint32_t)strlen(src), "%s: span", src);
    Token t = tl.items[0];
    token_list_free(&tl);
    expect_no_errors();
    return t;
}

static void check_text_part(const FStrPart *p, const char *text) {
    cr_assert_not(p->is_expr, "expected text \"%s\"", text);
    cr_assert_str_eq(str_text(p->text), text);
}

static void check_expr_part(const FStrPart *p, const char *expr) {
    cr_assert(p->is_expr, "expected expression `%s`, got text \"%s\"", expr, str_text(p->text));
    size_t n = p->expr_span.hi - p->expr_span.lo;
    cr_assert_eq(p->expr_span.file, g_file);
    cr_assert(n == strlen(expr) && memcmp(g_fsrc + p->expr_span.lo, expr, n) == 0,
              "expression is `%.*s`, expected `%s`", (int)n, g_fsrc + p->expr_span.lo, expr);
}

Test(lexer, fstring_literal_only) {
    Token t = lex_fstr("f'plain\\ttext'");
    cr_assert_eq(t.fstr.count, 1);
    check_text_part(&t.fstr.parts[0], "plain\ttext");
    t = lex_fstr("F\"\"");
    cr_assert_eq(t.fstr.count, 0);
    t = lex_fstr("f'{{braces}} and }}'");
    cr_assert_eq(t.fstr.count, 1);
    check_text_part(&t.fstr.parts[0], "{braces} and }");
}

Test(lexer, fstring_fields) {
    Token t = lex_fstr("f\"{name} {x + 1}!\"");
    cr_assert_eq(t.fstr.count, 4);
    check_expr_part(&t.fstr.parts[0], "name");
    cr_assert_eq(t.fstr.parts[0].conversion, 0);
    cr_assert_not(t.fstr.parts[0].debug);
    cr_assert_null(t.fstr.parts[0].spec);
    check_text_part(&t.fstr.parts[1], " ");
    check_expr_part(&t.fstr.parts[2], "x + 1");
    check_text_part(&t.fstr.parts[3], "!");
}

Test(lexer, fstring_expressions_with_brackets_strings_and_operators) {
    Token t = lex_fstr("f\"{a != b}{d['k}']}{f(x)[0]}{ {1: 2}[1] }{(lambda: 1)()}{a == b}{x <= y}\"");
    cr_assert_eq(t.fstr.count, 7);
    check_expr_part(&t.fstr.parts[0], "a != b");
    check_expr_part(&t.fstr.parts[1], "d['k}']");
    check_expr_part(&t.fstr.parts[2], "f(x)[0]");
    check_expr_part(&t.fstr.parts[3], " {1: 2}[1] ");
    check_expr_part(&t.fstr.parts[4], "(lambda: 1)()");
    check_expr_part(&t.fstr.parts[5], "a == b");
    check_expr_part(&t.fstr.parts[6], "x <= y");
}

Test(lexer, fstring_conversion_debug_and_spec) {
    Token t = lex_fstr("f'{v!r} {x=} {y = !s} {v:.2f} {w:>8}'");
    const FStrPart *p = t.fstr.parts;
    cr_assert_eq(t.fstr.count, 9);
    check_expr_part(&p[0], "v");
    cr_assert_eq(p[0].conversion, 'r');
    check_expr_part(&p[2], "x");
    cr_assert(p[2].debug);
    check_expr_part(&p[4], "y ");
    cr_assert(p[4].debug);
    cr_assert_eq(p[4].conversion, 's');
    check_expr_part(&p[6], "v");
    cr_assert_eq(p[6].spec_count, 1);
    check_text_part(&p[6].spec[0], ".2f");
    check_expr_part(&p[8], "w");
    cr_assert_eq(p[8].spec_count, 1);
    check_text_part(&p[8].spec[0], ">8");
}

Test(lexer, fstring_nested_spec_field) {
    Token t = lex_fstr("f'{x:>{width}.{prec}f}|{y!r:^{n}}'");
    const FStrPart *p = t.fstr.parts;
    cr_assert_eq(t.fstr.count, 3);
    check_expr_part(&p[0], "x");
    cr_assert_eq(p[0].spec_count, 5);
    check_text_part(&p[0].spec[0], ">");
    check_expr_part(&p[0].spec[1], "width");
    check_text_part(&p[0].spec[2], ".");
    check_expr_part(&p[0].spec[3], "prec");
    check_text_part(&p[0].spec[4], "f");
    check_text_part(&p[1], "|");
    cr_assert_eq(p[2].conversion, 'r');
    cr_assert_eq(p[2].spec_count, 2);
    check_expr_part(&p[2].spec[1], "n");
}

Test(lexer, fstring_triple_quoted_and_raw) {
    Token t = lex_fstr("f'''a\n{x\n + 1}\"'''");
    cr_assert_eq(t.fstr.count, 3);
    check_text_part(&t.fstr.parts[0], "a\n");
    check_expr_part(&t.fstr.parts[1], "x\n + 1");
    check_text_part(&t.fstr.parts[2], "\"");
    t = lex_fstr("rf'\\d{x}'");
    check_text_part(&t.fstr.parts[0], "\\d");
    t = lex_fstr("f\"\"\"{d[\"k\"]}\"\"\"");
    check_expr_part(&t.fstr.parts[0], "d[\"k\"]");
}

static void check_bad_fstring(const char *src, const char *code, uint32_t lo) {
    diag_reset();
    TokenList tl = lex_src(src);
    cr_assert_eq(diag_count(), 1, "%s: %u diagnostics", src, diag_count());
    cr_assert_str_eq(diag_at(0)->code, code, "%s: %s", src, diag_at(0)->message);
    cr_assert_eq(diag_at(0)->span.lo, lo, "%s: at %u", src, diag_at(0)->span.lo);
    cr_assert_eq(tl.items[0].kind, TOK_ERROR, "%s", src);
    cr_assert_eq(tl.items[1].kind, TOK_NAME, "%s: lexing resumes after the f-string", src);
    token_list_free(&tl);
}

Test(lexer, fstring_errors) {
    check_bad_fstring("f'{}' z", CODE_PARSE_FSTRING, 2);
    check_bad_fstring("f'{  }' z", CODE_PARSE_FSTRING, 2);
    check_bad_fstring("f'{x' z", CODE_PARSE_FSTRING, 2);
    check_bad_fstring("f'ab{x:>{w}' z", CODE_PARSE_FSTRING, 4);
    check_bad_fstring("f'a}b' z", CODE_PARSE_FSTRING, 3);
    check_bad_fstring("f'{x!z}' z", CODE_PARSE_FSTRING, 4);
    check_bad_fstring("f'{x#}' z", CODE_PARSE_FSTRING, 4);
    check_bad_fstring("f'{a:{b:{c}}}' z", CODE_PARSE_FSTRING, 8);
}

Test(lexer, fstring_unclosed_field_at_end_of_line) {
    const char *src = "f'{x\nz\n";
    TokenList tl = lex_src(src);
    expect_one_error(CODE_PARSE_FSTRING, 2);
    check_kinds(&tl, src, TOK_ERROR, TOK_NEWLINE, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, fstring_unterminated) {
    TokenList tl = lex_src("f'abc {x}\ny\n");
    expect_one_error(CODE_PARSE_STRING, 1);
    cr_assert_eq(tl.items[0].kind, TOK_ERROR);
    cr_assert_eq(tl.items[2].kind, TOK_NAME);
    token_list_free(&tl);
}

Test(lexer, fstring_field_relexes_in_place) {
    const char *src = "f'{d[\"k\"] + 1}'";
    Token t = lex_fstr(src);
    Span e = t.fstr.parts[0].expr_span;
    TokenList tl = lex_range(g_file, e.lo, e.hi, &g_arena);
    check_kinds(&tl, "field", TOK_NAME, TOK_LBRACKET, TOK_STRING, TOK_RBRACKET, TOK_PLUS, TOK_INT, TOK_EOF,
                END);
    cr_assert_eq(tl.items[0].span.lo, 3, "spans are file offsets");
    cr_assert_eq(tl.items[6].span.lo, e.hi);
    token_list_free(&tl);
}

/* ==== Operators ========================================================== */

Test(lexer, operators_longest_match) {
    const char *src = "( ) [ ] { } : , ; . ... -> @ = := + - * / // % ** & | ^ ~ << >> == != < <= > >= "
                      "+= -= *= /= //= %= **= &= |= ^= <<= >>=";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_LPAREN, TOK_RPAREN, TOK_LBRACKET, TOK_RBRACKET, TOK_LBRACE, TOK_RBRACE,
                TOK_COLON, TOK_COMMA, TOK_SEMI, TOK_DOT, TOK_ELLIPSIS, TOK_ARROW, TOK_AT, TOK_ASSIGN,
                TOK_WALRUS, TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_DSLASH, TOK_PERCENT, TOK_DSTAR,
                TOK_AMP, TOK_PIPE, TOK_CARET, TOK_TILDE, TOK_LSHIFT, TOK_RSHIFT, TOK_EQ, TOK_NE, TOK_LT,
                TOK_LE, TOK_GT, TOK_GE, TOK_PLUS_ASSIGN, TOK_MINUS_ASSIGN, TOK_STAR_ASSIGN, TOK_SLASH_ASSIGN,
                TOK_DSLASH_ASSIGN, TOK_PERCENT_ASSIGN, TOK_DSTAR_ASSIGN, TOK_AMP_ASSIGN, TOK_PIPE_ASSIGN,
                TOK_CARET_ASSIGN, TOK_LSHIFT_ASSIGN, TOK_RSHIFT_ASSIGN, TOK_NEWLINE, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, operators_without_spaces) {
    const char *src = "a**=b//c>>=-d...e<<f->g:=h!=i==j";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_DSTAR_ASSIGN, TOK_NAME, TOK_DSLASH, TOK_NAME, TOK_RSHIFT_ASSIGN,
                TOK_MINUS, TOK_NAME, TOK_ELLIPSIS, TOK_NAME, TOK_LSHIFT, TOK_NAME, TOK_ARROW, TOK_NAME,
                TOK_WALRUS, TOK_NAME, TOK_NE, TOK_NAME, TOK_EQ, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    cr_assert_eq(tl.items[1].span.lo, 1);
    cr_assert_eq(tl.items[1].span.hi, 4);
    token_list_free(&tl);
}

Test(lexer, invalid_characters) {
    const char *src = "a $ b ? c ! d `";
    TokenList tl = lex_src(src);
    cr_assert_eq(diag_count(), 4);
    uint32_t at[] = {2, 6, 10, 14};
    for (uint32_t i = 0; i < 4; i++) {
        cr_assert_str_eq(diag_at(i)->code, CODE_PARSE_CHAR);
        cr_assert_eq(diag_at(i)->span.lo, at[i]);
    }
    check_kinds(&tl, src, TOK_NAME, TOK_ERROR, TOK_NAME, TOK_ERROR, TOK_NAME, TOK_ERROR, TOK_NAME, TOK_ERROR,
                TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, embedded_nul_byte) {
    const char src[] = "a\0b";
    TokenList tl = lex_bytes(src, 3);
    expect_one_error(CODE_PARSE_CHAR, 1);
    check_kinds(&tl, "nul", TOK_NAME, TOK_ERROR, TOK_NAME, TOK_NEWLINE, TOK_EOF, END);
    token_list_free(&tl);
}

Test(lexer, comments_and_bom) {
    const char *src = "\xEF\xBB\xBFx = 1 # comment with 'quote' and \"\"\"\n# another\n";
    TokenList tl = lex_src(src);
    check_kinds(&tl, src, TOK_NAME, TOK_ASSIGN, TOK_INT, TOK_NEWLINE, TOK_EOF, END);
    expect_no_errors();
    token_list_free(&tl);
}

Test(lexer, tok_kind_names) {
    cr_assert_str_eq(tok_kind_name(TOK_EOF), "end of file");
    cr_assert_str_eq(tok_kind_name(TOK_DEF), "def");
    cr_assert_str_eq(tok_kind_name(TOK_RSHIFT_ASSIGN), ">>=");
    cr_assert_str_eq(tok_kind_name(TOK_NAME), "name");
}

/* ==== lex_range ========================================================== */

Test(lexer, range_has_no_layout_tokens) {
    const char *src = "if x:\n    y = (a +\n  b)\n";
    g_file = source_add("r.sifr", src, strlen(src));
    TokenList tl = lex_range(g_file, 10, (uint32_t)strlen(src), &g_arena);
    check_kinds(&tl, "range", TOK_NAME, TOK_ASSIGN, TOK_LPAREN, TOK_NAME, TOK_PLUS, TOK_NAME, TOK_RPAREN,
                TOK_EOF, END);
    cr_assert_eq(tl.items[0].span.lo, 10);
    token_list_free(&tl);
}

/* ==== Robustness and speed =============================================== */

Test(lexer, every_prefix_of_tricky_source_lexes_without_crash) {
    /* Truncating at every byte exercises every "input ends here" path. */
    const char *src = "def f(x: int) -> str:\n    s = f'{x!r:>{w}}' + r'\\'' + b'\\x41' + '''t\n'''\n"
                      "    return 0x_1F + 1.5e-3 + 007 \\\n  + \"\\u00e9\\N{X}\" # é\n";
    size_t n = strlen(src);
    for (size_t i = 0; i <= n; i++) {
        diag_reset();
        TokenList tl = lex_bytes(src, i);
        cr_assert_gt(tl.len, 0);
        cr_assert_eq(tl.items[tl.len - 1].kind, TOK_EOF);
        for (uint32_t k = 0; k < tl.len; k++) cr_assert_leq(tl.items[k].span.hi, (uint32_t)i);
        token_list_free(&tl);
    }
}

Test(lexer, thousand_lines_lex_fast) {
    StrBuf sb = {0};
    for (int i = 0; i < 1000; i++) {
        if (i % 10 == 0) sb_printf(&sb, "def fn_%d(a: int, b: str) -> int:\n", i);
        else sb_printf(&sb, "    total_%d = a * %d + len(b) - 0x%x  # step %d\n", i, i, i, i);
    }
    const char *src = sb.data;
    FileId f = source_add("big.sifr", src, sb.len);
    double best = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        TokenList tl = lex_file(f, &g_arena);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ms < best) best = ms;
        cr_assert_gt(tl.len, 10000);
        token_list_free(&tl);
    }
    expect_no_errors();
    cr_assert_lt(best, 1.0, "lexing 1000 lines took %.3f ms", best);
    sb_free(&sb);
}
