/* Program output: the runtime's own stdout buffer, written with write(2) and
 * flushed at every newline, at exit and before a panic, plus the rt_print_*
 * entry points that print() lowers to. stdio's FILE buffers are not used. */
#include "rt_internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* One process-wide buffer: this milestone's programs are single-threaded.
 * The scheduler milestone will give each worker its own or add a lock. */
static char rt_out_buf[RT_OUT_BUF_SIZE];
static size_t rt_out_len;
/* Set once stdout refused data for good (EPIPE, closed descriptor): later
 * output is dropped silently instead of failing again at every line. */
static bool rt_out_dead;

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
    if (rt_out_len == 0) return;
    if (!rt_out_dead && !rt_fd_write_all(STDOUT_FILENO, rt_out_buf, rt_out_len))
        rt_out_dead = true;
    rt_out_len = 0;
}

void rt_out_bytes(const char *bytes, size_t len) {
    if (rt_out_len + len > sizeof rt_out_buf) {
        rt_flush();
        /* Too big for the buffer even when empty: write it straight through. */
        if (len > sizeof rt_out_buf) {
            if (!rt_out_dead && !rt_fd_write_all(STDOUT_FILENO, bytes, len)) rt_out_dead = true;
            return;
        }
    }
    memcpy(rt_out_buf + rt_out_len, bytes, len);
    rt_out_len += len;
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
