/* Code generation of the dict and set runtime entries lowered by
 * sema/mir_lower_coll.c. */
#include "cg_internal.h"

LLVMValueRef cg_rt_coll(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    (void)c, (void)f, (void)rv, (void)ops, (void)a;
    return NULL;
}
