/* Lowering of errors as values (SPEC section 4): Ok/Err, `raise`,
 * `try/except/else/finally` and the unwrapping of Result values inside
 * `try`, as plain control flow on Result discriminants (no unwinding). */
#include "mir_lower.h"

void lb_try(Lb *L, NodeId n) { lb_unsupported(L, n, "`try`"); }

void lb_raise(Lb *L, NodeId n) { lb_unsupported(L, n, "`raise`"); }
