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
    FrJoinAll join;
} SpawnJoin;

static void spawn_join_resume(void *p) {
    SpawnJoin *f = p;
    RtTask *me = rt_task_current();
    FrJoinAll *j = &f->join;
    switch (f->fr.pc) {
    case 0:
        rt_scope_init(&j->scope, me, 0);
        j->kids = malloc(sizeof(RtTask *) * j->n);
        for (uint64_t i = 0; i < j->n; i++) {
            Leaf *l = fr_new(sizeof(Leaf), leaf_resume);
            l->i = i;
            j->kids[i] = rt_spawn(&j->scope, l, NULL);
        }
        /* fallthrough */
    case 1:
        if (!fr_join_all(j, me)) FR_SUSPEND(f, 1);
        f->fr.out = j->sum;
        FR_DONE(f);
    }
}

static int spawn_join_main(uint64_t n) {
    SpawnJoin *f = fr_new(sizeof(SpawnJoin), spawn_join_resume);
    f->join.n = n;
    printf("%" PRIu64 "\n", bench_run(0, f));
    return 0;
}
