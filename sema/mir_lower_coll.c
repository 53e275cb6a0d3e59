/* Lowering of dict and set operations: indexing (`d[k]` read, store and
 * augmented assignment, also of list elements), the dict and set methods,
 * `in` on dicts, sets, tuples and bytes, the set operators, `del`, and
 * `for` loops over dicts (keys, values(), items()) and sets. */
#include "mir_lower.h"

static Span coll_span(Lb *L, NodeId n) { return lb_node(L, n)->span; }

/* A key or element handed to a container that takes it: a temporary the
 * statement computed is moved, a value held in a place is cloned. Looking a
 * key up does not use the caller's variable up, as in Python. */
static MirOperand coll_take(Lb *L, MirOperand v, uint32_t mark) { return lb_take_arm(L, v, mark); }

/* Stores d[k] = v (v already consumed). A key the statement computed (or a
 * constant, or a copy type) is handed over as coll_take does; a key read
 * from a place would need a clone, so it is lent instead to
 * rt_dict_set_ref, which clones it only when it makes a new entry:
 * re-storing an existing key (`counts[w] = counts.get(w, 0) + 1`) then
 * allocates nothing. */
static void coll_dict_store(Lb *L, MirOperand d, MirOperand k, MirOperand v, uint32_t mark, Span sp) {
    bool temp = false;
    if (opd_is_local(k))
        for (uint32_t i = mark; i < L->pending.len; i++)
            if (L->pending.items[i] == k.place.local) temp = true;
    bool lend = k.kind == OPD_COPY && !mir_type_is_copy(k.type) && !temp;
    MirOperand ops[3] = {d, lend ? k : coll_take(L, k, mark), v};
    lb_call_void(L, lend ? MRT_DICT_SET_REF : MRT_DICT_SET, ops, 3, sp);
}

/* A borrowed read of a container slot: the local holds the value's bits,
 * never dropped; a consuming use clones it. */
static MirOperand coll_borrow(Lb *L, MirRtFn f, TypeId t, const MirOperand *ops, uint32_t n, NodeId loc, Span sp) {
    MirLocalId b = lb_local(L, t, 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(b), rv_rt(L, f, t, ops, n, loc), sp);
    MirOperand o = opd_local(L, b);
    o.span = sp;
    return o;
}

/* ==== Indexing ============================================================ */

MirOperand lb_coll_subscript(Lb *L, NodeId n, MirOperand d) {
    const Node *node = lb_node(L, n);
    const Type *dt = type_get(d.type);
    MirOperand ops[2] = {d, lb_expr_as(L, node->b, dt->args[0])};
    return coll_borrow(L, MRT_DICT_AT, dt->args[1], ops, 2, n, node->span);
}

/* A name or an int literal: an operand evaluated without side effects. */
static bool coll_pure_int(Lb *L, NodeId e) {
    const Node *n = lb_node(L, e);
    return n->type == TYPE_INT && (n->kind == N_INT || (n->kind == N_NAME && n->sym));
}

/* The counting idiom `d[k] = d.get(k, c) + e` on a dict[K, int], with d
 * and k names and c, e names or literals: one lookup (rt_dict_add_int)
 * instead of a get and a set. Evaluation order is unobservable: every
 * operand is a plain read. */
bool lb_coll_counter_update(Lb *L, NodeId stmt) {
    const Node *node = lb_node(L, stmt);
    if (node->list.count != 1) return false;
    const Node *t = lb_node(L, ast_list_at(L->ast, node->list, 0));
    const Node *rhs = lb_node(L, node->a);
    if (t->kind != N_SUBSCRIPT || rhs->kind != N_BINARY || rhs->op != TOK_PLUS || rhs->type != TYPE_INT) return false;
    const Node *dn = lb_node(L, t->a), *kn = lb_node(L, t->b);
    const Type *dt = type_get(dn->type);
    if (dn->kind != N_NAME || !dn->sym || kn->kind != N_NAME || !kn->sym || dt->kind != TY_DICT ||
        dt->args[1] != TYPE_INT || kn->type != dt->args[0])
        return false;
    const Node *call = lb_node(L, rhs->a);
    if (call->kind != N_CALL || call->list.count != 2 || !coll_pure_int(L, rhs->b)) return false;
    const Node *callee = lb_node(L, call->a);
    if (callee->kind != N_ATTR || strcmp(str_text(callee->name), "get")) return false;
    const Node *cd = lb_node(L, callee->a);
    const Node *ck = lb_node(L, ast_list_at(L->ast, call->list, 0));
    NodeId dflt = ast_list_at(L->ast, call->list, 1);
    if (cd->kind != N_NAME || cd->sym != dn->sym || ck->kind != N_NAME || ck->sym != kn->sym ||
        !coll_pure_int(L, dflt))
        return false;
    if (L->prog->unwraps.len && prog_unwrap_of(L->prog, node->a)) return false;
    MirOperand ops[4] = {lb_expr(L, t->a), lb_expr(L, t->b), lb_expr_as(L, dflt, TYPE_INT),
                         lb_expr_as(L, rhs->b, TYPE_INT)};
    lb_call_void_loc(L, MRT_DICT_ADD_INT, ops, 4, node->a, node->span);
    return true;
}

bool lb_coll_store_subscript(Lb *L, NodeId target, MirOperand v, NodeId at) {
    const Node *t = lb_node(L, target);
    Span sp = coll_span(L, at);
    uint32_t mark = L->pending.len;
    MirOperand d = lb_expr(L, t->a);
    const Type *dt = type_get(d.type);
    if (dt->kind != TY_DICT) return false;
    MirOperand k = lb_expr_as(L, t->b, dt->args[0]);
    v = lb_consume(L, lb_convert(L, v, dt->args[1], at));
    coll_dict_store(L, d, k, v, mark, sp);
    return true;
}

/* d[k] op= v: the dict and the key are evaluated once, the value is read
 * (a missing key panics before v is evaluated, as in Python), and the
 * result is stored back. `+=` on a list value extends that list in place. */
bool lb_coll_aug_assign(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *tn = lb_node(L, node->a);
    Span sp = node->span;
    if (tn->kind != N_SUBSCRIPT || type_get(lb_node(L, tn->a)->type)->kind != TY_DICT) return false;
    uint32_t mark = L->pending.len;
    MirOperand d = lb_expr(L, tn->a);
    const Type *dt = type_get(d.type);
    TypeId vt = dt->args[1];
    MirOperand k = lb_expr_as(L, tn->b, dt->args[0]);
    MirOperand gops[2] = {d, k};
    const SemaUnwrap *u = L->try_top ? prog_unwrap_of(L->prog, node->a) : NULL;
    if (u) lb_key_check(L, gops, u, node->a); /* inside try: a missing key is KeyError */
    MirOperand cur = coll_borrow(L, MRT_DICT_AT, vt, gops, 2, node->a, tn->span);
    MirOperand v = lb_expr(L, node->b);
    if (v.type == TYPE_NEVER) return true;
    if (node->op == TOK_PLUS && type_get(vt)->kind == TY_LIST) {
        MirOperand ops[2] = {cur, v};
        lb_call_void(L, MRT_LIST_EXTEND, ops, 2, sp);
        return true;
    }
    MirOperand r = lb_consume(L, lb_convert(L, lb_binop(L, node->op, node->type, cur, v, n), vt, n));
    coll_dict_store(L, d, k, r, mark, sp);
    return true;
}

/* ==== Methods ============================================================= */

static bool coll_is(const char *m, const char *name, uint32_t argc, uint32_t want) {
    return !strcmp(m, name) && argc == want;
}

static bool coll_dict_method(Lb *L, NodeId n, MirOperand d, const char *m, uint32_t argc, MirOperand *out) {
    const Node *node = lb_node(L, n);
    const Type *dt = type_get(d.type);
    TypeId kt = dt->args[0], vt = dt->args[1];
    Span sp = node->span;
    uint32_t mark = L->pending.len;
    if ((coll_is(m, "get", argc, 1) || coll_is(m, "pop", argc, 1) || coll_is(m, "get", argc, 2) ||
         coll_is(m, "pop", argc, 2))) {
        bool get = m[0] == 'g';
        MirOperand ops[3] = {d, lb_expr_as(L, lb_arg(L, n, 0), kt)};
        if (argc == 2) {
            /* the default is borrowed: the runtime clones it when used */
            ops[2] = lb_expr_as(L, lb_arg(L, n, 1), vt);
            *out = lb_temp_of(L, rv_rt(L, get ? MRT_DICT_GET_OR : MRT_DICT_POP_OR, vt, ops, 3, 0), sp);
        } else {
            *out = lb_temp_of(L, rv_rt(L, get ? MRT_DICT_GET : MRT_DICT_POP, node->type, ops, 2, 0), sp);
        }
        return true;
    }
    if (coll_is(m, "keys", argc, 0) || coll_is(m, "values", argc, 0) || coll_is(m, "items", argc, 0)) {
        MirRtFn f = m[0] == 'k' ? MRT_DICT_KEYS : m[0] == 'v' ? MRT_DICT_VALUES : MRT_DICT_ITEMS;
        *out = lb_temp_of(L, rv_rt(L, f, node->type, &d, 1, 0), sp);
        return true;
    }
    if (coll_is(m, "clear", argc, 0)) {
        lb_call_void(L, MRT_DICT_CLEAR, &d, 1, sp);
        *out = opd_none(TYPE_NONE);
        return true;
    }
    if (coll_is(m, "copy", argc, 0) || coll_is(m, "clone", argc, 0)) {
        *out = lb_clone(L, d);
        return true;
    }
    if (coll_is(m, "setdefault", argc, 2)) {
        MirOperand k = coll_take(L, lb_expr_as(L, lb_arg(L, n, 0), kt), mark);
        MirOperand v = lb_consume(L, lb_expr_as(L, lb_arg(L, n, 1), vt));
        MirOperand ops[3] = {d, k, v};
        *out = coll_borrow(L, MRT_DICT_SETDEFAULT, vt, ops, 3, 0, sp);
        return true;
    }
    if (coll_is(m, "update", argc, 1)) {
        MirOperand ops[2] = {d, lb_expr_as(L, lb_arg(L, n, 0), d.type)};
        lb_call_void(L, MRT_DICT_UPDATE, ops, 2, sp);
        *out = opd_none(TYPE_NONE);
        return true;
    }
    return false;
}

static bool coll_set_method(Lb *L, NodeId n, MirOperand s, const char *m, uint32_t argc, MirOperand *out) {
    const Node *node = lb_node(L, n);
    TypeId et = type_get(s.type)->args[0];
    Span sp = node->span;
    if (coll_is(m, "add", argc, 1)) {
        MirOperand ops[2] = {s, lb_consume(L, lb_expr_as(L, lb_arg(L, n, 0), et))};
        lb_call_void(L, MRT_SET_ADD, ops, 2, sp);
        *out = opd_none(TYPE_NONE);
        return true;
    }
    if (coll_is(m, "remove", argc, 1) || coll_is(m, "discard", argc, 1)) {
        MirOperand ops[2] = {s, lb_expr_as(L, lb_arg(L, n, 0), et)};
        if (m[0] == 'r') lb_call_void_loc(L, MRT_SET_REMOVE, ops, 2, n, sp);
        else lb_call_void(L, MRT_SET_DISCARD, ops, 2, sp);
        *out = opd_none(TYPE_NONE);
        return true;
    }
    if (coll_is(m, "clear", argc, 0)) {
        lb_call_void(L, MRT_SET_CLEAR, &s, 1, sp);
        *out = opd_none(TYPE_NONE);
        return true;
    }
    if (coll_is(m, "copy", argc, 0) || coll_is(m, "clone", argc, 0)) {
        *out = lb_clone(L, s);
        return true;
    }
    static const struct {
        const char *name;
        MirRtFn f;
        bool swap;
    } ops2[] = {
        {"union", MRT_SET_UNION, false},         {"intersection", MRT_SET_INTERSECTION, false},
        {"difference", MRT_SET_DIFFERENCE, false}, {"issubset", MRT_SET_ISSUBSET, false},
        {"issuperset", MRT_SET_ISSUBSET, true},
    };
    for (size_t i = 0; i < sizeof ops2 / sizeof ops2[0]; i++) {
        if (!coll_is(m, ops2[i].name, argc, 1)) continue;
        MirOperand other = lb_expr_as(L, lb_arg(L, n, 0), s.type);
        MirOperand ops[2] = {ops2[i].swap ? other : s, ops2[i].swap ? s : other};
        *out = lb_temp_of(L, rv_rt(L, ops2[i].f, node->type, ops, 2, 0), sp);
        return true;
    }
    return false;
}

bool lb_coll_method(Lb *L, NodeId n, MirOperand recv, MirOperand *out) {
    const Node *node = lb_node(L, n);
    const char *m = str_text(lb_node(L, node->a)->name);
    TypeKind k = type_get(recv.type)->kind;
    if (k != TY_DICT && k != TY_SET) return false;
    if (!lb_plain_args(L, n)) {
        *out = opd_dead(node->type);
        return true;
    }
    uint32_t argc = node->list.count;
    return k == TY_DICT ? coll_dict_method(L, n, recv, m, argc, out) : coll_set_method(L, n, recv, m, argc, out);
}

/* ==== Operators =========================================================== */

/* `x in c` for the containers the core comparison does not cover: dicts
 * (keys), sets, bytes (a sub-sequence), lists whose element type differs
 * from x's (converted first) and tuples of one element type (== against
 * each element, stopping at the first match). */
bool lb_coll_in(Lb *L, MirOperand l, MirOperand r, NodeId at, MirOperand *out) {
    Span sp = coll_span(L, at);
    const Type *rt = type_get(r.type);
    if (rt->kind == TY_DICT || rt->kind == TY_SET || rt->kind == TY_LIST) {
        MirOperand ops[2] = {r, lb_convert(L, l, rt->args[0], at)};
        MirRtFn f = rt->kind == TY_DICT ? MRT_DICT_CONTAINS : rt->kind == TY_SET ? MRT_SET_CONTAINS : MRT_LIST_CONTAINS;
        *out = lb_temp_of(L, rv_rt(L, f, TYPE_BOOL, ops, 2, 0), sp);
        return true;
    }
    if (r.type == TYPE_BYTES && l.type == TYPE_BYTES) {
        MirOperand ops[2] = {r, l};
        *out = lb_temp_of(L, rv_rt(L, MRT_STR_CONTAINS, TYPE_BOOL, ops, 2, 0), sp);
        return true;
    }
    if (rt->kind == TY_TUPLE) {
        MirLocalId res = lb_temp(L, TYPE_BOOL);
        lb_assign(L, lb_place(res), rv_use(L, opd_bool(false)), sp);
        if (!rt->nargs) {
            *out = opd_local(L, res);
            return true;
        }
        MirPlace p = lb_as_place(L, r, sp);
        MirOperand x = l; /* no user code runs between the comparisons */
        MirBlockId found = lb_block(L), end = lb_block(L);
        for (uint32_t i = 0; i < rt->nargs; i++) {
            MirOperand e = opd_place(L, lb_project(L, p, PROJ_FIELD, i, rt->args[i]), sp);
            MirOperand eq = lb_cmp(L, TOK_EQ, x, e, at);
            MirBlockId next = lb_block(L);
            lb_branch(L, eq, found, next);
            L->cur = next;
        }
        lb_goto(L, end);
        L->cur = found;
        lb_assign(L, lb_place(res), rv_use(L, opd_bool(true)), sp);
        lb_goto(L, end);
        L->cur = end;
        *out = opd_local(L, res);
        return true;
    }
    return false;
}

/* a | b, a & b, a - b, a ^ b on sets: a fresh set. */
bool lb_coll_binop(Lb *L, uint32_t op, TypeId rtype, MirOperand l, MirOperand r, NodeId at, MirOperand *out) {
    if (type_get(rtype)->kind != TY_SET || l.type != rtype || r.type != rtype) return false;
    MirRtFn f;
    switch (op) {
    case TOK_PIPE: f = MRT_SET_UNION; break;
    case TOK_AMP: f = MRT_SET_INTERSECTION; break;
    case TOK_MINUS: f = MRT_SET_DIFFERENCE; break;
    case TOK_CARET: f = MRT_SET_SYMDIFF; break;
    default: return false;
    }
    MirOperand ops[2] = {l, r};
    *out = lb_temp_of(L, rv_rt(L, f, rtype, ops, 2, 0), coll_span(L, at));
    return true;
}

MirOperand lb_coll_len(Lb *L, MirOperand v, Span sp) {
    MirRtFn f = type_get(v.type)->kind == TY_DICT ? MRT_DICT_LEN : MRT_SET_LEN;
    return lb_temp_of(L, rv_rt(L, f, TYPE_INT, &v, 1, 0), sp);
}

/* ==== del ================================================================= */

void lb_del(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    for (uint32_t i = 0; i < node->list.count; i++) {
        NodeId tid = ast_list_at(L->ast, node->list, i);
        const Node *t = lb_node(L, tid);
        Span sp = t->span;
        if (t->kind == N_SUBSCRIPT) {
            if (lb_node(L, t->b)->kind == N_SLICE) {
                lb_seq_del_slice(L, tid);
                lb_flush(L, 0);
                continue;
            }
            MirOperand o = lb_expr(L, t->a);
            const Type *ot = type_get(o.type);
            if (ot->kind == TY_DICT) {
                MirOperand ops[2] = {o, lb_expr_as(L, t->b, ot->args[0])};
                const SemaUnwrap *u = L->try_top ? prog_unwrap_of(L->prog, tid) : NULL;
                if (u) lb_key_check(L, ops, u, tid); /* inside try: a missing key is KeyError */
                lb_call_void_loc(L, MRT_DICT_DEL, ops, 2, tid, sp);
            } else if (ot->kind == TY_LIST) {
                MirOperand ops[2] = {o, lb_expr_as(L, t->b, TYPE_INT)};
                lb_call_void_loc(L, MRT_LIST_DEL, ops, 2, tid, sp);
            } else {
                lb_unsupported(L, tid, "`del` of this target");
            }
            lb_flush(L, 0);
            continue;
        }
        if (t->kind == N_NAME && t->sym) {
            /* `del x`: the value is dropped now and the name is dead (a later
             * read is a use after move); a borrowed parameter's value
             * belongs to the caller and a copy value owns nothing */
            const Symbol *s = prog_sym(L->prog, t->sym);
            if (s->type == TYPE_NONE || mir_type_is_copy(s->type)) continue;
            MirPlace p = lb_sym_place(L, t->sym);
            if (p.proj_count || (L->b->locals.items[p.local].flags & (MIRL_BORROWED | MIRL_MUT_REF))) continue;
            MirOperand v = opd_place(L, p, sp);
            v.kind = OPD_MOVE;
            lb_temp_of(L, rv_use(L, v), sp);
            lb_flush(L, 0);
            continue;
        }
        lb_unsupported(L, tid, "`del` of this target");
    }
}

/* ==== for loops over dicts and sets ======================================= */

typedef enum CollIter { CI_KEYS, CI_VALUES, CI_ITEMS, CI_SET } CollIter;

/* What a `for` iterable walks directly: a dict (its keys), d.keys(),
 * d.values(), d.items() (no list is built), or a set. */
static bool coll_iter_kind(Lb *L, NodeId it, NodeId *coll, CollIter *kind) {
    const Node *e = lb_node(L, it);
    TypeKind k = type_get(e->type)->kind;
    if (k == TY_DICT || k == TY_SET) {
        *coll = it;
        *kind = k == TY_DICT ? CI_KEYS : CI_SET;
        return true;
    }
    if (e->kind != N_CALL || e->list.count) return false;
    const Node *callee = lb_node(L, e->a);
    if (callee->kind != N_ATTR || type_get(lb_node(L, callee->a)->type)->kind != TY_DICT) return false;
    const char *m = str_text(callee->name);
    if (!strcmp(m, "keys")) *kind = CI_KEYS;
    else if (!strcmp(m, "values")) *kind = CI_VALUES;
    else if (!strcmp(m, "items")) *kind = CI_ITEMS;
    else return false;
    *coll = callee->a;
    return true;
}

/* for TARGET in <dict or set>: a hidden slot position walks the table in
 * insertion order. The table's length is read once; the runtime panics
 * (Python's RuntimeError) when the body changed it, and the position is
 * re-checked against the live table each step, so a body that mutates the
 * container can never make the loop read freed memory. The key/value are
 * borrowed from the table and stored into the target (a clone for owned
 * types), so the target stays valid whatever the body does; a value the
 * variable of `for v in d.values()` may borrow (lb_for_borrows) is not
 * cloned, and the live-borrow check keeps the body from freeing it. The
 * temporaries the iterable expression made are held for the whole loop. */
bool lb_coll_for(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    NodeId cn;
    CollIter kind;
    if (!coll_iter_kind(L, node->b, &cn, &kind)) return false;
    Span isp = coll_span(L, node->b);
    uint32_t mark = L->pending.len;
    MirOperand c = lb_expr(L, cn);
    if (c.type == TYPE_NEVER) return true;
    const Type *ct = type_get(c.type);
    uint32_t nheld;
    MirLocalId *held = lb_hold_temps(L, mark, &nheld); /* the container and what it is a part of */
    bool is_set = kind == CI_SET;
    MirOperand len0 = lb_temp_of(L, rv_rt(L, is_set ? MRT_SET_LEN : MRT_DICT_LEN, TYPE_INT, &c, 1, 0), isp);
    lb_flush(L, 0);
    MirLocalId pos;
    LbLoopBlocks bb = lb_loop_begin(L, node, &pos, isp);
    MirBlockId body = lb_block(L), latch = bb.latch, end = bb.end, else_bb = bb.else_bb;
    MirOperand nops[3] = {c, opd_local(L, pos), len0};
    MirLocalId slot = lb_temp(L, TYPE_INT);
    lb_assign(L, lb_place(slot), rv_rt(L, is_set ? MRT_SET_NEXT_SLOT : MRT_DICT_NEXT_SLOT, TYPE_INT, nops, 3, node->b),
              isp);
    MirOperand more = lb_temp_of(L, rv_binary(L, TOK_GE, TYPE_BOOL, opd_local(L, slot), opd_int(0), 0), isp);
    lb_branch(L, more, body, else_bb);
    L->cur = body;
    MirOperand sops[2] = {c, opd_local(L, slot)};
    MirOperand key = {0}, val = {0};
    SymId bsym = 0;
    MirLocalId saved = MIR_NO_LOCAL;
    if (kind != CI_VALUES)
        key = coll_borrow(L, is_set ? MRT_SET_ELEM_AT : MRT_DICT_KEY_AT, ct->args[0], sops, 2, 0, isp);
    if (kind == CI_VALUES || kind == CI_ITEMS) val = coll_borrow(L, MRT_DICT_VALUE_AT, ct->args[1], sops, 2, 0, isp);
    const Node *tn = lb_node(L, node->a);
    if (kind == CI_ITEMS && (tn->kind == N_TUPLE || tn->kind == N_LIST) && tn->list.count == 2) {
        lb_store_target(L, ast_list_at(L->ast, tn->list, 0), key, node->b);
        lb_store_target(L, ast_list_at(L->ast, tn->list, 1), val, node->b);
    } else if (kind == CI_ITEMS) {
        /* one name for the pair: a fresh tuple of clones */
        MirOperand parts[2] = {lb_take_arm(L, key, L->pending.len), lb_take_arm(L, val, L->pending.len)};
        TypeId tt = type_tuple((TypeId[]){ct->args[0], ct->args[1]}, 2);
        MirOperand pair = lb_temp_of(L, rv_agg(L, AGG_TUPLE, tt, parts, 2), isp);
        lb_store_target(L, node->a, pair, node->b);
    } else if (kind == CI_VALUES && !mir_type_is_copy(ct->args[1]) && lb_for_borrows(L, n)) {
        /* the variable borrows each value, as a list loop's borrows each
         * element: changing an object through it changes the dict's */
        bsym = tn->sym;
        saved = L->sym_local[bsym];
        L->sym_local[bsym] = val.place.local;
        L->b->locals.items[val.place.local].name = prog_sym(L->prog, bsym)->name;
    } else {
        lb_store_target(L, node->a, kind == CI_VALUES ? val : key, node->b);
    }
    lb_flush(L, 0);
    vec_push(&L->loops, ((LbLoop){end, latch}));
    lb_stmts(L, node->list);
    L->loops.len--;
    if (bsym) L->sym_local[bsym] = saved;
    lb_loop_next(L, node, bb, pos, opd_local(L, slot), isp);
    lb_drop_held(L, held, nheld, isp);
    return true;
}
