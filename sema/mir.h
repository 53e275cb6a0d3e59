/* MIR: the mid-level representation between the typed AST and LLVM IR.
 * One MirBody per function instance (generic functions are lowered once per
 * set of type arguments): a control-flow graph of basic blocks whose
 * statements move, copy, borrow and drop explicit places. Ownership checks
 * (use after move, borrows, await crossing) and drop elaboration are
 * dataflow passes over it; codegen reads only MIR.
 *
 * Key facts the design relies on (see docs/design/mir.md):
 *  - Panics end the process, and errors are values, so no statement has an
 *    unwinding edge: calls are ordinary statements, only control flow is in
 *    terminators (and, later, `await`, whose cancellation edge runs cleanup).
 *  - Every value has exactly one owner: a local, a field of an owned value,
 *    or a container slot. Copy types (int, float, bool, None, enums, and
 *    tuples/options of them) are never moved.
 *  - Parameters: a borrowed (default) parameter holds the caller's bits and
 *    is never dropped by the callee; `own` parameters are owned locals of the
 *    callee; `mut` parameters are references (the callee writes through). */
#ifndef SIFR_MIR_H
#define SIFR_MIR_H

#include "sema.h"

typedef uint32_t MirLocalId; /* index into MirBody.locals; 0 is the return place */
typedef uint32_t MirBlockId;
#define MIR_NO_LOCAL UINT32_MAX /* no local (a search found none) */

/* ==== Locals ============================================================= */
enum {
    MIRL_PARAM = 1 << 0,      /* a parameter (locals 1..nparams) */
    MIRL_BORROWED = 1 << 1,   /* a borrowed parameter: never dropped, never moved from */
    MIRL_MUT_REF = 1 << 2,    /* a `mut` parameter: the local holds a pointer to the value */
    MIRL_USER = 1 << 3,       /* a named variable of the program (else a temporary) */
    MIRL_DROP_FLAG = 1 << 4,  /* a bool introduced by drop elaboration */
};

typedef struct MirLocal {
    TypeId type;
    StrId name;   /* 0 for temporaries */
    Span span;    /* where it was declared (diagnostics) */
    uint32_t flags;
} MirLocal;

/* ==== Places: a local plus projections ==================================== */
typedef enum MirProjKind {
    PROJ_DEREF,   /* through a reference / mut parameter / borrowed element pointer */
    PROJ_FIELD,   /* field `index` of a class object or tuple */
    PROJ_PAYLOAD, /* the payload of an Option (Some) or of a Result variant `index` (0 Ok, 1 Err) */
} MirProjKind;

typedef struct MirProj {
    MirProjKind kind;
    uint32_t index;
    TypeId type; /* the type of the place after this projection */
} MirProj;

typedef struct MirPlace {
    MirLocalId local;
    uint32_t proj_start; /* into MirBody.projs */
    uint32_t proj_count;
} MirPlace;

/* ==== Operands ============================================================ */
typedef enum MirOperandKind {
    OPD_COPY,  /* bitwise copy; the place stays valid (copy types, or a borrow) */
    OPD_MOVE,  /* bitwise copy; the place becomes uninitialised */
    OPD_CONST, /* a constant */
} MirOperandKind;

typedef enum MirConstKind {
    MC_NONE, MC_BOOL, MC_INT, MC_FLOAT, MC_STR, MC_BYTES, MC_FUNC, MC_ENUM,
} MirConstKind;

typedef struct MirConst {
    MirConstKind kind;
    union {
        bool b;
        int64_t i;
        double f;
        StrId s;      /* MC_STR / MC_BYTES contents */
        uint32_t fn;  /* MC_FUNC: index into MirProgram.bodies */
    };
} MirConst;

typedef struct MirOperand {
    MirOperandKind kind;
    TypeId type;
    MirPlace place; /* OPD_COPY / OPD_MOVE */
    MirConst c;     /* OPD_CONST */
    Span span;      /* source of the use (ownership diagnostics point here) */
} MirOperand;

/* ==== Rvalues ============================================================= */
typedef enum MirRvalueKind {
    RV_USE,        /* ops[0] */
    RV_BINARY,     /* op, ops[0], ops[1]; int + - * << checked (panic at `loc`) */
    RV_UNARY,      /* op (TOK_MINUS, TOK_NOT, TOK_TILDE), ops[0] */
    RV_CAST,       /* ops[0] converted to the destination type (int -> float ...) */
    RV_REF,        /* a reference to `place` (mut when `mut_ref`) */
    RV_AGGREGATE,  /* agg kind, ops = fields / elements / payload */
    RV_CALL,       /* callee, ops = arguments */
    RV_DISCRIMINANT, /* the tag of `place` (Option: 0 None / 1 Some; Result: 0 Ok / 1 Err; enum) */
    RV_ISA,        /* bool: is the object ops[0] (of a class type) an instance of class type
                      `isa` or of a class derived from it? Reads the object's dynamic class. */
} MirRvalueKind;

typedef enum MirAggKind {
    AGG_TUPLE,
    AGG_OBJECT,     /* a class instance: allocates, fields in declaration order */
    AGG_SOME,       /* Option Some(payload) */
    AGG_NONE_OPT,   /* Option None */
    AGG_OK,         /* Result Ok(payload) */
    AGG_ERR,        /* Result Err(payload) */
    AGG_LIST,       /* list literal: elements */
    AGG_SET,        /* set literal */
    AGG_DICT,       /* dict literal: key, value, key, value ... */
    AGG_CLOSURE,    /* fn index in `callee.fn`, ops = captured values (moved or copied) */
} MirAggKind;

typedef enum MirCalleeKind {
    CALLEE_FN,      /* a MirBody: fn = index into MirProgram.bodies */
    CALLEE_RT,      /* a runtime function: rt = MirRtFn */
    CALLEE_CLOSURE, /* ops[0] is the closure value; the rest are the arguments */
    CALLEE_VIRTUAL, /* a method overridden in a derived class: the code in vtable slot `slot`
                       of ops[0]'s dynamic class; `fn` is the statically chosen body
                       (its signature is the call's) */
} MirCalleeKind;

/* The runtime entry points MIR may call by name; codegen maps each to its
 * rt_* declaration (rt/sifr_rt.h, rt/sifr_rt_values.h). */
typedef enum MirRtFn {
    MRT_PRINT_VALUE,  /* print one value of any type (str() form) */
    MRT_PRINT_SPACE,
    MRT_PRINT_NEWLINE,
    MRT_STR_OF,       /* str(x) of any type */
    MRT_REPR_OF,      /* repr(x) of any type */
    MRT_STR_CONCAT,
    MRT_VALUE_EQ,
    MRT_VALUE_CMP,
    MRT_VALUE_CLONE,
    /* str methods, list/dict/set operations ... are added as the lowering
       needs them; each maps 1:1 to an rt_ function. */
    /* ---- the scalar/str subset (rt/sifr_rt.h); `loc` = RV_CALL.loc ---- */
    MRT_PRINT_STR,      /* rt_print_str(s) */
    MRT_PRINT_INT,      /* rt_print_int(i) */
    MRT_PRINT_FLOAT,    /* rt_print_float(f) */
    MRT_PRINT_BOOL,     /* rt_print_bool(b) */
    MRT_PRINT_NONE,     /* rt_print_none() */
    MRT_INT_FLOORDIV,   /* rt_int_floordiv(a, b, loc) */
    MRT_INT_MOD,        /* rt_int_mod(a, b, loc) */
    MRT_INT_POW,        /* rt_int_pow(a, b, loc) */
    MRT_FLOAT_DIV,      /* rt_float_div(a, b, loc) */
    MRT_FLOAT_FLOORDIV, /* rt_float_floordiv(a, b, loc) */
    MRT_FLOAT_MOD,      /* rt_float_mod(a, b, loc) */
    MRT_FLOAT_POW,      /* rt_float_pow(a, b) */
    MRT_FLOAT_TO_INT,   /* rt_float_to_int(f, loc) */
    MRT_STR_CLONE,      /* rt_str_clone(s) */
    MRT_STR_JOIN_PARTS, /* rt_str_join_parts(n, parts): ops are the n parts;
                           codegen passes the count and an array of them */
    MRT_STR_EQ,         /* rt_str_eq(a, b) (str and bytes) */
    MRT_STR_CMP,        /* rt_str_cmp(a, b) */
    MRT_STR_LEN,        /* rt_str_len(s): code points */
    MRT_STR_REPR,       /* rt_str_repr(s) */
    MRT_STR_FROM_INT,   /* rt_str_from_int(i) */
    MRT_STR_FROM_FLOAT, /* rt_str_from_float(f) */
    MRT_STR_FROM_BOOL,  /* rt_str_from_bool(b) */
    MRT_STR_NONE,       /* rt_str_none() */
    MRT_FMT_INT,        /* rt_fmt_int(v, spec, loc) */
    MRT_FMT_FLOAT,      /* rt_fmt_float(v, spec, loc) */
    MRT_FMT_STR,        /* rt_fmt_str(v, spec, loc) */
    MRT_FMT_BOOL,       /* rt_fmt_bool(v, spec, loc) */
    /* ---- compound values (rt/sifr_rt_values.h). Operands are values; codegen
       passes the descriptor of the value's type and pointers to spilled
       copies where the C function takes `const void *`. ---- */
    MRT_LIST_LEN,       /* rt_list_len(l) -> int */
    MRT_LIST_PUSH,      /* rt_list_push(l, &v): takes v */
    MRT_LIST_AT,        /* *rt_list_at(l, i, loc): the element (a borrow) */
    MRT_LIST_SET,       /* rt_list_set(l, i, &v, loc): takes v */
    MRT_LIST_POP,       /* rt_list_pop(l, i, &out, loc) -> the element (owned) */
    MRT_LIST_INSERT,    /* rt_list_insert(l, i, &v): takes v */
    MRT_LIST_EXTEND,    /* rt_list_extend(l, other) */
    MRT_LIST_REVERSE,   /* rt_list_reverse(l) */
    MRT_LIST_SORT,      /* rt_list_sort(l, reverse) */
    MRT_LIST_CONTAINS,  /* rt_list_contains(l, &v) -> bool */
    MRT_LIST_INDEX,     /* rt_list_index(l, &v) -> int (-1 when absent) */
    MRT_LIST_CONCAT,    /* rt_list_concat(a, b) -> a fresh list */
    MRT_STR_UPPER,      /* rt_str_upper(s) */
    MRT_STR_LOWER,      /* rt_str_lower(s) */
    MRT_STR_STRIP,      /* rt_str_strip(s, NULL) */
    MRT_STR_SPLIT,      /* rt_str_split(s, sep or NULL, -1, loc) */
    MRT_STR_JOIN,       /* rt_str_join(sep, parts) */
    MRT_STR_REPLACE,    /* rt_str_replace(s, old, new, -1) */
    MRT_STR_STARTSWITH, /* rt_str_startswith(s, prefix) */
    MRT_STR_ENDSWITH,   /* rt_str_endswith(s, suffix) */
    MRT_STR_CONTAINS,   /* rt_str_contains(s, sub) */
    MRT_STR_INDEX,      /* rt_str_index(s, i, loc) */
    /* ---- dicts and sets (sema/mir_lower_coll.c; codegen/cg_rt_coll.c) ---- */
    /* Operands are the C arguments in order (keys and values spilled by
       codegen); results marked "borrow" are read from the table into a
       MIRL_BORROWED local. `loc` = RV_CALL.loc for the panicking ones. */
    MRT_DICT_LEN,        /* rt_dict_len(d) -> int */
    MRT_DICT_AT,         /* *rt_dict_at(d, &k, loc): d[k], a borrow; KeyError panics */
    MRT_DICT_GET,        /* rt_dict_get_clone(d, &k, &out) -> Option[V] (a clone) */
    MRT_DICT_GET_OR,     /* rt_dict_get_or(d, &k, &dflt, &out) -> V (a clone) */
    MRT_DICT_SET,        /* rt_dict_set(d, &k, &v): takes k and v */
    MRT_DICT_ADD_INT,    /* rt_dict_add_int(d, &k, dflt, delta, loc): d[k] = d.get(k, dflt) + delta */
    MRT_DICT_SET_REF,    /* rt_dict_set_ref(d, &k, &v): borrows k (cloned if new), takes v */
    MRT_DICT_CONTAINS,   /* rt_dict_contains(d, &k) -> bool */
    MRT_DICT_DEL,        /* rt_dict_del(d, &k, loc) */
    MRT_DICT_POP,        /* rt_dict_remove(d, &k, &out) -> Option[V] (moved out) */
    MRT_DICT_POP_OR,     /* rt_dict_pop_or(d, &k, &dflt, &out) -> V */
    MRT_DICT_SETDEFAULT, /* *rt_dict_setdefault(d, &k, &v): takes k and v; a borrow */
    MRT_DICT_UPDATE,     /* rt_dict_update(d, other) */
    MRT_DICT_CLEAR,      /* rt_dict_clear(d) */
    MRT_DICT_KEYS,       /* rt_dict_keys(d) -> list[K] */
    MRT_DICT_VALUES,     /* rt_dict_values(d) -> list[V] */
    MRT_DICT_ITEMS,      /* rt_dict_items(d, desc of the result's tuple) -> list[tuple[K, V]] */
    MRT_DICT_NEXT_SLOT,  /* rt_dict_next_slot(d, pos, len, loc) -> int */
    MRT_DICT_KEY_AT,     /* *rt_dict_key_at(d, slot): a borrow */
    MRT_DICT_VALUE_AT,   /* *rt_dict_value_at(d, slot): a borrow */
    MRT_SET_LEN,         /* rt_set_len(s) -> int */
    MRT_SET_ADD,         /* rt_set_add(s, &v): takes v */
    MRT_SET_CONTAINS,    /* rt_set_contains(s, &v) -> bool */
    MRT_SET_REMOVE,      /* rt_set_remove_or_panic(s, &v, loc) */
    MRT_SET_DISCARD,     /* rt_set_remove(s, &v) (result ignored) */
    MRT_SET_CLEAR,       /* rt_set_clear(s) */
    MRT_SET_UNION,       /* rt_set_union(a, b) -> set */
    MRT_SET_INTERSECTION,/* rt_set_intersection(a, b) -> set */
    MRT_SET_DIFFERENCE,  /* rt_set_difference(a, b) -> set */
    MRT_SET_SYMDIFF,     /* rt_set_symmetric_difference(a, b) -> set */
    MRT_SET_ISSUBSET,    /* rt_set_issubset(a, b) -> bool */
    MRT_SET_UPDATE,      /* rt_set_update(s, other) */
    MRT_SET_NEXT_SLOT,   /* rt_set_next_slot(s, pos, len, loc) -> int */
    MRT_SET_ELEM_AT,     /* *rt_set_elem_at(s, slot): a borrow */
    MRT_LIST_DEL,        /* rt_list_del(l, i, loc): del xs[i] */
    /* ---- sequences (sema/mir_lower_seq.c; codegen/cg_rt_seq.c) ---- */
    /* Each calls the rt_ function of its name in mir_dump.c: the operands are
       the C arguments in order (values spilled where C takes `const void *`,
       omitted trailing optional ones are NULL / -1, a slice's `has` mask is
       an int constant), then RV_CALL.loc where the C function takes one. */
    MRT_LIST_SLICE,
    MRT_STR_SLICE,
    MRT_BYTES_SLICE,
    MRT_BYTES_AT,
    MRT_LIST_REPEAT,
    MRT_STR_REPEAT,
    MRT_LIST_COUNT,
    MRT_LIST_REMOVE,
    MRT_LIST_CLEAR,
    MRT_LIST_RANGE,
    MRT_LIST_ENUMERATE,
    MRT_LIST_ZIP,
    MRT_LIST_SUM_INT,
    MRT_LIST_SUM_FLOAT,
    MRT_LIST_ANY,
    MRT_LIST_ALL,
    MRT_LIST_MINMAX,
    MRT_SEQ_SET_FROM_LIST,
    MRT_SEQ_LIST_FROM_SET,
    MRT_SEQ_DICT_FROM_PAIRS,
    MRT_SEQ_DICT_KEYS,
    MRT_SEQ_SET_LEN,
    MRT_STR_FIND,
    MRT_STR_RFIND,
    MRT_STR_COUNT,
    MRT_STR_ISDIGIT,
    MRT_STR_ISALPHA,
    MRT_STR_ISSPACE,
    MRT_STR_ISALNUM,
    MRT_STR_ISUPPER,
    MRT_STR_ISLOWER,
    MRT_STR_TITLE,
    MRT_STR_CAPITALIZE,
    MRT_STR_ENCODE,
    MRT_STR_LSTRIP,
    MRT_STR_RSTRIP,
    MRT_STR_SPLITN,
    MRT_STR_RSPLIT,
    MRT_STR_SPLITLINES,
    MRT_STR_REPLACEN,
    MRT_STR_ZFILL,
    MRT_STR_CENTER,
    MRT_STR_LJUST,
    MRT_STR_RJUST,
    MRT_STR_REMOVEPREFIX,
    MRT_STR_REMOVESUFFIX,
    MRT_STR_CHARS,
    MRT_STR_ORD,
    MRT_STR_CHR,
    MRT_FLOAT_ROUND,        /* rt_float_round(x, loc) -> int, half to even */
    MRT_FLOAT_ROUND_DIGITS, /* rt_float_round_digits(x, n) -> float */
    MRT_INT_ROUND_DIGITS,   /* rt_int_round_digits(x, n, loc) -> int */
    MRT_INT_POWMOD,         /* rt_int_powmod(a, b, m, loc) */
    MRT_INT_TO_BASE,        /* rt_int_to_base(x, base) -> "0x.." / "0b.." / "0o.." */
    MRT_BYTES_LIST,
    MRT_BYTES_HEX,
    MRT_BYTES_DECODE,
    MRT_STR_SWAPCASE,
    MRT_STR_CASEFOLD,
    MRT_STR_PARTITION,  /* ops s, sep, from_right: the tuple[str, str, str] through an out slot */
    MRT_LIST_DEL_SLICE, /* ops list, start, stop, step, has mask */
    MRT_LIST_SET_SLICE, /* ops list, start, stop, step, has mask, new items (moved in) */
    MRT_STR_SPLIT_WS,   /* split(maxsplit=n) on whitespace: ops s, maxsplit */
    MRT_STR_RSPLIT_WS,
    MRT_STR_ISDECIMAL,
    MRT_STR_ISNUMERIC,
    MRT_BYTES_ZEROS,     /* rt_bytes_zeros(n, loc): bytes(n) */
    MRT_BYTES_FROM_LIST, /* rt_bytes_from_list(l, loc): bytes(list[int]) */
    /* `for x in s.split(sep)` / `s.splitlines()` without a list (lb_for_split) */
    MRT_STR_SCRATCH,         /* rt_str_scratch(s): the piece the loop reuses */
    MRT_STR_SPLIT_NEXT,      /* rt_str_split_next(s, pos, piece, sep or NULL, loc) -> next pos, -1 at the end */
    MRT_STR_SPLITLINES_NEXT, /* rt_str_splitlines_next(s, pos, piece) -> next pos, -1 at the end */
    /* `w = s.strip(chars)` over w's old value (mir_reuse_strings): ops s, w,
       "w is initialised" (bool), then chars when given */
    MRT_STR_STRIP_OVER,
    MRT_STR_LSTRIP_OVER,
    MRT_STR_RSTRIP_OVER,
    /* ---- errors as values (sema/mir_lower_errors.c; codegen/cg_rt_errors.c) ---- */
    MRT_STR_TO_INT_RESULT,   /* rt_str_to_int_result(s, desc, &out) -> Result[int, ValueError] */
    MRT_STR_TO_FLOAT_RESULT, /* rt_str_to_float_result(s, desc, &out) -> Result[float, ValueError] */
    /* ---- function values (sema/mir_lower_fn.c; codegen/cg_closure.c) ---- */
    MRT_LIST_SORT_KEY,  /* rt_list_sort_key(l, &key, key type, thunk, reverse): ops l, key, reverse */
    /* ---- match, with, del (sema/mir_lower_match.c) ---- */
    /* ---- async (sema/mir_lower_async.c; codegen/cg_async.c) ---- */
    MRT_CORO_TAKE,      /* the result of a finished coroutine (ops: move it); frees its frame */
    MRT_TASK_NOW,       /* rt_task_now() -> float: monotonic seconds */
    MRT_SCOPE_NEW,      /* rt_scope_new() -> TaskScope owned by the current task */
    MRT_SCOPE_CANCEL,   /* rt_scope_cancel(scope): cancel every running child */
    MRT_SCOPE_FREE,     /* rt_scope_free(scope) after its join */
    MRT_SPAWN,          /* rt_spawn_coro(scope, move coroutine) -> TaskHandle */
    MRT_HANDLE_TAKE,    /* the result of a finished task (ops: move handle); releases it */
    MRT_HANDLE_TAKE_REF, /* (borrowed handle) -> T: the finished task's result, moved out; panics the second time */
    MRT_HANDLE_CANCEL,  /* rt_handle_cancel(move handle): cancel the task, drop the handle */
    MRT_TIMEOUT_NEW,    /* rt_timeout_new(seconds or instant, is instant) -> Timeout: cancels the task then */
    MRT_TIMEOUT_END,    /* rt_timeout_end(timeout) -> bool: it expired and is why the task is cancelled */
    MRT_GROUP_NEW,      /* rt_group_new() -> TaskGroup owned by the current task */
    MRT_SCOPE_FAILED,   /* rt_scope_failed(scope) -> bool: a child failed unobserved (after the join) */
    MRT_GROUP_FAILED,   /* rt_group_failed(group) -> bool: a child failed (after the join) */
    MRT_GROUP_ERROR,    /* rt_group_error(group) -> the first child's error (moved out), when failed */
    MRT_SCOPE_NEW_CTX,  /* rt_scope_new_ctx(ctx) -> TaskScope whose children run in ctx */
    MRT_GROUP_NEW_CTX,  /* rt_group_new_ctx(ctx) -> TaskGroup */
    MRT_SPAWN_CTX,      /* rt_spawn_coro_ctx(scope, move coroutine, ctx) -> TaskHandle */
    MRT_CTX_KEY_NEW,    /* rt_ctx_key_new(name, desc, &move default) -> ContextKey[T] */
    MRT_CTX_CURRENT,    /* rt_ctx_current() -> Context */
    MRT_CTX_EMPTY,      /* rt_ctx_empty() -> Context */
    MRT_CTX_GET,        /* rt_ctx_get(ctx, key, &out) -> T (a clone) */
    MRT_CTX_WITH,       /* rt_ctx_with(ctx, key, &move value) -> Context */
    MRT_GATHER_TAKE,    /* rt_gather_take(handles, desc) -> list[T]: moves every finished task's result out */
    MRT_RACE_NEW,       /* rt_race_new(handles) -> the record AWAIT_RACE waits on (a Timeout-typed pointer) */
    MRT_RACE_END,       /* rt_race_end(record) -> int: the winner's index (frees the record) */
    MRT_RACE_TAKE,      /* (handles, index) -> T: moves the result of that finished task out */
    MRT_TIMED_NEW,      /* rt_timed_new(handle, seconds) -> the record AWAIT_TIMED waits on */
    MRT_TIMED_END,      /* rt_timed_end(record) -> bool: the deadline came first (frees the record) */
    MRT_BLOCKING_NEW,   /* (move fn, is cpu) -> the job AWAIT_BLOCKING waits on: rt_blocking_new */
    MRT_BLOCKING_TAKE,  /* (job) -> T: the function's result, moved out; frees the job */
    /* ---- sifr.sync (sema/mir_lower_sync.c; codegen/cg_sync.c) ---- */
    MRT_SYNC_NEW,        /* (move value) -> Shared/Lock/RwLock[T] (the result type says which) */
    MRT_SYNC_SEMAPHORE,  /* (permits) -> Semaphore; panics when negative */
    MRT_SYNC_NOTIFY,     /* () -> Notify */
    MRT_SYNC_CHANNEL,    /* ([capacity]) -> tuple[ChannelSender[T], ChannelReceiver[T]] */
    MRT_SYNC_GET,        /* (shared or guard) -> T: a borrow of the value */
    MRT_SYNC_SET,        /* (guard, move value): the old value is dropped */
    MRT_SYNC_CLONE,      /* (shared or sender) -> one more handle of it */
    MRT_SYNC_ACQUIRE,    /* (lock or rwlock) -> the guard of the result type (waits while others hold it) */
    MRT_SYNC_TRY,        /* (lock, rwlock or semaphore, guard SyncKind) -> bool: taken at once */
    MRT_SYNC_AS,         /* (lock, rwlock or semaphore) -> its guard or permit (taken by MRT_SYNC_TRY or an await) */
    MRT_SYNC_NOTIFY_ONE, /* (notify) */
    MRT_SYNC_NOTIFY_ALL, /* (notify) */
    MRT_SYNC_CLOSE,      /* (sender): closes the channel */
    MRT_SYNC_SEND_NEW,   /* (sender, move value) -> the record AWAIT_CHAN waits on */
    MRT_SYNC_RECV_NEW,   /* (receiver) -> the record AWAIT_CHAN waits on */
    MRT_SYNC_CHAN_END,   /* (record) -> bool: closed; frees it (an unsent value is dropped),
                            except a receive's that got a value */
    MRT_SYNC_RECV_TAKE,  /* (that record) -> T: the value received, moved out; frees it */
    MRT__COUNT
} MirRtFn;

/* The C name of a runtime entry ("rt_str_concat"). */
const char *mir_rt_name(MirRtFn f);

/* Operators of RV_BINARY / RV_UNARY that are not tokens (numbered after the
 * comparison extras of ast.h):
 *  MOP_ABS            unary: |x| of a float (int abs is lowered to a branch)
 *  MOP_BYTE_LEN       unary: the byte length of a str/bytes (RtStr.len), int
 *  MOP_ADD_OVERFLOWS  binary: does int a + b overflow? (bool, never panics;
 *                     the exhaustion test of a range loop's counter) */
enum { MOP_ABS = TOK__COUNT + 16, MOP_BYTE_LEN, MOP_ADD_OVERFLOWS };

typedef struct MirCallee {
    MirCalleeKind kind;
    uint32_t fn;   /* CALLEE_FN / CALLEE_VIRTUAL: body index; CALLEE_RT: MirRtFn */
    uint32_t slot; /* CALLEE_VIRTUAL: the method's index in ClassInfo.methods */
} MirCallee;

typedef struct MirRvalue {
    MirRvalueKind kind;
    uint32_t op;          /* RV_BINARY / RV_UNARY operator (token kind) */
    MirAggKind agg;       /* RV_AGGREGATE */
    MirCallee callee;     /* RV_CALL, AGG_CLOSURE */
    MirPlace place;       /* RV_REF, RV_DISCRIMINANT */
    bool mut_ref;         /* RV_REF */
    uint32_t ops_start;   /* into MirBody.operands */
    uint32_t ops_count;
    TypeId type;          /* result type */
    NodeId loc;           /* source node for panic locations (0 = none) */
    TypeId isa;           /* RV_ISA: the class tested */
} MirRvalue;

/* ==== Statements ========================================================== */
typedef enum MirStmtKind {
    MS_ASSIGN,        /* place = rvalue (the old value, if initialised, was dropped before) */
    MS_DROP,          /* drop `place` (before elaboration: "drop if initialised") */
    MS_DROP_IF,       /* after elaboration: drop `place` when local `flag` is true */
    MS_SET_FLAG,      /* local `flag` = value (drop flags) */
    MS_STORAGE_DEAD,  /* `place.local` goes out of scope (checks use it) */
    MS_NOP,
} MirStmtKind;

typedef struct MirStmt {
    MirStmtKind kind;
    MirPlace place;
    MirRvalue rv;       /* MS_ASSIGN */
    MirLocalId flag;    /* MS_DROP_IF / MS_SET_FLAG */
    bool value;         /* MS_SET_FLAG */
    Span span;
} MirStmt;

/* ==== Terminators ========================================================= */
typedef enum MirTermKind {
    MT_NONE,        /* block not finished yet (an ICE if it survives lowering) */
    MT_GOTO,        /* target */
    MT_BRANCH,      /* cond (bool operand) ? then : else */
    MT_SWITCH,      /* cond (int operand): values[i] -> targets[i], else otherwise */
    MT_RETURN,      /* return the return place (local 0) */
    MT_PANIC,       /* rt_panic with message operand (a str) at `loc`; never returns */
    MT_UNREACHABLE,
    MT_AWAIT,       /* async bodies: suspend until `await` (MirAwaitKind) on `cond` finishes;
                       then_bb when it did, else_bb when the task was cancelled meanwhile
                       (the cancellation path runs the cleanup, then MT_CANCEL). Reads
                       `cond` without consuming it (a coroutine is taken afterwards by
                       MRT_CORO_TAKE, or dropped on the cancellation path). */
    MT_CANCEL,      /* async bodies: finish as cancelled (the return place is not set) */
} MirTermKind;

typedef enum MirAwaitKind {
    AWAIT_CORO,  /* cond: a Coroutine[T] local: run it to its end (its result stays in it) */
    AWAIT_SLEEP, /* cond: seconds (float): task.sleep */
    AWAIT_JOIN,  /* cond: a TaskHandle: the task's end (its result stays in it) */
    AWAIT_SCOPE, /* cond: a TaskScope: the end of every child (then cancelled if the task is) */
    AWAIT_GATHER, /* cond: a list of TaskHandles: the end of each (their results stay in them) */
    AWAIT_RACE,   /* cond: an MRT_RACE_NEW record: one task's end, then the losers' (cancelled) */
    AWAIT_TIMED,  /* cond: an MRT_TIMED_NEW record: the task's end, cancelled at the deadline */
    AWAIT_BLOCKING, /* cond: an MRT_BLOCKING_NEW job: the function's end (also when cancelled) */
    AWAIT_ACQUIRE,  /* cond: a Semaphore: one permit taken */
    AWAIT_NOTIFIED, /* cond: a Notify: notified */
    AWAIT_CHAN,     /* cond: an MRT_SYNC_SEND_NEW / _RECV_NEW record: sent, received or closed */
} MirAwaitKind;

typedef struct MirTerm {
    MirTermKind kind;
    MirOperand cond;
    MirBlockId target, then_bb, else_bb, otherwise;
    uint32_t cases_start, cases_count; /* into MirBody.case_values / case_targets */
    MirAwaitKind await; /* MT_AWAIT */
    NodeId loc;
    Span span;
} MirTerm;

typedef struct MirBlock {
    VEC(MirStmt) stmts;
    MirTerm term;
} MirBlock;

/* ==== Bodies and programs ================================================= */
typedef struct MirBody {
    StrId name;          /* source name ("fib") */
    char *symbol;        /* link name ("main.fib", "main.first[int]") */
    uint32_t func;       /* SemaFunc index it was lowered from */
    TypeId ret;          /* return type (local 0's type) */
    uint32_t nparams;    /* locals 1..nparams are the parameters */
    bool is_async;
    NodeId def;          /* its N_FUNC_DEF / N_LAMBDA */
    VEC(MirLocal) locals;
    VEC(MirBlock) blocks;   /* block 0 is the entry */
    VEC(MirProj) projs;
    VEC(MirOperand) operands;
    VEC(int64_t) case_values;
    VEC(MirBlockId) case_targets;
    const struct MirProgram *program; /* the program holding it (callee names in dumps) */
    TypeId targs;        /* an instance of a generic function: its type arguments
                            (TY_TUPLE, in SemaFunc.tparams order); 0 otherwise */
    bool is_template;    /* the slot of a generic function: no code (its
                            instances are the bodies listed in MirProgram.insts) */
} MirBody;

/* One instance of a generic function (or of a method of a generic class):
 * the body lowered for it (sema/mir_generics.c). */
typedef struct MirInst {
    uint32_t func;       /* SemaFunc index */
    TypeId targs;        /* TY_TUPLE of the type arguments */
    uint32_t body;       /* index into MirProgram.bodies */
} MirInst;

typedef struct MirProgram {
    const Program *prog;
    VEC(MirBody *) bodies; /* bodies[i] for Program.funcs[i] (a template for a
                              generic one), then the instances */
    int32_t main_body;   /* index of main's body, -1 if none */
    VEC(MirInst) insts;  /* the instances, in discovery order */
} MirProgram;

/* The body of method `func` for an object of class type `cls`: `func`
 * itself unless the class is generic, else its instance body (ICE when that
 * instance was never lowered). */
uint32_t mir_method_body(const MirProgram *mp, uint32_t func, TypeId cls);

/* Lower every function instance of a checked program (sema_check returned
 * true) to MIR, then run drop elaboration. */
bool mir_build(const Program *prog, MirProgram *out);
void mir_program_free(MirProgram *mp);

/* Print a body in a stable textual form (tests, `sifr build --emit mir`):
 *   fn main.fib(_1: int) -> int {
 *     let _0: int; let _2: bool; ...
 *     bb0: { _2 = Lt(copy _1, const 2); branch copy _2 -> bb1, bb2 }
 *     ...                                                              */
void mir_dump(FILE *out, const MirBody *b);
char *mir_dump_string(const MirBody *b);

/* Drop elaboration (mir_drops.c): computes maybe-initialised state of every
 * owned local at every MS_DROP and rewrites it into a plain drop, nothing, or
 * a flag-guarded MS_DROP_IF. */
void mir_elaborate_drops(MirBody *b);

/* After drop elaboration (mir_reuse.c): `w = s.strip(...)` hands w's old
 * value to the runtime, which writes the result over it when it fits. */
void mir_reuse_strings(MirBody *b);
/* `return out.stdout` and the like: a clone of a str/bytes part of an owned
 * local that nothing reads afterwards becomes a move (mir_reuse.c). */
void mir_take_last_clones(MirBody *b);

/* Ownership check (mir_drops.c), run by mir_build before drop elaboration:
 * a forward "maybe moved" dataflow reports every read of a local whose value
 * may have been moved away (SIFR-OWN-0001, or SIFR-OWN-0004 when the move is
 * the same statement in an earlier iteration of a loop). False after a
 * diagnostic. */
bool mir_check_moves(const MirBody *b);

/* Is owned local l maybe initialised just before statement `stmt` of block
 * bb (stmt = the block's length: before its terminator)? The dataflow of drop
 * elaboration; the query behind SIFR-OWN-0009 (mir_own.c). */
bool mir_maybe_init_at(const MirBody *b, MirLocalId l, MirBlockId bb, uint32_t stmt);
/* The same for every local at once (one dataflow): a calloc'd array of
 * locals.len flags, freed by the caller. */
bool *mir_maybe_init_locals_at(const MirBody *b, MirBlockId bb, uint32_t stmt);
/* The same at n points (block bbs[i], before statement stmts[i]) from one
 * dataflow: n rows of locals.len flags, calloc'd, freed by the caller. */
bool *mir_maybe_init_points(const MirBody *b, const MirBlockId *bbs, const uint32_t *stmts, uint32_t n);

/* Ownership kinds (mir_own.c, docs/design/ownership.md). A type is linear,
 * must-consume or scoped when it is a class with that kind (CLS_LINEAR,
 * CLS_MUST_CONSUME, CLS_SCOPED) or holds one (list, dict, set, tuple,
 * Option, Result of it). */
bool own_type_has_kind(const Program *p, TypeId t, uint32_t cls_flag);
/* Can a value of type t cross a task or worker boundary? Scalars, str, bytes,
 * None, function values, and lists, dicts, sets, tuples, Options, Results and
 * classes whose parts are all sendable; not classes inheriting NonSend,
 * linear (handles) or scoped (guards, permits) ones. When not, *culprit (if
 * given) is the innermost type that makes it so. The call sites that move
 * values across (spawn, channels, parallel) report SIFR-OWN-0010/-0011. */
bool own_type_sendable(const Program *p, TypeId t, TypeId *culprit);
/* The first local of a scoped type that may be alive just before statement
 * `stmt` of block bb, or MIR_NO_LOCAL: a suspension point there would be
 * SIFR-OWN-0009 (own_check_kinds checks every `await` of a body at once). */
MirLocalId own_scoped_live_at(const Program *p, const MirBody *b, MirBlockId bb, uint32_t stmt);
/* Before drop elaboration, in async bodies: a guard or permit that nothing
 * uses after an `await` is dropped just before it (docs/design/sync.md). */
void own_release_scoped(const Program *p, MirBody *b);
/* The kind rules on one body after drop elaboration: a scoped value
 * returned or stored (SIFR-OWN-0003), a must-consume value dropped without
 * being consumed (SIFR-OWN-0013). False after a diagnostic. */
bool own_check_kinds(const Program *p, const MirBody *b);
/* Live borrows (mir_own.c): a change that may free a part of a value while
 * a borrow of that part is still to be used (SIFR-OWN-0002). Runs before
 * drop elaboration. False after a diagnostic. */
bool own_check_live_borrows(const Program *p, const MirBody *b);

/* Check the structural invariants of a body (every block terminated, block,
 * local and projection indices in range, assignment and operand types
 * consistent, no read of a None-typed local, drops only of owned locals);
 * an ICE on the first violation. mir_build runs it after lowering and after
 * drop elaboration in builds without NDEBUG. */
void mir_verify(const MirBody *b);

/* Is `t` a copy type (never moved, never dropped)? */
bool mir_type_is_copy(TypeId t);

/* The elements a constant slice [lo:hi:step] selects from a tuple of `len`
 * elements (Python's rules; has_lo/has_hi false for an omitted bound): the
 * first index, the step and the count. False for a zero step. Defined in
 * check_coll.c: sema types the slice, MIR lowers it, both from these. */
bool tuple_slice_select(int64_t len, bool has_lo, int64_t lo, bool has_hi, int64_t hi, int64_t step,
                        int64_t *first, int64_t *stride, int64_t *count);

#endif
