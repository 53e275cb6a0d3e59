/* Reading MIR without changing it: the stable text form (mir_dump,
 * mir_dump_string), the runtime entry names (mir_rt_name) and the
 * structural verifier (mir_verify). */
#include <math.h>

#include "mir_internal.h"

static const char *const mir_rt_names[MRT__COUNT] = {
    [MRT_PRINT_VALUE] = "rt_print_value",
    [MRT_PRINT_SPACE] = "rt_print_space",
    [MRT_PRINT_NEWLINE] = "rt_print_newline",
    [MRT_STR_OF] = "rt_str_of",
    [MRT_REPR_OF] = "rt_repr_of",
    [MRT_STR_CONCAT] = "rt_str_concat",
    [MRT_VALUE_EQ] = "rt_value_eq",
    [MRT_VALUE_CMP] = "rt_value_cmp",
    [MRT_VALUE_CLONE] = "rt_value_clone",
    [MRT_PRINT_STR] = "rt_print_str",
    [MRT_PRINT_INT] = "rt_print_int",
    [MRT_PRINT_FLOAT] = "rt_print_float",
    [MRT_PRINT_BOOL] = "rt_print_bool",
    [MRT_PRINT_NONE] = "rt_print_none",
    [MRT_INT_FLOORDIV] = "rt_int_floordiv",
    [MRT_INT_MOD] = "rt_int_mod",
    [MRT_INT_POW] = "rt_int_pow",
    [MRT_FLOAT_DIV] = "rt_float_div",
    [MRT_FLOAT_FLOORDIV] = "rt_float_floordiv",
    [MRT_FLOAT_MOD] = "rt_float_mod",
    [MRT_FLOAT_POW] = "rt_float_pow",
    [MRT_FLOAT_TO_INT] = "rt_float_to_int",
    [MRT_STR_CLONE] = "rt_str_clone",
    [MRT_STR_JOIN_PARTS] = "rt_str_join_parts",
    [MRT_STR_EQ] = "rt_str_eq",
    [MRT_STR_CMP] = "rt_str_cmp",
    [MRT_STR_LEN] = "rt_str_len",
    [MRT_STR_REPR] = "rt_str_repr",
    [MRT_STR_FROM_INT] = "rt_str_from_int",
    [MRT_STR_FROM_FLOAT] = "rt_str_from_float",
    [MRT_STR_FROM_BOOL] = "rt_str_from_bool",
    [MRT_STR_NONE] = "rt_str_none",
    [MRT_FMT_INT] = "rt_fmt_int",
    [MRT_FMT_FLOAT] = "rt_fmt_float",
    [MRT_FMT_STR] = "rt_fmt_str",
    [MRT_FMT_BOOL] = "rt_fmt_bool",
    [MRT_LIST_LEN] = "rt_list_len",
    [MRT_LIST_PUSH] = "rt_list_push",
    [MRT_LIST_AT] = "rt_list_at",
    [MRT_LIST_SET] = "rt_list_set",
    [MRT_LIST_POP] = "rt_list_pop",
    [MRT_LIST_INSERT] = "rt_list_insert",
    [MRT_LIST_EXTEND] = "rt_list_extend",
    [MRT_LIST_REVERSE] = "rt_list_reverse",
    [MRT_LIST_SORT] = "rt_list_sort",
    [MRT_LIST_SORT_KEY] = "rt_list_sort_key",
    [MRT_LIST_CONTAINS] = "rt_list_contains",
    [MRT_LIST_INDEX] = "rt_list_index",
    [MRT_LIST_CONCAT] = "rt_list_concat",
    [MRT_STR_UPPER] = "rt_str_upper",
    [MRT_STR_LOWER] = "rt_str_lower",
    [MRT_STR_STRIP] = "rt_str_strip",
    [MRT_STR_SPLIT] = "rt_str_split",
    [MRT_STR_JOIN] = "rt_str_join",
    [MRT_STR_REPLACE] = "rt_str_replace",
    [MRT_STR_STARTSWITH] = "rt_str_startswith",
    [MRT_STR_ENDSWITH] = "rt_str_endswith",
    [MRT_STR_CONTAINS] = "rt_str_contains",
    [MRT_STR_INDEX] = "rt_str_index",
    /* dicts and sets */
    [MRT_DICT_LEN] = "rt_dict_len",
    [MRT_DICT_AT] = "rt_dict_at",
    [MRT_DICT_GET] = "rt_dict_get_clone",
    [MRT_DICT_GET_OR] = "rt_dict_get_or",
    [MRT_DICT_SET] = "rt_dict_set",
    [MRT_DICT_ADD_INT] = "rt_dict_add_int",
    [MRT_DICT_SET_REF] = "rt_dict_set_ref",
    [MRT_DICT_CONTAINS] = "rt_dict_contains",
    [MRT_DICT_DEL] = "rt_dict_del",
    [MRT_DICT_POP] = "rt_dict_remove",
    [MRT_DICT_POP_OR] = "rt_dict_pop_or",
    [MRT_DICT_SETDEFAULT] = "rt_dict_setdefault",
    [MRT_DICT_UPDATE] = "rt_dict_update",
    [MRT_DICT_CLEAR] = "rt_dict_clear",
    [MRT_DICT_KEYS] = "rt_dict_keys",
    [MRT_DICT_VALUES] = "rt_dict_values",
    [MRT_DICT_ITEMS] = "rt_dict_items",
    [MRT_DICT_NEXT_SLOT] = "rt_dict_next_slot",
    [MRT_DICT_KEY_AT] = "rt_dict_key_at",
    [MRT_DICT_VALUE_AT] = "rt_dict_value_at",
    [MRT_SET_LEN] = "rt_set_len",
    [MRT_SET_ADD] = "rt_set_add",
    [MRT_SET_CONTAINS] = "rt_set_contains",
    [MRT_SET_REMOVE] = "rt_set_remove_or_panic",
    [MRT_SET_DISCARD] = "rt_set_remove",
    [MRT_SET_CLEAR] = "rt_set_clear",
    [MRT_SET_UNION] = "rt_set_union",
    [MRT_SET_INTERSECTION] = "rt_set_intersection",
    [MRT_SET_DIFFERENCE] = "rt_set_difference",
    [MRT_SET_SYMDIFF] = "rt_set_symmetric_difference",
    [MRT_SET_ISSUBSET] = "rt_set_issubset",
    [MRT_SET_UPDATE] = "rt_set_update",
    [MRT_SET_NEXT_SLOT] = "rt_set_next_slot",
    [MRT_SET_ELEM_AT] = "rt_set_elem_at",
    [MRT_LIST_DEL] = "rt_list_del",
    /* sequences */
    [MRT_LIST_SLICE] = "rt_list_slice",
    [MRT_STR_SLICE] = "rt_str_slice",
    [MRT_BYTES_SLICE] = "rt_bytes_slice",
    [MRT_BYTES_AT] = "rt_bytes_at",
    [MRT_LIST_REPEAT] = "rt_list_repeat",
    [MRT_STR_REPEAT] = "rt_str_repeat",
    [MRT_LIST_COUNT] = "rt_list_count",
    [MRT_LIST_REMOVE] = "rt_list_remove",
    [MRT_LIST_CLEAR] = "rt_list_clear",
    [MRT_LIST_RANGE] = "rt_list_range",
    [MRT_LIST_ENUMERATE] = "rt_list_enumerate",
    [MRT_LIST_ZIP] = "rt_list_zip",
    [MRT_LIST_SUM_INT] = "rt_list_sum_int",
    [MRT_LIST_SUM_FLOAT] = "rt_list_sum_float",
    [MRT_LIST_ANY] = "rt_list_any",
    [MRT_LIST_ALL] = "rt_list_all",
    [MRT_LIST_MINMAX] = "rt_list_minmax",
    [MRT_SEQ_SET_FROM_LIST] = "rt_set_from_list",
    [MRT_SEQ_LIST_FROM_SET] = "rt_list_from_set",
    [MRT_SEQ_DICT_FROM_PAIRS] = "rt_dict_from_pairs",
    [MRT_SEQ_DICT_KEYS] = "rt_dict_keys",
    [MRT_SEQ_SET_LEN] = "rt_set_len",
    [MRT_STR_FIND] = "rt_str_find",
    [MRT_STR_RFIND] = "rt_str_rfind",
    [MRT_STR_COUNT] = "rt_str_count",
    [MRT_STR_ISDIGIT] = "rt_str_isdigit",
    [MRT_STR_ISALPHA] = "rt_str_isalpha",
    [MRT_STR_ISSPACE] = "rt_str_isspace",
    [MRT_STR_ISALNUM] = "rt_str_isalnum",
    [MRT_STR_ISUPPER] = "rt_str_isupper",
    [MRT_STR_ISLOWER] = "rt_str_islower",
    [MRT_STR_TITLE] = "rt_str_title",
    [MRT_STR_CAPITALIZE] = "rt_str_capitalize",
    [MRT_STR_ENCODE] = "rt_str_encode",
    [MRT_STR_LSTRIP] = "rt_str_lstrip",
    [MRT_STR_RSTRIP] = "rt_str_rstrip",
    [MRT_STR_SPLITN] = "rt_str_split",
    [MRT_STR_RSPLIT] = "rt_str_rsplit",
    [MRT_STR_SPLITLINES] = "rt_str_splitlines",
    [MRT_STR_REPLACEN] = "rt_str_replace",
    [MRT_STR_ZFILL] = "rt_str_zfill",
    [MRT_STR_CENTER] = "rt_str_center",
    [MRT_STR_LJUST] = "rt_str_ljust",
    [MRT_STR_RJUST] = "rt_str_rjust",
    [MRT_STR_REMOVEPREFIX] = "rt_str_removeprefix",
    [MRT_STR_REMOVESUFFIX] = "rt_str_removesuffix",
    [MRT_STR_CHARS] = "rt_str_chars",
    [MRT_STR_ORD] = "rt_str_ord",
    [MRT_STR_CHR] = "rt_str_chr",
    [MRT_FLOAT_ROUND] = "rt_float_round",
    [MRT_FLOAT_ROUND_DIGITS] = "rt_float_round_digits",
    [MRT_INT_ROUND_DIGITS] = "rt_int_round_digits",
    [MRT_INT_POWMOD] = "rt_int_powmod",
    [MRT_INT_TO_BASE] = "rt_int_to_base",
    [MRT_BYTES_LIST] = "rt_bytes_list",
    [MRT_BYTES_HEX] = "rt_bytes_hex",
    [MRT_BYTES_DECODE] = "rt_bytes_decode_or_panic",
    [MRT_STR_SWAPCASE] = "rt_str_swapcase",
    [MRT_STR_CASEFOLD] = "rt_str_casefold",
    [MRT_STR_PARTITION] = "rt_str_partition",
    [MRT_LIST_SET_SLICE] = "rt_list_set_slice",
    [MRT_LIST_DEL_SLICE] = "rt_list_del_slice",
    [MRT_STR_SPLIT_WS] = "rt_str_split_ws",
    [MRT_STR_RSPLIT_WS] = "rt_str_rsplit_ws",
    [MRT_STR_ISDECIMAL] = "rt_str_isdecimal",
    [MRT_STR_ISNUMERIC] = "rt_str_isnumeric",
    [MRT_BYTES_ZEROS] = "rt_bytes_zeros",
    [MRT_BYTES_FROM_LIST] = "rt_bytes_from_list",
    [MRT_STR_SCRATCH] = "rt_str_scratch",
    [MRT_STR_SPLIT_NEXT] = "rt_str_split_next",
    [MRT_STR_SPLITLINES_NEXT] = "rt_str_splitlines_next",
    [MRT_STR_STRIP_OVER] = "rt_str_strip_over",
    [MRT_STR_LSTRIP_OVER] = "rt_str_lstrip_over",
    [MRT_STR_RSTRIP_OVER] = "rt_str_rstrip_over",
    /* errors as values */
    [MRT_STR_TO_INT_RESULT] = "rt_str_to_int_result",
    [MRT_STR_TO_FLOAT_RESULT] = "rt_str_to_float_result",
    /* async */
    [MRT_CORO_TAKE] = "coro_take",
    [MRT_TASK_NOW] = "rt_task_now",
    [MRT_SCOPE_NEW] = "rt_scope_new",
    [MRT_SCOPE_CANCEL] = "rt_scope_cancel",
    [MRT_SCOPE_FREE] = "rt_scope_free",
    [MRT_SPAWN] = "rt_spawn_coro",
    [MRT_HANDLE_TAKE] = "handle_take",
    [MRT_HANDLE_TAKE_REF] = "handle_take_ref",
    [MRT_HANDLE_CANCEL] = "rt_handle_cancel",
    [MRT_TIMEOUT_NEW] = "rt_timeout_new",
    [MRT_TIMEOUT_END] = "rt_timeout_end",
    [MRT_GROUP_NEW] = "rt_group_new",
    [MRT_SCOPE_FAILED] = "rt_scope_failed",
    [MRT_GROUP_FAILED] = "rt_group_failed",
    [MRT_GROUP_ERROR] = "rt_group_error",
    [MRT_SCOPE_NEW_CTX] = "rt_scope_new_ctx",
    [MRT_GROUP_NEW_CTX] = "rt_group_new_ctx",
    [MRT_SPAWN_CTX] = "rt_spawn_coro_ctx",
    [MRT_CTX_KEY_NEW] = "rt_ctx_key_new",
    [MRT_CTX_CURRENT] = "rt_ctx_current",
    [MRT_CTX_EMPTY] = "rt_ctx_empty",
    [MRT_CTX_GET] = "rt_ctx_get",
    [MRT_CTX_WITH] = "rt_ctx_with",
    [MRT_GATHER_TAKE] = "rt_gather_take",
    [MRT_RACE_NEW] = "rt_race_new",
    [MRT_RACE_END] = "rt_race_end",
    [MRT_RACE_TAKE] = "race_take",
    [MRT_TIMED_NEW] = "rt_timed_new",
    [MRT_TIMED_END] = "rt_timed_end",
    [MRT_BLOCKING_NEW] = "rt_blocking_new",
    [MRT_BLOCKING_TAKE] = "blocking_take",
    [MRT_SYNC_NEW] = "sync_new", [MRT_SYNC_SEMAPHORE] = "rt_sync_semaphore_new", [MRT_SYNC_NOTIFY] = "rt_sync_notify_new",
    [MRT_SYNC_CHANNEL] = "sync_channel", [MRT_SYNC_GET] = "sync_get", [MRT_SYNC_SET] = "sync_set",
    [MRT_SYNC_CLONE] = "sync_clone", [MRT_SYNC_ACQUIRE] = "sync_acquire", [MRT_SYNC_TRY] = "sync_try",
    [MRT_SYNC_AS] = "sync_as", [MRT_SYNC_NOTIFY_ONE] = "rt_sync_notify_one", [MRT_SYNC_NOTIFY_ALL] = "rt_sync_notify_all",
    [MRT_SYNC_CLOSE] = "rt_sync_sender_close", [MRT_SYNC_SEND_NEW] = "rt_sync_send_new",
    [MRT_SYNC_RECV_NEW] = "rt_sync_recv_new", [MRT_SYNC_CHAN_END] = "rt_sync_chan_end",
    [MRT_SYNC_RECV_TAKE] = "sync_recv_take",
};

/* Per MirAwaitKind: its name in dumps and the kind of type it awaits. */
static const struct {
    const char *name;
    TypeKind operand;
} md_awaits[] = {
    [AWAIT_CORO] = {"coroutine", TY_CORO},
    [AWAIT_SLEEP] = {"sleep", TY_FLOAT},
    [AWAIT_JOIN] = {"task", TY_TASK_HANDLE},
    [AWAIT_SCOPE] = {"scope", TY_TASK_SCOPE},
    [AWAIT_GATHER] = {"gather", TY_LIST},
    [AWAIT_RACE] = {"race", TY_TIMEOUT},
    [AWAIT_TIMED] = {"timed", TY_TIMEOUT},
    [AWAIT_BLOCKING] = {"blocking", TY_TIMEOUT},
    [AWAIT_ACQUIRE] = {"acquire", TY_SYNC},
    [AWAIT_NOTIFIED] = {"notified", TY_SYNC},
    [AWAIT_CHAN] = {"channel", TY_TIMEOUT},
};

const char *mir_rt_name(MirRtFn f) {
    if ((unsigned)f >= MRT__COUNT || !mir_rt_names[f]) ICE("MIR: runtime function %d has no name", (int)f);
    return mir_rt_names[f];
}

/* ==== Printing ============================================================ */

static void md_loc(StrBuf *sb, const MirBody *b, NodeId loc) {
    if (!loc || !b->program || !b->program->prog) return;
    const Node *n = ast_node(b->program->prog->ast, loc);
    uint32_t line, col;
    source_line_col(n->span.file, n->span.lo, &line, &col);
    sb_printf(sb, " @%u:%u", line, col);
}

static void md_place(StrBuf *sb, const MirBody *b, MirPlace p) {
    /* prefix operators first: one "(*" per deref, innermost last */
    StrBuf inner = {0};
    sb_printf(&inner, "_%u", p.local);
    for (uint32_t i = 0; i < p.proj_count; i++) {
        const MirProj *pr = &b->projs.items[p.proj_start + i];
        char *cur = sb_take(&inner);
        switch (pr->kind) {
        case PROJ_DEREF: sb_printf(&inner, "(*%s)", cur); break;
        case PROJ_FIELD: sb_printf(&inner, "%s.%u", cur, pr->index); break;
        case PROJ_PAYLOAD: sb_printf(&inner, "(%s as %u)", cur, pr->index); break;
        }
        free(cur);
    }
    if (inner.len) sb_putn(sb, inner.data, inner.len);
    sb_free(&inner);
}

static void md_quoted(StrBuf *sb, StrId s) {
    const unsigned char *p = (const unsigned char *)(s ? str_text(s) : "");
    uint32_t n = s ? str_len(s) : 0;
    sb_putc(sb, '"');
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (c == '\n') sb_puts(sb, "\\n");
        else if (c == '\t') sb_puts(sb, "\\t");
        else if (c == '\r') sb_puts(sb, "\\r");
        else if (c < 0x20 || c == 0x7f) sb_printf(sb, "\\x%02x", c);
        else sb_putc(sb, (char)c);
    }
    sb_putc(sb, '"');
}

/* The shortest text that reads back as the same double. */
static void md_float(StrBuf *sb, double v) {
    if (isnan(v)) { sb_puts(sb, "nan"); return; }
    if (isinf(v)) { sb_puts(sb, v < 0 ? "-inf" : "inf"); return; }
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    sb_puts(sb, buf);
    if (!strpbrk(buf, ".eE")) sb_puts(sb, ".0");
}

static void md_operand(StrBuf *sb, const MirBody *b, const MirOperand *o) {
    switch (o->kind) {
    case OPD_COPY: sb_puts(sb, "copy "); md_place(sb, b, o->place); return;
    case OPD_MOVE: sb_puts(sb, "move "); md_place(sb, b, o->place); return;
    case OPD_CONST: break;
    }
    sb_puts(sb, "const ");
    switch (o->c.kind) {
    case MC_NONE: sb_puts(sb, "None"); break;
    case MC_BOOL: sb_puts(sb, o->c.b ? "true" : "false"); break;
    case MC_INT: sb_printf(sb, "%lld", (long long)o->c.i); break;
    case MC_FLOAT: md_float(sb, o->c.f); break;
    case MC_STR: md_quoted(sb, o->c.s); break;
    case MC_BYTES: sb_putc(sb, 'b'); md_quoted(sb, o->c.s); break;
    case MC_FUNC:
        if (b->program && o->c.fn < b->program->bodies.len) sb_puts(sb, b->program->bodies.items[o->c.fn]->symbol);
        else sb_printf(sb, "fn#%u", o->c.fn);
        break;
    case MC_ENUM: sb_printf(sb, "enum %lld", (long long)o->c.i); break;
    }
}

static const char *md_op_name(uint32_t op) {
    switch (op) {
    case TOK_PLUS: return "Add";
    case TOK_MINUS: return "Sub";
    case TOK_STAR: return "Mul";
    case TOK_SLASH: return "Div";
    case TOK_AMP: return "BitAnd";
    case TOK_PIPE: return "BitOr";
    case TOK_CARET: return "BitXor";
    case TOK_LSHIFT: return "Shl";
    case TOK_RSHIFT: return "Shr";
    case TOK_EQ: return "Eq";
    case TOK_NE: return "Ne";
    case TOK_LT: return "Lt";
    case TOK_LE: return "Le";
    case TOK_GT: return "Gt";
    case TOK_GE: return "Ge";
    case MOP_ADD_OVERFLOWS: return "AddOverflows";
    default: return tok_kind_name((TokKind)op);
    }
}

static const char *md_unop_name(uint32_t op) {
    switch (op) {
    case TOK_MINUS: return "Neg";
    case TOK_NOT: return "Not";
    case TOK_TILDE: return "BitNot";
    case MOP_ABS: return "Abs";
    case MOP_BYTE_LEN: return "ByteLen";
    default: return tok_kind_name((TokKind)op);
    }
}

static void md_ops(StrBuf *sb, const MirBody *b, const MirRvalue *rv, uint32_t from) {
    const MirOperand *ops = mir_rv_ops(b, rv);
    sb_putc(sb, '(');
    for (uint32_t i = from; i < rv->ops_count; i++) {
        if (i > from) sb_puts(sb, ", ");
        md_operand(sb, b, &ops[i]);
    }
    sb_putc(sb, ')');
}

static const char *const md_agg_names[] = {
    [AGG_TUPLE] = "tuple", [AGG_OBJECT] = "object", [AGG_SOME] = "Some", [AGG_NONE_OPT] = "None",
    [AGG_OK] = "Ok",       [AGG_ERR] = "Err",       [AGG_LIST] = "list", [AGG_SET] = "set",
    [AGG_DICT] = "dict",   [AGG_CLOSURE] = "closure",
};

static void md_rvalue(StrBuf *sb, const MirBody *b, const MirRvalue *rv) {
    const MirOperand *ops = mir_rv_ops(b, rv);
    switch (rv->kind) {
    case RV_USE: md_operand(sb, b, &ops[0]); break;
    case RV_BINARY: sb_puts(sb, md_op_name(rv->op)); md_ops(sb, b, rv, 0); break;
    case RV_UNARY: sb_puts(sb, md_unop_name(rv->op)); md_ops(sb, b, rv, 0); break;
    case RV_CAST:
        md_operand(sb, b, &ops[0]);
        sb_printf(sb, " as %s", type_name(rv->type));
        break;
    case RV_REF:
        sb_puts(sb, rv->mut_ref ? "&mut " : "&");
        md_place(sb, b, rv->place);
        break;
    case RV_AGGREGATE:
        sb_puts(sb, rv->agg <= AGG_CLOSURE ? md_agg_names[rv->agg] : "aggregate");
        if (rv->agg == AGG_CLOSURE && b->program && rv->callee.fn < b->program->bodies.len)
            sb_printf(sb, "[%s]", b->program->bodies.items[rv->callee.fn]->symbol);
        md_ops(sb, b, rv, 0);
        break;
    case RV_CALL:
        if (rv->callee.kind == CALLEE_RT) sb_puts(sb, mir_rt_name((MirRtFn)rv->callee.fn));
        else if (rv->callee.kind == CALLEE_FN && b->program && rv->callee.fn < b->program->bodies.len)
            sb_puts(sb, b->program->bodies.items[rv->callee.fn]->symbol);
        else if (rv->callee.kind == CALLEE_FN) sb_printf(sb, "fn#%u", rv->callee.fn);
        else if (rv->callee.kind == CALLEE_VIRTUAL) sb_printf(sb, "virtual#%u", rv->callee.slot);
        else sb_puts(sb, "call");
        md_ops(sb, b, rv, 0);
        break;
    case RV_DISCRIMINANT:
        sb_puts(sb, "discriminant(");
        md_place(sb, b, rv->place);
        sb_putc(sb, ')');
        break;
    case RV_ISA:
        sb_puts(sb, "isa(");
        md_operand(sb, b, &ops[0]);
        sb_printf(sb, ", %s)", type_name(rv->isa));
        break;
    }
    md_loc(sb, b, rv->loc);
}

static void md_stmt(StrBuf *sb, const MirBody *b, const MirStmt *s) {
    sb_puts(sb, "        ");
    switch (s->kind) {
    case MS_ASSIGN:
        md_place(sb, b, s->place);
        sb_puts(sb, " = ");
        md_rvalue(sb, b, &s->rv);
        break;
    case MS_DROP: sb_puts(sb, "drop("); md_place(sb, b, s->place); sb_putc(sb, ')'); break;
    case MS_DROP_IF:
        sb_puts(sb, "drop(");
        md_place(sb, b, s->place);
        sb_printf(sb, ") if _%u", s->flag);
        break;
    case MS_SET_FLAG: sb_printf(sb, "flag _%u = %s", s->flag, s->value ? "true" : "false"); break;
    case MS_STORAGE_DEAD: sb_puts(sb, "storage_dead("); md_place(sb, b, s->place); sb_putc(sb, ')'); break;
    case MS_NOP: sb_puts(sb, "nop"); break;
    }
    sb_puts(sb, ";\n");
}

static void md_term(StrBuf *sb, const MirBody *b, const MirTerm *t) {
    sb_puts(sb, "        ");
    switch (t->kind) {
    case MT_NONE: sb_puts(sb, "<unterminated>"); break;
    case MT_GOTO: sb_printf(sb, "goto -> bb%u", t->target); break;
    case MT_BRANCH:
        sb_puts(sb, "branch ");
        md_operand(sb, b, &t->cond);
        sb_printf(sb, " -> bb%u, bb%u", t->then_bb, t->else_bb);
        break;
    case MT_SWITCH:
        sb_puts(sb, "switch ");
        md_operand(sb, b, &t->cond);
        sb_puts(sb, " [");
        for (uint32_t i = 0; i < t->cases_count; i++)
            sb_printf(sb, "%lld: bb%u, ", (long long)b->case_values.items[t->cases_start + i],
                      b->case_targets.items[t->cases_start + i]);
        sb_printf(sb, "otherwise: bb%u]", t->otherwise);
        break;
    case MT_RETURN: sb_puts(sb, "return"); break;
    case MT_AWAIT:
        sb_printf(sb, "await %s ", md_awaits[t->await].name);
        md_operand(sb, b, &t->cond);
        sb_printf(sb, " -> bb%u, cancelled: bb%u", t->then_bb, t->else_bb);
        break;
    case MT_CANCEL: sb_puts(sb, "cancelled"); break;
    case MT_PANIC:
        sb_puts(sb, "panic(");
        md_operand(sb, b, &t->cond);
        sb_putc(sb, ')');
        md_loc(sb, b, t->loc);
        break;
    case MT_UNREACHABLE: sb_puts(sb, "unreachable"); break;
    }
    sb_puts(sb, ";\n");
}

char *mir_dump_string(const MirBody *b) {
    StrBuf sb = {0};
    if (b->is_template) { /* a generic function has no code of its own */
        sb_printf(&sb, "// %s: generic, one body per instance\n", b->symbol ? b->symbol : str_text(b->name));
        return sb_take(&sb);
    }
    sb_printf(&sb, "fn %s(", b->symbol ? b->symbol : str_text(b->name));
    for (uint32_t i = 1; i <= b->nparams && i < b->locals.len; i++)
        sb_printf(&sb, "%s_%u: %s", i > 1 ? ", " : "", i, type_name(b->locals.items[i].type));
    sb_printf(&sb, ") -> %s {\n", type_name(b->ret));
    for (uint32_t i = 0; i < b->locals.len; i++) {
        const MirLocal *l = &b->locals.items[i];
        sb_printf(&sb, "    let _%u: %s;", i, type_name(l->type));
        if (i == 0) sb_puts(&sb, " // return");
        else if (l->flags & MIRL_PARAM)
            sb_printf(&sb, " // param %s%s%s", str_text(l->name), l->flags & MIRL_BORROWED ? " (borrowed)" : "",
                      l->flags & MIRL_MUT_REF ? " (mut ref)" : "");
        else if (l->flags & MIRL_USER) sb_printf(&sb, " // %s", str_text(l->name));
        else if (l->flags & MIRL_DROP_FLAG) sb_puts(&sb, " // drop flag");
        sb_putc(&sb, '\n');
    }
    for (uint32_t i = 0; i < b->blocks.len; i++) {
        const MirBlock *blk = &b->blocks.items[i];
        sb_printf(&sb, "    bb%u: {\n", i);
        for (uint32_t k = 0; k < blk->stmts.len; k++) md_stmt(&sb, b, &blk->stmts.items[k]);
        md_term(&sb, b, &blk->term);
        sb_puts(&sb, "    }\n");
    }
    sb_puts(&sb, "}\n");
    return sb_take(&sb);
}

void mir_dump(FILE *out, const MirBody *b) {
    char *s = mir_dump_string(b);
    fputs(s, out);
    free(s);
}

/* ==== Verification ======================================================== */

#define MV_FAIL(b, ...)                                                                                      \
    do {                                                                                                     \
        fprintf(stderr, "MIR of %s:\n", (b)->symbol ? (b)->symbol : "?");                                    \
        mir_dump(stderr, (b));                                                                               \
        ICE(__VA_ARGS__);                                                                                    \
    } while (0)

static void mv_place(const MirBody *b, MirPlace p, const char *what) {
    if (p.local >= b->locals.len) MV_FAIL(b, "MIR: %s names local _%u of %u", what, p.local, b->locals.len);
    if (p.proj_count && (uint64_t)p.proj_start + p.proj_count > b->projs.len)
        MV_FAIL(b, "MIR: %s has projections out of range", what);
}

static void mv_operand(const MirBody *b, const MirOperand *o, const char *what) {
    if (o->kind == OPD_CONST) return;
    mv_place(b, o->place, what);
    TypeId t = mir_place_type(b, o->place);
    if (t == TYPE_NONE) MV_FAIL(b, "MIR: %s reads _%u, whose type is None", what, o->place.local);
    if (t != o->type)
        MV_FAIL(b, "MIR: %s reads _%u of type %s as %s", what, o->place.local, type_name(t), type_name(o->type));
    if (o->kind == OPD_MOVE && (b->locals.items[o->place.local].flags & MIRL_BORROWED))
        MV_FAIL(b, "MIR: %s moves out of the borrowed parameter _%u", what, o->place.local);
}

static void mv_block_id(const MirBody *b, MirBlockId id) {
    if (id >= b->blocks.len) MV_FAIL(b, "MIR: jump to bb%u of %u", id, b->blocks.len);
}

void mir_verify(const MirBody *b) {
    if (b->is_template) return; /* no code: its instances are verified */
    if (b->locals.len < 1 + b->nparams) MV_FAIL(b, "MIR: fewer locals than parameters");
    if (b->locals.items[0].type != b->ret) MV_FAIL(b, "MIR: the return place has the wrong type");
    if (b->blocks.len == 0) MV_FAIL(b, "MIR: a body without blocks");
    for (uint32_t i = 1; i <= b->nparams; i++)
        if (!(b->locals.items[i].flags & MIRL_PARAM)) MV_FAIL(b, "MIR: parameter _%u is not marked as one", i);
    for (uint32_t bi = 0; bi < b->blocks.len; bi++) {
        const MirBlock *blk = &b->blocks.items[bi];
        for (uint32_t si = 0; si < blk->stmts.len; si++) {
            const MirStmt *s = &blk->stmts.items[si];
            switch (s->kind) {
            case MS_ASSIGN: {
                mv_place(b, s->place, "an assignment");
                const MirRvalue *rv = &s->rv;
                if (rv->ops_count && (uint64_t)rv->ops_start + rv->ops_count > b->operands.len)
                    MV_FAIL(b, "MIR: bb%u: operands out of range", bi);
                TypeId pt = mir_place_type(b, s->place);
                if (pt != rv->type)
                    MV_FAIL(b, "MIR: bb%u: _%u of type %s assigned a %s", bi, s->place.local, type_name(pt),
                            type_name(rv->type));
                const MirOperand *ops = mir_rv_ops(b, rv);
                for (uint32_t k = 0; k < rv->ops_count; k++) mv_operand(b, &ops[k], "an rvalue");
                switch (rv->kind) {
                case RV_USE:
                    if (rv->ops_count != 1 || ops[0].type != rv->type)
                        MV_FAIL(b, "MIR: bb%u: a use of %s assigned as %s", bi, rv->ops_count ? type_name(ops[0].type) : "?",
                                type_name(rv->type));
                    break;
                case RV_BINARY:
                    if (rv->ops_count != 2) MV_FAIL(b, "MIR: bb%u: a binary rvalue needs 2 operands", bi);
                    if (ops[0].type != ops[1].type && rv->op != TOK_LSHIFT && rv->op != TOK_RSHIFT)
                        MV_FAIL(b, "MIR: bb%u: binary operands of types %s and %s", bi, type_name(ops[0].type),
                                type_name(ops[1].type));
                    break;
                case RV_UNARY:
                case RV_CAST:
                    if (rv->ops_count != 1) MV_FAIL(b, "MIR: bb%u: a unary rvalue needs 1 operand", bi);
                    break;
                case RV_CALL:
                    if (rv->callee.kind == CALLEE_RT && rv->callee.fn >= MRT__COUNT)
                        MV_FAIL(b, "MIR: bb%u: unknown runtime function %u", bi, rv->callee.fn);
                    if (rv->callee.kind == CALLEE_FN && b->program && rv->callee.fn >= b->program->bodies.len &&
                        rv->callee.fn >= b->program->prog->funcs.len)
                        MV_FAIL(b, "MIR: bb%u: call of body %u out of range", bi, rv->callee.fn);
                    break;
                case RV_REF:
                case RV_DISCRIMINANT: mv_place(b, rv->place, "a reference"); break;
                default: break;
                }
                break;
            }
            case MS_DROP:
            case MS_DROP_IF:
                mv_place(b, s->place, "a drop");
                if (s->place.proj_count == 0 && !mir_local_is_owned(b, s->place.local))
                    MV_FAIL(b, "MIR: bb%u drops _%u, which it does not own", bi, s->place.local);
                if (s->kind == MS_DROP)
                    break;
                /* fall through */
            case MS_SET_FLAG:
                if (s->flag >= b->locals.len || !(b->locals.items[s->flag].flags & MIRL_DROP_FLAG) ||
                    b->locals.items[s->flag].type != TYPE_BOOL)
                    MV_FAIL(b, "MIR: bb%u: _%u is not a drop flag", bi, s->flag);
                break;
            case MS_STORAGE_DEAD: mv_place(b, s->place, "storage_dead"); break;
            case MS_NOP: break;
            }
        }
        const MirTerm *t = &blk->term;
        switch (t->kind) {
        case MT_NONE: MV_FAIL(b, "MIR: bb%u has no terminator", bi);
        case MT_GOTO: mv_block_id(b, t->target); break;
        case MT_BRANCH:
            mv_operand(b, &t->cond, "a branch");
            if (t->cond.type != TYPE_BOOL) MV_FAIL(b, "MIR: bb%u branches on a %s", bi, type_name(t->cond.type));
            mv_block_id(b, t->then_bb);
            mv_block_id(b, t->else_bb);
            break;
        case MT_SWITCH:
            mv_operand(b, &t->cond, "a switch");
            if ((uint64_t)t->cases_start + t->cases_count > b->case_targets.len ||
                (uint64_t)t->cases_start + t->cases_count > b->case_values.len)
                MV_FAIL(b, "MIR: bb%u: switch cases out of range", bi);
            for (uint32_t k = 0; k < t->cases_count; k++) mv_block_id(b, b->case_targets.items[t->cases_start + k]);
            mv_block_id(b, t->otherwise);
            break;
        case MT_PANIC:
            mv_operand(b, &t->cond, "a panic");
            if (t->cond.type != TYPE_STR) MV_FAIL(b, "MIR: bb%u panics with a %s", bi, type_name(t->cond.type));
            break;
        case MT_AWAIT:
            mv_operand(b, &t->cond, "an await");
            if ((unsigned)t->await >= sizeof md_awaits / sizeof md_awaits[0] ||
                (type_get(t->cond.type)->kind != md_awaits[t->await].operand &&
                 !(t->await == AWAIT_SCOPE && type_get(t->cond.type)->kind == TY_TASK_GROUP)))
                MV_FAIL(b, "MIR: bb%u awaits a %s", bi, type_name(t->cond.type));
            if (!b->is_async) MV_FAIL(b, "MIR: bb%u awaits outside an async body", bi);
            mv_block_id(b, t->then_bb);
            mv_block_id(b, t->else_bb);
            break;
        case MT_CANCEL:
            if (!b->is_async) MV_FAIL(b, "MIR: bb%u: cancelled outside an async body", bi);
            break;
        case MT_RETURN:
        case MT_UNREACHABLE: break;
        }
    }
}
