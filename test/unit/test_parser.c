/* Parser unit tests: the tree shape of every construct (checked through a
 * one-line form of ast_dump), the unparse round-trip property on a table of
 * snippets, and error reporting with recovery. */
#include <criterion/criterion.h>

#include "ast.h"
#include "diag.h"

/* ast_dump squeezed onto one line: "(N_BINARY + (N_INT 1) (N_INT 2))". */
static char *squash(const char *dump) {
    size_t n = strlen(dump);
    char *out = malloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (dump[i] == '\n') {
            while (dump[i + 1] == ' ') i++;
            if (dump[i + 1] != '\0') out[j++] = ' ';
            continue;
        }
        out[j++] = dump[i];
    }
    out[j] = '\0';
    return out;
}

/* Parse `src`, require no diagnostics, return the one-line dump. */
static char *parse_ok(const char *src) {
    FileId f = source_add("test.sifr", src, strlen(src));
    Ast ast;
    bool ok = parse_file(f, &ast);
    if (!ok || diag_count() != 0) {
        diag_render_all(stderr, DIAG_COMPACT, false);
        cr_assert_fail("unexpected parse errors in:\n%s", src);
    }
    char *d = ast_dump_string(&ast, ast.root);
    char *s = squash(d);
    free(d);
    ast_free(&ast);
    return s;
}

/* The dump of `src` contains `want`. */
static void expect_tree(const char *src, const char *want) {
    char *s = parse_ok(src);
    cr_expect(strstr(s, want) != NULL, "source:\n%s\nexpected to find:\n%s\nin:\n%s", src, want,
              s);
    free(s);
}

/* dump(parse(unparse(parse(src)))) == dump(parse(src)) */
static void expect_roundtrip(const char *src) {
    FileId f = source_add("rt.sifr", src, strlen(src));
    Ast a1;
    cr_assert(parse_file(f, &a1), "parse errors in:\n%s", src);
    char *d1 = ast_dump_string(&a1, a1.root);
    char *text = ast_unparse(&a1, a1.root);
    FileId g = source_add("rt2.sifr", text, strlen(text));
    Ast a2;
    bool ok2 = parse_file(g, &a2);
    if (!ok2) diag_render_all(stderr, DIAG_COMPACT, false);
    cr_assert(ok2, "unparsed text does not parse:\n%s\n(from:\n%s)", text, src);
    char *d2 = ast_dump_string(&a2, a2.root);
    cr_expect_str_eq(d2, d1, "round trip differs for:\n%s\nunparsed as:\n%s", src, text);
    free(d1);
    free(d2);
    free(text);
    ast_free(&a1);
    ast_free(&a2);
}

/* ==== expressions ========================================================= */

Test(parser_expr, precedence_arith) {
    expect_tree("1 + 2 * 3\n", "(N_EXPR_STMT (N_BINARY + (N_INT 1) (N_BINARY * (N_INT 2) (N_INT 3))))");
    expect_tree("a - b - c\n", "(N_BINARY - (N_BINARY - (N_NAME a) (N_NAME b)) (N_NAME c))");
    expect_tree("a | b ^ c & d << e + f\n",
                "(N_BINARY | (N_NAME a) (N_BINARY ^ (N_NAME b) (N_BINARY & (N_NAME c) "
                "(N_BINARY << (N_NAME d) (N_BINARY + (N_NAME e) (N_NAME f))))))");
    expect_tree("a // b % c / d\n",
                "(N_BINARY / (N_BINARY % (N_BINARY // (N_NAME a) (N_NAME b)) (N_NAME c)) (N_NAME d))");
}

Test(parser_expr, power_and_unary) {
    expect_tree("-2 ** 2\n", "(N_UNARY - (N_BINARY ** (N_INT 2) (N_INT 2)))");
    expect_tree("2 ** 3 ** 2\n", "(N_BINARY ** (N_INT 2) (N_BINARY ** (N_INT 3) (N_INT 2)))");
    expect_tree("2 ** -1\n", "(N_BINARY ** (N_INT 2) (N_UNARY - (N_INT 1)))");
    expect_tree("~a + +b\n", "(N_BINARY + (N_UNARY ~ (N_NAME a)) (N_UNARY + (N_NAME b)))");
    expect_tree("-x.y\n", "(N_UNARY - (N_ATTR y (N_NAME x)))");
}

Test(parser_expr, boolean_and_not) {
    expect_tree("not a == b\n", "(N_UNARY not (N_COMPARE == (N_NAME a) (N_NAME b)))");
    expect_tree("a or b and not c\n",
                "(N_BOOLOP or (N_NAME a) (N_BOOLOP and (N_NAME b) (N_UNARY not (N_NAME c))))");
    expect_tree("a if b else c\n", "(N_IFEXP (N_NAME b) (N_NAME a) (N_NAME c))");
    expect_tree("a if b else c if d else e\n",
                "(N_IFEXP (N_NAME b) (N_NAME a) (N_IFEXP (N_NAME d) (N_NAME c) (N_NAME e)))");
}

Test(parser_expr, comparison_chains) {
    expect_tree("a < b <= c\n", "(N_COMPARE <, <= (N_NAME a) (N_NAME b) (N_NAME c))");
    expect_tree("a not in b\n", "(N_COMPARE not in (N_NAME a) (N_NAME b))");
    expect_tree("a is not b\n", "(N_COMPARE is not (N_NAME a) (N_NAME b))");
    expect_tree("a in b is c != d\n",
                "(N_COMPARE in, is, != (N_NAME a) (N_NAME b) (N_NAME c) (N_NAME d))");
}

Test(parser_expr, subscripts_and_slices) {
    expect_tree("x[1:2, ::3]\n",
                "(N_SUBSCRIPT (N_NAME x) (N_TUPLE (N_SLICE (N_INT 1) (N_INT 2) -) (N_SLICE - - (N_INT 3))))");
    expect_tree("x[:]\n", "(N_SUBSCRIPT (N_NAME x) (N_SLICE - - -))");
    expect_tree("x[a:]\n", "(N_SLICE (N_NAME a) - -)");
    expect_tree("x[i, j]\n", "(N_SUBSCRIPT (N_NAME x) (N_TUPLE (N_NAME i) (N_NAME j)))");
    expect_tree("dict[str, list[int]]\n",
                "(N_SUBSCRIPT (N_NAME dict) (N_TUPLE (N_NAME str) (N_SUBSCRIPT (N_NAME list) (N_NAME int))))");
    expect_tree("Callable[[int, str], bool]\n",
                "(N_SUBSCRIPT (N_NAME Callable) (N_TUPLE (N_LIST (N_NAME int) (N_NAME str)) (N_NAME bool)))");
}

Test(parser_expr, calls) {
    expect_tree("f(a, *b, k=c, **d,)\n",
                "(N_CALL (N_NAME f) (N_NAME a) (N_STARRED (N_NAME b)) (N_KEYWORD k (N_NAME c)) (N_KEYWORD ** (N_NAME d)))");
    expect_tree("f(x for x in y)\n",
                "(N_CALL (N_NAME f) (N_COMP gen (N_NAME x) - (N_COMP_FOR (N_NAME x) (N_NAME y))))");
    expect_tree("a.b(c)[d].e\n",
                "(N_ATTR e (N_SUBSCRIPT (N_CALL (N_ATTR b (N_NAME a)) (N_NAME c)) (N_NAME d)))");
    expect_tree("await x.y()\n", "(N_AWAIT (N_CALL (N_ATTR y (N_NAME x))))");
}

Test(parser_expr, atoms) {
    expect_tree("1_000 + 0xFF + 2.5\n", "(N_INT 1000) (N_INT 255)) (N_FLOAT 2.5)");
    expect_tree("True, False, None, ...\n",
                "(N_TUPLE (N_BOOL True) (N_BOOL False) (N_NONE) (N_ELLIPSIS))");
    expect_tree("()\n", "(N_EXPR_STMT (N_TUPLE))");
    expect_tree("(a,)\n", "(N_EXPR_STMT (N_TUPLE (N_NAME a)))");
    expect_tree("(a)\n", "(N_EXPR_STMT (N_NAME a))");
    expect_tree("[1, *r]\n", "(N_LIST (N_INT 1) (N_STARRED (N_NAME r)))");
    expect_tree("{}\n", "(N_EXPR_STMT (N_DICT))");
    expect_tree("{1: 2, **m}\n",
                "(N_DICT (N_DICT_ITEM (N_INT 1) (N_INT 2)) (N_DICT_ITEM - (N_NAME m)))");
    expect_tree("{1, 2}\n", "(N_SET (N_INT 1) (N_INT 2))");
}

Test(parser_expr, strings) {
    expect_tree("\"a\" 'b' \"\"\"c\"\"\"\n", "(N_STR \"abc\")");
    expect_tree("b\"x\" b\"y\"\n", "(N_BYTES b\"xy\")");
    expect_tree("\"q\\\"\\n\"\n", "(N_STR \"q\\\"\\n\")");
    expect_tree("f\"a{x}b\" \"c\"\n", "(N_FSTRING (N_STR \"a\") (N_FMT_FIELD (N_NAME x) -) (N_STR \"bc\"))");
    expect_tree("f\"{v!r:>{w}}\"\n",
                "(N_FMT_FIELD !r (N_NAME v) (N_FSTRING (N_STR \">\") (N_FMT_FIELD (N_NAME w) -)))");
    expect_tree("f\"{x + 1=}\"\n", "(N_FMT_FIELD = (N_BINARY + (N_NAME x) (N_INT 1)) -)");
    expect_tree("f\"{d['k']:.2f}\"\n",
                "(N_FMT_FIELD (N_SUBSCRIPT (N_NAME d) (N_STR \"k\")) (N_FSTRING (N_STR \".2f\")))");
}

Test(parser_expr, comprehensions_lambda_walrus) {
    expect_tree("[x * y for x in xs if x for y in ys]\n",
                "(N_COMP list (N_BINARY * (N_NAME x) (N_NAME y)) - (N_COMP_FOR (N_NAME x) (N_NAME xs) "
                "[if (N_NAME x)]) (N_COMP_FOR (N_NAME y) (N_NAME ys)))");
    expect_tree("{k: v for k, v in d}\n",
                "(N_COMP dict (N_NAME k) (N_NAME v) (N_COMP_FOR (N_TUPLE (N_NAME k) (N_NAME v)) (N_NAME d)))");
    expect_tree("{x for x in s}\n", "(N_COMP set (N_NAME x) -");
    expect_tree("[x async for x in s]\n", "(N_COMP_FOR async (N_NAME x) (N_NAME s))");
    expect_tree("lambda x, y=1: x\n",
                "(N_LAMBDA [params (N_PARAM x - -) (N_PARAM y - (N_INT 1))] (N_NAME x))");
    expect_tree("(n := 10)\n", "(N_WALRUS n (N_INT 10))");
}

/* ==== statements ========================================================== */

Test(parser_stmt, assignments) {
    expect_tree("a = b = c\n", "(N_ASSIGN [targets (N_NAME a) (N_NAME b)] (N_NAME c))");
    expect_tree("a, *b = t\n",
                "(N_ASSIGN [targets (N_TUPLE (N_NAME a) (N_STARRED (N_NAME b)))] (N_NAME t))");
    expect_tree("x: int = 5\n", "(N_ANN_ASSIGN (N_NAME x) (N_NAME int) (N_INT 5))");
    expect_tree("x: int | None\n",
                "(N_ANN_ASSIGN (N_NAME x) (N_BINARY | (N_NAME int) (N_NONE)) -)");
    expect_tree("x //= 2\n", "(N_AUG_ASSIGN // (N_NAME x) (N_INT 2))");
    expect_tree("x <<= 1\n", "(N_AUG_ASSIGN << (N_NAME x) (N_INT 1))");
    expect_tree("a; b;\n", "(N_MODULE (N_EXPR_STMT (N_NAME a)) (N_EXPR_STMT (N_NAME b)))");
}

Test(parser_stmt, simple_keywords) {
    expect_tree("return a, b\n", "(N_RETURN (N_TUPLE (N_NAME a) (N_NAME b)))");
    expect_tree("return\n", "(N_RETURN -)");
    expect_tree("raise E() from e\n", "(N_RAISE (N_CALL (N_NAME E)) (N_NAME e))");
    expect_tree("del a, b[0]\n", "(N_DEL (N_NAME a) (N_SUBSCRIPT (N_NAME b) (N_INT 0)))");
    expect_tree("assert x, \"m\"\n", "(N_ASSERT (N_NAME x) (N_STR \"m\"))");
    expect_tree("nonlocal a, b\n", "(N_GLOBAL nonlocal (N_NAME a) (N_NAME b))");
    expect_tree("pass\nbreak\ncontinue\n", "(N_MODULE (N_PASS) (N_BREAK) (N_CONTINUE))");
}

Test(parser_stmt, imports) {
    expect_tree("import a.b as c, d\n", "(N_IMPORT (N_ALIAS a.b as c) (N_ALIAS d))");
    expect_tree("from ..m.n import (x as y, z,)\n",
                "(N_IMPORT_FROM ..m.n (N_ALIAS x as y) (N_ALIAS z))");
    expect_tree("from . import x\n", "(N_IMPORT_FROM . (N_ALIAS x))");
    expect_tree("from m import *\n", "(N_IMPORT_FROM m (N_ALIAS *))");
}

Test(parser_stmt, if_while_for) {
    expect_tree("if a:\n    x\nelif b:\n    y\nelse:\n    z\n",
                "(N_IF (N_NAME a) [body (N_EXPR_STMT (N_NAME x))] [else (N_IF elif (N_NAME b) "
                "[body (N_EXPR_STMT (N_NAME y))] [else (N_EXPR_STMT (N_NAME z))])])");
    expect_tree("if x: return 1\n", "(N_IF (N_NAME x) [body (N_RETURN (N_INT 1))])");
    expect_tree("while x:\n    break\nelse:\n    pass\n",
                "(N_WHILE (N_NAME x) [body (N_BREAK)] [else (N_PASS)])");
    expect_tree("for k, v in d:\n    pass\n",
                "(N_FOR (N_TUPLE (N_NAME k) (N_NAME v)) (N_NAME d) [body (N_PASS)])");
    expect_tree("for x in 1, 2: pass\n", "(N_FOR (N_NAME x) (N_TUPLE (N_INT 1) (N_INT 2))");
}

Test(parser_stmt, with_and_try) {
    expect_tree("with a as b, c as d:\n    pass\n",
                "(N_WITH [items (N_WITH_ITEM (N_NAME a) (N_NAME b)) (N_WITH_ITEM (N_NAME c) (N_NAME d))]");
    expect_tree("with (a as b, c,):\n    pass\n",
                "(N_WITH [items (N_WITH_ITEM (N_NAME a) (N_NAME b)) (N_WITH_ITEM (N_NAME c) -)]");
    expect_tree("async def f():\n    async with s() as x:\n        pass\n",
                "(N_WITH async [items (N_WITH_ITEM (N_CALL (N_NAME s)) (N_NAME x))]");
    expect_tree("try:\n    a\nexcept (A, B) as e:\n    b\nexcept:\n    c\nelse:\n    d\nfinally:\n    f\n",
                "(N_TRY [body (N_EXPR_STMT (N_NAME a))] [handlers (N_EXCEPT e (N_TUPLE (N_NAME A) "
                "(N_NAME B)) [body (N_EXPR_STMT (N_NAME b))]) (N_EXCEPT - [body (N_EXPR_STMT (N_NAME c))])] "
                "[else (N_EXPR_STMT (N_NAME d))] [finally (N_EXPR_STMT (N_NAME f))])");
}

Test(parser_stmt, defs) {
    expect_tree("@dec\n@dec2(1)\nasync def first[T](xs: list[T], own a: int = 1, mut b: T, "
                "own mut c: T, *args: int, **kw: str) -> T:\n    return xs[0]\n",
                "(N_FUNC_DEF async first [decorators (N_DECORATOR (N_NAME dec)) (N_DECORATOR "
                "(N_CALL (N_NAME dec2) (N_INT 1)))] [tparams (N_TYPE_PARAM T -)] [params "
                "(N_PARAM xs (N_SUBSCRIPT (N_NAME list) (N_NAME T)) -) (N_PARAM own a (N_NAME int) "
                "(N_INT 1)) (N_PARAM mut b (N_NAME T) -) (N_PARAM own mut c (N_NAME T) -) "
                "(N_PARAM * args (N_NAME int) -) (N_PARAM ** kw (N_NAME str) -)] (N_NAME T)");
    /* `own` and `mut` followed by ':' are ordinary parameter names. */
    expect_tree("def f(own: int, mut: int, *, k: int): pass\n",
                "[params (N_PARAM own (N_NAME int) -) (N_PARAM mut (N_NAME int) -) (N_PARAM * - - -) "
                "(N_PARAM k (N_NAME int) -)]");
    expect_tree("class Pair[K, V: Bound](Base, metaclass=M):\n    x: int\n",
                "(N_CLASS_DEF Pair [tparams (N_TYPE_PARAM K -) (N_TYPE_PARAM V (N_NAME Bound))] "
                "[bases (N_NAME Base) (N_KEYWORD metaclass (N_NAME M))] [body (N_ANN_ASSIGN");
    expect_tree("type X[T] = list[T]\n",
                "(N_TYPE_ALIAS X [tparams (N_TYPE_PARAM T -)] (N_SUBSCRIPT (N_NAME list) (N_NAME T)))");
    expect_tree("def g():\n    yield 1\n", "(N_EXPR_STMT (N_YIELD (N_INT 1)))");
}

Test(parser_stmt, soft_keywords_as_names) {
    expect_tree("match = 1\n", "(N_ASSIGN [targets (N_NAME match)] (N_INT 1))");
    expect_tree("match(x)\n", "(N_CALL (N_NAME match) (N_NAME x))");
    expect_tree("type = 3\n", "(N_ASSIGN [targets (N_NAME type)] (N_INT 3))");
    expect_tree("print(type(x))\n", "(N_CALL (N_NAME type) (N_NAME x))");
    expect_tree("case = 2\n", "(N_ASSIGN [targets (N_NAME case)] (N_INT 2))");
}

Test(parser_stmt, match_patterns) {
    const char *src =
        "match cmd:\n"
        "    case 0 | -1 | \"s\" | None:\n        pass\n"
        "    case Color.RED:\n        pass\n"
        "    case [a, *rest]:\n        pass\n"
        "    case (a, b):\n        pass\n"
        "    case Point(x=0, y=py) as pt if pt:\n        pass\n"
        "    case Ok(v):\n        pass\n"
        "    case {\"k\": v, **rest}:\n        pass\n"
        "    case x, *_:\n        pass\n"
        "    case _:\n        pass\n";
    char *s = parse_ok(src);
    const char *want[] = {
        "(N_MATCH (N_NAME cmd) (N_CASE (N_PAT_OR (N_PAT_VALUE (N_INT 0)) (N_PAT_VALUE (N_UNARY - "
        "(N_INT 1))) (N_PAT_VALUE (N_STR \"s\")) (N_PAT_VALUE (N_NONE))) - [body (N_PASS)])",
        "(N_CASE (N_PAT_VALUE (N_ATTR RED (N_NAME Color))) -",
        "(N_PAT_SEQUENCE (N_PAT_CAPTURE a) (N_PAT_STAR rest))",
        "(N_PAT_SEQUENCE (N_PAT_CAPTURE a) (N_PAT_CAPTURE b))",
        "(N_CASE (N_PAT_AS pt (N_PAT_CLASS (N_NAME Point) [kwargs (N_PAT_KEYWORD x (N_PAT_VALUE "
        "(N_INT 0))) (N_PAT_KEYWORD y (N_PAT_CAPTURE py))])) (N_NAME pt)",
        "(N_PAT_CLASS (N_NAME Ok) [args (N_PAT_CAPTURE v)])",
        "(N_PAT_MAPPING rest (N_PAT_ITEM (N_STR \"k\") (N_PAT_CAPTURE v)))",
        "(N_PAT_SEQUENCE (N_PAT_CAPTURE x) (N_PAT_STAR))",
        "(N_CASE (N_PAT_WILDCARD) - [body (N_PASS)])",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(s, want[i]) != NULL, "missing %s in\n%s", want[i], s);
    free(s);
}

/* ==== round trip ========================================================== */

static const char *const roundtrip_snippets[] = {
    "1 + 2 * 3\n(1 + 2) * 3\n-2 ** 2\n(-2) ** 2\n2 ** -1\nnot a == b\n(not a) == b\n",
    "a if b else c\n(a if b else c) if d else e\nlambda: (x if y else z)\n",
    "a < b <= c != d == e > f >= g in h not in i is j is not k\n(a < b) < c\n",
    "a or b and not c\n(a or b) and c\n~a + +b - -c\na | b ^ c & d << e >> f + g - h * i / j // k % l\n",
    "x[1:2, ::3]\nx[::2]\nx[:]\nx[a:b]\nx[i,]\nx[()]\nlist[int]\nCallable[[int, str], bool]\n",
    "f(a, b, *c, d=e, **g,)\nf(x for x in y)\na.b.c(d)[e].f\n(1).real\n1.5.hex()\n",
    "x = \"a\" 'b'\ny = b\"\\x00\\xff\"\nz = 'it\\'s \"q\"\\n\\t\\\\'\nw = r\"raw\\d\"\nu = \"\"\"multi\nline\"\"\"\n",
    "s = f\"hello {name!r:>{width}} {x + 1} {v:.2f} {w=} {{lit}}\" ' tail'\n",
    "s = f'{d[\"key\"]}' f\"{ {1: 2}[1]}\" f\"{(lambda: 1)()}\" f\"{x!s}\"\n",
    "v = True, False, None, ...\nv = ()\nv = (1,)\nv = [1, 2,]\nv = []\nv = {}\n",
    "v = {1: 2, **m}\nv = {1, *s}\nv = [*a, *b]\nv = (*a, b)\n",
    "v = [x * y for x in xs if x > 0 if x < 9 for y in ys]\nv = {k: v for k, v in d.items()}\n"
    "v = {x for x in s}\nv = (x async for x in s)\n",
    "v = lambda x, y=1, *a, k, **kw: x + y\nif (n := len(a)) > 10: pass\n",
    "a = b = c\na, b = t\n*a, b = t\n(a, *b), c = t\n[p, q] = r\nx.y[0] = 1\n",
    "x: int\ny: int | None = None\nz: tuple[int, str] = 1, \"a\"\n",
    "x += 1; x -= 1; x *= 2; x /= 2; x //= 2; x %= 2; x **= 2; x &= 1; x |= 1; x ^= 1; x <<= 1; x >>= 1\n",
    "pass\nbreak\ncontinue\nreturn\nreturn a, b\nraise\nraise E from e\ndel a, b[0], c.d\n",
    "assert x > 0, \"msg\"\nassert y\nglobal a, b\nnonlocal c\n",
    "import a.b as c, d\nfrom . import x\nfrom ..pkg.mod import (y as z, w)\nfrom m import *\n",
    "type UserId = int\ntype Pair[K, V: Hashable] = dict[K, list[V]]\n",
    "if a:\n    pass\nelif b:\n    x = 1\nelif c: pass\nelse:\n    pass\nif x: return 1\n",
    "if a:\n    pass\nelse:\n    if b:\n        pass\n",
    "while x < 10:\n    x += 1\n    if x == 5: break\n    continue\nelse:\n    pass\n",
    "for i in range(10):\n    pass\nelse:\n    pass\nfor k, v in d.items(): print(k, v)\n"
    "for x in 1, 2, 3:\n    pass\n",
    "with a as b, c as (d, e):\n    pass\nwith (open(a) as f, open(b) as g,):\n    pass\n",
    "async def f():\n    async with s() as x:\n        pass\n    async for i in it():\n        await i\n",
    "try:\n    risky()\nexcept (A, B) as e:\n    raise\nexcept ValueError as e:\n    pass\n"
    "except:\n    pass\nelse:\n    ok()\nfinally:\n    cleanup()\n",
    "try:\n    pass\nfinally:\n    pass\n",
    "match c:\n    case 0 | -1 | 1.5 | \"s\" | b\"b\" | None | True | False:\n        pass\n"
    "    case Color.RED:\n        pass\n    case [a, *rest]:\n        pass\n    case (a, b):\n"
    "        pass\n    case ():\n        pass\n    case (x):\n        pass\n    case a, *_:\n"
    "        pass\n    case Point(x=0, y=py) | Point(1, 2, y=3) as pt if pt.x > 0:\n        pass\n"
    "    case Ok(v):\n        print(v)\n    case {\"k\": v, 1: [w], Color.RED: _, **rest}:\n"
    "        pass\n    case {}:\n        pass\n    case (1 | 2) as n:\n        pass\n"
    "    case _:\n        pass\n",
    "match a, b:\n    case (1, 2):\n        pass\n",
    "@decorator\n@decorator.with_args(1, k=2)\ndef first[T](xs: list[T], /, own ys: int = 3, "
    "mut zs: str = \"a\", own mut w: int = 0, *args: int, kw: bool = True, **kwargs: str) -> T:\n"
    "    return xs[0]\n",
    "def f(own: int, mut: int, *, key: int) -> None:\n    return\n",
    "class Box[T]:\n    value: T\n    def get(self) -> T:\n        return self.value\n"
    "    def set(mut self, v: T) -> None:\n        self.value = v\n",
    "class E(Error, metaclass=Meta):\n    pass\nclass Empty():\n    ...\n",
    "def gen():\n    yield\n    yield 1\n    x = yield 2\n    yield a, b\n",
    "match = 1\nmatch.x = 2\nmatch(x)\nprint(match, type)\ntype = 3\n_ = f()\n",
    "v = await x\nv = await x.y()\nv = -await x\nv = (await x) ** 2\n",
    "v = 0xFF + 0o77 + 0b1010 + 1_000_000 + 3.14 + 1e10 + 2.5e3 + 0.1 + 1e300\n",
    "w = -9223372036854775808\nu = 9223372036854775808\n",
    "print(\"héllo ✓\")\n",
};

Test(parser_roundtrip, every_construct) {
    for (size_t i = 0; i < sizeof roundtrip_snippets / sizeof roundtrip_snippets[0]; i++)
        expect_roundtrip(roundtrip_snippets[i]);
}

/* ==== errors and recovery ================================================= */

typedef struct WantDiag {
    const char *code;
    uint32_t line, col;
} WantDiag;

static void expect_diags(const char *src, const WantDiag *want, uint32_t n) {
    FileId f = source_add("err.sifr", src, strlen(src));
    Ast ast;
    bool ok = parse_file(f, &ast);
    cr_expect(!ok, "parse_file should fail");
    if (diag_count() != n) diag_render_all(stderr, DIAG_COMPACT, false);
    cr_assert_eq(diag_count(), n, "expected %u diagnostics, got %u", n, diag_count());
    for (uint32_t i = 0; i < n; i++) {
        const Diagnostic *d = diag_at(i);
        uint32_t line, col;
        source_line_col(d->span.file, d->span.lo, &line, &col);
        cr_expect_str_eq(d->code, want[i].code, "diagnostic %u: %s", i, d->message);
        cr_expect_eq(line, want[i].line, "diagnostic %u (%s) line", i, d->message);
        cr_expect_eq(col, want[i].col, "diagnostic %u (%s) column", i, d->message);
    }
    /* The printers must cope with the poisoned tree. */
    free(ast_dump_string(&ast, ast.root));
    free(ast_unparse(&ast, ast.root));
    ast_free(&ast);
}

Test(parser_errors, several_errors_all_reported) {
    const char *src =
        "def f() -> None:\n"    /* 1 */
        "    x = = 1\n"         /* 2: expected an expression at col 9 */
        "    y = 2\n"           /* 3 */
        "f() = 1\n"             /* 4: invalid target at col 1 */
        "1 = x\n"               /* 5: invalid target at col 1 */
        "if x x:\n"             /* 6: expected ':' at col 6 */
        "    pass\n"            /* 7 */
        "a = 3\n"               /* 8 */
        "def g(x y):\n"         /* 9: col 9 */
        "    pass\n"            /* 10 */
        "class C\n"             /* 11: expected ':' at end of line, col 8 */
        "    pass\n"            /* 12 */
        "x + 1 += 2\n"          /* 13: invalid target */
        "if y:\n"               /* 14 */
        "z = 5\n";              /* 15: expected an indented block */
    const WantDiag want[] = {
        {CODE_PARSE_EXPECTED, 2, 9}, {CODE_PARSE_TARGET, 4, 1},   {CODE_PARSE_TARGET, 5, 1},
        {CODE_PARSE_EXPECTED, 6, 6}, {CODE_PARSE_EXPECTED, 9, 9}, {CODE_PARSE_EXPECTED, 11, 8},
        {CODE_PARSE_TARGET, 13, 1},  {CODE_PARSE_INDENT, 15, 1},
    };
    expect_diags(src, want, sizeof want / sizeof want[0]);
}

Test(parser_errors, recovery_keeps_later_statements) {
    const char *src = "x = )\ny = 1\ndef f():\n    a b\n    return 2\nz = 3\n";
    FileId f = source_add("rec.sifr", src, strlen(src));
    Ast ast;
    cr_assert_not(parse_file(f, &ast));
    cr_assert_eq(diag_count(), 2);
    char *d = ast_dump_string(&ast, ast.root);
    char *s = squash(d);
    cr_expect(strstr(s, "(N_MODULE (N_POISON) (N_ASSIGN [targets (N_NAME y)] (N_INT 1)) "
                        "(N_FUNC_DEF f - [body (N_POISON) (N_RETURN (N_INT 2))]) "
                        "(N_ASSIGN [targets (N_NAME z)] (N_INT 3)))") != NULL, "%s", s);
    free(d);
    free(s);
    ast_free(&ast);
}

Test(parser_errors, one_error_per_line) {
    const WantDiag want[] = {{CODE_PARSE_EXPECTED, 1, 5}, {CODE_PARSE_SYNTAX, 2, 3}};
    expect_diags("a = ) ) )\nb c d e\n", want, 2);
}

Test(parser_errors, unexpected_indent) {
    const WantDiag want[] = {{CODE_PARSE_INDENT, 2, 5}};
    expect_diags("a = 1\n    b = 2\nc = 3\n", want, 1);
}

Test(parser_errors, bytes_and_str_mix) {
    const WantDiag want[] = {{CODE_PARSE_SYNTAX, 1, 5}};
    expect_diags("x = b\"a\" \"b\"\n", want, 1);
}

Test(parser_errors, invalid_targets) {
    const WantDiag want[] = {
        {CODE_PARSE_TARGET, 1, 5}, {CODE_PARSE_TARGET, 2, 1}, {CODE_PARSE_TARGET, 3, 1},
        {CODE_PARSE_TARGET, 4, 5}, {CODE_PARSE_TARGET, 5, 11},
    };
    expect_diags("for f() in x: pass\n(a, b) += 1\na + b: int = 1\ndel 1\nwith a as 1: pass\n",
                 want, 5);
}

Test(parser_errors, stray_keywords) {
    /* `try` without handlers is reported at the next statement, which is
     * skipped; the `async x` line after it is checked on its own. */
    const WantDiag want[] = {{CODE_PARSE_SYNTAX, 1, 1}, {CODE_PARSE_EXPECTED, 5, 1},
                             {CODE_PARSE_EXPECTED, 6, 7}};
    expect_diags("else:\n    pass\ntry:\n    pass\nx = 1\nasync x\n", want, 3);
}

Test(parser_errors, nesting_too_deep) {
    StrBuf sb = {0};
    sb_puts(&sb, "x = ");
    for (int i = 0; i < 5000; i++) sb_putc(&sb, '(');
    sb_putc(&sb, '1');
    for (int i = 0; i < 5000; i++) sb_putc(&sb, ')');
    sb_puts(&sb, "\ny = ");
    for (int i = 0; i < 5000; i++) sb_puts(&sb, "-");
    sb_puts(&sb, "1\nz = 1\n");
    char *src = sb_take(&sb);
    FileId f = source_add("deep.sifr", src, strlen(src));
    Ast ast;
    cr_assert_not(parse_file(f, &ast));
    cr_assert_eq(diag_count(), 2);
    cr_expect(strstr(diag_at(0)->message, "nesting too deep") != NULL);
    cr_expect(strstr(diag_at(1)->message, "nesting too deep") != NULL);
    char *d = ast_dump_string(&ast, ast.root);
    cr_expect(strstr(d, "(N_NAME z)") != NULL, "statement after the deep ones is parsed");
    free(d);
    free(src);
    ast_free(&ast);
}

Test(parser_errors, truncated_inputs_never_crash) {
    /* Every prefix of a program that uses most of the grammar must give
     * diagnostics or a tree, never a crash or a hang. */
    const char *prog =
        "@d\nasync def f[T](own mut x: list[T] = [1, *y], *a, **k) -> T:\n"
        "    match x:\n        case Point(x=0) | [1, *r] if r: return f\"{x!r:>{w}}\"\n"
        "    with (a as b,): pass\n    try:\n        y = {k: v for k, v in d if k}\n"
        "    except (A, B) as e:\n        raise E() from e\n    return lambda q=1: q ** -2\n";
    size_t n = strlen(prog);
    for (size_t i = 0; i <= n; i++) {
        char *src = xstrndup(prog, i);
        FileId f = source_add("prefix.sifr", src, i);
        Ast ast;
        parse_file(f, &ast);
        free(ast_dump_string(&ast, ast.root));
        ast_free(&ast);
        free(src);
        diag_reset();
    }
}

/* ==== spans =============================================================== */

Test(parser_spans, nodes_cover_their_text) {
    const char *src = "x = foo(a, b) + 1\ndef f():\n    return 2\ny = 3\n";
    FileId f = source_add("span.sifr", src, strlen(src));
    Ast ast;
    cr_assert(parse_file(f, &ast));
    const Node *mod = ast_node(&ast, ast.root);
    const Node *assign = ast_node(&ast, ast_list_at(&ast, mod->list, 0));
    cr_expect_eq(assign->span.lo, 0);
    cr_expect_eq(assign->span.hi, 17);
    const Node *bin = ast_node(&ast, assign->a);
    cr_expect_eq(bin->span.lo, 4);
    cr_expect_eq(bin->span.hi, 17);
    const Node *call = ast_node(&ast, bin->a);
    cr_expect_eq(call->span.lo, 4);
    cr_expect_eq(call->span.hi, 13);
    const Node *def = ast_node(&ast, ast_list_at(&ast, mod->list, 1));
    cr_expect_eq(def->span.lo, 18);
    cr_expect_eq(def->span.hi, (uint32_t)(strstr(src, "2\ny") - src + 1));
    ast_free(&ast);
}

Test(parser_spans, fstring_fields_have_file_offsets) {
    const char *src = "s = f\"ab{xy + 1}\"\n";
    FileId f = source_add("fspan.sifr", src, strlen(src));
    Ast ast;
    cr_assert(parse_file(f, &ast));
    const Node *mod = ast_node(&ast, ast.root);
    const Node *assign = ast_node(&ast, ast_list_at(&ast, mod->list, 0));
    const Node *fs = ast_node(&ast, assign->a);
    cr_assert_eq(fs->kind, N_FSTRING);
    cr_assert_eq(fs->list.count, 2);
    const Node *field = ast_node(&ast, ast_list_at(&ast, fs->list, 1));
    const Node *bin = ast_node(&ast, field->a);
    cr_expect_eq(bin->span.lo, 9);
    cr_expect_eq(bin->span.hi, 15);
    ast_free(&ast);
}
