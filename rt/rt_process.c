/* Subprocesses for the standard library module sifr.process: the functions
 * that lib/sifr/process.sifr binds with `@extern("rt_process_...")`. A child
 * starts with posix_spawn (no shell), its output is read through pipes and
 * it is waited for before rt_process_spawn returns; the Sifr side then reads
 * the finished run through a handle and frees it (docs/design/stdlib.md). */
#define _GNU_SOURCE /* pipe2, GNU strerror_r */
#include "rt_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A finished child. `out`/`err` are the captured streams (NULL when they
 * were not captured or were already taken). */
typedef struct RtProcess {
    int64_t code;   /* exit status, or -1 when a signal ended the child */
    int64_t signal; /* the signal that ended it, or 0 */
    RtStr *out;
    RtStr *err;
} RtProcess;

/* The prototypes live in the Sifr declarations; these keep C honest. */
int64_t rt_process_spawn(const RtList *argv, int64_t capture);
int64_t rt_process_code(int64_t handle);
int64_t rt_process_signal(int64_t handle);
int64_t rt_process_text_ok(int64_t handle);
RtStr *rt_process_take_stdout(int64_t handle);
RtStr *rt_process_take_stderr(int64_t handle);
RtStr *rt_process_take_stdout_text(int64_t handle);
RtStr *rt_process_take_stderr_text(int64_t handle);
void rt_process_free(int64_t handle);
RtStr *rt_process_strerror(int64_t err);

static RtProcess *rt_process_of(int64_t handle) {
    if (handle <= 0) rt_panic("sifr.process: invalid process handle", NULL);
    return (RtProcess *)(intptr_t)handle;
}

/* ---- reading a child's output ------------------------------------------ */

/* A byte string being filled straight from a pipe: the RtStr is the buffer,
 * so a large output (the wordcount benchmark reads 50 MB) is never copied. */
typedef struct RtGrowStr {
    RtStr *s;
    int fd; /* -1 once the pipe reached end of file */
} RtGrowStr;

static void rt_grow_init(RtGrowStr *g, int fd) {
    g->s = rt_alloc(sizeof(RtStr) + 4096);
    g->s->len = 0;
    g->s->cap = 4095;
    g->fd = fd;
}

/* Read what the pipe has now; closes it at end of file or on an error. */
static void rt_grow_read(RtGrowStr *g) {
    RtStr *s = g->s;
    if (s->cap - s->len < 4096) {
        int64_t cap = s->cap * 2 + 1;
        s = g->s = rt_realloc(s, sizeof(RtStr) + (size_t)cap + 1);
        s->cap = cap;
    }
    ssize_t n = read(g->fd, s->data + s->len, (size_t)(s->cap - s->len));
    if (n > 0) {
        s->len += n;
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    close(g->fd);
    g->fd = -1;
}

static RtStr *rt_grow_finish(RtGrowStr *g) {
    g->s->data[g->s->len] = '\0';
    return g->s;
}

/* Read both pipes until both are closed: a poll() loop, so a child that
 * fills its stderr pipe while we wait on stdout cannot deadlock. */
static void rt_process_drain(RtGrowStr *out, RtGrowStr *err) {
    while (out->fd >= 0 || err->fd >= 0) {
        struct pollfd p[2] = {{.fd = out->fd, .events = POLLIN}, {.fd = err->fd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            rt_panic("sifr.process: poll failed", NULL);
        }
        if (out->fd >= 0 && p[0].revents) rt_grow_read(out);
        if (err->fd >= 0 && p[1].revents) rt_grow_read(err);
    }
}

/* ---- starting and waiting ---------------------------------------------- */

/* Find the file execvp would run for `prog` (PATH search unless it holds
 * a '/'): 0 and the path in *out (rt_alloc'd), or an errno. glibc's
 * posix_spawnp reports a failed exec itself, but only when the child
 * shares the parent's memory (vfork); under valgrind it is a fork and a
 * missing program would look like a child exiting 127. Resolving first
 * makes "cannot start" the same everywhere. */
static int rt_process_resolve(const char *prog, char **out) {
    if (strchr(prog, '/')) {
        if (access(prog, X_OK) != 0) return errno;
        *out = rt_alloc(strlen(prog) + 1);
        strcpy(*out, prog);
        return 0;
    }
    if (!*prog) return ENOENT;
    const char *path = getenv("PATH");
    if (!path) path = "/bin:/usr/bin";
    size_t plen = strlen(prog);
    int err = ENOENT;
    for (const char *dir = path;; dir++) {
        const char *end = strchr(dir, ':');
        size_t dlen = end ? (size_t)(end - dir) : strlen(dir);
        char *cand = rt_alloc(dlen + plen + 3);
        size_t at = 0;
        if (dlen == 0) cand[at++] = '.'; /* an empty entry is the current directory */
        memcpy(cand + at, dir, dlen);
        at += dlen;
        cand[at++] = '/';
        memcpy(cand + at, prog, plen + 1);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(cand, X_OK) == 0) {
                *out = cand;
                return 0;
            }
            err = EACCES; /* found but not executable: keep looking, like execvp */
        }
        rt_free(cand);
        if (!end) break;
        dir = end;
    }
    return err;
}

/* Start argv[0] (looked up in PATH like execvp, no shell) with argv, wait for it, and
 * return a handle to the finished run, or -errno when the program could not
 * be started (ENOENT, EACCES, ...; EINVAL for an empty argv or an argument
 * holding a NUL byte). With `capture` the child's stdout and stderr are
 * collected; otherwise its stdout goes to /dev/null and it shares our
 * stderr. stdin is always inherited. */
int64_t rt_process_spawn(const RtList *argv, int64_t capture) {
    if (argv->len == 0) return -EINVAL;
    char **args = rt_alloc(sizeof *args * (size_t)(argv->len + 1));
    for (int64_t i = 0; i < argv->len; i++) {
        RtStr *a = *(RtStr **)(argv->data + (size_t)i * sizeof(RtStr *));
        if (memchr(a->data, '\0', (size_t)a->len)) {
            rt_free(args);
            return -EINVAL;
        }
        args[i] = a->data; /* RtStr data is NUL-terminated */
    }
    args[argv->len] = NULL;

    char *file = NULL;
    int found = rt_process_resolve(args[0], &file);
    if (found != 0) {
        rt_free(args);
        return -found;
    }
    int pout[2] = {-1, -1}, perr[2] = {-1, -1};
    if (capture && (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0)) {
        int e = errno;
        if (pout[0] >= 0) close(pout[0]), close(pout[1]);
        rt_free(file);
        rt_free(args);
        return -e;
    }
    /* A larger pipe for the output (best effort: the system's limit may be
     * lower): a big output then arrives in a few large reads rather than
     * one per 64 KiB, each a round trip through poll() and the child. */
    if (capture) (void)fcntl(pout[0], F_SETPIPE_SZ, 1 << 20);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (capture) {
        /* dup2 clears FD_CLOEXEC on the target; the pipe ends themselves
         * are close-on-exec, so the child keeps only its 1 and 2 */
        posix_spawn_file_actions_adddup2(&fa, pout[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, perr[1], STDERR_FILENO);
    } else {
        /* run() is asked for the exit status only: the seed's
         * `run(["echo", "hello"])` prints just the status code */
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    }
    /* The runtime ignores SIGPIPE for itself (rt_init); a child gets the
     * default back, and no blocked signals, as from a shell. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, pipe_sig;
    sigemptyset(&none);
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_sig);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    /* What we printed must come before what the child prints. */
    rt_flush();
    pid_t pid;
    int rc = posix_spawn(&pid, file, &fa, &attr, args, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    rt_free(file);
    rt_free(args);
    if (capture) {
        close(pout[1]);
        close(perr[1]);
    }
    if (rc != 0) {
        if (capture) close(pout[0]), close(perr[0]);
        return -rc;
    }

    RtProcess *p = rt_alloc(sizeof *p);
    p->out = p->err = NULL;
    if (capture) {
        RtGrowStr out, err;
        rt_grow_init(&out, pout[0]);
        rt_grow_init(&err, perr[0]);
        rt_process_drain(&out, &err);
        p->out = rt_grow_finish(&out);
        p->err = rt_grow_finish(&err);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) rt_panic("sifr.process: waitpid failed", NULL);
    }
    if (WIFSIGNALED(status)) {
        p->code = -1;
        p->signal = WTERMSIG(status);
    } else {
        p->code = WEXITSTATUS(status);
        p->signal = 0;
    }
    return (int64_t)(intptr_t)p;
}

int64_t rt_process_code(int64_t handle) { return rt_process_of(handle)->code; }

int64_t rt_process_signal(int64_t handle) { return rt_process_of(handle)->signal; }

static RtStr *rt_process_take(RtStr **slot) {
    RtStr *s = *slot;
    *slot = NULL;
    return s ? s : rt_str_new("", 0);
}

RtStr *rt_process_take_stdout(int64_t handle) { return rt_process_take(&rt_process_of(handle)->out); }

RtStr *rt_process_take_stderr(int64_t handle) { return rt_process_take(&rt_process_of(handle)->err); }

/* 1 when both captured streams are valid UTF-8 (output_text decodes them
 * like Python's text mode: strictly). */
int64_t rt_process_text_ok(int64_t handle) {
    RtProcess *p = rt_process_of(handle);
    RtStr *slots[2] = {p->out, p->err};
    for (int i = 0; i < 2; i++)
        if (slots[i] && !rt_bytes_valid_utf8(slots[i])) return 0;
    return 1;
}

/* The same buffers as text: str and bytes share RtStr, and
 * rt_process_text_ok has checked the encoding. */
RtStr *rt_process_take_stdout_text(int64_t handle) { return rt_process_take_stdout(handle); }

RtStr *rt_process_take_stderr_text(int64_t handle) { return rt_process_take_stderr(handle); }

void rt_process_free(int64_t handle) {
    RtProcess *p = rt_process_of(handle);
    rt_str_drop(p->out);
    rt_str_drop(p->err);
    rt_free(p);
}

/* The C library's text for an errno value ("No such file or directory"). */
RtStr *rt_process_strerror(int64_t err) {
    char buf[128];
    const char *text = strerror_r((int)err, buf, sizeof buf);
    return rt_str_new(text, (int64_t)strlen(text));
}
