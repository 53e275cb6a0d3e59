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

/* End the current block with `await` on `cond`; continue in the block
 * after it. The cancellation path is lowered at once. */
static void la_suspend(Lb *L, MirAwaitKind kind, MirOperand cond, Span sp) {
    MirBlockId resumed = lb_block(L), cancelled = lb_block(L);
    lb_term(L, (MirTerm){.kind = MT_AWAIT, .await = kind, .cond = cond, .then_bb = resumed,
                         .else_bb = cancelled, .span = sp});
    L->cur = cancelled;
    lb_cancel_exit(L, sp);
    L->cur = resumed;
}

MirOperand lb_await(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    const Node *op = lb_node(L, node->a);
    if (op->kind == N_CALL) {
        const Node *callee = lb_node(L, op->a);
        if (callee->sym && prog_sym(L->prog, callee->sym)->kind == SYM_BUILTIN &&
            prog_sym(L->prog, callee->sym)->index == BI_TASK_SLEEP) {
            MirOperand secs = lb_expr_as(L, la_arg(L, node->a, 0), TYPE_FLOAT);
            la_suspend(L, AWAIT_SLEEP, secs, sp);
            return opd_none(TYPE_NONE);
        }
    }
    if (type_get(op->type)->kind == TY_TASK_HANDLE ||
        (op->kind == N_CALL && lb_node(L, op->a)->kind == N_ATTR &&
         type_get(lb_node(L, lb_node(L, op->a)->a)->type)->kind == TY_TASK_HANDLE)) {
        /* `await handle` / `await handle.join()` */
        NodeId hn = type_get(op->type)->kind == TY_TASK_HANDLE ? node->a : lb_node(L, op->a)->a;
        MirOperand h = lb_expr(L, hn);
        MirOperand held = lb_temp_of(L, rv_use(L, lb_consume(L, h)), sp);
        la_suspend(L, AWAIT_JOIN, held, sp);
        MirOperand take = held;
        take.kind = OPD_MOVE;
        return lb_temp_of(L, rv_rt(L, MRT_HANDLE_TAKE, type_get(h.type)->args[0], &take, 1, 0), sp);
    }
    L->coro_direct = op->kind == N_CALL;
    MirOperand co = lb_expr(L, node->a);
    L->coro_direct = false;
    if (type_get(co.type)->kind != TY_CORO) ICE("MIR: await of a %s", type_name(co.type));
    /* the coroutine is owned by a temporary of this statement: taken when
     * it finishes, dropped (destroyed) on the cancellation path */
    MirOperand held = lb_temp_of(L, rv_use(L, lb_consume(L, co)), sp);
    la_suspend(L, AWAIT_CORO, held, sp);
    MirOperand take = held;
    take.kind = OPD_MOVE;
    return lb_temp_of(L, rv_rt(L, MRT_CORO_TAKE, type_get(co.type)->args[0], &take, 1, 0), sp);
}

MirOperand lb_task_builtin(Lb *L, NodeId n, BuiltinId bi) {
    const Node *node = lb_node(L, n);
    switch (bi) {
    case BI_TASK_NOW: return lb_temp_of(L, rv_rt(L, MRT_TASK_NOW, TYPE_FLOAT, NULL, 0, 0), node->span);
    case BI_TASK_SLEEP:
        lb_unsupported(L, n, "`task.sleep(...)` other than awaited at once");
        return opd_dead(node->type);
    case BI_TASK_SCOPE:
        lb_unsupported(L, n, "`task.scope()` outside `async with`");
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
        if (type_get(it->type)->kind != TY_TASK_SCOPE) ICE("MIR: `async with` on a %s", type_name(it->type));
        /* the scope lives in a local of its own until the exit; the name
         * bound by `as` is a reference to it */
        MirLocalId sl = lb_temp(L, it->type);
        lb_assign(L, lb_place(sl), rv_rt(L, MRT_SCOPE_NEW, it->type, NULL, 0, 0), it->span);
        LbCleanup c = {.exit_fn = -1, .owned = MIR_NO_LOCAL, .loop_depth = L->loops.len, .span = it->span,
                       .at = iid, .task_scope = true, .place = lb_place(sl)};
        if (it->b) {
            /* through a copy: storing a fresh temporary may rename it into the target */
            MirLocalId ref = lb_temp(L, it->type);
            lb_assign(L, lb_place(ref), rv_use(L, opd_local(L, sl)), it->span);
            lb_store_target(L, it->b, opd_local(L, ref), iid);
        }
        vec_push(&L->cleanups, c);
    }
    lb_stmts(L, node->list2);
    while (L->cleanups.len > base) {
        LbCleanup c = L->cleanups.items[--L->cleanups.len];
        if (!lb_terminated(L)) lb_task_scope_exit(L, &c);
    }
}

void lb_task_scope_exit(Lb *L, const LbCleanup *c) {
    MirOperand sc = opd_place(L, c->place, c->span);
    if (L->exit_error) lb_call_void(L, MRT_SCOPE_CANCEL, &sc, 1, c->span);
    /* the join is never cancelled: the children end first, whatever happens */
    MirBlockId joined = lb_block(L), never = lb_block(L);
    lb_term(L, (MirTerm){.kind = MT_AWAIT, .await = AWAIT_SCOPE, .cond = sc, .then_bb = joined, .else_bb = never,
                         .span = c->span});
    L->cur = never;
    lb_term(L, (MirTerm){.kind = MT_UNREACHABLE, .span = c->span});
    L->cur = joined;
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
        MirOperand ops[2] = {recv, co};
        return lb_temp_of(L, rv_rt(L, MRT_SPAWN, node->type, ops, 2, 0), sp);
    }
    if (!strcmp(name, "cancel")) {
        MirOperand h = lb_consume(L, recv);
        lb_call_void(L, MRT_HANDLE_CANCEL, &h, 1, sp);
        return opd_none(TYPE_NONE);
    }
    lb_unsupported(L, n, "this method of a task handle outside `await`");
    return opd_dead(node->type);
}
