/* AST storage: the node arena, id lists, and node-kind names. The dump and
 * unparse printers live in ast_print.c. */
#include "ast.h"

void ast_init(Ast *ast, FileId file) {
    memset(ast, 0, sizeof *ast);
    ast->file = file;
    vec_push(&ast->nodes, ((Node){0})); /* id 0 = none */
    vec_push(&ast->ids, 0u);            /* keep list start 0 meaning "empty" harmless */
}

NodeId ast_new(Ast *ast, NodeKind kind, Span span) {
    Node n;
    memset(&n, 0, sizeof n);
    n.kind = (uint16_t)kind;
    n.span = span;
    vec_push(&ast->nodes, n);
    return ast->nodes.len - 1;
}

NodeList ast_list(Ast *ast, const NodeId *ids, uint32_t count) {
    NodeList l = {ast->ids.len, count};
    for (uint32_t i = 0; i < count; i++) vec_push(&ast->ids, ids[i]);
    return l;
}

void ast_free(Ast *ast) {
    vec_free(&ast->nodes);
    vec_free(&ast->ids);
    arena_free(&ast->arena);
}

const char *node_kind_name(NodeKind k) {
    static const char *names[N__COUNT] = {
        [N_NONE_] = "N_NONE_", [N_POISON] = "N_POISON", [N_NAME] = "N_NAME", [N_INT] = "N_INT",
        [N_FLOAT] = "N_FLOAT", [N_STR] = "N_STR", [N_BYTES] = "N_BYTES", [N_FSTRING] = "N_FSTRING",
        [N_FMT_FIELD] = "N_FMT_FIELD", [N_BOOL] = "N_BOOL", [N_NONE] = "N_NONE",
        [N_ELLIPSIS] = "N_ELLIPSIS", [N_UNARY] = "N_UNARY", [N_BINARY] = "N_BINARY",
        [N_BOOLOP] = "N_BOOLOP", [N_COMPARE] = "N_COMPARE", [N_CALL] = "N_CALL",
        [N_KEYWORD] = "N_KEYWORD", [N_ATTR] = "N_ATTR", [N_SUBSCRIPT] = "N_SUBSCRIPT",
        [N_SLICE] = "N_SLICE", [N_TUPLE] = "N_TUPLE", [N_LIST] = "N_LIST", [N_SET] = "N_SET",
        [N_DICT] = "N_DICT", [N_DICT_ITEM] = "N_DICT_ITEM", [N_COMP] = "N_COMP",
        [N_COMP_FOR] = "N_COMP_FOR", [N_LAMBDA] = "N_LAMBDA", [N_IFEXP] = "N_IFEXP",
        [N_AWAIT] = "N_AWAIT", [N_STARRED] = "N_STARRED", [N_WALRUS] = "N_WALRUS",
        [N_YIELD] = "N_YIELD", [N_EXPR_STMT] = "N_EXPR_STMT", [N_ASSIGN] = "N_ASSIGN",
        [N_ANN_ASSIGN] = "N_ANN_ASSIGN", [N_AUG_ASSIGN] = "N_AUG_ASSIGN", [N_PASS] = "N_PASS",
        [N_BREAK] = "N_BREAK", [N_CONTINUE] = "N_CONTINUE", [N_RETURN] = "N_RETURN",
        [N_RAISE] = "N_RAISE", [N_DEL] = "N_DEL", [N_ASSERT] = "N_ASSERT", [N_GLOBAL] = "N_GLOBAL",
        [N_IF] = "N_IF", [N_WHILE] = "N_WHILE", [N_FOR] = "N_FOR", [N_WITH] = "N_WITH",
        [N_WITH_ITEM] = "N_WITH_ITEM", [N_TRY] = "N_TRY", [N_EXCEPT] = "N_EXCEPT",
        [N_MATCH] = "N_MATCH", [N_CASE] = "N_CASE", [N_FUNC_DEF] = "N_FUNC_DEF",
        [N_PARAM] = "N_PARAM", [N_TYPE_PARAM] = "N_TYPE_PARAM", [N_CLASS_DEF] = "N_CLASS_DEF",
        [N_DECORATOR] = "N_DECORATOR", [N_IMPORT] = "N_IMPORT", [N_IMPORT_FROM] = "N_IMPORT_FROM",
        [N_ALIAS] = "N_ALIAS", [N_TYPE_ALIAS] = "N_TYPE_ALIAS",
        [N_PAT_WILDCARD] = "N_PAT_WILDCARD", [N_PAT_CAPTURE] = "N_PAT_CAPTURE",
        [N_PAT_VALUE] = "N_PAT_VALUE", [N_PAT_OR] = "N_PAT_OR", [N_PAT_AS] = "N_PAT_AS",
        [N_PAT_SEQUENCE] = "N_PAT_SEQUENCE", [N_PAT_STAR] = "N_PAT_STAR",
        [N_PAT_CLASS] = "N_PAT_CLASS", [N_PAT_KEYWORD] = "N_PAT_KEYWORD",
        [N_PAT_MAPPING] = "N_PAT_MAPPING", [N_PAT_ITEM] = "N_PAT_ITEM", [N_MODULE] = "N_MODULE",
    };
    if ((unsigned)k >= N__COUNT || !names[k]) ICE("bad node kind %d", (int)k);
    return names[k];
}

const char *ast_op_text(uint32_t op) {
    if (op == CMP_NOT_IN) return "not in";
    if (op == CMP_IS_NOT) return "is not";
    if (op < TOK__COUNT && op >= TOK_AND) return tok_kind_name((TokKind)op);
    ICE("unexpected operator code %u in the AST", op);
}
