/* Expressions: literals, names, checked integer arithmetic, float and string
 * operations, comparisons (with chains), short-circuit boolean operators,
 * conditional expressions, calls to user functions and builtins, and
 * f-strings. Types come from sema (Node.type); nothing is re-derived here. */
#include <math.h>

#include "cg_internal.h"

static LLVMValueRef cg_builtin(Cg *c, NodeId n, BuiltinId bi, bool *fresh);

static const Node *cg_node(Cg *c, NodeId n) { return ast_node(c->ast, n); }

/* ==== Small helpers ======================================================= */

static LLVMValueRef cg_i64(Cg *c, int64_t v) { return LLVMConstInt(c->t_i64, (unsigned long long)v, true); }

void cg_drop_if(Cg *c, LLVMValueRef v, bool fresh) {
    if (fresh && v) cg_rt_call(c, RT_STR_DROP, &v, 1);
}

/* A private NUL-terminated C string (messages for rt_panic). */
LLVMValueRef cg_cstr(Cg *c, const char *s) {
    LLVMValueRef init = LLVMConstStringInContext2(c->ctx, s, strlen(s), false);
    LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), ".msg");
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

/* if (bad) rt_panic_overflow(&loc) — on a cold path. */
static void cg_overflow_check(Cg *c, LLVMValueRef bad, NodeId at) {
    LLVMBasicBlockRef ok = cg_cold_branch(c, bad, "overflow");
    LLVMValueRef loc = cg_loc(c, at);
    cg_rt_call(c, RT_PANIC_OVERFLOW, &loc, 1);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

static void cg_panic_check(Cg *c, LLVMValueRef bad, const char *msg, NodeId at) {
    LLVMBasicBlockRef ok = cg_cold_branch(c, bad, "panic");
    LLVMValueRef args[2] = {cg_cstr(c, msg), cg_loc(c, at)};
    cg_rt_call(c, RT_PANIC, args, 2);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

static LLVMValueRef cg_intrinsic_call(Cg *c, const char *name, LLVMTypeRef over, LLVMValueRef *args,
                                      unsigned n) {
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    if (!id) ICE("unknown LLVM intrinsic %s", name);
    LLVMTypeRef ty = LLVMIntrinsicGetType(c->ctx, id, &over, 1);
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &over, 1);
    return LLVMBuildCall2(c->b, ty, fn, args, n, "");
}

/* l OP r on i64 through llvm.s{add,sub,mul}.with.overflow, panicking on overflow. */
static LLVMValueRef cg_checked(Cg *c, const char *intrinsic, LLVMValueRef l, LLVMValueRef r, NodeId at) {
    LLVMValueRef args[2] = {l, r};
    LLVMValueRef res = cg_intrinsic_call(c, intrinsic, c->t_i64, args, 2);
    LLVMValueRef val = LLVMBuildExtractValue(c->b, res, 0, "");
    LLVMValueRef ov = LLVMBuildExtractValue(c->b, res, 1, "");
    cg_overflow_check(c, ov, at);
    return val;
}

LLVMValueRef cg_convert(Cg *c, LLVMValueRef v, TypeId from, TypeId to, NodeId at) {
    if (from == to || !v) return v;
    if (to == TYPE_FLOAT && from == TYPE_INT) return LLVMBuildSIToFP(c->b, v, c->t_f64, "");
    if (to == TYPE_FLOAT && from == TYPE_BOOL) return LLVMBuildUIToFP(c->b, v, c->t_f64, "");
    if (to == TYPE_INT && from == TYPE_BOOL) return LLVMBuildZExt(c->b, v, c->t_i64, "");
    ICE("codegen: cannot convert %s to %s (%s)", type_name(from), type_name(to),
        node_kind_name((NodeKind)cg_node(c, at)->kind));
}

LLVMValueRef cg_expr_as(Cg *c, NodeId n, TypeId dest, bool *fresh) {
    bool f = false;
    LLVMValueRef v = cg_expr(c, n, &f);
    if (fresh) *fresh = f;
    TypeId from = cg_node(c, n)->type;
    if (dest == TYPE_NONE || dest == TYPE_NEVER) return NULL;
    if (from == TYPE_NEVER || !v) {
        /* The value of a panic: control never gets here, any value will do. */
        return LLVMGetPoison(cg_type(c, dest));
    }
    return cg_convert(c, v, from, dest, n);
}

/* ==== Arithmetic ========================================================== */

static LLVMValueRef cg_rt_binop(Cg *c, CgRtFn f, LLVMValueRef l, LLVMValueRef r, NodeId at) {
    LLVMValueRef args[3] = {l, r, cg_loc(c, at)};
    return cg_rt_call(c, f, args, 3);
}

/* Python's << and >> within i64: a negative count panics, >> saturates to
 * 0 / -1, and << panics when a set bit (or the sign) would be lost. */
static LLVMValueRef cg_shift(Cg *c, bool left, LLVMValueRef l, LLVMValueRef r, NodeId at) {
    cg_panic_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, r, cg_i64(c, 0), ""), "negative shift count", at);
    LLVMValueRef big = LLVMBuildICmp(c->b, LLVMIntUGE, r, cg_i64(c, 64), "");
    LLVMValueRef amt = LLVMBuildSelect(c->b, big, cg_i64(c, 63), r, "");
    if (!left) return LLVMBuildAShr(c->b, l, amt, "");
    LLVMValueRef shl = LLVMBuildShl(c->b, l, amt, "");
    LLVMValueRef back = LLVMBuildAShr(c->b, shl, amt, "");
    LLVMValueRef lost = LLVMBuildICmp(c->b, LLVMIntNE, back, l, "");
    LLVMValueRef nonzero = LLVMBuildICmp(c->b, LLVMIntNE, l, cg_i64(c, 0), "");
    LLVMValueRef bad = LLVMBuildOr(c->b, lost, LLVMBuildAnd(c->b, big, nonzero, ""), "");
    cg_overflow_check(c, bad, at);
    return shl;
}

LLVMValueRef cg_binop(Cg *c, uint32_t op, TypeId rtype, LLVMValueRef l, TypeId lt, LLVMValueRef r,
                      TypeId rt, NodeId at) {
    if (rtype == TYPE_FLOAT) {
        l = cg_convert(c, l, lt, TYPE_FLOAT, at);
        r = cg_convert(c, r, rt, TYPE_FLOAT, at);
        switch (op) {
        case TOK_PLUS: return LLVMBuildFAdd(c->b, l, r, "");
        case TOK_MINUS: return LLVMBuildFSub(c->b, l, r, "");
        case TOK_STAR: return LLVMBuildFMul(c->b, l, r, "");
        case TOK_SLASH: return cg_rt_binop(c, RT_FLOAT_DIV, l, r, at);
        case TOK_DSLASH: return cg_rt_binop(c, RT_FLOAT_FLOORDIV, l, r, at);
        case TOK_PERCENT: return cg_rt_binop(c, RT_FLOAT_MOD, l, r, at);
        case TOK_DSTAR: {
            LLVMValueRef args[2] = {l, r};
            return cg_rt_call(c, RT_FLOAT_POW, args, 2);
        }
        default: break;
        }
    } else if (rtype == TYPE_INT) {
        l = cg_convert(c, l, lt, TYPE_INT, at);
        r = cg_convert(c, r, rt, TYPE_INT, at);
        switch (op) {
        case TOK_PLUS: return cg_checked(c, "llvm.sadd.with.overflow", l, r, at);
        case TOK_MINUS: return cg_checked(c, "llvm.ssub.with.overflow", l, r, at);
        case TOK_STAR: return cg_checked(c, "llvm.smul.with.overflow", l, r, at);
        case TOK_DSLASH: return cg_rt_binop(c, RT_INT_FLOORDIV, l, r, at);
        case TOK_PERCENT: return cg_rt_binop(c, RT_INT_MOD, l, r, at);
        case TOK_DSTAR: return cg_rt_binop(c, RT_INT_POW, l, r, at);
        case TOK_AMP: return LLVMBuildAnd(c->b, l, r, "");
        case TOK_PIPE: return LLVMBuildOr(c->b, l, r, "");
        case TOK_CARET: return LLVMBuildXor(c->b, l, r, "");
        case TOK_LSHIFT: return cg_shift(c, true, l, r, at);
        case TOK_RSHIFT: return cg_shift(c, false, l, r, at);
        default: break;
        }
    } else if (rtype == TYPE_BOOL && lt == TYPE_BOOL && rt == TYPE_BOOL) {
        switch (op) {
        case TOK_AMP: return LLVMBuildAnd(c->b, l, r, "");
        case TOK_PIPE: return LLVMBuildOr(c->b, l, r, "");
        case TOK_CARET: return LLVMBuildXor(c->b, l, r, "");
        default: break;
        }
    } else if ((rtype == TYPE_STR || rtype == TYPE_BYTES) && op == TOK_PLUS) {
        LLVMValueRef args[2] = {l, r};
        return cg_rt_call(c, RT_STR_CONCAT, args, 2);
    }
    ICE("codegen: binary operator %s on %s and %s giving %s", tok_kind_name((TokKind)op), type_name(lt),
        type_name(rt), type_name(rtype));
}

static LLVMValueRef cg_binary(Cg *c, NodeId n, bool *fresh) {
    const Node *node = cg_node(c, n);
    bool fl = false, fr = false;
    LLVMValueRef l = cg_expr(c, node->a, &fl);
    LLVMValueRef r = cg_expr(c, node->b, &fr);
    TypeId lt = cg_node(c, node->a)->type, rt = cg_node(c, node->b)->type;
    if (lt == TYPE_NEVER || rt == TYPE_NEVER) return LLVMGetPoison(cg_type(c, node->type));
    LLVMValueRef v = cg_binop(c, node->op, node->type, l, lt, r, rt, n);
    if (node->type == TYPE_STR || node->type == TYPE_BYTES) {
        cg_drop_if(c, l, fl);
        cg_drop_if(c, r, fr);
        *fresh = true;
    }
    return v;
}

static LLVMValueRef cg_unary(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    const Node *opnd = cg_node(c, node->a);
    if (node->op == TOK_MINUS && opnd->kind == N_INT && node->type == TYPE_INT) {
        /* Fold literals so that -9223372036854775808 is representable. */
        return LLVMConstInt(c->t_i64, 0 - opnd->v.ival, false);
    }
    LLVMValueRef v = cg_expr(c, node->a, NULL);
    if (opnd->type == TYPE_NEVER) return LLVMGetPoison(cg_type(c, node->type));
    switch (node->op) {
    case TOK_NOT: return LLVMBuildXor(c->b, v, LLVMConstInt(c->t_i1, 1, false), "");
    case TOK_PLUS: return cg_convert(c, v, opnd->type, node->type, n);
    case TOK_MINUS:
        v = cg_convert(c, v, opnd->type, node->type, n);
        if (node->type == TYPE_FLOAT) return LLVMBuildFNeg(c->b, v, "");
        if (node->type == TYPE_INT) return cg_checked(c, "llvm.ssub.with.overflow", cg_i64(c, 0), v, n);
        break;
    case TOK_TILDE:
        v = cg_convert(c, v, opnd->type, node->type, n);
        if (node->type == TYPE_INT) return LLVMBuildXor(c->b, v, cg_i64(c, -1), "");
        break;
    default: break;
    }
    ICE("codegen: unary operator %s on %s", tok_kind_name((TokKind)node->op), type_name(opnd->type));
}

/* ==== Comparisons ========================================================= */

/* One comparison `l OP r` as an i1. */
static LLVMValueRef cg_cmp(Cg *c, uint32_t op, LLVMValueRef l, TypeId lt, LLVMValueRef r, TypeId rt, NodeId at) {
    if (op == TOK_IN || op == CMP_NOT_IN) {
        cg_unsupported(c, at, "the `in` operator");
        return LLVMConstInt(c->t_i1, 0, false);
    }
    if (lt == TYPE_NONE || rt == TYPE_NONE) {
        /* None is only ever identical/equal to None: fold to a constant. */
        bool same = lt == TYPE_NONE && rt == TYPE_NONE;
        bool want_same = op == TOK_IS || op == TOK_EQ || op == TOK_LE || op == TOK_GE;
        if (op != TOK_IS && op != CMP_IS_NOT && op != TOK_EQ && op != TOK_NE) {
            cg_unsupported(c, at, "ordering comparison with None");
        }
        return LLVMConstInt(c->t_i1, same == want_same, false);
    }
    if (op == TOK_IS || op == CMP_IS_NOT) {
        cg_unsupported(c, at, "`is` between values that are not None");
        return LLVMConstInt(c->t_i1, 0, false);
    }
    if (type_is_numeric(lt) || type_is_numeric(rt)) {
        if (lt == TYPE_FLOAT || rt == TYPE_FLOAT) {
            l = cg_convert(c, l, lt, TYPE_FLOAT, at);
            r = cg_convert(c, r, rt, TYPE_FLOAT, at);
            LLVMRealPredicate p;
            switch (op) {
            case TOK_EQ: p = LLVMRealOEQ; break;
            case TOK_NE: p = LLVMRealUNE; break;
            case TOK_LT: p = LLVMRealOLT; break;
            case TOK_LE: p = LLVMRealOLE; break;
            case TOK_GT: p = LLVMRealOGT; break;
            case TOK_GE: p = LLVMRealOGE; break;
            default: ICE("codegen: comparison %s on floats", tok_kind_name((TokKind)op));
            }
            return LLVMBuildFCmp(c->b, p, l, r, "");
        }
        l = cg_convert(c, l, lt, TYPE_INT, at);
        r = cg_convert(c, r, rt, TYPE_INT, at);
        lt = rt = TYPE_INT;
    }
    if (lt == TYPE_INT || lt == TYPE_BOOL) {
        if (lt != rt) ICE("codegen: comparison of %s with %s", type_name(lt), type_name(rt));
        bool sgn = lt == TYPE_INT; /* False < True compares unsigned on i1 */
        LLVMIntPredicate p;
        switch (op) {
        case TOK_EQ: p = LLVMIntEQ; break;
        case TOK_NE: p = LLVMIntNE; break;
        case TOK_LT: p = sgn ? LLVMIntSLT : LLVMIntULT; break;
        case TOK_LE: p = sgn ? LLVMIntSLE : LLVMIntULE; break;
        case TOK_GT: p = sgn ? LLVMIntSGT : LLVMIntUGT; break;
        case TOK_GE: p = sgn ? LLVMIntSGE : LLVMIntUGE; break;
        default: ICE("codegen: comparison %s on %s", tok_kind_name((TokKind)op), type_name(lt));
        }
        return LLVMBuildICmp(c->b, p, l, r, "");
    }
    if ((lt == TYPE_STR || lt == TYPE_BYTES) && lt == rt) {
        LLVMValueRef args[2] = {l, r};
        if (op == TOK_EQ || op == TOK_NE) {
            LLVMValueRef eq = cg_rt_call(c, RT_STR_EQ, args, 2);
            return op == TOK_EQ ? eq : LLVMBuildXor(c->b, eq, LLVMConstInt(c->t_i1, 1, false), "");
        }
        LLVMValueRef cmp = cg_rt_call(c, RT_STR_CMP, args, 2);
        LLVMIntPredicate p;
        switch (op) {
        case TOK_LT: p = LLVMIntSLT; break;
        case TOK_LE: p = LLVMIntSLE; break;
        case TOK_GT: p = LLVMIntSGT; break;
        case TOK_GE: p = LLVMIntSGE; break;
        default: ICE("codegen: comparison %s on strings", tok_kind_name((TokKind)op));
        }
        return LLVMBuildICmp(c->b, p, cmp, cg_i64(c, 0), "");
    }
    ICE("codegen: comparison %s of %s with %s", tok_kind_name((TokKind)op), type_name(lt), type_name(rt));
}

/* a < b < c: each operand evaluated once, stopping at the first false link. */
static LLVMValueRef cg_compare(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    uint32_t count = node->list.count;
    if (count == 0) ICE("N_COMPARE without operands");
    bool cur_fresh = false;
    LLVMValueRef cur = cg_expr(c, node->a, &cur_fresh);
    TypeId cur_t = cg_node(c, node->a)->type;
    LLVMBasicBlockRef end = NULL;
    LLVMValueRef *phi_vals = xmalloc(sizeof *phi_vals * count);
    LLVMBasicBlockRef *phi_bbs = xmalloc(sizeof *phi_bbs * count);
    uint32_t nphi = 0;
    if (count > 1) end = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "cmp.end");
    for (uint32_t i = 0; i < count; i++) {
        NodeId rn = ast_list_at(c->ast, node->list, i);
        bool next_fresh = false;
        LLVMValueRef next = cg_expr(c, rn, &next_fresh);
        TypeId next_t = cg_node(c, rn)->type;
        LLVMValueRef r;
        if (cur_t == TYPE_NEVER || next_t == TYPE_NEVER) r = LLVMGetPoison(c->t_i1);
        else r = cg_cmp(c, ast_cmp_op(c->ast, node, i), cur, cur_t, next, next_t, n);
        cg_drop_if(c, cur, cur_fresh);
        if (count == 1) {
            cg_drop_if(c, next, next_fresh);
            free(phi_vals);
            free(phi_bbs);
            return r;
        }
        if (i + 1 == count) {
            cg_drop_if(c, next, next_fresh);
            LLVMBuildBr(c->b, end);
            phi_vals[nphi] = r;
            phi_bbs[nphi++] = LLVMGetInsertBlock(c->b);
            break;
        }
        LLVMBasicBlockRef more = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "cmp.next");
        LLVMBasicBlockRef stop = end;
        if (next_fresh) stop = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "cmp.drop");
        LLVMBuildCondBr(c->b, r, more, stop);
        if (next_fresh) {
            LLVMPositionBuilderAtEnd(c->b, stop);
            cg_drop_if(c, next, true);
            LLVMBuildBr(c->b, end);
        }
        phi_vals[nphi] = LLVMConstInt(c->t_i1, 0, false);
        phi_bbs[nphi++] = LLVMGetInsertBlock(c->b);
        LLVMPositionBuilderAtEnd(c->b, more);
        cur = next;
        cur_t = next_t;
        cur_fresh = next_fresh;
    }
    LLVMPositionBuilderAtEnd(c->b, end);
    LLVMValueRef phi = LLVMBuildPhi(c->b, c->t_i1, "");
    LLVMAddIncoming(phi, phi_vals, phi_bbs, nphi);
    free(phi_vals);
    free(phi_bbs);
    return phi;
}

/* ==== and / or / conditional expressions ================================== */

static LLVMValueRef cg_boolop(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    bool is_and = node->op == TOK_AND;
    if (!is_and && node->op != TOK_OR) ICE("N_BOOLOP with operator %s", tok_kind_name((TokKind)node->op));
    LLVMValueRef l = cg_expr_as(c, node->a, TYPE_BOOL, NULL);
    LLVMBasicBlockRef lbb = LLVMGetInsertBlock(c->b);
    LLVMBasicBlockRef rhs = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, is_and ? "and.rhs" : "or.rhs");
    LLVMBasicBlockRef end = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, is_and ? "and.end" : "or.end");
    if (is_and) LLVMBuildCondBr(c->b, l, rhs, end);
    else LLVMBuildCondBr(c->b, l, end, rhs);
    LLVMPositionBuilderAtEnd(c->b, rhs);
    LLVMValueRef r = cg_expr_as(c, node->b, TYPE_BOOL, NULL);
    LLVMBasicBlockRef rbb = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, end);
    LLVMPositionBuilderAtEnd(c->b, end);
    LLVMValueRef phi = LLVMBuildPhi(c->b, c->t_i1, "");
    LLVMValueRef vals[2] = {LLVMConstInt(c->t_i1, is_and ? 0 : 1, false), r};
    LLVMBasicBlockRef bbs[2] = {lbb, rbb};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

static LLVMValueRef cg_ifexp(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    LLVMValueRef cond = cg_expr_as(c, node->a, TYPE_BOOL, NULL);
    LLVMBasicBlockRef tb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ifx.then");
    LLVMBasicBlockRef eb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ifx.else");
    LLVMBasicBlockRef end = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, "ifx.end");
    LLVMBuildCondBr(c->b, cond, tb, eb);
    /* Strings from either arm are not marked fresh: leaking is safe. */
    LLVMPositionBuilderAtEnd(c->b, tb);
    LLVMValueRef tv = cg_expr_as(c, node->b, node->type, NULL);
    LLVMBasicBlockRef tend = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, end);
    LLVMPositionBuilderAtEnd(c->b, eb);
    LLVMValueRef ev = cg_expr_as(c, node->c, node->type, NULL);
    LLVMBasicBlockRef eend = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, end);
    LLVMPositionBuilderAtEnd(c->b, end);
    if (node->type == TYPE_NONE || node->type == TYPE_NEVER) return NULL;
    LLVMValueRef phi = LLVMBuildPhi(c->b, cg_type(c, node->type), "");
    LLVMValueRef vals[2] = {tv, ev};
    LLVMBasicBlockRef bbs[2] = {tend, eend};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

/* ==== Strings ============================================================= */

/* Python's literal form of a bytes value: b'..' (b".." when it holds a ' but
 * no "), with \\, \t, \n, \r and \xhh escapes. */
static StrId cg_bytes_repr(StrId s) {
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
    StrId id = intern(sb.data, sb.len);
    sb_free(&sb);
    return id;
}

/* str(x) (or repr(x)) of an already evaluated scalar. */
static LLVMValueRef cg_stringify_value(Cg *c, LLVMValueRef v, TypeId t, bool v_fresh, bool repr, NodeId at,
                                       bool *fresh) {
    *fresh = true;
    switch (t) {
    case TYPE_INT: return cg_rt_call(c, RT_STR_FROM_INT, &v, 1);
    case TYPE_FLOAT: return cg_rt_call(c, RT_STR_FROM_FLOAT, &v, 1);
    case TYPE_BOOL: return cg_rt_call(c, RT_STR_FROM_BOOL, &v, 1);
    case TYPE_NONE: return cg_rt_call(c, RT_STR_NONE, NULL, 0);
    case TYPE_STR:
        if (!repr) {
            *fresh = v_fresh;
            return v;
        } else {
            LLVMValueRef r = cg_rt_call(c, RT_STR_REPR, &v, 1);
            cg_drop_if(c, v, v_fresh);
            return r;
        }
    case TYPE_NEVER: *fresh = false; return LLVMGetPoison(c->t_ptr);
    case TYPE_BYTES:
        *fresh = false;
        cg_unsupported(c, at, "converting a bytes value to str (other than a literal)");
        return LLVMGetPoison(c->t_ptr);
    default: ICE("codegen: str() of %s", type_name(t));
    }
}

/* Evaluate `n` and turn it into its str()/repr() text. */
LLVMValueRef cg_stringify(Cg *c, NodeId n, bool repr, bool *fresh) {
    const Node *node = cg_node(c, n);
    if (node->kind == N_BYTES) {
        *fresh = false; /* a literal's text is known now: make it a constant */
        return cg_str_literal(c, cg_bytes_repr(node->v.str));
    }
    bool vf = false;
    LLVMValueRef v = cg_expr(c, n, &vf);
    return cg_stringify_value(c, v, node->type, vf, repr, n, fresh);
}

/* The text `expr=` (with the spaces the programmer wrote) that precedes the
 * value of a self-documenting field {expr=}. */
static StrId cg_debug_prefix(Cg *c, const Node *field) {
    SourceFile *sf = source_get(field->span.file);
    if (!sf) ICE("f-string field without a source file");
    uint32_t lo = field->span.lo, hi = field->span.hi;
    while (hi < sf->len && sf->text[hi] != '=') hi++;
    if (hi < sf->len) hi++;
    while (hi < sf->len && sf->text[hi] == ' ') hi++;
    return intern(sf->text + lo, hi - lo);
}

/* One replacement field of an f-string, as a string. */
static LLVMValueRef cg_fmt_field(Cg *c, NodeId fn, bool *fresh) {
    const Node *f = cg_node(c, fn);
    char conv = (char)f->op;
    if (conv == 'a') {
        cg_unsupported(c, fn, "the `!a` conversion");
        *fresh = false;
        return LLVMGetPoison(c->t_ptr);
    }
    /* {x=} shows repr(x) unless a conversion or a spec says otherwise. */
    if (f->alias && !conv && !f->b) conv = 'r';
    if (!f->b) return cg_stringify(c, f->a, conv == 'r', fresh);

    TypeId t = cg_node(c, f->a)->type;
    LLVMValueRef v;
    bool vf = false;
    if (conv == 'r' || conv == 's' || t == TYPE_NONE || cg_node(c, f->a)->kind == N_BYTES) {
        v = cg_stringify(c, f->a, conv == 'r', &vf);
        t = TYPE_STR;
    } else {
        v = cg_expr(c, f->a, &vf);
    }
    bool sf = false;
    LLVMValueRef spec = cg_expr(c, f->b, &sf);
    LLVMValueRef args[3] = {v, spec, cg_loc(c, fn)};
    LLVMValueRef r;
    switch (t) {
    case TYPE_INT: r = cg_rt_call(c, RT_FMT_INT, args, 3); break;
    case TYPE_FLOAT: r = cg_rt_call(c, RT_FMT_FLOAT, args, 3); break;
    case TYPE_BOOL: r = cg_rt_call(c, RT_FMT_BOOL, args, 3); break;
    case TYPE_STR: r = cg_rt_call(c, RT_FMT_STR, args, 3); break;
    case TYPE_BYTES:
        cg_unsupported(c, fn, "formatting a bytes value");
        r = LLVMGetPoison(c->t_ptr);
        break;
    default: ICE("codegen: f-string field of type %s", type_name(t));
    }
    cg_drop_if(c, v, vf && t == TYPE_STR);
    cg_drop_if(c, spec, sf);
    *fresh = true;
    return r;
}

/* f"..": every part as a string, joined by the runtime, then the temporary
 * parts are dropped. */
static LLVMValueRef cg_fstring(Cg *c, NodeId n, bool *fresh) {
    const Node *node = cg_node(c, n);
    uint32_t count = node->list.count;
    if (count == 0) return cg_str_literal(c, 0);
    /* A self-documenting field {x=} adds its `x=` text: at most 2 per part. */
    LLVMValueRef *vals = xmalloc(sizeof *vals * count * 2);
    bool *fr = xcalloc(count * 2, sizeof *fr);
    uint32_t nvals = 0;
    for (uint32_t i = 0; i < count; i++) {
        NodeId p = ast_list_at(c->ast, node->list, i);
        const Node *pn = cg_node(c, p);
        if (pn->kind == N_STR) {
            vals[nvals] = cg_str_literal(c, pn->v.str);
            fr[nvals++] = false;
        } else if (pn->kind == N_FMT_FIELD) {
            if (pn->alias) {
                vals[nvals] = cg_str_literal(c, cg_debug_prefix(c, pn));
                fr[nvals++] = false;
            }
            LLVMValueRef v = cg_fmt_field(c, p, &fr[nvals]);
            vals[nvals++] = v;
        } else {
            ICE("codegen: f-string part %s", node_kind_name((NodeKind)pn->kind));
        }
    }
    LLVMTypeRef arr_t = LLVMArrayType2(c->t_ptr, nvals);
    LLVMValueRef arr = cg_alloca(c, arr_t, "fparts");
    for (uint32_t i = 0; i < nvals; i++) {
        LLVMValueRef idx[2] = {cg_i64(c, 0), cg_i64(c, i)};
        LLVMValueRef slot = LLVMBuildInBoundsGEP2(c->b, arr_t, arr, idx, 2, "");
        LLVMBuildStore(c->b, vals[i], slot);
    }
    LLVMValueRef args[2] = {cg_i64(c, nvals), arr};
    LLVMValueRef r = cg_rt_call(c, RT_STR_JOIN_PARTS, args, 2);
    for (uint32_t i = 0; i < nvals; i++) cg_drop_if(c, vals[i], fr[i]);
    free(vals);
    free(fr);
    *fresh = true;
    return r;
}

/* ==== Names and calls ===================================================== */

static LLVMValueRef cg_name(Cg *c, NodeId n, bool *fresh) {
    const Node *node = cg_node(c, n);
    if (!node->sym) ICE("codegen: unresolved name `%s`", str_text(node->name));
    const Symbol *s = prog_sym(c->prog, node->sym);
    switch (s->kind) {
    case SYM_LOCAL:
    case SYM_PARAM: {
        if (s->type == TYPE_NONE) return NULL;
        LLVMValueRef slot = c->slots[node->sym];
        if (!slot) ICE("codegen: `%s` has no storage in this function", str_text(s->name));
        return LLVMBuildLoad2(c->b, cg_type(c, s->type), slot, str_text(s->name));
    }
    case SYM_CONST: {
        /* Module constants are re-evaluated where used (they are literals or
         * simple expressions of them in this milestone). */
        const Node *d = cg_node(c, s->decl);
        NodeId init = 0;
        if (d->kind == N_ANN_ASSIGN) init = d->c;
        else if (d->kind == N_ASSIGN) init = d->a;
        if (!init) {
            cg_unsupported(c, n, "this kind of module constant");
            return s->type == TYPE_NONE ? NULL : LLVMGetPoison(cg_type(c, s->type));
        }
        return cg_expr_as(c, init, s->type, fresh);
    }
    default:
        ICE("codegen: name `%s` of symbol kind %d used as a value", str_text(s->name), (int)s->kind);
    }
}

static LLVMValueRef cg_call(Cg *c, NodeId n, bool *fresh) {
    const Node *node = cg_node(c, n);
    const Node *callee = cg_node(c, node->a);
    if (callee->kind != N_NAME || !callee->sym) ICE("codegen: call of a %s", node_kind_name((NodeKind)callee->kind));
    const Symbol *s = prog_sym(c->prog, callee->sym);
    if (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) return cg_builtin(c, n, (BuiltinId)s->index, fresh);
    if (s->kind != SYM_FUNC) ICE("codegen: call of `%s` (symbol kind %d)", str_text(s->name), (int)s->kind);
    if (s->index >= c->prog->funcs.len) ICE("codegen: function index out of range");
    const SemaFunc *f = &c->prog->funcs.items[s->index];
    const Type *ft = type_get(f->type);
    NodeList params = cg_node(c, f->def)->list;
    uint32_t nparams = ft->nargs;
    if (params.count != nparams) ICE("codegen: `%s` has %u parameter nodes for %u types", str_text(s->name),
                                     params.count, nparams);
    /* Arguments are evaluated in source order (positional, then keywords
     * matched by name); parameters left over take their default values,
     * evaluated at the call (sema only allows constant defaults). Argument
     * strings are not dropped: the callee may keep them. */
    LLVMValueRef *args = xcalloc(nparams + 1, sizeof *args);
    uint32_t next_pos = 0;
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId an = ast_list_at(c->ast, node->list, i);
        const Node *a = cg_node(c, an);
        uint32_t slot = nparams;
        NodeId value = an;
        if (a->kind == N_KEYWORD && a->name) {
            for (uint32_t k = 0; k < nparams; k++)
                if (cg_node(c, ast_list_at(c->ast, params, k))->name == a->name) slot = k;
            value = a->a;
        } else if (a->kind == N_STARRED || a->kind == N_KEYWORD) {
            cg_unsupported(c, an, "starred arguments");
            continue;
        } else {
            slot = next_pos++;
        }
        if (slot >= nparams || args[slot])
            ICE("codegen: argument %u of the call of `%s` matches no free parameter", i, str_text(s->name));
        args[slot] = cg_expr_as(c, value, ft->args[slot], NULL);
    }
    for (uint32_t k = 0; k < nparams; k++) {
        if (args[k]) continue;
        NodeId def = cg_node(c, ast_list_at(c->ast, params, k))->b;
        if (!def) {
            if (c->failed) { /* a diagnosed argument left the hole */
                args[k] = LLVMGetPoison(cg_type(c, ft->args[k]));
                continue;
            }
            ICE("codegen: call of `%s` misses argument %u", str_text(s->name), k);
        }
        args[k] = cg_expr_as(c, def, ft->args[k], NULL);
    }
    LLVMValueRef r = NULL;
    if (c->fn_val[s->index]) {
        r = LLVMBuildCall2(c->b, c->fn_ty[s->index], c->fn_val[s->index], args, nparams, "");
    }
    free(args);
    if (f->ret == TYPE_NONE || f->ret == TYPE_NEVER) return NULL;
    return r ? r : LLVMGetPoison(cg_type(c, f->ret));
}

/* The load of RtStr.len (bytes), at offset 0 of every string. */
static LLVMValueRef cg_str_byte_len(Cg *c, LLVMValueRef s) { return LLVMBuildLoad2(c->b, c->t_i64, s, "len"); }

static void cg_print(Cg *c, NodeId n) {
    const Node *node = cg_node(c, n);
    uint32_t count = node->list.count;
    NodeId sep = 0, end = 0;
    /* Python evaluates every argument before printing anything. */
    LLVMValueRef *vals = xmalloc(sizeof *vals * (count + 1));
    bool *fr = xcalloc(count + 1, sizeof *fr);
    TypeId *types = xmalloc(sizeof *types * (count + 1));
    uint32_t nv = 0;
    for (uint32_t i = 0; i < count; i++) {
        NodeId an = ast_list_at(c->ast, node->list, i);
        const Node *a = cg_node(c, an);
        if (a->kind == N_KEYWORD) {
            if (a->name == intern_cstr("sep")) sep = a->a;
            else if (a->name == intern_cstr("end")) end = a->a;
            else cg_unsupported(c, an, "this keyword argument of print()");
            continue;
        }
        if (a->kind == N_STARRED) {
            cg_unsupported(c, an, "starred arguments");
            continue;
        }
        if (a->type == TYPE_BYTES) {
            vals[nv] = cg_stringify(c, an, false, &fr[nv]);
            types[nv++] = TYPE_STR;
        } else {
            vals[nv] = cg_expr(c, an, &fr[nv]);
            types[nv++] = a->type;
        }
    }
    bool sep_fresh = false, end_fresh = false;
    LLVMValueRef sepv = sep ? cg_expr_as(c, sep, TYPE_STR, &sep_fresh) : NULL;
    LLVMValueRef endv = end ? cg_expr_as(c, end, TYPE_STR, &end_fresh) : NULL;
    for (uint32_t i = 0; i < nv; i++) {
        if (i > 0) {
            if (sepv) cg_rt_call(c, RT_PRINT_STR, &sepv, 1);
            else cg_rt_call(c, RT_PRINT_SPACE, NULL, 0);
        }
        LLVMValueRef v = vals[i];
        switch (types[i]) {
        case TYPE_INT: cg_rt_call(c, RT_PRINT_INT, &v, 1); break;
        case TYPE_FLOAT: cg_rt_call(c, RT_PRINT_FLOAT, &v, 1); break;
        case TYPE_BOOL: cg_rt_call(c, RT_PRINT_BOOL, &v, 1); break;
        case TYPE_STR: cg_rt_call(c, RT_PRINT_STR, &v, 1); break;
        case TYPE_NONE: cg_rt_call(c, RT_PRINT_NONE, NULL, 0); break;
        case TYPE_NEVER: break;
        default: ICE("codegen: print() of %s", type_name(types[i]));
        }
        cg_drop_if(c, v, fr[i]);
    }
    if (endv) cg_rt_call(c, RT_PRINT_STR, &endv, 1);
    else cg_rt_call(c, RT_PRINT_NEWLINE, NULL, 0);
    cg_drop_if(c, sepv, sep_fresh);
    cg_drop_if(c, endv, end_fresh);
    free(vals);
    free(fr);
    free(types);
}

/* min/max as Python does it: keep the first, replace it when a later value
 * is strictly smaller (min) or larger (max). */
static LLVMValueRef cg_minmax(Cg *c, NodeId n, bool is_max) {
    const Node *node = cg_node(c, n);
    TypeId t = node->type;
    if (node->list.count == 0 || (t != TYPE_INT && t != TYPE_FLOAT)) {
        cg_unsupported(c, n, is_max ? "this form of max()" : "this form of min()");
        return LLVMGetPoison(cg_type(c, t == TYPE_FLOAT ? TYPE_FLOAT : TYPE_INT));
    }
    LLVMValueRef cur = cg_expr_as(c, ast_list_at(c->ast, node->list, 0), t, NULL);
    for (uint32_t i = 1; i < node->list.count; i++) {
        LLVMValueRef v = cg_expr_as(c, ast_list_at(c->ast, node->list, i), t, NULL);
        LLVMValueRef better = t == TYPE_INT
                                  ? LLVMBuildICmp(c->b, is_max ? LLVMIntSGT : LLVMIntSLT, v, cur, "")
                                  : LLVMBuildFCmp(c->b, is_max ? LLVMRealOGT : LLVMRealOLT, v, cur, "");
        cur = LLVMBuildSelect(c->b, better, v, cur, "");
    }
    return cur;
}

static LLVMValueRef cg_builtin(Cg *c, NodeId n, BuiltinId bi, bool *fresh) {
    const Node *node = cg_node(c, n);
    uint32_t argc = node->list.count;
    NodeId a0 = argc ? ast_list_at(c->ast, node->list, 0) : 0;
    TypeId t0 = a0 ? cg_node(c, a0)->type : TYPE_NONE;
    if (bi != BI_PRINT) {
        for (uint32_t i = 0; i < argc; i++) {
            NodeId an = ast_list_at(c->ast, node->list, i);
            if (cg_node(c, an)->kind == N_KEYWORD || cg_node(c, an)->kind == N_STARRED) {
                cg_unsupported(c, an, "keyword or starred arguments to builtins");
                return node->type == TYPE_NONE || node->type == TYPE_NEVER ? NULL
                                                                           : LLVMGetPoison(cg_type(c, node->type));
            }
        }
    }
    switch (bi) {
    case BI_PRINT: cg_print(c, n); return NULL;
    case BI_STR:
        if (!a0) return cg_str_literal(c, 0);
        return cg_stringify(c, a0, false, fresh);
    case BI_REPR:
        if (!a0) ICE("repr() without an argument");
        return cg_stringify(c, a0, true, fresh);
    case BI_INT: {
        if (!a0) return cg_i64(c, 0);
        if (t0 == TYPE_FLOAT) {
            LLVMValueRef args[2] = {cg_expr(c, a0, NULL), cg_loc(c, n)};
            return cg_rt_call(c, RT_FLOAT_TO_INT, args, 2);
        }
        if (t0 == TYPE_INT || t0 == TYPE_BOOL) return cg_expr_as(c, a0, TYPE_INT, NULL);
        cg_unsupported(c, n, "int() of this type");
        return LLVMGetPoison(c->t_i64);
    }
    case BI_FLOAT:
        if (!a0) return LLVMConstReal(c->t_f64, 0.0);
        if (t0 == TYPE_FLOAT || t0 == TYPE_INT || t0 == TYPE_BOOL) return cg_expr_as(c, a0, TYPE_FLOAT, NULL);
        cg_unsupported(c, n, "float() of this type");
        return LLVMGetPoison(c->t_f64);
    case BI_BOOL: {
        if (!a0) return LLVMConstInt(c->t_i1, 0, false);
        bool vf = false;
        LLVMValueRef v = cg_expr(c, a0, &vf);
        switch (t0) {
        case TYPE_BOOL: return v;
        case TYPE_INT: return LLVMBuildICmp(c->b, LLVMIntNE, v, cg_i64(c, 0), "");
        case TYPE_FLOAT: return LLVMBuildFCmp(c->b, LLVMRealUNE, v, LLVMConstReal(c->t_f64, 0.0), "");
        case TYPE_NONE: return LLVMConstInt(c->t_i1, 0, false);
        case TYPE_STR:
        case TYPE_BYTES: {
            LLVMValueRef r = LLVMBuildICmp(c->b, LLVMIntNE, cg_str_byte_len(c, v), cg_i64(c, 0), "");
            cg_drop_if(c, v, vf);
            return r;
        }
        default: cg_unsupported(c, n, "bool() of this type"); return LLVMGetPoison(c->t_i1);
        }
    }
    case BI_LEN: {
        if (!a0) ICE("len() without an argument");
        bool vf = false;
        LLVMValueRef v = cg_expr(c, a0, &vf);
        LLVMValueRef r;
        if (t0 == TYPE_STR) r = cg_rt_call(c, RT_STR_LEN, &v, 1);
        else if (t0 == TYPE_BYTES) r = cg_str_byte_len(c, v);
        else {
            cg_unsupported(c, n, "len() of this type");
            return LLVMGetPoison(c->t_i64);
        }
        cg_drop_if(c, v, vf);
        return r;
    }
    case BI_ABS: {
        if (!a0) ICE("abs() without an argument");
        if (node->type == TYPE_FLOAT) {
            LLVMValueRef v = cg_expr_as(c, a0, TYPE_FLOAT, NULL);
            return cg_intrinsic_call(c, "llvm.fabs", c->t_f64, &v, 1);
        }
        if (node->type != TYPE_INT) ICE("abs() of type %s", type_name(node->type));
        LLVMValueRef v = cg_expr_as(c, a0, TYPE_INT, NULL);
        cg_overflow_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, v, cg_i64(c, INT64_MIN), ""), n);
        LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, v, cg_i64(c, 0), "");
        return LLVMBuildSelect(c->b, neg, LLVMBuildNSWSub(c->b, cg_i64(c, 0), v, ""), v, "");
    }
    case BI_MIN: return cg_minmax(c, n, false);
    case BI_MAX: return cg_minmax(c, n, true);
    case BI_PANIC: {
        LLVMValueRef msg = a0 ? cg_expr_as(c, a0, TYPE_STR, NULL) : cg_str_literal(c, 0);
        LLVMValueRef args[2] = {msg, cg_loc(c, n)};
        cg_rt_call(c, RT_PANIC_STR, args, 2);
        cg_continue_dead(c);
        return NULL;
    }
    case BI_RANGE:
        cg_unsupported(c, n, "range() outside of a `for` loop");
        return NULL;
    default: ICE("codegen: unknown builtin %d", (int)bi);
    }
}

/* ==== Dispatch ============================================================ */

LLVMValueRef cg_expr(Cg *c, NodeId n, bool *fresh) {
    bool dummy;
    if (!fresh) fresh = &dummy;
    *fresh = false;
    const Node *node = cg_node(c, n);
    if (node->type == 0 || node->type == TYPE_ERROR)
        ICE("codegen: untyped %s expression", node_kind_name((NodeKind)node->kind));
    switch ((NodeKind)node->kind) {
    case N_NAME: return cg_name(c, n, fresh);
    case N_INT: return LLVMConstInt(c->t_i64, node->v.ival, false);
    case N_FLOAT: return LLVMConstReal(c->t_f64, node->v.fval);
    case N_BOOL: return LLVMConstInt(c->t_i1, node->v.bval ? 1 : 0, false);
    case N_NONE: return NULL;
    case N_STR:
    case N_BYTES: return cg_str_literal(c, node->v.str);
    case N_FSTRING: return cg_fstring(c, n, fresh);
    case N_UNARY: return cg_unary(c, n);
    case N_BINARY: return cg_binary(c, n, fresh);
    case N_BOOLOP: return cg_boolop(c, n);
    case N_COMPARE: return cg_compare(c, n);
    case N_IFEXP: return cg_ifexp(c, n);
    case N_CALL: return cg_call(c, n, fresh);
    default: ICE("codegen: unexpected expression node %s", node_kind_name((NodeKind)node->kind));
    }
}
