/* The runtime side of errors as values (SPEC section 4): int(s) and
 * float(s) of a str as Result values whose Err is a ValueError carrying
 * Python's message, and the exit of a `main` that returned Err (print
 * "Error: <repr>" to stderr, exit status 1). */
#include <stdio.h>
#include <string.h>

#include "rt_internal.h"
#include "sifr_rt.h"

/* Python's repr() of a str, which its ValueError messages quote: single
 * quotes unless the text holds ' and no ", backslash escapes for the quote,
 * backslash and control characters; other characters stay as they are. */
static void rt_write_pyrepr(RtBuf *b, const RtStr *s) {
    bool has_sq = memchr(s->data, '\'', (size_t)s->len) != NULL;
    bool has_dq = memchr(s->data, '"', (size_t)s->len) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    rt_buf_putc(b, q);
    for (int64_t i = 0; i < s->len; i++) {
        unsigned char ch = (unsigned char)s->data[i];
        if (ch == '\\' || ch == (unsigned char)q) {
            rt_buf_putc(b, '\\');
            rt_buf_putc(b, (char)ch);
        } else if (ch == '\n') rt_buf_puts(b, "\\n");
        else if (ch == '\t') rt_buf_puts(b, "\\t");
        else if (ch == '\r') rt_buf_puts(b, "\\r");
        else if (ch < 0x20 || ch == 0x7f) {
            char hex[8];
            snprintf(hex, sizeof hex, "\\x%02x", ch);
            rt_buf_puts(b, hex);
        } else rt_buf_putc(b, (char)ch);
    }
    rt_buf_putc(b, q);
}

/* A new error object of class `err` whose `message` field holds `msg`
 * (taken). */
static void *rt_error_with_message(const RtType *err, RtStr *msg) {
    void *obj = rt_object_new(err);
    for (uint32_t i = 0; i < err->nfields; i++) {
        if (err->fields[i].name && strcmp(err->fields[i].name, "message") == 0) {
            memcpy((char *)obj + err->fields[i].offset, &msg, sizeof msg);
            return obj;
        }
    }
    rt_str_drop(msg);
    return obj;
}

/* Write Err(ValueError(prefix + repr(s))) into the Result at `out`. */
static void rt_parse_fail(const RtType *result, void *out, const char *prefix, const RtStr *s) {
    RtBuf b = {0};
    rt_buf_puts(&b, prefix);
    rt_write_pyrepr(&b, s);
    void *obj = rt_error_with_message(result->params[1], rt_buf_finish(&b));
    *(uint8_t *)out = 1;
    memcpy((char *)out + result->payload_offset, &obj, sizeof obj);
}

void rt_str_to_int_result(const RtStr *s, const RtType *result, void *out) {
    int64_t v;
    if (!rt_str_parse_int(s, &v)) {
        rt_parse_fail(result, out, "invalid literal for int() with base 10: ", s);
        return;
    }
    *(uint8_t *)out = 0;
    memcpy((char *)out + result->payload_offset, &v, sizeof v);
}

void rt_str_to_float_result(const RtStr *s, const RtType *result, void *out) {
    double v;
    if (!rt_str_parse_float(s, &v)) {
        rt_parse_fail(result, out, "could not convert string to float: ", s);
        return;
    }
    *(uint8_t *)out = 0;
    memcpy((char *)out + result->payload_offset, &v, sizeof v);
}

int rt_main_result(const RtType *result, void *value) {
    if (!*(const uint8_t *)value) {
        rt_value_drop(result, value);
        return rt_exit(0);
    }
    /* stdout first, so what the program printed comes before the error */
    rt_flush();
    RtBuf b = {0};
    rt_buf_puts(&b, "Error: ");
    rt_value_write(&b, result->params[1], (const char *)value + result->payload_offset, true);
    rt_buf_putc(&b, '\n');
    (void)rt_fd_write_all(2, b.data, b.len);
    rt_buf_free(&b);
    rt_value_drop(result, value);
    return rt_exit(1);
}
