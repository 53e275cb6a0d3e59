/* Internal state shared by the codegen files: the Cg context (LLVM handles,
 * cached types, runtime declarations, the current function's slots and loop
 * stack) and the helpers each file offers the others. Only codegen/ sees it. */
#ifndef SIFR_CG_INTERNAL_H
#define SIFR_CG_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "codegen.h"

/* ==== Runtime functions ====================================================
 * Every rt_* function generated code may call. Declared lazily on first use,
 * so the module only mentions what it needs. The table lives in cg_module.c. */
typedef enum CgRtFn {
    RT_INIT,
    RT_EXIT,
    RT_PANIC,
    RT_PANIC_STR,
    RT_ASSERT_FAIL,
    RT_PANIC_OVERFLOW,
    RT_PRINT_STR,
    RT_PRINT_INT,
    RT_PRINT_FLOAT,
    RT_PRINT_BOOL,
    RT_PRINT_NONE,
    RT_PRINT_SPACE,
    RT_PRINT_NEWLINE,
    RT_INT_FLOORDIV,
    RT_INT_MOD,
    RT_INT_POW,
    RT_FLOAT_DIV,
    RT_FLOAT_FLOORDIV,
    RT_FLOAT_MOD,
    RT_FLOAT_POW,
    RT_FLOAT_TO_INT,
    RT_STR_DROP,
    RT_STR_CONCAT,
    RT_STR_JOIN_PARTS,
    RT_STR_EQ,
    RT_STR_CMP,
    RT_STR_LEN,
    RT_STR_REPR,
    RT_STR_FROM_INT,
    RT_STR_FROM_FLOAT,
    RT_STR_FROM_BOOL,
    RT_STR_NONE,
    RT_FMT_INT,
    RT_FMT_FLOAT,
    RT_FMT_STR,
    RT_FMT_BOOL,
    RT__COUNT
} CgRtFn;

/* One enclosing loop: where `break` and `continue` jump. */
typedef struct CgLoop {
    LLVMBasicBlockRef brk;
    LLVMBasicBlockRef cont;
} CgLoop;

/* A string literal global, keyed by its interned contents. */
typedef struct CgStrEntry {
    StrId id;
    LLVMValueRef global;
} CgStrEntry;

typedef struct Cg {
    const Program *prog;
    const Ast *ast;
    const CodegenOptions *opts;
    bool failed; /* a diagnostic was reported; nothing is emitted */

    /* target */
    LLVMTargetMachineRef tm;
    char *triple;
    char *cpu;
    char *features;
    bool is_host;

    /* module-level LLVM state (one context per build) */
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    LLVMTypeRef t_void, t_i1, t_i8, t_i32, t_i64, t_f64, t_ptr, t_loc;
    LLVMAttributeRef a_nounwind, a_cpu, a_features, a_frame_ptr, a_cold, a_noreturn, a_zeroext;
    unsigned md_prof;
    LLVMMetadataRef md_unlikely; /* branch_weights that mark the panic edge cold */

    LLVMValueRef rt_fn[RT__COUNT];
    LLVMTypeRef rt_ty[RT__COUNT];

    LLVMValueRef *fn_val; /* per SemaFunc */
    LLVMTypeRef *fn_ty;

    CgStrEntry *strs; /* open-addressed table of literal globals */
    uint32_t strs_cap, strs_len;
    LLVMValueRef empty_str;
    LLVMValueRef src_file; /* the source path as a C string global (panic sites) */

    /* the function being generated */
    const SemaFunc *fn;
    LLVMValueRef cur_fn;
    LLVMBasicBlockRef entry;     /* holds only allocas, then branches to the body */
    LLVMBuilderRef alloca_b;     /* positioned at the end of `entry` */
    LLVMValueRef *slots;         /* per SymId: alloca of a param/local (NULL for None-typed) */
    VEC(CgLoop) loops;

    struct CgFastpath *fastpath; /* release only: cg_fastpath.c's state, NULL otherwise */
} Cg;

/* ==== cg_module.c ========================================================= */
LLVMValueRef cg_rt_call(Cg *c, CgRtFn f, LLVMValueRef *args, unsigned n);
/* The LLVM type of a value-carrying Sifr type; None/Never map to void. */
LLVMTypeRef cg_type(Cg *c, TypeId t);
LLVMValueRef cg_str_literal(Cg *c, StrId s);
LLVMValueRef cg_str_literal_bytes(Cg *c, const char *s, size_t len);
LLVMValueRef cg_loc(Cg *c, NodeId n);
LLVMValueRef cg_alloca(Cg *c, LLVMTypeRef t, const char *name);
/* The attributes every generated function carries (nounwind, target ...). */
void cg_fn_attrs(Cg *c, LLVMValueRef fn);
/* Report a construct codegen cannot lower yet (SIFR-TYPE-0006). */
void cg_unsupported(Cg *c, NodeId n, const char *what);

/* ==== cg_expr.c =========================================================== */
/* Evaluate an expression. `fresh` (may be NULL) is set when the result is a
 * string the runtime just allocated and nobody else references: the caller
 * must consume it and then drop it (cg_drop_if). None-typed expressions
 * return NULL. */
LLVMValueRef cg_expr(Cg *c, NodeId n, bool *fresh);
/* Evaluate and convert to the destination type (int -> float promotion). */
LLVMValueRef cg_expr_as(Cg *c, NodeId n, TypeId dest, bool *fresh);
LLVMValueRef cg_convert(Cg *c, LLVMValueRef v, TypeId from, TypeId to, NodeId at);
void cg_drop_if(Cg *c, LLVMValueRef v, bool fresh);
/* Evaluate `n` and produce its str() (or repr()) text. */
LLVMValueRef cg_stringify(Cg *c, NodeId n, bool repr, bool *fresh);
/* A private NUL-terminated C string constant (messages for rt_panic). */
LLVMValueRef cg_cstr(Cg *c, const char *s);
/* Integer/float/string binary operation shared by N_BINARY and augmented
 * assignment; `at` is the node whose location panics report. */
LLVMValueRef cg_binop(Cg *c, uint32_t op, TypeId rtype, LLVMValueRef l, TypeId lt, LLVMValueRef r,
                      TypeId rt, NodeId at);

/* ==== cg_stmt.c =========================================================== */
void cg_block(Cg *c, NodeList body);
/* True when the current block already ends in a terminator. */
bool cg_terminated(Cg *c);
/* Start a fresh block after a terminator so code after return/break/panic
 * still has somewhere to go (LLVM drops such unreachable blocks). */
void cg_continue_dead(Cg *c);
/* Branch to a cold block that calls a noreturn panic function when `bad`. */
LLVMBasicBlockRef cg_cold_branch(Cg *c, LLVMValueRef bad, const char *name);

/* ==== cg_emit.c =========================================================== */
/* Create the target machine for opts->target (or the host); false after a
 * diagnostic for an unknown target. */
bool cg_target_init(Cg *c);
void cg_target_free(Cg *c);
void cg_verify_and_optimize(Cg *c);
/* Write the module as `kind` to `path` (not atomic; callers rename);
 * diagnostics name the file `shown`. */
bool cg_emit_file(Cg *c, EmitKind kind, const char *path, const char *shown);
bool cg_emit_output(Cg *c);

/* ==== cg_fastpath.c ======================================================= */
/* Release builds of pure self-recursive int functions: after the functions
 * are declared, pick the candidates and declare their F.checked and F.fast. */
void cg_fastpath_plan(Cg *c);
/* F.checked of a candidate (where its ordinary body goes), else NULL. */
LLVMValueRef cg_fastpath_checked(Cg *c, uint32_t index);
/* After F.checked is defined: define F.fast and the entry F. */
void cg_fastpath_define(Cg *c, uint32_t index);
void cg_fastpath_free(Cg *c);

/* ==== cg_link.c =========================================================== */
bool cg_link(Cg *c, const char *obj, const char *out_tmp);

/* A span-less error for the build steps (I/O, linking). */
#define CG_NO_SPAN ((Span){0, 0, 0})

#endif
