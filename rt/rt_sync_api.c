/* The values of `sifr.sync` as generated code sees them (rt/sifr_rt.h;
 * docs/design/sync.md): each is one pointer to a runtime object of
 * rt_sync.h, with the element type's descriptor where the object holds
 * values (drops go through rt_value_drop). Waits (a send into a full
 * channel, a receive from an empty one, acquire, notified) are await
 * functions over the waiting protocol of rt_sched.h, like those of
 * rt_async.c. */
#include "rt_internal.h"
#include "rt_sched.h"
#include "rt_sync.h"
#include "rt_task.h"
#include "sifr_rt.h"
#include "sifr_rt_values.h"

enum { AW_DONE = 0, AW_CANCELLED = 1, AW_WAITING = 2 };

static void sy_drop_value(const void *t, void *value) { rt_value_drop(t, value); }

/* The waiting task, whose innermost frame is `frame`. */
static RtTask *sy_waiter(void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    return me;
}

/* An await function's answer to one try `r` of its operation: wait on
 * (RT_EAGAIN), cancelled, or done. */
static void *sy_wait_result(RtAwait *a, void *frame, int r) {
    if (r == RT_EAGAIN) {
        a->result = AW_WAITING;
        return NULL;
    }
    a->result = r == RT_ECANCELED ? AW_CANCELLED : AW_DONE;
    return frame;
}

/* The bytes a value of t takes in a runtime object (at least one). */
static size_t sy_size(const RtType *t) { return t->size ? t->size : 1; }

/* ---- Shared[T] ----------------------------------------------------------- */

void *rt_sync_shared_new(const RtType *t, void *value) {
    return rt_shared_new(value, sy_size(t), sy_drop_value, t);
}
void *rt_sync_shared_clone(void *s) { return rt_shared_clone(s); }
void rt_sync_shared_drop(void *s) { rt_shared_drop(s); }
void *rt_sync_shared_get(void *s) { return rt_shared_get(s); }

/* ---- Lock[T] and RwLock[T]: the lock, then the value ---------------------- */

typedef struct SyLock {
    RtMutex m;
    const RtType *t;
    _Alignas(16) char value[];
} SyLock;

typedef struct SyRwLock {
    RtRwLock l;
    const RtType *t;
    _Alignas(16) char value[];
} SyRwLock;

void *rt_sync_lock_new(const RtType *t, void *value) {
    SyLock *l = rt_alloc(sizeof *l + sy_size(t));
    rt_lock_init(&l->m);
    l->t = t;
    memcpy(l->value, value, t->size);
    return l;
}

void rt_sync_lock_drop(void *p) {
    SyLock *l = p;
    rt_value_drop(l->t, l->value);
    rt_free(l);
}

void *rt_sync_lock_lock(void *p) {
    rt_lock_lock(&((SyLock *)p)->m);
    return p;
}

/* The guard, or NULL when another task or thread holds the lock. */
void *rt_sync_lock_try(void *p) { return rt_lock_try(&((SyLock *)p)->m) ? p : NULL; }

void rt_sync_lock_unlock(void *p) { rt_lock_unlock(&((SyLock *)p)->m); }

void *rt_sync_lock_value(void *p) { return ((SyLock *)p)->value; }

void *rt_sync_rwlock_new(const RtType *t, void *value) {
    SyRwLock *l = rt_alloc(sizeof *l + sy_size(t));
    rt_rwlock_init(&l->l);
    l->t = t;
    memcpy(l->value, value, t->size);
    return l;
}

void rt_sync_rwlock_drop(void *p) {
    SyRwLock *l = p;
    rt_rwlock_fini(&l->l);
    rt_value_drop(l->t, l->value);
    rt_free(l);
}

void *rt_sync_rwlock_read(void *p) {
    rt_rwlock_read(&((SyRwLock *)p)->l);
    return p;
}
void *rt_sync_rwlock_write(void *p) {
    rt_rwlock_write(&((SyRwLock *)p)->l);
    return p;
}
void *rt_sync_rwlock_try_read(void *p) { return rt_rwlock_try_read(&((SyRwLock *)p)->l) ? p : NULL; }
void *rt_sync_rwlock_try_write(void *p) { return rt_rwlock_try_write(&((SyRwLock *)p)->l) ? p : NULL; }
void rt_sync_rwlock_read_unlock(void *p) { rt_rwlock_read_unlock(&((SyRwLock *)p)->l); }
void rt_sync_rwlock_write_unlock(void *p) { rt_rwlock_write_unlock(&((SyRwLock *)p)->l); }
void *rt_sync_rwlock_value(void *p) { return ((SyRwLock *)p)->value; }

/* ---- Semaphore and Notify ------------------------------------------------- */

void *rt_sync_semaphore_new(int64_t permits, const RtLoc *loc) {
    if (permits < 0) rt_panic("Semaphore: the number of permits is negative", loc);
    RtSemaphore *s = rt_alloc(sizeof *s);
    rt_sem_init(s, permits);
    return s;
}
void rt_sync_semaphore_drop(void *s) { rt_free(s); }
/* try_acquire(): the permit (the semaphore itself), or NULL. */
void *rt_sync_semaphore_try(void *s) { return rt_sem_try_acquire(s) ? s : NULL; }
void rt_sync_permit_drop(void *s) { rt_sem_release(s); }

void *rt_await_acquire(RtAwait *a, void *frame) {
    RtTask *me = sy_waiter(frame);
    int r = rt_sem_acquire(me, a->arg.p);
    if (r == RT_ECANCELED) rt_sem_abandon(me, a->arg.p);
    return sy_wait_result(a, frame, r);
}

void *rt_sync_notify_new(void) {
    RtNotify *n = rt_alloc(sizeof *n);
    rt_notify_init(n);
    return n;
}
void rt_sync_notify_drop(void *n) { rt_free(n); }
void rt_sync_notify_one(void *n) { rt_notify_one(n); }
void rt_sync_notify_all(void *n) { rt_notify_all(n); }

void *rt_await_notified(RtAwait *a, void *frame) {
    RtTask *me = sy_waiter(frame);
    int r = rt_notified(me, a->arg.p);
    if (r == RT_ECANCELED) rt_notify_abandon(me, a->arg.p);
    return sy_wait_result(a, frame, r);
}

/* ---- Channels ------------------------------------------------------------- */

/* channel() / bounded_channel(n): one pointer serves as both endpoints
 * (the channel counts them). */
void *rt_sync_channel_new(const RtType *t, int64_t cap, const RtLoc *loc) {
    if (cap < 0) rt_panic("bounded_channel: the capacity is negative", loc);
    if (cap == 0) rt_panic("bounded_channel: the capacity is 0 (use channel() for no bound)", loc);
    return rt_chan_new(sy_size(t), (size_t)cap, sy_drop_value, t);
}
void *rt_sync_channel_unbounded(const RtType *t) { return rt_chan_new(sy_size(t), 0, sy_drop_value, t); }
void *rt_sync_sender_clone(void *c) {
    rt_chan_sender_clone(c);
    return c;
}
void rt_sync_sender_drop(void *c) { rt_chan_sender_drop(c); }
void rt_sync_receiver_drop(void *c) { rt_chan_receiver_drop(c); }
void rt_sync_sender_close(void *c) { rt_chan_close(c); }

/* One send or receive in flight: the channel, the value (moved in by a
 * send, copied out to by a receive) and, once done, how it went. */
typedef struct SyChanOp {
    RtChan *c;
    const RtType *t;
    bool send;
    bool full;    /* the value slot holds a value this record owns */
    int status;   /* 0 done, RT_ECLOSED */
    _Alignas(16) char value[];
} SyChanOp;

/* (records come from the frame slabs: one per send or receive, freed on
 * whichever worker the task is on when it ends) */
static size_t sy_op_size(const RtType *t) { return sizeof(SyChanOp) + sy_size(t); }

static SyChanOp *sy_op_new(RtChan *c, const RtType *t, bool send) {
    SyChanOp *op = rt_frame_alloc(sy_op_size(t));
    op->c = c;
    op->t = t;
    op->send = send;
    op->full = false;
    op->status = 0;
    return op;
}

/* The record `await sender.send(value)` waits on; the value is moved in. */
void *rt_sync_send_new(void *c, const RtType *t, const void *value) {
    SyChanOp *op = sy_op_new(c, t, true);
    memcpy(op->value, value, t->size);
    op->full = true;
    return op;
}

void *rt_sync_recv_new(void *c, const RtType *t) { return sy_op_new(c, t, false); }

static void sy_op_free(SyChanOp *op) {
    if (op->full) rt_value_drop(op->t, op->value); /* a send that did not happen */
    rt_frame_free(op, sy_op_size(op->t));
}

void *rt_await_chan(RtAwait *a, void *frame) {
    RtTask *me = sy_waiter(frame);
    SyChanOp *op = a->arg.p;
    int r = op->send ? rt_chan_send(me, op->c, op->value) : rt_chan_recv(me, op->c, op->value);
    if (r == RT_ECANCELED) {
        /* nothing was transferred: an unsent value is dropped with the record */
        rt_chan_abandon(me, op->c);
        sy_op_free(op);
    } else if (r == 0) {
        op->full = !op->send;
    } else if (r != RT_EAGAIN) {
        op->status = RT_ECLOSED;
    }
    return sy_wait_result(a, frame, r);
}

bool rt_sync_chan_end(void *p) {
    SyChanOp *op = p;
    bool closed = op->status != 0;
    if (closed || op->send) sy_op_free(op); /* (a value not sent is dropped) */
    return closed;
}

void rt_sync_recv_take(void *p, void *out) {
    SyChanOp *op = p;
    memcpy(out, op->value, op->t->size);
    op->full = false;
    sy_op_free(op);
}
