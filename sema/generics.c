/* Generics: type parameters (SYM_TYPEVAR), unification of parameter types
 * against argument types for type-argument inference at call sites, and the
 * list of instantiations (Program.insts) the monomorphiser works from. */
#include "sema_internal.h"

uint32_t sema_declare_typevars(Sema *s, NodeList tparams, SymId *out, uint32_t max) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < tparams.count; i++) {
        NodeId pid = ast_list_at(s->ast, tparams, i);
        Node *p = sema_node(s, pid);
        if (p->kind != N_TYPE_PARAM || !p->name) continue;
        if (p->a) sema_unsupported(s, sema_node(s, p->a)->span, "a bound on a type parameter");
        SymId id = sema_new_sym(s, SYM_TYPEVAR, p->name, 0, pid);
        sema_sym(s, id)->type = type_typevar(id);
        sema_sym(s, id)->index = i;
        p->sym = id;
        p->type = sema_sym(s, id)->type;
        symmap_put(&s->typevars, p->name, id);
        if (n < max) out[n++] = id;
    }
    return n;
}

static int sema_tv_index(TypeId t, const SymId *params, uint32_t n) {
    const Type *ty = type_get(t);
    if (ty->kind != TY_TYPEVAR) return -1;
    for (uint32_t i = 0; i < n; i++)
        if (params[i] == ty->sym) return (int)i;
    return -1;
}

bool sema_unify(const Sema *s, TypeId param, TypeId arg, const SymId *params, TypeId *binds, uint32_t n) {
    if (!param || !arg || arg == TYPE_ERROR || arg == TYPE_NEVER || param == TYPE_ERROR) return true;
    int i = sema_tv_index(param, params, n);
    if (i >= 0) {
        if (!binds[i]) {
            binds[i] = arg;
            return true;
        }
        if (sema_assignable(binds[i], arg)) return true;
        if (sema_assignable(arg, binds[i])) {
            binds[i] = arg; /* widen: int then float binds float */
            return true;
        }
        /* None after T (or T after None) binds T | None */
        if (arg == TYPE_NONE && type_get(binds[i])->kind != TY_OPTION) {
            binds[i] = type_option(binds[i]);
            return true;
        }
        return false;
    }
    if (!type_has_typevar(param)) return true; /* assignability is checked by the caller */
    const Type *p = type_get(param);
    const Type *a = type_get(arg);
    if (p->kind == TY_OPTION) {
        if (arg == TYPE_NONE) return true;
        TypeId inner = p->args[0];
        if (a->kind == TY_OPTION) return sema_unify(s, inner, a->args[0], params, binds, n);
        return sema_unify(s, inner, arg, params, binds, n);
    }
    if (p->kind != a->kind || p->nargs != a->nargs) {
        /* a derived class against a generic base is not inferred through */
        return false;
    }
    if (p->kind == TY_CLASS && p->sym != a->sym) return false;
    uint32_t na = p->nargs;
    for (uint32_t k = 0; k < na; k++) {
        TypeId pk = type_get(param)->args[k], ak = type_get(arg)->args[k];
        if (!sema_unify(s, pk, ak, params, binds, n)) return false;
    }
    if (type_get(param)->kind == TY_FUNC)
        return sema_unify(s, type_get(param)->ret, type_get(arg)->ret, params, binds, n);
    return true;
}

void sema_record_inst(Sema *s, bool is_class, uint32_t index, const TypeId *targs, uint32_t n) {
    if (!n) return;
    /* instantiations that still mention type variables happen inside a
     * generic body: they follow from the instantiations of that body */
    for (uint32_t i = 0; i < n; i++)
        if (!targs[i] || targs[i] == TYPE_ERROR || type_has_typevar(targs[i])) return;
    TypeId tup = type_tuple(targs, n);
    Program *p = s->prog;
    for (uint32_t i = 0; i < p->insts.len; i++) {
        SemaInst *in = &p->insts.items[i];
        if (in->is_class == is_class && in->index == index && in->targs == tup) return;
    }
    SemaInst in = {.is_class = is_class, .index = index, .targs = tup};
    vec_push(&p->insts, in);
}

/* `Box[int](3)`: a generic class called with explicit type arguments. The
 * arguments fix the instance; the constructor's arguments are checked
 * against it. Returns 0 when `call` is not of that form. */
TypeId sema_call_explicit(Sema *s, NodeId call, TypeId hint) {
    (void)hint;
    NodeId callee = sema_node(s, call)->a;
    Node *c = sema_node(s, callee);
    if (c->kind != N_SUBSCRIPT) return 0;
    Node *base = sema_node(s, c->a);
    if (base->kind != N_NAME) return 0;
    SymId id = sema_lookup_name(s, base->name);
    if (!id || sema_sym(s, id)->kind != SYM_CLASS) return 0;
    const ClassInfo *ci = sema_class(s, id);
    if (!ci || !ci->tparams.len) return 0;
    base->sym = id;
    TypeId want = sema_annotation(s, callee);
    if (want == TYPE_ERROR || type_get(want)->kind != TY_CLASS) {
        sema_node(s, callee)->type = TYPE_ERROR;
        sema_args_quiet(s, call);
        return TYPE_ERROR;
    }
    TypeId got = sema_construct(s, call, id, want);
    if (got != TYPE_ERROR && got != want) {
        /* an argument widened a type argument (int given float): the
         * explicit arguments win, so that is a mismatch */
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                  "the arguments make this a `%s`, not the `%s` it names", type_name(got),
                                  type_name(want));
        diag_label(d, "arguments of another type");
        diag_emit(d);
        return TYPE_ERROR;
    }
    return got;
}
