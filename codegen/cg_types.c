/* Value layouts and type descriptors: the LLVM type of every Sifr type (in
 * a register and in memory, per the layouts of rt/sifr_rt_values.h), the
 * heap-object struct of each class, and one constant RtType global per
 * concrete type the program uses, created on demand and cached by TypeId. */
#include "cg_internal.h"

/* Only the RtKind numbering and RtType layout are taken from the runtime ABI. */
#include "../rt/sifr_rt_values.h"

/* ==== The cache =========================================================== */

typedef struct CgTypeEntry {
    TypeId id;        /* 0 = empty slot */
    LLVMTypeRef mem;  /* memory type */
    LLVMTypeRef obj;  /* classes: the heap object struct */
    LLVMValueRef desc;
    LLVMValueRef drop; /* classes: the specialised drop function (cg_drop_fn) */
} CgTypeEntry;

struct CgTypes {
    CgTypeEntry *slots;
    uint32_t cap, len;
    LLVMTargetDataRef td;
    LLVMTypeRef t_desc, t_field;
    LLVMValueRef prim[TYPE_RANGE + 1];
};

static CgTypeEntry *cg_tentry(Cg *c, TypeId t) {
    CgTypes *T = c->types;
    if ((T->len + 1) * 2 > T->cap) {
        uint32_t ncap = T->cap ? T->cap * 2 : 64;
        CgTypeEntry *n = xcalloc(ncap, sizeof *n);
        for (uint32_t i = 0; i < T->cap; i++) {
            if (!T->slots[i].id) continue;
            uint32_t h = (T->slots[i].id * 2654435761u) & (ncap - 1);
            while (n[h].id) h = (h + 1) & (ncap - 1);
            n[h] = T->slots[i];
        }
        free(T->slots);
        T->slots = n;
        T->cap = ncap;
    }
    uint32_t h = (t * 2654435761u) & (T->cap - 1);
    while (T->slots[h].id && T->slots[h].id != t) h = (h + 1) & (T->cap - 1);
    if (!T->slots[h].id) {
        T->slots[h].id = t;
        T->len++;
    }
    return &T->slots[h];
}

void cg_types_init(Cg *c) {
    c->types = xcalloc(1, sizeof *c->types);
    c->types->td = LLVMCreateTargetDataLayout(c->tm);
    LLVMTypeRef i32 = c->t_i32, p = c->t_ptr;
    /* struct RtType, field for field (C layout: natural alignment) */
    LLVMTypeRef df[21] = {i32, i32, i32, i32, p, i32, p, i32, p, i32, i32, p, p, p, p, p, c->t_i8, p, i32, p, p};
    c->types->t_desc = LLVMStructCreateNamed(c->ctx, "RtType");
    LLVMStructSetBody(c->types->t_desc, df, 21, false);
    LLVMTypeRef ff[3] = {p, i32, p};
    c->types->t_field = LLVMStructCreateNamed(c->ctx, "RtField");
    LLVMStructSetBody(c->types->t_field, ff, 3, false);
}

void cg_types_free(Cg *c) {
    if (!c->types) return;
    if (c->types->td) LLVMDisposeTargetData(c->types->td);
    free(c->types->slots);
    free(c->types);
    c->types = NULL;
}

uint64_t cg_size_of(Cg *c, LLVMTypeRef t) { return LLVMABISizeOfType(c->types->td, t); }
static uint32_t cg_align_of(Cg *c, LLVMTypeRef t) { return LLVMABIAlignmentOfType(c->types->td, t); }
uint64_t cg_offset_of(Cg *c, LLVMTypeRef st, unsigned i) { return LLVMOffsetOfElement(c->types->td, st, i); }

/* ==== Classification ====================================================== */

bool cg_type_is_enum(Cg *c, TypeId t) {
    const ClassInfo *ci = prog_class_of(c->prog, t);
    return ci && (ci->flags & CLS_ENUM);
}

bool cg_type_is_object(Cg *c, TypeId t) {
    const ClassInfo *ci = prog_class_of(c->prog, t);
    return ci && !(ci->flags & CLS_ENUM);
}

/* `T | None` of a class is the nullable object pointer itself. */
bool cg_option_is_ptr(Cg *c, TypeId t) {
    const Type *ty = type_get(t);
    return ty->kind == TY_OPTION && cg_type_is_object(c, ty->args[0]);
}

/* The declared field types of a class instance, with the class's type
 * variables replaced by the instance's arguments. */
TypeId cg_field_type(Cg *c, TypeId cls, uint32_t i) {
    const ClassInfo *ci = prog_class_of(c->prog, cls);
    if (!ci || i >= ci->fields.len) ICE("codegen: field %u of %s", i, type_name(cls));
    TypeId ft = ci->fields.items[i].type;
    const Type *ty = type_get(cls);
    if (ci->tparams.len && ty->nargs == ci->tparams.len)
        ft = type_subst(ft, ci->tparams.items, ty->args, ty->nargs);
    return ft;
}

/* ==== LLVM types ========================================================== */

LLVMTypeRef cg_type(Cg *c, TypeId t) {
    switch (t) {
    case TYPE_INT: return c->t_i64;
    case TYPE_FLOAT: return c->t_f64;
    case TYPE_BOOL: return c->t_i1;
    case TYPE_STR:
    case TYPE_BYTES: return c->t_ptr;
    case TYPE_NONE:
    case TYPE_NEVER: return c->t_void;
    default: break;
    }
    return cg_mem_type(c, t);
}

/* The Result payload area: as large and as aligned as the larger variant. */
static LLVMTypeRef cg_union2(Cg *c, TypeId a, TypeId b) {
    LLVMTypeRef ta = cg_mem_type(c, a), tb = cg_mem_type(c, b);
    uint64_t size = cg_size_of(c, ta) > cg_size_of(c, tb) ? cg_size_of(c, ta) : cg_size_of(c, tb);
    uint32_t al = cg_align_of(c, ta) > cg_align_of(c, tb) ? cg_align_of(c, ta) : cg_align_of(c, tb);
    LLVMTypeRef unit = al >= 8 ? c->t_i64 : al >= 4 ? c->t_i32 : c->t_i8;
    uint64_t n = (size + al - 1) / al;
    return LLVMArrayType2(unit, n);
}

LLVMTypeRef cg_mem_type(Cg *c, TypeId t) {
    switch (t) {
    case TYPE_INT: return c->t_i64;
    case TYPE_FLOAT: return c->t_f64;
    case TYPE_BOOL: return c->t_i8;
    case TYPE_STR:
    case TYPE_BYTES: return c->t_ptr;
    case TYPE_NONE:
    case TYPE_NEVER: return LLVMStructTypeInContext(c->ctx, NULL, 0, false);
    default: break;
    }
    CgTypeEntry *e = cg_tentry(c, t);
    if (e->mem) return e->mem;
    const Type *ty = type_get(t);
    LLVMTypeRef r = NULL;
    switch (ty->kind) {
    case TY_LIST:
    case TY_DICT:
    case TY_SET:
    case TY_CORO: /* a coroutine: its frame */
    case TY_TASK_SCOPE: /* an RtScope */
    case TY_TIMEOUT: /* an RtTimerEntry */
    case TY_TASK_GROUP: /* an RtScope */
    case TY_CONTEXT:     /* an RtCtx */
    case TY_CONTEXT_KEY: /* an RtCtxKey */
    case TY_SYNC:        /* a sifr.sync object (rt/rt_sync_api.c) */
    case TY_TASK_HANDLE: r = c->t_ptr; break; /* an RtTask */
    case TY_CLASS: r = cg_type_is_enum(c, t) ? c->t_i64 : c->t_ptr; break;
    case TY_TUPLE: {
        LLVMTypeRef *f = xmalloc(sizeof *f * (ty->nargs + 1));
        for (uint32_t i = 0; i < ty->nargs; i++) f[i] = cg_mem_type(c, ty->args[i]);
        r = LLVMStructTypeInContext(c->ctx, f, ty->nargs, false);
        free(f);
        break;
    }
    case TY_OPTION: {
        if (cg_option_is_ptr(c, t)) {
            r = c->t_ptr;
            break;
        }
        LLVMTypeRef f[2] = {c->t_i8, cg_mem_type(c, ty->args[0])};
        r = LLVMStructTypeInContext(c->ctx, f, 2, false);
        break;
    }
    case TY_RESULT: {
        LLVMTypeRef f[2] = {c->t_i8, cg_union2(c, ty->args[0], ty->args[1])};
        r = LLVMStructTypeInContext(c->ctx, f, 2, false);
        break;
    }
    case TY_FUNC: {
        LLVMTypeRef f[3] = {c->t_ptr, c->t_ptr, c->t_ptr};
        r = LLVMStructTypeInContext(c->ctx, f, 3, false);
        break;
    }
    default: ICE("codegen: no layout for type %s (id %u)", type_name(t), t);
    }
    e = cg_tentry(c, t); /* the table may have grown */
    e->mem = r;
    return r;
}

/* The heap object of a class instance: its fields in declaration order. */
LLVMTypeRef cg_object_type(Cg *c, TypeId t) {
    CgTypeEntry *e = cg_tentry(c, t);
    if (e->obj) return e->obj;
    const ClassInfo *ci = prog_class_of(c->prog, t);
    if (!ci) ICE("codegen: object type of %s", type_name(t));
    LLVMTypeRef st = LLVMStructCreateNamed(c->ctx, str_text(ci->name));
    e->obj = st;
    /* element 0 is the header (the dynamic class's RtType), field i is
     * element i + 1: see CG_OBJ_FIELD */
    uint32_t n = ci->fields.len;
    LLVMTypeRef *f = xmalloc(sizeof *f * (n + 1));
    f[0] = c->t_ptr;
    for (uint32_t i = 0; i < n; i++) f[CG_OBJ_FIELD(i)] = cg_mem_type(c, cg_field_type(c, t, i));
    LLVMStructSetBody(st, f, n + 1, false);
    free(f);
    return st;
}

/* Memory <-> register forms differ only for bool (i8 in memory, i1 in
 * registers). */
LLVMValueRef cg_to_mem(Cg *c, TypeId t, LLVMValueRef v) {
    if (t == TYPE_BOOL) return LLVMBuildZExt(c->b, v, c->t_i8, "");
    return v;
}

LLVMValueRef cg_from_mem(Cg *c, TypeId t, LLVMValueRef v) {
    if (t == TYPE_BOOL) return LLVMBuildICmp(c->b, LLVMIntNE, v, LLVMConstInt(c->t_i8, 0, false), "");
    return v;
}

/* ==== Descriptors ========================================================= */

LLVMValueRef cg_cstring(Cg *c, const char *s) {
    LLVMValueRef init = LLVMConstStringInContext2(c->ctx, s, strlen(s), false);
    LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), ".tname");
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

static LLVMValueRef cg_const_array(Cg *c, LLVMTypeRef elem, LLVMValueRef *vals, uint32_t n, const char *name) {
    if (!n) return LLVMConstNull(c->t_ptr);
    LLVMValueRef init = LLVMConstArray2(elem, vals, n);
    LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    return g;
}

static LLVMValueRef cg_prim_desc(Cg *c, TypeId t, const char *name) {
    if (!c->types->prim[t]) {
        LLVMValueRef g = LLVMAddGlobal(c->mod, c->types->t_desc, name);
        LLVMSetGlobalConstant(g, true);
        c->types->prim[t] = g;
    }
    return c->types->prim[t];
}

static RtKind cg_rt_kind(Cg *c, TypeId t) {
    const Type *ty = type_get(t);
    switch (ty->kind) {
    case TY_LIST: return RT_K_LIST;
    case TY_DICT: return RT_K_DICT;
    case TY_SET: return RT_K_SET;
    case TY_TUPLE: return RT_K_TUPLE;
    case TY_OPTION: return cg_option_is_ptr(c, t) ? RT_K_OPTION_PTR : RT_K_OPTION;
    case TY_RESULT: return RT_K_RESULT;
    case TY_CLASS: return cg_type_is_enum(c, t) ? RT_K_ENUM : RT_K_CLASS;
    case TY_FUNC: return RT_K_FUNC;
    case TY_CORO:
    case TY_TASK_HANDLE:
    case TY_TASK_SCOPE:
    case TY_TASK_GROUP:
    case TY_TIMEOUT:
    case TY_CONTEXT:
    case TY_SYNC:
    case TY_CONTEXT_KEY: return RT_K_OPAQUE;
    default: ICE("codegen: no descriptor kind for %s", type_name(t));
    }
}

/* The virtual method table of a class: its methods' code in ClassInfo
 * order, where an override sits in the slot of the method it overrides, so
 * a call through a base class's slot reaches the derived method. NULL when
 * the class has no methods with code. */
static LLVMValueRef cg_vtable(Cg *c, const ClassInfo *ci, uint32_t *n) {
    *n = ci->methods.len;
    if (!*n) return LLVMConstNull(c->t_ptr);
    LLVMValueRef *ms = xmalloc(sizeof *ms * *n);
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t fi = ci->methods.items[i].func;
        ms[i] = fi < c->prog->funcs.len && c->fn_val[fi] ? c->fn_val[fi] : LLVMConstNull(c->t_ptr);
    }
    LLVMValueRef v = cg_const_array(c, c->t_ptr, ms, *n, ".vtable");
    free(ms);
    return v;
}

/* ==== Specialised drops of class objects =================================
 * rt_value_drop interprets descriptors: a loop over fields with a switch
 * per field. Trees and lists of objects are dropped constantly, so each
 * class gets a function `.drop.C(obj)` that drops exactly its fields
 * (str directly, object fields through their own .drop functions) and
 * frees the object. An object whose dynamic class is a subclass takes the
 * general path, which follows the object's own descriptor. */
static LLVMTypeRef cg_drop_fn_type(Cg *c) { return LLVMFunctionType(c->t_void, &c->t_ptr, 1, false); }

static void cg_drop_field(Cg *c, LLVMBuilderRef b, TypeId ft, LLVMValueRef addr) {
    if (mir_type_is_copy(ft) || cg_type_is_enum(c, ft)) return;
    LLVMValueRef args[2];
    LLVMTypeRef fty;
    const char *name = "rt_value_drop", *sig = "v(pp)";
    unsigned n = 2;
    if (ft == TYPE_STR || ft == TYPE_BYTES) {
        args[0] = LLVMBuildLoad2(b, c->t_ptr, addr, "");
        name = "rt_str_drop", sig = "v(p)", n = 1;
    } else if (cg_type_is_object(c, ft) || cg_option_is_ptr(c, ft)) {
        TypeId cls = cg_type_is_object(c, ft) ? ft : type_get(ft)->args[0];
        LLVMValueRef obj = LLVMBuildLoad2(b, c->t_ptr, addr, "");
        LLVMBuildCall2(b, cg_drop_fn_type(c), cg_drop_fn(c, cls), &obj, 1, "");
        return;
    } else {
        args[0] = cg_desc(c, ft);
        args[1] = addr;
    }
    LLVMValueRef fn = cg_rt_named(c, name, sig, &fty);
    LLVMBuildCall2(b, fty, fn, args, n, "");
}

LLVMValueRef cg_drop_fn(Cg *c, TypeId t) {
    CgTypeEntry *e = cg_tentry(c, t);
    if (e->drop) return e->drop;
    const ClassInfo *ci = prog_class_of(c->prog, t);
    if (!ci) ICE("codegen: drop function of %s", type_name(t));
    char name[160];
    snprintf(name, sizeof name, ".drop.%s", str_text(ci->name));
    LLVMValueRef fn = LLVMAddFunction(c->mod, name, cg_drop_fn_type(c));
    e->drop = fn; /* before the body: recursive classes call themselves */
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    cg_fn_attrs(c, fn);
    LLVMValueRef desc = cg_desc(c, t);
    LLVMTypeRef st = cg_object_type(c, t);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMBasicBlockRef live = LLVMAppendBasicBlockInContext(c->ctx, fn, "live");
    LLVMBasicBlockRef exact = LLVMAppendBasicBlockInContext(c->ctx, fn, "exact");
    LLVMBasicBlockRef derived = LLVMAppendBasicBlockInContext(c->ctx, fn, "derived");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, fn, "done");
    LLVMValueRef obj = LLVMGetParam(fn, 0);
    LLVMPositionBuilderAtEnd(b, entry);
    LLVMBuildCondBr(b, LLVMBuildIsNull(b, obj, ""), done, live);
    LLVMPositionBuilderAtEnd(b, live);
    LLVMValueRef cls = LLVMBuildLoad2(b, c->t_ptr, obj, "class");
    LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, cls, desc, ""), exact, derived);
    LLVMPositionBuilderAtEnd(b, exact);
    for (uint32_t i = 0; i < ci->fields.len; i++)
        cg_drop_field(c, b, cg_field_type(c, t, i), LLVMBuildStructGEP2(b, st, obj, CG_OBJ_FIELD(i), ""));
    LLVMTypeRef fty;
    LLVMValueRef fr = cg_rt_named(c, "rt_free_small", "v(pi)", &fty);
    LLVMValueRef fa[2] = {obj, LLVMConstInt(c->t_i64, cg_size_of(c, st), false)};
    LLVMBuildCall2(b, fty, fr, fa, 2, "");
    LLVMBuildBr(b, done);
    LLVMPositionBuilderAtEnd(b, derived);
    LLVMValueRef slot = LLVMBuildAlloca(b, c->t_ptr, "");
    LLVMBuildStore(b, obj, slot);
    LLVMValueRef va = cg_rt_named(c, "rt_value_drop", "v(pp)", &fty);
    LLVMValueRef da[2] = {desc, slot};
    LLVMBuildCall2(b, fty, va, da, 2, "");
    LLVMBuildBr(b, done);
    LLVMPositionBuilderAtEnd(b, done);
    LLVMBuildRetVoid(b);
    LLVMDisposeBuilder(b);
    return fn;
}

LLVMValueRef cg_vtable_slot(Cg *c, LLVMValueRef obj, uint32_t slot) {
    LLVMValueRef desc = LLVMBuildLoad2(c->b, c->t_ptr, obj, "class");
    LLVMValueRef tab = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, c->types->t_desc, desc, 19, ""), "vtable");
    LLVMValueRef idx = LLVMConstInt(c->t_i64, slot, false);
    LLVMValueRef at = LLVMBuildGEP2(c->b, c->t_ptr, tab, &idx, 1, "");
    return LLVMBuildLoad2(c->b, c->t_ptr, at, "method");
}

static LLVMValueRef cg_user_repr_adapter(Cg *c, TypeId t);

LLVMValueRef cg_desc(Cg *c, TypeId t) {
    switch (t) {
    case TYPE_NONE:
    case TYPE_NEVER: return cg_prim_desc(c, TYPE_NONE, "rt_type_none");
    case TYPE_BOOL: return cg_prim_desc(c, t, "rt_type_bool");
    case TYPE_INT: return cg_prim_desc(c, t, "rt_type_int");
    case TYPE_FLOAT: return cg_prim_desc(c, t, "rt_type_float");
    case TYPE_STR: return cg_prim_desc(c, t, "rt_type_str");
    case TYPE_BYTES: return cg_prim_desc(c, t, "rt_type_bytes");
    default: break;
    }
    CgTypeEntry *e = cg_tentry(c, t);
    if (e->desc) return e->desc;
    /* The global exists before its contents, so recursive types refer to it. */
    LLVMValueRef g = LLVMAddGlobal(c->mod, c->types->t_desc, ".desc");
    LLVMSetGlobalConstant(g, true);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    e->desc = g;

    const Type *ty = type_get(t);
    RtKind kind = cg_rt_kind(c, t);
    LLVMTypeRef mem = cg_mem_type(c, t);
    uint64_t size = cg_size_of(c, mem), align = cg_align_of(c, mem);
    uint32_t payload = 0, object_size = 0, nparams = 0, nfields = 0, nenum = 0;
    LLVMValueRef name = LLVMConstNull(c->t_ptr), params = name, fields = name, enums = name;
    LLVMValueRef user_str = LLVMConstNull(c->t_ptr), user_repr = user_str, user_eq = user_str, base = user_str,
                 methods = user_str, eq_other = user_str, user_drop = user_str;
    uint32_t nmethods = 0;
    bool is_error = false;
    const ClassInfo *ci = prog_class_of(c->prog, t);
    switch (kind) {
    case RT_K_LIST:
    case RT_K_SET:
    case RT_K_DICT:
    case RT_K_OPTION:
    case RT_K_OPTION_PTR:
    case RT_K_RESULT: {
        nparams = ty->nargs;
        LLVMValueRef ps[2];
        for (uint32_t i = 0; i < nparams && i < 2; i++) ps[i] = cg_desc(c, ty->args[i]);
        params = cg_const_array(c, c->t_ptr, ps, nparams, ".dparams");
        if (kind == RT_K_OPTION || kind == RT_K_RESULT) payload = (uint32_t)cg_offset_of(c, mem, 1);
        break;
    }
    case RT_K_TUPLE:
    case RT_K_CLASS: {
        LLVMTypeRef st = kind == RT_K_TUPLE ? mem : cg_object_type(c, t);
        nfields = kind == RT_K_TUPLE ? ty->nargs : ci->fields.len;
        LLVMValueRef *fs = xmalloc(sizeof *fs * (nfields + 1));
        for (uint32_t i = 0; i < nfields; i++) {
            TypeId ft = kind == RT_K_TUPLE ? ty->args[i] : cg_field_type(c, t, i);
            LLVMValueRef fv[3] = {
                kind == RT_K_TUPLE ? LLVMConstNull(c->t_ptr) : cg_cstring(c, str_text(ci->fields.items[i].name)),
                LLVMConstInt(c->t_i32, cg_offset_of(c, st, kind == RT_K_TUPLE ? i : CG_OBJ_FIELD(i)), false),
                cg_desc(c, ft),
            };
            fs[i] = LLVMConstNamedStruct(c->types->t_field, fv, 3);
        }
        fields = cg_const_array(c, c->types->t_field, fs, nfields, ".dfields");
        free(fs);
        if (kind == RT_K_CLASS) {
            object_size = (uint32_t)cg_size_of(c, st);
            name = cg_cstring(c, str_text(ci->name));
            is_error = (ci->flags & CLS_ERROR) != 0;
            user_str = cg_user_str_adapter(c, t);
            user_repr = cg_user_repr_adapter(c, t);
            user_eq = cg_user_eq_adapter(c, t, &eq_other);
            if (ci->base) base = cg_desc(c, prog_sym(c->prog, ci->base)->type);
            methods = cg_vtable(c, ci, &nmethods);
        }
        break;
    }
    case RT_K_ENUM: {
        name = cg_cstring(c, str_text(ci->name));
        nenum = ci->members.len;
        LLVMValueRef *ns = xmalloc(sizeof *ns * (nenum + 1));
        for (uint32_t i = 0; i < nenum; i++) ns[i] = cg_cstring(c, str_text(ci->members.items[i].name));
        enums = cg_const_array(c, c->t_ptr, ns, nenum, ".denum");
        free(ns);
        break;
    }
    case RT_K_FUNC: break;
    case RT_K_OPAQUE: {
        /* a runtime handle: released by its runtime function (the async
         * block that owns a scope, group or timer frees it itself) */
        /* (a sync value prints as its bare kind: `ChannelSender`) */
        name = cg_cstring(c, ty->kind == TY_SYNC ? sync_kind_name((SyncKind)ty->sym) : type_name(t));
        const char *rel = ty->kind == TY_SYNC         ? cg_sync_drop_fn((SyncKind)ty->sym)
                          : ty->kind == TY_TASK_HANDLE  ? "rt_handle_drop"
                          : ty->kind == TY_CONTEXT     ? "rt_ctx_drop"
                          : ty->kind == TY_CONTEXT_KEY ? "rt_ctx_key_drop"
                          : ty->kind == TY_CORO        ? "rt_coro_drop"
                                                       : NULL;
        if (rel) {
            LLVMTypeRef fty;
            user_drop = cg_rt_named(c, rel, "v(p)", &fty);
        }
        break;
    }
    default: ICE("codegen: descriptor kind %d", (int)kind);
    }
    LLVMValueRef v[21] = {
        LLVMConstInt(c->t_i32, (unsigned)kind, false),
        LLVMConstInt(c->t_i32, size, false),
        LLVMConstInt(c->t_i32, align, false),
        LLVMConstInt(c->t_i32, payload, false),
        name,
        LLVMConstInt(c->t_i32, nparams, false),
        params,
        LLVMConstInt(c->t_i32, nfields, false),
        fields,
        LLVMConstInt(c->t_i32, object_size, false),
        LLVMConstInt(c->t_i32, nenum, false),
        enums,
        user_str,
        user_repr,
        user_eq,
        user_drop,
        LLVMConstInt(c->t_i8, is_error ? 1 : 0, false),
        base,
        LLVMConstInt(c->t_i32, nmethods, false),
        methods,
        eq_other,
    };
    LLVMSetInitializer(g, LLVMConstNamedStruct(c->types->t_desc, v, 21));
    return g;
}

/* ==== User __str__ / __repr__ / __eq__ adapters ===========================
 * The descriptor's hooks take pointers to values (for a class: a pointer to
 * the object pointer); the user methods take the object pointer itself.
 * ClassInfo.methods holds the inherited methods too (overrides in place), so
 * a subclass's descriptor points at its base's hand-written method. Only a
 * method of the hook's shape (`self` only, or `self` and one other, with
 * the right return type) becomes a hook: anything else is an ordinary
 * method and the generated form stays. */

/* The body index of the instance of generic method `func` for class type t,
 * or -1 when that instance was never lowered (the hook then stays NULL). */
static int64_t cg_method_instance(Cg *c, uint32_t func, TypeId t) {
    const SemaFunc *f = &c->prog->funcs.items[func];
    if (!f->tparams.len) return func;
    const Type *ty = type_get(t);
    if (ty->kind != TY_CLASS || ty->nargs != f->tparams.len || type_has_typevar(t)) return -1;
    TypeId tup = type_tuple(ty->args, ty->nargs);
    for (uint32_t i = 0; i < c->mir->insts.len; i++)
        if (c->mir->insts.items[i].func == func && c->mir->insts.items[i].targs == tup)
            return c->mir->insts.items[i].body;
    return -1;
}

/* The hand-written method `name` of class type t (its own or inherited) when
 * it has the hook's shape: its body index in *fi and, for __eq__, the class
 * type its `other` parameter accepts in *other. */
static bool cg_user_method(Cg *c, TypeId t, const char *name, bool is_eq, uint32_t *fi, TypeId *other) {
    const ClassInfo *ci = prog_class_of(c->prog, t);
    if (!ci) return false;
    StrId want = intern_cstr(name);
    for (uint32_t i = 0; i < ci->methods.len; i++) {
        if (ci->methods.items[i].name != want) continue;
        const SemaFunc *f = &c->prog->funcs.items[ci->methods.items[i].func];
        const Type *ft = type_get(f->type);
        if (f->is_async || ft->kind != TY_FUNC || ft->nargs != (is_eq ? 2u : 1u)) return false;
        if (f->ret != (is_eq ? TYPE_BOOL : TYPE_STR)) return false;
        if (is_eq) {
            /* a generic class's own method: `other: Box[T]` seen from Box[int] */
            TypeId ot = ft->args[1];
            const Type *ty = type_get(t);
            if (f->cls == ci->sym && ci->tparams.len && ty->nargs == ci->tparams.len)
                ot = type_subst(ot, ci->tparams.items, ty->args, ty->nargs);
            if (type_get(ot)->kind != TY_CLASS || type_has_typevar(ot)) return false;
            *other = ot;
        }
        int64_t body = cg_method_instance(c, ci->methods.items[i].func, t);
        if (body < 0 || !c->fn_val[body]) return false;
        *fi = (uint32_t)body;
        return true;
    }
    return false;
}

/* `RtStr *hook(const void *obj_ptr)` / `bool hook(const void *a, const
 * void *b)`: load the object pointers and call the method. For __eq__,
 * *other gets the descriptor of the class its `other` parameter accepts:
 * the runtime may compare objects of different classes (Python's reflected
 * comparison) and passes a hook only objects of that class. */
static LLVMValueRef cg_adapter(Cg *c, TypeId t, const char *name, bool is_eq, LLVMValueRef *other_desc) {
    uint32_t fi = 0;
    TypeId other = 0;
    if (!cg_user_method(c, t, name, is_eq, &fi, &other)) return LLVMConstNull(c->t_ptr);
    if (is_eq) *other_desc = cg_desc(c, other);
    LLVMTypeRef ps[2] = {c->t_ptr, c->t_ptr};
    LLVMTypeRef fty = LLVMFunctionType(is_eq ? c->t_i1 : c->t_ptr, ps, is_eq ? 2 : 1, false);
    char fname[32];
    snprintf(fname, sizeof fname, ".user%s", name); /* ".user__str__" */
    LLVMValueRef fn = LLVMAddFunction(c->mod, fname, fty);
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    cg_fn_attrs(c, fn);
    if (is_eq) LLVMAddAttributeAtIndex(fn, LLVMAttributeReturnIndex, c->a_zeroext);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    LLVMValueRef args[2];
    for (unsigned i = 0; i < (is_eq ? 2u : 1u); i++) args[i] = LLVMBuildLoad2(b, c->t_ptr, LLVMGetParam(fn, i), "");
    LLVMValueRef r = LLVMBuildCall2(b, c->fn_ty[fi], c->fn_val[fi], args, is_eq ? 2 : 1, "");
    LLVMBuildRet(b, r);
    LLVMDisposeBuilder(b);
    return fn;
}

LLVMValueRef cg_user_str_adapter(Cg *c, TypeId t) { return cg_adapter(c, t, "__str__", false, NULL); }
LLVMValueRef cg_user_eq_adapter(Cg *c, TypeId t, LLVMValueRef *other_desc) {
    return cg_adapter(c, t, "__eq__", true, other_desc);
}
static LLVMValueRef cg_user_repr_adapter(Cg *c, TypeId t) { return cg_adapter(c, t, "__repr__", false, NULL); }
