/* The process-wide type table: structural interning of types (equal types get
 * equal TypeIds, so types compare with ==), the fixed primitive ids created by
 * sema_init(), and the readable names used in diagnostics (type_name). */
#include "sema_internal.h"

#include <xxhash.h>

/* Types live for the whole process: the table is never freed, and type ids
 * stay valid across sema_check() calls (unit tests check many programs). */
static VEC(Type) g_types;      /* g_types.items[0] is TY_INVALID */
static uint32_t *g_type_slots; /* open addressing: TypeId or 0 */
static uint32_t g_type_cap;

static uint64_t type_hash(TypeKind kind, const TypeId *args, uint32_t nargs, TypeId ret,
                          uint32_t sym) {
    /* hash one contiguous key: the header words followed by the arguments */
    uint32_t stack_key[4 + 28];
    uint32_t *key = nargs <= 28 ? stack_key : xmalloc((4 + nargs) * sizeof *key);
    key[0] = (uint32_t)kind;
    key[1] = nargs;
    key[2] = ret;
    key[3] = sym;
    if (nargs) memcpy(key + 4, args, nargs * sizeof(TypeId));
    uint64_t h = XXH3_64bits(key, (4 + nargs) * sizeof *key);
    if (key != stack_key) free(key);
    return h;
}

static bool type_equal(const Type *t, TypeKind kind, const TypeId *args, uint32_t nargs,
                       TypeId ret, uint32_t sym) {
    if (t->kind != kind || t->nargs != nargs || t->ret != ret || t->sym != sym) return false;
    return nargs == 0 || memcmp(t->args, args, nargs * sizeof(TypeId)) == 0;
}

static void type_table_grow(void) {
    uint32_t ncap = g_type_cap ? g_type_cap * 2 : 256;
    uint32_t *slots = xcalloc(ncap, sizeof *slots);
    for (uint32_t id = 1; id < g_types.len; id++) {
        const Type *t = &g_types.items[id];
        uint64_t h = type_hash(t->kind, t->args, t->nargs, t->ret, t->sym);
        uint32_t i = (uint32_t)h & (ncap - 1);
        while (slots[i]) i = (i + 1) & (ncap - 1);
        slots[i] = id;
    }
    free(g_type_slots);
    g_type_slots = slots;
    g_type_cap = ncap;
}

TypeId type_intern(TypeKind kind, const TypeId *args, uint32_t nargs, TypeId ret, uint32_t sym) {
    if (kind <= TY_INVALID || kind >= TY__COUNT) ICE("type_intern: bad kind %d", (int)kind);
    if (g_types.len == 0) vec_push(&g_types, ((Type){0}));
    /* keep the load factor under 1/2 */
    if ((g_types.len + 1) * 2 > g_type_cap) type_table_grow();
    uint64_t h = type_hash(kind, args, nargs, ret, sym);
    uint32_t i = (uint32_t)h & (g_type_cap - 1);
    while (g_type_slots[i]) {
        const Type *t = &g_types.items[g_type_slots[i]];
        if (type_equal(t, kind, args, nargs, ret, sym)) return g_type_slots[i];
        i = (i + 1) & (g_type_cap - 1);
    }
    TypeId *copy = NULL;
    if (nargs) {
        copy = xmalloc(nargs * sizeof *copy);
        memcpy(copy, args, nargs * sizeof *copy);
    }
    Type t = {.kind = kind, .nargs = nargs, .args = copy, .ret = ret, .sym = sym};
    vec_push(&g_types, t);
    TypeId id = g_types.len - 1;
    g_type_slots[i] = id;
    return id;
}

const Type *type_get(TypeId id) {
    if (id == 0 || id >= g_types.len) ICE("type_get: bad type id %u", id);
    return &g_types.items[id];
}

TypeId type_list(TypeId elem) { return type_intern(TY_LIST, &elem, 1, 0, 0); }
TypeId type_coro(TypeId result) { return type_intern(TY_CORO, &result, 1, 0, 0); }
TypeId type_task_scope(void) { return type_intern(TY_TASK_SCOPE, NULL, 0, 0, 0); }
TypeId type_timeout(void) { return type_intern(TY_TIMEOUT, NULL, 0, 0, 0); }
TypeId type_task_group(void) { return type_intern(TY_TASK_GROUP, NULL, 0, 0, 0); }
TypeId type_context(void) { return type_intern(TY_CONTEXT, NULL, 0, 0, 0); }
TypeId type_context_key(TypeId value) { return type_intern(TY_CONTEXT_KEY, &value, 1, 0, 0); }
static const char *const sync_names[SK__COUNT] = {
    [SK_SHARED] = "Shared",       [SK_LOCK] = "Lock",        [SK_RWLOCK] = "RwLock",
    [SK_GUARD] = "LockGuard",     [SK_READ] = "ReadGuard",   [SK_WRITE] = "WriteGuard",
    [SK_SEMAPHORE] = "Semaphore", [SK_PERMIT] = "SemaphorePermit", [SK_NOTIFY] = "Notify",
    [SK_SENDER] = "ChannelSender", [SK_RECEIVER] = "ChannelReceiver",
};
const char *sync_kind_name(SyncKind k) { return k > SK_NONE && k < SK__COUNT ? sync_names[k] : "?"; }
bool sync_kind_generic(SyncKind k) { return k != SK_SEMAPHORE && k != SK_PERMIT && k != SK_NOTIFY; }
TypeId type_sync(SyncKind k, TypeId elem) {
    return sync_kind_generic(k) ? type_intern(TY_SYNC, &elem, 1, 0, k) : type_intern(TY_SYNC, NULL, 0, 0, k);
}
SyncKind type_sync_kind(TypeId t) {
    const Type *ty = type_get(t);
    return ty->kind == TY_SYNC ? (SyncKind)ty->sym : SK_NONE;
}
TypeId type_task_handle(TypeId result) { return type_intern(TY_TASK_HANDLE, &result, 1, 0, 0); }
TypeId type_option(TypeId inner) { return type_intern(TY_OPTION, &inner, 1, 0, 0); }
TypeId type_result(TypeId ok, TypeId err) {
    TypeId a[2] = {ok, err};
    return type_intern(TY_RESULT, a, 2, 0, 0);
}
TypeId type_tuple(const TypeId *elems, uint32_t n) { return type_intern(TY_TUPLE, elems, n, 0, 0); }
TypeId type_func(const TypeId *params, uint32_t n, TypeId ret) {
    return type_intern(TY_FUNC, params, n, ret, 0);
}
TypeId type_dict(TypeId key, TypeId value) {
    TypeId a[2] = {key, value};
    return type_intern(TY_DICT, a, 2, 0, 0);
}
TypeId type_set(TypeId elem) { return type_intern(TY_SET, &elem, 1, 0, 0); }
TypeId type_class(uint32_t class_sym, const TypeId *args, uint32_t n) {
    return type_intern(TY_CLASS, args, n, 0, class_sym);
}
TypeId type_typevar(uint32_t tv_sym) { return type_intern(TY_TYPEVAR, NULL, 0, 0, tv_sym); }

bool type_has_typevar(TypeId t) {
    const Type *ty = type_get(t);
    if (ty->kind == TY_TYPEVAR) return true;
    for (uint32_t i = 0; i < ty->nargs; i++)
        if (type_has_typevar(ty->args[i])) return true;
    return ty->kind == TY_FUNC && type_has_typevar(ty->ret);
}

TypeId type_subst(TypeId t, const uint32_t *params, const TypeId *args, uint32_t n) {
    const Type *ty = type_get(t);
    if (ty->kind == TY_TYPEVAR) {
        for (uint32_t i = 0; i < n; i++)
            if (params[i] == ty->sym) return args[i] ? args[i] : t;
        return t;
    }
    if (ty->nargs == 0 && ty->kind != TY_FUNC) return t;
    /* copy first: interning below may move the table under `ty` */
    TypeKind kind = ty->kind;
    uint32_t nargs = ty->nargs, sym = ty->sym;
    TypeId ret = ty->ret;
    TypeId stack[16];
    TypeId *na = nargs <= 16 ? stack : xmalloc(nargs * sizeof *na);
    for (uint32_t i = 0; i < nargs; i++) na[i] = type_get(t)->args[i];
    for (uint32_t i = 0; i < nargs; i++) na[i] = type_subst(na[i], params, args, n);
    if (kind == TY_FUNC) ret = type_subst(ret, params, args, n);
    TypeId r = type_intern(kind, na, nargs, ret, sym);
    if (na != stack) free(na);
    return r;
}

/* Names of classes and type variables live in the program's symbols. */
static const Program *g_named_prog;

void type_bind_program(const Program *p) { g_named_prog = p; }

void sema_init(void) {
    if (g_types.len > TYPE_RANGE) return;
    /* The order matches the fixed ids in sema.h; checked below. */
    static const TypeKind prims[] = {TY_ERROR, TY_NONE, TY_BOOL, TY_INT, TY_FLOAT,
                                     TY_STR,   TY_BYTES, TY_NEVER, TY_RANGE};
    for (uint32_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
        TypeId id = type_intern(prims[i], NULL, 0, 0, 0);
        if (id != i + 1) ICE("primitive type %u got id %u", i + 1, id);
    }
    ICE_ASSERT(type_get(TYPE_RANGE)->kind == TY_RANGE);
}

static void type_name_into(StrBuf *sb, TypeId id) {
    const Type *t = type_get(id);
    switch (t->kind) {
    case TY_ERROR: sb_puts(sb, "{error}"); return;
    case TY_NONE: sb_puts(sb, "None"); return;
    case TY_BOOL: sb_puts(sb, "bool"); return;
    case TY_INT: sb_puts(sb, "int"); return;
    case TY_FLOAT: sb_puts(sb, "float"); return;
    case TY_STR: sb_puts(sb, "str"); return;
    case TY_BYTES: sb_puts(sb, "bytes"); return;
    case TY_NEVER: sb_puts(sb, "Never"); return;
    case TY_RANGE: sb_puts(sb, "range"); return;
    case TY_TASK_SCOPE: sb_puts(sb, "TaskScope"); return;
    case TY_TIMEOUT: sb_puts(sb, "Timeout"); return;
    case TY_TASK_GROUP: sb_puts(sb, "TaskGroup"); return;
    case TY_CONTEXT: sb_puts(sb, "Context"); return;
    case TY_SYNC:
        sb_puts(sb, sync_kind_name((SyncKind)t->sym));
        if (t->nargs) {
            sb_putc(sb, '[');
            type_name_into(sb, t->args[0]);
            sb_putc(sb, ']');
        }
        return;
    case TY_OPTION:
        type_name_into(sb, t->args[0]);
        sb_puts(sb, " | None");
        return;
    case TY_LIST:
    case TY_SET:
    case TY_DICT:
    case TY_TUPLE:
    case TY_CORO:
    case TY_TASK_HANDLE:
    case TY_CONTEXT_KEY:
    case TY_RESULT: {
        const char *head = t->kind == TY_LIST   ? "list"
                           : t->kind == TY_SET  ? "set"
                           : t->kind == TY_DICT ? "dict"
                           : t->kind == TY_TUPLE ? "tuple"
                           : t->kind == TY_CORO  ? "Coroutine"
                           : t->kind == TY_TASK_HANDLE ? "TaskHandle"
                           : t->kind == TY_CONTEXT_KEY ? "ContextKey"
                                                 : "Result";
        sb_printf(sb, "%s[", head);
        for (uint32_t i = 0; i < t->nargs; i++) {
            if (i) sb_puts(sb, ", ");
            type_name_into(sb, t->args[i]);
        }
        if (t->kind == TY_TUPLE && t->nargs == 0) sb_puts(sb, "()");
        sb_putc(sb, ']');
        return;
    }
    case TY_FUNC:
        sb_puts(sb, "Callable[[");
        for (uint32_t i = 0; i < t->nargs; i++) {
            if (i) sb_puts(sb, ", ");
            type_name_into(sb, t->args[i]);
        }
        sb_puts(sb, "], ");
        type_name_into(sb, t->ret);
        sb_putc(sb, ']');
        return;
    case TY_CLASS:
    case TY_TYPEVAR: {
        const Program *p = g_named_prog;
        if (p && t->sym < p->syms.len && p->syms.items[t->sym].name)
            sb_puts(sb, str_text(p->syms.items[t->sym].name));
        else sb_printf(sb, "%s#%u", t->kind == TY_CLASS ? "class" : "typevar", t->sym);
        if (t->nargs) {
            sb_putc(sb, '[');
            for (uint32_t i = 0; i < t->nargs; i++) {
                if (i) sb_puts(sb, ", ");
                type_name_into(sb, t->args[i]);
            }
            sb_putc(sb, ']');
        }
        return;
    }
    case TY_INVALID:
    case TY__COUNT: break;
    }
    ICE("type_name: bad type kind %d", (int)t->kind);
}

const char *type_name(TypeId id) {
    StrBuf sb = {0};
    type_name_into(&sb, id);
    /* Interned so the text outlives this call without a cache of our own
     * (the interner may be reset between compilations; so is everything). */
    StrId s = intern(sb.data, sb.len);
    sb_free(&sb);
    return str_text(s);
}
