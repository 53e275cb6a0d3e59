/* spawn_join_100k, spawn_join_1m: the root spawns N tasks into its scope,
 * task i returns i % 10; the root joins every handle in order and sums the
 * results (tokio: tokio::spawn + awaiting each JoinHandle). */
#include "bench_rt.h"

typedef struct Leaf {
    Fr fr;
    uint64_t i;
} Leaf;

static void leaf_resume(void *p) {
    Leaf *l = p;
    l->fr.out = l->i % 10;
    FR_DONE(l);
}

typedef struct SpawnJoin {
    Fr fr;
    RtScope scope;
    RtTask **kids;
    uint64_t n, i, sum;
} SpawnJoin;

static void spawn_join_resume(void *p) {
    SpawnJoin *f = p;
    RtTask *me = rt_task_current();
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&f->scope, me, 0);
        f->kids = malloc(sizeof(RtTask *) * f->n);
        for (uint64_t i = 0; i < f->n; i++) {
            Leaf *l = fr_new(sizeof(Leaf), leaf_resume);
            l->i = i;
            f->kids[i] = rt_spawn(&f->scope, l, NULL);
        }
        f->i = 0;
        /* fallthrough */
    case 1:
        while (f->i < f->n) {
            if (!rt_join_begin(me, f->kids[f->i])) FR_SUSPEND(f, 1);
            f->sum += FR_OUT(f->kids[f->i]);
            rt_task_release(f->kids[f->i]);
            f->i++;
        }
        /* fallthrough */
    case 2: /* every child is joined: the scope is done at once */
        if (!rt_scope_join_begin(&f->scope, me)) FR_SUSPEND(f, 2);
        rt_scope_fini(&f->scope);
        free(f->kids);
        f->fr.out = f->sum;
        FR_DONE(f);
    }
}

static int spawn_join_main(uint64_t n) {
    SpawnJoin *f = fr_new(sizeof(SpawnJoin), spawn_join_resume);
    f->n = n;
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
