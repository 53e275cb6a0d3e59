/* Statements: assignments (plain, annotated, augmented), if/elif/else,
 * while/else, `for NAME in range(...)`/else, break, continue, return,
 * assert and expression statements, plus the block helpers (terminated
 * blocks, dead blocks, cold panic branches) the expression code shares. */
#include "cg_internal.h"

static const Node *cg_node(Cg *c, NodeId n) { return ast_node(c->ast, n); }

/* ==== Block helpers ======================================================= */

bool cg_terminated(Cg *c) { return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)) != NULL; }

void cg_continue_dead(Cg *c) {
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "dead");
    LLVMPositionBuilderAtEnd(c->b, bb);
}

LLVMBasicBlockRef cg_cold_branch(Cg *c, LLVMValueRef bad, const char *name) {
    LLVMBasicBlockRef cold = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, name);
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ok");
    LLVMValueRef br = LLVMBuildCondBr(c->b, bad, cold, ok);
    LLVMSetMetadata(br, c->md_prof, LLVMMetadataAsValue(c->ctx, c->md_unlikely));
    LLVMPositionBuilderAtEnd(c->b, cold);
    return ok;
}

/* Branch to `to` unless the current block already ended (return, break ...). */
static void cg_br(Cg *c, LLVMBasicBlockRef to) {
    if (!cg_terminated(c)) LLVMBuildBr(c->b, to);
}

static LLVMBasicBlockRef cg_new_block(Cg *c, const char *name) {
    return LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, name);
}

/* ==== Assignments ========================================================= */

/* The local a name target writes, or 0 for a discard such as `_ = f()`. */
static SymId cg_target_sym(Cg *c, NodeId target) {
    const Node *t = cg_node(c, target);
    if (t->kind != N_NAME) {
        cg_unsupported(c, target, "this assignment target");
        return 0;
    }
    if (!t->sym) return 0;
    const Symbol *s = prog_sym(c->prog, t->sym);
    if (s->kind != SYM_LOCAL && s->kind != SYM_PARAM)
        ICE("codegen: assignment to `%s` of symbol kind %d", str_text(s->name), (int)s->kind);
    return t->sym;
}

static void cg_store_sym(Cg *c, SymId s, LLVMValueRef v, TypeId vt, NodeId at) {
    const Symbol *sym = prog_sym(c->prog, s);
    if (sym->type == TYPE_NONE) return;
    LLVMValueRef slot = c->slots[s];
    if (!slot) ICE("codegen: `%s` has no storage in this function", str_text(sym->name));
    if (vt == TYPE_NEVER || !v) v = LLVMGetPoison(cg_type(c, sym->type));
    else v = cg_convert(c, v, vt, sym->type, at);
    LLVMBuildStore(c->b, v, slot);
}

/* targets = value: the value is evaluated once and stored into each target.
 * A string kept in a local is never dropped in this milestone. */
static void cg_assign(Cg *c, NodeList targets, NodeId value) {
    bool fresh = false;
    LLVMValueRef v = cg_expr(c, value, &fresh);
    TypeId vt = cg_node(c, value)->type;
    bool stored = false;
    for (uint32_t i = 0; i < targets.count; i++) {
        SymId s = cg_target_sym(c, ast_list_at(c->ast, targets, i));
        if (!s) continue;
        cg_store_sym(c, s, v, vt, value);
        stored = true;
    }
    if (!stored) cg_drop_if(c, v, fresh);
}

static void cg_aug_assign(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    SymId s = cg_target_sym(c, node->a);
    if (!s) return;
    const Symbol *sym = prog_sym(c->prog, s);
    if (sym->type == TYPE_NONE) ICE("augmented assignment to a None local");
    LLVMValueRef cur = LLVMBuildLoad2(c->b, cg_type(c, sym->type), c->slots[s], "");
    bool fresh = false;
    LLVMValueRef v = cg_expr(c, node->b, &fresh);
    TypeId vt = cg_node(c, node->b)->type;
    if (vt == TYPE_NEVER) return;
    LLVMValueRef r = cg_binop(c, node->op, sym->type, cur, sym->type, v, vt, n);
    if (sym->type == TYPE_STR || sym->type == TYPE_BYTES) cg_drop_if(c, v, fresh);
    LLVMBuildStore(c->b, r, c->slots[s]);
}

/* ==== Control flow ======================================================== */

static void cg_if(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    LLVMValueRef cond = cg_expr_as(c, node->a, TYPE_BOOL, NULL);
    LLVMBasicBlockRef then_bb = cg_new_block(c, "if.then");
    LLVMBasicBlockRef end = cg_new_block(c, "if.end");
    LLVMBasicBlockRef else_bb = node->list2.count ? cg_new_block(c, "if.else") : end;
    LLVMBuildCondBr(c->b, cond, then_bb, else_bb);
    LLVMPositionBuilderAtEnd(c->b, then_bb);
    cg_block(c, node->list);
    cg_br(c, end);
    if (node->list2.count) {
        LLVMPositionBuilderAtEnd(c->b, else_bb);
        cg_block(c, node->list2);
        cg_br(c, end);
    }
    LLVMMoveBasicBlockAfter(end, LLVMGetInsertBlock(c->b));
    LLVMPositionBuilderAtEnd(c->b, end);
}

/* while cond: body else: orelse  (orelse runs when cond turns false, not on break) */
static void cg_while(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    LLVMBasicBlockRef cond_bb = cg_new_block(c, "while.cond");
    LLVMBasicBlockRef body_bb = cg_new_block(c, "while.body");
    LLVMBasicBlockRef end = cg_new_block(c, "while.end");
    LLVMBasicBlockRef else_bb = node->list2.count ? cg_new_block(c, "while.else") : end;
    cg_br(c, cond_bb);
    LLVMPositionBuilderAtEnd(c->b, cond_bb);
    LLVMValueRef cond = cg_expr_as(c, node->a, TYPE_BOOL, NULL);
    LLVMBuildCondBr(c->b, cond, body_bb, else_bb);
    LLVMPositionBuilderAtEnd(c->b, body_bb);
    vec_push(&c->loops, ((CgLoop){end, cond_bb}));
    cg_block(c, node->list);
    c->loops.len--;
    cg_br(c, cond_bb);
    if (node->list2.count) {
        LLVMPositionBuilderAtEnd(c->b, else_bb);
        cg_block(c, node->list2);
        cg_br(c, end);
    }
    LLVMMoveBasicBlockAfter(end, LLVMGetInsertBlock(c->b));
    LLVMPositionBuilderAtEnd(c->b, end);
}

/* for NAME in range(start, stop, step): a hidden counter walks the range, so
 * assigning to NAME inside the body does not change the iteration; the
 * counter's increment stops the loop instead of overflowing. */
static void cg_for(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    const Node *it = cg_node(c, node->b);
    if (node->flags & NF_ASYNC) {
        cg_unsupported(c, n, "`async for`");
        return;
    }
    bool is_range = false;
    if (it->kind == N_CALL && cg_node(c, it->a)->kind == N_NAME && cg_node(c, it->a)->sym) {
        const Symbol *s = prog_sym(c->prog, cg_node(c, it->a)->sym);
        is_range = s->kind == SYM_BUILTIN && s->index == BI_RANGE;
    }
    if (!is_range || it->list.count < 1 || it->list.count > 3) {
        cg_unsupported(c, node->b, "iterating over anything but range()");
        return;
    }
    SymId target = cg_target_sym(c, node->a);

    NodeId args[3];
    for (uint32_t i = 0; i < it->list.count; i++) {
        args[i] = ast_list_at(c->ast, it->list, i);
        uint16_t k = cg_node(c, args[i])->kind;
        if (k == N_KEYWORD || k == N_STARRED) {
            cg_unsupported(c, args[i], "keyword or starred arguments to range()");
            return;
        }
    }
    LLVMValueRef start, stop, step;
    if (it->list.count == 1) {
        start = LLVMConstInt(c->t_i64, 0, false);
        stop = cg_expr_as(c, args[0], TYPE_INT, NULL);
    } else {
        start = cg_expr_as(c, args[0], TYPE_INT, NULL);
        stop = cg_expr_as(c, args[1], TYPE_INT, NULL);
    }
    step = it->list.count == 3 ? cg_expr_as(c, args[2], TYPE_INT, NULL) : LLVMConstInt(c->t_i64, 1, false);

    /* The sign of a constant step picks the loop test at compile time. */
    int step_sign = 0;
    if (LLVMIsAConstantInt(step)) {
        long long sv = LLVMConstIntGetSExtValue(step);
        step_sign = sv > 0 ? 1 : sv < 0 ? -1 : 0;
    }
    if (step_sign == 0) {
        LLVMValueRef zero = LLVMBuildICmp(c->b, LLVMIntEQ, step, LLVMConstInt(c->t_i64, 0, false), "");
        LLVMBasicBlockRef ok = cg_cold_branch(c, zero, "range.zero");
        LLVMValueRef pargs[2] = {cg_cstr(c, "range() arg 3 must not be zero"), cg_loc(c, node->b)};
        cg_rt_call(c, RT_PANIC, pargs, 2);
        LLVMPositionBuilderAtEnd(c->b, ok);
    }

    LLVMValueRef ctr = cg_alloca(c, c->t_i64, "for.i");
    LLVMBuildStore(c->b, start, ctr);
    LLVMBasicBlockRef head = cg_new_block(c, "for.head");
    LLVMBasicBlockRef body = cg_new_block(c, "for.body");
    LLVMBasicBlockRef latch = cg_new_block(c, "for.next");
    LLVMBasicBlockRef end = cg_new_block(c, "for.end");
    LLVMBasicBlockRef else_bb = node->list2.count ? cg_new_block(c, "for.else") : end;
    LLVMBuildBr(c->b, head);

    LLVMPositionBuilderAtEnd(c->b, head);
    LLVMValueRef i = LLVMBuildLoad2(c->b, c->t_i64, ctr, "i");
    LLVMValueRef more;
    if (step_sign > 0) more = LLVMBuildICmp(c->b, LLVMIntSLT, i, stop, "");
    else if (step_sign < 0) more = LLVMBuildICmp(c->b, LLVMIntSGT, i, stop, "");
    else {
        LLVMValueRef up = LLVMBuildICmp(c->b, LLVMIntSGT, step, LLVMConstInt(c->t_i64, 0, false), "");
        more = LLVMBuildSelect(c->b, up, LLVMBuildICmp(c->b, LLVMIntSLT, i, stop, ""),
                               LLVMBuildICmp(c->b, LLVMIntSGT, i, stop, ""), "");
    }
    LLVMBuildCondBr(c->b, more, body, else_bb);

    LLVMPositionBuilderAtEnd(c->b, body);
    if (target) cg_store_sym(c, target, i, TYPE_INT, node->a);
    vec_push(&c->loops, ((CgLoop){end, latch}));
    cg_block(c, node->list);
    c->loops.len--;
    cg_br(c, latch);

    LLVMMoveBasicBlockAfter(latch, LLVMGetInsertBlock(c->b));
    LLVMPositionBuilderAtEnd(c->b, latch);
    LLVMValueRef cur = LLVMBuildLoad2(c->b, c->t_i64, ctr, "");
    LLVMValueRef ovargs[2] = {cur, step};
    unsigned id = LLVMLookupIntrinsicID("llvm.sadd.with.overflow", 23);
    LLVMTypeRef fty = LLVMIntrinsicGetType(c->ctx, id, &c->t_i64, 1);
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &c->t_i64, 1);
    LLVMValueRef res = LLVMBuildCall2(c->b, fty, fn, ovargs, 2, "");
    LLVMBuildStore(c->b, LLVMBuildExtractValue(c->b, res, 0, ""), ctr);
    /* An increment past INT64 limits means the range is exhausted. */
    LLVMBuildCondBr(c->b, LLVMBuildExtractValue(c->b, res, 1, ""), else_bb, head);

    if (node->list2.count) {
        LLVMMoveBasicBlockAfter(else_bb, latch);
        LLVMPositionBuilderAtEnd(c->b, else_bb);
        cg_block(c, node->list2);
        cg_br(c, end);
    }
    LLVMMoveBasicBlockAfter(end, LLVMGetInsertBlock(c->b));
    LLVMPositionBuilderAtEnd(c->b, end);
}

static void cg_return(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    TypeId ret = c->fn->ret;
    if (ret == TYPE_NONE) {
        if (node->a) {
            bool fresh = false;
            LLVMValueRef v = cg_expr(c, node->a, &fresh);
            cg_drop_if(c, v, fresh);
        }
        if (!cg_terminated(c)) LLVMBuildRetVoid(c->b);
    } else {
        if (!node->a) ICE("codegen: bare return in a function returning %s", type_name(ret));
        LLVMValueRef v = cg_expr_as(c, node->a, ret, NULL);
        if (!cg_terminated(c)) LLVMBuildRet(c->b, v);
    }
}

static void cg_assert(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    LLVMValueRef cond = cg_expr_as(c, node->a, TYPE_BOOL, NULL);
    LLVMValueRef bad = LLVMBuildXor(c->b, cond, LLVMConstInt(c->t_i1, 1, false), "");
    LLVMBasicBlockRef ok = cg_cold_branch(c, bad, "assert.fail");
    /* The message is only evaluated when the assertion fails, as in Python. */
    LLVMValueRef args[2];
    if (node->b) {
        bool fresh = false;
        args[0] = cg_stringify(c, node->b, false, &fresh);
    } else {
        args[0] = LLVMConstNull(c->t_ptr);
    }
    args[1] = cg_loc(c, n);
    cg_rt_call(c, RT_ASSERT_FAIL, args, 2);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* ==== Dispatch ============================================================ */

static void cg_stmt(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    switch ((NodeKind)node->kind) {
    case N_EXPR_STMT: {
        const Node *e = cg_node(c, node->a);
        if (e->kind == N_STR || e->kind == N_INT || e->kind == N_ELLIPSIS) return; /* docstrings */
        bool fresh = false;
        LLVMValueRef v = cg_expr(c, node->a, &fresh);
        cg_drop_if(c, v, fresh);
        return;
    }
    case N_ASSIGN: cg_assign(c, node->list, node->a); return;
    case N_ANN_ASSIGN:
        if (node->c) {
            bool fresh = false;
            LLVMValueRef v = cg_expr(c, node->c, &fresh);
            SymId s = cg_target_sym(c, node->a);
            if (s) cg_store_sym(c, s, v, cg_node(c, node->c)->type, node->c);
            else cg_drop_if(c, v, fresh);
        }
        return;
    case N_AUG_ASSIGN: cg_aug_assign(c, n); return;
    case N_PASS: return;
    case N_BREAK:
    case N_CONTINUE: {
        if (c->loops.len == 0) ICE("codegen: %s outside a loop", node_kind_name((NodeKind)node->kind));
        CgLoop *l = &c->loops.items[c->loops.len - 1];
        LLVMBuildBr(c->b, node->kind == N_BREAK ? l->brk : l->cont);
        return;
    }
    case N_RETURN: cg_return(c, n); return;
    case N_IF: cg_if(c, n); return;
    case N_WHILE: cg_while(c, n); return;
    case N_FOR: cg_for(c, n); return;
    case N_ASSERT: cg_assert(c, n); return;
    default: ICE("codegen: unexpected statement node %s", node_kind_name((NodeKind)node->kind));
    }
}

/* Statements after return/break/continue cannot run: they are not emitted,
 * which keeps the invariant that the builder never appends to a block that
 * already has a terminator. */
void cg_block(Cg *c, NodeList body) {
    for (uint32_t i = 0; i < body.count && !cg_terminated(c); i++) cg_stmt(c, ast_list_at(c->ast, body, i));
}
