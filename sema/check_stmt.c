/* Function bodies: Python-style local collection (a name assigned anywhere in
 * a body is one local of the whole function), statement checking in source
 * order (assignments incl. tuple unpacking and attribute/subscript targets,
 * control flow with narrowing, loops over any iterable, return, assert, del)
 * and the structural "always returns" analysis behind SIFR-TYPE-0005. */
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

/* Names inside an assignment target (tuples unpack into several). */
static void sema_collect_target(Sema *s, uint32_t fi, NodeId t) {
    Node *n = sema_node(s, t);
    if (n->kind == N_NAME) {
        /* `_ = expr` discards: `_` is an ordinary local that is never read */
        sema_declare_local(s, fi, t);
    } else if (n->kind == N_TUPLE || n->kind == N_LIST) {
        NodeList el = n->list;
        for (uint32_t i = 0; i < el.count; i++) sema_collect_target(s, fi, ast_list_at(s->ast, el, i));
    } else if (n->kind == N_STARRED && n->a) { /* `first, *rest = xs` */
        sema_collect_target(s, fi, n->a);
    }
}

static void sema_collect_stmt(Sema *s, uint32_t fi, NodeId sid) {
    Node *n = sema_node(s, sid);
    switch ((NodeKind)n->kind) {
    case N_ASSIGN: {
        NodeList targets = n->list;
        for (uint32_t i = 0; i < targets.count; i++) sema_collect_target(s, fi, ast_list_at(s->ast, targets, i));
        break;
    }
    case N_AUG_ASSIGN:
        if (sema_node(s, n->a)->kind == N_NAME) sema_declare_local(s, fi, n->a);
        break;
    case N_ANN_ASSIGN: sema_declare_annotated(s, fi, sid); break;
    case N_FOR: {
        NodeList body = n->list, orelse = n->list2;
        sema_collect_target(s, fi, n->a);
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
    case N_WITH: {
        NodeList items = n->list, body = n->list2;
        for (uint32_t i = 0; i < items.count; i++) {
            NodeId t = sema_node(s, ast_list_at(s->ast, items, i))->b;
            if (t) sema_collect_target(s, fi, t);
        }
        sema_collect_block(s, fi, body);
        break;
    }
    case N_TRY: {
        NodeList body = n->list, handlers = n->list2, orelse = n->list3, fin = n->list4;
        sema_collect_block(s, fi, body);
        for (uint32_t i = 0; i < handlers.count; i++)
            sema_collect_block(s, fi, sema_node(s, ast_list_at(s->ast, handlers, i))->list);
        sema_collect_block(s, fi, orelse);
        sema_collect_block(s, fi, fin);
        break;
    }
    case N_MATCH: {
        NodeList cases = n->list;
        for (uint32_t i = 0; i < cases.count; i++)
            sema_collect_block(s, fi, sema_node(s, ast_list_at(s->ast, cases, i))->list);
        break;
    }
    default:
        /* nested defs: unsupported, reported when checked; `except ... as e`
         * names, match captures and comprehension variables are scoped to
         * their clause and get fresh symbols when checked */
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
    /* narrowing: every earlier fact about the name dies; a present value
     * assigned to a `T | None` local narrows it again */
    for (uint32_t i = 0; i < s->narrows.len; i++)
        if (s->narrows.items[i].sym == id) s->narrows.items[i].type = sym->type;
    if (sym->type && sym->type != TYPE_ERROR && type_get(sym->type)->kind == TY_OPTION && tv != TYPE_ERROR &&
        tv != TYPE_NONE && type_get(tv)->kind != TY_OPTION)
        sema_narrow_push(s, id, type_get(sym->type)->args[0]);
}

static void sema_bad_target(Sema *s, NodeId target) {
    Node *t = sema_node(s, target);
    switch ((NodeKind)t->kind) {
    case N_POISON: return;
    case N_STARRED: sema_unsupported(s, t->span, "starred assignment"); return;
    default: break;
    }
    sema_error(s, CODE_PARSE_TARGET, t->span, "cannot assign to this expression");
}

/* The type a store into `obj.attr` / `obj[index]` needs, or TYPE_ERROR
 * after a diagnostic. Checks the object and index expressions. */
static TypeId sema_place_type(Sema *s, NodeId target) {
    Node *t = sema_node(s, target);
    if (t->kind == N_ATTR) {
        NodeId obj = t->a;
        TypeId ot = sema_expr(s, obj);
        if (ot == TYPE_ERROR) return TYPE_ERROR;
        t = sema_node(s, target);
        if (type_get(ot)->kind != TY_CLASS) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, t->span, "cannot assign to an attribute of `%s`",
                                      type_name(ot));
            diag_label(d, "only class instances have assignable fields");
            diag_emit(d);
            return TYPE_ERROR;
        }
        const ClassField *f = sema_class_field(s, type_get(ot)->sym, t->name);
        if (!f) {
            sema_class_attr(s, target, ot); /* reports the unknown attribute */
            const ClassMethod *m = sema_class_method(s, type_get(ot)->sym, t->name);
            if (m) sema_error(s, CODE_TYPE_MISMATCH, t->span, "cannot assign to the method `%s`", str_text(t->name));
            return TYPE_ERROR;
        }
        return sema_member_type(s, ot, f->type);
    }
    if (t->kind == N_SUBSCRIPT) {
        NodeId obj = t->a, index = t->b;
        TypeId ot = sema_expr(s, obj);
        if (ot == TYPE_ERROR) {
            sema_expr(s, index);
            return TYPE_ERROR;
        }
        const Type *ty = type_get(ot);
        if (ty->kind == TY_LIST) {
            if (sema_node(s, index)->kind == N_SLICE) {
                /* xs[a:b:c] = ys: the bounds are ints, the value a list of the same type */
                Node *sl = sema_node(s, index);
                NodeId parts[3] = {sl->a, sl->b, sl->c};
                bool ok = true;
                for (int i = 0; i < 3; i++)
                    if (parts[i] && sema_expr_expect(s, parts[i], TYPE_INT, "a slice bound") == TYPE_ERROR) ok = false;
                sl->type = TYPE_NONE;
                return ok ? ot : TYPE_ERROR;
            }
            if (sema_expr_expect(s, index, TYPE_INT, "an index") == TYPE_ERROR) return TYPE_ERROR;
            return type_get(ot)->args[0];
        }
        if (ty->kind == TY_DICT) {
            TypeId k = ty->args[0], v = ty->args[1];
            if (sema_expr_expect(s, index, k, "the key") == TYPE_ERROR) return TYPE_ERROR;
            return v;
        }
        sema_expr(s, index);
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, target)->span,
                                  "`%s` does not support item assignment", type_name(ot));
        diag_label(d, "only lists and dicts can be assigned into");
        if (ot == TYPE_STR || ty->kind == TY_TUPLE) diag_help(d, "`%s` is immutable", type_name(ot));
        diag_emit(d);
        return TYPE_ERROR;
    }
    return TYPE_ERROR;
}

void sema_assign_target(Sema *s, NodeId target, NodeId value, TypeId tv) {
    Node *t = sema_node(s, target);
    switch ((NodeKind)t->kind) {
    case N_NAME: sema_assign_name(s, target, value, tv); return;
    case N_TUPLE:
    case N_LIST: {
        NodeList el = t->list;
        const Type *ty = type_get(tv);
        uint32_t stars = 0; /* `first, *rest = xs` of a list: rest is a list */
        for (uint32_t i = 0; i < el.count; i++) stars += sema_node(s, ast_list_at(s->ast, el, i))->kind == N_STARRED;
        bool ok = tv == TYPE_ERROR || (ty->kind == TY_TUPLE && ty->nargs == el.count && !stars) ||
                  (ty->kind == TY_LIST && stars <= 1);
        if (!ok && stars && ty->kind == TY_TUPLE) {
            sema_unsupported(s, t->span, "starred unpacking of a tuple");
            tv = TYPE_ERROR;
        } else if (!ok) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, value ? sema_node(s, value)->span : t->span,
                                      "cannot unpack `%s` into %u targets", type_name(tv), el.count);
            if (ty->kind == TY_TUPLE) diag_label(d, "the tuple has %u elements", ty->nargs);
            else diag_label(d, "not a tuple");
            diag_emit(d);
            tv = TYPE_ERROR;
        }
        for (uint32_t i = 0; i < el.count; i++) {
            TypeId et = tv == TYPE_ERROR ? TYPE_ERROR
                        : type_get(tv)->kind == TY_LIST ? type_get(tv)->args[0]
                                                         : type_get(tv)->args[i];
            Node *ei = sema_node(s, ast_list_at(s->ast, el, i));
            if (ei->kind == N_STARRED && (tv == TYPE_ERROR || stars == 1)) {
                ei->type = tv;
                sema_assign_target(s, ei->a, value, tv);
                continue;
            }
            /* element values have no node of their own: report at the value */
            sema_assign_target(s, ast_list_at(s->ast, el, i), value, et);
        }
        sema_node(s, target)->type = tv;
        return;
    }
    case N_ATTR:
    case N_SUBSCRIPT: {
        TypeId want = sema_place_type(s, target);
        sema_node(s, target)->type = want;
        if (want == TYPE_ERROR || tv == TYPE_ERROR) return;
        if (!sema_assignable(want, tv)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, value ? sema_node(s, value)->span : t->span,
                                      "mismatched types: the target has type `%s`, found `%s`", type_name(want),
                                      type_name(tv));
            diag_label(d, "expected `%s`, found `%s`", type_name(want), type_name(tv));
            diag_emit(d);
        }
        return;
    }
    default: sema_bad_target(s, target); return;
    }
}

static void sema_assign(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeList targets = n->list;
    NodeId value = n->a;
    /* a single name target with a known type gives the value its hint
     * (`xs = []` after `xs: list[int]`, `o = None` into `int | None`) */
    TypeId hint = 0;
    if (targets.count == 1) {
        Node *t0 = sema_node(s, ast_list_at(s->ast, targets, 0));
        if (t0->kind == N_NAME) {
            SymId id = symmap_get(&s->scope, t0->name);
            if (id && sema_sym(s, id)->type) hint = sema_sym(s, id)->type;
        } else if (t0->kind == N_SUBSCRIPT && sema_node(s, t0->b)->kind == N_SLICE &&
                   sema_node(s, t0->a)->kind == N_NAME) {
            /* `xs[a:b] = []`: the value has the list's type */
            SymId id = symmap_get(&s->scope, sema_node(s, t0->a)->name);
            TypeId lt = id ? sema_sym(s, id)->type : 0;
            if (lt && type_get(lt)->kind == TY_LIST) hint = lt;
        }
    }
    TypeId tv = sema_expr_hint(s, value, hint);
    for (uint32_t i = 0; i < targets.count; i++) sema_assign_target(s, ast_list_at(s->ast, targets, i), value, tv);
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
    if (id && sema_sym(s, id)->kind == SYM_PARAM) {
        sema_error(s, CODE_NAME_REDEFINED, sema_node(s, target)->span,
                   "`%s` is a parameter and cannot be declared again", str_text(sema_node(s, target)->name));
        if (value) sema_expr(s, value);
        return;
    }
    if (!id) ICE("annotated target was not collected");
    Symbol *sym = sema_sym(s, id);
    sema_node(s, target)->sym = id;
    sema_node(s, target)->type = sym->type;
    if (!value) return;
    char what[128];
    snprintf(what, sizeof what, "the value of `%s`", str_text(sym->name));
    TypeId tv = sema_expr_expect(s, value, sema_sym(s, id)->type, what);
    sema_mark_assigned(s, id);
    for (uint32_t i = 0; i < s->narrows.len; i++)
        if (s->narrows.items[i].sym == id) s->narrows.items[i].type = sema_sym(s, id)->type;
    TypeId dt = sema_sym(s, id)->type;
    if (dt && dt != TYPE_ERROR && type_get(dt)->kind == TY_OPTION && tv != TYPE_ERROR && tv != TYPE_NONE &&
        type_get(tv)->kind != TY_OPTION)
        sema_narrow_push(s, id, type_get(dt)->args[0]);
}

static void sema_aug_assign(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId target = n->a, value = n->b;
    uint32_t op = n->op;
    NodeKind tk = (NodeKind)sema_node(s, target)->kind;
    if (tk != N_NAME && tk != N_ATTR && tk != N_SUBSCRIPT) {
        sema_bad_target(s, target);
        sema_expr(s, value);
        return;
    }
    /* `x += e` reads x first: the same use-before-assignment rule applies */
    TypeId tt = tk == N_NAME ? sema_expr(s, target) : sema_place_type(s, target);
    if (tk != N_NAME) sema_node(s, target)->type = tt;
    if (tk == N_SUBSCRIPT) sema_key_error_point(s, target, tt); /* d[k] += v reads d[k] */
    TypeId tv = sema_expr(s, value);
    if (tt == TYPE_ERROR || tv == TYPE_ERROR) return;
    bool unsup;
    TypeId r = sema_binop_result(op, tt, tv, &unsup);
    Span at = sema_node(s, sid)->span;
    if (!r) {
        if (unsup) {
            char what[128];
            snprintf(what, sizeof what, "`%s %s= %s`", type_name(tt), ast_op_text(op), type_name(tv));
            sema_unsupported(s, at, what);
            return;
        }
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "unsupported operand types for `%s=`: `%s` and `%s`",
                                  ast_op_text(op), type_name(tt), type_name(tv));
        diag_label(d, "`%s` %s= `%s`", type_name(tt), ast_op_text(op), type_name(tv));
        diag_emit(d);
        return;
    }
    if (!sema_assignable(tt, r)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "`%s=` produces `%s`, but `%s` has type `%s`",
                                  ast_op_text(op), type_name(r),
                                  tk == N_SUBSCRIPT ? "the element" : str_text(sema_node(s, target)->name),
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

/* Before a loop body is checked: a narrowing fact about a name assigned
 * anywhere in the body does not hold at the top of the next iteration. */
static void sema_kill_assigned(Sema *s, NodeList body);

static void sema_kill_target(Sema *s, NodeId t) {
    Node *n = sema_node(s, t);
    if (n->kind == N_NAME) {
        SymId id = symmap_get(&s->scope, n->name);
        for (uint32_t i = 0; id && i < s->narrows.len; i++)
            if (s->narrows.items[i].sym == id) s->narrows.items[i].type = sema_sym(s, id)->type;
    } else if (n->kind == N_TUPLE || n->kind == N_LIST) {
        for (uint32_t i = 0; i < n->list.count; i++) sema_kill_target(s, ast_list_at(s->ast, n->list, i));
    }
}

static void sema_kill_assigned(Sema *s, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++) {
        Node *n = sema_node(s, ast_list_at(s->ast, body, i));
        switch ((NodeKind)n->kind) {
        case N_ASSIGN:
            for (uint32_t j = 0; j < n->list.count; j++) sema_kill_target(s, ast_list_at(s->ast, n->list, j));
            break;
        case N_ANN_ASSIGN:
        case N_AUG_ASSIGN: sema_kill_target(s, n->a); break;
        case N_FOR: sema_kill_target(s, n->a); /* fall through */
        case N_IF:
        case N_WHILE:
            sema_kill_assigned(s, n->list);
            sema_kill_assigned(s, n->list2);
            break;
        case N_TRY:
            sema_kill_assigned(s, n->list);
            for (uint32_t j = 0; j < n->list2.count; j++)
                sema_kill_assigned(s, sema_node(s, ast_list_at(s->ast, n->list2, j))->list);
            sema_kill_assigned(s, n->list3);
            sema_kill_assigned(s, n->list4);
            break;
        case N_WITH: sema_kill_assigned(s, n->list2); break;
        case N_MATCH:
            for (uint32_t j = 0; j < n->list.count; j++)
                sema_kill_assigned(s, sema_node(s, ast_list_at(s->ast, n->list, j))->list);
            break;
        default: break;
        }
    }
}

static void sema_for(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId target = n->a, iter = n->b;
    NodeList body = n->list, orelse = n->list2;
    if ((n->flags & NF_ASYNC) && !sema_in_async(s)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, span_make(s->file, n->span.lo, n->span.lo + 5),
                                  "`async for` outside `async def`");
        diag_label(d, "only allowed inside `async def`");
        diag_emit(d);
        return;
    }
    TypeId ti = (n->flags & NF_ASYNC) ? 0 : sema_range_call(s, iter);
    if (!ti) ti = sema_expr(s, iter);
    TypeId elem = TYPE_ERROR;
    if (ti != TYPE_ERROR && (n->flags & NF_ASYNC)) {
        elem = sema_async_iter_elem(s, ti, iter);
    } else if (ti != TYPE_ERROR) {
        elem = sema_iter_elem(ti);
        if (!elem) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, iter)->span, "`%s` is not iterable",
                                      type_name(ti));
            diag_label(d, "cannot iterate over this");
            if (type_get(ti)->kind == TY_OPTION) diag_help(d, "test it with `is not None` first");
            diag_emit(d);
            elem = TYPE_ERROR;
        }
    }
    Node *tn = sema_node(s, target);
    if (tn->kind == N_NAME) {
        SymId id = symmap_get(&s->scope, tn->name);
        if (!id) ICE("loop target was not collected");
        Symbol *sym = sema_sym(s, id);
        tn->sym = id;
        if (!sym->type) {
            sym->type = elem;
            sym->decl = target;
        } else if (!sema_assignable(sym->type, elem)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, tn->span,
                                      "mismatched types: `%s` has type `%s`, but the loop assigns `%s`",
                                      str_text(tn->name), type_name(sym->type), type_name(elem));
            diag_label(d, "expected `%s`, found `%s`", type_name(sym->type), type_name(elem));
            if (sym->decl) diag_note(d, sema_node(s, sym->decl)->span, "`%s` got its type here",
                                     str_text(tn->name));
            diag_emit(d);
        }
        tn->type = sym->type;
        sema_mark_assigned(s, id);
        for (uint32_t i = 0; i < s->narrows.len; i++)
            if (s->narrows.items[i].sym == id) s->narrows.items[i].type = sym->type;
    } else {
        sema_assign_target(s, target, iter, elem);
    }
    sema_kill_assigned(s, body);
    uint32_t nmark = s->narrows.len;
    s->loop_depth++;
    sema_block(s, body);
    s->loop_depth--;
    s->narrows.len = nmark;
    /* a `break` in the else clause belongs to an enclosing loop */
    sema_block(s, orelse);
}

static void sema_return(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId value = n->a;
    SemaFunc *f = &s->prog->funcs.items[s->fn];
    TypeId ret = f->ret;
    if (!value) {
        bool ok_none = ret != TYPE_ERROR && type_get(ret)->kind == TY_RESULT && type_get(ret)->args[0] == TYPE_NONE;
        if (ret != TYPE_NONE && ret != TYPE_ERROR && !ok_none) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span,
                                      "`return` without a value in a function returning `%s`", type_name(ret));
            diag_label(d, "expected a value of type `%s`", type_name(ret));
            diag_emit(d);
        }
        return;
    }
    if (s->lambda_depth) ICE("return inside a lambda");
    if (ret != TYPE_ERROR && type_get(ret)->kind == TY_RESULT) {
        /* `return v` is Ok(v); a Result of the same type is returned as is */
        TypeId okt = type_get(ret)->args[0];
        /* inside a `try` body a returned call is unwrapped like any other
         * (SPEC 4: only a name annotated as a Result keeps one), so that its
         * error reaches the `except` clauses; `return Ok(..)`/`Err(..)`
         * written explicitly stays the return value */
        Node *vn = sema_node(s, value);
        Node *callee = vn->kind == N_CALL ? sema_node(s, vn->a) : NULL;
        bool ctor = callee && callee->kind == N_NAME &&
                    (!strcmp(str_text(callee->name), "Ok") || !strcmp(str_text(callee->name), "Err"));
        TypeId t = sema_expr_hint(s, value, s->tries.len && callee && !ctor ? okt : ret);
        if (t == TYPE_ERROR || sema_assignable(ret, t) || sema_assignable(okt, t)) return;
        if (type_get(t)->kind == TY_RESULT && sema_assignable(okt, type_get(t)->args[0]) &&
            sema_assignable(type_get(ret)->args[1], type_get(t)->args[1]))
            return;
        sema_mismatch(s, sema_node(s, value)->span, okt, t, "the return value");
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

/* `if` with narrowing: the body sees the condition true, the else branch
 * false; after an `if` whose body cannot fall through (`if x is None:
 * return`), the rest of the enclosing block sees the condition false. */
static void sema_if(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId cond = n->a;
    NodeList body = n->list, orelse = n->list2;
    sema_cond(s, cond, "the condition of `if`");
    uint32_t mark = s->narrows.len;
    sema_narrow_cond(s, cond, true);
    sema_block(s, body);
    s->narrows.len = mark;
    sema_narrow_cond(s, cond, false);
    sema_block(s, orelse);
    s->narrows.len = mark;
    bool body_ends = sema_block_terminates(s, body);
    bool else_ends = orelse.count && sema_block_terminates(s, orelse);
    if (body_ends && !else_ends) sema_narrow_cond(s, cond, false);
    else if (else_ends && !body_ends) sema_narrow_cond(s, cond, true);
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
    case N_IF: sema_if(s, sid); return;
    case N_WHILE: {
        NodeList body = n->list, orelse = n->list2;
        NodeId cond = n->a;
        sema_kill_assigned(s, body);
        sema_cond(s, cond, "the condition of `while`");
        uint32_t mark = s->narrows.len;
        sema_narrow_cond(s, cond, true);
        s->loop_depth++;
        sema_block(s, body);
        s->loop_depth--;
        s->narrows.len = mark;
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
        if ((n->flags & NF_ASYNC) && !sema_in_async(s)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, span_make(s->file, n->span.lo, n->span.lo + 5),
                                      "`async with` outside `async def`");
            diag_label(d, "only allowed inside `async def`");
            diag_emit(d);
        } else {
            sema_with(s, sid);
        }
        return;
    case N_TRY: sema_try(s, sid); return;
    case N_MATCH: sema_match(s, sid); return;
    case N_RAISE: sema_raise(s, sid); return;
    case N_DEL: {
        NodeList targets = n->list;
        for (uint32_t i = 0; i < targets.count; i++) {
            NodeId t = ast_list_at(s->ast, targets, i);
            Node *tn = sema_node(s, t);
            if (tn->kind == N_SUBSCRIPT) {
                NodeId obj = tn->a, index = tn->b;
                TypeId ot = sema_expr(s, obj);
                if (ot == TYPE_ERROR) {
                    sema_expr(s, index);
                    continue;
                }
                TypeKind k = type_get(ot)->kind;
                if (sema_node(s, index)->kind == N_SLICE) {
                    /* del xs[a:b:c]: lists only (str and bytes are immutable) */
                    if (sema_subscript(s, t) != TYPE_ERROR && k != TY_LIST)
                        sema_error(s, CODE_TYPE_MISMATCH, tn->span, "`del` of a slice needs a list, not `%s`",
                                   type_name(ot));
                } else if (k == TY_DICT) {
                    sema_expr_expect(s, index, type_get(ot)->args[0], "the key");
                    sema_key_error_point(s, t, type_get(ot)->args[1]);
                }
                else if (k == TY_LIST) sema_expr_expect(s, index, TYPE_INT, "an index");
                else {
                    sema_expr(s, index);
                    sema_error(s, CODE_TYPE_MISMATCH, tn->span, "`del` needs a list or dict item, not `%s`",
                               type_name(ot));
                }
                tn->type = TYPE_NONE;
            } else if (tn->kind == N_NAME) {
                /* `del x`: the name is dead until assigned again */
                TypeId t2 = sema_expr(s, t);
                (void)t2;
            } else {
                sema_unsupported(s, tn->span, "`del` of this target");
            }
        }
        return;
    }
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

void sema_block(Sema *s, NodeList body) {
    /* narrowing facts established inside a block end with it */
    uint32_t mark = s->narrows.len;
    for (uint32_t i = 0; i < body.count; i++) sema_stmt(s, ast_list_at(s->ast, body, i));
    s->narrows.len = mark;
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
    case N_RETURN:
    case N_RAISE: return true;
    case N_EXPR_STMT: return sema_node(s, n->a)->type == TYPE_NEVER;
    case N_IF: return n->list2.count && sema_block_returns(s, n->list) && sema_block_returns(s, n->list2);
    case N_WITH: return sema_block_returns(s, n->list2);
    case N_TRY: {
        /* returns when finally does, or when the body (or else) and every handler do */
        if (sema_block_returns(s, n->list4)) return true;
        if (!sema_block_returns(s, n->list) && !sema_block_returns(s, n->list3)) return false;
        for (uint32_t i = 0; i < n->list2.count; i++)
            if (!sema_block_returns(s, sema_node(s, ast_list_at(s->ast, n->list2, i))->list)) return false;
        return true;
    }
    case N_MATCH: {
        /* exhaustiveness is checked separately: every case must return */
        if (!n->list.count) return false;
        for (uint32_t i = 0; i < n->list.count; i++)
            if (!sema_block_returns(s, sema_node(s, ast_list_at(s->ast, n->list, i))->list)) return false;
        return true;
    }
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

bool sema_block_terminates(const Sema *s, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++) {
        const Node *n = sema_node(s, ast_list_at(s->ast, body, i));
        if (n->kind == N_BREAK || n->kind == N_CONTINUE) return true;
        if (sema_stmt_returns(s, ast_list_at(s->ast, body, i))) return true;
    }
    return false;
}

/* ==== Function bodies ===================================================== */

void sema_func_body(Sema *s, uint32_t fi) {
    SemaFunc *f = &s->prog->funcs.items[fi];
    NodeId def = f->def;
    s->fn = (int32_t)fi;
    s->loop_depth = 0;
    s->narrows.len = 0;
    s->cur_class = f->cls;
    /* the type variables of the def (and its class) for local annotations */
    symmap_free(&s->typevars);
    for (uint32_t i = 0; i < f->tparams.len; i++)
        symmap_put(&s->typevars, sema_sym(s, f->tparams.items[i])->name, f->tparams.items[i]);
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
    /* falling off the end of a `-> Result[None, E]` function is Ok(None),
     * like a bare `return` */
    bool ok_none = f->ret != TYPE_ERROR && type_get(f->ret)->kind == TY_RESULT &&
                   type_get(f->ret)->args[0] == TYPE_NONE;
    if (f->ret != TYPE_NONE && f->ret != TYPE_ERROR && !ok_none && !sema_block_returns(s, body)) {
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
    symmap_free(&s->typevars);
    s->cur_class = 0;
    s->fn = -1;
}
