/* Type checking of async code: `await`, and the ambient `task` namespace
 * (SPEC section 6). Calling an `async def` gives a `Coroutine[T]`
 * (check_expr.c, sema_call_user); `await` runs it and gives its T. The
 * `task.NAME(...)` functions are builtins reached only through the
 * namespace (BI_TASK_*); a program that binds the name `task` itself
 * shadows the namespace, as it would shadow an import. */
#include "sema_internal.h"

#include <string.h>

bool sema_in_async(const Sema *s) {
    return s->fn >= 0 && !s->lambda_depth && s->prog->funcs.items[s->fn].is_async;
}

bool sema_is_task_namespace(Sema *s, NodeId obj) {
    const Node *o = sema_node(s, obj);
    if (o->kind != N_NAME || strcmp(str_text(o->name), "task") != 0) return false;
    return sema_lookup_name(s, o->name) == 0;
}

/* The functions of the namespace: name, builtin, parameter (0: none). */
static const struct {
    const char *name;
    BuiltinId bi;
    TypeId param;
    const char *param_name;
} task_funcs[] = {
    {"sleep", BI_TASK_SLEEP, TYPE_FLOAT, "seconds"},
    {"now", BI_TASK_NOW, 0, NULL},
    {"scope", BI_TASK_SCOPE, 0, NULL},
};

/* The symbol standing for builtin `bi` (its name has a dot, so no plain
 * name finds it). */
static SymId sema_task_sym(Sema *s, BuiltinId bi) {
    SymId id = symmap_get(&s->builtins, s->n.builtin[bi]);
    if (!id) ICE("sema: no symbol for builtin %d", (int)bi);
    return id;
}

TypeId sema_task_call(Sema *s, NodeId call) {
    NodeId callee = sema_node(s, call)->a;
    Node *c = sema_node(s, callee);
    const char *name = str_text(c->name);
    for (size_t i = 0; i < sizeof task_funcs / sizeof task_funcs[0]; i++) {
        if (strcmp(task_funcs[i].name, name) != 0) continue;
        char fname[32];
        snprintf(fname, sizeof fname, "task.%s", name);
        ParamSlot slot = {.name = task_funcs[i].param_name ? intern_cstr(task_funcs[i].param_name) : 0,
                          .type = task_funcs[i].param};
        sema_bind_args(s, call, fname, &slot, task_funcs[i].param ? 1 : 0, NULL, NULL, 0, (Span){0, 0, 0});
        c = sema_node(s, callee);
        c->sym = sema_task_sym(s, task_funcs[i].bi);
        /* the namespace itself is no value: later passes see a typed name
         * bound to the function's symbol, and skip it as a receiver */
        Node *o = sema_node(s, c->a);
        o->sym = c->sym;
        o->type = TYPE_NONE;
        switch (task_funcs[i].bi) {
        case BI_TASK_SLEEP: return type_coro(TYPE_NONE);
        case BI_TASK_NOW: return TYPE_FLOAT;
        case BI_TASK_SCOPE: return type_task_scope();
        default: break;
        }
        ICE("sema: task.%s has no type", name);
    }
    sema_args_quiet(s, call);
    c = sema_node(s, callee);
    Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, c->span, "the `task` namespace has no `%s`", name);
    diag_label(d, "not a function of `task`");
    diag_help(d, "`task` has `sleep`, `now` and `scope`");
    diag_emit(d);
    return TYPE_ERROR;
}

TypeId sema_task_attr(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    Diagnostic *d = sema_diag(s, CODE_TYPE_UNSUPPORTED, n->span, "`task.%s` as a value is not supported yet",
                              str_text(n->name));
    diag_label(d, "call it here instead");
    diag_emit(d);
    return TYPE_ERROR;
}

TypeId sema_await(Sema *s, NodeId e) {
    NodeId operand = sema_node(s, e)->a;
    TypeId t = sema_expr(s, operand);
    if (t == TYPE_ERROR) return TYPE_ERROR;
    const Type *ty = type_get(t);
    if (ty->kind == TY_CORO || ty->kind == TY_TASK_HANDLE) return ty->args[0];
    Node *o = sema_node(s, operand);
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, o->span, "cannot `await` a value of type `%s`", type_name(t));
    diag_label(d, "not awaitable");
    diag_help(d, "`await` takes a coroutine (a call of an `async def`) or a task handle");
    diag_emit(d);
    return TYPE_ERROR;
}

/* Methods of scopes and task handles. */
TypeId sema_task_method(Sema *s, NodeId call, TypeId recv) {
    NodeId callee = sema_node(s, call)->a;
    const char *name = str_text(sema_node(s, callee)->name);
    const Type *rt = type_get(recv);
    NodeList args = sema_node(s, call)->list;
    if (rt->kind == TY_TASK_SCOPE && !strcmp(name, "spawn")) {
        if (args.count != 1 || sema_node(s, ast_list_at(s->ast, args, 0))->kind == N_KEYWORD) {
            sema_args_quiet(s, call);
            if (args.count != 1) sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, "spawn", 1, 1, args.count);
            else sema_unsupported(s, sema_node(s, call)->span, "keyword arguments of `spawn`");
            return TYPE_ERROR;
        }
        NodeId a = ast_list_at(s->ast, args, 0);
        TypeId t = sema_expr(s, a);
        if (t == TYPE_ERROR) return TYPE_ERROR;
        if (type_get(t)->kind != TY_CORO) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a)->span,
                                      "`spawn` takes a coroutine, not a `%s`", type_name(t));
            diag_label(d, "not a coroutine");
            diag_help(d, "call an `async def` here: `scope.spawn(work())`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        if (sema_node(s, a)->kind != N_CALL) {
            sema_unsupported(s, sema_node(s, a)->span, "spawning a coroutine stored in a variable");
            return TYPE_ERROR;
        }
        return type_task_handle(type_get(t)->args[0]);
    }
    if (rt->kind == TY_TASK_HANDLE && (!strcmp(name, "join") || !strcmp(name, "cancel"))) {
        if (args.count) {
            sema_args_quiet(s, call);
            sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, name, 0, 0, args.count);
            return TYPE_ERROR;
        }
        if (!strcmp(name, "cancel")) return TYPE_NONE;
        return type_coro(type_get(recv)->args[0]); /* awaited like the handle itself */
    }
    sema_args_quiet(s, call);
    Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, sema_node(s, callee)->span, "`%s` has no method `%s`",
                              type_name(recv), name);
    diag_label(d, "unknown method");
    diag_help(d, rt->kind == TY_TASK_SCOPE ? "a scope has `spawn`" : "a task handle has `join` and `cancel`");
    diag_emit(d);
    return TYPE_ERROR;
}
