/* Lowering of collection operations beyond literals: dict and set
 * operations, slicing, comprehensions and the iteration builtins. */
#include "mir_lower.h"

MirOperand lb_comprehension(Lb *L, NodeId n) {
    lb_unsupported(L, n, "a comprehension");
    return opd_dead(lb_node(L, n)->type);
}
