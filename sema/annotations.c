/* Type annotations: builtin types, collections, `T | None`/Option,
 * Result, Callable, tuples, classes (generic ones with arguments), type
 * variables in scope and `type` aliases (generic ones expanded at each use).
 * Every annotation node gets the type it denotes in Node.type. */
#include "sema_internal.h"

static TypeId sema_ann(Sema *s, NodeId ann);

/* The arguments of `X[...]`: one node, or the elements of a tuple. */
static uint32_t sema_ann_args(const Sema *s, NodeId index, NodeId *out, uint32_t max) {
    Node *ix = sema_node(s, index);
    if (ix->kind == N_TUPLE && !(ix->flags & NF_PAREN)) {
        uint32_t n = ix->list.count < max ? ix->list.count : max;
        for (uint32_t i = 0; i < n; i++) out[i] = ast_list_at(s->ast, ix->list, i);
        return ix->list.count;
    }
    out[0] = index;
    return 1;
}

static TypeId sema_ann_arity(Sema *s, NodeId ann, const char *what, uint32_t want, uint32_t got) {
    Diagnostic *d = sema_diag(s, CODE_TYPE_UNKNOWN, sema_node(s, ann)->span,
                              "`%s` takes %u type argument%s, %u given", what, want, want == 1 ? "" : "s", got);
    diag_label(d, "wrong number of type arguments");
    diag_emit(d);
    return TYPE_ERROR;
}

/* Resolve a `type` alias on first use (aliases may be declared in any order). */
static TypeId sema_alias_type(Sema *s, SymId id) {
    Symbol *sym = sema_sym(s, id);
    if (sym->type) return sym->type;
    NodeId decl = sym->decl;
    Node *d = sema_node(s, decl);
    sym->type = TYPE_ERROR; /* a cycle resolves to poison */
    SymMap saved = s->typevars;
    memset(&s->typevars, 0, sizeof s->typevars);
    SymId tps[16];
    sema_declare_typevars(s, d->list4, tps, 16);
    TypeId t = sema_ann(s, sema_node(s, decl)->a);
    symmap_free(&s->typevars);
    s->typevars = saved;
    sema_sym(s, id)->type = t;
    sema_node(s, decl)->type = t;
    return t;
}

static TypeId sema_ann_name(Sema *s, NodeId ann) {
    Node *n = sema_node(s, ann);
    StrId name = n->name;
    if (name == s->n.t_int) return TYPE_INT;
    if (name == s->n.t_float) return TYPE_FLOAT;
    if (name == s->n.t_bool) return TYPE_BOOL;
    if (name == s->n.t_str) return TYPE_STR;
    if (name == s->n.t_bytes) return TYPE_BYTES;
    if (name == s->n.never) return TYPE_NEVER;
    SymId tv = symmap_get(&s->typevars, name);
    if (tv) {
        n->sym = tv;
        return sema_sym(s, tv)->type;
    }
    SymId id = symmap_get(&s->module, name);
    if (!id) id = symmap_get(&s->builtins, name);
    if (id) {
        Symbol *sym = sema_sym(s, id);
        n->sym = id;
        if (sym->kind == SYM_MODULE) return TYPE_ERROR; /* poisoned import: already reported */
        if (sym->kind == SYM_BUILTIN && sym->index == BI_TASK_GROUP) return type_task_group(); /* from sifr.task */
        if (sym->kind == SYM_BUILTIN && sym->index == BI_TASK_CONTEXT) return type_context();
        /* Semaphore, Notify, SemaphorePermit; Lock[T] and the other generic
         * ones of sifr.sync need their type argument, as generic classes do */
        SyncKind sk = sym->kind == SYM_BUILTIN ? sema_sync_builtin_kind((BuiltinId)sym->index) : SK_NONE;
        if (sk && !sync_kind_generic(sk)) return type_sync(sk, 0);
        if (sym->kind == SYM_CLASS && sym->type == TYPE_ERROR) return TYPE_ERROR;
        ClassInfo *ci = sym->kind == SYM_CLASS ? sema_class(s, id) : NULL;
        if (sk || (ci && ci->tparams.len)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_UNKNOWN, n->span, "the generic %s `%s` needs type arguments",
                                      sk ? "type" : "class", str_text(name));
            diag_label(d, "write e.g. `%s[int]`", str_text(name));
            diag_emit(d);
            return TYPE_ERROR;
        }
        if (sym->kind == SYM_CLASS) return sym->type;
        if (sym->kind == SYM_ALIAS) {
            if (sema_node(s, sym->decl)->list4.count) {
                sema_error(s, CODE_TYPE_UNKNOWN, n->span, "the generic alias `%s` needs type arguments",
                           str_text(name));
                return TYPE_ERROR;
            }
            return sema_alias_type(s, id);
        }
    }
    if (name == s->n.list || name == s->n.dict || name == s->n.set || name == s->n.tuple ||
        name == s->n.option || name == s->n.result || name == s->n.callable) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_UNKNOWN, n->span, "`%s` needs type arguments", str_text(name));
        diag_label(d, "e.g. `%s`",
                   name == s->n.dict      ? "dict[str, int]"
                   : name == s->n.result  ? "Result[int, ValueError]"
                   : name == s->n.callable ? "Callable[[int], str]"
                   : name == s->n.tuple   ? "tuple[int, str]"
                   : name == s->n.option  ? "Option[int]"
                   : name == s->n.set     ? "set[int]"
                                          : "list[int]");
        diag_emit(d);
        return TYPE_ERROR;
    }
    if (sema_is_known_unsupported(name)) {
        char what[96];
        snprintf(what, sizeof what, "the type `%s`", str_text(name));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    Diagnostic *d;
    if (id) {
        d = sema_diag(s, CODE_TYPE_UNKNOWN, n->span, "`%s` is not a type", str_text(name));
        diag_label(d, "not a type");
    } else {
        d = sema_diag(s, CODE_TYPE_UNKNOWN, n->span, "unknown type `%s`", str_text(name));
        diag_label(d, "not a known type");
        StrId sug = sema_suggest(s, name, true);
        if (sug) diag_help(d, "did you mean `%s`?", str_text(sug));
    }
    diag_emit(d);
    return TYPE_ERROR;
}

static TypeId sema_ann_subscript(Sema *s, NodeId ann) {
    Node *n = sema_node(s, ann);
    Node *base = sema_node(s, n->a);
    NodeId index = n->b;
    if (base->kind == N_ATTR || base->kind != N_NAME) {
        if (base->kind == N_ATTR && sema_node(s, base->a)->kind == N_NAME) {
            SymId id = symmap_get(&s->module, sema_node(s, base->a)->name);
            if (id && sema_sym(s, id)->kind == SYM_MODULE) return TYPE_ERROR;
        }
        sema_unsupported(s, n->span, "this generic type");
        return TYPE_ERROR;
    }
    StrId name = base->name;
    NodeId argn[16];
    uint32_t na = sema_ann_args(s, index, argn, 16);
    if (na > 16) {
        sema_unsupported(s, n->span, "more than 16 type arguments");
        return TYPE_ERROR;
    }
    /* Callable[[A, B], R] */
    if (name == s->n.callable) {
        if (na != 2 || sema_node(s, argn[0])->kind != N_LIST) {
            sema_error(s, CODE_TYPE_UNKNOWN, n->span, "write a function type as `Callable[[A, B], R]`");
            return TYPE_ERROR;
        }
        NodeList ps = sema_node(s, argn[0])->list;
        TypeId pts[64];
        bool bad = false;
        for (uint32_t i = 0; i < ps.count && i < 64; i++) {
            pts[i] = sema_ann(s, ast_list_at(s->ast, ps, i));
            if (pts[i] == TYPE_ERROR) bad = true;
        }
        sema_node(s, argn[0])->type = TYPE_NONE;
        TypeId r = sema_ann(s, argn[1]);
        if (bad || r == TYPE_ERROR || ps.count > 64) return TYPE_ERROR;
        return type_func(pts, ps.count, r);
    }
    TypeId ts[16];
    bool bad = false;
    bool empty_tuple = false;
    if (name == s->n.tuple && na == 1 && sema_node(s, argn[0])->kind == N_TUPLE &&
        sema_node(s, argn[0])->list.count == 0) {
        empty_tuple = true; /* tuple[()] */
        sema_node(s, argn[0])->type = TYPE_NONE;
    }
    for (uint32_t i = 0; i < na && !empty_tuple; i++) {
        if (sema_node(s, argn[i])->kind == N_ELLIPSIS) {
            sema_unsupported(s, sema_node(s, argn[i])->span, "a variable-length tuple type");
            return TYPE_ERROR;
        }
        ts[i] = sema_ann(s, argn[i]);
        if (ts[i] == TYPE_ERROR) bad = true;
    }
    if (sema_node(s, index)->kind == N_TUPLE && !sema_node(s, index)->type) sema_node(s, index)->type = TYPE_NONE;
    if (bad) return TYPE_ERROR;
    if (name == s->n.list || name == s->n.set || name == s->n.option) {
        if (na != 1) return sema_ann_arity(s, ann, str_text(name), 1, na);
        return name == s->n.list ? type_list(ts[0]) : name == s->n.set ? type_set(ts[0]) : type_option(ts[0]);
    }
    if (name == s->n.dict || name == s->n.result) {
        if (na != 2) return sema_ann_arity(s, ann, str_text(name), 2, na);
        if (name == s->n.result && !sema_is_error_type(s, ts[1]) && !type_has_typevar(ts[1])) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, argn[1])->span,
                                      "the error type of a `Result` must be an error class, found `%s`",
                                      type_name(ts[1]));
            diag_label(d, "not derived from `Error`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        return name == s->n.dict ? type_dict(ts[0], ts[1]) : type_result(ts[0], ts[1]);
    }
    if (name == s->n.tuple) return type_tuple(ts, empty_tuple ? 0 : na);
    if (!strcmp(str_text(name), "TaskHandle") && !symmap_get(&s->module, name)) {
        /* TaskHandle[T] or TaskHandle[T, E]: the handle of a task returning
         * T, or Result[T, E] (E None: T) */
        if (na != 1 && na != 2) return sema_ann_arity(s, ann, "TaskHandle", 2, na);
        if (na == 1 || ts[1] == TYPE_NONE) return type_task_handle(ts[0]);
        if (!sema_is_error_type(s, ts[1])) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, argn[1])->span,
                                      "the error type of a `TaskHandle` must be an error class or None, found `%s`",
                                      type_name(ts[1]));
            diag_label(d, "not derived from `Error`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        return type_task_handle(type_result(ts[0], ts[1]));
    }
    SymId id = symmap_get(&s->module, name);
    if (!id) id = symmap_get(&s->builtins, name);
    if (id && sema_sym(s, id)->kind == SYM_BUILTIN && sema_sym(s, id)->index == BI_TASK_CONTEXT_KEY) {
        base->sym = id; /* ContextKey[T], from sifr.task */
        if (na != 1) return sema_ann_arity(s, ann, "ContextKey", 1, na);
        return type_context_key(ts[0]);
    }
    SyncKind sk = id && sema_sym(s, id)->kind == SYM_BUILTIN ? sema_sync_builtin_kind((BuiltinId)sema_sym(s, id)->index)
                                                               : SK_NONE;
    if (sk) { /* Lock[T], ChannelSender[T], ... from sifr.sync */
        base->sym = id;
        uint32_t want = sync_kind_generic(sk) ? 1 : 0;
        if (na != want) return sema_ann_arity(s, ann, sync_kind_name(sk), want, na);
        return type_sync(sk, want ? ts[0] : 0);
    }
    if (id) {
        Symbol *sym = sema_sym(s, id);
        base->sym = id;
        if (sym->kind == SYM_MODULE || sym->type == TYPE_ERROR) return TYPE_ERROR;
        if (sym->kind == SYM_CLASS) {
            ClassInfo *ci = sema_class(s, id);
            if (!ci->tparams.len) {
                sema_error(s, CODE_TYPE_UNKNOWN, n->span, "`%s` is not generic", str_text(name));
                return TYPE_ERROR;
            }
            if (ci->tparams.len != na) return sema_ann_arity(s, ann, str_text(name), ci->tparams.len, na);
            sema_record_inst(s, true, sym->index, ts, na);
            return type_class(id, ts, na);
        }
        if (sym->kind == SYM_ALIAS) {
            TypeId t = sema_alias_type(s, id);
            Node *d = sema_node(s, sema_sym(s, id)->decl);
            if (d->list4.count != na) return sema_ann_arity(s, ann, str_text(name), d->list4.count, na);
            SymId tps[16];
            for (uint32_t i = 0; i < na; i++) tps[i] = sema_node(s, ast_list_at(s->ast, d->list4, i))->sym;
            return type_subst(t, tps, ts, na);
        }
    }
    if (sema_is_known_unsupported(name)) {
        char what[96];
        snprintf(what, sizeof what, "the type `%s[...]`", str_text(name));
        sema_unsupported(s, n->span, what);
        return TYPE_ERROR;
    }
    Diagnostic *d = sema_diag(s, CODE_TYPE_UNKNOWN, base->span, "unknown generic type `%s`", str_text(name));
    diag_label(d, "not a known type");
    diag_emit(d);
    return TYPE_ERROR;
}

static TypeId sema_ann_kind(Sema *s, NodeId ann) {
    Node *n = sema_node(s, ann);
    switch ((NodeKind)n->kind) {
    case N_POISON: return TYPE_ERROR;
    case N_NONE: return TYPE_NONE;
    case N_NAME: return sema_ann_name(s, ann);
    case N_SUBSCRIPT: return sema_ann_subscript(s, ann);
    case N_BINARY:
        if (n->op == TOK_PIPE) {
            NodeId l = n->a, r = n->b;
            TypeId a = sema_ann(s, l), b = sema_ann(s, r);
            if (a == TYPE_ERROR || b == TYPE_ERROR) return TYPE_ERROR;
            if (b == TYPE_NONE && a != TYPE_NONE) return type_get(a)->kind == TY_OPTION ? a : type_option(a);
            if (a == TYPE_NONE && b != TYPE_NONE) return type_get(b)->kind == TY_OPTION ? b : type_option(b);
            sema_unsupported(s, sema_node(s, ann)->span, "a union of types other than `T | None`");
            return TYPE_ERROR;
        }
        break;
    case N_ATTR: {
        Node *base = sema_node(s, n->a);
        if (base->kind == N_NAME) {
            SymId id = symmap_get(&s->module, base->name);
            if (id && sema_sym(s, id)->kind == SYM_MODULE) return TYPE_ERROR;
        }
        sema_unsupported(s, n->span, "a qualified type name");
        return TYPE_ERROR;
    }
    case N_STR: sema_unsupported(s, n->span, "a string annotation"); return TYPE_ERROR;
    default: break;
    }
    sema_error(s, CODE_TYPE_UNKNOWN, n->span, "this expression is not a type");
    return TYPE_ERROR;
}

static TypeId sema_ann(Sema *s, NodeId ann) {
    TypeId t = sema_ann_kind(s, ann);
    /* An annotation is not evaluated; its node carries the type it denotes
     * so that nothing reachable from a body is left untyped. */
    sema_node(s, ann)->type = t;
    return t;
}

TypeId sema_annotation(Sema *s, NodeId ann) {
    if (!ann) ICE("sema_annotation: missing annotation node");
    return sema_ann(s, ann);
}
