/* The MIR-driven generator: one LLVM function body per MirBody. Every MIR
 * local becomes an entry-block alloca (mem2reg/SROA remove them), every MIR
 * block an LLVM block, and statements and terminators map 1:1 to LLVM code:
 * checked integer arithmetic with cold panic blocks, runtime calls by
 * mir_rt_name, drops (rt_str_drop), flag-guarded drops and panics. */
#include <math.h>
#include <string.h>

#include "cg_internal.h"

/* ==== Type-based alias information ==========================================
 * Generated code touches a few kinds of memory that never overlap: the
 * header words of lists (len, data) and their elements, all written only
 * by the runtime, and each float and int field of class objects (tags per
 * field, see cg_place_tbaa). Tagging those accesses lets LLVM
 * keep a list's length and data pointer in registers across stores to
 * object fields (the inner loops of numeric code). Untagged accesses, and
 * the runtime's own C code (another TBAA root), may alias anything. */
typedef enum CgTbaa { TBAA_LIST_LEN, TBAA_LIST_DATA, TBAA_LIST_ELEM, TBAA__COUNT } CgTbaa;

/* The root of the generated code's type-based alias tree. */
static void cg_tbaa_root(Cg *c) {
    if (c->tbaa_root) return;
    c->md_tbaa = LLVMGetMDKindIDInContext(c->ctx, "tbaa", 4);
    LLVMMetadataRef rootname = LLVMMDStringInContext2(c->ctx, "sifr tbaa", 9);
    c->tbaa_root = LLVMMDNodeInContext2(c->ctx, &rootname, 1);
}

static void cg_tbaa(Cg *c, LLVMValueRef access, CgTbaa kind) {
    static const char *const names[TBAA__COUNT] = {"list.len", "list.data", "list.elem"};
    if (!c->tbaa[kind]) {
        cg_tbaa_root(c);
        LLVMMetadataRef zero = LLVMValueAsMetadata(LLVMConstInt(c->t_i64, 0, false));
        LLVMMetadataRef scalar[3] = {LLVMMDStringInContext2(c->ctx, names[kind], strlen(names[kind])), c->tbaa_root,
                                     zero};
        LLVMMetadataRef type = LLVMMDNodeInContext2(c->ctx, scalar, 3);
        LLVMMetadataRef tag[3] = {type, type, zero};
        c->tbaa[kind] = LLVMMDNodeInContext2(c->ctx, tag, 3);
    }
    LLVMSetMetadata(access, c->md_tbaa, LLVMMetadataAsValue(c->ctx, c->tbaa[kind]));
}

/* RT_LIST_MAX_LEN of rt/sifr_rt_values.h: no list is longer
 * (test_rt_list checks that the runtime enforces it). */
#define CG_LIST_MAX_LEN ((int64_t)1 << 48)

/* Load the length of list `l`: TBAA-tagged, with its range [0,
 * CG_LIST_MAX_LEN], so LLVM can prove that index arithmetic derived from it
 * (i + j, i + 1, the loop counters of range(len(xs))) does not overflow. */
static LLVMValueRef cg_list_len(Cg *c, LLVMValueRef l) {
    LLVMValueRef len = LLVMBuildLoad2(c->b, c->t_i64, l, "len");
    cg_tbaa(c, len, TBAA_LIST_LEN);
    LLVMMetadataRef bounds[2] = {LLVMValueAsMetadata(cg_i64(c, 0)),
                                 LLVMValueAsMetadata(cg_i64(c, CG_LIST_MAX_LEN + 1))};
    unsigned kind = LLVMGetMDKindIDInContext(c->ctx, "range", 5);
    LLVMSetMetadata(len, kind, LLVMMetadataAsValue(c->ctx, LLVMMDNodeInContext2(c->ctx, bounds, 2)));
    return len;
}

/* The tag of a place that is a float or int field of a class object (its
 * last projection a FIELD right after the DEREF of an object), or NULL.
 * Each field has its own tag, so a store to one field (b.vx) does not
 * make LLVM reload another (a.mass) even when a and b may be the same
 * object. Field k of every class in one hierarchy is the same slot (bases
 * lay out their fields first), so the tag names the hierarchy's root
 * class, the field's index and its scalar type. */
static LLVMMetadataRef cg_place_tbaa(Cg *c, MirPlace p, TypeId t) {
    if (p.proj_count < 2 || (t != TYPE_FLOAT && t != TYPE_INT)) return NULL;
    const MirProj *last = &c->body->projs.items[p.proj_start + p.proj_count - 1];
    const MirProj *prev = last - 1;
    if (last->kind != PROJ_FIELD || prev->kind != PROJ_DEREF || !cg_type_is_object(c, prev->type)) return NULL;
    const ClassInfo *ci = prog_class_of(c->prog, prev->type);
    while (ci->base) ci = prog_class_of(c->prog, prog_sym(c->prog, ci->base)->type);
    for (uint32_t i = 0; i < c->field_tbaa.len; i++) {
        const CgFieldTbaa *e = &c->field_tbaa.items[i];
        if (e->root == ci->sym && e->field == last->index && e->type == t) return e->tag;
    }
    cg_tbaa_root(c);
    char name[96];
    snprintf(name, sizeof name, "field.%s.%u.%s", str_text(ci->name), last->index, t == TYPE_FLOAT ? "f64" : "i64");
    LLVMMetadataRef zero = LLVMValueAsMetadata(LLVMConstInt(c->t_i64, 0, false));
    LLVMMetadataRef scalar[3] = {LLVMMDStringInContext2(c->ctx, name, strlen(name)), c->tbaa_root, zero};
    LLVMMetadataRef type = LLVMMDNodeInContext2(c->ctx, scalar, 3);
    LLVMMetadataRef tag[3] = {type, type, zero};
    CgFieldTbaa e = {ci->sym, last->index, t, LLVMMDNodeInContext2(c->ctx, tag, 3)};
    vec_push(&c->field_tbaa, e);
    return e.tag;
}

static void cg_tbaa_node(Cg *c, LLVMValueRef access, LLVMMetadataRef tag) {
    if (tag) LLVMSetMetadata(access, c->md_tbaa, LLVMMetadataAsValue(c->ctx, tag));
}

/* ==== Small helpers ======================================================= */

LLVMValueRef cg_i64(Cg *c, int64_t v) { return LLVMConstInt(c->t_i64, (unsigned long long)v, true); }

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

/* A new block placed right after the current one, so the code reads (and
 * FastISel lays it out) in source order. */
LLVMBasicBlockRef cg_block_after_current(Cg *c, const char *name) {
    LLVMBasicBlockRef next = LLVMGetNextBasicBlock(LLVMGetInsertBlock(c->b));
    if (next) return LLVMInsertBasicBlockInContext(c->ctx, next, name);
    return LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, name);
}

static void cg_mark_unlikely(Cg *c, LLVMValueRef br) {
    LLVMSetMetadata(br, c->md_prof, LLVMMetadataAsValue(c->ctx, c->md_unlikely));
}

/* Branch to a cold block (at the end of the function) when `bad`; the builder
 * is left in the cold block, and the returned block is where the normal path
 * continues. */
LLVMBasicBlockRef cg_cold_branch(Cg *c, LLVMValueRef bad, const char *name) {
    LLVMBasicBlockRef ok = cg_block_after_current(c, "ok");
    LLVMBasicBlockRef cold = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, name);
    cg_mark_unlikely(c, LLVMBuildCondBr(c->b, bad, cold, ok));
    LLVMPositionBuilderAtEnd(c->b, cold);
    return ok;
}

/* The RtLoc of a panic site; NULL when MIR recorded none. */
LLVMValueRef cg_loc_or_null(Cg *c, NodeId at) { return at ? cg_loc(c, at) : LLVMConstNull(c->t_ptr); }

/* The shared panic blocks of the current function, made on first use. */
static void cg_panic_blocks(Cg *c) {
    if (c->panic_fn == c->cur_fn) return;
    c->panic_fn = c->cur_fn;
    c->ovf_bb = c->panic_bb = NULL;
}

/* Branch to `target` (a shared cold block) when `bad`, adding this site's
 * values to its phis; the builder continues on the normal path. */
static void cg_branch_to_shared(Cg *c, LLVMValueRef bad, LLVMBasicBlockRef target, LLVMValueRef *phis,
                                LLVMValueRef *vals, unsigned n) {
    LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
    LLVMBasicBlockRef ok = cg_block_after_current(c, "ok");
    cg_mark_unlikely(c, LLVMBuildCondBr(c->b, bad, target, ok));
    for (unsigned i = 0; i < n; i++) LLVMAddIncoming(phis[i], &vals[i], &from, 1);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* A cold block at the end of the function: phis of `n` pointers, then a
 * call of the noreturn runtime entry `fn` with them. */
static LLVMBasicBlockRef cg_shared_panic(Cg *c, const char *name, CgRtFn fn, LLVMValueRef *phis, unsigned n) {
    LLVMBasicBlockRef here = LLVMGetInsertBlock(c->b);
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, c->cur_fn, name);
    LLVMPositionBuilderAtEnd(c->b, bb);
    for (unsigned i = 0; i < n; i++) phis[i] = LLVMBuildPhi(c->b, c->t_ptr, "");
    cg_rt_call(c, fn, phis, n);
    if (!cg_terminated(c)) LLVMBuildUnreachable(c->b);
    LLVMPositionBuilderAtEnd(c->b, here);
    return bb;
}

/* if (bad) rt_panic_overflow(&loc) — on a cold path. */
static void cg_overflow_check(Cg *c, LLVMValueRef bad, NodeId at) {
    cg_panic_blocks(c);
    LLVMValueRef phis[1];
    if (!c->ovf_bb) {
        c->ovf_bb = cg_shared_panic(c, "overflow", RT_PANIC_OVERFLOW, phis, 1);
        c->ovf_loc = phis[0];
    }
    LLVMValueRef loc = cg_loc_or_null(c, at);
    cg_branch_to_shared(c, bad, c->ovf_bb, &c->ovf_loc, &loc, 1);
}

void cg_panic_check(Cg *c, LLVMValueRef bad, const char *msg, NodeId at) {
    cg_panic_blocks(c);
    LLVMValueRef phis[2];
    if (!c->panic_bb) {
        c->panic_bb = cg_shared_panic(c, "panic", RT_PANIC, phis, 2);
        c->panic_msg = phis[0];
        c->panic_loc = phis[1];
    }
    LLVMValueRef vals[2] = {cg_cstr(c, msg), cg_loc_or_null(c, at)};
    LLVMValueRef ps[2] = {c->panic_msg, c->panic_loc};
    cg_branch_to_shared(c, bad, c->panic_bb, ps, vals, 2);
}

LLVMValueRef cg_intrinsic_call(Cg *c, const char *name, LLVMTypeRef over, LLVMValueRef *args, unsigned n) {
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    if (!id) ICE("unknown LLVM intrinsic %s", name);
    unsigned nover = over ? 1 : 0; /* NULL: an intrinsic that is not overloaded */
    LLVMTypeRef ty = LLVMIntrinsicGetType(c->ctx, id, &over, nover);
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &over, nover);
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

/* ==== Places and operands ================================================= */

/* The LLVM type a local's alloca holds: a pointer for `mut` parameters (the
 * value lives with the caller), NULL for None/Never (no storage at all). */
static LLVMTypeRef cg_local_type(Cg *c, const MirLocal *l) {
    if (l->flags & MIRL_MUT_REF) return c->t_ptr;
    LLVMTypeRef t = cg_type(c, l->type);
    return t == c->t_void ? NULL : t;
}

/* The address of a place, or NULL when it carries no value (None). `*mem`
 * tells whether the value there has its memory form (a field, a payload, a
 * container slot: bool is i8) or its register form (a local: bool is i1).
 * Projections: DEREF of a `mut` parameter loads the pointer it holds; DEREF
 * of a class value loads the object pointer (the next FIELD indexes the
 * object's struct); FIELD of a tuple indexes it in place; PAYLOAD is the
 * Some / Ok / Err contents. */
static LLVMValueRef cg_place_addr_mem(Cg *c, MirPlace p, bool *mem) {
    const MirBody *b = c->body;
    if (p.local >= b->locals.len) ICE("codegen: local _%u out of range in %s", p.local, b->symbol);
    LLVMValueRef addr = c->local_slot[p.local];
    TypeId cur = b->locals.items[p.local].type;
    bool in_object = false;
    *mem = false;
    for (uint32_t i = 0; i < p.proj_count; i++) {
        const MirProj *pr = &b->projs.items[p.proj_start + i];
        if (!addr) return NULL;
        switch (pr->kind) {
        case PROJ_DEREF:
            addr = LLVMBuildLoad2(c->b, c->t_ptr, addr, "");
            in_object = cg_type_is_object(c, cur);
            break;
        case PROJ_FIELD: {
            LLVMTypeRef st = in_object ? cg_object_type(c, cur) : cg_mem_type(c, cur);
            addr = LLVMBuildStructGEP2(c->b, st, addr, in_object ? CG_OBJ_FIELD(pr->index) : pr->index, "");
            in_object = false;
            *mem = true;
            break;
        }
        case PROJ_PAYLOAD: {
            const Type *ty = type_get(cur);
            if (ty->kind == TY_OPTION && cg_option_is_ptr(c, cur)) {
                /* the payload of a nullable object pointer is the pointer */
            } else if (ty->kind == TY_OPTION) {
                addr = LLVMBuildStructGEP2(c->b, cg_mem_type(c, cur), addr, 1, "");
            } else if (ty->kind == TY_RESULT) {
                addr = LLVMBuildStructGEP2(c->b, cg_mem_type(c, cur), addr, 1, "");
            } else {
                ICE("codegen: payload of a %s in %s", type_name(cur), b->symbol);
            }
            *mem = true;
            break;
        }
        }
        cur = pr->type;
    }
    return addr;
}

LLVMValueRef cg_place_addr(Cg *c, MirPlace p) {
    bool mem;
    return cg_place_addr_mem(c, p, &mem);
}

TypeId cg_place_type(const MirBody *b, MirPlace p) {
    if (p.proj_count) return b->projs.items[p.proj_start + p.proj_count - 1].type;
    return b->locals.items[p.local].type;
}

/* The value of a place of value type `t`; NULL for None. */
LLVMValueRef cg_load_place(Cg *c, MirPlace p, TypeId t) {
    /* a `mut` reference itself (lent on to a call): the pointer it holds */
    if (!p.proj_count && (c->body->locals.items[p.local].flags & MIRL_MUT_REF))
        return LLVMBuildLoad2(c->b, c->t_ptr, c->local_slot[p.local], "");
    LLVMTypeRef lt = cg_type(c, t);
    if (lt == c->t_void) return NULL;
    bool mem;
    LLVMValueRef addr = cg_place_addr_mem(c, p, &mem);
    if (!addr) ICE("codegen: read of _%u, which has no storage, in %s", p.local, c->body->symbol);
    if (mem) {
        LLVMValueRef v = LLVMBuildLoad2(c->b, cg_mem_type(c, t), addr, "");
        cg_tbaa_node(c, v, cg_place_tbaa(c, p, t));
        return cg_from_mem(c, t, v);
    }
    return LLVMBuildLoad2(c->b, lt, addr, "");
}

void cg_store_place(Cg *c, MirPlace p, TypeId t, LLVMValueRef v) {
    bool mem;
    LLVMValueRef addr = cg_place_addr_mem(c, p, &mem);
    /* None places (the sink of None calls) keep nothing */
    if (!addr || !v) return;
    LLVMValueRef st = LLVMBuildStore(c->b, mem ? cg_to_mem(c, t, v) : v, addr);
    if (mem) cg_tbaa_node(c, st, cg_place_tbaa(c, p, t));
}

/* A pointer to an entry-block copy of `v` in its memory form: how values
 * are handed to the runtime's `const void *` parameters. */
LLVMValueRef cg_spill(Cg *c, TypeId t, LLVMValueRef v) {
    LLVMValueRef slot = cg_alloca(c, cg_mem_type(c, t), "spill");
    if (v) LLVMBuildStore(c->b, cg_to_mem(c, t, v), slot);
    return slot;
}

/* A zero value of type `t` ("" for strings, so a string is never NULL). */
LLVMValueRef cg_zero(Cg *c, TypeId t) {
    if (t == TYPE_STR || t == TYPE_BYTES) return cg_str_literal(c, 0);
    if (t == TYPE_NONE || t == TYPE_NEVER) return NULL;
    return LLVMConstNull(cg_type(c, t));
}

static LLVMValueRef cg_const(Cg *c, const MirOperand *o) {
    switch (o->c.kind) {
    case MC_NONE:
        /* None carries no value; a None constant of another type only occurs
         * in code after a panic, which never runs. */
        return cg_type(c, o->type) == c->t_void ? NULL : cg_zero(c, o->type);
    case MC_BOOL: return LLVMConstInt(c->t_i1, o->c.b ? 1 : 0, false);
    case MC_INT: return cg_i64(c, o->c.i);
    case MC_FLOAT: return LLVMConstReal(c->t_f64, o->c.f);
    case MC_STR:
    case MC_BYTES: return cg_str_literal(c, o->c.s);
    case MC_FUNC:
        if (o->c.fn >= c->prog->funcs.len || !c->fn_val[o->c.fn]) ICE("codegen: constant of an undeclared function");
        return c->fn_val[o->c.fn];
    case MC_ENUM: return cg_i64(c, o->c.i);
    }
    ICE("codegen: constant kind %d", (int)o->c.kind);
}

/* Copy and move read the same bits: ownership moves are MIR bookkeeping. */
LLVMValueRef cg_operand(Cg *c, const MirOperand *o) {
    if (o->kind == OPD_CONST) return cg_const(c, o);
    return cg_load_place(c, o->place, o->type);
}

/* ==== Rvalues ============================================================= */

static bool cg_is_cmp(uint32_t op) {
    return op == TOK_EQ || op == TOK_NE || op == TOK_LT || op == TOK_LE || op == TOK_GT || op == TOK_GE;
}

static LLVMValueRef cg_compare(Cg *c, uint32_t op, TypeId t, LLVMValueRef l, LLVMValueRef r) {
    if (t == TYPE_FLOAT) {
        LLVMRealPredicate p = op == TOK_EQ   ? LLVMRealOEQ
                              : op == TOK_NE ? LLVMRealUNE
                              : op == TOK_LT ? LLVMRealOLT
                              : op == TOK_LE ? LLVMRealOLE
                              : op == TOK_GT ? LLVMRealOGT
                                             : LLVMRealOGE;
        return LLVMBuildFCmp(c->b, p, l, r, "");
    }
    if (t != TYPE_INT && t != TYPE_BOOL) ICE("codegen: comparison of %s values", type_name(t));
    bool sgn = t == TYPE_INT; /* False < True compares unsigned on i1 */
    LLVMIntPredicate p = op == TOK_EQ   ? LLVMIntEQ
                         : op == TOK_NE ? LLVMIntNE
                         : op == TOK_LT ? (sgn ? LLVMIntSLT : LLVMIntULT)
                         : op == TOK_LE ? (sgn ? LLVMIntSLE : LLVMIntULE)
                         : op == TOK_GT ? (sgn ? LLVMIntSGT : LLVMIntUGT)
                                        : (sgn ? LLVMIntSGE : LLVMIntUGE);
    return LLVMBuildICmp(c->b, p, l, r, "");
}

static LLVMValueRef cg_binary(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    TypeId t = ops[0].type;
    LLVMValueRef l = cg_operand(c, &ops[0]);
    LLVMValueRef r = cg_operand(c, &ops[1]);
    uint32_t op = rv->op;
    if (cg_is_cmp(op)) return cg_compare(c, op, t, l, r);
    if (op == MOP_ADD_OVERFLOWS) {
        LLVMValueRef args[2] = {l, r};
        return LLVMBuildExtractValue(c->b, cg_intrinsic_call(c, "llvm.sadd.with.overflow", c->t_i64, args, 2), 1,
                                     "");
    }
    if (t == TYPE_INT) {
        switch (op) {
        case TOK_PLUS: return cg_checked(c, "llvm.sadd.with.overflow", l, r, rv->loc);
        case TOK_MINUS: return cg_checked(c, "llvm.ssub.with.overflow", l, r, rv->loc);
        case TOK_STAR: return cg_checked(c, "llvm.smul.with.overflow", l, r, rv->loc);
        case TOK_LSHIFT: return cg_shift(c, true, l, r, rv->loc);
        case TOK_RSHIFT: return cg_shift(c, false, l, r, rv->loc);
        default: break;
        }
    } else if (t == TYPE_FLOAT) {
        switch (op) {
        case TOK_PLUS: return LLVMBuildFAdd(c->b, l, r, "");
        case TOK_MINUS: return LLVMBuildFSub(c->b, l, r, "");
        case TOK_STAR: return LLVMBuildFMul(c->b, l, r, "");
        default: break;
        }
    }
    if (t == TYPE_INT || t == TYPE_BOOL) {
        switch (op) {
        case TOK_AMP: return LLVMBuildAnd(c->b, l, r, "");
        case TOK_PIPE: return LLVMBuildOr(c->b, l, r, "");
        case TOK_CARET: return LLVMBuildXor(c->b, l, r, "");
        default: break;
        }
    }
    ICE("codegen: binary operator %u on %s in %s", op, type_name(t), c->body->symbol);
}

static LLVMValueRef cg_unary(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    TypeId t = ops[0].type;
    LLVMValueRef v = cg_operand(c, &ops[0]);
    switch (rv->op) {
    case TOK_NOT: return LLVMBuildXor(c->b, v, LLVMConstInt(c->t_i1, 1, false), "");
    case TOK_MINUS:
        if (t == TYPE_FLOAT) return LLVMBuildFNeg(c->b, v, "");
        if (t == TYPE_INT) return cg_checked(c, "llvm.ssub.with.overflow", cg_i64(c, 0), v, rv->loc);
        break;
    case TOK_TILDE:
        if (t == TYPE_INT) return LLVMBuildXor(c->b, v, cg_i64(c, -1), "");
        break;
    case MOP_ABS:
        if (t == TYPE_FLOAT) return cg_intrinsic_call(c, "llvm.fabs", c->t_f64, &v, 1);
        break;
    case MOP_BYTE_LEN:
        /* RtStr.len (bytes) sits at offset 0 of every string */
        if (t == TYPE_STR || t == TYPE_BYTES) return LLVMBuildLoad2(c->b, c->t_i64, v, "len");
        break;
    default: break;
    }
    ICE("codegen: unary operator %u on %s in %s", rv->op, type_name(t), c->body->symbol);
}

static LLVMValueRef cg_cast(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    TypeId from = ops[0].type, to = rv->type;
    LLVMValueRef v = cg_operand(c, &ops[0]);
    if (from == to) return v;
    if (to == TYPE_FLOAT && from == TYPE_INT) return LLVMBuildSIToFP(c->b, v, c->t_f64, "");
    if (to == TYPE_FLOAT && from == TYPE_BOOL) return LLVMBuildUIToFP(c->b, v, c->t_f64, "");
    if (to == TYPE_INT && from == TYPE_BOOL) return LLVMBuildZExt(c->b, v, c->t_i64, "");
    /* an enum member's index is its int64 value */
    if (to == TYPE_INT && cg_type_is_enum(c, from)) return v;
    /* a derived object used as its base: the same pointer */
    if (cg_type_is_object(c, from) && cg_type_is_object(c, to)) return v;
    ICE("codegen: cast of %s to %s in %s", type_name(from), type_name(to), c->body->symbol);
}

/* How a MIR runtime entry is called: its declaration, and whether the RtLoc
 * of the rvalue follows the operands. */
static const struct {
    bool mapped;
    CgRtFn fn;
    bool loc;
} cg_mir_rt[MRT__COUNT] = {
    [MRT_PRINT_SPACE] = {true, RT_PRINT_SPACE, false},
    [MRT_PRINT_NEWLINE] = {true, RT_PRINT_NEWLINE, false},
    [MRT_STR_CONCAT] = {true, RT_STR_CONCAT, false},
    [MRT_PRINT_STR] = {true, RT_PRINT_STR, false},
    [MRT_PRINT_INT] = {true, RT_PRINT_INT, false},
    [MRT_PRINT_FLOAT] = {true, RT_PRINT_FLOAT, false},
    [MRT_PRINT_BOOL] = {true, RT_PRINT_BOOL, false},
    [MRT_PRINT_NONE] = {true, RT_PRINT_NONE, false},
    [MRT_INT_FLOORDIV] = {true, RT_INT_FLOORDIV, true},
    [MRT_INT_MOD] = {true, RT_INT_MOD, true},
    [MRT_INT_POW] = {true, RT_INT_POW, true},
    [MRT_FLOAT_DIV] = {true, RT_FLOAT_DIV, true},
    [MRT_FLOAT_FLOORDIV] = {true, RT_FLOAT_FLOORDIV, true},
    [MRT_FLOAT_MOD] = {true, RT_FLOAT_MOD, true},
    [MRT_FLOAT_POW] = {true, RT_FLOAT_POW, false},
    [MRT_FLOAT_TO_INT] = {true, RT_FLOAT_TO_INT, true},
    [MRT_STR_CLONE] = {true, RT_STR_CLONE, false},
    [MRT_STR_EQ] = {true, RT_STR_EQ, false},
    [MRT_STR_CMP] = {true, RT_STR_CMP, false},
    [MRT_STR_LEN] = {true, RT_STR_LEN, false},
    [MRT_STR_REPR] = {true, RT_STR_REPR, false},
    [MRT_STR_FROM_INT] = {true, RT_STR_FROM_INT, false},
    [MRT_STR_FROM_FLOAT] = {true, RT_STR_FROM_FLOAT, false},
    [MRT_STR_FROM_BOOL] = {true, RT_STR_FROM_BOOL, false},
    [MRT_STR_NONE] = {true, RT_STR_NONE, false},
    [MRT_FMT_INT] = {true, RT_FMT_INT, true},
    [MRT_FMT_FLOAT] = {true, RT_FMT_FLOAT, true},
    [MRT_FMT_STR] = {true, RT_FMT_STR, true},
    [MRT_FMT_BOOL] = {true, RT_FMT_BOOL, true},
};

/* rt_str_join_parts(n, parts): the parts go into an entry-block array. */
static LLVMValueRef cg_join_parts(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    uint32_t n = rv->ops_count;
    LLVMTypeRef arr_t = LLVMArrayType2(c->t_ptr, n ? n : 1);
    LLVMValueRef arr = cg_alloca(c, arr_t, "fparts");
    for (uint32_t i = 0; i < n; i++) {
        LLVMValueRef idx[2] = {cg_i64(c, 0), cg_i64(c, i)};
        LLVMValueRef slot = LLVMBuildInBoundsGEP2(c->b, arr_t, arr, idx, 2, "");
        LLVMBuildStore(c->b, cg_operand(c, &ops[i]), slot);
    }
    LLVMValueRef args[2] = {cg_i64(c, n), arr};
    return cg_rt_call(c, RT_STR_JOIN_PARTS, args, 2);
}

/* A runtime function by C name, declared on first use from a signature in
 * cg_module.c's notation ("p(pip)": v void, b bool, i i64, d double, p ptr). */
LLVMValueRef cg_rt_named(Cg *c, const char *name, const char *sig, LLVMTypeRef *fty) {
    LLVMTypeRef ps[8];
    unsigned n = 0;
    LLVMTypeRef ret = NULL;
    for (const char *p = sig; *p; p++) {
        if (*p == '(' || *p == ')') continue;
        LLVMTypeRef t = *p == 'v' ? c->t_void : *p == 'b' ? c->t_i1 : *p == 'w' ? c->t_i32 : *p == 'i' ? c->t_i64 : *p == 'd' ? c->t_f64 : c->t_ptr;
        if (!ret) ret = t;
        else ps[n++] = t;
    }
    *fty = LLVMFunctionType(ret, ps, n, false);
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    if (fn) return fn;
    fn = LLVMAddFunction(c->mod, name, *fty);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_nounwind);
    if (sig[0] == 'b') LLVMAddAttributeAtIndex(fn, LLVMAttributeReturnIndex, c->a_zeroext);
    for (unsigned i = 0; i < n; i++)
        if (sig[2 + i] == 'b') LLVMAddAttributeAtIndex(fn, i + 1, c->a_zeroext);
    return fn;
}

LLVMValueRef cg_rtn(Cg *c, const char *name, const char *sig, LLVMValueRef *args, unsigned n) {
    LLVMTypeRef fty;
    LLVMValueRef fn = cg_rt_named(c, name, sig, &fty);
    return LLVMBuildCall2(c->b, fty, fn, args, n, "");
}

/* The element type of a list/set type, the key/value of a dict. */
TypeId cg_targ(TypeId t, uint32_t i) {
    const Type *ty = type_get(t);
    if (i >= ty->nargs) ICE("codegen: type %s has no argument %u", type_name(t), i);
    return ty->args[i];
}

/* The address of element `index` of list `l` (an RtList: len, cap, elem,
 * data) with Python's negative indices, inline: indexing sits in the
 * innermost loops of numeric code, where a runtime call would cost more
 * than the access. An index out of range panics like rt_list_at. */
static LLVMValueRef cg_list_slot(Cg *c, LLVMValueRef l, LLVMValueRef index, TypeId et, const char *range_msg,
                                 NodeId at) {
    LLVMTypeRef fs[4] = {c->t_i64, c->t_i64, c->t_ptr, c->t_ptr};
    LLVMTypeRef lt = LLVMStructTypeInContext(c->ctx, fs, 4, false);
    LLVMValueRef len = cg_list_len(c, LLVMBuildStructGEP2(c->b, lt, l, 0, ""));
    LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, index, cg_i64(c, 0), "");
    LLVMValueRef i = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, index, len, ""), index, "");
    /* one unsigned compare catches both i < 0 and i >= len */
    cg_panic_check(c, LLVMBuildICmp(c->b, LLVMIntUGE, i, len, ""), range_msg, at);
    LLVMValueRef data = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, lt, l, 3, ""), "data");
    cg_tbaa(c, data, TBAA_LIST_DATA);
    return LLVMBuildGEP2(c->b, cg_mem_type(c, et), data, &i, 1, "");
}

/* float ** float. The power 0.5 (norms, distances) is a square root, the
 * one case worth inlining: sqrt(x) + 0.0 equals pow(x, 0.5) for every x
 * but -inf (pow gives +inf), and the addition turns sqrt's -0.0 into
 * pow's +0.0. Other exponents call rt_float_pow (zero to a negative power
 * panics). */
static LLVMValueRef cg_float_pow(Cg *c, const MirOperand *ops, LLVMValueRef *a) {
    if (ops[1].kind == OPD_CONST && ops[1].c.kind == MC_FLOAT && ops[1].c.f == 0.5) {
        LLVMValueRef s = cg_intrinsic_call(c, "llvm.sqrt", c->t_f64, a, 1);
        s = LLVMBuildFAdd(c->b, s, LLVMConstReal(c->t_f64, 0.0), "");
        LLVMValueRef minf = LLVMBuildFCmp(c->b, LLVMRealOEQ, a[0], LLVMConstReal(c->t_f64, -INFINITY), "");
        return LLVMBuildSelect(c->b, minf, LLVMConstReal(c->t_f64, INFINITY), s, "");
    }
    return cg_rt_call(c, RT_FLOAT_POW, a, 2);
}

/* a // b or a % b with Python's flooring, inline (rt_int_floordiv and
 * rt_int_mod spell out the same rules): division by zero panics,
 * INT64_MIN // -1 overflows, x % -1 is 0. With a constant divisor the
 * checks fold away and LLVM divides by shifts or multiplication. */
static LLVMValueRef cg_int_floordiv_mod(Cg *c, bool mod, LLVMValueRef a, LLVMValueRef b, NodeId at) {
    LLVMValueRef zero = cg_i64(c, 0), minus1 = cg_i64(c, -1);
    cg_panic_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, b, zero, ""), "integer division or modulo by zero", at);
    LLVMValueRef b_is_m1 = LLVMBuildICmp(c->b, LLVMIntEQ, b, minus1, "");
    if (!mod)
        cg_overflow_check(c, LLVMBuildAnd(c->b, b_is_m1, LLVMBuildICmp(c->b, LLVMIntEQ, a, cg_i64(c, INT64_MIN), ""), ""),
                          at);
    /* x % -1 and x // -1 never trap here: divide by 1 and fix the sign */
    LLVMValueRef d = LLVMBuildSelect(c->b, b_is_m1, cg_i64(c, 1), b, "");
    LLVMValueRef q = LLVMBuildSDiv(c->b, a, d, "");
    LLVMValueRef r = LLVMBuildSRem(c->b, a, d, "");
    /* C truncates; Python floors: they differ when the remainder is not
     * zero and its sign differs from the divisor's */
    LLVMValueRef adjust = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntNE, r, zero, ""),
                                       LLVMBuildICmp(c->b, LLVMIntSLT, LLVMBuildXor(c->b, r, b, ""), zero, ""), "");
    if (mod) return LLVMBuildSelect(c->b, adjust, LLVMBuildAdd(c->b, r, b, ""), r, "");
    q = LLVMBuildSelect(c->b, b_is_m1, LLVMBuildNeg(c->b, a, ""), q, "");
    return LLVMBuildSelect(c->b, adjust, LLVMBuildSub(c->b, q, cg_i64(c, 1), ""), q, "");
}

/* Runtime entries on compound values (MRT_PRINT_VALUE ... MRT_STR_INDEX). */
static LLVMValueRef cg_call_value_rt(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    TypeId t0 = rv->ops_count ? ops[0].type : TYPE_NONE;
    LLVMValueRef loc = cg_loc_or_null(c, rv->loc);
    switch (f) {
    case MRT_PRINT_VALUE: {
        LLVMValueRef args[2] = {cg_desc(c, t0), cg_spill(c, t0, a[0])};
        return cg_rtn(c, "rt_print_value", "v(pp)", args, 2);
    }
    case MRT_STR_OF:
    case MRT_REPR_OF: {
        LLVMValueRef args[2] = {cg_desc(c, t0), cg_spill(c, t0, a[0])};
        return cg_rtn(c, f == MRT_STR_OF ? "rt_value_str" : "rt_value_repr", "p(pp)", args, 2);
    }
    case MRT_VALUE_EQ: {
        LLVMValueRef args[3] = {cg_desc(c, t0), cg_spill(c, t0, a[0]), cg_spill(c, t0, a[1])};
        return cg_rtn(c, "rt_value_eq", "b(ppp)", args, 3);
    }
    case MRT_VALUE_CMP: {
        LLVMValueRef args[3] = {cg_desc(c, t0), cg_spill(c, t0, a[0]), cg_spill(c, t0, a[1])};
        LLVMValueRef r = cg_rtn(c, "rt_value_cmp", "w(ppp)", args, 3);
        return LLVMBuildSExt(c->b, r, c->t_i64, "");
    }
    case MRT_VALUE_CLONE: {
        LLVMValueRef dst = cg_spill(c, t0, NULL);
        LLVMValueRef args[3] = {cg_desc(c, t0), dst, cg_spill(c, t0, a[0])};
        cg_rtn(c, "rt_value_clone", "v(ppp)", args, 3);
        return cg_from_mem(c, t0, LLVMBuildLoad2(c->b, cg_mem_type(c, t0), dst, ""));
    }
    case MRT_LIST_LEN: return cg_list_len(c, a[0]); /* RtList.len, the first word */
    case MRT_CORO_TAKE: return cg_coro_take(c, a[0], rv->type);
    case MRT_TASK_NOW: return cg_rtn(c, "rt_task_now", "d()", NULL, 0);
    case MRT_SCOPE_NEW: return cg_rtn(c, "rt_scope_new", "p()", NULL, 0);
    case MRT_SCOPE_CANCEL: return cg_rtn(c, "rt_scope_cancel", "v(p)", a, 1);
    case MRT_SCOPE_FREE: return cg_rtn(c, "rt_scope_free", "v(p)", a, 1);
    case MRT_SPAWN: return cg_rtn(c, "rt_spawn_coro", "p(pp)", a, 2);
    case MRT_HANDLE_TAKE: return cg_handle_take(c, a[0], rv->type);
    case MRT_HANDLE_TAKE_REF: return cg_handle_take_ref(c, a[0], rv->type, cg_loc_or_null(c, rv->loc));
    case MRT_BLOCKING_TAKE: return cg_blocking_take(c, a[0], rv->type);
    case MRT_HANDLE_CANCEL: return cg_rtn(c, "rt_handle_cancel", "v(p)", a, 1);
    case MRT_TIMEOUT_NEW: return cg_rtn(c, "rt_timeout_new", "p(db)", a, 2);
    case MRT_TIMEOUT_END: return cg_rtn(c, "rt_timeout_end", "b(p)", a, 1);
    case MRT_RACE_NEW: return cg_rtn(c, "rt_race_new", "p(p)", a, 1);
    case MRT_RACE_END: return cg_rtn(c, "rt_race_end", "i(p)", a, 1);
    case MRT_RACE_TAKE: return cg_race_take(c, a[0], a[1], rv->type);
    case MRT_TIMED_NEW: return cg_rtn(c, "rt_timed_new", "p(pd)", a, 2);
    case MRT_TIMED_END: return cg_rtn(c, "rt_timed_end", "b(p)", a, 1);
    case MRT_GATHER_TAKE: {
        LLVMValueRef args[2] = {a[0], cg_desc(c, cg_targ(rv->type, 0))};
        return cg_rtn(c, "rt_gather_take", "p(pp)", args, 2);
    }
    case MRT_GROUP_NEW: return cg_rtn(c, "rt_group_new", "p()", NULL, 0);
    case MRT_SCOPE_FAILED: return cg_rtn(c, "rt_scope_failed", "b(p)", a, 1);
    case MRT_GROUP_FAILED: return cg_rtn(c, "rt_group_failed", "b(p)", a, 1);
    case MRT_GROUP_ERROR: return cg_rtn(c, "rt_group_error", "p(p)", a, 1);
    case MRT_SCOPE_NEW_CTX: return cg_rtn(c, "rt_scope_new_ctx", "p(p)", a, 1);
    case MRT_GROUP_NEW_CTX: return cg_rtn(c, "rt_group_new_ctx", "p(p)", a, 1);
    case MRT_SPAWN_CTX: return cg_rtn(c, "rt_spawn_coro_ctx", "p(ppp)", a, 3);
    case MRT_CTX_CURRENT: return cg_rtn(c, "rt_ctx_current", "p()", NULL, 0);
    case MRT_CTX_EMPTY: return cg_rtn(c, "rt_ctx_empty", "p()", NULL, 0);
    case MRT_CTX_KEY_NEW: {
        TypeId vt = cg_targ(rv->type, 0);
        LLVMValueRef args[3] = {a[0], cg_desc(c, vt), cg_spill(c, vt, a[1])};
        return cg_rtn(c, "rt_ctx_key_new", "p(ppp)", args, 3);
    }
    case MRT_CTX_GET: {
        LLVMValueRef out = cg_spill(c, rv->type, NULL);
        LLVMValueRef args[3] = {a[0], a[1], out};
        cg_rtn(c, "rt_ctx_get", "v(ppp)", args, 3);
        return cg_from_mem(c, rv->type, LLVMBuildLoad2(c->b, cg_mem_type(c, rv->type), out, ""));
    }
    case MRT_CTX_WITH: {
        LLVMValueRef args[3] = {a[0], a[1], cg_spill(c, ops[2].type, a[2])};
        return cg_rtn(c, "rt_ctx_with", "p(ppp)", args, 3);
    }
    case MRT_LIST_PUSH: {
        LLVMValueRef args[2] = {a[0], cg_spill(c, ops[1].type, a[1])};
        return cg_rtn(c, "rt_list_push", "v(pp)", args, 2);
    }
    case MRT_LIST_AT: {
        TypeId et = rv->type;
        LLVMValueRef p = cg_list_slot(c, a[0], a[1], et, "list index out of range", rv->loc);
        LLVMValueRef e = LLVMBuildLoad2(c->b, cg_mem_type(c, et), p, "");
        cg_tbaa(c, e, TBAA_LIST_ELEM);
        return cg_from_mem(c, et, e);
    }
    case MRT_LIST_SET: {
        TypeId et = ops[2].type;
        if (mir_type_is_copy(et) && et != TYPE_NONE) { /* nothing to drop: a store */
            LLVMValueRef p = cg_list_slot(c, a[0], a[1], et, "list assignment index out of range", rv->loc);
            cg_tbaa(c, LLVMBuildStore(c->b, cg_to_mem(c, et, a[2]), p), TBAA_LIST_ELEM);
            return NULL;
        }
        LLVMValueRef args[4] = {a[0], a[1], cg_spill(c, ops[2].type, a[2]), loc};
        return cg_rtn(c, "rt_list_set", "v(pipp)", args, 4);
    }
    case MRT_LIST_POP: {
        TypeId et = rv->type;
        LLVMValueRef out = cg_spill(c, et, NULL);
        LLVMValueRef args[4] = {a[0], rv->ops_count > 1 ? a[1] : cg_i64(c, -1), out, loc};
        cg_rtn(c, "rt_list_pop", "v(pipp)", args, 4);
        return cg_from_mem(c, et, LLVMBuildLoad2(c->b, cg_mem_type(c, et), out, ""));
    }
    case MRT_LIST_INSERT: {
        LLVMValueRef args[3] = {a[0], a[1], cg_spill(c, ops[2].type, a[2])};
        return cg_rtn(c, "rt_list_insert", "v(pip)", args, 3);
    }
    case MRT_LIST_EXTEND: return cg_rtn(c, "rt_list_extend", "v(pp)", a, 2);
    case MRT_LIST_REVERSE: return cg_rtn(c, "rt_list_reverse", "v(p)", a, 1);
    case MRT_LIST_SORT: return cg_rtn(c, "rt_list_sort", "v(pb)", a, 2);
    case MRT_LIST_CONTAINS: {
        LLVMValueRef args[2] = {a[0], cg_spill(c, ops[1].type, a[1])};
        return cg_rtn(c, "rt_list_contains", "b(pp)", args, 2);
    }
    case MRT_LIST_INDEX: {
        LLVMValueRef args[2] = {a[0], cg_spill(c, ops[1].type, a[1])};
        return cg_rtn(c, "rt_list_index", "i(pp)", args, 2);
    }
    case MRT_LIST_CONCAT: return cg_rtn(c, "rt_list_concat", "p(pp)", a, 2);
    case MRT_STR_UPPER: return cg_rtn(c, "rt_str_upper", "p(p)", a, 1);
    case MRT_STR_LOWER: return cg_rtn(c, "rt_str_lower", "p(p)", a, 1);
    case MRT_STR_STRIP: {
        LLVMValueRef args[2] = {a[0], rv->ops_count > 1 ? a[1] : LLVMConstNull(c->t_ptr)};
        return cg_rtn(c, "rt_str_strip", "p(pp)", args, 2);
    }
    case MRT_STR_STRIP_OVER:
    case MRT_STR_LSTRIP_OVER:
    case MRT_STR_RSTRIP_OVER: {
        /* w's old value only where w holds one (ops[2]): the local is
         * uninitialised otherwise */
        LLVMValueRef old = LLVMBuildSelect(c->b, a[2], a[1], LLVMConstNull(c->t_ptr), "old");
        LLVMValueRef args[3] = {a[0], rv->ops_count > 3 ? a[3] : LLVMConstNull(c->t_ptr), old};
        return cg_rtn(c, mir_rt_name(f), "p(ppp)", args, 3);
    }
    case MRT_STR_SPLIT: {
        LLVMValueRef args[4] = {a[0], rv->ops_count > 1 ? a[1] : LLVMConstNull(c->t_ptr), cg_i64(c, -1), loc};
        return cg_rtn(c, "rt_str_split", "p(ppip)", args, 4);
    }
    case MRT_STR_JOIN: return cg_rtn(c, "rt_str_join", "p(pp)", a, 2);
    case MRT_STR_REPLACE: {
        LLVMValueRef args[4] = {a[0], a[1], a[2], cg_i64(c, -1)};
        return cg_rtn(c, "rt_str_replace", "p(pppi)", args, 4);
    }
    case MRT_STR_STARTSWITH: return cg_rtn(c, "rt_str_startswith", "b(pp)", a, 2);
    case MRT_STR_ENDSWITH: return cg_rtn(c, "rt_str_endswith", "b(pp)", a, 2);
    case MRT_STR_CONTAINS: return cg_rtn(c, "rt_str_contains", "b(pp)", a, 2);
    case MRT_STR_INDEX: {
        LLVMValueRef args[3] = {a[0], a[1], loc};
        return cg_rtn(c, "rt_str_index", "p(pip)", args, 3);
    }
    default: {
        /* the areas' runtime entries, each file answering for its own */
        LLVMValueRef r = cg_rt_coll(c, f, rv, ops, a);
        if (!r) r = cg_rt_seq(c, f, rv, ops, a);
        if (!r) r = cg_rt_errors(c, f, rv, ops, a);
        if (!r) r = cg_rt_fn(c, f, rv, ops, a);
        if (!r) r = cg_rt_sync(c, f, rv, ops, a);
        if (!r) ICE("codegen: runtime entry %s has no declaration yet", mir_rt_name(f));
        return r;
    }
    }
}

static LLVMValueRef cg_call(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    uint32_t n = rv->ops_count;
    LLVMValueRef *args = xmalloc(sizeof *args * (n + 2));
    for (uint32_t i = 0; i < n; i++) args[i] = cg_operand(c, &ops[i]);
    LLVMValueRef r = NULL;
    switch (rv->callee.kind) {
    case CALLEE_FN: {
        uint32_t f = rv->callee.fn;
        if (f >= c->mir->bodies.len) ICE("codegen: call of body %u out of range", f);
        if (c->fn_val[f]) r = LLVMBuildCall2(c->b, c->fn_ty[f], c->fn_val[f], args, n, "");
        else if (!c->failed) ICE("codegen: call of the undeclared function %u", f);
        break;
    }
    case CALLEE_RT: {
        MirRtFn f = (MirRtFn)rv->callee.fn;
        if (f == MRT_STR_JOIN_PARTS) {
            r = cg_join_parts(c, rv, ops);
            break;
        }
        if ((unsigned)f >= MRT__COUNT) ICE("codegen: runtime entry %u out of range", (unsigned)f);
        if (f == MRT_FLOAT_POW && n == 2) {
            r = cg_float_pow(c, ops, args);
            break;
        }
        if ((f == MRT_INT_FLOORDIV || f == MRT_INT_MOD) && n == 2) {
            r = cg_int_floordiv_mod(c, f == MRT_INT_MOD, args[0], args[1], rv->loc);
            break;
        }
        if (f == MRT_FLOAT_DIV && n == 2) {
            /* inline, like rt_float_div: the check is one compare */
            LLVMValueRef zero = LLVMBuildFCmp(c->b, LLVMRealOEQ, args[1], LLVMConstReal(c->t_f64, 0.0), "");
            cg_panic_check(c, zero, "float division by zero", rv->loc);
            r = LLVMBuildFDiv(c->b, args[0], args[1], "");
            break;
        }
        if (!cg_mir_rt[f].mapped) {
            r = cg_call_value_rt(c, f, rv, ops, args);
            break;
        }
        if (cg_mir_rt[f].loc) args[n++] = cg_loc_or_null(c, rv->loc);
        r = cg_rt_call(c, cg_mir_rt[f].fn, args, n);
        break;
    }
    case CALLEE_CLOSURE: r = cg_closure_call(c, rv, ops, args); break;
    case CALLEE_VIRTUAL: {
        uint32_t f = rv->callee.fn;
        if (f >= c->mir->bodies.len || !c->fn_ty[f]) ICE("codegen: virtual call of body %u", f);
        LLVMValueRef code = cg_vtable_slot(c, args[0], rv->callee.slot);
        r = LLVMBuildCall2(c->b, c->fn_ty[f], code, args, n, "");
        break;
    }
    }
    free(args);
    if (cg_type(c, rv->type) == c->t_void) return NULL;
    return r ? r : LLVMGetPoison(cg_type(c, rv->type));
}

/* Aggregates: tuples, options and results are built as values; a class
 * instance is a fresh zeroed object whose fields are stored in order (an
 * object with no operands stays zeroed for a user __init__); list/set/dict
 * literals are a new container the elements are moved into. */
static LLVMValueRef cg_aggregate(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    TypeId t = rv->type;
    uint32_t n = rv->ops_count;
    switch (rv->agg) {
    case AGG_TUPLE: {
        LLVMTypeRef st = cg_mem_type(c, t);
        LLVMValueRef v = LLVMGetUndef(st);
        for (uint32_t i = 0; i < n; i++) {
            LLVMValueRef e = cg_operand(c, &ops[i]);
            if (e) v = LLVMBuildInsertValue(c->b, v, cg_to_mem(c, ops[i].type, e), i, "");
        }
        return v;
    }
    case AGG_OBJECT: {
        LLVMValueRef d = cg_desc(c, t);
        LLVMValueRef obj = cg_rtn(c, "rt_object_new", "p(p)", &d, 1);
        LLVMTypeRef st = cg_object_type(c, t);
        for (uint32_t i = 0; i < n; i++) {
            LLVMValueRef e = cg_operand(c, &ops[i]);
            if (!e) continue;
            LLVMBuildStore(c->b, cg_to_mem(c, ops[i].type, e), LLVMBuildStructGEP2(c->b, st, obj, CG_OBJ_FIELD(i), ""));
        }
        return obj;
    }
    case AGG_SOME:
    case AGG_NONE_OPT: {
        if (cg_option_is_ptr(c, t)) return rv->agg == AGG_SOME ? cg_operand(c, &ops[0]) : LLVMConstNull(c->t_ptr);
        LLVMTypeRef st = cg_mem_type(c, t);
        LLVMValueRef v = LLVMConstNull(st);
        v = LLVMBuildInsertValue(c->b, v, LLVMConstInt(c->t_i8, rv->agg == AGG_SOME, false), 0, "");
        if (rv->agg == AGG_SOME && n) {
            LLVMValueRef e = cg_operand(c, &ops[0]);
            if (e) v = LLVMBuildInsertValue(c->b, v, cg_to_mem(c, ops[0].type, e), 1, "");
        }
        return v;
    }
    case AGG_OK:
    case AGG_ERR: {
        /* built in memory: the payload area is a union */
        LLVMTypeRef st = cg_mem_type(c, t);
        LLVMValueRef slot = cg_alloca(c, st, "res");
        LLVMBuildStore(c->b, LLVMConstNull(st), slot);
        LLVMBuildStore(c->b, LLVMConstInt(c->t_i8, rv->agg == AGG_ERR, false), LLVMBuildStructGEP2(c->b, st, slot, 0, ""));
        if (n) {
            LLVMValueRef e = cg_operand(c, &ops[0]);
            if (e) LLVMBuildStore(c->b, cg_to_mem(c, ops[0].type, e), LLVMBuildStructGEP2(c->b, st, slot, 1, ""));
        }
        return LLVMBuildLoad2(c->b, st, slot, "");
    }
    case AGG_LIST: {
        LLVMValueRef args[2] = {cg_desc(c, cg_targ(t, 0)), cg_i64(c, n)};
        LLVMValueRef l = cg_rtn(c, "rt_list_new", "p(pi)", args, 2);
        for (uint32_t i = 0; i < n; i++) {
            LLVMValueRef pa[2] = {l, cg_spill(c, ops[i].type, cg_operand(c, &ops[i]))};
            cg_rtn(c, "rt_list_push", "v(pp)", pa, 2);
        }
        return l;
    }
    case AGG_SET: {
        LLVMValueRef d = cg_desc(c, cg_targ(t, 0));
        LLVMValueRef s = cg_rtn(c, "rt_set_new", "p(p)", &d, 1);
        for (uint32_t i = 0; i < n; i++) {
            LLVMValueRef pa[2] = {s, cg_spill(c, ops[i].type, cg_operand(c, &ops[i]))};
            cg_rtn(c, "rt_set_add", "b(pp)", pa, 2);
        }
        return s;
    }
    case AGG_DICT: {
        LLVMValueRef ds[2] = {cg_desc(c, cg_targ(t, 0)), cg_desc(c, cg_targ(t, 1))};
        LLVMValueRef d = cg_rtn(c, "rt_dict_new", "p(pp)", ds, 2);
        for (uint32_t i = 0; i + 1 < n; i += 2) {
            LLVMValueRef pa[3] = {d, cg_spill(c, ops[i].type, cg_operand(c, &ops[i])),
                                  cg_spill(c, ops[i + 1].type, cg_operand(c, &ops[i + 1]))};
            cg_rtn(c, "rt_dict_set", "v(ppp)", pa, 3);
        }
        return d;
    }
    case AGG_CLOSURE: return cg_closure_new(c, rv, ops);
    }
    ICE("codegen: aggregate kind %d in %s is not produced by the lowering yet", (int)rv->agg, c->body->symbol);
}

/* The tag of an Option (0 None, 1 Some) or Result (0 Ok, 1 Err), as an int. */
static LLVMValueRef cg_discriminant(Cg *c, const MirRvalue *rv) {
    TypeId t = cg_place_type(c->body, rv->place);
    LLVMValueRef addr = cg_place_addr(c, rv->place);
    if (cg_option_is_ptr(c, t)) {
        LLVMValueRef p = LLVMBuildLoad2(c->b, c->t_ptr, addr, "");
        return LLVMBuildZExt(c->b, LLVMBuildIsNotNull(c->b, p, ""), c->t_i64, "");
    }
    if (cg_type_is_enum(c, t)) return LLVMBuildLoad2(c->b, c->t_i64, addr, "");
    LLVMValueRef tag = LLVMBuildLoad2(c->b, c->t_i8, LLVMBuildStructGEP2(c->b, cg_mem_type(c, t), addr, 0, ""), "");
    return LLVMBuildZExt(c->b, tag, c->t_i64, "");
}

/* isinstance on objects: the dynamic class (the descriptor in the object's
 * header) is the tested class or derives from it. */
static LLVMValueRef cg_isa(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    LLVMValueRef args[2] = {cg_operand(c, &ops[0]), cg_desc(c, rv->isa)};
    return cg_rtn(c, "rt_object_isa", "b(pp)", args, 2);
}

static LLVMValueRef cg_rvalue(Cg *c, const MirRvalue *rv) {
    const MirOperand *ops = rv->ops_count ? &c->body->operands.items[rv->ops_start] : NULL;
    switch (rv->kind) {
    case RV_USE: return cg_operand(c, &ops[0]);
    case RV_BINARY: return cg_binary(c, rv, ops);
    case RV_UNARY: return cg_unary(c, rv, ops);
    case RV_CAST: return cg_cast(c, rv, ops);
    case RV_CALL: return cg_call(c, rv, ops);
    case RV_AGGREGATE: return cg_aggregate(c, rv, ops);
    case RV_DISCRIMINANT: return cg_discriminant(c, rv);
    case RV_ISA: return cg_isa(c, rv, ops);
    case RV_REF: return cg_place_addr(c, rv->place); /* into a MIRL_MUT_REF local */
    }
    ICE("codegen: rvalue kind %d in %s is not produced by the lowering yet", (int)rv->kind, c->body->symbol);
}

/* ==== Statements ========================================================== */

void cg_drop(Cg *c, MirPlace p) {
    TypeId t = cg_place_type(c->body, p);
    if (t == TYPE_STR || t == TYPE_BYTES) {
        LLVMValueRef v = cg_load_place(c, p, t);
        cg_rt_call(c, RT_STR_DROP, &v, 1);
        return;
    }
    if (type_get(t)->kind == TY_CORO) {
        cg_coro_drop(c, cg_load_place(c, p, t));
        return;
    }
    if (type_get(t)->kind == TY_TASK_HANDLE || type_get(t)->kind == TY_CONTEXT ||
        type_get(t)->kind == TY_CONTEXT_KEY || type_get(t)->kind == TY_SYNC) {
        LLVMValueRef h = cg_load_place(c, p, t);
        const char *fn = type_get(t)->kind == TY_SYNC         ? cg_sync_drop_fn(type_sync_kind(t))
                         : type_get(t)->kind == TY_TASK_HANDLE ? "rt_handle_drop"
                         : type_get(t)->kind == TY_CONTEXT   ? "rt_ctx_drop"
                                                             : "rt_ctx_key_drop";
        cg_rtn(c, fn, "v(p)", &h, 1);
        return;
    }
    if (t == TYPE_BOOL || t == TYPE_NONE || t == TYPE_NEVER) ICE("codegen: drop of a %s value in %s", type_name(t), c->body->symbol);
    if ((cg_type_is_object(c, t) && !cg_type_is_enum(c, t)) || cg_option_is_ptr(c, t)) {
        TypeId cls = cg_option_is_ptr(c, t) ? type_get(t)->args[0] : t;
        LLVMValueRef obj = cg_load_place(c, p, t);
        LLVMBuildCall2(c->b, LLVMFunctionType(c->t_void, &c->t_ptr, 1, false), cg_drop_fn(c, cls), &obj, 1, "");
        return;
    }
    /* compound values are in their memory form wherever they live */
    LLVMValueRef args[2] = {cg_desc(c, t), cg_place_addr(c, p)};
    cg_rtn(c, "rt_value_drop", "v(pp)", args, 2);
}

static void cg_stmt(Cg *c, const MirStmt *s) {
    switch (s->kind) {
    case MS_ASSIGN: {
        LLVMValueRef v = cg_rvalue(c, &s->rv);
        cg_store_place(c, s->place, s->rv.type, v);
        return;
    }
    case MS_DROP: cg_drop(c, s->place); return;
    case MS_DROP_IF: {
        LLVMValueRef flag = LLVMBuildLoad2(c->b, c->t_i1, c->local_slot[s->flag], "");
        LLVMBasicBlockRef next = cg_block_after_current(c, "drop.next");
        LLVMBasicBlockRef drop = cg_block_after_current(c, "drop"); /* between the two */
        LLVMBuildCondBr(c->b, flag, drop, next);
        LLVMPositionBuilderAtEnd(c->b, drop);
        cg_drop(c, s->place);
        LLVMBuildBr(c->b, next);
        LLVMPositionBuilderAtEnd(c->b, next);
        return;
    }
    case MS_SET_FLAG:
        LLVMBuildStore(c->b, LLVMConstInt(c->t_i1, s->value ? 1 : 0, false), c->local_slot[s->flag]);
        return;
    case MS_STORAGE_DEAD:
    case MS_NOP: return;
    }
    ICE("codegen: statement kind %d", (int)s->kind);
}

/* ==== Terminators ========================================================= */

/* A block that ends in a panic: the branch into it is marked unlikely. */
static bool cg_block_is_cold(const MirBody *b, MirBlockId id) {
    return id < b->blocks.len && b->blocks.items[id].term.kind == MT_PANIC;
}

static void cg_term(Cg *c, const MirTerm *t) {
    const MirBody *b = c->body;
    switch (t->kind) {
    case MT_GOTO: LLVMBuildBr(c->b, c->bbs[t->target]); return;
    case MT_BRANCH: {
        LLVMValueRef cond = cg_operand(c, &t->cond);
        LLVMValueRef br = LLVMBuildCondBr(c->b, cond, c->bbs[t->then_bb], c->bbs[t->else_bb]);
        bool cold_then = cg_block_is_cold(b, t->then_bb), cold_else = cg_block_is_cold(b, t->else_bb);
        if (cold_then != cold_else) {
            /* weights are (then, else): put the small one on the panic side */
            LLVMMetadataRef md = cold_then ? c->md_unlikely : c->md_likely;
            LLVMSetMetadata(br, c->md_prof, LLVMMetadataAsValue(c->ctx, md));
        }
        return;
    }
    case MT_SWITCH: {
        LLVMValueRef v = cg_operand(c, &t->cond);
        LLVMValueRef sw = LLVMBuildSwitch(c->b, v, c->bbs[t->otherwise], t->cases_count);
        for (uint32_t i = 0; i < t->cases_count; i++)
            LLVMAddCase(sw, LLVMConstInt(LLVMTypeOf(v), (unsigned long long)b->case_values.items[t->cases_start + i], true),
                        c->bbs[b->case_targets.items[t->cases_start + i]]);
        return;
    }
    case MT_AWAIT: cg_coro_await(c, t, c->bbs[t->then_bb], c->bbs[t->else_bb]); return;
    case MT_CANCEL: cg_coro_cancel(c); return;
    case MT_RETURN:
        if (b->is_async) cg_coro_return(c, b);
        else if (cg_type(c, b->ret) == c->t_void) LLVMBuildRetVoid(c->b);
        else LLVMBuildRet(c->b, cg_load_place(c, (MirPlace){0, 0, 0}, b->ret));
        return;
    case MT_PANIC: {
        LLVMValueRef args[2] = {cg_operand(c, &t->cond), cg_loc_or_null(c, t->loc)};
        cg_rt_call(c, RT_PANIC_STR, args, 2); /* noreturn: ends in unreachable */
        return;
    }
    case MT_UNREACHABLE: LLVMBuildUnreachable(c->b); return;
    case MT_NONE: break;
    }
    ICE("codegen: block of %s without a terminator", b->symbol);
}

/* ==== Bodies ============================================================== */

void cg_init_locals(Cg *c, const MirBody *b, LLVMValueRef fn, LLVMBuilderRef at) {
    for (MirLocalId l = 0; l < b->locals.len; l++) {
        const MirLocal *loc = &b->locals.items[l];
        if (!c->local_slot[l]) continue;
        if (loc->flags & MIRL_PARAM) LLVMBuildStore(at, LLVMGetParam(fn, l - 1), c->local_slot[l]);
        else if (loc->flags & MIRL_USER) {
            LLVMValueRef z = cg_zero(c, loc->type);
            if (z) LLVMBuildStore(at, z, c->local_slot[l]);
        }
        /* Temporaries and drop flags are written before they are read
         * (flags by the `flag _f = ...` statements at entry). */
    }
}

void cg_mir_body(Cg *c, const MirBody *b, LLVMValueRef fn) {
    c->body = b;
    c->cur_fn = fn;
    c->entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMPositionBuilderAtEnd(c->alloca_b, c->entry);

    uint32_t nl = b->locals.len, nb = b->blocks.len;
    c->local_slot = xcalloc(nl ? nl : 1, sizeof *c->local_slot);
    c->bbs = xcalloc(nb ? nb : 1, sizeof *c->bbs);
    if (LLVMCountParams(fn) != b->nparams) ICE("codegen: %s has %u parameters in MIR", b->symbol, b->nparams);
    for (MirLocalId l = 0; l < nl; l++) {
        const MirLocal *loc = &b->locals.items[l];
        LLVMTypeRef t = cg_local_type(c, loc);
        if (!t) continue; /* None carries no value */
        const char *name = loc->name ? str_text(loc->name) : "";
        c->local_slot[l] = cg_alloca(c, t, name);
    }
    if (!b->is_async) cg_init_locals(c, b, fn, c->alloca_b); /* else after the frame exists (cg_coro_prologue) */
    for (MirBlockId i = 0; i < nb; i++) {
        char name[24];
        snprintf(name, sizeof name, "bb%u", i);
        c->bbs[i] = LLVMAppendBasicBlockInContext(c->ctx, fn, name);
    }
    LLVMBasicBlockRef start = nb ? c->bbs[0] : NULL;
    if (b->is_async) {
        if (!nb) ICE("codegen: async body %s without blocks", b->symbol);
        start = cg_coro_prologue(c, b, fn, c->bbs[0]);
    }
    for (MirBlockId i = 0; i < nb; i++) {
        const MirBlock *blk = &b->blocks.items[i];
        LLVMPositionBuilderAtEnd(c->b, c->bbs[i]);
        for (uint32_t k = 0; k < blk->stmts.len; k++) cg_stmt(c, &blk->stmts.items[k]);
        cg_term(c, &blk->term);
    }
    if (nb) LLVMBuildBr(c->alloca_b, start);
    else LLVMBuildUnreachable(c->alloca_b);
    free(c->local_slot);
    free(c->bbs);
    c->local_slot = NULL;
    c->bbs = NULL;
    c->body = NULL;
}
