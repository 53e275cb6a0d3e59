/* Lowering of function values: lambdas with captures, named functions,
 * builtins of one argument (`key=len`) and bound/unbound methods used as
 * values, and calls through them.
 *
 * A function value is a closure (AGG_CLOSURE): code plus an environment
 * holding the captured values. Its code takes a pointer to the environment
 * tuple first, then the arguments. A lambda gets its own MirBody whose first
 * parameter `env` is that pointer (a MIRL_MUT_REF local of the tuple type),
 * so a captured name reads as the place (*env).i. Named functions and
 * methods keep their bodies: codegen puts an adapter in front of them
 * (callee.fn < Program.funcs.len, or an instance body of a generic one:
 * MirBody.targs set). Captures are taken by value when the
 * closure is made: copy types are copied, anything else is cloned, so a
 * closure owns its environment and may outlive the scope that made it;
 * for that reason a lambda mutating a capture, and a `mut self` method
 * taken from an object, are refused (they would change the copy). */
#include "mir_lower.h"

/* The bodies made while lowering (lambdas, builtin-method adapters); body
 * i of this list is MirProgram.bodies[funcs.len + i]. */
static VEC(MirBody *) fn_extra;

void mir_fn_take_bodies(MirProgram *out) {
    for (uint32_t i = 0; i < fn_extra.len; i++) {
        MirBody *b = fn_extra.items[i];
        if (!b) ICE("MIR: lambda body %u was never built", i);
        b->program = out;
        vec_push(&out->bodies, b);
    }
    vec_free(&fn_extra);
}

/* Reserve the index of a body made now (nested lambdas are made while
 * their parent is being lowered, so the slot is taken first). */
static uint32_t fn_reserve(const Lb *L) {
    vec_push(&fn_extra, NULL);
    return L->prog->funcs.len + fn_extra.len - 1;
}

static void fn_install(const Lb *L, uint32_t index, MirBody *b) {
    fn_extra.items[index - L->prog->funcs.len] = b;
}

/* ==== Captures ============================================================ */

typedef VEC(SymId) SymVec;

static bool fn_span_within(Span in, Span outer) {
    return in.file == outer.file && in.lo >= outer.lo && in.hi <= outer.hi;
}

static void fn_add_unique(SymVec *v, SymId s) {
    for (uint32_t i = 0; i < v->len; i++)
        if (v->items[i] == s) return;
    vec_push(v, s);
}

/* Walk the expression tree under `n`: names of the enclosing functions'
 * locals and parameters declared outside `scope` are captures; locals
 * declared inside (comprehension variables) belong to the lambda body. */
static void fn_scan(const Lb *L, NodeId n, Span scope, SymVec *caps, SymVec *inner) {
    if (!n) return;
    const Node *node = lb_node(L, n);
    if (node->kind == N_NAME && node->sym) {
        const Symbol *s = prog_sym(L->prog, node->sym);
        if (s->kind == SYM_LOCAL || s->kind == SYM_PARAM || s->kind == SYM_LAMBDA_PARAM) {
            bool inside = s->decl && fn_span_within(lb_node(L, s->decl)->span, scope);
            if (!inside) {
                if (s->type != TYPE_NONE) fn_add_unique(caps, node->sym);
            } else if (s->kind == SYM_LOCAL) {
                fn_add_unique(inner, node->sym);
            }
        }
    }
    fn_scan(L, node->a, scope, caps, inner);
    fn_scan(L, node->b, scope, caps, inner);
    fn_scan(L, node->c, scope, caps, inner);
    const NodeList *lists[4] = {&node->list, &node->list2, &node->list3, &node->list4};
    for (int k = 0; k < 4; k++)
        for (uint32_t i = 0; i < lists[k]->count; i++) fn_scan(L, ast_list_at(L->ast, *lists[k], i), scope, caps, inner);
}

/* Is `n` a name captured by the lambda being made (in `caps`)? */
static bool fn_is_capture(const Lb *L, NodeId n, const SymVec *caps) {
    const Node *node = lb_node(L, n);
    if (node->kind != N_NAME || !node->sym) return false;
    for (uint32_t i = 0; i < caps->len; i++)
        if (caps->items[i] == node->sym) return true;
    return false;
}

/* Does method `name` of a builtin collection change its receiver? */
static bool fn_mutating_builtin(TypeId t, StrId name) {
    static const char *const names[] = {"append", "extend", "insert", "pop", "remove", "clear", "sort",
                                        "reverse", "update", "add", "discard", "setdefault", "popitem"};
    uint32_t k = type_get(t)->kind;
    if (k != TY_LIST && k != TY_DICT && k != TY_SET) return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name == intern_cstr(names[i])) return true;
    return false;
}

/* A lambda body mutating one of its captures (`xs.append(x)`, a `mut self`
 * method, a `mut` argument) would change the closure's own copy, not the
 * variable the program sees: refuse it rather than diverge silently.
 * Returns false after a diagnostic. */
static bool fn_check_mutation(Lb *L, NodeId n, const SymVec *caps) {
    if (!n) return true;
    const Node *node = lb_node(L, n);
    if (node->kind == N_CALL) {
        const Node *callee = lb_node(L, node->a);
        bool mutates = false;
        if (callee->kind == N_ATTR && fn_is_capture(L, callee->a, caps)) {
            TypeId rt = lb_node(L, callee->a)->type;
            const ClassInfo *ci = lb_class(L, rt);
            int32_t fi = ci ? lb_method_func(ci, callee->name) : -1;
            if (fi >= 0) {
                NodeList ps = lb_node(L, L->prog->funcs.items[fi].def)->list;
                mutates = ps.count && (lb_node(L, ast_list_at(L->ast, ps, 0))->flags & NF_MUT);
            } else {
                mutates = fn_mutating_builtin(rt, callee->name);
            }
        } else if (callee->kind == N_NAME && callee->sym && prog_sym(L->prog, callee->sym)->kind == SYM_FUNC) {
            NodeList ps = lb_node(L, L->prog->funcs.items[prog_sym(L->prog, callee->sym)->index].def)->list;
            for (uint32_t i = 0; i < node->list.count && i < ps.count; i++) {
                NodeId an = ast_list_at(L->ast, node->list, i);
                if (lb_node(L, an)->kind == N_KEYWORD) break;
                const Node *p = lb_node(L, ast_list_at(L->ast, ps, i));
                if ((p->flags & NF_MUT) && fn_is_capture(L, an, caps)) mutates = true;
            }
        }
        if (mutates) {
            lb_unsupported(L, n, "mutating a captured variable inside a lambda");
            return false;
        }
    }
    if (!fn_check_mutation(L, node->a, caps) || !fn_check_mutation(L, node->b, caps) ||
        !fn_check_mutation(L, node->c, caps))
        return false;
    const NodeList *lists[4] = {&node->list, &node->list2, &node->list3, &node->list4};
    for (int k = 0; k < 4; k++)
        for (uint32_t i = 0; i < lists[k]->count; i++)
            if (!fn_check_mutation(L, ast_list_at(L->ast, *lists[k], i), caps)) return false;
    return true;
}

bool lb_capture_place(Lb *L, SymId s, MirPlace *out) {
    for (uint32_t i = 0; i < L->ncaps; i++) {
        if (L->caps[i] != s) continue;
        TypeId envt = L->b->locals.items[L->env].type;
        MirPlace p = lb_project(L, lb_place(L->env), PROJ_DEREF, 0, envt);
        *out = lb_project(L, p, PROJ_FIELD, i, type_get(envt)->args[i]);
        return true;
    }
    return false;
}

/* The value captured for `s`: a copy, or an owned clone moved into the
 * environment (the name stays usable where the closure was made). */
static MirOperand fn_capture_value(Lb *L, SymId s, Span sp) {
    MirOperand v = opd_place(L, lb_sym_place(L, s), sp);
    if (mir_type_is_copy(v.type)) return v;
    MirOperand c = lb_clone(L, v);
    c.kind = OPD_MOVE;
    return c;
}

/* ==== Bodies ============================================================== */

/* Start the body of a function value: _0 the result, _1 the environment
 * pointer (tuple `envt`), then parameters of `ptypes`. */
static MirBody *fn_body_open(Lb *outer, Lb *L, const char *what, TypeId envt, const TypeId *ptypes, uint32_t np,
                             TypeId ret, NodeId def) {
    MirBody *b = xcalloc(1, sizeof *b);
    b->name = intern_cstr(what);
    StrBuf sb = {0};
    sb_printf(&sb, "%s.%s#%u", outer->b->symbol, what, fn_extra.len);
    b->symbol = sb_take(&sb);
    b->func = outer->b->func;
    b->ret = ret;
    b->nparams = np + 1;
    b->def = def;
    *L = (Lb){.prog = outer->prog, .ast = outer->ast, .fn = outer->fn, .b = b, .none_sink = MIR_NO_LOCAL};
    uint32_t nsyms = outer->prog->syms.len ? outer->prog->syms.len : 1;
    L->sym_local = xmalloc(sizeof *L->sym_local * nsyms);
    for (uint32_t i = 0; i < nsyms; i++) L->sym_local[i] = MIR_NO_LOCAL;
    Span sp = lb_node(outer, def)->span;
    lb_local(L, ret, 0, sp, 0);
    L->env = lb_local(L, envt, intern_cstr("env"), sp, MIRL_PARAM | MIRL_MUT_REF);
    for (uint32_t i = 0; i < np; i++)
        lb_local(L, ptypes[i], 0, sp, MIRL_PARAM | (mir_type_is_copy(ptypes[i]) ? 0 : MIRL_BORROWED));
    L->cur = lb_block(L);
    return b;
}

/* Store the result `v` (already of type `ret`), return, and finish. */
static void fn_body_close(Lb *outer, Lb *L, MirOperand v, Span sp) {
    TypeId ret = L->b->ret;
    if (ret != TYPE_NONE && ret != TYPE_NEVER && !lb_terminated(L)) {
        if (mir_type_is_copy(ret)) lb_store_copy(L, lb_place(0), v, sp);
        else lb_assign(L, lb_place(0), rv_use(L, lb_consume(L, v)), sp);
    }
    lb_flush(L, 0);
    if (!lb_terminated(L)) {
        lb_exit_drops(L, sp);
        lb_term(L, (MirTerm){.kind = MT_RETURN, .span = sp});
    }
    MirBody *b = L->b;
    for (uint32_t i = 0; i < b->blocks.len; i++)
        if (b->blocks.items[i].term.kind == MT_NONE) b->blocks.items[i].term.kind = MT_UNREACHABLE;
    lb_prune(b);
    if (L->failed) outer->failed = true;
    free(L->sym_local);
    vec_free(&L->pending);
    vec_free(&L->loops);
    vec_free(&L->owned);
}

/* A None parameter has no storage in the calling convention of function
 * values; refuse such function types cleanly. */
static bool fn_type_ok(Lb *L, NodeId n, TypeId ft) {
    const Type *t = type_get(ft);
    if (t->kind != TY_FUNC) ICE("MIR: a function value of type %s", type_name(ft));
    for (uint32_t i = 0; i < t->nargs; i++)
        if (t->args[i] == TYPE_NONE || t->args[i] == TYPE_NEVER) {
            lb_unsupported(L, n, "a function value with a `None` parameter");
            return false;
        }
    return true;
}

static MirOperand fn_closure(Lb *L, uint32_t body, TypeId ft, const MirOperand *caps, uint32_t n, Span sp) {
    MirRvalue rv = rv_agg(L, AGG_CLOSURE, ft, caps, n);
    rv.callee = (MirCallee){.kind = CALLEE_FN, .fn = body};
    return lb_temp_of(L, rv, sp);
}

MirOperand lb_lambda(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    TypeId ft = node->type;
    if (!fn_type_ok(L, n, ft)) return opd_dead(ft);
    const Type *t = type_get(ft);
    SymVec caps = {0}, inner = {0};
    fn_scan(L, node->a, node->span, &caps, &inner);
    if (!fn_check_mutation(L, node->a, &caps)) {
        vec_free(&caps);
        vec_free(&inner);
        return opd_dead(ft);
    }

    /* the values captured, evaluated where the lambda is made */
    MirOperand *vals = xcalloc(caps.len + 1, sizeof *vals);
    TypeId *ctypes = xcalloc(caps.len + 1, sizeof *ctypes);
    for (uint32_t i = 0; i < caps.len; i++) {
        vals[i] = fn_capture_value(L, caps.items[i], node->span);
        ctypes[i] = vals[i].type;
    }
    TypeId envt = type_tuple(ctypes, caps.len);

    uint32_t index = fn_reserve(L);
    Lb B;
    MirBody *b = fn_body_open(L, &B, "lambda", envt, t->args, t->nargs, t->ret, n);
    B.caps = caps.items;
    B.ncaps = caps.len;
    for (uint32_t i = 0; i < node->list.count && i < t->nargs; i++) {
        const Node *p = lb_node(L, ast_list_at(L->ast, node->list, i));
        if (!p->sym) ICE("MIR: lambda parameter without a symbol");
        B.sym_local[p->sym] = B.env + 1 + i;
        b->locals.items[B.env + 1 + i].name = p->name;
        b->locals.items[B.env + 1 + i].flags |= MIRL_USER;
    }
    for (uint32_t i = 0; i < inner.len; i++) {
        const Symbol *s = prog_sym(L->prog, inner.items[i]);
        TypeId lt = s->type ? s->type : TYPE_NONE;
        B.sym_local[inner.items[i]] = lb_local(&B, lt, s->name, lb_node(L, s->decl)->span, MIRL_USER);
        if (!mir_type_is_copy(lt)) vec_push(&B.owned, B.sym_local[inner.items[i]]);
    }
    NodeId body = node->a;
    MirOperand v = lb_expr_as(&B, body, t->ret);
    fn_body_close(L, &B, v, lb_node(L, body)->span);
    fn_install(L, index, b);

    MirOperand r = fn_closure(L, index, ft, vals, caps.len, node->span);
    free(vals);
    free(ctypes);
    vec_free(&caps);
    vec_free(&inner);
    return r;
}

/* ==== Named functions and methods ========================================= */

/* Function values pass every argument as a borrow: a function whose
 * parameters are `own` or a by-reference `mut` cannot be called that way.
 * A generic one is refused unless `bound_generic` (a method of a generic
 * class taken from an object, whose type fixes the instance). */
static bool fn_params_ok(Lb *L, NodeId n, uint32_t fi, bool bound_generic) {
    const SemaFunc *f = &L->prog->funcs.items[fi];
    NodeList params = lb_node(L, f->def)->list;
    const Type *ft = type_get(f->type);
    for (uint32_t k = 0; k < params.count && k < ft->nargs; k++) {
        uint16_t pf = lb_node(L, ast_list_at(L->ast, params, k))->flags;
        if ((pf & NF_OWN) || ((pf & NF_MUT) && !lb_is_boxed(ft->args[k]))) {
            lb_unsupported(L, n, "a function with `own` or `mut` parameters as a value");
            return false;
        }
    }
    if (f->tparams.len && !bound_generic) {
        lb_unsupported(L, n, "a generic function as a value");
        return false;
    }
    return true;
}

/* The builtin `bi` applied to x (type t), inside the body of a builtin
 * used as a value; `at` locates panics (abs overflow, chr range). Sema
 * (sema_name_callable) admitted only these builtins and argument types. */
static MirOperand fn_builtin_apply(Lb *L, BuiltinId bi, MirOperand x, TypeId t, NodeId at, Span sp) {
    const Type *ty = type_get(t);
    switch (bi) {
    case BI_LEN:
        if (t == TYPE_STR) return lb_temp_of(L, rv_rt(L, MRT_STR_LEN, TYPE_INT, &x, 1, 0), sp);
        if (t == TYPE_BYTES) return lb_temp_of(L, rv_unary(L, MOP_BYTE_LEN, TYPE_INT, x, 0), sp);
        if (ty->kind == TY_LIST) return lb_temp_of(L, rv_rt(L, MRT_LIST_LEN, TYPE_INT, &x, 1, 0), sp);
        if (ty->kind == TY_TUPLE) return opd_int((int64_t)ty->nargs);
        if (ty->kind == TY_SET) return lb_temp_of(L, rv_rt(L, MRT_SEQ_SET_LEN, TYPE_INT, &x, 1, 0), sp);
        if (ty->kind == TY_DICT) return lb_coll_len(L, x, sp);
        break;
    case BI_ABS: {
        if (t == TYPE_FLOAT) return lb_temp_of(L, rv_unary(L, MOP_ABS, TYPE_FLOAT, x, 0), sp);
        /* x < 0 ? -x : x with the checked negation, as abs(x) in a call */
        MirLocalId res = lb_temp(L, TYPE_INT);
        MirOperand neg = lb_temp_of(L, rv_binary(L, TOK_LT, TYPE_BOOL, x, opd_int(0), 0), sp);
        MirBlockId nb = lb_block(L), pb = lb_block(L), end = lb_block(L);
        lb_branch(L, neg, nb, pb);
        L->cur = nb;
        lb_assign(L, lb_place(res), rv_unary(L, TOK_MINUS, TYPE_INT, x, at), sp);
        lb_goto(L, end);
        L->cur = pb;
        lb_assign(L, lb_place(res), rv_use(L, x), sp);
        lb_goto(L, end);
        L->cur = end;
        return opd_local(L, res);
    }
    case BI_STR:
    case BI_REPR: return lb_stringify_value(L, x, bi == BI_REPR, true, at);
    case BI_INT:
        if (t == TYPE_FLOAT) return lb_temp_of(L, rv_rt(L, MRT_FLOAT_TO_INT, TYPE_INT, &x, 1, at), sp);
        return lb_convert(L, x, TYPE_INT, at);
    case BI_FLOAT: return lb_convert(L, x, TYPE_FLOAT, at);
    case BI_BOOL: {
        if (t == TYPE_BOOL) return x;
        MirOperand zero = t == TYPE_FLOAT ? opd_float(0.0) : opd_int(0), len = x;
        if (t == TYPE_STR || t == TYPE_BYTES) len = lb_temp_of(L, rv_unary(L, MOP_BYTE_LEN, TYPE_INT, x, 0), sp);
        else if (ty->kind != TY_INT && ty->kind != TY_FLOAT) len = fn_builtin_apply(L, BI_LEN, x, t, at, sp);
        return lb_temp_of(L, rv_binary(L, TOK_NE, TYPE_BOOL, len, zero, 0), sp);
    }
    case BI_ORD: return lb_temp_of(L, rv_rt(L, MRT_STR_ORD, TYPE_INT, &x, 1, at), sp);
    case BI_CHR: return lb_temp_of(L, rv_rt(L, MRT_STR_CHR, TYPE_STR, &x, 1, at), sp);
    default: break;
    }
    ICE("MIR: the builtin %d as a function of %s", (int)bi, type_name(t));
}

/* A builtin as a value (`key=len`): a body `(env, x) -> builtin(x)` for
 * the one parameter type sema chose, with an empty environment. */
static MirOperand fn_builtin_value(Lb *L, NodeId n, BuiltinId bi) {
    const Node *node = lb_node(L, n);
    TypeId ft = node->type;
    if (!fn_type_ok(L, n, ft)) return opd_dead(ft);
    const Type *t = type_get(ft);
    if (t->nargs != 1) ICE("MIR: builtin `%s` as a value of type %s", str_text(node->name), type_name(ft));
    TypeId envt = type_tuple(NULL, 0);
    uint32_t index = fn_reserve(L);
    Lb B;
    MirBody *b = fn_body_open(L, &B, str_text(node->name), envt, t->args, 1, t->ret, n);
    MirOperand v = fn_builtin_apply(&B, bi, opd_local(&B, B.env + 1), t->args[0], n, node->span);
    fn_body_close(L, &B, v, node->span);
    fn_install(L, index, b);
    return fn_closure(L, index, ft, NULL, 0, node->span);
}

MirOperand lb_fn_value(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Symbol *s = prog_sym(L->prog, node->sym);
    if (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) return fn_builtin_value(L, n, (BuiltinId)s->index);
    if (s->kind != SYM_FUNC) ICE("MIR: `%s` is not a function", str_text(s->name));
    if (!fn_type_ok(L, n, node->type) || !fn_params_ok(L, n, s->index, false)) return opd_dead(node->type);
    return fn_closure(L, s->index, node->type, NULL, 0, node->span);
}

/* Methods of builtin types that are values (`str.upper`, `s.startswith`):
 * each maps to one runtime entry taking the receiver, then the arguments. */
static const struct {
    const char *name;
    MirRtFn rt;
} fn_str_methods[] = {
    {"upper", MRT_STR_UPPER},         {"lower", MRT_STR_LOWER},       {"strip", MRT_STR_STRIP},
    {"startswith", MRT_STR_STARTSWITH}, {"endswith", MRT_STR_ENDSWITH},
};

/* str.m / s.m as a value: a body `(env, args) -> rt(receiver, args)`, the
 * receiver being the captured (*env).0 when bound, else the first argument. */
static MirOperand fn_builtin_method(Lb *L, NodeId n, MirOperand *recv) {
    const Node *node = lb_node(L, n);
    TypeId ft = node->type;
    const Type *t = type_get(ft);
    int rt = -1;
    for (size_t i = 0; i < sizeof fn_str_methods / sizeof fn_str_methods[0]; i++)
        if (node->name == intern_cstr(fn_str_methods[i].name)) rt = (int)fn_str_methods[i].rt;
    TypeId rtype = recv ? recv->type : t->nargs ? t->args[0] : TYPE_NONE;
    if (rt < 0 || rtype != TYPE_STR) {
        lb_unsupported(L, n, "this method of a builtin type as a value");
        return opd_dead(ft);
    }
    if (!fn_type_ok(L, n, ft)) return opd_dead(ft);
    MirOperand capv[1];
    uint32_t ncap = 0;
    if (recv) {
        MirOperand c = lb_clone(L, *recv);
        c.kind = OPD_MOVE;
        capv[ncap++] = c;
    }
    TypeId envt = type_tuple(recv ? &rtype : NULL, ncap);
    uint32_t index = fn_reserve(L);
    Lb B;
    MirBody *b = fn_body_open(L, &B, str_text(node->name), envt, t->args, t->nargs, t->ret, n);
    MirOperand *ops = xcalloc(t->nargs + 2, sizeof *ops);
    uint32_t no = 0;
    if (recv) {
        MirPlace p = lb_project(&B, lb_place(B.env), PROJ_DEREF, 0, envt);
        ops[no++] = opd_place(&B, lb_project(&B, p, PROJ_FIELD, 0, rtype), node->span);
    }
    for (uint32_t i = 0; i < t->nargs; i++) ops[no++] = opd_local(&B, B.env + 1 + i);
    MirOperand v = lb_temp_of(&B, rv_rt(&B, (MirRtFn)rt, t->ret, ops, no, n), node->span);
    free(ops);
    fn_body_close(L, &B, v, node->span);
    fn_install(L, index, b);
    return fn_closure(L, index, ft, capv, ncap, node->span);
}

/* obj.m of a method some derived class overrides: a body calling it
 * through the vtable of the captured object, so the object's own class
 * decides, as for obj.m(...). */
static MirOperand fn_virtual_method(Lb *L, NodeId n, uint32_t fi, uint32_t slot, MirOperand self) {
    const Node *node = lb_node(L, n);
    TypeId ft = node->type;
    const Type *t = type_get(ft);
    MirOperand cap = lb_clone(L, self);
    cap.kind = OPD_MOVE;
    TypeId envt = type_tuple(&self.type, 1);
    uint32_t index = fn_reserve(L);
    Lb B;
    MirBody *b = fn_body_open(L, &B, str_text(node->name), envt, t->args, t->nargs, t->ret, n);
    MirOperand *ops = xcalloc(t->nargs + 2, sizeof *ops);
    MirPlace p = lb_project(&B, lb_place(B.env), PROJ_DEREF, 0, envt);
    ops[0] = opd_place(&B, lb_project(&B, p, PROJ_FIELD, 0, self.type), node->span);
    TypeId st = prog_sym(L->prog, L->prog->funcs.items[fi].params.items[0])->type;
    if (st != self.type) {
        /* the object seen as the class defining the method: same pointer */
        MirLocalId bt = lb_local(&B, st, 0, (Span){0}, MIRL_BORROWED);
        lb_assign(&B, lb_place(bt), rv_cast(&B, ops[0], st), node->span);
        ops[0] = opd_local(&B, bt);
    }
    for (uint32_t i = 0; i < t->nargs; i++) ops[1 + i] = opd_local(&B, B.env + 1 + i);
    MirRvalue rv = {.kind = RV_CALL, .callee = {.kind = CALLEE_VIRTUAL, .fn = fi, .slot = slot},
                    .ops_start = lb_ops(&B, ops, t->nargs + 1), .ops_count = t->nargs + 1, .type = t->ret, .loc = n};
    free(ops);
    MirOperand v = lb_temp_of(&B, rv, node->span);
    fn_body_close(L, &B, v, node->span);
    fn_install(L, index, b);
    return fn_closure(L, index, ft, &cap, 1, node->span);
}

MirOperand lb_method_value(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    const Node *obj = lb_node(L, node->a);
    TypeId ft = node->type;
    if (obj->kind == N_NAME && obj->sym) {
        const Symbol *os = prog_sym(L->prog, obj->sym);
        if (os->kind == SYM_CLASS) {
            /* Cls.m: the method itself, self its first parameter */
            const ClassInfo *ci = lb_class(L, os->type);
            int32_t fi = ci ? lb_method_func(ci, node->name) : -1;
            if (fi < 0 || !fn_type_ok(L, n, ft) || !fn_params_ok(L, n, (uint32_t)fi, false)) {
                if (fi < 0) lb_unsupported(L, n, "this attribute of a class as a value");
                return opd_dead(ft);
            }
            return fn_closure(L, (uint32_t)fi, ft, NULL, 0, node->span);
        }
        if (os->kind == SYM_TYPE) return fn_builtin_method(L, n, NULL);
    }
    const ClassInfo *ci = lb_class(L, obj->type);
    if (ci && !(ci->flags & CLS_ENUM)) {
        /* obj.m: the method with the object captured as self */
        int32_t fi = lb_method_func(ci, node->name);
        if (fi < 0) {
            lb_unsupported(L, n, "this attribute as a value");
            return opd_dead(ft);
        }
        const SemaFunc *mf = &L->prog->funcs.items[fi];
        NodeList mps = lb_node(L, mf->def)->list;
        if (mps.count && (lb_node(L, ast_list_at(L->ast, mps, 0))->flags & NF_MUT)) {
            /* the value captures a copy of the object: its mutations would
             * be lost silently, so refuse rather than diverge */
            lb_unsupported(L, n, "a `mut self` method of an object as a value");
            return opd_dead(ft);
        }
        bool generic = ci->tparams.len && mf->tparams.len == ci->tparams.len;
        if (!fn_type_ok(L, n, ft) || !fn_params_ok(L, n, (uint32_t)fi, generic)) return opd_dead(ft);
        uint32_t slot = lb_virtual_slot(L, ci, node->name);
        if (ci->tparams.len && (!generic || slot != UINT32_MAX)) {
            lb_unsupported(L, n, generic ? "an overridden method of a generic class as a value"
                                         : "a generic method of a generic class as a value");
            return opd_dead(ft);
        }
        MirOperand self = lb_expr(L, node->a);
        if (slot != UINT32_MAX) return fn_virtual_method(L, n, (uint32_t)fi, slot, self);
        uint32_t body = (uint32_t)fi;
        if (generic) {
            /* the instance for the object's class arguments */
            TypeId ity, iret;
            body = lb_generic_callee(L, n, (uint32_t)fi, obj->type, &ity, &iret);
        }
        MirOperand c = lb_clone(L, self);
        c.kind = OPD_MOVE;
        return fn_closure(L, body, ft, &c, 1, node->span);
    }
    if (obj->type == TYPE_STR) {
        MirOperand recv = lb_expr(L, node->a);
        return fn_builtin_method(L, n, &recv);
    }
    lb_unsupported(L, n, "this attribute as a value");
    return opd_dead(ft);
}

/* ==== Calls through values ================================================ */

MirOperand lb_call_value(Lb *L, NodeId n) {
    const Node *node = lb_node(L, n);
    NodeId cn = node->a;
    TypeId ct = lb_node(L, cn)->type;
    const Type *ft = type_get(ct);
    if (!ct || ft->kind != TY_FUNC) ICE("MIR: a call of a value of type %s", ct ? type_name(ct) : "?");
    if (!fn_type_ok(L, n, ct) || node->list.count != ft->nargs) {
        if (node->list.count != ft->nargs) lb_unsupported(L, n, "this call of a function value");
        return opd_dead(node->type);
    }
    MirOperand f = lb_expr(L, cn);
    if (f.type == TYPE_NEVER) return opd_dead(node->type);
    MirOperand *ops = xcalloc(ft->nargs + 2, sizeof *ops);
    ops[0] = f;
    for (uint32_t i = 0; i < ft->nargs; i++) {
        NodeId an = ast_list_at(L->ast, node->list, i);
        const Node *a = lb_node(L, an);
        if (a->kind == N_KEYWORD || a->kind == N_STARRED) {
            lb_unsupported(L, an, "keyword or starred arguments to a function value");
            free(ops);
            return opd_dead(node->type);
        }
        /* arguments are borrowed by the callee, as for a plain call */
        ops[1 + i] = lb_expr_as(L, an, ft->args[i]);
    }
    MirRvalue rv = {.kind = RV_CALL, .callee = {.kind = CALLEE_CLOSURE}, .ops_start = lb_ops(L, ops, ft->nargs + 1),
                    .ops_count = ft->nargs + 1, .type = ft->ret, .loc = n};
    free(ops);
    MirOperand r = lb_temp_of(L, rv, node->span);
    if (ft->ret == TYPE_NEVER) {
        lb_term(L, (MirTerm){.kind = MT_UNREACHABLE, .span = node->span});
        lb_continue_dead(L);
    }
    return r;
}

/* ==== Sorting by a key ==================================================== */

void lb_sort_by_key(Lb *L, MirOperand list, NodeId key, MirOperand reverse, NodeId at) {
    TypeId kt = lb_node(L, key)->type;
    const Type *ft = type_get(kt);
    if (ft->kind != TY_FUNC || ft->nargs != 1) ICE("MIR: a sort key of type %s", type_name(kt));
    MirOperand k = lb_expr(L, key);
    if (k.type == TYPE_NEVER || list.type == TYPE_NEVER) return;
    MirOperand ops[3] = {list, k, reverse};
    lb_call_void_loc(L, MRT_LIST_SORT_KEY, ops, 3, at, lb_node(L, at)->span);
}
