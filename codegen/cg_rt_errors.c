/* Code generation of the runtime entries of errors as values lowered by
 * sema/mir_lower_errors.c: int(s) and float(s) of a str, which the runtime
 * (rt/rt_parse.c) writes as a Result value into a slot of the Result's
 * memory form. */
#include "cg_internal.h"

LLVMValueRef cg_rt_errors(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    (void)ops;
    switch (f) {
    case MRT_STR_TO_INT_RESULT:
    case MRT_STR_TO_FLOAT_RESULT: {
        TypeId t = rv->type;
        LLVMValueRef out = cg_spill(c, t, NULL);
        LLVMValueRef args[3] = {a[0], cg_desc(c, t), out};
        cg_rtn(c, f == MRT_STR_TO_INT_RESULT ? "rt_str_to_int_result" : "rt_str_to_float_result", "v(ppp)", args, 3);
        return cg_from_mem(c, t, LLVMBuildLoad2(c->b, cg_mem_type(c, t), out, ""));
    }
    default: return NULL;
    }
}
