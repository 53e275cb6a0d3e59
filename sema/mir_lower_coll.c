/* Lowering of dict and set operations (indexing, methods, `in`, `del`) and
 * of `for` loops over dicts, sets, strings and tuples. */
#include "mir_lower.h"

void lb_del(Lb *L, NodeId n) { lb_unsupported(L, n, "`del`"); }
