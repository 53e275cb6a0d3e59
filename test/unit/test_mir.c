/* Unit tests of the MIR: lowering of small programs (moves, drops, drop
 * flags, temporaries, checked arithmetic, range loops, asserts, calls), the
 * verifier, the printer's determinism, and mir_build + mir_verify over every
 * runnable program of test/corpus. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <dirent.h>
#include <sys/stat.h>

#include "mir.h"
#include "mir_harness.h"

/* ==== Harness ============================================================= */

static Ast g_ast;
static Program g_prog;
static MirProgram g_mir;
static bool g_have_mir;

static void teardown(void) {
    if (g_have_mir) mir_program_free(&g_mir);
    g_have_mir = false;
    program_free(&g_prog);
    ast_free(&g_ast);
    diag_reset();
    source_reset();
    intern_reset();
}

static void dump_diags(void) { diag_render_all(stderr, DIAG_COMPACT, false); }

/* Parse, check and lower `src` (all must succeed), then verify every body. */
static void build(const char *src) {
    FileId f = source_add("t.sifr", src, strlen(src));
    bool parsed = parse_file(f, &g_ast);
    if (!parsed) dump_diags();
    cr_assert(parsed, "the test program does not parse");
    sema_init();
    bool checked = sema_check(&g_ast, "main", &g_prog);
    if (!checked) dump_diags();
    cr_assert(checked, "the test program does not type-check");
    bool ok = mir_build(&g_prog, &g_mir);
    g_have_mir = true;
    if (!ok) dump_diags();
    cr_assert(ok, "mir_build failed");
    for (uint32_t i = 0; i < g_mir.bodies.len; i++) mir_verify(g_mir.bodies.items[i]);
}

static const MirBody *body(const char *symbol) { return mir_body_in(&g_mir, symbol); }
static MirLocalId local(const MirBody *b, const char *name) { return mir_local_named(b, name); }

static char *g_dump;
static const char *dump(const MirBody *b) {
    free(g_dump);
    g_dump = mir_dump_string(b);
    return g_dump;
}

/* `text` occurs in the dump of `b` (printed on failure). */
static void expect_in(const MirBody *b, const char *text) {
    const char *d = dump(b);
    if (!strstr(d, text)) fprintf(stderr, "%s", d);
    cr_assert(strstr(d, text) != NULL, "expected `%s` in the MIR of %s", text, b->symbol);
}

static void expect_not_in(const MirBody *b, const char *text) {
    const char *d = dump(b);
    if (strstr(d, text)) fprintf(stderr, "%s", d);
    cr_assert(strstr(d, text) == NULL, "did not expect `%s` in the MIR of %s", text, b->symbol);
}

/* Count statements of a kind on a local. */
static uint32_t count_stmts(const MirBody *b, MirStmtKind k, MirLocalId l) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->blocks.len; i++)
        for (uint32_t j = 0; j < b->blocks.items[i].stmts.len; j++) {
            const MirStmt *s = &b->blocks.items[i].stmts.items[j];
            if (s->kind == k && s->place.local == l) n++;
        }
    return n;
}

static uint32_t count_terms(const MirBody *b, MirTermKind k) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->blocks.len; i++) n += b->blocks.items[i].term.kind == k;
    return n;
}

/* The local assigned on the first dump line containing `text`. */
static MirLocalId assigned_by(const char *d, const char *text) {
    const char *at = strstr(d, text);
    cr_assert_not_null(at, "no `%s` in\n%s", text, d);
    while (at > d && at[-1] != '\n') at--;
    unsigned l = 0;
    cr_assert_eq(sscanf(at, " _%u = ", &l), 1, "`%s` is not an assignment", text);
    return l;
}

static char g_buf[256];
static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    vsnprintf(g_buf, sizeof g_buf, f, ap);
    va_end(ap);
    return g_buf;
}

TestSuite(mir, .fini = teardown);

/* ==== Moves and drops ===================================================== */

/* Parse and check `src` (must succeed), then lower it: mir_build must fail
 * with a diagnostic whose compact rendering contains `code` and `where`. */
static void build_rejected(const char *src, const char *code, const char *where) {
    FileId f = source_add("t.sifr", src, strlen(src));
    cr_assert(parse_file(f, &g_ast), "the test program does not parse");
    sema_init();
    bool checked = sema_check(&g_ast, "main", &g_prog);
    if (!checked) dump_diags();
    cr_assert(checked, "the test program does not type-check");
    bool ok = mir_build(&g_prog, &g_mir);
    g_have_mir = true;
    cr_assert(!ok, "mir_build accepted a program that uses a moved value");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    diag_render_all(mem, DIAG_COMPACT, false);
    fclose(mem);
    bool found = strstr(text, code) && strstr(text, where);
    if (!found) fprintf(stderr, "%s", text);
    free(text);
    cr_assert(found, "expected %s at %s", code, where);
}

Test(mir, use_after_move_is_rejected) {
    build_rejected("def consume(own s: str) -> int:\n"
                   "    return len(s)\n"
                   "def main() -> None:\n"
                   "    s = str(1)\n"
                   "    n = consume(s)\n"
                   "    print(s, n)\n",
                   "SIFR-OWN-0001", "t.sifr:6:11");
}

Test(mir, use_after_a_move_on_one_path_is_rejected) {
    build_rejected("def main() -> None:\n"
                   "    s = str(1)\n"
                   "    if len(s) > 0:\n"
                   "        t = s\n"
                   "    print(s)\n",
                   "SIFR-OWN-0001", "t.sifr:5:11");
}

Test(mir, move_inside_a_loop_is_rejected) {
    build_rejected("def main() -> None:\n"
                   "    s = str(1)\n"
                   "    for i in range(2):\n"
                   "        t = s\n",
                   "SIFR-OWN-0004", "t.sifr:4:13");
}

Test(mir, reassignment_after_a_move_revives_the_name) {
    build("def main() -> None:\n"
          "    s = str(1)\n"
          "    for i in range(2):\n"
          "        t = s\n"
          "        s = str(i)\n"
          "        print(t, s)\n");
}

Test(mir, conditional_expression_clones_named_arms) {
    build("def main() -> None:\n"
          "    s = str(1)\n"
          "    print(s if len(s) > 0 else \"none\")\n"
          "    print(s)\n");
    const MirBody *b = body("main.main");
    MirLocalId s = local(b, "s");
    expect_in(b, fmt("rt_str_clone(copy _%u)", s));
    expect_not_in(b, fmt("move _%u", s));
    cr_assert_eq(count_stmts(b, MS_DROP, s), 1, "the named value is dropped once, by its owner");
}

Test(mir, moved_string_local_is_not_dropped) {
    build("def main() -> None:\n"
          "    s = str(1)\n"
          "    t = s\n"
          "    print(t)\n");
    const MirBody *b = body("main.main");
    MirLocalId s = local(b, "s"), t = local(b, "t");
    expect_in(b, fmt("_%u = move _%u;", t, s));
    cr_assert_eq(count_stmts(b, MS_DROP, s) + count_stmts(b, MS_DROP_IF, s), 0, "a moved-out local is dropped");
    cr_assert_eq(count_stmts(b, MS_DROP, t), 1, "the owner is dropped once at exit");
}

Test(mir, string_moved_in_one_branch_gets_a_drop_flag) {
    build("def main() -> None:\n"
          "    s = str(1)\n"
          "    c = 1 > 0\n"
          "    if c:\n"
          "        t = s\n"
          "        print(t)\n"
          "    print(1)\n");
    const MirBody *b = body("main.main");
    MirLocalId s = local(b, "s");
    cr_assert_eq(count_stmts(b, MS_DROP_IF, s), 1);
    cr_assert_eq(count_stmts(b, MS_DROP, s), 0);
    /* the flag is a fresh bool local, set at entry, at the init and at the move */
    MirLocalId flag = 0;
    for (uint32_t i = 0; i < b->locals.len; i++)
        if (b->locals.items[i].flags & MIRL_DROP_FLAG) flag = i;
    cr_assert_neq(flag, 0, "no drop-flag local");
    cr_assert_eq(b->locals.items[flag].type, TYPE_BOOL);
    expect_in(b, fmt("drop(_%u) if _%u;", s, flag));
    expect_in(b, fmt("flag _%u = false;", flag));
    expect_in(b, fmt("flag _%u = true;", flag));
    /* t is initialised only in the branch: it gets a flag too */
    cr_assert_eq(count_stmts(b, MS_DROP_IF, local(b, "t")), 1);
}

Test(mir, temporary_of_str_in_print_is_dropped_after_print) {
    build("def main() -> None:\n"
          "    x = 5\n"
          "    print(str(x) + \"!\")\n");
    const MirBody *b = body("main.main");
    const char *d = dump(b);
    MirLocalId t1 = assigned_by(d, "rt_str_from_int(");
    cr_assert_eq(b->locals.items[t1].name, 0, "str(x) is not in a temporary");
    const char *print = strstr(d, "rt_print_str(");
    cr_assert_not_null(print);
    const char *drop = strstr(d, fmt("drop(_%u);", t1));
    cr_assert_not_null(drop, "str(x)'s temporary _%u is not dropped:\n%s", t1, d);
    cr_assert(drop > print, "the temporary is dropped before the print:\n%s", d);
    cr_assert(strstr(drop, "return;") != NULL, "dropped after the return?");
}

Test(mir, reassignment_drops_the_old_value_first) {
    build("def main() -> None:\n"
          "    s = str(1)\n"
          "    s = str(2)\n"
          "    print(s)\n");
    const MirBody *b = body("main.main");
    MirLocalId s = local(b, "s");
    /* the first store needs no drop (uninitialised), the second does, and
     * the exit drop: two plain drops, no flags */
    cr_assert_eq(count_stmts(b, MS_DROP, s), 2);
    cr_assert_eq(count_stmts(b, MS_DROP_IF, s), 0);
    const char *d = dump(b);
    const char *second = strstr(d, "rt_str_from_int(const 2)");
    cr_assert_not_null(second);
    const char *drop = strstr(second, fmt("drop(_%u);", s));
    const char *store = strstr(second, fmt("_%u = move", s));
    cr_assert(drop && store && drop < store, "drop(s) must precede the new store:\n%s", d);
}

Test(mir, reassigned_string_in_a_loop_uses_a_flag) {
    build("def main() -> None:\n"
          "    for i in range(3):\n"
          "        s = str(i)\n"
          "        print(s)\n");
    const MirBody *b = body("main.main");
    MirLocalId s = local(b, "s");
    /* before the store (maybe set by an earlier iteration) and at exit
     * (maybe never set): both flag-guarded */
    cr_assert_eq(count_stmts(b, MS_DROP_IF, s), 2);
}

Test(mir, borrowed_and_own_parameters) {
    build("def g(s: str, own o: str) -> int:\n"
          "    return len(s) + len(o)\n"
          "def main() -> None:\n"
          "    a = str(1)\n"
          "    b = str(2)\n"
          "    print(g(a, b))\n");
    const MirBody *g = body("main.g");
    cr_assert(g->locals.items[1].flags & MIRL_PARAM);
    cr_assert(g->locals.items[1].flags & MIRL_BORROWED);
    cr_assert_not(g->locals.items[2].flags & MIRL_BORROWED);
    cr_assert_eq(count_stmts(g, MS_DROP, 1), 0, "a borrowed parameter is dropped");
    cr_assert_eq(count_stmts(g, MS_DROP, 2), 1, "an own parameter is not dropped");
    const MirBody *m = body("main.main");
    MirLocalId a = local(m, "a"), bb = local(m, "b");
    expect_in(m, fmt("main.g(copy _%u, move _%u)", a, bb));
    cr_assert_eq(count_stmts(m, MS_DROP, a), 1);
    cr_assert_eq(count_stmts(m, MS_DROP, bb), 0, "a value moved into a call is dropped by the caller");
}

/* ==== Arithmetic, conversions, comparisons ================================ */

Test(mir, checked_add_carries_its_location) {
    build("def add(a: int, b: int) -> int:\n"
          "    return a + b\n"
          "def main() -> None:\n"
          "    print(add(1, 2) * 3 - 4)\n");
    expect_in(body("main.add"), "_0 = Add(copy _1, copy _2) @2:12;");
    expect_in(body("main.main"), "Mul(copy _");
    expect_in(body("main.main"), ", const 3) @4:11;");
}

Test(mir, division_and_promotion_are_runtime_calls_and_casts) {
    build("def main() -> None:\n"
          "    a = 7\n"
          "    print(a // 2, a % 3, a ** 2, a / 2, a + 0.5)\n");
    const MirBody *b = body("main.main");
    expect_in(b, "rt_int_floordiv(copy _1, const 2) @3:11;");
    expect_in(b, "rt_int_mod(copy _1, const 3) @3:19;");
    expect_in(b, "rt_int_pow(copy _1, const 2) @3:26;");
    expect_in(b, "copy _1 as float;");
    expect_in(b, "const 2 as float;");
    expect_in(b, "rt_float_div(");
    expect_in(b, ", const 0.5);");
}

Test(mir, comparison_chain_and_short_circuit_are_branches) {
    build("def main() -> None:\n"
          "    x = 3\n"
          "    print(1 < x < 5)\n"
          "    print(x > 1 and x < 2 or x == 3)\n");
    const MirBody *b = body("main.main");
    /* chain: one branch between the links; and/or: one each */
    cr_assert_eq(count_terms(b, MT_BRANCH), 3, "%s", dump(b));
    expect_in(b, "Lt(const 1, copy _1)");
    expect_in(b, "Lt(copy _1, const 5)");
    expect_in(b, "= const false;");
}

/* ==== Loops, asserts, panics ============================================== */

Test(mir, for_range_shape) {
    build("def main() -> None:\n"
          "    for i in range(2, 10):\n"
          "        print(i)\n");
    const MirBody *b = body("main.main");
    MirLocalId i = local(b, "i");
    const char *d = dump(b);
    MirLocalId ctr = assigned_by(d, " = const 2;");
    expect_in(b, fmt("Lt(copy _%u, const 10);", ctr));
    expect_in(b, fmt("_%u = copy _%u;", i, ctr));
    expect_in(b, fmt("AddOverflows(copy _%u, const 1);", ctr));
    expect_in(b, fmt("_%u = Add(copy _%u, const 1) @2:14;", ctr, ctr));
    expect_not_in(b, "must not be zero"); /* constant step: no zero check */
}

Test(mir, range_with_a_variable_step_checks_zero_and_sign) {
    build("def main() -> None:\n"
          "    s = -2\n"
          "    for i in range(10, 0, s):\n"
          "        print(i)\n");
    const MirBody *b = body("main.main");
    expect_in(b, "panic(const \"range() arg 3 must not be zero\") @3:14;");
    expect_in(b, "Gt(copy _");
    cr_assert_geq(count_terms(b, MT_BRANCH), 5, "%s", dump(b));
}

Test(mir, while_break_continue) {
    build("def main() -> None:\n"
          "    n = 0\n"
          "    while True:\n"
          "        n += 1\n"
          "        if n < 3:\n"
          "            continue\n"
          "        break\n"
          "    print(n)\n");
    const MirBody *b = body("main.main");
    expect_in(b, "_1 = Add(copy _1, const 1) @4:9;");
    cr_assert_eq(count_terms(b, MT_RETURN), 1);
}

Test(mir, assert_and_panic_terminators) {
    build("def f(x: int) -> int:\n"
          "    assert x > 0, \"x=\" + str(x)\n"
          "    assert x < 100\n"
          "    if x == 50:\n"
          "        panic(\"fifty\")\n"
          "    return x\n"
          "def main() -> None:\n"
          "    print(f(1))\n");
    const MirBody *b = body("main.f");
    cr_assert_eq(count_terms(b, MT_PANIC), 3, "%s", dump(b));
    expect_in(b, "rt_str_concat(const \"assertion failed: \", copy _");
    expect_in(b, "panic(const \"assertion failed\") @3:5;");
    expect_in(b, "panic(const \"fifty\") @5:9;");
}

/* ==== Calls, strings, printing ============================================ */

Test(mir, defaults_keywords_and_fstrings) {
    build("def g(a: int, b: int = 10, c: float = 1) -> float:\n"
          "    return a + b + c\n"
          "def main() -> None:\n"
          "    name = \"x\"\n"
          "    print(f\"{name}={g(1, c=2.5):.2f}\", None)\n");
    const MirBody *m = body("main.main");
    /* positional, keyword, then the default of b */
    expect_in(m, "main.g(const 1, const 10, const 2.5) @5:21;");
    expect_in(m, "rt_fmt_float(copy _");
    expect_in(m, "rt_str_join_parts(copy _1, const \"=\", copy _");
    expect_in(m, "rt_print_none();");
    expect_in(body("main.g"), " as float;");
}

Test(mir, dump_is_deterministic) {
    build("def main() -> None:\n"
          "    s = \"a\"\n"
          "    t = s + \"b\" if len(s) > 0 else \"c\"\n"
          "    print(t, abs(-3), min(1.5, 2), repr(t))\n");
    const MirBody *b = body("main.main");
    char *one = mir_dump_string(b);
    char *two = mir_dump_string(b);
    cr_assert_str_eq(one, two);
    cr_assert(strstr(one, "bb0: {") != NULL);
    cr_assert(strstr(one, "rt_str_repr(") != NULL);
    free(one);
    free(two);
}

/* ==== The verifier ======================================================== */

Test(mir, verifier_rejects_an_unterminated_block, .exit_code = 3) {
    build("def main() -> None:\n"
          "    print(1)\n");
    MirBody *b = g_mir.bodies.items[0];
    b->blocks.items[b->blocks.len - 1].term.kind = MT_NONE;
    mir_verify(b); /* ICE: exit status 3 */
}

Test(mir, verifier_rejects_a_type_mismatch, .exit_code = 3) {
    build("def main() -> None:\n"
          "    x = 1\n"
          "    print(x)\n");
    MirBody *b = g_mir.bodies.items[0];
    b->locals.items[local(b, "x")].type = TYPE_STR;
    mir_verify(b);
}

/* ==== The whole corpus ==================================================== */

static bool is_error_case(const char *text) { return strstr(text, "# expect-error") != NULL; }

static void corpus_walk(const char *dir, uint32_t *count) {
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    struct dirent *e;
    char **names = NULL;
    uint32_t n = 0, cap = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) names = realloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    /* a directory with a main.sifr is one program; its other files are the
     * modules main.sifr imports (docs/testing.md) */
    char main_path[1024];
    snprintf(main_path, sizeof main_path, "%s/main.sifr", dir);
    struct stat main_st;
    bool one_program = stat(main_path, &main_st) == 0;
    for (uint32_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (one_program && strcmp(names[i], "main.sifr")) {
            free(names[i]);
            continue;
        }
        /* known-bugs/ holds cases the compiler still gets wrong */
        bool known_bugs = !strcmp(names[i], "known-bugs");
        free(names[i]);
        struct stat st;
        if (stat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (!known_bugs) corpus_walk(path, count);
            continue;
        }
        size_t len = strlen(path);
        if (len < 5 || strcmp(path + len - 5, ".sifr")) continue;
        const char *err = NULL;
        FileId f = source_load(path, &err);
        cr_assert_neq(f, 0, "cannot load %s", path);
        if (is_error_case(source_get(f)->text)) {
            source_reset();
            continue;
        }
        Ast ast;
        Program prog;
        MirProgram mp;
        SemaModuleSet set;
        cr_assert(modules_load(f, SIFR_SOURCE_DIR "/lib", &ast, &set), "%s does not parse", path);
        sema_init();
        bool checked = sema_check_program(&ast, &set, &prog);
        modules_free(&set);
        if (!checked) dump_diags();
        cr_assert(checked, "%s does not type-check", path);
        bool ok = mir_build(&prog, &mp);
        if (!ok) dump_diags();
        cr_assert(ok, "mir_build failed on %s", path);
        cr_assert_geq(mp.bodies.len, prog.funcs.len);
        for (uint32_t k = 0; k < mp.bodies.len; k++) {
            mir_verify(mp.bodies.items[k]);
            free(mir_dump_string(mp.bodies.items[k]));
        }
        (*count)++;
        mir_program_free(&mp);
        program_free(&prog);
        ast_free(&ast);
        diag_reset();
        source_reset();
    }
    free(names);
}

Test(mir, every_corpus_program_lowers_and_verifies) {
    uint32_t count = 0;
    corpus_walk(SIFR_SOURCE_DIR "/test/corpus", &count);
    cr_assert_gt(count, 20, "only %u corpus programs found", count);
}
