/* Unit tests of the semantic pass: accepted programs get the documented types
 * and symbols on key nodes; rejected programs get the right diagnostic code
 * at the right line:col, and one mistake gives one diagnostic. */
#include "sema_harness.h"

/* ==== Harness ============================================================= */

static int32_t func_index(const char *name) {
    StrId id = intern_cstr(name);
    for (uint32_t i = 0; i < g_prog.funcs.len; i++)
        if (g_prog.funcs.items[i].name == id) return (int32_t)i;
    return -1;
}

TestSuite(sema, .fini = teardown);

/* ==== Types =============================================================== */

Test(sema, types_are_interned_structurally) {
    sema_init();
    cr_assert_eq(type_get(TYPE_INT)->kind, TY_INT);
    cr_assert_eq(type_get(TYPE_RANGE)->kind, TY_RANGE);
    cr_assert_eq(type_list(TYPE_INT), type_list(TYPE_INT));
    cr_assert_neq(type_list(TYPE_INT), type_list(TYPE_STR));
    TypeId ps[2] = {TYPE_INT, TYPE_STR};
    cr_assert_eq(type_func(ps, 2, TYPE_BOOL), type_func(ps, 2, TYPE_BOOL));
    cr_assert_neq(type_func(ps, 2, TYPE_BOOL), type_func(ps, 1, TYPE_BOOL));
    cr_assert_str_eq(type_name(TYPE_FLOAT), "float");
    cr_assert_str_eq(type_name(type_option(TYPE_INT)), "int | None");
    cr_assert_str_eq(type_name(type_result(TYPE_INT, TYPE_STR)), "Result[int, str]");
    cr_assert_str_eq(type_name(type_list(type_tuple(ps, 2))), "list[tuple[int, str]]");
    cr_assert_str_eq(type_name(type_func(ps, 2, TYPE_NONE)), "Callable[[int, str], None]");
    /* many distinct types force the table to grow; ids stay stable */
    TypeId first = type_list(TYPE_BYTES);
    TypeId t = TYPE_INT;
    for (int i = 0; i < 600; i++) t = type_list(t);
    cr_assert_eq(type_list(TYPE_BYTES), first);
    sema_init(); /* idempotent */
    cr_assert_eq(type_get(TYPE_NEVER)->kind, TY_NEVER);
}

/* ==== Accepted programs =================================================== */

Test(sema, arithmetic_follows_python_result_types) {
    expect_ok("def main() -> None:\n"
              "    a = 7 / 2\n"        /* 2 */
              "    b = 7 // 2\n"       /* 3 */
              "    c = 1 + 2.5\n"      /* 4 */
              "    d = 2 ** 10\n"      /* 5 */
              "    e = \"x\" + \"y\"\n" /* 6 */
              "    f = 1 < 2.0\n"      /* 7 */
              "    g = -3 % 2\n"       /* 8 */
              "    h = 6 & 3 | 1\n"    /* 9 */
              "    print(a, b, c, d, e, f, g, h)\n");
    cr_assert_eq(node_at(N_BINARY, 2, 9)->type, TYPE_FLOAT);
    cr_assert_eq(node_at(N_BINARY, 3, 9)->type, TYPE_INT);
    cr_assert_eq(node_at(N_BINARY, 4, 9)->type, TYPE_FLOAT);
    cr_assert_eq(node_at(N_BINARY, 5, 9)->type, TYPE_INT);
    cr_assert_eq(node_at(N_BINARY, 6, 9)->type, TYPE_STR);
    cr_assert_eq(node_at(N_COMPARE, 7, 9)->type, TYPE_BOOL);
    cr_assert_eq(node_at(N_BINARY, 8, 9)->type, TYPE_INT);
    cr_assert_eq(node_at(N_BINARY, 9, 9)->type, TYPE_INT);
    /* the local's inferred type comes from its first assignment */
    Node *a = node_at(N_NAME, 2, 5);
    cr_assert_eq(prog_sym(&g_prog, a->sym)->kind, SYM_LOCAL);
    cr_assert_eq(prog_sym(&g_prog, a->sym)->type, TYPE_FLOAT);
}

Test(sema, python_scoping_gives_one_local_per_name) {
    expect_ok("def f(mut n: int) -> int:\n"
              "    total = 0\n"
              "    for i in range(n):\n"
              "        if i > 2:\n"
              "            total = total + i\n"
              "        else:\n"
              "            total += 1\n"
              "    n = n + 1\n"
              "    return total\n"
              "def main() -> None:\n"
              "    k = 4\n"
              "    print(f(k))\n");
    int32_t fi = func_index("f");
    cr_assert_geq(fi, 0);
    SemaFunc *f = &g_prog.funcs.items[fi];
    cr_assert_eq(f->params.len, 1);
    cr_assert_eq(f->locals.len, 2, "total and i, got %u", f->locals.len);
    cr_assert_eq(f->ret, TYPE_INT);
    Symbol *p = prog_sym(&g_prog, f->params.items[0]);
    cr_assert_eq(p->kind, SYM_PARAM);
    cr_assert_eq(p->index, 0);
    cr_assert_eq(p->func, (uint32_t)fi);
    for (uint32_t i = 0; i < f->locals.len; i++) {
        Symbol *l = prog_sym(&g_prog, f->locals.items[i]);
        cr_assert_eq(l->kind, SYM_LOCAL);
        cr_assert_eq(l->index, i);
        cr_assert_eq(l->type, TYPE_INT);
    }
    /* both writes of `total` name the same local */
    cr_assert_eq(node_at(N_NAME, 2, 5)->sym, node_at(N_NAME, 5, 13)->sym);
    /* a `mut` parameter can be reassigned; the target names the parameter */
    cr_assert_eq(node_at(N_NAME, 8, 5)->sym, f->params.items[0]);
    /* the loop variable and range() */
    Node *loop_var = node_at(N_NAME, 3, 9);
    cr_assert_eq(prog_sym(&g_prog, loop_var->sym)->kind, SYM_LOCAL);
    cr_assert_eq(node_at(N_CALL, 3, 14)->type, TYPE_RANGE);
    Node *range_name = node_at(N_NAME, 3, 14);
    cr_assert_eq(prog_sym(&g_prog, range_name->sym)->kind, SYM_BUILTIN);
    cr_assert_eq(prog_sym(&g_prog, range_name->sym)->index, BI_RANGE);
}

Test(sema, calls_resolve_to_functions_builtins_and_type_names) {
    expect_ok("def add(a: int, b: float = 2.0) -> float:\n"
              "    return a + b\n"
              "def main() -> None:\n"
              "    x = add(1)\n"
              "    y = add(b=3, a=1)\n"
              "    print(int(x), len(\"abc\"), min(1, 2.5), max(1, 2), abs(-2))\n");
    Node *call = node_at(N_CALL, 4, 9);
    cr_assert_eq(call->type, TYPE_FLOAT);
    Node *callee = ast_node(&g_ast, call->a);
    Symbol *fs = prog_sym(&g_prog, callee->sym);
    cr_assert_eq(fs->kind, SYM_FUNC);
    cr_assert_eq(fs->index, (uint32_t)func_index("add"));
    cr_assert_eq(type_get(callee->type)->kind, TY_FUNC);
    cr_assert_eq(node_at(N_CALL, 5, 9)->type, TYPE_FLOAT);
    /* int(x) is a SYM_TYPE whose index is the BuiltinId */
    Node *intcall = node_at(N_CALL, 6, 11);
    Symbol *is = prog_sym(&g_prog, ast_node(&g_ast, intcall->a)->sym);
    cr_assert_eq(is->kind, SYM_TYPE);
    cr_assert_eq(is->index, BI_INT);
    cr_assert_eq(intcall->type, TYPE_INT);
    Node *print = node_at(N_CALL, 6, 5);
    Symbol *ps = prog_sym(&g_prog, ast_node(&g_ast, print->a)->sym);
    cr_assert_eq(ps->kind, SYM_BUILTIN);
    cr_assert_eq(ps->index, BI_PRINT);
    cr_assert_eq(print->type, TYPE_NONE);
    cr_assert_eq(node_at(N_CALL, 6, 31)->type, TYPE_FLOAT, "min of int and float");
    cr_assert_eq(node_at(N_CALL, 6, 44)->type, TYPE_INT);
    /* main is found */
    cr_assert_eq(g_prog.main_func, func_index("main"));
}

Test(sema, constants_fstrings_and_literals) {
    expect_ok("LIMIT: int = 3 * 4\n"
              "NAME: str = \"sifr\"\n"
              "def main() -> None:\n"
              "    w = 8\n"
              "    print(f\"{NAME!r} {LIMIT:>{w}} {1.5:.2f} {None} {True}\")\n"
              "    n = -9223372036854775808\n"
              "    b = b\"x\" + b\"y\"\n"
              "    print(n, b)\n");
    Node *lim = node_at(N_NAME, 1, 1);
    Symbol *ls = prog_sym(&g_prog, lim->sym);
    cr_assert_eq(ls->kind, SYM_CONST);
    cr_assert_eq(ls->type, TYPE_INT);
    cr_assert_eq(node_at(N_FSTRING, 5, 11)->type, TYPE_STR);
    /* every field is typed, the nested spec field too */
    uint32_t fields = 0;
    for (uint32_t id = 1; id < g_ast.nodes.len; id++) {
        Node *n = ast_node(&g_ast, id);
        if (n->kind != N_FMT_FIELD) continue;
        fields++;
        cr_assert_neq(n->type, 0);
        cr_assert_neq(n->type, TYPE_ERROR);
    }
    cr_assert_eq(fields, 6, "got %u fields", fields);
    cr_assert_eq(node_at(N_UNARY, 6, 9)->type, TYPE_INT);
    cr_assert_eq(node_at(N_BINARY, 7, 9)->type, TYPE_BYTES);
}

Test(sema, structural_returns_are_accepted) {
    expect_ok("def sign(n: int) -> int:\n"
              "    if n < 0:\n"
              "        return -1\n"
              "    elif n == 0:\n"
              "        return 0\n"
              "    else:\n"
              "        return 1\n"
              "def spin() -> int:\n"
              "    while True:\n"
              "        for i in range(3):\n"
              "            break\n"
              "def boom() -> str:\n"
              "    panic(\"no\")\n"
              "def pick(c: bool) -> float:\n"
              "    return 1 if c else 2.5\n"
              "def main() -> None:\n"
              "    print(sign(2), spin(), boom(), pick(True))\n");
    cr_assert_eq(node_at(N_IFEXP, 15, 12)->type, TYPE_FLOAT);
}

Test(sema, every_expression_in_an_accepted_body_is_typed) {
    expect_ok("def g(x: int, y: int = 3) -> bool:\n"
              "    return x < y and not (x == 2) or x != y\n"
              "def main() -> None:\n"
              "    s = \"a\"\n"
              "    s += \"b\"\n"
              "    k = 0\n"
              "    while k < 10:\n"
              "        k += 1\n"
              "        if k % 2 == 0:\n"
              "            continue\n"
              "    else:\n"
              "        pass\n"
              "    assert g(k), f\"k={k}\"\n"
              "    if s is None:\n"
              "        print(~k, -k, +k, 1e3, s, str(k) + repr(s), float(k), bool(k))\n");
    for (uint32_t id = 1; id < g_ast.nodes.len; id++) {
        Node *n = ast_node(&g_ast, id);
        switch (n->kind) {
        case N_NAME:
            /* parameter names live in N_PARAM; every N_NAME here is an expression,
             * an assignment target or an annotation */
            cr_assert_neq(n->type, 0, "untyped name at node %u", id);
            break;
        case N_INT: case N_FLOAT: case N_STR: case N_BOOL: case N_NONE: case N_UNARY:
        case N_BINARY: case N_BOOLOP: case N_COMPARE: case N_CALL: case N_FSTRING:
        case N_FMT_FIELD: case N_IFEXP:
            cr_assert_neq(n->type, 0, "untyped %s", node_kind_name(n->kind));
            cr_assert_neq(n->type, TYPE_ERROR, "poisoned %s", node_kind_name(n->kind));
            break;
        default: break;
        }
    }
}

/* ==== Rejected programs: one diagnostic at the offending node ============= */

Test(sema, annotated_local_mismatch_points_at_the_value) {
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    x: int = \"a\"\n",
                                      CODE_TYPE_MISMATCH, 2, 14);
    cr_assert_str_eq(d->label, "expected `int`, found `str`");
}

Test(sema, argument_mismatch_points_at_the_argument) {
    const Diagnostic *d = expect_only("def foo(a: int, b: int) -> None:\n"
                                      "    pass\n"
                                      "def main() -> None:\n"
                                      "    foo(1, \"a\")\n",
                                      CODE_TYPE_MISMATCH, 4, 12);
    cr_assert_str_eq(d->label, "expected `int`, found `str`");
}

Test(sema, unknown_name_suggests_a_close_one) {
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    count = 1\n"
                                      "    print(conut)\n",
                                      CODE_NAME_UNKNOWN, 3, 11);
    cr_assert_not_null(d->help);
    cr_assert_str_eq(d->help, "did you mean `count`?");
    uint32_t width = d->span.hi - d->span.lo;
    cr_assert_eq(width, 5);
}

Test(sema, misspelled_builtin_is_suggested) {
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    pritn(1)\n",
                                      CODE_NAME_UNKNOWN, 2, 5);
    cr_assert_str_eq(d->help, "did you mean `print`?");
}

Test(sema, use_before_assignment) {
    expect_only("def main() -> None:\n"
                "    print(x)\n"
                "    print(x)\n"
                "    x = 1\n",
                CODE_NAME_UNKNOWN, 2, 11);
}

Test(sema, missing_main) {
    const Diagnostic *d = expect_only("def helper() -> None:\n"
                                      "    pass\n",
                                      CODE_NAME_NO_MAIN, 1, 1);
    cr_assert_eq(d->span.lo, 0);
    cr_assert_eq(d->span.hi, 0);
}

Test(sema, main_signature) {
    expect_only("def main(n: int) -> None:\n"
                "    pass\n",
                CODE_TYPE_MAIN, 1, 10);
}

Test(sema, main_must_return_none) {
    expect_only("def main() -> int:\n"
                "    return 0\n",
                CODE_TYPE_MAIN, 1, 15);
}

Test(sema, missing_parameter_annotation) {
    expect_only("def f(a: int, b) -> None:\n"
                "    pass\n"
                "def main() -> None:\n"
                "    f(1, \"quiet: b is poisoned\")\n",
                CODE_TYPE_ANNOTATION, 1, 15);
}

Test(sema, break_and_continue_outside_loops) {
    bool ok = check("def main() -> None:\n"
                    "    break\n"
                    "    for i in range(2):\n"
                    "        pass\n"
                    "    else:\n"
                    "        continue\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 2);
    cr_assert_not_null(find_diag(CODE_FLOW_BREAK, 2, 5));
    cr_assert_not_null(find_diag(CODE_FLOW_CONTINUE, 6, 9));
}

Test(sema, module_level_statements) {
    bool ok = check("x = 1\n"
                    "print(x)\n"
                    "return\n"
                    "def main() -> None:\n"
                    "    pass\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 3);
    const Diagnostic *d = find_diag(CODE_PARSE_TOPLEVEL, 1, 1);
    cr_assert_not_null(d);
    cr_assert_not_null(d->help);
    cr_assert_not_null(find_diag(CODE_PARSE_TOPLEVEL, 2, 1));
    cr_assert_not_null(find_diag(CODE_FLOW_RETURN, 3, 1));
}

Test(sema, cpython_import_is_one_diagnostic) {
    const Diagnostic *d = expect_only("import asyncio\n"
                                      "def main() -> None:\n"
                                      "    loop = asyncio.get_event_loop()\n"
                                      "    loop.run_until_complete(loop)\n",
                                      CODE_IMPORT_CPYTHON, 1, 8);
    cr_assert_not_null(d->help);
    cr_assert(strstr(d->help, "sifr.task") != NULL, "help: %s", d->help);
}

Test(sema, cpython_from_import_points_at_the_module) {
    const Diagnostic *d = expect_only("from subprocess import Popen\n"
                                      "def main() -> None:\n"
                                      "    Popen(\"ls\")\n",
                                      CODE_IMPORT_CPYTHON, 1, 6);
    cr_assert(strstr(d->help, "sifr.process") != NULL);
    cr_assert_eq(d->span.hi - d->span.lo, strlen("subprocess"));
}

Test(sema, await_outside_async_is_an_error) {
    bool ok = check("async def work() -> None:\n"
                    "    await work()\n"
                    "def main() -> None:\n"
                    "    await work()\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 1);
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 4, 5));
}

Test(sema, no_truthiness) {
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    n = 3\n"
                                      "    b = n > 1 and n\n",
                                      CODE_TYPE_MISMATCH, 3, 19);
    cr_assert_str_eq(d->help, "Sifr has no implicit truthiness; compare explicitly, e.g. `n != 0`");
}

Test(sema, if_condition_must_be_bool) {
    expect_only("def main() -> None:\n"
                "    s = \"x\"\n"
                "    if s:\n"
                "        pass\n",
                CODE_TYPE_MISMATCH, 3, 8);
}

Test(sema, arity) {
    bool ok = check("def f(a: int, b: int = 1) -> None:\n"
                    "    pass\n"
                    "def main() -> None:\n"
                    "    f(1, 2, 3)\n"
                    "    f()\n"
                    "    f(1, c=2)\n"
                    "    len(\"a\", \"b\")\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 4);
    cr_assert_not_null(find_diag(CODE_TYPE_ARITY, 4, 5));
    cr_assert_not_null(find_diag(CODE_TYPE_ARITY, 5, 5));
    cr_assert_not_null(find_diag(CODE_TYPE_ARITY, 6, 10));
    cr_assert_not_null(find_diag(CODE_TYPE_ARITY, 7, 5));
}

Test(sema, calling_a_value) {
    expect_only("def main() -> None:\n"
                "    x = 1\n"
                "    x(2)\n",
                CODE_TYPE_NOT_CALLABLE, 3, 5);
}

Test(sema, missing_return_points_at_the_name) {
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    pass\n"
                                      "def g(n: int) -> int:\n"
                                      "    if n > 0:\n"
                                      "        return 1\n"
                                      "    while True:\n"
                                      "        break\n",
                                      CODE_TYPE_RETURN, 3, 5);
    cr_assert_eq(d->span.hi - d->span.lo, 1);
}

Test(sema, return_type_checked) {
    bool ok = check("def f() -> int:\n"
                    "    return \"no\"\n"
                    "def h() -> int:\n"
                    "    return\n"
                    "def main() -> None:\n"
                    "    return 1\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 3);
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 2, 12));
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 4, 5));
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 6, 12));
}

Test(sema, annotations) {
    bool ok = check("def f(a: Foo, b: list[int], c: strr) -> None:\n"
                    "    pass\n"
                    "def main() -> None:\n"
                    "    pass\n");
    cr_assert_not(ok);
    /* list[int] is a type now: two unknown names remain */
    cr_assert_eq(diag_error_count(), 2);
    cr_assert_not_null(find_diag(CODE_TYPE_UNKNOWN, 1, 10));
    cr_assert_eq(node_at(N_SUBSCRIPT, 1, 18)->type, type_list(TYPE_INT));
    const Diagnostic *d = find_diag(CODE_TYPE_UNKNOWN, 1, 32);
    cr_assert_not_null(d);
    cr_assert_str_eq(d->help, "did you mean `str`?");
}

Test(sema, int_literal_out_of_range) {
    expect_only("def main() -> None:\n"
                "    x = 9223372036854775808\n",
                CODE_PARSE_NUMBER, 2, 9);
}

Test(sema, poison_stops_cascades) {
    expect_only("def main() -> None:\n"
                "    y = undefined + 1\n"
                "    z = y + \"a\"\n"
                "    print(z, y * 2)\n"
                "    if y > 3:\n"
                "        pass\n",
                CODE_NAME_UNKNOWN, 2, 9);
}

Test(sema, independent_errors_are_all_reported) {
    bool ok = check("def main() -> None:\n"
                    "    a: int = \"x\"\n"
                    "    b = 1 + \"y\"\n"
                    "    c = nope\n"
                    "    continue\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 4);
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 2, 14));
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 3, 9));
    cr_assert_not_null(find_diag(CODE_NAME_UNKNOWN, 4, 9));
    cr_assert_not_null(find_diag(CODE_FLOW_CONTINUE, 5, 5));
}

Test(sema, reassignment_keeps_the_first_type) {
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    y = 1\n"
                                      "    y = 2.5\n",
                                      CODE_TYPE_MISMATCH, 3, 9);
    cr_assert_str_eq(d->label, "expected `int`, found `float`");
}

Test(sema, int_widens_to_float_but_not_back) {
    expect_ok("def half(x: float) -> float:\n"
              "    return x / 2\n"
              "def main() -> None:\n"
              "    f: float = 1\n"
              "    f = 3\n"
              "    print(half(4))\n");
    expect_only("def main() -> None:\n"
                "    x = 4\n"
                "    x /= 2\n",
                CODE_TYPE_MISMATCH, 3, 5);
}

Test(sema, unsupported_constructs) {
    /* what the core language still leaves out: nested def, `is` between
     * values, classes inside functions, `global`, `:=` */
    bool ok = check("def main() -> None:\n"
                    "    xs = [1, 2]\n"
                    "    for c in \"abc\":\n"
                    "        print(c)\n"
                    "    def inner() -> None:\n"
                    "        pass\n"
                    "    n = int(\"3\")\n"
                    "    b = 1 is 2\n"
                    "    a, b2 = 1, 2\n"
                    "    class K:\n"
                    "        pass\n"
                    "    global xs\n");
    cr_assert_not(ok);
    const char *c = CODE_TYPE_UNSUPPORTED;
    cr_assert_not_null(find_diag(c, 5, 5));
    cr_assert_not_null(find_diag(c, 8, 9));
    cr_assert_not_null(find_diag(c, 10, 5));
    cr_assert_not_null(find_diag(c, 12, 5));
    for (uint32_t i = 0; i < diag_count(); i++)
        cr_assert_str_eq(diag_at(i)->code, c, "unexpected %s: %s", diag_at(i)->code, diag_at(i)->message);
    cr_assert_eq(diag_error_count(), 4, "one diagnostic per construct, got %u", diag_error_count());
}

Test(sema, redefinition) {
    expect_only("def f() -> None:\n"
                "    pass\n"
                "def f() -> None:\n"
                "    pass\n"
                "def main() -> None:\n"
                "    f()\n",
                CODE_NAME_REDEFINED, 3, 5);
}

Test(sema, comparisons) {
    bool ok = check("def main() -> None:\n"
                    "    a = \"x\" < \"y\"\n"
                    "    b = True == False\n"
                    "    c = 1 == \"1\"\n"
                    "    d = True < False\n"
                    "    e = 1 < 2.5 <= 3\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 2);
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 4, 9));
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 5, 9));
}

Test(sema, locals_shadow_builtins_and_bool_is_not_a_number) {
    bool ok = check("def main() -> None:\n"
                    "    len = 3\n"
                    "    n = len(\"abc\")\n"
                    "    m = True + 1\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 2);
    cr_assert_not_null(find_diag(CODE_TYPE_NOT_CALLABLE, 3, 9));
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 4, 9));
}

Test(sema, augmented_assignment_records_the_operation_type) {
    expect_ok("def main() -> None:\n"
              "    f = 1.5\n"
              "    f += 1\n"
              "    print(f)\n");
    cr_assert_eq(node_at(N_AUG_ASSIGN, 3, 5)->type, TYPE_FLOAT);
    cr_assert_eq(node_at(N_NAME, 3, 5)->type, TYPE_FLOAT);
}

Test(sema, async_main_unknown_callee_is_reported_once) {
    expect_only("async def main() -> None:\n"
                "    await other()\n",
                CODE_NAME_UNKNOWN, 2, 11);
}

Test(sema, defaults_are_constant_and_typed) {
    bool ok = check("def f(a: int = 1, b: str = 2, c: int = len(\"x\")) -> None:\n"
                    "    pass\n"
                    "def main() -> None:\n"
                    "    f()\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 2);
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 1, 28));
    cr_assert_not_null(find_diag(CODE_TYPE_UNSUPPORTED, 1, 40));
}
