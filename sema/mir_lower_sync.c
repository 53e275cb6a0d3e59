/* Lowering of `sifr.sync` (docs/design/sync.md): the constructors, the
 * methods of TY_SYNC values, the awaited waits (`send`, `receive`,
 * `acquire`, `notified`) and `async for` over a receiver. Each value is a
 * runtime object's pointer (MRT_SYNC_*; codegen/cg_sync.c). */
#include "mir_lower.h"

#include <string.h>

static NodeId ls_arg(Lb *L, NodeId call, uint32_t i) {
    NodeId a = lb_arg(L, call, i);
    if (!a) ICE("MIR: call without argument %u", i);
    return lb_node(L, a)->kind == N_KEYWORD ? lb_node(L, a)->a : a;
}

MirOperand lb_sync_builtin(Lb *L, NodeId n, BuiltinId bi) {
    const Node *node = lb_node(L, n);
    Span sp = node->span;
    switch (bi) {
    case BI_SYNC_SHARED:
    case BI_SYNC_LOCK:
    case BI_SYNC_RWLOCK: {
        MirOperand v = lb_consume(L, lb_expr_as(L, ls_arg(L, n, 0), type_get(node->type)->args[0]));
        return lb_temp_of(L, rv_rt(L, MRT_SYNC_NEW, node->type, &v, 1, 0), sp);
    }
    case BI_SYNC_SEMAPHORE: {
        MirOperand k = lb_expr_as(L, ls_arg(L, n, 0), TYPE_INT);
        return lb_temp_of(L, rv_rt(L, MRT_SYNC_SEMAPHORE, node->type, &k, 1, n), sp);
    }
    case BI_SYNC_NOTIFY: return lb_temp_of(L, rv_rt(L, MRT_SYNC_NOTIFY, node->type, NULL, 0, 0), sp);
    case BI_SYNC_CHANNEL: return lb_temp_of(L, rv_rt(L, MRT_SYNC_CHANNEL, node->type, NULL, 0, 0), sp);
    case BI_SYNC_BOUNDED_CHANNEL: {
        MirOperand k = lb_expr_as(L, ls_arg(L, n, 0), TYPE_INT);
        return lb_temp_of(L, rv_rt(L, MRT_SYNC_CHANNEL, node->type, &k, 1, n), sp);
    }
    default: ICE("MIR: sync builtin %d", (int)bi);
    }
}

/* try_lock() / try_read() / try_write() / try_acquire():
 * Ok(guard) when taken at once, else Err(WouldBlockError). */
static MirOperand ls_try(Lb *L, MirOperand recv, TypeId rt, Span sp) {
    TypeId gt = type_get(rt)->args[0];
    MirOperand ops[2] = {recv, opd_int(type_sync_kind(gt))};
    MirOperand took = lb_temp_of(L, rv_rt(L, MRT_SYNC_TRY, TYPE_BOOL, ops, 2, 0), sp);
    MirOperand busy = lb_temp_of(L, rv_unary(L, TOK_NOT, TYPE_BOOL, took, 0), sp);
    MirBlockId done;
    MirLocalId res = lb_result_fork(L, busy, rt, &done, sp);
    MirOperand g = lb_temp_of(L, rv_rt(L, MRT_SYNC_AS, gt, &recv, 1, 0), sp);
    return lb_result_join(L, res, g, done, sp);
}

MirOperand lb_sync_method(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *callee = lb_node(L, node->a);
    const char *name = str_text(callee->name);
    Span sp = node->span;
    MirOperand recv = lb_expr(L, callee->a);
    SyncKind k = type_sync_kind(recv.type);
    if (!strcmp(name, "get")) {
        /* a borrow of the value inside: never dropped here, copied where
         * it must be owned */
        MirLocalId b = lb_local(L, node->type, 0, (Span){0}, MIRL_BORROWED);
        lb_assign(L, lb_place(b), rv_rt(L, MRT_SYNC_GET, node->type, &recv, 1, 0), sp);
        MirOperand o = opd_local(L, b);
        o.span = sp;
        return o;
    }
    if (!strcmp(name, "set")) {
        MirOperand ops[2] = {recv, lb_consume(L, lb_expr_as(L, ls_arg(L, n, 0), type_get(recv.type)->args[0]))};
        lb_call_void(L, MRT_SYNC_SET, ops, 2, sp);
        return opd_none(TYPE_NONE);
    }
    if (!strcmp(name, "clone")) return lb_temp_of(L, rv_rt(L, MRT_SYNC_CLONE, node->type, &recv, 1, 0), sp);
    if (!strcmp(name, "lock") || !strcmp(name, "read") || !strcmp(name, "write"))
        return lb_temp_of(L, rv_rt(L, MRT_SYNC_ACQUIRE, node->type, &recv, 1, 0), sp);
    if (!strncmp(name, "try_", 4)) return ls_try(L, recv, node->type, sp);
    if (k == SK_NOTIFY && (!strcmp(name, "notify_one") || !strcmp(name, "notify_all"))) {
        lb_call_void(L, !strcmp(name, "notify_one") ? MRT_SYNC_NOTIFY_ONE : MRT_SYNC_NOTIFY_ALL, &recv, 1, sp);
        return opd_none(TYPE_NONE);
    }
    if (k == SK_SENDER && !strcmp(name, "close")) {
        lb_call_void(L, MRT_SYNC_CLOSE, &recv, 1, sp);
        return opd_none(TYPE_NONE);
    }
    lb_unsupported(L, n, "this wait other than awaited at once (`await x.method(...)`)");
    return opd_dead(node->type);
}

/* The record of one send or receive on the channel `recv`, waited for;
 * Ok/Err(ClosedError) comes back. */
static MirOperand ls_chan(Lb *L, NodeId call, MirOperand recv, TypeId rt, bool send, Span sp) {
    MirOperand rec;
    if (send) {
        MirOperand ops[2] = {recv, lb_consume(L, lb_expr_as(L, ls_arg(L, call, 0), type_get(recv.type)->args[0]))};
        rec = lb_temp_of(L, rv_rt(L, MRT_SYNC_SEND_NEW, type_timeout(), ops, 2, 0), sp);
    } else {
        rec = lb_temp_of(L, rv_rt(L, MRT_SYNC_RECV_NEW, type_timeout(), &recv, 1, 0), sp);
    }
    lb_suspend(L, AWAIT_CHAN, rec, sp);
    MirOperand closed = lb_temp_of(L, rv_rt(L, MRT_SYNC_CHAN_END, TYPE_BOOL, &rec, 1, 0), sp);
    MirBlockId done;
    MirLocalId res = lb_result_fork(L, closed, rt, &done, sp);
    TypeId vt = type_get(rt)->args[0];
    MirOperand v = send ? opd_none(TYPE_NONE) : lb_temp_of(L, rv_rt(L, MRT_SYNC_RECV_TAKE, vt, &rec, 1, 0), sp);
    return lb_result_join(L, res, v, done, sp);
}

bool lb_is_sync_await(Lb *L, NodeId operand) {
    const Node *op = lb_node(L, operand);
    return op->kind == N_CALL && lb_node(L, op->a)->kind == N_ATTR &&
           type_get(lb_node(L, lb_node(L, op->a)->a)->type)->kind == TY_SYNC;
}

MirOperand lb_sync_await(Lb *L, NodeId operand, Span sp) {
    const Node *op = lb_node(L, operand);
    const Node *callee = lb_node(L, op->a);
    const char *name = str_text(callee->name);
    MirOperand recv = lb_expr(L, callee->a);
    TypeId rt = type_get(op->type)->args[0];
    if (!strcmp(name, "acquire")) {
        lb_suspend(L, AWAIT_ACQUIRE, recv, sp);
        return lb_temp_of(L, rv_rt(L, MRT_SYNC_AS, rt, &recv, 1, 0), sp);
    }
    if (!strcmp(name, "notified")) {
        lb_suspend(L, AWAIT_NOTIFIED, recv, sp);
        return opd_none(TYPE_NONE);
    }
    return ls_chan(L, operand, recv, rt, !strcmp(name, "send"), sp);
}

MirLocalId lb_receive_round(Lb *L, MirPlace obj, MirBlockId closed_to, uint32_t mark, Span sp) {
    MirOperand recv = opd_place(L, obj, sp);
    MirOperand rec = lb_temp_of(L, rv_rt(L, MRT_SYNC_RECV_NEW, type_timeout(), &recv, 1, 0), sp);
    lb_suspend(L, AWAIT_CHAN, rec, sp);
    TypeId et = type_get(recv.type)->args[0];
    MirLocalId vl = lb_temp(L, et);
    vec_push(&L->owned, vl);
    lb_drop(L, vl, sp); /* a value of an earlier run of the loop abandoned by an error */
    MirBlockId closed = lb_block(L), got = lb_block(L);
    MirOperand shut = lb_temp_of(L, rv_rt(L, MRT_SYNC_CHAN_END, TYPE_BOOL, &rec, 1, 0), sp);
    lb_branch(L, shut, closed, got);
    L->cur = closed;
    lb_flush(L, mark);
    lb_goto(L, closed_to);
    L->cur = got;
    lb_assign(L, lb_place(vl), rv_rt(L, MRT_SYNC_RECV_TAKE, et, &rec, 1, 0), sp);
    lb_flush(L, mark);
    return vl;
}
