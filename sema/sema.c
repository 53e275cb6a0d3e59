/* The semantic pass driver and module level: builtin symbols, module-level
 * declarations (functions, constants, imports), function signatures, the
 * `main` check, and the helpers every checker file shares (symbol maps,
 * diagnostics, name suggestions, def-name spans). */
#include "sema_internal.h"
#include "modules.h"

#include <stdarg.h>

/* ==== Symbol maps ========================================================= */

static uint32_t symmap_slot(const SymMap *m, StrId name) {
    /* StrIds are small dense integers: a multiplicative hash spreads them. */
    return (uint32_t)((name * 2654435761u) & (m->cap - 1));
}

void symmap_put(SymMap *m, StrId name, SymId sym) {
    if ((m->len + 1) * 2 > m->cap) {
        SymMap g = {0};
        g.cap = m->cap ? m->cap * 2 : 32;
        g.keys = xcalloc(g.cap, sizeof *g.keys);
        g.vals = xcalloc(g.cap, sizeof *g.vals);
        for (uint32_t i = 0; i < m->cap; i++)
            if (m->keys[i]) symmap_put(&g, m->keys[i], m->vals[i]);
        symmap_free(m);
        *m = g;
    }
    uint32_t i = symmap_slot(m, name);
    while (m->keys[i] && m->keys[i] != name) i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->len++;
    m->keys[i] = name;
    m->vals[i] = sym;
}

SymId symmap_get(const SymMap *m, StrId name) {
    if (!m->cap || !name) return 0;
    uint32_t i = symmap_slot(m, name);
    while (m->keys[i]) {
        if (m->keys[i] == name) return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return 0;
}

void symmap_free(SymMap *m) {
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ==== Shared helpers ====================================================== */

SymId sema_new_sym(Sema *s, SymKind kind, StrId name, TypeId type, NodeId decl) {
    Symbol sym = {.kind = kind, .name = name, .type = type, .decl = decl};
    vec_push(&s->prog->syms, sym);
    return s->prog->syms.len - 1;
}

static Diagnostic *sema_vdiag(const char *code, Span span, const char *fmt, va_list ap) {
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return diag_new(SEV_ERROR, code, span, "%s", buf);
}

Diagnostic *sema_diag(Sema *s, const char *code, Span span, const char *fmt, ...) {
    (void)s;
    va_list ap;
    va_start(ap, fmt);
    Diagnostic *d = sema_vdiag(code, span, fmt, ap);
    va_end(ap);
    return d;
}

void sema_error(Sema *s, const char *code, Span span, const char *fmt, ...) {
    (void)s;
    va_list ap;
    va_start(ap, fmt);
    Diagnostic *d = sema_vdiag(code, span, fmt, ap);
    va_end(ap);
    diag_emit(d);
}

void sema_unsupported(Sema *s, Span span, const char *what) {
    Diagnostic *d = sema_diag(s, CODE_TYPE_UNSUPPORTED, span, "%s is not supported yet", what);
    diag_label(d, "not supported by this compiler yet");
    diag_emit(d);
}

/* sema_assignable has no Sema parameter (it is called from everywhere);
 * class derivation needs the program being checked. */
Sema *sema_current;

bool sema_assignable(TypeId dst, TypeId src) {
    if (dst == src || dst == TYPE_ERROR || src == TYPE_ERROR || src == TYPE_NEVER) return true;
    if (dst == TYPE_FLOAT && src == TYPE_INT) return true;
    const Type *d = type_get(dst);
    if (d->kind == TY_OPTION) {
        if (src == TYPE_NONE) return true;
        /* T (or something that fits T) into T | None */
        if (type_get(src)->kind != TY_OPTION) return sema_assignable(d->args[0], src);
        return false;
    }
    const Type *sr = type_get(src);
    if (d->kind == TY_CLASS && sr->kind == TY_CLASS && sema_current && !d->nargs && !sr->nargs)
        return sema_class_derives(sema_current, sr->sym, d->sym);
    return false;
}

uint32_t sema_scope_mark(const Sema *s) { return s->saves.len; }

void sema_scope_bind(Sema *s, StrId name, SymId sym) {
    ScopeSave sv = {.name = name, .old = symmap_get(&s->scope, name)};
    vec_push(&s->saves, sv);
    symmap_put(&s->scope, name, sym);
}

void sema_scope_restore(Sema *s, uint32_t mark) {
    while (s->saves.len > mark) {
        ScopeSave sv = s->saves.items[--s->saves.len];
        /* a value of 0 reads as absent (symmap_get treats 0 as "no symbol") */
        symmap_put(&s->scope, sv.name, sv.old);
    }
}

SymId sema_new_local(Sema *s, StrId name, TypeId type, NodeId decl) {
    ICE_ASSERT(s->fn >= 0);
    SymId id = sema_new_sym(s, SYM_LOCAL, name, type, decl);
    SemaFunc *f = &s->prog->funcs.items[s->fn];
    sema_sym(s, id)->index = f->locals.len;
    sema_sym(s, id)->func = (uint32_t)s->fn;
    vec_push(&f->locals, id);
    return id;
}

static bool sema_is_ident_char(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/* Find `name` as a whole identifier in [lo, hi) of the file, starting after
 * offset `from`; returns its span, or an empty span at `lo` if absent. The
 * AST keeps one span per node, so names inside a node (a def's name, an
 * imported module) are located in the text. */
static Span sema_find_ident(FileId file, uint32_t from, uint32_t hi, StrId name) {
    const SourceFile *sf = source_get(file);
    const char *text = sf->text;
    uint32_t n = str_len(name);
    if (hi > sf->len) hi = sf->len;
    for (uint32_t i = from; i + n <= hi; i++) {
        if (memcmp(text + i, str_text(name), n) != 0) continue;
        if (i > 0 && sema_is_ident_char(text[i - 1])) continue;
        if (i + n < sf->len && sema_is_ident_char(text[i + n])) continue;
        return span_make(file, i, i + n);
    }
    return span_make(file, from, from);
}

Span sema_def_name_span(const Sema *s, NodeId def) {
    const Node *d = sema_node(s, def);
    /* the def's own file: it may belong to another module than the current */
    const SourceFile *sf = source_get(d->span.file);
    /* Skip the keywords (`async`, `def`, `class`) and the blanks after them:
     * the name is the first identifier that is not one of them. */
    uint32_t i = d->span.lo;
    for (int words = 0; words < 3 && i < sf->len; words++) {
        uint32_t j = i;
        while (j < sf->len && sema_is_ident_char(sf->text[j])) j++;
        size_t w = j - i;
        bool kw = (w == 5 && !memcmp(sf->text + i, "async", 5)) ||
                  (w == 3 && !memcmp(sf->text + i, "def", 3)) ||
                  (w == 5 && !memcmp(sf->text + i, "class", 5));
        if (!kw) break;
        i = j;
        while (i < sf->len && (sf->text[i] == ' ' || sf->text[i] == '\t' || sf->text[i] == '\\' ||
                               sf->text[i] == '\n' || sf->text[i] == '\r'))
            i++;
    }
    Span sp = sema_find_ident(d->span.file, i, d->span.hi, d->name);
    if (sp.lo == sp.hi) return span_make(d->span.file, d->span.lo, d->span.lo);
    return sp;
}

uint32_t sema_edit_distance(const char *a, uint32_t la, const char *b, uint32_t lb) {
    if (la > 64 || lb > 64) return 99;
    uint32_t row[65];
    for (uint32_t j = 0; j <= lb; j++) row[j] = j;
    for (uint32_t i = 1; i <= la; i++) {
        uint32_t diag = row[0];
        row[0] = i;
        for (uint32_t j = 1; j <= lb; j++) {
            uint32_t up = row[j];
            uint32_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            uint32_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

typedef struct Suggest {
    StrId target;
    StrId best;
    uint32_t dist;
} Suggest;

static void sema_suggest_try(Suggest *sg, StrId cand) {
    if (!cand || cand == sg->target) return;
    uint32_t lt = str_len(sg->target), lc = str_len(cand);
    uint32_t d = sema_edit_distance(str_text(sg->target), lt, str_text(cand), lc);
    /* A distance as large as the name itself is no hint (`x` vs `y`). */
    if (d > 2 || d >= lt) return;
    if (d < sg->dist) {
        sg->dist = d;
        sg->best = cand;
    }
}

static void sema_suggest_map(Suggest *sg, const Sema *s, const SymMap *m, bool types_only) {
    for (uint32_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        if (types_only && sema_sym(s, m->vals[i])->kind != SYM_TYPE) continue;
        sema_suggest_try(sg, m->keys[i]);
    }
}

StrId sema_suggest(const Sema *s, StrId name, bool types_only) {
    Suggest sg = {.target = name, .best = 0, .dist = 99};
    if (types_only) {
        StrId tys[] = {s->n.t_int, s->n.t_float, s->n.t_bool, s->n.t_str, s->n.t_bytes, s->n.t_none};
        for (size_t i = 0; i < sizeof tys / sizeof tys[0]; i++) sema_suggest_try(&sg, tys[i]);
        return sg.best;
    }
    /* Nearest scope first: on equal distance the local name wins. */
    if (s->fn >= 0) sema_suggest_map(&sg, s, &s->scope, false);
    sema_suggest_map(&sg, s, &s->module, false);
    sema_suggest_map(&sg, s, &s->builtins, false);
    return sg.best;
}

/* ==== Builtins ============================================================ */

static const char *const sema_builtin_names[BI__COUNT] = {
    [BI_PRINT] = "print", [BI_STR] = "str",     [BI_INT] = "int",     [BI_FLOAT] = "float",
    [BI_BOOL] = "bool",   [BI_LEN] = "len",     [BI_RANGE] = "range", [BI_ABS] = "abs",
    [BI_MIN] = "min",     [BI_MAX] = "max",     [BI_PANIC] = "panic", [BI_REPR] = "repr",
    [BI_SORTED] = "sorted", [BI_REVERSED] = "reversed", [BI_ENUMERATE] = "enumerate",
    [BI_ZIP] = "zip",     [BI_SUM] = "sum",     [BI_ISINSTANCE] = "isinstance",
    [BI_LIST] = "list",   [BI_DICT] = "dict",   [BI_SET] = "set",     [BI_OK] = "Ok",
    [BI_ERR] = "Err",     [BI_ANY] = "any",     [BI_ALL] = "all",     [BI_ORD] = "ord",
    [BI_CHR] = "chr",     [BI_ROUND] = "round", [BI_DIVMOD] = "divmod", [BI_POW] = "pow",
    [BI_HEX] = "hex",     [BI_BIN] = "bin",     [BI_OCT] = "oct",     [BI_BYTES] = "bytes",
    [BI_TASK_SLEEP] = "task.sleep", [BI_TASK_NOW] = "task.now", [BI_TASK_SCOPE] = "task.scope",
    [BI_TASK_TIMEOUT] = "task.timeout", [BI_TASK_DEADLINE] = "task.deadline", [BI_TASK_GROUP] = "task.TaskGroup",
    [BI_TASK_CONTEXT_KEY] = "task.ContextKey", [BI_TASK_CURRENT_CONTEXT] = "task.current_context",
    [BI_TASK_EMPTY_CONTEXT] = "task.empty_context", [BI_TASK_CONTEXT] = "task.Context",
    [BI_TASK_GATHER] = "task.gather", [BI_TASK_RACE] = "task.race", [BI_TASK_SELECT] = "task.select",
    [BI_TASK_SPAWN_BLOCKING] = "task.spawn_blocking", [BI_TASK_SPAWN_CPU] = "task.spawn_cpu",
    [BI_SYNC_SHARED] = "sync.Shared", [BI_SYNC_LOCK] = "sync.Lock", [BI_SYNC_RWLOCK] = "sync.RwLock",
    [BI_SYNC_SEMAPHORE] = "sync.Semaphore", [BI_SYNC_NOTIFY] = "sync.Notify", [BI_SYNC_CHANNEL] = "sync.channel",
    [BI_SYNC_BOUNDED_CHANNEL] = "sync.bounded_channel", [BI_SYNC_LOCK_GUARD] = "sync.LockGuard",
    [BI_SYNC_READ_GUARD] = "sync.ReadGuard", [BI_SYNC_WRITE_GUARD] = "sync.WriteGuard",
    [BI_SYNC_PERMIT] = "sync.SemaphorePermit", [BI_SYNC_SENDER] = "sync.ChannelSender",
    [BI_SYNC_RECEIVER] = "sync.ChannelReceiver",
};

static void sema_names_init(Sema *s) {
    s->n.t_int = intern_cstr("int");
    s->n.t_float = intern_cstr("float");
    s->n.t_bool = intern_cstr("bool");
    s->n.t_str = intern_cstr("str");
    s->n.t_bytes = intern_cstr("bytes");
    s->n.t_none = intern_cstr("None");
    s->n.main = intern_cstr("main");
    s->n.range = intern_cstr("range");
    s->n.underscore = intern_cstr("_");
    for (int i = 0; i < BI__COUNT; i++) s->n.builtin[i] = intern_cstr(sema_builtin_names[i]);
    s->n.self = intern_cstr("self");
    s->n.init = intern_cstr("__init__");
    s->n.eq = intern_cstr("__eq__");
    s->n.str_ = intern_cstr("__str__");
    s->n.enter = intern_cstr("__enter__");
    s->n.exit_ = intern_cstr("__exit__");
    s->n.name = intern_cstr("name");
    s->n.value = intern_cstr("value");
    s->n.message = intern_cstr("message");
    s->n.error = intern_cstr("Error");
    s->n.enum_ = intern_cstr("Enum");
    s->n.nonsend = intern_cstr("NonSend");
    s->n.list = intern_cstr("list");
    s->n.dict = intern_cstr("dict");
    s->n.set = intern_cstr("set");
    s->n.tuple = intern_cstr("tuple");
    s->n.option = intern_cstr("Option");
    s->n.result = intern_cstr("Result");
    s->n.callable = intern_cstr("Callable");
    s->n.never = intern_cstr("Never");
    s->n.none_kw = intern_cstr("None");
}

static void sema_builtins_init(Sema *s) {
    for (uint32_t i = 0; i < BI__COUNT; i++) {
        /* The conversions are type names that can be called: SYM_TYPE. */
        bool is_type = i == BI_STR || i == BI_INT || i == BI_FLOAT || i == BI_BOOL || i == BI_LIST ||
                       i == BI_DICT || i == BI_SET || i == BI_BYTES;
        SymId id = sema_new_sym(s, is_type ? SYM_TYPE : SYM_BUILTIN, s->n.builtin[i], 0, 0);
        sema_sym(s, id)->index = i;
        symmap_put(&s->builtins, s->n.builtin[i], id);
    }
}

/* ==== Imports ============================================================= */

/* CPython modules that Sifr deliberately does not have, with the Sifr module
 * that covers the same ground (NULL: nothing equivalent). */
static const struct {
    const char *name;
    const char *instead;
} sema_cpython_modules[] = {
    {"asyncio", "sifr.task"},         {"subprocess", "sifr.process"},
    {"threading", "sifr.sync"},       {"multiprocessing", "sifr.parallel"},
    {"concurrent", "sifr.parallel"},  {"queue", "sifr.sync"},
    {"signal", "sifr.signal"},        {"contextlib", "sifr.resource"},
    {"contextvars", "sifr.task"},     {"logging", "sifr.runtime"},
    {"os", NULL},                     {"sys", NULL},
    {"socket", NULL},                 {"selectors", NULL},
    {"time", NULL},                   {"random", NULL},
    {"json", NULL},                   {"re", NULL},
};

/* Is the module (dotted name) a CPython module Sifr lacks? Sets *instead. */
static bool sema_cpython_module(StrId module, const char **instead) {
    const char *text = str_text(module);
    size_t head = strcspn(text, ".");
    for (size_t i = 0; i < sizeof sema_cpython_modules / sizeof sema_cpython_modules[0]; i++) {
        const char *m = sema_cpython_modules[i].name;
        if (strlen(m) == head && !memcmp(m, text, head)) {
            *instead = sema_cpython_modules[i].instead;
            return true;
        }
    }
    return false;
}

bool sema_is_cpython_module(StrId module) {
    const char *instead;
    return sema_cpython_module(module, &instead);
}

static void sema_report_cpython(Sema *s, Span at, StrId module, const char *instead) {
    Diagnostic *d = sema_diag(s, CODE_IMPORT_CPYTHON, at,
                              "`%s` is a CPython module that Sifr does not have", str_text(module));
    diag_label(d, "not available in Sifr");
    if (instead) diag_help(d, "use `%s` instead", instead);
    else diag_help(d, "Sifr's standard library has no equivalent of `%s`", str_text(module));
    diag_emit(d);
}

/* Bind a name that stands for something we could not import: every later
 * use is silently poisoned, so one bad import gives one diagnostic. */
static void sema_bind_poison(Sema *s, StrId name, NodeId decl) {
    if (!name || symmap_get(&s->module, name)) return;
    SymId id = sema_new_sym(s, SYM_MODULE, name, TYPE_ERROR, decl);
    symmap_put(&s->module, name, id);
}

static void sema_import(Sema *s, NodeId stmt) {
    Node *n = sema_node(s, stmt);
    if (n->kind == N_IMPORT) {
        for (uint32_t i = 0; i < n->list.count; i++) {
            NodeId aid = ast_list_at(s->ast, n->list, i);
            Node *alias = sema_node(s, aid);
            const char *instead = NULL;
            Span at = span_make(s->file, alias->span.lo, alias->span.lo + str_len(alias->name));
            if (alias->span.hi < at.hi) at.hi = alias->span.hi;
            if (sema_cpython_module(alias->name, &instead)) {
                sema_report_cpython(s, at, alias->name, instead);
            } else {
                /* SPEC: modules are imported by name (`from helper import f`);
                 * a module is not a value. */
                Diagnostic *d = sema_diag(s, CODE_IMPORT_FORM, at, "`import %s` is not supported",
                                          str_text(alias->name));
                diag_label(d, "a module is not a value in Sifr");
                diag_help(d, "import the names you use: `from %s import ...`", str_text(alias->name));
                diag_emit(d);
            }
            /* `import a.b` binds `a`; `import a.b as c` binds `c`. */
            StrId bound = alias->alias;
            if (!bound) {
                const char *t = str_text(alias->name);
                bound = intern(t, strcspn(t, "."));
            }
            sema_bind_poison(s, bound, aid);
        }
        return;
    }
    /* N_IMPORT_FROM: a module file of the program (sema/modules.c) */
    if (mods_import_from(s, stmt) || mods_import_stdlib_pending(s, stmt)) return;
    if (n->level == 0 && n->name && !strcmp(str_text(n->name), "typing")) {
        mods_import_typing(s, stmt);
        return;
    }
    const char *instead = NULL;
    bool reported = false;
    if (n->level == 0 && n->name && !strcmp(str_text(n->name), "enum")) {
        /* `from enum import Enum` is the one import of this milestone */
        for (uint32_t i = 0; i < n->list.count; i++) {
            NodeId aid = ast_list_at(s->ast, n->list, i);
            Node *alias = sema_node(s, aid);
            StrId bound = alias->alias ? alias->alias : alias->name;
            if (alias->name == s->n.enum_) {
                if (!symmap_get(&s->module, bound)) symmap_put(&s->module, bound, s->enum_sym);
                alias->sym = s->enum_sym;
                continue;
            }
            Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, alias->span, "module `enum` has no `%s`",
                                      alias->name ? str_text(alias->name) : "*");
            diag_label(d, "only `Enum` is available");
            diag_emit(d);
            sema_bind_poison(s, bound, aid);
        }
        return;
    }
    if (n->level == 0 && n->name && sema_cpython_module(n->name, &instead)) {
        /* The module name follows `from`: locate it in the text. */
        const char *t = str_text(n->name);
        StrId head = intern(t, strcspn(t, "."));
        Span at = sema_find_ident(s->file, n->span.lo + 4, n->span.hi, head);
        if (at.lo == at.hi) at = n->span;
        else at.hi = at.lo + str_len(n->name) <= n->span.hi ? at.lo + str_len(n->name) : at.hi;
        sema_report_cpython(s, at, n->name, instead);
        reported = true;
    }
    if (!reported) sema_unsupported(s, n->span, "importing this module");
    for (uint32_t i = 0; i < n->list.count; i++) {
        NodeId aid = ast_list_at(s->ast, n->list, i);
        Node *alias = sema_node(s, aid);
        sema_bind_poison(s, alias->alias ? alias->alias : alias->name, aid);
    }
}

/* ==== Module-level declarations =========================================== */

static void sema_redefined(Sema *s, Span at, StrId name, SymId prev) {
    Diagnostic *d = sema_diag(s, CODE_NAME_REDEFINED, at, "`%s` is defined more than once",
                              str_text(name));
    diag_label(d, "redefined here");
    NodeId pd = sema_sym(s, prev)->decl;
    if (pd) diag_note(d, sema_node(s, pd)->span, "`%s` was first defined here", str_text(name));
    diag_emit(d);
}

static bool sema_is_docstring(const Sema *s, const Node *n) {
    return n->kind == N_EXPR_STMT && n->a && sema_node(s, n->a)->kind == N_STR;
}

/* Pass 1: give every module-level name a symbol, so that functions can call
 * each other in any order; reject what does not belong at module level. */
static void sema_declare_module(Sema *s, NodeId root) {
    Node *mod = sema_node(s, root);
    for (uint32_t i = 0; i < mod->list.count; i++) {
        NodeId sid = ast_list_at(s->ast, mod->list, i);
        Node *n = sema_node(s, sid);
        switch (n->kind) {
        case N_FUNC_DEF: {
            SymId prev = symmap_get(&s->module, n->name);
            SymId id = sema_new_sym(s, SYM_FUNC, n->name, 0, sid);
            if (prev) {
                sema_redefined(s, sema_def_name_span(s, sid), n->name, prev);
                /* keep checking the body, but calls resolve to the first def */
                sema_sym(s, id)->type = TYPE_ERROR;
            } else {
                symmap_put(&s->module, n->name, id);
            }
            SemaFunc f = {.sym = id, .def = sid, .name = n->name, .ret = TYPE_NONE,
                          .is_async = (n->flags & NF_ASYNC) != 0};
            sema_sym(s, id)->index = s->prog->funcs.len;
            vec_push(&s->prog->funcs, f);
            break;
        }
        case N_ANN_ASSIGN: {
            Node *target = sema_node(s, n->a);
            if (target->kind != N_NAME) {
                if (target->kind != N_POISON) sema_unsupported(s, target->span, "this declaration target");
                break;
            }
            SymId prev = symmap_get(&s->module, target->name);
            if (prev) {
                sema_redefined(s, target->span, target->name, prev);
                break;
            }
            SymId id = sema_new_sym(s, SYM_CONST, target->name, 0, sid);
            target->sym = id;
            symmap_put(&s->module, target->name, id);
            break;
        }
        case N_CLASS_DEF: sema_declare_class(s, sid); break;
        case N_TYPE_ALIAS: {
            SymId prev = symmap_get(&s->module, n->name);
            if (prev) {
                sema_redefined(s, n->span, n->name, prev);
                break;
            }
            SymId id = sema_new_sym(s, SYM_ALIAS, n->name, 0, sid);
            sema_sym(s, id)->index = sid;
            n->sym = id;
            symmap_put(&s->module, n->name, id);
            break;
        }
        case N_IMPORT:
        case N_IMPORT_FROM: sema_import(s, sid); break;
        case N_RETURN: sema_error(s, CODE_FLOW_RETURN, n->span, "`return` outside a function"); break;
        case N_BREAK: sema_error(s, CODE_FLOW_BREAK, n->span, "`break` outside a loop"); break;
        case N_CONTINUE:
            sema_error(s, CODE_FLOW_CONTINUE, n->span, "`continue` outside a loop");
            break;
        case N_PASS:
        case N_POISON: break;
        default: {
            if (sema_is_docstring(s, n)) break;
            Diagnostic *d = sema_diag(s, CODE_PARSE_TOPLEVEL, n->span,
                                      "executable statements belong in functions");
            diag_label(d, "statement at module level");
            if (n->kind == N_ASSIGN && n->list.count == 1 &&
                sema_node(s, ast_list_at(s->ast, n->list, 0))->kind == N_NAME) {
                StrId name = sema_node(s, ast_list_at(s->ast, n->list, 0))->name;
                diag_help(d, "to declare a module constant, annotate it: `%s: int = ...`",
                          str_text(name));
            } else {
                diag_help(d, "move it into `main` or another function");
            }
            diag_emit(d);
            break;
        }
        }
    }
}

/* Is `e` a call of class `t`'s constructor with constant positional
 * arguments, in a standard-library module? */
static bool sema_lib_ctor_const(Sema *s, NodeId e, TypeId t) {
    uint32_t m = mods_current();
    if (m == UINT32_MAX || m >= s->prog->modules.len || !s->prog->modules.items[m].is_lib) return false;
    const Node *n = sema_node(s, e);
    if (n->kind != N_CALL || sema_node(s, n->a)->kind != N_NAME) return false;
    SymId c = symmap_get(&s->module, sema_node(s, n->a)->name);
    if (!c || sema_sym(s, c)->kind != SYM_CLASS || sema_sym(s, c)->type != t) return false;
    for (uint32_t i = 0; i < n->list.count; i++) {
        NodeId a = ast_list_at(s->ast, n->list, i);
        if (sema_node(s, a)->kind == N_KEYWORD || sema_node(s, a)->kind == N_STARRED) return false;
        if (!sema_const_expr_ok(s, a, "a module constant")) return false;
    }
    return true;
}

/* Is `e` ContextKey(...) (from sifr.task, or task.ContextKey) with
 * constant arguments? */
static bool sema_context_key_const(Sema *s, NodeId e) {
    const Node *n = sema_node(s, e);
    if (n->kind != N_CALL) return false;
    const Node *c = sema_node(s, n->a);
    SymId id = c->kind == N_NAME ? symmap_get(&s->module, c->name) : 0;
    bool is_key = id ? sema_sym(s, id)->kind == SYM_BUILTIN && sema_sym(s, id)->index == BI_TASK_CONTEXT_KEY
                     : c->kind == N_ATTR && sema_node(s, c->a)->kind == N_NAME &&
                           !strcmp(str_text(sema_node(s, c->a)->name), "task") &&
                           !symmap_get(&s->module, sema_node(s, c->a)->name) && !strcmp(str_text(c->name), "ContextKey");
    if (!is_key) return false;
    for (uint32_t i = 0; i < n->list.count; i++) {
        const Node *a = sema_node(s, ast_list_at(s->ast, n->list, i));
        if (!sema_const_expr_ok(s, a->kind == N_KEYWORD ? a->a : ast_list_at(s->ast, n->list, i), "a module constant"))
            return false;
    }
    return true;
}

/* Pass 2: module constants, in source order (a constant may use the ones
 * declared before it). */
static void sema_check_const(Sema *s, NodeId sid) {
    Node *n = sema_node(s, sid);
    Node *target = sema_node(s, n->a);
    if (target->kind != N_NAME || !target->sym) return;
    Symbol *sym = sema_sym(s, target->sym);
    if (sym->kind != SYM_CONST || sym->decl != sid) return;
    TypeId t = sema_annotation(s, n->b);
    n->type = t;
    /* lib/ only: a constant of a class type built by that class's
     * constructor from constants (sifr.runtime's `INFO = DiagnosticLevel(
     * "info")`); like every constant it is re-evaluated where it is used. */
    if (t != TYPE_ERROR && type_get(t)->kind == TY_CONTEXT_KEY && n->c && sema_context_key_const(s, n->c)) {
        /* `key: ContextKey[str] = ContextKey("name")`: made where it is used */
        sema_expr_expect(s, n->c, t, "the constant");
        target->type = t;
        sema_sym(s, target->sym)->type = t;
        return;
    }
    if (t != TYPE_ERROR && type_get(t)->kind == TY_CLASS && n->c && sema_lib_ctor_const(s, n->c, t)) {
        sema_expr_expect(s, n->c, t, "the constant");
        target->type = t;
        sema_sym(s, target->sym)->type = t;
        return;
    }
    if (t != TYPE_ERROR && t != TYPE_INT && t != TYPE_FLOAT && t != TYPE_BOOL && t != TYPE_STR &&
        t != TYPE_BYTES) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_UNSUPPORTED, sema_node(s, n->b)->span,
                                  "module constants of type `%s` are not supported yet", type_name(t));
        diag_label(d, "constants may be int, float, bool, str or bytes for now");
        diag_emit(d);
        t = TYPE_ERROR;
    }
    if (!n->c) {
        Diagnostic *d = sema_diag(s, CODE_TYPE_UNSUPPORTED, n->span,
                                  "a module-level declaration without a value is not supported yet");
        diag_label(d, "give `%s` a value", str_text(target->name));
        diag_emit(d);
        t = TYPE_ERROR;
    } else if (sema_const_expr_ok(s, n->c, "a module constant")) {
        sema_expr_expect(s, n->c, t, "the constant");
    } else {
        t = TYPE_ERROR;
    }
    target->type = t;
    sema_sym(s, target->sym)->type = t;
}

/* Pass 3: a function's signature: parameters, defaults, return type. */
static void sema_signature(Sema *s, uint32_t fi) {
    SemaFunc *f = &s->prog->funcs.items[fi];
    NodeId def = f->def;
    Node *d = sema_node(s, def);
    mods_decorators(s, fi); /* `@extern` in the standard library; others are reported */
    /* type variables: the class's (methods), then the def's own */
    symmap_free(&s->typevars);
    if (f->cls) {
        ClassInfo *ci = sema_class(s, f->cls);
        for (uint32_t i = 0; ci && i < ci->tparams.len; i++) {
            SymId tv = ci->tparams.items[i];
            symmap_put(&s->typevars, sema_sym(s, tv)->name, tv);
            vec_push(&s->prog->funcs.items[fi].tparams, tv);
        }
    }
    {
        SymId tps[16];
        uint32_t ntp = sema_declare_typevars(s, d->list4, tps, 16);
        for (uint32_t i = 0; i < ntp; i++) vec_push(&s->prog->funcs.items[fi].tparams, tps[i]);
        f = &s->prog->funcs.items[fi];
        d = sema_node(s, def);
    }

    VEC(TypeId) ptypes = {0};
    SymMap seen = {0};
    bool saw_default = false;
    for (uint32_t i = 0; i < d->list.count; i++) {
        NodeId pid = ast_list_at(s->ast, d->list, i);
        Node *p = sema_node(s, pid);
        TypeId pt = TYPE_ERROR;
        bool is_self = f->cls && i == 0;
        if (p->kind == N_POISON) {
            /* keep positions aligned with the parameter list */
        } else if (is_self) {
            /* a method's first parameter is `self` (or `mut self`): the instance */
            if (p->name != s->n.self || (p->flags & (NF_STAR | NF_DSTAR | NF_OWN))) {
                Diagnostic *dg = sema_diag(s, CODE_TYPE_ANNOTATION, p->span,
                                           "the first parameter of a method must be `self`");
                diag_label(dg, "expected `self` or `mut self`");
                diag_emit(dg);
            } else {
                pt = sema_class(s, f->cls) ? sema_class(s, f->cls)->type : TYPE_ERROR;
                if (p->a) sema_annotation(s, p->a);
                s->prog->funcs.items[fi].self_mut = (p->flags & NF_MUT) != 0;
            }
        } else if (p->flags & (NF_STAR | NF_DSTAR) || !p->name) {
            sema_unsupported(s, p->span, p->flags & NF_DSTAR ? "a `**kwargs` parameter"
                                         : p->name            ? "a `*args` parameter"
                                                              : "a keyword-only parameter marker");
        } else if (!p->a) {
            Diagnostic *dg = sema_diag(s, CODE_TYPE_ANNOTATION, p->span,
                                       "parameter `%s` needs a type annotation", str_text(p->name));
            diag_label(dg, "missing `: type`");
            diag_help(dg, "write e.g. `%s: int`", str_text(p->name));
            diag_emit(dg);
        } else {
            pt = sema_annotation(s, p->a);
        }
        if (p->kind == N_PARAM && p->name) {
            SymId prev = symmap_get(&seen, p->name);
            if (prev) {
                sema_redefined(s, p->span, p->name, prev);
            }
            SymId id = sema_new_sym(s, SYM_PARAM, p->name, pt, pid);
            sema_sym(s, id)->index = i;
            sema_sym(s, id)->func = fi;
            p->sym = id;
            p->type = pt;
            if (!prev) symmap_put(&seen, p->name, id);
            vec_push(&s->prog->funcs.items[fi].params, id);
            if (p->b) {
                saw_default = true;
                if (sema_const_expr_ok(s, p->b, "a parameter default"))
                    sema_expr_expect(s, p->b, pt, "the default value");
            } else if (saw_default && !(p->flags & (NF_STAR | NF_DSTAR))) {
                sema_error(s, CODE_PARSE_SYNTAX, p->span,
                           "parameter `%s` without a default follows a parameter with a default",
                           str_text(p->name));
            }
        } else {
            /* a poisoned or nameless parameter still occupies a slot */
            SymId id = sema_new_sym(s, SYM_PARAM, 0, TYPE_ERROR, pid);
            sema_sym(s, id)->index = i;
            sema_sym(s, id)->func = fi;
            vec_push(&s->prog->funcs.items[fi].params, id);
        }
        vec_push(&ptypes, pt);
    }
    symmap_free(&seen);
    f = &s->prog->funcs.items[fi];
    f->ret = d->a ? sema_annotation(s, d->a) : TYPE_NONE;
    symmap_free(&s->typevars);
    f->type = type_func(ptypes.items, ptypes.len, f->ret);
    vec_free(&ptypes);
    Symbol *fs = sema_sym(s, f->sym);
    if (fs->type != TYPE_ERROR) fs->type = f->type;
}

static void sema_check_main(Sema *s) {
    SymId id = symmap_get(&s->module, s->n.main);
    if (!id || sema_sym(s, id)->kind != SYM_FUNC || s->prog->funcs.items[sema_sym(s, id)->index].cls) {
        Diagnostic *d = sema_diag(s, CODE_NAME_NO_MAIN, span_make(s->file, 0, 0),
                                  "this program has no `main` function");
        if (id) diag_note(d, sema_node(s, sema_sym(s, id)->decl)->span, "`main` here is not a function");
        diag_help(d, "add `def main() -> None:`");
        diag_emit(d);
        return;
    }
    uint32_t fi = sema_sym(s, id)->index;
    s->prog->main_func = (int32_t)fi;
    SemaFunc *f = &s->prog->funcs.items[fi];
    Node *d = sema_node(s, f->def);
    if (d->list.count) {
        Node *p0 = sema_node(s, ast_list_at(s->ast, d->list, 0));
        Node *pl = sema_node(s, ast_list_at(s->ast, d->list, d->list.count - 1));
        Diagnostic *dg = sema_diag(s, CODE_TYPE_MAIN, span_join(p0->span, pl->span),
                                   "`main` must not take parameters");
        diag_label(dg, "parameters of `main`");
        diag_help(dg, "declare it as `def main() -> None:`");
        diag_emit(dg);
    }
    bool result_none = f->ret != TYPE_ERROR && type_get(f->ret)->kind == TY_RESULT &&
                       type_get(f->ret)->args[0] == TYPE_NONE;
    if (f->ret != TYPE_NONE && f->ret != TYPE_ERROR && !result_none) {
        Diagnostic *dg = sema_diag(s, CODE_TYPE_MAIN, sema_node(s, d->a)->span,
                                   "`main` must return `None`, not `%s`", type_name(f->ret));
        diag_label(dg, "unsupported return type of `main`");
        diag_help(dg, "declare it as `def main() -> None:`");
        diag_emit(dg);
    }
}

/* ==== Entry points ======================================================== */

/* Classes of other modules than `m` are hidden from the whole-program class
 * passes of classes.c while module `m` is checked, so that each class is
 * laid out, and its defaults checked, once and in its own module's scope:
 * a layout pass skips a class without a def (as it skips builtins), and the
 * defaults pass skips fields without a default. `hidden` saves what was
 * taken away; sema_unhide_classes puts it back. */
typedef struct HiddenClass {
    uint32_t cix;
    NodeId def;
    VEC(NodeId) dflts;
} HiddenClass;
typedef VEC(HiddenClass) HiddenVec;

static uint32_t sema_class_module(const Sema *s, const ClassInfo *ci) {
    for (uint32_t m = 0; m < s->prog->modules.len; m++)
        if (s->prog->modules.items[m].file == sema_node(s, ci->def)->span.file) return m;
    return 0;
}

static void sema_hide_classes(Sema *s, uint32_t m, bool defs, HiddenVec *hidden) {
    for (uint32_t i = 0; i < s->prog->classes.len; i++) {
        ClassInfo *ci = &s->prog->classes.items[i];
        if (!ci->def || sema_class_module(s, ci) == m) continue;
        HiddenClass h = {.cix = i, .def = ci->def};
        if (defs) {
            ci->def = 0;
        } else {
            for (uint32_t k = 0; k < ci->fields.len; k++) {
                vec_push(&h.dflts, ci->fields.items[k].dflt);
                ci->fields.items[k].dflt = 0;
            }
        }
        vec_push(hidden, h);
    }
}

static void sema_unhide_classes(Sema *s, HiddenVec *hidden) {
    for (uint32_t i = 0; i < hidden->len; i++) {
        HiddenClass *h = &hidden->items[i];
        ClassInfo *ci = &s->prog->classes.items[h->cix];
        ci->def = h->def;
        for (uint32_t k = 0; k < h->dflts.len; k++) ci->fields.items[k].dflt = h->dflts.items[k];
        vec_free(&h->dflts);
    }
    hidden->len = 0;
}

/* The top level of module `m`: declarations and imports, class layouts,
 * constants and aliases, function signatures. */
static void sema_module_top(Sema *s, uint32_t m) {
    mods_enter(s, m);
    NodeId root = s->prog->modules.items[m].root;
    uint32_t f0 = s->prog->funcs.len;
    sema_declare_module(s, root);
    HiddenVec hidden = {0};
    sema_hide_classes(s, m, true, &hidden);
    sema_classes_layout(s);
    sema_unhide_classes(s, &hidden);
    vec_free(&hidden);
    for (uint32_t fi = f0; fi < s->prog->funcs.len; fi++) s->prog->funcs.items[fi].module = m;
    Node *mod = sema_node(s, root);
    for (uint32_t i = 0; i < mod->list.count; i++) {
        NodeId sid = ast_list_at(s->ast, mod->list, i);
        Node *sn = sema_node(s, sid);
        if (sn->kind == N_ANN_ASSIGN) sema_check_const(s, sid);
        /* aliases nobody used are still checked */
        if (sn->kind == N_TYPE_ALIAS && sn->sym && !sema_sym(s, sn->sym)->type && sn->list4.count == 0) {
            TypeId t = sema_annotation(s, sn->a);
            sema_sym(s, sn->sym)->type = t;
            sn->type = t;
        }
    }
    for (uint32_t fi = f0; fi < s->prog->funcs.len; fi++) sema_signature(s, fi);
    for (uint32_t fi = f0; fi < s->prog->funcs.len; fi++) mods_check_extern(s, fi);
}

bool sema_check_program(Ast *ast, const SemaModuleSet *set, Program *out) {
    sema_init();
    memset(out, 0, sizeof *out);
    out->ast = ast;
    out->module_name = "main";
    out->main_func = -1;
    vec_push(&out->syms, ((Symbol){0}));
    if (set->mods.len == 0) ICE("sema_check_program: no module");
    for (uint32_t m = 0; m < set->mods.len; m++) vec_push(&out->modules, set->mods.items[m]);

    uint32_t errors_before = diag_error_count();
    Sema s;
    memset(&s, 0, sizeof s);
    s.ast = ast;
    s.prog = out;
    s.file = ast->file;
    s.fn = -1;
    sema_current = &s;
    type_bind_program(out);
    sema_names_init(&s);
    sema_builtins_init(&s);
    sema_builtin_classes(&s);
    mods_begin(&s, set);

    /* Module by module, imported ones first: a module's scope is complete
     * before a module that imports from it is declared. */
    for (uint32_t m = 0; m < set->mods.len; m++) {
        NodeId root = set->mods.items[m].root;
        if (!root || sema_node(&s, root)->kind != N_MODULE) ICE("sema_check: no module node");
        sema_module_top(&s, m);
    }
    sema_classes_methods(&s);
    for (uint32_t m = 0; m < set->mods.len; m++) {
        mods_enter(&s, m);
        HiddenVec hidden = {0};
        sema_hide_classes(&s, m, false, &hidden);
        sema_classes_defaults(&s);
        sema_unhide_classes(&s, &hidden);
        vec_free(&hidden);
    }
    uint32_t entry = set->mods.len - 1;
    mods_enter(&s, entry);
    sema_check_main(&s);
    for (uint32_t fi = 0; fi < out->funcs.len; fi++) {
        SemaFunc *f = &out->funcs.items[fi];
        if (f->rt_symbol) continue; /* bound to the runtime: no body */
        uint32_t m = f->module;
        mods_enter(&s, m);
        uint32_t before = out->funcs.len;
        sema_func_body(&s, fi);
        /* functions made while checking a body belong to its module */
        for (uint32_t k = before; k < out->funcs.len; k++) out->funcs.items[k].module = m;
    }

    mods_end(&s);
    symmap_free(&s.builtins);
    symmap_free(&s.typevars);
    symmap_free(&s.scope);
    free(s.lstate);
    vec_free(&s.narrows);
    for (uint32_t i = 0; i < s.tries.len; i++) vec_free(&s.tries.items[i].errs);
    vec_free(&s.tries);
    vec_free(&s.saves);
    vec_free(&s.handler_errs);
    vec_free(&s.scope_tracks);
    sema_current = NULL;
    /* the ownership rules about parameters (check_own.c), on a well-typed program */
    if (diag_error_count() == errors_before) sema_check_ownership(out);
    return diag_error_count() == errors_before;
}

bool sema_check(Ast *ast, const char *module_name, Program *out) {
    /* One file: a program of one module, named `module_name`. */
    SemaModuleSet set = {0};
    SemaModule m = {.name = intern_cstr(module_name ? module_name : "main"), .file = ast->file, .root = ast->root};
    vec_push(&set.mods, m);
    bool ok = sema_check_program(ast, &set, out);
    out->module_name = module_name;
    modules_free(&set);
    return ok;
}

const char *prog_func_module(const Program *p, uint32_t fi) {
    uint32_t m = p->funcs.items[fi].module;
    if (m < p->modules.len && m + 1 < p->modules.len) return str_text(p->modules.items[m].name);
    /* the entry module: the name the program was checked under */
    return p->module_name ? p->module_name : "main";
}

void program_free(Program *p) {
    for (uint32_t i = 0; i < p->funcs.len; i++) {
        vec_free(&p->funcs.items[i].params);
        vec_free(&p->funcs.items[i].locals);
        vec_free(&p->funcs.items[i].tparams);
    }
    for (uint32_t i = 0; i < p->classes.len; i++) {
        ClassInfo *ci = &p->classes.items[i];
        vec_free(&ci->tparams);
        vec_free(&ci->fields);
        vec_free(&ci->methods);
        vec_free(&ci->members);
    }
    vec_free(&p->classes);
    vec_free(&p->insts);
    vec_free(&p->unwraps);
    vec_free(&p->modules);
    type_bind_program(NULL);
    vec_free(&p->funcs);
    vec_free(&p->syms);
    p->main_func = -1;
}
