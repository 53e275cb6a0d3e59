/* Lowering of errors as values (SPEC section 4): Ok/Err, the methods and
 * conversions of Result, int(s)/float(s), `raise`, `try/except/else/finally`
 * and the unwrapping of Result values (and dict reads) inside `try`, as plain
 * control flow on Result discriminants (no unwinding). See errors.md. */
#include "mir_lower.h"

/* The phase of a `try` being lowered: errors raised in its body go to its
 * handlers; errors raised in a handler or in `else` leave it (after its
 * `finally`). While its `finally` is lowered the frame is not on the stack
 * at all. */
typedef enum LbTryPhase { LT_BODY, LT_HANDLER, LT_ELSE } LbTryPhase;

typedef struct LbTry {
    struct LbTry *parent;
    NodeId node;             /* the N_TRY */
    LbTryPhase phase;
    uint32_t cur_handler;    /* LT_HANDLER: the clause being lowered (bare `raise`) */
    uint32_t loops_len;      /* Lb.loops.len at the `try` */
    uint32_t cleanups_len;   /* Lb.cleanups.len at the `try` */
    uint32_t nhandlers;
    MirBlockId *hbb;         /* per clause: its body's first block */
    MirLocalId *hlocal;      /* per clause: the local holding the caught error */
} LbTry;


/* The error held in local `err`, moved out as class `to` (a base class of
 * its type: the same pointer, cast). */
static MirOperand le_moved_as(Lb *L, MirLocalId err, TypeId to, Span sp) {
    MirOperand v = opd_local(L, err);
    v.kind = OPD_MOVE;
    if (v.type == to) return v;
    MirLocalId c = lb_temp(L, to);
    lb_assign(L, lb_place(c), rv_cast(L, v, to), sp);
    v = opd_local(L, c);
    v.kind = OPD_MOVE;
    return v;
}
static const ClassInfo *le_class(Lb *L, TypeId t) { return prog_class_of(L->prog, t); }

/* Does every value of class type `sub` belong to class type `base`? */
static bool le_derives(Lb *L, TypeId sub, TypeId base) {
    const ClassInfo *a = le_class(L, sub), *b = le_class(L, base);
    return a && b && prog_class_derives(L->prog, a->sym, b->sym);
}

/* ==== Running cleanups and `finally` blocks =============================== */

/* Run the `with` exits of the cleanup entries lo..hi-1 (innermost first)
 * pushed at loop depth >= loop_depth, through lb_scope_exits on a view of
 * that slice of the stack. */
static void le_cleanups(Lb *L, uint32_t lo, uint32_t hi, uint32_t loop_depth) {
    if (hi <= lo || lb_terminated(L)) return;
    LbCleanup *items = L->cleanups.items;
    uint32_t len = L->cleanups.len, cap = L->cleanups.cap;
    L->cleanups.items = items + lo;
    L->cleanups.len = hi - lo;
    L->cleanups.cap = hi - lo;
    lb_scope_exits(L, loop_depth);
    L->cleanups.items = items;
    L->cleanups.len = len;
    L->cleanups.cap = cap;
}

/* Lower the `finally` block of `fr` at the current point, as the code of
 * one way out of it: errors, returns and breaks inside it see only the
 * scopes around the `try`. Statement temporaries of the caller are kept
 * aside while it is lowered. */
static void le_inline_finally(Lb *L, LbTry *fr) {
    NodeList fin = lb_node(L, fr->node)->list4;
    if (!fin.count || lb_terminated(L)) return;
    uint32_t above = L->cleanups.len > fr->cleanups_len ? L->cleanups.len - fr->cleanups_len : 0;
    LbCleanup *saved = NULL;
    if (above) {
        saved = xmalloc(sizeof *saved * above);
        memcpy(saved, L->cleanups.items + fr->cleanups_len, sizeof *saved * above);
        L->cleanups.len = fr->cleanups_len;
    }
    /* the loops entered inside the `try` are not around its `finally`: a
     * break/continue there leaves a loop around the `try` */
    uint32_t inner = L->loops.len > fr->loops_len ? L->loops.len - fr->loops_len : 0;
    LbLoop *loops = NULL;
    if (inner) {
        loops = xmalloc(sizeof *loops * inner);
        memcpy(loops, L->loops.items + fr->loops_len, sizeof *loops * inner);
        L->loops.len = fr->loops_len;
    }
    LbTry *top = L->try_top;
    bool exit_error = L->exit_error;
    L->try_top = fr->parent;
    L->exit_error = false; /* the block's own scopes end normally */
    lb_stmts(L, fin);
    L->try_top = top;
    L->exit_error = exit_error;
    L->cleanups.len = fr->cleanups_len;
    for (uint32_t i = 0; i < above; i++) vec_push(&L->cleanups, saved[i]);
    free(saved);
    L->loops.len = fr->loops_len;
    for (uint32_t i = 0; i < inner; i++) vec_push(&L->loops, loops[i]);
    free(loops);
}

/* ==== Errors in flight through `finally` =================================== */

/* While the `finally` block of a `try` is lowered inline on the path of an
 * error that leaves it, the error waits in its local. A way out of that
 * `finally` which abandons it (a `return`, a `break`/`continue` out of a
 * loop around the `try`, another error leaving the `finally`) drops it, as
 * Python discards the pending exception. The stack is static: only the
 * entries of the body being lowered (`L`) count. */
typedef struct LeInflight {
    const Lb *L;
    MirLocalId err;
    LbTry *outer;       /* the frames around the `finally` (its try's parent) */
    uint32_t loops_len; /* loops around the `try` */
} LeInflight;

static VEC(LeInflight) le_inflight;

/* Drop the errors in flight of this body that `pred` selects. */
static void le_drop_inflight(Lb *L, bool all, const LbTry *outer, uint32_t min_loops, Span sp) {
    for (uint32_t i = le_inflight.len; i > 0 && !lb_terminated(L); i--) {
        const LeInflight *e = &le_inflight.items[i - 1];
        if (e->L != L) continue;
        if (all || (outer && e->outer == outer) || (min_loops && e->loops_len >= min_loops)) lb_drop(L, e->err, sp);
    }
}

/* Leaving the function: errors in flight at the outermost level die. */
static void le_drop_outer_inflight(Lb *L, Span sp) {
    for (uint32_t i = le_inflight.len; i > 0; i--)
        if (le_inflight.items[i - 1].L == L && !le_inflight.items[i - 1].outer)
            lb_drop(L, le_inflight.items[i - 1].err, sp);
}

/* Lower the `finally` of `fr` on the path of error `err` leaving it. */
static void le_finally_inflight(Lb *L, LbTry *fr, MirLocalId err) {
    LeInflight e = {.L = L, .err = err, .outer = fr->parent, .loops_len = fr->loops_len};
    vec_push(&le_inflight, e);
    le_inline_finally(L, fr);
    if (--le_inflight.len == 0) vec_free(&le_inflight);
}

/* Does leaving by return run a `finally` block? */
static bool le_any_finally(Lb *L) {
    for (LbTry *fr = L->try_top; fr; fr = fr->parent)
        if (lb_node(L, fr->node)->list4.count) return true;
    return false;
}

/* The cleanup entries lo..hi-1 (those pushed at loop depth >= loop_depth),
 * innermost first, where the exit of each entry `raises` selects is
 * lowered by `lower_exit` with the cleanup stack and `try` frames of its own
 * position (`fr`: the `try` the entries are in), so that an error it
 * throws sees only the scopes around it. */
static void le_cleanups_raising(Lb *L, uint32_t lo, uint32_t hi, uint32_t loop_depth, LbTry *fr,
                                bool (*raises)(const LbCleanup *c), void (*lower_exit)(Lb *L, const LbCleanup *c)) {
    while (lo < hi && L->cleanups.items[lo].loop_depth < loop_depth) lo++;
    for (uint32_t k = hi; k-- > lo && !lb_terminated(L);) {
        LbCleanup c = L->cleanups.items[k];
        if (!raises(&c)) continue;
        le_cleanups(L, k + 1, hi, loop_depth);
        hi = k;
        if (lb_terminated(L)) return;
        uint32_t len = L->cleanups.len;
        LbTry *top = L->try_top;
        L->cleanups.len = k;
        L->try_top = fr;
        lower_exit(L, &c);
        L->cleanups.len = len;
        L->try_top = top;
    }
    le_cleanups(L, lo, hi, loop_depth);
}

/* A task scope or group whose exit may raise a child's failure. */
static bool le_failing_scope(const LbCleanup *c) {
    return (c->kind == LBC_TASK_SCOPE || c->kind == LBC_TASK_GROUP) && c->raises;
}

/* On a way out by return, break or continue, a scope's exit checks its
 * children as at the block's end: a failure raises at its `async with`
 * (the return is abandoned, as in Python). */
static void le_leave_scope(Lb *L, const LbCleanup *c) { lb_async_exit(L, c, true); }

/* The cleanup entries lo..hi-1 on a way out by return, break or continue. */
static void le_leave_cleanups(Lb *L, uint32_t lo, uint32_t hi, uint32_t loop_depth, LbTry *fr) {
    le_cleanups_raising(L, lo, hi, loop_depth, fr, le_failing_scope, le_leave_scope);
}

/* Is one of the cleanup entries a scope whose exit may raise? */
static bool le_any_failing_scope(Lb *L) {
    for (uint32_t k = 0; k < L->cleanups.len; k++)
        if (le_failing_scope(&L->cleanups.items[k])) return true;
    return false;
}

void lb_leave_scopes(Lb *L, uint32_t loop_depth) {
    /* A `return` through `finally`: the returned value waits in an owned
     * local, so that a `finally` that raises or returns again drops it
     * (exit drops) instead of overwriting it in the return place. */
    TypeId ret = L->b->ret;
    MirLocalId parked = MIR_NO_LOCAL;
    if (!loop_depth && !lb_terminated(L) && !mir_type_is_copy(ret) && (le_any_finally(L) || le_any_failing_scope(L))) {
        parked = lb_temp(L, ret);
        MirOperand r = opd_local(L, 0);
        r.kind = OPD_MOVE;
        lb_assign(L, lb_place(parked), rv_use(L, r), (Span){0});
        vec_push(&L->owned, parked);
    }
    /* errors in flight through the `finally` blocks left die here */
    le_drop_inflight(L, !loop_depth, NULL, loop_depth, (Span){0});
    uint32_t hi = L->cleanups.len;
    for (LbTry *fr = L->try_top; fr && !lb_terminated(L); fr = fr->parent) {
        if (loop_depth && fr->loops_len < loop_depth) break; /* the loop is inside this `try` */
        le_leave_cleanups(L, fr->cleanups_len, hi, loop_depth, fr);
        hi = fr->cleanups_len < hi ? fr->cleanups_len : hi;
        le_inline_finally(L, fr);
    }
    le_leave_cleanups(L, 0, hi, loop_depth, NULL);
    if (parked != MIR_NO_LOCAL && !lb_terminated(L)) {
        MirOperand p = opd_local(L, parked);
        p.kind = OPD_MOVE;
        lb_assign(L, lb_place(0), rv_use(L, p), (Span){0});
    }
}

/* A path that leaves the statement (an error, a cancellation): the
 * statement's temporaries die on it. They are set aside while the path is
 * lowered, and given back for the other paths of the statement. */
static MirLocalId *le_take_pending(Lb *L, Span sp, uint32_t *n) {
    for (uint32_t i = L->pending.len; i > 0; i--) lb_drop(L, L->pending.items[i - 1], sp);
    *n = L->pending.len;
    MirLocalId *pend = NULL;
    if (*n) {
        pend = xmalloc(sizeof *pend * *n);
        memcpy(pend, L->pending.items, sizeof *pend * *n);
    }
    L->pending.len = 0;
    return pend;
}

static void le_give_back_pending(Lb *L, MirLocalId *pend, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) vec_push(&L->pending, pend[i]);
    free(pend);
}

/* ==== Raising ============================================================= */

/* Move the error in local `err` into clause `i` of `fr` (its class, by a
 * cast when the error's static class differs) and jump to the clause. */
static void le_bind(Lb *L, LbTry *fr, uint32_t i, MirLocalId err, Span sp) {
    MirLocalId hl = fr->hlocal[i];
    TypeId ht = L->b->locals.items[hl].type;
    MirOperand v = opd_local(L, err);
    v.kind = OPD_MOVE;
    if (v.type != ht) {
        MirLocalId c = lb_temp(L, ht);
        lb_assign(L, lb_place(c), rv_cast(L, v, ht), sp);
        v = opd_local(L, c);
        v.kind = OPD_MOVE;
    }
    lb_drop(L, hl, sp); /* the error an earlier pass through the clause caught */
    lb_assign(L, lb_place(hl), rv_use(L, v), sp);
    lb_goto(L, fr->hbb[i]);
}

/* The panic of an error nothing takes (`soft_at`: the `d[k]` that raised
 * it): "KeyError: <message>", as the runtime's panic of `d[k]` outside
 * `try`. */
static void le_soft_panic(Lb *L, MirLocalId err, NodeId soft_at, Span sp) {
    TypeId et = L->b->locals.items[err].type;
    const ClassInfo *ci = le_class(L, et);
    if (!ci || ci->fields.len != 1 || ci->fields.items[0].type != TYPE_STR)
        ICE("MIR: an unhandled %s without a message", type_name(et));
    MirPlace obj = lb_project(L, lb_place(err), PROJ_DEREF, 0, et);
    MirOperand text = opd_place(L, lb_project(L, obj, PROJ_FIELD, 0, TYPE_STR), sp);
    char head[96];
    snprintf(head, sizeof head, "%s: ", str_text(ci->name));
    MirOperand ops[2] = {opd_str(intern_cstr(head)), text};
    MirOperand msg = lb_temp_of(L, rv_rt(L, MRT_STR_CONCAT, TYPE_STR, ops, 2, 0), sp);
    lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = msg, .loc = soft_at, .span = sp});
}

/* The error in local `err` (owned, of a class type) travels from the
 * current point: to the first clause of an enclosing `try` body that
 * matches its dynamic class, running the `with` exits and `finally` blocks
 * it leaves on the way; with none, the function returns Err(err). Ends the
 * current block. An error sema does not require to be handled (soft_at:
 * the `d[k]` that raised it, else 0) panics when the function's Result
 * cannot carry it. */
static void le_throw(Lb *L, MirLocalId err, Span sp, NodeId soft_at) {
    uint32_t npend; /* this statement's temporaries die on this path */
    MirLocalId *pend = le_take_pending(L, sp, &npend);
    TypeId et = L->b->locals.items[err].type;
    uint32_t hi = L->cleanups.len;
    bool was_error = L->exit_error;
    L->exit_error = true;
    for (LbTry *fr = L->try_top; fr && !lb_terminated(L); fr = fr->parent) {
        le_drop_inflight(L, false, fr, 0, sp); /* this error leaves a `finally` that had one in flight */
        le_cleanups(L, fr->cleanups_len, hi, 0);
        hi = fr->cleanups_len < hi ? fr->cleanups_len : hi;
        if (fr->phase == LT_BODY) {
            NodeList handlers = lb_node(L, fr->node)->list2;
            for (uint32_t i = 0; i < fr->nhandlers && !lb_terminated(L); i++) {
                /* the classes the clause names: one, or those of `except (A, B)` */
                const Node *h = lb_node(L, ast_list_at(L->ast, handlers, i));
                const Node *names = h->a ? lb_node(L, h->a) : NULL;
                bool tuple = names && names->kind == N_TUPLE;
                uint32_t nclasses = tuple ? names->list.count : 1;
                for (uint32_t k = 0; k < nclasses && !lb_terminated(L); k++) {
                    TypeId ht = tuple ? lb_node(L, ast_list_at(L->ast, names->list, k))->type
                                      : L->b->locals.items[fr->hlocal[i]].type;
                    if (le_derives(L, et, ht)) {
                        le_bind(L, fr, i, err, sp); /* always taken */
                    } else if (le_derives(L, ht, et)) {
                        /* a clause for a subclass: test the dynamic class */
                        MirOperand e = opd_local(L, err);
                        MirRvalue isa = {.kind = RV_ISA, .type = TYPE_BOOL, .isa = ht,
                                         .ops_start = lb_ops(L, &e, 1), .ops_count = 1};
                        MirLocalId t = lb_temp(L, TYPE_BOOL);
                        lb_assign(L, lb_place(t), isa, sp);
                        MirBlockId yes = lb_block(L), no = lb_block(L);
                        lb_branch(L, opd_local(L, t), yes, no);
                        L->cur = yes;
                        le_bind(L, fr, i, err, sp);
                        L->cur = no;
                    }
                }
            }
        }
        if (!lb_terminated(L)) le_finally_inflight(L, fr, err);
    }
    if (!lb_terminated(L)) {
        le_drop_outer_inflight(L, sp);
        le_cleanups(L, 0, hi, 0);
        TypeId ret = L->b->ret;
        bool carries = type_get(ret)->kind == TY_RESULT &&
                       (type_get(ret)->args[1] == et || le_derives(L, et, type_get(ret)->args[1]));
        if (!lb_terminated(L) && soft_at && !carries) {
            le_soft_panic(L, err, soft_at, sp);
        } else if (!lb_terminated(L)) {
            if (type_get(ret)->kind != TY_RESULT) {
                /* sema rejects errors that escape a function without a Result (SIFR-RESULT-0005) */
                ICE("MIR: an error of type %s leaves %s, which returns %s", type_name(et), L->b->symbol,
                    type_name(ret));
            }
            TypeId fe = type_get(ret)->args[1];
            MirOperand v = le_moved_as(L, err, fe, sp);
            lb_assign(L, lb_place(0), rv_agg(L, AGG_ERR, ret, &v, 1), sp);
            lb_exit_drops(L, sp);
            lb_term(L, (MirTerm){.kind = MT_RETURN, .span = sp});
        }
    }
    L->exit_error = was_error;
    le_give_back_pending(L, pend, npend);
}

/* ==== Cancellation ========================================================= */

static bool le_is_timeout(const LbCleanup *c) { return c->kind == LBC_TIMEOUT; }

/* A timeout's exit on the cancellation path: a timeout that expired, when
 * that is why the task is cancelled, raises TimeoutError at its `async
 * with` (MIR: a branch on rt_timeout_end); the error travels from there
 * like any other. */
static void le_cancel_timeout(Lb *L, const LbCleanup *c) {
    MirBlockId expired = lb_block(L), go_on = lb_block(L);
    lb_branch(L, lb_timeout_end(L, c), expired, go_on);
    L->cur = expired;
    MirLocalId err = lb_temp(L, c->raises);
    lb_assign(L, lb_place(err), rv_agg(L, AGG_OBJECT, c->raises, NULL, 0), c->span);
    le_throw(L, err, c->span, 0);
    L->cur = go_on;
}

/* The cleanup entries lo..hi-1 on the cancellation path; `fr` is the `try`
 * they are in (NULL: none). */
static void le_cancel_cleanups(Lb *L, uint32_t lo, uint32_t hi, LbTry *fr) {
    le_cleanups_raising(L, lo, hi, 0, fr, le_is_timeout, le_cancel_timeout);
}

/* The cancellation path of an `await` (async bodies): the statement's
 * temporaries die, the `with` exits and `finally` blocks of every scope
 * around run, innermost first, then the body finishes as cancelled. A
 * `finally` that returns ends the cancellation there, as in Python; an
 * expired timeout turns it into its TimeoutError. */
void lb_cancel_exit(Lb *L, Span sp) {
    uint32_t npend;
    MirLocalId *pend = le_take_pending(L, sp, &npend);
    uint32_t hi = L->cleanups.len;
    for (LbTry *fr = L->try_top; fr && !lb_terminated(L); fr = fr->parent) {
        le_drop_inflight(L, false, fr, 0, sp); /* the path leaves a `finally` that had one in flight */
        le_cancel_cleanups(L, fr->cleanups_len, hi, fr);
        hi = fr->cleanups_len < hi ? fr->cleanups_len : hi;
        le_inline_finally(L, fr);
    }
    if (!lb_terminated(L)) {
        le_drop_outer_inflight(L, sp);
        le_cancel_cleanups(L, 0, hi, NULL);
    }
    if (!lb_terminated(L)) {
        lb_exit_drops(L, sp);
        lb_term(L, (MirTerm){.kind = MT_CANCEL, .span = sp});
    }
    le_give_back_pending(L, pend, npend);
}

void lb_throw(Lb *L, MirLocalId err, Span sp) { le_throw(L, err, sp, 0); }

/* The innermost `except` clause being lowered (bare `raise`). */
static LbTry *le_cur_handler(Lb *L) {
    for (LbTry *fr = L->try_top; fr; fr = fr->parent)
        if (fr->phase == LT_HANDLER) return fr;
    return NULL;
}

/* A new instance of error class `t` from its field defaults (`raise
 * ClosedError`: the class stands for its field-less instance). */
static MirOperand le_default_instance(Lb *L, NodeId at, TypeId t) {
    const ClassInfo *ci = le_class(L, t);
    Span sp = lb_node(L, at)->span;
    if (!ci || (ci->flags & CLS_USER_INIT) || ci->tparams.len) {
        lb_unsupported(L, at, "raising this class by its name");
        return opd_dead(t);
    }
    uint32_t nf = ci->fields.len;
    MirOperand *args = xcalloc(nf + 1, sizeof *args);
    for (uint32_t k = 0; k < nf; k++) {
        if (!ci->fields.items[k].dflt) ICE("MIR: `raise %s` without a default for field %u", str_text(ci->name), k);
        args[k] = lb_consume(L, lb_expr_as(L, ci->fields.items[k].dflt, ci->fields.items[k].type));
    }
    MirOperand r = lb_temp_of(L, rv_agg(L, AGG_OBJECT, t, args, nf), sp);
    free(args);
    return r;
}

void lb_raise(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    MirOperand v;
    if (!node->a) {
        /* bare `raise`: the error the enclosing clause caught, again */
        LbTry *fr = le_cur_handler(L);
        if (!fr) ICE("MIR: a bare `raise` outside `except`");
        v = opd_local(L, fr->hlocal[fr->cur_handler]);
    } else {
        const Node *en = lb_node(L, node->a);
        if (en->kind == N_NAME && en->sym && prog_sym(L->prog, en->sym)->kind == SYM_CLASS)
            v = le_default_instance(L, node->a, en->type);
        else v = lb_expr(L, node->a);
    }
    if (node->b && !L->failed && v.type != TYPE_NEVER) {
        /* `raise X from Y`: Y is evaluated after X (Python) and dropped */
        MirOperand cause = lb_expr(L, node->b);
        if (cause.type == TYPE_NEVER) v = cause;
    }
    if (v.type == TYPE_NEVER || L->failed) {
        lb_flush(L, 0);
        if (!lb_terminated(L)) lb_term(L, (MirTerm){.kind = MT_UNREACHABLE, .span = sp});
        return;
    }
    /* the error is owned by a local of its own until it is caught or returned */
    MirLocalId err = lb_temp(L, v.type);
    lb_assign(L, lb_place(err), rv_use(L, lb_consume(L, v)), sp);
    le_throw(L, err, sp, 0);
    lb_flush(L, 0);
}

/* ==== Unwrapping ========================================================== */

/* Make the owned Result temporary `r` give up its payload without being
 * dropped: it is moved into a borrowed local, which is never dropped (the
 * payload was copied out bitwise and has a new owner). */
static void le_forget(Lb *L, MirLocalId r, Span sp) {
    MirLocalId sink = lb_local(L, L->b->locals.items[r].type, 0, (Span){0}, MIRL_BORROWED);
    MirOperand o = opd_local(L, r);
    o.kind = OPD_MOVE;
    lb_assign(L, lb_place(sink), rv_use(L, o), sp);
}

/* Is `o` an owned temporary of the current statement (a local it may take
 * apart)? */
static bool le_is_fresh(Lb *L, MirOperand o) {
    if (!opd_is_local(o)) return false;
    for (uint32_t i = 0; i < L->pending.len; i++)
        if (L->pending.items[i] == o.place.local) return true;
    return false;
}

/* The Result-valued call `n`, of type `rtype`, lowered without unwrapping. */
static MirOperand le_result_call(Lb *L, NodeId n, TypeId rtype) {
    const Node *node = lb_node(L, n);
    if (node->kind == N_AWAIT) return lb_await(L, n); /* `await f()` of a fallible coroutine */
    const Node *callee = lb_node(L, node->a);
    if (callee->kind == N_NAME && callee->sym) {
        const Symbol *s = prog_sym(L->prog, callee->sym);
        if (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) {
            BuiltinId bi = (BuiltinId)s->index;
            if (bi == BI_OK || bi == BI_ERR) return lb_result_ctor(L, n, bi, rtype);
            if (bi == BI_INT || bi == BI_FLOAT) return lb_parse_number(L, n, bi, rtype);
        }
    }
    MirOperand r = lb_call(L, n);
    if (r.type != rtype && r.type != TYPE_NEVER && !L->failed)
        ICE("MIR: the unwrapped call gives %s, not %s", type_name(r.type), type_name(rtype));
    return r;
}

MirOperand lb_unwrap(Lb *L, NodeId n, const SemaUnwrap *u) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    TypeId rt = u->result;
    TypeId ok_t = type_get(rt)->args[0], err_t = type_get(rt)->args[1];
    MirOperand r = le_result_call(L, n, rt);
    if (r.type == TYPE_NEVER || L->failed) return opd_dead(node->type);
    if (!L->try_top) {
        lb_unsupported(L, n, "unwrapping a `Result` here");
        return opd_dead(node->type);
    }
    if (!le_is_fresh(L, r)) r = lb_clone(L, r);
    MirLocalId rl = r.place.local;
    MirRvalue d = {.kind = RV_DISCRIMINANT, .place = lb_place(rl), .type = TYPE_INT};
    MirOperand tag = lb_temp_of(L, d, sp);
    MirOperand is_err = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, tag, opd_int(1), 0), sp);
    MirBlockId eb = lb_block(L), ob = lb_block(L);
    lb_branch(L, is_err, eb, ob);

    /* Err: the error leaves the Result for a local of its own, and travels */
    L->cur = eb;
    MirLocalId err = lb_temp(L, err_t);
    lb_assign(L, lb_place(err), rv_use(L, opd_place(L, lb_project(L, lb_place(rl), PROJ_PAYLOAD, 1, err_t), sp)), sp);
    le_forget(L, rl, sp);
    le_throw(L, err, sp, 0);

    /* Ok: the payload, owned by a temporary of the statement */
    L->cur = ob;
    if (ok_t == TYPE_NONE) return opd_none(TYPE_NONE);
    MirOperand pv = opd_place(L, lb_project(L, lb_place(rl), PROJ_PAYLOAD, 0, ok_t), sp);
    if (mir_type_is_copy(ok_t)) return lb_temp_of(L, rv_use(L, pv), sp);
    MirLocalId v = lb_temp(L, ok_t);
    lb_assign(L, lb_place(v), rv_use(L, pv), sp);
    le_forget(L, rl, sp);
    vec_push(&L->pending, v);
    MirOperand o = opd_local(L, v);
    o.span = sp;
    return o;
}

/* ops = {dict, key}: when the key is missing, throw KeyError(repr(key))
 * to the enclosing handlers (u: the error point sema recorded at n);
 * code continues where it is present. */
void lb_key_check(Lb *L, const MirOperand *ops, const SemaUnwrap *u, NodeId n) {
    Span sp = lb_node(L, n)->span;
    MirOperand has = lb_temp_of(L, rv_rt(L, MRT_DICT_CONTAINS, TYPE_BOOL, ops, 2, 0), sp);
    MirBlockId miss = lb_block(L), hit = lb_block(L);
    lb_branch(L, has, hit, miss);
    L->cur = miss;
    uint32_t mark = L->pending.len;
    TypeId kt = type_get(u->result)->args[1];
    const ClassInfo *ci = le_class(L, kt);
    if (!ci || ci->fields.len != 1) ICE("MIR: KeyError without its message field");
    MirOperand text = lb_consume(L, lb_stringify_value(L, ops[1], true, false, n));
    MirLocalId err = lb_temp(L, kt);
    lb_assign(L, lb_place(err), rv_agg(L, AGG_OBJECT, kt, &text, 1), sp);
    le_throw(L, err, sp, n);
    L->pending.len = mark;
    L->cur = hit;
}

MirOperand lb_key_lookup(Lb *L, NodeId n, const SemaUnwrap *u) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    if (!L->try_top) return lb_subscript(L, n); /* a lambda or comprehension body: the panic */
    MirOperand d = lb_expr(L, node->a);
    if (d.type == TYPE_NEVER || L->failed) return opd_dead(node->type);
    const Type *dt = type_get(d.type);
    if (dt->kind != TY_DICT) ICE("MIR: a key lookup in %s", type_name(d.type));
    MirOperand ops[2] = {d, lb_expr_as(L, node->b, dt->args[0])};
    if (ops[1].type == TYPE_NEVER || L->failed) return opd_dead(node->type);
    lb_key_check(L, ops, u, n);
    /* present: the value, borrowed from the dict */
    MirLocalId b = lb_local(L, dt->args[1], 0, (Span){0}, MIRL_BORROWED);
    lb_assign(L, lb_place(b), rv_rt(L, MRT_DICT_AT, dt->args[1], ops, 2, n), sp);
    MirOperand o = opd_local(L, b);
    o.span = sp;
    return o;
}

/* ==== Result values ======================================================= */

MirOperand lb_result_ctor(Lb *L, NodeId n, BuiltinId bi, TypeId rtype) {
    const Node *node = lb_node(L, n);
    const Type *rt = type_get(rtype);
    if (rt->kind != TY_RESULT || node->list.count != 1) ICE("MIR: Ok/Err of type %s", type_name(rtype));
    NodeId a0 = ast_list_at(L->ast, node->list, 0);
    TypeId pt = rt->args[bi == BI_ERR ? 1 : 0];
    MirOperand v = lb_expr_as(L, a0, pt);
    if (v.type == TYPE_NEVER) return opd_dead(rtype);
    MirAggKind k = bi == BI_ERR ? AGG_ERR : AGG_OK;
    if (pt == TYPE_NONE) return lb_temp_of(L, rv_agg(L, k, rtype, NULL, 0), node->span);
    v = lb_consume(L, v);
    return lb_temp_of(L, rv_agg(L, k, rtype, &v, 1), node->span);
}

MirOperand lb_result_convert(Lb *L, MirOperand v, TypeId to, NodeId at) {
    Span sp = lb_node(L, at)->span;
    const Type *ft = type_get(v.type), *tt = type_get(to);
    if (ft->kind != TY_RESULT || tt->kind != TY_RESULT) ICE("MIR: Result conversion from %s", type_name(v.type));
    TypeId fok = ft->args[0], ferr = ft->args[1], tok = tt->args[0], terr = tt->args[1];
    /* take the source apart: an owned temporary whose payload moves out */
    if (!le_is_fresh(L, v)) v = lb_clone(L, v);
    MirLocalId rl = v.place.local;
    MirLocalId res = lb_temp(L, to);
    MirRvalue d = {.kind = RV_DISCRIMINANT, .place = lb_place(rl), .type = TYPE_INT};
    MirOperand tag = lb_temp_of(L, d, sp);
    MirOperand is_err = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, tag, opd_int(1), 0), sp);
    MirBlockId eb = lb_block(L), ob = lb_block(L), end = lb_block(L);
    lb_branch(L, is_err, eb, ob);

    /* Err(e): the error, cast to the wider class */
    L->cur = eb;
    MirLocalId e = lb_temp(L, ferr);
    lb_assign(L, lb_place(e), rv_use(L, opd_place(L, lb_project(L, lb_place(rl), PROJ_PAYLOAD, 1, ferr), sp)), sp);
    le_forget(L, rl, sp);
    MirOperand ev = le_moved_as(L, e, terr, sp);
    lb_assign(L, lb_place(res), rv_agg(L, AGG_ERR, to, &ev, 1), sp);
    lb_goto(L, end);

    /* Ok(v): the payload, converted like a returned value */
    L->cur = ob;
    if (tok == TYPE_NONE) {
        lb_assign(L, lb_place(res), rv_agg(L, AGG_OK, to, NULL, 0), sp);
    } else {
        uint32_t mark = L->pending.len;
        MirLocalId p = lb_temp(L, fok);
        lb_assign(L, lb_place(p), rv_use(L, opd_place(L, lb_project(L, lb_place(rl), PROJ_PAYLOAD, 0, fok), sp)), sp);
        le_forget(L, rl, sp);
        if (!mir_type_is_copy(fok)) vec_push(&L->pending, p);
        MirOperand pv = lb_consume(L, lb_convert(L, opd_local(L, p), tok, at));
        lb_assign(L, lb_place(res), rv_agg(L, AGG_OK, to, &pv, 1), sp);
        lb_flush(L, mark);
    }
    lb_goto(L, end);
    L->cur = end;
    vec_push(&L->pending, res);
    MirOperand o = opd_local(L, res);
    o.span = sp;
    return o;
}

MirOperand lb_parse_number(Lb *L, NodeId n, BuiltinId bi, TypeId rtype) {
    const Node *node = lb_node(L, n);
    if (node->list.count != 1) ICE("MIR: int()/float() of a str without one argument");
    MirOperand s = lb_expr_as(L, ast_list_at(L->ast, node->list, 0), TYPE_STR);
    MirRtFn f = bi == BI_INT ? MRT_STR_TO_INT_RESULT : MRT_STR_TO_FLOAT_RESULT;
    return lb_temp_of(L, rv_rt(L, f, rtype, &s, 1, n), node->span);
}

/* A panic "called `m` on an `Err`/`Ok` value: <repr of the payload>". */
static void le_unwrap_panic(Lb *L, NodeId n, const char *what, MirPlace rp, uint32_t variant, TypeId pt) {
    Span sp = lb_node(L, n)->span;
    MirOperand msg;
    if (pt == TYPE_NONE) {
        char text[96];
        snprintf(text, sizeof text, "%s: ()", what);
        msg = opd_str(intern_cstr(text));
    } else {
        MirOperand p = opd_place(L, lb_project(L, rp, PROJ_PAYLOAD, variant, pt), sp);
        MirOperand r = lb_stringify_value(L, p, true, false, n);
        char text[96];
        snprintf(text, sizeof text, "%s: ", what);
        MirOperand ops[2] = {opd_str(intern_cstr(text)), r};
        msg = lb_temp_of(L, rv_rt(L, MRT_STR_CONCAT, TYPE_STR, ops, 2, 0), sp);
    }
    lb_term(L, (MirTerm){.kind = MT_PANIC, .cond = msg, .loc = n, .span = sp});
}

MirLocalId lb_result_fork(Lb *L, MirOperand failed, TypeId rt, MirBlockId *done, Span sp) {
    MirLocalId res = lb_temp(L, rt);
    MirBlockId bad = lb_block(L), good = lb_block(L);
    *done = lb_block(L);
    lb_branch(L, failed, bad, good);
    L->cur = bad;
    MirOperand e = lb_consume(L, lb_temp_of(L, rv_agg(L, AGG_OBJECT, type_get(rt)->args[1], NULL, 0), sp));
    lb_assign(L, lb_place(res), rv_agg(L, AGG_ERR, rt, &e, 1), sp);
    lb_goto(L, *done);
    L->cur = good;
    return res;
}

MirOperand lb_result_join(Lb *L, MirLocalId res, MirOperand v, MirBlockId done, Span sp) {
    TypeId rt = L->b->locals.items[res].type;
    if (v.type == TYPE_NONE) {
        lb_assign(L, lb_place(res), rv_agg(L, AGG_OK, rt, NULL, 0), sp);
    } else {
        v = lb_consume(L, v);
        lb_assign(L, lb_place(res), rv_agg(L, AGG_OK, rt, &v, 1), sp);
    }
    lb_goto(L, done);
    L->cur = done;
    vec_push(&L->pending, res);
    return opd_local(L, res);
}

MirOperand lb_result_method(Lb *L, NodeId n, MirOperand recv) {
    const Node *node = lb_node(L, n);
    const char *m = str_text(lb_node(L, node->a)->name);
    const Type *rt = type_get(recv.type);
    TypeId ok_t = rt->args[0], err_t = rt->args[1];
    uint32_t argc = node->list.count;
    Span sp = node->span;
    MirPlace rp = lb_as_place(L, recv, sp);
    MirRvalue d = {.kind = RV_DISCRIMINANT, .place = rp, .type = TYPE_INT};
    if ((!strcmp(m, "is_ok") || !strcmp(m, "is_err")) && argc == 0) {
        MirOperand tag = lb_temp_of(L, d, sp);
        return lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, tag, opd_int(m[3] == 'o' ? 0 : 1), 0), sp);
    }
    if ((!strcmp(m, "unwrap") || !strcmp(m, "unwrap_err")) && argc == 0) {
        /* the payload, borrowed from the Result (a consuming use clones it) */
        bool want_err = m[6] == '_';
        TypeId pt = want_err ? err_t : ok_t;
        MirOperand tag = lb_temp_of(L, d, sp);
        MirOperand good = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, tag, opd_int(want_err ? 1 : 0), 0), sp);
        MirBlockId bad = lb_block(L), ok = lb_block(L);
        lb_branch(L, good, ok, bad);
        L->cur = bad;
        if (want_err) le_unwrap_panic(L, n, "called `unwrap_err()` on an `Ok` value", rp, 0, ok_t);
        else le_unwrap_panic(L, n, "called `unwrap()` on an `Err` value", rp, 1, err_t);
        L->cur = ok;
        if (pt == TYPE_NONE) return opd_none(TYPE_NONE);
        if (lb_type_is_handle(pt) && !lb_is_borrowed(L, recv)) {
            /* a guard or handle cannot be copied: the Result is consumed
             * and the payload taken out of it (its slot left empty) */
            MirOperand whole = lb_temp_of(L, rv_use(L, lb_consume(L, recv)), sp);
            return lb_take_handle(L, lb_project(L, whole.place, PROJ_PAYLOAD, want_err ? 1 : 0, pt), pt, sp);
        }
        return opd_place(L, lb_project(L, rp, PROJ_PAYLOAD, want_err ? 1 : 0, pt), sp);
    }
    if (!strcmp(m, "unwrap_or") && argc == 1) {
        MirOperand dflt = lb_expr_as(L, ast_list_at(L->ast, node->list, 0), ok_t);
        if (ok_t == TYPE_NONE) return opd_none(TYPE_NONE);
        MirLocalId res = lb_temp(L, ok_t);
        MirOperand tag = lb_temp_of(L, d, sp);
        MirOperand good = lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, tag, opd_int(0), 0), sp);
        MirBlockId ob = lb_block(L), eb = lb_block(L), end = lb_block(L);
        lb_branch(L, good, ob, eb);
        L->cur = ob;
        MirOperand pv = opd_place(L, lb_project(L, rp, PROJ_PAYLOAD, 0, ok_t), sp);
        uint32_t mark = L->pending.len;
        lb_assign(L, lb_place(res), rv_use(L, lb_take_arm(L, pv, mark)), sp);
        lb_flush(L, mark);
        lb_goto(L, end);
        L->cur = eb;
        lb_assign(L, lb_place(res), rv_use(L, lb_take_arm(L, dflt, 0)), sp);
        lb_goto(L, end);
        L->cur = end;
        if (!mir_type_is_copy(ok_t)) vec_push(&L->pending, res);
        return opd_local(L, res);
    }
    char what[96];
    snprintf(what, sizeof what, "the method `%s` of `%s`", m, type_name(recv.type));
    lb_unsupported(L, n, what);
    return opd_dead(node->type);
}

/* ==== try ================================================================= */

void lb_try(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    NodeList body = node->list, handlers = node->list2, orelse = node->list3, fin = node->list4;
    LbTry fr = {.parent = L->try_top, .node = n, .phase = LT_BODY, .loops_len = L->loops.len,
                .cleanups_len = L->cleanups.len, .nhandlers = handlers.count};
    fr.hbb = xcalloc(handlers.count + 1, sizeof *fr.hbb);
    fr.hlocal = xcalloc(handlers.count + 1, sizeof *fr.hlocal);
    for (uint32_t i = 0; i < handlers.count; i++) {
        const Node *h = lb_node(L, ast_list_at(L->ast, handlers, i));
        fr.hbb[i] = lb_block(L);
        if (h->name && h->sym && L->sym_local[h->sym] != MIR_NO_LOCAL) {
            fr.hlocal[i] = L->sym_local[h->sym];
        } else {
            /* no name: a hidden owner, for a bare `raise` and the drop */
            fr.hlocal[i] = lb_local(L, h->type, 0, h->span, 0);
            vec_push(&L->owned, fr.hlocal[i]);
        }
    }
    MirBlockId done = lb_block(L);
    L->try_top = &fr;
    lb_stmts(L, body);
    if (!lb_terminated(L)) {
        fr.phase = LT_ELSE;
        lb_stmts(L, orelse);
    }
    lb_goto(L, done);
    fr.phase = LT_HANDLER;
    for (uint32_t i = 0; i < handlers.count; i++) {
        NodeId hid = ast_list_at(L->ast, handlers, i);
        fr.cur_handler = i;
        L->cur = fr.hbb[i];
        lb_stmts(L, lb_node(L, hid)->list);
        /* Python unbinds the name at the end of the clause: the error dies */
        if (!lb_terminated(L)) lb_drop(L, fr.hlocal[i], lb_node(L, hid)->span);
        lb_goto(L, done);
    }
    L->try_top = fr.parent;
    L->cur = done;
    lb_stmts(L, fin);
    free(fr.hbb);
    free(fr.hlocal);
}
