/* Lowering of sequence operations: slicing of lists, str and bytes,
 * repetition and concatenation, comprehensions, `for` over str/bytes/tuples,
 * the builtins enumerate, zip, sorted, reversed, min, max, sum, any, all,
 * list(), set(), ord(), chr(), and the list/str/bytes methods the core
 * lowering does not cover. */
#include "mir_lower.h"
#include "strformat.h"

static Span seq_span(Lb *L, NodeId n) { return lb_node(L, n)->span; }

/* Is `v` a temporary the current statement created (owned, dropped at its
 * end)? Such a value may be used up in place instead of cloned. */
static bool seq_is_fresh(Lb *L, MirOperand v, uint32_t mark) {
    if (!opd_is_local(v)) return false;
    for (uint32_t i = mark; i < L->pending.len; i++)
        if (L->pending.items[i] == v.place.local) return true;
    return false;
}

bool lb_is_range_call(Lb *L, NodeId n) {
    const Node *e = lb_node(L, n);
    if (e->kind != N_CALL) return false;
    const Node *c = lb_node(L, e->a);
    if (c->kind != N_NAME || !c->sym) return false;
    const Symbol *s = prog_sym(L->prog, c->sym);
    return s->kind == SYM_BUILTIN && s->index == BI_RANGE;
}

/* start, stop, step of a range(...) call; false after a diagnostic. */
static bool seq_range_args(Lb *L, NodeId n, MirOperand out[3]) {
    const Node *e = lb_node(L, n);
    if (e->list.count < 1 || e->list.count > 3 || !lb_plain_args(L, n)) {
        if (e->list.count < 1 || e->list.count > 3) lb_unsupported(L, n, "this form of range()");
        return false;
    }
    NodeId a[3] = {0};
    for (uint32_t i = 0; i < e->list.count; i++) a[i] = ast_list_at(L->ast, e->list, i);
    if (e->list.count == 1) {
        out[0] = opd_int(0);
        out[1] = lb_expr_as(L, a[0], TYPE_INT);
    } else {
        out[0] = lb_expr_as(L, a[0], TYPE_INT);
        out[1] = lb_expr_as(L, a[1], TYPE_INT);
    }
    out[2] = e->list.count == 3 ? lb_expr_as(L, a[2], TYPE_INT) : opd_int(1);
    return true;
}

/* The elements of an iterable expression as a list operand: a list as it
 * is, anything else (range, str, bytes, set, dict keys, a tuple of one
 * element type) converted into a fresh list. *fresh tells whether the list
 * is a temporary of this statement. */
static MirOperand seq_as_list(Lb *L, NodeId n, bool *fresh) {
    const Node *e = lb_node(L, n);
    Span sp = e->span;
    uint32_t mark = L->pending.len;
    *fresh = true;
    if (lb_is_range_call(L, n)) {
        MirOperand r[3];
        if (!seq_range_args(L, n, r)) return opd_dead(type_list(TYPE_INT));
        return lb_temp_of(L, rv_rt(L, MRT_LIST_RANGE, type_list(TYPE_INT), r, 3, n), sp);
    }
    TypeId t = e->type;
    const Type *ty = type_get(t);
    MirOperand v = lb_expr(L, n);
    if (v.type == TYPE_NEVER) return opd_dead(type_list(TYPE_INT));
    switch (ty->kind) {
    case TY_LIST: *fresh = seq_is_fresh(L, v, mark); return v;
    case TY_STR: return lb_temp_of(L, rv_rt(L, MRT_STR_CHARS, type_list(TYPE_STR), &v, 1, 0), sp);
    case TY_BYTES: return lb_temp_of(L, rv_rt(L, MRT_BYTES_LIST, type_list(TYPE_INT), &v, 1, 0), sp);
    case TY_SET: return lb_temp_of(L, rv_rt(L, MRT_SEQ_LIST_FROM_SET, type_list(ty->args[0]), &v, 1, 0), sp);
    case TY_DICT: return lb_temp_of(L, rv_rt(L, MRT_SEQ_DICT_KEYS, type_list(ty->args[0]), &v, 1, 0), sp);
    case TY_TUPLE: {
        /* a tuple iterates when all its elements have one type */
        TypeId et = ty->nargs ? ty->args[0] : 0;
        for (uint32_t i = 1; i < ty->nargs; i++)
            if (ty->args[i] != et) et = 0;
        if (!et) break;
        MirPlace p = lb_as_place(L, v, sp);
        MirOperand *ops = xcalloc(ty->nargs + 1, sizeof *ops);
        for (uint32_t i = 0; i < ty->nargs; i++)
            ops[i] = lb_consume(L, opd_place(L, lb_project(L, p, PROJ_FIELD, i, et), sp));
        MirOperand r = lb_temp_of(L, rv_agg(L, AGG_LIST, type_list(et), ops, ty->nargs), sp);
        free(ops);
        return r;
    }
    default: break;
    }
    lb_unsupported(L, n, "iterating over this value");
    return opd_dead(type_list(TYPE_INT));
}

/* ==== Loops over any iterable ============================================
 * seq_loop_begin evaluates the iterable and leaves L->cur in the loop body
 * with the element at hand (a copy for ints of a range, else a borrow of
 * the list slot); seq_loop_end emits the latch (advance, back to the head)
 * and leaves L->cur at the exit. `latch` is where `continue` goes. */
typedef struct SeqLoop {
    bool is_range;
    int sign;           /* range: the sign of a constant step, 0 when unknown */
    MirLocalId ctr;     /* range counter or list index */
    MirOperand list, stop, step;
    MirBlockId head, body, latch, exit;
    NodeId at;
} SeqLoop;

static MirOperand seq_loop_begin(Lb *L, NodeId iter, SeqLoop *lp) {
    Span sp = seq_span(L, iter);
    memset(lp, 0, sizeof *lp);
    lp->at = iter;
    lp->is_range = lb_is_range_call(L, iter);
    lp->ctr = lb_temp(L, TYPE_INT);
    if (lp->is_range) {
        MirOperand r[3];
        if (!seq_range_args(L, iter, r)) {
            r[0] = opd_int(0);
            r[1] = opd_int(0);
            r[2] = opd_int(1);
        }
        lb_assign(L, lb_place(lp->ctr), rv_use(L, r[0]), sp);
        lp->stop = lb_pin(L, r[1], sp);
        lp->step = lb_pin(L, r[2], sp);
        if (lp->step.kind == OPD_CONST && lp->step.c.kind == MC_INT)
            lp->sign = lp->step.c.i > 0 ? 1 : lp->step.c.i < 0 ? -1 : 0;
        if (lp->sign == 0) {
            MirOperand zero = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, lp->step, opd_int(0), 0), sp);
            lb_panic_if(L, zero, "range() arg 3 must not be zero", iter, sp);
        }
    } else {
        bool fresh;
        lp->list = seq_as_list(L, iter, &fresh);
        lb_assign(L, lb_place(lp->ctr), rv_use(L, opd_int(0)), sp);
    }
    lp->head = lb_block(L);
    lp->body = lb_block(L);
    lp->latch = lb_block(L);
    lp->exit = lb_block(L);
    lb_goto(L, lp->head);
    L->cur = lp->head;
    MirOperand ctr = opd_local(L, lp->ctr);
    if (lp->is_range && lp->sign != 0) {
        MirOperand more = lb_temp_of(L, rv_binary(L, lp->sign > 0 ? TOK_LT : TOK_GT, TYPE_BOOL, ctr, lp->stop, 0), sp);
        lb_branch(L, more, lp->body, lp->exit);
    } else if (lp->is_range) {
        MirOperand up = lb_temp_of(L, rv_binary(L, TOK_GT, TYPE_BOOL, lp->step, opd_int(0), 0), sp);
        MirBlockId hup = lb_block(L), hdown = lb_block(L);
        lb_branch(L, up, hup, hdown);
        L->cur = hup;
        lb_branch(L, lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, ctr, lp->stop, 0), sp), lp->body, lp->exit);
        L->cur = hdown;
        lb_branch(L, lb_temp_of(L, rv_binary(L, TOK_GT, TYPE_BOOL, ctr, lp->stop, 0), sp), lp->body, lp->exit);
    } else {
        MirOperand len = lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &lp->list, 1, 0), sp);
        MirOperand more = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, ctr, len, 0), sp);
        lb_branch(L, more, lp->body, lp->exit);
    }
    L->cur = lp->body;
    if (lp->is_range) return opd_local(L, lp->ctr);
    TypeId et = type_get(lp->list.type)->args[0];
    MirOperand ops[2] = {lp->list, opd_local(L, lp->ctr)};
    MirLocalId el = lb_local(L, et, 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(el), rv_rt(L, MRT_LIST_AT, et, ops, 2, iter), sp);
    return opd_local(L, el);
}

static void seq_loop_end(Lb *L, SeqLoop *lp) {
    Span sp = seq_span(L, lp->at);
    lb_goto(L, lp->latch);
    L->cur = lp->latch;
    MirOperand ctr = opd_local(L, lp->ctr);
    if (lp->is_range) {
        /* an increment past the int range means the range is exhausted */
        MirOperand ov = lb_temp_of(L, rv_binary(L, MOP_ADD_OVERFLOWS, TYPE_BOOL, ctr, lp->step, 0), sp);
        MirBlockId inc = lb_block(L);
        lb_branch(L, ov, lp->exit, inc);
        L->cur = inc;
        lb_assign(L, lb_place(lp->ctr), rv_binary(L, TOK_PLUS, TYPE_INT, ctr, lp->step, lp->at), sp);
    } else {
        lb_assign(L, lb_place(lp->ctr), rv_binary(L, TOK_PLUS, TYPE_INT, ctr, opd_int(1), lp->at), sp);
    }
    lb_goto(L, lp->head);
    L->cur = lp->exit;
}

/* Bind a loop target to an element: copy values are stored into the
 * variable; other values are borrowed from the iterated list (the variable
 * reads the slot; a consuming use clones it) when the variable lives only
 * in the loop (`loop` 0: a comprehension's, which always does; else
 * lb_for_borrows_name), copied otherwise. Tuple targets unpack. */
void lb_bind_loop_target(Lb *L, NodeId loop, NodeId target, MirOperand el) {
    const Node *t = lb_node(L, target);
    Span sp = t->span;
    if (t->kind == N_NAME) {
        if (!t->sym) return;
        const Symbol *s = prog_sym(L->prog, t->sym);
        if (s->type == TYPE_NONE) return;
        if (mir_type_is_copy(el.type) || s->type != el.type || (loop && !lb_for_borrows_name(L, loop, target))) {
            lb_store(L, t->sym, el, target);
            return;
        }
        MirLocalId b = lb_local(L, el.type, t->name, sp, MIRL_BORROWED);
        lb_assign(L, lb_place(b), rv_use(L, el), sp);
        L->sym_local[t->sym] = b;
        return;
    }
    if (t->kind == N_TUPLE || t->kind == N_LIST) {
        const Type *vt = type_get(el.type);
        if (vt->kind != TY_TUPLE || vt->nargs != t->list.count) {
            lb_unsupported(L, target, "unpacking this value");
            return;
        }
        MirPlace p = lb_as_place(L, el, sp);
        for (uint32_t i = 0; i < t->list.count; i++)
            lb_bind_loop_target(L, loop, ast_list_at(L->ast, t->list, i), opd_place(L, lb_project(L, p, PROJ_FIELD, i, vt->args[i]), sp));
        return;
    }
    lb_unsupported(L, target, "this loop target");
}

/* ==== Comprehensions ====================================================== */

typedef struct SeqComp {
    const Node *node;
    NodeList fors;
    MirOperand acc;  /* the list the elements (or key/value pairs) go to */
    TypeId elem;     /* its element type */
} SeqComp;

static void seq_comp_clause(Lb *L, SeqComp *cx, uint32_t i) {
    const Node *node = cx->node;
    if (i == cx->fors.count) {
        MirOperand v;
        if ((CompKind)node->op == COMP_DICT) {
            const Type *pt = type_get(cx->elem);
            MirOperand kv[2] = {lb_consume(L, lb_expr_as(L, node->a, pt->args[0])),
                                lb_consume(L, lb_expr_as(L, node->b, pt->args[1]))};
            v = lb_temp_of(L, rv_agg(L, AGG_TUPLE, cx->elem, kv, 2), node->span);
        } else {
            v = lb_expr_as(L, node->a, cx->elem);
        }
        MirOperand ops[2] = {cx->acc, lb_consume(L, v)};
        lb_call_void(L, MRT_LIST_PUSH, ops, 2, node->span);
        return;
    }
    const Node *f = lb_node(L, ast_list_at(L->ast, cx->fors, i));
    uint32_t mark = L->pending.len;
    SeqLoop lp;
    MirOperand el = seq_loop_begin(L, f->b, &lp);
    uint32_t bmark = L->pending.len;
    lb_bind_loop_target(L, 0, f->a, el);
    for (uint32_t k = 0; k < f->list.count; k++) {
        MirOperand c = lb_expr_as(L, ast_list_at(L->ast, f->list, k), TYPE_BOOL);
        lb_flush(L, bmark);
        MirBlockId next = lb_block(L);
        lb_branch(L, c, next, lp.latch);
        L->cur = next;
    }
    seq_comp_clause(L, cx, i + 1);
    lb_flush(L, bmark);
    seq_loop_end(L, &lp);
    lb_flush(L, mark);
}

/* [e for ...], {e for ...}, {k: v for ...}: the elements are pushed onto a
 * list in loop order; a set or dict is then built from it (duplicates
 * collapse as they would by insertion). */
MirOperand lb_comprehension(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Type *rt = type_get(node->type);
    if (node->flags & NF_ASYNC) {
        lb_unsupported(L, n, "an async comprehension");
        return opd_dead(node->type);
    }
    SeqComp cx = {.node = node, .fors = node->list};
    TypeId list_t;
    if ((CompKind)node->op == COMP_DICT) {
        TypeId kv[2] = {rt->args[0], rt->args[1]};
        cx.elem = type_tuple(kv, 2);
        list_t = type_list(cx.elem);
    } else {
        cx.elem = rt->args[0];
        list_t = rt->kind == TY_LIST ? node->type : type_list(cx.elem);
    }
    cx.acc = lb_temp_of(L, rv_agg(L, AGG_LIST, list_t, NULL, 0), node->span);
    seq_comp_clause(L, &cx, 0);
    switch ((CompKind)node->op) {
    case COMP_SET: return lb_temp_of(L, rv_rt(L, MRT_SEQ_SET_FROM_LIST, node->type, &cx.acc, 1, 0), node->span);
    case COMP_DICT: return lb_temp_of(L, rv_rt(L, MRT_SEQ_DICT_FROM_PAIRS, node->type, &cx.acc, 1, 0), node->span);
    default: return cx.acc;
    }
}

/* ==== `for` over str, bytes and tuples ==================================== */

/* for TARGET in xs where xs is not a list or range(): the elements are
 * walked as a list (made once, before the first iteration, and held until
 * the loop ends; a `return` from the body drops it with the other owned
 * locals). The target is an ordinary variable that keeps its last value
 * after the loop, so elements are stored into it (cloned), not borrowed. */
void lb_seq_for(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    uint32_t first = L->owned.len;
    SeqLoop lp;
    MirOperand el = seq_loop_begin(L, node->b, &lp);
    for (uint32_t i = 0; i < L->pending.len; i++) vec_push(&L->owned, L->pending.items[i]);
    L->pending.len = 0;
    uint32_t last = L->owned.len;
    MirBlockId brk = node->list2.count ? lb_block(L) : lp.exit;
    lb_store_target(L, node->a, el, node->b);
    lb_flush(L, 0);
    vec_push(&L->loops, ((LbLoop){brk, lp.latch}));
    lb_stmts(L, node->list);
    L->loops.len--;
    seq_loop_end(L, &lp);
    if (node->list2.count) {
        /* the exit is reached only when the elements ran out */
        lb_stmts(L, node->list2);
        lb_goto(L, brk);
        L->cur = brk;
    }
    for (uint32_t i = first; i < last; i++) lb_drop(L, L->owned.items[i], node->span);
}
/* The runtime's slice operands of N_SLICE `sl`: start, stop, step (0 when
 * absent) and the mask of those given (bit 0 start, 1 stop, 2 step). */
static void seq_slice_ops(Lb *L, const Node *sl, MirOperand out[4]) {
    NodeId parts[3] = {sl->a, sl->b, sl->c};
    int64_t has = 0;
    for (int i = 0; i < 3; i++) {
        out[i] = parts[i] ? lb_expr_as(L, parts[i], TYPE_INT) : opd_int(0);
        if (parts[i]) has |= (int64_t)1 << i;
    }
    out[3] = opd_int(has);
}


/* ==== Slicing, repetition, concatenation ================================== */

MirOperand lb_seq_slice(Lb *L, NodeId n, MirOperand o) {
    const Node *node = lb_node(L, n);
    const Node *sl = lb_node(L, node->b);
    MirRtFn f = o.type == TYPE_STR ? MRT_STR_SLICE : o.type == TYPE_BYTES ? MRT_BYTES_SLICE : MRT_LIST_SLICE;
    if (o.type != TYPE_STR && o.type != TYPE_BYTES && type_get(o.type)->kind != TY_LIST) {
        lb_unsupported(L, n, "slicing this type");
        return opd_dead(node->type);
    }
    MirOperand ops[5] = {o};
    seq_slice_ops(L, sl, ops + 1);
    return lb_temp_of(L, rv_rt(L, f, node->type, ops, 5, n), node->span);
}

/* xs[a:b:c] = v: v (a list of the same type) is moved into the runtime,
 * which moves its elements into place and frees the emptied list. */
void lb_seq_store_slice(Lb *L, NodeId target, MirOperand xs, MirOperand v, NodeId at) {
    const Node *sl = lb_node(L, lb_node(L, target)->b);
    Span sp = lb_node(L, target)->span;
    MirOperand ops[6] = {xs};
    seq_slice_ops(L, sl, ops + 1);
    v = lb_convert(L, v, xs.type, at);
    /* `xs[a:b] = xs`: the runtime must get a list of its own */
    if (v.kind != OPD_CONST && xs.kind != OPD_CONST && v.place.local == xs.place.local) v = lb_clone(L, v);
    ops[5] = lb_consume(L, v);
    lb_call_void_loc(L, MRT_LIST_SET_SLICE, ops, 6, target, sp);
}

/* del xs[a:b:c] of a list: the selected elements are dropped and the rest
 * close up (any step, unlike slice assignment's extended form). */
void lb_seq_del_slice(Lb *L, NodeId target) {
    const Node *t = lb_node(L, target);
    const Node *sl = lb_node(L, t->b);
    MirOperand ops[5] = {lb_expr(L, t->a)};
    seq_slice_ops(L, sl, ops + 1);
    lb_call_void_loc(L, MRT_LIST_DEL_SLICE, ops, 5, target, t->span);
}

/* a, b = xs and first, *rest = xs of a list: the length is checked first
 * (Python's ValueError, a panic here); each element is read borrowed and
 * stored (a consuming store clones it); a starred target gets the slice
 * between the targets before and after it. */
void lb_seq_unpack_list(Lb *L, NodeId target, MirOperand v, NodeId at) {
    const Node *t = lb_node(L, target);
    Span sp = lb_node(L, at)->span;
    TypeId et = type_get(v.type)->args[0];
    uint32_t n = t->list.count, star = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++)
        if (lb_node(L, ast_list_at(L->ast, t->list, i))->kind == N_STARRED) star = i;
    int64_t need = star == UINT32_MAX ? (int64_t)n : (int64_t)n - 1;
    MirOperand len = lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &v, 1, 0), sp);
    MirOperand few = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, len, opd_int(need), 0), sp);
    MirBlockId few_bb = lb_block(L), more_bb = lb_block(L);
    lb_branch(L, few, few_bb, more_bb);
    L->cur = few_bb;
    char msg[96];
    snprintf(msg, sizeof msg, "not enough values to unpack (expected %s%lld)", star == UINT32_MAX ? "" : "at least ",
             (long long)need);
    lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = opd_str(intern_cstr(msg)), .loc = target, .span = sp});
    L->cur = more_bb;
    if (star == UINT32_MAX) {
        MirOperand many = lb_temp_of(L, rv_binary(L, TOK_GT, TYPE_BOOL, len, opd_int(need), 0), sp);
        MirBlockId many_bb = lb_block(L), ok_bb = lb_block(L);
        lb_branch(L, many, many_bb, ok_bb);
        L->cur = many_bb;
        snprintf(msg, sizeof msg, "too many values to unpack (expected %lld)", (long long)need);
        lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = opd_str(intern_cstr(msg)), .loc = target, .span = sp});
        L->cur = ok_bb;
    }
    for (uint32_t i = 0; i < n; i++) {
        NodeId ti = ast_list_at(L->ast, t->list, i);
        if (i == star) {
            /* xs[i:] when the starred target is last, else xs[i:-(targets after it)] */
            int64_t after = (int64_t)(n - 1 - i);
            MirOperand ops[5] = {v, opd_int((int64_t)i), opd_int(-after), opd_int(0), opd_int(after ? 3 : 1)};
            MirOperand rest = lb_temp_of(L, rv_rt(L, MRT_LIST_SLICE, v.type, ops, 5, target), sp);
            lb_store_target(L, lb_node(L, ti)->a, rest, at);
            continue;
        }
        int64_t idx = star != UINT32_MAX && i > star ? (int64_t)i - (int64_t)n : (int64_t)i;
        MirOperand ops[2] = {v, opd_int(idx)};
        MirLocalId cur = lb_local(L, et, 0, (Span){0}, MIRL_BORROWED);
        lb_assign(L, lb_place(cur), rv_rt(L, MRT_LIST_AT, et, ops, 2, target), sp);
        lb_store_target(L, ti, opd_local(L, cur), at);
    }
}

/* b[i] of bytes: an int. */
MirOperand lb_seq_bytes_at(Lb *L, NodeId n, MirOperand o) {
    const Node *node = lb_node(L, n);
    MirOperand ops[2] = {o, lb_expr_as(L, node->b, TYPE_INT)};
    return lb_temp_of(L, rv_rt(L, MRT_BYTES_AT, TYPE_INT, ops, 2, n), node->span);
}

/* xs[i] op= v: the list and the index are evaluated once; the element is
 * read (borrowed), combined with v, and the result stored back (the old
 * element is dropped by the store). */
void lb_seq_aug_item(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *tn = lb_node(L, node->a);
    Span sp = tn->span;
    if (lb_node(L, tn->b)->kind == N_SLICE) {
        lb_unsupported(L, node->a, "augmented assignment to a slice");
        return;
    }
    MirOperand xs = lb_expr(L, tn->a);
    TypeId et = type_get(xs.type)->args[0];
    MirOperand idx = lb_pin(L, lb_expr_as(L, tn->b, TYPE_INT), sp);
    MirOperand ops[2] = {xs, idx};
    MirLocalId cur = lb_local(L, et, 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(cur), rv_rt(L, MRT_LIST_AT, et, ops, 2, node->a), sp);
    MirOperand v = lb_expr(L, node->b);
    if (v.type == TYPE_NEVER) return;
    MirOperand r = lb_convert(L, lb_binop(L, node->op, node->type, opd_local(L, cur), v, n), et, n);
    MirOperand set[3] = {xs, idx, lb_consume(L, r)};
    lb_call_void_loc(L, MRT_LIST_SET, set, 3, node->a, sp);
}

/* xs + ys of lists, and repetition (seq * n, n * seq) of lists, str and
 * bytes; false when the operands are something else. */
bool lb_seq_binop(Lb *L, uint32_t op, TypeId rtype, MirOperand l, MirOperand r, NodeId at, MirOperand *out) {
    Span sp = lb_node(L, at)->span;
    bool is_list = type_get(rtype)->kind == TY_LIST;
    if (op == TOK_PLUS && is_list && l.type == rtype && r.type == rtype) {
        MirOperand ops[2] = {l, r};
        *out = lb_temp_of(L, rv_rt(L, MRT_LIST_CONCAT, rtype, ops, 2, 0), sp);
        return true;
    }
    if (op == TOK_STAR && (is_list || rtype == TYPE_STR || rtype == TYPE_BYTES)) {
        MirOperand seq = l.type == rtype ? l : r, cnt = l.type == rtype ? r : l;
        if (cnt.type != TYPE_INT) return false;
        MirOperand ops[2] = {seq, cnt};
        *out = lb_temp_of(L, rv_rt(L, is_list ? MRT_LIST_REPEAT : MRT_STR_REPEAT, rtype, ops, 2, 0), sp);
        return true;
    }
    return false;
}

/* ==== Builtins ============================================================ */

/* Positional argument i, or 0. */
static NodeId seq_pos_arg(Lb *L, NodeId n, uint32_t i) {
    const Node *node = lb_node(L, n);
    uint32_t k = 0;
    for (uint32_t j = 0; j < node->list.count; j++) {
        NodeId a = ast_list_at(L->ast, node->list, j);
        if (lb_node(L, a)->kind == N_KEYWORD) continue;
        if (k++ == i) return a;
    }
    return 0;
}

/* A list of the iterable argument the caller may change in place: the
 * fresh list itself, or a clone. */
static MirOperand seq_owned_list(Lb *L, NodeId arg) {
    bool fresh;
    MirOperand l = seq_as_list(L, arg, &fresh);
    if (fresh || l.type == TYPE_NEVER) return l;
    return lb_clone(L, l);
}

/* sorted(xs), sorted(xs, reverse=b), sorted(xs, key=f): a sorted copy (a
 * fresh list is sorted in place). */
static MirOperand seq_sorted(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    MirOperand rev = opd_bool(false);
    NodeId rev_node = 0, key_node = 0;
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId an = ast_list_at(L->ast, node->list, i);
        const Node *a = lb_node(L, an);
        if (a->kind != N_KEYWORD) continue;
        if (a->name == intern_cstr("reverse")) rev_node = a->a;
        else if (a->name == intern_cstr("key")) key_node = a->a;
        else {
            lb_unsupported(L, an, "this keyword argument of sorted()");
            return opd_dead(node->type);
        }
    }
    MirOperand l = seq_owned_list(L, seq_pos_arg(L, n, 0));
    if (rev_node) rev = lb_expr_as(L, rev_node, TYPE_BOOL);
    if (key_node) {
        lb_sort_by_key(L, l, key_node, rev, n);
        return l;
    }
    MirOperand ops[2] = {l, rev};
    lb_call_void(L, MRT_LIST_SORT, ops, 2, node->span);
    return l;
}

/* min(xs, key=f, default=d) / max(...). With a key, a copy of the list is
 * sorted by the key (stable; descending for max, which keeps the first of
 * equal elements first, as Python's max returns the first maximal one) and
 * its first element taken; an empty list gives the default or panics. */
static MirOperand seq_minmax_keywords(Lb *L, NodeId n, bool is_max, NodeId key, NodeId def) {
    const Node *node = lb_node(L, n);
    TypeId t = node->type;
    Span sp = node->span;
    MirOperand l = key ? seq_owned_list(L, seq_pos_arg(L, n, 0)) : (MirOperand){0};
    if (!key) {
        bool fresh;
        l = seq_as_list(L, seq_pos_arg(L, n, 0), &fresh);
    }
    MirOperand len = lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &l, 1, 0), sp);
    MirOperand empty = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, len, opd_int(0), 0), sp);
    MirLocalId res = lb_temp(L, t);
    MirBlockId eb = lb_block(L), pb = lb_block(L), join = lb_block(L);
    lb_branch(L, empty, eb, pb);
    L->cur = eb;
    if (def) {
        /* temporaries of each arm are dropped in the arm (lb_take_arm) */
        uint32_t mark = L->pending.len;
        MirOperand d = lb_expr_as(L, def, t);
        lb_assign(L, lb_place(res), rv_use(L, lb_take_arm(L, d, mark)), sp);
        lb_flush(L, mark);
        lb_goto(L, join);
    } else {
        const char *msg = is_max ? "max() arg is an empty sequence" : "min() arg is an empty sequence";
        lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = opd_str(intern_cstr(msg)), .loc = n, .span = sp});
    }
    L->cur = pb;
    uint32_t mark = L->pending.len;
    if (key) {
        lb_sort_by_key(L, l, key, opd_bool(is_max), n);
        MirOperand ops[2] = {l, opd_int(0)};
        lb_assign(L, lb_place(res), rv_rt(L, MRT_LIST_POP, t, ops, 2, n), sp);
    } else {
        MirOperand ops[2] = {l, opd_bool(is_max)};
        lb_assign(L, lb_place(res), rv_rt(L, MRT_LIST_MINMAX, t, ops, 2, n), sp);
    }
    lb_flush(L, mark);
    lb_goto(L, join);
    L->cur = join;
    if (!mir_type_is_copy(t)) vec_push(&L->pending, res);
    return opd_local(L, res);
}

/* min()/max() of one iterable, or of two or more str/bytes (lb_minmax does
 * two or more numbers): a clone of the first smallest (largest) element;
 * an empty iterable panics. */
MirOperand lb_seq_minmax(Lb *L, NodeId n, bool is_max) {
    const Node *node = lb_node(L, n);
    TypeId t = node->type;
    NodeId key = 0, def = 0;
    for (uint32_t i = 0; i < node->list.count; i++) {
        const Node *a = lb_node(L, ast_list_at(L->ast, node->list, i));
        if (a->kind == N_KEYWORD && a->name == intern_cstr("key")) key = a->a;
        else if (a->kind == N_KEYWORD && a->name == intern_cstr("default")) def = a->a;
    }
    if (key || def) return seq_minmax_keywords(L, n, is_max, key, def);
    if (!lb_plain_args(L, n)) return opd_dead(t);
    bool fresh;
    MirOperand l;
    if (node->list.count >= 2) {
        /* min(a, b, ...) of str/bytes: a list of clones (the arguments
         * stay with their owners), then as min(xs) */
        MirOperand ops[64];
        uint32_t argc = node->list.count;
        if (argc > 64) {
            lb_unsupported(L, n, is_max ? "max() of more than 64 arguments" : "min() of more than 64 arguments");
            return opd_dead(t);
        }
        for (uint32_t i = 0; i < argc; i++) {
            MirOperand v = lb_expr_as(L, ast_list_at(L->ast, node->list, i), t);
            ops[i] = lb_consume(L, v.kind == OPD_CONST ? v : lb_clone(L, v));
        }
        l = lb_temp_of(L, rv_agg(L, AGG_LIST, type_list(t), ops, argc), node->span);
    } else {
        l = seq_as_list(L, ast_list_at(L->ast, node->list, 0), &fresh);
    }
    MirOperand ops[2] = {l, opd_bool(is_max)};
    return lb_temp_of(L, rv_rt(L, MRT_LIST_MINMAX, t, ops, 2, n), node->span);
}

MirOperand lb_seq_builtin(Lb *L, NodeId n, BuiltinId bi) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    TypeId t = node->type;
    if (bi == BI_SORTED) return seq_sorted(L, n);
    if (bi == BI_ENUMERATE) {
        /* enumerate(xs), enumerate(xs, start), enumerate(xs, start=k) */
        NodeId start = seq_pos_arg(L, n, 1);
        for (uint32_t i = 0; i < node->list.count; i++) {
            const Node *a = lb_node(L, ast_list_at(L->ast, node->list, i));
            if (a->kind == N_KEYWORD) start = a->a;
        }
        bool fresh;
        MirOperand ops[2];
        ops[0] = seq_as_list(L, seq_pos_arg(L, n, 0), &fresh);
        ops[1] = start ? lb_expr_as(L, start, TYPE_INT) : opd_int(0);
        return lb_temp_of(L, rv_rt(L, MRT_LIST_ENUMERATE, t, ops, 2, n), sp);
    }
    if (!lb_plain_args(L, n)) return opd_dead(t);
    NodeId a0 = seq_pos_arg(L, n, 0), a1 = seq_pos_arg(L, n, 1);
    switch (bi) {
    case BI_REVERSED: {
        MirOperand l = seq_owned_list(L, a0);
        lb_call_void(L, MRT_LIST_REVERSE, &l, 1, sp);
        return l;
    }
    case BI_LIST:
        if (!a0) return lb_temp_of(L, rv_agg(L, AGG_LIST, t, NULL, 0), sp);
        return seq_owned_list(L, a0);
    case BI_SET: {
        if (!a0) return lb_temp_of(L, rv_agg(L, AGG_SET, t, NULL, 0), sp);
        bool fresh;
        MirOperand l = seq_as_list(L, a0, &fresh);
        return lb_temp_of(L, rv_rt(L, MRT_SEQ_SET_FROM_LIST, t, &l, 1, 0), sp);
    }
    case BI_ZIP: {
        bool f0, f1;
        MirOperand ops[2];
        ops[0] = seq_as_list(L, a0, &f0);
        ops[1] = seq_as_list(L, a1, &f1);
        return lb_temp_of(L, rv_rt(L, MRT_LIST_ZIP, t, ops, 2, 0), sp);
    }
    case BI_SUM: {
        bool fresh;
        MirOperand l = seq_as_list(L, a0, &fresh);
        TypeId et = l.type == TYPE_NEVER ? TYPE_INT : type_get(l.type)->args[0];
        if (et == TYPE_FLOAT) {
            MirOperand ops[2] = {l, a1 ? lb_expr_as(L, a1, TYPE_FLOAT) : opd_float(0.0)};
            return lb_temp_of(L, rv_rt(L, MRT_LIST_SUM_FLOAT, TYPE_FLOAT, ops, 2, 0), sp);
        }
        if (et != TYPE_INT) {
            lb_unsupported(L, n, "sum() of these elements");
            return opd_dead(t);
        }
        /* int elements: summed as ints (overflow panics); a float start
         * is added afterwards */
        bool int_start = !a1 || lb_node(L, a1)->type != TYPE_FLOAT;
        MirOperand ops[2] = {l, a1 && int_start ? lb_expr_as(L, a1, TYPE_INT) : opd_int(0)};
        MirOperand s = lb_temp_of(L, rv_rt(L, MRT_LIST_SUM_INT, TYPE_INT, ops, 2, n), sp);
        if (t == TYPE_INT) return s;
        MirOperand fs = lb_convert(L, s, TYPE_FLOAT, n);
        if (int_start) return fs;
        return lb_temp_of(L, rv_binary(L, TOK_PLUS, TYPE_FLOAT, fs, lb_expr_as(L, a1, TYPE_FLOAT), 0), sp);
    }
    case BI_ANY:
    case BI_ALL: {
        bool fresh;
        MirOperand l = seq_as_list(L, a0, &fresh);
        return lb_temp_of(L, rv_rt(L, bi == BI_ANY ? MRT_LIST_ANY : MRT_LIST_ALL, TYPE_BOOL, &l, 1, 0), sp);
    }
    case BI_ORD: {
        MirOperand v = lb_expr_as(L, a0, TYPE_STR);
        return lb_temp_of(L, rv_rt(L, MRT_STR_ORD, TYPE_INT, &v, 1, n), sp);
    }
    case BI_CHR: {
        MirOperand v = lb_expr_as(L, a0, TYPE_INT);
        return lb_temp_of(L, rv_rt(L, MRT_STR_CHR, TYPE_STR, &v, 1, n), sp);
    }
    case BI_HEX:
    case BI_BIN:
    case BI_OCT: {
        MirOperand ops[2] = {lb_expr_as(L, a0, TYPE_INT), opd_int(bi == BI_HEX ? 16 : bi == BI_BIN ? 2 : 8)};
        return lb_temp_of(L, rv_rt(L, MRT_INT_TO_BASE, TYPE_STR, ops, 2, 0), sp);
    }
    case BI_BYTES: {
        if (!a0) /* bytes(): the empty constant */
            return (MirOperand){.kind = OPD_CONST, .type = TYPE_BYTES, .c = {.kind = MC_BYTES, .s = intern("", 0)}};
        if (lb_node(L, a0)->type == TYPE_INT) {
            MirOperand v = lb_expr_as(L, a0, TYPE_INT);
            return lb_temp_of(L, rv_rt(L, MRT_BYTES_ZEROS, TYPE_BYTES, &v, 1, n), sp);
        }
        bool fresh;
        MirOperand l = seq_as_list(L, a0, &fresh);
        return lb_temp_of(L, rv_rt(L, MRT_BYTES_FROM_LIST, TYPE_BYTES, &l, 1, n), sp);
    }
    case BI_ROUND: {
        TypeId xt = lb_node(L, a0)->type;
        MirOperand x = lb_expr_as(L, a0, xt);
        if (!a1) /* round(x) -> int */
            return xt == TYPE_INT ? x : lb_temp_of(L, rv_rt(L, MRT_FLOAT_ROUND, TYPE_INT, &x, 1, n), sp);
        MirOperand ops[2] = {x, lb_expr_as(L, a1, TYPE_INT)};
        if (xt == TYPE_INT) return lb_temp_of(L, rv_rt(L, MRT_INT_ROUND_DIGITS, TYPE_INT, ops, 2, n), sp);
        return lb_temp_of(L, rv_rt(L, MRT_FLOAT_ROUND_DIGITS, TYPE_FLOAT, ops, 2, 0), sp);
    }
    case BI_DIVMOD:
    case BI_POW: {
        NodeId a2 = seq_pos_arg(L, n, 2);
        TypeId num = bi == BI_DIVMOD ? type_get(t)->args[0] : t;
        MirOperand x = lb_expr_as(L, a0, num), y = lb_expr_as(L, a1, num);
        if (bi == BI_POW && a2) {
            MirOperand ops[3] = {x, y, lb_expr_as(L, a2, TYPE_INT)};
            return lb_temp_of(L, rv_rt(L, MRT_INT_POWMOD, TYPE_INT, ops, 3, n), sp);
        }
        MirOperand ops[2] = {x, y};
        bool f = num == TYPE_FLOAT;
        if (bi == BI_POW)
            return lb_temp_of(L, rv_rt(L, f ? MRT_FLOAT_POW : MRT_INT_POW, num, ops, 2, f ? 0 : n), sp);
        x = lb_pin(L, x, sp);
        y = lb_pin(L, y, sp);
        MirOperand qr[2] = {x, y};
        MirOperand q = lb_temp_of(L, rv_rt(L, f ? MRT_FLOAT_FLOORDIV : MRT_INT_FLOORDIV, num, qr, 2, n), sp);
        MirOperand r = lb_temp_of(L, rv_rt(L, f ? MRT_FLOAT_MOD : MRT_INT_MOD, num, qr, 2, n), sp);
        MirOperand parts[2] = {q, r};
        return lb_temp_of(L, rv_agg(L, AGG_TUPLE, t, parts, 2), sp);
    }
    case BI_LEN: {
        MirOperand v = lb_expr(L, a0);
        const Type *vt = type_get(v.type);
        if (vt->kind == TY_TUPLE) return opd_int((int64_t)vt->nargs);
        if (vt->kind == TY_SET) return lb_temp_of(L, rv_rt(L, MRT_SEQ_SET_LEN, TYPE_INT, &v, 1, 0), sp);
        break;
    }
    default: break;
    }
    lb_unsupported(L, n, "this builtin function");
    return opd_dead(t);
}

/* ==== Methods of lists, str and bytes ===================================== */

/* An int index result of find()/rfind() as `int | None`: None for -1. */
static MirOperand seq_opt_index(Lb *L, MirOperand r, TypeId opt, Span sp) {
    MirLocalId res = lb_temp(L, opt);
    MirOperand absent = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, r, opd_int(0), 0), sp);
    MirBlockId none_bb = lb_block(L), some_bb = lb_block(L), join = lb_block(L);
    lb_branch(L, absent, none_bb, some_bb);
    L->cur = none_bb;
    lb_assign(L, lb_place(res), rv_agg(L, AGG_NONE_OPT, opt, NULL, 0), sp);
    lb_goto(L, join);
    L->cur = some_bb;
    lb_assign(L, lb_place(res), rv_agg(L, AGG_SOME, opt, &r, 1), sp);
    lb_goto(L, join);
    L->cur = join;
    return opd_local(L, res);
}

typedef struct SeqMethod {
    const char *name;
    MirRtFn f;
    uint8_t min, max; /* positional arguments */
    bool loc;         /* the C function takes the call's RtLoc */
} SeqMethod;

static const SeqMethod seq_str_methods[] = {
    {"count", MRT_STR_COUNT, 1, 1, false},         {"isdigit", MRT_STR_ISDIGIT, 0, 0, false},
    {"isalpha", MRT_STR_ISALPHA, 0, 0, false},     {"isspace", MRT_STR_ISSPACE, 0, 0, false},
    {"isalnum", MRT_STR_ISALNUM, 0, 0, false},     {"isupper", MRT_STR_ISUPPER, 0, 0, false},
    {"islower", MRT_STR_ISLOWER, 0, 0, false},     {"title", MRT_STR_TITLE, 0, 0, false},
    {"capitalize", MRT_STR_CAPITALIZE, 0, 0, false}, {"encode", MRT_STR_ENCODE, 0, 0, false},
    {"strip", MRT_STR_STRIP, 1, 1, false},         {"lstrip", MRT_STR_LSTRIP, 0, 1, false},
    {"rstrip", MRT_STR_RSTRIP, 0, 1, false},       {"split", MRT_STR_SPLITN, 2, 2, true},
    {"rsplit", MRT_STR_RSPLIT, 0, 2, true},        {"splitlines", MRT_STR_SPLITLINES, 0, 0, false},
    {"replace", MRT_STR_REPLACEN, 3, 3, false},    {"zfill", MRT_STR_ZFILL, 1, 1, false},
    {"center", MRT_STR_CENTER, 1, 2, true},        {"ljust", MRT_STR_LJUST, 1, 2, true},
    {"rjust", MRT_STR_RJUST, 1, 2, true},          {"removeprefix", MRT_STR_REMOVEPREFIX, 1, 1, false},
    {"removesuffix", MRT_STR_REMOVESUFFIX, 1, 1, false},
    {"swapcase", MRT_STR_SWAPCASE, 0, 0, false},   {"casefold", MRT_STR_CASEFOLD, 0, 0, false},
    {"isdecimal", MRT_STR_ISDECIMAL, 0, 0, false}, {"isnumeric", MRT_STR_ISNUMERIC, 0, 0, false},
};

static const SeqMethod seq_bytes_methods[] = {
    {"decode", MRT_BYTES_DECODE, 0, 0, true},
    {"hex", MRT_BYTES_HEX, 0, 0, false},
    {"startswith", MRT_STR_STARTSWITH, 1, 1, false},
    {"endswith", MRT_STR_ENDSWITH, 1, 1, false},
};

/* t.count(x) / t.index(x) of a tuple whose elements share one type: the
 * elements are compared with == one by one (unrolled; a tuple is small).
 * index() scans from the back so the first match is the one kept, and a
 * missing value panics with Python's ValueError text. */
static MirOperand seq_tuple_count_index(Lb *L, NodeId n, MirOperand t, bool is_index) {
    Span sp = lb_node(L, n)->span;
    const Type *tt = type_get(t.type);
    MirPlace tp = lb_as_place(L, t, sp);
    MirOperand x = lb_expr_as(L, lb_arg(L, n, 0), tt->args[0]);
    MirLocalId res = lb_temp(L, TYPE_INT);
    lb_assign(L, lb_place(res), rv_use(L, opd_int(is_index ? -1 : 0)), sp);
    for (uint32_t k = 0; k < tt->nargs; k++) {
        uint32_t i = is_index ? tt->nargs - 1 - k : k;
        MirOperand el = opd_place(L, lb_project(L, tp, PROJ_FIELD, i, type_get(t.type)->args[i]), sp);
        MirOperand eq = lb_cmp(L, TOK_EQ, el, x, n);
        MirBlockId hit = lb_block(L), next = lb_block(L);
        lb_branch(L, eq, hit, next);
        L->cur = hit;
        MirRvalue v = is_index ? rv_use(L, opd_int((int64_t)i))
                               : rv_binary(L, TOK_PLUS, TYPE_INT, opd_local(L, res), opd_int(1), 0);
        lb_assign(L, lb_place(res), v, sp);
        lb_goto(L, next);
        L->cur = next;
    }
    if (is_index) {
        MirOperand bad = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, opd_local(L, res), opd_int(0), 0), sp);
        lb_panic_if(L, bad, "ValueError: tuple.index(x): x not in tuple", n, sp);
    }
    return opd_local(L, res);
}

/* "...".format(args) of a literal format string (sema checked its fields):
 * the arguments are evaluated once, in call order, then each piece becomes
 * a part of one concatenation: literal text, str()/repr() of an argument,
 * or an argument formatted with its spec like an f-string field. */
static MirOperand seq_str_format(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *fs = lb_node(L, lb_node(L, node->a)->a);
    uint32_t argc = node->list.count;
    MirOperand vals[32];
    StrId names[32];
    NodeId at[32];
    int32_t pos_of[32];
    uint32_t npos = 0;
    if (argc > 32) {
        lb_unsupported(L, n, "`str.format` with more than 32 arguments");
        return opd_dead(TYPE_STR);
    }
    for (uint32_t i = 0; i < argc; i++) {
        NodeId aid = ast_list_at(L->ast, node->list, i);
        const Node *a = lb_node(L, aid);
        at[i] = a->kind == N_KEYWORD ? a->a : aid;
        names[i] = a->kind == N_KEYWORD ? a->name : 0;
        vals[i] = lb_expr(L, at[i]);
        if (a->kind != N_KEYWORD) pos_of[npos++] = (int32_t)i;
    }
    StrFmt f = {.s = str_text(fs->v.str), .len = str_len(fs->v.str)};
    StrFmtPiece pc;
    const char *err = NULL;
    uint32_t np = 0, cap = 8;
    MirOperand *parts = xmalloc(sizeof *parts * cap);
    while (strfmt_next(&f, &pc, &err) == 1) {
        if (np == cap) parts = xrealloc(parts, sizeof *parts * (cap *= 2));
        if (!pc.field) {
            parts[np++] = opd_str(intern(pc.lit, pc.lit_len));
            continue;
        }
        int32_t k = -1;
        if (pc.index >= 0 && (uint32_t)pc.index < npos) k = pos_of[pc.index];
        for (uint32_t i = 0; pc.index < 0 && i < argc; i++)
            if (names[i] && str_len(names[i]) == pc.name_len && !memcmp(str_text(names[i]), pc.name, pc.name_len))
                k = (int32_t)i;
        if (k < 0) ICE("MIR: str.format field without an argument");
        MirOperand v = vals[k];
        if (!pc.spec_len) {
            parts[np++] = lb_stringify_value(L, v, pc.conv == 'r', false, at[k]);
            continue;
        }
        if (pc.conv || v.type == TYPE_NONE || v.type == TYPE_BYTES)
            v = lb_stringify_value(L, v, pc.conv == 'r', false, at[k]);
        MirRtFn rf = MRT_FMT_STR;
        if (v.type == TYPE_INT) rf = MRT_FMT_INT;
        else if (v.type == TYPE_FLOAT) rf = MRT_FMT_FLOAT;
        else if (v.type == TYPE_BOOL) rf = MRT_FMT_BOOL;
        else if (v.type != TYPE_STR) v = lb_stringify_value(L, v, false, false, at[k]);
        MirOperand ops[2] = {v, opd_str(intern(pc.spec, pc.spec_len))};
        parts[np++] = lb_temp_of(L, rv_rt(L, rf, TYPE_STR, ops, 2, n), node->span);
    }
    MirOperand r = np ? lb_temp_of(L, rv_rt(L, MRT_STR_JOIN_PARTS, TYPE_STR, parts, np, 0), node->span)
                      : opd_str(intern("", 0));
    free(parts);
    return r;
}

/* Methods this file lowers; false leaves the call to lb_builtin_method. */
bool lb_seq_method(Lb *L, NodeId n, MirOperand recv, MirOperand *out) {
    const Node *node = lb_node(L, n);
    const char *m = str_text(lb_node(L, node->a)->name);
    const Type *rt = type_get(recv.type);
    uint32_t argc = node->list.count;
    Span sp = node->span;
    if (rt->kind == TY_LIST) {
        TypeId et = rt->args[0];
        if (!strcmp(m, "sort")) {
            /* sort(), sort(reverse=b), sort(key=f) */
            MirOperand rev = opd_bool(false);
            NodeId key = 0;
            for (uint32_t i = 0; i < argc; i++) {
                NodeId an = ast_list_at(L->ast, node->list, i);
                const Node *a = lb_node(L, an);
                if (a->kind == N_KEYWORD && a->name == intern_cstr("reverse")) rev = lb_expr_as(L, a->a, TYPE_BOOL);
                else if (a->kind == N_KEYWORD && a->name == intern_cstr("key")) key = a->a;
                else {
                    lb_unsupported(L, an, "this argument of list.sort()");
                    *out = opd_none(TYPE_NONE);
                    return true;
                }
            }
            if (key) lb_sort_by_key(L, recv, key, rev, n);
            else {
                MirOperand ops[2] = {recv, rev};
                lb_call_void(L, MRT_LIST_SORT, ops, 2, sp);
            }
            *out = opd_none(TYPE_NONE);
            return true;
        }
        if ((!strcmp(m, "copy") || !strcmp(m, "clone")) && argc == 0) {
            *out = lb_clone(L, recv);
            return true;
        }
        if (!strcmp(m, "clear") && argc == 0) {
            lb_call_void(L, MRT_LIST_CLEAR, &recv, 1, sp);
            *out = opd_none(TYPE_NONE);
            return true;
        }
        if ((!strcmp(m, "count") || !strcmp(m, "remove")) && argc == 1 && lb_plain_args(L, n)) {
            MirOperand ops[2] = {recv, lb_expr_as(L, lb_arg(L, n, 0), et)};
            if (m[0] == 'c') *out = lb_temp_of(L, rv_rt(L, MRT_LIST_COUNT, TYPE_INT, ops, 2, 0), sp);
            else {
                lb_call_void_loc(L, MRT_LIST_REMOVE, ops, 2, n, sp);
                *out = opd_none(TYPE_NONE);
            }
            return true;
        }
        return false;
    }
    if (rt->kind == TY_TUPLE && (!strcmp(m, "count") || !strcmp(m, "index")) && argc == 1) {
        *out = lb_plain_args(L, n) ? seq_tuple_count_index(L, n, recv, m[0] == 'i') : opd_dead(node->type);
        return true;
    }
    if (recv.type != TYPE_STR && recv.type != TYPE_BYTES) return false;
    if (!strcmp(m, "clone") && argc == 0) {
        *out = lb_clone(L, recv);
        return true;
    }
    /* find()/rfind() give `int | None` (SPEC section 3); index()/rindex()
     * give an int and, like list.index(), panic with Python's ValueError
     * when the substring is missing */
    bool fwd = !strcmp(m, "find") || !strcmp(m, "index");
    bool idx = !strcmp(m, "index") || !strcmp(m, "rindex");
    if (recv.type == TYPE_STR && (fwd || idx || !strcmp(m, "rfind")) && argc == 1 && lb_plain_args(L, n)) {
        MirOperand ops[2] = {recv, lb_expr_as(L, lb_arg(L, n, 0), TYPE_STR)};
        MirOperand r = lb_temp_of(L, rv_rt(L, fwd ? MRT_STR_FIND : MRT_STR_RFIND, TYPE_INT, ops, 2, 0), sp);
        if (idx) {
            MirOperand bad = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, r, opd_int(0), 0), sp);
            lb_panic_if(L, bad, "ValueError: substring not found", n, sp);
            *out = r;
        } else {
            *out = seq_opt_index(L, r, node->type, sp);
        }
        return true;
    }
    if (recv.type == TYPE_STR && (!strcmp(m, "partition") || !strcmp(m, "rpartition")) && argc == 1 &&
        lb_plain_args(L, n)) {
        MirOperand ops[3] = {recv, lb_expr_as(L, lb_arg(L, n, 0), TYPE_STR), opd_bool(m[0] == 'r')};
        *out = lb_temp_of(L, rv_rt(L, MRT_STR_PARTITION, node->type, ops, 3, n), sp);
        return true;
    }
    if (recv.type == TYPE_STR && (!strcmp(m, "split") || !strcmp(m, "rsplit")) && argc >= 1 &&
        lb_node(L, ast_list_at(L->ast, node->list, argc - 1))->kind == N_KEYWORD) {
        /* split(sep, maxsplit=n) / split(sep=s, maxsplit=n): keywords by name */
        NodeId sep = seq_pos_arg(L, n, 0), max = seq_pos_arg(L, n, 1);
        for (uint32_t i = 0; i < argc; i++) {
            const Node *a = lb_node(L, ast_list_at(L->ast, node->list, i));
            if (a->kind == N_KEYWORD && a->name == intern_cstr("sep")) sep = a->a;
            else if (a->kind == N_KEYWORD && a->name == intern_cstr("maxsplit")) max = a->a;
        }
        if (!sep) { /* on whitespace */
            MirOperand ops[2] = {recv, max ? lb_expr_as(L, max, TYPE_INT) : opd_int(-1)};
            MirRtFn f = m[0] == 'r' ? MRT_STR_RSPLIT_WS : MRT_STR_SPLIT_WS;
            *out = lb_temp_of(L, rv_rt(L, f, node->type, ops, 2, n), sp);
            return true;
        }
        MirOperand ops[3] = {recv, lb_expr_as(L, sep, TYPE_STR), max ? lb_expr_as(L, max, TYPE_INT) : opd_int(-1)};
        *out = lb_temp_of(L, rv_rt(L, m[0] == 'r' ? MRT_STR_RSPLIT : MRT_STR_SPLITN, node->type, ops, 3, n), sp);
        return true;
    }
    if (recv.type == TYPE_STR && (!strcmp(m, "startswith") || !strcmp(m, "endswith")) && argc == 1 &&
        type_get(lb_node(L, lb_arg(L, n, 0))->type)->kind == TY_TUPLE && lb_plain_args(L, n)) {
        /* s.startswith((a, b, ...)): true at the first alternative that matches */
        MirOperand alts = lb_expr(L, lb_arg(L, n, 0));
        MirPlace ap = lb_as_place(L, alts, sp);
        uint32_t na = type_get(alts.type)->nargs;
        MirLocalId res = lb_temp(L, TYPE_BOOL);
        MirBlockId yes = lb_block(L), join = lb_block(L);
        lb_assign(L, lb_place(res), rv_use(L, opd_bool(false)), sp);
        for (uint32_t i = 0; i < na; i++) {
            MirOperand ops[2] = {recv, opd_place(L, lb_project(L, ap, PROJ_FIELD, i, TYPE_STR), sp)};
            MirOperand hit = lb_temp_of(L, rv_rt(L, m[0] == 's' ? MRT_STR_STARTSWITH : MRT_STR_ENDSWITH,
                                                 TYPE_BOOL, ops, 2, 0), sp);
            MirBlockId next = lb_block(L);
            lb_branch(L, hit, yes, next);
            L->cur = next;
        }
        lb_goto(L, join);
        L->cur = yes;
        lb_assign(L, lb_place(res), rv_use(L, opd_bool(true)), sp);
        lb_goto(L, join);
        L->cur = join;
        *out = opd_local(L, res);
        return true;
    }
    if (recv.type == TYPE_STR && !strcmp(m, "format")) {
        *out = seq_str_format(L, n);
        return true;
    }
    const SeqMethod *tab = recv.type == TYPE_STR ? seq_str_methods : seq_bytes_methods;
    size_t nt = recv.type == TYPE_STR ? sizeof seq_str_methods / sizeof *seq_str_methods
                                      : sizeof seq_bytes_methods / sizeof *seq_bytes_methods;
    for (size_t i = 0; i < nt; i++) {
        if (strcmp(m, tab[i].name) || argc < tab[i].min || argc > tab[i].max) continue;
        if (!lb_plain_args(L, n)) {
            *out = opd_dead(node->type);
            return true;
        }
        MirOperand ops[4] = {recv};
        TypeId ft = lb_node(L, node->a)->type; /* the method's function type: parameter types */
        const Type *fty = type_get(ft);
        for (uint32_t k = 0; k < argc; k++) {
            TypeId pt = fty && fty->kind == TY_FUNC && k < fty->nargs ? fty->args[k] : lb_node(L, lb_arg(L, n, k))->type;
            ops[k + 1] = lb_expr_as(L, lb_arg(L, n, k), pt);
        }
        *out = lb_temp_of(L, rv_rt(L, tab[i].f, node->type, ops, argc + 1, tab[i].loc ? n : 0), sp);
        return true;
    }
    return false;
}
