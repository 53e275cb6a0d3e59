/* The Sifr parser: a hand-written recursive-descent parser over the lexer's
 * token list that builds the AST of ast.h. Statements follow Python 3.12's
 * grammar (with Sifr's soft keywords own/mut/type/match/case); expressions use
 * precedence climbing for the binary operators. Errors are recovered at
 * logical-line boundaries so one file reports all of its independent errors. */
#include <stdarg.h>

#include "ast.h"
#include "diag.h"

/* Deeper nesting than this (brackets, unary chains, blocks, patterns) is
 * rejected with a diagnostic so hostile input cannot exhaust the C stack. */
#define PARSE_MAX_DEPTH 256

typedef struct Parser {
    FileId file;
    Ast *ast;
    Token *toks;
    uint32_t ntoks;
    uint32_t pos;
    uint32_t prev_hi;  /* end offset of the last consumed real token */
    int depth;         /* current nesting, bounded by PARSE_MAX_DEPTH */
    bool panic;        /* an error was reported; unwind to the statement loop */
    uint32_t err_line; /* line of the last reported error (one error per line) */
    VEC(NodeId) stk;   /* scratch stack for building child lists */
    StrId s_own, s_mut, s_type, s_match, s_case, s_wild, s_self;
} Parser;

/* ==== Tokens ============================================================== */

static Token *parse_cur(Parser *p) { return &p->toks[p->pos]; }

static TokKind parse_peek(Parser *p, uint32_t k) {
    uint32_t i = p->pos + k;
    return i < p->ntoks ? p->toks[i].kind : TOK_EOF;
}

static bool parse_at(Parser *p, TokKind k) { return p->toks[p->pos].kind == k; }

static bool parse_at_name(Parser *p, StrId name) {
    return parse_at(p, TOK_NAME) && parse_cur(p)->name == name;
}

static Token *parse_advance(Parser *p) {
    Token *t = &p->toks[p->pos];
    if (t->kind == TOK_EOF) return t;
    p->pos++;
    if (t->kind != TOK_NEWLINE && t->kind != TOK_INDENT && t->kind != TOK_DEDENT)
        p->prev_hi = t->span.hi;
    return t;
}

static bool parse_accept(Parser *p, TokKind k) {
    if (!parse_at(p, k)) return false;
    parse_advance(p);
    return true;
}

static uint32_t parse_lo(Parser *p) { return parse_cur(p)->span.lo; }

/* ==== Diagnostics ========================================================= */

/* Describe a token for "found X" messages: names and keywords show their text. */
static void parse_describe(Parser *p, const Token *t, char *buf, size_t n) {
    if (t->kind == TOK_NAME) {
        snprintf(buf, n, "`%s`", str_text(t->name));
    } else if (t->kind >= TOK_FALSE) {
        snprintf(buf, n, "`%s`", tok_kind_name(t->kind));
    } else if (t->kind == TOK_NEWLINE) {
        snprintf(buf, n, "end of line");
    } else {
        snprintf(buf, n, "%s", tok_kind_name(t->kind));
    }
    (void)p;
}

/* Start an error unless one was already reported on the same line (then
 * NULL). The caller may add a label, notes or help, then emits it. */
static Diagnostic *parse_vbegin(Parser *p, const char *code, Span sp, const char *fmt, va_list ap) {
    uint32_t line, col;
    source_line_col(p->file, sp.lo, &line, &col);
    if (line == p->err_line) return NULL;
    p->err_line = line;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    p->ast->error_count++;
    return diag_new(SEV_ERROR, code, sp, "%s", msg);
}

static Diagnostic *parse_begin(Parser *p, const char *code, Span sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static Diagnostic *parse_begin(Parser *p, const char *code, Span sp, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    Diagnostic *d = parse_vbegin(p, code, sp, fmt, ap);
    va_end(ap);
    return d;
}

static void parse_vreport(Parser *p, const char *code, Span sp, const char *fmt, va_list ap) {
    Diagnostic *d = parse_vbegin(p, code, sp, fmt, ap);
    if (d) diag_emit(d);
}

static void parse_report(Parser *p, const char *code, Span sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void parse_report(Parser *p, const char *code, Span sp, const char *fmt, ...) {
    if (p->panic) return;
    va_list ap;
    va_start(ap, fmt);
    parse_vreport(p, code, sp, fmt, ap);
    va_end(ap);
}

/* Report and enter panic mode: every parse function then returns quickly and
 * the statement loop skips to the end of the logical line. */
static void parse_fail(Parser *p, const char *code, Span sp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void parse_fail(Parser *p, const char *code, Span sp, const char *fmt, ...) {
    if (p->panic) return;
    va_list ap;
    va_start(ap, fmt);
    parse_vreport(p, code, sp, fmt, ap);
    va_end(ap);
    p->panic = true;
}

/* ---- Brackets ------------------------------------------------------------
 * The lexer drops newlines inside brackets, so an unclosed `(` turns the rest
 * of the file into one logical line and the parser only stumbles over it at
 * some later token. When an error happens inside brackets, the bracket
 * structure around the failing token explains it better than the token
 * itself: an opener that is never closed, a closer of the wrong kind, or a
 * closer with no opener. These are the situations Python reports as
 * "'(' was never closed", "closing parenthesis ')' does not match opening
 * parenthesis '['" and "unmatched ')'". */

static bool parse_is_open(TokKind k) { return k == TOK_LPAREN || k == TOK_LBRACKET || k == TOK_LBRACE; }
static bool parse_is_close(TokKind k) { return k == TOK_RPAREN || k == TOK_RBRACKET || k == TOK_RBRACE; }

static TokKind parse_closer_of(TokKind open) {
    return open == TOK_LPAREN ? TOK_RPAREN : open == TOK_LBRACKET ? TOK_RBRACKET : TOK_RBRACE;
}

/* Index of the innermost bracket still open just before token `at`, or
 * UINT32_MAX. Layout tokens never occur inside brackets, so the search stops
 * at the last one. */
static uint32_t parse_open_bracket(Parser *p, uint32_t at) {
    uint32_t closed = 0;
    for (uint32_t i = at; i-- > 0;) {
        TokKind k = p->toks[i].kind;
        if (k == TOK_NEWLINE || k == TOK_INDENT || k == TOK_DEDENT) break;
        if (parse_is_close(k)) closed++;
        else if (parse_is_open(k) && closed-- == 0) return i;
    }
    return UINT32_MAX;
}

/* Whether the bracket at index `open` has no matching closer at all (the
 * lexer's depth count, which any closer decrements, never returns to it). */
static bool parse_never_closed(Parser *p, uint32_t open) {
    uint32_t depth = 0;
    for (uint32_t i = open; i < p->ntoks; i++) {
        TokKind k = p->toks[i].kind;
        if (parse_is_open(k)) depth++;
        else if (parse_is_close(k) && --depth == 0) return false;
    }
    return true;
}

static uint32_t parse_line_of(Parser *p, uint32_t offset) {
    uint32_t line, col;
    source_line_col(p->file, offset, &line, &col);
    return line;
}

/* Report the error at token index `at` in terms of brackets when they
 * explain it; false when they do not (the caller reports as usual). A
 * stray or mismatched closer is still reported at the closer with the
 * caller's code (what was expected there does not change), only with a
 * clearer message; an opener that is never closed is SIFR-PARSE-0008 at the
 * opener (its closer was expected). */
static bool parse_bracket_error(Parser *p, uint32_t at, const char *code) {
    Token *t = &p->toks[at];
    uint32_t open = parse_open_bracket(p, at);
    const char *tname = tok_kind_name(t->kind);
    if (parse_is_close(t->kind)) {
        Diagnostic *d;
        if (open == UINT32_MAX) {
            d = parse_begin(p, code, t->span, "unmatched `%s`", tname);
            if (d) diag_label(d, "there is no open bracket for this `%s` to close", tname);
        } else {
            TokKind ok = parse_closer_of(p->toks[open].kind);
            if (ok == t->kind) return false;
            const char *oname = tok_kind_name(p->toks[open].kind);
            d = parse_begin(p, code, t->span, "closing `%s` does not match the opening `%s`", tname,
                            oname);
            if (d) {
                diag_label(d, "expected `%s` here", tok_kind_name(ok));
                diag_note(d, p->toks[open].span, "the `%s` is opened here", oname);
            }
        }
        if (d) diag_emit(d);
        return true;
    }
    if (open == UINT32_MAX || !parse_never_closed(p, open)) return false;
    /* Only when the failing token is past the opener's line (or at the end
     * of the input): on the opener's own line the token found is the
     * better clue, as in `f(1 2)`. */
    Token *o = &p->toks[open];
    bool at_end = t->kind == TOK_EOF || t->kind == TOK_NEWLINE || t->kind == TOK_DEDENT;
    if (!at_end && parse_line_of(p, t->span.lo) <= parse_line_of(p, o->span.lo)) return false;
    const char *oname = tok_kind_name(o->kind);
    Diagnostic *d = parse_begin(p, CODE_PARSE_EXPECTED, o->span, "`%s` was never closed", oname);
    if (d) {
        diag_label(d, "this `%s` is never closed", oname);
        diag_help(d, "add the missing `%s`", tok_kind_name(parse_closer_of(o->kind)));
        diag_emit(d);
    }
    return true;
}

/* Fail at the current token, with an optional label under it and help
 * line. A TOK_ERROR was already reported by the lexer, so it only silences
 * the rest of the line. Inside brackets the report may move to the bracket
 * that explains the error (parse_bracket_error). */
static void parse_vfail_cur(Parser *p, const char *code, const char *label, const char *help,
                            const char *fmt, va_list ap) {
    if (p->panic) return;
    Token *t = parse_cur(p);
    p->panic = true;
    if (t->kind == TOK_ERROR) {
        uint32_t col;
        source_line_col(p->file, t->span.lo, &p->err_line, &col);
        return;
    }
    if (parse_bracket_error(p, p->pos, code)) return;
    Diagnostic *d = parse_vbegin(p, code, t->span, fmt, ap);
    if (!d) return;
    if (label) diag_label(d, "%s", label);
    if (help) diag_help(d, "%s", help);
    diag_emit(d);
}

static void parse_fail_here(Parser *p, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void parse_fail_here(Parser *p, const char *code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    parse_vfail_cur(p, code, NULL, NULL, fmt, ap);
    va_end(ap);
}

static void parse_fail_hint(Parser *p, const char *code, const char *label, const char *help,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void parse_fail_hint(Parser *p, const char *code, const char *label, const char *help,
                            const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    parse_vfail_cur(p, code, label, help, fmt, ap);
    va_end(ap);
}

static bool parse_can_start_expr(TokKind k);

static void parse_expected(Parser *p, const char *what) {
    char found[160];
    Token *t = parse_cur(p);
    parse_describe(p, t, found, sizeof found);
    /* `[1, 2 3]`, `f(a b)`, `(a b)`: a list (or a parenthesised
     * expression, which a `,` would make a tuple) followed on the same line
     * by something that could be its next element. */
    bool list = strstr(what, "`,`") || strcmp(what, "`)`") == 0;
    bool comma = list && t->kind != TOK_ERROR && parse_can_start_expr(t->kind) &&
                 p->pos > 0 && parse_line_of(p, t->span.lo) == parse_line_of(p, p->prev_hi);
    parse_fail_hint(p, CODE_PARSE_EXPECTED, comma ? "perhaps a `,` is missing before this" : NULL,
                    NULL, "expected %s, found %s", what, found);
}

static bool parse_expect(Parser *p, TokKind k, const char *what) {
    if (p->panic) return false;
    if (parse_accept(p, k)) return true;
    parse_expected(p, what);
    return false;
}

/* ==== Nodes and lists ===================================================== */

static Node *parse_node(Parser *p, NodeId id) { return ast_node(p->ast, id); }

static NodeId parse_mk(Parser *p, NodeKind k, uint32_t lo) {
    uint32_t hi = p->prev_hi > lo ? p->prev_hi : lo;
    return ast_new(p->ast, k, span_make(p->file, lo, hi));
}

static NodeId parse_poison(Parser *p, uint32_t lo) { return parse_mk(p, N_POISON, lo); }

static uint32_t parse_mark(Parser *p) { return p->stk.len; }
static void parse_push(Parser *p, NodeId id) { vec_push(&p->stk, id); }

/* Turn everything pushed since `mark` into a NodeList. */
static NodeList parse_list_from(Parser *p, uint32_t mark) {
    NodeList l = ast_list(p->ast, p->stk.items + mark, p->stk.len - mark);
    p->stk.len = mark;
    return l;
}

static bool parse_enter(Parser *p) {
    if (p->panic) return false;
    if (p->depth >= PARSE_MAX_DEPTH) {
        /* Not parse_fail_here: deep nesting is the problem, not a bracket. */
        parse_fail(p, CODE_PARSE_SYNTAX, parse_cur(p)->span, "nesting too deep (more than %d levels)",
                   PARSE_MAX_DEPTH);
        return false;
    }
    p->depth++;
    return true;
}

static void parse_leave(Parser *p) { p->depth--; }

/* ==== Expressions ========================================================= */

static NodeId parse_expr(Parser *p);
static NodeId parse_named_expr(Parser *p);
static NodeId parse_disjunction(Parser *p);
static NodeId parse_binary(Parser *p, int min_prec);
static NodeId parse_factor(Parser *p);
static NodeId parse_star_exprs(Parser *p, bool named);
static NodeId parse_target_list(Parser *p);
static NodeList parse_comp_fors(Parser *p);
static NodeId parse_yield(Parser *p);

static bool parse_can_start_expr(TokKind k) {
    switch (k) {
    case TOK_NAME: case TOK_INT: case TOK_FLOAT: case TOK_STRING: case TOK_BYTES:
    case TOK_FSTRING: case TOK_TRUE: case TOK_FALSE: case TOK_NONE: case TOK_ELLIPSIS:
    case TOK_LPAREN: case TOK_LBRACKET: case TOK_LBRACE: case TOK_MINUS: case TOK_PLUS:
    case TOK_TILDE: case TOK_NOT: case TOK_AWAIT: case TOK_LAMBDA: case TOK_STAR:
    case TOK_ERROR:
        return true;
    default:
        return false;
    }
}

static bool parse_at_comp_for(Parser *p) {
    return parse_at(p, TOK_FOR) || (parse_at(p, TOK_ASYNC) && parse_peek(p, 1) == TOK_FOR);
}

/* fstring_field -> the expression text of one replacement field, sub-lexed
 * from the file so nested strings and brackets keep real spans. */
static NodeId parse_fstring_parts(Parser *p, const FStrPart *parts, uint32_t count, Span sp);

static NodeId parse_fmt_field(Parser *p, const FStrPart *part, Span sp) {
    TokenList tl = lex_range(p->file, part->expr_span.lo, part->expr_span.hi, &p->ast->arena);
    Token *save_toks = p->toks;
    uint32_t save_n = p->ntoks, save_pos = p->pos, save_hi = p->prev_hi;
    p->toks = tl.items;
    p->ntoks = tl.len;
    p->pos = 0;
    NodeId e;
    if (tl.len == 0 || tl.items[tl.len - 1].kind != TOK_EOF)
        ICE("lex_range did not end with TOK_EOF");
    if (parse_at(p, TOK_EOF)) {
        parse_fail(p, CODE_PARSE_FSTRING, part->expr_span, "empty expression in f-string");
        e = ast_new(p->ast, N_POISON, part->expr_span);
    } else {
        e = parse_star_exprs(p, true);
        if (!p->panic && !parse_at(p, TOK_EOF)) {
            char found[160];
            parse_describe(p, parse_cur(p), found, sizeof found);
            parse_fail_here(p, CODE_PARSE_FSTRING,
                            "invalid f-string expression: unexpected %s", found);
        }
    }
    p->toks = save_toks;
    p->ntoks = save_n;
    p->pos = save_pos;
    p->prev_hi = save_hi;
    token_list_free(&tl);
    NodeId spec = 0;
    if (part->spec_count > 0 && !p->panic)
        spec = parse_fstring_parts(p, part->spec, part->spec_count, sp);
    NodeId f = ast_new(p->ast, N_FMT_FIELD, part->expr_span);
    Node *n = parse_node(p, f);
    n->a = e;
    n->b = spec;
    n->op = (uint32_t)(unsigned char)part->conversion;
    n->alias = part->debug ? 1 : 0;
    return f;
}

/* Pending literal text of an f-string under construction: adjacent literal
 * pieces are merged so the tree does not depend on how text was split. */
static void parse_flush_text(Parser *p, StrBuf *text, Span sp) {
    if (text->len == 0) return;
    NodeId s = ast_new(p->ast, N_STR, sp);
    parse_node(p, s)->v.str = intern(text->data, text->len);
    text->len = 0;
    parse_push(p, s);
}

static NodeId parse_fstring_parts(Parser *p, const FStrPart *parts, uint32_t count, Span sp) {
    uint32_t mark = parse_mark(p);
    StrBuf text = {0};
    for (uint32_t i = 0; i < count && !p->panic; i++) {
        if (!parts[i].is_expr) {
            sb_putn(&text, str_text(parts[i].text), str_len(parts[i].text));
        } else {
            parse_flush_text(p, &text, sp);
            parse_push(p, parse_fmt_field(p, &parts[i], sp));
        }
    }
    parse_flush_text(p, &text, sp);
    sb_free(&text);
    NodeList l = parse_list_from(p, mark);
    NodeId f = ast_new(p->ast, N_FSTRING, sp);
    parse_node(p, f)->list = l;
    return f;
}

/* Source-level flags of a string token: raw and triple-quoted. */
static uint16_t parse_string_flags(Parser *p, const Token *t) {
    SourceFile *sf = source_get(p->file);
    uint16_t fl = 0;
    uint32_t i = t->span.lo;
    while (i < t->span.hi && sf->text[i] != '"' && sf->text[i] != '\'') {
        if (sf->text[i] == 'r' || sf->text[i] == 'R') fl |= NF_RAW;
        i++;
    }
    if (i + 2 < t->span.hi && sf->text[i + 1] == sf->text[i] && sf->text[i + 2] == sf->text[i])
        fl |= NF_TRIPLE;
    return fl;
}

/* strings -> (STRING | BYTES | FSTRING)+ ; adjacent literals concatenate */
static NodeId parse_strings(Parser *p) {
    uint32_t lo = parse_lo(p);
    uint32_t first = p->pos;
    bool any_f = false, any_bytes = false, any_str = false;
    while (parse_at(p, TOK_STRING) || parse_at(p, TOK_BYTES) || parse_at(p, TOK_FSTRING)) {
        Token *t = parse_advance(p);
        if (t->kind == TOK_FSTRING) any_f = true;
        if (t->kind == TOK_BYTES) any_bytes = true;
        else any_str = true;
    }
    uint32_t last = p->pos;
    Span sp = span_make(p->file, lo, p->prev_hi);
    if (any_bytes && any_str) {
        parse_fail(p, CODE_PARSE_SYNTAX, sp, "cannot mix bytes and str literals");
        return ast_new(p->ast, N_POISON, sp);
    }
    if (!any_f) {
        StrBuf sb = {0};
        for (uint32_t i = first; i < last; i++)
            sb_putn(&sb, str_text(p->toks[i].str), str_len(p->toks[i].str));
        NodeId s = ast_new(p->ast, any_bytes ? N_BYTES : N_STR, sp);
        Node *n = parse_node(p, s);
        n->v.str = intern(sb.data ? sb.data : "", sb.len);
        n->flags = parse_string_flags(p, &p->toks[first]);
        sb_free(&sb);
        return s;
    }
    uint32_t mark = parse_mark(p);
    StrBuf text = {0};
    for (uint32_t i = first; i < last && !p->panic; i++) {
        Token *t = &p->toks[i];
        if (t->kind == TOK_STRING) {
            sb_putn(&text, str_text(t->str), str_len(t->str));
            continue;
        }
        for (uint32_t j = 0; j < t->fstr.count && !p->panic; j++) {
            const FStrPart *part = &t->fstr.parts[j];
            if (!part->is_expr) {
                sb_putn(&text, str_text(part->text), str_len(part->text));
            } else {
                parse_flush_text(p, &text, t->span);
                parse_push(p, parse_fmt_field(p, part, t->span));
            }
        }
    }
    parse_flush_text(p, &text, sp);
    sb_free(&text);
    NodeList l = parse_list_from(p, mark);
    if (p->panic) return ast_new(p->ast, N_POISON, sp);
    NodeId f = ast_new(p->ast, N_FSTRING, sp);
    parse_node(p, f)->list = l;
    return f;
}

/* Finish `[elt for ...]`, `{k: v for ...}`, `(elt for ...)`. */
static NodeId parse_finish_comp(Parser *p, uint32_t lo, CompKind kind, NodeId elt, NodeId val,
                                TokKind close, const char *what) {
    NodeList fors = parse_comp_fors(p);
    if (close != TOK_EOF) parse_expect(p, close, what);
    NodeId c = parse_mk(p, N_COMP, lo);
    Node *n = parse_node(p, c);
    n->op = kind;
    n->a = elt;
    n->b = val;
    n->list = fors;
    return c;
}

/* starred -> '*' bitwise_or */
static NodeId parse_starred(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    NodeId e = parse_binary(p, 1);
    NodeId s = parse_mk(p, N_STARRED, lo);
    parse_node(p, s)->a = e;
    return s;
}

/* star_named_expr -> '*' bitwise_or | named_expr */
static NodeId parse_star_named(Parser *p) {
    if (parse_at(p, TOK_STAR)) return parse_starred(p);
    return parse_named_expr(p);
}

/* paren_atom -> '(' [yield_expr | star_named_expr (comp_for | (',' star_named_expr)* [','])] ')' */
static NodeId parse_paren(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    if (parse_accept(p, TOK_RPAREN)) {
        NodeId t = parse_mk(p, N_TUPLE, lo);
        parse_node(p, t)->flags |= NF_PAREN;
        return t;
    }
    if (parse_at(p, TOK_YIELD)) {
        NodeId y = parse_yield(p);
        parse_expect(p, TOK_RPAREN, "`)`");
        parse_node(p, y)->flags |= NF_PAREN;
        return y;
    }
    NodeId first = parse_star_named(p);
    if (p->panic) return first;
    if (parse_at_comp_for(p)) return parse_finish_comp(p, lo, COMP_GEN, first, 0, TOK_RPAREN, "`)`");
    if (!parse_at(p, TOK_COMMA)) {
        parse_expect(p, TOK_RPAREN, "`)`");
        if (parse_node(p, first)->kind == N_STARRED && !p->panic)
            parse_fail(p, CODE_PARSE_SYNTAX, parse_node(p, first)->span,
                       "a starred expression cannot stand alone in parentheses");
        parse_node(p, first)->flags |= NF_PAREN;
        return first;
    }
    uint32_t mark = parse_mark(p);
    parse_push(p, first);
    bool trailing = false;
    while (parse_accept(p, TOK_COMMA)) {
        trailing = true;
        if (parse_at(p, TOK_RPAREN)) break;
        trailing = false;
        parse_push(p, parse_star_named(p));
        if (p->panic) break;
    }
    parse_expect(p, TOK_RPAREN, "`)` or `,`");
    NodeList l = parse_list_from(p, mark);
    NodeId t = parse_mk(p, N_TUPLE, lo);
    Node *n = parse_node(p, t);
    n->list = l;
    n->flags |= NF_PAREN | (trailing ? NF_TRAILING_COMMA : 0);
    return t;
}

/* list_atom -> '[' [star_named_expr (comp_for | (',' star_named_expr)* [','])] ']' */
static NodeId parse_list_display(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    uint32_t mark = parse_mark(p);
    bool trailing = false;
    if (!parse_at(p, TOK_RBRACKET)) {
        NodeId first = parse_star_named(p);
        if (p->panic) { p->stk.len = mark; return first; }
        if (parse_at_comp_for(p))
            return parse_finish_comp(p, lo, COMP_LIST, first, 0, TOK_RBRACKET, "`]`");
        parse_push(p, first);
        while (parse_accept(p, TOK_COMMA)) {
            trailing = true;
            if (parse_at(p, TOK_RBRACKET)) break;
            trailing = false;
            parse_push(p, parse_star_named(p));
            if (p->panic) break;
        }
    }
    parse_expect(p, TOK_RBRACKET, "`]` or `,`");
    NodeList l = parse_list_from(p, mark);
    NodeId t = parse_mk(p, N_LIST, lo);
    parse_node(p, t)->list = l;
    if (trailing) parse_node(p, t)->flags |= NF_TRAILING_COMMA;
    return t;
}

/* dict_item -> '**' bitwise_or | expr ':' expr */
static NodeId parse_dict_item(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId k = 0, v;
    if (parse_accept(p, TOK_DSTAR)) {
        v = parse_binary(p, 1);
    } else {
        k = parse_expr(p);
        parse_expect(p, TOK_COLON, "`:`");
        v = parse_expr(p);
    }
    NodeId it = parse_mk(p, N_DICT_ITEM, lo);
    parse_node(p, it)->a = k;
    parse_node(p, it)->b = v;
    return it;
}

/* brace_atom -> '{' '}' | '{' dict_item (comp_for | (',' dict_item)* [',']) '}'
 *             | '{' star_named_expr (comp_for | (',' star_named_expr)* [',']) '}' */
static NodeId parse_brace(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    uint32_t mark = parse_mark(p);
    if (parse_accept(p, TOK_RBRACE)) return parse_mk(p, N_DICT, lo);
    bool is_dict;
    if (parse_at(p, TOK_DSTAR)) {
        is_dict = true;
        parse_push(p, parse_dict_item(p));
    } else {
        NodeId first = parse_star_named(p);
        if (p->panic) return first;
        if (parse_accept(p, TOK_COLON)) {
            is_dict = true;
            NodeId v = parse_expr(p);
            if (p->panic) return v;
            if (parse_at_comp_for(p))
                return parse_finish_comp(p, lo, COMP_DICT, first, v, TOK_RBRACE, "`}`");
            NodeId it = ast_new(p->ast, N_DICT_ITEM,
                                span_join(parse_node(p, first)->span, parse_node(p, v)->span));
            parse_node(p, it)->a = first;
            parse_node(p, it)->b = v;
            parse_push(p, it);
        } else {
            is_dict = false;
            if (parse_at_comp_for(p))
                return parse_finish_comp(p, lo, COMP_SET, first, 0, TOK_RBRACE, "`}`");
            parse_push(p, first);
        }
    }
    bool trailing = false;
    while (!p->panic && parse_accept(p, TOK_COMMA)) {
        trailing = true;
        if (parse_at(p, TOK_RBRACE)) break;
        trailing = false;
        parse_push(p, is_dict ? parse_dict_item(p) : parse_star_named(p));
    }
    parse_expect(p, TOK_RBRACE, "`}` or `,`");
    NodeList l = parse_list_from(p, mark);
    NodeId d = parse_mk(p, is_dict ? N_DICT : N_SET, lo);
    parse_node(p, d)->list = l;
    if (trailing) parse_node(p, d)->flags |= NF_TRAILING_COMMA;
    return d;
}

/* atom -> NAME | NUMBER | strings | 'True' | 'False' | 'None' | '...'
 *       | paren_atom | list_atom | brace_atom */
static NodeId parse_atom(Parser *p) {
    if (p->panic) return parse_poison(p, parse_lo(p));
    Token *t = parse_cur(p);
    uint32_t lo = t->span.lo;
    NodeId id;
    switch (t->kind) {
    case TOK_NAME:
        parse_advance(p);
        id = parse_mk(p, N_NAME, lo);
        parse_node(p, id)->name = t->name;
        return id;
    case TOK_INT:
        parse_advance(p);
        id = parse_mk(p, N_INT, lo);
        parse_node(p, id)->v.ival = t->ival;
        return id;
    case TOK_FLOAT:
        parse_advance(p);
        id = parse_mk(p, N_FLOAT, lo);
        parse_node(p, id)->v.fval = t->fval;
        return id;
    case TOK_STRING: case TOK_BYTES: case TOK_FSTRING:
        return parse_strings(p);
    case TOK_TRUE: case TOK_FALSE:
        parse_advance(p);
        id = parse_mk(p, N_BOOL, lo);
        parse_node(p, id)->v.bval = t->kind == TOK_TRUE;
        return id;
    case TOK_NONE:
        parse_advance(p);
        return parse_mk(p, N_NONE, lo);
    case TOK_ELLIPSIS:
        parse_advance(p);
        return parse_mk(p, N_ELLIPSIS, lo);
    case TOK_LPAREN:
        return parse_paren(p);
    case TOK_LBRACKET:
        return parse_list_display(p);
    case TOK_LBRACE:
        return parse_brace(p);
    default:
        parse_expected(p, "an expression");
        return parse_poison(p, lo);
    }
}

/* slice -> [expr] ':' [expr] [':' [expr]] | star_named_expr */
static NodeId parse_slice(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId a = 0, b = 0, c = 0;
    if (!parse_at(p, TOK_COLON)) {
        a = parse_star_named(p);
        if (!parse_at(p, TOK_COLON)) return a;
    }
    parse_advance(p); /* ':' */
    if (parse_can_start_expr(parse_cur(p)->kind)) b = parse_expr(p);
    if (parse_accept(p, TOK_COLON)) {
        if (parse_can_start_expr(parse_cur(p)->kind)) c = parse_expr(p);
    }
    NodeId s = parse_mk(p, N_SLICE, lo);
    Node *n = parse_node(p, s);
    n->a = a;
    n->b = b;
    n->c = c;
    return s;
}

/* subscript -> '[' slice (',' slice)* [','] ']' ; several slices form a tuple */
static NodeId parse_subscript_index(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId first = parse_slice(p);
    if (!parse_at(p, TOK_COMMA) || p->panic) return first;
    uint32_t mark = parse_mark(p);
    parse_push(p, first);
    bool trailing = false;
    while (parse_accept(p, TOK_COMMA)) {
        trailing = true;
        if (parse_at(p, TOK_RBRACKET)) break;
        trailing = false;
        parse_push(p, parse_slice(p));
        if (p->panic) break;
    }
    NodeList l = parse_list_from(p, mark);
    NodeId t = parse_mk(p, N_TUPLE, lo);
    parse_node(p, t)->list = l;
    if (trailing) parse_node(p, t)->flags |= NF_TRAILING_COMMA;
    return t;
}

/* arg -> '*' expr | '**' expr | NAME '=' expr | named_expr [comp_for] */
static NodeId parse_arg(Parser *p, bool *was_genexp) {
    uint32_t lo = parse_lo(p);
    if (parse_accept(p, TOK_STAR)) {
        NodeId e = parse_expr(p);
        NodeId s = parse_mk(p, N_STARRED, lo);
        parse_node(p, s)->a = e;
        return s;
    }
    if (parse_accept(p, TOK_DSTAR)) {
        NodeId e = parse_expr(p);
        NodeId k = parse_mk(p, N_KEYWORD, lo);
        parse_node(p, k)->a = e;
        return k;
    }
    if (parse_at(p, TOK_NAME) && parse_peek(p, 1) == TOK_ASSIGN) {
        StrId name = parse_advance(p)->name;
        parse_advance(p);
        NodeId e = parse_expr(p);
        NodeId k = parse_mk(p, N_KEYWORD, lo);
        parse_node(p, k)->a = e;
        parse_node(p, k)->name = name;
        return k;
    }
    NodeId e = parse_named_expr(p);
    if (!p->panic && parse_at_comp_for(p)) {
        *was_genexp = true;
        return parse_finish_comp(p, lo, COMP_GEN, e, 0, TOK_EOF, NULL);
    }
    return e;
}

/* call_args -> '(' [arg (',' arg)* [',']] ')' */
static NodeList parse_call_args(Parser *p, bool *trailing) {
    uint32_t mark = parse_mark(p);
    *trailing = false;
    parse_advance(p); /* '(' */
    uint32_t nargs = 0;
    bool genexp = false;
    while (!p->panic && !parse_at(p, TOK_RPAREN)) {
        bool g = false;
        parse_push(p, parse_arg(p, &g));
        nargs++;
        if (g) genexp = true;
        if (p->panic) break;
        if (!parse_accept(p, TOK_COMMA)) break;
        *trailing = true;
        if (parse_at(p, TOK_RPAREN)) break;
        *trailing = false;
    }
    if (!p->panic && genexp && (nargs > 1 || *trailing)) {
        parse_fail(p, CODE_PARSE_SYNTAX, parse_cur(p)->span,
                   "a generator expression argument must be parenthesized unless it is the only argument");
    }
    parse_expect(p, TOK_RPAREN, "`)` or `,`");
    return parse_list_from(p, mark);
}

/* primary -> atom ('.' NAME | call_args | '[' subscript ']')* */
static NodeId parse_primary(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId e = parse_atom(p);
    while (!p->panic) {
        if (parse_at(p, TOK_DOT)) {
            parse_advance(p);
            if (!parse_at(p, TOK_NAME)) {
                parse_expected(p, "an attribute name");
                break;
            }
            StrId name = parse_advance(p)->name;
            NodeId a = parse_mk(p, N_ATTR, lo);
            parse_node(p, a)->a = e;
            parse_node(p, a)->name = name;
            e = a;
        } else if (parse_at(p, TOK_LPAREN)) {
            bool trailing;
            NodeList args = parse_call_args(p, &trailing);
            NodeId c = parse_mk(p, N_CALL, lo);
            parse_node(p, c)->a = e;
            parse_node(p, c)->list = args;
            if (trailing) parse_node(p, c)->flags |= NF_TRAILING_COMMA;
            e = c;
        } else if (parse_at(p, TOK_LBRACKET)) {
            parse_advance(p);
            NodeId idx = parse_subscript_index(p);
            parse_expect(p, TOK_RBRACKET, "`]` or `,`");
            NodeId s = parse_mk(p, N_SUBSCRIPT, lo);
            parse_node(p, s)->a = e;
            parse_node(p, s)->b = idx;
            e = s;
        } else {
            break;
        }
    }
    return e;
}

/* power -> ['await'] primary ['**' factor] */
static NodeId parse_power(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId e;
    if (parse_accept(p, TOK_AWAIT)) {
        NodeId operand = parse_primary(p);
        e = parse_mk(p, N_AWAIT, lo);
        parse_node(p, e)->a = operand;
    } else {
        e = parse_primary(p);
    }
    if (!p->panic && parse_accept(p, TOK_DSTAR)) {
        NodeId rhs = parse_factor(p);
        NodeId b = parse_mk(p, N_BINARY, lo);
        parse_node(p, b)->op = TOK_DSTAR;
        parse_node(p, b)->a = e;
        parse_node(p, b)->b = rhs;
        e = b;
    }
    return e;
}

/* factor -> ('-' | '+' | '~') factor | power */
static NodeId parse_factor(Parser *p) {
    TokKind k = parse_cur(p)->kind;
    if (k != TOK_MINUS && k != TOK_PLUS && k != TOK_TILDE) return parse_power(p);
    uint32_t lo = parse_lo(p);
    if (!parse_enter(p)) return parse_poison(p, lo);
    parse_advance(p);
    NodeId operand = parse_factor(p);
    parse_leave(p);
    NodeId u = parse_mk(p, N_UNARY, lo);
    parse_node(p, u)->op = k;
    parse_node(p, u)->a = operand;
    return u;
}

/* Binding power of the binary operators between comparison and unary. */
static int parse_binprec(TokKind k) {
    switch (k) {
    case TOK_PIPE: return 1;
    case TOK_CARET: return 2;
    case TOK_AMP: return 3;
    case TOK_LSHIFT: case TOK_RSHIFT: return 4;
    case TOK_PLUS: case TOK_MINUS: return 5;
    case TOK_STAR: case TOK_SLASH: case TOK_DSLASH: case TOK_PERCENT: case TOK_AT: return 6;
    default: return 0;
    }
}

/* bitwise_or .. term -> factor (binop factor)*, by precedence climbing;
 * all these operators are left-associative */
static NodeId parse_binary(Parser *p, int min_prec) {
    uint32_t lo = parse_lo(p);
    NodeId left = parse_factor(p);
    while (!p->panic) {
        TokKind k = parse_cur(p)->kind;
        int prec = parse_binprec(k);
        if (prec == 0 || prec < min_prec) break;
        parse_advance(p);
        NodeId right = parse_binary(p, prec + 1);
        NodeId b = parse_mk(p, N_BINARY, lo);
        parse_node(p, b)->op = k;
        parse_node(p, b)->a = left;
        parse_node(p, b)->b = right;
        left = b;
    }
    return left;
}

/* comparison -> bitwise_or (comp_op bitwise_or)*
 * comp_op -> '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in' | 'is' ['not'] */
static NodeId parse_comparison(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId first = parse_binary(p, 1);
    uint32_t mark = parse_mark(p);
    VEC(uint32_t) ops = {0};
    while (!p->panic) {
        TokKind k = parse_cur(p)->kind;
        uint32_t op;
        if (k == TOK_EQ || k == TOK_NE || k == TOK_LT || k == TOK_LE || k == TOK_GT ||
            k == TOK_GE || k == TOK_IN) {
            parse_advance(p);
            op = k;
        } else if (k == TOK_NOT && parse_peek(p, 1) == TOK_IN) {
            parse_advance(p);
            parse_advance(p);
            op = CMP_NOT_IN;
        } else if (k == TOK_IS) {
            parse_advance(p);
            op = parse_accept(p, TOK_NOT) ? CMP_IS_NOT : TOK_IS;
        } else {
            break;
        }
        vec_push(&ops, op);
        parse_push(p, parse_binary(p, 1));
    }
    if (ops.len == 0) {
        p->stk.len = mark;
        return first;
    }
    NodeList rest = parse_list_from(p, mark);
    NodeList opl = ast_list(p->ast, ops.items, ops.len);
    vec_free(&ops);
    NodeId c = parse_mk(p, N_COMPARE, lo);
    Node *n = parse_node(p, c);
    n->a = first;
    n->list = rest;
    n->v.cmp.ops_start = opl.start;
    return c;
}

/* inversion -> 'not' inversion | comparison */
static NodeId parse_inversion(Parser *p) {
    if (!parse_at(p, TOK_NOT)) return parse_comparison(p);
    uint32_t lo = parse_lo(p);
    if (!parse_enter(p)) return parse_poison(p, lo);
    parse_advance(p);
    NodeId operand = parse_inversion(p);
    parse_leave(p);
    NodeId u = parse_mk(p, N_UNARY, lo);
    parse_node(p, u)->op = TOK_NOT;
    parse_node(p, u)->a = operand;
    return u;
}

/* Build a left-associative chain of `and`/`or` from operands parsed by `sub`. */
static NodeId parse_boolop_chain(Parser *p, TokKind op, NodeId (*sub)(Parser *)) {
    uint32_t lo = parse_lo(p);
    NodeId left = sub(p);
    while (!p->panic && parse_accept(p, op)) {
        NodeId right = sub(p);
        NodeId b = parse_mk(p, N_BOOLOP, lo);
        parse_node(p, b)->op = op;
        parse_node(p, b)->a = left;
        parse_node(p, b)->b = right;
        left = b;
    }
    return left;
}

/* conjunction -> inversion ('and' inversion)* */
static NodeId parse_conjunction(Parser *p) { return parse_boolop_chain(p, TOK_AND, parse_inversion); }

/* disjunction -> conjunction ('or' conjunction)* */
static NodeId parse_disjunction(Parser *p) { return parse_boolop_chain(p, TOK_OR, parse_conjunction); }

/* lambda_params -> [lparam (',' lparam)* [',']] ; lparam -> NAME ['=' expr] | '*' [NAME] | '**' NAME */
static NodeList parse_lambda_params(Parser *p) {
    uint32_t mark = parse_mark(p);
    while (!p->panic && !parse_at(p, TOK_COLON)) {
        uint32_t lo = parse_lo(p);
        uint16_t flags = 0;
        if (parse_accept(p, TOK_STAR)) flags = NF_STAR;
        else if (parse_accept(p, TOK_DSTAR)) flags = NF_DSTAR;
        StrId name = 0;
        if (parse_at(p, TOK_NAME)) name = parse_advance(p)->name;
        else if (flags != NF_STAR) { parse_expected(p, "a parameter name"); break; }
        NodeId def = 0;
        if (name && flags == 0 && parse_accept(p, TOK_ASSIGN)) def = parse_expr(p);
        NodeId prm = parse_mk(p, N_PARAM, lo);
        parse_node(p, prm)->name = name;
        parse_node(p, prm)->flags = flags;
        parse_node(p, prm)->b = def;
        parse_push(p, prm);
        if (!parse_accept(p, TOK_COMMA)) break;
    }
    return parse_list_from(p, mark);
}

/* expr -> 'lambda' lambda_params ':' expr | disjunction ['if' disjunction 'else' expr] */
static NodeId parse_expr(Parser *p) {
    uint32_t lo = parse_lo(p);
    if (!parse_enter(p)) return parse_poison(p, lo);
    NodeId e;
    if (parse_accept(p, TOK_LAMBDA)) {
        NodeList params = parse_lambda_params(p);
        parse_expect(p, TOK_COLON, "`:`");
        if (!p->panic && !parse_can_start_expr(parse_cur(p)->kind)) {
            char found[160];
            parse_describe(p, parse_cur(p), found, sizeof found);
            parse_fail_hint(p, CODE_PARSE_EXPECTED, "the `lambda` body is missing here",
                            "a `lambda` body is a single expression, as in `lambda x: x + 1`",
                            "expected an expression after `lambda ...:`, found %s", found);
        }
        NodeId body = parse_expr(p);
        e = parse_mk(p, N_LAMBDA, lo);
        parse_node(p, e)->list = params;
        parse_node(p, e)->a = body;
    } else {
        e = parse_disjunction(p);
        if (!p->panic && parse_accept(p, TOK_IF)) {
            NodeId cond = parse_disjunction(p);
            parse_expect(p, TOK_ELSE, "`else`");
            NodeId other = parse_expr(p);
            NodeId ife = parse_mk(p, N_IFEXP, lo);
            parse_node(p, ife)->a = cond;
            parse_node(p, ife)->b = e;
            parse_node(p, ife)->c = other;
            e = ife;
        }
    }
    parse_leave(p);
    return p->panic ? parse_poison(p, lo) : e;
}

/* named_expr -> NAME ':=' expr | expr */
static NodeId parse_named_expr(Parser *p) {
    if (parse_at(p, TOK_NAME) && parse_peek(p, 1) == TOK_WALRUS) {
        uint32_t lo = parse_lo(p);
        StrId name = parse_advance(p)->name;
        parse_advance(p);
        NodeId v = parse_expr(p);
        NodeId w = parse_mk(p, N_WALRUS, lo);
        parse_node(p, w)->name = name;
        parse_node(p, w)->a = v;
        return w;
    }
    return parse_expr(p);
}

/* star_exprs -> star_expr (',' star_expr)* [','] ; more than one (or a
 * trailing comma) makes an unparenthesised tuple */
static NodeId parse_star_exprs(Parser *p, bool named) {
    uint32_t lo = parse_lo(p);
    NodeId first = named ? parse_star_named(p) : (parse_at(p, TOK_STAR) ? parse_star_named(p)
                                                                        : parse_expr(p));
    if (p->panic || !parse_at(p, TOK_COMMA)) return first;
    uint32_t mark = parse_mark(p);
    parse_push(p, first);
    bool trailing = false;
    while (parse_accept(p, TOK_COMMA)) {
        trailing = true;
        if (!parse_can_start_expr(parse_cur(p)->kind)) break;
        trailing = false;
        parse_push(p, named || parse_at(p, TOK_STAR) ? parse_star_named(p) : parse_expr(p));
        if (p->panic) break;
    }
    NodeList l = parse_list_from(p, mark);
    NodeId t = parse_mk(p, N_TUPLE, lo);
    parse_node(p, t)->list = l;
    if (trailing) parse_node(p, t)->flags |= NF_TRAILING_COMMA;
    return t;
}

/* yield_expr -> 'yield' [star_exprs] */
static NodeId parse_yield(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    NodeId v = 0;
    if (parse_can_start_expr(parse_cur(p)->kind)) v = parse_star_exprs(p, false);
    NodeId y = parse_mk(p, N_YIELD, lo);
    parse_node(p, y)->a = v;
    return y;
}

/* target -> '*' bitwise_or | bitwise_or
 * (parsed below the comparison level so `for x in xs` stops before `in`) */
static NodeId parse_star_named_target(Parser *p) {
    if (parse_at(p, TOK_STAR)) return parse_starred(p);
    return parse_binary(p, 1);
}

/* target_list -> target (',' target)* [','] */
static NodeId parse_target_list(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId first = parse_star_named_target(p);
    if (p->panic || !parse_at(p, TOK_COMMA)) return first;
    uint32_t mark = parse_mark(p);
    parse_push(p, first);
    bool trailing = false;
    while (parse_accept(p, TOK_COMMA)) {
        trailing = true;
        if (!parse_can_start_expr(parse_cur(p)->kind)) break;
        trailing = false;
        parse_push(p, parse_star_named_target(p));
        if (p->panic) break;
    }
    NodeList l = parse_list_from(p, mark);
    NodeId t = parse_mk(p, N_TUPLE, lo);
    parse_node(p, t)->list = l;
    if (trailing) parse_node(p, t)->flags |= NF_TRAILING_COMMA;
    return t;
}

/* comp_for -> ['async'] 'for' target_list 'in' disjunction ('if' disjunction)* ; repeated */
static bool parse_check_target(Parser *p, NodeId *t, bool in_seq);

static NodeList parse_comp_fors(Parser *p) {
    uint32_t mark = parse_mark(p);
    while (!p->panic && parse_at_comp_for(p)) {
        uint32_t lo = parse_lo(p);
        uint16_t flags = parse_accept(p, TOK_ASYNC) ? NF_ASYNC : 0;
        parse_advance(p); /* 'for' */
        NodeId target = parse_target_list(p);
        parse_check_target(p, &target, false);
        parse_expect(p, TOK_IN, "`in`");
        NodeId iter = parse_disjunction(p);
        uint32_t cmark = parse_mark(p);
        while (!p->panic && parse_accept(p, TOK_IF)) parse_push(p, parse_disjunction(p));
        NodeList conds = parse_list_from(p, cmark);
        NodeId f = parse_mk(p, N_COMP_FOR, lo);
        Node *n = parse_node(p, f);
        n->a = target;
        n->b = iter;
        n->list = conds;
        n->flags = flags;
        parse_push(p, f);
    }
    return parse_list_from(p, mark);
}

/* ==== Assignment targets ================================================== */

static const char *parse_kind_what(NodeKind k) {
    switch (k) {
    case N_CALL: return "a function call";
    case N_INT: case N_FLOAT: case N_STR: case N_BYTES: case N_FSTRING: case N_BOOL:
    case N_NONE: case N_ELLIPSIS: return "a literal";
    case N_COMPARE: return "a comparison";
    case N_BINARY: case N_UNARY: case N_BOOLOP: return "an operator expression";
    case N_LAMBDA: return "a lambda";
    case N_IFEXP: return "a conditional expression";
    case N_AWAIT: return "an await expression";
    case N_COMP: return "a comprehension";
    case N_DICT: case N_SET: return "a dict or set display";
    case N_WALRUS: return "a named expression";
    case N_YIELD: return "a yield expression";
    default: return "this expression";
    }
}

/* Check that *t can be assigned to; an invalid target is reported
 * (SIFR-PARSE-0010) and replaced by a poison node. Sequence targets may hold
 * starred targets. */
static bool parse_check_target(Parser *p, NodeId *t, bool in_seq) {
    if (p->panic) return false;
    Node *n = parse_node(p, *t);
    switch (n->kind) {
    case N_NAME: case N_ATTR: case N_SUBSCRIPT: case N_POISON:
        return true;
    case N_STARRED:
        if (in_seq) return parse_check_target(p, &n->a, false);
        break;
    case N_TUPLE: case N_LIST: {
        bool ok = true;
        for (uint32_t i = 0; i < n->list.count; i++) {
            NodeId *slot = &p->ast->ids.items[n->list.start + i];
            if (!parse_check_target(p, slot, true)) ok = false;
            n = parse_node(p, *t);
        }
        return ok;
    }
    default:
        break;
    }
    Span sp = n->span;
    parse_report(p, CODE_PARSE_TARGET, sp, "cannot assign to %s", parse_kind_what(n->kind));
    *t = ast_new(p->ast, N_POISON, sp);
    return false;
}

/* Augmented and annotated assignment take exactly one simple target. */
static bool parse_check_single_target(Parser *p, NodeId *t, const char *what) {
    if (p->panic) return false;
    Node *n = parse_node(p, *t);
    if (n->kind == N_NAME || n->kind == N_ATTR || n->kind == N_SUBSCRIPT || n->kind == N_POISON)
        return true;
    Span sp = n->span;
    parse_report(p, CODE_PARSE_TARGET, sp, "%s cannot assign to %s", what,
                 n->kind == N_TUPLE || n->kind == N_LIST ? "a sequence"
                                                         : parse_kind_what(n->kind));
    *t = ast_new(p->ast, N_POISON, sp);
    return false;
}

/* ==== Simple statements =================================================== */

static TokKind parse_augop(TokKind k) {
    switch (k) {
    case TOK_PLUS_ASSIGN: return TOK_PLUS;
    case TOK_MINUS_ASSIGN: return TOK_MINUS;
    case TOK_STAR_ASSIGN: return TOK_STAR;
    case TOK_SLASH_ASSIGN: return TOK_SLASH;
    case TOK_DSLASH_ASSIGN: return TOK_DSLASH;
    case TOK_PERCENT_ASSIGN: return TOK_PERCENT;
    case TOK_DSTAR_ASSIGN: return TOK_DSTAR;
    case TOK_AMP_ASSIGN: return TOK_AMP;
    case TOK_PIPE_ASSIGN: return TOK_PIPE;
    case TOK_CARET_ASSIGN: return TOK_CARET;
    case TOK_LSHIFT_ASSIGN: return TOK_LSHIFT;
    case TOK_RSHIFT_ASSIGN: return TOK_RSHIFT;
    default: return TOK_EOF;
    }
}

/* rhs -> yield_expr | star_exprs */
static NodeId parse_rhs(Parser *p) {
    if (parse_at(p, TOK_YIELD)) return parse_yield(p);
    return parse_star_exprs(p, true);
}

/* expr_stmt -> star_exprs ( ('=' rhs)+ | augop rhs | ':' expr ['=' rhs] )? */
static NodeId parse_expr_stmt(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId first = parse_rhs(p);
    if (p->panic) return first;
    TokKind k = parse_cur(p)->kind;
    if (k == TOK_ASSIGN) {
        uint32_t mark = parse_mark(p);
        NodeId value = first;
        while (!p->panic && parse_accept(p, TOK_ASSIGN)) {
            parse_check_target(p, &value, false);
            parse_push(p, value);
            value = parse_rhs(p);
        }
        NodeList targets = parse_list_from(p, mark);
        NodeId s = parse_mk(p, N_ASSIGN, lo);
        parse_node(p, s)->list = targets;
        parse_node(p, s)->a = value;
        return s;
    }
    if (parse_augop(k) != TOK_EOF) {
        parse_advance(p);
        parse_check_single_target(p, &first, "augmented assignment");
        NodeId value = parse_rhs(p);
        NodeId s = parse_mk(p, N_AUG_ASSIGN, lo);
        parse_node(p, s)->op = parse_augop(k);
        parse_node(p, s)->a = first;
        parse_node(p, s)->b = value;
        return s;
    }
    if (k == TOK_COLON) {
        parse_advance(p);
        parse_check_single_target(p, &first, "an annotation");
        NodeId ann = parse_expr(p);
        NodeId value = 0;
        if (!p->panic && parse_accept(p, TOK_ASSIGN)) value = parse_rhs(p);
        NodeId s = parse_mk(p, N_ANN_ASSIGN, lo);
        parse_node(p, s)->a = first;
        parse_node(p, s)->b = ann;
        parse_node(p, s)->c = value;
        return s;
    }
    NodeId s = parse_mk(p, N_EXPR_STMT, lo);
    parse_node(p, s)->a = first;
    return s;
}

/* dotted_name -> NAME ('.' NAME)* ; returned interned with the dots */
static StrId parse_dotted_name(Parser *p) {
    if (!parse_at(p, TOK_NAME)) {
        parse_expected(p, "a module name");
        return 0;
    }
    StrBuf sb = {0};
    sb_puts(&sb, str_text(parse_advance(p)->name));
    while (parse_at(p, TOK_DOT) && parse_peek(p, 1) == TOK_NAME) {
        parse_advance(p);
        sb_putc(&sb, '.');
        sb_puts(&sb, str_text(parse_advance(p)->name));
    }
    StrId id = intern(sb.data, sb.len);
    sb_free(&sb);
    return id;
}

/* import_stmt -> 'import' dotted_name ['as' NAME] (',' dotted_name ['as' NAME])* */
static NodeId parse_import(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    uint32_t mark = parse_mark(p);
    do {
        uint32_t alo = parse_lo(p);
        StrId name = parse_dotted_name(p);
        StrId alias = 0;
        if (!p->panic && parse_accept(p, TOK_AS)) {
            if (parse_at(p, TOK_NAME)) alias = parse_advance(p)->name;
            else parse_expected(p, "a name after `as`");
        }
        NodeId a = parse_mk(p, N_ALIAS, alo);
        parse_node(p, a)->name = name;
        parse_node(p, a)->alias = alias;
        parse_push(p, a);
    } while (!p->panic && parse_accept(p, TOK_COMMA));
    NodeList l = parse_list_from(p, mark);
    NodeId s = parse_mk(p, N_IMPORT, lo);
    parse_node(p, s)->list = l;
    return s;
}

/* from_stmt -> 'from' ('.' | '...')* [dotted_name] 'import'
 *              ('*' | '(' names [','] ')' | names) ; names -> NAME ['as' NAME] (',' ...)* */
static NodeId parse_from_import(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    uint32_t level = 0;
    for (;;) {
        if (parse_accept(p, TOK_DOT)) level++;
        else if (parse_accept(p, TOK_ELLIPSIS)) level += 3;
        else break;
    }
    StrId module = 0;
    if (!parse_at(p, TOK_IMPORT) || level == 0) module = parse_dotted_name(p);
    parse_expect(p, TOK_IMPORT, "`import`");
    uint32_t mark = parse_mark(p);
    if (!p->panic && parse_at(p, TOK_STAR)) {
        uint32_t alo = parse_lo(p);
        parse_advance(p);
        parse_push(p, parse_mk(p, N_ALIAS, alo));
    } else if (!p->panic) {
        bool paren = parse_accept(p, TOK_LPAREN);
        while (!p->panic) {
            uint32_t alo = parse_lo(p);
            if (!parse_at(p, TOK_NAME)) {
                parse_expected(p, "a name to import");
                break;
            }
            StrId name = parse_advance(p)->name;
            StrId alias = 0;
            if (parse_accept(p, TOK_AS)) {
                if (parse_at(p, TOK_NAME)) alias = parse_advance(p)->name;
                else parse_expected(p, "a name after `as`");
            }
            NodeId a = parse_mk(p, N_ALIAS, alo);
            parse_node(p, a)->name = name;
            parse_node(p, a)->alias = alias;
            parse_push(p, a);
            if (!parse_accept(p, TOK_COMMA)) break;
            if (paren && parse_at(p, TOK_RPAREN)) break;
            if (!paren && !parse_at(p, TOK_NAME)) {
                parse_fail_here(p, CODE_PARSE_SYNTAX,
                                "trailing comma not allowed without surrounding parentheses");
                break;
            }
        }
        if (paren) parse_expect(p, TOK_RPAREN, "`)`");
    }
    NodeList l = parse_list_from(p, mark);
    NodeId s = parse_mk(p, N_IMPORT_FROM, lo);
    parse_node(p, s)->name = module;
    parse_node(p, s)->level = level;
    parse_node(p, s)->list = l;
    return s;
}

/* type_params -> '[' NAME [':' expr] (',' NAME [':' expr])* [','] ']' */
static NodeList parse_type_params(Parser *p) {
    uint32_t mark = parse_mark(p);
    if (!parse_accept(p, TOK_LBRACKET)) return parse_list_from(p, mark);
    while (!p->panic && !parse_at(p, TOK_RBRACKET)) {
        uint32_t lo = parse_lo(p);
        if (!parse_at(p, TOK_NAME)) {
            parse_expected(p, "a type parameter name");
            break;
        }
        StrId name = parse_advance(p)->name;
        NodeId bound = 0;
        if (parse_accept(p, TOK_COLON)) bound = parse_expr(p);
        NodeId tp = parse_mk(p, N_TYPE_PARAM, lo);
        parse_node(p, tp)->name = name;
        parse_node(p, tp)->a = bound;
        parse_push(p, tp);
        if (!parse_accept(p, TOK_COMMA)) break;
    }
    parse_expect(p, TOK_RBRACKET, "`]` or `,`");
    return parse_list_from(p, mark);
}

/* type_alias -> 'type' NAME [type_params] '=' expr */
static NodeId parse_type_alias(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p); /* 'type' */
    StrId name = parse_advance(p)->name;
    NodeList tps = parse_type_params(p);
    parse_expect(p, TOK_ASSIGN, "`=`");
    NodeId value = parse_expr(p);
    NodeId s = parse_mk(p, N_TYPE_ALIAS, lo);
    parse_node(p, s)->name = name;
    parse_node(p, s)->list4 = tps;
    parse_node(p, s)->a = value;
    return s;
}

/* simple_stmt -> 'pass' | 'break' | 'continue' | 'return' [star_exprs]
 *   | 'raise' [expr ['from' expr]] | 'del' target_list | 'assert' expr [',' expr]
 *   | ('global' | 'nonlocal') NAME (',' NAME)* | import_stmt | from_stmt
 *   | type_alias | expr_stmt */
static NodeId parse_simple_stmt(Parser *p) {
    uint32_t lo = parse_lo(p);
    Token *t = parse_cur(p);
    NodeId s;
    switch (t->kind) {
    case TOK_PASS: parse_advance(p); return parse_mk(p, N_PASS, lo);
    case TOK_BREAK: parse_advance(p); return parse_mk(p, N_BREAK, lo);
    case TOK_CONTINUE: parse_advance(p); return parse_mk(p, N_CONTINUE, lo);
    case TOK_RETURN: {
        parse_advance(p);
        NodeId v = 0;
        if (parse_can_start_expr(parse_cur(p)->kind)) v = parse_star_exprs(p, true);
        s = parse_mk(p, N_RETURN, lo);
        parse_node(p, s)->a = v;
        return s;
    }
    case TOK_RAISE: {
        parse_advance(p);
        NodeId e = 0, cause = 0;
        if (parse_can_start_expr(parse_cur(p)->kind)) {
            e = parse_expr(p);
            if (!p->panic && parse_accept(p, TOK_FROM)) cause = parse_expr(p);
        }
        s = parse_mk(p, N_RAISE, lo);
        parse_node(p, s)->a = e;
        parse_node(p, s)->b = cause;
        return s;
    }
    case TOK_DEL: {
        parse_advance(p);
        uint32_t mark = parse_mark(p);
        do {
            if (!parse_can_start_expr(parse_cur(p)->kind)) break;
            NodeId target = parse_binary(p, 1);
            parse_check_target(p, &target, false);
            parse_push(p, target);
        } while (!p->panic && parse_accept(p, TOK_COMMA));
        if (parse_mark(p) == mark) parse_expected(p, "a target after `del`");
        NodeList l = parse_list_from(p, mark);
        s = parse_mk(p, N_DEL, lo);
        parse_node(p, s)->list = l;
        return s;
    }
    case TOK_ASSERT: {
        parse_advance(p);
        NodeId cond = parse_expr(p), msg = 0;
        if (!p->panic && parse_accept(p, TOK_COMMA)) msg = parse_expr(p);
        s = parse_mk(p, N_ASSERT, lo);
        parse_node(p, s)->a = cond;
        parse_node(p, s)->b = msg;
        return s;
    }
    case TOK_GLOBAL: case TOK_NONLOCAL: {
        parse_advance(p);
        uint32_t mark = parse_mark(p);
        do {
            if (!parse_at(p, TOK_NAME)) {
                parse_expected(p, "a name");
                break;
            }
            uint32_t nlo = parse_lo(p);
            StrId name = parse_advance(p)->name;
            NodeId n = parse_mk(p, N_NAME, nlo);
            parse_node(p, n)->name = name;
            parse_push(p, n);
        } while (parse_accept(p, TOK_COMMA));
        NodeList l = parse_list_from(p, mark);
        s = parse_mk(p, N_GLOBAL, lo);
        parse_node(p, s)->list = l;
        if (t->kind == TOK_NONLOCAL) parse_node(p, s)->flags |= NF_NONLOCAL;
        return s;
    }
    case TOK_IMPORT: return parse_import(p);
    case TOK_FROM: return parse_from_import(p);
    case TOK_NAME:
        if (t->name == p->s_type && parse_peek(p, 1) == TOK_NAME &&
            (parse_peek(p, 2) == TOK_ASSIGN || parse_peek(p, 2) == TOK_LBRACKET))
            return parse_type_alias(p);
        return parse_expr_stmt(p);
    default:
        if (parse_can_start_expr(t->kind) || t->kind == TOK_YIELD) return parse_expr_stmt(p);
        {
            char found[160];
            parse_describe(p, t, found, sizeof found);
            parse_fail_here(p, CODE_PARSE_SYNTAX, "invalid syntax: unexpected %s", found);
        }
        return parse_poison(p, lo);
    }
}

/* simple_stmts -> simple_stmt (';' simple_stmt)* [';'] NEWLINE ; pushes each */
static void parse_simple_stmts(Parser *p) {
    for (;;) {
        parse_push(p, parse_simple_stmt(p));
        if (p->panic) return;
        if (!parse_accept(p, TOK_SEMI)) break;
        if (parse_at(p, TOK_NEWLINE) || parse_at(p, TOK_EOF)) break;
    }
    if (parse_accept(p, TOK_NEWLINE) || parse_at(p, TOK_EOF)) return;
    char found[160];
    parse_describe(p, parse_cur(p), found, sizeof found);
    /* `print "hi"`: the Python 2 print statement. */
    uint32_t i = p->pos;
    bool print_stmt = i >= 1 && p->toks[i - 1].kind == TOK_NAME &&
                      strcmp(str_text(p->toks[i - 1].name), "print") == 0 &&
                      (i == 1 || p->toks[i - 2].kind == TOK_NEWLINE || p->toks[i - 2].kind == TOK_INDENT ||
                       p->toks[i - 2].kind == TOK_DEDENT) &&
                      parse_can_start_expr(parse_cur(p)->kind);
    parse_fail_hint(p, CODE_PARSE_SYNTAX, NULL,
                    print_stmt ? "`print` is a function: write `print(...)`" : NULL,
                    "invalid syntax: unexpected %s after the statement", found);
}

/* ==== Compound statements ================================================= */

static void parse_stmt(Parser *p);
static void parse_stmts(Parser *p, bool toplevel);

/* The keyword that starts the compound statement whose header ends before
 * token `at`: the first token of that logical line (after `async`). */
static const Token *parse_header_keyword(Parser *p, uint32_t at) {
    uint32_t i = at;
    while (i > 0) {
        TokKind k = p->toks[i - 1].kind;
        if (k == TOK_NEWLINE || k == TOK_INDENT || k == TOK_DEDENT) break;
        i--;
    }
    if (p->toks[i].kind == TOK_ASYNC && i + 1 < at) i++;
    return &p->toks[i];
}

static void parse_keyword_text(const Token *kw, char *buf, size_t n) {
    if (kw->kind == TOK_NAME) snprintf(buf, n, "%s", str_text(kw->name));
    else snprintf(buf, n, "%s", tok_kind_name(kw->kind));
}

/* A block header without its `:`. The commonest causes get their own
 * wording: `=` in a condition (meant `==`) and `else if` (meant `elif`). */
static void parse_missing_colon(Parser *p) {
    if (p->panic) return;
    const Token *kw = parse_header_keyword(p, p->pos);
    char kwtext[64];
    parse_keyword_text(kw, kwtext, sizeof kwtext);
    bool cond = kw->kind == TOK_IF || kw->kind == TOK_ELIF || kw->kind == TOK_WHILE;
    if (cond && parse_at(p, TOK_ASSIGN)) {
        parse_fail_hint(p, CODE_PARSE_SYNTAX, "`=` assigns a value; did you mean `==`?",
                        "a condition compares with `==`; `=` is only allowed in an assignment statement",
                        "invalid syntax: `=` in the condition of `%s`", kwtext);
        return;
    }
    if (kw->kind == TOK_ELSE && parse_at(p, TOK_IF)) {
        parse_fail_hint(p, CODE_PARSE_EXPECTED, "`else if` is spelled `elif`",
                        "write `elif <condition>:`", "expected `:`, found `if`");
        return;
    }
    char found[160], help[160];
    parse_describe(p, parse_cur(p), found, sizeof found);
    snprintf(help, sizeof help, "the `%s` header ends with `:`, followed by its block", kwtext);
    parse_fail_hint(p, CODE_PARSE_EXPECTED, "expected `:` here", help, "expected `:`, found %s", found);
}

/* block -> ':' (NEWLINE INDENT stmt+ DEDENT | simple_stmts) */
static NodeList parse_block(Parser *p) {
    uint32_t mark = parse_mark(p);
    if (p->panic) return parse_list_from(p, mark);
    if (!parse_accept(p, TOK_COLON)) {
        parse_missing_colon(p);
        return parse_list_from(p, mark);
    }
    if (!parse_at(p, TOK_NEWLINE)) {
        parse_simple_stmts(p);
        return parse_list_from(p, mark);
    }
    parse_advance(p);
    if (!parse_at(p, TOK_INDENT)) {
        /* Not a panic: the next line is a well-formed statement of the outer
         * block and should be parsed as such. The header is before the
         * NEWLINE just consumed. */
        const Token *kw = parse_header_keyword(p, p->pos - 1);
        char kwtext[64];
        parse_keyword_text(kw, kwtext, sizeof kwtext);
        Diagnostic *d = p->panic ? NULL
                                 : parse_begin(p, CODE_PARSE_INDENT, parse_cur(p)->span,
                                               "expected an indented block after the `%s` header on line %u",
                                               kwtext, parse_line_of(p, kw->span.lo));
        if (d) {
            diag_label(d, "this line should be indented deeper than the `%s`", kwtext);
            diag_help(d, "indent the block's statements, or write `pass` for an empty block");
            diag_emit(d);
        }
        return parse_list_from(p, mark);
    }
    if (!parse_enter(p)) return parse_list_from(p, mark);
    parse_advance(p);
    parse_stmts(p, false);
    parse_accept(p, TOK_DEDENT);
    parse_leave(p);
    return parse_list_from(p, mark);
}

/* The header span of a compound statement: first token to the `:`. */
static Span parse_header_span(Parser *p, uint32_t lo, uint32_t colon_hi) {
    return span_make(p->file, lo, colon_hi > lo ? colon_hi : lo);
}

/* Offset just past the header's ':' (the current token when called). */
static uint32_t parse_colon_hi(Parser *p) {
    return parse_at(p, TOK_COLON) ? parse_cur(p)->span.hi : p->prev_hi;
}

/* if_stmt -> ('if' | 'elif') named_expr block ('elif' ... | ['else' block]) */
static NodeId parse_if(Parser *p) {
    uint32_t lo = parse_lo(p);
    bool is_elif = parse_at(p, TOK_ELIF);
    parse_advance(p);
    NodeId cond = parse_named_expr(p);
    uint32_t hi = parse_colon_hi(p);
    NodeList body = parse_block(p);
    NodeList orelse = {0, 0};
    if (!p->panic && parse_at(p, TOK_ELIF)) {
        NodeId e = parse_if(p);
        orelse = ast_list(p->ast, &e, 1);
    } else if (!p->panic && parse_at(p, TOK_ELSE)) {
        parse_advance(p);
        orelse = parse_block(p);
    }
    NodeId s = ast_new(p->ast, N_IF, parse_header_span(p, lo, hi));
    Node *n = parse_node(p, s);
    n->a = cond;
    n->list = body;
    n->list2 = orelse;
    if (is_elif) n->flags |= NF_ELIF;
    return s;
}

/* while_stmt -> 'while' named_expr block ['else' block] */
static NodeId parse_while(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    NodeId cond = parse_named_expr(p);
    uint32_t hi = parse_colon_hi(p);
    NodeList body = parse_block(p);
    NodeList orelse = {0, 0};
    if (!p->panic && parse_accept(p, TOK_ELSE)) orelse = parse_block(p);
    NodeId s = ast_new(p->ast, N_WHILE, parse_header_span(p, lo, hi));
    Node *n = parse_node(p, s);
    n->a = cond;
    n->list = body;
    n->list2 = orelse;
    return s;
}

/* for_stmt -> ['async'] 'for' target_list 'in' star_exprs block ['else' block] */
static NodeId parse_for(Parser *p, uint32_t lo, uint16_t flags) {
    parse_advance(p); /* 'for' */
    NodeId target = parse_target_list(p);
    parse_check_target(p, &target, false);
    parse_expect(p, TOK_IN, "`in`");
    NodeId iter = p->panic ? parse_poison(p, parse_lo(p)) : parse_star_exprs(p, true);
    uint32_t hi = parse_colon_hi(p);
    NodeList body = parse_block(p);
    NodeList orelse = {0, 0};
    if (!p->panic && parse_accept(p, TOK_ELSE)) orelse = parse_block(p);
    NodeId s = ast_new(p->ast, N_FOR, parse_header_span(p, lo, hi));
    Node *n = parse_node(p, s);
    n->a = target;
    n->b = iter;
    n->list = body;
    n->list2 = orelse;
    n->flags = flags;
    return s;
}

/* with_item -> expr ['as' target] */
static NodeId parse_with_item(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId ctx = parse_expr(p);
    NodeId target = 0;
    if (!p->panic && parse_accept(p, TOK_AS)) {
        target = parse_star_named_target(p);
        parse_check_target(p, &target, false);
    }
    NodeId it = parse_mk(p, N_WITH_ITEM, lo);
    parse_node(p, it)->a = ctx;
    parse_node(p, it)->b = target;
    return it;
}

/* Is the '(' at the cursor the start of `with (item, ...):`? True when its
 * matching ')' is directly followed by ':'. */
static bool parse_with_is_parenthesised(Parser *p) {
    uint32_t depth = 0;
    for (uint32_t i = p->pos; i < p->ntoks; i++) {
        TokKind k = p->toks[i].kind;
        if (k == TOK_LPAREN || k == TOK_LBRACKET || k == TOK_LBRACE) depth++;
        else if (k == TOK_RPAREN || k == TOK_RBRACKET || k == TOK_RBRACE) {
            if (depth == 0) return false;
            if (--depth == 0) return i + 1 < p->ntoks && p->toks[i + 1].kind == TOK_COLON;
        } else if (k == TOK_NEWLINE || k == TOK_EOF) {
            return false;
        }
    }
    return false;
}

/* with_stmt -> ['async'] 'with' ( '(' with_item (',' with_item)* [','] ')'
 *                                | with_item (',' with_item)* ) block */
static NodeId parse_with(Parser *p, uint32_t lo, uint16_t flags) {
    parse_advance(p); /* 'with' */
    uint32_t mark = parse_mark(p);
    if (parse_at(p, TOK_LPAREN) && parse_with_is_parenthesised(p)) {
        parse_advance(p);
        while (!p->panic && !parse_at(p, TOK_RPAREN)) {
            parse_push(p, parse_with_item(p));
            if (!parse_accept(p, TOK_COMMA)) break;
        }
        parse_expect(p, TOK_RPAREN, "`)` or `,`");
    } else {
        do parse_push(p, parse_with_item(p));
        while (!p->panic && parse_accept(p, TOK_COMMA));
    }
    NodeList items = parse_list_from(p, mark);
    uint32_t hi = parse_colon_hi(p);
    NodeList body = parse_block(p);
    NodeId s = ast_new(p->ast, N_WITH, parse_header_span(p, lo, hi));
    Node *n = parse_node(p, s);
    n->list = items;
    n->list2 = body;
    n->flags = flags;
    return s;
}

/* try_stmt -> 'try' block (except_clause+ ['else' block] ['finally' block] | 'finally' block)
 * except_clause -> 'except' [expr ['as' NAME]] block */
static NodeId parse_try(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    uint32_t hi = parse_colon_hi(p);
    NodeList body = parse_block(p);
    uint32_t mark = parse_mark(p);
    while (!p->panic && parse_at(p, TOK_EXCEPT)) {
        uint32_t elo = parse_lo(p);
        parse_advance(p);
        NodeId type = 0;
        StrId name = 0;
        if (!parse_at(p, TOK_COLON)) {
            type = parse_expr(p);
            if (!p->panic && parse_accept(p, TOK_AS)) {
                if (parse_at(p, TOK_NAME)) name = parse_advance(p)->name;
                else parse_expected(p, "a name after `as`");
            }
        }
        uint32_t ehi = parse_colon_hi(p);
        NodeList ebody = parse_block(p);
        NodeId h = ast_new(p->ast, N_EXCEPT, parse_header_span(p, elo, ehi));
        Node *n = parse_node(p, h);
        n->a = type;
        n->name = name;
        n->list = ebody;
        parse_push(p, h);
    }
    NodeList handlers = parse_list_from(p, mark);
    NodeList orelse = {0, 0}, final = {0, 0};
    if (!p->panic && handlers.count > 0 && parse_accept(p, TOK_ELSE)) orelse = parse_block(p);
    if (!p->panic && parse_accept(p, TOK_FINALLY)) final = parse_block(p);
    else if (!p->panic && handlers.count == 0)
        parse_expected(p, "`except` or `finally`");
    NodeId s = ast_new(p->ast, N_TRY, parse_header_span(p, lo, hi));
    Node *n = parse_node(p, s);
    n->list = body;
    n->list2 = handlers;
    n->list3 = orelse;
    n->list4 = final;
    return s;
}

/* ---- patterns ---- */

static NodeId parse_pattern(Parser *p);

/* A literal usable in a pattern: ['-'] number | strings | None | True | False */
static bool parse_at_literal_pattern(Parser *p) {
    TokKind k = parse_cur(p)->kind;
    if (k == TOK_MINUS) k = parse_peek(p, 1);
    return k == TOK_INT || k == TOK_FLOAT || k == TOK_STRING || k == TOK_BYTES ||
           k == TOK_FSTRING || k == TOK_NONE || k == TOK_TRUE || k == TOK_FALSE;
}

/* literal_expr -> ['-'] NUMBER | strings | 'None' | 'True' | 'False' */
static NodeId parse_literal_expr(Parser *p) {
    uint32_t lo = parse_lo(p);
    if (parse_accept(p, TOK_MINUS)) {
        if (!parse_at(p, TOK_INT) && !parse_at(p, TOK_FLOAT)) {
            parse_expected(p, "a number after `-`");
            return parse_poison(p, lo);
        }
        NodeId num = parse_atom(p);
        NodeId u = parse_mk(p, N_UNARY, lo);
        parse_node(p, u)->op = TOK_MINUS;
        parse_node(p, u)->a = num;
        return u;
    }
    if (parse_at(p, TOK_FSTRING)) {
        parse_fail_here(p, CODE_PARSE_SYNTAX, "patterns may not use f-strings");
        return parse_poison(p, lo);
    }
    return parse_atom(p);
}

/* value_name -> NAME ('.' NAME)+ (a dotted name is a value, a bare name a capture) */
static NodeId parse_dotted_expr(Parser *p) {
    uint32_t lo = parse_lo(p);
    StrId first = parse_advance(p)->name;
    NodeId e = parse_mk(p, N_NAME, lo);
    parse_node(p, e)->name = first;
    while (parse_at(p, TOK_DOT)) {
        parse_advance(p);
        if (!parse_at(p, TOK_NAME)) {
            parse_expected(p, "a name after `.`");
            return e;
        }
        StrId name = parse_advance(p)->name;
        NodeId a = parse_mk(p, N_ATTR, lo);
        parse_node(p, a)->a = e;
        parse_node(p, a)->name = name;
        e = a;
    }
    return e;
}

/* class_args -> '(' [pattern (',' pattern)*] [NAME '=' pattern (',' ...)*] [','] ')' */
static NodeId parse_class_pattern(Parser *p, uint32_t lo, NodeId cls) {
    parse_advance(p); /* '(' */
    uint32_t pmark = parse_mark(p);
    VEC(NodeId) kws = {0};
    while (!p->panic && !parse_at(p, TOK_RPAREN)) {
        if (parse_at(p, TOK_NAME) && parse_peek(p, 1) == TOK_ASSIGN) {
            uint32_t klo = parse_lo(p);
            StrId name = parse_advance(p)->name;
            parse_advance(p);
            NodeId pat = parse_pattern(p);
            NodeId kw = parse_mk(p, N_PAT_KEYWORD, klo);
            parse_node(p, kw)->name = name;
            parse_node(p, kw)->a = pat;
            vec_push(&kws, kw);
        } else {
            if (kws.len > 0) {
                parse_fail_here(p, CODE_PARSE_SYNTAX,
                                "positional patterns must come before keyword patterns");
                break;
            }
            parse_push(p, parse_pattern(p));
        }
        if (!parse_accept(p, TOK_COMMA)) break;
    }
    parse_expect(p, TOK_RPAREN, "`)` or `,`");
    NodeList pos = parse_list_from(p, pmark);
    NodeList kl = ast_list(p->ast, kws.items, kws.len);
    vec_free(&kws);
    NodeId c = parse_mk(p, N_PAT_CLASS, lo);
    Node *n = parse_node(p, c);
    n->a = cls;
    n->list = pos;
    n->list2 = kl;
    return c;
}

/* sequence_items -> maybe_star (',' maybe_star)* [','] up to `close` ;
 * maybe_star -> '*' NAME | pattern */
static NodeId parse_seq_item(Parser *p) {
    if (!parse_at(p, TOK_STAR)) return parse_pattern(p);
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    StrId name = 0;
    if (!parse_at(p, TOK_NAME)) {
        parse_expected(p, "a name after `*`");
        return parse_poison(p, lo);
    }
    name = parse_advance(p)->name;
    NodeId s = parse_mk(p, N_PAT_STAR, lo);
    parse_node(p, s)->name = name == p->s_wild ? 0 : name;
    return s;
}

/* mapping_pattern -> '{' [key ':' pattern (',' key ':' pattern)*] [',' '**' NAME] [','] '}' */
static NodeId parse_mapping_pattern(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    uint32_t mark = parse_mark(p);
    StrId rest = 0;
    while (!p->panic && !parse_at(p, TOK_RBRACE)) {
        if (parse_accept(p, TOK_DSTAR)) {
            if (parse_at(p, TOK_NAME)) rest = parse_advance(p)->name;
            else parse_expected(p, "a name after `**`");
            parse_accept(p, TOK_COMMA);
            break;
        }
        uint32_t ilo = parse_lo(p);
        NodeId key;
        if (parse_at_literal_pattern(p)) key = parse_literal_expr(p);
        else if (parse_at(p, TOK_NAME) && parse_peek(p, 1) == TOK_DOT) key = parse_dotted_expr(p);
        else {
            parse_expected(p, "a literal or dotted name as mapping key");
            break;
        }
        parse_expect(p, TOK_COLON, "`:`");
        NodeId pat = parse_pattern(p);
        NodeId it = parse_mk(p, N_PAT_ITEM, ilo);
        parse_node(p, it)->a = key;
        parse_node(p, it)->b = pat;
        parse_push(p, it);
        if (!parse_accept(p, TOK_COMMA)) break;
    }
    parse_expect(p, TOK_RBRACE, "`}`");
    NodeList l = parse_list_from(p, mark);
    NodeId m = parse_mk(p, N_PAT_MAPPING, lo);
    parse_node(p, m)->list = l;
    parse_node(p, m)->name = rest;
    return m;
}

/* closed_pattern -> literal | '_' | NAME | dotted_name | class_pattern
 *                 | '(' [pattern | sequence_items] ')' | '[' [sequence_items] ']' | mapping */
static NodeId parse_closed_pattern(Parser *p) {
    uint32_t lo = parse_lo(p);
    if (parse_at_literal_pattern(p)) {
        NodeId v = parse_literal_expr(p);
        NodeId pv = parse_mk(p, N_PAT_VALUE, lo);
        parse_node(p, pv)->a = v;
        return pv;
    }
    if (parse_at(p, TOK_NAME)) {
        if (parse_peek(p, 1) == TOK_DOT || parse_peek(p, 1) == TOK_LPAREN) {
            NodeId e = parse_dotted_expr(p);
            if (parse_at(p, TOK_LPAREN)) return parse_class_pattern(p, lo, e);
            NodeId pv = parse_mk(p, N_PAT_VALUE, lo);
            parse_node(p, pv)->a = e;
            return pv;
        }
        StrId name = parse_advance(p)->name;
        if (name == p->s_wild) return parse_mk(p, N_PAT_WILDCARD, lo);
        NodeId c = parse_mk(p, N_PAT_CAPTURE, lo);
        parse_node(p, c)->name = name;
        return c;
    }
    if (parse_at(p, TOK_LPAREN) || parse_at(p, TOK_LBRACKET)) {
        TokKind close = parse_at(p, TOK_LPAREN) ? TOK_RPAREN : TOK_RBRACKET;
        bool paren = close == TOK_RPAREN;
        parse_advance(p);
        uint32_t mark = parse_mark(p);
        bool seq = !paren;
        while (!p->panic && !parse_at(p, close)) {
            parse_push(p, parse_seq_item(p));
            if (!parse_accept(p, TOK_COMMA)) break;
            seq = true;
        }
        if (paren && parse_mark(p) - mark == 0) seq = true;
        if (paren && parse_mark(p) - mark == 1 && parse_node(p, p->stk.items[mark])->kind == N_PAT_STAR)
            seq = true;
        parse_expect(p, close, paren ? "`)` or `,`" : "`]` or `,`");
        if (!seq) {
            NodeId inner = p->stk.items[mark];
            p->stk.len = mark;
            return inner; /* a group pattern `(p)` is just p */
        }
        NodeList l = parse_list_from(p, mark);
        NodeId s = parse_mk(p, N_PAT_SEQUENCE, lo);
        parse_node(p, s)->list = l;
        return s;
    }
    if (parse_at(p, TOK_LBRACE)) return parse_mapping_pattern(p);
    parse_expected(p, "a pattern");
    return parse_poison(p, lo);
}

/* pattern -> or_pattern ['as' NAME] ; or_pattern -> closed_pattern ('|' closed_pattern)* */
static NodeId parse_pattern(Parser *p) {
    uint32_t lo = parse_lo(p);
    if (!parse_enter(p)) return parse_poison(p, lo);
    NodeId first = parse_closed_pattern(p);
    NodeId pat = first;
    if (!p->panic && parse_at(p, TOK_PIPE)) {
        uint32_t mark = parse_mark(p);
        parse_push(p, first);
        while (!p->panic && parse_accept(p, TOK_PIPE)) parse_push(p, parse_closed_pattern(p));
        NodeList l = parse_list_from(p, mark);
        pat = parse_mk(p, N_PAT_OR, lo);
        parse_node(p, pat)->list = l;
    }
    if (!p->panic && parse_accept(p, TOK_AS)) {
        if (!parse_at(p, TOK_NAME) || parse_cur(p)->name == p->s_wild) {
            parse_expected(p, "a name after `as`");
        } else {
            StrId name = parse_advance(p)->name;
            NodeId as = parse_mk(p, N_PAT_AS, lo);
            parse_node(p, as)->a = pat;
            parse_node(p, as)->name = name;
            pat = as;
        }
    }
    parse_leave(p);
    return pat;
}

/* patterns -> pattern | maybe_star (',' maybe_star)+ [','] (an open sequence) */
static NodeId parse_patterns(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeId first = parse_seq_item(p);
    if (p->panic) return first;
    if (!parse_at(p, TOK_COMMA) && parse_node(p, first)->kind != N_PAT_STAR) return first;
    uint32_t mark = parse_mark(p);
    parse_push(p, first);
    while (!p->panic && parse_accept(p, TOK_COMMA)) {
        if (parse_at(p, TOK_COLON) || parse_at(p, TOK_IF)) break;
        parse_push(p, parse_seq_item(p));
    }
    NodeList l = parse_list_from(p, mark);
    NodeId s = parse_mk(p, N_PAT_SEQUENCE, lo);
    parse_node(p, s)->list = l;
    return s;
}

/* Is the `match` name at the cursor a match statement? Only when the line
 * ends with ':' (at bracket depth 0) and the next line is an indented `case`. */
static bool parse_at_match_stmt(Parser *p) {
    if (!parse_at_name(p, p->s_match)) return false;
    TokKind next = parse_peek(p, 1);
    if (!parse_can_start_expr(next) || next == TOK_LAMBDA) return false;
    uint32_t i = p->pos + 1;
    uint32_t colon = 0;
    for (; i < p->ntoks; i++) {
        TokKind k = p->toks[i].kind;
        if (k == TOK_NEWLINE || k == TOK_EOF) break;
        if (k == TOK_COLON) colon = i; /* the header's colon is the last one at depth 0 */
    }
    if (colon == 0 || colon + 1 != i) return false;
    return i + 2 < p->ntoks && p->toks[i].kind == TOK_NEWLINE &&
           p->toks[i + 1].kind == TOK_INDENT && p->toks[i + 2].kind == TOK_NAME &&
           p->toks[i + 2].name == p->s_case;
}

/* match_stmt -> 'match' star_exprs ':' NEWLINE INDENT case_block+ DEDENT
 * case_block -> 'case' patterns ['if' named_expr] block */
static NodeId parse_match(Parser *p) {
    uint32_t lo = parse_lo(p);
    parse_advance(p);
    NodeId subject = parse_star_exprs(p, true);
    uint32_t hi = parse_colon_hi(p);
    parse_expect(p, TOK_COLON, "`:`");
    parse_expect(p, TOK_NEWLINE, "end of line");
    parse_expect(p, TOK_INDENT, "an indented block of `case` clauses");
    uint32_t mark = parse_mark(p);
    if (!p->panic && parse_enter(p)) {
        while (!parse_at(p, TOK_DEDENT) && !parse_at(p, TOK_EOF)) {
            uint32_t clo = parse_lo(p);
            uint32_t start = p->pos;
            if (!parse_at_name(p, p->s_case)) {
                parse_expected(p, "`case`");
            } else {
                parse_advance(p);
                NodeId pat = parse_patterns(p);
                NodeId guard = 0;
                if (!p->panic && parse_accept(p, TOK_IF)) guard = parse_named_expr(p);
                uint32_t chi = parse_colon_hi(p);
                NodeList body = parse_block(p);
                NodeId c = ast_new(p->ast, N_CASE, parse_header_span(p, clo, chi));
                Node *n = parse_node(p, c);
                n->a = pat;
                n->b = guard;
                n->list = body;
                parse_push(p, c);
            }
            if (p->panic) {
                /* Resynchronise on the next `case` line. */
                while (!parse_at(p, TOK_NEWLINE) && !parse_at(p, TOK_EOF)) parse_advance(p);
                parse_accept(p, TOK_NEWLINE);
                p->panic = false;
                if (parse_at(p, TOK_INDENT)) {
                    uint32_t m2 = parse_mark(p);
                    parse_advance(p);
                    parse_stmts(p, false);
                    parse_accept(p, TOK_DEDENT);
                    p->stk.len = m2;
                }
                if (p->pos == start) parse_advance(p);
            }
        }
        parse_accept(p, TOK_DEDENT);
        parse_leave(p);
    }
    NodeList cases = parse_list_from(p, mark);
    NodeId s = ast_new(p->ast, N_MATCH, parse_header_span(p, lo, hi));
    parse_node(p, s)->a = subject;
    parse_node(p, s)->list = cases;
    return s;
}

/* ---- definitions ---- */

/* param -> '/' | '*' [NAME [':' expr]] | '**' NAME [':' expr]
 *        | ['own'] ['mut'] NAME [':' expr] ['=' expr] */
static NodeId parse_param(Parser *p) {
    uint32_t lo = parse_lo(p);
    uint16_t flags = 0;
    if (parse_accept(p, TOK_STAR)) flags = NF_STAR;
    else if (parse_accept(p, TOK_DSTAR)) flags = NF_DSTAR;
    else {
        /* `own x` / `mut x` / `own mut x`: soft keywords only when a name follows. */
        if (parse_at_name(p, p->s_own) && parse_peek(p, 1) == TOK_NAME) {
            parse_advance(p);
            flags |= NF_OWN;
        }
        if (parse_at_name(p, p->s_mut) && parse_peek(p, 1) == TOK_NAME) {
            parse_advance(p);
            flags |= NF_MUT;
        }
    }
    StrId name = 0;
    if (parse_at(p, TOK_NAME)) {
        name = parse_advance(p)->name;
    } else if (flags != NF_STAR) {
        parse_expected(p, "a parameter name");
        return parse_poison(p, lo);
    }
    NodeId ann = 0, def = 0;
    if (name && parse_accept(p, TOK_COLON)) ann = parse_expr(p);
    if (name && !(flags & (NF_STAR | NF_DSTAR)) && !p->panic && parse_accept(p, TOK_ASSIGN))
        def = parse_expr(p);
    NodeId prm = parse_mk(p, N_PARAM, lo);
    Node *n = parse_node(p, prm);
    n->name = name;
    n->flags = flags;
    n->a = ann;
    n->b = def;
    return prm;
}

/* params -> '(' [param (',' param)* [',']] ')' */
static NodeList parse_params(Parser *p) {
    uint32_t mark = parse_mark(p);
    if (!parse_expect(p, TOK_LPAREN, "`(`")) return parse_list_from(p, mark);
    while (!p->panic && !parse_at(p, TOK_RPAREN)) {
        if (parse_at(p, TOK_SLASH)) {
            parse_advance(p); /* positional-only marker: no meaning in Sifr */
        } else {
            parse_push(p, parse_param(p));
        }
        if (!parse_accept(p, TOK_COMMA)) break;
    }
    parse_expect(p, TOK_RPAREN, "`)` or `,`");
    return parse_list_from(p, mark);
}

/* func_def -> ['async'] 'def' NAME [type_params] params ['->' expr] block */
static NodeId parse_funcdef(Parser *p, uint32_t lo, uint16_t flags, NodeList decorators) {
    parse_advance(p); /* 'def' */
    StrId name = 0;
    if (parse_at(p, TOK_NAME)) name = parse_advance(p)->name;
    else parse_expected(p, "a function name");
    NodeList tps = p->panic ? (NodeList){0, 0} : parse_type_params(p);
    NodeList params = p->panic ? (NodeList){0, 0} : parse_params(p);
    NodeId ret = 0;
    if (!p->panic && parse_accept(p, TOK_ARROW)) ret = parse_expr(p);
    NodeList body = parse_block(p);
    NodeId s = parse_mk(p, N_FUNC_DEF, lo);
    Node *n = parse_node(p, s);
    n->name = name;
    n->list = params;
    n->list2 = body;
    n->list3 = decorators;
    n->list4 = tps;
    n->a = ret;
    n->flags = flags;
    return s;
}

/* class_def -> 'class' NAME [type_params] ['(' [arg (',' arg)* [',']] ')'] block */
static NodeId parse_classdef(Parser *p, uint32_t lo, NodeList decorators) {
    parse_advance(p); /* 'class' */
    StrId name = 0;
    if (parse_at(p, TOK_NAME)) name = parse_advance(p)->name;
    else parse_expected(p, "a class name");
    NodeList tps = p->panic ? (NodeList){0, 0} : parse_type_params(p);
    NodeList bases = {0, 0};
    if (!p->panic && parse_at(p, TOK_LPAREN)) {
        bool trailing;
        bases = parse_call_args(p, &trailing);
    }
    NodeList body = parse_block(p);
    /* Methods whose first parameter is `self` are marked for sema. */
    for (uint32_t i = 0; i < body.count; i++) {
        Node *m = parse_node(p, ast_list_at(p->ast, body, i));
        if (m->kind != N_FUNC_DEF || m->list.count == 0) continue;
        Node *first = parse_node(p, ast_list_at(p->ast, m->list, 0));
        if (first->kind == N_PARAM && first->name == p->s_self) first->flags |= NF_SELF;
    }
    NodeId s = parse_mk(p, N_CLASS_DEF, lo);
    Node *n = parse_node(p, s);
    n->name = name;
    n->list = bases;
    n->list2 = body;
    n->list3 = decorators;
    n->list4 = tps;
    return s;
}

/* decorated -> ('@' named_expr NEWLINE)+ (func_def | class_def) */
static NodeId parse_decorated(Parser *p) {
    uint32_t mark = parse_mark(p);
    while (!p->panic && parse_at(p, TOK_AT)) {
        uint32_t lo = parse_lo(p);
        parse_advance(p);
        NodeId e = parse_named_expr(p);
        NodeId d = parse_mk(p, N_DECORATOR, lo);
        parse_node(p, d)->a = e;
        parse_push(p, d);
        parse_expect(p, TOK_NEWLINE, "end of line after the decorator");
    }
    NodeList decos = parse_list_from(p, mark);
    uint32_t lo = parse_lo(p);
    if (p->panic) return parse_poison(p, lo);
    if (parse_at(p, TOK_DEF)) return parse_funcdef(p, lo, 0, decos);
    if (parse_at(p, TOK_ASYNC) && parse_peek(p, 1) == TOK_DEF) {
        parse_advance(p);
        return parse_funcdef(p, lo, NF_ASYNC, decos);
    }
    if (parse_at(p, TOK_CLASS)) return parse_classdef(p, lo, decos);
    parse_expected(p, "`def` or `class` after decorators");
    return parse_poison(p, lo);
}

/* stmt -> compound_stmt | simple_stmts ; pushes the statement(s) */
static void parse_stmt(Parser *p) {
    uint32_t lo = parse_lo(p);
    NodeList none = {0, 0};
    switch (parse_cur(p)->kind) {
    case TOK_IF: parse_push(p, parse_if(p)); return;
    case TOK_WHILE: parse_push(p, parse_while(p)); return;
    case TOK_FOR: parse_push(p, parse_for(p, lo, 0)); return;
    case TOK_WITH: parse_push(p, parse_with(p, lo, 0)); return;
    case TOK_TRY: parse_push(p, parse_try(p)); return;
    case TOK_DEF: parse_push(p, parse_funcdef(p, lo, 0, none)); return;
    case TOK_CLASS: parse_push(p, parse_classdef(p, lo, none)); return;
    case TOK_AT: parse_push(p, parse_decorated(p)); return;
    case TOK_ASYNC:
        switch (parse_peek(p, 1)) {
        case TOK_DEF: parse_advance(p); parse_push(p, parse_funcdef(p, lo, NF_ASYNC, none)); return;
        case TOK_FOR: parse_advance(p); parse_push(p, parse_for(p, lo, NF_ASYNC)); return;
        case TOK_WITH: parse_advance(p); parse_push(p, parse_with(p, lo, NF_ASYNC)); return;
        default:
            parse_advance(p);
            parse_expected(p, "`def`, `for` or `with` after `async`");
            return;
        }
    case TOK_NAME:
        if (parse_at_match_stmt(p)) {
            parse_push(p, parse_match(p));
            return;
        }
        break;
    default:
        break;
    }
    parse_simple_stmts(p);
}

/* Skip the rest of a broken logical line; a block that was opened by the
 * broken header is parsed (its own errors are real) and dropped. */
static void parse_skip_line_and_block(Parser *p) {
    while (!parse_at(p, TOK_NEWLINE) && !parse_at(p, TOK_EOF)) parse_advance(p);
    parse_accept(p, TOK_NEWLINE);
    p->panic = false;
    if (parse_at(p, TOK_INDENT) && parse_enter(p)) {
        uint32_t mark = parse_mark(p);
        parse_advance(p);
        parse_stmts(p, false);
        parse_accept(p, TOK_DEDENT);
        p->stk.len = mark;
        parse_leave(p);
    }
}

/* After an error in the statement starting with token kind `first`: skip
 * the rest of the logical line and the block it opened. When that statement
 * was a compound one, its later `elif`/`else`/`except`/`finally` clauses are
 * dropped too, so that a broken `elif x == 2` header does not make the
 * following `else:` look like an orphan. */
static void parse_recover(Parser *p, TokKind first) {
    parse_skip_line_and_block(p);
    bool clauses = first == TOK_IF || first == TOK_ELIF || first == TOK_ELSE || first == TOK_FOR ||
                   first == TOK_WHILE || first == TOK_TRY || first == TOK_EXCEPT ||
                   first == TOK_FINALLY || first == TOK_ASYNC;
    while (clauses && (parse_at(p, TOK_ELIF) || parse_at(p, TOK_ELSE) || parse_at(p, TOK_EXCEPT) ||
                       parse_at(p, TOK_FINALLY)))
        parse_skip_line_and_block(p);
}

/* stmts -> stmt* up to DEDENT (or EOF at module level); pushes the statements */
static void parse_stmts(Parser *p, bool toplevel) {
    while (!parse_at(p, TOK_EOF)) {
        uint32_t start = p->pos;
        if (parse_at(p, TOK_DEDENT)) {
            if (!toplevel) return;
            parse_advance(p); /* unbalanced; the lexer already reported it */
            continue;
        }
        if (parse_at(p, TOK_NEWLINE)) {
            parse_advance(p);
            continue;
        }
        if (parse_at(p, TOK_INDENT)) {
            parse_report(p, CODE_PARSE_INDENT, parse_cur(p)->span, "unexpected indent");
            if (!parse_enter(p)) {
                parse_recover(p, TOK_INDENT);
                continue;
            }
            parse_advance(p);
            parse_stmts(p, false);
            parse_accept(p, TOK_DEDENT);
            parse_leave(p);
            continue;
        }
        uint32_t mark = parse_mark(p);
        uint32_t lo = parse_lo(p);
        TokKind first = parse_cur(p)->kind;
        parse_stmt(p);
        if (p->panic) {
            p->stk.len = mark;
            parse_push(p, ast_new(p->ast, N_POISON,
                                  span_make(p->file, lo, p->prev_hi > lo ? p->prev_hi : lo)));
            parse_recover(p, first);
        }
        if (p->pos == start && !parse_at(p, TOK_EOF)) parse_advance(p); /* always progress */
    }
}

/* ==== Entry point ========================================================= */

/* module -> stmt* EOF */
bool parse_file(FileId file, Ast *out) {
    ast_init(out, file);
    bool ok = true;
    out->root = parse_file_append(file, out, &ok);
    return ok;
}

/* The parse proper: appends the file's nodes to `out` (which may already
 * hold other files) and returns its N_MODULE. */
NodeId parse_file_append(FileId file, Ast *out, bool *ok) {
    uint32_t errors_before = diag_error_count();
    TokenList tl = lex_file(file, &out->arena);
    if (tl.len == 0 || tl.items[tl.len - 1].kind != TOK_EOF)
        ICE("lex_file did not end with TOK_EOF");
    Parser p;
    memset(&p, 0, sizeof p);
    p.file = file;
    p.ast = out;
    p.toks = tl.items;
    p.ntoks = tl.len;
    p.s_own = intern_cstr("own");
    p.s_mut = intern_cstr("mut");
    p.s_type = intern_cstr("type");
    p.s_match = intern_cstr("match");
    p.s_case = intern_cstr("case");
    p.s_wild = intern_cstr("_");
    p.s_self = intern_cstr("self");
    parse_stmts(&p, true);
    NodeList body = parse_list_from(&p, 0);
    SourceFile *sf = source_get(file);
    NodeId root = ast_new(out, N_MODULE, span_make(file, 0, sf->len));
    ast_node(out, root)->list = body;
    *ok = diag_error_count() == errors_before;
    vec_free(&p.stk);
    token_list_free(&tl);
    return root;
}
