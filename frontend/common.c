/* Shared infrastructure: checked allocation, internal compiler errors, the
 * source map, arenas, string buffers and the XXH3-based string interner. */
#define _GNU_SOURCE
#include "common.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>
#include <xxhash.h>

/* ==== Internal compiler errors ========================================== */

_Noreturn void ice_fail(const char *cfile, int cline, const char *fmt, ...) {
    fflush(stdout);
    fprintf(stderr, "internal compiler error: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  at %s:%d\n  this is a bug in sifr; please report it with the input program\n",
            cfile, cline);
    fflush(stderr);
    _exit(3);
}

static void ice_on_signal(int sig) {
    /* Only async-signal-safe calls here. */
    static const char head[] = "internal compiler error: the compiler crashed (signal ";
    static const char tail[] = ")\n  this is a bug in sifr; please report it with the input program\n";
    char num[16];
    int n = 0, s = sig;
    char rev[16];
    do { rev[n++] = (char)('0' + s % 10); s /= 10; } while (s && n < 15);
    for (int i = 0; i < n; i++) num[i] = rev[n - 1 - i];
    ssize_t w = write(2, head, sizeof head - 1);
    w = write(2, num, (size_t)n);
    w = write(2, tail, sizeof tail - 1);
    (void)w;
    _exit(3);
}

void ice_install_crash_handlers(void) {
    /* Run the handler on an alternate stack so a stack overflow is reported too. */
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ice_on_signal;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) ICE("out of memory allocating %zu bytes", n);
    return p;
}
void *xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) ICE("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}
void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) ICE("out of memory reallocating %zu bytes", n);
    return q;
}
char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }
char *xstrndup(const char *s, size_t n) {
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

uint32_t utf8_seq_len(const unsigned char *s, size_t avail) {
    unsigned char c = s[0];
    uint32_t len, cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return 0;
    if (avail < len) return 0;
    for (uint32_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* ==== Source map ======================================================== */

static VEC(SourceFile *) g_sources; /* index 0 unused */

static FileId source_register(const char *path, char *text, size_t len) {
    if (g_sources.len == 0) vec_push(&g_sources, NULL);
    SourceFile *sf = xcalloc(1, sizeof *sf);
    sf->id = g_sources.len;
    sf->path = xstrdup(path);
    sf->text = text;
    sf->len = (uint32_t)len;
    uint32_t cap = 64;
    sf->line_starts = xmalloc(cap * sizeof(uint32_t));
    sf->line_starts[sf->line_count++] = 0;
    for (uint32_t i = 0; i < sf->len; i++) {
        if (text[i] == '\n') {
            if (sf->line_count == cap) {
                cap *= 2;
                sf->line_starts = xrealloc(sf->line_starts, cap * sizeof(uint32_t));
            }
            sf->line_starts[sf->line_count++] = i + 1;
        }
    }
    vec_push(&g_sources, sf);
    return sf->id;
}

FileId source_load(const char *path, const char **err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = strerror(errno);
        return 0;
    }
    StrBuf sb = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_putn(&sb, buf, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        sb_free(&sb);
        *err = "read error";
        return 0;
    }
    if (sb.len > UINT32_MAX - 16) {
        sb_free(&sb);
        *err = "file too large";
        return 0;
    }
    size_t len = sb.len;
    return source_register(path, sb_take(&sb), len);
}

FileId source_add(const char *path, const char *text, size_t len) {
    return source_register(path, xstrndup(text, len), len);
}

SourceFile *source_get(FileId id) {
    if (id == 0 || id >= g_sources.len) ICE("bad file id %u", id);
    return g_sources.items[id];
}

void source_line_col(FileId id, uint32_t offset, uint32_t *line, uint32_t *col) {
    SourceFile *sf = source_get(id);
    uint32_t lo = 0, hi = sf->line_count; /* find last line_start <= offset */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (sf->line_starts[mid] <= offset) lo = mid;
        else hi = mid;
    }
    *line = lo + 1;
    *col = offset - sf->line_starts[lo] + 1;
}

void source_reset(void) {
    for (uint32_t i = 1; i < g_sources.len; i++) {
        SourceFile *sf = g_sources.items[i];
        free(sf->path);
        free(sf->text);
        free(sf->line_starts);
        free(sf);
    }
    vec_free(&g_sources);
}

/* ==== Arena ============================================================= */

struct ArenaBlock {
    ArenaBlock *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void *arena_alloc(Arena *a, size_t size) {
    size = (size + 15) & ~(size_t)15;
    ArenaBlock *b = a->head;
    if (!b || b->used + size > b->cap) {
        size_t cap = size > 65536 ? size : 65536;
        b = xmalloc(sizeof(ArenaBlock) + cap);
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void arena_free(Arena *a) {
    ArenaBlock *b = a->head;
    while (b) {
        ArenaBlock *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* ==== String buffers ==================================================== */

static void sb_reserve(StrBuf *sb, size_t extra) {
    if (sb->len + extra + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + extra + 1) cap *= 2;
        sb->data = xrealloc(sb->data, cap);
        sb->cap = cap;
    }
}
void sb_putc(StrBuf *sb, char c) {
    sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = 0;
}
void sb_putn(StrBuf *sb, const char *s, size_t n) {
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}
void sb_puts(StrBuf *sb, const char *s) { sb_putn(sb, s, strlen(s)); }
void sb_printf(StrBuf *sb, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) ICE("bad format string");
    sb_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    sb->len += (size_t)n;
}
char *sb_take(StrBuf *sb) {
    if (!sb->data) return xstrdup("");
    char *p = sb->data;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return p;
}
void sb_free(StrBuf *sb) {
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

/* ==== Interner ===========================================================
 * Open addressing over XXH3-64 hashes; the table stores ids, entries hold the
 * bytes (NUL-terminated copies). Equal byte strings get equal ids. */

typedef struct InternEntry {
    char *text;
    uint32_t len;
    uint64_t hash;
} InternEntry;

static VEC(InternEntry) g_strings; /* index 0 unused */
static uint32_t *g_table;          /* ids; 0 = empty */
static uint32_t g_table_cap;       /* power of two */

static void intern_grow(void) {
    uint32_t cap = g_table_cap ? g_table_cap * 2 : 1024;
    uint32_t *t = xcalloc(cap, sizeof(uint32_t));
    for (uint32_t i = 0; i < g_table_cap; i++) {
        uint32_t id = g_table[i];
        if (!id) continue;
        uint32_t j = (uint32_t)g_strings.items[id].hash & (cap - 1);
        while (t[j]) j = (j + 1) & (cap - 1);
        t[j] = id;
    }
    free(g_table);
    g_table = t;
    g_table_cap = cap;
}

StrId intern(const char *s, size_t len) {
    if (g_strings.len == 0) vec_push(&g_strings, ((InternEntry){0}));
    if ((g_strings.len + 1) * 2 > g_table_cap) intern_grow();
    uint64_t h = XXH3_64bits(s, len);
    uint32_t j = (uint32_t)h & (g_table_cap - 1);
    for (;;) {
        uint32_t id = g_table[j];
        if (!id) break;
        InternEntry *e = &g_strings.items[id];
        if (e->hash == h && e->len == len && memcmp(e->text, s, len) == 0) return id;
        j = (j + 1) & (g_table_cap - 1);
    }
    InternEntry e = {xstrndup(s, len), (uint32_t)len, h};
    vec_push(&g_strings, e);
    g_table[j] = g_strings.len - 1;
    return g_strings.len - 1;
}

StrId intern_cstr(const char *s) { return intern(s, strlen(s)); }

const char *str_text(StrId id) {
    if (id == 0 || id >= g_strings.len) return "";
    return g_strings.items[id].text;
}

uint32_t str_len(StrId id) {
    if (id == 0 || id >= g_strings.len) return 0;
    return g_strings.items[id].len;
}

void intern_reset(void) {
    for (uint32_t i = 1; i < g_strings.len; i++) free(g_strings.items[i].text);
    vec_free(&g_strings);
    free(g_table);
    g_table = NULL;
    g_table_cap = 0;
}
