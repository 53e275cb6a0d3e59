/* Lowering of async code (docs/design/async.md): `await` becomes an
 * MT_AWAIT terminator with two successors, the resumption and the
 * cancellation path; the functions of the `task` namespace. */
#include "mir_lower.h"

/* The value of argument `i` of a call (positional or by keyword). */
static NodeId la_arg(Lb *L, NodeId call, uint32_t i) {
    const Node *c = lb_node(L, call);
    if (i >= c->list.count) ICE("MIR: call without argument %u", i);
    NodeId a = ast_list_at(L->ast, c->list, i);
    const Node *an = lb_node(L, a);
    return an->kind == N_KEYWORD ? an->a : a;
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
    default: break;
    }
    ICE("MIR: task builtin %d", (int)bi);
}
