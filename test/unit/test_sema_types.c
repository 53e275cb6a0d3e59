/* Unit tests of the core-language type checking: classes, enums, errors,
 * generics, collections, Option narrowing, Result/try/raise, match
 * exhaustiveness, comprehensions and lambdas. Accepted programs get precise
 * types on key nodes; rejected ones get the code at line:col. */
#include "sema_harness.h"

/* type_name() of the node's type */
static const char *tname(NodeKind kind, uint32_t line, uint32_t col) {
    Node *n = node_at(kind, line, col);
    cr_assert_neq(n->type, 0, "node untyped");
    return type_name(n->type);
}

TestSuite(types, .fini = teardown);

/* ==== Classes ============================================================= */

Test(types, class_fields_methods_and_generated_init) {
    expect_ok("class Point:\n"
              "    x: int\n"
              "    y: int = 0\n"
              "    def norm(self) -> int:\n"
              "        return self.x * self.x + self.y * self.y\n"
              "    def move(mut self, dx: int) -> None:\n"
              "        self.x += dx\n"
              "def main() -> None:\n"
              "    p = Point(1, y=2)\n"
              "    q = Point(3)\n"
              "    p.move(1)\n"
              "    print(p.norm(), q.y, p == q, str(p))\n");
    cr_assert_str_eq(tname(N_CALL, 9, 9), "Point");
    cr_assert_str_eq(tname(N_CALL, 12, 11), "int");
    cr_assert_str_eq(tname(N_ATTR, 12, 21), "int");
    cr_assert_str_eq(tname(N_NAME, 9, 5), "Point");
    /* the class table: fields in order, flags */
    const ClassInfo *ci = prog_class_of(&g_prog, node_at(N_CALL, 9, 9)->type);
    cr_assert_not_null(ci);
    cr_assert_eq(ci->fields.len, 2);
    cr_assert_str_eq(str_text(ci->fields.items[0].name), "x");
    cr_assert_neq(ci->fields.items[1].dflt, 0);
    cr_assert_eq(ci->flags & (CLS_USER_INIT | CLS_ERROR), 0);
    cr_assert_eq(ci->methods.len, 2);
    /* methods are functions with `self` first */
    const SemaFunc *m = &g_prog.funcs.items[ci->methods.items[1].func];
    cr_assert(m->self_mut);
    cr_assert_eq(m->cls, ci->sym);
}

Test(types, unknown_attribute_and_method) {
    const Diagnostic *d = expect_only("class Point:\n"
                                      "    x: int\n"
                                      "    def norm(self) -> int:\n"
                                      "        return self.x\n"
                                      "def main() -> None:\n"
                                      "    p = Point(1)\n"
                                      "    print(p.nrom())\n",
                                      CODE_NAME_ATTR, 7, 13);
    cr_assert_str_eq(d->help, "did you mean `norm`?");
    expect_only("class Point:\n"
                "    x: int\n"
                "def main() -> None:\n"
                "    p = Point(1)\n"
                "    print(p.y)\n",
                CODE_NAME_ATTR, 5, 13);
}

Test(types, constructor_arguments_are_checked) {
    bool ok = check("class Point:\n"
                    "    x: int\n"
                    "    y: int\n"
                    "def main() -> None:\n"
                    "    a = Point(1)\n"
                    "    b = Point(1, \"2\")\n"
                    "    c = Point(1, 2, z=3)\n");
    cr_assert_not(ok);
    cr_assert_eq(diag_error_count(), 3);
    cr_assert_not_null(find_diag(CODE_TYPE_ARITY, 5, 9));
    cr_assert_not_null(find_diag(CODE_TYPE_MISMATCH, 6, 18));
    cr_assert_not_null(find_diag(CODE_TYPE_ARITY, 7, 21));
}

Test(types, inheritance_and_overrides) {
    expect_ok("class Shape:\n"
              "    name: str\n"
              "    def area(self) -> float:\n"
              "        return 0.0\n"
              "class Square(Shape):\n"
              "    side: float\n"
              "    def area(self) -> float:\n"
              "        return self.side * self.side\n"
              "def total(s: Shape) -> float:\n"
              "    return s.area()\n"
              "def main() -> None:\n"
              "    sq = Square(\"sq\", 2.0)\n"
              "    print(total(sq), sq.name)\n");
    cr_assert_str_eq(tname(N_ATTR, 13, 22), "str");
    expect_only("class A:\n"
                "    def f(self) -> int:\n"
                "        return 1\n"
                "class B(A):\n"
                "    def f(self) -> str:\n"
                "        return \"x\"\n"
                "def main() -> None:\n"
                "    pass\n",
                CODE_TYPE_MISMATCH, 5, 9);
}

Test(types, enums) {
    expect_ok("from enum import Enum\n"
              "class Color(Enum):\n"
              "    RED = 1\n"
              "    GREEN = 2\n"
              "def main() -> None:\n"
              "    c = Color.RED\n"
              "    print(str(c), c.name, c.value, c == Color.GREEN)\n");
    cr_assert_str_eq(tname(N_ATTR, 6, 9), "Color");
    cr_assert_str_eq(tname(N_ATTR, 7, 19), "str");
    cr_assert_str_eq(tname(N_ATTR, 7, 27), "int");
    const ClassInfo *ci = prog_class_of(&g_prog, node_at(N_ATTR, 6, 9)->type);
    cr_assert(ci->flags & CLS_ENUM);
    cr_assert_eq(ci->members.len, 2);
    cr_assert_eq(ci->members.items[1].value, 2);
    expect_only("class Color(Enum):\n"
                "    RED = 1\n"
                "def main() -> None:\n"
                "    pass\n",
                CODE_NAME_UNKNOWN, 1, 13);
}

Test(types, with_statement_uses_enter_type) {
    expect_ok("class Res:\n"
              "    n: int\n"
              "    def __enter__(self) -> int:\n"
              "        return self.n\n"
              "    def __exit__(self) -> None:\n"
              "        pass\n"
              "def main() -> None:\n"
              "    with Res(3) as v:\n"
              "        print(v + 1)\n");
    cr_assert_str_eq(tname(N_NAME, 8, 20), "int");
    expect_only("def main() -> None:\n"
                "    with 3 as v:\n"
                "        pass\n",
                CODE_TYPE_MISMATCH, 2, 10);
}

/* ==== Errors as values ==================================================== */

Test(types, builtin_error_classes) {
    expect_ok("class AppError(Error):\n"
              "    code: int\n"
              "def main() -> None:\n"
              "    e = ValueError(\"bad\")\n"
              "    a = AppError(3)\n"
              "    print(e.message, a.code)\n");
    const ClassInfo *ci = prog_class_of(&g_prog, node_at(N_CALL, 5, 9)->type);
    cr_assert(ci->flags & CLS_ERROR);
    cr_assert_str_eq(tname(N_ATTR, 6, 11), "str");
}

Test(types, result_functions_return_and_raise) {
    expect_ok("def parse(s: str) -> Result[int, ValueError]:\n"
              "    n = int(s)\n"
              "    return n\n"
              "def half(n: int) -> Result[int, ValueError]:\n"
              "    if n % 2 != 0:\n"
              "        raise ValueError(\"odd\")\n"
              "    return n // 2\n"
              "def main() -> None:\n"
              "    r = parse(\"4\")\n"
              "    print(r.is_ok(), r.unwrap(), str(r))\n");
    cr_assert_str_eq(tname(N_CALL, 2, 9), "Result[int, ValueError]");
    cr_assert_str_eq(tname(N_CALL, 10, 22), "int");
    expect_only("def f() -> int:\n"
                "    raise ValueError(\"x\")\n"
                "def main() -> None:\n"
                "    pass\n",
                CODE_RESULT_UNHANDLED, 2, 5);
}

Test(types, try_unwraps_and_tracks_errors) {
    expect_ok("class AppError(Error):\n"
              "    code: int\n"
              "def step(n: int) -> Result[int, AppError]:\n"
              "    return n\n"
              "def main() -> None:\n"
              "    try:\n"
              "        n = int(\"3\")\n"
              "        m = step(n)\n"
              "        print(m + 1)\n"
              "    except ValueError as e:\n"
              "        print(e.message)\n"
              "    except AppError as e:\n"
              "        print(e.code)\n"
              "    finally:\n"
              "        print(\"done\")\n");
    cr_assert_str_eq(tname(N_CALL, 7, 13), "int");
    cr_assert_str_eq(tname(N_CALL, 8, 13), "int");
    cr_assert_eq(g_prog.unwraps.len, 2);
    const SemaUnwrap *u = prog_unwrap_of(&g_prog, (NodeId)(node_at(N_CALL, 8, 13) - g_ast.nodes.items));
    cr_assert_not_null(u);
    cr_assert_str_eq(type_name(u->result), "Result[int, AppError]");
    /* an error no clause takes, in a function that cannot propagate it */
    expect_only("def main() -> None:\n"
                "    try:\n"
                "        n = int(\"3\")\n"
                "    except KeyError:\n"
                "        pass\n",
                CODE_RESULT_UNHANDLED, 3, 13);
}

Test(types, errors_propagate_to_a_result_function) {
    expect_ok("def both(a: str, b: str) -> Result[int, ValueError]:\n"
              "    try:\n"
              "        x = int(a)\n"
              "        y = int(b)\n"
              "    except KeyError:\n"
              "        return 0\n"
              "    return x + y\n"
              "def main() -> Result[None, ValueError]:\n"
              "    return None\n");
}

/* ==== Generics ============================================================ */

Test(types, generic_functions_infer_and_record_instances) {
    expect_ok("def first[T](xs: list[T]) -> T:\n"
              "    return xs[0]\n"
              "def main() -> None:\n"
              "    a = first([1, 2])\n"
              "    b = first([\"x\"])\n"
              "    c = first([3])\n"
              "    print(a, b, c)\n");
    cr_assert_str_eq(tname(N_CALL, 4, 9), "int");
    cr_assert_str_eq(tname(N_CALL, 5, 9), "str");
    cr_assert_eq(g_prog.insts.len, 2, "one instance per type argument list");
    cr_assert_eq(type_get(g_prog.insts.items[0].targs)->args[0], TYPE_INT);
    cr_assert_not(g_prog.insts.items[0].is_class);
    /* inside the generic body the element is a type variable */
    cr_assert_eq(type_get(node_at(N_SUBSCRIPT, 2, 12)->type)->kind, TY_TYPEVAR);
}

Test(types, generic_classes) {
    expect_ok("class Box[T]:\n"
              "    value: T\n"
              "    def get(self) -> T:\n"
              "        return self.value\n"
              "def main() -> None:\n"
              "    b = Box(5)\n"
              "    s: Box[str] = Box(\"x\")\n"
              "    print(b.get() + 1, s.value.upper())\n");
    cr_assert_str_eq(tname(N_CALL, 6, 9), "Box[int]");
    cr_assert_str_eq(tname(N_CALL, 8, 11), "int");
    bool saw_class = false;
    for (uint32_t i = 0; i < g_prog.insts.len; i++) saw_class |= g_prog.insts.items[i].is_class;
    cr_assert(saw_class);
}

Test(types, inference_failure_is_a_mismatch) {
    expect_only("def pair[T](a: T, b: T) -> T:\n"
                "    return a\n"
                "def main() -> None:\n"
                "    x = pair(1, \"a\")\n",
                CODE_TYPE_MISMATCH, 4, 17);
    expect_only("def make[T]() -> list[T]:\n"
                "    return []\n"
                "def main() -> None:\n"
                "    x = make()\n",
                CODE_TYPE_MISMATCH, 4, 9);
}

Test(types, lambda_parameters_come_from_the_callable) {
    expect_ok("def apply[T, U](xs: list[T], f: Callable[[T], U]) -> list[U]:\n"
              "    return [f(x) for x in xs]\n"
              "def main() -> None:\n"
              "    sq = apply([1, 2, 3], lambda x: x * x)\n"
              "    names = apply([1], lambda n: str(n))\n"
              "    inc: Callable[[int], int] = lambda z: z + 1\n"
              "    print(sq, names, inc(2))\n");
    cr_assert_str_eq(tname(N_CALL, 4, 10), "list[int]");
    cr_assert_str_eq(tname(N_CALL, 5, 13), "list[str]");
    cr_assert_str_eq(tname(N_LAMBDA, 4, 27), "Callable[[int], int]");
    expect_only("def main() -> None:\n"
                "    f = lambda x: x\n",
                CODE_TYPE_MISMATCH, 2, 9);
}

/* ==== Collections ========================================================= */

Test(types, collection_literals_methods_and_builtins) {
    expect_ok("def main() -> None:\n"
              "    xs = [1, 2, 3]\n"
              "    d = {\"a\": 1}\n"
              "    st = {1.5, 2}\n"
              "    t = (1, \"a\")\n"
              "    empty: list[str] = []\n"
              "    xs.append(4)\n"
              "    for k, v in d.items():\n"
              "        print(k, v)\n"
              "    for i, x in enumerate(xs):\n"
              "        print(i + x)\n"
              "    print(t[1], xs[1:], len(d), 2 in xs, sorted(xs), sum(xs))\n"
              "    words = \"a b\".split()\n"
              "    pos = \"abc\".find(\"b\")\n"
              "    print(\",\".join(words), d.get(\"a\"), max(xs), empty)\n");
    cr_assert_str_eq(tname(N_LIST, 2, 10), "list[int]");
    cr_assert_str_eq(tname(N_DICT, 3, 9), "dict[str, int]");
    cr_assert_str_eq(tname(N_SET, 4, 10), "set[float]");
    cr_assert_str_eq(tname(N_TUPLE, 5, 9), "tuple[int, str]");
    cr_assert_str_eq(tname(N_NAME, 8, 12), "int");
    cr_assert_str_eq(tname(N_SUBSCRIPT, 12, 11), "str");
    cr_assert_str_eq(tname(N_SUBSCRIPT, 12, 17), "list[int]");
    cr_assert_str_eq(tname(N_CALL, 13, 13), "list[str]");
    cr_assert_str_eq(tname(N_CALL, 14, 11), "int | None");
    cr_assert_str_eq(tname(N_CALL, 15, 28), "int | None");
}

Test(types, collection_errors) {
    expect_only("def main() -> None:\n"
                "    xs = [1, \"a\"]\n",
                CODE_TYPE_MISMATCH, 2, 14);
    expect_only("def main() -> None:\n"
                "    xs = []\n",
                CODE_TYPE_MISMATCH, 2, 10);
    expect_only("def main() -> None:\n"
                "    t = (1, 2)\n"
                "    print(t[2])\n",
                CODE_TYPE_MISMATCH, 3, 13);
    expect_only("def main() -> None:\n"
                "    s = \"abc\"\n"
                "    s[0] = \"x\"\n",
                CODE_TYPE_MISMATCH, 3, 5);
}

Test(types, comprehensions_have_their_own_scope) {
    expect_ok("def main() -> None:\n"
              "    xs = [1, 2, 3]\n"
              "    sq = [x * x for x in xs if x > 1]\n"
              "    ev = {x: str(x) for x in range(4)}\n"
              "    x = \"outer\"\n"
              "    print(sq, ev, x)\n");
    cr_assert_str_eq(tname(N_COMP, 3, 10), "list[int]");
    cr_assert_str_eq(tname(N_COMP, 4, 10), "dict[int, str]");
}

/* ==== Option and narrowing ================================================ */

Test(types, option_narrowing) {
    expect_ok("def find(xs: list[str], k: str) -> str | None:\n"
              "    for x in xs:\n"
              "        if x == k:\n"
              "            return x\n"
              "    return None\n"
              "def main() -> None:\n"
              "    r = find([\"a\"], \"a\")\n"
              "    if r is not None:\n"
              "        print(r.upper())\n"
              "    n = \"x\".find(\"x\")\n"
              "    m = n + 1 if n is not None else 0\n"
              "    if n is None:\n"
              "        return\n"
              "    print(n * 2)\n");
    cr_assert_str_eq(tname(N_NAME, 9, 15), "str");
    cr_assert_str_eq(tname(N_NAME, 7, 5), "str | None");
    cr_assert_str_eq(tname(N_NAME, 14, 11), "int");
    expect_only("def main() -> None:\n"
                "    n = \"x\".find(\"x\")\n"
                "    print(n + 1)\n",
                CODE_TYPE_MISMATCH, 3, 11);
}

Test(types, narrowing_ends_with_an_assignment) {
    expect_only("def main() -> None:\n"
                "    n: int | None = 3\n"
                "    if n is not None:\n"
                "        n = None\n"
                "        print(n + 1)\n",
                CODE_TYPE_MISMATCH, 5, 15);
}

/* ==== match =============================================================== */

Test(types, match_patterns_and_exhaustiveness) {
    expect_ok("from enum import Enum\n"
              "class Color(Enum):\n"
              "    RED = 1\n"
              "    BLUE = 2\n"
              "class Point:\n"
              "    x: int\n"
              "    y: int\n"
              "def f(c: Color, p: Point, r: Result[int, ValueError], b: bool) -> int:\n"
              "    match c:\n"
              "        case Color.RED | Color.BLUE:\n"
              "            pass\n"
              "    match p:\n"
              "        case Point(x=0, y=yy):\n"
              "            return yy\n"
              "        case Point(a, b2):\n"
              "            return a + b2\n"
              "def main() -> None:\n"
              "    r: Result[int, ValueError] = Ok(1)\n"
              "    match r:\n"
              "        case Ok(v):\n"
              "            print(v)\n"
              "        case Err(e):\n"
              "            print(e.message)\n"
              "    match (1, \"a\"):\n"
              "        case (n, s) if n > 0:\n"
              "            print(s)\n"
              "        case _:\n"
              "            pass\n");
    cr_assert_str_eq(tname(N_PAT_CAPTURE, 13, 27), "int");
    cr_assert_str_eq(tname(N_PAT_CAPTURE, 20, 17), "int");
    cr_assert_str_eq(tname(N_PAT_CAPTURE, 22, 18), "ValueError");
    const Diagnostic *d = expect_only("def main() -> None:\n"
                                      "    b = True\n"
                                      "    match b:\n"
                                      "        case True:\n"
                                      "            pass\n",
                                      CODE_MATCH_NONEXHAUSTIVE, 3, 5);
    cr_assert(strstr(d->message, "False") != NULL);
}

Test(types, match_on_option_and_result_needs_both_cases) {
    expect_only("def main() -> None:\n"
                "    n = \"a\".find(\"a\")\n"
                "    match n:\n"
                "        case None:\n"
                "            pass\n",
                CODE_MATCH_NONEXHAUSTIVE, 3, 5);
    expect_only("def main() -> None:\n"
                "    r = int(\"1\")\n"
                "    match r:\n"
                "        case Ok(v):\n"
                "            pass\n",
                CODE_MATCH_NONEXHAUSTIVE, 3, 5);
}

/* ==== Aliases and annotations ============================================= */

Test(types, aliases_and_callable_annotations) {
    expect_ok("type UserId = int\n"
              "type Pair[T] = tuple[T, T]\n"
              "def swap(p: Pair[str]) -> Pair[str]:\n"
              "    a, b = p\n"
              "    return (b, a)\n"
              "def main() -> None:\n"
              "    u: UserId = 3\n"
              "    f: Callable[[int, str], bool] = lambda n, s: len(s) == n\n"
              "    print(u, swap((\"a\", \"b\")), f(1, \"x\"))\n");
    cr_assert_str_eq(tname(N_NAME, 4, 8), "str");
    cr_assert_str_eq(tname(N_CALL, 9, 14), "tuple[str, str]");
}
