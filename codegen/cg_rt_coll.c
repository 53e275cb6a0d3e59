/* Code generation of the dict and set runtime entries lowered by
 * sema/mir_lower_coll.c (and `del xs[i]`): keys, values and elements are
 * passed by address (spilled), borrowed results are loaded from the table
 * slot the runtime returns, and Option results are built in memory with the
 * runtime writing the payload in place. */
#include "cg_internal.h"

/* The address of operand i's value (for C parameters `const void *`). */
static LLVMValueRef cg_coll_addr(Cg *c, const MirOperand *ops, LLVMValueRef *a, uint32_t i) {
    return cg_spill(c, ops[i].type, a[i]);
}

/* The value of type t at address p (a table slot, an out-parameter). */
static LLVMValueRef cg_coll_load(Cg *c, TypeId t, LLVMValueRef p) {
    if (cg_type(c, t) == c->t_void) return NULL;
    return cg_from_mem(c, t, LLVMBuildLoad2(c->b, cg_mem_type(c, t), p, ""));
}

/* An Option[V] filled by a runtime call `name(args..., &payload) -> bool`
 * (true: Some, the payload written). */
static LLVMValueRef cg_coll_option(Cg *c, TypeId ot, const char *name, const char *sig, LLVMValueRef *args,
                                   unsigned n) {
    LLVMTypeRef mt = cg_mem_type(c, ot);
    LLVMValueRef slot = cg_alloca(c, mt, "opt");
    LLVMBuildStore(c->b, LLVMConstNull(mt), slot);
    if (cg_option_is_ptr(c, ot)) {
        /* the nullable object pointer itself: NULL stays when absent */
        args[n] = slot;
        cg_rtn(c, name, sig, args, n + 1);
    } else {
        args[n] = LLVMBuildStructGEP2(c->b, mt, slot, 1, "");
        LLVMValueRef found = cg_rtn(c, name, sig, args, n + 1);
        LLVMBuildStore(c->b, LLVMBuildZExt(c->b, found, c->t_i8, ""), LLVMBuildStructGEP2(c->b, mt, slot, 0, ""));
    }
    return cg_from_mem(c, ot, LLVMBuildLoad2(c->b, mt, slot, ""));
}

/* A V written by a runtime call `name(args..., &out)`. */
static LLVMValueRef cg_coll_out(Cg *c, TypeId t, const char *name, const char *sig, LLVMValueRef *args, unsigned n) {
    LLVMValueRef out = cg_spill(c, t, NULL);
    args[n] = out;
    cg_rtn(c, name, sig, args, n + 1);
    return cg_coll_load(c, t, out);
}

LLVMValueRef cg_rt_coll(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    LLVMValueRef args[6];
    switch (f) {
    case MRT_DICT_LEN: return cg_rtn(c, "rt_dict_len", "i(p)", a, 1);
    case MRT_DICT_AT: {
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = cg_loc_or_null(c, rv->loc);
        return cg_coll_load(c, rv->type, cg_rtn(c, "rt_dict_at", "p(ppp)", args, 3));
    }
    case MRT_DICT_GET:
    case MRT_DICT_POP:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        return cg_coll_option(c, rv->type, f == MRT_DICT_GET ? "rt_dict_get_clone" : "rt_dict_remove", "b(ppp)",
                              args, 2);
    case MRT_DICT_GET_OR:
    case MRT_DICT_POP_OR:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = cg_coll_addr(c, ops, a, 2);
        return cg_coll_out(c, rv->type, f == MRT_DICT_GET_OR ? "rt_dict_get_or" : "rt_dict_pop_or", "v(pppp)", args,
                           3);
    case MRT_DICT_SET:
    case MRT_DICT_SET_REF:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = cg_coll_addr(c, ops, a, 2);
        return cg_rtn(c, f == MRT_DICT_SET ? "rt_dict_set" : "rt_dict_set_ref", "v(ppp)", args, 3);
    case MRT_DICT_ADD_INT:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = a[2];
        args[3] = a[3];
        args[4] = cg_loc_or_null(c, rv->loc);
        return cg_rtn(c, "rt_dict_add_int", "v(ppiip)", args, 5);
    case MRT_DICT_CONTAINS:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        return cg_rtn(c, "rt_dict_contains", "b(pp)", args, 2);
    case MRT_DICT_DEL:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = cg_loc_or_null(c, rv->loc);
        return cg_rtn(c, "rt_dict_del", "v(ppp)", args, 3);
    case MRT_DICT_SETDEFAULT:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = cg_coll_addr(c, ops, a, 2);
        return cg_coll_load(c, rv->type, cg_rtn(c, "rt_dict_setdefault", "p(ppp)", args, 3));
    case MRT_DICT_UPDATE: return cg_rtn(c, "rt_dict_update", "v(pp)", a, 2);
    case MRT_DICT_CLEAR: return cg_rtn(c, "rt_dict_clear", "v(p)", a, 1);
    case MRT_DICT_KEYS: return cg_rtn(c, "rt_dict_keys", "p(p)", a, 1);
    case MRT_DICT_VALUES: return cg_rtn(c, "rt_dict_values", "p(p)", a, 1);
    case MRT_DICT_ITEMS:
        args[0] = a[0];
        args[1] = cg_desc(c, cg_targ(rv->type, 0));
        return cg_rtn(c, "rt_dict_items", "p(pp)", args, 2);
    case MRT_DICT_NEXT_SLOT:
    case MRT_SET_NEXT_SLOT:
        args[0] = a[0];
        args[1] = a[1];
        args[2] = a[2];
        args[3] = cg_loc_or_null(c, rv->loc);
        return cg_rtn(c, f == MRT_DICT_NEXT_SLOT ? "rt_dict_next_slot" : "rt_set_next_slot", "i(piip)", args, 4);
    case MRT_DICT_KEY_AT: return cg_coll_load(c, rv->type, cg_rtn(c, "rt_dict_key_at", "p(pi)", a, 2));
    case MRT_DICT_VALUE_AT: return cg_coll_load(c, rv->type, cg_rtn(c, "rt_dict_value_at", "p(pi)", a, 2));
    case MRT_SET_ELEM_AT: return cg_coll_load(c, rv->type, cg_rtn(c, "rt_set_elem_at", "p(pi)", a, 2));
    case MRT_SET_LEN: return cg_rtn(c, "rt_set_len", "i(p)", a, 1);
    case MRT_SET_ADD:
    case MRT_SET_CONTAINS:
    case MRT_SET_DISCARD: {
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        const char *name = f == MRT_SET_ADD ? "rt_set_add" : f == MRT_SET_CONTAINS ? "rt_set_contains" : "rt_set_remove";
        LLVMValueRef r = cg_rtn(c, name, "b(pp)", args, 2);
        return f == MRT_SET_CONTAINS ? r : LLVMGetUndef(c->t_i1); /* add/discard: a None result */
    }
    case MRT_SET_REMOVE:
        args[0] = a[0];
        args[1] = cg_coll_addr(c, ops, a, 1);
        args[2] = cg_loc_or_null(c, rv->loc);
        return cg_rtn(c, "rt_set_remove_or_panic", "v(ppp)", args, 3);
    case MRT_SET_CLEAR: return cg_rtn(c, "rt_set_clear", "v(p)", a, 1);
    case MRT_SET_UNION: return cg_rtn(c, "rt_set_union", "p(pp)", a, 2);
    case MRT_SET_INTERSECTION: return cg_rtn(c, "rt_set_intersection", "p(pp)", a, 2);
    case MRT_SET_DIFFERENCE: return cg_rtn(c, "rt_set_difference", "p(pp)", a, 2);
    case MRT_SET_SYMDIFF: return cg_rtn(c, "rt_set_symmetric_difference", "p(pp)", a, 2);
    case MRT_SET_ISSUBSET: return cg_rtn(c, "rt_set_issubset", "b(pp)", a, 2);
    case MRT_SET_UPDATE: return cg_rtn(c, "rt_set_update", "v(pp)", a, 2);
    case MRT_LIST_DEL:
        args[0] = a[0];
        args[1] = a[1];
        args[2] = cg_loc_or_null(c, rv->loc);
        return cg_rtn(c, "rt_list_del", "v(pip)", args, 3);
    default: return NULL;
    }
}
