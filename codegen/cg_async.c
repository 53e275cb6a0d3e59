/* Async bodies as LLVM switched-resume coroutines (docs/design/async.md;
 * DESIGN.md, "Async lowering"). The function of an `async def` is the
 * coroutine's ramp: it allocates the frame (rt_frame_alloc), stores its
 * arguments and returns the frame pointer suspended at its start, so a
 * coroutine runs only when awaited or spawned. The frame starts with the
 * resume and destroy functions; the promise follows at offset 16:
 *
 *     { ptr cont, i32 status, i32 taken, ptr error, T result }
 *
 * (RtPromiseHead in rt/sifr_rt.h.) `cont` is the frame of the coroutine
 * awaiting this one (NULL for a task's root), `status` an RT_TASK_* value
 * set when the body ends (OK, FAILED for an Err result, CANCELLED;
 * CG_RUNNING before), `result` the returned value, `error` the error of an
 * Err result (the runtime moves it out for a TaskGroup's join), `taken`
 * set once the result was moved out: destroying a finished frame whose
 * result nobody took drops the result.
 *
 * `await child` stores this frame in the child's `cont` and transfers to
 * the child with llvm.coro.await.suspend.handle (a guaranteed tail call, so
 * chains of awaits keep a constant stack); the child's final suspension
 * transfers back to `cont`, or returns to the scheduler for a task's root.
 * Runtime waits (task.sleep) go through an RtAwait record in the frame and
 * a runtime function that either finishes at once (returns the frame: it
 * resumes immediately) or registers the task and returns NULL (the
 * coroutine returns to the scheduler, which resumes the frame later). */
#include <string.h>

#include "cg_internal.h"
#include "common.h"

enum { CG_TASK_OK = 0, CG_TASK_FAILED = 1, CG_TASK_CANCELLED = 2, CG_RUNNING = 255 }; /* RT_TASK_* */
enum { CG_P_CONT, CG_P_STATUS, CG_P_TAKEN, CG_P_ERROR, CG_P_RESULT }; /* the promise's fields */

/* The coroutine state of the async body being generated (Cg.coro). */
typedef struct CgCoro {
    LLVMValueRef id, hdl, promise;
    LLVMTypeRef promise_ty;
    LLVMBasicBlockRef final_bb, cleanup_bb, ret_bb;
} CgCoro;

/* The promise of a coroutine returning `ret`. */
LLVMTypeRef cg_coro_promise_type(Cg *c, TypeId ret) {
    LLVMTypeRef rt = cg_type(c, ret) == c->t_void ? NULL : cg_mem_type(c, ret);
    LLVMTypeRef f[5] = {c->t_ptr, c->t_i32, c->t_i32, c->t_ptr, rt};
    return LLVMStructTypeInContext(c->ctx, f, rt ? 5 : 4, false);
}

/* The promise of frame `frame` (offset 16). */
static LLVMValueRef cg_coro_promise_of(Cg *c, LLVMValueRef frame) {
    LLVMValueRef off = LLVMConstInt(c->t_i64, 16, false);
    return LLVMBuildGEP2(c->b, c->t_i8, frame, &off, 1, "promise");
}

/* The address of field `f` (CG_P_*) of a promise of type `pt`; the fields
 * before the result are at the same place whatever the result type. */
static LLVMValueRef cg_promise_field(Cg *c, LLVMTypeRef pt, LLVMValueRef promise, unsigned f) {
    return LLVMBuildStructGEP2(c->b, pt, promise, f, "");
}

static LLVMValueRef cg_coro_noop(Cg *c) { return cg_intrinsic_call(c, "llvm.coro.noop", NULL, NULL, 0); }

/* A helper function of this module, defined on first use by `define`. */
static LLVMValueRef cg_coro_helper(Cg *c, const char *name, void (*define)(Cg *, LLVMValueRef, void *), void *arg) {
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    if (fn) return fn;
    LLVMTypeRef ps[2] = {c->t_ptr, c->t_ptr};
    fn = LLVMAddFunction(c->mod, name, LLVMFunctionType(c->t_ptr, ps, 2, false));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    cg_fn_attrs(c, fn);
    LLVMBasicBlockRef saved = LLVMGetInsertBlock(c->b);
    LLVMPositionBuilderAtEnd(c->b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    define(c, fn, arg);
    if (saved) LLVMPositionBuilderAtEnd(c->b, saved);
    return fn;
}

/* ptr sifr.coro.await(ptr child, ptr me): child.cont = me; continue in child */
static void cg_define_await_child(Cg *c, LLVMValueRef fn, void *arg) {
    (void)arg;
    LLVMValueRef child = LLVMGetParam(fn, 0);
    LLVMBuildStore(c->b, LLVMGetParam(fn, 1), cg_coro_promise_of(c, child));
    LLVMBuildRet(c->b, child);
}

/* ptr sifr.coro.final(ptr promise, ptr me): continue in the awaiting
 * coroutine; a task's root (no one awaits it) reports its status to the
 * scheduler and returns to it. */
static void cg_define_final(Cg *c, LLVMValueRef fn, void *arg) {
    (void)arg;
    LLVMValueRef promise = LLVMGetParam(fn, 0);
    LLVMValueRef cont = LLVMBuildLoad2(c->b, c->t_ptr, promise, "cont");
    LLVMBasicBlockRef root = LLVMAppendBasicBlockInContext(c->ctx, fn, "root");
    LLVMBasicBlockRef back = LLVMAppendBasicBlockInContext(c->ctx, fn, "back");
    LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, cont, ""), root, back);
    LLVMPositionBuilderAtEnd(c->b, back);
    LLVMBuildRet(c->b, cont);
    LLVMPositionBuilderAtEnd(c->b, root);
    LLVMValueRef st_addr = cg_promise_field(c, cg_coro_promise_type(c, TYPE_NONE), promise, CG_P_STATUS);
    LLVMValueRef st = LLVMBuildLoad2(c->b, c->t_i32, st_addr, "status");
    cg_rtn(c, "rt_async_finish", "v(w)", &st, 1);
    LLVMBuildRet(c->b, cg_coro_noop(c));
}

/* ptr sifr.aw.NAME(ptr await, ptr me): the runtime function NAME decides;
 * NULL (it registered the task) becomes the no-op coroutine, so the
 * suspension returns to the scheduler. */
static void cg_define_rt_await(Cg *c, LLVMValueRef fn, void *arg) {
    const char *rt = arg;
    LLVMValueRef args[2] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1)};
    LLVMValueRef r = cg_rtn(c, rt, "p(pp)", args, 2);
    LLVMValueRef noop = cg_coro_noop(c);
    LLVMBuildRet(c->b, LLVMBuildSelect(c->b, LLVMBuildIsNull(c->b, r, ""), noop, r, ""));
}

/* Suspend with a symmetric transfer to what `helper(awaiter, hdl)`
 * returns; continues in `resumed`. A destroy request at this point frees
 * the frame (nothing destroys a coroutine suspended inside its body). */
static void cg_coro_suspend(Cg *c, LLVMValueRef awaiter, LLVMValueRef helper, LLVMBasicBlockRef resumed, bool final) {
    CgCoro *k = c->coro;
    LLVMValueRef save = cg_intrinsic_call(c, "llvm.coro.save", NULL, &k->hdl, 1);
    LLVMValueRef aw_args[3] = {awaiter, k->hdl, helper};
    cg_intrinsic_call(c, "llvm.coro.await.suspend.handle", NULL, aw_args, 3);
    LLVMValueRef sargs[2] = {save, LLVMConstInt(c->t_i1, final, false)};
    LLVMValueRef s = cg_intrinsic_call(c, "llvm.coro.suspend", NULL, sargs, 2);
    LLVMValueRef sw = LLVMBuildSwitch(c->b, s, k->ret_bb, 2);
    LLVMAddCase(sw, LLVMConstInt(c->t_i8, 0, false), resumed);
    LLVMAddCase(sw, LLVMConstInt(c->t_i8, 1, false), k->cleanup_bb);
}

void cg_coro_declare(Cg *c, LLVMValueRef fn) {
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("presplitcoroutine", 17), 0));
}

/* The start of an async body, after the entry block's allocas: frame
 * allocation, the parameters stored (their slots live in the frame), the
 * suspension at the start, then `body`. Builds the shared final, cleanup
 * and return blocks. Leaves c->b at the end of the new start block. */
LLVMBasicBlockRef cg_coro_prologue(Cg *c, const MirBody *b, LLVMValueRef fn, LLVMBasicBlockRef body) {
    if (!c->coro) c->coro = xmalloc(sizeof *c->coro);
    CgCoro *k = c->coro;
    memset(k, 0, sizeof *k);
    k->promise_ty = cg_coro_promise_type(c, b->ret);
    k->promise = cg_alloca(c, k->promise_ty, "promise");
    LLVMBasicBlockRef start = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.start");
    LLVMBasicBlockRef alloc_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.alloc");
    LLVMBasicBlockRef begin_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.begin");
    k->final_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.final");
    k->cleanup_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.cleanup");
    LLVMBasicBlockRef free_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.free");
    k->ret_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.ret");
    LLVMBasicBlockRef destroy_unstarted = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.destroy.unstarted");
    LLVMBasicBlockRef never = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.resumed.after.final");

    LLVMPositionBuilderAtEnd(c->b, start);
    LLVMValueRef idargs[4] = {LLVMConstInt(c->t_i32, 16, false), k->promise, LLVMConstNull(c->t_ptr),
                              LLVMConstNull(c->t_ptr)};
    k->id = cg_intrinsic_call(c, "llvm.coro.id", NULL, idargs, 4);
    LLVMValueRef need = cg_intrinsic_call(c, "llvm.coro.alloc", NULL, &k->id, 1);
    LLVMBuildCondBr(c->b, need, alloc_bb, begin_bb);

    LLVMPositionBuilderAtEnd(c->b, alloc_bb);
    LLVMValueRef size = cg_intrinsic_call(c, "llvm.coro.size", c->t_i64, NULL, 0);
    LLVMValueRef mem = cg_rtn(c, "rt_frame_alloc", "p(i)", &size, 1);
    LLVMBuildBr(c->b, begin_bb);

    LLVMPositionBuilderAtEnd(c->b, begin_bb);
    LLVMValueRef phi = LLVMBuildPhi(c->b, c->t_ptr, "mem");
    LLVMValueRef in_v[2] = {LLVMConstNull(c->t_ptr), mem};
    LLVMBasicBlockRef in_b[2] = {start, alloc_bb};
    LLVMAddIncoming(phi, in_v, in_b, 2);
    LLVMValueRef bargs[2] = {k->id, phi};
    k->hdl = cg_intrinsic_call(c, "llvm.coro.begin", NULL, bargs, 2);
    /* the promise: no continuation, not finished */
    LLVMBuildStore(c->b, LLVMConstNull(c->t_ptr), cg_promise_field(c, k->promise_ty, k->promise, CG_P_CONT));
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i32, CG_RUNNING, false),
                   cg_promise_field(c, k->promise_ty, k->promise, CG_P_STATUS));
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i32, 0, false), cg_promise_field(c, k->promise_ty, k->promise, CG_P_TAKEN));
    cg_init_locals(c, b, fn, c->b);
    LLVMValueRef none = LLVMConstNull(LLVMTokenTypeInContext(c->ctx));
    LLVMValueRef sargs[2] = {none, LLVMConstInt(c->t_i1, 0, false)};
    LLVMValueRef s = cg_intrinsic_call(c, "llvm.coro.suspend", NULL, sargs, 2);
    LLVMValueRef sw = LLVMBuildSwitch(c->b, s, k->ret_bb, 2);
    LLVMAddCase(sw, LLVMConstInt(c->t_i8, 0, false), body);
    LLVMAddCase(sw, LLVMConstInt(c->t_i8, 1, false), destroy_unstarted);

    /* destroyed before it started: the arguments it owns die */
    LLVMPositionBuilderAtEnd(c->b, destroy_unstarted);
    for (MirLocalId l = 1; l <= b->nparams; l++) {
        const MirLocal *loc = &b->locals.items[l];
        if (!c->local_slot[l] || (loc->flags & (MIRL_BORROWED | MIRL_MUT_REF)) || mir_type_is_copy(loc->type)) continue;
        cg_drop(c, (MirPlace){l, 0, 0});
    }
    LLVMBuildBr(c->b, k->cleanup_bb);

    LLVMPositionBuilderAtEnd(c->b, k->final_bb);
    LLVMValueRef final_fn = cg_coro_helper(c, "sifr.coro.final", cg_define_final, NULL);
    cg_coro_suspend(c, k->promise, final_fn, never, true);

    LLVMPositionBuilderAtEnd(c->b, never);
    LLVMBuildUnreachable(c->b);

    LLVMPositionBuilderAtEnd(c->b, k->cleanup_bb);
    if (cg_type(c, b->ret) != c->t_void && !mir_type_is_copy(b->ret)) {
        /* a finished frame whose result nobody took: the result dies */
        LLVMValueRef st = LLVMBuildLoad2(c->b, c->t_i32, cg_promise_field(c, k->promise_ty, k->promise, CG_P_STATUS), "");
        LLVMValueRef tk = LLVMBuildLoad2(c->b, c->t_i32, cg_promise_field(c, k->promise_ty, k->promise, CG_P_TAKEN), "");
        LLVMValueRef ok = LLVMBuildICmp(c->b, LLVMIntNE, st, LLVMConstInt(c->t_i32, CG_TASK_CANCELLED, false), "");
        LLVMValueRef untaken = LLVMBuildICmp(c->b, LLVMIntEQ, tk, LLVMConstInt(c->t_i32, 0, false), "");
        LLVMBasicBlockRef drop_bb = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.drop.result");
        LLVMBasicBlockRef go_on = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.release");
        LLVMBuildCondBr(c->b, LLVMBuildAnd(c->b, ok, untaken, ""), drop_bb, go_on);
        LLVMPositionBuilderAtEnd(c->b, drop_bb);
        /* the return place's slot is free by now: move the result back into it and drop it there */
        LLVMValueRef r = LLVMBuildLoad2(c->b, cg_mem_type(c, b->ret), cg_promise_field(c, k->promise_ty, k->promise, CG_P_RESULT), "");
        LLVMBuildStore(c->b, cg_from_mem(c, b->ret, r), c->local_slot[0]);
        cg_drop(c, (MirPlace){0, 0, 0});
        LLVMBuildBr(c->b, go_on);
        LLVMPositionBuilderAtEnd(c->b, go_on);
    }
    LLVMValueRef fargs[2] = {k->id, k->hdl};
    LLVMValueRef to_free = cg_intrinsic_call(c, "llvm.coro.free", NULL, fargs, 2);
    LLVMBasicBlockRef after_free = LLVMAppendBasicBlockInContext(c->ctx, fn, "coro.freed");
    LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, to_free, ""), after_free, free_bb);
    LLVMPositionBuilderAtEnd(c->b, free_bb);
    LLVMValueRef size2 = cg_intrinsic_call(c, "llvm.coro.size", c->t_i64, NULL, 0);
    LLVMValueRef frargs[2] = {to_free, size2};
    cg_rtn(c, "rt_frame_free", "v(pi)", frargs, 2);
    LLVMBuildBr(c->b, after_free);
    LLVMPositionBuilderAtEnd(c->b, after_free);
    LLVMBuildBr(c->b, k->ret_bb);

    LLVMPositionBuilderAtEnd(c->b, k->ret_bb);
    LLVMValueRef eargs[3] = {LLVMConstNull(c->t_ptr), LLVMConstInt(c->t_i1, 0, false), none};
    cg_intrinsic_call(c, "llvm.coro.end", NULL, eargs, 3);
    LLVMBuildRet(c->b, k->hdl);
    return start;
}

/* The body ends with `status` (an i32 RT_TASK_* value). */
static void cg_coro_finish(Cg *c, LLVMValueRef status) {
    CgCoro *k = c->coro;
    LLVMBuildStore(c->b, status, cg_promise_field(c, k->promise_ty, k->promise, CG_P_STATUS));
    LLVMBuildBr(c->b, k->final_bb);
}

void cg_coro_return(Cg *c, const MirBody *b) {
    CgCoro *k = c->coro;
    if (cg_type(c, b->ret) != c->t_void) {
        LLVMValueRef v = cg_load_place(c, (MirPlace){0, 0, 0}, b->ret);
        LLVMValueRef slot = cg_promise_field(c, k->promise_ty, k->promise, CG_P_RESULT);
        LLVMBuildStore(c->b, cg_to_mem(c, b->ret, v), slot);
        if (type_get(b->ret)->kind == TY_RESULT) {
            /* Err: the task failed; its error (a class instance, at the
             * start of the payload) is where the runtime finds it */
            LLVMTypeRef rt = cg_mem_type(c, b->ret);
            LLVMValueRef tag = LLVMBuildLoad2(c->b, c->t_i8, LLVMBuildStructGEP2(c->b, rt, slot, 0, ""), "");
            LLVMValueRef is_err = LLVMBuildICmp(c->b, LLVMIntNE, tag, LLVMConstInt(c->t_i8, 0, false), "");
            LLVMValueRef err = LLVMBuildLoad2(c->b, c->t_ptr, LLVMBuildStructGEP2(c->b, rt, slot, 1, ""), "");
            LLVMBuildStore(c->b, LLVMBuildSelect(c->b, is_err, err, LLVMConstNull(c->t_ptr), ""),
                           cg_promise_field(c, k->promise_ty, k->promise, CG_P_ERROR));
            cg_coro_finish(c, LLVMBuildSelect(c->b, is_err, LLVMConstInt(c->t_i32, CG_TASK_FAILED, false),
                                              LLVMConstInt(c->t_i32, CG_TASK_OK, false), ""));
            return;
        }
    }
    cg_coro_finish(c, LLVMConstInt(c->t_i32, CG_TASK_OK, false));
}

void cg_coro_cancel(Cg *c) { cg_coro_finish(c, LLVMConstInt(c->t_i32, CG_TASK_CANCELLED, false)); }

/* The RtAwait record of runtime waits (rt/sifr_rt.h): phase, result, arg. */
static LLVMTypeRef cg_await_rec_type(Cg *c) {
    LLVMTypeRef f[3] = {c->t_i32, c->t_i32, c->t_i64};
    return LLVMStructTypeInContext(c->ctx, f, 3, false);
}

void cg_coro_await(Cg *c, const MirTerm *t, LLVMBasicBlockRef done, LLVMBasicBlockRef cancelled) {
    LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(c->b));
    LLVMValueRef v = cg_operand(c, &t->cond);
    if (t->await == AWAIT_CORO) {
        LLVMBasicBlockRef resumed = LLVMAppendBasicBlockInContext(c->ctx, fn, "await.resumed");
        LLVMValueRef helper = cg_coro_helper(c, "sifr.coro.await", cg_define_await_child, NULL);
        cg_coro_suspend(c, v, helper, resumed, false);
        LLVMPositionBuilderAtEnd(c->b, resumed);
        LLVMValueRef st_addr =
            cg_promise_field(c, cg_coro_promise_type(c, TYPE_NONE), cg_coro_promise_of(c, v), CG_P_STATUS);
        LLVMValueRef st = LLVMBuildLoad2(c->b, c->t_i32, st_addr, "status");
        LLVMValueRef is_cancel = LLVMBuildICmp(c->b, LLVMIntEQ, st, LLVMConstInt(c->t_i32, CG_TASK_CANCELLED, false), "");
        LLVMBuildCondBr(c->b, is_cancel, cancelled, done);
        return;
    }
    /* the runtime function of each wait, and its helper */
    static const char *const waits[][2] = {
        [AWAIT_SLEEP] = {"rt_await_sleep", "sifr.aw.sleep"},
        [AWAIT_JOIN] = {"rt_await_join", "sifr.aw.join"},
        [AWAIT_SCOPE] = {"rt_await_scope", "sifr.aw.scope"},
        [AWAIT_GATHER] = {"rt_await_gather", "sifr.aw.gather"},
        [AWAIT_RACE] = {"rt_await_race", "sifr.aw.race"},
        [AWAIT_TIMED] = {"rt_await_timed", "sifr.aw.timed"},
        [AWAIT_BLOCKING] = {"rt_await_blocking", "sifr.aw.blocking"},
        [AWAIT_ACQUIRE] = {"rt_await_acquire", "sifr.aw.acquire"},
        [AWAIT_NOTIFIED] = {"rt_await_notified", "sifr.aw.notified"},
        [AWAIT_CHAN] = {"rt_await_chan", "sifr.aw.chan"},
    };
    if ((unsigned)t->await >= sizeof waits / sizeof waits[0] || !waits[t->await][0])
        ICE("codegen: await kind %d", (int)t->await);
    const char *rt = waits[t->await][0], *helper_name = waits[t->await][1];
    /* RtAwait.arg: the seconds (a double) or a runtime object's pointer */
    LLVMValueRef arg = t->await == AWAIT_SLEEP ? LLVMBuildBitCast(c->b, v, c->t_i64, "")
                                               : LLVMBuildPtrToInt(c->b, v, c->t_i64, "");
    LLVMTypeRef rec_ty = cg_await_rec_type(c);
    LLVMValueRef rec = cg_alloca(c, rec_ty, "await");
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i32, 0, false), LLVMBuildStructGEP2(c->b, rec_ty, rec, 0, ""));
    LLVMBuildStore(c->b, arg, LLVMBuildStructGEP2(c->b, rec_ty, rec, 2, ""));
    LLVMBasicBlockRef again = LLVMAppendBasicBlockInContext(c->ctx, fn, "await.suspend");
    LLVMBasicBlockRef resumed = LLVMAppendBasicBlockInContext(c->ctx, fn, "await.resumed");
    LLVMBuildBr(c->b, again);
    LLVMPositionBuilderAtEnd(c->b, again);
    LLVMValueRef helper = cg_coro_helper(c, helper_name, cg_define_rt_await, (void *)rt);
    cg_coro_suspend(c, rec, helper, resumed, false);
    LLVMPositionBuilderAtEnd(c->b, resumed);
    /* result: 0 done, 1 cancelled, 2 still waiting (woken early: suspend again) */
    LLVMValueRef res = LLVMBuildLoad2(c->b, c->t_i32, LLVMBuildStructGEP2(c->b, rec_ty, rec, 1, ""), "result");
    LLVMValueRef sw = LLVMBuildSwitch(c->b, res, again, 2);
    LLVMAddCase(sw, LLVMConstInt(c->t_i32, 0, false), done);
    LLVMAddCase(sw, LLVMConstInt(c->t_i32, 1, false), cancelled);
}

/* Move the result out of the finished coroutine `frame` (of a body
 * returning `ret`): NULL for None. */
static LLVMValueRef cg_coro_move_result(Cg *c, LLVMValueRef frame, TypeId ret) {
    if (cg_type(c, ret) == c->t_void) return NULL;
    LLVMTypeRef pt = cg_coro_promise_type(c, ret);
    LLVMValueRef promise = cg_coro_promise_of(c, frame);
    LLVMBuildStore(c->b, LLVMConstInt(c->t_i32, 1, false), cg_promise_field(c, pt, promise, CG_P_TAKEN));
    LLVMValueRef addr = cg_promise_field(c, pt, promise, CG_P_RESULT);
    return cg_from_mem(c, ret, LLVMBuildLoad2(c->b, cg_mem_type(c, ret), addr, "result"));
}

/* The result of finished coroutine `frame` (of Coroutine[ret]); destroys it. */
LLVMValueRef cg_coro_take(Cg *c, LLVMValueRef frame, TypeId ret) {
    LLVMValueRef v = cg_coro_move_result(c, frame, ret);
    cg_coro_drop(c, frame);
    return v;
}

/* The result of the finished task of handle `h`; releases the handle (the
 * runtime destroys the frame with its last reference). */
LLVMValueRef cg_handle_take(Cg *c, LLVMValueRef h, TypeId ret) {
    LLVMValueRef frame = cg_rtn(c, "rt_handle_frame", "p(p)", &h, 1);
    LLVMValueRef v = cg_coro_move_result(c, frame, ret);
    cg_rtn(c, "rt_handle_drop", "v(p)", &h, 1);
    return v;
}

/* The result of the finished task of a borrowed handle `h` (it stays where
 * it is); the runtime panics when it was taken already. */
LLVMValueRef cg_handle_take_ref(Cg *c, LLVMValueRef h, TypeId ret, LLVMValueRef loc) {
    LLVMValueRef args[2] = {h, loc};
    LLVMValueRef frame = cg_rtn(c, "rt_handle_frame_once", "p(pp)", args, 2);
    return cg_coro_move_result(c, frame, ret);
}

/* The result of the finished task at index `i` of the list of handles `hs`
 * (the winner of a race); the handle stays in the list. */
LLVMValueRef cg_race_take(Cg *c, LLVMValueRef hs, LLVMValueRef i, TypeId ret) {
    LLVMValueRef args[2] = {hs, i};
    LLVMValueRef frame = cg_rtn(c, "rt_race_frame", "p(pi)", args, 2);
    return cg_coro_move_result(c, frame, ret);
}

void cg_coro_drop(Cg *c, LLVMValueRef frame) { cg_intrinsic_call(c, "llvm.coro.destroy", NULL, &frame, 1); }
