/* Vocabulary shared by the MIR passes (mir_build.c, mir_drops.c,
 * mir_dump.c): place types, ownership of locals and rvalue operand access.
 * Nothing outside sema/mir_*.c includes this header. */
#ifndef SIFR_MIR_INTERNAL_H
#define SIFR_MIR_INTERNAL_H

#include "mir.h"

/* The type of a place: its last projection's, else the local's. */
static inline TypeId mir_place_type(const MirBody *b, MirPlace p) {
    if (p.proj_count) return b->projs.items[p.proj_start + p.proj_count - 1].type;
    return b->locals.items[p.local].type;
}

/* Does the body own the value in local `l` (so that it must be dropped)?
 * The return place is handed to the caller, borrowed and `mut` parameters
 * belong to the caller, drop flags and copy types need no drop. */
static inline bool mir_local_is_owned(const MirBody *b, MirLocalId l) {
    if (l == 0 || l >= b->locals.len) return false;
    const MirLocal *loc = &b->locals.items[l];
    if (loc->flags & (MIRL_BORROWED | MIRL_MUT_REF | MIRL_DROP_FLAG)) return false;
    return !mir_type_is_copy(loc->type);
}

static inline const MirOperand *mir_rv_ops(const MirBody *b, const MirRvalue *rv) {
    return rv->ops_count ? &b->operands.items[rv->ops_start] : NULL;
}

#endif
