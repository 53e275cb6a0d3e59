/* Code generation of function values: closure objects (AGG_CLOSURE) and
 * calls through them (CALLEE_CLOSURE), lowered by sema/mir_lower_fn.c. */
#include "cg_internal.h"

LLVMValueRef cg_rt_fn(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    (void)c, (void)f, (void)rv, (void)ops, (void)a;
    return NULL;
}

LLVMValueRef cg_closure_new(Cg *c, const MirRvalue *rv, const MirOperand *ops) {
    (void)ops;
    ICE("codegen: closures (%s) are not generated yet", type_name(rv->type));
    (void)c;
}

LLVMValueRef cg_closure_call(Cg *c, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *args) {
    (void)c, (void)ops, (void)args;
    ICE("codegen: closure calls (%s) are not generated yet", type_name(rv->type));
}
