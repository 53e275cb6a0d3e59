/* Diagnostic events of sifr.runtime: rt_diagnostics_emit, which
 * lib/sifr/runtime.sifr binds with `@extern`. It formats one event as a JSON
 * line and writes it to the sink SIFR_DIAGNOSTICS names, after the level
 * filter SIFR_DIAGNOSTICS_LEVEL (docs/design/stdlib.md). */
#include "rt_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The prototype lives in the Sifr declaration; this keeps C honest. */
RtStr *rt_diagnostics_emit(int64_t rank, const RtStr *level, const RtStr *target, const RtStr *name,
                           const RtStr *message);

static const char *const rt_diag_levels[] = {"trace", "debug", "info", "warn", "error"};
enum { RT_DIAG_NLEVELS = sizeof rt_diag_levels / sizeof rt_diag_levels[0] };

static RtStr *rt_diag_ok(void) {
    return rt_str_new("", 0);
}

static RtStr *rt_diag_problem(const char *what, int err) {
    char buf[256];
    int n = err ? snprintf(buf, sizeof buf, "%s: %s", what, strerror(err))
                : snprintf(buf, sizeof buf, "%s", what);
    if (n < 0) n = 0;
    if ((size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
    return rt_str_new(buf, n);
}

/* Append `s` as a JSON string (quotes included). Strings are UTF-8, which
 * JSON carries as is; only `"`, `\` and control characters are escaped.
 * `out` has room for 6 bytes per input byte plus the quotes. */
static size_t rt_diag_json_str(char *out, const RtStr *s) {
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    out[k++] = '"';
    for (int64_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        switch (c) {
        case '"':
            out[k++] = '\\', out[k++] = '"';
            break;
        case '\\':
            out[k++] = '\\', out[k++] = '\\';
            break;
        case '\n':
            out[k++] = '\\', out[k++] = 'n';
            break;
        case '\r':
            out[k++] = '\\', out[k++] = 'r';
            break;
        case '\t':
            out[k++] = '\\', out[k++] = 't';
            break;
        case '\b':
            out[k++] = '\\', out[k++] = 'b';
            break;
        case '\f':
            out[k++] = '\\', out[k++] = 'f';
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                memcpy(out + k, "\\u00", 4);
                out[k + 4] = hex[c >> 4];
                out[k + 5] = hex[c & 15];
                k += 6;
            } else {
                out[k++] = (char)c;
            }
        }
    }
    out[k++] = '"';
    return k;
}

static size_t rt_diag_field(char *out, const char *key, const RtStr *v, bool first) {
    size_t k = 0, kl = strlen(key);
    if (!first) out[k++] = ',';
    out[k++] = '"';
    memcpy(out + k, key, kl);
    k += kl;
    out[k++] = '"';
    out[k++] = ':';
    return k + rt_diag_json_str(out + k, v);
}

/* The lowest rank the environment lets through: 0 (everything) when the
 * filter is unset or empty, -1 when it names no level. */
static int rt_diag_min_rank(void) {
    const char *f = getenv("SIFR_DIAGNOSTICS_LEVEL");
    if (!f || !*f) return 0;
    for (int i = 0; i < RT_DIAG_NLEVELS; i++)
        if (!strcasecmp(f, rt_diag_levels[i])) return i;
    return -1;
}

RtStr *rt_diagnostics_emit(int64_t rank, const RtStr *level, const RtStr *target, const RtStr *name,
                           const RtStr *message) {
    const char *sink = getenv("SIFR_DIAGNOSTICS");
    if (!sink || !*sink) return rt_diag_ok(); /* no sink: events are dropped */
    int min = rt_diag_min_rank();
    /* The variable's value is not repeated in the message: environment
     * values stay out of what the runtime reports. */
    if (min < 0)
        return rt_diag_problem(
            "SIFR_DIAGNOSTICS_LEVEL is not one of trace, debug, info, warn, error", 0);
    if (rank < min) return rt_diag_ok();

    size_t cap = 64 + 6 * (size_t)(level->len + target->len + name->len + message->len);
    char *line = rt_alloc(cap);
    size_t k = 0;
    line[k++] = '{';
    k += rt_diag_field(line + k, "level", level, true);
    k += rt_diag_field(line + k, "target", target, false);
    k += rt_diag_field(line + k, "name", name, false);
    k += rt_diag_field(line + k, "message", message, false);
    line[k++] = '}';
    line[k++] = '\n';

    RtStr *result;
    if (!strcmp(sink, "stderr")) {
        rt_flush(); /* what the program printed before the event comes first */
        result = rt_fd_write_all(STDERR_FILENO, line, k)
                     ? rt_diag_ok()
                     : rt_diag_problem("cannot write a diagnostic to stderr", errno);
    } else {
        /* Opened per event with O_APPEND: one write(2) per line, so lines of
         * several processes sharing the file do not interleave. */
        int fd = open(sink, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            result = rt_diag_problem("cannot open the diagnostics file (SIFR_DIAGNOSTICS)", errno);
        } else {
            result = rt_fd_write_all(fd, line, k)
                         ? rt_diag_ok()
                         : rt_diag_problem(
                               "cannot write to the diagnostics file (SIFR_DIAGNOSTICS)", errno);
            close(fd);
        }
    }
    rt_free(line);
    return result;
}
