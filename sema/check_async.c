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
    {"timeout", BI_TASK_TIMEOUT, TYPE_FLOAT, "seconds"},
    {"deadline", BI_TASK_DEADLINE, TYPE_FLOAT, "instant"},
    {"TaskGroup", BI_TASK_GROUP, 0, NULL},
    {"current_context", BI_TASK_CURRENT_CONTEXT, 0, NULL},
    {"empty_context", BI_TASK_EMPTY_CONTEXT, 0, NULL},
    {"ContextKey", BI_TASK_CONTEXT_KEY, 0, NULL},
    {"gather", BI_TASK_GATHER, 0, NULL},
    {"race", BI_TASK_RACE, 0, NULL},
    {"select", BI_TASK_SELECT, 0, NULL},
    {"spawn_blocking", BI_TASK_SPAWN_BLOCKING, 0, NULL},
    {"spawn_cpu", BI_TASK_SPAWN_CPU, 0, NULL},
};

/* The symbol standing for builtin `bi` (its name has a dot, so no plain
 * name finds it). */
static SymId sema_task_sym(Sema *s, BuiltinId bi) {
    SymId id = symmap_get(&s->builtins, s->n.builtin[bi]);
    if (!id) ICE("sema: no symbol for builtin %d", (int)bi);
    return id;
}

/* Bind the callee of a `task` function call to builtin `bi`. Through the
 * namespace (`task.X`), the namespace itself is no value: later passes see
 * a typed name bound to the function's symbol, and skip it as a receiver. */
static void sema_task_bind(Sema *s, NodeId callee, BuiltinId bi) {
    Node *c = sema_node(s, callee);
    c->sym = sema_task_sym(s, bi);
    if (c->kind == N_ATTR) {
        Node *o = sema_node(s, c->a);
        o->sym = c->sym;
        o->type = TYPE_NONE;
    }
}

/* Does T have an empty value (a ContextKey[T] without a default gets it)? */
static bool sema_has_empty_value(TypeId t) {
    switch (t) {
    case TYPE_INT: case TYPE_FLOAT: case TYPE_BOOL: case TYPE_STR: case TYPE_BYTES: return true;
    default: break;
    }
    TypeKind k = type_get(t)->kind;
    return k == TY_LIST || k == TY_DICT || k == TY_SET || k == TY_OPTION;
}

/* ContextKey(name[, default]): T from the expected type, else the default's. */
static TypeId sema_context_key_call(Sema *s, NodeId call, TypeId hint) {
    TypeId vt = hint && type_get(hint)->kind == TY_CONTEXT_KEY ? type_get(hint)->args[0] : 0;
    NodeList args = sema_node(s, call)->list;
    NodeId dflt = 0;
    for (uint32_t i = 0; i < args.count; i++) {
        Node *a = sema_node(s, ast_list_at(s->ast, args, i));
        if (a->kind == N_KEYWORD ? (a->name && !strcmp(str_text(a->name), "default")) : i == 1) dflt = a->kind == N_KEYWORD ? a->a : ast_list_at(s->ast, args, i);
    }
    if (!vt && dflt) vt = sema_expr(s, dflt);
    if (!vt || vt == TYPE_ERROR) {
        sema_args_quiet(s, call);
        if (vt == TYPE_ERROR) return TYPE_ERROR;
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                  "cannot infer the value type of this ContextKey");
        diag_label(d, "no annotation and no default");
        diag_help(d, "annotate it: `key: ContextKey[str] = ContextKey(\"name\")`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    ParamSlot slots[2] = {{.name = intern_cstr("name"), .type = TYPE_STR},
                          {.name = intern_cstr("default"), .type = vt, .has_default = true}};
    if (!sema_bind_args(s, call, "ContextKey", slots, 2, NULL, NULL, 0, (Span){0, 0, 0})) return TYPE_ERROR;
    if (!dflt && !sema_has_empty_value(vt)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                  "a ContextKey[%s] needs a default", type_name(vt));
        diag_label(d, "`%s` has no empty value", type_name(vt));
        diag_help(d, "pass one: `ContextKey(\"name\", default)`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    return type_context_key(vt);
}

/* The one positional argument of a call (0 after an arity diagnostic). */
static NodeId sema_one_arg(Sema *s, NodeId call, const char *fname) {
    NodeList args = sema_node(s, call)->list;
    if (args.count != 1 || sema_node(s, ast_list_at(s->ast, args, 0))->kind == N_KEYWORD) {
        sema_args_quiet(s, call);
        sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, fname, 1, 1, args.count);
        return 0;
    }
    return ast_list_at(s->ast, args, 0);
}

/* The one argument of gather/race: a list of task handles; their result type. */
static TypeId sema_handles_arg(Sema *s, NodeId call, const char *fname) {
    NodeId a = sema_one_arg(s, call, fname);
    if (!a) return TYPE_ERROR;
    TypeId lt = sema_expr(s, a);
    if (lt == TYPE_ERROR) return TYPE_ERROR;
    if (type_get(lt)->kind != TY_LIST || type_get(type_get(lt)->args[0])->kind != TY_TASK_HANDLE) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a)->span,
                                  "`%s` takes a list of task handles, not a `%s`", fname, type_name(lt));
        diag_label(d, "not a list[TaskHandle[...]]");
        diag_emit(d);
        return TYPE_ERROR;
    }
    return type_get(type_get(lt)->args[0])->args[0];
}

/* select(name=handle, ...): every handle gives the same T; the winner's
 * keyword and result come back as a tuple[str, T]. */
static TypeId sema_select_call(Sema *s, NodeId call) {
    NodeList args = sema_node(s, call)->list;
    TypeId rt = 0;
    bool bad = false;
    if (!args.count) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, sema_node(s, call)->span, "`select` needs at least one task");
        diag_label(d, "no tasks to select from");
        diag_help(d, "name each handle: `task.select(first=h1, second=h2)`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId an = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, an);
        if (a->kind != N_KEYWORD) {
            sema_expr(s, an);
            Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, a->span, "the tasks of `select` are named");
            diag_label(d, "a positional argument");
            diag_help(d, "name it: `task.select(first=h1, second=h2)`; the name of the winner comes back");
            diag_emit(d);
            bad = true;
            continue;
        }
        for (uint32_t j = 0; j < i; j++) {
            Node *b = sema_node(s, ast_list_at(s->ast, args, j));
            if (b->kind == N_KEYWORD && b->name == a->name) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, a->span, "`%s` is given twice", str_text(a->name));
                diag_label(d, "a second task with this name");
                diag_emit(d);
                bad = true;
            }
        }
        TypeId t = sema_expr(s, a->a);
        a = sema_node(s, an);
        if (t == TYPE_ERROR) {
            bad = true;
            continue;
        }
        a->type = t;
        if (type_get(t)->kind != TY_TASK_HANDLE) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a->a)->span,
                                      "`select` takes task handles, not a `%s`", type_name(t));
            diag_label(d, "not a TaskHandle");
            diag_emit(d);
            bad = true;
            continue;
        }
        TypeId r = type_get(t)->args[0];
        if (!rt) {
            rt = r;
        } else if (r != rt) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a->a)->span,
                                      "the tasks of `select` give `%s` and `%s`", type_name(rt), type_name(r));
            diag_label(d, "a different result type");
            diag_help(d, "every task of one `select` gives the same type");
            diag_emit(d);
            bad = true;
        }
    }
    if (bad) return TYPE_ERROR;
    TypeId el[2] = {TYPE_STR, rt};
    return type_coro(type_tuple(el, 2));
}

/* spawn_blocking(fn) / spawn_cpu(fn): a function of no arguments
 * returning T -> Coroutine[T] */
static TypeId sema_spawn_fn_call(Sema *s, NodeId call, const char *fname) {
    NodeId a = sema_one_arg(s, call, fname);
    if (!a) return TYPE_ERROR;
    TypeId ft = sema_expr(s, a);
    if (ft == TYPE_ERROR) return TYPE_ERROR;
    const Type *t = type_get(ft);
    if (t->kind != TY_FUNC || t->nargs != 0) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a)->span,
                                  "`%s` takes a function of no arguments, not a `%s`", fname, type_name(ft));
        diag_label(d, "not a function of no arguments");
        diag_help(d, "wrap the call in a lambda: `await task.%s(lambda: work(n))`", fname);
        diag_emit(d);
        return TYPE_ERROR;
    }
    return type_coro(t->ret);
}

/* timeout(handle, seconds) -> Coroutine[Result[T, TimeoutError]] */
static TypeId sema_timed_join_call(Sema *s, NodeId call) {
    NodeList args = sema_node(s, call)->list;
    NodeId h = ast_list_at(s->ast, args, 0), secs = ast_list_at(s->ast, args, 1);
    TypeId ht = sema_expr(s, h);
    if (sema_node(s, secs)->kind == N_KEYWORD) {
        Node *k = sema_node(s, secs);
        if (!k->name || strcmp(str_text(k->name), "seconds")) {
            sema_args_quiet(s, call);
            Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, k->span, "`timeout` takes a task handle and `seconds`");
            diag_label(d, "unexpected argument");
            diag_emit(d);
            return TYPE_ERROR;
        }
        sema_expr_expect(s, k->a, TYPE_FLOAT, "the seconds");
        sema_node(s, secs)->type = TYPE_FLOAT;
    } else {
        sema_expr_expect(s, secs, TYPE_FLOAT, "the seconds");
    }
    if (ht == TYPE_ERROR) return TYPE_ERROR;
    if (type_get(ht)->kind != TY_TASK_HANDLE) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, h)->span,
                                  "`timeout` with two arguments takes a task handle, not a `%s`", type_name(ht));
        diag_label(d, "not a TaskHandle");
        diag_help(d, "`await task.timeout(handle, seconds)`, or `async with task.timeout(seconds):` around a block");
        diag_emit(d);
        return TYPE_ERROR;
    }
    TypeId te = sema_sym(s, symmap_get(&s->builtins, intern_cstr("TimeoutError")))->type;
    return type_coro(type_result(type_get(ht)->args[0], te));
}

TypeId sema_task_call(Sema *s, NodeId call, TypeId hint) {
    NodeId callee = sema_node(s, call)->a;
    Node *c = sema_node(s, callee);
    const char *name = str_text(c->name);
    bool bare = c->kind == N_NAME; /* a name imported from sifr.task */
    for (size_t i = 0; i < sizeof task_funcs / sizeof task_funcs[0]; i++) {
        if (bare ? (c->sym != sema_task_sym(s, task_funcs[i].bi)) : strcmp(task_funcs[i].name, name) != 0) continue;
        if (task_funcs[i].bi == BI_TASK_GATHER || task_funcs[i].bi == BI_TASK_RACE) {
            /* gather(handles): list[TaskHandle[T]] -> Coroutine[list[T]];
             * race(handles) -> Coroutine[T] */
            sema_task_bind(s, callee, task_funcs[i].bi);
            TypeId r = sema_handles_arg(s, call, task_funcs[i].name);
            if (r == TYPE_ERROR) return TYPE_ERROR;
            return type_coro(task_funcs[i].bi == BI_TASK_GATHER ? type_list(r) : r);
        }
        if (task_funcs[i].bi == BI_TASK_SPAWN_BLOCKING || task_funcs[i].bi == BI_TASK_SPAWN_CPU) {
            sema_task_bind(s, callee, task_funcs[i].bi);
            return sema_spawn_fn_call(s, call, task_funcs[i].name);
        }
        if (task_funcs[i].bi == BI_TASK_SELECT) {
            sema_task_bind(s, callee, BI_TASK_SELECT);
            return sema_select_call(s, call);
        }
        if (task_funcs[i].bi == BI_TASK_TIMEOUT && sema_node(s, call)->list.count == 2 &&
            sema_node(s, ast_list_at(s->ast, sema_node(s, call)->list, 0))->kind != N_KEYWORD) {
            sema_task_bind(s, callee, BI_TASK_TIMEOUT);
            return sema_timed_join_call(s, call);
        }
        if (task_funcs[i].bi == BI_TASK_CONTEXT_KEY) {
            sema_task_bind(s, callee, BI_TASK_CONTEXT_KEY);
            return sema_context_key_call(s, call, hint);
        }
        if (task_funcs[i].bi == BI_TASK_GROUP && !sema_in_async(s)) {
            sema_args_quiet(s, call);
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                      "a TaskGroup can only be made inside `async def`");
            diag_label(d, "outside an async function");
            diag_help(d, "its tasks run on the runtime: make the group in an `async def`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        char fname[32];
        snprintf(fname, sizeof fname, "task.%s", name);
        ParamSlot slot = {.name = task_funcs[i].param_name ? intern_cstr(task_funcs[i].param_name) : 0,
                          .type = task_funcs[i].param};
        if (task_funcs[i].bi == BI_TASK_SCOPE || task_funcs[i].bi == BI_TASK_GROUP)
            slot = (ParamSlot){.name = intern_cstr("ctx"), .type = type_context(), .has_default = true};
        sema_bind_args(s, call, fname, &slot, slot.type ? 1 : 0, NULL, NULL, 0, (Span){0, 0, 0});
        sema_task_bind(s, callee, task_funcs[i].bi);
        switch (task_funcs[i].bi) {
        case BI_TASK_SLEEP: return type_coro(TYPE_NONE);
        case BI_TASK_NOW: return TYPE_FLOAT;
        case BI_TASK_SCOPE: return type_task_scope();
        case BI_TASK_TIMEOUT:
        case BI_TASK_DEADLINE: return type_timeout();
        case BI_TASK_GROUP: return type_task_group();
        case BI_TASK_CURRENT_CONTEXT:
        case BI_TASK_EMPTY_CONTEXT: return type_context();
        default: break;
        }
        ICE("sema: task.%s has no type", name);
    }
    sema_args_quiet(s, call);
    c = sema_node(s, callee);
    Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, c->span, "the `task` namespace has no `%s`", name);
    diag_label(d, "not a function of `task`");
    diag_help(d, "`task` has `sleep`, `now`, `scope`, `timeout`, `deadline`, `gather`, `race`, `select`, `spawn_blocking`, `spawn_cpu`, `TaskGroup` and the context functions");
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

/* The async method `name` of class type t, or NULL. */
static const SemaFunc *sema_async_method(Sema *s, TypeId t, const char *name) {
    if (type_get(t)->kind != TY_CLASS) return NULL;
    const ClassMethod *m = sema_class_method(s, type_get(t)->sym, intern_cstr(name));
    if (!m) return NULL;
    const SemaFunc *f = &s->prog->funcs.items[m->func];
    return f->is_async ? f : NULL;
}

TypeId sema_async_enter_type(Sema *s, TypeId t) {
    const SemaFunc *en = sema_async_method(s, t, "__aenter__");
    if (!en || !sema_async_method(s, t, "__aexit__")) return 0;
    return sema_member_type(s, t, en->ret);
}

TypeId sema_async_iter_elem(Sema *s, TypeId t, NodeId iter) {
    if (type_sync_kind(t) == SK_RECEIVER) return type_get(t)->args[0]; /* until closed and drained */
    const SemaFunc *nx = sema_async_method(s, t, "__anext__");
    TypeId r = nx ? sema_member_type(s, t, nx->ret) : 0;
    if (r && type_get(r)->kind == TY_OPTION && type_get(nx->type)->nargs == 1) return type_get(r)->args[0];
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, iter)->span, "`async for` cannot iterate over `%s`",
                              type_name(t));
    if (nx) diag_label(d, "its `__anext__` must take only `self` and return an Option");
    else diag_label(d, "it has no `async def __anext__`");
    diag_help(d, "give the class `async def __anext__(mut self) -> Option[T]`: None ends the loop");
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

/* The nearest class both error classes derive from. */
static TypeId sema_common_error(Sema *s, TypeId a, TypeId b) {
    while (a && !sema_class_derives(s, type_get(b)->sym, type_get(a)->sym)) {
        SymId base = sema_class(s, type_get(a)->sym)->base;
        a = base ? sema_sym(s, base)->type : 0;
    }
    return a ? a : b;
}

/* A child that may fail with `err` was spawned through `recv`: the
 * `async with` that bound it may fail too. */
static void sema_track_failure(Sema *s, NodeId recv, TypeId err) {
    const Node *r = sema_node(s, recv);
    if (r->kind != N_NAME || !r->sym || err == TYPE_ERROR) return;
    for (uint32_t i = s->scope_tracks.len; i-- > 0;) {
        struct ScopeTrack *t = &s->scope_tracks.items[i];
        if (t->sym != r->sym) continue;
        t->err = t->err ? sema_common_error(s, t->err, err) : err;
        return;
    }
}

void sema_async_with_enter(Sema *s, NodeId target) {
    const Node *t = target ? sema_node(s, target) : NULL;
    struct ScopeTrack tr = {.sym = t && t->kind == N_NAME ? t->sym : 0};
    vec_push(&s->scope_tracks, tr);
}

TypeId sema_async_with_leave(Sema *s, TypeId ctx, Span at) {
    TypeId err = s->scope_tracks.items[--s->scope_tracks.len].err;
    if (!err) return TYPE_NONE;
    /* a scope fails with ScopeFailure when a child fails unobserved; a
     * group with the first error of a child */
    if (type_get(ctx)->kind == TY_TASK_SCOPE)
        err = sema_sym(s, symmap_get(&s->builtins, intern_cstr("ScopeFailure")))->type;
    sema_error_escapes(s, err, at);
    return err;
}

/* Methods of scopes, groups and task handles. */
TypeId sema_task_method(Sema *s, NodeId call, TypeId recv) {
    NodeId callee = sema_node(s, call)->a;
    const char *name = str_text(sema_node(s, callee)->name);
    const Type *rt = type_get(recv);
    NodeList args = sema_node(s, call)->list;
    if ((rt->kind == TY_TASK_SCOPE || rt->kind == TY_TASK_GROUP) && !strcmp(name, "spawn")) {
        if (args.count < 1 || args.count > 2 || sema_node(s, ast_list_at(s->ast, args, 0))->kind == N_KEYWORD) {
            sema_args_quiet(s, call);
            sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, "spawn", 1, 2, args.count);
            return TYPE_ERROR;
        }
        if (args.count == 2) {
            /* spawn(coro, ctx=...): the child runs in that context */
            Node *k = sema_node(s, ast_list_at(s->ast, args, 1));
            if (k->kind != N_KEYWORD || !k->name || strcmp(str_text(k->name), "ctx")) {
                sema_args_quiet(s, call);
                Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, k->span, "`spawn` takes a coroutine and `ctx=`");
                diag_label(d, "unexpected argument");
                diag_emit(d);
                return TYPE_ERROR;
            }
            NodeId kv = k->a;
            sema_expr_expect(s, kv, type_context(), "the context");
            sema_node(s, ast_list_at(s->ast, args, 1))->type = type_context();
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
        TypeId res = type_get(t)->args[0];
        if (type_get(res)->kind == TY_RESULT) sema_track_failure(s, sema_node(s, callee)->a, type_get(res)->args[1]);
        return type_task_handle(res);
    }
    if (rt->kind == TY_CONTEXT && (!strcmp(name, "get") || !strcmp(name, "with_value"))) {
        bool get = !strcmp(name, "get");
        if (args.count != (get ? 1u : 2u)) {
            sema_args_quiet(s, call);
            sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, name, get ? 1 : 2, get ? 1 : 2, args.count);
            return TYPE_ERROR;
        }
        NodeId k = ast_list_at(s->ast, args, 0);
        TypeId kt = sema_expr(s, k);
        if (kt == TYPE_ERROR) {
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        if (type_get(kt)->kind != TY_CONTEXT_KEY) {
            sema_args_quiet(s, call);
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, k)->span,
                                      "`%s` takes a ContextKey, not a `%s`", name, type_name(kt));
            diag_label(d, "not a ContextKey");
            diag_emit(d);
            return TYPE_ERROR;
        }
        TypeId vt = type_get(kt)->args[0];
        if (get) return vt;
        sema_expr_expect(s, ast_list_at(s->ast, args, 1), vt, "the value");
        return type_context();
    }
    if (rt->kind == TY_TASK_GROUP && !strcmp(name, "join")) {
        if (args.count) {
            sema_args_quiet(s, call);
            sema_arity(s, sema_node(s, call)->span, (Span){0, 0, 0}, name, 0, 0, args.count);
            return TYPE_ERROR;
        }
        /* the first error of a child, whatever its class */
        return type_coro(type_result(TYPE_NONE, sema_sym(s, s->error_sym)->type));
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
    diag_help(d, rt->kind == TY_CONTEXT      ? "a Context has `get` and `with_value`"
                 : rt->kind == TY_TASK_SCOPE ? "a scope has `spawn`"
                 : rt->kind == TY_TASK_GROUP ? "a TaskGroup has `spawn` and `join`"
                                             : "a task handle has `join` and `cancel`");
    diag_emit(d);
    return TYPE_ERROR;
}
