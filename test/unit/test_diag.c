/* Unit tests of the diagnostics engine: recording and counting, and the exact
 * human, compact and json renderings (the corpus runner and editors parse
 * the latter two, so their shape is part of the contract). */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include "diag.h"

static void diag_test_setup(void) {
    diag_reset();
    source_reset();
}
static void diag_test_teardown(void) {
    diag_reset();
    source_reset();
}
TestSuite(diag, .init = diag_test_setup, .fini = diag_test_teardown);

/* Render one diagnostic to a heap string (caller frees). */
static char *render(const Diagnostic *d, DiagFormat fmt, bool color) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    diag_render(f, d, fmt, color);
    fclose(f);
    return buf;
}

static char *render_all(DiagFormat fmt) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    diag_render_all(f, fmt, false);
    fclose(f);
    return buf;
}

static const char MOVED_SRC[] = "def consume(s: str) -> None:\n"
                                "    pass\n"
                                "\n"
                                "def main() -> None:\n"
                                "    s = \"hi\"; consume(s)\n"
                                "    print(s)\n";

/* The use-after-move example of the language documentation. */
static const Diagnostic *emit_moved(FileId f) {
    uint32_t use = (uint32_t)(strstr(MOVED_SRC, "print(s)") - MOVED_SRC) + 6;
    Diagnostic *d = diag_new(SEV_ERROR, "SIFR-OWN-0001", span_make(f, use, use + 1),
                             "use of moved value `%s`", "s");
    diag_label(d, "value used here after it was moved");
    diag_note(d, span_make(0, 0, 0), "`s` was moved into `consume` at 5:22");
    diag_help(d, "pass a copy with `s.clone()`");
    diag_emit(d);
    return d;
}

Test(diag, records_in_order_and_counts_errors) {
    FileId f = source_add("a.sifr", "x = 1\n", 6);
    diag_error(CODE_PARSE_SYNTAX, span_make(f, 0, 1), "first %d", 1);
    Diagnostic *w = diag_new(SEV_WARNING, CODE_PARSE_SYNTAX, span_make(f, 2, 3), "second");
    diag_emit(w);
    diag_error(CODE_PARSE_CHAR, span_make(f, 4, 5), "third");
    cr_assert_eq(diag_count(), 3);
    cr_assert_eq(diag_error_count(), 2);
    cr_assert_str_eq(diag_at(0)->message, "first 1");
    cr_assert_eq(diag_at(1)->severity, SEV_WARNING);
    cr_assert_str_eq(diag_at(2)->code, CODE_PARSE_CHAR);
    diag_reset();
    cr_assert_eq(diag_count(), 0);
    cr_assert_eq(diag_error_count(), 0);
}

Test(diag, human_matches_documented_shape) {
    FileId f = source_add("main.sifr", MOVED_SRC, sizeof MOVED_SRC - 1);
    char *out = render(emit_moved(f), DIAG_HUMAN, false);
    cr_assert_str_eq(out, "error[SIFR-OWN-0001]: use of moved value `s`\n"
                          "  --> main.sifr:6:11\n"
                          "   |\n"
                          " 6 |     print(s)\n"
                          "   |           ^ value used here after it was moved\n"
                          "   = note: `s` was moved into `consume` at 5:22\n"
                          "   = help: pass a copy with `s.clone()`\n");
    cr_assert_null(strchr(out, '\x1b'), "no escape codes without colour");
    free(out);
}

Test(diag, human_colour_adds_escapes) {
    FileId f = source_add("main.sifr", MOVED_SRC, sizeof MOVED_SRC - 1);
    char *out = render(emit_moved(f), DIAG_HUMAN, true);
    cr_assert_not_null(strstr(out, "\x1b[1;31merror[SIFR-OWN-0001]"));
    cr_assert_not_null(strstr(out, "\x1b[1;34m"));
    free(out);
}

Test(diag, human_span_note_is_one_line_with_position) {
    const char src[] = "a\nb\nc\nd\ne\nf\ng\nh\ni\nlet = 10\nx = let + 1\n";
    FileId f = source_add("w.sifr", src, sizeof src - 1);
    uint32_t lo = (uint32_t)(strstr(src, "let + 1") - src);
    uint32_t def = (uint32_t)(strstr(src, "let = 10") - src);
    Diagnostic *d = diag_new(SEV_ERROR, "SIFR-TYPE-0002", span_make(f, lo, lo + 3), "bad");
    diag_label(d, "here");
    diag_note(d, span_make(f, def, def + 3), "defined here");
    diag_emit(d);
    char *out = render(d, DIAG_HUMAN, false);
    /* SPEC section 7: "= note: ... at L:C" */
    cr_assert_str_eq(out, "error[SIFR-TYPE-0002]: bad\n"
                          "   --> w.sifr:11:5\n"
                          "    |\n"
                          " 11 | x = let + 1\n"
                          "    |     ^^^ here\n"
                          "    = note: defined here at 10:1\n");
    free(out);
}

Test(diag, human_note_in_another_file_names_it) {
    const char a_src[] = "x = 1\n", b_src[] = "\ny = 2\n";
    FileId fa = source_add("a.sifr", a_src, sizeof a_src - 1);
    FileId fb = source_add("helper.sifr", b_src, sizeof b_src - 1);
    Diagnostic *d = diag_new(SEV_ERROR, "SIFR-NAME-0001", span_make(fa, 0, 1), "bad");
    diag_note(d, span_make(fb, 1, 2), "declared here");
    diag_emit(d);
    char *out = render(d, DIAG_HUMAN, false);
    cr_assert_str_eq(out, "error[SIFR-NAME-0001]: bad\n"
                          "  --> a.sifr:1:1\n"
                          "   |\n"
                          " 1 | x = 1\n"
                          "   | ^\n"
                          "   = note: declared here at helper.sifr:2:1\n");
    free(out);
}

Test(diag, human_tabs_and_multiline_spans) {
    const char src[] = "\tx = (1,\n 2)\n";
    FileId f = source_add("t.sifr", src, sizeof src - 1);
    /* From `(` to the end of the file: underlined to the end of line 1. */
    Diagnostic *d = diag_new(SEV_ERROR, "SIFR-PARSE-0001", span_make(f, 5, sizeof src - 1), "m");
    diag_emit(d);
    char *out = render(d, DIAG_HUMAN, false);
    cr_assert_str_eq(out, "error[SIFR-PARSE-0001]: m\n"
                          "  --> t.sifr:1:6\n"
                          "   |\n"
                          " 1 |     x = (1,\n"
                          "   |         ^^^\n");
    free(out);
}

Test(diag, human_zero_width_span_at_end_of_line_has_one_caret) {
    const char src[] = "f(\n";
    FileId f = source_add("z.sifr", src, sizeof src - 1);
    Diagnostic *d = diag_new(SEV_ERROR, "SIFR-PARSE-0008", span_make(f, 2, 2), "expected `)`");
    diag_emit(d);
    char *out = render(d, DIAG_HUMAN, false);
    cr_assert_str_eq(out, "error[SIFR-PARSE-0008]: expected `)`\n"
                          "  --> z.sifr:1:3\n"
                          "   |\n"
                          " 1 | f(\n"
                          "   |   ^\n");
    free(out);
}

Test(diag, human_without_location) {
    diag_error(CODE_NAME_NO_MAIN, span_make(0, 0, 0), "program has no `main` function");
    char *out = render(diag_at(0), DIAG_HUMAN, false);
    cr_assert_str_eq(out, "error[SIFR-NAME-0003]: program has no `main` function\n");
    free(out);
}

Test(diag, human_render_all_separates_with_blank_line) {
    FileId f = source_add("a.sifr", "x\n", 2);
    diag_error(CODE_PARSE_SYNTAX, span_make(f, 0, 1), "one");
    diag_error(CODE_PARSE_SYNTAX, span_make(f, 0, 1), "two");
    char *out = render_all(DIAG_HUMAN);
    cr_assert_not_null(strstr(out, "^\n\nerror[SIFR-PARSE-0001]: two\n"));
    free(out);
}

Test(diag, compact_shape) {
    FileId f = source_add("main.sifr", MOVED_SRC, sizeof MOVED_SRC - 1);
    Diagnostic *d = (Diagnostic *)emit_moved(f);
    uint32_t mv = (uint32_t)(strstr(MOVED_SRC, "consume(s)") - MOVED_SRC) + 8;
    diag_note(d, span_make(f, mv, mv + 1), "moved here");
    diag_error(CODE_NAME_NO_MAIN, span_make(0, 0, 0), "no main");
    char *out = render_all(DIAG_COMPACT);
    cr_assert_str_eq(out, "main.sifr:6:11: error[SIFR-OWN-0001]: use of moved value `s`\n"
                          "main.sifr:6:11: note: `s` was moved into `consume` at 5:22\n"
                          "main.sifr:5:23: note: moved here\n"
                          "main.sifr:6:11: help: pass a copy with `s.clone()`\n"
                          "sifr: error[SIFR-NAME-0003]: no main\n");
    free(out);
}

Test(diag, json_shape_and_escaping) {
    FileId f = source_add("main.sifr", MOVED_SRC, sizeof MOVED_SRC - 1);
    emit_moved(f);
    diag_error(CODE_PARSE_STRING, span_make(0, 0, 0), "bad \"q\" \\ \n\t\x01 \xff end");
    char *out = render_all(DIAG_JSON);
    cr_assert_str_eq(out,
                     "{\"severity\":\"error\",\"code\":\"SIFR-OWN-0001\",\"message\":\"use of moved value `s`\","
                     "\"file\":\"main.sifr\",\"line\":6,\"column\":11,\"end_line\":6,\"end_column\":12,"
                     "\"label\":\"value used here after it was moved\","
                     "\"notes\":[{\"message\":\"`s` was moved into `consume` at 5:22\",\"file\":null,"
                     "\"line\":null,\"column\":null}],\"help\":\"pass a copy with `s.clone()`\"}\n"
                     "{\"severity\":\"error\",\"code\":\"SIFR-PARSE-0004\",\"message\":"
                     "\"bad \\\"q\\\" \\\\ \\u000a\\u0009\\u0001 \\ufffd end\",\"file\":null,\"line\":null,"
                     "\"column\":null,\"end_line\":null,\"end_column\":null,\"label\":null,\"notes\":[],"
                     "\"help\":null}\n");
    free(out);
}

Test(diag, parse_format_names) {
    DiagFormat fmt = DIAG_HUMAN;
    cr_assert(diag_parse_format("json", &fmt));
    cr_assert_eq(fmt, DIAG_JSON);
    cr_assert(diag_parse_format("compact", &fmt));
    cr_assert_eq(fmt, DIAG_COMPACT);
    cr_assert(diag_parse_format("human", &fmt));
    cr_assert_eq(fmt, DIAG_HUMAN);
    cr_assert_not(diag_parse_format("xml", &fmt));
    cr_assert_not(diag_parse_format("", &fmt));
    cr_assert_eq(fmt, DIAG_HUMAN);
}
