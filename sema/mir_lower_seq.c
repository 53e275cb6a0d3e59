/* Lowering of sequence operations: slicing of lists, str and bytes,
 * comprehensions, and the builtins enumerate, zip, sorted, reversed, min,
 * max, sum, any, all, list(), set(). */
#include "mir_lower.h"

MirOperand lb_comprehension(Lb *L, NodeId n) {
    lb_unsupported(L, n, "a comprehension");
    return opd_dead(lb_node(L, n)->type);
}
