/* Exhaustiveness of `match` (SPEC 3: a `match` must be exhaustive): the
 * usefulness test on pattern matrices (Maranget, "Warnings for pattern
 * matching", 2007), which sees through nested patterns, with a witness of
 * a missing case for the SIFR-MATCH-0001 diagnostic. */
#include "sema_internal.h"

#include <stdarg.h>

/* A pattern matrix: nrows rows of ncols patterns; 0 is a wildcard. */
typedef struct Mx {
    NodeId *cells;
    uint32_t nrows, ncols;
} Mx;

/* The constructors of a type, as far as patterns can name them. An open
 * type (int, str, lists, ...) has too many to list: only a wildcard covers
 * it. */
typedef enum MxSig { SIG_OPEN, SIG_BOOL, SIG_OPTION, SIG_RESULT, SIG_TUPLE, SIG_ENUM, SIG_CLASS, SIG_UNIT } MxSig;

static char *mx_strf(const char *fmt, ...) {
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *out = xmalloc((size_t)n + 1);
    vsnprintf(out, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return out;
}

/* A pattern with captures, `as` and wildcards seen as what they test
 * (0 = matches everything). */
static NodeId mx_norm(const Sema *s, NodeId p) {
    while (p) {
        const Node *n = sema_node(s, p);
        if (n->kind == N_PAT_AS) p = n->a;
        else if (n->kind == N_PAT_CAPTURE || n->kind == N_PAT_WILDCARD || n->kind == N_POISON) p = 0;
        else break;
    }
    return p;
}

static const ClassInfo *mx_class(const Sema *s, TypeId t) {
    const Type *ty = type_get(t);
    return ty->kind == TY_CLASS ? sema_class(s, ty->sym) : NULL;
}

static MxSig mx_sig(const Sema *s, TypeId t, uint32_t *nctors) {
    const Type *ty = type_get(t);
    *nctors = 0;
    if (t == TYPE_BOOL) return *nctors = 2, SIG_BOOL;
    if (t == TYPE_NONE) return *nctors = 1, SIG_UNIT;
    if (ty->kind == TY_OPTION) return *nctors = 2, SIG_OPTION;
    if (ty->kind == TY_RESULT) return *nctors = 2, SIG_RESULT;
    if (ty->kind == TY_TUPLE) return *nctors = 1, SIG_TUPLE;
    const ClassInfo *ci = mx_class(s, t);
    if (ci && (ci->flags & CLS_ENUM)) return ci->members.len ? (*nctors = ci->members.len, SIG_ENUM) : SIG_OPEN;
    if (ci) return *nctors = 1, SIG_CLASS;
    return SIG_OPEN;
}

/* The constructor of type `t` that pattern `p` (normalized, not 0) tests,
 * or -1 when it names none of them (a literal of an open type, a pattern
 * of a derived class). */
static int mx_ctor(const Sema *s, NodeId p, TypeId t, MxSig sig) {
    const Node *n = sema_node(s, p);
    const Node *v = n->kind == N_PAT_VALUE ? sema_node(s, n->a) : NULL;
    switch (sig) {
    case SIG_BOOL: return v && v->kind == N_BOOL ? (v->v.bval ? 0 : 1) : -1;
    case SIG_UNIT: return v && v->kind == N_NONE ? 0 : -1;
    case SIG_OPTION: return v && v->kind == N_NONE ? 0 : 1; /* anything else tests the present value */
    case SIG_RESULT:
        if (n->kind != N_PAT_CLASS || n->list.count != 1) return -1;
        return !strcmp(str_text(sema_node(s, n->a)->name), "Ok") ? 0 : 1;
    case SIG_TUPLE: return n->kind == N_PAT_SEQUENCE && n->list.count == type_get(t)->nargs ? 0 : -1;
    case SIG_ENUM: {
        if (!v || v->kind != N_ATTR) return -1;
        const ClassInfo *ci = mx_class(s, t);
        for (uint32_t i = 0; i < ci->members.len; i++)
            if (ci->members.items[i].name == v->name) return (int)i;
        return -1;
    }
    case SIG_CLASS: {
        /* a pattern of the subject's class or of a base class tests fields only */
        TypeId pt = n->kind == N_PAT_CLASS ? n->type : 0;
        if (!pt || pt == TYPE_ERROR || type_get(pt)->kind != TY_CLASS) return -1;
        return sema_class_derives(s, type_get(t)->sym, type_get(pt)->sym) ? 0 : -1;
    }
    case SIG_OPEN: return -1;
    }
    return -1;
}

static uint32_t mx_arity(const Sema *s, TypeId t, MxSig sig, int c) {
    switch (sig) {
    case SIG_OPTION: return c == 1;
    case SIG_RESULT: return 1;
    case SIG_TUPLE: return type_get(t)->nargs;
    case SIG_CLASS: return mx_class(s, t)->fields.len;
    default: return 0;
    }
}

static TypeId mx_field_type(const Sema *s, TypeId t, MxSig sig, int c, uint32_t i) {
    const Type *ty = type_get(t);
    switch (sig) {
    case SIG_OPTION: return ty->args[0];
    case SIG_RESULT: return ty->args[c];
    case SIG_TUPLE: return ty->args[i];
    case SIG_CLASS: return sema_member_type(s, t, mx_class(s, t)->fields.items[i].type);
    default: ICE("exhaustiveness: a field of a constructor without fields");
    }
}

/* The sub-patterns of `p` (of constructor c of `t`) by field, 0 where the
 * pattern leaves a field open. */
static void mx_subs(const Sema *s, NodeId p, TypeId t, MxSig sig, uint32_t arity, NodeId *out) {
    const Node *n = sema_node(s, p);
    for (uint32_t i = 0; i < arity; i++) out[i] = 0;
    switch (sig) {
    case SIG_OPTION: out[0] = p; return; /* the pattern tests the present value itself */
    case SIG_RESULT: out[0] = ast_list_at(s->ast, n->list, 0); return;
    case SIG_TUPLE:
        for (uint32_t i = 0; i < arity; i++) out[i] = ast_list_at(s->ast, n->list, i);
        return;
    case SIG_CLASS: {
        const ClassInfo *ci = mx_class(s, t);
        for (uint32_t i = 0; i < n->list.count && i < arity; i++) out[i] = ast_list_at(s->ast, n->list, i);
        for (uint32_t k = 0; k < n->list2.count; k++) {
            const Node *kw = sema_node(s, ast_list_at(s->ast, n->list2, k));
            for (uint32_t i = 0; i < ci->fields.len; i++)
                if (ci->fields.items[i].name == kw->name) out[i] = kw->a;
        }
        return;
    }
    default: return;
    }
}

/* Rows whose first pattern is an `|` become one row per alternative. */
static Mx mx_expand(const Sema *s, const Mx *m) {
    Mx out = {.ncols = m->ncols};
    uint32_t cap = m->nrows + 4;
    out.cells = xmalloc(sizeof *out.cells * cap * m->ncols);
    VEC(NodeId) todo = {0};
    for (uint32_t r = 0; r < m->nrows; r++) {
        vec_push(&todo, m->cells[r * m->ncols]);
        while (todo.len) {
            NodeId h = mx_norm(s, todo.items[--todo.len]);
            if (h && sema_node(s, h)->kind == N_PAT_OR) {
                const Node *o = sema_node(s, h);
                for (uint32_t i = o->list.count; i > 0; i--) vec_push(&todo, ast_list_at(s->ast, o->list, i - 1));
                continue;
            }
            if (out.nrows == cap) {
                cap *= 2;
                out.cells = xrealloc(out.cells, sizeof *out.cells * cap * m->ncols);
            }
            NodeId *row = out.cells + (size_t)out.nrows++ * m->ncols;
            memcpy(row, m->cells + (size_t)r * m->ncols, sizeof *row * m->ncols);
            row[0] = h;
        }
    }
    vec_free(&todo);
    return out;
}

/* The witness text of constructor c of `t` with field witnesses w. */
static char *mx_show(const Sema *s, TypeId t, MxSig sig, int c, char **w, uint32_t arity) {
    switch (sig) {
    case SIG_BOOL: return mx_strf("%s", c ? "False" : "True");
    case SIG_UNIT: return mx_strf("None");
    case SIG_OPTION: return c ? mx_strf("%s", w[0]) : mx_strf("None");
    case SIG_RESULT: return mx_strf("%s(%s)", c ? "Err" : "Ok", w[0]);
    case SIG_ENUM: {
        const ClassInfo *ci = mx_class(s, t);
        return mx_strf("%s.%s", str_text(ci->name), str_text(ci->members.items[c].name));
    }
    case SIG_TUPLE:
    case SIG_CLASS: {
        const ClassInfo *ci = sig == SIG_CLASS ? mx_class(s, t) : NULL;
        char *acc = mx_strf("%s(", ci ? str_text(ci->name) : "");
        bool first = true;
        for (uint32_t i = 0; i < arity; i++) {
            if (ci && !strcmp(w[i], "_")) continue;
            char *next = ci ? mx_strf("%s%s%s=%s", acc, first ? "" : ", ", str_text(ci->fields.items[i].name), w[i])
                            : mx_strf("%s%s%s", acc, first ? "" : ", ", w[i]);
            free(acc);
            acc = next;
            first = false;
        }
        char *done = mx_strf("%s%s)", acc, !ci && arity == 1 ? "," : "");
        free(acc);
        return done;
    }
    case SIG_OPEN: break;
    }
    return mx_strf("_");
}

/* Is some value of the column types `types` matched by no row of `m`? On
 * true, wit[0..ncols) holds a missing case per column (caller frees). */
static bool mx_missing(const Sema *s, const Mx *m0, const TypeId *types, char **wit) {
    uint32_t nc = m0->ncols;
    if (!nc) return m0->nrows == 0;
    TypeId t = types[0];
    if (t == TYPE_ERROR) return false; /* already diagnosed */
    Mx m = mx_expand(s, m0);
    uint32_t nctors;
    MxSig sig = mx_sig(s, t, &nctors);
    bool *seen = xcalloc(nctors + 1, sizeof *seen);
    uint32_t nseen = 0;
    for (uint32_t r = 0; r < m.nrows; r++) {
        NodeId h = m.cells[(size_t)r * nc];
        int c = h ? mx_ctor(s, h, t, sig) : -1;
        if (c >= 0 && !seen[c]) seen[c] = true, nseen++;
    }
    bool found = false;
    if (sig != SIG_OPEN && nseen == nctors) {
        /* every constructor appears: some one of them must miss a case */
        for (uint32_t c = 0; c < nctors && !found; c++) {
            uint32_t a = mx_arity(s, t, sig, (int)c);
            uint32_t snc = a + nc - 1;
            Mx sm = {.ncols = snc, .cells = xmalloc(sizeof(NodeId) * ((size_t)m.nrows * snc + 1))};
            for (uint32_t r = 0; r < m.nrows; r++) {
                const NodeId *row = m.cells + (size_t)r * nc;
                NodeId *dst = sm.cells + (size_t)sm.nrows * snc;
                if (!row[0]) {
                    for (uint32_t i = 0; i < a; i++) dst[i] = 0;
                } else if (mx_ctor(s, row[0], t, sig) == (int)c) {
                    mx_subs(s, row[0], t, sig, a, dst);
                } else {
                    continue;
                }
                memcpy(dst + a, row + 1, sizeof *row * (nc - 1));
                sm.nrows++;
            }
            TypeId *st = xmalloc(sizeof *st * (snc + 1));
            for (uint32_t i = 0; i < a; i++) st[i] = mx_field_type(s, t, sig, (int)c, i);
            memcpy(st + a, types + 1, sizeof *st * (nc - 1));
            char **sw = xcalloc(snc + 1, sizeof *sw);
            if (mx_missing(s, &sm, st, sw)) {
                found = true;
                wit[0] = mx_show(s, t, sig, (int)c, sw, a);
                for (uint32_t i = 0; i < a; i++) free(sw[i]);
                for (uint32_t i = 1; i < nc; i++) wit[i] = sw[a + i - 1];
            }
            free(sw);
            free(st);
            free(sm.cells);
        }
    } else {
        /* a constructor no row names (or an open type): only the rows
         * starting with a wildcard can take its values */
        Mx dm = {.ncols = nc - 1, .cells = xmalloc(sizeof(NodeId) * ((size_t)m.nrows * nc + 1))};
        for (uint32_t r = 0; r < m.nrows; r++) {
            const NodeId *row = m.cells + (size_t)r * nc;
            if (row[0]) continue;
            memcpy(dm.cells + (size_t)dm.nrows * dm.ncols, row + 1, sizeof *row * (nc - 1));
            dm.nrows++;
        }
        if (mx_missing(s, &dm, types + 1, wit + 1)) {
            found = true;
            int c = -1;
            for (uint32_t i = 0; i < nctors && c < 0; i++)
                if (!seen[i]) c = (int)i;
            if (sig == SIG_OPEN || c < 0) {
                wit[0] = mx_strf("_");
            } else {
                uint32_t a = mx_arity(s, t, sig, c);
                char **under = xcalloc(a + 1, sizeof *under);
                for (uint32_t i = 0; i < a; i++) under[i] = mx_strf("_");
                wit[0] = mx_show(s, t, sig, c, under, a);
                for (uint32_t i = 0; i < a; i++) free(under[i]);
                free(under);
            }
        }
        free(dm.cells);
    }
    free(seen);
    free(m.cells);
    return found;
}

const char *sema_match_missing(const Sema *s, NodeId match, TypeId st, char *buf, size_t cap) {
    const Node *n = sema_node(s, match);
    Mx m = {.ncols = 1, .cells = xmalloc(sizeof(NodeId) * (n->list.count + 1))};
    for (uint32_t i = 0; i < n->list.count; i++) {
        const Node *c = sema_node(s, ast_list_at(s->ast, n->list, i));
        if (!c->b) m.cells[m.nrows++] = c->a; /* a guarded case covers nothing */
    }
    char *wit = NULL;
    bool missing = mx_missing(s, &m, &st, &wit);
    free(m.cells);
    if (!missing) return NULL;
    /* a present value of an Option: "x" (the diagnostic says so in words) */
    bool present = type_get(st)->kind == TY_OPTION && !strcmp(wit, "_");
    snprintf(buf, cap, "%s", present ? "x" : wit);
    free(wit);
    return buf;
}
