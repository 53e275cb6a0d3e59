/* Builtin functions of the core language (sorted, reversed, enumerate, zip,
 * sum, isinstance, list/dict/set, Ok/Err, any/all, ord/chr) and the methods
 * of the builtin types (str, bytes, list, dict, set, Result), typed from a
 * compact signature table. */
#include "sema_internal.h"
#include "strformat.h"

/* ==== Method signatures ===================================================
 * "name:params>ret". Type letters: i int, f float, b bool, s str, y bytes,
 * n None, T the element (list/set) or Ok type (Result), K/V dict key/value,
 * E the Result's error; prefixes: L list of, S set of, O optional (`X |
 * None`), P tuple of the next two, Q of the next three. A `|` in the parameters starts the
 * optional ones. */
static const char *const sema_str_methods[] = {
    "upper:>s", "lower:>s", "strip:|s>s", "lstrip:|s>s", "rstrip:|s>s", "split:|si>Ls",
    "rsplit:|si>Ls", "splitlines:>Ls", "join:Ls>s", "replace:ss|i>s", "startswith:s>b",
    "endswith:s>b", "find:s>Oi", "rfind:s>Oi", "count:s>i", "isdigit:>b", "isalpha:>b",
    "isalnum:>b", "isspace:>b", "isupper:>b", "islower:>b", "encode:>y", "title:>s",
    "capitalize:>s", "zfill:i>s", "center:i|s>s", "ljust:i|s>s", "rjust:i|s>s",
    "removeprefix:s>s", "removesuffix:s>s", "clone:>s", "swapcase:>s", "casefold:>s",
    "partition:s>Qsss", "rpartition:s>Qsss", "index:s>i", "rindex:s>i",
    "isdecimal:>b", "isnumeric:>b",
};
static const char *const sema_bytes_methods[] = {
    "decode:>s", "hex:>s", "startswith:y>b", "endswith:y>b", "clone:>y",
};
static const char *const sema_list_methods[] = {
    "append:T>n", "pop:|i>T", "insert:iT>n", "extend:LT>n", "sort:>n", "reverse:>n",
    "index:T>i", "count:T>i", "remove:T>n", "clear:>n", "copy:>LT", "clone:>LT",
};
static const char *const sema_dict_methods[] = {
    "get:K>OV", "keys:>LK", "values:>LV", "items:>LPKV", "pop:K>OV", "clear:>n",
    "copy:>D", "clone:>D", "setdefault:KV>V", "update:D>n",
};
static const char *const sema_set_methods[] = {
    "add:T>n", "remove:T>n", "discard:T>n", "clear:>n", "union:ST>ST", "intersection:ST>ST",
    "difference:ST>ST", "issubset:ST>b", "issuperset:ST>b", "copy:>ST", "clone:>ST",
};
static const char *const sema_tuple_methods[] = { /* tuples whose elements share one type */
    "count:T>i", "index:T>i",
};
static const char *const sema_result_methods[] = {
    "is_ok:>b", "is_err:>b", "unwrap:>T", "unwrap_err:>E", "unwrap_or:T>T",
};

typedef struct MethodCtx {
    TypeId recv, T, K, V, E;
} MethodCtx;

/* Parse one type at *p. */
static TypeId sema_sig_type(const MethodCtx *c, const char **p) {
    char ch = *(*p)++;
    switch (ch) {
    case 'i': return TYPE_INT;
    case 'f': return TYPE_FLOAT;
    case 'b': return TYPE_BOOL;
    case 's': return TYPE_STR;
    case 'y': return TYPE_BYTES;
    case 'n': return TYPE_NONE;
    case 'T': return c->T;
    case 'K': return c->K;
    case 'V': return c->V;
    case 'E': return c->E;
    case 'D': return c->recv;
    case 'L': return type_list(sema_sig_type(c, p));
    case 'S': return type_set(sema_sig_type(c, p));
    case 'O': return type_option(sema_sig_type(c, p));
    case 'Q': { /* tuple of the next three */
        TypeId a[3];
        for (int k = 0; k < 3; k++) a[k] = sema_sig_type(c, p);
        return type_tuple(a, 3);
    }
    case 'P': {
        TypeId a[2];
        a[0] = sema_sig_type(c, p);
        a[1] = sema_sig_type(c, p);
        return type_tuple(a, 2);
    }
    default: ICE("bad method signature letter '%c'", ch);
    }
}

static bool sema_methods_of(TypeId t, MethodCtx *c, const char *const **tab, size_t *n) {
    const Type *ty = type_get(t);
    memset(c, 0, sizeof *c);
    c->recv = t;
    switch (ty->kind) {
    case TY_STR: *tab = sema_str_methods; *n = sizeof sema_str_methods / sizeof *sema_str_methods; return true;
    case TY_BYTES:
        *tab = sema_bytes_methods;
        *n = sizeof sema_bytes_methods / sizeof *sema_bytes_methods;
        return true;
    case TY_LIST:
        c->T = ty->args[0];
        *tab = sema_list_methods;
        *n = sizeof sema_list_methods / sizeof *sema_list_methods;
        return true;
    case TY_SET:
        c->T = ty->args[0];
        *tab = sema_set_methods;
        *n = sizeof sema_set_methods / sizeof *sema_set_methods;
        return true;
    case TY_DICT:
        c->K = ty->args[0];
        c->V = ty->args[1];
        *tab = sema_dict_methods;
        *n = sizeof sema_dict_methods / sizeof *sema_dict_methods;
        return true;
    case TY_TUPLE:
        for (uint32_t i = 1; i < ty->nargs; i++)
            if (ty->args[i] != ty->args[0]) return false;
        if (!ty->nargs) return false;
        c->T = ty->args[0];
        *tab = sema_tuple_methods;
        *n = sizeof sema_tuple_methods / sizeof *sema_tuple_methods;
        return true;
    case TY_RESULT:
        c->T = ty->args[0];
        c->E = ty->args[1];
        *tab = sema_result_methods;
        *n = sizeof sema_result_methods / sizeof *sema_result_methods;
        return true;
    default: return false;
    }
}

bool sema_has_builtin_methods(TypeId t) {
    MethodCtx c;
    const char *const *tab;
    size_t n;
    return sema_methods_of(t, &c, &tab, &n);
}

/* Find `name` in the table; returns the signature after the colon. */
static const char *sema_find_method(const char *const *tab, size_t n, StrId name) {
    const char *nt = str_text(name);
    size_t ln = strlen(nt);
    for (size_t i = 0; i < n; i++)
        if (!strncmp(tab[i], nt, ln) && tab[i][ln] == ':') return tab[i] + ln + 1;
    return NULL;
}

static void sema_method_candidates(const char *const *tab, size_t n, const char **out) {
    static char names[64][32];
    for (size_t i = 0; i < n && i < 64; i++) {
        size_t l = strcspn(tab[i], ":");
        if (l > 31) l = 31;
        memcpy(names[i], tab[i], l);
        names[i][l] = 0;
        out[i] = names[i];
    }
}

/* Parse a signature into slots; returns the number, *ret the result. */
static uint32_t sema_parse_sig(const MethodCtx *c, const char *sig, ParamSlot *slots, TypeId *ret) {
    uint32_t n = 0;
    bool opt = false;
    const char *p = sig;
    while (*p && *p != '>') {
        if (*p == '|') {
            opt = true;
            p++;
            continue;
        }
        TypeId t = sema_sig_type(c, &p);
        slots[n++] = (ParamSlot){.name = 0, .type = t, .has_default = opt};
    }
    ICE_ASSERT(*p == '>');
    p++;
    *ret = sema_sig_type(c, &p);
    return n;
}

/* A `key=` argument that is not a function (`key=5`): reported here, so
 * that lowering only ever sees callable keys. */
static bool sema_key_not_callable(Sema *s, NodeId key_expr, TypeId ft) {
    if (ft == TYPE_ERROR || type_get(ft)->kind == TY_FUNC) return false;
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, key_expr)->span,
                              "`key` must be a function, found `%s`", type_name(ft));
    diag_label(d, "not callable");
    diag_help(d, "pass `key=lambda x: ...`");
    diag_emit(d);
    return true;
}

/* "...".format(args): the format string must be a literal, so that its
 * fields are checked against the arguments here (count, keyword names);
 * every argument must be printable. */
static TypeId sema_str_format(Sema *s, NodeId call) {
    Node *n = sema_node(s, call);
    NodeId callee = n->a;
    Node *fs = sema_node(s, sema_node(s, callee)->a);
    NodeList args = n->list;
    bool ok = true;
    uint32_t npos = 0;
    TypeId ps[16];
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind == N_STARRED || (a->kind == N_KEYWORD && !a->name)) {
            sema_unsupported(s, a->span, "unpacking arguments");
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        NodeId v = a->kind == N_KEYWORD ? a->a : aid;
        TypeId t = sema_expr(s, v);
        if (a->kind == N_KEYWORD) a->type = t;
        else if (npos < 16) ps[npos++] = t;
        else ok = false;
        if (t != TYPE_ERROR && !sema_printable(t, true)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, v)->span,
                                      "`str.format` cannot format a value of type `%s`", type_name(t));
            diag_label(d, "not printable");
            diag_emit(d);
            ok = false;
        }
        if (t == TYPE_ERROR) ok = false;
    }
    if (npos >= 16) {
        sema_unsupported(s, n->span, "`str.format` with more than 15 positional arguments");
        return TYPE_ERROR;
    }
    if (fs->kind != N_STR) {
        sema_unsupported(s, fs->span, "`str.format` of a format string that is not a literal");
        return TYPE_ERROR;
    }
    StrFmt f = {.s = str_text(fs->v.str), .len = str_len(fs->v.str)};
    StrFmtPiece pc;
    const char *err = NULL;
    int r;
    while ((r = strfmt_next(&f, &pc, &err)) == 1) {
        if (!pc.field) continue;
        if (pc.index >= 0 && (uint32_t)pc.index >= npos) {
            sema_error(s, CODE_TYPE_ARITY, n->span, "the format string needs positional argument %d, but %u %s given",
                       (int)pc.index, npos, npos == 1 ? "was" : "were");
            ok = false;
        } else if (pc.index < 0) {
            bool have = false;
            for (uint32_t i = 0; i < args.count; i++) {
                Node *a = sema_node(s, ast_list_at(s->ast, args, i));
                if (a->kind == N_KEYWORD && str_len(a->name) == pc.name_len &&
                    !memcmp(str_text(a->name), pc.name, pc.name_len))
                    have = true;
            }
            if (!have) {
                sema_error(s, CODE_TYPE_ARITY, n->span, "the format string needs the keyword argument `%.*s`",
                           (int)pc.name_len, pc.name);
                ok = false;
            }
        }
    }
    if (r == -1) {
        sema_error(s, CODE_TYPE_MISMATCH, fs->span, "bad format string: %s", err);
        ok = false;
    } else if (r == -2) {
        sema_unsupported(s, fs->span, err);
        ok = false;
    }
    if (!ok) return TYPE_ERROR;
    sema_node(s, callee)->type = type_func(ps, npos, TYPE_STR);
    return TYPE_STR;
}

/* A `key=` function: a lambda typed against the element, or a name; a
 * builtin name (`key=len`) needs the element type to be typed at all. */
static TypeId sema_key_fn(Sema *s, NodeId e, TypeId hint) {
    if (sema_node(s, e)->kind == N_NAME) return sema_expr_hint(s, e, hint);
    return sema_lambda(s, e, hint);
}

TypeId sema_builtin_method_call(Sema *s, NodeId call, TypeId recv, bool *found) {
    NodeId callee = sema_node(s, call)->a;
    StrId name = sema_node(s, callee)->name;
    MethodCtx c;
    const char *const *tab;
    size_t n;
    *found = false;
    if (!sema_methods_of(recv, &c, &tab, &n)) return 0;
    if (recv == TYPE_STR && !strcmp(str_text(name), "format")) {
        *found = true;
        return sema_str_format(s, call);
    }
    const char *sig = sema_find_method(tab, n, name);
    if (!sig) {
        const char *cands[64];
        sema_method_candidates(tab, n, cands);
        sema_unknown_attr(s, callee, recv, name, cands, n);
        sema_args_quiet(s, call);
        sema_node(s, callee)->type = TYPE_ERROR;
        *found = true;
        return TYPE_ERROR;
    }
    *found = true;
    ParamSlot slots[8];
    TypeId ret;
    uint32_t ns = sema_parse_sig(&c, sig, slots, &ret);
    char fname[96];
    snprintf(fname, sizeof fname, "%s.%s",
             type_get(recv)->kind == TY_STR     ? "str"
             : type_get(recv)->kind == TY_BYTES ? "bytes"
             : type_get(recv)->kind == TY_LIST  ? "list"
             : type_get(recv)->kind == TY_DICT  ? "dict"
             : type_get(recv)->kind == TY_SET   ? "set"
             : type_get(recv)->kind == TY_TUPLE ? "tuple"
                                                : "Result",
             str_text(name));
    /* list.sort(key=..., reverse=...) takes keywords */
    if (type_get(recv)->kind == TY_LIST && !strcmp(str_text(name), "sort")) {
        ParamSlot ks[2] = {{.name = intern_cstr("key"), .type = 0, .has_default = true},
                           {.name = intern_cstr("reverse"), .type = TYPE_BOOL, .has_default = true}};
        NodeList args = sema_node(s, call)->list;
        bool key_any = false;
        for (uint32_t i = 0; i < args.count; i++) {
            Node *a = sema_node(s, ast_list_at(s->ast, args, i));
            if (a->kind == N_KEYWORD && a->name == ks[0].name) key_any = true;
        }
        if (key_any) {
            /* typed by the lambda's own body: accept any orderable result */
            for (uint32_t i = 0; i < args.count; i++) {
                NodeId aid = ast_list_at(s->ast, args, i);
                Node *a = sema_node(s, aid);
                if (a->kind == N_KEYWORD && a->name == ks[0].name) {
                    TypeId ft = sema_key_fn(s, a->a, type_func(&c.T, 1, 0));
                    if (sema_key_not_callable(s, a->a, ft)) ft = TYPE_ERROR;
                    sema_node(s, aid)->type = ft;
                } else if (a->kind == N_KEYWORD && a->name == ks[1].name) {
                    sema_expr_expect(s, a->a, TYPE_BOOL, "`reverse`");
                    sema_node(s, aid)->type = TYPE_BOOL;
                } else {
                    sema_expr(s, a->kind == N_KEYWORD ? a->a : aid);
                    sema_error(s, CODE_TYPE_ARITY, a->span, "`list.sort` takes only `key=` and `reverse=`");
                }
            }
        } else {
            sema_bind_args(s, call, fname, ks + 1, 1, NULL, NULL, 0, (Span){0, 0, 0});
        }
        sema_node(s, callee)->type = type_func(NULL, 0, TYPE_NONE);
        return TYPE_NONE;
    }
    /* s.startswith(("a", "b")): a literal tuple of alternatives */
    if (type_get(recv)->kind == TY_STR && ns == 1 && sema_node(s, call)->list.count == 1 &&
        (!strcmp(str_text(name), "startswith") || !strcmp(str_text(name), "endswith"))) {
        Node *a0 = sema_node(s, ast_list_at(s->ast, sema_node(s, call)->list, 0));
        if (a0->kind == N_TUPLE && a0->list.count >= 1 && a0->list.count <= 16) {
            TypeId strs[16];
            for (uint32_t i = 0; i < a0->list.count; i++) strs[i] = TYPE_STR;
            slots[0].type = type_tuple(strs, a0->list.count);
        }
    }
    /* s.split(sep, maxsplit=n): the two parameters have names */
    if (type_get(recv)->kind == TY_STR &&
        (!strcmp(str_text(name), "split") || !strcmp(str_text(name), "rsplit"))) {
        slots[0].name = intern_cstr("sep");
        slots[1].name = intern_cstr("maxsplit");
    }
    /* d.get(k, default) gives V, not V | None */
    if (type_get(recv)->kind == TY_DICT && (!strcmp(str_text(name), "get") || !strcmp(str_text(name), "pop")) &&
        sema_node(s, call)->list.count == 2) {
        slots[1] = (ParamSlot){.name = 0, .type = c.V, .has_default = false};
        ns = 2;
        ret = c.V;
    }
    sema_bind_args(s, call, fname, slots, ns, NULL, NULL, 0, (Span){0, 0, 0});
    TypeId ps[8];
    for (uint32_t i = 0; i < ns; i++) ps[i] = slots[i].type;
    sema_node(s, callee)->type = type_func(ps, ns, ret);
    return ret;
}

TypeId sema_builtin_method_value(Sema *s, TypeId recv, StrId name, bool bound) {
    (void)s;
    MethodCtx c;
    const char *const *tab;
    size_t n;
    if (!sema_methods_of(recv, &c, &tab, &n)) return 0;
    const char *sig = sema_find_method(tab, n, name);
    if (!sig) return 0;
    ParamSlot slots[8];
    TypeId ret;
    uint32_t ns = sema_parse_sig(&c, sig, slots, &ret);
    TypeId ps[9];
    uint32_t np = 0;
    if (!bound) ps[np++] = recv;
    /* only the required parameters: optional ones take their defaults */
    for (uint32_t i = 0; i < ns; i++)
        if (!slots[i].has_default) ps[np++] = slots[i].type;
    return type_func(ps, np, ret);
}

/* ==== Builtin functions =================================================== */

static NodeId sema_arg_at(const Sema *s, NodeId call, uint32_t i) {
    return ast_list_at(s->ast, sema_node(s, call)->list, i);
}

static bool sema_orderable(TypeId t) {
    const Type *ty = type_get(t);
    if (t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_STR || t == TYPE_BYTES || t == TYPE_BOOL) return true;
    if (ty->kind == TY_TUPLE) {
        for (uint32_t i = 0; i < ty->nargs; i++)
            if (!sema_orderable(type_get(t)->args[i])) return false;
        return true;
    }
    if (ty->kind == TY_LIST) return sema_orderable(ty->args[0]);
    return false;
}

static TypeId sema_need_iterable(Sema *s, NodeId arg, TypeId t, const char *fname) {
    if (t == TYPE_ERROR) return TYPE_ERROR;
    TypeId e = sema_iter_elem(t);
    if (e) return e;
    Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, arg)->span,
                              "`%s` needs an iterable, found `%s`", fname, type_name(t));
    diag_label(d, "not iterable");
    diag_emit(d);
    return TYPE_ERROR;
}

/* Keyword arguments of sorted(): key= and reverse=. */
static bool sema_sorted_keywords(Sema *s, NodeId call, TypeId elem) {
    NodeList args = sema_node(s, call)->list;
    bool ok = true;
    for (uint32_t i = 0; i < args.count; i++) {
        NodeId aid = ast_list_at(s->ast, args, i);
        Node *a = sema_node(s, aid);
        if (a->kind != N_KEYWORD) continue;
        const char *kn = a->name ? str_text(a->name) : "";
        if (!strcmp(kn, "key")) {
            TypeId ft = sema_key_fn(s, a->a, type_func(&elem, 1, 0));
            if (sema_key_not_callable(s, a->a, ft)) {
                ft = TYPE_ERROR;
                ok = false;
            }
            sema_node(s, aid)->type = ft;
            if (ft != TYPE_ERROR && type_get(ft)->kind == TY_FUNC && !sema_orderable(type_get(ft)->ret) &&
                type_get(ft)->ret != TYPE_ERROR) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a->a)->span,
                                          "the sort key must be orderable, found `%s`", type_name(type_get(ft)->ret));
                diag_label(d, "not orderable");
                diag_emit(d);
                ok = false;
            }
        } else if (!strcmp(kn, "reverse")) {
            sema_node(s, aid)->type = sema_expr_expect(s, a->a, TYPE_BOOL, "`reverse`");
        } else {
            if (a->a) sema_expr(s, a->a);
            sema_error(s, CODE_TYPE_ARITY, a->span, "`sorted` takes only `key=` and `reverse=`");
            ok = false;
        }
    }
    return ok;
}

/* min(xs, key=f, default=d) / max(...): one iterable and the keywords
 * `key` (a function of the element giving an orderable value) and
 * `default` (the result for an empty iterable, of the element type). */
static TypeId sema_minmax_keywords(Sema *s, NodeId call, BuiltinId bi) {
    Node *n = sema_node(s, call);
    const char *fname = str_text(s->n.builtin[bi]);
    NodeId it = 0, key = 0, def = 0;
    uint32_t npos = 0;
    for (uint32_t i = 0; i < n->list.count; i++) {
        NodeId aid = ast_list_at(s->ast, n->list, i);
        Node *a = sema_node(s, aid);
        const char *kn = a->kind == N_KEYWORD && a->name ? str_text(a->name) : NULL;
        if (a->kind == N_STARRED || (a->kind == N_KEYWORD && !kn)) {
            sema_unsupported(s, a->span, "unpacking arguments");
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        if (!kn) {
            npos++;
            it = aid;
        } else if (!strcmp(kn, "key")) key = aid;
        else if (!strcmp(kn, "default")) def = aid;
        else {
            sema_args_quiet(s, call);
            sema_error(s, CODE_TYPE_ARITY, a->span, "`%s` takes only `key=` and `default=`", fname);
            return TYPE_ERROR;
        }
    }
    if (npos != 1) {
        sema_args_quiet(s, call);
        char what[96];
        snprintf(what, sizeof what, "`%s` of several arguments with `key=` or `default=`", fname);
        if (npos) sema_unsupported(s, n->span, what);
        else sema_arity(s, n->span, (Span){0, 0, 0}, fname, 1, 1, 0);
        return TYPE_ERROR;
    }
    TypeId t0 = sema_expr(s, it);
    TypeId e = t0 == TYPE_ERROR ? TYPE_ERROR : sema_need_iterable(s, it, t0, fname);
    if (e == TYPE_ERROR) {
        if (key) sema_node(s, key)->type = TYPE_ERROR;
        if (def) sema_expr(s, sema_node(s, def)->a);
        return TYPE_ERROR;
    }
    bool ok = true;
    if (key) {
        TypeId ft = sema_key_fn(s, sema_node(s, key)->a, type_func(&e, 1, 0));
        if (sema_key_not_callable(s, sema_node(s, key)->a, ft)) ft = TYPE_ERROR;
        sema_node(s, key)->type = ft;
        if (ft == TYPE_ERROR) ok = false;
        else if (type_get(ft)->kind == TY_FUNC && !sema_orderable(type_get(ft)->ret) &&
                 type_get(ft)->ret != TYPE_ERROR) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, sema_node(s, key)->a)->span,
                                      "the `%s` key must be orderable, found `%s`", fname,
                                      type_name(type_get(ft)->ret));
            diag_label(d, "not orderable");
            diag_emit(d);
            ok = false;
        }
    } else if (!sema_orderable(e)) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, it)->span,
                                  "`%s` needs orderable elements, found `%s`", fname, type_name(e));
        diag_label(d, "elements cannot be compared with `<`");
        diag_help(d, "pass `key=lambda x: ...`");
        diag_emit(d);
        ok = false;
    }
    if (def) {
        NodeId dv = sema_node(s, def)->a;
        TypeId td = sema_expr_hint(s, dv, e);
        sema_node(s, def)->type = td;
        if (td != TYPE_ERROR && !sema_assignable(e, td)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, dv)->span,
                                      "the `default` of `%s` must have the element type `%s`, found `%s`", fname,
                                      type_name(e), type_name(td));
            diag_label(d, "expected `%s`", type_name(e));
            diag_emit(d);
            ok = false;
        } else if (td == TYPE_ERROR) ok = false;
    }
    if (!ok) return TYPE_ERROR;
    sema_node(s, n->a)->type = type_func(&t0, 1, e);
    return e;
}

/* round, divmod and pow, whose result type follows their operands':
 * round(x) is an int, round(x, n) has x's type; divmod(a, b) and pow(a, b)
 * are float when either operand is (int otherwise, pow(a, b) then being
 * a ** b with its negative-exponent panic); pow(a, b, m) takes ints. */
static TypeId sema_numeric_builtin(Sema *s, NodeId call, BuiltinId bi, uint32_t npos) {
    const char *fname = str_text(s->n.builtin[bi]);
    TypeId ts[3] = {0, 0, 0};
    bool bad = false;
    for (uint32_t i = 0; i < npos; i++) {
        NodeId a = sema_arg_at(s, call, i);
        ts[i] = sema_expr(s, a);
        if (ts[i] == TYPE_ERROR) {
            bad = true;
            continue;
        }
        bool want_int = (bi == BI_ROUND && i == 1) || (bi == BI_POW && npos == 3);
        if (want_int ? ts[i] != TYPE_INT : !type_is_numeric(ts[i])) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a)->span,
                                      "`%s` does not accept a value of type `%s` here", fname, type_name(ts[i]));
            diag_label(d, want_int ? "expected `int`" : "expected `int` or `float`");
            diag_emit(d);
            bad = true;
        }
    }
    if (bad) return TYPE_ERROR;
    bool any_float = ts[0] == TYPE_FLOAT || ts[1] == TYPE_FLOAT;
    TypeId num = any_float ? TYPE_FLOAT : TYPE_INT, ret;
    if (bi == BI_ROUND) ret = npos == 2 ? ts[0] : TYPE_INT;
    else if (bi == BI_DIVMOD) ret = type_tuple((TypeId[]){num, num}, 2);
    else ret = num;
    sema_node(s, sema_node(s, call)->a)->type = type_func(ts, npos, ret);
    return ret;
}

TypeId sema_core_builtin(Sema *s, NodeId call, BuiltinId bi, TypeId hint) {
    Node *n = sema_node(s, call);
    if (bi == BI_MIN || bi == BI_MAX) return sema_minmax_keywords(s, call, bi);
    NodeId callee = n->a;
    const char *fname = str_text(s->n.builtin[bi]);
    NodeList args = n->list;
    uint32_t npos = 0;
    for (uint32_t i = 0; i < args.count; i++) {
        Node *a = sema_node(s, ast_list_at(s->ast, args, i));
        if (a->kind == N_STARRED || (a->kind == N_KEYWORD && !a->name)) {
            sema_unsupported(s, a->span, "unpacking arguments");
            sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        bool enum_start = bi == BI_ENUMERATE && a->name && !strcmp(str_text(a->name), "start");
        if (a->kind == N_KEYWORD && bi != BI_SORTED && !enum_start) {
            sema_args_quiet(s, call);
            sema_error(s, CODE_TYPE_ARITY, a->span, "`%s` takes no keyword arguments", fname);
            return TYPE_ERROR;
        }
        if (a->kind != N_KEYWORD) npos++;
    }
    uint32_t lo = 1, hi = 1;
    switch (bi) {
    case BI_ZIP: lo = 2, hi = 2; break;
    case BI_LIST:
    case BI_SET:
    case BI_BYTES: lo = 0, hi = 1; break;
    case BI_DICT: lo = 0, hi = 0; break;
    case BI_ISINSTANCE: lo = 2, hi = 2; break;
    case BI_SUM: lo = 1, hi = 2; break;
    case BI_ROUND: lo = 1, hi = 2; break;
    case BI_DIVMOD: lo = 2, hi = 2; break;
    case BI_POW: lo = 2, hi = 3; break;
    case BI_ENUMERATE: lo = 1, hi = args.count == npos ? 2 : 1; break; /* start positional or `start=` */
    default: break;
    }
    if (npos < lo || npos > hi) {
        sema_args_quiet(s, call);
        sema_arity(s, n->span, (Span){0, 0, 0}, fname, lo, hi, npos);
        return TYPE_ERROR;
    }
    TypeId t0 = 0, t1 = 0;
    NodeId a0 = npos > 0 ? sema_arg_at(s, call, 0) : 0;
    NodeId a1 = npos > 1 ? sema_arg_at(s, call, 1) : 0;
    TypeId ret = TYPE_ERROR;
    switch (bi) {
    case BI_ISINSTANCE: {
        t0 = sema_expr(s, a0);
        Node *cn = sema_node(s, a1);
        SymId cls = 0;
        TypeId ct = 0;
        if (cn->kind == N_NAME) {
            SymId id = sema_lookup_name(s, cn->name);
            if (id && sema_sym(s, id)->kind == SYM_CLASS) cls = id;
            else if (id && sema_sym(s, id)->kind == SYM_TYPE) {
                BuiltinId b = (BuiltinId)sema_sym(s, id)->index;
                ct = b == BI_INT ? TYPE_INT : b == BI_FLOAT ? TYPE_FLOAT : b == BI_STR ? TYPE_STR
                     : b == BI_BOOL ? TYPE_BOOL : b == BI_BYTES ? TYPE_BYTES : 0;
            }
            cn->sym = id;
        }
        if (cls) ct = sema_sym(s, cls)->type;
        if (!ct || type_has_typevar(ct)) {
            sema_error(s, CODE_TYPE_MISMATCH, cn->span, "the second argument of `isinstance` must be a class");
            return TYPE_ERROR;
        }
        cn->type = ct;
        ret = TYPE_BOOL;
        TypeId ps[2] = {t0, ct};
        sema_node(s, callee)->type = t0 == TYPE_ERROR ? TYPE_ERROR : type_func(ps, 2, TYPE_BOOL);
        return ret;
    }
    case BI_OK:
    case BI_ERR: {
        TypeId want_ok = 0, want_err = 0;
        if (hint && type_get(hint)->kind == TY_RESULT) {
            want_ok = type_get(hint)->args[0];
            want_err = type_get(hint)->args[1];
        } else if (s->fn >= 0 && type_get(s->prog->funcs.items[s->fn].ret)->kind == TY_RESULT && !s->lambda_depth) {
            /* `return Ok(v)` / `x = Err(e)` in a Result function */
            TypeId fr = s->prog->funcs.items[s->fn].ret;
            want_ok = type_get(fr)->args[0];
            want_err = type_get(fr)->args[1];
        }
        TypeId t = sema_expr_hint(s, a0, bi == BI_OK ? want_ok : want_err);
        if (t == TYPE_ERROR) return TYPE_ERROR;
        if (bi == BI_ERR && !sema_is_error_type(s, t)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a0)->span,
                                      "`Err` needs an error value, found `%s`", type_name(t));
            diag_label(d, "not an error class");
            diag_help(d, "error types derive from `Error`: `class MyError(Error): ...`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        TypeId ok_t = bi == BI_OK ? t : want_ok, err_t = bi == BI_ERR ? t : want_err;
        if (bi == BI_OK && want_ok && sema_assignable(want_ok, t)) ok_t = want_ok;
        if (bi == BI_ERR && want_err && sema_assignable(want_err, t)) err_t = want_err;
        if (!ok_t || !err_t) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span,
                                      "cannot infer the %s type of this `%s`", bi == BI_OK ? "error" : "success",
                                      fname);
            diag_label(d, "needs an expected `Result[...]` type");
            diag_help(d, "annotate the variable, e.g. `r: Result[int, ValueError] = ...`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        ret = type_result(ok_t, err_t);
        sema_node(s, callee)->type = type_func(&t, 1, ret);
        return ret;
    }
    case BI_LIST:
    case BI_SET:
    case BI_DICT: {
        if (npos == 0) {
            TypeKind want = bi == BI_LIST ? TY_LIST : bi == BI_SET ? TY_SET : TY_DICT;
            if (hint && type_get(hint)->kind == want) {
                sema_node(s, callee)->type = type_func(NULL, 0, hint);
                return hint;
            }
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, n->span, "cannot infer the element type of `%s()`",
                                      fname);
            diag_label(d, "empty collection of unknown type");
            diag_help(d, "annotate the variable, e.g. `xs: %s = %s()`",
                      bi == BI_LIST ? "list[int]" : bi == BI_SET ? "set[int]" : "dict[str, int]", fname);
            diag_emit(d);
            return TYPE_ERROR;
        }
        t0 = sema_expr(s, a0);
        TypeId e = sema_need_iterable(s, a0, t0, fname);
        if (e == TYPE_ERROR) return TYPE_ERROR;
        ret = bi == BI_LIST ? type_list(e) : type_set(e);
        break;
    }
    case BI_SORTED:
    case BI_REVERSED: {
        t0 = sema_expr(s, a0);
        TypeId e = sema_need_iterable(s, a0, t0, fname);
        if (e == TYPE_ERROR) {
            if (bi == BI_SORTED) sema_args_quiet(s, call);
            return TYPE_ERROR;
        }
        if (bi == BI_SORTED) {
            bool has_key = false;
            for (uint32_t i = 0; i < args.count; i++) {
                Node *a = sema_node(s, ast_list_at(s->ast, args, i));
                if (a->kind == N_KEYWORD && a->name && !strcmp(str_text(a->name), "key")) has_key = true;
            }
            if (!sema_sorted_keywords(s, call, e)) return TYPE_ERROR;
            if (!has_key && !sema_orderable(e)) {
                Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a0)->span,
                                          "`sorted` needs orderable elements, found `%s`", type_name(e));
                diag_label(d, "elements cannot be compared with `<`");
                diag_help(d, "pass `key=lambda x: ...`");
                diag_emit(d);
                return TYPE_ERROR;
            }
        }
        ret = type_list(e);
        break;
    }
    case BI_ENUMERATE: {
        t0 = sema_expr(s, a0);
        TypeId e = sema_need_iterable(s, a0, t0, fname);
        if (e == TYPE_ERROR) return TYPE_ERROR;
        NodeId start = a1;
        for (uint32_t i = 0; i < args.count; i++) {
            NodeId aid = ast_list_at(s->ast, args, i);
            if (sema_node(s, aid)->kind == N_KEYWORD) start = sema_node(s, aid)->a;
        }
        if (start && sema_expr_expect(s, start, TYPE_INT, "the start of `enumerate`") == TYPE_ERROR)
            return TYPE_ERROR;
        TypeId pair[2] = {TYPE_INT, e};
        ret = type_list(type_tuple(pair, 2));
        break;
    }
    case BI_ZIP: {
        t0 = sema_expr(s, a0);
        t1 = sema_expr(s, a1);
        TypeId e0 = sema_need_iterable(s, a0, t0, fname);
        TypeId e1 = sema_need_iterable(s, a1, t1, fname);
        if (e0 == TYPE_ERROR || e1 == TYPE_ERROR) return TYPE_ERROR;
        TypeId pair[2] = {e0, e1};
        ret = type_list(type_tuple(pair, 2));
        TypeId ps[2] = {t0, t1};
        sema_node(s, callee)->type = type_func(ps, 2, ret);
        return ret;
    }
    case BI_SUM: {
        t0 = sema_expr(s, a0);
        TypeId e = sema_need_iterable(s, a0, t0, fname);
        if (a1) t1 = sema_expr(s, a1);
        if (e == TYPE_ERROR || t1 == TYPE_ERROR) return TYPE_ERROR;
        if (!type_is_numeric(e) || (t1 && !type_is_numeric(t1))) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a0)->span,
                                      "`sum` needs numbers, found elements of type `%s`", type_name(e));
            diag_label(d, "expected `int` or `float` elements");
            diag_emit(d);
            return TYPE_ERROR;
        }
        ret = (e == TYPE_FLOAT || t1 == TYPE_FLOAT) ? TYPE_FLOAT : TYPE_INT;
        break;
    }
    case BI_ANY:
    case BI_ALL: {
        t0 = sema_expr_hint(s, a0, type_list(TYPE_BOOL)); /* all([]) is a list[bool] */
        TypeId e = sema_need_iterable(s, a0, t0, fname);
        if (e == TYPE_ERROR) return TYPE_ERROR;
        if (e != TYPE_BOOL) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a0)->span,
                                      "`%s` needs `bool` elements, found `%s`", fname, type_name(e));
            diag_label(d, "Sifr has no implicit truthiness");
            diag_emit(d);
            return TYPE_ERROR;
        }
        ret = TYPE_BOOL;
        break;
    }
    case BI_ORD:
        t0 = sema_expr_expect(s, a0, TYPE_STR, "the argument of `ord`");
        if (t0 == TYPE_ERROR) return TYPE_ERROR;
        ret = TYPE_INT;
        break;
    case BI_CHR:
        t0 = sema_expr_expect(s, a0, TYPE_INT, "the argument of `chr`");
        if (t0 == TYPE_ERROR) return TYPE_ERROR;
        ret = TYPE_STR;
        break;
    case BI_HEX:
    case BI_BIN:
    case BI_OCT:
        t0 = sema_expr_expect(s, a0, TYPE_INT, "the argument");
        if (t0 == TYPE_ERROR) return TYPE_ERROR;
        ret = TYPE_STR;
        break;
    case BI_ROUND:
    case BI_DIVMOD:
    case BI_POW: return sema_numeric_builtin(s, call, bi, npos);
    case BI_BYTES:
        /* bytes() empty, bytes(n) n zero bytes, bytes(list[int]) one byte per item */
        ret = TYPE_BYTES;
        if (!a0) break;
        t0 = sema_expr_hint(s, a0, type_list(TYPE_INT));
        if (t0 == TYPE_ERROR) return TYPE_ERROR;
        if (t0 != TYPE_INT && t0 != type_list(TYPE_INT)) {
            Diagnostic *d = sema_diag(s, CODE_TYPE_MISMATCH, sema_node(s, a0)->span,
                                      "`bytes` does not accept a value of type `%s`", type_name(t0));
            diag_label(d, "expected `int` or `list[int]`");
            diag_emit(d);
            return TYPE_ERROR;
        }
        break;
    default: ICE("sema_core_builtin: %d", (int)bi);
    }
    sema_node(s, callee)->type = t0 ? type_func(&t0, 1, ret) : type_func(NULL, 0, ret);
    return ret;
}
