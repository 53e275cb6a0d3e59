/* Child processes and signals for tasks (rt_child.c): children started with
 * posix_spawn whose exit a worker's poller reports through a pidfd, with
 * deadlines that kill them; signals read from a signalfd through the poller.
 * The library behind the async parts of `sifr.process` and `sifr.signal`.
 * docs/design/runtime.md, "Processes and signals". */
#ifndef SIFR_RT_CHILD_H
#define SIFR_RT_CHILD_H

#include <signal.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <sys/types.h>

#include "rt_poll.h"
#include "rt_sched.h"

typedef struct RtChild {
    pid_t pid;
    int pidfd;
    RtSpin spin;
    RtIoOp op;            /* the readiness wait on pidfd */
    RtTask *waiter;
    RtTimerEntry *deadline;
    bool armed, exited, reaped, killed, timed_out;
    int code;   /* exit status (when it exited) */
    int signal; /* the signal that ended it, or 0 */
} RtChild;

/* Start `argv[0]` (looked up in PATH when it has no slash) with argv and
 * envp (NULL: this process's environment); `fa` may be NULL. No shell.
 * 0 or -errno (the child did not start). */
int rt_child_spawn(RtChild *c, char *const argv[], char *const envp[], const posix_spawn_file_actions_t *fa);

/* Wait for the child to end. 0: it ended, was reaped, and code/signal are
 * set. RT_EAGAIN: `me` waits (suspend, then call again). RT_ECANCELED: `me`
 * was cancelled; the child was killed and reaped first (cleanup never
 * leaves a running or zombie child). deadline_ns (absolute; UINT64_MAX:
 * none): when it passes the child is killed with SIGKILL, `timed_out` is
 * set, and the wait goes on until the child is gone. Must run on a worker. */
int rt_child_wait(RtTask *me, RtChild *c, uint64_t deadline_ns);

/* Send `sig` to the child (through its pidfd: never to a recycled pid). */
int rt_child_kill(RtChild *c, int sig);

/* ---- Signals ---------------------------------------------------------- *
 *
 * Worker threads other than the first block every asynchronous signal for
 * their whole life, so a signal nobody waits for gets its default action
 * through the first worker (the program's main thread). Opening a waiter
 * blocks its signals there too, and a signalfd reports them. */

typedef struct RtSignalWait RtSignalWait;

/* A waiter for the n signals of `sigs`: NULL and *err = -errno on failure. */
RtSignalWait *rt_signal_open(const int *sigs, int n, int *err);
/* A signal number (> 0), RT_EAGAIN (suspend, then call again) or
 * RT_ECANCELED. Must run on a worker. */
int rt_signal_wait(RtTask *me, RtSignalWait *s);
/* Close the waiter. A signal its pending read takes afterwards is raised
 * again (it stays pending for the next waiter), never lost. */
void rt_signal_close(RtSignalWait *s);

#endif
