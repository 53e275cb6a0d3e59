/* AST -> MIR lowering (mir_build): one MirBody per SemaFunc, with every
 * expression flattened into temporaries in the evaluation order of the
 * current code generator, explicit moves, copies and drops of owned values,
 * and control flow (short-circuit operators, comparison chains, range loops,
 * asserts, panics) as blocks and terminators. Also mir_program_free. */
#include "mir_lower.h"



const Node *lb_node(const Lb *L, NodeId n) { return ast_node(L->ast, n); }

void lb_unsupported(Lb *L, NodeId n, const char *what) {
    diag_error(CODE_TYPE_UNSUPPORTED, lb_node(L, n)->span, "%s is not supported yet", what);
    L->failed = true;
}

/* ==== Types =============================================================== */

/* The program being lowered: enum classes (int64 member indices) are copy
 * types, and only the program knows which classes are enums. */
static const Program *mir_cur_prog;

bool mir_is_enum(TypeId t) {
    if (!mir_cur_prog) return false;
    const ClassInfo *ci = prog_class_of(mir_cur_prog, t);
    return ci && (ci->flags & CLS_ENUM);
}

bool mir_type_is_copy(TypeId t) {
    switch (t) {
    case TYPE_NONE: case TYPE_BOOL: case TYPE_INT: case TYPE_FLOAT: case TYPE_NEVER: case TYPE_RANGE:
        return true;
    default: break;
    }
    const Type *ty = type_get(t);
    if (!ty) return true;
    switch (ty->kind) {
    case TY_FUNC: return false; /* a closure owns its environment */
    case TY_TASK_SCOPE: /* a reference: its `async with` frees it */
    case TY_TIMEOUT:
    case TY_TASK_GROUP: return true;
    case TY_CLASS: return mir_is_enum(t);
    case TY_TUPLE:
    case TY_OPTION:
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!mir_type_is_copy(ty->args[i])) return false;
        return true;
    default: return false;
    }
}

/* ==== Locals, blocks and statements ======================================= */

MirLocalId lb_local(Lb *L, TypeId type, StrId name, Span span, uint32_t flags) {
    vec_push(&L->b->locals, ((MirLocal){type, name, span, flags}));
    return L->b->locals.len - 1;
}

MirLocalId lb_temp(Lb *L, TypeId type) { return lb_local(L, type, 0, (Span){0}, 0); }

MirBlockId lb_block(Lb *L) {
    vec_push(&L->b->blocks, ((MirBlock){0}));
    return L->b->blocks.len - 1;
}

MirBlock *lb_cur(Lb *L) { return &L->b->blocks.items[L->cur]; }
bool lb_terminated(Lb *L) { return lb_cur(L)->term.kind != MT_NONE; }

MirPlace lb_place(MirLocalId l) { return (MirPlace){l, 0, 0}; }

void lb_stmt_push(Lb *L, MirStmt s) {
    if (lb_terminated(L)) ICE("MIR: statement appended to the terminated block bb%u", L->cur);
    vec_push(&lb_cur(L)->stmts, s);
}

void lb_assign(Lb *L, MirPlace p, MirRvalue rv, Span span) {
    lb_stmt_push(L, (MirStmt){.kind = MS_ASSIGN, .place = p, .rv = rv, .span = span});
}

void lb_drop(Lb *L, MirLocalId l, Span span) {
    lb_stmt_push(L, (MirStmt){.kind = MS_DROP, .place = lb_place(l), .span = span});
}

void lb_term(Lb *L, MirTerm t) {
    if (lb_terminated(L)) ICE("MIR: block bb%u terminated twice", L->cur);
    lb_cur(L)->term = t;
}

void lb_goto(Lb *L, MirBlockId to) {
    if (!lb_terminated(L)) lb_term(L, (MirTerm){.kind = MT_GOTO, .target = to});
}

void lb_branch(Lb *L, MirOperand cond, MirBlockId t, MirBlockId e) {
    lb_term(L, (MirTerm){.kind = MT_BRANCH, .cond = cond, .then_bb = t, .else_bb = e, .span = cond.span});
}

/* After a terminator in the middle of an expression (a panic): the rest of
 * the expression is lowered into a fresh block nothing jumps to, removed by
 * lb_prune. */
void lb_continue_dead(Lb *L) { L->cur = lb_block(L); }

/* ==== Operands and rvalues ================================================ */

MirOperand opd_place(Lb *L, MirPlace p, Span span) {
    return (MirOperand){.kind = OPD_COPY, .type = mir_place_type(L->b, p), .place = p, .span = span};
}
MirOperand opd_local(Lb *L, MirLocalId l) { return opd_place(L, lb_place(l), (Span){0}); }
MirOperand opd_int(int64_t v) { return (MirOperand){.kind = OPD_CONST, .type = TYPE_INT, .c = {.kind = MC_INT, .i = v}}; }
MirOperand opd_float(double v) {
    return (MirOperand){.kind = OPD_CONST, .type = TYPE_FLOAT, .c = {.kind = MC_FLOAT, .f = v}};
}
MirOperand opd_bool(bool v) { return (MirOperand){.kind = OPD_CONST, .type = TYPE_BOOL, .c = {.kind = MC_BOOL, .b = v}}; }
MirOperand opd_none(TypeId t) { return (MirOperand){.kind = OPD_CONST, .type = t, .c = {.kind = MC_NONE}}; }
MirOperand opd_str(StrId s) { return (MirOperand){.kind = OPD_CONST, .type = TYPE_STR, .c = {.kind = MC_STR, .s = s}}; }

/* A value of type `t` for code that cannot run (after a panic). */
MirOperand opd_dead(TypeId t) {
    switch (t) {
    case TYPE_INT: return opd_int(0);
    case TYPE_FLOAT: return opd_float(0.0);
    case TYPE_BOOL: return opd_bool(false);
    case TYPE_STR: return opd_str(intern("", 0));
    default: return opd_none(t);
    }
}

/* A runtime handle that cannot be copied (rt_value_clone panics on it). */
bool lb_type_is_handle(TypeId t) {
    TypeKind k = type_get(t)->kind;
    return k == TY_SYNC || k == TY_TASK_HANDLE || k == TY_CORO;
}

MirOperand lb_take_handle(Lb *L, MirPlace part, TypeId t, Span sp) {
    MirOperand v = opd_place(L, part, sp);
    v.kind = OPD_MOVE;
    v = lb_temp_of(L, rv_use(L, v), sp);
    lb_assign(L, part, rv_use(L, opd_none(t)), sp);
    return v;
}

bool opd_is_local(MirOperand o) { return o.kind != OPD_CONST && o.place.proj_count == 0; }

uint32_t lb_ops(Lb *L, const MirOperand *ops, uint32_t n) {
    uint32_t start = L->b->operands.len;
    for (uint32_t i = 0; i < n; i++) vec_push(&L->b->operands, ops[i]);
    return start;
}

MirRvalue rv_use(Lb *L, MirOperand o) {
    return (MirRvalue){.kind = RV_USE, .ops_start = lb_ops(L, &o, 1), .ops_count = 1, .type = o.type};
}
MirRvalue rv_binary(Lb *L, uint32_t op, TypeId t, MirOperand a, MirOperand b, NodeId loc) {
    MirOperand ops[2] = {a, b};
    return (MirRvalue){.kind = RV_BINARY, .op = op, .ops_start = lb_ops(L, ops, 2), .ops_count = 2, .type = t, .loc = loc};
}
MirRvalue rv_unary(Lb *L, uint32_t op, TypeId t, MirOperand a, NodeId loc) {
    return (MirRvalue){.kind = RV_UNARY, .op = op, .ops_start = lb_ops(L, &a, 1), .ops_count = 1, .type = t, .loc = loc};
}
MirRvalue rv_cast(Lb *L, MirOperand a, TypeId to) {
    return (MirRvalue){.kind = RV_CAST, .ops_start = lb_ops(L, &a, 1), .ops_count = 1, .type = to};
}
MirRvalue rv_rt(Lb *L, MirRtFn f, TypeId t, const MirOperand *ops, uint32_t n, NodeId loc) {
    return (MirRvalue){.kind = RV_CALL, .callee = {CALLEE_RT, f}, .ops_start = lb_ops(L, ops, n), .ops_count = n,
                       .type = t, .loc = loc};
}

MirRvalue rv_agg(Lb *L, MirAggKind k, TypeId t, const MirOperand *ops, uint32_t n) {
    return (MirRvalue){.kind = RV_AGGREGATE, .agg = k, .ops_start = lb_ops(L, ops, n), .ops_count = n, .type = t};
}

/* `place` extended by one projection. */
MirPlace lb_project(Lb *L, MirPlace p, MirProjKind k, uint32_t index, TypeId t) {
    MirPlace r = {p.local, L->b->projs.len, p.proj_count + 1};
    for (uint32_t i = 0; i < p.proj_count; i++) vec_push(&L->b->projs, L->b->projs.items[p.proj_start + i]);
    vec_push(&L->b->projs, ((MirProj){k, index, t}));
    return r;
}

/* The local receiving the results of calls that return None. */
MirLocalId lb_none_sink(Lb *L) {
    if (L->none_sink == MIR_NO_LOCAL) L->none_sink = lb_temp(L, TYPE_NONE);
    return L->none_sink;
}

/* Evaluate `rv` into a new temporary and return a (copy) operand of it. An
 * owned result is dropped at the end of the statement (drop elaboration
 * removes the drop if the value was moved away). A None result goes to the
 * sink and reads as the constant None. */
MirOperand lb_temp_of(Lb *L, MirRvalue rv, Span span) {
    if (rv.type == TYPE_NONE || rv.type == TYPE_NEVER) {
        lb_assign(L, lb_place(lb_none_sink(L)), rv, span);
        return opd_none(rv.type);
    }
    MirLocalId t = lb_temp(L, rv.type);
    lb_assign(L, lb_place(t), rv, span);
    if (!mir_type_is_copy(rv.type)) vec_push(&L->pending, t);
    MirOperand o = opd_local(L, t);
    o.span = span;
    return o;
}

/* Emit the drops of the owned temporaries created since `mark`. */
void lb_flush(Lb *L, uint32_t mark) {
    if (!lb_terminated(L))
        for (uint32_t i = L->pending.len; i > mark; i--) lb_drop(L, L->pending.items[i - 1], (Span){0});
    L->pending.len = mark;
}

/* An owned copy of the value `o` reads (str/bytes: rt_str_clone; any other
 * type: rt_value_clone through its descriptor). */
MirOperand lb_clone(Lb *L, MirOperand o) {
    MirRtFn f = o.type == TYPE_STR || o.type == TYPE_BYTES ? MRT_STR_CLONE : MRT_VALUE_CLONE;
    /* a Shared or a channel sender is copied as one more handle */
    if (type_sync_kind(o.type) == SK_SHARED || type_sync_kind(o.type) == SK_SENDER) f = MRT_SYNC_CLONE;
    return lb_temp_of(L, rv_rt(L, f, o.type, &o, 1, 0), o.span);
}

/* `o` consumed by a store (a local, the return place, an `own` argument):
 * an owned value in a place is moved out of it. A borrowed parameter cannot
 * give its value away, so it is cloned into an owned temporary first. */
bool lb_is_borrowed(const Lb *L, MirOperand o) {
    return o.kind != OPD_CONST &&
           ((L->b->locals.items[o.place.local].flags & (MIRL_BORROWED | MIRL_MUT_REF)) || o.place.proj_count);
}

MirLocalId lb_keep_fresh(Lb *L, MirOperand *v, uint32_t mark, Span sp) {
    bool fresh = false;
    for (uint32_t k = mark; k < L->pending.len && v->kind != OPD_CONST; k++)
        if (L->pending.items[k] == v->place.local) fresh = true;
    if (!fresh) return MIR_NO_LOCAL;
    if (v->place.proj_count) *v = lb_clone(L, *v);
    MirLocalId s = lb_temp(L, v->type);
    lb_drop(L, s, sp); /* a value of an earlier round abandoned by an error */
    v->kind = OPD_MOVE;
    lb_assign(L, lb_place(s), rv_use(L, *v), sp);
    vec_push(&L->owned, s);
    *v = opd_local(L, s);
    return s;
}

MirOperand lb_consume(Lb *L, MirOperand o) {
    if (o.kind == OPD_CONST || mir_type_is_copy(o.type)) return o;
    if (lb_is_borrowed(L, o)) {
        MirOperand c = lb_clone(L, o);
        c.kind = OPD_MOVE;
        return c;
    }
    o.kind = OPD_MOVE;
    return o;
}

/* ==== Expressions ========================================================= */


MirOperand lb_convert(Lb *L, MirOperand v, TypeId to, NodeId at) {
    TypeId from = v.type;
    if (from == to) return v;
    if (from == TYPE_NEVER) return opd_dead(to);
    if ((to == TYPE_FLOAT && (from == TYPE_INT || from == TYPE_BOOL)) || (to == TYPE_INT && from == TYPE_BOOL))
        return lb_temp_of(L, rv_cast(L, v, to), lb_node(L, at)->span);
    const Type *tt = type_get(to);
    Span sp = lb_node(L, at)->span;
    if (tt->kind == TY_OPTION) {
        if (from == TYPE_NONE) return lb_temp_of(L, rv_agg(L, AGG_NONE_OPT, to, NULL, 0), sp);
        MirOperand inner = lb_consume(L, lb_convert(L, v, tt->args[0], at));
        return lb_temp_of(L, rv_agg(L, AGG_SOME, to, &inner, 1), sp);
    }
    if (tt->kind == TY_RESULT && type_get(from)->kind == TY_RESULT) return lb_result_convert(L, v, to, at);
    if (tt->kind == TY_RESULT) {
        /* `return v` in a `-> Result[T, E]` function is Ok(v) */
        MirOperand inner = from == TYPE_NONE ? v : lb_consume(L, lb_convert(L, v, tt->args[0], at));
        return lb_temp_of(L, rv_agg(L, AGG_OK, to, &inner, from == TYPE_NONE ? 0 : 1), sp);
    }
    if (tt->kind == TY_CLASS && type_get(from)->kind == TY_CLASS) {
        /* a derived object used as its base: the same object. A value in a
         * place is only borrowed (a consuming use clones it, a `mut`
         * argument reaches the object itself); a temporary moves. */
        bool fresh = false;
        for (uint32_t i = 0; i < L->pending.len && opd_is_local(v); i++)
            if (L->pending.items[i] == v.place.local) fresh = true;
        if (!fresh && v.kind != OPD_CONST) {
            MirLocalId bt = lb_local(L, to, 0, (Span){0}, MIRL_BORROWED);
            lb_assign(L, lb_place(bt), rv_cast(L, v, to), sp);
            MirOperand r = opd_local(L, bt);
            r.span = sp;
            return r;
        }
        MirOperand o = lb_consume(L, v);
        return lb_temp_of(L, rv_cast(L, o, to), sp);
    }
    ICE("MIR: cannot convert %s to %s (%s)", type_name(from), type_name(to),
        node_kind_name((NodeKind)lb_node(L, at)->kind));
}

MirOperand lb_expr_as(Lb *L, NodeId n, TypeId dest) {
    MirOperand v = lb_expr(L, n);
    if (dest == TYPE_NONE || dest == TYPE_NEVER) return opd_none(dest);
    if (v.type == TYPE_NEVER) return opd_dead(dest);
    return lb_convert(L, v, dest, n);
}

/* l OP r with result type `rtype`: the operands are first converted to it. */
MirOperand lb_binop(Lb *L, uint32_t op, TypeId rtype, MirOperand l, MirOperand r, NodeId at) {
    Span sp = lb_node(L, at)->span;
    if (l.type == TYPE_NEVER || r.type == TYPE_NEVER) return opd_dead(rtype);
    if (rtype == TYPE_FLOAT) {
        l = lb_convert(L, l, TYPE_FLOAT, at);
        r = lb_convert(L, r, TYPE_FLOAT, at);
        MirOperand ops[2] = {l, r};
        switch (op) {
        case TOK_PLUS: case TOK_MINUS: case TOK_STAR: return lb_temp_of(L, rv_binary(L, op, rtype, l, r, 0), sp);
        case TOK_SLASH: return lb_temp_of(L, rv_rt(L, MRT_FLOAT_DIV, rtype, ops, 2, at), sp);
        case TOK_DSLASH: return lb_temp_of(L, rv_rt(L, MRT_FLOAT_FLOORDIV, rtype, ops, 2, at), sp);
        case TOK_PERCENT: return lb_temp_of(L, rv_rt(L, MRT_FLOAT_MOD, rtype, ops, 2, at), sp);
        case TOK_DSTAR: return lb_temp_of(L, rv_rt(L, MRT_FLOAT_POW, rtype, ops, 2, 0), sp);
        default: break;
        }
    } else if (rtype == TYPE_INT) {
        l = lb_convert(L, l, TYPE_INT, at);
        r = lb_convert(L, r, TYPE_INT, at);
        MirOperand ops[2] = {l, r};
        switch (op) {
        case TOK_PLUS: case TOK_MINUS: case TOK_STAR: case TOK_LSHIFT: case TOK_RSHIFT:
            /* checked: overflow (and a negative shift count) panic at `at` */
            return lb_temp_of(L, rv_binary(L, op, rtype, l, r, at), sp);
        case TOK_AMP: case TOK_PIPE: case TOK_CARET: return lb_temp_of(L, rv_binary(L, op, rtype, l, r, 0), sp);
        case TOK_DSLASH: return lb_temp_of(L, rv_rt(L, MRT_INT_FLOORDIV, rtype, ops, 2, at), sp);
        case TOK_PERCENT: return lb_temp_of(L, rv_rt(L, MRT_INT_MOD, rtype, ops, 2, at), sp);
        case TOK_DSTAR: return lb_temp_of(L, rv_rt(L, MRT_INT_POW, rtype, ops, 2, at), sp);
        default: break;
        }
    } else if (rtype == TYPE_BOOL && l.type == TYPE_BOOL && r.type == TYPE_BOOL) {
        if (op == TOK_AMP || op == TOK_PIPE || op == TOK_CARET)
            return lb_temp_of(L, rv_binary(L, op, rtype, l, r, 0), sp);
    } else if ((rtype == TYPE_STR || rtype == TYPE_BYTES) && op == TOK_PLUS) {
        MirOperand ops[2] = {l, r};
        return lb_temp_of(L, rv_rt(L, MRT_STR_CONCAT, rtype, ops, 2, 0), sp);
    }
    MirOperand seq;
    if (lb_seq_binop(L, op, rtype, l, r, at, &seq)) return seq; /* list +, repetition */
    if (lb_coll_binop(L, op, rtype, l, r, at, &seq)) return seq; /* set | & - ^ */
    ICE("MIR: binary operator %s on %s and %s giving %s", tok_kind_name((TokKind)op), type_name(l.type),
        type_name(r.type), type_name(rtype));
}

MirOperand lb_unary(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *opnd = lb_node(L, node->a);
    if (node->op == TOK_MINUS && opnd->kind == N_INT && node->type == TYPE_INT)
        return opd_int((int64_t)(0 - opnd->v.ival)); /* so that -9223372036854775808 exists */
    MirOperand v = lb_expr(L, node->a);
    if (v.type == TYPE_NEVER) return opd_dead(node->type);
    switch (node->op) {
    case TOK_NOT: return lb_temp_of(L, rv_unary(L, TOK_NOT, TYPE_BOOL, v, 0), node->span);
    case TOK_PLUS: return lb_convert(L, v, node->type, n);
    case TOK_MINUS:
        v = lb_convert(L, v, node->type, n);
        if (node->type == TYPE_FLOAT) return lb_temp_of(L, rv_unary(L, TOK_MINUS, TYPE_FLOAT, v, 0), node->span);
        if (node->type == TYPE_INT) return lb_temp_of(L, rv_unary(L, TOK_MINUS, TYPE_INT, v, n), node->span);
        break;
    case TOK_TILDE:
        v = lb_convert(L, v, node->type, n);
        if (node->type == TYPE_INT) return lb_temp_of(L, rv_unary(L, TOK_TILDE, TYPE_INT, v, 0), node->span);
        break;
    default: break;
    }
    ICE("MIR: unary operator %s on %s", tok_kind_name((TokKind)node->op), type_name(opnd->type));
}

/* ---- comparisons ---- */

/* Is class type `sub` `base` or derived from it? */
static bool lb_derives(Lb *L, TypeId sub, TypeId base) {
    const ClassInfo *ci = lb_class(L, sub);
    while (ci) {
        if (ci->type == base || prog_sym(L->prog, ci->sym)->type == base) return true;
        ci = ci->base ? lb_class(L, prog_sym(L->prog, ci->base)->type) : NULL;
    }
    return false;
}

/* l OP r on tuples of different types (lengths, or int against float):
 * Python's rule, element by element: the first pair that is not equal
 * decides, else the lengths do (the shorter tuple is smaller). */
static MirOperand lb_tuple_cmp(Lb *L, uint32_t op, MirOperand l, MirOperand r, NodeId at) {
    Span sp = lb_node(L, at)->span;
    const Type *a = type_get(l.type), *b = type_get(r.type);
    int64_t nl = a->nargs, nr = b->nargs;
    if ((op == TOK_EQ || op == TOK_NE) && nl != nr) return opd_bool(op == TOK_NE);
    MirPlace pl = lb_as_place(L, l, sp), pr = lb_as_place(L, r, sp);
    MirLocalId res = lb_temp(L, TYPE_BOOL);
    MirBlockId end = lb_block(L);
    for (int64_t i = 0; i < (nl < nr ? nl : nr); i++) {
        TypeId ta = type_get(l.type)->args[i], tb = type_get(r.type)->args[i];
        MirOperand x = opd_place(L, lb_project(L, pl, PROJ_FIELD, (uint32_t)i, ta), sp);
        MirOperand y = opd_place(L, lb_project(L, pr, PROJ_FIELD, (uint32_t)i, tb), sp);
        MirBlockId same = lb_block(L), differ = lb_block(L);
        lb_branch(L, lb_cmp(L, TOK_EQ, x, y, at), same, differ);
        L->cur = differ;
        MirOperand d = op == TOK_EQ || op == TOK_NE ? opd_bool(op == TOK_NE) : lb_cmp(L, op, x, y, at);
        lb_assign(L, lb_place(res), rv_use(L, d), sp);
        lb_goto(L, end);
        L->cur = same;
    }
    bool by_len = op == TOK_EQ ? nl == nr : op == TOK_NE ? nl != nr : op == TOK_LT ? nl < nr
                  : op == TOK_LE ? nl <= nr : op == TOK_GT ? nl > nr : nl >= nr;
    lb_assign(L, lb_place(res), rv_use(L, opd_bool(by_len)), sp);
    lb_goto(L, end);
    L->cur = end;
    return opd_local(L, res);
}

MirOperand lb_cmp(Lb *L, uint32_t op, MirOperand l, MirOperand r, NodeId at) {
    Span sp = lb_node(L, at)->span;
    TypeId lt = l.type, rt = r.type;
    if (lt == TYPE_NEVER || rt == TYPE_NEVER) return opd_bool(false);
    if (op == TOK_IN || op == CMP_NOT_IN) {
        const Type *rty = type_get(rt);
        MirOperand ops[2] = {r, l};
        MirOperand res;
        if (rt == TYPE_STR && lt == TYPE_STR) res = lb_temp_of(L, rv_rt(L, MRT_STR_CONTAINS, TYPE_BOOL, ops, 2, 0), sp);
        else if (rty->kind == TY_LIST && rty->args[0] == lt) res = lb_temp_of(L, rv_rt(L, MRT_LIST_CONTAINS, TYPE_BOOL, ops, 2, 0), sp);
        else if (lb_coll_in(L, l, r, at, &res)) {
            /* dicts, sets, bytes, tuples */
        } else {
            lb_unsupported(L, at, "the `in` operator on this type");
            return opd_bool(false);
        }
        return op == TOK_IN ? res : lb_temp_of(L, rv_unary(L, TOK_NOT, TYPE_BOOL, res, 0), sp);
    }
    if ((lt == TYPE_NONE) != (rt == TYPE_NONE) && (op == TOK_IS || op == CMP_IS_NOT || op == TOK_EQ || op == TOK_NE) &&
        type_get(lt == TYPE_NONE ? rt : lt)->kind == TY_OPTION) {
        /* x is None: the Option's tag */
        MirOperand o = lt == TYPE_NONE ? r : l;
        if (o.kind == OPD_CONST) return opd_bool(op == TOK_IS || op == TOK_EQ);
        MirRvalue d = {.kind = RV_DISCRIMINANT, .place = o.place, .type = TYPE_INT};
        MirOperand tag = lb_temp_of(L, d, sp);
        bool want_none = op == TOK_IS || op == TOK_EQ;
        return lb_temp_of(L, rv_binary(L, want_none ? TOK_EQ : TOK_NE, TYPE_BOOL, tag, opd_int(0), 0), sp);
    }
    if (lt == TYPE_NONE || rt == TYPE_NONE) {
        /* None is only ever identical/equal to None: a constant. */
        bool same = lt == TYPE_NONE && rt == TYPE_NONE;
        bool want_same = op == TOK_IS || op == TOK_EQ || op == TOK_LE || op == TOK_GE;
        if (op != TOK_IS && op != CMP_IS_NOT && op != TOK_EQ && op != TOK_NE)
            lb_unsupported(L, at, "ordering comparison with None");
        return opd_bool(same == want_same);
    }
    if ((op == TOK_IS || op == CMP_IS_NOT) && lt == rt && mir_is_enum(lt)) {
        /* enum members are singletons: compare their indices */
        MirOperand a = lb_temp_of(L, rv_cast(L, l, TYPE_INT), sp), b = lb_temp_of(L, rv_cast(L, r, TYPE_INT), sp);
        return lb_temp_of(L, rv_binary(L, op == TOK_IS ? TOK_EQ : TOK_NE, TYPE_BOOL, a, b, 0), sp);
    }
    if (op == TOK_IS || op == CMP_IS_NOT) {
        lb_unsupported(L, at, "`is` between values that are not None");
        return opd_bool(false);
    }
    if ((type_get(lt)->kind == TY_OPTION) != (type_get(rt)->kind == TY_OPTION)) {
        /* `x == v` with x: T | None: v as an Option (None never equals it) */
        bool left_opt = type_get(lt)->kind == TY_OPTION;
        TypeId opt = left_opt ? lt : rt;
        MirOperand *plain = left_opt ? &r : &l;
        if (op != TOK_EQ && op != TOK_NE) {
            lb_unsupported(L, at, "ordering an optional value");
            return opd_bool(false);
        }
        if (!mir_type_is_copy(plain->type)) { /* the Option owns a copy; the operand stays borrowed */
            *plain = lb_clone(L, *plain);
            plain->kind = OPD_MOVE;
        }
        /* sema allowed any payload the value is assignable to (3 for a float) */
        *plain = lb_convert(L, lb_convert(L, *plain, type_get(opt)->args[0], at), opt, at);
        lt = rt = opt;
    }
    if (lt != rt && type_get(lt)->kind == TY_CLASS && type_get(rt)->kind == TY_CLASS) {
        /* a derived object against its base: compared as the base (same pointer) */
        if (lb_derives(L, lt, rt)) l = lb_temp_of(L, rv_cast(L, l, rt), sp), lt = rt;
        else if (lb_derives(L, rt, lt)) r = lb_temp_of(L, rv_cast(L, r, lt), sp), rt = lt;
    }
    if (type_is_numeric(lt) || type_is_numeric(rt)) {
        TypeId t = lt == TYPE_FLOAT || rt == TYPE_FLOAT ? TYPE_FLOAT : TYPE_INT;
        l = lb_convert(L, l, t, at);
        r = lb_convert(L, r, t, at);
        return lb_temp_of(L, rv_binary(L, op, TYPE_BOOL, l, r, 0), sp);
    }
    if (lt == TYPE_BOOL && rt == TYPE_BOOL) return lb_temp_of(L, rv_binary(L, op, TYPE_BOOL, l, r, 0), sp);
    if ((lt == TYPE_STR || lt == TYPE_BYTES) && lt == rt) {
        MirOperand ops[2] = {l, r};
        if (op == TOK_EQ || op == TOK_NE) {
            MirOperand eq = lb_temp_of(L, rv_rt(L, MRT_STR_EQ, TYPE_BOOL, ops, 2, 0), sp);
            return op == TOK_EQ ? eq : lb_temp_of(L, rv_unary(L, TOK_NOT, TYPE_BOOL, eq, 0), sp);
        }
        MirOperand c = lb_temp_of(L, rv_rt(L, MRT_STR_CMP, TYPE_INT, ops, 2, 0), sp);
        return lb_temp_of(L, rv_binary(L, op, TYPE_BOOL, c, opd_int(0), 0), sp);
    }
    if (lt != rt && type_get(lt)->kind == TY_TUPLE && type_get(rt)->kind == TY_TUPLE)
        return lb_tuple_cmp(L, op, l, r, at);
    if (lt == rt && (op == TOK_EQ || op == TOK_NE)) {
        MirOperand ops[2] = {l, r};
        MirOperand eq = lb_temp_of(L, rv_rt(L, MRT_VALUE_EQ, TYPE_BOOL, ops, 2, 0), sp);
        return op == TOK_EQ ? eq : lb_temp_of(L, rv_unary(L, TOK_NOT, TYPE_BOOL, eq, 0), sp);
    }
    if (lt == rt && (op == TOK_LT || op == TOK_LE || op == TOK_GT || op == TOK_GE)) {
        MirOperand ops[2] = {l, r};
        MirOperand c = lb_temp_of(L, rv_rt(L, MRT_VALUE_CMP, TYPE_INT, ops, 2, 0), sp);
        return lb_temp_of(L, rv_binary(L, op, TYPE_BOOL, c, opd_int(0), 0), sp);
    }
    lb_unsupported(L, at, "this comparison");
    return opd_bool(false);
}

/* a < b < c: each operand evaluated once, stopping at the first false link. */
MirOperand lb_compare(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    uint32_t count = node->list.count;
    if (count == 0) ICE("N_COMPARE without operands");
    MirOperand cur = lb_expr(L, node->a);
    if (count == 1) {
        MirOperand r = lb_expr(L, ast_list_at(L->ast, node->list, 0));
        return lb_cmp(L, ast_cmp_op(L->ast, node, 0), cur, r, n);
    }
    MirLocalId res = lb_temp(L, TYPE_BOOL);
    MirBlockId end = lb_block(L), fail = lb_block(L);
    for (uint32_t i = 0; i < count; i++) {
        MirOperand next = lb_expr(L, ast_list_at(L->ast, node->list, i));
        MirOperand c = lb_cmp(L, ast_cmp_op(L->ast, node, i), cur, next, n);
        if (i + 1 == count) {
            lb_assign(L, lb_place(res), rv_use(L, c), node->span);
            lb_goto(L, end);
            break;
        }
        MirBlockId more = lb_block(L);
        lb_branch(L, c, more, fail);
        L->cur = more;
        cur = next;
    }
    L->cur = fail;
    lb_assign(L, lb_place(res), rv_use(L, opd_bool(false)), node->span);
    lb_goto(L, end);
    L->cur = end;
    return opd_local(L, res);
}

/* ---- and / or / conditional expressions ---- */

MirOperand lb_boolop(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    bool is_and = node->op == TOK_AND;
    if (!is_and && node->op != TOK_OR) ICE("N_BOOLOP with operator %s", tok_kind_name((TokKind)node->op));
    MirLocalId res = lb_temp(L, TYPE_BOOL);
    MirOperand l = lb_expr_as(L, node->a, TYPE_BOOL);
    lb_assign(L, lb_place(res), rv_use(L, l), lb_node(L, node->a)->span);
    MirBlockId rhs = lb_block(L), end = lb_block(L);
    if (is_and) lb_branch(L, opd_local(L, res), rhs, end);
    else lb_branch(L, opd_local(L, res), end, rhs);
    L->cur = rhs;
    uint32_t mark = L->pending.len;
    MirOperand r = lb_expr_as(L, node->b, TYPE_BOOL);
    lb_assign(L, lb_place(res), rv_use(L, r), lb_node(L, node->b)->span);
    lb_flush(L, mark);
    lb_goto(L, end);
    L->cur = end;
    return opd_local(L, res);
}

/* The value of a conditional expression's arm, owned by its result: a
 * temporary the arm just computed is moved, anything held in a place is
 * cloned. The expression may only be borrowed (`print(s if c else t)`), so
 * it must not move a named value out of its owner. */
MirOperand lb_take_arm(Lb *L, MirOperand v, uint32_t mark) {
    if (v.kind == OPD_CONST || mir_type_is_copy(v.type)) return v;
    if (opd_is_local(v))
        for (uint32_t i = mark; i < L->pending.len; i++)
            if (L->pending.items[i] == v.place.local) {
                v.kind = OPD_MOVE;
                return v;
            }
    MirOperand c = lb_clone(L, v);
    c.kind = OPD_MOVE;
    return c;
}

MirOperand lb_ifexp(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    MirOperand cond = lb_expr_as(L, node->a, TYPE_BOOL);
    MirBlockId tb = lb_block(L), eb = lb_block(L), end = lb_block(L);
    lb_branch(L, cond, tb, eb);
    bool has_value = node->type != TYPE_NONE && node->type != TYPE_NEVER;
    MirLocalId res = has_value ? lb_temp(L, node->type) : MIR_NO_LOCAL;
    NodeId arms[2] = {node->b, node->c};
    MirBlockId bbs[2] = {tb, eb};
    for (int i = 0; i < 2; i++) {
        L->cur = bbs[i];
        uint32_t mark = L->pending.len;
        MirOperand v = lb_expr_as(L, arms[i], node->type);
        if (has_value) lb_assign(L, lb_place(res), rv_use(L, lb_take_arm(L, v, mark)), lb_node(L, arms[i])->span);
        lb_flush(L, mark);
        lb_goto(L, end);
    }
    L->cur = end;
    if (!has_value) return opd_none(node->type);
    if (!mir_type_is_copy(node->type)) vec_push(&L->pending, res);
    return opd_local(L, res);
}

/* ---- strings ---- */

/* Python's literal form of a bytes value: b'..' (b".." when it holds a ' but
 * no "), with \\, \t, \n, \r and \xhh escapes. */
StrId lb_bytes_repr(StrId s) {
    const unsigned char *p = (const unsigned char *)str_text(s);
    uint32_t n = str_len(s);
    bool has_sq = memchr(p, '\'', n) != NULL, has_dq = memchr(p, '"', n) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    StrBuf sb = {0};
    sb_putc(&sb, 'b');
    sb_putc(&sb, q);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char ch = p[i];
        if (ch == '\\' || ch == (unsigned char)q) {
            sb_putc(&sb, '\\');
            sb_putc(&sb, (char)ch);
        } else if (ch == '\t') sb_puts(&sb, "\\t");
        else if (ch == '\n') sb_puts(&sb, "\\n");
        else if (ch == '\r') sb_puts(&sb, "\\r");
        else if (ch < 0x20 || ch >= 0x7f) sb_printf(&sb, "\\x%02x", ch);
        else sb_putc(&sb, (char)ch);
    }
    sb_putc(&sb, q);
    StrId id = intern(sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return id;
}

/* str(x) or repr(x) of an evaluated value, as a str operand. With `fresh`
 * (the builtin str(), whose result may be stored), a str held in a place is
 * cloned: storing the result must not move the original. Elsewhere (f-string
 * parts, messages) the text is only borrowed and the place itself serves. */
MirOperand lb_stringify_value(Lb *L, MirOperand v, bool repr, bool fresh, NodeId at) {
    Span sp = lb_node(L, at)->span;
    switch (v.type) {
    case TYPE_INT: return lb_temp_of(L, rv_rt(L, MRT_STR_FROM_INT, TYPE_STR, &v, 1, 0), sp);
    case TYPE_FLOAT: return lb_temp_of(L, rv_rt(L, MRT_STR_FROM_FLOAT, TYPE_STR, &v, 1, 0), sp);
    case TYPE_BOOL: return lb_temp_of(L, rv_rt(L, MRT_STR_FROM_BOOL, TYPE_STR, &v, 1, 0), sp);
    case TYPE_NONE: return lb_temp_of(L, rv_rt(L, MRT_STR_NONE, TYPE_STR, NULL, 0, 0), sp);
    case TYPE_STR:
        if (repr) return lb_temp_of(L, rv_rt(L, MRT_STR_REPR, TYPE_STR, &v, 1, 0), sp);
        if (v.kind == OPD_CONST || !fresh) return v;
        for (uint32_t i = 0; i < L->pending.len; i++)
            if (opd_is_local(v) && L->pending.items[i] == v.place.local) return v; /* a fresh temporary */
        return lb_temp_of(L, rv_rt(L, MRT_STR_CLONE, TYPE_STR, &v, 1, 0), sp);
    case TYPE_NEVER: return opd_dead(TYPE_STR);
    default:
        /* any other value: the runtime's printing forms, from its descriptor */
        return lb_temp_of(L, rv_rt(L, repr ? MRT_REPR_OF : MRT_STR_OF, TYPE_STR, &v, 1, 0), sp);
    }
}

MirOperand lb_stringify(Lb *L, NodeId n, bool repr, bool fresh) {
    const Node *node = lb_node(L, n);
    if (node->kind == N_BYTES) return opd_str(lb_bytes_repr(node->v.str));
    return lb_stringify_value(L, lb_expr(L, n), repr, fresh, n);
}

/* The text `expr=` (with the spaces written) before the value of {expr=}. */
StrId lb_debug_prefix(const Node *field) {
    SourceFile *sf = source_get(field->span.file);
    if (!sf) ICE("f-string field without a source file");
    uint32_t lo = field->span.lo, hi = field->span.hi;
    while (hi < sf->len && sf->text[hi] != '=') hi++;
    if (hi < sf->len) hi++;
    while (hi < sf->len && sf->text[hi] == ' ') hi++;
    return intern(sf->text + lo, hi - lo);
}

MirOperand lb_fmt_field(Lb *L, NodeId fn) {
    const Node *f = lb_node(L, fn);
    char conv = (char)f->op;
    if (conv == 'a') {
        lb_unsupported(L, fn, "the `!a` conversion");
        return opd_dead(TYPE_STR);
    }
    /* {x=} shows repr(x) unless a conversion or a spec says otherwise. */
    if (f->alias && !conv && !f->b) conv = 'r';
    if (!f->b) return lb_stringify(L, f->a, conv == 'r', false);
    const Node *e = lb_node(L, f->a);
    MirOperand v;
    if (conv == 'r' || conv == 's' || e->type == TYPE_NONE || e->kind == N_BYTES) v = lb_stringify(L, f->a, conv == 'r', false);
    else v = lb_expr(L, f->a);
    MirOperand spec = lb_expr(L, f->b);
    MirRtFn rf;
    switch (v.type) {
    case TYPE_INT: rf = MRT_FMT_INT; break;
    case TYPE_FLOAT: rf = MRT_FMT_FLOAT; break;
    case TYPE_BOOL: rf = MRT_FMT_BOOL; break;
    case TYPE_STR: rf = MRT_FMT_STR; break;
    case TYPE_NEVER: return opd_dead(TYPE_STR);
    default:
        v = lb_stringify_value(L, v, false, false, f->a);
        rf = MRT_FMT_STR;
        break;
    }
    MirOperand ops[2] = {v, spec};
    return lb_temp_of(L, rv_rt(L, rf, TYPE_STR, ops, 2, fn), f->span);
}

MirOperand lb_fstring(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    uint32_t count = node->list.count;
    if (count == 0) return opd_str(intern("", 0));
    if (count == 1 && lb_node(L, ast_list_at(L->ast, node->list, 0))->kind == N_STR)
        return opd_str(lb_node(L, ast_list_at(L->ast, node->list, 0))->v.str); /* f"text", a spec like :>4 */
    MirOperand *parts = xmalloc(sizeof *parts * count * 2);
    uint32_t np = 0;
    for (uint32_t i = 0; i < count; i++) {
        NodeId p = ast_list_at(L->ast, node->list, i);
        const Node *pn = lb_node(L, p);
        if (pn->kind == N_STR) {
            parts[np++] = opd_str(pn->v.str);
        } else if (pn->kind == N_FMT_FIELD) {
            if (pn->alias) parts[np++] = opd_str(lb_debug_prefix(pn));
            parts[np++] = lb_fmt_field(L, p);
        } else {
            ICE("MIR: f-string part %s", node_kind_name((NodeKind)pn->kind));
        }
    }
    MirOperand r = lb_temp_of(L, rv_rt(L, MRT_STR_JOIN_PARTS, TYPE_STR, parts, np, 0), node->span);
    free(parts);
    return r;
}

/* ---- names ---- */

MirPlace lb_sym_place(Lb *L, SymId s) {
    MirLocalId l = L->sym_local[s];
    MirPlace cap;
    if (l == MIR_NO_LOCAL && lb_capture_place(L, s, &cap)) return cap; /* inside a lambda */
    if (l == MIR_NO_LOCAL) ICE("MIR: `%s` has no local in this function", str_text(prog_sym(L->prog, s)->name));
    MirPlace p = lb_place(l);
    if (L->b->locals.items[l].flags & MIRL_MUT_REF) {
        /* a `mut` parameter holds a pointer: its value is behind it */
        p.proj_start = L->b->projs.len;
        p.proj_count = 1;
        vec_push(&L->b->projs, ((MirProj){PROJ_DEREF, 0, L->b->locals.items[l].type}));
    }
    return p;
}

/* An Enum class as a value: a new list of its members in definition order;
 * as in Python, a member repeating an earlier value is an alias, not listed. */
static MirOperand lb_enum_members(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    TypeId et = type_get(node->type)->args[0];
    const ClassInfo *ci = type_get(node->type)->kind == TY_LIST ? lb_class(L, et) : NULL;
    if (!ci || !(ci->flags & CLS_ENUM)) ICE("MIR: class `%s` used as a value", str_text(node->name));
    uint32_t nm = 0;
    MirOperand *ops = ci->members.len ? calloc(ci->members.len, sizeof *ops) : NULL;
    for (uint32_t i = 0; i < ci->members.len; i++) {
        bool alias = false;
        for (uint32_t j = 0; j < i; j++)
            if (ci->members.items[j].value == ci->members.items[i].value) alias = true;
        if (!alias) ops[nm++] = (MirOperand){.kind = OPD_CONST, .type = et, .c = {.kind = MC_ENUM, .i = (int64_t)i}};
    }
    MirOperand r = lb_temp_of(L, rv_agg(L, AGG_LIST, node->type, ops, nm), node->span);
    free(ops);
    return r;
}

MirOperand lb_name(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    if (!node->sym) ICE("MIR: unresolved name `%s`", str_text(node->name));
    const Symbol *s = prog_sym(L->prog, node->sym);
    switch (s->kind) {
    case SYM_LOCAL:
    case SYM_PARAM:
    case SYM_LAMBDA_PARAM: {
        if (s->type == TYPE_NONE) return opd_none(TYPE_NONE);
        MirPlace p = lb_sym_place(L, node->sym);
        const Type *st = type_get(s->type);
        if (node->type != s->type && st->kind == TY_OPTION && st->args[0] == node->type)
            p = lb_project(L, p, PROJ_PAYLOAD, 0, node->type); /* narrowed: known to be present */
        else if (node->type != s->type && node->type != TYPE_NEVER)
            return lb_narrowed_read(L, n, p, s->type); /* narrowed to a derived class */
        return opd_place(L, p, node->span);
    }
    case SYM_FUNC:
    case SYM_BUILTIN:
    case SYM_TYPE: return lb_fn_value(L, n); /* a function (or a builtin, `key=len`) as a value */
    case SYM_CLASS: return lb_enum_members(L, n); /* sema allows only an Enum class */
    case SYM_CONST: {
        /* Module constants are re-evaluated where used (literals and simple
         * expressions of them in this subset), as codegen does. */
        const Node *d = lb_node(L, s->decl);
        NodeId init = d->kind == N_ANN_ASSIGN ? d->c : d->kind == N_ASSIGN ? d->a : 0;
        if (!init) {
            lb_unsupported(L, n, "this kind of module constant");
            return opd_dead(s->type);
        }
        return lb_expr_as(L, init, s->type);
    }
    default: ICE("MIR: name `%s` of symbol kind %d used as a value", str_text(s->name), (int)s->kind);
    }
}

/* ---- calls ---- */

/* Values whose representation is a pointer to a heap object the callee can
 * change in place (class instances, lists, dicts, sets): a `mut` parameter
 * of such a type receives the pointer itself. */
bool lb_is_boxed(TypeId t) {
    const Type *ty = type_get(t);
    if (ty->kind == TY_LIST || ty->kind == TY_DICT || ty->kind == TY_SET) return true;
    return ty->kind == TY_CLASS && !mir_is_enum(t);
}

/* A call of user function `fi`; `self` (methods) is its first argument and
 * the call's arguments bind the remaining parameters. */
MirOperand lb_user_call_fn(Lb *L, NodeId n, uint32_t fi, const MirOperand *self) {
    return lb_user_call_slot(L, n, fi, self, UINT32_MAX);
}

MirOperand lb_user_call_slot(Lb *L, NodeId n, uint32_t fi, const MirOperand *self, uint32_t vslot) {
    const Node *node = lb_node(L, n);
    if (fi >= L->prog->funcs.len) ICE("MIR: function index out of range");
    const SemaFunc *f = &L->prog->funcs.items[fi];
    const Symbol *s = prog_sym(L->prog, f->sym);
    /* a generic callee: the instance for this call, with its concrete
     * signature (re-read through its id: lowering the arguments interns
     * types, which may move the type table) */
    uint32_t body = fi;
    TypeId fty = f->type, fret = f->ret;
    if (f->tparams.len) body = lb_generic_callee(L, n, fi, self ? self->type : 0, &fty, &fret);
    bool direct = L->coro_direct;
    L->coro_direct = false;
    if (f->is_async) {
        fret = type_coro(fret); /* a coroutine that has not started */
        /* Its borrowed arguments must outlive it: for now that holds
         * because the caller awaits it at once. */
        NodeList ps = lb_node(L, f->def)->list;
        for (uint32_t k = 0; !direct && k < ps.count && k < type_get(fty)->nargs; k++) {
            if ((lb_node(L, ast_list_at(L->ast, ps, k))->flags & NF_OWN) ||
                mir_type_is_copy(type_get(fty)->args[k]))
                continue;
            lb_unsupported(L, n, "a coroutine with borrowed arguments that is not awaited at once");
            return opd_dead(fret);
        }
    }
    const Type *ft = type_get(fty);
    NodeList params = lb_node(L, f->def)->list;
    uint32_t np = ft->nargs;
    if (params.count != np) ICE("MIR: `%s` has %u parameter nodes for %u types", str_text(s->name), params.count, np);
    /* Arguments in source order (positional, then keywords matched by
     * name); missing ones take their defaults, evaluated at the call. */
    MirOperand *args = xcalloc(np + 1, sizeof *args);
    bool *set = xcalloc(np + 1, sizeof *set);
    uint32_t next_pos = 0;
    if (self) {
        if (np == 0) ICE("MIR: method without self");
        args[0] = *self;
        set[0] = true;
        next_pos = 1;
    }
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId an = ast_list_at(L->ast, node->list, i);
        const Node *a = lb_node(L, an);
        uint32_t slot = np;
        NodeId value = an;
        if (a->kind == N_KEYWORD && a->name) {
            for (uint32_t k = 0; k < np; k++)
                if (lb_node(L, ast_list_at(L->ast, params, k))->name == a->name) slot = k;
            value = a->a;
        } else if (a->kind == N_STARRED || a->kind == N_KEYWORD) {
            lb_unsupported(L, an, "starred arguments");
            continue;
        } else {
            slot = next_pos++;
        }
        if (slot >= np || set[slot]) ICE("MIR: argument %u of the call of `%s` matches no free parameter", i, str_text(s->name));
        args[slot] = lb_expr_as(L, value, type_get(fty)->args[slot]);
        set[slot] = true;
    }
    for (uint32_t k = 0; k < np; k++) {
        if (set[k]) continue;
        NodeId def = lb_node(L, ast_list_at(L->ast, params, k))->b;
        if (!def) ICE("MIR: call of `%s` misses argument %u", str_text(s->name), k);
        args[k] = lb_expr_as(L, def, type_get(fty)->args[k]);
    }
    for (uint32_t k = 0; k < np; k++) {
        uint16_t pf = lb_node(L, ast_list_at(L->ast, params, k))->flags;
        if (pf & NF_OWN) args[k] = lb_consume(L, args[k]); /* the callee owns it now (also `own mut`) */
        else if ((pf & NF_MUT) && !lb_is_boxed(type_get(fty)->args[k]))
            args[k] = lb_lend_mut(L, args[k], n);
        /* a borrowed argument stays a copy of the caller's bits */
    }
    MirCallee callee = {CALLEE_FN, body, 0};
    if (vslot != UINT32_MAX) callee = (MirCallee){CALLEE_VIRTUAL, body, vslot};
    MirRvalue rv = {.kind = RV_CALL, .callee = callee, .ops_start = lb_ops(L, args, np),
                    .ops_count = np, .type = fret, .loc = n};
    free(args);
    free(set);
    MirOperand r = lb_temp_of(L, rv, node->span);
    if (fret == TYPE_NEVER) {
        lb_term(L, (MirTerm){.kind = MT_UNREACHABLE, .span = node->span});
        lb_continue_dead(L);
    }
    return r;
}

void lb_call_void(Lb *L, MirRtFn f, const MirOperand *ops, uint32_t n, Span sp) {
    lb_temp_of(L, rv_rt(L, f, TYPE_NONE, ops, n, 0), sp);
}

void lb_call_void_loc(Lb *L, MirRtFn f, const MirOperand *ops, uint32_t n, NodeId loc, Span sp) {
    lb_temp_of(L, rv_rt(L, f, TYPE_NONE, ops, n, loc), sp);
}

void lb_print(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    uint32_t count = node->list.count;
    NodeId sep = 0, end = 0;
    /* Python evaluates every argument before printing anything. */
    MirOperand *vals = xmalloc(sizeof *vals * (count + 1));
    uint32_t nv = 0;
    for (uint32_t i = 0; i < count; i++) {
        NodeId an = ast_list_at(L->ast, node->list, i);
        const Node *a = lb_node(L, an);
        if (a->kind == N_KEYWORD) {
            if (a->name == intern_cstr("sep")) sep = a->a;
            else if (a->name == intern_cstr("end")) end = a->a;
            else lb_unsupported(L, an, "this keyword argument of print()");
            continue;
        }
        if (a->kind == N_STARRED) {
            lb_unsupported(L, an, "starred arguments");
            continue;
        }
        vals[nv++] = a->type == TYPE_BYTES ? lb_stringify(L, an, false, false) : lb_expr(L, an);
    }
    MirOperand sepv = sep ? lb_expr_as(L, sep, TYPE_STR) : opd_none(TYPE_NONE);
    MirOperand endv = end ? lb_expr_as(L, end, TYPE_STR) : opd_none(TYPE_NONE);
    for (uint32_t i = 0; i < nv; i++) {
        if (i > 0) {
            if (sep) lb_call_void(L, MRT_PRINT_STR, &sepv, 1, node->span);
            else lb_call_void(L, MRT_PRINT_SPACE, NULL, 0, node->span);
        }
        MirOperand v = vals[i];
        switch (v.type) {
        case TYPE_INT: lb_call_void(L, MRT_PRINT_INT, &v, 1, node->span); break;
        case TYPE_FLOAT: lb_call_void(L, MRT_PRINT_FLOAT, &v, 1, node->span); break;
        case TYPE_BOOL: lb_call_void(L, MRT_PRINT_BOOL, &v, 1, node->span); break;
        case TYPE_STR: lb_call_void(L, MRT_PRINT_STR, &v, 1, node->span); break;
        case TYPE_NONE: lb_call_void(L, MRT_PRINT_NONE, NULL, 0, node->span); break;
        case TYPE_NEVER: break;
        default: lb_call_void(L, MRT_PRINT_VALUE, &v, 1, node->span); break;
        }
    }
    if (end) lb_call_void(L, MRT_PRINT_STR, &endv, 1, node->span);
    else lb_call_void(L, MRT_PRINT_NEWLINE, NULL, 0, node->span);
    free(vals);
}

/* min/max as Python does it: keep the first, replace it when a later value
 * is strictly smaller (min) or larger (max). */
MirOperand lb_minmax(Lb *L, NodeId n, bool is_max) {
    const Node *node = lb_node(L, n);
    TypeId t = node->type;
    if (node->list.count < 2 || (t != TYPE_INT && t != TYPE_FLOAT) ||
        lb_node(L, ast_list_at(L->ast, node->list, 1))->kind == N_KEYWORD)
        return lb_seq_minmax(L, n, is_max); /* of an iterable (maybe with keywords), or of non-numbers */
    MirLocalId cur = lb_temp(L, t);
    MirOperand first = lb_expr_as(L, ast_list_at(L->ast, node->list, 0), t);
    lb_assign(L, lb_place(cur), rv_use(L, first), node->span);
    for (uint32_t i = 1; i < node->list.count; i++) {
        NodeId an = ast_list_at(L->ast, node->list, i);
        MirOperand v = lb_expr_as(L, an, t);
        MirOperand better = lb_temp_of(L, rv_binary(L, is_max ? TOK_GT : TOK_LT, TYPE_BOOL, v, opd_local(L, cur), 0),
                                       lb_node(L, an)->span);
        MirBlockId take = lb_block(L), join = lb_block(L);
        lb_branch(L, better, take, join);
        L->cur = take;
        lb_assign(L, lb_place(cur), rv_use(L, v), lb_node(L, an)->span);
        lb_goto(L, join);
        L->cur = join;
    }
    return opd_local(L, cur);
}

MirOperand lb_builtin(Lb *L, NodeId n, BuiltinId bi) {
    const Node *node = lb_node(L, n);
    uint32_t argc = node->list.count;
    NodeId a0 = argc ? ast_list_at(L->ast, node->list, 0) : 0;
    TypeId t0 = a0 ? lb_node(L, a0)->type : TYPE_NONE;
    /* sorted(xs, reverse=...), enumerate(xs, start=k), min(xs, key=f, default=d) */
    if (bi != BI_PRINT && bi != BI_SORTED && bi != BI_ENUMERATE && bi != BI_MIN && bi != BI_MAX) {
        for (uint32_t i = 0; i < argc; i++) {
            uint16_t k = lb_node(L, ast_list_at(L->ast, node->list, i))->kind;
            if (k == N_KEYWORD || k == N_STARRED) {
                lb_unsupported(L, ast_list_at(L->ast, node->list, i), "keyword or starred arguments to builtins");
                return opd_dead(node->type);
            }
        }
    }
    switch (bi) {
    case BI_PRINT: lb_print(L, n); return opd_none(TYPE_NONE);
    case BI_STR: return a0 ? lb_stringify(L, a0, false, true) : opd_str(intern("", 0));
    case BI_REPR:
        if (!a0) ICE("repr() without an argument");
        return lb_stringify(L, a0, true, true);
    case BI_INT:
        if (!a0) return opd_int(0);
        if (t0 == TYPE_FLOAT) {
            MirOperand v = lb_expr(L, a0);
            return lb_temp_of(L, rv_rt(L, MRT_FLOAT_TO_INT, TYPE_INT, &v, 1, n), node->span);
        }
        if (t0 == TYPE_INT || t0 == TYPE_BOOL) return lb_expr_as(L, a0, TYPE_INT);
        if (t0 == TYPE_STR) return lb_parse_number(L, n, bi, node->type); /* a Result */
        lb_unsupported(L, n, "int() of this type");
        return opd_dead(TYPE_INT);
    case BI_FLOAT:
        if (!a0) return opd_float(0.0);
        if (t0 == TYPE_FLOAT || t0 == TYPE_INT || t0 == TYPE_BOOL) return lb_expr_as(L, a0, TYPE_FLOAT);
        if (t0 == TYPE_STR) return lb_parse_number(L, n, bi, node->type); /* a Result */
        lb_unsupported(L, n, "float() of this type");
        return opd_dead(TYPE_FLOAT);
    case BI_BOOL: {
        if (!a0) return opd_bool(false);
        MirOperand v = lb_expr(L, a0);
        switch (t0) {
        case TYPE_BOOL: return v;
        case TYPE_INT: return lb_temp_of(L, rv_binary(L, TOK_NE, TYPE_BOOL, v, opd_int(0), 0), node->span);
        case TYPE_FLOAT: return lb_temp_of(L, rv_binary(L, TOK_NE, TYPE_BOOL, v, opd_float(0.0), 0), node->span);
        case TYPE_NONE: return opd_bool(false);
        case TYPE_STR:
        case TYPE_BYTES: {
            MirOperand len = lb_temp_of(L, rv_unary(L, MOP_BYTE_LEN, TYPE_INT, v, 0), node->span);
            return lb_temp_of(L, rv_binary(L, TOK_NE, TYPE_BOOL, len, opd_int(0), 0), node->span);
        }
        default: {
            /* a collection: non-empty */
            TypeKind k = type_get(t0)->kind;
            if (k != TY_LIST && k != TY_DICT && k != TY_SET) {
                lb_unsupported(L, n, "bool() of this type");
                return opd_bool(false);
            }
            MirOperand len = k == TY_LIST ? lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &v, 1, 0), node->span)
                                          : lb_coll_len(L, v, node->span);
            return lb_temp_of(L, rv_binary(L, TOK_NE, TYPE_BOOL, len, opd_int(0), 0), node->span);
        }
        }
    }
    case BI_LEN: {
        if (!a0) ICE("len() without an argument");
        if (type_get(t0)->kind == TY_TUPLE || type_get(t0)->kind == TY_SET) return lb_seq_builtin(L, n, bi);
        MirOperand v = lb_expr(L, a0);
        if (type_get(t0)->kind == TY_DICT) return lb_coll_len(L, v, node->span);
        if (t0 == TYPE_STR) return lb_temp_of(L, rv_rt(L, MRT_STR_LEN, TYPE_INT, &v, 1, 0), node->span);
        if (t0 == TYPE_BYTES) return lb_temp_of(L, rv_unary(L, MOP_BYTE_LEN, TYPE_INT, v, 0), node->span);
        if (type_get(t0)->kind == TY_LIST) return lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &v, 1, 0), node->span);
        lb_unsupported(L, n, "len() of this type");
        return opd_dead(TYPE_INT);
    }
    case BI_ABS: {
        if (!a0) ICE("abs() without an argument");
        if (node->type == TYPE_FLOAT) {
            MirOperand v = lb_expr_as(L, a0, TYPE_FLOAT);
            return lb_temp_of(L, rv_unary(L, MOP_ABS, TYPE_FLOAT, v, 0), node->span);
        }
        if (node->type != TYPE_INT) ICE("abs() of type %s", type_name(node->type));
        /* |x| = x < 0 ? -x : x, where -x is the checked negation: abs of
         * the smallest int panics with "integer overflow" at the call */
        MirOperand v = lb_expr_as(L, a0, TYPE_INT);
        MirLocalId res = lb_temp(L, TYPE_INT);
        MirOperand neg = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, v, opd_int(0), 0), node->span);
        MirBlockId nb = lb_block(L), pb = lb_block(L), end = lb_block(L);
        lb_branch(L, neg, nb, pb);
        L->cur = nb;
        lb_assign(L, lb_place(res), rv_unary(L, TOK_MINUS, TYPE_INT, v, n), node->span);
        lb_goto(L, end);
        L->cur = pb;
        lb_assign(L, lb_place(res), rv_use(L, v), node->span);
        lb_goto(L, end);
        L->cur = end;
        return opd_local(L, res);
    }
    case BI_MIN: return lb_minmax(L, n, false);
    case BI_MAX: return lb_minmax(L, n, true);
    case BI_PANIC: {
        MirOperand msg = a0 ? lb_expr_as(L, a0, TYPE_STR) : opd_str(intern("", 0));
        lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = msg, .loc = n, .span = node->span});
        lb_continue_dead(L);
        return opd_none(TYPE_NEVER);
    }
    case BI_RANGE: lb_unsupported(L, n, "range() outside of a `for` loop"); return opd_none(TYPE_NONE);
    case BI_SORTED: case BI_REVERSED: case BI_ENUMERATE: case BI_ZIP: case BI_SUM: case BI_LIST: case BI_SET:
    case BI_ANY: case BI_ALL: case BI_ORD: case BI_CHR: return lb_seq_builtin(L, n, bi);
    case BI_ROUND: case BI_DIVMOD: case BI_POW: case BI_HEX: case BI_BIN: case BI_OCT: return lb_seq_builtin(L, n, bi);
    case BI_BYTES: return lb_seq_builtin(L, n, bi);
    case BI_ISINSTANCE: return lb_isinstance(L, n);
    case BI_DICT: return lb_temp_of(L, rv_agg(L, AGG_DICT, node->type, NULL, 0), node->span); /* dict() */
    case BI_OK: case BI_ERR: return lb_result_ctor(L, n, bi, node->type);
    default: lb_unsupported(L, n, "this builtin function"); return opd_dead(node->type);
    }
}

/* ---- classes, collections and methods ---- */

const ClassInfo *lb_class(Lb *L, TypeId t) { return prog_class_of(L->prog, t); }

int32_t lb_field_index(const ClassInfo *ci, StrId name) {
    for (uint32_t i = 0; i < ci->fields.len; i++)
        if (ci->fields.items[i].name == name) return (int32_t)i;
    return -1;
}

int32_t lb_method_func(const ClassInfo *ci, StrId name) {
    for (uint32_t i = 0; i < ci->methods.len; i++)
        if (ci->methods.items[i].name == name) return (int32_t)ci->methods.items[i].func;
    return -1;
}

/* A place holding the value of `o`: its own place, or a temporary. */
MirPlace lb_as_place(Lb *L, MirOperand o, Span sp) {
    if (o.kind != OPD_CONST) return o.place;
    MirLocalId t = lb_temp(L, o.type);
    lb_assign(L, lb_place(t), rv_use(L, o), sp);
    return lb_place(t);
}

/* The place of field `name` of the object expression `obj`. */
bool lb_field_place(Lb *L, NodeId obj, StrId name, TypeId ftype, MirPlace *out) {
    MirOperand o = lb_expr(L, obj);
    const ClassInfo *ci = lb_class(L, o.type);
    int32_t fi = ci ? lb_field_index(ci, name) : -1;
    if (fi < 0) return false;
    MirPlace p = lb_as_place(L, o, lb_node(L, obj)->span);
    p = lb_project(L, p, PROJ_DEREF, 0, o.type);
    *out = lb_project(L, p, PROJ_FIELD, (uint32_t)fi, ftype);
    return true;
}

MirOperand lb_enum_member(Lb *L, const ClassInfo *ci, StrId name, TypeId t) {
    for (uint32_t i = 0; i < ci->members.len; i++)
        if (ci->members.items[i].name == name)
            return (MirOperand){.kind = OPD_CONST, .type = t, .c = {.kind = MC_ENUM, .i = (int64_t)i}};
    ICE("MIR: enum `%s` has no member `%s`", str_text(ci->name), str_text(name));
    (void)L;
}

/* .value of an enum whose values are not consecutive: a chain of tests of
 * the member index `idx`, each arm storing that member's value. */
static MirOperand lb_enum_value_chain(Lb *L, const ClassInfo *ci, MirOperand idx, NodeId n) {
    Span sp = lb_node(L, n)->span;
    MirLocalId r = lb_temp(L, TYPE_INT);
    MirBlockId join = lb_block(L);
    uint32_t last = ci->members.len - 1;
    for (uint32_t i = 0; i < last; i++) {
        MirOperand hit = lb_cmp(L, TOK_EQ, idx, opd_int((int64_t)i), n);
        MirBlockId set = lb_block(L), next = lb_block(L);
        lb_branch(L, hit, set, next);
        L->cur = set;
        lb_assign(L, lb_place(r), rv_use(L, opd_int(ci->members.items[i].value)), sp);
        lb_goto(L, join);
        L->cur = next;
    }
    lb_assign(L, lb_place(r), rv_use(L, opd_int(ci->members.items[last].value)), sp);
    lb_goto(L, join);
    L->cur = join;
    return opd_local(L, r);
}

MirOperand lb_attr(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *obj = lb_node(L, node->a);
    if (obj->kind == N_NAME && obj->sym && prog_sym(L->prog, obj->sym)->kind == SYM_CLASS) {
        const ClassInfo *ci = lb_class(L, prog_sym(L->prog, obj->sym)->type);
        if (ci && (ci->flags & CLS_ENUM)) return lb_enum_member(L, ci, node->name, node->type);
        return lb_method_value(L, n);
    }
    const ClassInfo *ci = lb_class(L, obj->type);
    if (ci && (ci->flags & CLS_ENUM)) {
        MirOperand v = lb_expr(L, node->a);
        if (node->type == TYPE_STR) return lb_temp_of(L, rv_rt(L, MRT_STR_OF, TYPE_STR, &v, 1, 0), node->span);
        /* .value: members numbered consecutively map by an offset */
        MirOperand idx = lb_temp_of(L, rv_cast(L, v, TYPE_INT), node->span);
        for (uint32_t i = 0; i < ci->members.len; i++)
            if (ci->members.items[i].value - ci->members.items[0].value != (int64_t)i)
                return lb_enum_value_chain(L, ci, idx, n);
        return lb_temp_of(L, rv_binary(L, TOK_PLUS, TYPE_INT, idx, opd_int(ci->members.len ? ci->members.items[0].value : 0), n),
                          node->span);
    }
    if (ci && lb_field_index(ci, node->name) < 0) return lb_method_value(L, n); /* a bound method */
    MirPlace p;
    if (ci && lb_field_place(L, node->a, node->name, node->type, &p)) return opd_place(L, p, node->span);
    return lb_method_value(L, n); /* a bound method of a builtin type, or unsupported */
}

/* Arguments of a call given positionally only (builtins and methods of
 * builtin types); false after a diagnostic. */
bool lb_plain_args(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    for (uint32_t i = 0; i < node->list.count; i++) {
        uint16_t k = lb_node(L, ast_list_at(L->ast, node->list, i))->kind;
        if (k == N_KEYWORD || k == N_STARRED) {
            lb_unsupported(L, ast_list_at(L->ast, node->list, i), "keyword or starred arguments here");
            return false;
        }
    }
    return true;
}

/* C(args): the generated __init__ binds arguments to fields (positional in
 * field order, keywords by name, defaults); a user __init__ runs on a
 * zeroed object. */
/* Color(v): the first member whose value is v, tested in definition order;
 * Python's ValueError when there is none. */
static MirOperand lb_enum_of_value(Lb *L, NodeId n, const ClassInfo *ci) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    MirOperand v = lb_expr_as(L, ast_list_at(L->ast, node->list, 0), TYPE_INT);
    MirLocalId r = lb_temp(L, node->type);
    MirBlockId join = lb_block(L);
    for (uint32_t i = 0; i < ci->members.len; i++) {
        MirOperand hit = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, v, opd_int(ci->members.items[i].value), 0), sp);
        MirBlockId found = lb_block(L), next = lb_block(L);
        lb_branch(L, hit, found, next);
        L->cur = found;
        MirOperand m = {.kind = OPD_CONST, .type = node->type, .c = {.kind = MC_ENUM, .i = (int64_t)i}};
        lb_assign(L, lb_place(r), rv_use(L, m), sp);
        lb_goto(L, join);
        L->cur = next;
    }
    char tail[160];
    snprintf(tail, sizeof tail, " is not a valid %s", str_text(ci->name));
    MirOperand text = lb_temp_of(L, rv_rt(L, MRT_STR_OF, TYPE_STR, &v, 1, 0), sp);
    MirOperand head[2] = {opd_str(intern_cstr("ValueError: ")), text};
    MirOperand msg = lb_temp_of(L, rv_rt(L, MRT_STR_CONCAT, TYPE_STR, head, 2, 0), sp);
    MirOperand full[2] = {msg, opd_str(intern_cstr(tail))};
    msg = lb_temp_of(L, rv_rt(L, MRT_STR_CONCAT, TYPE_STR, full, 2, 0), sp);
    lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = msg, .loc = n, .span = sp});
    L->cur = join;
    return opd_local(L, r);
}

MirOperand lb_construct(Lb *L, NodeId n, const Symbol *cs) {
    const Node *node = lb_node(L, n);
    TypeId t = node->type;
    const ClassInfo *ci = lb_class(L, t);
    if (!ci) ICE("MIR: construction of a non-class");
    (void)cs;
    if (ci->flags & CLS_ENUM) return lb_enum_of_value(L, n, ci);
    int32_t init = lb_method_func(ci, intern_cstr("__init__"));
    if (init >= 0 && (ci->flags & CLS_USER_INIT)) {
        MirOperand obj = lb_temp_of(L, rv_agg(L, AGG_OBJECT, t, NULL, 0), node->span);
        lb_user_call_fn(L, n, (uint32_t)init, &obj);
        return obj;
    }
    uint32_t nf = ci->fields.len;
    const Type *ct = type_get(lb_node(L, node->a)->type);
    MirOperand *args = xcalloc(nf + 1, sizeof *args);
    bool *set = xcalloc(nf + 1, sizeof *set);
    uint32_t next_pos = 0;
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId an = ast_list_at(L->ast, node->list, i);
        const Node *a = lb_node(L, an);
        uint32_t slot = nf;
        NodeId value = an;
        if (a->kind == N_KEYWORD && a->name) {
            int32_t k = lb_field_index(ci, a->name);
            slot = k < 0 ? nf : (uint32_t)k;
            value = a->a;
        } else if (a->kind == N_STARRED || a->kind == N_KEYWORD) {
            lb_unsupported(L, an, "starred arguments");
            continue;
        } else {
            slot = next_pos++;
        }
        if (slot >= nf || set[slot]) ICE("MIR: constructor argument %u matches no field", i);
        TypeId ftype = ct->kind == TY_FUNC && slot < ct->nargs ? ct->args[slot] : ci->fields.items[slot].type;
        args[slot] = lb_consume(L, lb_expr_as(L, value, ftype));
        set[slot] = true;
    }
    for (uint32_t k = 0; k < nf; k++) {
        if (set[k]) continue;
        NodeId def = ci->fields.items[k].dflt;
        if (!def) ICE("MIR: construction of `%s` misses field %u", str_text(ci->name), k);
        TypeId ftype = ct->kind == TY_FUNC && k < ct->nargs ? ct->args[k] : ci->fields.items[k].type;
        args[k] = lb_consume(L, lb_expr_as(L, def, ftype));
    }
    MirOperand r = lb_temp_of(L, rv_agg(L, AGG_OBJECT, t, args, nf), node->span);
    free(args);
    free(set);
    return r;
}

NodeId lb_arg(Lb *L, NodeId n, uint32_t i) {
    const Node *node = lb_node(L, n);
    return i < node->list.count ? ast_list_at(L->ast, node->list, i) : 0;
}

/* list.m(...), str.m(...) */
MirOperand lb_builtin_method(Lb *L, NodeId n, MirOperand recv) {
    const Node *node = lb_node(L, n);
    const Node *callee = lb_node(L, node->a);
    const char *m = str_text(callee->name);
    const Type *rt = type_get(recv.type);
    uint32_t argc = node->list.count;
    Span sp = node->span;
    MirOperand seqr;
    if (lb_seq_method(L, n, recv, &seqr)) return seqr; /* the rest of the list/str/bytes methods */
    if (lb_coll_method(L, n, recv, &seqr)) return seqr; /* dict and set methods */
    if (!lb_plain_args(L, n)) return opd_dead(node->type);
    if (rt->kind == TY_RESULT) return lb_result_method(L, n, recv); /* is_ok, unwrap ... */
    if (rt->kind == TY_LIST) {
        TypeId et = rt->args[0];
        if (!strcmp(m, "append") && argc == 1) {
            MirOperand ops[2] = {recv, lb_consume(L, lb_expr_as(L, lb_arg(L, n, 0), et))};
            lb_call_void(L, MRT_LIST_PUSH, ops, 2, sp);
            return opd_none(TYPE_NONE);
        }
        if (!strcmp(m, "pop") && argc <= 1) {
            MirOperand ops[2] = {recv, argc ? lb_expr_as(L, lb_arg(L, n, 0), TYPE_INT) : opd_int(-1)};
            return lb_temp_of(L, rv_rt(L, MRT_LIST_POP, et, ops, 2, n), sp);
        }
        if (!strcmp(m, "insert") && argc == 2) {
            MirOperand i = lb_expr_as(L, lb_arg(L, n, 0), TYPE_INT);
            MirOperand ops[3] = {recv, i, lb_consume(L, lb_expr_as(L, lb_arg(L, n, 1), et))};
            lb_call_void(L, MRT_LIST_INSERT, ops, 3, sp);
            return opd_none(TYPE_NONE);
        }
        if (!strcmp(m, "extend") && argc == 1) {
            MirOperand ops[2] = {recv, lb_expr_as(L, lb_arg(L, n, 0), recv.type)};
            lb_call_void(L, MRT_LIST_EXTEND, ops, 2, sp);
            return opd_none(TYPE_NONE);
        }
        if (!strcmp(m, "reverse") && argc == 0) {
            lb_call_void(L, MRT_LIST_REVERSE, &recv, 1, sp);
            return opd_none(TYPE_NONE);
        }
        if (!strcmp(m, "sort") && argc == 0) {
            MirOperand ops[2] = {recv, opd_bool(false)};
            lb_call_void(L, MRT_LIST_SORT, ops, 2, sp);
            return opd_none(TYPE_NONE);
        }
        if (!strcmp(m, "index") && argc == 1) {
            MirOperand ops[2] = {recv, lb_expr_as(L, lb_arg(L, n, 0), et)};
            MirOperand r = lb_temp_of(L, rv_rt(L, MRT_LIST_INDEX, TYPE_INT, ops, 2, 0), sp);
            /* not found: the ValueError of Python, as a panic outside `try` */
            MirOperand bad = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, r, opd_int(0), 0), sp);
            lb_panic_if(L, bad, "ValueError: value is not in list", n, sp);
            return r;
        }
    } else if (recv.type == TYPE_STR) {
        static const struct {
            const char *name;
            MirRtFn f;
            uint32_t argc;
        } sm[] = {
            {"upper", MRT_STR_UPPER, 0},       {"lower", MRT_STR_LOWER, 0},           {"strip", MRT_STR_STRIP, 0},
            {"split", MRT_STR_SPLIT, 0},       {"split", MRT_STR_SPLIT, 1},           {"join", MRT_STR_JOIN, 1},
            {"replace", MRT_STR_REPLACE, 2},   {"startswith", MRT_STR_STARTSWITH, 1}, {"endswith", MRT_STR_ENDSWITH, 1},
        };
        for (size_t i = 0; i < sizeof sm / sizeof sm[0]; i++) {
            if (strcmp(m, sm[i].name) || argc != sm[i].argc) continue;
            MirOperand ops[3] = {recv};
            for (uint32_t k = 0; k < argc; k++) {
                NodeId an = lb_arg(L, n, k);
                ops[k + 1] = lb_expr(L, an);
            }
            return lb_temp_of(L, rv_rt(L, sm[i].f, node->type, ops, argc + 1, n), sp);
        }
    }
    char what[96];
    snprintf(what, sizeof what, "the method `%s` of `%s`", m, type_name(recv.type));
    lb_unsupported(L, n, what);
    return opd_dead(node->type);
}

/* The vtable slot of method `name` of class `ci` when some class derived
 * from it overrides the method (the call must then go through the object's
 * dynamic class), else UINT32_MAX: a direct call. Overrides sit in the slot
 * of the method they override (ClassInfo.methods). */
uint32_t lb_virtual_slot(Lb *L, const ClassInfo *ci, StrId name) {
    uint32_t slot = UINT32_MAX;
    for (uint32_t i = 0; i < ci->methods.len; i++)
        if (ci->methods.items[i].name == name) slot = i;
    if (slot == UINT32_MAX) return slot;
    uint32_t fi = ci->methods.items[slot].func;
    for (uint32_t k = 0; k < L->prog->classes.len; k++) {
        const ClassInfo *d = &L->prog->classes.items[k];
        if (d == ci || !prog_class_derives(L->prog, d->sym, ci->sym)) continue;
        if (slot < d->methods.len && d->methods.items[slot].func != fi) return slot;
    }
    return UINT32_MAX;
}

MirOperand lb_method_call(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *callee = lb_node(L, node->a);
    const Node *obj = lb_node(L, callee->a);
    if (obj->kind == N_NAME && obj->sym) {
        SymKind k = prog_sym(L->prog, obj->sym)->kind;
        if (k == SYM_CLASS || k == SYM_TYPE) return lb_call_value(L, n); /* Cls.m(obj), str.upper(s) */
        if (k == SYM_MODULE) {
            lb_unsupported(L, n, "calling an unbound method");
            return opd_dead(node->type);
        }
    }
    const ClassInfo *ci = lb_class(L, obj->type);
    if (ci && callee->name == intern_cstr("clone") && lb_method_func(ci, callee->name) < 0 &&
        lb_field_index(ci, callee->name) < 0) {
        /* `obj.clone()` of a class without its own `clone`: a deep copy */
        MirOperand self = lb_expr(L, callee->a);
        return mir_type_is_copy(self.type) ? self : lb_clone(L, self);
    }
    if (ci && !(ci->flags & CLS_ENUM)) {
        int32_t fi = lb_method_func(ci, callee->name);
        if (fi < 0) return lb_call_value(L, n); /* a function stored in a field */
        MirOperand self = lb_expr(L, callee->a);
        /* a subclass object passed to a method it inherited: same object */
        TypeId st = prog_sym(L->prog, L->prog->funcs.items[fi].params.items[0])->type;
        if (type_has_typevar(st)) st = self.type; /* a generic class's method: its instance for this object */
        if (self.type != st) {
            /* the cast result borrows the same object: never dropped */
            MirLocalId bt = lb_local(L, st, 0, (Span){0}, MIRL_BORROWED);
            lb_assign(L, lb_place(bt), rv_cast(L, self, st), node->span);
            self = opd_local(L, bt);
        }
        return lb_user_call_slot(L, n, (uint32_t)fi, &self, lb_virtual_slot(L, ci, callee->name));
    }
    MirOperand recv = lb_expr(L, callee->a);
    return lb_builtin_method(L, n, recv);
}

MirOperand lb_seq_literal(Lb *L, NodeId n, MirAggKind k) {
    const Node *node = lb_node(L, n);
    const Type *t = type_get(node->type);
    uint32_t count = node->list.count;
    MirOperand *ops = xcalloc(count * 2 + 1, sizeof *ops);
    uint32_t no = 0;
    for (uint32_t i = 0; i < count; i++) {
        NodeId en = ast_list_at(L->ast, node->list, i);
        const Node *e = lb_node(L, en);
        if (e->kind == N_STARRED || (e->kind == N_DICT_ITEM && !e->a)) {
            lb_unsupported(L, en, "unpacking in a literal");
            continue;
        }
        if (k == AGG_DICT) {
            ops[no++] = lb_consume(L, lb_expr_as(L, e->a, t->args[0]));
            ops[no++] = lb_consume(L, lb_expr_as(L, e->b, t->args[1]));
        } else {
            TypeId et = k == AGG_TUPLE ? t->args[i] : t->args[0];
            ops[no++] = lb_consume(L, lb_expr_as(L, en, et));
        }
    }
    MirOperand r = lb_temp_of(L, rv_agg(L, k, node->type, ops, no), node->span);
    free(ops);
    return r;
}

/* t[a:b:c] on a tuple: a new tuple of copies of the selected fields (sema
 * checked that the bounds are literals; tuple_slice_select picks them). */
static MirOperand lb_tuple_slice(Lb *L, NodeId n, MirOperand o) {
    const Node *node = lb_node(L, n);
    const Node *sl = lb_node(L, node->b);
    NodeId parts[3] = {sl->a, sl->b, sl->c};
    int64_t v[3] = {0, 0, 1};
    for (int i = 0; i < 3; i++) {
        const Node *p = parts[i] ? lb_node(L, parts[i]) : NULL;
        if (!p) continue;
        if (p->kind == N_INT) v[i] = (int64_t)p->v.ival;
        else if (p->kind == N_UNARY && p->op == TOK_MINUS && lb_node(L, p->a)->kind == N_INT)
            v[i] = -(int64_t)lb_node(L, p->a)->v.ival;
        else ICE("MIR: a tuple slice bound that is not a literal");
    }
    const Type *ot = type_get(o.type);
    int64_t first, stride, count;
    if (!tuple_slice_select((int64_t)ot->nargs, parts[0] != 0, v[0], parts[1] != 0, v[1], v[2], &first, &stride,
                            &count) ||
        count != (int64_t)type_get(node->type)->nargs)
        ICE("MIR: tuple slice disagrees with its type");
    MirPlace p = lb_as_place(L, o, node->span);
    MirOperand *ops = count ? calloc((size_t)count, sizeof *ops) : NULL;
    for (int64_t i = 0; i < count; i++) {
        uint32_t f = (uint32_t)(first + i * stride);
        ops[i] = lb_consume(L, opd_place(L, lb_project(L, p, PROJ_FIELD, f, ot->args[f]), node->span));
    }
    MirOperand r = lb_temp_of(L, rv_agg(L, AGG_TUPLE, node->type, ops, (uint32_t)count), node->span);
    free(ops);
    return r;
}

/* obj[index] read: list elements are borrowed (a borrowed temporary: a
 * consuming use clones it); tuple elements are fields; str indexing makes a
 * new str. */
MirOperand lb_subscript(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *ix = lb_node(L, node->b);
    MirOperand o = lb_expr(L, node->a);
    const Type *ot = type_get(o.type);
    Span sp = node->span;
    if (ix->kind == N_SLICE && ot->kind == TY_TUPLE) return lb_tuple_slice(L, n, o);
    if (ix->kind == N_SLICE) return lb_seq_slice(L, n, o);
    if (o.type == TYPE_BYTES) return lb_seq_bytes_at(L, n, o);
    if (ot->kind == TY_DICT) return lb_coll_subscript(L, n, o); /* d[k] */
    if (ot->kind == TY_TUPLE) {
        int64_t i = ix->kind == N_INT ? (int64_t)ix->v.ival
                    : ix->kind == N_UNARY && ix->op == TOK_MINUS && lb_node(L, ix->a)->kind == N_INT
                        ? -(int64_t)lb_node(L, ix->a)->v.ival
                        : INT64_MIN;
        if (i < 0 && i != INT64_MIN) i += ot->nargs;
        if (i < 0 || i >= (int64_t)ot->nargs) {
            lb_unsupported(L, n, "a tuple index that is not a constant");
            return opd_dead(node->type);
        }
        MirPlace p = lb_as_place(L, o, sp);
        return opd_place(L, lb_project(L, p, PROJ_FIELD, (uint32_t)i, ot->args[i]), sp);
    }
    if (ot->kind == TY_LIST) {
        MirOperand ops[2] = {o, lb_expr_as(L, node->b, TYPE_INT)};
        MirLocalId t = lb_local(L, node->type, 0, (Span){0}, MIRL_BORROWED);
        lb_assign(L, lb_place(t), rv_rt(L, MRT_LIST_AT, node->type, ops, 2, n), sp);
        return opd_local(L, t);
    }
    if (o.type == TYPE_STR) {
        MirOperand ops[2] = {o, lb_expr_as(L, node->b, TYPE_INT)};
        return lb_temp_of(L, rv_rt(L, MRT_STR_INDEX, TYPE_STR, ops, 2, n), sp);
    }
    lb_unsupported(L, n, "indexing this type");
    return opd_dead(node->type);
}

MirOperand lb_call(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *callee = lb_node(L, node->a);
    if (callee->sym && prog_sym(L->prog, callee->sym)->kind == SYM_BUILTIN && callee->kind == N_NAME &&
        prog_sym(L->prog, callee->sym)->index >= BI_SYNC_SHARED)
        return lb_sync_builtin(L, n, (BuiltinId)prog_sym(L->prog, callee->sym)->index); /* Lock(v), channel() */
    if (callee->sym && prog_sym(L->prog, callee->sym)->kind == SYM_BUILTIN &&
        (callee->kind == N_ATTR || prog_sym(L->prog, callee->sym)->index >= BI_TASK_SLEEP))
        return lb_task_builtin(L, n, (BuiltinId)prog_sym(L->prog, callee->sym)->index); /* task.now(), TaskGroup() */
    if (callee->kind == N_ATTR) {
        TypeKind ok = type_get(lb_node(L, callee->a)->type)->kind;
        if (ok == TY_TASK_SCOPE || ok == TY_TASK_HANDLE || ok == TY_TASK_GROUP || ok == TY_CONTEXT)
            return lb_task_method(L, n);
        if (ok == TY_SYNC) return lb_sync_method(L, n);
        return lb_method_call(L, n);
    }
    if (callee->kind == N_SUBSCRIPT && lb_node(L, callee->a)->sym &&
        prog_sym(L->prog, lb_node(L, callee->a)->sym)->kind == SYM_CLASS) /* Box[int](...) */
        return lb_construct(L, n, prog_sym(L->prog, lb_node(L, callee->a)->sym));
    if (callee->kind != N_NAME || !callee->sym) return lb_call_value(L, n); /* f()(x), fs[0](x) */
    const Symbol *s = prog_sym(L->prog, callee->sym);
    if (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) return lb_builtin(L, n, (BuiltinId)s->index);
    if (s->kind == SYM_CLASS) return lb_construct(L, n, s);
    if (s->kind == SYM_LOCAL || s->kind == SYM_PARAM || s->kind == SYM_LAMBDA_PARAM) return lb_call_value(L, n);
    if (s->kind != SYM_FUNC) {
        lb_unsupported(L, n, "this kind of call");
        return opd_dead(node->type);
    }
    return lb_user_call_fn(L, n, s->index, NULL);
}

MirOperand lb_expr(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    if (node->type == 0 || node->type == TYPE_ERROR)
        ICE("MIR: untyped %s expression", node_kind_name((NodeKind)node->kind));
    if ((node->kind == N_CALL || node->kind == N_SUBSCRIPT || node->kind == N_AWAIT) && L->prog->unwraps.len) {
        /* a Result unwrapped inside `try` (or `d[k]` there): an Err jumps to a handler */
        const SemaUnwrap *u = prog_unwrap_of(L->prog, n);
        if (u) return node->kind == N_SUBSCRIPT ? lb_key_lookup(L, n, u) : lb_unwrap(L, n, u);
    }
    switch ((NodeKind)node->kind) {
    case N_NAME: return lb_name(L, n);
    case N_INT: return opd_int((int64_t)node->v.ival);
    case N_FLOAT: return opd_float(node->v.fval);
    case N_BOOL: return opd_bool(node->v.bval);
    case N_NONE: return opd_none(TYPE_NONE);
    case N_STR: return opd_str(node->v.str);
    case N_BYTES:
        return (MirOperand){.kind = OPD_CONST, .type = TYPE_BYTES, .c = {.kind = MC_BYTES, .s = node->v.str}};
    case N_FSTRING: return lb_fstring(L, n);
    case N_UNARY: return lb_unary(L, n);
    case N_BINARY: {
        MirOperand l = lb_expr(L, node->a);
        MirOperand r = lb_expr(L, node->b);
        return lb_binop(L, node->op, node->type, l, r, n);
    }
    case N_BOOLOP: return lb_boolop(L, n);
    case N_COMPARE: return lb_compare(L, n);
    case N_IFEXP: return lb_ifexp(L, n);
    case N_CALL: return lb_call(L, n);
    case N_AWAIT: return lb_await(L, n);
    case N_ATTR: return lb_attr(L, n);
    case N_SUBSCRIPT: return lb_subscript(L, n);
    case N_LIST: return lb_seq_literal(L, n, AGG_LIST);
    case N_TUPLE: return lb_seq_literal(L, n, AGG_TUPLE);
    case N_SET: return lb_seq_literal(L, n, AGG_SET);
    case N_DICT: return lb_seq_literal(L, n, AGG_DICT);
    case N_COMP: return lb_comprehension(L, n);
    case N_LAMBDA: return lb_lambda(L, n);
    default: lb_unsupported(L, n, "this expression"); return opd_dead(node->type);
    }
}

/* ==== Statements ========================================================== */


/* The local a name target writes, or 0 for a discard such as `_ = f()`. */
SymId lb_target_sym(Lb *L, NodeId target) {
    const Node *t = lb_node(L, target);
    if (t->kind != N_NAME) {
        lb_unsupported(L, target, "this assignment target");
        return 0;
    }
    if (!t->sym) return 0;
    const Symbol *s = prog_sym(L->prog, t->sym);
    if (s->kind != SYM_LOCAL && s->kind != SYM_PARAM)
        ICE("MIR: assignment to `%s` of symbol kind %d", str_text(s->name), (int)s->kind);
    return t->sym;
}

/* Store a value into a copy-typed place. When `v` is the temporary the last
 * statement just computed, that statement writes the place directly. */
void lb_store_copy(Lb *L, MirPlace p, MirOperand v, Span span) {
    MirBlock *bb = lb_cur(L);
    if (opd_is_local(v) && v.place.local + 1 == L->b->locals.len && !(L->b->locals.items[v.place.local].flags) &&
        bb->stmts.len) {
        MirStmt *last = &bb->stmts.items[bb->stmts.len - 1];
        if (last->kind == MS_ASSIGN && last->place.local == v.place.local && last->place.proj_count == 0 &&
            last->rv.type == mir_place_type(L->b, p)) {
            last->place = p;
            L->b->locals.len--;
            return;
        }
    }
    lb_assign(L, p, rv_use(L, v), span);
}

/* sym = v (v of type vt, converted to the symbol's type). An owned old value
 * is dropped first (drop elaboration removes the drop where the local is
 * certainly uninitialised, e.g. its first assignment). */
void lb_store(Lb *L, SymId s, MirOperand v, NodeId at) {
    const Symbol *sym = prog_sym(L->prog, s);
    if (sym->type == TYPE_NONE || v.type == TYPE_NEVER) return;
    v = lb_convert(L, v, sym->type, at);
    MirPlace p = lb_sym_place(L, s);
    Span sp = lb_node(L, at)->span;
    if (mir_type_is_copy(sym->type)) {
        lb_store_copy(L, p, v, sp);
        return;
    }
    v = lb_consume(L, v);
    if (p.proj_count == 0) {
        lb_drop(L, p.local, sp);
    } else {
        /* through a `mut` parameter: the caller's old value is replaced,
         * so it is taken out and dropped at the end of the statement */
        MirLocalId old = lb_temp(L, sym->type);
        lb_assign(L, lb_place(old), rv_use(L, opd_place(L, p, sp)), sp);
        vec_push(&L->pending, old);
    }
    lb_assign(L, p, rv_use(L, v), sp);
}

/* target = v for targets other than a plain name: a field (the old value
 * is moved into a temporary dropped at the end of the statement), a list
 * element, or a tuple/list of targets (unpacking: each element is read
 * from the value's place; a consuming store clones it). */
void lb_store_target(Lb *L, NodeId target, MirOperand v, NodeId at) {
    const Node *t = lb_node(L, target);
    Span sp = lb_node(L, at)->span;
    if (v.type == TYPE_NEVER) return;
    switch ((NodeKind)t->kind) {
    case N_NAME: {
        SymId s = lb_target_sym(L, target);
        if (s) lb_store(L, s, v, at);
        return;
    }
    case N_ATTR: {
        v = lb_consume(L, lb_convert(L, v, t->type, at));
        MirPlace p;
        if (!lb_field_place(L, t->a, t->name, t->type, &p)) {
            lb_unsupported(L, target, "this assignment target");
            return;
        }
        if (!mir_type_is_copy(t->type)) {
            MirOperand old = opd_place(L, p, sp);
            lb_temp_of(L, rv_use(L, old), sp); /* owned now: dropped at the end of the statement */
        }
        lb_assign(L, p, rv_use(L, v), sp);
        return;
    }
    case N_SUBSCRIPT: {
        if (type_get(lb_node(L, t->a)->type)->kind == TY_DICT && lb_coll_store_subscript(L, target, v, at)) return;
        MirOperand o = lb_expr(L, t->a);
        if (type_get(o.type)->kind == TY_LIST && lb_node(L, t->b)->kind == N_SLICE) {
            lb_seq_store_slice(L, target, o, v, at);
            return;
        }
        if (type_get(o.type)->kind != TY_LIST || lb_node(L, t->b)->kind == N_SLICE) {
            lb_unsupported(L, target, "this assignment target");
            return;
        }
        MirOperand i = lb_expr_as(L, t->b, TYPE_INT);
        v = lb_consume(L, lb_convert(L, v, type_get(o.type)->args[0], at));
        MirOperand ops[3] = {o, i, v};
        lb_call_void_loc(L, MRT_LIST_SET, ops, 3, target, sp);
        return;
    }
    case N_TUPLE:
    case N_LIST: {
        const Type *vt = type_get(v.type);
        if (vt->kind == TY_LIST) {
            lb_seq_unpack_list(L, target, v, at); /* a, b = xs; first, *rest = xs */
            return;
        }
        if (vt->kind != TY_TUPLE || vt->nargs != t->list.count) {
            lb_unsupported(L, target, "unpacking this value");
            return;
        }
        /* Runtime handles (channel ends, locks, task handles) cannot be
         * copied: an owned tuple holding one is moved here and its
         * handles are taken out of it (their slots left empty, which its
         * drop skips). */
        bool take = false;
        for (uint32_t i = 0; i < vt->nargs; i++) take |= lb_type_is_handle(vt->args[i]);
        if (take && !lb_is_borrowed(L, v)) {
            MirOperand whole = lb_temp_of(L, rv_use(L, lb_consume(L, v)), sp);
            for (uint32_t i = 0; i < t->list.count; i++) {
                MirPlace fp = lb_project(L, whole.place, PROJ_FIELD, i, vt->args[i]);
                MirOperand e = lb_type_is_handle(vt->args[i]) ? lb_take_handle(L, fp, vt->args[i], sp) : opd_place(L, fp, sp);
                lb_store_target(L, ast_list_at(L->ast, t->list, i), e, at);
            }
            return;
        }
        MirPlace p = lb_as_place(L, v, sp);
        for (uint32_t i = 0; i < t->list.count; i++) {
            MirOperand e = opd_place(L, lb_project(L, p, PROJ_FIELD, i, vt->args[i]), sp);
            lb_store_target(L, ast_list_at(L->ast, t->list, i), e, at);
        }
        return;
    }
    default: lb_unsupported(L, target, "this assignment target"); return;
    }
}

void lb_assign_stmt(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    if (lb_coll_counter_update(L, n)) return; /* d[k] = d.get(k, 0) + 1 */
    MirOperand v = lb_expr(L, node->a);
    if (node->list.count == 1 && lb_node(L, ast_list_at(L->ast, node->list, 0))->kind != N_NAME) {
        lb_store_target(L, ast_list_at(L->ast, node->list, 0), v, node->a);
        return;
    }
    /* `a = b = value`: the value is stored into each target in order; an
     * owned value goes to the last one, the others get clones of it. */
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId ti = ast_list_at(L->ast, node->list, i);
        SymId s = lb_node(L, ti)->kind == N_NAME ? lb_target_sym(L, ti) : 0;
        if (s && prog_sym(L->prog, s)->type != TYPE_NONE) last = i;
        if (lb_node(L, ti)->kind != N_NAME) last = UINT32_MAX; /* a later clone still needs the value */
    }
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId ti = ast_list_at(L->ast, node->list, i);
        if (lb_node(L, ti)->kind != N_NAME) { /* `p, q = pair = value`: other targets get a clone */
            bool own = !mir_type_is_copy(v.type) && v.kind != OPD_CONST;
            lb_store_target(L, ti, own ? lb_clone(L, v) : v, node->a);
            continue;
        }
        SymId s = lb_target_sym(L, ti);
        if (!s) continue;
        MirOperand vi = v;
        if (i != last && !mir_type_is_copy(v.type) && v.kind != OPD_CONST && prog_sym(L->prog, s)->type != TYPE_NONE)
            vi = lb_clone(L, v);
        lb_store(L, s, vi, node->a);
    }
}

void lb_aug_assign(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *tn = lb_node(L, node->a);
    if (tn->kind == N_SUBSCRIPT && type_get(lb_node(L, tn->a)->type)->kind == TY_LIST) {
        lb_seq_aug_item(L, n); /* xs[i] op= v */
        return;
    }
    if (lb_coll_aug_assign(L, n)) return; /* d[k] op= v */
    if (tn->kind == N_ATTR) {
        /* obj.f op= v: read the field, compute, store it back */
        MirPlace p;
        if (!lb_field_place(L, tn->a, tn->name, tn->type, &p)) {
            lb_unsupported(L, node->a, "this assignment target");
            return;
        }
        MirOperand cur = opd_place(L, p, tn->span);
        MirOperand v = lb_expr(L, node->b);
        if (v.type == TYPE_NEVER) return;
        MirOperand r = lb_convert(L, lb_binop(L, node->op, node->type, cur, v, n), tn->type, n);
        if (!mir_type_is_copy(tn->type)) lb_temp_of(L, rv_use(L, opd_place(L, p, tn->span)), tn->span);
        lb_assign(L, p, rv_use(L, lb_consume(L, r)), tn->span);
        return;
    }
    SymId s = lb_target_sym(L, node->a);
    if (!s) return;
    const Symbol *sym = prog_sym(L->prog, s);
    if (sym->type == TYPE_NONE) ICE("augmented assignment to a None local");
    MirOperand cur = opd_place(L, lb_sym_place(L, s), lb_node(L, node->a)->span);
    MirOperand v = lb_expr(L, node->b);
    if (v.type == TYPE_NEVER) return;
    if (node->op == TOK_PLUS && type_get(sym->type)->kind == TY_LIST) {
        /* xs += ys extends xs in place (a `mut` caller sees it) */
        MirOperand ops[2] = {cur, v};
        lb_call_void(L, MRT_LIST_EXTEND, ops, 2, node->span);
        return;
    }
    MirOperand r = lb_binop(L, node->op, sym->type, cur, v, n);
    lb_store(L, s, r, n);
}

/* The drops of every owned named local, in reverse declaration order (the
 * function returns next). */
void lb_exit_drops(Lb *L, Span sp) {
    for (uint32_t i = L->owned.len; i > 0; i--) lb_drop(L, L->owned.items[i - 1], sp);
}

void lb_return(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    TypeId ret = L->fn->ret;
    if (ret == TYPE_NONE || ret == TYPE_NEVER) {
        if (node->a) lb_expr(L, node->a);
    } else if (!node->a) {
        /* a bare `return` of a `-> Result[None, E]` function is Ok(None) */
        if (type_get(ret)->kind != TY_RESULT || type_get(ret)->args[0] != TYPE_NONE)
            ICE("MIR: bare return in a function returning %s", type_name(ret));
        lb_assign(L, lb_place(0), rv_agg(L, AGG_OK, ret, NULL, 0), node->span);
    } else {
        MirOperand v = lb_expr_as(L, node->a, ret);
        if (mir_type_is_copy(ret)) lb_store_copy(L, lb_place(0), v, node->span);
        else lb_assign(L, lb_place(0), rv_use(L, lb_consume(L, v)), node->span);
    }
    lb_flush(L, 0);
    lb_leave_scopes(L, 0); /* `finally` blocks and `with` exits */
    if (lb_terminated(L)) return; /* a `finally` left by raise/return */
    lb_exit_drops(L, node->span);
    lb_term(L, (MirTerm){.kind = MT_RETURN, .span = node->span});
}

void lb_orelse(Lb *L, NodeList orelse, MirBlockId else_bb, MirBlockId end) {
    if (!orelse.count) return;
    L->cur = else_bb;
    lb_stmts(L, orelse);
    lb_goto(L, end);
}

void lb_if(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    MirOperand cond = lb_expr_as(L, node->a, TYPE_BOOL);
    lb_flush(L, 0);
    MirBlockId then_bb = lb_block(L), end = lb_block(L);
    MirBlockId else_bb = node->list2.count ? lb_block(L) : end;
    lb_branch(L, cond, then_bb, else_bb);
    L->cur = then_bb;
    lb_stmts(L, node->list);
    lb_goto(L, end);
    lb_orelse(L, node->list2, else_bb, end);
    L->cur = end;
}

/* while cond: body else: orelse (orelse runs when cond turns false, not on break) */
void lb_while(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    MirBlockId cond_bb = lb_block(L), body = lb_block(L), end = lb_block(L);
    MirBlockId else_bb = node->list2.count ? lb_block(L) : end;
    lb_goto(L, cond_bb);
    L->cur = cond_bb;
    MirOperand cond = lb_expr_as(L, node->a, TYPE_BOOL);
    lb_flush(L, 0);
    lb_branch(L, cond, body, else_bb);
    L->cur = body;
    vec_push(&L->loops, ((LbLoop){end, cond_bb}));
    lb_stmts(L, node->list);
    L->loops.len--;
    lb_goto(L, cond_bb);
    lb_orelse(L, node->list2, else_bb, end);
    L->cur = end;
}

/* An int operand that stays fixed while the loop runs: constants as they
 * are, anything else copied into a temporary (the body may reassign the
 * local it was read from). */
MirOperand lb_pin(Lb *L, MirOperand v, Span sp) {
    if (v.kind == OPD_CONST) return v;
    MirLocalId t = lb_temp(L, v.type);
    lb_assign(L, lb_place(t), rv_use(L, v), sp);
    return opd_local(L, t);
}

/* for TARGET in xs (a list): a hidden index walks the list, reading its
 * length before every iteration (the body may append). The element is
 * borrowed from the list; storing it into the target clones a non-copy
 * element. A list computed by the iterable expression is held in an owned
 * local for the whole loop (exit drops cover a `return` from the body). */
/* Does target `t` (a name, or a tuple/list of targets) bind symbol `s`? */
static bool lb_target_binds(Lb *L, NodeId t, SymId s) {
    if (!t) return false;
    const Node *x = lb_node(L, t);
    if (x->kind == N_NAME) return x->sym == s;
    if (x->kind == N_TUPLE || x->kind == N_LIST || x->kind == N_STARRED) {
        if (x->kind == N_STARRED) return lb_target_binds(L, x->a, s);
        for (uint32_t i = 0; i < x->list.count; i++)
            if (lb_target_binds(L, ast_list_at(L->ast, x->list, i), s)) return true;
    }
    return false;
}

/* May the variable of `for x in xs:` (list xs) borrow each element instead
 * of owning a clone of it? Yes when `x` is a plain name that nothing but
 * this loop binds and that is read only inside the loop body: then the
 * element outlives every use (the list is not shortened while it is
 * borrowed: the loop holds it), mutations through it reach the list's
 * element as in Python, and uses that must own it (a move) clone it. */
bool lb_for_borrows(Lb *L, NodeId n) { return lb_for_borrows_name(L, n, lb_node(L, n)->a); }

/* The same for the name `name` of the loop's target (a part of a tuple
 * target: `for i, x in enumerate(xs)`). */
bool lb_for_borrows_name(Lb *L, NodeId n, NodeId name) {
    const Node *node = lb_node(L, n);
    const Node *t = lb_node(L, name);
    if (t->kind != N_NAME || !t->sym || node->list.count == 0) return false;
    SymId s = t->sym;
    const Node *def = lb_node(L, L->fn->def);
    uint32_t lo = lb_node(L, ast_list_at(L->ast, node->list, 0))->span.lo;
    uint32_t hi = lb_node(L, ast_list_at(L->ast, node->list, node->list.count - 1))->span.hi;
    for (uint32_t id = 1; id < L->ast->nodes.len; id++) {
        const Node *x = &L->ast->nodes.items[id];
        if (x->span.file != def->span.file || x->span.lo < def->span.lo || x->span.hi > def->span.hi) continue;
        switch ((NodeKind)x->kind) {
        case N_ASSIGN:
            for (uint32_t k = 0; k < x->list.count; k++)
                if (lb_target_binds(L, ast_list_at(L->ast, x->list, k), s)) return false;
            break;
        case N_DEL:
            for (uint32_t k = 0; k < x->list.count; k++)
                if (lb_target_binds(L, ast_list_at(L->ast, x->list, k), s)) return false;
            break;
        case N_ANN_ASSIGN:
        case N_AUG_ASSIGN:
        case N_COMP_FOR:
            if (lb_target_binds(L, x->a, s)) return false;
            break;
        case N_FOR:
            if (id != n && lb_target_binds(L, x->a, s)) return false;
            break;
        case N_WITH_ITEM:
            if (lb_target_binds(L, x->b, s)) return false;
            break;
        case N_NAME:
            if (x->sym == s && id != name && (x->span.lo < lo || x->span.hi > hi)) return false;
            break;
        default:
            if (x->sym == s) return false; /* bound by a pattern, `except ... as`, `:=` ... */
            break;
        }
    }
    return true;
}

/* Panic with `msg` (at `loc`) when `cond` holds; code continues in a new
 * block where it does not. */
void lb_panic_if(Lb *L, MirOperand cond, const char *msg, NodeId loc, Span sp) {
    MirBlockId bad = lb_block(L), ok = lb_block(L);
    lb_branch(L, cond, bad, ok);
    L->cur = bad;
    lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = opd_str(intern_cstr(msg)), .loc = loc, .span = sp});
    L->cur = ok;
}

/* If `v` is a temporary made since `mark` and still waiting to be dropped
 * (a fresh list, dict ... computed by a for loop's iterable), keep it alive
 * for the whole loop instead: the caller drops it at the loop's end (and the
 * exits from inside the loop drop it as an owned value). */
bool lb_hold_fresh(Lb *L, uint32_t mark, MirOperand v) {
    if (!opd_is_local(v)) return false;
    for (uint32_t i = mark; i < L->pending.len; i++)
        if (L->pending.items[i] == v.place.local) {
            L->pending.items[i] = L->pending.items[--L->pending.len];
            vec_push(&L->owned, v.place.local);
            return true;
        }
    return false;
}

/* Keep every temporary made since `mark` and still waiting to be dropped
 * alive for a whole loop instead: the iterable may be one of them or a part
 * of one (`for x in make().items`). Returns them (xmalloc'd, *n of them);
 * the caller drops them after the loop (exits from inside it drop them as
 * owned values). */
MirLocalId *lb_hold_temps(Lb *L, uint32_t mark, uint32_t *n) {
    *n = L->pending.len - mark;
    MirLocalId *held = xmalloc(sizeof *held * (*n ? *n : 1));
    for (uint32_t i = 0; i < *n; i++) {
        held[i] = L->pending.items[mark + i];
        vec_push(&L->owned, held[i]);
    }
    L->pending.len = mark;
    return held;
}

/* Drop what lb_hold_temps held, newest first. */
void lb_drop_held(Lb *L, MirLocalId *held, uint32_t n, Span sp) {
    for (uint32_t i = n; i > 0; i--) lb_drop(L, held[i - 1], sp);
    free(held);
}

/* The start of an indexed for loop: a counter set to 0 (*counter), the
 * loop's blocks, and L->cur at its head (see lb_loop_next for the end). */
LbLoopBlocks lb_loop_begin(Lb *L, const Node *loop, MirLocalId *counter, Span isp) {
    *counter = lb_temp(L, TYPE_INT);
    lb_assign(L, lb_place(*counter), rv_use(L, opd_int(0)), isp);
    LbLoopBlocks bb;
    bb.head = lb_block(L);
    bb.latch = lb_block(L);
    bb.end = lb_block(L);
    bb.else_bb = loop->list2.count ? lb_block(L) : bb.end;
    lb_goto(L, bb.head);
    L->cur = bb.head;
    return bb;
}

/* The end of an indexed for loop, after its body: the latch sets `counter`
 * to `next` + 1 and jumps back to the head; then the `else` block, if any;
 * leaves L->cur at the loop's end. */
void lb_loop_next(Lb *L, const Node *loop, LbLoopBlocks bb, MirLocalId counter, MirOperand next, Span isp) {
    lb_loop_latch(L, loop, bb, counter, rv_binary(L, TOK_PLUS, TYPE_INT, next, opd_int(1), 0), isp);
}

/* lb_loop_next with the counter's next value given (`v`). */
void lb_loop_latch(Lb *L, const Node *loop, LbLoopBlocks bb, MirLocalId counter, MirRvalue v, Span isp) {
    lb_goto(L, bb.latch);
    L->cur = bb.latch;
    lb_assign(L, lb_place(counter), v, isp);
    lb_goto(L, bb.head);
    if (loop->list2.count) {
        L->cur = bb.else_bb;
        lb_stmts(L, loop->list2);
        lb_goto(L, bb.end);
    }
    L->cur = bb.end;
}

static void lb_for_body(Lb *L, NodeId n, LbLoopBlocks bb, MirRvalue elv, TypeId et, NodeId target);

void lb_for_list(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    Span isp = lb_node(L, node->b)->span;
    uint32_t mark = L->pending.len;
    MirOperand xs = lb_expr(L, node->b);
    TypeId lt = xs.type, et = type_get(lt)->args[0];
    uint32_t nheld;
    MirLocalId *held = lb_hold_temps(L, mark, &nheld);
    lb_flush(L, 0);
    MirLocalId idx;
    LbLoopBlocks bb = lb_loop_begin(L, node, &idx, isp);
    MirBlockId body = lb_block(L), else_bb = bb.else_bb;
    MirOperand len = lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &xs, 1, 0), isp);
    MirOperand more = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, opd_local(L, idx), len, 0), isp);
    lb_branch(L, more, body, else_bb);
    L->cur = body;
    MirOperand ops[2] = {xs, opd_local(L, idx)};
    lb_for_body(L, n, bb, rv_rt(L, MRT_LIST_AT, et, ops, 2, node->b), et, node->a);
    lb_loop_next(L, node, bb, idx, opd_local(L, idx), isp);
    lb_drop_held(L, held, nheld, isp);
}

/* The body of an indexed for loop, in L->cur: the element (`el`, a borrow
 * of type et) bound to the loop's target, then the statements; breaks go
 * to bb.end, continues to bb.latch. */
static void lb_for_body(Lb *L, NodeId n, LbLoopBlocks bb, MirRvalue elv, TypeId et, NodeId target) {
    const Node *node = lb_node(L, n);
    Span isp = lb_node(L, node->b)->span;
    MirLocalId el = lb_local(L, et, 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(el), elv, isp);
    SymId bsym = 0;
    MirLocalId saved = MIR_NO_LOCAL;
    if (!mir_type_is_copy(et) && lb_for_borrows_name(L, n, target)) {
        bsym = lb_node(L, target)->sym;
        saved = L->sym_local[bsym];
        L->sym_local[bsym] = el;
        L->b->locals.items[el].name = prog_sym(L->prog, bsym)->name;
    } else {
        lb_store_target(L, target, opd_local(L, el), node->b);
    }
    lb_flush(L, 0);
    vec_push(&L->loops, ((LbLoop){bb.end, bb.latch}));
    lb_stmts(L, node->list);
    L->loops.len--;
    if (bsym) L->sym_local[bsym] = saved;
}

/* `for i, x in enumerate(xs)` (xs a list, no start): an indexed loop over
 * xs whose counter is i, without the list of pairs; x borrows each element
 * under the conditions of a list loop's (so changing an object through x
 * changes the list's), else it is a clone. */
static bool lb_for_enumerate(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *it = lb_node(L, node->b);
    if (it->kind != N_CALL || it->list.count != 1) return false;
    const Node *fn = lb_node(L, it->a);
    if (fn->kind != N_NAME || !fn->sym) return false;
    const Symbol *fs = prog_sym(L->prog, fn->sym);
    if (fs->kind != SYM_BUILTIN || fs->index != BI_ENUMERATE) return false;
    NodeId arg = ast_list_at(L->ast, it->list, 0);
    const Node *an = lb_node(L, arg);
    if (an->kind == N_KEYWORD || an->kind == N_STARRED || type_get(an->type)->kind != TY_LIST) return false;
    const Node *t = lb_node(L, node->a);
    if ((t->kind != N_TUPLE && t->kind != N_LIST) || t->list.count != 2) return false;
    NodeId in = ast_list_at(L->ast, t->list, 0), xn = ast_list_at(L->ast, t->list, 1);
    if (lb_node(L, in)->kind == N_STARRED || lb_node(L, xn)->kind == N_STARRED) return false;
    Span isp = it->span;
    uint32_t mark = L->pending.len;
    MirOperand xs = lb_expr(L, arg);
    TypeId et = type_get(xs.type)->args[0];
    uint32_t nheld;
    MirLocalId *held = lb_hold_temps(L, mark, &nheld);
    lb_flush(L, 0);
    MirLocalId idx;
    LbLoopBlocks bb = lb_loop_begin(L, node, &idx, isp);
    MirBlockId body = lb_block(L);
    MirOperand len = lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &xs, 1, 0), isp);
    MirOperand more = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, opd_local(L, idx), len, 0), isp);
    lb_branch(L, more, body, bb.else_bb);
    L->cur = body;
    lb_store_target(L, in, opd_local(L, idx), node->b);
    MirOperand ops[2] = {xs, opd_local(L, idx)};
    lb_for_body(L, n, bb, rv_rt(L, MRT_LIST_AT, et, ops, 2, node->b), et, xn);
    lb_loop_next(L, node, bb, idx, opd_local(L, idx), isp);
    lb_drop_held(L, held, nheld, isp);
    return true;
}

/* `for x in s.split()`, `s.split(sep)` and `s.splitlines()` (s a str): the
 * pieces are made one at a time, each into the same string (`piece`, as
 * long as s, owned by the loop), and the body borrows it; no list is built.
 * The target borrows the piece under the conditions of a list loop's
 * (lb_for_borrows) and is a clone of it otherwise, so nothing can observe
 * the reuse. Returns false, emitting nothing, for any other iterable. */
static bool lb_for_split(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *it = lb_node(L, node->b);
    if (it->kind != N_CALL) return false;
    const Node *callee = lb_node(L, it->a);
    if (callee->kind != N_ATTR || lb_node(L, callee->a)->type != TYPE_STR) return false;
    const Node *obj = lb_node(L, callee->a);
    if (obj->kind == N_NAME && obj->sym) { /* not `str.split(s)` */
        SymKind k = prog_sym(L->prog, obj->sym)->kind;
        if (k != SYM_LOCAL && k != SYM_PARAM && k != SYM_CONST) return false;
    }
    bool lines = callee->name == intern_cstr("splitlines");
    if (!lines && callee->name != intern_cstr("split")) return false;
    if (it->list.count > (lines ? 0u : 1u)) return false;
    NodeId sepn = it->list.count ? ast_list_at(L->ast, it->list, 0) : 0;
    if (sepn && (lb_node(L, sepn)->kind == N_KEYWORD || lb_node(L, sepn)->type != TYPE_STR)) return false;
    Span isp = it->span;
    uint32_t mark = L->pending.len;
    MirOperand ops[4];
    ops[0] = lb_expr(L, callee->a);
    if (sepn) ops[3] = lb_expr(L, sepn);
    ops[2] = lb_temp_of(L, rv_rt(L, MRT_STR_SCRATCH, TYPE_STR, ops, 1, 0), isp);
    uint32_t nheld;
    MirLocalId *held = lb_hold_temps(L, mark, &nheld); /* s, sep, the piece and what they borrow from */
    lb_flush(L, 0);
    MirLocalId pos;
    LbLoopBlocks bb = lb_loop_begin(L, node, &pos, isp);
    MirBlockId body = lb_block(L);
    ops[1] = opd_local(L, pos);
    MirOperand next = lb_temp_of(L, rv_rt(L, lines ? MRT_STR_SPLITLINES_NEXT : MRT_STR_SPLIT_NEXT, TYPE_INT, ops,
                                          sepn ? 4 : 3, lines ? 0 : node->b), isp);
    MirOperand more = lb_temp_of(L, rv_binary(L, TOK_GE, TYPE_BOOL, next, opd_int(0), 0), isp);
    lb_branch(L, more, body, bb.else_bb);
    L->cur = body;
    lb_for_body(L, n, bb, rv_use(L, ops[2]), TYPE_STR, node->a);
    lb_loop_latch(L, node, bb, pos, rv_use(L, next), isp);
    lb_drop_held(L, held, nheld, isp);
    return true;
}

/* for NAME in range(start, stop, step): a hidden counter walks the range, so
 * assigning NAME in the body does not change the iteration; a step of 0
 * panics; an increment that would overflow ends the loop. */
void lb_for(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *it = lb_node(L, node->b);
    if (node->flags & NF_ASYNC) {
        lb_async_for(L, n);
        return;
    }
    bool is_range = false;
    if (it->kind == N_CALL && lb_node(L, it->a)->kind == N_NAME && lb_node(L, it->a)->sym) {
        const Symbol *s = prog_sym(L->prog, lb_node(L, it->a)->sym);
        is_range = s->kind == SYM_BUILTIN && s->index == BI_RANGE;
    }
    if (!is_range && lb_coll_for(L, n)) return; /* dicts (keys, values(), items()), sets */
    if (!is_range && type_get(it->type)->kind == TY_LIST) {
        if (lb_for_split(L, n) || lb_for_enumerate(L, n)) return;
        lb_for_list(L, n);
        return;
    }
    if (!is_range && (it->type == TYPE_STR || it->type == TYPE_BYTES || type_get(it->type)->kind == TY_TUPLE)) {
        lb_seq_for(L, n);
        return;
    }
    if (!is_range || it->list.count < 1 || it->list.count > 3) {
        lb_unsupported(L, node->b, "iterating over anything but range()");
        return;
    }
    SymId target = lb_target_sym(L, node->a);
    NodeId args[3];
    for (uint32_t i = 0; i < it->list.count; i++) {
        args[i] = ast_list_at(L->ast, it->list, i);
        uint16_t k = lb_node(L, args[i])->kind;
        if (k == N_KEYWORD || k == N_STARRED) {
            lb_unsupported(L, args[i], "keyword or starred arguments to range()");
            return;
        }
    }
    Span isp = it->span;
    MirLocalId ctr = lb_temp(L, TYPE_INT);
    MirOperand start, stop, step;
    if (it->list.count == 1) {
        start = opd_int(0);
        stop = lb_expr_as(L, args[0], TYPE_INT);
    } else {
        start = lb_expr_as(L, args[0], TYPE_INT);
        stop = lb_expr_as(L, args[1], TYPE_INT);
    }
    step = it->list.count == 3 ? lb_expr_as(L, args[2], TYPE_INT) : opd_int(1);
    lb_assign(L, lb_place(ctr), rv_use(L, start), isp);
    stop = lb_pin(L, stop, isp);
    step = lb_pin(L, step, isp);
    lb_flush(L, 0);

    /* The sign of a constant step picks the loop test statically. */
    int sign = 0;
    if (step.kind == OPD_CONST && step.c.kind == MC_INT) sign = step.c.i > 0 ? 1 : step.c.i < 0 ? -1 : 0;
    if (sign == 0) {
        MirOperand zero = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, step, opd_int(0), 0), isp);
        lb_panic_if(L, zero, "range() arg 3 must not be zero", node->b, isp);
    }
    MirBlockId head = lb_block(L), body = lb_block(L), latch = lb_block(L), end = lb_block(L);
    MirBlockId else_bb = node->list2.count ? lb_block(L) : end;
    lb_goto(L, head);
    L->cur = head;
    if (sign != 0) {
        MirOperand more = lb_temp_of(L, rv_binary(L, sign > 0 ? TOK_LT : TOK_GT, TYPE_BOOL, opd_local(L, ctr), stop, 0), isp);
        lb_branch(L, more, body, else_bb);
    } else {
        MirOperand up = lb_temp_of(L, rv_binary(L, TOK_GT, TYPE_BOOL, step, opd_int(0), 0), isp);
        MirBlockId hup = lb_block(L), hdown = lb_block(L);
        lb_branch(L, up, hup, hdown);
        L->cur = hup;
        lb_branch(L, lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, opd_local(L, ctr), stop, 0), isp), body, else_bb);
        L->cur = hdown;
        lb_branch(L, lb_temp_of(L, rv_binary(L, TOK_GT, TYPE_BOOL, opd_local(L, ctr), stop, 0), isp), body, else_bb);
    }
    L->cur = body;
    if (target) lb_store(L, target, opd_local(L, ctr), node->a);
    vec_push(&L->loops, ((LbLoop){end, latch}));
    lb_stmts(L, node->list);
    L->loops.len--;
    lb_goto(L, latch);

    /* latch: an increment past the int range means the range is exhausted */
    L->cur = latch;
    MirOperand ov = lb_temp_of(L, rv_binary(L, MOP_ADD_OVERFLOWS, TYPE_BOOL, opd_local(L, ctr), step, 0), isp);
    MirBlockId inc = lb_block(L);
    lb_branch(L, ov, else_bb, inc);
    L->cur = inc;
    lb_assign(L, lb_place(ctr), rv_binary(L, TOK_PLUS, TYPE_INT, opd_local(L, ctr), step, node->b), isp);
    lb_goto(L, head);

    lb_orelse(L, node->list2, else_bb, end);
    L->cur = end;
}

/* assert cond[, msg]: the message is evaluated only when the assertion
 * fails; the panic message is "assertion failed" or "assertion failed: "
 * followed by str(msg), the text rt_assert_fail prints. */
void lb_assert(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    MirOperand cond = lb_expr_as(L, node->a, TYPE_BOOL);
    lb_flush(L, 0);
    MirBlockId fail = lb_block(L), ok = lb_block(L);
    lb_branch(L, cond, ok, fail);
    L->cur = fail;
    MirOperand msg;
    if (node->b) {
        MirOperand m = lb_stringify(L, node->b, false, false);
        MirOperand ops[2] = {opd_str(intern_cstr("assertion failed: ")), m};
        msg = lb_temp_of(L, rv_rt(L, MRT_STR_CONCAT, TYPE_STR, ops, 2, 0), node->span);
    } else {
        msg = opd_str(intern_cstr("assertion failed"));
    }
    L->pending.len = 0; /* the process ends: nothing to drop */
    if (!lb_terminated(L)) lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = msg, .loc = n, .span = node->span});
    L->cur = ok;
}

void lb_stmt(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    switch ((NodeKind)node->kind) {
    case N_EXPR_STMT: {
        const Node *e = lb_node(L, node->a);
        if (e->kind == N_STR || e->kind == N_INT || e->kind == N_ELLIPSIS) return; /* docstrings */
        lb_expr(L, node->a);
        break;
    }
    case N_ASSIGN: lb_assign_stmt(L, n); break;
    case N_ANN_ASSIGN:
        if (node->c) {
            MirOperand v = lb_expr(L, node->c);
            lb_store_target(L, node->a, v, node->c);
        }
        break;
    case N_AUG_ASSIGN: lb_aug_assign(L, n); break;
    case N_PASS: return;
    case N_BREAK:
    case N_CONTINUE: {
        if (L->loops.len == 0) ICE("MIR: %s outside a loop", node_kind_name((NodeKind)node->kind));
        lb_leave_scopes(L, L->loops.len); /* `finally` blocks, `with` exits and drops inside the loop */
        if (lb_terminated(L)) return;
        LbLoop *lp = &L->loops.items[L->loops.len - 1];
        lb_term(L, (MirTerm){.kind = MT_GOTO, .target = node->kind == N_BREAK ? lp->brk : lp->cont, .span = node->span});
        return;
    }
    case N_RETURN: lb_return(L, n); return;
    case N_IF: lb_if(L, n); return;
    case N_WHILE: lb_while(L, n); return;
    case N_FOR: lb_for(L, n); return;
    case N_ASSERT: lb_assert(L, n); return;
    case N_TRY: lb_try(L, n); return;
    case N_RAISE: lb_raise(L, n); return;
    case N_MATCH: lb_match(L, n); return;
    case N_WITH: lb_with(L, n); return;
    case N_DEL: lb_del(L, n); break;
    default: lb_unsupported(L, n, "this statement"); return;
    }
    lb_flush(L, 0);
}

/* Statements after return/break/continue cannot run and are not lowered. */
void lb_stmts(Lb *L, NodeList body) {
    L->depth++;
    for (uint32_t i = 0; i < body.count && !lb_terminated(L); i++) lb_stmt(L, ast_list_at(L->ast, body, i));
    L->depth--;
}

/* ==== Parameters ========================================================== */

/* The argument of a `mut` parameter of an unboxed type (int, str ...): a
 * pointer to the caller's value, in a MIRL_MUT_REF temporary. A variable
 * (or a `mut` parameter being lent on, or a field) is lent itself, so the
 * callee's changes reach it; any other value is put in a temporary first,
 * whose changes are lost, as with any temporary. */
MirOperand lb_lend_mut(Lb *L, MirOperand arg, NodeId at) {
    Span sp = lb_node(L, at)->span;
    bool place = arg.kind == OPD_COPY;
    if (place && arg.place.proj_count) {
        /* a field: its memory form must be the register form the callee
         * reads through the pointer (a bool field is a byte) */
        const MirProj *last = &L->b->projs.items[arg.place.proj_start + arg.place.proj_count - 1];
        bool deref_of_ref = arg.place.proj_count == 1 && last->kind == PROJ_DEREF &&
                            (L->b->locals.items[arg.place.local].flags & MIRL_MUT_REF);
        if (!deref_of_ref && (last->kind != PROJ_FIELD || arg.type == TYPE_BOOL)) {
            lb_unsupported(L, at, "lending this value to a `mut` parameter");
            return arg;
        }
    }
    if (!place) {
        MirLocalId t = lb_temp(L, arg.type);
        lb_assign(L, lb_place(t), rv_use(L, arg), sp);
        if (!mir_type_is_copy(arg.type)) vec_push(&L->pending, t);
        arg = opd_local(L, t);
    }
    MirLocalId ref = lb_local(L, arg.type, 0, sp, MIRL_MUT_REF);
    MirRvalue rv = {.kind = RV_REF, .place = arg.place, .mut_ref = true, .type = arg.type};
    lb_assign(L, lb_place(ref), rv, sp);
    return opd_local(L, ref);
}

/* Is `sym` the target of an assignment anywhere in `body`? */
bool lb_assigned_in(Lb *L, NodeList body, SymId sym) {
    for (uint32_t i = 0; i < body.count; i++) {
        const Node *s = lb_node(L, ast_list_at(L->ast, body, i));
        switch ((NodeKind)s->kind) {
        case N_ASSIGN:
            for (uint32_t k = 0; k < s->list.count; k++)
                if (lb_node(L, ast_list_at(L->ast, s->list, k))->sym == sym) return true;
            break;
        case N_ANN_ASSIGN:
        case N_AUG_ASSIGN:
            if (s->kind == N_AUG_ASSIGN && s->op == TOK_PLUS && type_get(prog_sym(L->prog, sym)->type)->kind == TY_LIST &&
                (lb_node(L, prog_sym(L->prog, sym)->decl)->flags & NF_MUT))
                break; /* `mut xs += ys` extends the caller's list in place */
            if (lb_node(L, s->a)->sym == sym) return true;
            break;
        case N_FOR:
            if (lb_node(L, s->a)->sym == sym) return true;
            /* fall through */
        case N_IF:
        case N_WHILE:
            if (lb_assigned_in(L, s->list, sym) || lb_assigned_in(L, s->list2, sym)) return true;
            break;
        default: break;
        }
    }
    return false;
}

/* ==== Pruning ============================================================= */

void lb_succs(const MirBody *b, const MirTerm *t, void (*fn)(void *, MirBlockId), void *ctx) {
    switch (t->kind) {
    case MT_GOTO: fn(ctx, t->target); break;
    case MT_BRANCH:
    case MT_AWAIT: fn(ctx, t->then_bb); fn(ctx, t->else_bb); break;
    case MT_SWITCH:
        for (uint32_t i = 0; i < t->cases_count; i++) fn(ctx, b->case_targets.items[t->cases_start + i]);
        fn(ctx, t->otherwise);
        break;
    default: break;
    }
}

typedef struct LbReach {
    bool *seen;
    VEC(MirBlockId) work;
} LbReach;

void lb_reach_visit(void *ctx, MirBlockId id) {
    LbReach *r = ctx;
    if (!r->seen[id]) {
        r->seen[id] = true;
        vec_push(&r->work, id);
    }
}

/* Remove the blocks nothing reaches (code after a panic, empty join blocks
 * of branches that all returned) and number the rest in order. */
void lb_prune(MirBody *b) {
    uint32_t n = b->blocks.len;
    LbReach r = {xcalloc(n, sizeof(bool)), {0}};
    lb_reach_visit(&r, 0);
    while (r.work.len) {
        MirBlockId id = r.work.items[--r.work.len];
        lb_succs(b, &b->blocks.items[id].term, lb_reach_visit, &r);
    }
    MirBlockId *map = xmalloc(sizeof *map * n);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (r.seen[i]) {
            map[i] = k;
            b->blocks.items[k++] = b->blocks.items[i];
        } else {
            vec_free(&b->blocks.items[i].stmts);
        }
    }
    b->blocks.len = k;
    for (uint32_t i = 0; i < k; i++) {
        MirTerm *t = &b->blocks.items[i].term;
        if (t->kind == MT_GOTO) t->target = map[t->target];
        if (t->kind == MT_BRANCH || t->kind == MT_AWAIT) {
            t->then_bb = map[t->then_bb];
            t->else_bb = map[t->else_bb];
        }
        if (t->kind == MT_SWITCH) {
            for (uint32_t c = 0; c < t->cases_count; c++)
                b->case_targets.items[t->cases_start + c] = map[b->case_targets.items[t->cases_start + c]];
            t->otherwise = map[t->otherwise];
        }
    }
    free(map);
    free(r.seen);
    vec_free(&r.work);
}

/* ==== Bodies ============================================================== */

MirBody *lb_body(const Program *prog, uint32_t fi, bool *ok) {
    const SemaFunc *f = &prog->funcs.items[fi];
    const Ast *ast = prog->ast;
    const Node *def = ast_node(ast, f->def);
    MirBody *b = xcalloc(1, sizeof *b);
    b->name = f->name;
    StrBuf sb = {0};
    /* "<module>.<name>" in the function's own module; a runtime-bound
     * standard-library function is the runtime's C symbol */
    if (f->rt_symbol)
        sb_puts(&sb, str_text(f->rt_symbol));
    else if (f->cls)
        sb_printf(&sb, "%s.%s.%s", prog_func_module(prog, fi),
                  str_text(prog_sym(prog, f->cls)->name), str_text(f->name));
    else sb_printf(&sb, "%s.%s", prog_func_module(prog, fi), str_text(f->name));
    b->symbol = sb_take(&sb);
    b->func = fi;
    b->ret = f->ret;
    b->nparams = f->params.len;
    b->is_async = f->is_async;
    b->def = f->def;

    Lb L = {.prog = prog, .ast = ast, .fn = f, .b = b, .none_sink = MIR_NO_LOCAL};
    uint32_t nsyms = prog->syms.len ? prog->syms.len : 1;
    L.sym_local = xmalloc(sizeof *L.sym_local * nsyms);
    for (uint32_t i = 0; i < nsyms; i++) L.sym_local[i] = MIR_NO_LOCAL;

    lb_local(&L, f->ret, 0, def->span, 0); /* _0: the return place */
    for (uint32_t i = 0; i < f->params.len; i++) {
        SymId s = f->params.items[i];
        const Symbol *sym = prog_sym(prog, s);
        const Node *p = ast_node(ast, sym->decl);
        uint32_t flags = MIRL_PARAM;
        /* `mut x` of an unboxed type is a pointer to the caller's value;
         * `own mut x` is the callee's own value, like `own x` */
        if ((p->flags & NF_MUT) && !(p->flags & NF_OWN) && !lb_is_boxed(sym->type)) flags |= MIRL_MUT_REF;
        else if (!(p->flags & NF_OWN) && !mir_type_is_copy(sym->type)) flags |= MIRL_BORROWED;
        L.sym_local[s] = lb_local(&L, sym->type, sym->name, p->span, flags);
        if (!(flags & (MIRL_BORROWED | MIRL_MUT_REF)) && !mir_type_is_copy(sym->type)) vec_push(&L.owned, L.sym_local[s]);
    }
    L.cur = lb_block(&L);
    /* A borrowed parameter the body reassigns gets an owned user local
     * holding a clone of the argument: assignments then drop the old value
     * like for any owned local, and the caller's value is never dropped. */
    for (uint32_t i = 0; i < f->params.len; i++) {
        SymId s = f->params.items[i];
        MirLocalId pl = L.sym_local[s];
        if (!(b->locals.items[pl].flags & MIRL_BORROWED) || !lb_assigned_in(&L, def->list2, s)) continue;
        MirLocal pcopy = b->locals.items[pl];
        MirLocalId shadow = lb_local(&L, pcopy.type, pcopy.name, pcopy.span, MIRL_USER);
        MirOperand arg = opd_local(&L, pl);
        MirRtFn cf = pcopy.type == TYPE_STR || pcopy.type == TYPE_BYTES ? MRT_STR_CLONE : MRT_VALUE_CLONE;
        lb_assign(&L, lb_place(shadow), rv_rt(&L, cf, pcopy.type, &arg, 1, 0), pcopy.span);
        L.sym_local[s] = shadow;
        vec_push(&L.owned, shadow);
    }
    for (uint32_t i = 0; i < f->locals.len; i++) {
        SymId s = f->locals.items[i];
        const Symbol *sym = prog_sym(prog, s);
        TypeId t = sym->type ? sym->type : TYPE_NONE;
        Span sp = sym->decl ? ast_node(ast, sym->decl)->span : def->span;
        L.sym_local[s] = lb_local(&L, t, sym->name, sp, MIRL_USER);
        if (!mir_type_is_copy(t)) vec_push(&L.owned, L.sym_local[s]);
    }

    lb_stmts(&L, def->list2);
    /* TaskGroups made in the body end with it (mir_lower_async.c) */
    while (L.cleanups.len) {
        LbCleanup c = L.cleanups.items[--L.cleanups.len];
        if (!lb_terminated(&L)) lb_async_exit(&L, &c, true);
    }
    if (!lb_terminated(&L)) {
        /* Sema proved that value-returning functions end in return or panic. */
        bool ok_none = type_get(f->ret)->kind == TY_RESULT && type_get(f->ret)->args[0] == TYPE_NONE;
        if (ok_none) lb_assign(&L, lb_place(0), rv_agg(&L, AGG_OK, f->ret, NULL, 0), (Span){0});
        if (f->ret == TYPE_NONE || ok_none) {
            lb_exit_drops(&L, (Span){def->span.file, def->span.hi, def->span.hi});
            lb_term(&L, (MirTerm){.kind = MT_RETURN});
        } else {
            lb_term(&L, (MirTerm){.kind = MT_UNREACHABLE});
        }
    }
    /* Blocks left open are dead ends (the join of an `if` whose branches
     * all returned): nothing reaches them, pruning removes them. */
    for (uint32_t i = 0; i < b->blocks.len; i++)
        if (b->blocks.items[i].term.kind == MT_NONE) b->blocks.items[i].term.kind = MT_UNREACHABLE;
    lb_prune(b);

    *ok = !L.failed;
    free(L.sym_local);
    vec_free(&L.pending);
    vec_free(&L.loops);
    vec_free(&L.owned);
    vec_free(&L.cleanups);
    return b;
}

bool mir_build(const Program *prog, MirProgram *out) {
    memset(out, 0, sizeof *out);
    mir_cur_prog = prog;
    out->prog = prog;
    out->main_body = prog->main_func;
    bool ok = true;
    mir_generics_begin(prog, out);
    for (uint32_t i = 0; i < prog->funcs.len; i++) {
        bool bok = true;
        /* a generic function: a template slot, its instances come later */
        MirBody *b = prog->funcs.items[i].tparams.len ? mir_template_body(prog, i) : lb_body(prog, i, &bok);
        b->program = out;
        vec_push(&out->bodies, b);
        ok &= bok;
    }
    ok &= mir_generics_lower();
    mir_fn_take_bodies(out); /* lambdas: indices from funcs.len on */
    mir_generics_end(out);   /* generic instances: after the lambdas */
    if (!ok) {
        mir_cur_prog = NULL;
        return false;
    }
    /* A value read after it was moved would be freed twice: reject it
     * before drop elaboration relies on the moves. */
    uint64_t t0 = own_clock_ns();
    for (uint32_t i = 0; i < out->bodies.len; i++)
        if (!out->bodies.items[i]->is_template) ok &= mir_check_moves(out->bodies.items[i]);
    for (uint32_t i = 0; ok && i < out->bodies.len; i++)
        if (!out->bodies.items[i]->is_template) ok &= own_check_live_borrows(prog, out->bodies.items[i]);
    own_time_add(own_clock_ns() - t0);
    if (!ok) {
        mir_cur_prog = NULL;
        return false;
    }
    for (uint32_t i = 0; i < out->bodies.len; i++) {
        if (out->bodies.items[i]->is_template) continue;
#ifndef NDEBUG
        mir_verify(out->bodies.items[i]);
#endif
        own_release_scoped(prog, out->bodies.items[i]);
        mir_elaborate_drops(out->bodies.items[i]);
        /* the kind rules read the elaborated drops (must-consume values) */
        uint64_t t1 = own_clock_ns();
        ok &= own_check_kinds(prog, out->bodies.items[i]);
        own_time_add(own_clock_ns() - t1);
        mir_reuse_strings(out->bodies.items[i]);
        mir_take_last_clones(out->bodies.items[i]);
#ifndef NDEBUG
        mir_verify(out->bodies.items[i]);
#endif
    }
    mir_cur_prog = NULL;
    return ok;
}

void mir_program_free(MirProgram *mp) {
    for (uint32_t i = 0; i < mp->bodies.len; i++) {
        MirBody *b = mp->bodies.items[i];
        for (uint32_t k = 0; k < b->blocks.len; k++) vec_free(&b->blocks.items[k].stmts);
        vec_free(&b->locals);
        vec_free(&b->blocks);
        vec_free(&b->projs);
        vec_free(&b->operands);
        vec_free(&b->case_values);
        vec_free(&b->case_targets);
        free(b->symbol);
        free(b);
    }
    vec_free(&mp->bodies);
    vec_free(&mp->insts);
    mp->prog = NULL;
    mp->main_body = -1;
}
