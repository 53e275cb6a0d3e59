/* The gate in front of the current (AST-walking) code generator: sema now
 * accepts the whole core language, but this generator only lowers the
 * foundation subset. cg_check_supported() finds, per function, the first
 * construct it cannot lower and reports SIFR-TYPE-0006, so such programs
 * fail cleanly (exit 1) instead of reaching an internal error. */
#include "cg_internal.h"

typedef struct CgGate {
    const Program *prog;
    const Ast *ast;
    const SemaFunc *fn;
    bool reported; /* one diagnostic per function */
    bool ok;
} CgGate;

static const Node *cg_gnode(const CgGate *g, NodeId id) { return ast_node(g->ast, id); }

/* The value types the generator has layouts for: scalars, str/bytes,
 * collections, tuples, Option/Result and non-generic classes and enums of
 * them. Function values and generic types come later. */
static bool cg_basic_type(TypeId t) {
    if (t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_BOOL || t == TYPE_STR || t == TYPE_BYTES || t == TYPE_NONE ||
        t == TYPE_NEVER)
        return true;
    const Type *ty = type_get(t);
    if (!ty) return false;
    switch (ty->kind) {
    case TY_LIST:
    case TY_DICT:
    case TY_SET:
    case TY_TUPLE:
    case TY_OPTION:
    case TY_RESULT:
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!cg_basic_type(ty->args[i])) return false;
        return true;
    case TY_CLASS: /* generic classes: monomorphised per instance */
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!cg_basic_type(ty->args[i])) return false;
        return true;
    case TY_TYPEVAR: return true; /* a generic body: each instance is concrete */
    case TY_CONTEXT: return true;  /* task contexts (rt/rt_context.c), in plain functions too */
    case TY_CONTEXT_KEY: return cg_basic_type(ty->args[0]);
    case TY_SYNC: return !ty->nargs || cg_basic_type(ty->args[0]); /* sifr.sync (codegen/cg_sync.c) */
    case TY_FUNC: /* closures (codegen/cg_closure.c) */
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!cg_basic_type(ty->args[i])) return false;
        return cg_basic_type(ty->ret);
    default: return false;
    }
}

static void cg_gate_fail(CgGate *g, Span at, const char *what) {
    g->ok = false;
    if (g->reported) return;
    g->reported = true;
    Diagnostic *d = diag_new(SEV_ERROR, CODE_TYPE_UNSUPPORTED, at, "%s is not supported by the code generator yet",
                             what);
    diag_label(d, "`sifr check` accepts this; building it comes later");
    diag_emit(d);
}

static void cg_gate_type(CgGate *g, NodeId n, TypeId t) {
    if (cg_basic_type(t)) return;
    char what[160];
    snprintf(what, sizeof what, "a value of type `%s`", t ? type_name(t) : "?");
    cg_gate_fail(g, cg_gnode(g, n)->span, what);
}

static void cg_gate_expr(CgGate *g, NodeId n);

/* An Enum class named as a value (sema types it as the list of its
 * members): lowered where it is iterated, or given to list()/len()/sorted()/
 * reversed()/enumerate(); elsewhere (print(Color)) Python means the class. */
static bool cg_enum_members(const CgGate *g, NodeId n) {
    const Node *e = cg_gnode(g, n);
    if (e->kind != N_NAME || !e->sym || prog_sym(g->prog, e->sym)->kind != SYM_CLASS) return false;
    const Type *t = type_get(e->type);
    return t && t->kind == TY_LIST;
}

static void cg_gate_list(CgGate *g, NodeList l) {
    for (uint32_t i = 0; i < l.count && !g->reported; i++) cg_gate_expr(g, ast_list_at(g->ast, l, i));
}

static bool cg_gate_range_call(const CgGate *g, NodeId n) {
    const Node *e = cg_gnode(g, n);
    if (e->kind != N_CALL) return false;
    const Node *c = cg_gnode(g, e->a);
    if (c->kind != N_NAME || !c->sym) return false;
    const Symbol *s = prog_sym(g->prog, c->sym);
    return s->kind == SYM_BUILTIN && s->index == BI_RANGE;
}

static void cg_gate_call(CgGate *g, NodeId n) {
    const Node *e = cg_gnode(g, n);
    const Node *c = cg_gnode(g, e->a);
    /* `task.now()`: a builtin reached through the `task` namespace */
    bool ns = c->kind == N_ATTR && c->sym && prog_sym(g->prog, c->sym)->kind == SYM_BUILTIN;
    if (ns) {
        /* the builtin's checks below */
    } else if (c->kind == N_ATTR) {
        /* methods: the object must be a value (not a class or type name) */
        const Node *o = cg_gnode(g, c->a);
        SymKind ok = o->kind == N_NAME && o->sym ? prog_sym(g->prog, o->sym)->kind : SYM_LOCAL;
        if (ok == SYM_CLASS || ok == SYM_TYPE) {
            /* Cls.m(obj), str.upper(s): through a function value */
        } else if (ok != SYM_LOCAL && ok != SYM_PARAM && ok != SYM_LAMBDA_PARAM) {
            cg_gate_fail(g, e->span, "a call of an unbound method");
            return;
        } else cg_gate_expr(g, c->a);
    } else if (c->kind == N_SUBSCRIPT && cg_gnode(g, c->a)->sym &&
               prog_sym(g->prog, cg_gnode(g, c->a)->sym)->kind == SYM_CLASS) {
        /* Box[int](...): a generic class constructed; arguments below */
    } else if (c->kind != N_NAME || !c->sym) {
        cg_gate_expr(g, e->a); /* a call of a function value: f()(x), fs[0](x) */
    }
    const Symbol *s = c->kind == N_NAME || ns ? prog_sym(g->prog, c->sym) : NULL;
    if (!s) {
        /* a method call: arguments below */
    } else if (s->kind == SYM_LOCAL || s->kind == SYM_PARAM || s->kind == SYM_LAMBDA_PARAM) {
        cg_gate_expr(g, e->a); /* a call of a function value */
    } else if (s->kind == SYM_CLASS) {
        if (!cg_basic_type(e->type)) {
            cg_gate_fail(g, e->span, "constructing a generic class");
            return;
        }
    } else if (s->kind == SYM_FUNC) {
        const SemaFunc *f = &g->prog->funcs.items[s->index];
        if (f->cls) {
            cg_gate_fail(g, e->span, "a call of a generic function");
            return;
        }
    } else if (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) {
        BuiltinId bi = (BuiltinId)s->index;
        if (bi == BI_ISINSTANCE) {
            /* the second argument names a class */
            if (e->list.count == 2) cg_gate_expr(g, ast_list_at(g->ast, e->list, 0));
            return;
        }
        /* the sequence builtins (sema/mir_lower_seq.c) */
        bool seq_bi = bi == BI_SORTED || bi == BI_REVERSED || bi == BI_ENUMERATE || bi == BI_ZIP || bi == BI_SUM ||
                      bi == BI_LIST || bi == BI_SET || bi == BI_ANY || bi == BI_ALL || bi == BI_ORD || bi == BI_CHR ||
                      (bi >= BI_ROUND && bi <= BI_OCT) || bi == BI_BYTES ||
                      bi == BI_OK || bi == BI_ERR; /* Ok/Err: sema/mir_lower_errors.c */
        seq_bi = seq_bi || bi == BI_DICT; /* dict(): sema/mir_lower_coll.c */
        /* the `task` functions a plain function may call (sema/mir_lower_async.c) */
        seq_bi = seq_bi || bi == BI_TASK_NOW || bi == BI_TASK_CURRENT_CONTEXT || bi == BI_TASK_EMPTY_CONTEXT ||
                 bi == BI_TASK_CONTEXT_KEY;
        seq_bi = seq_bi || bi >= BI_SYNC_SHARED; /* sifr.sync (sema/mir_lower_sync.c) */
        if ((bi >= BI_SORTED && !seq_bi) || bi == BI_RANGE) {
            char what[96];
            snprintf(what, sizeof what, "`%s(...)` here", str_text(s->name));
            cg_gate_fail(g, e->span, what);
            return;
        }
        for (uint32_t i = 0; i < e->list.count; i++) {
            const Node *a = cg_gnode(g, ast_list_at(g->ast, e->list, i));
            /* len() of other collections */
            if ((bi == BI_LEN && a->type != TYPE_STR && a->type != TYPE_BYTES && type_get(a->type)->kind != TY_LIST &&
                 type_get(a->type)->kind != TY_TUPLE && type_get(a->type)->kind != TY_SET &&
                 type_get(a->type)->kind != TY_DICT)) {
                char what[96];
                snprintf(what, sizeof what, "`%s()` of a `%s`", str_text(s->name), type_name(a->type));
                cg_gate_fail(g, e->span, what);
                return;
            }
        }
    } else {
        cg_gate_fail(g, e->span, "calling this");
        return;
    }
    for (uint32_t i = 0; i < e->list.count && !g->reported; i++) {
        NodeId aid = ast_list_at(g->ast, e->list, i);
        const Node *a = cg_gnode(g, aid);
        if (a->kind == N_KEYWORD) cg_gate_expr(g, a->a);
        else if (a->kind == N_STARRED) cg_gate_fail(g, a->span, "a `*` argument");
        else if (s && cg_gate_range_call(g, aid)) cg_gate_list(g, a->list); /* list(range(3)), zip(range(n), xs) */
        else if (s && (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) && cg_enum_members(g, aid) &&
                 (s->index == BI_LIST || s->index == BI_LEN || s->index == BI_SORTED || s->index == BI_REVERSED ||
                  s->index == BI_ENUMERATE)) {
            /* list(Color), len(Color) */
        }
        else cg_gate_expr(g, aid);
    }
}

static void cg_gate_expr(CgGate *g, NodeId n) {
    if (g->reported) return;
    const Node *e = cg_gnode(g, n);
    if (e->kind != N_FMT_FIELD && e->kind != N_FSTRING) cg_gate_type(g, n, e->type);
    if (g->reported) return;
    switch ((NodeKind)e->kind) {
    case N_INT:
    case N_FLOAT:
    case N_STR:
    case N_BYTES:
    case N_BOOL:
    case N_NONE: return;
    case N_ATTR: {
        const Node *o = cg_gnode(g, e->a);
        if (o->kind == N_NAME && o->sym && prog_sym(g->prog, o->sym)->kind == SYM_CLASS) return; /* Color.RED */
        if (o->kind == N_NAME && o->sym && prog_sym(g->prog, o->sym)->kind == SYM_TYPE) return;  /* str.upper */
        cg_gate_expr(g, e->a);
        return;
    }
    case N_SUBSCRIPT:
        cg_gate_expr(g, e->a);
        if (cg_gnode(g, e->b)->kind == N_SLICE) {
            const Node *sl = cg_gnode(g, e->b);
            if (sl->a) cg_gate_expr(g, sl->a);
            if (sl->b) cg_gate_expr(g, sl->b);
            if (sl->c) cg_gate_expr(g, sl->c);
        } else cg_gate_expr(g, e->b);
        return;
    case N_LIST:
    case N_TUPLE:
    case N_SET: cg_gate_list(g, e->list); return;
    case N_DICT:
        for (uint32_t i = 0; i < e->list.count && !g->reported; i++) {
            const Node *it = cg_gnode(g, ast_list_at(g->ast, e->list, i));
            if (!it->a) {
                cg_gate_fail(g, it->span, "`**` in a dict literal");
                return;
            }
            cg_gate_expr(g, it->a);
            cg_gate_expr(g, it->b);
        }
        return;
    case N_NAME: {
        const Symbol *s = e->sym ? prog_sym(g->prog, e->sym) : NULL;
        if (s && (s->kind == SYM_BUILTIN || s->kind == SYM_TYPE) && type_get(e->type)->kind == TY_FUNC)
            return; /* a builtin as a function value (sema typed it for one argument type) */
        if (!s || (s->kind != SYM_LOCAL && s->kind != SYM_PARAM && s->kind != SYM_CONST && s->kind != SYM_FUNC &&
                   s->kind != SYM_LAMBDA_PARAM))
            cg_gate_fail(g, e->span, "this name as a value");
        else if (!cg_basic_type(s->type)) cg_gate_type(g, n, s->type);
        return;
    }
    case N_FSTRING:
        for (uint32_t i = 0; i < e->list.count && !g->reported; i++) {
            const Node *p = cg_gnode(g, ast_list_at(g->ast, e->list, i));
            if (p->kind != N_FMT_FIELD) continue;
            if (p->a) cg_gate_expr(g, p->a);
            if (p->b) cg_gate_expr(g, p->b);
        }
        return;
    case N_UNARY: cg_gate_expr(g, e->a); return;
    case N_BOOLOP:
        cg_gate_expr(g, e->a);
        cg_gate_expr(g, e->b);
        return;
    case N_BINARY: {
        TypeId a = cg_gnode(g, e->a)->type, b = cg_gnode(g, e->b)->type;
        bool num = type_is_numeric(a) && type_is_numeric(b);
        bool cat = e->op == TOK_PLUS && a == b && (a == TYPE_STR || a == TYPE_BYTES || type_get(a)->kind == TY_LIST);
        bool rep = e->op == TOK_STAR && (a == TYPE_INT || b == TYPE_INT) &&
                   (e->type == TYPE_STR || e->type == TYPE_BYTES || type_get(e->type)->kind == TY_LIST);
        bool setop = a == b && type_get(a)->kind == TY_SET &&
                     (e->op == TOK_PIPE || e->op == TOK_AMP || e->op == TOK_MINUS || e->op == TOK_CARET);
        if (!num && !cat && !rep && !setop) {
            char what[128];
            snprintf(what, sizeof what, "`%s %s %s`", type_name(a), tok_kind_name((TokKind)e->op), type_name(b));
            cg_gate_fail(g, e->span, what);
            return;
        }
        cg_gate_expr(g, e->a);
        cg_gate_expr(g, e->b);
        return;
    }
    case N_COMPARE:
        cg_gate_expr(g, e->a);
        cg_gate_list(g, e->list);
        return;
    case N_IFEXP:
        cg_gate_expr(g, e->a);
        cg_gate_expr(g, e->b);
        cg_gate_expr(g, e->c);
        return;
    case N_CALL: cg_gate_call(g, n); return;
    case N_LAMBDA: cg_gate_expr(g, e->a); return; /* sema/mir_lower_fn.c */
    case N_COMP:
        /* comprehensions (sema/mir_lower_seq.c): iterables, conditions, elements */
        for (uint32_t i = 0; i < e->list.count && !g->reported; i++) {
            NodeId fid = ast_list_at(g->ast, e->list, i);
            const Node *f = cg_gnode(g, fid);
            if (cg_gate_range_call(g, f->b)) cg_gate_list(g, cg_gnode(g, f->b)->list);
            else if (!cg_enum_members(g, f->b)) cg_gate_expr(g, f->b);
            cg_gate_expr(g, f->a); /* a name or a tuple of names */
            cg_gate_list(g, f->list);
        }
        if (e->a) cg_gate_expr(g, e->a);
        if (e->b) cg_gate_expr(g, e->b);
        return;
    default: {
        char what[96];
        snprintf(what, sizeof what, "this expression (%s)", node_kind_name((NodeKind)e->kind));
        cg_gate_fail(g, e->span, what);
        return;
    }
    }
}

static void cg_gate_block(CgGate *g, NodeList body);

static void cg_gate_target(CgGate *g, NodeId t) {
    const Node *n = cg_gnode(g, t);
    if (n->kind == N_TUPLE || n->kind == N_LIST) {
        for (uint32_t i = 0; i < n->list.count && !g->reported; i++) cg_gate_target(g, ast_list_at(g->ast, n->list, i));
        return;
    }
    if (n->kind == N_STARRED) { /* `first, *rest = xs` */
        cg_gate_target(g, n->a);
        return;
    }
    if (n->kind != N_NAME && n->kind != N_ATTR && n->kind != N_SUBSCRIPT) cg_gate_fail(g, n->span, "this assignment target");
    else cg_gate_expr(g, t);
}

static void cg_gate_stmt(CgGate *g, NodeId sid) {
    const Node *n = cg_gnode(g, sid);
    switch ((NodeKind)n->kind) {
    case N_PASS:
    case N_BREAK:
    case N_CONTINUE: return;
    case N_EXPR_STMT: cg_gate_expr(g, n->a); return;
    case N_ASSIGN:
        for (uint32_t i = 0; i < n->list.count; i++) cg_gate_target(g, ast_list_at(g->ast, n->list, i));
        cg_gate_expr(g, n->a);
        return;
    case N_ANN_ASSIGN:
        cg_gate_target(g, n->a);
        if (n->c) cg_gate_expr(g, n->c);
        return;
    case N_AUG_ASSIGN:
        cg_gate_target(g, n->a);
        if (!g->reported && !cg_basic_type(n->type)) cg_gate_type(g, sid, n->type);
        if (!g->reported) {
            TypeId a = cg_gnode(g, n->a)->type, b = cg_gnode(g, n->b)->type;
            if (!(type_is_numeric(a) && type_is_numeric(b)) &&
                !(n->op == TOK_PLUS && a == b && (a == TYPE_STR || a == TYPE_BYTES || type_get(a)->kind == TY_LIST)) &&
                !(n->op == TOK_STAR && b == TYPE_INT && (a == TYPE_STR || a == TYPE_BYTES || type_get(a)->kind == TY_LIST)) &&
                !(a == b && type_get(a)->kind == TY_SET &&
                  (n->op == TOK_PIPE || n->op == TOK_AMP || n->op == TOK_MINUS || n->op == TOK_CARET)))
                cg_gate_fail(g, n->span, "this augmented assignment");
        }
        cg_gate_expr(g, n->b);
        return;
    case N_RETURN:
        if (n->a) cg_gate_expr(g, n->a);
        return;
    case N_IF:
    case N_WHILE:
        cg_gate_expr(g, n->a);
        cg_gate_block(g, n->list);
        cg_gate_block(g, n->list2);
        return;
    case N_FOR:
        if (type_get(cg_gnode(g, n->b)->type)->kind == TY_LIST || cg_gnode(g, n->b)->type == TYPE_STR ||
            cg_gnode(g, n->b)->type == TYPE_BYTES || type_get(cg_gnode(g, n->b)->type)->kind == TY_TUPLE ||
            type_get(cg_gnode(g, n->b)->type)->kind == TY_DICT || type_get(cg_gnode(g, n->b)->type)->kind == TY_SET) {
            cg_gate_target(g, n->a);
            if (!cg_enum_members(g, n->b)) cg_gate_expr(g, n->b);
            cg_gate_block(g, n->list);
            cg_gate_block(g, n->list2);
            return;
        }
        if (!cg_gate_range_call(g, n->b)) {
            cg_gate_fail(g, cg_gnode(g, n->b)->span, "a `for` loop over something other than `range()`");
            return;
        }
        cg_gate_target(g, n->a);
        for (uint32_t i = 0; i < cg_gnode(g, n->b)->list.count; i++)
            cg_gate_expr(g, ast_list_at(g->ast, cg_gnode(g, n->b)->list, i));
        cg_gate_block(g, n->list);
        cg_gate_block(g, n->list2);
        return;
    case N_ASSERT:
        cg_gate_expr(g, n->a);
        if (n->b) cg_gate_expr(g, n->b);
        return;
    case N_DEL: /* sema/mir_lower_coll.c */
        for (uint32_t i = 0; i < n->list.count && !g->reported; i++) cg_gate_expr(g, ast_list_at(g->ast, n->list, i));
        return;
    case N_MATCH: /* patterns: the lowering reports what it cannot do */
        cg_gate_expr(g, n->a);
        for (uint32_t i = 0; i < n->list.count && !g->reported; i++) {
            const Node *c = cg_gnode(g, ast_list_at(g->ast, n->list, i));
            if (c->b) cg_gate_expr(g, c->b);
            cg_gate_block(g, c->list);
        }
        return;
    case N_TRY: /* sema/mir_lower_errors.c */
        cg_gate_block(g, n->list);
        for (uint32_t i = 0; i < n->list2.count && !g->reported; i++)
            cg_gate_block(g, cg_gnode(g, ast_list_at(g->ast, n->list2, i))->list);
        cg_gate_block(g, n->list3);
        cg_gate_block(g, n->list4);
        return;
    case N_RAISE: {
        const Node *x = n->a ? cg_gnode(g, n->a) : NULL;
        if (x && !(x->kind == N_NAME && x->sym && prog_sym(g->prog, x->sym)->kind == SYM_CLASS)) cg_gate_expr(g, n->a);
        if (n->b && !g->reported) cg_gate_expr(g, n->b); /* the cause of `raise ... from` */
        return;
    }
    case N_WITH:
        for (uint32_t i = 0; i < n->list.count && !g->reported; i++) {
            const Node *it = cg_gnode(g, ast_list_at(g->ast, n->list, i));
            cg_gate_expr(g, it->a);
            if (it->b) cg_gate_target(g, it->b);
        }
        cg_gate_block(g, n->list2);
        return;
    default: {
        char what[96];
        const char *kw = n->kind == N_TRY     ? "`try`"
                         : n->kind == N_MATCH ? "`match`"
                         : n->kind == N_WITH  ? "`with`"
                         : n->kind == N_RAISE ? "`raise`"
                         : n->kind == N_DEL   ? "`del`"
                                              : NULL;
        if (kw) snprintf(what, sizeof what, "%s", kw);
        else snprintf(what, sizeof what, "this statement (%s)", node_kind_name((NodeKind)n->kind));
        Span at = n->span;
        if (kw) at.hi = at.lo + (uint32_t)strlen(kw) - 2;
        cg_gate_fail(g, at, what);
        return;
    }
    }
}

static void cg_gate_block(CgGate *g, NodeList body) {
    for (uint32_t i = 0; i < body.count && !g->reported; i++) cg_gate_stmt(g, ast_list_at(g->ast, body, i));
}

bool cg_check_supported(const Program *prog) {
    CgGate g = {.prog = prog, .ast = prog->ast, .ok = true};
    for (uint32_t fi = 0; fi < prog->funcs.len; fi++) {
        const SemaFunc *f = &prog->funcs.items[fi];
        const Node *def = ast_node(prog->ast, f->def);
        g.fn = f;
        g.reported = false;
        Span head = span_make(def->span.file, def->span.lo, def->span.lo + 3);
        if (f->is_async) continue; /* sema reported it */
        if (!cg_basic_type(f->ret)) {
            char what[128];
            snprintf(what, sizeof what, "a function returning `%s`", type_name(f->ret));
            cg_gate_fail(&g, def->a ? ast_node(prog->ast, def->a)->span : head, what);
            continue;
        }
        for (uint32_t i = 0; i < f->params.len && !g.reported; i++) {
            const Symbol *p = prog_sym(prog, f->params.items[i]);
            if (!cg_basic_type(p->type)) cg_gate_type(&g, p->decl, p->type);
        }
        for (uint32_t i = 0; i < f->locals.len && !g.reported; i++) {
            const Symbol *l = prog_sym(prog, f->locals.items[i]);
            if (!cg_basic_type(l->type)) cg_gate_type(&g, l->decl, l->type);
        }
        if (!g.reported) cg_gate_block(&g, def->list2);
    }
    return g.ok;
}
