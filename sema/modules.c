/* Modules: loading a program's files (the entry plus every module it
 * imports, parsed into one Ast, ordered so that a module comes after the
 * modules it imports, cycles reported), the per-module name scopes sema
 * checks them in, the binding of `from M import name` between scopes, and
 * the `@extern("rt_...")` declarations that bind standard-library functions
 * to the runtime. Design notes: docs/design/modules.md. */
#define _GNU_SOURCE
#include "modules.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

/* ==== Loading ============================================================= */

/* The standard-library modules SPEC names: importing one whose file is not
 * in lib/ yet is "not supported yet" (sema reports it), not "not found". */
static const char *const ld_known_stdlib[] = {
    "sifr.task", "sifr.sync", "sifr.parallel", "sifr.signal", "sifr.process", "sifr.runtime", "sifr.resource",
};

typedef struct LoadMod {
    StrId name;      /* dotted module name */
    char *real;      /* canonical path: one module per file */
    char *dir;       /* directory of the file as it was named (for siblings) */
    const char *pkg; /* prefix of sibling module names: "" or "sifr." */
    FileId file;
    NodeId root;
    bool is_lib;
    uint8_t state;   /* 0 not visited, 1 on the DFS stack, 2 done */
} LoadMod;

typedef struct Loader {
    Ast *ast;
    const char *lib_dir;
    VEC(LoadMod) mods;
    VEC(uint32_t) order;  /* post-order: imported modules first */
    VEC(uint32_t) stack;  /* the modules being visited (cycle reports) */
    VEC(SemaImport) imports; /* module = load index (renumbered at the end) */
    bool parse_ok;           /* no syntax error in any file */
} Loader;

static char *ld_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return xstrdup("");
    if (slash == path) return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* `dir` + "/" + the dotted `name` with dots as directories + ".sifr". */
static char *ld_module_path(const char *dir, const char *name) {
    StrBuf sb = {0};
    if (dir[0]) sb_printf(&sb, "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
    for (const char *p = name; *p; p++) sb_putc(&sb, *p == '.' ? '/' : *p);
    sb_puts(&sb, ".sifr");
    return sb_take(&sb);
}

/* The span of the module name in `from <dots><name> import ...`: the AST
 * keeps one span per statement, so the name is found in the text. */
static Span ld_module_span(const Node *n) {
    const SourceFile *sf = source_get(n->span.file);
    uint32_t i = n->span.lo + 4, hi = n->span.hi < sf->len ? n->span.hi : sf->len;
    while (i < hi && (sf->text[i] == ' ' || sf->text[i] == '\t' || sf->text[i] == '\\' || sf->text[i] == '\n'))
        i++;
    uint32_t lo = i;
    while (i < hi && sf->text[i] != ' ' && sf->text[i] != '\t' && sf->text[i] != '\n' && sf->text[i] != '\\') i++;
    if (i == lo) return n->span;
    return span_make(n->span.file, lo, i);
}

static void ld_edge(Loader *L, NodeId stmt, uint32_t module) {
    SemaImport e = {.stmt = stmt, .module = module};
    vec_push(&L->imports, e);
}

static void ld_visit(Loader *L, uint32_t mi);

/* The file a `from` statement names, loaded and visited. */
static void ld_import(Loader *L, uint32_t mi, NodeId sid) {
    const Node *n = ast_node(L->ast, sid);
    if (n->kind != N_IMPORT_FROM || !n->name) return; /* sema reports the other forms */
    const char *text = str_text(n->name);
    if (n->level == 0 && (!strcmp(text, "enum") || sema_is_cpython_module(n->name))) return;
    /* `typing` is lib/typing.sifr when the library is there; else sema
     * knows its builtin part (`Callable`) */
    bool is_typing = n->level == 0 && !strcmp(text, "typing");
    if (is_typing && !L->lib_dir) return;
    Span at = ld_module_span(n);
    if (n->level > 1) {
        Diagnostic *d = diag_new(SEV_ERROR, CODE_IMPORT_RELATIVE, at,
                                 "relative import beyond the program's directory");
        diag_label(d, "%u leading dots", n->level);
        diag_help(d, "modules are files beside the importing file: write `from .%s import ...`", text);
        diag_emit(d);
        ld_edge(L, sid, SEMA_IMPORT_FAILED);
        return;
    }
    const LoadMod *from = &L->mods.items[mi];
    bool is_sifr = is_typing || (n->level == 0 && !strncmp(text, "sifr.", 5) && text[5]);
    char *path;
    StrBuf name = {0};
    const char *pkg;
    bool is_lib;
    if (is_sifr) {
        if (!L->lib_dir) {
            Diagnostic *d = diag_new(SEV_ERROR, CODE_IMPORT_UNKNOWN, at, "module `%s` not found", text);
            diag_label(d, "the standard library was not found");
            diag_help(d, "set SIFR_LIB to the directory that holds `sifr/`");
            diag_emit(d);
            ld_edge(L, sid, SEMA_IMPORT_FAILED);
            return;
        }
        if (is_typing) {
            path = ld_module_path(L->lib_dir, text);
            pkg = "";
        } else {
            StrBuf dir = {0};
            sb_printf(&dir, "%s/sifr", L->lib_dir);
            path = ld_module_path(dir.data, text + 5);
            sb_free(&dir);
            pkg = "sifr.";
        }
        sb_puts(&name, text);
        is_lib = true;
    } else {
        path = ld_module_path(from->dir, text);
        sb_printf(&name, "%s%s", from->pkg, text);
        pkg = from->pkg;
        is_lib = from->is_lib;
    }
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        bool known = is_typing;
        for (size_t i = 0; is_sifr && i < sizeof ld_known_stdlib / sizeof ld_known_stdlib[0]; i++)
            known |= !strcmp(ld_known_stdlib[i], text);
        if (!known) {
            Diagnostic *d = diag_new(SEV_ERROR, CODE_IMPORT_UNKNOWN, at, "module `%s` not found", text);
            diag_label(d, "no file for this module");
            diag_help(d, "searched %s", path);
            diag_emit(d);
            ld_edge(L, sid, SEMA_IMPORT_FAILED);
        }
        free(path);
        sb_free(&name);
        return;
    }
    uint32_t target = UINT32_MAX;
    for (uint32_t i = 0; i < L->mods.len; i++)
        if (!strcmp(L->mods.items[i].real, real)) target = i;
    if (target == UINT32_MAX) {
        const char *err = NULL;
        FileId f = source_load(path, &err);
        if (!f) {
            Diagnostic *d = diag_new(SEV_ERROR, CODE_IMPORT_UNKNOWN, at, "module `%s` cannot be read", text);
            diag_label(d, "%s: %s", path, err ? err : "unknown error");
            diag_emit(d);
            ld_edge(L, sid, SEMA_IMPORT_FAILED);
            free(path);
            sb_free(&name);
            return;
        }
        bool parsed = true;
        NodeId root = parse_file_append(f, L->ast, &parsed);
        L->parse_ok &= parsed;
        LoadMod m = {.name = intern(name.data, name.len), .real = xstrdup(real), .dir = ld_dirname(path),
                     .pkg = pkg, .file = f, .root = root, .is_lib = is_lib};
        vec_push(&L->mods, m);
        target = L->mods.len - 1;
    }
    free(path);
    sb_free(&name);
    if (L->mods.items[target].state == 1) {
        /* The chain from the module imported again back to here. */
        StrBuf chain = {0};
        uint32_t k = 0;
        while (k < L->stack.len && L->stack.items[k] != target) k++;
        for (; k < L->stack.len; k++) sb_printf(&chain, "`%s` -> ", str_text(L->mods.items[L->stack.items[k]].name));
        sb_printf(&chain, "`%s`", str_text(L->mods.items[target].name));
        Diagnostic *d = diag_new(SEV_ERROR, CODE_IMPORT_CYCLE, at, "modules import each other in a cycle");
        diag_label(d, "this import closes the cycle");
        diag_note(d, (Span){0, 0, 0}, "the cycle: %s", chain.data);
        diag_help(d, "move what both modules need into a third module that imports neither");
        diag_emit(d);
        sb_free(&chain);
        ld_edge(L, sid, SEMA_IMPORT_FAILED);
        return;
    }
    if (L->mods.items[target].state == 0) ld_visit(L, target);
    ld_edge(L, sid, target);
}

static void ld_visit(Loader *L, uint32_t mi) {
    L->mods.items[mi].state = 1;
    vec_push(&L->stack, mi);
    NodeId root = L->mods.items[mi].root;
    NodeList body = ast_node(L->ast, root)->list;
    for (uint32_t i = 0; i < body.count; i++) ld_import(L, mi, ast_list_at(L->ast, body, i));
    L->stack.len--;
    L->mods.items[mi].state = 2;
    vec_push(&L->order, mi);
}

bool modules_load(FileId entry, const char *lib_dir, Ast *ast, SemaModuleSet *out) {
    memset(out, 0, sizeof *out);
    bool ok = parse_file(entry, ast);
    Loader L = {.ast = ast, .lib_dir = lib_dir, .parse_ok = ok};
    const SourceFile *sf = source_get(entry);
    char real[PATH_MAX];
    LoadMod m = {.name = intern_cstr("main"), .real = xstrdup(realpath(sf->path, real) ? real : sf->path),
                 .dir = ld_dirname(sf->path), .pkg = "", .file = entry, .root = ast->root};
    vec_push(&L.mods, m);
    ld_visit(&L, 0);

    uint32_t *rank = xcalloc(L.mods.len, sizeof *rank);
    for (uint32_t i = 0; i < L.order.len; i++) {
        const LoadMod *lm = &L.mods.items[L.order.items[i]];
        rank[L.order.items[i]] = i;
        SemaModule sm = {.name = lm->name, .file = lm->file, .root = lm->root, .is_lib = lm->is_lib};
        vec_push(&out->mods, sm);
    }
    for (uint32_t i = 0; i < L.imports.len; i++) {
        SemaImport e = L.imports.items[i];
        if (e.module != SEMA_IMPORT_FAILED) e.module = rank[e.module];
        vec_push(&out->imports, e);
    }
    free(rank);
    for (uint32_t i = 0; i < L.mods.len; i++) {
        free(L.mods.items[i].real);
        free(L.mods.items[i].dir);
    }
    vec_free(&L.mods);
    vec_free(&L.order);
    vec_free(&L.stack);
    vec_free(&L.imports);
    return L.parse_ok;
}

void modules_free(SemaModuleSet *set) {
    vec_free(&set->mods);
    vec_free(&set->imports);
}

/* ==== Module scopes ======================================================= */

/* The modules of the sema_check_program in progress: one name scope each.
 * The current one lives in Sema.module (every checker looks names up
 * there); the others wait here. */
static struct {
    const SemaModuleSet *set;
    SymMap *maps;
    uint32_t n;
    uint32_t cur;
} g_mods;

void mods_begin(Sema *s, const SemaModuleSet *set) {
    (void)s;
    g_mods.set = set;
    g_mods.n = set->mods.len;
    g_mods.maps = xcalloc(g_mods.n ? g_mods.n : 1, sizeof *g_mods.maps);
    g_mods.cur = UINT32_MAX;
}

void mods_enter(Sema *s, uint32_t m) {
    if (m >= g_mods.n) ICE("mods_enter: module %u of %u", m, g_mods.n);
    if (m == g_mods.cur) return;
    if (g_mods.cur != UINT32_MAX) g_mods.maps[g_mods.cur] = s->module;
    s->module = g_mods.maps[m];
    s->file = g_mods.set->mods.items[m].file;
    g_mods.cur = m;
}

uint32_t mods_current(void) { return g_mods.cur; }
uint32_t mods_count(void) { return g_mods.n; }

void mods_end(Sema *s) {
    if (g_mods.cur != UINT32_MAX) g_mods.maps[g_mods.cur] = s->module;
    memset(&s->module, 0, sizeof s->module);
    for (uint32_t i = 0; i < g_mods.n; i++) symmap_free(&g_mods.maps[i]);
    free(g_mods.maps);
    memset(&g_mods, 0, sizeof g_mods);
    g_mods.cur = UINT32_MAX;
}

/* ==== Imports between modules ============================================= */

/* A name that stands for something that could not be imported: later uses
 * are poisoned silently, so one bad import gives one diagnostic. */
static void mods_bind_poison(Sema *s, StrId name, NodeId decl) {
    if (!name || symmap_get(&s->module, name)) return;
    SymId id = sema_new_sym(s, SYM_MODULE, name, TYPE_ERROR, decl);
    symmap_put(&s->module, name, id);
}

/* Does module `m` define `id` itself (rather than import it)? What a module
 * exports is what it defines: functions, classes, constants, aliases. */
static bool mods_defines(const Sema *s, uint32_t m, SymId id) {
    const Symbol *sym = sema_sym(s, id);
    if (sym->kind != SYM_FUNC && sym->kind != SYM_CLASS && sym->kind != SYM_CONST && sym->kind != SYM_ALIAS)
        return false;
    return sym->decl && sema_node(s, sym->decl)->span.file == g_mods.set->mods.items[m].file;
}

/* Names SPEC gives standard-library modules that lib/ does not declare
 * yet: importing one is "not supported yet", not "no such name". */
static bool mods_spec_name_pending(const char *module, const char *name) {
    static const char *const signal_names[] = {"ctrl_c", "terminate", "shutdown_stream"}; /* async */
    static const char *const process_names[] = {
        "Command", "run_shell", "output_shell", "run_timeout", "output_timeout", "async_run", "async_output",
        "async_spawn",
    };
    if (!strcmp(module, "sifr.process")) {
        for (size_t i = 0; i < sizeof process_names / sizeof process_names[0]; i++)
            if (!strcmp(process_names[i], name)) return true;
        return false;
    }
    if (strcmp(module, "sifr.signal")) return false;
    for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
        if (!strcmp(signal_names[i], name)) return true;
    return false;
}

/* Names the seed page says a standard-library module does not have, with
 * what to use instead (a CPython habit, reported as an unknown name). */
static const struct {
    const char *module, *name, *help;
} mods_denied[] = {
    {"sifr.task", "get_event_loop", "there is no event loop object: use `task.scope()`"},
    {"sifr.task", "run_until_complete", "there is no event loop object: use `async def main()`"},
    {"sifr.task", "ensure_future", "tasks belong to a scope: use `scope.spawn(coro)`"},
    {"sifr.signal", "signal", "there are no global handlers: await `ctrl_c()` or use `shutdown_stream()`"},
    {"sifr.signal", "set_wakeup_fd", "there are no global handlers: await `ctrl_c()` or use `shutdown_stream()`"},
    {"sifr.process", "Popen", "use `run`, `output` or `output_text`"},
    {"sifr.runtime", "basicConfig", "diagnostics are explicit: `emit_diagnostic(diagnostic_event(...))`"},
    {"sifr.runtime", "getLogger", "diagnostics are explicit: `emit_diagnostic(diagnostic_event(...))`"},
    {"sifr.resource", "ExitStack", "resource lifetimes follow ownership: use `with` blocks"},
    {"sifr.resource", "AsyncExitStack", "resource lifetimes follow ownership: use `async with` blocks"},
    {"sifr.resource", "closing", "values are cleaned up when their owner's scope ends"},
    {"sifr.resource", "aclosing", "values are cleaned up when their owner's scope ends"},
};

/* A name of standard-library module `module` that lib/ does not define:
 * a name the seed page denies is unknown (SIFR-NAME-0001); a builtin error
 * type (`from sifr.runtime import DiagnosticError`) is the builtin; a name
 * SPEC gives the module is "not supported yet". Returns false for any other
 * name (the caller decides). */
static bool mods_stdlib_name(Sema *s, const char *module, NodeId aid, bool *pending) {
    Node *alias = sema_node(s, aid);
    StrId bound = alias->alias ? alias->alias : alias->name;
    const char *name = alias->name ? str_text(alias->name) : "*";
    for (size_t i = 0; i < sizeof mods_denied / sizeof mods_denied[0]; i++) {
        if (strcmp(mods_denied[i].module, module) || strcmp(mods_denied[i].name, name)) continue;
        Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, alias->span, "module `%s` has no `%s`", module, name);
        diag_label(d, "not in Sifr's `%s`", module);
        diag_help(d, "%s", mods_denied[i].help);
        diag_emit(d);
        mods_bind_poison(s, bound, aid);
        return true;
    }
    if ((!strcmp(module, "sifr.task") || !strcmp(module, "sifr.sync")) && alias->name) {
        /* the names of the ambient `task` namespace it also exports; the
         * types and constructors of sifr.sync */
        char full[64];
        snprintf(full, sizeof full, "%s.%s", module + 5, name);
        SymId t = symmap_get(&s->builtins, intern_cstr(full));
        if (t) {
            alias->sym = t;
            if (!symmap_get(&s->module, bound)) symmap_put(&s->module, bound, t);
            return true;
        }
    }
    SymId b = alias->name ? symmap_get(&s->builtins, alias->name) : 0;
    if (b && sema_sym(s, b)->kind == SYM_CLASS && sema_is_error_type(s, sema_sym(s, b)->type)) {
        alias->sym = b;
        if (bound != alias->name && !symmap_get(&s->module, bound)) symmap_put(&s->module, bound, b);
        return true;
    }
    if (alias->name && mods_spec_name_pending(module, name)) {
        *pending = true;
        mods_bind_poison(s, bound, aid);
        return true;
    }
    return false;
}

bool mods_import_stdlib_pending(Sema *s, NodeId stmt) {
    Node *n = sema_node(s, stmt);
    if (n->level != 0 || !n->name || strncmp(str_text(n->name), "sifr.", 5)) return false;
    const char *module = str_text(n->name);
    bool pending = false;
    for (uint32_t i = 0; i < n->list.count; i++) {
        NodeId aid = ast_list_at(s->ast, n->list, i);
        bool p = false;
        if (mods_stdlib_name(s, module, aid, &p)) {
            pending |= p;
            continue;
        }
        /* not described anywhere: the module as a whole is not there yet */
        pending = true;
        Node *alias = sema_node(s, aid);
        mods_bind_poison(s, alias->alias ? alias->alias : alias->name, aid);
    }
    if (pending) sema_unsupported(s, n->span, "importing this module");
    return true;
}

static void mods_typing_name(Sema *s, NodeId aid);

/* The name module `m` defines that is closest to `name` (edit distance at
 * most 2 and less than the name's length), or 0. */
static StrId mods_suggest(const Sema *s, uint32_t m, StrId name) {
    const SymMap *map = &g_mods.maps[m];
    StrId best = 0;
    uint32_t best_d = 3, ln = str_len(name);
    for (uint32_t i = 0; i < map->cap; i++) {
        StrId k = map->keys[i];
        if (!k || k == name || !map->vals[i] || !mods_defines(s, m, map->vals[i])) continue;
        uint32_t d = sema_edit_distance(str_text(name), ln, str_text(k), str_len(k));
        if (d < best_d && d < ln) {
            best_d = d;
            best = k;
        }
    }
    return best;
}

bool mods_import_from(Sema *s, NodeId stmt) {
    const SemaModuleSet *set = g_mods.set;
    uint32_t target = UINT32_MAX - 1;
    for (uint32_t i = 0; set && i < set->imports.len; i++)
        if (set->imports.items[i].stmt == stmt) target = set->imports.items[i].module;
    if (target == UINT32_MAX - 1) return false;
    Node *n = sema_node(s, stmt);
    for (uint32_t i = 0; i < n->list.count; i++) {
        NodeId aid = ast_list_at(s->ast, n->list, i);
        Node *alias = sema_node(s, aid);
        StrId bound = alias->alias ? alias->alias : alias->name;
        if (target == SEMA_IMPORT_FAILED) {
            mods_bind_poison(s, bound, aid);
            continue;
        }
        const char *mname = str_text(set->mods.items[target].name);
        if (!alias->name) {
            Diagnostic *d = sema_diag(s, CODE_IMPORT_FORM, alias->span, "`from %s import *` is not supported", mname);
            diag_label(d, "import the names one by one");
            diag_emit(d);
            continue;
        }
        SymId id = symmap_get(&g_mods.maps[target], alias->name);
        if (!id && !strcmp(mname, "typing")) {
            mods_typing_name(s, aid);
            continue;
        }
        bool pending = false;
        if (!id && set->mods.items[target].is_lib && mods_stdlib_name(s, mname, aid, &pending)) {
            if (pending) {
                char what[160];
                snprintf(what, sizeof what, "`%s` of `%s`", str_text(alias->name), mname);
                sema_unsupported(s, alias->span, what);
            }
            continue;
        }
        /* a standard-library module's `_name` (its runtime bindings) is private to lib/ */
        bool lib_private = id && set->mods.items[target].is_lib && str_text(alias->name)[0] == '_' &&
                           !(g_mods.cur != UINT32_MAX && set->mods.items[g_mods.cur].is_lib);
        if (!id || !mods_defines(s, target, id) || lib_private) {
            Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, alias->span, "module `%s` has no `%s`", mname,
                                      str_text(alias->name));
            if (lib_private && mods_defines(s, target, id)) {
                diag_label(d, "private to the standard library");
            } else if (id && sema_sym(s, id)->kind != SYM_MODULE) {
                diag_label(d, "`%s` imports it but does not define it", mname);
                diag_help(d, "import it from the module that defines it");
            } else {
                diag_label(d, "not defined in `%s`", mname);
                StrId near = mods_suggest(s, target, alias->name);
                if (near) diag_help(d, "did you mean `%s`?", str_text(near));
            }
            diag_emit(d);
            mods_bind_poison(s, bound, aid);
            continue;
        }
        alias->sym = id;
        SymId prev = symmap_get(&s->module, bound);
        if (prev) {
            Diagnostic *d = sema_diag(s, CODE_NAME_REDEFINED, alias->span, "`%s` is defined more than once",
                                      str_text(bound));
            diag_label(d, "imported here");
            NodeId pd = sema_sym(s, prev)->decl;
            if (pd) diag_note(d, sema_node(s, pd)->span, "`%s` was first defined here", str_text(bound));
            diag_emit(d);
            continue;
        }
        symmap_put(&s->module, bound, id);
    }
    return true;
}

/* A name of `typing` that lib/typing.sifr does not define (or any name
 * when the library is missing): `Callable` is builtin and binds nothing;
 * the rest are unknown, with the Sifr spelling as help. */
static void mods_typing_name(Sema *s, NodeId aid) {
    static const struct {
        const char *name;
        const char *instead; /* NULL: the builtin name itself */
    } names[] = {
        {"Callable", NULL},
        {"Optional", "write `T | None` or `Option[T]`"},
        {"Union", "write `A | B`"},
        {"List", "use the builtin `list[T]`"},
        {"Dict", "use the builtin `dict[K, V]`"},
        {"Set", "use the builtin `set[T]`"},
        {"Tuple", "use the builtin `tuple[A, B]`"},
        {"Any", "Sifr is statically typed: name the type, or make the function generic"},
        {"TypeVar", "declare type parameters in brackets: `def first[T](xs: list[T]) -> T`"},
        {"Generic", "declare type parameters in brackets: `class Box[T]:`"},
    };
    size_t nnames = sizeof names / sizeof names[0];
    Node *alias = sema_node(s, aid);
    const char *text = alias->name ? str_text(alias->name) : "*";
    size_t k = 0;
    while (k < nnames && strcmp(names[k].name, text)) k++;
    if (k < nnames && !names[k].instead && !alias->alias) return;
    Diagnostic *d = sema_diag(s, CODE_NAME_UNKNOWN, alias->span, "module `typing` has no `%s` in Sifr", text);
    if (k < nnames && names[k].instead) {
        diag_label(d, "not available in Sifr");
        diag_help(d, "%s", names[k].instead);
    } else if (k < nnames) {
        diag_label(d, "`%s` is builtin and cannot be renamed", text);
    } else {
        diag_label(d, "not available in Sifr");
    }
    diag_emit(d);
    if (alias->name) mods_bind_poison(s, alias->alias ? alias->alias : alias->name, aid);
}

/* `typing` in Sifr without lib/typing.sifr: only the builtin names. */
void mods_import_typing(Sema *s, NodeId stmt) {
    Node *n = sema_node(s, stmt);
    for (uint32_t i = 0; i < n->list.count; i++) mods_typing_name(s, ast_list_at(s->ast, n->list, i));
}

/* ==== `@extern`: runtime-bound standard-library functions ================= */

static bool mods_is_c_ident(const char *t) {
    if (!((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z') || t[0] == '_')) return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

bool mods_file_is_lib(uint32_t file) {
    if (!g_mods.set) return false;
    for (uint32_t i = 0; i < g_mods.set->mods.len; i++)
        if (g_mods.set->mods.items[i].file == file) return g_mods.set->mods.items[i].is_lib;
    return false;
}

void mods_decorators(Sema *s, uint32_t fi) {
    NodeId def = s->prog->funcs.items[fi].def;
    Node *d = sema_node(s, def);
    StrId ext = intern_cstr("extern"), blk = intern_cstr("blocking");
    for (uint32_t i = 0; i < d->list3.count; i++) {
        Node *dec = sema_node(s, ast_list_at(s->ast, d->list3, i));
        Node *e = sema_node(s, dec->a);
        bool lib = g_mods.set && g_mods.cur != UINT32_MAX && g_mods.set->mods.items[g_mods.cur].is_lib;
        if (lib && e->kind == N_CALL && sema_node(s, e->a)->kind == N_NAME && sema_node(s, e->a)->name == blk) {
            /* @blocking("process" | "parallel" | "shell"): not for direct calls in async code */
            Node *arg = e->list.count == 1 ? sema_node(s, ast_list_at(s->ast, e->list, 0)) : NULL;
            const char *k = arg && arg->kind == N_STR ? str_text(arg->v.str) : "";
            uint8_t kind = !strcmp(k, "process")    ? SEMA_BLOCKS_PROCESS
                           : !strcmp(k, "parallel") ? SEMA_BLOCKS_PARALLEL
                           : !strcmp(k, "shell")    ? SEMA_BLOCKS_SHELL
                                                    : 0;
            if (!kind) {
                Diagnostic *dg = sema_diag(s, CODE_TYPE_ANNOTATION, e->span, "`@blocking` takes what the function waits for");
                diag_label(dg, "expected `@blocking(\"process\")`, `(\"parallel\")` or `(\"shell\")`");
                diag_emit(dg);
                continue;
            }
            arg->type = TYPE_STR;
            s->prog->funcs.items[fi].blocking = kind;
            continue;
        }
        bool is_extern = e->kind == N_CALL && sema_node(s, e->a)->kind == N_NAME && sema_node(s, e->a)->name == ext;
        if (!is_extern) {
            sema_unsupported(s, dec->span, "a decorator");
            continue;
        }
        if (!lib) {
            /* reported once; the declaration is still read as one, so its
             * `...` body draws no further diagnostics */
            Diagnostic *dg = sema_diag(s, CODE_TYPE_UNSUPPORTED, dec->span,
                                       "`@extern` is only available to the standard library");
            diag_label(dg, "binds a function of the runtime");
            diag_emit(dg);
        }
        Node *arg = e->list.count == 1 ? sema_node(s, ast_list_at(s->ast, e->list, 0)) : NULL;
        if (!arg || arg->kind != N_STR || strncmp(str_text(arg->v.str), "rt_", 3) ||
            !mods_is_c_ident(str_text(arg->v.str))) {
            Diagnostic *dg = sema_diag(s, CODE_TYPE_ANNOTATION, e->span,
                                       "`@extern` takes the name of a runtime function");
            diag_label(dg, "expected `@extern(\"rt_...\")`");
            diag_emit(dg);
            continue;
        }
        SemaFunc *f = &s->prog->funcs.items[fi];
        if (f->cls || d->list4.count || (d->flags & NF_ASYNC)) {
            sema_unsupported(s, dec->span, "`@extern` on a method, a generic or an `async def`");
            continue;
        }
        f->rt_symbol = arg->v.str;
        arg->type = TYPE_STR;
    }
}

/* The types an `@extern` function may take and return: those whose LLVM
 * form is the C type of the runtime function (int64_t, double). `str` and
 * `bytes` are `RtStr *` (borrowed in, owned out), `list[str]` a borrowed
 * `const RtList *` parameter (sifr.process's argv). */
static bool mods_c_type(TypeId t) { return t == TYPE_INT || t == TYPE_FLOAT || t == TYPE_STR || t == TYPE_BYTES; }
static bool mods_c_param(TypeId t) { return mods_c_type(t) || t == type_list(TYPE_STR); }

void mods_check_extern(Sema *s, uint32_t fi) {
    SemaFunc *f = &s->prog->funcs.items[fi];
    if (!f->rt_symbol) return;
    Node *d = sema_node(s, f->def);
    for (uint32_t i = 0; i < f->params.len; i++) {
        const Symbol *p = sema_sym(s, f->params.items[i]);
        const Node *pn = sema_node(s, p->decl);
        if ((p->type != TYPE_ERROR && !mods_c_param(p->type)) || (pn->flags & (NF_OWN | NF_MUT))) {
            Diagnostic *dg = sema_diag(s, CODE_TYPE_UNSUPPORTED, pn->span,
                                       "an `@extern` parameter of type `%s` is not supported yet",
                                       type_name(p->type));
            diag_label(dg, "`@extern` functions take `int`, `float`, `str`, `bytes` and `list[str]` for now");
            diag_emit(dg);
        }
    }
    if (f->ret != TYPE_NONE && f->ret != TYPE_ERROR && !mods_c_type(f->ret)) {
        Diagnostic *dg = sema_diag(s, CODE_TYPE_UNSUPPORTED, d->a ? sema_node(s, d->a)->span : d->span,
                                   "an `@extern` function returning `%s` is not supported yet", type_name(f->ret));
        diag_label(dg, "`@extern` functions return `int`, `float`, `str`, `bytes` or `None` for now");
        diag_emit(dg);
    }
    /* The body is `...` (after an optional docstring): the runtime has it. */
    uint32_t k = 0;
    if (k < d->list2.count) {
        const Node *st = sema_node(s, ast_list_at(s->ast, d->list2, k));
        if (st->kind == N_EXPR_STMT && sema_node(s, st->a)->kind == N_STR && d->list2.count > 1) k++;
    }
    const Node *st = k < d->list2.count ? sema_node(s, ast_list_at(s->ast, d->list2, k)) : NULL;
    if (!st || k + 1 != d->list2.count || st->kind != N_EXPR_STMT || sema_node(s, st->a)->kind != N_ELLIPSIS) {
        Diagnostic *dg = sema_diag(s, CODE_TYPE_ANNOTATION, sema_def_name_span(s, f->def),
                                   "the body of an `@extern` function must be `...`");
        diag_label(dg, "the runtime function `%s` is its body", str_text(f->rt_symbol));
        diag_emit(dg);
        return;
    }
    /* Nothing to lower: the MIR body is empty and codegen declares the
     * runtime function under `rt_symbol` instead of defining one. */
    d->list2 = (NodeList){0, 0};
}
