/* Flow-sensitive parts of the checker: narrowing of `T | None` (and of
 * classes with isinstance), errors as values (`try`/`except`/`finally`,
 * `raise`, Result unwrapping inside `try`, propagation, SIFR-RESULT-0005),
 * `with` over context-manager classes, and `match` with patterns and
 * exhaustiveness (SIFR-MATCH-0001). */
#include "sema_internal.h"

/* ==== Narrowing =========================================================== */

TypeId sema_narrowed(const Sema *s, SymId sym, TypeId declared) {
    for (uint32_t i = s->narrows.len; i-- > 0;)
        if (s->narrows.items[i].sym == sym) return s->narrows.items[i].type;
    return declared;
}

void sema_narrow_push(Sema *s, SymId sym, TypeId t) {
    Narrow n = {.sym = sym, .type = t};
    vec_push(&s->narrows, n);
}

/* The variable symbol a narrowing test is about (a local or parameter). */
static SymId sema_narrow_var(const Sema *s, NodeId e) {
    const Node *n = sema_node(s, e);
    if (n->kind != N_NAME || !n->sym) return 0;
    SymKind k = sema_sym(s, n->sym)->kind;
    return k == SYM_LOCAL || k == SYM_PARAM || k == SYM_LAMBDA_PARAM ? n->sym : 0;
}

void sema_narrow_cond(Sema *s, NodeId cond, bool when_true) {
    Node *n = sema_node(s, cond);
    switch ((NodeKind)n->kind) {
    case N_UNARY:
        if (n->op == TOK_NOT) sema_narrow_cond(s, n->a, !when_true);
        return;
    case N_BOOLOP:
        /* `a and b` true: both true; `a or b` false: both false */
        if ((n->op == TOK_AND) == when_true) {
            NodeId b = n->b;
            sema_narrow_cond(s, n->a, when_true);
            sema_narrow_cond(s, b, when_true);
        }
        return;
    case N_COMPARE: {
        if (n->list.count != 1) return;
        uint32_t op = ast_cmp_op(s->ast, n, 0);
        if (op != TOK_IS && op != CMP_IS_NOT) return;
        NodeId l = n->a, r = ast_list_at(s->ast, n->list, 0);
        if (sema_node(s, l)->kind == N_NONE) {
            NodeId t = l;
            l = r;
            r = t;
        }
        if (sema_node(s, r)->kind != N_NONE) return;
        SymId v = sema_narrow_var(s, l);
        if (!v) return;
        TypeId cur = sema_narrowed(s, v, sema_sym(s, v)->type);
        if (!cur || type_get(cur)->kind != TY_OPTION) return;
        bool present = (op == CMP_IS_NOT) == when_true;
        sema_narrow_push(s, v, present ? type_get(cur)->args[0] : TYPE_NONE);
        return;
    }
    case N_CALL: {
        if (!when_true || n->list.count != 2) return;
        Node *callee = sema_node(s, n->a);
        if (callee->kind != N_NAME || !callee->sym || sema_sym(s, callee->sym)->kind != SYM_BUILTIN ||
            sema_sym(s, callee->sym)->index != BI_ISINSTANCE)
            return;
        NodeId x = ast_list_at(s->ast, n->list, 0), c = ast_list_at(s->ast, n->list, 1);
        SymId v = sema_narrow_var(s, x);
        TypeId ct = sema_node(s, c)->type;
        if (!v || !ct || ct == TYPE_ERROR) return;
        TypeId cur = sema_narrowed(s, v, sema_sym(s, v)->type);
        TypeId inner = type_get(cur)->kind == TY_OPTION ? type_get(cur)->args[0] : cur;
        if (sema_assignable(inner, ct) || inner == ct) sema_narrow_push(s, v, ct);
        return;
    }
    default: return;
    }
}

/* ==== Errors as values ==================================================== */

static TypeId sema_func_ret(const Sema *s) {
    return s->fn >= 0 ? s->prog->funcs.items[s->fn].ret : TYPE_NONE;
}

void sema_error_escapes(Sema *s, TypeId err, Span at) {
    if (err == TYPE_ERROR) return;
    if (s->tries.len) {
        TryErr te = {.type = err, .at = at};
        vec_push(&s->tries.items[s->tries.len - 1].errs, te);
        return;
    }
    TypeId ret = sema_func_ret(s);
    if (!s->lambda_depth && ret != TYPE_ERROR && type_get(ret)->kind == TY_RESULT) {
        TypeId fe = type_get(ret)->args[1];
        if (fe == TYPE_ERROR || sema_assignable(fe, err)) return;
    }
    Diagnostic *d = sema_diag(s, CODE_RESULT_UNHANDLED, at, "the error `%s` is not handled", type_name(err));
    diag_label(d, "`%s` may leave here", type_name(err));
    if (!s->lambda_depth && ret != TYPE_ERROR && type_get(ret)->kind == TY_RESULT)
        diag_note(d, (Span){0, 0, 0}, "the function returns `%s`, whose error type does not cover `%s`",
                  type_name(ret), type_name(err));
    else diag_help(d, "handle it with `except %s`, or return `Result[..., %s]` from this function", type_name(err),
                   type_name(err));
    diag_emit(d);
}

TypeId sema_maybe_unwrap(Sema *s, NodeId e, TypeId t, TypeId hint) {
    if (!s->tries.len) return t;
    if (hint && type_get(hint)->kind == TY_RESULT) return t;
    SemaUnwrap u = {.node = e, .result = t, .try_stmt = s->tries.items[s->tries.len - 1].stmt};
    vec_push(&s->prog->unwraps, u);
    sema_error_escapes(s, type_get(t)->args[1], sema_node(s, e)->span);
    return type_get(t)->args[0];
}

const SemaUnwrap *prog_unwrap_of(const Program *p, NodeId n) {
    for (uint32_t i = 0; i < p->unwraps.len; i++)
        if (p->unwraps.items[i].node == n) return &p->unwraps.items[i];
    return NULL;
}

/* The error class an `except` clause names (0 for a bare `except`). */
static TypeId sema_handler_type(Sema *s, NodeId texpr) {
    Node *t = sema_node(s, texpr);
    if (t->kind == N_TUPLE && t->list.count) {
        /* `except (A, B) as e`: e has the nearest class both derive from */
        TypeId common = 0;
        for (uint32_t i = 0; i < t->list.count; i++) {
            NodeId en = ast_list_at(s->ast, t->list, i);
            TypeId et = sema_node(s, en)->kind == N_NAME ? sema_handler_type(s, en) : TYPE_ERROR;
            if (et == TYPE_ERROR) {
                if (sema_node(s, en)->kind != N_NAME)
                    sema_unsupported(s, sema_node(s, en)->span, "this `except` clause (name error classes)");
                return TYPE_ERROR;
            }
            while (common && !sema_class_derives(s, type_get(et)->sym, type_get(common)->sym)) {
                SymId base = sema_class(s, type_get(common)->sym)->base;
                common = base ? sema_sym(s, base)->type : 0;
            }
            if (!common) common = et;
        }
        sema_node(s, texpr)->type = common;
        return common;
    }
    if (t->kind != N_NAME) {
        sema_unsupported(s, t->span, "this `except` clause (name one error class)");
        return TYPE_ERROR;
    }
    SymId id = sema_lookup_name(s, t->name);
    if (!id) {
        Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, t->span, "unknown name `%s`", str_text(t->name));
        diag_label(d, "not found in this scope");
        StrId sug = sema_suggest(s, t->name, false);
        if (sug) diag_help(d, "did you mean `%s`?", str_text(sug));
        diag_emit(d);
        return TYPE_ERROR;
    }
    t->sym = id;
    Symbol *sym = sema_sym(s, id);
    if (sym->kind == SYM_MODULE || sym->type == TYPE_ERROR) return TYPE_ERROR;
    if (sym->kind != SYM_CLASS || !sema_is_error_type(s, sym->type)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, t->span, "`%s` is not an error class", str_text(t->name));
        diag_label(d, "`except` needs a class derived from `Error`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    t->type = sym->type;
    return sym->type;
}

void sema_try(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeList body = n->list, handlers = n->list2, orelse = n->list3, fin = n->list4;
    /* a `finally` that always leaves by return/break/continue/raise
     * discards the errors passing through it (Python) */
    bool fin_ends = sema_block_terminates(s, fin);
    TryFrame fr = {.stmt = sid};
    vec_push(&s->tries, fr);
    sema_block(s, body);
    TryFrame done = s->tries.items[--s->tries.len];
    if (fin_ends) vec_push(&s->tries, fr); /* collects the errors of the clauses and `else` */
    VEC(TypeId) caught = {0};
    bool catch_all = false;
    for (uint32_t i = 0; i < handlers.count; i++) {
        NodeId hid = ast_list_at(s->ast, handlers, i);
        Node *h = sema_node(s, hid);
        TypeId ht = h->a ? sema_handler_type(s, h->a) : sema_sym(s, s->error_sym)->type;
        h = sema_node(s, hid);
        h->type = ht;
        if (h->a && ht != TYPE_ERROR && sema_node(s, h->a)->kind == N_TUPLE) {
            /* each class of `except (A, B)` */
            for (uint32_t k = 0; k < sema_node(s, h->a)->list.count; k++) {
                TypeId kt = sema_node(s, ast_list_at(s->ast, sema_node(s, h->a)->list, k))->type;
                if (type_get(kt)->sym == s->error_sym) catch_all = true;
                vec_push(&caught, kt);
            }
        } else if (!h->a || ht == TYPE_ERROR || type_get(ht)->sym == s->error_sym) {
            catch_all = true;
        } else {
            vec_push(&caught, ht);
        }
        uint32_t mark = sema_scope_mark(s);
        if (h->name && s->fn >= 0) {
            SymId id = sema_new_local(s, h->name, ht, hid);
            sema_scope_bind(s, h->name, id);
            h->sym = id;
        }
        vec_push(&s->handler_errs, ht);
        NodeList hb = sema_node(s, hid)->list;
        sema_block(s, hb);
        s->handler_errs.len--;
        sema_scope_restore(s, mark);
    }
    /* errors of the body that no clause takes travel on */
    for (uint32_t i = 0; i < done.errs.len; i++) {
        TryErr *te = &done.errs.items[i];
        bool handled = catch_all;
        for (uint32_t j = 0; j < caught.len && !handled; j++)
            handled = sema_class_derives(s, type_get(te->type)->sym, type_get(caught.items[j])->sym);
        if (!handled && !fin_ends) sema_error_escapes(s, te->type, te->at);
    }
    vec_free(&done.errs);
    vec_free(&caught);
    sema_block(s, orelse);
    if (fin_ends) {
        TryFrame *sink = &s->tries.items[--s->tries.len];
        vec_free(&sink->errs);
    }
    sema_block(s, fin);
}

void sema_raise(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    if (n->b) {
        /* `raise X from Y`: the cause (an error or None) is evaluated and
         * dropped; nothing in Sifr shows a chain of errors */
        TypeId ct = sema_expr(s, n->b);
        if (ct != TYPE_ERROR && ct != TYPE_NONE && !sema_is_error_type(s, ct)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, n->b)->span,
                                      "the cause of `raise ... from` must be an error or None, found `%s`",
                                      type_name(ct));
            diag_label(d, "not derived from `Error`");
            diag_emit(d);
        }
        n = sema_node(s, sid);
    }
    if (!n->a) {
        if (!s->handler_errs.len) {
            sema_error(s, CODE_TYPE_MISMATCH, n->span, "a bare `raise` is only allowed inside `except`");
            return;
        }
        n->type = s->handler_errs.items[s->handler_errs.len - 1];
        sema_error_escapes(s, n->type, n->span);
        return;
    }
    NodeId ex = n->a;
    Node *en = sema_node(s, ex);
    TypeId t;
    if (en->kind == N_NAME && sema_lookup_name(s, en->name) &&
        sema_sym(s, sema_lookup_name(s, en->name))->kind == SYM_CLASS) {
        /* `raise ClosedError`: the class stands for its field-less instance */
        SymId id = sema_lookup_name(s, en->name);
        en->sym = id;
        t = sema_sym(s, id)->type;
        ClassInfo *ci = sema_class(s, id);
        if (ci && t != TYPE_ERROR) {
            for (uint32_t i = 0; i < ci->fields.len; i++) {
                if (ci->fields.items[i].dflt) continue;
                Diagnostic *d = sema_diag(s, CODE_TYPE_ARITY, en->span, "`%s` needs arguments",
                                          str_text(en->name));
                diag_label(d, "missing `%s`", str_text(ci->fields.items[i].name));
                diag_help(d, "write `raise %s(...)`", str_text(en->name));
                diag_emit(d);
                t = TYPE_ERROR;
                break;
            }
        }
        en->type = t;
    } else {
        t = sema_expr(s, ex);
    }
    n = sema_node(s, sid);
    if (t == TYPE_ERROR) return;
    if (!sema_is_error_type(s, t)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, ex)->span,
                                  "`raise` needs an error value, found `%s`", type_name(t));
        diag_label(d, "not derived from `Error`");
        diag_emit(d);
        return;
    }
    n->type = t;
    sema_error_escapes(s, t, n->span);
}

/* ==== with ================================================================ */

void sema_with(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeList items = n->list, body = n->list2;
    for (uint32_t i = 0; i < items.count; i++) {
        NodeId iid = ast_list_at(s->ast, items, i);
        Node *it = sema_node(s, iid);
        NodeId ctx = it->a, target = it->b;
        TypeId t = sema_expr(s, ctx);
        TypeId bound = TYPE_ERROR, raises = 0;
        TypeId aenter = t != TYPE_ERROR && (n->flags & NF_ASYNC) ? sema_async_enter_type(s, t) : 0;
        bool sync_ctx = t != TYPE_ERROR && type_get(t)->kind == TY_CLASS &&
                        (sema_class(s, type_get(t)->sym)->flags & CLS_CONTEXT);
        if (aenter) {
            bound = aenter; /* `async with obj as v`: v = await obj.__aenter__() */
        } else if (t != TYPE_ERROR && (n->flags & NF_ASYNC) && !sync_ctx) {
            TypeKind k = type_get(t)->kind;
            if (k == TY_TASK_SCOPE || k == TY_TASK_GROUP) {
                bound = t; /* `async with task.scope() as scope` */
            } else if (k == TY_TIMEOUT) {
                /* `async with task.timeout(s)`: raises TimeoutError at the
                 * `async with` when it expires; the item's type is that
                 * error's class (MIR raises it) */
                TypeId te = sema_sym(s, symmap_get(&s->builtins, intern_cstr("TimeoutError")))->type;
                sema_error_escapes(s, te, it->span);
                raises = te;
                bound = TYPE_NONE;
                if (target) {
                    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, target)->span,
                                              "`async with` on a timeout binds no value");
                    diag_label(d, "nothing to bind");
                    diag_help(d, "remove `as ...`");
                    diag_emit(d);
                    target = 0;
                }
            } else {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, ctx)->span,
                                          "`%s` cannot be used in `async with`", type_name(t));
                diag_label(d, "no `__aenter__` and `__aexit__` (nor `__enter__` and `__exit__`)");
                diag_help(d, "`async with` takes `task.scope()`, `task.TaskGroup()`, `task.timeout(s)`, "
                             "`task.deadline(t)` or an object of a class with `async def __aenter__` and `__aexit__`");
                diag_emit(d);
            }
        } else if (t != TYPE_ERROR) {
            const ClassInfo *ci = type_get(t)->kind == TY_CLASS ? sema_class(s, type_get(t)->sym) : NULL;
            if (!ci || !(ci->flags & CLS_CONTEXT)) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, ctx)->span,
                                          "`%s` cannot be used in `with`", type_name(t));
                diag_label(d, "it has no `__enter__` and `__exit__` methods");
                diag_emit(d);
            } else {
                const ClassMethod *m = sema_class_method(s, type_get(t)->sym, s->n.enter);
                bound = sema_member_type(s, t, s->prog->funcs.items[m->func].ret);
            }
        }
        sema_node(s, iid)->type = raises ? raises : bound;
        if (target) sema_assign_target(s, target, ctx, bound);
        if (bound != TYPE_ERROR && (type_get(bound)->kind == TY_TASK_SCOPE || type_get(bound)->kind == TY_TASK_GROUP))
            sema_async_with_enter(s, target);
    }
    sema_block(s, body);
    /* async items: their type becomes the error their exit raises (MIR) */
    for (uint32_t i = items.count; (n->flags & NF_ASYNC) && i-- > 0;) {
        Node *it = sema_node(s, ast_list_at(s->ast, items, i));
        TypeId b = it->type;
        if (b && b != TYPE_ERROR && (type_get(b)->kind == TY_TASK_SCOPE || type_get(b)->kind == TY_TASK_GROUP))
            sema_node(s, ast_list_at(s->ast, items, i))->type = sema_async_with_leave(s, b, it->span);
    }
}

/* ==== match =============================================================== */

/* Coverage facts for exhaustiveness: what the unguarded cases cover. */
typedef struct Cover {
    bool all;            /* an irrefutable case */
    bool t, f;           /* bool literals */
    bool none, some;     /* Option: None / any present value */
    bool ok, err;        /* Result: Ok(_) / Err(_) */
    VEC(StrId) members;  /* Enum members */
} Cover;

static bool sema_irrefutable(const Sema *s, NodeId pat, TypeId t);

static bool sema_class_pat_total(const Sema *s, const Node *p, TypeId t) {
    TypeId pt = p->type;
    if (!pt || pt == TYPE_ERROR) return false;
    if (type_get(pt)->kind != TY_CLASS || type_get(t)->kind != TY_CLASS) return false;
    if (!sema_class_derives(s, type_get(t)->sym, type_get(pt)->sym)) return false;
    for (uint32_t i = 0; i < p->list.count; i++) {
        NodeId sp = ast_list_at(s->ast, p->list, i);
        if (!sema_irrefutable(s, sp, sema_node(s, sp)->type)) return false;
    }
    for (uint32_t i = 0; i < p->list2.count; i++) {
        NodeId kp = ast_list_at(s->ast, p->list2, i);
        NodeId sp = sema_node(s, kp)->a;
        if (!sema_irrefutable(s, sp, sema_node(s, sp)->type)) return false;
    }
    return true;
}

static bool sema_irrefutable(const Sema *s, NodeId pat, TypeId t) {
    const Node *p = sema_node(s, pat);
    switch ((NodeKind)p->kind) {
    case N_PAT_WILDCARD:
    case N_PAT_CAPTURE: return true;
    case N_PAT_AS: return sema_irrefutable(s, p->a, t);
    case N_PAT_OR:
        for (uint32_t i = 0; i < p->list.count; i++)
            if (sema_irrefutable(s, ast_list_at(s->ast, p->list, i), t)) return true;
        return false;
    case N_PAT_SEQUENCE: {
        const Type *ty = type_get(t);
        if (ty->kind != TY_TUPLE || ty->nargs != p->list.count) return false;
        for (uint32_t i = 0; i < p->list.count; i++)
            if (!sema_irrefutable(s, ast_list_at(s->ast, p->list, i), type_get(t)->args[i])) return false;
        return true;
    }
    case N_PAT_CLASS: return sema_class_pat_total(s, p, t);
    default: return false;
    }
}

static void sema_cover(const Sema *s, NodeId pat, TypeId t, Cover *c) {
    const Node *p = sema_node(s, pat);
    if (sema_irrefutable(s, pat, t)) {
        c->all = true;
        return;
    }
    const Type *ty = type_get(t);
    switch ((NodeKind)p->kind) {
    case N_PAT_OR:
        for (uint32_t i = 0; i < p->list.count; i++) sema_cover(s, ast_list_at(s->ast, p->list, i), t, c);
        return;
    case N_PAT_AS: sema_cover(s, p->a, t, c); return;
    case N_PAT_VALUE: {
        const Node *v = sema_node(s, p->a);
        if (v->kind == N_BOOL) {
            if (v->v.bval) c->t = true;
            else c->f = true;
        } else if (v->kind == N_NONE) {
            c->none = true;
        } else if (v->kind == N_ATTR && ty->kind == TY_CLASS) {
            vec_push(&c->members, v->name);
        } else if (v->kind == N_ATTR && ty->kind == TY_OPTION) {
            vec_push(&c->members, v->name);
        }
        return;
    }
    case N_PAT_CLASS: {
        const Node *cn = sema_node(s, p->a);
        if (ty->kind == TY_RESULT && cn->kind == N_NAME && p->list.count == 1) {
            NodeId sp = ast_list_at(s->ast, p->list, 0);
            bool is_ok = !strcmp(str_text(cn->name), "Ok");
            if (sema_irrefutable(s, sp, type_get(t)->args[is_ok ? 0 : 1])) {
                if (is_ok) c->ok = true;
                else c->err = true;
            }
        } else if (ty->kind == TY_OPTION && sema_class_pat_total(s, p, ty->args[0])) {
            c->some = true;
        }
        return;
    }
    default: return;
    }
}

static const char *sema_missing_case(const Sema *s, TypeId t, Cover *c, char *buf, size_t cap) {
    if (c->all) return NULL;
    const Type *ty = type_get(t);
    if (t == TYPE_BOOL) {
        if (c->t && c->f) return NULL;
        return c->t ? "False" : "True";
    }
    if (ty->kind == TY_RESULT) {
        if (c->ok && c->err) return NULL;
        return c->ok ? "Err(_)" : "Ok(_)";
    }
    if (ty->kind == TY_OPTION) {
        TypeId inner = ty->args[0];
        bool inner_done = c->some;
        if (!inner_done) {
            if (inner == TYPE_BOOL) inner_done = c->t && c->f;
            else if (type_get(inner)->kind == TY_CLASS) {
                const ClassInfo *ci = sema_class(s, type_get(inner)->sym);
                if (ci && (ci->flags & CLS_ENUM) && ci->members.len) {
                    inner_done = true;
                    for (uint32_t i = 0; i < ci->members.len && inner_done; i++) {
                        bool hit = false;
                        for (uint32_t j = 0; j < c->members.len; j++)
                            if (c->members.items[j] == ci->members.items[i].name) hit = true;
                        if (!hit) inner_done = false;
                    }
                }
            }
        }
        if (!c->none) return "None";
        if (!inner_done) return "x";
        return NULL;
    }
    if (ty->kind == TY_CLASS) {
        const ClassInfo *ci = sema_class(s, ty->sym);
        if (ci && (ci->flags & CLS_ENUM) && ci->members.len) {
            for (uint32_t i = 0; i < ci->members.len; i++) {
                bool hit = false;
                for (uint32_t j = 0; j < c->members.len; j++)
                    if (c->members.items[j] == ci->members.items[i].name) hit = true;
                if (!hit) {
                    snprintf(buf, cap, "%s.%s", str_text(ci->name), str_text(ci->members.items[i].name));
                    return buf;
                }
            }
            return NULL;
        }
    }
    return "_";
}

static void sema_pattern(Sema *s, NodeId pat, TypeId t);

static void sema_pat_mismatch(Sema *s, NodeId pat, TypeId t, const char *what) {
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, pat)->span,
                              "this pattern can never match a value of type `%s`", type_name(t));
    diag_label(d, "%s", what);
    diag_emit(d);
}

static void sema_pat_class(Sema *s, NodeId pat, TypeId t) {
    Node *p = sema_node(s, pat);
    Node *cn = sema_node(s, p->a);
    NodeList pos = p->list, kws = p->list2;
    if (cn->kind != N_NAME) {
        sema_unsupported(s, cn->span, "a dotted class pattern");
        return;
    }
    const char *cname = str_text(cn->name);
    const Type *ty = type_get(t);
    /* Ok(v) / Err(e) on a Result */
    if (!strcmp(cname, "Ok") || !strcmp(cname, "Err")) {
        bool is_ok = cname[0] == 'O';
        if (t != TYPE_ERROR && ty->kind != TY_RESULT) {
            sema_pat_mismatch(s, pat, t, "`Ok(...)`/`Err(...)` match a `Result`");
            t = TYPE_ERROR;
        }
        if (pos.count != 1 || kws.count) {
            sema_error(s, CODE_TYPE_ARITY, p->span, "`%s(...)` takes one pattern", cname);
            return;
        }
        TypeId inner = t == TYPE_ERROR ? TYPE_ERROR : type_get(t)->args[is_ok ? 0 : 1];
        cn->type = inner;
        p->type = t;
        sema_pattern(s, ast_list_at(s->ast, pos, 0), inner);
        return;
    }
    SymId id = sema_lookup_name(s, cn->name);
    if (!id || sema_sym(s, id)->kind != SYM_CLASS) {
        if (!id) {
            Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, cn->span, "unknown name `%s`", cname);
            diag_label(d, "not found in this scope");
            diag_emit(d);
        } else if (sema_sym(s, id)->kind != SYM_MODULE) {
            sema_error(s, CODE_TYPE_MISMATCH, cn->span, "`%s` is not a class", cname);
        }
        return;
    }
    cn->sym = id;
    ClassInfo *ci = sema_class(s, id);
    if (!ci) return;
    TypeId inner = ty->kind == TY_OPTION ? ty->args[0] : t;
    TypeId pt = ci->type;
    if (ci->tparams.len) {
        if (type_get(inner)->kind == TY_CLASS && type_get(inner)->sym == id) pt = inner;
        else {
            sema_unsupported(s, cn->span, "a generic class pattern against another type");
            return;
        }
    }
    if (t != TYPE_ERROR && !sema_assignable(inner, pt) && !sema_assignable(pt, inner)) {
        sema_pat_mismatch(s, pat, t, "unrelated class");
        return;
    }
    cn->type = pt;
    p->type = pt;
    uint32_t cix = sema_sym(s, id)->index;
    if (pos.count > s->prog->classes.items[cix].fields.len) {
        sema_error(s, CODE_TYPE_ARITY, p->span, "`%s` has %u fields, the pattern gives %u", cname,
                   s->prog->classes.items[cix].fields.len, pos.count);
        return;
    }
    for (uint32_t i = 0; i < pos.count; i++) {
        TypeId ft = sema_member_type(s, pt, s->prog->classes.items[cix].fields.items[i].type);
        sema_pattern(s, ast_list_at(s->ast, pos, i), ft);
    }
    for (uint32_t i = 0; i < kws.count; i++) {
        NodeId kid = ast_list_at(s->ast, kws, i);
        Node *k = sema_node(s, kid);
        const ClassField *f = sema_class_field(s, id, k->name);
        NodeId sub = k->a;
        if (!f) {
            sema_unknown_attr(s, kid, pt, k->name, NULL, 0);
            continue;
        }
        TypeId ft = sema_member_type(s, pt, f->type);
        sema_node(s, kid)->type = ft;
        sema_pattern(s, sub, ft);
    }
}

static void sema_pattern(Sema *s, NodeId pat, TypeId t) {
    Node *p = sema_node(s, pat);
    p->type = t;
    switch ((NodeKind)p->kind) {
    case N_POISON:
    case N_PAT_WILDCARD: return;
    case N_PAT_CAPTURE:
        if (s->fn >= 0) {
            SymId id = sema_new_local(s, p->name, t, pat);
            sema_scope_bind(s, p->name, id);
            p->sym = id;
        }
        return;
    case N_PAT_AS: {
        NodeId sub = p->a;
        StrId name = p->name;
        sema_pattern(s, sub, t);
        /* the name has the type its sub-pattern proves: `case C() as c` on
         * an Option or a base class gives a C, `case 5 as v` an int */
        TypeId bt = t, inner = type_get(t)->kind == TY_OPTION ? type_get(t)->args[0] : t;
        const Node *sn = sema_node(s, sub);
        if (sn->kind == N_PAT_CLASS && sn->type && sn->type != TYPE_ERROR && type_get(sn->type)->kind == TY_CLASS &&
            type_get(inner)->kind == TY_CLASS &&
            sema_class_derives(s, type_get(sn->type)->sym, type_get(inner)->sym))
            bt = sn->type;
        else if (inner != t && sn->kind == N_PAT_VALUE && sema_node(s, sn->a)->kind != N_NONE)
            bt = inner;
        if (name && s->fn >= 0) {
            SymId id = sema_new_local(s, name, bt, pat);
            sema_scope_bind(s, name, id);
            sema_node(s, pat)->sym = id;
        }
        return;
    }
    case N_PAT_OR: {
        NodeList alts = p->list;
        for (uint32_t i = 0; i < alts.count; i++) {
            NodeId a = ast_list_at(s->ast, alts, i);
            NodeKind k = (NodeKind)sema_node(s, a)->kind;
            if (k == N_PAT_CAPTURE || k == N_PAT_AS) {
                sema_unsupported(s, sema_node(s, a)->span, "a capture inside an `|` pattern");
                continue;
            }
            sema_pattern(s, a, t);
        }
        return;
    }
    case N_PAT_VALUE: {
        NodeId v = p->a;
        TypeId hint = type_get(t)->kind == TY_OPTION ? type_get(t)->args[0] : t;
        TypeId vt = sema_expr_hint(s, v, hint);
        if (vt == TYPE_ERROR || t == TYPE_ERROR) return;
        bool ok = sema_assignable(t, vt) || (type_is_numeric(t) && type_is_numeric(vt));
        if (!ok) {
            char what[128];
            snprintf(what, sizeof what, "a `%s` value", type_name(vt));
            sema_pat_mismatch(s, pat, t, what);
        }
        return;
    }
    case N_PAT_SEQUENCE: {
        NodeList el = p->list;
        const Type *ty = type_get(t);
        if (t == TYPE_ERROR) {
            for (uint32_t i = 0; i < el.count; i++) sema_pattern(s, ast_list_at(s->ast, el, i), TYPE_ERROR);
            return;
        }
        for (uint32_t i = 0; i < el.count; i++)
            if (sema_node(s, ast_list_at(s->ast, el, i))->kind == N_PAT_STAR) {
                sema_unsupported(s, sema_node(s, ast_list_at(s->ast, el, i))->span, "a `*` pattern");
                return;
            }
        if (ty->kind == TY_TUPLE) {
            if (ty->nargs != el.count) {
                sema_pat_mismatch(s, pat, t, "wrong number of elements");
                return;
            }
            for (uint32_t i = 0; i < el.count; i++)
                sema_pattern(s, ast_list_at(s->ast, el, i), type_get(t)->args[i]);
            return;
        }
        if (ty->kind == TY_LIST) {
            for (uint32_t i = 0; i < el.count; i++) sema_pattern(s, ast_list_at(s->ast, el, i), type_get(t)->args[0]);
            return;
        }
        sema_pat_mismatch(s, pat, t, "a sequence pattern");
        return;
    }
    case N_PAT_CLASS: sema_pat_class(s, pat, t); return;
    case N_PAT_MAPPING:
    case N_PAT_STAR:
    default: sema_unsupported(s, p->span, "this kind of pattern"); return;
    }
}

void sema_match(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    NodeId subject = n->a;
    NodeList cases = n->list;
    TypeId st = sema_expr(s, subject);
    TypeId pat_t = st; /* after an unguarded `case None:`, the present value */
    Cover cov = {0};
    for (uint32_t i = 0; i < cases.count; i++) {
        NodeId cid = ast_list_at(s->ast, cases, i);
        Node *c = sema_node(s, cid);
        NodeId pat = c->a, guard = c->b;
        NodeList body = c->list;
        uint32_t mark = sema_scope_mark(s);
        uint32_t nmark = s->narrows.len;
        sema_pattern(s, pat, pat_t);
        if (!guard && pat_t == st && type_get(st)->kind == TY_OPTION && sema_node(s, pat)->kind == N_PAT_VALUE &&
            sema_node(s, sema_node(s, pat)->a)->kind == N_NONE)
            pat_t = type_get(st)->args[0];
        if (guard) {
            sema_cond(s, guard, "a `case` guard");
            sema_narrow_cond(s, guard, true);
        }
        sema_block(s, body);
        s->narrows.len = nmark;
        sema_scope_restore(s, mark);
        if (!guard && st != TYPE_ERROR) sema_cover(s, pat, st, &cov);
        sema_node(s, cid)->type = st;
    }
    if (st == TYPE_ERROR) {
        vec_free(&cov.members);
        return;
    }
    char buf[160];
    const char *missing = sema_missing_case(s, st, &cov, buf, sizeof buf);
    vec_free(&cov.members);
    if (missing) missing = sema_match_missing(s, sid, st, buf, sizeof buf); /* through nested patterns */
    if (!missing) return;
    n = sema_node(s, sid);
    Diagnostic *d = sema_diag(s, CODE_MATCH_NONEXHAUSTIVE, span_make(s->file, n->span.lo, n->span.lo + 5),
                              "`match` does not cover every `%s`: %s%s%s is not handled", type_name(st),
                              strcmp(missing, "x") ? "`" : "", strcmp(missing, "x") ? missing : "a present value",
                              strcmp(missing, "x") ? "`" : "");
    diag_label(d, "non-exhaustive `match`");
    if (!strcmp(missing, "_")) diag_help(d, "add `case _:`");
    else diag_help(d, "add `case %s:` (or `case _:`)", missing);
    diag_emit(d);
}
