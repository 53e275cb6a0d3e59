/* fan_in: 1,000 producers, producer p sends p*10000 .. p*10000+9999 into one
 * channel; the root receives and sums all 10M: 49999995000000.
 *
 * The channel is unbounded (FAN_IN_CAP 0), as in the tokio peer
 * (mpsc::unbounded_channel); the Go peer uses a buffered channel of 1024
 * (build with -DFAN_IN_CAP=1024 for that shape). Every producer owns one
 * sender handle (rt_chan_new's, plus 999 clones) and drops it when done; the
 * last drop closes the channel and ends the root's receive loop. */
#include "bench_rt.h"

#ifndef FAN_IN_CAP
#define FAN_IN_CAP 0
#endif
#define PRODUCERS 1000u
#define PER_PRODUCER 10000u

typedef struct Producer {
    Fr fr;
    RtChan *ch;
    uint64_t base, j;
} Producer;

static void producer_resume(void *p) {
    Producer *f = p;
    RtTask *me = rt_task_current();
    while (f->j < PER_PRODUCER) {
        uint64_t v = f->base + f->j;
        int r = rt_chan_send(me, f->ch, &v);
        if (r == RT_EAGAIN) return; /* full (bounded only): resumed here, send v again */
        if (r != 0) bench_fail("producer: rt_chan_send", r);
        f->j++;
    }
    rt_chan_sender_drop(f->ch);
    FR_DONE(f);
}

typedef struct FanIn {
    Fr fr;
    RtScope scope;
    RtChan *ch;
    uint64_t sum;
} FanIn;

static void fan_in_resume(void *p) {
    FanIn *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        f->ch = rt_chan_new(sizeof(uint64_t), FAN_IN_CAP, NULL, NULL);
        for (unsigned i = 1; i < PRODUCERS; i++) rt_chan_sender_clone(f->ch);
        for (unsigned i = 0; i < PRODUCERS; i++) {
            Producer *pr = fr_new(sizeof(Producer), producer_resume);
            pr->ch = f->ch;
            pr->base = (uint64_t)i * PER_PRODUCER;
            rt_task_release(rt_spawn(&f->scope, pr, NULL));
        }
        f->fr.pc = 1;
        /* fallthrough */
    case 1:
        for (;;) {
            uint64_t v;
            int r = rt_chan_recv(me, f->ch, &v);
            if (r == RT_EAGAIN) return; /* empty: resumed at pc 1 */
            if (r == RT_ECLOSED) break;
            if (r != 0) bench_fail("root: rt_chan_recv", r);
            f->sum += v;
        }
        rt_chan_receiver_drop(f->ch);
        /* fallthrough */
    case 2:
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 2);
        rt_scope_fini(&f->scope);
        f->fr.out = f->sum;
        FR_DONE(f);
    }
}

int main(void) {
    FanIn *f = fr_new(sizeof(FanIn), fan_in_resume);
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
