/* The ownership machinery below the rules the corpus exercises: the kinds
 * of types (linear, must-consume, scoped) and the checks that follow from
 * them, sendability, the "alive at this point" query behind SIFR-OWN-0009,
 * and the notes and help lines of the parameter rules. The standard library
 * gives classes their kinds with @linear/@must_consume/@scoped; here a test
 * class gets its kind directly in its ClassInfo, after checking. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mir.h"
#include "mir_harness.h"
#include "sema_harness.h"

static MirProgram g_mir;
static bool g_have_mir;

static void fini(void) {
    if (g_have_mir) mir_program_free(&g_mir);
    memset(&g_mir, 0, sizeof g_mir);
    g_have_mir = false;
    teardown();
}

TestSuite(ownership, .fini = fini);

static ClassInfo *class_named(const char *name) {
    StrId id = intern_cstr(name);
    for (uint32_t i = 0; i < g_prog.classes.len; i++)
        if (g_prog.classes.items[i].name == id) return &g_prog.classes.items[i];
    cr_assert_fail("no class %s", name);
    return NULL;
}

static const MirBody *body(const char *symbol) { return mir_body_in(&g_mir, symbol); }
static MirLocalId local(const MirBody *b, const char *name) { return mir_local_named(b, name); }

/* Check `src` (must pass), give class `cls` the kind `flags`, lower it. */
static bool lower_with_kind(const char *src, const char *cls, uint32_t flags) {
    bool ok = check(src);
    if (!ok) dump_diags();
    cr_assert(ok, "the test program does not type-check");
    if (cls) class_named(cls)->flags |= flags;
    g_have_mir = true;
    return mir_build(&g_prog, &g_mir);
}

static char *rendered(void) {
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    diag_render_all(mem, DIAG_COMPACT, false);
    fclose(mem);
    return text;
}

static void expect_rendered(const char *what) {
    char *text = rendered();
    bool found = strstr(text, what) != NULL;
    if (!found) fprintf(stderr, "%s", text);
    free(text);
    cr_assert(found, "expected the diagnostics to contain: %s", what);
}

/* A class to give a kind, a function that takes one, and main's start. */
#define HANDLE_PROG                         \
    "class Handle:\n"                       \
    "    id: int\n"                         \
    "def finish(own h: Handle) -> int:\n"   \
    "    return h.id\n"                     \
    "def main() -> None:\n"                 \
    "    h = Handle(3)\n"

#define GUARD_USE_PROG                      \
    "class Guard:\n"                        \
    "    n: int\n"                          \
    "def use(own g: Guard) -> int:\n"       \
    "    return g.n\n"                      \
    "def main() -> None:\n"

static const char *guard_prog = "class Guard:\n"
                                "    n: int\n"
                                "class Holder:\n"
                                "    g: Guard | None\n"
                                "def take() -> Guard:\n"
                                "    g = Guard(1)\n"
                                "    return g\n"
                                "def main() -> None:\n"
                                "    print(take().n)\n";

Test(ownership, scoped_value_returned_is_rejected) {
    cr_assert_not(lower_with_kind(guard_prog, "Guard", CLS_SCOPED));
    expect_rendered("t.sifr:7:12: error[SIFR-OWN-0003]: scoped value `g` escapes: it is returned");
}

Test(ownership, scoped_value_stored_is_rejected) {
    cr_assert_not(lower_with_kind("class Guard:\n"
                                  "    n: int\n"
                                  "def main() -> None:\n"
                                  "    g = Guard(1)\n"
                                  "    keep = [g]\n"
                                  "    print(len(keep))\n",
                                  "Guard", CLS_SCOPED));
    expect_rendered("SIFR-OWN-0003]: scoped value `g` escapes: it is stored in another value");
}

Test(ownership, scoped_value_used_in_place_is_accepted) {
    cr_assert(lower_with_kind("class Guard:\n"
                              "    n: int\n"
                              "def read(g: Guard) -> int:\n"
                              "    return g.n\n"
                              "def main() -> None:\n"
                              "    g = Guard(1)\n"
                              "    h = g\n"
                              "    print(read(h) + h.n)\n",
                              "Guard", CLS_SCOPED));
    cr_assert_eq(diag_error_count(), 0);
}

Test(ownership, the_same_program_without_the_kind_is_accepted) {
    cr_assert(lower_with_kind(guard_prog, NULL, 0));
}

Test(ownership, must_consume_dropped_on_one_path_is_rejected) {
    cr_assert_not(lower_with_kind(HANDLE_PROG
                                  "    if len(\"ab\") > 1:\n"
                                  "        print(finish(h))\n",
                                  "Handle", CLS_LINEAR | CLS_MUST_CONSUME));
    expect_rendered("SIFR-OWN-0013]: `h` may be dropped here without being used");
}

Test(ownership, must_consume_consumed_on_every_path_is_accepted) {
    /* main consumes h on both paths; finish, which takes it, only reads it
     * and so drops it: the one error */
    cr_assert_not(lower_with_kind(HANDLE_PROG
                              "    if len(\"ab\") > 1:\n"
                              "        print(finish(h))\n"
                              "    else:\n"
                              "        print(finish(h) + 1)\n",
                              "Handle", CLS_LINEAR | CLS_MUST_CONSUME));
    cr_assert_eq(diag_error_count(), 1);
    expect_rendered("t.sifr:4:");
    expect_rendered("SIFR-OWN-0013]: `h` may be dropped here without being used");
}

Test(ownership, linear_without_must_consume_may_be_dropped) {
    cr_assert(lower_with_kind("class Handle:\n"
                              "    id: int\n"
                              "def main() -> None:\n"
                              "    h = Handle(3)\n"
                              "    print(h.id)\n",
                              "Handle", CLS_LINEAR));
}

Test(ownership, a_linear_value_is_used_once) {
    /* consuming it twice is a use after move */
    cr_assert_not(lower_with_kind(HANDLE_PROG
                                  "    print(finish(h))\n"
                                  "    print(finish(h))\n",
                                  "Handle", CLS_LINEAR | CLS_MUST_CONSUME));
    expect_rendered("t.sifr:8:18: error[SIFR-OWN-0001]");
}

Test(ownership, scoped_values_alive_at_a_point) {
    cr_assert(lower_with_kind(GUARD_USE_PROG
                              "    a = 1\n"
                              "    g = Guard(a)\n"
                              "    b = a + 1\n"
                              "    print(use(g) + b)\n",
                              "Guard", CLS_SCOPED));
    const MirBody *m = body("main.main");
    MirLocalId g = local(m, "g");
    /* find the statement that assigns g, and the one that moves it away */
    MirBlockId bb = 0;
    uint32_t set = UINT32_MAX, moved = UINT32_MAX;
    for (uint32_t i = 0; i < m->blocks.items[0].stmts.len; i++) {
        const MirStmt *s = &m->blocks.items[0].stmts.items[i];
        if (s->kind != MS_ASSIGN) continue;
        if (s->place.local == g && !s->place.proj_count) set = i;
        const MirOperand *ops = s->rv.ops_count ? &m->operands.items[s->rv.ops_start] : NULL;
        for (uint32_t k = 0; k < s->rv.ops_count; k++)
            if (ops[k].kind == OPD_MOVE && ops[k].place.local == g) moved = i;
    }
    cr_assert_neq(set, UINT32_MAX);
    cr_assert_neq(moved, UINT32_MAX);
    cr_assert_not(mir_maybe_init_at(m, g, bb, set), "not alive before it is assigned");
    cr_assert(mir_maybe_init_at(m, g, bb, set + 1), "alive right after");
    cr_assert_eq(own_scoped_live_at(&g_prog, m, bb, set + 1), g);
    cr_assert(mir_maybe_init_at(m, g, bb, moved), "alive up to the move");
    cr_assert_not(mir_maybe_init_at(m, g, bb, moved + 1), "gone after the move");
    cr_assert_eq(own_scoped_live_at(&g_prog, m, bb, moved + 1), MIR_NO_LOCAL);
}

Test(ownership, a_value_moved_on_one_branch_is_maybe_alive_after) {
    cr_assert(lower_with_kind(GUARD_USE_PROG
                              "    g = Guard(1)\n"
                              "    if len(\"a\") > 0:\n"
                              "        print(use(g))\n"
                              "    print(2)\n",
                              "Guard", CLS_SCOPED));
    const MirBody *m = body("main.main");
    MirLocalId g = local(m, "g");
    /* the block that prints 2 is reached with g moved or not */
    bool found = false;
    for (MirBlockId bi = 1; bi < m->blocks.len && !found; bi++)
        if (mir_maybe_init_at(m, g, bi, 0) && own_scoped_live_at(&g_prog, m, bi, 0) == g) found = true;
    cr_assert(found, "some later block sees g maybe alive");
}

Test(ownership, sendability_of_types) {
    cr_assert(check("class Plain:\n"
                    "    name: str\n"
                    "    xs: list[int]\n"
                    "class Marked(NonSend):\n"
                    "    n: int\n"
                    "class Guard:\n"
                    "    n: int\n"
                    "class Holds:\n"
                    "    g: Guard\n"
                    "class Node:\n"
                    "    kids: list[Node]\n"
                    "def main() -> None:\n"
                    "    p = Plain(\"a\", [1])\n"
                    "    m = Marked(1)\n"
                    "    h = Holds(Guard(1))\n"
                    "    k = Node([])\n"
                    "    ps: list[Plain] = [p]\n"
                    "    ms: dict[str, Marked] = {\"m\": m}\n"
                    "    print(len(ps), len(ms), h.g.n, len(k.kids))\n"));
    ClassInfo *guard = class_named("Guard");
    guard->flags |= CLS_SCOPED;
    TypeId culprit = 0;
    cr_assert(own_type_sendable(&g_prog, TYPE_INT, NULL));
    cr_assert(own_type_sendable(&g_prog, TYPE_STR, NULL));
    cr_assert(own_type_sendable(&g_prog, class_named("Plain")->type, NULL));
    cr_assert(own_type_sendable(&g_prog, class_named("Node")->type, NULL), "a recursive class of sendable parts");
    cr_assert_not(own_type_sendable(&g_prog, class_named("Marked")->type, &culprit));
    cr_assert_eq(culprit, class_named("Marked")->type);
    cr_assert_not(own_type_sendable(&g_prog, guard->type, NULL));
    culprit = 0;
    cr_assert_not(own_type_sendable(&g_prog, class_named("Holds")->type, &culprit), "a class holding a guard");
    cr_assert_eq(culprit, guard->type);
    cr_assert(own_type_has_kind(&g_prog, guard->type, CLS_SCOPED));
    cr_assert_not(own_type_has_kind(&g_prog, class_named("Plain")->type, CLS_SCOPED));
}

Test(ownership, kind_decorators_belong_to_the_standard_library) {
    cr_assert_not(check("@scoped\n"
                        "class Guard:\n"
                        "    n: int\n"
                        "def main() -> None:\n"
                        "    print(Guard(1).n)\n"));
    expect_rendered("`@scoped` is only available to the standard library");
}

/* ---- the parameter rules: notes and help lines ---------------------------- */

Test(ownership, rebinding_names_the_parameter_and_the_fix) {
    expect_only("def f(n: int) -> int:\n"
                "    n += 1\n"
                "    return n\n"
                "def main() -> None:\n"
                "    print(f(1))\n",
                "SIFR-OWN-0006", 2, 5);
    expect_rendered("t.sifr:1:7: note: `n` is declared here without `mut`");
    expect_rendered("declare the parameter as `mut n`");
}

Test(ownership, mutation_through_self_suggests_mut_self) {
    expect_only("class C:\n"
                "    n: int\n"
                "    def bump(self) -> None:\n"
                "        self.n += 1\n"
                "def main() -> None:\n"
                "    c = C(1)\n"
                "    c.bump()\n",
                "SIFR-OWN-0005", 4, 9);
    expect_rendered("declare the method with `mut self`");
}

Test(ownership, conflicting_borrows_point_at_both_arguments) {
    expect_only("def fill(mut a: list[int], b: list[int]) -> None:\n"
                "    a.append(len(b))\n"
                "def main() -> None:\n"
                "    xs = [1]\n"
                "    fill(xs, xs)\n"
                "    print(xs)\n",
                "SIFR-OWN-0002", 5, 14);
    expect_rendered("t.sifr:5:10: note: the other borrow of `xs` is here");
}

Test(ownership, a_mut_parameter_returned_suggests_a_copy) {
    expect_only("def same(mut a: list[int]) -> list[int]:\n"
                "    return a\n"
                "def main() -> None:\n"
                "    xs = [1]\n"
                "    print(same(xs))\n",
                "SIFR-OWN-0003", 2, 12);
    expect_rendered("use a copy, `a.clone()`, or declare the parameter as `own mut a`");
}

Test(ownership, a_linear_value_cannot_be_copied) {
    cr_assert_not(lower_with_kind("class Handle:\n"
                                  "    id: int\n"
                                  "def main() -> None:\n"
                                  "    h = Handle(3)\n"
                                  "    k = h.clone()\n"
                                  "    print(h.id, k.id)\n",
                                  "Handle", CLS_LINEAR));
    expect_rendered("SIFR-OWN-0014]: a value of type `Handle` cannot be copied");
}

Test(ownership, a_borrowed_scoped_value_is_not_copied_into_a_list) {
    /* the loop variable borrows each guard; storing it needs a copy */
    cr_assert_not(lower_with_kind("class Guard:\n"
                                  "    n: int\n"
                                  "def main() -> None:\n"
                                  "    gs = [Guard(1)]\n"
                                  "    keep: list[Guard] = []\n"
                                  "    for g in gs:\n"
                                  "        keep.append(g)\n"
                                  "    print(len(keep))\n",
                                  "Guard", CLS_SCOPED));
    expect_rendered("SIFR-OWN-0014]");
}
