/* Expression checking: literals, names, operators, comparisons, conditional
 * expressions, f-strings, calls of user functions and builtins, type
 * annotations and compile-time constant expressions. Every checked
 * expression node gets Node.type; a failed one gets TYPE_ERROR, which keeps
 * quiet every check above it (one mistake, one diagnostic). */
#include "sema_internal.h"

/* ==== Small helpers ======================================================= */

static TypeId sema_set(Sema *s, NodeId e, TypeId t) {
    sema_node(s, e)->type = t;
    return t;
}


/* Types a value may have to be printed, converted with str()/repr() or
 * formatted in an f-string: every value has a str() form (SPEC section 3,
 * Printing) except functions and ranges. bytes are not formatted in
 * f-strings (Python would show b'...'; we ask for an explicit decode). */
bool sema_printable(TypeId t, bool allow_bytes) {
    const Type *ty = type_get(t);
    switch (ty->kind) {
    case TY_BYTES: return allow_bytes;
    case TY_FUNC:
    case TY_RANGE:
    case TY_NEVER:
    case TY_INVALID: return false;
    default: break;
    }
    for (uint32_t i = 0; i < ty->nargs; i++)
        if (!sema_printable(type_get(t)->args[i], true)) return false;
    return true;
}

void sema_mismatch(Sema *s, Span at, TypeId want, TypeId found, const char *what) {
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "mismatched types: %s must be `%s`, found `%s`",
                              what, type_name(want), type_name(found));
    diag_label(d, "expected `%s`, found `%s`", type_name(want), type_name(found));
    if (want == TYPE_INT && found == TYPE_FLOAT)
        diag_help(d, "convert explicitly with `int(...)` (truncates toward zero)");
    else if (want == TYPE_STR && (found == TYPE_INT || found == TYPE_FLOAT || found == TYPE_BOOL))
        diag_help(d, "convert explicitly with `str(...)`");
    diag_emit(d);
}

TypeId sema_expr_expect(Sema *s, NodeId e, TypeId want, const char *what) {
    TypeId t = sema_expr_hint(s, e, want);
    if (!sema_assignable(want, t)) {
        sema_mismatch(s, sema_node(s, e)->span, want, t, what);
        return TYPE_ERROR;
    }
    return t;
}

static void sema_not_bool(Sema *s, NodeId e, TypeId t, const char *what) {
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, e)->span,
                              "%s must be `bool`, found `%s`", what, type_name(t));
    diag_label(d, "expected `bool`, found `%s`", type_name(t));
    if (t == TYPE_INT || t == TYPE_FLOAT)
        diag_help(d, "Sifr has no implicit truthiness; compare explicitly, e.g. `n != 0`");
    else if (t == TYPE_STR)
        diag_help(d, "Sifr has no implicit truthiness; compare explicitly, e.g. `s != \"\"`");
    else
        diag_help(d, "Sifr has no implicit truthiness; compare explicitly");
    diag_emit(d);
}

void sema_cond(Sema *s, NodeId e, const char *what) {
    TypeId t = sema_expr(s, e);
    if (t != TYPE_BOOL && t != TYPE_ERROR && t != TYPE_NEVER) sema_not_bool(s, e, t, what);
}

/* Names a Python programmer may reach for that this milestone lacks: they
 * get "not supported yet" instead of "unknown name". */
static const char *const sema_known_unsupported[] = {
    "frozenset", "bytearray", "object", "type", "Some", "Any",
    "input", "open", "map", "filter", "iter", "next", "hash", "id", "hex", "bin", "oct", "round",
    "divmod", "pow", "super", "getattr", "setattr", "hasattr", "format", "callable", "exit",
};

bool sema_is_known_unsupported(StrId name) {
    const char *t = str_text(name);
    for (size_t i = 0; i < sizeof sema_known_unsupported / sizeof sema_known_unsupported[0]; i++)
        if (!strcmp(t, sema_known_unsupported[i])) return true;
    return false;
}

/* ==== Names =============================================================== */

static void sema_unknown_name(Sema *s, const Node *n) {
    Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, n->span, "unknown name `%s`", str_text(n->name));
    diag_label(d, "not found in this scope");
    StrId sug = sema_suggest(s, n->name, false);
    if (sug) diag_help(d, "did you mean `%s`?", str_text(sug));
    diag_emit(d);
}

SymId sema_lookup_name(Sema *s, StrId name) {
    SymId id = 0;
    if (s->fn >= 0) id = symmap_get(&s->scope, name);
    if (!id) id = symmap_get(&s->module, name);
    if (!id) id = symmap_get(&s->builtins, name);
    return id;
}

/* Resolve a name to its symbol following Python's scoping (function scope,
 * then module, then builtins). Reports unknown names; returns 0 after a
 * diagnostic. Sets Node.sym. */
static SymId sema_lookup(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    SymId id = sema_lookup_name(s, n->name);
    if (!id) {
        if (n->name == s->n.enum_) {
            Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, n->span, "unknown name `Enum`");
            diag_label(d, "not imported");
            diag_help(d, "add `from enum import Enum`");
            diag_emit(d);
            return 0;
        }
        if (sema_is_known_unsupported(n->name)) {
            char what[96];
            snprintf(what, sizeof what, "`%s`", str_text(n->name));
            sema_unsupported(s, n->span, what);
        } else {
            sema_unknown_name(s, n);
        }
        return 0;
    }
    n->sym = id;
    return id;
}

/* A name read as a value. */
static TypeId sema_name(Sema *s, NodeId e) {
    SymId id = sema_lookup(s, e);
    if (!id) return TYPE_ERROR;
    Node *n = sema_node(s, e);
    Symbol *sym = sema_sym(s, id);
    switch (sym->kind) {
    case SYM_LOCAL:
        if (id < s->lstate_len && !(s->lstate[id] & LS_ASSIGNED)) {
            if (!(s->lstate[id] & LS_REPORTED)) {
                Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, n->span,
                                          "`%s` is used before it is assigned", str_text(n->name));
                diag_label(d, "read here before any assignment");
                if (sym->decl) diag_note(d, sema_node(s, sym->decl)->span, "`%s` is declared here",
                                         str_text(n->name));
                diag_emit(d);
                s->lstate[id] |= LS_REPORTED;
            }
            return TYPE_ERROR;
        }
        return sym->type ? sema_narrowed(s, id, sym->type) : TYPE_ERROR;
    case SYM_PARAM:
    case SYM_LAMBDA_PARAM: return sym->type ? sema_narrowed(s, id, sym->type) : TYPE_ERROR;
    case SYM_CONST:
        if (!sym->type) {
            sema_error(s, CODE_NAME_UNKNOWN, n->span, "`%s` is used before it is defined",
                       str_text(n->name));
            return TYPE_ERROR;
        }
        return sym->type;
    case SYM_FUNC: {
        /* a function as a value: its TY_FUNC type (generic ones need a
         * call to fix their type arguments) */
        const SemaFunc *f = &s->prog->funcs.items[sym->index];
        if (sym->type == TYPE_ERROR) return TYPE_ERROR;
        if (f->is_async) {
            sema_unsupported(s, n->span, "an `async def` function as a value");
            return TYPE_ERROR;
        }
        if (f->tparams.len) {
            char what[128];
            snprintf(what, sizeof what, "using the generic function `%s` as a value", str_text(n->name));
            sema_unsupported(s, n->span, what);
            return TYPE_ERROR;
        }
        return f->type;
    }
    case SYM_BUILTIN:
    case SYM_TYPE: {
        char what[128];
        snprintf(what, sizeof what, "using the builtin `%s` as a value", str_text(n->name));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    case SYM_CLASS:
        if (sym->type == TYPE_ERROR) return TYPE_ERROR;
        {
            /* an Enum class as a value is the list of its members in
             * definition order (`for m in Color`, list(Color), len(Color)) */
            const ClassInfo *eci = prog_class_of(s->prog, sym->type);
            if (eci && (eci->flags & CLS_ENUM) && !(eci->flags & CLS_BUILTIN)) return type_list(sym->type);
            char what[128];
            snprintf(what, sizeof what, "using the class `%s` as a value", str_text(n->name));
            sema_unsupported(s, n->span, what);
        }
        return TYPE_ERROR;
    case SYM_TYPEVAR:
    case SYM_ALIAS: {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "`%s` is a type, not a value",
                                  str_text(n->name));
        diag_label(d, "a type used as a value");
        diag_emit(d);
        return TYPE_ERROR;
    }
    case SYM_MODULE: return TYPE_ERROR; /* poisoned: its declaration was reported */
    case SYM_NONE: break;
    }
    ICE("sema_name: symbol %u has no kind", id);
}

/* A builtin of one argument named where a function of one parameter is
 * expected (`key=len`, `f: Callable[[int], int] = abs`): typed as that
 * builtin applied to the parameter type; sema/mir_lower_fn.c wraps it in a
 * closure. Other names, and other builtins, go through sema_name. */
static TypeId sema_name_callable(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    SymId id = sema_lookup_name(s, n->name);
    if (!id || (sema_sym(s, id)->kind != SYM_BUILTIN && sema_sym(s, id)->kind != SYM_TYPE)) return sema_name(s, e);
    const Type *h = type_get(hint);
    BuiltinId bi = (BuiltinId)sema_sym(s, id)->index;
    if (h->nargs == 1 && h->args[0] == TYPE_ERROR) {
        n->sym = id;
        return TYPE_ERROR; /* the argument type was already reported */
    }
    TypeId a = h->nargs == 1 && !type_has_typevar(h->args[0]) ? h->args[0] : TYPE_ERROR;
    TypeKind k = a != TYPE_ERROR ? type_get(a)->kind : TY_NEVER;
    TypeId ret = 0;
    switch (bi) {
    case BI_LEN:
        if (a == TYPE_STR || a == TYPE_BYTES || k == TY_LIST || k == TY_DICT || k == TY_SET || k == TY_TUPLE)
            ret = TYPE_INT;
        break;
    case BI_ABS: ret = type_is_numeric(a) ? a : 0; break;
    case BI_STR:
    case BI_REPR: ret = a != TYPE_NONE && sema_printable(a, true) ? TYPE_STR : 0; break;
    case BI_INT:
    case BI_FLOAT:
        if (a == TYPE_INT || a == TYPE_FLOAT || a == TYPE_BOOL) ret = bi == BI_INT ? TYPE_INT : TYPE_FLOAT;
        break;
    case BI_BOOL:
        if (a == TYPE_INT || a == TYPE_FLOAT || a == TYPE_BOOL || a == TYPE_STR || a == TYPE_BYTES || k == TY_LIST ||
            k == TY_DICT || k == TY_SET)
            ret = TYPE_BOOL;
        break;
    case BI_ORD: ret = a == TYPE_STR ? TYPE_INT : 0; break;
    case BI_CHR: ret = a == TYPE_INT ? TYPE_STR : 0; break;
    default: break;
    }
    n->sym = id;
    if (!ret) {
        char what[160];
        if (a == TYPE_ERROR)
            snprintf(what, sizeof what, "using the builtin `%s` as a value here", str_text(n->name));
        else
            snprintf(what, sizeof what, "using the builtin `%s` as a function of `%s`", str_text(n->name),
                     type_name(a));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    return type_func(&a, 1, ret);
}

/* ==== Operators =========================================================== */

TypeId sema_binop_result(uint32_t op, TypeId a, TypeId b, bool *unsupported) {
    *unsupported = false;
    bool num = type_is_numeric(a) && type_is_numeric(b);
    TypeId wider = (a == TYPE_FLOAT || b == TYPE_FLOAT) ? TYPE_FLOAT : TYPE_INT;
    switch (op) {
    case TOK_PLUS:
        if (num) return wider;
        if (a == TYPE_STR && b == TYPE_STR) return TYPE_STR;
        if (a == TYPE_BYTES && b == TYPE_BYTES) return TYPE_BYTES;
        if (a == b && type_get(a)->kind == TY_LIST) return a;
        return 0;
    case TOK_STAR:
        if (num) return wider;
        /* repetition: "ab" * 3, [0] * n */
        if ((a == TYPE_STR || a == TYPE_BYTES || type_get(a)->kind == TY_LIST) && b == TYPE_INT) return a;
        if (a == TYPE_INT && (b == TYPE_STR || b == TYPE_BYTES || type_get(b)->kind == TY_LIST)) return b;
        return 0;
    case TOK_PERCENT:
        if (num) return wider;
        if (a == TYPE_STR || a == TYPE_BYTES) *unsupported = true; /* printf-style formatting */
        return 0;
    case TOK_MINUS:
        if (a == b && type_get(a)->kind == TY_SET) return a;
        return num ? wider : 0;
    case TOK_DSLASH:
    case TOK_DSTAR: return num ? wider : 0;
    case TOK_SLASH: return num ? TYPE_FLOAT : 0;
    case TOK_AMP:
    case TOK_PIPE:
    case TOK_CARET:
        if (a == b && type_get(a)->kind == TY_SET) return a;
        return a == TYPE_INT && b == TYPE_INT ? TYPE_INT : 0;
    case TOK_LSHIFT:
    case TOK_RSHIFT: return a == TYPE_INT && b == TYPE_INT ? TYPE_INT : 0;
    case TOK_AT: *unsupported = true; return 0;
    default: return 0;
    }
}

static TypeId sema_binary(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    TypeId ta = sema_expr(s, n->a);
    TypeId tb = sema_expr(s, n->b);
    if (ta == TYPE_ERROR || tb == TYPE_ERROR) return TYPE_ERROR;
    bool unsup;
    TypeId r = sema_binop_result(n->op, ta, tb, &unsup);
    if (r) return r;
    n = sema_node(s, e);
    if (unsup) {
        char what[128];
        snprintf(what, sizeof what, "`%s %s %s`", type_name(ta), ast_op_text(n->op), type_name(tb));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "unsupported operand types for `%s`: `%s` and `%s`",
                              ast_op_text(n->op), type_name(ta), type_name(tb));
    diag_label(d, "`%s` %s `%s`", type_name(ta), ast_op_text(n->op), type_name(tb));
    if (ta == TYPE_STR || tb == TYPE_STR)
        diag_help(d, "convert explicitly, e.g. `str(n)` or an f-string");
    diag_emit(d);
    return TYPE_ERROR;
}

static TypeId sema_unary(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    Node *operand = sema_node(s, n->a);
    /* -9223372036854775808 is the one literal above INT64_MAX that fits. */
    if (n->op == TOK_MINUS && operand->kind == N_INT && operand->v.ival == (uint64_t)1 << 63) {
        operand->type = TYPE_INT;
        return TYPE_INT;
    }
    if (n->op == TOK_NOT) {
        TypeId t = sema_expr(s, n->a);
        if (t != TYPE_BOOL && t != TYPE_ERROR && t != TYPE_NEVER) {
            sema_not_bool(s, n->a, t, "the operand of `not`");
            return TYPE_ERROR;
        }
        return TYPE_BOOL;
    }
    TypeId t = sema_expr(s, n->a);
    if (t == TYPE_ERROR) return TYPE_ERROR;
    n = sema_node(s, e);
    bool ok = n->op == TOK_TILDE ? t == TYPE_INT : type_is_numeric(t);
    if (!ok) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "bad operand type for unary `%s`: `%s`",
                                  ast_op_text(n->op), type_name(t));
        diag_label(d, "`%s` applied to `%s`", ast_op_text(n->op), type_name(t));
        diag_emit(d);
        return TYPE_ERROR;
    }
    return t;
}

static TypeId sema_boolop(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    const char *what = n->op == TOK_AND ? "an operand of `and`" : "an operand of `or`";
    NodeId ops[2] = {n->a, n->b};
    bool bad = false;
    bool is_and = n->op == TOK_AND;
    uint32_t mark = s->narrows.len;
    for (int i = 0; i < 2; i++) {
        /* `x is not None and x > 0`: the right operand runs only when the
         * left one is true (`and`) or false (`or`) */
        if (i == 1) sema_narrow_cond(s, ops[0], is_and);
        TypeId t = sema_expr(s, ops[i]);
        if (t == TYPE_ERROR) bad = true;
        else if (t != TYPE_BOOL && t != TYPE_NEVER) {
            sema_not_bool(s, ops[i], t, what);
            bad = true;
        }
    }
    s->narrows.len = mark;
    return bad ? TYPE_ERROR : TYPE_BOOL;
}

/* Elements `<` can order inside a list or tuple: numbers, text, and lists
 * or tuples of those (compared lexicographically, at any depth). */
static bool sema_elem_orderable(TypeId e) {
    if (type_is_numeric(e) || e == TYPE_STR || e == TYPE_BYTES) return true;
    const Type *et = type_get(e);
    if (et->kind != TY_LIST && et->kind != TY_TUPLE) return false;
    for (uint32_t i = 0; i < et->nargs; i++)
        if (!sema_elem_orderable(type_get(e)->args[i])) return false;
    return true;
}

/* Tuples of different types (lengths, or int against float) compare
 * element by element over the common prefix: each pair must compare. */
static bool sema_tuples_compare(TypeId tl, TypeId tr, bool eq) {
    const Type *a = type_get(tl), *b = type_get(tr);
    if (a->kind != TY_TUPLE || b->kind != TY_TUPLE) return false;
    for (uint32_t i = 0; i < a->nargs && i < b->nargs; i++) {
        TypeId x = type_get(tl)->args[i], y = type_get(tr)->args[i];
        const Type *xt = type_get(x);
        if (type_is_numeric(x) && type_is_numeric(y)) continue;
        if (x == y && (eq ? xt->kind != TY_FUNC && xt->kind != TY_RANGE && x != TYPE_NONE : sema_elem_orderable(x)))
            continue;
        if (x != y && sema_tuples_compare(x, y, eq)) continue;
        return false;
    }
    return true;
}

/* One link `l op r` of a comparison chain; false after a diagnostic. */
static bool sema_compare_pair(Sema *s, NodeId l, NodeId r, uint32_t op) {
    TypeId tl = sema_node(s, l)->type, tr = sema_node(s, r)->type;
    Span at = span_join(sema_node(s, l)->span, sema_node(s, r)->span);
    if (tl == TYPE_ERROR || tr == TYPE_ERROR) return false;
    if (op == TOK_IN || op == CMP_NOT_IN) {
        const Type *rt = type_get(tr);
        TypeId want = 0;
        if (tr == TYPE_STR) want = TYPE_STR;
        else if (tr == TYPE_BYTES) want = TYPE_BYTES;
        else if (rt->kind == TY_LIST || rt->kind == TY_SET || rt->kind == TY_DICT) want = rt->args[0];
        else if (rt->kind == TY_TUPLE && rt->nargs) {
            want = rt->args[0];
            for (uint32_t i = 1; i < rt->nargs; i++)
                if (type_get(tr)->args[i] != want) want = 0;
        }
        if (!want) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, r)->span,
                                      "`%s` needs a container on its right, found `%s`", ast_op_text(op),
                                      type_name(tr));
            diag_label(d, "not a str, bytes, list, set, dict or tuple");
            diag_emit(d);
            return false;
        }
        if (sema_assignable(want, tl)) return true;
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, l)->span,
                                  "`%s` tests for a `%s` in `%s`, found `%s`", ast_op_text(op), type_name(want),
                                  type_name(tr), type_name(tl));
        diag_label(d, "expected `%s`, found `%s`", type_name(want), type_name(tl));
        diag_emit(d);
        return false;
    }
    if (op == TOK_IS || op == CMP_IS_NOT) {
        if (tl == TYPE_NONE || tr == TYPE_NONE) return true;
        /* enum members are singletons: identity is equality */
        const ClassInfo *eci = tl == tr ? prog_class_of(s->prog, tl) : NULL;
        if (eci && (eci->flags & CLS_ENUM)) return true;
        char what[96];
        snprintf(what, sizeof what, "`%s` between values other than `None`", ast_op_text(op));
        sema_unsupported(s, at, what);
        return false;
    }
    bool eq = op == TOK_EQ || op == TOK_NE;
    if (type_is_numeric(tl) && type_is_numeric(tr)) return true;
    if (tl == TYPE_STR && tr == TYPE_STR) return true;
    if (eq && tl == TYPE_BOOL && tr == TYPE_BOOL) return true;
    if (tl == TYPE_BYTES && tr == TYPE_BYTES) return true;
    {
        /* collections, tuples, Results, classes: == on equal types (classes
         * also along inheritance); ordering on lists/tuples of orderables */
        const Type *a = type_get(tl);
        bool same = tl == tr || (a->kind == TY_CLASS && type_get(tr)->kind == TY_CLASS &&
                                 (sema_assignable(tl, tr) || sema_assignable(tr, tl)));
        bool opt_none = false;
        if (same && eq && a->kind != TY_FUNC && a->kind != TY_RANGE && tl != TYPE_NONE) return true;
        if (same && !eq && (a->kind == TY_LIST || a->kind == TY_TUPLE)) {
            bool ord = true;
            for (uint32_t i = 0; i < a->nargs; i++)
                if (!sema_elem_orderable(type_get(tl)->args[i])) ord = false;
            if (ord) return true;
        }
        if (!same && sema_tuples_compare(tl, tr, eq)) return true;
        /* an Option against its payload: `x == 3` where x: int | None */
        if (eq && a->kind == TY_OPTION && sema_assignable(a->args[0], tr)) opt_none = true;
        if (eq && type_get(tr)->kind == TY_OPTION && sema_assignable(type_get(tr)->args[0], tl)) opt_none = true;
        if (opt_none) return true;
    }
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "cannot compare `%s` %s `%s`", type_name(tl),
                              ast_op_text(op), type_name(tr));
    diag_label(d, "`%s` %s `%s`", type_name(tl), ast_op_text(op), type_name(tr));
    if (eq && (tl == TYPE_NONE || tr == TYPE_NONE)) diag_help(d, "test for None with `is None`");
    diag_emit(d);
    return false;
}

static TypeId sema_compare(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    NodeList rest = n->list;
    sema_expr(s, n->a);
    for (uint32_t i = 0; i < rest.count; i++) sema_expr(s, ast_list_at(s->ast, rest, i));
    bool ok = true;
    NodeId left = sema_node(s, e)->a;
    for (uint32_t i = 0; i < rest.count; i++) {
        NodeId right = ast_list_at(s->ast, rest, i);
        uint32_t op = ast_cmp_op(s->ast, sema_node(s, e), i);
        if (!sema_compare_pair(s, left, right, op)) ok = false;
        left = right;
    }
    return ok ? TYPE_BOOL : TYPE_ERROR;
}

static TypeId sema_ifexp(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    NodeId cond = n->a, then_v = n->b, else_v = n->c;
    sema_cond(s, cond, "the condition of a conditional expression");
    uint32_t mark = s->narrows.len;
    sema_narrow_cond(s, cond, true);
    TypeId ta = sema_expr_hint(s, then_v, hint);
    s->narrows.len = mark;
    sema_narrow_cond(s, cond, false);
    TypeId tb = sema_expr_hint(s, else_v, hint ? hint : ta);
    s->narrows.len = mark;
    if (ta == TYPE_ERROR || tb == TYPE_ERROR) return TYPE_ERROR;
    if (ta == tb) return ta;
    if (ta == TYPE_NEVER) return tb;
    if (tb == TYPE_NEVER) return ta;
    if (type_is_numeric(ta) && type_is_numeric(tb)) return TYPE_FLOAT;
    if (hint && sema_assignable(hint, ta) && sema_assignable(hint, tb)) return hint;
    /* `x if c else None` is `T | None`; a derived and a base class give the base */
    if (tb == TYPE_NONE && type_get(ta)->kind != TY_OPTION) return type_option(ta);
    if (ta == TYPE_NONE && type_get(tb)->kind != TY_OPTION) return type_option(tb);
    if (sema_assignable(ta, tb)) return ta;
    if (sema_assignable(tb, ta)) return tb;
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, else_v)->span,
                              "the branches of a conditional expression have different types");
    diag_label(d, "expected `%s`, found `%s`", type_name(ta), type_name(tb));
    diag_note(d, sema_node(s, then_v)->span, "this branch has type `%s`", type_name(ta));
    diag_emit(d);
    return TYPE_ERROR;
}

/* ==== F-strings =========================================================== */

static TypeId sema_fstring(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    NodeList parts = n->list;
    for (uint32_t i = 0; i < parts.count; i++) {
        NodeId pid = ast_list_at(s->ast, parts, i);
        Node *p = sema_node(s, pid);
        if (p->kind == N_STR) {
            p->type = TYPE_STR;
            continue;
        }
        if (p->kind != N_FMT_FIELD) {
            sema_expr(s, pid);
            continue;
        }
        NodeId spec = p->b;
        TypeId t = p->a ? sema_expr(s, p->a) : TYPE_ERROR;
        if (t != TYPE_ERROR && !sema_printable(t, true)) {
            Node *fe = sema_node(s, p->a);
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, fe->span,
                                      "a value of type `%s` cannot be formatted", type_name(t));
            diag_label(d, "expected int, float, bool, str, bytes or None");
            diag_emit(d);
            t = TYPE_ERROR;
        }
        sema_set(s, pid, t);
        /* the format spec may hold nested fields (`{x:>{width}}`) */
        if (spec) sema_expr(s, spec);
    }
    return TYPE_STR;
}

/* ==== Calls =============================================================== */

/* Check every argument of a call whose callee failed, so independent errors
 * inside the arguments are still reported. */
void sema_args_quiet(Sema *s, NodeId call) {
    NodeList args = sema_node(s, call)->list;
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        NodeId v = a->kind == N_KEYWORD || a->kind == N_STARRED ? a->a : aid;
        /* a lambda has no parameter types without a known callee: poison it */
        if (v && sema_node(s, v)->kind == N_LAMBDA) sema_set(s, v, TYPE_ERROR);
        TypeId t = !v ? TYPE_ERROR : sema_node(s, v)->kind == N_LAMBDA ? TYPE_ERROR : sema_expr(s, v);
        sema_set(s, aid, t);
    }
}

/* Arity errors point at the call (its span starts at the callee); an extra
 * argument, when there is one, is shown in a note. */
void sema_arity(Sema *s, Span at, Span extra, const char *fname, uint32_t want_lo,
                       uint32_t want_hi, uint32_t given) {
    char want[64];
    if (want_lo == want_hi) snprintf(want, sizeof want, "%u argument%s", want_lo, want_lo == 1 ? "" : "s");
    else if (want_hi == UINT32_MAX) snprintf(want, sizeof want, "at least %u arguments", want_lo);
    else snprintf(want, sizeof want, "%u to %u arguments", want_lo, want_hi);
    Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, at, "`%s` takes %s but %u %s given", fname, want, given,
                              given == 1 ? "was" : "were");
    diag_label(d, given > want_hi ? "too many arguments" : "missing arguments");
    if (extra.file) diag_note(d, extra, "this argument is one too many");
    diag_emit(d);
}

/* Does `t` mention one of the type variables being inferred? */
static bool sema_mentions(TypeId t, const SymId *tps, uint32_t n) {
    if (!n || !t) return false;
    const Type *ty = type_get(t);
    if (ty->kind == TY_TYPEVAR) {
        for (uint32_t i = 0; i < n; i++)
            if (tps[i] == ty->sym) return true;
        return false;
    }
    for (uint32_t i = 0; i < ty->nargs; i++)
        if (sema_mentions(type_get(t)->args[i], tps, n)) return true;
    return ty->kind == TY_FUNC && sema_mentions(type_get(t)->ret, tps, n);
}

static TypeId sema_inst(TypeId t, const SymId *tps, const TypeId *targs, uint32_t n) {
    return n ? type_subst(t, tps, targs, n) : t;
}

static void sema_arg_what(char *buf, size_t cap, const ParamSlot *sl, uint32_t index, const char *fname) {
    if (sl->name) snprintf(buf, cap, "argument `%s` of `%s`", str_text(sl->name), fname);
    else snprintf(buf, cap, "argument %u of `%s`", index + 1, fname);
}

bool sema_bind_args(Sema *s, NodeId call, const char *fname, const ParamSlot *slots, uint32_t np,
                    const SymId *tps, TypeId *targs, uint32_t ntp, Span def_at) {
    NodeId *bound = xcalloc(np ? np : 1, sizeof *bound);
    bool *failed = xcalloc(np ? np : 1, sizeof *failed);
    NodeList args = sema_node(s, call)->list;
    uint32_t pos = 0;
    bool saw_keyword = false, reported_extra = false, ok = true;
    /* pass 1: bind arguments to slots, check the ones that need no inference */
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind == N_STARRED || (a->kind == N_KEYWORD && !a->name)) {
            sema_unsupported(s, a->span, a->kind == N_STARRED ? "a `*` argument" : "a `**` argument");
            if (a->a) sema_set(s, aid, sema_expr(s, a->a));
            ok = false;
            continue;
        }
        uint32_t pi = np;
        NodeId value = aid;
        if (a->kind == N_KEYWORD) {
            saw_keyword = true;
            StrId kname = a->name;
            value = a->a;
            for (uint32_t j = 0; j < np; j++)
                if (slots[j].name == kname) pi = j;
            if (pi == np) {
                sema_set(s, aid, sema_expr(s, value));
                Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, sema_node(s, aid)->span,
                                          "`%s` has no parameter named `%s`", fname, str_text(kname));
                diag_label(d, "unknown keyword argument");
                diag_emit(d);
                ok = false;
                continue;
            }
            if (bound[pi]) {
                sema_set(s, aid, sema_expr(s, value));
                sema_error(s, CODE_TYPE_ARITY, sema_node(s, aid)->span,
                           "argument `%s` of `%s` is given more than once", str_text(kname), fname);
                ok = false;
                continue;
            }
        } else {
            if (saw_keyword) {
                sema_expr(s, aid);
                sema_error(s, CODE_TYPE_ARITY, sema_node(s, aid)->span,
                           "positional argument follows a keyword argument");
                ok = false;
                continue;
            }
            if (pos >= np) {
                sema_expr(s, aid);
                if (!reported_extra) {
                    uint32_t total = 0;
                    for (uint32_t j = 0; j < args.count; j++)
                        if (sema_node(s, ast_list_at(s->ast, args, j))->kind != N_KEYWORD) total++;
                    uint32_t required = 0;
                    for (uint32_t j = 0; j < np; j++)
                        if (!slots[j].has_default) required++;
                    sema_arity(s, sema_node(s, call)->span, sema_node(s, aid)->span, fname, required, np,
                               total);
                    reported_extra = true;
                }
                ok = false;
                continue;
            }
            pi = pos++;
        }
        bound[pi] = value;
        /* lambdas wait until the other arguments fixed the type variables */
        if (sema_node(s, value)->kind == N_LAMBDA && sema_mentions(slots[pi].type, tps, ntp)) continue;
        TypeId want = sema_inst(slots[pi].type, tps, targs, ntp);
        TypeId t;
        if (sema_mentions(want, tps, ntp)) {
            t = sema_expr(s, value);
            if (!sema_unify(s, slots[pi].type, t, tps, targs, ntp)) {
                char what[160];
                sema_arg_what(what, sizeof what, &slots[pi], pi, fname);
                sema_mismatch(s, sema_node(s, value)->span, sema_inst(slots[pi].type, tps, targs, ntp), t, what);
                failed[pi] = true;
                ok = false;
            }
        } else {
            char what[160];
            sema_arg_what(what, sizeof what, &slots[pi], pi, fname);
            t = sema_expr_expect(s, value, want, what);
            if (t == TYPE_ERROR) {
                ok = false;
                failed[pi] = true;
            }
        }
        if (value != aid) sema_set(s, aid, sema_node(s, value)->type);
    }
    /* pass 2: deferred lambdas, with what inference has found so far */
    for (uint32_t pi = 0; pi < np; pi++) {
        NodeId value = bound[pi];
        if (!value || sema_node(s, value)->kind != N_LAMBDA || sema_node(s, value)->type) continue;
        TypeId want = sema_inst(slots[pi].type, tps, targs, ntp);
        const Type *wt = type_get(want);
        bool params_known = wt->kind == TY_FUNC;
        for (uint32_t k = 0; params_known && k < wt->nargs; k++)
            if (sema_mentions(type_get(want)->args[k], tps, ntp)) params_known = false;
        if (!params_known) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, value)->span,
                                      "cannot infer the parameter types of this lambda");
            diag_label(d, "the other arguments do not fix them");
            diag_emit(d);
            sema_set(s, value, TYPE_ERROR);
            ok = false;
            continue;
        }
        TypeId hint = want;
        if (sema_mentions(type_get(want)->ret, tps, ntp)) {
            TypeId ps[64];
            uint32_t n = type_get(want)->nargs;
            if (n > 64) n = 64;
            for (uint32_t k = 0; k < n; k++) ps[k] = type_get(want)->args[k];
            hint = type_func(ps, n, 0);
        }
        TypeId lt = sema_lambda(s, value, hint);
        if (lt == TYPE_ERROR) {
            ok = false;
            continue;
        }
        if (!sema_unify(s, slots[pi].type, lt, tps, targs, ntp)) {
            char what[160];
            sema_arg_what(what, sizeof what, &slots[pi], pi, fname);
            sema_mismatch(s, sema_node(s, value)->span, sema_inst(slots[pi].type, tps, targs, ntp), lt, what);
            ok = false;
        }
    }
    /* pass 3: with every type variable known, the inferred arguments must fit */
    for (uint32_t pi = 0; ntp && pi < np; pi++) {
        NodeId value = bound[pi];
        if (!value || failed[pi] || !sema_mentions(slots[pi].type, tps, ntp)) continue;
        TypeId want = sema_inst(slots[pi].type, tps, targs, ntp);
        TypeId t = sema_node(s, value)->type;
        if (!t || t == TYPE_ERROR || sema_mentions(want, tps, ntp)) continue;
        if (!sema_assignable(want, t)) {
            char what[160];
            sema_arg_what(what, sizeof what, &slots[pi], pi, fname);
            sema_mismatch(s, sema_node(s, value)->span, want, t, what);
            ok = false;
        }
    }
    /* keyword nodes carry their value's type */
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind == N_KEYWORD && a->a && !a->type) a->type = sema_node(s, a->a)->type;
    }
    if (!reported_extra) {
        StrBuf missing = {0};
        uint32_t nmissing = 0;
        for (uint32_t j = 0; j < np; j++) {
            if (bound[j] || slots[j].has_default) continue;
            if (slots[j].name) sb_printf(&missing, "%s`%s`", nmissing ? ", " : "", str_text(slots[j].name));
            else sb_printf(&missing, "%s#%u", nmissing ? ", " : "", j + 1);
            nmissing++;
        }
        if (nmissing) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, sema_node(s, call)->span,
                                      "missing argument%s %s in call to `%s`", nmissing == 1 ? "" : "s",
                                      missing.data, fname);
            diag_label(d, "missing argument%s", nmissing == 1 ? "" : "s");
            if (def_at.file) diag_note(d, def_at, "`%s` is defined here", fname);
            diag_emit(d);
            ok = false;
        }
        sb_free(&missing);
    }
    free(bound);
    free(failed);
    return ok;
}

/* A function that blocks its thread, called directly in `async def`: it
 * would stall every task of the worker. */
static void sema_blocking_in_async(Sema *s, NodeId call, const char *fname, uint8_t kind) {
    static const struct {
        const char *code, *what, *help;
    } k[] = {
        [SEMA_BLOCKS_PROCESS] = {CODE_ASYNC_BLOCKING_PROCESS, "waits for a child process",
                                 "use the async form (`await async_run(...)`), or run it through `task.spawn_blocking`"},
        [SEMA_BLOCKS_PARALLEL] = {CODE_ASYNC_BLOCKING_PARALLEL, "runs a parallel map and waits for it",
                                  "run it through `await task.spawn_cpu(lambda: ...)`"},
        [SEMA_BLOCKS_SHELL] = {CODE_ASYNC_BLOCKING_SHELL, "runs a shell and waits for it",
                               "run it through `task.spawn_blocking`"},
    };
    Diagnostic *d = sema_diag(s, k[kind].code, sema_node(s, call)->span,
                              "`%s` blocks its thread inside `async def`", fname);
    diag_label(d, "%s; the other tasks of this worker would stall", k[kind].what);
    diag_help(d, "%s", k[kind].help);
    diag_emit(d);
}

static TypeId sema_call_user(Sema *s, NodeId call, SymId fsym) {
    Symbol *sym = sema_sym(s, fsym);
    uint32_t fi = sym->index;
    const char *fname = str_text(sym->name);
    NodeId callee = sema_node(s, call)->a;
    const SemaFunc *f = &s->prog->funcs.items[fi];
    NodeId def = f->def;
    NodeList params = sema_node(s, def)->list;
    VEC(ParamSlot) slots = {0};
    for (uint32_t j = 0; j < f->params.len; j++) {
        const Symbol *p = sema_sym(s, f->params.items[j]);
        Node *pn = sema_node(s, ast_list_at(s->ast, params, j));
        /* star parameters were reported as unsupported at the def */
        bool skip = pn->kind != N_PARAM || !pn->name || (pn->flags & (NF_STAR | NF_DSTAR));
        ParamSlot sl = {.name = p->name, .type = p->type ? p->type : TYPE_ERROR,
                        .has_default = pn->b != 0 || skip};
        vec_push(&slots, sl);
    }
    f = &s->prog->funcs.items[fi];
    uint32_t ntp = f->tparams.len > 16 ? 16 : f->tparams.len;
    SymId tps[16];
    TypeId targs[16] = {0};
    for (uint32_t i = 0; i < ntp; i++) tps[i] = f->tparams.items[i];
    sema_bind_args(s, call, fname, slots.items, slots.len, tps, targs, ntp, sema_def_name_span(s, def));
    vec_free(&slots);
    f = &s->prog->funcs.items[fi];
    if (f->blocking && sema_in_async(s)) sema_blocking_in_async(s, call, fname, f->blocking);
    TypeId ret = f->ret, ftype = f->type;
    for (uint32_t i = 0; i < ntp; i++) {
        if (targs[i]) continue;
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                  "cannot infer the type argument `%s` of `%s`", str_text(sema_sym(s, tps[i])->name),
                                  fname);
        diag_label(d, "not fixed by the arguments");
        diag_note(d, sema_def_name_span(s, def), "`%s` is defined here", fname);
        diag_emit(d);
        sema_node(s, callee)->type = TYPE_ERROR;
        return TYPE_ERROR;
    }
    if (ntp) {
        ret = type_subst(ret, tps, targs, ntp);
        ftype = type_subst(ftype, tps, targs, ntp);
        sema_record_inst(s, false, fi, targs, ntp);
    }
    sema_node(s, callee)->type = ftype;
    /* Calling an `async def` makes a coroutine that has not started. */
    if (s->prog->funcs.items[fi].is_async && ret != TYPE_ERROR) ret = type_coro(ret);
    /* An arity or argument error does not change what the call returns:
     * keep the declared type so the error does not cascade. */
    return ret;
}

/* A call through a function value (a local, a parameter, a field, a bound
 * method): positional arguments only. */
static TypeId sema_call_value(Sema *s, NodeId call, TypeId ft) {
    const Type *t = type_get(ft);
    VEC(ParamSlot) slots = {0};
    for (uint32_t i = 0; i < t->nargs; i++) {
        ParamSlot sl = {.name = 0, .type = type_get(ft)->args[i], .has_default = false};
        vec_push(&slots, sl);
    }
    NodeId callee = sema_node(s, call)->a;
    Node *c = sema_node(s, callee);
    char fname[96];
    snprintf(fname, sizeof fname, "%s", c->kind == N_NAME || c->kind == N_ATTR ? str_text(c->name) : "function");
    sema_bind_args(s, call, fname, slots.items, slots.len, NULL, NULL, 0, (Span){0, 0, 0});
    vec_free(&slots);
    return type_get(ft)->ret;
}

/* Check the arguments of a builtin call: positional only. Fills types[]
 * (at most `max` of them) and returns the count, or -1 after a diagnostic
 * about the argument list itself. */
static int sema_builtin_args(Sema *s, NodeId call, const char *fname, TypeId *types, uint32_t max,
                             bool *any_error) {
    NodeList args = sema_node(s, call)->list;
    int n = 0;
    bool bad = false;
    *any_error = false;
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind == N_KEYWORD && !strcmp(fname, "print") && a->name &&
            (!strcmp(str_text(a->name), "sep") || !strcmp(str_text(a->name), "end"))) {
            /* print(..., sep=" ", end="\n"): text put between and after */
            TypeId kt = sema_expr_expect(s, a->a, TYPE_STR, !strcmp(str_text(a->name), "sep") ? "`sep`" : "`end`");
            sema_set(s, aid, kt);
            if (kt == TYPE_ERROR) *any_error = true;
            continue;
        }
        if (a->kind == N_KEYWORD || a->kind == N_STARRED) {
            char what[96];
            if (a->kind == N_STARRED) snprintf(what, sizeof what, "a `*` argument");
            else snprintf(what, sizeof what, "a keyword argument to `%s`", fname);
            sema_unsupported(s, a->span, what);
            NodeId v = a->a;
            if (v) sema_set(s, aid, sema_expr(s, v));
            bad = true;
            continue;
        }
        TypeId t = sema_expr(s, aid);
        if (t == TYPE_ERROR) *any_error = true;
        if ((uint32_t)n < max) types[n] = t;
        n++;
    }
    return bad ? -1 : n;
}

/* Builtins have no single signature; the callee node gets the function
 * type of this particular call so every expression node stays typed. */
static void sema_builtin_callee_type(Sema *s, NodeId call, const TypeId *args, uint32_t n, TypeId ret) {
    NodeId callee = sema_node(s, call)->a;
    if (ret == TYPE_ERROR) {
        sema_node(s, callee)->type = TYPE_ERROR;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        if (args[i] == TYPE_ERROR) {
            sema_node(s, callee)->type = TYPE_ERROR;
            return;
        }
    sema_node(s, callee)->type = type_func(args, n, ret);
}

static NodeId sema_arg(const Sema *s, NodeId call, uint32_t i) {
    return ast_list_at(s->ast, sema_node(s, call)->list, i);
}

#define SEMA_MAX_BUILTIN_ARGS 64

static TypeId sema_call_builtin(Sema *s, NodeId call, BuiltinId bi, TypeId hint) {
    const char *fname = str_text(s->n.builtin[bi]);
    if (bi >= BI_SYNC_SHARED) return sema_sync_call(s, call, bi, hint); /* imported from sifr.sync */
    if (bi >= BI_TASK_SLEEP) return sema_task_call(s, call, hint); /* imported from sifr.task */
    if (bi >= BI_SORTED) return sema_core_builtin(s, call, bi, hint);
    if (bi == BI_MIN || bi == BI_MAX) /* min(xs, key=..., default=...) */
        for (uint32_t i = 0; i < sema_node(s, call)->list.count; i++)
            if (sema_node(s, sema_arg(s, call, i))->kind == N_KEYWORD) return sema_core_builtin(s, call, bi, hint);
    if (bi == BI_RANGE) {
        /* range() as a value (`list(range(3))`, `zip(range(3), xs)`) */
        TypeId t = sema_range_call(s, call);
        return t ? t : TYPE_ERROR;
    }
    TypeId types[SEMA_MAX_BUILTIN_ARGS];
    bool any_error;
    int n = sema_builtin_args(s, call, fname, types, SEMA_MAX_BUILTIN_ARGS, &any_error);
    /* the result type each builtin has no matter its arguments */
    TypeId natural = bi == BI_PRINT                 ? TYPE_NONE
                     : bi == BI_STR || bi == BI_REPR ? TYPE_STR
                     : bi == BI_INT || bi == BI_LEN  ? TYPE_INT
                     : bi == BI_FLOAT                ? TYPE_FLOAT
                     : bi == BI_BOOL                 ? TYPE_BOOL
                     : bi == BI_PANIC                ? TYPE_NEVER
                                                     : TYPE_ERROR;
    if (n < 0) return natural;
    if (n > SEMA_MAX_BUILTIN_ARGS) {
        sema_unsupported(s, sema_node(s, call)->span, "a builtin call with more than 64 arguments");
        return natural;
    }
    uint32_t nargs = (uint32_t)n;
    Span call_span = sema_node(s, call)->span;
    TypeId ret = TYPE_ERROR;
    switch (bi) {
    case BI_PRINT:
        ret = TYPE_NONE;
        for (uint32_t i = 0; i < nargs; i++) {
            if (types[i] == TYPE_ERROR || sema_printable(types[i], true)) continue;
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, sema_arg(s, call, i))->span,
                                      "`print` cannot print a value of type `%s`", type_name(types[i]));
            diag_label(d, "expected int, float, bool, str, bytes or None");
            diag_emit(d);
            ret = TYPE_ERROR;
        }
        break;
    case BI_STR:
    case BI_REPR:
    case BI_INT:
    case BI_FLOAT:
    case BI_BOOL:
    case BI_LEN:
    case BI_ABS:
    case BI_PANIC: {
        if (nargs == 0 && (bi == BI_STR || bi == BI_INT || bi == BI_FLOAT || bi == BI_BOOL)) {
            /* str() "", int() 0, float() 0.0, bool() False, as in Python */
            sema_builtin_callee_type(s, call, NULL, 0, natural);
            return natural;
        }
        if (nargs != 1) {
            Span extra = nargs > 1 ? sema_node(s, sema_arg(s, call, 1))->span : (Span){0, 0, 0};
            sema_arity(s, call_span, extra, fname, 1, 1, nargs);
            return natural;
        }
        TypeId t = types[0];
        NodeId a0 = sema_arg(s, call, 0);
        if (t == TYPE_ERROR) return natural;
        bool ok = false, unsup = false;
        switch (bi) {
        case BI_STR:
        case BI_REPR:
            ok = sema_printable(t, true);
            ret = TYPE_STR;
            break;
        case BI_INT:
        case BI_FLOAT:
            ok = t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_BOOL;
            ret = bi == BI_INT ? TYPE_INT : TYPE_FLOAT;
            if (t == TYPE_STR) {
                /* parsing can fail: Result[int, ValueError] (SPEC section 3) */
                StrId ve = intern_cstr("ValueError");
                SymId vs = symmap_get(&s->builtins, ve);
                ok = vs != 0;
                ret = type_result(ret, sema_sym(s, vs)->type);
            }
            break;
        case BI_BOOL: {
            /* an explicit truth test: non-zero numbers, non-empty text and collections */
            TypeKind k = type_get(t)->kind;
            ok = t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_BOOL || t == TYPE_NONE || t == TYPE_STR ||
                 t == TYPE_BYTES || k == TY_LIST || k == TY_DICT || k == TY_SET;
            ret = TYPE_BOOL;
            break;
        }
        case BI_LEN: {
            TypeKind k = type_get(t)->kind;
            ok = t == TYPE_STR || t == TYPE_BYTES || k == TY_LIST || k == TY_DICT || k == TY_SET ||
                 k == TY_TUPLE;
            ret = TYPE_INT;
            break;
        }
        case BI_ABS:
            ok = type_is_numeric(t);
            ret = t;
            break;
        case BI_PANIC:
            ok = t == TYPE_STR;
            ret = TYPE_NEVER;
            break;
        default: ICE("unreachable builtin %d", (int)bi);
        }
        if (unsup) {
            char what[96];
            if (bi == BI_INT || bi == BI_FLOAT)
                snprintf(what, sizeof what, "`%s()` of a `str` (it returns a `Result`)", fname);
            else snprintf(what, sizeof what, "`%s()` of a `%s`", fname, type_name(t));
            sema_unsupported(s, call_span, what);
            return TYPE_ERROR;
        }
        if (!ok) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a0)->span,
                                      "`%s` does not accept a value of type `%s`", fname, type_name(t));
            const char *want = bi == BI_LEN     ? "expected a str, bytes or collection"
                               : bi == BI_PANIC ? "expected `str`"
                               : bi == BI_ABS   ? "expected `int` or `float`"
                               : bi == BI_BOOL  ? "expected a number, str, bytes or collection"
                               : bi == BI_STR || bi == BI_REPR
                                   ? "expected int, float, bool, str, bytes or None"
                                   : "expected `int`, `float` or `bool`";
            diag_label(d, "%s, found `%s`", want, type_name(t));
            diag_emit(d);
            return bi == BI_ABS || bi == BI_PANIC ? TYPE_ERROR : natural;
        }
        break;
    }
    case BI_MIN:
    case BI_MAX: {
        if (nargs == 1 && types[0] != TYPE_ERROR && sema_iter_elem(types[0]) &&
            type_get(types[0])->kind != TY_RANGE) {
            /* min(xs) / max(xs) of a collection of numbers or strings */
            TypeId e = sema_iter_elem(types[0]);
            if (!type_is_numeric(e) && e != TYPE_STR) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, sema_arg(s, call, 0))->span,
                                          "`%s` needs numbers or strings, found elements of type `%s`", fname,
                                          type_name(e));
                diag_label(d, "not orderable");
                diag_emit(d);
                return TYPE_ERROR;
            }
            ret = e;
            break;
        }
        if (nargs < 2) {
            sema_arity(s, call_span, (Span){0, 0, 0}, fname, 2, UINT32_MAX, nargs);
            return TYPE_ERROR;
        }
        if (types[0] == TYPE_STR || types[0] == TYPE_BYTES) {
            /* min("b", "a"): text of one type, ordered as in min(xs) */
            ret = types[0];
            for (uint32_t i = 1; i < nargs; i++) {
                if (types[i] == TYPE_ERROR || types[i] == types[0]) continue;
                sema_error(s, CODE_TYPE_MISMATCH, sema_node(s, sema_arg(s, call, i))->span,
                           "`%s` cannot compare `%s` with `%s`", fname, type_name(types[0]), type_name(types[i]));
                ret = TYPE_ERROR;
            }
            break;
        }
        ret = TYPE_INT;
        for (uint32_t i = 0; i < nargs; i++) {
            if (types[i] == TYPE_ERROR) {
                ret = TYPE_ERROR;
                continue;
            }
            if (!type_is_numeric(types[i])) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, sema_arg(s, call, i))->span,
                                          "`%s` does not accept a value of type `%s`", fname,
                                          type_name(types[i]));
                diag_label(d, "expected `int` or `float`, found `%s`", type_name(types[i]));
                diag_emit(d);
                ret = TYPE_ERROR;
                continue;
            }
            if (types[i] == TYPE_FLOAT && ret != TYPE_ERROR) ret = TYPE_FLOAT;
        }
        break;
    }
    default: ICE("unreachable builtin %d", (int)bi);
    }
    sema_builtin_callee_type(s, call, types, nargs, ret);
    return ret;
}

/* What the object of `obj.attr` names when it is not a value: a class
 * (enum members, unbound methods), a builtin type (`str.upper`), or a
 * poisoned module. Returns the symbol, or 0 for an ordinary value. */
static SymId sema_attr_static_base(Sema *s, NodeId obj) {
    Node *o = sema_node(s, obj);
    if (o->kind != N_NAME) return 0;
    SymId id = sema_lookup_name(s, o->name);
    if (!id) return 0;
    SymKind k = sema_sym(s, id)->kind;
    if (k == SYM_CLASS || k == SYM_MODULE || k == SYM_TYPE) {
        o->sym = id;
        return id;
    }
    return 0;
}

static TypeId sema_type_of_typesym(const Sema *s, SymId id) {
    switch ((BuiltinId)sema_sym(s, id)->index) {
    case BI_STR: return TYPE_STR;
    case BI_INT: return TYPE_INT;
    case BI_FLOAT: return TYPE_FLOAT;
    case BI_BOOL: return TYPE_BOOL;
    default: return 0;
    }
}

/* The attribute names a value of type `t` offers, for did-you-mean. */
static void sema_no_attr(Sema *s, NodeId e, TypeId t) {
    Node *n = sema_node(s, e);
    if (type_get(t)->kind == TY_OPTION) {
        Node *nn = n;
        uint32_t len = str_len(nn->name);
        Span at = nn->span;
        if (at.hi >= at.lo + len) at.lo = at.hi - len;
        Diagnostic *d = sema_diag(s, CODE_NAME_ATTR, at, "`%s` has no attribute `%s`", type_name(t),
                                  str_text(nn->name));
        diag_label(d, "the value may be `None`");
        diag_help(d, "test it first: `if x is not None:`");
        diag_emit(d);
        return;
    }
    sema_unknown_attr(s, e, t, n->name, NULL, 0);
}

/* `obj.attr` read as a value. */
static TypeId sema_attr(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    NodeId obj = n->a;
    StrId name = n->name;
    if (sema_is_task_namespace(s, obj)) return sema_task_attr(s, e);
    SymId base = sema_attr_static_base(s, obj);
    if (base) {
        Symbol *bs = sema_sym(s, base);
        if (bs->kind == SYM_MODULE || bs->type == TYPE_ERROR) {
            sema_set(s, obj, TYPE_ERROR);
            return TYPE_ERROR;
        }
        if (bs->kind == SYM_CLASS) {
            TypeId t = sema_class_static_attr(s, e, base);
            /* the class name node denotes the class's instance type */
            sema_node(s, obj)->type = bs->type;
            return t;
        }
        /* str.upper: an unbound method of a builtin type */
        TypeId recv = sema_type_of_typesym(s, base);
        sema_node(s, obj)->type = recv ? recv : TYPE_ERROR;
        TypeId mt = recv ? sema_builtin_method_value(s, recv, name, false) : 0;
        if (!mt) {
            if (recv) sema_no_attr(s, e, recv);
            return TYPE_ERROR;
        }
        return mt;
    }
    TypeId t = sema_expr(s, obj);
    if (t == TYPE_ERROR) return TYPE_ERROR;
    n = sema_node(s, e);
    if (type_get(t)->kind == TY_CLASS) return sema_class_attr(s, e, t);
    TypeId mt = sema_builtin_method_value(s, t, name, true);
    if (mt) return mt;
    sema_no_attr(s, e, t);
    return TYPE_ERROR;
}

/* `obj.name(args)`. */
static TypeId sema_method_call(Sema *s, NodeId call, TypeId hint) {
    NodeId callee = sema_node(s, call)->a;
    NodeId obj = sema_node(s, callee)->a;
    if (sema_is_task_namespace(s, obj)) return sema_task_call(s, call, hint);
    SymId base = sema_attr_static_base(s, obj);
    if (base) {
        Symbol *bs = sema_sym(s, base);
        if (bs->kind == SYM_MODULE || bs->type == TYPE_ERROR) {
            sema_set(s, obj, TYPE_ERROR);
            sema_set(s, callee, TYPE_ERROR);
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        /* Cls.method(obj, ...) / str.upper(s): call the unbound method */
        TypeId ft = sema_attr(s, callee);
        sema_set(s, callee, ft);
        if (ft == TYPE_ERROR) {
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        if (type_get(ft)->kind != TY_FUNC) {
            sema_args_quiet(s, call);
            Diagnostic *d = sema_diag(s, CODE_TYPE_NOT_CALLABLE, sema_node(s, callee)->span,
                                      "this expression is not a function");
            diag_label(d, "it has type `%s`", type_name(ft));
            diag_emit(d);
            return TYPE_ERROR;
        }
        return sema_call_value(s, call, ft);
    }
    TypeId t = sema_expr(s, obj);
    if (t == TYPE_ERROR) {
        sema_set(s, callee, TYPE_ERROR);
        sema_args_quiet(s, call);
        return TYPE_ERROR;
    }
    if (type_get(t)->kind == TY_TASK_SCOPE || type_get(t)->kind == TY_TASK_HANDLE ||
        type_get(t)->kind == TY_TASK_GROUP || type_get(t)->kind == TY_CONTEXT) {
        sema_set(s, callee, TYPE_NONE);
        return sema_task_method(s, call, t);
    }
    if (type_get(t)->kind == TY_SYNC) {
        sema_set(s, callee, TYPE_NONE);
        return sema_sync_method(s, call, t);
    }
    if (type_get(t)->kind == TY_CLASS) {
        TypeId r = sema_class_method_call(s, call, t);
        if (r) return r;
        /* a field holding a function (or an enum's name/value): no method */
        TypeId ft = sema_class_attr(s, callee, t);
        sema_set(s, callee, ft);
        if (ft == TYPE_ERROR) {
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        if (type_get(ft)->kind != TY_FUNC) {
            sema_args_quiet(s, call);
            Diagnostic *d = sema_diag(s, CODE_TYPE_NOT_CALLABLE, sema_node(s, callee)->span,
                                      "`%s` is not a method", str_text(sema_node(s, callee)->name));
            diag_label(d, "it has type `%s`", type_name(ft));
            diag_emit(d);
            return TYPE_ERROR;
        }
        return sema_call_value(s, call, ft);
    }
    bool found = false;
    TypeId r = sema_builtin_method_call(s, call, t, &found);
    if (found) return r;
    sema_no_attr(s, callee, t);
    sema_set(s, callee, TYPE_ERROR);
    sema_args_quiet(s, call);
    return TYPE_ERROR;
}

static TypeId sema_call(Sema *s, NodeId call, TypeId hint) {
    NodeId callee = sema_node(s, call)->a;
    Node *c = sema_node(s, callee);
    if (c->kind == N_ATTR) return sema_method_call(s, call, hint);
    if (c->kind == N_NAME) {
        SymId id = sema_lookup(s, callee);
        if (!id) {
            sema_set(s, callee, TYPE_ERROR);
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        Symbol *sym = sema_sym(s, id);
        switch (sym->kind) {
        case SYM_FUNC:
            if (sym->type == TYPE_ERROR) {
                sema_set(s, callee, TYPE_ERROR);
                sema_args_quiet(s, call);
                return TYPE_ERROR;
            }
            return sema_call_user(s, call, id);
        case SYM_BUILTIN:
        case SYM_TYPE: return sema_call_builtin(s, call, (BuiltinId)sym->index, hint);
        case SYM_CLASS:
            if (sym->type == TYPE_ERROR) break;
            return sema_construct(s, call, id, hint);
        case SYM_MODULE:
            sema_set(s, callee, TYPE_ERROR);
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        default: break;
        }
        if (sym->kind == SYM_CLASS) {
            sema_set(s, callee, TYPE_ERROR);
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
    }
    TypeId explicit_t = sema_call_explicit(s, call, hint); /* Box[int](...) */
    if (explicit_t) return explicit_t;
    TypeId t = sema_expr(s, callee);
    if (t != TYPE_ERROR && type_get(t)->kind == TY_FUNC) return sema_call_value(s, call, t);
    sema_args_quiet(s, call);
    if (t == TYPE_ERROR) return TYPE_ERROR;
    c = sema_node(s, callee);
    Diagnostic *d;
    if (c->kind == N_NAME)
        d = sema_diag(s, CODE_TYPE_NOT_CALLABLE, c->span, "`%s` is not a function", str_text(c->name));
    else d = sema_diag(s, CODE_TYPE_NOT_CALLABLE, c->span, "this expression is not a function");
    diag_label(d, "it has type `%s`", type_name(t));
    diag_emit(d);
    return TYPE_ERROR;
}

TypeId sema_range_call(Sema *s, NodeId iter) {
    Node *n = sema_node(s, iter);
    NodeId callee = n->a;
    Node *c = sema_node(s, callee);
    if (n->kind != N_CALL || c->kind != N_NAME) return 0;
    SymId id = 0;
    if (s->fn >= 0) id = symmap_get(&s->scope, c->name);
    if (!id) id = symmap_get(&s->module, c->name);
    if (!id) id = symmap_get(&s->builtins, c->name);
    if (!id || sema_sym(s, id)->kind != SYM_BUILTIN || sema_sym(s, id)->index != BI_RANGE) return 0;
    c->sym = id;
    TypeId types[3];
    bool any_error;
    int nargs = sema_builtin_args(s, iter, "range", types, 3, &any_error);
    if (nargs < 0) return sema_set(s, iter, TYPE_ERROR);
    if (nargs < 1 || nargs > 3) {
        Span extra = nargs > 3 ? sema_node(s, sema_arg(s, iter, 3))->span : (Span){0, 0, 0};
        sema_arity(s, sema_node(s, iter)->span, extra, "range", 1, 3, (uint32_t)nargs);
        return sema_set(s, iter, TYPE_ERROR);
    }
    bool ok = !any_error;
    for (int i = 0; i < nargs; i++) {
        if (types[i] == TYPE_ERROR || types[i] == TYPE_INT) continue;
        sema_mismatch(s, sema_node(s, sema_arg(s, iter, (uint32_t)i))->span, TYPE_INT, types[i],
                      "an argument of `range`");
        ok = false;
    }
    if (!ok) {
        sema_node(s, callee)->type = TYPE_ERROR;
        return sema_set(s, iter, TYPE_ERROR);
    }
    sema_node(s, callee)->type = type_func(types, (uint32_t)nargs, TYPE_RANGE);
    return sema_set(s, iter, TYPE_RANGE);
}

/* ==== Expressions ========================================================= */

static TypeId sema_expr_kind(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    switch ((NodeKind)n->kind) {
    case N_POISON: return TYPE_ERROR;
    case N_INT:
        if (n->v.ival > (uint64_t)INT64_MAX) {
            Diagnostic *d = sema_diag(s, CODE_PARSE_NUMBER, n->span, "integer literal is too large for `int`");
            diag_label(d, "does not fit in 64 bits");
            diag_help(d, "`int` holds values from -9223372036854775808 to 9223372036854775807");
            diag_emit(d);
            return TYPE_ERROR;
        }
        return TYPE_INT;
    case N_FLOAT: return TYPE_FLOAT;
    case N_STR: return TYPE_STR;
    case N_BYTES: return TYPE_BYTES;
    case N_BOOL: return TYPE_BOOL;
    case N_NONE: return TYPE_NONE;
    case N_FSTRING: return sema_fstring(s, e);
    case N_NAME: return hint && type_get(hint)->kind == TY_FUNC ? sema_name_callable(s, e, hint) : sema_name(s, e);
    case N_UNARY: return sema_unary(s, e);
    case N_BINARY: return sema_binary(s, e);
    case N_BOOLOP: return sema_boolop(s, e);
    case N_COMPARE: return sema_compare(s, e);
    case N_IFEXP: return sema_ifexp(s, e, hint);
    case N_CALL: return sema_call(s, e, hint);
    case N_AWAIT: {
        if (sema_in_async(s)) return sema_await(s, e);
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, span_make(s->file, n->span.lo, n->span.lo + 5),
                                  "`await` outside `async def`");
        diag_label(d, "`await` is only allowed inside `async def`");
        diag_help(d, "declare the enclosing function with `async def`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    case N_ATTR: return sema_attr(s, e);
    case N_SUBSCRIPT: return sema_subscript(s, e);
    case N_KEYWORD: return n->a ? sema_expr(s, n->a) : TYPE_ERROR;
    case N_FMT_FIELD: return n->a ? sema_expr(s, n->a) : TYPE_ERROR;
    case N_SLICE: sema_unsupported(s, n->span, "a slice outside a subscript"); return TYPE_ERROR;
    case N_TUPLE: return sema_tuple_lit(s, e, hint);
    case N_LIST:
    case N_SET: return sema_seq_lit(s, e, hint);
    case N_DICT: return sema_dict_lit(s, e, hint);
    case N_COMP: return sema_comp(s, e, hint);
    case N_LAMBDA:
        if (!hint && !n->list.count) {
            /* no parameter to type: Callable[[], R], R from the body */
            TypeId none[1] = {0};
            hint = type_func(none, 0, 0);
        }
        return sema_lambda(s, e, hint);
    case N_STARRED: sema_unsupported(s, n->span, "`*` unpacking"); return TYPE_ERROR;
    case N_WALRUS: sema_unsupported(s, n->span, "`:=`"); return TYPE_ERROR;
    case N_YIELD: sema_unsupported(s, n->span, "`yield`"); return TYPE_ERROR;
    case N_ELLIPSIS: sema_unsupported(s, n->span, "`...`"); return TYPE_ERROR;
    default: break;
    }
    ICE("sema_expr: %s is not an expression", node_kind_name((NodeKind)n->kind));
}

/* Inside a `try` body, reading `d[k]` of a dict is an error point too
 * (SPEC 3: a missing key is KeyError), recorded like the unwrap of a
 * Result[V, KeyError] so that the KeyError reaches the `except` clauses.
 * It need not be handled: one that no clause takes leaves a function
 * returning a compatible Result as its Err and panics elsewhere, as `d[k]`
 * does outside `try` (docs/design/errors.md). */
void sema_key_error_point(Sema *s, NodeId e, TypeId t) {
    Node *n = sema_node(s, e);
    if (!s->tries.len || t == TYPE_ERROR || sema_node(s, n->b)->kind == N_SLICE) return;
    TypeId dt = sema_node(s, n->a)->type;
    SymId ke = symmap_get(&s->builtins, intern_cstr("KeyError"));
    if (!dt || dt == TYPE_ERROR || type_get(dt)->kind != TY_DICT || !ke) return;
    SemaUnwrap u = {.node = e, .result = type_result(t, sema_sym(s, ke)->type),
                    .try_stmt = s->tries.items[s->tries.len - 1].stmt};
    vec_push(&s->prog->unwraps, u);
}

TypeId sema_expr_hint(Sema *s, NodeId e, TypeId hint) {
    if (!e) ICE("sema_expr: missing expression node");
    TypeId t = sema_expr_kind(s, e, hint);
    if (sema_node(s, e)->kind == N_SUBSCRIPT) sema_key_error_point(s, e, t);
    /* inside `try`, a Result-valued call is unwrapped unless a Result is wanted */
    if (t != TYPE_ERROR && type_get(t)->kind == TY_RESULT && s->tries.len &&
        (sema_node(s, e)->kind == N_CALL || sema_node(s, e)->kind == N_AWAIT))
        t = sema_maybe_unwrap(s, e, t, hint);
    return sema_set(s, e, t);
}

TypeId sema_expr(Sema *s, NodeId e) { return sema_expr_hint(s, e, 0); }

/* ==== Constant expressions ================================================ */

bool sema_const_expr_ok(Sema *s, NodeId e, const char *context) {
    Node *n = sema_node(s, e);
    switch ((NodeKind)n->kind) {
    case N_POISON:
    case N_INT:
    case N_FLOAT:
    case N_STR:
    case N_BYTES:
    case N_BOOL:
    case N_NONE:
    case N_NAME: /* resolution (constants only) is checked by sema_expr */
        return true;
    case N_UNARY: return sema_const_expr_ok(s, n->a, context);
    case N_ATTR: {
        /* `Color.RED`: an Enum member is a constant (evaluated at each use) */
        Node *base = sema_node(s, n->a);
        SymId cls = base->kind == N_NAME ? sema_lookup_name(s, base->name) : 0;
        if (cls && sema_sym(s, cls)->kind == SYM_CLASS) {
            ClassInfo *ci = sema_class(s, cls);
            if (ci && (ci->flags & CLS_ENUM)) return true;
        }
        break;
    }
    case N_BINARY:
    case N_BOOLOP: {
        NodeId b = n->b;
        return sema_const_expr_ok(s, n->a, context) && sema_const_expr_ok(s, b, context);
    }
    case N_IFEXP: {
        NodeId b = n->b, c = n->c;
        return sema_const_expr_ok(s, n->a, context) && sema_const_expr_ok(s, b, context) &&
               sema_const_expr_ok(s, c, context);
    }
    case N_COMPARE: {
        NodeList rest = n->list;
        if (!sema_const_expr_ok(s, n->a, context)) return false;
        for (uint32_t i = 0; i < rest.count; i++)
            if (!sema_const_expr_ok(s, ast_list_at(s->ast, rest, i), context)) return false;
        return true;
    }
    default: break;
    }
    char what[160];
    const char *kind = n->kind == N_CALL      ? "a function call"
                       : n->kind == N_FSTRING ? "an f-string"
                                              : "this expression";
    snprintf(what, sizeof what, "%s in %s", kind, context);
    sema_unsupported(s, n->span, what);
    return false;
}
