/* sifr-corpus: the corpus test runner. Finds the .sifr cases under test/corpus, reads
 * their directives (# expect-stdout/-stderr/-error, # send-signal, # env),
 * compiles and runs each case in its own process and temporary directory,
 * several at a time, and prints PASS/FAIL per case and "N passed, M failed".
 * With --valgrind, every program runs under valgrind's memcheck as well. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Captured output beyond this is read and dropped, so a runaway program can
 * neither exhaust memory nor block on a full pipe. */
#define CR_CAPTURE_LIMIT (8u << 20)
/* How many lines of output a failure report quotes. */
#define CR_QUOTE_LINES 25
/* ... and how many bytes of each line. */
#define CR_QUOTE_WIDTH 200
/* After the program exits, how long to wait for pipes that a leftover
 * grandchild still holds open. */
#define CR_DRAIN_GRACE_MS 500

/* ==== Small utilities ===================================================== */

static _Noreturn void cr_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sifr-corpus: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *cr_alloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p) cr_die("out of memory");
    return p;
}

static void *cr_grow(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) cr_die("out of memory");
    return q;
}

static char *cr_strndup(const char *s, size_t n) {
    char *d = cr_alloc(n + 1);
    memcpy(d, s, n);
    return d;
}

static char *cr_strdup(const char *s) { return cr_strndup(s, strlen(s)); }

/* A growable byte buffer, always NUL-terminated when non-empty. */
typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->data = cr_grow(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(Buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) cr_die("out of memory");
    buf_add(b, s, (size_t)n);
    free(s);
}

static const char *buf_str(const Buf *b) { return b->data ? b->data : ""; }

static void buf_free(Buf *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* A growable array of pointers. */
typedef struct PtrVec {
    void **items;
    size_t len, cap;
} PtrVec;

static void vec_add(PtrVec *v, void *p) {
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = cr_grow(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->len++] = p;
}

static int64_t cr_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool cr_starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ==== Signal names ======================================================== */

static const struct {
    const char *name;
    int sig;
} cr_signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"ABRT", SIGABRT},
    {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},
    {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"WINCH", SIGWINCH},
};

/* "SIGINT", "INT" or a number; 0 if unknown. */
static int cr_signal_by_name(const char *name) {
    if (cr_starts_with(name, "SIG")) name += 3;
    for (size_t i = 0; i < sizeof cr_signals / sizeof cr_signals[0]; i++)
        if (strcmp(name, cr_signals[i].name) == 0) return cr_signals[i].sig;
    char *end;
    long n = strtol(name, &end, 10);
    return (*name && !*end && n > 0 && n < 65) ? (int)n : 0;
}

static const char *cr_signal_name(int sig) {
    static char other[32];
    for (size_t i = 0; i < sizeof cr_signals / sizeof cr_signals[0]; i++)
        if (cr_signals[i].sig == sig) {
            snprintf(other, sizeof other, "SIG%s", cr_signals[i].name);
            return other;
        }
    snprintf(other, sizeof other, "signal %d", sig);
    return other;
}

/* ==== Cases and their directives ========================================== */

typedef struct ErrorExpect {
    char *code;
    int line, col; /* 0 = not constrained */
} ErrorExpect;

typedef struct SignalRule {
    int sig;
    char *after_line; /* send once stdout has printed this complete line */
    bool sent;
} SignalRule;

typedef struct Case {
    char *path;        /* as passed to the compiler */
    char *rel;         /* as printed in PASS/FAIL lines */
    PtrVec out_lines;  /* char *: expected stdout, one entry per line */
    PtrVec err_texts;  /* char *: each must occur in stderr */
    PtrVec errors;     /* ErrorExpect * */
    PtrVec signals;    /* SignalRule * */
    PtrVec env;        /* char *: NAME=VALUE */
    char *problem;     /* a malformed directive: the case fails with this */
} Case;

static void case_problem(Case *c, int lineno, const char *what) {
    if (c->problem) return; /* the first one is enough */
    Buf b = {0};
    buf_printf(&b, "bad directive at line %d: %s", lineno, what);
    c->problem = b.data;
}

/* Text after "directive:" with exactly one separating space removed, so
 * "# expect-stdout:" and "# expect-stdout: " both mean an empty line while
 * further leading spaces stay significant. */
static const char *case_value(const char *after_colon) {
    return *after_colon == ' ' ? after_colon + 1 : after_colon;
}

/* expect-error, expect-error[col=N], expect-error[line=L,col=N]. `s` points
 * just past "expect-error". */
static void case_parse_error(Case *c, int lineno, const char *s) {
    ErrorExpect e = {0};
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (!close) {
            case_problem(c, lineno, "expect-error[...] without `]`");
            return;
        }
        char *inner = cr_strndup(s + 1, (size_t)(close - s - 1));
        bool ok = true;
        for (char *save = NULL, *kv = strtok_r(inner, ",", &save); kv && ok; kv = strtok_r(NULL, ",", &save)) {
            while (*kv == ' ') kv++;
            int *slot = cr_starts_with(kv, "col=") ? &e.col : cr_starts_with(kv, "line=") ? &e.line : NULL;
            char *end = NULL;
            long v = slot ? strtol(strchr(kv, '=') + 1, &end, 10) : 0;
            ok = slot && v > 0 && v < INT_MAX && (*end == '\0' || *end == ' ');
            if (ok) *slot = (int)v;
        }
        free(inner);
        if (!ok) {
            case_problem(c, lineno, "expect-error[...] takes col=N and line=N");
            return;
        }
        s = close + 1;
    }
    if (*s != ':') {
        case_problem(c, lineno, "expected `:` after expect-error");
        return;
    }
    s++;
    while (*s == ' ') s++;
    size_t n = strcspn(s, " \t");
    if (n == 0) {
        case_problem(c, lineno, "expect-error needs a diagnostic code");
        return;
    }
    ErrorExpect *heap = cr_alloc(sizeof *heap);
    *heap = e;
    heap->code = cr_strndup(s, n);
    vec_add(&c->errors, heap);
}

/* send-signal: SIGINT after-stdout: TEXT */
static void case_parse_signal(Case *c, int lineno, const char *s) {
    while (*s == ' ') s++;
    size_t n = strcspn(s, " ");
    char *name = cr_strndup(s, n);
    int sig = cr_signal_by_name(name);
    free(name);
    if (!sig) {
        case_problem(c, lineno, "send-signal: unknown signal name");
        return;
    }
    s += n;
    while (*s == ' ') s++;
    if (!cr_starts_with(s, "after-stdout:")) {
        case_problem(c, lineno, "send-signal: expected `after-stdout: TEXT`");
        return;
    }
    SignalRule *r = cr_alloc(sizeof *r);
    r->sig = sig;
    r->after_line = cr_strdup(case_value(s + strlen("after-stdout:")));
    vec_add(&c->signals, r);
}

/* Interpret one line of the file if it is a directive comment. Directives
 * are expected in the leading comment block, but a directive-shaped comment
 * anywhere counts, so a misplaced one is never silently ignored. */
static void case_parse_line(Case *c, int lineno, char *line) {
    if (line[0] != '#') return;
    const char *s = line + 1;
    if (*s == ' ') s++;
    if (cr_starts_with(s, "expect-stdout:")) {
        vec_add(&c->out_lines, cr_strdup(case_value(s + strlen("expect-stdout:"))));
    } else if (cr_starts_with(s, "expect-stderr:")) {
        const char *v = case_value(s + strlen("expect-stderr:"));
        if (*v) vec_add(&c->err_texts, cr_strdup(v));
        else case_problem(c, lineno, "expect-stderr needs a text");
    } else if (cr_starts_with(s, "expect-error")) {
        case_parse_error(c, lineno, s + strlen("expect-error"));
    } else if (cr_starts_with(s, "send-signal:")) {
        case_parse_signal(c, lineno, s + strlen("send-signal:"));
    } else if (cr_starts_with(s, "env:")) {
        const char *v = s + strlen("env:");
        while (*v == ' ') v++;
        const char *eq = strchr(v, '=');
        if (eq && eq != v) vec_add(&c->env, cr_strdup(v));
        else case_problem(c, lineno, "env: expected NAME=VALUE");
    } else if (cr_starts_with(s, "expect-")) {
        case_problem(c, lineno, "unknown expect- directive");
    }
}

static Case *case_load(const char *path, const char *rel) {
    Case *c = cr_alloc(sizeof *c);
    c->path = cr_strdup(path);
    c->rel = cr_strdup(rel);
    FILE *f = fopen(path, "r");
    if (!f) {
        Buf b = {0};
        buf_printf(&b, "cannot read the case: %s", strerror(errno));
        c->problem = b.data;
        return c;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        case_parse_line(c, lineno, line);
    }
    free(line);
    fclose(f);
    if (c->errors.len && (c->out_lines.len || c->err_texts.len || c->signals.len || c->env.len))
        case_problem(c, 1, "expect-error cannot be combined with run directives");
    return c;
}

static bool case_is_reject(const Case *c) { return c->errors.len > 0; }

/* ==== Finding cases ======================================================= */

static bool cr_has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Collect every *.sifr below `dir` (hidden entries, and known-bugs/ at the
 * root, skipped). `rel` is the path relative to the corpus root ("" at the
 * root). A directory holding a `main.sifr` is one program of several
 * modules: main.sifr is its case, and the other files in it are the modules
 * it imports, not cases. */
static void cr_collect(const char *dir, const char *rel, PtrVec *paths, PtrVec *rels) {
    Buf main_path = {0};
    buf_printf(&main_path, "%s/main.sifr", dir);
    struct stat mst;
    if (stat(main_path.data, &mst) == 0 && S_ISREG(mst.st_mode)) {
        Buf r = {0};
        buf_printf(&r, "%s%smain.sifr", rel, *rel ? "/" : "");
        vec_add(paths, main_path.data);
        vec_add(rels, r.data);
        return;
    }
    buf_free(&main_path);
    DIR *d = opendir(dir);
    if (!d) cr_die("cannot read directory %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        Buf full = {0}, r = {0};
        buf_printf(&full, "%s/%s", dir, e->d_name);
        buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        struct stat st;
        if (stat(full.data, &st) != 0) {
            buf_free(&full), buf_free(&r);
            continue;
        }
        if (S_ISDIR(st.st_mode) && !*rel && strcmp(e->d_name, "known-bugs") == 0) {
            /* the corpus root's known-bugs/ holds cases that fail today on
             * purpose; they run only when named directly */
            buf_free(&full), buf_free(&r);
        } else if (S_ISDIR(st.st_mode)) {
            cr_collect(full.data, r.data, paths, rels);
            buf_free(&full), buf_free(&r);
        } else if (S_ISREG(st.st_mode) && cr_has_suffix(e->d_name, ".sifr")) {
            vec_add(paths, full.data);
            vec_add(rels, r.data);
        } else {
            buf_free(&full), buf_free(&r);
        }
    }
    closedir(d);
}

static int cr_case_cmp(const void *a, const void *b) {
    const Case *x = *(Case *const *)a, *y = *(Case *const *)b;
    return strcmp(x->rel, y->rel);
}

/* ==== Running a process with captured output ============================== */

typedef struct ProcResult {
    Buf out, err;
    bool out_truncated, err_truncated;
    int wstatus;
    bool timed_out;
    char *spawn_error; /* exec failed: why */
} ProcResult;

static void proc_result_free(ProcResult *r) {
    buf_free(&r->out);
    buf_free(&r->err);
    free(r->spawn_error);
    memset(r, 0, sizeof *r);
}

/* After new stdout data, look at each newly completed line and fire the
 * signal rules waiting for it. *scanned is the offset of the first byte not
 * yet looked at; it always sits at a line start. */
static void proc_check_signals(pid_t pid, const Buf *out, size_t *scanned, PtrVec *rules) {
    while (*scanned < out->len) {
        const char *start = out->data + *scanned;
        const char *nl = memchr(start, '\n', out->len - *scanned);
        if (!nl) return;
        size_t n = (size_t)(nl - start);
        for (size_t i = 0; i < rules->len; i++) {
            SignalRule *r = rules->items[i];
            if (!r->sent && strlen(r->after_line) == n && memcmp(r->after_line, start, n) == 0) {
                kill(pid, r->sig);
                r->sent = true;
            }
        }
        *scanned += n + 1;
    }
}

/* Read what is available on fd into b (up to the capture limit). Returns
 * false at end of file. */
static bool proc_read(int fd, Buf *b, bool *truncated) {
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) return false;
    size_t keep = (size_t)n;
    if (b->len + keep > CR_CAPTURE_LIMIT) {
        keep = b->len < CR_CAPTURE_LIMIT ? CR_CAPTURE_LIMIT - b->len : 0;
        *truncated = true;
    }
    if (keep) buf_add(b, chunk, keep);
    return true;
}

/* Run argv (with envp, in cwd, stdin from /dev/null) in a process group of
 * its own, capturing stdout and stderr, killing the whole group after
 * timeout_ms. `rules` (may be NULL) are the send-signal directives. */
static void proc_run(char *const argv[], char *const envp[], const char *cwd, int timeout_ms,
                     PtrVec *rules, ProcResult *r) {
    memset(r, 0, sizeof *r);
    int out_pipe[2], err_pipe[2], exec_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(exec_pipe, O_CLOEXEC))
        cr_die("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) cr_die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        if (cwd && chdir(cwd) != 0) {
            int e = errno;
            ssize_t w = write(exec_pipe[1], &e, sizeof e);
            (void)w;
            _exit(127);
        }
        execve(argv[0], argv, envp);
        int e = errno;
        ssize_t w = write(exec_pipe[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    setpgid(pid, pid); /* also here, so the group exists before any kill */
    close(out_pipe[1]);
    close(err_pipe[1]);
    close(exec_pipe[1]);

    /* The exec pipe closes on a successful exec (O_CLOEXEC) or carries errno. */
    int exec_errno = 0;
    ssize_t got;
    while ((got = read(exec_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {}
    close(exec_pipe[0]);
    if (got == (ssize_t)sizeof exec_errno) {
        Buf b = {0};
        buf_printf(&b, "cannot run %s: %s", argv[0], strerror(exec_errno));
        r->spawn_error = b.data;
    }

    struct pollfd fds[2] = {{.fd = out_pipe[0], .events = POLLIN}, {.fd = err_pipe[0], .events = POLLIN}};
    int64_t deadline = cr_now_ms() + timeout_ms;
    int64_t exited_at = -1;
    bool reaped = false;
    size_t scanned = 0;
    for (;;) {
        if (!reaped) {
            pid_t w = waitpid(pid, &r->wstatus, WNOHANG);
            if (w == pid) {
                reaped = true;
                exited_at = cr_now_ms();
            }
        }
        if (fds[0].fd < 0 && fds[1].fd < 0 && reaped) break;
        int64_t now = cr_now_ms();
        if (reaped && now - exited_at > CR_DRAIN_GRACE_MS) break; /* a grandchild holds the pipes */
        if (!reaped && now >= deadline) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &r->wstatus, 0) < 0 && errno == EINTR) {}
            reaped = true;
            r->timed_out = true;
            break;
        }
        /* Wake at least every 50 ms to notice the exit of a child whose
         * pipes are inherited by something still running. */
        int64_t wait_ms = deadline - now;
        if (wait_ms > 50) wait_ms = 50;
        int pr = poll(fds, 2, (int)wait_ms);
        if (pr < 0 && errno != EINTR) cr_die("poll: %s", strerror(errno));
        if (pr <= 0) continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            bool more = i == 0 ? proc_read(fds[i].fd, &r->out, &r->out_truncated)
                               : proc_read(fds[i].fd, &r->err, &r->err_truncated);
            if (i == 0 && rules && rules->len) proc_check_signals(pid, &r->out, &scanned, rules);
            if (!more) {
                close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0) close(fds[i].fd);
    /* Nothing the case started may outlive it. */
    kill(-pid, SIGKILL);
}

/* ==== Reporting helpers =================================================== */

typedef struct Lines {
    const char **items;
    size_t *lens;
    size_t len;
    bool final_newline; /* the text ended with "\n" (or was empty) */
} Lines;

static Lines lines_split(const char *text, size_t n) {
    Lines l = {0};
    l.final_newline = n == 0 || text[n - 1] == '\n';
    size_t cap = 0;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
        if (l.len == cap) {
            cap = cap ? cap * 2 : 16;
            l.items = cr_grow(l.items, cap * sizeof *l.items);
            l.lens = cr_grow(l.lens, cap * sizeof *l.lens);
        }
        l.items[l.len] = text + i;
        l.lens[l.len] = len;
        l.len++;
        i += len + 1;
    }
    return l;
}

static void lines_free(Lines *l) {
    free(l->items);
    free(l->lens);
}

/* One quoted line of output, control characters made visible. */
static void report_line(Buf *rep, const char *prefix, const char *s, size_t n) {
    buf_printf(rep, "    %s", prefix);
    size_t shown = n > CR_QUOTE_WIDTH ? CR_QUOTE_WIDTH : n;
    for (size_t i = 0; i < shown; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f) buf_printf(rep, "\\x%02x", ch);
        else buf_add(rep, (const char *)&s[i], 1);
    }
    if (shown < n) buf_printf(rep, " ... (%zu more bytes)", n - shown);
    buf_add(rep, "\n", 1);
}

/* Quote the first lines of a text (compiler diagnostics, a program's stderr). */
static void report_quote(Buf *rep, const char *title, const char *text, size_t n, bool truncated) {
    if (n == 0) return;
    Lines l = lines_split(text, n);
    buf_printf(rep, "  %s:\n", title);
    for (size_t i = 0; i < l.len && i < CR_QUOTE_LINES; i++) report_line(rep, "| ", l.items[i], l.lens[i]);
    if (l.len > CR_QUOTE_LINES) buf_printf(rep, "    | ... (%zu more lines)\n", l.len - CR_QUOTE_LINES);
    if (truncated) buf_printf(rep, "    | ... (output truncated at %u bytes)\n", CR_CAPTURE_LIMIT);
    lines_free(&l);
}

/* The expected and the actual stdout from a few lines before the first
 * difference: unchanged lines with "  ", expected with "- ", actual "+ ". */
static void report_stdout_diff(Buf *rep, const Case *c, const ProcResult *r) {
    Lines act = lines_split(buf_str(&r->out), r->out.len);
    size_t nexp = c->out_lines.len;
    size_t first = 0;
    while (first < nexp && first < act.len && strlen(c->out_lines.items[first]) == act.lens[first] &&
           memcmp(c->out_lines.items[first], act.items[first], act.lens[first]) == 0)
        first++;
    if (first == nexp && first == act.len) {
        buf_printf(rep, "  stdout lacks the final newline after line %zu\n", act.len);
        lines_free(&act);
        return;
    }
    buf_printf(rep, "  stdout differs at line %zu (expected %zu lines, got %zu%s):\n", first + 1, nexp, act.len,
               r->out_truncated ? ", truncated" : "");
    size_t from = first > 3 ? first - 3 : 0;
    for (size_t i = from; i < first; i++) report_line(rep, "   ", act.items[i], act.lens[i]);
    for (size_t i = first; i < nexp && i < first + 10; i++) {
        const char *s = c->out_lines.items[i];
        report_line(rep, i == first ? "-> " : "-  ", s, strlen(s));
    }
    if (nexp > first + 10) buf_printf(rep, "    - ... (%zu more expected lines)\n", nexp - first - 10);
    for (size_t i = first; i < act.len && i < first + 10; i++)
        report_line(rep, i == first ? "+> " : "+  ", act.items[i], act.lens[i]);
    if (act.len > first + 10) buf_printf(rep, "    + ... (%zu more lines)\n", act.len - first - 10);
    lines_free(&act);
}

static bool stdout_matches(const Case *c, const ProcResult *r) {
    Buf want = {0};
    for (size_t i = 0; i < c->out_lines.len; i++) {
        const char *s = c->out_lines.items[i];
        buf_add(&want, s, strlen(s));
        buf_add(&want, "\n", 1);
    }
    bool ok = !r->out_truncated && want.len == r->out.len && (want.len == 0 || memcmp(want.data, r->out.data, want.len) == 0);
    buf_free(&want);
    return ok;
}

/* Describe how a process ended: "exit status 3", "killed by SIGSEGV". */
static void describe_status(Buf *b, int wstatus) {
    if (WIFEXITED(wstatus)) buf_printf(b, "exit status %d", WEXITSTATUS(wstatus));
    else if (WIFSIGNALED(wstatus)) buf_printf(b, "killed by %s", cr_signal_name(WTERMSIG(wstatus)));
    else buf_printf(b, "wait status %#x", wstatus);
}

/* ==== Running one case ==================================================== */

typedef struct Config {
    const char *sifr;
    int jobs;
    const char *filter;
    bool release, keep, list;
    int timeout_s;
    const char *valgrind; /* --valgrind: the valgrind executable, else NULL */
} Config;

/* Programs run this many times longer under valgrind. */
#define CR_VALGRIND_SLOWDOWN 10

typedef enum Outcome { OUT_PASS = 0, OUT_FAIL = 1, OUT_SKIP = 2 } Outcome;

/* A compact diagnostic "<path>:<line>:<col>: error[CODE]: message": does it
 * carry the expected code (and position, when constrained)? */
static bool diag_line_matches(const char *line, size_t n, const ErrorExpect *e) {
    char *s = cr_strndup(line, n);
    bool ok = false;
    char *tag = strstr(s, "error[");
    if (tag && (tag == s || (tag >= s + 2 && tag[-1] == ' ' && tag[-2] == ':'))) {
        char *code = tag + strlen("error[");
        char *close = strchr(code, ']');
        if (close && (size_t)(close - code) == strlen(e->code) && strncmp(code, e->code, strlen(e->code)) == 0) {
            /* The location precedes ": error[": take its last two numbers. */
            int line_no = 0, col = 0;
            if (tag >= s + 2) {
                tag[-2] = '\0';
                char *c2 = strrchr(s, ':');
                if (c2) {
                    col = atoi(c2 + 1);
                    *c2 = '\0';
                    char *c1 = strrchr(s, ':');
                    if (c1) line_no = atoi(c1 + 1);
                }
            }
            ok = (!e->col || e->col == col) && (!e->line || e->line == line_no);
        }
    }
    free(s);
    return ok;
}

static void describe_expect(Buf *b, const ErrorExpect *e) {
    buf_printf(b, "error[%s]", e->code);
    if (e->line && e->col) buf_printf(b, " at line %d col %d", e->line, e->col);
    else if (e->line) buf_printf(b, " at line %d", e->line);
    else if (e->col) buf_printf(b, " at col %d", e->col);
}

/* Did the compiler die in a way that is never an acceptable answer? */
static bool compiler_crashed(const ProcResult *r) {
    return WIFSIGNALED(r->wstatus) || (WIFEXITED(r->wstatus) && WEXITSTATUS(r->wstatus) == 3);
}

static Outcome case_run_reject(const Config *cfg, const Case *c, Buf *rep, Buf *why) {
    char *argv[] = {(char *)cfg->sifr, "check", "--diagnostic-format", "compact", c->path, NULL};
    ProcResult r;
    proc_run(argv, environ, NULL, cfg->timeout_s * 1000, NULL, &r);
    Outcome o = OUT_FAIL;
    Buf all = {0};
    buf_add(&all, buf_str(&r.err), r.err.len);
    buf_add(&all, buf_str(&r.out), r.out.len);
    if (r.spawn_error) {
        buf_printf(why, "%s", r.spawn_error);
    } else if (r.timed_out) {
        buf_printf(why, "compiler timed out after %d s", cfg->timeout_s);
    } else if (compiler_crashed(&r)) {
        buf_printf(why, "compiler crashed (");
        describe_status(why, r.wstatus);
        buf_printf(why, ")");
    } else if (WEXITSTATUS(r.wstatus) == 0) {
        buf_printf(why, "compiled without errors, expected ");
        describe_expect(why, c->errors.items[0]);
    } else if (WEXITSTATUS(r.wstatus) != 1) {
        buf_printf(why, "compiler ");
        describe_status(why, r.wstatus);
        buf_printf(why, ", expected exit status 1");
    } else {
        Lines l = lines_split(buf_str(&all), all.len);
        o = OUT_PASS;
        for (size_t i = 0; i < c->errors.len; i++) {
            const ErrorExpect *e = c->errors.items[i];
            bool found = false;
            for (size_t j = 0; j < l.len && !found; j++) found = diag_line_matches(l.items[j], l.lens[j], e);
            if (!found) {
                if (o == OUT_PASS) buf_printf(why, "missing ");
                else buf_printf(why, ", ");
                describe_expect(why, e);
                o = OUT_FAIL;
            }
        }
        lines_free(&l);
    }
    if (o == OUT_FAIL) report_quote(rep, "compiler output", buf_str(&all), all.len, false);
    buf_free(&all);
    proc_result_free(&r);
    return o;
}

/* The program's environment: ours, with each `# env:` entry added or
 * replacing the variable of the same name. */
static char **case_environment(const Case *c) {
    size_t n = 0;
    while (environ[n]) n++;
    char **envp = cr_alloc((n + c->env.len + 1) * sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool replaced = false;
        for (size_t j = 0; j < c->env.len && !replaced; j++) {
            const char *kv = c->env.items[j];
            size_t name_len = (size_t)(strchr(kv, '=') - kv) + 1; /* including '=' */
            replaced = strncmp(environ[i], kv, name_len) == 0;
        }
        if (!replaced) envp[k++] = environ[i];
    }
    for (size_t j = 0; j < c->env.len; j++) envp[k++] = c->env.items[j];
    envp[k] = NULL;
    return envp;
}

static Outcome case_run_program(const Config *cfg, Case *c, const char *tmp, Buf *rep, Buf *why) {
    /* Compile. */
    const char *base = strrchr(c->path, '/');
    base = base ? base + 1 : c->path;
    char *stem = cr_strndup(base, strlen(base) - strlen(".sifr"));
    Buf exe = {0};
    buf_printf(&exe, "%s/%s", tmp, *stem ? stem : "case");
    char *bargv[] = {(char *)cfg->sifr, "build", c->path, "-o", exe.data, cfg->release ? "--release" : NULL, NULL};
    ProcResult b;
    proc_run(bargv, environ, NULL, cfg->timeout_s * 1000, NULL, &b);
    Outcome o = OUT_FAIL;
    if (b.spawn_error || b.timed_out || !WIFEXITED(b.wstatus) || WEXITSTATUS(b.wstatus) != 0) {
        if (b.spawn_error) {
            buf_printf(why, "%s", b.spawn_error);
        } else if (b.timed_out) {
            buf_printf(why, "compiler timed out after %d s", cfg->timeout_s);
        } else {
            buf_printf(why, "%s", compiler_crashed(&b) ? "compiler crashed (" : "compile failed (");
            describe_status(why, b.wstatus);
            buf_printf(why, ")");
        }
        report_quote(rep, "compiler output", buf_str(&b.err), b.err.len, b.err_truncated);
        goto done;
    }

    /* Run. argv[0] is the source stem, as with `sifr run`. */
    bool expect_failure = c->err_texts.len > 0;
    char **envp = case_environment(c);
    Buf vlog = {0};
    int run_timeout_s = cfg->timeout_s;
    char *pargv[16];
    size_t np = 0;
    if (cfg->valgrind) {
        /* valgrind's report goes to its own file, so the program's stderr
         * is checked as usual. A program expected to fail (a panic) exits
         * without running destructors, as specified: its leaks are not
         * errors, but invalid reads, writes and frees still are. */
        buf_printf(&vlog, "--log-file=%s/valgrind.log", tmp);
        pargv[np++] = (char *)cfg->valgrind;
        pargv[np++] = (char *)(expect_failure ? "--leak-check=no" : "--leak-check=full");
        if (!expect_failure) pargv[np++] = (char *)"--errors-for-leak-kinds=all";
        pargv[np++] = (char *)"--error-exitcode=1";
        pargv[np++] = (char *)"--quiet";
        pargv[np++] = vlog.data;
        run_timeout_s *= CR_VALGRIND_SLOWDOWN;
    }
    pargv[np++] = exe.data;
    pargv[np] = NULL;
    ProcResult r;
    proc_run(pargv, envp, tmp, run_timeout_s * 1000, &c->signals, &r);
    free(envp);

    bool show_stderr = false;
    o = OUT_PASS;
#define CASE_FAIL(...)                                                                                 \
    do {                                                                                               \
        if (o == OUT_FAIL) buf_printf(why, "; ");                                                      \
        buf_printf(why, __VA_ARGS__);                                                                  \
        o = OUT_FAIL;                                                                                  \
    } while (0)
    if (r.spawn_error) {
        CASE_FAIL("%s", r.spawn_error);
    } else if (r.timed_out) {
        CASE_FAIL("timed out after %d s", run_timeout_s);
        show_stderr = true;
    } else {
        bool success = WIFEXITED(r.wstatus) && WEXITSTATUS(r.wstatus) == 0;
        if (expect_failure && success) {
            CASE_FAIL("exit status 0, expected a failure");
        } else if (!expect_failure && !success) {
            Buf st = {0};
            describe_status(&st, r.wstatus);
            CASE_FAIL("%s", st.data);
            buf_free(&st);
            show_stderr = true;
        }
        for (size_t i = 0; i < c->err_texts.len; i++) {
            const char *t = c->err_texts.items[i];
            if (!strstr(buf_str(&r.err), t)) {
                CASE_FAIL("stderr lacks \"%s\"", t);
                show_stderr = true;
            }
        }
    }
    for (size_t i = 0; i < c->signals.len; i++) {
        SignalRule *s = c->signals.items[i];
        if (!s->sent) CASE_FAIL("%s never sent: stdout never printed \"%s\"", cr_signal_name(s->sig), s->after_line);
    }
    if (!r.spawn_error && !stdout_matches(c, &r)) {
        CASE_FAIL("stdout differs");
        report_stdout_diff(rep, c, &r);
    }
    if (cfg->valgrind && !r.spawn_error && !r.timed_out) {
        /* With --quiet, valgrind writes nothing unless it found an error. */
        Buf report = {0};
        bool truncated = false;
        int fd = open(vlog.data + strlen("--log-file="), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            while (proc_read(fd, &report, &truncated) && report.len < CR_CAPTURE_LIMIT) {}
            close(fd);
        }
        if (fd < 0) {
            CASE_FAIL("valgrind wrote no log (%s)", strerror(errno));
        } else if (report.len) {
            CASE_FAIL("valgrind found memory errors%s", expect_failure ? "" : " or leaks");
            report_quote(rep, "valgrind", report.data, report.len, truncated);
        }
        buf_free(&report);
    }
#undef CASE_FAIL
    if (show_stderr) report_quote(rep, "stderr", buf_str(&r.err), r.err.len, r.err_truncated);
    proc_result_free(&r);
    buf_free(&vlog);
done:
    proc_result_free(&b);
    buf_free(&exe);
    free(stem);
    return o;
}

static int cr_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* Remove a case's temporary directory: depth first, never following links. */
static void cr_remove_tree(const char *path) { nftw(path, cr_remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* Run one case (in a worker process) and write its report to `rep`. */
static Outcome case_run(const Config *cfg, Case *c, Buf *rep) {
    Buf why = {0}, details = {0};
    Outcome o;
    if (c->problem) {
        buf_printf(&why, "%s", c->problem);
        o = OUT_FAIL;
    } else if (case_is_reject(c) && (cfg->release || cfg->valgrind)) {
        /* Rejection does not depend on the optimisation level, and runs
         * no program for valgrind to check. */
        buf_printf(&why, "compile-error case (not run with %s)", cfg->release ? "--release" : "--valgrind");
        o = OUT_SKIP;
    } else {
        const char *base = getenv("TMPDIR");
        Buf tmp = {0};
        buf_printf(&tmp, "%s/sifr-corpus-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp.data)) cr_die("cannot create a temporary directory: %s", strerror(errno));
        o = case_is_reject(c) ? case_run_reject(cfg, c, &details, &why)
                              : case_run_program(cfg, c, tmp.data, &details, &why);
        if (cfg->keep) buf_printf(&details, "  kept in %s\n", tmp.data);
        else cr_remove_tree(tmp.data);
        buf_free(&tmp);
    }
    static const char *const words[] = {"PASS", "FAIL", "SKIP"};
    buf_printf(rep, "%s %s%s%s\n", words[o], c->rel, why.len ? ": " : "", buf_str(&why));
    buf_add(rep, buf_str(&details), details.len);
    buf_free(&why);
    buf_free(&details);
    return o;
}

/* ==== The worker pool ===================================================== */

typedef struct Slot {
    pid_t pid;
    int fd;
    size_t index;
    Buf report;
} Slot;

typedef struct Result {
    bool done;
    Outcome outcome;
    char *report;
} Result;

static void slot_start(const Config *cfg, Case *c, size_t index, Slot *s) {
    int p[2];
    if (pipe2(p, O_CLOEXEC)) cr_die("pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) cr_die("fork: %s", strerror(errno));
    if (pid == 0) {
        close(p[0]);
        Buf rep = {0};
        Outcome o = case_run(cfg, c, &rep);
        for (size_t off = 0; off < rep.len;) {
            ssize_t w = write(p[1], rep.data + off, rep.len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;
            off += (size_t)w;
        }
        _exit((int)o);
    }
    close(p[1]);
    s->pid = pid;
    s->fd = p[0];
    s->index = index;
    memset(&s->report, 0, sizeof s->report);
}

/* Collect a finished worker: its exit status is the outcome. */
static void slot_finish(Slot *s, Case *c, Result *res) {
    close(s->fd);
    s->fd = -1;
    int ws = 0;
    while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR) {}
    res->done = true;
    if (WIFEXITED(ws) && WEXITSTATUS(ws) <= OUT_SKIP && s->report.len) {
        res->outcome = (Outcome)WEXITSTATUS(ws);
        res->report = s->report.data;
    } else {
        Buf b = {0};
        buf_printf(&b, "FAIL %s: the runner's worker died (", c->rel);
        describe_status(&b, ws);
        buf_printf(&b, ")\n%s", buf_str(&s->report));
        buf_free(&s->report);
        res->outcome = OUT_FAIL;
        res->report = b.data;
    }
    memset(&s->report, 0, sizeof s->report);
}

/* Run all cases, at most cfg->jobs at a time, printing reports in case
 * order as soon as each and all before it are done. */
static void cr_run_all(const Config *cfg, Case **cases, size_t n, size_t counts[3]) {
    Result *res = cr_alloc(n * sizeof *res);
    Slot *slots = cr_alloc((size_t)cfg->jobs * sizeof *slots);
    struct pollfd *pfds = cr_alloc((size_t)cfg->jobs * sizeof *pfds);
    for (int i = 0; i < cfg->jobs; i++) slots[i].fd = -1;
    size_t next = 0, printed = 0;
    int active = 0;
    while (printed < n) {
        for (int i = 0; i < cfg->jobs && next < n; i++)
            if (slots[i].fd < 0) {
                slot_start(cfg, cases[next], next, &slots[i]);
                next++;
                active++;
            }
        if (active > 0) {
            /* Idle slots have fd -1, which poll ignores. */
            for (int i = 0; i < cfg->jobs; i++) pfds[i] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
            if (poll(pfds, (nfds_t)cfg->jobs, -1) < 0 && errno != EINTR) cr_die("poll: %s", strerror(errno));
            for (int i = 0; i < cfg->jobs; i++) {
                if (slots[i].fd < 0 || !(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                char chunk[8192];
                ssize_t got = read(slots[i].fd, chunk, sizeof chunk);
                if (got > 0) {
                    buf_add(&slots[i].report, chunk, (size_t)got);
                } else if (got == 0 || errno != EINTR) {
                    slot_finish(&slots[i], cases[slots[i].index], &res[slots[i].index]);
                    active--;
                }
            }
        }
        while (printed < n && res[printed].done) {
            fputs(res[printed].report, stdout);
            fflush(stdout);
            counts[res[printed].outcome]++;
            free(res[printed].report);
            printed++;
        }
    }
    free(pfds);
    free(slots);
    free(res);
}

/* ==== Command line ======================================================== */

static const char cr_usage[] =
    "usage: sifr-corpus [--sifr PATH] [--jobs N] [--filter SUBSTR] [--release] [--keep]\n"
    "                   [--list] [--timeout SECONDS] [--valgrind] DIR_OR_FILE...\n"
    "Runs every .sifr case below each directory (or the given files) and prints\n"
    "PASS/FAIL per case, then \"N passed, M failed\". Exit status 0 iff nothing failed.\n"
    "--valgrind runs each program under valgrind's memcheck (leaks are errors, except\n"
    "in programs expected to fail) with a 10x timeout; compile-error cases are skipped.\n";

/* The first executable `name` on PATH, or NULL. */
static char *cr_find_in_path(const char *name) {
    const char *path = getenv("PATH");
    char *copy = cr_strdup(path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        Buf b = {0};
        buf_printf(&b, "%s/%s", *dir ? dir : ".", name);
        if (access(b.data, X_OK) == 0) {
            free(copy);
            return b.data;
        }
        buf_free(&b);
    }
    free(copy);
    return NULL;
}

/* The sifr next to this runner (both live in the build's bin/), else PATH. */
static char *cr_default_sifr(void) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            Buf b = {0};
            buf_printf(&b, "%.*s/sifr", (int)(slash - self), self);
            if (access(b.data, X_OK) == 0) return b.data;
            buf_free(&b);
        }
    }
    return cr_find_in_path("sifr");
}

static int cr_int_arg(const char *flag, const char *v) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 100000) cr_die("%s needs a positive number, got `%s`", flag, v);
    return (int)n;
}

int main(int argc, char **argv) {
    Config cfg = {.jobs = 2, .timeout_s = 30};
    PtrVec roots = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define CR_VALUE() (next ? argv[++i] : (cr_die("%s needs a value\n%s", a, cr_usage), NULL))
        if (strcmp(a, "--sifr") == 0) cfg.sifr = CR_VALUE();
        else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) cfg.jobs = cr_int_arg(a, CR_VALUE());
        else if (strcmp(a, "--filter") == 0) cfg.filter = CR_VALUE();
        else if (strcmp(a, "--timeout") == 0) cfg.timeout_s = cr_int_arg(a, CR_VALUE());
        else if (strcmp(a, "--release") == 0) cfg.release = true;
        else if (strcmp(a, "--keep") == 0) cfg.keep = true;
        else if (strcmp(a, "--list") == 0) cfg.list = true;
        else if (strcmp(a, "--valgrind") == 0) cfg.valgrind = "valgrind";
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(cr_usage, stdout);
            return 0;
        } else if (a[0] == '-') cr_die("unknown option `%s`\n%s", a, cr_usage);
        else vec_add(&roots, (void *)a);
#undef CR_VALUE
    }
    if (roots.len == 0) cr_die("no corpus directory given\n%s", cr_usage);

    /* Gather the cases. */
    PtrVec cases = {0};
    for (size_t r = 0; r < roots.len; r++) {
        const char *root = roots.items[r];
        struct stat st;
        if (stat(root, &st) != 0) cr_die("cannot read %s: %s", root, strerror(errno));
        PtrVec paths = {0}, rels = {0};
        if (S_ISDIR(st.st_mode)) {
            cr_collect(root, "", &paths, &rels);
        } else {
            size_t n = strlen(root);
            if (n < 5 || strcmp(root + n - 5, ".sifr") != 0)
                cr_die("%s is not a .sifr case (the compiler is given with --sifr PATH)", root);
            vec_add(&paths, cr_strdup(root));
            vec_add(&rels, cr_strdup(root));
        }
        for (size_t i = 0; i < paths.len; i++) {
            if (!cfg.filter || strstr(rels.items[i], cfg.filter)) vec_add(&cases, case_load(paths.items[i], rels.items[i]));
            free(paths.items[i]);
            free(rels.items[i]);
        }
        free(paths.items);
        free(rels.items);
    }
    qsort(cases.items, cases.len, sizeof *cases.items, cr_case_cmp);

    if (cfg.list) {
        for (size_t i = 0; i < cases.len; i++) {
            Case *c = cases.items[i];
            printf("%s\t%s\n", c->rel, c->problem ? "malformed" : case_is_reject(c) ? "reject" : "run");
        }
        return 0;
    }
    if (cases.len == 0) {
        fprintf(stderr, "sifr-corpus: no cases found%s%s\n", cfg.filter ? " matching " : "",
                cfg.filter ? cfg.filter : "");
        printf("0 passed, 0 failed\n");
        return 1;
    }
    char *sifr = cfg.sifr ? cr_strdup(cfg.sifr) : cr_default_sifr();
    if (!sifr) cr_die("cannot find the sifr compiler; pass --sifr PATH");
    cfg.sifr = sifr;
    char *valgrind = NULL;
    if (cfg.valgrind) {
        valgrind = cr_find_in_path("valgrind");
        if (!valgrind) cr_die("--valgrind: cannot find valgrind on PATH");
        cfg.valgrind = valgrind;
    }
    /* A worker's report pipe may close early; that must not kill the runner. */
    signal(SIGPIPE, SIG_IGN);

    size_t counts[3] = {0, 0, 0};
    cr_run_all(&cfg, (Case **)cases.items, cases.len, counts);
    if (counts[OUT_SKIP]) printf("%zu passed, %zu failed, %zu skipped\n", counts[OUT_PASS], counts[OUT_FAIL], counts[OUT_SKIP]);
    else printf("%zu passed, %zu failed\n", counts[OUT_PASS], counts[OUT_FAIL]);
    free(sifr);
    free(valgrind);
    return counts[OUT_FAIL] ? 1 : 0;
}
