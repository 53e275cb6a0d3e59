/* Code generation of the runtime entries of errors as values (parsing
 * int/float from str into Results ...) lowered by sema/mir_lower_errors.c. */
#include "cg_internal.h"

LLVMValueRef cg_rt_errors(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    (void)c, (void)f, (void)rv, (void)ops, (void)a;
    return NULL;
}
