/* The Sifr runtime ABI: every function generated code may call. The runtime
 * depends on libc and liburing only, never on the compiler.
 *
 * Value representation (shared with codegen/):
 *   int   -> int64_t          float -> double          bool -> i1 / bool
 *   None  -> no value (void)  str   -> RtStr * (never NULL)
 * Strings are immutable. A literal is a constant RtStr in the program's data
 * with cap == RT_STR_STATIC; it is never freed. Every other RtStr comes from
 * the runtime's allocator and is released with rt_str_drop.
 *
 * Panics print "panic: <message> at <file>:<line>:<col>" to stderr, flush
 * stdout first, and exit with status 101. */
#ifndef SIFR_RT_H
#define SIFR_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_STR_STATIC (-1)

typedef struct RtStr {
    int64_t len;  /* length in bytes (UTF-8) */
    int64_t cap;  /* RT_STR_STATIC for literals; otherwise the allocation's capacity */
    char data[];  /* len bytes followed by a NUL */
} RtStr;

/* A source location, emitted by codegen as a constant per panic site. */
typedef struct RtLoc {
    const char *file;
    int32_t line;
    int32_t col;
} RtLoc;

/* ---- process start and end --------------------------------------------- */
void rt_init(int argc, char **argv);
/* Flush output and return `code` (generated main returns it). */
int rt_exit(int code);

/* ---- memory ------------------------------------------------------------- */
void *rt_alloc(size_t size);          /* never NULL: out of memory panics */
void *rt_realloc(void *p, size_t size);
void rt_free(void *p);
/* Coroutine frames of async functions (coro.alloc / coro.free; the size
 * freed is the size allocated, a constant after LLVM splits the coroutine).
 * 16-byte aligned; the layout is in rt_task.h. */
void *rt_frame_alloc(size_t size);
void rt_frame_free(void *frame, size_t size);

/* ---- async code (rt/rt_async.c; docs/design/async.md) ------------------ */
/* Run the coroutine of `async def main` as the root task on one worker per
 * core; returns the process's exit code. */
struct RtType;
int rt_async_main(void *frame, const struct RtType *result); /* result: main's Result type, or NULL */
/* The root coroutine of the current task ends with `status` (RT_TASK_*). */
void rt_async_finish(uint32_t status);
/* task.now(): monotonic seconds. */
double rt_task_now(void);
/* The record of one runtime wait inside a coroutine frame. An await
 * function `void *rt_await_X(RtAwait *a, void *frame)` is called when the
 * coroutine suspends (phase 0) and again each time it is resumed while
 * `result` is 2: it returns `frame` when the wait is over (result 0, or 1
 * when the task was cancelled), or NULL after registering the task to be
 * woken (result 2): the coroutine then returns to the scheduler. */
typedef struct RtAwait {
    uint32_t phase;
    int32_t result;
    union {
        int64_t i;
        double f;
        void *p;
    } arg;
} RtAwait;
void *rt_await_sleep(RtAwait *a, void *frame); /* arg.f: seconds */
void *rt_await_join(RtAwait *a, void *frame);  /* arg.p: the RtTask of a handle */
/* arg.p: an RtScope; waits for every child, then result 1 if the task is cancelled */
void *rt_await_scope(RtAwait *a, void *frame);
/* arg.p: an RtList of task handles: waits for each; result 1 if the task is
 * cancelled or one of them ended cancelled (it has no result) */
void *rt_await_gather(RtAwait *a, void *frame);
/* After rt_await_gather: a new list (element type t) of the tasks' results,
 * moved out of their frames; the handles stay in `handles`. */
struct RtList;
struct RtList *rt_gather_take(const struct RtList *handles, const struct RtType *t);
/* `await task.race(handles)` and `task.select(name=handle, ...)`: the first
 * task to finish wins, the others are cancelled, and the wait ends once all
 * of them have ended (the losers' cleanup has run). rt_race_new's record is
 * the RtAwait arg of rt_await_race; after the wait (result 0) rt_race_end
 * frees it and gives the winner's index, whose result rt_race_frame's
 * frame holds. (When the awaiting task is cancelled the await function
 * frees the record itself.) The tasks stay in `handles`. */
void *rt_race_new(const struct RtList *handles);
void *rt_await_race(RtAwait *a, void *frame);
int64_t rt_race_end(void *race);
void *rt_race_frame(const struct RtList *handles, int64_t i);
/* `await task.timeout(handle, seconds)`: the same for one task and a
 * deadline; rt_timed_end says whether the deadline came first (the task
 * was cancelled and gives no result). */
void *rt_timed_new(void *task, double seconds);
void *rt_await_timed(RtAwait *a, void *frame);
bool rt_timed_end(void *timed);
/* `await task.spawn_blocking(fn)` (cpu false: a thread of the blocking
 * pool) and `task.spawn_cpu(fn)` (a task on the workers): the closure is
 * moved into the job and called through `thunk`, which stores its result
 * (of type result_type) at `out`. The job is the RtAwait arg of
 * rt_await_blocking; after the wait (result 0) the result is at
 * rt_blocking_result until rt_blocking_free. (When the awaiting task was
 * cancelled the await function drops the result and frees the job.) */
struct RtClosure;
typedef void (*RtBlockThunk)(const struct RtClosure *fn, void *out);
void *rt_blocking_new(const struct RtClosure *fn, const struct RtType *fn_type, RtBlockThunk thunk,
                      const struct RtType *result_type, bool cpu);
void *rt_await_blocking(RtAwait *a, void *frame);
void *rt_blocking_result(void *job);
void rt_blocking_free(void *job);
/* Stop the blocking pool's threads (the end of rt_run). */
void rt_blocking_shutdown(void);
/* `sifr.sync` (rt/rt_sync_api.c; docs/design/sync.md): every value is
 * one pointer; `t` is the element type's descriptor, `value` points at a
 * value that is moved in. Guards and permits are the pointer of their
 * lock or semaphore. */
void *rt_sync_shared_new(const struct RtType *t, void *value);
void *rt_sync_shared_clone(void *s);
void rt_sync_shared_drop(void *s);
void *rt_sync_shared_get(void *s);
void *rt_sync_lock_new(const struct RtType *t, void *value);
void rt_sync_lock_drop(void *l);
void *rt_sync_lock_lock(void *l);
void *rt_sync_lock_try(void *l); /* NULL: held by another task or thread */
void rt_sync_lock_unlock(void *l);
void *rt_sync_lock_value(void *l);
void *rt_sync_rwlock_new(const struct RtType *t, void *value);
void rt_sync_rwlock_drop(void *l);
void *rt_sync_rwlock_read(void *l);
void *rt_sync_rwlock_write(void *l);
void *rt_sync_rwlock_try_read(void *l); /* NULL: another task or thread writes */
void *rt_sync_rwlock_try_write(void *l);
void rt_sync_rwlock_read_unlock(void *l);
void rt_sync_rwlock_write_unlock(void *l);
void *rt_sync_rwlock_value(void *l);
void *rt_sync_semaphore_new(int64_t permits, const struct RtLoc *loc);
void rt_sync_semaphore_drop(void *s);
void *rt_sync_semaphore_try(void *s); /* the permit, or NULL */
void rt_sync_permit_drop(void *s);
void *rt_await_acquire(RtAwait *a, void *frame); /* arg.p: the semaphore */
void *rt_sync_notify_new(void);
void rt_sync_notify_drop(void *n);
void rt_sync_notify_one(void *n);
void rt_sync_notify_all(void *n);
void *rt_await_notified(RtAwait *a, void *frame); /* arg.p: the Notify */
void *rt_sync_channel_new(const struct RtType *t, int64_t cap, const struct RtLoc *loc);
void *rt_sync_channel_unbounded(const struct RtType *t);
void *rt_sync_sender_clone(void *c);
void rt_sync_sender_drop(void *c);
void rt_sync_receiver_drop(void *c);
void rt_sync_sender_close(void *c);
/* A send (value moved in) or a receive: the record rt_await_chan waits on
 * (arg.p). After the wait rt_sync_chan_end says whether the channel was
 * closed and frees the record, except a receive's that got a value, which
 * rt_sync_recv_take moves to `out` and frees. A cancelled wait frees the
 * record itself. */
void *rt_sync_send_new(void *c, const struct RtType *t, const void *value);
void *rt_sync_recv_new(void *c, const struct RtType *t);
void *rt_await_chan(RtAwait *a, void *frame);
bool rt_sync_chan_end(void *op);
void rt_sync_recv_take(void *op, void *out);
/* The head of the promise of a generated coroutine, at offset 16 of its
 * frame (codegen/cg_async.c): the result follows. `error` is the error of
 * a body that returned Err (status RT_TASK_FAILED), owned by the result;
 * `taken` is set once the result was moved out. */
typedef struct RtPromiseHead {
    void *cont;
    uint32_t status;
    uint32_t taken;
    void *error;
} RtPromiseHead;
#define RT_PROMISE_OFFSET 16
/* Scopes and handles of `async with task.scope()` (opaque to generated code). */
void *rt_scope_new(void);               /* owned by the current task */
void *rt_group_new(void);               /* a TaskGroup: a failing child cancels its siblings */
/* After the join: did a child fail with no one observing it (ScopeFailure)? */
bool rt_scope_failed(void *scope);
/* After the join of a TaskGroup: did a child fail (and nobody took its
 * result)? Then rt_group_error moves that error out of the child's result. */
bool rt_group_failed(void *scope);
void *rt_group_error(void *scope);
void rt_scope_free(void *scope);        /* after its join */
void *rt_spawn_coro(void *scope, void *frame); /* the handle of a new task */
void *rt_handle_frame(void *task);      /* the root frame of a finished task */
/* The same for a handle awaited where it lives (borrowed from a list):
 * panics when the result was taken already. */
void *rt_handle_frame_once(void *task, const RtLoc *loc);
void rt_handle_drop(void *task);
void rt_coro_drop(void *frame);         /* destroy a coroutine that never ran (or finished) */
void rt_handle_cancel(void *task);      /* cancel the task and drop the handle */
/* `async with task.timeout(t)` (instant false: seconds from now) and
 * `task.deadline(t)` (an instant of task.now()): the task is cancelled
 * from then until rt_timeout_end, which says whether the timeout expired
 * and is what cancelled the task (then TimeoutError is raised). */
void *rt_timeout_new(double t, bool instant);
bool rt_timeout_end(void *timeout);
/* Contexts (rt/rt_context.c): `ContextKey[T](name, default)` and the
 * immutable `Context` chains of tasks. Values and defaults are moved in
 * (`t->size` bytes at the pointer); `get` clones the value into `out`. */
void *rt_ctx_key_new(const RtStr *name, const struct RtType *t, void *dflt);
void rt_ctx_key_drop(void *key);
void *rt_ctx_empty(void);                  /* empty_context() */
void *rt_ctx_current(void);                /* current_context(): a new reference */
void *rt_ctx_with(void *ctx, void *key, void *val); /* ctx.with_value(key, val) */
void rt_ctx_get(const void *ctx, const void *key, void *out);
void *rt_ctx_retain(void *ctx);            /* NULL stays NULL */
void rt_ctx_drop(void *ctx);
/* task.scope(ctx=...), TaskGroup(ctx=...): children run in `ctx` */
void *rt_scope_new_ctx(void *ctx);
void *rt_group_new_ctx(void *ctx);
void *rt_spawn_coro_ctx(void *scope, void *frame, void *ctx);

/* ---- panics ------------------------------------------------------------- */
_Noreturn void rt_panic(const char *msg, const RtLoc *loc);
_Noreturn void rt_panic_str(const RtStr *msg, const RtLoc *loc);
/* assert failure: "assertion failed" or "assertion failed: <msg>" */
_Noreturn void rt_assert_fail(const RtStr *msg_or_null, const RtLoc *loc);
_Noreturn void rt_panic_overflow(const RtLoc *loc);  /* "integer overflow" */

/* ---- printing (stdout is buffered; flushed at each newline and at exit) -- */
void rt_print_str(const RtStr *s);
void rt_print_int(int64_t v);
void rt_print_float(double v);
void rt_print_bool(bool v);
void rt_print_none(void);
void rt_print_space(void);
void rt_print_newline(void);
void rt_flush(void);

/* ---- integers and floats (Python semantics) ------------------------------ */
int64_t rt_int_floordiv(int64_t a, int64_t b, const RtLoc *loc); /* panics on /0, overflow */
int64_t rt_int_mod(int64_t a, int64_t b, const RtLoc *loc);      /* sign of b; panics on %0 */
int64_t rt_int_pow(int64_t a, int64_t b, const RtLoc *loc);      /* b < 0 or overflow panics */
double rt_float_div(double a, double b, const RtLoc *loc);       /* b == 0 panics */
double rt_float_floordiv(double a, double b, const RtLoc *loc);
double rt_float_mod(double a, double b, const RtLoc *loc);       /* sign of b */
double rt_float_pow(double a, double b);
int64_t rt_float_to_int(double v, const RtLoc *loc);             /* trunc; NaN/inf/range panic */
/* round(): halves to even, as Python. round(x) of a float is an int
 * (NaN/inf/range panic); with ndigits the result keeps x's type. */
int64_t rt_float_round(double v, const RtLoc *loc);
double rt_float_round_digits(double v, int64_t ndigits);
int64_t rt_int_round_digits(int64_t v, int64_t ndigits, const RtLoc *loc);
int64_t rt_int_powmod(int64_t a, int64_t b, int64_t m, const RtLoc *loc); /* pow(a, b, m) */
RtStr *rt_int_to_base(int64_t v, int64_t base); /* hex/bin/oct: "-0x1f", "0b101", "0o17" */

/* ---- strings ------------------------------------------------------------ */
RtStr *rt_str_new(const char *bytes, int64_t len);
void rt_str_drop(RtStr *s);                 /* no-op for literals and NULL */
RtStr *rt_str_clone(const RtStr *s);
RtStr *rt_str_concat(const RtStr *a, const RtStr *b);
/* Concatenate n strings (used for f-strings). */
RtStr *rt_str_join_parts(int64_t n, RtStr *const *parts);
bool rt_str_eq(const RtStr *a, const RtStr *b);
int64_t rt_str_cmp(const RtStr *a, const RtStr *b); /* <0, 0, >0 (bytewise) */
int64_t rt_str_len(const RtStr *s);                  /* code points */
RtStr *rt_str_repr(const RtStr *s);  /* "double-quoted" with escapes (SPEC section 3) */
RtStr *rt_str_swapcase(const RtStr *s);
RtStr *rt_str_casefold(const RtStr *s);
/* partition()/rpartition(): the three parts into out[0..2] (a tuple[str, str, str]) */
void rt_str_partition(const RtStr *s, const RtStr *sep, bool from_right, RtStr **out, const RtLoc *loc);

/* str() of scalars, in the printing forms of SPEC section 3:
 * true/false, floats as the shortest text that reads back exactly with
 * integral values shown without ".0" (15.0 -> "15", 0.1 -> "0.1",
 * 1e+20 -> "1e+20", inf, -inf, nan). */
RtStr *rt_str_from_int(int64_t v);
RtStr *rt_str_from_float(double v);
RtStr *rt_str_from_bool(bool v);
RtStr *rt_str_none(void);                  /* "None" */

/* f-string fields with a format spec (Python's format-spec mini-language:
 * [[fill]align][sign][#][0][width][,|_][.precision][type]); an empty or NULL
 * spec is str(). Invalid specs panic with a message naming the spec. */
RtStr *rt_fmt_int(int64_t v, const RtStr *spec, const RtLoc *loc);
RtStr *rt_fmt_float(double v, const RtStr *spec, const RtLoc *loc);
RtStr *rt_fmt_str(const RtStr *v, const RtStr *spec, const RtLoc *loc);
RtStr *rt_fmt_bool(bool v, const RtStr *spec, const RtLoc *loc);

/* Compound values, descriptors, containers and str/bytes methods. */
#include "sifr_rt_values.h"

/* Sequence additions (rt/rt_list.c): enumerate(xs, start); xs[a:b:c] = items
 * (items moved in), the slice given as in rt_list_slice (`has` mask). */
RtList *rt_list_enumerate_from(const RtList *l, int64_t start, const RtType *tuple_t, const RtLoc *loc);
/* split(maxsplit=n) / rsplit(maxsplit=n) on runs of whitespace (rt/rt_strmethods.c) */
RtList *rt_str_split_ws(const RtStr *s, int64_t maxsplit, const RtLoc *loc);
RtList *rt_str_rsplit_ws(const RtStr *s, int64_t maxsplit, const RtLoc *loc);
/* str.isdecimal()/isnumeric(): Unicode Numeric_Type Decimal / any numeric type */
bool rt_str_isdecimal(const RtStr *s);
bool rt_str_isnumeric(const RtStr *s);
/* bytes(n): n zero bytes; bytes(list[int]): each item in 0..255, else a panic */
RtStr *rt_bytes_zeros(int64_t n, const RtLoc *loc);
RtStr *rt_bytes_from_list(const RtList *l, const RtLoc *loc);
/* del xs[start:stop:step] (has: which of the three were given) */
void rt_list_del_slice(RtList *l, int64_t start, int64_t stop, int64_t step, uint32_t has, const RtLoc *loc);
void rt_list_set_slice(RtList *l, int64_t start, int64_t stop, int64_t step, uint32_t has, RtList *items,
                       const RtLoc *loc);

#endif
