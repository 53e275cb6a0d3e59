/* Process plumbing of the `sifr` command: the private temporary directory,
 * the supervising parent that guarantees its removal (the compiler itself may
 * leave through ICE() -> _exit(3) or a crash handler), and running the built
 * program for `sifr run` with shell-like exit statuses. */
#define _GNU_SOURCE
#include "driver.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* ==== The temporary directory ============================================ */

char *drv_tmpdir_create(void) {
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    StrBuf sb = {0};
    sb_printf(&sb, "%s/sifr-XXXXXX", base);
    char *dir = sb_take(&sb);
    if (!mkdtemp(dir)) {
        fprintf(stderr, DRV_NAME ": error: cannot create a temporary directory in %s: %s\n", base,
                strerror(errno));
        free(dir);
        return NULL;
    }
    return dir;
}

static int drv_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0; /* keep going: remove as much as possible */
}

void drv_tmpdir_remove(const char *dir) {
    /* Depth-first so directories are empty when their turn comes; never
     * follow symbolic links out of the directory. */
    nftw(dir, drv_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ==== Children ============================================================ */

/* The child currently running (compiler or program), for signal forwarding. */
static volatile pid_t drv_child_pid = 0;

static void drv_forward_signal(int sig) {
    pid_t pid = drv_child_pid;
    if (pid > 0) kill(pid, sig);
}

/* Signals that end the whole command. Terminal-generated ones (INT, QUIT)
 * already reach the child through the process group, so the parent ignores
 * them; TERM and HUP are usually sent to the parent alone, so it passes them
 * on. Either way the parent outlives the child and cleans up after it. */
static const int drv_stop_signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP};
#define DRV_NSTOP (sizeof drv_stop_signals / sizeof drv_stop_signals[0])

static void drv_block_stop_signals(sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < DRV_NSTOP; i++) sigaddset(&set, drv_stop_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void drv_parent_handle_signals(struct sigaction saved[DRV_NSTOP]) {
    for (size_t i = 0; i < DRV_NSTOP; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        int sig = drv_stop_signals[i];
        sa.sa_handler = (sig == SIGINT || sig == SIGQUIT) ? SIG_IGN : drv_forward_signal;
        sa.sa_flags = SA_RESTART;
        sigaction(sig, &sa, &saved[i]);
    }
}

static void drv_restore_signals(const struct sigaction saved[DRV_NSTOP]) {
    for (size_t i = 0; i < DRV_NSTOP; i++) sigaction(drv_stop_signals[i], &saved[i], NULL);
}

/* Turn a wait status into an exit status the way a shell does. */
static int drv_exit_status(int wstatus) {
    if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
    return 3;
}

/* Fork; the child runs `body(arg)` and exits with its result, the parent
 * waits for it with the stop signals handled as described above. Returns the
 * child's exit status (128+N for death by signal N), or -1 if fork failed. */
static int drv_run_child(int (*body)(void *), void *arg) {
    sigset_t old;
    drv_block_stop_signals(&old);
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        fprintf(stderr, DRV_NAME ": error: fork failed: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        exit(body(arg));
    }
    struct sigaction saved[DRV_NSTOP];
    drv_child_pid = pid;
    drv_parent_handle_signals(saved);
    sigprocmask(SIG_SETMASK, &old, NULL);

    int wstatus = 0;
    pid_t r;
    while ((r = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR) {}
    drv_child_pid = 0;
    drv_restore_signals(saved);
    if (r < 0) {
        fprintf(stderr, DRV_NAME ": error: waiting for a child failed: %s\n", strerror(errno));
        return 3;
    }
    return drv_exit_status(wstatus);
}

/* ==== build and run ======================================================= */

typedef struct DrvJob {
    const DrvOptions *opts;
    const char *output;
    const char *tmp_dir;
    const char *program; /* run: path of the built executable */
    char *stem;          /* run: argv[0] of the program */
} DrvJob;

static int drv_job_compile(void *arg) {
    DrvJob *job = arg;
    return drv_compile(job->opts, job->output, job->tmp_dir);
}

static int drv_job_exec(void *arg) {
    DrvJob *job = arg;
    int n = job->opts->program_argc;
    char **argv = xcalloc((size_t)n + 2, sizeof *argv);
    argv[0] = job->stem;
    for (int i = 0; i < n; i++) argv[i + 1] = job->opts->program_args[i];
    execv(job->program, argv);
    fprintf(stderr, DRV_NAME ": error: cannot run %s: %s\n", job->program, strerror(errno));
    return 127;
}

int drv_supervise(const DrvOptions *opts) {
    char *tmp_dir = drv_tmpdir_create();
    if (!tmp_dir) return 2;
    if (opts->verbose) fprintf(stderr, DRV_NAME ": temporary directory %s\n", tmp_dir);

    DrvJob job = {.opts = opts, .tmp_dir = tmp_dir};
    char *output = NULL;
    if (opts->command == DRV_CMD_RUN) {
        job.stem = drv_source_stem(opts->input);
        StrBuf sb = {0};
        sb_printf(&sb, "%s/%s", tmp_dir, job.stem);
        output = sb_take(&sb);
        job.program = output;
    } else {
        output = opts->output ? xstrdup(opts->output) : drv_default_output(opts);
    }
    job.output = output;

    int status = drv_run_child(drv_job_compile, &job);
    if (status == 0 && opts->command == DRV_CMD_RUN) {
        if (opts->verbose) fprintf(stderr, DRV_NAME ": running %s\n", job.program);
        status = drv_run_child(drv_job_exec, &job);
    }
    if (status < 0) status = 2;

    drv_tmpdir_remove(tmp_dir);
    free(tmp_dir);
    free(output);
    free(job.stem);
    return status;
}
