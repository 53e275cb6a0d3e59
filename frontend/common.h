/* Basic vocabulary shared by every stage of the compiler: spans, source files,
 * the arena, growable vectors, the string interner and internal-error macros.
 * Nothing here knows about tokens, syntax or types. */
#ifndef SIFR_COMMON_H
#define SIFR_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Internal compiler errors ========================================== */

/* An internal compiler error: prints "internal compiler error: ... at file:line"
 * (and the user-source span when there is one) and exits with status 3. */
_Noreturn void ice_fail(const char *cfile, int cline, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define ICE(...) ice_fail(__FILE__, __LINE__, __VA_ARGS__)
#define ICE_ASSERT(cond)                                                       \
    do {                                                                       \
        if (!(cond)) ICE("assertion failed: %s", #cond);                       \
    } while (0)

/* Install SIGSEGV/SIGBUS/SIGFPE/SIGABRT handlers that turn a crash into an
 * internal compiler error report with exit status 3. Called once by the driver. */
void ice_install_crash_handlers(void);

/* Allocation that never returns NULL (out of memory is an ICE). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Length (1-4) of the valid UTF-8 sequence at s, which has `avail` bytes, or 0
 * when it is malformed (overlong forms, surrogates and values above U+10FFFF
 * are malformed). */
uint32_t utf8_seq_len(const unsigned char *s, size_t avail);

/* ==== Spans and source files ============================================ */

typedef uint32_t FileId; /* index into the source map; 0 means "no file" */

/* A half-open byte range [lo, hi) in one source file. */
typedef struct Span {
    FileId file;
    uint32_t lo;
    uint32_t hi;
} Span;

static inline Span span_make(FileId f, uint32_t lo, uint32_t hi) { return (Span){f, lo, hi}; }
static inline Span span_join(Span a, Span b) {
    return (Span){a.file, a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi};
}

typedef struct SourceFile {
    FileId id;
    char *path;        /* as given on the command line, used in diagnostics */
    char *text;        /* NUL-terminated contents */
    uint32_t len;
    uint32_t *line_starts; /* byte offset of each line's first byte */
    uint32_t line_count;
} SourceFile;

/* Load a file into the global source map; returns 0 and sets *err (a static
 * strerror-like text) on failure. */
FileId source_load(const char *path, const char **err);
/* Register in-memory text (tests, generated code) under a display path. */
FileId source_add(const char *path, const char *text, size_t len);
SourceFile *source_get(FileId id);
/* 1-based line and column (column counts bytes, 1-based) of a byte offset. */
void source_line_col(FileId id, uint32_t offset, uint32_t *line, uint32_t *col);
/* Release every loaded file (end of compilation or between unit tests). */
void source_reset(void);

/* ==== Arena ============================================================== */

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
} Arena;

void *arena_alloc(Arena *a, size_t size); /* zeroed, 16-byte aligned */
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* ==== Growable vectors (type-generic macros) ============================= */

#define VEC(T)                                                                 \
    struct {                                                                   \
        T *items;                                                              \
        uint32_t len, cap;                                                     \
    }
#define vec_push(v, x)                                                         \
    do {                                                                       \
        if ((v)->len == (v)->cap) {                                            \
            (v)->cap = (v)->cap ? (v)->cap * 2 : 8;                            \
            (v)->items = xrealloc((v)->items, sizeof(*(v)->items) * (v)->cap); \
        }                                                                      \
        (v)->items[(v)->len++] = (x);                                          \
    } while (0)
#define vec_free(v)                                                            \
    do {                                                                       \
        free((v)->items);                                                      \
        (v)->items = NULL;                                                     \
        (v)->len = (v)->cap = 0;                                               \
    } while (0)

/* A growable byte buffer. */
typedef struct StrBuf {
    char *data;
    size_t len, cap;
} StrBuf;
void sb_putc(StrBuf *sb, char c);
void sb_puts(StrBuf *sb, const char *s);
void sb_putn(StrBuf *sb, const char *s, size_t n);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(StrBuf *sb); /* NUL-terminated, caller frees; leaves sb empty */
void sb_free(StrBuf *sb);

/* ==== The string interner ================================================ */

/* Interned strings are named by a StrId; two equal byte strings always get the
 * same id, so names compare with ==. 0 is "no string". Hashing is XXH3. The
 * interner is process-global and lives for the whole compilation. */
typedef uint32_t StrId;

StrId intern(const char *s, size_t len);
StrId intern_cstr(const char *s);
const char *str_text(StrId id); /* NUL-terminated */
uint32_t str_len(StrId id);
void intern_reset(void);

#endif
