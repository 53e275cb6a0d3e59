/* Benchmark peer: word frequency count in C (clang-19 -O2). Same rules and
 * output as wordcount.sifr: lower-case the text, split it on whitespace,
 * strip .,;:!?"'() from both ends of each word, drop empty words, count
 * them, print the 10 most frequent as "word count" lines (ties in
 * alphabetical order). The text's path is argv[1]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Entry {
    const char *word; /* points into the (lower-cased) text buffer */
    uint32_t len;
    uint64_t hash;
    int64_t count;
} Entry;

typedef struct Table {
    Entry *slots; /* open addressing, linear probing; word == NULL is empty */
    size_t cap, used;
} Table;

static void *wc_alloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fputs("wordcount: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

/* FNV-1a, 64-bit. */
static uint64_t wc_hash(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static void wc_grow(Table *t) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    Entry *slots = wc_alloc(cap * sizeof *slots);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].word) continue;
        size_t k = t->slots[i].hash & (cap - 1);
        while (slots[k].word) k = (k + 1) & (cap - 1);
        slots[k] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

static void wc_add(Table *t, const char *w, size_t n) {
    if (2 * (t->used + 1) > t->cap) wc_grow(t);
    uint64_t h = wc_hash(w, n);
    size_t k = h & (t->cap - 1);
    for (;;) {
        Entry *e = &t->slots[k];
        if (!e->word) {
            *e = (Entry){w, (uint32_t)n, h, 1};
            t->used++;
            return;
        }
        if (e->hash == h && e->len == n && memcmp(e->word, w, n) == 0) {
            e->count++;
            return;
        }
        k = (k + 1) & (t->cap - 1);
    }
}

static int wc_is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int wc_is_punct(char c) {
    return c != '\0' && strchr(".,;:!?\"'()", c) != NULL;
}

/* Most frequent first; equal counts in byte order of the words, which for
 * UTF-8 is code-point order, as in the other implementations. */
static int wc_compare(const void *pa, const void *pb) {
    const Entry *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->word, b->word, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

static char *wc_read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 20, len = 0;
    char *buf = wc_alloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf) {
                fputs("wordcount: out of memory\n", stderr);
                exit(1);
            }
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0) break;
        len += got;
    }
    if (ferror(f)) {
        perror(path);
        exit(1);
    }
    fclose(f);
    *size = len;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fputs("usage: wordcount TEXT-FILE\n", stderr);
        return 2;
    }
    size_t size;
    char *text = wc_read_file(argv[1], &size);
    Table t = {0};
    size_t i = 0;
    while (i < size) {
        while (i < size && wc_is_space(text[i])) i++;
        size_t start = i;
        while (i < size && !wc_is_space(text[i])) {
            char c = text[i];
            if (c >= 'A' && c <= 'Z') text[i] = (char)(c - 'A' + 'a');
            i++;
        }
        size_t end = i;
        while (start < end && wc_is_punct(text[start])) start++;
        while (end > start && wc_is_punct(text[end - 1])) end--;
        if (end > start) wc_add(&t, text + start, end - start);
    }
    Entry *all = wc_alloc(t.used * sizeof *all);
    size_t n = 0;
    for (size_t k = 0; k < t.cap; k++)
        if (t.slots[k].word) all[n++] = t.slots[k];
    qsort(all, n, sizeof *all, wc_compare);
    for (size_t k = 0; k < n && k < 10; k++)
        printf("%.*s %lld\n", (int)all[k].len, all[k].word, (long long)all[k].count);
    free(all);
    free(t.slots);
    free(text);
    return 0;
}
