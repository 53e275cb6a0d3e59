/* Code generation of function values: closure objects (AGG_CLOSURE) and
 * calls through them (CALLEE_CLOSURE), lowered by sema/mir_lower_fn.c.
 *
 * A closure is an RtClosure {code, env, env_type} (rt/sifr_rt_values.h).
 * `env` is a heap object {header, captures...}: the header is its RtType
 * (an RT_K_CLASS descriptor made here, one per capture tuple type, so the
 * runtime drops and clones it like any object), the captures follow as one
 * tuple at offset 8. The code takes a pointer to that tuple first, then the
 * arguments by value; a closure without captures has a NULL env. Lambda
 * bodies have exactly that signature; a named function or method used as a
 * value gets an adapter that loads the captures (a bound method's self)
 * and calls it. Globals are found again by name, so nothing is cached. */
#include "cg_internal.h"

/* Only the RtKind numbering and the RtType field order are taken from the
 * runtime ABI. */
#include "../rt/sifr_rt_values.h"

/* Offset of the capture tuple inside the environment object: the header
 * word, then the tuple (its alignment is at most 8). */
#define CG_ENV_TUPLE_OFFSET 8

/* A private thunk `void name(const RtClosure *fn, ptr...)` (nparams
 * pointers) calling closures of type ft: its builder, at the entry, with
 * the closure's code and capture tuple loaded. */
static LLVMBuilderRef cg_thunk_begin(Cg *c, const char *name, unsigned nparams, TypeId ft, LLVMValueRef *fn,
                                     LLVMValueRef *code, LLVMValueRef *tuple) {
    LLVMTypeRef ps[3] = {c->t_ptr, c->t_ptr, c->t_ptr};
    *fn = LLVMAddFunction(c->mod, name, LLVMFunctionType(c->t_void, ps, nparams, false));
    LLVMSetLinkage(*fn, LLVMPrivateLinkage);
    cg_fn_attrs(c, *fn);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, *fn, "entry"));
    LLVMValueRef cl = LLVMBuildLoad2(b, cg_mem_type(c, ft), LLVMGetParam(*fn, 0), "");
    *code = LLVMBuildExtractValue(b, cl, 0, "code");
    LLVMValueRef off = cg_i64(c, CG_ENV_TUPLE_OFFSET);
    *tuple = LLVMBuildGEP2(b, c->t_i8, LLVMBuildExtractValue(b, cl, 1, "env"), &off, 1, "");
    return b;
}

/* The end of a thunk: the wrapped function's result `r` (of type ret) is
 * stored at parameter `out` in its memory form; return; the builder ends. */
static void cg_thunk_end(Cg *c, LLVMBuilderRef b, LLVMValueRef fn, LLVMValueRef r, TypeId ret, unsigned out) {
    if (cg_type(c, ret) != c->t_void) {
        if (ret == TYPE_BOOL) r = LLVMBuildZExt(b, r, c->t_i8, "");
        LLVMBuildStore(b, r, LLVMGetParam(fn, out));
    }
    LLVMBuildRetVoid(b);
    LLVMDisposeBuilder(b);
}

/* The RtKeyThunk of a sort key of type `ft` over elements of type `elem`:
 * void (const RtClosure *key, const void *elem, void *out). */
static LLVMValueRef cg_key_thunk(Cg *c, TypeId ft, TypeId elem) {
    char name[64];
    snprintf(name, sizeof name, ".keythunk.%u.%u", ft, elem);
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    if (fn) return fn;
    const Type *t = type_get(ft);
    if (t->nargs != 1 || t->args[0] != elem) ICE("codegen: sort key %s over %s", type_name(ft), type_name(elem));
    LLVMValueRef code, tuple;
    LLVMBuilderRef b = cg_thunk_begin(c, name, 3, ft, &fn, &code, &tuple);
    LLVMValueRef e = LLVMBuildLoad2(b, cg_mem_type(c, elem), LLVMGetParam(fn, 1), "");
    if (elem == TYPE_BOOL) e = LLVMBuildICmp(b, LLVMIntNE, e, LLVMConstInt(c->t_i8, 0, false), "");
    LLVMTypeRef cps[2] = {c->t_ptr, cg_type(c, elem)};
    LLVMTypeRef rty = cg_type(c, t->ret);
    LLVMValueRef args[2] = {tuple, e};
    LLVMValueRef r = LLVMBuildCall2(b, LLVMFunctionType(rty, cps, 2, false), code, args, 2, "");
    cg_thunk_end(c, b, fn, r, t->ret, 2);
    return fn;
}

/* The RtBlockThunk of a function value of type `ft` (no parameters):
 * void (const RtClosure *fn, void *out), for spawn_blocking / spawn_cpu. */
static LLVMValueRef cg_block_thunk(Cg *c, TypeId ft) {
    char name[48];
    snprintf(name, sizeof name, ".blockthunk.%u", ft);
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    if (fn) return fn;
    const Type *t = type_get(ft);
    if (t->nargs != 0) ICE("codegen: spawn_blocking of a %s", type_name(ft));
    LLVMValueRef code, tuple;
    LLVMBuilderRef b = cg_thunk_begin(c, name, 2, ft, &fn, &code, &tuple);
    LLVMTypeRef cps[1] = {c->t_ptr};
    LLVMTypeRef rty = cg_type(c, t->ret);
    LLVMValueRef r = LLVMBuildCall2(b, LLVMFunctionType(rty, cps, 1, false), code, &tuple, 1, "");
    cg_thunk_end(c, b, fn, r, t->ret, 1);
    return fn;
}

/* The result of a finished spawn_blocking / spawn_cpu job (NULL for
 * None); frees the job. */
LLVMValueRef cg_blocking_take(Cg *c, LLVMValueRef job, TypeId ret) {
    LLVMValueRef v = NULL;
    if (cg_type(c, ret) != c->t_void) {
        LLVMValueRef p = cg_rtn(c, "rt_blocking_result", "p(p)", &job, 1);
        v = cg_from_mem(c, ret, LLVMBuildLoad2(c->b, cg_mem_type(c, ret), p, "result"));
    }
    cg_rtn(c, "rt_blocking_free", "v(p)", &job, 1);
    return v;
}

LLVMValueRef cg_rt_fn(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    (void)rv;
    switch (f) {
    case MRT_BLOCKING_NEW: {
        TypeId ft = ops[0].type;
        LLVMValueRef args[5] = {cg_spill(c, ft, a[0]), cg_desc(c, ft), cg_block_thunk(c, ft),
                                cg_desc(c, type_get(ft)->ret), a[1]};
        return cg_rtn(c, "rt_blocking_new", "p(ppppb)", args, 5);
    }
    case MRT_LIST_SORT_KEY: {
        TypeId ft = ops[1].type, elem = cg_targ(ops[0].type, 0);
        LLVMValueRef args[5] = {a[0], cg_spill(c, ft, a[1]), cg_desc(c, type_get(ft)->ret), cg_key_thunk(c, ft, elem),
                                a[2]};
        return cg_rtn(c, "rt_list_sort_key", "v(ppppb)", args, 5);
    }
    default: return NULL;
    }
}

/* The heap struct of an environment holding tuple `envt`. */
static LLVMTypeRef cg_env_type(Cg *c, TypeId envt) {
    LLVMTypeRef f[2] = {c->t_ptr, cg_mem_type(c, envt)};
    return LLVMStructTypeInContext(c->ctx, f, 2, false);
}

/* The RT_K_CLASS descriptor of an environment holding tuple `envt`. */
static LLVMValueRef cg_env_desc(Cg *c, TypeId envt) {
    char name[48];
    snprintf(name, sizeof name, ".envdesc.%u", envt);
    LLVMValueRef g = LLVMGetNamedGlobal(c->mod, name);
    if (g) return g;
    LLVMTypeRef t_desc = LLVMGetTypeByName2(c->ctx, "RtType");
    LLVMTypeRef t_field = LLVMGetTypeByName2(c->ctx, "RtField");
    if (!t_desc || !t_field || LLVMCountStructElementTypes(t_desc) < 10)
        ICE("codegen: the RtType layout is not declared");
    g = LLVMAddGlobal(c->mod, t_desc, name);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);

    const Type *et = type_get(envt);
    LLVMTypeRef objst = cg_env_type(c, envt), mem = cg_mem_type(c, envt);
    if (cg_offset_of(c, objst, 1) != CG_ENV_TUPLE_OFFSET) ICE("codegen: environment tuple of %s is misplaced", type_name(envt));
    LLVMValueRef *fs = xmalloc(sizeof *fs * (et->nargs + 1));
    for (uint32_t i = 0; i < et->nargs; i++) {
        LLVMValueRef fv[3] = {
            LLVMConstNull(c->t_ptr),
            LLVMConstInt(c->t_i32, CG_ENV_TUPLE_OFFSET + cg_offset_of(c, mem, i), false),
            cg_desc(c, et->args[i]),
        };
        fs[i] = LLVMConstNamedStruct(t_field, fv, 3);
    }
    LLVMValueRef fields = LLVMConstNull(c->t_ptr);
    if (et->nargs) {
        LLVMValueRef init = LLVMConstArray2(t_field, fs, et->nargs);
        fields = LLVMAddGlobal(c->mod, LLVMTypeOf(init), ".envfields");
        LLVMSetInitializer(fields, init);
        LLVMSetGlobalConstant(fields, true);
        LLVMSetLinkage(fields, LLVMPrivateLinkage);
    }
    free(fs);

    /* struct RtType: every member zero except the ones an object needs */
    unsigned nd = LLVMCountStructElementTypes(t_desc);
    LLVMValueRef *v = xmalloc(sizeof *v * nd);
    for (unsigned i = 0; i < nd; i++) v[i] = LLVMConstNull(LLVMStructGetTypeAtIndex(t_desc, i));
    v[0] = LLVMConstInt(c->t_i32, RT_K_CLASS, false);                     /* kind */
    v[1] = LLVMConstInt(c->t_i32, 8, false);                              /* size: the pointer */
    v[2] = LLVMConstInt(c->t_i32, 8, false);                              /* align */
    v[4] = cg_cstring(c, "<closure environment>");                      /* name */
    v[7] = LLVMConstInt(c->t_i32, et->nargs, false);                      /* nfields */
    v[8] = fields;                                                        /* fields */
    v[9] = LLVMConstInt(c->t_i32, cg_size_of(c, objst), false);           /* object_size */
    LLVMSetInitializer(g, LLVMConstNamedStruct(t_desc, v, nd));
    free(v);
    return g;
}

/* The adapter putting named function `fi` behind the closure calling
 * convention: (tuple *env, args...) -> fi(env captures..., args...). */
static LLVMValueRef cg_adapter_of(Cg *c, uint32_t fi, TypeId envt, TypeId ftype) {
    char name[64];
    snprintf(name, sizeof name, ".adapt.%u.%u", fi, envt);
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    if (fn) return fn;
    if (fi >= c->mir->bodies.len || !c->fn_val[fi]) ICE("codegen: function value of the undeclared function %u", fi);
    const Type *ft = type_get(ftype), *et = type_get(envt);
    uint32_t np = ft->nargs, nc = et->nargs;
    if (LLVMCountParamTypes(c->fn_ty[fi]) != np + nc) ICE("codegen: adapter of function %u: arity", fi);
    LLVMTypeRef *ps = xmalloc(sizeof *ps * (np + 1));
    ps[0] = c->t_ptr;
    for (uint32_t i = 0; i < np; i++) ps[1 + i] = cg_type(c, ft->args[i]);
    LLVMTypeRef fty = LLVMFunctionType(cg_type(c, ft->ret), ps, np + 1, false);
    free(ps);
    fn = LLVMAddFunction(c->mod, name, fty);
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    cg_fn_attrs(c, fn);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    LLVMValueRef *args = xmalloc(sizeof *args * (np + nc + 1));
    LLVMTypeRef mem = cg_mem_type(c, envt);
    for (uint32_t k = 0; k < nc; k++) {
        LLVMValueRef at = LLVMBuildStructGEP2(b, mem, LLVMGetParam(fn, 0), k, "");
        LLVMValueRef v = LLVMBuildLoad2(b, cg_mem_type(c, et->args[k]), at, "");
        if (et->args[k] == TYPE_BOOL) v = LLVMBuildICmp(b, LLVMIntNE, v, LLVMConstInt(c->t_i8, 0, false), "");
        args[k] = v;
    }
    for (uint32_t i = 0; i < np; i++) args[nc + i] = LLVMGetParam(fn, 1 + i);
    LLVMValueRef r = LLVMBuildCall2(b, c->fn_ty[fi], c->fn_val[fi], args, np + nc, "");
    if (cg_type(c, ft->ret) == c->t_void) LLVMBuildRetVoid(b);
    else LLVMBuildRet(b, r);
    LLVMDisposeBuilder(b);
    free(args);
    return fn;
}

LLVMValueRef cg_closure_new(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    uint32_t fi = rv->callee.fn, n = rv->ops_count;
    if (fi >= c->mir->bodies.len) ICE("codegen: closure of body %u out of range", fi);
    TypeId *tys = xmalloc(sizeof *tys * (n + 1));
    for (uint32_t i = 0; i < n; i++) tys[i] = ops[i].type;
    TypeId envt = type_tuple(tys, n);
    free(tys);
    /* bodies past the functions are lambdas (already (env, args...)) or
     * instances of generic functions (plain functions: adapted) */
    bool lambda = fi >= c->prog->funcs.len && !c->mir->bodies.items[fi]->targs;
    LLVMValueRef code = lambda ? c->fn_val[fi] : cg_adapter_of(c, fi, envt, rv->type);
    if (!code) ICE("codegen: closure of the undeclared body %u", fi);
    LLVMValueRef env = LLVMConstNull(c->t_ptr), desc = LLVMConstNull(c->t_ptr);
    if (n) {
        desc = cg_env_desc(c, envt);
        env = cg_rtn(c, "rt_object_new", "p(p)", &desc, 1);
        LLVMTypeRef objst = cg_env_type(c, envt), mem = cg_mem_type(c, envt);
        LLVMValueRef tuple = LLVMBuildStructGEP2(c->b, objst, env, 1, "");
        for (uint32_t i = 0; i < n; i++) {
            LLVMValueRef e = cg_operand(c, &ops[i]);
            if (!e) continue;
            LLVMBuildStore(c->b, cg_to_mem(c, ops[i].type, e), LLVMBuildStructGEP2(c->b, mem, tuple, i, ""));
        }
    }
    LLVMValueRef v = LLVMGetUndef(cg_mem_type(c, rv->type));
    v = LLVMBuildInsertValue(c->b, v, code, 0, "");
    v = LLVMBuildInsertValue(c->b, v, env, 1, "");
    return LLVMBuildInsertValue(c->b, v, desc, 2, "");
}

LLVMValueRef cg_closure_call(Cg *c, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *args) {
    uint32_t n = rv->ops_count;
    if (n < 1) ICE("codegen: a closure call without the closure");
    LLVMValueRef code = LLVMBuildExtractValue(c->b, args[0], 0, "code");
    LLVMValueRef env = LLVMBuildExtractValue(c->b, args[0], 1, "env");
    /* the tuple behind the header; never read when there are no captures
     * (env NULL), so the address is computed without `inbounds` */
    LLVMValueRef off = cg_i64(c, CG_ENV_TUPLE_OFFSET);
    LLVMValueRef tuple = LLVMBuildGEP2(c->b, c->t_i8, env, &off, 1, "");
    LLVMTypeRef *ps = xmalloc(sizeof *ps * (n + 1));
    LLVMValueRef *as = xmalloc(sizeof *as * (n + 1));
    ps[0] = c->t_ptr;
    as[0] = tuple;
    for (uint32_t i = 1; i < n; i++) {
        ps[i] = cg_type(c, ops[i].type);
        if (ps[i] == c->t_void || !args[i]) ICE("codegen: a None argument to a function value");
        as[i] = args[i];
    }
    LLVMTypeRef fty = LLVMFunctionType(cg_type(c, rv->type), ps, n, false);
    LLVMValueRef r = LLVMBuildCall2(c->b, fty, code, as, n, "");
    free(ps);
    free(as);
    return r;
}
