/* The lowering vocabulary shared by the AST -> MIR files (mir_build.c and
 * the mir_lower_*.c files, one per area of the language): the per-function
 * lowering state Lb and the helpers every area uses to make locals, blocks,
 * statements, operands and rvalues. Nothing outside sema/mir_*.c includes
 * this header. */
#ifndef SIFR_MIR_LOWER_H
#define SIFR_MIR_LOWER_H

#include "mir_internal.h"

#ifndef MIR_NO_LOCAL
#define MIR_NO_LOCAL UINT32_MAX
#endif

typedef struct LbLoop {
    MirBlockId brk, cont;
} LbLoop;

/* Something a way out of a block must do (mir_lower_match.c): call the
 * __exit__ of a `with` object, and/or drop a value the statement owns (a
 * computed `match` subject or `with` object). return, break and continue
 * run the entries they leave, innermost first (lb_scope_exits). */
typedef enum LbCleanupKind {
    LBC_WITH,       /* `with`, or a computed `match` subject (exit_fn -1) */
    LBC_TASK_SCOPE, /* `async with task.scope()`: `place` is the scope; its exit joins it */
    LBC_TIMEOUT,    /* `async with task.timeout(s)`: `place` is the timer */
    LBC_TASK_GROUP, /* a TaskGroup (`async with`, or made at the top of an async body): like a scope */
} LbCleanupKind;

typedef struct LbCleanup {
    int32_t exit_fn;      /* the __exit__ method's function, -1 for none */
    MirPlace place;       /* the `with` object */
    MirLocalId owned;     /* a local to drop, MIR_NO_LOCAL for none */
    uint32_t loop_depth;  /* Lb.loops.len when the entry was pushed */
    LbCleanupKind kind;
    TypeId raises;        /* async kinds: the error class the exit may raise (0: none) */
    bool async_exit;      /* LBC_WITH of `async with`: the exit is `await __aexit__()` */
    Span span;
    NodeId at;            /* the `with` item (call locations) */
} LbCleanup;

/* Lowering state of one function. */
typedef struct Lb {
    const Program *prog;
    const Ast *ast;
    const SemaFunc *fn;
    MirBody *b;
    MirBlockId cur;           /* the block statements are appended to */
    MirLocalId *sym_local;    /* SymId -> local (MIR_NO_LOCAL when none) */
    VEC(MirLocalId) pending;  /* owned temporaries to drop at the end of the statement */
    VEC(LbLoop) loops;
    VEC(MirLocalId) owned;    /* owned named locals, in declaration order (exit drops) */
    MirLocalId none_sink;     /* receives the (absent) results of None calls */
    bool failed;
    /* lambda bodies (mir_lower_fn.c): the captured symbols, whose values are
     * the fields of the environment tuple that parameter `env` points to */
    const SymId *caps;
    uint32_t ncaps;
    MirLocalId env;
    VEC(LbCleanup) cleanups;  /* mir_lower_match.c: enclosing `with`s and `match` subjects */
    struct LbTry *try_top;    /* mir_lower_errors.c: the innermost enclosing `try` being lowered */
    bool coro_direct;         /* mir_lower_async.c: the call lowered next is awaited or spawned at once */
    bool exit_error;          /* an error leaves the scopes being exited (task scopes cancel their children) */
    uint32_t depth;           /* statement lists being lowered (1: the function's own body) */
} Lb;

/* ==== mir_build.c: the core ============================================== */
const Node *lb_node(const Lb *L, NodeId n);
void lb_unsupported(Lb *L, NodeId n, const char *what);
bool mir_is_enum(TypeId t);
MirLocalId lb_local(Lb *L, TypeId type, StrId name, Span span, uint32_t flags);
MirLocalId lb_temp(Lb *L, TypeId type);
MirBlockId lb_block(Lb *L);
MirBlock *lb_cur(Lb *L);
bool lb_terminated(Lb *L);
MirPlace lb_place(MirLocalId l);
void lb_stmt_push(Lb *L, MirStmt s);
void lb_assign(Lb *L, MirPlace p, MirRvalue rv, Span span);
void lb_drop(Lb *L, MirLocalId l, Span span);
void lb_term(Lb *L, MirTerm t);
void lb_goto(Lb *L, MirBlockId to);
void lb_branch(Lb *L, MirOperand cond, MirBlockId t, MirBlockId e);
void lb_continue_dead(Lb *L);
MirOperand opd_place(Lb *L, MirPlace p, Span span);
MirOperand opd_local(Lb *L, MirLocalId l);
MirOperand opd_int(int64_t v);
MirOperand opd_float(double v);
MirOperand opd_bool(bool v);
MirOperand opd_none(TypeId t);
bool lb_type_is_handle(TypeId t); /* sync values, task handles, coroutines */
/* Move the handle at `part` (of type t) out of an owned temporary, leaving
 * an empty slot, which the temporary's drop skips. */
MirOperand lb_take_handle(Lb *L, MirPlace part, TypeId t, Span sp);
MirOperand opd_str(StrId s);
MirOperand opd_dead(TypeId t);
bool opd_is_local(MirOperand o);
uint32_t lb_ops(Lb *L, const MirOperand *ops, uint32_t n);
MirRvalue rv_use(Lb *L, MirOperand o);
MirRvalue rv_binary(Lb *L, uint32_t op, TypeId t, MirOperand a, MirOperand b, NodeId loc);
MirRvalue rv_unary(Lb *L, uint32_t op, TypeId t, MirOperand a, NodeId loc);
MirRvalue rv_cast(Lb *L, MirOperand a, TypeId to);
MirRvalue rv_rt(Lb *L, MirRtFn f, TypeId t, const MirOperand *ops, uint32_t n, NodeId loc);
MirRvalue rv_agg(Lb *L, MirAggKind k, TypeId t, const MirOperand *ops, uint32_t n);
MirPlace lb_project(Lb *L, MirPlace p, MirProjKind k, uint32_t index, TypeId t);
MirLocalId lb_none_sink(Lb *L);
MirOperand lb_temp_of(Lb *L, MirRvalue rv, Span span);
void lb_flush(Lb *L, uint32_t mark);
MirOperand lb_clone(Lb *L, MirOperand o);
MirOperand lb_consume(Lb *L, MirOperand o);
/* Does operand o refer to a value it does not own (a borrowed or `mut`
 * local, or a part of one)? */
bool lb_is_borrowed(const Lb *L, MirOperand o);
/* A value computed by the statement since pending mark `mark` (a statement
 * temporary) that must outlive the statement: moved into an owned local
 * (dropped at the function's exits unless the caller drops it before),
 * which *v then names; MIR_NO_LOCAL (and *v unchanged) for a place of the
 * program. */
MirLocalId lb_keep_fresh(Lb *L, MirOperand *v, uint32_t mark, Span sp);
MirOperand lb_convert(Lb *L, MirOperand v, TypeId to, NodeId at);
MirOperand lb_expr_as(Lb *L, NodeId n, TypeId dest);
MirOperand lb_binop(Lb *L, uint32_t op, TypeId rtype, MirOperand l, MirOperand r, NodeId at);
MirOperand lb_unary(Lb *L, NodeId n);
MirOperand lb_cmp(Lb *L, uint32_t op, MirOperand l, MirOperand r, NodeId at);
MirOperand lb_compare(Lb *L, NodeId n);
MirOperand lb_boolop(Lb *L, NodeId n);
MirOperand lb_take_arm(Lb *L, MirOperand v, uint32_t mark);
MirOperand lb_ifexp(Lb *L, NodeId n);
StrId lb_bytes_repr(StrId s);
MirOperand lb_stringify_value(Lb *L, MirOperand v, bool repr, bool fresh, NodeId at);
MirOperand lb_stringify(Lb *L, NodeId n, bool repr, bool fresh);
StrId lb_debug_prefix(const Node *field);
MirOperand lb_fmt_field(Lb *L, NodeId fn);
MirOperand lb_fstring(Lb *L, NodeId n);
MirPlace lb_sym_place(Lb *L, SymId s);
MirOperand lb_name(Lb *L, NodeId n);
bool lb_is_boxed(TypeId t);
MirOperand lb_user_call_fn(Lb *L, NodeId n, uint32_t fi, const MirOperand *self);
/* ... through vtable slot `slot` of self's dynamic class (UINT32_MAX: a direct call) */
MirOperand lb_user_call_slot(Lb *L, NodeId n, uint32_t fi, const MirOperand *self, uint32_t slot);
uint32_t lb_virtual_slot(Lb *L, const ClassInfo *ci, StrId name);
void lb_call_void(Lb *L, MirRtFn f, const MirOperand *ops, uint32_t n, Span sp);
void lb_call_void_loc(Lb *L, MirRtFn f, const MirOperand *ops, uint32_t n, NodeId loc, Span sp);
void lb_print(Lb *L, NodeId n);
MirOperand lb_minmax(Lb *L, NodeId n, bool is_max);
MirOperand lb_builtin(Lb *L, NodeId n, BuiltinId bi);
const ClassInfo *lb_class(Lb *L, TypeId t);
int32_t lb_field_index(const ClassInfo *ci, StrId name);
int32_t lb_method_func(const ClassInfo *ci, StrId name);
MirPlace lb_as_place(Lb *L, MirOperand o, Span sp);
bool lb_field_place(Lb *L, NodeId obj, StrId name, TypeId ftype, MirPlace *out);
MirOperand lb_enum_member(Lb *L, const ClassInfo *ci, StrId name, TypeId t);
MirOperand lb_attr(Lb *L, NodeId n);
bool lb_plain_args(Lb *L, NodeId n);
MirOperand lb_construct(Lb *L, NodeId n, const Symbol *cs);
NodeId lb_arg(Lb *L, NodeId n, uint32_t i);
MirOperand lb_builtin_method(Lb *L, NodeId n, MirOperand recv);
MirOperand lb_method_call(Lb *L, NodeId n);
MirOperand lb_seq_literal(Lb *L, NodeId n, MirAggKind k);
MirOperand lb_subscript(Lb *L, NodeId n);
MirOperand lb_call(Lb *L, NodeId n);
MirOperand lb_expr(Lb *L, NodeId n);
SymId lb_target_sym(Lb *L, NodeId target);
void lb_store_copy(Lb *L, MirPlace p, MirOperand v, Span span);
void lb_store(Lb *L, SymId s, MirOperand v, NodeId at);
void lb_store_target(Lb *L, NodeId target, MirOperand v, NodeId at);
void lb_assign_stmt(Lb *L, NodeId n);
void lb_aug_assign(Lb *L, NodeId n);
void lb_exit_drops(Lb *L, Span sp);
void lb_return(Lb *L, NodeId n);
void lb_if(Lb *L, NodeId n);
void lb_while(Lb *L, NodeId n);
MirOperand lb_pin(Lb *L, MirOperand v, Span sp);
void lb_for_list(Lb *L, NodeId n);
/* The blocks of an indexed for loop (see lb_loop_next). */
typedef struct LbLoopBlocks {
    MirBlockId head, latch, else_bb, end;
} LbLoopBlocks;
void lb_panic_if(Lb *L, MirOperand cond, const char *msg, NodeId loc, Span sp);
bool lb_hold_fresh(Lb *L, uint32_t mark, MirOperand v);
MirLocalId *lb_hold_temps(Lb *L, uint32_t mark, uint32_t *n);
bool lb_for_borrows(Lb *L, NodeId n);
bool lb_for_borrows_name(Lb *L, NodeId n, NodeId name);
MirOperand lb_lend_mut(Lb *L, MirOperand arg, NodeId at);
void lb_drop_held(Lb *L, MirLocalId *held, uint32_t n, Span sp);
LbLoopBlocks lb_loop_begin(Lb *L, const Node *loop, MirLocalId *counter, Span isp);
void lb_loop_next(Lb *L, const Node *loop, LbLoopBlocks bb, MirLocalId counter, MirOperand next, Span isp);
void lb_loop_latch(Lb *L, const Node *loop, LbLoopBlocks bb, MirLocalId counter, MirRvalue v, Span isp);
void lb_for(Lb *L, NodeId n);
void lb_assert(Lb *L, NodeId n);
void lb_stmt(Lb *L, NodeId n);
void lb_stmts(Lb *L, NodeList body);
bool lb_assigned_in(Lb *L, NodeList body, SymId sym);

/* ==== Areas: each returns the lowered value (or lowers the statement) ====
 * They report constructs they cannot lower yet with lb_unsupported. */

/* mir_lower_errors.c: Result values, `raise`, `try`, unwrapping inside `try` */
void lb_try(Lb *L, NodeId n);
void lb_raise(Lb *L, NodeId n);
/* The unwrap point `n` (a call; u from prog_unwrap_of): the Ok value, or a
 * jump to the handler of its Err. */
MirOperand lb_unwrap(Lb *L, NodeId n, const SemaUnwrap *u);
/* Ok(v) / Err(e) (bi = BI_OK / BI_ERR) as a value of Result type `rtype`. */
MirOperand lb_result_ctor(Lb *L, NodeId n, BuiltinId bi, TypeId rtype);
/* int(s) / float(s) of a str (bi = BI_INT / BI_FLOAT): a Result of `rtype`. */
MirOperand lb_parse_number(Lb *L, NodeId n, BuiltinId bi, TypeId rtype);
/* The methods of a Result: is_ok, is_err, unwrap, unwrap_err, unwrap_or. */
MirOperand lb_result_method(Lb *L, NodeId n, MirOperand recv);
/* Leaving scopes by return (loop_depth 0) or break/continue (loop_depth =
 * Lb.loops.len): runs the `finally` blocks of the `try`s left and the
 * `with` exits (lb_scope_exits), innermost first. */
void lb_leave_scopes(Lb *L, uint32_t loop_depth);

/* The cancellation path of an `await` from the current point (ends the
 * block): temporaries, `with` exits, `finally` blocks, then MT_CANCEL. */
void lb_cancel_exit(Lb *L, Span sp);
/* Throw the error owned by local `err` from the current point (ends the block). */
void lb_throw(Lb *L, MirLocalId err, Span sp);

/* A Result temporary of type rt decided by `failed` (mir_lower_errors.c):
 * when it is true, Err(E) of rt's field-less error class; the other way
 * goes on at L->cur, where lb_result_join ends it with Ok(v) (a None v:
 * Ok(())) and returns the Result; both meet at *done. */
MirLocalId lb_result_fork(Lb *L, MirOperand failed, TypeId rt, MirBlockId *done, Span sp);
MirOperand lb_result_join(Lb *L, MirLocalId res, MirOperand v, MirBlockId done, Span sp);

/* mir_lower_async.c: `await`, the `task` namespace */
MirOperand lb_await(Lb *L, NodeId n);
MirOperand lb_task_builtin(Lb *L, NodeId n, BuiltinId bi);
void lb_async_with(Lb *L, NodeId n);
/* The exit of an `async with` entry. A scope cancels its children on an
 * error path, waits for all of them and is freed; at the end of its block
 * (`normal`) a task cancelled meanwhile goes on by the cancellation path.
 * A timeout stops its timer. */
void lb_async_exit(Lb *L, const LbCleanup *c, bool normal);
/* `await co` of a coroutine operand: its result; the cancellation path is
 * lowered at once. */
MirOperand lb_await_coro(Lb *L, MirOperand co, Span sp);
/* `await co` on a way out (an `__aexit__`): finished or cancelled, the
 * code goes on, and a cancellation is seen at the next await. */
void lb_await_in_cleanup(Lb *L, MirOperand co, Span sp);
/* `async for target in obj` over a class with `async def __anext__`, or
 * over a channel receiver. */
void lb_async_for(Lb *L, NodeId n);
/* The `else` block of an if or a loop (else_bb), going on at `end`;
 * nothing when there is none. */
void lb_orelse(Lb *L, NodeList orelse, MirBlockId else_bb, MirBlockId end);
/* A call of method `name` of class `ci` on the object in `self`, its other
 * parameters taking their defaults or None (mir_lower_match.c). */
MirOperand lb_call_self(Lb *L, const ClassInfo *ci, StrId name, MirPlace self, NodeId at);
/* Bind a loop target to an element (copied, or borrowed from where it
 * lives when the variable lives only in loop `loop`, 0 for a
 * comprehension; tuples unpack) (mir_lower_seq.c). */
void lb_bind_loop_target(Lb *L, NodeId loop, NodeId target, MirOperand el);
/* Stop the timer of timeout entry `c`: true when it expired and is what
 * cancelled the task (the cancellation path then raises TimeoutError). */
MirOperand lb_timeout_end(Lb *L, const LbCleanup *c);
/* scope.spawn(...), handle.cancel() */
MirOperand lb_task_method(Lb *L, NodeId n);
/* Suspend at an MT_AWAIT of `kind` on `cond`; the cancellation path is
 * lowered at once and lowering goes on where the wait is over. */
void lb_suspend(Lb *L, MirAwaitKind kind, MirOperand cond, Span sp);

/* mir_lower_sync.c: sifr.sync constructors (bi >= BI_SYNC_SHARED), the
 * methods of sync values, the awaited ones, `async for` over a receiver */
MirOperand lb_sync_builtin(Lb *L, NodeId n, BuiltinId bi);
MirOperand lb_sync_method(Lb *L, NodeId n);
bool lb_is_sync_await(Lb *L, NodeId operand);
MirOperand lb_sync_await(Lb *L, NodeId operand, Span sp);
/* One round of `async for` over a receiver: receive into a new owned
 * local (returned; lowering goes on where a value came), or go to
 * `closed_to` when the channel is closed and drained. */
MirLocalId lb_receive_round(Lb *L, MirPlace obj, MirBlockId closed_to, uint32_t mark, Span sp);

/* mir_lower_match.c: `match`, `with`, isinstance, narrowed reads */
void lb_match(Lb *L, NodeId n);
void lb_with(Lb *L, NodeId n);
/* Run the cleanups of the entries pushed at loop depth >= `loop_depth`
 * (0: every entry, for `return`; Lb.loops.len: for break/continue). */
void lb_scope_exits(Lb *L, uint32_t loop_depth);
MirOperand lb_isinstance(Lb *L, NodeId n);
/* A read of name `n` whose type sema narrowed from `declared` (a class
 * to a derived class, through `T | None` too); `p` is the symbol's place. */
MirOperand lb_narrowed_read(Lb *L, NodeId n, MirPlace p, TypeId declared);

/* mir_lower_coll.c: dicts, sets, `del`, iteration */
void lb_del(Lb *L, NodeId n);
MirOperand lb_coll_subscript(Lb *L, NodeId n, MirOperand d); /* d[k] read (a borrow) */
/* target = v for a dict item target; false when the target is not one. */
bool lb_coll_store_subscript(Lb *L, NodeId target, MirOperand v, NodeId at);
bool lb_coll_counter_update(Lb *L, NodeId stmt);
bool lb_coll_aug_assign(Lb *L, NodeId n); /* xs[i] op= v, d[k] op= v; false for other targets */
bool lb_coll_method(Lb *L, NodeId n, MirOperand recv, MirOperand *out); /* dict and set methods */
/* `in` on dicts, sets, bytes, tuples and lists of another element type; the
 * result is the positive test (the caller negates `not in`). */
bool lb_coll_in(Lb *L, MirOperand l, MirOperand r, NodeId at, MirOperand *out);
bool lb_coll_binop(Lb *L, uint32_t op, TypeId rtype, MirOperand l, MirOperand r, NodeId at, MirOperand *out);
MirOperand lb_coll_len(Lb *L, MirOperand v, Span sp); /* len() of a dict or set */
bool lb_coll_for(Lb *L, NodeId n); /* `for` over a dict, its keys/values/items, a set */

/* mir_lower_seq.c: slicing, comprehensions, sequence builtins */
MirOperand lb_comprehension(Lb *L, NodeId n);
bool lb_is_range_call(Lb *L, NodeId n);
void lb_seq_for(Lb *L, NodeId n); /* `for` over str, bytes and tuples */
MirOperand lb_seq_slice(Lb *L, NodeId n, MirOperand o);
MirOperand lb_seq_bytes_at(Lb *L, NodeId n, MirOperand o);
void lb_seq_aug_item(Lb *L, NodeId n); /* xs[i] op= v on a list */
void lb_seq_del_slice(Lb *L, NodeId target);
void lb_seq_store_slice(Lb *L, NodeId target, MirOperand xs, MirOperand v, NodeId at); /* xs[a:b] = v */
void lb_seq_unpack_list(Lb *L, NodeId target, MirOperand v, NodeId at); /* a, *b = xs of a list */
bool lb_seq_binop(Lb *L, uint32_t op, TypeId rtype, MirOperand l, MirOperand r, NodeId at, MirOperand *out);
MirOperand lb_seq_minmax(Lb *L, NodeId n, bool is_max);
MirOperand lb_seq_builtin(Lb *L, NodeId n, BuiltinId bi);
bool lb_seq_method(Lb *L, NodeId n, MirOperand recv, MirOperand *out);

/* mir_lower_fn.c: lambdas and function values */
MirOperand lb_lambda(Lb *L, NodeId n);
MirOperand lb_fn_value(Lb *L, NodeId n);     /* a named function (N_NAME) as a value */
MirOperand lb_method_value(Lb *L, NodeId n); /* obj.m, Cls.m, str.m (N_ATTR) as a value */
MirOperand lb_call_value(Lb *L, NodeId n);   /* a call through a Callable value */
/* The place of captured symbol `s` inside a lambda body; false elsewhere. */
bool lb_capture_place(Lb *L, SymId s, MirPlace *out);
/* Append the bodies made while lowering (lambdas, method adapters) to `out`,
 * after the functions' own; their indices were fixed when they were made. */
void mir_fn_take_bodies(MirProgram *out);
/* Sort the list `list` in place by the key function expression `key`
 * (sorted(xs, key=f), xs.sort(key=f)), descending when `reverse`. */
void lb_sort_by_key(Lb *L, MirOperand list, NodeId key, MirOperand reverse, NodeId at);

/* mir_generics.c: one body per instance of a generic function or of a
 * method of a generic class (see docs/design/mir.md, "Generics") */
MirBody *mir_template_body(const Program *prog, uint32_t fi);
MirBody *lb_body(const Program *prog, uint32_t fi, bool *ok); /* mir_build.c: one function's body */
void mir_generics_begin(const Program *prog, MirProgram *out);
bool mir_generics_lower(void);          /* lower every instance reached */
void mir_generics_end(MirProgram *out); /* append them (after the lambdas) */
/* The body index of the instance of generic `fi` that call `call` needs
 * (self_type: the object of a method call), with its concrete signature. */
uint32_t lb_generic_callee(Lb *L, NodeId call, uint32_t fi, TypeId self_type, TypeId *ftype, TypeId *ret);
void lb_prune(MirBody *b);

/* mir_lower_errors.c: a Result as a Result of another type whose Ok and
 * error types accept its own (`return f()` with a wider error class). */
MirOperand lb_result_convert(Lb *L, MirOperand v, TypeId to, NodeId at);
/* `d[k]` of a dict inside `try` (u from prog_unwrap_of): the value, or a
 * KeyError thrown to the handlers when the key is missing. */
void lb_key_check(Lb *L, const MirOperand *ops, const SemaUnwrap *u, NodeId n);
MirOperand lb_key_lookup(Lb *L, NodeId n, const SemaUnwrap *u);

#endif
