/* subprocess: run /bin/true 1000 times from a task, one after the other,
 * each started with rt_child_spawn and its exit observed through the
 * worker's poller (pidfd); print how many exited with status 0. */
#include <stdio.h>

#include "rt_child.h"

typedef struct Spawner {
    RtCoroFrame h;
    int pc, i, ok;
    RtChild child;
} Spawner;

static void spawner_resume(void *p) {
    Spawner *f = p;
    RtTask *me = rt_task_current();
    char *argv[] = {"/bin/true", NULL};
    for (; f->i < 1000; f->i++) {
        if (f->pc == 0) {
            if (rt_child_spawn(&f->child, argv, NULL, NULL) != 0) continue;
            f->pc = 1;
        }
        if (rt_child_wait(me, &f->child, UINT64_MAX) == RT_EAGAIN) return;
        f->ok += f->child.code == 0;
        f->pc = 0;
    }
    f->h.resume = NULL;
}

static void spawner_destroy(void *p) { (void)p; }

int main(void) {
    Spawner f = {.h = {spawner_resume, spawner_destroy}};
    rt_run(0, &f, NULL);
    printf("%d\n", f.ok);
    return 0;
}
