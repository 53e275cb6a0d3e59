/* Ownership kinds on the MIR (docs/design/ownership.md): which types are
 * linear, must-consume or scoped (class kinds given by the standard
 * library's @linear, @must_consume and @scoped), which are sendable, and the
 * rules that follow on a body after drop elaboration: a scoped value may not
 * be returned or stored (SIFR-OWN-0003) nor be alive at a suspension point
 * (SIFR-OWN-0009, asked by the async lowering through own_scoped_live_at),
 * and a must-consume value may not be dropped unconsumed (SIFR-OWN-0013). */
#include <stdlib.h>

#include "mir_internal.h"

/* The type kinds whose parts are their type arguments. */
static bool own_is_container(TypeKind k) {
    return k == TY_LIST || k == TY_DICT || k == TY_SET || k == TY_TUPLE || k == TY_OPTION || k == TY_RESULT;
}

bool own_type_has_kind(const Program *p, TypeId t, uint32_t cls_flag) {
    const Type *ty = type_get(t);
    if (!ty) return false;
    switch (ty->kind) {
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
    for (MirLocalId l = 1; l < b->locals.len; l++) {
        if (!mir_local_is_owned(b, l) || !own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED)) continue;
        if (mir_maybe_init_at(b, l, bb, stmt)) return l;
    }
    return MIR_NO_LOCAL;
}

static const char *own_local_name(const MirBody *b, MirLocalId l) {
    return b->locals.items[l].name ? str_text(b->locals.items[l].name) : "a temporary";
}

static void own_scoped_escape(const MirBody *b, const MirOperand *o, Span at, const char *how) {
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_ESCAPE, o->span.file ? o->span : at,
                             "scoped value `%s` escapes: it is %s", own_local_name(b, o->place.local), how);
    diag_label(d, "a guard or permit lives only in the block that took it");
    if (b->locals.items[o->place.local].span.file)
        diag_note(d, b->locals.items[o->place.local].span, "`%s` is declared here", own_local_name(b, o->place.local));
    diag_help(d, "use the value inside this block, and return or store what you read from it instead");
    diag_emit(d);
}

bool own_check_kinds(const Program *p, const MirBody *b) {
    bool ok = true;
    bool any = false;
    for (MirLocalId l = 1; l < b->locals.len && !any; l++)
        any = own_type_has_kind(p, b->locals.items[l].type, CLS_SCOPED | CLS_MUST_CONSUME);
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
                if (b->locals.items[l].span.file)
                    diag_note(d, b->locals.items[l].span, "`%s` is declared here", own_local_name(b, l));
                diag_help(d, "consume it on every path (await, join or pass it on) before it goes out of scope");
                diag_emit(d);
            }
            if (s->kind != MS_ASSIGN) continue;
            const MirRvalue *rv = &s->rv;
            const MirOperand *ops = mir_rv_ops(b, rv);
            for (uint32_t j = 0; j < rv->ops_count; j++) {
                const MirOperand *o = &ops[j];
                if (o->kind != OPD_MOVE || o->place.proj_count || reported[o->place.local]) continue;
                if (!own_type_has_kind(p, o->type, CLS_SCOPED)) continue;
                const char *how = NULL;
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
    return ok;
}
