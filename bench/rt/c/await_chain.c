/* await_chain: one task awaits a trivial child coroutine 10,000,000 times,
 * child i returning i % 10, and prints the sum: 45000000. No task is
 * spawned.
 *
 * An await the way the compiler's async lowering does it
 * (docs/design/async.md, "Code generation"): the parent allocates the
 * child's frame (rt_frame_alloc, through fr_new), stores itself as the
 * child's continuation and transfers control to the child by a tail call;
 * the child finishes, marks itself done and transfers control back to its
 * continuation by a tail call; the parent reads the child's result and frees
 * its frame. Both transfers are `musttail` calls, as LLVM emits them for
 * `llvm.coro.await.suspend.handle` and the final suspension, so the chain
 * runs in constant stack. Workers: one per usable core (only one is busy). */
#include "bench_rt.h"

#define AWAITS 10000000u

/* Transfer control to the coroutine `frame` by a tail call. */
#define FR_TRANSFER(frame) __attribute__((musttail)) return ((RtCoroFrame *)(frame))->resume(frame)

typedef struct Child {
    Fr fr;
    void *cont; /* the awaiting coroutine */
    uint64_t i;
} Child;

static void child_resume(void *p) {
    Child *c = p;
    c->fr.out = (int64_t)(c->i % 10);
    FR_DONE(c);
    FR_TRANSFER(c->cont);
}

typedef struct Chain {
    Fr fr;
    uint64_t i;
    Child *kid;
    int64_t sum;
} Chain;

static void chain_resume(void *p) {
    Chain *f = p;
    if (f->fr.pc == 1) goto resumed;
    for (f->i = 0; f->i < AWAITS; f->i++) {
        f->kid = fr_new(sizeof(Child), child_resume);
        f->kid->i = f->i;
        f->kid->cont = f;
        f->fr.pc = 1;
        FR_TRANSFER(f->kid);
    resumed:
        if (!rt_coro_done(f->kid)) bench_fail("child resumed its parent before finishing", 0);
        f->sum += f->kid->fr.out;
        fr_destroy(f->kid);
    }
    f->fr.out = f->sum;
    FR_DONE(f);
}

int main(void) {
    Chain *f = fr_new(sizeof(Chain), chain_resume);
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
