/* Lowering of async code (docs/design/async.md): `await` becomes an
 * MT_AWAIT terminator with two successors, the resumption and the
 * cancellation path; the functions of the `task` namespace. */
#include <string.h>

#include "mir_lower.h"

/* The value of argument `i` of a call (positional or by keyword). */
static NodeId la_arg(Lb *L, NodeId call, uint32_t i) {
    NodeId a = lb_arg(L, call, i);
    if (!a) ICE("MIR: call without argument %u", i);
    return lb_node(L, a)->kind == N_KEYWORD ? lb_node(L, a)->a : a;
}

/* The argument at position `pos` or named `name` of a call (0: absent). */
static NodeId la_named(Lb *L, NodeId call, uint32_t pos, const char *name) {
    NodeList args = lb_node(L, call)->list;
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId a = ast_list_at(L->ast, args, i);
        const Node *an = lb_node(L, a);
        if (an->kind == N_KEYWORD) {
            if (an->name && !strcmp(str_text(an->name), name)) return an->a;
        } else if (i == pos) {
            return a;
        }
    }
    return 0;
}

/* The empty value of `t` (a ContextKey without a default). */
static MirOperand la_empty_value(Lb *L, TypeId t, Span sp) {
    switch (t) {
    case TYPE_INT: return opd_int(0);
    case TYPE_FLOAT: return opd_float(0.0);
    case TYPE_BOOL: return opd_bool(false);
    case TYPE_STR: return lb_temp_of(L, rv_use(L, opd_str(intern_cstr(""))), sp);
    case TYPE_BYTES: {
        MirOperand z = opd_int(0);
        return lb_temp_of(L, rv_rt(L, MRT_BYTES_ZEROS, TYPE_BYTES, &z, 1, 0), sp);
    }
    default: break;
    }
    switch (type_get(t)->kind) {
    case TY_LIST: return lb_temp_of(L, rv_agg(L, AGG_LIST, t, NULL, 0), sp);
    case TY_DICT: return lb_temp_of(L, rv_agg(L, AGG_DICT, t, NULL, 0), sp);
    case TY_SET: return lb_temp_of(L, rv_agg(L, AGG_SET, t, NULL, 0), sp);
    case TY_OPTION: return lb_temp_of(L, rv_agg(L, AGG_NONE_OPT, t, NULL, 0), sp);
    default: ICE("MIR: no empty value of %s", type_name(t));
    }
}

/* End the current block with `await` on `cond`; continue in the block
 * after it. The cancellation path is lowered at once. */
void lb_suspend(Lb *L, MirAwaitKind kind, MirOperand cond, Span sp) {
    MirBlockId resumed = lb_block(L), cancelled = lb_block(L);
    lb_term(L, (MirTerm){.kind = MT_AWAIT, .await = kind, .cond = cond, .then_bb = resumed,
                         .else_bb = cancelled, .span = sp});
    L->cur = cancelled;
    lb_cancel_exit(L, sp);
    L->cur = resumed;
}

/* The BI_TASK_* builtin a call expression calls (-1: none). */
static int la_task_builtin(Lb *L, NodeId e) {
    const Node *op = lb_node(L, e);
    if (op->kind != N_CALL) return -1;
    const Node *callee = lb_node(L, op->a);
    if (!callee->sym || prog_sym(L->prog, callee->sym)->kind != SYM_BUILTIN) return -1;
    return (int)prog_sym(L->prog, callee->sym)->index;
}

/* `await task.race(handles)` and `await task.select(name=handle, ...)`:
 * the handles (select: a list made of them) are consumed; the first task
 * to finish wins, the others are cancelled and waited for. */
static MirOperand la_race(Lb *L, NodeId call, int bi, Span sp) {
    const Node *c = lb_node(L, call);
    TypeId ct = type_get(c->type)->args[0]; /* T, or tuple[str, T] */
    MirOperand held;
    if (bi == BI_TASK_RACE) {
        held = lb_temp_of(L, rv_use(L, lb_consume(L, lb_expr(L, la_arg(L, call, 0)))), sp);
    } else {
        uint32_t n = c->list.count;
        MirOperand *hs = xmalloc(sizeof *hs * n);
        TypeId ht = 0;
        for (uint32_t i = 0; i < n; i++) {
            hs[i] = lb_consume(L, lb_expr(L, la_arg(L, call, i)));
            ht = hs[i].type;
        }
        held = lb_temp_of(L, rv_agg(L, AGG_LIST, type_list(ht), hs, n), sp);
        free(hs);
    }
    MirOperand rec = lb_temp_of(L, rv_rt(L, MRT_RACE_NEW, type_timeout(), &held, 1, 0), sp);
    lb_suspend(L, AWAIT_RACE, rec, sp);
    MirOperand w = lb_temp_of(L, rv_rt(L, MRT_RACE_END, TYPE_INT, &rec, 1, 0), sp);
    MirOperand ops[2] = {held, w};
    TypeId rt = bi == BI_TASK_RACE ? ct : type_get(ct)->args[1];
    MirOperand v = lb_temp_of(L, rv_rt(L, MRT_RACE_TAKE, rt, ops, 2, 0), sp);
    if (bi == BI_TASK_RACE) return v;
    /* select: (the winner's keyword, its result) */
    MirLocalId name = lb_temp(L, TYPE_STR);
    MirBlockId done = lb_block(L);
    uint32_t n = c->list.count;
    for (uint32_t i = 0; i < n; i++) {
        MirOperand kw = opd_str(lb_node(L, ast_list_at(L->ast, c->list, i))->name);
        if (i + 1 == n) {
            lb_assign(L, lb_place(name), rv_use(L, kw), sp);
            lb_goto(L, done);
            break;
        }
        MirBlockId yes = lb_block(L), no = lb_block(L);
        lb_branch(L, lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, w, opd_int(i), 0), sp), yes, no);
        L->cur = yes;
        lb_assign(L, lb_place(name), rv_use(L, kw), sp);
        lb_goto(L, done);
        L->cur = no;
    }
    L->cur = done;
    MirOperand parts[2] = {opd_local(L, name), lb_consume(L, v)};
    parts[0] = lb_consume(L, parts[0]);
    return lb_temp_of(L, rv_agg(L, AGG_TUPLE, ct, parts, 2), sp);
}

/* `await task.timeout(handle, seconds)`: Ok(the task's result), or
 * Err(TimeoutError) once the deadline passed, the task was cancelled and
 * its cleanup ran. */
static MirOperand la_timed_join(Lb *L, NodeId call, Span sp) {
    const Node *c = lb_node(L, call);
    TypeId rt = type_get(c->type)->args[0]; /* Result[T, TimeoutError] */
    MirOperand h = lb_consume(L, lb_expr(L, la_arg(L, call, 0)));
    MirOperand held = lb_temp_of(L, rv_use(L, h), sp);
    MirOperand ops[2] = {held, lb_expr_as(L, la_arg(L, call, 1), TYPE_FLOAT)};
    MirOperand rec = lb_temp_of(L, rv_rt(L, MRT_TIMED_NEW, type_timeout(), ops, 2, 0), sp);
    lb_suspend(L, AWAIT_TIMED, rec, sp);
    MirOperand expired = lb_temp_of(L, rv_rt(L, MRT_TIMED_END, TYPE_BOOL, &rec, 1, 0), sp);
    MirBlockId done;
    MirLocalId res = lb_result_fork(L, expired, rt, &done, sp);
    MirOperand take = held;
    take.kind = OPD_MOVE;
    MirOperand v = lb_temp_of(L, rv_rt(L, MRT_HANDLE_TAKE, type_get(rt)->args[0], &take, 1, 0), sp);
    return lb_result_join(L, res, v, done, sp);
}

MirOperand lb_await(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    const Node *op = lb_node(L, node->a);
    int bi = la_task_builtin(L, node->a);
    if (bi == BI_TASK_SLEEP) {
        MirOperand secs = lb_expr_as(L, la_arg(L, node->a, 0), TYPE_FLOAT);
        lb_suspend(L, AWAIT_SLEEP, secs, sp);
        return opd_none(TYPE_NONE);
    }
    if (bi == BI_TASK_RACE || bi == BI_TASK_SELECT) return la_race(L, node->a, bi, sp);
    if (lb_is_sync_await(L, node->a)) return lb_sync_await(L, node->a, sp);
    if (bi == BI_TASK_TIMEOUT) return la_timed_join(L, node->a, sp);
    if (bi == BI_TASK_SPAWN_BLOCKING || bi == BI_TASK_SPAWN_CPU) {
        /* the function is moved into the job; its result comes back */
        MirOperand ops[2] = {lb_consume(L, lb_expr(L, la_arg(L, node->a, 0))), opd_bool(bi == BI_TASK_SPAWN_CPU)};
        MirOperand job = lb_temp_of(L, rv_rt(L, MRT_BLOCKING_NEW, type_timeout(), ops, 2, 0), sp);
        lb_suspend(L, AWAIT_BLOCKING, job, sp);
        return lb_temp_of(L, rv_rt(L, MRT_BLOCKING_TAKE, type_get(op->type)->args[0], &job, 1, 0), sp);
    }
    if (bi == BI_TASK_GATHER) {
        /* `await task.gather(handles)`: the list is consumed; every task
         * ends, then their results, in order, make a new list */
        MirOperand hs = lb_consume(L, lb_expr(L, la_arg(L, node->a, 0)));
        MirOperand held = lb_temp_of(L, rv_use(L, hs), sp);
        lb_suspend(L, AWAIT_GATHER, held, sp);
        return lb_temp_of(L, rv_rt(L, MRT_GATHER_TAKE, type_get(op->type)->args[0], &held, 1, 0), sp);
    }
    if (op->kind == N_CALL && lb_node(L, op->a)->kind == N_ATTR &&
        type_get(lb_node(L, lb_node(L, op->a)->a)->type)->kind == TY_TASK_GROUP) {
        /* `await group.join()`: every child ends; Err(the first error) */
        MirOperand g = lb_expr(L, lb_node(L, op->a)->a);
        MirOperand held = lb_temp_of(L, rv_use(L, g), sp);
        lb_suspend(L, AWAIT_SCOPE, held, sp);
        TypeId rt = type_get(op->type)->args[0], et = type_get(rt)->args[1]; /* Result[None, Error] */
        MirLocalId res = lb_temp(L, rt);
        MirOperand failed = lb_temp_of(L, rv_rt(L, MRT_GROUP_FAILED, TYPE_BOOL, &held, 1, 0), sp);
        MirBlockId bad = lb_block(L), good = lb_block(L), done = lb_block(L);
        lb_branch(L, failed, bad, good);
        L->cur = bad;
        MirOperand e = lb_temp_of(L, rv_rt(L, MRT_GROUP_ERROR, et, &held, 1, 0), sp);
        e = lb_consume(L, e);
        lb_assign(L, lb_place(res), rv_agg(L, AGG_ERR, rt, &e, 1), sp);
        lb_goto(L, done);
        L->cur = good;
        lb_assign(L, lb_place(res), rv_agg(L, AGG_OK, rt, NULL, 0), sp);
        lb_goto(L, done);
        L->cur = done;
        vec_push(&L->pending, res);
        return opd_local(L, res);
    }
    if (type_get(op->type)->kind == TY_TASK_HANDLE ||
        (op->kind == N_CALL && lb_node(L, op->a)->kind == N_ATTR &&
         type_get(lb_node(L, lb_node(L, op->a)->a)->type)->kind == TY_TASK_HANDLE)) {
        /* `await handle` / `await handle.join()` */
        NodeId hn = type_get(op->type)->kind == TY_TASK_HANDLE ? node->a : lb_node(L, op->a)->a;
        MirOperand h = lb_expr(L, hn);
        if (lb_is_borrowed(L, h)) {
            /* a handle borrowed from a container (`for h in hs: await h`):
             * joined where it is; its result is moved out, once */
            MirLocalId ref = lb_local(L, h.type, 0, sp, MIRL_BORROWED);
            lb_assign(L, lb_place(ref), rv_use(L, h), sp);
            lb_suspend(L, AWAIT_JOIN, opd_local(L, ref), sp);
            MirOperand r = opd_local(L, ref);
            return lb_temp_of(L, rv_rt(L, MRT_HANDLE_TAKE_REF, type_get(h.type)->args[0], &r, 1, node->a), sp);
        }
        MirOperand held = lb_temp_of(L, rv_use(L, lb_consume(L, h)), sp);
        lb_suspend(L, AWAIT_JOIN, held, sp);
        MirOperand take = held;
        take.kind = OPD_MOVE;
        return lb_temp_of(L, rv_rt(L, MRT_HANDLE_TAKE, type_get(h.type)->args[0], &take, 1, 0), sp);
    }
    L->coro_direct = op->kind == N_CALL;
    MirOperand co = lb_expr(L, node->a);
    L->coro_direct = false;
    if (lb_is_borrowed(L, co)) {
        /* a coroutine runs once: one borrowed from a container would stay
         * there, finished */
        Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_LINEAR_COPIED, op->span,
                                 "a coroutine borrowed from a container cannot be awaited");
        diag_label(d, "awaiting runs it once and consumes it; the container would keep it");
        diag_help(d, "take it out first (`await cs.pop()`), spawn the coroutines as tasks "
                     "(`scope.spawn(...)`, then `task.gather`), or await each call where it is made");
        diag_emit(d);
        L->failed = true;
        return opd_dead(type_get(co.type)->args[0]);
    }
    return lb_await_coro(L, co, sp);
}

/* The result of the finished coroutine the statement temporary `held`
 * owns; the coroutine is destroyed. */
static MirOperand la_coro_take(Lb *L, MirOperand held, Span sp) {
    MirOperand take = held;
    take.kind = OPD_MOVE;
    return lb_temp_of(L, rv_rt(L, MRT_CORO_TAKE, type_get(held.type)->args[0], &take, 1, 0), sp);
}

MirOperand lb_await_coro(Lb *L, MirOperand co, Span sp) {
    if (type_get(co.type)->kind != TY_CORO) ICE("MIR: await of a %s", type_name(co.type));
    /* the coroutine is owned by a temporary of this statement: taken when
     * it finishes, dropped (destroyed) on the cancellation path */
    MirOperand held = lb_temp_of(L, rv_use(L, lb_consume(L, co)), sp);
    lb_suspend(L, AWAIT_CORO, held, sp);
    return la_coro_take(L, held, sp);
}

void lb_await_in_cleanup(Lb *L, MirOperand co, Span sp) {
    MirOperand held = lb_temp_of(L, rv_use(L, lb_consume(L, co)), sp);
    MirBlockId done = lb_block(L), cancelled = lb_block(L), go_on = lb_block(L);
    lb_term(L, (MirTerm){.kind = MT_AWAIT, .await = AWAIT_CORO, .cond = held, .then_bb = done,
                         .else_bb = cancelled, .span = sp});
    L->cur = done;
    la_coro_take(L, held, sp);
    lb_goto(L, go_on);
    L->cur = cancelled; /* the coroutine (held) dies with the statement */
    lb_goto(L, go_on);
    L->cur = go_on;
}

/* One round of `async for` over a class: next = await obj.__anext__();
 * None goes to `done`, else the target is bound to the payload. Returns
 * the local holding the Option. */
static MirLocalId la_next_round(Lb *L, NodeId n, MirPlace obj, MirBlockId done, uint32_t mark, Span sp) {
    MirOperand co = lb_call_self(L, lb_class(L, mir_place_type(L->b, obj)), intern_cstr("__anext__"), obj, n);
    MirOperand next = lb_await_coro(L, co, sp);
    MirLocalId nl = lb_temp(L, next.type);
    vec_push(&L->owned, nl);
    lb_drop(L, nl, sp); /* an element of an earlier run of the loop abandoned by an error */
    lb_assign(L, lb_place(nl), rv_use(L, lb_consume(L, next)), sp);
    lb_flush(L, mark);
    MirBlockId got = lb_block(L);
    MirRvalue d = {.kind = RV_DISCRIMINANT, .place = lb_place(nl), .type = TYPE_INT};
    MirOperand tag = lb_temp_of(L, d, sp);
    lb_branch(L, lb_temp_of(L, rv_binary(L, TOK_EQ, TYPE_BOOL, tag, opd_int(1), 0), sp), got, done);
    L->cur = got;
    TypeId et = type_get(next.type)->args[0];
    lb_bind_loop_target(L, n, lb_node(L, n)->a, opd_place(L, lb_project(L, lb_place(nl), PROJ_PAYLOAD, 0, et), sp));
    return nl;
}

void lb_async_for(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;

    /* the iterated object: a place of the program, or a fresh value kept
     * in a local until the loop ends */
    uint32_t mark = L->pending.len;
    MirOperand it = lb_expr(L, node->b);
    MirLocalId owned = lb_keep_fresh(L, &it, mark, sp);
    lb_flush(L, mark);
    MirPlace obj = lb_as_place(L, it, sp);
    MirBlockId head = lb_block(L), body = lb_block(L), end = lb_block(L);
    MirBlockId else_bb = node->list2.count ? lb_block(L) : end;
    MirBlockId latch = lb_block(L);
    lb_goto(L, head);
    L->cur = head;
    /* The element of the round lives in `nl` until the latch (the loop
     * variable may borrow it). A receiver's round receives; a closed and
     * drained channel ends the loop. */
    MirLocalId nl;
    if (type_sync_kind(it.type) == SK_RECEIVER) {
        nl = lb_receive_round(L, obj, else_bb, mark, sp);
        lb_bind_loop_target(L, n, node->a, opd_local(L, nl));
    } else {
        nl = la_next_round(L, n, obj, else_bb, mark, sp);
    }
    lb_goto(L, body);
    L->cur = body;
    vec_push(&L->loops, ((LbLoop){end, latch}));
    lb_stmts(L, node->list);
    L->loops.len--;
    lb_goto(L, latch);
    L->cur = latch;
    lb_drop(L, nl, sp);
    lb_goto(L, head);
    lb_orelse(L, node->list2, else_bb, end);
    L->cur = end;
    lb_drop(L, nl, sp);
    if (owned != MIR_NO_LOCAL) lb_drop(L, owned, sp);
}

MirOperand lb_task_builtin(Lb *L, NodeId n, BuiltinId bi) {
    const Node *node = lb_node(L, n);
    switch (bi) {
    case BI_TASK_NOW: return lb_temp_of(L, rv_rt(L, MRT_TASK_NOW, TYPE_FLOAT, NULL, 0, 0), node->span);
    case BI_TASK_SLEEP:
        lb_unsupported(L, n, "`task.sleep(...)` other than awaited at once");
        return opd_dead(node->type);
    case BI_TASK_CURRENT_CONTEXT:
    case BI_TASK_EMPTY_CONTEXT:
        return lb_temp_of(L, rv_rt(L, bi == BI_TASK_EMPTY_CONTEXT ? MRT_CTX_EMPTY : MRT_CTX_CURRENT, node->type, NULL, 0, 0),
                          node->span);
    case BI_TASK_CONTEXT_KEY: {
        TypeId vt = type_get(node->type)->args[0];
        MirOperand name = lb_expr_as(L, la_named(L, n, 0, "name"), TYPE_STR);
        NodeId d = la_named(L, n, 1, "default");
        MirOperand dv = d ? lb_expr_as(L, d, vt) : la_empty_value(L, vt, node->span);
        MirOperand ops[2] = {name, lb_consume(L, dv)};
        return lb_temp_of(L, rv_rt(L, MRT_CTX_KEY_NEW, node->type, ops, 2, 0), node->span);
    }
    case BI_TASK_GROUP: {
        /* `group = TaskGroup()`: the group lives until the function ends,
         * which joins it (so it is made at the top of the body, where
         * nothing else ends earlier) */
        bool top = L->depth == 1 && !L->loops.len && !L->try_top;
        for (uint32_t i = 0; i < L->cleanups.len; i++) top &= L->cleanups.items[i].kind == LBC_TASK_GROUP;
        if (!top) {
            lb_unsupported(L, n, "`TaskGroup()` inside a block (make it at the top of the function's body, "
                                 "or use `async with task.TaskGroup() as group`)");
            return opd_dead(node->type);
        }
        MirLocalId gl = lb_temp(L, node->type);
        NodeId cx = la_named(L, n, 0, "ctx");
        MirOperand ctx = cx ? lb_expr(L, cx) : opd_none(TYPE_NONE);
        lb_assign(L, lb_place(gl), rv_rt(L, cx ? MRT_GROUP_NEW_CTX : MRT_GROUP_NEW, node->type, &ctx, cx ? 1 : 0, 0),
                  node->span);
        LbCleanup c = {.kind = LBC_TASK_GROUP, .exit_fn = -1, .owned = MIR_NO_LOCAL, .span = node->span, .at = n,
                       .place = lb_place(gl)};
        vec_push(&L->cleanups, c);
        /* the program's name refers to it through a copy (a fresh
         * temporary may be renamed into the target it is stored in) */
        MirLocalId ref = lb_temp(L, node->type);
        lb_assign(L, lb_place(ref), rv_use(L, opd_local(L, gl)), node->span);
        return opd_local(L, ref);
    }
    case BI_TASK_GATHER:
    case BI_TASK_RACE:
    case BI_TASK_SELECT:
    case BI_TASK_SPAWN_BLOCKING:
    case BI_TASK_SPAWN_CPU:
        lb_unsupported(L, n, "this `task` function other than awaited at once");
        return opd_dead(node->type);
    case BI_TASK_SCOPE:
    case BI_TASK_TIMEOUT:
    case BI_TASK_DEADLINE:
        lb_unsupported(L, n, "this `task` function outside `async with`");
        return opd_dead(node->type);
    default: break;
    }
    ICE("MIR: task builtin %d", (int)bi);
}

void lb_async_with(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    uint32_t base = L->cleanups.len;
    for (uint32_t i = 0; i < node->list.count && !L->failed; i++) {
        NodeId iid = ast_list_at(L->ast, node->list, i);
        const Node *it = lb_node(L, iid);
        TypeId ct = lb_node(L, it->a)->type;
        LbCleanup c = {.exit_fn = -1, .owned = MIR_NO_LOCAL, .loop_depth = L->loops.len, .span = it->span,
                       .at = iid};
        /* the scope or timer lives in a local of its own until the exit */
        MirLocalId sl = lb_temp(L, ct);
        c.place = lb_place(sl);
        TypeKind k = type_get(ct)->kind;
        if (k == TY_TASK_SCOPE || k == TY_TASK_GROUP) {
            c.kind = k == TY_TASK_SCOPE ? LBC_TASK_SCOPE : LBC_TASK_GROUP;
            c.raises = it->type != TYPE_NONE ? it->type : 0; /* sema: what the exit may raise */
            NodeId cx = lb_node(L, it->a)->kind == N_CALL ? la_named(L, it->a, 0, "ctx") : 0;
            uint32_t mark = L->pending.len;
            MirOperand ctx = cx ? lb_expr(L, cx) : opd_none(TYPE_NONE);
            MirRtFn make = k == TY_TASK_SCOPE ? (cx ? MRT_SCOPE_NEW_CTX : MRT_SCOPE_NEW)
                                              : (cx ? MRT_GROUP_NEW_CTX : MRT_GROUP_NEW);
            lb_assign(L, c.place, rv_rt(L, make, ct, &ctx, cx ? 1 : 0, 0), it->span);
            lb_flush(L, mark);
            if (it->b) {
                /* the name bound by `as` refers to it (through a copy:
                 * storing a fresh temporary may rename it into the target) */
                MirLocalId ref = lb_temp(L, ct);
                lb_assign(L, lb_place(ref), rv_use(L, opd_local(L, sl)), it->span);
                lb_store_target(L, it->b, opd_local(L, ref), iid);
            }
        } else if (type_get(ct)->kind == TY_TIMEOUT) {
            const Node *call = lb_node(L, it->a);
            const Node *callee = call->kind == N_CALL ? lb_node(L, call->a) : NULL;
            const Symbol *bs = callee && callee->sym ? prog_sym(L->prog, callee->sym) : NULL;
            if (!bs || bs->kind != SYM_BUILTIN) {
                lb_unsupported(L, it->a, "`async with` on a timeout made elsewhere");
                return;
            }
            c.kind = LBC_TIMEOUT;
            c.raises = it->type; /* TimeoutError */
            uint32_t mark = L->pending.len;
            MirOperand ops[2] = {lb_expr_as(L, la_arg(L, it->a, 0), TYPE_FLOAT),
                                 opd_bool(bs->index == BI_TASK_DEADLINE)};
            lb_assign(L, c.place, rv_rt(L, MRT_TIMEOUT_NEW, ct, ops, 2, 0), it->span);
            lb_flush(L, mark);
        } else if (k == TY_CLASS) {
            lb_unsupported(L, iid, "an `async with` mixing task items and context-manager objects");
            return;
        } else {
            ICE("MIR: `async with` on a %s", type_name(ct));
        }
        vec_push(&L->cleanups, c);
    }
    lb_stmts(L, node->list2);
    while (L->cleanups.len > base) {
        LbCleanup c = L->cleanups.items[--L->cleanups.len];
        if (!lb_terminated(L)) lb_async_exit(L, &c, true);
    }
}

MirOperand lb_timeout_end(Lb *L, const LbCleanup *c) {
    MirOperand tm = opd_place(L, c->place, c->span);
    return lb_temp_of(L, rv_rt(L, MRT_TIMEOUT_END, TYPE_BOOL, &tm, 1, 0), c->span);
}

void lb_async_exit(Lb *L, const LbCleanup *c, bool normal) {
    if (c->kind == LBC_TIMEOUT) {
        /* outside the cancellation path an expiry changes nothing: the
         * body finished (or left by an error, which goes on) */
        lb_timeout_end(L, c);
        return;
    }
    MirOperand sc = opd_place(L, c->place, c->span);
    if (L->exit_error) lb_call_void(L, MRT_SCOPE_CANCEL, &sc, 1, c->span);
    /* the join is never cut short: the children end first, whatever
     * happens; then a task cancelled meanwhile (a timeout around the
     * scope) goes on by the cancellation path, at the block's end only */
    MirBlockId joined = lb_block(L), cancelled = normal ? lb_block(L) : joined;
    lb_term(L, (MirTerm){.kind = MT_AWAIT, .await = AWAIT_SCOPE, .cond = sc, .then_bb = joined,
                         .else_bb = cancelled, .span = c->span});
    if (normal) {
        L->cur = cancelled;
        lb_call_void(L, MRT_SCOPE_FREE, &sc, 1, c->span);
        lb_cancel_exit(L, c->span);
    }
    L->cur = joined;
    if (!normal || !c->raises) {
        lb_call_void(L, MRT_SCOPE_FREE, &sc, 1, c->span);
        return;
    }
    /* at the block's end: a child's failure leaves by the `async with`
     * (a scope: ScopeFailure when nobody saw it; a group: its first error) */
    bool group = c->kind == LBC_TASK_GROUP;
    MirOperand failed = lb_temp_of(L, rv_rt(L, group ? MRT_GROUP_FAILED : MRT_SCOPE_FAILED, TYPE_BOOL, &sc, 1, 0),
                                   c->span);
    MirBlockId raise = lb_block(L), fine = lb_block(L);
    lb_branch(L, failed, raise, fine);
    L->cur = raise;
    MirLocalId err = lb_temp(L, c->raises);
    if (group) {
        lb_assign(L, lb_place(err), rv_rt(L, MRT_GROUP_ERROR, c->raises, &sc, 1, 0), c->span);
    } else {
        MirOperand msg = opd_str(intern_cstr("unobserved child task failed"));
        lb_assign(L, lb_place(err), rv_agg(L, AGG_OBJECT, c->raises, &msg, 1), c->span);
    }
    lb_call_void(L, MRT_SCOPE_FREE, &sc, 1, c->span);
    lb_throw(L, err, c->span);
    L->cur = fine;
    lb_call_void(L, MRT_SCOPE_FREE, &sc, 1, c->span);
}

MirOperand lb_task_method(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *callee = lb_node(L, node->a);
    const char *name = str_text(callee->name);
    Span sp = node->span;
    MirOperand recv = lb_expr(L, callee->a);
    if (!strcmp(name, "spawn")) {
        NodeId a = la_arg(L, n, 0);
        L->coro_direct = true;
        MirOperand co = lb_consume(L, lb_expr(L, a));
        L->coro_direct = false;
        NodeId cx = la_named(L, n, 1, "ctx");
        MirOperand ops[3] = {recv, co, cx ? lb_expr(L, cx) : opd_none(TYPE_NONE)};
        return lb_temp_of(L, rv_rt(L, cx ? MRT_SPAWN_CTX : MRT_SPAWN, node->type, ops, cx ? 3 : 2, 0), sp);
    }
    if (type_get(recv.type)->kind == TY_CONTEXT) {
        /* ctx.get(key) clones the value out; ctx.with_value(key, v) moves v in */
        TypeId kt = lb_node(L, la_arg(L, n, 0))->type;
        MirOperand ops[3] = {recv, lb_expr_as(L, la_arg(L, n, 0), kt)};
        if (!strcmp(name, "get")) return lb_temp_of(L, rv_rt(L, MRT_CTX_GET, node->type, ops, 2, 0), sp);
        ops[2] = lb_consume(L, lb_expr_as(L, la_arg(L, n, 1), type_get(kt)->args[0]));
        return lb_temp_of(L, rv_rt(L, MRT_CTX_WITH, node->type, ops, 3, 0), sp);
    }
    if (!strcmp(name, "cancel")) {
        MirOperand h = lb_consume(L, recv);
        lb_call_void(L, MRT_HANDLE_CANCEL, &h, 1, sp);
        return opd_none(TYPE_NONE);
    }
    lb_unsupported(L, n, "this method of a task handle outside `await`");
    return opd_dead(node->type);
}
