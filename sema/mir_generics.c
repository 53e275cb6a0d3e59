/* Monomorphisation: every instance of a generic function, and of a method of
 * a generic class, is lowered to its own MirBody ("main.first[int]",
 * "main.Box[int].get") whose types are all concrete. Generic functions keep a
 * template slot at their SemaFunc index that produces no code.
 *
 * How an instance is lowered: sema typed the generic body once, with
 * TY_TYPEVAR types. Because a type parameter has no bounds, nothing in the
 * body's typing depends on what the parameter stands for, so the typing of
 * an instance is the generic typing with the parameters substituted. Before
 * lowering an instance we rewrite, in place, every Node.type, Symbol.type,
 * SemaFunc signature and unwrap record that mentions a type variable with
 * its substituted type, run the unchanged lowering (lb_body), then restore
 * the generic types before the next instance. Calls of generic functions
 * inside a body pick their instance from the callee node's (now concrete)
 * type. Instances are discovered while lowering (calls) and by scanning the
 * types a body uses (class instances need their __str__/__repr__/__eq__
 * hooks), and lowered from a worklist until no new one appears.
 *
 * An instance's body index is provisional while lowering (MONO_BASE + k):
 * lambda bodies take the indices right after the functions', so instance
 * bodies go after them and references are renumbered once all are known. */
#include "mir_lower.h"

#define MONO_BASE 0x40000000u

typedef struct MonoSave {
    uint32_t id;
    TypeId type;
} MonoSave;

typedef struct Mono {
    const Program *prog;
    MirProgram *mp;
    VEC(NodeId) tv_nodes;   /* nodes whose type mentions a type variable */
    VEC(SymId) tv_syms;     /* symbols whose type does */
    VEC(MirBody *) bodies;  /* instance k's body (NULL until lowered) */
    VEC(TypeId) classes;    /* class instances already scanned */
    uint32_t next;          /* the next instance to lower */
    bool ok;
} Mono;

static Mono *g_mono;

/* ==== Naming and the template slot ======================================== */

static const char *mono_module(const Program *p) { return p->module_name ? p->module_name : "main"; }

static void mono_targs_text(StrBuf *sb, TypeId tup, uint32_t from, uint32_t to) {
    const Type *t = type_get(tup);
    sb_putc(sb, '[');
    for (uint32_t i = from; i < to && i < t->nargs; i++)
        sb_printf(sb, "%s%s", i > from ? ", " : "", type_name(type_get(tup)->args[i]));
    sb_putc(sb, ']');
}

/* "main.first[int]", "main.Box[int].get", "main.Box[int].map[str]" */
static char *mono_symbol(const Program *p, uint32_t fi, TypeId targs) {
    const SemaFunc *f = &p->funcs.items[fi];
    StrBuf sb = {0};
    uint32_t n = type_get(targs)->nargs;
    sb_printf(&sb, "%s.", mono_module(p));
    uint32_t own0 = 0;
    if (f->cls) {
        const ClassInfo *ci = prog_class_of(p, prog_sym(p, f->cls)->type);
        own0 = ci ? ci->tparams.len : 0;
        sb_puts(&sb, str_text(prog_sym(p, f->cls)->name));
        if (own0) mono_targs_text(&sb, targs, 0, own0);
        sb_putc(&sb, '.');
    }
    sb_puts(&sb, str_text(f->name));
    if (n > own0) mono_targs_text(&sb, targs, own0, n);
    return sb_take(&sb);
}

MirBody *mir_template_body(const Program *prog, uint32_t fi) {
    const SemaFunc *f = &prog->funcs.items[fi];
    MirBody *b = xcalloc(1, sizeof *b);
    b->name = f->name;
    StrBuf sb = {0};
    if (f->cls) sb_printf(&sb, "%s.%s.%s", mono_module(prog), str_text(prog_sym(prog, f->cls)->name), str_text(f->name));
    else sb_printf(&sb, "%s.%s", mono_module(prog), str_text(f->name));
    b->symbol = sb_take(&sb);
    b->func = fi;
    b->ret = TYPE_NONE;
    b->def = f->def;
    b->is_template = true;
    return b;
}

/* ==== Instances =========================================================== */

static uint32_t mono_request(Mono *M, uint32_t fi, TypeId targs) {
    for (uint32_t i = 0; i < M->mp->insts.len; i++) {
        const MirInst *in = &M->mp->insts.items[i];
        if (in->func == fi && in->targs == targs) return in->body;
    }
    if (type_has_typevar(targs)) ICE("MIR: instance of `%s` with type variables %s",
                                     str_text(M->prog->funcs.items[fi].name), type_name(targs));
    MirInst in = {.func = fi, .targs = targs, .body = MONO_BASE + M->bodies.len};
    vec_push(&M->mp->insts, in);
    vec_push(&M->bodies, NULL);
    return in.body;
}

/* Bind the type variables `tps` found in `pat` to the matching parts of
 * `conc`, which is `pat` with them substituted (so the shapes agree). */
static void mono_match(TypeId pat, TypeId conc, const SymId *tps, TypeId *out, uint32_t n) {
    if (!pat || !conc) return;
    const Type *p = type_get(pat);
    if (p->kind == TY_TYPEVAR) {
        for (uint32_t i = 0; i < n; i++)
            if (tps[i] == p->sym && !out[i]) out[i] = conc;
        return;
    }
    const Type *c = type_get(conc);
    if (p->kind != c->kind || p->nargs != c->nargs || p->sym != c->sym) return;
    for (uint32_t i = 0; i < p->nargs; i++) mono_match(type_get(pat)->args[i], type_get(conc)->args[i], tps, out, n);
    if (p->kind == TY_FUNC) mono_match(type_get(pat)->ret, type_get(conc)->ret, tps, out, n);
}

/* How deeply type constructors nest in `t`: bounds polymorphic recursion,
 * which monomorphisation cannot finish. */
#define MONO_MAX_DEPTH 24

static uint32_t mono_depth(TypeId t) {
    const Type *ty = type_get(t);
    uint32_t n = ty->nargs, d = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = mono_depth(type_get(t)->args[i]);
        if (k > d) d = k;
    }
    if (type_get(t)->kind == TY_FUNC) {
        uint32_t k = mono_depth(type_get(t)->ret);
        if (k > d) d = k;
    }
    return d + 1;
}

uint32_t lb_generic_callee(Lb *L, NodeId call, uint32_t fi, TypeId self_type, TypeId *ftype, TypeId *ret) {
    Mono *M = g_mono;
    if (!M) ICE("MIR: a generic call outside of mir_build");
    const SemaFunc *f = &L->prog->funcs.items[fi];
    uint32_t n = f->tparams.len;
    TypeId *targs = xcalloc(n + 1, sizeof *targs);
    /* a method of a generic class: the class's arguments are the object's */
    uint32_t own0 = 0;
    if (f->cls) {
        const ClassInfo *ci = prog_class_of(L->prog, prog_sym(L->prog, f->cls)->type);
        own0 = ci ? ci->tparams.len : 0;
        const Type *st = self_type ? type_get(self_type) : NULL;
        if (own0 && (!st || st->kind != TY_CLASS || st->sym != f->cls || st->nargs != own0))
            ICE("MIR: call of a method of `%s` on %s", str_text(ci->name), self_type ? type_name(self_type) : "nothing");
        for (uint32_t i = 0; i < own0 && i < n; i++) targs[i] = type_get(self_type)->args[i];
    }
    /* the method's or function's own: from the callee's concrete type (an
     * N_ATTR `obj.m` taken as a value is its own callee) */
    const Node *cn = lb_node(L, call);
    TypeId conc = cn->kind == N_ATTR ? cn->type : lb_node(L, cn->a)->type;
    const Type *gt = type_get(f->type);
    const Type *ct = type_get(conc);
    if (ct->kind == TY_FUNC) {
        uint32_t skip = gt->nargs > ct->nargs ? gt->nargs - ct->nargs : 0; /* a bound method drops self */
        for (uint32_t i = 0; i < ct->nargs && i + skip < gt->nargs; i++)
            mono_match(type_get(f->type)->args[i + skip], type_get(conc)->args[i], f->tparams.items, targs, n);
        mono_match(type_get(f->type)->ret, type_get(conc)->ret, f->tparams.items, targs, n);
    }
    for (uint32_t i = 0; i < n; i++)
        if (!targs[i] || type_has_typevar(targs[i]))
            ICE("MIR: type argument %u of the call of `%s` (%s as %s) is not known", i, str_text(f->name),
                type_name(f->type), type_name(conc));
    TypeId tup = type_tuple(targs, n);
    *ftype = type_subst(f->type, f->tparams.items, targs, n);
    *ret = type_subst(f->ret, f->tparams.items, targs, n);
    if (mono_depth(tup) > MONO_MAX_DEPTH) {
        /* `f(x)` calling `f([x])`: every instance needs a bigger one */
        char what[200];
        snprintf(what, sizeof what, "instantiating `%.64s` with ever larger type arguments (polymorphic recursion)",
                 str_text(f->name));
        lb_unsupported(L, call, what);
        free(targs);
        return fi; /* the template: the build stops before codegen */
    }
    free(targs);
    return mono_request(M, fi, tup);
}

/* ==== Discovering class instances ========================================= */

static void mono_scan_type(Mono *M, TypeId t);

/* A generic class instance needs its descriptor hooks (__str__, __repr__, __eq__)
 * lowered for it; its field types may name further instances. */
static void mono_class(Mono *M, TypeId t) {
    for (uint32_t i = 0; i < M->classes.len; i++)
        if (M->classes.items[i] == t) return;
    vec_push(&M->classes, t);
    const ClassInfo *ci = prog_class_of(M->prog, t);
    if (!ci || !ci->tparams.len || type_get(t)->nargs != ci->tparams.len || type_has_typevar(t)) return;
    for (uint32_t i = 0; i < ci->fields.len; i++)
        mono_scan_type(M, type_subst(ci->fields.items[i].type, ci->tparams.items, type_get(t)->args, ci->tparams.len));
    for (uint32_t i = 0; i < ci->methods.len; i++) {
        const ClassMethod *m = &ci->methods.items[i];
        const SemaFunc *f = &M->prog->funcs.items[m->func];
        if (f->cls != ci->sym || f->tparams.len != ci->tparams.len) continue;
        /* a hand-written __repr__ is one of the class's own methods; sema
         * rejected one without the hook's shape */
        bool hook = (m->name == intern_cstr("__str__") && (ci->flags & CLS_USER_STR)) ||
                    (m->name == intern_cstr("__eq__") && (ci->flags & CLS_USER_EQ)) ||
                    m->name == intern_cstr("__repr__");
        if (hook) mono_request(M, m->func, type_tuple(type_get(t)->args, type_get(t)->nargs));
    }
}

static void mono_scan_type(Mono *M, TypeId t) {
    if (!t) return;
    const Type *ty = type_get(t);
    if (ty->kind == TY_TYPEVAR) return;
    if (ty->kind == TY_CLASS && ty->nargs) mono_class(M, t);
    uint32_t n = ty->nargs;
    for (uint32_t i = 0; i < n; i++) mono_scan_type(M, type_get(t)->args[i]);
    if (type_get(t)->kind == TY_FUNC) mono_scan_type(M, type_get(t)->ret);
}

static void mono_scan_body(Mono *M, const MirBody *b) {
    if (!b || b->is_template) return;
    for (uint32_t i = 0; i < b->locals.len; i++) mono_scan_type(M, b->locals.items[i].type);
    for (uint32_t i = 0; i < b->projs.len; i++) mono_scan_type(M, b->projs.items[i].type);
}

/* ==== Lowering one instance =============================================== */

static void mono_collect(Mono *M) {
    const Program *p = M->prog;
    for (uint32_t i = 1; i < p->ast->nodes.len; i++) {
        TypeId t = p->ast->nodes.items[i].type;
        if (t && t != TYPE_ERROR && type_has_typevar(t)) vec_push(&M->tv_nodes, i);
    }
    for (uint32_t i = 1; i < p->syms.len; i++) {
        TypeId t = p->syms.items[i].type;
        if (t && t != TYPE_ERROR && type_has_typevar(t)) vec_push(&M->tv_syms, i);
    }
}

static void mono_lower(Mono *M, uint32_t k) {
    const Program *p = M->prog;
    MirInst in = M->mp->insts.items[k];
    SemaFunc *f = &p->funcs.items[in.func];
    const SymId *tps = f->tparams.items;
    const TypeId *args = type_get(in.targs)->args;
    uint32_t n = f->tparams.len;
    if (type_get(in.targs)->nargs != n) ICE("MIR: instance of `%s` with %u type arguments", str_text(f->name), n);
    /* substitute (saving the generic types) */
    Ast *ast = p->ast;
    MonoSave *nodes = xmalloc(sizeof *nodes * (M->tv_nodes.len + 1));
    MonoSave *syms = xmalloc(sizeof *syms * (M->tv_syms.len + 1));
    TypeId *unwraps = xmalloc(sizeof *unwraps * (p->unwraps.len + 1));
    for (uint32_t i = 0; i < M->tv_nodes.len; i++) {
        Node *node = &ast->nodes.items[M->tv_nodes.items[i]];
        nodes[i] = (MonoSave){M->tv_nodes.items[i], node->type};
        node->type = type_subst(node->type, tps, args, n);
    }
    for (uint32_t i = 0; i < M->tv_syms.len; i++) {
        Symbol *s = &p->syms.items[M->tv_syms.items[i]];
        syms[i] = (MonoSave){M->tv_syms.items[i], s->type};
        s->type = type_subst(s->type, tps, args, n);
    }
    for (uint32_t i = 0; i < p->unwraps.len; i++) {
        unwraps[i] = p->unwraps.items[i].result;
        p->unwraps.items[i].result = type_subst(unwraps[i], tps, args, n);
    }
    /* the return type too; SemaFunc.type stays generic: calls match
     * their instance against it (lb_generic_callee) */
    TypeId gret = f->ret;
    f->ret = type_subst(gret, tps, args, n);

    bool ok = true;
    MirBody *b = lb_body(p, in.func, &ok);
    M->ok &= ok;
    free(b->symbol);
    b->symbol = mono_symbol(p, in.func, in.targs);
    b->targs = in.targs;
    b->program = M->mp;
    M->bodies.items[k] = b;

    /* restore */
    f = &p->funcs.items[in.func];
    f->ret = gret;
    for (uint32_t i = 0; i < p->unwraps.len; i++) p->unwraps.items[i].result = unwraps[i];
    for (uint32_t i = 0; i < M->tv_syms.len; i++) p->syms.items[syms[i].id].type = syms[i].type;
    for (uint32_t i = 0; i < M->tv_nodes.len; i++) ast->nodes.items[nodes[i].id].type = nodes[i].type;
    free(nodes);
    free(syms);
    free(unwraps);
}

/* ==== Driving ============================================================= */

void mir_generics_begin(const Program *prog, MirProgram *out) {
    Mono *M = xcalloc(1, sizeof *M);
    M->prog = prog;
    M->mp = out;
    M->ok = true;
    mono_collect(M);
    g_mono = M;
}

bool mir_generics_lower(void) {
    Mono *M = g_mono;
    /* the classes sema saw used with concrete arguments, then whatever the
     * bodies lowered so far use */
    for (uint32_t i = 0; i < M->prog->insts.len; i++) {
        const SemaInst *si = &M->prog->insts.items[i];
        if (!si->is_class || si->index >= M->prog->classes.len) continue;
        const Type *ta = type_get(si->targs);
        mono_scan_type(M, type_class(M->prog->classes.items[si->index].sym, ta->args, ta->nargs));
    }
    for (uint32_t i = 0; i < M->mp->bodies.len; i++) mono_scan_body(M, M->mp->bodies.items[i]);
    while (M->next < M->mp->insts.len) {
        uint32_t k = M->next++;
        mono_lower(M, k);
        mono_scan_body(M, M->bodies.items[k]);
    }
    return M->ok;
}

static uint32_t mono_final(const Mono *M, uint32_t idx, uint32_t base) {
    if (idx < MONO_BASE) return idx;
    if (idx - MONO_BASE >= M->bodies.len) ICE("MIR: instance body %u out of range", idx - MONO_BASE);
    return base + (idx - MONO_BASE);
}

/* Append the instance bodies after every other body and give references
 * to them their final indices. */
void mir_generics_end(MirProgram *out) {
    Mono *M = g_mono;
    if (!M) return;
    uint32_t base = out->bodies.len;
    for (uint32_t i = 0; i < M->bodies.len; i++) {
        if (!M->bodies.items[i]) ICE("MIR: instance %u was never lowered", i);
        vec_push(&out->bodies, M->bodies.items[i]);
    }
    for (uint32_t i = 0; i < out->insts.len; i++) out->insts.items[i].body = mono_final(M, out->insts.items[i].body, base);
    if (M->bodies.len) {
        for (uint32_t bi = 0; bi < out->bodies.len; bi++) {
            MirBody *b = out->bodies.items[bi];
            for (uint32_t i = 0; i < b->operands.len; i++) {
                MirOperand *o = &b->operands.items[i];
                if (o->kind == OPD_CONST && o->c.kind == MC_FUNC) o->c.fn = mono_final(M, o->c.fn, base);
            }
            for (uint32_t k = 0; k < b->blocks.len; k++) {
                MirBlock *blk = &b->blocks.items[k];
                for (uint32_t s = 0; s < blk->stmts.len; s++) {
                    MirStmt *st = &blk->stmts.items[s];
                    if (st->kind != MS_ASSIGN) continue;
                    MirRvalue *rv = &st->rv;
                    if ((rv->kind == RV_CALL && rv->callee.kind != CALLEE_RT) ||
                        (rv->kind == RV_AGGREGATE && rv->agg == AGG_CLOSURE))
                        rv->callee.fn = mono_final(M, rv->callee.fn, base);
                }
            }
        }
    }
    vec_free(&M->tv_nodes);
    vec_free(&M->tv_syms);
    vec_free(&M->bodies);
    vec_free(&M->classes);
    free(M);
    g_mono = NULL;
}

uint32_t mir_method_body(const MirProgram *mp, uint32_t func, TypeId cls) {
    const Program *p = mp->prog;
    if (func >= p->funcs.len || !p->funcs.items[func].tparams.len) return func;
    const Type *t = type_get(cls);
    if (t->kind != TY_CLASS || t->nargs != p->funcs.items[func].tparams.len)
        ICE("MIR: method `%s` of %s", str_text(p->funcs.items[func].name), type_name(cls));
    TypeId tup = type_tuple(type_get(cls)->args, type_get(cls)->nargs);
    for (uint32_t i = 0; i < mp->insts.len; i++)
        if (mp->insts.items[i].func == func && mp->insts.items[i].targs == tup) return mp->insts.items[i].body;
    ICE("MIR: no instance of `%s` for %s", str_text(p->funcs.items[func].name), type_name(cls));
}
