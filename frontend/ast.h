/* The abstract syntax tree. Every node (expression, statement, pattern,
 * parameter, ...) lives in one arena inside `Ast` and is named by a 32-bit
 * NodeId; 0 means "no node". Child lists are ranges of ids stored in
 * `Ast.ids`. Every node carries a byte-offset span. Type annotations are
 * ordinary expressions (`list[int]` is an N_SUBSCRIPT, `int | None` an
 * N_BINARY with TOK_PIPE); sema interprets them.
 *
 * Sema writes its results into the `type` and `sym` fields of nodes; the
 * parser leaves them 0. */
#ifndef SIFR_AST_H
#define SIFR_AST_H

#include "common.h"
#include "lexer.h"

typedef uint32_t NodeId;

typedef struct NodeList {
    uint32_t start; /* index into Ast.ids */
    uint32_t count;
} NodeList;

typedef enum NodeKind {
    N_NONE_ = 0,
    N_POISON,      /* a node that failed to parse; suppresses follow-on errors */

    /* ---- expressions ---- */
    N_NAME,        /* name */
    N_INT,         /* ival (uint64; a literal > INT64_MAX is only valid under unary minus) */
    N_FLOAT,       /* fval */
    N_STR,         /* str (one or more adjacent literals concatenated) */
    N_BYTES,       /* str (bytes contents) */
    N_FSTRING,     /* list: parts, each N_STR (literal text) or N_FMT_FIELD */
    N_FMT_FIELD,   /* fmt: expr, conversion, debug, spec (an N_FSTRING or 0) */
    N_BOOL,        /* bval */
    N_NONE,        /* None */
    N_ELLIPSIS,    /* ... */
    N_UNARY,       /* op (TOK_MINUS, TOK_PLUS, TOK_NOT, TOK_TILDE), a = operand */
    N_BINARY,      /* op (TOK_PLUS ... TOK_PIPE, TOK_DSTAR ...), a, b */
    N_BOOLOP,      /* op (TOK_AND / TOK_OR), a, b */
    N_COMPARE,     /* a = first operand; list = rest operands; ops = comparison ops
                      (TOK_LT ... TOK_IN, TOK_IS, plus CMP_NOT_IN / CMP_IS_NOT) */
    N_CALL,        /* a = callee; list = arguments (positional, N_KEYWORD, N_STARRED) */
    N_KEYWORD,     /* name = value (keyword argument) or **value when name == 0; a = value */
    N_ATTR,        /* a = object, name = attribute */
    N_SUBSCRIPT,   /* a = object, b = index (a tuple for x[a, b]) */
    N_SLICE,       /* a = lower, b = upper, c = step (each may be 0) */
    N_TUPLE,       /* list */
    N_LIST,        /* list */
    N_SET,         /* list */
    N_DICT,        /* list of N_DICT_ITEM */
    N_DICT_ITEM,   /* a = key, b = value (key == 0: **b unpacking) */
    N_COMP,        /* comp_kind, a = element (key for dicts), b = value (dicts), list = N_COMP_FOR */
    N_COMP_FOR,    /* a = target, b = iterable, list = if-conditions, flags NF_ASYNC */
    N_LAMBDA,      /* list = params (N_PARAM), a = body */
    N_IFEXP,       /* a = condition, b = then value, c = else value */
    N_AWAIT,       /* a = operand */
    N_STARRED,     /* a = operand (*x) */
    N_WALRUS,      /* name := a */
    N_YIELD,       /* a = value or 0 */

    /* ---- statements ---- */
    N_EXPR_STMT,   /* a = expression */
    N_ASSIGN,      /* list = targets (a = b = value has two), a = value */
    N_ANN_ASSIGN,  /* a = target, b = annotation, c = value or 0 */
    N_AUG_ASSIGN,  /* op (TOK_PLUS ... the binary operator), a = target, b = value */
    N_PASS,
    N_BREAK,
    N_CONTINUE,
    N_RETURN,      /* a = value or 0 */
    N_RAISE,       /* a = exception or 0, b = cause ("from") or 0 */
    N_DEL,         /* list = targets */
    N_ASSERT,      /* a = condition, b = message or 0 */
    N_GLOBAL,      /* list = N_NAME nodes (also nonlocal, with NF_NONLOCAL) */
    N_IF,          /* a = condition, list = body, list2 = else body (an elif is an
                      else body holding one N_IF with NF_ELIF) */
    N_WHILE,       /* a = condition, list = body, list2 = else body */
    N_FOR,         /* a = target, b = iterable, list = body, list2 = else body; NF_ASYNC */
    N_WITH,        /* list = N_WITH_ITEM, list2 = body; NF_ASYNC */
    N_WITH_ITEM,   /* a = context expression, b = `as` target or 0 */
    N_TRY,         /* list = body, list2 = handlers (N_EXCEPT), list3 = else, list4 = finally */
    N_EXCEPT,      /* a = type expression or 0 (bare except), name = `as` name or 0, list = body */
    N_MATCH,       /* a = subject, list = N_CASE */
    N_CASE,        /* a = pattern, b = guard or 0, list = body */
    N_FUNC_DEF,    /* name, list = params, list2 = body, list3 = decorators,
                      list4 = type params (N_TYPE_PARAM), a = return annotation or 0; NF_ASYNC */
    N_PARAM,       /* name, a = annotation or 0, b = default or 0, flags NF_OWN / NF_MUT /
                      NF_STAR (*args) / NF_DSTAR (**kwargs); a bare `*` separator has name 0 */
    N_TYPE_PARAM,  /* name, a = bound or 0 */
    N_CLASS_DEF,   /* name, list = bases (expressions, N_KEYWORD for metaclass-style),
                      list2 = body, list3 = decorators, list4 = type params */
    N_DECORATOR,   /* a = expression after @ */
    N_IMPORT,      /* list = N_ALIAS (import a.b as c) */
    N_IMPORT_FROM, /* name = module path ("sifr.sync", dots joined; 0 for "from . import x"),
                      level = leading dots, list = N_ALIAS (name 0 for `*`) */
    N_ALIAS,       /* name = imported name (dotted for `import a.b`), alias = as-name or 0 */
    N_TYPE_ALIAS,  /* name, list4 = type params, a = value */

    /* ---- patterns (match/case) ---- */
    N_PAT_WILDCARD, /* _ */
    N_PAT_CAPTURE,  /* name */
    N_PAT_VALUE,    /* a = literal or dotted-name expression (Color.RED, 1, "x", -1, None) */
    N_PAT_OR,       /* list = alternatives */
    N_PAT_AS,       /* a = pattern, name */
    N_PAT_SEQUENCE, /* list = patterns (tuple or list form) */
    N_PAT_STAR,     /* *name (name 0 for *_) inside a sequence pattern */
    N_PAT_CLASS,    /* a = class expression (name or dotted), list = positional patterns,
                       list2 = keyword patterns (N_PAT_KEYWORD) */
    N_PAT_KEYWORD,  /* name = a (pattern) */
    N_PAT_MAPPING,  /* list = N_PAT_ITEM; name = **rest or 0 */
    N_PAT_ITEM,     /* a = key (value expression), b = pattern */

    /* ---- the module ---- */
    N_MODULE,      /* list = top-level statements */

    N__COUNT
} NodeKind;

/* Extra comparison operators (not tokens). */
enum { CMP_NOT_IN = TOK__COUNT + 1, CMP_IS_NOT = TOK__COUNT + 2 };

/* N_COMP kinds */
typedef enum CompKind { COMP_LIST, COMP_SET, COMP_DICT, COMP_GEN } CompKind;

/* Node flags */
enum {
    NF_ASYNC = 1 << 0,    /* async def / async for / async with / async comprehension */
    NF_OWN = 1 << 1,      /* own parameter */
    NF_MUT = 1 << 2,      /* mut parameter (also `own mut`) */
    NF_STAR = 1 << 3,     /* *args parameter */
    NF_DSTAR = 1 << 4,    /* **kwargs parameter */
    NF_ELIF = 1 << 5,     /* this N_IF came from `elif` */
    NF_NONLOCAL = 1 << 6, /* N_GLOBAL is really `nonlocal` */
    NF_PAREN = 1 << 7,    /* expression was written in parentheses (tuples: `(a, b)`) */
    NF_TRAILING_COMMA = 1 << 8, /* tuple/list/call written with a trailing comma */
    NF_RAW = 1 << 9,      /* string literal was raw */
    NF_TRIPLE = 1 << 10,  /* string literal was triple-quoted */
    NF_SELF = 1 << 11,    /* first parameter of a method named self */
};

typedef struct Node {
    uint16_t kind;   /* NodeKind */
    uint16_t flags;  /* NF_* */
    uint32_t op;     /* operator token kind, CompKind, or conversion char */
    Span span;
    uint32_t type;   /* sema: TypeId of an expression (0 = not yet typed) */
    uint32_t sym;    /* sema: resolved symbol id (0 = none) */
    StrId name;      /* N_NAME, N_ATTR, N_KEYWORD, N_PARAM, defs, aliases, patterns */
    StrId alias;     /* N_ALIAS as-name; N_FMT_FIELD: 1 when debug `{x=}` */
    uint32_t level;  /* N_IMPORT_FROM: leading dots */
    NodeId a, b, c;
    NodeList list, list2, list3, list4;
    union {
        uint64_t ival;  /* N_INT */
        double fval;    /* N_FLOAT */
        bool bval;      /* N_BOOL */
        StrId str;      /* N_STR, N_BYTES */
        struct {        /* N_COMPARE: the comparison operators, one per element of list */
            uint32_t ops_start; /* index into Ast.ids holding op codes */
        } cmp;
    } v;
} Node;

_Static_assert(sizeof(Node) <= 112, "Node grew: check every field is needed");

typedef struct Ast {
    FileId file;
    NodeId root;              /* the N_MODULE */
    VEC(Node) nodes;          /* nodes.items[0] is the unused "none" node */
    VEC(uint32_t) ids;        /* child-id lists and comparison-op lists */
    Arena arena;              /* f-string parts and other parser-owned memory */
    uint32_t error_count;     /* parse errors reported for this file */
} Ast;

static inline Node *ast_node(const Ast *ast, NodeId id) {
    return &ast->nodes.items[id];
}
static inline NodeId ast_list_at(const Ast *ast, NodeList l, uint32_t i) {
    return ast->ids.items[l.start + i];
}
static inline uint32_t ast_cmp_op(const Ast *ast, const Node *n, uint32_t i) {
    return ast->ids.items[n->v.cmp.ops_start + i];
}

void ast_init(Ast *ast, FileId file);
NodeId ast_new(Ast *ast, NodeKind kind, Span span); /* zeroed node */
/* Append a finished list of ids and return it as a NodeList. */
NodeList ast_list(Ast *ast, const NodeId *ids, uint32_t count);
void ast_free(Ast *ast);

const char *node_kind_name(NodeKind k);
/* Source text of an operator stored in Node.op ("+", "//", "not in", ...). */
const char *ast_op_text(uint32_t op);

/* Print the tree as an indented S-expression (for tests and --emit ast):
 * one node per line, e.g. "(N_BINARY + (N_NAME x) (N_INT 1))". Deterministic. */
void ast_dump(FILE *out, const Ast *ast, NodeId id);
char *ast_dump_string(const Ast *ast, NodeId id); /* caller frees */

/* Print the tree back as Sifr source (normalised formatting: 4-space indents,
 * single spaces around binary operators, double-quoted strings). Parsing the
 * output again yields an equal ast_dump: this is the parser round-trip test. */
char *ast_unparse(const Ast *ast, NodeId id); /* caller frees */

/* ==== Parser ============================================================= */

/* Parse one file. Syntax errors are reported as diagnostics (SIFR-PARSE-*);
 * the parser recovers at statement boundaries and keeps going, producing
 * N_POISON nodes for broken parts, so several errors are reported per file.
 * Returns false if any error was reported. */
bool parse_file(FileId file, Ast *out);
/* Parse one more file into an Ast that already holds others (the modules
 * of a program share one Ast; spans carry their file). Returns the file's
 * N_MODULE; `*ok` is false if a syntax error was reported in it. Ast.root
 * and Ast.file are left as they were (they name the entry file). */
NodeId parse_file_append(FileId file, Ast *out, bool *ok);

#endif
