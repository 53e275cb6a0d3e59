/* Channels, locks, semaphores, Notify and Shared (rt/rt_sync.h), alone and
 * under the schedulers on several workers. CTest runs this suite on both I/O
 * backends. */
#include <criterion/criterion.h>
#include <pthread.h>

#include "sync_scenarios.h"

#define OK(expr)                                   \
    do {                                           \
        const char *m_ = (expr);                   \
        cr_assert(m_ == NULL, "%s", m_ ? m_ : ""); \
    } while (0)

/* ---- channels without tasks ------------------------------------------- */

Test(chan, fifo_and_growth) {
    RtChan *c = rt_chan_new(sizeof(int64_t), 0, NULL, NULL);
    for (int64_t i = 0; i < 1000; i++) cr_assert_eq(rt_chan_try_send(c, &i), 0);
    cr_assert_eq(rt_chan_len(c), 1000);
    for (int64_t i = 0; i < 1000; i++) {
        int64_t v = -1;
        cr_assert_eq(rt_chan_try_recv(c, &v), 0);
        cr_assert_eq(v, i);
    }
    int64_t v;
    cr_assert_eq(rt_chan_try_recv(c, &v), RT_EAGAIN);
    rt_chan_sender_drop(c);
    cr_assert_eq(rt_chan_try_recv(c, &v), RT_ECLOSED);
    rt_chan_receiver_drop(c);
}

Test(chan, bounded_refuses_when_full) {
    RtChan *c = rt_chan_new(sizeof(int), 3, NULL, NULL);
    for (int i = 0; i < 3; i++) cr_assert_eq(rt_chan_try_send(c, &i), 0);
    int x = 9;
    cr_assert_eq(rt_chan_try_send(c, &x), RT_EAGAIN);
    int v;
    cr_assert_eq(rt_chan_try_recv(c, &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(rt_chan_try_send(c, &x), 0);
    int want[] = {1, 2, 9};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(rt_chan_try_recv(c, &v), 0);
        cr_assert_eq(v, want[i]);
    }
    rt_chan_sender_drop(c);
    rt_chan_receiver_drop(c);
}

Test(chan, queued_values_drain_after_close) {
    RtChan *c = rt_chan_new(sizeof(int), 0, NULL, NULL);
    rt_chan_sender_clone(c);
    int a = 1, b = 2, v;
    rt_chan_try_send(c, &a);
    rt_chan_try_send(c, &b);
    rt_chan_close(c); /* by one sender: closed for all */
    cr_assert_eq(rt_chan_try_send(c, &a), RT_ECLOSED);
    cr_assert(rt_chan_closed(c));
    cr_assert_eq(rt_chan_try_recv(c, &v), 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(rt_chan_try_recv(c, &v), 0);
    cr_assert_eq(v, 2);
    cr_assert_eq(rt_chan_try_recv(c, &v), RT_ECLOSED);
    rt_chan_sender_drop(c);
    rt_chan_sender_drop(c);
    rt_chan_receiver_drop(c);
}

static int dropped;
static void count_drop(const void *ctx, void *v) { dropped += *(int *)v; }

Test(chan, receiver_drop_closes_and_drops_queued) {
    dropped = 0;
    RtChan *c = rt_chan_new(sizeof(int), 0, count_drop, NULL);
    int a = 5, b = 7;
    rt_chan_try_send(c, &a);
    rt_chan_try_send(c, &b);
    rt_chan_receiver_drop(c);
    cr_assert_eq(dropped, 12);
    cr_assert_eq(rt_chan_try_send(c, &a), RT_ECLOSED);
    rt_chan_sender_drop(c);
}

/* Many blocks of slots, values wider than a word, a receiver dropped with
 * values in several blocks: each queued value dropped exactly once. */
typedef struct Wide {
    int id;
    char pad[36];
} Wide;
static int wide_drops[1000];
static void wide_drop(const void *ctx, void *v) { wide_drops[((Wide *)v)->id]++; }

Test(chan, unbounded_blocks_wide_values_and_receiver_drop) {
    memset(wide_drops, 0, sizeof wide_drops);
    RtChan *c = rt_chan_new(sizeof(Wide), 0, wide_drop, NULL);
    Wide w = {0};
    for (int i = 0; i < 1000; i++) {
        w.id = i;
        w.pad[35] = (char)i;
        cr_assert_eq(rt_chan_try_send(c, &w), 0);
    }
    cr_assert_eq(rt_chan_len(c), 1000);
    for (int i = 0; i < 400; i++) {
        cr_assert_eq(rt_chan_try_recv(c, &w), 0);
        cr_assert_eq(w.id, i);
        cr_assert_eq(w.pad[35], (char)i);
    }
    cr_assert_eq(rt_chan_len(c), 600);
    rt_chan_receiver_drop(c);
    for (int i = 0; i < 1000; i++) cr_assert_eq(wide_drops[i], i < 400 ? 0 : 1, "value %d", i);
    cr_assert_eq(rt_chan_try_send(c, &w), RT_ECLOSED);
    rt_chan_sender_drop(c);
}

/* Threads (not tasks) sending at once while the receiver drains: every
 * value arrives once, and each sender's values arrive in its order. */
#define THREAD_SENDERS 4
#define PER_THREAD 100000
static void *thread_sender(void *arg) {
    RtChan *c = ((void **)arg)[0];
    int64_t id = (int64_t)(intptr_t)((void **)arg)[1];
    for (int64_t i = 0; i < PER_THREAD; i++) {
        int64_t v = id * PER_THREAD + i;
        if (rt_chan_try_send(c, &v) != 0) return (void *)1;
    }
    rt_chan_sender_drop(c);
    return NULL;
}

Test(chan, unbounded_threads_send_at_once) {
    RtChan *c = rt_chan_new(sizeof(int64_t), 0, NULL, NULL);
    for (int i = 1; i < THREAD_SENDERS; i++) rt_chan_sender_clone(c);
    pthread_t th[THREAD_SENDERS];
    void *args[THREAD_SENDERS][2];
    for (int i = 0; i < THREAD_SENDERS; i++) {
        args[i][0] = c;
        args[i][1] = (void *)(intptr_t)i;
        pthread_create(&th[i], NULL, thread_sender, args[i]);
    }
    int64_t next[THREAD_SENDERS] = {0}, got = 0;
    for (;;) {
        int64_t v;
        int r = rt_chan_try_recv(c, &v);
        if (r == RT_EAGAIN) continue;
        if (r == RT_ECLOSED) break;
        cr_assert_eq(r, 0);
        int64_t id = v / PER_THREAD;
        cr_assert(id >= 0 && id < THREAD_SENDERS);
        cr_assert_eq(v % PER_THREAD, next[id], "sender %" PRId64 " out of order", id);
        next[id]++;
        got++;
    }
    for (int i = 0; i < THREAD_SENDERS; i++) {
        void *r;
        pthread_join(th[i], &r);
        cr_assert_null(r);
    }
    cr_assert_eq(got, (int64_t)THREAD_SENDERS * PER_THREAD);
    rt_chan_receiver_drop(c);
}

/* ---- channels with tasks ---------------------------------------------- */

Test(chan, conservation_unbounded_one_worker) { OK(scenario_conserve(1, 8, 20000, 0, 0, NULL)); }
Test(chan, conservation_bounded_1) { OK(scenario_conserve(2, 8, 5000, 1, 0, NULL)); }
Test(chan, conservation_bounded_4) { OK(scenario_conserve(2, 16, 5000, 4, 0, NULL)); }
Test(chan, conservation_bounded_64_four_workers) { OK(scenario_conserve(4, 32, 5000, 64, 0, NULL)); }
Test(chan, conservation_repeated) {
    int64_t cancelled = 0, c;
    for (int i = 0; i < 30; i++) {
        OK(scenario_conserve(2, 6, 3000, (size_t)(i % 3), 0, &c));
        cancelled += c;
    }
    cr_assert(cancelled > 0, "no producer was ever cancelled mid-stream");
}
Test(chan, receiver_leaves_while_senders_wait) { OK(scenario_conserve(2, 8, 5000, 2, 1000, NULL)); }

/* ---- locks -------------------------------------------------------------- */

Test(lock, contention_across_workers) { OK(scenario_lock(2, 4, 50000)); }
Test(lock, thousand_contenders) { OK(scenario_lock(0, 1000, 200)); }

static void *try_write_elsewhere(void *l) { return (void *)(uintptr_t)rt_rwlock_try_write(l); }
static void *try_read_elsewhere(void *l) {
    bool ok = rt_rwlock_try_read(l);
    if (ok) rt_rwlock_read_unlock(l);
    return (void *)(uintptr_t)ok;
}

static bool on_other_thread(void *(*fn)(void *), RtRwLock *l) {
    pthread_t th;
    void *r;
    pthread_create(&th, NULL, fn, l);
    pthread_join(th, &r);
    return r != NULL;
}

Test(lock, reader_reader_writer_by_one_owner) {
    RtRwLock l;
    rt_rwlock_init(&l);
    rt_rwlock_read(&l);
    rt_rwlock_read(&l);
    rt_rwlock_write(&l); /* the seed's sequence: terminates */
    cr_assert_not(on_other_thread(try_write_elsewhere, &l));
    cr_assert_not(on_other_thread(try_read_elsewhere, &l));
    rt_rwlock_write_unlock(&l);
    cr_assert_not(on_other_thread(try_write_elsewhere, &l)); /* our reads remain */
    cr_assert(on_other_thread(try_read_elsewhere, &l));
    rt_rwlock_read_unlock(&l);
    rt_rwlock_read_unlock(&l);
    cr_assert(on_other_thread(try_write_elsewhere, &l));
    rt_rwlock_fini(&l);
}

Test(lock, readers_of_two_owners_block_a_writer) {
    RtRwLock l;
    rt_rwlock_init(&l);
    rt_rwlock_read(&l);
    cr_assert(on_other_thread(try_read_elsewhere, &l));
    cr_assert(rt_rwlock_try_write(&l)); /* the other reader left */
    rt_rwlock_write_unlock(&l);
    rt_rwlock_read_unlock(&l);
    rt_rwlock_fini(&l);
}

/* ---- semaphore, notify, shared ---------------------------------------------- */

Test(semaphore, four_permits_thousand_tasks) { OK(scenario_semaphore(2, 1000, 5, 4)); }
Test(semaphore, one_permit_is_a_mutex) { OK(scenario_semaphore(4, 50, 20, 1)); }

Test(semaphore, try_acquire) {
    RtSemaphore s;
    rt_sem_init(&s, 2);
    cr_assert(rt_sem_try_acquire(&s));
    cr_assert(rt_sem_try_acquire(&s));
    cr_assert_not(rt_sem_try_acquire(&s));
    rt_sem_release(&s);
    cr_assert(rt_sem_try_acquire(&s));
}

Test(notify, permit_is_stored_once) {
    RtNotify n;
    rt_notify_init(&n);
    rt_notify_one(&n);
    rt_notify_one(&n); /* still one permit */
    RtTask fake;
    memset(&fake, 0, sizeof fake);
    cr_assert_eq(rt_notified(&fake, &n), 0);
    cr_assert_eq(rt_notified(&fake, &n), RT_EAGAIN); /* registered now */
    rt_notify_abandon(&fake, &n);
    rt_notify_all(&n); /* nobody waits: stores nothing */
    cr_assert_eq(rt_notified(&fake, &n), RT_EAGAIN);
    rt_notify_abandon(&fake, &n);
}

static int shared_dropped;
static void shared_drop(const void *ctx, void *v) { shared_dropped = *(int *)v; }

Test(shared, last_drop_runs_the_destructor) {
    int v = 42;
    RtShared *s = rt_shared_new(&v, sizeof v, shared_drop, NULL);
    RtShared *t = rt_shared_clone(s);
    cr_assert_eq(*(int *)rt_shared_get(t), 42);
    rt_shared_drop(s);
    cr_assert_eq(shared_dropped, 0);
    rt_shared_drop(t);
    cr_assert_eq(shared_dropped, 42);
}

/* ---- cancellation storms ------------------------------------------------ */

Test(storm, ten_thousand_blocked_tasks_one_worker) { OK(scenario_storm(1, 10000)); }
Test(storm, hundred_thousand_blocked_tasks) { OK(scenario_storm(0, 100000)); }
Test(storm, repeated_on_four_workers) {
    for (int i = 0; i < 10; i++) OK(scenario_storm(4, 5000));
}
