/* Program output: the runtime's own stdout buffer, written with write(2) and
 * flushed at every newline, at exit and before a panic, plus the rt_print_*
 * entry points that print() lowers to. stdio's FILE buffers are not used. */
#include "rt_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

/* Each thread prints into its own buffer, allocated at its first print,
 * and writes it out under one process-wide lock: at a newline, when it is
 * full, before a panic or an event, at exit, and (rt_out_task_switch)
 * whenever the task it ran suspends with text pending, so a task that
 * moves to another worker keeps its output in order. A line is therefore
 * never interleaved with another thread's, and print()'s pieces (rt_print_*
 * calls) need no lock. A thread's buffer is flushed and freed when the
 * thread exits (a thread-specific key's destructor). */
_Thread_local RtOut *rt_out_tl;
static pthread_mutex_t rt_out_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t rt_out_key;
static pthread_once_t rt_out_once = PTHREAD_ONCE_INIT;
/* Set once stdout refused data for good (EPIPE, closed descriptor): later
 * output is dropped silently instead of failing again at every line. */
static _Atomic bool rt_out_dead;

static void rt_out_write(const char *bytes, size_t len) {
    if (atomic_load_explicit(&rt_out_dead, memory_order_relaxed)) return;
    if (!rt_fd_write_all(STDOUT_FILENO, bytes, len)) atomic_store(&rt_out_dead, true);
}

static void rt_out_thread_exit(void *p) {
    rt_out_tl = p;
    rt_out_release();
}

static void rt_out_key_init(void) { pthread_key_create(&rt_out_key, rt_out_thread_exit); }

static RtOut *rt_out_get(void) {
    RtOut *o = rt_out_tl;
    if (__builtin_expect(o != NULL, 1)) return o;
    o = rt_alloc(sizeof *o);
    o->len = 0;
    rt_out_tl = o;
    pthread_once(&rt_out_once, rt_out_key_init);
    pthread_setspecific(rt_out_key, o);
    return o;
}

bool rt_fd_write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) return false; /* no progress possible; avoid spinning */
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

void rt_flush(void) {
    RtOut *o = rt_out_tl;
    if (!o || o->len == 0) return;
    pthread_mutex_lock(&rt_out_lock);
    rt_out_write(o->buf, o->len);
    pthread_mutex_unlock(&rt_out_lock);
    o->len = 0;
}

void rt_out_release(void) {
    RtOut *o = rt_out_tl;
    if (!o) return;
    rt_flush();
    pthread_setspecific(rt_out_key, NULL);
    rt_out_tl = NULL;
    rt_free(o);
}

void rt_out_bytes(const char *bytes, size_t len) {
    RtOut *o = rt_out_get();
    if (o->len + len > sizeof o->buf) {
        /* Too big for the buffer even when empty: write it straight through,
         * after what is buffered and without another thread in between. */
        if (len > sizeof o->buf) {
            pthread_mutex_lock(&rt_out_lock);
            rt_out_write(o->buf, o->len);
            rt_out_write(bytes, len);
            pthread_mutex_unlock(&rt_out_lock);
            o->len = 0;
            return;
        }
        rt_flush();
    }
    memcpy(o->buf + o->len, bytes, len);
    o->len += len;
}

/* Text that carries its own newline (print("a\nb")) flushes too, so that a
 * line is visible to a reader as soon as it is complete. */
static void rt_out_text(const char *bytes, size_t len) {
    rt_out_bytes(bytes, len);
    if (len && memchr(bytes, '\n', len)) rt_flush();
}

void rt_print_str(const RtStr *s) { rt_out_text(s->data, (size_t)s->len); }

void rt_print_int(int64_t v) {
    char num[24];
    rt_out_bytes(num, rt_int_format_dec(v, num));
}

void rt_print_float(double v) {
    char text[RT_FLOAT_STR_MAX];
    rt_out_bytes(text, rt_float_format_short(v, text));
}

void rt_print_bool(bool v) {
    if (v) rt_out_bytes("true", 4);
    else rt_out_bytes("false", 5);
}

void rt_print_none(void) { rt_out_bytes("None", 4); }

void rt_print_space(void) { rt_out_bytes(" ", 1); }

void rt_print_newline(void) {
    rt_out_bytes("\n", 1);
    rt_flush();
}
