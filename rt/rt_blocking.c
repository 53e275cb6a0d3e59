/* `await task.spawn_blocking(fn)` and `await task.spawn_cpu(fn)`
 * (docs/design/async.md): a plain function run away from the awaiting
 * task. spawn_blocking hands it to a thread of a small pool kept beside the
 * workers, where it may block (wait for a process, read a pipe) without
 * stalling any task; spawn_cpu runs it as a task of its own on the workers
 * (the parallel pool), where idle workers take the awaiting task's
 * siblings. The awaiting task waits for the function to end even when it
 * is cancelled meanwhile: the function cannot be interrupted, and its
 * result (dropped then) is cleaned up before the cancellation completes. */
#include <pthread.h>
#include <string.h>

#include "rt_internal.h"
#include "rt_sched.h"
#include "rt_task.h"
#include "sifr_rt.h"
#include "sifr_rt_values.h"

enum { BJ_RUNNING = 0, BJ_ENDING = 1, BJ_DONE = 2 };
enum { AW_DONE = 0, AW_CANCELLED = 1, AW_WAITING = 2 };
enum { BJ_MAX_THREADS = 64 };

typedef struct RtBlockJob {
    RtClosure fn;          /* moved in; dropped once it ran */
    const RtType *fn_type; /* its descriptor */
    RtBlockThunk thunk;
    const RtType *result_type;
    RtTask *waiter;
    _Atomic uint32_t state; /* BJ_*: ENDING while the runner wakes the waiter */
    bool cpu;
    struct RtBlockJob *next; /* the blocking queue */
    _Alignas(16) unsigned char result[];
} RtBlockJob;

/* A spawn_cpu task: a frame of the coroutine ABI (rt_task.h) that runs the
 * job when resumed. */
typedef struct RtCpuFrame {
    RtCoroFrame h;
    RtBlockJob *job;
} RtCpuFrame;

/* The blocking pool: threads are started on demand (while more jobs are
 * queued than threads wait, up to BJ_MAX_THREADS: a job never waits behind
 * one that blocks, which may be waiting for it) and stopped at the end of
 * rt_run. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t more;
    RtBlockJob *head, *tail;
    int queued, idle, nthreads;
    bool stop;
    pthread_t threads[BJ_MAX_THREADS];
} B = {.lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER};

void *rt_blocking_new(const RtClosure *fn, const RtType *fn_type, RtBlockThunk thunk, const RtType *result_type,
                      bool cpu) {
    RtBlockJob *j = rt_alloc(sizeof *j + (result_type->size ? result_type->size : 1));
    j->fn = *fn;
    j->fn_type = fn_type;
    j->thunk = thunk;
    j->result_type = result_type;
    j->waiter = NULL;
    atomic_init(&j->state, BJ_RUNNING);
    j->cpu = cpu;
    j->next = NULL;
    return j;
}

/* Run the job, then wake its waiter; the job is the waiter's again once
 * the state is DONE (the waiter spins through the short ENDING window, so
 * the task it wakes is never one that went on and finished). */
static void bj_run(RtBlockJob *j) {
    j->thunk(&j->fn, j->result);
    rt_value_drop(j->fn_type, &j->fn);
    RtTask *w = j->waiter;
    atomic_store_explicit(&j->state, BJ_ENDING, memory_order_release);
    rt_task_wake(w);
    atomic_store_explicit(&j->state, BJ_DONE, memory_order_release);
}

static void *bj_thread(void *arg) {
    (void)arg;
    pthread_mutex_lock(&B.lock);
    for (;;) {
        while (!B.head && !B.stop) {
            B.idle++;
            pthread_cond_wait(&B.more, &B.lock);
            B.idle--;
        }
        if (!B.head) break;
        RtBlockJob *j = B.head;
        B.queued--;
        B.head = j->next;
        if (!B.head) B.tail = NULL;
        pthread_mutex_unlock(&B.lock);
        bj_run(j);
        pthread_mutex_lock(&B.lock);
    }
    pthread_mutex_unlock(&B.lock);
    rt_frame_cache_release();
    return NULL;
}

static void bj_submit_blocking(RtBlockJob *j) {
    pthread_mutex_lock(&B.lock);
    if (B.tail) B.tail->next = j;
    else B.head = j;
    B.tail = j;
    B.queued++;
    if (B.queued > B.idle && B.nthreads < BJ_MAX_THREADS &&
        pthread_create(&B.threads[B.nthreads], NULL, bj_thread, NULL) == 0)
        B.nthreads++;
    if (B.nthreads == 0) rt_panic("spawn_blocking: cannot start a thread", NULL);
    pthread_cond_signal(&B.more);
    pthread_mutex_unlock(&B.lock);
}

static void bj_cpu_destroy(void *frame) { rt_frame_free(frame, sizeof(RtCpuFrame)); }

static void bj_cpu_resume(void *frame) {
    RtCpuFrame *f = frame;
    bj_run(f->job);
    f->h.resume = NULL;
}

void *rt_await_blocking(RtAwait *a, void *frame) {
    RtTask *me = rt_task_current();
    rt_task_set_leaf(me, frame);
    RtBlockJob *j = a->arg.p;
    if (a->phase == 0) {
        a->phase = 1;
        j->waiter = me;
        if (j->cpu) {
            RtCpuFrame *f = rt_frame_alloc(sizeof *f);
            f->h.resume = bj_cpu_resume;
            f->h.destroy = bj_cpu_destroy;
            f->job = j;
            rt_task_release(rt_spawn(NULL, f, NULL));
        } else {
            bj_submit_blocking(j);
        }
    }
    uint32_t st;
    while ((st = atomic_load_explicit(&j->state, memory_order_acquire)) == BJ_ENDING) rt_cpu_relax();
    if (st != BJ_DONE) {
        a->result = AW_WAITING; /* a cancellation waits for the function too */
        return NULL;
    }
    if (rt_task_cancelled(me)) {
        rt_value_drop(j->result_type, j->result);
        rt_free(j);
        a->result = AW_CANCELLED;
        return frame;
    }
    a->result = AW_DONE;
    return frame;
}

void *rt_blocking_result(void *job) { return ((RtBlockJob *)job)->result; }

void rt_blocking_free(void *job) { rt_free(job); }

void rt_blocking_shutdown(void) {
    pthread_mutex_lock(&B.lock);
    B.stop = true;
    pthread_cond_broadcast(&B.more);
    int n = B.nthreads;
    pthread_mutex_unlock(&B.lock);
    for (int i = 0; i < n; i++) pthread_join(B.threads[i], NULL);
    pthread_mutex_lock(&B.lock);
    B.nthreads = 0;
    B.stop = false;
    pthread_mutex_unlock(&B.lock);
}
