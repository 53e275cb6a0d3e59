/* Internal vocabulary of the semantic pass, shared by sema.c (module level:
 * declarations, imports, signatures, main), check_stmt.c (function bodies)
 * and check_expr.c (expressions, calls, builtins, annotations). Nothing
 * outside sema/ includes this header. */
#ifndef SIFR_SEMA_INTERNAL_H
#define SIFR_SEMA_INTERNAL_H

#include "sema.h"

/* ==== Name -> symbol maps ================================================= */

/* Open addressing map from an interned name to a SymId (0 = absent). */
typedef struct SymMap {
    StrId *keys;
    SymId *vals;
    uint32_t cap, len;
} SymMap;

void symmap_put(SymMap *m, StrId name, SymId sym);
SymId symmap_get(const SymMap *m, StrId name);
void symmap_free(SymMap *m);

/* ==== Well-known names ==================================================== */

/* Interned afresh by every sema_check(): the interner may be reset between
 * compilations, so no StrId is kept across calls. */
typedef struct SemaNames {
    StrId t_int, t_float, t_bool, t_str, t_bytes, t_none;
    StrId main, range, underscore;
    StrId builtin[BI__COUNT];
} SemaNames;

/* ==== Checker state ======================================================= */

/* Per-symbol flow facts for the current function (indexed by SymId). */
enum {
    LS_ASSIGNED = 1 << 0, /* an assignment was seen earlier in source order */
    LS_REPORTED = 1 << 1, /* a use-before-assignment was already reported */
};

typedef struct Sema {
    Ast *ast;
    Program *prog;
    FileId file;
    SemaNames n;
    SymMap module;    /* module-level names: functions, constants, poisoned names */
    SymMap builtins;  /* builtin functions and type names (shadowed by the module) */
    SymMap typevars;  /* type parameters of the def whose signature is checked */

    /* the function being checked (fn < 0: module level) */
    int32_t fn;
    SymMap scope;     /* parameters and locals of the current function */
    uint8_t *lstate;  /* LS_* per SymId, sized when the function starts */
    uint32_t lstate_len;
    uint32_t loop_depth;
} Sema;

static inline Node *sema_node(const Sema *s, NodeId id) { return ast_node(s->ast, id); }
static inline Symbol *sema_sym(const Sema *s, SymId id) { return prog_sym(s->prog, id); }

/* ==== sema.c: shared helpers ============================================== */

SymId sema_new_sym(Sema *s, SymKind kind, StrId name, TypeId type, NodeId decl);
/* Report an error; returns the diagnostic already emitted-ready so callers
 * can add a label/help before calling diag_emit(). */
Diagnostic *sema_diag(Sema *s, const char *code, Span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sema_error(Sema *s, const char *code, Span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* SIFR-TYPE-0006 "`what` is not supported yet" at `span`. */
void sema_unsupported(Sema *s, Span span, const char *what);
/* The span of a def's (or class's) name, found in the source after `def`. */
Span sema_def_name_span(const Sema *s, NodeId def);
/* The closest candidate to `name` (edit distance <= 2), or 0. */
StrId sema_suggest(const Sema *s, StrId name, bool types_only);
/* Is `t` assignable to a slot of type `dst` (identity, int -> float,
 * Never -> anything, and poison on either side stays silent)? */
bool sema_assignable(TypeId dst, TypeId src);

/* ==== check_expr.c ======================================================== */

/* Type-check an expression, store and return its type (TYPE_ERROR after a
 * reported error). */
TypeId sema_expr(Sema *s, NodeId e);
/* Check an expression used as a value of type `want` (a parameter slot, a
 * declared local, a return): reports SIFR-TYPE-0002 at the expression. */
TypeId sema_expr_expect(Sema *s, NodeId e, TypeId want, const char *what);
/* Check a condition (if/while/assert/not): bool required. */
void sema_cond(Sema *s, NodeId e, const char *what);
/* Resolve a type annotation to a type (TYPE_ERROR after a diagnostic). */
TypeId sema_annotation(Sema *s, NodeId ann);
/* Check `range(...)` in a `for` header; returns TYPE_RANGE or TYPE_ERROR. */
TypeId sema_range_call(Sema *s, NodeId call);
/* Report the first node that is not a compile-time constant (module
 * constants, parameter defaults); returns false if one was found. */
bool sema_const_expr_ok(Sema *s, NodeId e, const char *context);
/* The result type of `a op b` for arithmetic/bitwise operators, or 0 when
 * the operands do not fit the operator. Used by binary and augmented ops. */
TypeId sema_binop_result(uint32_t op, TypeId a, TypeId b, bool *unsupported);
const char *sema_op_text(uint32_t op);

/* ==== check_stmt.c ======================================================== */

void sema_func_body(Sema *s, uint32_t fn_index);

#endif
