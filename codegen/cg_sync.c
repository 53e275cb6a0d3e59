/* Code for `sifr.sync` (docs/design/sync.md): every value is the pointer
 * of a runtime object of rt/rt_sync_api.c, and a guard or permit is the
 * pointer of what it holds. */
#include "cg_internal.h"

const char *cg_sync_drop_fn(SyncKind k) {
    switch (k) {
    case SK_SHARED: return "rt_sync_shared_drop";
    case SK_LOCK: return "rt_sync_lock_drop";
    case SK_RWLOCK: return "rt_sync_rwlock_drop";
    case SK_GUARD: return "rt_sync_lock_unlock";
    case SK_READ: return "rt_sync_rwlock_read_unlock";
    case SK_WRITE: return "rt_sync_rwlock_write_unlock";
    case SK_SEMAPHORE: return "rt_sync_semaphore_drop";
    case SK_PERMIT: return "rt_sync_permit_drop";
    case SK_NOTIFY: return "rt_sync_notify_drop";
    case SK_SENDER: return "rt_sync_sender_drop";
    case SK_RECEIVER: return "rt_sync_receiver_drop";
    default: ICE("codegen: sync kind %d has no drop", (int)k);
    }
}

/* The address of the value a Shared or a guard holds. */
static LLVMValueRef cg_sync_value_addr(Cg *c, TypeId holder, LLVMValueRef p) {
    switch (type_sync_kind(holder)) {
    case SK_SHARED: return cg_rtn(c, "rt_sync_shared_get", "p(p)", &p, 1);
    case SK_GUARD: return cg_rtn(c, "rt_sync_lock_value", "p(p)", &p, 1);
    case SK_READ:
    case SK_WRITE: return cg_rtn(c, "rt_sync_rwlock_value", "p(p)", &p, 1);
    default: ICE("codegen: no value in a %s", type_name(holder));
    }
}

LLVMValueRef cg_rt_sync(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    switch (f) {
    case MRT_SYNC_NEW: {
        TypeId t = ops[0].type;
        LLVMValueRef args[2] = {cg_desc(c, t), cg_spill(c, t, a[0])};
        SyncKind k = type_sync_kind(rv->type);
        const char *fn = k == SK_SHARED ? "rt_sync_shared_new" : k == SK_LOCK ? "rt_sync_lock_new" : "rt_sync_rwlock_new";
        return cg_rtn(c, fn, "p(pp)", args, 2);
    }
    case MRT_SYNC_SEMAPHORE: {
        LLVMValueRef args[2] = {a[0], cg_loc_or_null(c, rv->loc)};
        return cg_rtn(c, "rt_sync_semaphore_new", "p(ip)", args, 2);
    }
    case MRT_SYNC_NOTIFY: return cg_rtn(c, "rt_sync_notify_new", "p()", NULL, 0);
    case MRT_SYNC_CHANNEL: {
        /* one pointer is both ends: the pair {ch, ch} */
        TypeId elem = cg_targ(cg_targ(rv->type, 0), 0);
        LLVMValueRef ch;
        if (rv->ops_count) {
            LLVMValueRef args[3] = {cg_desc(c, elem), a[0], cg_loc_or_null(c, rv->loc)};
            ch = cg_rtn(c, "rt_sync_channel_new", "p(pip)", args, 3);
        } else {
            LLVMValueRef d = cg_desc(c, elem);
            ch = cg_rtn(c, "rt_sync_channel_unbounded", "p(p)", &d, 1);
        }
        LLVMTypeRef pair = cg_type(c, rv->type);
        LLVMValueRef v = LLVMGetUndef(pair);
        v = LLVMBuildInsertValue(c->b, v, ch, 0, "");
        return LLVMBuildInsertValue(c->b, v, ch, 1, "");
    }
    case MRT_SYNC_GET: {
        LLVMValueRef p = cg_sync_value_addr(c, ops[0].type, a[0]);
        return cg_from_mem(c, rv->type, LLVMBuildLoad2(c->b, cg_mem_type(c, rv->type), p, ""));
    }
    case MRT_SYNC_SET: {
        TypeId t = ops[1].type;
        LLVMValueRef p = cg_sync_value_addr(c, ops[0].type, a[0]);
        if (!mir_type_is_copy(t)) {
            LLVMValueRef args[2] = {cg_desc(c, t), p};
            cg_rtn(c, "rt_value_drop", "v(pp)", args, 2);
        }
        /* (the value of a void entry is its last instruction) */
        if (cg_type(c, t) != c->t_void) return LLVMBuildStore(c->b, cg_to_mem(c, t, a[1]), p);
        return p;
    }
    case MRT_SYNC_CLONE:
        return cg_rtn(c, type_sync_kind(ops[0].type) == SK_SHARED ? "rt_sync_shared_clone" : "rt_sync_sender_clone",
                      "p(p)", a, 1);
    case MRT_SYNC_ACQUIRE: {
        SyncKind k = type_sync_kind(rv->type);
        return cg_rtn(c, k == SK_GUARD ? "rt_sync_lock_lock" : k == SK_READ ? "rt_sync_rwlock_read" : "rt_sync_rwlock_write",
                      "p(p)", a, 1);
    }
    case MRT_SYNC_TRY: {
        SyncKind k = (SyncKind)ops[1].c.i; /* the guard's kind, a constant */
        LLVMValueRef r;
        if (k == SK_PERMIT) {
            r = cg_rtn(c, "rt_sync_semaphore_try", "p(p)", a, 1);
        } else if (k == SK_GUARD) {
            r = cg_rtn(c, "rt_sync_lock_try", "p(p)", a, 1);
        } else {
            r = cg_rtn(c, k == SK_READ ? "rt_sync_rwlock_try_read" : "rt_sync_rwlock_try_write", "p(p)", a, 1);
        }
        return LLVMBuildIsNotNull(c->b, r, "");
    }
    case MRT_SYNC_AS: return a[0];
    case MRT_SYNC_NOTIFY_ONE: return cg_rtn(c, "rt_sync_notify_one", "v(p)", a, 1);
    case MRT_SYNC_NOTIFY_ALL: return cg_rtn(c, "rt_sync_notify_all", "v(p)", a, 1);
    case MRT_SYNC_CLOSE: return cg_rtn(c, "rt_sync_sender_close", "v(p)", a, 1);
    case MRT_SYNC_SEND_NEW: {
        TypeId t = ops[1].type;
        LLVMValueRef args[3] = {a[0], cg_desc(c, t), cg_spill(c, t, a[1])};
        return cg_rtn(c, "rt_sync_send_new", "p(ppp)", args, 3);
    }
    case MRT_SYNC_RECV_NEW: {
        LLVMValueRef args[2] = {a[0], cg_desc(c, cg_targ(ops[0].type, 0))};
        return cg_rtn(c, "rt_sync_recv_new", "p(pp)", args, 2);
    }
    case MRT_SYNC_CHAN_END: return cg_rtn(c, "rt_sync_chan_end", "b(p)", a, 1);
    case MRT_SYNC_RECV_TAKE: {
        TypeId t = rv->type;
        LLVMValueRef out = cg_spill(c, t, NULL);
        LLVMValueRef args[2] = {a[0], out};
        LLVMValueRef r = cg_rtn(c, "rt_sync_recv_take", "v(pp)", args, 2);
        if (cg_type(c, t) == c->t_void) return r;
        return cg_from_mem(c, t, LLVMBuildLoad2(c->b, cg_mem_type(c, t), out, ""));
    }
    default: return NULL;
    }
}
