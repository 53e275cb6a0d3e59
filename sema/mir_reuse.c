/* Reuse of a string's buffer by the value that replaces it (run after drop
 * elaboration). An assignment `w = s.strip(chars)` lowers to
 *
 *     t = rt_str_strip(s, chars);
 *     drop(w) if f;  flag f = false;  w = move t;
 *
 * which frees w's old buffer right after allocating the new one. The pass
 * hands the old value to the runtime instead (rt_str_strip_over): the
 * result is written over it when it fits, so a loop that strips a word per
 * iteration into the same variable allocates once. Nothing else changes:
 * the old value is given up at the same point of the program, and the
 * runtime reads s and chars before it writes (they may be w itself). */
#include <stdlib.h>
#include <string.h>

#include "mir_internal.h"

/* Every mention of local `l` in the body: places of statements, rvalue
 * operands and places, terminator operands. */
static uint32_t mir_local_mentions(const MirBody *b, MirLocalId l) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->blocks.len; i++) {
        const MirBlock *bb = &b->blocks.items[i];
        for (uint32_t k = 0; k < bb->stmts.len; k++) {
            const MirStmt *s = &bb->stmts.items[k];
            if ((s->kind == MS_ASSIGN || s->kind == MS_DROP || s->kind == MS_DROP_IF ||
                 s->kind == MS_STORAGE_DEAD) && s->place.local == l)
                n++;
            if (s->kind != MS_ASSIGN) continue;
            const MirRvalue *rv = &s->rv;
            if ((rv->kind == RV_REF || rv->kind == RV_DISCRIMINANT) && rv->place.local == l) n++;
            const MirOperand *ops = mir_rv_ops(b, rv);
            for (uint32_t j = 0; j < rv->ops_count; j++)
                if (ops[j].kind != OPD_CONST && ops[j].place.local == l) n++;
        }
        const MirTerm *t = &bb->term;
        if ((t->kind == MT_BRANCH || t->kind == MT_SWITCH || t->kind == MT_PANIC || t->kind == MT_AWAIT) && t->cond.kind != OPD_CONST &&
            t->cond.place.local == l)
            n++;
    }
    return n;
}

static MirRtFn mir_over_variant(const MirRvalue *rv) {
    if (rv->kind != RV_CALL || rv->callee.kind != CALLEE_RT) return MRT__COUNT;
    switch ((MirRtFn)rv->callee.fn) {
    case MRT_STR_STRIP: return MRT_STR_STRIP_OVER;
    case MRT_STR_LSTRIP: return MRT_STR_LSTRIP_OVER;
    case MRT_STR_RSTRIP: return MRT_STR_RSTRIP_OVER;
    default: return MRT__COUNT;
    }
}

static bool mir_plain_local(MirPlace p) { return p.proj_count == 0; }

void mir_reuse_strings(MirBody *b) {
    for (uint32_t bi = 0; bi < b->blocks.len; bi++) {
        MirBlock *bb = &b->blocks.items[bi];
        for (uint32_t i = 0; i + 2 < bb->stmts.len; i++) {
            MirStmt *call = &bb->stmts.items[i];
            if (call->kind != MS_ASSIGN || !mir_plain_local(call->place)) continue;
            MirRtFn over = mir_over_variant(&call->rv);
            if (over == MRT__COUNT || call->rv.type != TYPE_STR) continue;
            MirLocalId t = call->place.local;
            MirStmt *drop = &bb->stmts.items[i + 1];
            if ((drop->kind != MS_DROP && drop->kind != MS_DROP_IF) || !mir_plain_local(drop->place)) continue;
            MirLocalId w = drop->place.local;
            if (w == t || !mir_local_is_owned(b, w) || b->locals.items[w].type != TYPE_STR) continue;
            /* then, perhaps, `flag f = false`, and `w = move t` */
            uint32_t k = i + 2;
            if (drop->kind == MS_DROP_IF && bb->stmts.items[k].kind == MS_SET_FLAG &&
                bb->stmts.items[k].flag == drop->flag && k + 1 < bb->stmts.len)
                k++;
            const MirStmt *set = &bb->stmts.items[k];
            if (set->kind != MS_ASSIGN || !mir_plain_local(set->place) || set->place.local != w ||
                set->rv.kind != RV_USE)
                continue;
            const MirOperand *mv = mir_rv_ops(b, &set->rv);
            if (mv[0].kind != OPD_MOVE || !mir_plain_local(mv[0].place) || mv[0].place.local != t) continue;
            if (mir_local_mentions(b, t) != 2) continue; /* t: this call and this move only */
            /* ops: s, w, "w holds a value", then chars when given */
            const MirOperand *old = mir_rv_ops(b, &call->rv);
            MirOperand ops[4];
            uint32_t n = 0;
            ops[n++] = old[0];
            ops[n] = (MirOperand){.kind = OPD_COPY, .type = TYPE_STR, .place = {.local = w}, .span = call->span};
            n++;
            if (drop->kind == MS_DROP_IF)
                ops[n] = (MirOperand){.kind = OPD_COPY, .type = TYPE_BOOL, .place = {.local = drop->flag},
                                      .span = call->span};
            else
                ops[n] = (MirOperand){.kind = OPD_CONST, .type = TYPE_BOOL, .c = {.kind = MC_BOOL, .b = true},
                                      .span = call->span};
            n++;
            if (call->rv.ops_count > 1) ops[n++] = old[1];
            call->rv.ops_start = b->operands.len;
            call->rv.ops_count = n;
            for (uint32_t j = 0; j < n; j++) vec_push(&b->operands, ops[j]);
            call->rv.callee.fn = over;
            drop->kind = MS_NOP;
        }
    }
}

/* ==== Taking a field at its owner's last use ===============================
 * `return out.stdout` reads a str field of an owned local and returns a
 * clone of it, after which `out` is only dropped. When nothing can observe
 * `out` any more, the field is moved out instead and an empty literal left
 * in its place (which the drop of `out` skips): a 50 MB captured output is
 * then returned without a copy. The conditions, all checked:
 *  - the clone's source is a str or bytes place inside an owned local L,
 *    reached through fields and payloads of values L owns;
 *  - no other local ever aliases L or a part of it: L is only read by calls
 *    (which borrow for the call) whose results are owned, and by reads of
 *    copy-type parts; never moved, referenced or copied as a whole;
 *  - on every path from the clone, L is not mentioned again except by drops
 *    (or until it is assigned as a whole). */

static bool mir_opd_mentions(const MirOperand *o, MirLocalId l) {
    return o->kind != OPD_CONST && o->place.local == l;
}

/* Does the body use local l only in the ways listed above? */
static bool mir_unaliased(const MirBody *b, MirLocalId l) {
    for (uint32_t i = 0; i < b->blocks.len; i++) {
        const MirBlock *bb = &b->blocks.items[i];
        for (uint32_t k = 0; k < bb->stmts.len; k++) {
            const MirStmt *s = &bb->stmts.items[k];
            if (s->kind != MS_ASSIGN) continue;
            const MirRvalue *rv = &s->rv;
            if (rv->kind == RV_REF && rv->place.local == l) return false;
            const MirOperand *ops = mir_rv_ops(b, rv);
            bool mentions = false;
            for (uint32_t j = 0; j < rv->ops_count; j++) {
                if (!mir_opd_mentions(&ops[j], l)) continue;
                if (ops[j].kind == OPD_MOVE) return false;
                mentions = true;
            }
            if (!mentions) continue;
            if (rv->kind == RV_AGGREGATE) return false;
            if (mir_type_is_copy(rv->type)) continue; /* a scalar read */
            if (rv->kind != RV_CALL) return false;    /* a copy of a part: an alias */
            if (b->locals.items[s->place.local].flags & MIRL_BORROWED) return false; /* a borrow into it */
        }
    }
    return true;
}

/* Is l mentioned, other than by drops, on some path that starts at
 * statement `from` of block `start`? A whole assignment to l ends a path;
 * a path back into `start` sees all of it again (the clone itself too). */
static bool mir_used_after(const MirBody *b, MirLocalId l, MirBlockId start, uint32_t from) {
    VEC(MirBlockId) work = {0};
    uint8_t *seen = calloc(b->blocks.len, 1);
    bool used = false;
    vec_push(&work, start);
    bool first = true;
    while (work.len && !used) {
        MirBlockId bi = work.items[--work.len];
        const MirBlock *bb = &b->blocks.items[bi];
        uint32_t k0 = first ? from : 0;
        first = false;
        bool killed = false;
        for (uint32_t k = k0; k < bb->stmts.len && !used && !killed; k++) {
            const MirStmt *s = &bb->stmts.items[k];
            if (s->kind == MS_DROP || s->kind == MS_DROP_IF || s->kind == MS_STORAGE_DEAD || s->kind == MS_NOP ||
                s->kind == MS_SET_FLAG)
                continue;
            const MirRvalue *rv = &s->rv;
            const MirOperand *ops = mir_rv_ops(b, rv);
            for (uint32_t j = 0; j < rv->ops_count; j++)
                if (mir_opd_mentions(&ops[j], l)) used = true;
            if ((rv->kind == RV_REF || rv->kind == RV_DISCRIMINANT) && rv->place.local == l) used = true;
            if (s->place.local == l) {
                if (s->place.proj_count) used = true; /* a store into a part reads the rest */
                else killed = true;
            }
        }
        if (used || killed) continue;
        const MirTerm *t = &bb->term;
        if ((t->kind == MT_BRANCH || t->kind == MT_SWITCH || t->kind == MT_PANIC || t->kind == MT_AWAIT) && mir_opd_mentions(&t->cond, l)) {
            used = true;
            continue;
        }
        MirBlockId succ[2];
        uint32_t ns = 0;
        if (t->kind == MT_GOTO) succ[ns++] = t->target;
        if (t->kind == MT_BRANCH || t->kind == MT_AWAIT) succ[ns++] = t->then_bb, succ[ns++] = t->else_bb;
        if (t->kind == MT_SWITCH) {
            for (uint32_t c = 0; c < t->cases_count; c++) {
                MirBlockId tb = b->case_targets.items[t->cases_start + c];
                if (!seen[tb]) {
                    seen[tb] = 1;
                    vec_push(&work, tb);
                }
            }
            succ[ns++] = t->otherwise;
        }
        for (uint32_t j = 0; j < ns; j++) {
            if (seen[succ[j]]) continue;
            seen[succ[j]] = 1;
            vec_push(&work, succ[j]);
        }
    }
    vec_free(&work);
    free(seen);
    return used;
}

/* A place whose every projection stays inside values its local owns. */
static bool mir_owned_path(const MirBody *b, MirPlace p) {
    if (!p.proj_count || !mir_local_is_owned(b, p.local)) return false;
    for (uint32_t i = 0; i < p.proj_count; i++) {
        MirProjKind k = b->projs.items[p.proj_start + i].kind;
        if (k != PROJ_DEREF && k != PROJ_FIELD && k != PROJ_PAYLOAD) return false;
    }
    return true;
}

void mir_take_last_clones(MirBody *b) {
    for (uint32_t bi = 0; bi < b->blocks.len; bi++) {
        for (uint32_t i = 0; i < b->blocks.items[bi].stmts.len; i++) {
            MirStmt *s = &b->blocks.items[bi].stmts.items[i];
            if (s->kind != MS_ASSIGN || s->rv.kind != RV_CALL || s->rv.callee.kind != CALLEE_RT ||
                s->rv.callee.fn != MRT_STR_CLONE || s->rv.ops_count != 1)
                continue;
            MirOperand src = mir_rv_ops(b, &s->rv)[0];
            if (src.kind != OPD_COPY || !mir_owned_path(b, src.place)) continue;
            TypeId t = mir_place_type(b, src.place);
            if (t != TYPE_STR && t != TYPE_BYTES) continue;
            MirLocalId l = src.place.local;
            if (!mir_unaliased(b, l) || mir_used_after(b, l, bi, i + 1)) continue;
            /* t = move P; P = "" */
            src.kind = OPD_MOVE;
            s->rv.kind = RV_USE;
            s->rv.ops_start = b->operands.len;
            vec_push(&b->operands, src);
            MirOperand empty = {.kind = OPD_CONST,
                                .type = t,
                                .c = {.kind = t == TYPE_STR ? MC_STR : MC_BYTES, .s = intern("", 0)},
                                .span = src.span};
            MirStmt fill = {.kind = MS_ASSIGN, .place = src.place, .span = s->span};
            fill.rv = (MirRvalue){.kind = RV_USE, .type = t, .ops_start = b->operands.len, .ops_count = 1};
            vec_push(&b->operands, empty);
            MirBlock *blk = &b->blocks.items[bi];
            vec_push(&blk->stmts, fill); /* grows the vector; then shift it into place */
            memmove(&blk->stmts.items[i + 2], &blk->stmts.items[i + 1],
                    sizeof blk->stmts.items[0] * (blk->stmts.len - i - 2));
            blk->stmts.items[i + 1] = fill;
            i++;
        }
    }
}
