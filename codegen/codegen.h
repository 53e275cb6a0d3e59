/* Code generation: the checked program to LLVM IR (through the LLVM C API),
 * the pass pipeline, object/assembly/IR emission and linking with the
 * runtime through `clang-19 -fuse-ld=lld`. This folder is the only place in
 * the project that includes <llvm-c/...>. */
#ifndef SIFR_CODEGEN_H
#define SIFR_CODEGEN_H

#include "sema.h"

typedef enum EmitKind {
    EMIT_EXE,     /* a linked native executable (default) */
    EMIT_OBJ,     /* an object file */
    EMIT_ASM,     /* assembly text */
    EMIT_LLVM_IR, /* textual LLVM IR (after the pass pipeline) */
    EMIT_BC,      /* LLVM bitcode */
} EmitKind;

typedef struct CodegenOptions {
    const char *output;     /* final output path */
    EmitKind emit;
    bool release;           /* default<O2> (else default<O0> + FastISel) */
    const char *target;     /* target triple, NULL = host */
    const char *cpu;        /* --cpu: "native", an x86-64 level, or NULL =
                             * the target's portable baseline */
    const char *rt_dir;     /* directory holding librt_sifr.a */
    const char *uring_lib;  /* path of liburing.a, linked statically */
    const char *tmp_dir;    /* private temporary directory for intermediates */
    bool verbose;           /* print the link command to stderr */
} CodegenOptions;

/* Generate, optimise, emit and (for EMIT_EXE) link. The output file appears
 * atomically (written under a temporary name in the same directory, then
 * renamed), so a failure never leaves a partial output. Returns false after
 * reporting a diagnostic (SIFR-LINK-0001 for linker failures, SIFR-CLI-0002
 * for I/O); internal inconsistencies are ICEs (exit 3). */
bool cg_build(const Program *prog, const CodegenOptions *opts);

/* Report SIFR-TYPE-0006 at the first construct of each function that this
 * code generator cannot lower yet (sema accepts more than it builds);
 * false if there was one. Called first thing by cg_build. */
bool cg_check_supported(const Program *prog);

/* Parse a --emit name ("llvm-ir", "asm", "obj", "bc", "exe"). */
bool cg_parse_emit(const char *name, EmitKind *out);

#endif
