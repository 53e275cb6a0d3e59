/* The release-mode fast path of pure self-recursive integer functions: which
 * functions qualify, their twin F.fast (sums re-associated into an
 * accumulator loop, checks that bail out instead of panicking) and the public
 * entry F that falls back to the checked body F.checked. Why this is sound:
 * docs/design/codegen.md, "The fast path of self-recursive int functions". */
#include "cg_internal.h"

/* Per-build state: the extra functions of each candidate, and the function
 * F.fast currently being emitted. */
typedef struct CgFastpath {
    LLVMValueRef *checked; /* per SemaFunc: F.checked, NULL when F is no candidate */
    LLVMValueRef *fast;    /* per SemaFunc: F.fast (same LLVM type as F) */

    uint32_t index;            /* the SemaFunc whose F.fast is being emitted */
    LLVMBasicBlockRef bail_bb; /* return CG_FP_BAIL */
    LLVMBasicBlockRef head;    /* the top of the body: where a tail self-call jumps */
    LLVMValueRef acc;          /* i64 slot: the sum of the terms already returned */
} CgFastpath;

/* What F.fast returns when a check fails. Valid results are never negative,
 * and INT64_MIN added to any valid accumulator (0 ... INT64_MAX) stays
 * negative, so one sign test after each accumulation catches both a bail
 * coming up from a callee and a sum above INT64_MAX. */
#define CG_FP_BAIL INT64_MIN

static const Node *cg_fp_node(Cg *c, NodeId n) {
    return ast_node(c->ast, n);
}

/* ==== Candidates ============================================================
 * A candidate returns int, takes only int parameters, has only int locals,
 * contains no loop, and uses only the statements and expressions accepted
 * below; every call in it is a positional call of itself. Such a function is
 * a pure deterministic function of its arguments, so running it again
 * reproduces its behaviour exactly, panics included. */

typedef struct CgFpScan {
    Cg *c;
    uint32_t index; /* the function being examined */
    uint32_t nparams;
    uint32_t self_calls;
} CgFpScan;

static bool cg_fp_is_self_call(Cg *c, uint32_t index, NodeId n) {
    const Node *node = cg_fp_node(c, n);
    if (node->kind != N_CALL) return false;
    const Node *callee = cg_fp_node(c, node->a);
    if (callee->kind != N_NAME || !callee->sym) return false;
    const Symbol *s = prog_sym(c->prog, callee->sym);
    return s->kind == SYM_FUNC && s->index == index;
}

/* An int parameter or local of the function being examined. */
static bool cg_fp_int_var(CgFpScan *sc, NodeId n) {
    const Node *node = cg_fp_node(sc->c, n);
    if (node->kind != N_NAME || !node->sym) return false;
    const Symbol *s = prog_sym(sc->c->prog, node->sym);
    return (s->kind == SYM_LOCAL || s->kind == SYM_PARAM) && s->type == TYPE_INT &&
           s->func == sc->index;
}

static bool cg_fp_scan_expr(CgFpScan *sc, NodeId n, TypeId want) {
    Cg *c = sc->c;
    const Node *node = cg_fp_node(c, n);
    if (node->type != want) return false;
    switch ((NodeKind)node->kind) {
    case N_INT:
        return want == TYPE_INT;
    case N_NAME:
        return want == TYPE_INT && cg_fp_int_var(sc, n);
    case N_UNARY:
        if (node->op == TOK_MINUS && want == TYPE_INT)
            return cg_fp_scan_expr(sc, node->a, TYPE_INT);
        if (node->op == TOK_NOT && want == TYPE_BOOL)
            return cg_fp_scan_expr(sc, node->a, TYPE_BOOL);
        return false;
    case N_BINARY:
        if (node->op != TOK_PLUS && node->op != TOK_MINUS && node->op != TOK_STAR) return false;
        return want == TYPE_INT && cg_fp_scan_expr(sc, node->a, TYPE_INT) &&
               cg_fp_scan_expr(sc, node->b, TYPE_INT);
    case N_COMPARE:
        if (want != TYPE_BOOL || node->list.count == 0 || !cg_fp_scan_expr(sc, node->a, TYPE_INT))
            return false;
        for (uint32_t i = 0; i < node->list.count; i++) {
            uint32_t op = ast_cmp_op(c->ast, node, i);
            if (op != TOK_EQ && op != TOK_NE && op != TOK_LT && op != TOK_LE && op != TOK_GT &&
                op != TOK_GE)
                return false;
            if (!cg_fp_scan_expr(sc, ast_list_at(c->ast, node->list, i), TYPE_INT)) return false;
        }
        return true;
    case N_BOOLOP:
        if (node->op != TOK_AND && node->op != TOK_OR) return false;
        return want == TYPE_BOOL && cg_fp_scan_expr(sc, node->a, TYPE_BOOL) &&
               cg_fp_scan_expr(sc, node->b, TYPE_BOOL);
    case N_IFEXP:
        return (want == TYPE_INT || want == TYPE_BOOL) && cg_fp_scan_expr(sc, node->a, TYPE_BOOL) &&
               cg_fp_scan_expr(sc, node->b, want) && cg_fp_scan_expr(sc, node->c, want);
    case N_CALL:
        if (want != TYPE_INT || !cg_fp_is_self_call(c, sc->index, n) ||
            node->list.count != sc->nparams)
            return false;
        for (uint32_t i = 0; i < node->list.count; i++) {
            NodeId an = ast_list_at(c->ast, node->list, i);
            uint16_t k = cg_fp_node(c, an)->kind;
            if (k == N_KEYWORD || k == N_STARRED || !cg_fp_scan_expr(sc, an, TYPE_INT))
                return false;
        }
        sc->self_calls++;
        return true;
    default:
        return false;
    }
}

static bool cg_fp_scan_block(CgFpScan *sc, NodeList body);

static bool cg_fp_scan_stmt(CgFpScan *sc, NodeId n) {
    Cg *c = sc->c;
    const Node *node = cg_fp_node(c, n);
    switch ((NodeKind)node->kind) {
    case N_PASS:
        return true;
    case N_EXPR_STMT: {
        /* Only what the MIR lowering skips without emitting code (docstrings). */
        uint16_t k = cg_fp_node(c, node->a)->kind;
        return k == N_STR || k == N_INT || k == N_ELLIPSIS;
    }
    case N_RETURN:
        return node->a && cg_fp_scan_expr(sc, node->a, TYPE_INT);
    case N_IF:
        return cg_fp_scan_expr(sc, node->a, TYPE_BOOL) && cg_fp_scan_block(sc, node->list) &&
               cg_fp_scan_block(sc, node->list2);
    case N_ASSIGN:
        for (uint32_t i = 0; i < node->list.count; i++)
            if (!cg_fp_int_var(sc, ast_list_at(c->ast, node->list, i))) return false;
        return node->list.count > 0 && cg_fp_scan_expr(sc, node->a, TYPE_INT);
    case N_ANN_ASSIGN:
        return cg_fp_int_var(sc, node->a) && (!node->c || cg_fp_scan_expr(sc, node->c, TYPE_INT));
    case N_AUG_ASSIGN:
        if (node->op != TOK_PLUS && node->op != TOK_MINUS && node->op != TOK_STAR) return false;
        return cg_fp_int_var(sc, node->a) && cg_fp_scan_expr(sc, node->b, TYPE_INT);
    default:
        return false; /* loops, assert, raise, ... */
    }
}

static bool cg_fp_scan_block(CgFpScan *sc, NodeList body) {
    for (uint32_t i = 0; i < body.count; i++)
        if (!cg_fp_scan_stmt(sc, ast_list_at(sc->c->ast, body, i))) return false;
    return true;
}

/* Candidates must also call themselves: a function without a self-call has
 * no recursion for the fast path to flatten, only its checks to pay for. */
static bool cg_fp_is_candidate(Cg *c, uint32_t index) {
    const SemaFunc *f = &c->prog->funcs.items[index];
    if (f->is_async || !c->fn_val[index] || f->ret != TYPE_INT) return false;
    const Type *ft = type_get(f->type);
    if (ft->nargs != f->params.len) return false;
    for (uint32_t i = 0; i < ft->nargs; i++)
        if (ft->args[i] != TYPE_INT) return false;
    for (uint32_t i = 0; i < f->params.len; i++)
        if (prog_sym(c->prog, f->params.items[i])->type != TYPE_INT) return false;
    for (uint32_t i = 0; i < f->locals.len; i++)
        if (prog_sym(c->prog, f->locals.items[i])->type != TYPE_INT) return false;
    CgFpScan sc = {c, index, ft->nargs, 0};
    return cg_fp_scan_block(&sc, cg_fp_node(c, f->def)->list2) && sc.self_calls > 0;
}

/* ==== Planning ============================================================ */

void cg_fastpath_plan(Cg *c) {
    if (!c->opts->release || c->failed) return;
    const Program *p = c->prog;
    CgFastpath *fp = xcalloc(1, sizeof *fp);
    uint32_t n = p->funcs.len ? p->funcs.len : 1;
    fp->checked = xcalloc(n, sizeof *fp->checked);
    fp->fast = xcalloc(n, sizeof *fp->fast);
    c->fastpath = fp;
    StrBuf name = {0};
    for (uint32_t i = 0; i < p->funcs.len; i++) {
        if (!cg_fp_is_candidate(c, i)) continue;
        size_t len;
        const char *base = LLVMGetValueName2(c->fn_val[i], &len);

        name.len = 0;
        sb_printf(&name, "%.*s.checked", (int)len, base);
        LLVMValueRef checked = LLVMAddFunction(c->mod, name.data, c->fn_ty[i]);
        LLVMSetLinkage(checked, LLVMInternalLinkage);
        cg_fn_attrs(c, checked);

        name.len = 0;
        sb_printf(&name, "%.*s.fast", (int)len, base);
        LLVMValueRef fast = LLVMAddFunction(c->mod, name.data, c->fn_ty[i]);
        LLVMSetLinkage(fast, LLVMInternalLinkage);
        cg_fn_attrs(c, fast);

        fp->checked[i] = checked;
        fp->fast[i] = fast;
    }
    sb_free(&name);
}

LLVMValueRef cg_fastpath_checked(Cg *c, uint32_t index) {
    return c->fastpath ? c->fastpath->checked[index] : NULL;
}

void cg_fastpath_free(Cg *c) {
    CgFastpath *fp = c->fastpath;
    if (!fp) return;
    free(fp->checked);
    free(fp->fast);
    free(fp);
    c->fastpath = NULL;
}

/* ==== F.fast: expressions =================================================
 * The same operations in the same order as the MIR lowering (F.checked),
 * except that a failed check returns CG_FP_BAIL at once instead of panicking: an overflow, a
 * negative return-sum term, a sum above INT64_MAX, or a callee that bailed.
 * F.fast's result is negative exactly when a check failed inside it. */

static LLVMValueRef cg_fp_i64(Cg *c, int64_t v) {
    return LLVMConstInt(c->t_i64, (unsigned long long)v, true);
}

/* if (bad) return CG_FP_BAIL — marked unlikely; continues in a fresh block. */
static void cg_fp_bail_if(Cg *c, LLVMValueRef bad) {
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ok");
    LLVMValueRef br = LLVMBuildCondBr(c->b, bad, c->fastpath->bail_bb, ok);
    LLVMSetMetadata(br, c->md_prof, LLVMMetadataAsValue(c->ctx, c->md_unlikely));
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* if (v < 0) return v: any negative value reports a bail, and returning the
 * one at hand spares the hot path a constant. */
static void cg_fp_bail_if_negative(Cg *c, LLVMValueRef v) {
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "bail.v");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ok");
    LLVMValueRef br =
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, v, cg_fp_i64(c, 0), ""), out, ok);
    LLVMSetMetadata(br, c->md_prof, LLVMMetadataAsValue(c->ctx, c->md_unlikely));
    LLVMPositionBuilderAtEnd(c->b, out);
    LLVMBuildRet(c->b, v);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* l OP r through llvm.s{add,sub,mul}.with.overflow; overflow bails. */
static LLVMValueRef cg_fp_checked(Cg *c, const char *intrinsic, LLVMValueRef l, LLVMValueRef r) {
    unsigned id = LLVMLookupIntrinsicID(intrinsic, strlen(intrinsic));
    if (!id) ICE("unknown LLVM intrinsic %s", intrinsic);
    LLVMTypeRef ty = LLVMIntrinsicGetType(c->ctx, id, &c->t_i64, 1);
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &c->t_i64, 1);
    LLVMValueRef args[2] = {l, r};
    LLVMValueRef res = LLVMBuildCall2(c->b, ty, fn, args, 2, "");
    cg_fp_bail_if(c, LLVMBuildExtractValue(c->b, res, 1, ""));
    return LLVMBuildExtractValue(c->b, res, 0, "");
}

static LLVMValueRef cg_fp_expr(Cg *c, NodeId n);

/* The arguments of a self-call, evaluated left to right as lb_user_call lowers them. */
static LLVMValueRef *cg_fp_args(Cg *c, NodeId call) {
    const Node *node = cg_fp_node(c, call);
    LLVMValueRef *args = xmalloc(sizeof *args * (node->list.count + 1));
    for (uint32_t i = 0; i < node->list.count; i++)
        args[i] = cg_fp_expr(c, ast_list_at(c->ast, node->list, i));
    return args;
}

/* F.fast(args), unchecked: a valid result or CG_FP_BAIL. */
static LLVMValueRef cg_fp_self_call(Cg *c, NodeId n) {
    CgFastpath *fp = c->fastpath;
    LLVMValueRef *args = cg_fp_args(c, n);
    LLVMValueRef r = LLVMBuildCall2(c->b, c->fn_ty[fp->index], fp->fast[fp->index], args,
                                    cg_fp_node(c, n)->list.count, "");
    free(args);
    return r;
}

/* a < b < c: each operand once, stopping at the first false link (lb_compare). */
static LLVMValueRef cg_fp_compare(Cg *c, NodeId n) {
    const Node *node = cg_fp_node(c, n);
    uint32_t count = node->list.count;
    LLVMValueRef cur = cg_fp_expr(c, node->a);
    LLVMBasicBlockRef end =
        count > 1 ? LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "cmp.end") : NULL;
    LLVMValueRef *vals = xmalloc(sizeof *vals * count);
    LLVMBasicBlockRef *bbs = xmalloc(sizeof *bbs * count);
    LLVMValueRef result = NULL;
    for (uint32_t i = 0; i < count; i++) {
        LLVMValueRef next = cg_fp_expr(c, ast_list_at(c->ast, node->list, i));
        LLVMIntPredicate p;
        switch (ast_cmp_op(c->ast, node, i)) {
        case TOK_EQ:
            p = LLVMIntEQ;
            break;
        case TOK_NE:
            p = LLVMIntNE;
            break;
        case TOK_LT:
            p = LLVMIntSLT;
            break;
        case TOK_LE:
            p = LLVMIntSLE;
            break;
        case TOK_GT:
            p = LLVMIntSGT;
            break;
        case TOK_GE:
            p = LLVMIntSGE;
            break;
        default:
            ICE("fast path: comparison operator %u", ast_cmp_op(c->ast, node, i));
        }
        LLVMValueRef r = LLVMBuildICmp(c->b, p, cur, next, "");
        if (count == 1) {
            result = r;
            break;
        }
        vals[i] = i + 1 == count ? r : LLVMConstInt(c->t_i1, 0, false);
        bbs[i] = LLVMGetInsertBlock(c->b);
        if (i + 1 == count) {
            LLVMBuildBr(c->b, end);
            break;
        }
        LLVMBasicBlockRef more = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "cmp.next");
        LLVMBuildCondBr(c->b, r, more, end);
        LLVMPositionBuilderAtEnd(c->b, more);
        cur = next;
    }
    if (!result) {
        LLVMPositionBuilderAtEnd(c->b, end);
        result = LLVMBuildPhi(c->b, c->t_i1, "");
        LLVMAddIncoming(result, vals, bbs, count);
    }
    free(vals);
    free(bbs);
    return result;
}

static LLVMValueRef cg_fp_phi2(Cg *c, LLVMTypeRef t, LLVMValueRef v1, LLVMBasicBlockRef b1,
                               LLVMValueRef v2, LLVMBasicBlockRef b2) {
    LLVMValueRef phi = LLVMBuildPhi(c->b, t, "");
    LLVMValueRef vals[2] = {v1, v2};
    LLVMBasicBlockRef bbs[2] = {b1, b2};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

static LLVMValueRef cg_fp_expr(Cg *c, NodeId n) {
    const Node *node = cg_fp_node(c, n);
    switch ((NodeKind)node->kind) {
    case N_INT:
        return LLVMConstInt(c->t_i64, node->v.ival, false);
    case N_NAME: {
        LLVMValueRef slot = c->slots[node->sym];
        if (!slot) ICE("fast path: `%s` has no storage", str_text(node->name));
        return LLVMBuildLoad2(c->b, c->t_i64, slot, str_text(node->name));
    }
    case N_UNARY: {
        const Node *opnd = cg_fp_node(c, node->a);
        if (node->op == TOK_NOT)
            return LLVMBuildXor(c->b, cg_fp_expr(c, node->a), LLVMConstInt(c->t_i1, 1, false), "");
        /* Folded exactly as lb_unary does, so -9223372036854775808 works. */
        if (opnd->kind == N_INT) return LLVMConstInt(c->t_i64, 0 - opnd->v.ival, false);
        return cg_fp_checked(c, "llvm.ssub.with.overflow", cg_fp_i64(c, 0), cg_fp_expr(c, node->a));
    }
    case N_BINARY: {
        LLVMValueRef l = cg_fp_expr(c, node->a);
        LLVMValueRef r = cg_fp_expr(c, node->b);
        switch (node->op) {
        case TOK_PLUS:
            return cg_fp_checked(c, "llvm.sadd.with.overflow", l, r);
        case TOK_MINUS:
            return cg_fp_checked(c, "llvm.ssub.with.overflow", l, r);
        case TOK_STAR:
            return cg_fp_checked(c, "llvm.smul.with.overflow", l, r);
        default:
            ICE("fast path: binary operator %s", tok_kind_name((TokKind)node->op));
        }
    }
    case N_COMPARE:
        return cg_fp_compare(c, n);
    case N_BOOLOP: {
        bool is_and = node->op == TOK_AND;
        LLVMValueRef l = cg_fp_expr(c, node->a);
        LLVMBasicBlockRef lbb = LLVMGetInsertBlock(c->b);
        LLVMBasicBlockRef rhs = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "bool.rhs");
        LLVMBasicBlockRef end = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "bool.end");
        if (is_and)
            LLVMBuildCondBr(c->b, l, rhs, end);
        else
            LLVMBuildCondBr(c->b, l, end, rhs);
        LLVMPositionBuilderAtEnd(c->b, rhs);
        LLVMValueRef r = cg_fp_expr(c, node->b);
        LLVMBasicBlockRef rbb = LLVMGetInsertBlock(c->b);
        LLVMBuildBr(c->b, end);
        LLVMPositionBuilderAtEnd(c->b, end);
        return cg_fp_phi2(c, c->t_i1, LLVMConstInt(c->t_i1, is_and ? 0 : 1, false), lbb, r, rbb);
    }
    case N_IFEXP: {
        LLVMValueRef cond = cg_fp_expr(c, node->a);
        LLVMBasicBlockRef tb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ifx.then");
        LLVMBasicBlockRef eb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ifx.else");
        LLVMBasicBlockRef end = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ifx.end");
        LLVMBuildCondBr(c->b, cond, tb, eb);
        LLVMPositionBuilderAtEnd(c->b, tb);
        LLVMValueRef tv = cg_fp_expr(c, node->b);
        LLVMBasicBlockRef tend = LLVMGetInsertBlock(c->b);
        LLVMBuildBr(c->b, end);
        LLVMPositionBuilderAtEnd(c->b, eb);
        LLVMValueRef ev = cg_fp_expr(c, node->c);
        LLVMBasicBlockRef eend = LLVMGetInsertBlock(c->b);
        LLVMBuildBr(c->b, end);
        LLVMPositionBuilderAtEnd(c->b, end);
        return cg_fp_phi2(c, cg_type(c, node->type), tv, tend, ev, eend);
    }
    case N_CALL: {
        /* A self-call outside a return sum: a bail must not be used as a value. */
        LLVMValueRef r = cg_fp_self_call(c, n);
        cg_fp_bail_if_negative(c, r);
        return r;
    }
    default:
        ICE("fast path: unexpected expression node %s", node_kind_name((NodeKind)node->kind));
    }
}

/* ==== F.fast: statements ================================================== */

typedef VEC(NodeId) CgFpTerms;

/* The leaves of the `+` tree of a return value, left to right. */
static void cg_fp_terms(Cg *c, NodeId n, CgFpTerms *out) {
    const Node *node = cg_fp_node(c, n);
    if (node->kind == N_BINARY && node->op == TOK_PLUS) {
        cg_fp_terms(c, node->a, out);
        cg_fp_terms(c, node->b, out);
    } else {
        vec_push(out, n);
    }
}

/* acc += v for a return-sum term v: a self-call result (negative when the
 * callee bailed) or any other int term (negative: not allowed). With acc in
 * 0 ... INT64_MAX and v in 0 ... INT64_MAX the plain add cannot wrap past
 * zero, so it is negative exactly when the sum exceeds INT64_MAX. One sign
 * test of (acc + v) | v therefore covers all three failures, and the
 * negative value at hand is the bail result. */
static void cg_fp_accumulate(Cg *c, LLVMValueRef v) {
    LLVMValueRef acc = c->fastpath->acc;
    LLVMValueRef sum = LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, c->t_i64, acc, "acc"), v, "");
    cg_fp_bail_if_negative(c, LLVMBuildOr(c->b, sum, v, ""));
    LLVMBuildStore(c->b, sum, acc);
}

/* `return t1 + ... + tk`: the terms in source order, each added to the
 * accumulator. When tk is a self-call it is not made: its arguments go into
 * the parameters and control goes back to the top of the body, which is
 * where the call would have added its own terms to the same sum. */
static void cg_fp_return(Cg *c, NodeId n) {
    CgFastpath *fp = c->fastpath;
    const SemaFunc *f = &c->prog->funcs.items[fp->index];
    CgFpTerms terms = {0};
    cg_fp_terms(c, n, &terms);
    NodeId last = terms.items[terms.len - 1];
    bool tail = cg_fp_is_self_call(c, fp->index, last);
    for (uint32_t i = 0; i + (tail ? 1 : 0) < terms.len; i++) {
        NodeId t = terms.items[i];
        if (cg_fp_is_self_call(c, fp->index, t)) {
            cg_fp_accumulate(c, cg_fp_self_call(c, t));
        } else {
            LLVMValueRef x = cg_fp_expr(c, t);
            cg_fp_accumulate(c, x);
        }
    }
    vec_free(&terms);
    if (!tail) {
        LLVMBuildRet(c->b, LLVMBuildLoad2(c->b, c->t_i64, fp->acc, "acc"));
        return;
    }
    /* All arguments first: they may read the parameters they replace. */
    LLVMValueRef *args = cg_fp_args(c, last);
    for (uint32_t i = 0; i < f->params.len; i++)
        LLVMBuildStore(c->b, args[i], c->slots[f->params.items[i]]);
    free(args);
    LLVMBuildBr(c->b, fp->head);
}

static void cg_fp_block(Cg *c, NodeList body);

static void cg_fp_store(Cg *c, NodeId target, LLVMValueRef v) {
    LLVMBuildStore(c->b, v, c->slots[cg_fp_node(c, target)->sym]);
}

static void cg_fp_stmt(Cg *c, NodeId n) {
    const Node *node = cg_fp_node(c, n);
    switch ((NodeKind)node->kind) {
    case N_PASS:
    case N_EXPR_STMT:
        return;
    case N_RETURN:
        cg_fp_return(c, node->a);
        return;
    case N_IF: {
        LLVMValueRef cond = cg_fp_expr(c, node->a);
        LLVMBasicBlockRef then_bb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "if.then");
        LLVMBasicBlockRef end = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "if.end");
        LLVMBasicBlockRef else_bb =
            node->list2.count ? LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "if.else") : end;
        LLVMBuildCondBr(c->b, cond, then_bb, else_bb);
        LLVMPositionBuilderAtEnd(c->b, then_bb);
        cg_fp_block(c, node->list);
        if (!cg_terminated(c)) LLVMBuildBr(c->b, end);
        if (node->list2.count) {
            LLVMPositionBuilderAtEnd(c->b, else_bb);
            cg_fp_block(c, node->list2);
            if (!cg_terminated(c)) LLVMBuildBr(c->b, end);
        }
        LLVMMoveBasicBlockAfter(end, LLVMGetInsertBlock(c->b));
        LLVMPositionBuilderAtEnd(c->b, end);
        return;
    }
    case N_ASSIGN: {
        LLVMValueRef v = cg_fp_expr(c, node->a);
        for (uint32_t i = 0; i < node->list.count; i++)
            cg_fp_store(c, ast_list_at(c->ast, node->list, i), v);
        return;
    }
    case N_ANN_ASSIGN:
        if (node->c) cg_fp_store(c, node->a, cg_fp_expr(c, node->c));
        return;
    case N_AUG_ASSIGN: {
        /* Load, then evaluate the value, then combine: lb_aug_assign's order. */
        LLVMValueRef cur = cg_fp_expr(c, node->a);
        LLVMValueRef v = cg_fp_expr(c, node->b);
        const char *op = node->op == TOK_PLUS    ? "llvm.sadd.with.overflow"
                         : node->op == TOK_MINUS ? "llvm.ssub.with.overflow"
                                                 : "llvm.smul.with.overflow";
        cg_fp_store(c, node->a, cg_fp_checked(c, op, cur, v));
        return;
    }
    default:
        ICE("fast path: unexpected statement node %s", node_kind_name((NodeKind)node->kind));
    }
}

static void cg_fp_block(Cg *c, NodeList body) {
    for (uint32_t i = 0; i < body.count && !cg_terminated(c); i++)
        cg_fp_stmt(c, ast_list_at(c->ast, body, i));
}

/* ==== Definitions ========================================================= */

/* i64 F.fast(i64 params...): entry (slots, acc = 0) -> head (locals = 0, as
 * a fresh call would have them) -> the body, whose tail self-calls jump back
 * to head. */
static void cg_fp_define_fast(Cg *c, uint32_t index) {
    CgFastpath *fp = c->fastpath;
    const SemaFunc *f = &c->prog->funcs.items[index];
    LLVMValueRef fn = fp->fast[index];
    fp->index = index;
    c->fn = f;
    c->cur_fn = fn;
    c->entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMPositionBuilderAtEnd(c->alloca_b, c->entry);
    fp->bail_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "bail");
    LLVMPositionBuilderAtEnd(c->b, fp->bail_bb);
    LLVMBuildRet(c->b, cg_fp_i64(c, CG_FP_BAIL));
    fp->head = LLVMAppendBasicBlockInContext(c->ctx, fn, "head");
    LLVMPositionBuilderAtEnd(c->b, fp->head);

    fp->acc = cg_alloca(c, c->t_i64, "acc");
    LLVMBuildStore(c->alloca_b, cg_fp_i64(c, 0), fp->acc);
    for (uint32_t i = 0; i < f->params.len; i++) {
        SymId s = f->params.items[i];
        LLVMValueRef slot = cg_alloca(c, c->t_i64, str_text(prog_sym(c->prog, s)->name));
        LLVMBuildStore(c->alloca_b, LLVMGetParam(fn, i), slot);
        c->slots[s] = slot;
    }
    for (uint32_t i = 0; i < f->locals.len; i++) {
        SymId s = f->locals.items[i];
        LLVMValueRef slot = cg_alloca(c, c->t_i64, str_text(prog_sym(c->prog, s)->name));
        LLVMBuildStore(c->b, cg_fp_i64(c, 0), slot);
        c->slots[s] = slot;
    }
    cg_fp_block(c, cg_fp_node(c, f->def)->list2);
    /* Sema proved every path of an int function ends in a return. */
    if (!cg_terminated(c)) LLVMBuildUnreachable(c->b);
    LLVMBuildBr(c->alloca_b, fp->head);
    c->fn = NULL;
}

/* F(args): r = F.fast(args) stands when it is not negative; otherwise
 * F.checked(args) decides, returning the same value or panicking where the
 * original evaluation panics. */
static void cg_fp_define_entry(Cg *c, uint32_t index) {
    CgFastpath *fp = c->fastpath;
    LLVMValueRef fn = c->fn_val[index];
    unsigned nargs = LLVMCountParams(fn);
    c->cur_fn = fn;
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMBasicBlockRef fast_ok = LLVMAppendBasicBlockInContext(c->ctx, fn, "fast.ok");
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(c->ctx, fn, "slow");
    LLVMPositionBuilderAtEnd(c->b, bb);
    LLVMValueRef *args = xmalloc(sizeof *args * (nargs + 1));
    for (unsigned i = 0; i < nargs; i++) args[i] = LLVMGetParam(fn, i);
    LLVMValueRef r = LLVMBuildCall2(c->b, c->fn_ty[index], fp->fast[index], args, nargs, "");
    LLVMValueRef bad = LLVMBuildICmp(c->b, LLVMIntSLT, r, cg_fp_i64(c, 0), "");
    LLVMValueRef br = LLVMBuildCondBr(c->b, bad, slow, fast_ok);
    LLVMSetMetadata(br, c->md_prof, LLVMMetadataAsValue(c->ctx, c->md_unlikely));
    LLVMPositionBuilderAtEnd(c->b, fast_ok);
    LLVMBuildRet(c->b, r);
    LLVMPositionBuilderAtEnd(c->b, slow);
    LLVMBuildRet(c->b, LLVMBuildCall2(c->b, c->fn_ty[index], fp->checked[index], args, nargs, ""));
    free(args);
}

void cg_fastpath_define(Cg *c, uint32_t index) {
    if (!cg_fastpath_checked(c, index)) return;
    cg_fp_define_fast(c, index);
    cg_fp_define_entry(c, index);
}
