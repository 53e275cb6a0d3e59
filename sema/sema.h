/* Semantic analysis: name resolution, types and type checking of a parsed
 * module. Sema reads the AST and writes its conclusions back into it
 * (Node.type, Node.sym) plus a symbol table and a list of functions; codegen
 * reads only those conclusions and never re-derives them.
 *
 * This header is the contract between sema and codegen. */
#ifndef SIFR_SEMA_H
#define SIFR_SEMA_H

#include "ast.h"
#include "diag.h"

struct Program;

/* ==== Types ===============================================================
 * Types are interned structurally in one process-wide table: equal types have
 * equal ids, so types compare with ==. */
typedef uint32_t TypeId;

typedef enum TypeKind {
    TY_INVALID = 0, /* id 0: "not typed" */
    TY_ERROR,       /* poison: an expression whose type could not be found; no
                       further diagnostics are reported about it */
    TY_NONE,        /* None / the unit value */
    TY_BOOL,
    TY_INT,         /* 64-bit signed */
    TY_FLOAT,       /* IEEE double */
    TY_STR,
    TY_BYTES,
    TY_NEVER,       /* the type of an expression that does not return (panic) */
    TY_LIST,        /* args[0] = element */
    TY_DICT,        /* args[0] = key, args[1] = value */
    TY_SET,         /* args[0] = element */
    TY_TUPLE,       /* args = element types */
    TY_OPTION,      /* args[0] = T  (T | None, Option[T]) */
    TY_RESULT,      /* args[0] = T, args[1] = E */
    TY_FUNC,        /* args = parameter types, ret = return type */
    TY_CLASS,       /* sym = the class symbol; args = type arguments */
    TY_RANGE,       /* the value of range(...) (only iterated by `for`) */
    TY_TYPEVAR,     /* a generic type parameter: sym = its SYM_TYPEVAR symbol */
    TY_CORO,        /* args[0] = T: the value of calling an `async def` returning T
                       (a coroutine that has not started; `await` runs it) */
    TY_TASK_SCOPE,  /* the `scope` of `async with task.scope() as scope` */
    TY_TASK_HANDLE, /* args[0] = T: the handle of a spawned coroutine returning T */
    TY_TIMEOUT,     /* `task.timeout(s)` / `task.deadline(t)`: only an `async with` item */
    TY_TASK_GROUP,  /* a TaskGroup: a scope whose first failing child cancels the others */
    TY_CONTEXT,     /* a task Context: an immutable chain of key/value pairs */
    TY_CONTEXT_KEY, /* args[0] = T: ContextKey[T] (a name and a default) */
    TY_SYNC,        /* a sifr.sync value: sym = its SyncKind; args[0] = T for the
                       generic ones (Shared[T], Lock[T], guards, channel ends) */
    TY__COUNT
} TypeKind;

typedef struct Type {
    TypeKind kind;
    uint32_t nargs;
    const uint32_t *args; /* TypeId[nargs] */
    uint32_t ret;         /* TY_FUNC: return TypeId */
    uint32_t sym;         /* TY_CLASS: SymId of the class */
} Type;

/* Fixed ids of the primitive types, created by sema_init(). */
enum {
    TYPE_ERROR = 1,
    TYPE_NONE = 2,
    TYPE_BOOL = 3,
    TYPE_INT = 4,
    TYPE_FLOAT = 5,
    TYPE_STR = 6,
    TYPE_BYTES = 7,
    TYPE_NEVER = 8,
    TYPE_RANGE = 9,
};

const Type *type_get(TypeId id);
TypeId type_intern(TypeKind kind, const TypeId *args, uint32_t nargs, TypeId ret, uint32_t sym);
TypeId type_list(TypeId elem);
TypeId type_option(TypeId inner);
TypeId type_result(TypeId ok, TypeId err);
TypeId type_tuple(const TypeId *elems, uint32_t n);
TypeId type_func(const TypeId *params, uint32_t n, TypeId ret);
TypeId type_dict(TypeId key, TypeId value);
TypeId type_set(TypeId elem);
TypeId type_class(uint32_t class_sym, const TypeId *args, uint32_t n);
TypeId type_typevar(uint32_t tv_sym);
TypeId type_coro(TypeId result);
TypeId type_task_scope(void);
TypeId type_task_handle(TypeId result);
TypeId type_timeout(void);
TypeId type_task_group(void);
TypeId type_context(void);
TypeId type_context_key(TypeId value);
/* The sifr.sync types (TY_SYNC): a runtime object's pointer each. */
typedef enum SyncKind {
    SK_NONE = 0,
    SK_SHARED,   /* Shared[T]: an immutable value with an atomic count */
    SK_LOCK,     /* Lock[T] */
    SK_RWLOCK,   /* RwLock[T] */
    SK_GUARD,    /* LockGuard[T]: a Lock held (exclusive: get and set) */
    SK_READ,     /* ReadGuard[T]: an RwLock read (get) */
    SK_WRITE,    /* WriteGuard[T]: an RwLock written (get and set) */
    SK_SEMAPHORE,
    SK_PERMIT,   /* SemaphorePermit: released when dropped */
    SK_NOTIFY,
    SK_SENDER,   /* ChannelSender[T] */
    SK_RECEIVER, /* ChannelReceiver[T] */
    SK__COUNT
} SyncKind;
TypeId type_sync(SyncKind k, TypeId elem); /* elem 0 for the non-generic kinds */
SyncKind type_sync_kind(TypeId t);          /* SK_NONE when t is no TY_SYNC */
const char *sync_kind_name(SyncKind k);     /* "Lock", "ChannelSender", ... */
bool sync_kind_generic(SyncKind k);
/* Does `t` mention a TY_TYPEVAR anywhere? */
bool type_has_typevar(TypeId t);
/* `t` with every TY_TYPEVAR whose sym is params[i] replaced by args[i]. */
TypeId type_subst(TypeId t, const uint32_t *params, const TypeId *args, uint32_t n);
/* Class and type-variable names in type_name() come from this program
 * (sema_check binds it; program_free unbinds it). */
void type_bind_program(const struct Program *p);
/* Human-readable form used in diagnostics: "int", "list[str]", "int | None". */
const char *type_name(TypeId id); /* interned; never freed */
static inline bool type_is_numeric(TypeId t) { return t == TYPE_INT || t == TYPE_FLOAT; }

/* ==== Symbols ============================================================= */
typedef uint32_t SymId; /* 0 = none */

typedef enum SymKind {
    SYM_NONE = 0,
    SYM_LOCAL,    /* a local variable of a function (includes for-loop targets) */
    SYM_PARAM,    /* a function parameter; index = position */
    SYM_FUNC,     /* a user function; index = position in Program.funcs */
    SYM_BUILTIN,  /* a builtin function; index = BuiltinId */
    SYM_CLASS,    /* a user class (later issues) */
    SYM_MODULE,   /* an imported module (later issues) */
    SYM_CONST,    /* a module-level annotated constant */
    SYM_TYPE,     /* a builtin type name used as a value (int, str, float, bool) */
    SYM_TYPEVAR,  /* a generic type parameter (`T` of `def f[T]` / `class Box[T]`) */
    SYM_ALIAS,    /* `type Name = ...`: type = the aliased type (generic aliases:
                     index = the N_TYPE_ALIAS node, expanded at each use) */
    SYM_LAMBDA_PARAM, /* a parameter of a lambda; decl = its N_PARAM, index =
                     position, func = the enclosing function */
} SymKind;

typedef enum BuiltinId {
    BI_PRINT,     /* print(*args): str() of each, joined by " ", then "\n" */
    BI_STR,       /* str(x) */
    BI_INT,       /* int(x) for float/bool/int (truncates toward zero) */
    BI_FLOAT,     /* float(x) for int/bool/float */
    BI_BOOL,      /* bool(x) */
    BI_LEN,       /* len(s) on str: code points */
    BI_RANGE,     /* range(stop) / range(start, stop) / range(start, stop, step) */
    BI_ABS,       /* abs(int|float) */
    BI_MIN,       /* min(a, b, ...) of numbers */
    BI_MAX,       /* max(a, b, ...) of numbers */
    BI_PANIC,     /* panic(msg: str) -> Never */
    BI_REPR,      /* repr(x) */
    /* ---- the core-language builtins (typed by sema; codegen comes with MIR) */
    BI_SORTED,    /* sorted(xs) -> list[T] */
    BI_REVERSED,  /* reversed(xs) -> list[T] */
    BI_ENUMERATE, /* enumerate(xs) -> list[tuple[int, T]] */
    BI_ZIP,       /* zip(xs, ys) -> list[tuple[A, B]] */
    BI_SUM,       /* sum(xs) of int/float elements */
    BI_ISINSTANCE,/* isinstance(x, C) -> bool (narrows `T | None` / classes) */
    BI_LIST,      /* list() / list(iterable) */
    BI_DICT,      /* dict() */
    BI_SET,       /* set() / set(iterable) */
    BI_OK,        /* Ok(v) -> Result[T, E] */
    BI_ERR,       /* Err(e) -> Result[T, E] */
    BI_ANY,       /* any(xs: list[bool]) */
    BI_ALL,       /* all(xs: list[bool]) */
    BI_ORD,       /* ord(c: str) -> int */
    BI_CHR,       /* chr(i: int) -> str */
    BI_ROUND,     /* round(x) -> int, round(x, ndigits) -> type of x (half to even) */
    BI_DIVMOD,    /* divmod(a, b) -> (a // b, a % b) */
    BI_POW,       /* pow(a, b) = a ** b; pow(a, b, m) of ints, modular */
    BI_HEX,       /* hex(i) -> "0x.." */
    BI_BIN,       /* bin(i) -> "0b.." */
    BI_OCT,       /* oct(i) -> "0o.." */
    BI_BYTES,     /* bytes() / bytes(n) / bytes(list[int]) */
    /* ---- the ambient `task` namespace (sema/check_async.c): reached only as
       `task.NAME`, never by a bare name (their names contain a dot) ---- */
    BI_TASK_SLEEP, /* task.sleep(seconds) -> Coroutine[None] */
    BI_TASK_NOW,   /* task.now() -> float (monotonic seconds) */
    BI_TASK_SCOPE, /* task.scope() -> TaskScope, only as an `async with` item */
    BI_TASK_TIMEOUT,  /* task.timeout(seconds) -> Timeout, only as an `async with` item */
    BI_TASK_DEADLINE, /* task.deadline(instant) -> Timeout (an instant of task.now()) */
    BI_TASK_GROUP,    /* task.TaskGroup() (also `TaskGroup` from sifr.task) -> TaskGroup */
    BI_TASK_CONTEXT_KEY,     /* ContextKey(name[, default]) -> ContextKey[T] */
    BI_TASK_CURRENT_CONTEXT, /* current_context() -> Context */
    BI_TASK_EMPTY_CONTEXT,   /* empty_context() -> Context */
    BI_TASK_CONTEXT,         /* the type name `Context` (not callable) */
    BI_TASK_GATHER,          /* task.gather(handles) -> Coroutine[list[T]] (consumes the list) */
    BI_TASK_RACE,            /* task.race(handles) -> Coroutine[T]: the first to finish; losers cancelled */
    BI_TASK_SELECT,          /* task.select(name=handle, ...) -> Coroutine[tuple[str, T]] */
    BI_TASK_SPAWN_BLOCKING,  /* task.spawn_blocking(fn) -> Coroutine[T]: fn on a blocking thread */
    BI_TASK_SPAWN_CPU,       /* task.spawn_cpu(fn) -> Coroutine[T]: fn as a task of the parallel pool */
    /* ---- sifr.sync (sema/check_sync.c): reached only by importing them;
       the constructors first, then the names that are only types ---- */
    BI_SYNC_SHARED,          /* Shared(value) -> Shared[T] */
    BI_SYNC_LOCK,            /* Lock(value) -> Lock[T] */
    BI_SYNC_RWLOCK,          /* RwLock(value) -> RwLock[T] */
    BI_SYNC_SEMAPHORE,       /* Semaphore(permits) */
    BI_SYNC_NOTIFY,          /* Notify() */
    BI_SYNC_CHANNEL,         /* channel() -> tuple[ChannelSender[T], ChannelReceiver[T]] */
    BI_SYNC_BOUNDED_CHANNEL, /* bounded_channel(capacity) -> the same */
    BI_SYNC_LOCK_GUARD,      /* the type names LockGuard, ReadGuard, WriteGuard, */
    BI_SYNC_READ_GUARD,      /*   SemaphorePermit, ChannelSender, ChannelReceiver */
    BI_SYNC_WRITE_GUARD,
    BI_SYNC_PERMIT,
    BI_SYNC_SENDER,
    BI_SYNC_RECEIVER,
    BI__COUNT
} BuiltinId;

typedef struct Symbol {
    SymKind kind;
    StrId name;
    TypeId type;     /* declared or inferred type (TY_FUNC for functions) */
    NodeId decl;     /* the declaring node (N_FUNC_DEF, N_PARAM, first assignment target ...) */
    uint32_t index;  /* SYM_PARAM position, SYM_FUNC index into Program.funcs,
                        SYM_BUILTIN BuiltinId, SYM_LOCAL index into SemaFunc.locals */
    uint32_t func;   /* SYM_LOCAL/SYM_PARAM: index of the owning function in Program.funcs */
} Symbol;

/* ==== The checked program ================================================= */

typedef struct SemaFunc {
    SymId sym;        /* its SYM_FUNC symbol (a method's symbol is not in any
                         name scope; it is reached through its ClassInfo) */
    NodeId def;       /* its N_FUNC_DEF */
    StrId name;
    TypeId type;      /* TY_FUNC */
    TypeId ret;       /* return type (TYPE_NONE when not annotated or `-> None`) */
    bool is_async;
    VEC(SymId) params; /* SYM_PARAM symbols, in order */
    VEC(SymId) locals; /* SYM_LOCAL symbols, each declared once per function
                          (Python scoping: a name assigned anywhere in the body
                          is one local for the whole body) */
    /* ---- core-language additions ---- */
    SymId cls;         /* methods: the SYM_CLASS owning it (0 = a plain function);
                          params.items[0] is `self` */
    bool self_mut;     /* method declared with `mut self` */
    VEC(SymId) tparams; /* SYM_TYPEVAR symbols of `def f[T, U]` (and of the
                          class for methods of a generic class) */
    /* ---- modules ---- */
    uint32_t module;    /* index into Program.modules of the defining module */
    StrId rt_symbol;    /* standard-library declarations bound to a runtime
                          function (`@extern("rt_...")`): its C name; the
                          function has no body and codegen only declares it */
    uint8_t blocking;   /* standard-library functions that block their thread
                          (`@blocking("process" | "parallel" | "shell")`):
                          a SEMA_BLOCKS_* kind, 0 for none */
} SemaFunc;

/* What a blocking function waits for: calling one directly inside `async
 * def` is SIFR-ASYNC-0003, -0004 or -0007. */
enum { SEMA_BLOCKS_PROCESS = 1, SEMA_BLOCKS_PARALLEL = 2, SEMA_BLOCKS_SHELL = 3 };

/* ==== Classes =============================================================
 * Every class (user, builtin error, enum) has a ClassInfo; its SYM_CLASS
 * symbol has index = position in Program.classes and type = the instance
 * type (TY_CLASS with the class's own type variables as arguments). */
enum {
    CLS_ERROR = 1 << 0,    /* derives from Error (or is Error) */
    CLS_ENUM = 1 << 1,     /* derives from Enum: members are the instances */
    CLS_BUILTIN = 1 << 2,  /* a builtin class (the error types): def == 0 */
    CLS_USER_INIT = 1 << 3, /* __init__ written by hand (else generated) */
    CLS_USER_EQ = 1 << 4,  /* __eq__ written by hand (else generated) */
    CLS_USER_STR = 1 << 5, /* __str__ written by hand (else generated) */
    CLS_NONSEND = 1 << 6,  /* inherits NonSend: never crosses a task boundary */
    CLS_CONTEXT = 1 << 7,  /* has __enter__ and __exit__ (usable in `with`) */
    /* ownership kinds, given by standard-library classes with the class
     * decorators @linear, @must_consume and @scoped (docs/design/ownership.md) */
    CLS_LINEAR = 1 << 8,       /* use-once: moved, never copied (task handles) */
    CLS_MUST_CONSUME = 1 << 9, /* linear, and dropping it unconsumed is SIFR-OWN-0013 */
    CLS_SCOPED = 1 << 10,      /* never returned or stored (SIFR-OWN-0003), never alive
                                  across a suspension point (SIFR-OWN-0009): guards, permits */
};

typedef struct ClassField {
    StrId name;
    TypeId type;      /* may mention the class's type variables */
    NodeId decl;      /* the N_ANN_ASSIGN (0 for builtin classes) */
    NodeId dflt;      /* default value expression, or 0 */
    SymId owner;      /* the class that declared it (a base for inherited ones) */
} ClassField;

typedef struct ClassMethod {
    StrId name;
    uint32_t func;    /* index into Program.funcs */
    SymId owner;      /* the class that defined it (a base for inherited ones) */
} ClassMethod;

typedef struct EnumMember {
    StrId name;
    int64_t value;    /* the `= 1` of `RED = 1` */
    NodeId decl;
} EnumMember;

typedef struct ClassInfo {
    SymId sym;
    StrId name;
    NodeId def;        /* the N_CLASS_DEF, 0 for builtin classes */
    SymId base;        /* the base class symbol, 0 = none */
    uint32_t flags;    /* CLS_* */
    TypeId type;       /* the instance type (TY_CLASS, own type variables as args) */
    VEC(SymId) tparams; /* SYM_TYPEVAR symbols of `class Box[T]` */
    VEC(ClassField) fields;   /* inherited fields first, then own, in order */
    VEC(ClassMethod) methods; /* inherited ones replaced in place by overrides */
    VEC(EnumMember) members;  /* CLS_ENUM: the members in order */
} ClassInfo;

/* One use of a generic function or class with concrete type arguments
 * (TY_TUPLE of the arguments, in type-parameter order): the list the
 * monomorphiser works from. Each (kind, index, targs) appears once. */
typedef struct SemaInst {
    bool is_class;     /* class (index into classes) or function (into funcs) */
    uint32_t index;
    TypeId targs;      /* TY_TUPLE */
} SemaInst;

/* A Result-valued expression inside a `try:` body that is unwrapped: the
 * node's own Node.type is the Ok type; `result` is the Result it yields.
 * An Err jumps to the handler chosen from `err` (or propagates). */
typedef struct SemaUnwrap {
    NodeId node;
    TypeId result;     /* TY_RESULT */
    NodeId try_stmt;   /* the enclosing N_TRY */
} SemaUnwrap;

/* ==== Modules =============================================================
 * A program is the entry file plus the modules it imports, all parsed into
 * one Ast (spans carry their file). sema/modules.c loads them; sema checks
 * each module's top level in its own scope. */
typedef struct SemaModule {
    StrId name;        /* dotted name: "main" for the entry, "helper", "sifr.runtime" */
    FileId file;
    NodeId root;       /* its N_MODULE */
    bool is_lib;       /* from the standard library (lib/sifr): may use `@extern` */
} SemaModule;

/* A top-level `from M import ...` whose M is a module file: the module it
 * loaded, or SEMA_IMPORT_FAILED when the loader already reported why not
 * (not found, a cycle). Imports of builtin modules (`enum`, `typing`) and
 * CPython modules have no entry: sema handles them by name. */
enum { SEMA_IMPORT_FAILED = UINT32_MAX };
typedef struct SemaImport {
    NodeId stmt;
    uint32_t module;   /* index into SemaModuleSet.mods */
} SemaImport;

typedef struct SemaModuleSet {
    VEC(SemaModule) mods;     /* every module after the ones it imports; the entry last */
    VEC(SemaImport) imports;
} SemaModuleSet;

/* Load `entry` and, transitively, the modules it imports into `ast` (which
 * this initialises). User modules are files beside the importing file
 * (`from helper import f`, `from .helper import f`); `sifr.X` modules are
 * `<lib_dir>/sifr/X.sifr` (lib_dir may be NULL). Reports SIFR-PARSE- and
 * SIFR-IMPORT- diagnostics; returns false if a file had a syntax error (a
 * module that could not be imported is recorded as SEMA_IMPORT_FAILED, and
 * sema can still check the rest). */
bool modules_load(FileId entry, const char *lib_dir, Ast *ast, SemaModuleSet *out);
void modules_free(SemaModuleSet *set);

typedef struct Program {
    Ast *ast;
    const char *module_name; /* "main" for the entry file */
    VEC(Symbol) syms;        /* syms.items[0] unused */
    VEC(SemaFunc) funcs;
    int32_t main_func;       /* index of `main` in funcs, -1 if absent */
    /* ---- core-language additions ---- */
    VEC(ClassInfo) classes;  /* builtin error classes first, then user classes */
    VEC(SemaInst) insts;     /* generic instantiations, in discovery order */
    VEC(SemaUnwrap) unwraps; /* Result unwrap points inside `try` bodies */
    VEC(SemaModule) modules; /* the program's modules (SemaModuleSet order) */
} Program;

static inline Symbol *prog_sym(const Program *p, SymId id) { return &p->syms.items[id]; }
/* The ClassInfo of a TY_CLASS type (NULL for other types). */
const ClassInfo *prog_class_of(const Program *p, TypeId t);
/* Is class `sub` the class `base` or derived from it? */
bool prog_class_derives(const Program *p, SymId sub, SymId base);
/* The unwrap record of node `n`, or NULL. */
const SemaUnwrap *prog_unwrap_of(const Program *p, NodeId n);

/* ==== What sema guarantees to codegen =====================================
 * After sema_check() returns true (no errors):
 *  - every expression node reachable from a function body has Node.type set
 *    to a valid TypeId (never TYPE_ERROR);
 *  - every N_NAME expression has Node.sym set; assignment targets that are
 *    N_NAME also carry the SymId of the local they write;
 *  - N_CALL: the callee node's .sym is a SYM_FUNC or SYM_BUILTIN (or SYM_TYPE
 *    for int(x)/str(x)/float(x)/bool(x), whose Symbol.index is the matching
 *    BuiltinId); argument counts and types have been checked; N_CALL.type is
 *    the call's result type;
 *  - numeric promotion: an N_BINARY or N_COMPARE that mixes int and float has
 *    float type (comparisons: bool) and codegen converts the int side; `/` on
 *    two ints is float; an int value may be stored into a float-typed local,
 *    parameter or return (codegen converts by comparing the value's
 *    Node.type with the destination type);
 *  - `and`/`or` operands are both bool (Sifr has no truthiness for now:
 *    conditions of if/while/assert/not must be bool);
 *  - break/continue are inside loops; every path of a function returning a
 *    non-None type ends in return or a panic (else SIFR-TYPE-0005);
 *  - `for` loops iterate over range() only in this issue (TY_RANGE);
 *  - f-string fields hold int, float, bool, str or None values; N_FMT_FIELD.type
 *    is the field's expression type.
 *
 * main: `def main()` / `def main() -> None` / `def main() -> Result[None, E]`
 * (checked: no parameters).
 *
 * ==== The core-language constructs ========================================
 * Sema also types classes, generics, collections, Option/Result, try/raise,
 * match, comprehensions, lambdas and tuples (see docs/design/sema.md). For
 * those, beyond the rules above:
 *  - implicit conversions at a store (local, parameter, field, return,
 *    element): besides int -> float, a `T` or `None` into `T | None`, a
 *    derived class into its base; a value of type `T` returned from a
 *    `-> Result[T, E]` function is `Ok(value)`, the raised error of `raise`
 *    is `Err(error)`; codegen compares Node.type with the destination type;
 *  - an N_NAME whose Node.type is `T` while its symbol has type `T | None`
 *    is a read narrowed by `is not None`/`isinstance` (the value is known to
 *    be present);
 *  - generic functions and classes are typed once with TY_TYPEVAR; every use
 *    with concrete arguments is listed in Program.insts; the nodes of a call
 *    carry the concrete (substituted) types;
 *  - cg_check_supported() (codegen) refuses any of these with SIFR-TYPE-0006
 *    until the MIR-based code generator handles them. */

void sema_init(void);  /* create primitive types; idempotent */
/* Check the parsed module. Reports diagnostics (SIFR-NAME-, SIFR-TYPE-,
 * SIFR-FLOW-) and returns false if any error was reported. */
bool sema_check(Ast *ast, const char *module_name, Program *out);
/* Check a program of several modules (modules_load's result); the entry
 * module is named "main". */
bool sema_check_program(Ast *ast, const SemaModuleSet *set, Program *out);
/* The ownership rules about parameters (check_own.c): SIFR-OWN-0002, -0003,
 * -0005, -0006. Run by sema_check_program on a program without errors. */
bool sema_check_ownership(const Program *p);
/* Nanoseconds spent so far in the ownership checks (this pass and the MIR's
 * move checks), for `sifr --time`; own_time_add/own_clock_ns feed it. */
uint64_t sema_ownership_ns(void);
uint64_t own_clock_ns(void);
void own_time_add(uint64_t ns);
/* The link-name prefix of function `fi`: its module's dotted name. */
const char *prog_func_module(const Program *p, uint32_t fi);
void program_free(Program *p);

#endif
