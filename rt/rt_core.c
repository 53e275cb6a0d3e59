/* Runtime core: process start and end, the allocator entry points and the
 * panic path (stderr message, exit status 101). Everything that can abort the
 * program funnels through rt_panic_bytes so the output format lives in one place. */
#include "rt_internal.h"

#include <stdint.h>
#include <sys/mman.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- process start and end --------------------------------------------- */

/* Kept for the later `sys.argv` / `process` modules. */
static int rt_saved_argc;
static char **rt_saved_argv;

void rt_init(int argc, char **argv) {
    rt_saved_argc = argc;
    rt_saved_argv = argv;
    /* A reader that goes away (`prog | head -1`) must not kill the program
     * with SIGPIPE: writes then fail with EPIPE and the stdout buffer stops
     * writing silently, as Python does. Child processes started later must
     * reset this disposition to the default. */
    signal(SIGPIPE, SIG_IGN);
}

int rt_exit(int code) {
    rt_out_release();
    return code;
}

int rt_argc(void) { return rt_saved_argc; }
char **rt_argv(void) { return rt_saved_argv; }

/* ---- memory ------------------------------------------------------------- */
/* Plain malloc for now; every allocation goes through these three functions
 * so a per-worker slab allocator can replace them without touching callers. */

/* Big blocks (mapped by malloc on their own) ask for transparent huge
 * pages: a list of 10 million ints then takes a few dozen page faults
 * instead of twenty thousand, which is most of the cost of filling it. */
#define RT_HUGE_MIN (4u << 20)
#define RT_HUGE_PAGE (2u << 20)

static void rt_advise_huge(void *p, size_t size) {
#ifdef MADV_HUGEPAGE
    uintptr_t lo = ((uintptr_t)p + RT_HUGE_PAGE - 1) & ~(uintptr_t)(RT_HUGE_PAGE - 1);
    uintptr_t hi = ((uintptr_t)p + size) & ~(uintptr_t)(RT_HUGE_PAGE - 1);
    if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}

void *rt_alloc(size_t size) {
    /* malloc(0) may legally return NULL, which would look like OOM. */
    void *p = malloc(size ? size : 1);
    if (!p) rt_panic("out of memory", NULL);
    if (size >= RT_HUGE_MIN) rt_advise_huge(p, size);
    return p;
}

void *rt_realloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q) rt_panic("out of memory", NULL);
    if (size >= RT_HUGE_MIN) rt_advise_huge(q, size);
    return q;
}

void rt_free(void *p) { free(p); }

/* ---- panics ------------------------------------------------------------- */

/* A fixed-size stderr writer: the panic path must not allocate (it also
 * reports out-of-memory) and should emit the line with as few writes as
 * possible so it is not interleaved with other output. */
typedef struct RtErrBuf {
    char data[1024];
    size_t len;
} RtErrBuf;

static void rt_err_flush(RtErrBuf *e) {
    if (e->len) (void)rt_fd_write_all(STDERR_FILENO, e->data, e->len);
    e->len = 0;
}

static void rt_err_put(RtErrBuf *e, const char *bytes, size_t len) {
    while (len) {
        if (e->len == sizeof e->data) rt_err_flush(e);
        size_t room = sizeof e->data - e->len;
        size_t n = len < room ? len : room;
        memcpy(e->data + e->len, bytes, n);
        e->len += n;
        bytes += n;
        len -= n;
    }
}

static void rt_err_puts(RtErrBuf *e, const char *s) { rt_err_put(e, s, strlen(s)); }

static void rt_err_put_int(RtErrBuf *e, int64_t v) {
    char num[24];
    size_t n = rt_int_format_dec(v, num);
    rt_err_put(e, num, n);
}

/* Print "panic: <pre><msg>[ at <file>:<line>:<col>]" and exit with status
 * 101. _exit, not exit: no atexit handler or stdio flush may run after a
 * panic. */
_Noreturn static void rt_panic_bytes(const char *pre, const char *msg, size_t len,
                                     const RtLoc *loc) {
    int saved_errno = errno;
    rt_flush();
    RtErrBuf e;
    e.len = 0;
    rt_err_puts(&e, "panic: ");
    rt_err_puts(&e, pre);
    rt_err_put(&e, msg, len);
    if (loc) {
        rt_err_puts(&e, " at ");
        rt_err_puts(&e, loc->file ? loc->file : "<unknown>");
        rt_err_puts(&e, ":");
        rt_err_put_int(&e, loc->line);
        rt_err_puts(&e, ":");
        rt_err_put_int(&e, loc->col);
    }
    rt_err_puts(&e, "\n");
    rt_err_flush(&e);
    errno = saved_errno;
    _exit(RT_PANIC_STATUS);
}

_Noreturn void rt_panic(const char *msg, const RtLoc *loc) {
    if (!msg) msg = "explicit panic";
    rt_panic_bytes("", msg, strlen(msg), loc);
}

_Noreturn void rt_panic_str(const RtStr *msg, const RtLoc *loc) {
    if (!msg) rt_panic("explicit panic", loc);
    rt_panic_bytes("", msg->data, (size_t)msg->len, loc);
}

_Noreturn void rt_assert_fail(const RtStr *msg_or_null, const RtLoc *loc) {
    if (!msg_or_null) rt_panic("assertion failed", loc);
    rt_panic_bytes("assertion failed: ", msg_or_null->data, (size_t)msg_or_null->len, loc);
}

_Noreturn void rt_panic_overflow(const RtLoc *loc) { rt_panic("integer overflow", loc); }
