/* The AST printers: ast_dump (an indented S-expression of structure and
 * values, used by tests and --emit ast) and ast_unparse (the tree printed back
 * as Sifr source). The dump omits spans and formatting-only flags so that
 * dump(parse(unparse(parse(P)))) == dump(parse(P)) holds for every program. */
#include <inttypes.h>

#include "ast.h"


/* Write a string value between `q` quotes with escapes; bytes literals also
 * escape every non-ASCII byte, str literals keep UTF-8 text as is. */
static void ast_put_quoted(StrBuf *sb, StrId s, char q, bool bytes) {
    const unsigned char *t = (const unsigned char *)str_text(s);
    uint32_t n = str_len(s);
    sb_putc(sb, q);
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = t[i];
        switch (c) {
        case '\\': sb_puts(sb, "\\\\"); break;
        case '\n': sb_puts(sb, "\\n"); break;
        case '\t': sb_puts(sb, "\\t"); break;
        case '\r': sb_puts(sb, "\\r"); break;
        default:
            if (c == (unsigned char)q) {
                sb_putc(sb, '\\');
                sb_putc(sb, (char)c);
            } else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
                sb_printf(sb, "\\x%02x", c);
            } else {
                sb_putc(sb, (char)c);
            }
        }
    }
    sb_putc(sb, q);
}

/* A float written so it reads back to the same double and lexes as a float. */
static void ast_put_float(StrBuf *sb, double v) {
    if (v != v) ICE("NaN float literal in the AST");
    if (v > 1.7976931348623157e308) {
        sb_puts(sb, "1e999");
        return;
    }
    char buf[64];
    for (int prec = 15; prec <= 17; prec++) { /* the shortest text that reads back */
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    sb_puts(sb, buf);
    if (!strpbrk(buf, ".eEn")) sb_puts(sb, ".0");
}

/* ==== ast_dump ============================================================ */

/* Which children each kind prints, in order: a/b/c are node slots (absent
 * ones print as `-`), 1-4 are lists; a list written "*1" prints its items
 * directly, "1body" prints them inside a labelled group `[body ...]`. */
static const char *ast_dump_fields(NodeKind k) {
    switch (k) {
    case N_FSTRING: case N_TUPLE: case N_LIST: case N_SET: case N_DICT: case N_DEL:
    case N_GLOBAL: case N_IMPORT: case N_IMPORT_FROM: case N_PAT_OR: case N_PAT_SEQUENCE:
    case N_PAT_MAPPING: case N_MODULE:
        return "*1";
    case N_FMT_FIELD: case N_BINARY: case N_BOOLOP: case N_SUBSCRIPT: case N_DICT_ITEM:
    case N_AUG_ASSIGN: case N_RAISE: case N_ASSERT: case N_WITH_ITEM: case N_PARAM:
    case N_PAT_ITEM:
        return "a b";
    case N_UNARY: case N_KEYWORD: case N_ATTR: case N_AWAIT: case N_STARRED: case N_WALRUS:
    case N_YIELD: case N_EXPR_STMT: case N_RETURN: case N_TYPE_PARAM: case N_DECORATOR:
    case N_PAT_VALUE: case N_PAT_AS: case N_PAT_KEYWORD:
        return "a";
    case N_COMPARE: case N_CALL: case N_MATCH: return "a *1";
    case N_SLICE: case N_IFEXP: case N_ANN_ASSIGN: return "a b c";
    case N_COMP: return "a b *1";
    case N_COMP_FOR: return "a b 1if";
    case N_LAMBDA: return "1params a";
    case N_ASSIGN: return "1targets a";
    case N_IF: case N_WHILE: return "a 1body 2else";
    case N_FOR: return "a b 1body 2else";
    case N_WITH: return "1items 2body";
    case N_TRY: return "1body 2handlers 3else 4finally";
    case N_EXCEPT: return "a 1body";
    case N_CASE: return "a b 1body";
    case N_FUNC_DEF: return "3decorators 4tparams 1params a 2body";
    case N_CLASS_DEF: return "3decorators 4tparams 1bases 2body";
    case N_TYPE_ALIAS: return "4tparams a";
    case N_PAT_CLASS: return "a 1args 2kwargs";
    default: return "";
    }
}

static void ast_dump_node(StrBuf *sb, const Ast *ast, NodeId id, int indent);

static void ast_dump_close(StrBuf *sb) {
    if (sb->len > 0 && sb->data[sb->len - 1] == '\n') sb->len--;
    sb_puts(sb, ")\n");
}

static void ast_dump_name(StrBuf *sb, StrId name) {
    sb_putc(sb, ' ');
    sb_puts(sb, name ? str_text(name) : "-");
}

/* The kind-specific payload after the kind name. */
static void ast_dump_payload(StrBuf *sb, const Ast *ast, const Node *n) {
    NodeKind k = n->kind;
    if ((n->flags & NF_ASYNC) &&
        (k == N_FUNC_DEF || k == N_FOR || k == N_WITH || k == N_COMP_FOR))
        sb_puts(sb, " async");
    switch (k) {
    case N_NAME: case N_ATTR: case N_WALRUS: case N_TYPE_PARAM: case N_FUNC_DEF:
    case N_CLASS_DEF: case N_TYPE_ALIAS: case N_PAT_CAPTURE: case N_PAT_AS:
    case N_PAT_KEYWORD:
        ast_dump_name(sb, n->name);
        break;
    case N_KEYWORD:
        sb_puts(sb, " ");
        sb_puts(sb, n->name ? str_text(n->name) : "**");
        break;
    case N_EXCEPT: case N_PAT_MAPPING: case N_PAT_STAR:
        if (n->name) ast_dump_name(sb, n->name);
        break;
    case N_PARAM:
        if (n->flags & NF_OWN) sb_puts(sb, " own");
        if (n->flags & NF_MUT) sb_puts(sb, " mut");
        if (n->flags & NF_STAR) sb_puts(sb, " *");
        if (n->flags & NF_DSTAR) sb_puts(sb, " **");
        ast_dump_name(sb, n->name);
        break;
    case N_ALIAS:
        ast_dump_name(sb, n->name ? n->name : intern_cstr("*"));
        if (n->alias) {
            sb_puts(sb, " as");
            ast_dump_name(sb, n->alias);
        }
        break;
    case N_IMPORT_FROM:
        sb_putc(sb, ' ');
        for (uint32_t i = 0; i < n->level; i++) sb_putc(sb, '.');
        if (n->name) sb_puts(sb, str_text(n->name));
        break;
    case N_INT: sb_printf(sb, " %" PRIu64, n->v.ival); break;
    case N_FLOAT: sb_printf(sb, " %.17g", n->v.fval); break;
    case N_STR: sb_putc(sb, ' '); ast_put_quoted(sb, n->v.str, '"', false); break;
    case N_BYTES: sb_puts(sb, " b"); ast_put_quoted(sb, n->v.str, '"', true); break;
    case N_BOOL: sb_puts(sb, n->v.bval ? " True" : " False"); break;
    case N_UNARY: case N_BINARY: case N_BOOLOP: case N_AUG_ASSIGN:
        sb_putc(sb, ' ');
        sb_puts(sb, ast_op_text(n->op));
        break;
    case N_COMPARE:
        for (uint32_t i = 0; i < n->list.count; i++) {
            sb_puts(sb, i ? ", " : " ");
            sb_puts(sb, ast_op_text(ast_cmp_op(ast, n, i)));
        }
        break;
    case N_COMP: {
        static const char *names[] = {"list", "set", "dict", "gen"};
        if (n->op > COMP_GEN) ICE("bad comprehension kind %u", n->op);
        sb_putc(sb, ' ');
        sb_puts(sb, names[n->op]);
        break;
    }
    case N_FMT_FIELD:
        if (n->op) sb_printf(sb, " !%c", (char)n->op);
        if (n->alias) sb_puts(sb, " =");
        break;
    case N_IF:
        if (n->flags & NF_ELIF) sb_puts(sb, " elif");
        break;
    case N_GLOBAL:
        if (n->flags & NF_NONLOCAL) sb_puts(sb, " nonlocal");
        break;
    default:
        break;
    }
}

static NodeList ast_list_field(const Node *n, char which) {
    switch (which) {
    case '1': return n->list;
    case '2': return n->list2;
    case '3': return n->list3;
    case '4': return n->list4;
    default: ICE("bad list field %c", which);
    }
}

static void ast_dump_node(StrBuf *sb, const Ast *ast, NodeId id, int indent) {
    for (int i = 0; i < indent; i++) sb_putc(sb, ' ');
    if (id == 0) {
        sb_puts(sb, "-\n");
        return;
    }
    const Node *n = ast_node(ast, id);
    sb_putc(sb, '(');
    sb_puts(sb, node_kind_name((NodeKind)n->kind));
    ast_dump_payload(sb, ast, n);
    sb_putc(sb, '\n');
    const char *f = ast_dump_fields((NodeKind)n->kind);
    while (*f) {
        if (*f == ' ') {
            f++;
            continue;
        }
        if (*f == 'a' || *f == 'b' || *f == 'c') {
            NodeId child = *f == 'a' ? n->a : *f == 'b' ? n->b : n->c;
            ast_dump_node(sb, ast, child, indent + 2);
            n = ast_node(ast, id);
            f++;
            continue;
        }
        bool bare = *f == '*';
        if (bare) f++;
        NodeList l = ast_list_field(n, *f++);
        const char *label = f;
        while (*f && *f != ' ') f++;
        if (bare) {
            for (uint32_t i = 0; i < l.count; i++)
                ast_dump_node(sb, ast, ast_list_at(ast, l, i), indent + 2);
        } else if (l.count > 0) { /* empty labelled lists are omitted */
            for (int i = 0; i < indent + 2; i++) sb_putc(sb, ' ');
            sb_putc(sb, '[');
            sb_putn(sb, label, (size_t)(f - label));
            sb_putc(sb, '\n');
            for (uint32_t i = 0; i < l.count; i++)
                ast_dump_node(sb, ast, ast_list_at(ast, l, i), indent + 4);
            if (sb->data[sb->len - 1] == '\n') sb->len--;
            sb_puts(sb, "]\n");
        }
    }
    ast_dump_close(sb);
}

char *ast_dump_string(const Ast *ast, NodeId id) {
    StrBuf sb = {0};
    ast_dump_node(&sb, ast, id, 0);
    return sb_take(&sb);
}

void ast_dump(FILE *out, const Ast *ast, NodeId id) {
    char *s = ast_dump_string(ast, id);
    fputs(s, out);
    free(s);
}

/* ==== ast_unparse ========================================================= */

typedef struct Unparser {
    const Ast *ast;
    StrBuf sb;
    int fdepth; /* f-string nesting: inner literals alternate quote characters */
} Unparser;

static void up_expr(Unparser *u, NodeId id);
static void up_stmts(Unparser *u, NodeList l, int indent);

static char up_quote(const Unparser *u) { return u->fdepth % 2 ? '\'' : '"'; }

static const Node *up_node(const Unparser *u, NodeId id) { return ast_node(u->ast, id); }

/* Operands that are themselves operator expressions get parentheses, so the
 * printed text never depends on precedence rules. */
static void up_operand(Unparser *u, NodeId id) {
    switch (up_node(u, id)->kind) {
    case N_BINARY: case N_UNARY: case N_BOOLOP: case N_COMPARE: case N_AWAIT: case N_INT:
    case N_FLOAT: /* N_IFEXP, N_LAMBDA, N_WALRUS and N_YIELD bracket themselves */
        sb_putc(&u->sb, '(');
        up_expr(u, id);
        sb_putc(&u->sb, ')');
        return;
    default:
        up_expr(u, id);
    }
}

/* Binary-operator operands: literals need no parentheses there. */
static void up_binop_operand(Unparser *u, NodeId id) {
    NodeKind k = up_node(u, id)->kind;
    if (k == N_INT || k == N_FLOAT) up_expr(u, id);
    else up_operand(u, id);
}

static void up_list(Unparser *u, NodeList l) {
    for (uint32_t i = 0; i < l.count; i++) {
        if (i) sb_puts(&u->sb, ", ");
        up_expr(u, ast_list_at(u->ast, l, i));
    }
}

static void up_params(Unparser *u, NodeList l) {
    for (uint32_t i = 0; i < l.count; i++) {
        if (i) sb_puts(&u->sb, ", ");
        const Node *p = up_node(u, ast_list_at(u->ast, l, i));
        if (p->kind == N_POISON) {
            sb_puts(&u->sb, "_");
            continue;
        }
        if (p->flags & NF_OWN) sb_puts(&u->sb, "own ");
        if (p->flags & NF_MUT) sb_puts(&u->sb, "mut ");
        if (p->flags & NF_STAR) sb_puts(&u->sb, "*");
        if (p->flags & NF_DSTAR) sb_puts(&u->sb, "**");
        if (p->name) sb_puts(&u->sb, str_text(p->name));
        if (p->a) {
            sb_puts(&u->sb, ": ");
            up_expr(u, p->a);
        }
        if (p->b) {
            sb_puts(&u->sb, " = ");
            up_expr(u, p->b);
        }
    }
}

/* Literal text inside an f-string: braces doubled, quotes and controls escaped. */
static void up_ftext(Unparser *u, StrId s, char q) {
    const char *t = str_text(s);
    uint32_t n = str_len(s);
    for (uint32_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '{' || c == '}') {
            sb_putc(&u->sb, c);
            sb_putc(&u->sb, c);
        } else if (c == '\\') {
            sb_puts(&u->sb, "\\\\");
        } else if (c == '\n') {
            sb_puts(&u->sb, "\\n");
        } else if (c == '\t') {
            sb_puts(&u->sb, "\\t");
        } else if (c == '\r') {
            sb_puts(&u->sb, "\\r");
        } else if (c == q) {
            sb_putc(&u->sb, '\\');
            sb_putc(&u->sb, c);
        } else if ((unsigned char)c < 0x20 || c == 0x7f) {
            sb_printf(&u->sb, "\\x%02x", (unsigned char)c);
        } else {
            sb_putc(&u->sb, c);
        }
    }
}

static void up_fparts(Unparser *u, const Node *f, char q);

static void up_field(Unparser *u, const Node *fld, char q) {
    sb_putc(&u->sb, '{');
    size_t at = u->sb.len;
    u->fdepth++;
    up_expr(u, fld->a);
    u->fdepth--;
    /* `{{` would read as an escaped brace: separate a leading dict/set. */
    if (u->sb.len > at && u->sb.data[at] == '{') {
        sb_putc(&u->sb, ' ');
        memmove(u->sb.data + at + 1, u->sb.data + at, u->sb.len - at - 1);
        u->sb.data[at] = ' ';
    }
    if (fld->alias) sb_putc(&u->sb, '=');
    if (fld->op) sb_printf(&u->sb, "!%c", (char)fld->op);
    if (fld->b) {
        sb_putc(&u->sb, ':');
        up_fparts(u, up_node(u, fld->b), q);
    }
    sb_putc(&u->sb, '}');
}

static void up_fparts(Unparser *u, const Node *f, char q) {
    for (uint32_t i = 0; i < f->list.count; i++) {
        const Node *part = up_node(u, ast_list_at(u->ast, f->list, i));
        if (part->kind == N_STR) up_ftext(u, part->v.str, q);
        else if (part->kind == N_FMT_FIELD) up_field(u, part, q);
        else ICE("f-string part of kind %s", node_kind_name((NodeKind)part->kind));
    }
}

static void up_comp_fors(Unparser *u, NodeList fors) {
    for (uint32_t i = 0; i < fors.count; i++) {
        const Node *f = up_node(u, ast_list_at(u->ast, fors, i));
        sb_puts(&u->sb, f->flags & NF_ASYNC ? " async for " : " for ");
        up_expr(u, f->a);
        sb_puts(&u->sb, " in ");
        up_operand(u, f->b);
        for (uint32_t j = 0; j < f->list.count; j++) {
            sb_puts(&u->sb, " if ");
            up_operand(u, ast_list_at(u->ast, f->list, j));
        }
    }
}

/* A subscript index: a tuple prints without parentheses so slices stay legal. */
static void up_index(Unparser *u, NodeId id) {
    const Node *n = up_node(u, id);
    if (n->kind == N_TUPLE && n->list.count > 0) {
        up_list(u, n->list);
        if (n->list.count == 1) sb_putc(&u->sb, ',');
        return;
    }
    up_expr(u, id);
}

static void up_pattern(Unparser *u, NodeId id, bool nested);

static void up_patterns(Unparser *u, NodeList l) {
    for (uint32_t i = 0; i < l.count; i++) {
        if (i) sb_puts(&u->sb, ", ");
        up_pattern(u, ast_list_at(u->ast, l, i), true);
    }
}

static void up_pattern(Unparser *u, NodeId id, bool nested) {
    const Node *n = up_node(u, id);
    StrBuf *sb = &u->sb;
    switch (n->kind) {
    case N_PAT_WILDCARD: sb_putc(sb, '_'); return;
    case N_PAT_CAPTURE: sb_puts(sb, str_text(n->name)); return;
    case N_PAT_VALUE: up_expr(u, n->a); return;
    case N_PAT_STAR:
        sb_putc(sb, '*');
        sb_puts(sb, n->name ? str_text(n->name) : "_");
        return;
    case N_PAT_OR:
        if (nested) sb_putc(sb, '(');
        for (uint32_t i = 0; i < n->list.count; i++) {
            if (i) sb_puts(sb, " | ");
            up_pattern(u, ast_list_at(u->ast, n->list, i), true);
        }
        if (nested) sb_putc(sb, ')');
        return;
    case N_PAT_AS:
        if (nested) sb_putc(sb, '(');
        up_pattern(u, n->a, true);
        sb_puts(sb, " as ");
        sb_puts(sb, str_text(n->name));
        if (nested) sb_putc(sb, ')');
        return;
    case N_PAT_SEQUENCE:
        sb_putc(sb, '[');
        up_patterns(u, n->list);
        sb_putc(sb, ']');
        return;
    case N_PAT_CLASS:
        up_expr(u, n->a);
        sb_putc(sb, '(');
        up_patterns(u, n->list);
        for (uint32_t i = 0; i < n->list2.count; i++) {
            const Node *kw = up_node(u, ast_list_at(u->ast, n->list2, i));
            if (i || n->list.count) sb_puts(sb, ", ");
            sb_puts(sb, str_text(kw->name));
            sb_putc(sb, '=');
            up_pattern(u, kw->a, true);
        }
        sb_putc(sb, ')');
        return;
    case N_PAT_MAPPING:
        sb_putc(sb, '{');
        for (uint32_t i = 0; i < n->list.count; i++) {
            const Node *it = up_node(u, ast_list_at(u->ast, n->list, i));
            if (i) sb_puts(sb, ", ");
            up_expr(u, it->a);
            sb_puts(sb, ": ");
            up_pattern(u, it->b, true);
        }
        if (n->name) {
            if (n->list.count) sb_puts(sb, ", ");
            sb_puts(sb, "**");
            sb_puts(sb, str_text(n->name));
        }
        sb_putc(sb, '}');
        return;
    case N_POISON: sb_putc(sb, '_'); return;
    default: ICE("unparse: %s is not a pattern", node_kind_name((NodeKind)n->kind));
    }
}

static void up_expr(Unparser *u, NodeId id) {
    StrBuf *sb = &u->sb;
    if (id == 0) ICE("unparse: missing expression");
    const Node *n = up_node(u, id);
    switch (n->kind) {
    case N_POISON: sb_puts(sb, "__poison__"); return;
    case N_NAME: sb_puts(sb, str_text(n->name)); return;
    case N_INT: sb_printf(sb, "%" PRIu64, n->v.ival); return;
    case N_FLOAT: ast_put_float(sb, n->v.fval); return;
    case N_STR: ast_put_quoted(sb, n->v.str, up_quote(u), false); return;
    case N_BYTES: sb_putc(sb, 'b'); ast_put_quoted(sb, n->v.str, up_quote(u), true); return;
    case N_FSTRING: {
        char q = up_quote(u);
        sb_putc(sb, 'f');
        sb_putc(sb, q);
        up_fparts(u, n, q);
        sb_putc(sb, q);
        return;
    }
    case N_BOOL: sb_puts(sb, n->v.bval ? "True" : "False"); return;
    case N_NONE: sb_puts(sb, "None"); return;
    case N_ELLIPSIS: sb_puts(sb, "..."); return;
    case N_UNARY:
        sb_puts(sb, ast_op_text(n->op));
        if (n->op == TOK_NOT) sb_putc(sb, ' ');
        up_binop_operand(u, n->a);
        return;
    case N_BINARY:
        up_binop_operand(u, n->a);
        sb_printf(sb, " %s ", ast_op_text(n->op));
        up_binop_operand(u, n->b);
        return;
    case N_BOOLOP:
        up_operand(u, n->a);
        sb_printf(sb, " %s ", ast_op_text(n->op));
        up_operand(u, n->b);
        return;
    case N_COMPARE:
        up_binop_operand(u, n->a);
        for (uint32_t i = 0; i < n->list.count; i++) {
            sb_printf(sb, " %s ", ast_op_text(ast_cmp_op(u->ast, n, i)));
            up_binop_operand(u, ast_list_at(u->ast, n->list, i));
        }
        return;
    case N_CALL:
        up_operand(u, n->a);
        sb_putc(sb, '(');
        up_list(u, n->list);
        sb_putc(sb, ')');
        return;
    case N_KEYWORD:
        if (n->name) {
            sb_puts(sb, str_text(n->name));
            sb_putc(sb, '=');
        } else {
            sb_puts(sb, "**");
        }
        if (n->name) up_expr(u, n->a);
        else up_operand(u, n->a);
        return;
    case N_ATTR:
        up_operand(u, n->a);
        sb_putc(sb, '.');
        sb_puts(sb, str_text(n->name));
        return;
    case N_SUBSCRIPT:
        up_operand(u, n->a);
        sb_putc(sb, '[');
        up_index(u, n->b);
        sb_putc(sb, ']');
        return;
    case N_SLICE:
        if (n->a) up_expr(u, n->a);
        sb_putc(sb, ':');
        if (n->b) up_expr(u, n->b);
        if (n->c) {
            sb_putc(sb, ':');
            up_expr(u, n->c);
        }
        return;
    case N_TUPLE:
        sb_putc(sb, '(');
        up_list(u, n->list);
        if (n->list.count == 1) sb_putc(sb, ',');
        sb_putc(sb, ')');
        return;
    case N_LIST:
        sb_putc(sb, '[');
        up_list(u, n->list);
        sb_putc(sb, ']');
        return;
    case N_SET:
        sb_putc(sb, '{');
        up_list(u, n->list);
        sb_putc(sb, '}');
        return;
    case N_DICT:
        sb_putc(sb, '{');
        up_list(u, n->list);
        sb_putc(sb, '}');
        return;
    case N_DICT_ITEM:
        if (n->a) {
            up_expr(u, n->a);
            sb_puts(sb, ": ");
            up_expr(u, n->b);
        } else {
            sb_puts(sb, "**");
            up_operand(u, n->b);
        }
        return;
    case N_COMP: {
        static const char open[] = {'[', '{', '{', '('}, close[] = {']', '}', '}', ')'};
        if (n->op > COMP_GEN) ICE("bad comprehension kind %u", n->op);
        sb_putc(sb, open[n->op]);
        up_expr(u, n->a);
        if (n->op == COMP_DICT) {
            sb_puts(sb, ": ");
            up_expr(u, n->b);
        }
        up_comp_fors(u, n->list);
        sb_putc(sb, close[n->op]);
        return;
    }
    case N_LAMBDA:
        sb_puts(sb, "(lambda");
        if (n->list.count) sb_putc(sb, ' ');
        up_params(u, n->list);
        sb_puts(sb, ": ");
        up_expr(u, n->a);
        sb_putc(sb, ')');
        return;
    case N_IFEXP:
        sb_putc(sb, '(');
        up_operand(u, n->b);
        sb_puts(sb, " if ");
        up_operand(u, n->a);
        sb_puts(sb, " else ");
        up_operand(u, n->c);
        sb_putc(sb, ')');
        return;
    case N_AWAIT:
        sb_puts(sb, "await ");
        up_operand(u, n->a);
        return;
    case N_STARRED:
        sb_putc(sb, '*');
        up_operand(u, n->a);
        return;
    case N_WALRUS:
        sb_printf(sb, "(%s := ", str_text(n->name));
        up_expr(u, n->a);
        sb_putc(sb, ')');
        return;
    case N_YIELD:
        sb_puts(sb, "(yield");
        if (n->a) {
            sb_putc(sb, ' ');
            up_expr(u, n->a);
        }
        sb_putc(sb, ')');
        return;
    default:
        ICE("unparse: %s is not an expression", node_kind_name((NodeKind)n->kind));
    }
}

static void up_indent(Unparser *u, int indent) {
    for (int i = 0; i < indent; i++) sb_putc(&u->sb, ' ');
}

/* ':' NEWLINE and an indented body (`pass` for an empty one). */
static void up_body(Unparser *u, NodeList l, int indent) {
    sb_puts(&u->sb, ":\n");
    if (l.count == 0) {
        up_indent(u, indent + 4);
        sb_puts(&u->sb, "pass\n");
        return;
    }
    up_stmts(u, l, indent + 4);
}

/* An `else:` block of a loop, when it has one. */
static void up_else(Unparser *u, NodeList body, int indent) {
    if (!body.count) return;
    up_indent(u, indent);
    sb_puts(&u->sb, "else");
    up_body(u, body, indent);
}

static void up_type_params(Unparser *u, NodeList l) {
    if (l.count == 0) return;
    sb_putc(&u->sb, '[');
    for (uint32_t i = 0; i < l.count; i++) {
        const Node *tp = up_node(u, ast_list_at(u->ast, l, i));
        if (i) sb_puts(&u->sb, ", ");
        sb_puts(&u->sb, str_text(tp->name));
        if (tp->a) {
            sb_puts(&u->sb, ": ");
            up_expr(u, tp->a);
        }
    }
    sb_putc(&u->sb, ']');
}

static void up_if(Unparser *u, const Node *n, int indent, const char *kw) {
    sb_puts(&u->sb, kw);
    up_expr(u, n->a);
    up_body(u, n->list, indent);
    if (n->list2.count == 1) {
        const Node *e = up_node(u, ast_list_at(u->ast, n->list2, 0));
        if (e->kind == N_IF && (e->flags & NF_ELIF)) {
            up_indent(u, indent);
            up_if(u, e, indent, "elif ");
            return;
        }
    }
    if (n->list2.count) {
        up_indent(u, indent);
        sb_puts(&u->sb, "else");
        up_body(u, n->list2, indent);
    }
}

static void up_stmt(Unparser *u, NodeId id, int indent) {
    const Node *n = up_node(u, id);
    StrBuf *sb = &u->sb;
    if (n->kind == N_FUNC_DEF || n->kind == N_CLASS_DEF) {
        for (uint32_t i = 0; i < n->list3.count; i++) {
            const Node *d = up_node(u, ast_list_at(u->ast, n->list3, i));
            up_indent(u, indent);
            sb_putc(sb, '@');
            up_expr(u, d->a);
            sb_putc(sb, '\n');
        }
    }
    up_indent(u, indent);
    switch (n->kind) {
    case N_POISON: sb_puts(sb, "__poison__\n"); return;
    case N_EXPR_STMT: up_expr(u, n->a); break;
    case N_ASSIGN:
        for (uint32_t i = 0; i < n->list.count; i++) {
            up_expr(u, ast_list_at(u->ast, n->list, i));
            sb_puts(sb, " = ");
        }
        up_expr(u, n->a);
        break;
    case N_ANN_ASSIGN:
        up_expr(u, n->a);
        sb_puts(sb, ": ");
        up_expr(u, n->b);
        if (n->c) {
            sb_puts(sb, " = ");
            up_expr(u, n->c);
        }
        break;
    case N_AUG_ASSIGN:
        up_expr(u, n->a);
        sb_printf(sb, " %s= ", ast_op_text(n->op));
        up_expr(u, n->b);
        break;
    case N_PASS: sb_puts(sb, "pass"); break;
    case N_BREAK: sb_puts(sb, "break"); break;
    case N_CONTINUE: sb_puts(sb, "continue"); break;
    case N_RETURN:
        sb_puts(sb, "return");
        if (n->a) {
            sb_putc(sb, ' ');
            up_expr(u, n->a);
        }
        break;
    case N_RAISE:
        sb_puts(sb, "raise");
        if (n->a) {
            sb_putc(sb, ' ');
            up_expr(u, n->a);
        }
        if (n->b) {
            sb_puts(sb, " from ");
            up_expr(u, n->b);
        }
        break;
    case N_DEL:
        sb_puts(sb, "del ");
        up_list(u, n->list);
        break;
    case N_ASSERT:
        sb_puts(sb, "assert ");
        up_expr(u, n->a);
        if (n->b) {
            sb_puts(sb, ", ");
            up_expr(u, n->b);
        }
        break;
    case N_GLOBAL:
        sb_puts(sb, n->flags & NF_NONLOCAL ? "nonlocal " : "global ");
        up_list(u, n->list);
        break;
    case N_IMPORT:
        sb_puts(sb, "import ");
        for (uint32_t i = 0; i < n->list.count; i++) {
            const Node *a = up_node(u, ast_list_at(u->ast, n->list, i));
            if (i) sb_puts(sb, ", ");
            sb_puts(sb, str_text(a->name));
            if (a->alias) sb_printf(sb, " as %s", str_text(a->alias));
        }
        break;
    case N_IMPORT_FROM:
        sb_puts(sb, "from ");
        for (uint32_t i = 0; i < n->level; i++) sb_putc(sb, '.');
        if (n->name) sb_puts(sb, str_text(n->name));
        sb_puts(sb, " import ");
        for (uint32_t i = 0; i < n->list.count; i++) {
            const Node *a = up_node(u, ast_list_at(u->ast, n->list, i));
            if (i) sb_puts(sb, ", ");
            sb_puts(sb, a->name ? str_text(a->name) : "*");
            if (a->alias) sb_printf(sb, " as %s", str_text(a->alias));
        }
        break;
    case N_TYPE_ALIAS:
        sb_printf(sb, "type %s", str_text(n->name));
        up_type_params(u, n->list4);
        sb_puts(sb, " = ");
        up_expr(u, n->a);
        break;
    case N_IF: up_if(u, n, indent, "if "); return;
    case N_WHILE:
        sb_puts(sb, "while ");
        up_expr(u, n->a);
        up_body(u, n->list, indent);
        up_else(u, n->list2, indent);
        return;
    case N_FOR:
        sb_puts(sb, n->flags & NF_ASYNC ? "async for " : "for ");
        up_expr(u, n->a);
        sb_puts(sb, " in ");
        up_expr(u, n->b);
        up_body(u, n->list, indent);
        up_else(u, n->list2, indent);
        return;
    case N_WITH:
        sb_puts(sb, n->flags & NF_ASYNC ? "async with " : "with ");
        for (uint32_t i = 0; i < n->list.count; i++) {
            const Node *it = up_node(u, ast_list_at(u->ast, n->list, i));
            if (i) sb_puts(sb, ", ");
            up_expr(u, it->a);
            if (it->b) {
                sb_puts(sb, " as ");
                up_expr(u, it->b);
            }
        }
        up_body(u, n->list2, indent);
        return;
    case N_TRY:
        sb_puts(sb, "try");
        up_body(u, n->list, indent);
        for (uint32_t i = 0; i < n->list2.count; i++) {
            const Node *h = up_node(u, ast_list_at(u->ast, n->list2, i));
            up_indent(u, indent);
            sb_puts(sb, "except");
            if (h->a) {
                sb_putc(sb, ' ');
                up_expr(u, h->a);
            }
            if (h->name) sb_printf(sb, " as %s", str_text(h->name));
            up_body(u, h->list, indent);
        }
        if (n->list3.count) {
            up_indent(u, indent);
            sb_puts(sb, "else");
            up_body(u, n->list3, indent);
        }
        if (n->list4.count) {
            up_indent(u, indent);
            sb_puts(sb, "finally");
            up_body(u, n->list4, indent);
        }
        return;
    case N_MATCH:
        sb_puts(sb, "match ");
        up_expr(u, n->a);
        sb_puts(sb, ":\n");
        for (uint32_t i = 0; i < n->list.count; i++) {
            const Node *c = up_node(u, ast_list_at(u->ast, n->list, i));
            up_indent(u, indent + 4);
            sb_puts(sb, "case ");
            up_pattern(u, c->a, false);
            if (c->b) {
                sb_puts(sb, " if ");
                up_expr(u, c->b);
            }
            up_body(u, c->list, indent + 4);
        }
        return;
    case N_FUNC_DEF:
        sb_printf(sb, "%sdef %s", n->flags & NF_ASYNC ? "async " : "", str_text(n->name));
        up_type_params(u, n->list4);
        sb_putc(sb, '(');
        up_params(u, n->list);
        sb_putc(sb, ')');
        if (n->a) {
            sb_puts(sb, " -> ");
            up_expr(u, n->a);
        }
        up_body(u, n->list2, indent);
        return;
    case N_CLASS_DEF:
        sb_printf(sb, "class %s", str_text(n->name));
        up_type_params(u, n->list4);
        if (n->list.count) {
            sb_putc(sb, '(');
            up_list(u, n->list);
            sb_putc(sb, ')');
        }
        up_body(u, n->list2, indent);
        return;
    default:
        ICE("unparse: %s is not a statement", node_kind_name((NodeKind)n->kind));
    }
    sb_putc(sb, '\n');
}

static void up_stmts(Unparser *u, NodeList l, int indent) {
    for (uint32_t i = 0; i < l.count; i++) up_stmt(u, ast_list_at(u->ast, l, i), indent);
}

char *ast_unparse(const Ast *ast, NodeId id) {
    Unparser u = {.ast = ast};
    const Node *n = ast_node(ast, id);
    switch (n->kind) {
    case N_MODULE: up_stmts(&u, n->list, 0); break;
    case N_EXPR_STMT: case N_ASSIGN: case N_ANN_ASSIGN: case N_AUG_ASSIGN: case N_PASS:
    case N_BREAK: case N_CONTINUE: case N_RETURN: case N_RAISE: case N_DEL: case N_ASSERT:
    case N_GLOBAL: case N_IF: case N_WHILE: case N_FOR: case N_WITH: case N_TRY: case N_MATCH:
    case N_FUNC_DEF: case N_CLASS_DEF: case N_IMPORT: case N_IMPORT_FROM: case N_TYPE_ALIAS:
        up_stmt(&u, id, 0);
        break;
    case N_PAT_WILDCARD: case N_PAT_CAPTURE: case N_PAT_VALUE: case N_PAT_OR: case N_PAT_AS:
    case N_PAT_SEQUENCE: case N_PAT_STAR: case N_PAT_CLASS: case N_PAT_MAPPING:
        up_pattern(&u, id, false);
        break;
    default: up_expr(&u, id); break;
    }
    if (!u.sb.data) sb_puts(&u.sb, "");
    return sb_take(&u.sb);
}
