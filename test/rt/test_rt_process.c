/* Process-level runtime behaviour, observed from outside: every panic
 * message and exit status (each panic runs in a forked child whose stdout
 * and stderr are captured), stdout flushed before a panic and at exit, line
 * flushing of the stdout buffer, large writes, and a closed stdout (EPIPE). */
#define _GNU_SOURCE /* pipe2 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sifr_rt.h"

typedef struct ChildResult {
    int status; /* exit status, or 128 + signal */
    char out[4096];
    char err[4096];
} ChildResult;

static void read_all(int fd, char *buf, size_t cap) {
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        if (len == cap - 1) break;
    }
    buf[len] = '\0';
    close(fd);
}

/* Run fn in a child with stdout and stderr on pipes; a child that returns
 * from fn exits through rt_exit(0). Outputs here stay far below a pipe's
 * capacity, so reading after the child ends cannot deadlock. */
static ChildResult run_child(void (*fn)(void)) {
    ChildResult r;
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        close(out[1]);
        close(err[1]);
        rt_init(0, NULL);
        fn();
        _exit(rt_exit(0));
    }
    close(out[1]);
    close(err[1]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    read_all(out[0], r.out, sizeof r.out);
    read_all(err[0], r.err, sizeof r.err);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r;
}

static const RtLoc loc = {"main.sifr", 12, 5};
static volatile int64_t sink_i;
static volatile double sink_f;

/* ---- the panic table ------------------------------------------------------ */

static void p_plain(void) { rt_panic("boom", &loc); }
static void p_noloc(void) { rt_panic("no location", NULL); }
static void p_str(void) {
    RtStr *m = rt_str_new("custom: ünïcode", 17);
    rt_panic_str(m, &loc);
}
static void p_assert(void) { rt_assert_fail(NULL, &loc); }
static void p_assert_msg(void) {
    RtStr *m = rt_str_new("x must be positive", 18);
    rt_assert_fail(m, &loc);
}
static void p_overflow(void) { rt_panic_overflow(&loc); }
static void p_floordiv0(void) { sink_i = rt_int_floordiv(1, 0, &loc); }
static void p_floordiv_min(void) { sink_i = rt_int_floordiv(INT64_MIN, -1, &loc); }
static void p_mod0(void) { sink_i = rt_int_mod(-5, 0, &loc); }
static void p_pow_neg(void) { sink_i = rt_int_pow(2, -1, &loc); }
static void p_pow_big(void) { sink_i = rt_int_pow(2, 63, &loc); }
static void p_pow_big_neg(void) { sink_i = rt_int_pow(-3, 40, &loc); }
static void p_pow_huge(void) { sink_i = rt_int_pow(10, 1000000, &loc); }
static void p_fdiv0(void) { sink_f = rt_float_div(1.0, 0.0, &loc); }
static void p_fdiv_negzero(void) { sink_f = rt_float_div(1.0, -0.0, &loc); }
static void p_ffloordiv0(void) { sink_f = rt_float_floordiv(1.0, 0.0, &loc); }
static void p_fmod0(void) { sink_f = rt_float_mod(1.0, 0.0, &loc); }
static void p_fpow0(void) { sink_f = rt_float_pow(0.0, -1.0); }
static void p_toint_nan(void) { sink_i = rt_float_to_int(NAN, &loc); }
static void p_toint_inf(void) { sink_i = rt_float_to_int(-INFINITY, &loc); }
static void p_toint_big(void) { sink_i = rt_float_to_int(9223372036854775808.0, &loc); }
static void p_toint_small(void) { sink_i = rt_float_to_int(-1e19, &loc); }

typedef struct PanicCase {
    const char *name;
    void (*fn)(void);
    const char *err;
} PanicCase;

static const PanicCase panic_cases[] = {
    {"rt_panic", p_plain, "panic: boom at main.sifr:12:5\n"},
    {"rt_panic without location", p_noloc, "panic: no location\n"},
    {"rt_panic_str", p_str, "panic: custom: ünïcode at main.sifr:12:5\n"},
    {"assert", p_assert, "panic: assertion failed at main.sifr:12:5\n"},
    {"assert with message", p_assert_msg,
     "panic: assertion failed: x must be positive at main.sifr:12:5\n"},
    {"overflow", p_overflow, "panic: integer overflow at main.sifr:12:5\n"},
    {"1 // 0", p_floordiv0, "panic: integer division or modulo by zero at main.sifr:12:5\n"},
    {"INT64_MIN // -1", p_floordiv_min, "panic: integer overflow at main.sifr:12:5\n"},
    {"-5 % 0", p_mod0, "panic: integer division or modulo by zero at main.sifr:12:5\n"},
    {"2 ** -1", p_pow_neg, "panic: negative exponent at main.sifr:12:5\n"},
    {"2 ** 63", p_pow_big, "panic: integer overflow at main.sifr:12:5\n"},
    {"(-3) ** 40", p_pow_big_neg, "panic: integer overflow at main.sifr:12:5\n"},
    {"10 ** 1000000", p_pow_huge, "panic: integer overflow at main.sifr:12:5\n"},
    {"1.0 / 0.0", p_fdiv0, "panic: float division by zero at main.sifr:12:5\n"},
    {"1.0 / -0.0", p_fdiv_negzero, "panic: float division by zero at main.sifr:12:5\n"},
    {"1.0 // 0.0", p_ffloordiv0, "panic: float floor division by zero at main.sifr:12:5\n"},
    {"1.0 % 0.0", p_fmod0, "panic: float modulo by zero at main.sifr:12:5\n"},
    {"0.0 ** -1.0", p_fpow0, "panic: zero to a negative power\n"},
    {"int(nan)", p_toint_nan, "panic: cannot convert float NaN to integer at main.sifr:12:5\n"},
    {"int(-inf)", p_toint_inf,
     "panic: cannot convert float infinity to integer at main.sifr:12:5\n"},
    {"int(2.0 ** 63)", p_toint_big, "panic: integer overflow at main.sifr:12:5\n"},
    {"int(-1e19)", p_toint_small, "panic: integer overflow at main.sifr:12:5\n"},
};

Test(rt_process, panics_print_message_and_exit_101) {
    for (size_t i = 0; i < sizeof panic_cases / sizeof panic_cases[0]; i++) {
        ChildResult r = run_child(panic_cases[i].fn);
        cr_expect_eq(r.status, 101, "%s: status %d", panic_cases[i].name, r.status);
        cr_expect_str_eq(r.err, panic_cases[i].err, "%s", panic_cases[i].name);
        cr_expect_str_eq(r.out, "", "%s", panic_cases[i].name);
    }
}

/* ---- invalid format specs -------------------------------------------------- */

static const char *bad_spec;
static void p_fmt_int(void) { rt_fmt_int(5, rt_str_new(bad_spec, (int64_t)strlen(bad_spec)), &loc); }
static void p_fmt_float(void) {
    rt_fmt_float(2.5, rt_str_new(bad_spec, (int64_t)strlen(bad_spec)), &loc);
}
static void p_fmt_str(void) {
    rt_fmt_str(rt_str_new("ab", 2), rt_str_new(bad_spec, (int64_t)strlen(bad_spec)), &loc);
}
static void p_fmt_bool(void) { rt_fmt_bool(true, rt_str_new(bad_spec, (int64_t)strlen(bad_spec)), &loc); }

Test(rt_process, invalid_format_specs_panic) {
    /* Each of these is rejected by python3's format() for the same type. */
    static const struct { void (*fn)(void); const char *spec; } cases[] = {
        {p_fmt_int, "s"},   {p_fmt_int, ".2"},   {p_fmt_int, "z"},    {p_fmt_int, ",x"},
        {p_fmt_int, "_n"},  {p_fmt_int, "+c"},   {p_fmt_int, "#c"},   {p_fmt_int, ",_"},
        {p_fmt_int, "5q"},  {p_fmt_int, "dd"},   {p_fmt_int, "."},    {p_fmt_int, "<<<"},
        {p_fmt_float, "d"}, {p_fmt_float, "x"},  {p_fmt_float, "s"},  {p_fmt_float, ",n"},
        {p_fmt_float, ".f"}, {p_fmt_float, "10.2ff"},
        {p_fmt_str, "d"},   {p_fmt_str, "+"},    {p_fmt_str, "="},    {p_fmt_str, ","},
        {p_fmt_str, "#"},   {p_fmt_str, "z"},    {p_fmt_str, ".2f"},
        {p_fmt_bool, "d"},  {p_fmt_bool, "+"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bad_spec = cases[i].spec;
        ChildResult r = run_child(cases[i].fn);
        char want[128];
        snprintf(want, sizeof want, "panic: invalid format spec '%s' at main.sifr:12:5\n", cases[i].spec);
        cr_expect_eq(r.status, 101, "spec '%s'", cases[i].spec);
        cr_expect_str_eq(r.err, want);
    }
}

static void p_fmt_char_range(void) { rt_fmt_int(0x110000, rt_str_new("c", 1), &loc); }

Test(rt_process, char_out_of_range_panics) {
    ChildResult r = run_child(p_fmt_char_range);
    cr_expect_eq(r.status, 101);
    cr_expect_str_eq(r.err, "panic: %c arg not in range(0x110000) at main.sifr:12:5\n");
}

/* ---- stdout ---------------------------------------------------------------- */

static void c_print_then_panic(void) {
    rt_print_str(rt_str_new("partial", 7));
    rt_print_space();
    rt_print_int(-3);
    rt_panic("late", &loc);
}

Test(rt_process, panic_flushes_stdout_first) {
    ChildResult r = run_child(c_print_then_panic);
    cr_expect_eq(r.status, 101);
    cr_expect_str_eq(r.out, "partial -3");
    cr_expect_str_eq(r.err, "panic: late at main.sifr:12:5\n");
}

static void c_print_all_kinds(void) {
    rt_print_str(rt_str_new("s", 1));
    rt_print_space();
    rt_print_int(INT64_MIN);
    rt_print_space();
    rt_print_float(2.0);
    rt_print_space();
    rt_print_float(0.1);
    rt_print_space();
    rt_print_bool(true);
    rt_print_space();
    rt_print_bool(false);
    rt_print_space();
    rt_print_none();
    rt_print_newline();
    rt_print_str(rt_str_new("no newline at end", 17)); /* flushed by rt_exit */
}

Test(rt_process, print_forms_and_flush_at_exit) {
    ChildResult r = run_child(c_print_all_kinds);
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.out, "s -9223372036854775808 2 0.1 true false None\nno newline at end");
    cr_expect_str_eq(r.err, "");
}

static void c_exit_code(void) {
    rt_print_int(7);
    _exit(rt_exit(3));
}

Test(rt_process, rt_exit_flushes_and_returns_code) {
    ChildResult r = run_child(c_exit_code);
    cr_expect_eq(r.status, 3);
    cr_expect_str_eq(r.out, "7");
}

/* In-process check of the buffering itself: stdout is pointed at a
 * non-blocking pipe, so what has been written so far can be observed. */
Test(rt_process, stdout_is_buffered_until_newline) {
    int fds[2];
    cr_assert_eq(pipe2(fds, O_NONBLOCK), 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(fds[1], 1);
    char buf[256];

    rt_print_str(rt_str_new("abc", 3));
    rt_print_space();
    rt_print_int(42);
    ssize_t n = read(fds[0], buf, sizeof buf);
    cr_expect_eq(n, -1, "nothing may reach stdout before the newline");
    cr_expect_eq(errno, EAGAIN);

    rt_print_newline();
    n = read(fds[0], buf, sizeof buf);
    cr_expect_eq(n, 7);
    cr_expect_eq(memcmp(buf, "abc 42\n", 7), 0);

    /* Text carrying its own newline is flushed as well. */
    rt_print_str(rt_str_new("x\ny", 3));
    n = read(fds[0], buf, sizeof buf);
    cr_expect_eq(n, 3);

    /* rt_flush pushes out a partial line. */
    rt_print_bool(false);
    rt_flush();
    n = read(fds[0], buf, sizeof buf);
    cr_expect_eq(n, 5);
    cr_expect_eq(memcmp(buf, "false", 5), 0);

    dup2(saved, 1);
    close(saved);
    close(fds[0]);
    close(fds[1]);
}

/* More than the 64 KiB buffer without a newline, then a newline: every byte
 * arrives once and in order (the parent drains the pipe while it runs). */
static void c_big_output(void) {
    static char chunk[1000];
    for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (char)('a' + i % 26);
    RtStr *s = rt_str_new(chunk, (int64_t)sizeof chunk);
    for (int i = 0; i < 200; i++) rt_print_str(s);
    RtStr *big = rt_alloc(sizeof(RtStr) + 100001);
    big->len = 100000;
    big->cap = 100000;
    memset(big->data, 'Z', 100000);
    big->data[100000] = '\0';
    rt_print_str(big); /* larger than the whole buffer: written through */
    rt_print_newline();
}

Test(rt_process, large_output_arrives_in_order) {
    int out[2];
    cr_assert_eq(pipe(out), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        rt_init(0, NULL);
        c_big_output();
        _exit(rt_exit(0));
    }
    close(out[1]);
    static char got[400000];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(out[0], got + len, sizeof got - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(out[0]);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    cr_assert_eq(len, 200000 + 100000 + 1);
    for (size_t i = 0; i < 200000; i++)
        cr_assert_eq(got[i], (char)('a' + (i % 1000) % 26), "byte %zu", i);
    for (size_t i = 200000; i < 300000; i++) cr_assert_eq(got[i], 'Z');
    cr_expect_eq(got[300000], '\n');
}

/* A reader that went away: writes fail with EPIPE (SIGPIPE is ignored by
 * rt_init), output is dropped silently and the program carries on. */
Test(rt_process, closed_stdout_is_silent) {
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    close(out[0]);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        rt_init(0, NULL);
        for (int i = 0; i < 100; i++) {
            rt_print_int(i);
            rt_print_newline();
        }
        _exit(rt_exit(5));
    }
    close(out[1]);
    close(err[1]);
    char e[256];
    read_all(err[0], e, sizeof e);
    int st;
    waitpid(pid, &st, 0);
    cr_expect(WIFEXITED(st), "killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    cr_expect_eq(WEXITSTATUS(st), 5);
    cr_expect_str_eq(e, "");
}
