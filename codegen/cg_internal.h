/* Internal state shared by the codegen files: the Cg context (LLVM handles,
 * cached types, runtime declarations, the MIR program and the body being
 * generated) and the helpers each file offers the others. Only codegen/ sees
 * it. */
#ifndef SIFR_CG_INTERNAL_H
#define SIFR_CG_INTERNAL_H

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "codegen.h"
#include "mir.h"

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
    RT_STR_CLONE,
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

/* A string literal global, keyed by its interned contents. */
typedef struct CgStrEntry {
    StrId id;
    LLVMValueRef global;
} CgStrEntry;

/* The alias tag of one float or int field of a class hierarchy. */
typedef struct CgFieldTbaa {
    SymId root;      /* the hierarchy's root class */
    uint32_t field;  /* field index */
    TypeId type;     /* TYPE_FLOAT or TYPE_INT */
    LLVMMetadataRef tag;
} CgFieldTbaa;

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
    LLVMMetadataRef md_unlikely; /* branch_weights (then, else) that mark the then edge cold */
    LLVMMetadataRef md_likely;   /* ... and the else edge */

    LLVMValueRef rt_fn[RT__COUNT];
    LLVMTypeRef rt_ty[RT__COUNT];

    const MirProgram *mir; /* one body per SemaFunc, same index */
    LLVMValueRef *fn_val;  /* per SemaFunc */
    LLVMTypeRef *fn_ty;

    CgStrEntry *strs; /* open-addressed table of literal globals */
    uint32_t strs_cap, strs_len;
    LLVMValueRef empty_str;
    LLVMValueRef src_file; /* the source path as a C string global (panic sites) */

    /* the function being generated */
    const SemaFunc *fn;          /* the fast path's F.fast: its SemaFunc */
    const MirBody *body;         /* cg_mir_body: the body being generated */
    LLVMValueRef cur_fn;
    /* The function's shared panic blocks (cg_mir.c): one call of
     * rt_panic_overflow / rt_panic per function, reached from every check
     * with the site's location (and message) in a phi, keeps functions small
     * enough to inline. Valid while panic_fn == cur_fn. */
    LLVMValueRef panic_fn;
    LLVMBasicBlockRef ovf_bb, panic_bb;
    LLVMValueRef ovf_loc, panic_msg, panic_loc;
    LLVMBasicBlockRef entry;     /* holds only allocas, then branches to the body */
    LLVMBuilderRef alloca_b;     /* positioned at the end of `entry` */
    LLVMValueRef *local_slot;    /* per MirLocalId: its alloca (NULL for None-typed) */
    LLVMBasicBlockRef *bbs;      /* per MirBlockId */
    LLVMValueRef *slots;         /* the fast path's F.fast: per SymId, the alloca of an int param/local */

    struct CgFastpath *fastpath; /* release only: cg_fastpath.c's state, NULL otherwise */
    LLVMMetadataRef tbaa[8];     /* cg_mir.c's access tags by CgTbaa, made on first use */
    LLVMMetadataRef tbaa_root;
    VEC(CgFieldTbaa) field_tbaa; /* the tags of object fields (cg_place_tbaa) */
    unsigned md_tbaa;
    struct CgTypes *types;       /* cg_types.c: layouts and descriptors by TypeId */
    struct CgCoro *coro;         /* cg_async.c: the async body being generated (made on first use) */
} Cg;

typedef struct CgTypes CgTypes;

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

/* True when the current block already ends in a terminator. */
bool cg_terminated(Cg *c);

/* ==== cg_types.c ==========================================================
 * Layouts per rt/sifr_rt_values.h: cg_type is the register form (bool i1),
 * cg_mem_type the form in memory, fields and containers (bool i8). */
void cg_types_init(Cg *c);
void cg_types_free(Cg *c);
LLVMTypeRef cg_mem_type(Cg *c, TypeId t);
LLVMTypeRef cg_object_type(Cg *c, TypeId t); /* the heap struct of a class instance */
/* The element of the object struct holding field i (element 0 is the
 * header: the dynamic class's RtType). */
#define CG_OBJ_FIELD(i) ((i) + 1)
LLVMValueRef cg_desc(Cg *c, TypeId t);       /* the RtType global of a type */
/* The specialised drop function `void .drop.C(ptr obj)` of class type t
 * (obj may be NULL: an absent `C | None`). */
LLVMValueRef cg_drop_fn(Cg *c, TypeId t);
/* A private constant NUL-terminated string (names in descriptors). */
LLVMValueRef cg_cstring(Cg *c, const char *s);
/* The code in vtable slot `slot` of the dynamic class of object `obj`. */
LLVMValueRef cg_vtable_slot(Cg *c, LLVMValueRef obj, uint32_t slot);
LLVMValueRef cg_to_mem(Cg *c, TypeId t, LLVMValueRef v);
LLVMValueRef cg_from_mem(Cg *c, TypeId t, LLVMValueRef v);
uint64_t cg_size_of(Cg *c, LLVMTypeRef t);
uint64_t cg_offset_of(Cg *c, LLVMTypeRef st, unsigned i);
bool cg_type_is_enum(Cg *c, TypeId t);
bool cg_type_is_object(Cg *c, TypeId t);
bool cg_option_is_ptr(Cg *c, TypeId t);
TypeId cg_field_type(Cg *c, TypeId cls, uint32_t i);
LLVMValueRef cg_user_str_adapter(Cg *c, TypeId t);
LLVMValueRef cg_user_eq_adapter(Cg *c, TypeId t, LLVMValueRef *other_desc); /* sets *other_desc if a hook */

/* ==== cg_async.c: async bodies as LLVM coroutines ========================== */
void cg_coro_declare(Cg *c, LLVMValueRef fn);
LLVMTypeRef cg_coro_promise_type(Cg *c, TypeId ret);
/* Build the coroutine start of body b (after the entry's allocas); returns
 * the block the entry must branch to. `body` is MIR's first block. */
LLVMBasicBlockRef cg_coro_prologue(Cg *c, const MirBody *b, LLVMValueRef fn, LLVMBasicBlockRef body);
void cg_coro_return(Cg *c, const MirBody *b);
void cg_coro_cancel(Cg *c);
void cg_coro_await(Cg *c, const MirTerm *t, LLVMBasicBlockRef done, LLVMBasicBlockRef cancelled);
LLVMValueRef cg_coro_take(Cg *c, LLVMValueRef frame, TypeId ret);
LLVMValueRef cg_handle_take(Cg *c, LLVMValueRef h, TypeId ret);
LLVMValueRef cg_handle_take_ref(Cg *c, LLVMValueRef h, TypeId ret, LLVMValueRef loc);
LLVMValueRef cg_race_take(Cg *c, LLVMValueRef hs, LLVMValueRef i, TypeId ret);
void cg_coro_drop(Cg *c, LLVMValueRef frame);

/* ==== cg_mir.c ============================================================ */
/* Generate the body of `fn` (already declared with the body's signature)
 * from MIR: allocas for the locals, one LLVM block per MIR block. */
void cg_mir_body(Cg *c, const MirBody *b, LLVMValueRef fn);
/* Helpers the area files below share with the generator. cg_rtn calls a
 * runtime function by C name, declared on first use from a signature such
 * as "p(pip)" (v void, b bool, w i32, i i64, d double, p ptr); cg_spill
 * stores a value in a fresh entry-block slot (NULL: uninitialised) and
 * returns its address, for C functions taking `const void *`. */
LLVMValueRef cg_i64(Cg *c, int64_t v);
LLVMValueRef cg_cstr(Cg *c, const char *s);
LLVMBasicBlockRef cg_block_after_current(Cg *c, const char *name);
LLVMBasicBlockRef cg_cold_branch(Cg *c, LLVMValueRef bad, const char *name);
LLVMValueRef cg_loc_or_null(Cg *c, NodeId at);
void cg_panic_check(Cg *c, LLVMValueRef bad, const char *msg, NodeId at);
LLVMValueRef cg_intrinsic_call(Cg *c, const char *name, LLVMTypeRef over, LLVMValueRef *args, unsigned n);
LLVMValueRef cg_place_addr(Cg *c, MirPlace p);
TypeId cg_place_type(const MirBody *b, MirPlace p);
LLVMValueRef cg_load_place(Cg *c, MirPlace p, TypeId t);
void cg_store_place(Cg *c, MirPlace p, TypeId t, LLVMValueRef v);
LLVMValueRef cg_spill(Cg *c, TypeId t, LLVMValueRef v);
/* Store the parameters and the zero values of user locals into their
 * slots, with builder `at` (an async body does it after its frame exists). */
void cg_init_locals(Cg *c, const MirBody *b, LLVMValueRef fn, LLVMBuilderRef at);
LLVMValueRef cg_zero(Cg *c, TypeId t);
LLVMValueRef cg_operand(Cg *c, const MirOperand *o);
LLVMValueRef cg_rt_named(Cg *c, const char *name, const char *sig, LLVMTypeRef *fty);
LLVMValueRef cg_rtn(Cg *c, const char *name, const char *sig, LLVMValueRef *args, unsigned n);
TypeId cg_targ(TypeId t, uint32_t i);
void cg_drop(Cg *c, MirPlace p);

/* ==== Areas: runtime entries and aggregates of one part of the language ==
 * Each cg_rt_* returns the call's value for the MirRtFn values it owns and
 * NULL for every other, so cg_mir.c asks them in turn; `a` holds the
 * operands' values. */
LLVMValueRef cg_rt_coll(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a);   /* cg_rt_coll.c */
LLVMValueRef cg_rt_seq(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a);    /* cg_rt_seq.c */
LLVMValueRef cg_rt_errors(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a); /* cg_rt_errors.c */
LLVMValueRef cg_rt_fn(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a);     /* cg_closure.c */
LLVMValueRef cg_rt_sync(Cg *c, MirRtFn f, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *a);   /* cg_sync.c */
/* cg_sync.c: the runtime function that drops a sync value of kind k. */
const char *cg_sync_drop_fn(SyncKind k);
/* cg_closure.c: AGG_CLOSURE values and CALLEE_CLOSURE calls (`args` holds
 * the operands' values, the closure first). */
LLVMValueRef cg_closure_new(Cg *c, const MirRvalue *rv, const MirOperand *ops);
LLVMValueRef cg_blocking_take(Cg *c, LLVMValueRef job, TypeId ret);
LLVMValueRef cg_closure_call(Cg *c, const MirRvalue *rv, const MirOperand *ops, LLVMValueRef *args);

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
/* The runtime bitcode archive (librt_sifr_lto.a) when this build links with
 * LTO (--release for the host), else NULL. */
const char *cg_lto_runtime(Cg *c);

/* A span-less error for the build steps (I/O, linking). */
#define CG_NO_SPAN ((Span){0, 0, 0})

#endif
