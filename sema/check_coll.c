/* Collections and closures: list/set/dict/tuple literals (element types from
 * the elements or from the expected type), subscripts and slices,
 * comprehensions (with their own scope for the loop variables) and lambdas
 * (parameter types from the expected Callable type). */
#include "sema_internal.h"
#include "mir.h"

TypeId sema_iter_elem(TypeId t) {
    const Type *ty = type_get(t);
    switch (ty->kind) {
    case TY_RANGE: return TYPE_INT;
    case TY_LIST:
    case TY_SET:
    case TY_DICT: return ty->args[0];
    case TY_STR: return TYPE_STR;
    case TY_BYTES: return TYPE_INT;
    case TY_TUPLE: {
        /* a tuple iterates when all its elements have one type */
        if (!ty->nargs) return 0;
        for (uint32_t i = 1; i < ty->nargs; i++)
            if (ty->args[i] != ty->args[0]) return 0;
        return ty->args[0];
    }
    default: return 0;
    }
}

/* The common type of two element types (int/float -> float, T/None -> T | None,
 * derived/base -> base), or 0. */
static TypeId sema_join(TypeId a, TypeId b) {
    if (a == b) return a;
    if (a == TYPE_NEVER) return b;
    if (b == TYPE_NEVER) return a;
    if (type_is_numeric(a) && type_is_numeric(b)) return TYPE_FLOAT;
    if (sema_assignable(a, b)) return a;
    if (sema_assignable(b, a)) return b;
    if (b == TYPE_NONE) return type_option(a);
    if (a == TYPE_NONE) return type_option(b);
    if (type_get(a)->kind == TY_OPTION && sema_assignable(type_get(a)->args[0], b)) return a;
    return 0;
}

static TypeId sema_elems(Sema *s, NodeList elems, TypeId want, const char *what, Span at) {
    TypeId elem = want;
    bool bad = false;
    for (uint32_t i = 0; i < elems.count; i++) {
        NodeId el = ast_list_at(s->ast, elems, i);
        if (sema_node(s, el)->kind == N_STARRED) {
            sema_unsupported(s, sema_node(s, el)->span, "`*` unpacking in a literal");
            bad = true;
            continue;
        }
        TypeId t = sema_expr_hint(s, el, want);
        if (t == TYPE_ERROR) {
            bad = true;
            continue;
        }
        if (want) {
            if (!sema_assignable(want, t)) {
                sema_mismatch(s, sema_node(s, el)->span, want, t, what);
                bad = true;
            }
            continue;
        }
        TypeId j = elem ? sema_join(elem, t) : t;
        if (!j) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, el)->span,
                                      "the elements of %s have different types", what);
            diag_label(d, "expected `%s`, found `%s`", type_name(elem), type_name(t));
            diag_emit(d);
            bad = true;
            continue;
        }
        elem = j;
    }
    if (bad) return TYPE_ERROR;
    if (!elem) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, at, "cannot infer the element type of this empty literal (%s)", what);
        diag_label(d, "empty literal of unknown type");
        diag_help(d, "annotate the variable, e.g. `xs: list[int] = []`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    if (elem == TYPE_NEVER) return TYPE_ERROR;
    return elem;
}

TypeId sema_seq_lit(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    bool is_list = n->kind == N_LIST;
    TypeKind k = is_list ? TY_LIST : TY_SET;
    TypeId want = hint && type_get(hint)->kind == k ? type_get(hint)->args[0] : 0;
    TypeId elem = sema_elems(s, n->list, want, is_list ? "a list" : "a set", n->span);
    if (elem == TYPE_ERROR) return TYPE_ERROR;
    return is_list ? type_list(elem) : type_set(elem);
}

TypeId sema_tuple_lit(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    NodeList elems = n->list;
    const Type *ht = hint ? type_get(hint) : NULL;
    bool use_hint = ht && ht->kind == TY_TUPLE && ht->nargs == elems.count;
    TypeId ts[64];
    if (elems.count > 64) {
        sema_unsupported(s, n->span, "a tuple of more than 64 elements");
        return TYPE_ERROR;
    }
    bool bad = false;
    for (uint32_t i = 0; i < elems.count; i++) {
        NodeId el = ast_list_at(s->ast, elems, i);
        if (sema_node(s, el)->kind == N_STARRED) {
            sema_unsupported(s, sema_node(s, el)->span, "`*` unpacking in a tuple");
            bad = true;
            continue;
        }
        TypeId want = use_hint ? type_get(hint)->args[i] : 0;
        ts[i] = sema_expr_hint(s, el, want);
        if (ts[i] == TYPE_ERROR) bad = true;
        else if (ts[i] == TYPE_NEVER) {
            sema_unsupported(s, sema_node(s, el)->span, "a tuple element that never returns");
            bad = true;
        } else if (want && sema_assignable(want, ts[i])) ts[i] = want;
    }
    return bad ? TYPE_ERROR : type_tuple(ts, elems.count);
}

TypeId sema_dict_lit(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    NodeList items = n->list;
    const Type *ht = hint ? type_get(hint) : NULL;
    TypeId wk = ht && ht->kind == TY_DICT ? ht->args[0] : 0;
    TypeId wv = ht && ht->kind == TY_DICT ? ht->args[1] : 0;
    TypeId kt = wk, vt = wv;
    bool bad = false;
    for (uint32_t i = 0; i < items.count; i++) {
        NodeId it = ast_list_at(s->ast, items, i);
        Node *item = sema_node(s, it);
        NodeId key = item->a, val = item->b;
        if (!key) {
            sema_unsupported(s, item->span, "`**` unpacking in a dict literal");
            bad = true;
            continue;
        }
        TypeId k = sema_expr_hint(s, key, wk), v = sema_expr_hint(s, val, wv);
        if (k == TYPE_ERROR || v == TYPE_ERROR) {
            bad = true;
            continue;
        }
        TypeId jk = kt ? (wk ? (sema_assignable(wk, k) ? wk : 0) : sema_join(kt, k)) : k;
        TypeId jv = vt ? (wv ? (sema_assignable(wv, v) ? wv : 0) : sema_join(vt, v)) : v;
        if (!jk) {
            sema_mismatch(s, sema_node(s, key)->span, kt, k, "a key of this dict");
            bad = true;
        } else kt = jk;
        if (!jv) {
            sema_mismatch(s, sema_node(s, val)->span, vt, v, "a value of this dict");
            bad = true;
        } else vt = jv;
        sema_node(s, it)->type = type_tuple((TypeId[]){k, v}, 2);
    }
    if (bad) return TYPE_ERROR;
    if (!kt || !vt) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "cannot infer the types of an empty dict");
        diag_label(d, "empty literal of unknown type");
        diag_help(d, "annotate the variable, e.g. `d: dict[str, int] = {}`");
        diag_emit(d);
        return TYPE_ERROR;
    }
    return type_dict(kt, vt);
}

/* ==== Subscripts ========================================================== */

static bool sema_const_int(const Sema *s, NodeId e, int64_t *out) {
    const Node *n = sema_node(s, e);
    if (n->kind == N_INT && n->v.ival <= (uint64_t)INT64_MAX) {
        *out = (int64_t)n->v.ival;
        return true;
    }
    if (n->kind == N_UNARY && n->op == TOK_MINUS && sema_node(s, n->a)->kind == N_INT &&
        sema_node(s, n->a)->v.ival <= (uint64_t)INT64_MAX) {
        *out = -(int64_t)sema_node(s, n->a)->v.ival;
        return true;
    }
    return false;
}

bool tuple_slice_select(int64_t len, bool has_lo, int64_t lo, bool has_hi, int64_t hi, int64_t step,
                        int64_t *first, int64_t *stride, int64_t *count) {
    if (step == 0) return false;
    /* clamp like Python's PySlice_AdjustIndices */
    int64_t lower = step < 0 ? -1 : 0, upper = step < 0 ? len - 1 : len;
    int64_t a = has_lo ? lo : (step < 0 ? upper : lower);
    int64_t b = has_hi ? hi : (step < 0 ? lower : upper);
    if (has_lo) {
        if (a < 0) a = a + len < lower ? lower : a + len;
        else if (a > upper) a = upper;
    }
    if (has_hi) {
        if (b < 0) b = b + len < lower ? lower : b + len;
        else if (b > upper) b = upper;
    }
    int64_t n = 0;
    if (step > 0 && a < b) n = (b - a - 1) / step + 1;
    if (step < 0 && a > b) n = (a - b - 1) / -step + 1;
    *first = a;
    *stride = step;
    *count = n;
    return true;
}

/* t[a:b:c] on a tuple: the element types depend on which elements are
 * selected, so the bounds and the step must be integer literals (possibly
 * negative or omitted). The selection follows Python's slice rules; MIR
 * recomputes it from the same literals. */
static TypeId sema_tuple_slice(Sema *s, NodeId e, TypeId t) {
    const Node *sl = sema_node(s, sema_node(s, e)->b);
    NodeId parts[3] = {sl->a, sl->b, sl->c};
    int64_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (parts[i] && !sema_const_int(s, parts[i], &v[i])) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, parts[i])->span,
                                      "a tuple slice bound must be an integer literal");
            diag_label(d, "the element types depend on the bounds");
            diag_emit(d);
            return TYPE_ERROR;
        }
    }
    if (parts[2] && v[2] == 0) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, parts[2])->span, "slice step cannot be zero");
        diag_label(d, "a zero step selects nothing");
        diag_emit(d);
        return TYPE_ERROR;
    }
    uint32_t n = type_get(t)->nargs;
    int64_t start = 0, step = 1, count = 0;
    if (!tuple_slice_select((int64_t)n, parts[0] != 0, v[0], parts[1] != 0, v[1], parts[2] ? v[2] : 1, &start,
                            &step, &count) ||
        count > 64) {
        sema_unsupported(s, sema_node(s, e)->span, "a slice of a tuple this long");
        return TYPE_ERROR;
    }
    TypeId el[64];
    for (int64_t i = 0; i < count; i++) {
        el[i] = type_get(t)->args[start + i * step];
    }
    return type_tuple(el, (uint32_t)count);
}

static bool sema_slice(Sema *s, NodeId sl) {
    Node *n = sema_node(s, sl);
    NodeId parts[3] = {n->a, n->b, n->c};
    bool ok = true;
    for (int i = 0; i < 3; i++)
        if (parts[i] && sema_expr_expect(s, parts[i], TYPE_INT, "a slice bound") == TYPE_ERROR) ok = false;
    sema_node(s, sl)->type = TYPE_NONE;
    return ok;
}

TypeId sema_subscript(Sema *s, NodeId e) {
    Node *n = sema_node(s, e);
    NodeId obj = n->a, index = n->b;
    TypeId t = sema_expr(s, obj);
    bool is_slice = sema_node(s, index)->kind == N_SLICE;
    if (t == TYPE_ERROR) {
        if (is_slice) sema_slice(s, index);
        else sema_expr(s, index);
        return TYPE_ERROR;
    }
    const Type *ty = type_get(t);
    TypeKind k = ty->kind;
    if (is_slice) {
        if (!sema_slice(s, index)) return TYPE_ERROR;
        if (t == TYPE_STR || t == TYPE_BYTES || k == TY_LIST) return t;
        if (k == TY_TUPLE) return sema_tuple_slice(s, e, t);
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, e)->span, "`%s` cannot be sliced",
                                  type_name(t));
        diag_label(d, "slices apply to str, bytes and lists");
        diag_emit(d);
        return TYPE_ERROR;
    }
    if (k == TY_DICT) {
        TypeId key = type_get(t)->args[0], val = type_get(t)->args[1];
        if (sema_expr_expect(s, index, key, "the key") == TYPE_ERROR) return TYPE_ERROR;
        return val;
    }
    if (k == TY_TUPLE) {
        int64_t i;
        sema_expr(s, index);
        if (!sema_const_int(s, index, &i)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, index)->span,
                                      "a tuple index must be an integer literal");
            diag_label(d, "the element type depends on the index");
            diag_emit(d);
            return TYPE_ERROR;
        }
        int64_t nel = (int64_t)type_get(t)->nargs;
        if (i < 0) i += nel;
        if (i < 0 || i >= nel) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, index)->span,
                                      "tuple index out of range for `%s`", type_name(t));
            diag_label(d, "the tuple has %lld element%s", (long long)nel, nel == 1 ? "" : "s");
            diag_emit(d);
            return TYPE_ERROR;
        }
        return type_get(t)->args[i];
    }
    if (t == TYPE_STR || t == TYPE_BYTES || k == TY_LIST) {
        if (sema_expr_expect(s, index, TYPE_INT, "an index") == TYPE_ERROR) return TYPE_ERROR;
        return t == TYPE_STR ? TYPE_STR : t == TYPE_BYTES ? TYPE_INT : type_get(t)->args[0];
    }
    sema_expr(s, index);
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, e)->span, "`%s` cannot be indexed", type_name(t));
    diag_label(d, "not a str, bytes, list, tuple or dict");
    if (k == TY_SET) diag_help(d, "sets are unordered; test membership with `in`");
    diag_emit(d);
    return TYPE_ERROR;
}

/* ==== Scoped bindings ===================================================== */

void sema_bind_fresh(Sema *s, NodeId target, TypeId t) {
    Node *n = sema_node(s, target);
    if (n->kind == N_NAME) {
        SymId id = sema_new_local(s, n->name, t, target);
        n->sym = id;
        n->type = t;
        sema_scope_bind(s, n->name, id);
        return;
    }
    if (n->kind == N_TUPLE || n->kind == N_LIST) {
        NodeList el = n->list;
        const Type *ty = type_get(t);
        if (t != TYPE_ERROR && (ty->kind != TY_TUPLE || ty->nargs != el.count)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "cannot unpack `%s` into %u names",
                                      type_name(t), el.count);
            diag_label(d, "expected a tuple of %u elements", el.count);
            diag_emit(d);
            t = TYPE_ERROR;
        }
        for (uint32_t i = 0; i < el.count; i++)
            sema_bind_fresh(s, ast_list_at(s->ast, el, i), t == TYPE_ERROR ? TYPE_ERROR : type_get(t)->args[i]);
        sema_node(s, target)->type = t;
        return;
    }
    sema_error(s, CODE_PARSE_TARGET, n->span, "a comprehension variable must be a name or a tuple of names");
}

/* ==== Comprehensions ====================================================== */

TypeId sema_comp(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    if (n->flags & NF_ASYNC) {
        sema_unsupported(s, n->span, "an async comprehension");
        return TYPE_ERROR;
    }
    uint32_t mark = sema_scope_mark(s);
    uint32_t nmark = s->narrows.len;
    NodeList fors = n->list;
    bool bad = false;
    for (uint32_t i = 0; i < fors.count; i++) {
        NodeId fid = ast_list_at(s->ast, fors, i);
        Node *f = sema_node(s, fid);
        NodeId target = f->a, iter = f->b;
        NodeList conds = f->list;
        if (f->flags & NF_ASYNC) {
            sema_unsupported(s, f->span, "`async for` in a comprehension");
            bad = true;
            break;
        }
        TypeId it = sema_expr(s, iter);
        TypeId elem = it == TYPE_ERROR ? TYPE_ERROR : sema_iter_elem(it);
        if (!elem) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, iter)->span, "`%s` is not iterable",
                                      type_name(it));
            diag_label(d, "cannot iterate over this");
            diag_emit(d);
            elem = TYPE_ERROR;
        }
        if (elem == TYPE_ERROR) bad = true;
        sema_bind_fresh(s, target, elem);
        for (uint32_t j = 0; j < conds.count; j++) {
            NodeId c = ast_list_at(s->ast, conds, j);
            sema_cond(s, c, "a comprehension condition");
            sema_narrow_cond(s, c, true);
        }
        sema_node(s, fid)->type = elem;
    }
    n = sema_node(s, e);
    CompKind ck = (CompKind)n->op;
    TypeId result = TYPE_ERROR;
    const Type *ht = hint ? type_get(hint) : NULL;
    if (ck == COMP_DICT) {
        TypeId wk = ht && ht->kind == TY_DICT ? ht->args[0] : 0;
        TypeId wv = ht && ht->kind == TY_DICT ? ht->args[1] : 0;
        NodeId kn = n->a, vn = n->b;
        TypeId k = sema_expr_hint(s, kn, wk), v = sema_expr_hint(s, vn, wv);
        if (wk && sema_assignable(wk, k)) k = wk;
        if (wv && sema_assignable(wv, v)) v = wv;
        if (!bad && k != TYPE_ERROR && v != TYPE_ERROR) result = type_dict(k, v);
    } else {
        TypeKind want = ck == COMP_SET ? TY_SET : TY_LIST;
        TypeId we = ht && ht->kind == want ? ht->args[0] : 0;
        NodeId en = n->a;
        TypeId el = sema_expr_hint(s, en, we);
        if (we && sema_assignable(we, el)) el = we;
        if (el == TYPE_NEVER) el = TYPE_ERROR;
        /* a generator expression is built as a list (no lazy iterators yet) */
        if (!bad && el != TYPE_ERROR) result = ck == COMP_SET ? type_set(el) : type_list(el);
    }
    sema_scope_restore(s, mark);
    s->narrows.len = nmark;
    return result;
}

/* ==== Lambdas ============================================================= */

static TypeId sema_lambda_kind(Sema *s, NodeId e, TypeId hint);

TypeId sema_lambda(Sema *s, NodeId e, TypeId hint) {
    TypeId t = sema_lambda_kind(s, e, hint);
    sema_node(s, e)->type = t;
    return t;
}

static TypeId sema_lambda_kind(Sema *s, NodeId e, TypeId hint) {
    Node *n = sema_node(s, e);
    if (n->kind != N_LAMBDA) {
        /* a function value where a callable is expected (key=len is builtin: unsupported) */
        bool concrete = hint && type_get(hint)->kind == TY_FUNC && type_get(hint)->ret;
        return sema_expr_hint(s, e, concrete ? hint : 0);
    }
    NodeList params = n->list;
    const Type *ht = hint ? type_get(hint) : NULL;
    if (!ht || ht->kind != TY_FUNC || ht->nargs != params.count) {
        Diagnostic *d;
        if (ht && ht->kind == TY_FUNC)
            d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "this lambda takes %u parameter%s, but %u %s expected",
                          params.count, params.count == 1 ? "" : "s", ht->nargs, ht->nargs == 1 ? "is" : "are");
        else d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "cannot infer the parameter types of this lambda");
        diag_label(d, "lambda parameters have no annotations");
        diag_help(d, "give the variable a type: `f: Callable[[int], int] = lambda x: ...`");
        diag_emit(d);
        /* the body is not checked: its parameters have no types */
        return TYPE_ERROR;
    }
    if (s->fn < 0) {
        sema_unsupported(s, n->span, "a lambda outside a function");
        return TYPE_ERROR;
    }
    uint32_t mark = sema_scope_mark(s);
    TypeId ps[64];
    uint32_t np = params.count > 64 ? 64 : params.count;
    bool bad = false;
    for (uint32_t i = 0; i < np; i++) {
        NodeId pid = ast_list_at(s->ast, params, i);
        Node *p = sema_node(s, pid);
        TypeId pt = type_get(hint)->args[i];
        ps[i] = pt;
        if (p->kind != N_PARAM || !p->name || (p->flags & (NF_STAR | NF_DSTAR)) || p->b) {
            sema_unsupported(s, p->span, "a default or star parameter in a lambda");
            bad = true;
            continue;
        }
        SymId id = sema_new_sym(s, SYM_LAMBDA_PARAM, p->name, pt, pid);
        sema_sym(s, id)->index = i;
        sema_sym(s, id)->func = (uint32_t)s->fn;
        p->sym = id;
        p->type = pt;
        sema_scope_bind(s, p->name, id);
    }
    TypeId want_ret = type_get(hint)->ret;
    if (want_ret && type_has_typevar(want_ret)) want_ret = 0;
    s->lambda_depth++;
    /* a lambda body is its own flow region: no try frame reaches into it */
    uint32_t saved_tries = s->tries.len;
    s->tries.len = 0;
    NodeId body = sema_node(s, e)->a;
    TypeId rt = sema_expr_hint(s, body, want_ret);
    s->tries.len = saved_tries;
    s->lambda_depth--;
    sema_scope_restore(s, mark);
    if (bad || rt == TYPE_ERROR) return TYPE_ERROR;
    if (want_ret) {
        if (!sema_assignable(want_ret, rt)) {
            sema_mismatch(s, sema_node(s, body)->span, want_ret, rt, "the lambda's result");
            return TYPE_ERROR;
        }
        rt = want_ret;
    }
    if (rt == TYPE_NEVER) rt = want_ret ? want_ret : TYPE_NONE;
    return type_func(ps, np, rt);
}
