/* Lowering of function values: lambdas with captures, named functions and
 * bound/unbound methods used as values, and calls through them. */
#include "mir_lower.h"

MirOperand lb_lambda(Lb *L, NodeId n) {
    lb_unsupported(L, n, "a lambda");
    return opd_dead(lb_node(L, n)->type);
}
