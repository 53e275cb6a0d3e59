/* The harness shared by the sema unit tests: parse and check a program,
 * then look up diagnostics and nodes by line:col. Included by test_sema*.c. */
#ifndef SIFR_SEMA_HARNESS_H
#define SIFR_SEMA_HARNESS_H

#include <criterion/criterion.h>

#include "sema.h"

static Ast g_ast;
static Program g_prog;
static FileId g_file;

static void teardown(void) {
    program_free(&g_prog);
    ast_free(&g_ast);
    diag_reset();
    source_reset();
    intern_reset();
    g_file = 0;
}

/* Parse (which must succeed) and check `src`; returns sema's verdict. A test
 * may check several programs: each starts from a clean slate. */
static bool check(const char *src) {
    if (g_file) teardown();
    g_file = source_add("t.sifr", src, strlen(src));
    bool parsed = parse_file(g_file, &g_ast);
    if (!parsed) diag_render_all(stderr, DIAG_COMPACT, false);
    cr_assert(parsed, "the test program does not parse");
    sema_init();
    return sema_check(&g_ast, "main", &g_prog);
}

static void dump_diags(void) { diag_render_all(stderr, DIAG_COMPACT, false); }

/* Some diagnostic has this code at line:col. */
static const Diagnostic *find_diag(const char *code, uint32_t line, uint32_t col) {
    for (uint32_t i = 0; i < diag_count(); i++) {
        const Diagnostic *d = diag_at(i);
        uint32_t l, c;
        source_line_col(d->span.file, d->span.lo, &l, &c);
        if (!strcmp(d->code, code) && l == line && c == col) return d;
    }
    return NULL;
}

/* Exactly one error, with this code at line:col. */
static inline const Diagnostic *expect_only(const char *src, const char *code, uint32_t line,
                                            uint32_t col) {
    bool ok = check(src);
    cr_assert_not(ok, "expected the program to be rejected");
    if (diag_error_count() != 1) dump_diags();
    cr_assert_eq(diag_error_count(), 1, "expected one error, got %u", diag_error_count());
    const Diagnostic *d = find_diag(code, line, col);
    if (!d) dump_diags();
    cr_assert_not_null(d, "expected %s at %u:%u", code, line, col);
    return d;
}

static inline void expect_ok(const char *src) {
    bool ok = check(src);
    if (!ok) dump_diags();
    cr_assert(ok, "expected the program to be accepted");
    cr_assert_eq(diag_error_count(), 0);
}

/* The node of `kind` whose span starts at line:col (the outermost one). */
static inline Node *node_at(NodeKind kind, uint32_t line, uint32_t col) {
    for (uint32_t id = 1; id < g_ast.nodes.len; id++) {
        Node *n = ast_node(&g_ast, id);
        if (n->kind != kind) continue;
        uint32_t l, c;
        source_line_col(g_file, n->span.lo, &l, &c);
        if (l == line && c == col) return n;
    }
    cr_assert_fail("no %s at %u:%u", node_kind_name(kind), line, col);
    return NULL;
}

#endif
