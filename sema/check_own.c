/* The ownership rules about parameters, checked on the typed AST after type
 * checking (docs/design/ownership.md). They are not flow-sensitive: what a
 * parameter is allowed to do depends only on how it is declared.
 *
 *  SIFR-OWN-0006  rebinding a parameter not declared `mut` (`n = n + 1`,
 *                 `n += 1`, `for n in ...`, `del n`).
 *  SIFR-OWN-0005  mutating through a parameter not declared `mut` (`self`
 *                 of a method without `mut self` included): storing into
 *                 a field or an element, a mutating method (`xs.append`, a
 *                 `mut self` method), or passing it on to a `mut`
 *                 parameter. A loop variable that borrows the elements of
 *                 such a parameter is immutable the same way.
 *  SIFR-OWN-0003  a borrowed parameter escaping the call: returned, stored
 *                 in a field or a container, or moved into an `own`
 *                 parameter. A field or element read out of a parameter is
 *                 a copy and may go anywhere; the parameter's own value may
 *                 not (the caller still owns it).
 *  SIFR-OWN-0002  one call borrowing a value mutably and also another way
 *                 (`f(xs, xs)` where the first parameter is `mut`):
 *                 arguments that may overlap, the receiver of a `mut self`
 *                 method included. Copy-type arguments are copies.
 * Use after move (SIFR-OWN-0001, -0004) is a dataflow check on the MIR
 * (mir_drops.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mir.h"
#include "sema.h"

typedef struct Own {
    const Program *p;
    const Ast *ast;
    const SemaFunc *f;
    SymId *alias; /* per symbol: the immutable parameter a loop variable borrows from */
    VEC(SymId) aliased; /* the symbols with an alias or lambda entry (reset per function) */
    NodeId *lambda;     /* per symbol: the lambda a local was last bound to (its captures go where it goes) */
    bool ok;
} Own;

static const Node *on(const Own *o, NodeId n) { return &o->ast->nodes.items[n]; }
static NodeId on_at(const Own *o, NodeList l, uint32_t i) { return ast_list_at(o->ast, l, i); }

/* The N_PARAM node of parameter symbol s of the current function, or NULL
 * when s is not one. */
static const Node *own_param(const Own *o, SymId s) {
    if (!s) return NULL;
    const Symbol *sym = prog_sym(o->p, s);
    if (sym->kind == SYM_LAMBDA_PARAM && sym->decl) return on(o, sym->decl); /* a lambda's: always shared */
    if (sym->kind != SYM_PARAM || !sym->decl) return NULL;
    for (uint32_t i = 0; i < o->f->params.len; i++)
        if (o->f->params.items[i] == s) return on(o, sym->decl);
    return NULL;
}

static bool own_param_is_mut(const Own *o, const Node *param, SymId s) {
    if (prog_sym(o->p, s)->kind == SYM_LAMBDA_PARAM) return false;
    if (param->flags & NF_MUT) return true;
    if (!o->f->cls || !o->f->params.len || o->f->params.items[0] != s) return false;
    /* __init__ sets up the object it is given, with or without `mut self` */
    return o->f->self_mut || o->f->name == intern_cstr("__init__");
}

/* The expression that e is a part of through fields and subscripts (e is
 * set to it). */
static const Node *own_whole(const Own *o, NodeId *e) {
    const Node *x = on(o, *e);
    while (x->kind == N_ATTR || x->kind == N_SUBSCRIPT) x = on(o, *e = x->a);
    return x;
}

/* The immutable parameter that expression e is a part of (through fields
 * and subscripts, and loop variables borrowing from it), or 0. */
static SymId own_imm_root(const Own *o, NodeId e) {
    if (!e) return 0;
    const Node *x = own_whole(o, &e);
    if (x->kind != N_NAME || !x->sym) return 0;
    if (o->alias[x->sym]) return o->alias[x->sym];
    const Node *param = own_param(o, x->sym);
    if (!param || own_param_is_mut(o, param, x->sym)) return 0;
    return x->sym;
}

/* The `x.get()` call that expression e is a part of when x is a Shared or
 * a read guard: values other tasks read at the same time, which nobody may
 * change (0 otherwise). */
static NodeId own_shared_read_root(const Own *o, NodeId e) {
    if (!e) return 0;
    const Node *x = own_whole(o, &e);
    if (x->kind != N_CALL || on(o, x->a)->kind != N_ATTR || strcmp(str_text(on(o, x->a)->name), "get")) return 0;
    TypeId t = on(o, on(o, x->a)->a)->type;
    SyncKind k = t ? type_sync_kind(t) : SK_NONE;
    return k == SK_SHARED || k == SK_READ ? e : 0;
}

/* SIFR-OWN-0005 at `at` for a change (`what`) through `x.get()` (above). */
static bool own_check_shared_read(Own *o, Span at, NodeId e, const char *what) {
    NodeId g = own_shared_read_root(o, e);
    if (!g) return false;
    TypeId t = on(o, on(o, on(o, g)->a)->a)->type;
    bool shared = type_sync_kind(t) == SK_SHARED;
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_MUTATE_IMMUTABLE, at, "cannot %s the value of a `%s`", what,
                             type_name(t));
    diag_label(d, "other tasks may be reading it at the same time");
    diag_help(d, "%s", shared ? "share a lock to change it: `Shared(Lock(value))`, then `lock()` and `set`"
                              : "take a `write()` guard to change it");
    diag_emit(d);
    o->ok = false;
    return true;
}

static bool own_is_self(const Own *o, SymId s) {
    return o->f->cls && o->f->params.len && o->f->params.items[0] == s;
}

static const char *own_name(const Own *o, SymId s) { return str_text(prog_sym(o->p, s)->name); }

static void own_note_param(const Own *o, Diagnostic *d, SymId s) {
    const Symbol *sym = prog_sym(o->p, s);
    if (sym->kind == SYM_LAMBDA_PARAM)
        diag_note(d, on(o, sym->decl)->span, "`%s` is a parameter of a lambda, which only borrows its arguments",
                  str_text(sym->name));
    else if (own_is_self(o, s))
        diag_note(d, on(o, sym->decl)->span, "`self` is immutable in a method declared without `mut self`");
    else
        diag_note(d, on(o, sym->decl)->span, "`%s` is declared here without `mut`", str_text(sym->name));
}

static void own_help_mut(const Own *o, Diagnostic *d, SymId s) {
    if (prog_sym(o->p, s)->kind == SYM_LAMBDA_PARAM)
        diag_help(d, "write a function with a `mut` parameter instead of the lambda");
    else if (own_is_self(o, s)) diag_help(d, "declare the method with `mut self` to let it change the object");
    else diag_help(d, "declare the parameter as `mut %s` to let the function change the caller's value", own_name(o, s));
}

/* SIFR-OWN-0005 at `at`: the change `what` ("assign to a field of") of
 * immutable parameter s. */
static void own_report_mutation(Own *o, Span at, SymId s, const char *what) {
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_MUTATE_IMMUTABLE, at, "cannot %s `%s`, which is not mutable", what,
                             own_name(o, s));
    diag_label(d, "mutation through an immutable %s", own_is_self(o, s) ? "`self`" : "parameter");
    own_note_param(o, d, s);
    own_help_mut(o, d, s);
    diag_emit(d);
    o->ok = false;
}

/* ---- SIFR-OWN-0006: rebinding -------------------------------------------- */

static void own_bind(Own *o, NodeId t) {
    if (!t) return;
    const Node *x = on(o, t);
    switch ((NodeKind)x->kind) {
    case N_WALRUS:
    case N_NAME: {
        const Node *param = own_param(o, x->sym);
        if (!param || own_param_is_mut(o, param, x->sym)) return;
        Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_REBIND_PARAM, x->span, "cannot assign to parameter `%s`",
                                 own_name(o, x->sym));
        diag_label(d, "rebinds an immutable parameter");
        own_note_param(o, d, x->sym);
        if (param->flags & NF_OWN)
            diag_help(d, "bind the new value to a new name, or declare the parameter as `own mut %s`",
                      own_name(o, x->sym));
        else
            diag_help(d, "bind the new value to a new name (`%s2 = ...`), or declare the parameter as `mut %s`",
                      own_name(o, x->sym), own_name(o, x->sym));
        diag_emit(d);
        o->ok = false;
        return;
    }
    case N_TUPLE:
    case N_LIST:
        for (uint32_t i = 0; i < x->list.count; i++) own_bind(o, on_at(o, x->list, i));
        return;
    case N_STARRED: own_bind(o, x->a); return;
    default: return;
    }
}

/* ---- SIFR-OWN-0003: escapes ---------------------------------------------- */

/* Is e, as a whole value, a mutably borrowed parameter (`mut x`, or `self`
 * of a `mut self` method) of a type that is not copied? Returns the
 * parameter's symbol or 0. A shared borrow that must become owned is
 * copied instead (docs/design/ownership.md). */
static SymId own_borrowed_param(const Own *o, NodeId e) {
    const Node *x = on(o, e);
    if (x->kind != N_NAME || !x->sym) return 0;
    const Node *param = own_param(o, x->sym);
    if (!param || (param->flags & NF_OWN) || !own_param_is_mut(o, param, x->sym)) return 0;
    if (mir_type_is_copy(prog_sym(o->p, x->sym)->type)) return 0;
    return x->sym;
}

static void own_report_escape(Own *o, Span at, SymId s, const char *how, bool captured);

/* Call fn on every N_NAME of the expression e (a lambda's body: the
 * names it may capture). */
static void own_each_name(Own *o, NodeId e, void (*fn)(Own *o, NodeId name, const void *ctx), const void *ctx) {
    if (!e) return;
    const Node *x = on(o, e);
    if (x->kind == N_NAME) {
        fn(o, e, ctx);
        return;
    }
    own_each_name(o, x->a, fn, ctx);
    own_each_name(o, x->b, fn, ctx);
    own_each_name(o, x->c, fn, ctx);
    for (uint32_t i = 0; i < x->list.count; i++) own_each_name(o, on_at(o, x->list, i), fn, ctx);
    for (uint32_t i = 0; i < x->list2.count; i++) own_each_name(o, on_at(o, x->list2, i), fn, ctx);
}

static void own_escape_name(Own *o, NodeId e, const void *how) {
    SymId s = own_borrowed_param(o, e);
    if (s) own_report_escape(o, on(o, e)->span, s, how, true);
}

/* A lambda that is `how` (returned, stored ...) outlives the call: a
 * mutably borrowed parameter it captures escapes with it. */
static void own_escape_capture(Own *o, NodeId e, const char *how) { own_each_name(o, e, own_escape_name, how); }

/* e flows, as a value, to where `how` says ("returned", "stored in a
 * field" ...): a borrowed parameter there escapes. Looks through
 * conditional expressions and `and`/`or`, whose value is an operand. */
static void own_escape(Own *o, NodeId e, const char *how) {
    if (!e) return;
    const Node *x = on(o, e);
    if (x->kind == N_IFEXP) {
        own_escape(o, x->b, how);
        own_escape(o, x->c, how);
        return;
    }
    if (x->kind == N_BOOLOP) {
        own_escape(o, x->a, how);
        own_escape(o, x->b, how);
        return;
    }
    if (x->kind == N_STARRED) {
        own_escape(o, x->a, how);
        return;
    }
    if (x->kind == N_LAMBDA) {
        own_escape_capture(o, x->a, how);
        return;
    }
    if (x->kind == N_NAME && x->sym && o->lambda[x->sym]) {
        own_escape_capture(o, on(o, o->lambda[x->sym])->a, how);
        return;
    }
    SymId s = own_borrowed_param(o, e);
    if (s) own_report_escape(o, x->span, s, how, false);
}

static void own_report_escape(Own *o, Span at, SymId s, const char *how, bool captured) {
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_ESCAPE, at, "mutably borrowed `%s` escapes: %s %s",
                             own_name(o, s), captured ? "a lambda capturing it is" : "it is", how);
    if (captured) diag_label(d, "captured here by a lambda that outlives the call");
    else diag_label(d, "`%s` is %s here", own_name(o, s), how);
    const Symbol *sym = prog_sym(o->p, s);
    bool self = own_is_self(o, s);
    diag_note(d, on(o, sym->decl)->span, "`%s` is lent to the call for its duration only (`mut`)", own_name(o, s));
    if (self) diag_help(d, "use a copy, `self.clone()`");
    else
        diag_help(d, "use a copy, `%s.clone()`, or declare the parameter as `own mut %s` to take it from the caller",
                  own_name(o, s), own_name(o, s));
    diag_emit(d);
    o->ok = false;
}

/* ---- calls ----------------------------------------------------------------- */

static bool own_in(const char *name, const char *const *set) {
    for (; *set; set++)
        if (!strcmp(name, *set)) return true;
    return false;
}

/* Does builtin method `name` of a receiver of type t change the receiver? */
static bool own_builtin_mutates(TypeId t, const char *name) {
    static const char *const list_m[] = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", NULL};
    static const char *const dict_m[] = {"pop", "popitem", "clear", "update", "setdefault", NULL};
    static const char *const set_m[] = {"add", "remove", "discard", "clear", "update", "pop", "difference_update",
                                        "intersection_update", "symmetric_difference_update", NULL};
    const Type *ty = type_get(t);
    if (!ty) return false;
    if (ty->kind == TY_LIST) return own_in(name, list_m);
    if (ty->kind == TY_DICT) return own_in(name, dict_m);
    if (ty->kind == TY_SET) return own_in(name, set_m);
    return false;
}

/* Builtin methods that store an argument in the receiver. */
static bool own_builtin_stores(TypeId t, const char *name) {
    static const char *const list_m[] = {"append", "insert", NULL};
    static const char *const set_m[] = {"add", NULL};
    static const char *const dict_m[] = {"setdefault", NULL};
    const Type *ty = type_get(t);
    if (!ty) return false;
    if (ty->kind == TY_LIST) return own_in(name, list_m);
    if (ty->kind == TY_SET) return own_in(name, set_m);
    if (ty->kind == TY_DICT) return own_in(name, dict_m);
    return false;
}

/* The user function a call runs (a function, a method, a class's
 * __init__ through its constructor), or -1; *self_arg is set when the
 * receiver is the first parameter. */
static int32_t own_callee(const Own *o, const Node *call, bool *self_arg, bool *ctor) {
    *self_arg = *ctor = false;
    const Node *c = on(o, call->a);
    if (c->kind == N_NAME && c->sym) {
        const Symbol *s = prog_sym(o->p, c->sym);
        if (s->kind == SYM_FUNC) return (int32_t)s->index;
        if (s->kind == SYM_CLASS) *ctor = true;
        return -1;
    }
    if (c->kind != N_ATTR) return -1;
    const Node *obj = on(o, c->a);
    if (obj->kind == N_NAME && obj->sym) {
        SymKind k = prog_sym(o->p, obj->sym)->kind;
        if (k == SYM_CLASS || k == SYM_TYPE || k == SYM_MODULE) {
            if (k == SYM_MODULE && c->sym && prog_sym(o->p, c->sym)->kind == SYM_FUNC)
                return (int32_t)prog_sym(o->p, c->sym)->index;
            if (k == SYM_MODULE && c->sym && prog_sym(o->p, c->sym)->kind == SYM_CLASS) *ctor = true;
            return -1;
        }
    }
    const ClassInfo *ci = prog_class_of(o->p, obj->type);
    if (!ci) return -1;
    for (uint32_t i = 0; i < ci->fields.len; i++)
        if (ci->fields.items[i].name == c->name) return -1; /* a function stored in a field */
    for (uint32_t i = ci->methods.len; i > 0; i--)
        if (ci->methods.items[i - 1].name == c->name) {
            *self_arg = true;
            return (int32_t)ci->methods.items[i - 1].func;
        }
    return -1;
}

/* One argument of a call, matched to its parameter. */
typedef struct OwnArg {
    NodeId e;
    bool mut, own;
} OwnArg;

/* The local an argument is a part of, and how: `path` holds the attribute
 * names from the local outwards (0 for a subscript: any element). */
typedef struct OwnPath {
    SymId root;
    StrId path[8];
    uint32_t len;
    bool deep; /* more than 8 steps: compared as overlapping */
} OwnPath;

static OwnPath own_path(const Own *o, NodeId e) {
    OwnPath p = {0};
    StrId rev[32];
    uint32_t n = 0;
    while (e) {
        const Node *x = on(o, e);
        if (x->kind == N_ATTR || x->kind == N_SUBSCRIPT) {
            if (n < 32) rev[n] = x->kind == N_ATTR ? x->name : 0;
            n++;
            e = x->a;
            continue;
        }
        if (x->kind == N_NAME && x->sym) {
            SymKind k = prog_sym(o->p, x->sym)->kind;
            if (k == SYM_LOCAL || k == SYM_PARAM) p.root = o->alias[x->sym] ? o->alias[x->sym] : x->sym;
        }
        break;
    }
    p.deep = n > 8;
    for (uint32_t i = 0; i < n && i < 8; i++) p.path[i] = rev[n - 1 - i];
    p.len = n < 8 ? n : 8;
    return p;
}

static bool own_overlap(const OwnPath *a, const OwnPath *b) {
    if (!a->root || a->root != b->root) return false;
    if (a->deep || b->deep) return true;
    uint32_t n = a->len < b->len ? a->len : b->len;
    for (uint32_t i = 0; i < n; i++)
        if (a->path[i] && b->path[i] && a->path[i] != b->path[i]) return false;
    return true;
}

/* Argument i of a call of user function f (parameters from `first`, after
 * a receiver): its parameter's N_PARAM and symbol, and in *val the value
 * passed (a keyword's value); NULL when it matches no plain parameter. */
static const Node *own_arg_param(const Own *o, const SemaFunc *f, uint32_t first, NodeList args, uint32_t i,
                                 NodeId *val, const Symbol **ps) {
    NodeId a = on_at(o, args, i);
    const Node *an = on(o, a);
    int32_t pi = -1;
    *val = a;
    if (an->kind == N_KEYWORD) {
        *val = an->a;
        for (uint32_t k = first; k < f->params.len; k++)
            if (prog_sym(o->p, f->params.items[k])->name == an->name) pi = (int32_t)k;
    } else if (an->kind != N_STARRED && first + i < f->params.len) {
        pi = (int32_t)(first + i);
    }
    if (pi < 0) return NULL;
    *ps = prog_sym(o->p, f->params.items[pi]);
    const Node *pn = (*ps)->decl ? on(o, (*ps)->decl) : NULL;
    return pn && pn->kind == N_PARAM ? pn : NULL;
}

static void own_call_args(Own *o, NodeId n) {
    const Node *call = on(o, n);
    bool self_arg, ctor;
    int32_t fi = own_callee(o, call, &self_arg, &ctor);
    const Node *c = on(o, call->a);
    OwnArg args[64];
    uint32_t na = 0;
    bool ns_call = c->kind == N_ATTR && c->sym && prog_sym(o->p, c->sym)->kind == SYM_BUILTIN; /* task.sleep */
    if (c->kind == N_ATTR && !ctor && !ns_call) {
        /* the receiver: builtin mutators and `mut self` methods change it */
        const char *m = str_text(c->name);
        const SemaFunc *mf = fi >= 0 ? &o->p->funcs.items[fi] : NULL;
        bool mutates = self_arg ? mf->self_mut : own_builtin_mutates(on(o, c->a)->type, m);
        SymId r = mutates ? own_imm_root(o, c->a) : 0;
        char what[96];
        snprintf(what, sizeof what, "call `%s()`, which changes its receiver, on", m);
        if (r) own_report_mutation(o, c->span, r, what);
        else if (mutates) own_check_shared_read(o, c->span, c->a, what);
        if (self_arg) args[na++] = (OwnArg){c->a, mf->self_mut, false};
        if (!self_arg && own_builtin_stores(on(o, c->a)->type, m))
            for (uint32_t i = 0; i < call->list.count; i++) {
                NodeId a = on_at(o, call->list, i);
                /* insert(i, x) stores its last argument */
                if (!strcmp(m, "insert") && i == 0) continue;
                own_escape(o, on(o, a)->kind == N_KEYWORD ? on(o, a)->a : a, "stored in a container");
            }
    }
    if (ctor) {
        for (uint32_t i = 0; i < call->list.count; i++) {
            NodeId a = on_at(o, call->list, i);
            own_escape(o, on(o, a)->kind == N_KEYWORD ? on(o, a)->a : a, "stored in a field");
        }
        return;
    }
    if (c->kind == N_NAME && c->sym && prog_sym(o->p, c->sym)->kind == SYM_BUILTIN) {
        const char *b = str_text(c->name);
        if (!strcmp(b, "Ok") || !strcmp(b, "Err") || !strcmp(b, "Some"))
            for (uint32_t i = 0; i < call->list.count; i++) own_escape(o, on_at(o, call->list, i), "stored in a result");
        return;
    }
    if (fi < 0) return;
    const SemaFunc *f = &o->p->funcs.items[fi];
    uint32_t first = self_arg ? 1 : 0;
    for (uint32_t i = 0; i < call->list.count && na < 64; i++) {
        NodeId val;
        const Symbol *ps;
        const Node *pn = own_arg_param(o, f, first, call->list, i, &val, &ps);
        if (!pn) continue;
        bool mut = pn->flags & NF_MUT, own = pn->flags & NF_OWN;
        if (mut && !own) {
            SymId r = own_imm_root(o, val);
            char what[96];
            snprintf(what, sizeof what, "lend to `mut %s` a part of", str_text(ps->name));
            if (r && !mir_type_is_copy(on(o, val)->type)) own_report_mutation(o, on(o, val)->span, r, what);
            else if (!r && !mir_type_is_copy(on(o, val)->type)) own_check_shared_read(o, on(o, val)->span, val, what);
        }
        if (own) own_escape(o, val, "moved into an `own` parameter");
        args[na++] = (OwnArg){val, mut && !own, own};
    }
    /* SIFR-OWN-0002: a mutable borrow next to another use of the same value */
    for (uint32_t i = 0; i < na; i++) {
        if (!args[i].mut) continue;
        OwnPath pi = own_path(o, args[i].e);
        if (!pi.root) continue;
        for (uint32_t j = 0; j < na; j++) {
            if (j == i || mir_type_is_copy(on(o, args[j].e)->type)) continue;
            if (args[j].mut && j < i) continue; /* the pair was reported from j */
            OwnPath pj = own_path(o, args[j].e);
            if (!own_overlap(&pi, &pj)) continue;
            NodeId later = args[i].e, earlier = args[j].e;
            if (on(o, later)->span.lo < on(o, earlier)->span.lo) {
                NodeId t = later;
                later = earlier;
                earlier = t;
            }
            const char *nm = own_name(o, pi.root);
            Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_CONFLICTING_BORROWS, on(o, later)->span,
                                     "`%s` is borrowed mutably and also used in the same call", nm);
            diag_label(d, "a second borrow of `%s` while the call may change it", nm);
            diag_note(d, on(o, earlier)->span, "the other borrow of `%s` is here", nm);
            diag_help(d, "pass a copy (`.clone()`) as the argument that is only read, or make two calls");
            diag_emit(d);
            o->ok = false;
            i = na; /* one report per call */
            break;
        }
    }
}

/* ---- spawn (SIFR-OWN-0010) ------------------------------------------------ */

static void own_report_send(Own *o, Span at, const char *what, const char *help, TypeId culprit) {
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_SEND_SPAWN, at, "%s crosses `spawn`", what);
    diag_label(d, "the new task may run on another worker, after this statement");
    if (culprit) diag_help(d, "`%s` is not sendable; %s", type_name(culprit), help);
    else diag_help(d, "%s", help);
    diag_emit(d);
    o->ok = false;
}

/* A name captured by a lambda given to spawn_blocking / spawn_cpu: its
 * value goes to another thread (as a copy), so it must be sendable. */
static void own_send_capture(Own *o, NodeId e, const void *ctx) {
    (void)ctx;
    const Node *x = on(o, e);
    if (!x->sym) return;
    SymKind k = prog_sym(o->p, x->sym)->kind;
    TypeId culprit = 0;
    if ((k == SYM_LOCAL || k == SYM_PARAM) && !own_type_sendable(o->p, x->type, &culprit)) {
        char what[160];
        snprintf(what, sizeof what, "a captured `%s` (`%s`)", type_name(x->type), str_text(x->name));
        own_report_send(o, x->span, what, "compute what the function needs first and capture that", culprit);
    }
}

/* `scope.spawn(f(args))`: the coroutine's arguments go to another task.
 * Each must be owned by it (an `own` parameter, a copy type, or a string
 * literal, which lives as long as the program) and sendable. */
static void own_spawn_args(Own *o, NodeId n) {
    const Node *call = on(o, n);
    const Node *c = on(o, call->a);
    const Symbol *cs = c->sym ? prog_sym(o->p, c->sym) : NULL;
    if (cs && cs->kind == SYM_BUILTIN && (cs->index == BI_TASK_SPAWN_BLOCKING || cs->index == BI_TASK_SPAWN_CPU)) {
        if (call->list.count == 1 && on(o, on_at(o, call->list, 0))->kind == N_LAMBDA)
            own_each_name(o, on(o, on_at(o, call->list, 0))->a, own_send_capture, NULL);
        return;
    }
    if (c->kind != N_ATTR || strcmp(str_text(c->name), "spawn") || !call->list.count) return;
    TypeKind rk = type_get(on(o, c->a)->type) ? type_get(on(o, c->a)->type)->kind : TY_ERROR;
    if (rk != TY_TASK_SCOPE && rk != TY_TASK_GROUP) return;
    NodeId co = on_at(o, call->list, 0);
    if (on(o, co)->kind != N_CALL) return;
    const Node *cc = on(o, co);
    bool self_arg, ctor;
    int32_t fi = own_callee(o, cc, &self_arg, &ctor);
    if (fi < 0) return;
    const SemaFunc *f = &o->p->funcs.items[fi];
    if (self_arg && !mir_type_is_copy(on(o, on(o, cc->a)->a)->type)) {
        own_report_send(o, on(o, on(o, cc->a)->a)->span, "a borrowed `self`",
                        "spawn a function that takes what it needs as `own` parameters", 0);
        return;
    }
    uint32_t first = self_arg ? 1 : 0;
    for (uint32_t i = 0; i < cc->list.count; i++) {
        NodeId val;
        const Symbol *ps;
        const Node *pn = own_arg_param(o, f, first, cc->list, i, &val, &ps);
        if (!pn) continue;
        TypeId t = on(o, val)->type;
        char what[160];
        if (pn->flags & NF_OWN) {
            TypeId culprit = 0;
            if (!own_type_sendable(o->p, t, &culprit)) {
                snprintf(what, sizeof what, "a `%s` (for `%s`)", type_name(t), str_text(ps->name));
                own_report_send(o, on(o, val)->span, what, "keep it in this task and send what the task needs",
                                culprit);
            }
            continue;
        }
        if (pn->flags & NF_MUT) {
            snprintf(what, sizeof what, "a mutable borrow (for `mut %s`)", str_text(ps->name));
            own_report_send(o, on(o, val)->span, what,
                            "give the task its own value (`own` parameter) and take the result back from its handle", 0);
            continue;
        }
        if (mir_type_is_copy(t) || on(o, val)->kind == N_STR) continue;
        snprintf(what, sizeof what, "a borrowed `%s` (for `%s`)", type_name(t), str_text(ps->name));
        char help[200];
        snprintf(help, sizeof help, "declare the parameter `own %s: %s` and pass the value (or a `.clone()` of it)",
                 str_text(ps->name), type_name(t));
        own_report_send(o, on(o, val)->span, what, help, 0);
    }
}

/* ---- sifr.sync payloads (SIFR-OWN-0011, -0012) ---------------------------- */

/* Can every task that shares a value of type t read it without a lock?
 * Values without mutable parts (scalars, str, bytes, functions, and
 * tuples, Options, Results and classes made of them) and the sync values
 * that synchronise themselves. *culprit: the innermost type that is not. */
static bool own_type_immutable(const Program *p, TypeId t, TypeId *culprit, uint32_t depth) {
    const Type *ty = type_get(t);
    if (!ty || depth > 16) return true;
    switch (ty->kind) {
    case TY_LIST: case TY_DICT: case TY_SET:
        *culprit = t;
        return false;
    case TY_TUPLE: case TY_OPTION: case TY_RESULT:
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!own_type_immutable(p, ty->args[i], culprit, depth + 1)) return false;
        return true;
    case TY_CLASS: {
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!own_type_immutable(p, ty->args[i], culprit, depth + 1)) return false;
        const ClassInfo *ci = prog_class_of(p, t);
        for (uint32_t i = 0; ci && i < ci->fields.len; i++) {
            TypeId ft = ci->fields.items[i].type;
            if (type_has_typevar(ft)) continue; /* covered by the type arguments */
            if (!own_type_immutable(p, ft, culprit, depth + 1)) return false;
        }
        return true;
    }
    case TY_SYNC: {
        SyncKind k = (SyncKind)ty->sym;
        if (k == SK_RECEIVER) { /* one task receives */
            *culprit = t;
            return false;
        }
        return true;
    }
    default: return true;
    }
}

/* channel() / bounded_channel(n) of a payload that cannot cross tasks, and
 * Shared(v) of a value that is mutable or cannot cross tasks. */
static void own_sync_call(Own *o, NodeId n) {
    const Node *call = on(o, n);
    const Node *c = on(o, call->a);
    const Symbol *cs = c->sym ? prog_sym(o->p, c->sym) : NULL;
    if (!cs || cs->kind != SYM_BUILTIN || call->type == TYPE_ERROR) return;
    TypeId culprit = 0;
    if (cs->index == BI_SYNC_CHANNEL || cs->index == BI_SYNC_BOUNDED_CHANNEL) {
        TypeId t = type_get(type_get(call->type)->args[0])->args[0];
        if (own_type_sendable(o->p, t, &culprit)) return;
        Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_SEND_CHANNEL, call->span,
                                 "a channel of `%s` would send values that cannot cross tasks", type_name(t));
        diag_label(d, "its values go from one task to another");
        diag_help(d, "`%s` is not sendable; send owned, sendable values (what the receiver needs)",
                  type_name(culprit ? culprit : t));
        diag_emit(d);
        o->ok = false;
        return;
    }
    if (cs->index != BI_SYNC_SHARED) return;
    TypeId t = type_get(call->type)->args[0];
    bool send = own_type_sendable(o->p, t, &culprit);
    if (send && own_type_immutable(o->p, t, &culprit, 0)) return;
    Diagnostic *d = diag_new(SEV_ERROR, CODE_OWN_SHARED_MUTABLE, call->span, "`Shared` of a%s `%s`",
                             send ? " mutable" : " value that cannot cross tasks,", type_name(t));
    diag_label(d, "every task holding the Shared reads it at once, without a lock");
    if (send)
        diag_help(d, "`%s` can change; wrap it in a lock: `Shared(Lock(value))`", type_name(culprit ? culprit : t));
    else
        diag_help(d, "`%s` is not sendable", type_name(culprit ? culprit : t));
    diag_emit(d);
    o->ok = false;
}

/* ---- the walk ------------------------------------------------------------- */

static void own_expr(Own *o, NodeId e);
static void own_stmts(Own *o, NodeList l);

static void own_list(Own *o, NodeList l) {
    for (uint32_t i = 0; i < l.count; i++) own_expr(o, on_at(o, l, i));
}

static void own_expr(Own *o, NodeId e) {
    if (!e) return;
    const Node *x = on(o, e);
    switch ((NodeKind)x->kind) {
    case N_LAMBDA:
        own_expr(o, x->a); /* its parameters are immutable roots too */
        return;
    case N_FUNC_DEF:
    case N_CLASS_DEF:
        return; /* their own functions */
    case N_CALL:
        own_expr(o, x->a);
        own_list(o, x->list);
        own_call_args(o, e);
        own_spawn_args(o, e);
        own_sync_call(o, e);
        return;
    case N_LIST:
    case N_SET:
        for (uint32_t i = 0; i < x->list.count; i++) {
            own_escape(o, on_at(o, x->list, i), "stored in a container");
            own_expr(o, on_at(o, x->list, i));
        }
        return;
    case N_TUPLE:
        for (uint32_t i = 0; i < x->list.count; i++) {
            own_escape(o, on_at(o, x->list, i), "stored in a tuple");
            own_expr(o, on_at(o, x->list, i));
        }
        return;
    case N_DICT_ITEM:
        own_escape(o, x->a, "stored in a container");
        own_escape(o, x->b, "stored in a container");
        break;
    case N_WALRUS:
        own_bind(o, e); /* `(n := ...)` rebinds n */
        break;
    case N_COMP:
        own_escape(o, x->a, "stored in a container");
        own_escape(o, x->b, "stored in a container");
        break;
    default: break;
    }
    own_expr(o, x->a);
    own_expr(o, x->b);
    own_expr(o, x->c);
    own_list(o, x->list);
    own_list(o, x->list2);
}

/* A store target: `p.f = v`, `p[i] = v`, `del p[i]`, or a rebinding. */
static void own_target(Own *o, NodeId t, const char *what) {
    if (!t) return;
    const Node *x = on(o, t);
    if (x->kind == N_ATTR || x->kind == N_SUBSCRIPT) {
        SymId r = own_imm_root(o, x->a);
        char msg[64];
        snprintf(msg, sizeof msg, "%s %s of", what, x->kind == N_ATTR ? "a field" : "an element");
        if (r) own_report_mutation(o, x->span, r, msg);
        else own_check_shared_read(o, x->span, x->a, msg);
        own_expr(o, x->a);
        if (x->kind == N_SUBSCRIPT) own_expr(o, x->b);
        return;
    }
    if (x->kind == N_TUPLE || x->kind == N_LIST) {
        for (uint32_t i = 0; i < x->list.count; i++) own_target(o, on_at(o, x->list, i), what);
        return;
    }
    if (x->kind == N_STARRED) {
        own_target(o, x->a, what);
        return;
    }
    own_bind(o, t);
}

/* How many places in the function bind symbol s (assignments, loop and
 * `with` targets). */
static uint32_t own_bindings(const Own *o, NodeId t, SymId s) {
    if (!t) return 0;
    const Node *x = on(o, t);
    if (x->kind == N_NAME) return x->sym == s;
    uint32_t n = 0;
    if (x->kind == N_TUPLE || x->kind == N_LIST)
        for (uint32_t i = 0; i < x->list.count; i++) n += own_bindings(o, on_at(o, x->list, i), s);
    if (x->kind == N_STARRED) n += own_bindings(o, x->a, s);
    return n;
}

static uint32_t own_count_bindings(const Own *o, NodeList body, SymId s) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < body.count; i++) {
        const Node *x = on(o, on_at(o, body, i));
        switch ((NodeKind)x->kind) {
        case N_ASSIGN:
            for (uint32_t k = 0; k < x->list.count; k++) n += own_bindings(o, on_at(o, x->list, k), s);
            break;
        case N_ANN_ASSIGN:
        case N_AUG_ASSIGN: n += own_bindings(o, x->a, s); break;
        case N_FOR:
            n += own_bindings(o, x->a, s);
            n += own_count_bindings(o, x->list, s) + own_count_bindings(o, x->list2, s);
            break;
        case N_WHILE:
        case N_IF: n += own_count_bindings(o, x->list, s) + own_count_bindings(o, x->list2, s); break;
        case N_WITH:
            for (uint32_t k = 0; k < x->list.count; k++) n += own_bindings(o, on(o, on_at(o, x->list, k))->b, s);
            n += own_count_bindings(o, x->list2, s);
            break;
        case N_TRY:
            n += own_count_bindings(o, x->list, s) + own_count_bindings(o, x->list3, s) +
                 own_count_bindings(o, x->list4, s);
            for (uint32_t k = 0; k < x->list2.count; k++) n += own_count_bindings(o, on(o, on_at(o, x->list2, k))->list, s);
            break;
        case N_MATCH:
            for (uint32_t k = 0; k < x->list.count; k++) n += 1 + own_count_bindings(o, on(o, on_at(o, x->list, k))->list, s);
            break;
        default: break;
        }
    }
    return n;
}

/* `f = lambda: ...`: remember the lambda, so that where f goes its
 * captures go (a plain name target; any other value forgets it). */
static void own_note_lambda(Own *o, NodeId target, NodeId value) {
    const Node *t = on(o, target);
    if (t->kind != N_NAME || !t->sym) return;
    NodeId lam = value && on(o, value)->kind == N_LAMBDA ? value : 0;
    if (lam && !o->lambda[t->sym]) vec_push(&o->aliased, t->sym);
    o->lambda[t->sym] = lam;
}

static void own_stmt(Own *o, NodeId n) {
    const Node *x = on(o, n);
    switch ((NodeKind)x->kind) {
    case N_EXPR_STMT: own_expr(o, x->a); return;
    case N_ASSIGN: {
        own_expr(o, x->a);
        for (uint32_t i = 0; i < x->list.count; i++) own_note_lambda(o, on_at(o, x->list, i), x->a);
        bool store = false;
        for (uint32_t i = 0; i < x->list.count; i++) {
            const Node *t = on(o, on_at(o, x->list, i));
            if (t->kind == N_ATTR) own_escape(o, x->a, "stored in a field"), store = true;
            else if (t->kind == N_SUBSCRIPT && !store) own_escape(o, x->a, "stored in a container"), store = true;
            own_target(o, on_at(o, x->list, i), "assign to");
        }
        return;
    }
    case N_ANN_ASSIGN:
        own_expr(o, x->c);
        own_note_lambda(o, x->a, x->c);
        if (x->c && on(o, x->a)->kind == N_ATTR) own_escape(o, x->c, "stored in a field");
        if (x->c) own_target(o, x->a, "assign to");
        return;
    case N_AUG_ASSIGN:
        own_expr(o, x->b);
        own_target(o, x->a, "change");
        return;
    case N_DEL:
        for (uint32_t i = 0; i < x->list.count; i++) own_target(o, on_at(o, x->list, i), "delete");
        return;
    case N_RETURN:
        own_expr(o, x->a);
        own_escape(o, x->a, "returned");
        return;
    case N_RAISE:
        own_expr(o, x->a);
        own_escape(o, x->a, "raised");
        own_expr(o, x->b);
        return;
    case N_ASSERT:
        own_expr(o, x->a);
        own_expr(o, x->b);
        return;
    case N_IF:
    case N_WHILE:
        own_expr(o, x->a);
        own_stmts(o, x->list);
        own_stmts(o, x->list2);
        return;
    case N_FOR: {
        own_expr(o, x->b);
        own_bind(o, x->a);
        /* a loop variable that borrows the elements of an immutable
         * parameter (the only place binding it) is immutable too */
        const Node *t = on(o, x->a);
        SymId r = own_imm_root(o, x->b);
        if (r && t->kind == N_NAME && t->sym && !mir_type_is_copy(t->type) &&
            own_count_bindings(o, on(o, o->f->def)->list2, t->sym) == 1) {
            o->alias[t->sym] = r;
            vec_push(&o->aliased, t->sym);
        }
        own_stmts(o, x->list);
        own_stmts(o, x->list2);
        return;
    }
    case N_WITH:
        for (uint32_t i = 0; i < x->list.count; i++) {
            const Node *it = on(o, on_at(o, x->list, i));
            own_expr(o, it->a);
            own_bind(o, it->b);
        }
        own_stmts(o, x->list2);
        return;
    case N_TRY:
        own_stmts(o, x->list);
        for (uint32_t i = 0; i < x->list2.count; i++) own_stmts(o, on(o, on_at(o, x->list2, i))->list);
        own_stmts(o, x->list3);
        own_stmts(o, x->list4);
        return;
    case N_MATCH:
        own_expr(o, x->a);
        for (uint32_t i = 0; i < x->list.count; i++) {
            const Node *c = on(o, on_at(o, x->list, i));
            own_expr(o, c->b);
            own_stmts(o, c->list);
        }
        return;
    default: return; /* pass, break, continue, nested defs (checked as their own functions) ... */
    }
}

static void own_stmts(Own *o, NodeList l) {
    for (uint32_t i = 0; i < l.count; i++) own_stmt(o, on_at(o, l, i));
}

/* Time spent in the ownership checks, for `sifr --time`. */
static uint64_t g_own_ns;

uint64_t own_clock_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void own_time_add(uint64_t ns) { g_own_ns += ns; }
uint64_t sema_ownership_ns(void) { return g_own_ns; }

bool sema_check_ownership(const Program *p) {
    uint64_t t0 = own_clock_ns();
    Own o = {.p = p, .ast = p->ast, .ok = true};
    o.alias = calloc(p->syms.len ? p->syms.len : 1, sizeof *o.alias);
    o.lambda = calloc(p->syms.len ? p->syms.len : 1, sizeof *o.lambda);
    for (uint32_t fi = 0; fi < p->funcs.len; fi++) {
        const SemaFunc *f = &p->funcs.items[fi];
        if (!f->def || f->rt_symbol) continue;
        const Node *def = &p->ast->nodes.items[f->def];
        o.f = f;
        for (uint32_t i = 0; i < o.aliased.len; i++) /* the last function's */
            o.alias[o.aliased.items[i]] = 0, o.lambda[o.aliased.items[i]] = 0;
        o.aliased.len = 0;
        if (def->kind == N_LAMBDA) { /* its body is the value it returns */
            own_expr(&o, def->a);
            own_escape(&o, def->a, "returned");
        } else if (def->kind == N_FUNC_DEF) {
            own_stmts(&o, def->list2);
        }
    }
    free(o.alias);
    free(o.lambda);
    vec_free(&o.aliased);
    own_time_add(own_clock_ns() - t0);
    return o.ok;
}
