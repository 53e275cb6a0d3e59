/* Classes: the builtin error classes of SPEC section 4, user class
 * declarations (type parameters, single inheritance, annotated fields, enum
 * members, methods), method inheritance and override checks, generated
 * constructors, and attribute access on instances and on class names. */
#include "modules.h"
#include "sema_internal.h"

/* ==== Lookup ============================================================== */

ClassInfo *sema_class(const Sema *s, SymId cls) {
    const Symbol *sym = sema_sym(s, cls);
    if (sym->kind != SYM_CLASS || sym->type == TYPE_ERROR) return NULL;
    return &s->prog->classes.items[sym->index];
}

const ClassField *sema_class_field(const Sema *s, SymId cls, StrId name) {
    ClassInfo *ci = sema_class(s, cls);
    if (!ci) return NULL;
    for (uint32_t i = 0; i < ci->fields.len; i++)
        if (ci->fields.items[i].name == name) return &ci->fields.items[i];
    return NULL;
}

const ClassMethod *sema_class_method(const Sema *s, SymId cls, StrId name) {
    ClassInfo *ci = sema_class(s, cls);
    if (!ci) return NULL;
    for (uint32_t i = 0; i < ci->methods.len; i++)
        if (ci->methods.items[i].name == name) return &ci->methods.items[i];
    return NULL;
}

bool sema_class_derives(const Sema *s, SymId sub, SymId base) {
    for (uint32_t guard = 0; sub && guard < 1000; guard++) {
        if (sub == base) return true;
        ClassInfo *ci = sema_class(s, sub);
        if (!ci) return false;
        sub = ci->base;
    }
    return false;
}

const ClassInfo *prog_class_of(const Program *p, TypeId t) {
    if (!t) return NULL;
    const Type *ty = type_get(t);
    if (ty->kind != TY_CLASS || ty->sym >= p->syms.len) return NULL;
    const Symbol *sym = &p->syms.items[ty->sym];
    if (sym->kind != SYM_CLASS || sym->index >= p->classes.len) return NULL;
    return &p->classes.items[sym->index];
}

bool prog_class_derives(const Program *p, SymId sub, SymId base) {
    for (uint32_t guard = 0; sub && guard < 1000; guard++) {
        if (sub == base) return true;
        const Symbol *sym = &p->syms.items[sub];
        if (sym->kind != SYM_CLASS || sym->index >= p->classes.len) return false;
        sub = p->classes.items[sym->index].base;
    }
    return false;
}

bool sema_is_error_type(const Sema *s, TypeId t) {
    const Type *ty = type_get(t);
    if (ty->kind != TY_CLASS) return false;
    ClassInfo *ci = sema_class(s, ty->sym);
    return ci && (ci->flags & CLS_ERROR);
}

TypeId sema_member_type(const Sema *s, TypeId inst, TypeId declared) {
    const Type *it = type_get(inst);
    if (it->kind != TY_CLASS || !it->nargs) return declared;
    ClassInfo *ci = sema_class(s, it->sym);
    if (!ci || ci->tparams.len != it->nargs) return declared;
    return type_subst(declared, ci->tparams.items, it->args, it->nargs);
}

/* ==== Builtin classes ===================================================== */

static SymId sema_new_class(Sema *s, StrId name, NodeId def, uint32_t flags) {
    SymId id = sema_new_sym(s, SYM_CLASS, name, 0, def);
    ClassInfo ci = {.sym = id, .name = name, .def = def, .flags = flags};
    ci.type = type_class(id, NULL, 0);
    sema_sym(s, id)->index = s->prog->classes.len;
    sema_sym(s, id)->type = ci.type;
    vec_push(&s->prog->classes, ci);
    return id;
}

void sema_builtin_classes(Sema *s) {
    /* Errors that carry text have a `message: str` field (SPEC section 4). */
    static const struct {
        const char *name;
        bool message;
    } errs[] = {
        {"ValueError", true},      {"KeyError", true},    {"IndexError", true},
        {"IOError", true},         {"TimeoutError", false}, {"ScopeFailure", true},
        {"ClosedError", false},    {"WouldBlockError", false}, {"WorkerError", true},
        {"ProcessError", true},    {"SignalError", true}, {"DiagnosticError", true},
    };
    SymId err = sema_new_class(s, s->n.error, 0, CLS_ERROR | CLS_BUILTIN);
    s->error_sym = err;
    symmap_put(&s->builtins, s->n.error, err);
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        StrId name = intern_cstr(errs[i].name);
        SymId id = sema_new_class(s, name, 0, CLS_ERROR | CLS_BUILTIN);
        ClassInfo *ci = sema_class(s, id);
        ci->base = err;
        if (errs[i].message) {
            ClassField f = {.name = s->n.message, .type = TYPE_STR, .owner = id};
            vec_push(&ci->fields, f);
        }
        symmap_put(&s->builtins, name, id);
    }
    /* Enum is bound by `from enum import Enum`; NonSend is always visible */
    s->enum_sym = sema_new_class(s, s->n.enum_, 0, CLS_ENUM | CLS_BUILTIN);
    s->nonsend_sym = sema_new_class(s, s->n.nonsend, 0, CLS_NONSEND | CLS_BUILTIN);
    symmap_put(&s->builtins, s->n.nonsend, s->nonsend_sym);
}

/* ==== Declarations ======================================================== */

SymId sema_declare_class(Sema *s, NodeId def) {
    Node *n = sema_node(s, def);
    SymId prev = symmap_get(&s->module, n->name);
    SymId id = sema_new_class(s, n->name, def, 0);
    if (prev) {
        Diagnostic *d = sema_diag(s, CODE_NAME_REDEFINED, sema_def_name_span(s, def),
                                  "`%s` is defined more than once", str_text(n->name));
        diag_label(d, "redefined here");
        NodeId pd = sema_sym(s, prev)->decl;
        if (pd) diag_note(d, sema_node(s, pd)->span, "`%s` was first defined here", str_text(n->name));
        diag_emit(d);
    } else {
        symmap_put(&s->module, n->name, id);
    }
    n->sym = id;
    return id;
}

/* layout state per class index: 0 todo, 1 in progress, 2 done */
static uint8_t *g_layout_state;
/* the class being laid out named a base that could not be resolved: its
 * body may be an enum's, so missing annotations are not reported */
static bool g_bad_base;

static void sema_class_layout(Sema *s, uint32_t ci_index);

/* Resolve one base-class expression: the class symbol or 0. */
static SymId sema_base_class(Sema *s, NodeId bid, uint32_t *flags) {
    Node *b = sema_node(s, bid);
    if (b->kind == N_KEYWORD) {
        sema_unsupported(s, b->span, "a keyword in a class header");
        return 0;
    }
    if (b->kind == N_SUBSCRIPT) {
        sema_unsupported(s, b->span, "deriving from a generic class");
        return 0;
    }
    if (b->kind != N_NAME) {
        sema_error(s, CODE_TYPE_UNKNOWN, b->span, "a base class must be a class name");
        return 0;
    }
    SymId id = symmap_get(&s->module, b->name);
    if (!id) id = symmap_get(&s->builtins, b->name);
    if (!id) {
        Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, b->span, "unknown name `%s`", str_text(b->name));
        diag_label(d, "not found in this scope");
        if (b->name == s->n.enum_) diag_help(d, "add `from enum import Enum`");
        diag_emit(d);
        return 0;
    }
    Symbol *sym = sema_sym(s, id);
    if (sym->kind == SYM_MODULE) return 0; /* poisoned import */
    if (sym->kind != SYM_CLASS) {
        sema_error(s, CODE_TYPE_UNKNOWN, b->span, "`%s` is not a class", str_text(b->name));
        return 0;
    }
    b->sym = id;
    if (id == s->nonsend_sym) {
        *flags |= CLS_NONSEND;
        return 0;
    }
    return id;
}

static void sema_add_field(Sema *s, uint32_t cix, NodeId stmt) {
    Node *n = sema_node(s, stmt);
    Node *t = sema_node(s, n->a);
    if (t->kind != N_NAME) {
        sema_unsupported(s, t->span, "this field declaration");
        return;
    }
    ClassInfo *ci = &s->prog->classes.items[cix];
    if (ci->flags & CLS_ENUM) {
        sema_unsupported(s, n->span, "an annotated field in an `Enum`");
        return;
    }
    TypeId ft = sema_annotation(s, n->b);
    n->type = ft;
    t->type = ft;
    ci = &s->prog->classes.items[cix];
    for (uint32_t i = 0; i < ci->fields.len; i++) {
        if (ci->fields.items[i].name != t->name) continue;
        Diagnostic *d = sema_diag(s, CODE_NAME_REDEFINED, t->span, "field `%s` is defined more than once",
                                  str_text(t->name));
        diag_label(d, "redefined here");
        if (ci->fields.items[i].decl)
            diag_note(d, sema_node(s, ci->fields.items[i].decl)->span, "first defined here");
        else diag_note(d, (Span){0, 0, 0}, "`%s` is inherited", str_text(t->name));
        diag_emit(d);
        return;
    }
    ClassField f = {.name = t->name, .type = ft, .decl = stmt, .dflt = n->c, .owner = ci->sym};
    vec_push(&ci->fields, f);
}

static void sema_add_member(Sema *s, uint32_t cix, NodeId stmt) {
    Node *n = sema_node(s, stmt);
    ClassInfo *ci = &s->prog->classes.items[cix];
    NodeId tid = n->list.count == 1 ? ast_list_at(s->ast, n->list, 0) : 0;
    Node *t = tid ? sema_node(s, tid) : NULL;
    if (!(ci->flags & CLS_ENUM)) {
        if (g_bad_base) return;
        Diagnostic *d = sema_diag(s, CODE_TYPE_ANNOTATION, n->span, "a class field needs a type annotation");
        diag_label(d, "missing `: type`");
        if (t && t->kind == N_NAME) diag_help(d, "write e.g. `%s: int = ...`", str_text(t->name));
        diag_emit(d);
        return;
    }
    Node *v = sema_node(s, n->a);
    bool neg = false;
    if (v->kind == N_UNARY && v->op == TOK_MINUS && sema_node(s, v->a)->kind == N_INT) {
        neg = true;
        v = sema_node(s, v->a);
    }
    if (!t || t->kind != N_NAME || v->kind != N_INT || v->v.ival > (uint64_t)INT64_MAX) {
        sema_unsupported(s, n->span, "an `Enum` member that is not `NAME = <int>`");
        return;
    }
    for (uint32_t i = 0; i < ci->members.len; i++) {
        if (ci->members.items[i].name == t->name) {
            sema_error(s, CODE_NAME_REDEFINED, t->span, "`%s` is defined more than once", str_text(t->name));
            return;
        }
    }
    int64_t val = neg ? -(int64_t)v->v.ival : (int64_t)v->v.ival;
    EnumMember m = {.name = t->name, .value = val, .decl = tid};
    vec_push(&ci->members, m);
    sema_node(s, n->a)->type = TYPE_INT;
    if (neg) v->type = TYPE_INT;
    t->type = ci->type;
    t->sym = ci->sym;
}

static void sema_add_method(Sema *s, uint32_t cix, NodeId def) {
    Node *d = sema_node(s, def);
    ClassInfo *ci = &s->prog->classes.items[cix];
    SymId id = sema_new_sym(s, SYM_FUNC, d->name, 0, def);
    SemaFunc f = {.sym = id, .def = def, .name = d->name, .ret = TYPE_NONE, .cls = ci->sym,
                  .is_async = (d->flags & NF_ASYNC) != 0};
    sema_sym(s, id)->index = s->prog->funcs.len;
    d->sym = id;
    vec_push(&s->prog->funcs, f);
    ci = &s->prog->classes.items[cix];
    if (d->name == s->n.init) ci->flags |= CLS_USER_INIT;
    if (d->name == s->n.eq) ci->flags |= CLS_USER_EQ;
    if (d->name == s->n.str_) ci->flags |= CLS_USER_STR;
}

static void sema_class_layout(Sema *s, uint32_t cix) {
    if (g_layout_state[cix] == 2) return;
    ClassInfo *ci = &s->prog->classes.items[cix];
    NodeId def = ci->def;
    if (!def) {
        g_layout_state[cix] = 2;
        return;
    }
    if (g_layout_state[cix] == 1) {
        sema_error(s, CODE_TYPE_UNKNOWN, sema_def_name_span(s, def), "class `%s` inherits from itself",
                   str_text(ci->name));
        return;
    }
    g_layout_state[cix] = 1;
    Node *n = sema_node(s, def);
    SymId cls = ci->sym;
    for (uint32_t i = 0; i < n->list3.count; i++) {
        /* @linear, @must_consume, @scoped: the standard library's ownership kinds */
        Node *dec = sema_node(s, ast_list_at(s->ast, n->list3, i));
        Node *e = sema_node(s, dec->a);
        const char *name = e->kind == N_NAME ? str_text(e->name) : "";
        uint32_t kind = !strcmp(name, "linear")         ? CLS_LINEAR
                        : !strcmp(name, "must_consume") ? CLS_LINEAR | CLS_MUST_CONSUME
                        : !strcmp(name, "scoped")       ? CLS_SCOPED
                                                        : 0;
        if (!kind) {
            sema_unsupported(s, dec->span, "a class decorator");
            continue;
        }
        if (!mods_file_is_lib(n->span.file)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_UNSUPPORTED, dec->span,
                                      "`@%s` is only available to the standard library", name);
            diag_label(d, "an ownership kind of the runtime's types");
            diag_emit(d);
            continue;
        }
        s->prog->classes.items[cix].flags |= kind;
    }

    /* type parameters: in scope for fields and methods */
    symmap_free(&s->typevars);
    SymId tps[16];
    uint32_t ntp = sema_declare_typevars(s, n->list4, tps, 16);
    ci = &s->prog->classes.items[cix];
    for (uint32_t i = 0; i < ntp; i++) vec_push(&ci->tparams, tps[i]);
    if (ntp) {
        TypeId targs[16];
        for (uint32_t i = 0; i < ntp; i++) targs[i] = sema_sym(s, tps[i])->type;
        ci->type = type_class(cls, targs, ntp);
        sema_sym(s, cls)->type = ci->type;
    }

    /* base class */
    uint32_t flags = 0;
    SymId base = 0;
    bool bad_base = false;
    NodeList bases = n->list;
    for (uint32_t i = 0; i < bases.count; i++) {
        NodeId bid = ast_list_at(s->ast, bases, i);
        uint32_t before = flags;
        SymId b = sema_base_class(s, bid, &flags);
        if (!b && flags == before) bad_base = true;
        if (!b) continue;
        if (base) {
            sema_unsupported(s, sema_node(s, bid)->span, "multiple inheritance");
            continue;
        }
        base = b;
    }
    if (base) {
        uint32_t bix = sema_sym(s, base)->index;
        sema_class_layout(s, bix);
        /* the recursion may have replaced the typevar map */
        symmap_free(&s->typevars);
        ci = &s->prog->classes.items[cix];
        for (uint32_t i = 0; i < ci->tparams.len; i++)
            symmap_put(&s->typevars, sema_sym(s, ci->tparams.items[i])->name, ci->tparams.items[i]);
        ClassInfo *bi = &s->prog->classes.items[bix];
        if (bi->tparams.len) {
            sema_unsupported(s, n->span, "deriving from a generic class");
        } else {
            ci->base = base;
            flags |= bi->flags & (CLS_ERROR | CLS_ENUM | CLS_NONSEND | CLS_LINEAR | CLS_MUST_CONSUME | CLS_SCOPED);
            if ((bi->flags & CLS_ENUM) && !(bi->flags & CLS_BUILTIN))
                sema_unsupported(s, n->span, "deriving from an `Enum` with members");
            for (uint32_t i = 0; i < bi->fields.len; i++) {
                ClassField f = bi->fields.items[i];
                vec_push(&ci->fields, f);
                bi = &s->prog->classes.items[bix];
            }
        }
    }
    ci = &s->prog->classes.items[cix];
    ci->flags |= flags;

    /* body */
    g_bad_base = bad_base;
    NodeList body = n->list2;
    for (uint32_t i = 0; i < body.count; i++) {
        NodeId sid = ast_list_at(s->ast, body, i);
        Node *st = sema_node(s, sid);
        switch ((NodeKind)st->kind) {
        case N_ANN_ASSIGN: sema_add_field(s, cix, sid); break;
        case N_ASSIGN: sema_add_member(s, cix, sid); break;
        case N_FUNC_DEF: sema_add_method(s, cix, sid); break;
        case N_PASS:
        case N_POISON: break;
        case N_EXPR_STMT:
            if (sema_node(s, st->a)->kind == N_STR || sema_node(s, st->a)->kind == N_ELLIPSIS) break;
            /* fall through */
        default: sema_unsupported(s, st->span, "this statement in a class body"); break;
        }
    }
    symmap_free(&s->typevars);
    g_layout_state[cix] = 2;
}

void sema_classes_layout(Sema *s) {
    uint32_t n = s->prog->classes.len;
    g_layout_state = xcalloc(n ? n : 1, 1);
    for (uint32_t i = 0; i < n; i++) sema_class_layout(s, i);
    free(g_layout_state);
    g_layout_state = NULL;
}

/* ==== Methods ============================================================= */

/* Same parameter types after self and a compatible return type. */
static bool sema_override_ok(const Sema *s, const SemaFunc *base, const SemaFunc *over) {
    (void)s;
    const Type *bt = type_get(base->type), *ot = type_get(over->type);
    if (bt->kind != TY_FUNC || ot->kind != TY_FUNC) return true;
    if (bt->nargs != ot->nargs) return false;
    for (uint32_t i = 1; i < bt->nargs; i++)
        if (bt->args[i] != ot->args[i] && bt->args[i] != TYPE_ERROR && ot->args[i] != TYPE_ERROR) return false;
    return sema_assignable(base->ret, over->ret);
}

/* __str__, __repr__ and __eq__ written by hand become the hooks the runtime
 * calls to print and compare objects (also inside containers and for
 * subclasses), so they must have the shape it calls them with:
 * `(self) -> str`, and `(self, other: C) -> bool` where C is the class or
 * one of its bases (the runtime only passes objects of class C as `other`). */
static void sema_check_hook(Sema *s, const ClassInfo *ci, const SemaFunc *f) {
    bool is_eq = f->name == s->n.eq;
    if (!is_eq && f->name != s->n.str_ && f->name != intern_cstr("__repr__")) return;
    const Type *ft = type_get(f->type);
    if (ft->kind != TY_FUNC) return;
    bool ok = !f->is_async && !f->self_mut && ft->nargs == (is_eq ? 2u : 1u) &&
              f->ret == (is_eq ? TYPE_BOOL : TYPE_STR);
    if (ok && is_eq) {
        const Type *ot = type_get(ft->args[1]);
        ok = ft->args[1] == TYPE_ERROR || (ot->kind == TY_CLASS && sema_class_derives(s, ci->sym, ot->sym));
    }
    if (ok) return; /* a generic class's hooks are lowered per instance (sema/mir_generics.c) */
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_def_name_span(s, f->def), "`%s` has the wrong signature",
                              str_text(f->name));
    diag_label(d, "this is `%s`", type_name(f->type));
    if (is_eq)
        diag_help(d, "write `def __eq__(self, other: %s) -> bool`", str_text(ci->name));
    else
        diag_help(d, "write `def %s(self) -> str`", str_text(f->name));
    diag_emit(d);
}

static void sema_class_methods_one(Sema *s, uint32_t cix, uint8_t *done) {
    if (done[cix]) return;
    done[cix] = 1;
    ClassInfo *ci = &s->prog->classes.items[cix];
    if (ci->base) {
        uint32_t bix = sema_sym(s, ci->base)->index;
        sema_class_methods_one(s, bix, done);
        ci = &s->prog->classes.items[cix];
        ClassInfo *bi = &s->prog->classes.items[bix];
        for (uint32_t i = 0; i < bi->methods.len; i++) {
            ClassMethod m = bi->methods.items[i];
            vec_push(&ci->methods, m);
            bi = &s->prog->classes.items[bix];
        }
    }
    for (uint32_t fi = 0; fi < s->prog->funcs.len; fi++) {
        SemaFunc *f = &s->prog->funcs.items[fi];
        if (f->cls != ci->sym) continue;
        bool replaced = false;
        for (uint32_t i = 0; i < ci->methods.len; i++) {
            ClassMethod *m = &ci->methods.items[i];
            if (m->name != f->name) continue;
            if (m->owner == ci->sym) {
                Diagnostic *d = sema_diag(s, CODE_NAME_REDEFINED, sema_def_name_span(s, f->def),
                                          "method `%s` is defined more than once", str_text(f->name));
                diag_label(d, "redefined here");
                diag_note(d, sema_def_name_span(s, s->prog->funcs.items[m->func].def), "first defined here");
                diag_emit(d);
                replaced = true;
                break;
            }
            const SemaFunc *bf = &s->prog->funcs.items[m->func];
            if (!sema_override_ok(s, bf, f)) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_def_name_span(s, f->def),
                                          "`%s` overrides a method with an incompatible signature",
                                          str_text(f->name));
                diag_label(d, "this is `%s`", type_name(f->type));
                diag_note(d, sema_def_name_span(s, bf->def), "the overridden method is `%s`", type_name(bf->type));
                diag_emit(d);
            }
            m->func = fi;
            m->owner = ci->sym;
            replaced = true;
            break;
        }
        if (!replaced) {
            ClassMethod m = {.name = f->name, .func = fi, .owner = ci->sym};
            vec_push(&ci->methods, m);
        }
        sema_check_hook(s, ci, &s->prog->funcs.items[fi]);
    }
    bool enter = false, exit_ = false;
    for (uint32_t i = 0; i < ci->methods.len; i++) {
        if (ci->methods.items[i].name == s->n.enter) enter = true;
        if (ci->methods.items[i].name == s->n.exit_) exit_ = true;
    }
    if (enter && exit_) ci->flags |= CLS_CONTEXT;
}

void sema_classes_methods(Sema *s) {
    uint32_t n = s->prog->classes.len;
    uint8_t *done = xcalloc(n ? n : 1, 1);
    for (uint32_t i = 0; i < n; i++) sema_class_methods_one(s, i, done);
    free(done);
}

void sema_classes_defaults(Sema *s) {
    for (uint32_t cix = 0; cix < s->prog->classes.len; cix++) {
        ClassInfo *ci = &s->prog->classes.items[cix];
        for (uint32_t i = 0; i < ci->fields.len; i++) {
            ClassField f = ci->fields.items[i];
            if (!f.dflt || f.owner != ci->sym) continue;
            if (sema_const_expr_ok(s, f.dflt, "a field default"))
                sema_expr_expect(s, f.dflt, f.type, "the default value");
            ci = &s->prog->classes.items[cix];
        }
    }
}

/* ==== Construction ======================================================== */

TypeId sema_construct(Sema *s, NodeId call, SymId cls, TypeId hint) {
    ClassInfo *ci = sema_class(s, cls);
    NodeId callee = sema_node(s, call)->a;
    const char *cname = str_text(sema_sym(s, cls)->name);
    if (!ci) {
        sema_args_quiet(s, call);
        sema_node(s, callee)->type = TYPE_ERROR;
        return TYPE_ERROR;
    }
    if ((ci->flags & CLS_ENUM) && !(ci->flags & CLS_BUILTIN) && sema_node(s, call)->list.count == 1 &&
        sema_node(s, ast_list_at(s->ast, sema_node(s, call)->list, 0))->kind != N_KEYWORD &&
        sema_node(s, ast_list_at(s->ast, sema_node(s, call)->list, 0))->kind != N_STARRED) {
        /* Color(2): the member with that value (a ValueError panic if none) */
        NodeId arg = ast_list_at(s->ast, sema_node(s, call)->list, 0);
        if (sema_expr_expect(s, arg, TYPE_INT, "the member value") == TYPE_ERROR) return TYPE_ERROR;
        return sema_sym(s, cls)->type;
    }
    if (ci->flags & CLS_ENUM) {
        sema_args_quiet(s, call);
        char what[128];
        snprintf(what, sizeof what, "calling the `Enum` class `%s`", cname);
        sema_unsupported(s, sema_node(s, call)->span, what);
        return TYPE_ERROR;
    }
    uint32_t cix = sema_sym(s, cls)->index;
    VEC(ParamSlot) slots = {0};
    Span def_at = ci->def ? sema_def_name_span(s, ci->def) : (Span){0, 0, 0};
    const ClassMethod *init = sema_class_method(s, cls, s->n.init);
    if (init) {
        const SemaFunc *f = &s->prog->funcs.items[init->func];
        def_at = sema_def_name_span(s, f->def);
        for (uint32_t i = 1; i < f->params.len; i++) {
            const Symbol *p = sema_sym(s, f->params.items[i]);
            ParamSlot sl = {.name = p->name, .type = p->type, .has_default = sema_node(s, p->decl)->b != 0};
            vec_push(&slots, sl);
        }
    } else {
        for (uint32_t i = 0; i < ci->fields.len; i++) {
            ClassField *fd = &ci->fields.items[i];
            ParamSlot sl = {.name = fd->name, .type = fd->type, .has_default = fd->dflt != 0};
            vec_push(&slots, sl);
        }
    }
    ci = &s->prog->classes.items[cix];
    uint32_t ntp = ci->tparams.len;
    SymId tps[16];
    TypeId targs[16] = {0};
    for (uint32_t i = 0; i < ntp && i < 16; i++) tps[i] = ci->tparams.items[i];
    if (ntp > 16) ntp = 16;
    /* an expected type of this very class fixes its arguments */
    if (hint && type_get(hint)->kind == TY_CLASS && type_get(hint)->sym == cls && type_get(hint)->nargs == ntp)
        for (uint32_t i = 0; i < ntp; i++) targs[i] = type_get(hint)->args[i];
    sema_bind_args(s, call, cname, slots.items, slots.len, tps, targs, ntp, def_at);
    vec_free(&slots);
    ci = &s->prog->classes.items[cix];
    for (uint32_t i = 0; i < ntp; i++) {
        if (targs[i]) continue;
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                  "cannot infer the type argument `%s` of `%s`",
                                  str_text(sema_sym(s, tps[i])->name), cname);
        diag_label(d, "type argument unknown");
        diag_help(d, "annotate the variable, e.g. `x: %s[int] = ...`", cname);
        diag_emit(d);
        return TYPE_ERROR;
    }
    TypeId t = ntp ? type_class(cls, targs, ntp) : ci->type;
    if (ntp) sema_record_inst(s, true, cix, targs, ntp);
    /* the callee: a function from the constructor arguments to the instance */
    TypeId ptypes[64];
    uint32_t np = 0;
    if (init) {
        const SemaFunc *f = &s->prog->funcs.items[init->func];
        for (uint32_t i = 1; i < f->params.len && np < 64; i++)
            ptypes[np++] = sema_member_type(s, t, sema_sym(s, f->params.items[i])->type);
    } else {
        for (uint32_t i = 0; i < ci->fields.len && np < 64; i++)
            ptypes[np++] = sema_member_type(s, t, ci->fields.items[i].type);
    }
    sema_node(s, callee)->type = type_func(ptypes, np, t);
    return t;
}

/* ==== Attributes ========================================================== */

void sema_unknown_attr(Sema *s, NodeId e, TypeId objt, StrId name, const char *const *cands, size_t ncands) {
    Node *n = sema_node(s, e);
    /* the attribute name ends the node: point at it */
    Span at = n->span;
    uint32_t len = str_len(name);
    if (at.hi >= at.lo + len) at.lo = at.hi - len;
    Diagnostic *d = sema_diag(s, CODE_NAME_ATTR, at, "`%s` has no attribute `%s`", type_name(objt),
                              str_text(name));
    diag_label(d, "unknown attribute");
    /* did-you-mean among the candidates */
    const char *best = NULL;
    uint32_t bestd = 3;
    for (size_t i = 0; i < ncands; i++) {
        const char *c = cands[i];
        size_t lc = strlen(c), ln = len;
        if (lc > 64 || ln > 64) continue;
        uint32_t row[65];
        for (uint32_t j = 0; j <= lc; j++) row[j] = j;
        const char *nt = str_text(name);
        for (uint32_t a = 1; a <= ln; a++) {
            uint32_t diag = row[0];
            row[0] = a;
            for (uint32_t j = 1; j <= lc; j++) {
                uint32_t up = row[j];
                uint32_t best2 = diag + (nt[a - 1] == c[j - 1] ? 0 : 1);
                if (up + 1 < best2) best2 = up + 1;
                if (row[j - 1] + 1 < best2) best2 = row[j - 1] + 1;
                row[j] = best2;
                diag = up;
            }
        }
        if (row[lc] < bestd && row[lc] < ln) {
            bestd = row[lc];
            best = c;
        }
    }
    if (best) diag_help(d, "did you mean `%s`?", best);
    diag_emit(d);
}

static void sema_unknown_class_attr(Sema *s, NodeId e, TypeId objt, SymId cls, StrId name) {
    ClassInfo *ci = sema_class(s, cls);
    VEC(const char *) c = {0};
    if (ci) {
        for (uint32_t i = 0; i < ci->fields.len; i++) vec_push(&c, str_text(ci->fields.items[i].name));
        for (uint32_t i = 0; i < ci->methods.len; i++) vec_push(&c, str_text(ci->methods.items[i].name));
        for (uint32_t i = 0; i < ci->members.len; i++) vec_push(&c, str_text(ci->members.items[i].name));
    }
    sema_unknown_attr(s, e, objt, name, c.items, c.len);
    vec_free(&c);
}

/* The type of method `fi` seen through instance type `inst`: bound drops self. */
static TypeId sema_method_type(const Sema *s, TypeId inst, uint32_t fi, bool bound) {
    const SemaFunc *f = &s->prog->funcs.items[fi];
    const Type *ft = type_get(f->type);
    if (ft->kind != TY_FUNC) return TYPE_ERROR;
    TypeId ps[64];
    uint32_t n = 0;
    for (uint32_t i = bound ? 1 : 0; i < ft->nargs && n < 64; i++)
        ps[n++] = sema_member_type(s, inst, type_get(f->type)->args[i]);
    return type_func(ps, n, sema_member_type(s, inst, type_get(f->type)->ret));
}

TypeId sema_class_attr(Sema *s, NodeId e, TypeId objt) {
    Node *n = sema_node(s, e);
    StrId name = n->name;
    SymId cls = type_get(objt)->sym;
    ClassInfo *ci = sema_class(s, cls);
    if (!ci) return TYPE_ERROR;
    if (ci->flags & CLS_ENUM) {
        if (name == s->n.name) return TYPE_STR;
        if (name == s->n.value) return TYPE_INT;
    }
    const ClassField *f = sema_class_field(s, cls, name);
    if (f) return sema_member_type(s, objt, f->type);
    const ClassMethod *m = sema_class_method(s, cls, name);
    if (m) {
        if (s->prog->funcs.items[m->func].tparams.len > ci->tparams.len) {
            sema_unsupported(s, n->span, "a generic method as a value");
            return TYPE_ERROR;
        }
        return sema_method_type(s, objt, m->func, true);
    }
    sema_unknown_class_attr(s, e, objt, cls, name);
    return TYPE_ERROR;
}

TypeId sema_class_static_attr(Sema *s, NodeId e, SymId cls) {
    Node *n = sema_node(s, e);
    ClassInfo *ci = sema_class(s, cls);
    if (!ci) return TYPE_ERROR;
    for (uint32_t i = 0; i < ci->members.len; i++)
        if (ci->members.items[i].name == n->name) return ci->type;
    const ClassMethod *m = sema_class_method(s, cls, n->name);
    if (m && !ci->tparams.len) return sema_method_type(s, ci->type, m->func, false);
    if (m) {
        sema_unsupported(s, n->span, "an unbound method of a generic class");
        return TYPE_ERROR;
    }
    sema_unknown_class_attr(s, e, ci->type, cls, n->name);
    return TYPE_ERROR;
}

TypeId sema_class_method_call(Sema *s, NodeId call, TypeId objt) {
    NodeId callee = sema_node(s, call)->a;
    Node *cn = sema_node(s, callee);
    StrId name = cn->name;
    SymId cls = type_get(objt)->sym;
    ClassInfo *ci = sema_class(s, cls);
    if (!ci) {
        sema_args_quiet(s, call);
        return TYPE_ERROR;
    }
    const ClassMethod *m = sema_class_method(s, cls, name);
    if (!m) {
        /* a field holding a function: call through it */
        const ClassField *f = sema_class_field(s, cls, name);
        if (f && type_get(sema_member_type(s, objt, f->type))->kind == TY_FUNC) return 0;
        if (!f && (ci->flags & CLS_ENUM) && (name == s->n.name || name == s->n.value)) return 0;
        if (!f && name == intern_cstr("clone")) {
            /* `.clone()` copies any object (SPEC section 5): a deep copy of
             * the same class, unless the class defines its own `clone` */
            char fname[160];
            snprintf(fname, sizeof fname, "%s.clone", str_text(ci->name));
            if (!sema_bind_args(s, call, fname, NULL, 0, NULL, NULL, 0, (Span){0, 0, 0})) {
                cn->type = TYPE_ERROR;
                return TYPE_ERROR;
            }
            cn->type = type_func(NULL, 0, objt);
            return objt;
        }
        if (!f) sema_unknown_class_attr(s, callee, objt, cls, name);
        else return 0;
        sema_args_quiet(s, call);
        cn->type = TYPE_ERROR;
        return TYPE_ERROR;
    }
    uint32_t fi = m->func;
    const SemaFunc *f = &s->prog->funcs.items[fi];
    VEC(ParamSlot) slots = {0};
    for (uint32_t i = 1; i < f->params.len; i++) {
        const Symbol *p = sema_sym(s, f->params.items[i]);
        ParamSlot sl = {.name = p->name, .type = sema_member_type(s, objt, p->type),
                        .has_default = sema_node(s, p->decl)->b != 0};
        vec_push(&slots, sl);
    }
    /* the method's own type parameters (after the class's) are inferred */
    f = &s->prog->funcs.items[fi];
    uint32_t own0 = ci->tparams.len;
    uint32_t ntp = f->tparams.len > own0 ? f->tparams.len - own0 : 0;
    SymId tps[16];
    TypeId targs[16] = {0};
    if (ntp > 16) ntp = 16;
    for (uint32_t i = 0; i < ntp; i++) tps[i] = f->tparams.items[own0 + i];
    char fname[160];
    snprintf(fname, sizeof fname, "%s.%s", str_text(ci->name), str_text(name));
    Span def_at = sema_def_name_span(s, f->def);
    sema_bind_args(s, call, fname, slots.items, slots.len, tps, targs, ntp, def_at);
    vec_free(&slots);
    f = &s->prog->funcs.items[fi];
    TypeId ret = sema_member_type(s, objt, f->ret);
    for (uint32_t i = 0; i < ntp; i++) {
        if (!targs[i]) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, call)->span,
                                      "cannot infer the type argument `%s` of `%s`",
                                      str_text(sema_sym(s, tps[i])->name), fname);
            diag_label(d, "type argument unknown");
            diag_emit(d);
            return TYPE_ERROR;
        }
    }
    if (ntp) {
        ret = type_subst(ret, tps, targs, ntp);
        sema_record_inst(s, false, fi, targs, ntp);
    }
    TypeId mt = sema_method_type(s, objt, fi, true);
    if (ntp) mt = type_subst(mt, tps, targs, ntp);
    sema_node(s, callee)->type = mt;
    /* an `async def` method gives a coroutine, as a function does */
    if (s->prog->funcs.items[fi].is_async && ret != TYPE_ERROR) ret = type_coro(ret);
    return ret;
}
