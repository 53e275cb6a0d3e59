/* The module level of code generation: cg_build (the whole pipeline from a
 * checked Program through MIR to an output file), cached LLVM types and
 * attributes, lazy runtime declarations, string-literal and panic-location
 * globals, function declarations and the C `main` that starts the runtime. */
#include <stdarg.h>

#include "cg_internal.h"

/* ==== Runtime declarations ================================================ */

enum { RTF_NORETURN = 1 };

/* Signatures are "ret(params)" with v void, b bool (i1 zeroext, as C's
 * _Bool is passed), w i32, i i64, d double, p pointer. */
static const struct {
    const char *name;
    const char *sig;
    unsigned flags;
} cg_rt_table[RT__COUNT] = {
    [RT_INIT] = {"rt_init", "v(wp)", 0},
    [RT_EXIT] = {"rt_exit", "w(w)", 0},
    [RT_PANIC] = {"rt_panic", "v(pp)", RTF_NORETURN},
    [RT_PANIC_STR] = {"rt_panic_str", "v(pp)", RTF_NORETURN},
    [RT_ASSERT_FAIL] = {"rt_assert_fail", "v(pp)", RTF_NORETURN},
    [RT_PANIC_OVERFLOW] = {"rt_panic_overflow", "v(p)", RTF_NORETURN},
    [RT_PRINT_STR] = {"rt_print_str", "v(p)", 0},
    [RT_PRINT_INT] = {"rt_print_int", "v(i)", 0},
    [RT_PRINT_FLOAT] = {"rt_print_float", "v(d)", 0},
    [RT_PRINT_BOOL] = {"rt_print_bool", "v(b)", 0},
    [RT_PRINT_NONE] = {"rt_print_none", "v()", 0},
    [RT_PRINT_SPACE] = {"rt_print_space", "v()", 0},
    [RT_PRINT_NEWLINE] = {"rt_print_newline", "v()", 0},
    [RT_INT_FLOORDIV] = {"rt_int_floordiv", "i(iip)", 0},
    [RT_INT_MOD] = {"rt_int_mod", "i(iip)", 0},
    [RT_INT_POW] = {"rt_int_pow", "i(iip)", 0},
    [RT_FLOAT_DIV] = {"rt_float_div", "d(ddp)", 0},
    [RT_FLOAT_FLOORDIV] = {"rt_float_floordiv", "d(ddp)", 0},
    [RT_FLOAT_MOD] = {"rt_float_mod", "d(ddp)", 0},
    [RT_FLOAT_POW] = {"rt_float_pow", "d(dd)", 0},
    [RT_FLOAT_TO_INT] = {"rt_float_to_int", "i(dp)", 0},
    [RT_STR_DROP] = {"rt_str_drop", "v(p)", 0},
    [RT_STR_CLONE] = {"rt_str_clone", "p(p)", 0},
    [RT_STR_CONCAT] = {"rt_str_concat", "p(pp)", 0},
    [RT_STR_JOIN_PARTS] = {"rt_str_join_parts", "p(ip)", 0},
    [RT_STR_EQ] = {"rt_str_eq", "b(pp)", 0},
    [RT_STR_CMP] = {"rt_str_cmp", "i(pp)", 0},
    [RT_STR_LEN] = {"rt_str_len", "i(p)", 0},
    [RT_STR_REPR] = {"rt_str_repr", "p(p)", 0},
    [RT_STR_FROM_INT] = {"rt_str_from_int", "p(i)", 0},
    [RT_STR_FROM_FLOAT] = {"rt_str_from_float", "p(d)", 0},
    [RT_STR_FROM_BOOL] = {"rt_str_from_bool", "p(b)", 0},
    [RT_STR_NONE] = {"rt_str_none", "p()", 0},
    [RT_FMT_INT] = {"rt_fmt_int", "p(ipp)", 0},
    [RT_FMT_FLOAT] = {"rt_fmt_float", "p(dpp)", 0},
    [RT_FMT_STR] = {"rt_fmt_str", "p(ppp)", 0},
    [RT_FMT_BOOL] = {"rt_fmt_bool", "p(bpp)", 0},
};

static LLVMTypeRef cg_sig_type(Cg *c, char ch) {
    switch (ch) {
    case 'v': return c->t_void;
    case 'b': return c->t_i1;
    case 'w': return c->t_i32;
    case 'i': return c->t_i64;
    case 'd': return c->t_f64;
    case 'p': return c->t_ptr;
    default: ICE("bad runtime signature character '%c'", ch);
    }
}

static void cg_rt_declare(Cg *c, CgRtFn f) {
    const char *sig = cg_rt_table[f].sig;
    ICE_ASSERT(sig != NULL);
    LLVMTypeRef ret = cg_sig_type(c, sig[0]);
    LLVMTypeRef params[8];
    unsigned n = 0;
    ICE_ASSERT(sig[1] == '(');
    for (const char *p = sig + 2; *p != ')'; p++) {
        ICE_ASSERT(n < 8);
        params[n++] = cg_sig_type(c, *p);
    }
    LLVMTypeRef ty = LLVMFunctionType(ret, params, n, false);
    /* the area files may have declared it by name already (cg_rt_named) */
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, cg_rt_table[f].name);
    if (!fn) fn = LLVMAddFunction(c->mod, cg_rt_table[f].name, ty);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_nounwind);
    if (cg_rt_table[f].flags & RTF_NORETURN) {
        /* noreturn + cold: the optimiser moves panic paths out of hot code. */
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_noreturn);
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_cold);
    }
    /* C's bool travels zero-extended; say so, or the callee may read junk bits. */
    if (sig[0] == 'b') LLVMAddAttributeAtIndex(fn, LLVMAttributeReturnIndex, c->a_zeroext);
    for (unsigned i = 0; i < n; i++)
        if (sig[2 + i] == 'b') LLVMAddAttributeAtIndex(fn, i + 1, c->a_zeroext);
    c->rt_fn[f] = fn;
    c->rt_ty[f] = ty;
}

LLVMValueRef cg_rt_call(Cg *c, CgRtFn f, LLVMValueRef *args, unsigned n) {
    if (!c->rt_fn[f]) cg_rt_declare(c, f);
    LLVMValueRef call = LLVMBuildCall2(c->b, c->rt_ty[f], c->rt_fn[f], args, n, "");
    /* A panic ends its block; the caller decides where code continues
     * (the ok side of a check, or a dead block after `panic(...)`). */
    if (cg_rt_table[f].flags & RTF_NORETURN) LLVMBuildUnreachable(c->b);
    return call;
}

/* ==== Types, diagnostics ================================================== */

void cg_unsupported(Cg *c, NodeId n, const char *what) {
    diag_error(CODE_TYPE_UNSUPPORTED, ast_node(c->ast, n)->span, "%s is not supported yet", what);
    c->failed = true;
}

/* ==== Literal and location globals ======================================== */

/* A private constant with the RtStr layout {len, RT_STR_STATIC, bytes..., NUL}. */
LLVMValueRef cg_str_literal_bytes(Cg *c, const char *s, size_t len) {
    LLVMValueRef fields[3] = {
        LLVMConstInt(c->t_i64, len, false),
        LLVMConstInt(c->t_i64, (unsigned long long)-1LL, true),
        LLVMConstStringInContext2(c->ctx, s, len, false), /* false: append the NUL */
    };
    LLVMValueRef init = LLVMConstStructInContext(c->ctx, fields, 3, false);
    LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), ".str");
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    LLVMSetAlignment(g, 8);
    return g;
}

static void cg_strs_grow(Cg *c) {
    uint32_t ncap = c->strs_cap ? c->strs_cap * 2 : 64;
    CgStrEntry *n = xcalloc(ncap, sizeof *n);
    for (uint32_t i = 0; i < c->strs_cap; i++) {
        if (!c->strs[i].id) continue;
        uint32_t h = (c->strs[i].id * 2654435761u) & (ncap - 1);
        while (n[h].id) h = (h + 1) & (ncap - 1);
        n[h] = c->strs[i];
    }
    free(c->strs);
    c->strs = n;
    c->strs_cap = ncap;
}

/* One global per distinct literal: interned ids make the key a plain integer. */
LLVMValueRef cg_str_literal(Cg *c, StrId s) {
    if ((c->strs_len + 1) * 2 > c->strs_cap) cg_strs_grow(c);
    uint32_t h = (s * 2654435761u) & (c->strs_cap - 1);
    while (c->strs[h].id) {
        if (c->strs[h].id == s) return c->strs[h].global;
        h = (h + 1) & (c->strs_cap - 1);
    }
    if (!s) {
        /* StrId 0 stands for the empty string (zeroed locals, empty f-strings). */
        if (!c->empty_str) c->empty_str = cg_str_literal_bytes(c, "", 0);
        return c->empty_str;
    }
    LLVMValueRef g = cg_str_literal_bytes(c, str_text(s), str_len(s));
    c->strs[h].id = s;
    c->strs[h].global = g;
    c->strs_len++;
    return g;
}

/* A private constant RtLoc {file, line, col} for the node's first byte. */
LLVMValueRef cg_loc(Cg *c, NodeId n) {
    const Node *node = ast_node(c->ast, n);
    if (!c->src_file) {
        SourceFile *sf = source_get(c->ast->file);
        const char *path = sf && sf->path ? sf->path : "<unknown>";
        LLVMValueRef init = LLVMConstStringInContext2(c->ctx, path, strlen(path), false);
        c->src_file = LLVMAddGlobal(c->mod, LLVMTypeOf(init), ".srcfile");
        LLVMSetInitializer(c->src_file, init);
        LLVMSetGlobalConstant(c->src_file, true);
        LLVMSetLinkage(c->src_file, LLVMPrivateLinkage);
        LLVMSetUnnamedAddress(c->src_file, LLVMGlobalUnnamedAddr);
    }
    /* a node of an imported module names its own file (constants with equal
     * text are merged by the optimiser) */
    LLVMValueRef file_g = c->src_file;
    if (node->span.file && node->span.file != c->ast->file) {
        SourceFile *mf = source_get(node->span.file);
        const char *mpath = mf && mf->path ? mf->path : "<unknown>";
        LLVMValueRef minit = LLVMConstStringInContext2(c->ctx, mpath, strlen(mpath), false);
        file_g = LLVMAddGlobal(c->mod, LLVMTypeOf(minit), ".srcfile");
        LLVMSetInitializer(file_g, minit);
        LLVMSetGlobalConstant(file_g, true);
        LLVMSetLinkage(file_g, LLVMPrivateLinkage);
        LLVMSetUnnamedAddress(file_g, LLVMGlobalUnnamedAddr);
    }
    uint32_t line = 0, col = 0;
    if (node->span.file) source_line_col(node->span.file, node->span.lo, &line, &col);
    LLVMValueRef fields[3] = {file_g, LLVMConstInt(c->t_i32, line, false),
                              LLVMConstInt(c->t_i32, col, false)};
    LLVMValueRef init = LLVMConstNamedStruct(c->t_loc, fields, 3);
    LLVMValueRef g = LLVMAddGlobal(c->mod, c->t_loc, ".loc");
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

LLVMValueRef cg_alloca(Cg *c, LLVMTypeRef t, const char *name) {
    return LLVMBuildAlloca(c->alloca_b, t, name);
}

bool cg_terminated(Cg *c) { return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)) != NULL; }

/* ==== Functions =========================================================== */

void cg_fn_attrs(Cg *c, LLVMValueRef fn) {
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_nounwind);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_cpu);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_features);
    if (c->a_frame_ptr) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, c->a_frame_ptr);
}

static LLVMAttributeRef cg_enum_attr(Cg *c, const char *name, uint64_t v) {
    return LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName(name, strlen(name)), v);
}

/* What LLVM may assume of parameter k: a list is a non-null pointer to its
 * 32-byte header (so loads of its length and data pointer can be hoisted
 * out of loops even past a panic check), and a `mut` parameter a non-null
 * pointer to the caller's 8-byte-or-less value. */
static void cg_param_attrs(Cg *c, LLVMValueRef fn, uint32_t k, TypeId t, uint32_t flags) {
    uint64_t bytes = 0;
    if (flags & MIRL_MUT_REF)
        bytes = 1;
    else if (type_get(t)->kind == TY_LIST)
        bytes = 32; /* RtList: len, cap, elem, data */
    if (!bytes) return;
    LLVMAddAttributeAtIndex(fn, k + 1, cg_enum_attr(c, "nonnull", 0));
    LLVMAddAttributeAtIndex(fn, k + 1, cg_enum_attr(c, "dereferenceable", bytes));
    if (bytes == 32) LLVMAddAttributeAtIndex(fn, k + 1, cg_enum_attr(c, "align", 8));
}

/* Declare every user function first so calls can refer to later ones. A
 * `mut` parameter is passed as a pointer to the caller's value. */
static void cg_declare_funcs(Cg *c) {
    const Program *p = c->prog;
    c->fn_val = xcalloc(c->mir->bodies.len + 1, sizeof *c->fn_val); /* lambdas after the functions */
    c->fn_ty = xcalloc(c->mir->bodies.len + 1, sizeof *c->fn_ty);
    for (uint32_t i = 0; i < p->funcs.len; i++) {
        const SemaFunc *f = &p->funcs.items[i];
        if (c->mir->bodies.items[i]->is_template) continue; /* generic: its instances follow the lambdas */
        const Type *ft = type_get(f->type);
        if (!ft || ft->kind != TY_FUNC) ICE("function %s has a non-function type", str_text(f->name));
        LLVMTypeRef *params = xmalloc(sizeof *params * (ft->nargs + 1));
        bool none_param = false;
        const MirBody *mb = c->mir->bodies.items[i];
        if (mb->nparams != ft->nargs) ICE("function %s: %u parameters in MIR, %u in its type", str_text(f->name),
                                          mb->nparams, ft->nargs);
        for (uint32_t k = 0; k < ft->nargs; k++) {
            params[k] = cg_type(c, ft->args[k]);
            none_param |= params[k] == c->t_void;
            if (mb->locals.items[k + 1].flags & MIRL_MUT_REF) params[k] = c->t_ptr;
        }
        if (none_param) {
            free(params);
            cg_unsupported(c, f->def, "a parameter of type None");
            continue;
        }
        /* an async def is its coroutine's ramp: it returns the frame */
        LLVMTypeRef ty = LLVMFunctionType(f->is_async ? c->t_ptr : cg_type(c, f->ret), params, ft->nargs, false);
        free(params);
        LLVMValueRef fn = LLVMAddFunction(c->mod, mb->symbol, ty);
        if (f->is_async) cg_coro_declare(c, fn);
        /* a standard-library `@extern` function is the runtime's: declared only */
        if (!f->rt_symbol) LLVMSetLinkage(fn, LLVMInternalLinkage);
        cg_fn_attrs(c, fn);
        for (uint32_t k = 0; k < ft->nargs; k++) cg_param_attrs(c, fn, k, ft->args[k], mb->locals.items[k + 1].flags);
        c->fn_val[i] = fn;
        c->fn_ty[i] = ty;
    }
}

/* Lambda bodies (after the functions' own, see sema/mir_lower_fn.c): the
 * environment pointer first, then the parameters, all by value. */
static void cg_declare_lambdas(Cg *c) {
    for (uint32_t i = c->prog->funcs.len; i < c->mir->bodies.len; i++) {
        const MirBody *mb = c->mir->bodies.items[i];
        LLVMTypeRef *params = xmalloc(sizeof *params * (mb->nparams + 1));
        for (uint32_t k = 0; k < mb->nparams; k++) {
            const MirLocal *pl = &mb->locals.items[k + 1];
            params[k] = pl->flags & MIRL_MUT_REF ? c->t_ptr : cg_type(c, pl->type);
        }
        c->fn_ty[i] = LLVMFunctionType(cg_type(c, mb->ret), params, mb->nparams, false);
        free(params);
        c->fn_val[i] = LLVMAddFunction(c->mod, mb->symbol, c->fn_ty[i]);
        LLVMSetLinkage(c->fn_val[i], LLVMInternalLinkage);
        cg_fn_attrs(c, c->fn_val[i]);
    }
}

static void cg_define_func(Cg *c, uint32_t index) {
    LLVMValueRef fn = c->fn_val[index];
    if (!fn || c->prog->funcs.items[index].rt_symbol) return;
    /* A fast-path candidate's body becomes F.checked, and its self-calls
     * call F.checked too; F itself is defined by cg_fastpath_define. */
    LLVMValueRef public_fn = fn;
    LLVMValueRef checked = cg_fastpath_checked(c, index);
    if (checked) fn = c->fn_val[index] = checked;
    cg_mir_body(c, c->mir->bodies.items[index], fn);
    if (checked) {
        c->fn_val[index] = public_fn;
        cg_fastpath_define(c, index);
    }
}

/* int main(int argc, char **argv) { rt_init(argc, argv); main.main(); return rt_exit(0); } */
static void cg_define_c_main(Cg *c) {
    const Program *p = c->prog;
    if (p->main_func < 0 || (uint32_t)p->main_func >= p->funcs.len) ICE("program has no main function");
    const SemaFunc *m = &p->funcs.items[p->main_func];
    bool ret_result = type_get(m->ret)->kind == TY_RESULT; /* Result[None, E]: an Err exits 1 */
    if (m->params.len != 0 || (m->ret != TYPE_NONE && !ret_result)) {
        cg_unsupported(c, m->def, "this signature of `main`");
        return;
    }
    LLVMValueRef user_main = c->fn_val[p->main_func];
    if (!user_main) return; /* already diagnosed (async main) */
    LLVMTypeRef params[2] = {c->t_i32, c->t_ptr};
    LLVMTypeRef ty = LLVMFunctionType(c->t_i32, params, 2, false);
    LLVMValueRef fn = LLVMAddFunction(c->mod, "main", ty);
    cg_fn_attrs(c, fn);
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMPositionBuilderAtEnd(c->b, bb);
    LLVMValueRef args[2] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1)};
    cg_rt_call(c, RT_INIT, args, 2);
    LLVMValueRef res = LLVMBuildCall2(c->b, c->fn_ty[p->main_func], user_main, NULL, 0, "");
    if (m->is_async) {
        /* `async def main`: its coroutine is the root task of the runtime */
        LLVMValueRef aargs[2] = {res, ret_result ? cg_desc(c, m->ret) : LLVMConstNull(c->t_ptr)};
        LLVMBuildRet(c->b, cg_rtn(c, "rt_async_main", "w(pp)", aargs, 2)); /* it calls rt_exit */
        return;
    }
    if (ret_result) {
        /* rt_main_result prints "Error: <repr>" for an Err and exits */
        LLVMValueRef slot = LLVMBuildAlloca(c->b, cg_mem_type(c, m->ret), "main.result");
        LLVMBuildStore(c->b, cg_to_mem(c, m->ret, res), slot);
        LLVMValueRef args2[2] = {cg_desc(c, m->ret), slot};
        LLVMBuildRet(c->b, cg_rtn(c, "rt_main_result", "w(pp)", args2, 2));
        return;
    }
    LLVMValueRef code = LLVMConstInt(c->t_i32, 0, false);
    LLVMBuildRet(c->b, cg_rt_call(c, RT_EXIT, &code, 1));
}

/* ==== The build =========================================================== */

static void cg_init_types(Cg *c) {
    LLVMContextRef x = c->ctx;
    c->t_void = LLVMVoidTypeInContext(x);
    c->t_i1 = LLVMInt1TypeInContext(x);
    c->t_i8 = LLVMInt8TypeInContext(x);
    c->t_i32 = LLVMInt32TypeInContext(x);
    c->t_i64 = LLVMInt64TypeInContext(x);
    c->t_f64 = LLVMDoubleTypeInContext(x);
    c->t_ptr = LLVMPointerTypeInContext(x, 0);
    c->t_loc = LLVMStructCreateNamed(x, "RtLoc");
    LLVMTypeRef loc_fields[3] = {c->t_ptr, c->t_i32, c->t_i32};
    LLVMStructSetBody(c->t_loc, loc_fields, 3, false);

#define CG_ENUM_ATTR(name) LLVMCreateEnumAttribute(x, LLVMGetEnumAttributeKindForName(name, strlen(name)), 0)
    c->a_nounwind = CG_ENUM_ATTR("nounwind");
    c->a_noreturn = CG_ENUM_ATTR("noreturn");
    c->a_cold = CG_ENUM_ATTR("cold");
    c->a_zeroext = CG_ENUM_ATTR("zeroext");
#undef CG_ENUM_ATTR
    c->a_cpu = LLVMCreateStringAttribute(x, "target-cpu", 10, c->cpu, (unsigned)strlen(c->cpu));
    c->a_features = LLVMCreateStringAttribute(x, "target-features", 15, c->features,
                                              (unsigned)strlen(c->features));
    c->a_frame_ptr = c->opts->release ? NULL : LLVMCreateStringAttribute(x, "frame-pointer", 13, "all", 3);

    c->md_prof = LLVMGetMDKindIDInContext(x, "prof", 4);
    LLVMMetadataRef w[3] = {
        LLVMMDStringInContext2(x, "branch_weights", 14),
        LLVMValueAsMetadata(LLVMConstInt(c->t_i32, 1, false)),
        LLVMValueAsMetadata(LLVMConstInt(c->t_i32, 1 << 20, false)),
    };
    c->md_unlikely = LLVMMDNodeInContext2(x, w, 3);
    LLVMMetadataRef wl[3] = {w[0], w[2], w[1]};
    c->md_likely = LLVMMDNodeInContext2(x, wl, 3);
}

static void cg_free(Cg *c) {
    if (c->b) LLVMDisposeBuilder(c->b);
    if (c->alloca_b) LLVMDisposeBuilder(c->alloca_b);
    if (c->mod) LLVMDisposeModule(c->mod);
    if (c->ctx) LLVMContextDispose(c->ctx);
    cg_types_free(c);
    cg_target_free(c);
    free(c->coro);
    free(c->fn_val);
    free(c->fn_ty);
    free(c->strs);
    free(c->slots);
    vec_free(&c->field_tbaa);
    cg_fastpath_free(c);
}

bool cg_build(const Program *prog, const CodegenOptions *opts) {
    ICE_ASSERT(prog && prog->ast && opts && opts->output);
    if (!cg_check_supported(prog)) return false;
    /* Every function is generated from its MIR: drop elaboration decided
     * where each owned value dies. */
    MirProgram mir;
    if (!mir_build(prog, &mir)) {
        mir_program_free(&mir);
        return false;
    }
    if (mir.bodies.len < prog->funcs.len) ICE("MIR has %u bodies for %u functions", mir.bodies.len, prog->funcs.len);
    Cg cg;
    memset(&cg, 0, sizeof cg);
    Cg *c = &cg;
    c->prog = prog;
    c->ast = prog->ast;
    c->opts = opts;
    c->mir = &mir;
    if (!cg_target_init(c)) {
        cg_free(c);
        mir_program_free(&mir);
        return false;
    }
    c->ctx = LLVMContextCreate();
    const char *mname = prog->module_name ? prog->module_name : "main";
    c->mod = LLVMModuleCreateWithNameInContext(mname, c->ctx);
    {
        SourceFile *sf = source_get(c->ast->file);
        if (sf && sf->path) LLVMSetSourceFileName(c->mod, sf->path, strlen(sf->path));
    }
    LLVMSetTarget(c->mod, c->triple);
    LLVMTargetDataRef td = LLVMCreateTargetDataLayout(c->tm);
    char *dl = LLVMCopyStringRepOfTargetData(td);
    LLVMSetDataLayout(c->mod, dl);
    LLVMDisposeMessage(dl);
    LLVMDisposeTargetData(td);
    if (strncmp(c->triple, "riscv64", 7) == 0) {
        /* Must match the lp64d ABI of Debian's riscv64 crt files and libc. */
        LLVMAddModuleFlag(c->mod, LLVMModuleFlagBehaviorError, "target-abi", 10,
                          LLVMMDStringInContext2(c->ctx, "lp64d", 5));
    }
    c->b = LLVMCreateBuilderInContext(c->ctx);
    c->alloca_b = LLVMCreateBuilderInContext(c->ctx);
    cg_init_types(c);
    cg_types_init(c);
    c->slots = xcalloc(prog->syms.len ? prog->syms.len : 1, sizeof *c->slots);

    cg_declare_funcs(c);
    cg_declare_lambdas(c);
    cg_fastpath_plan(c);
    for (uint32_t i = 0; i < prog->funcs.len; i++) cg_define_func(c, i);
    for (uint32_t i = prog->funcs.len; i < mir.bodies.len; i++) cg_mir_body(c, mir.bodies.items[i], c->fn_val[i]);
    cg_define_c_main(c);

    bool ok = false;
    if (!c->failed) {
        cg_verify_and_optimize(c);
        ok = cg_emit_output(c);
    }
    cg_free(c);
    mir_program_free(&mir);
    return ok;
}

bool cg_parse_emit(const char *name, EmitKind *out) {
    static const struct {
        const char *name;
        EmitKind kind;
    } kinds[] = {
        {"exe", EMIT_EXE}, {"obj", EMIT_OBJ}, {"asm", EMIT_ASM}, {"llvm-ir", EMIT_LLVM_IR}, {"bc", EMIT_BC},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(name, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return true;
        }
    }
    return false;
}
