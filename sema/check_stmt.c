/* Function bodies: Python-style local collection (a name assigned anywhere in
 * a body is one local of the whole function), statement checking in source
 * order (assignments, control flow, loops, return, assert) and the
 * structural "always returns" analysis behind SIFR-TYPE-0005. */
#include "sema_internal.h"

/* ==== Locals ============================================================== */

/* Declare `target` (an assignment target) as a local of function `fi` unless
 * the name is already a parameter or local. */
static SymId sema_declare_local(Sema *s, uint32_t fi, NodeId target) {
    Node *t = sema_node(s, target);
    SymId id = symmap_get(&s->scope, t->name);
    if (id) return id;
    id = sema_new_sym(s, SYM_LOCAL, t->name, 0, target);
    SemaFunc *f = &s->prog->funcs.items[fi];
    sema_sym(s, id)->index = f->locals.len;
    sema_sym(s, id)->func = fi;
    vec_push(&f->locals, id);
    symmap_put(&s->scope, t->name, id);
    return id;
}

/* An annotation (`x: T`) fixes the type of the local for the whole body, no
 * matter where in the body it is written. */
static void sema_declare_annotated(Sema *s, uint32_t fi, NodeId stmt) {
    Node *n = sema_node(s, stmt);
    NodeId target = n->a;
    if (sema_node(s, target)->kind != N_NAME) return;
    TypeId t = sema_annotation(s, sema_node(s, stmt)->b);
    sema_node(s, stmt)->type = t;
    SymId id = sema_declare_local(s, fi, target);
    Symbol *sym = sema_sym(s, id);
    if (!sym->type) {
        sym->type = t;
        sym->decl = target;
    } else if (sym->type != t && t != TYPE_ERROR && sym->type != TYPE_ERROR) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, sema_node(s, stmt)->b)->span,
                                  "`%s` is already declared with type `%s`", str_text(sym->name),
                                  type_name(sym->type));
        diag_label(d, "conflicting annotation `%s`", type_name(t));
        if (sym->decl) diag_note(d, sema_node(s, sym->decl)->span, "first declared here");
        diag_emit(d);
    }
}

static void sema_collect_block(Sema *s, uint32_t fi, NodeList body);

static void sema_collect_stmt(Sema *s, uint32_t fi, NodeId sid) {
    Node *n = sema_node(s, sid);
    switch ((NodeKind)n->kind) {
    case N_ASSIGN: {
        NodeList targets = n->list;
        for (uint32_t i = 0; i < targets.count; i++) {
            NodeId t = ast_list_at(s->ast, targets, i);
            if (sema_node(s, t)->kind == N_NAME) sema_declare_local(s, fi, t);
        }
        break;
    }
    case N_AUG_ASSIGN:
        if (sema_node(s, n->a)->kind == N_NAME) sema_declare_local(s, fi, n->a);
        break;
    case N_ANN_ASSIGN: sema_declare_annotated(s, fi, sid); break;
    case N_FOR: {
        NodeList body = n->list, orelse = n->list2;
        if (sema_node(s, n->a)->kind == N_NAME) sema_declare_local(s, fi, n->a);
        sema_collect_block(s, fi, body);
        sema_collect_block(s, fi, orelse);
        break;
    }
    case N_IF:
    case N_WHILE: {
        NodeList body = n->list, orelse = n->list2;
        sema_collect_block(s, fi, body);
        sema_collect_block(s, fi, orelse);
        break;
    }
    default:
        /* nested defs, with/try/match: unsupported, reported when checked */
        break;
    }
}

static void sema_collect_block(Sema *s, uint32_t fi, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++) sema_collect_stmt(s, fi, ast_list_at(s->ast, body, i));
}

static void sema_mark_assigned(Sema *s, SymId id) {
    if (id < s->lstate_len) s->lstate[id] |= LS_ASSIGNED;
}

/* ==== Assignments ========================================================= */

/* Store a value of type `tv` (the expression `value`) into the name
 * `target`. The first assignment of an unannotated local fixes its type. */
static void sema_assign_name(Sema *s, NodeId target, NodeId value, TypeId tv) {
    Node *t = sema_node(s, target);
    SymId id = symmap_get(&s->scope, t->name);
    if (!id) ICE("assignment target `%s` was not collected", str_text(t->name));
    t->sym = id;
    Symbol *sym = sema_sym(s, id);
    if (!sym->type) {
        if (tv == TYPE_NEVER) {
            sema_unsupported(s, sema_node(s, value)->span, "binding the result of an expression that never returns");
            tv = TYPE_ERROR;
        }
        sym->type = tv;
        sym->decl = target;
    } else if (!sema_assignable(sym->type, tv)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, value)->span,
                                  "mismatched types: `%s` has type `%s`, found `%s`", str_text(t->name),
                                  type_name(sym->type), type_name(tv));
        diag_label(d, "expected `%s`, found `%s`", type_name(sym->type), type_name(tv));
        if (sym->decl && sym->decl != target)
            diag_note(d, sema_node(s, sym->decl)->span, "`%s` got its type here", str_text(t->name));
        diag_emit(d);
    }
    sema_node(s, target)->type = sym->type;
    sema_mark_assigned(s, id);
}

static void sema_bad_target(Sema *s, NodeId target) {
    Node *t = sema_node(s, target);
    switch ((NodeKind)t->kind) {
    case N_POISON: return;
    case N_TUPLE:
    case N_LIST: sema_unsupported(s, t->span, "tuple assignment"); return;
    case N_ATTR: sema_unsupported(s, t->span, "assignment to an attribute"); return;
    case N_SUBSCRIPT: sema_unsupported(s, t->span, "assignment to a subscript"); return;
    case N_STARRED: sema_unsupported(s, t->span, "starred assignment"); return;
    default: break;
    }
    sema_error(s, CODE_PARSE_TARGET, t->span, "cannot assign to this expression");
}

static void sema_assign(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeList targets = n->list;
    NodeId value = n->a;
    bool unpacking = false;
    for (uint32_t i = 0; i < targets.count; i++) {
        NodeKind k = sema_node(s, ast_list_at(s->ast, targets, i))->kind;
        if (k == N_TUPLE || k == N_LIST) unpacking = true;
    }
    TypeId tv;
    if (unpacking && sema_node(s, value)->kind == N_TUPLE) {
        /* `a, b = 1, 2` is one unsupported construct: report it once (at
         * the target) and check only the elements of the value */
        NodeList elems = sema_node(s, value)->list;
        for (uint32_t i = 0; i < elems.count; i++) sema_expr(s, ast_list_at(s->ast, elems, i));
        tv = TYPE_ERROR;
        sema_node(s, value)->type = tv;
    } else {
        tv = sema_expr(s, value);
    }
    for (uint32_t i = 0; i < targets.count; i++) {
        NodeId t = ast_list_at(s->ast, targets, i);
        if (sema_node(s, t)->kind == N_NAME) sema_assign_name(s, t, value, tv);
        else sema_bad_target(s, t);
    }
}

static void sema_ann_assign(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId target = n->a, value = n->c;
    if (sema_node(s, target)->kind != N_NAME) {
        if (sema_node(s, target)->kind != N_POISON)
            sema_unsupported(s, sema_node(s, target)->span, "an annotated assignment to this target");
        if (value) sema_expr(s, value);
        return;
    }
    SymId id = symmap_get(&s->scope, sema_node(s, target)->name);
    if (!id) ICE("annotated target was not collected");
    Symbol *sym = sema_sym(s, id);
    sema_node(s, target)->sym = id;
    sema_node(s, target)->type = sym->type;
    if (!value) return;
    char what[128];
    snprintf(what, sizeof what, "the value of `%s`", str_text(sym->name));
    sema_expr_expect(s, value, sema_sym(s, id)->type, what);
    sema_mark_assigned(s, id);
}

static void sema_aug_assign(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId target = n->a, value = n->b;
    uint32_t op = n->op;
    if (sema_node(s, target)->kind != N_NAME) {
        sema_bad_target(s, target);
        sema_expr(s, value);
        return;
    }
    /* `x += e` reads x first: the same use-before-assignment rule applies */
    TypeId tt = sema_expr(s, target);
    TypeId tv = sema_expr(s, value);
    if (tt == TYPE_ERROR || tv == TYPE_ERROR) return;
    bool unsup;
    TypeId r = sema_binop_result(op, tt, tv, &unsup);
    Span at = sema_node(s, sid)->span;
    if (!r) {
        if (unsup) {
            char what[128];
            snprintf(what, sizeof what, "`%s %s= %s`", type_name(tt), sema_op_text(op), type_name(tv));
            sema_unsupported(s, at, what);
            return;
        }
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "unsupported operand types for `%s=`: `%s` and `%s`",
                                  sema_op_text(op), type_name(tt), type_name(tv));
        diag_label(d, "`%s` %s= `%s`", type_name(tt), sema_op_text(op), type_name(tv));
        diag_emit(d);
        return;
    }
    if (!sema_assignable(tt, r)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "`%s=` produces `%s`, but `%s` has type `%s`",
                                  sema_op_text(op), type_name(r), str_text(sema_node(s, target)->name),
                                  type_name(tt));
        diag_label(d, "the result does not fit `%s`", type_name(tt));
        if (op == TOK_SLASH) diag_help(d, "use `//=` for integer division");
        diag_emit(d);
        return;
    }
    /* the operation's own result type; codegen converts it to the target's */
    sema_node(s, sid)->type = r;
}

/* ==== Control flow ======================================================== */

static void sema_block(Sema *s, NodeList body);

static void sema_for(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId target = n->a, iter = n->b;
    NodeList body = n->list, orelse = n->list2;
    if (n->flags & NF_ASYNC) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, span_make(s->file, n->span.lo, n->span.lo + 5),
                                  "`async for` outside `async def`");
        diag_label(d, "only allowed inside `async def`");
        diag_emit(d);
        return;
    }
    TypeId ti = sema_range_call(s, iter);
    if (!ti) {
        TypeId t = sema_expr(s, iter);
        if (t != TYPE_ERROR) {
            char what[96];
            snprintf(what, sizeof what, "iterating over a value of type `%s`", type_name(t));
            sema_unsupported(s, sema_node(s, iter)->span, what);
        }
        ti = TYPE_ERROR;
    }
    /* the element type: int for range(); poison when the iterable failed,
     * so uses of the loop variable stay quiet */
    TypeId elem = ti == TYPE_RANGE ? TYPE_INT : TYPE_ERROR;
    Node *tn = sema_node(s, target);
    if (tn->kind == N_NAME) {
        SymId id = symmap_get(&s->scope, tn->name);
        if (!id) ICE("loop target was not collected");
        Symbol *sym = sema_sym(s, id);
        tn->sym = id;
        if (!sym->type) {
            sym->type = elem;
            sym->decl = target;
        } else if (sym->type != TYPE_INT && sym->type != TYPE_ERROR && elem != TYPE_ERROR) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, tn->span,
                                      "mismatched types: `%s` has type `%s`, but the loop assigns `int`",
                                      str_text(tn->name), type_name(sym->type));
            diag_label(d, "expected `%s`, found `int`", type_name(sym->type));
            if (sym->decl) diag_note(d, sema_node(s, sym->decl)->span, "`%s` got its type here",
                                     str_text(tn->name));
            diag_emit(d);
        }
        tn->type = sym->type;
        sema_mark_assigned(s, id);
    } else if (tn->kind == N_TUPLE || tn->kind == N_LIST) {
        sema_unsupported(s, tn->span, "unpacking in a `for` target");
    } else {
        sema_bad_target(s, target);
    }
    s->loop_depth++;
    sema_block(s, body);
    s->loop_depth--;
    /* a `break` in the else clause belongs to an enclosing loop */
    sema_block(s, orelse);
}

static void sema_return(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId value = n->a;
    SemaFunc *f = &s->prog->funcs.items[s->fn];
    TypeId ret = f->ret;
    if (!value) {
        if (ret != TYPE_NONE && ret != TYPE_ERROR) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span,
                                      "`return` without a value in a function returning `%s`", type_name(ret));
            diag_label(d, "expected a value of type `%s`", type_name(ret));
            diag_emit(d);
        }
        return;
    }
    if (ret == TYPE_NONE) {
        TypeId t = sema_expr(s, value);
        if (t != TYPE_NONE && t != TYPE_ERROR && t != TYPE_NEVER) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, value)->span,
                                      "mismatched types: `%s` returns `None`, found `%s`", str_text(f->name),
                                      type_name(t));
            diag_label(d, "expected `None`, found `%s`", type_name(t));
            if (!sema_node(s, f->def)->a) diag_help(d, "declare the return type: `-> %s`", type_name(t));
            diag_emit(d);
        }
        return;
    }
    sema_expr_expect(s, value, ret, "the return value");
}

static void sema_stmt(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    switch ((NodeKind)n->kind) {
    case N_POISON:
    case N_PASS: return;
    case N_EXPR_STMT: sema_expr(s, n->a); return;
    case N_ASSIGN: sema_assign(s, sid); return;
    case N_ANN_ASSIGN: sema_ann_assign(s, sid); return;
    case N_AUG_ASSIGN: sema_aug_assign(s, sid); return;
    case N_BREAK:
        if (!s->loop_depth) {
            Diagnostic *d = sema_diag(s, CODE_FLOW_BREAK, n->span, "`break` outside a loop");
            diag_label(d, "cannot `break` outside a loop");
            diag_emit(d);
        }
        return;
    case N_CONTINUE:
        if (!s->loop_depth) {
            Diagnostic *d = sema_diag(s, CODE_FLOW_CONTINUE, n->span, "`continue` outside a loop");
            diag_label(d, "cannot `continue` outside a loop");
            diag_emit(d);
        }
        return;
    case N_RETURN: sema_return(s, sid); return;
    case N_IF: {
        NodeList body = n->list, orelse = n->list2;
        sema_cond(s, n->a, "the condition of `if`");
        sema_block(s, body);
        sema_block(s, orelse);
        return;
    }
    case N_WHILE: {
        NodeList body = n->list, orelse = n->list2;
        sema_cond(s, n->a, "the condition of `while`");
        s->loop_depth++;
        sema_block(s, body);
        s->loop_depth--;
        sema_block(s, orelse);
        return;
    }
    case N_FOR: sema_for(s, sid); return;
    case N_ASSERT: {
        NodeId msg = n->b;
        sema_cond(s, n->a, "the condition of `assert`");
        if (msg) sema_expr_expect(s, msg, TYPE_STR, "the message of `assert`");
        return;
    }
    case N_FUNC_DEF:
        sema_unsupported(s, span_make(s->file, n->span.lo, sema_def_name_span(s, sid).hi), "nested `def`");
        return;
    case N_CLASS_DEF:
        sema_unsupported(s, span_make(s->file, n->span.lo, sema_def_name_span(s, sid).hi), "`class` inside a function");
        return;
    case N_WITH:
        if (n->flags & NF_ASYNC) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, span_make(s->file, n->span.lo, n->span.lo + 5),
                                      "`async with` outside `async def`");
            diag_label(d, "only allowed inside `async def`");
            diag_emit(d);
        } else {
            sema_unsupported(s, span_make(s->file, n->span.lo, n->span.lo + 4), "`with`");
        }
        return;
    case N_TRY: sema_unsupported(s, span_make(s->file, n->span.lo, n->span.lo + 3), "`try`"); return;
    case N_MATCH: sema_unsupported(s, span_make(s->file, n->span.lo, n->span.lo + 5), "`match`"); return;
    case N_RAISE: sema_unsupported(s, n->span, "`raise`"); return;
    case N_DEL: sema_unsupported(s, n->span, "`del`"); return;
    case N_GLOBAL:
        sema_unsupported(s, n->span, n->flags & NF_NONLOCAL ? "`nonlocal`" : "`global`");
        return;
    case N_IMPORT:
    case N_IMPORT_FROM: sema_unsupported(s, n->span, "`import` inside a function"); return;
    case N_TYPE_ALIAS: sema_unsupported(s, n->span, "`type` alias inside a function"); return;
    default: break;
    }
    ICE("sema_stmt: %s is not a statement", node_kind_name((NodeKind)n->kind));
}

static void sema_block(Sema *s, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++) sema_stmt(s, ast_list_at(s->ast, body, i));
}

/* ==== Always-returns analysis ============================================= */

/* Does `body` contain a `break` that leaves the loop owning `body`? Breaks
 * inside nested loop bodies belong to those loops; their else clauses do
 * not. */
static bool sema_has_break(const Sema *s, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++) {
        const Node *n = sema_node(s, ast_list_at(s->ast, body, i));
        switch ((NodeKind)n->kind) {
        case N_BREAK: return true;
        case N_IF:
            if (sema_has_break(s, n->list) || sema_has_break(s, n->list2)) return true;
            break;
        case N_WHILE:
        case N_FOR:
            if (sema_has_break(s, n->list2)) return true;
            break;
        default: break;
        }
    }
    return false;
}

static bool sema_block_returns(const Sema *s, NodeList body);

static bool sema_stmt_returns(const Sema *s, NodeId sid) {
    const Node *n = sema_node(s, sid);
    switch ((NodeKind)n->kind) {
    case N_RETURN: return true;
    case N_EXPR_STMT: return sema_node(s, n->a)->type == TYPE_NEVER;
    case N_IF: return n->list2.count && sema_block_returns(s, n->list) && sema_block_returns(s, n->list2);
    case N_WHILE: {
        /* `while True:` without a break only leaves by return or panic */
        const Node *c = sema_node(s, n->a);
        return c->kind == N_BOOL && c->v.bval && !sema_has_break(s, n->list);
    }
    default: return false;
    }
}

static bool sema_block_returns(const Sema *s, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++)
        if (sema_stmt_returns(s, ast_list_at(s->ast, body, i))) return true;
    return false;
}

/* ==== Function bodies ===================================================== */

void sema_func_body(Sema *s, uint32_t fi) {
    SemaFunc *f = &s->prog->funcs.items[fi];
    NodeId def = f->def;
    s->fn = (int32_t)fi;
    s->loop_depth = 0;
    symmap_free(&s->scope);
    for (uint32_t i = 0; i < f->params.len; i++) {
        SymId p = f->params.items[i];
        StrId name = sema_sym(s, p)->name;
        if (name && !symmap_get(&s->scope, name)) symmap_put(&s->scope, name, p);
    }
    NodeList body = sema_node(s, def)->list2;
    sema_collect_block(s, fi, body);

    /* flow facts, indexed by SymId: parameters start out assigned */
    free(s->lstate);
    s->lstate_len = s->prog->syms.len;
    s->lstate = xcalloc(s->lstate_len, 1);
    f = &s->prog->funcs.items[fi];
    for (uint32_t i = 0; i < f->params.len; i++) sema_mark_assigned(s, f->params.items[i]);

    sema_block(s, body);

    f = &s->prog->funcs.items[fi];
    if (f->ret != TYPE_NONE && f->ret != TYPE_ERROR && !sema_block_returns(s, body)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_RETURN, sema_def_name_span(s, def),
                                  "`%s` may reach its end without returning a value", str_text(f->name));
        diag_label(d, "this function returns `%s`", type_name(f->ret));
        diag_help(d, "add a `return` (or a `panic(...)`) at the end of the function");
        diag_emit(d);
    }
    /* every local has a type for codegen, even one only ever written by a
     * statement that failed to check */
    for (uint32_t i = 0; i < f->locals.len; i++) {
        Symbol *sym = sema_sym(s, f->locals.items[i]);
        if (!sym->type) sym->type = TYPE_ERROR;
    }
    s->fn = -1;
}
