/* Ownership kinds on the MIR (docs/design/ownership.md): which types are
 * linear, must-consume or scoped (class kinds given by the standard
 * library's @linear, @must_consume and @scoped), which are sendable, and the
 * rules that follow on a body after drop elaboration: a scoped value may not
 * be returned or stored (SIFR-OWN-0003) nor be alive at a suspension point
 * (SIFR-OWN-0009, at the `await` terminators of async bodies),
 * a must-consume value may not be dropped unconsumed (SIFR-OWN-0013), and
 * a linear or scoped value may not be copied (SIFR-OWN-0014). */
#include <stdlib.h>
#include <string.h>

#include "mir_internal.h"

/* The type kinds whose parts are their type arguments. */
static bool own_is_container(TypeKind k) {
    return k == TY_LIST || k == TY_DICT || k == TY_SET || k == TY_TUPLE || k == TY_OPTION || k == TY_RESULT;
}

bool own_type_has_kind(const Program *p, TypeId t, uint32_t cls_flag) {
    const Type *ty = type_get(t);
    if (!ty) return false;
    switch (ty->kind) {
    case TY_SYNC: { /* guards and permits are scoped (sifr.sync) */
        SyncKind k = (SyncKind)ty->sym;
        return (cls_flag & CLS_SCOPED) && (k == SK_GUARD || k == SK_READ || k == SK_WRITE || k == SK_PERMIT);
    }
    case TY_CLASS: {
        const ClassInfo *ci = prog_class_of(p, t);
        if (ci && (ci->flags & cls_flag)) return true;
        for (uint32_t i = 0; i < ty->nargs; i++) /* Box[Guard] holds a guard */
            if (own_type_has_kind(p, ty->args[i], cls_flag)) return true;
        return false;
    }
    default:
        if (!own_is_container(ty->kind)) return false;
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (own_type_has_kind(p, ty->args[i], cls_flag)) return true;
        return false;
    }
}

/* Classes being visited (a recursive class is sendable unless something
 * else in it is not). */
typedef struct SendVisit {
    TypeId t;
    const struct SendVisit *up;
} SendVisit;

static bool own_sendable(const Program *p, TypeId t, TypeId *culprit, const SendVisit *up) {
    const Type *ty = type_get(t);
    if (!ty) return true;
    switch (ty->kind) {
    case TY_CLASS: {
        for (const SendVisit *v = up; v; v = v->up)
            if (v->t == t) return true;
        const ClassInfo *ci = prog_class_of(p, t);
        if (ci && (ci->flags & (CLS_NONSEND | CLS_LINEAR | CLS_SCOPED))) {
            if (culprit) *culprit = t;
            return false;
        }
        SendVisit here = {t, up};
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!own_sendable(p, ty->args[i], culprit, &here)) return false;
        if (ci)
            for (uint32_t i = 0; i < ci->fields.len; i++) {
                TypeId ft = ci->fields.items[i].type;
                if (type_has_typevar(ft)) continue; /* covered by the type arguments */
                if (!own_sendable(p, ft, culprit, &here)) return false;
            }
        return true;
    }
    case TY_SYNC: {
        /* guards and permits stay with their task; the other sync values
         * are made to be shared, and send what they hold */
        SyncKind k = (SyncKind)ty->sym;
        if (k == SK_GUARD || k == SK_READ || k == SK_WRITE || k == SK_PERMIT) {
            if (culprit) *culprit = t;
            return false;
        }
        return !ty->nargs || own_sendable(p, ty->args[0], culprit, up);
    }
    case TY_TASK_HANDLE: /* awaited by the task of its scope */
    case TY_TASK_SCOPE:
    case TY_TASK_GROUP:
    case TY_TIMEOUT:
    case TY_CORO: /* may hold borrows of its caller's values */
        if (culprit) *culprit = t;
        return false;
    default:
        /* scalars, str, bytes, None; function values carry copies of
         * what they capture, which the site that sends one checks */
        if (!own_is_container(ty->kind)) return true;
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!own_sendable(p, ty->args[i], culprit, up)) return false;
        return true;
    }
}

bool own_type_sendable(const Program *p, TypeId t, TypeId *culprit) { return own_sendable(p, t, culprit, NULL); }

MirLocalId own_scoped_live_at(const Program *p, const MirBody *b, MirBlockId bb, uint32_t stmt) {
    MirLocalId found = MIR_NO_LOCAL;
    bool *live = NULL; /* solved once, on the first scoped local */
    for (MirLocalId l = 1; l < b->locals.len && found == MIR_NO_LOCAL; l++) {
        if (!mir_local_is_owned(b, l) || !own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED)) continue;
        if (!live) live = mir_maybe_init_locals_at(b, bb, stmt);
        if (live[l]) found = l;
    }
    free(live);
    return found;
}

static const char *own_local_name(const MirBody *b, MirLocalId l) {
    return b->locals.items[l].name ? str_text(b->locals.items[l].name) : "a temporary";
}

/* A note at the declaration of local l: "`name` is <how> here". */
static void own_note_local(Diagnostic *d, const MirBody *b, MirLocalId l, const char *how) {
    if (b->locals.items[l].span.file) diag_note(d, b->locals.items[l].span, "`%s` is %s here", own_local_name(b, l), how);
}

static void own_scoped_escape(const MirBody *b, const MirOperand *o, Span at, const char *how) {
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_ESCAPE, o->span.file ? o->span : at,
                             "scoped value `%s` escapes: it is %s", own_local_name(b, o->place.local), how);
    diag_label(d, "a guard or permit lives only in the block that took it");
    own_note_local(d, b, o->place.local, "declared");
    diag_help(d, "use the value inside this block, and return or store what you read from it instead");
    diag_emit(d);
}

/* SIFR-OWN-0009: a guard or permit alive at an `await` (the task may
 * resume on another worker, and other tasks run meanwhile). One report per
 * scoped local. */
static bool own_check_awaits(const Program *p, const MirBody *b) {
    VEC(MirBlockId) at = {0};
    VEC(uint32_t) ends = {0};
    for (MirBlockId bi = 0; bi < b->blocks.len; bi++)
        if (b->blocks.items[bi].term.kind == MT_AWAIT) {
            vec_push(&at, bi);
            vec_push(&ends, b->blocks.items[bi].stmts.len);
        }
    bool ok = true;
    uint32_t nl = b->locals.len ? b->locals.len : 1;
    bool *live = at.len ? mir_maybe_init_points(b, at.items, ends.items, at.len) : NULL;
    bool *reported = xcalloc(nl, sizeof *reported);
    for (uint32_t k = 0; k < at.len; k++) {
        for (MirLocalId l = 1; l < b->locals.len; l++) {
            if (!live[(size_t)k * nl + l] || reported[l] || !mir_local_is_owned(b, l) ||
                !own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED))
                continue;
            reported[l] = true;
            ok = false;
            Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_ACROSS_AWAIT, b->blocks.items[at.items[k]].term.span,
                                     "`%s` is alive across this `await`", own_local_name(b, l));
            diag_label(d, "a guard or permit may not be held while the task is suspended");
            own_note_local(d, b, l, "taken");
            diag_help(d, "end its block before the `await` (read what you need into a local first)");
            diag_emit(d);
            break; /* one report per await */
        }
    }
    free(live);
    free(reported);
    vec_free(&at);
    vec_free(&ends);
    return ok;
}

/* Does a value of type t hold a runtime handle that cannot be copied (a
 * lock, a channel end, a task handle; a clone of it would panic)? */
static bool own_type_holds_handle(const Program *p, TypeId t, uint32_t depth) {
    const Type *ty = type_get(t);
    if (!ty || depth > 16) return false;
    if (ty->kind == TY_SYNC || ty->kind == TY_TASK_HANDLE || ty->kind == TY_CORO) return true;
    if (ty->kind == TY_CLASS) {
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (own_type_holds_handle(p, ty->args[i], depth + 1)) return true;
        const ClassInfo *ci = prog_class_of(p, t);
        for (uint32_t i = 0; ci && i < ci->fields.len; i++)
            if (!type_has_typevar(ci->fields.items[i].type) && own_type_holds_handle(p, ci->fields.items[i].type, depth + 1))
                return true;
        return false;
    }
    if (!own_is_container(ty->kind)) return false;
    for (uint32_t i = 0; i < ty->nargs; i++)
        if (own_type_holds_handle(p, ty->args[i], depth + 1)) return true;
    return false;
}

bool own_check_kinds(const Program *p, const MirBody *b) {
    bool ok = true;
    bool any = false;
    for (MirLocalId l = 1; l < b->locals.len && !any; l++)
        any = own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED | CLS_MUST_CONSUME | CLS_LINEAR) ||
              own_type_holds_handle(p, b->locals.items[l].type, 0);
    if (!any) return true;
    bool *reported = calloc(b->locals.len, sizeof *reported);
    for (MirBlockId bi = 0; bi < b->blocks.len; bi++) {
        const MirBlock *bb = &b->blocks.items[bi];
        for (uint32_t k = 0; k < bb->stmts.len; k++) {
            const MirStmt *s = &bb->stmts.items[k];
            if ((s->kind == MS_DROP || s->kind == MS_DROP_IF) && !s->place.proj_count &&
                !reported[s->place.local] &&
                own_type_has_kind(p, b->locals.items[s->place.local].type, CLS_MUST_CONSUME)) {
                /* a drop left after elaboration: some path ends its life unconsumed */
                MirLocalId l = s->place.local;
                reported[l] = true;
                ok = false;
                Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_LINEAR_DROPPED, s->span,
                                         "`%s` may be dropped here without being used", own_local_name(b, l));
                diag_label(d, "its type must be consumed exactly once");
                own_note_local(d, b, l, "declared");
                diag_help(d, "consume it on every path (await, join or pass it on) before it goes out of scope");
                diag_emit(d);
            }
            if (s->kind != MS_ASSIGN) continue;
            const MirRvalue *rv = &s->rv;
            const MirOperand *ops = mir_rv_ops(b, rv);
            if (rv->kind == RV_CALL && rv->callee.kind == CALLEE_RT && rv->callee.fn == MRT_VALUE_CLONE &&
                rv->ops_count == 1 &&
                (own_type_has_kind(p, rv->type, CLS_LINEAR | CLS_SCOPED) || own_type_holds_handle(p, rv->type, 0))) {
                /* `.clone()`, or the copy a borrowed value gets where it
                 * must be owned: a handle or a guard exists once */
                ok = false;
                Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_LINEAR_COPIED, ops[0].span.file ? ops[0].span : s->span,
                                         "a value of type `%s` cannot be copied", type_name(rv->type));
                diag_label(d, "copied here");
                diag_help(d, "move it instead (it can be used once), or keep using it where it is");
                diag_emit(d);
                continue;
            }
            for (uint32_t j = 0; j < rv->ops_count; j++) {
                const MirOperand *o = &ops[j];
                if (o->kind != OPD_MOVE || o->place.proj_count || reported[o->place.local]) continue;
                if (!own_type_has_kind(p, o->type, CLS_SCOPED)) continue;
                const char *how = NULL;
                if (rv->kind == RV_AGGREGATE && (rv->agg == AGG_OK || rv->agg == AGG_ERR || rv->agg == AGG_SOME))
                    continue; /* Ok(guard): the Result is scoped in turn */
                if (rv->kind == RV_AGGREGATE) how = "stored in another value";
                /* a function that takes it (`own`) is bound by the same
                 * rules; the runtime's container operations store it */
                else if (rv->kind == RV_CALL && rv->callee.kind == CALLEE_RT) how = "stored in a container";
                else if (rv->kind == RV_USE && s->place.local == 0) how = "returned";
                else if (rv->kind == RV_USE && s->place.proj_count) how = "stored in a field";
                if (!how) continue; /* rebinding to another local */
                reported[o->place.local] = true;
                ok = false;
                own_scoped_escape(b, o, s->span, how);
            }
        }
    }
    free(reported);
    if (b->is_async) ok &= own_check_awaits(p, b);
    return ok;
}

/* ==== Live borrows ===========================================================
 * A borrowed local that holds a part of another value (an element from
 * rt_list_at, a dict value, a field copied out as a borrow, the loop
 * variable of `for x in xs`) is valid while that value keeps the part. An
 * operation that may free parts of the value (removing or overwriting
 * elements, storing into a field, reassigning, moving or dropping it, lending
 * it to a `mut` parameter) while such a borrow is still to be used is a
 * conflict (SIFR-OWN-0002): the borrow would read freed memory. A backward
 * liveness of the borrowed locals finds "still to be used". */

/* Runtime operations that drop elements or values of their first operand. */
static bool own_rt_frees(MirRtFn f) {
    switch (f) {
    case MRT_LIST_SET: case MRT_LIST_POP: case MRT_LIST_REMOVE: case MRT_LIST_CLEAR: case MRT_LIST_DEL:
    case MRT_LIST_DEL_SLICE: case MRT_LIST_SET_SLICE: case MRT_DICT_SET: case MRT_DICT_SET_REF: case MRT_DICT_DEL:
    case MRT_DICT_CLEAR: case MRT_DICT_POP: case MRT_DICT_POP_OR: case MRT_DICT_UPDATE: case MRT_SET_REMOVE:
    case MRT_SET_DISCARD: case MRT_SET_CLEAR:
        return true;
    default: return false;
    }
}

/* Is parameter k of the user function a call runs declared `mut` (or the
 * receiver of a `mut self` method)? */
static bool own_callee_param_mut(const Program *p, const MirBody *b, const MirRvalue *rv, uint32_t k) {
    if (rv->callee.kind != CALLEE_FN && rv->callee.kind != CALLEE_VIRTUAL) return false;
    if (!b->program || rv->callee.fn >= b->program->bodies.len) return false;
    uint32_t fi = b->program->bodies.items[rv->callee.fn]->func;
    if (fi >= p->funcs.len) return false;
    const SemaFunc *f = &p->funcs.items[fi];
    if (k >= f->params.len) return false;
    if (f->cls && k == 0 && f->self_mut) return true;
    const Symbol *ps = prog_sym(p, f->params.items[k]);
    return ps->decl && (p->ast->nodes.items[ps->decl].flags & NF_MUT);
}

typedef struct LbState {
    const Program *p;
    const MirBody *b;
    MirLocalId *base;   /* per local: the value it borrows from, or MIR_NO_LOCAL */
    Span *made;         /* per local: where the borrow was made */
    uint32_t *bit;      /* per local: its liveness bit, or UINT32_MAX */
    bool *reported;
    bool ok;
} LbState;

static bool lb_get(const uint64_t *s, uint32_t i) { return (s[i / 64] >> (i % 64)) & 1; }
static void lb_put(uint64_t *s, uint32_t i, bool v) {
    if (v) s[i / 64] |= (uint64_t)1 << (i % 64);
    else s[i / 64] &= ~((uint64_t)1 << (i % 64));
}

static MirLocalId lb_root(const LbState *st, MirLocalId l) {
    return st->base[l] != MIR_NO_LOCAL ? st->base[l] : l;
}

/* The locals whose parts statement s may free (at most `cap`, into out);
 * returns how many. */
static uint32_t lb_freed_by(const LbState *st, const MirStmt *s, MirLocalId *out, uint32_t cap) {
    const MirBody *b = st->b;
    uint32_t n = 0;
#define LB_ADD(l)                                                          \
    do {                                                                   \
        if (n < cap && st->base[(l)] == MIR_NO_LOCAL) out[n++] = (l);      \
    } while (0)
    if (s->kind == MS_DROP && !s->place.proj_count) LB_ADD(s->place.local);
    if (s->kind != MS_ASSIGN) return n;
    const MirRvalue *rv = &s->rv;
    const MirOperand *ops = mir_rv_ops(b, rv);
    /* reassigning a value, or storing into a part of it */
    if (s->place.local != 0 && st->bit[s->place.local] == UINT32_MAX) LB_ADD(s->place.local);
    for (uint32_t j = 0; j < rv->ops_count; j++)
        if (ops[j].kind == OPD_MOVE) LB_ADD(ops[j].place.local);
    if (rv->kind != RV_CALL) return n;
    if (rv->callee.kind == CALLEE_RT) {
        if (rv->ops_count && ops[0].kind == OPD_COPY && own_rt_frees((MirRtFn)rv->callee.fn)) LB_ADD(ops[0].place.local);
        return n;
    }
    uint32_t first = rv->callee.kind == CALLEE_CLOSURE ? 1 : 0;
    for (uint32_t j = first; j < rv->ops_count; j++)
        if (ops[j].kind == OPD_COPY && own_callee_param_mut(st->p, b, rv, j - first)) LB_ADD(ops[j].place.local);
#undef LB_ADD
    return n;
}

static void lb_successors(const MirBody *b, const MirTerm *t, MirBlockId *out, uint32_t *n) {
    *n = 0;
    if (t->kind == MT_GOTO) out[(*n)++] = t->target;
    if (t->kind == MT_BRANCH || t->kind == MT_AWAIT) out[(*n)++] = t->then_bb, out[(*n)++] = t->else_bb;
    if (t->kind == MT_SWITCH) {
        for (uint32_t i = 0; i < t->cases_count; i++) out[(*n)++] = b->case_targets.items[t->cases_start + i];
        out[(*n)++] = t->otherwise;
    }
}

/* A backward liveness of some locals over a body: bit[l] is local l's bit
 * (UINT32_MAX: not tracked; locals may share one). An assignment to a
 * whole local kills its bit, except, with `shared_defs`, for a borrowed
 * local (which shares the bit of what it borrows from: its making is a
 * use). live_in holds one row per block once solved. */
typedef struct OwnLive {
    const Program *p;
    const MirBody *b;
    const uint32_t *bit;
    bool shared_defs;
    uint32_t nwords;
    uint64_t *live_in;
    MirBlockId *succ;
} OwnLive;

static void ol_use(const OwnLive *lv, uint64_t *live, MirLocalId l) {
    if (l < lv->b->locals.len && lv->bit[l] != UINT32_MAX) lb_put(live, lv->bit[l], true);
}

/* The uses and definitions of the tracked locals, backwards through s (a
 * drop is no use). */
static void ol_transfer(const OwnLive *lv, const MirStmt *s, uint64_t *live) {
    if (s->kind != MS_ASSIGN) return;
    MirLocalId l = s->place.local;
    if (!s->place.proj_count && lv->bit[l] != UINT32_MAX &&
        !(lv->shared_defs && (lv->b->locals.items[l].flags & MIRL_BORROWED)))
        lb_put(live, lv->bit[l], false);
    const MirOperand *ops = mir_rv_ops(lv->b, &s->rv);
    for (uint32_t j = 0; j < s->rv.ops_count; j++)
        if (ops[j].kind != OPD_CONST) ol_use(lv, live, ops[j].place.local);
    if (s->rv.kind == RV_REF || s->rv.kind == RV_DISCRIMINANT) ol_use(lv, live, s->rv.place.local);
    if (s->place.proj_count) ol_use(lv, live, l);
}

/* Into cur: what is used after the last statement of block bi (its
 * successors' live-in rows and the terminator's operand). */
static void ol_out(const OwnLive *lv, MirBlockId bi, uint64_t *cur) {
    const MirBlock *bb = &lv->b->blocks.items[bi];
    memset(cur, 0, lv->nwords * sizeof *cur);
    uint32_t ns;
    lb_successors(lv->b, &bb->term, lv->succ, &ns);
    for (uint32_t k = 0; k < ns; k++)
        for (uint32_t w = 0; w < lv->nwords; w++) cur[w] |= lv->live_in[(size_t)lv->succ[k] * lv->nwords + w];
    const MirTerm *t = &bb->term;
    if ((t->kind == MT_BRANCH || t->kind == MT_SWITCH || t->kind == MT_PANIC || t->kind == MT_AWAIT) &&
        t->cond.kind != OPD_CONST)
        ol_use(lv, cur, t->cond.place.local);
}

/* Solve; `cur` is scratch of nwords words. */
static void ol_solve(OwnLive *lv, const Program *p, const MirBody *b, const uint32_t *bit, uint32_t nbits,
                     bool shared_defs, uint64_t *cur) {
    uint32_t nb = b->blocks.len, cap = 2;
    *lv = (OwnLive){.p = p, .b = b, .bit = bit, .shared_defs = shared_defs, .nwords = (nbits + 63) / 64};
    lv->live_in = calloc((size_t)nb * lv->nwords, sizeof *lv->live_in);
    for (MirBlockId bi = 0; bi < nb; bi++)
        if (b->blocks.items[bi].term.kind == MT_SWITCH && b->blocks.items[bi].term.cases_count + 1 > cap)
            cap = b->blocks.items[bi].term.cases_count + 1;
    lv->succ = malloc(sizeof *lv->succ * cap);
    for (bool changed = true; changed;) {
        changed = false;
        for (MirBlockId bi = nb; bi-- > 0;) {
            const MirBlock *bb = &b->blocks.items[bi];
            ol_out(lv, bi, cur);
            for (uint32_t k = bb->stmts.len; k-- > 0;) ol_transfer(lv, &bb->stmts.items[k], cur);
            uint64_t *row = lv->live_in + (size_t)bi * lv->nwords;
            for (uint32_t w = 0; w < lv->nwords; w++) {
                changed |= (row[w] | cur[w]) != row[w];
                row[w] |= cur[w];
            }
        }
    }
}

static void ol_free(OwnLive *lv) { free(lv->live_in), free(lv->succ); }

static void lb_report(LbState *st, const MirStmt *s, MirLocalId borrow, MirLocalId owner) {
    if (st->reported[borrow]) return;
    st->reported[borrow] = true;
    st->ok = false;
    const MirBody *b = st->b;
    const char *on = b->locals.items[owner].name ? str_text(b->locals.items[owner].name) : "a value";
    const char *bn = b->locals.items[borrow].name ? str_text(b->locals.items[borrow].name) : "a borrow of it";
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_CONFLICTING_BORROWS, s->span,
                             "`%s` may lose the part that `%s` borrows, while `%s` is still used", on, bn, bn);
    diag_label(d, "this may free or replace what `%s` refers to", bn);
    if (st->made[borrow].file) diag_note(d, st->made[borrow], "`%s` borrows from `%s` here", bn, on);
    diag_help(d, "take a copy first (`%s.clone()`), or iterate over a copy (`for x in %s.clone():`)", bn, on);
    diag_emit(d);
}

/* A guard or permit holds its lock or semaphore until it is dropped, used
 * or not: a statement that may free the lock while a guard of it may still
 * be initialised is the same conflict. */
static void own_check_guard_bases(LbState *st) {
    const MirBody *b = st->b;
    uint32_t nl = b->locals.len;
    bool any = false;
    for (MirLocalId l = 0; l < nl && !any; l++) any = st->base[l] != MIR_NO_LOCAL && st->bit[l] == UINT32_MAX;
    if (!any) return;
    VEC(MirBlockId) bbs = {0};
    VEC(uint32_t) at = {0};
    for (MirBlockId bi = 0; bi < b->blocks.len; bi++) {
        const MirBlock *bb = &b->blocks.items[bi];
        for (uint32_t k = 0; k < bb->stmts.len; k++) {
            MirLocalId owners[8];
            if (!lb_freed_by(st, &bb->stmts.items[k], owners, 8)) continue;
            vec_push(&bbs, bi);
            vec_push(&at, k);
        }
    }
    bool *init = bbs.len ? mir_maybe_init_points(b, bbs.items, at.items, bbs.len) : NULL;
    bool *reported = xcalloc(nl ? nl : 1, sizeof *reported);
    for (uint32_t i = 0; i < bbs.len; i++) {
        const MirStmt *s = &b->blocks.items[bbs.items[i]].stmts.items[at.items[i]];
        MirLocalId owners[8];
        uint32_t no = lb_freed_by(st, s, owners, 8);
        for (uint32_t q = 0; q < no; q++)
            for (MirLocalId l = 0; l < nl; l++)
                if (st->base[l] == owners[q] && st->bit[l] == UINT32_MAX && owners[q] != l &&
                    init[(size_t)i * nl + l] && !(s->kind == MS_DROP && s->place.local == l) && !reported[l]) {
                    reported[l] = true;
                    st->ok = false;
                    const char *on = b->locals.items[owners[q]].name ? str_text(b->locals.items[owners[q]].name) : "a value";
                    const char *gn = b->locals.items[l].name ? str_text(b->locals.items[l].name) : "a guard";
                    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_CONFLICTING_BORROWS, s->span,
                                             "`%s` may be moved or dropped while `%s`, taken from it, is held", on, gn);
                    diag_label(d, "`%s` still holds it here", gn);
                    if (st->made[l].file) diag_note(d, st->made[l], "`%s` is taken from `%s` here", gn, on);
                    diag_help(d, "end the block of `%s` first (or `del %s`)", gn, gn);
                    diag_emit(d);
                }
    }
    free(init);
    free(reported);
    vec_free(&bbs);
    vec_free(&at);
}

bool own_check_live_borrows(const Program *p, const MirBody *b) {
    uint32_t nl = b->locals.len, nb = b->blocks.len;
    LbState st = {.p = p, .b = b, .ok = true};
    st.base = malloc(sizeof *st.base * (nl ? nl : 1));
    st.made = calloc(nl ? nl : 1, sizeof *st.made);
    st.bit = malloc(sizeof *st.bit * (nl ? nl : 1));
    for (MirLocalId l = 0; l < nl; l++) st.base[l] = MIR_NO_LOCAL, st.bit[l] = UINT32_MAX;
    uint32_t nb_bits = 0;
    /* the borrowed locals made from a part of another local (in block
     * order, so a borrow of a borrow finds its root) */
    for (MirBlockId bi = 0; bi < nb; bi++) {
        const MirBlock *bb = &b->blocks.items[bi];
        for (uint32_t k = 0; k < bb->stmts.len; k++) {
            const MirStmt *s = &bb->stmts.items[k];
            MirLocalId l = s->place.local;
            /* a borrowed local, or a guard or permit (which refers to the
             * lock or semaphore it came from) */
            if (s->kind != MS_ASSIGN || s->place.proj_count || l <= b->nparams || mir_type_is_copy(b->locals.items[l].type))
                continue;
            bool guard = !(b->locals.items[l].flags & MIRL_BORROWED);
            if (guard && !(mir_local_is_owned(b, l) && own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED))) continue;
            const MirOperand *ops = mir_rv_ops(b, &s->rv);
            if (!s->rv.ops_count || ops[0].kind == OPD_CONST) continue;
            MirLocalId root = lb_root(&st, ops[0].place.local);
            if (root == l) continue;
            if (guard) { /* taken from a lock or semaphore, or moved from such a guard */
                MirLocalId from = ops[0].place.local;
                bool lockish = type_get(b->locals.items[from].type)->kind == TY_SYNC &&
                               !own_type_has_kind(p, b->locals.items[from].type, CLS_SCOPED);
                if (st.base[l] != MIR_NO_LOCAL || (st.base[from] == MIR_NO_LOCAL && !lockish)) continue;
            }
            st.base[l] = root;
            st.made[l] = s->span;
            if (st.bit[l] == UINT32_MAX && !guard) st.bit[l] = nb_bits++;
        }
    }
    own_check_guard_bases(&st);
    if (!nb_bits) {
        free(st.base), free(st.made), free(st.bit);
        return true;
    }
    st.reported = calloc(nl, sizeof *st.reported);
    uint64_t *cur = calloc((nb_bits + 63) / 64, sizeof *cur);
    OwnLive lv;
    ol_solve(&lv, p, b, st.bit, nb_bits, false, cur);
    /* report: walking each block backwards, `cur` is what is used after */
    for (MirBlockId bi = 0; bi < nb; bi++) {
        const MirBlock *bb = &b->blocks.items[bi];
        ol_out(&lv, bi, cur);
        for (uint32_t k = bb->stmts.len; k-- > 0;) {
            const MirStmt *s = &bb->stmts.items[k];
            MirLocalId owners[8];
            uint32_t no = lb_freed_by(&st, s, owners, 8);
            for (uint32_t q = 0; q < no; q++)
                for (MirLocalId l = 0; l < nl; l++)
                    if (st.bit[l] != UINT32_MAX && st.base[l] == owners[q] && lb_get(cur, st.bit[l]))
                        lb_report(&st, s, l, owners[q]);
            ol_transfer(&lv, s, cur);
        }
    }
    ol_free(&lv), free(cur), free(st.reported);
    free(st.base), free(st.made), free(st.bit);
    return st.ok;
}

/* ==== Releasing scoped values before a suspension ===========================
 * A guard or permit that is not used after an `await` is dropped (released)
 * just before it, not at the end of its block: only one still to be used
 * there is "alive across" the await (SIFR-OWN-0009). A borrow made from one
 * (`v = guard.get()`) counts as a use of it. Runs before drop elaboration,
 * so the inserted drops are "drop if initialised". */

void own_release_scoped(const Program *p, MirBody *b) {
    uint32_t nl = b->locals.len, nb = b->blocks.len, nbits = 0;
    if (!b->is_async || !nl) return;
    uint32_t *bit = malloc(sizeof *bit * nl);
    MirLocalId *owner = malloc(sizeof *owner * nl); /* bit -> scoped local */
    for (MirLocalId l = 0; l < nl; l++) {
        bit[l] = UINT32_MAX;
        if (l && mir_local_is_owned(b, l) && own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED)) {
            owner[nbits] = l;
            bit[l] = nbits++;
        }
    }
    bool awaits = false;
    for (MirBlockId bi = 0; bi < nb; bi++) awaits |= b->blocks.items[bi].term.kind == MT_AWAIT;
    if (!nbits || !awaits) {
        free(bit), free(owner);
        return;
    }
    /* borrows made from a scoped local (in block order: a borrow of a
     * borrow finds its root) share its bit */
    for (MirBlockId bi = 0; bi < nb; bi++) {
        const MirBlock *bb = &b->blocks.items[bi];
        for (uint32_t k = 0; k < bb->stmts.len; k++) {
            const MirStmt *s = &bb->stmts.items[k];
            MirLocalId l = s->place.local;
            if (s->kind != MS_ASSIGN || s->place.proj_count || !(b->locals.items[l].flags & MIRL_BORROWED) ||
                l <= b->nparams || !s->rv.ops_count)
                continue;
            const MirOperand *ops = mir_rv_ops(b, &s->rv);
            if (ops[0].kind != OPD_CONST && bit[ops[0].place.local] != UINT32_MAX && bit[l] == UINT32_MAX)
                bit[l] = bit[ops[0].place.local];
        }
    }
    uint64_t *cur = calloc((nbits + 63) / 64, sizeof *cur);
    OwnLive lv;
    ol_solve(&lv, p, b, bit, nbits, true, cur);
    /* at each await: drop the scoped locals nothing uses after it */
    for (MirBlockId bi = 0; bi < nb; bi++) {
        MirBlock *bb = &b->blocks.items[bi];
        if (bb->term.kind != MT_AWAIT) continue;
        ol_out(&lv, bi, cur);
        for (uint32_t k = 0; k < nbits; k++) {
            if (lb_get(cur, k)) continue;
            MirStmt d = {.kind = MS_DROP, .place = {.local = owner[k]}, .span = bb->term.span};
            vec_push(&bb->stmts, d);
        }
    }
    ol_free(&lv), free(cur), free(bit), free(owner);
}
