/* Type checking of `sifr.sync` (SPEC section 6; docs/design/sync.md): the
 * constructors `Shared`, `Lock`, `RwLock`, `Semaphore`, `Notify`,
 * `channel`, `bounded_channel` (builtins BI_SYNC_*, bound by
 * `from sifr.sync import ...`), and the methods of the values they make
 * (TY_SYNC). The waits (`send`, `receive`, `acquire`, `notified`) give
 * coroutines that only `await` takes, like `handle.join()`. */
#include "sema_internal.h"

#include <string.h>

static TypeId sync_error_type(Sema *s, const char *name) {
    return sema_sym(s, symmap_get(&s->builtins, intern_cstr(name)))->type;
}

/* The element type the expected type gives a constructor of kind k, or 0. */
static TypeId sync_hint_elem(TypeId hint, SyncKind k) {
    return hint && type_sync_kind(hint) == k ? type_get(hint)->args[0] : 0;
}

/* Shared(value), Lock(value), RwLock(value): T from the expected type,
 * else from the value. */
static TypeId sync_value_ctor(Sema *s, NodeId call, SyncKind k, TypeId hint) {
    const char *fname = sync_kind_name(k);
    NodeList args = sema_node(s, call)->list;
    TypeId t = sync_hint_elem(hint, k);
    if (!t) {
        if (args.count != 1 || sema_node(s, ast_list_at(s->ast, args, 0))->kind == N_KEYWORD) {
            sema_args_quiet(s, call);
            sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, fname, 1, 1, args.count);
            return TYPE_ERROR;
        }
        t = sema_expr(s, ast_list_at(s->ast, args, 0));
        if (t == TYPE_ERROR) return TYPE_ERROR;
    }
    ParamSlot slot = {.name = intern_cstr("value"), .type = t};
    if (!sema_bind_args(s, call, fname, &slot, 1, NULL, NULL, 0, (Span){0, 0, 0})) return TYPE_ERROR;
    return type_sync(k, t);
}

/* channel() / bounded_channel(capacity): T from the annotation. */
static TypeId sync_channel_ctor(Sema *s, NodeId call, bool bounded, TypeId hint) {
    const char *fname = bounded ? "bounded_channel" : "channel";
    ParamSlot slot = {.name = intern_cstr("capacity"), .type = TYPE_INT};
    if (!sema_bind_args(s, call, fname, &slot, bounded ? 1 : 0, NULL, NULL, 0, (Span){0, 0, 0})) return TYPE_ERROR;
    const Type *h = hint ? type_get(hint) : NULL;
    if (h && h->kind == TY_TUPLE && h->nargs == 2 && type_sync_kind(h->args[0]) == SK_SENDER &&
        type_sync_kind(h->args[1]) == SK_RECEIVER && type_get(h->args[0])->args[0] == type_get(h->args[1])->args[0])
        return hint;
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                              "cannot infer the value type of this channel");
    diag_label(d, "no annotation gives it");
    diag_help(d, "annotate the pair: `endpoints: tuple[ChannelSender[int], ChannelReceiver[int]] = %s(%s)`", fname,
              bounded ? "n" : "");
    diag_emit(d);
    return TYPE_ERROR;
}

TypeId sema_sync_call(Sema *s, NodeId call, BuiltinId bi, TypeId hint) {
    switch (bi) {
    case BI_SYNC_SHARED: return sync_value_ctor(s, call, SK_SHARED, hint);
    case BI_SYNC_LOCK: return sync_value_ctor(s, call, SK_LOCK, hint);
    case BI_SYNC_RWLOCK: return sync_value_ctor(s, call, SK_RWLOCK, hint);
    case BI_SYNC_SEMAPHORE: {
        ParamSlot slot = {.name = intern_cstr("permits"), .type = TYPE_INT};
        if (!sema_bind_args(s, call, "Semaphore", &slot, 1, NULL, NULL, 0, (Span){0, 0, 0})) return TYPE_ERROR;
        return type_sync(SK_SEMAPHORE, 0);
    }
    case BI_SYNC_NOTIFY:
        if (!sema_bind_args(s, call, "Notify", NULL, 0, NULL, NULL, 0, (Span){0, 0, 0})) return TYPE_ERROR;
        return type_sync(SK_NOTIFY, 0);
    case BI_SYNC_CHANNEL: return sync_channel_ctor(s, call, false, hint);
    case BI_SYNC_BOUNDED_CHANNEL: return sync_channel_ctor(s, call, true, hint);
    default: break;
    }
    /* a type name that is not a constructor (LockGuard, ChannelSender, ...) */
    sema_args_quiet(s, call);
    Diagnostic *d = sema_diag(s, CODE_TYPE_NOT_CALLABLE, sema_node(s, call)->span, "`%s` cannot be called",
                              sync_kind_name(sema_sync_builtin_kind(bi)));
    diag_label(d, "a type made by the sync functions");
    diag_help(d, bi == BI_SYNC_SENDER || bi == BI_SYNC_RECEIVER ? "make a channel with `channel()` or `bounded_channel(n)`"
                                                                : "take it from its lock or semaphore");
    diag_emit(d);
    return TYPE_ERROR;
}

SyncKind sema_sync_builtin_kind(BuiltinId bi) {
    static const SyncKind kinds[] = {
        [BI_SYNC_SHARED - BI_SYNC_SHARED] = SK_SHARED,       [BI_SYNC_LOCK - BI_SYNC_SHARED] = SK_LOCK,
        [BI_SYNC_RWLOCK - BI_SYNC_SHARED] = SK_RWLOCK,       [BI_SYNC_SEMAPHORE - BI_SYNC_SHARED] = SK_SEMAPHORE,
        [BI_SYNC_NOTIFY - BI_SYNC_SHARED] = SK_NOTIFY,       [BI_SYNC_LOCK_GUARD - BI_SYNC_SHARED] = SK_GUARD,
        [BI_SYNC_READ_GUARD - BI_SYNC_SHARED] = SK_READ,     [BI_SYNC_WRITE_GUARD - BI_SYNC_SHARED] = SK_WRITE,
        [BI_SYNC_PERMIT - BI_SYNC_SHARED] = SK_PERMIT,       [BI_SYNC_SENDER - BI_SYNC_SHARED] = SK_SENDER,
        [BI_SYNC_RECEIVER - BI_SYNC_SHARED] = SK_RECEIVER,
    };
    return bi >= BI_SYNC_SHARED && bi <= BI_SYNC_RECEIVER ? kinds[bi - BI_SYNC_SHARED] : SK_NONE;
}

/* No arguments: false after the arity diagnostic. */
static bool sync_no_args(Sema *s, NodeId call, const char *name) {
    NodeList args = sema_node(s, call)->list;
    if (!args.count) return true;
    sema_args_quiet(s, call);
    sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, name, 0, 0, args.count);
    return false;
}

/* One argument of type t, named `pname`. */
static bool sync_one_arg(Sema *s, NodeId call, const char *name, const char *pname, TypeId t) {
    ParamSlot slot = {.name = intern_cstr(pname), .type = t};
    return sema_bind_args(s, call, name, &slot, 1, NULL, NULL, 0, (Span){0, 0, 0});
}

TypeId sema_sync_method(Sema *s, NodeId call, TypeId recv) {
    NodeId callee = sema_node(s, call)->a;
    const char *name = str_text(sema_node(s, callee)->name);
    SyncKind k = type_sync_kind(recv);
    TypeId t = type_get(recv)->nargs ? type_get(recv)->args[0] : 0;
    TypeId would_block = sync_error_type(s, "WouldBlockError"), closed = sync_error_type(s, "ClosedError");
    const char *help = NULL;
#define SYNC_METHOD(str, ret)                                    \
    if (!strcmp(name, str)) return sync_no_args(s, call, name) ? (ret) : TYPE_ERROR
    switch (k) {
    case SK_SHARED:
        SYNC_METHOD("get", t);
        SYNC_METHOD("clone", recv);
        help = "a Shared has `get` and `clone`";
        break;
    case SK_LOCK:
        SYNC_METHOD("lock", type_sync(SK_GUARD, t));
        SYNC_METHOD("try_lock", type_result(type_sync(SK_GUARD, t), would_block));
        help = "a Lock has `lock` and `try_lock`";
        break;
    case SK_RWLOCK:
        SYNC_METHOD("read", type_sync(SK_READ, t));
        SYNC_METHOD("write", type_sync(SK_WRITE, t));
        SYNC_METHOD("try_read", type_result(type_sync(SK_READ, t), would_block));
        SYNC_METHOD("try_write", type_result(type_sync(SK_WRITE, t), would_block));
        help = "an RwLock has `read`, `write`, `try_read` and `try_write`";
        break;
    case SK_GUARD:
    case SK_WRITE:
        SYNC_METHOD("get", t);
        if (!strcmp(name, "set")) return sync_one_arg(s, call, name, "value", t) ? TYPE_NONE : TYPE_ERROR;
        help = "a guard has `get` and `set`";
        break;
    case SK_READ:
        SYNC_METHOD("get", t);
        help = !strcmp(name, "set") ? "a read guard only reads: take `write()` to change the value"
                                    : "a read guard has `get`";
        break;
    case SK_SEMAPHORE:
        SYNC_METHOD("acquire", type_coro(type_sync(SK_PERMIT, 0)));
        SYNC_METHOD("try_acquire", type_result(type_sync(SK_PERMIT, 0), would_block));
        help = "a Semaphore has `acquire` and `try_acquire`";
        break;
    case SK_PERMIT: help = "a permit has no methods: it is released when it goes out of scope"; break;
    case SK_NOTIFY:
        SYNC_METHOD("notify_one", TYPE_NONE);
        SYNC_METHOD("notify_all", TYPE_NONE);
        SYNC_METHOD("notified", type_coro(TYPE_NONE));
        help = "a Notify has `notify_one`, `notify_all` and `notified`";
        break;
    case SK_SENDER:
        if (!strcmp(name, "send"))
            return sync_one_arg(s, call, name, "value", t) ? type_coro(type_result(TYPE_NONE, closed)) : TYPE_ERROR;
        SYNC_METHOD("clone", recv);
        SYNC_METHOD("close", TYPE_NONE);
        help = "a ChannelSender has `send`, `clone` and `close`";
        break;
    case SK_RECEIVER:
        SYNC_METHOD("receive", type_coro(type_result(t, closed)));
        help = "a ChannelReceiver has `receive` (or iterate it with `async for`)";
        break;
    default: break;
    }
#undef SYNC_METHOD
    sema_args_quiet(s, call);
    Span at = sema_node(s, callee)->span; /* the member's name, at the end of `x.name` */
    if (at.hi >= at.lo + strlen(name)) at.lo = at.hi - (uint32_t)strlen(name);
    Diagnostic *d = sema_diag(s, CODE_NAME_ATTR, at, "`%s` has no method `%s`", type_name(recv), name);
    diag_label(d, "unknown method");
    if (help) diag_help(d, "%s", help);
    diag_emit(d);
    return TYPE_ERROR;
}
