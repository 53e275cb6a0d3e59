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

const char *sema_op_text(uint32_t op) {
    switch (op) {
    case TOK_PLUS: return "+";
    case TOK_MINUS: return "-";
    case TOK_STAR: return "*";
    case TOK_SLASH: return "/";
    case TOK_DSLASH: return "//";
    case TOK_PERCENT: return "%";
    case TOK_DSTAR: return "**";
    case TOK_AMP: return "&";
    case TOK_PIPE: return "|";
    case TOK_CARET: return "^";
    case TOK_LSHIFT: return "<<";
    case TOK_RSHIFT: return ">>";
    case TOK_TILDE: return "~";
    case TOK_NOT: return "not";
    case TOK_AND: return "and";
    case TOK_OR: return "or";
    case TOK_EQ: return "==";
    case TOK_NE: return "!=";
    case TOK_LT: return "<";
    case TOK_LE: return "<=";
    case TOK_GT: return ">";
    case TOK_GE: return ">=";
    case TOK_IN: return "in";
    case TOK_IS: return "is";
    case CMP_NOT_IN: return "not in";
    case CMP_IS_NOT: return "is not";
    case TOK_AT: return "@";
    default: return "?";
    }
}

/* Types a value may have to be printed, converted with str()/repr() or
 * formatted in an f-string in this milestone. */
static bool sema_printable(TypeId t, bool allow_bytes) {
    return t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_BOOL || t == TYPE_STR || t == TYPE_NONE ||
           (allow_bytes && t == TYPE_BYTES);
}

static void sema_mismatch(Sema *s, Span at, TypeId want, TypeId found, const char *what) {
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
    TypeId t = sema_expr(s, e);
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
    "list", "dict", "set", "tuple", "frozenset", "bytearray", "object", "type", "Result",
    "Option", "Ok", "Err", "Some", "Callable", "Any", "Never", "Error", "ValueError", "KeyError",
    "IndexError", "IOError", "TimeoutError", "ScopeFailure", "ClosedError", "WouldBlockError",
    "WorkerError", "ProcessError", "SignalError", "DiagnosticError", "Enum", "isinstance",
    "input", "open", "sorted", "enumerate", "zip", "map", "filter", "sum", "any", "all",
    "reversed", "iter", "next", "hash", "id", "chr", "ord", "hex", "bin", "oct", "round",
    "divmod", "pow", "super", "getattr", "setattr", "hasattr", "format", "callable", "exit",
    "bytes",
};

static bool sema_is_known_unsupported(StrId name) {
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

/* Resolve a name to its symbol following Python's scoping (function scope,
 * then module, then builtins). Reports unknown names; returns 0 after a
 * diagnostic. Sets Node.sym. */
static SymId sema_lookup(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    SymId id = 0;
    if (s->fn >= 0) id = symmap_get(&s->scope, n->name);
    if (!id) id = symmap_get(&s->module, n->name);
    if (!id) id = symmap_get(&s->builtins, n->name);
    if (!id) {
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
        return sym->type ? sym->type : TYPE_ERROR;
    case SYM_PARAM: return sym->type ? sym->type : TYPE_ERROR;
    case SYM_CONST:
        if (!sym->type) {
            sema_error(s, CODE_NAME_UNKNOWN, n->span, "`%s` is used before it is defined",
                       str_text(n->name));
            return TYPE_ERROR;
        }
        return sym->type;
    case SYM_FUNC:
    case SYM_BUILTIN:
    case SYM_TYPE: {
        char what[128];
        snprintf(what, sizeof what, "using the function `%s` as a value", str_text(n->name));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    case SYM_MODULE:
    case SYM_CLASS: return TYPE_ERROR; /* poisoned: its declaration was reported */
    case SYM_NONE: break;
    }
    ICE("sema_name: symbol %u has no kind", id);
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
        return 0;
    case TOK_STAR:
        if (num) return wider;
        if ((a == TYPE_STR || a == TYPE_BYTES) && b == TYPE_INT) *unsupported = true;
        if (a == TYPE_INT && (b == TYPE_STR || b == TYPE_BYTES)) *unsupported = true;
        return 0;
    case TOK_PERCENT:
        if (num) return wider;
        if (a == TYPE_STR || a == TYPE_BYTES) *unsupported = true; /* printf-style formatting */
        return 0;
    case TOK_MINUS:
    case TOK_DSLASH:
    case TOK_DSTAR: return num ? wider : 0;
    case TOK_SLASH: return num ? TYPE_FLOAT : 0;
    case TOK_AMP:
    case TOK_PIPE:
    case TOK_CARET:
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
        snprintf(what, sizeof what, "`%s %s %s`", type_name(ta), sema_op_text(n->op), type_name(tb));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "unsupported operand types for `%s`: `%s` and `%s`",
                              sema_op_text(n->op), type_name(ta), type_name(tb));
    diag_label(d, "`%s` %s `%s`", type_name(ta), sema_op_text(n->op), type_name(tb));
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
                                  sema_op_text(n->op), type_name(t));
        diag_label(d, "`%s` applied to `%s`", sema_op_text(n->op), type_name(t));
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
    for (int i = 0; i < 2; i++) {
        TypeId t = sema_expr(s, ops[i]);
        if (t == TYPE_ERROR) bad = true;
        else if (t != TYPE_BOOL && t != TYPE_NEVER) {
            sema_not_bool(s, ops[i], t, what);
            bad = true;
        }
    }
    return bad ? TYPE_ERROR : TYPE_BOOL;
}

/* One link `l op r` of a comparison chain; false after a diagnostic. */
static bool sema_compare_pair(Sema *s, NodeId l, NodeId r, uint32_t op) {
    TypeId tl = sema_node(s, l)->type, tr = sema_node(s, r)->type;
    Span at = span_join(sema_node(s, l)->span, sema_node(s, r)->span);
    if (op == TOK_IN || op == CMP_NOT_IN) {
        char what[64];
        snprintf(what, sizeof what, "the `%s` operator", sema_op_text(op));
        sema_unsupported(s, at, what);
        return false;
    }
    if (tl == TYPE_ERROR || tr == TYPE_ERROR) return false;
    if (op == TOK_IS || op == CMP_IS_NOT) {
        if (tl == TYPE_NONE || tr == TYPE_NONE) return true;
        char what[96];
        snprintf(what, sizeof what, "`%s` between values other than `None`", sema_op_text(op));
        sema_unsupported(s, at, what);
        return false;
    }
    bool eq = op == TOK_EQ || op == TOK_NE;
    if (type_is_numeric(tl) && type_is_numeric(tr)) return true;
    if (tl == TYPE_STR && tr == TYPE_STR) return true;
    if (eq && tl == TYPE_BOOL && tr == TYPE_BOOL) return true;
    if (tl == TYPE_BYTES && tr == TYPE_BYTES) {
        sema_unsupported(s, at, "comparing `bytes` values");
        return false;
    }
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "cannot compare `%s` %s `%s`", type_name(tl),
                              sema_op_text(op), type_name(tr));
    diag_label(d, "`%s` %s `%s`", type_name(tl), sema_op_text(op), type_name(tr));
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

static TypeId sema_ifexp(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    NodeId cond = n->a, then_v = n->b, else_v = n->c;
    sema_cond(s, cond, "the condition of a conditional expression");
    TypeId ta = sema_expr(s, then_v);
    TypeId tb = sema_expr(s, else_v);
    if (ta == TYPE_ERROR || tb == TYPE_ERROR) return TYPE_ERROR;
    if (ta == tb) return ta;
    if (ta == TYPE_NEVER) return tb;
    if (tb == TYPE_NEVER) return ta;
    if (type_is_numeric(ta) && type_is_numeric(tb)) return TYPE_FLOAT;
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
        if (t != TYPE_ERROR && !sema_printable(t, false)) {
            Node *fe = sema_node(s, p->a);
            char what[96];
            snprintf(what, sizeof what, "formatting a `%s` value in an f-string", type_name(t));
            if (t == TYPE_BYTES) sema_unsupported(s, fe->span, what);
            else {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, fe->span,
                                          "a value of type `%s` cannot be formatted", type_name(t));
                diag_label(d, "expected int, float, bool, str or None");
                diag_emit(d);
            }
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
static void sema_args_quiet(Sema *s, NodeId call) {
    NodeList args = sema_node(s, call)->list;
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind == N_KEYWORD || a->kind == N_STARRED) {
            NodeId v = a->a;
            TypeId t = v ? sema_expr(s, v) : TYPE_ERROR;
            sema_set(s, aid, t);
        } else {
            sema_expr(s, aid);
        }
    }
}

/* Arity errors point at the call (its span starts at the callee); an extra
 * argument, when there is one, is shown in a note. */
static void sema_arity(Sema *s, Span at, Span extra, const char *fname, uint32_t want_lo,
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

static TypeId sema_call_user(Sema *s, NodeId call, SymId fsym) {
    Symbol *sym = sema_sym(s, fsym);
    SemaFunc *f = &s->prog->funcs.items[sym->index];
    uint32_t fi = sym->index;
    NodeId def = f->def;
    NodeList params = sema_node(s, def)->list;
    uint32_t np = params.count;
    const char *fname = str_text(sym->name);
    NodeId callee = sema_node(s, call)->a;
    sema_node(s, callee)->type = f->type;

    NodeId *bound = xcalloc(np ? np : 1, sizeof *bound);
    NodeList args = sema_node(s, call)->list;
    uint32_t pos = 0;
    bool saw_keyword = false, reported_extra = false;
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind == N_STARRED || (a->kind == N_KEYWORD && !a->name)) {
            sema_unsupported(s, a->span, a->kind == N_STARRED ? "a `*` argument" : "a `**` argument");
            if (a->a) sema_expr(s, a->a);
            continue;
        }
        if (a->kind == N_KEYWORD) {
            saw_keyword = true;
            StrId kname = a->name;
            NodeId value = a->a;
            uint32_t pi = np;
            for (uint32_t j = 0; j < np; j++)
                if (sema_node(s, ast_list_at(s->ast, params, j))->name == kname) pi = j;
            if (pi == np) {
                sema_expr(s, value);
                Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, sema_node(s, aid)->span,
                                          "`%s` has no parameter named `%s`", fname, str_text(kname));
                diag_label(d, "unknown keyword argument");
                diag_emit(d);
                    continue;
            }
            if (bound[pi]) {
                sema_expr(s, value);
                sema_error(s, CODE_TYPE_ARITY, sema_node(s, aid)->span,
                           "argument `%s` of `%s` is given more than once", str_text(kname), fname);
                    continue;
            }
            bound[pi] = value;
            SymId psym = s->prog->funcs.items[fi].params.items[pi];
            char what[160];
            snprintf(what, sizeof what, "argument `%s` of `%s`", str_text(kname), fname);
            sema_expr_expect(s, value, sema_sym(s, psym)->type, what);
            sema_set(s, aid, sema_node(s, value)->type);
            continue;
        }
        if (saw_keyword) {
            sema_expr(s, aid);
            sema_error(s, CODE_TYPE_ARITY, sema_node(s, aid)->span,
                       "positional argument follows a keyword argument");
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
                    if (!sema_node(s, ast_list_at(s->ast, params, j))->b) required++;
                sema_arity(s, sema_node(s, call)->span, sema_node(s, aid)->span, fname, required, np,
                           total);
                reported_extra = true;
            }
            continue;
        }
        uint32_t pi = pos++;
        bound[pi] = aid;
        SymId psym = s->prog->funcs.items[fi].params.items[pi];
        StrId pname = sema_sym(s, psym)->name;
        char what[160];
        snprintf(what, sizeof what, "argument `%s` of `%s`", pname ? str_text(pname) : "?", fname);
        sema_expr_expect(s, aid, sema_sym(s, psym)->type, what);
    }
    if (!reported_extra) {
        StrBuf missing = {0};
        uint32_t nmissing = 0;
        for (uint32_t j = 0; j < np; j++) {
            Node *p = sema_node(s, ast_list_at(s->ast, params, j));
            /* star parameters were reported as unsupported at the def */
            if (bound[j] || p->b || p->kind != N_PARAM || !p->name || (p->flags & (NF_STAR | NF_DSTAR)))
                continue;
            sb_printf(&missing, "%s`%s`", nmissing ? ", " : "", str_text(p->name));
            nmissing++;
        }
        if (nmissing) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, sema_node(s, call)->span,
                                      "missing argument%s %s in call to `%s`", nmissing == 1 ? "" : "s",
                                      missing.data, fname);
            diag_label(d, "missing argument%s", nmissing == 1 ? "" : "s");
            diag_note(d, sema_def_name_span(s, def), "`%s` is defined here", fname);
            diag_emit(d);
        }
        sb_free(&missing);
    }
    free(bound);
    TypeId ret = s->prog->funcs.items[fi].ret;
    /* An arity or argument error does not change what the call returns:
     * keep the declared type so the error does not cascade. */
    return ret;
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

static TypeId sema_call_builtin(Sema *s, NodeId call, BuiltinId bi) {
    const char *fname = str_text(s->n.builtin[bi]);
    if (bi == BI_RANGE) {
        sema_args_quiet(s, call);
        sema_unsupported(s, sema_node(s, call)->span, "`range` outside a `for` loop header");
        return TYPE_ERROR;
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
            unsup = t == TYPE_STR;
            ret = bi == BI_INT ? TYPE_INT : TYPE_FLOAT;
            break;
        case BI_BOOL:
            ok = t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_BOOL;
            unsup = t == TYPE_STR;
            ret = TYPE_BOOL;
            break;
        case BI_LEN:
            ok = t == TYPE_STR;
            unsup = t == TYPE_BYTES;
            ret = TYPE_INT;
            break;
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
            const char *want = bi == BI_LEN     ? "expected `str`"
                               : bi == BI_PANIC ? "expected `str`"
                               : bi == BI_ABS   ? "expected `int` or `float`"
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
        if (nargs < 2) {
            sema_arity(s, call_span, (Span){0, 0, 0}, fname, 2, UINT32_MAX, nargs);
            return TYPE_ERROR;
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
    case BI_RANGE:
    case BI__COUNT: ICE("unreachable builtin %d", (int)bi);
    }
    sema_builtin_callee_type(s, call, types, nargs, ret);
    return ret;
}

static TypeId sema_call(Sema *s, NodeId call) {
    NodeId callee = sema_node(s, call)->a;
    Node *c = sema_node(s, callee);
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
            if (s->prog->funcs.items[sym->index].is_async) {
                /* `async def` was reported; do not guess what awaiting it means */
                sema_set(s, callee, TYPE_ERROR);
                sema_args_quiet(s, call);
                return TYPE_ERROR;
            }
            return sema_call_user(s, call, id);
        case SYM_BUILTIN:
        case SYM_TYPE: return sema_call_builtin(s, call, (BuiltinId)sym->index);
        case SYM_MODULE:
        case SYM_CLASS:
            sema_set(s, callee, TYPE_ERROR);
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        default: break;
        }
    }
    TypeId t = sema_expr(s, callee);
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

static TypeId sema_expr_kind(Sema *s, NodeId e) {
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
    case N_NAME: return sema_name(s, e);
    case N_UNARY: return sema_unary(s, e);
    case N_BINARY: return sema_binary(s, e);
    case N_BOOLOP: return sema_boolop(s, e);
    case N_COMPARE: return sema_compare(s, e);
    case N_IFEXP: return sema_ifexp(s, e);
    case N_CALL: return sema_call(s, e);
    case N_AWAIT: {
        /* async bodies are not checked in this milestone, so every `await`
         * that reaches here is outside an `async def` */
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, span_make(s->file, n->span.lo, n->span.lo + 5),
                                  "`await` outside `async def`");
        diag_label(d, "`await` is only allowed inside `async def`");
        diag_help(d, "declare the enclosing function with `async def`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    case N_ATTR: {
        /* an attribute of a poisoned name (e.g. a module whose import was
         * rejected) stays quiet */
        TypeId t = sema_expr(s, n->a);
        if (t != TYPE_ERROR) sema_unsupported(s, sema_node(s, e)->span, "attribute access");
        return TYPE_ERROR;
    }
    case N_SUBSCRIPT: {
        TypeId t = sema_expr(s, n->a);
        if (t != TYPE_ERROR) sema_unsupported(s, sema_node(s, e)->span, "subscripting");
        return TYPE_ERROR;
    }
    case N_KEYWORD: return n->a ? sema_expr(s, n->a) : TYPE_ERROR;
    case N_FMT_FIELD: return n->a ? sema_expr(s, n->a) : TYPE_ERROR;
    case N_SLICE: sema_unsupported(s, n->span, "a slice"); return TYPE_ERROR;
    case N_TUPLE: sema_unsupported(s, n->span, "a tuple"); return TYPE_ERROR;
    case N_LIST: sema_unsupported(s, n->span, "a list literal"); return TYPE_ERROR;
    case N_SET: sema_unsupported(s, n->span, "a set literal"); return TYPE_ERROR;
    case N_DICT: sema_unsupported(s, n->span, "a dict literal"); return TYPE_ERROR;
    case N_COMP: sema_unsupported(s, n->span, "a comprehension"); return TYPE_ERROR;
    case N_LAMBDA: sema_unsupported(s, n->span, "`lambda`"); return TYPE_ERROR;
    case N_STARRED: sema_unsupported(s, n->span, "`*` unpacking"); return TYPE_ERROR;
    case N_WALRUS: sema_unsupported(s, n->span, "`:=`"); return TYPE_ERROR;
    case N_YIELD: sema_unsupported(s, n->span, "`yield`"); return TYPE_ERROR;
    case N_ELLIPSIS: sema_unsupported(s, n->span, "`...`"); return TYPE_ERROR;
    default: break;
    }
    ICE("sema_expr: %s is not an expression", node_kind_name((NodeKind)n->kind));
}

TypeId sema_expr(Sema *s, NodeId e) {
    if (!e) ICE("sema_expr: missing expression node");
    TypeId t = sema_expr_kind(s, e);
    return sema_set(s, e, t);
}

/* ==== Annotations ========================================================= */

static TypeId sema_annotation_kind(Sema *s, NodeId ann) {
    Node *n = sema_node(s, ann);
    switch ((NodeKind)n->kind) {
    case N_POISON: return TYPE_ERROR;
    case N_NONE: return TYPE_NONE;
    case N_NAME: {
        StrId name = n->name;
        if (name == s->n.t_int) return TYPE_INT;
        if (name == s->n.t_float) return TYPE_FLOAT;
        if (name == s->n.t_bool) return TYPE_BOOL;
        if (name == s->n.t_str) return TYPE_STR;
        if (name == s->n.t_bytes) return TYPE_BYTES;
        if (symmap_get(&s->typevars, name)) return TYPE_ERROR; /* generics were reported */
        SymId id = symmap_get(&s->module, name);
        if (id && (sema_sym(s, id)->kind == SYM_MODULE || sema_sym(s, id)->kind == SYM_CLASS))
            return TYPE_ERROR; /* poisoned import/class: already reported */
        if (sema_is_known_unsupported(name)) {
            char what[96];
            snprintf(what, sizeof what, "the type `%s`", str_text(name));
            sema_unsupported(s, n->span, what);
            return TYPE_ERROR;
        }
        Diagnostic *d;
        if (id) {
            d = sema_diag(s, CODE_TYPE_UNKNOWN, n->span, "`%s` is not a type", str_text(name));
            diag_label(d, "not a type");
        } else {
            d = sema_diag(s, CODE_TYPE_UNKNOWN, n->span, "unknown type `%s`", str_text(name));
            diag_label(d, "not a known type");
            StrId sug = sema_suggest(s, name, true);
            if (sug) diag_help(d, "did you mean `%s`?", str_text(sug));
        }
        diag_emit(d);
        return TYPE_ERROR;
    }
    case N_SUBSCRIPT: {
        Node *base = sema_node(s, n->a);
        if (base->kind == N_NAME) {
            SymId id = symmap_get(&s->module, base->name);
            if (id && sema_sym(s, id)->kind == SYM_MODULE) return TYPE_ERROR;
            char what[96];
            snprintf(what, sizeof what, "the type `%s[...]`", str_text(base->name));
            sema_unsupported(s, n->span, what);
        } else {
            sema_unsupported(s, n->span, "this generic type");
        }
        return TYPE_ERROR;
    }
    case N_BINARY:
        if (n->op == TOK_PIPE) {
            sema_unsupported(s, n->span, "a union type (`T | None`)");
            return TYPE_ERROR;
        }
        break;
    case N_ATTR: {
        Node *base = sema_node(s, n->a);
        if (base->kind == N_NAME) {
            SymId id = symmap_get(&s->module, base->name);
            if (id && sema_sym(s, id)->kind == SYM_MODULE) return TYPE_ERROR;
        }
        sema_unsupported(s, n->span, "a qualified type name");
        return TYPE_ERROR;
    }
    case N_STR: sema_unsupported(s, n->span, "a string annotation"); return TYPE_ERROR;
    default: break;
    }
    sema_error(s, CODE_TYPE_UNKNOWN, n->span, "this expression is not a type");
    return TYPE_ERROR;
}

TypeId sema_annotation(Sema *s, NodeId ann) {
    if (!ann) ICE("sema_annotation: missing annotation node");
    TypeId t = sema_annotation_kind(s, ann);
    /* An annotation is not evaluated; its node carries the type it denotes
     * so that nothing reachable from a body is left untyped. */
    sema_node(s, ann)->type = t;
    return t;
}

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
