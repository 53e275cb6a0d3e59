/* Lowering of `match` (literal, value, `|`, guard, capture, class, tuple and
 * list patterns, Ok/Err and Option subjects) to a decision chain of blocks,
 * `with` over objects with __enter__/__exit__ (the exit runs on every way
 * out of the body), and isinstance(x, C) with the reads of narrowed names. */
#include "mir_lower.h"

/* ==== Helpers ============================================================= */

/* Is class type `sub` the class type `base` or derived from it? */
static bool mp_derives(Lb *L, TypeId sub, TypeId base) {
    const Type *s = type_get(sub), *b = type_get(base);
    if (!s || !b || s->kind != TY_CLASS || b->kind != TY_CLASS) return false;
    return prog_class_derives(L->prog, s->sym, b->sym);
}

/* Continue in a fresh block when `cond` holds, jump to `fail` otherwise. */
static void mp_require(Lb *L, MirOperand cond, MirBlockId fail) {
    MirBlockId ok = lb_block(L);
    if (cond.kind == OPD_CONST && cond.c.kind == MC_BOOL) {
        lb_goto(L, cond.c.b ? ok : fail);
    } else {
        lb_branch(L, cond, ok, fail);
    }
    L->cur = ok;
}

/* The tag of the Option/Result in place `p` (Option: 0 None, 1 Some;
 * Result: 0 Ok, 1 Err) compared with `tag`. */
static MirOperand mp_tag_is(Lb *L, MirPlace p, int64_t tag, Span sp) {
    MirRvalue d = {.kind = RV_DISCRIMINANT, .place = p, .type = TYPE_INT};
    MirOperand t = lb_temp_of(L, d, sp);
    return lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, t, opd_int(tag), 0), sp);
}

/* Is the object in `p` an instance of class `cls` (or of a class derived
 * from it)? Its dynamic class decides. */
static MirOperand mp_isa(Lb *L, MirPlace p, TypeId cls, Span sp) {
    MirOperand o = opd_place(L, p, sp);
    MirRvalue rv = {.kind = RV_ISA, .type = TYPE_BOOL, .isa = cls, .ops_start = lb_ops(L, &o, 1), .ops_count = 1};
    return lb_temp_of(L, rv, sp);
}

/* The object in `p` seen as class `to` (an up- or downcast: the same
 * pointer, in a borrowed temporary that is never dropped). */
static MirPlace mp_as_class(Lb *L, MirPlace p, TypeId to, Span sp) {
    if (mir_place_type(L->b, p) == to) return p;
    MirLocalId bt = lb_local(L, to, 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(bt), rv_cast(L, opd_place(L, p, sp), to), sp);
    return lb_place(bt);
}

/* Field `index` (of type `ft`) of the object of class `cls` in `p`. */
static MirPlace mp_field(Lb *L, MirPlace p, TypeId cls, uint32_t index, TypeId ft) {
    MirPlace d = lb_project(L, p, PROJ_DEREF, 0, cls);
    return lb_project(L, d, PROJ_FIELD, index, ft);
}

/* The type of field `index` of class type `cls` (a generic class's
 * instance substitutes its type arguments). */
static TypeId mp_field_type(const ClassInfo *ci, TypeId cls, uint32_t index) {
    TypeId declared = ci->fields.items[index].type;
    const Type *ct = type_get(cls);
    if (!ct->nargs || ci->tparams.len != ct->nargs) return declared;
    TypeId args[16];
    uint32_t n = ct->nargs < 16 ? ct->nargs : 16;
    for (uint32_t i = 0; i < n; i++) args[i] = type_get(cls)->args[i];
    return type_subst(declared, ci->tparams.items, args, n);
}

/* Element `i` of the list in `p`, borrowed from the list. */
static MirPlace mp_list_elem(Lb *L, MirPlace p, int64_t i, NodeId at) {
    TypeId lt = mir_place_type(L->b, p), et = type_get(lt)->args[0];
    Span sp = lb_node(L, at)->span;
    MirOperand ops[2] = {opd_place(L, p, sp), opd_int(i)};
    MirLocalId el = lb_local(L, et, 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(el), rv_rt(L, MRT_LIST_AT, et, ops, 2, at), sp);
    return lb_place(el);
}

/* Does the pattern bind any name? */
static bool mp_binds(Lb *L, NodeId pat) {
    const Node *p = lb_node(L, pat);
    switch ((NodeKind)p->kind) {
    case N_PAT_CAPTURE: return p->sym != 0;
    case N_PAT_AS: return p->sym != 0 || mp_binds(L, p->a);
    case N_PAT_KEYWORD: return mp_binds(L, p->a);
    case N_PAT_CLASS:
        for (uint32_t i = 0; i < p->list2.count; i++)
            if (mp_binds(L, ast_list_at(L->ast, p->list2, i))) return true;
        /* fall through */
    case N_PAT_OR:
    case N_PAT_SEQUENCE:
        for (uint32_t i = 0; i < p->list.count; i++)
            if (mp_binds(L, ast_list_at(L->ast, p->list, i))) return true;
        return false;
    default: return false;
    }
}

static bool mp_is_ok_err(Lb *L, const Node *p, TypeId t) {
    const Node *cn = lb_node(L, p->a);
    if (type_get(t)->kind != TY_RESULT || cn->kind != N_NAME) return false;
    const char *name = str_text(cn->name);
    return !strcmp(name, "Ok") || !strcmp(name, "Err");
}

/* ==== Patterns ============================================================ */

/* One `match` being lowered. */
typedef struct Mp {
    MirLocalId subject;  /* the owned local holding a computed subject, or MIR_NO_LOCAL */
    bool may_move;       /* a capture of the whole owned subject may move it (no guard) */
    NodeId or_last;      /* binding an alternative of an `|`: the last one (see mp_capture) */
} Mp;

/* The symbol a capture named `name` has in pattern `pat`, 0 if none. */
static SymId mp_find_capture(Lb *L, NodeId pat, StrId name) {
    const Node *p = lb_node(L, pat);
    if ((p->kind == N_PAT_CAPTURE || p->kind == N_PAT_AS) && p->sym && p->name == name) return p->sym;
    SymId r = 0;
    if (p->kind == N_PAT_AS || p->kind == N_PAT_KEYWORD) r = mp_find_capture(L, p->a, name);
    for (uint32_t i = 0; !r && i < p->list.count && p->kind != N_PAT_VALUE; i++)
        r = mp_find_capture(L, ast_list_at(L->ast, p->list, i), name);
    for (uint32_t i = 0; !r && i < p->list2.count && p->kind == N_PAT_CLASS; i++)
        r = mp_find_capture(L, ast_list_at(L->ast, p->list2, i), name);
    return r;
}

/* The value in `p` as the type `to` a name has after its pattern matched
 * (sema narrows `as` names and captures after `case None`): the present
 * value of an Option, a derived class. */
static MirPlace mp_narrow(Lb *L, MirPlace p, TypeId to, Span sp) {
    TypeId t = mir_place_type(L->b, p);
    if (t == to) return p;
    if (type_get(t)->kind == TY_OPTION && type_get(to)->kind != TY_OPTION) {
        t = type_get(t)->args[0];
        p = lb_project(L, p, PROJ_PAYLOAD, 0, t);
    }
    if (t != to && type_get(t)->kind == TY_CLASS && type_get(to)->kind == TY_CLASS) p = mp_as_class(L, p, to, sp);
    return p;
}

/* A capture: the name gets the value in `p` (copied; a part of the subject
 * is cloned, the match's own subject is moved when nothing reads it later). */
static void mp_capture(Lb *L, Mp *m, SymId sym, MirPlace p, NodeId at) {
    /* each alternative of an `|` declares its own symbol for a name; the
     * case body reads the last alternative's */
    if (m->or_last) {
        SymId last = mp_find_capture(L, m->or_last, prog_sym(L->prog, sym)->name);
        if (last && prog_sym(L->prog, last)->type == prog_sym(L->prog, sym)->type) sym = last;
    }
    const Symbol *s = prog_sym(L->prog, sym);
    if (s->type == TYPE_NONE) return;
    Span sp = lb_node(L, at)->span;
    p = mp_narrow(L, p, s->type, sp);
    TypeId pt = mir_place_type(L->b, p);
    MirOperand v = opd_place(L, p, sp);
    bool whole = m->may_move && p.local == m->subject && p.proj_count == 0;
    if (!whole && lb_type_is_handle(pt)) {
        /* a runtime handle (a guard in `Ok(g)`) cannot be copied: the name
         * borrows it where it is, and the subject keeps owning it */
        MirPlace to = lb_sym_place(L, sym);
        L->b->locals.items[to.local].flags |= MIRL_BORROWED;
        lb_assign(L, to, rv_use(L, v), sp);
        return;
    }
    if (!mir_type_is_copy(pt)) {
        if (whole) v.kind = OPD_MOVE;
        else v = lb_clone(L, v);
    }
    lb_store(L, sym, v, at);
}

static void mp_walk(Lb *L, Mp *m, NodeId pat, MirPlace p, MirBlockId fail, bool bind);

/* A class pattern `C(p0, p1, k=p2)`, or `Ok(p)` / `Err(p)` on a Result. */
static void mp_class(Lb *L, Mp *m, NodeId pat, MirPlace p, MirBlockId fail, bool bind) {
    const Node *node = lb_node(L, pat);
    Span sp = node->span;
    TypeId t = mir_place_type(L->b, p);
    if (mp_is_ok_err(L, node, t)) {
        bool is_ok = !strcmp(str_text(lb_node(L, node->a)->name), "Ok");
        if (!bind) mp_require(L, mp_tag_is(L, p, is_ok ? 0 : 1, sp), fail);
        TypeId pt = type_get(t)->args[is_ok ? 0 : 1];
        NodeId sub = ast_list_at(L->ast, node->list, 0);
        mp_walk(L, m, sub, lb_project(L, p, PROJ_PAYLOAD, is_ok ? 0 : 1, pt), fail, bind);
        return;
    }
    if (type_get(t)->kind == TY_OPTION) {
        if (!bind) mp_require(L, mp_tag_is(L, p, 1, sp), fail);
        t = type_get(t)->args[0];
        p = lb_project(L, p, PROJ_PAYLOAD, 0, t);
    }
    TypeId cls = lb_node(L, node->a)->type;
    const ClassInfo *ci = lb_class(L, cls);
    if (!ci || type_get(t)->kind != TY_CLASS || type_get(cls)->nargs > 16) {
        lb_unsupported(L, pat, "this class pattern");
        return;
    }
    if (!bind && !mp_derives(L, t, cls)) mp_require(L, mp_isa(L, p, cls, sp), fail);
    if (!node->list.count && !node->list2.count) return;
    if (bind && !mp_binds(L, pat)) return;
    MirPlace obj = mp_as_class(L, p, cls, sp);
    for (uint32_t i = 0; i < node->list.count; i++) {
        if (i >= ci->fields.len) ICE("MIR: class pattern with more positions than fields");
        MirPlace f = mp_field(L, obj, cls, i, mp_field_type(ci, cls, i));
        mp_walk(L, m, ast_list_at(L->ast, node->list, i), f, fail, bind);
    }
    for (uint32_t i = 0; i < node->list2.count; i++) {
        const Node *k = lb_node(L, ast_list_at(L->ast, node->list2, i));
        int32_t fi = lb_field_index(ci, k->name);
        if (fi < 0) ICE("MIR: class `%s` has no field `%s`", str_text(ci->name), str_text(k->name));
        MirPlace f = mp_field(L, obj, cls, (uint32_t)fi, mp_field_type(ci, cls, (uint32_t)fi));
        mp_walk(L, m, k->a, f, fail, bind);
    }
}

/* A value pattern: a literal, `None`, or a dotted name (`Color.RED`). */
static void mp_value(Lb *L, NodeId pat, MirPlace p, MirBlockId fail) {
    const Node *node = lb_node(L, pat);
    const Node *v = lb_node(L, node->a);
    Span sp = node->span;
    TypeId t = mir_place_type(L->b, p);
    if (type_get(t)->kind == TY_OPTION) {
        bool none = v->kind == N_NONE;
        mp_require(L, mp_tag_is(L, p, none ? 0 : 1, sp), fail);
        if (none) return;
        t = type_get(t)->args[0];
        p = lb_project(L, p, PROJ_PAYLOAD, 0, t);
    }
    if (t == TYPE_NONE) return; /* None is the only value of its type */
    uint32_t mark = L->pending.len;
    MirOperand want = lb_expr(L, node->a);
    MirOperand eq = lb_cmp(L, TOK_EQ, opd_place(L, p, sp), want, pat);
    lb_flush(L, mark);
    mp_require(L, eq, fail);
}

/* Lower pattern `pat` against the value in place `p`. Test mode (`bind`
 * false) emits the tests, jumping to `fail` on a mismatch and leaving the
 * current block at the success path; bind mode, on that path, stores the
 * captured values into their names. */
static void mp_walk(Lb *L, Mp *m, NodeId pat, MirPlace p, MirBlockId fail, bool bind) {
    const Node *node = lb_node(L, pat);
    Span sp = node->span;
    if (bind && !mp_binds(L, pat)) return;
    switch ((NodeKind)node->kind) {
    case N_PAT_WILDCARD: return;
    case N_PAT_CAPTURE:
        if (bind && node->sym) mp_capture(L, m, node->sym, p, pat);
        return;
    case N_PAT_AS:
        mp_walk(L, m, node->a, p, fail, bind);
        if (bind && node->sym) mp_capture(L, m, node->sym, p, pat);
        return;
    case N_PAT_VALUE:
        if (!bind) mp_value(L, pat, p, fail);
        return;
    case N_PAT_OR: {
        /* which alternative matched decides the bindings: an `|` that binds
         * names binds them on each alternative's own path while testing */
        if (bind) return;
        bool binds = mp_binds(L, pat);
        NodeId saved = m->or_last;
        MirBlockId ok = lb_block(L);
        for (uint32_t i = 0; i < node->list.count; i++) {
            NodeId alt = ast_list_at(L->ast, node->list, i);
            MirBlockId next = i + 1 == node->list.count ? fail : lb_block(L);
            mp_walk(L, m, alt, p, next, false);
            if (binds) {
                m->or_last = ast_list_at(L->ast, node->list, node->list.count - 1);
                mp_walk(L, m, alt, p, next, true);
                m->or_last = saved;
            }
            lb_goto(L, ok);
            L->cur = next;
        }
        L->cur = ok;
        return;
    }
    case N_PAT_SEQUENCE: {
        TypeId t = mir_place_type(L->b, p);
        if (type_get(t)->kind == TY_OPTION) {
            /* after `case None:` a sequence pattern tests the present value */
            if (!bind) mp_require(L, mp_tag_is(L, p, 1, sp), fail);
            t = type_get(t)->args[0];
            p = lb_project(L, p, PROJ_PAYLOAD, 0, t);
        }
        const Type *ty = type_get(t);
        uint32_t n = node->list.count;
        if (ty->kind == TY_TUPLE) {
            if (ty->nargs != n) ICE("MIR: tuple pattern of %u elements for %s", n, type_name(t));
            for (uint32_t i = 0; i < n; i++)
                mp_walk(L, m, ast_list_at(L->ast, node->list, i), lb_project(L, p, PROJ_FIELD, i, ty->args[i]), fail,
                        bind);
            return;
        }
        if (ty->kind == TY_LIST) {
            if (!bind) {
                MirOperand l = opd_place(L, p, sp);
                MirOperand len = lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &l, 1, 0), sp);
                mp_require(L, lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, len, opd_int(n), 0), sp), fail);
            }
            for (uint32_t i = 0; i < n; i++) {
                NodeId sub = ast_list_at(L->ast, node->list, i);
                const Node *sn = lb_node(L, sub);
                if (sn->kind == N_PAT_WILDCARD || (bind && !mp_binds(L, sub))) continue;
                if (!bind && sn->kind == N_PAT_CAPTURE) continue;
                mp_walk(L, m, sub, mp_list_elem(L, p, i, pat), fail, bind);
            }
            return;
        }
        lb_unsupported(L, pat, "a sequence pattern on this type");
        return;
    }
    case N_PAT_CLASS: mp_class(L, m, pat, p, fail, bind); return;
    default: lb_unsupported(L, pat, "this kind of pattern"); return;
    }
}

/* ==== match =============================================================== */

/* The subject in a place the tests can read. A value the subject
 * expression computed is held by an owned local of the match (dropped when
 * the match is left: at its end, and by return/break/continue through the
 * cleanup stack); a value already in a place (a name, a field) is read
 * where it is. */
static MirPlace mp_subject(Lb *L, NodeId subject, Mp *m) {
    const Node *sn = lb_node(L, subject);
    uint32_t mark = L->pending.len;
    MirOperand v;
    if (sn->kind == N_TUPLE && !mir_type_is_copy(sn->type) && sn->list.count == type_get(sn->type)->nargs) {
        /* `match (a, b):` only reads the names: the tuple holds copies
         * (computed elements move in) */
        uint32_t n = sn->list.count;
        MirOperand *ops = xcalloc(n, sizeof *ops);
        for (uint32_t i = 0; i < n; i++) {
            NodeId en = ast_list_at(L->ast, sn->list, i);
            uint32_t emark = L->pending.len;
            ops[i] = lb_take_arm(L, lb_expr_as(L, en, type_get(lb_node(L, subject)->type)->args[i]), emark);
        }
        v = lb_temp_of(L, rv_agg(L, AGG_TUPLE, sn->type, ops, n), sn->span);
        free(ops);
    } else {
        v = lb_expr(L, subject);
    }
    m->subject = MIR_NO_LOCAL;
    MirPlace p;
    if (v.type == TYPE_NONE || v.type == TYPE_NEVER) {
        p = lb_place(lb_none_sink(L));
    } else if (mir_type_is_copy(v.type)) {
        /* a copy taken now: case bodies may assign the name read */
        MirLocalId s = lb_temp(L, v.type);
        lb_assign(L, lb_place(s), rv_use(L, v), sn->span);
        p = lb_place(s);
    } else {
        bool fresh = false;
        for (uint32_t i = mark; i < L->pending.len && v.kind != OPD_CONST; i++)
            if (L->pending.items[i] == v.place.local) fresh = true;
        if (v.kind == OPD_CONST || fresh) {
            /* the match owns it: moved out of the statement's temporaries,
             * or cloned out of one of them (a field of a computed object) */
            if (v.kind != OPD_CONST && v.place.proj_count) v = lb_clone(L, v);
            MirLocalId s = lb_temp(L, v.type);
            lb_drop(L, s, sn->span); /* a previous iteration's subject (left by `break`) */
            if (v.kind != OPD_CONST) v.kind = OPD_MOVE;
            lb_assign(L, lb_place(s), rv_use(L, v), sn->span);
            vec_push(&L->owned, s);
            m->subject = s;
            p = lb_place(s);
        } else {
            p = v.place;
        }
    }
    lb_flush(L, mark);
    return p;
}

/* The pattern of a case, with an `as` name around an `|` whose
 * alternatives bind names: each alternative is tested and bound on its
 * own path. */
static void mp_case_pattern(Lb *L, Mp *m, NodeId pat, MirPlace p, MirBlockId next, MirBlockId bound) {
    const Node *node = lb_node(L, pat);
    NodeId as = 0;
    if (node->kind == N_PAT_AS && lb_node(L, node->a)->kind == N_PAT_OR) {
        as = pat;
        node = lb_node(L, node->a);
    }
    if (node->kind == N_PAT_OR && mp_binds(L, as ? lb_node(L, pat)->a : pat)) {
        for (uint32_t i = 0; i < node->list.count; i++) {
            NodeId alt = ast_list_at(L->ast, node->list, i);
            MirBlockId alt_fail = i + 1 == node->list.count ? next : lb_block(L);
            uint32_t mark = L->pending.len;
            mp_walk(L, m, alt, p, alt_fail, false);
            m->or_last = ast_list_at(L->ast, node->list, node->list.count - 1);
            mp_walk(L, m, alt, p, alt_fail, true);
            m->or_last = 0;
            if (as && lb_node(L, as)->sym) mp_capture(L, m, lb_node(L, as)->sym, p, as);
            lb_flush(L, mark);
            lb_goto(L, bound);
            L->cur = alt_fail;
        }
        return;
    }
    uint32_t mark = L->pending.len;
    mp_walk(L, m, pat, p, next, false);
    mp_walk(L, m, pat, p, next, true);
    lb_flush(L, mark);
    lb_goto(L, bound);
}

void lb_match(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    NodeList cases = node->list;
    Mp m = {0};
    MirPlace subj = mp_subject(L, node->a, &m);
    uint32_t cleanup_mark = L->cleanups.len;
    if (m.subject != MIR_NO_LOCAL) {
        LbCleanup c = {.exit_fn = -1, .owned = m.subject, .loop_depth = L->loops.len, .span = node->span};
        vec_push(&L->cleanups, c);
    }
    MirBlockId end = lb_block(L);
    for (uint32_t i = 0; i < cases.count; i++) {
        NodeId cid = ast_list_at(L->ast, cases, i);
        const Node *c = lb_node(L, cid);
        MirBlockId next = lb_block(L), bound = lb_block(L);
        m.may_move = !c->b;
        mp_case_pattern(L, &m, c->a, subj, next, bound);
        L->cur = bound;
        if (c->b) {
            uint32_t mark = L->pending.len;
            MirOperand g = lb_expr_as(L, c->b, TYPE_BOOL);
            lb_flush(L, mark);
            MirBlockId body = lb_block(L);
            lb_branch(L, g, body, next);
            L->cur = body;
        }
        lb_stmts(L, c->list);
        lb_goto(L, end);
        L->cur = next;
    }
    /* sema proved the cases exhaustive (SIFR-MATCH-0001 otherwise) */
    lb_term(L, (MirTerm){.kind = MT_UNREACHABLE, .span = node->span});
    L->cleanups.len = cleanup_mark;
    L->cur = end;
    if (m.subject != MIR_NO_LOCAL) lb_drop(L, m.subject, node->span);
}

/* ==== with ================================================================ */

/* A call of method `name` of class `ci` with the object in `self` as its
 * receiver and no other arguments: extra parameters take their defaults,
 * or None when they accept it (`__exit__(self, exc: Error | None)`). */
MirOperand lb_call_self(Lb *L, const ClassInfo *ci, StrId name, MirPlace self, NodeId at) {
    Span sp = lb_node(L, at)->span;
    int32_t fi = lb_method_func(ci, name);
    if (fi < 0) ICE("MIR: class `%s` has no method `%s`", str_text(ci->name), str_text(name));
    const SemaFunc *f = &L->prog->funcs.items[fi];
    TypeId fty = f->type; /* re-read through type_get: lowering defaults interns types */
    NodeList params = lb_node(L, f->def)->list;
    uint32_t np = type_get(fty)->nargs;
    if (np == 0 || params.count != np) ICE("MIR: method `%s` without self", str_text(name));
    /* a method of a generic class: its instance for this object's type
     * arguments (methods with type parameters of their own are not) */
    uint32_t body = (uint32_t)fi;
    TypeId fret = f->ret;
    if (f->tparams.len) {
        const Type *st = type_get(mir_place_type(L->b, self));
        if (f->tparams.len != ci->tparams.len || st->kind != TY_CLASS || st->sym != f->cls) {
            lb_unsupported(L, at, "`with` on a generic context method");
            return opd_dead(f->ret);
        }
        body = lb_generic_callee(L, at, (uint32_t)fi, mir_place_type(L->b, self), &fty, &fret);
        f = &L->prog->funcs.items[fi];
    }
    if (lb_node(L, ast_list_at(L->ast, params, 0))->flags & NF_OWN) {
        lb_unsupported(L, at, "an `own self` context method");
        return opd_dead(f->ret);
    }
    MirOperand *args = xcalloc(np, sizeof *args);
    args[0] = opd_place(L, mp_as_class(L, self, type_get(fty)->args[0], sp), sp);
    for (uint32_t k = 1; k < np; k++) {
        TypeId pt = type_get(fty)->args[k];
        NodeId def = lb_node(L, ast_list_at(L->ast, params, k))->b;
        if (def) args[k] = lb_expr_as(L, def, pt);
        else if (pt == TYPE_NONE) args[k] = opd_none(TYPE_NONE);
        else if (type_get(pt)->kind == TY_OPTION) args[k] = lb_temp_of(L, rv_agg(L, AGG_NONE_OPT, pt, NULL, 0), sp);
        else {
            lb_unsupported(L, at, "a context method whose parameters do not accept None");
            free(args);
            return opd_dead(fret);
        }
        if (lb_node(L, ast_list_at(L->ast, params, k))->flags & NF_OWN) args[k] = lb_consume(L, args[k]);
    }
    if (L->prog->funcs.items[fi].is_async) fret = type_coro(fret); /* __aenter__ and friends */
    uint32_t slot = lb_virtual_slot(L, ci, name);
    MirCallee callee = {CALLEE_FN, body, 0};
    if (slot != UINT32_MAX) callee = (MirCallee){CALLEE_VIRTUAL, body, slot};
    MirRvalue rv = {.kind = RV_CALL, .callee = callee, .ops_start = lb_ops(L, args, np), .ops_count = np,
                    .type = fret, .loc = at};
    free(args);
    MirOperand r = lb_temp_of(L, rv, sp);
    if (fret == TYPE_NEVER) {
        lb_term(L, (MirTerm){.kind = MT_UNREACHABLE, .span = sp});
        lb_continue_dead(L);
    }
    return r;
}

/* Leave one entry of the cleanup stack: call __exit__, drop what it owns. */
static void mp_cleanup_one(Lb *L, const LbCleanup *c) {
    if (c->kind != LBC_WITH) {
        lb_async_exit(L, c, false);
        return;
    }
    if (c->exit_fn >= 0) {
        uint32_t mark = L->pending.len;
        const ClassInfo *ci = lb_class(L, mir_place_type(L->b, c->place));
        if (c->async_exit) {
            /* await __aexit__(): on every way out, a cancelled one too */
            MirOperand co = lb_call_self(L, ci, intern_cstr("__aexit__"), c->place, c->at);
            lb_await_in_cleanup(L, co, c->span);
        } else {
            lb_call_self(L, ci, intern_cstr("__exit__"), c->place, c->at);
        }
        lb_flush(L, mark);
    }
    if (c->owned != MIR_NO_LOCAL && !lb_terminated(L)) lb_drop(L, c->owned, c->span);
}

void lb_scope_exits(Lb *L, uint32_t loop_depth) {
    for (uint32_t i = L->cleanups.len; i > 0 && !lb_terminated(L); i--) {
        LbCleanup c = L->cleanups.items[i - 1];
        if (c.loop_depth < loop_depth) break;
        mp_cleanup_one(L, &c);
    }
}

void lb_with(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    if ((node->flags & NF_ASYNC) && node->list.count &&
        type_get(lb_node(L, lb_node(L, ast_list_at(L->ast, node->list, 0))->a)->type)->kind != TY_CLASS) {
        lb_async_with(L, n);
        return;
    }
    /* `async with` on a class with __enter__/__exit__ (nullcontext) runs them like `with` */
    uint32_t base = L->cleanups.len;
    StrId enter = intern_cstr("__enter__");
    for (uint32_t i = 0; i < node->list.count && !L->failed; i++) {
        NodeId iid = ast_list_at(L->ast, node->list, i);
        const Node *it = lb_node(L, iid);
        uint32_t mark = L->pending.len;
        if (type_get(lb_node(L, it->a)->type)->kind != TY_CLASS && (node->flags & NF_ASYNC)) {
            lb_unsupported(L, iid, "an `async with` mixing task items and context-manager objects");
            return;
        }
        MirOperand v = lb_expr(L, it->a);
        const ClassInfo *ci = lb_class(L, v.type);
        int32_t aexit = (node->flags & NF_ASYNC) && ci ? lb_method_func(ci, intern_cstr("__aexit__")) : -1;
        bool is_async = aexit >= 0 && L->prog->funcs.items[aexit].is_async &&
                        lb_method_func(ci, intern_cstr("__aenter__")) >= 0;
        if (!ci || (!is_async && !(ci->flags & CLS_CONTEXT))) ICE("MIR: `with` on a %s", type_name(v.type));
        LbCleanup c = {.exit_fn = is_async ? aexit : lb_method_func(ci, intern_cstr("__exit__")),
                       .owned = MIR_NO_LOCAL, .async_exit = is_async, .loop_depth = L->loops.len, .span = it->span,
                       .at = iid};
        /* a computed context object lives until the exit */
        c.owned = lb_keep_fresh(L, &v, mark, it->span);
        c.place = v.place;
        lb_flush(L, mark);
        MirOperand r = is_async ? lb_await_coro(L, lb_call_self(L, ci, intern_cstr("__aenter__"), c.place, iid),
                                                it->span)
                                : lb_call_self(L, ci, enter, c.place, iid);
        if (it->b) lb_store_target(L, it->b, r, iid);
        lb_flush(L, mark);
        vec_push(&L->cleanups, c);
    }
    lb_stmts(L, node->list2);
    /* the normal way out: the exits in reverse order */
    while (L->cleanups.len > base) {
        LbCleanup c = L->cleanups.items[--L->cleanups.len];
        if (!lb_terminated(L)) mp_cleanup_one(L, &c);
    }
}

/* ==== isinstance and narrowing ============================================ */

MirOperand lb_isinstance(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    NodeId a0 = ast_list_at(L->ast, node->list, 0), a1 = ast_list_at(L->ast, node->list, 1);
    TypeId ct = lb_node(L, a1)->type;
    Span sp = node->span;
    uint32_t mark = L->pending.len;
    MirOperand v = lb_expr(L, a0);
    TypeId t = v.type;
    MirOperand res;
    if (type_get(t)->kind == TY_OPTION) {
        TypeId inner = type_get(t)->args[0];
        MirPlace p = lb_as_place(L, v, sp);
        if (inner == ct || mp_derives(L, inner, ct) || (inner == TYPE_BOOL && ct == TYPE_INT)) {
            res = mp_tag_is(L, p, 1, sp);
        } else if (mp_derives(L, ct, inner)) {
            /* present, and then of the class */
            MirLocalId r = lb_temp(L, TYPE_BOOL);
            lb_assign(L, lb_place(r), rv_use(L, opd_bool(false)), sp);
            MirBlockId done = lb_block(L);
            mp_require(L, mp_tag_is(L, p, 1, sp), done);
            MirPlace pay = lb_project(L, p, PROJ_PAYLOAD, 0, inner);
            lb_assign(L, lb_place(r), rv_use(L, mp_isa(L, pay, ct, sp)), sp);
            lb_goto(L, done);
            L->cur = done;
            res = opd_local(L, r);
        } else {
            res = opd_bool(false);
        }
    } else if (t == ct || mp_derives(L, t, ct) || (t == TYPE_BOOL && ct == TYPE_INT)) {
        res = opd_bool(true);
    } else if (mp_derives(L, ct, t)) {
        res = mp_isa(L, lb_as_place(L, v, sp), ct, sp);
    } else {
        res = opd_bool(false);
    }
    lb_flush(L, mark);
    return res;
}

MirOperand lb_narrowed_read(Lb *L, NodeId n, MirPlace p, TypeId declared) {
    const Node *node = lb_node(L, n);
    TypeId want = node->type;
    if (want == TYPE_NONE) return opd_none(TYPE_NONE); /* `x is None` held */
    const Type *st = type_get(declared);
    if (st->kind == TY_OPTION && st->args[0] != want) {
        /* `x: Animal | None` narrowed to Dog: present, and a Dog */
        p = lb_project(L, p, PROJ_PAYLOAD, 0, st->args[0]);
        declared = st->args[0];
    }
    if (type_get(declared)->kind != TY_CLASS || type_get(want)->kind != TY_CLASS || !mp_derives(L, want, declared))
        ICE("MIR: read of `%s` (%s) as %s", str_text(node->name), type_name(declared), type_name(want));
    return opd_place(L, mp_as_class(L, p, want, node->span), node->span);
}
