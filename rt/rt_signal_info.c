/* Signal facts for the standard library module sifr.signal: the functions
 * lib/sifr/signal.sifr binds with `@extern("rt_signal_...")`. No handler is
 * ever installed here: sifr.signal has no global handlers. */
#include "rt_internal.h"

#include <stdio.h>
#include <string.h>

/* The prototype lives in the Sifr declaration; this keeps C honest. */
RtStr *rt_signal_describe(int64_t number);

/* The C library's description of a signal ("Interrupt" for 2); a number
 * outside int is described as unknown rather than truncated. */
RtStr *rt_signal_describe(int64_t number) {
    char buf[64];
    const char *text;
    if (number < 1 || number > 1024) {
        snprintf(buf, sizeof buf, "Unknown signal %lld", (long long)number);
        text = buf;
    } else {
        text = strsignal((int)number);
    }
    return rt_str_new(text, (int64_t)strlen(text));
}
