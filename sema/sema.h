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
    SymId sym;        /* its SYM_FUNC symbol */
    NodeId def;       /* its N_FUNC_DEF */
    StrId name;
    TypeId type;      /* TY_FUNC */
    TypeId ret;       /* return type (TYPE_NONE when not annotated or `-> None`) */
    bool is_async;
    VEC(SymId) params; /* SYM_PARAM symbols, in order */
    VEC(SymId) locals; /* SYM_LOCAL symbols, each declared once per function
                          (Python scoping: a name assigned anywhere in the body
                          is one local for the whole body) */
} SemaFunc;

typedef struct Program {
    Ast *ast;
    const char *module_name; /* "main" for the entry file */
    VEC(Symbol) syms;        /* syms.items[0] unused */
    VEC(SemaFunc) funcs;
    int32_t main_func;       /* index of `main` in funcs, -1 if absent */
} Program;

static inline Symbol *prog_sym(const Program *p, SymId id) { return &p->syms.items[id]; }

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
 * main: `def main()` / `def main() -> None` (checked: no parameters). */

void sema_init(void);  /* create primitive types; idempotent */
/* Check the parsed module. Reports diagnostics (SIFR-NAME-, SIFR-TYPE-,
 * SIFR-FLOW-) and returns false if any error was reported. */
bool sema_check(Ast *ast, const char *module_name, Program *out);
void program_free(Program *p);

#endif
