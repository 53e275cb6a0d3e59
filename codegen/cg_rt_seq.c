/* Code generation of the sequence runtime entries (slicing, sorting,
 * sequence builtins) lowered by sema/mir_lower_seq.c. */
#include "cg_internal.h"

LLVMValueRef cg_rt_seq(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    (void)c, (void)f, (void)rv, (void)ops, (void)a;
    return NULL;
}
