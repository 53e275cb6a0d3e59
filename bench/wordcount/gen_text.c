/* Generates the word-count benchmark's input text on stdout: deterministic
 * (fixed-seed splitmix64), about BYTES bytes (default 50,000,000) of lines of
 * 8 to 15 words drawn from a built-in vocabulary with a Zipf-like
 * distribution, in mixed case and with punctuation attached to words.
 *
 * usage: gen_text [BYTES] > text.txt */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most frequent words: common English, ranked roughly by frequency.
 * Two contain an apostrophe, which word counting keeps (only the ends of a
 * word are stripped). */
static const char *const gen_common[] = {
    "the",    "of",     "and",    "to",     "a",      "in",       "is",     "it",     "you",
    "that",   "he",     "was",    "for",    "on",     "are",      "with",   "as",     "his",
    "they",   "be",     "at",     "one",    "have",   "this",     "from",   "or",     "had",
    "by",     "hot",    "word",   "but",    "what",   "some",     "we",     "can",    "out",
    "other",  "were",   "all",    "there",  "when",   "up",       "use",    "your",   "how",
    "said",   "an",     "each",   "she",    "which",  "do",       "their",  "time",   "if",
    "will",   "way",    "about",  "many",   "then",   "them",     "write",  "would",  "like",
    "so",     "these",  "her",    "long",   "make",   "thing",    "see",    "him",    "two",
    "has",    "look",   "more",   "day",    "could",  "go",       "come",   "did",    "number",
    "sound",  "no",     "most",   "people", "my",     "over",     "know",   "water",  "than",
    "call",   "first",  "who",    "may",    "down",   "side",     "been",   "now",    "find",
    "don't",  "it's",   "river",  "stone",  "light",  "house",    "garden", "window", "morning",
    "letter", "market", "winter", "summer", "engine", "compiler",
};
#define GEN_NCOMMON (sizeof gen_common / sizeof gen_common[0])

/* The long tail: made-up words of two or three syllables. */
static const char *const gen_syllables[] = {
    "ka",  "lo", "mi", "ren", "sa", "tor", "vel", "qu", "an", "dor", "fi", "gal",
    "hen", "is", "jo", "mar", "nu", "pel", "ras", "ti", "ur", "wen", "xa", "zo",
};
#define GEN_NSYL (sizeof gen_syllables / sizeof gen_syllables[0])
#define GEN_VOCAB 6000
#define GEN_WORD_MAX 16

static char gen_vocab[GEN_VOCAB][GEN_WORD_MAX];
static double gen_cumulative[GEN_VOCAB];

static uint64_t gen_state = 0x5eed5eed12345678ULL;

/* splitmix64: small, fast and fully determined by the seed above. */
static uint64_t gen_next(void) {
    uint64_t z = (gen_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). The modulo bias is irrelevant for a test text. */
static unsigned gen_below(unsigned n) {
    return (unsigned)(gen_next() % n);
}

/* Uniform in [0, 1) with 53 random bits. */
static double gen_unit(void) {
    return (double)(gen_next() >> 11) * (1.0 / 9007199254740992.0);
}

static void gen_build_vocabulary(void) {
    size_t n = 0;
    for (; n < GEN_NCOMMON; n++) snprintf(gen_vocab[n], GEN_WORD_MAX, "%s", gen_common[n]);
    /* Every two-syllable word, then three-syllable ones, in a fixed order.
     * Should two syllable sequences spell the same word, that only merges
     * two ranks, which is harmless. */
    for (size_t i = 0; n < GEN_VOCAB && i < GEN_NSYL; i++)
        for (size_t j = 0; n < GEN_VOCAB && j < GEN_NSYL; j++, n++)
            snprintf(gen_vocab[n], GEN_WORD_MAX, "%s%s", gen_syllables[i], gen_syllables[j]);
    for (size_t i = 0; n < GEN_VOCAB; i++, n++)
        snprintf(gen_vocab[n], GEN_WORD_MAX, "%s%s%s", gen_syllables[i % GEN_NSYL],
                 gen_syllables[(i / GEN_NSYL) % GEN_NSYL], gen_syllables[(i * 7 + 3) % GEN_NSYL]);
    /* Zipf with exponent 1: the word of rank r has weight 1 / (r + 1). */
    double total = 0;
    for (size_t r = 0; r < GEN_VOCAB; r++) {
        total += 1.0 / (double)(r + 1);
        gen_cumulative[r] = total;
    }
    for (size_t r = 0; r < GEN_VOCAB; r++) gen_cumulative[r] /= total;
}

/* A vocabulary index drawn from the Zipf distribution (binary search in the
 * cumulative weights). */
static size_t gen_pick(void) {
    double u = gen_unit();
    size_t lo = 0, hi = GEN_VOCAB - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gen_cumulative[mid] <= u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Appends one word to buf in its drawn case and punctuation; returns the
 * new length. */
static size_t gen_word(char *buf, size_t len, int first, int last) {
    const char *w = gen_vocab[gen_pick()];
    unsigned wrap = gen_below(100); /* 0: "quoted", 1: (parenthesised) */
    unsigned casing = gen_below(100);
    if (wrap == 0)
        buf[len++] = '"';
    else if (wrap == 1)
        buf[len++] = '(';
    for (size_t i = 0; w[i]; i++) {
        char c = w[i];
        /* A line starts with a capital; elsewhere 6% Capitalised, 1% UPPER. */
        int upper = (i == 0 && (first || casing < 6)) || casing == 99;
        if (upper && c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        buf[len++] = c;
    }
    if (wrap == 0)
        buf[len++] = '"';
    else if (wrap == 1)
        buf[len++] = ')';
    if (last) {
        static const char ends[] = ".....!?";
        buf[len++] = ends[gen_below(sizeof ends - 1)];
    } else {
        unsigned p = gen_below(100);
        if (p < 8)
            buf[len++] = ',';
        else if (p < 10)
            buf[len++] = ';';
        else if (p < 11)
            buf[len++] = ':';
        else if (p < 12)
            buf[len++] = '.';
    }
    return len;
}

int main(int argc, char **argv) {
    long long target = 50000000;
    if (argc > 2 || (argc == 2 && (target = atoll(argv[1])) <= 0)) {
        fputs("usage: gen_text [BYTES] > text.txt\n", stderr);
        return 2;
    }
    gen_build_vocabulary();
    /* A line holds at most 15 words of at most GEN_WORD_MAX + 4 bytes. */
    char line[15 * (GEN_WORD_MAX + 4) + 2];
    long long written = 0;
    while (written < target) {
        int words = 8 + (int)gen_below(8);
        size_t len = 0;
        for (int i = 0; i < words; i++) {
            if (i) line[len++] = ' ';
            len = gen_word(line, len, i == 0, i == words - 1);
        }
        line[len++] = '\n';
        if (fwrite(line, 1, len, stdout) != len) {
            perror("gen_text");
            return 1;
        }
        written += (long long)len;
    }
    if (fflush(stdout) != 0) {
        perror("gen_text");
        return 1;
    }
    return 0;
}
