/* The I/O backend of the schedulers, chosen once per process: io_uring (one
 * ring per worker, created on the worker's thread) or, where io_uring is
 * unavailable or the environment asks for it, epoll + timerfd + eventfd.
 * Runtime-internal. */
#ifndef SIFR_RT_IO_H
#define SIFR_RT_IO_H

#include <stdbool.h>

/* io_uring support is compiled in where liburing's header exists (Debian
 * has none for riscv64); elsewhere the epoll backend is the only one. */
#if defined(__has_include)
#if __has_include(<liburing.h>)
#define SIFR_RT_HAVE_URING 1
#endif
#endif

typedef enum RtIoKind { RT_IO_URING, RT_IO_EPOLL } RtIoKind;

typedef struct RtIoChoice {
    RtIoKind kind;
    unsigned ring_flags; /* io_uring setup flags the kernel accepted */
    int probe_error;     /* why io_uring was not chosen: -errno of the probe, 0 if it was or was not tried */
    bool forced;         /* SIFR_RT_BACKEND decided */
} RtIoChoice;

/* Decide from `env` (the value of SIFR_RT_BACKEND, or NULL): "epoll" forces
 * the epoll backend, "io_uring" requires io_uring (falling back with
 * probe_error set when the kernel refuses), anything else lets the probe
 * decide. The probe creates and closes a small ring, with
 * IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN first and without
 * them if the kernel rejects those flags (EINVAL); ENOSYS and EPERM (also
 * io_uring_disabled) mean epoll. Under valgrind, which cannot run another
 * thread while one waits in io_uring_enter, the automatic choice is epoll. */
RtIoChoice rt_io_choose(const char *env);

/* The process's choice (made on first use, from the environment). */
const RtIoChoice *rt_io_backend(void);

#endif
