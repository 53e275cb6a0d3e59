/* Internal vocabulary of the semantic pass, shared by sema.c (module level:
 * declarations, imports, signatures, main), classes.c (classes, builtin
 * error types, enums), check_stmt.c (function bodies), check_flow.c (try,
 * raise, with, match, narrowing), check_expr.c (expressions, calls,
 * annotations), check_builtins.c (builtin functions and methods) and
 * generics.c (unification, instantiations). Nothing outside sema/ includes
 * this header. */
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
    StrId self, init, eq, str_, enter, exit_, name, value, message, error, enum_, nonsend;
    StrId list, dict, set, tuple, option, result, callable, never, none_kw;
} SemaNames;

/* ==== Checker state ======================================================= */

/* Per-symbol flow facts for the current function (indexed by SymId). */
enum {
    LS_ASSIGNED = 1 << 0, /* an assignment was seen earlier in source order */
    LS_REPORTED = 1 << 1, /* a use-before-assignment was already reported */
};

/* A narrowing fact: inside this region `sym` reads as `type`. */
typedef struct Narrow {
    SymId sym;
    TypeId type;
} Narrow;

/* An error that may leave a `try` body: its type and where it comes from. */
typedef struct TryErr {
    TypeId type; /* the error class type */
    Span at;
} TryErr;

typedef struct TryFrame {
    NodeId stmt;
    VEC(TryErr) errs;
} TryFrame;

/* A name temporarily rebound in the function scope (lambda parameters,
 * comprehension variables, `except ... as e`, match captures). */
typedef struct ScopeSave {
    StrId name;
    SymId old;
} ScopeSave;

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

    /* ---- core-language state ---- */
    VEC(Narrow) narrows;    /* innermost last */
    VEC(TryFrame) tries;    /* enclosing `try` bodies, innermost last */
    VEC(ScopeSave) saves;   /* undo log of temporary scope bindings */
    VEC(TypeId) handler_errs; /* error type of each enclosing except clause */
    SymId cur_class;        /* class whose method is being checked (0: none) */
    /* check_async.c: the scopes and groups of enclosing `async with`s bound
     * to a name, with the error their children may fail with (0: none) */
    VEC(struct ScopeTrack { SymId sym; TypeId err; }) scope_tracks;
    uint32_t lambda_depth;
    SymId enum_sym, nonsend_sym, error_sym; /* the builtin classes */
} Sema;

/* The checker of the current sema_check (for sema_assignable's class tests). */
extern Sema *sema_current;

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
 * Never -> anything, T or None -> T | None, derived class -> base, and
 * poison on either side stays silent)? */
bool sema_assignable(TypeId dst, TypeId src);
/* Bind `name` to `sym` in the function scope until sema_scope_restore(mark). */
uint32_t sema_scope_mark(const Sema *s);
void sema_scope_bind(Sema *s, StrId name, SymId sym);
void sema_scope_restore(Sema *s, uint32_t mark);
/* A fresh SYM_LOCAL of the current function (not entered in any scope). */
SymId sema_new_local(Sema *s, StrId name, TypeId type, NodeId decl);
/* The type a name reads as right now (narrowing applied). */
TypeId sema_narrowed(const Sema *s, SymId sym, TypeId declared);
void sema_narrow_push(Sema *s, SymId sym, TypeId t);

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

/* Check with an expected type used as a hint (empty literals, None,
 * lambdas, Ok/Err); the hint is never an error by itself. */
TypeId sema_expr_hint(Sema *s, NodeId e, TypeId hint);
/* A type annotation with typevars/aliases in scope; 0 if `ann` is 0. */
void sema_mismatch(Sema *s, Span at, TypeId want, TypeId found, const char *what);
/* Is the type printable / convertible with str()? */
bool sema_printable(TypeId t, bool allow_bytes);
SymId sema_lookup_name(Sema *s, StrId name);
/* Iteration: the element type of iterating a value of type `t` (0 if not
 * iterable). */
TypeId sema_iter_elem(TypeId t);
void sema_args_quiet(Sema *s, NodeId call);
void sema_arity(Sema *s, Span at, Span extra, const char *fname, uint32_t want_lo, uint32_t want_hi,
                uint32_t given);
/* A parameter slot of a callable: used to bind call arguments. */
typedef struct ParamSlot {
    StrId name;      /* 0: positional only */
    TypeId type;     /* may mention typevars being inferred */
    bool has_default;
} ParamSlot;
/* Bind and check the arguments of `call` against `slots`. `tparams`/`targs`
 * (n_tp of them) are the type variables being inferred (targs filled in);
 * returns false after a diagnostic about the argument list (types of the
 * bad arguments are reported at them). */
bool sema_bind_args(Sema *s, NodeId call, const char *fname, const ParamSlot *slots, uint32_t nslots,
                    const SymId *tparams, TypeId *targs, uint32_t n_tp, Span def_at);
/* Lambda checked against an expected function type (parameter types from
 * the hint). */
TypeId sema_lambda(Sema *s, NodeId e, TypeId hint);

bool sema_is_known_unsupported(StrId name);

/* ==== check_async.c ======================================================= */
/* Is the current function an `async def` (outside any lambda)? */
bool sema_in_async(const Sema *s);
/* Is `obj` the ambient `task` namespace (the name `task`, bound to nothing)? */
bool sema_is_task_namespace(Sema *s, NodeId obj);
/* `task.NAME(...)`: the callee's sym becomes the BI_TASK_* builtin. */
TypeId sema_task_call(Sema *s, NodeId call, TypeId hint);
/* `async with` on a scope or group bound to `target` (0: none): track the
 * children spawned through it; leaving returns the error the exit may
 * raise (TYPE_NONE: none), reported as escaping at `at`. */
void sema_async_with_enter(Sema *s, NodeId target);
TypeId sema_async_with_leave(Sema *s, TypeId ctx, Span at);
/* `task.NAME` not called. */
TypeId sema_task_attr(Sema *s, NodeId e);
/* A method call on a TaskScope or TaskHandle. */
TypeId sema_task_method(Sema *s, NodeId call, TypeId recv);
/* sifr.sync (check_sync.c): a constructor call (bi >= BI_SYNC_SHARED), a
 * method of a TY_SYNC value, and the kind of the type a BI_SYNC_* builtin
 * names in an annotation (SK_NONE for any other builtin). */
TypeId sema_sync_call(Sema *s, NodeId call, BuiltinId bi, TypeId hint);
TypeId sema_sync_method(Sema *s, NodeId call, TypeId recv);
SyncKind sema_sync_builtin_kind(BuiltinId bi);
/* `await x` inside an `async def`. */
TypeId sema_await(Sema *s, NodeId e);

/* ==== check_coll.c ======================================================== */
TypeId sema_subscript(Sema *s, NodeId e);
TypeId sema_tuple_lit(Sema *s, NodeId e, TypeId hint);
TypeId sema_seq_lit(Sema *s, NodeId e, TypeId hint);
TypeId sema_dict_lit(Sema *s, NodeId e, TypeId hint);
TypeId sema_comp(Sema *s, NodeId e, TypeId hint);
/* Bind a comprehension/for target to fresh scoped locals of type `t`. */
void sema_bind_fresh(Sema *s, NodeId target, TypeId t);

/* ==== classes.c =========================================================== */
void sema_builtin_classes(Sema *s);
SymId sema_declare_class(Sema *s, NodeId def);
/* Header (type params, base), fields and method funcs of every class. */
void sema_classes_layout(Sema *s);
/* After signatures: method inheritance and override checks. */
void sema_classes_methods(Sema *s);
/* Field defaults (after signatures). */
void sema_classes_defaults(Sema *s);
ClassInfo *sema_class(const Sema *s, SymId cls);
const ClassField *sema_class_field(const Sema *s, SymId cls, StrId name);
const ClassMethod *sema_class_method(const Sema *s, SymId cls, StrId name);
/* `async for x in obj`: the element type of a class with `async def
 * __anext__(mut self) -> Option[T]` (TYPE_ERROR after a diagnostic). */
TypeId sema_async_iter_elem(Sema *s, TypeId t, NodeId iter);
/* `async with obj`: the type __aenter__ gives, when obj's class has async
 * __aenter__ and __aexit__ methods (0 when it has not). */
TypeId sema_async_enter_type(Sema *s, TypeId t);
bool sema_class_derives(const Sema *s, SymId sub, SymId base);
/* The types of `inst` (an instance type) for a member type declared in the class. */
TypeId sema_member_type(const Sema *s, TypeId inst, TypeId declared);
/* Constructor call `C(...)`. */
TypeId sema_construct(Sema *s, NodeId call, SymId cls, TypeId hint);
/* `obj.name` on a class instance (not a call). */
TypeId sema_class_attr(Sema *s, NodeId e, TypeId objt);
/* `obj.name(...)` on a class instance. */
TypeId sema_class_method_call(Sema *s, NodeId call, TypeId objt);
/* `C.name` where C names a class (enum members, unbound methods). */
TypeId sema_class_static_attr(Sema *s, NodeId e, SymId cls);
void sema_unknown_attr(Sema *s, NodeId e, TypeId objt, StrId name, const char *const *cands, size_t ncands);
bool sema_is_error_type(const Sema *s, TypeId t);

/* ==== check_builtins.c ==================================================== */
/* `recv.name(args)` on builtin types; returns 0 when `name` is not a method
 * of that type (the caller reports NAME-0004). */
TypeId sema_builtin_method_call(Sema *s, NodeId call, TypeId recv, bool *found);
/* `recv.name` as a value (bound method) / `str.upper` unbound. */
TypeId sema_builtin_method_value(Sema *s, TypeId recv, StrId name, bool bound);
TypeId sema_core_builtin(Sema *s, NodeId call, BuiltinId bi, TypeId hint);
/* Inside `try`, record `d[k]` (read, `d[k] op= v`, `del d[k]`) as a point
 * where KeyError reaches the except clauses (check_expr.c). */
void sema_key_error_point(Sema *s, NodeId e, TypeId t);
bool sema_has_builtin_methods(TypeId t);

/* ==== generics.c ========================================================== */
/* Unify a parameter type (with type variables params[]) against an argument
 * type, filling binds[]. False on a structural conflict. */
bool sema_unify(const Sema *s, TypeId param, TypeId arg, const SymId *params, TypeId *binds, uint32_t n);
void sema_record_inst(Sema *s, bool is_class, uint32_t index, const TypeId *targs, uint32_t n);
/* `Box[int](...)`: construction with explicit type arguments; 0 when the
 * call is not of that form. */
TypeId sema_call_explicit(Sema *s, NodeId call, TypeId hint);
/* Declare the SYM_TYPEVARs of an N_TYPE_PARAM list into s->typevars and
 * out[] (at most max); returns how many. */
uint32_t sema_declare_typevars(Sema *s, NodeList tparams, SymId *out, uint32_t max);

/* ==== check_flow.c ======================================================== */
void sema_try(Sema *s, NodeId sid);
void sema_raise(Sema *s, NodeId sid);
void sema_with(Sema *s, NodeId sid);
void sema_match(Sema *s, NodeId sid);
/* Record (or report) an error of type `err` leaving the expression at `at`. */
void sema_error_escapes(Sema *s, TypeId err, Span at);
/* An unwrapped Result inside `try`: its Ok type. */
TypeId sema_maybe_unwrap(Sema *s, NodeId e, TypeId t, TypeId hint);
/* Narrowing facts implied by `cond` being true (when_true) or false. */
void sema_narrow_cond(Sema *s, NodeId cond, bool when_true);

/* ==== check_stmt.c ======================================================== */

void sema_func_body(Sema *s, uint32_t fn_index);
void sema_block(Sema *s, NodeList body);
bool sema_block_terminates(const Sema *s, NodeList body);
/* check_match.c: a case `match` (subject type st) misses, written into buf,
 * or NULL when it is exhaustive. */
const char *sema_match_missing(const Sema *s, NodeId match, TypeId st, char *buf, size_t cap);
/* Assign a value of type `tv` (from node `value`, may be 0) to a target. */
void sema_assign_target(Sema *s, NodeId target, NodeId value, TypeId tv);

#endif
