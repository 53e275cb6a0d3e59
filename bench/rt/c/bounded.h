/* bounded_1024, bounded_64, bounded_1 (and bounded_1024_1core, which runs
 * bounded_1024's program under taskset -c 0): one producer sends
 * 0 .. 9,999,999 through a channel of capacity CAP, one consumer sums. The
 * root spawns the producer, then the consumer, joins the producer, then the
 * consumer (its sum), as the tokio peer does. Workers: one per usable core. */
#include "bench_rt.h"

#define ITEMS 10000000ull

typedef struct Producer {
    Fr fr;
    RtChan *ch;
    uint64_t i;
} Producer;

static void producer_resume(void *p) {
    Producer *f = p;
    RtTask *me = rt_task_current();
    while (f->i < ITEMS) {
        int r = rt_chan_send(me, f->ch, &f->i);
        if (r == RT_EAGAIN) return; /* full: resumed here, send i again */
        if (r != 0) bench_fail("producer: rt_chan_send", r);
        f->i++;
    }
    rt_chan_sender_drop(f->ch); /* closes the channel */
    FR_DONE(f);
}

typedef struct Consumer {
    Fr fr;
    RtChan *ch;
    uint64_t sum;
} Consumer;

static void consumer_resume(void *p) {
    Consumer *f = p;
    RtTask *me = rt_task_current();
    for (;;) {
        uint64_t v;
        int r = rt_chan_recv(me, f->ch, &v);
        if (r == RT_EAGAIN) return; /* empty: resumed here */
        if (r == RT_ECLOSED) break;
        if (r != 0) bench_fail("consumer: rt_chan_recv", r);
        f->sum += v;
    }
    rt_chan_receiver_drop(f->ch);
    f->fr.out = f->sum;
    FR_DONE(f);
}

typedef struct BoundedRoot {
    Fr fr;
    RtScope scope;
    RtTask *producer, *consumer;
    size_t cap;
} BoundedRoot;

static void bounded_root_resume(void *p) {
    BoundedRoot *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0: {
        rt_scope_init(&f->scope, me, 0);
        RtChan *ch = rt_chan_new(sizeof(uint64_t), f->cap, NULL, NULL);
        Producer *pr = fr_new(sizeof(Producer), producer_resume);
        pr->ch = ch;
        Consumer *co = fr_new(sizeof(Consumer), consumer_resume);
        co->ch = ch;
        f->producer = rt_spawn(&f->scope, pr, NULL);
        f->consumer = rt_spawn(&f->scope, co, NULL);
    }
        /* fallthrough */
    case 1:
        if (!rt_join_begin(me, f->producer)) FR_SUSPEND(f, 1);
        /* fallthrough */
    case 2:
        if (!rt_join_begin(me, f->consumer)) FR_SUSPEND(f, 2);
        f->fr.out = FR_OUT(f->consumer);
        /* fallthrough */
    case 3:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 3);
        rt_task_release(f->producer);
        rt_task_release(f->consumer);
        rt_scope_fini(&f->scope);
        FR_DONE(f);
    }
}

static int bounded_main(size_t cap) {
    BoundedRoot *f = fr_new(sizeof(BoundedRoot), bounded_root_resume);
    f->cap = cap;
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
