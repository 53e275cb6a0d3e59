/* The schedulers: one worker thread per core running tasks, which are
 * coroutine frames (rt_task.h) with a header; scopes that own their
 * children; timers; the waiting protocol every synchronisation primitive
 * uses. This is the runtime's C API for tasks: the generated code of async
 * functions, the runtime's own tests and the C benchmarks call it.
 * docs/design/runtime.md, "The scheduler", explains the design. */
#ifndef SIFR_RT_SCHED_H
#define SIFR_RT_SCHED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_task.h"
#include "rt_timer.h"

typedef struct RtTask RtTask;
typedef struct RtScope RtScope;
typedef struct RtWorker RtWorker;
typedef struct RtTimerEntry RtTimerEntry;

/* ---- The waiting protocol --------------------------------------------
 *
 * A task body is a coroutine. Every runtime operation that may have to wait
 * comes as `..._begin` returning true when it finished without waiting, and
 * false when it registered the current task as a waiter: the body must then
 * suspend (return from its resume function) at once. Someone later calls
 * rt_task_wake, the scheduler resumes the body, and the body calls the
 * operation's `..._end` (or tries again, for primitives documented so).
 * Wake-ups may be spurious (a cancellation, a racing waker): resumed bodies
 * re-check their condition.
 *
 * Cancellation is cooperative: rt_task_cancel sets a flag and wakes the task;
 * operations that would wait return RT_ECANCELED while the flag is set (the
 * body then runs its cleanup and finishes with RT_TASK_CANCELLED). */

#define RT_ECANCELED (-125) /* -ECANCELED */
#define RT_EAGAIN (-11)     /* would wait: the task is registered; suspend, then call again */

/* Task completion status, set by the body before it finishes. */
enum { RT_TASK_OK = 0, RT_TASK_FAILED = 1, RT_TASK_CANCELLED = 2 };

/* Task state bits (RtTask.state). */
enum {
    RT_TS_SCHEDULED = 1u << 0, /* in a run queue (or about to be) */
    RT_TS_RUNNING = 1u << 1,   /* a worker is resuming it */
    RT_TS_NOTIFIED = 1u << 2,  /* woken while running: run again */
    RT_TS_DONE = 1u << 3,      /* finished; status and result are final */
    RT_TS_JOINED = 1u << 4,    /* `joiner` waits for completion */
    RT_TS_RELEASED = 1u << 5,  /* the handle was dropped */
    RT_TS_ACKED = 1u << 6,     /* the completer finished waking `joiner` */
    RT_TS_REF = 1u << 8,       /* bits 8..31 count references: the handle's, the scope list's */
};

typedef struct RtWaitLink {
    struct RtWaitLink *prev, *next;
} RtWaitLink;

struct RtTask {
    void *frame;         /* the root coroutine frame (NULL once destroyed) */
    void *leaf;          /* the frame to resume: the innermost suspended coroutine */
    _Atomic uint32_t state;  /* RT_TS_* flags and the reference count: one atomic word,
                                so completing or dropping a handle is one operation */
    _Atomic uint32_t cancel; /* RT_CANCEL_REQUESTED | the number of expired timeouts */
    uint32_t status;         /* RT_TASK_*, final once DONE */
    bool observed;           /* the handle's owner saw the outcome (its joins set it) */
    void *error;             /* failure payload (opaque to the runtime) */
    RtScope *scope;          /* owner scope (NULL: the root task) */
    RtTask *sibling;         /* the scope's child list */
    RtTask *qnext;           /* injection queue link */
    RtTask *joiner;          /* the task waiting for this one */
    void *ctx;               /* the task-local context, inherited by children */
    RtTimerEntry *sleep;     /* the pending sleep, if any */
    RtWaitLink wait;         /* a waiter list link of a sync primitive */
    uint64_t wait_data;      /* free for the primitive the task waits on */
    void *waiting_on;        /* the primitive it registered with; written and read
                                only by the task itself (lock-free fast paths) */
};

/* Two cache lines: a million tasks are a lot of memory traffic. */
_Static_assert(sizeof(RtTask) <= 128, "RtTask fits two cache lines");

/* ---- Running ------------------------------------------------------------ */

/* Run `frame` as the root task on `nworkers` workers (0: one per usable core,
 * or SIFR_RT_WORKERS) until it finishes; the calling thread is worker 0.
 * Returns the root's status; the frame is destroyed before returning unless
 * `keep` is non-NULL, in which case it receives the task (the caller reads
 * the promise, then calls rt_task_release). Not reentrant. */
int rt_run(int nworkers, void *frame, RtTask **keep);

/* The number of usable cores (sched_getaffinity), at least 1. */
int rt_ncpus(void);

/* The task running on this thread (NULL outside tasks). Never cache it
 * across a suspension in runtime code: re-read it after each resume. */
extern _Thread_local RtTask *rt_tl_task;
static inline RtTask *rt_task_current(void) { return rt_tl_task; }
/* The worker this thread runs (NULL on other threads). */
RtWorker *rt_worker_current(void);
int rt_worker_id(const RtWorker *w);
/* The worker's poller (rt_poll.h); only its own thread may submit to it. */
struct RtPoller *rt_worker_poller(RtWorker *w);
/* Make the first worker (the main thread) block these signals (a mask of
 * 1 << (signo - 1)), as the other workers always do: from another worker,
 * wake it and wait until it has done so. */
void rt_sched_block_signals(uint64_t mask);
int rt_worker_count(void);
/* true while rt_run runs (on any thread). */
bool rt_sched_active(void);

/* Mark the current task's frame to resume (nested coroutines: the innermost
 * one that suspends on a runtime operation). */
static inline void rt_task_set_leaf(RtTask *t, void *frame) { t->leaf = frame; }

/* ---- Tasks ------------------------------------------------------------- */

/* Start `frame` as a child of `scope` (NULL: detached from any scope, for
 * the runtime's own helpers). The child inherits the spawning task's
 * context unless `ctx` is given (non-NULL). Queued on the current worker
 * (from another thread: the injection queue). The returned handle must be
 * joined or released. */
RtTask *rt_spawn(RtScope *scope, void *frame, void *ctx);

/* Make t runnable. Safe from any thread, idempotent while t is queued. */
void rt_task_wake(RtTask *t);

/* Request cancellation of t and wake it. A task is cancelled while its
 * `cancel` word is not 0: the request bit (sticky) or any expired timeout
 * of its own (each counts one until it is stopped). */
enum { RT_CANCEL_REQUESTED = 1u << 31 };
void rt_task_cancel(RtTask *t);
/* A timeout of `me` (`async with task.timeout`): at deadline_ns the task is
 * cancelled until the timeout is stopped. Call from the task, on a worker. */
RtTimerEntry *rt_task_timeout_start(RtTask *me, uint64_t deadline_ns);
/* Stop it (from `me`, exactly once): true when it had expired and nothing
 * else (a cancellation request) keeps the task cancelled. */
bool rt_task_timeout_stop(RtTask *me, RtTimerEntry *e);
static inline bool rt_task_cancelled(const RtTask *t) {
    return atomic_load_explicit(&t->cancel, memory_order_acquire) != 0;
}

/* The body's outcome, recorded before it finishes. */
static inline void rt_task_set_status(RtTask *t, uint32_t status, void *error) {
    t->status = status;
    t->error = error;
}

/* Join: true when `child` is done (its status and promise may be read);
 * false when `me` now waits for it (suspend; call again when resumed).
 * A join marks the outcome observed. */
bool rt_join_begin(RtTask *me, RtTask *child);
static inline bool rt_task_done(const RtTask *t) {
    return (atomic_load_explicit(&t->state, memory_order_acquire) & RT_TS_DONE) != 0;
}

/* Drop a handle (after a join, or to detach). A failed child whose outcome
 * no join observed is an unobserved failure of its scope, handle or not
 * (rt_scope_unobserved). */
void rt_task_release(RtTask *t);

/* Suspend the current task until the scheduler has run other ready tasks. */
void rt_yield_begin(RtTask *me);

/* A spin lock for the primitives' short critical sections. */
typedef struct RtSpin {
    _Atomic uint32_t held;
} RtSpin;
/* One pause of a busy wait (a hint to the core; nothing on other targets). */
static inline void rt_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void rt_spin_lock_slow(RtSpin *s);
static inline void rt_spin_lock(RtSpin *s) {
    uint32_t z = 0;
    if (!atomic_compare_exchange_weak_explicit(&s->held, &z, 1, memory_order_acquire, memory_order_relaxed))
        rt_spin_lock_slow(s);
}
static inline void rt_spin_unlock(RtSpin *s) { atomic_store_explicit(&s->held, 0, memory_order_release); }
static inline bool rt_spin_trylock(RtSpin *s) {
    uint32_t z = 0;
    return atomic_compare_exchange_strong_explicit(&s->held, &z, 1, memory_order_acquire, memory_order_relaxed);
}

/* ---- Scopes ---------------------------------------------------------- */

enum {
    RT_SCOPE_CANCELLED = 1u << 0,
    RT_SCOPE_FAIL_FAST = 1u << 1, /* a failing child cancels its siblings (TaskGroup) */
};

struct RtScope {
    _Atomic uint64_t live;       /* (listed << 32) | (running children << 1) | waiting */
    RtTask *owner;               /* the task that joins the scope */
    _Atomic(RtTask *) children;  /* push-only list, pruned by rt_spawn */
    RtSpin lock;                 /* walks and prunes of `children` */
    _Atomic uint32_t flags;      /* RT_SCOPE_* */
    _Atomic(RtTask *) first_failed; /* the first child that failed (holds a reference) */
    uint32_t prune_at;           /* list length that triggers the next prune */
    void *ctx;                   /* the context children inherit (NULL: the owner's; a reference) */
};

void rt_scope_init(RtScope *s, RtTask *owner, uint32_t flags);
/* Cancel every child still running (each observes it at its next suspension). */
void rt_scope_cancel(RtScope *s);
/* true when every child has finished; false when `me` now waits (suspend,
 * then call again). If `me` is cancelled, its children are cancelled first. */
bool rt_scope_join_begin(RtScope *s, RtTask *me);
/* After a successful join: release the list and the first failure. */
void rt_scope_fini(RtScope *s);
/* The first failed child (or NULL); valid until rt_scope_fini. */
static inline RtTask *rt_scope_first_failure(RtScope *s) { return atomic_load(&s->first_failed); }
/* The number of failed children whose outcome no join observed (after the
 * scope's join; failed children stay listed until rt_scope_fini). */
uint32_t rt_scope_unobserved(RtScope *s);

/* ---- Timers ------------------------------------------------------------ */

typedef void RtTimerFireFn(RtTimerEntry *e);

struct RtTimerEntry {
    RtTimer timer;               /* in its home worker's wheel */
    struct RtTimerEntry *msg;    /* home inbox link (cancellation from another thread) */
    _Atomic uint32_t state;      /* pending, fired, cancelled */
    _Atomic uint32_t refs;       /* the home wheel's and the starter's */
    RtWorker *home;
    RtTimerFireFn *fire;         /* runs on the home worker */
    void *arg;
};

/* Start a timer on the current worker firing `fire(e)` at deadline_ns. Must be
 * called from a worker. Stop it with rt_timer_stop exactly once. */
RtTimerEntry *rt_timer_start(uint64_t deadline_ns, RtTimerFireFn *fire, void *arg);
/* Cancel (if not fired) and release; true when it had fired. Any thread. */
bool rt_timer_stop(RtTimerEntry *e);

/* Sleep until deadline_ns (absolute CLOCK_MONOTONIC): false means suspend,
 * then call rt_sleep_end. true: nothing to wait for (nothing to end): the
 * deadline has passed, or `me` is already cancelled (check
 * rt_task_cancelled, as after any suspension). */
bool rt_sleep_begin(RtTask *me, uint64_t deadline_ns);
/* 0 when the deadline passed, RT_ECANCELED when woken by cancellation,
 * RT_EAGAIN when resumed early (suspend again). */
int rt_sleep_end(RtTask *me);
/* Give up a sleep that rt_sleep_begin started (the task stopped waiting for
 * another reason); nothing when there is none. */
void rt_sleep_stop(RtTask *me);

/* ---- Waiter lists (used by channels, locks, semaphores, notify) ---------- */

typedef struct RtWaitList {
    RtWaitLink head; /* circular; protected by the primitive's lock */
} RtWaitList;

static inline void rt_waitlist_init(RtWaitList *l) { l->head.prev = l->head.next = &l->head; }
static inline bool rt_waitlist_empty(const RtWaitList *l) { return l->head.next == &l->head; }
static inline void rt_waitlist_push(RtWaitList *l, RtTask *t) {
    t->wait.prev = l->head.prev;
    t->wait.next = &l->head;
    l->head.prev->next = &t->wait;
    l->head.prev = &t->wait;
}
static inline bool rt_waitlink_linked(const RtTask *t) { return t->wait.next != NULL; }
static inline void rt_waitlist_remove(RtTask *t) {
    t->wait.prev->next = t->wait.next;
    t->wait.next->prev = t->wait.prev;
    t->wait.prev = t->wait.next = NULL;
}
static inline RtTask *rt_waitlist_pop(RtWaitList *l) {
    if (rt_waitlist_empty(l)) return NULL;
    RtTask *t = (RtTask *)((char *)l->head.next - offsetof(RtTask, wait));
    rt_waitlist_remove(t);
    return t;
}


/* ---- Introspection for tests and benchmarks ------------------------------ */

typedef struct RtSchedStats {
    uint64_t tasks_run, steals, parks, enters, wakeups;
} RtSchedStats;
/* Totals over the workers of the last rt_run. */
RtSchedStats rt_sched_stats(void);

#endif
