/* The diagnostics engine: records diagnostics in emission order and renders
 * them in three forms: human (rustc-like excerpts with carets), compact (one
 * `path:line:col: error[CODE]: msg` line each, parsed by the corpus runner)
 * and json (one object per line, for tools). */
#include "diag.h"

#include <stdarg.h>

/* ==== Recording ========================================================== */

static VEC(Diagnostic *) g_diags;
static uint32_t g_error_count;

static char *diag_vformat(const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) ICE("bad diagnostic format string \"%s\"", fmt);
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

Diagnostic *diag_new(DiagSeverity sev, const char *code, Span span, const char *fmt, ...) {
    Diagnostic *d = xcalloc(1, sizeof *d);
    d->severity = sev;
    d->code = code;
    d->span = span;
    va_list ap;
    va_start(ap, fmt);
    d->message = diag_vformat(fmt, ap);
    va_end(ap);
    return d;
}

void diag_label(Diagnostic *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    free(d->label);
    d->label = diag_vformat(fmt, ap);
    va_end(ap);
}

void diag_note(Diagnostic *d, Span span, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    DiagNote n = {span, diag_vformat(fmt, ap)};
    va_end(ap);
    vec_push(&d->notes, n);
}

void diag_help(Diagnostic *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    free(d->help);
    d->help = diag_vformat(fmt, ap);
    va_end(ap);
}

void diag_emit(Diagnostic *d) {
    if (!d) ICE("diag_emit(NULL)");
    vec_push(&g_diags, d);
    if (d->severity == SEV_ERROR) g_error_count++;
}

void diag_error(const char *code, Span span, const char *fmt, ...) {
    Diagnostic *d = xcalloc(1, sizeof *d);
    d->severity = SEV_ERROR;
    d->code = code;
    d->span = span;
    va_list ap;
    va_start(ap, fmt);
    d->message = diag_vformat(fmt, ap);
    va_end(ap);
    diag_emit(d);
}

uint32_t diag_error_count(void) { return g_error_count; }
uint32_t diag_count(void) { return g_diags.len; }

const Diagnostic *diag_at(uint32_t i) {
    if (i >= g_diags.len) ICE("diagnostic index %u out of range (%u recorded)", i, g_diags.len);
    return g_diags.items[i];
}

static void diag_free(Diagnostic *d) {
    free(d->message);
    free(d->label);
    free(d->help);
    for (uint32_t i = 0; i < d->notes.len; i++) free(d->notes.items[i].message);
    vec_free(&d->notes);
    free(d);
}

void diag_reset(void) {
    for (uint32_t i = 0; i < g_diags.len; i++) diag_free(g_diags.items[i]);
    vec_free(&g_diags);
    g_error_count = 0;
}

/* ==== Source positions =================================================== */

static const char *diag_severity_word(DiagSeverity s) {
    switch (s) {
    case SEV_ERROR: return "error";
    case SEV_WARNING: return "warning";
    case SEV_NOTE: return "note";
    }
    ICE("bad diagnostic severity %d", (int)s);
}

/* A resolved location: spans may come from any stage, so offsets past the
 * end of the file are clamped rather than trusted. */
typedef struct DiagLoc {
    SourceFile *sf;
    uint32_t lo, hi;
    uint32_t line, col, end_line, end_col;
} DiagLoc;

static bool diag_resolve(Span sp, DiagLoc *loc) {
    if (sp.file == 0) return false;
    SourceFile *sf = source_get(sp.file);
    uint32_t lo = sp.lo > sf->len ? sf->len : sp.lo;
    uint32_t hi = sp.hi > sf->len ? sf->len : sp.hi;
    if (hi < lo) hi = lo;
    loc->sf = sf;
    loc->lo = lo;
    loc->hi = hi;
    source_line_col(sp.file, lo, &loc->line, &loc->col);
    source_line_col(sp.file, hi, &loc->end_line, &loc->end_col);
    return true;
}

/* The bytes of 1-based line `line`, without its '\n' (or "\r\n"). */
static void diag_line_text(const SourceFile *sf, uint32_t line, uint32_t *start, uint32_t *end) {
    uint32_t s = sf->line_starts[line - 1];
    uint32_t e = line < sf->line_count ? sf->line_starts[line] - 1 : sf->len;
    if (e > s && sf->text[e - 1] == '\r') e--;
    *start = s;
    *end = e;
}

/* Display width of source bytes in the excerpt: a tab shows as four spaces
 * and UTF-8 continuation bytes take no column of their own. */
static uint32_t diag_display_width(const char *s, uint32_t n) {
    uint32_t w = 0;
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t') w += 4;
        else if ((c & 0xC0) != 0x80) w++;
    }
    return w;
}

static uint32_t diag_digits(uint32_t n) {
    uint32_t d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* ==== Human rendering ==================================================== */

typedef struct DiagStyle {
    bool color;
    const char *sev;    /* colour of the severity word and the primary carets */
    const char *gutter; /* colour of line numbers, bars and arrows */
    const char *bold;
    const char *reset;
} DiagStyle;

static void diag_pad(FILE *out, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) fputc(' ', out);
}

/* One excerpt: `  --> path:line:col`, an empty gutter line, the source line
 * and a caret line underlining the span on its first line. */
static void diag_render_excerpt(FILE *out, const DiagLoc *loc, uint32_t w, const char *label,
                                const char *caret_color, const DiagStyle *st) {
    const SourceFile *sf = loc->sf;
    diag_pad(out, w + 1);
    fprintf(out, "%s-->%s %s:%u:%u\n", st->gutter, st->reset, sf->path, loc->line, loc->col);
    diag_pad(out, w + 2);
    fprintf(out, "%s|%s\n", st->gutter, st->reset);

    uint32_t ls, le;
    diag_line_text(sf, loc->line, &ls, &le);
    fprintf(out, "%s %*u |%s", st->gutter, (int)w, loc->line, st->reset);
    if (le > ls) {
        fputc(' ', out);
        for (uint32_t i = ls; i < le; i++) {
            if (sf->text[i] == '\t') fputs("    ", out);
            else fputc(sf->text[i], out);
        }
    }
    fputc('\n', out);

    uint32_t lo = loc->lo < ls ? ls : loc->lo;
    if (lo > le) lo = le;
    uint32_t hi = loc->hi > le ? le : loc->hi;
    if (hi < lo) hi = lo;
    uint32_t before = diag_display_width(sf->text + ls, lo - ls);
    uint32_t carets = diag_display_width(sf->text + lo, hi - lo);
    if (carets == 0) carets = 1;
    diag_pad(out, w + 2);
    fprintf(out, "%s|%s ", st->gutter, st->reset);
    diag_pad(out, before);
    fputs(caret_color, out);
    for (uint32_t i = 0; i < carets; i++) fputc('^', out);
    if (label && *label) fprintf(out, " %s", label);
    fprintf(out, "%s\n", st->reset);
}

static void diag_render_human(FILE *out, const Diagnostic *d, bool color) {
    DiagStyle st = {color, "", "", "", ""};
    if (color) {
        st.sev = d->severity == SEV_ERROR     ? "\x1b[1;31m"
                 : d->severity == SEV_WARNING ? "\x1b[1;33m"
                                              : "\x1b[1;32m";
        st.gutter = "\x1b[1;34m";
        st.bold = "\x1b[1m";
        st.reset = "\x1b[0m";
    }

    /* The gutter is as wide as the largest line number shown. */
    DiagLoc loc;
    bool has_loc = diag_resolve(d->span, &loc);
    uint32_t maxline = has_loc ? loc.line : 1;
    for (uint32_t i = 0; i < d->notes.len; i++) {
        DiagLoc nl;
        if (diag_resolve(d->notes.items[i].span, &nl) && nl.line > maxline) maxline = nl.line;
    }
    uint32_t w = diag_digits(maxline);

    fprintf(out, "%s%s", st.sev, diag_severity_word(d->severity));
    if (d->code) fprintf(out, "[%s]", d->code);
    fprintf(out, "%s%s: %s%s\n", st.reset, st.bold, d->message, st.reset);
    if (has_loc) diag_render_excerpt(out, &loc, w, d->label, st.sev, &st);

    for (uint32_t i = 0; i < d->notes.len; i++) {
        const DiagNote *n = &d->notes.items[i];
        DiagLoc nl;
        if (diag_resolve(n->span, &nl)) {
            /* "= note: ... at L:C" (SPEC section 7); the file is named only
             * when it is not the one shown above */
            diag_pad(out, w + 2);
            fprintf(out, "%s=%s %snote%s: %s at ", st.gutter, st.reset, st.bold, st.reset, n->message);
            if (!has_loc || nl.sf != loc.sf) fprintf(out, "%s:", nl.sf->path);
            fprintf(out, "%u:%u\n", nl.line, nl.col);
        } else {
            diag_pad(out, w + 2);
            fprintf(out, "%s=%s %snote%s: %s\n", st.gutter, st.reset, st.bold, st.reset, n->message);
        }
    }
    if (d->help) {
        diag_pad(out, w + 2);
        fprintf(out, "%s=%s %shelp%s: %s\n", st.gutter, st.reset, st.bold, st.reset, d->help);
    }
}

/* ==== Compact rendering ================================================== */

static void diag_compact_prefix(FILE *out, const DiagLoc *loc, bool has_loc) {
    if (has_loc) fprintf(out, "%s:%u:%u: ", loc->sf->path, loc->line, loc->col);
    else fputs("sifr: ", out);
}

static void diag_render_compact(FILE *out, const Diagnostic *d) {
    DiagLoc loc;
    bool has_loc = diag_resolve(d->span, &loc);
    diag_compact_prefix(out, &loc, has_loc);
    fputs(diag_severity_word(d->severity), out);
    if (d->code) fprintf(out, "[%s]", d->code);
    fprintf(out, ": %s\n", d->message);
    for (uint32_t i = 0; i < d->notes.len; i++) {
        const DiagNote *n = &d->notes.items[i];
        DiagLoc nl;
        /* A note without a location is reported at the primary location. */
        if (diag_resolve(n->span, &nl)) diag_compact_prefix(out, &nl, true);
        else diag_compact_prefix(out, &loc, has_loc);
        fprintf(out, "note: %s\n", n->message);
    }
    if (d->help) {
        diag_compact_prefix(out, &loc, has_loc);
        fprintf(out, "help: %s\n", d->help);
    }
}

/* ==== JSON rendering ===================================================== */


/* A JSON string literal; invalid UTF-8 becomes U+FFFD so the output always
 * parses. */
static void diag_json_str(FILE *out, const char *s) {
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, out);
            i++;
        } else {
            uint32_t len = utf8_seq_len((const unsigned char *)s + i, n - i);
            if (len == 0) {
                fputs("\\ufffd", out);
                i++;
            } else {
                fwrite(s + i, 1, len, out);
                i += len;
            }
        }
    }
    fputc('"', out);
}

static void diag_render_json(FILE *out, const Diagnostic *d) {
    DiagLoc loc;
    bool has_loc = diag_resolve(d->span, &loc);
    fputs("{\"severity\":", out);
    diag_json_str(out, diag_severity_word(d->severity));
    fputs(",\"code\":", out);
    diag_json_str(out, d->code);
    fputs(",\"message\":", out);
    diag_json_str(out, d->message);
    fputs(",\"file\":", out);
    if (has_loc) {
        diag_json_str(out, loc.sf->path);
        fprintf(out, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u", loc.line,
                loc.col, loc.end_line, loc.end_col);
    } else {
        fputs("null,\"line\":null,\"column\":null,\"end_line\":null,\"end_column\":null", out);
    }
    fputs(",\"label\":", out);
    diag_json_str(out, d->label);
    fputs(",\"notes\":[", out);
    for (uint32_t i = 0; i < d->notes.len; i++) {
        const DiagNote *n = &d->notes.items[i];
        DiagLoc nl;
        if (i) fputc(',', out);
        fputs("{\"message\":", out);
        diag_json_str(out, n->message);
        fputs(",\"file\":", out);
        if (diag_resolve(n->span, &nl)) {
            diag_json_str(out, nl.sf->path);
            fprintf(out, ",\"line\":%u,\"column\":%u}", nl.line, nl.col);
        } else {
            fputs("null,\"line\":null,\"column\":null}", out);
        }
    }
    fputs("],\"help\":", out);
    diag_json_str(out, d->help);
    fputs("}\n", out);
}

/* ==== Entry points ======================================================= */

void diag_render(FILE *out, const Diagnostic *d, DiagFormat fmt, bool color) {
    switch (fmt) {
    case DIAG_HUMAN: diag_render_human(out, d, color); return;
    case DIAG_COMPACT: diag_render_compact(out, d); return;
    case DIAG_JSON: diag_render_json(out, d); return;
    }
    ICE("bad diagnostic format %d", (int)fmt);
}

void diag_render_all(FILE *out, DiagFormat fmt, bool color) {
    for (uint32_t i = 0; i < g_diags.len; i++) {
        /* Human diagnostics are separated by a blank line. */
        if (fmt == DIAG_HUMAN && i > 0) fputc('\n', out);
        diag_render(out, g_diags.items[i], fmt, color);
    }
    fflush(out);
}

bool diag_parse_format(const char *name, DiagFormat *out) {
    if (!name) return false;
    if (strcmp(name, "human") == 0) *out = DIAG_HUMAN;
    else if (strcmp(name, "json") == 0) *out = DIAG_JSON;
    else if (strcmp(name, "compact") == 0) *out = DIAG_COMPACT;
    else return false;
    return true;
}
