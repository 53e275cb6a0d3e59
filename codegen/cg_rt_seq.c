/* Code generation of the sequence runtime entries (slicing, repetition,
 * the sequence builtins, the remaining list/str/bytes methods) lowered by
 * sema/mir_lower_seq.c. Most are plain calls described by a table; the
 * few that need type descriptors or an out-parameter are written out. */
#include "cg_internal.h"

enum {
    SEQ_LOC = 1,    /* the last C parameter is the call's RtLoc */
    SEQ_SPILL1 = 2, /* operand 1 is passed by address (`const void *elem`) */
};

typedef struct CgSeqFn {
    MirRtFn f;
    const char *sig; /* cg_rtn notation; `w` is an int operand narrowed to i32 */
    uint8_t flags;
} CgSeqFn;

static const CgSeqFn cg_seq_fns[] = {
    {MRT_LIST_SLICE, "p(piiiwp)", SEQ_LOC},
    {MRT_STR_SLICE, "p(piiiwp)", SEQ_LOC},
    {MRT_BYTES_SLICE, "p(piiiwp)", SEQ_LOC},
    {MRT_BYTES_AT, "i(pip)", SEQ_LOC},
    {MRT_LIST_REPEAT, "p(pi)", 0},
    {MRT_STR_REPEAT, "p(pi)", 0},
    {MRT_LIST_COUNT, "i(pp)", SEQ_SPILL1},
    {MRT_LIST_REMOVE, "v(ppp)", SEQ_SPILL1 | SEQ_LOC},
    {MRT_LIST_CLEAR, "v(p)", 0},
    {MRT_LIST_RANGE, "p(iiip)", SEQ_LOC},
    {MRT_LIST_SUM_INT, "i(pip)", SEQ_LOC},
    {MRT_LIST_SUM_FLOAT, "d(pd)", 0},
    {MRT_LIST_ANY, "b(p)", 0},
    {MRT_LIST_ALL, "b(p)", 0},
    {MRT_SEQ_SET_FROM_LIST, "p(p)", 0},
    {MRT_SEQ_DICT_KEYS, "p(p)", 0},
    {MRT_SEQ_SET_LEN, "i(p)", 0},
    {MRT_STR_FIND, "i(pp)", 0},
    {MRT_STR_RFIND, "i(pp)", 0},
    {MRT_STR_COUNT, "i(pp)", 0},
    {MRT_STR_ISDIGIT, "b(p)", 0},
    {MRT_STR_ISALPHA, "b(p)", 0},
    {MRT_STR_ISSPACE, "b(p)", 0},
    {MRT_STR_ISALNUM, "b(p)", 0},
    {MRT_STR_ISUPPER, "b(p)", 0},
    {MRT_STR_ISLOWER, "b(p)", 0},
    {MRT_STR_TITLE, "p(p)", 0},
    {MRT_STR_CAPITALIZE, "p(p)", 0},
    {MRT_STR_ENCODE, "p(p)", 0},
    {MRT_STR_LSTRIP, "p(pp)", 0},
    {MRT_STR_RSTRIP, "p(pp)", 0},
    {MRT_STR_SPLITN, "p(ppip)", SEQ_LOC},
    {MRT_STR_RSPLIT, "p(ppip)", SEQ_LOC},
    {MRT_STR_SPLITLINES, "p(p)", 0},
    {MRT_STR_REPLACEN, "p(pppi)", 0},
    {MRT_STR_ZFILL, "p(pi)", 0},
    {MRT_STR_CENTER, "p(pipp)", SEQ_LOC},
    {MRT_STR_LJUST, "p(pipp)", SEQ_LOC},
    {MRT_STR_RJUST, "p(pipp)", SEQ_LOC},
    {MRT_STR_REMOVEPREFIX, "p(pp)", 0},
    {MRT_STR_REMOVESUFFIX, "p(pp)", 0},
    {MRT_STR_CHARS, "p(p)", 0},
    {MRT_STR_ORD, "i(pp)", SEQ_LOC},
    {MRT_STR_CHR, "p(ip)", SEQ_LOC},
    {MRT_FLOAT_ROUND, "i(dp)", SEQ_LOC},
    {MRT_FLOAT_ROUND_DIGITS, "d(di)", 0},
    {MRT_INT_ROUND_DIGITS, "i(iip)", SEQ_LOC},
    {MRT_INT_POWMOD, "i(iiip)", SEQ_LOC},
    {MRT_INT_TO_BASE, "p(ii)", 0},
    {MRT_BYTES_LIST, "p(p)", 0},
    {MRT_BYTES_HEX, "p(p)", 0},
    {MRT_BYTES_DECODE, "p(pp)", SEQ_LOC},
    {MRT_STR_SWAPCASE, "p(p)", 0},
    {MRT_STR_CASEFOLD, "p(p)", 0},
    {MRT_LIST_SET_SLICE, "v(piiiwpp)", SEQ_LOC},
    {MRT_LIST_DEL_SLICE, "v(piiiwp)", SEQ_LOC},
    {MRT_STR_SPLIT_WS, "p(pip)", SEQ_LOC},
    {MRT_STR_RSPLIT_WS, "p(pip)", SEQ_LOC},
    {MRT_STR_ISDECIMAL, "b(p)", 0},
    {MRT_STR_ISNUMERIC, "b(p)", 0},
    {MRT_BYTES_ZEROS, "p(ip)", SEQ_LOC},
    {MRT_BYTES_FROM_LIST, "p(pp)", SEQ_LOC},
    {MRT_STR_SCRATCH, "p(p)", 0},
    {MRT_STR_SPLIT_NEXT, "i(pippp)", SEQ_LOC},
    {MRT_STR_SPLITLINES_NEXT, "i(pip)", 0},
};

/* A table entry: the operands in order, missing trailing ones defaulted
 * (NULL for pointers, -1 for ints: "no separator", "no limit"), then the
 * RtLoc. */
static LLVMValueRef cg_seq_plain(Cg *c, const CgSeqFn *e, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    LLVMValueRef args[8];
    const char *p = strchr(e->sig, '(') + 1;
    unsigned np = (unsigned)strlen(p) - 1; /* minus ')' */
    unsigned nv = (e->flags & SEQ_LOC) ? np - 1 : np;
    if (np > 8) ICE("codegen: %s has too many parameters", mir_rt_name(e->f));
    char sig[16];
    snprintf(sig, sizeof sig, "%s", e->sig);
    for (unsigned i = 0; i < nv; i++) {
        char k = p[i];
        if (i < rv->ops_count && a[i]) {
            LLVMValueRef v = a[i];
            if (i == 1 && (e->flags & SEQ_SPILL1)) v = cg_spill(c, ops[1].type, v);
            if (k == 'w') v = LLVMBuildTrunc(c->b, v, c->t_i32, "");
            args[i] = v;
        } else {
            args[i] = k == 'i' ? cg_i64(c, -1) : k == 'd' ? LLVMConstReal(c->t_f64, 0.0) : k == 'b' ? LLVMConstInt(c->t_i1, 0, false)
                      : k == 'w' ? LLVMConstInt(c->t_i32, 0, false) : LLVMConstNull(c->t_ptr);
        }
    }
    if (e->flags & SEQ_LOC) args[nv] = cg_loc_or_null(c, rv->loc);
    return cg_rtn(c, mir_rt_name(e->f), sig, args, np);
}

LLVMValueRef cg_rt_seq(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a) {
    switch (f) {
    case MRT_LIST_ENUMERATE: {
        LLVMValueRef args[4] = {a[0], a[1], cg_desc(c, cg_targ(rv->type, 0)), cg_loc_or_null(c, rv->loc)};
        return cg_rtn(c, "rt_list_enumerate_from", "p(pipp)", args, 4);
    }
    case MRT_LIST_ZIP: {
        LLVMValueRef args[3] = {a[0], a[1], cg_desc(c, cg_targ(rv->type, 0))};
        return cg_rtn(c, "rt_list_zip", "p(ppp)", args, 3);
    }
    case MRT_SEQ_LIST_FROM_SET: {
        LLVMValueRef args[2] = {a[0], cg_desc(c, cg_targ(rv->type, 0))};
        return cg_rtn(c, "rt_list_from_set", "p(pp)", args, 2);
    }
    case MRT_SEQ_DICT_FROM_PAIRS: {
        LLVMValueRef args[3] = {a[0], cg_desc(c, cg_targ(rv->type, 0)), cg_desc(c, cg_targ(rv->type, 1))};
        return cg_rtn(c, "rt_dict_from_pairs", "p(ppp)", args, 3);
    }
    case MRT_LIST_MINMAX: {
        /* the clone of the winning element comes back through an out slot */
        TypeId et = rv->type;
        LLVMValueRef out = cg_spill(c, et, NULL);
        LLVMValueRef args[4] = {a[0], a[1], out, cg_loc_or_null(c, rv->loc)};
        cg_rtn(c, "rt_list_minmax", "v(pbpp)", args, 4);
        return cg_from_mem(c, et, LLVMBuildLoad2(c->b, cg_mem_type(c, et), out, ""));
    }
    case MRT_STR_PARTITION: {
        /* the three new strings come back through a tuple-shaped out slot */
        TypeId tt = rv->type;
        LLVMValueRef out = cg_spill(c, tt, NULL);
        LLVMValueRef args[5] = {a[0], a[1], a[2], out, cg_loc_or_null(c, rv->loc)};
        cg_rtn(c, "rt_str_partition", "v(ppbpp)", args, 5);
        return cg_from_mem(c, tt, LLVMBuildLoad2(c->b, cg_mem_type(c, tt), out, ""));
    }
    default: break;
    }
    for (size_t i = 0; i < sizeof cg_seq_fns / sizeof *cg_seq_fns; i++)
        if (cg_seq_fns[i].f == f) return cg_seq_plain(c, &cg_seq_fns[i], rv, ops, a);
    return NULL;
}
