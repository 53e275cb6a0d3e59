/* Runtime facts for the standard library module sifr.runtime: the functions
 * that lib/sifr/runtime.sifr binds with `@extern("rt_...")`. Their C types
 * are the LLVM forms of the Sifr signatures there (int -> int64_t). */
#include "rt_internal.h"

#include <unistd.h>

/* The prototypes live in the Sifr declarations; these keep C honest. */
int64_t rt_runtime_cpu_count(void);

/* Online processors, at least 1 (sysconf may fail in odd sandboxes). */
int64_t rt_runtime_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int64_t)n : 1;
}
