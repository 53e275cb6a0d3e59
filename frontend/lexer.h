/* Tokens and the lexer. The lexer turns one source file into a token array,
 * with NEWLINE / INDENT / DEDENT produced from indentation exactly as Python
 * does (no NEWLINE/INDENT inside brackets, blank and comment-only lines are
 * ignored, implicit line joining inside (), [], {}, explicit joining with '\').
 * Names and string literal contents are interned. */
#ifndef SIFR_LEXER_H
#define SIFR_LEXER_H

#include "common.h"

#define SIFR_TOKENS(X)                                                         \
    X(TOK_EOF, "end of file")                                                  \
    X(TOK_NEWLINE, "newline")                                                  \
    X(TOK_INDENT, "indent")                                                    \
    X(TOK_DEDENT, "dedent")                                                    \
    X(TOK_NAME, "name")                                                        \
    X(TOK_INT, "integer literal")                                              \
    X(TOK_FLOAT, "float literal")                                              \
    X(TOK_STRING, "string literal")                                            \
    X(TOK_BYTES, "bytes literal")                                              \
    X(TOK_FSTRING, "f-string")                                                 \
    X(TOK_ERROR, "invalid token")                                              \
    /* keywords */                                                             \
    X(TOK_FALSE, "False")                                                      \
    X(TOK_NONE, "None")                                                        \
    X(TOK_TRUE, "True")                                                        \
    X(TOK_AND, "and")                                                          \
    X(TOK_AS, "as")                                                            \
    X(TOK_ASSERT, "assert")                                                    \
    X(TOK_ASYNC, "async")                                                      \
    X(TOK_AWAIT, "await")                                                      \
    X(TOK_BREAK, "break")                                                      \
    X(TOK_CLASS, "class")                                                      \
    X(TOK_CONTINUE, "continue")                                                \
    X(TOK_DEF, "def")                                                          \
    X(TOK_DEL, "del")                                                          \
    X(TOK_ELIF, "elif")                                                        \
    X(TOK_ELSE, "else")                                                        \
    X(TOK_EXCEPT, "except")                                                    \
    X(TOK_FINALLY, "finally")                                                  \
    X(TOK_FOR, "for")                                                          \
    X(TOK_FROM, "from")                                                        \
    X(TOK_GLOBAL, "global")                                                    \
    X(TOK_IF, "if")                                                            \
    X(TOK_IMPORT, "import")                                                    \
    X(TOK_IN, "in")                                                            \
    X(TOK_IS, "is")                                                            \
    X(TOK_LAMBDA, "lambda")                                                    \
    X(TOK_NONLOCAL, "nonlocal")                                                \
    X(TOK_NOT, "not")                                                          \
    X(TOK_OR, "or")                                                            \
    X(TOK_PASS, "pass")                                                        \
    X(TOK_RAISE, "raise")                                                      \
    X(TOK_RETURN, "return")                                                    \
    X(TOK_TRY, "try")                                                          \
    X(TOK_WHILE, "while")                                                      \
    X(TOK_WITH, "with")                                                        \
    X(TOK_YIELD, "yield")                                                      \
    /* punctuation and operators */                                            \
    X(TOK_LPAREN, "(")                                                         \
    X(TOK_RPAREN, ")")                                                         \
    X(TOK_LBRACKET, "[")                                                       \
    X(TOK_RBRACKET, "]")                                                       \
    X(TOK_LBRACE, "{")                                                         \
    X(TOK_RBRACE, "}")                                                         \
    X(TOK_COLON, ":")                                                          \
    X(TOK_COMMA, ",")                                                          \
    X(TOK_SEMI, ";")                                                           \
    X(TOK_DOT, ".")                                                            \
    X(TOK_ELLIPSIS, "...")                                                     \
    X(TOK_ARROW, "->")                                                         \
    X(TOK_AT, "@")                                                             \
    X(TOK_ASSIGN, "=")                                                         \
    X(TOK_WALRUS, ":=")                                                        \
    X(TOK_PLUS, "+")                                                           \
    X(TOK_MINUS, "-")                                                          \
    X(TOK_STAR, "*")                                                           \
    X(TOK_SLASH, "/")                                                          \
    X(TOK_DSLASH, "//")                                                        \
    X(TOK_PERCENT, "%")                                                        \
    X(TOK_DSTAR, "**")                                                         \
    X(TOK_AMP, "&")                                                            \
    X(TOK_PIPE, "|")                                                           \
    X(TOK_CARET, "^")                                                          \
    X(TOK_TILDE, "~")                                                          \
    X(TOK_LSHIFT, "<<")                                                        \
    X(TOK_RSHIFT, ">>")                                                        \
    X(TOK_EQ, "==")                                                            \
    X(TOK_NE, "!=")                                                            \
    X(TOK_LT, "<")                                                             \
    X(TOK_LE, "<=")                                                            \
    X(TOK_GT, ">")                                                             \
    X(TOK_GE, ">=")                                                            \
    X(TOK_PLUS_ASSIGN, "+=")                                                   \
    X(TOK_MINUS_ASSIGN, "-=")                                                  \
    X(TOK_STAR_ASSIGN, "*=")                                                   \
    X(TOK_SLASH_ASSIGN, "/=")                                                  \
    X(TOK_DSLASH_ASSIGN, "//=")                                                \
    X(TOK_PERCENT_ASSIGN, "%=")                                                \
    X(TOK_DSTAR_ASSIGN, "**=")                                                 \
    X(TOK_AMP_ASSIGN, "&=")                                                    \
    X(TOK_PIPE_ASSIGN, "|=")                                                   \
    X(TOK_CARET_ASSIGN, "^=")                                                  \
    X(TOK_LSHIFT_ASSIGN, "<<=")                                                \
    X(TOK_RSHIFT_ASSIGN, ">>=")

typedef enum TokKind {
#define X(k, s) k,
    SIFR_TOKENS(X)
#undef X
        TOK__COUNT
} TokKind;

const char *tok_kind_name(TokKind k); /* "identifier", "(", "def" ... */

/* Soft keywords (`own`, `mut`, `type`, `match`, `case`, `_`) are TOK_NAME;
 * the parser recognises them by comparing the interned id. */

/* One f-string piece: either literal text or an embedded expression. The
 * expression's source text is kept as a span into the file so the parser can
 * parse it in place (sub-lexing the file range); the format spec may itself
 * contain replacement fields, so it is a nested list of parts. */
typedef struct FStrPart FStrPart;
struct FStrPart {
    bool is_expr;
    StrId text;          /* literal text (escapes processed) when !is_expr */
    Span expr_span;      /* the expression's source range when is_expr */
    char conversion;     /* 0, 'r', 's' or 'a' (after '!') */
    bool debug;          /* `{x=}` self-documenting form */
    FStrPart *spec;      /* format spec parts after ':' (NULL if none) */
    uint32_t spec_count;
};

typedef struct Token {
    TokKind kind;
    Span span;
    union {
        StrId name;        /* TOK_NAME */
        uint64_t ival;     /* TOK_INT (value; > INT64_MAX only reachable via unary minus) */
        double fval;       /* TOK_FLOAT */
        StrId str;         /* TOK_STRING, TOK_BYTES: contents after escapes */
        struct {           /* TOK_FSTRING */
            FStrPart *parts;
            uint32_t count;
        } fstr;
    };
    bool int_overflow;     /* TOK_INT: literal does not fit in 64 bits */
} Token;

typedef struct TokenList {
    Token *items;
    uint32_t len, cap;
} TokenList;

/* Lex a whole file. Errors are reported through the diagnostics engine (codes
 * SIFR-PARSE-0002..0007, 0009) and lexing continues; the list always ends
 * with NEWLINE (if needed), DEDENTs back to column 0, then TOK_EOF. Memory for
 * f-string parts comes from `arena`. */
TokenList lex_file(FileId file, Arena *arena);

/* Lex a sub-range of a file as a single expression context (used for
 * f-string replacement fields): no INDENT/DEDENT/NEWLINE are produced, the
 * result ends with TOK_EOF. */
TokenList lex_range(FileId file, uint32_t lo, uint32_t hi, Arena *arena);

void token_list_free(TokenList *tl);

#endif
